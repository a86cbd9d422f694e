//! A dynamic block's header (compression layer; RFC 1951 §3.2.7): HLIT, HDIST
//! and HCLEN, the code-length code, the literal/length and distance code
//! lengths (with repeats 16–18), then the two decode tables. Resumable at
//! every field; rejected exactly where zlib rejects it.

use super::super::huffman::{self, Alphabet, CLEN_ROOT, DIST_ROOT, LIT_ROOT};
use super::super::tables::CODE_LENGTH_ORDER;
use super::fast::Io;
use super::{InflateError, InflateStatus, Inflater, MAX_LENS, State};

impl Inflater {
    pub(super) fn counts(
        &mut self,
        io: &mut Io<'_, '_>,
    ) -> Result<Option<InflateStatus>, InflateError> {
        if !self.need(io, 14) {
            return Ok(Some(InflateStatus::NeedsInput));
        }
        let counts = self.bits(14);
        self.consume(14);
        self.hlit = (counts & 0x1f) as u16 + 257;
        self.hdist = ((counts >> 5) & 0x1f) as u8 + 1;
        self.hclen = ((counts >> 10) & 0xf) as u8 + 4;
        if self.hlit > 286 || self.hdist > 30 {
            return Err(InflateError::TooManyCodes);
        }
        self.lens = [0; MAX_LENS];
        self.state = State::CodeLengthLens(0);
        Ok(None)
    }

    pub(super) fn code_length_lens(
        &mut self,
        io: &mut Io<'_, '_>,
        mut i: u8,
    ) -> Result<Option<InflateStatus>, InflateError> {
        while i < self.hclen {
            if !self.need(io, 3) {
                self.state = State::CodeLengthLens(i);
                return Ok(Some(InflateStatus::NeedsInput));
            }
            let sym = CODE_LENGTH_ORDER.get(usize::from(i)).copied().unwrap_or(0);
            let len = self.bits(3) as u8;
            if let Some(slot) = self.lens.get_mut(usize::from(sym)) {
                *slot = len;
            }
            self.consume(3);
            i += 1;
        }
        let lens = self.lens.get(..19).unwrap_or(&[]);
        if !huffman::build(lens, Alphabet::CodeLengths, CLEN_ROOT, &mut self.dist) {
            return Err(InflateError::BadCodeLengthCode);
        }
        self.lens = [0; MAX_LENS];
        self.state = State::CodeLens(0);
        Ok(None)
    }

    pub(super) fn code_lens(
        &mut self,
        io: &mut Io<'_, '_>,
        mut i: u16,
    ) -> Result<Option<InflateStatus>, InflateError> {
        let total = self.hlit + u16::from(self.hdist);
        while i < total {
            if self.bitcount < 14 {
                self.pull(io);
            }
            let e = huffman::lookup(&self.dist, CLEN_ROOT, self.bitbuf);
            let (len, sym) = (huffman::code_len(e), huffman::value(e));
            let (extra, base) = match sym {
                16 => (2, 3),
                17 => (3, 3),
                18 => (7, 11),
                _ => (0, 0),
            };
            if len + extra > self.bitcount {
                self.state = State::CodeLens(i);
                return Ok(Some(InflateStatus::NeedsInput));
            }
            if sym < 16 {
                self.consume(len);
                if let Some(l) = self.lens.get_mut(usize::from(i)) {
                    *l = sym as u8;
                }
                i += 1;
                continue;
            }
            let repeat = base + ((self.bitbuf >> len) as u32 & ((1 << extra) - 1));
            self.consume(len + extra);
            let fill = match (sym, i.checked_sub(1)) {
                (16, None) => return Err(InflateError::BadRepeat),
                (16, Some(prev)) => self.lens.get(usize::from(prev)).copied().unwrap_or(0),
                _ => 0,
            };
            let end = i + repeat as u16;
            if end > total {
                return Err(InflateError::BadRepeat);
            }
            let run = self
                .lens
                .get_mut(usize::from(i)..usize::from(end))
                .unwrap_or(&mut []);
            run.fill(fill);
            i = end;
        }
        self.build_tables()?;
        self.state = State::Codes;
        Ok(None)
    }

    /// Builds a dynamic block's two tables from the lengths just read.
    fn build_tables(&mut self) -> Result<(), InflateError> {
        let hlit = usize::from(self.hlit);
        if self.lens.get(256).copied().unwrap_or(0) == 0 {
            return Err(InflateError::MissingEndOfBlock);
        }
        let lit_lens = self.lens.get(..hlit).unwrap_or(&[]);
        if !huffman::build(lit_lens, Alphabet::LitLen, LIT_ROOT, &mut self.lit) {
            return Err(InflateError::BadLiteralLengthCode);
        }
        let dist_lens = self
            .lens
            .get(hlit..hlit + usize::from(self.hdist))
            .unwrap_or(&[]);
        if !huffman::build(dist_lens, Alphabet::Dist, DIST_ROOT, &mut self.dist) {
            return Err(InflateError::BadDistanceCode);
        }
        self.fixed = false;
        Ok(())
    }
}
