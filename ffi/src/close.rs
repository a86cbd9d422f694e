//! Close codes (RFC 6455 §7.4). The numbers are the same in every Windows
//! API: `WEB_SOCKET_CLOSE_STATUS`, `WINHTTP_WEB_SOCKET_CLOSE_STATUS` and
//! .NET's `WebSocketCloseStatus` can be passed as they are.

use wsframe::CloseCode;

/// 1000: normal closure.
pub const WSF_CLOSE_NORMAL: u16 = 1000;
/// 1001: endpoint going away.
pub const WSF_CLOSE_GOING_AWAY: u16 = 1001;
/// 1002: protocol error.
pub const WSF_CLOSE_PROTOCOL_ERROR: u16 = 1002;
/// 1003: unsupported data type.
pub const WSF_CLOSE_UNSUPPORTED_DATA: u16 = 1003;
/// 1005: no status code was present (reported, never sent).
pub const WSF_CLOSE_NO_STATUS: u16 = 1005;
/// 1006: closed without a Close frame (reported, never sent).
pub const WSF_CLOSE_ABNORMAL: u16 = 1006;
/// 1007: invalid payload data (bad UTF-8).
pub const WSF_CLOSE_INVALID_PAYLOAD: u16 = 1007;
/// 1008: policy violation.
pub const WSF_CLOSE_POLICY: u16 = 1008;
/// 1009: message too big.
pub const WSF_CLOSE_MESSAGE_TOO_BIG: u16 = 1009;
/// 1010: the client expected an extension the server did not negotiate.
pub const WSF_CLOSE_MANDATORY_EXTENSION: u16 = 1010;
/// 1011: the server hit an unexpected condition.
pub const WSF_CLOSE_INTERNAL_ERROR: u16 = 1011;
/// 1015: TLS handshake failure (reported, never sent).
pub const WSF_CLOSE_TLS_HANDSHAKE: u16 = 1015;

/// Longest close reason in bytes (125 minus the 2-byte code); the same as
/// `WEB_SOCKET_MAX_CLOSE_REASON_LENGTH`.
pub const WSF_MAX_CLOSE_REASON: usize = 123;

// The literals above are what the header shows; they must be the core's.
const _: () = {
    assert!(WSF_CLOSE_NORMAL == CloseCode::NORMAL.get());
    assert!(WSF_CLOSE_GOING_AWAY == CloseCode::GOING_AWAY.get());
    assert!(WSF_CLOSE_PROTOCOL_ERROR == CloseCode::PROTOCOL_ERROR.get());
    assert!(WSF_CLOSE_UNSUPPORTED_DATA == CloseCode::UNSUPPORTED_DATA.get());
    assert!(WSF_CLOSE_NO_STATUS == CloseCode::NO_STATUS.get());
    assert!(WSF_CLOSE_ABNORMAL == CloseCode::ABNORMAL.get());
    assert!(WSF_CLOSE_INVALID_PAYLOAD == CloseCode::INVALID_PAYLOAD.get());
    assert!(WSF_CLOSE_POLICY == CloseCode::POLICY.get());
    assert!(WSF_CLOSE_MESSAGE_TOO_BIG == CloseCode::MESSAGE_TOO_BIG.get());
    assert!(WSF_CLOSE_MANDATORY_EXTENSION == CloseCode::MANDATORY_EXTENSION.get());
    assert!(WSF_CLOSE_INTERNAL_ERROR == CloseCode::INTERNAL_ERROR.get());
    assert!(WSF_CLOSE_TLS_HANDSHAKE == CloseCode::TLS_HANDSHAKE.get());
    assert!(WSF_MAX_CLOSE_REASON == wsframe::close::MAX_REASON_LEN);
};

/// 1 if `code` may be sent in a Close frame (1000–1003, 1007–1014,
/// 3000–4999), 0 otherwise.
///
/// # Safety
/// Always safe to call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wsf_close_code_is_sendable(code: u16) -> u8 {
    u8::from(CloseCode::new(code).is_sendable())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sendable ranges of §7.4 at their edges. (That the numbers
    /// equal WinHTTP's close statuses is checked against mingw-w64's
    /// winhttp.h by tests/c/windows_numbers.c.)
    #[test]
    fn sendable_codes() {
        // SAFETY: pure function.
        unsafe {
            for code in [1000, 1003, 1007, 1014, 3000, 4999] {
                assert_eq!(wsf_close_code_is_sendable(code), 1, "{code}");
            }
            for code in [0, 999, 1004, 1005, 1006, 1015, 2999, 5000] {
                assert_eq!(wsf_close_code_is_sendable(code), 0, "{code}");
            }
        }
    }
}
