//! Limits and options (ground layer, read by the connection and the
//! handshake), with `const fn` defaults.
//!
//! Every limit here is enforced before anything is reserved or copied: a
//! declared length is compared with the limit, never used to size a buffer.

/// Limits for the opening handshake (RFC 6455 §4).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct HandshakeLimits {
    /// Largest HTTP head accepted, in bytes, including the final CRLFCRLF.
    /// A head that is still incomplete at this size is answered with 431.
    /// Default 8 KiB (what nginx and Node allow by default for one header
    /// buffer); the captured browser handshakes are ~0.5 KiB.
    pub max_head_size: usize,
}

impl HandshakeLimits {
    /// The defaults.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            max_head_size: 8 * 1024,
        }
    }
}

impl Default for HandshakeLimits {
    fn default() -> Self {
        Self::new()
    }
}

/// Limits and options for a connection after the handshake.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Config {
    /// Largest payload one frame may declare; larger → 1009 as soon as the
    /// header is read. Default 16 MiB. A `usize`: a frame the target
    /// could not address is over any limit it can set, and the connection
    /// keeps its lengths in the target's word.
    pub max_frame_size: usize,
    /// Largest total payload of one message (sum over its fragments);
    /// larger → 1009 as soon as a header would exceed it. Default 64 MiB
    /// (`usize::MAX` on a 16-bit target).
    pub max_message_size: usize,
    /// Most frames one message may have; more → 1009. Bounds the cost of
    /// endless tiny (or empty) continuation frames. Default 131 072: twice
    /// what Autobahn 9.3/9.4 send (4 MiB in 64-byte fragments). Nothing is
    /// stored per fragment, so this bounds CPU, not memory.
    pub max_fragments: u32,
    /// Validate text messages as UTF-8 (§8.1). On by default, as in
    /// websocket.dll; turning it off is for callers who validate themselves.
    pub validate_utf8: bool,
    /// Answer pings with pongs automatically (§5.5.2). On by default.
    pub auto_pong: bool,
}

impl Config {
    /// The defaults.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            max_frame_size: saturate(16 * 1024 * 1024),
            max_message_size: saturate(64 * 1024 * 1024),
            max_fragments: 1 << 17,
            validate_utf8: true,
            auto_pong: true,
        }
    }
}

/// `n` as a `usize`, or `usize::MAX` where it does not fit (16-bit targets).
const fn saturate(n: u32) -> usize {
    if n as u64 > usize::MAX as u64 {
        usize::MAX
    } else {
        n as usize
    }
}

impl Default for Config {
    fn default() -> Self {
        Self::new()
    }
}
