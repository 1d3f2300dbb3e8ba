//! Webhook delivery from the checked-in fake to a receiver on `127.0.0.1`: signed so that
//! `stripe_sdk::Webhook::construct_event` accepts it, in order per endpoint, retried on the
//! fake's clock with the documented delays, and recorded for assertions. The checked-in
//! spec's operations record no event, so these tests trigger events as `stripe trigger` does;
//! the whole-API scenarios (`whole-api-tests/events.rs`) cover events caused by requests.

#[path = "../whole-api-tests/support/mod.rs"]
mod support;

use serde_json::{Value, json};
use std::time::Duration;
use stripe_sdk::{EventObject, EventType, Webhook};
use stripe_sdk_fake::{DeliveryStatus, FakeError, FakeStripe, WEBHOOK_RETRY_DELAYS};
use support::receiver;

const SECRET: &str = "whsec_test_secret";

/// A reader with every field its type requires, so that it decodes as a `TerminalReader`.
fn reader(id: &str, status: &str) -> Value {
    json!({
        "id": id,
        "object": "terminal.reader",
        "device_type": "simulated_wisepos_e",
        "label": "Front desk",
        "livemode": false,
        "serial_number": "259cd19c-b902-4730-96a1-09183be6e7f7",
        "status": "online",
        "action": {"type": "process_payment_intent", "status": status},
    })
}

#[tokio::test]
async fn an_event_is_delivered_signed_as_construct_event_verifies() {
    let (url, received) = receiver(&[]).await;
    // The fake's clock is years behind the system's: the signature still verifies, because
    // Stripe signs with the time of the delivery, not the event's `created`.
    let fake = FakeStripe::builder()
        .clock(1_700_000_000)
        .webhook(&url, SECRET)
        .start()
        .await
        .expect("the fake starts");
    let event = fake
        .trigger(
            "terminal.reader.action_succeeded",
            reader("tmr_1", "succeeded"),
        )
        .expect("a listed event");
    fake.settle().await;

    let deliveries = fake.deliveries();
    assert_eq!(deliveries.len(), 1);
    let delivery = &deliveries[0];
    assert_eq!(delivery.status, DeliveryStatus::Succeeded);
    assert_eq!(delivery.url, url);
    assert_eq!(Some(delivery.event_id.as_str()), event["id"].as_str());
    assert_eq!(delivery.attempts.len(), 1);
    assert_eq!(delivery.attempts[0].status, Some(200));
    assert_eq!(delivery.attempts[0].at, 1_700_000_000);

    let received = received.lock().expect("the log").clone();
    assert_eq!(received.len(), 1);
    let (signature, body) = &received[0];
    assert_eq!(signature, &delivery.attempts[0].signature);
    assert_eq!(body.as_ref(), delivery.payload.as_bytes());
    let verified = Webhook::construct_event(body, signature, SECRET).expect("genuine");
    assert_eq!(verified.type_, EventType::TerminalReaderActionSucceeded);
    assert_eq!(verified.created, 1_700_000_000);
    assert_eq!(verified.pending_webhooks, 1);
    match &verified.data.object {
        EventObject::TerminalReader(reader) => assert_eq!(reader.id, "tmr_1"),
        other => panic!("not a reader: {other:?}"),
    }
    // Another secret does not verify it.
    assert!(Webhook::construct_event(body, signature, "whsec_other").is_err());

    // The event as recorded counts the endpoint as having acknowledged it.
    let events = fake.events();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["pending_webhooks"], 0);
    assert_eq!(
        events[0]["request"],
        json!({"id": null, "idempotency_key": null})
    );
}

