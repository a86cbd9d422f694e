//! Huffman decode tables for the inflater (compression layer; RFC 1951
//! §3.2.2 canonical codes, §3.2.6 the fixed code, §3.2.7 dynamic codes).
//!
//! A table is indexed by the next `root` bits of the stream (DEFLATE sends
//! codes most-significant bit first inside an LSB-first bit stream, so
//! the index is the code bit-reversed). A code no longer than `root` fills
//! every slot whose low bits are its reversed code; a longer code lives in
//! a subtable that a link entry in the root slot of its first `root` bits
//! points to. One lookup (two for a long code) gives the symbol's meaning
//! ready to use: a literal byte, a base length or distance with its count
//! of extra bits, the end of the block, or "invalid".
//!
//! Strictness follows zlib's `inftrees.c`, the receiver every peer is
//! tested against: an over-subscribed code is rejected; an incomplete code
//! is rejected too, except a literal/length or distance code whose only
//! code is one single bit long; a code with no codes at all is accepted
//! and every lookup in it is invalid (one bit long), so using it fails.

use super::tables::{
    DIST_BASE, DIST_EXTRA, FIXED_DIST_LEN, LENGTH_BASE, LENGTH_EXTRA, fixed_literal_len,
};

/// Root bits of a dynamic literal/length table: every code of up to 10
/// bits decodes in one lookup.
pub(crate) const LIT_ROOT: u32 = 10;
/// Slots of a dynamic literal/length table, subtables included: the most
/// any 286-symbol code of at most 15 bits needs with a 10-bit root (the
/// figure zlib's `examples/enough.c` computes for `286 10 15`).
pub(crate) const LIT_ENOUGH: usize = 1332;
/// Root bits of a dynamic distance table.
pub(crate) const DIST_ROOT: u32 = 9;
/// Slots of a dynamic distance table (`enough 30 9 15` = 592).
pub(crate) const DIST_ENOUGH: usize = 592;
/// Root bits of the code-length code's table: its codes are at most 7
/// bits (§3.2.7), so it never needs a subtable.
pub(crate) const CLEN_ROOT: u32 = 7;
/// Root bits of the fixed literal/length table: the fixed codes are 7 to 9
/// bits long (§3.2.6), all decoded in one lookup.
pub(crate) const FIXED_LIT_ROOT: u32 = 9;
/// Root bits of the fixed distance table: every fixed distance code is 5
/// bits.
pub(crate) const FIXED_DIST_ROOT: u32 = 5;

// An entry is a u32: bits 0–4 the code length to consume (for a link: the
// root bits), bits 5–7 the kind, bits 8–11 the extra bits that follow (for
// a link: the subtable's index bits), bits 16–31 the value.
const LEN_MASK: u32 = 0x1f;
const KIND_SHIFT: u32 = 5;
/// A literal byte (literal/length table) or a code length 0–18 (code-length
/// table); the value is the symbol.
pub(crate) const LITERAL: u32 = 0;
/// A length (257–285) or a distance (0–29): the value is its base, the
/// extra field how many extra bits follow.
pub(crate) const BASE: u32 = 1;
/// Symbol 256, the end of the block.
pub(crate) const END: u32 = 2;
/// A link to a subtable (never returned by [`lookup`]).
const LINK: u32 = 3;
/// No symbol: 286/287, distance 30/31, or the unused half of a one-code
/// code, or any slot of an empty code.
pub(crate) const INVALID: u32 = 4;

const fn entry(len: u32, kind: u32, extra: u32, value: u32) -> u32 {
    len | (kind << KIND_SHIFT) | (extra << 8) | (value << 16)
}

/// The bits this entry's code takes from the stream.
#[inline(always)]
pub(crate) const fn code_len(e: u32) -> u32 {
    e & LEN_MASK
}

/// [`LITERAL`], [`BASE`], [`END`] or [`INVALID`].
#[inline(always)]
pub(crate) const fn kind(e: u32) -> u32 {
    (e >> KIND_SHIFT) & 7
}

