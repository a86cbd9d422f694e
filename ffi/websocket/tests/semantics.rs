//! The websocket.dll layer's semantics through its exports (the C suite in
//! tests/websocketdll covers every export and error; these tests check
//! what C cannot easily: the wire bytes against the core as an independent
//! peer, zero-copy, masking, and randomised sizes and read chunking).
#![allow(unsafe_code)]

use core::ffi::c_void;
use core::ptr::{null, null_mut};

use websocket::types::{Buffer, DataView, HttpHeader, S_OK, action, buffer_type as bt, queue};
use websocket::*;
use wsframe::{Config, Connection, DataKind, Event, Role};

fn header(name: &'static str, value: &[u8]) -> HttpHeader {
    HttpHeader {
        name: name.as_ptr(),
        name_len: name.len() as u32,
        value: value.as_ptr(),
        value_len: value.len() as u32,
    }
}

/// Copies of the header array a Begin call returned.
fn headers(ptr: *mut HttpHeader, n: u32) -> Vec<(String, Vec<u8>)> {
    (0..n as usize)
        .map(|i| {
            // SAFETY: the DLL returned `n` headers with counted strings.
            unsafe {
                let h = ptr.add(i).read();
                let name = std::slice::from_raw_parts(h.name, h.name_len as usize);
                let value = std::slice::from_raw_parts(h.value, h.value_len as usize);
                (String::from_utf8(name.to_vec()).unwrap(), value.to_vec())
            }
        })
        .collect()
}

/// An open handle of `role` after the framing-only ("fake") handshake.
fn open(role: Role) -> *mut c_void {
    let mut h = null_mut();
    let (mut out, mut n) = (null_mut(), 0);
    // SAFETY: valid pointers throughout; headers outlive the calls.
    unsafe {
        if role == Role::Server {
            assert_eq!(WebSocketCreateServerHandle(null(), 0, &mut h), S_OK);
            let req = [
                header("Connection", b"Upgrade"),
                header("Upgrade", b"websocket"),
                header("Host", b""),
                header("Sec-WebSocket-Version", b"13"),
                header("Sec-WebSocket-Key", b"AAAAAAAAAAAAAAAAAAAAAA=="),
            ];
            let hr = WebSocketBeginServerHandshake(
                h,
                null(),
                null(),
                0,
                req.as_ptr(),
                5,
                &mut out,
                &mut n,
            );
            assert_eq!(hr, S_OK);
            assert_eq!(WebSocketEndServerHandshake(h), S_OK);
        } else {
            assert_eq!(WebSocketCreateClientHandle(null(), 0, &mut h), S_OK);
            let hr =
                WebSocketBeginClientHandshake(h, null(), 0, null(), 0, null(), 0, &mut out, &mut n);
            assert_eq!(hr, S_OK);
            let got = headers(out, n);
            let key = &got
                .iter()
                .find(|(k, _)| k == "Sec-WebSocket-Key")
                .unwrap()
                .1;
            let accept = wsframe::handshake::accept_key(key);
            let resp = [
                header("Connection", b"Upgrade"),
                header("Upgrade", b"websocket"),
                header("Sec-WebSocket-Accept", &accept),
            ];
            let hr = WebSocketEndClientHandshake(
                h,
                resp.as_ptr(),
                3,
                null_mut(),
                null_mut(),
                null_mut(),
            );
            assert_eq!(hr, S_OK);
        }
    }
    h
}

/// One `WebSocketGetAction` with room for two buffers.
struct Got {
    action: u32,
    kind: u32,
    app: *mut c_void,
    ctx: *mut c_void,
    bufs: Vec<(*mut u8, usize)>,
}

fn get(h: *mut c_void, q: u32) -> Got {
    try_get(h, q).expect("S_OK")
}

