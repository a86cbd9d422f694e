//! permessage-deflate through the connection (RFC 7692 §7.2): one side's
//! `Connection::send_deflate` compresses a message into frames, the other
//! side's `Connection::recv_deflate` inflates them, and every piece it
//! lends from its ring is compared byte for byte with the message. All
//! memory is the caller's: the frame buffer, the receive buffer (as small
//! as `MIN_RECV_BUFFER`, so big messages stream through it), the
//! compressor's storage and the inflater's ring, on the stack or static.

use wsframe::deflate::{Compression, Decompression};
use wsframe::frame::{self, Decoded};
use wsframe::{Connection, DataKind, Error, Event};

/// RSV1 as `FrameHeader::rsv` holds it (RFC 7692 §6: "Per-Message
/// Compressed").
pub const RSV1: u8 = 0b100;

/// One direction of a connection pair: the sender's connection and
/// compressor, the receiver's connection, inflater and receive buffer.
pub struct Link<'m, const PONG: usize> {
    /// The sending side.
    pub sender: Connection<PONG>,
    /// Its compressing half (borrowed: moved in, its ~2 KiB would be on
    /// the stack twice).
    pub tx: &'m mut Compression<'m>,
    /// The receiving side.
    pub receiver: Connection<PONG>,
    /// Its inflating half (the ring the payloads are lent from; borrowed
    /// for the same reason).
    pub rx: &'m mut Decompression<'m>,
    /// The receiver's buffer of bytes from the wire: what `recv_deflate`
    /// did not consume stays at its start.
    pub buf: &'m mut [u8],
    /// Bytes in `buf`.
    pub filled: usize,
    /// Masking keys of the sender (a client masks every frame).
    pub keys: u32,
}

/// What the receiver saw of a message, and what went over the wire.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Trip {
    /// Compressed payload bytes sent (sum over the message's frames).
    pub payload: usize,
    /// Frames the message took.
    pub frames: usize,
}

