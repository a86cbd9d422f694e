//! A WebSocket echo server over blocking `std::net`, one thread per
//! connection: the testee for the Autobahn Testsuite's fuzzingclient mode
//! (`tests/autobahn/run.sh server`) and for other libraries' clients
//! (`tests/peers`).
//!
//! ```text
//! cargo run --release -p wsframe --example echo_server -- [OPTIONS] 127.0.0.1:9001
//! ```
//!
//! It accepts every valid handshake with no subprotocol, negotiates
//! permessage-deflate (RFC 7692) when the client offers it and the options
//! allow (see `common::Args`: `--no-deflate`, `--deflate-window-bits=N`,
//! ...), then echoes each piece of data as soon as it arrives, so a 16 MiB
//! message streams through a 256 KiB buffer. With permessage-deflate every
//! echo is compressed, whether the client's message was or not.

mod common;

use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

use common::{Args, Codec, DEFLATE_USAGE, DeflateMemory, Peer, Result, describe, ws};
use wsframe::deflate::{self, DeflateConfig};
use wsframe::handshake::{Request, Response, Status, write_rejection};
use wsframe::{Config, Connection, HandshakeLimits, Role};

/// Connections served at once; more are closed right after accept.
const MAX_CONNECTIONS: usize = 256;

fn main() -> Result<()> {
    let args =
        Args::parse(&[]).map_err(|e| format!("{e}\nusage: echo_server {DEFLATE_USAGE} [ADDR]"))?;
    let addr = args
        .positional
        .first()
        .cloned()
        .unwrap_or_else(|| "127.0.0.1:9001".into());
    let deflate = args.deflate;
    let listener = TcpListener::bind(&addr)?;
    match &deflate {
        Some(c) => eprintln!(
            "echo_server: listening on {addr}; permessage-deflate: receive window up to 2^{}, send window up to 2^{}",
            c.receive_window_bits, c.send_window_bits
        ),
        None => eprintln!("echo_server: listening on {addr}; permessage-deflate off"),
    }
    let active = Arc::new(AtomicUsize::new(0));
    for stream in listener.incoming() {
        let stream = match stream {
            Ok(stream) => stream,
            Err(e) => {
                eprintln!("echo_server: accept: {e}");
                continue;
            }
        };
        if active.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
            active.fetch_sub(1, Ordering::SeqCst);
            continue; // dropping the stream closes it
        }
        let active = Arc::clone(&active);
        thread::spawn(move || {
            if let Err(e) = serve(stream, deflate.as_ref()) {
                eprintln!("echo_server: connection: {e}");
            }
            active.fetch_sub(1, Ordering::SeqCst);
        });
    }
    Ok(())
}

fn serve(stream: TcpStream, deflate: Option<&DeflateConfig>) -> Result<()> {
    let mut peer = Peer::new(stream, Role::Server)?;
    let limits = HandshakeLimits::new();
    let mut head = [0u8; 512];
    let (head_len, n, params) = loop {
        match Request::parse(peer.buffered(), &limits) {
            Ok(Status::Partial) => peer.fill()?,
            Ok(Status::Complete(request)) => {
                // The first offer our memory can take (RFC 7692 §5.1);
                // none: answer without the extension.
                let accepted = deflate.and_then(|c| deflate::negotiate(request.extensions(), c));
                let response = Response {
                    extensions: accepted.as_ref().map(|(_, value)| value.as_str()),
                    ..Response::new()
                };
                let n = request.write_response(&response, &mut head).map_err(ws)?;
                break (request.head_len(), n, accepted.map(|(params, _)| params));
            }
            Err(e) => {
                let n = write_rejection(e, &mut head).map_err(ws)?;
                peer.send(&head[..n])?;
                peer.close()?;
                return Err(ws(e));
            }
        }
    };
    peer.send(&head[..n])?;
    // Bytes after the head are already frames.
    peer.consume(head_len);
    if let Some(params) = &params {
        eprintln!("echo_server: permessage-deflate: {}", describe(params));
    }

    // The defaults cover Autobahn 1-10: 16 MiB frames (9.1.6), 64 MiB
    // messages, 131 072 fragments (9.3/9.4 send 65 536); the message limit
    // counts inflated bytes with permessage-deflate.
    let mut conn = Connection::new(Role::Server, Config::new());
    let mut memory = params.map(DeflateMemory::new);
    let mut codec = Codec::from(&mut memory)?;
    peer.echo(&mut conn, &mut codec)?;
    peer.close()
}