/// `WebSocketGetAction`, its failure as the HRESULT.
fn try_get(h: *mut c_void, q: u32) -> Result<Got, i32> {
    let empty = Buffer {
        data: DataView {
            buffer: null_mut(),
            len: 0,
        },
    };
    let mut b = [empty; 2];
    let (mut n, mut a, mut t) = (2, 0, 0);
    let (mut app, mut ctx) = (null_mut(), null_mut());
    // SAFETY: every pointer is valid; `b` has room for `n`.
    let hr = unsafe {
        WebSocketGetAction(
            h,
            q,
            b.as_mut_ptr(),
            &mut n,
            &mut a,
            &mut t,
            &mut app,
            &mut ctx,
        )
    };
    if hr != S_OK {
        return Err(hr);
    }
    let bufs = b[..n as usize]
        .iter()
        // SAFETY: the data view is what these actions fill.
        .map(|x| unsafe { (x.data.buffer, x.data.len as usize) })
        .collect();
    Ok(Got {
        action: a,
        kind: t,
        app,
        ctx,
        bufs,
    })
}

/// Performs the send side of `h` until it is idle; returns the wire bytes
/// and the number of SEND_TO_NETWORK actions.
fn drain_sends(h: *mut c_void, payload: &[u8], zero_copy: &mut bool) -> (Vec<u8>, usize) {
    let (mut wire, mut actions) = (Vec::new(), 0);
    loop {
        let g = get(h, queue::SEND);
        match g.action {
            action::NO_ACTION => return (wire, actions),
            action::SEND_TO_NETWORK => {
                actions += 1;
                let mut total = 0;
                for &(p, len) in &g.bufs {
                    if p.cast_const() == payload.as_ptr() && len == payload.len() {
                        *zero_copy = true;
                    }
                    // SAFETY: the DLL hands out `len` readable bytes.
                    wire.extend_from_slice(unsafe { std::slice::from_raw_parts(p, len) });
                    total += len;
                }
                // SAFETY: the context the DLL gave.
                unsafe { WebSocketCompleteAction(h, g.ctx, total as u32) };
            }
            action::INDICATE_SEND_COMPLETE => {
                // SAFETY: as above.
                unsafe { WebSocketCompleteAction(h, g.ctx, 0) };
            }
            other => panic!("unexpected action {other}"),
        }
    }
}

fn send(h: *mut c_void, kind: u32, payload: &[u8]) {
    let b = Buffer {
        data: DataView {
            buffer: payload.as_ptr().cast_mut(),
            len: payload.len() as u32,
        },
    };
    // SAFETY: `payload` outlives the send (drained before returning).
    assert_eq!(
        unsafe { WebSocketSend(h, kind, &b, 7 as *mut c_void) },
        S_OK
    );
}

/// Decodes `wire` with a plain core connection of `role`: the messages.
fn decode(role: Role, wire: &mut [u8]) -> Vec<(DataKind, Vec<u8>)> {
    let mut conn = Connection::new(role, Config::new());
    let (mut at, mut out, mut cur) = (0, Vec::new(), Vec::new());
    while at < wire.len() {
        let r = conn.recv(&mut wire[at..]).expect("valid frames");
        at += r.consumed;
        if let Some(Event::Data {
            kind,
            payload,
            message_end,
            ..
        }) = r.event
        {
            cur.extend_from_slice(payload);
            if message_end {
                out.push((kind, std::mem::take(&mut cur)));
            }
        }
        if r.needs_input() {
            break;
        }
    }
    out
}

#[test]
fn client_frames_are_masked_and_valid() {
    let h = open(Role::Client);
    let payload: Vec<u8> = (0..20_000u32).map(|i| (i % 251) as u8).collect();
    send(h, bt::BINARY_MESSAGE, &payload);
    let mut zero_copy = false;
    let (mut wire, actions) = drain_sends(h, &payload, &mut zero_copy);
    assert!(!zero_copy, "a masked payload cannot be the caller's bytes");
    assert!(actions > 1, "20 000 bytes go out in send-buffer chunks");
    assert_eq!(wire[1] & 0x80, 0x80, "MASK bit set (RFC 6455 §5.3)");
    assert!(
        wire.windows(64).all(|w| w != &payload[..64]),
        "payload masked"
    );
    assert_eq!(
        decode(Role::Server, &mut wire),
        vec![(DataKind::Binary, payload)]
    );
    // SAFETY: a live handle.
    unsafe { WebSocketDeleteHandle(h) };
}

