//! Status codes: what every fallible export returns, grouped in ranges and
//! never renumbered, with the close code or HTTP status each error calls
//! for (taken from the core's errors, not restated here).

use wsframe::deflate::ResponseError;
use wsframe::{Error, HandshakeError, ProtocolError, UsageError};

use crate::counted::wsf_str;

/// The result of a call. `WSF_OK` is 0. Ranges: 1–99 not errors (the call
/// did nothing and says why), 100–199 usage errors (nothing changed; fix
/// the call), 1000–1999 protocol errors (the peer broke RFC 6455; the
/// connection is failed and its Close is pending; the close code comes from
/// `wsf_status_close_code`, it is not the status number), 2000–2999
/// handshake errors (the HTTP answer comes from `wsf_status_http_status`),
/// 3000 and up internal. Numbers are never reused or changed.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[must_use]
pub enum wsf_status {
    /// Success.
    WSF_OK = 0,
    /// More input is needed (an incomplete HTTP head, or no whole message
    /// yet); nothing was consumed. Not an error.
    WSF_INCOMPLETE = 1,
    /// No value at this index, or no equivalent in the target API. Not an
    /// error.
    WSF_NOT_FOUND = 2,

    /// A required pointer was NULL (or NULL with a non-zero length).
    WSF_NULL_POINTER = 100,
    /// An argument is out of range: an unknown enumeration value, an
    /// impossible length, or an output buffer overlapping an input.
    WSF_INVALID_ARGUMENT = 101,
    /// A string argument that must be UTF-8 is not.
    WSF_NOT_UTF8 = 102,
    /// The output buffer is too small; `*written` holds the size needed.
    WSF_BUFFER_TOO_SMALL = 103,
    /// The storage given to an `_init` function is smaller than `_size()`.
    WSF_STORAGE_TOO_SMALL = 104,
    /// The storage given to an `_init` function is not aligned to `_align()`.
    WSF_STORAGE_MISALIGNED = 105,
    /// The heap allocator failed (`alloc` feature).
    WSF_ALLOC_FAILED = 106,
    /// Nothing may be sent: our Close went out or the connection failed.
    WSF_CLOSED = 110,
    /// The fragmented message being sent does not allow this frame (other
    /// data kind, §5.4).
    WSF_MESSAGE_IN_PROGRESS = 111,
    /// A control frame payload over 125 bytes (§5.5).
    WSF_CONTROL_TOO_LONG = 112,
    /// A payload length of 2^63 or more.
    WSF_PAYLOAD_TOO_LARGE = 113,
    /// A close code that may not be sent (1005, 1006, 1015, or outside the
    /// ranges of §7.4).
    WSF_INVALID_CLOSE_CODE = 114,
    /// A close reason over 123 bytes.
    WSF_REASON_TOO_LONG = 115,
    /// A header name or value that would break the HTTP head, or a header
    /// the writer emits itself.
    WSF_INVALID_HEADER = 116,
    /// A subprotocol or extension name that is not an HTTP token.
    WSF_INVALID_TOKEN = 117,
    /// The reassembly buffer was misused.
    WSF_REASSEMBLY = 118,
    /// An HTTP refusal was asked for with a status outside 400–599.
    WSF_INVALID_STATUS = 119,
    /// A compressed message is being received: only a connection with
    /// permessage-deflate on can continue it.
    WSF_NEEDS_DECOMPRESSION = 120,
    /// permessage-deflate storage too small for the negotiated parameters.
    WSF_DEFLATE_MEMORY = 121,
    /// Another usage error (reported by a newer core).
    WSF_USAGE_ERROR = 199,

