//! Invoices and invoice items. An invoice item goes onto the draft invoice it names, or
//! waits for the customer's next invoice; a new invoice takes the customer's waiting items
//! when `pending_invoice_items_behavior=include` (Stripe's default at this API version is
//! `exclude`). Each line adds to `subtotal`, `total` and `amount_due`. `finalize` makes the
//! draft `open` with a number (and a $0 invoice `paid` at once); `pay` charges the customer's
//! default payment method (`invoice_settings.default_payment_method`) through a payment
//! intent and its charge, or records `invoice.payment_failed` for a declining card; `void`
//! and `mark_uncollectible` close an open invoice.

use super::cards::{
    approve_intent, card_error, decline_intent, decline_of, is_test_payment_method,
};
use super::money::{charge_intent, failed_charge};
use super::{Context, Effects, Lifecycle, Params, id_of, invalid_request, number, set, text};
use serde_json::{Value, json};

/// Where new invoices are listed.
pub(crate) const INVOICES: &str = "/v1/invoices";
const PAYMENT_INTENTS: &str = "/v1/payment_intents";

pub(crate) struct Invoice;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    Finalize,
    Pay,
    Void,
    MarkUncollectible,
}

impl Lifecycle for Invoice {
    const RESOURCE: &'static str = "invoice";
    type Step = Step;

    fn step(action: &str) -> Option<Step> {
        match action {
            "finalize" => Some(Step::Finalize),
            "pay" => Some(Step::Pay),
            "void" => Some(Step::Void),
            "mark_uncollectible" => Some(Step::MarkUncollectible),
            _ => None,
        }
    }

    /// A draft for the customer given, collected automatically unless the params say, with
    /// the customer's waiting invoice items when the params ask for them.
    fn created(object: &mut Value, params: &Params, context: &mut Context<'_, '_>) -> Effects {
        draft(object, params);
        let mut effects = Effects::default();
        let behavior = params
            .get("pending_invoice_items_behavior")
            .and_then(Value::as_str)
            .unwrap_or("exclude");
        if matches!(behavior, "include" | "include_and_require") {
            let customer = id_of(object, "customer").to_owned();
            let invoice_id = text(object, "id").to_owned();
            let mut lines = Vec::new();
            for mut item in (context.scan)("invoiceitem") {
                let waiting = id_of(&item, "customer") == customer
                    && item.get("invoice").is_none_or(Value::is_null)
                    && item.get("subscription").is_none_or(Value::is_null);
                if !waiting {
                    continue;
                }
                set(&mut item, "invoice", json!(invoice_id));
                lines.push(item_line(&item, context));
                effects.others.push((text(&item, "id").to_owned(), item));
            }
            set_lines(object, lines);
        }
        effects
    }

    fn act(
        step: Step,
        object: &mut Value,
        params: &Params,
        context: &mut Context<'_, '_>,
    ) -> Effects {
        match step {
            Step::Finalize => {
                if text(object, "status") != "draft" {
                    return not_in_status(object, "finalize", "draft");
                }
                finalize(object, context)
            }
            Step::Pay => pay(object, params, context),
            Step::Void => close(object, "void", "invoice.voided", context.builder.now),
            Step::MarkUncollectible => close(
                object,
                "uncollectible",
                "invoice.marked_uncollectible",
                context.builder.now,
            ),
        }
    }
}

/// A new invoice's starting state: a draft with nothing on it yet.
pub(super) fn draft(invoice: &mut Value, params: &Params) {
    set(invoice, "status", json!("draft"));
    if !params.contains_key("collection_method") {
        set(invoice, "collection_method", json!("charge_automatically"));
    }
    if !params.contains_key("auto_advance") {
        set(invoice, "auto_advance", Value::Bool(true));
    }
    if text(invoice, "currency").is_empty() {
        set(invoice, "currency", json!("usd"));
    }
    for (name, value) in [
        ("paid", json!(false)),
        ("attempted", json!(false)),
        ("attempt_count", json!(0)),
        ("amount_paid", json!(0)),
        ("number", Value::Null),
        ("charge", Value::Null),
        ("payment_intent", Value::Null),
        ("hosted_invoice_url", Value::Null),
        ("invoice_pdf", Value::Null),
    ] {
        set(invoice, name, value);
    }
    set_lines(invoice, Vec::new());
}

/// Sets the invoice's lines and the amounts that follow from them.
pub(super) fn set_lines(invoice: &mut Value, lines: Vec<Value>) {
    let id = text(invoice, "id").to_owned();
    let total: i64 = lines.iter().map(|line| number(line, "amount")).sum();
    let count = lines.len();
    set(
        invoice,
        "lines",
        json!({
            "object": "list", "data": lines, "has_more": false, "total_count": count,
            "url": format!("/v1/invoices/{id}/lines"),
        }),
    );
    let paid = number(invoice, "amount_paid");
    for name in [
        "subtotal",
        "subtotal_excluding_tax",
        "total",
        "total_excluding_tax",
    ] {
        set(invoice, name, json!(total));
    }
    set(invoice, "amount_due", json!(total));
    set(invoice, "amount_remaining", json!((total - paid).max(0)));
}

