//! Connect accounts and account links. A new account has not been onboarded: charges and
//! payouts are not enabled, no details are submitted, and each capability requested is listed
//! as `inactive`, until our test helper completes its onboarding (`POST
//! /v1/test_helpers/accounts/{account}/complete_onboarding`, as if its owner had finished
//! Stripe's hosted onboarding): then charges and payouts are enabled, and every capability is
//! `active`. An account link is a one-time `https://` URL that expires after five
//! minutes, as Stripe's do.

use super::{Context, Effects, Lifecycle, Params, set, text};
use serde_json::{Map, Value, json};
use std::convert::Infallible;

/// How long an account link stays valid: five minutes, as on Stripe.
const ACCOUNT_LINK_LIFETIME: i64 = 300;

pub(crate) struct Account;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    /// Our test helper's completion of the account's onboarding.
    CompleteOnboarding,
}

impl Lifecycle for Account {
    const RESOURCE: &'static str = "account";
    type Step = Step;

    fn step(action: &str) -> Option<Step> {
        (action == "complete_onboarding").then_some(Step::CompleteOnboarding)
    }

    fn created(object: &mut Value, params: &Params, context: &mut Context<'_, '_>) -> Effects {
        for name in ["charges_enabled", "payouts_enabled", "details_submitted"] {
            set(object, name, Value::Bool(false));
        }
        set(object, "created", json!(context.builder.now));
        let mut capabilities = Map::new();
        if let Some(requested) = params.get("capabilities").and_then(Value::as_object) {
            for (name, request) in requested {
                if request.get("requested").and_then(Value::as_bool) == Some(true) {
                    capabilities.insert(name.clone(), json!("inactive"));
                }
            }
        }
        set(object, "capabilities", Value::Object(capabilities));
        if !params.contains_key("type") && text(object, "type").is_empty() {
            set(object, "type", json!("custom"));
        }
        Effects::default()
    }

    fn act(step: Step, object: &mut Value, _: &Params, _: &mut Context<'_, '_>) -> Effects {
        match step {
            Step::CompleteOnboarding => {
                for name in ["charges_enabled", "payouts_enabled", "details_submitted"] {
                    set(object, name, Value::Bool(true));
                }
                let mut capabilities = object
                    .get("capabilities")
                    .and_then(Value::as_object)
                    .cloned()
                    .unwrap_or_default();
                for status in capabilities.values_mut() {
                    *status = json!("active");
                }
                set(object, "capabilities", Value::Object(capabilities));
                if let Some(requirements) = object.get_mut("requirements") {
                    for name in [
                        "currently_due",
                        "eventually_due",
                        "past_due",
                        "pending_verification",
                    ] {
                        set(requirements, name, json!([]));
                    }
                    set(requirements, "disabled_reason", Value::Null);
                }
                Effects::event("account", "account.updated", object)
            }
        }
    }
}

pub(crate) struct AccountLink;

impl Lifecycle for AccountLink {
    const RESOURCE: &'static str = "account_link";
    type Step = Infallible;

    fn step(_action: &str) -> Option<Infallible> {
        None
    }

    fn created(object: &mut Value, params: &Params, context: &mut Context<'_, '_>) -> Effects {
        let now = context.builder.now;
        let account = params.get("account").and_then(Value::as_str).unwrap_or("");
        let token = context.builder.ids.token(24);
        let url = format!("https://connect.stripe.com/setup/s/{account}/{token}");
        set(object, "url", Value::String(url));
        set(object, "created", json!(now));
        set(
            object,
            "expires_at",
            json!(now.saturating_add(ACCOUNT_LINK_LIFETIME)),
        );
        Effects::default()
    }

    fn act(step: Infallible, _: &mut Value, _: &Params, _: &mut Context<'_, '_>) -> Effects {
        match step {}
    }
}
