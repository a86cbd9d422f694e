//! The websocket.dll layer's own cost (issue #12): one binary message of
//! 16 B or 64 KiB, client→server and server→client, through an in-memory
//! network, done (a) by the WebSocket Protocol Component API's handles and
//! (b) by the core `wsframe::Connection` it wraps, doing the same work.
//!
//! (a) `websocketdll`: the sender's `WebSocketSend`, then its
//! `WebSocketGetAction(SEND)` / `WebSocketCompleteAction` loop, every
//! `SEND_TO_NETWORK` buffer copied onto the network, until
//! `INDICATE_SEND_COMPLETE`; the receiver's `WebSocketReceive` and action
//! loop, `RECEIVE_FROM_NETWORK` filled from the network, every
//! `INDICATE_RECEIVE_COMPLETE` piece handed to the application, until the
//! `BINARY_MESSAGE` piece. Default properties (4096-byte receive area; the
//! client's send area 4096 bytes, so a masked 64 KiB payload goes out in
//! 4096-byte chunks; the server's payload goes out zero-copy). The handles
//! are opened once, outside the timing, with the header-array handshake
//! (the server's side is .NET's "fake" one, all-zero key and empty Host).
//!
//! (b) `core`: `send_data` encodes the whole frame (the client masks with
//! [`KEY`]) into a send buffer, which is copied onto the network; the
//! receiver copies the network into a 4096-byte buffer piece by piece (the
//! unread tail moved to the front, as the DLL does) and calls `recv` on it,
//! every data event handed to the application. Same `Config` as the DLL's.
//!
//! (c) `floor_10_calls`: what an API that validates its handle in every
//! call pays for the 10 calls a 16 B message takes (5 per side), and
//! nothing else: [`FLOOR_CALLS`] × `WebSocketCompleteAction` with a
//! context that names no channel, which takes the registry lock, finds the
//! handle and returns (handle.rs ignores unknown contexts). Compared with
//! `core/…/16B`, it says how close to 1× the layer can get at 16 B.
//!
//! Outside the timing: the server→client wire is byte-identical; the
//! client→server wire is byte-identical to the core's encoding with the
//! masking key the DLL drew itself (read from its frame header, as the DLL
//! draws a fresh key per frame and takes none from its caller); both
//! receivers deliver the payload sent.

mod common;

use core::ffi::c_void;
use core::ptr::{null, null_mut};
use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use websocket::types::{Buffer, DataView, HttpHeader, S_OK, action, buffer_type, queue};
use websocket::{
    WebSocketBeginClientHandshake, WebSocketBeginServerHandshake, WebSocketCompleteAction,
    WebSocketCreateClientHandle, WebSocketCreateServerHandle, WebSocketDeleteHandle,
    WebSocketEndClientHandshake, WebSocketEndServerHandshake, WebSocketGetAction, WebSocketReceive,
    WebSocketSend,
};
use wsframe::{Config, Connection, DataKind, Event, Role};
use wsframe_bench::{KEY, payload};

/// The DLL's default receive area, also the core receiver's buffer.
const RECV_BUFFER: usize = 4096;

/// The core's configuration as the DLL sets it (handle.rs `Handle::new`).
fn dll_config() -> Config {
    let mut config = Config::new();
    config.max_frame_size = usize::MAX;
    config.max_message_size = usize::MAX;
    config.max_fragments = u32::MAX;
    config
}

/// Where the message goes.
#[derive(Clone, Copy)]
enum Direction {
    ClientToServer,
    ServerToClient,
}

impl Direction {
    const fn id(self) -> &'static str {
        match self {
            Self::ClientToServer => "client_to_server",
            Self::ServerToClient => "server_to_client",
        }
    }
}

// ---- (a) the websocket.dll API ----

fn header(name: &'static str, value: &[u8]) -> HttpHeader {
    HttpHeader {
        name: name.as_ptr(),
        name_len: name.len() as u32,
        value: value.as_ptr(),
        value_len: value.len() as u32,
    }
}

/// A data view over `bytes` (read-only use by the DLL).
fn data(bytes: &[u8]) -> Buffer {
    Buffer {
        data: DataView {
            buffer: bytes.as_ptr().cast_mut(),
            len: bytes.len() as u32,
        },
    }
}

/// A connected client and server handle pair, deleted on drop.
struct Handles {
    client: *mut c_void,
    server: *mut c_void,
}

