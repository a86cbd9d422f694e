//! Shared C types: HTTP headers laid out like websocket.dll's
//! `WEB_SOCKET_HTTP_HEADER`, and the conversions between them (and lists
//! of `wsf_str`) and the core's borrowed Rust views.

use core::ffi::c_char;

use wsframe::handshake::Header;

use crate::boundary::bytes;
use crate::status::wsf_status;

/// Also at its former path (`types::wsf_str`), which Rust users of the
/// crate (tests/wasm/module) import.
pub use crate::counted::wsf_str;

/// Most header lines in a request or response (and most extra headers a
/// writer accepts); more is `WSF_HANDSHAKE_HEAD_TOO_LARGE` (HTTP 431).
pub const WSF_MAX_HEADERS: usize = 32;

const _: () = assert!(WSF_MAX_HEADERS == wsframe::handshake::MAX_HEADERS);

/// Most subprotocols or extensions one client request may offer.
pub const WSF_MAX_OFFERS: usize = 32;

/// One HTTP header line, counted, laid out exactly like websocket.dll's
/// `WEB_SOCKET_HTTP_HEADER` (pointer, ULONG, pointer, ULONG: 32 bytes on
/// 64-bit targets, 16 on 32-bit), so arrays from http.sys, IIS, WinHTTP or
/// websocket.dll can be passed as they are.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct wsf_http_header {
    /// The header name (not NUL-terminated).
    pub name: *const c_char,
    /// Bytes in `name`.
    pub name_len: u32,
    /// The header value (not NUL-terminated).
    pub value: *const c_char,
    /// Bytes in `value`.
    pub value_len: u32,
}

const _: () = {
    let ptr = core::mem::size_of::<*const u8>();
    assert!(core::mem::size_of::<wsf_http_header>() == 4 * ptr);
    assert!(core::mem::offset_of!(wsf_http_header, name_len) == ptr);
    assert!(core::mem::offset_of!(wsf_http_header, value) == 2 * ptr);
    assert!(core::mem::offset_of!(wsf_http_header, value_len) == 3 * ptr);
};

impl wsf_http_header {
    /// An empty entry (for unused array slots).
    pub(crate) const EMPTY: Self = Self {
        name: core::ptr::null(),
        name_len: 0,
        value: core::ptr::null(),
        value_len: 0,
    };

    /// A view of a parsed header; `None` if a length does not fit a ULONG.
    pub(crate) fn from_parts(name: &str, value: &[u8]) -> Option<Self> {
        Some(Self {
            name: name.as_ptr().cast(),
            name_len: u32::try_from(name.len()).ok()?,
            value: value.as_ptr().cast(),
            value_len: u32::try_from(value.len()).ok()?,
        })
    }

    /// Name and value as byte slices.
    ///
    /// # Safety
    /// Unless NULL, each pointer is valid for reads of its length for `'a`.
    pub(crate) unsafe fn parts<'a>(&self) -> Result<(&'a [u8], &'a [u8]), wsf_status> {
        // SAFETY: forwarded contract.
        let name = unsafe { bytes(self.name.cast(), self.name_len as usize) }?;
        // SAFETY: forwarded contract.
        let value = unsafe { bytes(self.value.cast(), self.value_len as usize) }?;
        Ok((name, value))
    }
}

/// An extra header for the core's writers: `(name, value)`.
pub(crate) type Pair<'a> = (&'a str, &'a [u8]);

/// Converts up to `N` items into `slot` and returns the filled part;
/// `too_many` if there are more than `N`.
pub(crate) fn fill<T: Copy, const N: usize>(
    slot: &mut [T; N],
    items: impl IntoIterator<Item = Result<T, wsf_status>>,
    too_many: wsf_status,
) -> Result<&[T], wsf_status> {
    let mut items = items.into_iter();
    let mut count = 0;
    for (dst, item) in slot.iter_mut().zip(items.by_ref()) {
        *dst = item?;
        count += 1;
    }
    if items.next().is_some() {
        return Err(too_many);
    }
    Ok(slot.get(..count).unwrap_or_default())
}

