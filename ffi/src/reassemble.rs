//! Whole-message reassembly into a caller buffer (the core's opt-in
//! `Reassembler`): push every event from `wsf_conn_recv`, get whole
//! messages back. A message that does not fit fails the connection with
//! 1009.

use core::ffi::c_void;

use wsframe::Reassembler;

use crate::boundary::{disjoint, guard, handle_mut, in_place, inside, place};
use crate::conn::wsf_conn;
use crate::event::{wsf_data_kind, wsf_event};
use crate::status::wsf_status;
use crate::storage;

/// Collects the pieces of one message at a time into a caller buffer
/// (opaque). Create it with `wsf_reassembler_init` in storage of
/// `wsf_reassembler_size()` bytes aligned to `wsf_reassembler_align()`.
pub struct wsf_reassembler {
    /// Borrows the caller's buffer for as long as the caller keeps the
    /// reassembler (the contract of `wsf_reassembler_init`).
    inner: Reassembler<'static>,
    /// The buffer, for overlap checks.
    buf: (*const u8, usize),
}

/// A whole message, pointing into the reassembly buffer; valid until the
/// next `wsf_reassembler_push`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct wsf_message {
    /// A `wsf_data_kind`.
    pub kind: wsf_data_kind,
    /// The message (UTF-8 for text, as validated by the connection).
    pub payload: *const u8,
    /// Bytes in `payload`.
    pub payload_len: usize,
}

/// Bytes of storage a `wsf_reassembler` needs.
///
/// # Safety
/// Always safe to call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wsf_reassembler_size() -> usize {
    storage::size::<wsf_reassembler>()
}

/// Alignment the storage of a `wsf_reassembler` needs.
///
/// # Safety
/// Always safe to call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wsf_reassembler_align() -> usize {
    storage::align::<wsf_reassembler>()
}

/// Creates a reassembler in caller storage that collects messages into
/// `buf` (its length is the message size limit), with at most
/// `max_fragments` frames per message, and stores its handle in `*out`.
///
/// Errors: `WSF_NULL_POINTER`, `WSF_STORAGE_TOO_SMALL`,
/// `WSF_STORAGE_MISALIGNED`.
///
/// # Safety
/// `buf` is NULL with `buf_len` 0 or valid for reads and writes of
/// `buf_len` bytes, and is used only through the reassembler while it
/// lives; `storage` is NULL or valid for writes of `storage_len` bytes,
/// used for nothing else while the reassembler lives; `out` NULL or valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wsf_reassembler_init(
    buf: *mut u8,
    buf_len: usize,
    max_fragments: u32,
    storage: *mut c_void,
    storage_len: usize,
    out: *mut *mut wsf_reassembler,
) -> wsf_status {
    guard(|| {
        let out = handle_mut!(out)?;
        // The buffer is ours for the reassembler's life, which the caller
        // bounds (this function's contract).
        let buffer: &'static mut [u8] = in_place!(buf, buf_len)?;
        let value = wsf_reassembler {
            buf: (buffer.as_ptr(), buffer.len()),
            inner: Reassembler::new(buffer, max_fragments),
        };
        *out = place!(storage, storage_len, value)?;
        Ok(())
    })
}

/// Adds an event from `wsf_conn_recv` (on `conn`). When it completes a
/// message, returns `WSF_OK` with the message in `*out`; control events
/// and pieces of unfinished messages return `WSF_INCOMPLETE`.
///
/// Errors: `WSF_NULL_POINTER`, `WSF_INVALID_ARGUMENT` (bad event type, or
/// the event's payload inside the reassembly buffer),
/// `WSF_PROTOCOL_MESSAGE_TOO_BIG` / `WSF_PROTOCOL_TOO_MANY_FRAGMENTS`
/// (the message is dropped and `conn` is failed with 1009: drain its Close
/// with `wsf_conn_write_pending`).
///
/// # Safety
/// `reassembler` and `conn` are NULL or live; `event` is NULL or a valid
/// event whose pointers are valid; `out` NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wsf_reassembler_push(
    reassembler: *mut wsf_reassembler,
    conn: *mut wsf_conn,
    event: *const wsf_event,
    out: *mut wsf_message,
) -> wsf_status {
    guard(|| {
        let (r, c) = (handle_mut!(reassembler)?, handle_mut!(conn)?);
        let out = handle_mut!(out)?;
        let Some(event) = inside!(wsf_event::read(event))? else {
            return Err(wsf_status::WSF_INCOMPLETE);
        };
        if let wsframe::Event::Data { payload, .. } = event {
            disjoint(r.buf.0, r.buf.1, [payload])?;
        }
        let message = r
            .inner
            .push(&mut c.conn, &event)?
            .ok_or(wsf_status::WSF_INCOMPLETE)?;
        *out = wsf_message {
            kind: wsf_data_kind::from_core(message.kind),
            payload: message.payload.as_ptr(),
            payload_len: message.payload.len(),
        };
        Ok(())
    })
}
