//! The compressor's block writer (compression layer; RFC 1951 §3.2.3–§3.2.7):
//! chooses the cheapest of a dynamic-Huffman, fixed-Huffman and stored
//! block for the tokens gathered, then writes it through the bit sink,
//! stopping whenever the caller's output buffer is full and resuming from
//! the same item in the next call.

use super::bits::BitSink;
use super::huffman_build::{Scratch, build_lengths, canonical_codes};
use super::lz77::{Token, dist_symbol, len_symbol};
use super::tables::{
    CODE_LENGTH_ORDER, DIST_BASE, DIST_EXTRA, FIXED_DIST_LEN, LENGTH_BASE, LENGTH_EXTRA,
    fixed_literal_len,
};
use super::window::Window;

const END_OF_BLOCK: usize = 256;

/// §3.2.6's fixed literal/length codes, bit-reversed for sending: 0–143
/// are 00110000 + s, 144–255 110010000 + (s − 144), 256–279 0000000 +
/// (s − 256), 280–287 11000000 + (s − 280). (Symbols 286 and 287 are
/// never sent.) A table, so a fixed block costs no code construction.
const FIXED_LIT_CODES: [u16; 286] = fixed_lit_codes();

// Compile-time tables: an index out of range here fails the build.
#[allow(clippy::indexing_slicing)]
const fn fixed_lit_codes() -> [u16; 286] {
    let mut t = [0u16; 286];
    let mut s = 0;
    while s < 286 {
        let (code, len) = match s {
            0..=143 => (0b0011_0000 + s, 8),
            144..=255 => (0b1_1001_0000 + s - 144, 9),
            256..=279 => (s - 256, 7),
            _ => (0b1100_0000 + s - 280, 8),
        };
        t[s] = (code as u16).reverse_bits() >> (16 - len);
        s += 1;
    }
    t
}

/// §3.2.6's fixed distance codes: the 5-bit symbol itself, bit-reversed.
const FIXED_DIST_CODES: [u16; 30] = fixed_dist_codes();

#[allow(clippy::indexing_slicing)]
const fn fixed_dist_codes() -> [u16; 30] {
    let mut t = [0u16; 30];
    let mut s = 0;
    while s < 30 {
        t[s] = (s as u16).reverse_bits() >> 11;
        s += 1;
    }
    t
}

/// Where the writer is within the block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Idle,
    /// BFINAL, BTYPE and (dynamic) HLIT/HDIST/HCLEN.
    Start,
    /// The i-th code-length code length (§3.2.7).
    CodeLengthLengths(usize),
    /// The run-length coded code lengths, from position i.
    Lengths(usize),
    /// The k-th token, its bytes at `at` of the token buffer.
    Tokens {
        k: usize,
        at: usize,
    },
    /// A stored block's LEN/NLEN are out; `copied` raw bytes too.
    Stored(usize),
}

/// Which block type was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Stored,
    Fixed,
    Dynamic,
}

/// Literal/length plus distance code lengths: 286 + 30 (§3.2.7).
const SEQ_LEN: usize = 316;

/// The writer's state: the chosen block's code lengths and codes.
#[derive(Debug, Clone)]
pub(crate) struct BlockWriter {
    phase: Phase,
    kind: Kind,
    /// The code lengths as a dynamic header sends them (§3.2.7): HLIT
    /// literal/length lengths, then the distance lengths from `hlit` on,
    /// one sequence so the run-length coding reads it in one pass.
    lens: [u8; SEQ_LEN],
    cl_len: [u8; 19],
    cl_code: [u16; 19],
    hlit: usize,
    hdist: usize,
    hclen: usize,
    scratch: Scratch,
}

fn at8(a: &[u8], i: usize) -> u8 {
    a.get(i)
        .copied()
        .unwrap_or(dead_arm!("symbols index their alphabets", 0))
}

fn at16(a: &[u16], i: usize) -> u16 {
    a.get(i)
        .copied()
        .unwrap_or(dead_arm!("symbols index their alphabets", 0))
}

