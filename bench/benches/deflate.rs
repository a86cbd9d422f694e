//! Benchmark 6: permessage-deflate (RFC 7692) — wsframe's inflater and
//! compressor against zlib-rs, miniz_oxide and the system C zlib, raw
//! DEFLATE with a 2^15 window, one message per iteration without context
//! takeover (each codec reset per message, its allocation kept).
//!
//! - `inflate_json`: streams compressed once by C zlib at level 6 (with a
//!   final block; `125B-fixed` with zlib's fixed-code strategy), inflated
//!   by each decoder. wsframe inflates into its
//!   32 KiB ring (the message's bytes are slices of it); the peers write
//!   into a flat buffer as large as the message.
//! - `compress_{json,html,text}`: each compressor ends the message as
//!   RFC 7692 §7.2.1 says (a sync flush; zlib's `00 00 FF FF` is counted).
//! - `echo_json`: inflate a message, then compress it back (level 6 or
//!   wsframe's `Default`), what a compressing echo server does per message.
//!
//! Before timing, every codec's result is checked: each decoder gives the
//! message back, and every compressor's output inflates (by C zlib) to the
//! message; so `-- --test` is a real smoke test. The wire sizes are
//! printed to stderr (ours ÷ zlib's at the matching level).

mod common;

use std::hint::black_box;

use criterion::{
    BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main,
};
use miniz_oxide::inflate::TINFLStatus;
use miniz_oxide::inflate::core::{DecompressorOxide, decompress, inflate_flags};
use wsframe::deflate::{
    Compressor, Flush, InflateStatus, Inflater, Level, Params, Status, TRAILER,
};

/// The system zlib (libz.so), the tests' oracle; bound by hand.
#[allow(dead_code)]
#[path = "../../tests/deflate/src/zlib.rs"]
mod zlib;

/// The generator of core's compressor tests and tests/deflate.
#[allow(dead_code, clippy::should_implement_trait)]
#[path = "../../core/src/deflate/compress_corpus.rs"]
mod corpus;

use corpus::{Kind, generate};

const BITS: u8 = 15;

fn size_name(n: usize) -> String {
    if n >= 1 << 20 {
        format!("{}MiB", n >> 20)
    } else if n >= 1 << 10 {
        format!("{}KiB", n >> 10)
    } else {
        format!("{n}B")
    }
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Json => "json",
        Kind::Html => "html",
        Kind::English => "text",
        Kind::Random => "random",
    }
}

// ---- decoders -------------------------------------------------------------

/// wsframe: a new stream per message, driven until the final block ends;
/// each piece of output (a slice of the ring) goes to `sink`.
fn wsframe_inflate(
    inf: &mut Inflater,
    ring: &mut [u8],
    stream: &[u8],
    mut sink: impl FnMut(&[u8]),
) -> usize {
    inf.reset();
    let (mut at, mut n) = (0, 0);
    loop {
        let r = inf
            .inflate(&stream[at..], ring, usize::MAX)
            .expect("valid stream");
        at += r.consumed;
        n += r.output.len();
        sink(r.output);
        match r.status {
            InflateStatus::StreamEnd => return n,
            InflateStatus::OutputFull => {}
            other => panic!("wsframe inflate: {other:?}"),
        }
    }
}

fn zlib_rs_inflate(z: &mut zlib_rs::Inflate, stream: &[u8], flat: &mut [u8]) -> usize {
    z.reset(false);
    let status = z
        .decompress(stream, flat, zlib_rs::InflateFlush::Finish)
        .expect("valid stream");
    assert_eq!(status, zlib_rs::Status::StreamEnd);
    z.total_out() as usize
}

fn zlib_inflate(z: &mut zlib::RawInflate, stream: &[u8], flat: &mut [u8]) -> usize {
    z.reset();
    z.inflate_all(stream, flat)
}

fn miniz_inflate(d: &mut DecompressorOxide, stream: &[u8], flat: &mut [u8]) -> usize {
    d.init();
    let flags = inflate_flags::TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF;
    let (status, _, n) = decompress(d, stream, flat, 0, flags);
    assert_eq!(status, TINFLStatus::Done);
    n
}

/// Every decoder's state, kept across messages.
struct Decoders {
    inf: Inflater,
    ring: Vec<u8>,
    zlib_rs: zlib_rs::Inflate,
    zlib: zlib::RawInflate,
    miniz: Box<DecompressorOxide>,
}

