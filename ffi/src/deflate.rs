//! permessage-deflate (RFC 7692) through the C ABI: negotiation on both
//! sides of the handshake, the sizes of the caller's memory, and turning
//! the extension on for a connection (`wsf_conn_deflate_init`).
//!
//! Memory stays the caller's. The receiving half (the inflater, ~8 KiB,
//! and its ring of 2^`receive_window_bits` bytes) lives in one caller
//! block, the sending half (the compressor and its history) in another;
//! each block holds the core's object at its start and the bytes it works
//! on right after it. The connection only keeps pointers to the two
//! objects, so `wsf_conn_size()` does not grow by the inflater, and a
//! connection that never negotiates the extension pays nothing for it.
//! `wsf_conn_recv` inflates compressed messages once the receiving half is
//! set; `wsf_conn_send_deflate` compresses (or, without a sending half,
//! sends the message as it is, which §6 always allows).

use core::ffi::{c_char, c_void};
use core::mem::{align_of, size_of};
use core::ptr::NonNull;

use wsframe::deflate::{self, Compression, Decompression, DeflateConfig, DeflateParams, Level};
use wsframe::handshake::ExtensionOffers;

use crate::boundary::{
    disjoint, guard, guard_value, handle, handle_mut, in_place, input, inside, output,
};
use crate::conn::wsf_conn;
use crate::event::data_kind;
use crate::request::wsf_request;
use crate::status::wsf_status;
use crate::types::mask_key as mask_key_bytes;

/// The longest `Sec-WebSocket-Extensions` value `wsf_request_deflate_negotiate`
/// or `wsf_deflate_client_offer` writes: a buffer of this size always
/// suffices.
pub const WSF_DEFLATE_MAX_VALUE_LEN: usize = 128;

const _: () = assert!(WSF_DEFLATE_MAX_VALUE_LEN == deflate::MAX_VALUE_LEN);

/// What this endpoint's memory allows and asks for (RFC 7692 §7.1).
/// Window bits are 8..=15 (2^bits bytes); flags are non-zero for true.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct wsf_deflate_config {
    /// The largest window the receive ring holds: the peer is never
    /// allowed a larger one.
    pub receive_window_bits: u8,
    /// The largest window our compressor history holds.
    pub send_window_bits: u8,
    /// Ask the peer to reset its compressor after every message
    /// (`client_no_context_takeover` in a server's answer,
    /// `server_no_context_takeover` in a client's offer).
    pub peer_no_context_takeover: u8,
    /// Reset our own compressor after every message, and say so.
    pub no_context_takeover: u8,
}

/// The negotiated parameters, from this endpoint's point of view. Give them
/// to `wsf_deflate_rx_storage_size`, `wsf_deflate_tx_storage_size` and
/// `wsf_conn_deflate_init`.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct wsf_deflate_params {
    /// Compress with a window of at most 2^this bytes (8..=15).
    pub send_window_bits: u8,
    /// Non-zero: reset the compressor after every message.
    pub send_no_context_takeover: u8,
    /// The peer compresses with a window of at most 2^this bytes (8..=15).
    pub receive_window_bits: u8,
    /// Non-zero: the peer resets its compressor after every message.
    pub receive_no_context_takeover: u8,
}

/// The compressor's effort (a `uint32_t` argument).
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum wsf_deflate_level {
    /// Greedy matching with a short search: the fastest.
    WSF_DEFLATE_LEVEL_FAST = 0,
    /// Lazy matching: smaller output, more time and storage.
    WSF_DEFLATE_LEVEL_DEFAULT = 1,
}

/// The core level for a `wsf_deflate_level` number from C.
fn level(level: u32) -> Result<Level, wsf_status> {
    match level {
        l if l == wsf_deflate_level::WSF_DEFLATE_LEVEL_FAST as u32 => Ok(Level::Fast),
        l if l == wsf_deflate_level::WSF_DEFLATE_LEVEL_DEFAULT as u32 => Ok(Level::Default),
        _ => Err(wsf_status::WSF_INVALID_ARGUMENT),
    }
}

