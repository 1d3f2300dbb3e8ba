//! Random OpenAPI documents in Stripe's shapes, for the property tests (`codegen/tests/
//! properties.rs`) and the compile check of sampled outputs (`xtask/tests/compile_samples.rs`).
//!
//! Most documents are ones the generator should accept: every operation has a unique
//! operationId, declares each name of its path template, has a JSON success response, and its
//! schemas reference only components that exist. They exercise lowering and emitting: objects,
//! enums, unions dispatched by `object`, nullable and expandable fields, maps, lists, recursion,
//! query params, form and multipart bodies, binary responses and awkward names. A minority
//! (about one in seven) then gets one mutation that the generator must refuse with an error: a
//! missing operationId, an undeclared path name, a dangling or external `$ref`, an unsupported
//! content type or construct, no success response, a duplicate operationId, or text that is no
//! longer JSON. `properties.rs` measures the share that reaches code generation.

use proptest::prelude::*;
use serde_json::{Value, json};

/// Component names, including ones that are Rust keywords or start with a digit once converted.
pub const COMPONENTS: &[&str] = &["thing", "other.thing", "3d", "type", "Self", "item"];

/// Property and parameter names: mostly plain, sometimes keywords, digits, punctuation or
/// non-ASCII, as a spec may hold them.
fn field_name() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => "[a-z][a-z_0-9]{0,7}",
        1 => prop::sample::select(vec![
            "type", "self", "Self", "ref", "async", "3d", "a-b", "a.b", "_x", "0", "_", "é",
            "object", "id", "data",
        ])
        .prop_map(str::to_owned),
    ]
}

/// Enum values as Stripe writes them, with the odd one out.
fn enum_values() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(
        prop_oneof![
            6 => "[a-z][a-z_]{0,7}",
            1 => prop::sample::select(vec!["", "3ds", "a.b", "a-b", "UPPER", "type", "é"])
                .prop_map(str::to_owned),
        ],
        1..4,
    )
}

fn component_ref() -> impl Strategy<Value = Value> {
    prop::sample::select(COMPONENTS)
        .prop_map(|name| json!({"$ref": format!("#/components/schemas/{name}")}))
}

/// Scalars every side shares.
fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        (0usize..3).prop_map(|i| json!({"type": "string", "maxLength": i * 5000})),
        Just(json!({"type": "string"})),
        enum_values().prop_map(|values| json!({"type": "string", "enum": values})),
        Just(json!({"type": "integer", "format": "unix-time"})),
        Just(json!({"type": "integer"})),
        Just(json!({"type": "number"})),
        Just(json!({"type": "boolean"})),
    ]
}

/// An object with `properties`, the first one required.
fn object_of(fields: impl Strategy<Value = Value>, closed: bool) -> impl Strategy<Value = Value> {
    prop::collection::btree_map(field_name(), fields, 1..5).prop_map(move |properties| {
        let required: Vec<&String> = properties.keys().take(1).collect();
        let mut object = json!({"type": "object", "properties": properties, "required": required});
        if closed {
            object["additionalProperties"] = json!(false);
        }
        object
    })
}

fn array_of(items: impl Strategy<Value = Value>) -> impl Strategy<Value = Value> {
    items.prop_map(|items| json!({"type": "array", "items": items}))
}

fn map_of(values: impl Strategy<Value = Value>) -> impl Strategy<Value = Value> {
    values.prop_map(|values| json!({"type": "object", "additionalProperties": values}))
}

/// Schemas of what Stripe sends back: they may name components (any of them, so references
/// resolve, recursion included).
pub fn response_schema() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![4 => scalar(), 2 => component_ref(), 1 => Just(json!({}))];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            3 => object_of(inner.clone(), false),
            1 => array_of(inner.clone()),
            1 => map_of(inner.clone()),
            1 => component_ref().prop_map(|target| json!({"anyOf": [target], "nullable": true})),
            1 => (component_ref(), any::<bool>()).prop_map(|(target, nullable)| json!({
                "anyOf": [{"type": "string", "maxLength": 5000}, target],
                "nullable": nullable,
                "x-expansionResources": {"oneOf": [target]},
            })),
            1 => prop::collection::vec(component_ref(), 2..4)
                .prop_map(|alternatives| json!({"anyOf": alternatives})),
            1 => inner.prop_map(|items| json!({
                "type": "object",
                "properties": {
                    "object": {"type": "string", "enum": ["list"]},
                    "data": {"type": "array", "items": items},
                    "has_more": {"type": "boolean"},
                    "url": {"type": "string", "maxLength": 5000},
                },
                "required": ["object", "data", "has_more", "url"],
            })),
        ]
    })
}

