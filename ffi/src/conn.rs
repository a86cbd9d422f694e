//! The connection object (`wsf_conn`): creation in caller storage (or on
//! the heap), receiving, state queries and keep-alive. Sending is in
//! `send.rs`.

use core::ffi::c_void;
use core::ptr::NonNull;

use wsframe::deflate::{Compression, Decompression};
use wsframe::{Connection, DataKind, Error, KeepAlive, KeepAliveAction, Recv, Role, Sent, State};

use crate::boundary::{guard, handle, handle_mut, in_place, optional, place};
use crate::config::wsf_config;
use crate::event::wsf_event;
use crate::status::wsf_status;
use crate::storage;

/// A WebSocket connection after the opening handshake, for either role
/// (opaque). Create it with `wsf_conn_init` in storage of `wsf_conn_size()`
/// bytes aligned to `wsf_conn_align()`; it holds no other resources, so
/// it is released by releasing the storage.
pub struct wsf_conn {
    pub(crate) conn: Connection,
    pub(crate) keepalive: Option<KeepAlive>,
    /// The keep-alive interval and timeout configured (for `wsf_conn_config`).
    keepalive_ms: (u64, u64),
    /// permessage-deflate, once `wsf_conn_deflate_init` turned it on.
    pub(crate) deflate: Option<Deflate>,
    #[cfg(feature = "alloc")]
    heap: bool,
}

/// The two halves of permessage-deflate, each at the start of a block of
/// caller storage (`deflate.rs`); only pointers live in the connection.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Deflate {
    /// The receiving half, over the ring after it in the rx block.
    pub(crate) rx: NonNull<Decompression<'static>>,
    /// The sending half, over the storage after it in the tx block; `None`:
    /// messages go out uncompressed.
    pub(crate) tx: Option<NonNull<Compression<'static>>>,
}

/// Which end of the connection we are (who masks, RFC 6455 §5.1).
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum wsf_role {
    /// The endpoint that sent the handshake; masks every frame it sends.
    WSF_ROLE_CLIENT = 0,
    /// The endpoint that accepted the handshake; never masks.
    WSF_ROLE_SERVER = 1,
}

/// Where a connection is in its life.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum wsf_state {
    /// Data flows both ways.
    WSF_STATE_OPEN = 0,
    /// We sent Close; still receiving until the peer's Close.
    WSF_STATE_CLOSE_SENT = 1,
    /// The peer sent Close; our echo is pending (or our own Close).
    WSF_STATE_CLOSE_RECEIVED = 2,
    /// Both Closes went out: the closing handshake is complete.
    WSF_STATE_CLOSED = 3,
    /// A protocol error failed the connection (`wsf_conn_error`).
    WSF_STATE_FAILED = 4,
}

/// What `wsf_conn_keepalive_poll` asks the caller to do.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum wsf_keepalive_action {
    /// Nothing to do yet (or keep-alive is disabled).
    WSF_KEEPALIVE_IDLE = 0,
    /// The peer has been quiet for the interval: send a Ping now.
    WSF_KEEPALIVE_SEND_PING = 1,
    /// The Ping went unanswered for the timeout: close or drop the connection.
    WSF_KEEPALIVE_TIMED_OUT = 2,
}

impl wsf_role {
    /// The C value of a core role.
    const fn from_core(role: Role) -> Self {
        match role {
            Role::Client => Self::WSF_ROLE_CLIENT,
            Role::Server => Self::WSF_ROLE_SERVER,
        }
    }
}

/// The core role for a `wsf_role` number from C.
fn role(role: u32) -> Result<Role, wsf_status> {
    match role {
        0 => Ok(Role::Client),
        1 => Ok(Role::Server),
        _ => Err(wsf_status::WSF_INVALID_ARGUMENT),
    }
}

impl wsf_conn {
    /// A new connection for `role` with `config` (`None`: the defaults).
    fn create(role_number: u32, config: Option<&wsf_config>) -> Result<Self, wsf_status> {
        // NULL means the defaults, as websocket.dll's property arrays may be.
        let defaults = wsf_config::from_core(&wsframe::Config::new());
        let config = config.unwrap_or(&defaults);
        Ok(Self {
            conn: Connection::new(role(role_number)?, config.core()),
            keepalive: config.keepalive(),
            keepalive_ms: (config.keepalive_interval_ms, config.keepalive_timeout_ms),
            deflate: None,
            #[cfg(feature = "alloc")]
            heap: false,
        })
    }

