//! Hand-written: the retry policy that every official Stripe SDK follows (which failures are
//! retried, and how long to wait before the next attempt), kept free of I/O so that it can be
//! tested exactly.

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::HeaderMap;

/// How many times a failed request is retried unless the client or the request says otherwise,
/// as in Stripe's Node and Go SDKs. A request is therefore sent at most three times.
pub const DEFAULT_MAX_RETRIES: u32 = 2;

/// The longest wait a `Retry-After` response header can impose before the next attempt.
///
/// A server that asks for more gets exactly this much: long enough to ride out a short
/// overload, short enough that a request inside a caller's own request handler is not parked
/// for minutes. Stripe's Python SDK bounds the header with the same value.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

/// The first retry's delay before jitter; each later retry doubles it.
const INITIAL_DELAY: Duration = Duration::from_millis(500);

/// The longest computed backoff delay (a `Retry-After` header may ask for more).
const MAX_DELAY: Duration = Duration::from_secs(5);

/// The shortest wait before any retry, whatever the jitter drew.
const MIN_DELAY: Duration = Duration::from_millis(500);

pub(crate) const SHOULD_RETRY_HEADER: &str = "stripe-should-retry";
const RETRY_AFTER_HEADER: &str = "retry-after";

/// Whether an error response (or an undecodable one) is worth another attempt.
///
/// `Stripe-Should-Retry` wins when present: Stripe knows, for example, that a 409 caused by a
/// concurrent idempotent request will not go away, or that a 400 from a lock timeout will.
/// Without it, conflicts (409) and server errors (5xx) are retried; 429 is not, as in the
/// official SDKs, because retrying a rate limit immediately only adds load.
pub(crate) fn is_retryable_response(status: StatusCode, should_retry: Option<bool>) -> bool {
    match should_retry {
        Some(decision) => decision,
        None => status == StatusCode::CONFLICT || status.is_server_error(),
    }
}

/// Whether a failure to send or read a request is worth another attempt: connection failures,
/// dropped connections and timeouts are, because the idempotency key makes a POST safe to
/// repeat. A request that could not even be built, or a redirect the caller's HTTP client
/// refused, would fail the same way again.
pub(crate) fn is_retryable_transport(error: &reqwest::Error) -> bool {
    !error.is_builder() && !error.is_redirect()
}

/// Reads `Stripe-Should-Retry`: `Some(true)` or `Some(false)`, or `None` when the header is
/// absent or holds anything else.
pub(crate) fn should_retry_header(headers: &HeaderMap) -> Option<bool> {
    let value = headers.get(SHOULD_RETRY_HEADER)?.to_str().ok()?.trim();
    if value.eq_ignore_ascii_case("true") {
        Some(true)
    } else if value.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// Reads `Retry-After` in its delay-seconds form (`Retry-After: 3`).
///
/// The HTTP-date form is ignored (the computed backoff applies instead): Stripe does not send
/// it, and parsing dates would cost a dependency for no gain.
pub(crate) fn retry_after_header(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER_HEADER)?.to_str().ok()?.trim();
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // Digits that overflow are a very long wait, which the cap bounds anyway.
    Some(Duration::from_secs(
        value.parse::<u64>().unwrap_or(u64::MAX),
    ))
}

