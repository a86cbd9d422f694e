//! Negotiation vectors: the offers real clients sent (tests/data/handshakes:
//! Chromium, Python websockets, Node ws, the Autobahn 13.x fuzzingclient),
//! malformed offers, and every pairing of client and server configurations
//! checked for consistency.

use super::*;
use crate::handshake::ExtensionOffers;

fn server(value: &str, config: &DeflateConfig) -> Option<(DeflateParams, ExtensionValue)> {
    negotiate(ExtensionOffers::parse(value.as_bytes()).unwrap(), config)
}

fn client(answer: &str, config: &DeflateConfig) -> Result<Option<DeflateParams>, ResponseError> {
    check_answer(ExtensionOffers::parse(answer.as_bytes()).unwrap(), config)
}

const fn params(send: u8, send_nct: bool, receive: u8, receive_nct: bool) -> DeflateParams {
    DeflateParams {
        send_window_bits: send,
        send_no_context_takeover: send_nct,
        receive_window_bits: receive,
        receive_no_context_takeover: receive_nct,
    }
}

const fn config(receive: u8, send: u8) -> DeflateConfig {
    DeflateConfig {
        receive_window_bits: receive,
        send_window_bits: send,
        ..DeflateConfig::new()
    }
}

const CHROMIUM: &str = "permessage-deflate; client_max_window_bits";
/// Autobahn case 13.7.1: three offers in one header, best first.
const AUTOBAHN_13_7: &str = "permessage-deflate; client_no_context_takeover; \
    client_max_window_bits; server_no_context_takeover; server_max_window_bits=9, \
    permessage-deflate; client_no_context_takeover; client_max_window_bits; \
    server_no_context_takeover, permessage-deflate; client_no_context_takeover; \
    client_max_window_bits";

#[test]
fn browser_offer_full_windows() {
    let (p, value) = server(CHROMIUM, &DeflateConfig::new()).unwrap();
    assert_eq!(p, params(15, false, 15, false));
    assert_eq!(value, "permessage-deflate; client_max_window_bits=15");
}

#[test]
fn autobahn_13_7_first_offer_wins() {
    let (p, value) = server(AUTOBAHN_13_7, &DeflateConfig::new()).unwrap();
    assert_eq!(p, params(9, true, 15, true));
    assert_eq!(
        value,
        "permessage-deflate; server_no_context_takeover; client_no_context_takeover; \
         server_max_window_bits=9; client_max_window_bits=15"
    );
}

#[test]
fn small_receive_window_is_requested_from_the_client() {
    let (p, value) = server(CHROMIUM, &config(10, 15)).unwrap();
    assert_eq!(p, params(15, false, 10, false));
    assert_eq!(value, "permessage-deflate; client_max_window_bits=10");
    // The client's own smaller limit wins (§7.1.2.2).
    let offer = "permessage-deflate; client_max_window_bits=9";
    assert_eq!(
        server(offer, &config(10, 15))
            .unwrap()
            .0
            .receive_window_bits,
        9
    );
}

#[test]
fn offer_without_client_window_needs_a_full_receive_window() {
    let offer = "permessage-deflate";
    assert_eq!(server(offer, &config(14, 15)), None);
    let (p, value) = server(offer, &DeflateConfig::new()).unwrap();
    assert_eq!(p, params(15, false, 15, false));
    assert_eq!(value, "permessage-deflate");
}

#[test]
fn never_asks_a_client_for_window_8() {
    assert_eq!(server(CHROMIUM, &config(8, 15)), None);
    assert_eq!(
        server(
            "permessage-deflate; client_max_window_bits=12",
            &config(8, 15)
        ),
        None
    );
    // A client that offers 8 itself gets it.
    let (p, value) = server(
        "permessage-deflate; client_max_window_bits=8",
        &config(8, 15),
    )
    .unwrap();
    assert_eq!(p.receive_window_bits, 8);
    assert!(value.ends_with("client_max_window_bits=8"));
}

