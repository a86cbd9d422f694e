//! Frame header decoding (frame layer, RFC 6455 §5.2), `Complete` or
//! `Partial`.

use super::{FrameHeader, MAX_CONTROL_PAYLOAD, OpCode, field};
use crate::error::ProtocolError;

/// The result of [`decode`] on a buffer that may hold only part of a header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[must_use]
pub enum Decoded {
    /// A whole header: the header and how many bytes it took.
    Complete(FrameHeader, usize),
    /// The buffer ends inside the header; at least this many bytes in total
    /// are needed to go further.
    Partial(usize),
}

/// Decodes a frame header from the start of `buf`.
///
/// Checks the rules that the header alone decides: reserved opcodes,
/// control frames fragmented or longer than 125 bytes (§5.5), a 64-bit
/// length with the top bit set, and lengths not in minimal form (§5.2).
///
/// Whole headers of data frames (continuation, text, binary: the frames
/// that carry the traffic) take a short path of fixed-size reads, one per
/// value of the second byte, as data opcodes have no control-frame rules;
/// control frames, reserved opcodes and partial headers go to the general
/// decoder. Both give the same answers (tested exhaustively over the
/// first two bytes and every cut). The `small` feature leaves the short
/// path out: every header takes the general decoder, for less flash and
/// a few nanoseconds more per frame.
///
/// Both paths are always inlined (not with `small`), so that a caller
/// gets the header in registers. As a call, the decoder returned its
/// result through memory, written field by field and read back with wider
/// loads (the 5-byte `Option<[u8; 4]>` key as one 4-byte load): a failed
/// store-to-load forward per header for a caller parsing a stream of
/// them, 7.4 ns a header against 2.2 ns inlined. Inlining only the short
/// path kept the general path's result in memory, with the same stall.
///
/// # Errors
/// The [`ProtocolError`] for the first rule broken; all answer 1002.
#[cfg_attr(not(feature = "small"), inline(always))]
#[cfg_attr(feature = "small", inline)]
pub fn decode(buf: &[u8]) -> Result<Decoded, ProtocolError> {
    #[cfg(not(feature = "small"))]
    if let Some(&[b0, b1]) = buf.first_chunk::<2>() {
        if let Some(opcode) = data_opcode(b0) {
            let header = |payload_len, mask| FrameHeader {
                fin: b0 & field::FIN != 0,
                rsv: (b0 & field::RSV) >> 4,
                opcode,
                mask,
                payload_len,
            };
            // b1 = MASK | the 7-bit length.
            match b1 {
                0x00..=0x7D => {
                    return Ok(Decoded::Complete(header(u64::from(b1), None), 2));
                }
                0x80..=0xFD => {
                    if let Some((_, &key)) = buf
                        .first_chunk::<6>()
                        .and_then(|h| h.split_last_chunk::<4>())
                    {
                        let h = header(u64::from(b1 & field::LEN7), Some(key));
                        return Ok(Decoded::Complete(h, 6));
                    }
                }
                0x7E => {
                    if let Some(&[_, _, l0, l1]) = buf.first_chunk::<4>() {
                        let len = len16([l0, l1])?;
                        return Ok(Decoded::Complete(header(len, None), 4));
                    }
                }
                0xFE => {
                    if let Some((&[_, _, l0, l1], &key)) = buf
                        .first_chunk::<8>()
                        .and_then(|h| h.split_last_chunk::<4>())
                    {
                        let len = len16([l0, l1])?;
                        return Ok(Decoded::Complete(header(len, Some(key)), 8));
                    }
                }
                0x7F => {
                    if let Some((_, &l)) = buf
                        .first_chunk::<10>()
                        .and_then(|h| h.split_last_chunk::<8>())
                    {
                        let len = len64(l)?;
                        return Ok(Decoded::Complete(header(len, None), 10));
                    }
                }
                0xFF => {
                    if let Some((&[_, _, a, b, c, d, e, f, g, h], &key)) = buf
                        .first_chunk::<14>()
                        .and_then(|h| h.split_last_chunk::<4>())
                    {
                        let len = len64([a, b, c, d, e, f, g, h])?;
                        return Ok(Decoded::Complete(header(len, Some(key)), 14));
                    }
                }
            }
        }
    }
    decode_general(buf)
}

