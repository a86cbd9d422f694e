//! Every kernel against the scalar oracle.

use super::*;
use std::vec;
use std::vec::Vec;

/// An in-place kernel: buffer, key, phase → next phase.
pub(super) type InPlace = fn(&mut [u8], [u8; 4], usize) -> usize;
/// A copying kernel: source, destination, key, phase → next phase.
pub(super) type Copying = fn(&[u8], &mut [u8], [u8; 4], usize) -> usize;
/// An in-place kernel that also reports "all unmasked bytes are ASCII".
pub(super) type InPlaceAscii = fn(&mut [u8], [u8; 4], usize) -> (usize, bool);

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
        ("apply_mask", apply_mask),
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
        ("copy_mask", copy_mask),
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
#[allow(unreachable_code)]
fn ascii_kernels() -> Vec<(&'static str, InPlaceAscii)> {
    let mut k: Vec<(&'static str, InPlaceAscii)> = vec![
        ("word::apply_ascii", word::apply_ascii),
        ("word::apply_short_ascii", word::apply_short_ascii),
        ("compact::apply_ascii", compact::apply_ascii),
        ("apply_mask_ascii", apply_mask_ascii),
        ("bulk::apply_ascii", super::bulk::apply_ascii),
    ];
    #[cfg(all(
        any(
            target_arch = "x86_64",
            all(target_arch = "x86", target_feature = "sse2")
        ),
        not(any(miri, wsframe_force_scalar))
    ))]
    k.extend(x86::test_ascii_kernels());
    #[cfg(all(
        target_arch = "aarch64",
        target_feature = "neon",
        not(any(miri, wsframe_force_scalar))
    ))]
    k.extend(aarch64::test_ascii_kernels());
    #[cfg(all(
        target_arch = "wasm32",
        target_feature = "simd128",
        not(any(miri, wsframe_force_scalar))
    ))]
    k.extend(wasm32::test_ascii_kernels());
    k
}

#[allow(unreachable_code)]
fn isa_kernels() -> Vec<(&'static str, InPlace, Copying)> {
    #[cfg(all(
        any(
            target_arch = "x86_64",
            all(target_arch = "x86", target_feature = "sse2")
        ),
        not(any(miri, wsframe_force_scalar))
    ))]
    return x86::test_kernels();
    #[cfg(all(
        target_arch = "aarch64",
        target_feature = "neon",
        not(any(miri, wsframe_force_scalar))
    ))]
    return aarch64::test_kernels();
    #[cfg(all(
        target_arch = "wasm32",
        target_feature = "simd128",
        not(any(miri, wsframe_force_scalar))
    ))]
    return wasm32::test_kernels();
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
fn chunked_equals_whole() {
    let mut whole = pattern(7);
    scalar::apply(&mut whole.0[..257], KEY, 0);
    for cut in 0..=257 {
        let mut parts = pattern(7);
        let (a, b) = parts.0[..257].split_at_mut(cut);
        let p = apply_mask(a, KEY, 0);
        apply_mask(b, KEY, p);
        assert_eq!(parts, whole, "cut {cut}");
        let src = pattern(7);
        let mut dst = pattern(0);
        let (a, b) = dst.0[..257].split_at_mut(cut);
        let p = copy_mask(&src.0[..cut], a, KEY, 0);
        copy_mask(&src.0[cut..257], b, KEY, p);
        assert_eq!(dst.0[..257], whole.0[..257], "copy cut {cut}");
    }
}

/// `copy_mask` with slices of different lengths copies the shorter length.
#[test]
fn copy_mask_uses_the_common_length() {
    let src = [0u8; 40];
    let mut dst = [0xAAu8; 50];
    assert_eq!(copy_mask(&src, &mut dst, KEY, 1), (1 + 40) % 4);
    assert_eq!(dst[0], KEY[1]);
    assert!(dst[40..].iter().all(|&b| b == 0xAA));
    let mut dst = [0u8; 20];
    assert_eq!(copy_mask(&src, &mut dst, KEY, 0), 0);
    assert_eq!(dst[19], KEY[3]);
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

/// `utf8_is_valid` against `core::str::from_utf8` for every length
/// 60..=131 around the two-block path (65..=127 bytes with AVX2): mixed
/// text cut at each of its 10 byte phases, and with every byte replaced by
/// each of a set of bad or boundary-moving bytes (stray continuation,
/// overlong and surrogate leads, leads above U+10FFFF, 0xFF, ASCII).
#[test]
fn utf8_short_inputs_match_std() {
    let text = "a\u{e9}\u{20ac}\u{1d11e}".repeat(20).into_bytes(); // 10 bytes a round
    let (starts, lens) = if cfg!(miri) {
        (0..2, 64..=66)
    } else {
        (0..10, 60..=131)
    };
    let mut two_block_runs = 0;
    let mut check = |input: &[u8]| {
        let want = core::str::from_utf8(input).is_ok();
        assert_eq!(super::utf8_is_valid(input), want, "{input:x?}");
        #[cfg(all(target_arch = "x86_64", not(any(miri, wsframe_force_scalar))))]
        if let Some(got) = super::x86::test_two_blocks(input) {
            assert_eq!(got, want, "two blocks: {input:x?}");
            two_block_runs += 1;
        }
    };
    for start in starts {
        for len in lens.clone() {
            let Some(input) = text.get(start..start + len) else {
                continue;
            };
            check(input);
            let mut bad = input.to_vec();
            for pos in 0..len {
                for b in [0x80, 0xBF, 0xC0, 0xE0, 0xED, 0xF0, 0xF4, 0xF5, 0xFF, b'a'] {
                    let was = core::mem::replace(&mut bad[pos], b);
                    check(&bad);
                    bad[pos] = was;
                }
            }
        }
    }
    #[cfg(all(target_arch = "x86_64", not(any(miri, wsframe_force_scalar))))]
    if std::is_x86_feature_detected!("avx2") {
        assert!(
            two_block_runs > 100_000,
            "two-block path ran {two_block_runs} times"
        );
    }
}
