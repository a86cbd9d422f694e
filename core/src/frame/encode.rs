//! Frame encoding (frame layer, RFC 6455 §5.2): the header, always in the
//! minimal length form, and whole frames — header and payload, masked as
//! the sender's role requires (§5.1, §5.3) — for the connection's sends.

use super::{FrameHeader, MAX_CONTROL_PAYLOAD, OpCode, field};
use crate::close::ClosePayload;
use crate::error::UsageError;
use crate::mask::copy_mask;
use crate::role::Role;

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
    let Some((head, key_field)) =
        out.split_at_mut_checked(len - if header.mask.is_some() { 4 } else { 0 })
    else {
        return dead_arm!(
            "`out` is `len` long, and `len` counts the key",
            Err(UsageError::BufferTooSmall { needed: len })
        );
    };
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
        _ => dead_arm!("`encoded_len` makes 2, 4 or 10 bytes before the key", ()),
    }
    if let Some(key) = header.mask {
        for (dst, src) in key_field.iter_mut().zip(key) {
            *dst = src;
        }
    }
    Ok(len)
}

/// The header for a frame we send: masked iff we are a client (§5.1).
pub(crate) fn header_for(
    role: Role,
    opcode: OpCode,
    fin: bool,
    payload_len: u64,
    mask_key: [u8; 4],
) -> FrameHeader {
    FrameHeader {
        fin,
        rsv: 0,
        opcode,
        mask: role.masks_outgoing().then_some(mask_key),
        payload_len,
    }
}

/// Encodes a Close frame (§5.5.1) for `close` straight into `out`: the
/// 2-byte big-endian code (none for an empty Close,
/// [`CloseCode::NO_STATUS`](crate::CloseCode::NO_STATUS)), then the
/// reason, copied (and masked) from where they are with no intermediate
/// payload buffer. The one writer of a Close payload. `out` is untouched
/// on error.
///
/// # Errors
/// Those of [`ClosePayload::check_sendable`], and those of [`encode_frame`].
pub(crate) fn encode_close(
    role: Role,
    close: &ClosePayload<'_>,
    mask_key: [u8; 4],
    out: &mut [u8],
) -> Result<usize, UsageError> {
    close.check_sendable()?;
    let code = close.code.get().to_be_bytes();
    let code = if close.is_empty() { &[][..] } else { &code[..] };
    let parts = [code, close.reason.as_bytes()];
    encode_frame(role, OpCode::Close, true, parts, mask_key, out)
}

/// Encodes a whole frame into `out`: the header, then the payload — the
/// `parts` one after the other — copied and masked as the role requires.
/// `out` is untouched on error.
///
/// # Errors
/// [`UsageError::ControlTooLong`] for a control payload over 125 bytes,
/// [`UsageError::PayloadTooLarge`], [`UsageError::BufferTooSmall`].
pub(crate) fn encode_frame(
    role: Role,
    opcode: OpCode,
    fin: bool,
    parts: [&[u8]; 2],
    mask_key: [u8; 4],
    out: &mut [u8],
) -> Result<usize, UsageError> {
    let [first, second] = parts;
    let len = first
        .len()
        .checked_add(second.len())
        .ok_or(UsageError::PayloadTooLarge)?;
    if opcode.is_control() && len > MAX_CONTROL_PAYLOAD {
        return Err(UsageError::ControlTooLong);
    }
    // Lossless: `usize` is at most 64 bits on every Rust target.
    let header = header_for(role, opcode, fin, len as u64, mask_key);
    let header_len = header.encoded_len();
    let total = header_len
        .checked_add(len)
        .ok_or(UsageError::PayloadTooLarge)?;
    let out = out
        .get_mut(..total)
        .ok_or(UsageError::BufferTooSmall { needed: total })?;
    let Some((head, mut body)) = out.split_at_mut_checked(header_len) else {
        return dead_arm!(
            "`out` is `total` long, the header and more",
            Err(UsageError::BufferTooSmall { needed: total })
        );
    };
    encode(&header, head)?;
    // One pass per part, and no length-mismatch panic path (`body` is
    // exactly `len` long); a zero key copies unmasked.
    let key = header.mask.unwrap_or([0; 4]);
    let mut phase = 0;
    for part in parts {
        let Some((dst, rest)) = core::mem::take(&mut body).split_at_mut_checked(part.len()) else {
            dead_arm!("the parts add up to `body`'s length", break)
        };
        phase = copy_mask(part, dst, key, phase);
        body = rest;
    }
    Ok(total)
}
