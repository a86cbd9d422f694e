//! Windows interop: the buffer types of WinHTTP
//! (`WINHTTP_WEB_SOCKET_BUFFER_TYPE`) and websocket.dll
//! (`WEB_SOCKET_BUFFER_TYPE`) for events and sends, and status codes as
//! websocket.dll HRESULTs, so code written against those APIs ports with
//! a table lookup. Close statuses need no mapping (same numbers).

use wsframe::{DataKind, Event};

use crate::boundary::{guard, handle_mut, inside};
use crate::conn::wsf_conn;
use crate::event::wsf_event;
use crate::send::{Outgoing, send, send_args};
use crate::status::wsf_status;

/// `WINHTTP_WEB_SOCKET_BUFFER_TYPE` values (WinHTTP has no ping type).
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum wsf_winhttp_buffer_type {
    /// `WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE`: a whole binary
    /// message, or its last piece.
    WSF_WINHTTP_BINARY_MESSAGE = 0,
    /// `WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE`: a binary piece,
    /// more follow.
    WSF_WINHTTP_BINARY_FRAGMENT = 1,
    /// `WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE`: a whole text
    /// message, or its last piece.
    WSF_WINHTTP_UTF8_MESSAGE = 2,
    /// `WINHTTP_WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE`: a text piece, more
    /// follow.
    WSF_WINHTTP_UTF8_FRAGMENT = 3,
    /// `WINHTTP_WEB_SOCKET_CLOSE_BUFFER_TYPE`: the peer's Close.
    WSF_WINHTTP_CLOSE = 4,
}

/// websocket.dll's `WEB_SOCKET_BUFFER_TYPE`: one of the
/// `WSF_WEBSOCKET_*` constants (0x80000000 and up, which a C enum cannot
/// hold portably, hence constants).
pub type wsf_websocket_buffer_type = u32;

/// `WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE` (0x80000000).
pub const WSF_WEBSOCKET_UTF8_MESSAGE: wsf_websocket_buffer_type = 0x8000_0000_u32;
/// `WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE` (0x80000001).
pub const WSF_WEBSOCKET_UTF8_FRAGMENT: wsf_websocket_buffer_type = 0x8000_0001_u32;
/// `WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE` (0x80000002).
pub const WSF_WEBSOCKET_BINARY_MESSAGE: wsf_websocket_buffer_type = 0x8000_0002_u32;
/// `WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE` (0x80000003).
pub const WSF_WEBSOCKET_BINARY_FRAGMENT: wsf_websocket_buffer_type = 0x8000_0003_u32;
/// `WEB_SOCKET_CLOSE_BUFFER_TYPE` (0x80000004).
pub const WSF_WEBSOCKET_CLOSE: wsf_websocket_buffer_type = 0x8000_0004_u32;
/// `WEB_SOCKET_PING_PONG_BUFFER_TYPE` (0x80000005): a Ping when sent, a
/// Pong when received.
pub const WSF_WEBSOCKET_PING_PONG: wsf_websocket_buffer_type = 0x8000_0005_u32;
/// `WEB_SOCKET_UNSOLICITED_PONG_BUFFER_TYPE` (0x80000006): an unsolicited
/// Pong (sent).
pub const WSF_WEBSOCKET_UNSOLICITED_PONG: wsf_websocket_buffer_type = 0x8000_0006_u32;

