//! Tests of the compressor: round trips through miniz_oxide's inflater for
//! every window, level and context-takeover mode, split input and output,
//! the window limit, the stored fallback and §7.2.1's trailer.

use super::*;
use crate::deflate::TRAILER;
use crate::deflate::compress_corpus::{KINDS, Kind, generate};
use crate::deflate::test_driver::compress_messages;

const LEVELS: [Level; 2] = [Level::Fast, Level::Default];

/// The sizes shrink by this factor under Miri (the same paths, a thousandth
/// of the time) and on wasm32, which Node runs under `--liftoff-only`, where
/// the longest tests are what made V8 crash at their end
/// (tests/wasm/wasi-run.mjs).
const SCALE: usize = if cfg!(miri) {
    64
} else if cfg!(target_arch = "wasm32") {
    8
} else {
    1
};

/// A compressor and its storage, driven message by message.
struct Driver {
    storage: Vec<u8>,
    params: Params,
}

impl Driver {
    fn new(params: Params) -> Self {
        Self {
            storage: vec![0; params.storage_len()],
            params,
        }
    }

    /// Compresses `msgs` in order (input in `piece`-byte pieces, output
    /// buffers of `out_len` bytes); each message's payload and the
    /// largest distance used.
    fn run(&mut self, msgs: &[Vec<u8>], piece: usize, out_len: usize) -> (Vec<Vec<u8>>, usize) {
        let mut c = Compressor::new(self.params, &mut self.storage).unwrap();
        let payloads = compress_messages(&mut c, msgs, piece, out_len);
        (payloads, c.max_distance())
    }
}

/// A raw DEFLATE stream ending with a final empty fixed block.
fn inflate(stream: &[u8]) -> Vec<u8> {
    let mut s = stream.to_vec();
    s.extend_from_slice(&[0x03, 0x00]);
    miniz_oxide::inflate::decompress_to_vec(&s).expect("inflates")
}

/// Inflates the payloads as an RFC 7692 receiver does (§7.2.2: the
/// trailer appended to each), with or without a shared window.
fn check_round_trip(msgs: &[Vec<u8>], payloads: &[Vec<u8>], takeover: bool) {
    if takeover {
        let mut stream = Vec::new();
        for p in payloads {
            stream.extend_from_slice(p);
            stream.extend_from_slice(&TRAILER);
        }
        assert_eq!(inflate(&stream), msgs.concat());
    } else {
        for (m, p) in msgs.iter().zip(payloads) {
            let mut stream = p.clone();
            stream.extend_from_slice(&TRAILER);
            assert_eq!(&inflate(&stream), m);
        }
    }
}

fn messages(seed: u64) -> Vec<Vec<u8>> {
    let sizes = [0, 1, 2, 3, 5, 100, 1000, 4099, 20_000, 70_001];
    sizes
        .iter()
        .enumerate()
        .map(|(i, &n)| generate(KINDS[i % 4], n.min(n / SCALE + 5), seed + i as u64))
        .collect()
}

#[test]
fn round_trips_every_window_level_and_takeover() {
    for bits in 8..=15 {
        for level in LEVELS {
            for takeover in [true, false] {
                let p = Params::new(bits, level)
                    .unwrap()
                    .with_context_takeover(takeover);
                let msgs = messages(u64::from(bits));
                let (payloads, max_dist) = Driver::new(p).run(&msgs, usize::MAX, 1 << 16);
                assert!(max_dist <= 1 << bits, "window {bits}: distance {max_dist}");
                check_round_trip(&msgs, &payloads, takeover);
            }
        }
    }
}

#[test]
fn round_trips_a_mebibyte_of_each_kind() {
    // Each kind at one window (tests/deflate, built optimised,
    // runs a mebibyte at every window, level and takeover mode).
    for (kind, bits) in KINDS.into_iter().zip([8, 15, 11, 13]) {
        for level in LEVELS {
            let msgs = vec![generate(kind, (1 << 20) / SCALE, 99)];
            let p = Params::new(bits, level).unwrap();
            let (payloads, max_dist) = Driver::new(p).run(&msgs, 100_000, 1 << 15);
            assert!(max_dist <= 1 << bits);
            check_round_trip(&msgs, &payloads, true);
            if kind != Kind::Random {
                // A 256-byte window finds little in prose.
                let most = if bits == 8 { 0.8 } else { 0.5 };
                let ratio = payloads[0].len() as f64 / msgs[0].len() as f64;
                assert!(ratio < most, "{kind:?} {bits}: {ratio}");
            }
        }
    }
}

#[test]
fn the_full_window_is_used_and_never_exceeded() {
    for bits in 8..=15u8 {
        let w = 1usize << bits;
        let block = generate(Kind::Random, w, 7);
        let msgs = vec![[block.as_slice(), &block, &block].concat()];
        for level in LEVELS {
            let p = Params::new(bits, level).unwrap();
            let (payloads, max_dist) = Driver::new(p).run(&msgs, usize::MAX, 4096);
            assert_eq!(max_dist, w, "window {bits}");
            // One candidate per bucket (Fast) loses some positions to
            // collisions; eight ways keep them all.
            let most = if level == Level::Fast {
                3 * w
            } else {
                w + w / 4
            };
            assert!(payloads[0].len() < most, "{}", payloads[0].len());
            check_round_trip(&msgs, &payloads, true);
        }
    }
}

