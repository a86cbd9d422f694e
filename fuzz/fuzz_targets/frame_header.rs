//! Frame header decoding: never panics; a complete header re-encodes to the
//! same bytes (the decoder accepts only minimal lengths, the encoder writes
//! only those), every shorter prefix of it is `Partial` with a need that
//! grows, and `Partial(n)` always asks for more than it was given.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wsframe::frame::{Decoded, MAX_HEADER_LEN, decode, encode};

fuzz_target!(|data: &[u8]| {
    match decode(data) {
        Ok(Decoded::Complete(header, len)) => {
            assert!((2..=MAX_HEADER_LEN).contains(&len) && len <= data.len());
            assert_eq!(header.encoded_len(), len);
            let mut out = [0u8; MAX_HEADER_LEN];
            assert_eq!(encode(&header, &mut out), Ok(len));
            assert_eq!(&out[..len], &data[..len]);
            for cut in 0..len {
                match decode(&data[..cut]) {
                    Ok(Decoded::Partial(need)) => assert!(need > cut && need <= len),
                    other => panic!("prefix {cut} of a {len}-byte header gave {other:?}"),
                }
            }
        }
        Ok(Decoded::Partial(need)) => {
            assert!(need > data.len() && need <= MAX_HEADER_LEN);
        }
        Err(e) => assert_eq!(e.close_code().get(), 1002),
    }
});
