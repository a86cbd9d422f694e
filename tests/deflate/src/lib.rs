//! wsframe's inflater against the system zlib: the same bytes into both,
//! the same verdict (complete, truncated, or corrupt with zlib's message)
//! and the same output up to it. Shared by this crate's tests and the
//! `inflate` fuzz target.

pub mod blocks;
pub mod zlib;

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

/// xorshift64 (13, 7, 17): reproducible corpora and mutations.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// The kinds of data a WebSocket carries, generated from a seed.
#[derive(Clone, Copy, Debug)]
pub enum Kind {
    Json,
    Html,
    English,
    Random,
}

pub const KINDS: [Kind; 4] = [Kind::Json, Kind::Html, Kind::English, Kind::Random];

const WORDS: [&str; 24] = [
    "the", "of", "and", "to", "in", "is", "was", "that", "for", "it", "with", "as", "his", "on",
    "be", "at", "by", "had", "are", "but", "from", "message", "window", "stream",
];

/// `len` bytes of `kind`.
pub fn corpus(kind: Kind, len: usize, seed: u64) -> Vec<u8> {
    let mut r = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    let mut out = Vec::with_capacity(len + 256);
    while out.len() < len {
        let w = WORDS[r.below(WORDS.len())];
        match kind {
            Kind::Json => out.extend_from_slice(
                format!(
                    "{{\"id\":{},\"name\":\"{w}\",\"score\":{}.{},\"tags\":[\"{}\"],\"ok\":{}}},",
                    r.below(100_000),
                    r.below(1000),
                    r.below(100),
                    WORDS[r.below(WORDS.len())],
                    r.below(2) == 1
                )
                .as_bytes(),
            ),
            Kind::Html => out.extend_from_slice(
                format!(
                    "<div class=\"{w}\"><a href=\"/{w}/{}\">{w}</a></div>\n",
                    r.below(500)
                )
                .as_bytes(),
            ),
            Kind::English => {
                out.extend_from_slice(w.as_bytes());
                out.push(if r.below(12) == 0 { b'.' } else { b' ' });
            }
            Kind::Random => out.extend_from_slice(&r.next().to_le_bytes()),
        }
    }
    out.truncate(len);
    out
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
