//! Tests of the inflater: RFC 7692 §7.2.3's examples, every block type,
//! every window size, split feeding, tiny outputs, each error, the size
//! bound. miniz_oxide's compressor makes the larger streams; a small bit
//! writer makes the hand-built ones.

use super::{InflateError, InflateStatus, Inflater};
use crate::deflate::tables::{self, DIST_BASE, LENGTH_BASE};
use crate::deflate::test_bits::{Bits, canonical};
use crate::testing::xorshift;

mod errors;

// ---- drivers --------------------------------------------------------------------------------

/// Feeds `chunks` one after the other, `max_out` bytes of output a call,
/// and collects the output until the last chunk needs more input.
fn inflate_chunks(
    inf: &mut Inflater,
    window: &mut [u8],
    chunks: &[&[u8]],
    max_out: usize,
) -> Result<Vec<u8>, InflateError> {
    let mut out = Vec::new();
    for chunk in chunks {
        let mut at = 0;
        loop {
            let r = inf.inflate(&chunk[at..], window, max_out)?;
            out.extend_from_slice(r.output);
            at += r.consumed;
            if r.status == InflateStatus::NeedsInput {
                assert_eq!(at, chunk.len(), "NeedsInput with input left");
                break;
            }
        }
    }
    Ok(out)
}

/// One raw stream, fed in `piece`-byte pieces with `max_out` output a call.
fn inflate_split(
    bits: u8,
    stream: &[u8],
    piece: usize,
    max_out: usize,
) -> Result<Vec<u8>, InflateError> {
    let mut inf = Inflater::new(bits).unwrap();
    let mut window = vec![0; Inflater::window_len(bits)];
    let chunks: Vec<&[u8]> = stream.chunks(piece.max(1)).collect();
    inflate_chunks(&mut inf, &mut window, &chunks, max_out)
}

/// One RFC 7692 message (its frames' payloads): inflated, then the trailer.
fn message(
    inf: &mut Inflater,
    window: &mut [u8],
    frames: &[&[u8]],
) -> Result<Vec<u8>, InflateError> {
    let mut out = inflate_chunks(inf, window, frames, usize::MAX)?;
    loop {
        let r = inf.finish_message(window, usize::MAX)?;
        out.extend_from_slice(r.output);
        match r.status {
            InflateStatus::MessageEnd => return Ok(out),
            InflateStatus::NeedsInput => panic!("message truncated"),
            _ => {}
        }
    }
}

fn hex(s: &str) -> Vec<u8> {
    s.split_whitespace()
        .map(|b| u8::from_str_radix(b.trim_start_matches("0x"), 16).unwrap())
        .collect()
}

// ---- a bit writer for hand-built streams ----------------------------------------------------

/// The shared bit writer with the block builders these tests need.
type Writer = Bits;

/// Fixed and dynamic block pieces on top of [`Bits`].
trait Blocks {
    /// A literal/length symbol of the fixed code (§3.2.6).
    fn fixed_lit(&mut self, sym: u32);
    /// A match in a fixed block.
    fn fixed_match(&mut self, len: u32, dist: u32);
    /// A dynamic block header and code-length symbols (see the impl).
    fn dynamic(&mut self, last: bool, hlit: u32, hdist: u32, symbols: &[(u32, u32)]);
}

impl Blocks for Bits {
    fn fixed_lit(&mut self, sym: u32) {
        match sym {
            0..=143 => self.code((0x30 + sym, 8)),
            144..=255 => self.code((0x190 + sym - 144, 9)),
            256..=279 => self.code((sym - 256, 7)),
            _ => self.code((0xc0 + sym - 280, 8)),
        }
    }
    /// A match in a fixed block.
    fn fixed_match(&mut self, len: u32, dist: u32) {
        let l = LENGTH_BASE
            .iter()
            .rposition(|&b| u32::from(b) <= len)
            .unwrap();
        self.fixed_lit(257 + l as u32);
        let lx = tables::LENGTH_EXTRA[l];
        self.put(len - u32::from(LENGTH_BASE[l]), u32::from(lx));
        let d = DIST_BASE
            .iter()
            .rposition(|&b| u32::from(b) <= dist)
            .unwrap();
        self.code((d as u32, 5));
        let dx = tables::DIST_EXTRA[d];
        self.put(dist - u32::from(DIST_BASE[d]), u32::from(dx));
    }
    /// A dynamic block header: HLIT/HDIST from the lengths' counts, a
    /// complete code-length code (symbols 0–12 four bits, 13–18 five), then
    /// `symbols`: code-length symbols with their extra bits.
    fn dynamic(&mut self, last: bool, hlit: u32, hdist: u32, symbols: &[(u32, u32)]) {
        self.put(u32::from(last), 1);
        self.put(2, 2);
        self.put(hlit - 257, 5);
        self.put(hdist - 1, 5);
        self.put(19 - 4, 4);
        let clen: Vec<u8> = (0..19).map(|s| if s <= 12 { 4 } else { 5 }).collect();
        for &sym in &tables::CODE_LENGTH_ORDER {
            self.put(u32::from(clen[usize::from(sym)]), 3);
        }
        let codes = canonical(&clen);
        for &(sym, extra) in symbols {
            let (code, len) = codes[sym as usize];
            self.code((code, len));
            match sym {
                16 => self.put(extra, 2),
                17 => self.put(extra, 3),
                18 => self.put(extra, 7),
                _ => {}
            }
        }
    }
}

