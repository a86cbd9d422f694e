//! permessage-deflate negotiation (compression layer; RFC 7692 §5, §7.1): the
//! server's choice among a client's offers, the client's offer, and the
//! client's check of the server's answer.
//!
//! The caller decides: nothing here enables compression by itself. A
//! [`DeflateConfig`] says what the caller's memory allows (the inflater's
//! ring of 2^`receive_window_bits` bytes, the compressor's history of
//! 2^`send_window_bits` bytes), and the outcome is a [`DeflateParams`] the
//! caller hands to the connection together with that memory.
//!
//! Rules (each from RFC 7692):
//!
//! * An offer with an unknown parameter, a parameter given twice or a
//!   malformed value (window bits are `8`..=`15`, digits only, no leading
//!   zero; `client_max_window_bits` alone may have no value) is declined
//!   (§7, §7.1.2); the server goes on to the next offer.
//! * The server never asks a client to compress with window 8: zlib-based
//!   peers cannot produce it (zlib turns a raw window of 8 into 9) and .NET
//!   refuses it. A receive window below 9 therefore declines every offer.
//! * An offer without `client_max_window_bits` lets the client use a
//!   window of 15 (§7.1.2.2): it is declined when our receive window is
//!   smaller.
//! * `server_max_window_bits=N` is answered with a value ≤ N (§7.1.2.1);
//!   our compressor can use any window, 8 included. Without it, a send
//!   window below 15 is announced unsolicited (§7.1.2.1 allows it).
//! * `server_no_context_takeover` offered is honoured; it is also
//!   announced unsolicited when the caller asks (§7.1.1.1).
//!   `client_no_context_takeover` is included in the answer when offered or
//!   when the caller asks for it (§7.1.1.2).
//! * A client fails the handshake on an answer that breaks §7.1: an
//!   unknown or repeated parameter, a malformed value, a
//!   `client_max_window_bits` it did not offer (it always offers it here),
//!   a missing value, or a `server_max_window_bits` above what it offered.
//!   Unsolicited no-context-takeover parameters are accepted (§7.1.1).

use crate::handshake::ExtensionOffer;

/// The registered extension name (RFC 7692 §7).
pub const EXTENSION_NAME: &str = "permessage-deflate";

/// The longest extension value [`negotiate`] or [`client_offer`] writes:
/// the name and all four parameters with two-digit values.
pub const MAX_VALUE_LEN: usize = 128;

/// An extension value written by [`negotiate`] or [`client_offer`]: the
/// `Sec-WebSocket-Extensions` text for our answer or our offer.
pub type ExtensionValue = heapless::String<MAX_VALUE_LEN>;

/// What this endpoint's memory allows and what it asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct DeflateConfig {
    /// The largest LZ77 window the caller's inflater ring holds, as bits
    /// (8..=15): the peer is never allowed a larger one.
    pub receive_window_bits: u8,
    /// The largest window the caller's compressor history holds, as bits
    /// (8..=15). An inflate-only endpoint sets what it likes: it sends
    /// uncompressed messages, which are always legal (§6).
    pub send_window_bits: u8,
    /// Ask the peer not to keep its LZ77 window between messages
    /// (`client_no_context_takeover` in a server's answer,
    /// `server_no_context_takeover` in a client's offer).
    pub peer_no_context_takeover: bool,
    /// Do not keep our own window between messages, and say so
    /// (`server_no_context_takeover` in a server's answer,
    /// `client_no_context_takeover` in a client's offer).
    pub no_context_takeover: bool,
}

impl DeflateConfig {
    /// Full 32 KiB windows both ways, context takeover both ways: what
    /// every browser expects and what compresses best.
    pub const fn new() -> Self {
        Self {
            receive_window_bits: 15,
            send_window_bits: 15,
            peer_no_context_takeover: false,
            no_context_takeover: false,
        }
    }
}

impl Default for DeflateConfig {
    fn default() -> Self {
        Self::new()
    }
}

/// The negotiated parameters, from this endpoint's point of view.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct DeflateParams {
    /// Compress with a window of at most 2^this bytes.
    pub send_window_bits: u8,
    /// Reset the compressor after every message.
    pub send_no_context_takeover: bool,
    /// The peer compresses with a window of at most 2^this bytes: the
    /// inflater rejects any distance beyond it.
    pub receive_window_bits: u8,
    /// The peer resets its compressor after every message, so the
    /// inflater may be reset too.
    pub receive_no_context_takeover: bool,
}

