//! Opening handshake (RFC 6455 §4), both roles: real captured client
//! heads (tests/data/handshakes, see its README), split feeding, one test
//! per §4.2.1 rule with the HTTP status it answers, the writers' buffer and
//! injection checks, and a client ⇄ server round trip.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use wsframe::handshake::{
    ClientHandshake, ClientRequest, Header, MAX_HEADERS, Request, Response, ServerResponse, Status,
    accept_key, decode_key, write_rejection, write_response, write_status,
};
use wsframe::{HandshakeError, HandshakeLimits, UsageError};

const LIMITS: HandshakeLimits = HandshakeLimits::new();

/// RFC 6455 §5.7: a single-frame masked text message "Hello", as a client
/// may send it in the same segment as its handshake.
const MASKED_HELLO: [u8; 11] = [
    0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58,
];

// ---------------------------------------------------------------- helpers

/// One captured client request and the 101 the Python server sent back.
struct Capture {
    /// e.g. `chromium` or `nodeflate/chromium`.
    name: String,
    request: Vec<u8>,
    response: Vec<u8>,
}

impl Capture {
    /// The request path: the file name (README: "The request path is the
    /// file name").
    fn path(&self) -> String {
        format!("/{}", self.name.rsplit('/').next().unwrap())
    }

    fn parsed(&self) -> Request<'_> {
        complete(Request::parse(&self.request, &LIMITS).unwrap())
    }
}

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/handshakes")
}

/// Every `*.request.http` (and nodeflate/) with its `.response.http`,
/// read once.
fn captures() -> &'static [Capture] {
    static ALL: OnceLock<Vec<Capture>> = OnceLock::new();
    ALL.get_or_init(read_captures)
}

fn read_captures() -> Vec<Capture> {
    let mut all = Vec::new();
    for (dir, prefix) in [
        (data_dir(), ""),
        (data_dir().join("nodeflate"), "nodeflate/"),
    ] {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let file = entry.unwrap().file_name().into_string().unwrap();
            let Some(stem) = file.strip_suffix(".request.http") else {
                continue;
            };
            all.push(Capture {
                name: format!("{prefix}{stem}"),
                request: std::fs::read(dir.join(&file)).unwrap(),
                response: std::fs::read(dir.join(format!("{stem}.response.http"))).unwrap(),
            });
        }
    }
    all.sort_by(|a, b| a.name.cmp(&b.name));
    assert_eq!(all.len(), 18, "every captured handshake is found");
    all
}

fn capture(name: &str) -> &'static Capture {
    captures().iter().find(|c| c.name == name).unwrap()
}

fn complete<T>(status: Status<T>) -> T {
    match status {
        Status::Complete(value) => value,
        Status::Partial => panic!("head should be complete"),
    }
}

/// A response head parsed by httparse (independent of the code under test).
struct Head {
    code: u16,
    len: usize,
    headers: Vec<(String, Vec<u8>)>,
}

impl Head {
    fn parse(bytes: &[u8]) -> Self {
        let mut headers = [httparse::EMPTY_HEADER; 64];
        let mut response = httparse::Response::new(&mut headers);
        let httparse::Status::Complete(len) = response.parse(bytes).unwrap() else {
            panic!("incomplete head: {:?}", String::from_utf8_lossy(bytes));
        };
        assert_eq!(response.version, Some(1));
        Self {
            code: response.code.unwrap(),
            len,
            headers: response
                .headers
                .iter()
                .map(|h| (h.name.to_owned(), h.value.to_owned()))
                .collect(),
        }
    }

    fn get(&self, name: &str) -> Option<&[u8]> {
        let mut values = self
            .headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name));
        let first = values.next().map(|(_, v)| v.as_slice());
        assert!(values.next().is_none(), "{name} appears once");
        first
    }
}

/// A valid request (RFC 6455 §1.3's example) built from header lines.
const BASE: [&str; 6] = [
    "GET /chat HTTP/1.1",
    "Host: server.example.com",
    "Upgrade: websocket",
    "Connection: Upgrade",
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
    "Sec-WebSocket-Version: 13",
];

fn head_of(lines: &[&str]) -> Vec<u8> {
    format!("{}\r\n\r\n", lines.join("\r\n")).into_bytes()
}

/// [`BASE`] with every line starting with `prefix` replaced by `lines`.
fn base_with(prefix: &str, lines: &[&str]) -> Vec<u8> {
    let mut out: Vec<&str> = BASE
        .iter()
        .copied()
        .filter(|l| !l.starts_with(prefix))
        .collect();
    out.extend_from_slice(lines);
    head_of(&out)
}

/// Parses `head`, expects refusal with `error` answered by `status`, and
/// returns the refusal as written by [`write_rejection`].
fn refused(head: &[u8], error: HandshakeError, status: u16) -> Head {
    assert_eq!(
        Request::parse(head, &LIMITS).map(|_| ()),
        Err(error),
        "{:?}",
        String::from_utf8_lossy(head)
    );
    assert_eq!(error.http_status(), Some(status));
    let mut out = [0u8; 512];
    let n = write_rejection(error, &mut out).unwrap();
    let answer = Head::parse(&out[..n]);
    assert_eq!((answer.code, answer.len), (status, n));
    assert_eq!(answer.get("Content-Length"), Some(&b"0"[..]));
    assert!(answer.get("Connection").unwrap().ends_with(b"close"));
    answer
}

fn assert_untouched(out: &[u8]) {
    assert!(
        out.iter().all(|&b| b == 0xAA),
        "output was written on error"
    );
}

