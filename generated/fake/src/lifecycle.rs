//! The state machines the fake follows beyond storing params: payment intents as Stripe's
//! test cards drive them (`pm_card_visa` succeeds, `pm_card_chargeDeclined` is declined,
//! capture and cancel follow the status rules), and simulated Terminal readers
//! (`registration_code=simulated-wpe`) that process a payment intent until the test helper
//! presents a card or the action is canceled; and Checkout Sessions, open until they expire
//! or until our test helper completes them as if the customer had paid (Stripe has no such
//! endpoint: on Stripe only the customer completes a session). Each step names the events it
//! causes.
//!
//! They apply to objects created through the API; an object the fake made up for an unknown
//! id (`UnknownIds::Synthesize`) has no history to follow, so it is answered as it is.

use crate::error::envelope;
use crate::objects::{Builder, Ids};
use serde_json::{Map, Value, json};

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
    /// The error to answer instead of the object, when the step was refused or declined
    /// (what it changed is still stored, as a decline's `last_payment_error` is).
    pub refusal: Option<(u16, Value)>,
}

/// What a test card does when a payment is confirmed with it.
struct Decline {
    code: &'static str,
    decline_code: &'static str,
    message: &'static str,
}

/// The decline of a test payment method, or `None` when it succeeds (`pm_card_visa` and every
/// other one this table does not name).
fn decline_of_payment_method(payment_method: &str) -> Option<Decline> {
    let (code, decline_code, message) = match payment_method {
        "pm_card_chargeDeclined" | "pm_card_visa_chargeDeclined" => (
            "card_declined",
            "generic_decline",
            "Your card was declined.",
        ),
        "pm_card_chargeDeclinedInsufficientFunds"
        | "pm_card_visa_chargeDeclinedInsufficientFunds" => (
            "card_declined",
            "insufficient_funds",
            "Your card has insufficient funds.",
        ),
        "pm_card_chargeDeclinedLostCard" | "pm_card_visa_chargeDeclinedLostCard" => {
            ("card_declined", "lost_card", "Your card was declined.")
        }
        "pm_card_chargeDeclinedStolenCard" | "pm_card_visa_chargeDeclinedStolenCard" => {
            ("card_declined", "stolen_card", "Your card was declined.")
        }
        "pm_card_chargeDeclinedExpiredCard" => {
            ("expired_card", "expired_card", "Your card has expired.")
        }
        "pm_card_chargeDeclinedIncorrectCvc" => (
            "incorrect_cvc",
            "incorrect_cvc",
            "Your card's security code is incorrect.",
        ),
        "pm_card_chargeDeclinedProcessingError" => (
            "processing_error",
            "processing_error",
            "An error occurred while processing your card. Try again in a little bit.",
        ),
        _ => return None,
    };
    Some(Decline {
        code,
        decline_code,
        message,
    })
}

/// The decline of a card number presented to a simulated reader (Stripe's Terminal test
/// cards), or `None` when it is approved.
fn decline_of_card_number(number: &str) -> Option<Decline> {
    match number {
        "4000000000000002" => Some(Decline {
            code: "card_declined",
            decline_code: "generic_decline",
            message: "Your card was declined.",
        }),
        "4000000000009995" => Some(Decline {
            code: "card_declined",
            decline_code: "insufficient_funds",
            message: "Your card has insufficient funds.",
        }),
        _ => None,
    }
}

fn text<'a>(object: &'a Value, name: &str) -> &'a str {
    object.get(name).and_then(Value::as_str).unwrap_or("")
}

fn set(object: &mut Value, name: &str, value: Value) {
    if let Value::Object(fields) = object {
        fields.insert(name.to_owned(), value);
    }
}

