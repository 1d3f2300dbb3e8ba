//! The Terminal backend example (`tests/sdk/examples/terminal_backend.rs`) against the
//! whole-API fake, as a Terminal integration runs: a reader's host gets a connection token
//! from the backend, a simulated reader processes a payment intent until the test helper
//! presents a card, and the fake delivers `terminal.reader.action_succeeded` (then, for a
//! declining card, `action_failed`) signed to the backend's `POST /webhook`, which verifies
//! and logs each.
//!
//! `cargo xtask regen --out DIR` copies this file into `DIR/fake/tests/` with the example and
//! the SDK tests' log capture in `support/`; `scripts/fake-tests` runs it.

mod support;

#[path = "support/terminal_backend.rs"]
#[allow(dead_code)]
mod backend;

#[path = "support/logs.rs"]
mod logs;

use serde_json::Value;
use std::time::Duration;
use stripe_sdk::reqwest;
use stripe_sdk::{
    PaymentIntentCreateParams, TerminalReaderCreateParams,
    TerminalReaderProcessPaymentIntentParams,
    TerminalReaderPresentPaymentMethodParams,
    TerminalReaderPresentPaymentMethodParamsCardPresent,
};
use stripe_sdk_fake::{DeliveryStatus, FakeStripe};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

const WEBHOOK_SECRET: &str = "whsec_test_TerminalBackendFlow";

/// The id of the one event of this type the fake recorded.
fn event_id(fake: &FakeStripe, event_type: &str) -> String {
    let ids: Vec<String> = fake
        .events()
        .iter()
        .filter(|event| event["type"] == event_type)
        .filter_map(|event| event["id"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(ids.len(), 1, "{event_type}: {ids:?}");
    ids.into_iter().next().unwrap_or_default()
}

/// A card-present payment intent processed on the reader, then a card presented to it (the
/// test helper's default card, or `card_number`).
async fn pay_on_reader(client: &stripe_sdk::Client, reader: &str, card_number: Option<&str>) {
    let intent = client
        .post_payment_intents(&PaymentIntentCreateParams {
            payment_method_types: Some(vec!["card_present".to_owned()]),
            ..PaymentIntentCreateParams::new(1200, "usd")
        })
        .await
        .expect("created");
    client
        .post_terminal_readers_reader_process_payment_intent(
            reader,
            &TerminalReaderProcessPaymentIntentParams::new(intent.id.clone()),
        )
        .await
        .expect("processing");
    let card = TerminalReaderPresentPaymentMethodParams {
        card_present: card_number.map(|number| {
            TerminalReaderPresentPaymentMethodParamsCardPresent {
                number: Some(number.to_owned()),
            }
        }),
        ..Default::default()
    };
    client
        .post_test_helpers_terminal_readers_reader_present_payment_method(reader, &card)
        .await
        .expect("presented");
}

#[tokio::test]
async fn the_backend_logs_the_reader_events_of_payments_on_a_simulated_reader() {
    let (logs, _guard) = logs::capture_logs();
    // The backend's address first: the fake is told where to deliver when it starts.
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("binds");
    let address = listener.local_addr().expect("address");
    let fake = FakeStripe::builder()
        .clock(1_700_000_000)
        .webhook(format!("http://{address}/webhook"), WEBHOOK_SECRET)
        .start()
        .await
        .expect("the fake starts");
    let settings = backend::Settings {
        webhook_secret: Some(WEBHOOK_SECRET.to_owned()),
        ..Default::default()
    };
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(backend::serve(
        listener,
        backend::app(fake.client(), settings),
        async {
            let _ = stopped.await;
        },
    ));

    // The reader's host connects through the backend.
    let answer = reqwest::Client::new()
        .post(format!("http://{address}/connection_token"))
        .send()
        .await
        .expect("the backend answers")
        .text()
        .await
        .expect("a body");
    let token: Value = serde_json::from_str(&answer).expect("JSON");
    assert!(
        token["secret"]
            .as_str()
            .is_some_and(|secret| secret.starts_with("pst_test_")),
        "{token}"
    );

    // A payment on a simulated reader: processed, then a card presented.
    let client = fake.client();
    let reader = client
        .post_terminal_readers(&TerminalReaderCreateParams::new("simulated-wpe"))
        .await
        .expect("registered");
    // A payment approved, then one declined by the card presented.
    pay_on_reader(&client, &reader.id, None).await;
    pay_on_reader(&client, &reader.id, Some("4000000000000002")).await;
    fake.settle().await;

    // Every event reached the backend once, and the backend took each (200).
    let deliveries = fake.deliveries();
    assert_eq!(deliveries.len(), fake.events().len());
    for delivery in &deliveries {
        assert_eq!(delivery.status, DeliveryStatus::Succeeded, "{delivery:?}");
        assert_eq!(delivery.attempts.len(), 1, "{delivery:?}");
        assert_eq!(delivery.attempts[0].status, Some(200), "{delivery:?}");
    }
    let succeeded = event_id(&fake, "terminal.reader.action_succeeded");
    let failed = event_id(&fake, "terminal.reader.action_failed");
    let _ = stop.send(());
    tokio::time::timeout(Duration::from_secs(5), task)
        .await
        .expect("the backend stops")
        .expect("joins")
        .expect("serves cleanly");

    // The backend verified each signature and logged the reader's outcomes by event id.
    let logs = logs.text();
    logs::assert_log_line(
        &logs,
        "reader action succeeded",
        &["INFO", &succeeded, &reader.id, "process_payment_intent"],
    );
    logs::assert_log_line(
        &logs,
        "reader action failed",
        &["WARN", &failed, &reader.id, "card_declined"],
    );
    // The payment intents' own events were received and left to other code.
    assert!(
        logs.contains("received an event this backend does not handle"),
        "{logs}"
    );
    assert!(!logs.contains("refused a webhook"), "{logs}");
    assert!(!logs.contains(WEBHOOK_SECRET), "{logs}");
}
