//! Benchmark 1: masking in place, 16 B to 16 MiB, aligned (phase 0) and
//! from an unaligned start (3 bytes past a 64-byte boundary, phase 3);
//! against the peers' public masking functions and against memset (the
//! store-bound ceiling for in-place XOR) and memcpy of the same size.

mod common;

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use wsframe::kernels::{scalar, word};
use wsframe::mask::{apply_mask, copy_mask};
use wsframe_bench::{KEY, payload};

const SIZES: [(usize, &str); 6] = [
    (16, "16B"),
    (125, "125B"),
    (1 << 10, "1KiB"),
    (16 << 10, "16KiB"),
    (1 << 20, "1MiB"),
    (16 << 20, "16MiB"),
];

/// A 64-aligned buffer of `len + 64` bytes and the offset of its start.
struct Buf {
    storage: Vec<u8>,
    start: usize,
}

impl Buf {
    fn new(len: usize) -> Self {
        let storage = payload(len + 128);
        let start = storage.as_ptr().align_offset(64);
        Self { storage, start }
    }
    fn at(&mut self, offset: usize, len: usize) -> &mut [u8] {
        &mut self.storage[self.start + offset..self.start + offset + len]
    }
}

/// `buf.align_to::<u32>()`: a byte loop up to 4-byte alignment, a `u32`
/// loop, a byte loop for the tail. This is how tungstenite masks (its
/// `apply_mask` is private, so its algorithm is written out here).
fn u32_align_to(buf: &mut [u8], key: [u8; 4]) {
    // SAFETY: any bit pattern is a valid u32 and u8.
    let (head, words, tail) = unsafe { buf.align_to_mut::<u32>() };
    for (i, b) in head.iter_mut().enumerate() {
        *b ^= key[i % 4];
    }
    let shift = head.len() % 4;
    let k = u32::from_ne_bytes([
        key[shift % 4],
        key[(shift + 1) % 4],
        key[(shift + 2) % 4],
        key[(shift + 3) % 4],
    ]);
    for w in words.iter_mut() {
        *w ^= k;
    }
    let done = head.len() + words.len() * 4;
    for (i, b) in tail.iter_mut().enumerate() {
        *b ^= key[(done + i) % 4];
    }
}

fn rotated(phase: usize) -> [u8; 4] {
    let mut k = KEY;
    k.rotate_left(phase);
    k
}

fn in_place(c: &mut Criterion) {
    for (case, offset, phase) in [("aligned", 0, 0), ("unaligned", 3, 3)] {
        let mut g = c.benchmark_group(format!("mask_{case}"));
        for (len, name) in SIZES {
            g.throughput(Throughput::Bytes(len as u64));
            let mut buf = Buf::new(len);
            let mut src = Buf::new(len);
            // Peers without a phase argument get the key rotated to it:
            // the same bytes come out.
            let key = rotated(phase);
            g.bench_function(BenchmarkId::new("wsframe", name), |b| {
                b.iter(|| apply_mask(black_box(buf.at(offset, len)), KEY, phase))
            });
            g.bench_function(BenchmarkId::new("wsframe_copy_mask", name), |b| {
                let s = src.at(offset, len).to_vec();
                b.iter(|| copy_mask(black_box(&s), black_box(buf.at(offset, len)), KEY, phase))
            });
            g.bench_function(BenchmarkId::new("wsframe_word", name), |b| {
                b.iter(|| word::apply(black_box(buf.at(offset, len)), KEY, phase))
            });
            if len <= 1 << 20 {
                g.bench_function(BenchmarkId::new("byte_loop", name), |b| {
                    b.iter(|| scalar::apply(black_box(buf.at(offset, len)), KEY, phase))
                });
            }
            g.bench_function(BenchmarkId::new("tungstenite_u32_align_to", name), |b| {
                b.iter(|| u32_align_to(black_box(buf.at(offset, len)), key))
            });
            g.bench_function(BenchmarkId::new("fastwebsockets", name), |b| {
                b.iter(|| fastwebsockets::unmask(black_box(buf.at(offset, len)), key))
            });
            g.bench_function(BenchmarkId::new("yawc", name), |b| {
                b.iter(|| yawc::mask::apply_mask(black_box(buf.at(offset, len)), key))
            });
            g.bench_function(BenchmarkId::new("websocket-sans-io", name), |b| {
                b.iter(|| {
                    websocket_sans_io::apply_mask(KEY, black_box(buf.at(offset, len)), phase as u8)
                })
            });
            g.bench_function(BenchmarkId::new("memset", name), |b| {
                b.iter(|| buf.at(offset, len).fill(black_box(0x5a)))
            });
            g.bench_function(BenchmarkId::new("memcpy", name), |b| {
                let s = src.at(offset, len).to_vec();
                b.iter(|| buf.at(offset, len).copy_from_slice(black_box(&s)))
            });
        }
        g.finish();
    }
}

