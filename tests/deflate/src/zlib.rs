//! The system zlib (libz.so from zlib1g-dev), raw DEFLATE only: the oracle.
//! Bound by hand rather than through flate2 because flate2 refuses window
//! bits 8, which RFC 7692 allows and zlib's inflate accepts.

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

/// How a stream ended for a decoder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// A final block ended.
    Complete,
    /// All input used, no final block yet.
    Truncated,
    /// Corrupt: zlib's message.
    Error(String),
}

/// zlib's raw inflate with 2^`bits` window, one output byte per call: then
/// "too far back" means exactly "further than min(output so far, 2^bits)"
/// (zlib also allows distances into the current call's own output).
pub fn inflate_raw(bits: u8, input: &[u8]) -> (Vec<u8>, Verdict) {
    let mut s = new_stream();
    let size = std::mem::size_of::<ZStream>() as c_int;
    // SAFETY: a zeroed, boxed stream; version from zlib itself.
    let rc = unsafe { inflateInit2_(&mut *s, -c_int::from(bits), zlibVersion(), size) };
    assert_eq!(rc, Z_OK, "inflateInit2 -{bits}");
    s.next_in = input.as_ptr();
    s.avail_in = input.len() as c_uint;
    let mut out = Vec::new();
    let verdict = loop {
        let mut byte = 0u8;
        s.next_out = &mut byte;
        s.avail_out = 1;
        // SAFETY: next_in/avail_in describe `input`, next_out one byte.
        let rc = unsafe { inflate(&mut *s, Z_NO_FLUSH) };
        if s.avail_out == 0 {
            out.push(byte);
        }
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
    // SAFETY: initialised above.
    unsafe { inflateEnd(&mut *s) };
    (out, verdict)
}

/// zlib's raw inflate in one call into `out` (for timing): bytes written.
pub fn inflate_into(bits: u8, input: &[u8], out: &mut [u8]) -> usize {
    let mut s = new_stream();
    let size = std::mem::size_of::<ZStream>() as c_int;
    // SAFETY: as in inflate_raw.
    let rc = unsafe { inflateInit2_(&mut *s, -c_int::from(bits), zlibVersion(), size) };
    assert_eq!(rc, Z_OK);
    s.next_in = input.as_ptr();
    s.avail_in = input.len() as c_uint;
    s.next_out = out.as_mut_ptr();
    s.avail_out = out.len() as c_uint;
    // SAFETY: in/out pointers describe live buffers.
    let rc = unsafe { inflate(&mut *s, Z_FINISH) };
    assert_eq!(rc, Z_STREAM_END);
    let n = out.len() - s.avail_out as usize;
    // SAFETY: initialised above.
    unsafe { inflateEnd(&mut *s) };
    n
}

/// zlib's raw deflate (window bits 9..=15; zlib refuses 8 for raw
/// streams), with a sync flush every `flush_every` input bytes (0: never)
/// and a final block at the end.
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
/// each ended with a sync flush (as an RFC 7692 sender ends a message,
/// §7.2.1) or, for the last when `finish`, with the final block.
pub fn deflate_pieces(
    pieces: &[&[u8]],
    level: i32,
    bits: u8,
    strategy: i32,
    finish: bool,
) -> Vec<Vec<u8>> {
    let mut s = new_stream();
    let size = std::mem::size_of::<ZStream>() as c_int;
    let bits = -c_int::from(bits.max(9));
    // SAFETY: as in inflate_raw.
    let rc = unsafe { deflateInit2_(&mut *s, level, 8, bits, 8, strategy, zlibVersion(), size) };
    assert_eq!(rc, Z_OK, "deflateInit2");
    let mut outs = Vec::new();
    let mut buf = vec![0u8; 64 * 1024];
    for (i, piece) in pieces.iter().enumerate() {
        let flush = if finish && i + 1 == pieces.len() {
            Z_FINISH
        } else {
            Z_SYNC_FLUSH
        };
        s.next_in = piece.as_ptr();
        s.avail_in = piece.len() as c_uint;
        let mut out = Vec::new();
        loop {
            s.next_out = buf.as_mut_ptr();
            s.avail_out = buf.len() as c_uint;
            // SAFETY: in/out pointers describe live buffers.
            let rc = unsafe { deflate(&mut *s, flush) };
            let n = buf.len() - s.avail_out as usize;
            out.extend_from_slice(&buf[..n]);
            assert!(
                rc == Z_OK || rc == Z_STREAM_END || rc == Z_BUF_ERROR,
                "deflate {rc}"
            );
            if s.avail_out != 0 || rc == Z_STREAM_END {
                break;
            }
        }
        outs.push(out);
    }
    // SAFETY: initialised above.
    unsafe { deflateEnd(&mut *s) };
    outs
}