    /// Another protocol error (reported by a newer core); close code 1002.
    WSF_PROTOCOL_ERROR = 1000,
    /// RSV1/2/3 set without a negotiated extension (§5.2); close 1002.
    WSF_PROTOCOL_RESERVED_BITS = 1001,
    /// Reserved opcode (§5.2); close 1002.
    WSF_PROTOCOL_RESERVED_OPCODE = 1002,
    /// Control frame payload over 125 bytes (§5.5); close 1002.
    WSF_PROTOCOL_CONTROL_FRAME_TOO_LONG = 1003,
    /// Fragmented control frame (§5.5); close 1002.
    WSF_PROTOCOL_FRAGMENTED_CONTROL_FRAME = 1004,
    /// 64-bit length with the top bit set (§5.2); close 1002.
    WSF_PROTOCOL_LENGTH_TOP_BIT_SET = 1005,
    /// Length not minimally encoded (§5.2); close 1002.
    WSF_PROTOCOL_NON_MINIMAL_LENGTH = 1006,
    /// Unmasked frame from a client (§5.1); close 1002.
    WSF_PROTOCOL_UNMASKED_CLIENT_FRAME = 1007,
    /// Masked frame from a server (§5.1); close 1002.
    WSF_PROTOCOL_MASKED_SERVER_FRAME = 1008,
    /// Continuation without a message in progress (§5.4); close 1002.
    WSF_PROTOCOL_UNEXPECTED_CONTINUATION = 1009,
    /// New data frame inside a fragmented message (§5.4); close 1002.
    WSF_PROTOCOL_EXPECTED_CONTINUATION = 1010,
    /// Close frame with a one-byte payload (§5.5.1); close 1002.
    WSF_PROTOCOL_CLOSE_FRAME_TOO_SHORT = 1011,
    /// Close code not allowed on the wire (§7.4); close 1002.
    WSF_PROTOCOL_INVALID_CLOSE_CODE = 1012,
    // 1013 is not used: input after the peer's Close is discarded (§5.5.1),
    // never an error.
    /// Invalid UTF-8 in a text message or close reason (§8.1); close 1007.
    WSF_PROTOCOL_INVALID_UTF8 = 1014,
    /// Frame larger than `max_frame_size`; close 1009.
    WSF_PROTOCOL_FRAME_TOO_BIG = 1015,
    /// Message larger than `max_message_size` (or the reassembly buffer);
    /// close 1009.
    WSF_PROTOCOL_MESSAGE_TOO_BIG = 1016,
    /// More fragments than `max_fragments`; close 1009.
    WSF_PROTOCOL_TOO_MANY_FRAGMENTS = 1017,
    /// RSV1 (compressed) on a continuation frame (RFC 7692 §6.1); close 1002.
    WSF_PROTOCOL_COMPRESSED_CONTINUATION = 1018,
    /// RSV1 (compressed) on a control frame (RFC 7692 §6.1); close 1002.
    WSF_PROTOCOL_COMPRESSED_CONTROL = 1019,
    /// A compressed message is not valid DEFLATE for the negotiated window
    /// (RFC 7692 §7.2.2); close 1007.
    WSF_PROTOCOL_CORRUPT_COMPRESSED_DATA = 1020,
    /// A compressed message ends inside a DEFLATE block (RFC 7692 §7.2.1);
    /// close 1007.
    WSF_PROTOCOL_TRUNCATED_COMPRESSED_MESSAGE = 1021,

