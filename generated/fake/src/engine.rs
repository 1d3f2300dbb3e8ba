//! The engine: answers one request as Stripe would, from the route table and the instance's
//! state (stored objects per connected account, idempotent results, the clock, the request log
//! and the queued failures). It knows nothing of HTTP framing, which `server.rs` does.

use crate::error::envelope;
use crate::failure::{Failure, FailureKind};
use crate::form;
use crate::objects::{Builder, Ids};
use crate::table::{Action, BodyKind, Route, Table};
use crate::validate::{self, resolve};
use crate::{RecordedRequest, UnknownIds};
use bytes::Bytes;
use serde_json::{Map, Value, json};
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Mutex, MutexGuard};

/// Which API keys the fake accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Keys {
    /// Exactly this one.
    Exact(String),
    /// Any test-mode secret or restricted key (`sk_test_...`, `rk_test_...`), as stripe-mock.
    AnyTest,
}

/// How an instance behaves, fixed when it starts.
pub(crate) struct Config {
    pub keys: Keys,
    pub unknown_ids: UnknownIds,
    pub fixtures: Option<Map<String, Value>>,
    pub api_version: &'static str,
}

/// A request, as the server read it.
pub(crate) struct Incoming {
    pub method: String,
    pub path: String,
    pub query: String,
    pub authorization: Option<String>,
    pub idempotency_key: Option<String>,
    pub stripe_account: Option<String>,
    pub stripe_version: Option<String>,
    pub content_type: Option<String>,
    pub body: Bytes,
}

/// The answer to send.
pub(crate) struct Outgoing {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Bytes,
    pub headers: Vec<(&'static str, String)>,
}

/// A stored object.
struct Stored {
    resource: &'static str,
    value: Value,
}

/// The objects of one account (the platform's is keyed `""`).
#[derive(Default)]
struct Account {
    objects: HashMap<String, Stored>,
    /// By concrete collection path (`/v1/customers`), the ids created there, oldest first.
    collections: HashMap<String, Vec<String>>,
    deleted: HashSet<String>,
}

/// A result kept for an idempotency key.
struct Replay {
    fingerprint: String,
    status: u16,
    body: Bytes,
}

struct State {
    accounts: HashMap<String, Account>,
    idempotency: HashMap<(String, String), Replay>,
    log: Vec<RecordedRequest>,
    failures: VecDeque<Failure>,
    ids: Ids,
    now: i64,
}

pub(crate) struct Engine {
    pub table: Table,
    pub config: Config,
    state: Mutex<State>,
}

/// The params names that page or shape a list rather than filter it.
const LIST_CONTROLS: [&str; 4] = ["limit", "starting_after", "ending_before", "expand"];

impl Engine {
    pub fn new(table: Table, config: Config, seed: u64, now: i64) -> Engine {
        Engine {
            table,
            config,
            state: Mutex::new(State {
                accounts: HashMap::new(),
                idempotency: HashMap::new(),
                log: Vec::new(),
                failures: VecDeque::new(),
                ids: Ids::new(seed),
                now,
            }),
        }
    }

    /// The state; a panic while it was held cannot leave it half-written in a way that matters
    /// to a fake, so a poisoned lock is used as it is.
    fn state(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn fail_next(&self, failure: Failure) {
        self.state().failures.push_back(failure);
    }

    /// The failure the next request gets, if one is queued.
    pub fn take_failure(&self) -> Option<Failure> {
        let mut state = self.state();
        let front = state.failures.front_mut()?;
        if front.times > 1 {
            front.times -= 1;
            return Some(front.clone());
        }
        state.failures.pop_front()
    }

    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.state().log.clone()
    }

    pub fn clear_requests(&self) {
        self.state().log.clear();
    }

    pub fn now(&self) -> i64 {
        self.state().now
    }

    pub fn advance_clock(&self, seconds: i64) {
        self.state().now += seconds;
    }

    /// How many objects are stored, over all accounts.
    pub fn stored_objects(&self) -> usize {
        self.state()
            .accounts
            .values()
            .map(|account| account.objects.len())
            .sum()
    }

