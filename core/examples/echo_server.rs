//! A WebSocket echo server over blocking `std::net`, one thread per
//! connection: the testee for the Autobahn Testsuite's fuzzingclient mode
//! (`tests/autobahn/run.sh server`).
//!
//! ```text
//! cargo run --release -p wsframe --example echo_server -- 127.0.0.1:9001
//! ```
//!
//! It accepts every valid handshake with no subprotocol and no extension
//! (permessage-deflate is declined by not answering it), then echoes each
//! piece of data as soon as it arrives, so a 16 MiB message streams
//! through a 256 KiB buffer.

mod common;

use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

use common::{Peer, Result, ws};
use wsframe::handshake::{Request, Response, Status, write_rejection};
use wsframe::{Config, Connection, HandshakeLimits, Role};

/// Connections served at once; more are closed right after accept.
const MAX_CONNECTIONS: usize = 256;

fn main() -> Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:9001".into());
    let listener = TcpListener::bind(&addr)?;
    eprintln!("echo_server: listening on {addr}");
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
            if let Err(e) = serve(stream) {
                eprintln!("echo_server: connection: {e}");
            }
            active.fetch_sub(1, Ordering::SeqCst);
        });
    }
    Ok(())
}

fn serve(stream: TcpStream) -> Result<()> {
    let mut peer = Peer::new(stream, Role::Server)?;
    let limits = HandshakeLimits::new();
    let mut head = [0u8; 512];
    let (head_len, n) = loop {
        match Request::parse(peer.buffered(), &limits) {
            Ok(Status::Partial) => peer.fill()?,
            Ok(Status::Complete(request)) => {
                let n = request
                    .write_response(&Response::new(), &mut head)
                    .map_err(ws)?;
                break (request.head_len(), n);
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

    // The defaults cover Autobahn 1-10: 16 MiB frames (9.1.6), 64 MiB
    // messages, 131 072 fragments (9.3/9.4 send 65 536).
    let mut conn = Connection::new(Role::Server, Config::new());
    peer.pump(&mut conn, true)?;
    peer.close()
}
