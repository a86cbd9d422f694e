#![doc = include_str!("../README.md")]
//! ## Layers
//!
//! Bottom up; each module's first doc line names its layer, and a module
//! uses only its own layer and those below (no import circles):
//!
//! * **ground** — the words every layer shares: [`Role`], [`Config`] and
//!   [`HandshakeLimits`], [`CloseCode`], the errors ([`Error`]).
//! * **kernels** — the byte loops: `kernels` (crate-private, the one room
//!   for `unsafe`: the masking and UTF-8 kernels per ISA, CPU detection)
//!   behind its safe faces [`mask`] (XOR with the masking key) and [`utf8`]
//!   (streaming validation).
//! * **frame** — the wire format: [`frame`] (header layout, decoder,
//!   encoders) and [`close`] (the Close payload).
//! * **handshake** — on the ground and the kernels, beside frame: the
//!   opening handshake ([`handshake`]).
//! * **compression** — [`deflate`] (RFC 7692 permessage-deflate): the
//!   DEFLATE inflater and compressor over caller memory, the per-connection
//!   halves the connection drives ([`deflate::Decompression`],
//!   [`deflate::Compression`]), and the negotiation, which reads the
//!   handshake's extension offers.
//! * **connection** — [`Connection`], THE state machine (its file states
//!   its rules), and the [`Event`]s it reports; with permessage-deflate
//!   it drives the compression layer's halves.
//! * **helpers** — opt-in, above the connection: [`KeepAlive`],
//!   [`Reassembler`].
//!
//! The main types are at the crate root; each module's own items are
//! reached through the module, and every public item by exactly one path.
#![cfg_attr(not(test), no_std)]
#![deny(unsafe_code)]
#![warn(missing_docs)]
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

#[cfg(feature = "std")]
extern crate std;

/// Marks an arm that cannot run but is kept so that the linker's panic
/// proof (`tests/qemu/panic-check.sh`) holds where the compiler cannot see
/// the invariant: instead of an `unwrap`, an index or `unreachable!()`,
/// whose panic path would fail that link, the arm returns a harmless value.
/// `$why` states the invariant; the arm evaluates to `$value`. Every such
/// arm in the crate is written with this macro, so none is mistaken for a
/// real error path.
macro_rules! dead_arm {
    ($why:literal, $value:expr) => {{
        let _invariant: &str = $why;
        $value
    }};
}

// Ground: the vocabulary every layer shares.
mod close_code;
mod config;
mod error;
mod role;
// Kernels: the byte loops. `kernels` is the one room for `unsafe`; `mask`
// and `utf8` are its safe faces. With `testing` (fuzz targets, benches)
// the room is visible, not API.
#[cfg(not(feature = "testing"))]
mod kernels;
#[cfg(feature = "testing")]
#[doc(hidden)]
pub mod kernels;
pub mod mask;
pub mod utf8;
// Frame: the wire format.
pub mod close;
pub mod frame;
// Handshake: on the ground and the kernels, beside frame.
pub mod handshake;
// Compression: permessage-deflate's codecs, halves and negotiation.
pub mod deflate;
// Connection: THE state machine and what it reports.
mod connection;
mod event;
// Helpers: opt-in, above the connection.
mod keepalive;
mod reassemble;
#[cfg(any(test, feature = "testing"))]
#[doc(hidden)]
pub mod testing;

pub use close_code::CloseCode;
pub use config::{Config, HandshakeLimits};
pub use connection::{Connection, MAX_PENDING_FRAME, MIN_RECV_BUFFER, Sent, State};
pub use error::{Error, HandshakeError, ProtocolError, UsageError};
pub use event::{DataKind, Event, Recv};
pub use keepalive::{KeepAlive, KeepAliveAction};
pub use reassemble::{Message, Reassembler};
pub use role::Role;
