//! The action stage of the pipeline: what an operation does to the store (create, retrieve,
//! update, delete, list, search, or a step of a lifecycle), and the answer it gives, with
//! `expand` applied.

use crate::UnknownIds;
use crate::engine::{Engine, State};
use crate::error::envelope;
use crate::events::{self, Change, Snapshot, Write};
use crate::lifecycle::{self, Context, Deletion, Effects, Params};
use crate::list;
use crate::objects::Builder;
use crate::pipeline::Answer;
use crate::store::{Account, Stored, missing};
use crate::table::{Action, Route};
use crate::validate::resolve;
use bytes::Bytes;
use serde_json::{Map, Value, json};

/// What one action needs of the request.
pub(crate) struct Request<'a> {
    pub route: &'a Route,
    /// The path parameters' values, in template order.
    pub path_values: &'a [String],
    pub params: &'a Params,
    /// The concrete path (`/v1/customers/cus_1/sources`), the collection a create lists in.
    pub path: &'a str,
    /// Whether ids that name no stored object are Stripe's 404 (not the stripe-mock-like
    /// mode).
    pub strict: bool,
}

impl Engine {
    /// Performs the operation on the state, adding what it stored, changed or deleted to
    /// `writes` (for their events).
    #[allow(
        clippy::too_many_arguments,
        reason = "one private call site; the request's parts as the pipeline has them"
    )]
    pub(crate) fn execute(
        &self,
        state: &mut State,
        route: &Route,
        path_values: &[String],
        params: &Value,
        account_key: &str,
        path: &str,
        writes: &mut Vec<Write>,
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
        if let Some(refusal) = check_webhook_url(route, params) {
            return (refusal.0, Answer::Json(refusal.1));
        }
        let empty = Map::new();
        let request = Request {
            route,
            path_values,
            params: params.as_object().unwrap_or(&empty),
            path,
            strict: self.config.unknown_ids == UnknownIds::Missing,
        };
        let State {
            store, ids, now, ..
        } = state;
        let mut builder = Builder {
            table: &self.table,
            fixtures: self.config.fixtures.as_ref(),
            ids,
            now: *now,
        };
        let account = store.account(account_key);
        let result = self.act(&mut builder, account, &request, writes);
        let answer = match result {
            Ok(Answer::Json(mut value)) => {
                for expand in request
                    .params
                    .get("expand")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                {
                    let segments: Vec<&str> = expand.split('.').collect();
                    expand_path(&mut value, &segments, account);
                }
                (200, Answer::Json(value))
            }
            Ok(answer) => (200, answer),
            Err((status, body)) => (status, Answer::Json(body)),
        };
        // What the request made in other accounts (a destination charge's payment to the
        // connected account) is stored there, without events of its own.
        if !account.outbox.is_empty() {
            for (other, resource, collection, object) in std::mem::take(&mut account.outbox) {
                store
                    .account(&other)
                    .store_created(resource, collection, object);
            }
        }
        answer
    }

    fn act(
        &self,
        builder: &mut Builder<'_>,
        account: &mut Account,
        request: &Request<'_>,
        writes: &mut Vec<Write>,
    ) -> Result<Answer, (u16, Value)> {
        let route = request.route;
        let resource = route.def.resource;
        let response_schema = route.response();
        let answers_resource = names_resource(&response_schema, resource);
        if self.config.unknown_ids == UnknownIds::Missing {
            self.check_parents(account, request)?;
        }
        // A stored object still held as the JSON its create answered is answered as those
        // bytes, unless `expand` will change it.
        if route.def.action == Action::Retrieve
            && answers_resource
            && !request.params.contains_key("expand")
            && let Some(id) = request.path_values.last()
            && let Some(json) = account.get(resource, id).and_then(Stored::json)
        {
            return Ok(Answer::Serialized(json.clone(), Value::Null));
        }
        let answer = match route.def.action {
            Action::Create if answers_resource => return create(builder, account, request, writes),
            Action::Retrieve | Action::Update | Action::Delete | Action::Other
                if !resource.is_empty() && !request.path_values.is_empty() =>
            {
                let (id, object, synthesized) = self.find(builder, account, request)?;
                match route.def.action {
                    Action::Update => Ok(update(builder, account, request, &id, object, writes)),
                    Action::Delete => delete(builder, account, request, &id, object, writes),
                    Action::Other
                        if !synthesized && lifecycle::follows(resource, route.def.verb()) =>
                    {
                        step(builder, account, request, &id, object, writes)
                    }
                    _ if answers_resource => Ok(object),
                    _ => Ok(builder.object(&response_schema)),
                }
            }
            Action::List | Action::Search if !resource.is_empty() => list::page(
                builder,
                account,
                route,
                &response_schema,
                request.params,
                request.path,
            ),
            // The balance is the sum of the balance transactions, as they stand now.
            _ if route.def.id == "GetBalance" => Ok(lifecycle::balance(
                account
                    .objects
                    .values()
                    .filter(|stored| stored.resource == "balance_transaction")
                    .map(Stored::value),
            )),
            _ => Ok(builder.object(&response_schema)),
        };
        answer.map(Answer::Json)
    }

    /// The stored object the path's last parameter names, or one made up for it in the
    /// stripe-mock-like mode; else Stripe's 404 naming the path parameter (or, for a deleted
    /// object whose retrieve declares one, its deleted stub, as an `Err` with status 200:
    /// the answer as it is, with no action taken).
    fn find(
        &self,
        builder: &mut Builder<'_>,
        account: &mut Account,
        request: &Request<'_>,
    ) -> Result<(String, Value, bool), (u16, Value)> {
        let resource = request.route.def.resource;
        let Some(id) = request.path_values.last() else {
            return Err((500, Value::Null));
        };
        if let Some(stored) = account.get(resource, id) {
            return Ok((id.clone(), stored.value().clone(), stored.synthesized));
        }
        if resource == "payment_method" && lifecycle::is_test_payment_method(id) {
            // Stripe makes a new payment method of each use of a test one.
            let blank = builder.object(&json!({ "$ref": resource }));
            let object = lifecycle::payment_method_from_token(blank, id, builder.now);
            let fresh = object
                .get("id")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            let collection = builder
                .table
                .create_path(resource)
                .unwrap_or("/v1/payment_methods");
            account.insert(resource, collection, fresh.clone(), object.clone(), false);
            return Ok((fresh, object, false));
        }
        if account.was_deleted(resource, id) {
            // A deleted object whose retrieve declares a deleted stub is answered as that
            // stub, with 200, as Stripe does.
            let response = request.route.response();
            if request.route.def.action == Action::Retrieve && has_deleted_stub(&response) {
                return Err((200, deleted_stub(builder, &response, resource, id)));
            }
            return Err((404, missing(resource, id, "id")));
        }
        if self.config.unknown_ids == UnknownIds::Missing {
            return Err((404, missing(resource, id, "id")));
        }
        // Synthesized, as stripe-mock answers any id, and stored so that it stays the same
        // object from now on.
        let mut object = builder.object(&json!({ "$ref": resource }));
        if let Value::Object(fields) = &mut object {
            crate::objects::set_id(fields, id.clone());
        }
        let parent = request
            .path
            .rsplit_once('/')
            .map_or("", |(parent, _)| parent);
        account.insert(resource, parent, id.clone(), object.clone(), true);
        Ok((id.clone(), object, true))
    }
}

