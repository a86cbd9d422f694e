//! LZ77 match copies in whole chunks inside the inflater's ring (kernels
//! layer, RFC 1951 §3.2.5): the inner copy of `deflate::inflate::fast`.
//!
//! [`copy_match_chunks`] checks everything once, then copies with
//! unaligned chunk loads and stores through raw pointers: the safe loop
//! (the twin, [`copy_match_chunks_scalar`]) kept two bounds checks per
//! chunk that the compiler cannot drop (the chunk index moves with the
//! match length), ~17 instructions per 16-byte chunk instead of ~5, on a
//! path that a 1 MiB JSON message takes 100 000 times. The tests compare
//! the two on every position, distance and length in small rings, under
//! Miri as well (the pointer kernel is not replaced there: checking it is
//! the point). `--cfg wsframe_force_scalar` routes to the twin.
//!
//! [`run_bmi2`] runs the inflater's fast loop compiled for BMI2 when the
//! CPU has it (x86 with `std`: detected once; or a build that assumes
//! BMI2): its variable shifts (`shrx`, `bzhi`) need no `cl` register
//! moves, 12 % fewer instructions per output byte on JSON (callgrind,
//! 16.9 to 15.0 at 1 MiB).
#![allow(unsafe_code)]

/// A body to compile twice, as is and for BMI2 ([`run_bmi2`]); the
/// implementation marks [`Bmi2Body::run`] `#[inline(always)]` so that it
/// is compiled into each caller with that caller's target features.
pub(crate) trait Bmi2Body {
    type Out;
    fn run(self) -> Self::Out;
}

/// Runs `body`, compiled for BMI2 if the CPU has it.
#[inline(always)]
pub(crate) fn run_bmi2<B: Bmi2Body>(body: B) -> B::Out {
    #[cfg(all(wsframe_vector, any(target_arch = "x86", target_arch = "x86_64")))]
    if super::cpu::has_bmi2() {
        // SAFETY: the CPU has BMI2 (checked above), the one requirement
        // of a `#[target_feature(enable = "bmi2")]` function.
        return unsafe { bmi2(body) };
    }
    body.run()
}

/// [`Bmi2Body::run`] compiled for BMI2.
///
/// # Safety
/// The CPU must have BMI2.
#[cfg(all(wsframe_vector, any(target_arch = "x86", target_arch = "x86_64")))]
#[target_feature(enable = "bmi2")]
unsafe fn bmi2<B: Bmi2Body>(body: B) -> B::Out {
    body.run()
}

/// The longest match (§3.2.5).
const MAX_MATCH: usize = 258;

/// Whether a match of `n` bytes at distance `dist`, written at `pos`, can
/// be copied in whole `N`-byte chunks; returns the source position (the
/// destination minus `dist`, wrapped to the ring's end if before its
/// start: the ring's length is a power of two) and `n` rounded up to
/// whole chunks.
///
/// The conditions (all evaluated, one branch): `pos` inside the ring,
/// `n` at least 1 (the copy loop reads one chunk before it tests `n`: a
/// zero-length copy, which the inflater makes when its output limit cuts
/// a match to nothing, would read a chunk its check did not cover — the
/// inflate fuzz target found it under ASan) and at most [`MAX_MATCH`] (so nothing below overflows), `n + N` bytes
/// of ring from `pos` (the last chunk overshoots the match's end by up to
/// `N - 1` bytes, written back after), the chunks' source inside the ring,
/// and a source at least `N` bytes before the destination or after it (a
/// source wrapped to the ring's end is older history, never written by
/// this match), so that chunk-by-chunk order is LZ77's byte-by-byte order.
#[inline(always)]
fn plan<const N: usize>(
    ring_len: usize,
    pos: usize,
    dist: usize,
    n: usize,
) -> Option<(usize, usize)> {
    let src = pos.wrapping_sub(dist) & ring_len.wrapping_sub(1);
    // Clamped so that nothing overflows; a longer `n` is refused below.
    let m = n.min(MAX_MATCH);
    let whole = (m + N - 1) & !(N - 1);
    let fits = (pos < ring_len)
        & (n != 0)
        & (n <= MAX_MATCH)
        & (ring_len.wrapping_sub(pos) >= m + N)
        & (src < ring_len)
        & (ring_len.wrapping_sub(src) >= whole)
        & ((dist >= N) | (src >= pos));
    if fits { Some((src, whole)) } else { None }
}

/// Copies `n` (at most 258) bytes of a match at distance `dist` to `pos`
/// in whole `N`-byte chunks, as LZ77 does (see [`plan`] for when it can):
/// true when done, false with nothing written when it cannot. Each chunk
/// is read before it is written and after the chunks before it are; the
/// `N - 1` or fewer bytes past the match's end that the last chunk
/// overwrites are read first and written back after.
#[inline(always)]
pub(crate) fn copy_match_chunks<const N: usize>(
    ring: &mut [u8],
    pos: usize,
    dist: usize,
    n: usize,
) -> bool {
    if cfg!(wsframe_force_scalar) {
        return copy_match_chunks_scalar::<N>(ring, pos, dist, n);
    }
    let Some((src, _)) = plan::<N>(ring.len(), pos, dist, n) else {
        return false;
    };
    let base = ring.as_mut_ptr();
    // SAFETY: `plan` checked `pos + n + N <= ring.len()`, so the kept
    // chunk at `pos + n` and every destination chunk at `pos + k`
    // (`k < n`, a multiple of N) lie inside the ring; and
    // `src + whole <= ring.len()` with `k + N <= whole`, so every source
    // chunk does. Reads and writes are unaligned ([u8; N] has alignment
    // 1 anyway); all go through the one pointer `base`, derived from the
    // `&mut` borrow, so overlapping source and destination are fine.
    unsafe {
        let kept = base.add(pos + n).cast::<[u8; N]>().read_unaligned();
        let mut k = 0;
        loop {
            let c = base.add(src + k).cast::<[u8; N]>().read_unaligned();
            base.add(pos + k).cast::<[u8; N]>().write_unaligned(c);
            k += N;
            if k >= n {
                break;
            }
        }
        base.add(pos + n).cast::<[u8; N]>().write_unaligned(kept);
    }
    true
}

