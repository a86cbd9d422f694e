//! Frame header encoding (RFC 6455 §5.2), always in the minimal length form.

use super::{FrameHeader, field};
use crate::error::UsageError;

/// Writes `header` at the start of `out`; returns the bytes written
/// ([`FrameHeader::encoded_len`], at most 14).
///
/// The length uses the shortest form (§5.2); a length of 2^63 or more
/// cannot be represented and is refused.
///
/// # Errors
/// [`UsageError::BufferTooSmall`] if `out` is shorter than the header;
/// [`UsageError::PayloadTooLarge`] for a length ≥ 2^63. `out` is untouched
/// on error.
pub fn encode(header: &FrameHeader, out: &mut [u8]) -> Result<usize, UsageError> {
    if header.payload_len >> 63 != 0 {
        return Err(UsageError::PayloadTooLarge);
    }
    let len = header.encoded_len();
    let out = out
        .get_mut(..len)
        .ok_or(UsageError::BufferTooSmall { needed: len })?;
    let mut b0 = header.opcode as u8 | ((header.rsv << 4) & field::RSV);
    if header.fin {
        b0 |= field::FIN;
    }
    let mask_bit = if header.mask.is_some() {
        field::MASK
    } else {
        0
    };
    let (head, key_field) = out
        .split_at_mut_checked(len - if header.mask.is_some() { 4 } else { 0 })
        .ok_or(UsageError::BufferTooSmall { needed: len })?;
    match head {
        [h0, h1] => {
            // encoded_len chose this form, so the length fits in 7 bits.
            [*h0, *h1] = [b0, mask_bit | (header.payload_len as u8)];
        }
        [h0, h1, e0, e1] => {
            let [x0, x1] = (header.payload_len as u16).to_be_bytes();
            [*h0, *h1, *e0, *e1] = [b0, mask_bit | field::LEN_16, x0, x1];
        }
        [h0, h1, ext @ ..] => {
            [*h0, *h1] = [b0, mask_bit | field::LEN_64];
            for (dst, src) in ext.iter_mut().zip(header.payload_len.to_be_bytes()) {
                *dst = src;
            }
        }
        _ => {}
    }
    if let Some(key) = header.mask {
        for (dst, src) in key_field.iter_mut().zip(key) {
            *dst = src;
        }
    }
    Ok(len)
}
