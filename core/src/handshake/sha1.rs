//! SHA-1 (FIPS 180-4 §6.1) for the accept key (handshake layer).
//!
//! Hashes the 60 bytes of `Sec-WebSocket-Key ‖ GUID` once per handshake
//! (RFC 6455 §4.2.2 item 5.4). A valid key always makes the same two-block
//! message shape, which [`key_guid_digest`] uses; [`Sha1`] hashes any
//! other input. Both share one compression function, written so that the
//! compiler can unroll it where it optimises for speed (five rounds per
//! step, no moves between rounds) and keep it one small loop per stage
//! where it optimises for size (opt-level "s"/"z"). Nothing panics: the
//! schedule is a ring of 16 words read with masked indices. Nothing secret
//! is hashed (RFC 6455 §10.3 asks nothing of SHA-1 here but that both ends
//! compute the same value), so it is not constant-time.

use super::WEBSOCKET_GUID;

/// Bytes per block.
const BLOCK: usize = 64;

/// A running SHA-1 over bytes fed with [`Sha1::update`].
pub(crate) struct Sha1 {
    state: [u32; 5],
    block: [u8; BLOCK],
    /// Bytes in `block`; always below [`BLOCK`] between calls.
    fill: usize,
    /// Message length in bytes (mod 2^64).
    len: u64,
}

/// The initial hash value H(0) (FIPS 180-4 §5.3.1).
const INITIAL: [u32; 5] = [
    0x6745_2301,
    0xefcd_ab89,
    0x98ba_dcfe,
    0x1032_5476,
    0xc3d2_e1f0,
];

/// The constants K (FIPS 180-4 §4.2.1), one per 20-round stage.
const K: [u32; 4] = [0x5a82_7999, 0x6ed9_eba1, 0x8f1b_bcdc, 0xca62_c1d6];

impl Sha1 {
    /// A hash of the empty message so far.
    pub(crate) const fn new() -> Self {
        Self {
            state: INITIAL,
            block: [0; BLOCK],
            fill: 0,
            len: 0,
        }
    }

    /// Appends `data` to the message.
    pub(crate) fn update(&mut self, mut data: &[u8]) {
        self.len = self.len.wrapping_add(data.len() as u64);
        while !data.is_empty() {
            if self.fill == 0 {
                if let Some((block, rest)) = data.split_first_chunk::<BLOCK>() {
                    // Whole blocks straight from `data`.
                    compress(&mut self.state, block);
                    data = rest;
                    continue;
                }
            }
            let free = self
                .block
                .get_mut(self.fill..)
                .unwrap_or(dead_arm!("`fill` is below `BLOCK` between calls", &mut []));
            let take = free.len().min(data.len());
            for (dst, src) in free.iter_mut().zip(data) {
                *dst = *src;
            }
            data = data
                .get(take..)
                .unwrap_or(dead_arm!("`take` is at most `data.len()`", &[]));
            self.fill += take;
            self.compress_if_full();
        }
    }

    /// Pads the message (§5.1.1) and returns the digest, big-endian.
    pub(crate) fn finish(mut self) -> [u8; 20] {
        let bits = self.len.wrapping_mul(8);
        // 0x80, zeros up to 8 bytes before a block end, the bit length.
        let mut tail = self.block.iter_mut().skip(self.fill);
        if let Some(b) = tail.next() {
            *b = 0x80;
        }
        tail.for_each(|b| *b = 0);
        if self.fill + 1 > BLOCK - 8 {
            compress(&mut self.state, &self.block);
            self.block = [0; BLOCK];
        }
        if let Some(len) = self.block.last_chunk_mut::<8>() {
            *len = bits.to_be_bytes();
        }
        compress(&mut self.state, &self.block);
        digest(self.state)
    }

    /// Compresses the buffered block once it is full.
    fn compress_if_full(&mut self) {
        if self.fill == BLOCK {
            compress(&mut self.state, &self.block);
            self.fill = 0;
        }
    }
}

