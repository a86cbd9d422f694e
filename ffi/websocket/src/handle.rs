//! One `WEB_SOCKET_HANDLE`: the action state machine over the core's one
//! `wsframe::Connection` (framing, masking, UTF-8, close codes all come
//! from there). Its rules, from learn.microsoft.com ("Web Socket Protocol
//! Component API", "WebSocketGetAction", "WebSocketCompleteAction",
//! "WEB_SOCKET_ACTION") and .NET's use (System.Net.WebSockets.WebSocketBase
//! and WebSocketProtocolComponent in the .NET Framework reference source):
//!
//! 1. `WebSocketSend` / `WebSocketReceive` only queue an operation; at
//!    most one send and one receive are outstanding (a second is
//!    `E_INVALID_PROTOCOL_OPERATION`). Both need the handshake ended.
//! 2. `WebSocketGetAction` hands out the next action of a queue (SEND,
//!    RECEIVE or ALL); each must be completed with `WebSocketCompleteAction`
//!    before its channel (send or receive) hands out another — until then
//!    that channel answers `NO_ACTION`. The action context is the channel.
//! 3. Send channel: `SEND_TO_NETWORK` hands out the frame header (copied
//!    into the send area) and the payload — zero-copy from the caller's
//!    buffer where nothing is masked (server, or client with
//!    `DISABLE_MASKING`), else masked chunk by chunk in the send area —
//!    then `INDICATE_SEND_COMPLETE` with the caller's context.
//!    What the core must send on its own (the Pong answering a Ping, the
//!    Close failing the connection) goes out between frames as a
//!    `SEND_TO_NETWORK` without application context, offered on the SEND
//!    and ALL queues and, so that a receive-only loop answers pings, on the
//!    RECEIVE queue. The echo of the peer's Close is not sent on its own:
//!    as in websocket.dll the application answers it with its own
//!    `WebSocketSend(CLOSE)` (which replaces the core's pending echo).
//! 4. Receive channel: `RECEIVE_FROM_NETWORK` hands out the free end of the
//!    receive area; completing it with n bytes appends them, with 0 cancels
//!    the receive and aborts the session (the transport is gone). Then
//!    `INDICATE_RECEIVE_COMPLETE`: data as UTF8/BINARY `_FRAGMENT` pieces and
//!    a final `_MESSAGE` piece (pieces need not match wire frames), a Pong
//!    as `PING_PONG`, a Close as `CLOSE` with the close-status view. Pings
//!    are not indicated (their Pong is queued, rule 3). A protocol error is
//!    answered once with `E_INVALID_PROTOCOL_FORMAT`; the failing Close is
//!    then on the send channel.
//! 5. Every buffer handed out lies in the handle's block (the caller's
//!    `ALLOCATED_BUFFER` if given) or in the caller's send payload.
//! 6. `WebSocketAbortHandle`: no new I/O; outstanding operations are
//!    dropped and every queue drains to `NO_ACTION` (completing what was
//!    handed out is still accepted and ignored); sends and receives fail.

use core::ffi::c_void;

use wsframe::mask::apply_mask;
use wsframe::{Config, Connection, DataKind, Event, Role, State};

use crate::action::{Action, indicate};
use crate::arena::Arena;
use crate::handshake::{ClientOffer, HeaderBlock};
use crate::properties::Props;
use crate::random::MaskKeys;
use crate::types::{
    Buffer, E_INVALID_PROTOCOL_FORMAT, E_INVALID_PROTOCOL_OPERATION, E_INVALIDARG, Hresult, action,
    buffer_type,
};
use crate::views::{bytes, close_view, data_view, optional_data, usage_hresult};

/// Action context of the send channel.
pub const SEND_CHANNEL: usize = 1;
/// Action context of the receive channel.
pub const RECV_CHANNEL: usize = 2;

/// Largest control frame (header 6 + 125 payload bytes).
const MAX_CONTROL: usize = 131;

/// Where the opening handshake is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    Created,
    Begun,
    Open,
}

/// A `WebSocketSend`, queued while `queued`. It lives in the handle and
/// is refilled in place (no 184-byte move per send).
struct SendJob {
    queued: bool,
    buffer_type: u32,
    ctx: *mut c_void,
    /// The encoded header, or the whole control frame.
    frame: [u8; MAX_CONTROL],
    frame_len: usize,
    /// The caller's payload (data frames only).
    payload: *const u8,
    len: usize,
    /// Mask key for the payload; `None` = zero-copy.
    mask: Option<[u8; 4]>,
    header_sent: bool,
    sent: usize,
}

