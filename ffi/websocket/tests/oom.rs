//! `E_OUTOFMEMORY`: a handle whose buffers cannot be allocated is refused,
//! not aborted on. This test binary's allocator refuses any block over
//! 1 GiB, so asking for 4 GiB receive and send buffers fails for certain.

use core::ptr::null_mut;
use std::alloc::{GlobalAlloc, Layout, System};

use websocket::types::{E_OUTOFMEMORY, Property, S_OK, property};
use websocket::{WebSocketCreateClientHandle, WebSocketCreateServerHandle, WebSocketDeleteHandle};

struct Capped;

// SAFETY: forwards to `System`, refusing (null) only large blocks.
unsafe impl GlobalAlloc for Capped {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if layout.size() > 1 << 30 {
            return null_mut();
        }
        // SAFETY: forwarded.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static CAPPED: Capped = Capped;

#[test]
fn huge_buffers_are_out_of_memory() {
    let size: u32 = u32::MAX;
    let props = [
        Property {
            kind: property::RECEIVE_BUFFER_SIZE,
            value: (&raw const size).cast(),
            size: 4,
        },
        Property {
            kind: property::SEND_BUFFER_SIZE,
            value: (&raw const size).cast(),
            size: 4,
        },
    ];
    let mut h = null_mut();
    // SAFETY: valid properties and out pointer.
    unsafe {
        assert_eq!(
            WebSocketCreateClientHandle(props.as_ptr(), 2, &mut h),
            E_OUTOFMEMORY
        );
        assert_eq!(
            WebSocketCreateServerHandle(props.as_ptr(), 1, &mut h),
            E_OUTOFMEMORY
        );
        assert!(h.is_null());
        // The default sizes are allocated.
        assert_eq!(WebSocketCreateServerHandle(props.as_ptr(), 0, &mut h), S_OK);
        WebSocketDeleteHandle(h);
    }
}
