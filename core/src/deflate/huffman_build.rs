//! Length-limited Huffman codes for the compressor (compression layer; RFC 1951
//! §3.2.2): code lengths from symbol frequencies, at most 15 bits (7 for
//! the code-length code), and the canonical codes they define.
//!
//! The lengths come from Moffat and Katajainen's in-place algorithm over
//! the frequencies sorted ascending; lengths over the limit are then
//! clamped and the Kraft sum restored by lengthening the deepest codes
//! that are still short (the adjustment zlib's `gen_bitlen` also makes).
//! Every code built here is complete: a single used symbol gets a partner
//! of the same length, so strict inflaters accept every tree.

/// The largest alphabet: 286 literal/length symbols (§3.2.5).
pub(crate) const MAX_SYMBOLS: usize = 286;

/// Work space for one tree: the symbols in ascending frequency order, and
/// the weights, then depths, of the in-place algorithm. 16 bits suffice:
/// a block's frequencies sum to at most 2^15 + 1 tokens (see
/// `Params::with_token_bits`), so no internal weight overflows.
#[derive(Debug, Clone)]
pub(crate) struct Scratch {
    work: [u16; MAX_SYMBOLS],
    syms: [u16; MAX_SYMBOLS],
}

impl Scratch {
    pub(crate) const fn new() -> Self {
        Self {
            work: [0; MAX_SYMBOLS],
            syms: [0; MAX_SYMBOLS],
        }
    }
}

fn rd(a: &[u16], i: usize) -> u16 {
    match a.get(i) {
        Some(v) => *v,
        None => dead_arm!("indices stay below the used-symbol count", 0),
    }
}

fn wr(a: &mut [u16], i: usize, v: u16) {
    if let Some(slot) = a.get_mut(i) {
        *slot = v;
    }
}

/// Fills `lens` (same length as `freq`, at most [`MAX_SYMBOLS`]) with code
/// lengths of at most `limit` bits for the frequencies `freq`; unused
/// symbols get 0. Frequencies sum to less than 2^16.
pub(crate) fn build_lengths(freq: &[u16], lens: &mut [u8], limit: u8, scratch: &mut Scratch) {
    lens.fill(0);
    let mut n = 0usize;
    for (sym, &f) in freq.iter().enumerate().take(MAX_SYMBOLS) {
        if f != 0 {
            wr(&mut scratch.syms, n, sym as u16);
            n += 1;
        }
    }
    if n < 2 {
        // A one-symbol (or empty) code: two codes of one bit, complete.
        let used = if n == 1 { scratch.syms[0] } else { 0 };
        let partner = if used == 0 { 1 } else { 0 };
        for sym in [usize::from(used), partner] {
            if let Some(l) = lens.get_mut(sym) {
                *l = 1;
            }
        }
        return;
    }
    let (Some(syms), Some(work)) = (scratch.syms.get_mut(..n), scratch.work.get_mut(..n)) else {
        dead_arm!("n <= MAX_SYMBOLS", return)
    };
    let weight = |s: u16| freq.get(usize::from(s)).copied().unwrap_or(0);
    // Stable radix sort by weight over symbols in ascending order: ties
    // stay in symbol order, so the trees are the same on every target.
    radix_pass(syms, work, |s| weight(s) & 0xff);
    if syms.iter().any(|&s| weight(s) > 0xff) {
        radix_pass(work, syms, |s| weight(s) >> 8);
    } else {
        syms.copy_from_slice(work);
    }
    for (w, s) in work.iter_mut().zip(syms.iter()) {
        *w = weight(*s);
    }
    depths_in_place(work);
    let mut counts = [0u16; 16];
    let limit = usize::from(limit.clamp(1, 15));
    for &d in work.iter() {
        if let Some(c) = counts.get_mut(usize::from(d).min(limit)) {
            *c += 1;
        }
    }
    enforce_limit(&mut counts, limit);
    // The most frequent symbols (at the end of the sorted order) take the
    // shortest lengths.
    let mut order = scratch.syms.iter().take(n).rev();
    for (len, &count) in counts.iter().enumerate().skip(1) {
        for _ in 0..count {
            if let Some(&sym) = order.next() {
                if let Some(l) = lens.get_mut(usize::from(sym)) {
                    *l = len as u8;
                }
            }
        }
    }
}

