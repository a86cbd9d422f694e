//! `websocket.dll`: the WebSocket Protocol Component API (Windows 8+,
//! learn.microsoft.com "Web Socket Protocol Component API Functions") over
//! wsframe's one `Connection`, for the systems that lack it (Windows 7,
//! Server 2008 R2, Wine's stub). The 13 exports keep their documented
//! names and `WINAPI` signatures (`extern "system"`: stdcall on 32-bit
//! Windows, the C convention elsewhere), so a program written against the
//! SDK's `websocket.h` (here `include/websocket.h`) and linked with the
//! system import library runs unchanged with this DLL beside it. On Linux
//! the same layer builds as `libwebsocket.so` for the native tests.
//!
//! Every export checks its handle against the live set (registry.rs) and
//! its pointers for NULL, runs under `catch_unwind` with `std`, and answers
//! with an `HRESULT` — never a crash. handle.rs states the action model.
#![cfg_attr(not(feature = "std"), no_std)]
#![allow(non_snake_case)]

extern crate alloc;

mod action;
mod arena;
mod handle;
mod handshake;
mod properties;
mod random;
mod registry;
pub mod types;
mod views;

use core::ffi::{c_char, c_void};

use alloc::boxed::Box;
use wsframe::Role;

use crate::action::Action;
use crate::arena::Arena;
use crate::handle::{Handle, Phase};
use crate::handshake::{any_header, is_upgrade_header, read_headers, read_token, read_tokens};
use crate::properties::Props;
use crate::registry::Guard;
use crate::types::{
    Buffer, E_INVALID_PROTOCOL_OPERATION, E_INVALIDARG, E_OUTOFMEMORY, Hresult, HttpHeader,
    Property, S_OK,
};

/// `E_FAIL`: what a caught panic becomes (the core is panic-free; this is
/// the boundary's last line).
const E_FAIL: Hresult = 0x8000_4005_u32 as Hresult;

/// Runs `f`; with `std`, a panic becomes `fallback` instead of unwinding
/// into the caller.
fn guard<T>(fallback: T, f: impl FnOnce() -> T) -> T {
    #[cfg(feature = "std")]
    {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or(fallback)
    }
    #[cfg(not(feature = "std"))]
    {
        let _ = fallback;
        f()
    }
}

/// Runs `f` on the live handle `h`, under the registry lock.
fn with_handle(h: *mut c_void, f: impl FnOnce(&mut Handle) -> Result<(), Hresult>) -> Hresult {
    guard(E_FAIL, || {
        let mut lock = Guard::lock();
        match lock.get(h) {
            Some(handle) => f(handle).err().unwrap_or(S_OK),
            None => E_INVALIDARG,
        }
    })
}

/// Creates a handle for `role`.
///
/// # Safety
/// As the create exports.
unsafe fn create(role: Role, props: *const Property, count: u32, out: *mut *mut c_void) -> Hresult {
    guard(E_FAIL, || {
        if out.is_null() {
            return E_INVALIDARG;
        }
        // SAFETY: the caller's array (checked inside for NULL).
        let props = match unsafe { Props::parse(props, count, role == Role::Server) } {
            Ok(p) => p,
            Err(e) => return e,
        };
        let arena = match Arena::new(&props) {
            Ok(a) => a,
            Err(e) => return e,
        };
        let handle = Box::new(Handle::new(role, props, arena));
        let ptr = Guard::lock().insert(handle);
        if ptr.is_null() {
            return E_OUTOFMEMORY;
        }
        // SAFETY: `out` is non-NULL and the caller's to write.
        unsafe { out.write_unaligned(ptr) };
        S_OK
    })
}

/// `WebSocketCreateClientHandle`.
///
/// # Safety
/// `pProperties` is NULL or points to `ulPropertyCount` properties (each
/// `pvValue` to `ulValueSize` bytes); `phWebSocket` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "system" fn WebSocketCreateClientHandle(
    pProperties: *const Property,
    ulPropertyCount: u32,
    phWebSocket: *mut *mut c_void,
) -> Hresult {
    // SAFETY: forwarded.
    unsafe { create(Role::Client, pProperties, ulPropertyCount, phWebSocket) }
}

