//! A bit writer and canonical codes for hand-built DEFLATE streams (test
//! support; RFC 1951 §3.1.1, §3.2.2): the inflater's tests here, and
//! tests/deflate (which includes this file by path), build their streams
//! with the same two pieces.

/// Least-significant-bit-first bit writer.
#[derive(Default)]
pub struct Bits {
    out: Vec<u8>,
    acc: u64,
    n: u32,
}

impl Bits {
    /// `n` bits of `v`, least significant first (header fields, extras).
    pub fn put(&mut self, v: u32, n: u32) {
        self.acc |= u64::from(v) << self.n;
        self.n += n;
        while self.n >= 8 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.n -= 8;
        }
    }

    /// A Huffman code, most significant bit first (§3.1.1).
    pub fn code(&mut self, (code, len): (u32, u32)) {
        if len > 0 {
            self.put(code.reverse_bits() >> (32 - len), len);
        }
    }

    /// Zero bits up to the next byte boundary.
    pub fn align(&mut self) {
        // `put` leaves fewer than 8 bits pending.
        if self.n > 0 {
            self.put(0, 8 - self.n);
        }
    }

    /// Bytes written so far, a partial last byte included (tests/deflate's
    /// compressor tests measure hand-built tails with it).
    #[allow(dead_code)]
    pub fn len(&self) -> usize {
        self.out.len() + usize::from(self.n > 0)
    }

    /// Whether nothing was written.
    #[allow(dead_code)]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The bytes, the last one padded with zero bits.
    pub fn finish(mut self) -> Vec<u8> {
        self.align();
        self.out
    }
}

/// Canonical codes (§3.2.2) for code lengths: (code, length) per symbol.
pub fn canonical(lens: &[u8]) -> Vec<(u32, u32)> {
    let mut count = [0u32; 16];
    for &l in lens {
        count[usize::from(l)] += 1;
    }
    count[0] = 0;
    let mut next = [0u32; 17];
    for l in 1..16 {
        next[l + 1] = (next[l] + count[l]) << 1;
    }
    lens.iter()
        .map(|&l| {
            let c = next[usize::from(l)];
            next[usize::from(l)] += 1;
            (c, u32::from(l))
        })
        .collect()
}
