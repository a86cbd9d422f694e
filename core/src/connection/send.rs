//! Sending (connection layer): the frames the caller asks for, encoded by
//! the frame layer's whole-frame encoder under the rules of the state
//! machine (`connection.rs`: §5.4 sequencing, rules 6–8). A send that
//! cannot be done changes nothing (rule 8); our Close moves the state
//! through [`Connection::close_went_out`], the one place it is recorded.

use super::{Connection, OutMessage, RSV1};
use crate::close::ClosePayload;
use crate::close_code::CloseCode;
use crate::deflate::{Compression, Flush, Status};
use crate::error::{Error, UsageError};
use crate::event::DataKind;
use crate::frame::{self, FrameHeader, OpCode, encode_close, encode_frame, header_for};
use crate::mask::apply_mask;

/// What one [`Connection::send_deflate`] call did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[must_use]
pub struct Sent {
    /// Bytes of the payload piece taken (the rest must be offered again).
    pub consumed: usize,
    /// Bytes of the frame written at the start of `out` (0: none yet).
    pub written: usize,
    /// This frame ended the message (FIN).
    pub message_end: bool,
}

impl<const PONG: usize> Connection<PONG> {
    /// Encodes a data frame (header and payload, masked for a client) into
    /// `out`; returns its length. `fin = false` starts or continues a
    /// fragmented message of `kind`; the opcodes follow (§5.4). The caller
    /// is responsible for text being UTF-8.
    ///
    /// # Errors
    /// [`UsageError::Closed`] after our Close or a failure,
    /// [`UsageError::MessageInProgress`] for a `kind` other than that of
    /// the fragmented message being sent, [`UsageError::BufferTooSmall`].
    pub fn send_data(
        &mut self,
        kind: DataKind,
        fin: bool,
        payload: &[u8],
        mask_key: [u8; 4],
        out: &mut [u8],
    ) -> Result<usize, Error> {
        let opcode = self.next_data_opcode(kind)?;
        let n = encode_frame(self.role, opcode, fin, [payload, &[]], mask_key, out)?;
        self.tx_message = (!fin).then_some(OutMessage::plain(kind));
        Ok(n)
    }

    /// Encodes only the header of a data frame with `payload_len` bytes, so
    /// the payload can be sent from where it already is. A client must
    /// mask the payload itself with
    /// [`apply_mask`](crate::mask::apply_mask)`(payload, mask_key, 0)`.
    /// Same rules and errors as [`Connection::send_data`].
    pub fn send_data_header(
        &mut self,
        kind: DataKind,
        fin: bool,
        payload_len: u64,
        mask_key: [u8; 4],
        out: &mut [u8],
    ) -> Result<usize, Error> {
        let opcode = self.next_data_opcode(kind)?;
        let header = header_for(self.role, opcode, fin, payload_len, mask_key);
        let n = frame::encode(&header, out)?;
        self.tx_message = (!fin).then_some(OutMessage::plain(kind));
        Ok(n)
    }

    /// Compresses the next piece of a message of `kind` (RFC 7692 §7.2.1)
    /// into at most one frame in `out`: the message's first frame carries
    /// RSV1, the rest are continuations, the last has FIN. `last` says
    /// `payload` ends the message; the caller offers
    /// `payload[sent.consumed..]` again until [`Sent::message_end`]. A call
    /// may take input and write no frame (`written == 0`: the compressor
    /// keeps it for the next frame). A client masks each frame with that
    /// call's `mask_key`. The message is compressed with `z`, whose
    /// history then holds it (context takeover, §7.1.1); a message that
    /// must not share history with others (a secret next to
    /// attacker-chosen text: CRIME, BREACH) goes out uncompressed with
    /// [`Connection::send_data`], which §6 always allows.
    ///
    /// `out` must have room for a header (up to 14 bytes) and at least
    /// one payload byte; each frame's payload is at most what follows the
    /// header room.
    ///
    /// # Errors
    /// [`UsageError::Closed`], [`UsageError::MessageInProgress`] (an
    /// uncompressed message, or one of another `kind`, is being sent),
    /// [`UsageError::BufferTooSmall`]; nothing changes on error.
    pub fn send_deflate(
        &mut self,
        kind: DataKind,
        payload: &[u8],
        last: bool,
        z: &mut Compression<'_>,
        mask_key: [u8; 4],
        out: &mut [u8],
    ) -> Result<Sent, Error> {
        self.check_can_send()?;
        let framed = match self.tx_message {
            None => false,
            Some(m) if m == OutMessage::deflate(kind, false) => false,
            Some(m) if m == OutMessage::deflate(kind, true) => true,
            Some(_) => return Err(UsageError::MessageInProgress.into()),
        };
        let mask = self.role.masks_outgoing().then_some(mask_key);
        // Room for the header of the longest payload `out` can take.
        let room = |payload_len: usize| {
            FrameHeader {
                fin: false,
                rsv: 0,
                opcode: OpCode::Continuation,
                mask,
                payload_len: payload_len as u64,
            }
            .encoded_len()
        };
        let reserve = room(out.len());
        let Some((_, body)) = out
            .split_at_mut_checked(reserve)
            .filter(|(_, b)| !b.is_empty())
        else {
            return Err(UsageError::BufferTooSmall {
                needed: reserve + 1,
            }
            .into());
        };
        let flush = if last { Flush::Message } else { Flush::None };
        let progress = z.compressor().compress(payload, body, flush);
        let end = progress.status == Status::MessageEnd;
        let n = progress.written;
        if n == 0 && !end {
            self.tx_message = Some(OutMessage::deflate(kind, framed));
            return Ok(Sent {
                consumed: progress.consumed,
                written: 0,
                message_end: false,
            });
        }
        let opcode = match (framed, kind) {
            (true, _) => OpCode::Continuation,
            (false, DataKind::Text) => OpCode::Text,
            (false, DataKind::Binary) => OpCode::Binary,
        };
        let mut header = header_for(self.role, opcode, end, n as u64, mask_key);
        header.rsv = if framed { 0 } else { RSV1 };
        let start = reserve.saturating_sub(header.encoded_len());
        let head = out.get_mut(start..reserve).unwrap_or_default();
        let h = frame::encode(&header, head)?;
        if let (Some(key), Some(payload)) = (mask, out.get_mut(reserve..reserve + n)) {
            apply_mask(payload, key, 0);
        }
        move_to_start(out, start, h + n);
        self.tx_message = (!end).then_some(OutMessage::deflate(kind, true));
        Ok(Sent {
            consumed: progress.consumed,
            written: h + n,
            message_end: end,
        })
    }

