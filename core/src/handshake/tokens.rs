//! Header grammar for the handshake (handshake layer): HTTP tokens
//! (RFC 7230 §3.2.6), comma-separated lists across repeated header lines
//! (RFC 7230 §3.2.2, §7), subprotocol lists (RFC 6455 §4.1) and extension
//! offers (RFC 6455 §9.1, RFC 7692 §5).
//!
//! Validation and iteration use the same splitting: the validators here
//! run once when a head is accepted, so the public iterators can be
//! infallible. Lists are split on commas before anything else, which is
//! exact for this grammar because a quoted extension parameter value must
//! itself be a token (§9.1) and so can never contain a comma, a semicolon
//! or a quote.

use super::HeaderLine;

/// Whether `b` is a `tchar` (RFC 7230 §3.2.6).
const fn is_tchar(b: u8) -> bool {
    matches!(b,
        b'!' | b'#' | b'$' | b'%' | b'&' | b'\'' | b'*' | b'+' | b'-' | b'.'
        | b'^' | b'_' | b'`' | b'|' | b'~'
        | b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z')
}

/// Whether `s` is an HTTP token (RFC 7230 §3.2.6: `1*tchar`), the syntax of
/// subprotocol names (RFC 6455 §4.1), extension names and parameter names
/// (§9.1) and header names.
#[must_use]
pub fn is_token(s: &[u8]) -> bool {
    !s.is_empty() && s.iter().all(|&b| is_tchar(b))
}

/// Whether `value` can be written as a header value without breaking the
/// head: `field-value` bytes only (RFC 7230 §3.2: VCHAR, obs-text, SP,
/// HTAB), so no CR, LF, NUL or other control byte can inject a line.
pub(crate) fn is_field_value(value: &[u8]) -> bool {
    value
        .iter()
        .all(|&b| b == b'\t' || (b >= 0x20 && b != 0x7f))
}

/// Whether an extensions value we are asked to send is non-empty,
/// well-formed (§9.1) and safe to write.
pub(crate) fn is_extension_value(value: &str) -> bool {
    let bytes = value.as_bytes();
    is_field_value(bytes)
        && is_extension_list(bytes)
        && bytes.iter().any(|&b| b != b' ' && b != b'\t' && b != b',')
}

/// Removes optional whitespace (SP / HTAB, RFC 7230 §3.2.3) at both ends.
pub(crate) fn trim_ows(mut s: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = s {
        s = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = s {
        s = rest;
    }
    s
}

/// [`trim_ows`] for text.
fn trim_ows_str(s: &str) -> &str {
    s.trim_matches([' ', '\t'])
}

/// The values of every header line named `name` (case-insensitive, RFC
/// 7230 §3.2), in order.
pub(crate) fn header_values<'h, 'b, H: HeaderLine<'b>>(
    headers: &'h [H],
    name: &'h str,
) -> impl Iterator<Item = &'b [u8]> + 'h {
    headers
        .iter()
        .filter(move |h| h.name().eq_ignore_ascii_case(name))
        .map(HeaderLine::value)
}

/// The value of a header that may appear at most once, or `error` if it
/// appears several times (RFC 6455 §11.3: `Sec-WebSocket-Key` in requests,
/// `Sec-WebSocket-Accept`/`-Protocol`/`-Extensions` in responses).
pub(crate) fn at_most_once<'b, E>(
    headers: &[impl HeaderLine<'b>],
    name: &str,
    error: E,
) -> Result<Option<&'b [u8]>, E> {
    let mut values = header_values(headers, name);
    let first = values.next();
    match values.next() {
        Some(_) => Err(error),
        None => Ok(first),
    }
}

/// Elements of comma-separated lists (`#rule`, RFC 7230 §7) in the header
/// lines named `name`, as if the lines were joined with commas (§3.2.2).
/// Elements are trimmed; empty elements are skipped, as §7 requires
/// recipients to accept them.
#[derive(Clone, Debug)]
pub(crate) struct ListElements<'h, 'b, H = httparse::Header<'b>> {
    headers: core::slice::Iter<'h, H>,
    name: &'h str,
    current: core::slice::Split<'b, u8, fn(&u8) -> bool>,
}

