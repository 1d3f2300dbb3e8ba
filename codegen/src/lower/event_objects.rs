//! Which object each webhook event carries, read from the event's name and the spec's
//! `object` values, since Stripe's document says it nowhere else.
//!
//! An event's name is its object's path followed by what happened
//! (`checkout.session.completed`, `customer.subscription.deleted`), unless the whole name is an
//! `object` value with `_` for `.` (`source.mandate_notification`). Otherwise the name less its
//! last segment is read, in this order:
//! 1. as an `object` value itself (`checkout.session`, `invoice`);
//! 2. with its segments joined by `_` (`source.transaction` -> `source_transaction`), or with
//!    the first `_` of a one-segment prefix read as a `.` (`issuing_card` -> `issuing.card`);
//! 3. as a parent object and a child (`customer.subscription`, `application_fee.refund`): the
//!    parent's property of the child's name, singular or plural, decides, through the objects
//!    its type can hold (`application_fee.refunds` lists `fee_refund`s); a property that can
//!    hold several kinds (`customer.sources`) leaves the event undecided;
//! 4. by its last segment alone, when that is an `object` value (`sigma.scheduled_query_run`).
//!
//! Anything else is undecided: the event keeps its `EventType` and its `EventObject`, and the
//! docs list it. A rule that guesses wrong costs nothing at run time, since a variant of
//! `EventKind` is chosen only when the delivered object is of the kind it holds.

use super::stripe::{discriminator_of, page_kind};
use openapiv3::{OpenAPI, ReferenceOr, Schema, SchemaKind, Type};
use std::collections::BTreeSet;

/// How deep a property's type is followed (a reference, a union, a list page and its items).
const MAX_DEPTH: usize = 4;

/// The `object` value an event named `name` carries, when its name decides one.
pub(super) fn object_of_event(
    spec: &OpenAPI,
    objects: &BTreeSet<String>,
    name: &str,
) -> Option<String> {
    let segments: Vec<&str> = name.split('.').collect();
    let (_, prefix) = segments.split_last()?;
    if prefix.is_empty() {
        return None;
    }
    let known = |candidate: String| objects.contains(&candidate).then_some(candidate);
    if let Some(object) = known(segments.join("_")) {
        return Some(object);
    }
    if let Some(object) = known(prefix.join(".")) {
        return Some(object);
    }
    if let Some(object) = known(prefix.join("_")) {
        return Some(object);
    }
    if let [single] = prefix
        && let Some(object) = single
            .split_once('_')
            .and_then(|(namespace, rest)| known(format!("{namespace}.{rest}")))
    {
        return Some(object);
    }
    if let Some((child, parent)) = prefix.split_last().filter(|(_, parent)| !parent.is_empty()) {
        let parent = parent.join(".");
        if objects.contains(&parent) {
            match child_objects(spec, &parent, child) {
                Some(held) if held.len() == 1 => return held.into_iter().next(),
                Some(held) if held.len() > 1 => return None,
                _ => {}
            }
        }
    }
    prefix.last().and_then(|last| known((*last).to_owned()))
}

/// The `object` values that the property `child` (or `child` + `s`) of the component whose
/// `object` is `parent` can hold, if it has such a property.
fn child_objects(spec: &OpenAPI, parent: &str, child: &str) -> Option<BTreeSet<String>> {
    let components = spec.components.as_ref()?;
    let schema = components
        .schemas
        .values()
        .find_map(|schema| match schema {
            ReferenceOr::Item(schema)
                if discriminator_of(schema)
                    .is_some_and(|found| found.object == parent && !found.deleted) =>
            {
                Some(schema)
            }
            _ => None,
        })?;
    let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind else {
        return None;
    };
    let property = object
        .properties
        .get(child)
        .or_else(|| object.properties.get(&format!("{child}s")))?;
    let mut held = BTreeSet::new();
    match property {
        ReferenceOr::Item(schema) => collect_objects(spec, schema, 0, &mut held),
        ReferenceOr::Reference { reference } => collect_reference(spec, reference, 0, &mut held),
    }
    Some(held)
}

/// Adds the `object` values a schema can hold: its own, its alternatives', or a list's items'.
fn collect_objects(spec: &OpenAPI, schema: &Schema, depth: usize, held: &mut BTreeSet<String>) {
    if depth > MAX_DEPTH {
        return;
    }
    // A list page has an `object` value of its own (`list`); its `data` holds the objects.
    if let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind
        && page_kind(object).is_some()
    {
        match object.properties.get("data") {
            Some(ReferenceOr::Item(schema)) => collect_objects(spec, schema, depth + 1, held),
            Some(ReferenceOr::Reference { reference }) => {
                collect_reference(spec, reference, depth + 1, held);
            }
            None => {}
        }
        return;
    }
    if let Some(found) = discriminator_of(schema) {
        if !found.deleted {
            held.insert(found.object);
        }
        return;
    }
    let mut visit = |item: &ReferenceOr<Schema>| match item {
        ReferenceOr::Item(schema) => collect_objects(spec, schema, depth + 1, held),
        ReferenceOr::Reference { reference } => collect_reference(spec, reference, depth + 1, held),
    };
    match &schema.schema_kind {
        SchemaKind::AnyOf {
            any_of: alternatives,
        }
        | SchemaKind::OneOf {
            one_of: alternatives,
        } => {
            alternatives.iter().for_each(&mut visit);
        }
        SchemaKind::Type(Type::Array(array)) => {
            if let Some(items) = &array.items {
                match items {
                    ReferenceOr::Item(schema) => collect_objects(spec, schema, depth + 1, held),
                    ReferenceOr::Reference { reference } => {
                        collect_reference(spec, reference, depth + 1, held);
                    }
                }
            }
        }
        _ => {}
    }
}