#[test]
fn byte_sized_output_buffers_give_the_same_bytes() {
    for (bits, level) in [(8, Level::Fast), (15, Level::Default), (10, Level::Default)] {
        let p = Params::new(bits, level).unwrap();
        let msgs = messages(3);
        let (big, _) = Driver::new(p).run(&msgs, usize::MAX, 1 << 20);
        for out_len in [1, 2, 3, 7, 64] {
            let (small, _) = Driver::new(p).run(&msgs, usize::MAX, out_len);
            assert_eq!(small, big, "out {out_len}");
        }
    }
}

#[test]
fn input_in_pieces_gives_the_same_bytes() {
    for (bits, level) in [(9, Level::Fast), (15, Level::Default), (12, Level::Fast)] {
        for takeover in [true, false] {
            let p = Params::new(bits, level)
                .unwrap()
                .with_context_takeover(takeover);
            let msgs = messages(5);
            let (whole, _) = Driver::new(p).run(&msgs, usize::MAX, 4096);
            for piece in [1, 2, 261, 262, 263, 1000, 5000] {
                let (pieces, _) = Driver::new(p).run(&msgs, piece, 4096);
                assert_eq!(pieces, whole, "piece {piece}");
            }
        }
    }
}

#[test]
fn incompressible_data_is_stored_within_the_bound() {
    for bits in 8..=15u8 {
        for level in LEVELS {
            let p = Params::new(bits, level).unwrap();
            let msgs: Vec<Vec<u8>> = [0, 1, 300, 5000, 100_000]
                .iter()
                .map(|&n| generate(Kind::Random, n.min(n / SCALE + 300), u64::from(bits)))
                .collect();
            let (payloads, _) = Driver::new(p).run(&msgs, usize::MAX, 999);
            for (m, pl) in msgs.iter().zip(&payloads) {
                let bound = m.len() + Compressor::max_expansion(&p, m.len());
                assert!(pl.len() <= bound, "{} > {bound}", pl.len());
            }
            check_round_trip(&msgs, &payloads, true);
        }
    }
}

/// RFC 7692 §7.2.3.1 ("Hello", one fixed block) and §7.2.3.6 (an empty
/// message is the single byte 00): the trailer is removed.
#[test]
fn rfc7692_examples_and_the_removed_trailer() {
    for level in LEVELS {
        let p = Params::new(15, level).unwrap().with_context_takeover(false);
        let msgs = vec![b"Hello".to_vec(), Vec::new(), b"Hello".to_vec()];
        let (payloads, _) = Driver::new(p).run(&msgs, usize::MAX, 64);
        let hello = [0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00];
        assert_eq!(payloads, vec![hello.to_vec(), vec![0x00], hello.to_vec()]);
    }
}

/// With context takeover the second copy of a message is a few bytes.
#[test]
fn context_takeover_reaches_the_previous_message() {
    let m = generate(Kind::Json, 2000, 1);
    for takeover in [true, false] {
        let p = Params::new(15, Level::Default)
            .unwrap()
            .with_context_takeover(takeover);
        let (payloads, _) = Driver::new(p).run(&[m.clone(), m.clone()], usize::MAX, 4096);
        if takeover {
            assert!(payloads[1].len() < 40, "{}", payloads[1].len());
        } else {
            assert_eq!(payloads[0], payloads[1]);
        }
    }
}

#[test]
fn params_and_storage_are_checked() {
    assert!(Params::new(7, Level::Fast).is_none());
    assert!(Params::new(16, Level::Fast).is_none());
    let p = Params::new(9, Level::Fast).unwrap();
    assert!(p.with_hash_bits(17).is_none() && p.with_token_bits(7).is_none());
    let mut small = vec![0u8; p.storage_len() - 1];
    let err = Compressor::new(p, &mut small).unwrap_err();
    assert_eq!(
        err,
        UsageError::BufferTooSmall {
            needed: p.storage_len()
        }
    );
}

/// The memory figures reported for issue #13 (printed with --nocapture).
#[test]
fn memory_figures() {
    for bits in 8..=15 {
        for level in LEVELS {
            let p = Params::new(bits, level).unwrap();
            let total = Compressor::memory(&p);
            println!(
                "window {bits} {level:?}: storage {} B, struct {} B, total {total} B",
                p.storage_len(),
                total - p.storage_len()
            );
        }
    }
    let p = Params::new(9, Level::Fast).unwrap();
    assert!(Compressor::memory(&p) < 8 * 1024);
}

/// The fixed code tables are the canonical codes of §3.2.6's lengths.
#[test]
fn fixed_tables_are_the_canonical_codes() {
    use super::super::compress_block::fixed_tables_for_tests as fixed;
    use super::super::huffman_build::canonical_codes;
    use super::super::tables::{FIXED_DIST_LEN, fixed_literal_len};
    let lens: Vec<u8> = (0..288).map(fixed_literal_len).collect();
    let mut codes = [0u16; 288];
    canonical_codes(&lens, &mut codes);
    let (lit, dist) = fixed();
    assert_eq!(&codes[..286], &lit[..]);
    let mut dcodes = [0u16; 30];
    canonical_codes(&[FIXED_DIST_LEN; 30], &mut dcodes);
    assert_eq!(dcodes, dist);
}