impl SendJob {
    const fn idle() -> Self {
        Self {
            queued: false,
            buffer_type: 0,
            ctx: core::ptr::null_mut(),
            frame: [0; MAX_CONTROL],
            frame_len: 0,
            payload: core::ptr::null(),
            len: 0,
            mask: None,
            header_sent: false,
            sent: 0,
        }
    }

    const fn done(&self) -> bool {
        self.header_sent && self.sent == self.len
    }
}

/// What the send channel handed out and awaits completion of.
#[derive(Clone, Copy)]
enum SendOut {
    /// A piece of the queued send: header included?, payload bytes.
    Piece { header: bool, payload: usize },
    /// A frame the core sent on its own.
    Auto,
    /// `INDICATE_SEND_COMPLETE`.
    Indicated,
}

/// What `next_recv` did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Recv {
    /// Nothing to do on the receive channel.
    Idle,
    /// `out` holds a receive action.
    Action,
    /// A Ping was read and its Pong is pending: send it first.
    PongFirst,
}

/// What the receive channel handed out.
#[derive(Clone, Copy)]
enum RecvOut {
    Read,
    Indicated,
}

/// One `WEB_SOCKET_HANDLE`.
pub struct Handle {
    pub conn: Connection,
    pub phase: Phase,
    pub props: Props,
    pub arena: Arena,
    pub headers: HeaderBlock,
    pub offer: ClientOffer,
    send: SendJob,
    keys: MaskKeys,
    send_out: Option<SendOut>,
    recv: Option<*mut c_void>,
    recv_out: Option<RecvOut>,
    rx_start: usize,
    rx_end: usize,
    peer_closed: bool,
    aborted: bool,
}

impl Handle {
    /// A new handle for `role` with `props` and its block.
    pub fn new(role: Role, props: Props, arena: Arena) -> Self {
        let mut config = Config::new();
        // websocket.dll streams messages in pieces and sets no size limit.
        config.max_frame_size = usize::MAX;
        config.max_message_size = usize::MAX;
        config.max_fragments = u32::MAX;
        config.validate_utf8 = !props.disable_utf8;
        Self {
            conn: Connection::new(role, config),
            phase: Phase::Created,
            props,
            arena,
            headers: HeaderBlock::default(),
            offer: ClientOffer::default(),
            send: SendJob::idle(),
            keys: MaskKeys::new(),
            send_out: None,
            recv: None,
            recv_out: None,
            rx_start: 0,
            rx_end: 0,
            peer_closed: false,
            aborted: false,
        }
    }

    /// `WebSocketAbortHandle` (rule 6).
    pub fn abort(&mut self) {
        self.aborted = true;
        self.send.queued = false;
        self.recv = None;
    }

    fn check_open(&self) -> Result<(), Hresult> {
        if self.phase != Phase::Open || self.aborted {
            return Err(E_INVALID_PROTOCOL_OPERATION);
        }
        Ok(())
    }

    /// The masking key for a frame we send (rule 3; all zero with
    /// `DISABLE_MASKING`, ignored by a server).
    fn key(&mut self) -> [u8; 4] {
        if self.masks() {
            self.keys.next_key()
        } else {
            [0; 4]
        }
    }

    /// Whether the frames we send are masked.
    fn masks(&self) -> bool {
        self.conn.role() == Role::Client && !self.props.disable_masking
    }

    /// The queued send, if any.
    const fn job(&self) -> Option<&SendJob> {
        if self.send.queued {
            Some(&self.send)
        } else {
            None
        }
    }

    /// `WebSocketReceive` (rule 1).
    pub fn receive(&mut self, ctx: *mut c_void) -> Result<(), Hresult> {
        self.check_open()?;
        if self.recv.is_some() || self.recv_out.is_some() || self.peer_closed {
            return Err(E_INVALID_PROTOCOL_OPERATION);
        }
        if matches!(self.conn.state(), State::Failed) {
            return Err(E_INVALID_PROTOCOL_OPERATION);
        }
        self.recv = Some(ctx);
        Ok(())
    }

