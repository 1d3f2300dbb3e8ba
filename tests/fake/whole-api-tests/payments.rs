//! Payment intents as Stripe's test cards drive them, and simulated Terminal readers, against
//! the whole-API fake through the SDK: each step's status, the state rules (a capture before
//! authorization, a cancel after success), the declines (402 `card_error` with
//! `decline_code`), and the events each step records.
//!
//! `cargo xtask regen --out DIR` copies this file into `DIR/fake/tests/` (it needs the whole
//! API's families); `scripts/fake-tests` runs it.

use stripe_sdk::{
    ApiErrorCategory, ApiErrorType, ErrorKind, PaymentIntentParamsCaptureMethod,
    PaymentIntentStatus, PaymentIntentCancelParams,
    PaymentIntentCaptureParams, PaymentIntentConfirmParams,
    PaymentIntentCreateParams, TerminalReaderCreateParams,
    TerminalReaderCancelActionParams,
    TerminalReaderProcessPaymentIntentParams,
    TerminalReaderPresentPaymentMethodParams,
    TerminalReaderPresentPaymentMethodParamsCardPresent,
    TerminalReaderReaderResourceReaderActionStatus,
};
use stripe_sdk_fake::FakeStripe;

async fn fake() -> FakeStripe {
    FakeStripe::builder()
        .clock(1_700_000_000)
        .start()
        .await
        .expect("the fake starts")
}

/// The types of the events recorded so far, oldest first.
fn event_types(fake: &FakeStripe) -> Vec<String> {
    fake.events()
        .iter()
        .map(|event| event["type"].as_str().unwrap_or("").to_owned())
        .collect()
}

fn confirm_with(payment_method: &str) -> PaymentIntentConfirmParams {
    PaymentIntentConfirmParams {
        payment_method: Some(payment_method.to_owned()),
        ..Default::default()
    }
}

#[tokio::test]
async fn a_visa_payment_succeeds_and_cannot_then_be_canceled() {
    let fake = fake().await;
    let client = fake.client();
    let intent = client
        .post_payment_intents(&PaymentIntentCreateParams::new(2000, "usd"))
        .await
        .expect("created");
    assert_eq!(intent.status, PaymentIntentStatus::RequiresPaymentMethod);
    assert!(
        intent
            .client_secret
            .as_deref()
            .is_some_and(|secret| secret.starts_with(&format!("{}_secret_", intent.id))),
        "{:?}",
        intent.client_secret
    );

    let confirmed = client
        .post_payment_intents_intent_confirm(&intent.id, &confirm_with("pm_card_visa"))
        .await
        .expect("confirmed");
    assert_eq!(confirmed.status, PaymentIntentStatus::Succeeded);
    assert_eq!(confirmed.amount_received, Some(2000));

    let error = client
        .post_payment_intents_intent_cancel(
            &intent.id,
            &PaymentIntentCancelParams::default(),
        )
        .await
        .expect_err("a succeeded payment cannot be canceled");
    assert_eq!(error.status().map(|status| status.as_u16()), Some(400));
    assert_eq!(
        error.api_error().and_then(|api| api.code.as_deref()),
        Some("payment_intent_unexpected_state")
    );
    assert_eq!(
        event_types(&fake),
        [
            "payment_intent.created",
            "charge.succeeded",
            "payment_intent.succeeded"
        ]
    );
}

#[tokio::test]
async fn a_manual_capture_is_authorized_then_captured() {
    let fake = fake().await;
    let client = fake.client();
    let intent = client
        .post_payment_intents(&PaymentIntentCreateParams {
            capture_method: Some(PaymentIntentParamsCaptureMethod::Manual),
            payment_method: Some("pm_card_visa".to_owned()),
            ..PaymentIntentCreateParams::new(5000, "eur")
        })
        .await
        .expect("created");
    assert_eq!(intent.status, PaymentIntentStatus::RequiresConfirmation);

    // Nothing to capture yet.
    let early = client
        .post_payment_intents_intent_capture(
            &intent.id,
            &PaymentIntentCaptureParams::default(),
        )
        .await
        .expect_err("not authorized yet");
    assert_eq!(
        early.api_error().and_then(|api| api.code.as_deref()),
        Some("payment_intent_unexpected_state")
    );

    let authorized = client
        .post_payment_intents_intent_confirm(
            &intent.id,
            &PaymentIntentConfirmParams::default(),
        )
        .await
        .expect("confirmed");
    assert_eq!(authorized.status, PaymentIntentStatus::RequiresCapture);
    assert_eq!(authorized.amount_capturable, Some(5000));

    let captured = client
        .post_payment_intents_intent_capture(
            &intent.id,
            &PaymentIntentCaptureParams {
                amount_to_capture: Some(4000),
                ..Default::default()
            },
        )
        .await
        .expect("captured");
    assert_eq!(captured.status, PaymentIntentStatus::Succeeded);
    assert_eq!(captured.amount_received, Some(4000));
    assert_eq!(
        event_types(&fake),
        [
            "payment_intent.created",
            "charge.succeeded",
            "payment_intent.amount_capturable_updated",
            "charge.captured",
            "payment_intent.succeeded"
        ]
    );
}

