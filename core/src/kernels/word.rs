//! Masking with plain integer words (kernels layer, RFC 6455 §5.3): the
//! portable kernel for targets without a vector kernel, and the path for
//! buffers shorter than [`SHORT`] on every target.
//!
//! Safe code only. The body runs 16 bytes per step (two `u64`s, which the
//! compiler may turn into one vector operation); what is left, and any
//! buffer shorter than 16 bytes, is done with two overlapping words: the
//! first and the last 8 (or 4) bytes are both loaded before either is
//! stored, so the bytes they share are written twice with the same value.

/// Buffers shorter than this take [`apply_short`] / [`copy_short`].
pub const SHORT: usize = 16;

/// The 4-byte key pattern twice, as a little-endian `u64`, for a word
/// starting `offset` bytes into a buffer whose first byte is key byte 0.
#[inline(always)]
fn key64(key: [u8; 4], offset: usize) -> u64 {
    let [a, b, c, d] = super::rotate_key(key, offset);
    u64::from_le_bytes([a, b, c, d, a, b, c, d])
}

/// The key as a little-endian `u32` for a word starting at `offset`.
#[inline(always)]
fn key32(key: [u8; 4], offset: usize) -> u32 {
    u32::from_le_bytes(super::rotate_key(key, offset))
}

/// Top bit of every byte of a `u64`: set in an OR of words iff some byte
/// is not ASCII.
const HIGH: u64 = 0x8080_8080_8080_8080;

/// XORs `buf` with `key` starting at key byte `phase % 4`; returns the next phase.
#[inline]
pub fn apply(buf: &mut [u8], key: [u8; 4], phase: usize) -> usize {
    apply_impl::<false>(buf, key, phase).0
}

/// [`apply`], also telling whether every unmasked byte is ASCII.
#[inline]
pub fn apply_ascii(buf: &mut [u8], key: [u8; 4], phase: usize) -> (usize, bool) {
    apply_impl::<true>(buf, key, phase)
}

/// [`apply`] and [`apply_ascii`], written once: with `ASCII`, the
/// unmasked words are ORed together as they are stored.
#[inline]
fn apply_impl<const ASCII: bool>(buf: &mut [u8], key: [u8; 4], phase: usize) -> (usize, bool) {
    let k = key64(super::rotate_key(key, phase), 0);
    let mut acc = 0;
    let mut chunks = buf.chunks_exact_mut(16);
    for chunk in &mut chunks {
        let Some((lo, hi)) = chunk.split_first_chunk_mut::<8>() else {
            continue;
        };
        let Some(hi) = hi.first_chunk_mut::<8>() else {
            continue;
        };
        let (l, h) = (u64::from_le_bytes(*lo) ^ k, u64::from_le_bytes(*hi) ^ k);
        *lo = l.to_le_bytes();
        *hi = h.to_le_bytes();
        if ASCII {
            acc |= l | h;
        }
    }
    // Whole chunks keep the phase (16 is a multiple of 4).
    let (_, rest_ascii) = apply_short_impl::<ASCII>(chunks.into_remainder(), key, phase);
    (
        super::next_phase(phase, buf.len()),
        ASCII && rest_ascii && acc & HIGH == 0,
    )
}

/// [`apply`] for buffers of any length, fastest below [`SHORT`] bytes:
/// at most two loads and two stores.
#[inline]
pub fn apply_short(buf: &mut [u8], key: [u8; 4], phase: usize) -> usize {
    apply_short_impl::<false>(buf, key, phase).0
}

/// [`apply_ascii`] for buffers of any length, fastest below [`SHORT`]
/// bytes.
#[inline]
pub fn apply_short_ascii(buf: &mut [u8], key: [u8; 4], phase: usize) -> (usize, bool) {
    apply_short_impl::<true>(buf, key, phase)
}

