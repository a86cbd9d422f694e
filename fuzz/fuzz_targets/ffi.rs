//! The C ABI (`wsframe-ffi`) driven by a byte program: connection storage
//! that is too small or misaligned, NULL pointers with zero and non-zero
//! lengths, arbitrary lengths, enum values out of range, output buffers of
//! every size. Checks what the header promises: no panic (`WSF_PANIC`),
//! NULL → `WSF_NULL_POINTER`, outputs untouched unless `WSF_OK` (with
//! `*written` = the size needed on `WSF_BUFFER_TOO_SMALL`), and — compared
//! with a core `Connection` fed the same calls — the same events, the same
//! bytes written and the same protocol errors. AddressSanitizer (cargo
//! fuzz's default) catches any access outside the buffers passed in.
#![no_main]

use core::ffi::c_void;
use core::ptr::{null, null_mut};

use libfuzzer_sys::fuzz_target;
use wsframe::{CloseCode, Config, Connection, DataKind, Error, Event, Role};
use wsframe_ffi::config::wsf_config_default;
use wsframe_ffi::conn::*;
use wsframe_ffi::event::{wsf_event, wsf_event_type};
use wsframe_ffi::send::*;
use wsframe_ffi::status::wsf_status_close_code;
use wsframe_ffi::wsf_status::{self, *};

/// Reads the program.
struct Program<'a>(&'a [u8]);

impl<'a> Program<'a> {
    fn byte(&mut self) -> Option<u8> {
        let (&b, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(b)
    }
    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes([
            self.byte()?,
            self.byte()?,
            self.byte()?,
            self.byte()?,
        ]))
    }
    fn bytes(&mut self, n: usize) -> &'a [u8] {
        let (a, b) = self.0.split_at(n.min(self.0.len()));
        self.0 = b;
        a
    }
}

const SENTINEL: usize = 0xDEAD_BEEF;

/// Checks the output conventions of a writer that was given `out` (filled
/// with 0xAA before the call) and `written` (SENTINEL before the call).
fn check_writer(status: wsf_status, out: &[u8], written: usize, want: Result<&[u8], Error>) {
    assert_ne!(status, WSF_PANIC);
    match (status, want) {
        (WSF_OK, Ok(bytes)) => {
            assert_eq!(written, bytes.len());
            assert_eq!(&out[..written], bytes);
            assert!(
                out[written..].iter().all(|&b| b == 0xAA),
                "wrote past the frame"
            );
        }
        (
            WSF_BUFFER_TOO_SMALL,
            Err(Error::Usage(wsframe::UsageError::BufferTooSmall { needed })),
        ) => {
            assert_eq!(written, needed);
            assert!(out.iter().all(|&b| b == 0xAA), "output touched on error");
        }
        (s, Err(_)) if s != WSF_OK => {
            assert_eq!(written, SENTINEL, "written set on {s:?}");
            assert!(out.iter().all(|&b| b == 0xAA), "output touched on {s:?}");
        }
        (s, w) => panic!("ffi {s:?}, core {w:?}"),
    }
}