/// Window bits from C: 8..=15 (RFC 7692 §7.1.2), else `WSF_INVALID_ARGUMENT`.
fn window_bits(bits: u8) -> Result<u8, wsf_status> {
    if (deflate::MIN_WINDOW_BITS..=deflate::MAX_WINDOW_BITS).contains(&bits) {
        Ok(bits)
    } else {
        Err(wsf_status::WSF_INVALID_ARGUMENT)
    }
}

impl wsf_deflate_config {
    /// The core's configuration, window bits range-checked.
    fn core(&self) -> Result<DeflateConfig, wsf_status> {
        Ok(DeflateConfig {
            receive_window_bits: window_bits(self.receive_window_bits)?,
            send_window_bits: window_bits(self.send_window_bits)?,
            peer_no_context_takeover: self.peer_no_context_takeover != 0,
            no_context_takeover: self.no_context_takeover != 0,
        })
    }

    /// The C view of a core configuration.
    const fn from_core(c: &DeflateConfig) -> Self {
        Self {
            receive_window_bits: c.receive_window_bits,
            send_window_bits: c.send_window_bits,
            peer_no_context_takeover: c.peer_no_context_takeover as u8,
            no_context_takeover: c.no_context_takeover as u8,
        }
    }
}

impl wsf_deflate_params {
    /// The core's parameters, window bits range-checked.
    fn core(&self) -> Result<DeflateParams, wsf_status> {
        Ok(DeflateParams {
            send_window_bits: window_bits(self.send_window_bits)?,
            send_no_context_takeover: self.send_no_context_takeover != 0,
            receive_window_bits: window_bits(self.receive_window_bits)?,
            receive_no_context_takeover: self.receive_no_context_takeover != 0,
        })
    }

    /// The C view of negotiated core parameters.
    const fn from_core(p: &DeflateParams) -> Self {
        Self {
            send_window_bits: p.send_window_bits,
            send_no_context_takeover: p.send_no_context_takeover as u8,
            receive_window_bits: p.receive_window_bits,
            receive_no_context_takeover: p.receive_no_context_takeover as u8,
        }
    }
}

/// Full 32 KiB windows both ways with context takeover both ways: what
/// browsers expect and what compresses best. Memory: see
/// `wsf_deflate_rx_storage_size` and `wsf_deflate_tx_storage_size`.
///
/// # Safety
/// Always safe to call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wsf_deflate_config_default() -> wsf_deflate_config {
    wsf_deflate_config::from_core(&DeflateConfig::new())
}

/// Server side (RFC 7692 §5.1, §7.1): picks the first permessage-deflate
/// offer of `request` (from `wsf_request_parse` or
/// `wsf_request_from_headers`) that `config` can accept. Accepted:
/// `*accepted` = 1, `*params` the parameters to use, and the answer for
/// `wsf_response.extensions` in `answer` (`*answer_len` bytes, not
/// NUL-terminated; `WSF_DEFLATE_MAX_VALUE_LEN` bytes always suffice).
/// Declined (no offer, or none acceptable): `*accepted` = 0,
/// `*answer_len` = 0, `*params` untouched; answer without the extension.
///
/// Errors: `WSF_NULL_POINTER`, `WSF_INVALID_ARGUMENT` (window bits outside
/// 8..=15, or `answer` overlapping the request's strings),
/// `WSF_BUFFER_TOO_SMALL` (`*answer_len` = the size needed), or the
/// `WSF_HANDSHAKE_*` error of a view that was modified.
///
/// # Safety
/// `request` is NULL or a view whose buffers are still valid; `config`,
/// `params`, `accepted` NULL or valid; `answer` NULL with `answer_cap` 0
/// or valid for writes of `answer_cap` bytes; `answer_len` NULL or valid
/// for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wsf_request_deflate_negotiate(
    request: *const wsf_request,
    config: *const wsf_deflate_config,
    params: *mut wsf_deflate_params,
    accepted: *mut u8,
    answer: *mut c_char,
    answer_cap: usize,
    answer_len: *mut usize,
) -> wsf_status {
    guard(|| {
        let request = handle!(request)?;
        let core = inside!(request.core())?;
        let config = handle!(config)?.core()?;
        let params = handle_mut!(params)?;
        let accepted = handle_mut!(accepted)?;
        let strings = core.headers().flat_map(|h| [h.name.as_bytes(), h.value]);
        let out = output!(answer, answer_cap, answer_len, strings)?;
        match deflate::negotiate(core.extensions(), &config) {
            Some((chosen, value)) => {
                out.copy(value.as_bytes())?;
                *params = wsf_deflate_params::from_core(&chosen);
                *accepted = 1;
            }
            None => {
                out.copy(&[])?;
                *accepted = 0;
            }
        }
        Ok(())
    })
}

