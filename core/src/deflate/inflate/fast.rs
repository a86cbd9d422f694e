//! The inflater's inner loop (compression layer; RFC 1951 §3.2.5 literals,
//! lengths and distances): one symbol's decoding, shared by the fast loop
//! and the one-at-a-time path, the fast loop itself, and LZ77 copies in
//! the ring.
//!
//! The fast loop runs while at least 8 input bytes and 258 bytes of output
//! room remain: it refills the 64-bit bit buffer with one unaligned 8-byte
//! read per symbol (at least 56 valid bits, more than the 48 the longest
//! length + distance pair takes), so no symbol waits for input.

use super::super::copy::copy;
use super::super::huffman::{
    self, BASE, BASE_BITS, END, KIND_BITS, LITERAL, LITERAL_BITS, code_len, extra_bits, kind, value,
};
use super::InflateError;
use crate::kernels::lz::{Bmi2Body, copy_match_chunks};

/// The longest match (§3.2.5): the fast loop keeps this much output room.
const MAX_MATCH: usize = 258;

/// One call's input and output: the input and how much of it is taken,
/// the ring and the write position, the write limit (ring end or
/// `max_out`), and the stream's history in the ring when the call began.
pub(in crate::deflate) struct Io<'i, 'w> {
    pub(in crate::deflate) input: &'i [u8],
    pub(in crate::deflate) at: usize,
    pub(in crate::deflate) ring: &'w mut [u8],
    pub(in crate::deflate) start: usize,
    pub(in crate::deflate) pos: usize,
    pub(in crate::deflate) limit: usize,
    pub(in crate::deflate) history: usize,
}

impl Io<'_, '_> {
    /// Writes one byte (the caller checked `pos < limit`).
    #[inline(always)]
    pub(in crate::deflate) fn put(&mut self, byte: u8) {
        if let Some(slot) = self.ring.get_mut(self.pos) {
            *slot = byte;
        }
        self.pos += 1;
    }

    /// Copies `n` input bytes to the output (the caller checked both).
    pub(in crate::deflate) fn copy_input(&mut self, n: usize) {
        let src = self.input.get(self.at..self.at + n).unwrap_or(&[]);
        let dst = self.ring.get_mut(self.pos..self.pos + n).unwrap_or(&mut []);
        copy(dst, src);
        self.at += n;
        self.pos += n;
    }

    /// How far back a match may reach now: this stream's bytes in the
    /// ring, at most the ring (the window, 2^N).
    #[inline(always)]
    fn history_now(&self) -> usize {
        (self.history + (self.pos - self.start)).min(self.ring.len())
    }
}

/// The current block's literal/length and distance tables.
pub(in crate::deflate) struct Tables<'t> {
    pub(in crate::deflate) lit: &'t [u32],
    pub(in crate::deflate) lit_root: u32,
    pub(in crate::deflate) dist: &'t [u32],
    pub(in crate::deflate) dist_root: u32,
}

/// A decoded symbol.
pub(in crate::deflate) enum Symbol {
    Literal(u8),
    End,
    Match { len: u16, dist: u16 },
}

#[inline(always)]
fn low(bits: u64, n: u32) -> u32 {
    (bits & ((1u64 << n) - 1)) as u32
}

/// Decodes the next symbol from `buf` (`count` valid bits): the bits it
/// takes and the symbol, or `None` if its bits are not all there yet. Each
/// error is reported as soon as the bits that show it are there, in
/// zlib's order: literal/length code, its extra bits, distance code, its
/// extra bits, distance too far back.
#[inline(always)]
pub(in crate::deflate) fn symbol(
    t: &Tables<'_>,
    buf: u64,
    count: u32,
    io: &Io<'_, '_>,
) -> Result<Option<(u32, Symbol)>, InflateError> {
    let e = huffman::lookup(t.lit, t.lit_root, buf);
    let len = code_len(e);
    if len > count {
        return Ok(None);
    }
    match kind(e) {
        LITERAL => Ok(Some((len, Symbol::Literal(value(e) as u8)))),
        END => Ok(Some((len, Symbol::End))),
        BASE => matched(t, e, buf, count, io),
        _ => Err(InflateError::InvalidLiteralLength),
    }
}

/// The rest of a match after its length code `e`.
#[inline(always)]
fn matched(
    t: &Tables<'_>,
    e: u32,
    buf: u64,
    count: u32,
    io: &Io<'_, '_>,
) -> Result<Option<(u32, Symbol)>, InflateError> {
    let mut used = code_len(e) + extra_bits(e);
    if used > count {
        return Ok(None);
    }
    let len = value(e) + low(buf >> code_len(e), extra_bits(e));
    let d = huffman::lookup(t.dist, t.dist_root, buf >> used);
    if used + code_len(d) > count {
        return Ok(None);
    }
    if kind(d) != BASE {
        return Err(InflateError::InvalidDistance);
    }
    used += code_len(d);
    let dist = value(d) + low(buf >> used, extra_bits(d));
    used += extra_bits(d);
    if used > count {
        return Ok(None);
    }
    if dist as usize > io.history_now() {
        return Err(InflateError::DistanceTooFar);
    }
    Ok(Some((
        used,
        Symbol::Match {
            len: len as u16,
            dist: dist as u16,
        },
    )))
}

