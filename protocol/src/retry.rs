//! What to do after each attempt of a call: hand the answer over, wait and try again, renew the
//! session, or report that a write's outcome is unknown. A pure decision over what came back;
//! `bunq-api`'s hooks carry it out.
//!
//! An answer whose server signature failed is never data, but its status may still drive a
//! decision that stays safe if it was forged (a forger on the path could as well drop the
//! connection): a 429 from bunq's rate limiter (which does not sign) means the call was not
//! executed, and a 502/503/504 from a load balancer means a read can be tried again.

use std::time::Duration;

/// Longest `Retry-After` honoured; a longer one (or a forged one) waits this long.
pub(crate) const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

/// Retries of reads that meet 429, 491 or 5xx, or no answer, and of writes refused with 429.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Tries after the first (0 turns retrying off).
    pub max_retries: u32,
    /// Wait before the first retry; doubled each time, with jitter, up to `max_delay`.
    pub base_delay: Duration,
    /// Longest single wait (a `Retry-After` from the server is honoured up to 60 s instead).
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self { max_retries: 3, base_delay: Duration::from_millis(500), max_delay: Duration::from_secs(8) }
    }
}

impl RetryPolicy {
    /// No retries.
    pub fn none() -> Self {
        Self { max_retries: 0, ..Self::default() }
    }

    /// The wait before retry `attempt` (0-based): exponential, with "full jitter" in its upper half.
    pub fn delay(&self, attempt: u32, random: u32) -> Duration {
        let exponential = self.base_delay.saturating_mul(1u32 << attempt.min(16)).min(self.max_delay);
        let half = exponential / 2;
        half + half.mul_f64(f64::from(random) / f64::from(u32::MAX))
    }
}

/// 429 (rate limited), 491 (maintenance) and 5xx are worth another try for a read.
pub fn is_retryable_status(status: u16) -> bool {
    matches!(status, 429 | 491 | 500..=599)
}

/// The statuses a load balancer in front of bunq answers with, unsigned.
pub(crate) fn is_gateway_status(status: u16) -> bool {
    matches!(status, 502..=504)
}

/// What one attempt got back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    /// No answer.
    Nothing {
        /// The request may have reached the server (it was not a connection failure).
        maybe_sent: bool,
    },
    /// An answer signed by bunq (or one of a call that needs no signature).
    Verified {
        /// Its HTTP status.
        status: u16,
    },
    /// An answer whose server signature is missing or wrong: only its status is looked at.
    Unverified {
        /// Its HTTP status.
        status: u16,
    },
}

/// The call being made, as the decision needs it.
#[derive(Clone, Copy, Debug)]
pub struct CallKind {
    /// A GET: it can be repeated freely.
    pub read: bool,
    /// It carries the session token (a 401 means the session is gone).
    pub uses_session: bool,
}

/// What happened so far in this call.
#[derive(Clone, Copy, Debug, Default)]
pub struct History {
    /// Retries made.
    pub retries: u32,
    /// The session was renewed once already.
    pub reauthenticated: bool,
    /// A write was retried under its request id after an unverified answer: it may have run then.
    pub write_retried_unverified: bool,
}

/// What to do next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Next {
    /// Give the answer (or the error) to the caller as it is.
    Deliver,
    /// Wait, then send again.
    Retry {
        /// How long to wait first.
        wait: Duration,
        /// Send under the same request id (a write bunq did not execute), else under a new one.
        same_request_id: bool,
    },
    /// Open a new session and replay the call once.
    Reauthenticate,
    /// A write that may have been executed: report its outcome as unknown.
    OutcomeUnknown,
    /// An unverified answer whose status cannot be acted on: refuse it.
    Refuse,
    /// An unverified front-door answer (429, or 502/503/504 to a read), retries used up.
    GiveUp,
}

/// The decision after one attempt. `retry_after` is the server's hint, `random` the jitter.
pub fn decide(
    call: CallKind,
    answer: Answer,
    history: History,
    policy: &RetryPolicy,
    retry_after: Option<Duration>,
    random: u32,
) -> Next {
    let left = history.retries < policy.max_retries;
    let backoff = policy.delay(history.retries, random);
    let retry = |same_request_id| Next::Retry { wait: backoff, same_request_id };
    let rate_limited = |same_request_id| Next::Retry {
        wait: retry_after.map_or(backoff, |hint| hint.min(MAX_RETRY_AFTER)),
        same_request_id,
    };
    match answer {
        Answer::Nothing { .. } if call.read && left => retry(false),
        Answer::Nothing { maybe_sent: true } if !call.read => Next::OutcomeUnknown,
        Answer::Nothing { .. } => Next::Deliver,
        // The write may have run on an earlier attempt whose answer was not bunq's: a refusal
        // now may be bunq refusing the repeated request id.
        Answer::Verified { status }
            if !call.read && history.write_retried_unverified && status >= 400 && status != 429 =>
        {
            Next::OutcomeUnknown
        }
        Answer::Verified { status: 401 } if call.uses_session && !history.reauthenticated => Next::Reauthenticate,
        // A 429 was not executed: a write goes again under its own request id.
        Answer::Verified { status: 429 } | Answer::Unverified { status: 429 } if left => rate_limited(!call.read),
        Answer::Verified { status } if call.read && is_retryable_status(status) && left => retry(false),
        Answer::Verified { .. } => Next::Deliver,
        Answer::Unverified { status: 429 } => Next::GiveUp,
        Answer::Unverified { status } if is_gateway_status(status) && !call.read => Next::OutcomeUnknown,
        Answer::Unverified { status } if is_gateway_status(status) && left => retry(false),
        Answer::Unverified { status } if is_gateway_status(status) => Next::GiveUp,
        Answer::Unverified { .. } => Next::Refuse,
    }
}

