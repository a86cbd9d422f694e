//! The inflater (compression layer; RFC 1951 DEFLATE decoding for RFC 7692):
//! raw DEFLATE into a caller-owned ring of 2^N bytes, resumable at any
//! bit, no heap, no borrow held between calls.
//!
//! The rules, in one place:
//! - [`Inflater`] holds only fixed-size state (bit buffer, block state,
//!   the dynamic Huffman tables, ring position); the caller passes the
//!   same window (the ring, exactly [`Inflater::window_len`] bytes) on
//!   every call and leaves it untouched between calls: it is the LZ77
//!   history.
//! - Each call decodes until the input is used up ([`InflateStatus::NeedsInput`]),
//!   the output reaches the ring's end or `max_out` ([`InflateStatus::OutputFull`]),
//!   or a final block ends ([`InflateStatus::StreamEnd`]). The output is one
//!   contiguous slice of the ring; the next call continues after it.
//!   Input may come in pieces of any size: the same bytes give the same
//!   output however they are split.
//! - Truncated data is never an error: it is [`InflateStatus::NeedsInput`]. Corrupt
//!   data is an [`InflateError`], decided exactly where zlib decides it
//!   (same accept/reject verdict as zlib's raw inflate with the same
//!   window). Once failed, the inflater stays failed until [`Inflater::reset`].
//! - After a final block (BFINAL), further input starts a new stream with
//!   no history: what Chromium and WebKit do with a BFINAL block in the
//!   middle of a message (RFC 7692 §7.2.3.4).

use super::huffman::{
    DIST_ENOUGH, DIST_ROOT, FIXED_DIST, FIXED_DIST_ROOT, FIXED_LIT, FIXED_LIT_ROOT, LIT_ENOUGH,
    LIT_ROOT,
};
use crate::kernels::lz::run_bmi2;
use fast::{Io, Symbol, Tables, copy_match};

mod error;
pub(super) mod fast;
mod header;
#[cfg(test)]
mod tests;

use super::{MAX_WINDOW_BITS, MIN_WINDOW_BITS, TRAILER};
pub use error::InflateError;

/// Why a call returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InflateStatus {
    /// Every input byte is taken (some may wait in the bit buffer): call
    /// again with more input. A stream cut short here is not an error.
    NeedsInput,
    /// The output reached the ring's end or `max_out`: call again (with
    /// the input not yet consumed) for more. Also returned with the output
    /// that came before an error; the next call returns the error.
    OutputFull,
    /// A final block ended: the stream is complete. Call again: further
    /// input starts a new stream with no history.
    StreamEnd,
    /// From [`Inflater::finish_message`] only: the message's trailer is
    /// inflated and the stream stands at a block boundary.
    MessageEnd,
}

/// What one call did.
#[derive(Debug)]
#[must_use]
pub struct Inflated<'w> {
    /// Input bytes consumed (all of them unless the output filled up or a
    /// stream ended).
    pub consumed: usize,
    /// The bytes inflated by this call: one contiguous slice of the ring.
    pub output: &'w [u8],
    /// Why the call returned.
    pub status: InflateStatus,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Next: a 3-bit block header (§3.2.3).
    Header,
    /// Next: a stored block's LEN and NLEN, after the byte boundary.
    StoredLengths,
    /// Copying a stored block: bytes left.
    Stored(u16),
    /// Next: HLIT, HDIST, HCLEN (§3.2.7).
    Counts,
    /// Reading the code-length code's lengths: index of the next.
    CodeLengthLens(u8),
    /// Reading the literal/length and distance code lengths: next index.
    CodeLens(u16),
    /// Decoding literals and matches.
    Codes,
    /// A match being copied: bytes left and its distance.
    Copy { len: u16, dist: u16 },
    /// A final block ended; any further bit starts a new stream.
    StreamEnd,
    /// Corrupt data seen: every call returns this error until `reset`.
    Failed(InflateError),
}

/// Most literal/length plus distance code lengths a dynamic block sends.
const MAX_LENS: usize = 286 + 30;

