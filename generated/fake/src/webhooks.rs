//! Webhook delivery: the endpoints events go to, what was sent to each and what each attempt
//! got back, the `Stripe-Signature` the fake signs with, and the task that delivers in order
//! per endpoint, retrying on the fake's clock.

use crate::engine::Engine;
use bytes::Bytes;
use ring::hmac;
use std::collections::{HashMap, VecDeque};
use std::fmt::Write as _;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use stripe_sdk::reqwest;
use tokio::task::{Id, JoinSet};

/// How long after each failed attempt the next one is made, on the fake's clock: a delivery is
/// attempted at most `1 + WEBHOOK_RETRY_DELAYS.len()` times (8), over 27 hours and 36 minutes,
/// and is then [`DeliveryStatus::Failed`]. Stripe itself retries for up to three days; the
/// shape (minutes first, then hours) is the same, the total shorter so that a test can reach
/// the end with a few [`FakeStripe::advance`](crate::FakeStripe::advance) calls.
pub const WEBHOOK_RETRY_DELAYS: [Duration; 7] = [
    Duration::from_secs(60),
    Duration::from_secs(5 * 60),
    Duration::from_secs(30 * 60),
    Duration::from_secs(2 * 3600),
    Duration::from_secs(5 * 3600),
    Duration::from_secs(10 * 3600),
    Duration::from_secs(10 * 3600),
];

/// How long one attempt may take before it counts as failed (the endpoint is treated as
/// down), as Stripe gives up on an endpoint that does not answer.
pub const WEBHOOK_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);

/// How much of an endpoint's answer an attempt keeps, so that a handler that answers with a
/// large page cannot make the record grow without bound.
const KEPT_BODY_BYTES: usize = 2048;

/// A signing secret. Its `Debug` hides it, so that printing a builder or an endpoint in a test
/// failure does not print the secret.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(..)")
    }
}

/// Where events go.
#[derive(Debug, Clone)]
pub(crate) struct Endpoint {
    /// The `we_...` id of an endpoint created through the API; `None` for one given to the
    /// builder.
    pub id: Option<String>,
    pub url: String,
    pub secret: Secret,
    /// Event names, or `*` for every event.
    pub enabled_events: Vec<String>,
    /// The account whose events it gets (`""` for the platform), or `None` for every account
    /// (an endpoint given to the builder).
    pub account: Option<String>,
    /// Disabled or deleted: it gets nothing new, and what it has queued waits.
    pub active: bool,
    /// Its undelivered deliveries (indexes into the state's deliveries), oldest first: the
    /// front is the only one attempted, so that deliveries go in order, and finding what is
    /// due costs one look per endpoint however many deliveries there have been.
    pub queue: VecDeque<usize>,
}

impl Endpoint {
    pub fn wants(&self, event_type: &str, account: &str) -> bool {
        self.active
            && self.account.as_deref().is_none_or(|own| own == account)
            && self
                .enabled_events
                .iter()
                .any(|name| name == "*" || name == event_type)
    }
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DeliveryStatus {
    /// Not yet answered 2xx, with attempts left (or the first not yet made).
    Pending,
    /// An attempt was answered 2xx.
    Succeeded,
    /// Every attempt failed.
    Failed,
}

/// One attempt to deliver an event.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DeliveryAttempt {
    /// When it was made, on the fake's clock (Unix seconds).
    pub at: i64,
    /// The `Stripe-Signature` header sent. Its `t` is the system clock at the attempt, as
    /// Stripe signs with its own clock, so that `Webhook::construct_event` (which checks the
    /// age against the system clock) accepts it whatever the fake's clock says.
    pub signature: String,
    /// The status the endpoint answered, or `None` when it did not answer (refused, cut or
    /// timed out).
    pub status: Option<u16>,
    /// Why there was no answer, when there was none.
    pub error: Option<String>,
    /// The start of the body it answered (at most 2 KiB, lossily decoded).
    pub response_body: String,
}

/// One event sent (or to be sent) to one endpoint, with every attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Delivery {
    pub event_id: String,
    pub event_type: String,
    /// The endpoint's `we_...` id when it was created through the API.
    pub endpoint_id: Option<String>,
    /// The URL it is delivered to: the endpoint's, as it is now (an endpoint updated through
    /// the API gets its waiting deliveries at its new URL, as Stripe's does).
    pub url: String,
    /// The body sent, exactly (the event as JSON); every attempt sends the same bytes.
    pub payload: String,
    pub attempts: Vec<DeliveryAttempt>,
    pub status: DeliveryStatus,
}

/// What every delivery of one event shares, kept once however many endpoints get it: a
/// delivery waiting behind others costs a few words, not a copy of the event.
#[derive(Debug)]
pub(crate) struct Sent {
    pub event_id: String,
    pub event_type: String,
    /// The account the event belongs to, to count down its `pending_webhooks`.
    pub account: String,
    /// The body, exactly: every attempt to every endpoint sends these bytes.
    pub payload: Bytes,
}

/// One delivery: the event, the endpoint, and where its attempts stand.
pub(crate) struct Queued {
    pub event: Arc<Sent>,
    /// The endpoint's index in the state's endpoints (which are never removed, only made
    /// inactive), so that deliveries to one endpoint go in order.
    pub endpoint: usize,
    pub attempts: Vec<DeliveryAttempt>,
    pub status: DeliveryStatus,
    /// When the next attempt is due, on the fake's clock.
    pub next_at: i64,
    pub in_flight: bool,
    /// The event's sequence number (how many were recorded before it), to tell whether the
    /// event is still kept.
    pub event_sequence: usize,
}