/// A masking function under test, boxed.
type Masker = Box<dyn Fn(&mut [u8])>;

/// Short buffers masked in turn from 8 places (2 KiB apart), so that no
/// call reads bytes the previous call has just stored. Masking the same
/// bytes again at once (as `in_place` does) makes a kernel whose last
/// vector overlaps the one before it miss store-to-load forwarding on the
/// next call: a cost of the repetition that decoding fresh data never pays.
fn fresh(c: &mut Criterion) {
    const PLACES: usize = 8;
    const STRIDE: usize = 2048;
    let mut g = c.benchmark_group("mask_fresh");
    for (len, name) in [(16, "16B"), (125, "125B")] {
        g.throughput(Throughput::Bytes(len as u64));
        let mut buf = Buf::new(PLACES * STRIDE);
        let key = rotated(3);
        let mut run = |id: &str, f: &dyn Fn(&mut [u8])| {
            let mut i = 0;
            g.bench_function(BenchmarkId::new(id, name), |b| {
                b.iter(|| {
                    i = (i + 1) % PLACES;
                    f(black_box(buf.at(i * STRIDE + 3, len)))
                })
            });
        };
        run("wsframe", &|b| {
            apply_mask(b, KEY, 3);
        });
        run("tungstenite_u32_align_to", &|b| u32_align_to(b, key));
        run("fastwebsockets", &|b| fastwebsockets::unmask(b, key));
        run("yawc", &|b| yawc::mask::apply_mask(b, key));
        run("websocket-sans-io", &|b| {
            websocket_sans_io::apply_mask(KEY, b, 3)
        });
        run("memset", &|b| b.fill(black_box(0x5a)));
    }
    g.finish();
}

/// Every masking function must produce the oracle's bytes (checked once,
/// so `--test` runs catch a wrong comparison).
fn check_equivalence() {
    for len in [0, 1, 15, 16, 17, 125, 1024, 4099] {
        for phase in 0..4 {
            let mut want = payload(len);
            scalar::apply(&mut want, KEY, phase);
            let key = rotated(phase);
            let mut fns: Vec<(&str, Masker)> = vec![
                (
                    "wsframe",
                    Box::new(move |b| {
                        apply_mask(b, KEY, phase);
                    }),
                ),
                (
                    "word",
                    Box::new(move |b| {
                        word::apply(b, KEY, phase);
                    }),
                ),
                ("u32_align_to", Box::new(move |b| u32_align_to(b, key))),
                (
                    "fastwebsockets",
                    Box::new(move |b| fastwebsockets::unmask(b, key)),
                ),
                ("yawc", Box::new(move |b| yawc::mask::apply_mask(b, key))),
                (
                    "websocket-sans-io",
                    Box::new(move |b| websocket_sans_io::apply_mask(KEY, b, phase as u8)),
                ),
            ];
            for (name, f) in fns.iter_mut() {
                let mut got = payload(len);
                f(&mut got);
                assert_eq!(got, want, "{name} len {len} phase {phase}");
            }
            let mut got = vec![0; len];
            copy_mask(&payload(len), &mut got, KEY, phase);
            assert_eq!(got, want, "copy_mask len {len} phase {phase}");
        }
    }
}

fn mask(c: &mut Criterion) {
    check_equivalence();
    in_place(c);
    fresh(c);
}

criterion_group! {
    name = benches;
    config = common::criterion(500, 1500);
    targets = mask
}
criterion_main!(benches);