/// A server handle after .NET's "fake" handshake (all-zero key, empty Host).
fn open_server() -> *mut c_void {
    let (mut h, mut out, mut n) = (null_mut(), null_mut(), 0);
    let request = [
        header("Connection", b"Upgrade"),
        header("Upgrade", b"websocket"),
        header("Host", b""),
        header("Sec-WebSocket-Version", b"13"),
        header("Sec-WebSocket-Key", b"AAAAAAAAAAAAAAAAAAAAAA=="),
    ];
    // SAFETY: every pointer is valid for its call; `request` and its
    // strings outlive the calls that read them.
    unsafe {
        assert_eq!(WebSocketCreateServerHandle(null(), 0, &mut h), S_OK);
        let (req, count) = (request.as_ptr(), request.len() as u32);
        let hr = WebSocketBeginServerHandshake(h, null(), null(), 0, req, count, &mut out, &mut n);
        assert_eq!(hr, S_OK);
        assert_eq!(WebSocketEndServerHandshake(h), S_OK);
    }
    h
}

/// A client handle after Begin, and End with the matching accept key.
fn open_client() -> *mut c_void {
    let (mut h, mut out, mut n) = (null_mut(), null_mut::<HttpHeader>(), 0);
    // SAFETY: every pointer is valid for its call; Begin's header array
    // lives until End, and `response` outlives the call that reads it.
    unsafe {
        assert_eq!(WebSocketCreateClientHandle(null(), 0, &mut h), S_OK);
        let hr =
            WebSocketBeginClientHandshake(h, null(), 0, null(), 0, null(), 0, &mut out, &mut n);
        assert_eq!(hr, S_OK);
        let key = (0..n as usize)
            .map(|i| out.add(i).read())
            .find(|h| {
                std::slice::from_raw_parts(h.name, h.name_len as usize)
                    .eq_ignore_ascii_case(b"Sec-WebSocket-Key")
            })
            .map(|h| std::slice::from_raw_parts(h.value, h.value_len as usize).to_vec())
            .expect("Begin returns Sec-WebSocket-Key");
        let accept = wsframe::handshake::accept_key(&key);
        let response = [
            header("Connection", b"Upgrade"),
            header("Upgrade", b"websocket"),
            header("Sec-WebSocket-Accept", &accept),
        ];
        let (resp, count) = (response.as_ptr(), response.len() as u32);
        let hr = WebSocketEndClientHandshake(h, resp, count, null_mut(), null_mut(), null_mut());
        assert_eq!(hr, S_OK);
    }
    h
}

impl Handles {
    /// Both handles, opened with the header-array handshake.
    fn open() -> Self {
        Self {
            client: open_client(),
            server: open_server(),
        }
    }

    /// (sender, receiver) for `dir`.
    const fn pair(&self, dir: Direction) -> (*mut c_void, *mut c_void) {
        match dir {
            Direction::ClientToServer => (self.client, self.server),
            Direction::ServerToClient => (self.server, self.client),
        }
    }
}

impl Drop for Handles {
    fn drop(&mut self) {
        // SAFETY: handles from the create calls, deleted once.
        unsafe {
            WebSocketDeleteHandle(self.client);
            WebSocketDeleteHandle(self.server);
        }
    }
}

/// One `WebSocketGetAction`, with room for two buffers.
struct Got {
    action: u32,
    kind: u32,
    ctx: *mut c_void,
    bufs: [Buffer; 2],
    count: usize,
}

impl Got {
    /// The data view of buffer `i` as a slice.
    fn buf(&mut self, i: usize) -> &mut [u8] {
        // SAFETY: the DLL filled the data view of every buffer it counted
        // for these actions, pointing at `len` bytes that stay valid until
        // the action is completed (handle.rs rule 5); `self` does not
        // outlive that.
        unsafe {
            let d = self.bufs[i].data;
            if d.len == 0 {
                return &mut [];
            }
            std::slice::from_raw_parts_mut(d.buffer, d.len as usize)
        }
    }
}

#[inline(always)]
fn get(h: *mut c_void, q: u32) -> Got {
    let mut got = Got {
        action: 0,
        kind: 0,
        ctx: null_mut(),
        bufs: [data(&[]); 2],
        count: 0,
    };
    let mut n = 2u32;
    // SAFETY: every pointer is valid; `bufs` has room for `n`.
    let hr = unsafe {
        WebSocketGetAction(
            h,
            q,
            got.bufs.as_mut_ptr(),
            &mut n,
            &mut got.action,
            &mut got.kind,
            null_mut(),
            &mut got.ctx,
        )
    };
    assert_eq!(hr, S_OK);
    got.count = n as usize;
    got
}