    /// Receives with `recv`, or with `recv_deflate` once the extension is
    /// on (payloads of compressed messages are then lent from the ring).
    fn recv<'a>(&mut self, buf: &'a mut [u8]) -> Result<Recv<'a>, Error> {
        match self.deflate {
            Some(Deflate { rx, .. }) => {
                // SAFETY: `rx` was placed by `wsf_conn_deflate_init` in
                // storage its caller keeps for this connection alone while
                // the connection is used; no other reference to it exists.
                let z = unsafe { &mut *rx.as_ptr() };
                self.conn.recv_deflate(buf, z)
            }
            None => self.conn.recv(buf),
        }
    }

    /// The next frame of a message sent with `send_deflate` when there is a
    /// sending half, else as it is, as much of `payload` as fits in `out`.
    pub(crate) fn send_deflate(
        &mut self,
        kind: DataKind,
        payload: &[u8],
        last: bool,
        mask_key: [u8; 4],
        out: &mut [u8],
    ) -> Result<Sent, Error> {
        match self.deflate.and_then(|d| d.tx) {
            Some(tx) => {
                // SAFETY: as for `rx` in `recv`.
                let z = unsafe { &mut *tx.as_ptr() };
                self.conn
                    .send_deflate(kind, payload, last, z, mask_key, out)
            }
            None => {
                let masked = self.conn.role() == Role::Client;
                let n = plain_piece(payload.len(), out.len(), masked)?;
                let piece = payload.get(..n).unwrap_or(payload);
                let fin = last && n == payload.len();
                if !fin && n == 0 {
                    return Ok(Sent {
                        consumed: 0,
                        written: 0,
                        message_end: false,
                    });
                }
                let written = self.conn.send_data(kind, fin, piece, mask_key, out)?;
                Ok(Sent {
                    consumed: n,
                    written,
                    message_end: fin,
                })
            }
        }
    }
}

/// Frame header bytes for a payload of `len` (RFC 6455 §5.2).
const fn header_len(len: usize, masked: bool) -> usize {
    let extended = if len > 0xffff {
        8
    } else if len > 125 {
        2
    } else {
        0
    };
    2 + extended + if masked { 4 } else { 0 }
}

/// The longest prefix of a `payload_len` payload whose frame fits in
/// `out_len` bytes; `WSF_BUFFER_TOO_SMALL` when not even one byte (or, for
/// an empty payload, the header) fits.
fn plain_piece(payload_len: usize, out_len: usize, masked: bool) -> Result<usize, Error> {
    // The longest piece per length encoding (7-bit, 16-bit, 64-bit).
    let fits = [(0, 125), (126, 0xffff), (0x1_0000, usize::MAX)]
        .into_iter()
        .map(|(at_least, at_most)| {
            let room = out_len.saturating_sub(header_len(at_least, masked));
            payload_len.min(room).min(at_most)
        })
        .filter(|&n| header_len(n, masked) + n <= out_len)
        .max()
        .unwrap_or(0);
    let needed = header_len(payload_len.min(1), masked) + payload_len.min(1);
    if needed > out_len {
        return Err(wsframe::UsageError::BufferTooSmall { needed }.into());
    }
    Ok(fits)
}

/// Bytes of storage a `wsf_conn` needs.
///
/// # Safety
/// Always safe to call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wsf_conn_size() -> usize {
    storage::size::<wsf_conn>()
}

/// Alignment the storage of a `wsf_conn` needs.
///
/// # Safety
/// Always safe to call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wsf_conn_align() -> usize {
    storage::align::<wsf_conn>()
}

/// Creates an open connection for `role` (a `wsf_role`) in caller storage
/// and stores its handle (which equals `storage`) in `*out`. A NULL
/// `config` means the defaults (`wsf_config_default`). Use it
/// directly for framing-only operation (the handshake was done elsewhere),
/// or after a handshake done with this library.
///
/// Errors: `WSF_NULL_POINTER`, `WSF_INVALID_ARGUMENT` (unknown role),
/// `WSF_STORAGE_TOO_SMALL`, `WSF_STORAGE_MISALIGNED`.
///
/// # Safety
/// `config` is NULL or points to a `wsf_config`; `storage` is NULL or
/// valid for writes of `storage_len` bytes, used for nothing else while
/// the connection lives; `out` is NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wsf_conn_init(
    role: u32,
    config: *const wsf_config,
    storage: *mut c_void,
    storage_len: usize,
    out: *mut *mut wsf_conn,
) -> wsf_status {
    guard(|| {
        let out = handle_mut!(out)?;
        let conn = wsf_conn::create(role, optional(handle!(config))?)?;
        *out = place!(storage, storage_len, conn)?;
        Ok(())
    })
}

