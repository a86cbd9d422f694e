//! permessage-deflate on bare metal, memory on the stack (no allocator in
//! any firmware): the QEMU scenarios through the connection at windows 9
//! and 10 (RFC 7692 §7.1.2; [`SCENARIOS`], driven by [`crate::link`]),
//! its bad-input answers ([`bad_input`]), and the codec-level round trip
//! ([`Codec`]) the panic-free firmware drives with random parameters.
//!
//! The codec round trip compresses a message in pieces into a wire-sized
//! buffer (one frame's worth per call); every compressed piece is inflated
//! at once into a ring of 2^N bytes and compared byte for byte with the
//! message, then the message is ended as §7.2.2 says (`finish_message`:
//! the four trailer bytes the sender removed).

use wsframe::deflate::{
    Compression, Compressor, Decompression, DeflateParams, Flush, InflateStatus, Inflater, Level,
    MAX_WINDOW_BITS, Params, Status,
};
use wsframe::frame::{self, FrameHeader, OpCode};
use wsframe::mask::apply_mask;
use wsframe::{Config, Connection, DataKind, Error, MIN_RECV_BUFFER, ProtocolError, Role, State};

use crate::link::{Link, RSV1, keep_rest};

/// Largest window of the QEMU scenarios, as bits (1 KiB).
pub const MAX_BITS: u8 = 10;

/// Compressor storage every parameter set used here fits in: window 10,
/// [`Level::Default`] (the larger hash table).
pub const STORAGE: usize = match Params::new(MAX_BITS, Level::Default) {
    Some(p) => p.storage_len(),
    None => 0,
};

/// The inflater's ring for [`MAX_BITS`] (smaller windows use its prefix).
pub const RING: usize = Inflater::window_len(MAX_BITS);

const _: () = assert!(MAX_BITS <= MAX_WINDOW_BITS && STORAGE > 0);

/// One compressor and one inflater over borrowed memory, with what the
/// connection would know from the negotiation.
pub struct Codec<'m> {
    /// The sender's compressor.
    pub compressor: Compressor<'m>,
    /// The receiver's inflater.
    pub inflater: Inflater,
    /// The receiver's ring: exactly `Inflater::window_len` bytes.
    pub ring: &'m mut [u8],
    /// Context takeover (RFC 7692 §7.1.1): without it the receiver resets
    /// its inflater after every message (the compressor does it itself).
    pub takeover: bool,
    /// Most bytes one `inflate` call may lend.
    pub max_out: usize,
}

