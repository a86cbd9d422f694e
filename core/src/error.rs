//! Errors (ground layer, returned by every layer): what went wrong, and
//! what the RFC says to answer.
//!
//! Three kinds, kept apart because callers react to them differently:
//!
//! * [`ProtocolError`]: the peer broke RFC 6455 after the handshake. Each
//!   variant names the close code to fail the connection with (§7.1.7,
//!   §7.4.1). The connection stays failed afterwards.
//! * [`HandshakeError`]: the opening handshake (§4) was refused. On the
//!   server side each variant names the HTTP status to answer with
//!   ([`HandshakeError::http_status`]); on the client side the connection
//!   must simply be dropped (§4.1: "the client MUST _Fail the WebSocket
//!   Connection_").
//! * [`UsageError`]: the caller asked for something impossible (buffer too
//!   small, a data frame after a close was sent, ...). Nothing was written
//!   and the connection state is unchanged; the caller may retry.
//!
//! [`Error`] is the union the connection methods return.

use crate::close_code::CloseCode;

/// A violation of RFC 6455 by the peer, detected after the handshake.
///
/// Every variant maps to the close code the RFC asks for
/// ([`ProtocolError::close_code`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum ProtocolError {
    /// RSV1/2/3 set without a negotiated extension that defines them (§5.2). → 1002
    ReservedBits,
    /// Opcode 0x3–0x7 or 0xB–0xF (§5.2). → 1002
    ReservedOpcode,
    /// Control frame with a payload longer than 125 bytes (§5.5). → 1002
    ControlFrameTooLong,
    /// Control frame without FIN: control frames must not be fragmented (§5.5). → 1002
    FragmentedControlFrame,
    /// 64-bit payload length with the most significant bit set (§5.2). → 1002
    LengthTopBitSet,
    /// Payload length not in its minimal encoding (§5.2: "the minimal number
    /// of bytes MUST be used"). → 1002
    NonMinimalLength,
    /// A client sent an unmasked frame (§5.1). → 1002
    UnmaskedClientFrame,
    /// A server sent a masked frame (§5.1). → 1002
    MaskedServerFrame,
    /// Continuation frame without a message in progress (§5.4). → 1002
    UnexpectedContinuation,
    /// New text/binary frame while a fragmented message is in progress (§5.4). → 1002
    ExpectedContinuation,
    /// Close frame with a one-byte payload (§5.5.1). → 1002
    CloseFrameTooShort,
    /// Close code not allowed on the wire (§7.4.1, §7.4.2: 1004–1006,
    /// 1015, 1016–2999, 5000+, < 1000). → 1002
    InvalidCloseCode,
    /// Text message or close reason that is not valid UTF-8 (§8.1). → 1007
    InvalidUtf8,
    /// A frame's declared payload length exceeds the configured limit. → 1009
    FrameTooBig,
    /// A message's total length exceeds the configured limit. → 1009
    MessageTooBig,
    /// A message has more fragments than the configured limit. → 1009
    TooManyFragments,
    /// RSV1 (permessage-deflate's "Per-Message Compressed" bit) on a
    /// continuation frame: only a message's first frame carries it
    /// (RFC 7692 §6.1). → 1002
    CompressedContinuation,
    /// RSV1 on a control frame: control frames are never compressed
    /// (RFC 7692 §6.1). → 1002
    CompressedControl,
    /// A compressed message's data is not valid DEFLATE, or a match
    /// reaches beyond the negotiated window or before the stream's start
    /// (RFC 7692 §7.2.2, §7.1.2). → 1007
    CorruptCompressedData,
    /// A compressed message ended inside a DEFLATE block: its data stops
    /// short of the block boundary §7.2.1 requires. → 1007
    TruncatedCompressedMessage,
}

