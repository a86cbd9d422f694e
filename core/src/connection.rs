//! THE connection state machine (connection layer, RFC 6455 §5–§7), one for
//! both roles. Everything that affects the state of a connection after the
//! opening handshake lives in this file.
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
//!    displaces a Pong; nothing displaces a Close. The caller drains the
//!    slot with [`Connection::write_pending`]. A Close is stored as what it
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

use crate::close::{CloseCode, ClosePayload};
use crate::config::Config;
use crate::error::{Error, ProtocolError, UsageError};
use crate::event::{DataKind, Event, Recv};
use crate::frame::{self, Decoded, FrameHeader, MAX_CONTROL_PAYLOAD, OpCode};
use crate::mask::{apply_mask, copy_mask};
use crate::role::Role;
use crate::utf8::Utf8Validator;

/// A receive buffer of this size always makes progress: it holds the
/// largest control frame (2-byte header, 4-byte mask, 125 bytes).
pub const MIN_RECV_BUFFER: usize = 2 + 4 + MAX_CONTROL_PAYLOAD;

/// The largest frame [`Connection::write_pending`] writes (a masked control
/// frame with 125 bytes of payload).
pub const MAX_PENDING_FRAME: usize = MIN_RECV_BUFFER;

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
    utf8: Utf8Validator,
    tx_message: Option<DataKind>,
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
    #[cfg_attr(not(feature = "small"), inline(always))]
    pub fn recv<'a>(&mut self, input: &'a mut [u8]) -> Result<Recv<'a>, Error> {
        if let Some(e) = self.failed {
            return Err(e.into());
        }
        if self.close_received {
            return Ok(Recv {
                consumed: input.len(),
                event: None,
            });
        }
        match self.recv_next(input) {
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
            if !self.close_sent {
                // Displaces a Pong or the echo of the peer's Close (rule 5).
                self.pending = Some(Pending::Failure(error));
            }
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
                let payload = self.pong.get(..usize::from(len)).unwrap_or_default();
                let parts = [payload, &[]];
                let n = encode_frame(self.role, OpCode::Pong, true, parts, mask_key, out)?;
                self.pending = None;
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
        self.close_sent = true;
        self.pending = None;
        Ok(n)
    }

    /// Encodes a data frame (header and payload, masked for a client) into
    /// `out`; returns its length. `fin = false` starts or continues a
    /// fragmented message of `kind`; the opcodes follow (§5.4). The caller
    /// is responsible for text being UTF-8.
    ///
    /// # Errors
    /// [`UsageError::Closed`] after our Close or a failure,
    /// [`UsageError::MessageInProgress`] for a `kind` other than that of
    /// the fragmented message being sent, [`UsageError::BufferTooSmall`].
    pub fn send_data(
        &mut self,
        kind: DataKind,
        fin: bool,
        payload: &[u8],
        mask_key: [u8; 4],
        out: &mut [u8],
    ) -> Result<usize, Error> {
        let opcode = self.next_data_opcode(kind)?;
        let n = encode_frame(self.role, opcode, fin, [payload, &[]], mask_key, out)?;
        self.tx_message = (!fin).then_some(kind);
        Ok(n)
    }

    /// Encodes only the header of a data frame with `payload_len` bytes, so
    /// the payload can be sent from where it already is. A client must
    /// mask the payload itself with [`apply_mask`]`(payload, mask_key, 0)`.
    /// Same rules and errors as [`Connection::send_data`].
    pub fn send_data_header(
        &mut self,
        kind: DataKind,
        fin: bool,
        payload_len: u64,
        mask_key: [u8; 4],
        out: &mut [u8],
    ) -> Result<usize, Error> {
        let opcode = self.next_data_opcode(kind)?;
        let header = header_for(self.role, opcode, fin, payload_len, mask_key);
        let n = frame::encode(&header, out)?;
        self.tx_message = (!fin).then_some(kind);
        Ok(n)
    }

    /// Encodes a Ping with at most 125 bytes of payload.
    ///
    /// # Errors
    /// [`UsageError::Closed`], [`UsageError::ControlTooLong`],
    /// [`UsageError::BufferTooSmall`].
    pub fn send_ping(
        &mut self,
        payload: &[u8],
        mask_key: [u8; 4],
        out: &mut [u8],
    ) -> Result<usize, Error> {
        self.send_control(OpCode::Ping, payload, mask_key, out)
    }

    /// Encodes a Pong (e.g. an unsolicited one as a keep-alive, §5.5.3).
    /// Same errors as [`Connection::send_ping`].
    pub fn send_pong(
        &mut self,
        payload: &[u8],
        mask_key: [u8; 4],
        out: &mut [u8],
    ) -> Result<usize, Error> {
        self.send_control(OpCode::Pong, payload, mask_key, out)
    }

    /// Encodes our Close (§5.5.1) and moves to CloseSent (or Closed, if it
    /// answers the peer's Close, replacing the pending echo).
    /// [`CloseCode::NO_STATUS`] with an empty reason sends an empty Close.
    ///
    /// # Errors
    /// [`UsageError::Closed`] if a Close was already sent or the connection
    /// failed; [`UsageError::InvalidCloseCode`], [`UsageError::ReasonTooLong`],
    /// [`UsageError::BufferTooSmall`].
    pub fn send_close(
        &mut self,
        code: CloseCode,
        reason: &str,
        mask_key: [u8; 4],
        out: &mut [u8],
    ) -> Result<usize, Error> {
        self.check_can_send()?;
        let n = encode_close(self.role, &ClosePayload { code, reason }, mask_key, out)?;
        self.close_sent = true;
        self.pending = None;
        Ok(n)
    }

    // ---- receiving -------------------------------------------------------

    /// Continues the data frame in progress, or reads the next header,
    /// then a whole control frame or the start of a data payload (rules 1,
    /// 2). Data payloads of both paths go through the one call of
    /// `recv_payload`, so it is inlined once (no second copy in flash).
    fn recv_next<'a>(&mut self, input: &'a mut [u8]) -> Result<Recv<'a>, ProtocolError> {
        let (frame, header_len) = match self.rx_frame {
            Some(frame) => (frame, 0),
            None => {
                let Decoded::Complete(header, header_len) = frame::decode(input)? else {
                    return Ok(NEEDS_INPUT);
                };
                self.check_header(&header)?;
                if header.opcode.is_control() {
                    return self.recv_control(input, &header, header_len);
                }
                // The decoder saw the whole header; checked again before
                // any state changes, so a short input can never half-start
                // a frame.
                if input.len() < header_len {
                    return Ok(NEEDS_INPUT);
                }
                let len = self.start_data_frame(&header)?;
                let frame = InFrame {
                    remaining: len,
                    mask: header.mask,
                    phase: 0,
                    fin: header.fin,
                };
                (frame, header_len)
            }
        };
        let Some((_, rest)) = input.split_at_mut_checked(header_len) else {
            return Ok(NEEDS_INPUT);
        };
        let recv = self.recv_payload(rest, frame)?;
        Ok(Recv {
            consumed: header_len + recv.consumed,
            event: recv.event,
        })
    }

    /// A whole control frame after its `header_len`-byte header, unmasked
    /// in place; nothing is consumed until all of it is in (rule 1).
    fn recv_control<'a>(
        &mut self,
        input: &'a mut [u8],
        header: &FrameHeader,
        header_len: usize,
    ) -> Result<Recv<'a>, ProtocolError> {
        // ≤ 125 (checked by the decoder), so the cast is lossless.
        let len = header.payload_len as usize;
        let end = header_len + len;
        let Some(payload) = input.get_mut(header_len..end) else {
            return Ok(NEEDS_INPUT);
        };
        if let Some(key) = header.mask {
            apply_mask(payload, key, 0);
        }
        let event = self.on_control(header.opcode, payload)?;
        Ok(Recv {
            consumed: end,
            event: Some(event),
        })
    }

    /// Checks what depends on the connection rather than on the header
    /// alone: RSV bits and the mask direction (rule 2).
    fn check_header(&self, header: &FrameHeader) -> Result<(), ProtocolError> {
        // No extension is negotiated yet: RSV1 will be allowed on the first
        // frame of a data message once permessage-deflate (RFC 7692) is.
        if header.rsv != 0 {
            return Err(ProtocolError::ReservedBits);
        }
        match (self.role.expects_masked(), header.mask.is_some()) {
            (true, false) => Err(ProtocolError::UnmaskedClientFrame),
            (false, true) => Err(ProtocolError::MaskedServerFrame),
            _ => Ok(()),
        }
    }

    /// Sequencing (§5.4) and limits (rule 2) for a new data frame; returns
    /// its payload length, which the frame limit lets fit a `usize`.
    #[cfg_attr(not(feature = "small"), inline(always))]
    fn start_data_frame(&mut self, header: &FrameHeader) -> Result<usize, ProtocolError> {
        let limits = &self.config;
        // A length beyond `usize` is beyond any limit this target can set.
        let len = usize::try_from(header.payload_len).map_err(|_| ProtocolError::FrameTooBig)?;
        if len > limits.max_frame_size {
            return Err(ProtocolError::FrameTooBig);
        }
        let mut message = match (header.opcode, self.rx_message) {
            (OpCode::Continuation, None) => return Err(ProtocolError::UnexpectedContinuation),
            (OpCode::Continuation, Some(m)) => m,
            (_, Some(_)) => return Err(ProtocolError::ExpectedContinuation),
            (opcode, None) => InMessage {
                kind: if opcode == OpCode::Text {
                    DataKind::Text
                } else {
                    DataKind::Binary
                },
                len: 0,
                fragments: 0,
            },
        };
        message.fragments = message.fragments.saturating_add(1);
        if message.fragments > limits.max_fragments {
            return Err(ProtocolError::TooManyFragments);
        }
        // A sum beyond `usize` is beyond any limit this target can set.
        message.len = message
            .len
            .checked_add(len)
            .filter(|&total| total <= limits.max_message_size)
            .ok_or(ProtocolError::MessageTooBig)?;
        self.rx_message = Some(message);
        Ok(len)
    }

    /// Hands out the available part of a data payload (rules 1, 3).
    /// Inlined: returning its `Recv` through the stack costs a missed
    /// store-to-load forward per frame (measured: 35 → 56+ M frames/s).
    #[inline(always)]
    fn recv_payload<'a>(
        &mut self,
        input: &'a mut [u8],
        mut frame: InFrame,
    ) -> Result<Recv<'a>, ProtocolError> {
        let Some(message) = self.rx_message else {
            // Unreachable: a frame is only in progress inside a message.
            return Err(ProtocolError::UnexpectedContinuation);
        };
        let available = frame.remaining.min(input.len());
        if available == 0 && frame.remaining != 0 {
            self.rx_frame = Some(frame);
            return Ok(NEEDS_INPUT);
        }
        let Some((chunk, _)) = input.split_at_mut_checked(available) else {
            return Ok(NEEDS_INPUT);
        };
        // Text is unmasked by the kernel that also says "all ASCII", which
        // then needs no UTF-8 pass (utf8::feed_ascii).
        let mut ascii = false;
        if let Some(key) = frame.mask {
            let phase = usize::from(frame.phase);
            let next = if message.kind == DataKind::Text {
                let (next, all_ascii) = crate::mask::apply_mask_ascii(chunk, key, phase);
                ascii = all_ascii;
                next
            } else {
                apply_mask(chunk, key, phase)
            };
            frame.phase = next as u8;
        }
        // `available` ≤ `remaining`: this never saturates.
        frame.remaining = frame.remaining.saturating_sub(available);
        let frame_end = frame.remaining == 0;
        let message_end = frame_end && frame.fin;
        if message.kind == DataKind::Text && self.config.validate_utf8 {
            let fed = if ascii {
                self.utf8.feed_ascii(chunk)
            } else {
                self.utf8.feed(chunk)
            };
            fed.map_err(|_| ProtocolError::InvalidUtf8)?;
            if message_end {
                self.utf8.finish().map_err(|_| ProtocolError::InvalidUtf8)?;
            }
        }
        self.rx_frame = (!frame_end).then_some(frame);
        if message_end {
            self.rx_message = None;
        }
        Ok(Recv {
            consumed: available,
            event: Some(Event::Data {
                kind: message.kind,
                payload: chunk,
                frame_end,
                message_end,
            }),
        })
    }

    /// Handles a whole, unmasked control frame (rules 4, 5, 6).
    fn on_control<'a>(
        &mut self,
        opcode: OpCode,
        payload: &'a [u8],
    ) -> Result<Event<'a>, ProtocolError> {
        match opcode {
            OpCode::Ping => {
                let close_queued =
                    matches!(self.pending, Some(Pending::Echo(_) | Pending::Failure(_)));
                if self.config.auto_pong && !self.close_sent && !close_queued {
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
                if !self.close_sent {
                    // Echo the code, not the reason (§5.5.1: "typically
                    // echos"); displaces a Pong (rule 5).
                    self.pending = Some(Pending::Echo(close.code));
                }
                Ok(Event::Close {
                    code: close.code,
                    reason: close.reason,
                })
            }
        }
    }

    // ---- sending ---------------------------------------------------------

    /// Answers the latest Ping (§5.5.3, rule 5): its payload replaces an
    /// older Pong's. A payload longer than the slot empties it instead:
    /// the caller answers that Ping with [`Connection::send_pong`].
    fn queue_pong(&mut self, payload: &[u8]) {
        let len = payload.len();
        self.pending = match (self.pong.get_mut(..len), u8::try_from(len)) {
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
    }

    /// Sending is allowed until our Close went out or the connection failed.
    fn check_can_send(&self) -> Result<(), UsageError> {
        if self.close_sent || self.failed.is_some() {
            Err(UsageError::Closed)
        } else {
            Ok(())
        }
    }

    /// Encodes a Ping or Pong while sending is allowed.
    fn send_control(
        &self,
        opcode: OpCode,
        payload: &[u8],
        mask_key: [u8; 4],
        out: &mut [u8],
    ) -> Result<usize, Error> {
        self.check_can_send()?;
        let parts = [payload, &[]];
        Ok(encode_frame(self.role, opcode, true, parts, mask_key, out)?)
    }

    /// The opcode for the next data frame of `kind` (§5.4).
    fn next_data_opcode(&self, kind: DataKind) -> Result<OpCode, UsageError> {
        self.check_can_send()?;
        match self.tx_message {
            None if kind == DataKind::Text => Ok(OpCode::Text),
            None => Ok(OpCode::Binary),
            Some(k) if k == kind => Ok(OpCode::Continuation),
            Some(_) => Err(UsageError::MessageInProgress),
        }
    }
}

