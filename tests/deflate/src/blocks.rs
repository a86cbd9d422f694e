//! Random dynamic blocks (RFC 1951 §3.2.7) that reach the code builders:
//! a valid code-length code, then literal/length and distance code lengths
//! that are complete, over-subscribed, incomplete, one-code or empty, then
//! symbols in those codes. Random bytes rarely get that far.

use crate::Rng;

pub use crate::test_bits::{Bits, canonical};

/// Lengths of a complete code for `n` of `symbols` symbols (random tree,
/// depth at most 15), the rest 0.
fn complete(r: &mut Rng, symbols: usize, n: usize) -> Vec<u8> {
    let mut leaves = vec![0u8];
    while leaves.len() < n {
        let i = r.below(leaves.len());
        if leaves[i] >= 15 {
            if leaves.iter().all(|&d| d >= 15) {
                break;
            }
            continue;
        }
        leaves[i] += 1;
        let d = leaves[i];
        leaves.push(d);
    }
    let mut lens = vec![0u8; symbols];
    let mut order: Vec<usize> = (0..symbols).collect();
    for i in (1..symbols).rev() {
        order.swap(i, r.below(i + 1));
    }
    for (&sym, &d) in order.iter().zip(&leaves) {
        lens[sym] = d.max(1);
    }
    lens
}

/// Lengths for one code, from a random shape.
fn lengths(r: &mut Rng, symbols: usize, eob: bool) -> Vec<u8> {
    let mut lens = match r.below(10) {
        0 => vec![0; symbols],
        1 => {
            let mut l = vec![0; symbols];
            l[r.below(symbols)] = 1 + r.below(2) as u8;
            l
        }
        _ => {
            let n = 2 + r.below(symbols - 1);
            complete(r, symbols, n)
        }
    };
    if eob && r.below(8) != 0 && lens[256] == 0 {
        let from = (0..symbols).find(|&s| lens[s] != 0).unwrap_or(0);
        lens.swap(256, from);
    }
    if r.below(4) == 0 {
        let i = r.below(symbols);
        lens[i] = (lens[i] as i32 + [1, -1, 2][r.below(3)]).clamp(0, 15) as u8;
    }
    lens
}

/// One dynamic block (BFINAL set) with random codes and a few symbols of
/// them, then a few random bytes.
pub fn dynamic_block(r: &mut Rng) -> Vec<u8> {
    let hlit = 257 + r.below(30);
    let hdist = 1 + r.below(30);
    let lit = lengths(r, hlit, true);
    let dist = lengths(r, hdist, false);
    let mut w = Bits::default();
    w.put(0b101, 3);
    w.put((hlit - 257) as u32, 5);
    w.put((hdist - 1) as u32, 5);
    w.put(15, 4);
    let n = 19 - r.below(6);
    let clen = complete(r, 19, n);
    for sym in [
        16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
    ] {
        w.put(u32::from(clen[sym]), 3);
    }
    let cc = canonical(&clen);
    let all: Vec<u8> = lit.iter().chain(&dist).copied().collect();
    let mut i = 0;
    while i < all.len() {
        let run = all[i..].iter().take_while(|&&l| l == all[i]).count();
        if all[i] == 0 && run >= 11 && cc[18].1 > 0 {
            let n = run.min(138);
            w.code(cc[18]);
            w.put((n - 11) as u32, 7);
            i += n;
        } else if i > 0 && all[i] == all[i - 1] && run >= 3 && cc[16].1 > 0 {
            let n = run.min(6);
            w.code(cc[16]);
            w.put((n - 3) as u32, 2);
            i += n;
        } else {
            w.code(cc[usize::from(all[i])]);
            i += 1;
        }
    }
    let (lc, dc) = (canonical(&lit), canonical(&dist));
    for _ in 0..r.below(40) {
        let sym = r.below(hlit);
        w.code(lc[sym]);
        if sym > 256 {
            w.put(r.next() as u32 & 0x1f, r.below(6) as u32);
            w.code(dc[r.below(hdist)]);
            w.put(r.next() as u32 & 0x1fff, r.below(14) as u32);
        }
    }
    w.code(lc[256]);
    let mut out = w.finish();
    for _ in 0..r.below(4) {
        out.push(r.next() as u8);
    }
    out
}
