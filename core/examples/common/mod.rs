//! Shared by the echo examples: a blocking `TcpStream` with a receive buffer
//! and a send buffer, the loop that pumps bytes through a [`Connection`],
//! permessage-deflate (RFC 7692) state over `Vec` memory, and the command
//! line options both examples take.
//!
//! The library does no I/O: `recv` / `recv_deflate` are handed the unread
//! bytes and say how many they used, `send_data` / `send_deflate` /
//! `write_pending` encode frames into `out`. Everything else here is plain
//! `std`.

// Each example compiles this module and uses part of it.
#![allow(dead_code)]

use std::collections::hash_map::RandomState;
use std::error::Error;
use std::hash::{BuildHasher, Hasher};
use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use wsframe::deflate::{Compression, Decompression, DeflateConfig, DeflateParams, Level};
use wsframe::{CloseCode, Connection, DataKind, Event, MAX_PENDING_FRAME, Role};

pub type Result<T> = std::result::Result<T, Box<dyn Error + Send + Sync>>;

/// Receive buffer. Data is handed out as it arrives, so a message of any
/// size (Autobahn 9.1.6: 16 MiB in one frame) streams through it.
const RECV_BUFFER: usize = 256 * 1024;
/// Send buffer: the largest echoed chunk plus its header (at most 14 bytes).
const SEND_BUFFER: usize = RECV_BUFFER + 14;
/// A peer silent for this long is given up on.
const IO_TIMEOUT: Duration = Duration::from_secs(60);
/// How long to wait for the peer to close TCP after our last frame.
const LINGER: Duration = Duration::from_secs(2);
/// Most data bytes `pump` collects when not echoing.
const MAX_COLLECT: usize = 1 << 20;

/// A library error as a boxed error (without the `std` feature,
/// `wsframe::Error` has `Display` but no `std::error::Error` impl).
pub fn ws(e: impl Into<wsframe::Error>) -> Box<dyn Error + Send + Sync> {
    e.into().as_str().into()
}

/// xorshift64* for masking keys and handshake nonces: the library takes
/// randomness as an input. Seeded from the clock and std's per-process
/// random SipHash keys. (Masking keys should be unpredictable, §10.3; a
/// production client would draw them from the OS.)
pub struct Rng(u64);

impl Rng {
    pub fn new() -> Self {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        let mut hasher = RandomState::new().build_hasher();
        hasher.write_u64(nanos);
        Self(hasher.finish() | 1)
    }

    pub fn fill(&mut self, bytes: &mut [u8]) {
        for chunk in bytes.chunks_mut(8) {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            let word = self.0.wrapping_mul(0x2545_f491_4f6c_dd1d).to_le_bytes();
            chunk.copy_from_slice(&word[..chunk.len()]);
        }
    }

    fn mask_key(&mut self) -> [u8; 4] {
        let mut key = [0; 4];
        self.fill(&mut key);
        key
    }
}

/// Command-line options of the echo examples: `--name` / `--name=VALUE`
/// flags anywhere, the rest positional.
///
/// permessage-deflate is negotiated by default with full 32 KiB windows
/// both ways; the flags cap what this endpoint's memory allows:
///
/// ```text
/// --no-deflate                        neither offer nor accept permessage-deflate
/// --deflate-window-bits=N             both windows at most 2^N bytes (N in 8..=15)
/// --deflate-receive-window-bits=N     the window the peer may compress with (our ring)
/// --deflate-send-window-bits=N        the window we compress with (our history)
/// --deflate-no-context-takeover       reset our compressor after every message
/// --deflate-peer-no-context-takeover  ask the peer to reset its compressor
/// ```
pub struct Args {
    /// `None` with `--no-deflate`.
    pub deflate: Option<DeflateConfig>,
    /// The flags the example itself takes (`extra` of [`Args::parse`]).
    pub flags: Vec<String>,
    /// The arguments that are not flags, in order.
    pub positional: Vec<String>,
}

/// The deflate flags, for usage messages.
pub const DEFLATE_USAGE: &str = "[--no-deflate] [--deflate-window-bits=N] \
[--deflate-receive-window-bits=N] [--deflate-send-window-bits=N] \
[--deflate-no-context-takeover] [--deflate-peer-no-context-takeover]";

