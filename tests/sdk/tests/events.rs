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
fn a_signed_reader_event_whose_reader_does_not_fit_is_kept_with_the_reason() {
    // A reader without its required `serial_number`, as an endpoint on another API version
    // might send it: the delivery is genuine, so the event comes back, its object kept whole
    // with where and why it did not decode.
    let mut reader = failed_reader();
    reader
        .as_object_mut()
        .expect("an object")
        .remove("serial_number");
    let body = event_body("terminal.reader.action_failed", &reader);
    let header = Webhook::generate_test_header(&body, SECRET, unix_now());

    let event = Webhook::construct_event(body.as_bytes(), &header, SECRET).expect("accepted");
    assert_eq!(event.type_, EventType::TerminalReaderActionFailed);
    let EventObject::Undecoded(undecoded) = &event.data.object else {
        panic!("expected Undecoded, got {:?}", event.data.object);
    };
    assert_eq!(undecoded.object, "terminal.reader");
    assert_eq!(undecoded.json, reader);
    assert_eq!(undecoded.error.path, ".");
    assert_eq!(undecoded.error.message, "missing field `serial_number`");
    assert_eq!(
        stripe_sdk::HasId::object_id(&**undecoded),
        Some("tmr_Checked")
    );

    // A field of another type is reported at its path inside the object.
    let mut reader = failed_reader();
    reader["action"]["status"] = json!(7);
    let body = event_body("terminal.reader.action_failed", &reader);
    let header = Webhook::generate_test_header(&body, SECRET, unix_now());
    let event = Webhook::construct_event(&body, &header, SECRET).expect("accepted");
    let EventObject::Undecoded(undecoded) = &event.data.object else {
        panic!("expected Undecoded, got {:?}", event.data.object);
    };
    assert_eq!(undecoded.error.path, "action.status");
    assert!(
        undecoded.error.message.contains("invalid type"),
        "{}",
        undecoded.error
    );
    assert_eq!(undecoded.json, reader);
}

#[test]
fn an_envelope_without_what_every_event_has_is_not_an_event() {
    let now = unix_now();
    for (missing, path) in [("id", "."), ("type", "."), ("created", "."), ("data", ".")] {
        let mut event: Value = serde_json::from_str(&event_body(
            "terminal.reader.action_failed",
            &failed_reader(),
        ))
        .expect("json");
        event.as_object_mut().expect("an object").remove(missing);
        let body = event.to_string();
        let header = Webhook::generate_test_header(&body, SECRET, now);
        match Webhook::construct_event(&body, &header, SECRET) {
            Err(WebhookError::NotAnEvent { path: got, source }) => {
                assert_eq!(got, path, "without `{missing}`");
                assert!(source.to_string().contains(missing), "{source}");
            }
            other => panic!("without `{missing}`: expected NotAnEvent, got {other:?}"),
        }
    }
    // `data` without its `object`, and a body that is not JSON at all.
    for body in [
        event_body("terminal.reader.action_failed", &failed_reader())
            .replace(r#""data":{"object":"#, r#""data":{"objekt":"#),
        "not json".to_owned(),
    ] {
        let header = Webhook::generate_test_header(&body, SECRET, now);
        assert!(
            matches!(
                Webhook::construct_event(&body, &header, SECRET),
                Err(WebhookError::NotAnEvent { .. })
            ),
            "{body}"
        );
    }
}

#[test]
fn a_signed_body_that_is_not_utf8_is_its_own_error() {
    let mut body = event_body("terminal.reader.action_failed", &failed_reader()).into_bytes();
    body.insert(10, 0xff);
    let header = Webhook::generate_test_header(&body, SECRET, unix_now());
    match Webhook::construct_event(&body, &header, SECRET) {
        Err(WebhookError::NotUtf8 { valid_up_to }) => assert_eq!(valid_up_to, 10),
        other => panic!("expected NotUtf8, got {other:?}"),
    }
    // Not signed: the signature is the verdict, not the encoding.
    let forged = Webhook::generate_test_header(&body, "whsec_other", unix_now());
    assert!(matches!(
        Webhook::construct_event(&body, &forged, SECRET),
        Err(WebhookError::NoMatch { .. })
    ));
}

#[test]
fn the_api_version_is_visible_on_the_event() {
    let now = unix_now();
    let same = stripe_sdk::TestEvent::new("terminal.reader.action_failed", failed_reader());
    let (body, header) = same.sign(SECRET, now);
    let event = Webhook::construct_event(&body, &header, SECRET).expect("accepted");
    assert_eq!(event.api_version.as_deref(), Some(stripe_sdk::API_VERSION));
    assert_eq!(event.api_version_mismatch(), None);

    let older = same.api_version("2020-08-27");
    let (body, header) = older.sign(SECRET, now);
    let event = Webhook::construct_event(&body, &header, SECRET).expect("accepted");
    assert_eq!(event.api_version_mismatch(), Some("2020-08-27"));
}

#[test]
fn test_events_complete_the_envelope_around_a_partial_object() {
    let now = unix_now();
    // The whole reader decodes into its type.
    let (body, header) =
        stripe_sdk::TestEvent::new("terminal.reader.action_failed", failed_reader())
            .id("evt_given")
            .created(1_765_000_000)
            .previous_attributes(json!({"status": "offline"}))
            .account("acct_1")
            .sign(SECRET, now);
    let event = Webhook::construct_event(&body, &header, SECRET).expect("accepted");
    assert_eq!(event.id, "evt_given");
    assert_eq!(event.created, 1_765_000_000);
    assert_eq!(event.account.as_deref(), Some("acct_1"));
    assert!(!event.livemode);
    assert_eq!(
        event.data.previous_attributes,
        Some(json!({"status": "offline"}))
    );
    assert!(matches!(event.data.object, EventObject::TerminalReader(_)));

    // Two fields of a reader: the envelope is whole, the object is kept as given.
    let partial = json!({"id": "tmr_1", "object": "terminal.reader"});
    let first = stripe_sdk::TestEvent::new("terminal.reader.action_succeeded", partial.clone());
    let (body, header) = first.sign(SECRET, now);
    let event = Webhook::construct_event(&body, &header, SECRET).expect("accepted");
    assert_eq!(event.type_, EventType::TerminalReaderActionSucceeded);
    assert!(event.id.starts_with("evt_test_"), "{}", event.id);
    assert!((now - event.created).abs() < 60);
    let EventObject::Undecoded(undecoded) = &event.data.object else {
        panic!("expected Undecoded, got {:?}", event.data.object);
    };
    assert_eq!(undecoded.json, partial);
    // Ids are distinct unless set.
    let (second, _) = first.sign(SECRET, now);
    let second: Value = serde_json::from_str(&second).expect("json");
    assert_ne!(second["id"], json!(event.id));
}