fn weighted(freq: &[u16], bits: impl Iterator<Item = u8>) -> u64 {
    freq.iter()
        .zip(bits)
        .map(|(&f, b)| u64::from(f) * u64::from(b))
        .sum()
}

impl BlockWriter {
    pub(crate) const fn new() -> Self {
        Self {
            phase: Phase::Idle,
            kind: Kind::Fixed,
            lens: [0; SEQ_LEN],
            cl_len: [0; 19],
            cl_code: [0; 19],
            hlit: 257,
            hdist: 1,
            hclen: 4,
            scratch: Scratch::new(),
        }
    }

    /// The distance code lengths (they follow the HLIT literal/length
    /// lengths).
    fn dist_lens(&self) -> &[u8] {
        self.lens
            .get(self.hlit..self.hlit + 30)
            .unwrap_or(dead_arm!("hlit <= 286", &[]))
    }

    /// The run-length item at position `i`: (symbol, extra value, extra
    /// bits, next position). A pure function of `i`, so writing resumes.
    fn rle_item(&self, i: usize) -> (usize, u32, u32, usize) {
        let total = self.hlit + self.hdist;
        let seq = self.lens.get(i..total).unwrap_or_default();
        let Some((&v, rest)) = seq.split_first() else {
            dead_arm!("i < hlit + hdist", return (0, 0, 0, total))
        };
        let max_run = if v == 0 { 138 } else { 6 };
        let run = 1 + rest
            .iter()
            .take(max_run - 1)
            .take_while(|&&l| l == v)
            .count();
        let r = run as u32;
        if v == 0 && run >= 11 {
            (18, r - 11, 7, i + run)
        } else if v == 0 && run >= 3 {
            (17, r - 3, 3, i + run)
        } else if v != 0 && run >= 3 && i > 0 && at8(&self.lens, i - 1) == v {
            (16, r - 3, 2, i + run)
        } else {
            (usize::from(v), 0, 0, i + 1)
        }
    }

    /// Chooses and prepares the block for the tokens in `lz`; its codes
    /// replace the frequencies in `lz.freq`. `pending_bits` are the bits
    /// the sink holds (for a stored block's padding).
    pub(crate) fn start(&mut self, lz: &mut Window<'_>, pending_bits: u32) {
        let freq = &mut lz.freq;
        if let Some(f) = freq.lit.get_mut(END_OF_BLOCK) {
            *f = 1;
        }
        let (lit, dist) = self.lens.split_at_mut(286);
        build_lengths(&freq.lit, lit, 15, &mut self.scratch);
        let last = |lens: &[u8]| lens.iter().rposition(|&l| l != 0).map_or(0, |p| p + 1);
        self.hlit = last(lit).max(257);
        // The distance lengths go right after the HLIT used ones.
        dist.fill(0);
        if let Some(d) = self.lens.get_mut(self.hlit..self.hlit + 30) {
            build_lengths(&freq.dist, d, 15, &mut self.scratch);
        }
        self.hdist = last(self.dist_lens()).max(1);
        let header = self.plan_code_length_code();
        let extra: u64 = weighted(freq.lit.get(257..).unwrap_or(&[]), LENGTH_EXTRA.into_iter())
            + weighted(&freq.dist, DIST_EXTRA.into_iter());
        let dynamic = header
            + weighted(
                freq.lit.get(..self.hlit).unwrap_or_default(),
                self.lens.into_iter(),
            )
            + weighted(&freq.dist, self.dist_lens().iter().copied())
            + extra;
        let fixed = 3
            + weighted(&freq.lit, (0..286).map(fixed_literal_len))
            + weighted(&freq.dist, core::iter::repeat(FIXED_DIST_LEN))
            + extra;
        let span = (lz.cur - lz.block_start) as u64;
        let pad = u64::from((8 - (pending_bits + 3) % 8) % 8);
        let stored = 3 + pad + 32 + 8 * span;
        self.kind = if dynamic < fixed && dynamic < stored {
            Kind::Dynamic
        } else if fixed < stored {
            Kind::Fixed
        } else {
            Kind::Stored
        };
        if self.kind == Kind::Dynamic {
            canonical_codes(&self.cl_len, &mut self.cl_code);
        }
        if self.kind == Kind::Fixed {
            // The fixed code's lengths, its distance lengths after all
            // 286 literal/length ones.
            self.hlit = 286;
            for (s, l) in self.lens.iter_mut().enumerate() {
                *l = if s < 286 {
                    fixed_literal_len(s as u16)
                } else {
                    FIXED_DIST_LEN
                };
            }
            freq.lit = FIXED_LIT_CODES;
            freq.dist = FIXED_DIST_CODES;
        } else {
            canonical_codes(
                self.lens.get(..self.hlit).unwrap_or_default(),
                &mut freq.lit,
            );
            canonical_codes(self.dist_lens(), &mut freq.dist);
        }
        self.phase = Phase::Start;
    }