/// One call of [`decode`], for `kernels::lz::run_bmi2`.
pub(in crate::deflate) struct Decode<
    'a,
    'i,
    'w,
    const LIT_ROOT: u32,
    const DIST_ROOT: u32,
    const LIT_LEN: usize,
    const DIST_LEN: usize,
> {
    pub(in crate::deflate) lit: &'a [u32; LIT_LEN],
    pub(in crate::deflate) dist: &'a [u32; DIST_LEN],
    pub(in crate::deflate) bitbuf: &'a mut u64,
    pub(in crate::deflate) bitcount: &'a mut u32,
    pub(in crate::deflate) io: &'a mut Io<'i, 'w>,
}

impl<const LIT_ROOT: u32, const DIST_ROOT: u32, const LIT_LEN: usize, const DIST_LEN: usize>
    Bmi2Body for Decode<'_, '_, '_, LIT_ROOT, DIST_ROOT, LIT_LEN, DIST_LEN>
{
    type Out = Result<bool, InflateError>;

    #[inline(always)]
    fn run(self) -> Self::Out {
        decode::<LIT_ROOT, DIST_ROOT, LIT_LEN, DIST_LEN>(
            self.lit,
            self.dist,
            self.bitbuf,
            self.bitcount,
            self.io,
        )
    }
}

/// The fast loop: decodes while at least 8 input bytes and [`MAX_MATCH`]
/// bytes of output room remain. Returns true at the end of the block.
/// `bitbuf`/`bitcount` come in and go out with no bits above `bitcount`.
///
/// Each round starts with 56 or more bits buffered, more than a symbol
/// takes (a literal/length code with its extra bits and a distance code
/// with its extra bits: at most 15 + 5 + 15 + 13 = 48), so unlike
/// [`symbol`] it never checks for bits; errors come in the same order.
#[inline(always)]
pub(in crate::deflate) fn decode<
    const LIT_ROOT: u32,
    const DIST_ROOT: u32,
    const LIT_LEN: usize,
    const DIST_LEN: usize,
>(
    lit: &[u32; LIT_LEN],
    dist: &[u32; DIST_LEN],
    bitbuf: &mut u64,
    bitcount: &mut u32,
    io: &mut Io<'_, '_>,
) -> Result<bool, InflateError> {
    let (mut buf, mut count) = (*bitbuf, *bitcount);
    // The positions in locals (stored back once), the history as a base
    // to add the write position to.
    let (input, limit) = (io.input, io.limit);
    let (mut at, mut pos) = (io.at, io.pos);
    let ring = &mut *io.ring;
    let ring_len = ring.len();
    let history_base = io.history.wrapping_sub(io.start);
    // The ring has wrapped for this stream: see `copy_match`.
    let chunks_first = io.history >= ring_len;
    let result = loop {
        if pos + MAX_MATCH > limit {
            break Ok(false);
        }
        let Some(word) = input.get(at..).and_then(<[u8]>::first_chunk::<8>) else {
            break Ok(false);
        };
        // Branch-free refill: take whole bytes up to 56..=63 bits. The
        // bits read past them are the next bytes' own bits, so OR-ing
        // them in again later changes nothing; they are masked off below.
        buf |= u64::from_le_bytes(*word) << count;
        at += ((63 - count) >> 3) as usize;
        count |= 56;
        // A literal or a length from the root slot, tested in place; a
        // link (a code longer than the root), the end and invalid codes
        // go the longer way.
        let mut e = huffman::root(lit, LIT_ROOT, buf);
        if e & KIND_BITS > BASE_BITS {
            e = huffman::resolve(lit, LIT_ROOT, e, buf);
            match kind(e) {
                LITERAL | BASE => {}
                END => {
                    buf >>= code_len(e);
                    count -= code_len(e);
                    break Ok(true);
                }
                _ => break Err(InflateError::InvalidLiteralLength),
            }
        }
        if e & KIND_BITS == LITERAL_BITS {
            buf >>= code_len(e);
            count -= code_len(e);
            put(ring, pos, value(e) as u8);
            pos += 1;
            // At least 41 bits are left: room for a second literal
            // without a refill (the output had 258). A root slot only:
            // anything else waits for the next round.
            let e = huffman::root(lit, LIT_ROOT, buf);
            if e & KIND_BITS == LITERAL_BITS {
                buf >>= code_len(e);
                count -= code_len(e);
                put(ring, pos, value(e) as u8);
                pos += 1;
            }
            continue;
        }
        // A length (§3.2.5), then its distance.
        let used = code_len(e) + extra_bits(e);
        let len = value(e) + low(buf >> code_len(e), extra_bits(e));
        buf >>= used;
        count -= used;
        let mut d = huffman::root(dist, DIST_ROOT, buf);
        if d & KIND_BITS != BASE_BITS {
            d = huffman::resolve(dist, DIST_ROOT, d, buf);
            if kind(d) != BASE {
                break Err(InflateError::InvalidDistance);
            }
        }
        let used = code_len(d) + extra_bits(d);
        let dist = value(d) + low(buf >> code_len(d), extra_bits(d));
        // This stream's bytes in the ring, at most the ring.
        if dist as usize > history_base.wrapping_add(pos).min(ring_len) {
            break Err(InflateError::DistanceTooFar);
        }
        buf >>= used;
        count -= used;
        let len = len as usize;
        copy_match(ring, pos, dist as usize, len, chunks_first);
        pos += len;
    };
    (io.at, io.pos) = (at, pos);
    *bitbuf = buf & ((1u64 << count) - 1);
    *bitcount = count;
    result
}