/// Headers parsed by the host's HTTP stack, as the core's `Header`s. A
/// name that is not UTF-8 is not HTTP: `WSF_HANDSHAKE_MALFORMED_HEAD`;
/// more than `WSF_MAX_HEADERS`: `WSF_HANDSHAKE_HEAD_TOO_LARGE` (431).
///
/// # Safety
/// The headers' pointers are NULL with a zero length or valid for their
/// lengths for `'a`.
pub(crate) unsafe fn parsed_headers<'a, 's>(
    headers: &[wsf_http_header],
    slot: &'s mut [Header<'a>; WSF_MAX_HEADERS],
) -> Result<&'s [Header<'a>], wsf_status> {
    let convert = |h: &wsf_http_header| {
        // SAFETY: forwarded contract.
        let (name, value) = unsafe { h.parts() }?;
        let name =
            core::str::from_utf8(name).map_err(|_| wsf_status::WSF_HANDSHAKE_MALFORMED_HEAD)?;
        Ok(Header { name, value })
    };
    fill(
        slot,
        headers.iter().map(convert),
        wsf_status::WSF_HANDSHAKE_HEAD_TOO_LARGE,
    )
}

/// An empty core header (for unused slots).
pub(crate) const EMPTY_HEADER: Header<'static> = Header {
    name: "",
    value: b"",
};

/// Caller-supplied extra headers (for the 101, a refusal or a client
/// request) as the core's pairs. A name that is not UTF-8 cannot be a
/// token: `WSF_INVALID_HEADER`.
///
/// # Safety
/// `headers` is NULL with `count` 0, or valid for `count` entries whose
/// pointers are valid for their lengths, for `'a`.
pub(crate) unsafe fn extra_headers<'a, 's>(
    headers: *const wsf_http_header,
    count: usize,
    slot: &'s mut [Pair<'a>; WSF_MAX_HEADERS],
) -> Result<&'s [Pair<'a>], wsf_status> {
    // SAFETY: forwarded contract.
    let array = unsafe { crate::boundary::array(headers, count) }?;
    let convert = |h: &wsf_http_header| {
        // SAFETY: forwarded contract.
        let (name, value) = unsafe { h.parts() }?;
        let name = core::str::from_utf8(name).map_err(|_| wsf_status::WSF_INVALID_HEADER)?;
        Ok((name, value))
    };
    fill(
        slot,
        array.iter().map(convert),
        wsf_status::WSF_INVALID_ARGUMENT,
    )
}

/// A caller-supplied list of strings (subprotocols) as `&str`s.
///
/// # Safety
/// `list` is NULL with `count` 0, or valid for `count` entries whose
/// pointers are valid for their lengths, for `'a`.
pub(crate) unsafe fn str_list<'a, 's>(
    list: *const wsf_str,
    count: usize,
    slot: &'s mut [&'a str; WSF_MAX_OFFERS],
) -> Result<&'s [&'a str], wsf_status> {
    // SAFETY: forwarded contract.
    let array = unsafe { crate::boundary::array(list, count) }?;
    // SAFETY: forwarded contract.
    let convert = |s: &wsf_str| unsafe { s.text() };
    fill(
        slot,
        array.iter().map(convert),
        wsf_status::WSF_INVALID_ARGUMENT,
    )
}

/// The core's masking key for a `uint32_t` key given most significant byte
/// first (the order of the bytes on the wire).
pub(crate) const fn mask_key(key: u32) -> [u8; 4] {
    key.to_be_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_limits() {
        let mut slot = [0u8; 2];
        let ok = fill(&mut slot, [Ok(1), Ok(2)], wsf_status::WSF_CLOSED);
        assert_eq!(ok, Ok(&[1, 2][..]));
        let too_many = fill(&mut slot, [Ok(1), Ok(2), Ok(3)], wsf_status::WSF_CLOSED);
        assert_eq!(too_many, Err(wsf_status::WSF_CLOSED));
    }

    #[test]
    fn headers_convert() {
        let h = wsf_http_header::from_parts("Host", b"x").unwrap_or(wsf_http_header::EMPTY);
        let mut slot = [("", &b""[..]); WSF_MAX_HEADERS];
        // SAFETY: `h` points into static strings.
        let pairs = unsafe { extra_headers(&h, 1, &mut slot) };
        assert_eq!(pairs, Ok(&[("Host", &b"x"[..])][..]));
        assert_eq!(mask_key(0x37fa_213d), [0x37, 0xfa, 0x21, 0x3d]);
    }
}
