//! Events: what each create, update and delete records (`customer.created`,
//! `customer.updated` with `previous_attributes`, `customer.deleted`), named only with the
//! names the spec lists for a webhook endpoint's `enabled_events`, in Stripe's envelope.

use serde_json::{Map, Value, json};

/// What a request did to a stored object, for its event.
pub(crate) enum Change {
    Created,
    /// With the old values of the fields that changed.
    Updated(Map<String, Value>),
    Deleted,
    /// A step of the object's lifecycle, with the event's whole name
    /// (`payment_intent.succeeded`).
    Event(&'static str),
}

/// A change made by a request, to record as an event once the request is done.
pub(crate) struct Write {
    pub resource: &'static str,
    pub change: Change,
    /// The object after the change (as it was, for a delete).
    pub object: Value,
}

/// The request behind an event.
pub(crate) struct Cause<'a> {
    pub request_id: Option<&'a str>,
    pub idempotency_key: Option<&'a str>,
}

/// Whether the spec names this event (the generated list is sorted).
pub(crate) fn is_known(event_types: &[&str], event_type: &str) -> bool {
    event_types.binary_search(&event_type).is_ok()
}

/// The event name for a change to an object of `resource` (`customer.updated`).
pub(crate) fn name(resource: &str, change: &Change) -> String {
    let verb = match change {
        Change::Created => "created",
        Change::Updated(_) => "updated",
        Change::Deleted => "deleted",
        Change::Event(name) => return (*name).to_owned(),
    };
    format!("{resource}.{verb}")
}

/// The old values of the top-level fields that differ between `old` and `new` (`null` for a
/// field `new` added), as Stripe's `previous_attributes`.
pub(crate) fn previous_attributes(old: &Value, new: &Value) -> Map<String, Value> {
    let empty = Map::new();
    let old = old.as_object().unwrap_or(&empty);
    let new = new.as_object().unwrap_or(&empty);
    let mut previous = Map::new();
    for (name, value) in old {
        if new.get(name) != Some(value) {
            previous.insert(name.clone(), value.clone());
        }
    }
    for name in new.keys() {
        if !old.contains_key(name) {
            previous.insert(name.clone(), Value::Null);
        }
    }
    previous
}

/// Stripe's event envelope. `account` is the connected account's id (`""` for the platform).
#[allow(
    clippy::too_many_arguments,
    reason = "one call site, each a field of the envelope"
)]
pub(crate) fn envelope(
    id: &str,
    event_type: &str,
    object: Value,
    previous: Option<Map<String, Value>>,
    account: &str,
    api_version: &str,
    created: i64,
    pending_webhooks: usize,
    cause: &Cause<'_>,
) -> Value {
    let mut data = Map::new();
    data.insert("object".to_owned(), object);
    if let Some(previous) = previous {
        data.insert("previous_attributes".to_owned(), Value::Object(previous));
    }
    let mut event = json!({
        "id": id,
        "object": "event",
        "api_version": api_version,
        "created": created,
        "data": data,
        "livemode": false,
        "pending_webhooks": pending_webhooks,
        "request": {"id": cause.request_id, "idempotency_key": cause.idempotency_key},
        "type": event_type,
    });
    if !account.is_empty()
        && let Value::Object(fields) = &mut event
    {
        fields.insert("account".to_owned(), Value::String(account.to_owned()));
    }
    event
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn previous_attributes_hold_the_old_values_of_changed_fields() {
        let old = json!({"id": "cus_1", "email": "a@example.com", "name": null, "gone": 1});
        let new = json!({"id": "cus_1", "email": "b@example.com", "name": "B", "added": true});
        let previous = previous_attributes(&old, &new);
        assert_eq!(
            Value::Object(previous),
            json!({"email": "a@example.com", "name": null, "gone": 1, "added": null})
        );
    }

    #[test]
    fn only_listed_names_are_known() {
        let listed = [
            "customer.created",
            "customer.updated",
            "payment_intent.succeeded",
        ];
        assert!(is_known(&listed, "customer.updated"));
        assert!(!is_known(&listed, "terminal.connection_token.created"));
        assert_eq!(name("customer", &Change::Deleted), "customer.deleted");
    }
}