impl Decoders {
    fn new() -> Self {
        Self {
            inf: Inflater::new(BITS).expect("window bits"),
            ring: vec![0; Inflater::window_len(BITS)],
            zlib_rs: zlib_rs::Inflate::new(false, BITS),
            zlib: zlib::RawInflate::new(BITS),
            miniz: Box::new(DecompressorOxide::new()),
        }
    }
}

const DECODERS: [&str; 4] = ["wsframe", "zlib-rs", "zlib", "miniz_oxide"];

/// Inflates `stream` with decoder `name` into `flat`, counting bytes;
/// wsframe's output stays in its ring unless `copy_out`.
fn inflate_with(
    d: &mut Decoders,
    name: &str,
    stream: &[u8],
    flat: &mut [u8],
    copy_out: bool,
) -> usize {
    match name {
        "wsframe" if copy_out => {
            let mut at = 0;
            wsframe_inflate(&mut d.inf, &mut d.ring, stream, |piece| {
                flat[at..at + piece.len()].copy_from_slice(piece);
                at += piece.len();
            })
        }
        "wsframe" => wsframe_inflate(&mut d.inf, &mut d.ring, stream, |piece| {
            black_box(piece);
        }),
        "zlib-rs" => zlib_rs_inflate(&mut d.zlib_rs, stream, flat),
        "zlib" => zlib_inflate(&mut d.zlib, stream, flat),
        "miniz_oxide" => miniz_inflate(&mut d.miniz, stream, flat),
        other => unreachable!("decoder {other}"),
    }
}

fn bench_inflate(c: &mut Criterion) {
    let mut d = Decoders::new();
    let mut g = c.benchmark_group("inflate_json");
    // 125 B twice: as zlib's level 6 codes it (a dynamic block) and with
    // its fixed-code strategy (what short messages often get, and where
    // miniz_oxide rebuilds the fixed tables per block).
    let cases = [
        (125usize, zlib::DEFAULT, ""),
        (125, zlib::FIXED, "-fixed"),
        (16 << 10, zlib::DEFAULT, ""),
        (1 << 20, zlib::DEFAULT, ""),
    ];
    for (size, strategy, suffix) in cases {
        let msg = generate(Kind::Json, size, 1);
        let stream = zlib::deflate_raw(&msg, 6, BITS, strategy, 0);
        let mut flat = vec![0u8; size + 64];
        for name in DECODERS {
            flat.fill(0);
            let n = inflate_with(&mut d, name, &stream, &mut flat, true);
            assert!(n == size && flat[..n] == msg[..], "{name} inflate {size}");
        }
        g.throughput(Throughput::Bytes(size as u64));
        for name in DECODERS {
            let id = format!("{}{suffix}", size_name(size));
            g.bench_function(BenchmarkId::new(name, id), |b| {
                b.iter(|| inflate_with(&mut d, name, black_box(&stream), &mut flat, false))
            });
        }
    }
    g.finish();
}

// ---- compressors ----------------------------------------------------------

/// wsframe's compressor without context takeover: one message with
/// `Flush::Message` (the payload, RFC 7692's trailer already left off).
fn wsframe_compress(c: &mut Compressor<'_>, msg: &[u8], out: &mut [u8]) -> usize {
    let (mut at, mut written) = (0, 0);
    loop {
        let r = c.compress(&msg[at..], &mut out[written..], Flush::Message);
        at += r.consumed;
        written += r.written;
        match r.status {
            Status::MessageEnd => return written,
            Status::NeedsOutput if written < out.len() => {}
            other => panic!("wsframe compress: {other:?}"),
        }
    }
}

/// zlib-rs: reset, then the message with a sync flush.
fn zlib_rs_compress(z: &mut zlib_rs::Deflate, msg: &[u8], out: &mut [u8]) -> usize {
    z.reset();
    let status = z
        .compress(msg, out, zlib_rs::DeflateFlush::SyncFlush)
        .expect("deflate");
    assert_eq!(status, zlib_rs::Status::Ok);
    assert!(
        z.total_in() as usize == msg.len(),
        "zlib-rs: output buffer too small"
    );
    z.total_out() as usize
}

/// C zlib: reset, then the message with a sync flush.
fn zlib_compress(z: &mut zlib::RawDeflate, msg: &[u8], out: &mut Vec<u8>) -> usize {
    z.reset();
    out.clear();
    z.push(msg, false, out);
    out.len()
}

/// One compressor of each kind; wsframe's borrow their storage.
#[allow(clippy::large_enum_variant)] // a handful, built once
enum Encoder<'a> {
    Wsframe(Compressor<'a>),
    ZlibRs(zlib_rs::Deflate),
    Zlib(zlib::RawDeflate, Vec<u8>),
}

