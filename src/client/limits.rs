//! Where a call gets its rate-limit slot: the in-process limiter (the default) or a
//! [`SharedLimiter`] that every process of one egress IP asks (a store, see `crate::store`).

use crate::Error;
use crate::store::{SharedLimiter, Slot, WhenStoreDown};
use bunq_protocol::rate_limit::{Limit, RateLimiter};
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A booked slot, to give back if the call does not go.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Booking {
    InProcess(Instant),
    Shared(u64),
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
        self.wait(endpoint, limit, wait).await;
        Ok(booking)
    }

    /// Waits until `endpoint` has a free slot, booking nothing (the call that follows books it).
    pub(crate) async fn wait_for_free_slot(&self, endpoint: &'static str, limit: Limit) -> Result<(), Error> {
        let wait = self.time_to_slot(endpoint, limit).await?;
        self.wait(endpoint, limit, wait).await;
        Ok(())
    }

    /// Holds a call back for `delay` because of bunq's `limit` on `endpoint`, saying so at debug
    /// level: every wait the rate limits cause goes through here, whichever limiter keeps them.
    pub(crate) async fn wait(&self, endpoint: &'static str, limit: Limit, delay: Duration) {
        if delay.is_zero() {
            return;
        }
        tracing::debug!(
            operation = endpoint,
            delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
            limit = %format_args!("{} per {:?}", limit.calls, limit.per),
            limiter = ?self,
            "waiting for a rate-limit slot"
        );
        tokio::time::sleep(delay).await;
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
