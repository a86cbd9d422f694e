//! Every masking kernel against the scalar oracle (kernels layer, tests).

use super::*;
use std::vec;
use std::vec::Vec;

/// An in-place kernel: buffer, key, phase → next phase.
pub(super) type InPlace = fn(&mut [u8], [u8; 4], usize) -> usize;
/// A copying kernel: source, destination, key, phase → next phase.
pub(super) type Copying = fn(&[u8], &mut [u8], [u8; 4], usize) -> usize;
/// An in-place kernel that also reports "all unmasked bytes are ASCII".
pub(super) type InPlaceAscii = fn(&mut [u8], [u8; 4], usize) -> (usize, bool);

/// The vector kernel that [`apply`], [`apply_ascii`] and [`copy`] reach
/// for long buffers (64 bytes and more) in this build on this CPU.
#[cfg(wsframe_vector)]
pub(super) struct WideKernel {
    /// As the log names it: "AVX2", "SSE2", "NEON", "simd128".
    pub(super) name: &'static str,
    /// How many buffers it has masked on this thread so far.
    pub(super) calls: fn() -> usize,
    /// Why a wider kernel of this ISA did not run here (x86 without AVX2).
    pub(super) not_run: Option<&'static str>,
}

const KEY: [u8; 4] = [0x9d, 0x01, 0xfe, 0x42];

/// 64-aligned storage, so that `offset` is a real misalignment; room for
/// the longest case (640 bytes from offset 63).
#[repr(align(64))]
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct Aligned([u8; 768]);

fn pattern(seed: u8) -> Aligned {
    let mut b = [0u8; 768];
    for (i, x) in b.iter_mut().enumerate() {
        *x = (i as u8).wrapping_mul(31).wrapping_add(seed);
    }
    Aligned(b)
}

/// The kernels this target has, by name (the ISA ones only where the CPU
/// can run them), plus the public entry points.
fn in_place_kernels() -> Vec<(&'static str, InPlace)> {
    let mut k: Vec<(&'static str, InPlace)> = vec![
        ("word", word::apply),
        // Fastest below SHORT bytes, correct at every length.
        ("word::apply_short", word::apply_short),
        ("compact", compact::apply),
        ("kernels::apply", apply),
        ("bulk::apply", super::bulk::apply),
    ];
    k.extend(
        isa_kernels()
            .into_iter()
            .map(|(name, apply, _)| (name, apply)),
    );
    k
}

fn copying_kernels() -> Vec<(&'static str, Copying)> {
    let mut k: Vec<(&'static str, Copying)> = vec![
        ("word::copy", word::copy),
        ("word::copy_short", word::copy_short),
        ("compact::copy", compact::copy),
        ("kernels::copy", copy),
        ("bulk::copy", super::bulk::copy),
    ];
    k.extend(
        isa_kernels()
            .into_iter()
            .map(|(name, _, copy)| (name, copy)),
    );
    k
}

/// The ASCII-reporting kernels, compared with `scalar::apply_ascii`.
fn ascii_kernels() -> Vec<(&'static str, InPlaceAscii)> {
    let mut k: Vec<(&'static str, InPlaceAscii)> = vec![
        ("word::apply_ascii", word::apply_ascii),
        ("word::apply_short_ascii", word::apply_short_ascii),
        ("compact::apply_ascii", compact::apply_ascii),
        ("kernels::apply_ascii", apply_ascii),
        ("bulk::apply_ascii", super::bulk::apply_ascii),
    ];
    k.extend(isa_ascii_kernels());
    k
}

/// The ASCII-reporting ISA kernels this CPU can run, by name.
fn isa_ascii_kernels() -> Vec<(&'static str, InPlaceAscii)> {
    #[cfg(wsframe_vector)]
    return bulk::test_ascii_kernels();
    #[cfg(not(wsframe_vector))]
    Vec::new()
}

/// The ISA kernels this CPU can run, by name (the vector module is
/// `bulk` wherever there is one).
fn isa_kernels() -> Vec<(&'static str, InPlace, Copying)> {
    #[cfg(wsframe_vector)]
    return bulk::test_kernels();
    #[cfg(not(wsframe_vector))]
    Vec::new()
}

