//! List and search pages of the stored objects: newest first, filtered by the params that
//! name fields, paged with `limit`, `starting_after` and `ending_before` (lists) or `page`
//! (searches), as Stripe pages them.

use crate::error::envelope;
use crate::objects::Builder;
use crate::store::{Account, Stored, missing};
use crate::table::{Action, Route};
use serde_json::{Map, Value};

/// The params names that page or shape a list rather than filter it.
const LIST_CONTROLS: [&str; 4] = ["limit", "starting_after", "ending_before", "expand"];

/// A list (or search result) page of the stored objects, newest first.
pub(crate) fn page(
    builder: &mut Builder<'_>,
    account: &Account,
    route: &Route,
    response_schema: &Value,
    params: &Map<String, Value>,
    path: &str,
) -> Result<Value, (u16, Value)> {
    let resource = route.def.resource;
    let limit = match params.get("limit").and_then(Value::as_i64) {
        None => 10,
        Some(limit @ 1..=100) => limit as usize,
        Some(_) => {
            return Err((
                400,
                envelope(
                    "invalid_request_error",
                    None,
                    "Invalid limit: must be between 1 and 100",
                    Some("limit"),
                ),
            ));
        }
    };
    let newest_first: Vec<(&String, &Stored)> = if route.def.action == Action::Search {
        // An object listed in two collections (a refund under its charge and in
        // `/v1/refunds`) is found once.
        let mut seen = std::collections::HashSet::new();
        let mut all: Vec<(&String, &Stored)> = account
            .collections
            .values()
            .flatten()
            .filter(|id| seen.insert(id.as_str()))
            .filter_map(|id| account.objects.get_key_value(id))
            .filter(|(_, stored)| stored.resource == resource)
            .collect();
        all.sort_by_key(|(_, stored)| {
            std::cmp::Reverse(stored.value().get("created").and_then(Value::as_i64))
        });
        all
    } else {
        account
            .collections
            .get(listed_at(path))
            .into_iter()
            .flatten()
            .rev()
            .filter_map(|id| account.objects.get_key_value(id))
            .filter(|(_, stored)| stored.resource == resource)
            .collect()
    };
    let item_schema = builder.table.schema(resource);
    let item_properties = item_schema
        .as_deref()
        .and_then(|schema| schema.get("properties"))
        .and_then(Value::as_object);
    // Subscriptions are listed without the canceled ones unless `status` asks for them, and
    // `status=all` lists every one, as on Stripe.
    let subscriptions = resource == "subscription";
    let all_statuses = subscriptions && params.get("status").and_then(Value::as_str) == Some("all");
    let hide_canceled = subscriptions && !params.contains_key("status");
    let filters: Vec<(&String, &Value)> = params
        .iter()
        .filter(|(name, _)| !LIST_CONTROLS.contains(&name.as_str()))
        .filter(|(name, _)| !(all_statuses && *name == "status"))
        .filter(|(name, _)| {
            item_properties.is_some_and(|properties| properties.contains_key(*name))
        })
        .collect();
    // `GET /v1/events` also takes `types`, a list of names of which any may match.
    let types: Option<Vec<&Value>> = params
        .get("types")
        .and_then(Value::as_array)
        .map(|names| names.iter().collect());
    let matching: Vec<(&String, &Stored)> = newest_first
        .into_iter()
        .filter(|(_, stored)| {
            !hide_canceled
                || stored.value().get("status").and_then(Value::as_str) != Some("canceled")
        })
        .filter(|(_, stored)| {
            filters
                .iter()
                .all(|(name, wanted)| matches_filter(stored.value().get(name.as_str()), wanted))
        })
        .filter(|(_, stored)| {
            types.as_ref().is_none_or(|types| {
                stored
                    .value()
                    .get("type")
                    .is_some_and(|actual| types.contains(&actual))
            })
        })
        .collect();
    let position = |param: &str| -> Result<Option<usize>, (u16, Value)> {
        match params.get(param).and_then(Value::as_str) {
            None => Ok(None),
            Some(id) => matching
                .iter()
                .position(|(candidate, _)| candidate.as_str() == id)
                .map(Some)
                .ok_or_else(|| (404, missing(resource, id, param))),
        }
    };
    let search = route.def.action == Action::Search;
    // A search pages with `page`, the opaque `next_page` of the page before, which the fake
    // writes as `page_<offset>`.
    let offset = match params.get("page").and_then(Value::as_str) {
        Some(token) if search => token
            .strip_prefix("page_")
            .and_then(|offset| offset.parse::<usize>().ok())
            .ok_or_else(|| {
                (
                    400,
                    envelope(
                        "invalid_request_error",
                        None,
                        &format!("Invalid page: {token} is not a page this search gave"),
                        Some("page"),
                    ),
                )
            })?,
        _ => 0,
    };
    let (page, has_more) = if search {
        let rest = matching.get(offset..).unwrap_or(&[]);
        (&rest[..rest.len().min(limit)], rest.len() > limit)
    } else if let Some(after) = position("starting_after")? {
        let rest = &matching[after + 1..];
        (&rest[..rest.len().min(limit)], rest.len() > limit)
    } else if let Some(before) = position("ending_before")? {
        let rest = &matching[..before];
        let start = rest.len().saturating_sub(limit);
        (&rest[start..], start > 0)
    } else {
        (
            &matching[..matching.len().min(limit)],
            matching.len() > limit,
        )
    };
    let mut value = builder.build(response_schema, None, 0);
    if let Value::Object(fields) = &mut value {
        fields.insert(
            "data".to_owned(),
            Value::Array(
                page.iter()
                    .map(|(_, stored)| stored.value().clone())
                    .collect(),
            ),
        );
        fields.insert("has_more".to_owned(), Value::Bool(has_more));
        fields.insert("url".to_owned(), Value::String(path.to_owned()));
        if search {
            let next = has_more.then(|| format!("page_{}", offset + limit));
            fields.insert(
                "next_page".to_owned(),
                next.map_or(Value::Null, Value::String),
            );
        }
        let expand = params.get("expand").and_then(Value::as_array);
        if expand.is_some_and(|names| names.iter().any(|name| name == "total_count")) {
            fields.insert("total_count".to_owned(), Value::from(matching.len()));
        }
    }
    Ok(value)
}