#[test]
fn server_window_offered_is_honoured_8_included() {
    for bits in 8..=15u8 {
        let offer = std::format!("{CHROMIUM}; server_max_window_bits={bits}");
        let (p, value) = server(&offer, &DeflateConfig::new()).unwrap();
        assert_eq!(p.send_window_bits, bits);
        assert!(
            value.contains(&*std::format!("server_max_window_bits={bits}")),
            "{value}"
        );
        // Our own smaller history wins.
        let (p, _) = server(&offer, &config(15, 10)).unwrap();
        assert_eq!(p.send_window_bits, bits.min(10));
    }
}

#[test]
fn small_send_window_is_announced_unsolicited() {
    let (p, value) = server(CHROMIUM, &config(15, 10)).unwrap();
    assert_eq!(p.send_window_bits, 10);
    assert_eq!(
        value,
        "permessage-deflate; server_max_window_bits=10; client_max_window_bits=15"
    );
}

#[test]
fn no_context_takeover_offered_and_unsolicited() {
    let (p, _) = server(
        "permessage-deflate; server_no_context_takeover",
        &DeflateConfig::new(),
    )
    .unwrap();
    assert!(p.send_no_context_takeover && !p.receive_no_context_takeover);
    let ask = DeflateConfig {
        no_context_takeover: true,
        peer_no_context_takeover: true,
        ..DeflateConfig::new()
    };
    let (p, value) = server(CHROMIUM, &ask).unwrap();
    assert_eq!(p, params(15, true, 15, true));
    assert_eq!(
        value,
        "permessage-deflate; server_no_context_takeover; client_no_context_takeover; \
         client_max_window_bits=15"
    );
}

#[test]
fn malformed_offers_are_declined_and_the_next_one_is_taken() {
    for bad in [
        "permessage-deflate; server_max_window_bits=08",
        "permessage-deflate; server_max_window_bits=16",
        "permessage-deflate; server_max_window_bits=7",
        "permessage-deflate; server_max_window_bits=1a",
        "permessage-deflate; server_max_window_bits",
        "permessage-deflate; client_max_window_bits=0",
        "permessage-deflate; client_max_window_bits=+9",
        "permessage-deflate; client_max_window_bits; client_max_window_bits",
        "permessage-deflate; server_no_context_takeover; server_no_context_takeover",
        "permessage-deflate; client_no_context_takeover=1",
        "permessage-deflate; foo",
        "permessage-deflate; Server_No_Context_Takeover",
    ] {
        assert_eq!(server(bad, &DeflateConfig::new()), None, "{bad}");
        let both = std::format!("{bad}, x-other, permessage-deflate; server_max_window_bits=12");
        let (p, _) = server(&both, &DeflateConfig::new()).expect(bad);
        assert_eq!(p.send_window_bits, 12, "{bad}");
    }
    // `server_max_window_bits=` (no value) breaks RFC 6455 §9.1's grammar:
    // the handshake refuses that request with 400 before any negotiation.
    assert!(ExtensionOffers::parse(b"permessage-deflate; server_max_window_bits=").is_err());
    // A quoted value is the token inside (RFC 6455 §9.1).
    let quoted = "permessage-deflate; server_max_window_bits=\"10\"";
    assert_eq!(
        server(quoted, &DeflateConfig::new())
            .unwrap()
            .0
            .send_window_bits,
        10
    );
    // Other extensions are not ours to answer.
    assert_eq!(
        server("x-webkit-deflate-frame", &DeflateConfig::new()),
        None
    );
}

#[test]
fn client_offers() {
    assert_eq!(client_offer(&DeflateConfig::new()), CHROMIUM);
    assert_eq!(
        client_offer(&config(10, 15)),
        "permessage-deflate; server_max_window_bits=10; client_max_window_bits"
    );
    let ask = DeflateConfig {
        no_context_takeover: true,
        peer_no_context_takeover: true,
        ..config(9, 9)
    };
    assert_eq!(
        client_offer(&ask),
        "permessage-deflate; server_no_context_takeover; client_no_context_takeover; \
         server_max_window_bits=9; client_max_window_bits"
    );
}