/// Code-length symbols spelling out `lens` one by one.
fn spell(lens: &[u8]) -> Vec<(u32, u32)> {
    lens.iter().map(|&l| (u32::from(l), 0)).collect()
}

/// Literal/length lengths: 'A' 1 bit, 256 and 257 2 bits (complete).
fn small_lit_lens() -> Vec<u8> {
    let mut lens = vec![0u8; 258];
    lens[usize::from(b'A')] = 1;
    lens[256] = 2;
    lens[257] = 2;
    lens
}

// ---- RFC 7692 §7.2.3 -----------------------------------------------------------------------

#[test]
fn rfc7692_examples() {
    let mut inf = Inflater::new(15).unwrap();
    let mut w = vec![0; 1 << 15];
    // §7.2.3.1: "Hello" in one compressed message.
    let hello = hex("f2 48 cd c9 c9 07 00");
    assert_eq!(message(&mut inf, &mut w, &[&hello]).unwrap(), b"Hello");
    // The same split over two frames (§7.2.3.1's fragmented form).
    inf.reset();
    let (a, b) = (hex("f2 48 cd"), hex("c9 c9 07 00"));
    assert_eq!(message(&mut inf, &mut w, &[&a, &b]).unwrap(), b"Hello");
    // §7.2.3.2: sharing the LZ77 window: the second "Hello" is one match.
    inf.reset();
    assert_eq!(message(&mut inf, &mut w, &[&hello]).unwrap(), b"Hello");
    let again = hex("f2 00 11 00 00");
    assert_eq!(message(&mut inf, &mut w, &[&again]).unwrap(), b"Hello");
    // Without context takeover (§7.1.1) the same bytes reach before the start.
    inf.reset();
    assert_eq!(
        message(&mut inf, &mut w, &[&again]),
        Err(InflateError::DistanceTooFar)
    );
    // §7.2.3.3: a stored (uncompressed) block.
    inf.reset();
    let stored = hex("00 05 00 fa ff 48 65 6c 6c 6f 00");
    assert_eq!(message(&mut inf, &mut w, &[&stored]).unwrap(), b"Hello");
    // §7.2.3.4: a block with BFINAL set, then an empty stored block that
    // begins a new stream (the trailer completes it).
    inf.reset();
    let bfinal = hex("f3 48 cd c9 c9 07 00 00");
    assert_eq!(message(&mut inf, &mut w, &[&bfinal]).unwrap(), b"Hello");
    // … and the next message still decodes.
    assert_eq!(message(&mut inf, &mut w, &[&hello]).unwrap(), b"Hello");
    // §7.2.3.5: two blocks in one message (a stored flush between).
    inf.reset();
    let two = hex("f2 48 05 00 00 00 ff ff ca c9 c9 07 00");
    assert_eq!(message(&mut inf, &mut w, &[&two]).unwrap(), b"Hello");
    // §7.2.3.6: an empty fragment: a frame whose payload is 0x00 (an empty
    // stored block's header) ends a message; alone it is an empty message.
    inf.reset();
    let first = hex("f2 48 cd c9 c9 07 00 00 00 ff ff");
    assert_eq!(
        message(&mut inf, &mut w, &[&first, &[0x00]]).unwrap(),
        b"Hello"
    );
    assert_eq!(message(&mut inf, &mut w, &[&[0x00]]).unwrap(), b"");
}

