//! Differential testing of wsframe against tungstenite (a strict peer):
//! the same byte stream goes into both, in the same role, and what each
//! reports — the messages, and the verdict (the close code a failure
//! answers) — is compared. Every disagreement must fall in one of the
//! classes of [`Explained`], each argued in docs/DIFFERENTIAL.md; anything
//! else is a finding.
//!
//! tungstenite is driven through its public API over an in-memory stream
//! (`WebSocket::from_raw_socket`), whose reads end in `WouldBlock` so that
//! "the input ran out" is never mistaken for a verdict.

use std::io::{self, Cursor, Read, Write};

use tungstenite::protocol::{Role as TRole, WebSocket, WebSocketConfig};
use tungstenite::{Error as TError, Message};
use wsframe::testing::record::{Seen, record};
use wsframe::{Config, Connection, DataKind, ProtocolError, Role};

/// How a side ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// It failed the connection; the close code the failure answers.
    Fail(u16),
    /// The peer's Close arrived (nothing after it is compared).
    Closed,
    /// The input ran out with no verdict.
    NeedMore,
}

/// What one side made of a stream.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// Reports, in order, data joined per message (wsframe's through the
    /// core's test recorder, `Seen::Failed` left out: the verdict says it).
    pub items: Vec<Seen>,
    /// How it ended.
    pub verdict: Verdict,
}

/// wsframe's outcome, with the error and the offset of the frame it
/// failed on.
#[derive(Clone, Debug)]
pub struct WsOutcome {
    /// Items and verdict.
    pub outcome: Outcome,
    /// The protocol error, if it failed.
    pub error: Option<ProtocolError>,
    /// Where the frame that failed starts in the stream.
    pub fail_at: usize,
}

/// Feeds the whole stream to wsframe (through the core's test recorder,
/// which also checks the invariants of every `recv`).
#[must_use]
pub fn run_wsframe(role: Role, stream: &[u8]) -> WsOutcome {
    let mut conn = Connection::new(role, Config::new());
    let record = record(&mut conn, stream, &[stream.len()]);
    let error = record.error();
    let mut items = record.messages();
    let verdict = match error {
        Some(e) => {
            items.pop();
            Verdict::Fail(e.close_code().get())
        }
        // Nothing after the peer's Close is reported (connection.rs rule 6).
        None if matches!(items.last(), Some(Seen::Close(..))) => Verdict::Closed,
        None => Verdict::NeedMore,
    };
    WsOutcome {
        outcome: Outcome { items, verdict },
        error,
        fail_at: if error.is_some() {
            record.frame_start
        } else {
            0
        },
    }
}

/// An in-memory socket: reads the stream, then `WouldBlock`; keeps writes.
struct Mem {
    input: Cursor<Vec<u8>>,
    output: Vec<u8>,
}

impl Read for Mem {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self.input.read(buf)? {
            0 if !buf.is_empty() => Err(io::ErrorKind::WouldBlock.into()),
            n => Ok(n),
        }
    }
}

