//! The boundary itself: the panic guard every export runs under, and the
//! checks that turn C pointers into Rust references and slices.
//!
//! Every export goes through these helpers, so NULL, alignment, length,
//! UTF-8 and overlap checks are written once, and so is the reasoning that
//! makes the conversions sound: exports use one macro per kind of argument
//! (`handle!`, `handle_mut!`, `input!`, `input_array!`, `in_place!`,
//! `output!`, `inside!`, `place!`) and contain no `unsafe` block of their
//! own (but `wsf_conn_free`, which gives a heap block back). The readers of
//! what C structs point to (`wsf_str`, header arrays, requests) are
//! `unsafe fn`s that `inside!` calls.

use core::ffi::c_char;

use crate::counted::wsf_str;
use crate::status::wsf_status;

/// The result of an export's body: `Err` carries the status to return and
/// means "no output was written".
pub(crate) type Outcome = Result<(), wsf_status>;

/// Runs an export's body and returns its status. With `std`, a panic is
/// caught and reported as `WSF_PANIC` instead of unwinding into C.
pub(crate) fn guard(body: impl FnOnce() -> Outcome) -> wsf_status {
    match catch(body) {
        Some(Ok(())) => wsf_status::WSF_OK,
        Some(Err(status)) => status,
        None => wsf_status::WSF_PANIC,
    }
}

/// Runs the body of an export that returns a value rather than a status;
/// `fallback` is returned if it panicked.
pub(crate) fn guard_value<T>(fallback: T, body: impl FnOnce() -> T) -> T {
    catch(body).unwrap_or(fallback)
}

#[cfg(feature = "std")]
fn catch<T>(body: impl FnOnce() -> T) -> Option<T> {
    // The state a panicking body leaves behind is only ever the caller's
    // own objects; the status tells the caller to stop using them.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(body)).ok()
}

#[cfg(not(feature = "std"))]
fn catch<T>(body: impl FnOnce() -> T) -> Option<T> {
    Some(body())
}

// ---- The one place the export contracts are relied on ----------------------
//
// Every export is an `unsafe extern "C" fn` whose `# Safety` section states
// what its C caller promises about each pointer argument: NULL, or valid for
// what the argument is (a handle or struct, a counted buffer, an output
// buffer, storage) for the duration of the call, or as long as documented.
// The macros below are the only way exports turn such arguments into Rust
// references, one macro per kind of argument. Each expands to an `unsafe`
// call of the checked conversion underneath, and that call is sound exactly
// because of the export's contract: these macros are used only in the
// bodies of exports, on their own arguments (or on pointers inside structs
// those arguments point to, which the contracts cover the same way).
// Everything that can be checked is checked before a reference exists:
// NULL (`WSF_NULL_POINTER`), alignment and slice length
// (`WSF_INVALID_ARGUMENT`), overlap of an output with the inputs
// (`WSF_INVALID_ARGUMENT`). The argument expression is evaluated outside
// the `unsafe` block.

/// A handle or struct argument (`const T *`) as `Result<&T, wsf_status>`.
macro_rules! handle {
    ($ptr:expr) => {{
        let ptr = $ptr;
        // SAFETY: the export's contract (see the comment above the boundary
        // macros): NULL or valid for reads of a `T` for the call.
        unsafe { $crate::boundary::refer(ptr) }
    }};
}

/// A mutable handle or output struct argument (`T *`) as
/// `Result<&mut T, wsf_status>`.
macro_rules! handle_mut {
    ($ptr:expr) => {{
        let ptr = $ptr;
        // SAFETY: the export's contract: NULL or valid for reads and writes
        // of a `T` for the call, aliased by no other argument.
        unsafe { $crate::boundary::refer_mut(ptr) }
    }};
}

/// A counted input buffer (`ptr, len`; `char *` or `uint8_t *`) as
/// `Result<&[u8], wsf_status>`.
macro_rules! input {
    ($ptr:expr, $len:expr) => {{
        let (ptr, len) = ($ptr, $len);
        // SAFETY: the export's contract: NULL with length 0, or valid for
        // reads of `len` bytes for the call (or as long as documented).
        unsafe { $crate::boundary::bytes(ptr.cast(), len) }
    }};
}

/// A counted array argument (`const T *, count`) as `Result<&[T], wsf_status>`.
macro_rules! input_array {
    ($ptr:expr, $count:expr) => {{
        let (ptr, count) = ($ptr, $count);
        // SAFETY: the export's contract: NULL with count 0, or valid for
        // reads of `count` elements for the call.
        unsafe { $crate::boundary::array(ptr, count) }
    }};
}