/// Writes one byte at `pos` (the caller checked `pos < limit`).
#[inline(always)]
fn put(ring: &mut [u8], pos: usize, byte: u8) {
    if let Some(slot) = ring.get_mut(pos) {
        *slot = byte;
    }
}

/// Copies `n` bytes of a match at distance `dist` (1..=ring length) to
/// `pos` (with `pos + n` within the ring; the ring's length a power of
/// two), as LZ77 does: byte by byte forward, so a distance shorter than
/// the length repeats the pattern. A source before the ring's start wraps
/// to its end.
///
/// `chunks_first`: try whole chunks before a plain copy of a source that
/// ends before the destination. Measured on JSON (thread CPU time, the
/// inputs of bench/benches/deflate.rs): while the ring fills for the first
/// time, plain copies first are faster (16 KiB messages: chunks first took
/// 10 % longer); once it has wrapped, chunks first are (1 MiB: 27 % less
/// time), as a third of the matches then reach back across the ring's end.
#[inline(always)]
pub(in crate::deflate) fn copy_match(
    ring: &mut [u8],
    pos: usize,
    dist: usize,
    n: usize,
    chunks_first: bool,
) {
    if chunks_first
        && (copy_match_chunks::<16>(ring, pos, dist, n)
            || copy_match_chunks::<8>(ring, pos, dist, n))
    {
        return;
    }
    // The source wholly before the destination.
    if n <= dist && dist <= pos {
        if let Some((before, after)) = ring.split_at_mut_checked(pos) {
            let src = before.get(pos - dist..pos - dist + n).unwrap_or(&[]);
            copy(after, src);
            return;
        }
    }
    if copy_match_chunks::<16>(ring, pos, dist, n) || copy_match_chunks::<8>(ring, pos, dist, n) {
        return;
    }
    copy_match_slow(ring, pos, dist, n);
}

/// [`copy_match`] for overlapping and wrapping matches.
#[inline(never)]
fn copy_match_slow(ring: &mut [u8], pos: usize, dist: usize, n: usize) {
    if dist <= pos {
        lz_copy(ring, pos - dist, pos, n);
        return;
    }
    let src = (pos + ring.len()).wrapping_sub(dist);
    let first = n.min(ring.len().saturating_sub(src));
    lz_copy(ring, src, pos, first);
    lz_copy(ring, 0, pos + first, n - first);
}

/// `ring[dst + i] = ring[src + i]` for i in 0..n, in increasing i.
fn lz_copy(ring: &mut [u8], src: usize, dst: usize, n: usize) {
    if n == 0 || src == dst {
        return;
    }
    if src < dst {
        let period = dst - src;
        let Some(seg) = ring.get_mut(src..dst + n) else {
            return dead_arm!("matches stay inside the ring", ());
        };
        // The bytes written repeat with the period, so a copy may start
        // from the segment's beginning and double each time.
        let mut have = period;
        while have < seg.len() {
            let (done, rest) = seg.split_at_mut(have);
            let take = rest.len().min(have);
            copy(rest.get_mut(..take).unwrap_or(&mut []), done);
            have += take;
        }
        return;
    }
    // Source ahead of the destination (a wrapped match whose distance is
    // close to the ring length): chunks no longer than the gap.
    let gap = src - dst;
    let Some(seg) = ring.get_mut(dst..src + n) else {
        return dead_arm!("matches stay inside the ring", ());
    };
    let mut k = 0;
    while k < n {
        let take = gap.min(n - k);
        let Some((head, tail)) = seg.split_at_mut_checked(k + gap) else {
            return dead_arm!("k + gap stays within src + n - dst", ());
        };
        copy(head.get_mut(k..k + take).unwrap_or(&mut []), tail);
        k += take;
    }
}
