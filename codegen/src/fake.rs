//! The fake Stripe's route table (`stripe-sdk-fake`'s `src/gen/`): every selected operation
//! as data (method, path template, what it does to the fake's store, and its params and
//! response schemas as compact JSON), grouped by the same Cargo feature as the SDK's
//! operations, and the component schemas the responses reach.
//!
//! The schemas are data rather than code because the fake only interprets them: a string
//! literal costs the compiler next to nothing, where a type per schema would cost what the
//! SDK's types cost. They are pruned to what the engine reads (types, properties, requirements,
//! enums, `maxLength`, unions), and a response's expandable fields keep only their id
//! alternative, so that the schemas a family reaches stay few.

use crate::Options;
use crate::emit::EmittedFile;
use crate::error::Error;
use crate::features::FeatureMap;
use crate::ir::{Api, HttpMethod};
use crate::render::{GeneratedFile, header, render};
use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::quote;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// The loaded spec, as [`crate::load::parse_spec`] returns it (named here so that callers
/// need not depend on `openapiv3` themselves).
pub use openapiv3::OpenAPI as Spec;

/// What the fake does with an operation, as the engine's `Action` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    Create,
    Retrieve,
    Update,
    Delete,
    List,
    Search,
    Other,
}

impl Action {
    fn name(self) -> &'static str {
        match self {
            Action::Create => "Create",
            Action::Retrieve => "Retrieve",
            Action::Update => "Update",
            Action::Delete => "Delete",
            Action::List => "List",
            Action::Search => "Search",
            Action::Other => "Other",
        }
    }
}

/// One operation's row of the table.
struct Row {
    id: String,
    method: &'static str,
    path: String,
    body: &'static str,
    action: Action,
    resource: String,
    params: String,
    response: String,
    binary: String,
}