/// Calls `write` on buffers of every size below the needed one: each must
/// fail with the exact size and leave the buffer alone; the exact size works.
fn check_exact_size(write: impl Fn(&mut [u8]) -> Result<usize, UsageError>) -> usize {
    let needed = write(&mut [0u8; 1024]).unwrap();
    for size in splits(0..needed) {
        let mut out = vec![0xAAu8; size];
        assert_eq!(write(&mut out), Err(UsageError::BufferTooSmall { needed }));
        assert_untouched(&out);
    }
    assert_eq!(write(&mut vec![0u8; needed]), Ok(needed));
    needed
}

/// Extension parameters, owned for comparison.
type Params = Vec<(String, Option<String>)>;

fn offers(request: &Request<'_>) -> Vec<(String, Params)> {
    request
        .extensions()
        .map(|o| {
            let params = o
                .params
                .map(|(n, v)| (n.to_owned(), v.map(str::to_owned)))
                .collect();
            (o.name.to_owned(), params)
        })
        .collect()
}

fn owned(params: &[(&str, Option<&str>)]) -> Params {
    params
        .iter()
        .map(|(n, v)| ((*n).to_owned(), v.map(str::to_owned)))
        .collect()
}

// ---------------------------------------------------- captured handshakes

#[test]
fn every_capture_validates_and_is_answered_like_the_captured_server() {
    // Miri: every 4th capture (each parse of a capture takes ~1 s there).
    for c in captures().iter().step_by(if cfg!(miri) { 4 } else { 1 }) {
        let request = c.parsed();
        assert_eq!(request.head_len(), c.request.len(), "{}", c.name);
        assert_eq!(request.path(), c.path());
        let port = if c.name.starts_with("nodeflate/") {
            "9105"
        } else {
            "9102"
        };
        assert_eq!(request.host(), format!("127.0.0.1:{port}").as_bytes());

        // Our 101 carries the same Sec-WebSocket-Accept as the captured one.
        let captured = Head::parse(&c.response);
        assert_eq!((captured.code, captured.len), (101, c.response.len()));
        let captured_accept = captured.get("Sec-WebSocket-Accept").unwrap();
        let mut out = [0u8; 256];
        let n = request.write_response(&Response::new(), &mut out).unwrap();
        let ours = Head::parse(&out[..n]);
        assert_eq!((ours.code, ours.len), (101, n));
        assert_eq!(
            ours.get("Sec-WebSocket-Accept"),
            Some(captured_accept),
            "{}",
            c.name
        );
        assert_eq!(&accept_key(request.key()), captured_accept);

        // The client side, given the captured key's nonce, accepts the
        // captured response with what the request offered.
        let nonce = decode_key(request.key()).unwrap();
        let client = ClientHandshake::from_nonce(&nonce);
        let subprotocols: Vec<&str> = request.subprotocols().collect();
        let extensions: Vec<&str> = request.extensions().map(|o| o.name).collect();
        let checked = complete(
            client
                .check_response(&c.response, &subprotocols, &extensions, &LIMITS)
                .unwrap(),
        );
        assert_eq!(checked.head_len, c.response.len());
        assert_eq!(checked.extensions, captured.get("Sec-WebSocket-Extensions"));
        assert_eq!(
            checked.subprotocol.map(str::as_bytes),
            captured.get("Sec-WebSocket-Protocol")
        );
        // ... and our own 101 too.
        let ours = complete(
            client
                .check_response(&out[..n], &subprotocols, &extensions, &LIMITS)
                .unwrap(),
        );
        assert_eq!(
            ours,
            ServerResponse {
                head_len: n,
                subprotocol: None,
                extensions: None
            }
        );
    }
}

#[test]
fn autobahn_13_7_1_three_offers_in_one_header() {
    let c = capture("autobahn-case-13.7.1");
    let request = c.parsed();
    let deflate = "permessage-deflate";
    assert_eq!(
        offers(&request),
        [
            (
                deflate.to_owned(),
                owned(&[
                    ("client_no_context_takeover", None),
                    ("client_max_window_bits", None),
                    ("server_no_context_takeover", None),
                    ("server_max_window_bits", Some("9")),
                ])
            ),
            (
                deflate.to_owned(),
                owned(&[
                    ("client_no_context_takeover", None),
                    ("client_max_window_bits", None),
                    ("server_no_context_takeover", None),
                ])
            ),
            (
                deflate.to_owned(),
                owned(&[
                    ("client_no_context_takeover", None),
                    ("client_max_window_bits", None)
                ])
            ),
        ]
    );
}

#[test]
fn autobahn_13_3_1_parameter_with_value() {
    let request = capture("autobahn-case-13.3.1")
        .parsed()
        .extensions()
        .next()
        .unwrap();
    let params: Vec<_> = request.params.collect();
    assert_eq!(
        params,
        [
            ("client_no_context_takeover", None),
            ("client_max_window_bits", None),
            ("server_max_window_bits", Some("9"))
        ]
    );
}

#[test]
fn node_ws_subprotocols_without_space() {
    let c = capture("node-ws-subprotocol");
    let request = c.parsed();
    assert_eq!(
        request.subprotocols().collect::<Vec<_>>(),
        ["chat", "superchat"]
    );
    assert_eq!(request.origin(), Some(&b"http://example.test"[..]));
    assert_eq!(request.extensions().count(), 0);
    // Host is the last header in `ws`'s request.
    assert_eq!(request.headers().last().unwrap().name, "Host");
}

#[test]
fn autobahn_upgrade_websocket_capitalised() {
    let request = capture("autobahn-testsuite").parsed();
    assert_eq!(request.header("upgrade"), Some(&b"WebSocket"[..]));
    assert_eq!(request.origin(), None);
    assert_eq!(request.subprotocols().count(), 0);
}