/// One in-place kernel against its scalar oracle (`scalar::apply`, or
/// `scalar::apply_ascii` for the ASCII-reporting kernels) on `input` over
/// `range`: the same bytes (and none changed outside `range`), the same
/// result (next phase, and the ASCII flag).
fn check<R: PartialEq + core::fmt::Debug>(
    name: &str,
    kernel: fn(&mut [u8], [u8; 4], usize) -> R,
    oracle: fn(&mut [u8], [u8; 4], usize) -> R,
    input: Aligned,
    range: core::ops::Range<usize>,
    phase: usize,
) {
    let (mut want, mut got) = (input, input);
    let w = oracle(&mut want.0[range.clone()], KEY, phase);
    let g = kernel(&mut got.0[range.clone()], KEY, phase);
    assert_eq!(w, g, "{name} {range:?} phase {phase}");
    assert_eq!(want, got, "{name} {range:?} phase {phase}");
}

/// All lengths 0..=257, all 4 phases, 16 misalignments of the start.
#[test]
fn in_place_kernels_match_oracle() {
    let (lens, offsets) = if cfg!(miri) {
        (0..=20, 0..3)
    } else {
        (0..=257, 0..16)
    };
    let src = pattern(7);
    for (name, kernel) in in_place_kernels() {
        for len in lens.clone() {
            for phase in 0..4 {
                for offset in offsets.clone() {
                    check(
                        name,
                        kernel,
                        scalar::apply,
                        src,
                        offset..offset + len,
                        phase,
                    );
                }
            }
        }
    }
}

/// The same for the copying kernels, with source and destination
/// misaligned independently; bytes outside the destination stay put.
#[test]
fn copying_kernels_match_oracle() {
    let (lens, offsets) = if cfg!(miri) {
        (0..=20, 0..3)
    } else {
        (0..=257, 0..16)
    };
    let src = pattern(11);
    for (name, kernel) in copying_kernels() {
        for len in lens.clone() {
            for phase in 0..4 {
                for offset in offsets.clone() {
                    let s_off = (offset * 7 + len) % 16;
                    let mut want = pattern(3);
                    let mut got = want;
                    let s = &src.0[s_off..s_off + len];
                    let pw = scalar::copy(s, &mut want.0[offset..offset + len], KEY, phase);
                    let pg = kernel(s, &mut got.0[offset..offset + len], KEY, phase);
                    assert_eq!(
                        pw, pg,
                        "{name} len {len} phase {phase} off {offset}/{s_off}"
                    );
                    assert_eq!(
                        want, got,
                        "{name} len {len} phase {phase} off {offset}/{s_off}"
                    );
                }
            }
        }
    }
}

/// Masked ASCII text (`pattern` with the top bits cleared, masked with
/// `KEY` from `phase` at `offset`), so that unmasking gives ASCII.
fn masked_ascii(text: &Aligned, offset: usize, len: usize, phase: usize) -> Aligned {
    let mut b = *text;
    scalar::apply(&mut b.0[offset..offset + len], KEY, phase);
    b
}

/// `pattern(seed)` with the top bits cleared: ASCII.
fn ascii_pattern(seed: u8) -> Aligned {
    let mut b = pattern(seed);
    for x in &mut b.0 {
        *x &= 0x7f;
    }
    b
}

/// All lengths 0..=257, all 4 phases, 16 misalignments, on text that
/// unmasks to ASCII, on the same text with one byte (a different one per
/// case) unmasking to a non-ASCII byte, and on `pattern` (not ASCII).
#[test]
fn ascii_kernels_match_oracle() {
    // Under Miri (safe kernels only) one alignment is enough.
    let (lens, offsets) = if cfg!(miri) {
        (0..=20, 0..1)
    } else {
        (0..=257, 0..16)
    };
    let (text, random) = (ascii_pattern(5), pattern(9));
    for (name, kernel) in ascii_kernels() {
        for len in lens.clone() {
            for phase in 0..4 {
                for offset in offsets.clone() {
                    let range = offset..offset + len;
                    let ascii = masked_ascii(&text, offset, len, phase);
                    check(
                        name,
                        kernel,
                        scalar::apply_ascii,
                        ascii,
                        range.clone(),
                        phase,
                    );
                    check(
                        name,
                        kernel,
                        scalar::apply_ascii,
                        random,
                        range.clone(),
                        phase,
                    );
                    if len > 0 {
                        let mut one = ascii;
                        one.0[offset + (len * 7 + offset * 3 + phase) % len] ^= 0x80;
                        check(name, kernel, scalar::apply_ascii, one, range.clone(), phase);
                    }
                }
            }
        }
    }
}

