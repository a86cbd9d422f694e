//! The Close frame payload (frame layer, RFC 6455 §5.5.1, §7.4): parsed
//! here, written by the frame encoder (`frame::encode_close`).
//!
//! A Close payload is empty, or a 2-byte big-endian code followed by at most
//! 123 bytes of UTF-8 reason. Codes 1005, 1006 and 1015 are reserved for
//! reporting and never appear on the wire (§7.4.1).

use crate::close_code::CloseCode;
use crate::error::{ProtocolError, UsageError};

/// Longest close reason: 125 bytes of control payload minus the 2-byte code.
pub const MAX_REASON_LEN: usize = 123;

/// A parsed Close frame payload.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClosePayload<'a> {
    /// The code; [`CloseCode::NO_STATUS`] (1005) when the payload was empty.
    pub code: CloseCode,
    /// The reason, validated UTF-8 (empty when absent).
    pub reason: &'a str,
}

impl<'a> ClosePayload<'a> {
    /// Parses a received Close payload (already unmasked).
    ///
    /// # Errors
    /// [`ProtocolError::CloseFrameTooShort`] for a 1-byte payload (1002),
    /// [`ProtocolError::InvalidCloseCode`] for a code that may not be sent
    /// (1002), [`ProtocolError::InvalidUtf8`] for a bad reason (1007).
    /// Payloads over 125 bytes never get here (the frame decoder rejects them).
    pub fn parse(payload: &'a [u8]) -> Result<Self, ProtocolError> {
        match payload {
            [] => Ok(Self {
                code: CloseCode::NO_STATUS,
                reason: "",
            }),
            [_] => Err(ProtocolError::CloseFrameTooShort),
            [hi, lo, reason @ ..] => {
                let code = CloseCode::new(u16::from_be_bytes([*hi, *lo]));
                if !code.is_sendable() {
                    return Err(ProtocolError::InvalidCloseCode);
                }
                let reason = crate::utf8::utf8_str(reason).ok_or(ProtocolError::InvalidUtf8)?;
                Ok(Self { code, reason })
            }
        }
    }

    /// The payload length on the wire: 0 for
    /// [`CloseCode::NO_STATUS`] (meaning "send an empty Close"), else 2 + reason.
    #[must_use]
    pub fn len(&self) -> usize {
        if self.code == CloseCode::NO_STATUS {
            0
        } else {
            2 + self.reason.len()
        }
    }

    /// Whether the payload is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Checks that this payload may be sent: code sendable (or 1005 with an
    /// empty reason, meaning an empty Close) and reason ≤ 123 bytes.
    ///
    /// # Errors
    /// [`UsageError::InvalidCloseCode`], [`UsageError::ReasonTooLong`].
    pub fn check_sendable(&self) -> Result<(), UsageError> {
        if self.reason.len() > MAX_REASON_LEN {
            return Err(UsageError::ReasonTooLong);
        }
        if self.code == CloseCode::NO_STATUS {
            return if self.reason.is_empty() {
                Ok(())
            } else {
                Err(UsageError::InvalidCloseCode)
            };
        }
        if !self.code.is_sendable() {
            return Err(UsageError::InvalidCloseCode);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_rules() {
        assert_eq!(ClosePayload::parse(&[]).unwrap().code, CloseCode::NO_STATUS);
        assert_eq!(
            ClosePayload::parse(&[3]),
            Err(ProtocolError::CloseFrameTooShort)
        );
        assert_eq!(
            ClosePayload::parse(&[0x03, 0xED]),
            Err(ProtocolError::InvalidCloseCode)
        ); // 1005
        assert_eq!(
            ClosePayload::parse(&[0x03, 0xEE]),
            Err(ProtocolError::InvalidCloseCode)
        ); // 1006
        assert_eq!(
            ClosePayload::parse(&[0x03, 0xF7]),
            Err(ProtocolError::InvalidCloseCode)
        ); // 1015
        assert_eq!(
            ClosePayload::parse(&[0x03, 0xE8, 0xFF]),
            Err(ProtocolError::InvalidUtf8)
        );
        let p = ClosePayload::parse(b"\x0b\xb8bye").unwrap();
        assert_eq!((p.code.get(), p.reason), (3000, "bye"));
        assert_eq!(ProtocolError::CloseFrameTooShort.close_code().get(), 1002);
        assert_eq!(ProtocolError::InvalidCloseCode.close_code().get(), 1002);
    }

    /// The reason is checked as a whole (a code point cut at its end is
    /// refused) and handed out unchanged, with `core::str::from_utf8`'s
    /// verdict in every build (`small` validates with its DFA).
    #[test]
    fn reason_utf8_matches_std() {
        let reasons: &[&[u8]] = &[
            b"",
            b"bye",
            "\u{3ba}\u{1f79}\u{3c3}\u{3bc}\u{3b5}".as_bytes(),
            "\u{10ffff}\u{e000}".as_bytes(),
            b"ok\xe2\x82",       // ends inside a code point
            b"\xed\xa0\x80",     // surrogate
            b"\xc0\xaf",         // overlong
            b"\xf4\x90\x80\x80", // above U+10FFFF
            b"a\x80b",
        ];
        for reason in reasons {
            let mut payload = std::vec![0x03, 0xE8];
            payload.extend_from_slice(reason);
            let got = ClosePayload::parse(&payload).map(|p| p.reason);
            let want = core::str::from_utf8(reason).map_err(|_| ProtocolError::InvalidUtf8);
            assert_eq!(got, want, "{reason:02x?}");
        }
    }
}
