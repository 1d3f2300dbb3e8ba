//! The lifecycles' unit tests: each step on a value, without a server.

use super::checkout_session::{
    complete_session, expire_session, line_items_total, session_created,
};
use super::payment_intent::{cancel, capture, confirm};
use super::*;
use crate::objects::{Builder, Ids};
use crate::table::Table;
use serde_json::json;

/// Runs `body` with a context over an empty table and no other objects.
fn with_context<T>(body: impl FnOnce(&mut Context<'_, '_>) -> T) -> T {
    let table = Table::new(&[], &[]);
    in_table(&table, 1_700_000_000, body)
}

/// Runs `body` with a context over `table`, no other objects, and the clock at `now`.
fn in_table<T>(table: &Table, now: i64, body: impl FnOnce(&mut Context<'_, '_>) -> T) -> T {
    let mut ids = Ids::new(1);
    let mut builder = Builder {
        table,
        fixtures: None,
        ids: &mut ids,
        now,
    };
    let lookup = |_: &str, _: &str| None;
    let scan = |_: &str| Vec::new();
    let mut context = Context {
        builder: &mut builder,
        lookup: &lookup,
        scan: &scan,
        strict: true,
    };
    body(&mut context)
}

fn intent(capture_method: &str) -> Value {
    let mut intent = json!({"id": "pi_1", "object": "payment_intent", "amount": 2000});
    let params = json!({"capture_method": capture_method});
    let params = params.as_object().cloned().unwrap_or_default();
    with_context(|context| created("payment_intent", &mut intent, &params, context));
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
        &|_, _| None,
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
        &|_, _| None,
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
        &|_, _| None,
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
    session_created(&mut session, params);
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
    let mut session = new_session(&shop_params());
    let (effects, again) = in_table(&table, 1_700_000_060, |context| {
        let first = complete_session(&mut session, context);
        (first, complete_session(&mut session, context))
    });
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
        names[names.len() - 2..],
        ["payment_intent.succeeded", "checkout.session.completed"]
    );

    let (status, body) = again.refusal.unwrap_or_default();
    assert_eq!(status, 400);
    assert_eq!(body["error"]["type"], "invalid_request_error");
    assert!(again.events.is_empty());
    assert!(expire_session(&mut session).refusal.is_some());
}

#[test]
fn without_payment_intents_a_session_completes_without_one() {
    let table = crate::table::Table::new(&[], &[]);
    let mut session = new_session(&shop_params());
    let effects = in_table(&table, 0, |context| complete_session(&mut session, context));
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

#[test]
fn stripe_fee_is_two_point_nine_percent_and_thirty_cents() {
    assert_eq!(super::money::stripe_fee(2000), 88);
    assert_eq!(super::money::stripe_fee(1000), 59);
    // 2.9% of 0.50 is 1.45 cents, rounded to 1.
    assert_eq!(super::money::stripe_fee(50), 31);
}

#[test]
fn the_balance_sums_net_amounts_by_status_and_time_makes_them_available() {
    let mut transactions = [
        json!({"status": "pending", "currency": "usd", "net": 1912, "available_on": 10}),
        json!({"status": "available", "currency": "usd", "net": -500, "available_on": 0}),
        json!({"status": "pending", "currency": "eur", "net": 100, "available_on": 20}),
    ];
    let sums = |balance: &Value, kind: &str, currency: &str| {
        balance[kind]
            .as_array()
            .into_iter()
            .flatten()
            .find(|entry| entry["currency"] == currency)
            .map(|entry| entry["amount"].clone())
    };
    let balance = balance(transactions.iter());
    assert_eq!(sums(&balance, "pending", "usd"), Some(json!(1912)));
    assert_eq!(sums(&balance, "available", "usd"), Some(json!(-500)));
    assert_eq!(sums(&balance, "pending", "eur"), Some(json!(100)));
    settle_balance_transactions(transactions.iter_mut(), 15);
    let balance = super::money::balance(transactions.iter());
    assert_eq!(sums(&balance, "available", "usd"), Some(json!(1412)));
    assert_eq!(sums(&balance, "pending", "eur"), Some(json!(100)));
}

#[test]
fn refunds_add_up_until_the_charge_is_refunded() {
    let mut charge = json!({
        "id": "ch_1", "object": "charge", "amount": 2000, "amount_captured": 2000,
        "amount_refunded": 0, "refunded": false, "currency": "usd",
    });
    with_context(|context| {
        let (refund, effects) =
            super::refund::refund_charge(&mut charge, &params(json!({"amount": 500})), context);
        assert!(effects.refusal.is_none());
        assert_eq!(
            refund.map(|refund| refund["amount"].clone()),
            Some(json!(500))
        );
        assert_eq!(
            (
                charge["amount_refunded"].clone(),
                charge["refunded"].clone()
            ),
            (json!(500), json!(false))
        );
        let names: Vec<&str> = effects.events.iter().map(|event| event.1).collect();
        assert_eq!(names, ["charge.refunded"]);
        let too_much =
            super::refund::refund_charge(&mut charge, &params(json!({"amount": 1600})), context).1;
        assert_eq!(
            too_much
                .refusal
                .map(|(status, body)| (status, body["error"]["code"].clone())),
            Some((400, json!("amount_too_large")))
        );
        let (_, rest) = super::refund::refund_charge(&mut charge, &Map::new(), context);
        assert!(rest.refusal.is_none());
        assert_eq!(charge["refunded"], true);
        let again = super::refund::refund_charge(&mut charge, &Map::new(), context).1;
        assert!(again.refused_outright());
    });
}

#[test]
fn an_invoice_is_numbered_when_finalized_and_paid_at_once_when_nothing_is_due() {
    let mut invoice = json!({"id": "in_1", "object": "invoice", "customer": "cus_Abc12345xyz"});
    super::invoice::draft(&mut invoice, &Map::new());
    assert_eq!(invoice["status"], "draft");
    assert_eq!(invoice["amount_due"], 0);
    let effects = with_context(|context| super::invoice::finalize(&mut invoice, context));
    assert_eq!(invoice["number"], "ABC12345-0001");
    assert_eq!(invoice["status"], "paid");
    let names: Vec<&str> = effects.events.iter().map(|event| event.1).collect();
    assert_eq!(
        names,
        [
            "invoice.finalized",
            "invoice.paid",
            "invoice.payment_succeeded"
        ]
    );
}
