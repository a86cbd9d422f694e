//! The C ABI of wsframe (`libwsframe`, header `include/wsframe.h`).
//!
//! Conventions (those of rustls-ffi):
//!
//! * Everything is prefixed `wsf_`; functions are `wsf_<type>_<verb>`. A
//!   `const` first argument is not modified.
//! * Inputs first, outputs last. Every buffer pointer is followed by its
//!   `size_t` length. Strings are counted (`wsf_str`, or pointer and length)
//!   and never NUL-terminated: payloads may contain NUL bytes. An absent
//!   optional string is `{NULL, 0}`; a NULL pointer with a zero length is an
//!   empty buffer.
//! * Every function that can fail returns a `wsf_status`; `WSF_OK` is 0.
//!   Outputs are written only when it returns `WSF_OK`, with one documented
//!   exception: on `WSF_BUFFER_TOO_SMALL` the `*written` output of a writer
//!   receives the size it needs (as rustls reports `required_size`).
//! * Every pointer is checked for NULL (`WSF_NULL_POINTER`) and for the
//!   alignment of what it points to (`WSF_INVALID_ARGUMENT`; storage for
//!   `_init` functions: `WSF_STORAGE_MISALIGNED`) before Rust reads it,
//!   all in one place (`boundary.rs`). Enumerations
//!   passed in are plain `uint32_t` values and are range-checked
//!   (`WSF_INVALID_ARGUMENT`); there is no `bool`, flags are `uint8_t`
//!   (non-zero means true).
//! * The caller owns all memory: `wsf_conn_size`/`wsf_conn_align` and
//!   `wsf_conn_init` place a connection in caller storage. The `alloc`
//!   feature adds `wsf_conn_new`/`wsf_conn_free`.
//! * No panic crosses the boundary: with `std`, every export runs under
//!   `catch_unwind` and reports `WSF_PANIC`; without `std` the crate never
//!   unwinds (the core has no panic paths) and is built with
//!   `panic = "abort"`.
//! * Nothing calls back into foreign code.
//!
//! Pointers handed out (event payloads, request fields, messages) point
//! into buffers the caller passed in and are valid as long as those are.
//! Output structs must not overlap input buffers.
// Unit tests always have std (the test harness needs it), whatever the features.
#![cfg_attr(all(not(feature = "std"), not(test)), no_std)]
#![allow(non_camel_case_types)]
#![deny(unsafe_op_in_unsafe_fn, missing_docs)]
#![warn(clippy::undocumented_unsafe_blocks)]
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

#[cfg(feature = "alloc")]
extern crate alloc;

mod boundary;
pub mod client;
pub mod close;
pub mod config;
pub mod conn;
pub mod counted;
pub mod deflate;
pub mod event;
pub mod extensions;
pub mod handshake;
pub mod interop;
pub mod reassemble;
pub mod request;
pub mod send;
pub mod status;
mod storage;
pub mod types;
#[cfg(all(windows, feature = "windows-dll", not(feature = "std"), not(test)))]
mod windows;

pub use status::wsf_status;

/// The version of the library actually linked, `"MAJOR.MINOR.PATCH"`
/// (compare with `WSF_VERSION_STRING` to detect a header/library mismatch).
///
/// # Safety
/// Always safe to call. The string is static.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wsf_version() -> counted::wsf_str {
    counted::wsf_str::from_static(env!("CARGO_PKG_VERSION"))
}

/// Traps (wasm) or spins forever: the panic handler of `no_std` libraries linked
/// into C firmware (feature `panic-handler`). Nothing in this crate or the
/// core panics; this only satisfies the linker.
#[cfg(all(feature = "panic-handler", not(feature = "std"), not(test)))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    // On wasm a trap reaches the host at once; elsewhere there is nothing
    // better to do without std than to stop here.
    #[cfg(target_arch = "wasm32")]
    core::arch::wasm32::unreachable();
    #[cfg(not(target_arch = "wasm32"))]
    loop {
        core::hint::spin_loop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The version macros are written in `cbindgen.toml` (cbindgen cannot
    /// evaluate `env!`); they must state this package's version.
    #[test]
    fn header_version_macros_match_the_package() {
        let config = include_str!("../cbindgen.toml");
        for (name, value) in [
            ("MAJOR", env!("CARGO_PKG_VERSION_MAJOR")),
            ("MINOR", env!("CARGO_PKG_VERSION_MINOR")),
            ("PATCH", env!("CARGO_PKG_VERSION_PATCH")),
            ("STRING", concat!("\"", env!("CARGO_PKG_VERSION"), "\"")),
        ] {
            let line = format!("#define WSF_VERSION_{name} {value}\n");
            assert!(config.contains(&line), "cbindgen.toml lacks {line:?}");
        }
        // SAFETY: pure function returning a static string.
        let linked = unsafe { wsf_version() };
        assert_eq!(linked.as_bytes(), env!("CARGO_PKG_VERSION").as_bytes());
    }
}
