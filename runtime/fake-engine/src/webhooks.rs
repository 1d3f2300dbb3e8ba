//! Webhook delivery: the task that makes the attempts the deliveries' bookkeeping
//! (`deliveries.rs`) says are due, in order per endpoint, retrying on the fake's clock, and
//! the `Stripe-Signature` it signs them with.

use crate::deliveries::{Job, Outcome};
use crate::engine::Engine;
use ring::hmac;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::task::{Id, JoinSet};

/// How long one attempt may take before it counts as failed (the endpoint is treated as
/// down), as Stripe gives up on an endpoint that does not answer.
pub const WEBHOOK_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);

/// How much of an endpoint's answer an attempt keeps, so that a handler that answers with a
/// large page cannot make the record grow without bound.
const KEPT_BODY_BYTES: usize = 2048;

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
        let sdk = stripe_sdk_client::webhook::generate_test_header(
            b"{\"id\":\"evt_1\"}",
            "whsec_test",
            1_700_000_000,
        );
        assert_eq!(header, sdk);
    }
}
