//! Events: what one `wsf_conn_recv` reports (`wsf_event`), with payloads
//! pointing into the caller's receive buffer, and the data kinds.

use core::ffi::c_char;

use wsframe::{CloseCode, DataKind, Event, Recv};

use crate::status::wsf_status;

/// What kind of event `wsf_conn_recv` produced.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum wsf_event_type {
    /// No event: more input is needed when `consumed` is 0; otherwise bytes
    /// were used (e.g. discarded after the peer's Close).
    WSF_EVENT_NONE = 0,
    /// A piece of a text message (`frame_end`, `message_end` say where it ends).
    WSF_EVENT_TEXT = 1,
    /// A piece of a binary message.
    WSF_EVENT_BINARY = 2,
    /// A Ping; with `auto_pong` its Pong is pending (`wsf_conn_write_pending`).
    WSF_EVENT_PING = 3,
    /// A Pong, solicited or not.
    WSF_EVENT_PONG = 4,
    /// The peer's Close (`close_code`, `reason`); its echo is pending.
    WSF_EVENT_CLOSE = 5,
}

/// The type of a data message; the numbers equal `WSF_EVENT_TEXT` and
/// `WSF_EVENT_BINARY`.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum wsf_data_kind {
    /// Text: the whole message is UTF-8.
    WSF_DATA_TEXT = 1,
    /// Binary.
    WSF_DATA_BINARY = 2,
}

impl wsf_data_kind {
    /// The C value of a core kind.
    pub(crate) const fn from_core(kind: DataKind) -> Self {
        match kind {
            DataKind::Text => Self::WSF_DATA_TEXT,
            DataKind::Binary => Self::WSF_DATA_BINARY,
        }
    }
}

/// The core kind for a `wsf_data_kind` number from C.
pub(crate) fn data_kind(kind: u32) -> Result<DataKind, wsf_status> {
    match kind {
        k if k == wsf_data_kind::WSF_DATA_TEXT as u32 => Ok(DataKind::Text),
        k if k == wsf_data_kind::WSF_DATA_BINARY as u32 => Ok(DataKind::Binary),
        _ => Err(wsf_status::WSF_INVALID_ARGUMENT),
    }
}

/// What one `wsf_conn_recv` call did. Pointers point into the buffer given
/// to that call (already unmasked) and are valid until it is reused; the
/// payloads of compressed messages point into the connection's
/// permessage-deflate ring instead, valid until the next `wsf_conn_recv`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct wsf_event {
    /// A `wsf_event_type`.
    pub kind: wsf_event_type,
    /// Data: non-zero if this piece ends a wire frame.
    pub frame_end: u8,
    /// Data: non-zero if this piece ends the message.
    pub message_end: u8,
    /// Close: the status code (1005 when the Close had no payload).
    pub close_code: u16,
    /// Data, Ping, Pong: the payload (may be empty); NULL otherwise.
    pub payload: *const u8,
    /// Bytes in `payload`.
    pub payload_len: usize,
    /// Close: the reason (UTF-8, at most 123 bytes); NULL otherwise.
    pub reason: *const c_char,
    /// Bytes in `reason`.
    pub reason_len: usize,
    /// Bytes of the input used: drop them before the next call.
    pub consumed: usize,
}

impl wsf_event {
    /// An event of `kind` with nothing else set.
    const fn empty(kind: wsf_event_type, consumed: usize) -> Self {
        Self {
            kind,
            frame_end: 0,
            message_end: 0,
            close_code: 0,
            payload: core::ptr::null(),
            payload_len: 0,
            reason: core::ptr::null(),
            reason_len: 0,
            consumed,
        }
    }

    /// The C view of a core `recv` result.
    pub(crate) fn from_recv(recv: &Recv<'_>) -> Self {
        use wsf_event_type::*;
        let consumed = recv.consumed;
        let with_payload = |kind, payload: &[u8]| Self {
            payload: payload.as_ptr(),
            payload_len: payload.len(),
            ..Self::empty(kind, consumed)
        };
        match recv.event {
            None => Self::empty(WSF_EVENT_NONE, consumed),
            Some(Event::Data {
                kind,
                payload,
                frame_end,
                message_end,
            }) => Self {
                frame_end: u8::from(frame_end),
                message_end: u8::from(message_end),
                ..with_payload(wsf_data_kind::from_core(kind).event_type(), payload)
            },
            Some(Event::Ping(payload)) => with_payload(WSF_EVENT_PING, payload),
            Some(Event::Pong(payload)) => with_payload(WSF_EVENT_PONG, payload),
            Some(Event::Close { code, reason }) => Self {
                close_code: code.get(),
                reason: reason.as_ptr().cast(),
                reason_len: reason.len(),
                ..Self::empty(WSF_EVENT_CLOSE, consumed)
            },
            // A newer core's event this ABI does not know yet.
            Some(_) => Self::empty(WSF_EVENT_NONE, consumed),
        }
    }