impl ProtocolError {
    /// The close code to send when failing the connection for this error.
    #[must_use]
    pub const fn close_code(self) -> CloseCode {
        match self {
            Self::InvalidUtf8 | Self::CorruptCompressedData | Self::TruncatedCompressedMessage => {
                CloseCode::INVALID_PAYLOAD
            }
            Self::FrameTooBig | Self::MessageTooBig | Self::TooManyFragments => {
                CloseCode::MESSAGE_TOO_BIG
            }
            _ => CloseCode::PROTOCOL_ERROR,
        }
    }

    /// The reason sent in the Close that fails the connection (§7.4.1,
    /// §5.5.1: a reason is optional and "not necessarily human readable"):
    /// [`ProtocolError::as_str`] with the default `close-reasons` feature,
    /// empty without it, so a size build links none of the strings and its
    /// failure Close carries the code only.
    #[must_use]
    pub const fn close_reason(self) -> &'static str {
        #[cfg(feature = "close-reasons")]
        return self.as_str();
        #[cfg(not(feature = "close-reasons"))]
        return "";
    }

    /// A short, static description for logs.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::ReservedBits => "reserved bits set without a negotiated extension",
            Self::ReservedOpcode => "reserved opcode",
            Self::ControlFrameTooLong => "control frame payload longer than 125 bytes",
            Self::FragmentedControlFrame => "fragmented control frame",
            Self::LengthTopBitSet => "64-bit payload length with the top bit set",
            Self::NonMinimalLength => "payload length not minimally encoded",
            Self::UnmaskedClientFrame => "unmasked frame from a client",
            Self::MaskedServerFrame => "masked frame from a server",
            Self::UnexpectedContinuation => "continuation frame without a message in progress",
            Self::ExpectedContinuation => "new data frame inside a fragmented message",
            Self::CloseFrameTooShort => "close frame with a one-byte payload",
            Self::InvalidCloseCode => "close code not allowed on the wire",
            Self::InvalidUtf8 => "invalid UTF-8 in a text message or close reason",
            Self::FrameTooBig => "frame larger than the configured limit",
            Self::MessageTooBig => "message larger than the configured limit",
            Self::TooManyFragments => "message has more fragments than the configured limit",
            Self::CompressedContinuation => "RSV1 (compressed) on a continuation frame",
            Self::CompressedControl => "RSV1 (compressed) on a control frame",
            Self::CorruptCompressedData => "compressed message is not valid DEFLATE for the window",
            Self::TruncatedCompressedMessage => "compressed message ends inside a DEFLATE block",
        }
    }
}

/// The opening handshake (RFC 6455 §4) was refused.
///
/// On the server, [`HandshakeError::http_status`] is the status to answer
/// with (see `handshake::write_rejection`); a client that gets one of the
/// `Response*` variants must drop the connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum HandshakeError {
    /// The head is not valid HTTP/1.1 (httparse rejected it). → 400
    MalformedHead,
    /// The head is larger than the configured limit, or has more header
    /// lines than the parser has room for. → 431
    HeadTooLarge,
    /// Request method is not GET (§4.2.1 item 1). → 405 (with `Allow: GET`)
    MethodNotGet,
    /// HTTP version older than 1.1 (§4.2.1 item 1). → 400
    HttpVersion,
    /// No `Host` header (§4.2.1 item 2). → 400
    MissingHost,
    /// `Upgrade` does not contain the token `websocket` (§4.2.1 item 3). → 426
    MissingUpgrade,
    /// `Connection` does not contain the token `upgrade` (§4.2.1 item 4). → 400
    MissingConnectionUpgrade,
    /// `Sec-WebSocket-Key` missing, repeated, or not 16 bytes of base64
    /// (§4.2.1 item 5). → 400
    BadKey,
    /// `Sec-WebSocket-Version` missing. → 426 with `Sec-WebSocket-Version: 13`
    /// (§4.4: tell the client the version we speak; §4.2.1's 400 is only
    /// an example of "an appropriate error code")
    MissingVersion,
    /// `Sec-WebSocket-Version` is not 13 (§4.4). → 426 with `Sec-WebSocket-Version: 13`
    UnsupportedVersion,
    /// A header the handshake reads is not valid (non-token characters,
    /// unbalanced quotes in an extension offer). → 400
    BadHeaderValue,
    /// Client side: the response status is not 101 (§4.1). Drop the connection.
    ResponseStatus,
    /// Client side: `Upgrade: websocket` missing from the response (§4.1).
    ResponseUpgrade,
    /// Client side: `Connection: upgrade` missing from the response (§4.1).
    ResponseConnection,
    /// Client side: `Sec-WebSocket-Accept` missing or wrong (§4.1).
    ResponseAccept,
    /// Client side: the server chose a subprotocol that was not offered (§4.1).
    ResponseSubprotocol,
    /// Client side: the server chose an extension that was not offered (§4.1).
    ResponseExtension,
}

