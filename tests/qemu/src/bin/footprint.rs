//! What wsframe costs a firmware (`footprint.sh` builds it three times):
//! (a) frame codec + connection: a server connection echoing what a client
//!     sent, answering its Ping and its Close, plus every send call;
//! (b) with `server-handshake`: `Request::parse` and the 101 (or the
//!     refusal) first;
//! (c) with `client-handshake` too: `ClientRequest::write` and
//!     `check_response`.
//! Inputs go through `black_box`, so nothing is folded away; the role and
//! the configuration too, so both roles' paths are in. The connection has
//! a [`PONG`]-byte Pong slot (the ≤ 64-byte state the size aim is about);
//! it still answers the 5-byte Ping of the input automatically.
#![no_std]
#![no_main]

use core::hint::black_box;

use cortex_m_rt::entry;
use wsframe::{CloseCode, Config, Connection, DataKind, Event, Role};

/// The Pong slot of the measured connection: Pings of up to 8 bytes are
/// answered automatically (empty keep-alive Pings, a counter, a timestamp).
const PONG: usize = 8;
use wsframe_qemu::{exit, paint_stack, report, sink, stack_peak, wire};

#[entry]
fn main() -> ! {
    paint_stack();
    let mut rx = [0u8; 512];
    let mut tx = [0u8; 512];
    let ok = workload(&mut rx, &mut tx);
    report(b"stack_peak_bytes=", stack_peak());
    report(
        b"size_of_connection=",
        core::mem::size_of::<Connection<PONG>>(),
    );
    report(
        b"size_of_default_connection=",
        core::mem::size_of::<Connection>(),
    );
    exit(ok)
}

#[inline(never)]
fn workload(rx: &mut [u8; 512], tx: &mut [u8; 512]) -> bool {
    let (request, response, nonce, frames) =
        black_box((wire::REQUEST, wire::RESPONSE, wire::NONCE, wire::FRAMES));
    let (rx, tx) = black_box((rx, tx));
    let _ = (request, response, nonce);
    #[cfg(feature = "client-handshake")]
    let client_ok = client_handshake(nonce, response, tx);
    #[cfg(not(feature = "client-handshake"))]
    let client_ok = true;
    #[cfg(feature = "server-handshake")]
    let server_ok = server_handshake(request, tx);
    #[cfg(not(feature = "server-handshake"))]
    let server_ok = true;
    client_ok & server_ok & echo(frames, rx, tx)
}

/// Frames only: echo data, answer Ping and Close, then every send call.
fn echo(frames: &[u8], rx: &mut [u8; 512], tx: &mut [u8; 512]) -> bool {
    for (dst, src) in rx.iter_mut().zip(frames) {
        *dst = *src;
    }
    let mut conn =
        Connection::<PONG>::with_pong_slot(black_box(Role::Server), black_box(Config::new()));
    let key = black_box([1, 2, 3, 4]);
    let (mut start, end) = (0, frames.len().min(rx.len()));
    let mut closed = false;
    while let Some(input) = rx.get_mut(start..end) {
        let recv = match conn.recv(input) {
            Ok(recv) => recv,
            Err(e) => {
                sink(e);
                break;
            }
        };
        if recv.needs_input() {
            break;
        }
        start += recv.consumed;
        match recv.event {
            Some(Event::Data {
                kind,
                payload,
                message_end,
                ..
            }) => {
                let n = conn.send_data(kind, message_end, payload, key, tx);
                sink((n, &tx));
            }
            Some(Event::Close { .. }) => closed = true,
            _ => {}
        }
        let n = conn.write_pending(key, tx);
        sink((n, &tx));
    }
    let n = conn.send_ping(black_box(b"ping"), key, tx);
    sink((n, &tx));
    let n = conn.send_pong(black_box(b"pong"), key, tx);
    sink((n, &tx));
    let n = conn.send_data_header(DataKind::Binary, true, black_box(70_000), key, tx);
    sink((n, &tx));
    let n = conn.send_close(black_box(CloseCode::NORMAL), black_box("bye"), key, tx);
    sink((n, &tx));
    sink(conn.state());
    closed
}

/// Server side of the opening handshake: parse, then 101 or refusal.
#[cfg(feature = "server-handshake")]
fn server_handshake(request: &[u8], tx: &mut [u8; 512]) -> bool {
    use wsframe::HandshakeLimits;
    use wsframe::handshake::{Request, Response, Status, write_rejection};
    match Request::parse(request, &black_box(HandshakeLimits::new())) {
        Ok(Status::Complete(parsed)) => {
            let n = parsed.write_response(&Response::new(), tx);
            sink((n, &tx));
            n.is_ok()
        }
        Ok(Status::Partial) => false,
        Err(e) => {
            let n = write_rejection(e, tx);
            sink((n, &tx));
            false
        }
    }
}

/// Client side of the opening handshake: write the request, check the 101.
#[cfg(feature = "client-handshake")]
fn client_handshake(nonce: [u8; 16], response: &[u8], tx: &mut [u8; 512]) -> bool {
    use wsframe::HandshakeLimits;
    use wsframe::handshake::{ClientRequest, Status};
    let request = ClientRequest::new(black_box("example.com"), black_box("/chat"), nonce);
    let Ok((n, handshake)) = request.write(tx) else {
        return false;
    };
    sink((n, &tx));
    let limits = black_box(HandshakeLimits::new());
    matches!(
        handshake.check_response(response, &[], &[], &limits),
        Ok(Status::Complete(r)) if r.head_len == response.len()
    )
}
