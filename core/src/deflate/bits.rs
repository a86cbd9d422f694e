//! Bit output of the compressor (compression layer; RFC 1951 §3.1.1): DEFLATE
//! packs bits from the least significant end of each byte. Codes are put
//! into a 64-bit accumulator and drained into whatever output buffer the
//! caller lends, so a block can stop at any byte and resume in the next
//! buffer.

/// The most bits one item (a token with its extra bits, or a header field)
/// adds at once: a 15-bit length code, 5 extra bits, a 15-bit distance code
/// and 13 extra bits.
pub(crate) const MAX_ITEM_BITS: u32 = 48;

/// The bit accumulator: `nbits` pending bits in the low end of `acc`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BitSink {
    acc: u64,
    nbits: u32,
}

impl BitSink {
    /// An empty accumulator.
    pub(crate) const fn new() -> Self {
        Self { acc: 0, nbits: 0 }
    }

    /// Whether one more item of up to [`MAX_ITEM_BITS`] fits.
    pub(crate) const fn has_room(&self) -> bool {
        self.nbits + MAX_ITEM_BITS <= 64
    }

    /// Bits waiting to be written.
    pub(crate) const fn pending(&self) -> u32 {
        self.nbits
    }

    /// Appends the low `n` bits of `bits` (LSB first). The caller checked
    /// [`Self::has_room`] (or knows the sum stays within 64 bits).
    pub(crate) fn put(&mut self, bits: u32, n: u32) {
        let masked = u64::from(bits) & ((1u64 << (n & 63)) - 1);
        self.acc |= masked.wrapping_shl(self.nbits);
        self.nbits = (self.nbits + n).min(64);
    }

    /// Pads with zero bits up to the next byte boundary (§3.2.4: a stored
    /// block's LEN starts on a byte boundary).
    pub(crate) fn align(&mut self) {
        self.nbits = (self.nbits + 7) & !7;
    }

    /// Moves whole bytes into `out[*written..]`; returns whether no whole
    /// byte is left pending (partial bits stay).
    pub(crate) fn drain(&mut self, out: &mut [u8], written: &mut usize) -> bool {
        let whole = (self.nbits / 8) as usize;
        // Fast path: all eight bytes go out; only `whole` (maybe none)
        // count. No branch on `whole`: whether a token completed a byte
        // is a coin toss the branch predictor loses.
        if let Some(dst) = out.get_mut(*written..).and_then(|o| o.get_mut(..8)) {
            dst.copy_from_slice(&self.acc.to_le_bytes());
            let bits = (whole as u32) * 8;
            *written += whole;
            // `bits` ≤ 56: a plain shift.
            self.acc = self.acc.checked_shr(bits).unwrap_or(0);
            self.nbits -= bits;
            return true;
        }
        if whole == 0 {
            return true;
        }
        let room = out.len().saturating_sub(*written);
        let n = whole.min(room);
        let bytes = self.acc.to_le_bytes();
        for (dst, src) in out.iter_mut().skip(*written).zip(bytes.iter()).take(n) {
            *dst = *src;
        }
        self.consume(n, written);
        n == whole
    }

    fn consume(&mut self, bytes: usize, written: &mut usize) {
        *written += bytes;
        let bits = (bytes as u32) * 8;
        self.acc = self.acc.checked_shr(bits).unwrap_or(0);
        self.nbits -= bits.min(self.nbits);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packs_lsb_first_and_resumes_in_small_buffers() {
        let mut sink = BitSink::new();
        sink.put(0b1, 1);
        sink.put(0b01, 2);
        sink.put(0xabcd, 16);
        sink.align();
        let mut out = [0u8; 1];
        let mut all = Vec::new();
        loop {
            let mut written = 0;
            let done = sink.drain(&mut out, &mut written);
            all.extend_from_slice(&out[..written]);
            if done {
                break;
            }
        }
        let mut big = BitSink::new();
        big.put(0b1, 1);
        big.put(0b01, 2);
        big.put(0xabcd, 16);
        big.align();
        let mut out = [0u8; 16];
        let mut written = 0;
        assert!(big.drain(&mut out, &mut written));
        assert_eq!(all, out[..written]);
        assert_eq!(all, [0b0110_1011, 0x5e, 0x05]);
    }
}