/// A raw DEFLATE decoder over a caller-owned window; see the module docs.
/// About 8 KiB, most of it the dynamic Huffman tables.
#[derive(Clone)]
pub struct Inflater {
    lit: [u32; LIT_ENOUGH],
    /// The distance table; while a dynamic header is read, the code-length
    /// code's table.
    dist: [u32; DIST_ENOUGH],
    lens: [u8; MAX_LENS],
    bitbuf: u64,
    bitcount: u32,
    /// Next write position in the ring, 0..=2^N.
    pos: u32,
    /// Bytes of this stream in the ring (at most 2^N): how far back a
    /// match may reach.
    history: u32,
    state: State,
    hlit: u16,
    hdist: u8,
    hclen: u8,
    final_block: bool,
    fixed: bool,
    window_bits: u8,
    /// Bytes of [`TRAILER`] fed by `finish_message` so far.
    trailer_fed: u8,
}

impl core::fmt::Debug for Inflater {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Inflater")
            .field("state", &self.state)
            .field("window_bits", &self.window_bits)
            .field("pos", &self.pos)
            .field("history", &self.history)
            .finish_non_exhaustive()
    }
}

impl Inflater {
    /// An inflater for a window of 2^`window_bits` bytes (8..=15, the
    /// negotiated `*_max_window_bits`, RFC 7692 §7.1.2); `None` outside.
    pub const fn new(window_bits: u8) -> Option<Self> {
        if window_bits < MIN_WINDOW_BITS || window_bits > MAX_WINDOW_BITS {
            return None;
        }
        Some(Self {
            lit: [0; LIT_ENOUGH],
            dist: [0; DIST_ENOUGH],
            lens: [0; MAX_LENS],
            bitbuf: 0,
            bitcount: 0,
            pos: 0,
            history: 0,
            state: State::Header,
            hlit: 0,
            hdist: 0,
            hclen: 0,
            final_block: false,
            fixed: false,
            window_bits,
            trailer_fed: 0,
        })
    }

    /// The window (ring) length for `window_bits`: 2^bits bytes.
    pub const fn window_len(window_bits: u8) -> usize {
        1 << window_bits
    }

    /// All the memory an inflater for `window_bits` needs: itself plus its
    /// window (at most 2^N + 8 KiB).
    pub const fn memory(window_bits: u8) -> usize {
        core::mem::size_of::<Self>() + Self::window_len(window_bits)
    }

    /// The configured window bits.
    pub const fn window_bits(&self) -> u8 {
        self.window_bits
    }

    /// Starts a new stream with no history (RFC 7692 §7.1.1: no context
    /// takeover resets the window before each message), clearing any error.
    pub fn reset(&mut self) {
        self.state = State::Header;
        self.bitbuf = 0;
        self.bitcount = 0;
        self.pos = 0;
        self.history = 0;
        self.final_block = false;
        self.trailer_fed = 0;
    }

    /// [`reset`](Self::reset) with another window size.
    pub fn reset_with_window_bits(&mut self, window_bits: u8) -> Result<(), InflateError> {
        if !(MIN_WINDOW_BITS..=MAX_WINDOW_BITS).contains(&window_bits) {
            return Err(InflateError::WindowBits);
        }
        self.window_bits = window_bits;
        self.reset();
        Ok(())
    }

