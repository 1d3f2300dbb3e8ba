//! `Webhook::construct_event` end to end in the checked-in crate: a body signed with
//! `Webhook::generate_test_header` comes back as the generated `Event`, with its `EventType` and
//! its `data.object` decoded into the resource's type; what is not signed, not fresh or not an
//! event is refused as `Webhook` refuses it.

use serde_json::{Value, json};
use stripe_sdk::{
    Event, EventObject, EventType, TerminalReaderReaderResourceReaderActionStatus,
    TerminalReaderReaderResourceReaderActionType, TerminalReaderStatus, Webhook, WebhookError,
};

const SECRET: &str = "whsec_checked_in_events";

fn unix_now() -> i64 {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("a clock after 1970");
    i64::try_from(since.as_secs()).expect("seconds fit in i64")
}

fn event_body(event_type: &str, object: &Value) -> String {
    json!({
        "id": "evt_1Checked",
        "object": "event",
        "api_version": "2023-08-16",
        "created": 1_700_000_123,
        "livemode": false,
        "pending_webhooks": 1,
        "request": {"id": "req_abc", "idempotency_key": "key-1"},
        "type": event_type,
        "data": {"object": object},
    })
    .to_string()
}

fn failed_reader() -> Value {
    json!({
        "id": "tmr_Checked",
        "object": "terminal.reader",
        "device_type": "bbpos_wisepos_e",
        "label": "Front desk",
        "livemode": false,
        "location": null,
        "serial_number": "WSC513102012345",
        "status": "online",
        "action": {
            "type": "process_payment_intent",
            "status": "failed",
            "failure_code": "card_declined",
            "failure_message": "Your card was declined.",
            "process_payment_intent": {"payment_intent": "pi_1"},
        },
    })
}

#[test]
fn a_signed_reader_event_decodes_into_typed_values() {
    let body = event_body("terminal.reader.action_failed", &failed_reader());
    let header = Webhook::generate_test_header(&body, SECRET, unix_now());

    let event: Event = Webhook::construct_event(&body, &header, SECRET).expect("a valid event");

    assert_eq!(event.id, "evt_1Checked");
    assert_eq!(event.type_, EventType::TerminalReaderActionFailed);
    assert_eq!(event.created, 1_700_000_123);
    let request = event.request.as_ref().expect("the request");
    assert_eq!(request.idempotency_key.as_deref(), Some("key-1"));
    assert_eq!(event.data.previous_attributes, None);
    let EventObject::TerminalReader(reader) = &event.data.object else {
        panic!("not a reader: {:?}", event.data.object);
    };
    assert_eq!(reader.id, "tmr_Checked");
    assert_eq!(reader.status, Some(TerminalReaderStatus::Online));
    let action = reader.action.as_ref().expect("an action");
    assert_eq!(
        action.type_,
        TerminalReaderReaderResourceReaderActionType::ProcessPaymentIntent
    );
    assert_eq!(
        action.status,
        TerminalReaderReaderResourceReaderActionStatus::Failed
    );
    assert_eq!(action.failure_code.as_deref(), Some("card_declined"));
}

#[test]
fn unknown_event_types_and_object_kinds_are_kept() {
    let charge = json!({"id": "ch_1", "object": "charge", "amount": 100});
    let body = event_body("charge.captured", &charge);
    let header = Webhook::generate_test_header(&body, SECRET, unix_now());

    let event = Webhook::construct_event(&body, &header, SECRET).expect("a valid event");

    assert_eq!(
        event.type_,
        EventType::Unknown("charge.captured".to_owned())
    );
    assert_eq!(event.data.object, EventObject::Unknown(charge));
}

#[test]
fn construct_event_refuses_what_verification_refuses() {
    let body = event_body("terminal.reader.action_failed", &failed_reader());
    let now = unix_now();

    let forged = Webhook::generate_test_header(&body, "whsec_someone_else", now);
    assert!(matches!(
        Webhook::construct_event(&body, &forged, SECRET),
        Err(WebhookError::NoMatch { signatures: 1 })
    ));

    // Older than the default tolerance of 300 seconds.
    let stale = Webhook::generate_test_header(&body, SECRET, now - 301);
    assert!(matches!(
        Webhook::construct_event(&body, &stale, SECRET),
        Err(WebhookError::OutsideTolerance { .. })
    ));

    let altered = body.replacen("card_declined", "card_declinee", 1);
    let header = Webhook::generate_test_header(&body, SECRET, now);
    assert!(matches!(
        Webhook::construct_event(&altered, &header, SECRET),
        Err(WebhookError::NoMatch { .. })
    ));

    assert!(matches!(
        Webhook::construct_event(&body, "", SECRET),
        Err(WebhookError::NoHeader)
    ));
}

#[test]
fn a_signed_reader_event_whose_reader_does_not_fit_is_not_an_event() {
    // A reader without its required `serial_number`: dispatched on `object`, it must decode as
    // a reader, and the error says where it failed.
    let mut reader = failed_reader();
    reader
        .as_object_mut()
        .expect("an object")
        .remove("serial_number");
    let body = event_body("terminal.reader.action_failed", &reader);
    let header = Webhook::generate_test_header(&body, SECRET, unix_now());

    match Webhook::construct_event(&body, &header, SECRET) {
        Err(WebhookError::NotAnEvent { path, source }) => {
            assert_eq!(path, "data.object");
            assert!(source.to_string().contains("serial_number"), "{source}");
        }
        other => panic!("expected NotAnEvent, got {other:?}"),
    }
}
