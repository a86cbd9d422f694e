//! Opening-handshake utilities that need no request object: the keys
//! (RFC 6455 §1.3, §4.1, §4.2.2), HTTP tokens, and the server's refusals
//! (§4.2.1, §4.4). The request itself is in `request.rs`, the client side
//! in `client.rs`.

use core::ffi::c_char;

use wsframe::handshake;

use crate::boundary::{guard, guard_value, input, inside, output};
use crate::status::wsf_status;
use crate::types::{WSF_MAX_HEADERS, extra_headers, wsf_http_header};

/// Length of a `Sec-WebSocket-Key` value (base64 of 16 bytes).
pub const WSF_KEY_LEN: usize = 24;

/// Length of a `Sec-WebSocket-Accept` value (base64 of a SHA-1 digest).
pub const WSF_ACCEPT_LEN: usize = 28;

const _: () = assert!(WSF_KEY_LEN == handshake::KEY_LEN && WSF_ACCEPT_LEN == handshake::ACCEPT_LEN);

/// Computes the `Sec-WebSocket-Accept` value for a `Sec-WebSocket-Key`
/// value (without surrounding whitespace), e.g. for an http.sys or IIS
/// server answering the upgrade itself: `WSF_ACCEPT_LEN` bytes into `out`.
///
/// Errors: `WSF_NULL_POINTER`, `WSF_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `key` is NULL with `key_len` 0 or valid for `key_len` bytes; `out` NULL
/// with `out_len` 0 or valid for writes of `out_len` bytes; `written` NULL
/// or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wsf_handshake_accept_key(
    key: *const c_char,
    key_len: usize,
    out: *mut c_char,
    out_len: usize,
    written: *mut usize,
) -> wsf_status {
    guard(|| {
        let key = input!(key, key_len)?;
        let out = output!(out, out_len, written, [])?;
        out.copy(&handshake::accept_key(key))
    })
}

/// Computes the `Sec-WebSocket-Key` value (`WSF_KEY_LEN` bytes) for a
/// client's 16-byte random nonce, for hosts whose own HTTP stack writes
/// the request.
///
/// Errors: `WSF_NULL_POINTER`, `WSF_INVALID_ARGUMENT` (`nonce_len` not
/// 16), `WSF_BUFFER_TOO_SMALL`.
///
/// # Safety
/// As `wsf_handshake_accept_key`, with `nonce` for `key`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wsf_handshake_nonce_key(
    nonce: *const u8,
    nonce_len: usize,
    out: *mut c_char,
    out_len: usize,
    written: *mut usize,
) -> wsf_status {
    guard(|| {
        let nonce = input!(nonce, nonce_len)?;
        let out = output!(out, out_len, written, [])?;
        let nonce = <&[u8; 16]>::try_from(nonce).map_err(|_| wsf_status::WSF_INVALID_ARGUMENT)?;
        out.copy(&handshake::nonce_key(nonce))
    })
}

/// Decodes a `Sec-WebSocket-Key` value into its 16-byte nonce; the status
/// says whether it is valid (canonical padded base64 of exactly 16 bytes).
///
/// Errors: `WSF_NULL_POINTER`, `WSF_HANDSHAKE_BAD_KEY`,
/// `WSF_BUFFER_TOO_SMALL` (`out_len` under 16).
///
/// # Safety
/// As `wsf_handshake_accept_key`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wsf_handshake_decode_key(
    key: *const c_char,
    key_len: usize,
    out: *mut u8,
    out_len: usize,
    written: *mut usize,
) -> wsf_status {
    guard(|| {
        let key = input!(key, key_len)?;
        let out = output!(out, out_len, written, [])?;
        let nonce = handshake::decode_key(key).ok_or(wsf_status::WSF_HANDSHAKE_BAD_KEY)?;
        out.copy(&nonce)
    })
}

/// 1 if `s` is an HTTP token (RFC 7230 §3.2.6), the syntax of subprotocol,
/// extension and header names; 0 otherwise (and for NULL with a length).
///
/// # Safety
/// `s` is NULL or valid for `len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wsf_handshake_is_token(s: *const c_char, len: usize) -> u8 {
    guard_value(0, || {
        input!(s, len).map_or(0, |s| u8::from(handshake::is_token(s)))
    })
}

/// Writes the HTTP refusal for a handshake error `status` (a
/// `WSF_HANDSHAKE_*` server-side value): its status line (400, 405, 426,
/// 431) with `Connection: close`, `Content-Length: 0` and what the status
/// calls for (`Allow: GET`, `Upgrade: websocket`,
/// `Sec-WebSocket-Version: 13`), as one block. Close the connection after
/// sending it.
///
/// Errors: `WSF_NULL_POINTER`, `WSF_INVALID_ARGUMENT` (not a server-side
/// handshake status), `WSF_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `out` is NULL with `out_len` 0 or valid for writes of `out_len` bytes;
/// `written` is NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wsf_handshake_write_rejection(
    status: u32,
    out: *mut u8,
    out_len: usize,
    written: *mut usize,
) -> wsf_status {
    guard(|| {
        let out = output!(out, out_len, written, [])?;
        let error = wsf_status::from_u32(status)
            .and_then(wsf_status::handshake_error)
            .filter(|e| e.http_status().is_some())
            .ok_or(wsf_status::WSF_INVALID_ARGUMENT)?;
        out.write(|buf| handshake::write_rejection(error, buf).map_err(Into::into))
    })
}

/// Writes an application-chosen refusal, e.g. 403 for an untrusted
/// `Origin` or 401 with a `WWW-Authenticate` extra header: status line
/// (`http_status` 400–599), `Connection: close`, `Content-Length: 0` and
/// the extra headers, as one block.
///
/// Errors: `WSF_NULL_POINTER`, `WSF_INVALID_STATUS` (status out of
/// range), `WSF_INVALID_HEADER` (a header not allowed), `WSF_INVALID_ARGUMENT` (more than
/// `WSF_MAX_HEADERS`, or `out` overlapping a header), `WSF_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `headers` is NULL with `header_count` 0 or valid for `header_count`
/// entries whose pointers are valid for their lengths; `out` and `written`
/// as for `wsf_handshake_write_rejection`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wsf_handshake_write_status(
    http_status: u16,
    headers: *const wsf_http_header,
    header_count: usize,
    out: *mut u8,
    out_len: usize,
    written: *mut usize,
) -> wsf_status {
    guard(|| {
        let mut slot = [("", &b""[..]); WSF_MAX_HEADERS];
        let extra = inside!(extra_headers(headers, header_count, &mut slot))?;
        let inputs = extra.iter().flat_map(|(n, v)| [n.as_bytes(), *v]);
        let out = output!(out, out_len, written, inputs)?;
        out.write(|buf| handshake::write_status(http_status, extra, buf).map_err(Into::into))
    })
}
