//! Shared by the echo examples: a blocking `TcpStream` with a receive buffer
//! and a send buffer, and the loop that pumps bytes through a [`Connection`].
//!
//! The library does no I/O: `recv` is handed the unread bytes and says how
//! many it used, `send_data` / `write_pending` encode frames into `out`.
//! Everything else here is plain `std`.

use std::collections::hash_map::RandomState;
use std::error::Error;
use std::hash::{BuildHasher, Hasher};
use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use wsframe::{Connection, Event, MAX_PENDING_FRAME, Role};

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

/// One TCP connection: `rx[start..end]` is received but not yet used.
pub struct Peer {
    wire: Wire,
    role: Role,
    rng: Rng,
    rx: Vec<u8>,
    start: usize,
    end: usize,
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

    /// Runs the connection until it is finished or the peer closes TCP.
    /// With `echo`, every piece of data is sent straight back as a frame of
    /// its own (a streaming echo: the message ends where the peer's does);
    /// otherwise the data is collected and returned. Pings are answered and
    /// the peer's Close is echoed through `write_pending`. A protocol error
    /// ends the run normally, after the Close that names it went out.
    pub fn pump(&mut self, conn: &mut Connection, echo: bool) -> Result<Vec<u8>> {
        let mut collected = Vec::new();
        while !conn.is_finished() {
            let recv = match conn.recv(&mut self.rx[self.start..self.end]) {
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
                if !echo {
                    let room = MAX_COLLECT.saturating_sub(collected.len());
                    collected.extend_from_slice(&payload[..payload.len().min(room)]);
                } else if !payload.is_empty() || message_end {
                    let key = self.rng.mask_key();
                    self.wire.frame(payload.len() + 14, |out| {
                        conn.send_data(kind, message_end, payload, key, out)
                    })?;
                }
            }
            self.start += recv.consumed;
            let key = self.rng.mask_key();
            self.wire
                .frame(MAX_PENDING_FRAME, |out| conn.write_pending(key, out))?;
        }
        self.wire.flush()?;
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
        Ok(n)
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
        if self.out.len() - self.queued < max_len {
            self.flush()?;
        }
        self.queued += encode(&mut self.out[self.queued..]).map_err(ws)?;
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.queued > 0 {
            self.sock.write_all(&self.out[..self.queued])?;
            self.queued = 0;
        }
        Ok(())
    }
}
