//! What a no_std `websocket.dll` needs from its own build (feature
//! `dll-runtime`, without `std`): a `#[global_allocator]` (the handles'
//! memory), a `#[panic_handler]` (never reached: the core is panic-free and
//! every boundary path returns an HRESULT, but the link needs one), and on
//! windows-gnu the `rust_eh_personality` symbol the precompiled libcore's
//! unwind tables name (TOOLCHAIN.md, "Windows under Wine").
//!
//! Windows: the process heap (`HeapAlloc`, KERNEL32, on every Windows);
//! elsewhere the C library's `malloc` (for native no_std builds). Both
//! align to 16 bytes on 64-bit targets (8 on 32-bit Windows), more than any
//! type this crate allocates; a larger alignment is refused (null).

use core::alloc::{GlobalAlloc, Layout};
use core::ffi::c_void;

/// The guaranteed alignment of the system allocators used here.
const SYSTEM_ALIGN: usize = 2 * core::mem::size_of::<usize>();

#[cfg(windows)]
mod sys {
    use core::ffi::c_void;

    #[link(name = "kernel32")]
    unsafe extern "system" {
        fn GetProcessHeap() -> *mut c_void;
        fn HeapAlloc(heap: *mut c_void, flags: u32, bytes: usize) -> *mut c_void;
        fn HeapFree(heap: *mut c_void, flags: u32, mem: *mut c_void) -> i32;
        fn ExitProcess(code: u32) -> !;
    }

    /// `HEAP_ZERO_MEMORY`.
    const ZERO: u32 = 0x8;

    pub unsafe fn alloc(size: usize, zeroed: bool) -> *mut c_void {
        // SAFETY: the process heap always exists; HeapAlloc returns NULL
        // on failure.
        unsafe { HeapAlloc(GetProcessHeap(), if zeroed { ZERO } else { 0 }, size) }
    }

    pub unsafe fn free(ptr: *mut c_void) {
        // SAFETY: `ptr` came from `alloc` (the caller's promise).
        unsafe { HeapFree(GetProcessHeap(), 0, ptr) };
    }

    pub fn abort() -> ! {
        // SAFETY: ends the process; nothing to uphold.
        unsafe { ExitProcess(3) }
    }
}

#[cfg(not(windows))]
mod sys {
    use core::ffi::c_void;

    unsafe extern "C" {
        #[link_name = "malloc"]
        fn c_malloc(size: usize) -> *mut c_void;
        #[link_name = "calloc"]
        fn c_calloc(n: usize, size: usize) -> *mut c_void;
        #[link_name = "free"]
        fn c_free(ptr: *mut c_void);
        #[link_name = "abort"]
        fn c_abort() -> !;
    }

    pub unsafe fn alloc(size: usize, zeroed: bool) -> *mut c_void {
        // SAFETY: plain C allocation; NULL on failure.
        unsafe {
            if zeroed {
                c_calloc(1, size)
            } else {
                c_malloc(size)
            }
        }
    }

    pub unsafe fn free(ptr: *mut c_void) {
        // SAFETY: `ptr` came from `alloc` (the caller's promise).
        unsafe { c_free(ptr) }
    }

    pub fn abort() -> ! {
        // SAFETY: ends the process.
        unsafe { c_abort() }
    }
}

/// The system heap as the Rust allocator.
struct SystemHeap;

// SAFETY: blocks come from the system allocator with at least
// `SYSTEM_ALIGN` alignment; larger alignments are refused with null.
unsafe impl GlobalAlloc for SystemHeap {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if layout.align() > SYSTEM_ALIGN {
            return core::ptr::null_mut();
        }
        // SAFETY: a plain allocation of `size` bytes.
        unsafe { sys::alloc(layout.size(), false) }.cast()
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if layout.align() > SYSTEM_ALIGN {
            return core::ptr::null_mut();
        }
        // SAFETY: as `alloc`, zeroed.
        unsafe { sys::alloc(layout.size(), true) }.cast()
    }

    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        // SAFETY: `ptr` came from `alloc` / `alloc_zeroed` above.
        unsafe { sys::free(ptr.cast::<c_void>()) }
    }
}

#[global_allocator]
static HEAP: SystemHeap = SystemHeap;

#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    sys::abort()
}

// `rust_eh_personality`: named by the precompiled libcore's unwind tables
// on windows-gnu, never called (panic = "abort"). Defined in assembly so
// that it is not one of the DLL's exports (a `#[no_mangle]` fn would be):
// the DLL exports exactly the API's 13 functions.
#[cfg(all(windows, target_env = "gnu", target_arch = "x86_64"))]
core::arch::global_asm!(".globl rust_eh_personality", "rust_eh_personality:", "ret");
#[cfg(all(windows, target_env = "gnu", target_arch = "x86"))]
core::arch::global_asm!(
    ".globl _rust_eh_personality",
    "_rust_eh_personality:",
    "ret"
);
