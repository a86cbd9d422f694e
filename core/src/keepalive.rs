//! Keep-alive timing (helpers layer, RFC 6455 §5.5.2): when to ping and
//! when to give up, from caller-supplied time. There are no clocks inside.

use crate::connection::Connection;

/// What [`KeepAlive::poll`] asks the caller to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[must_use]
pub enum KeepAliveAction {
    /// Nothing to do yet.
    Idle,
    /// The peer has been quiet for the interval: send a Ping now
    /// (`Connection::send_ping`).
    SendPing,
    /// The Ping went unanswered (nothing at all arrived) for the timeout:
    /// fail the connection (e.g. send Close 1001 or drop it).
    TimedOut,
}

/// Keep-alive state, separate from the connection so callers who do not
/// want it pay nothing. Any received byte counts as a sign of life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeepAlive {
    interval_ms: u64,
    timeout_ms: u64,
    last_rx_ms: Option<u64>,
    ping_sent_ms: Option<u64>,
}

impl KeepAlive {
    /// Ping after `interval_ms` of silence; time out `timeout_ms` after the
    /// Ping if still nothing arrived.
    #[must_use]
    pub const fn new(interval_ms: u64, timeout_ms: u64) -> Self {
        Self {
            interval_ms,
            timeout_ms,
            last_rx_ms: None,
            ping_sent_ms: None,
        }
    }

    /// The silence after which a Ping is due, in milliseconds.
    #[must_use]
    pub const fn interval_ms(&self) -> u64 {
        self.interval_ms
    }

    /// How long a Ping may go unanswered, in milliseconds.
    #[must_use]
    pub const fn timeout_ms(&self) -> u64 {
        self.timeout_ms
    }

    /// Given the current time (any monotonic milliseconds), says what to do.
    /// Call it periodically and whenever input was processed.
    pub fn poll<const PONG: usize>(
        &mut self,
        now_ms: u64,
        conn: &mut Connection<PONG>,
    ) -> KeepAliveAction {
        if conn.take_activity() || self.last_rx_ms.is_none() {
            self.last_rx_ms = Some(now_ms);
            self.ping_sent_ms = None;
        }
        if let Some(sent) = self.ping_sent_ms {
            return if now_ms.saturating_sub(sent) >= self.timeout_ms {
                KeepAliveAction::TimedOut
            } else {
                KeepAliveAction::Idle
            };
        }
        let quiet = now_ms.saturating_sub(self.last_rx_ms.unwrap_or(now_ms));
        if quiet >= self.interval_ms {
            self.ping_sent_ms = Some(now_ms);
            KeepAliveAction::SendPing
        } else {
            KeepAliveAction::Idle
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Config, Role};

    #[test]
    fn pings_after_silence_and_times_out() {
        let mut conn = Connection::new(Role::Server, Config::new());
        let mut ka = KeepAlive::new(1000, 500);
        assert_eq!(ka.poll(10_000, &mut conn), KeepAliveAction::Idle);
        assert_eq!(ka.poll(10_999, &mut conn), KeepAliveAction::Idle);
        assert_eq!(ka.poll(11_000, &mut conn), KeepAliveAction::SendPing);
        assert_eq!(ka.poll(11_499, &mut conn), KeepAliveAction::Idle);
        assert_eq!(ka.poll(11_500, &mut conn), KeepAliveAction::TimedOut);
    }

    #[test]
    fn received_bytes_reset_the_timer() {
        let mut conn = Connection::new(Role::Server, Config::new());
        let mut ka = KeepAlive::new(1000, 500);
        assert_eq!(ka.poll(0, &mut conn), KeepAliveAction::Idle);
        assert_eq!(ka.poll(1000, &mut conn), KeepAliveAction::SendPing);
        // A masked Pong arrives.
        let mut pong = [0x8a, 0x80, 1, 2, 3, 4];
        let r = conn.recv(&mut pong).unwrap();
        assert_eq!(r.consumed, 6);
        assert_eq!(ka.poll(1400, &mut conn), KeepAliveAction::Idle);
        assert_eq!(ka.poll(2399, &mut conn), KeepAliveAction::Idle);
        assert_eq!(ka.poll(2400, &mut conn), KeepAliveAction::SendPing);
        // Time going backwards never panics or fires.
        assert_eq!(ka.poll(0, &mut conn), KeepAliveAction::Idle);
    }
}
