//! The boundary itself: the panic guard every export runs under, and the
//! checks that turn C pointers into Rust references and slices.
//!
//! Every export goes through these helpers, so NULL checks, length checks,
//! UTF-8 checks and overlap checks are written once.

use core::ffi::c_char;

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

/// A shared reference from a pointer the caller promises is valid.
///
/// # Safety
/// `ptr` is NULL or valid for reads of a `T` for `'a`.
pub(crate) unsafe fn refer<'a, T>(ptr: *const T) -> Result<&'a T, wsf_status> {
    // SAFETY: non-NULL pointers are valid per the caller's contract.
    unsafe { ptr.as_ref() }.ok_or(wsf_status::WSF_NULL_POINTER)
}

/// An exclusive reference from a pointer the caller promises is valid.
///
/// # Safety
/// `ptr` is NULL or valid for reads and writes of a `T` for `'a`, and not
/// aliased.
pub(crate) unsafe fn refer_mut<'a, T>(ptr: *mut T) -> Result<&'a mut T, wsf_status> {
    // SAFETY: non-NULL pointers are valid per the caller's contract.
    unsafe { ptr.as_mut() }.ok_or(wsf_status::WSF_NULL_POINTER)
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
        (false, _) => Ok(true),
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
    // SAFETY: non-NULL, length checked; validity per the caller's contract.
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
    let raw = unsafe { bytes(ptr.cast(), len) }?;
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

/// Stores the result of a writer: its length on success; on
/// `WSF_BUFFER_TOO_SMALL` the length it needs (the documented exception to
/// "outputs only on success"); nothing otherwise.
pub(crate) fn report_written(
    result: Result<usize, wsframe::Error>,
    written: &mut usize,
) -> Outcome {
    match result {
        Ok(n) => {
            *written = n;
            Ok(())
        }
        Err(e) => {
            if let wsframe::Error::Usage(wsframe::UsageError::BufferTooSmall { needed }) = e {
                *written = needed;
            }
            Err(e.into())
        }
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