    /// Another handshake error (reported by a newer core); HTTP 400.
    WSF_HANDSHAKE_ERROR = 2000,
    /// Not valid HTTP/1.1; HTTP 400.
    WSF_HANDSHAKE_MALFORMED_HEAD = 2001,
    /// Head over `max_head_size`, or more than `WSF_MAX_HEADERS` header
    /// lines; HTTP 431.
    WSF_HANDSHAKE_HEAD_TOO_LARGE = 2002,
    /// Method is not GET; HTTP 405.
    WSF_HANDSHAKE_METHOD_NOT_GET = 2003,
    /// Older than HTTP/1.1; HTTP 400.
    WSF_HANDSHAKE_HTTP_VERSION = 2004,
    /// No Host header; HTTP 400.
    WSF_HANDSHAKE_MISSING_HOST = 2005,
    /// Upgrade lacks `websocket`; HTTP 426.
    WSF_HANDSHAKE_MISSING_UPGRADE = 2006,
    /// Connection lacks `upgrade`; HTTP 400.
    WSF_HANDSHAKE_MISSING_CONNECTION_UPGRADE = 2007,
    /// Sec-WebSocket-Key missing, repeated or not 16 bytes of base64; HTTP 400.
    WSF_HANDSHAKE_BAD_KEY = 2008,
    /// Sec-WebSocket-Version missing; HTTP 426.
    WSF_HANDSHAKE_MISSING_VERSION = 2009,
    /// Sec-WebSocket-Version is not 13; HTTP 426.
    WSF_HANDSHAKE_UNSUPPORTED_VERSION = 2010,
    /// A handshake header has an invalid value; HTTP 400.
    WSF_HANDSHAKE_BAD_HEADER_VALUE = 2011,
    /// Client side: the response status is not 101. Drop the connection.
    WSF_HANDSHAKE_RESPONSE_STATUS = 2101,
    /// Client side: the response lacks `Upgrade: websocket`.
    WSF_HANDSHAKE_RESPONSE_UPGRADE = 2102,
    /// Client side: the response lacks `Connection: upgrade`.
    WSF_HANDSHAKE_RESPONSE_CONNECTION = 2103,
    /// Client side: Sec-WebSocket-Accept missing or wrong.
    WSF_HANDSHAKE_RESPONSE_ACCEPT = 2104,
    /// Client side: the server chose a subprotocol that was not offered.
    WSF_HANDSHAKE_RESPONSE_SUBPROTOCOL = 2105,
    /// Client side: the server chose an extension that was not offered.
    WSF_HANDSHAKE_RESPONSE_EXTENSION = 2106,
    /// Client side: another flaw of the server's permessage-deflate answer
    /// (reported by a newer core; RFC 7692 §7.1). Drop the connection.
    WSF_HANDSHAKE_DEFLATE_ANSWER = 2107,
    /// Client side: permessage-deflate answered more than once.
    WSF_HANDSHAKE_DEFLATE_REPEATED = 2108,
    /// Client side: a permessage-deflate parameter not defined for an answer.
    WSF_HANDSHAKE_DEFLATE_UNKNOWN_PARAMETER = 2109,
    /// Client side: a permessage-deflate parameter given twice.
    WSF_HANDSHAKE_DEFLATE_DUPLICATE_PARAMETER = 2110,
    /// Client side: window bits missing or not 8..15 (§7.1.2).
    WSF_HANDSHAKE_DEFLATE_BAD_WINDOW_BITS = 2111,
    /// Client side: a no-context-takeover parameter with a value (§7.1.1).
    WSF_HANDSHAKE_DEFLATE_UNEXPECTED_VALUE = 2112,
    /// Client side: `server_max_window_bits` above what was offered, or
    /// absent although one was offered (§7.1.2.1).
    WSF_HANDSHAKE_DEFLATE_WINDOW_TOO_LARGE = 2113,

    /// A panic was caught at the boundary (a bug in wsframe). The objects
    /// passed to the call must not be used again.
    WSF_PANIC = 3000,
}

use wsf_status::*;

