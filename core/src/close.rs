//! Close codes and the Close frame payload (RFC 6455 §5.5.1, §7.4).
//!
//! A Close payload is empty, or a 2-byte big-endian code followed by at most
//! 123 bytes of UTF-8 reason. Codes 1005, 1006 and 1015 are reserved for
//! reporting and never appear on the wire (§7.4.1).

use crate::error::{ProtocolError, UsageError};

/// Longest close reason: 125 bytes of control payload minus the 2-byte code.
pub const MAX_REASON_LEN: usize = 123;

/// A close status code (RFC 6455 §7.4). The numbers are the same in every
/// Windows API (`WEB_SOCKET_CLOSE_STATUS`, `WINHTTP_WEB_SOCKET_CLOSE_STATUS`,
/// .NET's `WebSocketCloseStatus`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct CloseCode(u16);

impl CloseCode {
    /// 1000: normal closure.
    pub const NORMAL: Self = Self(1000);
    /// 1001: endpoint going away.
    pub const GOING_AWAY: Self = Self(1001);
    /// 1002: protocol error.
    pub const PROTOCOL_ERROR: Self = Self(1002);
    /// 1003: unsupported data type.
    pub const UNSUPPORTED_DATA: Self = Self(1003);
    /// 1005: no status code was present (reported, never sent).
    pub const NO_STATUS: Self = Self(1005);
    /// 1006: closed without a Close frame (reported, never sent).
    pub const ABNORMAL: Self = Self(1006);
    /// 1007: payload data inconsistent with the message type (bad UTF-8).
    pub const INVALID_PAYLOAD: Self = Self(1007);
    /// 1008: policy violation.
    pub const POLICY: Self = Self(1008);
    /// 1009: message too big to process.
    pub const MESSAGE_TOO_BIG: Self = Self(1009);
    /// 1010: client expected an extension the server did not negotiate.
    pub const MANDATORY_EXTENSION: Self = Self(1010);
    /// 1011: server hit an unexpected condition.
    pub const INTERNAL_ERROR: Self = Self(1011);
    /// 1015: TLS handshake failure (reported, never sent).
    pub const TLS_HANDSHAKE: Self = Self(1015);

    /// Wraps any number; use [`CloseCode::is_sendable`] to check it.
    #[must_use]
    pub const fn new(code: u16) -> Self {
        Self(code)
    }

    /// The numeric value.
    #[must_use]
    pub const fn get(self) -> u16 {
        self.0
    }

    /// Whether this code may appear in a Close frame on the wire:
    /// 1000–1003, 1007–1014 (1012–1014 were registered with IANA after the
    /// RFC), and 3000–4999 (§7.4.2: libraries/frameworks and private use).
    #[must_use]
    pub const fn is_sendable(self) -> bool {
        matches!(self.0, 1000..=1003 | 1007..=1014 | 3000..=4999)
    }
}

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
                let code = CloseCode(u16::from_be_bytes([*hi, *lo]));
                if !code.is_sendable() {
                    return Err(ProtocolError::InvalidCloseCode);
                }
                let reason = crate::mask::utf8_str(reason).ok_or(ProtocolError::InvalidUtf8)?;
                Ok(Self { code, reason })
            }
        }
    }

    /// The payload length [`ClosePayload::emit`] writes: 0 for
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

    /// Writes the payload into `out`, returning its length.
    ///
    /// # Errors
    /// Those of [`ClosePayload::check_sendable`], and
    /// [`UsageError::BufferTooSmall`]. `out` is untouched on error.
    pub fn emit(&self, out: &mut [u8]) -> Result<usize, UsageError> {
        self.check_sendable()?;
        let len = self.len();
        let dst = out
            .get_mut(..len)
            .ok_or(UsageError::BufferTooSmall { needed: len })?;
        if let [hi, lo, rest @ ..] = dst {
            [*hi, *lo] = self.code.0.to_be_bytes();
            // Zipped: `copy_from_slice` keeps a panic path at opt-level "z".
            for (dst, src) in rest.iter_mut().zip(self.reason.as_bytes()) {
                *dst = *src;
            }
        }
        Ok(len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // All 65 536 codes take a minute under Miri; the boundaries are checked
    // there by `parse_rules` and `connection::tests::rule_close_payloads`.
    #[test]
    #[cfg_attr(miri, ignore)]
    fn sendable_ranges() {
        for c in 0..=u16::MAX {
            let ok = CloseCode(c).is_sendable();
            let want = (1000..=1003).contains(&c)
                || (1007..=1014).contains(&c)
                || (3000..=4999).contains(&c);
            assert_eq!(ok, want, "code {c}");
        }
    }

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

    #[test]
    fn emit_round_trip_and_limits() {
        let mut out = [0u8; 125];
        let p = ClosePayload {
            code: CloseCode::NORMAL,
            reason: "ok",
        };
        let n = p.emit(&mut out).unwrap();
        assert_eq!(&out[..n], b"\x03\xe8ok");
        assert_eq!(ClosePayload::parse(&out[..n]).unwrap(), p);
        let long = core::str::from_utf8(&[b'a'; 124]).unwrap();
        assert_eq!(
            ClosePayload {
                code: CloseCode::NORMAL,
                reason: long
            }
            .emit(&mut out),
            Err(UsageError::ReasonTooLong)
        );
        assert_eq!(
            ClosePayload {
                code: CloseCode::ABNORMAL,
                reason: ""
            }
            .emit(&mut out),
            Err(UsageError::InvalidCloseCode)
        );
        assert_eq!(
            ClosePayload {
                code: CloseCode::NO_STATUS,
                reason: ""
            }
            .emit(&mut out),
            Ok(0)
        );
        let mut small = [0u8; 3];
        assert_eq!(
            p.emit(&mut small),
            Err(UsageError::BufferTooSmall { needed: 4 })
        );
        assert_eq!(small, [0; 3]);
    }
}