/// The header for a frame we send: masked iff we are a client (§5.1).
fn header_for(
    role: Role,
    opcode: OpCode,
    fin: bool,
    payload_len: u64,
    mask_key: [u8; 4],
) -> FrameHeader {
    FrameHeader {
        fin,
        rsv: 0,
        opcode,
        mask: role.masks_outgoing().then_some(mask_key),
        payload_len,
    }
}

/// Encodes a Close frame (§5.5.1) for `close` straight into `out`: the
/// code and the reason are copied (and masked) from where they are, with
/// no intermediate payload buffer. `out` is untouched on error.
fn encode_close(
    role: Role,
    close: &ClosePayload<'_>,
    mask_key: [u8; 4],
    out: &mut [u8],
) -> Result<usize, UsageError> {
    close.check_sendable()?;
    let code = close.code.get().to_be_bytes();
    // An empty Close (1005, "no status") has no code on the wire.
    let code = if close.is_empty() { &[][..] } else { &code[..] };
    let parts = [code, close.reason.as_bytes()];
    encode_frame(role, OpCode::Close, true, parts, mask_key, out)
}

/// Encodes a whole frame into `out`: the header, then the payload — the
/// `parts` one after the other — copied and masked as the role requires.
/// `out` is untouched on error.
fn encode_frame(
    role: Role,
    opcode: OpCode,
    fin: bool,
    parts: [&[u8]; 2],
    mask_key: [u8; 4],
    out: &mut [u8],
) -> Result<usize, UsageError> {
    let [first, second] = parts;
    let len = first
        .len()
        .checked_add(second.len())
        .ok_or(UsageError::PayloadTooLarge)?;
    if opcode.is_control() && len > MAX_CONTROL_PAYLOAD {
        return Err(UsageError::ControlTooLong);
    }
    // Lossless: `usize` is at most 64 bits on every Rust target.
    let header = header_for(role, opcode, fin, len as u64, mask_key);
    let header_len = header.encoded_len();
    let total = header_len
        .checked_add(len)
        .ok_or(UsageError::PayloadTooLarge)?;
    let out = out
        .get_mut(..total)
        .ok_or(UsageError::BufferTooSmall { needed: total })?;
    let (head, mut body) = out
        .split_at_mut_checked(header_len)
        .ok_or(UsageError::BufferTooSmall { needed: total })?;
    frame::encode(&header, head)?;
    // One pass per part, and no length-mismatch panic path (`body` is
    // exactly `len` long); a zero key copies unmasked.
    let key = header.mask.unwrap_or([0; 4]);
    let mut phase = 0;
    for part in parts {
        // Always splits: the parts add up to `body`'s length.
        let Some((dst, rest)) = core::mem::take(&mut body).split_at_mut_checked(part.len()) else {
            break;
        };
        phase = copy_mask(part, dst, key, phase);
        body = rest;
    }
    Ok(total)
}

#[cfg(test)]
mod tests;
