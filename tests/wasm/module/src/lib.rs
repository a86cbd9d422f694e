//! wsframe's C ABI as a WebAssembly module: every `wsf_*` export of
//! `wsframe-ffi` (built without `std` and without an allocator), plus what a
//! host needs to call them without malloc: a static scratch area that the
//! JavaScript test lays out itself, and the layout of the `#[repr(C)]`
//! structs it reads and writes.
//!
//! The panic handler is wsframe-ffi's (feature `panic-handler`): cargo
//! builds a dependency's `cdylib`/`staticlib` crate types too, so the
//! handler must live in wsframe-ffi itself. Nothing panics (the core's
//! proof is tests/qemu/panic-check.sh); if something did, the module would
//! spin and the test's timeout would fail the run.
#![no_std]

use core::mem::{offset_of, size_of};
use core::ptr::addr_of_mut;

use wsframe_ffi::client::{wsf_client_request, wsf_server_response};
use wsframe_ffi::config::wsf_config;
use wsframe_ffi::deflate::{wsf_deflate_config, wsf_deflate_params, wsf_sent};
use wsframe_ffi::event::wsf_event;
use wsframe_ffi::request::{wsf_request, wsf_response};
use wsframe_ffi::types::{wsf_http_header, wsf_str};

// Link every export of the C ABI into the module.
pub use wsframe_ffi::*;

/// Bytes of scratch memory for the host: connections, wires, events, and
/// the permessage-deflate blocks of two peers (inflater rings and
/// compressors at window 15).
const SCRATCH_LEN: usize = 2 << 20;

#[repr(C, align(16))]
struct Scratch([u8; SCRATCH_LEN]);

static mut SCRATCH: Scratch = Scratch([0; SCRATCH_LEN]);

/// Address of the scratch area (16-byte aligned).
#[unsafe(no_mangle)]
pub extern "C" fn wasm_scratch_ptr() -> *mut u8 {
    // SAFETY: only the address is taken; the host owns the bytes.
    unsafe { addr_of_mut!(SCRATCH.0).cast() }
}

/// Length of the scratch area.
#[unsafe(no_mangle)]
pub extern "C" fn wasm_scratch_len() -> usize {
    SCRATCH_LEN
}

/// Sizes and field offsets of the structs the host lays out, in a fixed
/// order (see LAYOUT in ffi.test.mjs).
static LAYOUT: [u32; 43] = [
    size_of::<wsf_str>() as u32,
    offset_of!(wsf_str, len) as u32,
    size_of::<wsf_http_header>() as u32,
    offset_of!(wsf_http_header, value) as u32,
    offset_of!(wsf_http_header, value_len) as u32,
    size_of::<wsf_client_request>() as u32,
    offset_of!(wsf_client_request, host) as u32,
    offset_of!(wsf_client_request, path) as u32,
    offset_of!(wsf_client_request, nonce) as u32,
    offset_of!(wsf_client_request, subprotocols) as u32,
    offset_of!(wsf_client_request, subprotocol_count) as u32,
    offset_of!(wsf_client_request, extensions) as u32,
    offset_of!(wsf_client_request, origin) as u32,
    offset_of!(wsf_client_request, extra_headers) as u32,
    offset_of!(wsf_client_request, extra_header_count) as u32,
    size_of::<wsf_server_response>() as u32,
    offset_of!(wsf_server_response, head_len) as u32,
    offset_of!(wsf_server_response, subprotocol) as u32,
    size_of::<wsf_request>() as u32,
    offset_of!(wsf_request, path) as u32,
    offset_of!(wsf_request, head_len) as u32,
    size_of::<wsf_response>() as u32,
    offset_of!(wsf_response, subprotocol) as u32,
    size_of::<wsf_event>() as u32,
    offset_of!(wsf_event, kind) as u32,
    offset_of!(wsf_event, frame_end) as u32,
    offset_of!(wsf_event, message_end) as u32,
    offset_of!(wsf_event, close_code) as u32,
    offset_of!(wsf_event, payload) as u32,
    offset_of!(wsf_event, payload_len) as u32,
    offset_of!(wsf_event, reason) as u32,
    offset_of!(wsf_event, reason_len) as u32,
    offset_of!(wsf_event, consumed) as u32,
    size_of::<usize>() as u32,
    size_of::<wsf_config>() as u32,
    offset_of!(wsf_config, max_frame_size) as u32,
    offset_of!(wsf_config, max_message_size) as u32,
    offset_of!(wsf_config, max_fragments) as u32,
    size_of::<wsf_deflate_config>() as u32,
    size_of::<wsf_deflate_params>() as u32,
    size_of::<wsf_sent>() as u32,
    offset_of!(wsf_sent, written) as u32,
    offset_of!(wsf_sent, message_end) as u32,
];

/// Address of the layout table (`u32`s).
#[unsafe(no_mangle)]
pub extern "C" fn wasm_layout_ptr() -> *const u32 {
    LAYOUT.as_ptr()
}

/// Entries in the layout table.
#[unsafe(no_mangle)]
pub extern "C" fn wasm_layout_len() -> usize {
    LAYOUT.len()
}