/// The list separator.
fn is_comma(b: &u8) -> bool {
    *b == b','
}

impl<'h, 'b, H> ListElements<'h, 'b, H> {
    /// Elements of every header line named `name`.
    pub(crate) fn new(headers: &'h [H], name: &'h str) -> Self {
        Self {
            headers: headers.iter(),
            name,
            current: b"".split(is_comma as fn(&u8) -> bool),
        }
    }

    /// Elements of one header value.
    pub(crate) fn single(value: &'b [u8]) -> Self {
        Self {
            headers: [].iter(),
            name: "",
            current: value.split(is_comma as fn(&u8) -> bool),
        }
    }
}

impl<'b, H: HeaderLine<'b>> Iterator for ListElements<'_, 'b, H> {
    type Item = &'b [u8];

    fn next(&mut self) -> Option<&'b [u8]> {
        loop {
            if let Some(element) = self.current.by_ref().map(trim_ows).find(|e| !e.is_empty()) {
                return Some(element);
            }
            let name = self.name;
            let header = self.headers.find(|h| h.name().eq_ignore_ascii_case(name))?;
            self.current = header.value().split(is_comma as fn(&u8) -> bool);
        }
    }
}

/// Whether the lists in the `name` header lines contain `token`, compared
/// case-insensitively (`Connection: keep-alive, Upgrade`, RFC 6455 §4.2.1
/// items 3 and 4).
pub(crate) fn list_contains<'b>(headers: &[impl HeaderLine<'b>], name: &str, token: &str) -> bool {
    ListElements::new(headers, name).any(|e| e.eq_ignore_ascii_case(token.as_bytes()))
}

/// Whether every element of every `name` list is a token
/// (`Sec-WebSocket-Protocol = 1#token`, RFC 6455 §4.1 item 10).
pub(crate) fn all_tokens<'b>(headers: &[impl HeaderLine<'b>], name: &str) -> bool {
    ListElements::new(headers, name).all(is_token)
}

/// Whether `value` is a valid `Sec-WebSocket-Extensions` value (RFC 6455
/// §9.1). An empty list is accepted (there is nothing to misread).
pub(crate) fn is_extension_list(value: &[u8]) -> bool {
    ListElements::<httparse::Header<'_>>::single(value).all(is_extension)
}

/// `extension = extension-token *( ";" extension-param )`.
fn is_extension(element: &[u8]) -> bool {
    let mut parts = element.split(|&b| b == b';');
    let name_ok = parts.next().is_some_and(|name| is_token(trim_ows(name)));
    name_ok && parts.all(is_extension_param)
}

/// `extension-param = token [ "=" (token | quoted-string) ]`, where a quoted
/// value "MUST conform to the token ABNF" after unescaping (§9.1). Quoted
/// values with escapes are refused rather than unescaped: no valid value
/// needs one, and refusing keeps every value a plain sub-slice.
fn is_extension_param(param: &[u8]) -> bool {
    let mut halves = param.splitn(2, |&b| b == b'=');
    let name_ok = halves.next().is_some_and(|name| is_token(trim_ows(name)));
    name_ok
        && halves
            .next()
            .is_none_or(|value| is_token(unquote(trim_ows(value))))
}

/// The inside of a `"quoted"` value; anything else unchanged.
fn unquote(value: &[u8]) -> &[u8] {
    match value {
        [b'"', inner @ .., b'"'] => inner,
        _ => value,
    }
}

/// [`unquote`] for text.
fn unquote_str(value: &str) -> &str {
    value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .unwrap_or(value)
}

/// Subprotocol names offered by a client (RFC 6455 §4.1 item 10), across
/// all `Sec-WebSocket-Protocol` lines, in order of preference. Returned by
/// [`Request::subprotocols`](super::Request::subprotocols).
#[derive(Clone, Debug)]
pub struct Subprotocols<'h, 'b> {
    pub(crate) inner: ListElements<'h, 'b>,
}