/// `WebSocketCreateServerHandle`.
///
/// # Safety
/// As [`WebSocketCreateClientHandle`].
#[unsafe(no_mangle)]
pub unsafe extern "system" fn WebSocketCreateServerHandle(
    pProperties: *const Property,
    ulPropertyCount: u32,
    phWebSocket: *mut *mut c_void,
) -> Hresult {
    // SAFETY: forwarded.
    unsafe { create(Role::Server, pProperties, ulPropertyCount, phWebSocket) }
}

/// Checks the role and phase of a handshake step.
fn step(h: &Handle, role: Role, phase: Phase) -> Result<(), Hresult> {
    if h.conn.role() != role || h.phase != phase {
        return Err(E_INVALID_PROTOCOL_OPERATION);
    }
    Ok(())
}

/// Writes a header array result.
///
/// # Safety
/// Both pointers are non-NULL and writable.
unsafe fn put_headers(list: (*mut HttpHeader, u32), out: *mut *mut HttpHeader, count: *mut u32) {
    // SAFETY: the caller's promise.
    unsafe {
        out.write_unaligned(list.0);
        count.write_unaligned(list.1);
    }
}

/// `WebSocketBeginClientHandshake`: the headers to add to the request.
///
/// # Safety
/// Arrays are NULL or hold their counts of valid entries (strings
/// NUL-terminated, headers counted); the out pointers are NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "system" fn WebSocketBeginClientHandshake(
    hWebSocket: *mut c_void,
    pszSubprotocols: *const *const c_char,
    ulSubprotocolCount: u32,
    pszExtensions: *const *const c_char,
    ulExtensionCount: u32,
    pInitialHeaders: *const HttpHeader,
    ulInitialHeaderCount: u32,
    pAdditionalHeaders: *mut *mut HttpHeader,
    pulAdditionalHeaderCount: *mut u32,
) -> Hresult {
    with_handle(hWebSocket, |h| {
        if pAdditionalHeaders.is_null() || pulAdditionalHeaderCount.is_null() {
            return Err(E_INVALIDARG);
        }
        step(h, Role::Client, Phase::Created)?;
        // SAFETY: the caller's arrays, as documented above.
        let (subs, exts) = unsafe {
            read_headers(pInitialHeaders, ulInitialHeaderCount, any_header)?;
            (
                read_tokens(pszSubprotocols, ulSubprotocolCount)?,
                read_tokens(pszExtensions, ulExtensionCount)?,
            )
        };
        h.offer.subprotocols = subs;
        h.offer.extensions = exts;
        let mut nonce = [0; 16];
        random::fill(&mut nonce);
        let list = handshake::client_headers(&mut h.offer, &nonce, &mut h.headers);
        // SAFETY: both checked non-NULL above.
        unsafe { put_headers(list, pAdditionalHeaders, pulAdditionalHeaderCount) };
        h.phase = Phase::Begun;
        Ok(())
    })
}

/// `WebSocketEndClientHandshake`: checks the response headers.
///
/// # Safety
/// `pResponseHeaders` holds `ulReponseHeaderCount` counted headers;
/// `pulSelectedExtensions` has `*pulSelectedExtensionCount` slots; the
/// optional pointers are NULL or valid.
#[unsafe(no_mangle)]
pub unsafe extern "system" fn WebSocketEndClientHandshake(
    hWebSocket: *mut c_void,
    pResponseHeaders: *const HttpHeader,
    ulReponseHeaderCount: u32,
    pulSelectedExtensions: *mut u32,
    pulSelectedExtensionCount: *mut u32,
    pulSelectedSubprotocol: *mut u32,
) -> Hresult {
    with_handle(hWebSocket, |h| {
        step(h, Role::Client, Phase::Begun)?;
        // SAFETY: the caller's array.
        let headers = unsafe { read_headers(pResponseHeaders, ulReponseHeaderCount, any_header)? };
        let selected = handshake::client_check(&h.offer, &headers)?;
        if !pulSelectedExtensionCount.is_null() {
            // SAFETY: non-NULL, the caller's.
            let room = unsafe { pulSelectedExtensionCount.read_unaligned() } as usize;
            let n = selected.extensions.len();
            if n > room || (n > 0 && pulSelectedExtensions.is_null()) {
                return Err(E_INVALIDARG);
            }
            for (i, &index) in selected.extensions.iter().enumerate() {
                // SAFETY: `i < n <= room` slots.
                unsafe { pulSelectedExtensions.add(i).write_unaligned(index) };
            }
            // SAFETY: as above.
            unsafe { pulSelectedExtensionCount.write_unaligned(n as u32) };
        }
        if let (Some(index), false) = (selected.subprotocol, pulSelectedSubprotocol.is_null()) {
            // SAFETY: non-NULL, the caller's.
            unsafe { pulSelectedSubprotocol.write_unaligned(index) };
        }
        h.phase = Phase::Open;
        Ok(())
    })
}