impl Encoder<'_> {
    fn compress(&mut self, msg: &[u8], out: &mut [u8]) -> usize {
        match self {
            Encoder::Wsframe(c) => wsframe_compress(c, msg, out),
            Encoder::ZlibRs(z) => zlib_rs_compress(z, msg, out),
            Encoder::Zlib(z, v) => zlib_compress(z, msg, v),
        }
    }

    /// The last message's compressed bytes, RFC 7692's trailer appended
    /// where the encoder left it off.
    fn wire<'o>(&'o self, out: &'o [u8], n: usize) -> Vec<u8> {
        match self {
            Encoder::Wsframe(_) => [&out[..n], &TRAILER].concat(),
            Encoder::ZlibRs(_) => out[..n].to_vec(),
            Encoder::Zlib(_, v) => v.clone(),
        }
    }
}

const ENCODERS: [&str; 6] = [
    "wsframe-fast",
    "zlib-1",
    "zlib-rs-1",
    "wsframe-default",
    "zlib-6",
    "zlib-rs-6",
];

fn params(level: Level) -> Params {
    Params::new(BITS, level)
        .expect("window bits")
        .with_context_takeover(false)
}

/// The encoder `name` over `storage` (used by wsframe's).
fn encoder<'a>(name: &str, storage: &'a mut Vec<u8>) -> Encoder<'a> {
    let wsframe = |level, storage: &'a mut Vec<u8>| {
        let p = params(level);
        storage.resize(p.storage_len(), 0);
        Encoder::Wsframe(Compressor::new(p, storage).expect("storage"))
    };
    match name {
        "wsframe-fast" => wsframe(Level::Fast, storage),
        "wsframe-default" => wsframe(Level::Default, storage),
        "zlib-1" => Encoder::Zlib(zlib::RawDeflate::new(1, BITS, zlib::DEFAULT), Vec::new()),
        "zlib-6" => Encoder::Zlib(zlib::RawDeflate::new(6, BITS, zlib::DEFAULT), Vec::new()),
        "zlib-rs-1" => Encoder::ZlibRs(zlib_rs::Deflate::new(1, false, BITS)),
        "zlib-rs-6" => Encoder::ZlibRs(zlib_rs::Deflate::new(6, false, BITS)),
        other => unreachable!("encoder {other}"),
    }
}

/// Inflates `wire` (one message, trailer included) with C zlib.
fn zlib_back(wire: &[u8], len: usize) -> Vec<u8> {
    let (out, verdict) = zlib::RawInflate::new(BITS).push(wire, len + 1);
    assert_eq!(
        verdict,
        zlib::Verdict::Truncated,
        "a message ends without a final block"
    );
    out
}

fn bench_compress(c: &mut Criterion) {
    let mut ratios = Vec::new();
    for kind in [Kind::Json, Kind::Html, Kind::English] {
        let mut g = c.benchmark_group(format!("compress_{}", kind_name(kind)));
        // 1 MiB at level 6 takes milliseconds: flat sampling, 10 samples.
        g.sampling_mode(SamplingMode::Flat).sample_size(10);
        for size in [1usize << 10, 64 << 10, 1 << 20] {
            let msg = generate(kind, size, 2);
            let mut out = vec![0u8; size + size / 8 + 1024];
            g.throughput(Throughput::Bytes(size as u64));
            let mut sizes = Vec::new();
            for name in ENCODERS {
                let mut storage = Vec::new();
                let mut e = encoder(name, &mut storage);
                let n = e.compress(&msg, &mut out);
                let wire = e.wire(&out, n);
                assert!(
                    zlib_back(&wire, size) == msg,
                    "{name} {size}: not inflated back"
                );
                sizes.push(wire.len());
                g.bench_function(BenchmarkId::new(name, size_name(size)), |b| {
                    b.iter(|| e.compress(black_box(&msg), &mut out))
                });
            }
            ratios.push((kind_name(kind), size, sizes));
        }
        g.finish();
    }
    eprintln!("\nwire bytes per message (trailer included), window 2^{BITS}:");
    eprintln!(
        "{:<5} {:>7} {}",
        "kind",
        "size",
        ENCODERS.map(|e| format!("{e:>16}")).join("")
    );
    for (kind, size, sizes) in ratios {
        let cells: String = sizes.iter().map(|s| format!("{s:>16}")).collect();
        eprintln!("{kind:<5} {:>7} {cells}", size_name(size));
        eprintln!(
            "{:<13} ours/zlib: fast/zlib-1 {:.3}, default/zlib-6 {:.3}",
            "",
            sizes[0] as f64 / sizes[1] as f64,
            sizes[3] as f64 / sizes[4] as f64
        );
    }
}