/// Stripe's 400 for a step the object's status does not allow.
fn unexpected_state(message: String) -> (u16, Value) {
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

/// How long a Checkout Session stays open when `expires_at` does not say: 24 hours, as on
/// Stripe.
const SESSION_LIFETIME: i64 = 24 * 60 * 60;

/// A new object's starting state: a payment intent waits for a payment method or for
/// confirmation (and is confirmed at once with `confirm=true`); a reader registered with
/// `simulated-wpe` is a simulated WisePOS E, online and idle; a Checkout Session is open.
pub(crate) fn created(
    resource: &str,
    object: &mut Value,
    params: &Map<String, Value>,
    ids: &mut Ids,
) -> Effects {
    match resource {
        "payment_intent" => {
            let id = text(object, "id").to_owned();
            let secret = format!("{id}_secret_{}", ids.token(25));
            set(object, "client_secret", Value::String(secret));
            if !params.contains_key("capture_method") {
                set(object, "capture_method", json!("automatic"));
            }
            if !params.contains_key("confirmation_method") {
                set(object, "confirmation_method", json!("automatic"));
            }
            let has_method = params.get("payment_method").is_some_and(Value::is_string);
            let status = if has_method {
                "requires_confirmation"
            } else {
                "requires_payment_method"
            };
            set(object, "status", json!(status));
            set(object, "amount_received", json!(0));
            set(object, "amount_capturable", json!(0));
            set(object, "last_payment_error", Value::Null);
            set(object, "canceled_at", Value::Null);
            set(object, "cancellation_reason", Value::Null);
            if params.get("confirm").and_then(Value::as_bool) == Some(true) {
                return confirm(object, params);
            }
            Effects::default()
        }
        "terminal.reader" => {
            if params.get("registration_code").and_then(Value::as_str) == Some("simulated-wpe") {
                set(object, "device_type", json!("simulated_wisepos_e"));
                let serial = format!("SIMULATOR-{}", ids.token(10));
                set(object, "serial_number", Value::String(serial));
            }
            set(object, "status", json!("online"));
            set(object, "action", Value::Null);
            Effects::default()
        }
        "checkout.session" => {
            session_created(object, params);
            Effects::default()
        }
        _ => Effects::default(),
    }
}

/// Whether [`act`] has a rule for this step.
pub(crate) fn handles(resource: &str, verb: &str) -> bool {
    matches!(
        (resource, verb),
        ("payment_intent", "confirm" | "capture" | "cancel")
            | (
                "terminal.reader",
                "process_payment_intent" | "present_payment_method" | "cancel_action"
            )
            | ("checkout.session", "complete" | "expire")
    )
}

/// A step on an existing object (`verb` is the last segment of the operation's path), or
/// `None` when this module has no rule for it (the fake then answers the object as stored).
/// `builder` makes new objects (and gives the clock and ids); `lookup` finds another stored
/// object of the same account by id and kind.
pub(crate) fn act(
    resource: &str,
    verb: &str,
    object: &mut Value,
    params: &Map<String, Value>,
    builder: &mut Builder<'_>,
    lookup: &dyn Fn(&str, &str) -> Option<Value>,
) -> Option<Effects> {
    match (resource, verb) {
        ("payment_intent", "confirm") => Some(confirm(object, params)),
        ("payment_intent", "capture") => Some(capture(object, params)),
        ("payment_intent", "cancel") => Some(cancel(object, params, builder.now)),
        ("terminal.reader", "process_payment_intent") => {
            Some(process_payment_intent(object, params, lookup))
        }
        ("terminal.reader", "present_payment_method") => {
            Some(present_payment_method(object, params, builder.ids, lookup))
        }
        ("terminal.reader", "cancel_action") => {
            set(object, "action", Value::Null);
            Some(Effects::default())
        }
        ("checkout.session", "complete") => Some(complete_session(object, builder)),
        ("checkout.session", "expire") => Some(expire_session(object)),
        _ => None,
    }
}

/// The declined payment intent's error, as `last_payment_error` and in the 402's envelope.
fn card_error(decline: &Decline, payment_method: &str) -> Value {
    json!({
        "type": "card_error",
        "code": decline.code,
        "decline_code": decline.decline_code,
        "message": decline.message,
        "doc_url": format!("https://stripe.com/docs/error-codes/{}", decline.code.replace('_', "-")),
        "payment_method_type": "card",
        "param": if payment_method.is_empty() { Value::Null } else { json!("payment_method") },
    })
}

/// Records a decline on the intent: back to `requires_payment_method`, with the error.
fn decline_intent(intent: &mut Value, decline: &Decline, payment_method: &str) -> Value {
    let error = card_error(decline, payment_method);
    set(intent, "last_payment_error", error.clone());
    set(intent, "status", json!("requires_payment_method"));
    set(intent, "payment_method", Value::Null);
    error
}

/// Records an approval on the intent: `succeeded`, or `requires_capture` with
/// `capture_method=manual`; returns the event it causes.
fn approve_intent(intent: &mut Value, payment_method: &str) -> &'static str {
    let amount = intent.get("amount").cloned().unwrap_or(json!(0));
    set(intent, "payment_method", json!(payment_method));
    set(intent, "last_payment_error", Value::Null);
    if text(intent, "capture_method") == "manual" {
        set(intent, "status", json!("requires_capture"));
        set(intent, "amount_capturable", amount);
        "payment_intent.amount_capturable_updated"
    } else {
        set(intent, "status", json!("succeeded"));
        set(intent, "amount_received", amount);
        set(intent, "amount_capturable", json!(0));
        "payment_intent.succeeded"
    }
}

