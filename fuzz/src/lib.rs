//! Helpers shared by the fuzz targets: the role and config a connection
//! input selects, a run of the connection through the core's test recorder
//! (`wsframe::testing::record`, which checks the invariants of
//! `Connection::recv` on every call) with the state it ends in, and how an
//! input is cut into chunk sizes; and (`deflate_conn`) permessage-deflate
//! through the connection, received under invariants and sent.

pub mod deflate_conn;

use wsframe::{Config, Role};
#[cfg(feature = "std")]
use wsframe::{Connection, testing::record::Record};

/// Everything a run produced that does not depend on the chunking: the
/// recorded events (data joined per wire frame), the last frame still in
/// progress, and the final state with the pending frame.
#[cfg(feature = "std")]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Run {
    /// Events, the frame in progress, the offset where it starts.
    pub record: Record,
    /// `Connection::state` at the end.
    pub state: wsframe::State,
    /// The frame in the "must send" slot at the end.
    pub pending: Vec<u8>,
}

/// The first byte of a connection input selects the role and config.
#[must_use]
pub fn role_and_config(flags: u8) -> (Role, Config) {
    let role = if flags & 1 == 0 {
        Role::Server
    } else {
        Role::Client
    };
    let mut config = Config::new();
    if flags & 2 != 0 {
        // Small limits, so the fuzzer reaches 1009 with short inputs.
        config.max_frame_size = 64;
        config.max_message_size = 100;
        config.max_fragments = 4;
    }
    config.validate_utf8 = flags & 4 == 0;
    config.auto_pong = flags & 8 == 0;
    (role, config)
}

/// Feeds `stream` to a new connection in chunks of `chunks` bytes (cycled;
/// 0 counts as 1) through `wsframe::testing::record::record`, then takes the
/// pending frame. Needs the core's `std` (the recorder's `Vec`s).
///
/// # Panics
/// When an invariant the recorder checks breaks: that is the finding.
#[cfg(feature = "std")]
#[must_use]
pub fn drive(role: Role, config: Config, stream: &[u8], chunks: &[usize]) -> Run {
    let mut conn = Connection::new(role, config);
    let record = wsframe::testing::record::record(&mut conn, stream, chunks);
    let mut out = [0u8; wsframe::MAX_PENDING_FRAME];
    let n = conn
        .write_pending([1, 2, 3, 4], &mut out)
        .expect("MAX_PENDING_FRAME always fits");
    Run {
        record,
        state: conn.state(),
        pending: out[..n].to_vec(),
    }
}

/// Splits fuzz input into a few chunk sizes (from the `n` bytes after the
/// first) and the rest.
#[must_use]
pub fn chunk_sizes(data: &[u8]) -> (Vec<usize>, &[u8]) {
    let Some((&n, rest)) = data.split_first() else {
        return (vec![1], data);
    };
    let n = usize::from(n % 8) + 1;
    let n = n.min(rest.len());
    let (sizes, rest) = rest.split_at(n);
    let mut sizes: Vec<usize> = sizes.iter().map(|&b| usize::from(b) + 1).collect();
    if sizes.is_empty() {
        sizes.push(1);
    }
    (sizes, rest)
}

/// Header lines `httparse` parsed, as the core's own `Header`s (what a host
/// whose HTTP stack parsed the head hands to `from_parsed`/`check_parsed`).
pub fn core_headers<'b>(parsed: &[httparse::Header<'b>]) -> Vec<wsframe::handshake::Header<'b>> {
    parsed
        .iter()
        .map(|h| wsframe::handshake::Header {
            name: h.name,
            value: h.value,
        })
        .collect()
}
