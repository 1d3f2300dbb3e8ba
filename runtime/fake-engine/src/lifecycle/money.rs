//! Money moves: every succeeded payment makes its Charge (named by the payment intent's
//! `latest_charge`), and every captured charge its BalanceTransaction, with Stripe's US card
//! price as the fee (2.9% + 30¢) and the net, `pending` until two days have passed on the
//! fake's clock and `available` after. `GET /v1/balance` sums them. A destination charge
//! (`transfer_data`, `application_fee_amount`) also makes its Transfer to the connected
//! account and its ApplicationFee. The Charge lifecycle follows `POST /v1/charges` (with a
//! test token or payment method) and its `capture` and `refund` actions.

use super::cards::Decline;
use super::refund::refund_charge;
use super::{Context, Effects, Lifecycle, Params, id_of, invalid_request, number, set, text};
use crate::error::envelope;
use crate::objects::Builder;
use serde_json::{Map, Value, json};

/// Where new charges are listed.
pub(crate) const CHARGES: &str = "/v1/charges";
/// Where new balance transactions are listed.
pub(crate) const BALANCE_TRANSACTIONS: &str = "/v1/balance_transactions";
const TRANSFERS: &str = "/v1/transfers";
const APPLICATION_FEES: &str = "/v1/application_fees";

/// How long a charge's funds stay pending: two days, Stripe's standard US payout schedule.
const PENDING_SECONDS: i64 = 2 * 86_400;

/// Stripe's fee for a US card payment: 2.9% (rounded to the nearest cent) plus 30¢.
pub(crate) fn stripe_fee(amount: i64) -> i64 {
    amount.saturating_mul(29).saturating_add(500) / 1000 + 30
}

/// A new balance transaction of `kind` (`charge`, `refund`, `transfer`) for `source`; a
/// charge's is pending until two days on, the others are available at once.
pub(super) fn balance_transaction(
    builder: &mut Builder<'_>,
    amount: i64,
    fee: i64,
    currency: &str,
    kind: &str,
    source: &str,
) -> Value {
    let now = builder.now;
    let mut transaction = builder.object(&json!({"$ref": "balance_transaction"}));
    let pending = kind == "charge";
    let fee_details = if fee == 0 {
        json!([])
    } else {
        json!([{
            "amount": fee, "application": null, "currency": currency,
            "description": "Stripe processing fees", "type": "stripe_fee",
        }])
    };
    for (name, value) in [
        ("amount", json!(amount)),
        ("fee", json!(fee)),
        ("net", json!(amount - fee)),
        ("currency", json!(currency)),
        ("type", json!(kind)),
        ("reporting_category", json!(kind)),
        ("source", json!(source)),
        ("fee_details", fee_details),
        ("exchange_rate", Value::Null),
        (
            "status",
            json!(if pending { "pending" } else { "available" }),
        ),
        (
            "available_on",
            json!(if pending { now + PENDING_SECONDS } else { now }),
        ),
    ] {
        set(&mut transaction, name, value);
    }
    transaction
}

/// A new charge of `amount` for the intent's payment with `payment_method`, approved (the
/// caller changes what a decline changes); `None` when the fake has no charge schema.
fn charge_of(
    intent: &Value,
    amount: i64,
    payment_method: &str,
    context: &mut Context<'_, '_>,
) -> Option<Value> {
    let mut charge = context.builder.object(&json!({"$ref": "charge"}));
    if text(&charge, "id").is_empty() {
        return None;
    }
    let copied = |name: &str| intent.get(name).cloned().unwrap_or(Value::Null);
    for (name, value) in [
        ("amount", json!(amount)),
        ("amount_captured", json!(0)),
        ("amount_refunded", json!(0)),
        ("captured", json!(false)),
        ("paid", json!(true)),
        ("refunded", json!(false)),
        ("status", json!("succeeded")),
        (
            "currency",
            intent.get("currency").cloned().unwrap_or(json!("usd")),
        ),
        ("customer", copied("customer")),
        ("description", copied("description")),
        ("invoice", copied("invoice")),
        (
            "metadata",
            intent.get("metadata").cloned().unwrap_or(json!({})),
        ),
        ("payment_intent", copied("id")),
        ("payment_method", json!(payment_method)),
        ("balance_transaction", Value::Null),
        ("application_fee_amount", copied("application_fee_amount")),
        ("transfer_data", copied("transfer_data")),
        ("on_behalf_of", copied("on_behalf_of")),
        ("failure_code", Value::Null),
        ("failure_message", Value::Null),
        (
            "outcome",
            json!({
                "network_status": "approved_by_network", "reason": null, "risk_level": "normal",
                "risk_score": 20, "seller_message": "Payment complete.", "type": "authorized",
            }),
        ),
    ] {
        set(&mut charge, name, value);
    }
    Some(charge)
}

