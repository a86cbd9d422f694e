//! The handle's block: the receive area, then the send area (properties.rs
//! explains the sizes). It is the caller's `ALLOCATED_BUFFER` when given —
//! documented to be larger than receive + send + 256 bytes — or allocated
//! here, fallibly (`E_OUTOFMEMORY`). Buffers handed out by actions point
//! into it (handle.rs rule 5), so it never moves while the handle lives.

use alloc::boxed::Box;
use alloc::vec::Vec;

use crate::properties::Props;
use crate::types::{E_OUTOFMEMORY, Hresult};

/// The receive and send areas of one handle.
#[derive(Debug)]
pub struct Arena {
    base: *mut u8,
    recv: usize,
    send: usize,
    owned: bool,
}

impl Arena {
    /// The caller's block, or a new zeroed one.
    ///
    /// # Errors
    /// [`E_OUTOFMEMORY`] when the block cannot be allocated.
    pub fn new(props: &Props) -> Result<Self, Hresult> {
        let total = props.block_size();
        let (base, owned) = match props.allocated {
            Some(block) => (block, false),
            None => {
                let mut v: Vec<u8> = Vec::new();
                v.try_reserve_exact(total).map_err(|_| E_OUTOFMEMORY)?;
                v.resize(total, 0);
                (Box::into_raw(v.into_boxed_slice()).cast::<u8>(), true)
            }
        };
        Ok(Self {
            base,
            recv: props.recv_size,
            send: props.send_size,
            owned,
        })
    }

    /// The receive area.
    pub fn recv_area(&mut self) -> &mut [u8] {
        // SAFETY: the block holds `recv + send` bytes (allocated here, or
        // the caller's documented minimum) and lives as long as `self`;
        // `&mut self` makes this the only Rust reference into it.
        unsafe { core::slice::from_raw_parts_mut(self.base, self.recv) }
    }

    /// The send area, after the receive area.
    pub fn send_area(&mut self) -> &mut [u8] {
        // SAFETY: as `recv_area`, for the bytes after the receive area.
        unsafe { core::slice::from_raw_parts_mut(self.base.add(self.recv), self.send) }
    }
}

impl Drop for Arena {
    fn drop(&mut self) {
        if self.owned {
            let whole = core::ptr::slice_from_raw_parts_mut(self.base, self.recv + self.send);
            // SAFETY: `base` came from `Box::into_raw` of a boxed slice of
            // exactly this length, and is freed once, here.
            drop(unsafe { Box::from_raw(whole) });
        }
    }
}
