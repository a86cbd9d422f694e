//! DEFLATE's fixed tables (compression layer; RFC 1951 §3.2.5–§3.2.7), shared by
//! the inflater and the compressor.

/// Length symbols 257..=285: the base match length of each (§3.2.5).
pub(crate) const LENGTH_BASE: [u16; 29] = [
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131,
    163, 195, 227, 258,
];

/// Length symbols 257..=285: how many extra bits follow each (§3.2.5).
pub(crate) const LENGTH_EXTRA: [u8; 29] = [
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
];

/// Distance symbols 0..=29: the base distance of each (§3.2.5).
pub(crate) const DIST_BASE: [u16; 30] = [
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537,
    2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
];

/// Distance symbols 0..=29: how many extra bits follow each (§3.2.5).
pub(crate) const DIST_EXTRA: [u8; 30] = [
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13,
    13,
];

/// The order in which a dynamic block sends its code-length code lengths
/// (§3.2.7).
pub(crate) const CODE_LENGTH_ORDER: [u8; 19] = [
    16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
];

/// The fixed literal/length code's length for symbol `sym` (§3.2.6):
/// 0–143 → 8 bits, 144–255 → 9, 256–279 → 7, 280–287 → 8.
pub(crate) const fn fixed_literal_len(sym: u16) -> u8 {
    match sym {
        0..=143 => 8,
        144..=255 => 9,
        256..=279 => 7,
        _ => 8,
    }
}

/// Every fixed distance code is 5 bits long (§3.2.6).
pub(crate) const FIXED_DIST_LEN: u8 = 5;

#[cfg(test)]
mod tests {
    use super::*;

    /// §3.2.5: each base is the previous base plus 2^extra of the previous
    /// code, except length 258 (symbol 285), which has its own code.
    #[test]
    fn bases_follow_extra_bits() {
        for i in 1..28 {
            assert_eq!(
                LENGTH_BASE[i],
                LENGTH_BASE[i - 1] + (1 << LENGTH_EXTRA[i - 1])
            );
        }
        assert_eq!((LENGTH_BASE[28], LENGTH_EXTRA[28]), (258, 0));
        for i in 1..30 {
            assert_eq!(DIST_BASE[i], DIST_BASE[i - 1] + (1 << DIST_EXTRA[i - 1]));
        }
        assert_eq!(u32::from(DIST_BASE[29]) + (1 << DIST_EXTRA[29]) - 1, 32768);
    }
}
