//! The Terminal backend example (`tests/sdk/examples/terminal_backend.rs`) end to end against
//! the checked-in fake: a reader's host calls `POST /connection_token`, the backend asks the
//! fake for a token through the SDK, and the secret that comes back is the one the fake
//! issued; and the fake delivers reader events, signed, to the backend's `POST /webhook`,
//! which verifies and logs them.

#[path = "../../sdk/examples/terminal_backend.rs"]
#[allow(dead_code)]
mod backend;

#[path = "../../sdk/tests/common/mod.rs"]
mod common;

use serde_json::Value;
use std::time::Duration;
use stripe_sdk::reqwest;
use stripe_sdk_fake::{DeliveryStatus, Failure, FakeStripe};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

/// The backend's task, and the signal that stops it.
type Running = (
    oneshot::Sender<()>,
    tokio::task::JoinHandle<std::io::Result<()>>,
);

/// Serves the example's router on `listener` for a client of the fake.
fn serve_backend_on(
    listener: TcpListener,
    fake: &FakeStripe,
    settings: backend::Settings,
) -> Running {
    let app = backend::app(fake.client(), settings);
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(backend::serve(listener, app, async {
        let _ = stopped.await;
    }));
    (stop, task)
}

/// Serves the example's router for a client of the fake on loopback; returns its token URL,
/// the signal that stops it and its task.
async fn serve_backend(
    fake: &FakeStripe,
    location: Option<&str>,
) -> (
    String,
    oneshot::Sender<()>,
    tokio::task::JoinHandle<std::io::Result<()>>,
) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("binds");
    let address = listener.local_addr().expect("address");
    let settings = backend::Settings {
        location: location.map(str::to_owned),
        ..Default::default()
    };
    let (stop, task) = serve_backend_on(listener, fake, settings);
    (format!("http://{address}/connection_token"), stop, task)
}

/// Stops the backend and waits until it has, cleanly.
async fn stop_backend((stop, task): Running) {
    let _ = stop.send(());
    tokio::time::timeout(Duration::from_secs(5), task)
        .await
        .expect("the backend stops")
        .expect("joins")
        .expect("serves cleanly");
}

async fn post(url: &str) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(url)
        .send()
        .await
        .expect("the backend answers");
    let status = response.status().as_u16();
    let body = response.text().await.expect("a body");
    (status, serde_json::from_str(&body).expect("JSON"))
}

#[tokio::test]
async fn the_backend_hands_out_the_token_the_fake_issued() {
    let fake = FakeStripe::start().await.expect("the fake starts");
    let (url, stop, task) = serve_backend(&fake, Some("tml_FakeLocation")).await;

    let (status, body) = post(&url).await;
    assert_eq!(status, 200, "{body}");
    let secret = body["secret"].as_str().expect("a secret");

    let requests = fake.requests();
    assert_eq!(requests.len(), 1, "{requests:?}");
    let issued = &requests[0];
    assert_eq!(issued.operation_id, Some("PostTerminalConnectionTokens"));
    assert_eq!(issued.status, Some(200));
    // The backend scoped the token to its location, and returned exactly what the fake issued.
    assert_eq!(issued.params["location"], "tml_FakeLocation");
    assert_eq!(issued.response["secret"], secret);
    assert!(secret.starts_with("pst_test_"), "{secret}");

    // Each call is a new token.
    let (_, again) = post(&url).await;
    assert_ne!(again["secret"], body["secret"]);

    stop_backend((stop, task)).await;
}

#[tokio::test]
async fn the_backend_reports_stripe_failures_with_the_request_id() {
    let fake = FakeStripe::start().await.expect("the fake starts");
    let (url, stop, _task) = serve_backend(&fake, None).await;

    // Stripe down for every attempt: 502 with the request id of the last one.
    fake.fail_next(Failure::status(500).times(3));
    let (status, body) = post(&url).await;
    assert_eq!(status, 502, "{body}");
    let last = fake
        .requests()
        .last()
        .map(|request| request.request_id.clone());
    assert_eq!(body["error"]["request_id"].as_str(), last.as_deref());

    // Rate limited: 503.
    fake.fail_next(Failure::status(429));
    let (status, _) = post(&url).await;
    assert_eq!(status, 503);
    let _ = stop.send(());
}