/// The failed charge a declined payment leaves, as Stripe keeps one (`status: failed`, the
/// decline's code and message, `charge.failed`), named by the intent's `latest_charge`.
pub(super) fn failed_charge(
    intent: &mut Value,
    decline: &Decline,
    payment_method: &str,
    context: &mut Context<'_, '_>,
) -> Effects {
    failed_charge_of(
        intent,
        (decline.code, decline.decline_code, decline.message),
        payment_method,
        context,
    )
}

/// [`failed_charge`] from a decline's code, decline code and message, as a 402's card error
/// carries them.
pub(super) fn failed_charge_of(
    intent: &mut Value,
    (code, decline_code, message): (&str, &str, &str),
    payment_method: &str,
    context: &mut Context<'_, '_>,
) -> Effects {
    let amount = number(intent, "amount");
    let Some(mut charge) = charge_of(intent, amount, payment_method, context) else {
        return Effects::default();
    };
    for (name, value) in [
        ("paid", json!(false)),
        ("status", json!("failed")),
        ("failure_code", json!(code)),
        ("failure_message", json!(message)),
        (
            "outcome",
            json!({
                "network_status": "declined_by_network", "reason": decline_code,
                "risk_level": "normal", "risk_score": 20, "type": "issuer_declined",
                "seller_message": "The bank did not return any further details with this decline.",
            }),
        ),
    ] {
        set(&mut charge, name, value);
    }
    set(
        intent,
        "latest_charge",
        charge.get("id").cloned().unwrap_or(Value::Null),
    );
    let mut effects = Effects::default();
    effects.create("charge", CHARGES, &charge);
    effects.record("charge", "charge.failed", &charge);
    effects
}

/// The charge a payment intent's succeeded (or authorized, with `capture_method=manual`)
/// payment makes, named by its `latest_charge`; captured at once unless the intent waits for
/// its capture. Returns the charge's objects and events.
pub(super) fn charge_intent(intent: &mut Value, context: &mut Context<'_, '_>) -> Effects {
    let captured = text(intent, "status") == "succeeded";
    let amount = if captured {
        number(intent, "amount_received")
    } else {
        number(intent, "amount_capturable")
    };
    let payment_method = id_of(intent, "payment_method").to_owned();
    let Some(mut charge) = charge_of(intent, amount, &payment_method, context) else {
        return Effects::default();
    };
    set(
        intent,
        "latest_charge",
        charge.get("id").cloned().unwrap_or(Value::Null),
    );
    let mut effects = Effects::default();
    if captured {
        effects.merge(capture(&mut charge, amount, context));
    }
    effects
        .created
        .insert(0, ("charge", CHARGES, charge.clone()));
    effects.record("charge", "charge.succeeded", &charge);
    effects
}

/// Captures `amount` of an authorized charge: its balance transaction, and for a
/// destination charge its transfer and application fee.
fn capture(charge: &mut Value, amount: i64, context: &mut Context<'_, '_>) -> Effects {
    let id = text(charge, "id").to_owned();
    let currency = text(charge, "currency").to_owned();
    set(charge, "captured", json!(true));
    set(charge, "amount_captured", json!(amount));
    let builder = &mut *context.builder;
    let transaction = balance_transaction(
        builder,
        amount,
        stripe_fee(amount),
        &currency,
        "charge",
        &id,
    );
    set(
        charge,
        "balance_transaction",
        transaction.get("id").cloned().unwrap_or(Value::Null),
    );
    let mut effects = Effects::default();
    effects.create("balance_transaction", BALANCE_TRANSACTIONS, &transaction);
    let destination = charge
        .pointer("/transfer_data/destination")
        .map(|_| id_of(&charge["transfer_data"], "destination").to_owned());
    if let Some(destination) = destination.filter(|destination| !destination.is_empty()) {
        let fee_amount = number(charge, "application_fee_amount").min(amount);
        effects.merge(destination_payment(
            charge,
            amount,
            fee_amount,
            &destination,
            builder,
        ));
    }
    effects
}