    /// Encodes a Ping with at most 125 bytes of payload.
    ///
    /// # Errors
    /// [`UsageError::Closed`], [`UsageError::ControlTooLong`],
    /// [`UsageError::BufferTooSmall`].
    pub fn send_ping(
        &mut self,
        payload: &[u8],
        mask_key: [u8; 4],
        out: &mut [u8],
    ) -> Result<usize, Error> {
        self.send_control(OpCode::Ping, payload, mask_key, out)
    }

    /// Encodes a Pong (e.g. an unsolicited one as a keep-alive, §5.5.3).
    /// Same errors as [`Connection::send_ping`].
    pub fn send_pong(
        &mut self,
        payload: &[u8],
        mask_key: [u8; 4],
        out: &mut [u8],
    ) -> Result<usize, Error> {
        self.send_control(OpCode::Pong, payload, mask_key, out)
    }

    /// Encodes our Close (§5.5.1) and moves to CloseSent (or Closed, if it
    /// answers the peer's Close, replacing the pending echo).
    /// [`CloseCode::NO_STATUS`] with an empty reason sends an empty Close.
    ///
    /// # Errors
    /// [`UsageError::Closed`] if a Close was already sent or the connection
    /// failed; [`UsageError::InvalidCloseCode`], [`UsageError::ReasonTooLong`],
    /// [`UsageError::BufferTooSmall`].
    pub fn send_close(
        &mut self,
        code: CloseCode,
        reason: &str,
        mask_key: [u8; 4],
        out: &mut [u8],
    ) -> Result<usize, Error> {
        self.check_can_send()?;
        let n = encode_close(self.role, &ClosePayload { code, reason }, mask_key, out)?;
        self.close_went_out();
        Ok(n)
    }

    /// Encodes a Ping or Pong while sending is allowed.
    fn send_control(
        &self,
        opcode: OpCode,
        payload: &[u8],
        mask_key: [u8; 4],
        out: &mut [u8],
    ) -> Result<usize, Error> {
        self.check_can_send()?;
        let parts = [payload, &[]];
        Ok(encode_frame(self.role, opcode, true, parts, mask_key, out)?)
    }

    /// The opcode for the next data frame of `kind` (§5.4).
    fn next_data_opcode(&self, kind: DataKind) -> Result<OpCode, UsageError> {
        self.check_can_send()?;
        match self.tx_message {
            None if kind == DataKind::Text => Ok(OpCode::Text),
            None => Ok(OpCode::Binary),
            Some(m) if m == OutMessage::plain(kind) => Ok(OpCode::Continuation),
            Some(_) => Err(UsageError::MessageInProgress),
        }
    }
}

/// Moves `out[from..from + len]` to the start of `out`: the frame written
/// behind the header room it did not need (`from` ≤ 12 bytes). Chunks of
/// `from` bytes, each copied from past itself, so no range overlaps and no
/// index can fail: `copy_within` keeps a panic path at opt-level "z"
/// (tests/qemu/panic-check.sh).
pub(super) fn move_to_start(out: &mut [u8], from: usize, len: usize) {
    if from == 0 {
        return;
    }
    let mut at = 0;
    while at < len {
        // `dst` is out[at..at + from], `src` starts at at + from.
        let Some((head, src)) = out.split_at_mut_checked(at + from) else {
            return;
        };
        let dst = head.get_mut(at..).unwrap_or_default();
        for (d, s) in dst.iter_mut().zip(src.iter().take(len - at)) {
            *d = *s;
        }
        at += from;
    }
}
