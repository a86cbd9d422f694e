//! Sending: data frames (whole, or header only for two-buffer sends),
//! control frames, draining the pending slot, and masking.
//!
//! Every writer encodes into the caller's `out` buffer and reports the
//! length in `*written`; on `WSF_BUFFER_TOO_SMALL`, `*written` is the size
//! needed and nothing else changed. Masking keys are `uint32_t`, most
//! significant byte first (the order on the wire); a server ignores them.
//! A client must use a fresh random key for every frame (§5.3).

use core::ffi::c_char;

use wsframe::{CloseCode, DataKind};

use crate::boundary::{
    Outcome, Output, guard, handle_mut, in_place, input, optional, output, utf8,
};
use crate::conn::wsf_conn;
use crate::event::data_kind;
use crate::status::wsf_status;
use crate::types::mask_key;

/// Longest frame header: 2 + 8 (64-bit length) + 4 (masking key).
pub const WSF_MAX_FRAME_HEADER: usize = 14;

/// Largest frame `wsf_conn_write_pending` writes (a masked control frame
/// with 125 bytes of payload); an `out` of this size always suffices.
pub const WSF_MAX_PENDING_FRAME: usize = 131;

/// A receive buffer of this size always makes progress (it holds the
/// largest control frame).
pub const WSF_MIN_RECV_BUFFER: usize = 131;

/// Largest control frame payload (§5.5).
pub const WSF_MAX_CONTROL_PAYLOAD: usize = 125;

// The literals above are what the header shows; they must be the core's.
const _: () = {
    assert!(WSF_MAX_FRAME_HEADER == wsframe::frame::MAX_HEADER_LEN);
    assert!(WSF_MAX_PENDING_FRAME == wsframe::MAX_PENDING_FRAME);
    assert!(WSF_MIN_RECV_BUFFER == wsframe::MIN_RECV_BUFFER);
    assert!(WSF_MAX_CONTROL_PAYLOAD == wsframe::frame::MAX_CONTROL_PAYLOAD);
};

/// What a send call encodes.
#[derive(Clone, Copy)]
pub(crate) enum Outgoing {
    /// A data frame; `fin` ends the message.
    Data(DataKind, bool),
    /// A Ping.
    Ping,
    /// A Pong.
    Pong,
}

/// Encodes one whole frame of `what` with `payload` (the shared body of
/// every payload-carrying send export).
pub(crate) fn send(
    c: &mut wsf_conn,
    what: Outgoing,
    payload: &[u8],
    key: u32,
    out: Output<'_>,
) -> Outcome {
    let key = mask_key(key);
    out.write(|buf| match what {
        Outgoing::Data(kind, fin) => c.conn.send_data(kind, fin, payload, key, buf),
        Outgoing::Ping => c.conn.send_ping(payload, key, buf),
        Outgoing::Pong => c.conn.send_pong(payload, key, buf),
    })
}

/// The arguments every payload-carrying send export shares, checked in
/// the order the exports always have: the handle, the payload, then the
/// output (which must not overlap the payload).
macro_rules! send_args {
    ($conn:expr, $payload:expr, $payload_len:expr, $out:expr, $out_len:expr, $written:expr) => {{
        let c = $crate::boundary::handle_mut!($conn)?;
        let payload = $crate::boundary::input!($payload, $payload_len)?;
        let out = $crate::boundary::output!($out, $out_len, $written, [payload])?;
        (c, payload, out)
    }};
}
pub(crate) use send_args;

/// Encodes a whole data frame: `kind` is a `wsf_data_kind`; `fin` non-zero
/// ends the message, zero starts or continues a fragmented one (the
/// continuation opcodes follow automatically, §5.4). A client's frame is
/// masked with `mask_key` as it is copied; `payload` is not modified.
/// Text is not re-validated.
///
/// Errors: `WSF_NULL_POINTER`, `WSF_INVALID_ARGUMENT` (kind, or `out`
/// overlapping `payload`), `WSF_CLOSED`, `WSF_MESSAGE_IN_PROGRESS`,
/// `WSF_BUFFER_TOO_SMALL` (needs `WSF_MAX_FRAME_HEADER + payload_len` at
/// most).
///
/// # Safety
/// `conn` is NULL or live; `payload` NULL with length 0 or valid for
/// `payload_len` bytes; `out` likewise for writes of `out_len`; `written`
/// NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wsf_conn_send_data(
    conn: *mut wsf_conn,
    kind: u32,
    fin: u8,
    payload: *const u8,
    payload_len: usize,
    mask_key: u32,
    out: *mut u8,
    out_len: usize,
    written: *mut usize,
) -> wsf_status {
    guard(|| {
        let what = Outgoing::Data(data_kind(kind)?, fin != 0);
        let (c, payload, out) = send_args!(conn, payload, payload_len, out, out_len, written);
        send(c, what, payload, mask_key, out)
    })
}

/// Encodes only the header of a data frame of `payload_len` bytes, for a
/// two-buffer send (header from `out`, payload from where it already is).
/// A client must then mask its payload in place with
/// `wsf_mask(payload, payload_len, mask_key, 0, NULL)`. Same rules and
/// errors as `wsf_conn_send_data`; `WSF_MAX_FRAME_HEADER` bytes suffice.
///
/// # Safety
/// `conn` is NULL or live; `out` NULL with length 0 or valid for writes of
/// `out_len` bytes; `written` NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wsf_conn_send_data_header(
    conn: *mut wsf_conn,
    kind: u32,
    fin: u8,
    payload_len: u64,
    mask_key: u32,
    out: *mut u8,
    out_len: usize,
    written: *mut usize,
) -> wsf_status {
    guard(|| {
        let c = handle_mut!(conn)?;
        let out = output!(out, out_len, written, [])?;
        let kind = data_kind(kind)?;
        let key = crate::types::mask_key(mask_key);
        out.write(|buf| {
            c.conn
                .send_data_header(kind, fin != 0, payload_len, key, buf)
        })
    })
}