/// Extra bits that follow a [`BASE`] entry's code.
#[inline(always)]
pub(crate) const fn extra_bits(e: u32) -> u32 {
    (e >> 8) & 0xf
}

/// A literal's byte, a base, or a code-length symbol.
#[inline(always)]
pub(crate) const fn value(e: u32) -> u32 {
    e >> 16
}

/// The slot every lookup of an empty code (and the unused half of a
/// one-code code) finds, as zlib builds it: invalid, one bit long.
const HOLE: u32 = entry(1, INVALID, 0, 0);

/// The element at `i` of a constant table, in const context without
/// indexing (an index out of range gives 0; callers stay in range).
const fn nth(table: &[u16], i: usize) -> u32 {
    match table.split_at_checked(i) {
        Some((_, [x, ..])) => *x as u32,
        _ => 0,
    }
}

/// The same for the `u8` tables.
const fn nth8(table: &[u8], i: usize) -> u32 {
    match table.split_at_checked(i) {
        Some((_, [x, ..])) => *x as u32,
        _ => 0,
    }
}

/// Which alphabet a table decodes, for the meaning of its symbols.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Alphabet {
    /// Code lengths 0–18 (§3.2.7).
    CodeLengths,
    /// Literals 0–255, end of block 256, lengths 257–285 (§3.2.5).
    LitLen,
    /// Distances 0–29 (§3.2.5).
    Dist,
}

impl Alphabet {
    /// The entry for `sym` with a code of `len` bits.
    const fn entry(self, sym: u32, len: u32) -> u32 {
        match self {
            Alphabet::CodeLengths => entry(len, LITERAL, 0, sym),
            Alphabet::LitLen => match sym {
                0..=255 => entry(len, LITERAL, 0, sym),
                256 => entry(len, END, 0, 0),
                257..=285 => {
                    let i = (sym - 257) as usize;
                    entry(len, BASE, nth8(&LENGTH_EXTRA, i), nth(&LENGTH_BASE, i))
                }
                _ => entry(len, INVALID, 0, 0),
            },
            Alphabet::Dist => match sym {
                0..=29 => {
                    let i = sym as usize;
                    entry(len, BASE, nth8(&DIST_EXTRA, i), nth(&DIST_BASE, i))
                }
                _ => entry(len, INVALID, 0, 0),
            },
        }
    }

    /// zlib accepts an incomplete literal/length or distance code when its
    /// longest code is one bit (a single one-bit code); never an
    /// incomplete code-length code.
    const fn allows_incomplete(self, max_len: usize) -> bool {
        !matches!(self, Alphabet::CodeLengths) && max_len == 1
    }
}

/// The low `n` bits of `code`, reversed (`n` ≤ 15).
#[inline(always)]
const fn reverse(code: u32, n: u32) -> u32 {
    code.reverse_bits() >> (32 - n)
}

/// The next code in `table` (root `root` bits) given the stream's next
/// bits, LSB first (bits past the stream's end must be zero). The result's
/// [`code_len`] is the whole code's length, subtable bits included; it may
/// exceed the bits actually available, which means "need more input".
#[inline(always)]
pub(crate) fn lookup(table: &[u32], root: u32, bits: u64) -> u32 {
    resolve(table, root, self::root(table, root, bits), bits)
}

/// The kind bits of an entry in place (`kind(e) << KIND_SHIFT`): the fast
/// loop tests these against [`LITERAL_BITS`] and [`BASE_BITS`] without
/// shifting.
pub(crate) const KIND_BITS: u32 = 7 << KIND_SHIFT;
/// [`LITERAL`] in place.
pub(crate) const LITERAL_BITS: u32 = LITERAL << KIND_SHIFT;
/// [`BASE`] in place.
pub(crate) const BASE_BITS: u32 = BASE << KIND_SHIFT;

/// The root slot for the next bits: [`lookup`]'s first step, for the fast
/// loop, which tests the kind bits for a literal or a base first and
/// only then passes anything else (a link, the end, invalid) to
/// [`resolve`].
#[inline(always)]
pub(crate) fn root(table: &[u32], root: u32, bits: u64) -> u32 {
    let root_mask = (1u64 << root) - 1;
    table
        .get((bits & root_mask) as usize)
        .copied()
        .unwrap_or(HOLE)
}

