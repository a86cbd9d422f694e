//! Test support (all layers), not part of the API: [`Pair`], a client and a
//! server [`Connection`] wired back to back through two caller-provided
//! buffers and pumped by hand (quinn-proto's `Pair`), and [`scenarios`],
//! the conversations every platform runs through it. With `std` also
//! `record`, the one "feed bytes, record events" driver of the connection
//! tests, the fuzz targets and the differential suite; and for all,
//! [`SAMPLE_REQUEST`], the one valid request head the tests start from.
//!
//! One driver for every platform: the host tests (`cargo test`), the same
//! tests on wasm32-wasip1, and the Cortex-M3 firmware under QEMU
//! (`tests/qemu`). So it is `no_std`, allocation-free and panic-free like
//! the rest of the crate (all but the std-only `record`). Compiled for `cfg(test)` and with the `testing`
//! feature only.
//!
//! Each peer owns the buffer of bytes *sent to it*: sending writes straight
//! into the other peer's buffer (the wire), receiving reads from one's own.
//! Large messages stream through: the sender generates its payload as room
//! appears ([`Pair::transfer`]), the receiver checks every byte as it is
//! handed out, so no buffer ever holds a whole message.

#[cfg(any(test, feature = "std"))]
pub mod record;
pub mod scenarios;
mod transfer;

pub use transfer::{Transfer, TransferReport};

use crate::close::CloseCode;
use crate::config::{Config, HandshakeLimits};
use crate::connection::Connection;
use crate::error::{Error, HandshakeError, UsageError};
use crate::event::{DataKind, Event};
use crate::handshake::{ClientRequest, Request, Response, Status};
use crate::reassemble::{Message, Reassembler};
use crate::role::Role;

/// RFC 6455 §1.3's sample opening request, reduced to the header fields
/// §4.1 requires; its key is the base64 of "the sample nonce". The one
/// valid head the handshake tests vary a line at a time.
pub const SAMPLE_REQUEST: &str = "GET /chat HTTP/1.1\r\n\
    Host: server.example.com\r\n\
    Upgrade: websocket\r\n\
    Connection: Upgrade\r\n\
    Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\
    Sec-WebSocket-Version: 13\r\n\r\n";

/// The subprotocol the client offers and the server picks in
/// [`Pair::handshake`].
pub const SUBPROTOCOL: &str = "wsframe.pair";

/// One end of the [`Pair`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Side {
    /// The peer that masks.
    Client,
    /// The peer that does not.
    Server,
}

impl Side {
    /// The other end.
    #[must_use]
    pub const fn peer(self) -> Self {
        match self {
            Self::Client => Self::Server,
            Self::Server => Self::Client,
        }
    }
}

/// Why a test conversation failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Failure {
    /// A call returned an error it should not have.
    Call(Error),
    /// A received byte differed from the generated one, at this offset.
    Mismatch(u64),
    /// The receiver's checksum or length differed from the sender's.
    Checksum,
    /// An event came that the conversation did not expect.
    UnexpectedEvent,
    /// A call succeeded that should have failed, or failed differently.
    WrongOutcome,
    /// Neither side made progress.
    Stalled,
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Self::Call(e)
    }
}

impl From<UsageError> for Failure {
    fn from(e: UsageError) -> Self {
        Self::Call(e.into())
    }
}

/// A connection and the wire that carries bytes to it.
#[derive(Debug)]
pub struct Peer<'b> {
    /// The connection under test.
    pub conn: Connection,
    /// Bytes sent to this peer; `wire[used..len]` are not yet consumed.
    wire: &'b mut [u8],
    len: usize,
    /// Consumed by the last `recv`; dropped before the next one, since the
    /// event handed out still borrows them.
    used: usize,
    /// xorshift32 state for the masking keys this peer sends with.
    keys: u32,
}

impl<'b> Peer<'b> {
    fn new(role: Role, config: Config, wire: &'b mut [u8], seed: u32) -> Self {
        Self {
            conn: Connection::new(role, config),
            wire,
            len: 0,
            used: 0,
            keys: seed | 1,
        }
    }

    /// Bytes waiting to be received.
    #[must_use]
    pub const fn buffered(&self) -> usize {
        self.len.saturating_sub(self.used)
    }

    /// Drops the consumed prefix, then lends the free tail of the wire.
    fn space(&mut self) -> &mut [u8] {
        if self.used > 0 {
            if let Some(held) = self.wire.get_mut(..self.len) {
                let used = self.used.min(held.len());
                held.rotate_left(used);
                self.len -= used;
            }
            self.used = 0;
        }
        self.wire.get_mut(self.len..).unwrap_or_default()
    }

    /// Marks `n` bytes of [`Peer::space`] as written.
    fn commit(&mut self, n: usize) {
        self.len = self.len.saturating_add(n).min(self.wire.len());
    }

    /// A fresh masking key (the caller's randomness, here deterministic).
    fn next_key(&mut self) -> [u8; 4] {
        xorshift(&mut self.keys).to_le_bytes()
    }
}