impl Write for Mem {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.output.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The close code RFC 6455 §7.4.1 gives a tungstenite read error.
fn tungstenite_code(e: &TError) -> Option<u16> {
    match e {
        TError::Protocol(_) => Some(1002),
        TError::Utf8(_) => Some(1007),
        TError::Capacity(_) => Some(1009),
        _ => None,
    }
}

/// Feeds the whole stream to tungstenite in the same role, with its
/// default limits (the same 16 MiB frame and 64 MiB message as wsframe).
#[must_use]
pub fn run_tungstenite(role: Role, stream: &[u8]) -> Outcome {
    let role = match role {
        Role::Server => TRole::Server,
        Role::Client => TRole::Client,
    };
    let mem = Mem {
        input: Cursor::new(stream.to_vec()),
        output: Vec::new(),
    };
    let mut ws = WebSocket::from_raw_socket(mem, role, Some(WebSocketConfig::default()));
    let mut items = Vec::new();
    loop {
        match ws.read() {
            Ok(Message::Text(t)) => items.push(Seen::message(DataKind::Text, t.as_bytes())),
            Ok(Message::Binary(b)) => items.push(Seen::message(DataKind::Binary, b.to_vec())),
            Ok(Message::Ping(p)) => items.push(Seen::Ping(p.to_vec())),
            Ok(Message::Pong(p)) => items.push(Seen::Pong(p.to_vec())),
            Ok(Message::Close(c)) => {
                let (code, reason) = c.map_or((1005, String::new()), |c| {
                    (u16::from(c.code), c.reason.as_str().to_owned())
                });
                items.push(Seen::Close(code, reason));
                return Outcome {
                    items,
                    verdict: Verdict::Closed,
                };
            }
            Ok(Message::Frame(_)) => unreachable!("raw frames are never read"),
            Err(TError::Io(e)) if e.kind() == io::ErrorKind::WouldBlock => {
                return Outcome {
                    items,
                    verdict: Verdict::NeedMore,
                };
            }
            Err(e) => {
                let code = tungstenite_code(&e).unwrap_or_else(|| panic!("tungstenite: {e:?}"));
                return Outcome {
                    items,
                    verdict: Verdict::Fail(code),
                };
            }
        }
    }
}

/// A disagreement that docs/DIFFERENTIAL.md explains.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Explained {
    /// A length not in its minimal form: wsframe fails (1002, §5.2 "the
    /// minimal number of bytes MUST be used"); tungstenite reads on.
    NonMinimalLength,
    /// A 64-bit length with the top bit set: wsframe 1002 (§5.2); for
    /// tungstenite it is just larger than its frame limit (1009).
    TopBitLength,
    /// wsframe judged a frame from its header (or a text payload as it
    /// streamed in) before the frame was complete; tungstenite waits for
    /// the whole frame and the stream ended first.
    EarlyVerdict,
    /// A Close with a code that may not be sent: wsframe fails with 1002;
    /// tungstenite reports the Close as 1002 "Protocol violation" and
    /// echoes 1002. The same answer on the wire.
    InvalidCloseCode,
    /// Close code 1014 (registered with IANA after RFC 6455): wsframe
    /// accepts it; tungstenite treats it as invalid (1002).
    CloseCode1014,
    /// One frame breaks two rules answered with different codes: a 1002
    /// rule in a header declaring more than the 16 MiB frame limit (1009),
    /// or a Close with both a bad code (1002) and a non-UTF-8 reason
    /// (1007). Both fail on the same frame; the RFC does not order the
    /// checks.
    RuleOrder,
}

/// Where the frame starting at `at` ends, if the stream holds all of it,
/// and its declared payload length (None if the header is incomplete).
fn frame_extent(stream: &[u8], at: usize) -> (Option<u64>, bool) {
    let s = stream.get(at..).unwrap_or_default();
    let (Some(&b1), len7) = (s.get(1), s.get(1).map(|b| b & 0x7F)) else {
        return (None, false);
    };
    let ext = match len7 {
        Some(126) => 2,
        Some(127) => 8,
        _ => 0,
    };
    let mask = if b1 & 0x80 != 0 { 4 } else { 0 };
    let Some(bytes) = s.get(2..2 + ext) else {
        return (None, false);
    };
    let len = match ext {
        0 => u64::from(b1 & 0x7F),
        _ => bytes.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b)),
    };
    let total = (2 + ext + mask) as u64 + len;
    (Some(len), (s.len() as u64) >= total)
}

/// The unmasked payload of the complete frame starting at `at`.
fn frame_payload(stream: &[u8], at: usize) -> Option<Vec<u8>> {
    let s = stream.get(at..)?;
    let b1 = *s.get(1)?;
    let ext = match b1 & 0x7F {
        126 => 2,
        127 => 8,
        _ => 0,
    };
    let (len, complete) = frame_extent(stream, at);
    let len = usize::try_from(len?).ok()?;
    if !complete {
        return None;
    }
    let start = 2 + ext + if b1 & 0x80 != 0 { 4 } else { 0 };
    let mut payload = s.get(start..start + len)?.to_vec();
    if b1 & 0x80 != 0 {
        let key = s.get(2 + ext..6 + ext)?;
        for (i, b) in payload.iter_mut().enumerate() {
            *b ^= key[i % 4];
        }
    }
    Some(payload)
}

/// Whether the Close frame at `at` has both a code that may not be sent
/// and a reason that is not UTF-8.
fn close_breaks_two_rules(stream: &[u8], at: usize) -> bool {
    frame_payload(stream, at).is_some_and(|p| {
        p.len() >= 2
            && !wsframe::CloseCode::new(u16::from_be_bytes([p[0], p[1]])).is_sendable()
            && std::str::from_utf8(&p[2..]).is_err()
    })
}

