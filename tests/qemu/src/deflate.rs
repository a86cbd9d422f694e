//! permessage-deflate on bare metal: compress → inflate round trips over
//! caller memory on the stack (no allocator in any firmware), the QEMU
//! scenarios at windows 9 and 10 (RFC 7692 §7.1.2), and the round trip the
//! panic-free firmware drives with random parameters.
//!
//! A message is compressed in pieces into a wire-sized buffer (one frame's
//! worth per call); every compressed piece is inflated at once into a ring
//! of 2^N bytes and compared byte for byte with the message, then the
//! message is ended as §7.2.2 says (`finish_message`: the four trailer
//! bytes the sender removed).

use wsframe::deflate::{
    Compressor, Flush, InflateStatus, Inflater, Level, MAX_WINDOW_BITS, Params, Status,
};

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

/// A QEMU scenario: every message of [`MESSAGES`] through one
/// compressor/inflater pair.
pub struct Scenario {
    /// Its name in the log.
    pub name: &'static str,
    window_bits: u8,
    level: Level,
    takeover: bool,
}

macro_rules! scenarios {
    ($($name:literal $bits:literal $level:ident $takeover:literal),* $(,)?) => {
        [$(Scenario { name: $name, window_bits: $bits, level: Level::$level, takeover: $takeover }),*]
    };
}

/// Windows 9 and 10 × both levels × context takeover on and off.
pub const SCENARIOS: [Scenario; 8] = scenarios![
    "deflate window 9, fast, context takeover" 9 Fast true,
    "deflate window 9, fast, no context takeover" 9 Fast false,
    "deflate window 9, default, context takeover" 9 Default true,
    "deflate window 9, default, no context takeover" 9 Default false,
    "deflate window 10, fast, context takeover" 10 Fast true,
    "deflate window 10, fast, no context takeover" 10 Fast false,
    "deflate window 10, default, context takeover" 10 Default true,
    "deflate window 10, default, no context takeover" 10 Default false,
];

impl Scenario {
    /// Runs the scenario with `wire` (any size) as the frame buffer.
    /// Everything else is on the stack.
    pub fn run(&self, wire: &mut [u8]) -> Result<(), &'static str> {
        let params = Params::new(self.window_bits, self.level)
            .ok_or("window bits outside 8..=15")?
            .with_context_takeover(self.takeover);
        let mut storage = [0u8; STORAGE];
        let mut ring = [0u8; RING];
        let mut codec = Codec::new(params, self.takeover, &mut storage, &mut ring)?;
        let mut message = [0u8; LONGEST];
        let mut previous = 0;
        for (i, &(kind, len, piece)) in MESSAGES.iter().enumerate() {
            let message = message.get_mut(..len).ok_or("message too long")?;
            // The last two messages are the same text.
            let seed = if i + 1 == MESSAGES.len() { i - 1 } else { i };
            make(kind, 0x9e37_79b9 ^ seed as u32, message);
            // Alternate small and unlimited lending from the ring.
            codec.max_out = if i % 2 == 0 { 97 } else { usize::MAX };
            let sent = codec.round_trip(message, piece, wire)?;
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