    /// Inflates `input` into `window` (exactly [`Self::window_len`] bytes,
    /// the same buffer every call), at most `max_out` bytes this call.
    /// The output stops at the ring's end; the next call starts at its
    /// beginning. An error found after some output of this call is
    /// returned by the next call (this one returns the output first).
    ///
    /// The receive loop of one RFC 7692 message, context takeover on
    /// (call [`reset`](Self::reset) after each message without it):
    ///
    /// ```
    /// use wsframe::deflate::{Inflater, InflateStatus};
    /// let mut inflater = Inflater::new(15).unwrap();
    /// let mut window = vec![0u8; Inflater::window_len(15)];
    /// let mut text = Vec::new();
    /// // RFC 7692 §7.2.3.1: "Hello", in two frames.
    /// for frame in [&[0xf2, 0x48, 0xcd][..], &[0xc9, 0xc9, 0x07, 0x00]] {
    ///     let mut at = 0;
    ///     loop {
    ///         let done = inflater.inflate(&frame[at..], &mut window, 4096)?;
    ///         text.extend_from_slice(done.output);
    ///         at += done.consumed;
    ///         if done.status == InflateStatus::NeedsInput {
    ///             break;
    ///         }
    ///     }
    /// }
    /// loop {
    ///     let done = inflater.finish_message(&mut window, 4096)?;
    ///     text.extend_from_slice(done.output);
    ///     match done.status {
    ///         InflateStatus::MessageEnd => break,
    ///         InflateStatus::NeedsInput => panic!("truncated message: close with 1007"),
    ///         _ => {}
    ///     }
    /// }
    /// assert_eq!(text, b"Hello");
    /// # Ok::<(), wsframe::deflate::InflateError>(())
    /// ```
    pub fn inflate<'w>(
        &mut self,
        input: &[u8],
        window: &'w mut [u8],
        max_out: usize,
    ) -> Result<Inflated<'w>, InflateError> {
        self.trailer_fed = 0;
        self.inflate_inner(input, window, max_out)
    }

    /// [`inflate`](Self::inflate) without forgetting a trailer being fed.
    fn inflate_inner<'w>(
        &mut self,
        input: &[u8],
        window: &'w mut [u8],
        max_out: usize,
    ) -> Result<Inflated<'w>, InflateError> {
        let ring_len = Self::window_len(self.window_bits);
        if window.len() != ring_len {
            return Err(InflateError::WindowSize);
        }
        match self.state {
            State::Failed(e) => return Err(e),
            State::StreamEnd if !input.is_empty() || self.bitcount > 0 => self.new_stream(),
            _ => {}
        }
        let start = (self.pos as usize) & (ring_len - 1);
        let limit = ring_len.min(start.saturating_add(max_out));
        let history = self.history as usize;
        let mut io = Io {
            input,
            at: 0,
            ring: &mut *window,
            start,
            pos: start,
            limit,
            history,
        };
        let result = self.run(&mut io);
        let Io { at, pos, .. } = io;
        self.pos = pos as u32;
        self.history = io_history(history, pos - start, ring_len) as u32;
        let status = match result {
            Ok(status) => status,
            Err(e) => {
                self.state = State::Failed(e);
                if pos == start {
                    return Err(e);
                }
                InflateStatus::OutputFull
            }
        };
        let window: &'w [u8] = window;
        let output = window.get(start..pos).unwrap_or(&[]);
        Ok(Inflated {
            consumed: at,
            output,
            status,
        })
    }

    /// Ends a message (RFC 7692 §7.2.2): inflates the four bytes
    /// [`TRAILER`] the sender removed, unless the stream just ended with a
    /// final block and nothing after it (§7.2.3.4). Call after the
    /// message's last `inflate` returned [`InflateStatus::NeedsInput`], and again
    /// while it returns [`InflateStatus::OutputFull`] or [`InflateStatus::StreamEnd`];
    /// it ends with [`InflateStatus::MessageEnd`], or with [`InflateStatus::NeedsInput`]
    /// if the message's data stops inside a block (a truncated message:
    /// the connection fails it). `consumed` is always 0.
    pub fn finish_message<'w>(
        &mut self,
        window: &'w mut [u8],
        max_out: usize,
    ) -> Result<Inflated<'w>, InflateError> {
        let just_ended = self.state == State::StreamEnd && self.bitcount == 0;
        if just_ended && self.trailer_fed == 0 {
            if window.len() != Self::window_len(self.window_bits) {
                return Err(InflateError::WindowSize);
            }
            return Ok(Inflated {
                consumed: 0,
                output: &[],
                status: InflateStatus::MessageEnd,
            });
        }
        let fed = usize::from(self.trailer_fed);
        let rest = TRAILER.get(fed..).unwrap_or(&[]);
        let mut done = self.inflate_inner(rest, window, max_out)?;
        self.trailer_fed = (fed + done.consumed).min(TRAILER.len()) as u8;
        done.consumed = 0;
        if usize::from(self.trailer_fed) == TRAILER.len()
            && done.status == InflateStatus::NeedsInput
        {
            // The message is over either way: whole at a block boundary,
            // else truncated (the caller fails it).
            self.trailer_fed = 0;
            let boundary = matches!(self.state, State::Header | State::StreamEnd);
            if boundary && self.bitcount == 0 {
                done.status = InflateStatus::MessageEnd;
            }
        }
        Ok(done)
    }

    /// After a final block: a new stream, no history, same ring position.
    fn new_stream(&mut self) {
        self.state = State::Header;
        self.history = 0;
        self.final_block = false;
    }

    fn run(&mut self, io: &mut Io<'_, '_>) -> Result<InflateStatus, InflateError> {
        loop {
            let step = match self.state {
                State::Header => self.header(io)?,
                State::StoredLengths => self.stored_lengths(io)?,
                State::Stored(left) => self.stored(io, left),
                State::Counts => self.counts(io)?,
                State::CodeLengthLens(i) => self.code_length_lens(io, i)?,
                State::CodeLens(i) => self.code_lens(io, i)?,
                State::Codes => self.codes(io)?,
                State::Copy { len, dist } => self.copy(io, len, dist),
                State::StreamEnd => Some(InflateStatus::NeedsInput),
                State::Failed(e) => return Err(e),
            };
            if let Some(status) = step {
                return Ok(status);
            }
        }
    }

    /// Pulls whole input bytes into the bit buffer (up to 56–63 bits).
    fn pull(&mut self, io: &mut Io<'_, '_>) {
        while self.bitcount < 56 {
            let Some(&b) = io.input.get(io.at) else { break };
            self.bitbuf |= u64::from(b) << self.bitcount;
            self.bitcount += 8;
            io.at += 1;
        }
    }

    /// True if `n` bits are buffered (pulling input as needed).
    fn need(&mut self, io: &mut Io<'_, '_>, n: u32) -> bool {
        if self.bitcount < n {
            self.pull(io);
        }
        self.bitcount >= n
    }

    fn bits(&self, n: u32) -> u32 {
        (self.bitbuf & ((1u64 << n) - 1)) as u32
    }

    fn consume(&mut self, n: u32) {
        self.bitbuf >>= n;
        self.bitcount -= n;
    }

    /// Drops the bits up to the next byte boundary (stored blocks, stream
    /// end).
    fn align(&mut self) {
        self.consume(self.bitcount % 8);
    }

    /// A block ended: the next header, or the stream's end after BFINAL.
    fn block_done(&mut self) -> Option<InflateStatus> {
        if self.final_block {
            self.align();
            self.state = State::StreamEnd;
            return Some(InflateStatus::StreamEnd);
        }
        self.state = State::Header;
        None
    }

    fn header(&mut self, io: &mut Io<'_, '_>) -> Result<Option<InflateStatus>, InflateError> {
        if !self.need(io, 3) {
            return Ok(Some(InflateStatus::NeedsInput));
        }
        let header = self.bits(3);
        self.consume(3);
        self.final_block = header & 1 == 1;
        self.state = match header >> 1 {
            0 => {
                self.align();
                State::StoredLengths
            }
            1 => {
                self.fixed = true;
                State::Codes
            }
            2 => State::Counts,
            _ => return Err(InflateError::InvalidBlockType),
        };
        Ok(None)
    }

    fn stored_lengths(
        &mut self,
        io: &mut Io<'_, '_>,
    ) -> Result<Option<InflateStatus>, InflateError> {
        if !self.need(io, 32) {
            return Ok(Some(InflateStatus::NeedsInput));
        }
        let len = self.bits(16);
        let nlen = (self.bitbuf >> 16) as u32 & 0xffff;
        if len != !nlen & 0xffff {
            return Err(InflateError::StoredLengthMismatch);
        }
        self.consume(32);
        if len == 0 {
            return Ok(self.block_done());
        }
        self.state = State::Stored(len as u16);
        Ok(None)
    }

    /// Copies a stored block: first whole bytes left in the bit buffer,
    /// then straight from the input.
    fn stored(&mut self, io: &mut Io<'_, '_>, mut left: u16) -> Option<InflateStatus> {
        while left > 0 {
            if io.pos == io.limit {
                self.state = State::Stored(left);
                return Some(InflateStatus::OutputFull);
            }
            if self.bitcount >= 8 {
                io.put(self.bits(8) as u8);
                self.consume(8);
                left -= 1;
                continue;
            }
            let n = usize::from(left)
                .min(io.limit - io.pos)
                .min(io.input.len() - io.at);
            if n == 0 {
                self.state = State::Stored(left);
                return Some(InflateStatus::NeedsInput);
            }
            io.copy_input(n);
            left -= n as u16;
        }
        self.block_done()
    }

    fn tables(&self) -> Tables<'_> {
        if self.fixed {
            Tables {
                lit: &FIXED_LIT,
                lit_root: FIXED_LIT_ROOT,
                dist: &FIXED_DIST,
                dist_root: FIXED_DIST_ROOT,
            }
        } else {
            Tables {
                lit: &self.lit,
                lit_root: LIT_ROOT,
                dist: &self.dist,
                dist_root: DIST_ROOT,
            }
        }
    }

    /// Literals and matches: the fast loop while input and output are
    /// plentiful, then one symbol at a time.
    fn codes(&mut self, io: &mut Io<'_, '_>) -> Result<Option<InflateStatus>, InflateError> {
        loop {
            let (mut bitbuf, mut bitcount) = (self.bitbuf, self.bitcount);
            // The root sizes and table lengths as constants: the fast
            // loop's root lookups then need no bounds check.
            // Compiled for BMI2 too, taken when the CPU has it.
            let end = if self.fixed {
                run_bmi2(fast::Decode::<FIXED_LIT_ROOT, FIXED_DIST_ROOT, _, _> {
                    lit: &FIXED_LIT,
                    dist: &FIXED_DIST,
                    bitbuf: &mut bitbuf,
                    bitcount: &mut bitcount,
                    io,
                })
            } else {
                run_bmi2(fast::Decode::<LIT_ROOT, DIST_ROOT, _, _> {
                    lit: &self.lit,
                    dist: &self.dist,
                    bitbuf: &mut bitbuf,
                    bitcount: &mut bitcount,
                    io,
                })
            };
            (self.bitbuf, self.bitcount) = (bitbuf, bitcount);
            if end? {
                return Ok(self.block_done());
            }
            if self.bitcount < 48 {
                self.pull(io);
            }
            let symbol = fast::symbol(&self.tables(), self.bitbuf, self.bitcount, io)?;
            let Some((used, symbol)) = symbol else {
                return Ok(Some(InflateStatus::NeedsInput));
            };
            match symbol {
                Symbol::Literal(byte) => {
                    if io.pos == io.limit {
                        return Ok(Some(InflateStatus::OutputFull));
                    }
                    self.consume(used);
                    io.put(byte);
                }
                Symbol::End => {
                    self.consume(used);
                    return Ok(self.block_done());
                }
                Symbol::Match { len, dist } => {
                    self.consume(used);
                    self.state = State::Copy { len, dist };
                    return Ok(None);
                }
            }
        }
    }

    /// Copies (the rest of) a match as far as the output allows.
    fn copy(&mut self, io: &mut Io<'_, '_>, len: u16, dist: u16) -> Option<InflateStatus> {
        let n = usize::from(len).min(io.limit - io.pos);
        copy_match(io.ring, io.pos, usize::from(dist), n, false);
        io.pos += n;
        let left = len - n as u16;
        if left > 0 {
            self.state = State::Copy { len: left, dist };
            return Some(InflateStatus::OutputFull);
        }
        self.state = State::Codes;
        None
    }
}

/// Bytes of history after `produced` more bytes: at most the ring.
fn io_history(history: usize, produced: usize, ring_len: usize) -> usize {
    history.saturating_add(produced).min(ring_len)
}