/// Creates an open connection on the heap (feature `alloc`); free it with
/// `wsf_conn_free`.
///
/// A NULL `config` means the defaults.
///
/// Errors: `WSF_NULL_POINTER`, `WSF_INVALID_ARGUMENT`, `WSF_ALLOC_FAILED`.
///
/// # Safety
/// `config` is NULL or points to a `wsf_config`; `out` is NULL or valid
/// for a write.
#[cfg(feature = "alloc")]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wsf_conn_new(
    role: u32,
    config: *const wsf_config,
    out: *mut *mut wsf_conn,
) -> wsf_status {
    guard(|| {
        let out = handle_mut!(out)?;
        let conn = wsf_conn::create(role, optional(handle!(config))?)?;
        *out = storage::boxed(wsf_conn { heap: true, ..conn })?;
        Ok(())
    })
}

/// Frees a connection made by `wsf_conn_new` (feature `alloc`). NULL, and
/// connections made by `wsf_conn_init`, are ignored.
///
/// # Safety
/// `conn` is NULL or a live connection, not used afterwards.
#[cfg(feature = "alloc")]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wsf_conn_free(conn: *mut wsf_conn) {
    crate::boundary::guard_value((), || {
        if let Ok(c) = handle!(conn) {
            if c.heap {
                // SAFETY: `heap` is only set by `wsf_conn_new`, whose block
                // this is.
                unsafe { storage::unbox(conn) };
            }
        }
    });
}

/// Processes received bytes: unmasks in place, uses a prefix of `buf` and
/// reports at most one event in `*out` (`out->consumed` bytes used: drop
/// them and call again, appending new bytes when nothing was consumed).
/// Payloads point into `buf` and are never longer than `len`. Any buffer
/// of `WSF_MIN_RECV_BUFFER` bytes or more always makes progress; large
/// messages arrive in pieces.
///
/// With permessage-deflate on (`wsf_conn_deflate_init`), compressed
/// messages are inflated: their payloads point into the rx block's ring
/// (valid until the next call), `frame_end` comes only with
/// `message_end`, and a piece may come with `consumed` 0 (inflated from
/// input already taken): call again. Without it, a compressed frame fails
/// the connection (`WSF_PROTOCOL_RESERVED_BITS`).
///
/// After every call, `wsf_conn_write_pending` drains what must be sent.
/// Errors: `WSF_NULL_POINTER`, or a protocol error (`WSF_PROTOCOL_*`): the
/// connection is failed, its Close (`wsf_status_close_code`) is pending,
/// and every later call returns the same status.
///
/// # Safety
/// `conn` is NULL or a live connection; `buf` is NULL with `len` 0 or
/// valid for reads and writes of `len` bytes; `out` is NULL or valid for a
/// write and not inside `buf`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wsf_conn_recv(
    conn: *mut wsf_conn,
    buf: *mut u8,
    len: usize,
    out: *mut wsf_event,
) -> wsf_status {
    guard(|| {
        let conn = handle_mut!(conn)?;
        let out = handle_mut!(out)?;
        let buf = in_place!(buf, len)?;
        let recv = conn.recv(buf)?;
        *out = wsf_event::from_recv(&recv);
        Ok(())
    })
}

/// The connection's state; `WSF_STATE_FAILED` for NULL.
///
/// # Safety
/// `conn` is NULL or a live connection.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wsf_conn_state(conn: *const wsf_conn) -> wsf_state {
    use wsf_state::*;
    let Ok(c) = handle!(conn) else {
        return WSF_STATE_FAILED;
    };
    match c.conn.state() {
        State::Open => WSF_STATE_OPEN,
        State::CloseSent => WSF_STATE_CLOSE_SENT,
        State::CloseReceived => WSF_STATE_CLOSE_RECEIVED,
        State::Closed => WSF_STATE_CLOSED,
        State::Failed => WSF_STATE_FAILED,
    }
}

/// The connection's role; `WSF_ROLE_CLIENT` for NULL.
///
/// # Safety
/// `conn` is NULL or a live connection.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wsf_conn_role(conn: *const wsf_conn) -> wsf_role {
    handle!(conn).map_or(wsf_role::WSF_ROLE_CLIENT, |c| {
        wsf_role::from_core(c.conn.role())
    })
}

/// The protocol error that failed the connection (`WSF_OK` if it has not
/// failed; `WSF_NULL_POINTER` for NULL).
///
/// # Safety
/// `conn` is NULL or a live connection.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wsf_conn_error(conn: *const wsf_conn) -> wsf_status {
    match handle!(conn) {
        Ok(c) => c.conn.error().map_or(wsf_status::WSF_OK, wsf_status::from),
        Err(status) => status,
    }
}

