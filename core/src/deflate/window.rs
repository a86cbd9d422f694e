//! The compressor's LZ77 stage (compression layer; RFC 1951 §4): the window
//! buffer, the hash table and the token buffer over caller storage, and
//! the tokenizer that turns lookahead into literal and match tokens.
//!
//! Tokenizing waits for [`MIN_LOOKAHEAD`] bytes unless the message is
//! being flushed, and the window slides only when it is full, so the same
//! message gives the same tokens however its input is split into calls.

use super::lz77::{
    MAX_MATCH, MIN_LOOKAHEAD, MIN_MATCH, Token, decode_match, dist_symbol, encode_match, hash,
    len_symbol, match_len, read_u32,
};

/// Symbol statistics of the block being tokenized; the block writer turns
/// them into the codes in place (the frequencies are not needed once the
/// lengths are chosen).
#[derive(Debug, Clone)]
pub(crate) struct Freqs {
    pub(crate) lit: [u16; 286],
    pub(crate) dist: [u16; 30],
}

/// How hard the tokenizer looks.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Effort {
    /// Hash entries per bucket: 1 or 8.
    pub(crate) ways: usize,
    /// Whether to try the next position before taking a match (§4 "lazy").
    pub(crate) lazy: bool,
    /// A match this long ends the search and the lazy step.
    pub(crate) nice: usize,
    /// Whether every position inside a match is hashed (else only its end).
    pub(crate) insert_all: bool,
}

/// The LZ77 state over caller storage.
#[derive(Debug)]
pub(crate) struct Window<'a> {
    pub(crate) win: &'a mut [u8],
    head: &'a mut [u8],
    /// The block's tokens: their bytes (one a literal, three a match)
    /// from the front, `tok_cap` at most; one flag bit a token (set: a
    /// match) in the `tok_cap / 8` bytes after.
    toks: &'a mut [u8],
    /// Tokens a block holds at most, and bytes of token data.
    tok_cap: usize,
    /// Bytes of token data in use.
    tok_len: usize,
    bucket_bits: u32,
    effort: Effort,
    max_dist: usize,
    /// Bytes a slide must free; else the block is written first.
    min_slide: usize,
    /// `win[cur..end]` is the lookahead; `win[block_start..cur]` the raw
    /// bytes of the block being tokenized; history starts at `hist_start`.
    pub(crate) cur: usize,
    pub(crate) end: usize,
    pub(crate) block_start: usize,
    hist_start: usize,
    /// Stream offset of `win[0]` (mod 2^32).
    base: u32,
    pub(crate) ntok: usize,
    /// A match found at `cur` by the previous lazy step: (len, dist).
    pending: (usize, usize),
    pub(crate) freq: Freqs,
    /// Largest distance ever emitted (tests check it against the window).
    #[cfg(test)]
    pub(crate) max_dist_seen: usize,
}

impl<'a> Window<'a> {
    /// `hash_bits` ≥ log2(ways); `max_dist` is 2^window_bits; `toks`
    /// holds 2^`token_bits` tokens (`token_store_len`).
    pub(crate) fn new(
        win: &'a mut [u8],
        head: &'a mut [u8],
        toks: &'a mut [u8],
        hash_bits: u32,
        token_bits: u8,
        effort: Effort,
        max_dist: usize,
    ) -> Self {
        let ways_bits = effort.ways.trailing_zeros();
        let min_slide = win.len().saturating_sub(max_dist) / 2;
        let tok_cap = (1usize << token_bits).min(toks.len() * 8 / 9);
        // The flags start clear; each block clears the ones it set.
        if let Some(flags) = toks.get_mut(tok_cap..) {
            flags.fill(0);
        }
        Self {
            win,
            head,
            toks,
            tok_cap,
            tok_len: 0,
            bucket_bits: hash_bits.saturating_sub(ways_bits).max(1),
            effort,
            max_dist,
            min_slide,
            cur: 0,
            end: 0,
            block_start: 0,
            hist_start: 0,
            base: 0,
            ntok: 0,
            pending: (0, 0),
            freq: Freqs {
                lit: [0; 286],
                dist: [0; 30],
            },
            #[cfg(test)]
            max_dist_seen: 0,
        }
    }

    /// Forgets the history (RFC 7692 §7.1.1, no context takeover): later
    /// matches reach no byte before the current position.
    pub(crate) fn reset_history(&mut self) {
        self.hist_start = self.cur;
        self.pending = (0, 0);
    }

