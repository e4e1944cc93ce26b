//! A receiver any HTTP framework can call: the peer's address and the body in, a notification out
//! — or nothing for a retry already seen, or the reason it was refused.

use super::{Notification, SourceRanges};
use std::collections::{HashSet, VecDeque};
use std::fmt;
use std::net::IpAddr;
use std::sync::Mutex;

/// Events remembered for deduplication (bunq retries a delivery a few times, a minute apart).
const REMEMBERED: usize = 10_000;
/// The largest callback body read.
const MAX_BODY: usize = 1 << 20;

/// Why a callback was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Refused {
    /// It came from an address outside the allowed ranges.
    Source(IpAddr),
    /// The body is not a callback.
    Malformed(String),
    /// The body is larger than a callback can be.
    TooLarge(usize),
}

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refused::Source(ip) => {
                write!(f, "a callback from {ip} was refused: it is not an address bunq sends callbacks from")
            }
            Refused::Malformed(why) => write!(f, "a callback was refused: {why}"),
            Refused::TooLarge(n) => write!(f, "a callback of {n} bytes was refused: more than a callback can be"),
        }
    }
}

impl std::error::Error for Refused {}

/// Says at warn level that a delivery from `peer` was refused, and why. Reasons never quote the
/// body (a JSON syntax error says where, not what).
pub(crate) fn log_refusal(peer: IpAddr, reason: &dyn fmt::Display) {
    tracing::warn!(%peer, %reason, "callback delivery refused");
}

/// Checks where callbacks come from, reads them, and passes each event once.
#[derive(Debug)]
pub struct Receiver {
    sources: Option<SourceRanges>,
    seen: Mutex<(HashSet<String>, VecDeque<String>)>,
}

impl Default for Receiver {
    fn default() -> Self {
        Self::new()
    }
}

impl Receiver {
    /// Callbacks from bunq's production range only.
    pub fn new() -> Self {
        Self { sources: Some(SourceRanges::bunq_production()), seen: Mutex::new(Default::default()) }
    }

    /// Callbacks from these ranges only (bunq's sandbox sends from varying cloud addresses).
    pub fn from_sources(sources: SourceRanges) -> Self {
        Self { sources: Some(sources), ..Self::new() }
    }

    /// Callbacks from anywhere: only behind a proxy that checks the source itself.
    pub fn from_anywhere() -> Self {
        Self { sources: None, ..Self::new() }
    }

    /// One delivery: `Ok(None)` when it repeats an event already passed on (same object,
    /// category and event type). A refusal is logged (warn: the peer's address and the reason;
    /// never the body).
    pub fn receive(&self, remote: IpAddr, body: &[u8]) -> Result<Option<Notification>, Refused> {
        self.check(remote, body).inspect_err(|refused| log_refusal(remote, refused))
    }

    fn check(&self, remote: IpAddr, body: &[u8]) -> Result<Option<Notification>, Refused> {
        if let Some(sources) = &self.sources
            && !sources.allows(remote)
        {
            return Err(Refused::Source(remote));
        }
        if body.len() > MAX_BODY {
            return Err(Refused::TooLarge(body.len()));
        }
        let notification = Notification::parse(body).map_err(Refused::Malformed)?;
        let key = format!(
            "{}/{}/{}/{}",
            notification.object.type_name(),
            notification.object_id().map_or_else(|| notification.raw.to_string(), |id| id.to_string()),
            notification.category,
            notification.event_type
        );
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        let (set, order) = &mut *seen;
        if !set.insert(key.clone()) {
            return Ok(None);
        }
        order.push_back(key);
        if order.len() > REMEMBERED
            && let Some(oldest) = order.pop_front()
        {
            set.remove(&oldest);
        }
        Ok(Some(notification))
    }
}