/// Why a server's permessage-deflate answer fails the handshake (RFC 7692
/// §7.1; the client then _Fails the WebSocket Connection_, RFC 6455
/// §4.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum ResponseError {
    /// The answer names permessage-deflate more than once.
    Repeated,
    /// A parameter not defined for an answer (§7.1).
    UnknownParameter,
    /// A parameter given twice (§7.1).
    DuplicateParameter,
    /// A window-bits value that is missing, not `8`..=`15`, or written
    /// with a leading zero or anything but digits (§7.1.2).
    BadWindowBits,
    /// A no-context-takeover parameter with a value (§7.1.1).
    UnexpectedValue,
    /// `server_max_window_bits` above what the client offered, or absent
    /// although the client offered one (§7.1.2.1: the server accepts that
    /// offer by answering with a value no larger).
    WindowTooLarge,
}

impl ResponseError {
    /// A short description for logs.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Repeated => "permessage-deflate answered more than once",
            Self::UnknownParameter => "unknown permessage-deflate parameter in the answer",
            Self::DuplicateParameter => "permessage-deflate parameter repeated in the answer",
            Self::BadWindowBits => "window bits missing or not 8..15",
            Self::UnexpectedValue => "no_context_takeover parameter with a value",
            Self::WindowTooLarge => "server_max_window_bits larger than offered",
        }
    }
}

impl core::fmt::Display for ResponseError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(feature = "std")]
impl std::error::Error for ResponseError {}

/// The four parameters of RFC 7692 §7.1, as one offer or answer carries
/// them. A window of `Some(None)` is `client_max_window_bits` without a
/// value.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Params {
    server_no_context_takeover: bool,
    client_no_context_takeover: bool,
    server_max_window_bits: Option<Option<u8>>,
    client_max_window_bits: Option<Option<u8>>,
}

impl Params {
    /// The parameters of one offer or answer; an error declines an offer
    /// and fails an answer.
    fn parse(offer: &ExtensionOffer<'_>) -> Result<Self, ResponseError> {
        let mut p = Self::default();
        for (name, value) in offer.params.clone() {
            match name {
                "server_no_context_takeover" => set_flag(&mut p.server_no_context_takeover, value)?,
                "client_no_context_takeover" => set_flag(&mut p.client_no_context_takeover, value)?,
                "server_max_window_bits" => set_bits(&mut p.server_max_window_bits, value)?,
                "client_max_window_bits" => set_bits(&mut p.client_max_window_bits, value)?,
                _ => return Err(ResponseError::UnknownParameter),
            }
        }
        Ok(p)
    }
}

fn set_flag(slot: &mut bool, value: Option<&str>) -> Result<(), ResponseError> {
    if *slot {
        return Err(ResponseError::DuplicateParameter);
    }
    if value.is_some() {
        return Err(ResponseError::UnexpectedValue);
    }
    *slot = true;
    Ok(())
}

fn set_bits(slot: &mut Option<Option<u8>>, value: Option<&str>) -> Result<(), ResponseError> {
    if slot.is_some() {
        return Err(ResponseError::DuplicateParameter);
    }
    *slot = Some(match value {
        Some(v) => Some(window_bits(v).ok_or(ResponseError::BadWindowBits)?),
        None => None,
    });
    Ok(())
}

/// `8`..=`15` written as RFC 7692 §7.1.2.1 allows: `1*DIGIT` without a
/// leading zero.
fn window_bits(value: &str) -> Option<u8> {
    let bits = match value.as_bytes() {
        [d @ b'8'..=b'9'] => d - b'0',
        [b'1', d @ b'0'..=b'5'] => 10 + (d - b'0'),
        _ => return None,
    };
    Some(bits)
}

/// The server's side (RFC 7692 §5.1, §7.1): the first permessage-deflate
/// offer among `offers` that `config` can accept, with the parameters to
/// use and the `Sec-WebSocket-Extensions` value to answer with. `None`:
/// every offer was declined (or none was made); answer without the
/// extension and never with an empty `Sec-WebSocket-Extensions`.
pub fn negotiate<'b>(
    offers: impl IntoIterator<Item = ExtensionOffer<'b>>,
    config: &DeflateConfig,
) -> Option<(DeflateParams, ExtensionValue)> {
    offers
        .into_iter()
        .filter(|offer| offer.name == EXTENSION_NAME)
        .find_map(|offer| accept(&Params::parse(&offer).ok()?, config))
}

