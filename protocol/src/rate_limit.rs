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

    /// Gives back a slot booked for `endpoint` at `slot` that was not used (the call did not go).
    pub fn cancel(&self, endpoint: &'static str, slot: Instant) {
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(window) = windows.get_mut(endpoint)
            && let Some(index) = window.iter().position(|&booked| booked == slot)
        {
            window.remove(index);
        }
    }

    /// How long until `endpoint` has a free slot within `limit`, booking nothing.
    pub fn peek(&self, endpoint: &'static str, limit: Limit, now: Instant) -> Duration {
        let windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        let Some(window) = windows.get(endpoint) else { return Duration::ZERO };
        let live: Vec<Instant> = window.iter().copied().filter(|&sent| sent + limit.per > now).collect();
        match live.len().checked_sub(limit.calls) {
            Some(index) => (live[index] + limit.per).saturating_duration_since(now),
            None => Duration::ZERO,
        }
    }
}

/// The same sliding window over plain milliseconds on a clock every process shares (a store's
/// clock), for limiters kept outside the process: drops the send times that left the window
/// and returns the earliest slot at or after `now_ms`. `book` also records it.
///
/// `window` holds booked send times in ascending order; the result is never earlier than the
/// last of them minus the window, so the order is kept when it is pushed.
pub fn next_slot(window: &mut Vec<u64>, limit: Limit, now_ms: u64, book: bool) -> u64 {
    let per = u64::try_from(limit.per.as_millis()).unwrap_or(u64::MAX);
    window.retain(|&sent| sent.saturating_add(per) > now_ms);
    let slot = match window.len().checked_sub(limit.calls) {
        Some(index) => window[index].saturating_add(per).max(now_ms),
        None => now_ms,
    };
    if book {
        window.push(slot);
    }
    slot
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
        assert_eq!(limiter.peek("list_payments", limit, start).as_secs(), 6, "peeking books nothing");
        assert_eq!(limiter.peek("list_payments", limit, start).as_secs(), 6);
        // Another endpoint has its own window.
        assert_eq!(limiter.reserve("get_payment", limit, start), Duration::ZERO);
        // Once time has passed, slots free up again.
        assert_eq!(limiter.reserve("get_payment", limit, start + Duration::from_secs(10)), Duration::ZERO);
    }

    #[test]
    fn the_millisecond_window_agrees_with_the_in_process_one() {
        let limit = Limit { calls: 3, per: Duration::from_secs(3) };
        let mut window = Vec::new();
        let slots: Vec<u64> = (0..7).map(|_| next_slot(&mut window, limit, 1_000, true)).collect();
        assert_eq!(slots, [1_000, 1_000, 1_000, 4_000, 4_000, 4_000, 7_000]);
        // Peeking books nothing; later, old slots have left the window.
        assert_eq!(next_slot(&mut window, limit, 1_000, false), 7_000);
        assert_eq!(next_slot(&mut window, limit, 20_000, false), 20_000);
        assert!(window.is_empty());
    }

    #[test]
    fn bunq_limits_by_method_and_endpoint() {
        assert_eq!(bunq_limit("create_session_server", &Method::POST).calls, 1);
        assert_eq!(bunq_limit("list_payments", &Method::GET).calls, 3);
        assert_eq!(bunq_limit("create_payment", &Method::POST).calls, 5);
    }
}