/// Client side (RFC 7692 §5.1): the `Sec-WebSocket-Extensions` value to
/// offer (`wsf_client_request.extensions`) for `config`:
/// `permessage-deflate; client_max_window_bits`, plus
/// `server_max_window_bits` for a receive window below 15 and the
/// no-context-takeover parameters asked for. Not NUL-terminated;
/// `WSF_DEFLATE_MAX_VALUE_LEN` bytes always suffice.
///
/// Errors: `WSF_NULL_POINTER`, `WSF_INVALID_ARGUMENT` (window bits outside
/// 8..=15), `WSF_BUFFER_TOO_SMALL` (`*written` = the size needed).
///
/// # Safety
/// `config` is NULL or valid; `out` NULL with `out_len` 0 or valid for
/// writes of `out_len` bytes; `written` NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wsf_deflate_client_offer(
    config: *const wsf_deflate_config,
    out: *mut c_char,
    out_len: usize,
    written: *mut usize,
) -> wsf_status {
    guard(|| {
        let config = handle!(config)?.core()?;
        let out = output!(out, out_len, written, [])?;
        out.copy(deflate::client_offer(&config).as_bytes())
    })
}

/// Client side (RFC 7692 §7.1): checks the server's
/// `Sec-WebSocket-Extensions` value (`wsf_server_response.extensions`;
/// NULL with `value_len` 0 when absent) against the offer made for
/// `config`. Accepted: `*accepted` = 1 and `*params`; not accepted:
/// `*accepted` = 0, `*params` untouched. The handshake already refused
/// extensions that were not offered.
///
/// Errors: `WSF_NULL_POINTER`, `WSF_INVALID_ARGUMENT` (window bits outside
/// 8..=15), `WSF_HANDSHAKE_BAD_HEADER_VALUE` (not §9.1 grammar),
/// `WSF_HANDSHAKE_DEFLATE_*` (the answer breaks §7.1): fail the
/// connection (drop it).
///
/// # Safety
/// `value` is NULL with `value_len` 0 or valid for `value_len` bytes;
/// `config`, `params`, `accepted` NULL or valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wsf_deflate_check_answer(
    value: *const c_char,
    value_len: usize,
    config: *const wsf_deflate_config,
    params: *mut wsf_deflate_params,
    accepted: *mut u8,
) -> wsf_status {
    guard(|| {
        let value = input!(value, value_len)?;
        let config = handle!(config)?.core()?;
        let params = handle_mut!(params)?;
        let accepted = handle_mut!(accepted)?;
        let offers = ExtensionOffers::parse(value)?;
        match deflate::check_answer(offers, &config)? {
            Some(chosen) => {
                *params = wsf_deflate_params::from_core(&chosen);
                *accepted = 1;
            }
            None => *accepted = 0,
        }
        Ok(())
    })
}

/// Where the core's object and its bytes go in a caller block: the object
/// first, the bytes right after it (the object's size is a multiple of its
/// alignment, so the bytes need none).
const fn block_len<T>(bytes: usize) -> usize {
    size_of::<T>().saturating_add(bytes)
}

