//! The inflater's errors (compression layer; RFC 1951 corrupt data, RFC 7692
//! §8: the connection fails with 1007), each named after the zlib check
//! it mirrors.

/// Why a compressed stream is corrupt (the connection closes with 1007,
/// RFC 7692 §8 / RFC 6455 §7.4.1), or how the inflater was misused. The
/// text after each variant is zlib's message for the same condition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum InflateError {
    /// A block header has BTYPE 11, which RFC 1951 §3.2.3 reserves
    /// ("invalid block type").
    InvalidBlockType,
    /// A stored block's NLEN is not the ones' complement of its LEN
    /// (§3.2.4; "invalid stored block lengths").
    StoredLengthMismatch,
    /// A dynamic block declares more than 286 literal/length codes or more
    /// than 30 distance codes (§3.2.7; "too many length or distance
    /// symbols").
    TooManyCodes,
    /// The code-length code is over-subscribed or incomplete (§3.2.7;
    /// "invalid code lengths set").
    BadCodeLengthCode,
    /// A code-length repeat (16) with no previous length, or a repeat
    /// running past the declared number of codes ("invalid bit length
    /// repeat").
    BadRepeat,
    /// The literal/length code has no code for end-of-block, symbol 256
    /// ("invalid code -- missing end-of-block").
    MissingEndOfBlock,
    /// The literal/length code is over-subscribed, or incomplete other
    /// than a single one-bit code ("invalid literal/lengths set").
    BadLiteralLengthCode,
    /// The distance code is over-subscribed, or incomplete other than a
    /// single one-bit code ("invalid distances set").
    BadDistanceCode,
    /// The data uses a literal/length code that has no symbol: 286 or 287
    /// of the fixed code, or the unused half of a one-code code
    /// ("invalid literal/length code").
    InvalidLiteralLength,
    /// The data uses a distance code that has no symbol: 30 or 31 of the
    /// fixed code, or any code of an empty or one-code distance code
    /// ("invalid distance code").
    InvalidDistance,
    /// A match reaches back further than the window (2^N, RFC 7692
    /// §7.1.2) or than the stream's start ("invalid distance too far
    /// back").
    DistanceTooFar,
    /// Usage: the window passed is not exactly [`Inflater::window_len`](super::Inflater::window_len)
    /// bytes for the configured window bits.
    WindowSize,
    /// Usage: window bits outside 8..=15 (RFC 7692 §7.1.2).
    WindowBits,
}

impl InflateError {
    /// A short description, for logs.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::InvalidBlockType => "invalid block type",
            Self::StoredLengthMismatch => "invalid stored block lengths",
            Self::TooManyCodes => "too many length or distance symbols",
            Self::BadCodeLengthCode => "invalid code lengths set",
            Self::BadRepeat => "invalid bit length repeat",
            Self::MissingEndOfBlock => "invalid code -- missing end-of-block",
            Self::BadLiteralLengthCode => "invalid literal/lengths set",
            Self::BadDistanceCode => "invalid distances set",
            Self::InvalidLiteralLength => "invalid literal/length code",
            Self::InvalidDistance => "invalid distance code",
            Self::DistanceTooFar => "invalid distance too far back",
            Self::WindowSize => "window length is not 2^window_bits",
            Self::WindowBits => "window bits outside 8..=15",
        }
    }
}

impl core::fmt::Display for InflateError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(feature = "std")]
impl std::error::Error for InflateError {}
