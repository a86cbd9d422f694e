//! Writing an HTTP/1.1 head as one block (handshake layer, RFC 7230 §3).
//!
//! Shared by the server's 101 (RFC 6455 §4.2.2), its refusals and the
//! client's request (§4.1). The head is described once, as a function that
//! emits its pieces into a [`HeadCursor`]; [`write_head`] runs it twice,
//! first to measure, then — only if the whole head fits — to write. So the
//! output is never partly written, and the needed size is exact.

use super::tokens::{is_field_value, is_token};
use crate::error::UsageError;

/// Line end of HTTP/1.1 (RFC 7230 §3).
pub(crate) const CRLF: &[u8] = b"\r\n";

/// Receives the pieces of a head. While measuring its buffer is empty and
/// it only counts; while writing, [`write_head`] has already checked that
/// everything fits.
pub(crate) struct HeadCursor<'o> {
    out: &'o mut [u8],
    len: usize,
}

impl HeadCursor<'_> {
    /// Appends raw bytes.
    pub(crate) fn put(&mut self, bytes: &[u8]) {
        let end = self.len.saturating_add(bytes.len());
        if let Some(dst) = self.out.get_mut(self.len..end) {
            // Zipped: `copy_from_slice` keeps a panic path at opt-level "z".
            for (d, s) in dst.iter_mut().zip(bytes) {
                *d = *s;
            }
        }
        self.len = end;
    }

    /// Appends one `name: value` header line.
    pub(crate) fn header(&mut self, name: &str, value: &[u8]) {
        self.put(name.as_bytes());
        self.put(b": ");
        self.put(value);
        self.put(CRLF);
    }

    /// Appends caller-supplied header lines (already checked with
    /// [`check_extra_headers`]).
    pub(crate) fn headers(&mut self, headers: &[(&str, &[u8])]) {
        for &(name, value) in headers {
            self.header(name, value);
        }
    }
}

/// Measures the head `emit` describes, then writes it to the start of
/// `out` and returns its length.
///
/// # Errors
/// [`UsageError::BufferTooSmall`] with the exact size needed; `out` is
/// untouched.
pub(crate) fn write_head(
    out: &mut [u8],
    emit: impl Fn(&mut HeadCursor<'_>),
) -> Result<usize, UsageError> {
    let mut measure = HeadCursor {
        out: &mut [],
        len: 0,
    };
    emit(&mut measure);
    let needed = measure.len;
    if needed > out.len() {
        return Err(UsageError::BufferTooSmall { needed });
    }
    let mut cursor = HeadCursor { out, len: 0 };
    emit(&mut cursor);
    Ok(cursor.len)
}

/// Checks caller-supplied headers: names must be tokens, values
/// [`is_field_value`], and no name may repeat one the writer emits itself
/// (`reserved`), so a caller cannot add a second `Sec-WebSocket-Accept`
/// (RFC 6455 §11.3.3) or a conflicting `Content-Length`.
///
/// # Errors
/// [`UsageError::InvalidHeader`] for the first offending header.
pub(crate) fn check_extra_headers(
    headers: &[(&str, &[u8])],
    reserved: &[&str],
) -> Result<(), UsageError> {
    let bad = |&(name, value): &(&str, &[u8])| {
        !is_token(name.as_bytes())
            || !is_field_value(value)
            || reserved.iter().any(|r| r.eq_ignore_ascii_case(name))
    };
    if headers.iter().any(bad) {
        Err(UsageError::InvalidHeader)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn emit(c: &mut HeadCursor<'_>) {
        c.put(b"HTTP/1.1 200 OK");
        c.put(CRLF);
        c.header("A", b"1");
        c.headers(&[("B", b"two")]);
        c.put(CRLF);
    }

    const EXPECTED: &[u8] = b"HTTP/1.1 200 OK\r\nA: 1\r\nB: two\r\n\r\n";

    #[test]
    fn writes_exactly_and_measures_exactly() {
        let mut out = [0u8; 64];
        let n = write_head(&mut out, emit).unwrap();
        assert_eq!(out.get(..n), Some(EXPECTED));
        let mut exact = [0u8; EXPECTED.len()];
        assert_eq!(write_head(&mut exact, emit), Ok(EXPECTED.len()));
    }

    #[test]
    fn too_small_leaves_output_untouched() {
        let mut out = [0xAAu8; EXPECTED.len() - 1];
        assert_eq!(
            write_head(&mut out, emit),
            Err(UsageError::BufferTooSmall {
                needed: EXPECTED.len()
            })
        );
        assert!(out.iter().all(|&b| b == 0xAA));
    }

    #[test]
    fn extra_header_checks() {
        assert_eq!(
            check_extra_headers(&[("X-A", b"ok\tvalue \x80")], &[]),
            Ok(())
        );
        for bad in [
            ("X-A", &b"a\r\nInjected: 1"[..]),
            ("X-A", b"a\nb"),
            ("X-A", b"a\0b"),
            ("X-A", b"\x7f"),
            ("X A", b"v"),
            ("X:A", b"v"),
            ("", b"v"),
            ("connection", b"v"),
        ] {
            assert_eq!(
                check_extra_headers(&[bad], &["Connection"]),
                Err(UsageError::InvalidHeader),
                "{bad:?}"
            );
        }
    }
}
