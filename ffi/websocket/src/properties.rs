//! Handle and global properties (`WEB_SOCKET_PROPERTY_TYPE`, documented on
//! learn.microsoft.com "WEB_SOCKET_PROPERTY_TYPE enumeration").
//!
//! * `RECEIVE_BUFFER_SIZE` (ULONG): "cannot be smaller than 256 bytes. The
//!   default is 4096."
//! * `SEND_BUFFER_SIZE` (ULONG): "cannot be smaller than 256 bytes. The
//!   default is 4096 on a handle created with WebSocketCreateClientHandle,
//!   and 16 on a handle created with WebSocketCreateServerHandle." The two
//!   sentences contradict each other, and 16 bytes cannot hold a control
//!   frame (up to 131 bytes): the server's default send area is 256 bytes,
//!   which still fits the documented block size (below).
//! * `DISABLE_MASKING` (BOOL): "On the client, this property sets the mask
//!   key to 0" — frames stay marked masked, so the payload goes out
//!   zero-copy. On the server it would accept unmasked client frames; the
//!   core enforces RFC 6455 §5.1 and has no such switch, so a server keeps
//!   rejecting them (accepted as a property, documented as a difference).
//! * `ALLOCATED_BUFFER` (PVOID): `pvValue` points to the slot holding the
//!   block's address (that is how .NET's WebSocketBuffer passes its pinned
//!   internal buffer); "must be aligned on an 8-byte boundary and be larger
//!   than receive buffer size + send buffer size + 256 bytes". Every buffer
//!   an action hands out then lies inside that block or inside the
//!   caller's own send payload (.NET's `ValidateNativeBuffers` checks it).
//! * `DISABLE_UTF8_VERIFICATION` (BOOL): text is verified by default.
//! * `KEEPALIVE_INTERVAL` and `SUPPORTED_VERSIONS`: global, read with
//!   `WebSocketGetGlobalProperty`; not accepted by the create functions.

use core::ffi::c_void;
use core::mem::size_of;

use crate::types::{E_INVALIDARG, Hresult, Property, property};

/// The smallest receive or send buffer a caller may ask for.
pub const MIN_BUFFER_SIZE: u32 = 256;
/// The default receive buffer (and the client's default send buffer).
pub const DEFAULT_BUFFER_SIZE: u32 = 4096;
/// The server's send area when the caller sets none (see module doc).
pub const SERVER_SEND_AREA: u32 = 256;
/// `KEEPALIVE_INTERVAL`'s documented default, in milliseconds. The DLL has
/// no timers (sans-IO): the application sends `UNSOLICITED_PONG` itself.
pub const KEEPALIVE_INTERVAL_MS: u32 = 30_000;
/// The one protocol version (RFC 6455 §4.1 item 9).
pub const SUPPORTED_VERSION: u32 = 13;

/// The properties of one handle, validated.
#[derive(Clone, Copy, Debug)]
pub struct Props {
    /// Receive area size in bytes.
    pub recv_size: usize,
    /// Send area size in bytes (headers, control frames, masked payload).
    pub send_size: usize,
    /// `DISABLE_MASKING`.
    pub disable_masking: bool,
    /// `DISABLE_UTF8_VERIFICATION`.
    pub disable_utf8: bool,
    /// `ALLOCATED_BUFFER`: the caller's block, if given.
    pub allocated: Option<*mut u8>,
}

impl Props {
    /// Reads `count` properties at `props` for a client or server handle.
    ///
    /// # Errors
    /// [`E_INVALIDARG`] for a NULL array with a count, a NULL value, a
    /// wrong size, an unknown or global-only type, a buffer size under 256,
    /// or a misaligned `ALLOCATED_BUFFER`.
    ///
    /// # Safety
    /// `props` is NULL or points to `count` readable properties whose
    /// non-NULL `pvValue` point to `ulValueSize` readable bytes.
    pub unsafe fn parse(props: *const Property, count: u32, server: bool) -> Result<Self, Hresult> {
        let mut out = Self {
            recv_size: DEFAULT_BUFFER_SIZE as usize,
            send_size: if server {
                SERVER_SEND_AREA
            } else {
                DEFAULT_BUFFER_SIZE
            } as usize,
            disable_masking: false,
            disable_utf8: false,
            allocated: None,
        };
        if count == 0 {
            return Ok(out);
        }
        if props.is_null() {
            return Err(E_INVALIDARG);
        }
        for i in 0..count as usize {
            // SAFETY: the caller's array holds `count` properties.
            let p = unsafe { props.add(i).read_unaligned() };
            // SAFETY: forwarded from the caller (values are readable).
            unsafe { out.apply(&p) }?;
        }
        Ok(out)
    }

