//! Which answers are worth another try, and how long to wait before it.

use std::time::Duration;

/// Retries of reads that meet 429, 491 or 5xx, or no answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Tries after the first (0 turns retrying off).
    pub max_retries: u32,
    /// Wait before the first retry; doubled each time, with jitter, up to `max_delay`.
    pub base_delay: Duration,
    /// Longest single wait.
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

/// A random number for jitter.
pub(crate) fn jitter() -> u32 {
    use rsa::rand_core::{OsRng, RngCore};
    OsRng.next_u32()
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