impl<const PONG: usize> Link<'_, PONG> {
    /// Sends `message` compressed in `piece`-byte pieces, frame by frame
    /// through `out`, into the receiver, which must deliver it whole and
    /// byte-exact. Checks the framing on the wire: RSV1 on the first frame
    /// only, FIN on the last, nothing after it.
    pub fn send(
        &mut self,
        kind: DataKind,
        message: &[u8],
        piece: usize,
        out: &mut [u8],
    ) -> Result<Trip, &'static str> {
        let mut trip = Trip::default();
        let (mut at, mut checked, mut stalls) = (0usize, 0usize, 0);
        loop {
            let end = at.saturating_add(piece.max(1)).min(message.len());
            let input = message.get(at..end).unwrap_or_default();
            let key = next_key(&mut self.keys);
            let sent = self
                .sender
                .send_deflate(kind, input, end == message.len(), self.tx, key, out)
                .map_err(error_text)?;
            at += sent.consumed;
            if sent.written > 0 {
                let frame = out.get_mut(..sent.written).ok_or("written beyond out")?;
                let payload = check_frame(frame, trip.frames == 0, sent.message_end)?;
                trip.payload += payload;
                trip.frames += 1;
                let done = self.deliver(frame, kind, message, &mut checked)?;
                if done != sent.message_end {
                    return Err("message end seen at another frame than sent");
                }
            }
            if sent.message_end {
                break;
            }
            if sent.consumed == 0 && sent.written == 0 {
                stalls += 1;
                if stalls > 1 {
                    return Err("send_deflate made no progress");
                }
            } else {
                stalls = 0;
            }
        }
        if at != message.len() || checked != message.len() {
            return Err("message not all sent or not all received");
        }
        Ok(trip)
    }

    /// Sends `message` uncompressed (`send_data`: RSV1 clear, always
    /// allowed, RFC 7692 §6) in one frame; the receiver lends it from its
    /// buffer.
    pub fn send_plain(
        &mut self,
        kind: DataKind,
        message: &[u8],
        out: &mut [u8],
    ) -> Result<(), &'static str> {
        let key = next_key(&mut self.keys);
        let n = self
            .sender
            .send_data(kind, true, message, key, out)
            .map_err(error_text)?;
        let frame = out.get_mut(..n).ok_or("written beyond out")?;
        let mut checked = 0;
        if !self.deliver(frame, kind, message, &mut checked)? || checked != message.len() {
            return Err("uncompressed message not received whole");
        }
        Ok(())
    }

    /// Feeds `wire` to the receiver through its buffer, a buffer's worth
    /// at a time, and checks each data piece against `message` from
    /// `checked` on. True once the message ended.
    pub fn deliver(
        &mut self,
        mut wire: &[u8],
        kind: DataKind,
        message: &[u8],
        checked: &mut usize,
    ) -> Result<bool, &'static str> {
        let mut ended = false;
        loop {
            let space = self.buf.get_mut(self.filled..).unwrap_or_default();
            let n = space.len().min(wire.len());
            let (now, later) = wire.split_at(n);
            for (dst, src) in space.iter_mut().zip(now) {
                *dst = *src;
            }
            self.filled += n;
            wire = later;
            ended |= self.drain(kind, message, checked)?;
            if wire.is_empty() {
                return Ok(ended);
            }
            if n == 0 {
                return Err("receive buffer full and nothing consumed");
            }
        }
    }

    /// Calls `recv_deflate` until it needs input, checking every event.
    fn drain(
        &mut self,
        kind: DataKind,
        message: &[u8],
        checked: &mut usize,
    ) -> Result<bool, &'static str> {
        let mut ended = false;
        for _ in 0..100_000 {
            let input = self.buf.get_mut(..self.filled).unwrap_or_default();
            let recv = self
                .receiver
                .recv_deflate(input, self.rx)
                .map_err(error_text)?;
            let (consumed, needs_input) = (recv.consumed, recv.needs_input());
            match recv.event {
                Some(Event::Data {
                    kind: k,
                    payload,
                    message_end,
                    ..
                }) => {
                    if k != kind || ended {
                        return Err("data of another message");
                    }
                    let end = checked.saturating_add(payload.len());
                    if message.get(*checked..end) != Some(payload) {
                        return Err("received bytes differ from the message");
                    }
                    *checked = end;
                    ended = message_end;
                }
                Some(_) => return Err("a control frame nobody sent"),
                None => {}
            }
            self.filled = keep_rest(self.buf, self.filled, consumed);
            if needs_input {
                return Ok(ended);
            }
        }
        Err("recv_deflate made no progress")
    }
}

/// Checks one frame as it goes on the wire; returns its payload length.
fn check_frame(frame: &[u8], first: bool, last: bool) -> Result<usize, &'static str> {
    let Ok(Decoded::Complete(header, n)) = frame::decode(frame) else {
        return Err("send_deflate wrote no whole frame header");
    };
    let expected_rsv = if first { RSV1 } else { 0 };
    if header.rsv != expected_rsv {
        return Err("RSV1 not on the first frame only");
    }
    if header.fin != last {
        return Err("FIN not on the last frame only");
    }
    if header.payload_len != (frame.len() - n) as u64 {
        return Err("frame length differs from what was written");
    }
    Ok(frame.len() - n)
}

/// Drops the `consumed` bytes at the start of `buf`'s `filled` ones,
/// moving the rest to the start; returns how many remain. A checked byte
/// loop: `copy_within` keeps a panic path at opt-level "z"
/// (panic-check.sh).
pub fn keep_rest(buf: &mut [u8], filled: usize, consumed: usize) -> usize {
    let left = filled.saturating_sub(consumed);
    if consumed > 0 {
        for i in 0..left {
            let byte = buf.get(i + consumed).copied().unwrap_or(0);
            if let Some(slot) = buf.get_mut(i) {
                *slot = byte;
            }
        }
    }
    left
}

/// A connection error as text for the scenario log.
pub fn error_text(e: Error) -> &'static str {
    e.as_str()
}

/// The next masking key (xorshift32).
pub fn next_key(state: &mut u32) -> [u8; 4] {
    let mut x = *state | 1;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *state = x;
    x.to_le_bytes()
}
