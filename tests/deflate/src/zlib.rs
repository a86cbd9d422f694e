//! The system zlib (libz.so from zlib1g-dev), raw DEFLATE only: the oracle
//! for both codecs. Bound by hand rather than through flate2 because
//! flate2 refuses window bits 8, which RFC 7692 §7.1.2 allows and zlib
//! 1.2.13's raw inflate accepts (its raw deflate turns 8 into 9). Also
//! the C zlib peer of bench/benches/deflate.rs, which includes this file
//! through `#[path]`.

use std::ffi::{CStr, c_char, c_int, c_uint, c_ulong, c_void};

#[repr(C)]
struct ZStream {
    next_in: *const u8,
    avail_in: c_uint,
    total_in: c_ulong,
    next_out: *mut u8,
    avail_out: c_uint,
    total_out: c_ulong,
    msg: *const c_char,
    state: *mut c_void,
    zalloc: Option<unsafe extern "C" fn(*mut c_void, c_uint, c_uint) -> *mut c_void>,
    zfree: Option<unsafe extern "C" fn(*mut c_void, *mut c_void)>,
    opaque: *mut c_void,
    data_type: c_int,
    adler: c_ulong,
    reserved: c_ulong,
}

#[link(name = "z")]
unsafe extern "C" {
    fn zlibVersion() -> *const c_char;
    fn inflateInit2_(s: *mut ZStream, bits: c_int, v: *const c_char, size: c_int) -> c_int;
    fn inflate(s: *mut ZStream, flush: c_int) -> c_int;
    fn inflateReset(s: *mut ZStream) -> c_int;
    fn inflateEnd(s: *mut ZStream) -> c_int;
    fn deflateInit2_(
        s: *mut ZStream,
        level: c_int,
        method: c_int,
        bits: c_int,
        mem_level: c_int,
        strategy: c_int,
        v: *const c_char,
        size: c_int,
    ) -> c_int;
    fn deflate(s: *mut ZStream, flush: c_int) -> c_int;
    fn deflateReset(s: *mut ZStream) -> c_int;
    fn deflateEnd(s: *mut ZStream) -> c_int;
}

const Z_OK: c_int = 0;
const Z_STREAM_END: c_int = 1;
const Z_BUF_ERROR: c_int = -5;
const Z_DATA_ERROR: c_int = -3;
const Z_NO_FLUSH: c_int = 0;
const Z_SYNC_FLUSH: c_int = 2;
const Z_FINISH: c_int = 4;

/// zlib's strategies (`deflateInit2`).
pub const DEFAULT: i32 = 0;
pub const FILTERED: i32 = 1;
pub const HUFFMAN_ONLY: i32 = 2;
pub const RLE: i32 = 3;
pub const FIXED: i32 = 4;

/// The zlib version string, for the test log.
pub fn version() -> String {
    // SAFETY: zlibVersion returns a static NUL-terminated string.
    unsafe { CStr::from_ptr(zlibVersion()) }
        .to_string_lossy()
        .into_owned()
}

fn new_stream() -> Box<ZStream> {
    // SAFETY: all-zero is zlib's documented initial state (Z_NULL
    // allocators select its own); the box keeps the address stable, which
    // zlib checks on every call.
    Box::new(unsafe { std::mem::zeroed() })
}

const STREAM_SIZE: c_int = std::mem::size_of::<ZStream>() as c_int;

/// How a stream ended for a decoder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// A final block ended.
    Complete,
    /// All input used, no final block yet (also: a message of RFC 7692
    /// §7.2.2 fully inflated, since it ends with a sync flush).
    Truncated,
    /// Corrupt: zlib's message.
    Error(String),
}

/// One raw inflate stream (`inflateInit2(-bits)`), kept across calls as a
/// receiver with context takeover keeps it (RFC 7692 §7.2.3.2).
pub struct RawInflate {
    s: Box<ZStream>,
}

