//! A rough compression speed and size figure (not a benchmark; criterion
//! does that in bench/): wsframe's compressor at its two levels against
//! the system zlib at levels 1 and 6 (issue #13's targets), same window
//! (15), on JSON, HTML and English text from 1 KiB to 1 MiB, one message
//! per call (eight different ones in turn) without context takeover (each compressor long-lived: zlib is
//! reset per message, as a WebSocket sender without context takeover does),
//! best of several batches of thread CPU time (the machines are shared).
//!
//! With `same`, one message is compressed over and over instead: the
//! figure issue #13 first reported, where the branch predictors learn
//! the message (zlib gains more from that than we do).
//!
//!   cargo run --profile speed --example compress_speed [-- [same] sizes...]

use wsframe::deflate::{Compressor, Level, Params};
use wsframe_deflate_tests::compress::{message_len as ours_compress, zlib_message_len as zlib_compress};
use wsframe_deflate_tests::zlib::{self, RawDeflate};
use wsframe_deflate_tests::{Kind, best_seconds, generate};

fn main() {
    let same = std::env::args().any(|a| a == "same");
    let turns = if same { 1 } else { 8 };
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if args.is_empty() {
        vec![1 << 10, 4 << 10, 16 << 10, 64 << 10, 1 << 20]
    } else {
        args
    };
    println!(
        "zlib {}, window 15 (zlib memLevel 8), no context takeover, {} message(s) in turn; size = our wire / zlib's wire; speed = zlib's CPU time / ours (≥ 1: we are faster); best of 7 batches of thread CPU time",
        zlib::version(),
        turns
    );
    println!(
        "{:<8}{:>8} | {:>6} {:>6} {:>7} {:>7} {:>6} | {:>6} {:>6} {:>7} {:>7} {:>6}",
        "kind",
        "bytes",
        "fast",
        "size",
        "us",
        "z1 us",
        "speed",
        "dflt",
        "size",
        "us",
        "z6 us",
        "speed"
    );
    for kind in [Kind::Json, Kind::Html, Kind::English] {
        for &len in &sizes {
            // Eight different messages in turn: one message repeated lets
            // the branch predictors learn its every branch.
            let msgs: Vec<Vec<u8>> = (0..turns)
                .map(|i| generate(kind, len, 42 + i as u64))
                .collect();
            let total: usize = msgs.iter().map(Vec::len).sum();
            // About 32 MiB a batch, at least 2 calls.
            let reps = ((32 << 20) / len).max(2);
            print!("{:<8}{:>8}", format!("{kind:?}"), len);
            for (level, zl) in [(Level::Fast, 1), (Level::Default, 6)] {
                let p = Params::new(15, level).unwrap().with_context_takeover(false);
                let mut storage = vec![0u8; p.storage_len()];
                let mut ours = Compressor::new(p, &mut storage).unwrap();
                let mut out = vec![0u8; len + Compressor::max_expansion(&p, len) + 16];
                let mut k = 0;
                let (t_us, _) = best_seconds(7, reps, || {
                    k += 1;
                    ours_compress(&mut ours, &msgs[k % turns], &mut out)
                });
                let n_us: usize = msgs
                    .iter()
                    .map(|m| ours_compress(&mut ours, m, &mut out))
                    .sum();
                let mut z = RawDeflate::new(zl, 15, zlib::DEFAULT);
                let mut zout = Vec::with_capacity(len + 1024);
                let mut k = 0;
                let (t_z, _) = best_seconds(7, reps, || {
                    k += 1;
                    zlib_compress(&mut z, &msgs[k % turns], &mut zout)
                });
                let n_z: usize = msgs
                    .iter()
                    .map(|m| zlib_compress(&mut z, m, &mut zout))
                    .sum();
                print!(
                    " | {:>6.4} {:>6.3} {:>7.2} {:>7.2} {:>6.2}",
                    n_us as f64 / total as f64,
                    n_us as f64 / n_z as f64,
                    t_us * 1e6,
                    t_z * 1e6,
                    t_z / t_us
                );
            }
            println!();
        }
    }
}
