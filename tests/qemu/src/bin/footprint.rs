//! What wsframe costs a firmware (`footprint.sh` builds it five times):
//! (a) frame codec + connection: a server connection echoing what a client
//!     sent, answering its Ping and its Close, plus every send call;
//! (b) with `server-handshake`: `Request::parse` and the 101 (or the
//!     refusal) first;
//! (c) with `client-handshake` too: `ClientRequest::write` and
//!     `check_response`;
//! (d) (a) with `inflate` and `compress`: permessage-deflate both ways at
//!     window 10 through the connection: it receives with `recv_deflate`
//!     (a compressed message, RFC 7692 §7.2.3.1's "Hello", among the
//!     frames) and echoes data with `send_deflate`, either level;
//! (e) (a) with `inflate` only: `recv_deflate`, and the echo uncompressed
//!     with `send_data` (legal, RFC 7692 §6).
//! Inputs go through `black_box`, so nothing is folded away; the role and
//! the configuration too, so both roles' paths are in. The connection has
//! a [`PONG`]-byte Pong slot (the ≤ 64-byte state the size aim is about);
//! it still answers the 5-byte Ping of the input automatically.
//!
//! The deflate memory (`Decompression` and its 2^10-byte ring,
//! `Compression` and its storage) is static, taken before the stack is
//! painted: it shows as static RAM, and the stack column is the code's
//! own depth.
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
    let ok = workload(&mut rx, &mut tx, memory);
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
fn workload(rx: &mut [u8; 512], tx: &mut [u8; 512], memory: deflate::Memory) -> bool {
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
    client_ok & server_ok & echo(frames, rx, tx, memory)
}