/// SHA-1 of `key ‖ GUID` for a `Sec-WebSocket-Key` of the only valid
/// length, 24 bytes (RFC 6455 §4.1 item 7, §4.2.2 item 5.4).
///
/// The message is always 60 bytes, so its padding (FIPS 180-4 §5.1.1) is
/// always in the same place and nothing is buffered: block 1 is the key
/// (words 0–5), the GUID (words 6–14) and the 0x80 byte (word 15,
/// [`KEY_BLOCK_TAIL`]); block 2 is 56 zero bytes and the bit length 480.
/// Only words 0–5 depend on the input. Where the compression is inlined
/// here (rustc 1.95 does at opt-level 3, seen in the disassembly), the
/// compiler folds the constant words into the schedule: block 2's whole
/// schedule and W + K become constants. At opt-level "s"/"z" both blocks
/// call the one shared compression instead.
///
/// A `const` table of block 2's W + K would not depend on inlining, but
/// costs 320 B plus a second copy of the rounds at opt-level "z" (≈ +1 KiB
/// on thumbv7m, for ≈ 10 % on x86-64): not taken.
pub(crate) fn key_guid_digest(key: &[u8; 24]) -> [u8; 20] {
    let mut w = [0u32; 16];
    load_words(key, &mut w);
    for (word, tail) in w.iter_mut().skip(6).zip(KEY_BLOCK_TAIL) {
        *word = tail;
    }
    let mut state = INITIAL;
    compress_words(&mut state, w);
    let mut length_block = [0; 16];
    if let Some(last) = length_block.last_mut() {
        *last = 60 * 8;
    }
    compress_words(&mut state, length_block);
    digest(state)
}

/// Words 6–15 of block 1 of `key ‖ GUID` for a 24-byte key: the 36 bytes
/// of the GUID (RFC 6455 §1.3) as big-endian words (FIPS 180-4 §3.1), then
/// the 0x80 byte that starts the padding (§5.1.1) and three zero bytes.
const KEY_BLOCK_TAIL: [u32; 10] = {
    assert!(WEBSOCKET_GUID.len() == 36, "the GUID fills words 6 to 14");
    let mut tail = [0x8000_0000; 10];
    let mut guid = WEBSOCKET_GUID.as_bytes();
    let mut words: &mut [u32] = &mut tail;
    while let (Some((bytes, guid_rest)), Some((word, words_rest))) =
        (guid.split_first_chunk::<4>(), words.split_first_mut())
    {
        *word = u32::from_be_bytes(*bytes);
        guid = guid_rest;
        words = words_rest;
    }
    tail
};

/// The digest: the final hash value's words, big-endian (§6.1.2).
fn digest(state: [u32; 5]) -> [u8; 20] {
    let mut digest = [0u8; 20];
    let mut rest = digest.as_mut_slice();
    for word in state {
        if let Some((bytes, tail)) = core::mem::take(&mut rest).split_first_chunk_mut::<4>() {
            *bytes = word.to_be_bytes();
            rest = tail;
        }
    }
    digest
}

/// The compression function (§6.1.2) on one block of bytes.
fn compress(state: &mut [u32; 5], block: &[u8; BLOCK]) {
    let mut w = [0u32; 16];
    load_words(block, &mut w);
    compress_words(state, w);
}

/// Reads `bytes` into `words` as big-endian words (§3.1) while both last.
/// (Not `chunks_exact`: where it is not inlined, its division by the
/// chunk size keeps a panic path.)
fn load_words(mut bytes: &[u8], words: &mut [u32]) {
    for word in words {
        if let Some((chunk, rest)) = bytes.split_first_chunk::<4>() {
            *word = u32::from_be_bytes(*chunk);
            bytes = rest;
        }
    }
}

/// The compression function (§6.1.2) on one block given as its 16
/// big-endian words M(i)0..M(i)15.
#[inline]
fn compress_words(state: &mut [u32; 5], mut w: [u32; 16]) {
    rounds(state, |t| schedule(&mut w, t));
}

/// Steps 2–4 of §6.1.2: the 80 rounds on `state`, `w(t)` giving `W[t]`.
#[inline(always)]
fn rounds(state: &mut [u32; 5], mut w: impl FnMut(usize) -> u32) {
    let mut v = *state;
    let [k0, k1, k2, k3] = K;
    // Ch and Maj (§4.1.1) in forms with fewer operations; Maj's two terms
    // share no set bit, so + is | there and folds into the round's sum.
    stage(&mut v, 0, k0, |b, c, d| d ^ (b & (c ^ d)), &mut w);
    stage(&mut v, 20, k1, |b, c, d| b ^ c ^ d, &mut w);
    let maj = |b: u32, c: u32, d: u32| (b & c).wrapping_add(d & (b ^ c));
    stage(&mut v, 40, k2, maj, &mut w);
    stage(&mut v, 60, k3, |b, c, d| b ^ c ^ d, &mut w);
    for (s, x) in state.iter_mut().zip(v) {
        *s = s.wrapping_add(x);
    }
}

/// `W[t]` (§6.1.2 step 1), the schedule kept in a ring of 16 words: for
/// t ≥ 16, `W[t]` overwrites `W[t − 16]`.
#[inline(always)]
fn schedule(w: &mut [u32; 16], t: usize) -> u32 {
    if t < 16 {
        return at(w, t);
    }
    let x = (at(w, t + 13) ^ at(w, t + 8) ^ at(w, t + 2) ^ at(w, t)).rotate_left(1);
    if let Some(slot) = w.get_mut(t & 15) {
        *slot = x;
    }
    x
}

