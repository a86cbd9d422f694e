//! THE connection state machine (connection layer, RFC 6455 §5–§7), one for
//! both roles. Everything that affects the state of a connection after the
//! opening handshake lives in this file: its life ([`State`]), the one
//! writer of the "must send" slot, and the dispatch of [`Connection::recv`].
//! Its children do the rest under these rules: `connection/recv.rs`
//! reads frames (rules 1–4), `connection/inflate.rs` compressed payloads
//! (rule 9) and `connection/send.rs` encodes what the caller sends (rules
//! 8, 9); they reach the connection's life only through the
//! functions here ([`Connection::fail`], `on_control`, `close_went_out`).
//!
//! # Rules
//!
//! 1. **Bytes in, one event out.** [`Connection::recv`] takes the caller's
//!    buffer of received bytes, uses a prefix of it and reports at most one
//!    [`Event`]. Payloads are unmasked in place and lent out as slices of that
//!    buffer. A frame header, and a whole control frame, are only consumed
//!    once complete ([`MIN_RECV_BUFFER`] bytes always suffice); data payloads
//!    are handed out in whatever pieces are available, so a message of any
//!    size streams through a small buffer.
//! 2. **The header is judged before its payload is read.** Reserved opcodes,
//!    control-frame rules and length encoding (by the decoder), RSV bits,
//!    the mask direction for the role (§5.1), message sequencing (§5.4) and
//!    the frame, message and fragment-count limits of [`Config`] are all
//!    checked on the header alone. Nothing is ever reserved from a declared
//!    length.
//! 3. **Text is validated as it streams** (§8.1), fail-fast, across frame and
//!    fragment boundaries; a message may not end inside a code point.
//! 4. **Control frames may arrive between fragments** (§5.4) and do not
//!    disturb the message in progress.
//! 5. **What must be sent goes to one fixed slot.** An automatic Pong
//!    (§5.5.2; only the latest Ping is answered, §5.5.3), the echo of the
//!    peer's Close (§5.5.1), or the Close that fails the connection. A Close
//!    displaces a Pong, the failure's Close displaces the echo, and nothing
//!    displaces the failure's (`set_pending`, the slot's one writer, decides
//!    it). The caller drains the slot with [`Connection::write_pending`]. A Close is stored as what it
//!    carries, never as bytes: the echo as the peer's code, the failure as
//!    its [`ProtocolError`] (code and, with the `close-reasons` feature, a
//!    static reason). Only a Pong needs payload bytes: `PONG` of them
//!    ([`Connection`]'s const parameter, 125 by default, so every Ping
//!    fits). A Ping longer than `PONG` is still reported as [`Event::Ping`]
//!    but not answered automatically: it empties the slot (the latest Ping
//!    is the one to answer, so an older Pong is dropped) and the caller
//!    answers it with [`Connection::send_pong`].
//! 6. **Closing handshake.** Open → (we send Close) CloseSent → (peer's
//!    Close) Closed; or Open → (peer's Close) CloseReceived → (echo drained)
//!    Closed. After our Close nothing more is sent (§5.5.1); after the
//!    peer's Close further input is discarded (§1.4: the peer may send no
//!    more frames). Once Closed, the server closes TCP first (§7.1.1).
//! 7. **Failure is final.** A [`ProtocolError`] moves the connection to
//!    Failed: the Close carrying its code (§7.4.1) is queued (unless our
//!    Close already went out) and every later `recv` returns the same error.
//! 8. **Usage errors change nothing.** A send that cannot be done returns a
//!    [`UsageError`] with the output buffer and the state untouched.
//! 9. **permessage-deflate is the caller's choice, per call** (RFC 7692).
//!    [`Connection::recv_deflate`] allows RSV1 on a message's first data
//!    frame (on a continuation or control frame it is 1002) and inflates
//!    that message into the caller's ring (`connection/inflate.rs`: limits
//!    count inflated bytes, text is validated after inflation, corrupt
//!    data is 1007); plain [`Connection::recv`] keeps RSV1 reserved and
//!    links none of it. [`Connection::send_deflate`] compresses a message
//!    into frames with RSV1 on the first; a compressed message in progress
//!    and a plain one exclude each other (rule 8 otherwise).

use crate::close::ClosePayload;
use crate::close_code::CloseCode;
use crate::config::Config;
use crate::deflate::Decompression;
use crate::error::{Error, ProtocolError, UsageError};
use crate::event::{DataKind, Event, Recv};
use crate::frame::{MAX_CONTROL_PAYLOAD, OpCode, encode_close, encode_frame};
use crate::role::Role;
use crate::utf8::Utf8Validator;