impl HandshakeError {
    /// The HTTP status a server answers with; `None` for the client-side
    /// (`Response*`) variants, which are answered by closing the connection.
    #[must_use]
    pub const fn http_status(self) -> Option<u16> {
        Some(match self {
            Self::HeadTooLarge => 431,
            Self::MethodNotGet => 405,
            Self::MissingUpgrade | Self::MissingVersion | Self::UnsupportedVersion => 426,
            Self::MalformedHead
            | Self::HttpVersion
            | Self::MissingHost
            | Self::MissingConnectionUpgrade
            | Self::BadKey
            | Self::BadHeaderValue => 400,
            Self::ResponseStatus
            | Self::ResponseUpgrade
            | Self::ResponseConnection
            | Self::ResponseAccept
            | Self::ResponseSubprotocol
            | Self::ResponseExtension => return None,
        })
    }

    /// A short, static description for logs.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::MalformedHead => "malformed HTTP head",
            Self::HeadTooLarge => "HTTP head larger than the configured limit",
            Self::MethodNotGet => "request method is not GET",
            Self::HttpVersion => "HTTP version older than 1.1",
            Self::MissingHost => "missing Host header",
            Self::MissingUpgrade => "Upgrade header lacks the websocket token",
            Self::MissingConnectionUpgrade => "Connection header lacks the upgrade token",
            Self::BadKey => "Sec-WebSocket-Key missing or not 16 bytes of base64",
            Self::MissingVersion => "missing Sec-WebSocket-Version",
            Self::UnsupportedVersion => "Sec-WebSocket-Version is not 13",
            Self::BadHeaderValue => "invalid handshake header value",
            Self::ResponseStatus => "response status is not 101",
            Self::ResponseUpgrade => "response lacks Upgrade: websocket",
            Self::ResponseConnection => "response lacks Connection: upgrade",
            Self::ResponseAccept => "Sec-WebSocket-Accept missing or wrong",
            Self::ResponseSubprotocol => "server chose a subprotocol that was not offered",
            Self::ResponseExtension => "server chose an extension that was not offered",
        }
    }
}

/// The caller asked for something the library cannot do. Nothing was
/// written and no state changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum UsageError {
    /// The output buffer is too small; `needed` bytes would fit.
    BufferTooSmall {
        /// Bytes the call needs in the output buffer.
        needed: usize,
    },
    /// A data frame was requested after our Close was sent (§5.5.1), or
    /// anything at all after the connection closed or failed.
    Closed,
    /// A frame of another kind was requested while a fragmented message is
    /// being sent, or a continuation without a message in progress (§5.4).
    MessageInProgress,
    /// Control frame payload over 125 bytes (§5.5).
    ControlTooLong,
    /// A payload length of 2^63 or more, which no frame can declare (§5.2).
    PayloadTooLarge,
    /// Close code that must not be sent (1005, 1006, 1015, or outside the
    /// ranges of §7.4).
    InvalidCloseCode,
    /// Close reason longer than 123 bytes (§5.5: 125 minus the code).
    ReasonTooLong,
    /// A header name or value given for the handshake contains CR, LF or
    /// other bytes that would break the HTTP head.
    InvalidHeader,
    /// A subprotocol or extension name that is not an HTTP token.
    InvalidToken,
    /// An HTTP refusal was asked for with a status outside 400–599, or for
    /// a client-side handshake error (which has no HTTP answer).
    InvalidStatus,
    /// A reassembly buffer cannot hold the message; see
    /// `reassemble::Reassembler`.
    Reassembly,
    /// A compressed message is being received: only
    /// `Connection::recv_deflate` can continue it.
    NeedsDecompression,
    /// The compressor's storage or a decompression ring is too small or
    /// not of the size the negotiated parameters need.
    DeflateMemory,
}