impl<'b> Iterator for Subprotocols<'_, 'b> {
    type Item = &'b str;

    fn next(&mut self) -> Option<&'b str> {
        // Validated as tokens (ASCII) when the request was accepted.
        self.inner.by_ref().find_map(crate::utf8::utf8_str)
    }
}

/// One extension offer (RFC 6455 §9.1): a name and its parameters, such
/// as `permessage-deflate; client_max_window_bits` (RFC 7692 §7.1).
#[derive(Clone, Debug)]
pub struct ExtensionOffer<'b> {
    /// The extension name, e.g. `permessage-deflate`.
    pub name: &'b str,
    /// The parameters, in order.
    pub params: ExtensionParams<'b>,
}

impl<'b> ExtensionOffer<'b> {
    /// Splits one validated list element into name and parameters.
    fn from_element(element: &'b [u8]) -> Option<Self> {
        let text = crate::utf8::utf8_str(element)?;
        let (name, rest) = match text.split_once(';') {
            Some((name, rest)) => (name, Some(rest)),
            None => (text, None),
        };
        Some(Self {
            name: trim_ows_str(name),
            params: ExtensionParams { rest },
        })
    }
}

/// Parameters of an [`ExtensionOffer`]: `(name, value)` pairs, the value
/// `None` for a bare parameter (`client_max_window_bits`) and the inner
/// text for a quoted one (`x="10"` gives `Some("10")`).
#[derive(Clone, Debug)]
pub struct ExtensionParams<'b> {
    rest: Option<&'b str>,
}

impl<'b> Iterator for ExtensionParams<'b> {
    type Item = (&'b str, Option<&'b str>);

    fn next(&mut self) -> Option<Self::Item> {
        let rest = self.rest?;
        let (param, tail) = match rest.split_once(';') {
            Some((param, tail)) => (param, Some(tail)),
            None => (rest, None),
        };
        self.rest = tail;
        Some(match param.split_once('=') {
            Some((name, value)) => (trim_ows_str(name), Some(unquote_str(trim_ows_str(value)))),
            None => (trim_ows_str(param), None),
        })
    }
}

/// Extension offers across all `Sec-WebSocket-Extensions` lines (RFC 6455
/// §9.1: several offers per line, several lines). Returned by
/// [`Request::extensions`](super::Request::extensions), or by
/// [`ExtensionOffers::parse`] for one header value.
#[derive(Clone, Debug)]
pub struct ExtensionOffers<'h, 'b> {
    pub(crate) inner: ListElements<'h, 'b>,
}

impl<'b> ExtensionOffers<'b, 'b> {
    /// Validates one `Sec-WebSocket-Extensions` value (for example
    /// [`ServerResponse::extensions`](super::ServerResponse::extensions))
    /// and iterates over its offers.
    ///
    /// # Errors
    /// [`HandshakeError::BadHeaderValue`](crate::HandshakeError::BadHeaderValue)
    /// if the value does not follow RFC 6455 §9.1.
    pub fn parse(value: &'b [u8]) -> Result<Self, crate::HandshakeError> {
        if is_extension_list(value) {
            Ok(Self {
                inner: ListElements::single(value),
            })
        } else {
            Err(crate::HandshakeError::BadHeaderValue)
        }
    }
}

