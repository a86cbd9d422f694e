#![doc = include_str!("../../README.md")]
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

pub mod close;
pub mod config;
pub mod connection;
pub mod deflate;
pub mod error;
pub mod event;
pub mod frame;
pub mod handshake;
pub mod keepalive;
pub mod mask;
pub mod reassemble;
pub mod role;
#[cfg(any(test, feature = "testing"))]
#[doc(hidden)]
pub mod testing;
pub mod utf8;

pub use close::{CloseCode, ClosePayload};
pub use config::{Config, HandshakeLimits};
pub use connection::{Connection, MAX_PENDING_FRAME, MIN_RECV_BUFFER, State};
pub use error::{Error, HandshakeError, ProtocolError, UsageError};
pub use event::{DataKind, Event, Recv};
pub use keepalive::{KeepAlive, KeepAliveAction};
pub use mask::apply_mask;
pub use reassemble::{Message, Reassembler};
pub use role::Role;