fn confirm(intent: &mut Value, params: &Map<String, Value>) -> Effects {
    let status = text(intent, "status").to_owned();
    if !matches!(
        status.as_str(),
        "requires_payment_method" | "requires_confirmation" | "requires_action"
    ) {
        return Effects {
            refusal: Some(unexpected_state(format!(
                "You cannot confirm this PaymentIntent because it has a status of {status}."
            ))),
            ..Effects::default()
        };
    }
    let payment_method = params
        .get("payment_method")
        .and_then(Value::as_str)
        .or_else(|| intent.get("payment_method").and_then(Value::as_str))
        .unwrap_or("")
        .to_owned();
    if payment_method.is_empty() {
        return Effects {
            refusal: Some(unexpected_state(
                "You cannot confirm this PaymentIntent because it's missing a payment method. \
                 Update the PaymentIntent with a payment method and then confirm it again."
                    .to_owned(),
            )),
            ..Effects::default()
        };
    }
    match decline_of_payment_method(&payment_method) {
        Some(decline) => {
            let mut error = decline_intent(intent, &decline, &payment_method);
            // Stripe's 402 carries the intent as it now is.
            set(&mut error, "payment_intent", intent.clone());
            Effects {
                events: vec![(
                    "payment_intent",
                    "payment_intent.payment_failed",
                    intent.clone(),
                )],
                refusal: Some((402, json!({ "error": error }))),
                ..Effects::default()
            }
        }
        None => {
            let event = approve_intent(intent, &payment_method);
            Effects {
                events: vec![("payment_intent", event, intent.clone())],
                ..Effects::default()
            }
        }
    }
}

fn capture(intent: &mut Value, params: &Map<String, Value>) -> Effects {
    let status = text(intent, "status").to_owned();
    if status != "requires_capture" {
        return Effects {
            refusal: Some(unexpected_state(format!(
                "This PaymentIntent could not be captured because it has a status of {status}. \
                 Only a PaymentIntent with one of the following statuses may be captured: \
                 requires_capture."
            ))),
            ..Effects::default()
        };
    }
    let capturable = intent
        .get("amount_capturable")
        .and_then(Value::as_i64)
        .unwrap_or(0);
    let amount = params
        .get("amount_to_capture")
        .and_then(Value::as_i64)
        .unwrap_or(capturable);
    if amount > capturable {
        return Effects {
            refusal: Some((
                400,
                envelope(
                    "invalid_request_error",
                    Some("amount_too_large"),
                    &format!(
                        "The amount to capture ({amount}) is more than the amount capturable ({capturable})."
                    ),
                    Some("amount_to_capture"),
                ),
            )),
            ..Effects::default()
        };
    }
    set(intent, "status", json!("succeeded"));
    set(intent, "amount_received", json!(amount));
    set(intent, "amount_capturable", json!(0));
    Effects {
        events: vec![("payment_intent", "payment_intent.succeeded", intent.clone())],
        ..Effects::default()
    }
}