    /// Whether the block is full: `tok_cap` tokens, or no room for a
    /// match's three bytes.
    pub(crate) fn tokens_full(&self) -> bool {
        self.ntok >= self.tok_cap || self.tok_len + 3 > self.tok_cap
    }

    /// The `k`-th token, its bytes starting at `at`; and where the next
    /// token's bytes start. Tokens are read in order (`k` < `ntok`).
    pub(crate) fn token_at(&self, k: usize, at: usize) -> (Token, usize) {
        let flag = self.toks.get(self.tok_cap + k / 8).copied().unwrap_or(0);
        if flag >> (k % 8) & 1 == 0 {
            let byte = self.toks.get(at).copied().unwrap_or(0);
            return (Token::Literal(byte), at + 1);
        }
        match self.toks.get(at..at + 3) {
            Some(&[a, b, c]) => (decode_match([a, b, c]), at + 3),
            _ => dead_arm!(
                "k < ntok: its bytes are stored",
                (Token::Literal(0), at + 3)
            ),
        }
    }

    /// Starts a new block at the current position.
    pub(crate) fn finish_block(&mut self) {
        self.block_start = self.cur;
        if let Some(flags) = self
            .toks
            .get_mut(self.tok_cap..self.tok_cap + self.ntok.div_ceil(8))
        {
            flags.fill(0);
        }
        self.ntok = 0;
        self.tok_len = 0;
        self.freq.lit.fill(0);
        self.freq.dist.fill(0);
    }

    /// Copies as much of `input` as fits after the lookahead.
    pub(crate) fn fill(&mut self, input: &[u8]) -> usize {
        let Some(room) = self.win.get_mut(self.end..) else {
            dead_arm!("end <= win.len()", return 0)
        };
        let n = room.len().min(input.len());
        if let (Some(dst), Some(src)) = (room.get_mut(..n), input.get(..n)) {
            dst.copy_from_slice(src);
        }
        self.end += n;
        n
    }

    /// Whether the window is full.
    pub(crate) fn is_full(&self) -> bool {
        self.end >= self.win.len()
    }

    /// Drops bytes no match can reach and no stored block needs; false
    /// when too few would go (the block must be written first).
    pub(crate) fn slide(&mut self) -> bool {
        let reach = self.cur.saturating_sub(self.max_dist);
        let drop = reach.min(self.block_start);
        // Only the block's own bytes hold the window back: write it first
        // when they would leave too little room.
        if drop == 0 || (drop < reach && drop < self.min_slide && self.ntok > 0) {
            return false;
        }
        // Front to back in `drop`-byte steps, each between two adjacent
        // (disjoint) pieces: `copy_within` keeps its range panics when the
        // optimiser leaves it out of line (opt-level "s").
        let mut at = 0;
        while at + drop < self.end {
            let Some((head, tail)) = self.win.split_at_mut_checked(at + drop) else {
                break;
            };
            let n = drop.min(self.end - at - drop);
            super::copy::copy(
                head.get_mut(at..).unwrap_or_default(),
                tail.get(..n).unwrap_or_default(),
            );
            at += drop;
        }
        self.cur -= drop;
        self.end -= drop;
        self.block_start -= drop;
        self.hist_start = self.hist_start.saturating_sub(drop);
        self.base = self.base.wrapping_add(drop as u32);
        true
    }

    fn pos16(&self, i: usize) -> u16 {
        self.base.wrapping_add(i as u32) as u16
    }

    fn bucket(&self, i: usize) -> usize {
        hash(read_u32(self.win, i), self.bucket_bits) * self.effort.ways
    }

    /// The bucket starting at entry `b` as one word: entry k in bits
    /// 16k..16k+16, the most recent first. Fixed-size accesses (one or
    /// eight ways) compile to plain loads and stores.
    fn load(&self, b: usize) -> u128 {
        if self.effort.ways == 1 {
            match self.head.get(2 * b..2 * b + 2) {
                Some(&[x, y]) => u128::from(u16::from_le_bytes([x, y])),
                _ => dead_arm!("buckets lie inside the hash table", 0),
            }
        } else {
            match self.head.get(2 * b..2 * b + 16).map(<[u8; 16]>::try_from) {
                Some(Ok(bytes)) => u128::from_le_bytes(bytes),
                _ => dead_arm!("buckets lie inside the hash table", 0),
            }
        }
    }

