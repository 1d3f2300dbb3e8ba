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
    /// The object as the JSON its create answered (the bytes the answer, the request log, the
    /// idempotency replay and the store share): a create's event is written with these bytes
    /// in it ([`Event::to_json`]) rather than from a deep copy of the object.
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

/// Stripe's event, written as JSON: the same bytes as serializing the event as a value (its
/// fields in a value's order) gives. An event is recorded on every create, update and delete,
/// under the engine's lock, and kept until it is forgotten; written straight to one buffer, it
/// costs no map of maps, and the store, a webhook delivery and `GET /v1/events` share these
/// bytes. `object` is the object as it stands in `data.object`; `account` is the connected
/// account's id (`""` for the platform).
pub(crate) struct Event<'a> {
    pub id: &'a str,
    pub event_type: &'a str,
    pub object: &'a Snapshot,
    pub previous: Option<&'a Map<String, Value>>,
    pub account: &'a str,
    pub api_version: &'a str,
    pub created: i64,
    pub pending_webhooks: usize,
    pub cause: &'a Cause<'a>,
}

impl Event<'_> {
    /// The event as JSON.
    pub fn to_json(&self) -> Bytes {
        let object_len = match self.object {
            Snapshot::Json(json) => json.len(),
            Snapshot::Value(_) => 1024,
        };
        let mut json = Vec::with_capacity(object_len + 384);
        // Writing to a vector fails only for a value that cannot be serialized, which a
        // string, a number and a `Value` never are, so what `to_writer` returns is not looked
        // at. The fields are written in the order of a value's map (sorted by name).
        json.push(b'{');
        if !self.account.is_empty() {
            json.extend_from_slice(b"\"account\":");
            let _written = serde_json::to_writer(&mut json, self.account);
            json.push(b',');
        }
        json.extend_from_slice(b"\"api_version\":");
        let _written = serde_json::to_writer(&mut json, self.api_version);
        json.extend_from_slice(b",\"created\":");
        let _written = serde_json::to_writer(&mut json, &self.created);
        json.extend_from_slice(b",\"data\":{\"object\":");
        match self.object {
            Snapshot::Json(object) => json.extend_from_slice(object),
            Snapshot::Value(object) => {
                let _written = serde_json::to_writer(&mut json, object);
            }
        }
        if let Some(previous) = self.previous {
            json.extend_from_slice(b",\"previous_attributes\":");
            let _written = serde_json::to_writer(&mut json, previous);
        }
        json.extend_from_slice(b"},\"id\":");
        let _written = serde_json::to_writer(&mut json, self.id);
        json.extend_from_slice(b",\"livemode\":false,\"object\":\"event\",\"pending_webhooks\":");
        let _written = serde_json::to_writer(&mut json, &self.pending_webhooks);
        json.extend_from_slice(b",\"request\":{\"id\":");
        let _written = serde_json::to_writer(&mut json, &self.cause.request_id);
        json.extend_from_slice(b",\"idempotency_key\":");
        let _written = serde_json::to_writer(&mut json, &self.cause.idempotency_key);
        json.extend_from_slice(b"},\"type\":");
        let _written = serde_json::to_writer(&mut json, self.event_type);
        json.push(b'}');
        crate::pipeline::kept_bytes(json)
    }
}

/// An event written by [`Event::to_json`] with one less in its `pending_webhooks` (never below
/// 0); `None` for bytes that do not end as `to_json` ends them.
pub(crate) fn one_less_pending_webhook(json: &Bytes) -> Option<Bytes> {
    const FIELD: &[u8] = b",\"pending_webhooks\":";
    // The envelope's own field is the last match: after it come only `request`'s two strings
    // and `type`, and a string cannot hold `,"` (its quotes are escaped).
    let start = json
        .windows(FIELD.len())
        .rposition(|window| window == FIELD)?
        + FIELD.len();
    let digits = json[start..]
        .iter()
        .take_while(|byte| byte.is_ascii_digit())
        .count();
    let pending: u64 = std::str::from_utf8(&json[start..start + digits])
        .ok()?
        .parse()
        .ok()?;
    let mut written = Vec::with_capacity(json.len());
    written.extend_from_slice(&json[..start]);
    written.extend_from_slice(pending.saturating_sub(1).to_string().as_bytes());
    written.extend_from_slice(&json[start + digits..]);
    Some(Bytes::from(written))
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

    /// `event`, written, and checked to be what serde_json writes for the value it reads as.
    fn written(event: &Event<'_>) -> Value {
        let json = event.to_json();
        let value: Value = serde_json::from_slice(&json).expect("the event parses");
        assert_eq!(json, Bytes::from(value.to_string()));
        value
    }

    #[test]
    fn the_event_is_stripes() {
        let cause = Cause {
            request_id: Some("req_1"),
            idempotency_key: None,
        };
        let mut previous = Map::new();
        previous.insert("email".to_owned(), Value::Null);
        let object = Snapshot::Value(json!({"id": "cus_1", "object": "customer"}));
        let event = Event {
            id: "evt_1",
            event_type: "customer.updated",
            object: &object,
            previous: Some(&previous),
            account: "acct_1",
            api_version: "2023-08-16",
            created: 1_680_000_000,
            pending_webhooks: 2,
            cause: &cause,
        };
        assert_eq!(
            written(&event),
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
        let empty = Snapshot::Value(json!({}));
        let platform = written(&Event {
            id: "evt_2",
            event_type: "customer.created",
            object: &empty,
            previous: None,
            account: "",
            api_version: "v",
            created: 0,
            pending_webhooks: 0,
            cause: &cause,
        });
        assert!(platform.get("account").is_none());
        assert!(platform["data"].get("previous_attributes").is_none());
    }

    #[test]
    fn an_event_of_an_object_kept_as_json_is_the_event_of_the_object() {
        let cause = Cause {
            request_id: Some("req_1"),
            idempotency_key: Some("key \"1\""),
        };
        let object = json!({"id": "cus_1", "object": "customer", "name": "\u{e9}\"", "n": 1.5});
        let mut previous = Map::new();
        previous.insert("email".to_owned(), Value::Null);
        for previous in [None, Some(&previous)] {
            let event = |object| Event {
                id: "evt_1",
                event_type: "customer.created",
                object,
                previous,
                account: "acct_1",
                api_version: "2023-08-16",
                created: 1_680_000_000,
                pending_webhooks: 1,
                cause: &cause,
            };
            let as_value = Snapshot::Value(object.clone());
            let as_json = Snapshot::Json(Bytes::from(object.to_string()));
            assert_eq!(written(&event(&as_json)), written(&event(&as_value)));
            assert_eq!(event(&as_json).to_json(), event(&as_value).to_json());
        }
    }

    #[test]
    fn a_delivery_takes_one_from_the_events_pending_webhooks() {
        let cause = Cause {
            request_id: Some(",\"pending_webhooks\":7"),
            idempotency_key: None,
        };
        let object = Snapshot::Value(json!({"pending_webhooks": 9, "metadata": {"k": "v"}}));
        let event = |pending_webhooks| Event {
            id: "evt_1",
            event_type: "customer.created",
            object: &object,
            previous: None,
            account: "",
            api_version: "v",
            created: 0,
            pending_webhooks,
            cause: &cause,
        };
        for (before, after) in [(12, 11), (10, 9), (1, 0), (0, 0)] {
            let json = one_less_pending_webhook(&event(before).to_json());
            assert_eq!(json, Some(event(after).to_json()));
        }
        assert_eq!(one_less_pending_webhook(&Bytes::from_static(b"{}")), None);
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
