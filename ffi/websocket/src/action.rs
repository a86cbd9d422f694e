//! One action as `WebSocketGetAction` reports it, and the
//! `INDICATE_RECEIVE_COMPLETE` view of a core event (handle.rs rule 4).

use core::ffi::c_void;

use wsframe::{DataKind, Event};

use crate::types::{Buffer, CloseView, DataView, action, buffer_type};

/// One action as `WebSocketGetAction` reports it.
pub struct Action {
    pub action: u32,
    pub buffer_type: u32,
    pub app_ctx: *mut c_void,
    pub channel: usize,
    pub buffers: [Buffer; 2],
    pub count: usize,
}

impl Action {
    pub const fn none() -> Self {
        let empty = Buffer {
            data: DataView {
                buffer: core::ptr::null_mut(),
                len: 0,
            },
        };
        Self {
            action: action::NO_ACTION,
            buffer_type: 0,
            app_ctx: core::ptr::null_mut(),
            channel: 0,
            buffers: [empty; 2],
            count: 0,
        }
    }

    pub fn data(&mut self, ptr: *mut u8, len: usize) {
        if let Some(b) = self.buffers.get_mut(self.count) {
            *b = Buffer {
                data: DataView {
                    buffer: ptr,
                    len: len as u32,
                },
            };
            self.count += 1;
        }
    }
}

/// Fills `out` with `INDICATE_RECEIVE_COMPLETE` for `event`; false for
/// what is not indicated (Pings, empty non-final data pieces).
pub fn indicate(event: Event<'_>, out: &mut Action) -> bool {
    out.action = action::INDICATE_RECEIVE_COMPLETE;
    match event {
        Event::Data {
            kind,
            payload,
            message_end,
            ..
        } => {
            if payload.is_empty() && !message_end {
                return false;
            }
            out.buffer_type = match (kind, message_end) {
                (DataKind::Text, true) => buffer_type::UTF8_MESSAGE,
                (DataKind::Text, false) => buffer_type::UTF8_FRAGMENT,
                (DataKind::Binary, true) => buffer_type::BINARY_MESSAGE,
                (DataKind::Binary, false) => buffer_type::BINARY_FRAGMENT,
            };
            out.data(payload.as_ptr().cast_mut(), payload.len());
        }
        Event::Pong(payload) => {
            out.buffer_type = buffer_type::PING_PONG;
            out.data(payload.as_ptr().cast_mut(), payload.len());
        }
        Event::Close { code, reason } => {
            out.buffer_type = buffer_type::CLOSE;
            if let Some(b) = out.buffers.first_mut() {
                *b = Buffer {
                    close: CloseView {
                        reason: reason.as_ptr().cast_mut(),
                        reason_len: reason.len() as u32,
                        status: code.get(),
                    },
                };
            }
            out.count = 1;
        }
        _ => {
            out.action = action::NO_ACTION;
            return false;
        }
    }
    true
}