impl Queued {
    /// The record [`FakeStripe::deliveries`](crate::FakeStripe::deliveries) shows, with the
    /// endpoint's id and URL.
    pub fn delivery(&self, endpoint: Option<&Endpoint>) -> Delivery {
        Delivery {
            event_id: self.event.event_id.clone(),
            event_type: self.event.event_type.clone(),
            endpoint_id: endpoint.and_then(|endpoint| endpoint.id.clone()),
            url: endpoint
                .map(|endpoint| endpoint.url.clone())
                .unwrap_or_default(),
            payload: String::from_utf8_lossy(&self.event.payload).into_owned(),
            attempts: self.attempts.clone(),
            status: self.status,
        }
    }
}

/// An attempt to make now.
pub(crate) struct Job {
    pub index: usize,
    /// The endpoint's index in the state's endpoints.
    pub endpoint: usize,
    pub url: String,
    pub payload: Bytes,
    pub secret: Secret,
}

/// What an attempt got.
pub(crate) struct Outcome {
    pub signature: String,
    pub status: Option<u16>,
    pub error: Option<String>,
    pub response_body: String,
}

/// The `Stripe-Signature` value for `payload` at `timestamp`: `t=<timestamp>,v1=<hex of
/// HMAC-SHA256 over "<timestamp>.<payload>" keyed with the secret's UTF-8 bytes>`, as Stripe
/// signs and every official library verifies.
pub(crate) fn signature(payload: &[u8], secret: &str, timestamp: i64) -> String {
    let key = hmac::Key::new(hmac::HMAC_SHA256, secret.as_bytes());
    let mut context = hmac::Context::with_key(&key);
    context.update(timestamp.to_string().as_bytes());
    context.update(b".");
    context.update(payload);
    let tag = context.sign();
    let mut hex = String::with_capacity(64);
    for byte in tag.as_ref() {
        let _ = write!(hex, "{byte:02x}");
    }
    format!("t={timestamp},v1={hex}")
}

/// The HTTP client deliveries go through: no redirects and no proxy, so that a delivery only
/// ever reaches the URL the endpoint was configured with.
pub(crate) fn http_client() -> Result<reqwest::Client, reqwest::Error> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .timeout(WEBHOOK_ATTEMPT_TIMEOUT)
        .build()
}

/// Makes one attempt.
async fn attempt(client: &reqwest::Client, job: &Job) -> Outcome {
    let timestamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| {
            i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX)
        });
    let signature = signature(&job.payload, &job.secret.0, timestamp);
    let sent = client
        .post(&job.url)
        .header("content-type", "application/json; charset=utf-8")
        .header(
            "user-agent",
            "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
        )
        .header("stripe-signature", &signature)
        .body(job.payload.clone())
        .send()
        .await;
    match sent {
        Ok(response) => {
            let status = response.status().as_u16();
            let body = response.bytes().await.unwrap_or_default();
            let kept = &body[..body.len().min(KEPT_BODY_BYTES)];
            Outcome {
                signature,
                status: Some(status),
                error: None,
                response_body: String::from_utf8_lossy(kept).into_owned(),
            }
        }
        Err(error) => Outcome {
            signature,
            status: None,
            error: Some(error.to_string()),
            response_body: String::new(),
        },
    }
}

/// Delivers until the fake is dropped: starts a task for every endpoint whose oldest
/// undelivered event is due (once its retry time has come), and tells `settle` callers
/// whenever something changed. Each task delivers its endpoint's queue in order until nothing
/// more is due there, so that a busy endpoint costs no round trip through this loop per
/// delivery.
pub(crate) async fn run(engine: Arc<Engine>, client: reqwest::Client) {
    let mut tasks = JoinSet::new();
    // By task, the endpoint it delivers to: a task that fails (it cannot panic, but a join
    // error is still possible) must still free its delivery for the next attempt.
    let mut running: HashMap<Id, usize> = HashMap::new();
    loop {
        for job in engine.due_deliveries() {
            let endpoint = job.endpoint;
            let handle = tasks.spawn(deliver_in_turn(Arc::clone(&engine), client.clone(), job));
            running.insert(handle.id(), endpoint);
        }
        engine.settled.notify_waiters();
        tokio::select! {
            () = engine.wake.notified() => {}
            Some(joined) = tasks.join_next_with_id(), if !tasks.is_empty() => {
                match joined {
                    Ok((id, ())) => {
                        running.remove(&id);
                    }
                    Err(error) => {
                        if let Some(endpoint) = running.remove(&error.id()) {
                            engine.abandon_attempt(
                                endpoint,
                                format!("the attempt did not finish: {error}"),
                            );
                        }
                    }
                }
            }
        }
    }
}

/// Makes `job`'s attempt, then each next one due at the same endpoint, until none is.
async fn deliver_in_turn(engine: Arc<Engine>, client: reqwest::Client, mut job: Job) {
    loop {
        let outcome = attempt(&client, &job).await;
        match engine.record_attempt_and_continue(job.index, outcome) {
            Some(next) => job = next,
            None => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fake signs as the SDK's test helper does (whose verification is checked against
    /// stripe-python's), so that the format cannot drift from what handlers verify.
    #[test]
    fn signatures_are_hex_hmac_sha256_over_timestamp_dot_payload() {
        let header = signature(b"{\"id\":\"evt_1\"}", "whsec_test", 1_700_000_000);
        let (t, v1) = header.split_once(',').unwrap_or_default();
        assert_eq!(t, "t=1700000000");
        let hex = v1.strip_prefix("v1=").unwrap_or_default();
        assert_eq!(hex.len(), 64);
        assert!(
            hex.chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        );
        let sdk = stripe_sdk::Webhook::generate_test_header(
            "{\"id\":\"evt_1\"}",
            "whsec_test",
            1_700_000_000,
        );
        assert_eq!(header, sdk);
    }
}
