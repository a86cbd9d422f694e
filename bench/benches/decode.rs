//! Decoding as a server: 100 000 small frames (frames/s), one 16 MiB frame
//! (GB/s), and 1 MiB text messages in 125-byte and 16 KiB fragments, for
//! wsframe and the peers; plus streaming UTF-8 validation against
//! one-shot simdutf8.

mod common;

use criterion::{BatchSize, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use wsframe::DataKind;
use wsframe::utf8::Utf8Validator;
use wsframe_bench::{Seen, ascii_text, client_wire, config, payload, small_frames, wsframe_decode};

/// Runs every decoder on `wire`, checking once (outside the timing) that
/// each sees `want`.
fn decoders(
    c: &mut Criterion,
    group: &str,
    id: &str,
    wire: &[u8],
    want: Seen,
    throughput: Throughput,
) {
    let rt = common::runtime();
    let max_frame = wire.len();
    let msgs = want.messages;
    assert_eq!(
        wsframe_decode(&mut wire.to_vec(), config()),
        want,
        "wsframe"
    );
    assert_eq!(
        common::tungstenite(wire.to_vec(), msgs),
        want,
        "tungstenite"
    );
    assert_eq!(
        common::fastwebsockets(&rt, wire.to_vec(), msgs),
        want,
        "fastwebsockets"
    );
    assert_eq!(
        common::tokio_websockets(&rt, wire.to_vec(), msgs),
        want,
        "tokio-websockets"
    );
    assert_eq!(common::soketto(wire.to_vec(), msgs), want, "soketto");
    assert_eq!(
        common::embedded_websocket(wire, &mut vec![0; max_frame]),
        want,
        "embedded-websocket"
    );
    assert_eq!(
        common::websocket_sans_io(&mut wire.to_vec()),
        want,
        "websocket-sans-io"
    );

    let mut g = c.benchmark_group(group);
    g.throughput(throughput);
    let input = || wire.to_vec();
    g.bench_function(BenchmarkId::new("wsframe", id), |b| {
        b.iter_batched_ref(
            input,
            |w| wsframe_decode(w, config()),
            BatchSize::LargeInput,
        )
    });
    g.bench_function(BenchmarkId::new("tungstenite", id), |b| {
        b.iter_batched(
            input,
            |w| common::tungstenite(w, msgs),
            BatchSize::LargeInput,
        )
    });
    g.bench_function(BenchmarkId::new("fastwebsockets", id), |b| {
        b.iter_batched(
            input,
            |w| common::fastwebsockets(&rt, w, msgs),
            BatchSize::LargeInput,
        )
    });
    g.bench_function(BenchmarkId::new("tokio-websockets", id), |b| {
        b.iter_batched(
            input,
            |w| common::tokio_websockets(&rt, w, msgs),
            BatchSize::LargeInput,
        )
    });
    g.bench_function(BenchmarkId::new("soketto", id), |b| {
        b.iter_batched(input, |w| common::soketto(w, msgs), BatchSize::LargeInput)
    });
    let mut to = vec![0u8; max_frame];
    g.bench_function(BenchmarkId::new("embedded-websocket", id), |b| {
        b.iter(|| common::embedded_websocket(wire, &mut to))
    });
    g.bench_function(BenchmarkId::new("websocket-sans-io", id), |b| {
        b.iter_batched_ref(
            input,
            |w| common::websocket_sans_io(w),
            BatchSize::LargeInput,
        )
    });
    g.finish();
}

/// Benchmark 2: 100 000 masked 16-byte binary frames.
fn small(c: &mut Criterion) {
    const N: usize = 100_000;
    let wire = small_frames(N, 16);
    let want = Seen {
        messages: N,
        bytes: N * 16,
    };
    decoders(
        c,
        "decode_small",
        "100k_x_16B",
        &wire,
        want,
        Throughput::Elements(N as u64),
    );
}

/// Benchmark 3: one masked 16 MiB binary frame.
fn large(c: &mut Criterion) {
    let p = payload(16 << 20);
    let wire = client_wire(DataKind::Binary, &[&p], p.len());
    let want = Seen {
        messages: 1,
        bytes: p.len(),
    };
    decoders(
        c,
        "decode_large",
        "16MiB",
        &wire,
        want,
        Throughput::Bytes(p.len() as u64),
    );
}

/// Benchmark 4: 1 MiB text messages in fragments; wsframe also decodes the
/// same shapes as binary, the baseline for the cost of validation.
fn text(c: &mut Criterion) {
    for (name, text) in [
        ("ascii", ascii_text(1 << 20)),
        ("mixed", wsframe_bench::mixed_text(1 << 20)),
    ] {
        for frag in [125, 16 * 1024] {
            let id = format!("{name}_{frag}");
            let wire = client_wire(DataKind::Text, &[&text], frag);
            let want = Seen {
                messages: 1,
                bytes: text.len(),
            };
            decoders(
                c,
                "decode_text",
                &id,
                &wire,
                want,
                Throughput::Bytes(text.len() as u64),
            );

            let binary = client_wire(DataKind::Binary, &[&text], frag);
            let mut g = c.benchmark_group("decode_text");
            g.throughput(Throughput::Bytes(text.len() as u64));
            g.bench_function(BenchmarkId::new("wsframe_as_binary", &id), |b| {
                b.iter_batched_ref(
                    || binary.clone(),
                    |w| wsframe_decode(w, config()),
                    BatchSize::LargeInput,
                )
            });
            g.finish();

            utf8(c, &id, &text, frag);
        }
    }
}

/// Streaming validation (fragment by fragment, carrying split code points)
/// against simdutf8 one-shot on the whole message and on each fragment.
fn utf8(c: &mut Criterion, id: &str, text: &[u8], frag: usize) {
    let mut g = c.benchmark_group("utf8");
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.bench_function(BenchmarkId::new("wsframe_streaming", id), |b| {
        b.iter(|| {
            let mut v = Utf8Validator::new();
            for chunk in text.chunks(frag) {
                v.feed(chunk).expect("valid");
            }
            v.finish().expect("valid")
        })
    });
    g.bench_function(BenchmarkId::new("simdutf8_whole", id), |b| {
        b.iter(|| simdutf8::basic::from_utf8(text).is_ok())
    });
    // One-shot validation at the same granularity: each piece of about
    // `frag` bytes, cut on code-point boundaries (for ASCII, exactly the
    // fragments), the per-call baseline for streaming.
    let text_str = std::str::from_utf8(text).expect("valid");
    let mut pieces = Vec::new();
    let mut start = 0;
    while start < text.len() {
        let mut end = (start + frag).min(text.len());
        while !text_str.is_char_boundary(end) {
            end -= 1;
        }
        pieces.push(&text[start..end]);
        start = end;
    }
    g.bench_function(BenchmarkId::new("simdutf8_per_fragment", id), |b| {
        b.iter(|| pieces.iter().all(|c| simdutf8::basic::from_utf8(c).is_ok()))
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = common::criterion(700, 2000);
    targets = small, large, text
}
criterion_main!(benches);