    /// Records position `i` (its four bytes are in the window) as the
    /// most recent entry of its bucket; the oldest falls out.
    fn insert(&mut self, i: usize) {
        let b = self.bucket(i);
        let p = self.pos16(i);
        if self.effort.ways == 1 {
            if let Some(dst) = self.head.get_mut(2 * b..2 * b + 2) {
                dst.copy_from_slice(&p.to_le_bytes());
            }
        } else {
            let word = (self.load(b) << 16) | u128::from(p);
            if let Some(dst) = self.head.get_mut(2 * b..2 * b + 16) {
                dst.copy_from_slice(&word.to_le_bytes());
            }
        }
    }

    /// The longest match for `cur` among the bucket's candidates, or
    /// (0, 0). Only bytes in `win[hist_start..end]` are read.
    fn find(&self, cur: usize) -> (usize, usize) {
        let limit = MAX_MATCH.min(self.end.saturating_sub(cur));
        if limit < MIN_MATCH {
            return (0, 0);
        }
        let word = read_u32(self.win, cur);
        let mut bucket = self.load(hash(word, self.bucket_bits) * self.effort.ways);
        let here = self.pos16(cur);
        let reach = self.max_dist.min(cur - self.hist_start);
        let (mut best, mut best_dist) = (MIN_MATCH - 1, 0);
        for _ in 0..self.effort.ways {
            let dist = usize::from(here.wrapping_sub(bucket as u16));
            bucket >>= 16;
            // Entries are newest first: once one is out of reach, so are
            // the rest (an entry aliased by 16-bit wrap-around is lost).
            if dist == 0 || dist > reach {
                break;
            }
            let old = cur - dist;
            // A better match starts with the same four bytes and has the
            // same byte where the best so far ends.
            if read_u32(self.win, old) != word
                || self.win.get(old + best) != self.win.get(cur + best)
            {
                continue;
            }
            let len = match_len(self.win, old, cur, limit);
            if len > best {
                (best, best_dist) = (len, dist);
                if len >= self.effort.nice {
                    break;
                }
            }
        }
        if best_dist == 0 {
            (0, 0)
        } else {
            (best, best_dist)
        }
    }

    fn literal(&mut self, i: usize) {
        let byte = self.win.get(i).copied().unwrap_or(0);
        if let Some(f) = self.freq.lit.get_mut(usize::from(byte)) {
            *f += 1;
        }
        if let Some(dst) = self.toks.get_mut(self.tok_len) {
            *dst = byte;
        }
        self.tok_len += 1;
        self.ntok += 1;
    }

    fn matched(&mut self, len: usize, dist: usize) {
        #[cfg(test)]
        {
            self.max_dist_seen = self.max_dist_seen.max(dist);
        }
        if let Some(f) = self.freq.lit.get_mut(257 + len_symbol(len)) {
            *f += 1;
        }
        if let Some(f) = self.freq.dist.get_mut(dist_symbol(dist)) {
            *f += 1;
        }
        if let Some(dst) = self.toks.get_mut(self.tok_len..self.tok_len + 3) {
            dst.copy_from_slice(&encode_match(len, dist));
        }
        if let Some(flag) = self.toks.get_mut(self.tok_cap + self.ntok / 8) {
            *flag |= 1 << (self.ntok % 8);
        }
        self.tok_len += 3;
        self.ntok += 1;
    }

    fn hashable(&self, i: usize) -> bool {
        i + MIN_MATCH <= self.end
    }

    /// Tokenizes until the token buffer is full or the lookahead runs
    /// short (all of it when `flushing`).
    pub(crate) fn tokenize(&mut self, flushing: bool) {
        while !self.tokens_full() {
            let look = self.end - self.cur;
            if look == 0 || (!flushing && look < MIN_LOOKAHEAD) {
                return;
            }
            let cur = self.cur;
            let (len, dist) = match core::mem::take(&mut self.pending) {
                (0, _) => self.find(cur),
                found => found,
            };
            if self.hashable(cur) {
                self.insert(cur);
            }
            if len < MIN_MATCH {
                self.literal(cur);
                self.cur += 1;
                continue;
            }
            if self.effort.lazy && len < self.effort.nice {
                let next = self.find(cur + 1);
                if next.0 > len {
                    self.literal(cur);
                    self.cur += 1;
                    self.pending = next;
                    continue;
                }
            }
            self.matched(len, dist);
            self.cur += len;
            if self.effort.insert_all {
                for i in cur + 1..self.cur {
                    if self.hashable(i) {
                        self.insert(i);
                    }
                }
            } else if self.hashable(self.cur - 1) {
                self.insert(self.cur - 1);
            }
        }
    }
}