#[test]
fn chromium_origin_and_offer() {
    for name in ["chromium", "chromium-dumpdom", "nodeflate/chromium"] {
        let request = capture(name).parsed();
        assert_eq!(request.origin(), Some(&b"http://127.0.0.1:9103"[..]));
        assert_eq!(
            offers(&request),
            [(
                "permessage-deflate".to_owned(),
                owned(&[("client_max_window_bits", None)])
            )]
        );
        assert_eq!(request.headers().len(), 12);
    }
}

#[test]
fn curl_and_python_captures() {
    let curl = capture("curl").parsed();
    assert_eq!(curl.key(), b"dGhlIHNhbXBsZSBub25jZQ==");
    assert_eq!(&accept_key(curl.key()), b"s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    let both = capture("curl-subprotocol-deflate");
    let both = both.parsed();
    assert_eq!(both.subprotocols().collect::<Vec<_>>(), ["chat"]);
    assert_eq!(
        both.extensions().map(|o| o.name).collect::<Vec<_>>(),
        ["permessage-deflate"]
    );
    let python = capture("python-websockets-nodeflate-subprotocol");
    let python = python.parsed();
    assert_eq!(python.subprotocols().collect::<Vec<_>>(), ["chat"]);
    assert_eq!(
        python.header("user-agent"),
        Some(&b"Python/3.11 websockets/17.4"[..])
    );
    assert_eq!(python.extensions().count(), 0);
}

#[test]
fn captures_through_from_parsed_give_the_same_request() {
    // Miri: every 4th capture (each parse of a capture takes ~1 s there).
    for c in captures().iter().step_by(if cfg!(miri) { 4 } else { 1 }) {
        let parsed = c.parsed();
        let headers: Vec<Header<'_>> = parsed.headers().collect();
        let again = Request::from_parsed("GET", parsed.path(), 1, &headers).unwrap();
        assert_eq!(again.head_len(), 0);
        assert_eq!(
            (again.path(), again.host(), again.key()),
            (parsed.path(), parsed.host(), parsed.key())
        );
        assert_eq!(again.origin(), parsed.origin());
        assert!(again.subprotocols().eq(parsed.subprotocols()));
        assert!(
            again
                .extensions()
                .map(|o| o.name)
                .eq(parsed.extensions().map(|o| o.name))
        );
    }
}

// ------------------------------------------------------------ split feeding

/// The split points (or buffer sizes) in `range` to try: all of them, or
/// under Miri (where each parse takes a while) every 37th and the last.
fn splits(range: core::ops::Range<usize>) -> impl Iterator<Item = usize> {
    let last = range.end.checked_sub(1).filter(|&l| l >= range.start);
    range.step_by(if cfg!(miri) { 37 } else { 1 }).chain(last)
}

#[test]
fn every_capture_at_every_split_point() {
    // Miri: every 4th capture (each parse of a capture takes ~1 s there).
    for c in captures().iter().step_by(if cfg!(miri) { 4 } else { 1 }) {
        let len = c.request.len();
        let mut buf = c.request.clone();
        buf.extend_from_slice(&MASKED_HELLO);
        for split in splits(0..len) {
            let status = Request::parse(&buf[..split], &LIMITS).unwrap();
            assert!(status.is_partial(), "{} at {split}", c.name);
        }
        for split in splits(len..buf.len() + 1) {
            let request = complete(Request::parse(&buf[..split], &LIMITS).unwrap());
            assert_eq!(request.head_len(), len, "{} at {split}", c.name);
            // The first frame's bytes are left for the connection.
            assert_eq!(
                &buf[request.head_len()..split],
                &MASKED_HELLO[..split - len]
            );
        }
    }
}

// ----------------------------------------------------- §4.2.1, one per rule

#[test]
fn base_request_is_valid() {
    let head = head_of(&BASE);
    let request = complete(Request::parse(&head, &LIMITS).unwrap());
    assert_eq!(request.path(), "/chat");
    assert_eq!(request.host(), b"server.example.com");
    assert_eq!(request.head_len(), head.len());
}

#[test]
fn rule_method_get_405() {
    let mut lines = BASE;
    lines[0] = "POST /chat HTTP/1.1";
    let answer = refused(&head_of(&lines), HandshakeError::MethodNotGet, 405);
    assert_eq!(answer.get("Allow"), Some(&b"GET"[..]));
    lines[0] = "get /chat HTTP/1.1";
    refused(&head_of(&lines), HandshakeError::MethodNotGet, 405);
}

#[test]
fn rule_http_1_1_400() {
    let mut lines = BASE;
    lines[0] = "GET /chat HTTP/1.0";
    refused(&head_of(&lines), HandshakeError::HttpVersion, 400);
}

#[test]
fn rule_host_400() {
    refused(&base_with("Host:", &[]), HandshakeError::MissingHost, 400);
    refused(
        &base_with("Host:", &["Host: "]),
        HandshakeError::MissingHost,
        400,
    );
    // RFC 7230 §5.4: more than one Host is a bad request too.
    refused(
        &base_with("Host:", &["Host: a", "Host: b"]),
        HandshakeError::BadHeaderValue,
        400,
    );
}

#[test]
fn rule_upgrade_websocket_426() {
    let answer = refused(
        &base_with("Upgrade:", &[]),
        HandshakeError::MissingUpgrade,
        426,
    );
    assert_eq!(answer.get("Upgrade"), Some(&b"websocket"[..]));
    assert_eq!(answer.get("Sec-WebSocket-Version"), Some(&b"13"[..]));
    assert_eq!(answer.get("Connection"), Some(&b"Upgrade, close"[..]));
    refused(
        &base_with("Upgrade:", &["Upgrade: h2c"]),
        HandshakeError::MissingUpgrade,
        426,
    );
    refused(
        &base_with("Upgrade:", &["Upgrade: websockets"]),
        HandshakeError::MissingUpgrade,
        426,
    );
    for ok in ["Upgrade: WEBSOCKET", "Upgrade: h2c, WebSocket"] {
        assert!(
            !Request::parse(&base_with("Upgrade:", &[ok]), &LIMITS)
                .unwrap()
                .is_partial()
        );
    }
}

#[test]
fn rule_connection_upgrade_400() {
    refused(
        &base_with("Connection:", &[]),
        HandshakeError::MissingConnectionUpgrade,
        400,
    );
    refused(
        &base_with("Connection:", &["Connection: keep-alive"]),
        HandshakeError::MissingConnectionUpgrade,
        400,
    );
    refused(
        &base_with("Connection:", &["Connection: upgraded"]),
        HandshakeError::MissingConnectionUpgrade,
        400,
    );
    // Firefox's list, and the same list split over two lines (RFC 7230 §3.2.2).
    for ok in [
        &["Connection: keep-alive, Upgrade"][..],
        &["Connection: keep-alive", "connection: UPGRADE"],
    ] {
        assert!(
            !Request::parse(&base_with("Connection:", ok), &LIMITS)
                .unwrap()
                .is_partial()
        );
    }
}

#[test]
fn rule_version_13_426() {
    let answer = refused(
        &base_with("Sec-WebSocket-Version:", &["Sec-WebSocket-Version: 8"]),
        HandshakeError::UnsupportedVersion,
        426,
    );
    assert_eq!(answer.get("Sec-WebSocket-Version"), Some(&b"13"[..]));
    let mut out = [0u8; 256];
    let n = write_rejection(HandshakeError::UnsupportedVersion, &mut out).unwrap();
    let bytes = &out[..n];
    assert!(bytes.windows(25).any(|w| w == b"Sec-WebSocket-Version: 13"));
    assert!(bytes.starts_with(b"HTTP/1.1 426 Upgrade Required\r\n"));
    // RFC 6455 §11.3.5: at most once in a request.
    refused(
        &base_with(
            "Sec-WebSocket-Version:",
            &["Sec-WebSocket-Version: 13", "Sec-WebSocket-Version: 13"],
        ),
        HandshakeError::UnsupportedVersion,
        426,
    );
    refused(
        &base_with("Sec-WebSocket-Version:", &["Sec-WebSocket-Version: 13, 8"]),
        HandshakeError::UnsupportedVersion,
        426,
    );
}

#[test]
fn rule_version_missing_426() {
    let answer = refused(
        &base_with("Sec-WebSocket-Version:", &[]),
        HandshakeError::MissingVersion,
        426,
    );
    assert_eq!(answer.get("Sec-WebSocket-Version"), Some(&b"13"[..]));
    assert_eq!(answer.get("Upgrade"), Some(&b"websocket"[..]));
}

#[test]
fn rule_key_16_bytes_once_400() {
    let bad_keys: [&[&str]; 6] = [
        &[],
        &["Sec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAA"], // 15 bytes
        &["Sec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAAA="], // 17 bytes
        &["Sec-WebSocket-Key: not*base64*at*all*!!!!=="], // not base64
        &["Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ"], // unpadded
        &[
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
        ],
    ];
    for lines in bad_keys {
        refused(
            &base_with("Sec-WebSocket-Key:", lines),
            HandshakeError::BadKey,
            400,
        );
    }
}

#[test]
fn rule_head_size_431() {
    let head = head_of(&BASE);
    let len = head.len();
    let at = |max_head_size| HandshakeLimits { max_head_size };
    // Complete and within the limit, exactly at it, and beyond it.
    assert!(!Request::parse(&head, &at(len)).unwrap().is_partial());
    assert_eq!(
        Request::parse(&head, &at(len - 1)).map(|_| ()),
        Err(HandshakeError::HeadTooLarge)
    );
    // Still partial when the buffer reaches the limit.
    let partial = &head[..len - 2];
    assert!(Request::parse(partial, &at(len)).unwrap().is_partial());
    assert_eq!(
        Request::parse(partial, &at(len - 2)).map(|_| ()),
        Err(HandshakeError::HeadTooLarge)
    );
    // A head that never ends, with the default limit.
    let mut endless = head_of(&BASE[..5]);
    endless.truncate(endless.len() - 2);
    while endless.len() < LIMITS.max_head_size {
        endless
            .extend_from_slice(b"X-Filler: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n");
    }
    assert_eq!(HandshakeError::HeadTooLarge.http_status(), Some(431));
    refused(&endless, HandshakeError::HeadTooLarge, 431);
    // Frames after a complete head do not count towards the limit.
    let mut with_frames = head.clone();
    with_frames.extend_from_slice(&[0u8; 200]);
    let request = complete(Request::parse(&with_frames, &at(len)).unwrap());
    assert_eq!(request.head_len(), len);
}

#[test]
fn rule_too_many_header_lines_431() {
    let fill = |n: usize| -> Vec<String> { (0..n).map(|i| format!("X-Extra-{i}: {i}")).collect() };
    let extra = fill(MAX_HEADERS - 5);
    let mut lines: Vec<&str> = BASE.to_vec();
    lines.extend(extra.iter().map(String::as_str));
    let head = head_of(&lines);
    let request = complete(Request::parse(&head, &LIMITS).unwrap());
    assert_eq!(request.headers().len(), MAX_HEADERS);
    lines.push("X-One-Too-Many: 1");
    refused(&head_of(&lines), HandshakeError::HeadTooLarge, 431);
}

#[test]
fn rule_extension_grammar_400() {
    let bad = [
        "Sec-WebSocket-Extensions: permessage-deflate;",
        "Sec-WebSocket-Extensions: permessage-deflate; ; x",
        "Sec-WebSocket-Extensions: permessage-deflate; server_max_window_bits=",
        "Sec-WebSocket-Extensions: permessage-deflate; server_max_window_bits=\"9",
        "Sec-WebSocket-Extensions: permessage-deflate; server_max_window_bits=\"\\9\"",
        "Sec-WebSocket-Extensions: permessage-deflate; x=\"a b\"",
        "Sec-WebSocket-Extensions: permessage deflate",
        "Sec-WebSocket-Extensions: ; permessage-deflate",
    ];
    for line in bad {
        refused(
            &base_with("Sec-WebSocket-Extensions:", &[line]),
            HandshakeError::BadHeaderValue,
            400,
        );
    }
    // A valid line does not excuse a bad one.
    refused(
        &base_with(
            "Sec-WebSocket-Extensions:",
            &[
                "Sec-WebSocket-Extensions: permessage-deflate",
                "Sec-WebSocket-Extensions: x;;",
            ],
        ),
        HandshakeError::BadHeaderValue,
        400,
    );
    // Quoted token values are fine and are returned unquoted; offers from
    // several lines are joined.
    let head = base_with(
        "Sec-WebSocket-Extensions:",
        &[
            "Sec-WebSocket-Extensions: a; x=\"10\" , b",
            "Sec-WebSocket-Extensions: c ; y = 1",
        ],
    );
    let request = complete(Request::parse(&head, &LIMITS).unwrap());
    assert_eq!(
        offers(&request),
        [
            ("a".to_owned(), owned(&[("x", Some("10"))])),
            ("b".to_owned(), owned(&[])),
            ("c".to_owned(), owned(&[("y", Some("1"))])),
        ]
    );
}

#[test]
fn rule_subprotocols_are_tokens_400() {
    for line in [
        "Sec-WebSocket-Protocol: chat, super chat",
        "Sec-WebSocket-Protocol: a;b",
        "Sec-WebSocket-Protocol: \"chat\"",
    ] {
        refused(
            &base_with("Sec-WebSocket-Protocol:", &[line]),
            HandshakeError::BadHeaderValue,
            400,
        );
    }
    let head = base_with(
        "Sec-WebSocket-Protocol:",
        &[
            "Sec-WebSocket-Protocol: chat,superchat",
            "sec-websocket-protocol: , v2.json ,",
        ],
    );
    let request = complete(Request::parse(&head, &LIMITS).unwrap());
    assert_eq!(
        request.subprotocols().collect::<Vec<_>>(),
        ["chat", "superchat", "v2.json"]
    );
}

#[test]
fn malformed_head_400() {
    refused(
        b"GET /chat HTTP/1.1\r\nHost server\r\n\r\n",
        HandshakeError::MalformedHead,
        400,
    );
    refused(
        b"GET /chat FTP/1.1\r\n\r\n",
        HandshakeError::MalformedHead,
        400,
    );
    refused(
        b"\x16\x03\x01\x02\x00\x01\x00\x01",
        HandshakeError::MalformedHead,
        400,
    );
}

#[test]
fn from_parsed_shares_the_rules() {
    let h = |name, value: &'static str| Header {
        name,
        value: value.as_bytes(),
    };
    let headers = [
        h("Host", "iis.example"),
        h("Upgrade", "websocket"),
        h("Connection", "Upgrade"),
        h("Sec-WebSocket-Version", "13"),
        h("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="),
    ];
    let request = Request::from_parsed("GET", "/x", 1, &headers).unwrap();
    assert_eq!(
        (request.path(), request.host(), request.head_len()),
        ("/x", &b"iis.example"[..], 0)
    );
    let err = |method, minor, headers: &[Header<'_>]| {
        Request::from_parsed(method, "/x", minor, headers).unwrap_err()
    };
    assert_eq!(err("PUT", 1, &headers), HandshakeError::MethodNotGet);
    assert_eq!(err("GET", 0, &headers), HandshakeError::HttpVersion);
    assert_eq!(err("GET", 1, &headers[..4]), HandshakeError::BadKey);
    assert_eq!(err("GET", 1, &headers[1..]), HandshakeError::MissingHost);
    let many = vec![h("X", "1"); MAX_HEADERS + 1];
    assert_eq!(err("GET", 1, &many), HandshakeError::HeadTooLarge);
}