/// The wait before retry number `retry` (1 for the first retry).
///
/// `jitter` is a uniformly random number in `[0, 1)`; it scales the exponential delay by a
/// factor in `[0.5, 1)` so that clients failing together do not retry in lockstep. The result
/// is `max(min(0.5 s * 2^(retry-1), 5 s) * (0.5 + jitter / 2), 0.5 s)`, raised to the server's
/// `Retry-After` (capped at [`MAX_RETRY_AFTER`]) when that asks for longer.
pub(crate) fn retry_delay(retry: u32, jitter: f64, retry_after: Option<Duration>) -> Duration {
    // 0.5 s * 2^4 already exceeds the 5 s cap, so larger exponents need not be computed (and
    // cannot overflow).
    let exponent = retry.saturating_sub(1).min(4);
    let base = INITIAL_DELAY.saturating_mul(1 << exponent).min(MAX_DELAY);
    // A jitter outside [0, 1) (never produced by `random_jitter`) is clamped rather than
    // trusted, so the factor stays within [0.5, 1].
    let jitter = if jitter.is_finite() {
        jitter.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let backoff = base.mul_f64(0.5 + jitter / 2.0).max(MIN_DELAY);
    match retry_after {
        Some(asked) => backoff.max(asked.min(MAX_RETRY_AFTER)),
        None => backoff,
    }
}

/// A uniformly random number in `[0, 1)` for [`retry_delay`], from the operating system's
/// generator; if that fails, the middle of the range, which still backs off.
pub(crate) fn random_jitter() -> f64 {
    const BITS: u32 = 53;
    let Ok(bytes) = crate::random::random_16() else {
        return 0.5;
    };
    let mut low = [0; 8];
    low.copy_from_slice(&bytes[..8]);
    let mantissa = u64::from_le_bytes(low) & ((1_u64 << BITS) - 1);
    // Both conversions are exact: the mantissa has at most 53 significant bits.
    mantissa as f64 / (1_u64 << BITS) as f64
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use reqwest::StatusCode;
    use reqwest::header::{HeaderMap, HeaderValue};

    use super::{
        MAX_RETRY_AFTER, is_retryable_response, random_jitter, retry_after_header, retry_delay,
        should_retry_header,
    };

    const MS: fn(u64) -> Duration = Duration::from_millis;

    /// The largest jitter `random_jitter` can return, just below 1.
    const TOP: f64 = 1.0 - f64::EPSILON;

    #[test]
    fn backoff_doubles_from_half_a_second_and_is_capped_at_five() {
        // Without jitter (factor 1, approached from below), the delays are 0.5, 1, 2, 4, 5, 5.
        let expected = [500, 1000, 2000, 4000, 5000, 5000, 5000];
        for (retry, ms) in (1..).zip(expected) {
            let delay = retry_delay(retry, TOP, None);
            assert!(delay <= MS(ms), "retry {retry}: {delay:?}");
            assert!(delay >= MS(ms) - MS(1), "retry {retry}: {delay:?}");
        }
        assert_eq!(retry_delay(u32::MAX, TOP, None), retry_delay(5, TOP, None));
        assert!(retry_delay(u32::MAX, TOP, None) <= MS(5000));
    }

    #[test]
    fn jitter_scales_by_a_half_to_one_and_the_floor_is_half_a_second() {
        // The smallest factor halves the delay, except where the 0.5 s floor applies.
        assert_eq!(retry_delay(1, 0.0, None), MS(500));
        assert_eq!(retry_delay(2, 0.0, None), MS(500));
        assert_eq!(retry_delay(3, 0.0, None), MS(1000));
        assert_eq!(retry_delay(4, 0.0, None), MS(2000));
        assert_eq!(retry_delay(5, 0.0, None), MS(2500));
        assert_eq!(retry_delay(4, 0.5, None), MS(3000));
        // Retry 0 (never used) behaves like the first retry rather than underflowing.
        assert_eq!(retry_delay(0, 0.0, None), MS(500));
        for retry in 1..10 {
            for step in 0..100 {
                let jitter = f64::from(step) / 100.0;
                let delay = retry_delay(retry, jitter, None);
                assert!(
                    delay >= MS(500),
                    "retry {retry}, jitter {jitter}: {delay:?}"
                );
                assert!(
                    delay < MS(5000),
                    "retry {retry}, jitter {jitter}: {delay:?}"
                );
            }
        }
        // Out-of-range jitter is clamped.
        assert_eq!(retry_delay(5, -3.0, None), MS(2500));
        assert_eq!(retry_delay(5, 7.0, None), MS(5000));
        assert_eq!(retry_delay(5, f64::NAN, None), MS(2500));
    }

    #[test]
    fn retry_after_raises_the_delay_up_to_its_cap() {
        assert_eq!(retry_delay(1, 0.0, Some(Duration::from_secs(3))), MS(3000));
        // A shorter ask does not shorten the backoff.
        assert_eq!(retry_delay(4, 0.0, Some(Duration::ZERO)), MS(2000));
        assert_eq!(retry_delay(4, 0.0, Some(MS(100))), MS(2000));
        assert_eq!(
            retry_delay(1, 0.0, Some(Duration::from_secs(3600))),
            MAX_RETRY_AFTER
        );
        assert_eq!(
            retry_delay(1, 0.0, Some(Duration::MAX)),
            Duration::from_secs(60)
        );
    }

    #[test]
    fn random_jitter_stays_in_the_unit_interval_and_varies() {
        let draws: Vec<f64> = (0..1000).map(|_| random_jitter()).collect();
        assert!(draws.iter().all(|j| (0.0..1.0).contains(j)), "{draws:?}");
        // 1000 draws from a uniform distribution land in both halves.
        assert!(draws.iter().any(|j| *j < 0.5));
        assert!(draws.iter().any(|j| *j >= 0.5));
    }

    #[test]
    fn statuses_and_the_should_retry_header_decide_retries() {
        let status = |code| StatusCode::from_u16(code).unwrap();
        for code in [409, 500, 502, 503, 504, 599] {
            assert!(is_retryable_response(status(code), None), "{code}");
            assert!(!is_retryable_response(status(code), Some(false)), "{code}");
        }
        for code in [200, 302, 400, 401, 402, 403, 404, 429] {
            assert!(!is_retryable_response(status(code), None), "{code}");
            assert!(is_retryable_response(status(code), Some(true)), "{code}");
        }
    }

    #[test]
    fn headers_parse_strictly() {
        let headers = |name: &'static str, value: &'static str| {
            let mut map = HeaderMap::new();
            map.insert(name, HeaderValue::from_static(value));
            map
        };
        let should = |value| should_retry_header(&headers("stripe-should-retry", value));
        assert_eq!(should("true"), Some(true));
        assert_eq!(should(" TRUE "), Some(true));
        assert_eq!(should("false"), Some(false));
        assert_eq!(should("yes"), None);
        assert_eq!(should_retry_header(&HeaderMap::new()), None);

        let after = |value| retry_after_header(&headers("retry-after", value));
        assert_eq!(after("7"), Some(Duration::from_secs(7)));
        assert_eq!(after(" 0 "), Some(Duration::ZERO));
        assert_eq!(
            after("99999999999999999999999"),
            Some(Duration::from_secs(u64::MAX))
        );
        assert_eq!(after("-1"), None);
        assert_eq!(after("1.5"), None);
        assert_eq!(after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
        assert_eq!(after(""), None);
        assert_eq!(retry_after_header(&HeaderMap::new()), None);
    }
}