/// A buffer the export reads and writes in place (`uint8_t *buf, len`), or
/// keeps for as long as documented, as `Result<&mut [u8], wsf_status>`.
macro_rules! in_place {
    ($ptr:expr, $len:expr) => {{
        let (ptr, len) = ($ptr, $len);
        // SAFETY: the export's contract: NULL with length 0, or valid for
        // reads and writes of `len` bytes (for the call, or as long as
        // documented), aliased by no other argument.
        unsafe { $crate::boundary::bytes_mut(ptr, len) }
    }};
}

/// An output buffer with its `written` (`out, out_len, written`) after the
/// inputs it must not overlap, as `Result<Output, wsf_status>`.
macro_rules! output {
    ($out:expr, $out_len:expr, $written:expr, $inputs:expr) => {{
        let (out, out_len, written, inputs) = ($out, $out_len, $written, $inputs);
        // SAFETY: the export's contract: `out` NULL with length 0 or valid
        // for writes of `out_len` bytes, `written` NULL or valid for a write,
        // for the call; `inputs` are every input the export read.
        unsafe { $crate::boundary::checked_output(out.cast(), out_len, written, inputs) }
    }};
}

/// A view of what a C struct the caller passed points to (a `wsf_str`,
/// a header array, a request's strings): evaluates the `unsafe` reader
/// call given. The export's contract covers those pointers as it covers
/// its arguments.
macro_rules! inside {
    ($reader:expr) => {
        // SAFETY: the export's contract: the pointers inside the structs it
        // was passed are NULL with a zero length or valid for their lengths
        // for the call.
        unsafe { $reader }
    };
}

/// Caller storage for an object (`void *storage, storage_len`): moves
/// `value` in and returns the handle (`storage::place` checks NULL, size
/// and alignment).
macro_rules! place {
    ($storage:expr, $len:expr, $value:expr) => {{
        let (storage, len, value) = ($storage, $len, $value);
        // SAFETY: the export's contract: NULL or valid for writes of `len`
        // bytes, used for nothing else while the object lives.
        unsafe { $crate::storage::place(storage, len, value) }
    }};
}

pub(crate) use {handle, handle_mut, in_place, input, input_array, inside, output, place};

/// A shared reference from a pointer the caller promises is valid.
///
/// # Safety
/// `ptr` is NULL or valid for reads of a `T` for `'a`.
pub(crate) unsafe fn refer<'a, T>(ptr: *const T) -> Result<&'a T, wsf_status> {
    aligned(ptr)?;
    // SAFETY: non-NULL and aligned (checked); valid per the caller's contract.
    unsafe { ptr.as_ref() }.ok_or(wsf_status::WSF_NULL_POINTER)
}

/// An exclusive reference from a pointer the caller promises is valid.
///
/// # Safety
/// `ptr` is NULL or valid for reads and writes of a `T` for `'a`, and not
/// aliased.
pub(crate) unsafe fn refer_mut<'a, T>(ptr: *mut T) -> Result<&'a mut T, wsf_status> {
    aligned(ptr)?;
    // SAFETY: non-NULL and aligned (checked); valid per the caller's contract.
    unsafe { ptr.as_mut() }.ok_or(wsf_status::WSF_NULL_POINTER)
}

/// `WSF_INVALID_ARGUMENT` for a pointer not aligned for a `T` (a reference
/// or slice made from it would be undefined behaviour).
fn aligned<T>(ptr: *const T) -> Outcome {
    if ptr.is_aligned() {
        Ok(())
    } else {
        Err(wsf_status::WSF_INVALID_ARGUMENT)
    }
}

/// Checks a (pointer, length) pair: NULL is allowed only with length 0,
/// and no Rust slice may exceed `isize::MAX` bytes.
fn check_len<T>(ptr: *const T, len: usize) -> Result<bool, wsf_status> {
    if len > isize::MAX as usize / core::mem::size_of::<T>().max(1) {
        return Err(wsf_status::WSF_INVALID_ARGUMENT);
    }
    match (ptr.is_null(), len) {
        (true, 0) => Ok(false),
        (true, _) => Err(wsf_status::WSF_NULL_POINTER),
        (false, _) => aligned(ptr).map(|()| true),
    }
}

/// A slice from a counted array (`{NULL, 0}` is empty).
///
/// # Safety
/// Unless NULL, `ptr` is valid for reads of `len` elements for `'a`.
pub(crate) unsafe fn array<'a, T>(ptr: *const T, len: usize) -> Result<&'a [T], wsf_status> {
    if !check_len(ptr, len)? {
        return Ok(&[]);
    }
    // SAFETY: non-NULL, aligned, length checked; validity per the contract.
    Ok(unsafe { core::slice::from_raw_parts(ptr, len) })
}