impl RawInflate {
    /// A stream with a 2^`bits` window, `bits` in 8..=15.
    pub fn new(bits: u8) -> Self {
        let mut s = new_stream();
        // SAFETY: a zeroed, boxed stream; version from zlib itself.
        let rc = unsafe { inflateInit2_(&mut *s, -c_int::from(bits), zlibVersion(), STREAM_SIZE) };
        assert_eq!(rc, Z_OK, "inflateInit2 -{bits}");
        Self { s }
    }

    /// Inflates all of `input` through an output buffer of `chunk` bytes,
    /// until it is used up, a final block ends or the data is corrupt.
    /// zlib checks a distance against its window plus what the current
    /// call has written, so only `chunk` = 1 makes "too far back" mean
    /// exactly "further than min(output so far, 2^bits)".
    pub fn push(&mut self, input: &[u8], chunk: usize) -> (Vec<u8>, Verdict) {
        let s = &mut *self.s;
        s.next_in = input.as_ptr();
        s.avail_in = input.len() as c_uint;
        let mut out = Vec::new();
        let mut buf = vec![0u8; chunk.max(1)];
        let verdict = loop {
            s.next_out = buf.as_mut_ptr();
            s.avail_out = buf.len() as c_uint;
            // SAFETY: next_in/avail_in describe `input`, next_out `buf`.
            let rc = unsafe { inflate(s, Z_NO_FLUSH) };
            out.extend_from_slice(&buf[..buf.len() - s.avail_out as usize]);
            match rc {
                Z_OK => {}
                Z_STREAM_END => break Verdict::Complete,
                Z_BUF_ERROR => break Verdict::Truncated,
                Z_DATA_ERROR => {
                    // SAFETY: zlib sets msg to a static string with Z_DATA_ERROR.
                    let msg = unsafe { CStr::from_ptr(s.msg) };
                    break Verdict::Error(msg.to_string_lossy().into_owned());
                }
                rc => panic!("zlib inflate returned {rc}"),
            }
        };
        (out, verdict)
    }
}

impl RawInflate {
    /// Starts a new stream with the same window (a receiver without
    /// context takeover, RFC 7692 §7.1.1), keeping the allocation.
    pub fn reset(&mut self) {
        // SAFETY: initialised in `new`.
        assert_eq!(unsafe { inflateReset(&mut *self.s) }, Z_OK);
    }

    /// Inflates one whole stream (ending with a final block) from `input`
    /// into `out` in one call: the bytes written. Panics unless the stream
    /// ends inside `out`.
    pub fn inflate_all(&mut self, input: &[u8], out: &mut [u8]) -> usize {
        let (n, rc) = self.once(input, out, Z_FINISH);
        assert_eq!(rc, Z_STREAM_END);
        n
    }

    /// Inflates one RFC 7692 message (its trailer appended, §7.2.2) from
    /// `input` into `out` in one call: the bytes written. Panics unless
    /// all of `input` is taken without error or a final block.
    pub fn inflate_message(&mut self, input: &[u8], out: &mut [u8]) -> usize {
        let (n, rc) = self.once(input, out, Z_SYNC_FLUSH);
        assert!(rc == Z_OK && self.s.avail_in == 0, "zlib inflate {rc}");
        n
    }

    /// One `inflate` call over all of `input` into `out`: bytes written
    /// and zlib's return code.
    fn once(&mut self, input: &[u8], out: &mut [u8], flush: c_int) -> (usize, c_int) {
        let s = &mut *self.s;
        s.next_in = input.as_ptr();
        s.avail_in = input.len() as c_uint;
        s.next_out = out.as_mut_ptr();
        s.avail_out = out.len() as c_uint;
        // SAFETY: in/out pointers describe live buffers.
        let rc = unsafe { inflate(s, flush) };
        (out.len() - s.avail_out as usize, rc)
    }
}

impl Drop for RawInflate {
    fn drop(&mut self) {
        // SAFETY: initialised in `new`, ended once.
        unsafe { inflateEnd(&mut *self.s) };
    }
}

/// zlib's raw inflate of a whole stream, one output byte per call (see
/// [`RawInflate::push`]).
pub fn inflate_raw(bits: u8, input: &[u8]) -> (Vec<u8>, Verdict) {
    RawInflate::new(bits).push(input, 1)
}