/// [`lookup`]'s second step: a root slot `e` found by [`root`] for the
/// same `bits`, followed into its subtable if it is a link.
#[inline(always)]
pub(crate) fn resolve(table: &[u32], root: u32, e: u32, bits: u64) -> u32 {
    if kind(e) != LINK {
        return e;
    }
    let sub_mask = (1u64 << extra_bits(e)) - 1;
    let i = value(e) as usize + ((bits >> root) & sub_mask) as usize;
    // A subtable entry's length counts the bits past the root.
    table.get(i).copied().unwrap_or(HOLE) + root
}

/// Builds the table for a code given by its code lengths (`lens[sym]`,
/// each 0–15, 0 = unused) into `table`, with `root` index bits. Returns
/// false if zlib would reject the code (over-subscribed, or incomplete
/// beyond what it allows).
pub(crate) fn build(lens: &[u8], alphabet: Alphabet, root: u32, table: &mut [u32]) -> bool {
    let count = count_lengths(lens);
    let max = (1..16)
        .rev()
        .find(|&l| count.get(l).is_some_and(|&c| c > 0));
    let root_size = 1usize << root;
    let Some(max) = max else {
        fill_holes(table, root_size);
        return true;
    };
    // Kraft: `left` code space remaining at each length.
    let mut left: i32 = 1;
    for &c in count.iter().skip(1) {
        left = left * 2 - i32::from(c);
        if left < 0 {
            return false;
        }
    }
    if left > 0 && !alphabet.allows_incomplete(max) {
        return false;
    }
    // Symbols sorted by (length, symbol): the canonical order (§3.2.2).
    let mut start = [0u16; 16];
    for len in 1..15 {
        let next = start.get(len).copied().unwrap_or(0) + count.get(len).copied().unwrap_or(0);
        if let Some(s) = start.get_mut(len + 1) {
            *s = next;
        }
    }
    let mut sorted = [0u16; 288];
    for (sym, &len) in lens.iter().enumerate() {
        if let Some(at) = start.get_mut(usize::from(len)).filter(|_| len != 0) {
            if let Some(slot) = sorted.get_mut(usize::from(*at)) {
                *slot = sym as u16;
            }
            *at += 1;
        }
    }
    fill_codes(&sorted, &count, max, alphabet, root, table)
}

/// How many codes have each length 0..=15 (four interleaved counters, so
/// runs of equal lengths do not wait on one another).
fn count_lengths(lens: &[u8]) -> [u16; 16] {
    let mut counts = [[0u16; 16]; 4];
    let mut quads = lens.chunks_exact(4);
    for quad in &mut quads {
        for (c, &len) in counts.iter_mut().zip(quad) {
            if let Some(n) = c.get_mut(usize::from(len) & 15) {
                *n += 1;
            }
        }
    }
    for &len in quads.remainder() {
        if let Some(n) = counts[0].get_mut(usize::from(len) & 15) {
            *n += 1;
        }
    }
    let mut total = [0u16; 16];
    for c in &counts {
        for (t, &n) in total.iter_mut().zip(c) {
            *t += n;
        }
    }
    total
}