/// `h` sends `message` as one binary message; every `SEND_TO_NETWORK`
/// buffer is appended to `net`.
fn dll_send(h: *mut c_void, message: &[u8], net: &mut Vec<u8>) {
    let buf = data(message);
    // SAFETY: `message` outlives the send (it completes below).
    let hr = unsafe { WebSocketSend(h, buffer_type::BINARY_MESSAGE, &buf, null_mut()) };
    assert_eq!(hr, S_OK);
    loop {
        let mut got = get(h, queue::SEND);
        let sent = match got.action {
            action::SEND_TO_NETWORK => {
                let start = net.len();
                for i in 0..got.count {
                    net.extend_from_slice(got.buf(i));
                }
                net.len() - start
            }
            action::INDICATE_SEND_COMPLETE => 0,
            other => panic!("send action {other}"),
        };
        // SAFETY: completes the action just handed out.
        unsafe { WebSocketCompleteAction(h, got.ctx, sent as u32) };
        if got.action == action::INDICATE_SEND_COMPLETE {
            return;
        }
    }
}

/// `h` receives one binary message from `net`, handing each piece to
/// `sink`; all of `net` must be used.
fn dll_recv(h: *mut c_void, net: &[u8], mut sink: impl FnMut(&[u8])) {
    let mut at = 0;
    // SAFETY: a valid handle; the buffer argument is unused (NULL).
    assert_eq!(unsafe { WebSocketReceive(h, null(), null_mut()) }, S_OK);
    loop {
        let mut got = get(h, queue::RECEIVE);
        let (moved, more) = match got.action {
            action::RECEIVE_FROM_NETWORK => {
                let free = got.buf(0);
                let n = free.len().min(net.len() - at);
                assert!(n > 0, "the receiver wants more than was sent");
                free[..n].copy_from_slice(&net[at..at + n]);
                at += n;
                (n, true)
            }
            action::INDICATE_RECEIVE_COMPLETE => {
                sink(got.buf(0));
                match got.kind {
                    buffer_type::BINARY_FRAGMENT => (0, true),
                    buffer_type::BINARY_MESSAGE => (0, false),
                    other => panic!("indicated buffer type {other:#x}"),
                }
            }
            other => panic!("receive action {other}"),
        };
        // SAFETY: completes the action just handed out.
        unsafe { WebSocketCompleteAction(h, got.ctx, moved as u32) };
        if !more {
            assert_eq!(at, net.len(), "the receiver left bytes unread");
            return;
        }
        if got.action == action::INDICATE_RECEIVE_COMPLETE {
            // A piece ended that receive: queue the next one.
            // SAFETY: as above.
            assert_eq!(unsafe { WebSocketReceive(h, null(), null_mut()) }, S_OK);
        }
    }
}

/// One message through the DLL in direction `dir`, each received piece
/// handed to `sink`.
fn dll_exchange(
    handles: &Handles,
    dir: Direction,
    message: &[u8],
    net: &mut Vec<u8>,
    sink: impl FnMut(&[u8]),
) {
    let (from, to) = handles.pair(dir);
    net.clear();
    dll_send(from, message, net);
    dll_recv(to, net, sink);
}

// ---- (b) the core doing the same work ----

/// A core connection receiving through a fixed buffer, as the DLL's
/// receive area.
struct Receiver {
    conn: Connection,
    buf: Box<[u8; RECV_BUFFER]>,
    start: usize,
    end: usize,
}

/// A connected client and server `Connection` pair.
struct Core {
    client: Connection,
    server: Receiver,
    client_rx: Receiver,
    server_tx: Connection,
    /// The sender's frame buffer.
    out: Vec<u8>,
}

impl Core {
    fn new(max_frame: usize) -> Self {
        // Two connections per role: the sending and the receiving halves
        // keep no state between them here (data frames only).
        let rx = |role| Receiver {
            conn: Connection::new(role, dll_config()),
            buf: Box::new([0; RECV_BUFFER]),
            start: 0,
            end: 0,
        };
        Self {
            client: Connection::new(Role::Client, dll_config()),
            server: rx(Role::Server),
            client_rx: rx(Role::Client),
            server_tx: Connection::new(Role::Server, dll_config()),
            out: vec![0; max_frame],
        }
    }
}

/// `conn` encodes `message` as one binary frame into `out` (masked with
/// `key` by a client), which is appended to `net`.
#[inline(always)]
fn core_send(
    conn: &mut Connection,
    message: &[u8],
    key: [u8; 4],
    out: &mut [u8],
    net: &mut Vec<u8>,
) {
    let n = conn
        .send_data(DataKind::Binary, true, message, key, out)
        .expect("fits");
    net.extend_from_slice(&out[..n]);
}

