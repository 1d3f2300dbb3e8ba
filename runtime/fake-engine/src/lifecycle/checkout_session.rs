//! Checkout Sessions: open until they expire or until our test helper completes them as if
//! the customer had paid (Stripe has no such endpoint: on Stripe only the customer completes a
//! session).

use super::cards::payment_method_from_token;
use super::money::charge_intent;
use super::subscription::{SUBSCRIPTIONS, Start, start_subscription};
use super::{Context, Effects, Lifecycle, Params, id_of, number, set, text};
use crate::error::envelope;
use crate::objects::Builder;
use serde_json::{Value, json};

/// How long a Checkout Session stays open when `expires_at` does not say: 24 hours, as on
/// Stripe.
const SESSION_LIFETIME: i64 = 24 * 60 * 60;

pub(crate) struct CheckoutSession;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    /// Our test helper's completion.
    Complete,
    Expire,
}

impl Lifecycle for CheckoutSession {
    const RESOURCE: &'static str = "checkout.session";
    type Step = Step;

    fn step(action: &str) -> Option<Step> {
        match action {
            "complete" => Some(Step::Complete),
            "expire" => Some(Step::Expire),
            _ => None,
        }
    }

    fn created(object: &mut Value, params: &Params, context: &mut Context<'_, '_>) -> Effects {
        session_created(object, params);
        set_line_items(object, params, context);
        Effects::default()
    }

    fn act(
        step: Step,
        object: &mut Value,
        _params: &Params,
        context: &mut Context<'_, '_>,
    ) -> Effects {
        match step {
            Step::Complete => complete_session(object, context),
            Step::Expire => expire_session(object),
        }
    }
}