/// `w[i mod 16]`.
#[inline(always)]
fn at(w: &[u32; 16], i: usize) -> u32 {
    w.get(i & 15)
        .copied()
        .unwrap_or(dead_arm!("`i & 15` indexes 16 words", 0))
}

/// Rounds `first..first + 20` (§6.1.2 step 3), all with round function `f`
/// and constant `k`, so no round chooses. Each step is five rounds that
/// rename a…e instead of moving them; a fully unrolled stage has no moves.
#[inline(always)]
fn stage(
    v: &mut [u32; 5],
    first: usize,
    k: u32,
    f: impl Fn(u32, u32, u32) -> u32,
    w: &mut impl FnMut(usize) -> u32,
) {
    let [mut a, mut b, mut c, mut d, mut e] = *v;
    let mut wk = |t| w(t).wrapping_add(k);
    for step in 0..4 {
        let t = first + 5 * step;
        round(a, &mut b, c, d, &mut e, &f, wk(t));
        round(e, &mut a, b, c, &mut d, &f, wk(t + 1));
        round(d, &mut e, a, b, &mut c, &f, wk(t + 2));
        round(c, &mut d, e, a, &mut b, &f, wk(t + 3));
        round(b, &mut c, d, e, &mut a, &f, wk(t + 4));
    }
    *v = [a, b, c, d, e];
}

/// One round (§6.1.2 step 3) on variables in the roles a…e, without its
/// moves: T = ROTL5(a) + f(b, c, d) + e + K + W lands in e and ROTL30(b)
/// in b, so the next round takes (e, a, b, c, d) as its a…e. ROTL5(a) is
/// added last: `a` is the previous round's T, the other terms are ready
/// sooner.
#[inline(always)]
fn round(
    a: u32,
    b: &mut u32,
    c: u32,
    d: u32,
    e: &mut u32,
    f: impl Fn(u32, u32, u32) -> u32,
    wk: u32,
) {
    *e = e
        .wrapping_add(wk)
        .wrapping_add(f(*b, c, d))
        .wrapping_add(a.rotate_left(5));
    *b = b.rotate_left(30);
}

#[cfg(test)]
mod tests {
    use super::Sha1;
    use proptest::prelude::*;

    fn sha1(parts: &[&[u8]]) -> [u8; 20] {
        let mut h = Sha1::new();
        for part in parts {
            h.update(part);
        }
        h.finish()
    }

    /// FIPS 180-2 appendix A vectors.
    #[test]
    fn fips_vectors() {
        let hex = |d: [u8; 20]| d.iter().map(|b| format!("{b:02x}")).collect::<String>();
        assert_eq!(
            hex(sha1(&[b"abc"])),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
        assert_eq!(
            hex(sha1(&[b""])),
            "da39a3ee5e6b4b0d3255bfef95601890afd80709"
        );
        assert_eq!(
            hex(sha1(&[
                b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
            ])),
            "84983e441c3bd26ebaae4aa1f95129e5e54670f1"
        );
        // 15 625 blocks take many minutes under Miri; the block loop is the
        // same for the vectors above.
        if !cfg!(miri) {
            let million = vec![b'a'; 1_000_000];
            assert_eq!(
                hex(sha1(&[&million])),
                "34aa973cd4c4daa4f61eeb2bdbad27316534016f"
            );
        }
    }

    /// Every length across the padding boundaries (55, 56, 63, 64, 119, 120,
    /// 127, 128 …) and every split point agrees with `sha1_smol`.
    #[test]
    fn every_length_and_split_matches_sha1_smol() {
        let data: std::vec::Vec<u8> = (0..200u32).map(|i| (i * 97 + 13) as u8).collect();
        let step = if cfg!(miri) { 29 } else { 1 };
        for len in (0..=data.len()).step_by(step) {
            let want = sha1_smol::Sha1::from(&data[..len]).digest().bytes();
            for cut in (0..=len).step_by(step) {
                let (x, y) = data[..len].split_at(cut);
                assert_eq!(sha1(&[x, y]), want, "len {len} cut {cut}");
            }
        }
    }

    proptest! {
        /// Agrees with the `sha1_smol` crate for any input split in two.
        #[test]
        fn matches_sha1_smol(data in proptest::collection::vec(any::<u8>(), 0..300), cut in 0usize..300) {
            let cut = cut.min(data.len());
            let (x, y) = data.split_at(cut);
            prop_assert_eq!(sha1(&[x, y]), sha1_smol::Sha1::from(&data).digest().bytes());
        }
    }
}
