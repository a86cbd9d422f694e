//! What a `no_std` libwsframe for Windows needs from the system (feature
//! `windows-dll`): a global allocator on the process heap and a panic
//! handler that ends the process.
//!
//! Why `no_std` on Windows at all: a default `std` cdylib for
//! `x86_64-pc-windows-gnu` imports `ProcessPrng` (bcryptprimitives.dll,
//! Windows 10+), `WaitOnAddress` and `GetSystemTimePreciseAsFileTime`
//! (Windows 8+), so it does not load on Windows 7 SP1 or Server 2008 R2 —
//! the systems that lack websocket.dll. Built without `std` the library
//! imports only what this file names (three KERNEL32 functions, all
//! "Windows XP" or earlier in Microsoft's documentation) plus the C runtime
//! (msvcrt.dll) that mingw-w64 links. `tests/windows/run.sh` checks every
//! import of the shipped DLL against `tests/windows/win7-imports.txt`.
//!
//! Build it with `panic = "abort"` and `lto = true` (`ffi/windows/build.sh`
//! does). Nothing in this crate or the core panics, so the panic handler
//! only satisfies the linker and turns the impossible into a crash, not a
//! hang. LTO matters twice: the DLL is a third of the size, and the
//! precompiled `core`'s unwind tables, which name `rust_eh_personality`
//! (defined only by `std`), are dropped — without LTO the link needs a stub
//! of that symbol.

use core::alloc::{GlobalAlloc, Layout};
use core::ffi::c_void;

#[cfg(feature = "panic-handler")]
compile_error!(
    "`windows-dll` brings its own panic handler (abort): leave `panic-handler` off on Windows"
);

/// `MEMORY_ALLOCATION_ALIGNMENT` on 64-bit Windows: every `HeapAlloc` block
/// is aligned to 16 bytes (8 on 32-bit Windows).
const HEAP_ALIGN: usize = if cfg!(target_pointer_width = "64") {
    16
} else {
    8
};

#[link(name = "kernel32")]
unsafe extern "system" {
    /// <https://learn.microsoft.com/windows/win32/api/heapapi/nf-heapapi-getprocessheap>
    /// (minimum client: Windows XP).
    fn GetProcessHeap() -> *mut c_void;
    /// <https://learn.microsoft.com/windows/win32/api/heapapi/nf-heapapi-heapalloc>
    /// (minimum client: Windows XP). Returns NULL on failure when the flags
    /// lack `HEAP_GENERATE_EXCEPTIONS`.
    fn HeapAlloc(heap: *mut c_void, flags: u32, bytes: usize) -> *mut c_void;
    /// <https://learn.microsoft.com/windows/win32/api/heapapi/nf-heapapi-heapfree>
    /// (minimum client: Windows XP).
    fn HeapFree(heap: *mut c_void, flags: u32, mem: *mut c_void) -> i32;
}

unsafe extern "C" {
    /// The C runtime's `abort` (msvcrt.dll, present on every Windows).
    fn abort() -> !;
}

/// The global allocator: the process heap (`GetProcessHeap`), which C
/// callers share, so a leak shows up in their usual tools.
///
/// `HeapAlloc` aligns every block to [`HEAP_ALIGN`]; nothing this crate
/// allocates needs more (`wsf_conn_new` boxes a connection, whose alignment
/// `wsf_conn_align` reports). A stricter layout gets NULL, which
/// `wsf_conn_new` reports as `WSF_ALLOC_FAILED` — and the C suite under
/// Wine, which calls it, would fail — rather than a misaligned block.
struct ProcessHeap;

// SAFETY: `alloc` returns NULL or a fresh `HeapAlloc` block of at least
// `layout.size()` bytes, aligned to HEAP_ALIGN >= `layout.align()`; `dealloc`
// gets back only such blocks (GlobalAlloc's contract) and frees each once.
// The process heap is serialized (no `HEAP_NO_SERIALIZE`), so both may be
// called from any thread.
unsafe impl GlobalAlloc for ProcessHeap {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if layout.align() > HEAP_ALIGN {
            return core::ptr::null_mut();
        }
        // SAFETY: plain heap calls; a NULL result is passed on.
        unsafe { HeapAlloc(GetProcessHeap(), 0, layout.size()) }.cast()
    }

    unsafe fn dealloc(&self, ptr: *mut u8, _: Layout) {
        // SAFETY: `ptr` came from `HeapAlloc` on the process heap (`alloc`)
        // and is freed once. Nothing can be done if HeapFree fails: its
        // result is ignored.
        unsafe { HeapFree(GetProcessHeap(), 0, ptr.cast()) };
    }
}

#[global_allocator]
static HEAP: ProcessHeap = ProcessHeap;

/// Ends the process (the C runtime's `abort`): a DLL must not spin in its
/// caller's thread. Unreachable in practice (see the module docs).
#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    // SAFETY: `abort` takes no arguments and does not return.
    unsafe { abort() }
}
