//! wsframe's inflater vs zlib's raw inflate at windows 8..=15: valid
//! streams of every kind and size, thousands of mutated streams, random
//! bit strings. Each test prints how many streams it compared.

use wsframe_deflate_tests::{KINDS, Rng, Verdict, compare, generate, mutate, zlib};

const STRATEGIES: [i32; 5] = [
    zlib::DEFAULT,
    zlib::FILTERED,
    zlib::HUFFMAN_ONLY,
    zlib::RLE,
    zlib::FIXED,
];

fn check(bits: u8, stream: &[u8], piece: usize, max_out: usize) -> Verdict {
    compare(bits, stream, piece, max_out).unwrap_or_else(|e| panic!("{e}"))
}

/// zlib-compressed JSON, HTML, English-like text and random bytes from 0 B
/// to 1 MiB, every level class and strategy, inflated at every window:
/// the same verdict and bytes. (At window 8, streams compressed with 9
/// may reach too far: both must reject them alike.)
#[test]
fn compressed_corpora_agree() {
    println!("zlib {}", zlib::version());
    let mut compared = 0;
    let mut complete = 0;
    let sizes = [0usize, 1, 125, 1000, 16 * 1024, 100 * 1024];
    for (k, kind) in KINDS.into_iter().enumerate() {
        for (i, &len) in sizes.iter().enumerate() {
            let data = generate(kind, len, (k * 10 + i) as u64);
            for bits in 8..=15u8 {
                let s = STRATEGIES[(i + usize::from(bits)) % STRATEGIES.len()];
                let level = [1, 6, 9][(k + usize::from(bits)) % 3];
                let flush = if bits % 2 == 0 { 0 } else { 4096 };
                let stream = zlib::deflate_raw(&data, level, bits, s, flush);
                let verdict = check(bits, &stream, usize::MAX, usize::MAX);
                compared += 1;
                if verdict == Verdict::Complete {
                    complete += 1;
                }
                if bits >= 9 || s == zlib::RLE || s == zlib::HUFFMAN_ONLY {
                    assert_eq!(verdict, Verdict::Complete, "{kind:?} {len} window {bits}");
                }
            }
        }
    }
    // Compressed with a 1 KiB window, inflated with 256 B: matches too far.
    // (zlib's deflate keeps distances under 2^bits - 262, so its 512-byte
    // window streams all fit in 256 bytes.)
    for kind in KINDS.into_iter().take(3) {
        let stream = zlib::deflate_raw(&generate(kind, 16 * 1024, 5), 6, 10, zlib::DEFAULT, 0);
        let far = Verdict::Error("invalid distance too far back".into());
        assert_eq!(check(8, &stream, usize::MAX, usize::MAX), far, "{kind:?}");
        compared += 1;
    }
    // 1 MiB of each kind at 32 KiB and 512 B windows.
    for (k, kind) in KINDS.into_iter().enumerate() {
        let data = generate(kind, 1 << 20, 99 + k as u64);
        for bits in [9u8, 15] {
            let stream = zlib::deflate_raw(&data, 6, bits, zlib::DEFAULT, 0);
            assert_eq!(
                check(bits, &stream, usize::MAX, usize::MAX),
                Verdict::Complete
            );
            compared += 1;
            complete += 1;
        }
    }
    println!("compressed corpora: {compared} streams compared, {complete} complete");
}

/// Split feeding and small outputs on zlib streams: the same as whole.
#[test]
fn split_feeding_agrees() {
    let mut compared = 0;
    for (k, kind) in KINDS.into_iter().enumerate() {
        let data = generate(kind, 20_000, 7 + k as u64);
        for bits in [8u8, 10, 15] {
            let stream = zlib::deflate_raw(&data, 6, bits, zlib::RLE, 1000);
            for (piece, max_out) in [(1, 1), (1, usize::MAX), (3, 100), (64, 7), (4096, 300)] {
                assert_eq!(check(bits, &stream, piece, max_out), Verdict::Complete);
                compared += 1;
            }
        }
    }
    println!("split feeding: {compared} streams compared");
}