fn collect_reference(spec: &OpenAPI, reference: &str, depth: usize, held: &mut BTreeSet<String>) {
    let Some(name) = reference.strip_prefix("#/components/schemas/") else {
        return;
    };
    if let Some(ReferenceOr::Item(schema)) = spec
        .components
        .as_ref()
        .and_then(|components| components.schemas.get(name))
    {
        collect_objects(spec, schema, depth, held);
    }
}

/// Every `object` value of the document's components, deleted stubs aside.
pub(super) fn object_values(spec: &OpenAPI) -> BTreeSet<String> {
    spec.components
        .iter()
        .flat_map(|components| components.schemas.values())
        .filter_map(|schema| match schema {
            ReferenceOr::Item(schema) => discriminator_of(schema),
            ReferenceOr::Reference { .. } => None,
        })
        .filter(|found| !found.deleted)
        .map(|found| found.object)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = r##"
openapi: 3.0.0
info: { title: events, version: "2023-08-16" }
paths: {}
components:
  schemas:
    customer:
      type: object
      properties:
        object: { type: string, enum: [customer] }
        subscriptions:
          type: object
          properties:
            object: { type: string, enum: [list] }
            data: { type: array, items: { $ref: "#/components/schemas/subscription" } }
            has_more: { type: boolean }
            url: { type: string }
        sources:
          type: object
          properties:
            object: { type: string, enum: [list] }
            data:
              type: array
              items:
                anyOf:
                  - { $ref: "#/components/schemas/card" }
                  - { $ref: "#/components/schemas/source" }
            has_more: { type: boolean }
            url: { type: string }
    subscription:
      type: object
      properties: { object: { type: string, enum: [subscription] } }
    card:
      type: object
      properties: { object: { type: string, enum: [card] } }
    source:
      type: object
      properties: { object: { type: string, enum: [source] } }
    source_mandate_notification:
      type: object
      properties: { object: { type: string, enum: [source_mandate_notification] } }
    source_transaction:
      type: object
      properties: { object: { type: string, enum: [source_transaction] } }
    application_fee:
      type: object
      properties:
        object: { type: string, enum: [application_fee] }
        refunds:
          type: object
          properties:
            object: { type: string, enum: [list] }
            data: { type: array, items: { $ref: "#/components/schemas/fee_refund" } }
            has_more: { type: boolean }
            url: { type: string }
    fee_refund:
      type: object
      properties: { object: { type: string, enum: [fee_refund] } }
    refund:
      type: object
      properties: { object: { type: string, enum: [refund] } }
    checkout.session:
      type: object
      properties: { object: { type: string, enum: [checkout.session] } }
    issuing.card:
      type: object
      properties: { object: { type: string, enum: [issuing.card] } }
    scheduled_query_run:
      type: object
      properties: { object: { type: string, enum: [scheduled_query_run] } }
    deleted_customer:
      type: object
      properties:
        object: { type: string, enum: [customer] }
        deleted: { type: boolean, enum: [true] }
"##;

    fn object(name: &str) -> Option<String> {
        let spec = crate::load::parse_spec("events.yaml", SPEC).expect("the spec parses");
        object_of_event(&spec, &object_values(&spec), name)
    }

    #[test]
    fn an_events_object_is_read_from_its_name() {
        assert_eq!(
            object("checkout.session.completed").as_deref(),
            Some("checkout.session")
        );
        assert_eq!(object("customer.deleted").as_deref(), Some("customer"));
        assert_eq!(
            object("source.transaction.created").as_deref(),
            Some("source_transaction")
        );
        // The whole name is an object of its own, not something that happened to a `source`.
        assert_eq!(
            object("source.mandate_notification").as_deref(),
            Some("source_mandate_notification")
        );
        assert_eq!(object("source.chargeable").as_deref(), Some("source"));
        assert_eq!(
            object("issuing_card.created").as_deref(),
            Some("issuing.card")
        );
        assert_eq!(
            object("customer.subscription.updated").as_deref(),
            Some("subscription")
        );
        assert_eq!(
            object("sigma.scheduled_query_run.created").as_deref(),
            Some("scheduled_query_run")
        );
    }

    #[test]
    fn a_child_is_read_through_its_parents_property() {
        // By its name alone it would be a `refund`; the parent's `refunds` lists `fee_refund`s.
        assert_eq!(
            object("application_fee.refund.updated").as_deref(),
            Some("fee_refund")
        );
    }

    #[test]
    fn an_event_whose_object_can_be_of_several_kinds_is_undecided() {
        assert_eq!(object("customer.source.created"), None);
        assert_eq!(object("ping"), None);
        assert_eq!(object("nothing.here.created"), None);
    }
}
