//! Server side of the opening handshake: a client's request, validated
//! (RFC 6455 §4.2.1) from raw bytes or from headers the host's HTTP stack
//! already parsed, what it offers, and the `101 Switching Protocols`.
//!
//! `wsf_request` is a plain view: counted strings pointing into the
//! caller's buffer (or header array), plus the headers in the
//! `WEB_SOCKET_HTTP_HEADER` layout. The by-index accessors re-read it
//! through the core, so a view is all the state there is.

use core::ffi::c_char;

use wsframe::handshake::{self, Request, Response, Status};

use crate::boundary::{
    guard, handle, handle_mut, input, input_array, inside, not_utf8_as, output, utf8,
};
use crate::config::wsf_handshake_limits;
use crate::counted::wsf_str;
use crate::extensions::{nth, offer_view, param_view, wsf_extension, wsf_extension_param};
use crate::status::wsf_status;
use crate::types::{
    EMPTY_HEADER, Pair, WSF_MAX_HEADERS, extra_headers, fill, parsed_headers, wsf_http_header,
};

/// A client's opening handshake that passed every check of RFC 6455
/// §4.2.1. All pointers point into the buffer given to
/// `wsf_request_parse` (or the strings given to `wsf_request_from_headers`)
/// and are valid as long as it is.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct wsf_request {
    /// The request target, e.g. `/chat?room=1` (not decoded).
    pub path: wsf_str,
    /// The `Host` value, without surrounding whitespace.
    pub host: wsf_str,
    /// The `Origin` value; absent (`{NULL, 0}`) if none was sent. A server
    /// for browsers should refuse untrusted origins (`wsf_handshake_write_status`
    /// with 403).
    pub origin: wsf_str,
    /// The `Sec-WebSocket-Key` value (input of `wsf_handshake_accept_key`).
    pub key: wsf_str,
    /// Bytes of the buffer the head used; the bytes after it are the
    /// client's first frames (feed them to `wsf_conn_recv`). 0 for
    /// `wsf_request_from_headers`.
    pub head_len: usize,
    /// Entries used in `headers`.
    pub header_count: usize,
    /// Every header line, in order.
    pub headers: [wsf_http_header; WSF_MAX_HEADERS],
}

/// The application's answer to a request (RFC 6455 §4.2.2 item 5). All
/// zero (`{0}`) accepts with no subprotocol, no extension, no extra header.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct wsf_response {
    /// The chosen subprotocol (one the request offered); absent for none.
    pub subprotocol: wsf_str,
    /// The whole `Sec-WebSocket-Extensions` value to answer with; absent
    /// for none.
    pub extensions: wsf_str,
    /// More header lines (cookies, `Server`, ...); NULL if none.
    pub extra_headers: *const wsf_http_header,
    /// Entries in `extra_headers` (at most `WSF_MAX_HEADERS`).
    pub extra_header_count: usize,
}

impl wsf_request {
    /// The C view of a validated core request.
    fn from_core(request: &Request<'_>) -> Result<Self, wsf_status> {
        let mut headers = [wsf_http_header::EMPTY; WSF_MAX_HEADERS];
        let views = request.headers().map(|h| {
            wsf_http_header::from_parts(h.name, h.value)
                .ok_or(wsf_status::WSF_HANDSHAKE_HEAD_TOO_LARGE)
        });
        let header_count = fill(
            &mut headers,
            views,
            wsf_status::WSF_HANDSHAKE_HEAD_TOO_LARGE,
        )?
        .len();
        Ok(Self {
            path: wsf_str::from_bytes(request.path().as_bytes()),
            host: wsf_str::from_bytes(request.host()),
            origin: wsf_str::from_opt(request.origin()),
            key: wsf_str::from_bytes(request.key()),
            head_len: request.head_len(),
            header_count,
            headers,
        })
    }

    /// The core request this view describes (validated again).
    ///
    /// # Safety
    /// The view's pointers are valid for their lengths for `'a`.
    pub(crate) unsafe fn core<'a>(&self) -> Result<Request<'a>, wsf_status> {
        // SAFETY: forwarded contract.
        let path = unsafe { self.path.text() }
            .map_err(not_utf8_as(wsf_status::WSF_HANDSHAKE_MALFORMED_HEAD))?;
        let used = self
            .headers
            .get(..self.header_count)
            .ok_or(wsf_status::WSF_HANDSHAKE_HEAD_TOO_LARGE)?;
        // SAFETY: forwarded contract.
        unsafe { validate("GET", path, 1, used) }
    }
}