impl<'b> Iterator for ExtensionOffers<'_, 'b> {
    type Item = ExtensionOffer<'b>;

    fn next(&mut self) -> Option<ExtensionOffer<'b>> {
        self.inner.by_ref().find_map(ExtensionOffer::from_element)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::handshake::Header;
    use std::vec::Vec;

    fn header<'b>(name: &'b str, value: &'b [u8]) -> Header<'b> {
        Header { name, value }
    }

    #[test]
    fn tokens() {
        assert!(is_token(b"permessage-deflate"));
        assert!(is_token(b"v1.chat~x"));
        for bad in [
            &b""[..],
            b"a b",
            b"a,b",
            b"a;b",
            b"\"a\"",
            b"a=b",
            b"a/b",
            b"\xc3\xa9",
        ] {
            assert!(!is_token(bad), "{bad:?}");
        }
    }

    #[test]
    fn lists_join_repeated_lines_and_skip_empty_elements() {
        let headers = [
            header("connection", b"keep-alive, Upgrade"),
            header("Host", b"x"),
            header("Sec-WebSocket-Protocol", b" chat,superchat ,"),
            header("SEC-WEBSOCKET-PROTOCOL", b",, v2\t"),
        ];
        assert!(list_contains(&headers, "Connection", "upgrade"));
        assert!(!list_contains(&headers, "Connection", "close"));
        assert!(!list_contains(&headers, "Upgrade", "websocket"));
        let all: Vec<&[u8]> = ListElements::new(&headers, "sec-websocket-protocol").collect();
        assert_eq!(all, [&b"chat"[..], b"superchat", b"v2"]);
        assert!(all_tokens(&headers, "Sec-WebSocket-Protocol"));
        assert!(!all_tokens(
            &[header("Sec-WebSocket-Protocol", b"a b")],
            "Sec-WebSocket-Protocol"
        ));
    }

    #[test]
    fn at_most_once_refuses_repeats() {
        let headers = [header("A", b"1"), header("a", b"2"), header("B", b"3")];
        assert_eq!(at_most_once(&headers, "A", ()), Err(()));
        assert_eq!(at_most_once(&headers, "b", ()), Ok(Some(&b"3"[..])));
        assert_eq!(at_most_once(&headers, "C", ()), Ok(None));
    }

    #[test]
    fn extension_grammar() {
        let good: [&[u8]; 7] = [
            b"permessage-deflate",
            b"permessage-deflate; client_max_window_bits; server_max_window_bits=9",
            b"a; x = 1 ;y=\"15\", b ,c;d",
            b"",
            b" , ",
            b"foo;bar=\"baz\"",
            b"x\t;\ty",
        ];
        for value in good {
            assert!(
                is_extension_list(value),
                "{:?}",
                core::str::from_utf8(value)
            );
        }
        let bad: [&[u8]; 12] = [
            b"a;",
            b";a",
            b"a;;b",
            b"a; =1",
            b"a; b=",
            b"a; b=\"\"",
            b"a; b=\"1",
            b"a; b=\"a\\b\"",
            b"a; b=\"x,y\"",
            b"a; b=\"x y\"",
            b"a b",
            b"a; b=1=2",
        ];
        for value in bad {
            assert!(
                !is_extension_list(value),
                "{:?}",
                core::str::from_utf8(value)
            );
        }
    }

    #[test]
    fn extension_offers_iterate_names_and_params() {
        let value =
            b"permessage-deflate; client_max_window_bits; server_max_window_bits=\"9\", x-foo";
        let mut offers = ExtensionOffers::parse(value).unwrap();
        let first = offers.next().unwrap();
        assert_eq!(first.name, "permessage-deflate");
        let params: Vec<_> = first.params.collect();
        assert_eq!(
            params,
            [
                ("client_max_window_bits", None),
                ("server_max_window_bits", Some("9"))
            ]
        );
        let second = offers.next().unwrap();
        assert_eq!(second.name, "x-foo");
        assert_eq!(second.params.count(), 0);
        assert!(offers.next().is_none());
        assert!(ExtensionOffers::parse(b"a; b=\"1").is_err());
    }

    #[test]
    fn extension_values() {
        assert!(is_extension_value(
            "permessage-deflate; server_max_window_bits=12"
        ));
        assert!(!is_extension_value(""));
        assert!(!is_extension_value(" , "));
        assert!(!is_extension_value("a\r\nX: y"));
        assert!(!is_extension_value("a; b=\"c"));
    }
}