/// A single non-ASCII byte at every position of every length is seen
/// (the first vector, the body, the overlapping tail), whatever its
/// other bits.
#[test]
fn ascii_kernels_see_every_position() {
    let (lens, offsets) = if cfg!(miri) {
        (0..=12, 0..1)
    } else {
        (0..=257, 0..2)
    };
    let text = ascii_pattern(3);
    for (name, kernel) in ascii_kernels() {
        for len in lens.clone() {
            for offset in offsets.clone().map(|o| o * 5) {
                let phase = (len + offset) % 4;
                let ascii = masked_ascii(&text, offset, len, phase);
                for at in 0..len {
                    let mut one = ascii;
                    one.0[offset + at] ^= 0x80 | (at as u8 & 0x7f);
                    check(
                        name,
                        kernel,
                        scalar::apply_ascii,
                        one,
                        offset..offset + len,
                        phase,
                    );
                }
            }
        }
    }
}

/// The oracle itself: masking twice is the identity, and it follows §5.3.
#[test]
fn oracle_is_rfc_masking() {
    let mut b = pattern(1);
    let orig = b;
    let p = scalar::apply(&mut b.0[..257], KEY, 2);
    assert_eq!(p, (2 + 257) % 4);
    for (i, (x, o)) in b.0.iter().zip(orig.0.iter()).take(257).enumerate() {
        assert_eq!(*x, o ^ KEY[(i + 2) % 4]);
    }
    scalar::apply(&mut b.0[..257], KEY, 2);
    assert_eq!(b, orig);
}

/// The long path (more than 8 vectors) from every start alignment a
/// 64-byte vector could see, for lengths 129..=640: the head, the first
/// aligned vector and the tail overlap the body in every possible way,
/// including a body that ends exactly at the end of the buffer (no tail
/// store). The ASCII-reporting kernels too, on bytes that unmask to ASCII
/// and on bytes that do not.
#[test]
fn long_path_every_alignment() {
    let (lens, offsets) = if cfg!(miri) {
        (257..=260, 0..2)
    } else {
        (129..=640, 0..64)
    };
    let (src, text) = (pattern(7), ascii_pattern(5));
    for len in lens {
        for offset in offsets.clone() {
            let phase = (len + offset) % 4;
            let range = offset..offset + len;
            for (name, kernel) in in_place_kernels() {
                check(name, kernel, scalar::apply, src, range.clone(), phase);
            }
            let ascii = masked_ascii(&text, offset, len, phase);
            for (name, kernel) in ascii_kernels() {
                check(name, kernel, scalar::apply_ascii, src, range.clone(), phase);
                check(
                    name,
                    kernel,
                    scalar::apply_ascii,
                    ascii,
                    range.clone(),
                    phase,
                );
            }
        }
    }
}