fuzz_target!(|data: &[u8]| {
    let mut p = Program(data);
    let Some(setup) = p.byte() else { return };
    let role_number = u32::from(setup & 3); // 2 and 3 are not roles
    let client = role_number == 0; // WSF_ROLE_CLIENT = 0, WSF_ROLE_SERVER = 1
    // SAFETY (all calls below): pointers are NULL or point into live Rust
    // buffers of the lengths passed, as the header requires.
    let config = unsafe { wsf_config_default() };

    // Storage: a 16-aligned block, used at an offset and with a length
    // chosen by the program.
    let size = unsafe { wsf_conn_size() };
    let align = unsafe { wsf_conn_align() };
    let mut block = vec![0u128; size / 16 + 3];
    let offset = usize::from(p.byte().unwrap_or(0) % 17);
    let short = usize::from(p.byte().unwrap_or(0) % 4);
    let storage_len = size.saturating_sub(short);
    let storage = unsafe { block.as_mut_ptr().cast::<u8>().add(offset) }.cast::<c_void>();
    let mut conn: *mut wsf_conn = null_mut();
    let status = unsafe { wsf_conn_init(role_number, &config, storage, storage_len, &mut conn) };
    let want = if role_number > 1 {
        WSF_INVALID_ARGUMENT
    } else if storage_len < size {
        WSF_STORAGE_TOO_SMALL
    } else if offset % align != 0 {
        WSF_STORAGE_MISALIGNED
    } else {
        WSF_OK
    };
    assert_eq!(status, want);
    assert_eq!(conn.is_null(), status != WSF_OK, "handle written on error");
    let mut other: *mut wsf_conn = null_mut();
    assert_eq!(
        unsafe { wsf_conn_init(0, &config, null_mut(), size, &mut other) },
        WSF_NULL_POINTER
    );
    assert_eq!(
        unsafe { wsf_conn_init(0, &config, storage, storage_len, null_mut()) },
        WSF_NULL_POINTER
    );
    assert!(other.is_null());
    if status != WSF_OK {
        return;
    }
    let role = if client { Role::Client } else { Role::Server };
    let mut twin = Connection::new(role, Config::new());
    let mut rx: Vec<u8> = Vec::new();
    let mut twin_rx: Vec<u8> = Vec::new();

    while let Some(op) = p.byte() {
        let key = p.u32().unwrap_or(0);
        let core_key = key.to_be_bytes();
        let out_len = usize::from(p.byte().unwrap_or(0));
        let mut out = vec![0xAAu8; out_len];
        let mut twin_out = vec![0u8; 256 + 14];
        let mut written = SENTINEL;
        match op % 10 {
            // Receive: append bytes, call with the whole buffer, drop what was used.
            0..=2 => {
                let n = usize::from(p.byte().unwrap_or(0));
                let bytes = p.bytes(n);
                rx.extend_from_slice(bytes);
                twin_rx.extend_from_slice(bytes);
                let mut ev = core::mem::MaybeUninit::<wsf_event>::zeroed();
                let (ptr, len) = if rx.is_empty() {
                    (null_mut(), 0)
                } else {
                    (rx.as_mut_ptr(), rx.len())
                };
                let status = unsafe { wsf_conn_recv(conn, ptr, len, ev.as_mut_ptr()) };
                let twin_result = twin.recv(&mut twin_rx);
                match twin_result {
                    Ok(r) => {
                        let consumed = r.consumed;
                        assert_eq!(status, WSF_OK);
                        let ev = unsafe { ev.assume_init() };
                        assert_eq!(ev.consumed, r.consumed);
                        let payload = |ptr: *const u8, len: usize| {
                            if len == 0 {
                                &[][..]
                            } else {
                                let start = ptr as usize - rx.as_ptr() as usize;
                                assert!(start + len <= rx.len(), "payload outside the buffer");
                                &rx[start..start + len]
                            }
                        };
                        match r.event {
                            None => assert_eq!(ev.kind, wsf_event_type::WSF_EVENT_NONE),
                            Some(Event::Data {
                                kind,
                                payload: want,
                                frame_end,
                                message_end,
                            }) => {
                                let t = if kind == DataKind::Text {
                                    wsf_event_type::WSF_EVENT_TEXT
                                } else {
                                    wsf_event_type::WSF_EVENT_BINARY
                                };
                                assert_eq!(ev.kind, t);
                                assert_eq!(
                                    (ev.frame_end != 0, ev.message_end != 0),
                                    (frame_end, message_end)
                                );
                                assert_eq!(payload(ev.payload, ev.payload_len), want);
                            }
                            Some(Event::Ping(want)) => {
                                assert_eq!(ev.kind, wsf_event_type::WSF_EVENT_PING);
                                assert_eq!(payload(ev.payload, ev.payload_len), want);
                            }
                            Some(Event::Pong(want)) => {
                                assert_eq!(ev.kind, wsf_event_type::WSF_EVENT_PONG);
                                assert_eq!(payload(ev.payload, ev.payload_len), want);
                            }
                            Some(Event::Close { code, reason }) => {
                                assert_eq!(ev.kind, wsf_event_type::WSF_EVENT_CLOSE);
                                assert_eq!(ev.close_code, code.get());
                                assert_eq!(
                                    payload(ev.reason.cast(), ev.reason_len),
                                    reason.as_bytes()
                                );
                            }
                            Some(_) => {}
                        }
                        rx.drain(..consumed);
                        twin_rx.drain(..consumed);
                    }
                    Err(Error::Protocol(e)) => {
                        assert!(
                            status as u32 >= 1000 && (status as u32) < 2000,
                            "{status:?} for {e:?}"
                        );
                        assert_eq!(
                            unsafe { wsf_status_close_code(status as u32) },
                            e.close_code().get()
                        );
                    }
                    Err(e) => panic!("{e:?}"),
                }
                // NULL with a length, and a NULL event: refused, nothing changes.
                let mut ev = core::mem::MaybeUninit::<wsf_event>::zeroed();
                assert_eq!(
                    unsafe { wsf_conn_recv(conn, null_mut(), 1, ev.as_mut_ptr()) },
                    WSF_NULL_POINTER
                );
                assert_eq!(
                    unsafe { wsf_conn_recv(conn, rx.as_mut_ptr(), rx.len(), null_mut()) },
                    WSF_NULL_POINTER
                );
            }
            // Data frame, text or binary, any kind number.
            3 => {
                let kind = u32::from(p.byte().unwrap_or(0) % 4);
                let fin = p.byte().unwrap_or(1);
                let n = usize::from(p.byte().unwrap_or(0));
                let payload = p.bytes(n);
                let wptr = if p.byte().unwrap_or(1) == 0 {
                    null_mut()
                } else {
                    &raw mut written
                };
                let status = unsafe {
                    wsf_conn_send_data(
                        conn,
                        kind,
                        fin,
                        if payload.is_empty() {
                            null()
                        } else {
                            payload.as_ptr()
                        },
                        payload.len(),
                        key,
                        out.as_mut_ptr(),
                        out.len(),
                        wptr,
                    )
                };
                if wptr.is_null() {
                    // Either refusal when both are wrong: the order is not specified.
                    let bad_kind = !matches!(kind, 1 | 2);
                    assert!(
                        status == WSF_NULL_POINTER || (bad_kind && status == WSF_INVALID_ARGUMENT),
                        "{status:?}"
                    );
                    continue;
                }
                let kind = match kind {
                    1 => DataKind::Text,
                    2 => DataKind::Binary,
                    _ => {
                        assert_eq!(status, WSF_INVALID_ARGUMENT);
                        continue;
                    }
                };
                let want = twin.send_data(
                    kind,
                    fin != 0,
                    payload,
                    core_key,
                    out_or(&mut twin_out, out_len),
                );
                let want_bytes = want.map(|n| twin_out[..n].to_vec());
                check_writer(status, &out, written, want_bytes.as_deref().map_err(|e| *e));
            }
            // Ping / Pong: payloads of any length, NULL payload with a length.
            4 | 5 => {
                let n = usize::from(p.byte().unwrap_or(0));
                let payload = p.bytes(n);
                let null_payload = p.byte().unwrap_or(1) == 0 && !payload.is_empty();
                let ptr = if null_payload || payload.is_empty() {
                    null()
                } else {
                    payload.as_ptr()
                };
                let status = unsafe {
                    if op % 10 == 4 {
                        wsf_conn_send_ping(
                            conn,
                            ptr,
                            payload.len(),
                            key,
                            out.as_mut_ptr(),
                            out.len(),
                            &mut written,
                        )
                    } else {
                        wsf_conn_send_pong(
                            conn,
                            ptr,
                            payload.len(),
                            key,
                            out.as_mut_ptr(),
                            out.len(),
                            &mut written,
                        )
                    }
                };
                if null_payload {
                    assert_eq!(status, WSF_NULL_POINTER);
                    assert_eq!(written, SENTINEL);
                    continue;
                }
                let buf = out_or(&mut twin_out, out_len);
                let want = if op % 10 == 4 {
                    twin.send_ping(payload, core_key, buf)
                } else {
                    twin.send_pong(payload, core_key, buf)
                };
                let want_bytes = want.map(|n| twin_out[..n].to_vec());
                check_writer(status, &out, written, want_bytes.as_deref().map_err(|e| *e));
            }
            // Close with any code and any reason bytes (maybe not UTF-8).
            6 => {
                let code = u16::from_le_bytes([p.byte().unwrap_or(0xE8), p.byte().unwrap_or(3)]);
                let n = usize::from(p.byte().unwrap_or(0) % 130);
                let reason = p.bytes(n);
                let status = unsafe {
                    wsf_conn_send_close(
                        conn,
                        code,
                        if reason.is_empty() {
                            null()
                        } else {
                            reason.as_ptr().cast()
                        },
                        reason.len(),
                        key,
                        out.as_mut_ptr(),
                        out.len(),
                        &mut written,
                    )
                };
                let Ok(text) = core::str::from_utf8(reason) else {
                    assert_eq!(status, WSF_NOT_UTF8);
                    assert_eq!(written, SENTINEL);
                    continue;
                };
                let buf = out_or(&mut twin_out, out_len);
                let want = twin.send_close(CloseCode::new(code), text, core_key, buf);
                let want_bytes = want.map(|n| twin_out[..n].to_vec());
                check_writer(status, &out, written, want_bytes.as_deref().map_err(|e| *e));
            }
            // Drain the pending slot into a buffer of any size.
            7 => {
                let status = unsafe {
                    wsf_conn_write_pending(conn, key, out.as_mut_ptr(), out.len(), &mut written)
                };
                let buf = out_or(&mut twin_out, out_len);
                let want = twin.write_pending(core_key, buf);
                let want_bytes = want.map(|n| twin_out[..n].to_vec());
                check_writer(status, &out, written, want_bytes.as_deref().map_err(|e| *e));
            }
            // Masking at any misalignment, and NULL with a length.
            8 => {
                let n = usize::from(p.byte().unwrap_or(0));
                let misalign = usize::from(p.byte().unwrap_or(0) % 32);
                let phase = p.u32().unwrap_or(0);
                let bytes = p.bytes(n);
                let mut buf = vec![0x5Au8; misalign + bytes.len() + 8];
                buf[misalign..misalign + bytes.len()].copy_from_slice(bytes);
                let mut next = u32::MAX;
                let ptr = if bytes.is_empty() {
                    null_mut()
                } else {
                    unsafe { buf.as_mut_ptr().add(misalign) }
                };
                assert_eq!(
                    unsafe { wsf_mask(ptr, bytes.len(), key, phase, &mut next) },
                    WSF_OK
                );
                let mut want = bytes.to_vec();
                let want_phase =
                    wsframe::kernels::scalar::apply(&mut want, core_key, phase as usize % 4);
                assert_eq!(&buf[misalign..misalign + bytes.len()], &want[..]);
                assert_eq!(next as usize, want_phase);
                assert!(
                    buf[..misalign]
                        .iter()
                        .chain(&buf[misalign + bytes.len()..])
                        .all(|&b| b == 0x5A)
                );
                assert_eq!(
                    unsafe { wsf_mask(null_mut(), 1 + n, key, phase, null_mut()) },
                    WSF_NULL_POINTER
                );
            }
            // Fail with any status number; query the state.
            _ => {
                let status_number = p.u32().unwrap_or(0) % 1100;
                let status = unsafe { wsf_conn_fail(conn, status_number) };
                assert_ne!(status, WSF_PANIC);
                if status == WSF_OK {
                    let code = unsafe { wsf_status_close_code(status_number) };
                    assert!(
                        matches!(code, 1002 | 1007 | 1009),
                        "{status_number} -> {code}"
                    );
                    // Mirror it on the twin with an error of the same code.
                    let e = match code {
                        1007 => wsframe::ProtocolError::InvalidUtf8,
                        1009 => wsframe::ProtocolError::MessageTooBig,
                        _ => wsframe::ProtocolError::ReservedBits,
                    };
                    if twin.error().is_none() {
                        // The pending Close's reason differs with the error; drain both.
                        let _ = twin.fail(e);
                        let mut a = [0u8; 256];
                        let mut n = 0;
                        let _ = unsafe {
                            wsf_conn_write_pending(conn, 0, a.as_mut_ptr(), a.len(), &mut n)
                        };
                        let _ = twin.write_pending([0; 4], &mut [0u8; 256]);
                    }
                } else {
                    assert_eq!(status, WSF_INVALID_ARGUMENT);
                }
                assert_eq!(unsafe { wsf_conn_fail(null_mut(), 1002) }, WSF_NULL_POINTER);
                let state = unsafe { wsf_conn_state(conn) } as u32;
                let want = match twin.state() {
                    wsframe::State::Open => 0,
                    wsframe::State::CloseSent => 1,
                    wsframe::State::CloseReceived => 2,
                    wsframe::State::Closed => 3,
                    wsframe::State::Failed => 4,
                };
                assert_eq!(state, want);
                assert_eq!(
                    unsafe { wsf_conn_has_pending(conn) } != 0,
                    twin.has_pending()
                );
                assert_eq!(
                    unsafe { wsf_conn_is_finished(conn) } != 0,
                    twin.is_finished()
                );
            }
        }
    }
});

/// The twin's output buffer cut to the FFI call's size.
fn out_or(buf: &mut [u8], len: usize) -> &mut [u8] {
    let n = len.min(buf.len());
    &mut buf[..n]
}