/// A `Retry-After` in seconds (the HTTP-date form is not used by bunq and is ignored).
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

/// A random number from the operating system, for the `random` (jitter) of [`decide`].
pub fn jitter() -> u32 {
    use rsa::rand_core::{OsRng, RngCore};
    OsRng.next_u32()
}

#[cfg(test)]
mod tests {
    use super::*;

    const READ: CallKind = CallKind { read: true, uses_session: true };
    const WRITE: CallKind = CallKind { read: false, uses_session: true };

    fn after(call: CallKind, answer: Answer, history: History) -> Next {
        decide(call, answer, history, &RetryPolicy::default(), None, 0)
    }

    fn used_up() -> History {
        History { retries: 3, ..History::default() }
    }

    #[test]
    fn delays_grow_and_are_capped() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.delay(0, 0), Duration::from_millis(250));
        assert_eq!(policy.delay(0, u32::MAX), Duration::from_millis(500));
        assert_eq!(policy.delay(2, u32::MAX), Duration::from_secs(2));
        assert_eq!(policy.delay(30, u32::MAX), Duration::from_secs(8));
    }

    #[test]
    fn retryable_statuses() {
        assert!(is_retryable_status(429) && is_retryable_status(491) && is_retryable_status(503));
        assert!(!is_retryable_status(400) && !is_retryable_status(401) && !is_retryable_status(490));
    }

    #[test]
    fn unsigned_429_retries_reads_and_writes_writes_under_their_id() {
        let unsigned = Answer::Unverified { status: 429 };
        let wait = Duration::from_millis(250);
        assert_eq!(after(READ, unsigned, History::default()), Next::Retry { wait, same_request_id: false });
        assert_eq!(after(WRITE, unsigned, History::default()), Next::Retry { wait, same_request_id: true });
        assert_eq!(after(READ, unsigned, used_up()), Next::GiveUp);
        assert_eq!(after(WRITE, unsigned, used_up()), Next::GiveUp);
    }

    #[test]
    fn retry_after_is_honoured_and_capped() {
        let unsigned = Answer::Unverified { status: 429 };
        let hint = |secs| decide(READ, unsigned, History::default(), &RetryPolicy::default(), Some(secs), 0);
        assert_eq!(hint(Duration::from_secs(2)), Next::Retry { wait: Duration::from_secs(2), same_request_id: false });
        assert_eq!(hint(Duration::from_secs(86_400)), Next::Retry { wait: MAX_RETRY_AFTER, same_request_id: false });
        assert_eq!(parse_retry_after(" 3 "), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
    }

    #[test]
    fn unsigned_gateway_errors_retry_reads_and_leave_writes_unknown() {
        for status in [502, 503, 504] {
            let unsigned = Answer::Unverified { status };
            assert!(matches!(after(READ, unsigned, History::default()), Next::Retry { same_request_id: false, .. }));
            assert_eq!(after(READ, unsigned, used_up()), Next::GiveUp);
            assert_eq!(after(WRITE, unsigned, History::default()), Next::OutcomeUnknown);
        }
    }

    #[test]
    fn other_unverified_answers_are_refused() {
        for status in [200, 400, 401, 490, 500] {
            assert_eq!(after(READ, Answer::Unverified { status }, History::default()), Next::Refuse, "{status}");
            assert_eq!(after(WRITE, Answer::Unverified { status }, History::default()), Next::Refuse, "{status}");
        }
    }

    #[test]
    fn a_refusal_after_an_unverified_retry_of_a_write_is_not_trusted_as_final() {
        let history = History { retries: 1, write_retried_unverified: true, ..History::default() };
        assert_eq!(after(WRITE, Answer::Verified { status: 400 }, history), Next::OutcomeUnknown);
        assert_eq!(after(WRITE, Answer::Verified { status: 200 }, history), Next::Deliver);
        assert!(matches!(after(WRITE, Answer::Verified { status: 429 }, history), Next::Retry { .. }));
    }

    #[test]
    fn verified_answers_as_before() {
        assert_eq!(after(READ, Answer::Verified { status: 200 }, History::default()), Next::Deliver);
        assert_eq!(after(READ, Answer::Verified { status: 401 }, History::default()), Next::Reauthenticate);
        let renewed = History { reauthenticated: true, ..History::default() };
        assert_eq!(after(READ, Answer::Verified { status: 401 }, renewed), Next::Deliver);
        assert!(matches!(after(READ, Answer::Verified { status: 491 }, History::default()), Next::Retry { .. }));
        assert_eq!(after(WRITE, Answer::Verified { status: 500 }, History::default()), Next::Deliver);
        assert_eq!(after(READ, Answer::Verified { status: 503 }, used_up()), Next::Deliver);
        assert_eq!(after(WRITE, Answer::Nothing { maybe_sent: true }, History::default()), Next::OutcomeUnknown);
        assert_eq!(after(WRITE, Answer::Nothing { maybe_sent: false }, History::default()), Next::Deliver);
        assert!(matches!(after(READ, Answer::Nothing { maybe_sent: true }, History::default()), Next::Retry { .. }));
    }
}
