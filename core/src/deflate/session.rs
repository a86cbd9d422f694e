//! One connection's permessage-deflate state (compression layer, RFC 7692
//! §6–§7): the inflater with its ring for receiving ([`Decompression`]),
//! the compressor with its storage for sending ([`Compression`]), each
//! built from the negotiated [`DeflateParams`] over caller memory.
//!
//! The connection drives them (`Connection::recv_deflate`,
//! `Connection::send_deflate`); they only hold state and answer sizes.
//! Either may exist without the other: §6 lets a sender always send
//! uncompressed messages, so an inflate-only endpoint (a microcontroller
//! with a 512 B ring, say) negotiates the extension and never compresses.

use super::compress::{Compressor, Level, Params};
use super::inflate::{InflateError, InflateStatus, Inflated, Inflater};
use super::negotiate::DeflateParams;
use crate::error::UsageError;

/// The receiving half: an [`Inflater`] and the caller's ring of
/// 2^`receive_window_bits` bytes, from which inflated payloads are lent.
#[derive(Debug)]
pub struct Decompression<'r> {
    inflater: Inflater,
    ring: &'r mut [u8],
    /// §7.1.1.2 (`client_no_context_takeover` as the server sees it, and
    /// the reverse): the peer starts every message with an empty window.
    reset_each_message: bool,
    /// Bytes inflated so far for the message in progress, which the
    /// connection's `Config::max_message_size` bounds. Kept here, in the
    /// caller's memory for the extension, so a connection without it stays
    /// as small as before.
    message_inflated: usize,
}

impl<'r> Decompression<'r> {
    /// Bytes of ring `params` need: 2^`receive_window_bits`.
    #[must_use]
    pub const fn ring_len(params: &DeflateParams) -> usize {
        Inflater::window_len(params.receive_window_bits)
    }

    /// All the memory of the receiving half: this struct (the inflater's
    /// tables, ~8 KiB) plus the ring.
    #[must_use]
    pub const fn memory(params: &DeflateParams) -> usize {
        core::mem::size_of::<Decompression<'static>>() + Self::ring_len(params)
    }

    /// The receiving half for `params` over `ring`, of which the first
    /// [`Self::ring_len`] bytes are used.
    ///
    /// # Errors
    /// [`UsageError::DeflateMemory`] if `ring` is shorter, or the window
    /// bits are outside 8..=15.
    pub fn new(params: &DeflateParams, ring: &'r mut [u8]) -> Result<Self, UsageError> {
        let inflater =
            Inflater::new(params.receive_window_bits).ok_or(UsageError::DeflateMemory)?;
        let ring = ring
            .get_mut(..Self::ring_len(params))
            .ok_or(UsageError::DeflateMemory)?;
        Ok(Self {
            inflater,
            ring,
            reset_each_message: params.receive_no_context_takeover,
            message_inflated: 0,
        })
    }

    /// A compressed message starts: nothing of it inflated yet.
    pub(crate) fn start_message(&mut self) {
        self.message_inflated = 0;
    }

    /// Inflates from `input` into the ring, at most one byte more than
    /// `limit` allows the message in all (so crossing it shows in the
    /// piece that does). Returns the piece and the message's inflated
    /// total with it.
    pub(crate) fn inflate(
        &mut self,
        input: &[u8],
        limit: usize,
    ) -> Result<(Inflated<'_>, usize), InflateError> {
        let max_out = self.allowance(limit);
        let done = self.inflater.inflate(input, self.ring, max_out)?;
        self.message_inflated = self.message_inflated.saturating_add(done.output.len());
        Ok((done, self.message_inflated))
    }

    /// Inflates the message's trailer (§7.2.2), bounded as
    /// [`Self::inflate`]. At the message's end, without context takeover,
    /// the next message starts with an empty window (§7.1.1); the ring
    /// keeps the bytes just lent.
    pub(crate) fn finish(&mut self, limit: usize) -> Result<(Inflated<'_>, usize), InflateError> {
        let max_out = self.allowance(limit);
        let done = self.inflater.finish_message(self.ring, max_out)?;
        let total = self.message_inflated.saturating_add(done.output.len());
        self.message_inflated = total;
        if done.status == InflateStatus::MessageEnd {
            self.message_inflated = 0;
            if self.reset_each_message {
                self.inflater.reset();
            }
        }
        Ok((done, total))
    }

    /// One byte more than `limit` still allows the message.
    fn allowance(&self, limit: usize) -> usize {
        limit
            .saturating_sub(self.message_inflated)
            .saturating_add(1)
    }
}

/// The sending half: a [`Compressor`] over the caller's storage, honouring
/// the negotiated send window and context takeover exactly.
#[derive(Debug)]
pub struct Compression<'s> {
    compressor: Compressor<'s>,
}

impl<'s> Compression<'s> {
    /// The compressor's parameters for `params` at `level`.
    const fn compressor_params(params: &DeflateParams, level: Level) -> Option<Params> {
        match Params::new(params.send_window_bits, level) {
            Some(p) => Some(p.with_context_takeover(!params.send_no_context_takeover)),
            None => None,
        }
    }

    /// Bytes of storage `params` need at `level` (0 for window bits
    /// outside 8..=15, which [`Self::new`] refuses).
    #[must_use]
    pub const fn storage_len(params: &DeflateParams, level: Level) -> usize {
        match Self::compressor_params(params, level) {
            Some(p) => p.storage_len(),
            None => 0,
        }
    }

    /// All the memory of the sending half: this struct plus its storage.
    #[must_use]
    pub const fn memory(params: &DeflateParams, level: Level) -> usize {
        core::mem::size_of::<Compression<'static>>() + Self::storage_len(params, level)
    }

    /// The sending half for `params` at `level` over `storage`.
    ///
    /// # Errors
    /// [`UsageError::DeflateMemory`] if `storage` is shorter than
    /// [`Self::storage_len`] or the window bits are outside 8..=15.
    pub fn new(
        params: &DeflateParams,
        level: Level,
        storage: &'s mut [u8],
    ) -> Result<Self, UsageError> {
        let p = Self::compressor_params(params, level).ok_or(UsageError::DeflateMemory)?;
        let compressor = Compressor::new(p, storage).map_err(|_| UsageError::DeflateMemory)?;
        Ok(Self { compressor })
    }

    /// The compressor, for the connection's send path.
    pub(crate) fn compressor(&mut self) -> &mut Compressor<'s> {
        &mut self.compressor
    }
}