/// RFC 7692 messages (§7.2.1): one zlib stream sync-flushed at each
/// message's end, the trailing 00 00 ff ff removed; inflated in frames of
/// odd sizes with context takeover across messages (§7.2.3.2), then the
/// trailer (§7.2.2); and without context takeover, each message its own
/// stream after a reset (§7.1.1).
#[test]
fn websocket_messages() {
    use wsframe::deflate::{InflateStatus, Inflater, TRAILER};
    let messages: Vec<Vec<u8>> = (0..40)
        .map(|i| generate(KINDS[i % 4], [0, 1, 125, 3000, 40_000][i % 5], i as u64))
        .collect();
    let pieces: Vec<&[u8]> = messages.iter().map(|m| &m[..]).collect();
    let mut compared = 0;
    for bits in 9..=15u8 {
        for takeover in [true, false] {
            let wire: Vec<Vec<u8>> = if takeover {
                zlib::deflate_pieces(&pieces, 6, bits, zlib::DEFAULT, false)
            } else {
                pieces
                    .iter()
                    .map(|p| zlib::deflate_pieces(&[p], 6, bits, zlib::DEFAULT, false).concat())
                    .collect()
            };
            let mut inf = Inflater::new(bits).unwrap();
            let mut win = vec![0; Inflater::window_len(bits)];
            for (i, (msg, compressed)) in messages.iter().zip(&wire).enumerate() {
                // zlib flushes nothing for an empty message: the sender
                // then sends an empty stored block's header (§7.2.3.6).
                let body = match compressed.len() {
                    0 => &[0x00][..],
                    n => {
                        assert!(compressed.ends_with(&TRAILER));
                        &compressed[..n - 4]
                    }
                };
                let mut out = Vec::new();
                for frame in body.chunks(1 + i * 37) {
                    let mut at = 0;
                    loop {
                        let r = inf.inflate(&frame[at..], &mut win, 1000).unwrap();
                        out.extend_from_slice(r.output);
                        at += r.consumed;
                        if r.status == InflateStatus::NeedsInput {
                            break;
                        }
                    }
                }
                loop {
                    let r = inf.finish_message(&mut win, 1000).unwrap();
                    out.extend_from_slice(r.output);
                    if r.status == InflateStatus::MessageEnd {
                        break;
                    }
                    assert_ne!(r.status, InflateStatus::NeedsInput, "message {i} truncated");
                }
                assert!(out == *msg, "window {bits} message {i}");
                compared += 1;
                if !takeover {
                    inf.reset();
                }
            }
        }
    }
    println!("websocket messages: {compared} compared");
}

/// Thousands of mutated streams (bit flips, truncations, inserted, deleted
/// and overwritten bytes) from small zlib streams of every block type.
#[test]
fn mutated_streams_agree() {
    let mut r = Rng(0x5eed_1234_abcd_ef01);
    let mut compared = 0;
    let mut verdicts = [0usize; 3];
    for round in 0..400 {
        let kind = KINDS[round % 4];
        let data = generate(kind, r.below(3000), round as u64);
        let bits = 8 + (round % 8) as u8;
        let s = STRATEGIES[r.below(STRATEGIES.len())];
        let level = [0, 1, 6, 9][r.below(4)];
        let flush = [0, 100, 1000][r.below(3)];
        let stream = zlib::deflate_raw(&data, level, bits, s, flush);
        for m in 0..25 {
            let mut bad = mutate(&stream, &mut r);
            if m % 5 == 0 {
                bad = mutate(&bad, &mut r);
            }
            let piece = if m % 7 == 0 { 1 } else { usize::MAX };
            let v = check(bits, &bad, piece, [usize::MAX, 1, 77][m % 3]);
            verdicts[match v {
                Verdict::Complete => 0,
                Verdict::Truncated => 1,
                Verdict::Error(_) => 2,
            }] += 1;
            compared += 1;
        }
    }
    println!("mutated: {compared} streams compared (complete, truncated, error) = {verdicts:?}");
    assert!(verdicts.iter().all(|&n| n > 100), "{verdicts:?}");
}

/// Random bit strings, half of them starting with a dynamic block header.
#[test]
fn random_bit_strings_agree() {
    let mut r = Rng(0x0dd_ba11_cafe_f00d);
    let mut compared = 0;
    let mut errors = std::collections::BTreeMap::new();
    for i in 0..30_000 {
        let len = 1 + r.below(if i % 10 == 0 { 2000 } else { 64 });
        let mut s: Vec<u8> = (0..len).map(|_| r.next() as u8).collect();
        match i % 4 {
            0 => s[0] = (s[0] & !0b110) | 0b100, // dynamic
            1 => s[0] = (s[0] & !0b110) | 0b010, // fixed
            _ => {}
        }
        let bits = 8 + (i % 8) as u8;
        if let Verdict::Error(e) = check(
            bits,
            &s,
            if i % 13 == 0 { 1 } else { usize::MAX },
            usize::MAX,
        ) {
            *errors.entry(e).or_insert(0) += 1;
        }
        compared += 1;
    }
    println!("random: {compared} streams compared; errors seen: {errors:?}");
}

/// Random dynamic blocks whose codes are complete, over-subscribed,
/// incomplete, one-code or empty: zlib's code-building rules exactly.
#[test]
fn random_dynamic_codes_agree() {
    let mut r = Rng(0xd1ce_5eed_0000_0001);
    let mut compared = 0;
    let mut verdicts = std::collections::BTreeMap::new();
    for i in 0..20_000 {
        let block = wsframe_deflate_tests::blocks::dynamic_block(&mut r);
        let bits = 8 + (i % 8) as u8;
        let v = check(
            bits,
            &block,
            if i % 11 == 0 { 1 } else { usize::MAX },
            usize::MAX,
        );
        *verdicts.entry(format!("{v:?}")).or_insert(0) += 1;
        compared += 1;
    }
    println!("dynamic codes: {compared} streams compared; verdicts {verdicts:?}");
    for must in [
        "invalid literal/lengths set",
        "invalid distances set",
        "Complete",
    ] {
        assert!(
            verdicts.keys().any(|k| k.contains(must)),
            "never saw {must}"
        );
    }
}
