//! Server side of the opening handshake (handshake layer): reading and
//! validating the client's request (RFC 6455 §4.2.1).
//!
//! Rules are checked in the order of §4.2.1, one small function each, with
//! `Sec-WebSocket-Version` before the key so that a client speaking
//! another version is told which one to use (§4.4). Both entry points,
//! [`Request::parse`] for raw bytes and [`Request::from_parsed`] for heads
//! an HTTP stack (http.sys, IIS, WinHTTP, ...) already parsed, end in the
//! same [`validate`].

use core::fmt;

use super::accept::decode_key;
use super::reply::{Response, write_response};
use super::tokens::{
    ExtensionOffers, ListElements, Subprotocols, all_tokens, at_most_once, header_values,
    is_extension_list, list_contains, trim_ows,
};
use super::{Header, HeaderLine, MAX_HEADERS, Status};
use crate::config::HandshakeLimits;
use crate::error::{HandshakeError, UsageError};

/// A client's opening handshake that passed every check of RFC 6455
/// §4.2.1. It borrows the caller's buffer; the accessors return sub-slices
/// of it.
#[derive(Clone)]
pub struct Request<'b> {
    /// Filled by `httparse` in place ([`Request::parse`]); lent out as
    /// [`Header`]s.
    headers: [httparse::Header<'b>; MAX_HEADERS],
    header_count: usize,
    path: &'b str,
    key: &'b [u8],
    head_len: usize,
}

impl<'b> Request<'b> {
    /// Parses and validates a request head at the start of `buf`.
    ///
    /// Call again with the whole buffer after each read while it returns
    /// [`Status::Partial`]. Bytes after the head ([`Request::head_len`])
    /// are the client's first frames and belong to the connection.
    ///
    /// # Errors
    /// The [`HandshakeError`] to answer with ([`super::write_rejection`]):
    /// [`HandshakeError::HeadTooLarge`] once `buf` holds
    /// `limits.max_head_size` bytes without a complete head, or the head is
    /// longer, or it has more than [`MAX_HEADERS`] lines;
    /// [`HandshakeError::MalformedHead`] for invalid HTTP; otherwise the
    /// first §4.2.1 rule broken (see [`Request::from_parsed`]).
    pub fn parse(buf: &'b [u8], limits: &HandshakeLimits) -> Result<Status<Self>, HandshakeError> {
        // httparse fills the header array inside the request itself: the
        // array (MAX_HEADERS lines) is never moved on the way, which on
        // small targets would cost a `memcpy` of it.
        let mut request = Self::empty();
        let mut parsed = httparse::Request::new(&mut request.headers);
        let head_len = match super::head_status(parsed.parse(buf), buf.len(), limits)? {
            Status::Complete(len) => len,
            Status::Partial => return Ok(Status::Partial),
        };
        let (Some(method), Some(path), Some(minor)) = (parsed.method, parsed.path, parsed.version)
        else {
            return Err(HandshakeError::MalformedHead);
        };
        request.header_count = parsed.headers.len();
        request.path = path;
        request.head_len = head_len;
        request.validate(method, minor)?;
        Ok(Status::Complete(request))
    }

