//! The permessage-deflate compressor (compression layer; RFC 1951 DEFLATE for
//! RFC 7692 §7.2.1) over caller-owned storage: no heap, sizes known at
//! compile time through `const fn`s, safe code.
//!
//! One [`Compressor`] per connection direction. Each call takes a piece of
//! the message (any size) and an output buffer (any size, one byte works)
//! and returns what it consumed and wrote; what did not fit stays in the
//! compressor and comes out in the next call. [`Flush::Message`] ends the
//! message as §7.2.1 asks: the data is followed by an empty non-final
//! stored block, whose byte-aligned `00 00 FF FF` ([`super::TRAILER`]) is
//! never written, so the output is exactly the message's payload.
//!
//! Matches never reach further back than 2^N bytes for the negotiated
//! window bits N (a distance of exactly 2^N is the farthest zlib's raw
//! inflate with window bits N accepts), nor, without context takeover
//! (§7.1.1), before the message's first byte. A block that would not
//! shrink its bytes is sent as a stored block: the payload is at most
//! [`Compressor::max_expansion`] bytes longer than the message.
//!
//! Memory (issue #13 asked for 2^N + 2·2^H + 64 B): caller storage of
//! [`Params::storage_len`] = 2^N history + max(2^N / 4, 512) lookahead +
//! 2·2^H hash table + 9/8·2^T token buffer (a literal takes one byte, a
//! match three, plus a flag bit each), plus the struct (about 2.4 KB:
//! symbol statistics, code lengths and the Huffman work space of dynamic
//! blocks), all in [`Compressor::memory`]. The floor over the target: a
//! dynamic block needs its tokens buffered until its code is known (the
//! token buffer) and per-symbol statistics and lengths (the struct);
//! matches need their lookahead contiguous with the history. At window 10
//! that is 7 136 B for the fast level (H = 10) against a target of
//! 3 136 B; at window 15, 118 112 B against 98 368 B (64-bit targets).
//!
//! The "do not compress" decision for a message (secrets next to
//! attacker-chosen text, CRIME/BREACH) is the connection's: such a message
//! goes out with RSV1 clear and never passes through here, so the
//! compressor's history does not see it and stays in step with the peer's.

use super::bits::BitSink;
use super::compress_block::BlockWriter;
use super::lz77::{MIN_LOOKAHEAD, token_store_len};
use super::window::{Effort, Window};
use super::{MAX_WINDOW_BITS, MIN_WINDOW_BITS};
use crate::error::UsageError;

/// Compression effort.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Level {
    /// One candidate per hash bucket, greedy matching (zlib level 1's
    /// territory).
    Fast,
    /// Eight candidates per bucket and lazy matching (zlib level 6's).
    Default,
}

/// The sizes and effort of a compressor; the sizes fix its storage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Params {
    window_bits: u8,
    hash_bits: u8,
    token_bits: u8,
    level: Level,
    context_takeover: bool,
}

impl Params {
    /// Window 2^`window_bits` (8..=15, RFC 7692 §7.1.2), a hash table of
    /// 2^`window_bits` entries (2^(`window_bits` + 1) for
    /// [`Level::Default`]), at most 2^min(`window_bits`, 13) tokens and
    /// bytes of token data per block, with context takeover. `None` for
    /// window bits outside 8..=15.
    pub const fn new(window_bits: u8, level: Level) -> Option<Self> {
        if window_bits < MIN_WINDOW_BITS || window_bits > MAX_WINDOW_BITS {
            return None;
        }
        let hash_bits = match level {
            Level::Fast => window_bits,
            Level::Default => window_bits + 1,
        };
        // 13 from window 13 on: 2^12 bytes of token data end a block
        // every ~2^13 bytes of text, and the extra blocks cost ~5 % of
        // the fast level's speed at 64 KiB messages (measured).
        let token_bits = if window_bits < 13 { window_bits } else { 13 };
        Some(Self {
            window_bits,
            hash_bits,
            token_bits,
            level,
            context_takeover: true,
        })
    }