/// Moves the pending control frame (Pong, Close echo, failure Close) of
/// `conn` onto `to`'s wire, masked with a key from `keys`. Leaves it
/// pending while the wire has no room.
fn flush(conn: &mut Connection, keys: &mut u32, to: &mut Peer<'_>) -> Result<usize, Error> {
    if !conn.has_pending() {
        return Ok(0);
    }
    match conn.write_pending(xorshift(keys).to_le_bytes(), to.space()) {
        Ok(n) => {
            to.commit(n);
            Ok(n)
        }
        Err(Error::Usage(UsageError::BufferTooSmall { .. })) => Ok(0),
        Err(e) => Err(e),
    }
}

/// A client and a server connection talking through two buffers.
#[derive(Debug)]
pub struct Pair<'b> {
    /// The client; its buffer holds what the server sent.
    pub client: Peer<'b>,
    /// The server; its buffer holds what the client sent.
    pub server: Peer<'b>,
}

impl<'b> Pair<'b> {
    /// A pair with default configurations. Each buffer must hold a
    /// handshake head (~200 bytes) and at least `MIN_RECV_BUFFER`.
    #[must_use]
    pub fn new(client_wire: &'b mut [u8], server_wire: &'b mut [u8]) -> Self {
        Self::with_configs(client_wire, server_wire, Config::new(), Config::new())
    }

    /// A pair with the given configurations.
    #[must_use]
    pub fn with_configs(
        client_wire: &'b mut [u8],
        server_wire: &'b mut [u8],
        client: Config,
        server: Config,
    ) -> Self {
        Self {
            client: Peer::new(Role::Client, client, client_wire, 0x1234_5678),
            server: Peer::new(Role::Server, server, server_wire, 0x9abc_def0),
        }
    }

    /// `(side, its peer)`.
    fn split(&mut self, side: Side) -> (&mut Peer<'b>, &mut Peer<'b>) {
        match side {
            Side::Client => (&mut self.client, &mut self.server),
            Side::Server => (&mut self.server, &mut self.client),
        }
    }

