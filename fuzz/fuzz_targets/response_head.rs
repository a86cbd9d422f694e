//! Client side of the opening handshake on arbitrary bytes: never panics;
//! an accepted response is accepted the same way through `check_parsed`,
//! names only what was offered, and its prefixes are `Partial`; refusals
//! have no HTTP answer (the client just drops the connection) except the
//! head-level ones.
//!
//! Input: the 16-byte nonce of the request, a flags byte (which offers were
//! made), a cut byte, the head.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wsframe::handshake::{ClientHandshake, ExtensionOffers, MAX_HEADERS, Status};
use wsframe::{HandshakeError, HandshakeLimits};

const SUBPROTOCOLS: [&str; 3] = ["chat", "superchat", "v2.json"];
const EXTENSIONS: [&str; 2] = ["permessage-deflate", "x-webkit-deflate-frame"];

fuzz_target!(|data: &[u8]| {
    let Some((
        &[
            n0,
            n1,
            n2,
            n3,
            n4,
            n5,
            n6,
            n7,
            n8,
            n9,
            n10,
            n11,
            n12,
            n13,
            n14,
            n15,
            flags,
            cut,
        ],
        buf,
    )) = data.split_first_chunk::<18>()
    else {
        return;
    };
    let nonce = [
        n0, n1, n2, n3, n4, n5, n6, n7, n8, n9, n10, n11, n12, n13, n14, n15,
    ];
    let client = ClientHandshake::from_nonce(&nonce);
    let protocols = &SUBPROTOCOLS[..usize::from(flags % 4)];
    let extensions = &EXTENSIONS[..usize::from((flags >> 2) % 3)];
    let limits = HandshakeLimits::new();
    match client.check_response(buf, protocols, extensions, &limits) {
        Ok(Status::Complete(r)) => {
            assert!(r.head_len <= buf.len() && r.head_len <= limits.max_head_size);
            assert!(r.subprotocol.is_none_or(|p| protocols.contains(&p)));
            if let Some(value) = r.extensions {
                let offers = ExtensionOffers::parse(value).expect("validated");
                for offer in offers {
                    assert!(extensions.contains(&offer.name));
                }
            }
            let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
            let mut parsed = httparse::Response::new(&mut headers);
            assert_eq!(
                parsed.parse(buf),
                Ok(httparse::Status::Complete(r.head_len))
            );
            let again = client
                .check_parsed(
                    parsed.code.unwrap_or_default(),
                    parsed.version.unwrap_or_default(),
                    &wsframe_fuzz::core_headers(parsed.headers),
                    protocols,
                    extensions,
                )
                .expect("check_parsed accepts what check_response accepted");
            assert_eq!(
                (again.subprotocol, again.extensions),
                (r.subprotocol, r.extensions)
            );
            let cut = usize::from(cut) % r.head_len;
            let prefix = client.check_response(&buf[..cut], protocols, extensions, &limits);
            assert_eq!(prefix.map(|s| s.is_partial()), Ok(true));
        }
        Ok(Status::Partial) => assert!(buf.len() < limits.max_head_size),
        Err(HandshakeError::HeadTooLarge | HandshakeError::MalformedHead) => {}
        Err(e) => assert_eq!(e.http_status(), None, "{e:?}"),
    }
});