/// `S_OK`.
pub const WSF_S_OK: u32 = 0_u32;
/// `S_FALSE` (for `WSF_INCOMPLETE` and `WSF_NOT_FOUND`).
pub const WSF_S_FALSE: u32 = 1_u32;
/// websocket.dll `E_INVALID_PROTOCOL_OPERATION` (usage errors such as
/// sending after Close) = 0x83760001.
pub const WSF_E_INVALID_PROTOCOL_OPERATION: u32 = 0x8376_0001_u32;
/// websocket.dll `E_INVALID_PROTOCOL_FORMAT` (protocol errors, malformed
/// handshakes) = 0x83760002.
pub const WSF_E_INVALID_PROTOCOL_FORMAT: u32 = 0x8376_0002_u32;
/// websocket.dll `E_PROTOCOL_EXTENSIONS_NOT_SUPPORTED` = 0x83760003.
pub const WSF_E_PROTOCOL_EXTENSIONS_NOT_SUPPORTED: u32 = 0x8376_0003_u32;
/// websocket.dll `E_SUBPROTOCOL_NOT_SUPPORTED` = 0x83760004.
pub const WSF_E_SUBPROTOCOL_NOT_SUPPORTED: u32 = 0x8376_0004_u32;
/// websocket.dll `E_PROTOCOL_VERSION_NOT_SUPPORTED` = 0x83760005.
pub const WSF_E_PROTOCOL_VERSION_NOT_SUPPORTED: u32 = 0x8376_0005_u32;
/// `E_POINTER` = 0x80004003.
pub const WSF_E_POINTER: u32 = 0x8000_4003_u32;
/// `E_INVALIDARG` = 0x80070057.
pub const WSF_E_INVALIDARG: u32 = 0x8007_0057_u32;
/// `E_OUTOFMEMORY` = 0x8007000E.
pub const WSF_E_OUTOFMEMORY: u32 = 0x8007_000E_u32;
/// `E_NOT_SUFFICIENT_BUFFER` (`HRESULT_FROM_WIN32(ERROR_INSUFFICIENT_BUFFER)`) = 0x8007007A.
pub const WSF_E_NOT_SUFFICIENT_BUFFER: u32 = 0x8007_007A_u32;
/// `E_UNEXPECTED` (a caught panic, or a number that is no status) = 0x8000FFFF.
pub const WSF_E_UNEXPECTED: u32 = 0x8000_FFFF_u32;

/// The HRESULT a websocket.dll-based caller expects for `status` (cast the
/// result to `HRESULT`): `S_OK`; `S_FALSE` for the non-errors; the
/// websocket.dll errors for protocol and handshake failures (version,
/// subprotocol and extension refusals get their own); `E_POINTER`,
/// `E_INVALIDARG`, `E_NOT_SUFFICIENT_BUFFER`, `E_OUTOFMEMORY` for those
/// usage errors and `E_INVALID_PROTOCOL_OPERATION` for the others;
/// `E_UNEXPECTED` for `WSF_PANIC` and unknown numbers.
///
/// # Safety
/// Always safe to call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wsf_status_hresult(status: u32) -> u32 {
    use wsf_status::*;
    let Some(status) = wsf_status::from_u32(status) else {
        return WSF_E_UNEXPECTED;
    };
    match status {
        WSF_OK => WSF_S_OK,
        WSF_INCOMPLETE | WSF_NOT_FOUND => WSF_S_FALSE,
        WSF_NULL_POINTER => WSF_E_POINTER,
        WSF_BUFFER_TOO_SMALL => WSF_E_NOT_SUFFICIENT_BUFFER,
        WSF_ALLOC_FAILED => WSF_E_OUTOFMEMORY,
        WSF_INVALID_ARGUMENT
        | WSF_NOT_UTF8
        | WSF_STORAGE_TOO_SMALL
        | WSF_STORAGE_MISALIGNED
        | WSF_CONTROL_TOO_LONG
        | WSF_PAYLOAD_TOO_LARGE
        | WSF_INVALID_CLOSE_CODE
        | WSF_REASON_TOO_LONG
        | WSF_INVALID_HEADER
        | WSF_INVALID_TOKEN
        | WSF_INVALID_STATUS => WSF_E_INVALIDARG,
        WSF_HANDSHAKE_MISSING_VERSION | WSF_HANDSHAKE_UNSUPPORTED_VERSION => {
            WSF_E_PROTOCOL_VERSION_NOT_SUPPORTED
        }
        WSF_HANDSHAKE_RESPONSE_SUBPROTOCOL => WSF_E_SUBPROTOCOL_NOT_SUPPORTED,
        WSF_HANDSHAKE_RESPONSE_EXTENSION => WSF_E_PROTOCOL_EXTENSIONS_NOT_SUPPORTED,
        WSF_DEFLATE_MEMORY => WSF_E_INVALIDARG,
        WSF_HANDSHAKE_DEFLATE_ANSWER => WSF_E_INVALID_PROTOCOL_FORMAT,
        s if s.deflate_answer_error().is_some() => WSF_E_INVALID_PROTOCOL_FORMAT,
        WSF_PANIC => WSF_E_UNEXPECTED,
        s if s.protocol_error().is_some() || s.handshake_error().is_some() => {
            WSF_E_INVALID_PROTOCOL_FORMAT
        }
        _ => WSF_E_INVALID_PROTOCOL_OPERATION,
    }
}

