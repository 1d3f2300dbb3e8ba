//! The lifecycles: where Stripe computes an object's state rather than storing what was sent,
//! one typed implementation of [`Lifecycle`] per resource, each in its own module. A
//! lifecycle sets a new object's starting state, follows the steps its resource's actions
//! take (`confirm`, `process_payment_intent`, `complete`), and says what a `DELETE` does
//! (a subscription is canceled and kept). Each step names the events it causes.
//!
//! Lifecycles apply to objects created through the API; an object the fake made up for an
//! unknown id (`UnknownIds::Synthesize`) has no history to follow, so it is answered as it
//! is.
//!
//! To add one: a module with a type implementing [`Lifecycle`] (its resource, its steps as
//! an enum, and what each does), and a line in [`LIFECYCLES`].

mod account;
mod cards;
mod checkout_session;
mod initial;
mod invoice;
mod money;
mod payment_intent;
mod payment_method;
mod period;
mod refund;
mod subscription;
mod terminal_reader;
mod test_clock;

use crate::error::envelope;
use crate::objects::Builder;
use serde_json::{Map, Value};
use std::marker::PhantomData;

pub(crate) use cards::{is_test_payment_method, payment_method_from_token};
pub(crate) use money::{balance, settle_balance_transactions};
pub(crate) use subscription::{renew_due, renewal_due};

/// A request's params, decoded and typed by the operation's schema.
pub(crate) type Params = Map<String, Value>;

/// What a lifecycle may read and make besides the object it acts on: new objects, ids and
/// the clock (`builder`), and the account's other stored objects (`lookup`, by id and
/// resource; `scan`, every object of a resource, oldest first).
pub(crate) struct Context<'a, 'b> {
    pub builder: &'a mut Builder<'b>,
    pub lookup: &'a dyn Fn(&str, &str) -> Option<Value>,
    pub scan: &'a dyn Fn(&str) -> Vec<Value>,
    /// Whether an id that names no stored object is Stripe's 404 (the default), rather than
    /// taken as it is (the stripe-mock-like mode, `UnknownIds::Synthesize`).
    pub strict: bool,
}

impl Context<'_, '_> {
    /// Stripe's 404 for another object a step names that does not exist; in the
    /// stripe-mock-like mode, where any id is taken, nothing, so that the step goes on without
    /// it.
    pub fn missing(&self, resource: &str, id: &str, param: &str) -> Effects {
        if self.strict {
            missing_object(resource, id, param)
        } else {
            Effects::default()
        }
    }
}

/// What a step did, besides changing the object it acted on.
#[derive(Default)]
pub(crate) struct Effects {
    /// Other objects it changed (a reader's payment intent), by id, to store.
    pub others: Vec<(String, Value)>,
    /// New objects it made (a completed Checkout Session's payment intent), to store: the
    /// resource, the collection path it is listed in, and the object. Each records its
    /// `created` event before those of `events`.
    pub created: Vec<(&'static str, &'static str, Value)>,
    /// The events it causes, in order: the resource, the event's name and its object.
    pub events: Vec<(&'static str, &'static str, Value)>,
    /// New objects it made in another account's store (the connected account a destination
    /// charge pays): the account's id, the resource, the collection and the object.
    pub elsewhere: Vec<(String, &'static str, &'static str, Value)>,
    /// The error to answer instead of the object, when the step was refused or declined
    /// (what it changed is still stored, as a decline's `last_payment_error` is).
    pub refusal: Option<(u16, Value)>,
}

impl Effects {
    /// A step refused with `status` and Stripe's error envelope.
    pub fn refused(status: u16, body: Value) -> Effects {
        Effects {
            refusal: Some((status, body)),
            ..Effects::default()
        }
    }

    /// A step that caused one event about the object.
    pub fn event(resource: &'static str, name: &'static str, object: &Value) -> Effects {
        Effects {
            events: vec![(resource, name, object.clone())],
            ..Effects::default()
        }
    }

