//! A rough speed figure (not a benchmark; criterion does that in bench/):
//! inflating JSON with wsframe's inflater (32 KiB ring) and with the
//! system zlib (one call into a flat buffer, init included as a
//! WebSocket receiver without context takeover pays it), best of several
//! runs of thread CPU time (the machines are shared).
//!
//!   cargo run --profile speed --example speed

use miniz_oxide::inflate::TINFLStatus;
use miniz_oxide::inflate::core::{DecompressorOxide, decompress, inflate_flags};
use wsframe::deflate::{InflateStatus, Inflater};
use wsframe_deflate_tests::{Kind, best_seconds, generate, zlib};

/// Seconds of the best of `runs` runs of `f`.
fn best(runs: usize, f: impl FnMut() -> usize) -> f64 {
    best_seconds(runs, 1, f).0
}

fn ours(inf: &mut Inflater, win: &mut [u8], stream: &[u8]) -> usize {
    inf.reset();
    let (mut at, mut n) = (0, 0);
    loop {
        let r = inf.inflate(&stream[at..], win, usize::MAX).unwrap();
        at += r.consumed;
        n += r.output.len();
        if r.status == InflateStatus::StreamEnd {
            return n;
        }
    }
}

fn zlib_rs_inflate(stream: &[u8], flat: &mut [u8]) -> usize {
    let config = zlib_rs::InflateConfig { window_bits: -15 };
    let (out, rc) = zlib_rs::decompress_slice(flat, stream, config);
    assert_eq!(rc, zlib_rs::ReturnCode::Ok);
    out.len()
}

fn miniz_inflate(d: &mut DecompressorOxide, stream: &[u8], flat: &mut [u8]) -> usize {
    d.init();
    let flags = inflate_flags::TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF;
    let (status, _, n) = decompress(d, stream, flat, 0, flags);
    assert_eq!(status, TINFLStatus::Done);
    n
}

fn main() {
    let mut inf = Inflater::new(15).unwrap();
    let mut win = vec![0u8; 1 << 15];
    let cases = [
        (125usize, zlib::FIXED),
        (125, zlib::DEFAULT),
        (16 << 10, zlib::DEFAULT),
        (1 << 20, zlib::DEFAULT),
    ];
    for (size, strategy) in cases {
        let data = generate(Kind::Json, size, 1);
        let stream = zlib::deflate_raw(&data, 6, 15, strategy, 0);
        let mut flat = vec![0u8; size + 64];
        let block = ["stored", "fixed", "dynamic", "?"][usize::from((stream[0] >> 1) & 3)];
        let reps = (4 << 20) / size;
        let t_ours = best(7, || {
            (0..reps).map(|_| ours(&mut inf, &mut win, &stream)).sum()
        });
        let t_zlib = best(7, || {
            (0..reps)
                .map(|_| zlib::inflate_into(15, &stream, &mut flat))
                .sum()
        });
        let t_zrs = best(7, || {
            (0..reps).map(|_| zlib_rs_inflate(&stream, &mut flat)).sum()
        });
        let mut miniz = Box::new(DecompressorOxide::new());
        let t_miniz = best(7, || {
            (0..reps)
                .map(|_| miniz_inflate(&mut miniz, &stream, &mut flat))
                .sum()
        });
        let mb = (size * reps) as f64 / 1e6;
        println!(
            "JSON {size:>8} B ({} B compressed, {block}): wsframe {:7.1} MB/s ({:.2} us/msg), zlib {} {:7.1} MB/s ({:.2} us/msg), ratio {:.2}",
            stream.len(),
            mb / t_ours,
            t_ours * 1e6 / reps as f64,
            zlib::version(),
            mb / t_zlib,
            t_zlib * 1e6 / reps as f64,
            t_zlib / t_ours
        );
        println!(
            "    zlib-rs {:.2} us/msg ({:.2}x ours), miniz_oxide {:.2} us/msg ({:.2}x ours)",
            t_zrs * 1e6 / reps as f64,
            t_zrs / t_ours,
            t_miniz * 1e6 / reps as f64,
            t_miniz / t_ours
        );
    }
}
