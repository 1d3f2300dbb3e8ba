//! Refunds, full and partial, through Stripe's three routes: `POST /v1/refunds` (naming a
//! `charge` or a `payment_intent`), `POST /v1/charges/{charge}/refunds`, and the older `POST
//! /v1/charges/{charge}/refund`. Each succeeds at once, adds to the charge's
//! `amount_refunded` (`refunded` once all of it is), makes the refund's balance transaction,
//! and records `charge.refunded`.

use super::money::{BALANCE_TRANSACTIONS, balance_transaction};
use super::{Context, Effects, Lifecycle, Params, id_of, invalid_request, number, set, text};
use serde_json::{Value, json};
use std::convert::Infallible;

/// Where new refunds are listed.
const REFUNDS: &str = "/v1/refunds";

/// Dollars and cents of an amount in cents, as Stripe's messages write them.
fn dollars(cents: i64) -> String {
    format!("${}.{:02}", cents / 100, cents.rem_euclid(100))
}

/// Refunds `refund`'s amount (the params' `amount`, else what is left) of `charge`: fills in
/// the refund, changes the charge, and returns the refund's balance transaction and the
/// `charge.refunded` event; a refusal when nothing or not that much is left to refund.
fn refund_into(
    charge: &mut Value,
    refund: &mut Value,
    params: &Params,
    context: &mut Context<'_, '_>,
) -> Effects {
    let charge_id = text(charge, "id").to_owned();
    let captured = number(charge, "amount_captured");
    let refunded = number(charge, "amount_refunded");
    let left = captured - refunded;
    if left <= 0 {
        return invalid_request(
            Some("charge_already_refunded"),
            &format!("Charge {charge_id} has already been refunded."),
            None,
        );
    }
    let amount = params.get("amount").and_then(Value::as_i64).unwrap_or(left);
    if amount > left {
        return invalid_request(
            Some("amount_too_large"),
            &format!(
                "Refund amount ({}) is greater than unrefunded amount on charge ({})",
                dollars(amount),
                dollars(left)
            ),
            Some("amount"),
        );
    }
    let currency = text(charge, "currency").to_owned();
    let refund_id = text(refund, "id").to_owned();
    let transaction =
        balance_transaction(context.builder, -amount, 0, &currency, "refund", &refund_id);
    for (name, value) in [
        ("amount", json!(amount)),
        ("currency", json!(currency)),
        ("charge", json!(charge_id)),
        (
            "payment_intent",
            charge.get("payment_intent").cloned().unwrap_or(Value::Null),
        ),
        ("status", json!("succeeded")),
        (
            "reason",
            params.get("reason").cloned().unwrap_or(Value::Null),
        ),
        (
            "balance_transaction",
            transaction.get("id").cloned().unwrap_or(Value::Null),
        ),
    ] {
        set(refund, name, value);
    }
    set(charge, "amount_refunded", json!(refunded + amount));
    set(charge, "refunded", json!(refunded + amount >= captured));
    let mut effects = Effects::default();
    effects.create("balance_transaction", BALANCE_TRANSACTIONS, &transaction);
    effects.record("charge", "charge.refunded", charge);
    effects
}

/// `POST /v1/charges/{charge}/refund`: refunds the charge (acted on, stored by the caller)
/// and makes its refund. Returns the refund, when one was made, and the effects.
pub(super) fn refund_charge(
    charge: &mut Value,
    params: &Params,
    context: &mut Context<'_, '_>,
) -> (Option<Value>, Effects) {
    let mut refund = context.builder.object(&json!({"$ref": "refund"}));
    set(
        &mut refund,
        "metadata",
        params.get("metadata").cloned().unwrap_or(json!({})),
    );
    let mut effects = refund_into(charge, &mut refund, params, context);
    if effects.refusal.is_some() {
        return (None, effects);
    }
    effects
        .created
        .insert(0, ("refund", REFUNDS, refund.clone()));
    (Some(refund), effects)
}

pub(crate) struct Refund;

impl Lifecycle for Refund {
    const RESOURCE: &'static str = "refund";
    type Step = Infallible;

    fn step(_action: &str) -> Option<Infallible> {
        None
    }

    /// A refund of the charge the params name (the path's `{charge}` is one), or of a
    /// payment intent's `latest_charge`.
    fn created(object: &mut Value, params: &Params, context: &mut Context<'_, '_>) -> Effects {
        let (charge_id, param) = match params.get("charge").and_then(Value::as_str) {
            Some(id) => (id.to_owned(), "charge"),
            None => {
                let intent_id = params
                    .get("payment_intent")
                    .and_then(Value::as_str)
                    .unwrap_or("");
                let Some(intent) = (context.lookup)(intent_id, "payment_intent") else {
                    return context.missing("payment_intent", intent_id, "payment_intent");
                };
                let charge = id_of(&intent, "latest_charge").to_owned();
                if charge.is_empty() {
                    return invalid_request(
                        Some("charge_not_refundable"),
                        &format!(
                            "This PaymentIntent ({intent_id}) does not have a successful charge to refund."
                        ),
                        Some("payment_intent"),
                    );
                }
                (charge, "payment_intent")
            }
        };
        let Some(mut charge) = (context.lookup)(&charge_id, "charge") else {
            return context.missing("charge", &charge_id, param);
        };
        let mut effects = refund_into(&mut charge, object, params, context);
        if effects.refusal.is_none() {
            effects.others.push((charge_id, charge));
        }
        effects
    }

    fn act(step: Infallible, _: &mut Value, _: &Params, _: &mut Context<'_, '_>) -> Effects {
        match step {}
    }
}
