//! The WebSocket Protocol Component API's C types and constants, as
//! documented for `websocket.h` (Windows 8+, learn.microsoft.com
//! "websocket.h header"). Layouts are `repr(C)`; for x86-64 the const
//! asserts below pin the sizes and offsets the issue names
//! (`WEB_SOCKET_HTTP_HEADER` 32 B, `WEB_SOCKET_BUFFER` 16 B with
//! `usStatus` at offset 12, `WEB_SOCKET_PROPERTY` 24 B).
//!
//! Enumerations are passed as 32-bit values (`u32`): a C enum is an `int`
//! on every Windows ABI, and the buffer types (0x8000_000x) are its bit
//! patterns.

use core::ffi::c_void;

/// `HRESULT`: negative values are failures.
pub type Hresult = i32;

/// Bit pattern of an `HRESULT` given as its documented unsigned value.
const fn hr(value: u32) -> Hresult {
    value as Hresult
}

/// `S_OK`.
pub const S_OK: Hresult = 0;
/// `E_INVALIDARG` (winerror.h): a NULL or bogus argument, an unknown enum
/// value, a property of the wrong size or value.
pub const E_INVALIDARG: Hresult = hr(0x8007_0057);
/// `E_OUTOFMEMORY` (winerror.h): the handle's memory could not be had.
pub const E_OUTOFMEMORY: Hresult = hr(0x8007_000E);
/// `E_INVALID_PROTOCOL_OPERATION` (websocket.h, facility 0x376): a call
/// the session's state does not allow (a second send, a receive after the
/// peer's Close, a handshake step out of order, use after abort).
pub const E_INVALID_PROTOCOL_OPERATION: Hresult = hr(0x8376_0001);
/// `E_INVALID_PROTOCOL_FORMAT`: the peer broke RFC 6455 (a bad frame, a
/// bad handshake header).
pub const E_INVALID_PROTOCOL_FORMAT: Hresult = hr(0x8376_0002);
/// `E_PROTOCOL_EXTENSIONS_NOT_SUPPORTED`: an extension that was not offered.
pub const E_PROTOCOL_EXTENSIONS_NOT_SUPPORTED: Hresult = hr(0x8376_0003);
/// `E_SUBPROTOCOL_NOT_SUPPORTED`: a subprotocol that was not offered.
pub const E_SUBPROTOCOL_NOT_SUPPORTED: Hresult = hr(0x8376_0004);
/// `E_PROTOCOL_VERSION_NOT_SUPPORTED`: `Sec-WebSocket-Version` is not 13.
pub const E_PROTOCOL_VERSION_NOT_SUPPORTED: Hresult = hr(0x8376_0005);

/// `WEB_SOCKET_MAX_CLOSE_REASON_LENGTH` (RFC 6455 §5.5: 125 − 2).
pub const MAX_CLOSE_REASON_LENGTH: usize = 123;

/// `WEB_SOCKET_BUFFER_TYPE` values.
pub mod buffer_type {
    /// A whole text message, or the last piece of one.
    pub const UTF8_MESSAGE: u32 = 0x8000_0000;
    /// A piece of a text message.
    pub const UTF8_FRAGMENT: u32 = 0x8000_0001;
    /// A whole binary message, or the last piece of one.
    pub const BINARY_MESSAGE: u32 = 0x8000_0002;
    /// A piece of a binary message.
    pub const BINARY_FRAGMENT: u32 = 0x8000_0003;
    /// A Close; the buffer is the close-status view.
    pub const CLOSE: u32 = 0x8000_0004;
    /// A Ping when sent, a Pong when received.
    pub const PING_PONG: u32 = 0x8000_0005;
    /// An unsolicited Pong (keep-alive, RFC 6455 §5.5.3).
    pub const UNSOLICITED_PONG: u32 = 0x8000_0006;
}