#[tokio::test]
async fn retries_wait_on_the_clock_and_later_events_wait_their_turn() {
    // Down for the first attempt, then up.
    let (url, received) = receiver(&[500]).await;
    let fake = FakeStripe::builder()
        .clock(1_700_000_000)
        .webhook(&url, SECRET)
        .start()
        .await
        .expect("the fake starts");
    let first = fake
        .trigger("terminal.reader.action_failed", reader("tmr_1", "failed"))
        .expect("listed");
    let second = fake
        .trigger(
            "terminal.reader.action_succeeded",
            reader("tmr_1", "succeeded"),
        )
        .expect("listed");
    fake.settle().await;

    // The first failed once and waits a minute; the second waits behind it.
    let deliveries = fake.deliveries();
    assert_eq!(deliveries[0].event_id, first["id"].as_str().unwrap_or(""));
    assert_eq!(deliveries[0].status, DeliveryStatus::Pending);
    assert_eq!(deliveries[0].attempts.len(), 1);
    assert_eq!(deliveries[0].attempts[0].status, Some(500));
    assert!(deliveries[1].attempts.is_empty());

    // Not yet due: nothing moves.
    fake.advance(WEBHOOK_RETRY_DELAYS[0] - Duration::from_secs(1));
    fake.settle().await;
    assert_eq!(fake.deliveries()[0].attempts.len(), 1);

    fake.advance(Duration::from_secs(1));
    fake.settle().await;
    let deliveries = fake.deliveries();
    assert_eq!(deliveries[0].status, DeliveryStatus::Succeeded);
    assert_eq!(deliveries[0].attempts.len(), 2);
    assert_eq!(deliveries[0].attempts[1].at, 1_700_000_060);
    assert_eq!(deliveries[1].status, DeliveryStatus::Succeeded);
    assert_eq!(deliveries[1].event_id, second["id"].as_str().unwrap_or(""));

    // The receiver saw them in order: the first twice, then the second.
    let ids: Vec<String> = received
        .lock()
        .expect("the log")
        .iter()
        .map(|(_, body)| {
            let event: Value = serde_json::from_slice(body).expect("JSON");
            event["id"].as_str().unwrap_or("").to_owned()
        })
        .collect();
    let first = first["id"].as_str().unwrap_or("").to_owned();
    let second = second["id"].as_str().unwrap_or("").to_owned();
    assert_eq!(ids, [first.clone(), first, second]);
}

#[tokio::test]
async fn a_down_endpoint_fails_after_the_documented_attempts() {
    // A port that was free a moment ago and has nothing listening on it now.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
        listener.local_addr().expect("bound").port()
    };
    let fake = FakeStripe::builder()
        .webhook(format!("http://127.0.0.1:{port}/webhook"), SECRET)
        .start()
        .await
        .expect("the fake starts");
    fake.trigger(
        "payment_intent.succeeded",
        json!({"id": "pi_1", "object": "payment_intent"}),
    )
    .expect("listed");
    fake.settle().await;
    for delay in WEBHOOK_RETRY_DELAYS {
        assert_eq!(fake.deliveries()[0].status, DeliveryStatus::Pending);
        fake.advance(delay);
        fake.settle().await;
    }
    let delivery = &fake.deliveries()[0];
    assert_eq!(delivery.status, DeliveryStatus::Failed);
    assert_eq!(delivery.attempts.len(), 1 + WEBHOOK_RETRY_DELAYS.len());
    assert!(
        delivery
            .attempts
            .iter()
            .all(|attempt| attempt.status.is_none() && attempt.error.is_some()),
        "{:?}",
        delivery.attempts
    );
    // Failed for good: more time changes nothing.
    fake.advance(Duration::from_secs(86_400));
    fake.settle().await;
    assert_eq!(
        fake.deliveries()[0].attempts.len(),
        1 + WEBHOOK_RETRY_DELAYS.len()
    );
}

