//! Server answers to the opening handshake (handshake layer): the
//! `101 Switching Protocols` (RFC 6455 §4.2.2) and refusals (§4.2.1, §4.4).
//!
//! Every answer is a whole HTTP head written as one block through
//! [`write_head`]; on any error the output is untouched.

use super::accept::accept_key;
use super::head::{CRLF, HeadCursor, check_extra_headers, write_head};
use super::tokens::{is_extension_value, is_token};
use crate::error::{HandshakeError, UsageError};

/// Header names the 101 writes itself; extra headers may not repeat them.
const RESPONSE_HEADERS: &[&str] = &[
    "Upgrade",
    "Connection",
    "Sec-WebSocket-Accept",
    "Sec-WebSocket-Protocol",
    "Sec-WebSocket-Extensions",
];

/// Header names every refusal writes itself (plus `Transfer-Encoding`,
/// which would contradict `Content-Length: 0`).
const REFUSAL_HEADERS: &[&str] = &["Connection", "Content-Length", "Transfer-Encoding"];

/// What the server accepts (RFC 6455 §4.2.2 item 5): the parts of the 101
/// the application chooses. [`Response::new`] accepts with no subprotocol,
/// no extension and no extra header.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Response<'a> {
    /// The chosen subprotocol, one of
    /// [`Request::subprotocols`](super::Request::subprotocols) (§4.2.2 item
    /// 5.4: "the server MUST ... select one of the values"). Must be a token.
    pub subprotocol: Option<&'a str>,
    /// The accepted extensions with their response parameters, as the
    /// whole `Sec-WebSocket-Extensions` value (§9.1), e.g.
    /// `permessage-deflate; server_max_window_bits=12`.
    pub extensions: Option<&'a str>,
    /// More header lines (cookies, `Server`, ...). Names must be tokens and
    /// not headers the 101 already has; values must not contain CR, LF,
    /// NUL or other control bytes.
    pub extra_headers: &'a [(&'a str, &'a [u8])],
}

impl Response<'_> {
    /// Accept with no subprotocol, no extension, no extra header.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            subprotocol: None,
            extensions: None,
            extra_headers: &[],
        }
    }
}

/// Writes the whole `HTTP/1.1 101 Switching Protocols` head for a request
/// with key `request_key` (RFC 6455 §4.2.2 item 5): `Upgrade: websocket`,
/// `Connection: Upgrade`, `Sec-WebSocket-Accept`, the optional
/// `Sec-WebSocket-Protocol` and `Sec-WebSocket-Extensions`, the extra
/// headers, and the final blank line. Returns the bytes written.
///
/// # Errors
/// `out` is untouched on error.
/// * [`UsageError::InvalidToken`] — the subprotocol is not a token;
/// * [`UsageError::InvalidHeader`] — the extensions value is empty or not
///   valid §9.1 grammar, or an extra header is not allowed;
/// * [`UsageError::BufferTooSmall`] with the exact length needed.
pub fn write_response(
    request_key: &[u8],
    response: &Response<'_>,
    out: &mut [u8],
) -> Result<usize, UsageError> {
    if response
        .subprotocol
        .is_some_and(|p| !is_token(p.as_bytes()))
    {
        return Err(UsageError::InvalidToken);
    }
    if response.extensions.is_some_and(|e| !is_extension_value(e)) {
        return Err(UsageError::InvalidHeader);
    }
    check_extra_headers(response.extra_headers, RESPONSE_HEADERS)?;
    let accept = accept_key(request_key);
    write_head(out, |c| {
        c.put(b"HTTP/1.1 101 Switching Protocols");
        c.put(CRLF);
        c.header("Upgrade", b"websocket");
        c.header("Connection", b"Upgrade");
        c.header("Sec-WebSocket-Accept", &accept);
        if let Some(protocol) = response.subprotocol {
            c.header("Sec-WebSocket-Protocol", protocol.as_bytes());
        }
        if let Some(extensions) = response.extensions {
            c.header("Sec-WebSocket-Extensions", extensions.as_bytes());
        }
        c.headers(response.extra_headers);
        c.put(CRLF);
    })
}

/// Writes the refusal for a failed handshake: status
/// [`HandshakeError::http_status`] with `Connection: close` and
/// `Content-Length: 0`, plus what the status calls for:
///
/// * 405 ([`HandshakeError::MethodNotGet`]): `Allow: GET` (RFC 7231 §6.5.5);
/// * 426 ([`HandshakeError::MissingUpgrade`], [`HandshakeError::MissingVersion`],
///   [`HandshakeError::UnsupportedVersion`]): `Upgrade: websocket` (RFC 7231
///   §6.5.15), with `Connection: Upgrade, close` (RFC 7230 §6.7), and
///   `Sec-WebSocket-Version: 13` (RFC 6455 §4.4).
///
/// The server should close the connection after sending it.
///
/// # Errors
/// `out` is untouched on error.
/// * [`UsageError::InvalidStatus`] — `error` is a client-side error
///   (`Response*`), which has no HTTP answer;
/// * [`UsageError::BufferTooSmall`] with the exact length needed.
pub fn write_rejection(error: HandshakeError, out: &mut [u8]) -> Result<usize, UsageError> {
    let status = error.http_status().ok_or(UsageError::InvalidStatus)?;
    let (connection, headers): (&[u8], &[(&str, &[u8])]) = match error {
        HandshakeError::MethodNotGet => (b"close", &[("Allow", b"GET")]),
        HandshakeError::MissingUpgrade
        | HandshakeError::MissingVersion
        | HandshakeError::UnsupportedVersion => (
            b"Upgrade, close",
            &[("Upgrade", b"websocket"), ("Sec-WebSocket-Version", b"13")],
        ),
        _ => (b"close", &[]),
    };
    // Only the phrases of the handshake's own statuses: a firmware that
    // never calls `write_status` links none of the others.
    let phrase = handshake_phrase(status);
    write_refusal(status, phrase, connection, headers, &[], out)
}

