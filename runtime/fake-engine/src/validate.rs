//! Checking decoded params against the operation's schema as Stripe checks them, and turning
//! their text into typed JSON (`"3"` into `3` where the schema says integer).
//!
//! Stripe's errors name the param in its bracket form (`shipping[address][line9]`): an unknown
//! one is `parameter_unknown`, a missing required one `parameter_missing`; a string too long, a
//! value outside an enum or of the wrong type is an `invalid_request_error` naming it.

use crate::form::Node;
use crate::table::Table;
use serde_json::{Map, Value};

/// A param Stripe would refuse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ParamError {
    /// The param in bracket form.
    pub param: String,
    /// Stripe's error code, when it has one for this case.
    pub code: Option<&'static str>,
    pub message: String,
    /// How specific the error is, to pick the most useful one among the alternatives of an
    /// `anyOf`: a wrong type at the top of an alternative says least.
    specificity: u8,
}

impl ParamError {
    fn new(param: &str, code: Option<&'static str>, message: String) -> ParamError {
        ParamError {
            param: param.to_owned(),
            code,
            message,
            specificity: 2,
        }
    }

    fn wrong_type(param: &str, message: String) -> ParamError {
        ParamError {
            specificity: 1,
            ..ParamError::new(param, None, message)
        }
    }
}

/// How deep `$ref`s may nest before a schema is taken to be cyclic.
const MAX_DEPTH: usize = 64;

/// Checks the decoded params `node` against `schema` (an object schema) and returns them as
/// typed JSON.
pub(crate) fn check(table: &Table, schema: &Value, node: &Node) -> Result<Value, ParamError> {
    convert(table, schema, node, "", 0)
}

/// Stripe's limits on metadata: at most 50 keys, keys of at most 40 characters and values of
/// at most 500.
const METADATA_KEYS: usize = 50;
const METADATA_KEY_LENGTH: usize = 40;
const METADATA_VALUE_LENGTH: usize = 500;

fn check_metadata(children: &[(String, Node)], path: &str) -> Result<(), ParamError> {
    if children.len() > METADATA_KEYS {
        return Err(ParamError::new(
            path,
            None,
            format!(
                "Invalid {path}: metadata can have at most {METADATA_KEYS} keys; {} were sent",
                children.len()
            ),
        ));
    }
    for (key, value) in children {
        let child_path = child_path(path, key);
        if key.chars().count() > METADATA_KEY_LENGTH {
            return Err(ParamError::new(
                &child_path,
                None,
                format!(
                    "Invalid {path}: keys must be at most {METADATA_KEY_LENGTH} characters long; {key:?} has {}",
                    key.chars().count()
                ),
            ));
        }
        if let Node::Leaf(text) = value
            && text.chars().count() > METADATA_VALUE_LENGTH
        {
            return Err(ParamError::new(
                &child_path,
                None,
                format!(
                    "Invalid {child_path}: metadata values must be at most {METADATA_VALUE_LENGTH} characters long; this one has {}",
                    text.chars().count()
                ),
            ));
        }
    }
    Ok(())
}

/// The param path of `key` below `parent`: `a`, then `a[b]`.
fn child_path(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_owned()
    } else {
        format!("{parent}[{key}]")
    }
}

/// The component a `{"$ref": name}` schema names, or the schema itself.
pub(crate) fn resolve<'a>(
    table: &Table,
    schema: &'a Value,
    holder: &'a mut Option<std::sync::Arc<Value>>,
) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(name) => {
            *holder = table.schema(name);
            match holder {
                Some(resolved) => resolved,
                None => schema,
            }
        }
        None => schema,
    }
}

