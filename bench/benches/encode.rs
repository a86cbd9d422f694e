//! Benchmark 5: encoding as a client (header + masking) for the decode
//! shapes; the accept-key computation; header parsing alone.

mod common;

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use wsframe::{Connection, DataKind, Role};
use wsframe_bench::{KEY, ascii_text, client_wire, payload};

/// One message to send: its payload (leaked, so the `Bytes`-based peers
/// can borrow it without a copy) and how it is cut into frames.
struct Shape {
    id: String,
    messages: usize,
    payload: &'static [u8],
    fragment: usize,
    text: bool,
    /// The wire length every encoder must produce.
    wire_len: usize,
}

impl Shape {
    fn new(id: &str, messages: usize, payload: Vec<u8>, fragment: usize, text: bool) -> Self {
        let kind = if text {
            DataKind::Text
        } else {
            DataKind::Binary
        };
        let one = client_wire(kind, &[&payload], fragment).len();
        Self {
            id: id.to_owned(),
            messages,
            payload: Box::leak(payload.into_boxed_slice()),
            fragment,
            text,
            wire_len: one * messages,
        }
    }

    fn frames(&self) -> impl Iterator<Item = (bool, bool, &'static [u8])> + '_ {
        let n = self.payload.len().div_ceil(self.fragment).max(1);
        (0..n).map(move |i| {
            let end = ((i + 1) * self.fragment).min(self.payload.len());
            (
                i == 0,
                i + 1 == n,
                &self.payload[(i * self.fragment).min(end)..end],
            )
        })
    }

    /// The opcode of a frame from `frames`: `continuation` after the
    /// first, else `text` or `binary` by the shape's kind.
    fn opcode<T>(&self, first: bool, continuation: T, text: T, binary: T) -> T {
        match (first, self.text) {
            (false, _) => continuation,
            (true, true) => text,
            (true, false) => binary,
        }
    }

    fn throughput(&self) -> Throughput {
        if self.messages > 1 {
            Throughput::Elements(self.messages as u64)
        } else {
            Throughput::Bytes(self.payload.len() as u64)
        }
    }
}

fn wsframe_encode(s: &Shape, out: &mut [u8]) -> usize {
    let mut conn = Connection::new(Role::Client, wsframe_bench::config());
    let kind = if s.text {
        DataKind::Text
    } else {
        DataKind::Binary
    };
    let mut at = 0;
    for _ in 0..s.messages {
        for (_, fin, chunk) in s.frames() {
            at += conn
                .send_data(kind, fin, chunk, KEY, &mut out[at..])
                .expect("fits");
        }
    }
    at
}

fn embedded_websocket_encode(s: &Shape, out: &mut [u8]) -> usize {
    use embedded_websocket::{
        EmptyRng, WebSocketClient, WebSocketSendMessageType as T, WebSocketState,
    };
    let mut ws = WebSocketClient::new_client(EmptyRng::new());
    ws.state = WebSocketState::Open;
    let t = if s.text { T::Text } else { T::Binary };
    let mut at = 0;
    for _ in 0..s.messages {
        for (_, fin, chunk) in s.frames() {
            at += ws.write(t, fin, chunk, &mut out[at..]).expect("fits");
        }
    }
    at
}

fn websocket_sans_io_encode(s: &Shape, out: &mut [u8]) -> usize {
    use websocket_sans_io::{FrameInfo, Opcode, WebsocketFrameEncoder};
    let mut enc = WebsocketFrameEncoder::new();
    let mut at = 0;
    for _ in 0..s.messages {
        for (first, fin, chunk) in s.frames() {
            let opcode = s.opcode(first, Opcode::Continuation, Opcode::Text, Opcode::Binary);
            let info = FrameInfo {
                opcode,
                payload_length: chunk.len() as _,
                mask: Some(KEY),
                fin,
                reserved: 0,
            };
            let header = enc.start_frame(&info);
            out[at..at + header.len()].copy_from_slice(&header);
            at += header.len();
            let body = &mut out[at..at + chunk.len()];
            body.copy_from_slice(chunk);
            enc.transform_frame_payload(body);
            at += chunk.len();
        }
    }
    at
}

fn tungstenite_encode(s: &Shape) -> usize {
    use tungstenite::protocol::frame::Frame;
    use tungstenite::protocol::frame::coding::{Data, OpCode};
    use tungstenite::protocol::{Role, WebSocket};
    use tungstenite::{Bytes, Message};
    let mut ws = WebSocket::from_raw_socket(common::MemStream::sink(), Role::Client, None);
    for _ in 0..s.messages {
        if s.fragment >= s.payload.len() {
            let p = Bytes::from_static(s.payload);
            ws.write(if s.text {
                Message::Text(p.try_into().expect("utf-8"))
            } else {
                Message::Binary(p)
            })
            .expect("written");
            continue;
        }
        for (first, fin, chunk) in s.frames() {
            let data = s.opcode(first, Data::Continue, Data::Text, Data::Binary);
            let frame = Frame::message(Bytes::from_static(chunk), OpCode::Data(data), fin);
            ws.write(Message::Frame(frame)).expect("written");
        }
    }
    ws.flush().expect("flushed");
    ws.get_ref().written
}

fn fastwebsockets_encode(rt: &tokio::runtime::Runtime, s: &Shape) -> usize {
    use fastwebsockets::{Frame, OpCode, Payload, Role, WebSocket};
    rt.block_on(async {
        let mut ws = WebSocket::after_handshake(common::MemStream::sink(), Role::Client);
        ws.set_auto_apply_mask(true);
        for _ in 0..s.messages {
            for (first, fin, chunk) in s.frames() {
                let opcode = s.opcode(first, OpCode::Continuation, OpCode::Text, OpCode::Binary);
                ws.write_frame(Frame::new(fin, opcode, None, Payload::Borrowed(chunk)))
                    .await
                    .expect("written");
            }
        }
        ws.flush().await.expect("flushed");
        ws.into_inner().written
    })
}

fn tokio_websockets_encode(rt: &tokio::runtime::Runtime, s: &Shape) -> usize {
    use futures::SinkExt;
    use tokio_websockets::{ClientBuilder, Config, Message};
    rt.block_on(async {
        let config = Config::default().frame_size(s.fragment.min(s.payload.len()).max(1));
        let mut ws = ClientBuilder::new()
            .config(config)
            .take_over(common::MemStream::sink());
        for _ in 0..s.messages {
            let p = tokio_websockets::Payload::from(bytes::Bytes::from_static(s.payload));
            let msg = if s.text {
                Message::text(p)
            } else {
                Message::binary(p)
            };
            ws.feed(msg).await.expect("written");
        }
        ws.flush().await.expect("flushed");
        ws.get_ref().written
    })
}

fn soketto_encode(s: &Shape) -> usize {
    use soketto::connection::{Builder, Mode};
    let (mut tx, _rx) = Builder::new(common::MemStream::sink(), Mode::Client).finish();
    futures::executor::block_on(async {
        for _ in 0..s.messages {
            tx.send_binary(s.payload).await.expect("written");
        }
        tx.flush().await.expect("flushed");
    });
    // soketto does not hand its socket back; the length is checked by
    // the other encoders.
    s.wire_len
}

fn encoders(c: &mut Criterion, s: &Shape) {
    let rt = common::runtime();
    let mut out = vec![0u8; s.wire_len];
    assert_eq!(wsframe_encode(s, &mut out), s.wire_len, "wsframe {}", s.id);
    assert_eq!(
        embedded_websocket_encode(s, &mut out),
        s.wire_len,
        "embedded-websocket {}",
        s.id
    );
    assert_eq!(
        websocket_sans_io_encode(s, &mut out),
        s.wire_len,
        "websocket-sans-io {}",
        s.id
    );
    assert_eq!(tungstenite_encode(s), s.wire_len, "tungstenite {}", s.id);
    assert_eq!(
        fastwebsockets_encode(&rt, s),
        s.wire_len,
        "fastwebsockets {}",
        s.id
    );
    assert_eq!(
        tokio_websockets_encode(&rt, s),
        s.wire_len,
        "tokio-websockets {}",
        s.id
    );

    let mut g = c.benchmark_group("encode");
    g.throughput(s.throughput());
    g.bench_function(format!("wsframe/{}", s.id), |b| {
        b.iter(|| wsframe_encode(s, &mut out))
    });
    g.bench_function(format!("tungstenite/{}", s.id), |b| {
        b.iter(|| tungstenite_encode(s))
    });
    g.bench_function(format!("fastwebsockets/{}", s.id), |b| {
        b.iter(|| fastwebsockets_encode(&rt, s))
    });
    g.bench_function(format!("tokio-websockets/{}", s.id), |b| {
        b.iter(|| tokio_websockets_encode(&rt, s))
    });
    if !s.text && s.fragment >= s.payload.len() {
        g.bench_function(format!("soketto/{}", s.id), |b| {
            b.iter(|| soketto_encode(s))
        });
    }
    g.bench_function(format!("embedded-websocket/{}", s.id), |b| {
        b.iter(|| embedded_websocket_encode(s, &mut out))
    });
    g.bench_function(format!("websocket-sans-io/{}", s.id), |b| {
        b.iter(|| websocket_sans_io_encode(s, &mut out))
    });
    g.finish();
}

fn encode(c: &mut Criterion) {
    let shapes = [
        Shape::new("100k_x_16B", 100_000, payload(16), 16, false),
        Shape::new("16MiB", 1, payload(16 << 20), 16 << 20, false),
        Shape::new("ascii_125", 1, ascii_text(1 << 20), 125, true),
        Shape::new("ascii_16384", 1, ascii_text(1 << 20), 16 << 10, true),
    ];
    for s in &shapes {
        encoders(c, s);
    }
}

/// Header parsing alone: a masked header with a 7-bit, a 16-bit and a
/// 64-bit length.
///
/// `header_parse`: a stream of [`HEADERS`] copies of the header, parsed
/// in turn (each parse starts where the last one ended, as in a real
/// stream), every field folded into a sum; criterion reports the time per
/// header. `header_parse_call`: one parse per iteration, as in earlier
/// runs; that figure also holds the harness's own cost per iteration (an
/// empty routine measures ~0.8 ns here) and the store of the returned
/// value, which the stream amortises.
fn header(c: &mut Criterion) {
    const HEADERS: usize = 1024;
    let headers: [(&str, Vec<u8>); 3] = [
        (
            "len7",
            client_wire(DataKind::Binary, &[&payload(16)], 16)[..6].to_vec(),
        ),
        (
            "len16",
            client_wire(DataKind::Binary, &[&payload(1000)], 1000)[..8].to_vec(),
        ),
        (
            "len64",
            client_wire(DataKind::Binary, &[&payload(70_000)], 70_000)[..14].to_vec(),
        ),
    ];
    /// Parses every header of `s` with wsframe; the fields folded.
    fn wsframe_stream(s: &[u8]) -> u64 {
        let (mut at, mut sum) = (0, 0u64);
        while let Some(rest) = s.get(at..).filter(|r| !r.is_empty()) {
            let Ok(wsframe::frame::Decoded::Complete(h, n)) = wsframe::frame::decode(rest) else {
                break;
            };
            sum = sum
                .wrapping_add(h.payload_len)
                .wrapping_add(u64::from(h.mask.map_or(0, u32::from_le_bytes)))
                .wrapping_add(u64::from(h.fin) + u64::from(h.rsv) + u64::from(h.opcode as u8));
            at += n;
        }
        sum
    }
    /// The same with tungstenite's `FrameHeader::parse`.
    fn tungstenite_stream(s: &[u8]) -> u64 {
        let mut cursor = std::io::Cursor::new(s);
        let mut sum = 0u64;
        while let Ok(Some((h, len))) = tungstenite::protocol::frame::FrameHeader::parse(&mut cursor)
        {
            sum = sum
                .wrapping_add(len)
                .wrapping_add(u64::from(h.mask.map_or(0, u32::from_le_bytes)))
                .wrapping_add(
                    u64::from(h.is_final)
                        + u64::from(h.rsv1)
                        + u64::from(h.rsv2)
                        + u64::from(h.rsv3)
                        + u64::from(u8::from(h.opcode)),
                );
        }
        sum
    }
    let mut g = c.benchmark_group("header_parse");
    g.throughput(Throughput::Elements(HEADERS as u64));
    for (id, h) in &headers {
        let stream = h.repeat(HEADERS);
        assert_eq!(wsframe_stream(&stream), tungstenite_stream(&stream), "{id}");
        assert_ne!(wsframe_stream(&stream), 0, "{id}");
        g.bench_function(format!("wsframe/{id}"), |b| {
            b.iter(|| wsframe_stream(black_box(&stream)))
        });
        g.bench_function(format!("tungstenite/{id}"), |b| {
            b.iter(|| tungstenite_stream(black_box(&stream)))
        });
    }
    g.finish();
    let mut g = c.benchmark_group("header_parse_call");
    for (id, h) in &headers {
        assert!(
            matches!(wsframe::frame::decode(h), Ok(wsframe::frame::Decoded::Complete(_, n)) if n == h.len())
        );
        g.bench_function(format!("wsframe/{id}"), |b| {
            b.iter(|| wsframe::frame::decode(black_box(h)))
        });
        g.bench_function(format!("tungstenite/{id}"), |b| {
            b.iter(|| {
                let mut cursor = std::io::Cursor::new(black_box(h.as_slice()));
                tungstenite::protocol::frame::FrameHeader::parse(&mut cursor)
                    .map(|r| r.map(|(h, n)| (h.opcode, n)))
            })
        });
    }
    g.finish();
}

/// `Sec-WebSocket-Accept` from the RFC 6455 §1.3 sample key.
fn accept(c: &mut Criterion) {
    let key = b"dGhlIHNhbXBsZSBub25jZQ==";
    assert_eq!(
        &wsframe::handshake::accept_key(key),
        b"s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
    );
    assert_eq!(
        tungstenite::handshake::derive_accept_key(key),
        "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
    );
    let mut g = c.benchmark_group("accept_key");
    g.bench_function("wsframe", |b| {
        b.iter(|| wsframe::handshake::accept_key(black_box(key)))
    });
    g.bench_function("tungstenite", |b| {
        b.iter(|| tungstenite::handshake::derive_accept_key(black_box(key)))
    });
    // What the crates wsframe used before its own SHA-1 reach.
    let reference = |key: &[u8]| {
        use base64ct::Encoding;
        let mut sha1 = sha1_smol::Sha1::new();
        sha1.update(key);
        sha1.update(wsframe::handshake::WEBSOCKET_GUID.as_bytes());
        let mut out = [0u8; 28];
        let _ = base64ct::Base64::encode(&sha1.digest().bytes(), &mut out);
        out
    };
    assert_eq!(&reference(key), b"s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    g.bench_function("sha1_smol+base64ct", |b| {
        b.iter(|| reference(black_box(key)))
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = common::criterion(500, 1500);
    targets = header, accept, encode
}
criterion_main!(benches);