/// Whether the control frame at `at` uses an extended length form for a
/// payload of at most 125 bytes.
fn control_non_minimal(stream: &[u8], at: usize) -> bool {
    let ext = stream.get(at + 1).is_some_and(|b| b & 0x7F >= 126);
    ext && frame_extent(stream, at).0.is_some_and(|len| len <= 125)
}

/// Compares wsframe and tungstenite on `stream`.
///
/// # Errors
/// A description of a disagreement that no [`Explained`] class covers.
pub fn compare(role: Role, stream: &[u8]) -> Result<Option<Explained>, String> {
    let ws = run_wsframe(role, stream);
    let tg = run_tungstenite(role, stream);
    let (w, t) = (&ws.outcome, &tg);
    if w == t {
        return Ok(None);
    }
    let prefix_agrees = t.items.starts_with(&w.items) || w.items.starts_with(&t.items);
    let (complete_frame, declared) = {
        let (len, complete) = frame_extent(stream, ws.fail_at);
        (complete, len)
    };
    let explained = match (ws.error, w.verdict, t.verdict) {
        (Some(ProtocolError::NonMinimalLength), _, _) if t.items.starts_with(&w.items) => {
            Some(Explained::NonMinimalLength)
        }
        // A control frame's 7-bit field announcing an extended length is
        // refused at once as "too long": the same 1002, named differently.
        (Some(ProtocolError::ControlFrameTooLong), _, _)
            if control_non_minimal(stream, ws.fail_at) && t.items.starts_with(&w.items) =>
        {
            Some(Explained::NonMinimalLength)
        }
        (Some(ProtocolError::InvalidCloseCode), _, Verdict::Fail(1007))
            if w.items == t.items && close_breaks_two_rules(stream, ws.fail_at) =>
        {
            Some(Explained::RuleOrder)
        }
        (Some(ProtocolError::LengthTopBitSet), _, Verdict::Fail(1009) | Verdict::NeedMore)
            if w.items == t.items =>
        {
            Some(Explained::TopBitLength)
        }
        (Some(ProtocolError::InvalidCloseCode), _, Verdict::Closed)
            if t.items.last() == Some(&Seen::Close(1002, "Protocol violation".into()))
                && t.items[..t.items.len() - 1] == w.items[..] =>
        {
            Some(Explained::InvalidCloseCode)
        }
        (Some(_), Verdict::Fail(_), Verdict::NeedMore) if !complete_frame && w.items == t.items => {
            Some(Explained::EarlyVerdict)
        }
        (Some(e), Verdict::Fail(1002), Verdict::Fail(1009))
            if e.close_code().get() == 1002
                && w.items == t.items
                && declared.is_some_and(|l| l > 16 << 20) =>
        {
            Some(Explained::RuleOrder)
        }
        (None, Verdict::Closed, Verdict::Closed)
            if w.items
                .last()
                .is_some_and(|i| matches!(i, Seen::Close(1014, _)))
                && t.items.last() == Some(&Seen::Close(1002, "Protocol violation".into()))
                && w.items[..w.items.len() - 1] == t.items[..t.items.len() - 1] =>
        {
            Some(Explained::CloseCode1014)
        }
        _ => None,
    };
    explained.map(Some).ok_or_else(|| {
        format!(
            "unexplained difference ({role:?}, prefix agrees: {prefix_agrees}):\n  wsframe:     {:?} {:?} at {} \n  tungstenite: {:?}\n  stream: {:02x?}",
            ws.error,
            w.verdict,
            ws.fail_at,
            t.verdict,
            &stream[..stream.len().min(200)],
        ) + &format!("\n  items: {} vs {}", w.items.len(), t.items.len())
    })
}

/// A small deterministic PRNG (xorshift64*), so runs are reproducible
/// from their seed.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    #[must_use]
    pub fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// True with probability `1/n`.
    pub fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }

    /// `len` random bytes.
    pub fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next_u64() as u8).collect()
    }
}

/// Options for one generated frame.
#[derive(Clone, Copy, Debug, Default)]
struct Shape {
    fin: bool,
    rsv: u8,
    opcode: u8,
    /// Masked (what a client sends).
    masked: bool,
    /// Encode the length in a longer form than needed.
    non_minimal: bool,
}

