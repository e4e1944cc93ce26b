//! bunq's published rate limits, kept on the client side: a call waits for its slot instead
//! of being refused with 429.

use http::Method;
use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How many calls of one endpoint bunq allows in a window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit {
    /// Calls per window.
    pub calls: usize,
    /// The window.
    pub per: Duration,
}

/// bunq's limits: GET 3, POST 5, PUT 2 in any 3 s per endpoint; session-server 1 in 30 s.
pub fn bunq_limit(operation_id: &str, method: &Method) -> Limit {
    let three_seconds = Duration::from_secs(3);
    match (operation_id, method) {
        ("create_session_server", _) => Limit { calls: 1, per: Duration::from_secs(30) },
        (_, &Method::GET) => Limit { calls: 3, per: three_seconds },
        (_, &Method::PUT) => Limit { calls: 2, per: three_seconds },
        _ => Limit { calls: 5, per: three_seconds },
    }
}

/// The client side of the limits: sliding windows of reserved send times, one per endpoint.
/// Each call books a slot with [`RateLimiter::reserve`] and waits until it comes; one limiter
/// is shared by every call of a client (and its clones).
#[derive(Debug, Default)]
pub struct RateLimiter {
    windows: Mutex<HashMap<&'static str, VecDeque<Instant>>>,
}

impl RateLimiter {
    /// Reserves the earliest slot within `limit` for `endpoint` at or after `now`, and says how
    /// long to wait for it (zero: go now). The slot is booked whether or not the caller waits.
    /// The lock is held only to book the slot, never while waiting.
    pub fn reserve(&self, endpoint: &'static str, limit: Limit, now: Instant) -> Duration {
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        let window = windows.entry(endpoint).or_default();
        while window.front().is_some_and(|&sent| sent + limit.per <= now) {
            window.pop_front();
        }
        let slot = match window.len().checked_sub(limit.calls) {
            // The call `calls` places back must have left the window first.
            Some(index) => (window[index] + limit.per).max(now),
            None => now,
        };
        window.push_back(slot);
        slot - now
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_window_holds_more_than_the_limit() {
        let limiter = RateLimiter::default();
        let limit = Limit { calls: 3, per: Duration::from_secs(3) };
        let start = Instant::now();
        let waits: Vec<u64> = (0..7).map(|_| limiter.reserve("list_payments", limit, start).as_secs()).collect();
        assert_eq!(waits, [0, 0, 0, 3, 3, 3, 6]);
        // Another endpoint has its own window.
        assert_eq!(limiter.reserve("get_payment", limit, start), Duration::ZERO);
        // Once time has passed, slots free up again.
        assert_eq!(limiter.reserve("get_payment", limit, start + Duration::from_secs(10)), Duration::ZERO);
    }

    #[test]
    fn bunq_limits_by_method_and_endpoint() {
        assert_eq!(bunq_limit("create_session_server", &Method::POST).calls, 1);
        assert_eq!(bunq_limit("list_payments", &Method::GET).calls, 3);
        assert_eq!(bunq_limit("create_payment", &Method::POST).calls, 5);
    }
}