    /// `WebSocketSend` (rule 1): validates and encodes the frame's header
    /// (or whole control frame) now, so every error is this call's.
    ///
    /// # Safety
    /// `buf` is NULL or a readable buffer whose data (or close reason)
    /// stays valid until `INDICATE_SEND_COMPLETE`.
    pub unsafe fn send(
        &mut self,
        kind: u32,
        buf: *const Buffer,
        ctx: *mut c_void,
    ) -> Result<(), Hresult> {
        self.check_open()?;
        if self.send.queued {
            return Err(E_INVALID_PROTOCOL_OPERATION);
        }
        let key = self.key();
        let masks = self.masks();
        let job = &mut self.send;
        job.buffer_type = kind;
        job.ctx = ctx;
        job.payload = core::ptr::null();
        job.len = 0;
        job.mask = None;
        job.header_sent = false;
        job.sent = 0;
        let result = match kind {
            buffer_type::UTF8_MESSAGE
            | buffer_type::UTF8_FRAGMENT
            | buffer_type::BINARY_MESSAGE
            | buffer_type::BINARY_FRAGMENT => {
                // SAFETY: forwarded from the caller.
                let data = unsafe { data_view(buf) }?;
                let text = kind <= buffer_type::UTF8_FRAGMENT;
                let fin = kind == buffer_type::UTF8_MESSAGE || kind == buffer_type::BINARY_MESSAGE;
                let dk = if text {
                    DataKind::Text
                } else {
                    DataKind::Binary
                };
                job.payload = data.0;
                job.len = data.1;
                if masks {
                    job.mask = Some(key);
                }
                self.conn
                    .send_data_header(dk, fin, data.1 as u64, key, &mut job.frame)
            }
            buffer_type::CLOSE => {
                // SAFETY: forwarded from the caller.
                let (code, reason) = unsafe { close_view(buf) }?;
                self.conn.send_close(code, reason, key, &mut job.frame)
            }
            buffer_type::PING_PONG | buffer_type::UNSOLICITED_PONG => {
                // SAFETY: forwarded from the caller.
                let (ptr, len) = unsafe { optional_data(buf) }?;
                // SAFETY: `len` readable bytes at `ptr` (caller's buffer).
                let payload = unsafe { bytes(ptr, len) };
                if kind == buffer_type::PING_PONG {
                    self.conn.send_ping(payload, key, &mut job.frame)
                } else {
                    self.conn.send_pong(payload, key, &mut job.frame)
                }
            }
            _ => return Err(E_INVALIDARG),
        };
        job.frame_len = result.map_err(usage_hresult)?;
        job.queued = true;
        Ok(())
    }

    /// `WebSocketGetAction` for `queue` (rules 2–4), written into `out`
    /// (which starts as [`Action::none`]): filled in place, not returned
    /// by value, so the export reads back what was stored as stored.
    pub fn get_action(&mut self, queue: u32, room: usize, out: &mut Action) -> Result<(), Hresult> {
        if self.aborted || self.phase != Phase::Open {
            return Ok(());
        }
        let (send, auto_only, recv) = match queue {
            crate::types::queue::SEND => (true, false, false),
            crate::types::queue::RECEIVE => (true, true, true),
            crate::types::queue::ALL => (true, false, true),
            _ => return Err(E_INVALIDARG),
        };
        if send && self.next_send(auto_only, room, out)? {
            return Ok(());
        }
        if recv && self.next_recv(room, out)? == Recv::PongFirst && send {
            // A Ping was just read: its Pong goes out before more is read.
            *out = Action::none();
            self.next_send(true, room, out)?;
        }
        Ok(())
    }

    /// The send channel's next action, if any.
    fn next_send(
        &mut self,
        auto_only: bool,
        room: usize,
        out: &mut Action,
    ) -> Result<bool, Hresult> {
        if self.send_out.is_some() {
            return Ok(false);
        }
        let mid_frame = self.job().is_some_and(|j| j.header_sent && !j.done());
        if !mid_frame && self.conn.has_pending() && self.conn.state() != State::CloseReceived {
            let key = self.key();
            let area = self.arena.send_area();
            let n = self.conn.write_pending(key, area).map_err(usage_hresult)?;
            let opcode = area.first().map_or(0, |b| b & 0x0F);
            out.action = action::SEND_TO_NETWORK;
            out.buffer_type = if opcode == 0x8 {
                buffer_type::CLOSE
            } else {
                buffer_type::PING_PONG
            };
            out.channel = SEND_CHANNEL;
            out.data(area.as_mut_ptr(), n);
            self.send_out = Some(SendOut::Auto);
            return Ok(true);
        }
        if auto_only {
            return Ok(false);
        }
        if !self.send.queued {
            return Ok(false);
        }
        let job = &mut self.send;
        out.buffer_type = job.buffer_type;
        out.app_ctx = job.ctx;
        out.channel = SEND_CHANNEL;
        if job.done() {
            out.action = action::INDICATE_SEND_COMPLETE;
            self.send_out = Some(SendOut::Indicated);
            return Ok(true);
        }
        if room == 0 {
            return Err(E_INVALIDARG);
        }
        out.action = action::SEND_TO_NETWORK;
        let area = self.arena.send_area();
        let mut used = 0;
        let header = !job.header_sent;
        if header {
            let frame = job.frame.get(..job.frame_len).unwrap_or(&[]);
            area.get_mut(..frame.len())
                .ok_or(E_INVALIDARG)?
                .copy_from_slice(frame);
            used = frame.len();
        }
        let rest = job.len - job.sent;
        let payload = match job.mask {
            Some(key) => {
                let chunk = rest.min(area.len() - used);
                // SAFETY: the caller's payload is readable for `len` bytes.
                let src = unsafe { bytes(job.payload.wrapping_add(job.sent), chunk) };
                let dst = area.get_mut(used..used + chunk).ok_or(E_INVALIDARG)?;
                dst.copy_from_slice(src);
                apply_mask(dst, key, job.sent);
                out.data(area.as_mut_ptr(), used + chunk);
                chunk
            }
            None => {
                if used > 0 {
                    out.data(area.as_mut_ptr(), used);
                }
                if rest > 0 && out.count < room.min(2) {
                    out.data(job.payload.wrapping_add(job.sent).cast_mut(), rest);
                    rest
                } else {
                    0
                }
            }
        };
        if out.count == 0 {
            // An empty zero-copy frame whose header went out: nothing left.
            out.data(area.as_mut_ptr(), 0);
        }
        self.send_out = Some(SendOut::Piece { header, payload });
        Ok(true)
    }

