//! SHA-1 (FIPS 180-4 §6.1) for the accept key (handshake layer).
//!
//! Hashes the ~60 bytes of `Sec-WebSocket-Key ‖ GUID` once per handshake,
//! so it is written for size and for having no panic path, not for speed:
//! one rolled loop over the 80 rounds with a 16-word message schedule.
//! Nothing secret is hashed (RFC 6455 §10.3 asks nothing of SHA-1 here but
//! that both ends compute the same value), so it is not constant-time.

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

impl Sha1 {
    /// The initial hash value (FIPS 180-4 §5.3.1).
    pub(crate) const fn new() -> Self {
        Self {
            state: [
                0x6745_2301,
                0xefcd_ab89,
                0x98ba_dcfe,
                0x1032_5476,
                0xc3d2_e1f0,
            ],
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
            let free = self.block.get_mut(self.fill..).unwrap_or_default();
            let take = free.len().min(data.len());
            for (dst, src) in free.iter_mut().zip(data) {
                *dst = *src;
            }
            data = data.get(take..).unwrap_or_default();
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
        let mut digest = [0u8; 20];
        for (bytes, word) in digest.chunks_exact_mut(4).zip(self.state) {
            for (dst, src) in bytes.iter_mut().zip(word.to_be_bytes()) {
                *dst = src;
            }
        }
        digest
    }

    /// Compresses the buffered block once it is full.
    fn compress_if_full(&mut self) {
        if self.fill == BLOCK {
            compress(&mut self.state, &self.block);
            self.fill = 0;
        }
    }
}

/// The compression function (§6.1.2) on one block: four 20-round
/// stages, each with its own function and constant, so no round chooses.
fn compress(state: &mut [u32; 5], block: &[u8; BLOCK]) {
    let mut w = [0u32; 16];
    for (word, bytes) in w.iter_mut().zip(block.chunks_exact(4)) {
        *word = bytes.iter().fold(0, |acc, &b| (acc << 8) | u32::from(b));
    }
    let mut v = *state;
    stage(&mut v, &mut w, 0, 0x5a82_7999, |b, c, d| (b & c) | (!b & d));
    stage(&mut v, &mut w, 20, 0x6ed9_eba1, |b, c, d| b ^ c ^ d);
    stage(&mut v, &mut w, 40, 0x8f1b_bcdc, |b, c, d| {
        (b & c) | (b & d) | (c & d)
    });
    stage(&mut v, &mut w, 60, 0xca62_c1d6, |b, c, d| b ^ c ^ d);
    for (s, x) in state.iter_mut().zip(v) {
        *s = s.wrapping_add(x);
    }
}

/// Rounds `first..first + 20` with round function `f` and constant `k`.
#[inline(always)]
fn stage(
    v: &mut [u32; 5],
    w: &mut [u32; 16],
    first: usize,
    k: u32,
    f: impl Fn(u32, u32, u32) -> u32,
) {
    let [mut a, mut b, mut c, mut d, mut e] = *v;
    for t in first..first + 20 {
        // The schedule in a ring of 16 words: W[t] overwrites W[t - 16].
        let wt = if t < 16 {
            at(w, t)
        } else {
            let x = (at(w, t + 13) ^ at(w, t + 8) ^ at(w, t + 2) ^ at(w, t)).rotate_left(1);
            if let Some(slot) = w.get_mut(t & 15) {
                *slot = x;
            }
            x
        };
        let temp = a
            .rotate_left(5)
            .wrapping_add(f(b, c, d))
            .wrapping_add(e)
            .wrapping_add(k)
            .wrapping_add(wt);
        e = d;
        d = c;
        c = b.rotate_left(30);
        b = a;
        a = temp;
    }
    *v = [a, b, c, d, e];
}

/// `w[i mod 16]`.
fn at(w: &[u32; 16], i: usize) -> u32 {
    w.get(i & 15).copied().unwrap_or(0)
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