/// `WebSocketBeginServerHandshake`: validates the request headers and
/// returns the response headers.
///
/// # Safety
/// As [`WebSocketBeginClientHandshake`].
#[unsafe(no_mangle)]
pub unsafe extern "system" fn WebSocketBeginServerHandshake(
    hWebSocket: *mut c_void,
    pszSubprotocolSelected: *const c_char,
    pszExtensionSelected: *const *const c_char,
    ulExtensionSelectedCount: u32,
    pRequestHeaders: *const HttpHeader,
    ulRequestHeaderCount: u32,
    pResponseHeaders: *mut *mut HttpHeader,
    pulResponseHeaderCount: *mut u32,
) -> Hresult {
    with_handle(hWebSocket, |h| {
        if pResponseHeaders.is_null() || pulResponseHeaderCount.is_null() {
            return Err(E_INVALIDARG);
        }
        step(h, Role::Server, Phase::Created)?;
        // SAFETY: the caller's arrays and strings.
        let (sub, exts, headers) = unsafe {
            let sub = if pszSubprotocolSelected.is_null() {
                None
            } else {
                Some(read_token(pszSubprotocolSelected)?)
            };
            let exts = read_tokens(pszExtensionSelected, ulExtensionSelectedCount)?;
            let headers = read_headers(pRequestHeaders, ulRequestHeaderCount, is_upgrade_header)?;
            (sub, exts, headers)
        };
        let list = handshake::server_response(&headers, sub.as_deref(), &exts, &mut h.headers)?;
        // SAFETY: both checked non-NULL above.
        unsafe { put_headers(list, pResponseHeaders, pulResponseHeaderCount) };
        h.phase = Phase::Begun;
        Ok(())
    })
}

/// `WebSocketEndServerHandshake`.
///
/// # Safety
/// None beyond a handle value (checked).
#[unsafe(no_mangle)]
pub unsafe extern "system" fn WebSocketEndServerHandshake(hWebSocket: *mut c_void) -> Hresult {
    with_handle(hWebSocket, |h| {
        step(h, Role::Server, Phase::Begun)?;
        h.phase = Phase::Open;
        Ok(())
    })
}

/// `WebSocketSend`: queues a send (handle.rs rules 1, 3). The buffer's data
/// must stay valid until `INDICATE_SEND_COMPLETE`.
///
/// # Safety
/// `pBuffer` is NULL or readable, its data (or reason) addressing its length.
#[unsafe(no_mangle)]
pub unsafe extern "system" fn WebSocketSend(
    hWebSocket: *mut c_void,
    BufferType: u32,
    pBuffer: *const Buffer,
    Context: *mut c_void,
) -> Hresult {
    // SAFETY: forwarded.
    with_handle(hWebSocket, |h| unsafe {
        h.send(BufferType, pBuffer, Context)
    })
}

/// `WebSocketReceive`: queues a receive into the internal buffer (handle.rs
/// rules 1, 4). `pBuffer` is not used (.NET passes NULL).
///
/// # Safety
/// None beyond a handle value (checked).
#[unsafe(no_mangle)]
pub unsafe extern "system" fn WebSocketReceive(
    hWebSocket: *mut c_void,
    pBuffer: *const Buffer,
    pvContext: *mut c_void,
) -> Hresult {
    let _ = pBuffer;
    with_handle(hWebSocket, |h| h.receive(pvContext))
}

