//! Subscriptions: a new one is `trialing` with a trial, `incomplete` when its first payment
//! is left to the caller (`payment_behavior=default_incomplete`), and `active` otherwise;
//! `DELETE` cancels it at once (`canceled`, `canceled_at`, `ended_at`), and it stays
//! retrievable and listable, as on Stripe. Invoices, renewals and periods from the price's
//! interval are issue 28's billing.

use super::{Context, Deletion, Effects, Lifecycle, Params, set, text};
use serde_json::{Value, json};

pub(crate) struct Subscription;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    /// `POST /v1/subscriptions/{id}/resume` of a paused subscription.
    Resume,
}

impl Lifecycle for Subscription {
    const RESOURCE: &'static str = "subscription";
    type Step = Step;

    fn step(action: &str) -> Option<Step> {
        (action == "resume").then_some(Step::Resume)
    }

    fn created(object: &mut Value, params: &Params, context: &mut Context<'_, '_>) -> Effects {
        let now = context.builder.now;
        let trial = params.contains_key("trial_period_days")
            || params.get("trial_end").is_some_and(Value::is_number);
        let status = if trial {
            "trialing"
        } else if text(object, "payment_behavior") == "default_incomplete"
            || params.get("payment_behavior").and_then(Value::as_str) == Some("default_incomplete")
        {
            "incomplete"
        } else {
            "active"
        };
        set(object, "status", json!(status));
        set(object, "start_date", json!(now));
        set(object, "current_period_start", json!(now));
        if let Some(days) = params.get("trial_period_days").and_then(Value::as_i64) {
            let end = now.saturating_add(days.saturating_mul(86_400));
            set(object, "trial_start", json!(now));
            set(object, "trial_end", json!(end));
        }
        for name in ["canceled_at", "ended_at"] {
            set(object, name, Value::Null);
        }
        if !params.contains_key("cancel_at_period_end") {
            set(object, "cancel_at_period_end", Value::Bool(false));
        }
        Effects::default()
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
        let now = context.builder.now;
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