/// Generates the fake's `src/gen/` files (paths relative to that folder) for the operations
/// of `api`, reading their schemas from `spec`. With `features`, each family's operations are
/// gated on the SDK's feature for them (a standalone crate); without, nothing is gated (the
/// checked-in crate, whose SDK has no family features). `fixtures` is Stripe's
/// `fixtures3.json`, parsed, where the caller has it: the ids of its objects give the fake its
/// id prefixes (see [`id_prefixes`]).
pub fn generate(
    spec: &openapiv3::OpenAPI,
    api: &Api,
    features: Option<&FeatureMap>,
    fixtures: Option<&Value>,
    options: Options<'_>,
) -> Result<Vec<GeneratedFile>, Error> {
    let document = serde_json::to_value(spec).map_err(|error| Error::Render {
        path: "fake".to_owned(),
        message: format!("the spec cannot be read as JSON: {error}"),
    })?;
    let empty = Map::new();
    let paths = document
        .get("paths")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let components = document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    // By group (the feature or, without features, the module), its operations in IR order.
    let mut groups: BTreeMap<String, Vec<Row>> = BTreeMap::new();
    let mut reached: BTreeSet<String> = BTreeSet::new();
    for (index, operation) in api.operations.iter().enumerate() {
        let method = operation.http_method;
        let raw = paths
            .get(&operation.path.template)
            .and_then(|item| item.get(method.as_str().to_ascii_lowercase()))
            .ok_or_else(|| Error::Render {
                path: "fake".to_owned(),
                message: format!(
                    "operation {} is not at {} {} in the spec",
                    operation.operation_id,
                    method.as_str(),
                    operation.path.template
                ),
            })?;
        let row = row(
            &operation.operation_id,
            &operation.resource_method.method,
            method,
            &operation.path.template,
            raw,
            components,
        );
        for text in [&row.params, &row.response] {
            if let Ok(value) = serde_json::from_str::<Value>(text) {
                collect_refs(&value, &mut reached);
            }
        }
        if !row.resource.is_empty() {
            reached.insert(row.resource.clone());
        }
        let group = match features {
            Some(features) => features
                .operation_gates
                .get(index)
                .cloned()
                .unwrap_or_else(|| operation.module.clone()),
            None => operation.module.clone(),
        };
        groups.entry(group).or_default().push(row);
    }
    // The component schemas the operations reach, through each other.
    let mut schemas: BTreeMap<String, String> = BTreeMap::new();
    let mut pending: Vec<String> = reached.into_iter().collect();
    while let Some(name) = pending.pop() {
        if schemas.contains_key(&name) {
            continue;
        }
        let Some(schema) = components.get(&name) else {
            continue;
        };
        let pruned = prune(schema, true);
        let mut refs = BTreeSet::new();
        collect_refs(&pruned, &mut refs);
        pending.extend(refs.into_iter().filter(|name| !schemas.contains_key(name)));
        schemas.insert(name, pruned.to_string());
    }

    let header = header(options.command, options.spec_file);
    let mut files = Vec::new();
    let mut declarations = Vec::new();
    let mut pushes = Vec::new();
    for (group, rows) in &groups {
        let module = module_ident(group);
        let file_name = format!("{}.rs", file_stem(group));
        let gate = features.map(|_| quote! { #[cfg(feature = #group)] });
        let entries = rows.iter().map(row_tokens);
        let doc = format!(
            " The operations of `{group}`{}.",
            if features.is_some() {
                format!(", compiled with the feature `{group}`")
            } else {
                String::new()
            }
        );
        files.push(render(
            EmittedFile::new(
                file_name.clone(),
                quote! {
                    #![doc = #doc]
                    use stripe_sdk_fake_engine::{Action, BodyKind, OperationDef};
                    pub(crate) const OPERATIONS: &[OperationDef] = &[#(#entries),*];
                },
            ),
            &header,
        )?);
        let path_attribute = (file_stem(group) != module.to_string().trim_start_matches("r#"))
            .then(|| quote! { #[path = #file_name] });
        declarations.push(quote! { #gate #path_attribute mod #module; });
        pushes.push(quote! { #gate all.push(#module::OPERATIONS); });
    }
    let schema_entries = schemas.iter().map(|(name, text)| {
        let text = raw_literal(text);
        quote! { (#name, #text) }
    });
    files.push(render(
        EmittedFile::new(
            "schemas.rs".to_owned(),
            quote! {
                //! The component schemas the operations' params and responses reach, by name,
                //! pruned to what the fake reads; each is parsed the first time it is needed.
                pub(crate) const SCHEMAS: &[(&str, &str)] = &[#(#schema_entries),*];
            },
        ),
        &header,
    )?);
    let api_version = &api.api_version;
    let event_types = event_types(paths);
    let prefix_entries = id_prefixes(components, fixtures)
        .into_iter()
        .map(|(name, prefix)| quote! { (#name, #prefix) });
    files.push(render(
        EmittedFile::new(
            "mod.rs".to_owned(),
            quote! {
                //! The fake's route table, generated from the spec: one module per resource
                //! family, and the schemas they reach.
                mod schemas;
                #(#declarations)*
                pub(crate) use schemas::SCHEMAS;

                /// The spec's `info.version`.
                pub(crate) const API_VERSION: &str = #api_version;

                /// The event names a webhook endpoint's `enabled_events` takes (without `*`),
                /// sorted: the only types the fake gives its events.
                pub(crate) const EVENT_TYPES: &[&str] = &[#(#event_types),*];

                /// The id prefix of each resource whose objects' ids the spec's examples or
                /// Stripe's fixtures show, sorted by resource; `""` where Stripe's ids have
                /// none (coupons). Read whatever the selection, as the lifecycles make objects
                /// of resources that no selected operation returns (charges, events).
                pub(crate) const ID_PREFIXES: &[(&str, &str)] = &[#(#prefix_entries),*];

                /// The operations of every enabled family.
                pub(crate) fn operations() -> Vec<&'static [stripe_sdk_fake_engine::OperationDef]> {
                    #[allow(unused_mut, reason = "no family may be enabled")]
                    let mut all: Vec<&'static [stripe_sdk_fake_engine::OperationDef]> = Vec::new();
                    #(#pushes)*
                    all
                }
            },
        ),
        &header,
    )?);
    Ok(files)
}

/// The event names `POST /v1/webhook_endpoints` takes in `enabled_events`, sorted, without
/// `*`. They are read from the spec whatever the selection, because the fake names its events
/// after them even when it does not route the webhook endpoint operations.
fn event_types(paths: &Map<String, Value>) -> Vec<String> {
    let names: BTreeSet<String> = paths
        .get("/v1/webhook_endpoints")
        .and_then(|item| item.get("post"))
        .and_then(|operation| {
            operation.pointer(
                "/requestBody/content/application~1x-www-form-urlencoded/schema/properties/enabled_events/items/enum",
            )
        })
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .filter(|name| *name != "*")
        .map(str::to_owned)
        .collect();
    names.into_iter().collect()
}

/// The id prefix of every component schema with an `id` property whose ids are shown: by an
/// `example` on that property (the spec's own word), or else by the component's object in
/// Stripe's fixtures. The prefix is the id up to its last `_` (`cs_test` of `cs_test_a1b2`),
/// and empty for an id with no `_` (a coupon's `Z4OV52SU`).
fn id_prefixes(
    components: &Map<String, Value>,
    fixtures: Option<&Value>,
) -> BTreeMap<String, String> {
    let fixture_resources = fixtures
        .and_then(|fixtures| fixtures.get("resources"))
        .and_then(Value::as_object);
    let mut prefixes = BTreeMap::new();
    for (name, schema) in components {
        let Some(id) = schema.pointer("/properties/id") else {
            continue;
        };
        let example = id.get("example").and_then(Value::as_str);
        let fixture = || {
            fixture_resources?
                .get(name)?
                .get("id")
                .and_then(Value::as_str)
        };
        if let Some(shown) = example.or_else(fixture) {
            let prefix = shown.rfind('_').map_or("", |end| &shown[..end]);
            prefixes.insert(name.clone(), prefix.to_owned());
        }
    }
    prefixes
}

/// A group's file name: its name with anything but ASCII letters, digits and `_` replaced.
fn file_stem(group: &str) -> String {
    group
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// A group's module name, raw when it is a keyword.
fn module_ident(group: &str) -> Ident {
    let stem = file_stem(group);
    let stem = if stem.starts_with(|c: char| c.is_ascii_digit()) || stem.is_empty() {
        format!("m_{stem}")
    } else {
        stem
    };
    match syn::parse_str::<Ident>(&stem) {
        Ok(ident) => ident,
        Err(_) => Ident::new_raw(&stem, Span::call_site()),
    }
}

/// `text` as a raw string literal, with enough `#`s that it cannot end early.
fn raw_literal(text: &str) -> TokenStream {
    let mut hashes = String::from("#");
    while text.contains(&format!("\"{hashes}")) {
        hashes.push('#');
    }
    let literal = format!("r{hashes}\"{text}\"{hashes}");
    literal.parse::<TokenStream>().unwrap_or_else(|_| {
        let literal = Literal::string(text);
        quote! { #literal }
    })
}

fn row_tokens(row: &Row) -> TokenStream {
    let Row {
        id,
        method,
        path,
        body,
        action,
        resource,
        params,
        response,
        binary,
    } = row;
    let body = Ident::new(body, Span::call_site());
    let action = Ident::new(action.name(), Span::call_site());
    let params = raw_literal(params);
    let response = raw_literal(response);
    quote! {
        OperationDef {
            id: #id,
            method: #method,
            path: #path,
            body: BodyKind::#body,
            action: Action::#action,
            resource: #resource,
            params: #params,
            response: #response,
            binary: #binary,
        }
    }
}

/// The component a `$ref` names (`#/components/schemas/customer` -> `customer`).
fn ref_name(reference: &str) -> &str {
    reference
        .strip_prefix("#/components/schemas/")
        .unwrap_or(reference)
}

/// The row for one operation of the spec (`raw` is its operation object).
fn row(
    id: &str,
    resource_method: &str,
    method: HttpMethod,
    path: &str,
    raw: &Value,
    components: &Map<String, Value>,
) -> Row {
    let content = raw.pointer("/requestBody/content");
    let form = content.and_then(|content| content.get("application/x-www-form-urlencoded"));
    let multipart = content.and_then(|content| content.get("multipart/form-data"));
    let query: Vec<&Value> = raw
        .get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|parameter| parameter.get("in").and_then(Value::as_str) == Some("query"))
        .collect();
    let body_schema = multipart
        .or(form)
        .and_then(|body| body.get("schema"))
        .map(|schema| prune(schema, false));
    // GET and DELETE send every param in the query string, as the SDK does: their query
    // parameters and the properties of the (usually empty) form body Stripe's spec gives them.
    let (body, params) = match (method, body_schema) {
        (HttpMethod::Post, Some(schema)) => {
            let kind = if multipart.is_some() {
                "Multipart"
            } else {
                "Form"
            };
            (kind, schema.to_string())
        }
        (HttpMethod::Post, None) => ("None", String::new()),
        (HttpMethod::Get | HttpMethod::Delete, body_schema) => {
            let mut properties = body_schema
                .as_ref()
                .and_then(|schema| schema.get("properties"))
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default();
            let mut required: Vec<Value> = body_schema
                .as_ref()
                .and_then(|schema| schema.get("required"))
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            for parameter in query {
                let Some(name) = parameter.get("name").and_then(Value::as_str) else {
                    continue;
                };
                let schema = parameter
                    .get("schema")
                    .map_or(Value::Null, |schema| prune(schema, false));
                properties.insert(name.to_owned(), schema);
                if parameter.get("required").and_then(Value::as_bool) == Some(true) {
                    required.push(Value::String(name.to_owned()));
                }
            }
            if properties.is_empty() {
                ("None", String::new())
            } else {
                let mut schema = Map::new();
                schema.insert("type".to_owned(), Value::String("object".to_owned()));
                schema.insert("properties".to_owned(), Value::Object(properties));
                schema.insert("additionalProperties".to_owned(), Value::Bool(false));
                if !required.is_empty() {
                    schema.insert("required".to_owned(), Value::Array(required));
                }
                ("Query", Value::Object(schema).to_string())
            }
        }
    };
    let success = raw
        .get("responses")
        .and_then(Value::as_object)
        .and_then(|responses| {
            responses
                .iter()
                .find(|(code, _)| code.starts_with('2'))
                .map(|(_, response)| response)
        });
    let content = success.and_then(|response| response.get("content"));
    let json = content
        .and_then(|content| content.get("application/json"))
        .and_then(|media| media.get("schema"));
    let (response, binary) = match json {
        Some(schema) => (prune(schema, true), String::new()),
        None => {
            let media = content
                .and_then(Value::as_object)
                .and_then(|content| content.keys().next().cloned())
                .unwrap_or_else(|| "application/octet-stream".to_owned());
            (Value::Null, media)
        }
    };
    let (action, resource) = classify(method, resource_method, path, &response, components);
    Row {
        id: id.to_owned(),
        method: method.as_str(),
        path: path.to_owned(),
        body,
        action,
        resource,
        params,
        response: if binary.is_empty() {
            response.to_string()
        } else {
            String::new()
        },
        binary,
    }
}

/// What the fake does with an operation, from its HTTP method, the method lowering gave it on
/// its resource's handle (`create`, `confirm`), its path and its response; the resource is
/// the component whose objects it stores or reads.
fn classify(
    method: HttpMethod,
    resource_method: &str,
    path: &str,
    response: &Value,
    components: &Map<String, Value>,
) -> (Action, String) {
    let has_id = |name: &str| {
        components
            .get(name)
            .and_then(|schema| schema.pointer("/properties/id"))
            .is_some()
    };
    let object_enum = response
        .pointer("/properties/object/enum/0")
        .and_then(Value::as_str);
    if let Some(kind @ ("list" | "search_result")) = object_enum {
        let item = response
            .pointer("/properties/data/items/$ref")
            .and_then(Value::as_str)
            .filter(|item| has_id(item));
        let action = if kind == "list" {
            Action::List
        } else {
            Action::Search
        };
        return match item {
            Some(item) if method == HttpMethod::Get => (action, item.to_owned()),
            _ => (Action::Other, String::new()),
        };
    }
    // A union of an object and its deleted stub (`GET /v1/customers/{customer}`) reads the
    // object.
    let alternative = || {
        response
            .get("anyOf")
            .or_else(|| response.get("oneOf"))
            .and_then(Value::as_array)?
            .iter()
            .filter_map(|alternative| alternative.get("$ref").and_then(Value::as_str))
            .find(|name| !name.starts_with("deleted_") && has_id(name))
    };
    let Some(name) = response
        .get("$ref")
        .and_then(Value::as_str)
        .or_else(alternative)
    else {
        return (Action::Other, String::new());
    };
    let ends_with_param = path.ends_with('}');
    let has_params = path.contains('{');
    match (method, ends_with_param) {
        (HttpMethod::Delete, true) => {
            let resource = name
                .strip_prefix("deleted_")
                .filter(|stored| components.contains_key(*stored))
                .unwrap_or(name);
            (Action::Delete, resource.to_owned())
        }
        // A create without an id (a connection token) still applies its params; only
        // objects with ids are stored.
        (HttpMethod::Post, false) if !has_params => (Action::Create, name.to_owned()),
        (_, _) if !has_id(name) => (Action::Other, String::new()),
        (HttpMethod::Get, true) => (Action::Retrieve, name.to_owned()),
        (HttpMethod::Post, true) => (Action::Update, name.to_owned()),
        // Lowering decided what the operation is on its handle: `create` stores a new object
        // under the path (`POST /v1/customers/{customer}/sources`), any other method is an
        // action on the object the path's last parameter names (`confirm`, or the test
        // helper `advance` of `/v1/test_helpers/test_clocks/{test_clock}/advance`).
        (HttpMethod::Post, false) if resource_method == "create" => {
            (Action::Create, name.to_owned())
        }
        (HttpMethod::Post, false) => (Action::Other, name.to_owned()),
        _ => (Action::Other, String::new()),
    }
}

/// Every component name a pruned schema's `$ref`s name.
fn collect_refs(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(fields) => {
            if let Some(Value::String(name)) = fields.get("$ref") {
                out.insert(name.clone());
            }
            for child in fields.values() {
                collect_refs(child, out);
            }
        }
        Value::Array(items) => {
            for item in items {
                collect_refs(item, out);
            }
        }
        _ => {}
    }
}

/// The keys of `schema` that the fake reads, recursively, with `$ref`s naming components by
/// name. In a response (`response`), an expandable field keeps only its id alternative: the
/// fake stores objects by id and expands from its store, never from the schema.
fn prune(schema: &Value, response: bool) -> Value {
    let Value::Object(fields) = schema else {
        return schema.clone();
    };
    let expandable = response && fields.contains_key("x-expansionResources");
    let mut out = Map::new();
    for (key, value) in fields {
        let kept = match key.as_str() {
            "$ref" => Value::String(ref_name(value.as_str().unwrap_or("")).to_owned()),
            "type"
            | "nullable"
            | "required"
            | "enum"
            | "maxLength"
            | "x-stripeBypassValidation" => value.clone(),
            "format" if value.as_str() == Some("unix-time") => value.clone(),
            "items" => prune(value, response),
            "additionalProperties" => prune(value, response),
            "anyOf" | "oneOf" => match value {
                Value::Array(alternatives) => Value::Array(
                    alternatives
                        .iter()
                        .filter(|alternative| !(expandable && alternative.get("$ref").is_some()))
                        .map(|alternative| prune(alternative, response))
                        .collect(),
                ),
                other => other.clone(),
            },
            "properties" => match value {
                Value::Object(properties) => Value::Object(
                    properties
                        .iter()
                        .map(|(name, property)| (name.clone(), prune(property, response)))
                        .collect(),
                ),
                other => other.clone(),
            },
            _ => continue,
        };
        out.insert(key.clone(), kept);
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expandable_fields_keep_their_id_in_responses_only() {
        let schema = serde_json::json!({
            "description": "gone",
            "anyOf": [{"type": "string", "maxLength": 5000}, {"$ref": "#/components/schemas/customer"}],
            "nullable": true,
            "x-expansionResources": {"oneOf": [{"$ref": "#/components/schemas/customer"}]},
        });
        assert_eq!(
            prune(&schema, true),
            serde_json::json!({"anyOf": [{"type": "string", "maxLength": 5000}], "nullable": true})
        );
        assert_eq!(
            prune(&schema, false),
            serde_json::json!({"anyOf": [{"type": "string", "maxLength": 5000}, {"$ref": "customer"}], "nullable": true})
        );
    }

    #[test]
    fn id_prefixes_come_from_examples_then_fixtures() {
        let components = serde_json::json!({
            "charge": {"properties": {"id": {"type": "string"}}},
            "checkout.session": {"properties": {"id": {"type": "string"}}},
            "coupon": {"properties": {"id": {"type": "string"}}},
            "terminal.reader": {"properties": {"id": {"type": "string", "example": "tmr_FDOt2wlRZEdpd7"}}},
            "unseen": {"properties": {"id": {"type": "string"}}},
            "no_id": {"properties": {"object": {"type": "string"}}},
        });
        let fixtures = serde_json::json!({"resources": {
            "charge": {"id": "ch_1NnlpSGPxmnHQRkJcYsK19E8"},
            "checkout.session": {"id": "cs_test_a1GY7ro6JZfWvbmb"},
            "coupon": {"id": "Z4OV52SU"},
            "terminal.reader": {"id": "rdr_from_the_fixture"},
            "no_id": {"id": "x_1"},
        }});
        let components = components.as_object().expect("an object");
        let prefixes: Vec<(String, String)> = id_prefixes(components, Some(&fixtures))
            .into_iter()
            .collect();
        let expected = [
            ("charge", "ch"),
            ("checkout.session", "cs_test"),
            ("coupon", ""),
            ("terminal.reader", "tmr"),
        ];
        assert_eq!(
            prefixes,
            expected.map(|(name, prefix)| (name.to_owned(), prefix.to_owned()))
        );
        // Without fixtures, only the spec's examples speak.
        assert_eq!(id_prefixes(components, None).len(), 1);
    }

    #[test]
    fn raw_literals_outlast_their_contents() {
        assert_eq!(raw_literal("{\"a\":1}").to_string(), "r#\"{\"a\":1}\"#");
        assert_eq!(raw_literal("\"#").to_string(), "r##\"\"#\"##");
    }
}
