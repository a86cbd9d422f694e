//! A WebSocket client over blocking `std::net`, in two modes.
//!
//! Autobahn mode (default) drives the Autobahn Testsuite's fuzzingserver
//! (`tests/autobahn/run.sh client`): it asks for the number of cases, runs
//! each one by echoing everything the server sends, then asks the server
//! to write its reports.
//!
//! `--check` mode connects to any echo server (`tests/peers`: Python
//! `websockets`, Node `ws`), sends a fixed list of messages ([`messages`]:
//! ASCII and non-ASCII text, empty text and binary, 125 B, 64 KiB and
//! 1 MiB binary), each after the echo of the one before, checks every echo
//! byte for byte and closes with 1000. It prints the negotiated extension
//! (`echo_client: extensions: ...`), one line per message and a summary
//! `echo_client: check: N of M messages echoed byte-exact, ...`; the exit
//! status is non-zero unless all came back.
//!
//! ```text
//! cargo run --release -p wsframe --example echo_client -- [OPTIONS] ws://127.0.0.1:9001 [AGENT]
//! cargo run --release -p wsframe --example echo_client -- --check [OPTIONS] ws://127.0.0.1:8765/path
//! ```
//!
//! permessage-deflate (RFC 7692) is offered by default as
//! `permessage-deflate; client_max_window_bits` (plus the options' caps,
//! see `common::Args`); an answer that breaks §7.1 fails the handshake.
//! When negotiated, every message we send is compressed.

mod common;

use std::net::TcpStream;

use common::{Args, Codec, DEFLATE_USAGE, DeflateMemory, Peer, Result, Rng, describe, ws};
use wsframe::deflate::{self, DeflateConfig, DeflateParams};
use wsframe::handshake::{ClientRequest, ExtensionOffers, Status};
use wsframe::{CloseCode, Config, Connection, DataKind, HandshakeLimits, Role};

/// Largest piece handed to one send: the send buffer holds an
/// uncompressed frame of this size.
const PIECE: usize = 64 * 1024;

fn main() -> Result<()> {
    let usage =
        format!("usage: echo_client [--check] {DEFLATE_USAGE} ws://HOST:PORT[/PATH] [AGENT]");
    let args = Args::parse(&["--check"]).map_err(|e| format!("{e}\n{usage}"))?;
    let url = args
        .positional
        .first()
        .cloned()
        .unwrap_or_else(|| "ws://127.0.0.1:9001".into());
    let rest = url
        .strip_prefix("ws://")
        .ok_or_else(|| format!("expected a ws://HOST:PORT URL\n{usage}"))?;
    let (host, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let client = Client {
        host,
        deflate: args.deflate,
        rng: Rng::new(),
        log_extensions: args.flag("--check"),
    };
    if args.flag("--check") {
        return check(client, path);
    }
    let agent = args.positional.get(1).map_or("wsframe", String::as_str);
    autobahn(client, agent)
}

/// The Autobahn fuzzingserver's protocol: /getCaseCount, /runCase for each
/// case, /updateReports.
fn autobahn(mut client: Client<'_>, agent: &str) -> Result<()> {
    let count = client.session("/getCaseCount", |peer, conn, codec| {
        peer.collect(conn, codec)
    })?;
    let count: u32 = std::str::from_utf8(&count)?.trim().parse()?;
    eprintln!("echo_client: {count} cases");
    for case in 1..=count {
        // A case that ends badly is recorded by the server; go on.
        let path = format!("/runCase?case={case}&agent={agent}");
        if let Err(e) = client.session(&path, |peer, conn, codec| peer.echo(conn, codec)) {
            eprintln!("echo_client: case {case}: {e}");
        }
    }
    let path = format!("/updateReports?agent={agent}");
    client.session(&path, |peer, conn, codec| peer.collect(conn, codec))?;
    eprintln!("echo_client: done");
    Ok(())
}

/// The messages `--check` sends, in order. Binary bytes are
/// `(i % 239) ^ (i >> 12)`: every byte value, and compressible even by
/// zlib at window 9, whose farthest match is 250 bytes back (the peers'
/// tests build the same with the same formula).
fn messages() -> Vec<(&'static str, DataKind, Vec<u8>)> {
    let binary = |len: usize| -> Vec<u8> {
        (0..len)
            .map(|i| ((i % 239) as u8) ^ ((i >> 12) as u8))
            .collect()
    };
    let ascii = "Hello, permessage-deflate! ".repeat(4);
    let non_ascii = "Grüße aus Zürich, ¿qué tal? Ωμέγα — 日本語のテキスト — 🦀🚀 ".repeat(8);
    vec![
        ("ASCII text", DataKind::Text, ascii.into_bytes()),
        ("non-ASCII text", DataKind::Text, non_ascii.into_bytes()),
        ("empty text", DataKind::Text, Vec::new()),
        ("empty binary", DataKind::Binary, Vec::new()),
        ("125 B binary", DataKind::Binary, binary(125)),
        ("64 KiB binary", DataKind::Binary, binary(64 * 1024)),
        ("1 MiB binary", DataKind::Binary, binary(1024 * 1024)),
    ]
}

/// `--check`: one connection, every message of [`messages`] echoed and
/// compared.
fn check(mut client: Client<'_>, path: &str) -> Result<()> {
    let messages = messages();
    let total = messages.len();
    let payload: usize = messages.iter().map(|(_, _, m)| m.len()).sum();
    let mut passed = 0;
    let mut received = 0;
    client.session(path, |peer, conn, codec| {
        send_message(&mut peer.sender(conn, codec), &messages[0])?;
        let mut next = 0;
        let mut got = Vec::new();
        peer.pump(conn, codec, |sender, kind, piece, message_end| {
            got.extend_from_slice(piece);
            if !message_end {
                return Ok(());
            }
            let Some((name, want_kind, want)) = messages.get(next) else {
                eprintln!("echo_client: unexpected message of {} bytes", got.len());
                got.clear();
                return Ok(());
            };
            if kind == *want_kind && got == *want {
                passed += 1;
                eprintln!(
                    "echo_client: {name} ({} bytes): echoed byte-exact",
                    want.len()
                );
            } else {
                eprintln!(
                    "echo_client: {name}: MISMATCH ({kind:?}, {} bytes back for {} sent)",
                    got.len(),
                    want.len()
                );
            }
            got.clear();
            next += 1;
            match messages.get(next) {
                Some(message) => send_message(sender, message),
                None => sender.close(CloseCode::NORMAL),
            }
        })?;
        received = peer.received();
        Ok(())
    })?;
    eprintln!(
        "echo_client: check: {passed} of {total} messages echoed byte-exact, \
         {received} bytes received for {payload} payload bytes"
    );
    if passed != total {
        return Err(format!(
            "{} of {total} messages not echoed byte-exact",
            total - passed
        )
        .into());
    }
    Ok(())
}

/// Sends one message of [`messages`] in pieces of at most [`PIECE`].
fn send_message(
    sender: &mut common::Sender<'_, '_>,
    (_, kind, bytes): &(&str, DataKind, Vec<u8>),
) -> Result<()> {
    if bytes.is_empty() {
        return sender.send(*kind, &[], true);
    }
    let mut pieces = bytes.chunks(PIECE).peekable();
    while let Some(piece) = pieces.next() {
        sender.send(*kind, piece, pieces.peek().is_none())?;
    }
    Ok(())
}

/// What every connection of one run shares.
struct Client<'a> {
    host: &'a str,
    deflate: Option<DeflateConfig>,
    rng: Rng,
    /// Print the negotiated extension (`--check`).
    log_extensions: bool,
}