/// [`copy_match_chunks`] in safe Rust, with a bounds check per chunk: the
/// twin the tests compare the kernel with.
#[cfg_attr(not(any(test, wsframe_force_scalar)), allow(dead_code))]
pub(crate) fn copy_match_chunks_scalar<const N: usize>(
    ring: &mut [u8],
    pos: usize,
    dist: usize,
    n: usize,
) -> bool {
    let Some((src, _)) = plan::<N>(ring.len(), pos, dist, n) else {
        return false;
    };
    let kept = chunk::<N>(ring, pos + n);
    let mut k = 0;
    loop {
        let c = chunk::<N>(ring, src + k);
        if let Some(d) = ring
            .get_mut(pos + k..)
            .and_then(<[u8]>::first_chunk_mut::<N>)
        {
            *d = c;
        }
        k += N;
        if k >= n {
            break;
        }
    }
    if let Some(d) = ring
        .get_mut(pos + n..)
        .and_then(<[u8]>::first_chunk_mut::<N>)
    {
        *d = kept;
    }
    true
}

/// The `N` bytes of `ring` at `at` (the caller keeps them inside).
fn chunk<const N: usize>(ring: &[u8], at: usize) -> [u8; N] {
    match ring.get(at..).and_then(<[u8]>::first_chunk::<N>) {
        Some(c) => *c,
        None => dead_arm!("chunks stay inside the ring", [0; N]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// LZ77's definition: byte by byte, the source wrapped in the ring.
    fn reference(ring: &mut [u8], pos: usize, dist: usize, n: usize) {
        let len = ring.len();
        for i in 0..n {
            ring[pos + i] = ring[(pos + i + len - dist) % len];
        }
    }

    fn check<const N: usize>(len: usize, step: usize) {
        let fill: std::vec::Vec<u8> = (0..len).map(|i| (i * 7 + 3) as u8).collect();
        let step = if cfg!(miri) { step * 5 } else { step };
        for pos in (0..len).step_by(step) {
            for dist in (1..=len).step_by(step) {
                for n in (0..=MAX_MATCH.min(len)).step_by(step).chain([0, 1, 2]) {
                    let (mut a, mut b, mut r) = (fill.clone(), fill.clone(), fill.clone());
                    let done = copy_match_chunks::<N>(&mut a, pos, dist, n);
                    assert_eq!(done, copy_match_chunks_scalar::<N>(&mut b, pos, dist, n));
                    assert_eq!(a, b, "N {N} pos {pos} dist {dist} n {n}");
                    if done {
                        reference(&mut r, pos, dist, n);
                        assert_eq!(a, r, "N {N} pos {pos} dist {dist} n {n}");
                    } else {
                        assert_eq!(a, fill);
                    }
                }
            }
        }
    }

    /// What `plan` admits keeps every access of the pointer loop inside
    /// the ring: the kept chunk, and each chunk read and written for
    /// `k` = 0, N, … while `k < n` — at least one, as the loop is a
    /// do-while. (Without the `n != 0` condition a zero-length match near
    /// the ring's end read past it.)
    fn plan_bounds<const N: usize>(len: usize) {
        for pos in 0..len {
            for dist in 1..=len + 1 {
                for n in [
                    0,
                    1,
                    2,
                    3,
                    N - 1,
                    N,
                    N + 1,
                    2 * N + 3,
                    MAX_MATCH,
                    MAX_MATCH + 1,
                ] {
                    let Some((src, _)) = plan::<N>(len, pos, dist, n) else {
                        continue;
                    };
                    assert!(pos + n + N <= len, "kept: N {N} len {len} pos {pos} n {n}");
                    let mut k = 0;
                    loop {
                        assert!(
                            src + k + N <= len,
                            "read: N {N} pos {pos} dist {dist} n {n}"
                        );
                        assert!(
                            pos + k + N <= len,
                            "write: N {N} pos {pos} dist {dist} n {n}"
                        );
                        k += N;
                        if k >= n {
                            break;
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn plan_keeps_the_pointer_loop_inside_the_ring() {
        let len = if cfg!(miri) { 64 } else { 256 };
        plan_bounds::<8>(len);
        plan_bounds::<16>(len);
    }

    #[test]
    fn chunks_match_twin_and_lz77() {
        check::<16>(64, 1);
        check::<8>(64, 1);
        // Past one chunk loop's worth of lengths, sampled.
        check::<16>(512, 7);
    }

    #[test]
    fn rejects_out_of_range_arguments() {
        let mut ring = [0u8; 64];
        for (pos, dist, n) in [
            (64, 1, 3),
            (usize::MAX, 1, 3),
            (0, 1, usize::MAX),
            (60, 16, 3),
        ] {
            assert!(!copy_match_chunks::<16>(&mut ring, pos, dist, n));
            assert!(!copy_match_chunks_scalar::<16>(&mut ring, pos, dist, n));
        }
        // Not a power of two: still never out of bounds.
        let mut odd = [1u8; 48];
        for pos in 0..48 {
            for dist in 1..=64 {
                let _ = copy_match_chunks::<16>(&mut odd, pos, dist, 3);
            }
        }
    }
}