    /// Builds the code-length code for the dynamic header; returns the
    /// header's size in bits (BFINAL/BTYPE included).
    fn plan_code_length_code(&mut self) -> u64 {
        let mut cl_freq = [0u16; 19];
        let (mut i, mut extra_bits) = (0, 0u64);
        while i < self.hlit + self.hdist {
            let (sym, _, nbits, next) = self.rle_item(i);
            if let Some(f) = cl_freq.get_mut(sym) {
                *f += 1;
            }
            extra_bits += u64::from(nbits);
            i = next;
        }
        build_lengths(&cl_freq, &mut self.cl_len, 7, &mut self.scratch);
        self.hclen = CODE_LENGTH_ORDER
            .iter()
            .rposition(|&s| at8(&self.cl_len, usize::from(s)) != 0)
            .map_or(0, |p| p + 1)
            .max(4);
        3 + 14 + 3 * self.hclen as u64 + weighted(&cl_freq, self.cl_len.into_iter()) + extra_bits
    }

    /// Writes as much of the block as `out` takes; true when the block is
    /// complete (then `lz` starts the next block).
    pub(crate) fn write(
        &mut self,
        lz: &mut Window<'_>,
        bits: &mut BitSink,
        out: &mut [u8],
        written: &mut usize,
    ) -> bool {
        if self.phase == Phase::Idle {
            return true;
        }
        while self.phase != Phase::Idle {
            if !bits.has_room() && (!bits.drain(out, written) || !bits.has_room()) {
                return false;
            }
            if let Phase::Stored(copied) = self.phase {
                if !bits.drain(out, written) {
                    return false;
                }
                let Some(raw) = lz.win.get(lz.block_start + copied..lz.cur) else {
                    dead_arm!("the window keeps the block's bytes", return true)
                };
                let mut n = 0;
                for (dst, src) in out.iter_mut().skip(*written).zip(raw) {
                    *dst = *src;
                    n += 1;
                }
                *written += n;
                if n < raw.len() {
                    self.phase = Phase::Stored(copied + n);
                    return false;
                }
                self.phase = Phase::Idle;
                break;
            }
            if let Phase::Tokens { k, at } = self.phase {
                self.phase = self.put_tokens(lz, bits, out, written, k, at);
            }
            self.step(lz, bits);
        }
        lz.finish_block();
        true
    }

    /// Puts tokens from the `k`-th (its bytes at `at`) on while `out` has
    /// room for a whole accumulator, draining after each (the sink then
    /// holds under a byte, so the next token fits); returns the phase at
    /// the first token not put. The fast path of a block's body: no phase
    /// dispatch per token.
    fn put_tokens(
        &self,
        lz: &Window<'_>,
        bits: &mut BitSink,
        out: &mut [u8],
        written: &mut usize,
        mut k: usize,
        mut at: usize,
    ) -> Phase {
        while k < lz.ntok && out.len().saturating_sub(*written) >= 8 {
            let (token, next) = lz.token_at(k, at);
            self.put_token(lz, token, bits);
            let _ = bits.drain(out, written);
            (k, at) = (k + 1, next);
        }
        Phase::Tokens { k, at }
    }

