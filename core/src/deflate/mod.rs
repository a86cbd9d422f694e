//! permessage-deflate (compression layer; RFC 7692 over RFC 1951 DEFLATE): the
//! inflater and the compressor, both over caller-owned memory, safe code.
//!
//! RFC 7692 §7.2.1: a sender compresses each message with DEFLATE, ends it
//! with an empty non-final stored block (`00 00 FF FF` on the wire once the
//! block boundary is byte-aligned) and removes those four bytes; a
//! receiver appends them back before inflating (§7.2.2). The LZ77 window
//! is negotiated as 2^N bytes, N in 8..=15 (§7.1.2).

mod bits;
mod compress;
mod compress_block;
#[cfg(test)]
mod compress_corpus;
mod copy;
mod huffman;
mod huffman_build;
mod inflate;
mod lz77;
mod negotiate;
mod session;
pub(crate) mod tables;
#[cfg(test)]
mod test_bits;
#[cfg(test)]
mod test_driver;
mod window;

pub use compress::{Compressor, Flush, Level, Params, Progress, Status};

pub use inflate::{InflateError, InflateStatus, Inflated, Inflater};
pub use negotiate::{
    DeflateConfig, DeflateParams, EXTENSION_NAME, ExtensionValue, MAX_VALUE_LEN, ResponseError,
    check_answer, client_offer, negotiate,
};
pub use session::{Compression, Decompression};

/// The four bytes RFC 7692 §7.2.1 removes from the end of every compressed
/// message and §7.2.2 appends back before inflating: an empty stored block.
pub const TRAILER: [u8; 4] = [0x00, 0x00, 0xff, 0xff];

/// The smallest LZ77 window a permessage-deflate peer may negotiate, as
/// bits (RFC 7692 §7.1.2.1: `server_max_window_bits` is 8 to 15).
pub const MIN_WINDOW_BITS: u8 = 8;

/// The largest LZ77 window, as bits: 2^15 = 32 KiB (RFC 1951 §2).
pub const MAX_WINDOW_BITS: u8 = 15;