impl Args {
    /// Parses the process arguments; `extra` are the example's own
    /// valueless flags.
    pub fn parse(extra: &[&str]) -> Result<Self> {
        let mut config = DeflateConfig::new();
        let mut enabled = true;
        let mut flags = Vec::new();
        let mut positional = Vec::new();
        for arg in std::env::args().skip(1) {
            if !arg.starts_with("--") {
                positional.push(arg);
                continue;
            }
            let (name, value) = match arg.split_once('=') {
                Some((name, value)) => (name, Some(value)),
                None => (arg.as_str(), None),
            };
            match (name, value) {
                ("--no-deflate", None) => enabled = false,
                ("--deflate-window-bits", Some(v)) => {
                    config.receive_window_bits = window_bits(v)?;
                    config.send_window_bits = config.receive_window_bits;
                }
                ("--deflate-receive-window-bits", Some(v)) => {
                    config.receive_window_bits = window_bits(v)?;
                }
                ("--deflate-send-window-bits", Some(v)) => {
                    config.send_window_bits = window_bits(v)?
                }
                ("--deflate-no-context-takeover", None) => config.no_context_takeover = true,
                ("--deflate-peer-no-context-takeover", None) => {
                    config.peer_no_context_takeover = true;
                }
                (name, None) if extra.contains(&name) => flags.push(arg.clone()),
                _ => return Err(format!("unknown option {arg}").into()),
            }
        }
        Ok(Self {
            deflate: enabled.then_some(config),
            flags,
            positional,
        })
    }

    /// Whether the example's own flag `name` was given.
    pub fn flag(&self, name: &str) -> bool {
        self.flags.iter().any(|f| f == name)
    }
}

/// A window-bits value: 8..=15 (RFC 7692 §7.1.2).
fn window_bits(value: &str) -> Result<u8> {
    match value.parse::<u8>() {
        Ok(bits @ 8..=15) => Ok(bits),
        _ => Err(format!("window bits must be 8..15, not {value:?}").into()),
    }
}

/// One connection's permessage-deflate memory: the inflater's ring of
/// 2^`receive_window_bits` bytes and the compressor's storage at
/// [`Level::Default`], as `Vec`s (the library itself never allocates; a
/// microcontroller would use static buffers of the sizes the same `const
/// fn`s give).
pub struct DeflateMemory {
    params: DeflateParams,
    ring: Vec<u8>,
    storage: Vec<u8>,
}

/// The compression level the examples echo with.
const LEVEL: Level = Level::Default;

impl DeflateMemory {
    pub fn new(params: DeflateParams) -> Self {
        Self {
            params,
            ring: vec![0; Decompression::ring_len(&params)],
            storage: vec![0; Compression::storage_len(&params, LEVEL)],
        }
    }

    /// The inflater and compressor over this memory, fresh (a new
    /// connection's, §7.1.1: both windows start empty).
    pub fn codec(&mut self) -> Result<Codec<'_>> {
        Ok(Codec {
            inflate: Some(Decompression::new(&self.params, &mut self.ring).map_err(ws)?),
            compress: Some(Compression::new(&self.params, LEVEL, &mut self.storage).map_err(ws)?),
        })
    }
}

/// The negotiated parameters in the words of a log line.
pub fn describe(params: &DeflateParams) -> String {
    format!(
        "send window 2^{}{}, receive window 2^{}{}",
        params.send_window_bits,
        if params.send_no_context_takeover {
            " (no context takeover)"
        } else {
            ""
        },
        params.receive_window_bits,
        if params.receive_no_context_takeover {
            " (no context takeover)"
        } else {
            ""
        },
    )
}

/// A connection's permessage-deflate halves; both `None` when it was not
/// negotiated.
pub struct Codec<'m> {
    inflate: Option<Decompression<'m>>,
    compress: Option<Compression<'m>>,
}

impl Codec<'_> {
    /// No permessage-deflate: plain `recv` and `send_data`.
    pub fn plain() -> Self {
        Self {
            inflate: None,
            compress: None,
        }
    }

    /// [`DeflateMemory::codec`] when there is memory, else [`Codec::plain`].
    pub fn from(memory: &mut Option<DeflateMemory>) -> Result<Codec<'_>> {
        match memory {
            Some(memory) => memory.codec(),
            None => Ok(Codec::plain()),
        }
    }
}

/// One TCP connection: `rx[start..end]` is received but not yet used.
pub struct Peer {
    wire: Wire,
    role: Role,
    rng: Rng,
    rx: Vec<u8>,
    start: usize,
    end: usize,
    /// Bytes read from the socket so far (handshake included).
    received: u64,
}

impl Peer {
    pub fn new(sock: TcpStream, role: Role) -> Result<Self> {
        sock.set_nodelay(true)?;
        sock.set_read_timeout(Some(IO_TIMEOUT))?;
        sock.set_write_timeout(Some(IO_TIMEOUT))?;
        Ok(Self {
            wire: Wire {
                sock,
                out: vec![0; SEND_BUFFER],
                queued: 0,
            },
            role,
            rng: Rng::new(),
            rx: vec![0; RECV_BUFFER],
            start: 0,
            end: 0,
            received: 0,
        })
    }

