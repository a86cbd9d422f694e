//! Every public masking entry point against the scalar oracle
//! (`kernels::scalar`, reached through wsframe's `testing` feature): `apply_mask`, `apply_mask_ascii` and `copy_mask`
//! (which dispatch to the SSE2 / AVX2 / NEON / simd128 kernel for this
//! target), and the portable `word` and `compact` kernels, at any length,
//! phase and misalignment, whole and in two pieces with the phase carried
//! over. The ASCII-reporting kernels also run on the payload turned into
//! masked ASCII text (so the flag is true), with one byte made non-ASCII
//! at a fuzzed position.
//!
//! Input: 4 key bytes, a phase byte, an offset byte (misalignment 0..63),
//! a split byte, then the payload.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wsframe::kernels::{compact, scalar, word};
use wsframe::mask::{apply_mask, apply_mask_ascii, copy_mask};

fuzz_target!(|data: &[u8]| {
    let Some((&[k0, k1, k2, k3, phase, offset, split], payload)) = data.split_first_chunk::<7>()
    else {
        return;
    };
    let key = [k0, k1, k2, k3];
    let phase = usize::from(phase);
    let offset = usize::from(offset % 64);
    let len = payload.len();

    let mut want = payload.to_vec();
    let want_phase = scalar::apply(&mut want, key, phase);
    assert_eq!(want_phase, (phase + len) % 4);

    // In place, at `offset` bytes into a buffer (misaligned storage).
    let mut storage = vec![0xA5u8; offset + len + 64];
    let check = |storage: &mut Vec<u8>, f: &dyn Fn(&mut [u8]) -> usize, what: &str| {
        storage.fill(0xA5);
        storage[offset..offset + len].copy_from_slice(payload);
        assert_eq!(
            f(&mut storage[offset..offset + len]),
            want_phase,
            "{what} phase"
        );
        assert_eq!(&storage[offset..offset + len], &want[..], "{what}");
        assert!(
            storage[..offset].iter().all(|&b| b == 0xA5),
            "{what} wrote before"
        );
        assert!(
            storage[offset + len..].iter().all(|&b| b == 0xA5),
            "{what} wrote after"
        );
    };
    check(&mut storage, &|b| apply_mask(b, key, phase), "apply_mask");
    check(&mut storage, &|b| word::apply(b, key, phase), "word::apply");
    check(&mut storage, &|b| compact::apply(b, key, phase), "compact::apply");
    check(
        &mut storage,
        &|b| apply_mask_ascii(b, key, phase).0,
        "apply_mask_ascii",
    );
    // The `_short` kernels are for buffers under `word::SHORT` bytes only:
    // from 17 bytes on they leave the middle unmasked (reported; their doc
    // said "any length").
    if len < word::SHORT {
        check(
            &mut storage,
            &|b| word::apply_short(b, key, phase),
            "word::apply_short",
        );
    }
    let cut = if len == 0 {
        0
    } else {
        usize::from(split) % (len + 1)
    };
    check(
        &mut storage,
        &|b| {
            let (a, rest) = b.split_at_mut(cut);
            let p = apply_mask(a, key, phase);
            apply_mask(rest, key, p)
        },
        "apply_mask in two pieces",
    );

    // Copying, into misaligned storage.
    let copy_check = |f: &dyn Fn(&[u8], &mut [u8]) -> usize, what: &str| {
        let mut dst = vec![0xA5u8; offset + len + 64];
        assert_eq!(
            f(payload, &mut dst[offset..offset + len]),
            want_phase,
            "{what} phase"
        );
        assert_eq!(&dst[offset..offset + len], &want[..], "{what}");
        assert!(
            dst[..offset].iter().all(|&b| b == 0xA5),
            "{what} wrote before"
        );
        assert!(
            dst[offset + len..].iter().all(|&b| b == 0xA5),
            "{what} wrote after"
        );
    };
    copy_check(&|s, d| copy_mask(s, d, key, phase), "copy_mask");
    copy_check(&|s, d| scalar::copy(s, d, key, phase), "scalar::copy");
    copy_check(&|s, d| word::copy(s, d, key, phase), "word::copy");
    copy_check(&|s, d| compact::copy(s, d, key, phase), "compact::copy");
    if len < word::SHORT {
        copy_check(
            &|s, d| word::copy_short(s, d, key, phase),
            "word::copy_short",
        );
    }
    // Unequal lengths: only the common prefix is written.
    let mut dst = vec![0xA5u8; len / 2];
    let p = copy_mask(payload, &mut dst, key, phase);
    assert_eq!(p, (phase + len / 2) % 4);
    assert_eq!(&dst[..], &want[..len / 2]);

    // "All ASCII" reporting: on the payload as is, on masked ASCII text
    // (the payload's low 7 bits, masked), and on that text with the byte
    // at `split` made non-ASCII.
    let mut text: Vec<u8> = payload.iter().map(|b| b & 0x7f).collect();
    scalar::apply(&mut text, key, phase);
    let mut bad = text.clone();
    if let Some(b) = bad.get_mut(usize::from(split)) {
        *b ^= 0x80;
    }
    type Ascii = fn(&mut [u8], [u8; 4], usize) -> (usize, bool);
    let kernels: [(&str, Ascii); 4] = [
        ("apply_mask_ascii", apply_mask_ascii),
        ("word::apply_ascii", word::apply_ascii),
        ("word::apply_short_ascii", word::apply_short_ascii),
        ("compact::apply_ascii", compact::apply_ascii),
    ];
    for input in [payload, &text[..], &bad[..]] {
        let mut want = input.to_vec();
        let want_flag = scalar::apply_ascii(&mut want, key, phase);
        for (what, kernel) in kernels {
            storage.fill(0xA5);
            storage[offset..offset + len].copy_from_slice(input);
            let got = kernel(&mut storage[offset..offset + len], key, phase);
            assert_eq!(got, want_flag, "{what} phase/flag");
            assert_eq!(&storage[offset..offset + len], &want[..], "{what}");
            assert!(
                storage[..offset].iter().all(|&b| b == 0xA5)
                    && storage[offset + len..].iter().all(|&b| b == 0xA5),
                "{what} wrote outside"
            );
        }
    }
});