#[test]
fn server_payload_is_zero_copy() {
    let h = open(Role::Server);
    let payload = vec![b'z'; 100_000];
    send(h, bt::UTF8_MESSAGE, &payload);
    let mut zero_copy = false;
    let (mut wire, actions) = drain_sends(h, &payload, &mut zero_copy);
    assert!(zero_copy && actions == 1);
    assert_eq!(
        decode(Role::Client, &mut wire),
        vec![(DataKind::Text, payload)]
    );
    // SAFETY: a live handle.
    unsafe { WebSocketDeleteHandle(h) };
}

/// Receives `wire` through `h`, `chunk` bytes per read; the pieces.
fn receive_all(h: *mut c_void, wire: &[u8], chunk: usize) -> Vec<(u32, Vec<u8>)> {
    let (mut at, mut pieces) = (0, Vec::new());
    // SAFETY: a live handle; the context is an opaque tag.
    assert_eq!(
        unsafe { WebSocketReceive(h, null(), 9 as *mut c_void) },
        S_OK
    );
    loop {
        let g = get(h, queue::RECEIVE);
        assert!(g.action == action::NO_ACTION || g.app == 9 as *mut c_void);
        match g.action {
            action::RECEIVE_FROM_NETWORK => {
                let (p, room) = g.bufs[0];
                let n = room.min(chunk).min(wire.len() - at);
                assert!(n > 0, "the receive asked for more than the wire holds");
                // SAFETY: the DLL's receive area has `room` writable bytes.
                unsafe { std::ptr::copy_nonoverlapping(wire[at..].as_ptr(), p, n) };
                at += n;
                // SAFETY: the context the DLL gave.
                unsafe { WebSocketCompleteAction(h, g.ctx, n as u32) };
            }
            action::INDICATE_RECEIVE_COMPLETE => {
                let (p, len) = g.bufs[0];
                // SAFETY: `len` readable bytes in the receive area.
                pieces.push((
                    g.kind,
                    unsafe { std::slice::from_raw_parts(p, len) }.to_vec(),
                ));
                // SAFETY: the context the DLL gave.
                unsafe { WebSocketCompleteAction(h, g.ctx, 0) };
                if at == wire.len() && (g.kind == bt::BINARY_MESSAGE || g.kind == bt::UTF8_MESSAGE)
                {
                    return pieces;
                }
                // SAFETY: as above.
                assert_eq!(
                    unsafe { WebSocketReceive(h, null(), 9 as *mut c_void) },
                    S_OK
                );
            }
            other => panic!("unexpected action {other}"),
        }
    }
}

#[test]
fn random_sizes_and_read_chunks_arrive_whole() {
    let mut seed = 0x1234_5678_u32;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        seed
    };
    for _ in 0..40 {
        let len = (next() % 70_000) as usize;
        let chunk = 1 + (next() % 5000) as usize;
        let payload: Vec<u8> = (0..len).map(|_| next() as u8).collect();
        // The wire: a client message encoded by the core itself.
        let mut client = Connection::new(Role::Client, Config::new());
        let mut wire = vec![0; len + 14];
        let n = client
            .send_data(DataKind::Binary, true, &payload, [1, 2, 3, 4], &mut wire)
            .unwrap();
        wire.truncate(n);
        let h = open(Role::Server);
        let pieces = receive_all(h, &wire, chunk);
        let (last, body) = pieces.split_last().unwrap();
        assert_eq!(last.0, bt::BINARY_MESSAGE);
        assert!(body.iter().all(|(k, _)| *k == bt::BINARY_FRAGMENT));
        let joined: Vec<u8> = pieces.iter().flat_map(|(_, p)| p.clone()).collect();
        assert_eq!(joined, payload, "len {len} chunk {chunk}");
        // SAFETY: a live handle.
        unsafe { WebSocketDeleteHandle(h) };
    }
}

