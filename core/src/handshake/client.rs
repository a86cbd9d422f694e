//! Client side of the opening handshake (handshake layer): writing the
//! request (RFC 6455 §4.1) and checking the server's response (§4.1, the
//! numbered list after "the client MUST validate the server's response").
//!
//! Randomness is an input: the caller supplies the 16-byte nonce. Both
//! [`ClientHandshake::check_response`] (raw bytes) and
//! [`ClientHandshake::check_parsed`] (a head the host's HTTP stack parsed)
//! end in the same [`validate`].

use super::accept::{ACCEPT_LEN, accept_key, nonce_key};
use super::head::{CRLF, check_extra_headers, write_head};
use super::tokens::{
    ExtensionOffers, ListElements, at_most_once, is_extension_value, is_field_value, is_token,
    list_contains, trim_ows,
};
use super::{Header, HeaderLine, MAX_HEADERS, Status};
use crate::config::HandshakeLimits;
use crate::error::{HandshakeError, UsageError};

/// Header names the request writes itself; extra headers may not repeat
/// them.
const REQUEST_HEADERS: &[&str] = &[
    "Host",
    "Upgrade",
    "Connection",
    "Sec-WebSocket-Key",
    "Sec-WebSocket-Version",
    "Sec-WebSocket-Protocol",
    "Sec-WebSocket-Extensions",
    "Origin",
];

/// A client's opening handshake (RFC 6455 §4.1), to be written with
/// [`ClientRequest::write`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientRequest<'a> {
    /// The `Host` value: host and, if not the default, `:port` (§4.1 item 4).
    pub host: &'a str,
    /// The request target: path and query, e.g. `/chat?room=1` (§4.1 item 3).
    pub path: &'a str,
    /// 16 fresh random bytes for `Sec-WebSocket-Key` (§4.1 item 7): "MUST
    /// be selected randomly for each connection".
    pub nonce: [u8; 16],
    /// Subprotocols to offer, most preferred first (§4.1 item 10); tokens.
    pub subprotocols: &'a [&'a str],
    /// The whole `Sec-WebSocket-Extensions` value to offer (§4.1 item 11,
    /// §9.1), e.g. `permessage-deflate; client_max_window_bits`.
    pub extensions: Option<&'a str>,
    /// The `Origin` value (§4.1 item 8; browsers must send it).
    pub origin: Option<&'a str>,
    /// More header lines (cookies, `Authorization`, ...). Names must be
    /// tokens and not headers the request already has; values must not
    /// contain CR, LF, NUL or other control bytes.
    pub extra_headers: &'a [(&'a str, &'a [u8])],
}

impl<'a> ClientRequest<'a> {
    /// A request with no subprotocol, extension, origin or extra header.
    #[must_use]
    pub const fn new(host: &'a str, path: &'a str, nonce: [u8; 16]) -> Self {
        Self {
            host,
            path,
            nonce,
            subprotocols: &[],
            extensions: None,
            origin: None,
            extra_headers: &[],
        }
    }

    /// Writes the whole request head to the start of `out`: `GET path
    /// HTTP/1.1`, `Host`, `Upgrade: websocket`, `Connection: Upgrade`,
    /// `Sec-WebSocket-Key`, `Sec-WebSocket-Version: 13`, the optional
    /// `Sec-WebSocket-Protocol` (one comma-separated line),
    /// `Sec-WebSocket-Extensions` and `Origin`, the extra headers and the
    /// final blank line. Returns the length and the [`ClientHandshake`]
    /// that checks the answer.
    ///
    /// # Errors
    /// `out` is untouched on error.
    /// * [`UsageError::InvalidHeader`] — empty path or host, a space or
    ///   control byte in either, a `#` fragment in the path (§3), an extensions value that is empty or not
    ///   §9.1 grammar, an origin with control bytes, or an extra header
    ///   that is not allowed;
    /// * [`UsageError::InvalidToken`] — a subprotocol that is not a token;
    /// * [`UsageError::BufferTooSmall`] with the exact length needed.
    pub fn write(&self, out: &mut [u8]) -> Result<(usize, ClientHandshake), UsageError> {
        self.check()?;
        let key = nonce_key(&self.nonce);
        let len = write_head(out, |c| {
            c.put(b"GET ");
            c.put(self.path.as_bytes());
            c.put(b" HTTP/1.1");
            c.put(CRLF);
            c.header("Host", self.host.as_bytes());
            c.header("Upgrade", b"websocket");
            c.header("Connection", b"Upgrade");
            c.header("Sec-WebSocket-Key", &key);
            c.header("Sec-WebSocket-Version", b"13");
            if let Some((first, rest)) = self.subprotocols.split_first() {
                c.put(b"Sec-WebSocket-Protocol: ");
                c.put(first.as_bytes());
                for protocol in rest {
                    c.put(b", ");
                    c.put(protocol.as_bytes());
                }
                c.put(CRLF);
            }
            if let Some(extensions) = self.extensions {
                c.header("Sec-WebSocket-Extensions", extensions.as_bytes());
            }
            if let Some(origin) = self.origin {
                c.header("Origin", origin.as_bytes());
            }
            c.headers(self.extra_headers);
            c.put(CRLF);
        })?;
        Ok((len, ClientHandshake::from_nonce(&self.nonce)))
    }