/// `WebSocketGetAction` (handle.rs rule 2). `*pulDataBufferCount` is the
/// room in `pDataBuffers` (at least 1; 2 lets a send hand out header and
/// payload at once) and becomes the number used.
///
/// # Safety
/// `pDataBuffers` has `*pulDataBufferCount` writable slots; every other
/// pointer is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "system" fn WebSocketGetAction(
    hWebSocket: *mut c_void,
    eActionQueue: u32,
    pDataBuffers: *mut Buffer,
    pulDataBufferCount: *mut u32,
    pAction: *mut u32,
    pBufferType: *mut u32,
    pvApplicationContext: *mut *mut c_void,
    pvActionContext: *mut *mut c_void,
) -> Hresult {
    if pulDataBufferCount.is_null()
        || pAction.is_null()
        || pBufferType.is_null()
        || pvActionContext.is_null()
    {
        return E_INVALIDARG;
    }
    // SAFETY: non-NULL, the caller's.
    let room = unsafe { pulDataBufferCount.read_unaligned() } as usize;
    if room == 0 || pDataBuffers.is_null() {
        return E_INVALIDARG;
    }
    with_handle(hWebSocket, |h| {
        let mut a = Action::none();
        h.get_action(eActionQueue, room, &mut a)?;
        let used = a.count.min(room);
        // SAFETY: `used <= room` slots at `pDataBuffers`; the other
        // pointers were checked non-NULL (the application context is
        // optional).
        unsafe {
            for (i, b) in a.buffers.iter().take(used).enumerate() {
                pDataBuffers.add(i).write_unaligned(*b);
            }
            pulDataBufferCount.write_unaligned(used as u32);
            pAction.write_unaligned(a.action);
            pBufferType.write_unaligned(a.buffer_type);
            if !pvApplicationContext.is_null() {
                pvApplicationContext.write_unaligned(a.app_ctx);
            }
            pvActionContext.write_unaligned(a.channel as *mut c_void);
        }
        Ok(())
    })
}

/// `WebSocketCompleteAction`: the action whose context is `pvActionContext`
/// is done, with `ulBytesTransferred` bytes sent or received. Unknown
/// handles and contexts are ignored (the function returns nothing).
///
/// # Safety
/// None beyond a handle value (checked).
#[unsafe(no_mangle)]
pub unsafe extern "system" fn WebSocketCompleteAction(
    hWebSocket: *mut c_void,
    pvActionContext: *mut c_void,
    ulBytesTransferred: u32,
) {
    let _ = with_handle(hWebSocket, |h| {
        h.complete(pvActionContext as usize, ulBytesTransferred as usize);
        Ok(())
    });
}

/// `WebSocketAbortHandle` (handle.rs rule 6).
///
/// # Safety
/// None beyond a handle value (checked).
#[unsafe(no_mangle)]
pub unsafe extern "system" fn WebSocketAbortHandle(hWebSocket: *mut c_void) {
    let _ = with_handle(hWebSocket, |h| {
        h.abort();
        Ok(())
    });
}

/// `WebSocketDeleteHandle`: frees the handle; unknown handles (NULL, bogus,
/// already deleted) are ignored.
///
/// # Safety
/// None beyond a handle value (checked).
#[unsafe(no_mangle)]
pub unsafe extern "system" fn WebSocketDeleteHandle(hWebSocket: *mut c_void) {
    guard((), || {
        Guard::lock().remove(hWebSocket);
    });
}

/// `WebSocketGetGlobalProperty` (properties.rs).
///
/// # Safety
/// `pvValue` is NULL or has `*ulSize` writable bytes; `ulSize` is NULL or
/// valid.
#[unsafe(no_mangle)]
pub unsafe extern "system" fn WebSocketGetGlobalProperty(
    eType: u32,
    pvValue: *mut c_void,
    ulSize: *mut u32,
) -> Hresult {
    // SAFETY: forwarded.
    guard(E_FAIL, || unsafe {
        properties::global(eType, pvValue, ulSize)
    })
}
