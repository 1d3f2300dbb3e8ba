//! Payment intents, as Stripe's test payment methods drive them: `pm_card_visa` succeeds,
//! `pm_card_chargeDeclined` is declined, capture and cancel follow the status rules.

use super::cards::{
    approve_intent, decline_intent, decline_of, is_test_payment_method, payment_method_from_token,
};
use super::money::{capture_intent_charge, charge_intent, failed_charge_of, refuse_destination};
use super::{Context, Effects, Lifecycle, Params, set, text, unexpected_state};
use crate::error::envelope;
use serde_json::{Value, json};

pub(crate) struct PaymentIntent;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    Confirm,
    Capture,
    Cancel,
}

impl Lifecycle for PaymentIntent {
    const RESOURCE: &'static str = "payment_intent";
    type Step = Step;

    fn step(action: &str) -> Option<Step> {
        match action {
            "confirm" => Some(Step::Confirm),
            "capture" => Some(Step::Capture),
            "cancel" => Some(Step::Cancel),
            _ => None,
        }
    }

    /// A new payment intent waits for a payment method or for confirmation, and is confirmed
    /// at once with `confirm=true`.
    fn created(object: &mut Value, params: &Params, context: &mut Context<'_, '_>) -> Effects {
        if let Some(refusal) = refuse_destination(params, context) {
            return refusal;
        }
        let id = text(object, "id").to_owned();
        let secret = format!("{id}_secret_{}", context.builder.ids.token(25));
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
            return confirm_made(object, params, context);
        }
        Effects::default()
    }

    fn act(
        step: Step,
        object: &mut Value,
        params: &Params,
        context: &mut Context<'_, '_>,
    ) -> Effects {
        match step {
            Step::Confirm => confirm_made(object, params, context),
            Step::Capture => {
                let captured = capture(object, params);
                if captured.refusal.is_some() {
                    return captured;
                }
                // The charge's capture comes first, as Stripe sends it.
                let mut effects = capture_intent_charge(object, context);
                effects.merge(captured);
                effects
            }
            Step::Cancel => cancel(object, params, context.builder.now),
        }
    }
}

/// [`confirm`], with a test payment method in the params (`pm_card_visa`) first made into a
/// new `pm_...`, as Stripe makes one of each use, stored beside the intent (where the fake
/// routes payment methods); an approved payment makes its charge.
fn confirm_made(intent: &mut Value, params: &Params, context: &mut Context<'_, '_>) -> Effects {
    let mut effects = confirm_with_token(intent, params, context);
    if let Some((402, body)) = &mut effects.refusal {
        // A decline leaves its failed charge, named by the intent in the 402 too.
        let error = &body["error"];
        let decline = (
            error["code"].as_str().unwrap_or("").to_owned(),
            error["decline_code"].as_str().unwrap_or("").to_owned(),
            error["message"].as_str().unwrap_or("").to_owned(),
        );
        let method = params
            .get("payment_method")
            .and_then(Value::as_str)
            .unwrap_or("");
        let failed = failed_charge_of(
            intent,
            (&decline.0, &decline.1, &decline.2),
            method,
            context,
        );
        if let Some(error) = body.get_mut("error") {
            set(error, "payment_intent", intent.clone());
            set(
                error,
                "charge",
                intent.get("latest_charge").cloned().unwrap_or(Value::Null),
            );
        }
        for (resource, _, object) in &mut effects.events {
            if *resource == "payment_intent" {
                *object = intent.clone();
            }
        }
        let intent_events = std::mem::take(&mut effects.events);
        effects.merge(failed);
        effects.events.extend(intent_events);
        return effects;
    }
    if effects.refusal.is_none() && approved(intent) {
        let charged = charge_intent(intent, context);
        // The charge's events come first, as Stripe sends them, and the intent's carry it as
        // it ends, with its `latest_charge`.
        let mut intent_events = std::mem::take(&mut effects.events);
        for (resource, _, object) in &mut intent_events {
            if *resource == "payment_intent" {
                *object = intent.clone();
            }
        }
        effects.merge(charged);
        effects.events.extend(intent_events);
    }
    effects
}

/// Whether an intent's payment was approved: succeeded, or authorized and waiting for its
/// capture.
pub(super) fn approved(intent: &Value) -> bool {
    matches!(text(intent, "status"), "succeeded" | "requires_capture")
}

fn confirm_with_token(
    intent: &mut Value,
    params: &Params,
    context: &mut Context<'_, '_>,
) -> Effects {
    let token = params
        .get("payment_method")
        .and_then(Value::as_str)
        .filter(|id| is_test_payment_method(id));
    let collection = context.builder.table.create_path("payment_method");
    let (Some(token), Some(collection)) = (token, collection) else {
        return confirm(intent, params, context.lookup);
    };
    let blank = context.builder.object(&json!({"$ref": "payment_method"}));
    let made = payment_method_from_token(blank, token, context.builder.now);
    let id = text(&made, "id").to_owned();
    let mut params = params.clone();
    params.insert("payment_method".to_owned(), Value::String(id.clone()));
    let outer = context.lookup;
    let lookup = |other: &str, kind: &str| {
        if other == id && kind == "payment_method" {
            Some(made.clone())
        } else {
            outer(other, kind)
        }
    };
    let mut effects = confirm(intent, &params, &lookup);
    effects
        .created
        .insert(0, ("payment_method", collection, made.clone()));
    effects
}

pub(super) fn confirm(
    intent: &mut Value,
    params: &Params,
    lookup: &dyn Fn(&str, &str) -> Option<Value>,
) -> Effects {
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
    let stored = lookup(&payment_method, "payment_method");
    match decline_of(&payment_method, stored.as_ref()) {
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

pub(super) fn capture(intent: &mut Value, params: &Params) -> Effects {
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

pub(super) fn cancel(intent: &mut Value, params: &Params, now: i64) -> Effects {
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