/// A destination charge's Transfer of the amount less the application fee to the connected
/// account (with the platform's balance transaction for it), and its ApplicationFee.
fn destination_payment(
    charge: &mut Value,
    amount: i64,
    fee_amount: i64,
    destination: &str,
    builder: &mut Builder<'_>,
) -> Effects {
    let charge_id = text(charge, "id").to_owned();
    let currency = text(charge, "currency").to_owned();
    let transferred = amount - fee_amount;
    let mut effects = Effects::default();
    let mut transfer = builder.object(&json!({"$ref": "transfer"}));
    let transfer_id = text(&transfer, "id").to_owned();
    let debit = balance_transaction(
        builder,
        -transferred,
        0,
        &currency,
        "transfer",
        &transfer_id,
    );
    let payment = connected_payment(
        builder,
        &mut effects,
        destination,
        (&transfer_id, transferred, &currency),
    );
    for (name, value) in [
        ("amount", json!(transferred)),
        ("amount_reversed", json!(0)),
        ("currency", json!(currency)),
        ("destination", json!(destination)),
        ("destination_payment", json!(payment)),
        ("source_transaction", json!(charge_id)),
        (
            "balance_transaction",
            debit.get("id").cloned().unwrap_or(Value::Null),
        ),
        ("reversed", json!(false)),
    ] {
        set(&mut transfer, name, value);
    }
    set_list_url(
        &mut transfer,
        "reversals",
        &format!("/v1/transfers/{transfer_id}/reversals"),
    );
    set(charge, "transfer", json!(transfer_id));
    effects.create("balance_transaction", BALANCE_TRANSACTIONS, &debit);
    effects.create("transfer", TRANSFERS, &transfer);
    if fee_amount > 0 {
        let mut fee = builder.object(&json!({"$ref": "application_fee"}));
        let fee_id = text(&fee, "id").to_owned();
        for (name, value) in [
            ("amount", json!(fee_amount)),
            ("amount_refunded", json!(0)),
            ("currency", json!(currency)),
            ("account", json!(destination)),
            ("application", json!("ca_stripe_sdk_fake")),
            ("charge", json!(charge_id)),
            ("refunded", json!(false)),
            ("balance_transaction", Value::Null),
            ("originating_transaction", Value::Null),
        ] {
            set(&mut fee, name, value);
        }
        set_list_url(
            &mut fee,
            "refunds",
            &format!("/v1/application_fees/{fee_id}/refunds"),
        );
        set(charge, "application_fee", json!(fee_id));
        effects.create("application_fee", APPLICATION_FEES, &fee);
    }
    effects
}

/// The payment a destination charge's transfer makes in the connected account (`py_...`, a
/// charge there, with its balance transaction, pending for two days as the platform's is), so
/// that the connected account's balance shows it; returns its id.
fn connected_payment(
    builder: &mut Builder<'_>,
    effects: &mut Effects,
    destination: &str,
    (transfer, amount, currency): (&str, i64, &str),
) -> String {
    let mut payment = builder.object(&json!({"$ref": "charge"}));
    let id = builder.ids.id("py");
    let mut transaction = balance_transaction(builder, amount, 0, currency, "charge", &id);
    set(&mut transaction, "type", json!("payment"));
    for (name, value) in [
        ("id", json!(id)),
        ("amount", json!(amount)),
        ("amount_captured", json!(amount)),
        ("amount_refunded", json!(0)),
        ("captured", json!(true)),
        ("paid", json!(true)),
        ("refunded", json!(false)),
        ("status", json!("succeeded")),
        ("currency", json!(currency)),
        ("source_transfer", json!(transfer)),
        (
            "balance_transaction",
            transaction.get("id").cloned().unwrap_or(Value::Null),
        ),
    ] {
        set(&mut payment, name, value);
    }
    if !id.is_empty() && payment.get("object").is_some() {
        let account = destination.to_owned();
        effects
            .elsewhere
            .push((account.clone(), "charge", CHARGES, payment));
        effects.elsewhere.push((
            account,
            "balance_transaction",
            BALANCE_TRANSACTIONS,
            transaction,
        ));
    }
    id
}

/// Points a nested list object's `url` at the object's own collection.
fn set_list_url(object: &mut Value, field: &str, url: &str) {
    if let Some(list) = object.get_mut(field) {
        set(list, "url", json!(url));
    }
}

/// Captures the charge of an intent that was captured (`POST
/// /v1/payment_intents/{intent}/capture`): the charge named by `latest_charge`, stored
/// changed.
pub(super) fn capture_intent_charge(intent: &Value, context: &mut Context<'_, '_>) -> Effects {
    let id = id_of(intent, "latest_charge");
    let Some(mut charge) = (context.lookup)(id, "charge") else {
        return Effects::default();
    };
    let mut effects = capture(&mut charge, number(intent, "amount_received"), context);
    effects.record("charge", "charge.captured", &charge);
    effects.others.push((id.to_owned(), charge));
    effects
}