fn encode(shape: Shape, payload: &[u8], key: [u8; 4]) -> Vec<u8> {
    let mut out = vec![(u8::from(shape.fin) << 7) | (shape.rsv << 4) | (shape.opcode & 0x0F)];
    let m = if shape.masked { 0x80 } else { 0 };
    let n = payload.len();
    if n < 126 && !shape.non_minimal {
        out.push(m | n as u8);
    } else if n < 0x1_0000 && !(shape.non_minimal && n >= 126) {
        out.push(m | 126);
        out.extend_from_slice(&(n as u16).to_be_bytes());
    } else {
        out.push(m | 127);
        out.extend_from_slice(&(n as u64).to_be_bytes());
    }
    if shape.masked {
        out.extend_from_slice(&key);
        out.extend(payload.iter().enumerate().map(|(i, b)| b ^ key[i % 4]));
    } else {
        out.extend_from_slice(payload);
    }
    out
}

/// Text pieces that mix 1- to 4-byte code points.
const TEXT: &str = "Hello κόσμε € 𝄞 ✓ wsframe";

fn text(rng: &mut Rng, max: usize) -> Vec<u8> {
    let bytes = TEXT.as_bytes();
    let start = rng.below(bytes.len());
    let len = rng.below(max.min(bytes.len() - start) + 1);
    bytes[start..start + len].to_vec()
}

/// A random stream of frames as a peer of `role` would send it: mostly
/// valid, with a rule broken now and then (one in `bad` frames), and
/// sometimes cut short.
#[must_use]
pub fn stream(rng: &mut Rng, role: Role, bad: usize) -> Vec<u8> {
    if rng.one_in(12) {
        let len = rng.below(64);
        return rng.bytes(len);
    }
    let peer_masks = role == Role::Server;
    let mut out = Vec::new();
    let mut in_message: Option<u8> = None;
    for _ in 0..rng.below(8) + 1 {
        let key = [rng.next_u64() as u8, 0x5A, rng.next_u64() as u8, 0xA5];
        let mut shape = Shape {
            fin: true,
            masked: peer_masks,
            ..Shape::default()
        };
        let payload = match rng.below(10) {
            0..=2 => {
                // Data: start or continue a message.
                let (op, kind) = match in_message {
                    Some(kind) => (0, kind),
                    None => {
                        let kind = if rng.one_in(2) { 1 } else { 2 };
                        (kind, kind)
                    }
                };
                shape.opcode = op;
                shape.fin = !rng.one_in(3);
                in_message = (!shape.fin).then_some(kind);
                if kind == 1 {
                    text(rng, 40)
                } else {
                    let len = [0, 1, 125, 126, 300, 65_535, 65_536][rng.below(7)];
                    let len = if len > 1000 && !rng.one_in(8) {
                        50
                    } else {
                        len
                    };
                    rng.bytes(len)
                }
            }
            3 | 4 => {
                shape.opcode = 9;
                let len = rng.below(126);
                rng.bytes(len)
            }
            5 => {
                shape.opcode = 10;
                let len = rng.below(20);
                rng.bytes(len)
            }
            6 => {
                shape.opcode = 8;
                match rng.below(4) {
                    0 => Vec::new(),
                    _ => {
                        let codes = [1000, 1001, 1003, 1007, 1011, 1012, 1013, 3000, 4999];
                        let code: u16 = codes[rng.below(codes.len())];
                        let mut p = code.to_be_bytes().to_vec();
                        p.extend(text(rng, 30));
                        p
                    }
                }
            }
            _ => {
                // A fragment of an ongoing or new message, split inside a
                // code point now and then.
                let (op, kind) = match in_message {
                    Some(kind) => (0, kind),
                    None => (1, 1),
                };
                shape.opcode = op;
                shape.fin = rng.one_in(2);
                in_message = (!shape.fin).then_some(kind);
                let t = "€𝄞".as_bytes();
                let cut = rng.below(t.len() + 1);
                if rng.one_in(2) {
                    t[..cut].to_vec()
                } else {
                    t[cut..].to_vec()
                }
            }
        };
        let mut payload = payload;
        let declared = if rng.one_in(bad) {
            break_a_rule(rng, &mut shape, &mut payload, &mut in_message)
        } else {
            None
        };
        match declared {
            Some(len) => {
                let m = if shape.masked { 0x80 } else { 0 };
                out.extend_from_slice(&[0x82, m | 127]);
                out.extend_from_slice(&len.to_be_bytes());
                if shape.masked {
                    out.extend_from_slice(&key);
                }
                out.extend_from_slice(&payload);
            }
            None => out.extend(encode(shape, &payload, key)),
        }
    }
    if rng.one_in(5) {
        let cut = rng.below(out.len() + 1);
        out.truncate(cut);
    }
    out
}

