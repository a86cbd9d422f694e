//! The handshake keys (handshake layer, RFC 6455 §1.3, §4.1, §4.2.2):
//! the client's `Sec-WebSocket-Key` and the server's `Sec-WebSocket-Accept`.
//!
//! The client sends a random 16-byte nonce, base64-encoded (24 bytes). The
//! server proves it read the handshake by answering with
//! base64(SHA-1(key ‖ GUID)) (28 bytes). Neither is a security mechanism;
//! they stop non-WebSocket servers and caches from accepting by accident.
//!
//! The SHA-1 ([`super::sha1`]) and the base64 here are the crate's own,
//! small and without panic paths (`tests/qemu/panic-check.sh` proves it at
//! link time); the `sha1_smol` and `base64ct` crates are their test oracles.

use super::WEBSOCKET_GUID;
use super::sha1::{self, Sha1};

/// Length of a `Sec-WebSocket-Key` value: base64 of 16 bytes (§4.1).
pub const KEY_LEN: usize = 24;

/// Length of a `Sec-WebSocket-Accept` value: base64 of a 20-byte SHA-1
/// digest (§4.2.2).
pub const ACCEPT_LEN: usize = 28;

/// The `Sec-WebSocket-Accept` value for a `Sec-WebSocket-Key` (RFC 6455
/// §4.2.2 item 5.4): base64(SHA-1(key ‖ [`WEBSOCKET_GUID`])).
///
/// `key` is the header value with surrounding whitespace removed, exactly
/// as received; it is hashed as text, not decoded. A key of the valid
/// length (24 bytes) is hashed as two blocks known in advance but for
/// the key's six words; any other length is hashed all the same.
#[must_use]
pub fn accept_key(key: &[u8]) -> [u8; ACCEPT_LEN] {
    let digest = match key.try_into() {
        // A valid key (§4.2.1 item 5): the two blocks are known in advance.
        Ok(key) => sha1::key_guid_digest(key),
        Err(_) => {
            let mut sha1 = Sha1::new();
            sha1.update(key);
            sha1.update(WEBSOCKET_GUID.as_bytes());
            sha1.finish()
        }
    };
    let mut out = [0u8; ACCEPT_LEN];
    encode_base64(&digest, &mut out);
    out
}

/// The `Sec-WebSocket-Key` value for a client nonce (RFC 6455 §4.1 item 7):
/// base64 of the 16 bytes. The nonce must be fresh and random for each
/// connection; it is an input so that this crate needs no RNG.
#[must_use]
pub fn nonce_key(nonce: &[u8; 16]) -> [u8; KEY_LEN] {
    let mut out = [0u8; KEY_LEN];
    encode_base64(nonce, &mut out);
    out
}

/// Decodes a `Sec-WebSocket-Key` value back to its nonce; `None` unless it
/// is canonical padded base64 of exactly 16 bytes (RFC 6455 §4.2.1 item 5).
/// Surrounding whitespace must already be removed.
#[must_use]
pub fn decode_key(key: &[u8]) -> Option<[u8; 16]> {
    // 22 symbols carry 132 bits: the 128 of the nonce and 4 that must be
    // zero (canonical encoding, RFC 4648 §3.5), then "==".
    let (symbols, b"==") = key.split_at_checked(KEY_LEN - 2)? else {
        return None;
    };
    let mut nonce = [0u8; 16];
    let mut bytes = nonce.iter_mut();
    let (mut acc, mut bits) = (0u32, 0u32);
    for &symbol in symbols {
        acc = ((acc << 6) | u32::from(base64_value(symbol)?)) & 0x3fff;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            *bytes.next()? = (acc >> bits) as u8;
        }
    }
    (bytes.next().is_none() && acc & ((1 << bits) - 1) == 0).then_some(nonce)
}

/// The standard base64 alphabet (RFC 4648 §4).
const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Writes the padded base64 of `input` to `out`, which holds
/// `4 * ceil(input.len() / 3)` bytes (the callers' array sizes).
fn encode_base64(input: &[u8], out: &mut [u8]) {
    for (group, symbols) in input.chunks(3).zip(out.chunks_mut(4)) {
        let n = group
            .iter()
            .chain([0, 0].iter())
            .take(3)
            .fold(0u32, |acc, &b| (acc << 8) | u32::from(b));
        for (i, symbol) in symbols.iter_mut().enumerate() {
            *symbol = if i <= group.len() {
                let index = (n >> (18 - 6 * i)) & 63;
                BASE64
                    .get(index as usize)
                    .copied()
                    .unwrap_or(dead_arm!("a 6-bit index into 64 symbols", b'='))
            } else {
                b'='
            };
        }
    }
}

