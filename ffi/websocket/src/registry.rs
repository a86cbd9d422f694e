//! The live handles. Every export looks its handle up here before touching
//! it, so a NULL, bogus, deleted or twice-deleted `WEB_SOCKET_HANDLE` is
//! answered with an error (or ignored, for the `VOID` functions) instead of
//! a crash. The same lock serialises calls on all handles: .NET drives one
//! handle from a send and a receive operation at once, and every call here
//! is short (no I/O happens inside the DLL), so one spin lock is enough and
//! needs neither `std` nor the OS.
//!
//! A handle value is not an address but a token: the slot's index plus
//! one in the low half of the word, the slot's generation in the high
//! half, the high half mixed with [`SALT`] so that small integers (1, 2,
//! …) passed by mistake name no handle. A lookup is a bounds check and a generation compare — it never
//! dereferences the caller's value — and a deleted handle's token stays
//! dead when its slot is reused (the generation moved on), which an
//! address compare cannot promise once the allocator hands the memory out
//! again. Each export costs one atomic read-modify-write (taking the lock)
//! and a plain release store (dropping it): the floor the bench measures
//! as `websocketdll/floor_10_calls`.

use alloc::boxed::Box;
use alloc::vec::Vec;
use core::cell::UnsafeCell;
use core::ffi::c_void;
use core::sync::atomic::{AtomicBool, Ordering};

use crate::handle::Handle;

/// Bits of a token holding the slot index plus one.
const INDEX_BITS: u32 = usize::BITS / 2;
/// Mask of those bits.
const INDEX_MASK: usize = (1 << INDEX_BITS) - 1;

/// Mixed into the generation half of every token (0xA5 bytes).
const SALT: usize = (usize::MAX / 0xFF * 0xA5) & !INDEX_MASK;

/// One slot: its generation (bumped when its handle is deleted) and the
/// handle living there, if any.
struct Slot {
    generation: usize,
    handle: Option<Box<Handle>>,
}

/// The slots, behind a spin lock.
struct Registry {
    locked: AtomicBool,
    slots: UnsafeCell<Vec<Slot>>,
}

// SAFETY: `slots` is only reached through `Guard`, which holds `locked`.
unsafe impl Sync for Registry {}

static REGISTRY: Registry = Registry {
    locked: AtomicBool::new(false),
    slots: UnsafeCell::new(Vec::new()),
};

/// The token for slot `index` (< `INDEX_MASK`) at `generation` (≤
/// `INDEX_MASK`); never 0 (NULL): its low half is `index + 1`.
const fn token(index: usize, generation: usize) -> usize {
    ((generation << INDEX_BITS) | (index + 1)) ^ SALT
}

/// The lock, held while one export runs.
pub struct Guard(());

impl Guard {
    /// Takes the lock (spinning while another call runs).
    pub fn lock() -> Self {
        while REGISTRY
            .locked
            .compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            // With std, give the core to the call that holds the lock.
            #[cfg(feature = "std")]
            std::thread::yield_now();
            #[cfg(not(feature = "std"))]
            core::hint::spin_loop();
        }
        Self(())
    }

    fn slots(&mut self) -> &mut Vec<Slot> {
        // SAFETY: this guard holds the lock: no other reference exists.
        unsafe { &mut *REGISTRY.slots.get() }
    }

    /// The slot `ptr` names, if its generation is current.
    fn slot(&mut self, ptr: *mut c_void) -> Option<&mut Slot> {
        let value = ptr as usize;
        let index = ((value ^ SALT) & INDEX_MASK).checked_sub(1)?;
        let slot = self.slots().get_mut(index)?;
        (token(index, slot.generation) == value).then_some(slot)
    }

    /// Registers a new handle and returns its token for the caller; NULL
    /// if every token is taken (`INDEX_MASK - 1` live handles).
    pub fn insert(&mut self, handle: Box<Handle>) -> *mut c_void {
        let slots = self.slots();
        let index = match slots.iter().position(|s| s.handle.is_none()) {
            Some(i) => i,
            None if slots.len() < INDEX_MASK => {
                slots.push(Slot {
                    generation: 0,
                    handle: None,
                });
                slots.len() - 1
            }
            None => return core::ptr::null_mut(),
        };
        let Some(slot) = slots.get_mut(index) else {
            return core::ptr::null_mut();
        };
        slot.handle = Some(handle);
        token(index, slot.generation) as *mut c_void
    }

    /// The live handle `ptr` names, if it names one.
    pub fn get(&mut self, ptr: *mut c_void) -> Option<&mut Handle> {
        self.slot(ptr)?.handle.as_deref_mut()
    }

    /// Unregisters and frees the handle `ptr` names; false if it is none.
    pub fn remove(&mut self, ptr: *mut c_void) -> bool {
        let Some(slot) = self.slot(ptr) else {
            return false;
        };
        let Some(handle) = slot.handle.take() else {
            return false;
        };
        slot.generation = slot.generation.wrapping_add(1) & INDEX_MASK;
        drop(handle);
        true
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        REGISTRY.locked.store(false, Ordering::Release);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{E_INVALIDARG, S_OK};
    use crate::{WebSocketCreateServerHandle, WebSocketDeleteHandle, WebSocketReceive};

    fn create() -> *mut c_void {
        let mut h = core::ptr::null_mut();
        // SAFETY: no properties; `h` is writable.
        assert_eq!(
            unsafe { WebSocketCreateServerHandle(core::ptr::null(), 0, &mut h) },
            S_OK
        );
        h
    }

    /// Calls `WebSocketReceive`: `E_INVALIDARG` iff `h` names no handle
    /// (a live one answers `E_INVALID_PROTOCOL_OPERATION`: no handshake).
    fn names_a_handle(h: *mut c_void) -> bool {
        // SAFETY: the handle value is checked by the export.
        unsafe { WebSocketReceive(h, core::ptr::null(), core::ptr::null_mut()) != E_INVALIDARG }
    }

    #[test]
    fn reused_slot_rejects_the_deleted_token() {
        let old = create();
        // SAFETY: a live handle, deleted once.
        unsafe { WebSocketDeleteHandle(old) };
        let handles: Vec<_> = (0..4).map(|_| create()).collect();
        assert!(!names_a_handle(old), "a deleted token stays dead");
        for &h in &handles {
            assert!(names_a_handle(h));
            assert_ne!(h, old);
        }
        for small in 1..=8usize {
            assert!(!names_a_handle(small as *mut c_void), "small integers");
        }
        for h in handles {
            // SAFETY: live handles, deleted once each.
            unsafe { WebSocketDeleteHandle(h) };
            assert!(!names_a_handle(h));
        }
    }
}
