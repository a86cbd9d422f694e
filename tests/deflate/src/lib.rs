//! wsframe's permessage-deflate codecs against the system zlib, the one
//! oracle ([`zlib`]): the inflater takes the same bytes as zlib's raw
//! inflate and reaches the same verdict (complete, truncated, or corrupt
//! with zlib's message) and the same output up to it ([`compare`]); the
//! compressor's messages are inflated back by zlib at the same window
//! ([`compress`]). Shared by this crate's tests, examples/speed.rs and the
//! `inflate` and `compress` fuzz targets.

pub mod blocks;
pub mod compress;
pub mod zlib;

/// The corpora of core's own compressor tests (one generator for both).
/// `Rng::next` is public here, so clippy would ask for `Iterator`.
#[allow(clippy::should_implement_trait)]
#[path = "../../../core/src/deflate/compress_corpus.rs"]
pub mod corpus;

/// The bit writer and canonical codes of core's inflater tests (one copy).
#[path = "../../../core/src/deflate/test_bits.rs"]
pub mod test_bits;

/// The compressor driver of core's compressor tests (one copy); it names
/// the `Compressor`, `Flush` and `Status` imported here.
#[path = "../../../core/src/deflate/test_driver.rs"]
pub mod test_driver;

use wsframe::deflate::{Compressor, Flush, Status};

pub use corpus::{KINDS, Kind, Rng, generate};
use wsframe::deflate::{InflateStatus, Inflater};
pub use zlib::Verdict;

/// wsframe's inflater on the first stream of `input` (window 2^`bits`),
/// fed `piece` bytes at a time with at most `max_out` output per call.
pub fn inflate_ours(bits: u8, input: &[u8], piece: usize, max_out: usize) -> (Vec<u8>, Verdict) {
    let mut inf = Inflater::new(bits).expect("window bits 8..=15");
    let mut window = vec![0u8; Inflater::window_len(bits)];
    let mut out = Vec::new();
    for chunk in input.chunks(piece.max(1)) {
        let mut at = 0;
        loop {
            match inf.inflate(&chunk[at..], &mut window, max_out) {
                Ok(r) => {
                    out.extend_from_slice(r.output);
                    at += r.consumed;
                    match r.status {
                        InflateStatus::StreamEnd => return (out, Verdict::Complete),
                        InflateStatus::NeedsInput => break,
                        _ => {}
                    }
                }
                Err(e) => return (out, Verdict::Error(e.as_str().to_string())),
            }
        }
    }
    (out, Verdict::Truncated)
}

/// Compares both decoders on `input` at window bits `bits`, ours fed in
/// `piece`-byte pieces with `max_out` output per call. `Err` describes the
/// first difference.
pub fn compare(bits: u8, input: &[u8], piece: usize, max_out: usize) -> Result<Verdict, String> {
    let (zout, zv) = zlib::inflate_raw(bits, input);
    let (oout, ov) = inflate_ours(bits, input, piece, max_out);
    if zv != ov {
        return Err(format!(
            "window {bits}: zlib {zv:?}, ours {ov:?} (input {input:02x?})"
        ));
    }
    if zout != oout {
        let at = zout.iter().zip(&oout).position(|(a, b)| a != b);
        return Err(format!(
            "window {bits}: outputs differ (zlib {} bytes, ours {}, first difference at {at:?})",
            zout.len(),
            oout.len()
        ));
    }
    Ok(zv)
}

/// One mutation of `stream`: flipped bits, a truncation, an inserted or a
/// deleted byte, or an overwritten run.
pub fn mutate(stream: &[u8], r: &mut Rng) -> Vec<u8> {
    let mut s = stream.to_vec();
    if s.is_empty() {
        return vec![r.next() as u8];
    }
    match r.below(5) {
        0 => {
            for _ in 0..1 + r.below(3) {
                let i = r.below(s.len());
                s[i] ^= 1 << r.below(8);
            }
        }
        1 => s.truncate(r.below(s.len())),
        2 => {
            let i = r.below(s.len() + 1);
            s.insert(i, r.next() as u8);
        }
        3 => {
            s.remove(r.below(s.len()));
        }
        _ => {
            let i = r.below(s.len());
            let n = (1 + r.below(4)).min(s.len() - i);
            for b in &mut s[i..i + n] {
                *b = r.next() as u8;
            }
        }
    }
    s
}

/// CPU time of the calling thread, in seconds (CLOCK_THREAD_CPUTIME_ID,
/// Linux): the machines are shared, so wall time would count other
/// processes. For the speed figures, which are printed, never asserted.
pub fn thread_cpu_seconds() -> f64 {
    #[repr(C)]
    struct Timespec {
        sec: i64,
        nsec: i64,
    }
    unsafe extern "C" {
        fn clock_gettime(clock: i32, ts: *mut Timespec) -> i32;
    }
    const CLOCK_THREAD_CPUTIME_ID: i32 = 3;
    let mut ts = Timespec { sec: 0, nsec: 0 };
    // SAFETY: a valid clock id and a live timespec (x86-64/aarch64 Linux
    // layout).
    let rc = unsafe { clock_gettime(CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0);
    ts.sec as f64 + ts.nsec as f64 * 1e-9
}

/// Thread CPU seconds per call of `f`: the best mean over `batches`
/// batches of `per_batch` calls (the best batch saw the fewest
/// interruptions on a shared machine); and the last call's result.
pub fn best_seconds(
    batches: usize,
    per_batch: usize,
    mut f: impl FnMut() -> usize,
) -> (f64, usize) {
    let per_batch = per_batch.max(1);
    let mut best = f64::MAX;
    let mut last = 0;
    for _ in 0..batches {
        let t = thread_cpu_seconds();
        for _ in 0..per_batch {
            last = std::hint::black_box(f());
        }
        best = best.min((thread_cpu_seconds() - t) / per_batch as f64);
    }
    (best, last)
}