#[test]
fn ping_is_answered_between_frames_only() {
    // A client handle mid-way through a large masked frame receives a
    // Ping: its Pong must not be spliced into the frame's bytes.
    let h = open(Role::Client);
    let payload = vec![7u8; 50_000];
    send(h, bt::BINARY_MESSAGE, &payload);
    let first = get(h, queue::SEND);
    assert_eq!(first.action, action::SEND_TO_NETWORK);
    let mut wire: Vec<u8> = Vec::new();
    for &(p, len) in &first.bufs {
        // SAFETY: `len` readable bytes.
        wire.extend_from_slice(unsafe { std::slice::from_raw_parts(p, len) });
    }
    // SAFETY: the context the DLL gave.
    unsafe { WebSocketCompleteAction(h, first.ctx, wire.len() as u32) };
    // The server's Ping arrives.
    let mut server = Connection::new(Role::Server, Config::new());
    let mut ping = [0u8; 16];
    let n = server.send_ping(b"hi", [0; 4], &mut ping).unwrap();
    let pieces = {
        // SAFETY: a live handle.
        assert_eq!(unsafe { WebSocketReceive(h, null(), null_mut()) }, S_OK);
        let g = get(h, queue::RECEIVE);
        assert_eq!(g.action, action::RECEIVE_FROM_NETWORK);
        // SAFETY: the receive area has room for 16 bytes.
        unsafe { std::ptr::copy_nonoverlapping(ping.as_ptr(), g.bufs[0].0, n) };
        // SAFETY: the context the DLL gave.
        unsafe { WebSocketCompleteAction(h, g.ctx, n as u32) };
        get(h, queue::RECEIVE)
    };
    // The Ping is not indicated: the receive waits for more bytes.
    assert_eq!(pieces.action, action::RECEIVE_FROM_NETWORK);
    let mut zero_copy = false;
    let (rest, _) = drain_sends(h, &payload, &mut zero_copy);
    wire.extend_from_slice(&rest);
    let mut conn = Connection::new(Role::Server, Config::new());
    let (mut at, mut data, mut pongs) = (0, 0, 0);
    while at < wire.len() {
        let r = conn.recv(&mut wire[at..]).expect("well-formed stream");
        at += r.consumed;
        match r.event {
            Some(Event::Data { payload, .. }) => data += payload.len(),
            Some(Event::Pong(p)) => {
                assert_eq!(p, b"hi");
                assert_eq!(data, payload.len(), "the Pong follows the whole frame");
                pongs += 1;
            }
            _ => {}
        }
    }
    assert_eq!((data, pongs), (payload.len(), 1));
    // SAFETY: a live handle.
    unsafe { WebSocketDeleteHandle(h) };
}

