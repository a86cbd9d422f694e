//! Limits and options: `wsf_config` mirrors the core's `Config` (plus the
//! keep-alive timing), `wsf_handshake_limits` its `HandshakeLimits`.

use wsframe::{Config, HandshakeLimits, KeepAlive};

/// Limits and options for a connection. Start from `wsf_config_default()`
/// (the core's defaults; the values below are those of this release) and
/// change what you need; every field is plain data.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct wsf_config {
    /// Largest payload one frame may declare; larger fails the connection
    /// with 1009 as soon as the header is read. Default 16 MiB. Kept 64-bit
    /// on every target; a value above `SIZE_MAX` means `SIZE_MAX` (no frame
    /// beyond it could be addressed anyway).
    pub max_frame_size: u64,
    /// Largest total payload of one message; larger fails with 1009.
    /// Default 64 MiB. A value above `SIZE_MAX` means `SIZE_MAX`.
    pub max_message_size: u64,
    /// Most frames one message may have (empty ones included); more fails
    /// with 1009. Default 131 072.
    pub max_fragments: u32,
    /// Non-zero: validate text messages as UTF-8 (§8.1). Default 1.
    pub validate_utf8: u8,
    /// Non-zero: answer pings with pongs automatically (drain them with
    /// `wsf_conn_write_pending`). Default 1.
    pub auto_pong: u8,
    /// Keep-alive: ping after this many milliseconds without input
    /// (`wsf_conn_keepalive_poll`); 0 disables keep-alive. Default 0.
    pub keepalive_interval_ms: u64,
    /// Keep-alive: give up this many milliseconds after an unanswered ping.
    /// Default 0.
    pub keepalive_timeout_ms: u64,
}

impl wsf_config {
    /// The core's configuration.
    pub(crate) fn core(&self) -> Config {
        Config {
            max_frame_size: saturate(self.max_frame_size),
            max_message_size: saturate(self.max_message_size),
            max_fragments: self.max_fragments,
            validate_utf8: self.validate_utf8 != 0,
            auto_pong: self.auto_pong != 0,
        }
    }

    /// The keep-alive timer, if enabled.
    pub(crate) fn keepalive(&self) -> Option<KeepAlive> {
        (self.keepalive_interval_ms != 0)
            .then(|| KeepAlive::new(self.keepalive_interval_ms, self.keepalive_timeout_ms))
    }

    /// The C view of a core configuration (keep-alive off).
    pub(crate) fn from_core(c: &Config) -> Self {
        Self {
            // Lossless: `usize` is at most 64 bits on every Rust target.
            max_frame_size: c.max_frame_size as u64,
            max_message_size: c.max_message_size as u64,
            max_fragments: c.max_fragments,
            validate_utf8: u8::from(c.validate_utf8),
            auto_pong: u8::from(c.auto_pong),
            keepalive_interval_ms: 0,
            keepalive_timeout_ms: 0,
        }
    }
}

/// A C limit as the core's `usize`: saturating, since a limit beyond the
/// address space (a 32-bit target given a 64-bit value) allows as much as
/// `SIZE_MAX` does.
fn saturate(limit: u64) -> usize {
    usize::try_from(limit).unwrap_or(usize::MAX)
}

/// The default connection configuration (see each field of `wsf_config`).
///
/// # Safety
/// Always safe to call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wsf_config_default() -> wsf_config {
    wsf_config::from_core(&Config::new())
}

/// Limits for the opening handshake.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct wsf_handshake_limits {
    /// Largest HTTP head accepted, including the final CRLFCRLF; a head
    /// still incomplete at this size is `WSF_HANDSHAKE_HEAD_TOO_LARGE`
    /// (HTTP 431). Default 8 KiB.
    pub max_head_size: usize,
}

impl wsf_handshake_limits {
    /// The core's limits.
    pub(crate) fn core(&self) -> HandshakeLimits {
        HandshakeLimits {
            max_head_size: self.max_head_size,
        }
    }
}

/// The default handshake limits.
///
/// # Safety
/// Always safe to call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wsf_handshake_limits_default() -> wsf_handshake_limits {
    wsf_handshake_limits {
        max_head_size: HandshakeLimits::new().max_head_size,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_round_trip() {
        // SAFETY: pure function.
        let c = unsafe { wsf_config_default() };
        assert_eq!(c.core(), Config::new());
        assert!(c.keepalive().is_none());
        // SAFETY: pure function.
        let l = unsafe { wsf_handshake_limits_default() };
        assert_eq!(l.core(), HandshakeLimits::new());
    }

    #[test]
    fn limits_saturate_to_the_address_space() {
        let c = wsf_config {
            max_frame_size: u64::MAX,
            max_message_size: 1 << 40,
            // SAFETY: pure function.
            ..unsafe { wsf_config_default() }
        };
        let core = c.core();
        assert_eq!(core.max_frame_size, usize::MAX);
        let want = usize::try_from(1u64 << 40).unwrap_or(usize::MAX);
        assert_eq!(core.max_message_size, want);
        assert_eq!(
            wsf_config::from_core(&core).max_frame_size,
            usize::MAX as u64
        );
    }
}