    /// The core event described by an event the caller hands back (read
    /// field by field: the type is range-checked as a number first).
    ///
    /// # Safety
    /// `ev` is NULL or valid for reads of a `wsf_event` whose pointers are NULL or
    /// valid for their lengths for `'a`.
    pub(crate) unsafe fn read<'a>(ev: *const Self) -> Result<Option<Event<'a>>, wsf_status> {
        use crate::boundary::{bytes, refer, text};
        // SAFETY: forwarded contract (`refer` checks NULL and alignment);
        // `RawEvent` has the same layout with the type as a plain `u32`,
        // so any bits the caller stored are a valid `RawEvent`.
        let e = unsafe { refer(ev.cast::<RawEvent>()) }?;
        let kind = e.kind;
        let (payload, payload_len, reason, reason_len) =
            (e.payload, e.payload_len, e.reason, e.reason_len);
        let (frame_end, message_end, code) = (e.frame_end, e.message_end, e.close_code);
        // SAFETY: forwarded contract.
        let payload = unsafe { bytes(payload, payload_len) }?;
        Ok(Some(match kind {
            0 => return Ok(None),
            1 | 2 => Event::Data {
                kind: data_kind(kind)?,
                payload,
                frame_end: frame_end != 0,
                message_end: message_end != 0,
            },
            3 => Event::Ping(payload),
            4 => Event::Pong(payload),
            5 => Event::Close {
                code: CloseCode::new(code),
                // SAFETY: forwarded contract.
                reason: unsafe { text(reason, reason_len) }?,
            },
            _ => return Err(wsf_status::WSF_INVALID_ARGUMENT),
        }))
    }
}

/// `wsf_event` with the type as a plain number: the layout Rust may read
/// from caller memory without trusting the enum (`consumed` is only there
/// for the layout).
#[repr(C)]
#[allow(dead_code)]
struct RawEvent {
    kind: u32,
    frame_end: u8,
    message_end: u8,
    close_code: u16,
    payload: *const u8,
    payload_len: usize,
    reason: *const c_char,
    reason_len: usize,
    consumed: usize,
}

const _: () = {
    assert!(core::mem::size_of::<RawEvent>() == core::mem::size_of::<wsf_event>());
    assert!(core::mem::align_of::<RawEvent>() == core::mem::align_of::<wsf_event>());
    assert!(core::mem::offset_of!(RawEvent, reason) == core::mem::offset_of!(wsf_event, reason));
};

impl wsf_data_kind {
    /// The event type carrying this kind of data.
    const fn event_type(self) -> wsf_event_type {
        match self {
            Self::WSF_DATA_TEXT => wsf_event_type::WSF_EVENT_TEXT,
            Self::WSF_DATA_BINARY => wsf_event_type::WSF_EVENT_BINARY,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_through_c_view() {
        let payload = *b"hi";
        let recv = Recv {
            consumed: 4,
            event: Some(Event::Data {
                kind: DataKind::Text,
                payload: &payload,
                frame_end: true,
                message_end: false,
            }),
        };
        let ev = wsf_event::from_recv(&recv);
        assert_eq!(
            (ev.kind, ev.frame_end, ev.message_end, ev.consumed),
            (wsf_event_type::WSF_EVENT_TEXT, 1, 0, 4)
        );
        // SAFETY: `ev` points at `payload`, alive here.
        let back = unsafe { wsf_event::read(&ev) };
        assert_eq!(back, Ok(recv.event));
        let mut bad = RawEvent {
            kind: 9,
            frame_end: 0,
            message_end: 0,
            close_code: 0,
            payload: core::ptr::null(),
            payload_len: 0,
            reason: core::ptr::null(),
            reason_len: 0,
            consumed: 0,
        };
        // SAFETY: same layout; the bad type is read as a number.
        let r = unsafe { wsf_event::read(core::ptr::addr_of_mut!(bad).cast::<wsf_event>()) };
        assert_eq!(r, Err(wsf_status::WSF_INVALID_ARGUMENT));
    }
}
