//! Frame codec tests (frame layer): RFC 6455 §5.7 vectors (as hex), one
//! test per header rule, split feeding, encode→decode round trips and the
//! Close payload writer.

use super::*;
use crate::close::ClosePayload;
use crate::close_code::CloseCode;
use crate::error::{ProtocolError, UsageError};
use crate::role::Role;

fn hex(s: &str) -> ([u8; 64], usize) {
    let mut out = [0u8; 64];
    let digits: heapless::Vec<u8, 128> = s.bytes().filter(u8::is_ascii_hexdigit).collect();
    for (i, pair) in digits.chunks(2).enumerate() {
        let v = core::str::from_utf8(pair).unwrap();
        out[i] = u8::from_str_radix(v, 16).unwrap();
    }
    (out, digits.len() / 2)
}

fn complete(buf: &[u8]) -> (FrameHeader, usize) {
    match decode(buf).unwrap() {
        Decoded::Complete(h, n) => (h, n),
        Decoded::Partial(n) => panic!("partial, need {n}"),
    }
}

/// A §5.7 example: (hex, fin, opcode, mask, payload length, header length).
type Vector = (&'static str, bool, OpCode, Option<[u8; 4]>, u64, usize);

const RFC_5_7: &[Vector] = &[
    ("81 05 48 65 6c 6c 6f", true, OpCode::Text, None, 5, 2),
    (
        "81 85 37 fa 21 3d 7f 9f 4d 51 58",
        true,
        OpCode::Text,
        Some([0x37, 0xfa, 0x21, 0x3d]),
        5,
        6,
    ),
    ("01 03 48 65 6c", false, OpCode::Text, None, 3, 2),
    ("80 02 6c 6f", true, OpCode::Continuation, None, 2, 2),
    ("89 05 48 65 6c 6c 6f", true, OpCode::Ping, None, 5, 2),
    (
        "8a 85 37 fa 21 3d 7f 9f 4d 51 58",
        true,
        OpCode::Pong,
        Some([0x37, 0xfa, 0x21, 0x3d]),
        5,
        6,
    ),
    ("82 7e 01 00", true, OpCode::Binary, None, 256, 4),
    (
        "82 7f 00 00 00 00 00 01 00 00",
        true,
        OpCode::Binary,
        None,
        65536,
        10,
    ),
];

#[test]
fn rfc_5_7_examples_decode_and_reencode() {
    for &(h, fin, opcode, mask, len, hlen) in RFC_5_7 {
        let (buf, n) = hex(h);
        let (header, used) = complete(&buf[..n]);
        assert_eq!(
            header,
            FrameHeader {
                fin,
                rsv: 0,
                opcode,
                mask,
                payload_len: len
            },
            "{h}"
        );
        assert_eq!(used, hlen, "{h}");
        let mut out = [0u8; MAX_HEADER_LEN];
        let w = encode(&header, &mut out).unwrap();
        assert_eq!(&out[..w], &buf[..hlen], "{h}");
    }
}

#[test]
fn rfc_5_7_masked_hello_unmasks() {
    let (mut buf, n) = hex("81 85 37 fa 21 3d 7f 9f 4d 51 58");
    let (header, used) = complete(&buf[..n]);
    crate::mask::apply_mask(&mut buf[used..n], header.mask.unwrap(), 0);
    assert_eq!(&buf[used..n], b"Hello");
}

#[test]
fn partial_at_every_split() {
    for &(h, ..) in RFC_5_7 {
        let (buf, n) = hex(h);
        let (_, used) = complete(&buf[..n]);
        for cut in 0..used {
            match decode(&buf[..cut]).unwrap() {
                Decoded::Partial(need) => {
                    assert!(need > cut && need <= used, "{h} cut {cut} need {need}")
                }
                Decoded::Complete(..) => panic!("{h} complete at {cut}"),
            }
        }
    }
}

#[test]
fn header_rules_answer_1002() {
    let cases: &[(&str, ProtocolError)] = &[
        ("83 00", ProtocolError::ReservedOpcode),
        ("87 00", ProtocolError::ReservedOpcode),
        ("8b 00", ProtocolError::ReservedOpcode),
        ("8f 00", ProtocolError::ReservedOpcode),
        ("09 00", ProtocolError::FragmentedControlFrame),
        ("08 00", ProtocolError::FragmentedControlFrame),
        ("89 7e", ProtocolError::ControlFrameTooLong),
        ("88 7e 00 7e", ProtocolError::ControlFrameTooLong),
        ("82 7e 00 7d", ProtocolError::NonMinimalLength),
        (
            "82 7f 00 00 00 00 00 00 ff ff",
            ProtocolError::NonMinimalLength,
        ),
        (
            "82 7f 80 00 00 00 00 00 00 00",
            ProtocolError::LengthTopBitSet,
        ),
        (
            "82 ff ff ff ff ff ff ff ff ff",
            ProtocolError::LengthTopBitSet,
        ),
    ];
    for &(h, want) in cases {
        let (buf, n) = hex(h);
        assert_eq!(decode(&buf[..n]), Err(want), "{h}");
        assert_eq!(want.close_code().get(), 1002);
    }
}

#[test]
fn control_with_125_bytes_is_fine() {
    let (buf, n) = hex("89 7d");
    assert_eq!(complete(&buf[..n]).0.payload_len, 125);
}

#[test]
fn encode_uses_minimal_lengths_and_round_trips() {
    let lens = [
        0u64,
        1,
        125,
        126,
        127,
        0xFFFF,
        0x1_0000,
        u32::MAX as u64 + 7,
        (1 << 63) - 1,
    ];
    for &payload_len in &lens {
        for mask in [None, Some([1, 2, 3, 4])] {
            for rsv in 0..8 {
                let h = FrameHeader {
                    fin: rsv % 2 == 0,
                    rsv,
                    opcode: OpCode::Binary,
                    mask,
                    payload_len,
                };
                let mut out = [0u8; MAX_HEADER_LEN];
                let n = encode(&h, &mut out).unwrap();
                assert_eq!(n, h.encoded_len());
                assert_eq!(complete(&out[..n]), (h, n));
            }
        }
    }
}

#[test]
fn encode_errors_leave_output_untouched() {
    let h = FrameHeader {
        fin: true,
        rsv: 0,
        opcode: OpCode::Binary,
        mask: Some([9; 4]),
        payload_len: 70_000,
    };
    let mut out = [0xAAu8; 13];
    assert_eq!(
        encode(&h, &mut out),
        Err(UsageError::BufferTooSmall { needed: 14 })
    );
    assert_eq!(out, [0xAA; 13]);
    let h = FrameHeader {
        payload_len: 1 << 63,
        ..h
    };
    let mut out = [0xAAu8; 14];
    assert_eq!(encode(&h, &mut out), Err(UsageError::PayloadTooLarge));
    assert_eq!(out, [0xAA; 14]);
}

/// The one Close payload writer (§5.5.1): the code big-endian, then the
/// reason; an empty Close for 1005; codes and reasons that may not be
/// sent refused; `out` untouched when it is too small. A server's frame,
/// so the payload follows the 2-byte header unmasked.
#[test]
fn close_payload_round_trip_and_limits() {
    let encode =
        |close: &ClosePayload<'_>, out: &mut [u8]| encode_close(Role::Server, close, [0; 4], out);
    let mut out = [0u8; 127];
    let p = ClosePayload {
        code: CloseCode::NORMAL,
        reason: "ok",
    };
    let n = encode(&p, &mut out).unwrap();
    assert_eq!(&out[..n], b"\x88\x04\x03\xe8ok");
    assert_eq!(ClosePayload::parse(&out[2..n]).unwrap(), p);
    let long = core::str::from_utf8(&[b'a'; 124]).unwrap();
    assert_eq!(
        encode(
            &ClosePayload {
                code: CloseCode::NORMAL,
                reason: long
            },
            &mut out
        ),
        Err(UsageError::ReasonTooLong)
    );
    assert_eq!(
        encode(
            &ClosePayload {
                code: CloseCode::ABNORMAL,
                reason: ""
            },
            &mut out
        ),
        Err(UsageError::InvalidCloseCode)
    );
    let empty = ClosePayload {
        code: CloseCode::NO_STATUS,
        reason: "",
    };
    assert_eq!(encode(&empty, &mut out), Ok(2));
    assert_eq!(&out[..2], b"\x88\x00");
    let mut small = [0u8; 5];
    assert_eq!(
        encode(&p, &mut small),
        Err(UsageError::BufferTooSmall { needed: 6 })
    );
    assert_eq!(small, [0; 5]);
}

/// The data-frame fast path of `decode` answers exactly as the general
/// decoder: every first and second byte, extended lengths at and around
/// the minimal-form limits, the top bit, and every cut of the buffer.
/// (The `small` feature has no fast path: `decode` is the general decoder.)
#[cfg(not(feature = "small"))]
#[test]
fn fast_path_matches_general_decoder() {
    let tails: [[u8; 12]; 6] = [
        [0; 12],
        [0xFF; 12],
        [0x00, 0x7D, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4],
        [0x00, 0x7E, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4],
        [0, 0, 0, 0, 0, 0x00, 0xFF, 0xFF, 9, 8, 7, 6],
        [0, 0, 0, 0, 0, 0x01, 0x00, 0x00, 9, 8, 7, 6],
    ];
    // Under Miri: boundary values of both bytes only.
    let edges = [
        0x00, 0x01, 0x02, 0x03, 0x09, 0x7D, 0x7E, 0x7F, 0x80, 0x82, 0x89, 0xFD, 0xFE, 0xFF,
    ];
    let bytes: std::vec::Vec<u8> = if cfg!(miri) {
        edges.to_vec()
    } else {
        (0..=255).collect()
    };
    let mut buf = [0u8; 14];
    for &b0 in &bytes {
        for &b1 in &bytes {
            for tail in &tails {
                buf[0] = b0;
                buf[1] = b1;
                buf[2..].copy_from_slice(tail);
                for cut in 0..=buf.len() {
                    assert_eq!(
                        decode(&buf[..cut]),
                        decode::decode_general(&buf[..cut]),
                        "{:02x?}",
                        &buf[..cut]
                    );
                }
            }
        }
    }
}

mod props {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(if cfg!(miri) { 4 } else { 256 }))]
        #[test]
        fn decode_never_panics_and_reencodes(bytes in proptest::collection::vec(any::<u8>(), 0..16)) {
            if let Ok(Decoded::Complete(h, n)) = decode(&bytes) {
                let mut out = [0u8; MAX_HEADER_LEN];
                let w = encode(&h, &mut out).unwrap();
                prop_assert_eq!(&out[..w], &bytes[..n]);
            }
        }
    }
}