/// A byte slice from a counted buffer (`{NULL, 0}` is empty).
///
/// # Safety
/// As [`array`].
pub(crate) unsafe fn bytes<'a>(ptr: *const u8, len: usize) -> Result<&'a [u8], wsf_status> {
    // SAFETY: forwarded contract.
    unsafe { array(ptr, len) }
}

/// A mutable byte slice from a counted buffer (`{NULL, 0}` is empty).
///
/// # Safety
/// Unless NULL, `ptr` is valid for reads and writes of `len` bytes for
/// `'a`, and not aliased (see [`disjoint`]).
pub(crate) unsafe fn bytes_mut<'a>(ptr: *mut u8, len: usize) -> Result<&'a mut [u8], wsf_status> {
    if !check_len(ptr, len)? {
        return Ok(&mut []);
    }
    // SAFETY: non-NULL, length checked; validity per the caller's contract.
    Ok(unsafe { core::slice::from_raw_parts_mut(ptr, len) })
}

/// Text from a counted string; `WSF_NOT_UTF8` unless valid UTF-8.
///
/// # Safety
/// As [`array`].
pub(crate) unsafe fn text<'a>(ptr: *const c_char, len: usize) -> Result<&'a str, wsf_status> {
    // SAFETY: forwarded contract.
    utf8(unsafe { bytes(ptr.cast(), len) }?)
}

/// Reading a `wsf_str` that came from C.
impl wsf_str {
    /// The bytes (absent reads as empty).
    ///
    /// # Safety
    /// Unless NULL, `ptr` is valid for reads of `len` bytes for `'a`.
    pub(crate) unsafe fn bytes<'a>(&self) -> Result<&'a [u8], wsf_status> {
        // SAFETY: forwarded contract.
        unsafe { bytes(self.ptr.cast(), self.len) }
    }

    /// The text (absent reads as empty); `WSF_NOT_UTF8` unless UTF-8.
    ///
    /// # Safety
    /// As [`wsf_str::bytes`].
    pub(crate) unsafe fn text<'a>(&self) -> Result<&'a str, wsf_status> {
        // SAFETY: forwarded contract.
        unsafe { text(self.ptr, self.len) }
    }

    /// The text, or `None` when absent.
    ///
    /// # Safety
    /// As [`wsf_str::bytes`].
    pub(crate) unsafe fn opt_text<'a>(&self) -> Result<Option<&'a str>, wsf_status> {
        if self.is_absent() && self.len == 0 {
            return Ok(None);
        }
        // SAFETY: forwarded contract.
        unsafe { self.text() }.map(Some)
    }

    /// The bytes as a slice, for tests.
    #[cfg(test)]
    pub(crate) fn as_bytes(&self) -> &[u8] {
        // SAFETY: only called on views made from live Rust slices.
        unsafe { self.bytes() }.unwrap_or_default()
    }
}

/// An optional pointer argument: NULL (`WSF_NULL_POINTER` from the
/// conversion) means "absent"; any other failure stays an error.
pub(crate) fn optional<T>(converted: Result<T, wsf_status>) -> Result<Option<T>, wsf_status> {
    match converted {
        Ok(value) => Ok(Some(value)),
        Err(wsf_status::WSF_NULL_POINTER) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Text from checked input bytes; `WSF_NOT_UTF8` unless valid UTF-8.
pub(crate) fn utf8(raw: &[u8]) -> Result<&str, wsf_status> {
    core::str::from_utf8(raw).map_err(|_| wsf_status::WSF_NOT_UTF8)
}

/// Replaces `WSF_NOT_UTF8` by the status a caller should see instead
/// (text that must be a token or header cannot be valid if not UTF-8).
pub(crate) fn not_utf8_as(replacement: wsf_status) -> impl Fn(wsf_status) -> wsf_status {
    move |e| {
        if e == wsf_status::WSF_NOT_UTF8 {
            replacement
        } else {
            e
        }
    }
}

/// Checks that an output buffer shares no byte with any input, before a
/// `&mut` to it is made (overlap would be undefined behaviour in Rust and
/// garbage on the wire).
pub(crate) fn disjoint<'i>(
    out: *const u8,
    out_len: usize,
    inputs: impl IntoIterator<Item = &'i [u8]>,
) -> Outcome {
    let start = out as usize;
    let end = start.saturating_add(out_len);
    let overlaps = |input: &[u8]| {
        let a = input.as_ptr() as usize;
        let b = a.saturating_add(input.len());
        !input.is_empty() && out_len != 0 && a < end && start < b
    };
    if inputs.into_iter().any(overlaps) {
        Err(wsf_status::WSF_INVALID_ARGUMENT)
    } else {
        Ok(())
    }
}

/// An export's output buffer and its `*written`, checked: `written` is not
/// NULL and `buf` overlaps no input. Outputs are written only on success,
/// with the one documented exception of `WSF_BUFFER_TOO_SMALL`.
pub(crate) struct Output<'a> {
    buf: &'a mut [u8],
    written: &'a mut usize,
}