// ----------------------------------------------------------------- writers

#[test]
fn write_response_exact_size_and_untouched() {
    let response = Response {
        subprotocol: Some("chat"),
        extensions: Some("permessage-deflate; server_max_window_bits=12"),
        extra_headers: &[("Server", b"wsframe")],
    };
    let needed =
        check_exact_size(|out| write_response(b"dGhlIHNhbXBsZSBub25jZQ==", &response, out));
    let mut out = vec![0u8; needed];
    write_response(b"dGhlIHNhbXBsZSBub25jZQ==", &response, &mut out).unwrap();
    let head = Head::parse(&out);
    assert_eq!((head.code, head.len), (101, needed));
    assert!(out.starts_with(b"HTTP/1.1 101 Switching Protocols\r\n"));
    assert_eq!(head.get("Upgrade"), Some(&b"websocket"[..]));
    assert_eq!(head.get("Connection"), Some(&b"Upgrade"[..]));
    assert_eq!(
        head.get("Sec-WebSocket-Accept"),
        Some(&b"s3pPLMBiTxaQ9kYGzzhZRbK+xOo="[..])
    );
    assert_eq!(head.get("Sec-WebSocket-Protocol"), Some(&b"chat"[..]));
    assert_eq!(
        head.get("Sec-WebSocket-Extensions"),
        Some(&b"permessage-deflate; server_max_window_bits=12"[..])
    );
    assert_eq!(head.get("Server"), Some(&b"wsframe"[..]));
}