/// A receive buffer of this size always makes progress: it holds the
/// largest control frame (2-byte header, 4-byte mask, 125 bytes).
pub const MIN_RECV_BUFFER: usize = 2 + 4 + MAX_CONTROL_PAYLOAD;

/// The largest frame [`Connection::write_pending`] writes (a masked control
/// frame with 125 bytes of payload).
pub const MAX_PENDING_FRAME: usize = MIN_RECV_BUFFER;

/// RSV1 as `FrameHeader::rsv` holds it: permessage-deflate's "Per-Message
/// Compressed" bit (RFC 7692 §6), set on a compressed message's first
/// frame only.
const RSV1: u8 = 0b100;

/// Where the connection is in its life (rule 6).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum State {
    /// Data flows both ways.
    Open,
    /// We sent Close; still receiving until the peer's Close.
    CloseSent,
    /// The peer sent Close; our echo is pending (or the caller's own Close).
    CloseReceived,
    /// Both Closes went out: the closing handshake is complete.
    Closed,
    /// A protocol error failed the connection (rule 7).
    Failed,
}

/// The frame whose payload is being received.
#[derive(Clone, Copy, Debug)]
struct InFrame {
    /// Payload bytes still to come: at most `Config::max_frame_size`, so a
    /// `usize` (the declared length is judged before it is stored, rule 2).
    remaining: usize,
    /// The masking key, if masked.
    mask: Option<[u8; 4]>,
    /// Key byte for the next payload byte.
    phase: u8,
    /// FIN of this frame.
    fin: bool,
}

/// The data message being received.
#[derive(Clone, Copy, Debug)]
struct InMessage {
    kind: DataKind,
    /// Sum of the declared lengths of its frames so far: at most
    /// `Config::max_message_size`.
    len: usize,
    /// Frames so far.
    fragments: u32,
}

/// Where a compressed message being received is (permessage-deflate, RFC
/// 7692: RSV1 on its first frame). One byte beside [`InMessage`], written
/// only by `recv_deflate`'s path, so plain `recv` copies the same message
/// state as before the extension (inside `InMessage` it cost row (a) of
/// `tests/qemu/footprint.sh` 92 B of flash); its inflated byte count is
/// kept by the caller's `Decompression`, so the connection stays 64 B.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Inflating {
    /// Its frames are being read.
    Frames,
    /// The inflater stopped with its output full (the ring's end, or the
    /// limit's allowance) and may hold more output, or an error found
    /// after the output it returned; or it ended a stream with a final
    /// block and may hold bytes past it (the next stream's start, read
    /// into its bit buffer with the old one's end). It is called again,
    /// with or without input, before anything else is read, so whatever
    /// it holds comes out in order however the bytes were split (the frame
    /// stays current).
    Full,
    /// Its last frame is all read; its trailer (§7.2.2) is being inflated.
    Finishing,
}

/// The data message being sent (§5.4): one byte, whose plain states
/// have [`DataKind`]'s values, so `send_data` checks it with the one
/// comparison it made before compressed messages existed (a separate
/// "compressed" field cost row (a) of `tests/qemu/footprint.sh` ~60 B).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum OutMessage {
    /// Uncompressed text (`send_data`, `send_data_header`): frames of it
    /// went out, the next is a continuation.
    Text,
    /// Uncompressed binary, likewise.
    Binary,
    /// Compressed (`send_deflate`, RFC 7692 §7.2.1): its start went into
    /// the compressor, no frame yet. Only `send_deflate` may continue it.
    DeflateText,
    /// Likewise, binary.
    DeflateBinary,
    /// Compressed text whose first frame (with RSV1) went out.
    DeflateTextFramed,
    /// Likewise, binary.
    DeflateBinaryFramed,
}

impl OutMessage {
    /// An uncompressed message of `kind`.
    const fn plain(kind: DataKind) -> Self {
        match kind {
            DataKind::Text => Self::Text,
            DataKind::Binary => Self::Binary,
        }
    }

    /// A compressed message of `kind`; `framed` once a frame went out.
    const fn deflate(kind: DataKind, framed: bool) -> Self {
        match (kind, framed) {
            (DataKind::Text, false) => Self::DeflateText,
            (DataKind::Binary, false) => Self::DeflateBinary,
            (DataKind::Text, true) => Self::DeflateTextFramed,
            (DataKind::Binary, true) => Self::DeflateBinaryFramed,
        }
    }
}

/// What `recv` reports when it can do nothing without more input.
const NEEDS_INPUT: Recv<'static> = Recv {
    consumed: 0,
    event: None,
};

