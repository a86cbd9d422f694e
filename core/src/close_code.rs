//! Close status codes (ground layer, RFC 6455 §7.4): the numbers a Close
//! frame carries and which of them may appear on the wire. A leaf: the
//! errors name their close code with it, and the Close payload carries it.

/// A close status code (RFC 6455 §7.4). The numbers are the same in every
/// Windows API (`WEB_SOCKET_CLOSE_STATUS`, `WINHTTP_WEB_SOCKET_CLOSE_STATUS`,
/// .NET's `WebSocketCloseStatus`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct CloseCode(u16);

impl CloseCode {
    /// 1000: normal closure.
    pub const NORMAL: Self = Self(1000);
    /// 1001: endpoint going away.
    pub const GOING_AWAY: Self = Self(1001);
    /// 1002: protocol error.
    pub const PROTOCOL_ERROR: Self = Self(1002);
    /// 1003: unsupported data type.
    pub const UNSUPPORTED_DATA: Self = Self(1003);
    /// 1005: no status code was present (reported, never sent).
    pub const NO_STATUS: Self = Self(1005);
    /// 1006: closed without a Close frame (reported, never sent).
    pub const ABNORMAL: Self = Self(1006);
    /// 1007: payload data inconsistent with the message type (bad UTF-8).
    pub const INVALID_PAYLOAD: Self = Self(1007);
    /// 1008: policy violation.
    pub const POLICY: Self = Self(1008);
    /// 1009: message too big to process.
    pub const MESSAGE_TOO_BIG: Self = Self(1009);
    /// 1010: client expected an extension the server did not negotiate.
    pub const MANDATORY_EXTENSION: Self = Self(1010);
    /// 1011: server hit an unexpected condition.
    pub const INTERNAL_ERROR: Self = Self(1011);
    /// 1015: TLS handshake failure (reported, never sent).
    pub const TLS_HANDSHAKE: Self = Self(1015);

    /// Wraps any number; use [`CloseCode::is_sendable`] to check it.
    #[must_use]
    pub const fn new(code: u16) -> Self {
        Self(code)
    }

    /// The numeric value.
    #[must_use]
    pub const fn get(self) -> u16 {
        self.0
    }

    /// Whether this code may appear in a Close frame on the wire:
    /// 1000–1003, 1007–1014 (1012–1014 were registered with IANA after the
    /// RFC), and 3000–4999 (§7.4.2: libraries/frameworks and private use).
    #[must_use]
    pub const fn is_sendable(self) -> bool {
        matches!(self.0, 1000..=1003 | 1007..=1014 | 3000..=4999)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // All 65 536 codes take a minute under Miri; the boundaries are checked
    // there by `parse_rules` and `connection::tests::rule_close_payloads`.
    #[test]
    #[cfg_attr(miri, ignore)]
    fn sendable_ranges() {
        for c in 0..=u16::MAX {
            let ok = CloseCode(c).is_sendable();
            let want = (1000..=1003).contains(&c)
                || (1007..=1014).contains(&c)
                || (3000..=4999).contains(&c);
            assert_eq!(ok, want, "code {c}");
        }
    }
}
