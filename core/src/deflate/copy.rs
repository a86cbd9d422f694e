//! A panic-free bounded copy (compression layer, DEFLATE's ground): used by the
//! inflater for literal runs and matches and by the Huffman table builder,
//! so neither depends on the other.

/// Copies `min(dst.len(), src.len())` elements as memcpy does: whole
/// 16-element chunks plus one last chunk overlapping the previous, or the
/// first and last 8 or 4 for shorter copies. Fixed-size chunks compile to
/// plain vector moves with no length check, where `copy_from_slice` keeps
/// its length-mismatch panic at opt-level "z" and a zipped loop is slow
/// for the short copies that matches mostly are.
#[inline(always)]
pub(super) fn copy<T: Copy>(dst: &mut [T], src: &[T]) {
    let n = dst.len().min(src.len());
    let (Some(d), Some(s)) = (dst.get_mut(..n), src.get(..n)) else {
        return dead_arm!("n is within both", ());
    };
    if n >= 16 {
        copy_ends::<T, 16>(d, s);
        let (mut d, mut s) = (d, s);
        while let Some((s16, s_rest)) = s.split_first_chunk::<16>() {
            let Some((d16, d_rest)) = core::mem::take(&mut d).split_first_chunk_mut::<16>() else {
                return dead_arm!("d and s have the same length", ());
            };
            *d16 = *s16;
            (d, s) = (d_rest, s_rest);
        }
    } else if n >= 8 {
        copy_ends::<T, 8>(d, s);
    } else if n >= 4 {
        copy_ends::<T, 4>(d, s);
    } else {
        for (d, s) in d.iter_mut().zip(s) {
            *d = *s;
        }
    }
}

/// The first and the last `N` elements (overlapping when shorter than 2N).
#[inline(always)]
fn copy_ends<T: Copy, const N: usize>(d: &mut [T], s: &[T]) {
    if let (Some(d), Some(s)) = (d.first_chunk_mut::<N>(), s.first_chunk::<N>()) {
        *d = *s;
    }
    if let (Some(d), Some(s)) = (d.last_chunk_mut::<N>(), s.last_chunk::<N>()) {
        *d = *s;
    }
}