    /// Applies one property.
    ///
    /// # Safety
    /// As [`Props::parse`] for this one property.
    unsafe fn apply(&mut self, p: &Property) -> Result<(), Hresult> {
        if p.value.is_null() {
            return Err(E_INVALIDARG);
        }
        match p.kind {
            property::RECEIVE_BUFFER_SIZE => {
                // SAFETY: a ULONG property: `read_ulong` checks the size.
                self.recv_size = buffer_size(unsafe { read_ulong(p) }?)?;
            }
            property::SEND_BUFFER_SIZE => {
                // SAFETY: as above.
                self.send_size = buffer_size(unsafe { read_ulong(p) }?)?;
            }
            property::DISABLE_MASKING => {
                // SAFETY: a BOOL is a 32-bit int: same check.
                self.disable_masking = unsafe { read_ulong(p) }? != 0;
            }
            property::DISABLE_UTF8_VERIFICATION => {
                // SAFETY: as above.
                self.disable_utf8 = unsafe { read_ulong(p) }? != 0;
            }
            property::ALLOCATED_BUFFER => {
                if p.size as usize != size_of::<*mut c_void>() {
                    return Err(E_INVALIDARG);
                }
                // SAFETY: the size was checked: the slot holds a pointer.
                let block = unsafe { p.value.cast::<*mut u8>().read_unaligned() };
                if block.is_null() || block as usize % 8 != 0 {
                    return Err(E_INVALIDARG);
                }
                self.allocated = Some(block);
            }
            _ => return Err(E_INVALIDARG),
        }
        Ok(())
    }

    /// Bytes of the internal block: the receive area, then the send area.
    #[must_use]
    pub const fn block_size(&self) -> usize {
        self.recv_size + self.send_size
    }
}

/// A buffer size property's value, at least [`MIN_BUFFER_SIZE`].
fn buffer_size(value: u32) -> Result<usize, Hresult> {
    if value < MIN_BUFFER_SIZE {
        return Err(E_INVALIDARG);
    }
    usize::try_from(value).map_err(|_| E_INVALIDARG)
}

/// A 4-byte property value (ULONG or BOOL).
///
/// # Safety
/// `p.value` points to `p.size` readable bytes.
unsafe fn read_ulong(p: &Property) -> Result<u32, Hresult> {
    if p.size as usize != size_of::<u32>() {
        return Err(E_INVALIDARG);
    }
    // SAFETY: four readable bytes (checked size, caller's promise).
    Ok(unsafe { p.value.cast::<u32>().read_unaligned() })
}

/// `WebSocketGetGlobalProperty`: `KEEPALIVE_INTERVAL` (30 000 ms, how .NET
/// reads its default keep-alive) and `SUPPORTED_VERSIONS` (13), each a
/// ULONG; `*size` in is the room at `value`, out the bytes written.
///
/// # Safety
/// `value` is NULL or points to `*size` writable bytes; `size` is NULL or
/// valid.
pub unsafe fn global(kind: u32, value: *mut c_void, size: *mut u32) -> Hresult {
    if value.is_null() || size.is_null() {
        return E_INVALIDARG;
    }
    let answer = match kind {
        property::KEEPALIVE_INTERVAL => KEEPALIVE_INTERVAL_MS,
        property::SUPPORTED_VERSIONS => SUPPORTED_VERSION,
        _ => return E_INVALIDARG,
    };
    // SAFETY: `size` is non-NULL and the caller's.
    let room = unsafe { size.read_unaligned() };
    if (room as usize) < size_of::<u32>() {
        return E_INVALIDARG;
    }
    // SAFETY: `value` has `room` ≥ 4 writable bytes; `size` is valid.
    unsafe {
        value.cast::<u32>().write_unaligned(answer);
        size.write_unaligned(size_of::<u32>() as u32);
    }
    crate::types::S_OK
}
