//! Property tests: the loader and lowering never panic, whatever document they are given.
//! Each run has a fixed budget of cases, so CI time stays bounded.

use proptest::prelude::*;
use serde_json::{Value, json};
use stripe_codegen::{Options, Selection, generate};

const COMPONENTS: &[&str] = &["thing", "other.thing", "3d", "type", "Self", "list"];

/// Any JSON scalar or small container, to put where the spec expects something specific.
fn junk() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        "[a-z#/{}.~ ]{0,12}".prop_map(Value::from),
        Just(json!([])),
        Just(json!({})),
    ]
}

/// Schemas in the shapes Stripe uses, nested, with references that may or may not resolve.
fn schema() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        (0usize..6).prop_map(|i| json!({"type": "string", "maxLength": i * 1000})),
        prop::collection::vec("[a-z_./+-]{0,6}", 0..4)
            .prop_map(|values| json!({"type": "string", "enum": values})),
        Just(json!({"type": "integer", "format": "unix-time"})),
        Just(json!({"type": "number"})),
        Just(json!({"type": "boolean"})),
        Just(json!({"type": "string", "format": "binary"})),
        Just(json!({})),
        prop::sample::select(COMPONENTS)
            .prop_map(|name| json!({"$ref": format!("#/components/schemas/{name}")})),
        Just(json!({"$ref": "#/components/schemas/missing"})),
        Just(json!({"$ref": "elsewhere.yaml#/x"})),
        junk(),
    ];
    leaf.prop_recursive(4, 32, 4, |inner| {
        prop_oneof![
            prop::collection::btree_map("[a-z_0-9]{1,6}", inner.clone(), 0..4).prop_map(|properties| {
                let required: Vec<String> = properties.keys().take(1).cloned().collect();
                json!({"type": "object", "properties": properties, "required": required, "additionalProperties": false})
            }),
            inner.clone().prop_map(|items| json!({"type": "array", "items": items})),
            inner.clone().prop_map(|values| json!({"type": "object", "additionalProperties": values})),
            prop::collection::vec(inner.clone(), 0..4).prop_map(|alternatives| json!({"anyOf": alternatives})),
            prop::collection::vec(inner.clone(), 0..3).prop_map(|alternatives| json!({"oneOf": alternatives, "nullable": true})),
            (inner.clone(), any::<bool>()).prop_map(|(object, nullable)| json!({
                "anyOf": [{"type": "string", "maxLength": 5000}, object],
                "nullable": nullable,
                "x-expansionResources": {"oneOf": []}
            })),
            inner.prop_map(|value| json!({"anyOf": [value, {"type": "string", "enum": [""]}]})),
        ]
    })
}

fn operation() -> impl Strategy<Value = (String, String, Value)> {
    let path = prop::sample::select(vec![
        "/v1/things",
        "/v1/things/{thing}",
        "/v1/a.b/{x}/{y}",
        "/other",
        "/v1/",
    ]);
    let method = prop::sample::select(vec!["get", "post", "delete", "put"]);
    let content_type = prop::sample::select(vec![
        "application/x-www-form-urlencoded",
        "application/json",
        "multipart/form-data",
    ]);
    let status = prop::sample::select(vec!["200", "201", "2XX", "400", "default"]);
    (path, method, content_type, status, schema(), schema(), prop::option::of(schema()), any::<bool>())
        .prop_map(|(path, method, content_type, status, body, response, query, has_id)| {
            let mut operation = json!({
                "responses": {status: {"description": "r", "content": {"application/json": {"schema": response}}}},
                "requestBody": {"content": {content_type: {"schema": body}}},
            });
            if has_id {
                operation["operationId"] = json!(format!("{method}{}", path.replace(['/', '{', '}', '.'], "_")));
            }
            let mut parameters = vec![json!({"name": "thing", "in": "path", "required": true, "schema": {"type": "string"}})];
            if let Some(query) = query {
                parameters.push(json!({"name": "expand", "in": "query", "style": "deepObject", "schema": query}));
            }
            operation["parameters"] = json!(parameters);
            (path.to_owned(), method.to_owned(), operation)
        })
}

fn document() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(operation(), 0..4),
        prop::collection::btree_map(prop::sample::select(COMPONENTS), schema(), 0..5),
    )
        .prop_map(|(operations, components)| {
            let mut paths = serde_json::Map::new();
            for (path, method, operation) in operations {
                let item = paths.entry(path).or_insert_with(|| json!({}));
                item[method] = operation;
            }
            let components: serde_json::Map<String, Value> = components
                .into_iter()
                .map(|(name, schema)| (name.to_owned(), schema))
                .collect();
            json!({
                "openapi": "3.0.0",
                "info": {"title": "t", "version": "1"},
                "paths": paths,
                "components": {"schemas": components},
            })
            .to_string()
        })
}

fn options(file: &str) -> Options<'_> {
    Options {
        spec_file: file,
        command: "cargo xtask regen",
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    /// Random documents in Stripe's shapes: an error or valid Rust, never a panic.
    #[test]
    fn generating_any_document_never_panics(text in document()) {
        let _ = generate(&text, &Selection::All, options("random.json"));
    }

    /// The project's own spec, with bytes removed or replaced: parse errors, never a panic.
    #[test]
    fn mangled_yaml_never_panics(cut in 0usize..6000, length in 0usize..40, replacement in "[ :\\-\\[\\]{}'\"#&*!|>a-z0-9\n]{0,8}") {
        let original = include_str!("../../spec/openapi.yaml");
        let start = cut.min(original.len());
        let end = (start + length).min(original.len());
        if original.is_char_boundary(start) && original.is_char_boundary(end) {
            let text = format!("{}{}{}", &original[..start], replacement, &original[end..]);
            let selection = Selection::Operations(vec!["PostTerminalConnectionTokens".to_owned()]);
            let _ = generate(&text, &selection, options("mangled.yaml"));
        }
    }
}