/// Writes every code's entry (the symbols already in canonical order).
/// The root table grows by doubling: after the codes of length `len` are
/// placed in the first 2^len slots, those slots are copied to the next
/// 2^len, which replicates every shorter code (and hole) at once.
fn fill_codes(
    sorted: &[u16],
    count: &[u16; 16],
    max: usize,
    alphabet: Alphabet,
    root: u32,
    table: &mut [u32],
) -> bool {
    let root_size = 1usize << root;
    if table.len() < root_size {
        return dead_arm!("every table holds its root", false);
    }
    fill_holes(table, 2);
    let mut size = 2;
    let mut remaining = *count;
    let mut symbols = sorted.iter();
    let mut code = 0u32; // the canonical code, most significant bit first
    let mut next_sub = root_size;
    let (mut prefix, mut sub_base, mut sub_bits) = (usize::MAX, 0usize, 0u32);
    for len in 1..=max {
        let len32 = len as u32;
        while size < (1 << len32.min(root)) {
            double(table, size);
            size *= 2;
        }
        for _ in 0..count.get(len).copied().unwrap_or(0) {
            let sym = symbols.next().copied().unwrap_or(0);
            let rev = reverse(code, len32) as usize;
            if len32 <= root {
                if let Some(slot) = table.get_mut(rev) {
                    *slot = alphabet.entry(u32::from(sym), len32);
                }
            } else {
                if rev & (root_size - 1) != prefix {
                    prefix = rev & (root_size - 1);
                    sub_base = next_sub;
                    sub_bits = subtable_bits(&remaining, len, max, root);
                    next_sub += 1 << sub_bits;
                    if next_sub > table.len() {
                        return dead_arm!("LIT_ENOUGH/DIST_ENOUGH bound every code", false);
                    }
                    let link = entry(root, LINK, sub_bits, sub_base as u32);
                    if let Some(slot) = table.get_mut(prefix) {
                        *slot = link;
                    }
                }
                let e = alphabet.entry(u32::from(sym), len32 - root);
                let sub = table
                    .get_mut(sub_base..sub_base + (1 << sub_bits))
                    .unwrap_or(&mut []);
                fill(sub, rev >> root, 1 << sub_bits, e);
            }
            if let Some(r) = remaining.get_mut(len) {
                *r -= 1;
            }
            code += 1;
        }
        code <<= 1;
    }
    while size < root_size {
        double(table, size);
        size *= 2;
    }
    true
}

/// Copies the first `size` slots to the next `size`.
fn double(table: &mut [u32], size: usize) {
    let (done, rest) = table.split_at_mut(size.min(table.len()));
    super::copy::copy(rest, done);
}

/// Index bits of a subtable whose first code is `len` bits long: enough to
/// hold the codes still to place under this prefix (zlib's sizing rule, so
/// that [`LIT_ENOUGH`] and [`DIST_ENOUGH`] hold).
fn subtable_bits(remaining: &[u16; 16], len: usize, max: usize, root: u32) -> u32 {
    let root = root as usize;
    let mut bits = len - root;
    let mut left: i32 = 1 << bits;
    while bits + root < max {
        left -= i32::from(remaining.get(bits + root).copied().unwrap_or(0));
        if left <= 0 {
            break;
        }
        bits += 1;
        left <<= 1;
    }
    bits as u32
}

/// Writes `e` at `first`, `first + 2^len`, … below `end`, where `len` is
/// the entry's own code length (a code fills every slot whose low bits
/// are its reversed code).
fn fill(table: &mut [u32], first: usize, end: usize, e: u32) {
    let step = 1usize << code_len(e);
    let end = end.min(table.len());
    let slots = table.get_mut(first.min(end)..end).unwrap_or(&mut []);
    for slot in slots.iter_mut().step_by(step) {
        *slot = e;
    }
}

/// Makes the first `n` slots holes (before an empty or one-code code).
fn fill_holes(table: &mut [u32], n: usize) {
    for slot in table.iter_mut().take(n) {
        *slot = HOLE;
    }
}

/// The fixed literal/length code's table (§3.2.6), evaluated at compile
/// time: 7-bit codes 0000000–0010111 are 256–279, 8-bit 00110000–10111111
/// are 0–143, 8-bit 11000000–11000111 are 280–287, 9-bit
/// 110010000–111111111 are 144–255 (286 and 287 decode as invalid).
pub(crate) static FIXED_LIT: [u32; 1 << FIXED_LIT_ROOT] = fixed_lit();

/// The fixed distance code's table: 5-bit codes, 30 and 31 invalid.
pub(crate) static FIXED_DIST: [u32; 1 << FIXED_DIST_ROOT] = fixed_dist();