/// The "must send" slot (rule 5): what the frame carries, not its bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Pending {
    /// An automatic Pong: the first this-many bytes of `Connection::pong`.
    Pong(u8),
    /// The echo of the peer's Close: its code only (§5.5.1);
    /// [`CloseCode::NO_STATUS`] echoes an empty Close.
    Echo(CloseCode),
    /// The Close that fails the connection (rule 7): the error's code
    /// (§7.4.1) and [`ProtocolError::close_reason`].
    Failure(ProtocolError),
}

/// A WebSocket connection after the opening handshake, for either role.
///
/// Created directly for framing-only use (the handshake was done by
/// http.sys, IIS, WinHTTP or another HTTP stack), or after `handshake`.
///
/// `PONG` is the size of the slot for the payload of an automatic Pong
/// (rule 5), at most 125. The default, 125, answers every Ping; a smaller
/// slot saves RAM where pings are short or empty (a Ping longer than the
/// slot is reported but left for the caller to answer). [`Connection::new`]
/// makes the default; [`Connection::with_pong_slot`] any size:
///
/// ```
/// use wsframe::{Config, Connection, Role};
/// let conn = Connection::<8>::with_pong_slot(Role::Server, Config::new());
/// assert!(core::mem::size_of_val(&conn) < core::mem::size_of::<Connection>());
/// ```
#[derive(Clone, Debug)]
pub struct Connection<const PONG: usize = MAX_CONTROL_PAYLOAD> {
    role: Role,
    config: Config,
    close_sent: bool,
    close_received: bool,
    failed: Option<ProtocolError>,
    rx_frame: Option<InFrame>,
    rx_message: Option<InMessage>,
    /// `Some` while the message in `rx_message` is compressed.
    rx_inflating: Option<Inflating>,
    utf8: Utf8Validator,
    /// The data message being sent, if one is in progress (§5.4).
    tx_message: Option<OutMessage>,
    pending: Option<Pending>,
    activity: bool,
    /// The payload of a pending Pong ([`Pending::Pong`] says how much).
    pong: [u8; PONG],
}

impl Connection {
    /// A new, open connection with the default Pong slot (125 bytes: every
    /// Ping is answered automatically).
    #[must_use]
    pub const fn new(role: Role, config: Config) -> Self {
        Self::with_pong_slot(role, config)
    }
}

impl<const PONG: usize> Connection<PONG> {
    /// A new, open connection whose automatic Pong holds at most `PONG`
    /// bytes of payload (rule 5). `PONG` over 125 (the largest control
    /// payload, §5.5) does not compile.
    #[must_use]
    pub const fn with_pong_slot(role: Role, config: Config) -> Self {
        const {
            assert!(
                PONG <= MAX_CONTROL_PAYLOAD,
                "a Pong carries at most 125 bytes"
            );
        }
        Self {
            role,
            config,
            close_sent: false,
            close_received: false,
            failed: None,
            rx_frame: None,
            rx_message: None,
            rx_inflating: None,
            utf8: Utf8Validator::new(),
            tx_message: None,
            pending: None,
            activity: false,
            pong: [0; PONG],
        }
    }

    /// Our role.
    #[must_use]
    pub const fn role(&self) -> Role {
        self.role
    }

    /// The limits and options in force.
    #[must_use]
    pub const fn config(&self) -> &Config {
        &self.config
    }

    /// Where the connection is (rule 6).
    #[must_use]
    pub const fn state(&self) -> State {
        match (self.failed, self.close_sent, self.close_received) {
            (Some(_), ..) => State::Failed,
            (None, true, true) => State::Closed,
            (None, true, false) => State::CloseSent,
            (None, false, true) => State::CloseReceived,
            (None, false, false) => State::Open,
        }
    }

    /// The protocol error that failed the connection, if any.
    #[must_use]
    pub const fn error(&self) -> Option<ProtocolError> {
        self.failed
    }

    /// Nothing more will be sent or received: the closing handshake is
    /// complete, or the connection failed, and the pending slot is empty.
    /// Time to close the transport.
    #[must_use]
    pub const fn is_finished(&self) -> bool {
        self.pending.is_none() && matches!(self.state(), State::Closed | State::Failed)
    }

    /// Whether a frame waits in the "must send" slot (rule 5).
    #[must_use]
    pub const fn has_pending(&self) -> bool {
        self.pending.is_some()
    }

    /// Whether any input was consumed since the last call (for keep-alive).
    pub fn take_activity(&mut self) -> bool {
        core::mem::take(&mut self.activity)
    }