/// The checked output of an export (see `output!`).
///
/// # Safety
/// `out` is NULL with `out_len` 0 or valid for writes of `out_len` bytes,
/// and `written` NULL or valid for a write, for `'a`.
pub(crate) unsafe fn checked_output<'a, 'i>(
    out: *mut u8,
    out_len: usize,
    written: *mut usize,
    inputs: impl IntoIterator<Item = &'i [u8]>,
) -> Result<Output<'a>, wsf_status> {
    // SAFETY: forwarded contract.
    let written = unsafe { refer_mut(written) }?;
    disjoint(out, out_len, inputs)?;
    // SAFETY: forwarded contract; `out` overlaps no input (checked).
    let buf = unsafe { bytes_mut(out, out_len) }?;
    Ok(Output { buf, written })
}

impl Output<'_> {
    /// Runs a writer on the buffer and stores its length on success; on
    /// `WSF_BUFFER_TOO_SMALL` the length it needs (the documented exception
    /// to "outputs only on success"); nothing otherwise.
    pub(crate) fn write(
        self,
        writer: impl FnOnce(&mut [u8]) -> Result<usize, wsframe::Error>,
    ) -> Outcome {
        match writer(self.buf) {
            Ok(n) => {
                *self.written = n;
                Ok(())
            }
            Err(e) => {
                if let wsframe::Error::Usage(wsframe::UsageError::BufferTooSmall { needed }) = e {
                    *self.written = needed;
                }
                Err(e.into())
            }
        }
    }

    /// Copies a fixed-size result (as a writer that needs `value.len()`).
    pub(crate) fn copy(self, value: &[u8]) -> Outcome {
        let dst = self.buf.get_mut(..value.len()).ok_or_else(|| {
            *self.written = value.len();
            wsf_status::WSF_BUFFER_TOO_SMALL
        })?;
        dst.copy_from_slice(value);
        *self.written = value.len();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn null_is_only_empty() {
        // SAFETY: NULL pointers are never dereferenced.
        unsafe {
            assert_eq!(bytes(core::ptr::null(), 0), Ok(&[][..]));
            assert_eq!(
                bytes(core::ptr::null(), 1),
                Err(wsf_status::WSF_NULL_POINTER)
            );
            assert_eq!(
                bytes(core::ptr::dangling(), usize::MAX),
                Err(wsf_status::WSF_INVALID_ARGUMENT)
            );
            assert!(refer::<u8>(core::ptr::null()).is_err());
        }
    }

    #[test]
    fn misaligned_is_an_error() {
        let words = [0u32; 4];
        let odd = words.as_ptr().cast::<u8>().wrapping_add(1).cast::<u32>();
        let bad = Err(wsf_status::WSF_INVALID_ARGUMENT);
        // SAFETY: misaligned pointers are rejected before any read.
        unsafe {
            assert_eq!(refer(odd).map(|_| ()), bad);
            assert_eq!(refer_mut(odd.cast_mut()).map(|_| ()), bad);
            assert_eq!(array(odd, 2).map(|_| ()), bad);
            assert_eq!(array(odd, 0).map(|_| ()), bad);
            assert_eq!(refer(words.as_ptr()), Ok(&0));
        }
        let absent = optional(Err::<(), _>(wsf_status::WSF_NULL_POINTER));
        assert_eq!(absent, Ok(None));
        let misaligned = optional(Err::<(), _>(wsf_status::WSF_INVALID_ARGUMENT));
        assert_eq!(misaligned, Err(wsf_status::WSF_INVALID_ARGUMENT));
    }

    #[test]
    fn overlap_detection() {
        let buf = [0u8; 16];
        let p = buf.as_ptr();
        assert!(disjoint(p, 8, [&buf[8..]]).is_ok());
        assert!(disjoint(p, 9, [&buf[8..]]).is_err());
        assert!(disjoint(p, 0, [&buf[..]]).is_ok());
        assert!(disjoint(p, 16, [&buf[4..4]]).is_ok());
    }

    #[test]
    fn guard_reports_panics() {
        assert_eq!(guard(|| Ok(())), wsf_status::WSF_OK);
        assert_eq!(
            guard(|| Err(wsf_status::WSF_CLOSED)),
            wsf_status::WSF_CLOSED
        );
        #[cfg(feature = "std")]
        {
            let status = guard(|| panic!("test panic"));
            assert_eq!(status, wsf_status::WSF_PANIC);
            assert_eq!(guard_value(7, || -> i32 { core::panic!("x") }), 7);
        }
    }
}