impl Engine {
    /// Stripe's 404 for a path parameter that names no object (`cus_nope` of
    /// `DELETE /v1/customers/cus_nope/sources/card_1`), naming the parameter. Each parameter
    /// is checked against the resource its own retrieve reads (`GET /v1/customers/{customer}`);
    /// the last one of an operation on a stored object is `find`'s to check, and a parameter
    /// with no retrieve of its own (a country code) is not checked.
    fn check_parents(&self, account: &Account, request: &Request<'_>) -> Result<(), (u16, Value)> {
        let route = request.route;
        let own_last = !route.def.resource.is_empty()
            && matches!(
                route.def.action,
                Action::Retrieve | Action::Update | Action::Delete | Action::Other
            );
        let mut prefix = String::new();
        let mut index = 0;
        for segment in route.def.path.trim_start_matches('/').split('/') {
            prefix.push('/');
            prefix.push_str(segment);
            let Some(name) = segment
                .strip_prefix('{')
                .and_then(|rest| rest.strip_suffix('}'))
            else {
                continue;
            };
            let Some(value) = request.path_values.get(index) else {
                break;
            };
            index += 1;
            if own_last && index == request.path_values.len() {
                break;
            }
            let Some(resource) = self.table.retrieved_at(&prefix) else {
                continue;
            };
            let test_method =
                resource == "payment_method" && lifecycle::is_test_payment_method(value);
            if account.get(resource, value).is_none() && !test_method {
                return Err((404, missing(resource, value, name)));
            }
        }
        Ok(())
    }
}

/// Whether a response schema is a union with a deleted stub (`deleted_customer`).
fn has_deleted_stub(schema: &Value) -> bool {
    schema
        .get("anyOf")
        .or_else(|| schema.get("oneOf"))
        .and_then(Value::as_array)
        .is_some_and(|alternatives| {
            alternatives.iter().any(|alternative| {
                alternative
                    .get("$ref")
                    .and_then(Value::as_str)
                    .is_some_and(|name| name.starts_with("deleted_"))
            })
        })
}