/// Converts parsed headers for the core and validates the request.
///
/// # Safety
/// The headers' pointers are valid for their lengths for `'a`.
unsafe fn validate<'a>(
    method: &'a str,
    path: &'a str,
    minor: u8,
    headers: &[wsf_http_header],
) -> Result<Request<'a>, wsf_status> {
    let mut slot = [EMPTY_HEADER; WSF_MAX_HEADERS];
    // SAFETY: forwarded contract.
    let headers = unsafe { parsed_headers(headers, &mut slot) }?;
    Ok(Request::from_parsed(method, path, minor, headers)?)
}

/// Parses and validates a request head at the start of `buf` into `*out`.
/// Call again with the whole buffer after each read while it returns
/// `WSF_INCOMPLETE`. On a `WSF_HANDSHAKE_*` error answer with
/// `wsf_handshake_write_rejection` and close. `limits` may not be NULL
/// (use `wsf_handshake_limits_default()`).
///
/// Errors: `WSF_INCOMPLETE`, `WSF_NULL_POINTER`, `WSF_HANDSHAKE_*`.
///
/// # Safety
/// `buf` is NULL with `len` 0 or valid for `len` bytes (and stays valid
/// while `*out` is used); `limits` NULL or valid; `out` NULL or valid for
/// a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wsf_request_parse(
    buf: *const u8,
    len: usize,
    limits: *const wsf_handshake_limits,
    out: *mut wsf_request,
) -> wsf_status {
    guard(|| {
        let buf = input!(buf, len)?;
        let limits = handle!(limits)?;
        let out = handle_mut!(out)?;
        match Request::parse(buf, &limits.core())? {
            Status::Complete(request) => *out = wsf_request::from_core(&request)?,
            Status::Partial => return Err(wsf_status::WSF_INCOMPLETE),
        }
        Ok(())
    })
}

/// Validates a request whose head the host's HTTP stack (http.sys, IIS,
/// ...) already parsed: `http_minor_version` is 1 for HTTP/1.1; `headers`
/// may be a `WEB_SOCKET_HTTP_HEADER` array as it is. Same checks and
/// errors as `wsf_request_parse` (a method, path or header name that is
/// not UTF-8 is `WSF_HANDSHAKE_MALFORMED_HEAD`); `out->head_len` is 0.
///
/// # Safety
/// Every pointer is NULL with a zero length or valid for its length (and
/// stays valid while `*out` is used); `out` NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wsf_request_from_headers(
    method: *const c_char,
    method_len: usize,
    path: *const c_char,
    path_len: usize,
    http_minor_version: u8,
    headers: *const wsf_http_header,
    header_count: usize,
    out: *mut wsf_request,
) -> wsf_status {
    guard(|| {
        let malformed = not_utf8_as(wsf_status::WSF_HANDSHAKE_MALFORMED_HEAD);
        let out = handle_mut!(out)?;
        let method = utf8(input!(method, method_len)?).map_err(&malformed)?;
        let path = utf8(input!(path, path_len)?).map_err(&malformed)?;
        let headers = input_array!(headers, header_count)?;
        let request = inside!(validate(method, path, http_minor_version, headers))?;
        *out = wsf_request::from_core(&request)?;
        Ok(())
    })
}

/// The first header named `name` (case-insensitive) into `*out`.
///
/// Errors: `WSF_NOT_FOUND`, `WSF_NULL_POINTER`, `WSF_NOT_UTF8`, or the
/// `WSF_HANDSHAKE_*` error of a view that was modified.
///
/// # Safety
/// `request` is NULL or a view whose buffers are still valid; `name` NULL
/// with `name_len` 0 or valid for `name_len` bytes; `out` NULL or valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wsf_request_header(
    request: *const wsf_request,
    name: *const c_char,
    name_len: usize,
    out: *mut wsf_str,
) -> wsf_status {
    guard(|| {
        let request = handle!(request)?;
        let request = inside!(request.core())?;
        let out = handle_mut!(out)?;
        let name = utf8(input!(name, name_len)?)?;
        *out = wsf_str::from_bytes(request.header(name).ok_or(wsf_status::WSF_NOT_FOUND)?);
        Ok(())
    })
}

