//! Frames (frame layer, RFC 6455 §5.2): the header's byte layout, its
//! decoder and encoder, and the encoder of whole frames.
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-------+-+-------------+-------------------------------+
//! |F|R|R|R| opcode|M| Payload len |    Extended payload length    |
//! |I|S|S|S|  (4)  |A|     (7)     |             (16/64)           |
//! |N|V|V|V|       |S|             |   (if payload len==126/127)   |
//! | |1|2|3|       |K|             |                               |
//! +-+-+-+-+-------+-+-------------+ - - - - - - - - - - - - - - - +
//! |     Extended payload length continued, if payload len == 127  |
//! + - - - - - - - - - - - - - - - +-------------------------------+
//! |                               |Masking-key, if MASK set to 1  |
//! +-------------------------------+-------------------------------+
//! ```
//!
//! The decoder checks everything a header alone can break (reserved
//! opcodes, control-frame rules, length encoding); what depends on the
//! connection (mask direction, RSV negotiation, message sequencing, limits)
//! is checked by the connection.

mod decode;
mod encode;

pub use decode::{Decoded, decode};
pub use encode::encode;
pub(crate) use encode::{encode_close, encode_frame, header_for};

/// Longest possible header: 2 + 8 (64-bit length) + 4 (masking key).
pub const MAX_HEADER_LEN: usize = 14;

/// Largest payload of a control frame (§5.5).
pub const MAX_CONTROL_PAYLOAD: usize = 125;

/// Names for the header's bits and length markers (§5.2).
pub(crate) mod field {
    /// Byte 0: the final-fragment bit.
    pub const FIN: u8 = 0x80;
    /// Byte 0: RSV1, RSV2, RSV3.
    pub const RSV: u8 = 0x70;
    /// Byte 0: the opcode nibble.
    pub const OPCODE: u8 = 0x0F;
    /// Byte 1: the mask bit.
    pub const MASK: u8 = 0x80;
    /// Byte 1: the 7-bit length.
    pub const LEN7: u8 = 0x7F;
    /// 7-bit length value announcing a 16-bit length.
    pub const LEN_16: u8 = 126;
    /// 7-bit length value announcing a 64-bit length.
    pub const LEN_64: u8 = 127;
}

/// Frame opcodes (§5.2, §11.8). Reserved opcodes never get this far.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[repr(u8)]
pub enum OpCode {
    /// 0x0: continues a fragmented message.
    Continuation = 0x0,
    /// 0x1: starts a text message.
    Text = 0x1,
    /// 0x2: starts a binary message.
    Binary = 0x2,
    /// 0x8: connection close.
    Close = 0x8,
    /// 0x9: ping.
    Ping = 0x9,
    /// 0xA: pong.
    Pong = 0xA,
}

impl OpCode {
    /// The opcode for a nibble, or `None` for the reserved values
    /// 0x3–0x7 and 0xB–0xF.
    #[must_use]
    pub const fn from_u8(nibble: u8) -> Option<Self> {
        Some(match nibble {
            0x0 => Self::Continuation,
            0x1 => Self::Text,
            0x2 => Self::Binary,
            0x8 => Self::Close,
            0x9 => Self::Ping,
            0xA => Self::Pong,
            _ => return None,
        })
    }

    /// Close, Ping and Pong are control frames (§5.5).
    #[must_use]
    pub const fn is_control(self) -> bool {
        (self as u8) & 0x8 != 0
    }
}

/// A frame header, decoded or to be encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct FrameHeader {
    /// FIN: this is the final fragment of its message.
    pub fin: bool,
    /// RSV1..RSV3 as the 3 low bits (RSV1 = 0b100).
    pub rsv: u8,
    /// The opcode.
    pub opcode: OpCode,
    /// The masking key, if the frame is masked.
    pub mask: Option<[u8; 4]>,
    /// The payload length.
    pub payload_len: u64,
}

impl FrameHeader {
    /// The encoded size of this header: 2, 4 or 10 bytes, plus 4 if masked.
    #[must_use]
    pub const fn encoded_len(&self) -> usize {
        let len = match self.payload_len {
            0..=125 => 2,
            126..=0xFFFF => 4,
            _ => 10,
        };
        if self.mask.is_some() { len + 4 } else { len }
    }
}

#[cfg(test)]
mod tests;