#[test]
fn write_rejection_and_status_exact_size_and_untouched() {
    for error in [
        HandshakeError::MethodNotGet,
        HandshakeError::UnsupportedVersion,
        HandshakeError::HeadTooLarge,
    ] {
        check_exact_size(|out| write_rejection(error, out));
    }
    check_exact_size(|out| write_status(403, &[("X-Reason", b"origin")], out));
}

#[test]
fn write_response_refuses_injection() {
    type Edit = fn(&mut Response<'static>);
    let cases: [(Edit, UsageError); 7] = [
        (
            |r| r.subprotocol = Some("chat\r\nX: y"),
            UsageError::InvalidToken,
        ),
        (|r| r.subprotocol = Some("a b"), UsageError::InvalidToken),
        (
            |r| r.extensions = Some("permessage-deflate\r\nX: y"),
            UsageError::InvalidHeader,
        ),
        (|r| r.extensions = Some(""), UsageError::InvalidHeader),
        (
            |r| r.extra_headers = &[("Set-Cookie", b"a\r\nX: y")],
            UsageError::InvalidHeader,
        ),
        (
            |r| r.extra_headers = &[("X\r\nY", b"1")],
            UsageError::InvalidHeader,
        ),
        (
            |r| r.extra_headers = &[("sec-websocket-accept", b"x")],
            UsageError::InvalidHeader,
        ),
    ];
    for (edit, error) in cases {
        let mut response = Response::new();
        edit(&mut response);
        let mut out = [0xAAu8; 512];
        let result = write_response(b"dGhlIHNhbXBsZSBub25jZQ==", &response, &mut out);
        assert_eq!(result, Err(error), "{response:?}");
        assert_untouched(&out);
    }
}

#[test]
fn every_server_error_has_a_rejection() {
    let server_errors = [
        HandshakeError::MalformedHead,
        HandshakeError::HeadTooLarge,
        HandshakeError::MethodNotGet,
        HandshakeError::HttpVersion,
        HandshakeError::MissingHost,
        HandshakeError::MissingUpgrade,
        HandshakeError::MissingConnectionUpgrade,
        HandshakeError::BadKey,
        HandshakeError::MissingVersion,
        HandshakeError::UnsupportedVersion,
        HandshakeError::BadHeaderValue,
    ];
    for error in server_errors {
        let mut out = [0u8; 512];
        let n = write_rejection(error, &mut out).unwrap();
        let head = Head::parse(&out[..n]);
        assert_eq!((Some(head.code), head.len), (error.http_status(), n));
    }
    let client_errors = [
        HandshakeError::ResponseStatus,
        HandshakeError::ResponseUpgrade,
        HandshakeError::ResponseConnection,
        HandshakeError::ResponseAccept,
        HandshakeError::ResponseSubprotocol,
        HandshakeError::ResponseExtension,
    ];
    for error in client_errors {
        let mut out = [0xAAu8; 512];
        assert_eq!(
            write_rejection(error, &mut out),
            Err(UsageError::InvalidStatus)
        );
        assert_untouched(&out);
    }
}

#[test]
fn write_status_for_application_refusals() {
    let mut out = [0u8; 256];
    let n = write_status(403, &[("X-Reason", b"unknown origin")], &mut out).unwrap();
    assert!(out.starts_with(b"HTTP/1.1 403 Forbidden\r\n"));
    let head = Head::parse(&out[..n]);
    assert_eq!((head.code, head.len), (403, n));
    assert_eq!(head.get("X-Reason"), Some(&b"unknown origin"[..]));
    assert_eq!(head.get("Connection"), Some(&b"close"[..]));
    let n = write_status(418, &[], &mut out).unwrap();
    assert_eq!(Head::parse(&out[..n]).code, 418);
    let n = write_status(503, &[("Retry-After", b"5")], &mut out).unwrap();
    assert!(out[..n].starts_with(b"HTTP/1.1 503 Service Unavailable\r\n"));
    for status in [0, 101, 200, 302, 399, 600, 999] {
        let mut out = [0xAAu8; 256];
        assert_eq!(
            write_status(status, &[], &mut out),
            Err(UsageError::InvalidStatus)
        );
        assert_untouched(&out);
    }
    for extra in [
        &[("X", &b"a\nb"[..])][..],
        &[("Content-Length", b"5")],
        &[("Transfer-Encoding", b"chunked")],
    ] {
        let mut out = [0xAAu8; 256];
        assert_eq!(
            write_status(401, extra, &mut out),
            Err(UsageError::InvalidHeader)
        );
        assert_untouched(&out);
    }
}

// ------------------------------------------------------------------ client

const OFFERED: [&str; 2] = ["chat", "superchat"];
const DEFLATE: [&str; 1] = ["permessage-deflate"];

fn client_request() -> ClientRequest<'static> {
    ClientRequest {
        subprotocols: &OFFERED,
        extensions: Some("permessage-deflate; client_max_window_bits"),
        origin: Some("https://app.example"),
        extra_headers: &[("Cookie", b"session=1")],
        ..ClientRequest::new("server.example:8080", "/chat?room=1", *b"the sample nonce")
    }
}

