//! Request heads into both servers: the captured real handshakes, and the
//! base request of RFC 6455 §1.3 with one thing changed at a time. Each
//! disagreement must be one docs/DIFFERENTIAL.md lists (wsframe stricter
//! where §4.2.1 or §11.3 says so, more lenient where RFC 7230 lists allow).

use std::path::Path;

use wsframe::testing::SAMPLE_REQUEST;
use wsframe_differential::{HeadVerdict, tungstenite_accepts, wsframe_accepts};

/// The sample request's lines (`wsframe::testing::SAMPLE_REQUEST`).
fn base() -> Vec<&'static str> {
    SAMPLE_REQUEST
        .lines()
        .take_while(|l| !l.is_empty())
        .collect()
}

fn head(lines: &[&str]) -> Vec<u8> {
    format!("{}\r\n\r\n", lines.join("\r\n")).into_bytes()
}

/// [`base`] with line `i` replaced (None: removed) and `extra` lines added.
fn variant(i: usize, with: Option<&str>, extra: &[&str]) -> Vec<u8> {
    let mut lines = base();
    match with {
        Some(l) => lines[i] = l,
        None => {
            lines.remove(i);
        }
    }
    lines.extend_from_slice(extra);
    head(&lines)
}

/// (label, head, expected: None = both agree, Some(wsframe accepts?)).
fn cases() -> Vec<(String, Vec<u8>, Option<bool>)> {
    let mut v: Vec<(String, Vec<u8>, Option<bool>)> = Vec::new();
    let mut agree = |label: &str, head: Vec<u8>| v.push((label.into(), head, None));
    agree("base", head(&base()));
    agree("POST", variant(0, Some("POST /chat HTTP/1.1"), &[]));
    agree("HTTP/1.0", variant(0, Some("GET /chat HTTP/1.0"), &[]));
    agree("no Upgrade", variant(2, None, &[]));
    agree("Upgrade: h2c", variant(2, Some("Upgrade: h2c"), &[]));
    agree(
        "Upgrade: WebSocket",
        variant(2, Some("Upgrade: WebSocket"), &[]),
    );
    agree("no Connection", variant(3, None, &[]));
    agree(
        "Connection: keep-alive",
        variant(3, Some("Connection: keep-alive"), &[]),
    );
    agree(
        "Connection: keep-alive, Upgrade",
        variant(3, Some("Connection: keep-alive, Upgrade"), &[]),
    );
    agree("no key", variant(4, None, &[]));
    agree(
        "15-byte key",
        variant(4, Some("Sec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAA"), &[]),
    );
    agree(
        "17-byte key",
        variant(4, Some("Sec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAAA="), &[]),
    );
    agree(
        "non-canonical key",
        variant(4, Some("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZR=="), &[]),
    );
    agree("no version", variant(5, None, &[]));
    agree(
        "version 8",
        variant(5, Some("Sec-WebSocket-Version: 8"), &[]),
    );
    agree(
        "version 13, 8",
        variant(5, Some("Sec-WebSocket-Version: 13, 8"), &[]),
    );
    agree(
        "subprotocols",
        variant(
            1,
            Some("Host: x"),
            &["Sec-WebSocket-Protocol: chat, superchat"],
        ),
    );
    agree(
        "extension offer",
        variant(
            1,
            Some("Host: x"),
            &["Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits"],
        ),
    );
    agree(
        "not HTTP",
        b"\x16\x03\x01\x02\x00\x01\x00\x01\r\n\r\n".to_vec(),
    );
    // Where they differ, and which way.
    let mut differ =
        |label: &str, head: Vec<u8>, wsframe: bool| v.push((label.into(), head, Some(wsframe)));
    differ("no Host", variant(1, None, &[]), false);
    differ("empty Host", variant(1, Some("Host: "), &[]), false);
    differ(
        "Host twice",
        variant(1, Some("Host: a"), &["Host: b"]),
        false,
    );
    differ(
        "key twice",
        variant(
            1,
            Some("Host: x"),
            &["Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=="],
        ),
        false,
    );
    differ(
        "version twice",
        variant(1, Some("Host: x"), &["Sec-WebSocket-Version: 13"]),
        false,
    );
    differ(
        "subprotocol not a token",
        variant(
            1,
            Some("Host: x"),
            &["Sec-WebSocket-Protocol: chat, super chat"],
        ),
        false,
    );
    differ(
        "extension grammar",
        variant(
            1,
            Some("Host: x"),
            &["Sec-WebSocket-Extensions: permessage-deflate;"],
        ),
        false,
    );
    differ(
        "Upgrade: h2c, websocket",
        variant(2, Some("Upgrade: h2c, websocket"), &[]),
        true,
    );
    differ(
        "Connection on two lines",
        variant(3, Some("Connection: keep-alive"), &["Connection: Upgrade"]),
        true,
    );
    let filler: Vec<String> = (0..30).map(|i| format!("X-Filler-{i}: {i}")).collect();
    let filler: Vec<&str> = filler.iter().map(String::as_str).collect();
    differ(
        "36 header lines",
        variant(1, Some("Host: x"), &filler),
        false,
    );
    v
}

#[test]
fn request_heads_agree_or_differ_as_explained() {
    let mut table = Vec::new();
    for (label, head, expected) in cases() {
        let (w, t) = (wsframe_accepts(&head), tungstenite_accepts(&head));
        let w_ok = matches!(w, HeadVerdict::Accept(_));
        let t_ok = matches!(t, HeadVerdict::Accept(_));
        match expected {
            // tungstenite gives no HTTP status: compare the decision and
            // the accept value.
            None if w_ok => assert_eq!(w, t, "{label}"),
            None => assert!(!t_ok, "{label}: wsframe {w:?}, tungstenite {t:?}"),
            Some(wsframe) => {
                assert_eq!(
                    (w_ok, t_ok),
                    (wsframe, !wsframe),
                    "{label}: wsframe {w:?}, tungstenite {t:?}"
                );
            }
        }
        let w_text = match w {
            HeadVerdict::Accept(_) => "accept".to_owned(),
            HeadVerdict::Refuse(status) => format!("refuse {}", status.unwrap_or(0)),
        };
        let t_text = if t_ok { "accept" } else { "refuse" };
        table.push(format!(
            "{label:32} wsframe {w_text:10}  tungstenite {t_text}"
        ));
    }
    for row in table {
        println!("{row}");
    }
}

#[test]
fn captured_handshakes_are_accepted_alike() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../core/tests/data/handshakes");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.to_string_lossy().ends_with(".request.http") {
            let head = std::fs::read(&path).unwrap();
            let w = wsframe_accepts(&head);
            assert!(matches!(w, HeadVerdict::Accept(_)), "{path:?}");
            assert_eq!(w, tungstenite_accepts(&head), "{path:?}");
            seen += 1;
        }
    }
    assert!(seen >= 10);
}