fn cancel(intent: &mut Value, params: &Map<String, Value>, now: i64) -> Effects {
    let status = text(intent, "status").to_owned();
    if matches!(status.as_str(), "succeeded" | "canceled") {
        return Effects {
            refusal: Some(unexpected_state(format!(
                "You cannot cancel this PaymentIntent because it has a status of {status}. Only \
                 a PaymentIntent with one of the following statuses may be canceled: \
                 requires_payment_method, requires_capture, requires_confirmation, \
                 requires_action, processing."
            ))),
            ..Effects::default()
        };
    }
    set(intent, "status", json!("canceled"));
    set(intent, "canceled_at", json!(now));
    set(
        intent,
        "cancellation_reason",
        params
            .get("cancellation_reason")
            .cloned()
            .unwrap_or(Value::Null),
    );
    set(intent, "amount_capturable", json!(0));
    Effects {
        events: vec![("payment_intent", "payment_intent.canceled", intent.clone())],
        ..Effects::default()
    }
}

/// The reader's action while it is busy, if it is.
fn busy_with(reader: &Value) -> Option<&Value> {
    reader
        .get("action")
        .filter(|action| action.get("status").and_then(Value::as_str) == Some("in_progress"))
}

fn process_payment_intent(
    reader: &mut Value,
    params: &Map<String, Value>,
    lookup: &dyn Fn(&str, &str) -> Option<Value>,
) -> Effects {
    if busy_with(reader).is_some() {
        return Effects {
            refusal: Some((
                409,
                envelope(
                    "invalid_request_error",
                    Some("terminal_reader_busy"),
                    "Reader is currently busy processing another request. Please cancel the current action or wait for it to complete.",
                    None,
                ),
            )),
            ..Effects::default()
        };
    }
    let intent_id = params
        .get("payment_intent")
        .and_then(Value::as_str)
        .unwrap_or("");
    let Some(intent) = lookup(intent_id, "payment_intent") else {
        return Effects {
            refusal: Some((
                404,
                envelope(
                    "invalid_request_error",
                    Some("resource_missing"),
                    &format!("No such payment_intent: '{intent_id}'"),
                    Some("payment_intent"),
                ),
            )),
            ..Effects::default()
        };
    };
    let status = text(&intent, "status");
    if !matches!(status, "requires_payment_method" | "requires_confirmation") {
        return Effects {
            refusal: Some(unexpected_state(format!(
                "This PaymentIntent cannot be processed because it has a status of {status}."
            ))),
            ..Effects::default()
        };
    }
    set(
        reader,
        "action",
        json!({
            "type": "process_payment_intent",
            "status": "in_progress",
            "failure_code": null,
            "failure_message": null,
            "process_payment_intent": {"payment_intent": intent_id},
        }),
    );
    Effects::default()
}