/// A message that ends right after a final block needs no trailer
/// (§7.2.3.4's stream without its padding byte); a later message starts a
/// new stream with no history.
#[test]
fn message_ending_with_bfinal_skips_the_trailer() {
    let mut inf = Inflater::new(15).unwrap();
    let mut w = vec![0; 1 << 15];
    let bfinal = hex("f3 48 cd c9 c9 07 00");
    assert_eq!(message(&mut inf, &mut w, &[&bfinal]).unwrap(), b"Hello");
    assert_eq!(message(&mut inf, &mut w, &[&bfinal]).unwrap(), b"Hello");
    // §7.2.3.2's back-reference cannot reach into the finished stream.
    let again = hex("f2 00 11 00 00");
    assert_eq!(
        message(&mut inf, &mut w, &[&again]),
        Err(InflateError::DistanceTooFar)
    );
}

/// A message cut inside a block is not an error: finish says NeedsInput.
#[test]
fn truncated_message_needs_input() {
    let mut inf = Inflater::new(15).unwrap();
    let mut w = vec![0; 1 << 15];
    // A 256-byte stored block with two bytes: the trailer is data too.
    let stored = hex("00 00 01 ff fe 48 65");
    let r = inf.inflate(&stored, &mut w, usize::MAX).unwrap();
    assert_eq!(
        (r.output, r.status),
        (&b"He"[..], InflateStatus::NeedsInput)
    );
    let r = inf.finish_message(&mut w, usize::MAX).unwrap();
    assert_eq!(
        (r.output, r.status),
        (&hex("00 00 ff ff")[..], InflateStatus::NeedsInput)
    );
}

// ---- block types, windows, split feeding -----------------------------------------------------

/// Inputs of several kinds: English-like text, JSON-like records, random
/// bytes, long runs.
fn corpus(kind: u32, len: usize, seed: u32) -> Vec<u8> {
    let mut s = seed | 1;
    let words = [
        "the ", "quick ", "brown ", "fox ", "jumps ", "over ", "lazy ", "dog. ",
    ];
    let mut out = Vec::with_capacity(len);
    while out.len() < len {
        match kind {
            0 => out.extend_from_slice(words[(xorshift(&mut s) % 8) as usize].as_bytes()),
            1 => out.extend_from_slice(
                format!("{{\"id\":{},\"ok\":true}},", xorshift(&mut s) % 1000).as_bytes(),
            ),
            2 => out.push(xorshift(&mut s) as u8),
            _ => out.extend(std::iter::repeat_n(xorshift(&mut s) as u8, 300)),
        }
    }
    out.truncate(len);
    out
}

#[test]
fn stored_fixed_and_dynamic_blocks_round_trip() {
    for kind in 0..4 {
        for len in [0, 1, 100, 5000, 70_000] {
            let data = corpus(kind, len, 7 + len as u32);
            for level in [0, 1, 6, 9] {
                let stream = miniz_oxide::deflate::compress_to_vec(&data, level);
                let out = inflate_split(15, &stream, usize::MAX, usize::MAX).unwrap();
                assert!(out == data, "kind {kind} len {len} level {level}");
            }
        }
    }
}

/// Any split of the input and any output limit give the same bytes.
#[test]
fn split_feeding_and_tiny_outputs_match_whole() {
    for kind in 0..4 {
        let data = corpus(kind, 40_000, 3);
        let stream = miniz_oxide::deflate::compress_to_vec(&data, 6);
        for (piece, max_out) in [
            (1, usize::MAX),
            (2, 1),
            (3, 7),
            (7, 258),
            (1000, 1),
            (usize::MAX, 3),
        ] {
            let out = inflate_split(15, &stream, piece, max_out).unwrap();
            assert!(out == data, "kind {kind} piece {piece} max_out {max_out}");
        }
        // A 4 KiB window wraps the ring ten times; matches stay within 2^12
        // only if the compressor's do, so use a stored stream here.
        let stored = miniz_oxide::deflate::compress_to_vec(&data, 0);
        assert!(inflate_split(12, &stored, 5, 1000).unwrap() == data);
    }
}