fn convert(
    table: &Table,
    schema: &Value,
    node: &Node,
    path: &str,
    depth: usize,
) -> Result<Value, ParamError> {
    if depth > MAX_DEPTH {
        return Err(ParamError::new(
            path,
            None,
            format!("Invalid {path}: nested too deeply"),
        ));
    }
    let mut holder = None;
    let schema = resolve(table, schema, &mut holder);
    let alternatives = schema
        .get("anyOf")
        .or_else(|| schema.get("oneOf"))
        .and_then(Value::as_array);
    if let Some(alternatives) = alternatives {
        // Stripe's "unset": `""` where one alternative is the enum `[""]`.
        if let Node::Leaf(text) = node
            && text.is_empty()
            && alternatives.iter().any(is_unset)
        {
            return Ok(Value::String(String::new()));
        }
        let mut best: Option<ParamError> = None;
        for alternative in alternatives
            .iter()
            .filter(|alternative| !is_unset(alternative))
        {
            match convert(table, alternative, node, path, depth + 1) {
                Ok(value) => return Ok(value),
                Err(error) => {
                    if best
                        .as_ref()
                        .is_none_or(|best| error.specificity > best.specificity)
                    {
                        best = Some(error);
                    }
                }
            }
        }
        return Err(best
            .unwrap_or_else(|| ParamError::new(path, None, format!("Invalid value for {path}."))));
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("object") => convert_object(table, schema, node, path, depth),
        Some("array") => convert_array(table, schema, node, path, depth),
        Some(kind) => {
            let Node::Leaf(text) = node else {
                return Err(ParamError::wrong_type(
                    path,
                    format!("Invalid {kind}: {path} must be a single value, not a hash"),
                ));
            };
            convert_scalar(schema, kind, text, path)
        }
        // A schema that says nothing about its shape takes whatever was sent, as text.
        None => Ok(as_text(node)),
    }
}

/// Whether `schema` is Stripe's unset marker, `{"type": "string", "enum": [""]}`.
fn is_unset(schema: &Value) -> bool {
    schema
        .get("enum")
        .and_then(Value::as_array)
        .is_some_and(|values| values.len() == 1 && values[0] == "")
}

fn as_text(node: &Node) -> Value {
    match node {
        Node::Leaf(text) => Value::String(text.clone()),
        Node::Branch(children) => Value::Object(
            children
                .iter()
                .map(|(key, child)| (key.clone(), as_text(child)))
                .collect(),
        ),
    }
}

fn empty_refused(path: &str) -> ParamError {
    ParamError::new(
        path,
        Some("parameter_invalid_empty"),
        format!(
            "You passed an empty string for '{path}'. We assume empty values are an attempt to \
             unset a parameter; however '{path}' cannot be unset. You should remove '{path}' \
             from your request or supply a non-empty value."
        ),
    )
}

fn convert_scalar(schema: &Value, kind: &str, text: &str, path: &str) -> Result<Value, ParamError> {
    let value = match kind {
        "string" => {
            if let Some(max) = schema.get("maxLength").and_then(Value::as_u64) {
                let length = text.chars().count();
                if length as u64 > max {
                    return Err(ParamError::new(
                        path,
                        None,
                        format!(
                            "Invalid string: {}...; must be at most {max} characters (got {length}) for {path}",
                            text.chars().take(12).collect::<String>()
                        ),
                    ));
                }
            }
            Value::String(text.to_owned())
        }
        "integer" => {
            if text.is_empty() {
                return Err(empty_refused(path));
            }
            let number: i64 = text.parse().map_err(|_| ParamError {
                code: Some("parameter_invalid_integer"),
                ..ParamError::wrong_type(path, format!("Invalid integer: {text} for {path}"))
            })?;
            Value::from(number)
        }
        "number" => {
            if text.is_empty() {
                return Err(empty_refused(path));
            }
            let number: f64 = text.parse().map_err(|_| {
                ParamError::wrong_type(path, format!("Invalid decimal: {text} for {path}"))
            })?;
            serde_json::Number::from_f64(number)
                .map(Value::Number)
                .ok_or_else(|| {
                    ParamError::wrong_type(path, format!("Invalid decimal: {text} for {path}"))
                })?
        }
        // Stripe also takes `True` and `False`, which stripe-python sent until 2025.
        "boolean" => match text {
            "true" | "True" => Value::Bool(true),
            "false" | "False" => Value::Bool(false),
            "" => return Err(empty_refused(path)),
            _ => {
                return Err(ParamError::wrong_type(
                    path,
                    format!("Invalid boolean: {text} for {path}; must be true or false"),
                ));
            }
        },
        _ => Value::String(text.to_owned()),
    };
    let bypass = schema
        .get("x-stripeBypassValidation")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array)
        && !bypass
        && !allowed.contains(&value)
    {
        let names: Vec<String> = allowed
            .iter()
            .map(|value| match value {
                Value::String(text) => text.clone(),
                other => other.to_string(),
            })
            .collect();
        return Err(ParamError {
            specificity: 1,
            ..ParamError::new(
                path,
                None,
                format!("Invalid {path}: must be one of {}", names.join(", ")),
            )
        });
    }
    Ok(value)
}

