//! Who we are on the connection (ground layer): the role decides who masks
//! (RFC 6455 §5.1).

/// The endpoint's role. A client masks every frame it sends and requires
/// unmasked frames from the server; a server does the opposite (§5.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Role {
    /// The endpoint that sent the opening handshake; masks its frames.
    Client,
    /// The endpoint that accepted the opening handshake; never masks.
    Server,
}

impl Role {
    /// Whether frames we send carry a mask.
    #[must_use]
    pub const fn masks_outgoing(self) -> bool {
        matches!(self, Self::Client)
    }

    /// Whether frames we receive must carry a mask.
    #[must_use]
    pub const fn expects_masked(self) -> bool {
        matches!(self, Self::Server)
    }
}
