//! Server side of the opening handshake on arbitrary bytes: never panics;
//! an accepted head is accepted the same way through `from_parsed`, its
//! prefixes are `Partial`, and its 101 (with the first offered subprotocol)
//! passes the client's check; a refused head has an HTTP answer that
//! `write_rejection` writes and httparse reads back with that status.
//!
//! The accept key, the nonce key and the key decoder are also checked
//! against the `sha1_smol` and `base64ct` crates on the same bytes.
//!
//! Input: a limits byte (odd: a small head limit), a cut byte, the head.
#![no_main]

use base64ct::{Base64, Encoding};
use libfuzzer_sys::fuzz_target;
use wsframe::HandshakeLimits;
use wsframe::handshake::{
    ClientHandshake, MAX_HEADERS, Request, Response, Status, WEBSOCKET_GUID, accept_key,
    decode_key, nonce_key, write_rejection,
};

/// The crate's own SHA-1 and base64 against the oracle crates.
fn key_oracles(bytes: &[u8]) {
    let mut sha1 = sha1_smol::Sha1::new();
    sha1.update(bytes);
    sha1.update(WEBSOCKET_GUID.as_bytes());
    let mut want = [0u8; 28];
    Base64::encode(&sha1.digest().bytes(), &mut want).expect("28 bytes");
    assert_eq!(accept_key(bytes), want, "accept_key");
    let key = &bytes[..bytes.len().min(24)];
    let mut buf = [0u8; 18];
    let oracle = Base64::decode(key, &mut buf)
        .ok()
        .and_then(|d| <[u8; 16]>::try_from(d).ok());
    assert_eq!(decode_key(key), oracle, "decode_key");
    if let Some(nonce) = oracle {
        assert_eq!(&nonce_key(&nonce)[..], key, "nonce_key");
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&[limit, cut], buf)) = data.split_first_chunk::<2>() else {
        return;
    };
    key_oracles(buf);
    let mut limits = HandshakeLimits::new();
    if limit & 1 == 1 {
        limits.max_head_size = 32 + usize::from(limit) * 2;
    }
    match Request::parse(buf, &limits) {
        Ok(Status::Complete(request)) => accepted(&request, buf, usize::from(cut), &limits),
        Ok(Status::Partial) => assert!(buf.len() < limits.max_head_size),
        Err(e) => {
            let status = e.http_status().expect("a server-side error");
            assert!((400..=499).contains(&status), "{e:?} -> {status}");
            let mut out = [0u8; 512];
            let n = write_rejection(e, &mut out).expect("a rejection fits 512 bytes");
            let mut headers = [httparse::EMPTY_HEADER; 8];
            let mut parsed = httparse::Response::new(&mut headers);
            assert_eq!(parsed.parse(&out[..n]), Ok(httparse::Status::Complete(n)));
            assert_eq!(parsed.code, Some(status));
        }
    }
});

fn accepted(request: &Request<'_>, buf: &[u8], cut: usize, limits: &HandshakeLimits) {
    let head_len = request.head_len();
    assert!(head_len <= buf.len() && head_len <= limits.max_head_size);
    let nonce = decode_key(request.key()).expect("an accepted key decodes to 16 bytes");
    // The same head through the host-parsed entry point.
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut parsed = httparse::Request::new(&mut headers);
    assert_eq!(parsed.parse(buf), Ok(httparse::Status::Complete(head_len)));
    let again = Request::from_parsed(
        parsed.method.unwrap_or_default(),
        parsed.path.unwrap_or_default(),
        parsed.version.unwrap_or_default(),
        &wsframe_fuzz::core_headers(parsed.headers),
    )
    .expect("from_parsed accepts what parse accepted");
    assert_eq!((again.key(), again.path()), (request.key(), request.path()));
    // Any prefix is still partial.
    let cut = cut % head_len;
    assert_eq!(
        Request::parse(&buf[..cut], limits).map(|s| s.is_partial()),
        Ok(true)
    );
    // Offers iterate without surprises.
    let offered: Vec<&str> = request.subprotocols().collect();
    for offer in request.extensions() {
        assert!(!offer.name.is_empty());
        for (name, _) in offer.params {
            assert!(!name.is_empty());
        }
    }
    // Answer it, and check the answer as the client would.
    let response = Response {
        subprotocol: offered.first().copied(),
        ..Response::new()
    };
    let mut out = [0u8; 1024];
    let n = request
        .write_response(&response, &mut out)
        .expect("a 101 fits");
    let client = ClientHandshake::from_nonce(&nonce);
    let checked = client.check_response(&out[..n], &offered, &[], &HandshakeLimits::new());
    match checked {
        Ok(Status::Complete(r)) => {
            assert_eq!(r.head_len, n);
            assert_eq!(r.subprotocol, response.subprotocol);
        }
        other => panic!("our own 101 was refused: {other:?}"),
    }
}
