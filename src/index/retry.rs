//! Retry policy: which failures are retried and how long to wait (pure functions, so
//! the policy is testable without a network or a clock).

use std::time::Duration;

/// First backoff step.
const BASE: Duration = Duration::from_millis(200);
/// Longest computed backoff.
const MAX_BACKOFF: Duration = Duration::from_secs(10);
/// Longest wait a server's `Retry-After` can impose.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(30);

/// Whether an HTTP status is worth retrying (5xx, 429, 408).
pub fn is_retryable_status(status: u16) -> bool {
    status == 429 || status == 408 || (500..600).contains(&status)
}

/// The wait before retry number `attempt` (0 for the first retry).
///
/// Exponential (`BASE * 2^attempt`, capped) scaled by `jitter` in `[0, 1)` to a factor
/// in `[0.5, 1.5)`, so clients that failed together do not retry together. A server's
/// `Retry-After` wins (capped at [`MAX_RETRY_AFTER`]).
pub fn backoff(attempt: u32, retry_after: Option<Duration>, jitter: f64) -> Duration {
    if let Some(after) = retry_after {
        return after.min(MAX_RETRY_AFTER);
    }
    let exp = BASE.saturating_mul(1_u32.checked_shl(attempt.min(16)).unwrap_or(u32::MAX));
    exp.min(MAX_BACKOFF).mul_f64(0.5 + jitter.clamp(0.0, 1.0))
}

/// Parses a `Retry-After` header given in seconds (HTTP dates are ignored).
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses() {
        for s in [500, 502, 503, 504, 429, 408] {
            assert!(is_retryable_status(s), "{s}");
        }
        for s in [200, 304, 400, 401, 403, 404, 416] {
            assert!(!is_retryable_status(s), "{s}");
        }
    }

    #[test]
    fn exponential_with_jitter_and_cap() {
        assert_eq!(backoff(0, None, 0.5), Duration::from_millis(200));
        assert_eq!(backoff(1, None, 0.5), Duration::from_millis(400));
        assert_eq!(backoff(2, None, 0.0), Duration::from_millis(400));
        assert_eq!(backoff(2, None, 1.0), Duration::from_millis(1200));
        assert_eq!(backoff(30, None, 0.5), MAX_BACKOFF);
        assert_eq!(backoff(u32::MAX, None, 0.5), MAX_BACKOFF);
    }

    #[test]
    fn retry_after_is_honoured_and_capped() {
        assert_eq!(
            backoff(0, Some(Duration::from_secs(2)), 0.9),
            Duration::from_secs(2)
        );
        assert_eq!(
            backoff(0, Some(Duration::from_hours(1)), 0.1),
            MAX_RETRY_AFTER
        );
        assert_eq!(parse_retry_after(" 7 "), Some(Duration::from_secs(7)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
    }
}