#[tokio::test]
async fn a_declined_card_is_a_card_error_and_can_be_retried() {
    let fake = fake().await;
    let client = fake.client();
    let intent = client
        .post_payment_intents(&PaymentIntentCreateParams::new(1500, "usd"))
        .await
        .expect("created");
    let error = client
        .post_payment_intents_intent_confirm(&intent.id, &confirm_with("pm_card_chargeDeclined"))
        .await
        .expect_err("declined");
    assert_eq!(error.status().map(|status| status.as_u16()), Some(402));
    assert_eq!(error.kind(), ErrorKind::Api(ApiErrorCategory::Card));
    let api = error.api_error().expect("Stripe's envelope");
    assert_eq!(api.type_, ApiErrorType::CardError);
    assert_eq!(api.code.as_deref(), Some("card_declined"));
    assert_eq!(api.decline_code.as_deref(), Some("generic_decline"));
    assert_eq!(
        api.payment_intent
            .as_ref()
            .and_then(|intent| intent["status"].as_str()),
        Some("requires_payment_method")
    );

    // The decline left its failed charge, as Stripe keeps one.
    let failed_charge = api
        .payment_intent
        .as_ref()
        .and_then(|intent| intent["latest_charge"].as_str())
        .expect("a failed charge")
        .to_owned();
    let failed_charge = client
        .charges()
        .retrieve(&failed_charge)
        .await
        .expect("the failed charge");
    assert!(!failed_charge.paid);
    assert_eq!(failed_charge.failure_code.as_deref(), Some("card_declined"));

    // The intent keeps the error, and a good card still pays it.
    let stored = client
        .get_payment_intents_intent(&intent.id, &Default::default())
        .await
        .expect("retrieved");
    assert_eq!(stored.status, PaymentIntentStatus::RequiresPaymentMethod);
    let last = stored.last_payment_error.expect("the last error");
    assert_eq!(last.decline_code.as_deref(), Some("generic_decline"));
    let paid = client
        .post_payment_intents_intent_confirm(&intent.id, &confirm_with("pm_card_visa"))
        .await
        .expect("confirmed");
    assert_eq!(paid.status, PaymentIntentStatus::Succeeded);
    assert!(paid.last_payment_error.is_none());
    assert_eq!(
        event_types(&fake),
        [
            "payment_intent.created",
            "charge.failed",
            "payment_intent.payment_failed",
            "charge.succeeded",
            "payment_intent.succeeded"
        ]
    );
}

#[tokio::test]
async fn a_simulated_reader_processes_a_payment() {
    let fake = fake().await;
    let client = fake.client();
    let reader = client
        .post_terminal_readers(&TerminalReaderCreateParams::new("simulated-wpe"))
        .await
        .expect("registered");
    assert_eq!(reader.device_type.as_str(), "simulated_wisepos_e");
    assert!(reader.action.is_none());

    let intent = client
        .post_payment_intents(&PaymentIntentCreateParams {
            payment_method_types: Some(vec!["card_present".to_owned()]),
            ..PaymentIntentCreateParams::new(1200, "usd")
        })
        .await
        .expect("created");
    let processing = client
        .post_terminal_readers_reader_process_payment_intent(
            &reader.id,
            &TerminalReaderProcessPaymentIntentParams::new(intent.id.clone()),
        )
        .await
        .expect("processing");
    let action = processing.action.expect("an action");
    assert_eq!(
        action.status,
        TerminalReaderReaderResourceReaderActionStatus::InProgress
    );
    assert_eq!(processing.id, reader.id, "the same reader, not a new one");

    let done = client
        .post_test_helpers_terminal_readers_reader_present_payment_method(
            &reader.id,
            &TerminalReaderPresentPaymentMethodParams::default(),
        )
        .await
        .expect("presented");
    assert_eq!(
        done.action.expect("an action").status,
        TerminalReaderReaderResourceReaderActionStatus::Succeeded
    );
    let paid = client
        .get_payment_intents_intent(&intent.id, &Default::default())
        .await
        .expect("retrieved");
    assert_eq!(paid.status, PaymentIntentStatus::Succeeded);
    assert_eq!(
        event_types(&fake),
        [
            "payment_intent.created",
            "charge.succeeded",
            "payment_intent.succeeded",
            "terminal.reader.action_succeeded"
        ]
    );
}

#[tokio::test]
async fn a_declining_card_fails_the_action_and_cancel_action_clears_it() {
    let fake = fake().await;
    let client = fake.client();
    let reader = client
        .post_terminal_readers(&TerminalReaderCreateParams::new("simulated-wpe"))
        .await
        .expect("registered");
    let intent = client
        .post_payment_intents(&PaymentIntentCreateParams::new(900, "usd"))
        .await
        .expect("created");
    let process = TerminalReaderProcessPaymentIntentParams::new(intent.id.clone());
    client
        .post_terminal_readers_reader_process_payment_intent(&reader.id, &process)
        .await
        .expect("processing");
    let failed = client
        .post_test_helpers_terminal_readers_reader_present_payment_method(
            &reader.id,
            &TerminalReaderPresentPaymentMethodParams {
                card_present: Some(
                    TerminalReaderPresentPaymentMethodParamsCardPresent {
                        number: Some("4000000000000002".to_owned()),
                    },
                ),
                ..Default::default()
            },
        )
        .await
        .expect("presented");
    let action = failed.action.expect("an action");
    assert_eq!(
        action.status,
        TerminalReaderReaderResourceReaderActionStatus::Failed
    );
    assert_eq!(action.failure_code.as_deref(), Some("card_declined"));

    // The intent can be tried again on the reader, and the action canceled.
    client
        .post_terminal_readers_reader_process_payment_intent(&reader.id, &process)
        .await
        .expect("processing again");
    let cleared = client
        .post_terminal_readers_reader_cancel_action(
            &reader.id,
            &TerminalReaderCancelActionParams::default(),
        )
        .await
        .expect("canceled");
    assert!(cleared.action.is_none());
    assert_eq!(
        event_types(&fake),
        [
            "payment_intent.created",
            "charge.failed",
            "payment_intent.payment_failed",
            "terminal.reader.action_failed"
        ]
    );
}
