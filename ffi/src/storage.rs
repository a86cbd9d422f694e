//! Placing objects in memory the caller owns (the default), or on the heap
//! with the `alloc` feature. Shared by every object with an `_init`.

use core::ffi::c_void;
use core::mem::{align_of, size_of};

use crate::status::wsf_status;

/// Moves `value` into caller storage after checking its size and alignment.
///
/// # Safety
/// Unless NULL, `storage` is valid for writes of `storage_len` bytes and
/// not used by anything else while the object lives.
pub(crate) unsafe fn place<T>(
    storage: *mut c_void,
    storage_len: usize,
    value: T,
) -> Result<*mut T, wsf_status> {
    if storage.is_null() {
        return Err(wsf_status::WSF_NULL_POINTER);
    }
    if storage_len < size_of::<T>() {
        return Err(wsf_status::WSF_STORAGE_TOO_SMALL);
    }
    let ptr = storage.cast::<T>();
    if !ptr.is_aligned() {
        return Err(wsf_status::WSF_STORAGE_MISALIGNED);
    }
    // SAFETY: non-NULL, large enough and aligned (checked above); the
    // caller gives the bytes to us. The old contents are not a `T` to drop.
    unsafe { ptr.write(value) };
    Ok(ptr)
}

/// Size of a `T`, for `_size()` queries.
pub(crate) const fn size<T>() -> usize {
    size_of::<T>()
}

/// Alignment of a `T`, for `_align()` queries.
pub(crate) const fn align<T>() -> usize {
    align_of::<T>()
}

/// Moves `value` to a new heap block; `WSF_ALLOC_FAILED` if the allocator
/// returns NULL (instead of aborting, as `Box::new` would).
#[cfg(feature = "alloc")]
pub(crate) fn boxed<T>(value: T) -> Result<*mut T, wsf_status> {
    let layout = core::alloc::Layout::new::<T>();
    // SAFETY: `T` is never zero-sized here (callers place real objects).
    let ptr = unsafe { alloc::alloc::alloc(layout) }.cast::<T>();
    if ptr.is_null() {
        return Err(wsf_status::WSF_ALLOC_FAILED);
    }
    // SAFETY: fresh block of the right layout.
    unsafe { ptr.write(value) };
    Ok(ptr)
}

/// Drops and frees a block from [`boxed`].
///
/// # Safety
/// `ptr` came from [`boxed::<T>`] and is not used afterwards.
#[cfg(feature = "alloc")]
pub(crate) unsafe fn unbox<T>(ptr: *mut T) {
    // SAFETY: per the contract, `ptr` holds a live `T` in a block of
    // `Layout::new::<T>()` from the global allocator.
    unsafe {
        ptr.drop_in_place();
        alloc::alloc::dealloc(ptr.cast(), core::alloc::Layout::new::<T>());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_size_and_alignment() {
        let mut words = [0u64; 4];
        let base = words.as_mut_ptr().cast::<c_void>();
        // SAFETY: `words` is live, 32 bytes.
        unsafe {
            assert_eq!(place(base, 7, 1u64), Err(wsf_status::WSF_STORAGE_TOO_SMALL));
            let odd = base.cast::<u8>().add(1).cast::<c_void>();
            assert_eq!(
                place(odd, 16, 1u64),
                Err(wsf_status::WSF_STORAGE_MISALIGNED)
            );
            assert_eq!(
                place(core::ptr::null_mut(), 8, 1u64),
                Err(wsf_status::WSF_NULL_POINTER)
            );
            let p = place(base, 8, 42u64);
            assert_eq!(p.map(|p| *p), Ok(42));
        }
    }
}
