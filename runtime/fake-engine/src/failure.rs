//! Failures a test asks for with `FakeStripe::fail_next`: an error status with Stripe's
//! envelope (and `Stripe-Should-Retry`, `Retry-After`), a dropped connection, or a delay, for
//! testing how code handles what the network and Stripe do on a bad day; and random failures
//! (`FakeStripe::fail_randomly`), drawn per request from the builder's seed, for soak tests.

use std::time::Duration;

/// What the next request(s) get instead of their normal answer.
///
/// ```
/// use stripe_sdk_fake::Failure;
/// use std::time::Duration;
///
/// let _overloaded = Failure::status(503).should_retry(true).times(2);
/// let _gone = Failure::drop_connection();
/// let _slow = Failure::delay(Duration::from_secs(2));
/// let _declined = Failure::error(402, "card_error", "Your card was declined.").code("card_declined");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    pub(crate) kind: FailureKind,
    pub(crate) should_retry: Option<bool>,
    pub(crate) retry_after: Option<u64>,
    pub(crate) times: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum FailureKind {
    Status {
        status: u16,
        error_type: String,
        code: Option<String>,
        message: String,
    },
    DropConnection,
    Delay(Duration),
    /// Runs the request, then waits before answering.
    DelayAnswer(Duration),
}

impl Failure {
    /// Answers with `status` and Stripe's error envelope, of the type Stripe uses for that
    /// status (`card_error` for 402, `invalid_request_error` with code `rate_limit` for 429,
    /// `invalid_request_error` for other 4xx, `api_error` otherwise).
    pub fn status(status: u16) -> Failure {
        let (error_type, code, message) = match status {
            402 => (
                "card_error",
                Some("card_declined"),
                "Your card was declined.",
            ),
            429 => (
                "invalid_request_error",
                Some("rate_limit"),
                "Too many requests hit the API too quickly.",
            ),
            400..=499 => (
                "invalid_request_error",
                None,
                "The request was refused (injected).",
            ),
            _ => (
                "api_error",
                None,
                "An error occurred with our connection to Stripe (injected).",
            ),
        };
        Failure {
            kind: FailureKind::Status {
                status,
                error_type: error_type.to_owned(),
                code: code.map(str::to_owned),
                message: message.to_owned(),
            },
            should_retry: None,
            retry_after: None,
            times: 1,
        }
    }

    /// Answers with `status` and an envelope of `error_type` (`api_error`, `card_error`,
    /// `idempotency_error`, `invalid_request_error`) and `message`.
    pub fn error(status: u16, error_type: &str, message: &str) -> Failure {
        let mut failure = Failure::status(status);
        if let FailureKind::Status {
            error_type: kind,
            code,
            message: text,
            ..
        } = &mut failure.kind
        {
            *kind = error_type.to_owned();
            *code = None;
            *text = message.to_owned();
        }
        failure
    }

    /// Sets the envelope's `code` (for a status failure).
    pub fn code(mut self, value: &str) -> Failure {
        if let FailureKind::Status { code, .. } = &mut self.kind {
            *code = Some(value.to_owned());
        }
        self
    }

    /// Closes the connection without answering, as a crashed proxy or a network cut does.
    pub fn drop_connection() -> Failure {
        Failure {
            kind: FailureKind::DropConnection,
            should_retry: None,
            retry_after: None,
            times: 1,
        }
    }

    /// Waits this long, then answers normally (to make a client time out).
    pub fn delay(duration: Duration) -> Failure {
        Failure {
            kind: FailureKind::Delay(duration),
            should_retry: None,
            retry_after: None,
            times: 1,
        }
    }

    /// Runs the request as usual (an object is created, an event recorded), then waits this
    /// long before answering: past the client's timeout, the answer is lost as when Stripe's
    /// response never reaches the caller, and only an idempotency key keeps the client's retry
    /// from performing the operation twice (the retry gets the stored result, with
    /// `Idempotent-Replayed: true`).
    pub fn delay_answer(duration: Duration) -> Failure {
        Failure {
            kind: FailureKind::DelayAnswer(duration),
            should_retry: None,
            retry_after: None,
            times: 1,
        }
    }

    /// Sends `Stripe-Should-Retry: true` or `false` with the error.
    pub fn should_retry(mut self, retry: bool) -> Failure {
        self.should_retry = Some(retry);
        self
    }

    /// Sends `Retry-After: <seconds>` with the error.
    pub fn retry_after(mut self, seconds: u64) -> Failure {
        self.retry_after = Some(seconds);
        self
    }

    /// Applies to the next `count` requests instead of one (at least one).
    pub fn times(mut self, count: u32) -> Failure {
        self.times = count.max(1);
        self
    }
}

/// Random failure injection: each request fails with probability `rate`, as one of `failures`
/// picked uniformly, both drawn from a generator seeded from the builder's seed (apart from the
/// one ids come from, so turning failures on does not change ids). The sequence of decisions
/// is the same on every run; which request gets which decision depends on arrival order.
#[derive(Debug, Clone)]
pub(crate) struct RandomFailures {
    pub rate: f64,
    pub failures: Vec<Failure>,
}

impl RandomFailures {
    /// `None` when nothing can be injected (no failures, or a rate that is not above 0).
    pub fn new(rate: f64, failures: Vec<Failure>) -> Option<RandomFailures> {
        if failures.is_empty() || rate.is_nan() || rate <= 0.0 {
            return None;
        }
        Some(RandomFailures {
            rate: rate.min(1.0),
            failures,
        })
    }

    /// What one request gets, from two draws of the generator.
    pub fn pick(&self, draw: &mut impl FnMut() -> u64) -> Option<Failure> {
        // 53 bits: the precision of an f64 in [0, 1).
        let uniform = (draw() >> 11) as f64 / (1u64 << 53) as f64;
        if uniform >= self.rate {
            return None;
        }
        let index = (draw() % self.failures.len() as u64) as usize;
        let mut failure = self.failures.get(index)?.clone();
        // One draw, one request: `times` belongs to queued failures.
        failure.times = 1;
        Some(failure)
    }
}