    /// One end.
    #[must_use]
    pub fn peer(&self, side: Side) -> &Peer<'b> {
        match side {
            Side::Client => &self.client,
            Side::Server => &self.server,
        }
    }

    /// The opening handshake over the wires: `ClientRequest::write` →
    /// `Request::parse` → `write_response` → `check_response`, offering and
    /// agreeing on [`SUBPROTOCOL`]. Bytes after each head stay on the wire.
    ///
    /// # Errors
    /// Whatever the handshake calls return; a partial head (the buffers
    /// are too small) as [`HandshakeError::HeadTooLarge`].
    pub fn handshake(&mut self, nonce: [u8; 16]) -> Result<(), Error> {
        let limits = HandshakeLimits::new();
        let offered = [SUBPROTOCOL];
        let request = ClientRequest {
            subprotocols: &offered,
            ..ClientRequest::new("wsframe.test", "/pair", nonce)
        };
        let (n, client_handshake) = request.write(self.server.space())?;
        self.server.commit(n);

        let Self { client, server } = self;
        let input = server.wire.get(..server.len).unwrap_or_default();
        let Status::Complete(parsed) = Request::parse(input, &limits)? else {
            return Err(HandshakeError::HeadTooLarge.into());
        };
        let response = Response {
            subprotocol: parsed.subprotocols().find(|p| *p == SUBPROTOCOL),
            ..Response::new()
        };
        let n = parsed.write_response(&response, client.space())?;
        client.commit(n);
        server.used = parsed.head_len();

        let input = client.wire.get(..client.len).unwrap_or_default();
        let Status::Complete(answer) =
            client_handshake.check_response(input, &offered, &[], &limits)?
        else {
            return Err(HandshakeError::HeadTooLarge.into());
        };
        if answer.subprotocol != Some(SUBPROTOCOL) {
            return Err(HandshakeError::ResponseSubprotocol.into());
        }
        client.used = answer.head_len;
        Ok(())
    }

    /// `from` sends a whole data frame.
    ///
    /// # Errors
    /// As `Connection::send_data`; `BufferTooSmall` when the wire is full.
    pub fn send_data(
        &mut self,
        from: Side,
        kind: DataKind,
        fin: bool,
        payload: &[u8],
    ) -> Result<(), Error> {
        let (me, to) = self.split(from);
        let key = me.next_key();
        let n = me.conn.send_data(kind, fin, payload, key, to.space())?;
        to.commit(n);
        Ok(())
    }

    /// `from` sends a Ping.
    ///
    /// # Errors
    /// As `Connection::send_ping`.
    pub fn send_ping(&mut self, from: Side, payload: &[u8]) -> Result<(), Error> {
        let (me, to) = self.split(from);
        let key = me.next_key();
        let n = me.conn.send_ping(payload, key, to.space())?;
        to.commit(n);
        Ok(())
    }

    /// `from` sends its Close.
    ///
    /// # Errors
    /// As `Connection::send_close`.
    pub fn send_close(&mut self, from: Side, code: CloseCode, reason: &str) -> Result<(), Error> {
        let (me, to) = self.split(from);
        let key = me.next_key();
        let n = me.conn.send_close(code, reason, key, to.space())?;
        to.commit(n);
        Ok(())
    }

    /// `from` puts raw bytes on the wire, bypassing its connection (to
    /// break the protocol on purpose).
    ///
    /// # Errors
    /// `BufferTooSmall` when they do not fit.
    pub fn send_raw(&mut self, from: Side, bytes: &[u8]) -> Result<(), Error> {
        let (_, to) = self.split(from);
        let needed = bytes.len();
        let space = to.space();
        let dst = space
            .get_mut(..needed)
            .ok_or(UsageError::BufferTooSmall { needed })?;
        // Zipped: `copy_from_slice` keeps a panic path at opt-level "z".
        for (d, s) in dst.iter_mut().zip(bytes) {
            *d = *s;
        }
        to.commit(needed);
        Ok(())
    }

    /// `from` writes its pending control frame, if any, onto the wire.
    ///
    /// # Errors
    /// As `Connection::write_pending`, except a full wire (left pending).
    pub fn flush(&mut self, from: Side) -> Result<usize, Error> {
        let (me, to) = self.split(from);
        flush(&mut me.conn, &mut me.keys, to)
    }

    /// `at` receives: one `Connection::recv` on what its wire holds, then
    /// whatever that queued (Pong, Close echo, failure Close) goes onto the
    /// peer's wire, on success and on error alike. `None` when nothing
    /// happened (more input is needed, or input after the peer's Close was
    /// discarded).
    ///
    /// # Errors
    /// As `Connection::recv`.
    pub fn recv(&mut self, at: Side) -> Result<Option<Event<'_>>, Error> {
        self.recv_then(at, |_, event| Ok(event))
    }

    /// [`Pair::recv`] through a [`Reassembler`]: a whole message once its
    /// last piece arrived.
    ///
    /// # Errors
    /// As `Connection::recv` and `Reassembler::push`.
    pub fn recv_message<'r>(
        &mut self,
        at: Side,
        reassembler: &'r mut Reassembler<'_>,
    ) -> Result<Option<Message<'r>>, Error> {
        self.recv_then(at, |conn, event| match event {
            Some(event) => reassembler.push(conn, &event),
            None => Ok(None),
        })
    }

    /// One `recv` at `at`, `then` applied to its event, then the pending
    /// frame flushed (after `then`, which may fail the connection).
    fn recv_then<'s, R>(
        &'s mut self,
        at: Side,
        then: impl FnOnce(&mut Connection, Option<Event<'s>>) -> Result<R, Error>,
    ) -> Result<R, Error> {
        let (me, to) = self.split(at);
        me.space();
        let Peer {
            conn,
            wire,
            len,
            used,
            keys,
        } = me;
        let input = wire.get_mut(..*len).unwrap_or_default();
        let outcome = match conn.recv(input) {
            Ok(recv) => {
                *used = recv.consumed.min(*len);
                then(conn, recv.event)
            }
            Err(e) => Err(e),
        };
        // After `then`, which may have failed the connection.
        flush(conn, keys, to)?;
        outcome
    }
}

/// One step of xorshift32 (shifts 13, 17, 5): the masking keys here,
/// and the reproducible random inputs of the crate's tests.
pub(crate) fn xorshift(state: &mut u32) -> u32 {
    let mut x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *state = x;
    x
}

/// One step of xorshift64 (shifts 13, 7, 17), for the tests.
#[cfg(test)]
pub(crate) fn xorshift64(state: &mut u64) -> u64 {
    let mut x = *state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *state = x;
    x
}

#[cfg(test)]
mod tests {
    use super::scenarios::SCENARIOS;
    use super::*;

    /// [`SAMPLE_REQUEST`] is one complete, valid head with §1.3's key.
    #[test]
    fn sample_request_is_valid() {
        let head = SAMPLE_REQUEST.as_bytes();
        let parsed = Request::parse(head, &HandshakeLimits::new());
        let Ok(Status::Complete(request)) = parsed else {
            panic!("{parsed:?}")
        };
        assert_eq!(request.head_len(), head.len());
        assert_eq!(request.key(), b"dGhlIHNhbXBsZSBub25jZQ==");
    }

    /// Every scenario, with wires from the smallest that holds a handshake
    /// head to roomy ones (odd sizes split frames at odd places).
    #[test]
    #[cfg_attr(miri, ignore = "streams megabytes")]
    fn scenarios_pass_with_any_wire_size() {
        for size in [256, 333, 4096] {
            for scenario in SCENARIOS {
                let (mut a, mut b) = (vec![0u8; size], vec![0u8; size]);
                let outcome = (scenario.run)(&mut a, &mut b);
                assert_eq!(outcome, Ok(()), "{} with {size}-byte wires", scenario.name);
            }
        }
    }
}
