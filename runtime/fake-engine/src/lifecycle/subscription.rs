//! Subscriptions, as Stripe bills them. A new one has its items (each with its whole price)
//! and a first invoice, finalized at once: paid with the customer's default payment method
//! (the subscription is `active`), or left open when there is none, the card declines, or
//! `payment_behavior=default_incomplete` (`incomplete`). With a trial (`trial_period_days`,
//! `trial_end`) it is `trialing` with a $0 invoice. Periods follow the price's
//! `recurring.interval` and `interval_count` on the calendar, anchored to the start.
//!
//! Time renews it: when the fake's clock (or, for a customer on a test clock, that clock)
//! passes the period's end, a new period starts with a new invoice, paid or failed by the
//! card (`past_due`); one set to `cancel_at_period_end` ends instead. `DELETE` cancels it at
//! once (`canceled`, `canceled_at`, `ended_at`), and it stays retrievable and listable, as
//! on Stripe.

use super::invoice::{self, INVOICES};
use super::period::period_end;
use super::{Context, Deletion, Effects, Lifecycle, Params, id_of, number, set, text};
use serde_json::{Value, json};

/// Where new subscriptions are listed.
pub(crate) const SUBSCRIPTIONS: &str = "/v1/subscriptions";

/// The most periods one move of the clock renews a subscription by, so that a jump of years
/// on a daily price stays bounded.
const MAX_RENEWALS: usize = 400;

pub(crate) struct Subscription;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    /// `POST /v1/subscriptions/{id}/resume` of a paused subscription.
    Resume,
}

/// What a subscription starts from besides its object: its items' prices and quantities,
/// the trial's end, and how its first payment is taken.
pub(super) struct Start {
    pub items: Vec<(Value, i64)>,
    pub trial_end: Option<i64>,
    pub default_incomplete: bool,
}

impl Lifecycle for Subscription {
    const RESOURCE: &'static str = "subscription";
    type Step = Step;

    fn step(action: &str) -> Option<Step> {
        (action == "resume").then_some(Step::Resume)
    }

    fn created(object: &mut Value, params: &Params, context: &mut Context<'_, '_>) -> Effects {
        let now = clock_of(id_of(object, "customer"), context);
        let mut items = Vec::new();
        for item in params
            .get("items")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let quantity = item.get("quantity").and_then(Value::as_i64).unwrap_or(1);
            let price = item
                .get("price")
                .and_then(Value::as_str)
                .and_then(|id| (context.lookup)(id, "price"))
                .or_else(|| item.get("price_data").map(price_from_data));
            if let Some(price) = price {
                items.push((price, quantity));
            }
        }
        let trial_end = params
            .get("trial_period_days")
            .and_then(Value::as_i64)
            .map(|days| now.saturating_add(days.saturating_mul(86_400)))
            .or_else(|| params.get("trial_end").and_then(Value::as_i64));
        let default_incomplete =
            params.get("payment_behavior").and_then(Value::as_str) == Some("default_incomplete");
        if !params.contains_key("cancel_at_period_end") {
            set(object, "cancel_at_period_end", Value::Bool(false));
        }
        let start = Start {
            items,
            trial_end,
            default_incomplete,
        };
        let (effects, refusal) = start_subscription(object, start, context);
        // With `payment_behavior=error_if_incomplete`, a first payment that fails refuses the
        // subscription, which is then not made, as on Stripe.
        let strict =
            params.get("payment_behavior").and_then(Value::as_str) == Some("error_if_incomplete");
        match refusal {
            Some((status, body)) if strict && text(object, "status") == "incomplete" => {
                Effects::refused(status, body)
            }
            _ => effects,
        }
    }

    fn act(
        step: Step,
        object: &mut Value,
        _params: &Params,
        _context: &mut Context<'_, '_>,
    ) -> Effects {
        match step {
            Step::Resume => {
                set(object, "status", json!("active"));
                set(object, "pause_collection", Value::Null);
                Effects::event("subscription", "customer.subscription.resumed", object)
            }
        }
    }

    fn deleted(object: &mut Value, context: &mut Context<'_, '_>) -> Deletion {
        let now = clock_of(id_of(object, "customer"), context);
        set(object, "status", json!("canceled"));
        set(object, "canceled_at", json!(now));
        set(object, "ended_at", json!(now));
        Deletion::Kept(Effects::event(
            "subscription",
            "customer.subscription.deleted",
            object,
        ))
    }
}

/// A price made from a subscription item's `price_data`, not stored (Stripe makes an
/// inactive price of it).
fn price_from_data(data: &Value) -> Value {
    json!({
        "object": "price",
        "active": false,
        "currency": data.get("currency").cloned().unwrap_or(json!("usd")),
        "unit_amount": data.get("unit_amount").cloned().unwrap_or(json!(0)),
        "product": data.get("product").cloned().unwrap_or(Value::Null),
        "recurring": data.get("recurring").cloned().unwrap_or(json!({"interval": "month", "interval_count": 1})),
        "type": "recurring",
    })
}