    /// The hash table's size as bits (8..=16): more entries find more
    /// matches; each costs 2 bytes. `None` outside 8..=16.
    pub const fn with_hash_bits(self, hash_bits: u8) -> Option<Self> {
        if hash_bits < 8 || hash_bits > 16 {
            return None;
        }
        Some(Self { hash_bits, ..self })
    }

    /// Tokens per block as bits T (8..=15): a block ends after 2^T tokens
    /// or 2^T bytes of token data (one a literal, three a match), so
    /// fewer bits give shorter blocks with more header overhead; the
    /// buffer costs 9/8·2^T bytes. `None` outside 8..=15.
    pub const fn with_token_bits(self, token_bits: u8) -> Option<Self> {
        if token_bits < 8 || token_bits > 15 {
            return None;
        }
        Some(Self { token_bits, ..self })
    }

    /// Without context takeover (RFC 7692 §7.1.1.1/§7.1.1.2), each message
    /// is compressed without reference to earlier ones.
    pub const fn with_context_takeover(self, takeover: bool) -> Self {
        Self {
            context_takeover: takeover,
            ..self
        }
    }

    /// Window bits N: matches reach at most 2^N bytes back.
    pub const fn window_bits(&self) -> u8 {
        self.window_bits
    }

    /// Bytes of the window buffer: the 2^N history plus the lookahead the
    /// window slides by (2^N / 4, at least 512 bytes).
    pub const fn window_len(&self) -> usize {
        let window = 1usize << self.window_bits;
        let look = if window / 4 > 512 { window / 4 } else { 512 };
        window + look
    }

    /// Bytes of caller storage [`Compressor::new`] needs: window buffer,
    /// hash table (2 bytes an entry), token buffer (2^T data bytes and a
    /// flag bit a token).
    pub const fn storage_len(&self) -> usize {
        self.window_len() + (2usize << self.hash_bits) + token_store_len(self.token_bits)
    }

    fn effort(&self) -> Effort {
        match self.level {
            Level::Fast => Effort {
                ways: 1,
                lazy: false,
                nice: 258,
                insert_all: false,
            },
            Level::Default => Effort {
                ways: 8,
                lazy: true,
                nice: 128,
                insert_all: true,
            },
        }
    }
}

/// When a call ends the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Flush {
    /// More of the message follows in later calls.
    None,
    /// This call's input ends the message (RFC 7692 §7.2.1): everything is
    /// written, ending byte-aligned, without the trailer.
    Message,
}

/// Why a call returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
#[non_exhaustive]
pub enum Status {
    /// All input was taken; call again with more (or with
    /// [`Flush::Message`]). Output that did not fit or does not yet form
    /// a whole byte stays inside and comes out in a later call.
    NeedsInput,
    /// The output buffer is full; call again with another (and the input
    /// not yet consumed).
    NeedsOutput,
    /// The message is complete: its last payload byte has been written.
    /// The next call starts a new message.
    MessageEnd,
}

/// What one call did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub struct Progress {
    /// Input bytes taken (the rest must be offered again).
    pub consumed: usize,
    /// Output bytes written, from the buffer's start.
    pub written: usize,
    /// Why the call returned.
    pub status: Status,
}

/// A DEFLATE compressor for permessage-deflate over caller storage.
#[derive(Debug)]
pub struct Compressor<'a> {
    lz: Window<'a>,
    block: BlockWriter,
    bits: BitSink,
    context_takeover: bool,
    /// The closing empty stored block's header bits are in the sink.
    marker_put: bool,
}

impl<'a> Compressor<'a> {
    /// Total memory of a compressor: caller storage plus the struct
    /// itself (code lengths, symbol statistics, tree-building work space).
    pub const fn memory(params: &Params) -> usize {
        params.storage_len() + core::mem::size_of::<Compressor<'static>>()
    }