    /// The received bytes not yet used.
    pub fn buffered(&self) -> &[u8] {
        &self.rx[self.start..self.end]
    }

    /// Drops `n` used bytes from the front of [`Peer::buffered`].
    pub fn consume(&mut self, n: usize) {
        self.start += n;
    }

    /// Bytes read from the socket so far.
    pub fn received(&self) -> u64 {
        self.received
    }

    /// Reads more bytes; the peer closing TCP is an error (for handshakes).
    pub fn fill(&mut self) -> Result<()> {
        match self.read_more()? {
            0 => Err("connection closed by the peer".into()),
            _ => Ok(()),
        }
    }

    /// Writes `bytes` (a handshake head) at once.
    pub fn send(&mut self, bytes: &[u8]) -> Result<()> {
        self.wire.flush()?;
        Ok(self.wire.sock.write_all(bytes)?)
    }

    /// A [`Sender`] for messages of our own (queued; [`Peer::pump`]
    /// flushes them).
    pub fn sender<'p, 'm>(
        &'p mut self,
        conn: &'p mut Connection,
        codec: &'p mut Codec<'m>,
    ) -> Sender<'p, 'm> {
        Sender {
            wire: &mut self.wire,
            rng: &mut self.rng,
            conn,
            compress: codec.compress.as_mut(),
        }
    }

    /// Runs the connection until it is finished or the peer closes TCP,
    /// handing every piece of data to `on_data` with a [`Sender`] for
    /// answers (`Peer::echo`, `Peer::collect`, or a check of echoes).
    /// With a negotiated `codec`, compressed messages are inflated
    /// (`recv_deflate`) and sends are compressed. Pings are answered and
    /// the peer's Close is echoed through `write_pending`. A protocol error
    /// ends the run normally, after the Close that names it went out.
    pub fn pump(
        &mut self,
        conn: &mut Connection,
        codec: &mut Codec<'_>,
        mut on_data: impl FnMut(&mut Sender<'_, '_>, DataKind, &[u8], bool) -> Result<()>,
    ) -> Result<()> {
        while !conn.is_finished() {
            let input = &mut self.rx[self.start..self.end];
            let recv = match codec.inflate.as_mut() {
                Some(z) => conn.recv_deflate(input, z),
                None => conn.recv(input),
            };
            let recv = match recv {
                Ok(recv) => recv,
                Err(wsframe::Error::Protocol(_)) => {
                    let key = self.rng.mask_key();
                    self.wire
                        .frame(MAX_PENDING_FRAME, |out| conn.write_pending(key, out))?;
                    break;
                }
                Err(e) => return Err(ws(e)),
            };
            if recv.needs_input() {
                self.wire.flush()?;
                if self.read_more()? == 0 {
                    break;
                }
                continue;
            }
            if let Some(Event::Data {
                kind,
                payload,
                message_end,
                ..
            }) = recv.event
            {
                let mut sender = Sender {
                    wire: &mut self.wire,
                    rng: &mut self.rng,
                    conn,
                    compress: codec.compress.as_mut(),
                };
                on_data(&mut sender, kind, payload, message_end)?;
            }
            self.start += recv.consumed;
            let key = self.rng.mask_key();
            self.wire
                .frame(MAX_PENDING_FRAME, |out| conn.write_pending(key, out))?;
        }
        self.wire.flush()?;
        Ok(())
    }

    /// [`Peer::pump`] that echoes every piece of data as soon as it
    /// arrives (a streaming echo: the message ends where the peer's does;
    /// a 16 MiB message streams through the 256 KiB buffers).
    pub fn echo(&mut self, conn: &mut Connection, codec: &mut Codec<'_>) -> Result<()> {
        self.pump(conn, codec, |sender, kind, payload, message_end| {
            if payload.is_empty() && !message_end {
                return Ok(());
            }
            sender.send(kind, payload, message_end)
        })
    }

    /// [`Peer::pump`] that collects (at most 1 MiB of) the data received.
    pub fn collect(&mut self, conn: &mut Connection, codec: &mut Codec<'_>) -> Result<Vec<u8>> {
        let mut collected = Vec::new();
        self.pump(conn, codec, |_, _, payload, _| {
            let room = MAX_COLLECT.saturating_sub(collected.len());
            collected.extend_from_slice(&payload[..payload.len().min(room)]);
            Ok(())
        })?;
        Ok(collected)
    }