/// The 6-bit value of a base64 symbol; `None` for anything else,
/// padding included.
const fn base64_value(symbol: u8) -> Option<u8> {
    Some(match symbol {
        b'A'..=b'Z' => symbol - b'A',
        b'a'..=b'z' => symbol - b'a' + 26,
        b'0'..=b'9' => symbol - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => return None,
    })
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
        // Non-canonical: the 4 spare bits of the last symbol are not zero.
        assert_eq!(decode_key(b"dGhlIHNhbXBsZSBub25jZR=="), None);
        assert_eq!(decode_key(b"dGhlIHNhbXBsZSBub25jZQ==="), None);
        assert_eq!(decode_key(b"dGhlIHNhbXBsZSBub25j=Q=="), None);
    }

    /// The accept key as wsframe computed it before having its own SHA-1:
    /// `sha1_smol` and `base64ct`.
    fn oracle(key: &[u8]) -> [u8; ACCEPT_LEN] {
        use base64ct::{Base64, Encoding};
        let mut sha1 = sha1_smol::Sha1::new();
        sha1.update(key);
        sha1.update(WEBSOCKET_GUID.as_bytes());
        let mut out = [0u8; ACCEPT_LEN];
        Base64::encode(&sha1.digest().bytes(), &mut out).unwrap();
        out
    }

    /// The 24-byte path against the oracle for many keys: valid keys
    /// (base64 of random nonces) and arbitrary 24-byte strings, from a
    /// fixed xorshift sequence so that a failure reproduces.
    #[test]
    fn accept_key_matches_oracle_for_many_keys() {
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || crate::testing::xorshift64(&mut x);
        let count = if cfg!(miri) { 50 } else { 20_000 };
        for _ in 0..count {
            let mut nonce = [0u8; 16];
            nonce[..8].copy_from_slice(&next().to_le_bytes());
            nonce[8..].copy_from_slice(&next().to_le_bytes());
            let key = nonce_key(&nonce);
            assert_eq!(accept_key(&key), oracle(&key), "key {key:?}");
            let mut raw = [0u8; KEY_LEN];
            for chunk in raw.chunks_mut(8) {
                chunk.copy_from_slice(&next().to_le_bytes()[..chunk.len()]);
            }
            assert_eq!(accept_key(&raw), oracle(&raw), "key {raw:?}");
        }
    }

    proptest::proptest! {
        /// Agrees with `sha1_smol` + `base64ct` for any key: the 24-byte
        /// path and every other length (0 to 200 bytes, across the block
        /// and padding boundaries).
        #[test]
        fn accept_key_matches_oracle(
            key in proptest::array::uniform24(proptest::prelude::any::<u8>()),
            other in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..200),
        ) {
            proptest::prop_assert_eq!(accept_key(&key), oracle(&key));
            proptest::prop_assert_eq!(accept_key(&other), oracle(&other));
        }

        /// Agrees with the `base64ct` crate: encoding any nonce or digest,
        /// and accepting or refusing any 24 bytes drawn mostly from the
        /// alphabet.
        #[test]
        fn base64_matches_base64ct(
            nonce in proptest::array::uniform16(proptest::prelude::any::<u8>()),
            digest in proptest::array::uniform20(proptest::prelude::any::<u8>()),
            key in proptest::collection::vec(
                proptest::sample::select(b"AQgw+/=-ZZ9a".to_vec()), 22..=26),
        ) {
            use base64ct::{Base64, Encoding};
            let mut expected = [0u8; KEY_LEN];
            Base64::encode(&nonce, &mut expected).unwrap();
            proptest::prop_assert_eq!(nonce_key(&nonce), expected);
            let mut expected = [0u8; ACCEPT_LEN];
            Base64::encode(&digest, &mut expected).unwrap();
            let mut ours = [0u8; ACCEPT_LEN];
            encode_base64(&digest, &mut ours);
            proptest::prop_assert_eq!(ours, expected);
            let mut buf = [0u8; 18];
            let oracle = Base64::decode(&key, &mut buf).ok().and_then(|d| <[u8; 16]>::try_from(d).ok());
            proptest::prop_assert_eq!(decode_key(&key), oracle);
        }
    }
}
