//! The inflater's errors, one test per variant (each stream hand-built,
//! fed whole and one byte at a time), and the incomplete codes zlib
//! accepts.

use super::{Blocks, Writer, hex, inflate_split, message, small_lit_lens, spell};
use crate::deflate::inflate::{InflateError, InflateStatus, Inflater};

fn err_of(stream: &[u8]) -> InflateError {
    let whole = inflate_split(15, stream, usize::MAX, usize::MAX);
    let whole = whole.expect_err(&format!("{stream:02x?} decodes"));
    // Byte at a time finds the same error.
    assert_eq!(inflate_split(15, stream, 1, 1).unwrap_err(), whole);
    whole
}

#[test]
fn each_error_has_its_variant() {
    use InflateError::*;
    // BTYPE 11.
    assert_eq!(err_of(&[0x07]), InvalidBlockType);
    // Stored LEN 5, NLEN not its complement.
    assert_eq!(err_of(&hex("01 05 00 fa fe")), StoredLengthMismatch);
    // HLIT 287 (and HDIST 31) are beyond what zlib accepts.
    for (hlit, hdist) in [(287, 1), (257, 31)] {
        let mut w = Writer::default();
        w.put(1, 1);
        w.put(2, 2);
        w.put(hlit - 257, 5);
        w.put(hdist - 1, 5);
        w.put(0, 4);
        assert_eq!(err_of(&w.finish()), TooManyCodes);
    }
    // A code-length code of 19 one-bit codes: over-subscribed; and one of
    // a single one-bit code: incomplete (never allowed for this code).
    for (hclen, len) in [(19, 1), (4, 0)] {
        let mut w = Writer::default();
        w.put(0b101, 3);
        w.put(0, 10);
        w.put(hclen - 4, 4);
        for i in 0..hclen {
            w.put(if i == 0 { 1 } else { len }, 3);
        }
        assert_eq!(err_of(&w.finish()), BadCodeLengthCode, "hclen {hclen}");
    }
    let lit = small_lit_lens();
    // Repeat of the previous length with no previous length.
    let mut w = Writer::default();
    w.dynamic(true, 258, 1, &[(16, 0)]);
    assert_eq!(err_of(&w.finish()), BadRepeat);
    // A zero-run running past HLIT + HDIST.
    let mut w = Writer::default();
    w.dynamic(true, 258, 1, &[(18, 127), (18, 127), (18, 10)]);
    assert_eq!(err_of(&w.finish()), BadRepeat);
    // No code for end-of-block.
    let mut no_eob = lit.clone();
    no_eob[256] = 0;
    no_eob[258 - 1] = 1;
    let mut w = Writer::default();
    w.dynamic(true, 258, 1, &[spell(&no_eob), spell(&[1])].concat());
    assert_eq!(err_of(&w.finish()), MissingEndOfBlock);
    // Over-subscribed literal/length code: three one-bit codes.
    let mut over = lit.clone();
    over[256] = 1;
    over[257] = 1;
    let mut w = Writer::default();
    w.dynamic(true, 258, 1, &[spell(&over), spell(&[1])].concat());
    assert_eq!(err_of(&w.finish()), BadLiteralLengthCode);
    // Incomplete literal/length code longer than one bit.
    let mut short = lit.clone();
    short[257] = 3;
    let mut w = Writer::default();
    w.dynamic(true, 258, 1, &[spell(&short), spell(&[1])].concat());
    assert_eq!(err_of(&w.finish()), BadLiteralLengthCode);
    // Incomplete distance code: a single two-bit code.
    let mut w = Writer::default();
    w.dynamic(true, 258, 1, &[spell(&lit), spell(&[2])].concat());
    assert_eq!(err_of(&w.finish()), BadDistanceCode);
    // Fixed literal/length 286, and fixed distance 30.
    let mut w = Writer::default();
    w.put(0b011, 3);
    w.fixed_lit(286);
    assert_eq!(err_of(&w.finish()), InvalidLiteralLength);
    let mut w = Writer::default();
    w.put(0b011, 3);
    w.fixed_lit(u32::from(b'a'));
    w.fixed_lit(257);
    w.code((30, 5));
    assert_eq!(err_of(&w.finish()), InvalidDistance);
    // A match before the stream's start.
    let mut w = Writer::default();
    w.put(0b011, 3);
    w.fixed_match(3, 1);
    assert_eq!(err_of(&w.finish()), DistanceTooFar);
    // Usage errors.
    let mut inf = Inflater::new(10).unwrap();
    assert_eq!(inf.inflate(&[], &mut [0; 1023], 1).unwrap_err(), WindowSize);
    assert_eq!(inf.reset_with_window_bits(16), Err(WindowBits));
    assert!(Inflater::new(7).is_none() && Inflater::new(16).is_none());
}

/// zlib's exceptions, accepted: an empty distance code (literals only), a
/// one-code literal/length code of one bit (end-of-block only) and a
/// one-code distance code of one bit, whose unused half is invalid.
#[test]
fn codes_zlib_accepts() {
    // Empty distance code (HDIST 1, length 0): "AA" then end.
    let mut w = Writer::default();
    w.dynamic(
        true,
        258,
        1,
        &[spell(&small_lit_lens()), spell(&[0])].concat(),
    );
    w.code((0, 1));
    w.code((0, 1));
    w.code((0b10, 2));
    assert_eq!(inflate_split(15, &w.finish(), 1, 1).unwrap(), b"AA");
    // End-of-block as the only (one-bit) code; its other half is invalid.
    let mut eob_only = vec![0u8; 257];
    eob_only[256] = 1;
    for (bit, want) in [
        (0, Ok(vec![])),
        (1, Err(InflateError::InvalidLiteralLength)),
    ] {
        let mut w = Writer::default();
        w.dynamic(true, 257, 1, &[spell(&eob_only), spell(&[0])].concat());
        w.code((bit, 1));
        assert_eq!(inflate_split(15, &w.finish(), 1, 1), want);
    }
    // A one-bit distance code: code 0 is distance 1, code 1 invalid.
    for (bit, want) in [
        (0, Ok(b"AAAA".to_vec())),
        (1, Err(InflateError::InvalidDistance)),
    ] {
        let mut w = Writer::default();
        w.dynamic(
            true,
            258,
            1,
            &[spell(&small_lit_lens()), spell(&[1])].concat(),
        );
        w.code((0, 1)); // 'A'
        w.code((0b11, 2)); // 257: length 3
        w.code((bit, 1));
        w.code((0b10, 2));
        assert_eq!(inflate_split(15, &w.finish(), usize::MAX, usize::MAX), want);
    }
}

/// Errors stick until reset; the output before an error of the same call
/// comes first.
#[test]
fn errors_stick_until_reset() {
    let mut inf = Inflater::new(15).unwrap();
    let mut win = vec![0; 1 << 15];
    let mut w = Writer::default();
    w.put(0b011, 3);
    w.fixed_lit(u32::from(b'a'));
    w.fixed_lit(286);
    let bad = w.finish();
    let r = inf.inflate(&bad, &mut win, usize::MAX).unwrap();
    assert_eq!((r.output, r.status), (&b"a"[..], InflateStatus::OutputFull));
    assert_eq!(
        inf.inflate(&[], &mut win, 9).unwrap_err(),
        InflateError::InvalidLiteralLength
    );
    assert!(inf.finish_message(&mut win, 9).is_err());
    inf.reset();
    let hello = hex("f2 48 cd c9 c9 07 00");
    assert_eq!(message(&mut inf, &mut win, &[&hello]).unwrap(), b"Hello");
}