    /// Everything [`ClientRequest::write`] refuses.
    fn check(&self) -> Result<(), UsageError> {
        let visible = |s: &str| !s.is_empty() && s.bytes().all(|b| b > b' ' && b != 0x7f);
        // §3: "Fragment identifiers ... MUST NOT be used on these URIs."
        if !visible(self.path) || self.path.contains('#') || !visible(self.host) {
            return Err(UsageError::InvalidHeader);
        }
        if self.subprotocols.iter().any(|p| !is_token(p.as_bytes())) {
            return Err(UsageError::InvalidToken);
        }
        if self.extensions.is_some_and(|e| !is_extension_value(e))
            || self.origin.is_some_and(|o| !is_field_value(o.as_bytes()))
        {
            return Err(UsageError::InvalidHeader);
        }
        check_extra_headers(self.extra_headers, REQUEST_HEADERS)
    }
}

/// What a client must remember between sending its request and reading
/// the answer: the `Sec-WebSocket-Accept` value it expects (§4.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientHandshake {
    accept: [u8; ACCEPT_LEN],
}

/// A server's `101 Switching Protocols` that passed every check of §4.1.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ServerResponse<'b> {
    /// Bytes of the buffer the head used, including the final blank line.
    /// Bytes after it are the server's first frames (a server may send
    /// them in the same segment as the 101) and belong to the connection.
    /// 0 for [`ClientHandshake::check_parsed`].
    pub head_len: usize,
    /// The subprotocol the server chose, one of those offered (§4.1 item 6).
    pub subprotocol: Option<&'b str>,
    /// The `Sec-WebSocket-Extensions` value, trimmed: the extensions in use
    /// (§4.1 item 5, §9.1). Iterate it with [`ExtensionOffers::parse`].
    pub extensions: Option<&'b [u8]>,
}

impl ClientHandshake {
    /// The state for a request whose `Sec-WebSocket-Key` is the base64 of
    /// `nonce`, for hosts whose own HTTP stack wrote the request.
    #[must_use]
    pub fn from_nonce(nonce: &[u8; 16]) -> Self {
        Self {
            accept: accept_key(&nonce_key(nonce)),
        }
    }

    /// The `Sec-WebSocket-Accept` value the server must send.
    #[must_use]
    pub const fn expected_accept(&self) -> &[u8; ACCEPT_LEN] {
        &self.accept
    }

    /// Parses and checks the server's response head at the start of `buf`.
    ///
    /// Call again with the whole buffer after each read while it returns
    /// [`Status::Partial`]. `offered_subprotocols` are the subprotocols the
    /// request offered; `offered_extensions` the extension names it
    /// offered (e.g. `["permessage-deflate"]`).
    ///
    /// # Errors
    /// [`HandshakeError::HeadTooLarge`] and [`HandshakeError::MalformedHead`]
    /// as for [`Request::parse`](super::Request::parse); otherwise as
    /// [`ClientHandshake::check_parsed`]. The client must then close the
    /// connection (§4.1: _Fail the WebSocket Connection_).
    pub fn check_response<'b>(
        &self,
        buf: &'b [u8],
        offered_subprotocols: &[&str],
        offered_extensions: &[&str],
        limits: &HandshakeLimits,
    ) -> Result<Status<ServerResponse<'b>>, HandshakeError> {
        let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
        let mut parsed = httparse::Response::new(&mut headers);
        let head_len = match super::head_status(parsed.parse(buf), buf.len(), limits)? {
            Status::Complete(len) => len,
            Status::Partial => return Ok(Status::Partial),
        };
        let (Some(code), Some(minor)) = (parsed.code, parsed.version) else {
            return Err(HandshakeError::MalformedHead);
        };
        let offered = Offered {
            subprotocols: offered_subprotocols,
            extensions: offered_extensions,
        };
        let response = validate(&self.accept, code, minor, parsed.headers, &offered)?;
        Ok(Status::Complete(ServerResponse {
            head_len,
            ..response
        }))
    }

    /// Checks a response head the host's HTTP stack already parsed
    /// (`http_minor_version` is 1 for HTTP/1.1), with the same rules as
    /// [`ClientHandshake::check_response`] (§4.1):
    ///
    /// * [`HandshakeError::ResponseStatus`] — not `HTTP/1.1 101`;
    /// * [`HandshakeError::ResponseUpgrade`] — `Upgrade` is not `websocket`
    ///   (case-insensitive);
    /// * [`HandshakeError::ResponseConnection`] — no `upgrade` token in
    ///   `Connection`;
    /// * [`HandshakeError::ResponseAccept`] — `Sec-WebSocket-Accept`
    ///   missing, repeated (§11.3.3) or wrong;
    /// * [`HandshakeError::ResponseSubprotocol`] — a subprotocol that was
    ///   not offered (compared exactly), or the header repeated (§11.3.4);
    /// * [`HandshakeError::ResponseExtension`] — an extension name that was
    ///   not offered, bad §9.1 grammar, or the header repeated (§11.3.2).
    ///
    /// # Errors
    /// As listed.
    pub fn check_parsed<'b>(
        &self,
        status: u16,
        http_minor_version: u8,
        headers: &[Header<'b>],
        offered_subprotocols: &[&str],
        offered_extensions: &[&str],
    ) -> Result<ServerResponse<'b>, HandshakeError> {
        let offered = Offered {
            subprotocols: offered_subprotocols,
            extensions: offered_extensions,
        };
        validate(&self.accept, status, http_minor_version, headers, &offered)
    }
}