    /// Processes received bytes (rule 1).
    ///
    /// Returns how many bytes of `input` were used and at most one event.
    /// The caller drops the used prefix and calls again (with more bytes
    /// appended when [`Recv::needs_input`]).
    ///
    /// # Errors
    /// [`Error::Protocol`] when the peer broke the protocol: the connection
    /// is failed (rule 7) and the Close to send is pending.
    // Inlined into the caller (except in `small` builds): built here and
    // returned through memory, the `Recv` is written byte by byte and read
    // back as one 16-byte load, a failed store-to-load forward per frame
    // (measured: 100 000 16-byte frames 1.73 -> 1.09 ms).
    ///
    /// Without permessage-deflate RSV1 is a protocol error (1002); a
    /// connection that negotiated it receives with
    /// [`Connection::recv_deflate`].
    #[cfg_attr(not(feature = "small"), inline(always))]
    pub fn recv<'a>(&mut self, input: &'a mut [u8]) -> Result<Recv<'a>, Error> {
        self.recv_with::<false>(input, None)
    }

    /// [`Connection::recv`] with permessage-deflate (RFC 7692) negotiated:
    /// RSV1 on a message's first frame marks it compressed; its payload is
    /// inflated into `z`'s ring and lent from there, in pieces, while
    /// uncompressed messages and control frames are lent from `input` as
    /// by `recv`. The limits of [`Config`] count inflated bytes too, and
    /// text is validated after inflation. For a compressed message,
    /// `frame_end` is reported only with `message_end`, and a piece may
    /// come with `consumed == 0` (inflated from input already taken).
    ///
    /// # Errors
    /// As `recv`, and [`ProtocolError::CompressedContinuation`],
    /// [`ProtocolError::CompressedControl`] (1002),
    /// [`ProtocolError::CorruptCompressedData`],
    /// [`ProtocolError::TruncatedCompressedMessage`] (1007),
    /// [`ProtocolError::MessageTooBig`] for inflated bytes (1009).
    pub fn recv_deflate<'a>(
        &mut self,
        input: &'a mut [u8],
        z: &'a mut Decompression<'_>,
    ) -> Result<Recv<'a>, Error> {
        self.recv_with::<true>(input, Some(z))
    }

    /// Rules 1, 6 and 7 around `recv_next`, for both entry points.
    // Not inlined in `small` builds: inlined into the caller's loop, the
    // `NeedsDecompression` check cost the size build's row (a) ~100 B of
    // flash (tests/qemu/footprint.sh); out of line it costs 8 B.
    #[cfg_attr(not(feature = "small"), inline(always))]
    #[cfg_attr(feature = "small", inline(never))]
    fn recv_with<'a, const Z: bool>(
        &mut self,
        input: &'a mut [u8],
        z: Option<&'a mut Decompression<'_>>,
    ) -> Result<Recv<'a>, Error> {
        if let Some(e) = self.failed {
            return Err(e.into());
        }
        if self.close_received {
            return Ok(Recv {
                consumed: input.len(),
                event: None,
            });
        }
        if !Z && self.rx_inflating.is_some() {
            return Err(UsageError::NeedsDecompression.into());
        }
        match self.recv_next::<Z>(input, z) {
            Ok(recv) => {
                self.activity |= recv.consumed != 0;
                Ok(recv)
            }
            Err(e) => Err(self.fail(e)),
        }
    }

    /// Fails the connection with `error` (rule 7), for callers that detect a
    /// violation themselves (e.g. a reassembly buffer overflow, 1009).
    /// Returns the error to propagate.
    pub fn fail(&mut self, error: ProtocolError) -> Error {
        if self.failed.is_none() {
            #[cfg(feature = "defmt")]
            defmt::warn!(
                "wsframe: {} failed: {} (close {=u16})",
                self.role,
                error,
                error.close_code().get()
            );
            self.failed = Some(error);
            self.set_pending(Some(Pending::Failure(error)));
        }
        error.into()
    }

    /// Writes the pending frame (rule 5) into `out` and empties the slot;
    /// returns its length, 0 when nothing is pending. A client masks it with
    /// `mask_key`; a server ignores the key.
    ///
    /// # Errors
    /// [`UsageError::BufferTooSmall`] ([`MAX_PENDING_FRAME`] always fits);
    /// the frame stays pending.
    pub fn write_pending(&mut self, mask_key: [u8; 4], out: &mut [u8]) -> Result<usize, Error> {
        let Some(pending) = self.pending else {
            return Ok(0);
        };
        let close = match pending {
            Pending::Pong(len) => {
                let Some(payload) = self.pong.get(..usize::from(len)) else {
                    return dead_arm!("a Pong is queued only if it fits the slot", Ok(0));
                };
                let parts = [payload, &[]];
                let n = encode_frame(self.role, OpCode::Pong, true, parts, mask_key, out)?;
                self.set_pending(None);
                return Ok(n);
            }
            Pending::Echo(code) => ClosePayload { code, reason: "" },
            Pending::Failure(error) => ClosePayload {
                code: error.close_code(),
                reason: error.close_reason(),
            },
        };
        let n = encode_close(self.role, &close, mask_key, out)?;
        #[cfg(feature = "defmt")]
        defmt::debug!("wsframe: {} sent its pending Close", self.role);
        self.close_went_out();
        Ok(n)
    }

    /// Handles a whole, unmasked control frame (rules 4, 5, 6).
    fn on_control<'a>(
        &mut self,
        opcode: OpCode,
        payload: &'a [u8],
    ) -> Result<Event<'a>, ProtocolError> {
        match opcode {
            OpCode::Ping => {
                if self.config.auto_pong {
                    self.queue_pong(payload);
                }
                Ok(Event::Ping(payload))
            }
            OpCode::Pong => Ok(Event::Pong(payload)),
            _ => {
                let close = ClosePayload::parse(payload)?;
                #[cfg(feature = "defmt")]
                defmt::debug!("wsframe: {} got Close {=u16}", self.role, close.code.get());
                self.close_received = true;
                // Echo the code, not the reason (§5.5.1: "typically echos").
                self.set_pending(Some(Pending::Echo(close.code)));
                Ok(Event::Close {
                    code: close.code,
                    reason: close.reason,
                })
            }
        }
    }

    /// Answers the latest Ping (§5.5.3, rule 5): its payload replaces an
    /// older Pong's. A payload longer than the slot empties it instead:
    /// the caller answers that Ping with [`Connection::send_pong`]. Either
    /// way a queued Close stays, and after our Close nothing is queued
    /// ([`Connection::set_pending`]); the payload bytes are then unused.
    fn queue_pong(&mut self, payload: &[u8]) {
        let len = payload.len();
        let pong = match (self.pong.get_mut(..len), u8::try_from(len)) {
            (Some(slot), Ok(n)) => {
                // Zipped: `copy_from_slice` keeps a length-mismatch panic
                // path at opt-level "z" (tests/qemu/panic-check.sh).
                for (dst, src) in slot.iter_mut().zip(payload) {
                    *dst = *src;
                }
                Some(Pending::Pong(n))
            }
            _ => None,
        };
        self.set_pending(pong);
    }

    /// The one writer of the "must send" slot (rule 5), so its precedence
    /// is decided here and nowhere else: `next` takes the slot unless what
    /// waits there outranks it. A Close (the echo of the peer's, or the one
    /// that fails the connection) displaces a Pong; the failure's Close
    /// displaces the echo; nothing displaces the failure's. A Pong, or
    /// `None` (a Ping too long for the slot, or the Pong just written),
    /// replaces a Pong but never a Close. After our Close went out nothing
    /// more is sent (rule 6), so the slot stays empty.
    // Not inlined in `small` builds: one copy of the precedence instead of
    // one per caller (measured: size build (a) 3840 -> 3640 B; inlined, the
    // default build is 76 B smaller).
    #[cfg_attr(feature = "small", inline(never))]
    fn set_pending(&mut self, next: Option<Pending>) {
        /// Close over Pong, failure over echo.
        const fn rank(slot: Option<Pending>) -> u8 {
            match slot {
                None | Some(Pending::Pong(_)) => 0,
                Some(Pending::Echo(_)) => 1,
                Some(Pending::Failure(_)) => 2,
            }
        }
        if self.close_sent {
            self.pending = None;
        } else if rank(next) >= rank(self.pending) {
            self.pending = next;
        }
    }

    /// Our Close went out (rule 6): now CloseSent, or Closed if the peer's
    /// Close came first. It answers the peer's Close and ends all sending,
    /// so the slot empties (the pending echo is not sent).
    fn close_went_out(&mut self) {
        self.close_sent = true;
        self.set_pending(None);
    }

    /// Sending is allowed until our Close went out or the connection failed.
    fn check_can_send(&self) -> Result<(), UsageError> {
        if self.close_sent || self.failed.is_some() {
            Err(UsageError::Closed)
        } else {
            Ok(())
        }
    }
}

mod inflate;
mod recv;
mod send;
pub use send::Sent;
#[cfg(test)]
mod deflate_tests;
#[cfg(test)]
mod tests;