impl<'m> Codec<'m> {
    /// A codec for `params` (with `takeover` as set in them) over
    /// `storage` and `ring` (at least 2^N bytes; its prefix is used).
    pub fn new(
        params: Params,
        takeover: bool,
        storage: &'m mut [u8],
        ring: &'m mut [u8],
    ) -> Result<Self, &'static str> {
        let bits = params.window_bits();
        let compressor = Compressor::new(params, storage).map_err(|e| e.as_str())?;
        let inflater = Inflater::new(bits).ok_or("window bits outside 8..=15")?;
        let ring = ring
            .get_mut(..Inflater::window_len(bits))
            .ok_or("ring smaller than the window")?;
        Ok(Self {
            compressor,
            inflater,
            ring,
            takeover,
            max_out: usize::MAX,
        })
    }

    /// Compresses `message` in `piece`-byte pieces into `wire`, inflates
    /// every compressed piece and checks it byte for byte. Returns the
    /// compressed length (the payload RFC 7692 sends).
    pub fn round_trip(
        &mut self,
        message: &[u8],
        piece: usize,
        wire: &mut [u8],
    ) -> Result<usize, &'static str> {
        let (mut at, mut checked, mut sent, mut stalls) = (0usize, 0, 0, 0);
        loop {
            let end = at.saturating_add(piece.max(1)).min(message.len());
            let input = message.get(at..end).unwrap_or_default();
            let flush = if end == message.len() {
                Flush::Message
            } else {
                Flush::None
            };
            let p = self.compressor.compress(input, wire, flush);
            at += p.consumed;
            sent += p.written;
            let compressed = wire.get(..p.written).ok_or("written beyond the wire")?;
            self.inflate(compressed, message, &mut checked)?;
            if p.status == Status::MessageEnd {
                break;
            }
            if p.consumed == 0 && p.written == 0 {
                stalls += 1;
                if stalls > 1 {
                    return Err("the compressor made no progress");
                }
            } else {
                stalls = 0;
            }
        }
        if at != message.len() {
            return Err("message ended before its input was consumed");
        }
        self.finish(message, &mut checked)?;
        if checked != message.len() {
            return Err("inflated message shorter than the original");
        }
        if !self.takeover {
            self.inflater.reset();
        }
        Ok(sent)
    }

    /// Inflates all of `data`, checking the output against `message` from
    /// `checked` on.
    fn inflate(
        &mut self,
        mut data: &[u8],
        message: &[u8],
        checked: &mut usize,
    ) -> Result<(), &'static str> {
        loop {
            let done = self
                .inflater
                .inflate(data, self.ring, self.max_out)
                .map_err(|e| e.as_str())?;
            expect(message, checked, done.output)?;
            data = data.get(done.consumed..).unwrap_or_default();
            match done.status {
                InflateStatus::NeedsInput if data.is_empty() => return Ok(()),
                InflateStatus::NeedsInput => return Err("inflate left input unconsumed"),
                InflateStatus::StreamEnd => return Err("a final block in a message"),
                InflateStatus::MessageEnd => return Err("MessageEnd from inflate"),
                InflateStatus::OutputFull if done.consumed == 0 && done.output.is_empty() => {
                    return Err("the inflater made no progress");
                }
                InflateStatus::OutputFull => {}
            }
        }
    }

    /// §7.2.2: the trailer, then the message must stand complete.
    fn finish(&mut self, message: &[u8], checked: &mut usize) -> Result<(), &'static str> {
        let mut empty = 0;
        loop {
            let done = self
                .inflater
                .finish_message(self.ring, self.max_out)
                .map_err(|e| e.as_str())?;
            expect(message, checked, done.output)?;
            match done.status {
                InflateStatus::MessageEnd => return Ok(()),
                InflateStatus::NeedsInput => return Err("message truncated inside a block"),
                _ if done.output.is_empty() => {
                    empty += 1;
                    if empty > 4 {
                        return Err("finish_message made no progress");
                    }
                }
                _ => {}
            }
        }
    }
}

/// `out` must be the next bytes of `message` after `checked`.
fn expect(message: &[u8], checked: &mut usize, out: &[u8]) -> Result<(), &'static str> {
    let end = checked.saturating_add(out.len());
    if message.get(*checked..end) != Some(out) {
        return Err("inflated bytes differ from the message");
    }
    *checked = end;
    Ok(())
}

/// What a scenario message is made of.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// English-like words: compresses well.
    Text,
    /// Little-endian sensor records: a counter and a slow reading.
    Records,
    /// xorshift bytes: incompressible, sent as stored blocks.
    Noise,
}

/// The messages of every scenario: (kind, length, input piece size).
/// Sizes cross the ring (2^N), the window buffer (2^N + lookahead) and a
/// block's token buffer; the last two are the same text twice, to see
/// context takeover at work.
const MESSAGES: [(Kind, usize, usize); 10] = [
    (Kind::Text, 0, 1),
    (Kind::Text, 1, 1),
    (Kind::Text, 125, 125),
    (Kind::Records, 300, 64),
    (Kind::Text, 1000, 333),
    (Kind::Noise, 700, 700),
    (Kind::Records, 3000, 1000),
    (Kind::Text, 4000, 4000),
    (Kind::Text, 400, 400),
    (Kind::Text, 400, 400),
];

/// Longest scenario message.
const LONGEST: usize = 4000;

/// Fills `buf` with a message of `kind`, the same for the same `seed`.
fn make(kind: Kind, seed: u32, buf: &mut [u8]) {
    const WORDS: [&[u8]; 16] = [
        b"the ",
        b"frame ",
        b"of ",
        b"a ",
        b"message ",
        b"window ",
        b"is ",
        b"sent ",
        b"and ",
        b"deflate ",
        b"bytes ",
        b"over ",
        b"socket ",
        b"with ",
        b"data, ",
        b"text. ",
    ];
    let mut x = seed | 1;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        x
    };
    match kind {
        Kind::Text => {
            let mut word: &[u8] = &[];
            for b in buf.iter_mut() {
                if word.is_empty() {
                    word = WORDS
                        .get(next() as usize % WORDS.len())
                        .copied()
                        .unwrap_or(b"x ");
                }
                let (&first, rest) = word.split_first().unwrap_or((&b' ', &[]));
                *b = first;
                word = rest;
            }
        }
        Kind::Records => {
            for (i, chunk) in buf.chunks_mut(8).enumerate() {
                let reading = 2000 + (next() % 4);
                let record = ((i as u64) << 32 | u64::from(reading)).to_le_bytes();
                for (dst, src) in chunk.iter_mut().zip(record) {
                    *dst = src;
                }
            }
        }
        Kind::Noise => {
            for b in buf.iter_mut() {
                *b = (next() >> 11) as u8;
            }
        }
    }
}

