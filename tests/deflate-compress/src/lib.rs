//! Helpers for the zlib comparison tests: the shared corpora and a driver
//! that compresses messages with wsframe's compressor.

#[path = "../../../core/src/deflate/compress_corpus.rs"]
pub mod corpus;

use wsframe::deflate::{Compressor, Flush, Params, Status};

/// Compresses `msgs` in order with one compressor (input in `piece`-byte
/// pieces, output in `out_len`-byte buffers); each message's payload
/// (RFC 7692 §7.2.1: the trailer already removed).
pub fn compress(params: Params, msgs: &[&[u8]], piece: usize, out_len: usize) -> Vec<Vec<u8>> {
    let mut storage = vec![0u8; params.storage_len()];
    let mut c = Compressor::new(params, &mut storage).expect("storage is large enough");
    let mut out = vec![0u8; out_len];
    let mut payloads = Vec::new();
    for msg in msgs {
        let mut payload = Vec::with_capacity(msg.len() / 2 + 16);
        let pieces: Vec<&[u8]> = if msg.is_empty() {
            vec![&[]]
        } else {
            msg.chunks(piece).collect()
        };
        for (k, p) in pieces.iter().enumerate() {
            let flush = if k + 1 == pieces.len() {
                Flush::Message
            } else {
                Flush::None
            };
            let mut at = 0;
            loop {
                let r = c.compress(&p[at..], &mut out, flush);
                payload.extend_from_slice(&out[..r.written]);
                at += r.consumed;
                match r.status {
                    Status::MessageEnd => break,
                    Status::NeedsInput if flush == Flush::None => break,
                    Status::NeedsInput => panic!("NeedsInput while flushing"),
                    Status::NeedsOutput => {}
                    _ => panic!("unknown status"),
                }
            }
        }
        payloads.push(payload);
    }
    payloads
}

pub mod zlib {
    //! The system zlib's raw inflate with a given window, through libz-sys.
    #![allow(unsafe_code)]

    use libz_sys as z;
    use std::mem::MaybeUninit;

    unsafe extern "C" {
        fn calloc(n: usize, size: usize) -> *mut std::ffi::c_void;
        fn free(p: *mut std::ffi::c_void);
    }

    extern "C" fn zalloc(_: z::voidpf, items: z::uInt, size: z::uInt) -> z::voidpf {
        // SAFETY: C's calloc; zlib frees with `zfree`.
        unsafe { calloc(items as usize, size as usize) }
    }

    extern "C" fn zfree(_: z::voidpf, p: z::voidpf) {
        // SAFETY: `p` came from `zalloc`.
        unsafe { free(p) }
    }

    /// One raw (no zlib header) inflate stream with window bits `N`.
    pub struct Inflater {
        strm: Box<z::z_stream>,
    }

    impl Inflater {
        /// `inflateInit2(-window_bits)`.
        pub fn new(window_bits: u8) -> Self {
            let mut slot = Box::new(MaybeUninit::<z::z_stream>::zeroed());
            // SAFETY: every field but the two allocator function pointers
            // is an integer or a raw pointer, valid when zeroed; those two
            // are written before `assume_init`.
            let mut strm: Box<z::z_stream> = unsafe {
                let p = slot.as_mut_ptr();
                std::ptr::addr_of_mut!((*p).zalloc).write(zalloc);
                std::ptr::addr_of_mut!((*p).zfree).write(zfree);
                Box::from_raw(Box::into_raw(slot).cast::<z::z_stream>())
            };
            let rc = unsafe {
                z::inflateInit2_(
                    &mut *strm,
                    -i32::from(window_bits),
                    z::zlibVersion(),
                    std::mem::size_of::<z::z_stream>() as i32,
                )
            };
            assert_eq!(rc, z::Z_OK, "inflateInit2 -{window_bits}");
            Self { strm }
        }

        /// Inflates `input` completely (Z_SYNC_FLUSH) through an output
        /// buffer of `chunk` bytes; zlib's error code and message on
        /// failure. zlib checks a distance against its window plus what
        /// the current call has written, so only `chunk` = 1 makes it
        /// refuse every distance beyond 2^N.
        pub fn push(&mut self, input: &[u8], chunk: usize) -> Result<Vec<u8>, String> {
            let mut out = Vec::new();
            let mut buf = vec![0u8; chunk];
            self.strm.next_in = input.as_ptr() as *mut u8;
            self.strm.avail_in = input.len() as u32;
            loop {
                self.strm.next_out = buf.as_mut_ptr();
                self.strm.avail_out = buf.len() as u32;
                // SAFETY: next_in/next_out point into live buffers of the
                // stated lengths for the duration of the call.
                let rc = unsafe { z::inflate(&mut *self.strm, z::Z_SYNC_FLUSH) };
                let produced = buf.len() - self.strm.avail_out as usize;
                out.extend_from_slice(&buf[..produced]);
                match rc {
                    z::Z_OK if self.strm.avail_in == 0 && self.strm.avail_out > 0 => {
                        return Ok(out);
                    }
                    z::Z_OK => {}
                    z::Z_BUF_ERROR if self.strm.avail_in == 0 => return Ok(out),
                    _ => {
                        let msg = if self.strm.msg.is_null() {
                            String::new()
                        } else {
                            // SAFETY: zlib's msg is a NUL-terminated static string.
                            unsafe { std::ffi::CStr::from_ptr(self.strm.msg) }
                                .to_string_lossy()
                                .into_owned()
                        };
                        return Err(format!("zlib {rc}: {msg}"));
                    }
                }
            }
        }
    }

    impl Drop for Inflater {
        fn drop(&mut self) {
            // SAFETY: initialised in `new`, ended once.
            unsafe { z::inflateEnd(&mut *self.strm) };
        }
    }
}

/// CPU time of the calling thread, in seconds (the machine is shared:
/// wall time would count other processes).
pub fn thread_cpu_seconds() -> f64 {
    #[repr(C)]
    struct Timespec {
        sec: i64,
        nsec: i64,
    }
    unsafe extern "C" {
        fn clock_gettime(clock: i32, ts: *mut Timespec) -> i32;
    }
    const CLOCK_THREAD_CPUTIME_ID: i32 = 3;
    let mut ts = Timespec { sec: 0, nsec: 0 };
    // SAFETY: `ts` is a valid timespec (x86-64/aarch64 Linux layout).
    let rc = unsafe { clock_gettime(CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0);
    ts.sec as f64 + ts.nsec as f64 * 1e-9
}