/// The server's 101 for `request` choosing `response`, followed by a frame.
fn server_answer(request: &[u8], response: &Response<'_>) -> (Vec<u8>, usize) {
    let parsed = complete(Request::parse(request, &LIMITS).unwrap());
    let mut out = vec![0u8; 512];
    let n = parsed.write_response(response, &mut out).unwrap();
    out.truncate(n);
    out.extend_from_slice(&[0x81, 0x02, b'h', b'i']); // unmasked "hi" from the server
    (out, n)
}

#[test]
fn client_round_trip() {
    let mut wire = [0u8; 512];
    let (len, client) = client_request().write(&mut wire).unwrap();
    let request = &wire[..len];
    assert!(request.starts_with(b"GET /chat?room=1 HTTP/1.1\r\nHost: server.example:8080\r\n"));

    let parsed = complete(Request::parse(request, &LIMITS).unwrap());
    assert_eq!(parsed.head_len(), len);
    assert_eq!(parsed.path(), "/chat?room=1");
    assert_eq!(parsed.host(), b"server.example:8080");
    assert_eq!(parsed.origin(), Some(&b"https://app.example"[..]));
    assert_eq!(parsed.key(), b"dGhlIHNhbXBsZSBub25jZQ==");
    assert_eq!(parsed.header("cookie"), Some(&b"session=1"[..]));
    assert_eq!(parsed.subprotocols().collect::<Vec<_>>(), OFFERED);
    assert_eq!(
        offers(&parsed),
        [(
            "permessage-deflate".to_owned(),
            owned(&[("client_max_window_bits", None)])
        )]
    );
    assert_eq!(client.expected_accept(), b"s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");

    let response = Response {
        subprotocol: Some("superchat"),
        extensions: Some("permessage-deflate; server_max_window_bits=12"),
        extra_headers: &[],
    };
    let (answer, n) = server_answer(request, &response);
    let checked = complete(
        client
            .check_response(&answer, &OFFERED, &DEFLATE, &LIMITS)
            .unwrap(),
    );
    assert_eq!(
        checked,
        ServerResponse {
            head_len: n,
            subprotocol: Some("superchat"),
            extensions: Some(&b"permessage-deflate; server_max_window_bits=12"[..]),
        }
    );
    // The server's first frame, sent in the same segment, is not lost.
    assert_eq!(&answer[checked.head_len..], [0x81, 0x02, b'h', b'i']);
}