/// A QEMU scenario: every message of [`MESSAGES`] from a client
/// connection to a server connection through `send_deflate` and
/// `recv_deflate`, then the same from the server to the client.
pub struct Scenario {
    /// Its name in the log.
    pub name: &'static str,
    window_bits: u8,
    level: Level,
    takeover: bool,
    /// The receiver's buffer is [`MIN_RECV_BUFFER`] bytes (else the wire
    /// size): every message bigger than it streams through.
    tiny: bool,
}

macro_rules! scenarios {
    ($($name:literal $bits:literal $level:ident $takeover:literal $tiny:literal),* $(,)?) => {
        [$(Scenario {
            name: $name,
            window_bits: $bits,
            level: Level::$level,
            takeover: $takeover,
            tiny: $tiny,
        }),*]
    };
}

/// Windows 9 and 10 × both levels × context takeover on and off, each
/// both ways through a pair of connections; half of them receive
/// through a [`MIN_RECV_BUFFER`]-byte buffer.
pub const SCENARIOS: [Scenario; 8] = scenarios![
    "deflate conn window 9, fast, context takeover, 131 B receive buffer" 9 Fast true true,
    "deflate conn window 9, fast, no context takeover" 9 Fast false false,
    "deflate conn window 9, default, context takeover" 9 Default true false,
    "deflate conn window 9, default, no context takeover, 131 B receive buffer" 9 Default false true,
    "deflate conn window 10, fast, context takeover" 10 Fast true false,
    "deflate conn window 10, fast, no context takeover, 131 B receive buffer" 10 Fast false true,
    "deflate conn window 10, default, context takeover, 131 B receive buffer" 10 Default true true,
    "deflate conn window 10, default, no context takeover" 10 Default false false,
];

impl Scenario {
    /// Runs the scenario both ways: `out` (any size that holds a frame
    /// header and a byte) is the sender's frame buffer, `buf` the
    /// receiver's. Everything else is on the stack.
    pub fn run(&self, out: &mut [u8], buf: &mut [u8]) -> Result<(), &'static str> {
        let buf_len = if self.tiny {
            MIN_RECV_BUFFER
        } else {
            buf.len()
        };
        let buf = buf.get_mut(..buf_len).ok_or("receive buffer too small")?;
        self.one_way(Role::Client, out, buf)?;
        self.one_way(Role::Server, out, buf)
    }

    /// Every message from a `from` connection to its peer. Not inlined:
    /// its ~24 KiB of stack must not add to its callers' frames.
    #[inline(never)]
    fn one_way(&self, from: Role, out: &mut [u8], buf: &mut [u8]) -> Result<(), &'static str> {
        let negotiated = DeflateParams {
            send_window_bits: self.window_bits,
            send_no_context_takeover: !self.takeover,
            receive_window_bits: self.window_bits,
            receive_no_context_takeover: !self.takeover,
        };
        let params = Params::new(self.window_bits, self.level)
            .ok_or("window bits outside 8..=15")?
            .with_context_takeover(self.takeover);
        let mut storage = [0u8; STORAGE];
        let mut ring = [0u8; RING];
        let mut tx =
            Compression::new(&negotiated, self.level, &mut storage).map_err(|e| e.as_str())?;
        let mut rx = Decompression::new(&negotiated, &mut ring).map_err(|e| e.as_str())?;
        let to = match from {
            Role::Client => Role::Server,
            Role::Server => Role::Client,
        };
        let mut link = Link {
            sender: Connection::new(from, Config::new()),
            tx: &mut tx,
            receiver: Connection::new(to, Config::new()),
            rx: &mut rx,
            buf,
            filled: 0,
            keys: 0x2545_f491,
        };
        let mut message = [0u8; LONGEST];
        let mut previous = 0;
        for (i, &(kind, len, piece)) in MESSAGES.iter().enumerate() {
            let message = message.get_mut(..len).ok_or("message too long")?;
            // The last two messages are the same text.
            let seed = if i + 1 == MESSAGES.len() { i - 1 } else { i };
            make(kind, 0x9e37_79b9 ^ seed as u32, message);
            let data = if kind == Kind::Text {
                DataKind::Text
            } else {
                DataKind::Binary
            };
            if i == 2 {
                // §6: a message may always go uncompressed (RSV1 clear).
                link.send_plain(data, message, out)?;
                continue;
            }
            let sent = link.send(data, message, piece, out)?.payload;
            check_size(kind, len, sent, &params)?;
            if i + 1 == MESSAGES.len() {
                // With takeover the repeat is a few back-references into
                // the previous message; without, it compresses the same.
                let repeat_ok = if self.takeover {
                    sent * 4 < previous
                } else {
                    sent == previous
                };
                if !repeat_ok {
                    return Err("context takeover not as negotiated");
                }
            }
            previous = sent;
        }
        if link.filled != 0 || link.receiver.state() != State::Open {
            return Err("receiver not idle and open after the messages");
        }
        Ok(())
    }
}