/// One stable counting-sort pass of `src` into `dst` (same length) by an
/// 8-bit key. Our own: the library's sorts keep a panic path (for
/// orderings that are not total), which the firmware's link proof
/// refuses; and two byte passes beat a comparison sort here.
fn radix_pass(src: &[u16], dst: &mut [u16], key: impl Fn(u16) -> u16) {
    let mut start = [0u16; 257];
    for &s in src {
        if let Some(c) = start.get_mut(usize::from(key(s) & 0xff) + 1) {
            *c += 1;
        }
    }
    let mut sum = 0;
    for c in start.iter_mut() {
        sum += *c;
        *c = sum;
    }
    for &s in src {
        if let Some(pos) = start.get_mut(usize::from(key(s) & 0xff)) {
            if let Some(d) = dst.get_mut(usize::from(*pos)) {
                *d = s;
            }
            *pos += 1;
        }
    }
}

/// Moffat–Katajainen: `a` holds weights sorted ascending (n ≥ 2); on
/// return `a[i]` is the code length of the i-th symbol of that order.
fn depths_in_place(a: &mut [u16]) {
    let n = a.len();
    // Phase 1: build the tree, internal weights and parent pointers in `a`.
    wr(a, 0, rd(a, 0) + rd(a, 1));
    let (mut root, mut leaf) = (0usize, 2usize);
    for next in 1..n - 1 {
        // First child: the lighter of the next internal node and leaf.
        if leaf >= n || rd(a, root) < rd(a, leaf) {
            wr(a, next, rd(a, root));
            wr(a, root, next as u16);
            root += 1;
        } else {
            wr(a, next, rd(a, leaf));
            leaf += 1;
        }
        // Second child.
        if leaf >= n || (root < next && rd(a, root) < rd(a, leaf)) {
            wr(a, next, rd(a, next) + rd(a, root));
            wr(a, root, next as u16);
            root += 1;
        } else {
            wr(a, next, rd(a, next) + rd(a, leaf));
            leaf += 1;
        }
    }
    // Phase 2: depths of the internal nodes.
    wr(a, n - 2, 0);
    for next in (0..n - 2).rev() {
        let parent = rd(a, next) as usize;
        wr(a, next, rd(a, parent) + 1);
    }
    // Phase 3: depths of the leaves.
    let (mut avail, mut used, mut depth) = (1usize, 0usize, 0u16);
    let mut root = n as isize - 2;
    let mut next = n as isize - 1;
    while avail > 0 {
        while root >= 0 && rd(a, root as usize) == depth {
            used += 1;
            root -= 1;
        }
        while avail > used {
            wr(a, next as usize, depth);
            next -= 1;
            avail -= 1;
        }
        avail = 2 * used;
        depth += 1;
        used = 0;
    }
}

/// Clamps the length histogram to `limit` bits and restores the Kraft sum:
/// each round removes one code at the limit and splits a shorter leaf.
fn enforce_limit(counts: &mut [u16; 16], limit: usize) {
    let full = 1u32 << limit;
    let mut total: u32 = counts
        .iter()
        .enumerate()
        .skip(1)
        .take(limit)
        .map(|(len, &c)| u32::from(c) << (limit - len))
        .sum();
    while total > full {
        if let Some(c) = counts.get_mut(limit) {
            *c = c.saturating_sub(1);
        }
        for len in (1..limit).rev() {
            if counts.get(len).is_some_and(|&c| c != 0) {
                if let Some(c) = counts.get_mut(len) {
                    *c -= 1;
                }
                if let Some(c) = counts.get_mut(len + 1) {
                    *c += 2;
                }
                break;
            }
        }
        total -= 1;
    }
}

