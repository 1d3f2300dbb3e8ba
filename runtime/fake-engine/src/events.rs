//! Events: what each create, update and delete records (`customer.created`,
//! `customer.updated` with `previous_attributes`, `customer.deleted`), named only with the
//! names the spec lists for a webhook endpoint's `enabled_events`, in Stripe's envelope.

use bytes::Bytes;
use serde_json::{Map, Value};
use std::borrow::Cow;

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
    pub object: Snapshot,
}

/// A written object as its event keeps it.
pub(crate) enum Snapshot {
    /// A copy of the object.
    Value(Value),
    /// The object as the JSON its create answered. A create's event keeps these bytes,
    /// shared with the answer, the request log and the idempotency replay, rather than a deep
    /// copy of the object made under the lock (and freed when the event is forgotten); the
    /// few readers of a stored event parse them ([`whole_event`]) or splice them into what
    /// they send ([`event_json`]).
    Json(Bytes),
}

impl Snapshot {
    /// The object, when it is kept as a value.
    pub fn value(&self) -> Option<&Value> {
        match self {
            Snapshot::Value(value) => Some(value),
            Snapshot::Json(_) => None,
        }
    }
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

/// The listed name that is `parts` joined, found without joining them: a request's event is
/// named while the engine's lock is held, and the name it finds is the list's own
/// `&'static str`, so that naming allocates nothing.
fn listed(event_types: &[&'static str], parts: &[&str]) -> Option<&'static str> {
    let index = event_types
        .binary_search_by(|candidate| {
            // Compares `candidate` with the parts' concatenation, byte by byte.
            let mut rest = candidate.as_bytes();
            for part in parts {
                let part = part.as_bytes();
                let shared = rest.len().min(part.len());
                match rest[..shared].cmp(&part[..shared]) {
                    std::cmp::Ordering::Equal if shared < part.len() => {
                        return std::cmp::Ordering::Less;
                    }
                    std::cmp::Ordering::Equal => rest = &rest[shared..],
                    unequal => return unequal,
                }
            }
            if rest.is_empty() {
                std::cmp::Ordering::Equal
            } else {
                std::cmp::Ordering::Greater
            }
        })
        .ok()?;
    event_types.get(index).copied()
}

/// The event name for a change to an object of `resource` (`customer.updated`), among the
/// names the spec lists. Most events are named after the object's `object` value; where none
/// is, the name Stripe gives it instead is found by its form in the list, so that no table of
/// exceptions can go stale:
///
/// - the namespace joined with `_` (`issuing.card` objects: `issuing_card.created`);
/// - the object's name under one parent, when exactly one parent has it (`subscription`:
///   `customer.subscription.created`; `dispute`: `charge.dispute.created`;
///   `scheduled_query_run`: `sigma.scheduled_query_run.created`).
///
/// The first of these the list has for this verb wins; the exact name comes first, so a
/// resource named like its events never takes another's. A name the list has is borrowed
/// from it; one it lacks is the exact name, made for the caller to find unknown.
///
/// `objects` (sorted by name, as the generated `ID_PREFIXES` is) are the resources' object
/// names: a parent segment that makes another resource's object name is that resource's
/// namespace, not a parent (`financial_connections.account.created` is not a Connect
/// `account`'s, which Stripe records no event for at creation).
pub(crate) fn name(
    event_types: &[&'static str],
    objects: &[(&str, &str)],
    resource: &str,
    change: &Change,
) -> Cow<'static, str> {
    let is_object = |name: &str| {
        objects
            .binary_search_by(|(object, _)| (*object).cmp(name))
            .is_ok()
    };
    let verb = match change {
        Change::Created => "created",
        Change::Updated(_) => "updated",
        Change::Deleted => "deleted",
        Change::Event(name) => return Cow::Borrowed(*name),
    };
    if let Some(exact) = listed(event_types, &[resource, ".", verb]) {
        return Cow::Borrowed(exact);
    }
    if let Some((namespace, rest)) = resource.split_once('.')
        && let Some(joined) = listed(event_types, &[namespace, "_", rest, ".", verb])
    {
        return Cow::Borrowed(joined);
    }
    // One parent segment before the whole resource name: `checkout.session` must not take
    // `billing_portal.session`'s events.
    let suffix = format!(".{resource}.{verb}");
    let depth = resource.matches('.').count() + 2;
    let mut nested = event_types.iter().filter(|name| {
        name.ends_with(&suffix)
            && name.matches('.').count() == depth
            && !is_object(&name[..name.len() - verb.len() - 1])
    });
    match (nested.next(), nested.next()) {
        (Some(only), None) => Cow::Borrowed(only),
        // None, or several (ambiguous): the exact name, which the caller finds unknown and
        // records nothing for.
        _ => Cow::Owned(format!("{resource}.{verb}")),
    }
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
    object: Option<Value>,
    previous: Option<Map<String, Value>>,
    account: &str,
    api_version: &str,
    created: i64,
    pending_webhooks: usize,
    cause: &Cause<'_>,
) -> Value {
    // Built field by field: `json!` would serialize `data`, a deep copy of the object, into
    // a new value. Without `object`, `data` lacks it: the object is kept as JSON beside the
    // envelope, and put first in `data` by its readers.
    let mut data = Map::new();
    if let Some(object) = object {
        data.insert("object".to_owned(), object);
    }
    if let Some(previous) = previous {
        data.insert("previous_attributes".to_owned(), Value::Object(previous));
    }
    let mut request = Map::new();
    request.insert("id".to_owned(), optional_text(cause.request_id));
    request.insert(
        "idempotency_key".to_owned(),
        optional_text(cause.idempotency_key),
    );
    let mut event = Map::new();
    event.insert("id".to_owned(), Value::String(id.to_owned()));
    event.insert("object".to_owned(), Value::String("event".to_owned()));
    event.insert(
        "api_version".to_owned(),
        Value::String(api_version.to_owned()),
    );
    event.insert("created".to_owned(), Value::from(created));
    event.insert("data".to_owned(), Value::Object(data));
    event.insert("livemode".to_owned(), Value::Bool(false));
    event.insert("pending_webhooks".to_owned(), Value::from(pending_webhooks));
    event.insert("request".to_owned(), Value::Object(request));
    event.insert("type".to_owned(), Value::String(event_type.to_owned()));
    if !account.is_empty() {
        event.insert("account".to_owned(), Value::String(account.to_owned()));
    }
    Value::Object(event)
}

/// The whole event: `envelope` with `object`, the JSON kept beside it when there is one, put
/// first in its `data`, where [`envelope`] puts an object it is given.
pub(crate) fn whole_event(envelope: &Value, object: Option<&Bytes>) -> Value {
    let mut whole = envelope.clone();
    if let Some(object) = object
        && let Some(Value::Object(data)) = whole.get_mut("data")
    {
        // The bytes were serialized from a value by the engine itself, so they parse; `null`
        // would only stand for bytes that do not.
        let object = serde_json::from_slice(object).unwrap_or(Value::Null);
        let rest = std::mem::take(data);
        data.insert("object".to_owned(), object);
        data.extend(rest);
    }
    whole
}

/// The event as JSON, as `whole_event(envelope, object).to_string()` gives it, with `object`'s
/// bytes copied in rather than parsed and serialized again.
pub(crate) fn event_json(envelope: &Value, object: Option<&Bytes>) -> Bytes {
    let (Some(object), Value::Object(fields)) = (object, envelope) else {
        return Bytes::from(envelope.to_string());
    };
    let mut json = Vec::with_capacity(object.len() + 512);
    // Writing to a vector fails only for a value that cannot be serialized, which a `Value`
    // never is, so what `to_writer` returns is not looked at.
    json.push(b'{');
    for (index, (name, value)) in fields.iter().enumerate() {
        if index > 0 {
            json.push(b',');
        }
        let _written = serde_json::to_writer(&mut json, name);
        json.push(b':');
        match value {
            Value::Object(data) if name == "data" => {
                json.extend_from_slice(b"{\"object\":");
                json.extend_from_slice(object);
                for (name, value) in data {
                    json.push(b',');
                    let _written = serde_json::to_writer(&mut json, name);
                    json.push(b':');
                    let _written = serde_json::to_writer(&mut json, value);
                }
                json.push(b'}');
            }
            value => {
                let _written = serde_json::to_writer(&mut json, value);
            }
        }
    }
    json.push(b'}');
    Bytes::from(json)
}

/// A string, or `null` for none.
fn optional_text(text: Option<&str>) -> Value {
    text.map_or(Value::Null, |text| Value::String(text.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The checked-in spec's generated id prefixes, whose resources are object names.
    const ID_PREFIXES: &[(&str, &str)] = &[
        ("event", "evt"),
        ("terminal.reader", "tmr"),
        ("webhook_endpoint", "we"),
    ];

    /// Part of 2023-08-16's list, sorted as the generated one is.
    const EVENT_TYPES: &[&str] = &[
        "application_fee.refund.updated",
        "billing_portal.session.created",
        "charge.dispute.created",
        "charge.refund.updated",
        "customer.created",
        "customer.subscription.created",
        "customer.subscription.deleted",
        "customer.tax_id.created",
        "issuing_card.created",
        "issuing_card.updated",
        "sigma.scheduled_query_run.created",
        "subscription_schedule.created",
        "terminal.reader.action_succeeded",
        "treasury.financial_account.created",
    ];

    #[test]
    fn events_are_named_as_stripe_names_them() {
        let created = |resource| name(EVENT_TYPES, ID_PREFIXES, resource, &Change::Created);
        assert_eq!(created("customer"), "customer.created");
        assert_eq!(created("subscription"), "customer.subscription.created");
        assert_eq!(
            name(EVENT_TYPES, ID_PREFIXES, "subscription", &Change::Deleted),
            "customer.subscription.deleted"
        );
        assert_eq!(
            created("subscription_schedule"),
            "subscription_schedule.created"
        );
        assert_eq!(created("tax_id"), "customer.tax_id.created");
        assert_eq!(created("issuing.card"), "issuing_card.created");
        assert_eq!(created("dispute"), "charge.dispute.created");
        assert_eq!(
            created("scheduled_query_run"),
            "sigma.scheduled_query_run.created"
        );
        assert_eq!(
            created("treasury.financial_account"),
            "treasury.financial_account.created"
        );
        // `refund.updated` is not listed, and two prefixes end in `refund`: no guess.
        assert_eq!(
            name(
                EVENT_TYPES,
                ID_PREFIXES,
                "refund",
                &Change::Updated(Map::new())
            ),
            "refund.updated"
        );
        // Another namespace's resource of the same last name is not a parent of it.
        assert_eq!(created("checkout.session"), "checkout.session.created");
        // Nor is another resource's namespace: a Connect account's creation is not a
        // Financial Connections account's.
        let objects = [
            ("account", "acct"),
            ("financial_connections.account", "fca"),
        ];
        let listed = ["account.updated", "financial_connections.account.created"];
        assert_eq!(
            name(&listed, &objects, "account", &Change::Created),
            "account.created"
        );
        assert_eq!(
            name(
                &listed,
                &objects,
                "financial_connections.account",
                &Change::Created
            ),
            "financial_connections.account.created"
        );
        // Nothing listed: the exact name, which records nothing.
        assert_eq!(created("product"), "product.created");
        assert!(!is_known(EVENT_TYPES, &created("product")));
    }

    #[test]
    fn names_are_found_in_the_list_without_joining() {
        // Neighbours in the sorted list that share a prefix with the name looked for.
        let listed_types = ["customer.created", "customer.createdx", "customer.create"];
        let mut sorted = listed_types;
        sorted.sort_unstable();
        assert_eq!(
            listed(&sorted, &["customer", ".", "created"]),
            Some("customer.created")
        );
        assert_eq!(
            listed(&sorted, &["customer", ".", "create"]),
            Some("customer.create")
        );
        assert_eq!(listed(&sorted, &["customer", ".", "creat"]), None);
        assert_eq!(
            listed(&sorted, &["customer.", "", "created"]),
            Some("customer.created")
        );
        assert_eq!(listed(&sorted, &[]), None);
    }

    #[test]
    fn the_envelope_is_stripes() {
        let cause = Cause {
            request_id: Some("req_1"),
            idempotency_key: None,
        };
        let mut previous = Map::new();
        previous.insert("email".to_owned(), Value::Null);
        let event = envelope(
            "evt_1",
            "customer.updated",
            Some(json!({"id": "cus_1", "object": "customer"})),
            Some(previous),
            "acct_1",
            "2023-08-16",
            1_680_000_000,
            2,
            &cause,
        );
        assert_eq!(
            event,
            json!({
                "id": "evt_1",
                "object": "event",
                "api_version": "2023-08-16",
                "created": 1_680_000_000,
                "data": {
                    "object": {"id": "cus_1", "object": "customer"},
                    "previous_attributes": {"email": null},
                },
                "livemode": false,
                "pending_webhooks": 2,
                "request": {"id": "req_1", "idempotency_key": null},
                "type": "customer.updated",
                "account": "acct_1",
            })
        );
        let platform = envelope(
            "evt_2",
            "customer.created",
            Some(json!({})),
            None,
            "",
            "v",
            0,
            0,
            &cause,
        );
        assert!(platform.get("account").is_none());
        assert!(platform["data"].get("previous_attributes").is_none());
    }

    #[test]
    fn an_event_kept_with_its_object_as_json_reads_as_one_kept_whole() {
        let cause = Cause {
            request_id: Some("req_1"),
            idempotency_key: Some("key \"1\""),
        };
        let object = json!({"id": "cus_1", "object": "customer", "name": "Ã\u{e9}\"", "n": 1.5});
        let event = |object| {
            envelope(
                "evt_1",
                "customer.created",
                object,
                None,
                "acct_1",
                "2023-08-16",
                1_680_000_000,
                1,
                &cause,
            )
        };
        let kept_whole = event(Some(object.clone()));
        let json = Bytes::from(object.to_string());
        let envelope_only = event(None);
        assert_eq!(whole_event(&envelope_only, Some(&json)), kept_whole);
        assert_eq!(
            event_json(&envelope_only, Some(&json)),
            Bytes::from(kept_whole.to_string())
        );
        assert_eq!(
            event_json(&kept_whole, None),
            Bytes::from(kept_whole.to_string())
        );
        // With other fields in `data`, the object comes first, where `envelope` puts it.
        let mut previous = Map::new();
        previous.insert("email".to_owned(), Value::Null);
        let updated = |object| {
            envelope(
                "evt_2",
                "customer.updated",
                object,
                Some(previous.clone()),
                "",
                "v",
                0,
                0,
                &cause,
            )
        };
        let kept_whole = updated(Some(object));
        assert_eq!(whole_event(&updated(None), Some(&json)), kept_whole);
        assert_eq!(
            event_json(&updated(None), Some(&json)),
            Bytes::from(kept_whole.to_string())
        );
    }

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
        assert_eq!(
            name(&listed, ID_PREFIXES, "customer", &Change::Deleted),
            "customer.deleted"
        );
    }
}