/// Text and records must shrink; noise may grow by at most
/// `Compressor::max_expansion`.
fn check_size(kind: Kind, len: usize, sent: usize, params: &Params) -> Result<(), &'static str> {
    let bound = len + Compressor::max_expansion(params, len);
    if sent > bound {
        return Err("payload larger than max_expansion allows");
    }
    if kind != Kind::Noise && len >= 300 && sent * 10 > len * 6 {
        return Err("compressible message did not shrink to 60 %");
    }
    Ok(())
}

/// Bad input to a server's `recv_deflate` (and `recv`), each with its
/// RFC answer: RSV1 on a continuation or control frame, or on any frame
/// without the extension → 1002 (RFC 7692 §6.1, RFC 6455 §5.2); a corrupt
/// or truncated compressed message → 1007 (§7.2.2); a message whose
/// inflated size passes `Config::max_message_size` while its compressed
/// frames do not → 1009. `out` holds the frames, `buf` is the receive
/// buffer; the ring is on the stack.
pub fn bad_input(out: &mut [u8], buf: &mut [u8]) -> Result<(), &'static str> {
    // RFC 7692 §7.2.3.1's "Hello", split in two.
    let hello = wire_hello();
    let (head, tail) = hello.split_at(3);
    let cases: [(&[Piece], u16); 5] = [
        (
            &[
                (false, RSV1, OpCode::Text, head),
                (true, RSV1, OpCode::Continuation, tail),
            ],
            1002,
        ),
        (
            &[
                (false, RSV1, OpCode::Text, head),
                (true, RSV1, OpCode::Ping, b""),
            ],
            1002,
        ),
        // BFINAL set, BTYPE 11: a reserved block type.
        (&[(true, RSV1, OpCode::Binary, &[0xff, 0x00])], 1007),
        // Ends inside a fixed-Huffman block.
        (&[(true, RSV1, OpCode::Text, &[0xf2, 0x48])], 1007),
        // Without the extension, RSV1 is reserved.
        (&[(true, RSV1, OpCode::Text, &hello)], 1002),
    ];
    for (i, (frames, code)) in cases.iter().enumerate() {
        let mut n = 0;
        for &(fin, rsv, opcode, payload) in frames.iter() {
            let rest = out.get_mut(n..).ok_or("frames longer than out")?;
            n += raw_frame(rest, fin, rsv, opcode, payload)?;
        }
        let wire = out.get(..n).ok_or("frames longer than out")?;
        let got = failure(wire, buf, i + 1 == cases.len(), Config::new())?;
        if got.close_code().get() != *code {
            return Err("bad input answered with another close code");
        }
    }
    inflated_limit(out, buf)
}