/// [`apply_short`] and [`apply_short_ascii`], written once.
#[inline]
fn apply_short_impl<const ASCII: bool>(
    buf: &mut [u8],
    key: [u8; 4],
    phase: usize,
) -> (usize, bool) {
    let len = buf.len();
    if len > SHORT {
        // Two overlapping words cover at most 16 bytes.
        return apply_impl::<ASCII>(buf, key, phase);
    }
    let key = super::rotate_key(key, phase);
    let mut acc = 0;
    if len >= 8 {
        let (Some(&head), Some(&tail)) = (buf.first_chunk::<8>(), buf.last_chunk::<8>()) else {
            return (phase, false);
        };
        let head = u64::from_le_bytes(head) ^ key64(key, 0);
        let tail = u64::from_le_bytes(tail) ^ key64(key, len - 8);
        if let Some(h) = buf.first_chunk_mut::<8>() {
            *h = head.to_le_bytes();
        }
        if let Some(t) = buf.last_chunk_mut::<8>() {
            *t = tail.to_le_bytes();
        }
        acc = head | tail;
    } else if len >= 4 {
        let (Some(&head), Some(&tail)) = (buf.first_chunk::<4>(), buf.last_chunk::<4>()) else {
            return (phase, false);
        };
        let head = u32::from_le_bytes(head) ^ key32(key, 0);
        let tail = u32::from_le_bytes(tail) ^ key32(key, len - 4);
        if let Some(h) = buf.first_chunk_mut::<4>() {
            *h = head.to_le_bytes();
        }
        if let Some(t) = buf.last_chunk_mut::<4>() {
            *t = tail.to_le_bytes();
        }
        acc = u64::from(head | tail);
    } else {
        for (byte, k) in buf.iter_mut().zip(key) {
            *byte ^= k;
            acc |= u64::from(*byte);
        }
    }
    (super::next_phase(phase, len), ASCII && acc & HIGH == 0)
}

/// Copies `src` into `dst` XORed with `key` starting at key byte
/// `phase % 4`, for `min(src.len(), dst.len())` bytes; returns the next phase.
#[inline]
pub fn copy(src: &[u8], dst: &mut [u8], key: [u8; 4], phase: usize) -> usize {
    let len = src.len().min(dst.len());
    let k = key64(super::rotate_key(key, phase), 0);
    let mut d_chunks = dst.chunks_exact_mut(16);
    let mut s_chunks = src.chunks_exact(16);
    for (d, s) in (&mut d_chunks).zip(&mut s_chunks) {
        let (Some((d_lo, d_hi)), Some((s_lo, s_hi))) =
            (d.split_first_chunk_mut::<8>(), s.split_first_chunk::<8>())
        else {
            continue;
        };
        let (Some(d_hi), Some(s_hi)) = (d_hi.first_chunk_mut::<8>(), s_hi.first_chunk::<8>())
        else {
            continue;
        };
        *d_lo = (u64::from_le_bytes(*s_lo) ^ k).to_le_bytes();
        *d_hi = (u64::from_le_bytes(*s_hi) ^ k).to_le_bytes();
    }
    copy_short(s_chunks.remainder(), d_chunks.into_remainder(), key, phase);
    super::next_phase(phase, len)
}

/// [`copy`] for buffers of any length, fastest below [`SHORT`] bytes.
#[inline]
pub fn copy_short(src: &[u8], dst: &mut [u8], key: [u8; 4], phase: usize) -> usize {
    let len = src.len().min(dst.len());
    if len > SHORT {
        // Two overlapping words cover at most 16 bytes.
        return copy(src, dst, key, phase);
    }
    let (Some(src), Some(dst)) = (src.get(..len), dst.get_mut(..len)) else {
        return phase;
    };
    let key = super::rotate_key(key, phase);
    if len >= 8 {
        let (Some(&head), Some(&tail)) = (src.first_chunk::<8>(), src.last_chunk::<8>()) else {
            return phase;
        };
        if let Some(h) = dst.first_chunk_mut::<8>() {
            *h = (u64::from_le_bytes(head) ^ key64(key, 0)).to_le_bytes();
        }
        if let Some(t) = dst.last_chunk_mut::<8>() {
            *t = (u64::from_le_bytes(tail) ^ key64(key, len - 8)).to_le_bytes();
        }
    } else if len >= 4 {
        let (Some(&head), Some(&tail)) = (src.first_chunk::<4>(), src.last_chunk::<4>()) else {
            return phase;
        };
        if let Some(h) = dst.first_chunk_mut::<4>() {
            *h = (u32::from_le_bytes(head) ^ key32(key, 0)).to_le_bytes();
        }
        if let Some(t) = dst.last_chunk_mut::<4>() {
            *t = (u32::from_le_bytes(tail) ^ key32(key, len - 4)).to_le_bytes();
        }
    } else {
        for ((d, s), k) in dst.iter_mut().zip(src).zip(key) {
            *d = s ^ k;
        }
    }
    super::next_phase(phase, len)
}