/// 1 if a frame waits to be sent (`wsf_conn_write_pending`); 0 if not or NULL.
///
/// # Safety
/// `conn` is NULL or a live connection.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wsf_conn_has_pending(conn: *const wsf_conn) -> u8 {
    handle!(conn).map_or(0, |c| u8::from(c.conn.has_pending()))
}

/// 1 when nothing more will be sent or received (closing handshake done or
/// connection failed, nothing pending): time to close the transport. 1 for
/// NULL.
///
/// # Safety
/// `conn` is NULL or a live connection.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wsf_conn_is_finished(conn: *const wsf_conn) -> u8 {
    handle!(conn).map_or(1, |c| u8::from(c.conn.is_finished()))
}

/// Copies the connection's configuration into `*out` (the limits as in
/// force: a limit given above `SIZE_MAX` reads back as `SIZE_MAX`).
///
/// # Safety
/// `conn` is NULL or a live connection; `out` is NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wsf_conn_config(
    conn: *const wsf_conn,
    out: *mut wsf_config,
) -> wsf_status {
    guard(|| {
        let c = handle!(conn)?;
        let out = handle_mut!(out)?;
        let (interval, timeout) = c.keepalive_ms;
        *out = wsf_config {
            keepalive_interval_ms: interval,
            keepalive_timeout_ms: timeout,
            ..wsf_config::from_core(c.conn.config())
        };
        Ok(())
    })
}

/// Fails the connection with a protocol error the caller detected itself
/// (`status` is a `WSF_PROTOCOL_*` value, e.g. `WSF_PROTOCOL_MESSAGE_TOO_BIG`
/// for a message the application cannot hold): the Close with its code is
/// queued. Has no effect on a connection that already failed.
///
/// Errors: `WSF_NULL_POINTER`, `WSF_INVALID_ARGUMENT` (not a protocol
/// status).
///
/// # Safety
/// `conn` is NULL or a live connection.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wsf_conn_fail(conn: *mut wsf_conn, status: u32) -> wsf_status {
    guard(|| {
        let c = handle_mut!(conn)?;
        let error = wsf_status::from_u32(status)
            .and_then(wsf_status::protocol_error)
            .ok_or(wsf_status::WSF_INVALID_ARGUMENT)?;
        let _ = c.conn.fail(error);
        Ok(())
    })
}

/// Keep-alive with caller time: given the current time in any monotonic
/// milliseconds, says in `*action` whether to send a Ping (with
/// `wsf_conn_send_ping`) or give up. Any received byte counts as a sign of
/// life. Always `WSF_KEEPALIVE_IDLE` when the configuration's
/// `keepalive_interval_ms` is 0. `WSF_KEEPALIVE_SEND_PING` is reported
/// once per quiet spell: send the Ping then (or it is not asked for again;
/// the timeout still runs).
///
/// # Safety
/// `conn` is NULL or a live connection; `action` is NULL or valid for a
/// write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn wsf_conn_keepalive_poll(
    conn: *mut wsf_conn,
    now_ms: u64,
    action: *mut wsf_keepalive_action,
) -> wsf_status {
    use wsf_keepalive_action::*;
    guard(|| {
        let c = handle_mut!(conn)?;
        let action = handle_mut!(action)?;
        let Some(keepalive) = c.keepalive.as_mut() else {
            *action = WSF_KEEPALIVE_IDLE;
            return Ok(());
        };
        *action = match keepalive.poll(now_ms, &mut c.conn) {
            KeepAliveAction::Idle => WSF_KEEPALIVE_IDLE,
            KeepAliveAction::SendPing => WSF_KEEPALIVE_SEND_PING,
            KeepAliveAction::TimedOut => WSF_KEEPALIVE_TIMED_OUT,
        };
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The uncompressed fallback of `wsf_conn_send_deflate` takes the
    /// longest prefix whose frame fits, across the 7-bit, 16-bit and
    /// 64-bit length encodings (RFC 6455 §5.2), masked or not.
    #[test]
    fn plain_piece_is_the_longest_that_fits() {
        for masked in [false, true] {
            let lens = (0..300).chain(65_400..65_700).chain([70_000, 1 << 20]);
            for out_len in lens {
                for payload_len in [0, 1, 125, 126, 127, 65_535, 65_536, 100_000] {
                    let fits = |n: usize| n <= payload_len && header_len(n, masked) + n <= out_len;
                    match plain_piece(payload_len, out_len, masked) {
                        Ok(n) => {
                            assert!(fits(n), "{payload_len} into {out_len}: {n}");
                            assert!(
                                !fits(n + 1),
                                "{payload_len} into {out_len}: {n} not longest"
                            );
                            assert!(n > 0 || payload_len == 0);
                        }
                        Err(_) => assert!(!fits(payload_len.min(1))),
                    }
                }
            }
        }
    }
}