    /// Puts one item (at most 48 bits) and advances the phase.
    fn step(&mut self, lz: &Window<'_>, bits: &mut BitSink) {
        self.phase = match self.phase {
            Phase::Start => self.put_start(lz, bits),
            Phase::CodeLengthLengths(k) => {
                let sym = CODE_LENGTH_ORDER.get(k).copied().unwrap_or(0);
                bits.put(u32::from(at8(&self.cl_len, usize::from(sym))), 3);
                if k + 1 < self.hclen {
                    Phase::CodeLengthLengths(k + 1)
                } else {
                    Phase::Lengths(0)
                }
            }
            Phase::Lengths(i) => {
                let (sym, value, nbits, next) = self.rle_item(i);
                let len = u32::from(at8(&self.cl_len, sym));
                bits.put(u32::from(at16(&self.cl_code, sym)), len);
                bits.put(value, nbits);
                if next < self.hlit + self.hdist {
                    Phase::Lengths(next)
                } else {
                    Phase::Tokens { k: 0, at: 0 }
                }
            }
            Phase::Tokens { k, at } if k < lz.ntok => {
                let (token, next) = lz.token_at(k, at);
                self.put_token(lz, token, bits);
                Phase::Tokens { k: k + 1, at: next }
            }
            Phase::Tokens { .. } => {
                self.put_symbol(lz, END_OF_BLOCK, bits);
                Phase::Idle
            }
            Phase::Stored(_) | Phase::Idle => self.phase,
        };
    }

    fn put_start(&self, lz: &Window<'_>, bits: &mut BitSink) -> Phase {
        match self.kind {
            Kind::Stored => {
                bits.put(0, 3);
                bits.align();
                let len = (lz.cur - lz.block_start) as u32 & 0xffff;
                bits.put(len | (!len & 0xffff) << 16, 32);
                Phase::Stored(0)
            }
            Kind::Fixed => {
                bits.put(0b010, 3);
                Phase::Tokens { k: 0, at: 0 }
            }
            Kind::Dynamic => {
                bits.put(0b100, 3);
                bits.put((self.hlit - 257) as u32, 5);
                bits.put((self.hdist - 1) as u32, 5);
                bits.put((self.hclen - 4) as u32, 4);
                Phase::CodeLengthLengths(0)
            }
        }
    }

    fn put_symbol(&self, lz: &Window<'_>, sym: usize, bits: &mut BitSink) {
        let len = u32::from(at8(&self.lens, sym));
        bits.put(u32::from(at16(&lz.freq.lit, sym)), len);
    }

    fn put_token(&self, lz: &Window<'_>, token: Token, bits: &mut BitSink) {
        match token {
            Token::Literal(b) => self.put_symbol(lz, usize::from(b), bits),
            Token::Match { len, dist } => {
                let ls = len_symbol(len);
                self.put_symbol(lz, 257 + ls, bits);
                let base = LENGTH_BASE.get(ls).copied().unwrap_or(3);
                let extra = LENGTH_EXTRA.get(ls).copied().unwrap_or(0);
                bits.put((len as u32).wrapping_sub(u32::from(base)), u32::from(extra));
                let ds = dist_symbol(dist);
                let dlen = u32::from(at8(&self.lens, self.hlit + ds));
                bits.put(u32::from(at16(&lz.freq.dist, ds)), dlen);
                let base = DIST_BASE.get(ds).copied().unwrap_or(1);
                let extra = DIST_EXTRA.get(ds).copied().unwrap_or(0);
                bits.put(
                    (dist as u32).wrapping_sub(u32::from(base)),
                    u32::from(extra),
                );
            }
        }
    }
}

#[cfg(test)]
pub(crate) fn fixed_tables_for_tests() -> ([u16; 286], [u16; 30]) {
    (FIXED_LIT_CODES, FIXED_DIST_CODES)
}
