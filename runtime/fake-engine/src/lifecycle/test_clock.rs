//! Stripe's Test Clocks (`/v1/test_helpers/test_clocks`): a clock frozen at `frozen_time`
//! that the objects of customers created on it (`test_clock=clock_...`) live by. `advance`
//! moves it, and renews the subscriptions attached to it whose periods end by then, as the
//! fake's own clock does for the others. Stripe advances a clock in the background (status
//! `advancing`, then `ready`); the fake does it within the request, so the clock answers
//! `ready` with every renewal done.

use super::subscription::renew_due;
use super::{Context, Effects, Lifecycle, Params, invalid_request, number, set, text};
use serde_json::{Value, json};

/// How long Stripe keeps a test clock: 30 days from its frozen time.
const CLOCK_LIFETIME: i64 = 30 * 86_400;

pub(crate) struct TestClock;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    Advance,
}

impl Lifecycle for TestClock {
    const RESOURCE: &'static str = "test_helpers.test_clock";
    type Step = Step;

    fn step(action: &str) -> Option<Step> {
        (action == "advance").then_some(Step::Advance)
    }

    fn created(object: &mut Value, params: &Params, _context: &mut Context<'_, '_>) -> Effects {
        let frozen = params
            .get("frozen_time")
            .and_then(Value::as_i64)
            .unwrap_or(0);
        set(object, "frozen_time", json!(frozen));
        set(object, "status", json!("ready"));
        set(
            object,
            "deletes_after",
            json!(frozen.saturating_add(CLOCK_LIFETIME)),
        );
        Effects::default()
    }

    fn act(
        step: Step,
        object: &mut Value,
        params: &Params,
        context: &mut Context<'_, '_>,
    ) -> Effects {
        match step {
            Step::Advance => {
                let current = number(object, "frozen_time");
                let Some(target) = params.get("frozen_time").and_then(Value::as_i64) else {
                    return invalid_request(
                        None,
                        "Missing required param: frozen_time.",
                        Some("frozen_time"),
                    );
                };
                if target <= current {
                    return invalid_request(
                        None,
                        "The frozen time must be after the current frozen time of the test clock.",
                        Some("frozen_time"),
                    );
                }
                set(object, "frozen_time", json!(target));
                set(
                    object,
                    "deletes_after",
                    json!(target.saturating_add(CLOCK_LIFETIME)),
                );
                set(object, "status", json!("ready"));
                let id = text(object, "id").to_owned();
                let mut effects = Effects::default();
                effects.record(
                    "test_helpers.test_clock",
                    "test_helpers.test_clock.advancing",
                    object,
                );
                effects.merge(renew_due(context, Some(&id), target));
                effects.record(
                    "test_helpers.test_clock",
                    "test_helpers.test_clock.ready",
                    object,
                );
                effects
            }
        }
    }
}
