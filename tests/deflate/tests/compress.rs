//! wsframe's compressor against the system zlib: every payload inflated by
//! zlib's raw inflate with the same window bits (RFC 7692 §7.2.2: the
//! trailer appended back), for every window, both levels, with and without
//! context takeover; then a ratio and speed report against zlib levels 1
//! and 6 (printed, not asserted: tests never assert on time).

use std::fmt::Write;
use wsframe::deflate::{Compressor, Level, Params};
use wsframe_deflate_tests::blocks::Bits;
use wsframe_deflate_tests::compress::{
    compress, message_len as ours_compress, zlib_inflates, zlib_message_len as zlib_compress,
};
use wsframe_deflate_tests::zlib::{self, RawDeflate, RawInflate, Verdict};
use wsframe_deflate_tests::{KINDS, Kind, best_seconds, generate};

const LEVELS: [Level; 2] = [Level::Fast, Level::Default];

fn messages(seed: u64) -> Vec<Vec<u8>> {
    let sizes = [0, 1, 3, 200, 1024, 5000, 16 << 10, 100_000, 0, 1 << 20];
    sizes
        .iter()
        .enumerate()
        .map(|(i, &n)| generate(KINDS[i % 4], n, seed + i as u64))
        .collect()
}

fn check_with_zlib(bits: u8, msgs: &[Vec<u8>], payloads: &[Vec<u8>], takeover: bool) {
    let refs: Vec<&[u8]> = msgs.iter().map(Vec::as_slice).collect();
    if let Err(e) = zlib_inflates(bits, &refs, payloads, takeover) {
        panic!("{e}");
    }
}

#[test]
fn zlib_inflates_every_window_level_and_takeover_mode() {
    for bits in 8..=15u8 {
        let msgs = messages(u64::from(bits));
        let refs: Vec<&[u8]> = msgs.iter().map(Vec::as_slice).collect();
        for level in LEVELS {
            for takeover in [true, false] {
                let p = Params::new(bits, level)
                    .unwrap()
                    .with_context_takeover(takeover);
                let payloads = compress(p, &refs, 70_000, 1500);
                check_with_zlib(bits, &msgs, &payloads, takeover);
            }
        }
    }
}

/// The farthest distance zlib's raw inflate with window bits N accepts is
/// 2^N: a period-2^N message is coded with distance 2^N (its only
/// matches) and zlib takes it, at every window.
#[test]
fn zlib_accepts_distance_two_to_the_n() {
    for bits in 8..=15u8 {
        let w = 1usize << bits;
        let block = generate(Kind::Random, w, 3);
        let msg = [block.as_slice(), &block].concat();
        let p = Params::new(bits, Level::Default).unwrap();
        let payloads = compress(p, &[&msg], usize::MAX, 4096);
        assert!(
            payloads[0].len() < w + w / 8,
            "matches at 2^{bits} were used"
        );
        check_with_zlib(bits, &[msg], &payloads, true);
    }
}

/// A hand-made stream whose only match has distance 2^N + 1: zlib refuses
/// it ("invalid distance too far back"), so the check above is not vacuous.
#[test]
fn zlib_refuses_distance_beyond_the_window() {
    for bits in 8..=15u8 {
        let w = 1usize << bits;
        let msg = generate(Kind::Random, w + 1, 5);
        // Stored block of the w + 1 bytes, then a fixed block with one
        // match (length 3, distance w + 1) and end of block.
        let mut s = vec![0x00, (w + 1) as u8, ((w + 1) >> 8) as u8];
        s.extend_from_slice(&[!((w + 1) as u8), !(((w + 1) >> 8) as u8)]);
        s.extend_from_slice(&msg);
        let mut bits_out = Bits::default();
        bits_out.put(0b010, 3);
        bits_out.code((0b0000001, 7)); // length symbol 257 = length 3
        let d = w; // distance w + 1 = base + extra
        let (sym, base, extra) = dist_code((d + 1).min(32768));
        bits_out.code((sym, 5));
        bits_out.put(((d + 1).min(32768) - base) as u32, extra);
        bits_out.code((0, 7)); // end of block
        let tail_len = bits_out.len();
        s.extend_from_slice(&bits_out.finish());
        // 2^15 + 1 has no distance code at all (§3.2.5).
        if bits < 15 {
            let (_, verdict) = RawInflate::new(bits).push(&s, 1);
            let far = Verdict::Error("invalid distance too far back".into());
            assert_eq!(verdict, far, "distance 2^N + 1 must be refused");
        }
        // The same stream with distance 2^N is accepted.
        let mut ok = s.clone();
        let n = ok.len();
        let mut b = Bits::default();
        b.put(0b010, 3);
        b.code((0b0000001, 7));
        let (sym, base, extra) = dist_code(d);
        b.code((sym, 5));
        b.put((d - base) as u32, extra);
        b.code((0, 7));
        ok.truncate(n - tail_len);
        ok.extend_from_slice(&b.finish());
        let (got, verdict) = RawInflate::new(bits).push(&ok, 1);
        // Accepted: all used, no error (the fixed block is not final).
        assert_eq!(verdict, Verdict::Truncated, "distance 2^N is accepted");
        assert_eq!(got.len(), w + 4);
    }
}