#[test]
fn client_response_at_every_split_point() {
    let mut wire = [0u8; 512];
    let (len, client) = client_request().write(&mut wire).unwrap();
    let (answer, n) = server_answer(
        &wire[..len],
        &Response {
            subprotocol: Some("chat"),
            ..Response::new()
        },
    );
    for split in splits(0..n) {
        let status = client
            .check_response(&answer[..split], &OFFERED, &DEFLATE, &LIMITS)
            .unwrap();
        assert!(status.is_partial(), "at {split}");
    }
    for split in splits(n..answer.len() + 1) {
        let checked = complete(
            client
                .check_response(&answer[..split], &OFFERED, &DEFLATE, &LIMITS)
                .unwrap(),
        );
        assert_eq!((checked.head_len, checked.subprotocol), (n, Some("chat")));
    }
}

#[test]
fn client_refuses_wrong_accept() {
    let mut wire = [0u8; 512];
    let (len, _) = client_request().write(&mut wire).unwrap();
    let (answer, _) = server_answer(&wire[..len], &Response::new());
    let other = ClientHandshake::from_nonce(&[0; 16]);
    assert_eq!(
        other.check_response(&answer, &OFFERED, &DEFLATE, &LIMITS),
        Err(HandshakeError::ResponseAccept)
    );
}

#[test]
fn client_refuses_unoffered_choices() {
    use HandshakeError::{ResponseExtension as Ext, ResponseSubprotocol as Sub};
    let mut wire = [0u8; 512];
    let (len, client) = client_request().write(&mut wire).unwrap();
    type Case = (
        Option<&'static str>,
        Option<&'static str>,
        &'static [&'static str],
        &'static [&'static str],
    );
    let cases: [(Case, Result<(), HandshakeError>); 8] = [
        ((Some("other"), None, &OFFERED, &DEFLATE), Err(Sub)),
        ((Some("Chat"), None, &OFFERED, &DEFLATE), Err(Sub)), // case matters
        ((Some("chat"), None, &[], &DEFLATE), Err(Sub)),      // none offered
        ((Some("chat"), None, &OFFERED, &DEFLATE), Ok(())),
        ((None, Some("permessage-deflate"), &OFFERED, &[]), Err(Ext)),
        (
            (None, Some("permessage-deflate"), &OFFERED, &["x-other"]),
            Err(Ext),
        ),
        (
            (
                None,
                Some("permessage-deflate, x-other"),
                &OFFERED,
                &DEFLATE,
            ),
            Err(Ext),
        ),
        (
            (
                None,
                Some("permessage-deflate, x-other"),
                &OFFERED,
                &["x-other", "permessage-deflate"],
            ),
            Ok(()),
        ),
    ];
    for ((subprotocol, extensions, offered, offered_extensions), expected) in cases {
        let response = Response {
            subprotocol,
            extensions,
            extra_headers: &[],
        };
        let (answer, _) = server_answer(&wire[..len], &response);
        let result = client.check_response(&answer, offered, offered_extensions, &LIMITS);
        assert_eq!(result.map(|_| ()), expected, "{response:?}");
    }
}

