//! The webhook events test that `regen --out` writes into standalone crates (`tests/events.rs`):
//! every object in Stripe's `fixtures3.json`, wrapped in an event envelope, signed and passed
//! through `Webhook::construct_event`, must come out as the `EventObject` variant of its kind;
//! and, for the fixtures of other API versions, must never be refused.

use crate::template;
use crate::templates::Template;
use anyhow::Result;
use stripe_codegen::ir::{Api, TypeKind};

/// The kinds the generated `EventObject` has a variant for: `(object, deleted, variant)`.
pub fn event_kinds(api: &Api) -> Vec<(String, bool, String)> {
    let Some(events) = &api.events else {
        return Vec::new();
    };
    match &api.type_def(events.object).kind {
        TypeKind::Union(union) => union
            .variants
            .iter()
            .filter_map(|variant| {
                let discriminator = variant.discriminator.as_ref()?;
                Some((
                    discriminator.object.clone(),
                    discriminator.deleted,
                    variant.rust_name.clone(),
                ))
            })
            .collect(),
        TypeKind::Struct(_) | TypeKind::Enum(_) | TypeKind::Alias(_) => Vec::new(),
    }
}

/// `EventKind`'s variants: `(event name, object kind, variant)`, where the object kind is the
/// `object` value of the `EventObject` variant the event holds.
pub fn named_events(api: &Api) -> Vec<(String, String, String)> {
    let Some(events) = &api.events else {
        return Vec::new();
    };
    let kinds = event_kinds(api);
    events
        .by_name
        .iter()
        .filter_map(|event| {
            let (object, _, _) = kinds
                .iter()
                .find(|(_, deleted, variant)| !deleted && *variant == event.object_variant)?;
            Some((event.name.clone(), object.clone(), event.rust_name.clone()))
        })
        .collect()
}

/// The test's source, with `{{name}}` placeholders that [`events_test`] fills.
const EVENTS_TEMPLATE: Template = template!("events.rs");

/// The test's text. `fixtures` is the fixtures file relative to the crate's folder; `kinds` is
/// [`event_kinds`], which must not be empty (a crate without event types gets no such test).
pub fn events_test(
    command: &str,
    spec_file: &str,
    fixtures: &str,
    kinds: &[(String, bool, String)],
    named: &[(String, String, String)],
) -> Result<String> {
    let named_list: String = named
        .iter()
        .map(|(name, object, _)| format!("    ({name:?}, {object:?}),\n"))
        .collect();
    let named_arms: String = named
        .iter()
        .map(|(name, _, variant)| format!("        EventKind::{variant}(_) => Some({name:?}),\n"))
        .collect();
    let known: String = kinds
        .iter()
        .map(|(object, deleted, _)| format!("    ({object:?}, {deleted}),\n"))
        .collect();
    let arms: String = kinds
        .iter()
        .map(|(object, deleted, variant)| {
            format!(
                "        EventObject::{variant}(_) => Outcome::Typed(({object:?}, {deleted})),\n"
            )
        })
        .collect();
    EVENTS_TEMPLATE.fill(&[
        ("command", command),
        ("spec_file", spec_file),
        ("fixtures", fixtures),
        ("known", &known),
        ("named_list", &named_list),
        ("named_arms", &named_arms),
        ("arms", &arms),
    ])
}