/// Every status, in numeric order (for range-checking numbers from C).
const ALL: &[wsf_status] = &[
    WSF_OK,
    WSF_INCOMPLETE,
    WSF_NOT_FOUND,
    WSF_NULL_POINTER,
    WSF_INVALID_ARGUMENT,
    WSF_NOT_UTF8,
    WSF_BUFFER_TOO_SMALL,
    WSF_STORAGE_TOO_SMALL,
    WSF_STORAGE_MISALIGNED,
    WSF_ALLOC_FAILED,
    WSF_CLOSED,
    WSF_MESSAGE_IN_PROGRESS,
    WSF_CONTROL_TOO_LONG,
    WSF_PAYLOAD_TOO_LARGE,
    WSF_INVALID_CLOSE_CODE,
    WSF_REASON_TOO_LONG,
    WSF_INVALID_HEADER,
    WSF_INVALID_TOKEN,
    WSF_REASSEMBLY,
    WSF_INVALID_STATUS,
    WSF_NEEDS_DECOMPRESSION,
    WSF_DEFLATE_MEMORY,
    WSF_USAGE_ERROR,
    WSF_PROTOCOL_ERROR,
    WSF_PROTOCOL_RESERVED_BITS,
    WSF_PROTOCOL_RESERVED_OPCODE,
    WSF_PROTOCOL_CONTROL_FRAME_TOO_LONG,
    WSF_PROTOCOL_FRAGMENTED_CONTROL_FRAME,
    WSF_PROTOCOL_LENGTH_TOP_BIT_SET,
    WSF_PROTOCOL_NON_MINIMAL_LENGTH,
    WSF_PROTOCOL_UNMASKED_CLIENT_FRAME,
    WSF_PROTOCOL_MASKED_SERVER_FRAME,
    WSF_PROTOCOL_UNEXPECTED_CONTINUATION,
    WSF_PROTOCOL_EXPECTED_CONTINUATION,
    WSF_PROTOCOL_CLOSE_FRAME_TOO_SHORT,
    WSF_PROTOCOL_INVALID_CLOSE_CODE,
    WSF_PROTOCOL_INVALID_UTF8,
    WSF_PROTOCOL_FRAME_TOO_BIG,
    WSF_PROTOCOL_MESSAGE_TOO_BIG,
    WSF_PROTOCOL_TOO_MANY_FRAGMENTS,
    WSF_PROTOCOL_COMPRESSED_CONTINUATION,
    WSF_PROTOCOL_COMPRESSED_CONTROL,
    WSF_PROTOCOL_CORRUPT_COMPRESSED_DATA,
    WSF_PROTOCOL_TRUNCATED_COMPRESSED_MESSAGE,
    WSF_HANDSHAKE_ERROR,
    WSF_HANDSHAKE_MALFORMED_HEAD,
    WSF_HANDSHAKE_HEAD_TOO_LARGE,
    WSF_HANDSHAKE_METHOD_NOT_GET,
    WSF_HANDSHAKE_HTTP_VERSION,
    WSF_HANDSHAKE_MISSING_HOST,
    WSF_HANDSHAKE_MISSING_UPGRADE,
    WSF_HANDSHAKE_MISSING_CONNECTION_UPGRADE,
    WSF_HANDSHAKE_BAD_KEY,
    WSF_HANDSHAKE_MISSING_VERSION,
    WSF_HANDSHAKE_UNSUPPORTED_VERSION,
    WSF_HANDSHAKE_BAD_HEADER_VALUE,
    WSF_HANDSHAKE_RESPONSE_STATUS,
    WSF_HANDSHAKE_RESPONSE_UPGRADE,
    WSF_HANDSHAKE_RESPONSE_CONNECTION,
    WSF_HANDSHAKE_RESPONSE_ACCEPT,
    WSF_HANDSHAKE_RESPONSE_SUBPROTOCOL,
    WSF_HANDSHAKE_RESPONSE_EXTENSION,
    WSF_HANDSHAKE_DEFLATE_ANSWER,
    WSF_HANDSHAKE_DEFLATE_REPEATED,
    WSF_HANDSHAKE_DEFLATE_UNKNOWN_PARAMETER,
    WSF_HANDSHAKE_DEFLATE_DUPLICATE_PARAMETER,
    WSF_HANDSHAKE_DEFLATE_BAD_WINDOW_BITS,
    WSF_HANDSHAKE_DEFLATE_UNEXPECTED_VALUE,
    WSF_HANDSHAKE_DEFLATE_WINDOW_TOO_LARGE,
    WSF_PANIC,
];

/// One table per core error type, read both ways: core error → status
/// (unknown variants of a newer core → the range's generic status) and
/// status → core error (for its description, close code, HTTP status).
macro_rules! core_table {
    ($core:ident, $generic:ident, $to:ident, $from:ident,
     { $($status:ident <=> $variant:pat => $value:expr),* $(,)? }) => {
        fn $to(e: $core) -> wsf_status {
            match e {
                $($variant => $status,)*
                _ => $generic,
            }
        }
        fn $from(s: wsf_status) -> Option<$core> {
            match s {
                $($status => Some($value),)*
                _ => None,
            }
        }
    };
}

