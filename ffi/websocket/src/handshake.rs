//! The opening handshake as header arrays (websocket.dll's model: the
//! application's HTTP stack moves the bytes, this layer only judges and
//! produces headers). The rules are the core's (`wsframe::handshake`):
//!
//! * Client Begin (learn.microsoft.com "WebSocketBeginClientHandshake"):
//!   returns the headers to add — `Connection`, `Upgrade`,
//!   `Sec-WebSocket-Version: 13`, a fresh `Sec-WebSocket-Key`, and the
//!   offered `Sec-WebSocket-Protocol` / `Sec-WebSocket-Extensions`. .NET
//!   reads `Sec-WebSocket-Version` and `Sec-WebSocket-Key` from them
//!   (WebSocketProtocolComponent.GetSupportedVersion / its fake client
//!   handshake). The initial headers are checked for shape only.
//! * Client End: `ClientHandshake::check_parsed` on the response headers
//!   (status 101 and HTTP/1.1 are the caller's HTTP stack's business, so
//!   they are passed as such), then the selected subprotocol and extensions
//!   as zero-based indexes into what Begin offered.
//! * Server Begin ("WebSocketBeginServerHandshake"): `Request::from_parsed`
//!   on the request headers, then the response headers (`Connection`,
//!   `Upgrade`, `Sec-WebSocket-Accept`, the selected subprotocol and
//!   extensions, which must have been offered). Only the headers RFC 6455
//!   reads are passed on (Host, Upgrade, Connection, Sec-WebSocket-*), so a
//!   browser's dozens of others never hit the core's header limit. An empty
//!   or missing `Host` is accepted: .NET's "fake handshake" for a
//!   connection upgraded by HttpListener sends `Host:` empty with the
//!   all-zero key (WebSocketProtocolComponent.s_ServerFakeRequestHeaders),
//!   and Host is the HTTP stack's to check.

use alloc::string::String;
use alloc::vec::Vec;
use core::ffi::{CStr, c_char};

use wsframe::HandshakeError;
use wsframe::handshake::{
    ClientHandshake, ExtensionOffers, Header, Request, accept_key, is_token, nonce_key,
};

use crate::types::{
    E_INVALID_PROTOCOL_FORMAT, E_INVALIDARG, E_PROTOCOL_EXTENSIONS_NOT_SUPPORTED,
    E_PROTOCOL_VERSION_NOT_SUPPORTED, E_SUBPROTOCOL_NOT_SUPPORTED, Hresult, HttpHeader,
};

/// Headers handed to the caller, owned by the handle until its next
/// handshake call or its deletion (the documented lifetime of
/// `pAdditionalHeaders` / `pResponseHeaders`).
#[derive(Debug, Default)]
pub struct HeaderBlock {
    text: Vec<u8>,
    list: Vec<HttpHeader>,
}

impl HeaderBlock {
    /// Replaces the block with `pairs` and returns the array to hand out.
    pub fn fill(&mut self, pairs: &[(&str, &[u8])]) -> (*mut HttpHeader, u32) {
        self.text.clear();
        self.list.clear();
        let mut spans = Vec::with_capacity(pairs.len());
        for (name, value) in pairs {
            let at = self.text.len();
            self.text.extend_from_slice(name.as_bytes());
            self.text.extend_from_slice(value);
            spans.push((at, name.len(), value.len()));
        }
        let base = self.text.as_ptr();
        for (at, n, v) in spans {
            self.list.push(HttpHeader {
                name: base.wrapping_add(at),
                name_len: n as u32,
                value: base.wrapping_add(at + n),
                value_len: v as u32,
            });
        }
        (self.list.as_mut_ptr(), self.list.len() as u32)
    }
}

/// What a client offered in Begin, for End to check against.
#[derive(Debug, Default)]
pub struct ClientOffer {
    pub subprotocols: Vec<String>,
    pub extensions: Vec<String>,
    pub expected: Option<ClientHandshake>,
}