/// Distance symbol, its base and extra bits (RFC 1951 §3.2.5).
fn dist_code(d: usize) -> (u32, usize, u32) {
    let mut base = 1;
    for sym in 0..30u32 {
        let extra = if sym < 4 { 0 } else { sym / 2 - 1 };
        if d < base + (1 << extra) {
            return (sym, base, extra);
        }
        base += 1 << extra;
    }
    unreachable!()
}

/// Thread CPU seconds per call: the best mean of 5 batches of `reps / 5`
/// calls (a batch is long enough for the clock); and the call's result.
fn best_time(reps: usize, f: impl FnMut() -> usize) -> (f64, usize) {
    best_seconds(5, reps / 5, f)
}

/// The table is built whole and printed once, so the other tests' lines
/// (`--nocapture`) cannot cut into it.
#[test]
fn report_ratio_and_speed_against_zlib() {
    let mut t = format!(
        "\nzlib {}, window 15, one message per run on a long-lived stream (no context takeover); size = wire bytes / message bytes; speed MB/s of thread CPU time (best of 5 batches; this crate's release profile keeps debug assertions and overflow checks on)\n",
        zlib::version()
    );
    let _ = writeln!(
        t,
        "{:<8}{:>8}  {:>7} {:>7} {:>6} {:>7} {:>7} {:>6} | {:>7} {:>7} {:>6} {:>7} {:>7} {:>6}",
        "corpus",
        "size",
        "fast",
        "zlib1",
        "ratio",
        "MB/s",
        "z1MB/s",
        "speed",
        "dflt",
        "zlib6",
        "ratio",
        "MB/s",
        "z6MB/s",
        "speed"
    );
    for kind in [Kind::Json, Kind::Html, Kind::English, Kind::Random] {
        for len in [1 << 10, 16 << 10, 1 << 20] {
            let msg = generate(kind, len, 42);
            let reps = if len >= 1 << 20 { 5 } else { (16 << 20) / len };
            let _ = write!(t, "{:<8}{:>8}", format!("{kind:?}"), len);
            for (level, zl) in [(Level::Fast, 1), (Level::Default, 6)] {
                let p = Params::new(15, level).unwrap().with_context_takeover(false);
                let mut storage = vec![0u8; p.storage_len()];
                let mut ours = Compressor::new(p, &mut storage).unwrap();
                let mut out = vec![0u8; len + Compressor::max_expansion(&p, len) + 16];
                let (t_us, n_us) = best_time(reps, || ours_compress(&mut ours, &msg, &mut out));
                let mut z = RawDeflate::new(zl, 15, zlib::DEFAULT);
                let mut zout = Vec::with_capacity(len + 1024);
                let (t_z, n_z) = best_time(reps, || zlib_compress(&mut z, &msg, &mut zout));
                let (r_us, r_z) = (n_us as f64 / len as f64, n_z as f64 / len as f64);
                let (s_us, s_z) = (len as f64 / t_us / 1e6, len as f64 / t_z / 1e6);
                let _ = write!(
                    t,
                    "  {r_us:>7.4} {r_z:>7.4} {:>6.3} {s_us:>7.1} {s_z:>7.1} {:>6.2}",
                    r_us / r_z,
                    s_us / s_z
                );
                if level == Level::Fast {
                    t += " |";
                }
            }
            t += "\n";
        }
    }
    for bits in 8..=15u8 {
        let p = Params::new(bits, Level::Default).unwrap();
        let f = Params::new(bits, Level::Fast).unwrap();
        let _ = writeln!(
            t,
            "memory window {bits}: fast {} B (storage {}), default {} B (storage {})",
            Compressor::memory(&f),
            f.storage_len(),
            Compressor::memory(&p),
            p.storage_len()
        );
    }
    print!("{t}");
}