fn present_payment_method(
    reader: &mut Value,
    params: &Map<String, Value>,
    ids: &mut Ids,
    lookup: &dyn Fn(&str, &str) -> Option<Value>,
) -> Effects {
    let intent_id = busy_with(reader)
        .filter(|action| {
            action.get("type").and_then(Value::as_str) == Some("process_payment_intent")
        })
        .and_then(|action| action.pointer("/process_payment_intent/payment_intent"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    let Some(intent_id) = intent_id else {
        return Effects {
            refusal: Some((
                400,
                envelope(
                    "invalid_request_error",
                    Some("terminal_reader_action_unexpected_state"),
                    "The reader has no payment to present a payment method to: call process_payment_intent first.",
                    None,
                ),
            )),
            ..Effects::default()
        };
    };
    let Some(mut intent) = lookup(&intent_id, "payment_intent") else {
        return Effects {
            refusal: Some((
                404,
                envelope(
                    "invalid_request_error",
                    Some("resource_missing"),
                    &format!("No such payment_intent: '{intent_id}'"),
                    Some("payment_intent"),
                ),
            )),
            ..Effects::default()
        };
    };
    let number = params
        .get("card_present")
        .and_then(|card| card.get("number"))
        .and_then(Value::as_str)
        .unwrap_or("4242424242424242");
    let payment_method = ids.id("pm");
    let mut effects = Effects::default();
    let action = match decline_of_card_number(number) {
        Some(decline) => {
            decline_intent(&mut intent, &decline, &payment_method);
            effects.events.push((
                "payment_intent",
                "payment_intent.payment_failed",
                intent.clone(),
            ));
            json!({"status": "failed", "failure_code": decline.code, "failure_message": decline.message})
        }
        None => {
            let event = approve_intent(&mut intent, &payment_method);
            effects
                .events
                .push(("payment_intent", event, intent.clone()));
            json!({"status": "succeeded", "failure_code": null, "failure_message": null})
        }
    };
    let succeeded = action.get("status").and_then(Value::as_str) == Some("succeeded");
    if let (Some(Value::Object(fields)), Value::Object(changes)) =
        (reader.get_mut("action"), action)
    {
        fields.extend(changes);
    }
    effects.others.push((intent_id, intent));
    let name = if succeeded {
        "terminal.reader.action_succeeded"
    } else {
        "terminal.reader.action_failed"
    };
    effects
        .events
        .push(("terminal.reader", name, reader.clone()));
    effects
}

/// A new Checkout Session: open on Stripe's hosted page (its `url`) until `expires_at` (24
/// hours unless the params say), and unpaid, or `no_payment_required` in setup mode. Its
/// amounts are derived only where the params give them: when every line item has
/// `price_data` with a `unit_amount` and a `quantity`, in one currency. Line items naming a
/// Price leave the amounts as built, since the fake does not price them.
fn session_created(session: &mut Value, params: &Map<String, Value>) {
    let id = text(session, "id").to_owned();
    let created = session.get("created").and_then(Value::as_i64).unwrap_or(0);
    set(session, "status", json!("open"));
    set(
        session,
        "url",
        Value::String(format!("https://checkout.stripe.com/c/pay/{id}")),
    );
    if !params.contains_key("expires_at") {
        set(
            session,
            "expires_at",
            json!(created.saturating_add(SESSION_LIFETIME)),
        );
    }
    let payment_status = if text(session, "mode") == "setup" {
        "no_payment_required"
    } else {
        "unpaid"
    };
    set(session, "payment_status", json!(payment_status));
    // Nothing is paid or set up yet, whatever a fixture's session names.
    for name in ["payment_intent", "setup_intent", "subscription", "invoice"] {
        set(session, name, Value::Null);
    }
    if let Some((total, currency)) = line_items_total(params) {
        set(session, "amount_subtotal", json!(total));
        set(session, "amount_total", json!(total));
        set(session, "currency", Value::String(currency));
        set(
            session,
            "total_details",
            json!({"amount_discount": 0, "amount_shipping": 0, "amount_tax": 0}),
        );
    }
}

/// The sum of the line items' `unit_amount * quantity` and their currency, or `None` when a
/// line item lacks either (it names a Price, or a decimal amount) or the currencies differ.
fn line_items_total(params: &Map<String, Value>) -> Option<(i64, String)> {
    let items = params.get("line_items")?.as_array()?;
    let mut total: i64 = 0;
    let mut currency: Option<String> = None;
    for item in items {
        let price = item.get("price_data")?;
        let unit_amount = price.get("unit_amount")?.as_i64()?;
        let quantity = item.get("quantity")?.as_i64()?;
        let this = price.get("currency")?.as_str()?.to_ascii_lowercase();
        if currency.get_or_insert_with(|| this.clone()) != &this {
            return None;
        }
        total = total.checked_add(unit_amount.checked_mul(quantity)?)?;
    }
    Some((total, currency?))
}

/// Stripe's 400 for a step a Checkout Session's status does not allow. Stripe documents no
/// error code for it, so none is sent.
fn session_not_open(session: &Value, step: &str) -> Effects {
    let status = text(session, "status");
    Effects {
        refusal: Some((
            400,
            envelope(
                "invalid_request_error",
                None,
                &format!(
                    "You can only {step} a Checkout Session while its status is open; this one's \
                     status is {status}."
                ),
                None,
            ),
        )),
        ..Effects::default()
    }
}

/// Our test helper: the customer paid (or, in setup mode, set up) on the hosted page. The
/// session is `complete`, and `paid` in payment and subscription mode; in payment mode a
/// succeeded payment intent for its amount is made and named by `payment_intent`, when the
/// fake routes payment intents and the session's amount is known. No subscription, invoice or
/// setup intent is made.
fn complete_session(session: &mut Value, builder: &mut Builder<'_>) -> Effects {
    if text(session, "status") != "open" {
        return session_not_open(session, "complete");
    }
    set(session, "status", json!("complete"));
    // Stripe answers the hosted page's URL only while the session is open.
    set(session, "url", Value::Null);
    let mode = text(session, "mode").to_owned();
    if matches!(mode.as_str(), "payment" | "subscription") {
        set(session, "payment_status", json!("paid"));
    }
    let mut effects = Effects::default();
    if mode == "payment"
        && let Some((collection, intent)) = paid_intent(session, builder)
    {
        set(
            session,
            "payment_intent",
            intent.get("id").cloned().unwrap_or(Value::Null),
        );
        effects
            .created
            .push(("payment_intent", collection, intent.clone()));
        effects
            .events
            .push(("payment_intent", "payment_intent.succeeded", intent));
    }
    effects.events.push((
        "checkout.session",
        "checkout.session.completed",
        session.clone(),
    ));
    effects
}

/// The payment intent a session's payment made, succeeded, with the collection it is listed
/// in; `None` when no enabled family creates payment intents or the session's amount or
/// currency is unknown (a payment intent with a made-up amount would mislead).
fn paid_intent(session: &Value, builder: &mut Builder<'_>) -> Option<(&'static str, Value)> {
    let collection = builder.table.create_path("payment_intent")?;
    let amount = session.get("amount_total")?.as_i64()?;
    let currency = session.get("currency")?.as_str()?.to_owned();
    let mut intent = builder.object(&json!({"$ref": "payment_intent"}));
    let id = text(&intent, "id").to_owned();
    let secret = format!("{id}_secret_{}", builder.ids.token(25));
    let payment_method = builder.ids.id("pm");
    for (name, value) in [
        ("amount", json!(amount)),
        ("amount_received", json!(amount)),
        ("amount_capturable", json!(0)),
        ("currency", Value::String(currency)),
        ("status", json!("succeeded")),
        ("capture_method", json!("automatic")),
        ("confirmation_method", json!("automatic")),
        ("client_secret", Value::String(secret)),
        ("payment_method", Value::String(payment_method)),
        ("payment_method_types", json!(["card"])),
        (
            "customer",
            session.get("customer").cloned().unwrap_or(Value::Null),
        ),
        ("last_payment_error", Value::Null),
        ("canceled_at", Value::Null),
        ("cancellation_reason", Value::Null),
    ] {
        set(&mut intent, name, value);
    }
    Some((collection, intent))
}

/// `POST /v1/checkout/sessions/{session}/expire`: an open session expires at once.
fn expire_session(session: &mut Value) -> Effects {
    if text(session, "status") != "open" {
        return session_not_open(session, "expire");
    }
    set(session, "status", json!("expired"));
    set(session, "url", Value::Null);
    Effects {
        events: vec![(
            "checkout.session",
            "checkout.session.expired",
            session.clone(),
        )],
        ..Effects::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn intent(capture_method: &str) -> Value {
        let mut intent = json!({"id": "pi_1", "object": "payment_intent", "amount": 2000});
        let params = json!({"capture_method": capture_method});
        let params = params.as_object().cloned().unwrap_or_default();
        created("payment_intent", &mut intent, &params, &mut Ids::new(0));
        set(&mut intent, "capture_method", json!(capture_method));
        intent
    }

    fn params(value: Value) -> Map<String, Value> {
        value.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn a_visa_succeeds_and_cannot_then_be_canceled() {
        let mut intent = intent("automatic");
        assert_eq!(intent["status"], "requires_payment_method");
        let effects = confirm(
            &mut intent,
            &params(json!({"payment_method": "pm_card_visa"})),
        );
        assert!(effects.refusal.is_none());
        assert_eq!(intent["status"], "succeeded");
        assert_eq!(intent["amount_received"], 2000);
        assert_eq!(effects.events[0].1, "payment_intent.succeeded");
        let refused = cancel(&mut intent, &Map::new(), 0);
        assert_eq!(refused.refusal.map(|(status, _)| status), Some(400));
    }

    #[test]
    fn manual_capture_waits_for_the_capture() {
        let mut intent = intent("manual");
        confirm(
            &mut intent,
            &params(json!({"payment_method": "pm_card_visa"})),
        );
        assert_eq!(intent["status"], "requires_capture");
        assert_eq!(intent["amount_capturable"], 2000);
        let too_much = capture(&mut intent, &params(json!({"amount_to_capture": 5000})));
        assert!(too_much.refusal.is_some());
        let captured = capture(&mut intent, &params(json!({"amount_to_capture": 1500})));
        assert!(captured.refusal.is_none());
        assert_eq!(intent["amount_received"], 1500);
        assert_eq!(intent["status"], "succeeded");
    }

    #[test]
    fn a_declined_card_is_a_402_card_error() {
        let mut intent = intent("automatic");
        let effects = confirm(
            &mut intent,
            &params(json!({"payment_method": "pm_card_chargeDeclined"})),
        );
        let (status, body) = effects.refusal.unwrap_or_default();
        assert_eq!(status, 402);
        assert_eq!(body["error"]["type"], "card_error");
        assert_eq!(body["error"]["decline_code"], "generic_decline");
        assert_eq!(body["error"]["payment_intent"]["id"], "pi_1");
        assert_eq!(intent["status"], "requires_payment_method");
        assert_eq!(
            intent["last_payment_error"]["decline_code"],
            "generic_decline"
        );
        assert_eq!(effects.events[0].1, "payment_intent.payment_failed");
    }

    /// A session as the engine makes one: the builder's fields, the params, then `created`.
    fn new_session(params: &Map<String, Value>) -> Value {
        let mut session = json!({
            "id": "cs_test_1", "object": "checkout.session", "created": 1_700_000_000,
            "mode": params.get("mode").cloned().unwrap_or(json!("payment")),
            "payment_status": "no_payment_required",
        });
        created("checkout.session", &mut session, params, &mut Ids::new(0));
        session
    }

    fn shop_params() -> Map<String, Value> {
        params(json!({
            "mode": "payment",
            "success_url": "https://example.com/thanks",
            "line_items": [
                {"price_data": {"currency": "usd", "unit_amount": 1500,
                                "product_data": {"name": "Mug"}}, "quantity": 2},
                {"price_data": {"currency": "usd", "unit_amount": 500,
                                "product_data": {"name": "Card"}}, "quantity": 1},
            ],
        }))
    }

    #[test]
    fn a_session_opens_for_a_day_with_its_amounts() {
        let session = new_session(&shop_params());
        assert_eq!(session["status"], "open");
        assert_eq!(session["payment_status"], "unpaid");
        assert_eq!(
            session["url"],
            "https://checkout.stripe.com/c/pay/cs_test_1"
        );
        assert_eq!(session["expires_at"], 1_700_000_000 + 86_400);
        assert_eq!(session["amount_total"], 3500);
        assert_eq!(session["amount_subtotal"], 3500);
        assert_eq!(session["currency"], "usd");
        assert_eq!(session["payment_intent"], Value::Null);

        // A Price id: the amount is not derived.
        let priced = new_session(&params(json!({
            "mode": "payment",
            "line_items": [{"price": "price_1", "quantity": 1}],
        })));
        assert!(priced.get("amount_total").is_none());
        let setup = new_session(&params(json!({"mode": "setup"})));
        assert_eq!(setup["payment_status"], "no_payment_required");
    }

    #[test]
    fn mixed_currencies_or_a_missing_quantity_give_no_amount() {
        let mixed = params(json!({"line_items": [
            {"price_data": {"currency": "usd", "unit_amount": 1}, "quantity": 1},
            {"price_data": {"currency": "eur", "unit_amount": 1}, "quantity": 1},
        ]}));
        assert_eq!(line_items_total(&mixed), None);
        let no_quantity = params(json!({"line_items": [
            {"price_data": {"currency": "usd", "unit_amount": 1}},
        ]}));
        assert_eq!(line_items_total(&no_quantity), None);
    }

    const PAYMENT_INTENTS: &[crate::table::OperationDef] = &[crate::table::OperationDef {
        id: "PostPaymentIntents",
        method: "POST",
        path: "/v1/payment_intents",
        body: crate::table::BodyKind::Form,
        action: crate::table::Action::Create,
        resource: "payment_intent",
        params: "",
        response: r#"{"$ref":"payment_intent"}"#,
        binary: "",
    }];
    const SCHEMAS: &[(&str, &str)] = &[(
        "payment_intent",
        r#"{"type":"object","required":["id","object","amount","created","livemode"],"properties":{"id":{"type":"string"},"object":{"type":"string","enum":["payment_intent"]},"amount":{"type":"integer"},"created":{"type":"integer","format":"unix-time"},"livemode":{"type":"boolean"}}}"#,
    )];

    #[test]
    fn completing_pays_once_with_a_payment_intent_where_one_is_routed() {
        let table = crate::table::Table::new(&[PAYMENT_INTENTS], SCHEMAS);
        let mut ids = Ids::new(1);
        let mut builder = Builder {
            table: &table,
            fixtures: None,
            ids: &mut ids,
            now: 1_700_000_060,
        };
        let mut session = new_session(&shop_params());
        let effects = complete_session(&mut session, &mut builder);
        assert!(effects.refusal.is_none());
        assert_eq!(session["status"], "complete");
        assert_eq!(session["payment_status"], "paid");
        assert_eq!(session["url"], Value::Null);
        let (kind, collection, intent) = &effects.created[0];
        assert_eq!(
            (*kind, *collection),
            ("payment_intent", "/v1/payment_intents")
        );
        assert_eq!(intent["status"], "succeeded");
        assert_eq!(intent["amount"], 3500);
        assert_eq!(intent["amount_received"], 3500);
        assert_eq!(session["payment_intent"], intent["id"]);
        let names: Vec<&str> = effects.events.iter().map(|event| event.1).collect();
        assert_eq!(
            names,
            ["payment_intent.succeeded", "checkout.session.completed"]
        );

        let again = complete_session(&mut session, &mut builder);
        let (status, body) = again.refusal.unwrap_or_default();
        assert_eq!(status, 400);
        assert_eq!(body["error"]["type"], "invalid_request_error");
        assert!(again.events.is_empty());
        assert!(expire_session(&mut session).refusal.is_some());
    }

    #[test]
    fn without_payment_intents_a_session_completes_without_one() {
        let table = crate::table::Table::new(&[], &[]);
        let mut ids = Ids::new(1);
        let mut builder = Builder {
            table: &table,
            fixtures: None,
            ids: &mut ids,
            now: 0,
        };
        let mut session = new_session(&shop_params());
        let effects = complete_session(&mut session, &mut builder);
        assert!(effects.created.is_empty());
        assert_eq!(session["payment_intent"], Value::Null);
        assert_eq!(session["payment_status"], "paid");
    }

    #[test]
    fn an_open_session_expires_once() {
        let mut session = new_session(&shop_params());
        let effects = expire_session(&mut session);
        assert_eq!(session["status"], "expired");
        assert_eq!(effects.events[0].1, "checkout.session.expired");
        assert_eq!(
            expire_session(&mut session)
                .refusal
                .map(|(status, _)| status),
            Some(400)
        );
    }
}