/// Reads `count` NUL-terminated tokens at `list`.
///
/// # Safety
/// `list` is NULL or points to `count` pointers to NUL-terminated strings.
pub unsafe fn read_tokens(list: *const *const c_char, count: u32) -> Result<Vec<String>, Hresult> {
    if count == 0 {
        return Ok(Vec::new());
    }
    if list.is_null() {
        return Err(E_INVALIDARG);
    }
    let mut out = Vec::with_capacity(count as usize);
    for i in 0..count as usize {
        // SAFETY: the caller's array holds `count` entries.
        let s = unsafe { list.add(i).read_unaligned() };
        // SAFETY: forwarded: a NULL or NUL-terminated string.
        out.push(unsafe { read_token(s) }?);
    }
    Ok(out)
}

/// One NUL-terminated token (RFC 7230 §3.2.6) as a String.
///
/// # Safety
/// `s` is NULL or a NUL-terminated string.
pub unsafe fn read_token(s: *const c_char) -> Result<String, Hresult> {
    if s.is_null() {
        return Err(E_INVALIDARG);
    }
    // SAFETY: NUL-terminated by the caller's promise.
    let bytes = unsafe { CStr::from_ptr(s) }.to_bytes();
    if !is_token(bytes) {
        return Err(E_INVALIDARG);
    }
    core::str::from_utf8(bytes)
        .map(String::from)
        .map_err(|_| E_INVALIDARG)
}

/// The caller's header array as the core's `Header`s (names must be UTF-8;
/// the values are bytes). `keep` filters by name.
///
/// # Safety
/// `headers` is NULL or points to `count` headers whose pointers address
/// their counted lengths, and outlives the returned borrows.
pub unsafe fn read_headers<'a>(
    headers: *const HttpHeader,
    count: u32,
    keep: fn(&str) -> bool,
) -> Result<Vec<Header<'a>>, Hresult> {
    if count == 0 {
        return Ok(Vec::new());
    }
    if headers.is_null() {
        return Err(E_INVALIDARG);
    }
    let mut out = Vec::new();
    for i in 0..count as usize {
        // SAFETY: the caller's array holds `count` headers.
        let h = unsafe { headers.add(i).read_unaligned() };
        // SAFETY: each pointer addresses its counted bytes (caller).
        let (name, value) =
            unsafe { (counted(h.name, h.name_len)?, counted(h.value, h.value_len)?) };
        let name = core::str::from_utf8(name).map_err(|_| E_INVALID_PROTOCOL_FORMAT)?;
        if keep(name) {
            out.push(Header { name, value });
        }
    }
    Ok(out)
}

/// A counted byte string; NULL only with length 0.
///
/// # Safety
/// `ptr` is NULL or addresses `len` readable bytes for `'a`.
unsafe fn counted<'a>(ptr: *const u8, len: u32) -> Result<&'a [u8], Hresult> {
    match (ptr.is_null(), len) {
        (true, 0) => Ok(&[]),
        (true, _) => Err(E_INVALIDARG),
        // SAFETY: `len` readable bytes at `ptr` (caller).
        (false, n) => Ok(unsafe { core::slice::from_raw_parts(ptr, n as usize) }),
    }
}

/// Client Begin: the offer's headers, with the key from `nonce`.
pub fn client_headers(
    offer: &mut ClientOffer,
    nonce: &[u8; 16],
    out: &mut HeaderBlock,
) -> (*mut HttpHeader, u32) {
    let key = nonce_key(nonce);
    offer.expected = Some(ClientHandshake::from_nonce(nonce));
    let protocols = join(&offer.subprotocols);
    let extensions = join(&offer.extensions);
    let mut pairs: Vec<(&str, &[u8])> = Vec::with_capacity(6);
    pairs.push(("Connection", b"Upgrade"));
    pairs.push(("Upgrade", b"websocket"));
    pairs.push(("Sec-WebSocket-Version", b"13"));
    pairs.push(("Sec-WebSocket-Key", &key));
    if !protocols.is_empty() {
        pairs.push(("Sec-WebSocket-Protocol", protocols.as_bytes()));
    }
    if !extensions.is_empty() {
        pairs.push(("Sec-WebSocket-Extensions", extensions.as_bytes()));
    }
    out.fill(&pairs)
}

/// What the server selected, as indexes into the client's offer.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Selected {
    pub subprotocol: Option<u32>,
    pub extensions: Vec<u32>,
}

