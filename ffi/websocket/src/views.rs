//! The caller's `WEB_SOCKET_BUFFER`s as `WebSocketSend` reads them (data
//! view, optional Ping/Pong payload, close-status view), and the HRESULT
//! of a send the core refuses.

use wsframe::{CloseCode, Error, UsageError};

use crate::types::{
    Buffer, E_INVALID_PROTOCOL_OPERATION, E_INVALIDARG, Hresult, MAX_CLOSE_REASON_LENGTH,
};

/// The HRESULT for a refused send: the session's state forbids it
/// (`E_INVALID_PROTOCOL_OPERATION`), or the arguments are bad (a close code
/// that may not be sent, a control payload over 125 bytes: `E_INVALIDARG`).
pub fn usage_hresult(e: Error) -> Hresult {
    match e {
        Error::Usage(UsageError::Closed | UsageError::MessageInProgress) => {
            E_INVALID_PROTOCOL_OPERATION
        }
        _ => E_INVALIDARG,
    }
}

/// A readable byte slice (empty for NULL or 0).
///
/// # Safety
/// `ptr` is NULL or addresses `len` readable bytes that outlive the use.
pub unsafe fn bytes<'a>(ptr: *const u8, len: usize) -> &'a [u8] {
    if ptr.is_null() || len == 0 {
        return &[];
    }
    // SAFETY: the caller's promise.
    unsafe { core::slice::from_raw_parts(ptr, len) }
}

/// The data view of a required buffer.
///
/// # Safety
/// `buf` is NULL or readable.
pub unsafe fn data_view(buf: *const Buffer) -> Result<(*const u8, usize), Hresult> {
    if buf.is_null() {
        return Err(E_INVALIDARG);
    }
    // SAFETY: non-NULL and readable (caller); both views are plain data.
    let d = unsafe { buf.read_unaligned().data };
    if d.buffer.is_null() && d.len > 0 {
        return Err(E_INVALIDARG);
    }
    Ok((d.buffer, d.len as usize))
}

/// The data view of an optional buffer (Ping / Pong payload, ≤ 125 bytes).
///
/// # Safety
/// `buf` is NULL or readable.
pub unsafe fn optional_data(buf: *const Buffer) -> Result<(*const u8, usize), Hresult> {
    if buf.is_null() {
        return Ok((core::ptr::null(), 0));
    }
    // SAFETY: forwarded.
    unsafe { data_view(buf) }
}

/// The close-status view: a sendable code and a UTF-8 reason ≤ 123 bytes.
///
/// # Safety
/// `buf` is NULL or readable; its reason addresses its length.
pub unsafe fn close_view<'a>(buf: *const Buffer) -> Result<(CloseCode, &'a str), Hresult> {
    if buf.is_null() {
        return Err(E_INVALIDARG);
    }
    // SAFETY: non-NULL and readable (caller).
    let c = unsafe { buf.read_unaligned().close };
    let len = c.reason_len as usize;
    if len > MAX_CLOSE_REASON_LENGTH || (c.reason.is_null() && len > 0) {
        return Err(E_INVALIDARG);
    }
    // SAFETY: `len` readable bytes at `reason` (caller).
    let reason = core::str::from_utf8(unsafe { bytes(c.reason, len) }).map_err(|_| E_INVALIDARG)?;
    Ok((CloseCode::new(c.status), reason))
}
