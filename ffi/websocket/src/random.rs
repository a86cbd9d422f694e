//! Entropy for the client's `Sec-WebSocket-Key` nonce (RFC 6455 §4.1 item
//! 7: "randomly selected") and masking keys (§5.3: "derived from a strong
//! source of entropy"). The core takes randomness as an input; this layer
//! is where it comes from:
//!
//! * with `std`: the OS-seeded keys of `std`'s `RandomState` (SipHash
//!   keyed from the OS generator), hashed with a per-process counter;
//! * without `std` on Windows: `RtlGenRandom` (`SystemFunction036` of
//!   advapi32.dll, present since Windows XP, so it loads on Windows 7);
//! * without `std` elsewhere: Linux's `getrandom(2)`.

/// Fills `out` with unpredictable bytes.
pub fn fill(out: &mut [u8]) {
    imp::fill(out);
}

/// A fresh 4-byte masking key.
#[must_use]
pub fn mask_key() -> [u8; 4] {
    let mut key = [0; 4];
    fill(&mut key);
    key
}

#[cfg(feature = "std")]
mod imp {
    use std::collections::hash_map::RandomState;
    use std::hash::{BuildHasher, Hasher};
    use std::sync::atomic::{AtomicU64, Ordering};

    static COUNTER: AtomicU64 = AtomicU64::new(0);

    pub fn fill(out: &mut [u8]) {
        // One RandomState per call: each is keyed with fresh OS entropy
        // (per thread, then incremented), and the counter separates calls.
        let state = RandomState::new();
        for chunk in out.chunks_mut(8) {
            let mut h = state.build_hasher();
            h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
            let word = h.finish().to_le_bytes();
            for (o, w) in chunk.iter_mut().zip(word) {
                *o = w;
            }
        }
    }
}

#[cfg(all(not(feature = "std"), windows))]
mod imp {
    #[link(name = "advapi32")]
    unsafe extern "system" {
        #[link_name = "SystemFunction036"]
        fn rtl_gen_random(buffer: *mut u8, length: u32) -> u8;
    }

    pub fn fill(out: &mut [u8]) {
        for chunk in out.chunks_mut(1 << 16) {
            // SAFETY: `chunk` is writable for its length (< 2^32).
            let _ = unsafe { rtl_gen_random(chunk.as_mut_ptr(), chunk.len() as u32) };
        }
    }
}

#[cfg(all(not(feature = "std"), not(windows)))]
mod imp {
    unsafe extern "C" {
        fn getrandom(buf: *mut u8, len: usize, flags: u32) -> isize;
    }

    pub fn fill(out: &mut [u8]) {
        let mut done = 0;
        while done < out.len() {
            let rest = &mut out[done..];
            // SAFETY: `rest` is writable for its length.
            let n = unsafe { getrandom(rest.as_mut_ptr(), rest.len(), 0) };
            if n > 0 {
                done += n as usize;
            }
        }
    }
}