/// Canonical codes (§3.2.2) for `lens`, bit-reversed into `codes` because
/// DEFLATE sends Huffman codes most significant bit first inside its
/// LSB-first bit stream.
pub(crate) fn canonical_codes(lens: &[u8], codes: &mut [u16]) {
    let mut count = [0u16; 16];
    for &l in lens {
        if let Some(c) = count.get_mut(usize::from(l)) {
            *c += 1;
        }
    }
    count[0] = 0;
    let mut next = [0u16; 16];
    let mut code = 0u16;
    for (slot, &below) in next.iter_mut().skip(1).zip(count.iter()) {
        code = (code + below) << 1;
        *slot = code;
    }
    for (&l, slot) in lens.iter().zip(codes.iter_mut()) {
        let Some(n) = next.get_mut(usize::from(l)) else {
            continue;
        };
        if l != 0 {
            *slot = n.reverse_bits() >> (16 - u32::from(l));
            *n = n.wrapping_add(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;

    fn kraft(lens: &[u8], limit: u8) -> u64 {
        lens.iter()
            .filter(|&&l| l != 0)
            .map(|&l| 1u64 << (limit - l))
            .sum()
    }

    /// The optimal (unlimited) cost: the sum of all merge weights.
    fn huffman_cost(freq: &[u16]) -> u64 {
        let mut heap: BinaryHeap<Reverse<u64>> = freq
            .iter()
            .filter(|&&f| f != 0)
            .map(|&f| Reverse(u64::from(f)))
            .collect();
        let mut cost = 0;
        while heap.len() > 1 {
            let (Reverse(a), Reverse(b)) = (heap.pop().unwrap(), heap.pop().unwrap());
            cost += a + b;
            heap.push(Reverse(a + b));
        }
        cost
    }

    fn cost(freq: &[u16], lens: &[u8]) -> u64 {
        freq.iter()
            .zip(lens)
            .map(|(&f, &l)| u64::from(f) * u64::from(l))
            .sum()
    }

    #[test]
    fn optimal_when_the_limit_does_not_bind() {
        let mut scratch = Scratch::new();
        let mut rng = crate::deflate::compress_corpus::Rng(77);
        for n in [2usize, 3, 19, 30, 100, 286] {
            for _ in 0..50 {
                let freq: Vec<u16> = (0..n).map(|_| (rng.next() % 100) as u16).collect();
                let mut lens = vec![0u8; n];
                build_lengths(&freq, &mut lens, 15, &mut scratch);
                if freq.iter().filter(|&&f| f != 0).count() >= 2 {
                    assert_eq!(cost(&freq, &lens), huffman_cost(&freq));
                    assert_eq!(kraft(&lens, 15), 1 << 15);
                }
                if freq.iter().filter(|&&f| f != 0).count() >= 2 {
                    for (f, l) in freq.iter().zip(&lens) {
                        assert_eq!(*f == 0, *l == 0);
                    }
                }
            }
        }
    }

    /// Fibonacci frequencies make the deepest possible tree (21 of them sum
    /// to 28 656, within a block's 2^15 + 1): the limit binds, every code
    /// stays within it and the code is complete.
    #[test]
    fn limited_codes_are_complete() {
        let mut scratch = Scratch::new();
        for (n, limit) in [(19usize, 7u8), (30, 15), (286, 15), (25, 7)] {
            let mut freq = vec![0u16; n];
            let (mut a, mut b) = (1u32, 1u32);
            for f in freq.iter_mut().take(21) {
                *f = a as u16;
                (a, b) = (b, a + b);
            }
            for f in freq.iter_mut().skip(21) {
                *f = 1;
            }
            let mut lens = vec![0u8; n];
            build_lengths(&freq, &mut lens, limit, &mut scratch);
            assert!(lens.iter().all(|&l| l <= limit && l > 0), "{lens:?}");
            assert_eq!(kraft(&lens, limit), 1 << limit);
        }
    }

    #[test]
    fn one_or_no_symbol_gets_a_complete_two_code() {
        let mut scratch = Scratch::new();
        let mut lens = [0u8; 30];
        build_lengths(&[0; 30], &mut lens, 15, &mut scratch);
        assert_eq!(&lens[..3], &[1, 1, 0]);
        let mut freq = [0u16; 30];
        freq[7] = 9;
        build_lengths(&freq, &mut lens, 15, &mut scratch);
        assert_eq!((lens[0], lens[7], kraft(&lens, 15)), (1, 1, 1 << 15));
    }

    /// §3.2.2's example: lengths (3, 3, 3, 3, 3, 2, 4, 4) give codes 010,
    /// 011, 100, 101, 110, 00, 1110, 1111 (here bit-reversed).
    #[test]
    fn canonical_codes_follow_rfc1951_example() {
        let lens = [3u8, 3, 3, 3, 3, 2, 4, 4];
        let mut codes = [0u16; 8];
        canonical_codes(&lens, &mut codes);
        let want = [0b010u16, 0b011, 0b100, 0b101, 0b110, 0b00, 0b1110, 0b1111];
        for ((&c, &w), &l) in codes.iter().zip(&want).zip(&lens) {
            assert_eq!(c, w.reverse_bits() >> (16 - l));
        }
    }
}
