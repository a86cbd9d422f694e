//! Masking, byte at a time (kernels layer, RFC 6455 §5.3): the oracle every
//! other kernel is tested against, and the path `cfg(miri)` or
//! `--cfg wsframe_force_scalar` forces.

/// XORs `buf` with `key` starting at key byte `phase % 4`; returns the next phase.
#[inline]
pub fn apply(buf: &mut [u8], key: [u8; 4], phase: usize) -> usize {
    let key = super::rotate_key(key, phase);
    for (byte, k) in buf.iter_mut().zip(key.iter().cycle()) {
        *byte ^= k;
    }
    super::next_phase(phase, buf.len())
}

/// [`apply`], also telling whether every unmasked byte is ASCII.
#[inline]
pub fn apply_ascii(buf: &mut [u8], key: [u8; 4], phase: usize) -> (usize, bool) {
    let next = apply(buf, key, phase);
    (next, buf.is_ascii())
}

/// Copies `src` into `dst` XORed with `key` starting at key byte
/// `phase % 4`, for `min(src.len(), dst.len())` bytes; returns the next phase.
#[inline]
pub fn copy(src: &[u8], dst: &mut [u8], key: [u8; 4], phase: usize) -> usize {
    let key = super::rotate_key(key, phase);
    let mut n = 0;
    for ((d, s), k) in dst.iter_mut().zip(src).zip(key.iter().cycle()) {
        *d = s ^ k;
        n += 1;
    }
    super::next_phase(phase, n)
}
