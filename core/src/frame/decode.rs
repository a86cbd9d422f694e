//! Frame header decoding (RFC 6455 §5.2), `Complete` or `Partial`.

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
/// # Errors
/// The [`ProtocolError`] for the first rule broken; all answer 1002.
#[inline]
pub fn decode(buf: &[u8]) -> Result<Decoded, ProtocolError> {
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

/// The payload length from the 7-bit field and its extension, checking the
/// minimal-encoding and top-bit rules of §5.2.
fn extended_len(len7: u8, ext: &[u8]) -> Result<u64, ProtocolError> {
    match *ext {
        [] => Ok(u64::from(len7)),
        [a, b] => {
            let len = u16::from_be_bytes([a, b]);
            if len < 126 {
                return Err(ProtocolError::NonMinimalLength);
            }
            Ok(u64::from(len))
        }
        [a, b, c, d, e, f, g, h] => {
            let len = u64::from_be_bytes([a, b, c, d, e, f, g, h]);
            if len >> 63 != 0 {
                return Err(ProtocolError::LengthTopBitSet);
            }
            if len <= 0xFFFF {
                return Err(ProtocolError::NonMinimalLength);
            }
            Ok(len)
        }
        // `decode` only passes 0, 2 or 8 bytes.
        _ => Err(ProtocolError::NonMinimalLength),
    }
}
