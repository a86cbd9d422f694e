//! Length-limited Huffman codes for the compressor (helpers layer; RFC 1951
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

/// Work space for one tree: the sort keys, then the weights and depths of
/// the in-place algorithm, and the symbols in ascending frequency order.
#[derive(Debug, Clone)]
pub(crate) struct Scratch {
    work: [u32; MAX_SYMBOLS],
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

fn rd(a: &[u32], i: usize) -> u32 {
    match a.get(i) {
        Some(v) => *v,
        None => dead_arm!("indices stay below the used-symbol count", 0),
    }
}

fn wr(a: &mut [u32], i: usize, v: u32) {
    if let Some(slot) = a.get_mut(i) {
        *slot = v;
    }
}

/// Fills `lens` (same length as `freq`, at most [`MAX_SYMBOLS`]) with code
/// lengths of at most `limit` bits for the frequencies `freq`; unused
/// symbols get 0. Frequencies sum to less than 2^32.
pub(crate) fn build_lengths(freq: &[u16], lens: &mut [u8], limit: u8, scratch: &mut Scratch) {
    lens.fill(0);
    let mut n = 0usize;
    for (sym, &f) in freq.iter().enumerate().take(MAX_SYMBOLS) {
        if f != 0 {
            wr(&mut scratch.work, n, (u32::from(f) << 16) | sym as u32);
            n += 1;
        }
    }
    if n < 2 {
        // A one-symbol (or empty) code: two codes of one bit, complete.
        let used = if n == 1 {
            rd(&scratch.work, 0) & 0xffff
        } else {
            0
        };
        let partner = if used == 0 { 1 } else { 0 };
        for sym in [used as usize, partner] {
            if let Some(l) = lens.get_mut(sym) {
                *l = 1;
            }
        }
        return;
    }
    let work = match scratch.work.get_mut(..n) {
        Some(w) => w,
        None => dead_arm!("n <= MAX_SYMBOLS", return),
    };
    work.sort_unstable();
    for (s, w) in scratch.syms.iter_mut().zip(work.iter_mut()) {
        *s = (*w & 0xffff) as u16;
        *w >>= 16;
    }
    depths_in_place(work);
    let mut counts = [0u16; 16];
    let limit = usize::from(limit.clamp(1, 15));
    for &d in work.iter() {
        if let Some(c) = counts.get_mut((d as usize).min(limit)) {
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

/// Moffat–Katajainen: `a` holds weights sorted ascending (n ≥ 2); on
/// return `a[i]` is the code length of the i-th symbol of that order.
fn depths_in_place(a: &mut [u32]) {
    let n = a.len();
    // Phase 1: build the tree, internal weights and parent pointers in `a`.
    wr(a, 0, rd(a, 0) + rd(a, 1));
    let (mut root, mut leaf) = (0usize, 2usize);
    for next in 1..n - 1 {
        // First child: the lighter of the next internal node and leaf.
        if leaf >= n || rd(a, root) < rd(a, leaf) {
            wr(a, next, rd(a, root));
            wr(a, root, next as u32);
            root += 1;
        } else {
            wr(a, next, rd(a, leaf));
            leaf += 1;
        }
        // Second child.
        if leaf >= n || (root < next && rd(a, root) < rd(a, leaf)) {
            wr(a, next, rd(a, next) + rd(a, root));
            wr(a, root, next as u32);
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
    let (mut avail, mut used, mut depth) = (1usize, 0usize, 0u32);
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