/// The time for a customer's objects: its test clock's frozen time when it is on one, else
/// the fake's clock.
fn clock_of(customer: &str, context: &Context<'_, '_>) -> i64 {
    (context.lookup)(customer, "customer")
        .map(|customer| id_of(&customer, "test_clock").to_owned())
        .filter(|clock| !clock.is_empty())
        .and_then(|clock| (context.lookup)(&clock, "test_helpers.test_clock"))
        .map_or(context.builder.now, |clock| number(&clock, "frozen_time"))
}

/// The interval and count of a subscription's first item's price.
fn interval_of(subscription: &Value) -> (String, i64) {
    let recurring = subscription
        .pointer("/items/data/0/price/recurring")
        .unwrap_or(&Value::Null);
    (
        recurring
            .get("interval")
            .and_then(Value::as_str)
            .unwrap_or("month")
            .to_owned(),
        number(recurring, "interval_count").max(1),
    )
}

/// Starts `subscription` (whose customer and params are set): its items, its first period
/// and its first invoice, finalized and, unless the payment is left to the caller, paid.
/// Returns what it made, and the first payment's refusal when it failed.
pub(super) fn start_subscription(
    subscription: &mut Value,
    start: Start,
    context: &mut Context<'_, '_>,
) -> (Effects, Option<(u16, Value)>) {
    let customer_id = id_of(subscription, "customer").to_owned();
    let now = clock_of(&customer_id, context);
    let id = text(subscription, "id").to_owned();
    let mut items = Vec::new();
    for (price, quantity) in &start.items {
        let mut item = context
            .builder
            .object(&json!({"$ref": "subscription_item"}));
        set(&mut item, "price", price.clone());
        set(&mut item, "quantity", json!(quantity));
        set(&mut item, "subscription", json!(id));
        set(&mut item, "created", json!(now));
        items.push(item);
    }
    let count = items.len();
    set(
        subscription,
        "items",
        json!({"object": "list", "data": items, "has_more": false, "total_count": count,
               "url": format!("/v1/subscription_items?subscription={id}")}),
    );
    if let Some((price, _)) = start.items.first() {
        set(
            subscription,
            "currency",
            price.get("currency").cloned().unwrap_or(json!("usd")),
        );
        set(subscription, "plan", Value::Null);
    }
    let customer = (context.lookup)(&customer_id, "customer");
    let test_clock = customer
        .as_ref()
        .map(|customer| id_of(customer, "test_clock").to_owned())
        .filter(|clock| !clock.is_empty());
    set(
        subscription,
        "test_clock",
        test_clock.map_or(Value::Null, |clock| json!(clock)),
    );
    set(subscription, "start_date", json!(now));
    set(
        subscription,
        "billing_cycle_anchor",
        json!(start.trial_end.unwrap_or(now)),
    );
    for name in ["canceled_at", "ended_at"] {
        set(subscription, name, Value::Null);
    }
    let (interval, interval_count) = interval_of(subscription);
    let end = match start.trial_end {
        Some(trial_end) => {
            set(subscription, "trial_start", json!(now));
            set(subscription, "trial_end", json!(trial_end));
            trial_end
        }
        None => period_end(now, &interval, interval_count),
    };
    set(subscription, "current_period_start", json!(now));
    set(subscription, "current_period_end", json!(end));
    let trial = start.trial_end.is_some();
    let (invoice, mut effects) = bill(
        subscription,
        "subscription_create",
        (now, end),
        trial,
        !start.default_incomplete,
        context,
    );
    let status = if trial {
        "trialing"
    } else if text(&invoice, "status") == "paid" || sends_invoices(subscription) {
        "active"
    } else {
        "incomplete"
    };
    set(subscription, "status", json!(status));
    // A payment that failed leaves the subscription incomplete rather than refusing it; the
    // refusal is returned beside, for `error_if_incomplete`.
    let refusal = effects.refusal.take();
    (effects, refusal)
}

/// Whether a subscription's invoices are sent for the customer to pay
/// (`collection_method=send_invoice`) rather than charged: it is active while they are open.
fn sends_invoices(subscription: &Value) -> bool {
    text(subscription, "collection_method") == "send_invoice"
}