/// Whether a response schema is the stored kind itself, or a union that includes it.
fn names_resource(schema: &Value, resource: &str) -> bool {
    let names = |schema: &Value| schema.get("$ref").and_then(Value::as_str) == Some(resource);
    names(schema)
        || schema
            .get("anyOf")
            .or_else(|| schema.get("oneOf"))
            .and_then(Value::as_array)
            .is_some_and(|alternatives| alternatives.iter().any(names))
}

fn create(
    builder: &mut Builder<'_>,
    account: &mut Account,
    request: &Request<'_>,
    writes: &mut Vec<Write>,
) -> Result<Answer, (u16, Value)> {
    let resource = request.route.def.resource;
    let mut object = builder.object(&json!({ "$ref": resource }));
    if let (Value::Object(fields), Some(schema)) = (&mut object, builder.table.schema(resource)) {
        apply_params(builder, fields, request.params, &schema, false);
        // An `id` the params give (the operation's schema lets the caller choose one, as for
        // products, plans and coupons) is the object's id.
        if let Some(id) = request.params.get("id").and_then(Value::as_str)
            && fields.contains_key("id")
        {
            fields.insert("id".to_owned(), Value::String(id.to_owned()));
        }
    }
    // A nested collection's create (`POST /v1/charges/{charge}/refunds`) names its parent
    // in the path; the lifecycle reads it as the param of the same name, and the object's
    // field of that name, where it has one unset, names it too (a subscription made under
    // `/v1/customers/{customer}/subscriptions` is that customer's).
    let mut with_parent = None;
    if let Some(parent) = request.path_values.last() {
        let name = request
            .route
            .def
            .path
            .rsplit('{')
            .next()
            .and_then(|rest| rest.split_once('}'))
            .map_or("", |(name, _)| name);
        if !name.is_empty() && !request.params.contains_key(name) {
            let mut params = request.params.clone();
            params.insert(name.to_owned(), Value::String(parent.clone()));
            with_parent = Some(params);
            if let Value::Object(fields) = &mut object
                && fields
                    .get(name)
                    .is_some_and(|field| field.is_null() || field.as_str() == Some(""))
            {
                fields.insert(name.to_owned(), Value::String(parent.clone()));
            }
        }
    }
    let params = with_parent.as_ref().unwrap_or(request.params);
    let effects = in_context(builder, account, request.strict, |context| {
        lifecycle::created(resource, &mut object, params, context)
    });
    if effects.refused_outright() {
        return apply_effects(account, effects, writes).map(|()| Answer::Json(object));
    }
    let id = object.get("id").and_then(Value::as_str).map(str::to_owned);
    // The answer is the object as its `created` event has it, unless the answer will differ:
    // `expand` replaces ids with objects in it, and a webhook endpoint's create answers its
    // secret. Otherwise the answer is serialized once, and its event keeps those bytes
    // (`Snapshot::Json`) while the object is moved into the store, copied for neither.
    let shared =
        id.is_some() && resource != "webhook_endpoint" && !request.params.contains_key("expand");
    let answer = if shared {
        let (json, object) = account.store_new_answered(resource, request.path, object, writes);
        Answer::Serialized(json, object)
    } else {
        account.store_new(resource, request.path, object.clone(), writes);
        Answer::Json(object)
    };
    // An object created under a parent (`POST /v1/charges/{charge}/refunds`) is listed in its
    // resource's own collection too (`GET /v1/refunds`), as on Stripe.
    if with_parent.is_some()
        && let Some(top) = builder.table.create_path(resource)
        && top != request.path
        && let Some(id) = &id
    {
        account.list_also(top, id);
    }
    apply_effects(account, effects, writes)?;
    Ok(answer)
}

fn update(
    builder: &mut Builder<'_>,
    account: &mut Account,
    request: &Request<'_>,
    id: &str,
    mut object: Value,
    writes: &mut Vec<Write>,
) -> Value {
    let resource = request.route.def.resource;
    let old = object.clone();
    if let (Value::Object(fields), Some(schema)) = (&mut object, builder.table.schema(resource)) {
        apply_params(builder, fields, request.params, &schema, true);
    }
    if let Some(stored) = account.get_mut(resource, id) {
        stored.set_value(object.clone());
    }
    writes.push(Write {
        resource,
        change: Change::Updated(events::previous_attributes(&old, &object)),
        object: Snapshot::Value(object.clone()),
    });
    object
}