/// `rx` receives one binary message from `net`, handing each piece to
/// `sink`; all of `net` must be used.
#[inline(always)]
fn core_recv(rx: &mut Receiver, net: &[u8], mut sink: impl FnMut(&[u8])) {
    let mut at = 0;
    loop {
        loop {
            let r = rx
                .conn
                .recv(&mut rx.buf[rx.start..rx.end])
                .expect("valid input");
            rx.start += r.consumed;
            match r.event {
                Some(Event::Data {
                    payload,
                    message_end,
                    ..
                }) => {
                    sink(payload);
                    if message_end {
                        assert_eq!(at, net.len(), "the receiver left bytes unread");
                        return;
                    }
                }
                Some(_) => panic!("unexpected event"),
                None if r.consumed == 0 => break,
                None => {}
            }
        }
        rx.buf.copy_within(rx.start..rx.end, 0);
        rx.end -= rx.start;
        rx.start = 0;
        let n = (RECV_BUFFER - rx.end).min(net.len() - at);
        assert!(n > 0, "the receiver wants more than was sent");
        rx.buf[rx.end..rx.end + n].copy_from_slice(&net[at..at + n]);
        rx.end += n;
        at += n;
    }
}

/// One message through the core in direction `dir`, client frames masked
/// with `key`.
fn core_exchange(
    core: &mut Core,
    dir: Direction,
    message: &[u8],
    key: [u8; 4],
    net: &mut Vec<u8>,
    sink: impl FnMut(&[u8]),
) {
    net.clear();
    let (tx, rx) = match dir {
        Direction::ClientToServer => (&mut core.client, &mut core.server),
        Direction::ServerToClient => (&mut core.server_tx, &mut core.client_rx),
    };
    core_send(tx, message, key, &mut core.out, net);
    core_recv(rx, net, sink);
}

// ---- the benchmark ----

/// The masking key of the client frame on `wire` (all zero for a server's).
fn wire_key(wire: &[u8]) -> [u8; 4] {
    match wsframe::frame::decode(wire) {
        Ok(wsframe::frame::Decoded::Complete(h, _)) => h.mask.unwrap_or([0; 4]),
        _ => panic!("not a frame"),
    }
}

/// Checks, outside the timing, that the DLL and the core put the same
/// bytes on the wire and deliver `message`.
fn check(handles: &Handles, core: &mut Core, dir: Direction, message: &[u8]) {
    let (mut dll_net, mut core_net) = (Vec::new(), Vec::new());
    let mut got = Vec::new();
    dll_exchange(handles, dir, message, &mut dll_net, |p| {
        got.extend_from_slice(p)
    });
    assert!(got == message, "websocket.dll {} payload", dir.id());
    let key = wire_key(&dll_net);
    if matches!(dir, Direction::ClientToServer) {
        assert_ne!(key, [0; 4], "the DLL client masks with a drawn key");
    }
    got.clear();
    core_exchange(core, dir, message, key, &mut core_net, |p| {
        got.extend_from_slice(p)
    });
    assert!(got == message, "core {} payload", dir.id());
    assert!(dll_net == core_net, "{} wire bytes", dir.id());
}

/// Exported calls per 16 B message, either way (5 per side).
const FLOOR_CALLS: usize = 10;

/// (c): [`FLOOR_CALLS`] validated calls that do nothing.
fn floor(h: *mut c_void) {
    for _ in 0..FLOOR_CALLS {
        // SAFETY: a live handle; an unknown action context is ignored.
        unsafe { WebSocketCompleteAction(black_box(h), null_mut(), 0) };
    }
}

fn websocketdll(c: &mut Criterion) {
    for (id, len) in [("16B", 16), ("64KiB", 64 << 10)] {
        let message = payload(len);
        let handles = Handles::open();
        let mut core = Core::new(len + 14);
        let mut net = Vec::with_capacity(len + 14);
        let mut g = c.benchmark_group("websocketdll");
        g.throughput(Throughput::Bytes(len as u64));
        if len == 16 {
            // Before the checks, which then show the floor's calls left
            // both handles as they were.
            floor(handles.client);
            g.bench_function(format!("floor_{FLOOR_CALLS}_calls"), |b| {
                b.iter(|| floor(handles.client))
            });
        }
        for dir in [Direction::ClientToServer, Direction::ServerToClient] {
            check(&handles, &mut core, dir, &message);
            g.bench_function(format!("websocketdll/{}/{id}", dir.id()), |b| {
                b.iter(|| {
                    let mut seen = 0;
                    dll_exchange(&handles, dir, black_box(&message), &mut net, |p| {
                        seen += p.len()
                    });
                    seen
                })
            });
            g.bench_function(format!("core/{}/{id}", dir.id()), |b| {
                b.iter(|| {
                    let mut seen = 0;
                    core_exchange(&mut core, dir, black_box(&message), KEY, &mut net, |p| {
                        seen += p.len()
                    });
                    seen
                })
            });
        }
        g.finish();
    }
}

criterion_group! {
    name = benches;
    config = common::criterion(700, 3000);
    targets = websocketdll
}
criterion_main!(benches);