/// A component: an object that says what it is in its `object` field, as Stripe's resources
/// do, so unions of components dispatch on it.
fn component(name: &'static str) -> impl Strategy<Value = Value> {
    object_of(response_schema(), false).prop_map(move |mut object| {
        object["properties"]["object"] = json!({"type": "string", "enum": [name]});
        object
    })
}

/// Schemas of what we send: inline only (a component may not serve both directions), with
/// Stripe's `""`-to-clear alternative.
fn request_schema() -> impl Strategy<Value = Value> {
    scalar().prop_recursive(2, 16, 4, |inner| {
        prop_oneof![
            2 => object_of(inner.clone(), true),
            1 => array_of(inner.clone()),
            1 => map_of(inner.clone()),
            1 => inner.prop_map(|value| json!({"anyOf": [value, {"type": "string", "enum": [""]}]})),
        ]
    })
}

/// A multipart body's fields: files (sometimes several) beside ordinary values.
fn multipart_field() -> impl Strategy<Value = Value> {
    prop_oneof![
        3 => request_schema(),
        2 => Just(json!({"type": "string", "format": "binary"})),
        1 => Just(json!({"type": "array", "items": {"type": "string", "format": "binary"}})),
    ]
}

#[derive(Debug, Clone, Copy)]
enum Method {
    Get,
    Post,
    Delete,
}

/// One operation: `(path, method, operation)`, valid; `index` keeps its operationId unique.
fn operation(index: usize) -> impl Strategy<Value = (String, String, Value)> {
    let path = prop::sample::select(vec![
        "/v1/things",
        "/v1/things/{thing}",
        "/v1/a.b/{x}/{y}",
        "/v1/things/{thing}/lines/{id}",
        "/v1/3d/{type}",
    ]);
    let method = prop::sample::select(vec![Method::Get, Method::Post, Method::Delete]);
    let query = prop::collection::btree_map(field_name(), request_schema(), 0..3);
    let body = prop_oneof![
        2 => object_of(request_schema(), true)
            .prop_map(|schema| Some(("application/x-www-form-urlencoded", schema))),
        1 => object_of(multipart_field(), true)
            .prop_map(|schema| Some(("multipart/form-data", schema))),
        1 => Just(None),
    ];
    let response = prop_oneof![
        6 => response_schema().prop_map(|schema| json!({"application/json": {"schema": schema}})),
        1 => Just(json!({"application/pdf": {"schema": {"type": "string", "format": "binary"}}})),
    ];
    (path, method, query, body, response, any::<bool>()).prop_map(
        move |(path, method, query, body, response, max_length)| {
            let id = format!(
                "{method:?}{}{index}",
                path.replace(['/', '{', '}', '.'], "_")
            );
            let mut parameters: Vec<Value> = template_names(path)
                .map(|name| {
                    let mut schema = json!({"type": "string"});
                    if max_length {
                        schema["maxLength"] = json!(5000);
                    }
                    json!({"name": name, "in": "path", "required": true, "schema": schema})
                })
                .collect();
            let mut operation = json!({
                "operationId": id,
                "responses": {"200": {"description": "ok", "content": response}},
            });
            match method {
                Method::Get | Method::Delete => {
                    for (name, schema) in query {
                        parameters.push(json!({
                            "name": name, "in": "query", "required": false,
                            "style": "deepObject", "explode": true, "schema": schema,
                        }));
                    }
                }
                Method::Post => {
                    if let Some((content_type, schema)) = body {
                        operation["requestBody"] =
                            json!({"content": {content_type: {"schema": schema}}});
                    }
                }
            }
            operation["parameters"] = json!(parameters);
            let method = format!("{method:?}").to_lowercase();
            (path.to_owned(), method, operation)
        },
    )
}

fn template_names(path: &str) -> impl Iterator<Item = &str> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
}

