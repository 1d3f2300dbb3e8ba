//! Payment methods: `attach` gives one a customer and `detach` takes it away. Stripe's test
//! payment methods (`pm_card_visa`) are made into a new `pm_...` each time they are used by
//! id, which the action stage does before the step (see `actions.rs`).

use super::{Context, Effects, Lifecycle, Params, set};
use serde_json::Value;

pub(crate) struct PaymentMethod;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    Attach,
    Detach,
}

impl Lifecycle for PaymentMethod {
    const RESOURCE: &'static str = "payment_method";
    type Step = Step;

    fn step(action: &str) -> Option<Step> {
        match action {
            "attach" => Some(Step::Attach),
            "detach" => Some(Step::Detach),
            _ => None,
        }
    }

    fn created(_object: &mut Value, _params: &Params, _context: &mut Context<'_, '_>) -> Effects {
        Effects::default()
    }

    fn act(
        step: Step,
        object: &mut Value,
        params: &Params,
        context: &mut Context<'_, '_>,
    ) -> Effects {
        match step {
            Step::Attach => {
                let customer = params.get("customer").and_then(Value::as_str).unwrap_or("");
                if (context.lookup)(customer, "customer").is_none() {
                    return super::missing_object("customer", customer, "customer");
                }
                set(object, "customer", Value::String(customer.to_owned()));
                Effects::event("payment_method", "payment_method.attached", object)
            }
            Step::Detach => {
                set(object, "customer", Value::Null);
                Effects::event("payment_method", "payment_method.detached", object)
            }
        }
    }
}