fn convert_object(
    table: &Table,
    schema: &Value,
    node: &Node,
    path: &str,
    depth: usize,
) -> Result<Value, ParamError> {
    let children = match node {
        Node::Branch(children) => children.as_slice(),
        Node::Leaf(text) if text.is_empty() => &[],
        Node::Leaf(_) => {
            return Err(ParamError::wrong_type(
                path,
                format!("Invalid object: {path} must be a hash"),
            ));
        }
    };
    let properties = schema.get("properties").and_then(Value::as_object);
    let additional = schema.get("additionalProperties");
    if path == "metadata" || path.ends_with("[metadata]") {
        check_metadata(children, path)?;
    }
    let mut out = Map::new();
    for (key, child) in children {
        let child_path = child_path(path, key);
        let property = properties.and_then(|properties| properties.get(key));
        let value = match (property, additional) {
            (Some(property), _) => convert(table, property, child, &child_path, depth + 1)?,
            (None, Some(values @ Value::Object(_))) => {
                convert(table, values, child, &child_path, depth + 1)?
            }
            // A free-form object (no properties, nothing said about others) takes any key.
            (None, None | Some(Value::Bool(true))) if properties.is_none_or(Map::is_empty) => {
                as_text(child)
            }
            _ => {
                return Err(ParamError::new(
                    &child_path,
                    Some("parameter_unknown"),
                    format!("Received unknown parameter: {child_path}"),
                ));
            }
        };
        out.insert(key.clone(), value);
    }
    if let Some(required) = schema.get("required").and_then(Value::as_array) {
        for name in required.iter().filter_map(Value::as_str) {
            if !out.contains_key(name) {
                let missing = child_path(path, name);
                return Err(ParamError::new(
                    &missing,
                    Some("parameter_missing"),
                    format!("Missing required param: {missing}."),
                ));
            }
        }
    }
    Ok(Value::Object(out))
}

fn convert_array(
    table: &Table,
    schema: &Value,
    node: &Node,
    path: &str,
    depth: usize,
) -> Result<Value, ParamError> {
    let items = schema.get("items").cloned().unwrap_or(Value::Null);
    match node {
        // `expand=` sends an empty array; a bare `expand=x` is taken as one item.
        Node::Leaf(text) if text.is_empty() => Ok(Value::Array(Vec::new())),
        Node::Leaf(_) => Ok(Value::Array(vec![convert(
            table,
            &items,
            node,
            &format!("{path}[0]"),
            depth + 1,
        )?])),
        Node::Branch(children) => {
            let mut indexed = Vec::with_capacity(children.len());
            for (key, child) in children {
                let Ok(index) = key.parse::<usize>() else {
                    let child_path = child_path(path, key);
                    return Err(ParamError::wrong_type(
                        &child_path,
                        format!("Invalid array: {path} must be an array, indexed by numbers"),
                    ));
                };
                indexed.push((index, key, child));
            }
            indexed.sort_by_key(|(index, _, _)| *index);
            let mut out = Vec::with_capacity(indexed.len());
            for (_, key, child) in indexed {
                out.push(convert(
                    table,
                    &items,
                    child,
                    &child_path(path, key),
                    depth + 1,
                )?);
            }
            Ok(Value::Array(out))
        }
    }
}