/// The collection a list path reads: its own, except `/v1/balance/history`, the older name
/// of `/v1/balance_transactions`, which lists the same transactions.
fn listed_at(path: &str) -> &str {
    if path == "/v1/balance/history" {
        "/v1/balance_transactions"
    } else {
        path
    }
}

/// Whether a field's value passes a list filter: equal, the id of an expanded object, or
/// inside a range (`created[gte]=...`).
fn matches_filter(field: Option<&Value>, wanted: &Value) -> bool {
    let Some(field) = field else {
        return false;
    };
    match wanted {
        Value::Object(range) => {
            let Some(actual) = field.as_i64() else {
                return false;
            };
            range.iter().all(|(op, bound)| {
                let Some(bound) = bound.as_i64() else {
                    return true;
                };
                match op.as_str() {
                    "gt" => actual > bound,
                    "gte" => actual >= bound,
                    "lt" => actual < bound,
                    "lte" => actual <= bound,
                    _ => true,
                }
            })
        }
        _ => field == wanted || field.get("id") == Some(wanted),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn filters_compare_ids_and_ranges() {
        assert!(matches_filter(Some(&json!("cus_1")), &json!("cus_1")));
        assert!(matches_filter(
            Some(&json!({"id": "cus_1"})),
            &json!("cus_1")
        ));
        assert!(!matches_filter(Some(&json!("cus_2")), &json!("cus_1")));
        assert!(matches_filter(Some(&json!(5)), &json!({"gte": 5, "lt": 6})));
        assert!(!matches_filter(
            Some(&json!(6)),
            &json!({"gte": 5, "lt": 6})
        ));
        assert!(!matches_filter(None, &json!("x")));
    }
}
