//! Client side of the opening handshake: writing the request (RFC 6455
//! §4.1) and checking the server's answer, from raw bytes or from headers
//! the host's HTTP stack (e.g. WinHTTP) already parsed.
//!
//! One `wsf_client_request` describes the request; the same struct is
//! handed back to check the answer (its nonce gives the expected
//! `Sec-WebSocket-Accept`, its offers the allowed choices).

use wsframe::handshake::{ClientHandshake, ClientRequest, ExtensionOffers, ServerResponse, Status};

use crate::boundary::{guard, handle, handle_mut, input, input_array, inside, not_utf8_as, output};
use crate::config::wsf_handshake_limits;
use crate::counted::wsf_str;
use crate::status::wsf_status;
use crate::types::{
    EMPTY_HEADER, Pair, WSF_MAX_HEADERS, WSF_MAX_OFFERS, extra_headers, fill, parsed_headers,
    str_list, wsf_http_header,
};

/// A client's opening handshake (RFC 6455 §4.1).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct wsf_client_request {
    /// The `Host` value: host and, if not the default, `:port`.
    pub host: wsf_str,
    /// The request target: path and query, e.g. `/chat?room=1`.
    pub path: wsf_str,
    /// 16 fresh random bytes for `Sec-WebSocket-Key` ("MUST be selected
    /// randomly for each connection"; the library has no RNG).
    pub nonce: [u8; 16],
    /// Subprotocols to offer, most preferred first (tokens); NULL if none.
    pub subprotocols: *const wsf_str,
    /// Entries in `subprotocols` (at most `WSF_MAX_OFFERS`).
    pub subprotocol_count: usize,
    /// The whole `Sec-WebSocket-Extensions` value to offer; absent for none.
    pub extensions: wsf_str,
    /// The `Origin` value; absent for none.
    pub origin: wsf_str,
    /// More header lines (cookies, `Authorization`, ...); NULL if none.
    pub extra_headers: *const wsf_http_header,
    /// Entries in `extra_headers` (at most `WSF_MAX_HEADERS`).
    pub extra_header_count: usize,
}

/// A server's `101 Switching Protocols` that passed every check of §4.1.
/// Pointers point into the buffer (or headers) that was checked.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct wsf_server_response {
    /// Bytes of the buffer the head used; the bytes after it are the
    /// server's first frames (feed them to `wsf_conn_recv`). 0 for
    /// `wsf_client_request_check_headers`.
    pub head_len: usize,
    /// The subprotocol the server chose (one of those offered); absent for
    /// none.
    pub subprotocol: wsf_str,
    /// The `Sec-WebSocket-Extensions` value (read it with
    /// `wsf_extensions_get`); absent for none.
    pub extensions: wsf_str,
}

/// Storage for the borrowed lists a core `ClientRequest` needs.
struct Slots<'a> {
    subprotocols: [&'a str; WSF_MAX_OFFERS],
    extra_headers: [Pair<'a>; WSF_MAX_HEADERS],
    extension_names: [&'a str; WSF_MAX_OFFERS],
}

impl Slots<'_> {
    const fn new() -> Self {
        Self {
            subprotocols: [""; WSF_MAX_OFFERS],
            extra_headers: [("", b""); WSF_MAX_HEADERS],
            extension_names: [""; WSF_MAX_OFFERS],
        }
    }
}

impl wsf_client_request {
    /// The core's request, borrowing lists from `slots`.
    ///
    /// # Safety
    /// The pointers are valid for their lengths for `'a`.
    unsafe fn core<'a, 's>(&self, slots: &'s mut Slots<'a>) -> Result<ClientRequest<'s>, wsf_status>
    where
        'a: 's,
    {
        let header = not_utf8_as(wsf_status::WSF_INVALID_HEADER);
        // SAFETY: forwarded contract (all four).
        let (host, path, extensions, origin) = unsafe {
            (
                self.host.text().map_err(&header)?,
                self.path.text().map_err(&header)?,
                self.extensions.opt_text().map_err(&header)?,
                self.origin.opt_text().map_err(&header)?,
            )
        };
        // SAFETY: forwarded contract.
        let subprotocols = unsafe { self.offered_subprotocols(&mut slots.subprotocols) }?;
        // SAFETY: forwarded contract.
        let extra_headers = unsafe {
            extra_headers(
                self.extra_headers,
                self.extra_header_count,
                &mut slots.extra_headers,
            )
        }?;
        Ok(ClientRequest {
            host,
            path,
            nonce: self.nonce,
            subprotocols,
            extensions,
            origin,
            extra_headers,
        })
    }

    /// What the request offered, for checking the answer: subprotocols and
    /// extension names.
    ///
    /// # Safety
    /// As [`wsf_client_request::core`].
    unsafe fn offers<'a, 's>(
        &self,
        slots: &'s mut Slots<'a>,
    ) -> Result<(&'s [&'a str], &'s [&'a str]), wsf_status> {
        // SAFETY: forwarded contract.
        let value = unsafe { self.extensions.bytes() }?;
        let offers = ExtensionOffers::parse(value).map_err(|_| wsf_status::WSF_INVALID_HEADER)?;
        let names = fill(
            &mut slots.extension_names,
            offers.map(|o| Ok(o.name)),
            wsf_status::WSF_INVALID_ARGUMENT,
        )?;
        // SAFETY: forwarded contract.
        let protocols = unsafe { self.offered_subprotocols(&mut slots.subprotocols) }?;
        Ok((protocols, names))
    }

    /// The offered subprotocols, in `slot` (not UTF-8 is not a token).
    ///
    /// # Safety
    /// As [`wsf_client_request::core`].
    unsafe fn offered_subprotocols<'a, 's>(
        &self,
        slot: &'s mut [&'a str; WSF_MAX_OFFERS],
    ) -> Result<&'s [&'a str], wsf_status> {
        // SAFETY: forwarded contract.
        unsafe { str_list(self.subprotocols, self.subprotocol_count, slot) }
            .map_err(not_utf8_as(wsf_status::WSF_INVALID_TOKEN))
    }
}