    /// Adds what `later` did after what these effects did; its refusal, if any, wins.
    pub fn merge(&mut self, later: Effects) {
        self.others.extend(later.others);
        self.created.extend(later.created);
        self.events.extend(later.events);
        self.elsewhere.extend(later.elsewhere);
        if later.refusal.is_some() {
            self.refusal = later.refusal;
        }
    }

    /// Stores `object` as new, listed in `collection`.
    pub fn create(&mut self, resource: &'static str, collection: &'static str, object: &Value) {
        self.created.push((resource, collection, object.clone()));
    }

    /// Records event `name` about `object` of `resource`.
    pub fn record(&mut self, resource: &'static str, name: &'static str, object: &Value) {
        self.events.push((resource, name, object.clone()));
    }

    /// Whether the step was refused before it changed or made anything, so that a create
    /// refused this way stores nothing.
    pub fn refused_outright(&self) -> bool {
        self.refusal.is_some()
            && self.others.is_empty()
            && self.created.is_empty()
            && self.events.is_empty()
            && self.elsewhere.is_empty()
    }
}

/// What a `DELETE` of the object does.
pub(crate) enum Deletion {
    /// It is removed, and retrieving it answers its deleted stub or a 404 (most resources).
    Removed,
    /// It stays stored, changed by the lifecycle (a subscription is canceled and stays
    /// retrievable), and the `DELETE` answers it; `event` is recorded instead of the
    /// resource's `.deleted` when given.
    Kept(Effects),
}

/// One resource's lifecycle.
pub(crate) trait Lifecycle {
    /// The component schema of the objects it governs (`payment_intent`).
    const RESOURCE: &'static str;

    /// The steps it follows on an existing object.
    type Step: Copy;

    /// The step an action is (`confirm`: the resource method lowering named, which is the
    /// last segment of the action's path), if this lifecycle follows it.
    fn step(action: &str) -> Option<Self::Step>;

    /// Sets a new object's starting state, after the params were applied.
    fn created(object: &mut Value, params: &Params, context: &mut Context<'_, '_>) -> Effects;

    /// Follows `step` on an existing object.
    fn act(
        step: Self::Step,
        object: &mut Value,
        params: &Params,
        context: &mut Context<'_, '_>,
    ) -> Effects;

    /// What a `DELETE` does; most objects are removed.
    fn deleted(_object: &mut Value, _context: &mut Context<'_, '_>) -> Deletion {
        Deletion::Removed
    }
}

/// A lifecycle behind a pointer the engine can hold in one list, its steps parsed from the
/// action's name.
trait Dispatch: Sync {
    fn resource(&self) -> &'static str;
    fn created(
        &self,
        object: &mut Value,
        params: &Params,
        context: &mut Context<'_, '_>,
    ) -> Effects;
    fn act(
        &self,
        action: &str,
        object: &mut Value,
        params: &Params,
        context: &mut Context<'_, '_>,
    ) -> Option<Effects>;
    fn follows(&self, action: &str) -> bool;
    fn deleted(&self, object: &mut Value, context: &mut Context<'_, '_>) -> Deletion;
}

/// The [`Dispatch`] of a [`Lifecycle`] type.
struct Typed<L>(PhantomData<fn() -> L>);

impl<L: Lifecycle> Dispatch for Typed<L> {
    fn resource(&self) -> &'static str {
        L::RESOURCE
    }

    fn created(
        &self,
        object: &mut Value,
        params: &Params,
        context: &mut Context<'_, '_>,
    ) -> Effects {
        L::created(object, params, context)
    }

    fn act(
        &self,
        action: &str,
        object: &mut Value,
        params: &Params,
        context: &mut Context<'_, '_>,
    ) -> Option<Effects> {
        Some(L::act(L::step(action)?, object, params, context))
    }

    fn follows(&self, action: &str) -> bool {
        L::step(action).is_some()
    }

    fn deleted(&self, object: &mut Value, context: &mut Context<'_, '_>) -> Deletion {
        L::deleted(object, context)
    }
}

