//! Receiving compressed messages (connection layer, RFC 7692 §7.2.2):
//! the payload path of `connection/recv.rs` when the message's first frame
//! carried RSV1. The frame's bytes are unmasked, inflated into the
//! caller's ring ([`Decompression`]) and lent out from there, under the
//! state machine's rules (`connection.rs`):
//!
//! - **Limits count inflated bytes** (rule 2 extended): each call inflates
//!   at most one byte more than `Config::max_message_size` still allows,
//!   and the piece is checked before it is lent, so a decompression bomb
//!   fails with 1009 within the first piece over the limit, with no memory
//!   beyond the ring.
//! - **Text is validated after inflation** (rule 3), fail-fast as for
//!   uncompressed text.
//! - **Input not taken by the inflater is handed back as it came**: a
//!   masked frame is unmasked in pieces of at most [`MASKED_PIECE`] bytes
//!   and what the inflater did not take is masked again, so the caller
//!   presents those bytes again unchanged (rule 1).
//! - **A message's frames are invisible in its output**: inflated pieces
//!   report `frame_end` only together with `message_end`, which comes
//!   after the trailer (§7.2.2) is inflated at a block boundary.

use super::{Connection, InFrame, Inflating, NEEDS_INPUT};
use crate::deflate::{Decompression, InflateStatus};
use crate::error::ProtocolError;
use crate::event::{DataKind, Event, Recv};
use crate::mask::apply_mask;

/// The most masked payload bytes offered to the inflater per call: what
/// it leaves is masked again, so this bounds that extra work.
const MASKED_PIECE: usize = 4096;

impl<const PONG: usize> Connection<PONG> {
    /// The payload of a compressed message's frame: unmask, inflate, check
    /// the limit and the text, lend the piece.
    pub(super) fn recv_inflated<'a>(
        &mut self,
        input: &'a mut [u8],
        mut frame: InFrame,
        z: &'a mut Decompression<'_>,
    ) -> Result<Recv<'a>, ProtocolError> {
        let Some(message) = self.rx_message.filter(|_| self.rx_inflating.is_some()) else {
            return dead_arm!(
                "a compressed frame is only in progress inside a compressed message",
                Err(ProtocolError::UnexpectedContinuation)
            );
        };
        let mut available = frame.remaining.min(input.len());
        if frame.mask.is_some() {
            available = available.min(MASKED_PIECE);
        }
        let full = self.rx_inflating == Some(Inflating::Full);
        if available == 0 && frame.remaining != 0 && !full {
            self.rx_frame = Some(frame);
            return Ok(NEEDS_INPUT);
        }
        let Some(chunk) = input.get_mut(..available) else {
            return dead_arm!("`available` is at most `input.len()`", Ok(NEEDS_INPUT));
        };
        let phase = usize::from(frame.phase);
        if let Some(key) = frame.mask {
            apply_mask(chunk, key, phase);
        }
        let limit = self.config.max_message_size;
        let (done, total) = z
            .inflate(chunk, limit)
            .map_err(|_| ProtocolError::CorruptCompressedData)?;
        let taken = done.consumed.min(available);
        let output = done.output;
        if let Some(key) = frame.mask {
            // What the inflater left goes back to the caller as it came.
            if let Some(rest) = chunk.get_mut(taken..) {
                apply_mask(rest, key, phase + taken);
            }
            frame.phase = ((phase + taken) & 3) as u8;
        }
        frame.remaining = frame.remaining.saturating_sub(taken);
        self.account_inflated(total, message.kind, output)?;
        // Called again before more is read: after a full output (more may
        // be held), and after a final block, whose stream's end the
        // inflater reports before it looks at the bytes it already took
        // past it (a new stream, §7.2.3.4; possibly an error).
        let again = matches!(
            done.status,
            InflateStatus::OutputFull | InflateStatus::StreamEnd
        );
        let frame_end = frame.remaining == 0 && !again;
        self.rx_inflating = Some(match (again, frame_end && frame.fin) {
            (true, _) => Inflating::Full,
            (false, true) => Inflating::Finishing,
            (false, false) => Inflating::Frames,
        });
        self.rx_frame = (!frame_end).then_some(frame);
        // Progress without input taken is still reported (an empty piece),
        // so the caller does not wait for bytes it already gave.
        let report = !output.is_empty() || taken == 0;
        Ok(Recv {
            consumed: taken,
            event: report.then_some(Event::Data {
                kind: message.kind,
                payload: output,
                frame_end: false,
                message_end: false,
            }),
        })
    }

    /// After the message's last frame: inflate its trailer (§7.2.2) and
    /// end the message at a block boundary, or fail it as truncated.
    pub(super) fn finish_inflated<'a>(
        &mut self,
        z: &'a mut Decompression<'_>,
    ) -> Result<Recv<'a>, ProtocolError> {
        let Some(message) = self.rx_message else {
            return dead_arm!(
                "a compressed message is finishing only while it is in progress",
                Err(ProtocolError::UnexpectedContinuation)
            );
        };
        let (done, total) = z
            .finish(self.config.max_message_size)
            .map_err(|_| ProtocolError::CorruptCompressedData)?;
        let (output, status) = (done.output, done.status);
        self.account_inflated(total, message.kind, output)?;
        let message_end = match status {
            InflateStatus::MessageEnd => true,
            InflateStatus::NeedsInput => return Err(ProtocolError::TruncatedCompressedMessage),
            InflateStatus::OutputFull | InflateStatus::StreamEnd => false,
        };
        if message_end {
            if message.kind == DataKind::Text && self.config.validate_utf8 {
                self.utf8.finish().map_err(|_| ProtocolError::InvalidUtf8)?;
            }
            self.rx_message = None;
            self.rx_inflating = None;
        }
        Ok(Recv {
            consumed: 0,
            event: Some(Event::Data {
                kind: message.kind,
                payload: output,
                frame_end: message_end,
                message_end,
            }),
        })
    }

    /// Counts an inflated piece against the message limit and validates
    /// text, before the piece is lent (rules 2, 3).
    fn account_inflated(
        &mut self,
        total: usize,
        kind: DataKind,
        output: &[u8],
    ) -> Result<(), ProtocolError> {
        if total > self.config.max_message_size {
            return Err(ProtocolError::MessageTooBig);
        }
        if kind == DataKind::Text && self.config.validate_utf8 {
            self.utf8
                .feed(output)
                .map_err(|_| ProtocolError::InvalidUtf8)?;
        }
        Ok(())
    }
}
