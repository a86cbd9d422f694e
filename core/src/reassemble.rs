//! Whole-message reassembly (helpers layer: opt-in, above the connection)
//! into a caller-provided buffer, with its own size and fragment limits.
//!
//! The connection streams messages in pieces; callers who want whole
//! messages push each [`Event`] here. A message that does not fit is
//! answered with 1009 (RFC 6455 §7.4.1) through `Connection::fail`.

use crate::connection::Connection;
use crate::error::{Error, ProtocolError};
use crate::event::{DataKind, Event};

/// A whole message, borrowed from the reassembly buffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Message<'b> {
    /// Text or binary.
    pub kind: DataKind,
    /// The message's bytes (valid UTF-8 for text, as checked by the
    /// connection).
    pub payload: &'b [u8],
}

/// Collects the pieces of one message at a time into `buf`.
#[derive(Debug)]
pub struct Reassembler<'b> {
    buf: &'b mut [u8],
    len: usize,
    fragments: u32,
    max_fragments: u32,
    /// The previous call completed a message: start over on the next piece.
    done: bool,
}

impl<'b> Reassembler<'b> {
    /// Reassembles into `buf` (its length is the message size limit), with
    /// at most `max_fragments` frames per message.
    #[must_use]
    pub fn new(buf: &'b mut [u8], max_fragments: u32) -> Self {
        Self {
            buf,
            len: 0,
            fragments: 0,
            max_fragments,
            done: false,
        }
    }

    /// Adds an event. Returns the whole message when `event` ends one;
    /// control events and pieces of unfinished messages give `None`.
    ///
    /// # Errors
    /// [`ProtocolError::MessageTooBig`] or [`ProtocolError::TooManyFragments`]
    /// (1009): `conn` is failed with that code and the message dropped.
    pub fn push<const PONG: usize>(
        &mut self,
        conn: &mut Connection<PONG>,
        event: &Event<'_>,
    ) -> Result<Option<Message<'_>>, Error> {
        let Event::Data {
            kind,
            payload,
            frame_end,
            message_end,
        } = *event
        else {
            return Ok(None);
        };
        if core::mem::take(&mut self.done) {
            self.len = 0;
            self.fragments = 0;
        }
        if let Err(e) = self.append(payload, frame_end) {
            self.len = 0;
            self.fragments = 0;
            return Err(conn.fail(e));
        }
        if !message_end {
            return Ok(None);
        }
        self.done = true;
        let payload = self
            .buf
            .get(..self.len)
            .unwrap_or(dead_arm!("`append` keeps `len` within `buf`", &[]));
        Ok(Some(Message { kind, payload }))
    }

    fn append(&mut self, payload: &[u8], frame_end: bool) -> Result<(), ProtocolError> {
        let end = self
            .len
            .checked_add(payload.len())
            .ok_or(ProtocolError::MessageTooBig)?;
        let dst = self
            .buf
            .get_mut(self.len..end)
            .ok_or(ProtocolError::MessageTooBig)?;
        // Zipped: `copy_from_slice` keeps a panic path at opt-level "z";
        // optimised builds for hosts still turn this into `memcpy`.
        for (d, s) in dst.iter_mut().zip(payload) {
            *d = *s;
        }
        self.len = end;
        if frame_end {
            self.fragments = self.fragments.saturating_add(1);
            if self.fragments > self.max_fragments {
                return Err(ProtocolError::TooManyFragments);
            }
        }
        Ok(())
    }
}