/// Breaks one rule in the frame about to be written; returns a declared
/// length to write instead of the payload's own.
fn break_a_rule(
    rng: &mut Rng,
    shape: &mut Shape,
    payload: &mut Vec<u8>,
    msg: &mut Option<u8>,
) -> Option<u64> {
    match rng.below(16) {
        0 => shape.rsv = 1 << rng.below(3),
        1 => shape.opcode = [3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF][rng.below(10)],
        2 => shape.masked = !shape.masked,
        3 => shape.non_minimal = true,
        4 => {
            shape.opcode = 9;
            shape.fin = true;
            let len = 126 + rng.below(100);
            *payload = rng.bytes(len);
        }
        5 => {
            shape.opcode = [8, 9, 10][rng.below(3)];
            shape.fin = false;
        }
        6 => {
            shape.opcode = 8;
            *payload = vec![0x03];
        }
        7 => {
            shape.opcode = 8;
            let codes = [
                0u16, 999, 1004, 1005, 1006, 1014, 1015, 1016, 2999, 5000, 65535,
            ];
            *payload = codes[rng.below(codes.len())].to_be_bytes().to_vec();
        }
        8 => {
            shape.opcode = 8;
            *payload = b"\x03\xe8bad \xff reason".to_vec();
        }
        9 => {
            shape.opcode = if msg.is_some() { 0 } else { 1 };
            let bad: [&[u8]; 4] = [b"\xff", b"\xed\xa0\x80", b"\xc0\xaf", b"\xf4\x90\x80\x80"];
            payload.extend_from_slice(bad[rng.below(4)]);
            if shape.opcode == 1 {
                *msg = (!shape.fin).then_some(1);
            }
        }
        10 => {
            // A text message that ends inside a code point.
            shape.opcode = if msg.is_some() { 0 } else { 1 };
            shape.fin = true;
            payload.extend_from_slice(b"\xe2\x82");
            *msg = None;
        }
        11 => {
            shape.opcode = 0;
            *msg = (!shape.fin).then_some(2);
        }
        12 => {
            if msg.is_none() {
                shape.opcode = 2;
                shape.fin = false;
                *msg = Some(2);
            }
            // The next data frame will be a new message: force it.
            *payload = Vec::new();
            shape.opcode = if shape.opcode == 0 { 2 } else { shape.opcode };
        }
        13 | 14 => {
            // A declared length no payload follows: the top bit set, or
            // over the 16 MiB frame limit.
            let len = rng.below(8);
            *payload = rng.bytes(len);
            return Some(if rng.one_in(2) {
                (1 << 63) | rng.next_u64()
            } else {
                (16 << 20) + 1 + rng.next_u64() % 1000
            });
        }
        _ => shape.opcode = 0,
    }
    None
}

// ------------------------------------------------------------ handshakes

/// What a server made of a request head: accepted (with the
/// `Sec-WebSocket-Accept` it would send) or refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HeadVerdict {
    /// A 101 with this accept value.
    Accept(Vec<u8>),
    /// Refused (wsframe: the HTTP status it answers with).
    Refuse(Option<u16>),
}

/// wsframe's server side on a complete request head.
#[must_use]
pub fn wsframe_accepts(head: &[u8]) -> HeadVerdict {
    use wsframe::handshake::{Request, Status};
    match Request::parse(head, &wsframe::HandshakeLimits::new()) {
        Ok(Status::Complete(r)) => {
            HeadVerdict::Accept(wsframe::handshake::accept_key(r.key()).to_vec())
        }
        Ok(Status::Partial) => HeadVerdict::Refuse(None),
        Err(e) => HeadVerdict::Refuse(e.http_status()),
    }
}

/// tungstenite's server side (`tungstenite::accept`) on a request head.
#[must_use]
pub fn tungstenite_accepts(head: &[u8]) -> HeadVerdict {
    let mem = Mem {
        input: Cursor::new(head.to_vec()),
        output: Vec::new(),
    };
    match tungstenite::accept(mem) {
        Ok(ws) => {
            let out = &ws.get_ref().output;
            let text = String::from_utf8_lossy(out);
            let accept = text
                .lines()
                .find_map(|l| {
                    let (name, value) = l.split_once(':')?;
                    name.eq_ignore_ascii_case("sec-websocket-accept")
                        .then(|| value.trim().as_bytes().to_vec())
                })
                .unwrap_or_default();
            HeadVerdict::Accept(accept)
        }
        Err(_) => HeadVerdict::Refuse(None),
    }
}
