//! Where a call gets its rate-limit slot: the in-process limiter (the default) or a
//! [`SharedLimiter`] that every process of one egress IP asks — kept in a file (`file.rs`),
//! Redis (`redis.rs`) or PostgreSQL (`postgres.rs`), each booking atomically.

mod file;
#[cfg(feature = "postgres")]
mod postgres;
#[cfg(feature = "redis")]
mod redis;

use crate::Error;
use crate::context::store::StoreFuture;
use bunq_protocol::rate_limit::{Limit, RateLimiter};
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// bunq's rate limits kept for many processes at once: a sliding window per endpoint, booked
/// atomically on a clock they all share (the store's).
///
/// Windows are named `bucket` + endpoint: one bucket per egress IP, since bunq counts per IP.
pub trait SharedLimiter: fmt::Debug + Send + Sync {
    /// Books the earliest slot for `endpoint` within `limit` and says when it is (zero wait: go
    /// now). With `book` false, only says when the next slot would be.
    fn next_slot<'a>(&'a self, bucket: &'a str, endpoint: &'a str, limit: Limit, book: bool) -> StoreFuture<'a, Slot>;

    /// Gives back one booking at `at` that was not used (the call did not go), if it is still there.
    fn cancel<'a>(&'a self, bucket: &'a str, endpoint: &'a str, at: u64) -> StoreFuture<'a, ()>;
}

/// A slot in a shared window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Slot {
    /// How long until it comes.
    pub wait: Duration,
    /// When it is: milliseconds since the Unix epoch on the store's clock.
    pub at: u64,
}

/// A booked slot, to give back if the call does not go.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Booking {
    InProcess(Instant),
    Shared(u64),
}

/// What a call does when the shared limiter cannot be reached. Never: go ahead unlimited.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WhenStoreDown {
    /// Try again (every 0.25 s, backing off to 2 s) for up to this long, then fail the call.
    Wait(Duration),
    /// Fail the call at once with [`Error::Store`].
    Fail,
}

impl Default for WhenStoreDown {
    fn default() -> Self {
        Self::Wait(Duration::from_secs(30))
    }
}

/// The limiter a client uses.
pub(crate) enum Limiter {
    InProcess(RateLimiter),
    Shared { limiter: Arc<dyn SharedLimiter>, bucket: String, margin: Duration, when_down: WhenStoreDown },
}

impl fmt::Debug for Limiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InProcess(_) => f.write_str("in-process"),
            Self::Shared { limiter, bucket, .. } => write!(f, "shared ({limiter:?}, bucket {bucket})"),
        }
    }
}

impl Limiter {
    /// Books a slot for `endpoint` and waits until it comes.
    pub(crate) async fn wait_for_slot(&self, endpoint: &'static str, limit: Limit) -> Result<Booking, Error> {
        let (wait, booking) = match self {
            Self::InProcess(limiter) => {
                let now = Instant::now();
                let wait = limiter.reserve(endpoint, limit, now);
                (wait, Booking::InProcess(now + wait))
            }
            Self::Shared { .. } => {
                let slot = self.shared_slot(endpoint, limit, true).await?;
                (slot.wait, Booking::Shared(slot.at))
            }
        };
        if !wait.is_zero() {
            tracing::debug!(operation = endpoint, wait_ms = wait.as_millis() as u64, "rate limit");
            tokio::time::sleep(wait).await;
        }
        Ok(booking)
    }

    /// Gives a booked slot back: the call did not go. A failure only costs that slot.
    pub(crate) async fn cancel(&self, endpoint: &'static str, booking: Booking) {
        match (self, booking) {
            (Self::InProcess(limiter), Booking::InProcess(slot)) => limiter.cancel(endpoint, slot),
            (Self::Shared { limiter, bucket, .. }, Booking::Shared(at)) => {
                if let Err(error) = limiter.cancel(bucket, endpoint, at).await {
                    tracing::debug!(operation = endpoint, %error, "could not give an unused slot back");
                }
            }
            _ => {}
        }
    }

    /// How long until `endpoint` has a free slot, booking nothing.
    pub(crate) async fn time_to_slot(&self, endpoint: &'static str, limit: Limit) -> Result<Duration, Error> {
        match self {
            Self::InProcess(limiter) => Ok(limiter.peek(endpoint, limit, Instant::now())),
            Self::Shared { .. } => Ok(self.shared_slot(endpoint, limit, false).await?.wait),
        }
    }

    /// Asks the shared limiter, as [`WhenStoreDown`] says when it does not answer.
    async fn shared_slot(&self, endpoint: &'static str, limit: Limit, book: bool) -> Result<Slot, Error> {
        let Self::Shared { limiter, bucket, margin, when_down } = self else {
            return Ok(Slot { wait: Duration::ZERO, at: 0 });
        };
        // A little slack on every window: send times drift by scheduling and network on the way.
        let limit = Limit { calls: limit.calls, per: limit.per + *margin };
        let started = Instant::now();
        let mut pause = Duration::from_millis(250);
        loop {
            match limiter.next_slot(bucket, endpoint, limit, book).await {
                Ok(slot) => return Ok(slot),
                Err(error) => {
                    let patience = match when_down {
                        WhenStoreDown::Fail => return Err(error),
                        WhenStoreDown::Wait(patience) => *patience,
                    };
                    if started.elapsed() + pause > patience {
                        return Err(error);
                    }
                    tracing::warn!(operation = endpoint, %error, "shared rate limiter unreachable; the call waits");
                    tokio::time::sleep(pause).await;
                    pause = (pause * 2).min(Duration::from_secs(2));
                }
            }
        }
    }
}