    /// Closes TCP. The server closes first (§7.1.1): it half-closes, then
    /// reads until the client closes too, so that unread input cannot turn
    /// the close into a reset that loses our last frame. The client waits
    /// for the server to close. Both waits are bounded.
    pub fn close(mut self) -> Result<()> {
        self.wire.flush()?;
        let sock = &mut self.wire.sock;
        if self.role == Role::Server {
            // Fails only if the peer already went away.
            let _ = sock.shutdown(Shutdown::Write);
        }
        let deadline = Instant::now() + LINGER;
        sock.set_read_timeout(Some(LINGER))?;
        let mut scratch = [0u8; 4096];
        while Instant::now() < deadline {
            match sock.read(&mut scratch) {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
        }
        Ok(())
    }

    /// Moves the unread bytes to the front and reads after them; 0 at EOF.
    fn read_more(&mut self) -> io::Result<usize> {
        if self.start > 0 {
            self.rx.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        // `recv` always progresses with MIN_RECV_BUFFER bytes, so a full
        // buffer never needs more input (read(&mut []) would return 0).
        let n = self.wire.sock.read(&mut self.rx[self.end..])?;
        self.end += n;
        self.received += n as u64;
        Ok(n)
    }
}

/// Room `send_deflate` is given at least: a frame of up to 16 KiB.
const DEFLATE_ROOM: usize = 16 * 1024 + 14;

/// Sends data (and our Close) on a connection: frames are queued in the
/// send buffer and written when it fills or the pump waits for input.
pub struct Sender<'p, 'm> {
    wire: &'p mut Wire,
    rng: &'p mut Rng,
    conn: &'p mut Connection,
    compress: Option<&'p mut Compression<'m>>,
}

impl Sender<'_, '_> {
    /// Sends `piece` of a message of `kind`; `last` ends the message. With
    /// permessage-deflate every message is compressed (RFC 7692 §7.2.1;
    /// frames follow the compressor's output, not the pieces); otherwise
    /// each piece is one frame.
    pub fn send(&mut self, kind: DataKind, piece: &[u8], last: bool) -> Result<()> {
        let Some(z) = self.compress.as_deref_mut() else {
            let key = self.rng.mask_key();
            let conn = &mut *self.conn;
            return self.wire.frame(piece.len() + 14, |out| {
                conn.send_data(kind, last, piece, key, out)
            });
        };
        let mut rest = piece;
        loop {
            if self.wire.room() < DEFLATE_ROOM {
                self.wire.flush()?;
            }
            let key = self.rng.mask_key();
            let out = &mut self.wire.out[self.wire.queued..];
            let sent = self
                .conn
                .send_deflate(kind, rest, last, z, key, out)
                .map_err(ws)?;
            self.wire.queued += sent.written;
            rest = &rest[sent.consumed..];
            if sent.message_end || (!last && rest.is_empty()) {
                return Ok(());
            }
            if sent.consumed == 0 && sent.written == 0 {
                if self.wire.queued == 0 {
                    // An empty buffer and no progress: a library bug.
                    return Err("send_deflate made no progress".into());
                }
                self.wire.flush()?;
            }
        }
    }

    /// Sends our Close (§5.5.1) with `code`.
    pub fn close(&mut self, code: CloseCode) -> Result<()> {
        let key = self.rng.mask_key();
        let conn = &mut *self.conn;
        self.wire
            .frame(MAX_PENDING_FRAME, |out| conn.send_close(code, "", key, out))
    }
}

/// The socket and the frames encoded but not yet written (`out[..queued]`).
/// Apart from `Peer`'s receive buffer, so that an event's payload, which
/// points into that buffer, can be echoed.
struct Wire {
    sock: TcpStream,
    out: Vec<u8>,
    queued: usize,
}

impl Wire {
    /// Encodes a frame of at most `max_len` bytes after the queued ones,
    /// flushing first if it might not fit.
    fn frame(
        &mut self,
        max_len: usize,
        encode: impl FnOnce(&mut [u8]) -> std::result::Result<usize, wsframe::Error>,
    ) -> Result<()> {
        if self.room() < max_len {
            self.flush()?;
        }
        self.queued += encode(&mut self.out[self.queued..]).map_err(ws)?;
        Ok(())
    }

    /// Bytes free after the queued frames.
    fn room(&self) -> usize {
        self.out.len() - self.queued
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.queued > 0 {
            self.sock.write_all(&self.out[..self.queued])?;
            self.queued = 0;
        }
        Ok(())
    }
}
