//! The live handles. Every export looks its handle up here before touching
//! it, so a NULL, bogus, deleted or twice-deleted `WEB_SOCKET_HANDLE` is
//! answered with an error (or ignored, for the `VOID` functions) instead of
//! a crash. The same lock serialises calls on all handles: .NET drives one
//! handle from a send and a receive operation at once, and every call here
//! is short (no I/O happens inside the DLL), so one spin lock is enough and
//! needs neither `std` nor the OS.

use alloc::boxed::Box;
use alloc::collections::BTreeSet;
use core::cell::UnsafeCell;
use core::ffi::c_void;
use core::sync::atomic::{AtomicBool, Ordering};

use crate::handle::Handle;

/// Addresses of the live handles, behind a spin lock.
struct Registry {
    locked: AtomicBool,
    live: UnsafeCell<BTreeSet<usize>>,
}

// SAFETY: `live` is only reached through `Guard`, which holds `locked`.
unsafe impl Sync for Registry {}

static REGISTRY: Registry = Registry {
    locked: AtomicBool::new(false),
    live: UnsafeCell::new(BTreeSet::new()),
};

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

    fn live(&mut self) -> &mut BTreeSet<usize> {
        // SAFETY: this guard holds the lock: no other reference exists.
        unsafe { &mut *REGISTRY.live.get() }
    }

    /// Registers a new handle and returns its address for the caller.
    pub fn insert(&mut self, handle: Box<Handle>) -> *mut c_void {
        let ptr = Box::into_raw(handle);
        self.live().insert(ptr as usize);
        ptr.cast()
    }

    /// The live handle at `ptr`, if `ptr` is one.
    pub fn get(&mut self, ptr: *mut c_void) -> Option<&mut Handle> {
        if ptr.is_null() || !self.live().contains(&(ptr as usize)) {
            return None;
        }
        // SAFETY: `ptr` came from `insert` (Box::into_raw) and was not
        // removed; the lock makes this the only reference while held.
        Some(unsafe { &mut *ptr.cast::<Handle>() })
    }

    /// Unregisters and frees the handle at `ptr`; false if it is none.
    pub fn remove(&mut self, ptr: *mut c_void) -> bool {
        if ptr.is_null() || !self.live().remove(&(ptr as usize)) {
            return false;
        }
        // SAFETY: `ptr` came from `Box::into_raw` and is now unregistered:
        // ownership returns to this Box exactly once.
        drop(unsafe { Box::from_raw(ptr.cast::<Handle>()) });
        true
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        REGISTRY.locked.store(false, Ordering::Release);
    }
}