/// The buffer types of one API, indexed by (text, final piece).
struct DataTypes {
    binary_fragment: u32,
    binary_message: u32,
    text_fragment: u32,
    text_message: u32,
}

const WINHTTP: DataTypes = DataTypes {
    binary_fragment: wsf_winhttp_buffer_type::WSF_WINHTTP_BINARY_FRAGMENT as u32,
    binary_message: wsf_winhttp_buffer_type::WSF_WINHTTP_BINARY_MESSAGE as u32,
    text_fragment: wsf_winhttp_buffer_type::WSF_WINHTTP_UTF8_FRAGMENT as u32,
    text_message: wsf_winhttp_buffer_type::WSF_WINHTTP_UTF8_MESSAGE as u32,
};

const WEBSOCKET: DataTypes = DataTypes {
    binary_fragment: WSF_WEBSOCKET_BINARY_FRAGMENT,
    binary_message: WSF_WEBSOCKET_BINARY_MESSAGE,
    text_fragment: WSF_WEBSOCKET_UTF8_FRAGMENT,
    text_message: WSF_WEBSOCKET_UTF8_MESSAGE,
};

impl DataTypes {
    /// The buffer type of a data piece.
    const fn of(&self, kind: DataKind, last: bool) -> u32 {
        match (kind, last) {
            (DataKind::Binary, false) => self.binary_fragment,
            (DataKind::Binary, true) => self.binary_message,
            (DataKind::Text, false) => self.text_fragment,
            (DataKind::Text, true) => self.text_message,
        }
    }

    /// The data frame a buffer type sends, if it is one of these.
    fn outgoing(&self, buffer_type: u32) -> Option<Outgoing> {
        [
            (DataKind::Binary, false),
            (DataKind::Binary, true),
            (DataKind::Text, false),
            (DataKind::Text, true),
        ]
        .into_iter()
        .find(|&(kind, last)| self.of(kind, last) == buffer_type)
        .map(|(kind, last)| Outgoing::Data(kind, last))
    }
}

/// Maps an event to a buffer type with `data` for data pieces and
/// `other` for the rest (`None`: no equivalent).
fn event_type(
    event: Option<Event<'_>>,
    data: &DataTypes,
    other: impl Fn(&Event<'_>) -> Option<u32>,
) -> Result<u32, wsf_status> {
    let mapped = match event {
        Some(Event::Data {
            kind, message_end, ..
        }) => Some(data.of(kind, message_end)),
        Some(ref e) => other(e),
        None => None,
    };
    mapped.ok_or(wsf_status::WSF_NOT_FOUND)
}

/// The `WINHTTP_WEB_SOCKET_BUFFER_TYPE` of a received event into `*out`,
/// as `WinHttpWebSocketReceive` reports it (`*_MESSAGE` for the piece that
/// ends a message, `*_FRAGMENT` before). Ping, Pong and no event have no
/// WinHTTP equivalent: `WSF_NOT_FOUND`.
///
/// # Safety
/// `event` is NULL or a valid event; `out` NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wsf_event_winhttp_buffer_type(
    event: *const wsf_event,
    out: *mut u32,
) -> wsf_status {
    let close = |e: &Event<'_>| {
        matches!(e, Event::Close { .. })
            .then_some(wsf_winhttp_buffer_type::WSF_WINHTTP_CLOSE as u32)
    };
    guard(|| {
        let event = inside!(wsf_event::read(event))?;
        let out = handle_mut!(out)?;
        *out = event_type(event, &WINHTTP, close)?;
        Ok(())
    })
}