/// Writes an application-chosen refusal such as 403 for an unknown
/// `Origin` (RFC 6455 §4.2.2 item 4, §10.2) or 401 to ask for credentials:
/// status line, `Connection: close`, `Content-Length: 0` and
/// `extra_headers` (e.g. `WWW-Authenticate`).
///
/// # Errors
/// `out` is untouched on error.
/// * [`UsageError::InvalidStatus`] — `status` is not 400–599.
/// * [`UsageError::InvalidHeader`] — an extra
///   header is not allowed (non-token name, control bytes in the value,
///   or `Connection` / `Content-Length` / `Transfer-Encoding`);
/// * [`UsageError::BufferTooSmall`] with the exact length needed.
pub fn write_status(
    status: u16,
    extra_headers: &[(&str, &[u8])],
    out: &mut [u8],
) -> Result<usize, UsageError> {
    if !(400..=599).contains(&status) {
        return Err(UsageError::InvalidStatus);
    }
    check_extra_headers(extra_headers, REFUSAL_HEADERS)?;
    write_refusal(
        status,
        reason_phrase(status),
        b"close",
        &[],
        extra_headers,
        out,
    )
}

/// The refusal head shared by [`write_rejection`] and [`write_status`].
fn write_refusal(
    status: u16,
    phrase: &str,
    connection: &[u8],
    fixed: &[(&str, &[u8])],
    extra: &[(&str, &[u8])],
    out: &mut [u8],
) -> Result<usize, UsageError> {
    let digits = status_digits(status);
    write_head(out, |c: &mut HeadCursor<'_>| {
        c.put(b"HTTP/1.1 ");
        c.put(&digits);
        c.put(b" ");
        c.put(phrase.as_bytes());
        c.put(CRLF);
        c.header("Connection", connection);
        c.header("Content-Length", b"0");
        c.headers(fixed);
        c.headers(extra);
        c.put(CRLF);
    })
}

/// The three ASCII digits of a status code 100–999.
fn status_digits(status: u16) -> [u8; 3] {
    let digit = |n: u16| {
        let n = u8::try_from(n % 10).unwrap_or(dead_arm!("`n % 10` is below 10", 0));
        b'0'.saturating_add(n)
    };
    [digit(status / 100), digit(status / 10), digit(status)]
}

/// Reason phrases (RFC 7231 §6.1, RFC 6585 for 429). The phrase is
/// informational (RFC 7230 §3.1.2); unknown codes get their class name.
fn reason_phrase(status: u16) -> &'static str {
    match status {
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        408 => "Request Timeout",
        409 => "Conflict",
        410 => "Gone",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => handshake_phrase(status),
    }
}

/// The phrases of the statuses a refused handshake answers with
/// ([`HandshakeError::http_status`]: 400, 405, 426, RFC 6585's 431), and
/// the class names for any other code.
fn handshake_phrase(status: u16) -> &'static str {
    match status {
        400 => "Bad Request",
        405 => "Method Not Allowed",
        426 => "Upgrade Required",
        431 => "Request Header Fields Too Large",
        _ if status < 500 => "Client Error",
        _ => "Server Error",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reason_phrases() {
        for (status, phrase) in [
            (400, "Bad Request"),
            (403, "Forbidden"),
            (405, "Method Not Allowed"),
            (426, "Upgrade Required"),
            (431, "Request Header Fields Too Large"),
            (503, "Service Unavailable"),
            (418, "Client Error"),
            (599, "Server Error"),
        ] {
            assert_eq!(reason_phrase(status), phrase, "{status}");
        }
        for e in [
            HandshakeError::MalformedHead,
            HandshakeError::MethodNotGet,
            HandshakeError::UnsupportedVersion,
            HandshakeError::HeadTooLarge,
        ] {
            let status = e.http_status().unwrap();
            assert_eq!(handshake_phrase(status), reason_phrase(status));
        }
    }

    #[test]
    fn status_line_digits() {
        assert_eq!(&status_digits(403), b"403");
        assert_eq!(&status_digits(599), b"599");
        assert_eq!(&status_digits(101), b"101");
    }

    #[test]
    fn rfc_section_1_3_response() {
        let mut out = [0u8; 256];
        let n = write_response(b"dGhlIHNhbXBsZSBub25jZQ==", &Response::new(), &mut out).unwrap();
        let expected: &[u8] = b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\
            Connection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";
        assert_eq!(out.get(..n), Some(expected));
    }
}