core_table!(ProtocolError, WSF_PROTOCOL_ERROR, from_protocol, to_protocol, {
    WSF_PROTOCOL_RESERVED_BITS <=> ProtocolError::ReservedBits => ProtocolError::ReservedBits,
    WSF_PROTOCOL_RESERVED_OPCODE <=> ProtocolError::ReservedOpcode => ProtocolError::ReservedOpcode,
    WSF_PROTOCOL_CONTROL_FRAME_TOO_LONG <=> ProtocolError::ControlFrameTooLong => ProtocolError::ControlFrameTooLong,
    WSF_PROTOCOL_FRAGMENTED_CONTROL_FRAME <=> ProtocolError::FragmentedControlFrame => ProtocolError::FragmentedControlFrame,
    WSF_PROTOCOL_LENGTH_TOP_BIT_SET <=> ProtocolError::LengthTopBitSet => ProtocolError::LengthTopBitSet,
    WSF_PROTOCOL_NON_MINIMAL_LENGTH <=> ProtocolError::NonMinimalLength => ProtocolError::NonMinimalLength,
    WSF_PROTOCOL_UNMASKED_CLIENT_FRAME <=> ProtocolError::UnmaskedClientFrame => ProtocolError::UnmaskedClientFrame,
    WSF_PROTOCOL_MASKED_SERVER_FRAME <=> ProtocolError::MaskedServerFrame => ProtocolError::MaskedServerFrame,
    WSF_PROTOCOL_UNEXPECTED_CONTINUATION <=> ProtocolError::UnexpectedContinuation => ProtocolError::UnexpectedContinuation,
    WSF_PROTOCOL_EXPECTED_CONTINUATION <=> ProtocolError::ExpectedContinuation => ProtocolError::ExpectedContinuation,
    WSF_PROTOCOL_CLOSE_FRAME_TOO_SHORT <=> ProtocolError::CloseFrameTooShort => ProtocolError::CloseFrameTooShort,
    WSF_PROTOCOL_INVALID_CLOSE_CODE <=> ProtocolError::InvalidCloseCode => ProtocolError::InvalidCloseCode,
    WSF_PROTOCOL_INVALID_UTF8 <=> ProtocolError::InvalidUtf8 => ProtocolError::InvalidUtf8,
    WSF_PROTOCOL_FRAME_TOO_BIG <=> ProtocolError::FrameTooBig => ProtocolError::FrameTooBig,
    WSF_PROTOCOL_MESSAGE_TOO_BIG <=> ProtocolError::MessageTooBig => ProtocolError::MessageTooBig,
    WSF_PROTOCOL_TOO_MANY_FRAGMENTS <=> ProtocolError::TooManyFragments => ProtocolError::TooManyFragments,
    WSF_PROTOCOL_COMPRESSED_CONTINUATION <=> ProtocolError::CompressedContinuation => ProtocolError::CompressedContinuation,
    WSF_PROTOCOL_COMPRESSED_CONTROL <=> ProtocolError::CompressedControl => ProtocolError::CompressedControl,
    WSF_PROTOCOL_CORRUPT_COMPRESSED_DATA <=> ProtocolError::CorruptCompressedData => ProtocolError::CorruptCompressedData,
    WSF_PROTOCOL_TRUNCATED_COMPRESSED_MESSAGE <=> ProtocolError::TruncatedCompressedMessage => ProtocolError::TruncatedCompressedMessage,
});

