//! A WebSocket client over blocking `std::net` that drives the Autobahn
//! Testsuite's fuzzingserver (`tests/autobahn/run.sh client`): it asks for
//! the number of cases, runs each one by echoing everything the server
//! sends, then asks the server to write its reports.
//!
//! ```text
//! cargo run --release -p wsframe --example echo_client -- ws://127.0.0.1:9001 wsframe
//! ```

mod common;

use std::net::TcpStream;

use common::{Peer, Result, Rng, ws};
use wsframe::handshake::{ClientRequest, Status};
use wsframe::{Config, Connection, HandshakeLimits, Role};

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let url = args.next().unwrap_or_else(|| "ws://127.0.0.1:9001".into());
    let agent = args.next().unwrap_or_else(|| "wsframe".into());
    let host = url
        .strip_prefix("ws://")
        .ok_or("expected a ws://HOST:PORT URL")?
        .trim_end_matches('/');
    let mut rng = Rng::new();

    let count = session(host, "/getCaseCount", false, &mut rng)?;
    let count: u32 = std::str::from_utf8(&count)?.trim().parse()?;
    eprintln!("echo_client: {count} cases");
    for case in 1..=count {
        // A case that ends badly is recorded by the server; go on.
        let path = format!("/runCase?case={case}&agent={agent}");
        if let Err(e) = session(host, &path, true, &mut rng) {
            eprintln!("echo_client: case {case}: {e}");
        }
    }
    session(
        host,
        &format!("/updateReports?agent={agent}"),
        false,
        &mut rng,
    )?;
    eprintln!("echo_client: done");
    Ok(())
}

/// One connection to `path`: handshake, then echo (or collect) until the
/// connection is finished. Returns the collected data.
fn session(host: &str, path: &str, echo: bool, rng: &mut Rng) -> Result<Vec<u8>> {
    let mut peer = Peer::new(TcpStream::connect(host)?, Role::Client)?;
    let mut nonce = [0u8; 16];
    rng.fill(&mut nonce);
    let mut head = [0u8; 512];
    let (n, handshake) = ClientRequest::new(host, path, nonce)
        .write(&mut head)
        .map_err(ws)?;
    peer.send(&head[..n])?;
    let limits = HandshakeLimits::new();
    let head_len = loop {
        match handshake
            .check_response(peer.buffered(), &[], &[], &limits)
            .map_err(ws)?
        {
            Status::Partial => peer.fill()?,
            Status::Complete(response) => break response.head_len,
        }
    };
    // Bytes after the head are already frames.
    peer.consume(head_len);

    let mut conn = Connection::new(Role::Client, Config::new());
    let data = peer.pump(&mut conn, echo)?;
    peer.close()?;
    Ok(data)
}
