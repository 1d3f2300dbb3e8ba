//! Decodes webhook events through the event types the generator builds from the shapes
//! document's `event` schema: `Event`, `EventType` (from `enabled_events`) and `EventObject`
//! (dispatched on `object` and `deleted`), including an event type and an object kind this SDK
//! does not know, and through `Webhook::construct_event`, which exists because `Event` does.

use serde_json::{Value, json};
use stripe_shapes::{Event, EventObject, EventType, Webhook, WebhookError};

fn event_json(event_type: &str, object: Value) -> Value {
    json!({
        "id": "evt_1",
        "object": "event",
        "type": event_type,
        "created": 1_700_000_000,
        "livemode": false,
        "api_version": "2024-01-01",
        "pending_webhooks": 2,
        "request": {"id": "req_1", "idempotency_key": null},
        "data": {"object": object, "previous_attributes": {"description": "old"}},
    })
}

fn decode(event: Value) -> Event {
    serde_json::from_value(event).expect("an event")
}

#[test]
fn a_known_event_decodes_into_its_type_and_resource() {
    let widget = json!({"id": "wd_1", "object": "widget", "created": 1, "description": "new"});
    let event = decode(event_json("widget.created", widget));
    assert_eq!(event.id, "evt_1");
    assert_eq!(event.type_, EventType::WidgetCreated);
    assert_eq!(event.created, 1_700_000_000);
    assert_eq!(event.pending_webhooks, 2);
    assert_eq!(event.api_version.as_deref(), Some("2024-01-01"));
    let request = event.request.expect("a request");
    assert_eq!(request.id.as_deref(), Some("req_1"));
    assert_eq!(request.idempotency_key, None);
    assert_eq!(
        event.data.previous_attributes,
        Some(json!({"description": "old"}))
    );
    let EventObject::Widget(widget) = event.data.object else {
        panic!("not a widget: {:?}", event.data.object);
    };
    assert_eq!(widget.id, "wd_1");
    assert_eq!(widget.description.as_deref(), Some("new"));
}

#[test]
fn deleted_objects_dispatch_on_deleted() {
    let deleted = json!({"id": "wd_1", "object": "widget", "deleted": true});
    let event = decode(event_json("widget.deleted", deleted));
    assert_eq!(event.type_, EventType::WidgetDeleted);
    let EventObject::DeletedWidget(stub) = event.data.object else {
        panic!("not a deleted widget: {:?}", event.data.object);
    };
    assert_eq!(stub.id, "wd_1");

    let gadget = json!({"id": "gd_1", "object": "gadget", "size": 3});
    let event = decode(event_json("gadget.updated", gadget));
    assert!(matches!(event.data.object, EventObject::Gadget(ref gadget) if gadget.size == Some(3)));
}

#[test]
fn an_unknown_event_type_is_kept_as_received() {
    let owner = json!({"id": "ow_1", "object": "owner"});
    let event = decode(event_json("owner.renamed", owner));
    assert_eq!(event.type_, EventType::Unknown("owner.renamed".to_owned()));
    assert_eq!(event.type_.as_str(), "owner.renamed");
    assert!(matches!(event.data.object, EventObject::Owner(_)));
}

#[test]
fn an_unknown_object_kind_is_kept_whole() {
    let sprocket =
        json!({"id": "sp_1", "object": "sprocket", "teeth": [1, 2], "nested": {"a": null}});
    let event = decode(event_json("sprocket.created", sprocket.clone()));
    assert_eq!(event.data.object, EventObject::Unknown(sprocket));

    // An object without an `object` value cannot be dispatched and stays JSON as well.
    let bare = json!({"id": "x_1"});
    let event = decode(event_json("widget.created", bare.clone()));
    assert_eq!(event.data.object, EventObject::Unknown(bare));
}

#[test]
fn a_known_kind_that_does_not_fit_its_type_is_kept_with_the_reason() {
    // A widget without its required `created`: dispatched on `object`, it does not decode as
    // `Widget`, so it is kept whole with where and why.
    let broken = json!({"id": "wd_1", "object": "widget", "description": null});
    let event = decode(event_json("widget.created", broken.clone()));
    let EventObject::Undecoded(undecoded) = &event.data.object else {
        panic!("expected Undecoded, got {:?}", event.data.object);
    };
    assert_eq!(undecoded.object, "widget");
    assert_eq!(undecoded.json, broken);
    assert_eq!(undecoded.error.path, ".");
    assert!(
        undecoded.error.message.contains("created"),
        "{}",
        undecoded.error
    );
    // Serialized, it is the object as received.
    assert_eq!(
        serde_json::to_value(&event.data.object).expect("serializes"),
        broken
    );
    // Its text is not JSON: the envelope is refused.
    let text = event_json("widget.created", json!(null))
        .to_string()
        .replace("null}", "nul}");
    assert!(serde_json::from_str::<Event>(&text).is_err());
}

#[test]
fn construct_event_verifies_then_decodes_an_event() {
    const SECRET: &str = "whsec_shapes";
    let payload =
        event_json("gadget.updated", json!({"id": "gd_1", "object": "gadget"})).to_string();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("a clock after 1970")
        .as_secs();
    let now = i64::try_from(now).expect("seconds fit in i64");
    let header = Webhook::generate_test_header(&payload, SECRET, now);
    let event: Event = Webhook::construct_event(&payload, &header, SECRET).expect("a signed event");
    assert_eq!(event.type_, EventType::GadgetUpdated);
    assert!(matches!(event.data.object, EventObject::Gadget(_)));

    let forged = Webhook::generate_test_header(&payload, "whsec_other", now);
    assert!(matches!(
        Webhook::construct_event(&payload, &forged, SECRET),
        Err(WebhookError::NoMatch { .. })
    ));
    let not_an_event = "{\"id\": \"evt_1\"}";
    let header = Webhook::generate_test_header(not_an_event, SECRET, now);
    assert!(matches!(
        Webhook::construct_event(not_an_event, &header, SECRET),
        Err(WebhookError::NotAnEvent { .. })
    ));
}