core_table!(HandshakeError, WSF_HANDSHAKE_ERROR, from_handshake, to_handshake, {
    WSF_HANDSHAKE_MALFORMED_HEAD <=> HandshakeError::MalformedHead => HandshakeError::MalformedHead,
    WSF_HANDSHAKE_HEAD_TOO_LARGE <=> HandshakeError::HeadTooLarge => HandshakeError::HeadTooLarge,
    WSF_HANDSHAKE_METHOD_NOT_GET <=> HandshakeError::MethodNotGet => HandshakeError::MethodNotGet,
    WSF_HANDSHAKE_HTTP_VERSION <=> HandshakeError::HttpVersion => HandshakeError::HttpVersion,
    WSF_HANDSHAKE_MISSING_HOST <=> HandshakeError::MissingHost => HandshakeError::MissingHost,
    WSF_HANDSHAKE_MISSING_UPGRADE <=> HandshakeError::MissingUpgrade => HandshakeError::MissingUpgrade,
    WSF_HANDSHAKE_MISSING_CONNECTION_UPGRADE <=> HandshakeError::MissingConnectionUpgrade => HandshakeError::MissingConnectionUpgrade,
    WSF_HANDSHAKE_BAD_KEY <=> HandshakeError::BadKey => HandshakeError::BadKey,
    WSF_HANDSHAKE_MISSING_VERSION <=> HandshakeError::MissingVersion => HandshakeError::MissingVersion,
    WSF_HANDSHAKE_UNSUPPORTED_VERSION <=> HandshakeError::UnsupportedVersion => HandshakeError::UnsupportedVersion,
    WSF_HANDSHAKE_BAD_HEADER_VALUE <=> HandshakeError::BadHeaderValue => HandshakeError::BadHeaderValue,
    WSF_HANDSHAKE_RESPONSE_STATUS <=> HandshakeError::ResponseStatus => HandshakeError::ResponseStatus,
    WSF_HANDSHAKE_RESPONSE_UPGRADE <=> HandshakeError::ResponseUpgrade => HandshakeError::ResponseUpgrade,
    WSF_HANDSHAKE_RESPONSE_CONNECTION <=> HandshakeError::ResponseConnection => HandshakeError::ResponseConnection,
    WSF_HANDSHAKE_RESPONSE_ACCEPT <=> HandshakeError::ResponseAccept => HandshakeError::ResponseAccept,
    WSF_HANDSHAKE_RESPONSE_SUBPROTOCOL <=> HandshakeError::ResponseSubprotocol => HandshakeError::ResponseSubprotocol,
    WSF_HANDSHAKE_RESPONSE_EXTENSION <=> HandshakeError::ResponseExtension => HandshakeError::ResponseExtension,
});

core_table!(UsageError, WSF_USAGE_ERROR, from_usage, to_usage, {
    WSF_BUFFER_TOO_SMALL <=> UsageError::BufferTooSmall { .. } => UsageError::BufferTooSmall { needed: 0 },
    WSF_CLOSED <=> UsageError::Closed => UsageError::Closed,
    WSF_MESSAGE_IN_PROGRESS <=> UsageError::MessageInProgress => UsageError::MessageInProgress,
    WSF_CONTROL_TOO_LONG <=> UsageError::ControlTooLong => UsageError::ControlTooLong,
    WSF_PAYLOAD_TOO_LARGE <=> UsageError::PayloadTooLarge => UsageError::PayloadTooLarge,
    WSF_INVALID_CLOSE_CODE <=> UsageError::InvalidCloseCode => UsageError::InvalidCloseCode,
    WSF_REASON_TOO_LONG <=> UsageError::ReasonTooLong => UsageError::ReasonTooLong,
    WSF_INVALID_HEADER <=> UsageError::InvalidHeader => UsageError::InvalidHeader,
    WSF_INVALID_TOKEN <=> UsageError::InvalidToken => UsageError::InvalidToken,
    WSF_REASSEMBLY <=> UsageError::Reassembly => UsageError::Reassembly,
    WSF_INVALID_STATUS <=> UsageError::InvalidStatus => UsageError::InvalidStatus,
    WSF_NEEDS_DECOMPRESSION <=> UsageError::NeedsDecompression => UsageError::NeedsDecompression,
    WSF_DEFLATE_MEMORY <=> UsageError::DeflateMemory => UsageError::DeflateMemory,
});