/// `WEB_SOCKET_ACTION` values.
pub mod action {
    /// Nothing to do now.
    pub const NO_ACTION: u32 = 0;
    /// Write the buffers to the transport, then complete with the bytes sent.
    pub const SEND_TO_NETWORK: u32 = 1;
    /// A `WebSocketSend` finished; its buffer is free again.
    pub const INDICATE_SEND_COMPLETE: u32 = 2;
    /// Read into the buffer, then complete with the bytes read (0 cancels).
    pub const RECEIVE_FROM_NETWORK: u32 = 3;
    /// A `WebSocketReceive` finished: the buffer holds what arrived.
    pub const INDICATE_RECEIVE_COMPLETE: u32 = 4;
}

/// `WEB_SOCKET_ACTION_QUEUE` values.
pub mod queue {
    /// Actions of the send side.
    pub const SEND: u32 = 1;
    /// Actions of the receive side.
    pub const RECEIVE: u32 = 2;
    /// Either side.
    pub const ALL: u32 = 3;
}

/// `WEB_SOCKET_PROPERTY_TYPE` values.
pub mod property {
    /// ULONG, at least 256, default 4096.
    pub const RECEIVE_BUFFER_SIZE: u32 = 0;
    /// ULONG, at least 256.
    pub const SEND_BUFFER_SIZE: u32 = 1;
    /// BOOL.
    pub const DISABLE_MASKING: u32 = 2;
    /// PVOID: the caller's block used as the internal buffers.
    pub const ALLOCATED_BUFFER: u32 = 3;
    /// BOOL.
    pub const DISABLE_UTF8_VERIFICATION: u32 = 4;
    /// ULONG milliseconds (global only).
    pub const KEEPALIVE_INTERVAL: u32 = 5;
    /// The supported protocol versions (global only).
    pub const SUPPORTED_VERSIONS: u32 = 6;
}

/// `WEB_SOCKET_HTTP_HEADER`: a counted (not NUL-terminated) name and value.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct HttpHeader {
    /// `pcName`.
    pub name: *const u8,
    /// `ulNameLength`.
    pub name_len: u32,
    /// `pcValue`.
    pub value: *const u8,
    /// `ulValueLength`.
    pub value_len: u32,
}

/// The `Data` view of `WEB_SOCKET_BUFFER`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct DataView {
    /// `pbBuffer`.
    pub buffer: *mut u8,
    /// `ulBufferLength`.
    pub len: u32,
}

/// The `CloseStatus` view of `WEB_SOCKET_BUFFER`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct CloseView {
    /// `pbReason` (UTF-8, not NUL-terminated).
    pub reason: *mut u8,
    /// `ulReasonLength`, at most [`MAX_CLOSE_REASON_LENGTH`].
    pub reason_len: u32,
    /// `usStatus`, the close code (1005 when the Close had none).
    pub status: u16,
}

/// `WEB_SOCKET_BUFFER`: the data view or the close-status view.
#[repr(C)]
#[derive(Clone, Copy)]
pub union Buffer {
    /// `Data`.
    pub data: DataView,
    /// `CloseStatus`.
    pub close: CloseView,
}

/// `WEB_SOCKET_PROPERTY`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct Property {
    /// `Type`, a [`property`] value.
    pub kind: u32,
    /// `pvValue`: points to the value (for `ALLOCATED_BUFFER`, to the slot
    /// holding the block's address).
    pub value: *const c_void,
    /// `ulValueSize`, in bytes.
    pub size: u32,
}

#[cfg(target_pointer_width = "64")]
const _: () = {
    use core::mem::{offset_of, size_of};
    assert!(size_of::<HttpHeader>() == 32);
    assert!(offset_of!(HttpHeader, value) == 16);
    assert!(offset_of!(HttpHeader, value_len) == 24);
    assert!(size_of::<Buffer>() == 16);
    assert!(offset_of!(CloseView, reason_len) == 8);
    assert!(offset_of!(CloseView, status) == 12);
    assert!(offset_of!(DataView, len) == 8);
    assert!(size_of::<Property>() == 24);
    assert!(offset_of!(Property, value) == 8);
    assert!(offset_of!(Property, size) == 16);
};

#[cfg(target_pointer_width = "32")]
const _: () = {
    use core::mem::size_of;
    assert!(size_of::<HttpHeader>() == 16);
    assert!(size_of::<Buffer>() == 12);
    assert!(size_of::<Property>() == 12);
};