// ---- echo: inflate, then compress back ------------------------------------

fn bench_echo(c: &mut Criterion) {
    let mut g = c.benchmark_group("echo_json");
    for size in [125usize, 16 << 10] {
        let msg = generate(Kind::Json, size, 3);
        // A sender's message: sync-flushed, trailer removed (§7.2.1).
        let mut payload = Vec::new();
        zlib::RawDeflate::new(6, BITS, zlib::DEFAULT).push(&msg, false, &mut payload);
        assert!(payload.ends_with(&TRAILER));
        payload.truncate(payload.len() - TRAILER.len());
        let mut flat = vec![0u8; size + 64];
        let mut out = vec![0u8; size + size / 8 + 1024];
        g.throughput(Throughput::Bytes(size as u64));

        // wsframe: inflate (trailer through finish_message) into `flat`,
        // compress from there.
        let mut inf = Inflater::new(BITS).expect("window bits");
        let mut ring = vec![0u8; Inflater::window_len(BITS)];
        let mut storage = Vec::new();
        let mut enc = encoder("wsframe-default", &mut storage);
        let mut ours = |flat: &mut [u8], out: &mut [u8]| {
            inf.reset();
            let mut n = 0;
            let mut at = 0;
            loop {
                let r = inf
                    .inflate(&payload[at..], &mut ring, usize::MAX)
                    .expect("valid");
                flat[n..n + r.output.len()].copy_from_slice(r.output);
                n += r.output.len();
                at += r.consumed;
                if r.status == InflateStatus::NeedsInput {
                    break;
                }
            }
            loop {
                let r = inf.finish_message(&mut ring, usize::MAX).expect("valid");
                flat[n..n + r.output.len()].copy_from_slice(r.output);
                n += r.output.len();
                if r.status == InflateStatus::MessageEnd {
                    break;
                }
            }
            (n, enc.compress(&flat[..n], out))
        };
        let (n, w) = ours(&mut flat, &mut out);
        assert!(flat[..n] == msg[..], "wsframe echo inflate");
        assert!(
            zlib_back(&[&out[..w], &TRAILER].concat(), size) == msg,
            "wsframe echo compress"
        );
        g.bench_function(BenchmarkId::new("wsframe", size_name(size)), |b| {
            b.iter(|| ours(&mut flat, &mut out))
        });

        // zlib-rs and C zlib: the trailer appended, inflate with a sync
        // flush, deflate at level 6.
        let wire = [&payload[..], &TRAILER].concat();
        let mut zi = zlib_rs::Inflate::new(false, BITS);
        let mut zd = zlib_rs::Deflate::new(6, false, BITS);
        let mut zrs = |flat: &mut [u8], out: &mut [u8]| {
            zi.reset(false);
            zi.decompress(&wire, flat, zlib_rs::InflateFlush::SyncFlush)
                .expect("valid");
            let n = zi.total_out() as usize;
            (n, zlib_rs_compress(&mut zd, &flat[..n], out))
        };
        let (n, w) = zrs(&mut flat, &mut out);
        assert!(flat[..n] == msg[..], "zlib-rs echo inflate");
        assert!(zlib_back(&out[..w], size) == msg, "zlib-rs echo compress");
        g.bench_function(BenchmarkId::new("zlib-rs", size_name(size)), |b| {
            b.iter(|| zrs(&mut flat, &mut out))
        });

        let mut ci = zlib::RawInflate::new(BITS);
        let mut cd = zlib::RawDeflate::new(6, BITS, zlib::DEFAULT);
        let mut cout = Vec::with_capacity(out.len());
        let mut cz = |flat: &mut [u8], cout: &mut Vec<u8>| {
            ci.reset();
            let n = ci.inflate_message(&wire, flat);
            (n, zlib_compress(&mut cd, &flat[..n], cout))
        };
        let (n, _) = cz(&mut flat, &mut cout);
        assert!(flat[..n] == msg[..], "zlib echo inflate");
        assert!(zlib_back(&cout, size) == msg, "zlib echo compress");
        g.bench_function(BenchmarkId::new("zlib", size_name(size)), |b| {
            b.iter(|| cz(&mut flat, &mut cout))
        });
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = common::criterion(1000, 2000);
    targets = bench_inflate, bench_compress, bench_echo
}
criterion_main!(benches);