/// zlib's raw inflate in one call into `out` (for timing): bytes written.
pub fn inflate_into(bits: u8, input: &[u8], out: &mut [u8]) -> usize {
    RawInflate::new(bits).inflate_all(input, out)
}

/// One raw deflate stream (`deflateInit2(level, -bits, memLevel 8)`).
pub struct RawDeflate {
    s: Box<ZStream>,
}

impl RawDeflate {
    /// Window bits 9..=15: zlib turns a raw 8 into 9, so 8 asks for 9.
    pub fn new(level: i32, bits: u8, strategy: i32) -> Self {
        let mut s = new_stream();
        let bits = -c_int::from(bits.max(9));
        // SAFETY: a zeroed, boxed stream; version from zlib itself.
        let rc = unsafe {
            deflateInit2_(
                &mut *s,
                level,
                8,
                bits,
                8,
                strategy,
                zlibVersion(),
                STREAM_SIZE,
            )
        };
        assert_eq!(rc, Z_OK, "deflateInit2");
        Self { s }
    }

    /// Starts a new stream with the same parameters (a sender without
    /// context takeover, RFC 7692 §7.1.1).
    pub fn reset(&mut self) {
        // SAFETY: initialised in `new`.
        assert_eq!(unsafe { deflateReset(&mut *self.s) }, Z_OK);
    }

    /// Compresses `input` onto the end of `out`, then a sync flush (as an
    /// RFC 7692 sender ends a message, §7.2.1) or, with `finish`, the
    /// final block.
    pub fn push(&mut self, input: &[u8], finish: bool, out: &mut Vec<u8>) {
        let flush = if finish { Z_FINISH } else { Z_SYNC_FLUSH };
        let s = &mut *self.s;
        s.next_in = input.as_ptr();
        s.avail_in = input.len() as c_uint;
        loop {
            if out.len() == out.capacity() {
                out.reserve(out.capacity().max(4096));
            }
            let spare = out.spare_capacity_mut();
            s.next_out = spare.as_mut_ptr().cast();
            s.avail_out = spare.len() as c_uint;
            // SAFETY: next_in/avail_in describe `input`, next_out/avail_out
            // the vector's spare capacity.
            let rc = unsafe { deflate(s, flush) };
            let written = spare.len() - s.avail_out as usize;
            // SAFETY: zlib initialised the first `written` spare bytes.
            unsafe { out.set_len(out.len() + written) };
            assert!(
                matches!(rc, Z_OK | Z_STREAM_END | Z_BUF_ERROR),
                "deflate {rc}"
            );
            if s.avail_out != 0 || rc == Z_STREAM_END {
                break;
            }
        }
    }
}

impl Drop for RawDeflate {
    fn drop(&mut self) {
        // SAFETY: initialised in `new`, ended once.
        unsafe { deflateEnd(&mut *self.s) };
    }
}

/// zlib's raw deflate (window bits 9..=15, see [`RawDeflate::new`]), with
/// a sync flush every `flush_every` input bytes (0: never) and a final
/// block at the end.
pub fn deflate_raw(
    data: &[u8],
    level: i32,
    bits: u8,
    strategy: i32,
    flush_every: usize,
) -> Vec<u8> {
    let pieces: Vec<&[u8]> = if flush_every == 0 || data.is_empty() {
        vec![data]
    } else {
        data.chunks(flush_every).collect()
    };
    deflate_pieces(&pieces, level, bits, strategy, true).concat()
}

/// One raw deflate stream over `pieces`: the compressed bytes of each,
/// each ended with a sync flush or, for the last when `finish`, with the
/// final block.
pub fn deflate_pieces(
    pieces: &[&[u8]],
    level: i32,
    bits: u8,
    strategy: i32,
    finish: bool,
) -> Vec<Vec<u8>> {
    let mut z = RawDeflate::new(level, bits, strategy);
    let last = pieces.len().saturating_sub(1);
    let outs = pieces.iter().enumerate().map(|(i, piece)| {
        let mut out = Vec::new();
        z.push(piece, finish && i == last, &mut out);
        out
    });
    outs.collect()
}