    /// Validates a request whose head the host's HTTP stack already parsed
    /// (no bytes of it are in our hands, so [`Request::head_len`] is 0).
    ///
    /// `http_minor_version` is 1 for HTTP/1.1. Applies the same checks as
    /// [`Request::parse`], in the order of RFC 6455 §4.2.1:
    ///
    /// * [`HandshakeError::HeadTooLarge`] — more than [`MAX_HEADERS`] headers;
    /// * [`HandshakeError::MethodNotGet`] (405) — method is not `GET`;
    /// * [`HandshakeError::HttpVersion`] — older than HTTP/1.1;
    /// * [`HandshakeError::MissingHost`] — no or empty `Host`
    ///   ([`HandshakeError::BadHeaderValue`] if repeated, RFC 7230 §5.4);
    /// * [`HandshakeError::MissingUpgrade`] (426) — no `websocket` token in
    ///   `Upgrade` (case-insensitive);
    /// * [`HandshakeError::MissingConnectionUpgrade`] — no `upgrade` token in
    ///   `Connection`;
    /// * [`HandshakeError::MissingVersion`] (426), or
    ///   [`HandshakeError::UnsupportedVersion`] (426) unless exactly one
    ///   `Sec-WebSocket-Version: 13` (§4.4);
    /// * [`HandshakeError::BadKey`] — `Sec-WebSocket-Key` missing, repeated
    ///   (§11.3.1) or not base64 of 16 bytes;
    /// * [`HandshakeError::BadHeaderValue`] — a `Sec-WebSocket-Protocol`
    ///   element that is not a token, or `Sec-WebSocket-Extensions` not in
    ///   the grammar of §9.1.
    ///
    /// # Errors
    /// As listed.
    pub fn from_parsed(
        method: &'b str,
        path: &'b str,
        http_minor_version: u8,
        headers: &[Header<'b>],
    ) -> Result<Self, HandshakeError> {
        let mut request = Self::empty();
        let slots = request
            .headers
            .get_mut(..headers.len())
            .ok_or(HandshakeError::HeadTooLarge)?;
        // Zipped: `copy_from_slice` keeps a panic path at opt-level "z".
        for (slot, header) in slots.iter_mut().zip(headers) {
            *slot = httparse::Header {
                name: header.name,
                value: header.value,
            };
        }
        request.header_count = headers.len();
        request.path = path;
        request.validate(method, http_minor_version)?;
        Ok(request)
    }

    /// A request with no headers yet, to be filled in place.
    const fn empty() -> Self {
        Self {
            headers: [httparse::EMPTY_HEADER; MAX_HEADERS],
            header_count: 0,
            path: "",
            key: b"",
            head_len: 0,
        }
    }

    /// Runs [`validate`] and records the key it found.
    fn validate(&mut self, method: &str, minor: u8) -> Result<(), HandshakeError> {
        self.key = validate(method, minor, self.all_headers())?;
        Ok(())
    }

    /// The request target, e.g. `/chat?room=1` (RFC 6455 §4.2.1 item 1,
    /// the /resource name/). Not decoded or normalised.
    #[must_use]
    pub const fn path(&self) -> &'b str {
        self.path
    }

    /// The `Host` value (§4.2.1 item 2), without surrounding whitespace.
    #[must_use]
    pub fn host(&self) -> &'b [u8] {
        self.header("Host").map_or(b"", trim_ows)
    }

    /// The `Origin` value, if any (§4.2.1 item 7, §10.2). Browsers always
    /// send it; a server that serves browsers should check it against the
    /// origins it trusts and refuse others (e.g. with 403, see
    /// [`super::write_status`]).
    #[must_use]
    pub fn origin(&self) -> Option<&'b [u8]> {
        self.header("Origin").map(trim_ows)
    }

    /// The `Sec-WebSocket-Key` value without surrounding whitespace, the
    /// input of [`super::accept_key`] (§4.2.1 item 5).
    #[must_use]
    pub const fn key(&self) -> &'b [u8] {
        self.key
    }

    /// Bytes of the buffer the head used, including the final blank line.
    /// Bytes after it are the client's first frames. 0 for
    /// [`Request::from_parsed`].
    #[must_use]
    pub const fn head_len(&self) -> usize {
        self.head_len
    }

    /// The first header named `name` (case-insensitive, RFC 7230 §3.2).
    #[must_use]
    pub fn header(&self, name: &str) -> Option<&'b [u8]> {
        header_values(self.all_headers(), name).next()
    }

    /// All header lines, in order.
    pub fn headers(&self) -> impl DoubleEndedIterator<Item = Header<'b>> + ExactSizeIterator + '_ {
        self.all_headers().iter().map(|h| Header {
            name: h.name,
            value: h.value,
        })
    }

    /// Subprotocols the client offers (§4.2.1 item 8), in its order of
    /// preference, across all `Sec-WebSocket-Protocol` lines. Pick at most
    /// one of these for [`Response::subprotocol`].
    pub fn subprotocols(&self) -> Subprotocols<'_, 'b> {
        Subprotocols {
            inner: ListElements::new(self.all_headers(), "Sec-WebSocket-Protocol"),
        }
    }

    /// Extension offers (§4.2.1 item 9, §9.1) across all
    /// `Sec-WebSocket-Extensions` lines, in order of preference.
    pub fn extensions(&self) -> ExtensionOffers<'_, 'b> {
        ExtensionOffers {
            inner: ListElements::new(self.all_headers(), "Sec-WebSocket-Extensions"),
        }
    }

    /// Writes the `101 Switching Protocols` answer for this request;
    /// [`write_response`] with this request's key.
    ///
    /// # Errors
    /// As [`write_response`]; `out` is untouched on error.
    pub fn write_response(
        &self,
        response: &Response<'_>,
        out: &mut [u8],
    ) -> Result<usize, UsageError> {
        write_response(self.key, response, out)
    }

    /// The headers actually parsed.
    fn all_headers(&self) -> &[httparse::Header<'b>] {
        let Some(headers) = self.headers.get(..self.header_count) else {
            return dead_arm!("`header_count` is at most `MAX_HEADERS`", &[]);
        };
        headers
    }
}

