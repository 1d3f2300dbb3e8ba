//! Simulated Terminal readers (`registration_code=simulated-wpe`): a reader processes a
//! payment intent until the test helper presents a card or the action is canceled.

use super::cards::{approve_intent, decline_intent, decline_of_card_number};
use super::money::{charge_intent, failed_charge};
use super::{Context, Effects, Lifecycle, Params, missing_object, set, text, unexpected_state};
use crate::error::envelope;
use serde_json::{Value, json};

pub(crate) struct TerminalReader;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    ProcessPaymentIntent,
    PresentPaymentMethod,
    CancelAction,
}

impl Lifecycle for TerminalReader {
    const RESOURCE: &'static str = "terminal.reader";
    type Step = Step;

    fn step(action: &str) -> Option<Step> {
        match action {
            "process_payment_intent" => Some(Step::ProcessPaymentIntent),
            "present_payment_method" => Some(Step::PresentPaymentMethod),
            "cancel_action" => Some(Step::CancelAction),
            _ => None,
        }
    }

    /// A reader registered with `simulated-wpe` is a simulated WisePOS E; every new reader is
    /// online and idle.
    fn created(object: &mut Value, params: &Params, context: &mut Context<'_, '_>) -> Effects {
        if params.get("registration_code").and_then(Value::as_str) == Some("simulated-wpe") {
            set(object, "device_type", json!("simulated_wisepos_e"));
            let serial = format!("SIMULATOR-{}", context.builder.ids.token(10));
            set(object, "serial_number", Value::String(serial));
        }
        set(object, "status", json!("online"));
        set(object, "action", Value::Null);
        Effects::default()
    }

    fn act(
        step: Step,
        object: &mut Value,
        params: &Params,
        context: &mut Context<'_, '_>,
    ) -> Effects {
        match step {
            Step::ProcessPaymentIntent => process_payment_intent(object, params, context.lookup),
            Step::PresentPaymentMethod => present_payment_method(object, params, context),
            Step::CancelAction => {
                set(object, "action", Value::Null);
                Effects::default()
            }
        }
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
    params: &Params,
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
        return missing_object("payment_intent", intent_id, "payment_intent");
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
    params: &Params,
    context: &mut Context<'_, '_>,
) -> Effects {
    let lookup = context.lookup;
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
        return missing_object("payment_intent", &intent_id, "payment_intent");
    };
    let number = params
        .get("card_present")
        .and_then(|card| card.get("number"))
        .and_then(Value::as_str)
        .unwrap_or("4242424242424242");
    let payment_method = context.builder.ids.id(&crate::objects::id_prefix(
        context.builder.table.id_prefixes,
        "payment_method",
    ));
    let mut effects = Effects::default();
    let action = match decline_of_card_number(number) {
        Some(decline) => {
            decline_intent(&mut intent, &decline, &payment_method);
            effects.merge(failed_charge(
                &mut intent,
                &decline,
                &payment_method,
                context,
            ));
            effects.events.push((
                "payment_intent",
                "payment_intent.payment_failed",
                intent.clone(),
            ));
            json!({"status": "failed", "failure_code": decline.code, "failure_message": decline.message})
        }
        None => {
            let event = approve_intent(&mut intent, &payment_method);
            effects.merge(charge_intent(&mut intent, context));
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
