//! The README's "Testing your code" webhook handler example, compiled and run;
//! `readme_matches` below keeps the README's copy identical to this file.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use serde_json::json;
use std::sync::{Arc, Mutex};
use stripe_sdk::{EventKind, Webhook};
use stripe_sdk_fake::{DeliveryStatus, FakeStripe, WEBHOOK_RETRY_DELAYS};

/// Your code: the webhook handler's state, the signing secret and the readers it saw finish.
#[derive(Clone, Default)]
struct App {
    secret: String,
    finished: Arc<Mutex<Vec<String>>>,
}

/// Your code: verifies the delivery, records readers whose action succeeded, and answers 200
/// to every genuine event (Stripe retries anything else).
async fn stripe_webhook(State(app): State<App>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let signature = headers
        .get("stripe-signature")
        .and_then(|value| value.to_str().ok())
        .unwrap_or("");
    let Ok(event) = Webhook::construct_event(&body, signature, &app.secret) else {
        return StatusCode::BAD_REQUEST;
    };
    if let EventKind::TerminalReaderActionSucceeded(reader) = event.kind() {
        let Ok(mut finished) = app.finished.lock() else {
            return StatusCode::INTERNAL_SERVER_ERROR;
        };
        finished.push(reader.id.clone());
    }
    StatusCode::OK
}

#[tokio::test]
async fn the_handler_sees_a_reader_finish() {
    // Your handler, served on loopback as your app serves it.
    let app = App {
        secret: "whsec_test_handler".to_owned(),
        ..App::default()
    };
    let router = axum::Router::new()
        .route("/stripe/webhook", axum::routing::post(stripe_webhook))
        .with_state(app.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port");
    let url = format!(
        "http://{}/stripe/webhook",
        listener.local_addr().expect("bound")
    );
    tokio::spawn(async move { axum::serve(listener, router).await });

    // The fake delivers every event to it, signed with the same secret.
    let fake = FakeStripe::builder()
        .webhook(&url, "whsec_test_handler")
        .start()
        .await
        .expect("the fake starts");
    let reader = json!({
        "id": "tmr_1",
        "object": "terminal.reader",
        "device_type": "simulated_wisepos_e",
        "livemode": false,
        "serial_number": "259cd19c-b902-4730-96a1-09183be6e7f7",
        "action": {"type": "process_payment_intent", "status": "succeeded"},
    });
    fake.trigger("terminal.reader.action_succeeded", reader)
        .expect("an event the spec lists");
    fake.settle().await;

    assert_eq!(*app.finished.lock().expect("the list"), ["tmr_1"]);
    let deliveries = fake.deliveries();
    assert_eq!(deliveries[0].status, DeliveryStatus::Succeeded);
    assert_eq!(deliveries[0].attempts[0].status, Some(200));

    // A delivery signed with another secret is refused, and the fake retries it on its clock.
    let forged = FakeStripe::builder()
        .webhook(&url, "whsec_someone_else")
        .start()
        .await
        .expect("the fake starts");
    forged
        .trigger(
            "payment_intent.succeeded",
            json!({"id": "pi_1", "object": "payment_intent"}),
        )
        .expect("an event the spec lists");
    forged.settle().await;
    forged.advance(WEBHOOK_RETRY_DELAYS[0]);
    forged.settle().await;
    let attempts = &forged.deliveries()[0].attempts;
    assert_eq!(attempts.len(), 2);
    assert!(attempts.iter().all(|attempt| attempt.status == Some(400)));
}

/// The README shows this file (without its first two `//!` lines) in a block marked `rs`.
#[test]
fn readme_matches() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    let readme = std::fs::read_to_string(format!("{root}/README.md")).expect("README.md");
    let this = include_str!("readme_webhook_example.rs");
    let example: String = this
        .lines()
        .skip_while(|line| line.starts_with("//!"))
        .skip(1)
        .take_while(|line| !line.starts_with("/// The README shows"))
        .map(|line| format!("{line}\n"))
        .collect();
    let block = format!(
        "```rs\n{}```\n",
        example.trim_end_matches('\n').to_owned() + "\n"
    );
    assert!(
        readme.contains(&block),
        "README.md's \"Testing your code\" webhook example differs from \
         tests/readme_webhook_example.rs; copy this into it:\n{block}"
    );
}