/// The C view of a checked response.
fn response_view(r: &ServerResponse<'_>) -> wsf_server_response {
    wsf_server_response {
        head_len: r.head_len,
        subprotocol: wsf_str::from_opt(r.subprotocol.map(str::as_bytes)),
        extensions: wsf_str::from_opt(r.extensions),
    }
}

/// Writes the whole request head as one block: `GET path HTTP/1.1`,
/// `Host`, `Upgrade`, `Connection`, `Sec-WebSocket-Key` (from the nonce),
/// `Sec-WebSocket-Version: 13`, the offers, `Origin`, the extra headers and
/// the blank line.
///
/// Errors: `WSF_NULL_POINTER`, `WSF_INVALID_HEADER` (empty or invalid
/// host/path, extensions value, origin, extra header), `WSF_INVALID_TOKEN`
/// (subprotocol), `WSF_INVALID_ARGUMENT` (too many entries, or `out`
/// overlapping an input), `WSF_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `request` is NULL or valid with valid pointers; `out` NULL with
/// `out_len` 0 or valid for writes of `out_len` bytes; `written` NULL or
/// valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wsf_client_request_write(
    request: *const wsf_client_request,
    out: *mut u8,
    out_len: usize,
    written: *mut usize,
) -> wsf_status {
    guard(|| {
        let request = handle!(request)?;
        let mut slots = Slots::new();
        let core = inside!(request.core(&mut slots))?;
        let strings = [
            core.host,
            core.path,
            core.extensions.unwrap_or(""),
            core.origin.unwrap_or(""),
        ];
        let inputs = strings
            .into_iter()
            .chain(core.subprotocols.iter().copied())
            .map(str::as_bytes);
        let headers = core
            .extra_headers
            .iter()
            .flat_map(|(n, v)| [n.as_bytes(), *v]);
        let out = output!(out, out_len, written, inputs.chain(headers))?;
        out.write(|buf| core.write(buf).map(|(n, _)| n).map_err(Into::into))
    })
}

/// Parses and checks the server's answer at the start of `buf` against
/// `request` (the one that was written). Call again with the whole buffer
/// after each read while it returns `WSF_INCOMPLETE`. On a
/// `WSF_HANDSHAKE_RESPONSE_*` error (or `..._MALFORMED_HEAD`,
/// `..._HEAD_TOO_LARGE`) close the connection.
///
/// Errors: `WSF_INCOMPLETE`, `WSF_NULL_POINTER`, `WSF_INVALID_HEADER`
/// (the request's own extensions value is invalid), `WSF_HANDSHAKE_*`.
///
/// # Safety
/// `request` is NULL or valid with valid pointers; `buf` NULL with `len` 0
/// or valid for `len` bytes; `limits` NULL or valid; `out` NULL or valid
/// for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wsf_client_request_check_response(
    request: *const wsf_client_request,
    buf: *const u8,
    len: usize,
    limits: *const wsf_handshake_limits,
    out: *mut wsf_server_response,
) -> wsf_status {
    guard(|| {
        let request = handle!(request)?;
        let buf = input!(buf, len)?;
        let limits = handle!(limits)?;
        let out = handle_mut!(out)?;
        let mut slots = Slots::new();
        let (protocols, extensions) = inside!(request.offers(&mut slots))?;
        let handshake = ClientHandshake::from_nonce(&request.nonce);
        match handshake.check_response(buf, protocols, extensions, &limits.core())? {
            Status::Complete(response) => *out = response_view(&response),
            Status::Partial => return Err(wsf_status::WSF_INCOMPLETE),
        }
        Ok(())
    })
}

/// Checks an answer whose head the host's HTTP stack already parsed
/// (`http_status` and `http_minor_version` from its status line, `headers`
/// e.g. a `WEB_SOCKET_HTTP_HEADER` array) against `request`. Same checks
/// as `wsf_client_request_check_response` (a header name that is not
/// UTF-8 is `WSF_HANDSHAKE_MALFORMED_HEAD`); `out->head_len` is 0.
///
/// # Safety
/// `request` is NULL or valid with valid pointers; `headers` NULL with
/// `header_count` 0 or valid for `header_count` entries with valid
/// pointers; `out` NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wsf_client_request_check_headers(
    request: *const wsf_client_request,
    http_status: u16,
    http_minor_version: u8,
    headers: *const wsf_http_header,
    header_count: usize,
    out: *mut wsf_server_response,
) -> wsf_status {
    guard(|| {
        let request = handle!(request)?;
        let out = handle_mut!(out)?;
        let array = input_array!(headers, header_count)?;
        let mut header_slot = [EMPTY_HEADER; WSF_MAX_HEADERS];
        let parsed = inside!(parsed_headers(array, &mut header_slot))?;
        let mut slots = Slots::new();
        let (protocols, extensions) = inside!(request.offers(&mut slots))?;
        let handshake = ClientHandshake::from_nonce(&request.nonce);
        let response = handshake.check_parsed(
            http_status,
            http_minor_version,
            parsed,
            protocols,
            extensions,
        )?;
        *out = response_view(&response);
        Ok(())
    })
}