/// A subscription's invoice for the period `(start, end)`: a line per item (at $0 in a
/// trial), finalized, and paid when `collect` (never when it is sent: it is then due
/// `days_until_due` days on). Names it as `latest_invoice`; returns it and
/// its effects (the payment's refusal included, for the caller to judge).
fn bill(
    subscription: &mut Value,
    reason: &str,
    (start, end): (i64, i64),
    trial: bool,
    collect: bool,
    context: &mut Context<'_, '_>,
) -> (Value, Effects) {
    let now = context.builder.now;
    context.builder.now = start;
    let mut invoice = context.builder.object(&json!({"$ref": "invoice"}));
    invoice::draft(&mut invoice, &Params::new());
    let currency = text(subscription, "currency").to_owned();
    for (name, value) in [
        ("customer", json!(id_of(subscription, "customer"))),
        ("subscription", json!(text(subscription, "id"))),
        ("billing_reason", json!(reason)),
        ("currency", json!(currency)),
        ("period_start", json!(start)),
        ("period_end", json!(start)),
        (
            "default_payment_method",
            subscription
                .get("default_payment_method")
                .cloned()
                .unwrap_or(Value::Null),
        ),
    ] {
        set(&mut invoice, name, value);
    }
    if sends_invoices(subscription) {
        set(&mut invoice, "collection_method", json!("send_invoice"));
        let days = number(subscription, "days_until_due");
        set(
            &mut invoice,
            "due_date",
            json!(start.saturating_add(days.saturating_mul(86_400))),
        );
    }
    let mut lines = Vec::new();
    for item in subscription
        .pointer("/items/data")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
    {
        let price = item.get("price").cloned().unwrap_or(Value::Null);
        let quantity = number(&item, "quantity").max(1);
        let amount = if trial {
            0
        } else {
            number(&price, "unit_amount").saturating_mul(quantity)
        };
        let mut line = invoice::line(
            context,
            "subscription",
            amount,
            &currency,
            &price,
            quantity,
            (start, end),
        );
        set(&mut line, "subscription", json!(text(subscription, "id")));
        set(
            &mut line,
            "subscription_item",
            item.get("id").cloned().unwrap_or(Value::Null),
        );
        lines.push(line);
    }
    invoice::set_lines(&mut invoice, lines);
    set(
        subscription,
        "latest_invoice",
        invoice.get("id").cloned().unwrap_or(Value::Null),
    );
    let mut effects = invoice::finalize(&mut invoice, context);
    if collect && !sends_invoices(subscription) && text(&invoice, "status") == "open" {
        // The subscription is not stored yet (or is being changed): the invoice names it, so
        // its default payment method is read from it here.
        let mut params = Params::new();
        if let Some(method) = subscription
            .get("default_payment_method")
            .and_then(Value::as_str)
        {
            params.insert("payment_method".to_owned(), json!(method));
        }
        effects.merge(invoice::pay(&mut invoice, &params, context));
    }
    context.builder.now = now;
    // The invoice is stored as it ends, before the events that name it.
    effects
        .created
        .insert(0, ("invoice", INVOICES, invoice.clone()));
    (invoice, effects)
}

/// Renews one subscription whose period has ended by `now`: each period passed gets its
/// invoice, paid (`active`) or failed (`past_due`); a trial's end starts the first paid
/// period; `cancel_at_period_end` ends it instead (`customer.subscription.deleted`).
fn renew(subscription: &mut Value, now: i64, context: &mut Context<'_, '_>) -> Effects {
    let mut effects = Effects::default();
    let (interval, count) = interval_of(subscription);
    for _ in 0..MAX_RENEWALS {
        let end = number(subscription, "current_period_end");
        if end > now
            || !matches!(
                text(subscription, "status"),
                "active" | "trialing" | "past_due"
            )
        {
            break;
        }
        if subscription.get("cancel_at_period_end") == Some(&json!(true)) {
            set(subscription, "status", json!("canceled"));
            set(subscription, "canceled_at", json!(end));
            set(subscription, "ended_at", json!(end));
            effects.record(
                "subscription",
                "customer.subscription.deleted",
                subscription,
            );
            break;
        }
        let next = period_end(end, &interval, count);
        set(subscription, "current_period_start", json!(end));
        set(subscription, "current_period_end", json!(next));
        let (invoice, mut billed) = bill(
            subscription,
            "subscription_cycle",
            (end, next),
            false,
            true,
            context,
        );
        billed.refusal = None;
        effects.merge(billed);
        let status = if text(&invoice, "status") == "paid" || sends_invoices(subscription) {
            "active"
        } else {
            "past_due"
        };
        set(subscription, "status", json!(status));
        effects.record(
            "subscription",
            "customer.subscription.updated",
            subscription,
        );
    }
    effects
}

/// Renews every subscription of the account that is due at `now`: those on test clock
/// `clock` (its `advance`), or with `None` those on no test clock (the fake's clock moved).
pub(crate) fn renew_due(context: &mut Context<'_, '_>, clock: Option<&str>, now: i64) -> Effects {
    let mut effects = Effects::default();
    for mut subscription in (context.scan)("subscription") {
        if !renewal_due(&subscription, clock, now) {
            continue;
        }
        let renewed = renew(&mut subscription, now, context);
        if renewed.events.is_empty() {
            continue;
        }
        effects.merge(renewed);
        effects
            .others
            .push((text(&subscription, "id").to_owned(), subscription));
    }
    effects
}

/// Whether a subscription's period has ended by `now` while it still renews, on test clock
/// `clock` (or, with `None`, on none): a check that copies nothing, made before the
/// subscriptions are looked through each time the clock moves.
pub(crate) fn renewal_due(subscription: &Value, clock: Option<&str>, now: i64) -> bool {
    let own_clock = id_of(subscription, "test_clock");
    let on_clock = match clock {
        Some(clock) => own_clock == clock,
        None => own_clock.is_empty(),
    };
    on_clock
        && number(subscription, "current_period_end") <= now
        && matches!(
            text(subscription, "status"),
            "active" | "trialing" | "past_due"
        )
}