#[test]
fn client_refuses_bad_responses() {
    use HandshakeError as E;
    const S101: &str = "HTTP/1.1 101 Switching Protocols";
    const U: &str = "Upgrade: websocket";
    const C: &str = "Connection: Upgrade";
    const A: &str = "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";
    const P: &str = "Sec-WebSocket-Protocol: chat";
    let client = ClientHandshake::from_nonce(b"the sample nonce");
    let check = |answer: &[u8]| {
        client
            .check_response(answer, &OFFERED, &DEFLATE, &LIMITS)
            .map(|_| ())
    };
    let cases: [(&[&str], Result<(), HandshakeError>); 13] = [
        (&[S101, U, C, A], Ok(())),
        (
            &[
                S101,
                "upgrade: WebSocket",
                "connection: keep-alive, upgrade",
                A,
                P,
            ],
            Ok(()),
        ),
        (&["HTTP/1.1 200 OK", U, C, A], Err(E::ResponseStatus)),
        (
            &["HTTP/1.0 101 Switching Protocols", U, C, A],
            Err(E::ResponseStatus),
        ),
        (&[S101, C, A], Err(E::ResponseUpgrade)),
        (&[S101, "Upgrade: h2c", C, A], Err(E::ResponseUpgrade)),
        (&[S101, U, A], Err(E::ResponseConnection)),
        (&[S101, U, C], Err(E::ResponseAccept)),
        (
            &[S101, U, C, "Sec-WebSocket-Accept: dGhlIHNhbXBsZSBub25jZQ=="],
            Err(E::ResponseAccept),
        ),
        (&[S101, U, C, A, A], Err(E::ResponseAccept)),
        (&[S101, U, C, A, P, P], Err(E::ResponseSubprotocol)),
        (
            &[
                S101,
                U,
                C,
                A,
                "Sec-WebSocket-Extensions: permessage-deflate;",
            ],
            Err(E::ResponseExtension),
        ),
        (&[S101, "Upgrade websocket"], Err(E::MalformedHead)),
    ];
    for (lines, expected) in cases {
        assert_eq!(check(&head_of(lines)), expected, "{lines:?}");
    }

    // Refusals written by our server are not a 101.
    let mut out = [0u8; 256];
    let n = write_status(403, &[], &mut out).unwrap();
    assert_eq!(check(&out[..n]), Err(E::ResponseStatus));
    let n = write_rejection(E::UnsupportedVersion, &mut out).unwrap();
    assert_eq!(check(&out[..n]), Err(E::ResponseStatus));

    // Size limit, as on the server: partial at the limit, complete beyond.
    let small = HandshakeLimits { max_head_size: 40 };
    let answer = head_of(&[S101, U, C, A]);
    for buf in [&answer[..40], &answer] {
        let result = client.check_response(buf, &[], &[], &small);
        assert_eq!(result.map(|_| ()), Err(E::HeadTooLarge));
    }
}

#[test]
fn client_check_parsed_shares_the_rules() {
    let client = ClientHandshake::from_nonce(b"the sample nonce");
    let h = |name, value: &'static str| Header {
        name,
        value: value.as_bytes(),
    };
    let headers = [
        h("Upgrade", "websocket"),
        h("Connection", "Upgrade"),
        h("Sec-WebSocket-Accept", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="),
        h("Sec-WebSocket-Protocol", "chat"),
    ];
    let ok = client
        .check_parsed(101, 1, &headers, &OFFERED, &[])
        .unwrap();
    assert_eq!(
        ok,
        ServerResponse {
            head_len: 0,
            subprotocol: Some("chat"),
            extensions: None
        }
    );
    assert_eq!(
        client.check_parsed(200, 1, &headers, &OFFERED, &[]),
        Err(HandshakeError::ResponseStatus)
    );
    assert_eq!(
        client
            .check_parsed(101, 1, &headers[..3], &[], &[])
            .map(|r| r.subprotocol),
        Ok(None)
    );
    assert_eq!(
        client.check_parsed(101, 1, &headers, &[], &[]),
        Err(HandshakeError::ResponseSubprotocol)
    );
    assert_eq!(
        client.check_parsed(101, 1, &headers[1..], &OFFERED, &[]),
        Err(HandshakeError::ResponseUpgrade)
    );
}

#[test]
fn client_write_checks_and_exact_size() {
    let request = client_request();
    check_exact_size(|out| request.write(out).map(|(n, _)| n));
    type Edit = fn(&mut ClientRequest<'static>);
    let cases: [(Edit, UsageError); 11] = [
        (|r| r.path = "", UsageError::InvalidHeader),
        (|r| r.path = "/a b", UsageError::InvalidHeader),
        (|r| r.path = "/a\r\nX: y", UsageError::InvalidHeader),
        (|r| r.path = "/a#fragment", UsageError::InvalidHeader),
        (|r| r.host = "", UsageError::InvalidHeader),
        (|r| r.host = "h\r\nX: y", UsageError::InvalidHeader),
        (|r| r.origin = Some("o\r\nX: y"), UsageError::InvalidHeader),
        (|r| r.extensions = Some("a;;b"), UsageError::InvalidHeader),
        (
            |r| r.extra_headers = &[("Cookie", b"a\nb")],
            UsageError::InvalidHeader,
        ),
        (
            |r| r.extra_headers = &[("Sec-WebSocket-Key", b"x")],
            UsageError::InvalidHeader,
        ),
        (
            |r| r.subprotocols = &["chat", "super chat"],
            UsageError::InvalidToken,
        ),
    ];
    for (edit, error) in cases {
        let mut request = client_request();
        edit(&mut request);
        let mut out = [0xAAu8; 512];
        assert_eq!(
            request.write(&mut out).map(|(n, _)| n),
            Err(error),
            "{request:?}"
        );
        assert_untouched(&out);
    }
    // The minimal request is exactly RFC 6455 §1.3's example.
    let mut out = [0u8; 256];
    let minimal = ClientRequest::new("server.example.com", "/chat", *b"the sample nonce");
    let (n, _) = minimal.write(&mut out).unwrap();
    assert_eq!(&out[..n], &head_of(&BASE)[..]);
}
