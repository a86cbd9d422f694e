//! Receiving (connection layer): frames read for the state machine
//! (`connection.rs`, rules 1–4). The header is judged before its payload
//! (rule 2), a control frame is taken whole and handed to
//! [`Connection::on_control`], data payloads stream out as they arrive and
//! text is validated as it streams (rules 1, 3). The connection's life
//! (Close, failure) changes only in `connection.rs`.

use super::{Connection, InFrame, InMessage, Inflating, NEEDS_INPUT, RSV1};
use crate::deflate::Decompression;
use crate::error::ProtocolError;
use crate::event::{DataKind, Event, Recv};
use crate::frame::{self, Decoded, FrameHeader, OpCode};
use crate::mask::{apply_mask, apply_mask_ascii};

impl<const PONG: usize> Connection<PONG> {
    /// Continues the data frame in progress, or reads the next header,
    /// then a whole control frame or the start of a data payload (rules 1,
    /// 2). Data payloads of both paths go through the one call of
    /// `recv_payload`, so it is inlined once (no second copy in flash).
    ///
    /// `Z`: permessage-deflate is in use and `z` is its receiving half
    /// (`Connection::recv_deflate`); without it (`Z` false, `z` `None`)
    /// none of the compressed path is compiled in.
    pub(super) fn recv_next<'a, const Z: bool>(
        &mut self,
        input: &'a mut [u8],
        mut z: Option<&'a mut Decompression<'_>>,
    ) -> Result<Recv<'a>, ProtocolError> {
        if Z && self.rx_frame.is_none() && self.rx_inflating == Some(Inflating::Finishing) {
            return match z {
                Some(z) => self.finish_inflated(z),
                None => dead_arm!("`Z` comes with `z`", Ok(NEEDS_INPUT)),
            };
        }
        let (frame, header_len) = match self.rx_frame {
            Some(frame) => (frame, 0),
            None => {
                let Decoded::Complete(header, header_len) = frame::decode(input)? else {
                    return Ok(NEEDS_INPUT);
                };
                self.check_header(&header, Z)?;
                if header.opcode.is_control() {
                    return self.recv_control(input, &header, header_len);
                }
                if input.len() < header_len {
                    return dead_arm!(
                        "a complete header is in `input`; checked before any state changes",
                        Ok(NEEDS_INPUT)
                    );
                }
                let len = self.start_data_frame(&header)?;
                // RSV1 passed `check_header` only on a new message's
                // first frame (RFC 7692 §6.1).
                if Z && header.rsv == RSV1 {
                    self.rx_inflating = Some(Inflating::Frames);
                    if let Some(z) = z.as_deref_mut() {
                        z.start_message();
                    }
                }
                let frame = InFrame {
                    remaining: len,
                    mask: header.mask,
                    phase: 0,
                    fin: header.fin,
                };
                (frame, header_len)
            }
        };
        let Some((_, rest)) = input.split_at_mut_checked(header_len) else {
            return dead_arm!("`input` holds the header", Ok(NEEDS_INPUT));
        };
        let recv = match z {
            Some(z) if Z && self.rx_inflating.is_some() => self.recv_inflated(rest, frame, z)?,
            _ => self.recv_payload(rest, frame)?,
        };
        Ok(Recv {
            consumed: header_len + recv.consumed,
            event: recv.event,
        })
    }

    /// A whole control frame after its `header_len`-byte header, unmasked
    /// in place; nothing is consumed until all of it is in (rule 1).
    fn recv_control<'a>(
        &mut self,
        input: &'a mut [u8],
        header: &FrameHeader,
        header_len: usize,
    ) -> Result<Recv<'a>, ProtocolError> {
        // ≤ 125 (checked by the decoder), so the cast is lossless.
        let len = header.payload_len as usize;
        let end = header_len + len;
        let Some(payload) = input.get_mut(header_len..end) else {
            return Ok(NEEDS_INPUT);
        };
        if let Some(key) = header.mask {
            apply_mask(payload, key, 0);
        }
        let event = self.on_control(header.opcode, payload)?;
        Ok(Recv {
            consumed: end,
            event: Some(event),
        })
    }

    /// Checks what depends on the connection rather than on the header
    /// alone: RSV bits and the mask direction (rule 2). With
    /// permessage-deflate (`deflate`), RSV1 marks a compressed message on
    /// its first frame and nowhere else (RFC 7692 §6.1).
    fn check_header(&self, header: &FrameHeader, deflate: bool) -> Result<(), ProtocolError> {
        if header.rsv != 0 {
            if !deflate || header.rsv != RSV1 {
                return Err(ProtocolError::ReservedBits);
            }
            match header.opcode {
                OpCode::Text | OpCode::Binary => {}
                OpCode::Continuation => return Err(ProtocolError::CompressedContinuation),
                _ => return Err(ProtocolError::CompressedControl),
            }
        }
        match (self.role.expects_masked(), header.mask.is_some()) {
            (true, false) => Err(ProtocolError::UnmaskedClientFrame),
            (false, true) => Err(ProtocolError::MaskedServerFrame),
            _ => Ok(()),
        }
    }

    /// Sequencing (§5.4) and limits (rule 2) for a new data frame; returns
    /// its payload length, which the frame limit lets fit a `usize`.
    #[cfg_attr(not(feature = "small"), inline(always))]
    fn start_data_frame(&mut self, header: &FrameHeader) -> Result<usize, ProtocolError> {
        let limits = &self.config;
        // A length beyond `usize` is beyond any limit this target can set.
        let len = usize::try_from(header.payload_len).map_err(|_| ProtocolError::FrameTooBig)?;
        if len > limits.max_frame_size {
            return Err(ProtocolError::FrameTooBig);
        }
        let mut message = match (header.opcode, self.rx_message) {
            (OpCode::Continuation, None) => return Err(ProtocolError::UnexpectedContinuation),
            (OpCode::Continuation, Some(m)) => m,
            (_, Some(_)) => return Err(ProtocolError::ExpectedContinuation),
            (opcode, None) => InMessage {
                kind: if opcode == OpCode::Text {
                    DataKind::Text
                } else {
                    DataKind::Binary
                },
                len: 0,
                fragments: 0,
            },
        };
        message.fragments = message.fragments.saturating_add(1);
        if message.fragments > limits.max_fragments {
            return Err(ProtocolError::TooManyFragments);
        }
        // A sum beyond `usize` is beyond any limit this target can set.
        message.len = message
            .len
            .checked_add(len)
            .filter(|&total| total <= limits.max_message_size)
            .ok_or(ProtocolError::MessageTooBig)?;
        self.rx_message = Some(message);
        Ok(len)
    }

    /// Hands out the available part of a data payload (rules 1, 3).
    /// Inlined: returning its `Recv` through the stack costs a missed
    /// store-to-load forward per frame (measured: 35 → 56+ M frames/s).
    #[inline(always)]
    fn recv_payload<'a>(
        &mut self,
        input: &'a mut [u8],
        mut frame: InFrame,
    ) -> Result<Recv<'a>, ProtocolError> {
        let Some(message) = self.rx_message else {
            return dead_arm!(
                "a frame is only in progress inside a message",
                Err(ProtocolError::UnexpectedContinuation)
            );
        };
        let available = frame.remaining.min(input.len());
        if available == 0 && frame.remaining != 0 {
            self.rx_frame = Some(frame);
            return Ok(NEEDS_INPUT);
        }
        let Some((chunk, _)) = input.split_at_mut_checked(available) else {
            return dead_arm!("`available` is at most `input.len()`", Ok(NEEDS_INPUT));
        };
        // Text is unmasked by the kernel that also says "all ASCII", which
        // then needs no UTF-8 pass (utf8::feed_ascii).
        let mut ascii = false;
        if let Some(key) = frame.mask {
            let phase = usize::from(frame.phase);
            let next = if message.kind == DataKind::Text {
                let (next, all_ascii) = apply_mask_ascii(chunk, key, phase);
                ascii = all_ascii;
                next
            } else {
                apply_mask(chunk, key, phase)
            };
            frame.phase = next as u8;
        }
        // `available` ≤ `remaining`: this never saturates.
        frame.remaining = frame.remaining.saturating_sub(available);
        let frame_end = frame.remaining == 0;
        let message_end = frame_end && frame.fin;
        if message.kind == DataKind::Text && self.config.validate_utf8 {
            let fed = if ascii {
                self.utf8.feed_ascii(chunk)
            } else {
                self.utf8.feed(chunk)
            };
            fed.map_err(|_| ProtocolError::InvalidUtf8)?;
            if message_end {
                self.utf8.finish().map_err(|_| ProtocolError::InvalidUtf8)?;
            }
        }
        self.rx_frame = (!frame_end).then_some(frame);
        if message_end {
            self.rx_message = None;
        }
        Ok(Recv {
            consumed: available,
            event: Some(Event::Data {
                kind: message.kind,
                payload: chunk,
                frame_end,
                message_end,
            }),
        })
    }
}
