//! LZ77 match finding for the compressor (compression layer; RFC 1951 §4): the
//! window buffer, the hash table of recent positions and the token buffer,
//! all in caller storage.
//!
//! The window buffer holds the last 2^N bytes already tokenized (the
//! history a match may reach) followed by the lookahead not yet tokenized.
//! The hash table maps a hash of four bytes to the positions last seen
//! with it, `ways` entries per bucket (1 for the fast level). Positions are
//! stored as the low 16 bits of the stream offset, so the table never
//! needs rebasing when the window slides: a candidate is used only if its
//! distance is within the window and within this context's history, and
//! its bytes really match. Tokens are self-contained (a literal carries
//! its byte, in one byte; a match takes three), so a block can be written
//! after the window has moved on.

use super::tables::{DIST_BASE, LENGTH_BASE};

/// The shortest match the finder reports (its hash covers four bytes).
pub(crate) const MIN_MATCH: usize = 4;
/// The longest match DEFLATE can code (§3.2.5).
pub(crate) const MAX_MATCH: usize = 258;
/// Lookahead needed before a position is tokenized outside a flush: a full
/// match plus the lazy step's next position and its hash bytes.
pub(crate) const MIN_LOOKAHEAD: usize = MAX_MATCH + MIN_MATCH + 1;
/// Bytes of the token buffer for 2^`token_bits` tokens: one byte a
/// literal, three a match (so at least 2^`token_bits` − 2 bytes of input
/// fill it), and one flag bit a token (set: a match).
pub(crate) const fn token_store_len(token_bits: u8) -> usize {
    let n = 1usize << token_bits;
    n + n / 8
}

/// Match length 3..=258 (as `len - 3`) to its length-symbol index 0..=28.
const LEN_SYM: [u8; 256] = len_sym_table();
/// Distance to its distance symbol: `d - 1` for d ≤ 256, else
/// `256 + ((d - 1) >> 7)`.
const DIST_SYM: [u8; 512] = dist_sym_table();

// Compile-time tables: an index out of range here fails the build.
#[allow(clippy::indexing_slicing)]
const fn len_sym_table() -> [u8; 256] {
    let mut t = [0u8; 256];
    let mut sym = 0;
    while sym < 29 {
        let end = if sym == 28 {
            256
        } else {
            LENGTH_BASE[sym + 1] as usize - 3
        };
        let mut i = LENGTH_BASE[sym] as usize - 3;
        while i < end {
            t[i] = sym as u8;
            i += 1;
        }
        sym += 1;
    }
    // 258 has its own symbol (285), not 284's last slot.
    t[255] = 28;
    t
}

#[allow(clippy::indexing_slicing)]
const fn dist_sym_table() -> [u8; 512] {
    let mut t = [0u8; 512];
    let mut sym = 0;
    while sym < 30 {
        let lo = DIST_BASE[sym] as usize - 1;
        let hi = if sym == 29 {
            32768
        } else {
            DIST_BASE[sym + 1] as usize - 1
        };
        let mut d = lo;
        while d < hi {
            if d < 256 {
                t[d] = sym as u8;
            } else {
                t[256 + (d >> 7)] = sym as u8;
            }
            d += 1;
        }
        sym += 1;
    }
    t
}

/// The length-symbol index (0..=28, symbol 257 + index) of `len` 3..=258.
pub(crate) fn len_symbol(len: usize) -> usize {
    LEN_SYM
        .get(len.wrapping_sub(3))
        .map_or(dead_arm!("lengths are 3..=258", 0), |&s| usize::from(s))
}

/// The distance symbol (0..=29) of `dist` 1..=32768.
pub(crate) fn dist_symbol(dist: usize) -> usize {
    let d = dist.wrapping_sub(1);
    let i = if d < 256 { d } else { 256 + (d >> 7) };
    DIST_SYM
        .get(i)
        .map_or(dead_arm!("distances are 1..=32768", 0), |&s| usize::from(s))
}

/// A match (`len` 3..=258, `dist` 1..=32768) as stored: three bytes (its
/// flag bit, not these bytes, tells it from a literal).
pub(crate) fn encode_match(len: usize, dist: usize) -> [u8; 3] {
    let d = (dist - 1) as u16;
    [(len - 3) as u8, d as u8, (d >> 8) as u8]
}

/// What a stored token means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Token {
    Literal(u8),
    Match { len: usize, dist: usize },
}

/// Decodes a stored match.
pub(crate) fn decode_match(t: [u8; 3]) -> Token {
    let [a, b, c] = t;
    Token::Match {
        len: usize::from(a) + 3,
        dist: (usize::from(c & 0x7f) << 8 | usize::from(b)) + 1,
    }
}

/// Four bytes at `i` as a little-endian word (0 past the end).
pub(crate) fn read_u32(win: &[u8], i: usize) -> u32 {
    match win.get(i..i + 4) {
        Some(&[a, b, c, d]) => u32::from_le_bytes([a, b, c, d]),
        _ => 0,
    }
}

fn read_u64(win: &[u8], i: usize) -> Option<u64> {
    let bytes: [u8; 8] = win.get(i..i + 8)?.try_into().ok()?;
    Some(u64::from_le_bytes(bytes))
}

/// How many bytes from `old` equal those from `cur` (`old < cur`), up to
/// `limit` (which keeps `cur + limit` inside the filled window).
pub(crate) fn match_len(win: &[u8], old: usize, cur: usize, limit: usize) -> usize {
    let mut n = 0;
    while n + 8 <= limit {
        match (read_u64(win, old + n), read_u64(win, cur + n)) {
            (Some(a), Some(b)) if a == b => n += 8,
            (Some(a), Some(b)) => return n + ((a ^ b).trailing_zeros() / 8) as usize,
            _ => return n,
        }
    }
    while n < limit {
        match (win.get(old + n), win.get(cur + n)) {
            (Some(a), Some(b)) if a == b => n += 1,
            _ => break,
        }
    }
    n
}

/// Multiplicative hash of four bytes to `bits` bits.
pub(crate) fn hash(word: u32, bits: u32) -> usize {
    (word.wrapping_mul(0x9E37_79B1) >> (32 - bits)) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symbols_match_the_rfc_tables() {
        for len in 3..=258 {
            let s = len_symbol(len);
            let base = usize::from(LENGTH_BASE[s]);
            let extra = super::super::tables::LENGTH_EXTRA[s];
            assert!(base <= len && len < base + (1 << extra) || len == 258 && s == 28);
        }
        for dist in 1..=32768 {
            let s = dist_symbol(dist);
            let base = usize::from(DIST_BASE[s]);
            let extra = super::super::tables::DIST_EXTRA[s];
            assert!(base <= dist && dist < base + (1 << extra), "{dist}");
        }
    }

    #[test]
    fn tokens_round_trip() {
        for (len, dist) in [(3, 1), (258, 32768), (100, 257)] {
            assert_eq!(
                decode_match(encode_match(len, dist)),
                Token::Match { len, dist }
            );
        }
    }
}