/// One way to break a valid document, each refused by a different check.
#[derive(Debug, Clone)]
pub enum Mutation {
    NoOperationId,
    UndeclaredPathName,
    DanglingRef,
    ExternalRef,
    JsonRequestBody,
    NoSuccessResponse,
    DuplicateOperationId,
    AllOf,
    UnsupportedMethod,
    NotJson(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        Just(Mutation::NoOperationId),
        Just(Mutation::UndeclaredPathName),
        Just(Mutation::DanglingRef),
        Just(Mutation::ExternalRef),
        Just(Mutation::JsonRequestBody),
        Just(Mutation::NoSuccessResponse),
        Just(Mutation::DuplicateOperationId),
        Just(Mutation::AllOf),
        Just(Mutation::UnsupportedMethod),
        any::<usize>().prop_map(Mutation::NotJson),
    ]
}

/// The document's operations, in order.
fn operations_mut(document: &mut Value) -> Vec<&mut Value> {
    let Some(paths) = document["paths"].as_object_mut() else {
        return Vec::new();
    };
    paths
        .values_mut()
        .filter_map(Value::as_object_mut)
        .flat_map(|item| item.values_mut())
        .collect()
}

/// `document` broken by `mutation`, as text.
fn apply(mut document: Value, mutation: &Mutation) -> String {
    let dangling =
        |reference: &str| json!({"type": "object", "properties": {"x": {"$ref": reference}}});
    let first = |document: &mut Value, change: &dyn Fn(&mut Value)| {
        if let Some(operation) = operations_mut(document).into_iter().next() {
            change(operation);
        }
    };
    match mutation {
        Mutation::NoOperationId => first(&mut document, &|operation| {
            if let Some(object) = operation.as_object_mut() {
                object.remove("operationId");
            }
        }),
        Mutation::UndeclaredPathName => {
            document["paths"]["/v1/undeclared/{name}"] = json!({"get": {
                "operationId": "GetUndeclared",
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "string"}}}}},
            }});
        }
        Mutation::DanglingRef => {
            document["components"]["schemas"]["thing"] = dangling("#/components/schemas/missing");
        }
        Mutation::ExternalRef => {
            document["components"]["schemas"]["thing"] = dangling("elsewhere.yaml#/x");
        }
        Mutation::JsonRequestBody => first(&mut document, &|operation| {
            operation["requestBody"] =
                json!({"content": {"application/json": {"schema": {"type": "object"}}}});
        }),
        Mutation::NoSuccessResponse => first(&mut document, &|operation| {
            operation["responses"] = json!({"400": {"description": "no"}});
        }),
        Mutation::DuplicateOperationId => {
            let operation = operations_mut(&mut document).into_iter().next().cloned();
            if let Some(operation) = operation {
                document["paths"]["/v1/duplicate"] = json!({"get": operation});
            }
        }
        Mutation::AllOf => {
            document["components"]["schemas"]["thing"] =
                json!({"allOf": [{"type": "object", "properties": {"a": {"type": "string"}}}]});
        }
        Mutation::UnsupportedMethod => {
            document["paths"]["/v1/put"] = json!({"put": {
                "operationId": "PutThing",
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "string"}}}}},
            }});
        }
        Mutation::NotJson(cut) => {
            let text = document.to_string();
            let cut = cut % text.len().max(1);
            let cut = (0..=cut)
                .rev()
                .find(|&i| text.is_char_boundary(i))
                .unwrap_or(0);
            return text[..cut].to_owned();
        }
    }
    document.to_string()
}

/// A valid document: one to four operations and every component.
fn valid_document() -> impl Strategy<Value = Value> {
    let operations =
        (1usize..5).prop_flat_map(|count| (0..count).map(operation).collect::<Vec<_>>());
    let components: Vec<_> = COMPONENTS.iter().map(|name| component(name)).collect();
    (operations, components).prop_map(|(operations, components)| {
        let mut paths = serde_json::Map::new();
        for (path, method, operation) in operations {
            let item = paths.entry(path).or_insert_with(|| json!({}));
            item[method] = operation;
        }
        let schemas: serde_json::Map<String, Value> = COMPONENTS
            .iter()
            .map(|name| (*name).to_owned())
            .zip(components)
            .collect();
        json!({
            "openapi": "3.0.0",
            "info": {"title": "t", "version": "1"},
            "servers": [{"url": "https://api.example.com/"}],
            "paths": paths,
            "components": {"schemas": schemas},
        })
    })
}

/// A document's text: mostly valid, about one in seven broken by a mutation.
pub fn document() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => valid_document().prop_map(|document| document.to_string()),
        1 => (valid_document(), mutation()).prop_map(|(document, mutation)| apply(document, &mutation)),
    ]
}