#[test]
fn concurrent_handles_from_threads() {
    // The registry lock serialises calls: many threads, many handles.
    let threads: Vec<_> = (0..4)
        .map(|t| {
            std::thread::spawn(move || {
                for i in 0..50 {
                    let h = open(if (t + i) % 2 == 0 {
                        Role::Client
                    } else {
                        Role::Server
                    });
                    let payload = vec![t as u8; 300 * i];
                    send(h, bt::BINARY_MESSAGE, &payload);
                    let mut zc = false;
                    let (wire, _) = drain_sends(h, &payload, &mut zc);
                    assert!(wire.len() >= payload.len());
                    // SAFETY: a live handle, deleted once.
                    unsafe { WebSocketDeleteHandle(h) };
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
}

/// Random call sequences with random arguments on an open pair: every call
/// answers (no panic is caught at the boundary, none reaches the hook) and
/// the wire between the handles stays consumable.
#[test]
fn random_calls_never_panic() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static PANICS: AtomicUsize = AtomicUsize::new(0);
    std::panic::set_hook(Box::new(|info| {
        eprintln!("{info}");
        PANICS.fetch_add(1, Ordering::Relaxed);
    }));
    let mut seed = 0x9E37_79B9_u32;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        seed
    };
    let kinds = [
        bt::UTF8_MESSAGE,
        bt::UTF8_FRAGMENT,
        bt::BINARY_MESSAGE,
        bt::BINARY_FRAGMENT,
        bt::CLOSE,
        bt::PING_PONG,
        bt::UNSOLICITED_PONG,
        0,
        0x8000_0007,
    ];
    let payload: Vec<u8> = (0..70_000u32).map(|i| (i * 7) as u8).collect();
    let (mut moved, mut indicated) = (0, 0);
    for round in 0..30 {
        let hs = [open(Role::Client), open(Role::Server)];
        let mut wires: [Vec<u8>; 2] = [Vec::new(), Vec::new()];
        for _ in 0..400 {
            let who = (next() % 2) as usize;
            let h = hs[who];
            let hr = match next() % 8 {
                0 | 1 => {
                    let kind = kinds[(next() as usize) % kinds.len()];
                    let len = (next() as usize) % payload.len();
                    let b = Buffer {
                        data: DataView {
                            buffer: payload.as_ptr().cast_mut(),
                            len: len as u32,
                        },
                    };
                    // SAFETY: `payload` outlives the handles.
                    unsafe { WebSocketSend(h, kind, &b, null_mut()) }
                }
                // SAFETY: a live handle.
                2 => unsafe { WebSocketReceive(h, null(), null_mut()) },
                3 if round % 5 == 0 && next() % 50 == 0 => {
                    // SAFETY: a live handle.
                    unsafe { WebSocketAbortHandle(h) };
                    S_OK
                }
                _ => {
                    let g = match try_get(h, 1 + next() % 3) {
                        Ok(g) => g,
                        Err(hr) => {
                            assert_eq!(hr, websocket::types::E_INVALID_PROTOCOL_FORMAT);
                            continue;
                        }
                    };
                    let mut n = 0;
                    match g.action {
                        action::SEND_TO_NETWORK => {
                            for &(p, len) in &g.bufs {
                                // SAFETY: handed out readable.
                                wires[1 - who].extend_from_slice(unsafe {
                                    std::slice::from_raw_parts(p, len)
                                });
                                n += len;
                            }
                        }
                        action::RECEIVE_FROM_NETWORK => {
                            let (p, room) = g.bufs[0];
                            let w = &mut wires[who];
                            n = room.min(w.len()).min(1 + (next() as usize) % 3000);
                            if next() % 100 == 0 && n > 0 {
                                w[0] ^= 0x40; // a corrupted byte: a protocol error
                            }
                            // SAFETY: `room` writable bytes.
                            unsafe { std::ptr::copy_nonoverlapping(w.as_ptr(), p, n) };
                            w.drain(..n);
                        }
                        _ => {}
                    }
                    moved += n;
                    indicated += usize::from(g.action == action::INDICATE_RECEIVE_COMPLETE);
                    // SAFETY: a live handle; bogus contexts are allowed.
                    unsafe { WebSocketCompleteAction(h, g.ctx, n as u32) };
                    S_OK
                }
            };
            assert_ne!(hr, 0x8000_4005_u32 as i32, "E_FAIL: a panic was caught");
        }
        for h in hs {
            // SAFETY: live handles, deleted once each.
            unsafe { WebSocketDeleteHandle(h) };
        }
    }
    let _ = std::panic::take_hook();
    assert_eq!(PANICS.load(Ordering::Relaxed), 0);
    assert!(
        moved > 1_000_000 && indicated > 50,
        "moved {moved}, indicated {indicated}"
    );
}
