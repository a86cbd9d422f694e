//! The opening handshake (handshake layer, RFC 6455 §4), both roles.
//!
//! Sans-IO like the rest of the crate: the caller reads bytes into its own
//! buffer and hands the whole buffer in again after every read; the parsers
//! answer [`Status::Partial`] until the blank line that ends the HTTP head
//! has arrived. The head is parsed by `httparse`; this module adds the
//! WebSocket rules on top and writes the answers.
//!
//! * Server: [`Request::parse`] (or [`Request::from_parsed`] when the host's
//!   own HTTP stack already parsed the head) checks RFC 6455 §4.2.1, then
//!   [`Request::write_response`] writes the `101 Switching Protocols`
//!   (§4.2.2) or [`write_rejection`] writes the HTTP error the
//!   [`HandshakeError`] names (400, 405, 426, 431).
//! * Client: [`ClientRequest::write`] writes the request (§4.1) with a
//!   caller-supplied nonce (randomness is an input) and returns a
//!   [`ClientHandshake`], whose [`ClientHandshake::check_response`] checks
//!   the server's answer.
//!
//! In both roles the bytes after the head (`head_len`) are already
//! WebSocket frames: a peer may send its first frames in the same TCP
//! segment as the head, and they must be fed to the connection, not lost.
//!
//! Writers compute the whole head's length first and write it as one block;
//! on any error the output buffer is untouched.
//!
//! ```
//! use wsframe::HandshakeLimits;
//! use wsframe::handshake::{ClientRequest, Request, Response, Status};
//!
//! // Client: write the request.
//! let mut wire = [0u8; 512];
//! let request = ClientRequest::new("example.test", "/chat", [7; 16]);
//! let (len, client) = request.write(&mut wire).unwrap();
//!
//! // Server: parse it and answer 101.
//! let limits = HandshakeLimits::new();
//! let Status::Complete(parsed) = Request::parse(&wire[..len], &limits).unwrap() else {
//!     panic!("whole head was given");
//! };
//! assert_eq!(parsed.path(), "/chat");
//! let mut answer = [0u8; 256];
//! let n = parsed.write_response(&Response::new(), &mut answer).unwrap();
//!
//! // Client: check the answer.
//! let status = client.check_response(&answer[..n], &[], &[], &limits).unwrap();
//! assert!(matches!(status, Status::Complete(r) if r.head_len == n));
//! ```

mod accept;
mod client;
mod head;
mod reply;
mod server;
mod sha1;
mod tokens;

pub use accept::{ACCEPT_LEN, KEY_LEN, accept_key, decode_key, nonce_key};
pub use client::{ClientHandshake, ClientRequest, ServerResponse};
pub use reply::{Response, write_rejection, write_response, write_status};
pub use server::Request;
pub use tokens::{ExtensionOffer, ExtensionOffers, ExtensionParams, Subprotocols, is_token};

use crate::config::HandshakeLimits;
use crate::error::HandshakeError;

/// The GUID appended to the key before hashing (RFC 6455 §1.3): read by
/// the accept key ([`accept_key`]) and built into SHA-1's precomputed block.
pub const WEBSOCKET_GUID: &str = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/// Most header lines a request (or response) may have. Browsers send about
/// a dozen; more is answered with 431 ([`HandshakeError::HeadTooLarge`]).
/// It sizes the header array inside [`Request`] (32 × 32 bytes on 64-bit).
pub const MAX_HEADERS: usize = 32;

/// One header line of an HTTP head: what a host whose own HTTP stack
/// parsed the head hands in ([`Request::from_parsed`],
/// [`ClientHandshake::check_parsed`]) and what [`Request::headers`] lends
/// out. The crate's own type, so that its API does not change with its
/// HTTP parser's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Header<'a> {
    /// The name as received; names compare case-insensitively (RFC 7230
    /// §3.2).
    pub name: &'a str,
    /// The value as received.
    pub value: &'a [u8],
}

/// A header line as the checks read it: a [`Header`] handed in, or one
/// that `httparse` filled in place (the array inside [`Request`] is parsed
/// into where it stays, never copied). The checks are written once, over
/// this.
pub(crate) trait HeaderLine<'b> {
    /// The name.
    fn name(&self) -> &str;
    /// The value.
    fn value(&self) -> &'b [u8];
}

impl<'b> HeaderLine<'b> for Header<'b> {
    fn name(&self) -> &str {
        self.name
    }

    fn value(&self) -> &'b [u8] {
        self.value
    }
}

impl<'b> HeaderLine<'b> for httparse::Header<'b> {
    fn name(&self) -> &str {
        self.name
    }

    fn value(&self) -> &'b [u8] {
        self.value
    }
}

/// Outcome of feeding a possibly incomplete HTTP head to a parser.
///
/// Like `httparse::Status`: `Partial` means "read more bytes and call again
/// with the whole buffer"; nothing was consumed.
#[must_use]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status<T> {
    /// The head is complete and valid.
    Complete(T),
    /// The blank line that ends the head has not arrived yet.
    Partial,
}

impl<T> Status<T> {
    /// Whether more bytes are needed.
    #[must_use]
    pub const fn is_partial(&self) -> bool {
        matches!(self, Self::Partial)
    }
}

/// Maps an `httparse` result to the head length, applying the size limit
/// the same way for requests and responses: a head still partial at
/// `max_head_size` bytes, or complete but longer, is
/// [`HandshakeError::HeadTooLarge`] (431); more header lines than
/// [`MAX_HEADERS`] too. Other parse errors are
/// [`HandshakeError::MalformedHead`].
pub(crate) fn head_status(
    parsed: httparse::Result<usize>,
    buf_len: usize,
    limits: &HandshakeLimits,
) -> Result<Status<usize>, HandshakeError> {
    match parsed {
        Ok(httparse::Status::Complete(len)) if len > limits.max_head_size => {
            Err(HandshakeError::HeadTooLarge)
        }
        Ok(httparse::Status::Complete(len)) => Ok(Status::Complete(len)),
        Ok(httparse::Status::Partial) if buf_len >= limits.max_head_size => {
            Err(HandshakeError::HeadTooLarge)
        }
        Ok(httparse::Status::Partial) => Ok(Status::Partial),
        Err(httparse::Error::TooManyHeaders) => Err(HandshakeError::HeadTooLarge),
        Err(_) => Err(HandshakeError::MalformedHead),
    }
}