/// 1009 from the inflated size: 4000 bytes of text compress to under
/// 60 % (at most 2400 bytes on the wire, under the 3000-byte limit) and
/// inflate past it. Not inlined (stack, as [`Scenario::one_way`]).
#[inline(never)]
fn inflated_limit(out: &mut [u8], buf: &mut [u8]) -> Result<(), &'static str> {
    let negotiated = DeflateParams {
        send_window_bits: 10,
        send_no_context_takeover: false,
        receive_window_bits: 10,
        receive_no_context_takeover: false,
    };
    let mut storage = [0u8; STORAGE];
    let mut ring = [0u8; RING];
    let limits = Config {
        max_message_size: 3000,
        ..Config::new()
    };
    let mut tx =
        Compression::new(&negotiated, Level::Default, &mut storage).map_err(|e| e.as_str())?;
    let mut rx = Decompression::new(&negotiated, &mut ring).map_err(|e| e.as_str())?;
    let mut link = Link {
        sender: Connection::new(Role::Client, Config::new()),
        tx: &mut tx,
        receiver: Connection::new(Role::Server, limits),
        rx: &mut rx,
        buf,
        filled: 0,
        keys: 7,
    };
    let mut message = [0u8; LONGEST];
    make(Kind::Text, 1, &mut message);
    if link.send(DataKind::Text, &message, 1000, out).is_ok() {
        return Err("a message inflating past the limit was received");
    }
    match link.receiver.error() {
        Some(e @ ProtocolError::MessageTooBig) if e.close_code().get() == 1009 => Ok(()),
        _ => Err("inflated-size limit not answered with 1009"),
    }
}

/// One frame as a client sends it: fin, rsv, opcode, payload.
type Piece<'p> = (bool, u8, OpCode, &'p [u8]);

/// RFC 7692 §7.2.3.1: "Hello" compressed, without its trailer.
fn wire_hello() -> [u8; 7] {
    [0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00]
}

/// Encodes a masked frame (a client's) into `out`; returns its length.
fn raw_frame(
    out: &mut [u8],
    fin: bool,
    rsv: u8,
    opcode: OpCode,
    payload: &[u8],
) -> Result<usize, &'static str> {
    let key = [0x37, 0xfa, 0x21, 0x3d];
    let header = FrameHeader {
        fin,
        rsv,
        opcode,
        mask: Some(key),
        payload_len: payload.len() as u64,
    };
    let n = frame::encode(&header, out).map_err(|e| e.as_str())?;
    let body = out
        .get_mut(n..n + payload.len())
        .ok_or("frame longer than out")?;
    for (dst, src) in body.iter_mut().zip(payload) {
        *dst = *src;
    }
    apply_mask(body, key, 0);
    Ok(n + payload.len())
}

/// Feeds `wire` to a server connection (with `recv_deflate`, or `recv`
/// if `plain`) through `buf`; returns the protocol error it failed with,
/// after checking the Close it then queues carries the same code. Not
/// inlined (stack, as [`Scenario::one_way`]).
#[inline(never)]
fn failure(
    mut wire: &[u8],
    buf: &mut [u8],
    plain: bool,
    config: Config,
) -> Result<ProtocolError, &'static str> {
    let negotiated = DeflateParams {
        send_window_bits: 9,
        send_no_context_takeover: true,
        receive_window_bits: 9,
        receive_no_context_takeover: true,
    };
    let mut ring = [0u8; RING];
    let mut z = Decompression::new(&negotiated, &mut ring).map_err(|e| e.as_str())?;
    let mut conn = Connection::new(Role::Server, config);
    let mut filled = 0;
    for _ in 0..10_000 {
        let space = buf.get_mut(filled..).unwrap_or_default();
        let n = space.len().min(wire.len());
        let (now, later) = wire.split_at(n);
        for (dst, src) in space.iter_mut().zip(now) {
            *dst = *src;
        }
        filled += n;
        wire = later;
        let input = buf.get_mut(..filled).unwrap_or_default();
        let recv = if plain {
            conn.recv(input)
        } else {
            conn.recv_deflate(input, &mut z)
        };
        let (consumed, needs_input) = match recv {
            Ok(r) => (r.consumed, r.needs_input()),
            Err(Error::Protocol(e)) => return check_close(&mut conn, e),
            Err(_) => return Err("a usage error instead of a protocol error"),
        };
        filled = keep_rest(buf, filled, consumed);
        if needs_input && wire.is_empty() {
            return Err("bad input accepted");
        }
    }
    Err("recv made no progress")
}

/// The failed connection's pending Close carries `e`'s code.
fn check_close(conn: &mut Connection, e: ProtocolError) -> Result<ProtocolError, &'static str> {
    let mut close = [0u8; wsframe::MAX_PENDING_FRAME];
    let n = conn
        .write_pending([0; 4], &mut close)
        .map_err(|e| e.as_str())?;
    let code = close.get(2..4).filter(|_| n >= 4);
    if code != Some(&e.close_code().get().to_be_bytes()[..]) {
        return Err("the failure's Close carries another code");
    }
    Ok(e)
}
