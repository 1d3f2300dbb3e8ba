//! Required params built from an operation's params schema, with values that pass its checks,
//! for tests that call every operation (`FakeStripe::sample_params`).

use crate::table::{Route, Table};
use crate::validate::resolve;
use serde_json::{Map, Value};

pub(crate) fn sample_params(table: &Table, route: &Route) -> Value {
    sample(table, &route.params(), 0)
}

fn sample(table: &Table, schema: &Value, depth: usize) -> Value {
    if depth > 16 {
        return Value::Null;
    }
    let mut holder = None;
    let schema = resolve(table, schema, &mut holder).clone();
    if let Some(alternatives) = schema
        .get("anyOf")
        .or_else(|| schema.get("oneOf"))
        .and_then(Value::as_array)
    {
        let chosen = alternatives.iter().find(|alternative| {
            alternative
                .get("enum")
                .and_then(Value::as_array)
                .is_none_or(|values| values.first() != Some(&Value::String(String::new())))
        });
        return chosen.map_or(Value::Null, |chosen| sample(table, chosen, depth + 1));
    }
    if let Some(first) = schema
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|v| v.first())
    {
        return first.clone();
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("object") => {
            let properties = schema.get("properties").and_then(Value::as_object);
            let mut out = Map::new();
            for name in schema
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                if let Some(property) = properties.and_then(|properties| properties.get(name)) {
                    let value = if name == "url" && depth == 0 {
                        // A webhook endpoint's URL must be one (the fake refuses others, as
                        // Stripe does); loopback's discard port, where nothing listens, so
                        // that deliveries to it fail at once and never leave the machine.
                        Value::String("http://127.0.0.1:9/stripe-sdk-fake-sample".to_owned())
                    } else {
                        sample(table, property, depth + 1)
                    };
                    out.insert(name.to_owned(), value);
                }
            }
            // A hash with nothing in it cannot be sent (the form encoding has no empty hash),
            // so a nested object gets its first field when none is required.
            if out.is_empty()
                && depth > 0
                && let Some((name, property)) =
                    properties.and_then(|properties| properties.iter().next())
            {
                out.insert(name.clone(), sample(table, property, depth + 1));
            }
            Value::Object(out)
        }
        Some("array") => {
            let items = schema.get("items").cloned().unwrap_or(Value::Null);
            Value::Array(vec![sample(table, &items, depth + 1)])
        }
        Some("integer") => Value::from(1),
        Some("number") => Value::from(1.0),
        Some("boolean") => Value::Bool(true),
        _ => Value::String("x".to_owned()),
    }
}