/// The `index`th subprotocol the client offers (in its order of
/// preference, across all `Sec-WebSocket-Protocol` lines) into `*out`.
/// Choose at most one for `wsf_response.subprotocol`.
///
/// Errors: `WSF_NOT_FOUND` (past the end), as `wsf_request_header`.
///
/// # Safety
/// As `wsf_request_header`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wsf_request_subprotocol(
    request: *const wsf_request,
    index: usize,
    out: *mut wsf_str,
) -> wsf_status {
    guard(|| {
        let request = handle!(request)?;
        let request = inside!(request.core())?;
        let out = handle_mut!(out)?;
        *out = wsf_str::from_bytes(nth(request.subprotocols(), index)?.as_bytes());
        Ok(())
    })
}

/// The `index`th extension offer (across all `Sec-WebSocket-Extensions`
/// lines, in order of preference) into `*out`.
///
/// Errors: as `wsf_request_subprotocol`.
///
/// # Safety
/// As `wsf_request_header`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wsf_request_extension(
    request: *const wsf_request,
    index: usize,
    out: *mut wsf_extension,
) -> wsf_status {
    guard(|| {
        let request = handle!(request)?;
        let request = inside!(request.core())?;
        let out = handle_mut!(out)?;
        *out = offer_view(&nth(request.extensions(), index)?);
        Ok(())
    })
}

/// Parameter `param_index` of extension offer `index` into `*out`.
///
/// Errors: as `wsf_request_subprotocol`.
///
/// # Safety
/// As `wsf_request_header`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wsf_request_extension_param(
    request: *const wsf_request,
    index: usize,
    param_index: usize,
    out: *mut wsf_extension_param,
) -> wsf_status {
    guard(|| {
        let request = handle!(request)?;
        let request = inside!(request.core())?;
        let out = handle_mut!(out)?;
        *out = param_view(nth(request.extensions(), index)?, param_index)?;
        Ok(())
    })
}

/// Writes the whole `HTTP/1.1 101 Switching Protocols` head for `request`
/// as one block: `Upgrade`, `Connection`, `Sec-WebSocket-Accept`, the
/// chosen subprotocol and extensions, the extra headers, the blank line.
/// Then create the connection (`wsf_conn_init`, server role) and feed it
/// the bytes after `request->head_len`.
///
/// Errors: `WSF_NULL_POINTER`, `WSF_INVALID_TOKEN` (subprotocol),
/// `WSF_INVALID_HEADER` (extensions value or extra header),
/// `WSF_INVALID_ARGUMENT` (more than `WSF_MAX_HEADERS` extra headers, or
/// `out` overlapping an input), `WSF_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `request` and `response` are NULL or valid with valid pointers; `out`
/// NULL with `out_len` 0 or valid for writes of `out_len` bytes; `written`
/// NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wsf_request_write_response(
    request: *const wsf_request,
    response: *const wsf_response,
    out: *mut u8,
    out_len: usize,
    written: *mut usize,
) -> wsf_status {
    guard(|| {
        let (request, response) = (handle!(request)?, handle!(response)?);
        let key = inside!(request.key.bytes())?;
        let mut slot: [Pair<'_>; WSF_MAX_HEADERS] = [("", b""); WSF_MAX_HEADERS];
        let core = inside!(response.core(&mut slot))?;
        let inputs = [
            key,
            core.subprotocol.unwrap_or("").as_bytes(),
            core.extensions.unwrap_or("").as_bytes(),
        ];
        let headers = core
            .extra_headers
            .iter()
            .flat_map(|(n, v)| [n.as_bytes(), *v]);
        let out = output!(out, out_len, written, inputs.into_iter().chain(headers))?;
        out.write(|buf| handshake::write_response(key, &core, buf).map_err(Into::into))
    })
}

impl wsf_response {
    /// The core's response (strings that are not UTF-8 cannot be valid
    /// tokens or header values).
    ///
    /// # Safety
    /// The pointers are valid for their lengths for `'a`.
    unsafe fn core<'a, 's>(
        &self,
        slot: &'s mut [Pair<'a>; WSF_MAX_HEADERS],
    ) -> Result<Response<'s>, wsf_status>
    where
        'a: 's,
    {
        // SAFETY: forwarded contract.
        let subprotocol = unsafe { self.subprotocol.opt_text() }
            .map_err(not_utf8_as(wsf_status::WSF_INVALID_TOKEN))?;
        // SAFETY: forwarded contract.
        let extensions = unsafe { self.extensions.opt_text() }
            .map_err(not_utf8_as(wsf_status::WSF_INVALID_HEADER))?;
        // SAFETY: forwarded contract.
        let extra_headers =
            unsafe { extra_headers(self.extra_headers, self.extra_header_count, slot) }?;
        Ok(Response {
            subprotocol,
            extensions,
            extra_headers,
        })
    }
}