/// What the request offered.
struct Offered<'o> {
    subprotocols: &'o [&'o str],
    extensions: &'o [&'o str],
}

/// Every rule of §4.1 (see [`ClientHandshake::check_parsed`]); `head_len`
/// is left 0 for the caller to fill.
fn validate<'b>(
    accept: &[u8; ACCEPT_LEN],
    status: u16,
    minor: u8,
    headers: &[impl HeaderLine<'b>],
    offered: &Offered<'_>,
) -> Result<ServerResponse<'b>, HandshakeError> {
    if status != 101 || minor < 1 {
        return Err(HandshakeError::ResponseStatus);
    }
    check_upgrade(headers)?;
    if !list_contains(headers, "Connection", "upgrade") {
        return Err(HandshakeError::ResponseConnection);
    }
    check_accept(accept, headers)?;
    Ok(ServerResponse {
        head_len: 0,
        subprotocol: check_subprotocol(headers, offered.subprotocols)?,
        extensions: check_extensions(headers, offered.extensions)?,
    })
}

/// §4.1 item 2: `Upgrade` is `websocket`, case-insensitively; every element
/// of it if the server listed several.
fn check_upgrade<'b>(headers: &[impl HeaderLine<'b>]) -> Result<(), HandshakeError> {
    let mut elements = ListElements::new(headers, "Upgrade").peekable();
    let present = elements.peek().is_some();
    if present && elements.all(|e| e.eq_ignore_ascii_case(b"websocket")) {
        Ok(())
    } else {
        Err(HandshakeError::ResponseUpgrade)
    }
}

/// §4.1 item 4: exactly one `Sec-WebSocket-Accept` with the expected value.
fn check_accept<'b>(
    accept: &[u8; ACCEPT_LEN],
    headers: &[impl HeaderLine<'b>],
) -> Result<(), HandshakeError> {
    match at_most_once(
        headers,
        "Sec-WebSocket-Accept",
        HandshakeError::ResponseAccept,
    )? {
        Some(value) if trim_ows(value) == accept => Ok(()),
        _ => Err(HandshakeError::ResponseAccept),
    }
}

/// §4.1 item 6: at most one `Sec-WebSocket-Protocol`, one of those offered.
fn check_subprotocol<'b>(
    headers: &[impl HeaderLine<'b>],
    offered: &[&str],
) -> Result<Option<&'b str>, HandshakeError> {
    let Some(value) = at_most_once(
        headers,
        "Sec-WebSocket-Protocol",
        HandshakeError::ResponseSubprotocol,
    )?
    else {
        return Ok(None);
    };
    let chosen =
        crate::utf8::utf8_str(trim_ows(value)).ok_or(HandshakeError::ResponseSubprotocol)?;
    if is_token(chosen.as_bytes()) && offered.contains(&chosen) {
        Ok(Some(chosen))
    } else {
        Err(HandshakeError::ResponseSubprotocol)
    }
}

/// §4.1 item 5: at most one `Sec-WebSocket-Extensions` (§11.3.2), valid,
/// naming only offered extensions.
fn check_extensions<'b>(
    headers: &[impl HeaderLine<'b>],
    offered: &[&str],
) -> Result<Option<&'b [u8]>, HandshakeError> {
    let Some(value) = at_most_once(
        headers,
        "Sec-WebSocket-Extensions",
        HandshakeError::ResponseExtension,
    )?
    else {
        return Ok(None);
    };
    let mut offers =
        ExtensionOffers::parse(value).map_err(|_| HandshakeError::ResponseExtension)?;
    if offers.all(|e| offered.contains(&e.name)) {
        Ok(Some(trim_ows(value)))
    } else {
        Err(HandshakeError::ResponseExtension)
    }
}