// Client side: the server's permessage-deflate answer (RFC 7692 §7.1).
core_table!(ResponseError, WSF_HANDSHAKE_DEFLATE_ANSWER, from_answer, to_answer, {
    WSF_HANDSHAKE_DEFLATE_REPEATED <=> ResponseError::Repeated => ResponseError::Repeated,
    WSF_HANDSHAKE_DEFLATE_UNKNOWN_PARAMETER <=> ResponseError::UnknownParameter => ResponseError::UnknownParameter,
    WSF_HANDSHAKE_DEFLATE_DUPLICATE_PARAMETER <=> ResponseError::DuplicateParameter => ResponseError::DuplicateParameter,
    WSF_HANDSHAKE_DEFLATE_BAD_WINDOW_BITS <=> ResponseError::BadWindowBits => ResponseError::BadWindowBits,
    WSF_HANDSHAKE_DEFLATE_UNEXPECTED_VALUE <=> ResponseError::UnexpectedValue => ResponseError::UnexpectedValue,
    WSF_HANDSHAKE_DEFLATE_WINDOW_TOO_LARGE <=> ResponseError::WindowTooLarge => ResponseError::WindowTooLarge,
});

impl From<ProtocolError> for wsf_status {
    fn from(e: ProtocolError) -> Self {
        from_protocol(e)
    }
}

impl From<HandshakeError> for wsf_status {
    fn from(e: HandshakeError) -> Self {
        from_handshake(e)
    }
}

impl From<UsageError> for wsf_status {
    fn from(e: UsageError) -> Self {
        from_usage(e)
    }
}

impl From<ResponseError> for wsf_status {
    fn from(e: ResponseError) -> Self {
        from_answer(e)
    }
}

impl From<Error> for wsf_status {
    fn from(e: Error) -> Self {
        match e {
            Error::Protocol(e) => e.into(),
            Error::Handshake(e) => e.into(),
            Error::Usage(e) => e.into(),
            _ => WSF_USAGE_ERROR,
        }
    }
}

impl wsf_status {
    /// The status with this number, if there is one.
    pub(crate) fn from_u32(n: u32) -> Option<Self> {
        ALL.iter().copied().find(|s| *s as u32 == n)
    }

    /// The protocol error this status stands for (the generic one for
    /// `WSF_PROTOCOL_ERROR`).
    pub(crate) fn protocol_error(self) -> Option<ProtocolError> {
        match self {
            WSF_PROTOCOL_ERROR => Some(ProtocolError::ReservedOpcode),
            _ => to_protocol(self),
        }
    }

    /// The handshake error this status stands for (the generic one for
    /// `WSF_HANDSHAKE_ERROR`).
    pub(crate) fn handshake_error(self) -> Option<HandshakeError> {
        match self {
            WSF_HANDSHAKE_ERROR => Some(HandshakeError::MalformedHead),
            _ => to_handshake(self),
        }
    }

    /// The flaw of a server's permessage-deflate answer this status
    /// stands for (`WSF_HANDSHAKE_DEFLATE_*`; `None` for the generic one,
    /// which no core error matches).
    pub(crate) fn deflate_answer_error(self) -> Option<ResponseError> {
        to_answer(self)
    }

    /// A short static description.
    fn description(self) -> &'static str {
        if let Some(e) = to_protocol(self) {
            return e.as_str();
        }
        if let Some(e) = to_handshake(self) {
            return e.as_str();
        }
        if let Some(e) = to_usage(self) {
            return e.as_str();
        }
        if let Some(e) = to_answer(self) {
            return e.as_str();
        }
        match self {
            WSF_OK => "ok",
            WSF_INCOMPLETE => "more input needed",
            WSF_NOT_FOUND => "no such value",
            WSF_NULL_POINTER => "NULL pointer argument",
            WSF_INVALID_ARGUMENT => "argument out of range",
            WSF_NOT_UTF8 => "string argument is not UTF-8",
            WSF_STORAGE_TOO_SMALL => "storage smaller than the object",
            WSF_STORAGE_MISALIGNED => "storage not aligned for the object",
            WSF_ALLOC_FAILED => "allocation failed",
            WSF_USAGE_ERROR => "usage error",
            WSF_PROTOCOL_ERROR => "protocol error",
            WSF_HANDSHAKE_ERROR => "handshake refused",
            WSF_HANDSHAKE_DEFLATE_ANSWER => "invalid permessage-deflate answer",
            WSF_PANIC => "internal error (panic caught)",
            _ => "unknown status",
        }
    }
}

