//! Sending (connection layer): the frames the caller asks for, encoded by
//! the frame layer's whole-frame encoder under the rules of the state
//! machine (`connection.rs`: §5.4 sequencing, rules 6–8). A send that
//! cannot be done changes nothing (rule 8); our Close moves the state
//! through [`Connection::close_went_out`], the one place it is recorded.

use super::Connection;
use crate::close::ClosePayload;
use crate::close_code::CloseCode;
use crate::error::{Error, UsageError};
use crate::event::DataKind;
use crate::frame::{self, OpCode, encode_close, encode_frame, header_for};

impl<const PONG: usize> Connection<PONG> {
    /// Encodes a data frame (header and payload, masked for a client) into
    /// `out`; returns its length. `fin = false` starts or continues a
    /// fragmented message of `kind`; the opcodes follow (§5.4). The caller
    /// is responsible for text being UTF-8.
    ///
    /// # Errors
    /// [`UsageError::Closed`] after our Close or a failure,
    /// [`UsageError::MessageInProgress`] for a `kind` other than that of
    /// the fragmented message being sent, [`UsageError::BufferTooSmall`].
    pub fn send_data(
        &mut self,
        kind: DataKind,
        fin: bool,
        payload: &[u8],
        mask_key: [u8; 4],
        out: &mut [u8],
    ) -> Result<usize, Error> {
        let opcode = self.next_data_opcode(kind)?;
        let n = encode_frame(self.role, opcode, fin, [payload, &[]], mask_key, out)?;
        self.tx_message = (!fin).then_some(kind);
        Ok(n)
    }

    /// Encodes only the header of a data frame with `payload_len` bytes, so
    /// the payload can be sent from where it already is. A client must
    /// mask the payload itself with
    /// [`apply_mask`](crate::mask::apply_mask)`(payload, mask_key, 0)`.
    /// Same rules and errors as [`Connection::send_data`].
    pub fn send_data_header(
        &mut self,
        kind: DataKind,
        fin: bool,
        payload_len: u64,
        mask_key: [u8; 4],
        out: &mut [u8],
    ) -> Result<usize, Error> {
        let opcode = self.next_data_opcode(kind)?;
        let header = header_for(self.role, opcode, fin, payload_len, mask_key);
        let n = frame::encode(&header, out)?;
        self.tx_message = (!fin).then_some(kind);
        Ok(n)
    }

    /// Encodes a Ping with at most 125 bytes of payload.
    ///
    /// # Errors
    /// [`UsageError::Closed`], [`UsageError::ControlTooLong`],
    /// [`UsageError::BufferTooSmall`].
    pub fn send_ping(
        &mut self,
        payload: &[u8],
        mask_key: [u8; 4],
        out: &mut [u8],
    ) -> Result<usize, Error> {
        self.send_control(OpCode::Ping, payload, mask_key, out)
    }

    /// Encodes a Pong (e.g. an unsolicited one as a keep-alive, §5.5.3).
    /// Same errors as [`Connection::send_ping`].
    pub fn send_pong(
        &mut self,
        payload: &[u8],
        mask_key: [u8; 4],
        out: &mut [u8],
    ) -> Result<usize, Error> {
        self.send_control(OpCode::Pong, payload, mask_key, out)
    }

    /// Encodes our Close (§5.5.1) and moves to CloseSent (or Closed, if it
    /// answers the peer's Close, replacing the pending echo).
    /// [`CloseCode::NO_STATUS`] with an empty reason sends an empty Close.
    ///
    /// # Errors
    /// [`UsageError::Closed`] if a Close was already sent or the connection
    /// failed; [`UsageError::InvalidCloseCode`], [`UsageError::ReasonTooLong`],
    /// [`UsageError::BufferTooSmall`].
    pub fn send_close(
        &mut self,
        code: CloseCode,
        reason: &str,
        mask_key: [u8; 4],
        out: &mut [u8],
    ) -> Result<usize, Error> {
        self.check_can_send()?;
        let n = encode_close(self.role, &ClosePayload { code, reason }, mask_key, out)?;
        self.close_went_out();
        Ok(n)
    }

    /// Encodes a Ping or Pong while sending is allowed.
    fn send_control(
        &self,
        opcode: OpCode,
        payload: &[u8],
        mask_key: [u8; 4],
        out: &mut [u8],
    ) -> Result<usize, Error> {
        self.check_can_send()?;
        let parts = [payload, &[]];
        Ok(encode_frame(self.role, opcode, true, parts, mask_key, out)?)
    }

    /// The opcode for the next data frame of `kind` (§5.4).
    fn next_data_opcode(&self, kind: DataKind) -> Result<OpCode, UsageError> {
        self.check_can_send()?;
        match self.tx_message {
            None if kind == DataKind::Text => Ok(OpCode::Text),
            None => Ok(OpCode::Binary),
            Some(k) if k == kind => Ok(OpCode::Continuation),
            Some(_) => Err(UsageError::MessageInProgress),
        }
    }
}