    /// Records a request that got no answer (a dropped connection).
    pub fn record_dropped(&self, incoming: &Incoming) {
        let operation_id = self
            .table
            .find(&incoming.method, &incoming.path)
            .map(|(route, _)| route.def.id);
        let mut state = self.state();
        let request_id = format!("req_{}", state.ids.token(14));
        state.log.push(RecordedRequest {
            operation_id,
            method: incoming.method.clone(),
            path: incoming.path.clone(),
            params: Value::Null,
            idempotency_key: incoming.idempotency_key.clone(),
            stripe_account: incoming.stripe_account.clone(),
            status: None,
            replayed: false,
            request_id,
            response: Value::Null,
        });
    }

    /// Answers `incoming`; `failure` is an injected status failure to answer with instead.
    pub fn handle(&self, incoming: &Incoming, failure: Option<&Failure>) -> Outgoing {
        let found = self.table.find(&incoming.method, &incoming.path);
        let operation_id = found.as_ref().map(|(route, _)| route.def.id);
        let mut extra_headers = Vec::new();
        let mut params = Value::Null;
        let mut replayed = false;
        let (status, body) = 'answer: {
            if let Some(Failure {
                kind:
                    FailureKind::Status {
                        status,
                        error_type,
                        code,
                        message,
                    },
                should_retry,
                retry_after,
                ..
            }) = failure
            {
                if let Some(retry) = should_retry {
                    extra_headers.push(("Stripe-Should-Retry", retry.to_string()));
                }
                if let Some(seconds) = retry_after {
                    extra_headers.push(("Retry-After", seconds.to_string()));
                }
                break 'answer (
                    *status,
                    envelope(error_type, code.as_deref(), message, None),
                );
            }
            if let Some(refusal) = self.authenticate(incoming.authorization.as_deref()) {
                break 'answer refusal;
            }
            let Some((route, path_values)) = found else {
                break 'answer (
                    404,
                    envelope(
                        "invalid_request_error",
                        None,
                        &format!(
                            "Unrecognized request URL ({}: {}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.",
                            incoming.method, incoming.path
                        ),
                        None,
                    ),
                );
            };
            let decoded = match self.decode(route, incoming) {
                Ok(decoded) => decoded,
                Err(refusal) => break 'answer refusal,
            };
            params = decoded;
            let account = incoming.stripe_account.clone().unwrap_or_default();
            let idempotent = incoming.method == "POST";
            let mut state = self.state();
            let fingerprint = match (&incoming.idempotency_key, idempotent) {
                (Some(key), true) => {
                    let fingerprint = format!("{} {} {}", incoming.method, incoming.path, params);
                    if let Some(replay) = state.idempotency.get(&(account.clone(), key.clone())) {
                        if replay.fingerprint == fingerprint {
                            replayed = true;
                            extra_headers.push(("Idempotent-Replayed", "true".to_owned()));
                            let status = replay.status;
                            let body = replay.body.clone();
                            drop(state);
                            return self.finish(
                                incoming,
                                operation_id,
                                params,
                                status,
                                Answer::Bytes(body, "application/json"),
                                extra_headers,
                                replayed,
                            );
                        }
                        break 'answer (
                            400,
                            envelope(
                                "idempotency_error",
                                None,
                                &format!(
                                    "Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '{key}' if you meant to execute a different request."
                                ),
                                None,
                            ),
                        );
                    }
                    Some((key.clone(), fingerprint))
                }
                _ => None,
            };
            let (status, answer) = self.execute(
                &mut state,
                route,
                &path_values,
                &params,
                &account,
                &incoming.path,
            );
            if let (Some((key, fingerprint)), Answer::Json(body)) = (fingerprint, &answer) {
                let bytes = Bytes::from(body.to_string());
                state.idempotency.insert(
                    (account, key),
                    Replay {
                        fingerprint,
                        status,
                        body: bytes,
                    },
                );
            }
            drop(state);
            return self.finish(
                incoming,
                operation_id,
                params,
                status,
                answer,
                extra_headers,
                replayed,
            );
        };
        self.finish(
            incoming,
            operation_id,
            params,
            status,
            Answer::Json(body),
            extra_headers,
            replayed,
        )
    }

    /// Logs the request and builds the answer with Stripe's headers.
    #[allow(
        clippy::too_many_arguments,
        reason = "one private call site per outcome"
    )]
    fn finish(
        &self,
        incoming: &Incoming,
        operation_id: Option<&'static str>,
        params: Value,
        status: u16,
        answer: Answer,
        mut headers: Vec<(&'static str, String)>,
        replayed: bool,
    ) -> Outgoing {
        let (body, content_type, response) = match answer {
            Answer::Json(value) => {
                let body = Bytes::from(value.to_string());
                (body, "application/json", value)
            }
            Answer::Bytes(body, content_type) => {
                let response = if content_type == "application/json" {
                    serde_json::from_slice(&body).unwrap_or(Value::Null)
                } else {
                    Value::Null
                };
                (body, content_type, response)
            }
        };
        let mut state = self.state();
        let request_id = format!("req_{}", state.ids.token(14));
        state.log.push(RecordedRequest {
            operation_id,
            method: incoming.method.clone(),
            path: incoming.path.clone(),
            params,
            idempotency_key: incoming.idempotency_key.clone(),
            stripe_account: incoming.stripe_account.clone(),
            status: Some(status),
            replayed,
            request_id: request_id.clone(),
            response,
        });
        drop(state);
        headers.push(("Request-Id", request_id));
        headers.push((
            "Stripe-Version",
            incoming
                .stripe_version
                .clone()
                .unwrap_or_else(|| self.config.api_version.to_owned()),
        ));
        if let Some(key) = &incoming.idempotency_key {
            headers.push(("Idempotency-Key", key.clone()));
        }
        Outgoing {
            status,
            content_type,
            body,
            headers,
        }
    }

    /// `None` when the key is accepted, else Stripe's 401.
    fn authenticate(&self, authorization: Option<&str>) -> Option<(u16, Value)> {
        let key = authorization
            .and_then(|value| value.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|key| !key.is_empty());
        let Some(key) = key else {
            return Some((
                401,
                envelope(
                    "invalid_request_error",
                    None,
                    "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
                    None,
                ),
            ));
        };
        let accepted = match &self.config.keys {
            Keys::Exact(expected) => key == expected,
            Keys::AnyTest => key.starts_with("sk_test_") || key.starts_with("rk_test_"),
        };
        if accepted {
            return None;
        }
        // Stripe shows only the key's last four characters.
        let tail: String = key
            .chars()
            .rev()
            .take(4)
            .collect::<Vec<char>>()
            .into_iter()
            .rev()
            .collect();
        Some((
            401,
            envelope(
                "invalid_request_error",
                None,
                &format!("Invalid API Key provided: sk_test_********{tail}"),
                None,
            ),
        ))
    }

    /// Decodes and checks the request's params.
    fn decode(&self, route: &Route, incoming: &Incoming) -> Result<Value, (u16, Value)> {
        let invalid = |param: &str, code: Option<&str>, message: &str| {
            let param = (!param.is_empty()).then_some(param);
            (400, envelope("invalid_request_error", code, message, param))
        };
        let node = match route.def.body {
            BodyKind::Query | BodyKind::None if incoming.method != "POST" => {
                form::decode(&incoming.query)
            }
            BodyKind::Multipart => form::decode_multipart(
                &incoming.body,
                incoming.content_type.as_deref().unwrap_or(""),
            ),
            _ => match std::str::from_utf8(&incoming.body) {
                Ok(text) => form::decode(text),
                Err(_) => return Err(invalid("", None, "The request body is not UTF-8.")),
            },
        }
        .map_err(|error| invalid(&error.param, None, &error.message))?;
        let schema = route.params();
        validate::check(&self.table, &schema, &node)
            .map_err(|error| invalid(&error.param, error.code, &error.message))
    }

    /// Performs the operation on the state.
    fn execute(
        &self,
        state: &mut State,
        route: &Route,
        path_values: &[String],
        params: &Value,
        account_key: &str,
        path: &str,
    ) -> (u16, Answer) {
        if !route.def.binary.is_empty() {
            return (
                200,
                Answer::Bytes(
                    Bytes::from_static(b"%PDF-1.4\n% stripe-sdk-fake\n%%EOF\n"),
                    route.def.binary,
                ),
            );
        }
        let response_schema = route.response();
        let resource = route.def.resource;
        let empty = Map::new();
        let params_map = params.as_object().unwrap_or(&empty);
        let expand: Vec<String> = params_map
            .get("expand")
            .and_then(Value::as_array)
            .map(|items| {
                items
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        let State {
            accounts, ids, now, ..
        } = state;
        let mut builder = Builder {
            table: &self.table,
            fixtures: self.config.fixtures.as_ref(),
            ids,
            now: *now,
        };
        let account = accounts.entry(account_key.to_owned()).or_default();
        let resource_schema = (!resource.is_empty())
            .then(|| self.table.schema(resource))
            .flatten();
        // The response is the stored kind itself, or a union that includes it.
        let names_resource =
            |schema: &Value| schema.get("$ref").and_then(Value::as_str) == Some(resource);
        let response_names_resource = names_resource(&response_schema)
            || response_schema
                .get("anyOf")
                .or_else(|| response_schema.get("oneOf"))
                .and_then(Value::as_array)
                .is_some_and(|alternatives| alternatives.iter().any(names_resource));
        let mut result = match route.def.action {
            Action::Create if response_names_resource => {
                let mut object = builder.object(&json!({ "$ref": resource }));
                if let (Value::Object(fields), Some(schema)) = (&mut object, &resource_schema) {
                    apply_params(&mut builder, fields, params_map, schema, false);
                }
                if let Some(id) = object.get("id").and_then(Value::as_str) {
                    let id = id.to_owned();
                    account
                        .collections
                        .entry(path.to_owned())
                        .or_default()
                        .push(id.clone());
                    account.objects.insert(
                        id,
                        Stored {
                            resource,
                            value: object.clone(),
                        },
                    );
                }
                object
            }
            Action::Retrieve | Action::Update | Action::Delete | Action::Other
                if !resource.is_empty() && !path_values.is_empty() =>
            {
                let Some(id) = path_values.last() else {
                    return (500, Answer::Json(Value::Null));
                };
                let existing = account
                    .objects
                    .get(id)
                    .filter(|stored| stored.resource == resource)
                    .map(|stored| stored.value.clone());
                let object = match existing {
                    Some(object) => object,
                    None if account.deleted.contains(id)
                        || self.config.unknown_ids == UnknownIds::Missing =>
                    {
                        return (404, Answer::Json(missing(resource, id, "id")));
                    }
                    None => {
                        // Synthesized, as stripe-mock answers any id, and stored so that it
                        // stays the same object from now on.
                        let schema = json!({ "$ref": resource });
                        let mut object = builder.object(&schema);
                        if let Value::Object(fields) = &mut object {
                            fields.insert("id".to_owned(), Value::String(id.clone()));
                        }
                        let parent = path.rsplit_once('/').map_or("", |(parent, _)| parent);
                        account
                            .collections
                            .entry(parent.to_owned())
                            .or_default()
                            .push(id.clone());
                        account.objects.insert(
                            id.clone(),
                            Stored {
                                resource,
                                value: object.clone(),
                            },
                        );
                        object
                    }
                };
                match route.def.action {
                    Action::Update => {
                        let mut object = object;
                        if let (Value::Object(fields), Some(schema)) =
                            (&mut object, &resource_schema)
                        {
                            apply_params(&mut builder, fields, params_map, schema, true);
                        }
                        if let Some(stored) = account.objects.get_mut(id) {
                            stored.value = object.clone();
                        }
                        object
                    }
                    Action::Delete => {
                        account.objects.remove(id);
                        account.deleted.insert(id.clone());
                        if response_names_resource {
                            object
                        } else {
                            let mut stub = builder.build(&response_schema, None, 0);
                            if let Value::Object(fields) = &mut stub {
                                fields.insert("id".to_owned(), Value::String(id.clone()));
                                if fields.contains_key("deleted") {
                                    fields.insert("deleted".to_owned(), Value::Bool(true));
                                }
                            }
                            stub
                        }
                    }
                    _ if response_names_resource => object,
                    _ => builder.object(&response_schema),
                }
            }
            Action::List | Action::Search if !resource.is_empty() => {
                match list(
                    &mut builder,
                    account,
                    route,
                    &response_schema,
                    params_map,
                    path,
                ) {
                    Ok(list) => list,
                    Err(refusal) => return (refusal.0, Answer::Json(refusal.1)),
                }
            }
            _ => builder.object(&response_schema),
        };
        for path in &expand {
            let segments: Vec<&str> = path.split('.').collect();
            expand_path(&mut result, &segments, account);
        }
        (200, Answer::Json(result))
    }
}

/// A body to answer with.
enum Answer {
    Json(Value),
    Bytes(Bytes, &'static str),
}

/// Stripe's 404 for an id it does not know.
fn missing(resource: &str, id: &str, param: &str) -> Value {
    let kind = resource.rsplit('.').next().unwrap_or(resource);
    envelope(
        "invalid_request_error",
        Some("resource_missing"),
        &format!("No such {kind}: '{id}'"),
        Some(param),
    )
}

/// Applies create or update params to the fields of the same name, as far as each value fits
/// the field; `metadata` is merged key by key and `""` deletes a key (or, on update, unsets a
/// field).
fn apply_params(
    builder: &mut Builder<'_>,
    fields: &mut Map<String, Value>,
    params: &Map<String, Value>,
    schema: &Value,
    update: bool,
) {
    // Resolved without copying: the schema is read on every create and update.
    let table = builder.table;
    let mut holder = None;
    let schema = resolve(table, schema, &mut holder);
    let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
        return;
    };
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|names| names.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    for (name, value) in params {
        if matches!(
            name.as_str(),
            "expand" | "id" | "object" | "created" | "livemode"
        ) {
            continue;
        }
        let Some(property) = properties.get(name) else {
            continue;
        };
        if name == "metadata" {
            let mut merged = match (update, fields.get("metadata")) {
                (true, Some(Value::Object(existing))) => existing.clone(),
                _ => Map::new(),
            };
            match value {
                Value::Object(entries) => {
                    for (key, entry) in entries {
                        match entry {
                            Value::String(text) if text.is_empty() => {
                                merged.remove(key);
                            }
                            other => {
                                merged.insert(key.clone(), other.clone());
                            }
                        }
                    }
                }
                // `metadata=` clears every key.
                _ => merged.clear(),
            }
            fields.insert(name.clone(), Value::Object(merged));
            continue;
        }
        if value.as_str() == Some("")
            && property.get("type").and_then(Value::as_str) != Some("string")
        {
            if property.get("nullable").and_then(Value::as_bool) == Some(true) {
                fields.insert(name.clone(), Value::Null);
            } else if !required.contains(&name.as_str()) {
                fields.remove(name);
            }
            continue;
        }
        if let Some(fitted) = builder.conform(value, property, 0) {
            fields.insert(name.clone(), fitted);
        }
    }
}

/// A list (or search result) page of the stored objects, newest first.
fn list(
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
        let mut all: Vec<(&String, &Stored)> = account
            .collections
            .values()
            .flatten()
            .filter_map(|id| account.objects.get_key_value(id))
            .filter(|(_, stored)| stored.resource == resource)
            .collect();
        all.sort_by_key(|(_, stored)| {
            std::cmp::Reverse(stored.value.get("created").and_then(Value::as_i64))
        });
        all
    } else {
        account
            .collections
            .get(path)
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
    let filters: Vec<(&String, &Value)> = params
        .iter()
        .filter(|(name, _)| !LIST_CONTROLS.contains(&name.as_str()))
        .filter(|(name, _)| {
            item_properties.is_some_and(|properties| properties.contains_key(*name))
        })
        .collect();
    let matching: Vec<(&String, &Stored)> = newest_first
        .into_iter()
        .filter(|(_, stored)| {
            filters
                .iter()
                .all(|(name, wanted)| matches_filter(stored.value.get(name.as_str()), wanted))
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
    let (page, has_more) = if let Some(after) = position("starting_after")? {
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
                    .map(|(_, stored)| stored.value.clone())
                    .collect(),
            ),
        );
        fields.insert("has_more".to_owned(), Value::Bool(has_more));
        fields.insert("url".to_owned(), Value::String(path.to_owned()));
    }
    Ok(value)
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

/// Replaces the id at `segments` (a dotted `expand` path) with the stored object it names,
/// through arrays (`data.customer` on a list).
fn expand_path(value: &mut Value, segments: &[&str], account: &Account) {
    let Some((first, rest)) = segments.split_first() else {
        return;
    };
    match value {
        Value::Array(items) => {
            for item in items {
                expand_path(item, segments, account);
            }
        }
        Value::Object(fields) => {
            let Some(field) = fields.get_mut(*first) else {
                return;
            };
            if let Value::String(id) = field
                && let Some(stored) = account.objects.get(id.as_str())
            {
                *field = stored.value.clone();
            }
            if !rest.is_empty() {
                expand_path(field, rest, account);
            }
        }
        _ => {}
    }
}

/// Required params built from an operation's params schema, with values that pass its checks
/// (for tests that call every operation).
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
                    out.insert(name.to_owned(), sample(table, property, depth + 1));
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

#[cfg(test)]
mod tests {
    use super::*;

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