/// Stripe's 400 when a destination charge names an account that cannot receive transfers
/// (not onboarded: its `transfers` capability is not active); `None` when the params name no
/// destination or it can.
pub(super) fn refuse_destination(params: &Params, context: &Context<'_, '_>) -> Option<Effects> {
    let destination = params
        .get("transfer_data")
        .and_then(|data| data.get("destination"))
        .and_then(Value::as_str)?;
    let Some(account) = (context.lookup)(destination, "account") else {
        let missing = context.missing("destination", destination, "transfer_data[destination]");
        return missing.refusal.is_some().then_some(missing);
    };
    let active = |name: &str| {
        account
            .pointer(&format!("/capabilities/{name}"))
            .and_then(Value::as_str)
            == Some("active")
    };
    if active("transfers") || active("legacy_payments") {
        return None;
    }
    Some(invalid_request(
        Some("insufficient_capabilities_for_transfer"),
        "Your destination account needs to have at least one of the following capabilities \
         enabled: transfers, crypto_transfers, legacy_payments",
        Some("transfer_data[destination]"),
    ))
}

/// `GET /v1/balance`: the sums, per currency, of the balance transactions pending and
/// available (US dollars listed even when nothing moved, as Stripe lists the account's
/// currency).
pub(crate) fn balance<'a>(transactions: impl Iterator<Item = &'a Value>) -> Value {
    let mut available: Map<String, Value> = Map::new();
    let mut pending: Map<String, Value> = Map::new();
    available.insert("usd".to_owned(), json!(0));
    pending.insert("usd".to_owned(), json!(0));
    for transaction in transactions {
        let sums = if text(transaction, "status") == "available" {
            &mut available
        } else {
            &mut pending
        };
        let slot = sums
            .entry(text(transaction, "currency").to_owned())
            .or_insert(json!(0));
        *slot = json!(slot.as_i64().unwrap_or(0) + number(transaction, "net"));
    }
    let amounts = |sums: Map<String, Value>| -> Value {
        sums.into_iter()
            .map(|(currency, amount)| {
                json!({"amount": amount, "currency": currency, "source_types": {"card": amount}})
            })
            .collect()
    };
    json!({
        "object": "balance",
        "available": amounts(available),
        "pending": amounts(pending),
        "livemode": false,
    })
}

/// Makes the pending balance transactions whose `available_on` has come `available`, when
/// the fake's clock moves.
pub(crate) fn settle_balance_transactions<'a>(
    transactions: impl Iterator<Item = &'a mut Value>,
    now: i64,
) {
    for transaction in transactions {
        if text(transaction, "status") == "pending" && number(transaction, "available_on") <= now {
            set(transaction, "status", json!("available"));
        }
    }
}

pub(crate) struct Charge;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    Capture,
    /// `POST /v1/charges/{charge}/refund`, the older route to a refund.
    Refund,
}

impl Lifecycle for Charge {
    const RESOURCE: &'static str = "charge";
    type Step = Step;

    fn step(action: &str) -> Option<Step> {
        match action {
            "capture" => Some(Step::Capture),
            "refund" => Some(Step::Refund),
            _ => None,
        }
    }

    /// `POST /v1/charges`: paid at once with the source or payment method given (a declining
    /// test card is refused with its 402), captured unless `capture=false`.
    fn created(object: &mut Value, params: &Params, context: &mut Context<'_, '_>) -> Effects {
        let source = params
            .get("source")
            .or_else(|| params.get("payment_method"))
            .and_then(Value::as_str)
            .unwrap_or("");
        let token = source.replace("tok_", "pm_card_");
        if let Some(decline) = super::cards::decline_of(&token, None) {
            let error = super::cards::card_error(&decline, "");
            return Effects::refused(402, json!({ "error": error }));
        }
        let amount = number(object, "amount");
        for (name, value) in [
            ("paid", json!(true)),
            ("status", json!("succeeded")),
            ("amount_refunded", json!(0)),
            ("refunded", json!(false)),
            ("captured", json!(false)),
            ("amount_captured", json!(0)),
            ("balance_transaction", Value::Null),
        ] {
            set(object, name, value);
        }
        let mut effects = Effects::default();
        if params.get("capture").and_then(Value::as_bool) != Some(false) {
            effects.merge(capture(object, amount, context));
        }
        effects.record("charge", "charge.succeeded", object);
        effects
    }

    fn act(
        step: Step,
        object: &mut Value,
        params: &Params,
        context: &mut Context<'_, '_>,
    ) -> Effects {
        match step {
            Step::Capture => {
                if object.get("captured") == Some(&json!(true)) {
                    let id = text(object, "id");
                    return Effects::refused(
                        400,
                        envelope(
                            "invalid_request_error",
                            Some("charge_already_captured"),
                            &format!("Charge {id} has already been captured."),
                            None,
                        ),
                    );
                }
                let amount = params
                    .get("amount")
                    .and_then(Value::as_i64)
                    .unwrap_or_else(|| number(object, "amount"));
                let mut effects = capture(object, amount, context);
                effects.record("charge", "charge.captured", object);
                effects
            }
            Step::Refund => refund_charge(object, params, context).1,
        }
    }
}