/// Encodes a Ping with at most 125 bytes of payload.
///
/// Errors: `WSF_NULL_POINTER`, `WSF_INVALID_ARGUMENT` (overlap),
/// `WSF_CLOSED`, `WSF_CONTROL_TOO_LONG`, `WSF_BUFFER_TOO_SMALL`.
///
/// # Safety
/// As `wsf_conn_send_data`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wsf_conn_send_ping(
    conn: *mut wsf_conn,
    payload: *const u8,
    payload_len: usize,
    mask_key: u32,
    out: *mut u8,
    out_len: usize,
    written: *mut usize,
) -> wsf_status {
    guard(|| {
        let (c, payload, out) = send_args!(conn, payload, payload_len, out, out_len, written);
        send(c, Outgoing::Ping, payload, mask_key, out)
    })
}

/// Encodes a Pong (e.g. an unsolicited one as a keep-alive, §5.5.3). Same
/// errors as `wsf_conn_send_ping`.
///
/// # Safety
/// As `wsf_conn_send_data`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wsf_conn_send_pong(
    conn: *mut wsf_conn,
    payload: *const u8,
    payload_len: usize,
    mask_key: u32,
    out: *mut u8,
    out_len: usize,
    written: *mut usize,
) -> wsf_status {
    guard(|| {
        let (c, payload, out) = send_args!(conn, payload, payload_len, out, out_len, written);
        send(c, Outgoing::Pong, payload, mask_key, out)
    })
}

/// Encodes our Close with `code` and a UTF-8 `reason` of at most 123 bytes
/// (code 1005 with an empty reason sends an empty Close) and moves to
/// `WSF_STATE_CLOSE_SENT`, or `WSF_STATE_CLOSED` when answering the peer's
/// Close (replacing the pending echo). Keep receiving until the peer's
/// Close arrives.
///
/// Errors: `WSF_NULL_POINTER`, `WSF_NOT_UTF8`, `WSF_INVALID_ARGUMENT`
/// (overlap), `WSF_CLOSED`, `WSF_INVALID_CLOSE_CODE`,
/// `WSF_REASON_TOO_LONG`, `WSF_BUFFER_TOO_SMALL`.
///
/// # Safety
/// As `wsf_conn_send_data`, with `reason` for `payload`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wsf_conn_send_close(
    conn: *mut wsf_conn,
    code: u16,
    reason: *const c_char,
    reason_len: usize,
    mask_key: u32,
    out: *mut u8,
    out_len: usize,
    written: *mut usize,
) -> wsf_status {
    guard(|| {
        let c = handle_mut!(conn)?;
        let reason = input!(reason, reason_len)?;
        let out = output!(out, out_len, written, [reason])?;
        let reason = utf8(reason)?;
        let key = crate::types::mask_key(mask_key);
        out.write(|buf| c.conn.send_close(CloseCode::new(code), reason, key, buf))
    })
}

/// Writes the frame the protocol requires next (an automatic Pong, the
/// echo of the peer's Close, or the Close that fails the connection) and
/// empties the slot; `*written` is 0 when nothing is pending. Call it after
/// every `wsf_conn_recv`. An `out` of `WSF_MAX_PENDING_FRAME` bytes always
/// suffices.
///
/// Errors: `WSF_NULL_POINTER`, `WSF_BUFFER_TOO_SMALL` (the frame stays
/// pending).
///
/// # Safety
/// `conn` is NULL or live; `out` NULL with length 0 or valid for writes of
/// `out_len` bytes; `written` NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wsf_conn_write_pending(
    conn: *mut wsf_conn,
    mask_key: u32,
    out: *mut u8,
    out_len: usize,
    written: *mut usize,
) -> wsf_status {
    guard(|| {
        let c = handle_mut!(conn)?;
        let out = output!(out, out_len, written, [])?;
        out.write(|buf| c.conn.write_pending(crate::types::mask_key(mask_key), buf))
    })
}

/// XORs `buf` in place with `mask_key` (most significant byte first),
/// starting at key byte `phase` (taken modulo 4). Masking and unmasking are
/// the same operation. `*next_phase` (optional: may be NULL) receives the
/// phase for the byte after `buf`, so a payload can be masked in pieces.
///
/// Errors: `WSF_NULL_POINTER` (`buf` NULL with a non-zero `len`).
///
/// # Safety
/// `buf` is NULL with `len` 0 or valid for reads and writes of `len`
/// bytes; `next_phase` is NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wsf_mask(
    buf: *mut u8,
    len: usize,
    mask_key: u32,
    phase: u32,
    next_phase: *mut u32,
) -> wsf_status {
    guard(|| {
        let buf = in_place!(buf, len)?;
        // NULL means "not wanted".
        let next_phase = optional(handle_mut!(next_phase))?;
        let next = wsframe::apply_mask(buf, crate::types::mask_key(mask_key), phase as usize % 4);
        if let Some(out) = next_phase {
            *out = (next % 4) as u32;
        }
        Ok(())
    })
}