/// Every lifecycle the fake follows.
static LIFECYCLES: &[&dyn Dispatch] = &[
    &Typed::<payment_intent::PaymentIntent>(PhantomData),
    &Typed::<payment_method::PaymentMethod>(PhantomData),
    &Typed::<terminal_reader::TerminalReader>(PhantomData),
    &Typed::<checkout_session::CheckoutSession>(PhantomData),
    &Typed::<subscription::Subscription>(PhantomData),
    &Typed::<account::Account>(PhantomData),
    &Typed::<account::AccountLink>(PhantomData),
    &Typed::<initial::Product>(PhantomData),
    &Typed::<initial::Price>(PhantomData),
    &Typed::<invoice::Invoice>(PhantomData),
    &Typed::<invoice::InvoiceItem>(PhantomData),
    &Typed::<money::Charge>(PhantomData),
    &Typed::<refund::Refund>(PhantomData),
    &Typed::<test_clock::TestClock>(PhantomData),
];

fn lifecycle_of(resource: &str) -> Option<&'static dyn Dispatch> {
    LIFECYCLES
        .iter()
        .find(|lifecycle| lifecycle.resource() == resource)
        .copied()
}

/// A new object's starting state, where a lifecycle governs its resource.
pub(crate) fn created(
    resource: &str,
    object: &mut Value,
    params: &Params,
    context: &mut Context<'_, '_>,
) -> Effects {
    lifecycle_of(resource).map_or_else(Effects::default, |lifecycle| {
        lifecycle.created(object, params, context)
    })
}

/// Whether a lifecycle follows `action` on objects of `resource`.
pub(crate) fn follows(resource: &str, action: &str) -> bool {
    lifecycle_of(resource).is_some_and(|lifecycle| lifecycle.follows(action))
}

/// A step on an existing object, or `None` when no lifecycle follows it (the fake then
/// answers the object as stored).
pub(crate) fn act(
    resource: &str,
    action: &str,
    object: &mut Value,
    params: &Params,
    context: &mut Context<'_, '_>,
) -> Option<Effects> {
    lifecycle_of(resource)?.act(action, object, params, context)
}

/// What a `DELETE` of an object of `resource` does.
pub(crate) fn deleted(
    resource: &str,
    object: &mut Value,
    context: &mut Context<'_, '_>,
) -> Deletion {
    lifecycle_of(resource).map_or(Deletion::Removed, |lifecycle| {
        lifecycle.deleted(object, context)
    })
}

pub(crate) fn text<'a>(object: &'a Value, name: &str) -> &'a str {
    object.get(name).and_then(Value::as_str).unwrap_or("")
}

pub(crate) fn set(object: &mut Value, name: &str, value: Value) {
    if let Value::Object(fields) = object {
        fields.insert(name.to_owned(), value);
    }
}

/// An integer field, 0 when absent.
pub(crate) fn number(object: &Value, name: &str) -> i64 {
    object.get(name).and_then(Value::as_i64).unwrap_or(0)
}

/// The id a field holds, whether as an id or as an expanded object.
pub(crate) fn id_of<'a>(object: &'a Value, name: &str) -> &'a str {
    match object.get(name) {
        Some(Value::String(id)) => id,
        Some(expanded) => text(expanded, "id"),
        None => "",
    }
}

/// A Stripe error envelope of `invalid_request_error` with a 400.
pub(crate) fn invalid_request(code: Option<&str>, message: &str, param: Option<&str>) -> Effects {
    Effects::refused(400, envelope("invalid_request_error", code, message, param))
}

/// Stripe's 400 for a payment step the object's status does not allow.
pub(crate) fn unexpected_state(message: String) -> (u16, Value) {
    (
        400,
        envelope(
            "invalid_request_error",
            Some("payment_intent_unexpected_state"),
            &message,
            None,
        ),
    )
}

/// Stripe's 404 for another object a step names that does not exist.
pub(crate) fn missing_object(resource: &str, id: &str, param: &str) -> Effects {
    Effects::refused(404, crate::store::missing(resource, id, param))
}

#[cfg(test)]
mod tests;