/// Random large buffers, random keys, phases and offsets.
#[test]
fn random_large_buffers() {
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || crate::testing::xorshift64(&mut x);
    let rounds = if cfg!(miri) { 2 } else { 40 };
    let max = if cfg!(miri) { 300 } else { 300_000 };
    let mut src = vec![0u8; max + 64];
    for b in &mut src {
        *b = next() as u8;
    }
    for _ in 0..rounds {
        let len = next() as usize % max;
        let (off, s_off) = (next() as usize % 64, next() as usize % 64);
        let phase = next() as usize % 4;
        let key = (next() as u32).to_le_bytes();
        let mut want = src[off..off + len].to_vec();
        let pw = scalar::apply(&mut want, key, phase);
        for (name, kernel) in in_place_kernels() {
            let mut got = src.clone();
            let pg = kernel(&mut got[off..off + len], key, phase);
            assert_eq!(
                (pw, &want[..]),
                (pg, &got[off..off + len]),
                "{name} len {len}"
            );
            assert_eq!(
                got[..off],
                src[..off],
                "{name} len {len}: wrote before the buffer"
            );
            assert_eq!(
                got[off + len..],
                src[off + len..],
                "{name} len {len}: wrote after the buffer"
            );
        }
        // ASCII reporting, on text that unmasks to ASCII, then with one
        // byte that does not.
        let mut text: Vec<u8> = src[off..off + len].iter().map(|b| b & 0x7f).collect();
        scalar::apply(&mut text, key, phase);
        for bad in [None, (len > 0).then(|| next() as usize % len)] {
            let mut input = text.clone();
            if let Some(at) = bad {
                input[at] ^= 0x80;
            }
            let mut want = input.clone();
            let w = scalar::apply_ascii(&mut want, key, phase);
            assert_eq!(w.1, bad.is_none());
            for (name, kernel) in ascii_kernels() {
                let mut got = vec![0u8; off];
                got.extend_from_slice(&input);
                let g = kernel(&mut got[off..], key, phase);
                assert_eq!((w, &want[..]), (g, &got[off..]), "{name} len {len} {bad:?}");
            }
        }
        let mut want = vec![0u8; len];
        let pw = scalar::copy(&src[s_off..s_off + len], &mut want, key, phase);
        for (name, kernel) in copying_kernels() {
            let mut dst = vec![0u8; max + 64];
            let pg = kernel(
                &src[s_off..s_off + len],
                &mut dst[off..off + len],
                key,
                phase,
            );
            assert_eq!(
                (pw, &want[..]),
                (pg, &dst[off..off + len]),
                "{name} len {len}"
            );
            assert!(
                dst[..off].iter().chain(&dst[off + len..]).all(|&b| b == 0),
                "{name}: wrote outside"
            );
        }
    }
}

#[test]
fn rotation() {
    assert_eq!(rotate_key([1, 2, 3, 4], 0), [1, 2, 3, 4]);
    assert_eq!(rotate_key([1, 2, 3, 4], 1), [2, 3, 4, 1]);
    assert_eq!(rotate_key([1, 2, 3, 4], 3), [4, 1, 2, 3]);
    assert_eq!(rotate_key([1, 2, 3, 4], 6), [3, 4, 1, 2]);
    assert_eq!(next_phase(3, 5), 0);
    assert_eq!(next_phase(7, 0), 3);
}

/// Shows in the test log which vector kernel the entry points really ran
/// (run with `--show-output`: step `rust` and `tests/aarch64/run.sh` do):
/// buffers of 64 to 320 bytes, every phase, through [`apply`],
/// [`apply_ascii`] and [`copy`], each compared with the scalar oracle,
/// while the kernel counts the buffers it masked on this thread. So a run
/// on a CPU without AVX2, or a build without a vector kernel, says so
/// instead of passing silently.
#[test]
fn wide_kernel_ran() {
    #[cfg(wsframe_vector)]
    let wide = bulk::test_wide_kernel();
    #[cfg(wsframe_vector)]
    let before = (wide.calls)();
    let src = pattern(13);
    let mut buffers = 0;
    let lens = if cfg!(miri) { 64..=66 } else { 64..=320 };
    for len in lens {
        for phase in 0..4 {
            let (mut want, mut got) = (src, src);
            let w = scalar::apply_ascii(&mut want.0[..len], KEY, phase);
            assert_eq!(apply_ascii(&mut got.0[..len], KEY, phase), w, "{len}");
            assert_eq!(want, got, "apply_ascii {len} phase {phase}");
            assert_eq!(apply(&mut got.0[..len], KEY, phase), w.0, "{len}");
            assert_eq!(got, src, "apply twice {len} phase {phase}");
            let mut copied = pattern(0);
            assert_eq!(copy(&src.0[..len], &mut copied.0[..len], KEY, phase), w.0);
            assert_eq!(copied.0[..len], want.0[..len], "copy {len} phase {phase}");
            buffers += 3;
        }
    }
    #[cfg(wsframe_vector)]
    {
        let ran = (wide.calls)() - before;
        std::println!(
            "{} kernel: {ran} buffers masked, compared with the scalar oracle",
            wide.name
        );
        assert_eq!(ran, buffers, "{} kernel calls", wide.name);
        if let Some(why) = wide.not_run {
            std::println!("{why}");
        }
    }
    #[cfg(not(wsframe_vector))]
    std::println!(
        "no vector kernel in this build (target without one, Miri or \
         --cfg wsframe_force_scalar): {buffers} buffers masked by the portable \
         or scalar kernels, compared with the scalar oracle"
    );
}