/// A new Checkout Session: open on Stripe's hosted page (its `url`) until `expires_at` (24
/// hours unless the params say), and unpaid, or `no_payment_required` in setup mode. Its
/// amounts are derived only where the params give them: when every line item has
/// `price_data` with a `unit_amount` and a `quantity`, in one currency. Line items naming a
/// Price leave the amounts as built, since the fake does not price them.
pub(super) fn session_created(session: &mut Value, params: &Params) {
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
pub(super) fn line_items_total(params: &Params) -> Option<(i64, String)> {
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

/// The session's `line_items`, each with its price (stored, or made from `price_data`) and
/// amounts, so that completing a subscription-mode session can start the subscription.
/// Stripe answers them only when expanded; the fake always does.
fn set_line_items(session: &mut Value, params: &Params, context: &mut Context<'_, '_>) {
    let Some(given) = params.get("line_items").and_then(Value::as_array) else {
        return;
    };
    let id = text(session, "id").to_owned();
    let mut items = Vec::new();
    for line in given {
        let quantity = line.get("quantity").and_then(Value::as_i64).unwrap_or(1);
        let price = match line.get("price").and_then(Value::as_str) {
            Some(price) => (context.lookup)(price, "price").unwrap_or(Value::Null),
            None => line.get("price_data").map_or(Value::Null, |data| {
                json!({
                    "object": "price", "type": if data.get("recurring").is_some() { "recurring" } else { "one_time" },
                    "currency": data.get("currency").cloned().unwrap_or(json!("usd")),
                    "unit_amount": data.get("unit_amount").cloned().unwrap_or(json!(0)),
                    "recurring": data.get("recurring").cloned().unwrap_or(Value::Null),
                })
            }),
        };
        let mut item = context.builder.object(&json!({"$ref": "item"}));
        let amount = number(&price, "unit_amount").saturating_mul(quantity);
        for (name, value) in [
            ("quantity", json!(quantity)),
            ("amount_subtotal", json!(amount)),
            ("amount_total", json!(amount)),
            (
                "currency",
                price.get("currency").cloned().unwrap_or(json!("usd")),
            ),
        ] {
            set(&mut item, name, value);
        }
        if price.get("id").is_some() {
            set(&mut item, "price", price);
        }
        items.push(item);
    }
    let total: i64 = items.iter().map(|item| number(item, "amount_total")).sum();
    if number(session, "amount_total") == 0 && total > 0 {
        set(session, "amount_subtotal", json!(total));
        set(session, "amount_total", json!(total));
        let currency = items.first().and_then(|item| item.get("currency")).cloned();
        set(session, "currency", currency.unwrap_or(json!("usd")));
    }
    let count = items.len();
    set(
        session,
        "line_items",
        json!({"object": "list", "data": items, "has_more": false, "total_count": count,
               "url": format!("/v1/checkout/sessions/{id}/line_items")}),
    );
}

/// Our test helper: the customer paid (or, in setup mode, set up) on the hosted page. The
/// session is `complete`, and `paid` in payment and subscription mode; in payment mode a
/// succeeded payment intent for its amount is made and named by `payment_intent`, when the
/// fake routes payment intents and the session's amount is known, with its charge. In
/// subscription mode the customer is made if the session named none, with the card paid
/// with as its default payment method, and the subscription of the session's line items
/// starts with its first invoice paid. No setup intent is made.
pub(super) fn complete_session(session: &mut Value, context: &mut Context<'_, '_>) -> Effects {
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
        && let Some((collection, mut intent)) = paid_intent(session, context.builder)
    {
        set(
            session,
            "payment_intent",
            intent.get("id").cloned().unwrap_or(Value::Null),
        );
        let charged = charge_intent(&mut intent, context);
        effects
            .created
            .push(("payment_intent", collection, intent.clone()));
        effects.merge(charged);
        effects
            .events
            .push(("payment_intent", "payment_intent.succeeded", intent));
    }
    if mode == "subscription" {
        effects.merge(subscribe(session, context));
    }
    effects.events.push((
        "checkout.session",
        "checkout.session.completed",
        session.clone(),
    ));
    effects
}

/// A subscription-mode session's completion: the customer (made when the session named
/// none), the card paid with, attached to the customer as its default, and the subscription
/// with its first invoice.
fn subscribe(session: &mut Value, context: &mut Context<'_, '_>) -> Effects {
    let mut effects = Effects::default();
    let mut customer_id = id_of(session, "customer").to_owned();
    if customer_id.is_empty() {
        let mut customer = context.builder.object(&json!({"$ref": "customer"}));
        let email = session
            .get("customer_email")
            .filter(|email| email.is_string())
            .cloned()
            .unwrap_or(Value::Null);
        set(&mut customer, "email", email);
        customer_id = text(&customer, "id").to_owned();
        effects.create("customer", "/v1/customers", &customer);
        set(session, "customer", json!(customer_id));
    }
    let blank = context.builder.object(&json!({"$ref": "payment_method"}));
    let mut method = payment_method_from_token(blank, "pm_card_visa", context.builder.now);
    set(&mut method, "customer", json!(customer_id));
    let method_id = text(&method, "id").to_owned();
    effects.create("payment_method", "/v1/payment_methods", &method);
    let items: Vec<(Value, i64)> = session
        .pointer("/line_items/data")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|item| item.get("price").is_some_and(Value::is_object))
        .map(|item| (item["price"].clone(), number(item, "quantity").max(1)))
        .collect();
    let mut subscription = context.builder.object(&json!({"$ref": "subscription"}));
    set(&mut subscription, "customer", json!(customer_id));
    // The first invoice is paid with the card as the test token it was made from (the new
    // payment method is stored only once the step is done); renewals use the new one.
    set(
        &mut subscription,
        "default_payment_method",
        json!("pm_card_visa"),
    );
    set(&mut subscription, "cancel_at_period_end", json!(false));
    set(&mut subscription, "metadata", json!({}));
    let start = Start {
        items,
        trial_end: None,
        default_incomplete: false,
    };
    let (started, _) = start_subscription(&mut subscription, start, context);
    set(
        &mut subscription,
        "default_payment_method",
        json!(method_id),
    );
    set(
        session,
        "subscription",
        subscription.get("id").cloned().unwrap_or(Value::Null),
    );
    set(
        session,
        "invoice",
        subscription
            .get("latest_invoice")
            .cloned()
            .unwrap_or(Value::Null),
    );
    effects.create("subscription", SUBSCRIPTIONS, &subscription);
    effects.merge(started);
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
    let payment_method = builder.ids.id(&crate::objects::id_prefix(
        builder.table.id_prefixes,
        "payment_method",
    ));
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
pub(super) fn expire_session(session: &mut Value) -> Effects {
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