/// A reader as the fake reports it when an action ends (what `present_payment_method` leaves
/// on a simulated reader in the whole-API fake).
fn reader(id: &str, action: Value) -> Value {
    serde_json::json!({
        "id": id,
        "object": "terminal.reader",
        "device_type": "simulated_wisepos_e",
        "label": "Front desk",
        "livemode": false,
        "location": "tml_FakeLocation",
        "serial_number": "259cd19c-b902-4730-96a1-09183be6e7f7",
        "status": "online",
        "action": action,
    })
}

#[tokio::test]
async fn the_backend_receives_the_fakes_reader_events_signed_at_webhook_and_logs_them() {
    const WEBHOOK_SECRET: &str = "whsec_test_BackendAgainstTheFake";
    let (logs, _guard) = common::capture_logs();
    // The backend's address first: the fake is told where to deliver when it starts.
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("binds");
    let address = listener.local_addr().expect("address");
    let fake = FakeStripe::builder()
        .webhook(format!("http://{address}/webhook"), WEBHOOK_SECRET)
        .start()
        .await
        .expect("the fake starts");
    let settings = backend::Settings {
        webhook_secret: Some(WEBHOOK_SECRET.to_owned()),
        ..Default::default()
    };
    let backend = serve_backend_on(listener, &fake, settings);

    let succeeded = fake
        .trigger(
            "terminal.reader.action_succeeded",
            reader(
                "tmr_FakeGood",
                serde_json::json!({
                    "type": "process_payment_intent", "status": "succeeded",
                    "failure_code": null, "failure_message": null,
                    "process_payment_intent": {"payment_intent": "pi_FakePaid"},
                }),
            ),
        )
        .expect("a listed event");
    let failed = fake
        .trigger(
            "terminal.reader.action_failed",
            reader(
                "tmr_FakeDeclined",
                serde_json::json!({
                    "type": "process_payment_intent", "status": "failed",
                    "failure_code": "card_declined",
                    "failure_message": "Your card was declined.",
                    "process_payment_intent": {"payment_intent": "pi_FakeDeclined"},
                }),
            ),
        )
        .expect("a listed event");
    fake.settle().await;

    // Both delivered once, answered 200 by the backend, in order.
    let deliveries = fake.deliveries();
    let delivered: Vec<(&str, DeliveryStatus, Vec<Option<u16>>)> = deliveries
        .iter()
        .map(|delivery| {
            (
                delivery.event_id.as_str(),
                delivery.status,
                delivery
                    .attempts
                    .iter()
                    .map(|attempt| attempt.status)
                    .collect(),
            )
        })
        .collect();
    assert_eq!(
        delivered,
        [
            (
                succeeded["id"].as_str().expect("an id"),
                DeliveryStatus::Succeeded,
                vec![Some(200)]
            ),
            (
                failed["id"].as_str().expect("an id"),
                DeliveryStatus::Succeeded,
                vec![Some(200)]
            ),
        ]
    );
    assert!(deliveries[0].attempts[0].response_body.contains("received"));
    stop_backend(backend).await;

    // The backend verified each signature and logged each outcome, with the event's id.
    let logs = logs.text();
    common::assert_log_line(
        &logs,
        "reader action succeeded",
        &[
            "INFO",
            succeeded["id"].as_str().expect("an id"),
            "tmr_FakeGood",
            "process_payment_intent",
        ],
    );
    common::assert_log_line(
        &logs,
        "reader action failed",
        &[
            "WARN",
            failed["id"].as_str().expect("an id"),
            "tmr_FakeDeclined",
            "card_declined",
            "Your card was declined.",
        ],
    );
    assert!(!logs.contains("refused a webhook"), "{logs}");
    assert!(!logs.contains(WEBHOOK_SECRET), "{logs}");
}