fn delete(
    builder: &mut Builder<'_>,
    account: &mut Account,
    request: &Request<'_>,
    id: &str,
    mut object: Value,
    writes: &mut Vec<Write>,
) -> Result<Value, (u16, Value)> {
    let resource = request.route.def.resource;
    let deletion = in_context(builder, account, request.strict, |context| {
        lifecycle::deleted(resource, &mut object, context)
    });
    if let Deletion::Kept(effects) = deletion {
        if let Some(stored) = account.get_mut(resource, id) {
            stored.set_value(object.clone());
        }
        apply_effects(account, effects, writes)?;
        return Ok(object);
    }
    account.delete(resource, id);
    writes.push(Write {
        resource,
        change: Change::Deleted,
        object: Snapshot::Value(object.clone()),
    });
    let response_schema = request.route.response();
    if names_resource(&response_schema, resource) && response_schema.get("$ref").is_some() {
        return Ok(object);
    }
    Ok(deleted_stub(builder, &response_schema, resource, id))
}

/// The deleted stub Stripe answers for a deleted object (`{"id", "object", "deleted": true}`),
/// built from the `deleted_*` alternative of `schema` (the delete's or the retrieve's
/// response).
pub(crate) fn deleted_stub(
    builder: &mut Builder<'_>,
    schema: &Value,
    resource: &str,
    id: &str,
) -> Value {
    let stub_schema = schema
        .get("anyOf")
        .or_else(|| schema.get("oneOf"))
        .and_then(Value::as_array)
        .and_then(|alternatives| {
            alternatives.iter().find(|alternative| {
                alternative
                    .get("$ref")
                    .and_then(Value::as_str)
                    .is_some_and(|name| name.starts_with("deleted_"))
            })
        })
        .unwrap_or(schema);
    let mut stub = builder.build(stub_schema, None, 0);
    if let Value::Object(fields) = &mut stub {
        fields.insert("id".to_owned(), Value::String(id.to_owned()));
        fields.insert("deleted".to_owned(), Value::Bool(true));
        if fields.get("object").is_none_or(Value::is_null) {
            fields.insert("object".to_owned(), Value::String(resource.to_owned()));
        }
    }
    stub
}

fn step(
    builder: &mut Builder<'_>,
    account: &mut Account,
    request: &Request<'_>,
    id: &str,
    mut object: Value,
    writes: &mut Vec<Write>,
) -> Result<Value, (u16, Value)> {
    let resource = request.route.def.resource;
    let effects = in_context(builder, account, request.strict, |context| {
        lifecycle::act(
            resource,
            request.route.def.verb(),
            &mut object,
            request.params,
            context,
        )
        .unwrap_or_default()
    });
    if let Some(stored) = account.get_mut(resource, id) {
        stored.set_value(object.clone());
    }
    apply_effects(account, effects, writes)?;
    Ok(object)
}

/// Runs `body` with a lifecycle's context over the account's stored objects.
pub(crate) fn in_context<T>(
    builder: &mut Builder<'_>,
    account: &Account,
    strict: bool,
    body: impl FnOnce(&mut Context<'_, '_>) -> T,
) -> T {
    let lookup = |id: &str, kind: &str| account.value(kind, id);
    let scan = |kind: &str| account.values_of(kind);
    let mut context = Context {
        builder,
        lookup: &lookup,
        scan: &scan,
        strict,
    };
    body(&mut context)
}

/// Stores what a lifecycle step changed and made, and adds its events after the created
/// objects' own; its refusal, if any, is the answer.
pub(crate) fn apply_effects(
    account: &mut Account,
    effects: Effects,
    writes: &mut Vec<Write>,
) -> Result<(), (u16, Value)> {
    for (other, value) in effects.others {
        if let Some(stored) = account.objects.get_mut(&other) {
            stored.set_value(value);
        }
    }
    for (resource, collection, object) in effects.created {
        account.store_new(resource, collection, object, writes);
    }
    account.outbox.extend(effects.elsewhere);
    for (kind, name, object) in effects.events {
        writes.push(Write {
            resource: kind,
            change: Change::Event(name),
            object: Snapshot::Value(object),
        });
    }
    match effects.refusal {
        Some(refusal) => Err(refusal),
        None => Ok(()),
    }
}

/// Refuses a webhook endpoint's `url` that is not an absolute `http` or `https` URL, as
/// Stripe does, before anything is stored: deliveries go nowhere else.
fn check_webhook_url(route: &Route, params: &Value) -> Option<(u16, Value)> {
    if route.def.resource != "webhook_endpoint"
        || !matches!(route.def.action, Action::Create | Action::Update)
    {
        return None;
    }
    let url = params.get("url").and_then(Value::as_str)?;
    let fine = reqwest::Url::parse(url)
        .is_ok_and(|parsed| matches!(parsed.scheme(), "http" | "https") && parsed.has_host());
    (!fine).then(|| {
        (
            400,
            envelope(
                "invalid_request_error",
                Some("url_invalid"),
                &format!("Invalid URL: {url}"),
                Some("url"),
            ),
        )
    })
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
                *field = stored.value().clone();
            }
            if !rest.is_empty() {
                expand_path(field, rest, account);
            }
        }
        _ => {}
    }
}