/// Client End: checks the response headers against the offer.
pub fn client_check(offer: &ClientOffer, headers: &[Header<'_>]) -> Result<Selected, Hresult> {
    let expected = offer.expected.as_ref().ok_or(E_INVALIDARG)?;
    let subs: Vec<&str> = offer.subprotocols.iter().map(String::as_str).collect();
    let exts: Vec<&str> = offer.extensions.iter().map(String::as_str).collect();
    let response = expected
        .check_parsed(101, 1, headers, &subs, &exts)
        .map_err(hresult)?;
    let mut selected = Selected::default();
    if let Some(p) = response.subprotocol {
        selected.subprotocol = index_of(&subs, p);
    }
    if let Some(value) = response.extensions {
        let offers = ExtensionOffers::parse(value).map_err(hresult)?;
        for offer in offers {
            let i = index_of(&exts, offer.name).ok_or(E_PROTOCOL_EXTENSIONS_NOT_SUPPORTED)?;
            selected.extensions.push(i);
        }
    }
    Ok(selected)
}

/// Server Begin: validates the request and writes the response headers.
pub fn server_response(
    headers: &[Header<'_>],
    subprotocol: Option<&str>,
    extensions: &[String],
    out: &mut HeaderBlock,
) -> Result<(*mut HttpHeader, u32), Hresult> {
    let mut with_host: Vec<Header<'_>> = headers
        .iter()
        .filter(|h| !(h.name.eq_ignore_ascii_case("Host") && h.value.is_empty()))
        .copied()
        .collect();
    if !with_host
        .iter()
        .any(|h| h.name.eq_ignore_ascii_case("Host"))
    {
        with_host.push(Header {
            name: "Host",
            value: b"websocket.dll",
        });
    }
    let request = Request::from_parsed("GET", "/", 1, &with_host).map_err(hresult)?;
    if let Some(p) = subprotocol {
        if !request.subprotocols().any(|offered| offered == p) {
            return Err(E_SUBPROTOCOL_NOT_SUPPORTED);
        }
    }
    for e in extensions {
        if !request
            .extensions()
            .any(|offered| offered.name.eq_ignore_ascii_case(e))
        {
            return Err(E_PROTOCOL_EXTENSIONS_NOT_SUPPORTED);
        }
    }
    let accept = accept_key(request.key());
    let joined = join(extensions);
    let mut pairs: Vec<(&str, &[u8])> = Vec::with_capacity(5);
    pairs.push(("Connection", b"Upgrade"));
    pairs.push(("Upgrade", b"websocket"));
    pairs.push(("Sec-WebSocket-Accept", &accept));
    if let Some(p) = subprotocol {
        pairs.push(("Sec-WebSocket-Protocol", p.as_bytes()));
    }
    if !joined.is_empty() {
        pairs.push(("Sec-WebSocket-Extensions", joined.as_bytes()));
    }
    Ok(out.fill(&pairs))
}

/// The request headers RFC 6455 §4.2.1 reads.
pub fn is_upgrade_header(name: &str) -> bool {
    ["Host", "Upgrade", "Connection"]
        .iter()
        .any(|n| name.eq_ignore_ascii_case(n))
        || name
            .get(..14)
            .is_some_and(|p| p.eq_ignore_ascii_case("Sec-WebSocket-"))
}

/// Every response header (the core judges which matter).
pub fn any_header(_: &str) -> bool {
    true
}

/// The HRESULT for a handshake verdict.
fn hresult(e: HandshakeError) -> Hresult {
    match e {
        HandshakeError::MissingVersion | HandshakeError::UnsupportedVersion => {
            E_PROTOCOL_VERSION_NOT_SUPPORTED
        }
        HandshakeError::ResponseSubprotocol => E_SUBPROTOCOL_NOT_SUPPORTED,
        HandshakeError::ResponseExtension => E_PROTOCOL_EXTENSIONS_NOT_SUPPORTED,
        _ => E_INVALID_PROTOCOL_FORMAT,
    }
}

fn index_of(list: &[&str], item: &str) -> Option<u32> {
    list.iter()
        .position(|x| x.eq_ignore_ascii_case(item))
        .and_then(|i| u32::try_from(i).ok())
}

fn join(items: &[String]) -> String {
    let mut s = String::new();
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            s.push_str(", ");
        }
        s.push_str(item);
    }
    s
}