/// Bytes of the receiving block `params` need: the inflater (~8 KiB) plus
/// its ring of 2^`receive_window_bits` bytes. 0 for window bits outside
/// 8..=15 or a NULL `params`.
///
/// # Safety
/// `params` is NULL or valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wsf_deflate_rx_storage_size(params: *const wsf_deflate_params) -> usize {
    guard_value(0, || {
        handle!(params)
            .and_then(wsf_deflate_params::core)
            .map_or(0, |p| {
                block_len::<Decompression<'static>>(Decompression::ring_len(&p))
            })
    })
}

/// Bytes of the sending block `params` need at `level` (a
/// `wsf_deflate_level`): the compressor plus its history and tables. 0 for
/// window bits outside 8..=15, an unknown level or a NULL `params`.
///
/// # Safety
/// `params` is NULL or valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wsf_deflate_tx_storage_size(
    params: *const wsf_deflate_params,
    level: u32,
) -> usize {
    guard_value(0, || {
        let sizes = |p: DeflateParams| -> Result<usize, wsf_status> {
            let len = Compression::storage_len(&p, self::level(level)?);
            Ok(block_len::<Compression<'static>>(len))
        };
        handle!(params)
            .and_then(wsf_deflate_params::core)
            .and_then(sizes)
            .unwrap_or(0)
    })
}

/// The alignment both deflate blocks need.
///
/// # Safety
/// Always safe to call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wsf_deflate_storage_align() -> usize {
    align_of::<Decompression<'static>>().max(align_of::<Compression<'static>>())
}

/// Places `object(bytes)` at the start of `block`, over the bytes after it.
fn place_in_block<T, F>(block: &'static mut [u8], object: F) -> Result<NonNull<T>, wsf_status>
where
    F: FnOnce(&'static mut [u8]) -> Result<T, wsf_status>,
{
    if block.as_ptr().align_offset(align_of::<T>()) != 0 {
        return Err(wsf_status::WSF_STORAGE_MISALIGNED);
    }
    let (head, bytes) = block
        .split_at_mut_checked(size_of::<T>())
        .ok_or(wsf_status::WSF_STORAGE_TOO_SMALL)?;
    let value = object(bytes).map_err(|e| match e {
        wsf_status::WSF_DEFLATE_MEMORY => wsf_status::WSF_STORAGE_TOO_SMALL,
        other => other,
    })?;
    // SAFETY: `head` is an exclusive borrow of `size_of::<T>()` bytes,
    // aligned for `T` (checked above), given up here for good.
    let ptr =
        unsafe { crate::storage::place(head.as_mut_ptr().cast::<c_void>(), head.len(), value) }?;
    NonNull::new(ptr).ok_or(wsf_status::WSF_NULL_POINTER)
}

/// Turns permessage-deflate on for `conn` with the negotiated `params`:
/// the receiving half in `rx_storage` (`wsf_deflate_rx_storage_size(params)`
/// bytes, aligned to `wsf_deflate_storage_align()`; required), the sending
/// half at `level` in `tx_storage` (`wsf_deflate_tx_storage_size(params,
/// level)` bytes, same alignment), or NULL with `tx_len` 0 for none: every
/// message then goes out uncompressed. Call it right after `wsf_conn_init`,
/// before the first `wsf_conn_recv`. From then on `wsf_conn_recv` inflates
/// compressed messages (their payloads point into the rx block) and
/// `wsf_conn_send_deflate` compresses. Calling it again replaces both
/// halves (the old blocks are no longer used).
///
/// Errors: `WSF_NULL_POINTER`, `WSF_INVALID_ARGUMENT` (window bits outside
/// 8..=15, unknown level, or the blocks overlapping),
/// `WSF_STORAGE_TOO_SMALL`, `WSF_STORAGE_MISALIGNED`; nothing changed.
///
/// # Safety
/// `conn` is NULL or live; `params` NULL or valid; `rx_storage` NULL or
/// valid for reads and writes of `rx_len` bytes, `tx_storage` likewise for
/// `tx_len` (NULL with 0 allowed), neither used for anything else nor
/// released while `conn` is used.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wsf_conn_deflate_init(
    conn: *mut wsf_conn,
    params: *const wsf_deflate_params,
    level: u32,
    rx_storage: *mut c_void,
    rx_len: usize,
    tx_storage: *mut c_void,
    tx_len: usize,
) -> wsf_status {
    guard(|| {
        let c = handle_mut!(conn)?;
        let p = handle!(params)?.core()?;
        let level = self::level(level)?;
        if rx_storage.is_null() {
            return Err(wsf_status::WSF_NULL_POINTER);
        }
        let tx_block: &'static mut [u8] = in_place!(tx_storage.cast::<u8>(), tx_len)?;
        // Before the second `&mut` exists: the blocks may not share a byte.
        disjoint(rx_storage.cast(), rx_len, [&*tx_block])?;
        let rx_block: &'static mut [u8] = in_place!(rx_storage.cast::<u8>(), rx_len)?;
        let rx = place_in_block(rx_block, |ring| Ok(Decompression::new(&p, ring)?))?;
        let tx = if tx_block.is_empty() {
            None
        } else {
            Some(place_in_block(tx_block, |storage| {
                Ok(Compression::new(&p, level, storage)?)
            })?)
        };
        c.deflate = Some(crate::conn::Deflate { rx, tx });
        Ok(())
    })
}

/// What one `wsf_conn_send_deflate` call did.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct wsf_sent {
    /// Bytes of the payload piece taken: offer the rest again.
    pub consumed: usize,
    /// Bytes of the frame written at the start of `out` (0: none this time).
    pub written: usize,
    /// Non-zero: this frame ended the message (FIN).
    pub message_end: u8,
}