impl fmt::Debug for Request<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("path", &self.path)
            .field("head_len", &self.head_len)
            .field("headers", &self.all_headers())
            .finish_non_exhaustive()
    }
}

/// Every rule of RFC 6455 §4.2.1 (see [`Request::from_parsed`]); returns
/// the trimmed key.
fn validate<'b>(
    method: &str,
    minor: u8,
    headers: &[impl HeaderLine<'b>],
) -> Result<&'b [u8], HandshakeError> {
    check_method(method)?;
    check_http_version(minor)?;
    check_host(headers)?;
    check_upgrade(headers)?;
    check_connection(headers)?;
    check_websocket_version(headers)?;
    let key = check_key(headers)?;
    check_subprotocols(headers)?;
    check_extensions(headers)?;
    Ok(key)
}

/// §4.2.1 item 1: "An HTTP/1.1 or higher GET request". Methods are
/// case-sensitive (RFC 7230 §3.1.1).
fn check_method(method: &str) -> Result<(), HandshakeError> {
    // Matched byte by byte: a `==` on strings links `memcmp` (116 B on
    // Cortex-M) for this one comparison.
    if let [b'G', b'E', b'T'] = method.as_bytes() {
        Ok(())
    } else {
        Err(HandshakeError::MethodNotGet)
    }
}

/// §4.2.1 item 1: HTTP/1.1 or higher.
fn check_http_version(minor: u8) -> Result<(), HandshakeError> {
    if minor >= 1 {
        Ok(())
    } else {
        Err(HandshakeError::HttpVersion)
    }
}

/// §4.2.1 item 2: a `Host` header; exactly one (RFC 7230 §5.4).
fn check_host<'b>(headers: &[impl HeaderLine<'b>]) -> Result<(), HandshakeError> {
    match at_most_once(headers, "Host", HandshakeError::BadHeaderValue)? {
        Some(host) if !trim_ows(host).is_empty() => Ok(()),
        _ => Err(HandshakeError::MissingHost),
    }
}

/// §4.2.1 item 3: `Upgrade` contains `websocket`, case-insensitively
/// (Autobahn sends `WebSocket`).
fn check_upgrade<'b>(headers: &[impl HeaderLine<'b>]) -> Result<(), HandshakeError> {
    if list_contains(headers, "Upgrade", "websocket") {
        Ok(())
    } else {
        Err(HandshakeError::MissingUpgrade)
    }
}