/// One offer: accepted with these parameters and this answer, or declined.
fn accept(offer: &Params, config: &DeflateConfig) -> Option<(DeflateParams, ExtensionValue)> {
    let receive_limit = config.receive_window_bits.min(15);
    let client_bits = match offer.client_max_window_bits {
        // The client lets us choose (§7.1.2.2), up to its own value. We
        // never ask for 8 unless the client offered 8 itself.
        Some(offered) => {
            let bits = receive_limit.min(offered.unwrap_or(15));
            if bits < 9 && offered != Some(bits) {
                return None;
            }
            Some(bits)
        }
        // It will use 15: only a full receive window can take that.
        None if receive_limit >= 15 => None,
        None => return None,
    };
    let send_limit = config.send_window_bits.clamp(8, 15);
    let server_bits = match offer.server_max_window_bits {
        Some(Some(offered)) => Some(send_limit.min(offered)),
        // `server_max_window_bits` needs a value in an offer (§7.1.2.1).
        Some(None) => return None,
        None if send_limit < 15 => Some(send_limit),
        None => None,
    };
    let server_nct = offer.server_no_context_takeover || config.no_context_takeover;
    let client_nct = offer.client_no_context_takeover || config.peer_no_context_takeover;
    let params = DeflateParams {
        send_window_bits: server_bits.unwrap_or(15),
        send_no_context_takeover: server_nct,
        receive_window_bits: client_bits.unwrap_or(15),
        receive_no_context_takeover: client_nct,
    };
    let value = write_value(&Params {
        server_no_context_takeover: server_nct,
        client_no_context_takeover: client_nct,
        server_max_window_bits: server_bits.map(Some),
        client_max_window_bits: client_bits.map(Some),
    })?;
    Some((params, value))
}

/// The client's offer (RFC 7692 §5.1, §7.1):
/// `permessage-deflate; client_max_window_bits` — the server may then
/// choose our send window (without it, 13.3–13.7-style servers cannot
/// shrink it) — plus `server_max_window_bits=R` when our receive window R
/// is below 15, and the no-context-takeover parameters `config` asks for.
pub fn client_offer(config: &DeflateConfig) -> ExtensionValue {
    let receive = config.receive_window_bits.clamp(8, 15);
    let offer = Params {
        server_no_context_takeover: config.peer_no_context_takeover,
        client_no_context_takeover: config.no_context_takeover,
        server_max_window_bits: (receive < 15).then_some(Some(receive)),
        client_max_window_bits: Some(None),
    };
    // At most MAX_VALUE_LEN bytes by construction.
    write_value(&offer).unwrap_or_default()
}

/// The client's check of the server's answer (RFC 7692 §7.1):
/// `accepted` is the permessage-deflate element of the response's
/// `Sec-WebSocket-Extensions` (the handshake already checked that the
/// response names only offered extensions), `config` what
/// [`client_offer`] was given. Returns the parameters to use.
///
/// # Errors
/// A [`ResponseError`] naming the §7.1 rule the answer breaks; the client
/// then fails the connection.
pub fn check_answer<'b>(
    mut accepted: impl Iterator<Item = ExtensionOffer<'b>>,
    config: &DeflateConfig,
) -> Result<Option<DeflateParams>, ResponseError> {
    let mut ours = accepted.by_ref().filter(|e| e.name == EXTENSION_NAME);
    let Some(answer) = ours.next() else {
        return Ok(None);
    };
    if ours.next().is_some() {
        return Err(ResponseError::Repeated);
    }
    let p = Params::parse(&answer)?;
    let receive = config.receive_window_bits.clamp(8, 15);
    let receive_window_bits = match p.server_max_window_bits {
        Some(Some(bits)) if bits <= receive => bits,
        Some(Some(_)) => return Err(ResponseError::WindowTooLarge),
        Some(None) => return Err(ResponseError::BadWindowBits),
        None if receive < 15 => return Err(ResponseError::WindowTooLarge),
        None => 15,
    };
    let send_window_bits = match p.client_max_window_bits {
        Some(Some(bits)) => config.send_window_bits.clamp(8, 15).min(bits),
        // An answer must give the value (§7.1.2.2).
        Some(None) => return Err(ResponseError::BadWindowBits),
        None => config.send_window_bits.clamp(8, 15),
    };
    Ok(Some(DeflateParams {
        send_window_bits,
        send_no_context_takeover: p.client_no_context_takeover || config.no_context_takeover,
        receive_window_bits,
        receive_no_context_takeover: p.server_no_context_takeover,
    }))
}

/// Writes `permessage-deflate` and the parameters set in `p`, in the
/// order RFC 7692's examples use; `None` only if it would not fit (it
/// always does: [`MAX_VALUE_LEN`] holds all four).
fn write_value(p: &Params) -> Option<ExtensionValue> {
    let mut v = ExtensionValue::new();
    v.push_str(EXTENSION_NAME).ok()?;
    if p.server_no_context_takeover {
        v.push_str("; server_no_context_takeover").ok()?;
    }
    if p.client_no_context_takeover {
        v.push_str("; client_no_context_takeover").ok()?;
    }
    for (name, bits) in [
        ("; server_max_window_bits", p.server_max_window_bits),
        ("; client_max_window_bits", p.client_max_window_bits),
    ] {
        let Some(bits) = bits else { continue };
        v.push_str(name).ok()?;
        if let Some(bits) = bits {
            v.push('=').ok()?;
            if bits >= 10 {
                v.push('1').ok()?;
            }
            v.push(char::from(b'0' + bits % 10)).ok()?;
        }
    }
    Some(v)
}

#[cfg(test)]
mod tests;