/// Sends the next piece of a message of `kind` (a `wsf_data_kind`),
/// compressed (RFC 7692 §7.2.1) when the connection has a sending half
/// (`wsf_conn_deflate_init` with tx storage), else as it is: at most one
/// frame per call, written at `out[0..sent->written]`. `last` non-zero says
/// `payload` ends the message. Loop offering `payload + sent->consumed`
/// until `sent->message_end`; a call may take input and write no frame
/// (the compressor keeps it for the next frame). The first frame of a
/// compressed message carries RSV1, the others are continuations. A
/// client masks each frame with that call's `mask_key` (fresh for every
/// call). To send a message uncompressed on a compressing connection (a
/// secret next to attacker-chosen text: CRIME, BREACH), use
/// `wsf_conn_send_data` for it. `out` needs room for a frame header and at
/// least one byte (`WSF_MAX_FRAME_HEADER + 1` always suffices).
///
/// Errors: `WSF_NULL_POINTER`, `WSF_INVALID_ARGUMENT` (kind, or `out`
/// overlapping `payload`), `WSF_CLOSED`, `WSF_MESSAGE_IN_PROGRESS` (another
/// message, compressed or not, is being sent), `WSF_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `conn` is NULL or live; `payload` NULL with length 0 or valid for
/// `payload_len` bytes; `out` likewise for writes of `out_len`; `sent`
/// NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wsf_conn_send_deflate(
    conn: *mut wsf_conn,
    kind: u32,
    last: u8,
    payload: *const u8,
    payload_len: usize,
    mask_key: u32,
    out: *mut u8,
    out_len: usize,
    sent: *mut wsf_sent,
) -> wsf_status {
    guard(|| {
        let c = handle_mut!(conn)?;
        let kind = data_kind(kind)?;
        let payload = input!(payload, payload_len)?;
        let sent = handle_mut!(sent)?;
        disjoint(out, out_len, [payload])?;
        let out = in_place!(out, out_len)?;
        let done = c.send_deflate(kind, payload, last != 0, mask_key_bytes(mask_key), out)?;
        *sent = wsf_sent {
            consumed: done.consumed,
            written: done.written,
            message_end: u8::from(done.message_end),
        };
        Ok(())
    })
}