/// At every window size: a match exactly 2^N back decodes (across the
/// ring's wrap, in pieces), 2^N + 1 back is too far, and so is one byte
/// before the stream's start.
#[test]
fn every_window_size_bounds_distances() {
    for bits in 8..=15u8 {
        let size = 1u32 << bits;
        let mut s = u32::from(bits);
        let lits: Vec<u8> = (0..size).map(|_| xorshift(&mut s) as u8).collect();
        let stream = |dist: u32| {
            let mut w = Writer::default();
            w.put(1, 1);
            w.put(1, 2);
            for &b in &lits {
                w.fixed_lit(u32::from(b));
            }
            w.fixed_match(258, dist);
            w.fixed_match(3, dist);
            w.fixed_lit(256);
            w.finish()
        };
        let mut want = lits.clone();
        for _ in 0..258 + 3 {
            want.push(want[want.len() - size as usize]);
        }
        for (piece, max_out) in [(usize::MAX, usize::MAX), (1, 5), (13, 100)] {
            let out = inflate_split(bits, &stream(size), piece, max_out).unwrap();
            assert!(out == want, "window {bits} piece {piece}");
        }
        if bits < 15 {
            let far = inflate_split(bits, &stream(size + 1), usize::MAX, usize::MAX);
            assert_eq!(far, Err(InflateError::DistanceTooFar), "window {bits}");
        }
        let mut w = Writer::default();
        w.put(1, 1);
        w.put(1, 2);
        for _ in 0..10 {
            w.fixed_lit(u32::from(b'x'));
        }
        w.fixed_match(3, 11);
        let early = inflate_split(bits, &w.finish(), usize::MAX, usize::MAX);
        assert_eq!(early, Err(InflateError::DistanceTooFar), "window {bits}");
    }
}

/// After a final block the next bytes are a new stream; the concatenation
/// of two streams decodes to both outputs with StreamEnd between.
#[test]
fn streams_follow_each_other() {
    let a = miniz_oxide::deflate::compress_to_vec(b"first stream, first stream", 6);
    let b = miniz_oxide::deflate::compress_to_vec(b"second", 6);
    let both = [a.clone(), b].concat();
    let mut inf = Inflater::new(15).unwrap();
    let mut win = vec![0; 1 << 15];
    let r = inf.inflate(&both, &mut win, usize::MAX).unwrap();
    assert_eq!(
        (r.output, r.status),
        (&b"first stream, first stream"[..], InflateStatus::StreamEnd)
    );
    assert!(r.consumed <= both.len());
    let rest = &both[r.consumed..];
    let out = inflate_chunks(&mut inf, &mut win, &[rest], usize::MAX).unwrap();
    assert_eq!(out, b"second");
}

#[test]
fn memory_bound() {
    println!("size_of::<Inflater>() = {}", size_of::<Inflater>());
    assert!(
        size_of::<Inflater>() <= 8 * 1024,
        "{}",
        size_of::<Inflater>()
    );
    for bits in 8..=15 {
        assert!(Inflater::memory(bits) <= (1 << bits) + 8 * 1024);
        assert_eq!(Inflater::window_len(bits), 1 << bits);
    }
}

/// Match copies in small rings against LZ77's byte-by-byte definition,
/// the whole ring compared (the bytes a chunk overshoots are written
/// back): in a 64-byte ring every position, distance and length; in a
/// 256-byte ring every position with the distances and lengths around
/// the chunk sizes, the longest match and sources wrapped to the end.
#[test]
fn copy_match_is_lz77_byte_by_byte() {
    use super::fast::copy_match;
    let mut seed = 0x9e37_79b9;
    let every: Vec<usize> = (0..=258).collect();
    let mut some: Vec<usize> = (0..=40).collect();
    some.extend([
        47, 48, 63, 64, 65, 100, 128, 129, 200, 224, 240, 248, 250, 255, 256, 258,
    ]);
    for (ring_len, lens) in [(64usize, &every), (256, &some)] {
        let base: Vec<u8> = (0..ring_len).map(|_| xorshift(&mut seed) as u8).collect();
        for pos in 0..ring_len {
            for &dist in lens.iter().filter(|&&d| (1..=ring_len).contains(&d)) {
                for &n in lens.iter().filter(|&&n| pos + n <= ring_len) {
                    let mut want = base.clone();
                    for i in 0..n {
                        want[pos + i] = want[(pos + i + ring_len - dist) % ring_len];
                    }
                    for chunks_first in [false, true] {
                        let mut got = base.clone();
                        copy_match(&mut got, pos, dist, n, chunks_first);
                        assert!(
                            got == want,
                            "ring {ring_len} pos {pos} dist {dist} len {n} chunks first {chunks_first}"
                        );
                    }
                }
            }
        }
    }
}