/// A static description of a status, for logs (`"unknown status"` for a
/// number that is not a `wsf_status`).
///
/// # Safety
/// Always safe to call. The string is static and not NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wsf_status_str(status: u32) -> wsf_str {
    let text = wsf_status::from_u32(status).map_or("unknown status", wsf_status::description);
    wsf_str::from_static(text)
}

/// The close code to fail the connection with for a protocol error status
/// (1002, 1007 or 1009); 0 for any other status.
///
/// # Safety
/// Always safe to call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wsf_status_close_code(status: u32) -> u16 {
    wsf_status::from_u32(status)
        .and_then(wsf_status::protocol_error)
        .map_or(0, |e| e.close_code().get())
}

/// The HTTP status a server answers a refused handshake with (400, 405,
/// 426, 431); 0 for any other status, including the client-side
/// `WSF_HANDSHAKE_RESPONSE_*` errors (answered by closing the connection).
///
/// # Safety
/// Always safe to call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wsf_status_http_status(status: u32) -> u16 {
    wsf_status::from_u32(status)
        .and_then(wsf_status::handshake_error)
        .and_then(HandshakeError::http_status)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_unique_and_sorted() {
        assert!(ALL.windows(2).all(|w| (w[0] as u32) < (w[1] as u32)));
        for s in ALL {
            assert_eq!(wsf_status::from_u32(*s as u32), Some(*s));
            assert_ne!(s.description(), "unknown status", "{s:?}");
        }
        assert_eq!(wsf_status::from_u32(4), None);
    }

    #[test]
    fn core_errors_round_trip() {
        for &s in ALL {
            if let Some(e) = to_protocol(s) {
                assert_eq!(wsf_status::from(e), s);
                assert!((1001..2000).contains(&(s as u32)));
            }
            if let Some(e) = to_handshake(s) {
                assert_eq!(wsf_status::from(e), s);
                assert!((2001..3000).contains(&(s as u32)));
            }
            if let Some(e) = to_usage(s) {
                assert_eq!(wsf_status::from(e), s);
                assert!((100..200).contains(&(s as u32)));
            }
            if let Some(e) = to_answer(s) {
                assert_eq!(wsf_status::from(e), s);
                assert!((2108..2200).contains(&(s as u32)));
                assert_eq!(s.handshake_error(), None);
            }
        }
    }

    #[test]
    fn answers() {
        // SAFETY: pure functions.
        unsafe {
            assert_eq!(
                wsf_status_close_code(WSF_PROTOCOL_INVALID_UTF8 as u32),
                1007
            );
            assert_eq!(
                wsf_status_close_code(WSF_PROTOCOL_TOO_MANY_FRAGMENTS as u32),
                1009
            );
            assert_eq!(wsf_status_close_code(WSF_PROTOCOL_ERROR as u32), 1002);
            assert_eq!(
                wsf_status_close_code(WSF_PROTOCOL_CORRUPT_COMPRESSED_DATA as u32),
                1007
            );
            assert_eq!(
                wsf_status_close_code(WSF_PROTOCOL_TRUNCATED_COMPRESSED_MESSAGE as u32),
                1007
            );
            assert_eq!(
                wsf_status_close_code(WSF_PROTOCOL_COMPRESSED_CONTINUATION as u32),
                1002
            );
            assert_eq!(
                wsf_status_http_status(WSF_HANDSHAKE_DEFLATE_WINDOW_TOO_LARGE as u32),
                0
            );
            assert_eq!(wsf_status_close_code(WSF_CLOSED as u32), 0);
            assert_eq!(
                wsf_status_http_status(WSF_HANDSHAKE_HEAD_TOO_LARGE as u32),
                431
            );
            assert_eq!(wsf_status_http_status(WSF_HANDSHAKE_ERROR as u32), 400);
            assert_eq!(
                wsf_status_http_status(WSF_HANDSHAKE_RESPONSE_ACCEPT as u32),
                0
            );
            assert_eq!(wsf_status_str(12345).as_bytes(), b"unknown status");
        }
    }
}