impl Client<'_> {
    /// One connection to `path`: handshake (offering permessage-deflate
    /// unless it is off), then `run` until the connection is finished.
    fn session<T>(
        &mut self,
        path: &str,
        run: impl FnOnce(&mut Peer, &mut Connection, &mut Codec<'_>) -> Result<T>,
    ) -> Result<T> {
        let mut peer = Peer::new(TcpStream::connect(self.host)?, Role::Client)?;
        let params = self.handshake(&mut peer, path)?;
        let mut conn = Connection::new(Role::Client, Config::new());
        let mut memory = params.map(DeflateMemory::new);
        let mut codec = Codec::from(&mut memory)?;
        let result = run(&mut peer, &mut conn, &mut codec)?;
        peer.close()?;
        Ok(result)
    }

    /// The opening handshake; the negotiated permessage-deflate parameters.
    fn handshake(&mut self, peer: &mut Peer, path: &str) -> Result<Option<DeflateParams>> {
        let mut nonce = [0u8; 16];
        self.rng.fill(&mut nonce);
        let offer = self.deflate.as_ref().map(deflate::client_offer);
        let request = ClientRequest {
            extensions: offer.as_ref().map(|o| o.as_str()),
            ..ClientRequest::new(self.host, path, nonce)
        };
        let mut head = [0u8; 512];
        let (n, handshake) = request.write(&mut head).map_err(ws)?;
        peer.send(&head[..n])?;
        let offered: &[&str] = match offer {
            Some(_) => &[deflate::EXTENSION_NAME],
            None => &[],
        };
        let limits = HandshakeLimits::new();
        let (head_len, params) = loop {
            let response = match handshake
                .check_response(peer.buffered(), &[], offered, &limits)
                .map_err(ws)?
            {
                Status::Partial => {
                    peer.fill()?;
                    continue;
                }
                Status::Complete(response) => response,
            };
            let value = response.extensions.unwrap_or_default();
            let params = match &self.deflate {
                Some(config) if !value.is_empty() => {
                    let answer = ExtensionOffers::parse(value).map_err(ws)?;
                    // A §7.1 violation fails the connection (RFC 6455 §4.1).
                    deflate::check_answer(answer, config)
                        .map_err(|e| format!("permessage-deflate answer: {e}"))?
                }
                _ => None,
            };
            if self.log_extensions {
                let value = String::from_utf8_lossy(value);
                match &params {
                    Some(p) => eprintln!("echo_client: extensions: {value} ({})", describe(p)),
                    None => eprintln!("echo_client: extensions: none"),
                }
            }
            break (response.head_len, params);
        };
        // Bytes after the head are already frames.
        peer.consume(head_len);
        Ok(params)
    }
}