    /// Whether the send channel can send the core's pending frame now.
    fn send_free(&self) -> bool {
        self.send_out.is_none() && !self.job().is_some_and(|j| j.header_sent && !j.done())
    }

    /// The receive channel's next action, if any.
    fn next_recv(&mut self, room: usize, out: &mut Action) -> Result<Recv, Hresult> {
        if self.recv_out.is_some() {
            return Ok(Recv::Idle);
        }
        let Some(ctx) = self.recv else {
            return Ok(Recv::Idle);
        };
        if room == 0 {
            return Err(E_INVALIDARG);
        }
        out.app_ctx = ctx;
        out.channel = RECV_CHANNEL;
        loop {
            let area = self.arena.recv_area();
            let input = area
                .get_mut(self.rx_start..self.rx_end)
                .ok_or(E_INVALIDARG)?;
            let r = match self.conn.recv(input) {
                Ok(r) => r,
                Err(_) => {
                    self.recv = None;
                    return Err(E_INVALID_PROTOCOL_FORMAT);
                }
            };
            self.rx_start += r.consumed;
            let Some(event) = r.event else {
                if r.consumed > 0 {
                    continue;
                }
                break;
            };
            let close = matches!(event, Event::Close { .. });
            let ping = matches!(event, Event::Ping(_));
            let indicated = indicate(event, out);
            self.peer_closed |= close;
            // RFC 6455 §5.5.3 lets a Pong answer only the latest Ping; each
            // gets its own when the send channel is free (Autobahn 2.10
            // counts them).
            if ping && self.conn.has_pending() && self.send_free() {
                return Ok(Recv::PongFirst);
            }
            if indicated {
                self.recv_out = Some(RecvOut::Indicated);
                return Ok(Recv::Action);
            }
        }
        // Needs input: move the unread tail to the front, offer the rest.
        let area = self.arena.recv_area();
        area.copy_within(self.rx_start..self.rx_end, 0);
        self.rx_end -= self.rx_start;
        self.rx_start = 0;
        let free = area.get_mut(self.rx_end..).ok_or(E_INVALIDARG)?;
        out.action = action::RECEIVE_FROM_NETWORK;
        out.buffer_type = 0;
        out.data(free.as_mut_ptr(), free.len());
        self.recv_out = Some(RecvOut::Read);
        Ok(Recv::Action)
    }

    /// `WebSocketCompleteAction` for `channel` with `bytes` transferred.
    pub fn complete(&mut self, channel: usize, bytes: usize) {
        match channel {
            SEND_CHANNEL => self.complete_send(bytes),
            RECV_CHANNEL => self.complete_recv(bytes),
            _ => {}
        }
    }

    fn complete_send(&mut self, bytes: usize) {
        let Some(out) = self.send_out.take() else {
            return;
        };
        if self.aborted {
            return;
        }
        match out {
            SendOut::Auto => {}
            SendOut::Indicated => self.send.queued = false,
            SendOut::Piece { header, payload } => {
                if bytes == 0 && (header || payload > 0) {
                    // The frame cannot be resumed: the session is lost.
                    self.abort();
                    return;
                }
                if self.send.queued {
                    self.send.header_sent |= header;
                    self.send.sent += payload;
                }
            }
        }
    }

    fn complete_recv(&mut self, bytes: usize) {
        let Some(out) = self.recv_out.take() else {
            return;
        };
        if self.aborted {
            return;
        }
        match out {
            RecvOut::Indicated => self.recv = None,
            RecvOut::Read if bytes == 0 => self.abort(),
            RecvOut::Read => {
                let cap = self.arena.recv_area().len();
                self.rx_end = (self.rx_end + bytes).min(cap);
            }
        }
    }
}
