//! Counted strings (`wsf_str`): the one string type of the C ABI. A leaf
//! module: every other module may use it, it uses none of them (reading
//! one that came from C is the boundary's job, `boundary.rs`).

use core::ffi::c_char;

/// A counted string (not NUL-terminated). Absent is `{NULL, 0}`; empty but
/// present has a non-NULL `ptr` and `len` 0.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct wsf_str {
    /// The first byte, or NULL when absent.
    pub ptr: *const c_char,
    /// The number of bytes.
    pub len: usize,
}

impl wsf_str {
    /// The absent string `{NULL, 0}`.
    pub(crate) const ABSENT: Self = Self {
        ptr: core::ptr::null(),
        len: 0,
    };

    /// A static string.
    pub(crate) const fn from_static(s: &'static str) -> Self {
        Self::from_bytes(s.as_bytes())
    }

    /// A view of borrowed bytes (always present, even when empty).
    pub(crate) const fn from_bytes(b: &[u8]) -> Self {
        Self {
            ptr: b.as_ptr().cast(),
            len: b.len(),
        }
    }

    /// A view of an optional value.
    pub(crate) fn from_opt(b: Option<&[u8]>) -> Self {
        b.map_or(Self::ABSENT, Self::from_bytes)
    }

    /// Whether the string is absent (`ptr` NULL).
    pub(crate) fn is_absent(&self) -> bool {
        self.ptr.is_null()
    }
}