/// §4.2.1 item 4: `Connection` includes the token `Upgrade`
/// (`Connection: keep-alive, Upgrade` from Firefox).
fn check_connection<'b>(headers: &[impl HeaderLine<'b>]) -> Result<(), HandshakeError> {
    if list_contains(headers, "Connection", "upgrade") {
        Ok(())
    } else {
        Err(HandshakeError::MissingConnectionUpgrade)
    }
}

/// §4.2.1 item 6 and §4.4: one `Sec-WebSocket-Version` (§11.3.5), and it
/// is 13.
fn check_websocket_version<'b>(headers: &[impl HeaderLine<'b>]) -> Result<(), HandshakeError> {
    let version = at_most_once(
        headers,
        "Sec-WebSocket-Version",
        HandshakeError::UnsupportedVersion,
    )?;
    match version.map(trim_ows) {
        None => Err(HandshakeError::MissingVersion),
        Some(b"13") => Ok(()),
        Some(_) => Err(HandshakeError::UnsupportedVersion),
    }
}

/// §4.2.1 item 5: one `Sec-WebSocket-Key` (§11.3.1) that decodes to 16
/// bytes.
fn check_key<'b>(headers: &[impl HeaderLine<'b>]) -> Result<&'b [u8], HandshakeError> {
    let key = at_most_once(headers, "Sec-WebSocket-Key", HandshakeError::BadKey)?
        .map(trim_ows)
        .ok_or(HandshakeError::BadKey)?;
    decode_key(key).map(|_| key).ok_or(HandshakeError::BadKey)
}

/// §4.1 item 10: `Sec-WebSocket-Protocol` lists hold tokens only.
fn check_subprotocols<'b>(headers: &[impl HeaderLine<'b>]) -> Result<(), HandshakeError> {
    if all_tokens(headers, "Sec-WebSocket-Protocol") {
        Ok(())
    } else {
        Err(HandshakeError::BadHeaderValue)
    }
}

/// §9.1: every `Sec-WebSocket-Extensions` line follows the offer grammar.
fn check_extensions<'b>(headers: &[impl HeaderLine<'b>]) -> Result<(), HandshakeError> {
    if header_values(headers, "Sec-WebSocket-Extensions").all(is_extension_list) {
        Ok(())
    } else {
        Err(HandshakeError::BadHeaderValue)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_is_small_beyond_its_header_array() {
        let array = core::mem::size_of::<[Header<'_>; MAX_HEADERS]>();
        assert_eq!(
            array,
            core::mem::size_of::<[httparse::Header<'_>; MAX_HEADERS]>()
        );
        assert!(core::mem::size_of::<Request<'_>>() <= array + 8 * core::mem::size_of::<usize>());
    }

    #[test]
    fn rules_in_order() {
        let h = |name, value| Header { name, value };
        let full = [
            h("Host", &b"x"[..]),
            h("Upgrade", b"websocket"),
            h("Connection", b"Upgrade"),
            h("Sec-WebSocket-Version", b"13"),
            h("Sec-WebSocket-Key", b"dGhlIHNhbXBsZSBub25jZQ=="),
        ];
        assert_eq!(
            validate("GET", 1, &full),
            Ok(&b"dGhlIHNhbXBsZSBub25jZQ=="[..])
        );
        let none: [Header<'_>; 0] = [];
        assert_eq!(
            validate("POST", 0, &none),
            Err(HandshakeError::MethodNotGet)
        );
        assert_eq!(validate("GET", 0, &none), Err(HandshakeError::HttpVersion));
        let expected = [
            HandshakeError::MissingHost,
            HandshakeError::MissingUpgrade,
            HandshakeError::MissingConnectionUpgrade,
            HandshakeError::MissingVersion,
            HandshakeError::BadKey,
        ];
        for (len, error) in expected.into_iter().enumerate() {
            assert_eq!(validate("GET", 1, full.get(..len).unwrap()), Err(error));
        }
    }
}
