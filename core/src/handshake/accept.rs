//! The handshake keys (handshake layer, RFC 6455 §1.3, §4.1, §4.2.2):
//! the client's `Sec-WebSocket-Key` and the server's `Sec-WebSocket-Accept`.
//!
//! The client sends a random 16-byte nonce, base64-encoded (24 bytes). The
//! server proves it read the handshake by answering with
//! base64(SHA-1(key ‖ GUID)) (28 bytes). Neither is a security mechanism;
//! they stop non-WebSocket servers and caches from accepting by accident.

use base64ct::{Base64, Encoding};

/// The GUID appended to the key before hashing (RFC 6455 §1.3).
pub const WEBSOCKET_GUID: &str = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/// Length of a `Sec-WebSocket-Key` value: base64 of 16 bytes (§4.1).
pub const KEY_LEN: usize = 24;

/// Length of a `Sec-WebSocket-Accept` value: base64 of a 20-byte SHA-1
/// digest (§4.2.2).
pub const ACCEPT_LEN: usize = 28;

/// The `Sec-WebSocket-Accept` value for a `Sec-WebSocket-Key` (RFC 6455
/// §4.2.2 item 5.4): base64(SHA-1(key ‖ [`WEBSOCKET_GUID`])).
///
/// `key` is the header value with surrounding whitespace removed, exactly
/// as received; it is hashed as text, not decoded.
#[must_use]
pub fn accept_key(key: &[u8]) -> [u8; ACCEPT_LEN] {
    let mut sha1 = sha1_smol::Sha1::new();
    sha1.update(key);
    sha1.update(WEBSOCKET_GUID.as_bytes());
    let digest = sha1.digest().bytes();
    let mut out = [0u8; ACCEPT_LEN];
    // 20 bytes always encode to exactly 28; the length cannot be wrong.
    let _ = Base64::encode(&digest, &mut out);
    out
}

/// The `Sec-WebSocket-Key` value for a client nonce (RFC 6455 §4.1 item 7):
/// base64 of the 16 bytes. The nonce must be fresh and random for each
/// connection; it is an input so that this crate needs no RNG.
#[must_use]
pub fn nonce_key(nonce: &[u8; 16]) -> [u8; KEY_LEN] {
    let mut out = [0u8; KEY_LEN];
    // 16 bytes always encode to exactly 24; the length cannot be wrong.
    let _ = Base64::encode(nonce, &mut out);
    out
}

/// Decodes a `Sec-WebSocket-Key` value back to its nonce; `None` unless it
/// is canonical padded base64 of exactly 16 bytes (RFC 6455 §4.2.1 item 5).
/// Surrounding whitespace must already be removed.
#[must_use]
pub fn decode_key(key: &[u8]) -> Option<[u8; 16]> {
    // One spare byte so that 17 decoded bytes are an error we can see
    // rather than a buffer-length error.
    let mut buf = [0u8; 18];
    let decoded = Base64::decode(key, &mut buf).ok()?;
    <[u8; 16]>::try_from(decoded).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6455 §1.3: the sample nonce and its accept value.
    #[test]
    fn rfc6455_section_1_3_vector() {
        assert_eq!(
            &accept_key(b"dGhlIHNhbXBsZSBub25jZQ=="),
            b"s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
        );
    }

    /// RFC 6455 §4.1: the sample key is base64 of "the sample nonce".
    #[test]
    fn nonce_round_trip() {
        let nonce = *b"the sample nonce";
        assert_eq!(&nonce_key(&nonce), b"dGhlIHNhbXBsZSBub25jZQ==");
        assert_eq!(decode_key(b"dGhlIHNhbXBsZSBub25jZQ=="), Some(nonce));
        let zero = [0u8; 16];
        assert_eq!(decode_key(&nonce_key(&zero)), Some(zero));
    }

    #[test]
    fn decode_rejects_other_lengths_and_alphabets() {
        // 15 bytes, 17 bytes, no padding, URL-safe alphabet, whitespace.
        assert_eq!(decode_key(b"AAAAAAAAAAAAAAAAAAAA"), None);
        assert_eq!(decode_key(b"AAAAAAAAAAAAAAAAAAAAAAA="), None);
        assert_eq!(decode_key(b"dGhlIHNhbXBsZSBub25jZQ"), None);
        assert_eq!(decode_key(b"dGhlIHNhbXBsZSBub25jZQ_="), None);
        assert_eq!(decode_key(b" dGhlIHNhbXBsZSBub25jZQ=="), None);
        assert_eq!(decode_key(b""), None);
    }
}
