//! The state machines the fake follows beyond storing params: payment intents as Stripe's
//! test cards drive them (`pm_card_visa` succeeds, `pm_card_chargeDeclined` is declined,
//! capture and cancel follow the status rules), and simulated Terminal readers
//! (`registration_code=simulated-wpe`) that process a payment intent until the test helper
//! presents a card or the action is canceled. Each step names the events it causes.
//!
//! They apply to objects created through the API; an object the fake made up for an unknown
//! id (`UnknownIds::Synthesize`) has no history to follow, so it is answered as it is.

use crate::error::envelope;
use crate::objects::Ids;
use serde_json::{Map, Value, json};

/// What a step did, besides changing the object it acted on.
#[derive(Default)]
pub(crate) struct Effects {
    /// Other objects it changed (a reader's payment intent), by id, to store.
    pub others: Vec<(String, Value)>,
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

/// A new object's starting state: a payment intent waits for a payment method or for
/// confirmation (and is confirmed at once with `confirm=true`); a reader registered with
/// `simulated-wpe` is a simulated WisePOS E, online and idle.
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
    )
}

/// A step on an existing object (`verb` is the last segment of the operation's path), or
/// `None` when this module has no rule for it (the fake then answers the object as stored).
/// `lookup` finds another stored object of the same account by id and kind.
pub(crate) fn act(
    resource: &str,
    verb: &str,
    object: &mut Value,
    params: &Map<String, Value>,
    now: i64,
    ids: &mut Ids,
    lookup: &dyn Fn(&str, &str) -> Option<Value>,
) -> Option<Effects> {
    match (resource, verb) {
        ("payment_intent", "confirm") => Some(confirm(object, params)),
        ("payment_intent", "capture") => Some(capture(object, params)),
        ("payment_intent", "cancel") => Some(cancel(object, params, now)),
        ("terminal.reader", "process_payment_intent") => {
            Some(process_payment_intent(object, params, lookup))
        }
        ("terminal.reader", "present_payment_method") => {
            Some(present_payment_method(object, params, ids, lookup))
        }
        ("terminal.reader", "cancel_action") => {
            set(object, "action", Value::Null);
            Some(Effects::default())
        }
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
}