    /// The most a message's payload can exceed the message: each block
    /// costs at most what a stored block would (42 bits more than its
    /// bytes), a block spans at least the smaller of 2^token_bits − 2
    /// (its token data fills up no faster than its bytes) and 2^N +
    /// lookahead / 2 − 263 bytes unless it ends the message, and the
    /// closing empty block adds 10 bits at most.
    pub const fn max_expansion(params: &Params, message_len: usize) -> usize {
        let window = 1usize << params.window_bits;
        let by_window = window + (params.window_len() - window) / 2 - MIN_LOOKAHEAD;
        let by_tokens = (1usize << params.token_bits) - 2;
        let span = if by_window < by_tokens {
            by_window
        } else {
            by_tokens
        };
        let blocks = match message_len.checked_div(span) {
            Some(full) => full + 1,
            None => dead_arm!(
                "span > 0: window bits are 8..=15",
                message_len.saturating_add(1)
            ),
        };
        (42 * blocks + 10).div_ceil(8)
    }

    /// A compressor over `storage` (at least [`Params::storage_len`]
    /// bytes; the rest is unused). Fails with
    /// [`UsageError::BufferTooSmall`] naming the size needed.
    pub fn new(params: Params, storage: &'a mut [u8]) -> Result<Self, UsageError> {
        let needed = params.storage_len();
        if storage.len() < needed {
            return Err(UsageError::BufferTooSmall { needed });
        }
        let too_small = UsageError::BufferTooSmall { needed };
        let (win, rest) = storage
            .split_at_mut_checked(params.window_len())
            .ok_or(too_small)?;
        let (head, rest) = rest
            .split_at_mut_checked(2usize << params.hash_bits)
            .ok_or(too_small)?;
        let toks = rest
            .get_mut(..token_store_len(params.token_bits))
            .ok_or(too_small)?;
        let lz = Window::new(
            win,
            head,
            toks,
            u32::from(params.hash_bits),
            params.token_bits,
            params.effort(),
            1usize << params.window_bits,
        );
        Ok(Self {
            lz,
            block: BlockWriter::new(),
            bits: BitSink::new(),
            context_takeover: params.context_takeover,
            marker_put: false,
        })
    }

    /// Compresses `input` into `output`. See [`Flush`] and [`Status`].
    pub fn compress(&mut self, input: &[u8], output: &mut [u8], flush: Flush) -> Progress {
        let (mut consumed, mut written) = (0, 0);
        let status = loop {
            if !self
                .block
                .write(&mut self.lz, &mut self.bits, output, &mut written)
            {
                break Status::NeedsOutput;
            }
            let rest = input.get(consumed..).unwrap_or_default();
            let flushing = flush == Flush::Message && rest.is_empty();
            self.lz.tokenize(flushing);
            if self.lz.tokens_full() {
                self.block.start(&mut self.lz, self.bits.pending());
                continue;
            }
            if !rest.is_empty() {
                if self.lz.is_full() && !self.lz.slide() {
                    self.block.start(&mut self.lz, self.bits.pending());
                    continue;
                }
                consumed += self.lz.fill(rest);
                continue;
            }
            if !flushing {
                let _all_whole_bytes_out = self.bits.drain(output, &mut written);
                break Status::NeedsInput;
            }
            if self.lz.ntok > 0 {
                self.block.start(&mut self.lz, self.bits.pending());
                continue;
            }
            break self.end_message(output, &mut written);
        };
        Progress {
            consumed,
            written,
            status,
        }
    }

    /// §7.2.1: an empty non-final stored block's header, padding to the
    /// byte boundary; its LEN/NLEN (the trailer) are never written.
    fn end_message(&mut self, output: &mut [u8], written: &mut usize) -> Status {
        if !self.marker_put {
            self.bits.put(0, 3);
            self.bits.align();
            self.marker_put = true;
        }
        if !self.bits.drain(output, written) || self.bits.pending() > 0 {
            return Status::NeedsOutput;
        }
        self.marker_put = false;
        if !self.context_takeover {
            self.lz.reset_history();
        }
        Status::MessageEnd
    }

    /// Forgets the history, as between messages without context takeover.
    /// Only between messages (after [`Status::MessageEnd`]).
    pub fn reset(&mut self) {
        self.lz.reset_history();
    }

    /// The largest match distance written so far (tests check the window).
    #[cfg(test)]
    pub(crate) fn max_distance(&self) -> usize {
        self.lz.max_dist_seen
    }
}

#[cfg(test)]
#[path = "compress_tests.rs"]
mod tests;