/// Frames only: echo data, answer Ping and Close, then every send call.
/// With `inflate` the connection negotiated permessage-deflate: it
/// receives with `recv_deflate` (the input gains a compressed "Hello"
/// before the Close) and echoes with `send_deflate` (`compress`) or
/// uncompressed (`send_data`).
fn echo(
    frames: &[u8],
    rx: &mut [u8; 512],
    tx: &mut [u8; 512],
    mut memory: deflate::Memory,
) -> bool {
    let end = deflate::input(frames, rx);
    let mut conn =
        Connection::<PONG>::with_pong_slot(black_box(Role::Server), black_box(Config::new()));
    let key = black_box([1, 2, 3, 4]);
    let mut start = 0;
    let mut closed = false;
    // With `inflate`: the compressed "Hello" came out whole.
    #[cfg(feature = "inflate")]
    let mut hello = false;
    #[cfg(not(feature = "inflate"))]
    let hello = true;
    while let Some(input) = rx.get_mut(start..end) {
        let recv = match deflate::recv(&mut conn, input, &mut memory.rx) {
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
                #[cfg(feature = "inflate")]
                {
                    hello |= payload == b"Hello" && message_end;
                }
                deflate::reply(
                    &mut conn,
                    kind,
                    payload,
                    message_end,
                    key,
                    tx,
                    &mut memory.tx,
                );
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
    closed & hello
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
/// `inflate` feature, plain `recv` and `send_data`.
#[cfg(not(feature = "inflate"))]
mod deflate {
    use wsframe::{Connection, DataKind, Error, Recv};
    use wsframe_qemu::sink;

    /// No deflate memory.
    pub struct Memory {
        pub rx: (),
        pub tx: (),
    }

    pub fn memory() -> Memory {
        Memory { rx: (), tx: () }
    }

    /// The client's frames into `rx`; returns their length.
    pub fn input(frames: &[u8], rx: &mut [u8; 512]) -> usize {
        for (dst, src) in rx.iter_mut().zip(frames) {
            *dst = *src;
        }
        frames.len().min(rx.len())
    }

    pub fn recv<'a, const P: usize>(
        conn: &mut Connection<P>,
        input: &'a mut [u8],
        (): &'a mut (),
    ) -> Result<Recv<'a>, Error> {
        conn.recv(input)
    }

    pub fn reply<const P: usize>(
        conn: &mut Connection<P>,
        kind: DataKind,
        payload: &[u8],
        message_end: bool,
        key: [u8; 4],
        tx: &mut [u8; 512],
        (): &mut (),
    ) {
        let n = conn.send_data(kind, message_end, payload, key, tx);
        sink((n, &tx));
    }

    pub fn report_sizes() {}
}

#[cfg(feature = "inflate")]
mod deflate {
    use core::hint::black_box;

    #[cfg(feature = "compress")]
    use wsframe::deflate::{Compression, Level};
    use wsframe::deflate::{Decompression, DeflateParams};
    use wsframe::{Connection, DataKind, Error, Recv, UsageError};
    use wsframe_qemu::{report, sink, wire};

    /// Window bits of both directions (1 KiB).
    const BITS: u8 = 10;
    /// What the negotiation agreed (RFC 7692 §7.1), as the optimiser
    /// cannot see it.
    fn params() -> DeflateParams {
        black_box(DeflateParams {
            send_window_bits: BITS,
            send_no_context_takeover: false,
            receive_window_bits: BITS,
            receive_no_context_takeover: true,
        })
    }
    const RING: usize = 1 << BITS;
    /// Storage for the larger of the two levels' hash tables.
    #[cfg(feature = "compress")]
    const STORAGE: usize = Compression::storage_len(
        &DeflateParams {
            send_window_bits: BITS,
            send_no_context_takeover: false,
            receive_window_bits: BITS,
            receive_no_context_takeover: false,
        },
        Level::Default,
    );

    /// The caller's memory for both directions (`None`: not set up).
    pub struct Memory {
        /// The receiving half.
        pub rx: Option<&'static mut Decompression<'static>>,
        /// With `compress`, the sending half.
        pub tx: Tx,
    }

    #[cfg(feature = "compress")]
    pub type Tx = Option<&'static mut Compression<'static>>;
    #[cfg(not(feature = "compress"))]
    pub type Tx = ();

    /// Takes the static memory (once) and sets it up.
    pub fn memory() -> Memory {
        Memory {
            rx: receiving(),
            tx: sending(),
        }
    }

    fn receiving() -> Option<&'static mut Decompression<'static>> {
        let ring = cortex_m::singleton!(: [u8; RING] = [0; RING])?;
        let rx = Decompression::new(&params(), ring).ok()?;
        cortex_m::singleton!(: Decompression<'static> = rx)
    }

    /// The level is a run-time choice, so both levels are linked.
    #[cfg(feature = "compress")]
    fn sending() -> Tx {
        let storage = cortex_m::singleton!(: [u8; STORAGE] = [0; STORAGE])?;
        let level = if black_box(true) {
            Level::Default
        } else {
            Level::Fast
        };
        let tx = Compression::new(&params(), level, storage).ok()?;
        cortex_m::singleton!(: Compression<'static> = tx)
    }

    #[cfg(not(feature = "compress"))]
    fn sending() -> Tx {}

    /// The client's frames into `rx` with a compressed "Hello" (RFC 7692
    /// §7.2.3.1, masked, RSV1) before the Close; returns their length.
    pub fn input(frames: &[u8], rx: &mut [u8; 512]) -> usize {
        let key = [0x37, 0xfa, 0x21, 0x3d];
        let (before, close) = frames.split_at(frames.len().saturating_sub(8));
        let data = wire::DEFLATED;
        let header = [0xc1, 0x80 | data.len() as u8];
        let mut n = 0;
        let parts: [&[u8]; 5] = [before, &header, &key, data, close];
        for part in parts {
            for &b in part {
                if let Some(slot) = rx.get_mut(n) {
                    *slot = b;
                    n += 1;
                }
            }
        }
        let masked_start = before.len() + header.len() + key.len();
        if let Some(payload) = rx.get_mut(masked_start..masked_start + data.len()) {
            wsframe::mask::apply_mask(payload, key, 0);
        }
        n
    }

    pub fn recv<'a, const P: usize>(
        conn: &mut Connection<P>,
        input: &'a mut [u8],
        rx: &'a mut Option<&'static mut Decompression<'static>>,
    ) -> Result<Recv<'a>, Error> {
        match rx {
            Some(rx) => conn.recv_deflate(input, rx),
            None => Err(Error::Usage(UsageError::DeflateMemory)),
        }
    }

    /// The echo: compressed with `compress` (every piece offered until
    /// taken), else uncompressed (legal, RFC 7692 §6).
    pub fn reply<const P: usize>(
        conn: &mut Connection<P>,
        kind: DataKind,
        payload: &[u8],
        message_end: bool,
        key: [u8; 4],
        tx: &mut [u8; 512],
        memory: &mut Tx,
    ) {
        #[cfg(feature = "compress")]
        if let Some(z) = memory {
            let mut at = 0;
            for _ in 0..8 {
                let piece = payload.get(at..).unwrap_or_default();
                match conn.send_deflate(kind, piece, message_end, z, key, tx) {
                    Ok(sent) => {
                        at += sent.consumed;
                        sink((sent.written, &tx));
                        if sent.message_end || (!message_end && at == payload.len()) {
                            return;
                        }
                    }
                    Err(e) => {
                        sink(e);
                        return;
                    }
                }
            }
            return;
        }
        let _ = &memory;
        let n = conn.send_data(kind, message_end, payload, key, tx);
        sink((n, &tx));
    }

    /// size_of on this target and the memory at window 10
    /// (`Decompression::memory` and `Compression::memory` add the ring or
    /// the storage to the size_of).
    pub fn report_sizes() {
        let params = params();
        report(
            b"size_of_decompression=",
            core::mem::size_of::<Decompression<'static>>(),
        );
        report(b"decompression_memory=", Decompression::memory(&params));
        #[cfg(feature = "compress")]
        {
            report(
                b"size_of_compression=",
                core::mem::size_of::<Compression<'static>>(),
            );
            report(
                b"compression_memory_fast=",
                Compression::memory(&params, Level::Fast),
            );
            report(
                b"compression_memory_default=",
                Compression::memory(&params, Level::Default),
            );
        }
    }
}