#[test]
fn client_accepts_what_section_7_1_allows() {
    let full = DeflateConfig::new();
    // Python websockets' default answer.
    let answer = "permessage-deflate; server_max_window_bits=12; client_max_window_bits=12";
    assert_eq!(
        client(answer, &full),
        Ok(Some(params(12, false, 12, false)))
    );
    // wstest as a server (13.2) sends client_no_context_takeover unoffered.
    let answer = "permessage-deflate; client_no_context_takeover";
    assert_eq!(client(answer, &full), Ok(Some(params(15, true, 15, false))));
    let answer = "permessage-deflate; server_no_context_takeover";
    assert_eq!(client(answer, &full), Ok(Some(params(15, false, 15, true))));
    // Compression declined: no parameters.
    assert_eq!(client("x-other", &full), Ok(None));
    // Our history is smaller than what the server allows.
    let answer = "permessage-deflate; client_max_window_bits=12";
    assert_eq!(
        client(answer, &config(15, 10)),
        Ok(Some(params(10, false, 15, false)))
    );
    // A smaller server window than we offered.
    let answer = "permessage-deflate; server_max_window_bits=9";
    assert_eq!(
        client(answer, &config(10, 15)),
        Ok(Some(params(15, false, 9, false)))
    );
}

#[test]
fn client_fails_what_section_7_1_forbids() {
    let full = DeflateConfig::new();
    for (answer, error, config) in [
        (
            "permessage-deflate, permessage-deflate",
            ResponseError::Repeated,
            full,
        ),
        (
            "permessage-deflate; foo",
            ResponseError::UnknownParameter,
            full,
        ),
        (
            "permessage-deflate; server_no_context_takeover; server_no_context_takeover",
            ResponseError::DuplicateParameter,
            full,
        ),
        (
            "permessage-deflate; client_max_window_bits",
            ResponseError::BadWindowBits,
            full,
        ),
        (
            "permessage-deflate; server_max_window_bits",
            ResponseError::BadWindowBits,
            full,
        ),
        (
            "permessage-deflate; server_max_window_bits=16",
            ResponseError::BadWindowBits,
            full,
        ),
        (
            "permessage-deflate; client_max_window_bits=07",
            ResponseError::BadWindowBits,
            full,
        ),
        (
            "permessage-deflate; server_no_context_takeover=1",
            ResponseError::UnexpectedValue,
            full,
        ),
        (
            "permessage-deflate; server_max_window_bits=11",
            ResponseError::WindowTooLarge,
            config(10, 15),
        ),
        (
            "permessage-deflate",
            ResponseError::WindowTooLarge,
            config(10, 15),
        ),
    ] {
        assert_eq!(client(answer, &config), Err(error), "{answer}");
    }
}

/// Every client configuration against every server configuration: when
/// the server accepts the client's offer, each side's send window fits
/// the other's receive window and context takeover agrees.
#[test]
fn every_pairing_agrees() {
    let mut accepted = 0;
    for client_config in all_configs() {
        let offer = client_offer(&client_config);
        for server_config in all_configs() {
            let Some((at_server, answer)) = server(&offer, &server_config) else {
                // Only a server that would have to ask for window 8 declines.
                assert!(
                    server_config.receive_window_bits < 9,
                    "{offer} / {server_config:?}"
                );
                continue;
            };
            accepted += 1;
            let at_client = client(&answer, &client_config).unwrap().unwrap();
            assert!(at_client.send_window_bits <= at_server.receive_window_bits);
            assert!(at_server.send_window_bits <= at_client.receive_window_bits);
            assert!(at_client.receive_window_bits <= client_config.receive_window_bits.max(8));
            assert!(at_server.receive_window_bits <= server_config.receive_window_bits.max(8));
            assert_eq!(
                at_server.send_no_context_takeover,
                at_client.receive_no_context_takeover
            );
            // A client that resets on its own need not be told; one that is told must.
            assert!(!at_server.receive_no_context_takeover || at_client.send_no_context_takeover);
        }
    }
    assert!(accepted > 1000, "{accepted}");
}

fn all_configs() -> impl Iterator<Item = DeflateConfig> {
    (8..=15u8).flat_map(|receive| {
        (8..=15u8).flat_map(move |send| {
            (0..4u8).map(move |flags| DeflateConfig {
                receive_window_bits: receive,
                send_window_bits: send,
                no_context_takeover: flags & 1 != 0,
                peer_no_context_takeover: flags & 2 != 0,
            })
        })
    })
}
