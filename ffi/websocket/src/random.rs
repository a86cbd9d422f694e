//! Entropy for the client's `Sec-WebSocket-Key` nonce (RFC 6455 §4.1 item
//! 7: "randomly selected") and masking keys (§5.3: "derived from a strong
//! source of entropy"; per handle, [`MaskKeys`]). The core takes randomness as an input; this layer
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

/// One handle's masking keys: SplitMix64 (Steele, Lea, Flood, "Fast
/// splittable pseudorandom number generators", OOPSLA 2014) seeded once
/// from [`fill`], stepped per frame — a handful of instructions where
/// drawing OS-keyed entropy per frame cost 6 % of a 16-byte message.
///
/// Enough for RFC 6455: §5.3 asks that the key be unpredictable, and
/// §10.3 says why — so that an application (a browser script) cannot
/// choose the bytes an intermediary sees on the wire. Here the
/// application is the one that puts the frame on the wire
/// (`SEND_TO_NETWORK` hands it the masked bytes, key included): a key
/// hidden from it protects nothing, and from everyone else the seed is OS
/// entropy, a fresh one per handle. It is not a cryptographic generator:
/// someone who sees many keys of one handle may predict the next.
pub struct MaskKeys {
    state: u64,
}

impl MaskKeys {
    /// A generator seeded from the OS.
    #[must_use]
    pub fn new() -> Self {
        let mut seed = [0; 8];
        fill(&mut seed);
        Self {
            state: u64::from_le_bytes(seed),
        }
    }

    /// The next 4-byte masking key.
    pub fn next_key(&mut self) -> [u8; 4] {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        let [a, b, c, d, ..] = z.to_le_bytes();
        [a, b, c, d]
    }
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
