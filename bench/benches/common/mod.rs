//! In-memory streams and one driver per peer, so that every implementation
//! decodes (or encodes) the same bytes through its public API.
#![allow(dead_code)] // each bench binary uses a subset

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use criterion::Criterion;

use wsframe_bench::Seen;

/// A stream that reads from a byte vector (everything available at once,
/// as from a fast socket) and discards what is written, counting it.
pub struct MemStream {
    data: Vec<u8>,
    pos: usize,
    /// Bytes written so far.
    pub written: usize,
}

impl MemStream {
    pub fn new(data: Vec<u8>) -> Self {
        Self {
            data,
            pos: 0,
            written: 0,
        }
    }

    pub fn sink() -> Self {
        Self::new(Vec::new())
    }

    fn read_into(&mut self, buf: &mut [u8]) -> usize {
        let rest = &self.data[self.pos..];
        let n = rest.len().min(buf.len());
        buf[..n].copy_from_slice(&rest[..n]);
        self.pos += n;
        n
    }

    /// Counts `buf` as written (it is discarded) and returns its length.
    fn write_from(&mut self, buf: &[u8]) -> usize {
        self.written += buf.len();
        buf.len()
    }
}

impl io::Read for MemStream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        Ok(self.read_into(buf))
    }
}

impl io::Write for MemStream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        Ok(self.write_from(buf))
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl tokio::io::AsyncRead for MemStream {
    fn poll_read(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let n = this.read_into(buf.initialize_unfilled());
        buf.advance(n);
        Poll::Ready(Ok(()))
    }
}

impl tokio::io::AsyncWrite for MemStream {
    fn poll_write(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Poll::Ready(Ok(self.get_mut().write_from(buf)))
    }
    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

impl futures::io::AsyncRead for MemStream {
    fn poll_read(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        Poll::Ready(Ok(self.get_mut().read_into(buf)))
    }
}

impl futures::io::AsyncWrite for MemStream {
    fn poll_write(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Poll::Ready(Ok(self.get_mut().write_from(buf)))
    }
    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
    fn poll_close(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

/// The criterion configuration of every bench binary: 30 samples, with
/// the given warm-up and measurement times.
pub fn criterion(warm_up_ms: u64, measurement_ms: u64) -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(warm_up_ms))
        .measurement_time(Duration::from_millis(measurement_ms))
        .sample_size(30)
}

/// A single-threaded runtime for the tokio-based peers; the in-memory
/// stream never returns `Pending`, so no task ever sleeps.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime")
}

// ---- decoders: each reads `messages` messages from masked client frames,
// ---- as a server, with UTF-8 validation where the peer has it.

pub fn tungstenite(wire: Vec<u8>, messages: usize) -> Seen {
    use tungstenite::protocol::{Role, WebSocket, WebSocketConfig};
    let config = WebSocketConfig::default()
        .max_message_size(Some(64 << 20))
        .max_frame_size(Some(64 << 20));
    let mut ws = WebSocket::from_raw_socket(MemStream::new(wire), Role::Server, Some(config));
    let mut seen = Seen::default();
    while seen.messages < messages {
        match ws.read().expect("valid input") {
            tungstenite::Message::Binary(b) => seen.bytes += b.len(),
            tungstenite::Message::Text(t) => seen.bytes += t.len(),
            _ => continue,
        }
        seen.messages += 1;
    }
    seen
}

pub fn fastwebsockets(rt: &tokio::runtime::Runtime, wire: Vec<u8>, messages: usize) -> Seen {
    use fastwebsockets::{FragmentCollector, OpCode, Role, WebSocket};
    rt.block_on(async {
        let mut ws = WebSocket::after_handshake(MemStream::new(wire), Role::Server);
        ws.set_max_message_size(64 << 20);
        let mut ws = FragmentCollector::new(ws);
        let mut seen = Seen::default();
        while seen.messages < messages {
            let frame = ws.read_frame().await.expect("valid input");
            if matches!(frame.opcode, OpCode::Binary | OpCode::Text) {
                seen.bytes += frame.payload.len();
                seen.messages += 1;
            }
        }
        seen
    })
}

pub fn tokio_websockets(rt: &tokio::runtime::Runtime, wire: Vec<u8>, messages: usize) -> Seen {
    use futures::StreamExt;
    use tokio_websockets::{Limits, ServerBuilder};
    rt.block_on(async {
        let mut ws = ServerBuilder::new()
            .limits(Limits::default().max_payload_len(Some(64 << 20)))
            .serve(MemStream::new(wire));
        let mut seen = Seen::default();
        while seen.messages < messages {
            let msg = ws.next().await.expect("more input").expect("valid input");
            if msg.is_binary() || msg.is_text() {
                seen.bytes += msg.as_payload().len();
                seen.messages += 1;
            }
        }
        seen
    })
}

pub fn soketto(wire: Vec<u8>, messages: usize) -> Seen {
    use soketto::connection::{Builder, Mode};
    let mut builder = Builder::new(MemStream::new(wire), Mode::Server);
    builder.set_max_message_size(64 << 20);
    builder.set_max_frame_size(64 << 20);
    let (_tx, mut rx) = builder.finish();
    let mut buf = Vec::new();
    let mut seen = Seen::default();
    futures::executor::block_on(async {
        while seen.messages < messages {
            buf.clear();
            rx.receive_data(&mut buf).await.expect("valid input");
            seen.bytes += buf.len();
            seen.messages += 1;
        }
    });
    seen
}

/// embedded-websocket copies each payload out of `wire` into `to`
/// (unmasking on the way); `to` must hold the largest frame.
pub fn embedded_websocket(wire: &[u8], to: &mut [u8]) -> Seen {
    use embedded_websocket::{WebSocketReceiveMessageType as T, WebSocketServer, WebSocketState};
    let mut ws = WebSocketServer::new_server();
    ws.state = WebSocketState::Open; // the handshake is not measured
    let mut seen = Seen::default();
    let mut at = 0;
    while at < wire.len() {
        let r = ws.read(&wire[at..], to).expect("valid input");
        at += r.len_from;
        if matches!(r.message_type, T::Binary | T::Text) {
            seen.bytes += r.len_to;
            seen.messages += usize::from(r.end_of_message);
        }
    }
    seen
}

/// websocket-sans-io decodes frames only (no message sequencing, no
/// UTF-8 validation); unmasking is in place.
pub fn websocket_sans_io(wire: &mut [u8]) -> Seen {
    use websocket_sans_io::{WebsocketFrameDecoder, WebsocketFrameEvent as E};
    let mut dec = WebsocketFrameDecoder::new();
    let mut seen = Seen::default();
    let mut at = 0;
    loop {
        let r = dec.add_data(&mut wire[at..]).expect("valid input");
        at += r.consumed_bytes;
        match r.event {
            Some(E::PayloadChunk { .. }) => seen.bytes += r.consumed_bytes,
            Some(E::End { frame_info, .. }) => seen.messages += usize::from(frame_info.fin),
            Some(E::Start { .. }) => {}
            None if at >= wire.len() => break,
            None => {}
        }
    }
    seen
}