/// The opcode of a data frame (continuation, text, binary) from byte 0,
/// `None` for control frames and reserved opcodes.
#[inline(always)]
#[cfg(not(feature = "small"))]
fn data_opcode(b0: u8) -> Option<OpCode> {
    match b0 & field::OPCODE {
        0x0 => Some(OpCode::Continuation),
        0x1 => Some(OpCode::Text),
        0x2 => Some(OpCode::Binary),
        _ => None,
    }
}

/// [`decode`] for every header: any opcode, masked or not, whole or not.
#[cfg_attr(not(feature = "small"), inline(always))]
#[cfg_attr(feature = "small", inline)]
pub(super) fn decode_general(buf: &[u8]) -> Result<Decoded, ProtocolError> {
    let [b0, b1, rest @ ..] = buf else {
        return Ok(Decoded::Partial(2));
    };
    let opcode = OpCode::from_u8(b0 & field::OPCODE).ok_or(ProtocolError::ReservedOpcode)?;
    let fin = b0 & field::FIN != 0;
    let len7 = b1 & field::LEN7;
    if opcode.is_control() {
        if !fin {
            return Err(ProtocolError::FragmentedControlFrame);
        }
        if usize::from(len7) > MAX_CONTROL_PAYLOAD {
            return Err(ProtocolError::ControlFrameTooLong);
        }
    }
    let masked = b1 & field::MASK != 0;
    let len_bytes = match len7 {
        field::LEN_16 => 2,
        field::LEN_64 => 8,
        _ => 0,
    };
    let mask_len = if masked { 4 } else { 0 };
    let header_len = 2 + len_bytes + mask_len;
    // The length is judged as soon as its bytes are in, before the mask key.
    let Some(len_field) = rest.get(..len_bytes) else {
        return Ok(Decoded::Partial(header_len));
    };
    let payload_len = extended_len(len7, len_field)?;
    let Some(mask_field) = rest.get(len_bytes..len_bytes + mask_len) else {
        return Ok(Decoded::Partial(header_len));
    };
    let mask = match *mask_field {
        [a, b, c, d] => Some([a, b, c, d]),
        _ => None,
    };
    let header = FrameHeader {
        fin,
        rsv: (b0 & field::RSV) >> 4,
        opcode,
        mask,
        payload_len,
    };
    Ok(Decoded::Complete(header, header_len))
}

/// A 16-bit extended length, which must be above 125 (§5.2: minimal form).
#[inline(always)]
fn len16(bytes: [u8; 2]) -> Result<u64, ProtocolError> {
    let len = u16::from_be_bytes(bytes);
    if len < 126 {
        return Err(ProtocolError::NonMinimalLength);
    }
    Ok(u64::from(len))
}

/// A 64-bit extended length: top bit clear, and above 0xFFFF (§5.2).
#[inline(always)]
fn len64(bytes: [u8; 8]) -> Result<u64, ProtocolError> {
    let len = u64::from_be_bytes(bytes);
    if len >> 63 != 0 {
        return Err(ProtocolError::LengthTopBitSet);
    }
    if len <= 0xFFFF {
        return Err(ProtocolError::NonMinimalLength);
    }
    Ok(len)
}

/// The payload length from the 7-bit field and its extension, checking the
/// minimal-encoding and top-bit rules of §5.2.
fn extended_len(len7: u8, ext: &[u8]) -> Result<u64, ProtocolError> {
    match *ext {
        [] => Ok(u64::from(len7)),
        [a, b] => len16([a, b]),
        [a, b, c, d, e, f, g, h] => len64([a, b, c, d, e, f, g, h]),
        _ => dead_arm!(
            "`decode` passes 0, 2 or 8 bytes",
            Err(ProtocolError::NonMinimalLength)
        ),
    }
}
