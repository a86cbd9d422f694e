//! Extension offers (RFC 6455 §9.1, RFC 7692): by-index access to the
//! offers of a request (`request.rs`) or of any `Sec-WebSocket-Extensions`
//! value, such as the one a server answered with (`client.rs`).

use core::ffi::c_char;

use wsframe::handshake::{ExtensionOffer, ExtensionOffers};

use crate::boundary::{guard, handle_mut, input};
use crate::counted::wsf_str;
use crate::status::wsf_status;

/// One extension offer, e.g. `permessage-deflate; client_max_window_bits`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct wsf_extension {
    /// The extension name, e.g. `permessage-deflate`.
    pub name: wsf_str,
    /// How many parameters it has (read them by index).
    pub param_count: usize,
}

/// One parameter of an extension offer.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct wsf_extension_param {
    /// The parameter name, e.g. `server_max_window_bits`.
    pub name: wsf_str,
    /// The value without quotes (`x="10"` gives `10`); absent (`{NULL, 0}`)
    /// for a bare parameter such as `client_max_window_bits`.
    pub value: wsf_str,
}

/// The `index`th item, or `WSF_NOT_FOUND`.
pub(crate) fn nth<T>(mut items: impl Iterator<Item = T>, index: usize) -> Result<T, wsf_status> {
    items.nth(index).ok_or(wsf_status::WSF_NOT_FOUND)
}

/// The C view of an offer.
pub(crate) fn offer_view(offer: &ExtensionOffer<'_>) -> wsf_extension {
    wsf_extension {
        name: wsf_str::from_bytes(offer.name.as_bytes()),
        param_count: offer.params.clone().count(),
    }
}

/// The C view of an offer's `index`th parameter.
pub(crate) fn param_view(
    offer: ExtensionOffer<'_>,
    index: usize,
) -> Result<wsf_extension_param, wsf_status> {
    let (name, value) = nth(offer.params, index)?;
    Ok(wsf_extension_param {
        name: wsf_str::from_bytes(name.as_bytes()),
        value: wsf_str::from_opt(value.map(str::as_bytes)),
    })
}

/// The offers of one header value.
fn parse(value: &[u8]) -> Result<ExtensionOffers<'static, '_>, wsf_status> {
    Ok(ExtensionOffers::parse(value)?)
}

/// The `index`th extension of a `Sec-WebSocket-Extensions` header value
/// (e.g. `wsf_server_response.extensions`). Pointers point into `value`.
///
/// Errors: `WSF_NOT_FOUND` (past the end), `WSF_NULL_POINTER`,
/// `WSF_HANDSHAKE_BAD_HEADER_VALUE` (not §9.1 grammar).
///
/// # Safety
/// `value` is NULL with `len` 0 or valid for `len` bytes; `out` is NULL or
/// valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wsf_extensions_get(
    value: *const c_char,
    len: usize,
    index: usize,
    out: *mut wsf_extension,
) -> wsf_status {
    guard(|| {
        let offers = parse(input!(value, len)?)?;
        let out = handle_mut!(out)?;
        *out = offer_view(&nth(offers, index)?);
        Ok(())
    })
}

/// Parameter `param_index` of extension `index` of a
/// `Sec-WebSocket-Extensions` header value. Errors as `wsf_extensions_get`.
///
/// # Safety
/// As `wsf_extensions_get`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wsf_extensions_get_param(
    value: *const c_char,
    len: usize,
    index: usize,
    param_index: usize,
    out: *mut wsf_extension_param,
) -> wsf_status {
    guard(|| {
        let offers = parse(input!(value, len)?)?;
        let out = handle_mut!(out)?;
        *out = param_view(nth(offers, index)?, param_index)?;
        Ok(())
    })
}