/// The invoice's lines so far.
fn lines_of(invoice: &Value) -> Vec<Value> {
    invoice
        .pointer("/lines/data")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

/// A line of an invoice, of `kind` (`invoiceitem`, `subscription`).
pub(super) fn line(
    context: &mut Context<'_, '_>,
    kind: &str,
    amount: i64,
    currency: &str,
    price: &Value,
    quantity: i64,
    period: (i64, i64),
) -> Value {
    let mut line = context.builder.object(&json!({"$ref": "line_item"}));
    // An invoice's line is `il_...`; the spec's example shows an upcoming invoice's
    // (`il_tmp_...`), which the builder would take.
    let id = context.builder.ids.id("il");
    let description = price
        .get("nickname")
        .filter(|nickname| nickname.is_string())
        .cloned()
        .unwrap_or(Value::Null);
    for (name, value) in [
        ("id", json!(id)),
        ("type", json!(kind)),
        ("amount", json!(amount)),
        ("amount_excluding_tax", json!(amount)),
        ("currency", json!(currency)),
        ("description", description),
        (
            "price",
            if price.is_object() {
                price.clone()
            } else {
                Value::Null
            },
        ),
        ("quantity", json!(quantity)),
        ("period", json!({"start": period.0, "end": period.1})),
        ("proration", json!(false)),
        ("discountable", json!(true)),
    ] {
        set(&mut line, name, value);
    }
    line
}

/// The line an invoice item makes.
fn item_line(item: &Value, context: &mut Context<'_, '_>) -> Value {
    let period = item.get("period").cloned().unwrap_or(Value::Null);
    let mut line = line(
        context,
        "invoiceitem",
        number(item, "amount"),
        text(item, "currency"),
        item.get("price").unwrap_or(&Value::Null),
        number(item, "quantity").max(1),
        (number(&period, "start"), number(&period, "end")),
    );
    set(
        &mut line,
        "invoice_item",
        item.get("id").cloned().unwrap_or(Value::Null),
    );
    set(
        &mut line,
        "description",
        item.get("description").cloned().unwrap_or(Value::Null),
    );
    set(
        &mut line,
        "metadata",
        item.get("metadata")
            .filter(|metadata| metadata.is_object())
            .cloned()
            .unwrap_or(json!({})),
    );
    line
}

/// Stripe's 400 for a step the invoice's status does not allow.
fn not_in_status(invoice: &Value, step: &str, wanted: &str) -> Effects {
    let status = text(invoice, "status");
    invalid_request(
        Some("invoice_not_editable"),
        &format!(
            "You can only {step} an invoice whose status is {wanted}; this one's status is {status}."
        ),
        None,
    )
}

/// A draft made `open`, numbered and payable (`invoice.finalized`); one with nothing due is
/// `paid` at once, as Stripe marks a $0 invoice.
pub(super) fn finalize(invoice: &mut Value, context: &mut Context<'_, '_>) -> Effects {
    let id = text(invoice, "id").to_owned();
    let now = context.builder.now;
    let customer = id_of(invoice, "customer").to_owned();
    let numbered = (context.scan)("invoice")
        .iter()
        .filter(|other| id_of(other, "customer") == customer && !other["number"].is_null())
        .count();
    let prefix: String = customer
        .trim_start_matches("cus_")
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(8)
        .collect::<String>()
        .to_ascii_uppercase();
    set(
        invoice,
        "number",
        json!(format!("{prefix}-{:04}", numbered + 1)),
    );
    set(invoice, "status", json!("open"));
    let url = format!("https://invoice.stripe.com/i/acct_stripe_sdk_fake/test_{id}");
    set(invoice, "invoice_pdf", json!(format!("{url}/pdf")));
    set(invoice, "hosted_invoice_url", json!(url));
    set_transition(invoice, "finalized_at", now);
    let mut effects = Effects::event("invoice", "invoice.finalized", invoice);
    if number(invoice, "amount_due") == 0 {
        effects.merge(mark_paid(invoice, now));
    }
    effects
}

fn set_transition(invoice: &mut Value, name: &str, now: i64) {
    if !invoice
        .get("status_transitions")
        .is_some_and(Value::is_object)
    {
        set(invoice, "status_transitions", json!({}));
    }
    if let Some(transitions) = invoice.get_mut("status_transitions") {
        set(transitions, name, json!(now));
    }
}

/// The invoice paid in full (`invoice.paid`, `invoice.payment_succeeded`).
fn mark_paid(invoice: &mut Value, now: i64) -> Effects {
    let due = number(invoice, "amount_due");
    set(invoice, "status", json!("paid"));
    set(invoice, "paid", json!(true));
    set(invoice, "amount_paid", json!(due));
    set(invoice, "amount_remaining", json!(0));
    set_transition(invoice, "paid_at", now);
    let mut effects = Effects::event("invoice", "invoice.paid", invoice);
    effects.record("invoice", "invoice.payment_succeeded", invoice);
    effects
}

/// The payment method an invoice is charged with: the params', the invoice's, its
/// subscription's, or the customer's default (`invoice_settings.default_payment_method`, then
/// `default_source`).
fn payment_method_of(invoice: &Value, params: &Params, context: &Context<'_, '_>) -> String {
    let given = params
        .get("payment_method")
        .and_then(Value::as_str)
        .unwrap_or("");
    if !given.is_empty() {
        return given.to_owned();
    }
    let own = id_of(invoice, "default_payment_method");
    if !own.is_empty() {
        return own.to_owned();
    }
    let subscription = (context.lookup)(id_of(invoice, "subscription"), "subscription");
    if let Some(subscription) = subscription {
        let method = id_of(&subscription, "default_payment_method");
        if !method.is_empty() {
            return method.to_owned();
        }
    }
    let Some(customer) = (context.lookup)(id_of(invoice, "customer"), "customer") else {
        return String::new();
    };
    let settings = customer.get("invoice_settings").unwrap_or(&Value::Null);
    let method = id_of(settings, "default_payment_method");
    if !method.is_empty() {
        return method.to_owned();
    }
    id_of(&customer, "default_source").to_owned()
}

/// `POST /v1/invoices/{invoice}/pay`: a draft is finalized first; the amount due is charged
/// to the payment method, through a payment intent and its charge. A declining card leaves
/// the invoice open, records `invoice.payment_failed`, and answers the card's 402.
pub(super) fn pay(invoice: &mut Value, params: &Params, context: &mut Context<'_, '_>) -> Effects {
    let now = context.builder.now;
    let mut effects = Effects::default();
    match text(invoice, "status") {
        "draft" => effects.merge(finalize(invoice, context)),
        "open" | "uncollectible" => {}
        "paid" => {
            return invalid_request(
                Some("invoice_already_paid"),
                "Invoice is already paid",
                None,
            );
        }
        _ => return not_in_status(invoice, "pay", "open"),
    }
    if text(invoice, "status") == "paid" {
        return effects;
    }
    if params.get("paid_out_of_band").and_then(Value::as_bool) == Some(true) {
        set(invoice, "paid_out_of_band", json!(true));
        effects.merge(mark_paid(invoice, now));
        return effects;
    }
    let payment_method = payment_method_of(invoice, params, context);
    if payment_method.is_empty() {
        effects.merge(invalid_request(
            None,
            "This customer has no attached payment source or default payment method. Please \
             consider adding a default payment method.",
            None,
        ));
        return effects;
    }
    // A payment method must exist (or be one of Stripe's test ones); a customer's default
    // source (`card_...`, `src_...`) is charged as it is.
    let stored = (context.lookup)(&payment_method, "payment_method");
    if stored.is_none()
        && payment_method.starts_with("pm_")
        && !is_test_payment_method(&payment_method)
    {
        let missing = context.missing("payment_method", &payment_method, "payment_method");
        if missing.refusal.is_some() {
            return missing;
        }
    }
    let mut intent = context.builder.object(&json!({"$ref": "payment_intent"}));
    for (name, value) in [
        ("amount", json!(number(invoice, "amount_due"))),
        ("currency", json!(text(invoice, "currency"))),
        ("customer", json!(id_of(invoice, "customer"))),
        ("invoice", json!(text(invoice, "id"))),
        ("capture_method", json!("automatic")),
        ("confirmation_method", json!("automatic")),
        ("payment_method_types", json!(["card"])),
        ("canceled_at", Value::Null),
        ("cancellation_reason", Value::Null),
        ("amount_capturable", json!(0)),
        ("amount_received", json!(0)),
    ] {
        set(&mut intent, name, value);
    }
    let secret = format!(
        "{}_secret_{}",
        text(&intent, "id"),
        context.builder.ids.token(25)
    );
    set(&mut intent, "client_secret", json!(secret));
    set(
        invoice,
        "payment_intent",
        intent.get("id").cloned().unwrap_or(Value::Null),
    );
    set(invoice, "attempted", json!(true));
    set(
        invoice,
        "attempt_count",
        json!(number(invoice, "attempt_count") + 1),
    );
    match decline_of(&payment_method, stored.as_ref()) {
        Some(decline) => {
            decline_intent(&mut intent, &decline, &payment_method);
            let failed = failed_charge(&mut intent, &decline, &payment_method, context);
            set(
                invoice,
                "charge",
                intent.get("latest_charge").cloned().unwrap_or(Value::Null),
            );
            effects.create("payment_intent", PAYMENT_INTENTS, &intent);
            effects.merge(failed);
            effects.record("payment_intent", "payment_intent.payment_failed", &intent);
            effects.record("invoice", "invoice.payment_failed", invoice);
            let error = card_error(&decline, &payment_method);
            effects.refusal = Some((402, json!({ "error": error })));
        }
        None => {
            approve_intent(&mut intent, &payment_method);
            let charged = charge_intent(&mut intent, context);
            set(
                invoice,
                "charge",
                intent.get("latest_charge").cloned().unwrap_or(Value::Null),
            );
            effects.create("payment_intent", PAYMENT_INTENTS, &intent);
            effects.merge(charged);
            effects.record("payment_intent", "payment_intent.succeeded", &intent);
            effects.merge(mark_paid(invoice, now));
        }
    }
    effects
}

/// An open invoice voided or marked uncollectible.
fn close(invoice: &mut Value, status: &str, event: &'static str, now: i64) -> Effects {
    let allowed = match status {
        "void" => matches!(text(invoice, "status"), "open" | "uncollectible"),
        _ => text(invoice, "status") == "open",
    };
    if !allowed {
        return not_in_status(
            invoice,
            if status == "void" {
                "void"
            } else {
                "mark uncollectible"
            },
            "open",
        );
    }
    set(invoice, "status", json!(status));
    let transition = if status == "void" {
        "voided_at"
    } else {
        "marked_uncollectible_at"
    };
    set_transition(invoice, transition, now);
    Effects::event("invoice", event, invoice)
}

pub(crate) struct InvoiceItem;

impl Lifecycle for InvoiceItem {
    const RESOURCE: &'static str = "invoiceitem";
    type Step = std::convert::Infallible;

    fn step(_action: &str) -> Option<Self::Step> {
        None
    }

    /// An item of the `amount` given, or the price's (or `unit_amount`'s) times the
    /// quantity, on the draft invoice the params name or waiting for the next one.
    fn created(object: &mut Value, params: &Params, context: &mut Context<'_, '_>) -> Effects {
        let quantity = params.get("quantity").and_then(Value::as_i64).unwrap_or(1);
        let price = params
            .get("price")
            .and_then(Value::as_str)
            .and_then(|id| (context.lookup)(id, "price"));
        let unit_amount = params
            .get("unit_amount")
            .and_then(Value::as_i64)
            .or_else(|| params.get("price_data")?.get("unit_amount")?.as_i64())
            .or_else(|| {
                price
                    .as_ref()
                    .and_then(|price| price.get("unit_amount")?.as_i64())
            });
        let amount = params
            .get("amount")
            .and_then(Value::as_i64)
            .or_else(|| unit_amount.map(|unit| unit.saturating_mul(quantity)))
            .unwrap_or(0);
        let now = context.builder.now;
        if let Some(price) = &price {
            set(object, "price", price.clone());
            if text(object, "currency").is_empty() {
                set(
                    object,
                    "currency",
                    price.get("currency").cloned().unwrap_or(json!("usd")),
                );
            }
        }
        set(object, "amount", json!(amount));
        set(object, "quantity", json!(quantity));
        set(
            object,
            "unit_amount",
            unit_amount.map_or(Value::Null, |unit| json!(unit)),
        );
        set(object, "date", json!(now));
        if !params.contains_key("period") {
            set(object, "period", json!({"start": now, "end": now}));
        }
        set(object, "proration", json!(false));
        set(object, "discountable", json!(true));
        if text(object, "currency").is_empty() {
            set(object, "currency", json!("usd"));
        }
        let Some(invoice_id) = params.get("invoice").and_then(Value::as_str) else {
            set(object, "invoice", Value::Null);
            return Effects::default();
        };
        let Some(mut invoice) = (context.lookup)(invoice_id, "invoice") else {
            return context.missing("invoice", invoice_id, "invoice");
        };
        if text(&invoice, "status") != "draft" {
            return not_in_status(&invoice, "add items to", "draft");
        }
        let mut lines = lines_of(&invoice);
        lines.push(item_line(object, context));
        set_lines(&mut invoice, lines);
        let mut effects = Effects::default();
        effects.others.push((invoice_id.to_owned(), invoice));
        effects
    }

    fn act(step: Self::Step, _: &mut Value, _: &Params, _: &mut Context<'_, '_>) -> Effects {
        match step {}
    }
}
