//! Events (connection layer): what one `Connection::recv` call reports,
//! with payloads borrowed from the caller's input buffer.

use crate::close_code::CloseCode;

/// The type of a data message (§5.6).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum DataKind {
    /// A text message: the whole message is valid UTF-8 (checked as it
    /// streams unless `Config::validate_utf8` is off).
    Text,
    /// A binary message.
    Binary,
}

/// Something the peer sent. Payloads point into the buffer given to
/// `recv`, already unmasked in place.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum Event<'a> {
    /// A piece of a data message. Pieces need not match wire frames: a
    /// large frame arrives in as many pieces as it takes reads. A text
    /// piece may end inside a code point; the message as a whole is valid.
    Data {
        /// Text or binary (the type of the message's first frame).
        kind: DataKind,
        /// The bytes of this piece (may be empty for an empty frame).
        payload: &'a [u8],
        /// This piece ends a wire frame.
        frame_end: bool,
        /// This piece ends the message.
        message_end: bool,
    },
    /// A Ping (§5.5.2). With `Config::auto_pong`, the Pong is already
    /// queued if the payload fits the connection's Pong slot (every Ping
    /// fits the default slot); otherwise answer it with `send_pong`.
    Ping(&'a [u8]),
    /// A Pong (§5.5.3), solicited or not.
    Pong(&'a [u8]),
    /// The peer's Close (§5.5.1). Its echo is queued: drain it with
    /// `write_pending`. `code` is 1005 when the frame had no payload.
    Close {
        /// The status code (1005 for an empty Close).
        code: CloseCode,
        /// The reason (valid UTF-8, at most 123 bytes).
        reason: &'a str,
    },
}

/// What one `Connection::recv` call did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[must_use]
pub struct Recv<'a> {
    /// Bytes of the input used; drop them before the next call.
    pub consumed: usize,
    /// The event, if one completed.
    pub event: Option<Event<'a>>,
}

impl Recv<'_> {
    /// No progress is possible without more input: nothing was consumed and
    /// nothing happened.
    #[must_use]
    pub const fn needs_input(&self) -> bool {
        self.consumed == 0 && self.event.is_none()
    }
}