#[tokio::test]
async fn events_have_listed_names_seeded_ids_and_the_clock() {
    let start = |seed| async move {
        FakeStripe::builder()
            .seed(seed)
            .clock(1_700_000_000)
            .start()
            .await
            .expect("the fake starts")
    };
    let fake = start(7).await;
    // The checked-in spec lists no `customer.*` event for webhook endpoints.
    assert!(matches!(
        fake.trigger("customer.created", json!({"id": "cus_1", "object": "customer"})),
        Err(FakeError::UnknownEvent(name)) if name == "customer.created"
    ));
    let first = fake
        .trigger(
            "checkout.session.completed",
            json!({"id": "cs_test_1", "object": "checkout.session"}),
        )
        .expect("listed");
    fake.advance(Duration::from_secs(90));
    let second = fake
        .trigger(
            "checkout.session.completed",
            json!({"id": "cs_test_2", "object": "checkout.session"}),
        )
        .expect("listed");
    assert_eq!(first["created"], 1_700_000_000);
    assert_eq!(second["created"], 1_700_000_090);
    assert_eq!(fake.now(), 1_700_000_090);
    assert!(
        first["id"]
            .as_str()
            .is_some_and(|id| id.starts_with("evt_"))
    );
    // No endpoint: nothing to deliver, and settling returns at once.
    fake.settle().await;
    assert!(fake.deliveries().is_empty());
    assert_eq!(fake.events(), [first.clone(), second]);

    // The same seed and the same calls give the same ids.
    let again = start(7).await;
    let replayed = again
        .trigger(
            "checkout.session.completed",
            json!({"id": "cs_test_1", "object": "checkout.session"}),
        )
        .expect("listed");
    assert_eq!(replayed["id"], first["id"]);
}

#[tokio::test]
async fn a_webhook_url_must_be_http() {
    let error = FakeStripe::builder()
        .webhook("file:///etc/passwd", SECRET)
        .start()
        .await
        .expect_err("refused");
    assert!(matches!(error, FakeError::Webhook(_)), "{error}");
}

#[tokio::test]
async fn old_events_and_their_finished_deliveries_are_forgotten_past_the_bound() {
    // The first delivery is refused, so it is still pending when its event is forgotten.
    let (url, received) = receiver(&[500]).await;
    let fake = FakeStripe::builder()
        .clock(1_700_000_000)
        .retain_events(8)
        .webhook(&url, SECRET)
        .start()
        .await
        .expect("the fake starts");
    let mut ids = Vec::new();
    for number in 0..40 {
        let event = fake
            .trigger(
                "terminal.reader.action_succeeded",
                reader(&format!("tmr_{number}"), "succeeded"),
            )
            .expect("a listed event");
        ids.push(event["id"].as_str().expect("an id").to_owned());
    }
    fake.settle().await;

    // The newest 8 are kept, and up to an eighth more (plus one) until the next batch.
    let kept: Vec<String> = fake
        .events()
        .iter()
        .map(|event| event["id"].as_str().expect("an id").to_owned())
        .collect();
    assert!((8..=10).contains(&kept.len()), "{} kept", kept.len());
    assert_eq!(kept, ids[ids.len() - kept.len()..]);

    // The refused first delivery holds up the queue: it is kept while pending, even though
    // its event is forgotten, and nothing after it has been attempted.
    let deliveries = fake.deliveries();
    assert_eq!(deliveries[0].event_id, ids[0]);
    assert_eq!(deliveries[0].status, DeliveryStatus::Pending);
    assert_eq!(received.lock().expect("the log").len(), 1);

    // Once it is retried, every event is delivered in order, and the finished deliveries of
    // forgotten events go with them.
    fake.advance(WEBHOOK_RETRY_DELAYS[0]);
    fake.settle().await;
    let delivered: Vec<String> = received
        .lock()
        .expect("the log")
        .iter()
        .skip(1)
        .map(|(_, body)| {
            let event: Value = serde_json::from_slice(body).expect("JSON");
            event["id"].as_str().expect("an id").to_owned()
        })
        .collect();
    assert_eq!(delivered, ids);
    let deliveries = fake.deliveries();
    assert!(
        deliveries
            .iter()
            .all(|delivery| delivery.status == DeliveryStatus::Succeeded),
        "{deliveries:?}"
    );
    let delivered_kept: Vec<&str> = deliveries
        .iter()
        .map(|delivery| delivery.event_id.as_str())
        .collect();
    assert!(delivered_kept.len() <= kept.len() + 1, "{delivered_kept:?}");
    assert!(
        delivered_kept
            .iter()
            .all(|id| ids[30..].contains(&id.to_string())),
        "{delivered_kept:?}"
    );
}