/// The websocket.dll `WEB_SOCKET_BUFFER_TYPE` of a received event into
/// `*out`: data as for WinHTTP, Close, and a Pong as `PING_PONG`. A Ping
/// (answered automatically, as websocket.dll does) and no event:
/// `WSF_NOT_FOUND`.
///
/// # Safety
/// As `wsf_event_winhttp_buffer_type`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wsf_event_websocket_buffer_type(
    event: *const wsf_event,
    out: *mut u32,
) -> wsf_status {
    let other = |e: &Event<'_>| match e {
        Event::Close { .. } => Some(WSF_WEBSOCKET_CLOSE),
        Event::Pong(_) => Some(WSF_WEBSOCKET_PING_PONG),
        _ => None,
    };
    guard(|| {
        let event = inside!(wsf_event::read(event))?;
        let out = handle_mut!(out)?;
        *out = event_type(event, &WEBSOCKET, other)?;
        Ok(())
    })
}

/// Sends `payload` as `WinHttpWebSocketSend` would with `buffer_type` (a
/// `wsf_winhttp_buffer_type`): `*_MESSAGE` ends the message, `*_FRAGMENT`
/// continues it. `WSF_WINHTTP_CLOSE` is refused (`WSF_INVALID_ARGUMENT`),
/// as by WinHTTP: use `wsf_conn_send_close`. Otherwise as
/// `wsf_conn_send_data`.
///
/// # Safety
/// As `wsf_conn_send_data`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wsf_conn_send_winhttp_buffer(
    conn: *mut wsf_conn,
    buffer_type: u32,
    payload: *const u8,
    payload_len: usize,
    mask_key: u32,
    out: *mut u8,
    out_len: usize,
    written: *mut usize,
) -> wsf_status {
    guard(|| {
        let what = WINHTTP
            .outgoing(buffer_type)
            .ok_or(wsf_status::WSF_INVALID_ARGUMENT)?;
        let (c, payload, out) = send_args!(conn, payload, payload_len, out, out_len, written);
        send(c, what, payload, mask_key, out)
    })
}

/// Sends `payload` as websocket.dll's `WebSocketSend` would with
/// `buffer_type` (a `wsf_websocket_buffer_type`): data types as for
/// WinHTTP, `PING_PONG` a Ping, `UNSOLICITED_PONG` a Pong.
/// `WSF_WEBSOCKET_CLOSE` is refused (`WSF_INVALID_ARGUMENT`): use
/// `wsf_conn_send_close`. Otherwise as `wsf_conn_send_data`.
///
/// # Safety
/// As `wsf_conn_send_data`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wsf_conn_send_websocket_buffer(
    conn: *mut wsf_conn,
    buffer_type: u32,
    payload: *const u8,
    payload_len: usize,
    mask_key: u32,
    out: *mut u8,
    out_len: usize,
    written: *mut usize,
) -> wsf_status {
    guard(|| {
        let what = match buffer_type {
            WSF_WEBSOCKET_PING_PONG => Some(Outgoing::Ping),
            WSF_WEBSOCKET_UNSOLICITED_PONG => Some(Outgoing::Pong),
            t => WEBSOCKET.outgoing(t),
        };
        let what = what.ok_or(wsf_status::WSF_INVALID_ARGUMENT)?;
        let (c, payload, out) = send_args!(conn, payload, payload_len, out, out_len, written);
        send(c, what, payload, mask_key, out)
    })
}