const fn fixed_lit_entry(i: u32) -> u32 {
    let c7 = reverse(i, 7);
    let c8 = reverse(i, 8);
    let sym = match (c7, c8) {
        (0..=0x17, _) => 256 + c7,
        (_, 0x30..=0xbf) => c8 - 0x30,
        (_, 0xc0..=0xc7) => 280 + c8 - 0xc0,
        _ => 144 + reverse(i, 9) - 0x190,
    };
    Alphabet::LitLen.entry(sym, fixed_literal_len(sym as u16) as u32)
}

const fn fixed_lit() -> [u32; 1 << FIXED_LIT_ROOT] {
    let mut table = [0u32; 1 << FIXED_LIT_ROOT];
    let mut rest: &mut [u32] = &mut table;
    let mut i = 0;
    while let Some((slot, tail)) = rest.split_first_mut() {
        *slot = fixed_lit_entry(i);
        rest = tail;
        i += 1;
    }
    table
}

const fn fixed_dist() -> [u32; 1 << FIXED_DIST_ROOT] {
    let mut table = [0u32; 1 << FIXED_DIST_ROOT];
    let mut rest: &mut [u32] = &mut table;
    let mut i = 0;
    while let Some((slot, tail)) = rest.split_first_mut() {
        let len = FIXED_DIST_LEN as u32;
        *slot = Alphabet::Dist.entry(reverse(i, len), len);
        rest = tail;
        i += 1;
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deflate::tables::fixed_literal_len;

    /// The compile-time fixed tables are what the general builder makes
    /// from the fixed code lengths (§3.2.6).
    #[test]
    fn fixed_tables_match_the_builder() {
        let lens: Vec<u8> = (0..288).map(fixed_literal_len).collect();
        let mut table = [0u32; 1 << FIXED_LIT_ROOT];
        assert!(build(&lens, Alphabet::LitLen, FIXED_LIT_ROOT, &mut table));
        assert_eq!(table, FIXED_LIT);
        let mut table = [0u32; 1 << FIXED_DIST_ROOT];
        assert!(build(&[5; 32], Alphabet::Dist, FIXED_DIST_ROOT, &mut table));
        assert_eq!(table, FIXED_DIST);
    }

    /// Long codes go to subtables: a code with lengths 1..=15 (and two of
    /// 15) decodes every symbol with its full length.
    #[test]
    fn subtables_decode_long_codes() {
        let mut lens: Vec<u8> = (1..=15).collect();
        lens.push(15);
        let mut table = [0u32; LIT_ENOUGH];
        assert!(build(&lens, Alphabet::CodeLengths, LIT_ROOT, &mut table));
        let mut code = 0u32;
        for (sym, &len) in lens.iter().enumerate() {
            let len = u32::from(len);
            if sym > 0 && len > u32::from(lens[sym - 1]) {
                code <<= 1;
            }
            let bits = u64::from(reverse(code, len));
            let e = lookup(&table, LIT_ROOT, bits);
            assert_eq!((code_len(e), value(e)), (len, sym as u32), "symbol {sym}");
            code += 1;
        }
    }

    #[test]
    fn strictness_follows_zlib() {
        let mut t = [0u32; LIT_ENOUGH];
        // Over-subscribed, incomplete, single one-bit, empty.
        assert!(!build(&[1, 1, 1], Alphabet::LitLen, LIT_ROOT, &mut t));
        assert!(!build(&[1, 2], Alphabet::LitLen, LIT_ROOT, &mut t));
        assert!(!build(&[2], Alphabet::Dist, LIT_ROOT, &mut t));
        assert!(build(&[1], Alphabet::Dist, LIT_ROOT, &mut t));
        assert_eq!(kind(lookup(&t, LIT_ROOT, 1)), INVALID);
        assert!(!build(&[1], Alphabet::CodeLengths, LIT_ROOT, &mut t));
        assert!(build(&[0, 0], Alphabet::Dist, LIT_ROOT, &mut t));
        assert_eq!(
            (
                kind(lookup(&t, LIT_ROOT, 0)),
                code_len(lookup(&t, LIT_ROOT, 0))
            ),
            (INVALID, 1)
        );
    }
}