impl UsageError {
    /// A short, static description for logs.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::BufferTooSmall { .. } => "output buffer too small",
            Self::Closed => "connection closed for sending",
            Self::MessageInProgress => "fragmented message state does not allow this frame",
            Self::ControlTooLong => "control frame payload longer than 125 bytes",
            Self::PayloadTooLarge => "payload length of 2^63 or more",
            Self::InvalidCloseCode => "close code that may not be sent",
            Self::ReasonTooLong => "close reason longer than 123 bytes",
            Self::InvalidHeader => "header name or value would break the HTTP head",
            Self::InvalidToken => "not an HTTP token",
            Self::InvalidStatus => "not an HTTP error status",
            Self::Reassembly => "reassembly buffer misuse",
            Self::NeedsDecompression => "a compressed message needs recv_deflate",
            Self::DeflateMemory => "permessage-deflate memory of the wrong size",
        }
    }
}

/// Everything a connection or handshake call can fail with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum Error {
    /// The peer violated the protocol; the connection is failed.
    Protocol(ProtocolError),
    /// The opening handshake was refused.
    Handshake(HandshakeError),
    /// The caller's request cannot be carried out; nothing changed.
    Usage(UsageError),
}

impl Error {
    /// The close code to answer with, for protocol errors.
    #[must_use]
    pub const fn close_code(self) -> Option<CloseCode> {
        match self {
            Self::Protocol(e) => Some(e.close_code()),
            _ => None,
        }
    }

    /// The HTTP status to answer with, for server-side handshake errors.
    #[must_use]
    pub const fn http_status(self) -> Option<u16> {
        match self {
            Self::Handshake(e) => e.http_status(),
            _ => None,
        }
    }

    /// A short, static description for logs.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Protocol(e) => e.as_str(),
            Self::Handshake(e) => e.as_str(),
            Self::Usage(e) => e.as_str(),
        }
    }
}

impl From<ProtocolError> for Error {
    fn from(e: ProtocolError) -> Self {
        Self::Protocol(e)
    }
}

impl From<HandshakeError> for Error {
    fn from(e: HandshakeError) -> Self {
        Self::Handshake(e)
    }
}

impl From<UsageError> for Error {
    fn from(e: UsageError) -> Self {
        Self::Usage(e)
    }
}

macro_rules! display_via_as_str {
    ($($t:ty),*) => {$(
        impl core::fmt::Display for $t {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        #[cfg(feature = "std")]
        impl std::error::Error for $t {}
    )*};
}
display_via_as_str!(ProtocolError, HandshakeError, UsageError, Error);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_codes_per_rfc() {
        assert_eq!(ProtocolError::InvalidUtf8.close_code().get(), 1007);
        assert_eq!(ProtocolError::MessageTooBig.close_code().get(), 1009);
        assert_eq!(ProtocolError::TooManyFragments.close_code().get(), 1009);
        assert_eq!(ProtocolError::ReservedOpcode.close_code().get(), 1002);
        assert_eq!(
            Error::from(ProtocolError::FrameTooBig)
                .close_code()
                .map(CloseCode::get),
            Some(1009)
        );
    }

    #[test]
    fn http_statuses_per_rfc() {
        assert_eq!(HandshakeError::UnsupportedVersion.http_status(), Some(426));
        assert_eq!(HandshakeError::HeadTooLarge.http_status(), Some(431));
        assert_eq!(HandshakeError::BadKey.http_status(), Some(400));
        assert_eq!(HandshakeError::MethodNotGet.http_status(), Some(405));
        assert_eq!(HandshakeError::ResponseAccept.http_status(), None);
    }
}
