//! What wsframe costs a firmware (`footprint.sh` builds it five times):
//! (a) frame codec + connection: a server connection echoing what a client
//!     sent, answering its Ping and its Close, plus every send call;
//! (b) with `server-handshake`: `Request::parse` and the 101 (or the
//!     refusal) first;
//! (c) with `client-handshake` too: `ClientRequest::write` and
//!     `check_response`;
//! (d) (a) with `inflate` and `compress`: permessage-deflate both ways at
//!     window 10, a compressed message inflated (RFC 7692 §7.2.3.1's
//!     "Hello") and compressed back, either level;
//! (e) (a) with `inflate` only: a receiver that accepts compressed
//!     messages and sends uncompressed ones (legal, RFC 7692 §6).
//! Inputs go through `black_box`, so nothing is folded away; the role and
//! the configuration too, so both roles' paths are in. The connection has
//! a [`PONG`]-byte Pong slot (the ≤ 64-byte state the size aim is about);
//! it still answers the 5-byte Ping of the input automatically.
//!
//! The deflate memory (the `Inflater` and its 2^10-byte ring, the
//! compressor's storage and the `Compressor` itself) is static, taken
//! before the stack is painted: it shows as static RAM, and the stack
//! column is the code's own depth.
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
    let memory = deflate::memory();
    paint_stack();
    let mut rx = [0u8; 512];
    let mut tx = [0u8; 512];
    let ok = workload(&mut rx, &mut tx) & deflate::echo(memory, &mut tx);
    report(b"stack_peak_bytes=", stack_peak());
    deflate::report_sizes();
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

/// permessage-deflate at window 10 over static memory; without the
/// `inflate` feature, nothing.
#[cfg(not(feature = "inflate"))]
mod deflate {
    pub fn memory() {}
    pub fn echo((): (), _: &mut [u8; 512]) -> bool {
        true
    }
    pub fn report_sizes() {}
}

#[cfg(feature = "inflate")]
mod deflate {
    use core::hint::black_box;

    #[cfg(feature = "compress")]
    use wsframe::deflate::{Compressor, Flush, Level, Params, Status};
    use wsframe::deflate::{InflateStatus, Inflater};
    use wsframe_qemu::{report, sink, wire};

    /// Window bits of both directions (1 KiB).
    const BITS: u8 = 10;
    const RING: usize = Inflater::window_len(BITS);
    /// Storage for the larger of the two levels' hash tables.
    #[cfg(feature = "compress")]
    const STORAGE: usize = match Params::new(BITS, Level::Default) {
        Some(p) => p.storage_len(),
        None => 0,
    };

    /// The caller's memory for both directions.
    pub struct Memory {
        inflater: &'static mut Option<Inflater>,
        ring: &'static mut [u8; RING],
        #[cfg(feature = "compress")]
        compressor: &'static mut Option<Compressor<'static>>,
    }

    /// Takes the static memory (once) and sets it up; the level and the
    /// context takeover are run-time choices, so both levels are linked.
    pub fn memory() -> Option<Memory> {
        let inflater = cortex_m::singleton!(: Option<Inflater> = Inflater::new(black_box(BITS)))?;
        let ring = cortex_m::singleton!(: [u8; RING] = [0; RING])?;
        #[cfg(feature = "compress")]
        let compressor = {
            let storage = cortex_m::singleton!(: [u8; STORAGE] = [0; STORAGE])?;
            let level = if black_box(true) {
                Level::Default
            } else {
                Level::Fast
            };
            let params =
                Params::new(black_box(BITS), level)?.with_context_takeover(black_box(false));
            cortex_m::singleton!(: Option<Compressor<'static>> =
                Compressor::new(params, storage).ok())?
        };
        Some(Memory {
            inflater,
            ring,
            #[cfg(feature = "compress")]
            compressor,
        })
    }

    /// Inflates the compressed "Hello" and, with `compress`, compresses
    /// it back into `tx`.
    pub fn echo(memory: Option<Memory>, tx: &mut [u8; 512]) -> bool {
        let Some(Memory {
            inflater: Some(inflater),
            ring,
            #[cfg(feature = "compress")]
                compressor: Some(compressor),
        }) = memory
        else {
            return false;
        };
        let mut text = [0u8; 64];
        let Some(n) = inflate(inflater, ring, black_box(wire::DEFLATED), &mut text) else {
            return false;
        };
        // No context takeover from the peer: reset between messages.
        if black_box(false) {
            inflater.reset();
        }
        let text = text.get(..n).unwrap_or_default();
        #[cfg(feature = "compress")]
        {
            let mut at = 0;
            loop {
                let p = compressor.compress(text.get(at..).unwrap_or_default(), tx, Flush::Message);
                at += p.consumed;
                sink((p.written, &tx));
                if p.status == Status::MessageEnd {
                    break;
                }
            }
            if black_box(false) {
                compressor.reset();
            }
        }
        sink(&tx);
        text == b"Hello"
    }

    /// One message: every compressed byte, then the trailer (RFC 7692
    /// §7.2.2); the text into `out`. `None` if corrupt or too long.
    fn inflate(
        inflater: &mut Inflater,
        ring: &mut [u8; RING],
        mut data: &[u8],
        out: &mut [u8],
    ) -> Option<usize> {
        let mut n = 0;
        let mut keep = |piece: &[u8]| -> Option<()> {
            let dst = out.get_mut(n..n + piece.len())?;
            dst.copy_from_slice(piece);
            n += piece.len();
            Some(())
        };
        loop {
            let done = inflater.inflate(data, ring, black_box(512)).ok()?;
            keep(done.output)?;
            data = data.get(done.consumed..).unwrap_or_default();
            if done.status == InflateStatus::NeedsInput {
                break;
            }
        }
        loop {
            let done = inflater.finish_message(ring, black_box(512)).ok()?;
            keep(done.output)?;
            match done.status {
                InflateStatus::MessageEnd => break,
                InflateStatus::NeedsInput => return None,
                _ => {}
            }
        }
        Some(n)
    }

    /// size_of on this target and the compressor's storage at window 10
    /// (`Inflater::memory` and `Compressor::memory` add the ring or the
    /// storage to the size_of).
    pub fn report_sizes() {
        report(b"size_of_inflater=", core::mem::size_of::<Inflater>());
        #[cfg(feature = "compress")]
        {
            report(
                b"size_of_compressor=",
                core::mem::size_of::<Compressor<'static>>(),
            );
            let storage = |level| Params::new(BITS, level).map_or(0, |p| p.storage_len());
            report(b"compressor_storage_fast=", storage(Level::Fast));
            report(b"compressor_storage_default=", storage(Level::Default));
        }
    }
}
