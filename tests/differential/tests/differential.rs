//! The same random streams into wsframe and tungstenite, in both roles:
//! every disagreement must be one that docs/DIFFERENTIAL.md explains.
//!
//! `DIFF_CASES` (default 20 000 per role) and `DIFF_SEED` set the run.

use std::collections::BTreeMap;

use wsframe::Role;
use wsframe_differential::{Rng, compare, stream};

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[test]
fn random_streams_agree_or_differ_as_explained() {
    let cases = env("DIFF_CASES", 20_000);
    let seed = env("DIFF_SEED", 6455);
    let mut classes = BTreeMap::new();
    let mut agreed = 0;
    let mut failures = Vec::new();
    for role in [Role::Server, Role::Client] {
        for case in 0..cases {
            let mut rng = Rng::new(seed ^ (case << 1) ^ u64::from(role == Role::Client));
            let bytes = stream(&mut rng, role, 6);
            match compare(role, &bytes) {
                Ok(None) => agreed += 1,
                Ok(Some(class)) => *classes.entry(class).or_insert(0u64) += 1,
                Err(e) => failures.push(format!("case {case}: {e}")),
            }
        }
    }
    println!("agreed: {agreed}; explained differences: {classes:?}");
    for f in failures.iter().take(10) {
        println!("{f}");
    }
    assert!(
        failures.is_empty(),
        "{} unexplained differences",
        failures.len()
    );
}

/// Not compared by the random run (it stops at the first Close), shown
/// here: what each does with frames after the peer's Close.
#[test]
fn data_after_the_peers_close() {
    use wsframe::testing::record::Seen;
    use wsframe_differential::{Verdict, run_tungstenite, run_wsframe};
    // Unmasked: what a server sends to a client.
    let stream = [&[0x88, 0x02, 0x03, 0xe8][..], &[0x82, 0x01, 0xAA]].concat();
    let ws = run_wsframe(Role::Client, &stream);
    let tg = run_tungstenite(Role::Client, &stream);
    assert_eq!(ws.outcome.items, [Seen::Close(1000, String::new())]);
    assert_eq!(tg.items, ws.outcome.items);
    assert_eq!(
        (ws.outcome.verdict, tg.verdict),
        (Verdict::Closed, Verdict::Closed)
    );
    // After the Close: wsframe discards the rest (connection.rs rule 6),
    // tungstenite (client role) fails with ReceivedAfterClosing.
    let mut conn = wsframe::Connection::new(Role::Client, wsframe::Config::new());
    let mut buf = stream.clone();
    let consumed = conn.recv(&mut buf).unwrap().consumed;
    let mut rest = buf[consumed..].to_vec();
    let r = conn.recv(&mut rest).unwrap();
    assert_eq!((r.consumed, r.event), (3, None));
}
