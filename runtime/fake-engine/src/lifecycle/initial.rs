//! Stripe's documented starting values where the spec gives no `default` and the state is
//! not the params': a product and a price are active unless the params say otherwise, and a
//! price's `type` follows `recurring`. These resources have no steps of their own.

use super::{Context, Effects, Lifecycle, Params, set};
use serde_json::{Value, json};
use std::convert::Infallible;

/// Sets `active` to true unless the params set it.
fn active_unless_given(object: &mut Value, params: &Params) {
    if !params.contains_key("active") {
        set(object, "active", Value::Bool(true));
    }
}

pub(crate) struct Product;

impl Lifecycle for Product {
    const RESOURCE: &'static str = "product";
    type Step = Infallible;

    fn step(_action: &str) -> Option<Infallible> {
        None
    }

    fn created(object: &mut Value, params: &Params, _context: &mut Context<'_, '_>) -> Effects {
        active_unless_given(object, params);
        Effects::default()
    }

    fn act(step: Infallible, _: &mut Value, _: &Params, _: &mut Context<'_, '_>) -> Effects {
        match step {}
    }
}

pub(crate) struct Price;

impl Lifecycle for Price {
    const RESOURCE: &'static str = "price";
    type Step = Infallible;

    fn step(_action: &str) -> Option<Infallible> {
        None
    }

    /// Active, `recurring` when the params give an interval and `one_time` otherwise, and
    /// `billing_scheme` `per_unit` unless the params say `tiered`.
    fn created(object: &mut Value, params: &Params, _context: &mut Context<'_, '_>) -> Effects {
        active_unless_given(object, params);
        let recurring = params.get("recurring").is_some_and(Value::is_object);
        set(
            object,
            "type",
            json!(if recurring { "recurring" } else { "one_time" }),
        );
        if !recurring {
            set(object, "recurring", Value::Null);
        }
        if !params.contains_key("billing_scheme") {
            set(object, "billing_scheme", json!("per_unit"));
        }
        Effects::default()
    }

    fn act(step: Infallible, _: &mut Value, _: &Params, _: &mut Context<'_, '_>) -> Effects {
        match step {}
    }
}
