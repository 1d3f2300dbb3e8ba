//! Building response objects: from Stripe's fixtures where they are given (so that ids keep
//! their real prefixes), otherwise from the response schema, and fitting params onto an
//! object's fields so that every object the fake answers with still decodes into the SDK's
//! types.

use crate::table::Table;
use crate::validate::resolve;
use serde_json::{Map, Value};

/// How deep building may recurse before it gives up with `null` (schemas can be cyclic).
const MAX_DEPTH: usize = 24;

/// Ids and other random-looking values, from a seed, so that a test sees the same ids on every
/// run.
#[derive(Debug, Clone)]
pub(crate) struct Ids {
    state: u64,
}

impl Ids {
    pub fn new(seed: u64) -> Ids {
        Ids { state: seed }
    }

    /// splitmix64: small, fast and good enough for ids that only need to look random.
    pub fn next(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// `length` characters of `[0-9A-Za-z]`.
    pub fn token(&mut self, length: usize) -> String {
        const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        let mut out = String::with_capacity(length);
        let mut bits = 0u64;
        for index in 0..length {
            if index % 10 == 0 {
                bits = self.next();
            }
            out.push(ALPHABET[(bits % 62) as usize] as char);
            bits /= 62;
        }
        out
    }

    /// A fresh id with `prefix` (`cus_NffrFeUfNV2Hib`), or without one where the prefix is
    /// empty, as coupons' ids are.
    pub fn id(&mut self, prefix: &str) -> String {
        if prefix.is_empty() {
            return self.token(14);
        }
        format!("{prefix}_{}", self.token(14))
    }
}

/// The id prefix of `resource`'s objects: the one the generator read from the spec's examples
/// or Stripe's fixtures (`ID_PREFIXES`), otherwise the initials of its name's words
/// (`issuing.cardholder` -> `ic`, where no example or fixture shows its ids), or its first four letters where that is one letter.
pub(crate) fn id_prefix(id_prefixes: &[(&str, &'static str)], resource: &str) -> String {
    let known = id_prefixes
        .binary_search_by(|(name, _)| (*name).cmp(resource))
        .ok()
        .and_then(|index| id_prefixes.get(index));
    if let Some((_, prefix)) = known {
        return (*prefix).to_owned();
    }
    let mut prefix: String = resource
        .split(['.', '_'])
        .filter_map(|word| word.chars().next())
        .collect();
    if prefix.len() < 2 {
        prefix = resource
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .take(4)
            .collect();
    }
    prefix.to_ascii_lowercase()
}

/// Gives an object `id`, and its nested lists' URLs with it (`/v1/charges/ch_.../refunds`),
/// which name the id it had (a fixture's) before.
pub(crate) fn set_id(fields: &mut Map<String, Value>, id: String) {
    let old = fields
        .get("id")
        .and_then(Value::as_str)
        .filter(|old| !old.is_empty())
        .map(str::to_owned);
    if let Some(old) = old {
        for field in fields.values_mut() {
            replace_in_urls(field, &old, &id);
        }
    }
    match fields.get_mut("id") {
        Some(slot) => *slot = Value::String(id),
        None => {
            fields.insert("id".to_owned(), Value::String(id));
        }
    }
}

/// Whether a `url` string within `value` contains `id` (what [`replace_in_urls`] changes).
fn names_in_urls(value: &Value, id: &str) -> bool {
    match value {
        Value::Object(fields) => fields.iter().any(|(name, field)| match field {
            Value::String(url) if name == "url" => url.contains(id),
            _ => names_in_urls(field, id),
        }),
        Value::Array(items) => items.iter().any(|item| names_in_urls(item, id)),
        _ => false,
    }
}

/// Replaces `old` with `new` in every `url` string within `value`.
fn replace_in_urls(value: &mut Value, old: &str, new: &str) {
    match value {
        Value::Object(fields) => {
            for (name, field) in fields.iter_mut() {
                match field {
                    Value::String(url) if name == "url" && url.contains(old) => {
                        *url = url.replace(old, new);
                    }
                    _ => replace_in_urls(field, old, new),
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                replace_in_urls(item, old, new);
            }
        }
        _ => {}
    }
}

/// The prefix of a fixture's id: everything before its random part (`cs_test` of
/// `cs_test_a1b2`).
pub(crate) fn prefix_of(id: &str) -> Option<&str> {
    id.rfind('_')
        .map(|end| &id[..end])
        .filter(|prefix| !prefix.is_empty())
}

/// A new object of a component as the builder makes it without fixtures, with what each copy
/// must be given of its own, found once rather than by walking the schema on every create.
pub(crate) struct Blank {
    pub value: Value,
    /// The top-level timestamps (`unix-time` numbers, such as `period_start`), set from the
    /// clock.
    timestamps: Vec<String>,
    /// The top-level secrets (`secret`, `client_secret`), each with its property's schema, made
    /// anew in the schema's order.
    secrets: Vec<(String, Value)>,
    /// Whether a nested list's URL names the blank's id, so that a copy's new id must be
    /// written into it too ([`set_id`]).
    urls_name_id: bool,
}

/// What building needs: the schemas, Stripe's fixtures (if given), ids and the clock.
pub(crate) struct Builder<'a> {
    pub table: &'a Table,
    pub fixtures: Option<&'a Map<String, Value>>,
    pub ids: &'a mut Ids,
    pub now: i64,
}

impl Builder<'_> {
    /// The id prefix for objects of `resource`: the fixture's, or Stripe's usual one.
    pub fn prefix(&self, resource: &str) -> String {
        self.fixtures
            .and_then(|fixtures| fixtures.get(resource))
            .and_then(|fixture| fixture.get("id"))
            .and_then(Value::as_str)
            .and_then(prefix_of)
            .map_or_else(
                || id_prefix(self.table.id_prefixes, resource),
                str::to_owned,
            )
    }

    /// A new object of `schema` (usually a `{"$ref": name}`), with a fresh id and `created`
    /// set from the clock: the fixture's object completed against the schema when there is
    /// one, otherwise the object whole from its schema (see [`build`](Self::build)), copied
    /// from the blank the table keeps for the component so that a create does not walk the
    /// schema again.
    pub fn object(&mut self, schema: &Value) -> Value {
        let name = schema
            .get("$ref")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let fixture = name
            .as_deref()
            .and_then(|name| self.fixtures?.get(name))
            .cloned();
        // Whether the object's id can be set without looking for it in nested URLs: a blank
        // whose URLs do not name its id.
        let mut fresh_id = false;
        let mut value = match (fixture, name.as_deref()) {
            (Some(fixture), _) => {
                let mut holder = None;
                let resolved = resolve(self.table, schema, &mut holder).clone();
                self.complete(fixture, &resolved, 0)
            }
            (None, Some(name)) => {
                let table = self.table;
                let blank = table.blank(name, || {
                    let value = self.build(schema, Some(name), 0);
                    self.blank_of(value, name)
                });
                let mut value = blank.value.clone();
                self.refresh(&mut value, &blank);
                fresh_id = !blank.urls_name_id;
                value
            }
            (None, None) => self.build(schema, None, 0),
        };
        if let Value::Object(fields) = &mut value {
            if let Some(name) = &name
                && fields.get("id").is_some_and(Value::is_string)
            {
                let prefix = self.prefix(name);
                let id = self.ids.id(&prefix);
                match fields.get_mut("id") {
                    Some(slot) if fresh_id => *slot = Value::String(id),
                    _ => set_id(fields, id),
                }
            }
            // Set in place: the fields are there already, and `insert` would allocate their
            // names again.
            if let Some(created) = fields.get_mut("created").filter(|field| field.is_number()) {
                *created = Value::from(self.now);
            }
            if let Some(livemode) = fields.get_mut("livemode") {
                *livemode = Value::Bool(false);
            }
        }
        value
    }

    /// `value`, built for component `name`, with the fields each copy must be given of its
    /// own: its top-level timestamps and secrets.
    fn blank_of(&self, value: Value, name: &str) -> Blank {
        let mut blank = Blank {
            value,
            timestamps: Vec::new(),
            secrets: Vec::new(),
            urls_name_id: false,
        };
        if let Value::Object(fields) = &blank.value
            && let Some(id) = fields
                .get("id")
                .and_then(Value::as_str)
                .filter(|id| !id.is_empty())
        {
            blank.urls_name_id = fields.values().any(|field| names_in_urls(field, id));
        }
        let schema = self.table.schema(name);
        let (Value::Object(fields), Some(properties)) = (
            &blank.value,
            schema
                .as_ref()
                .and_then(|schema| schema.get("properties"))
                .and_then(Value::as_object),
        ) else {
            return blank;
        };
        for (field, property) in properties {
            if property.get("format").and_then(Value::as_str) == Some("unix-time")
                && fields.get(field).is_some_and(Value::is_number)
            {
                blank.timestamps.push(field.clone());
            }
            if matches!(field.as_str(), "secret" | "client_secret")
                && fields.get(field).is_some_and(Value::is_string)
            {
                blank.secrets.push((field.clone(), property.clone()));
            }
        }
        blank
    }

    /// Gives a copy of a blank what must not be shared: its top-level timestamps
    /// (`period_start`) from the clock, and fresh secrets.
    fn refresh(&mut self, value: &mut Value, blank: &Blank) {
        let Value::Object(fields) = value else {
            return;
        };
        for field in &blank.timestamps {
            if let Some(slot) = fields.get_mut(field) {
                *slot = Value::from(self.now);
            }
        }
        for (field, property) in &blank.secrets {
            let fresh = self.field(field, property, 0);
            if let Some(slot) = fields.get_mut(field) {
                *slot = fresh;
            }
        }
    }

    /// A value of `schema`, whole as Stripe answers it; `component` is the component the
    /// schema is (for id prefixes and a few field conventions). An object has every field of
    /// its schema: the spec's `default` where it gives one; required fields never null
    /// unless nullable; other fields null when nullable, `[]` for lists, `{}` for maps
    /// (`metadata`), 0 and false for numbers and booleans, and nested objects built the same
    /// way. Left out are what Stripe leaves out until asked: list objects (`customer.sources`,
    /// included only when expanded), and optional strings without a value.
    pub fn build(&mut self, schema: &Value, component: Option<&str>, depth: usize) -> Value {
        if depth > MAX_DEPTH {
            return Value::Null;
        }
        if let Some(name) = schema.get("$ref").and_then(Value::as_str) {
            let Some(resolved) = self.table.schema(name) else {
                return Value::Object(Map::new());
            };
            return self.build(&resolved, Some(name), depth + 1);
        }
        if let Some(default) = schema.get("default") {
            return default.clone();
        }
        if let Some(alternatives) = schema
            .get("anyOf")
            .or_else(|| schema.get("oneOf"))
            .and_then(Value::as_array)
        {
            if schema.get("nullable").and_then(Value::as_bool) == Some(true) {
                return Value::Null;
            }
            return match alternatives.first() {
                Some(first) => self.build(first, None, depth + 1),
                None => Value::Null,
            };
        }
        if schema.get("nullable").and_then(Value::as_bool) == Some(true) {
            return Value::Null;
        }
        if let Some(first) = schema
            .get("enum")
            .and_then(Value::as_array)
            .and_then(|values| values.first())
        {
            return first.clone();
        }
        match schema.get("type").and_then(Value::as_str) {
            Some("object") => {
                let mut fields = Map::new();
                let properties = schema.get("properties").and_then(Value::as_object);
                let required = schema
                    .get("required")
                    .and_then(Value::as_array)
                    .map(Vec::as_slice)
                    .unwrap_or(&[]);
                let is_required = |name: &str| required.iter().any(|r| r.as_str() == Some(name));
                for (name, property) in properties.into_iter().flatten() {
                    // An object's own id is always there, required or not (an invoice's is
                    // optional in the spec, for the preview of an upcoming one).
                    let value = if is_required(name) || (depth <= 1 && name == "id") {
                        match name.as_str() {
                            "id" if property.get("type").and_then(Value::as_str)
                                == Some("string") =>
                            {
                                let prefix =
                                    component.map_or_else(|| "obj".to_owned(), |c| self.prefix(c));
                                Value::String(self.ids.id(&prefix))
                            }
                            _ => self.field(name, property, depth),
                        }
                    } else {
                        match self.optional_field(property, depth) {
                            Some(value) => value,
                            None => continue,
                        }
                    };
                    fields.insert(name.clone(), value);
                }
                Value::Object(fields)
            }
            Some("array") => Value::Array(Vec::new()),
            Some("integer") => {
                if schema.get("format").and_then(Value::as_str) == Some("unix-time") {
                    Value::from(self.now)
                } else {
                    Value::from(0)
                }
            }
            Some("number") => Value::from(0.0),
            Some("boolean") => Value::Bool(false),
            Some("string") => Value::String(String::new()),
            _ => Value::Null,
        }
    }

    /// The value of a field the schema does not require, or `None` to leave it out.
    fn optional_field(&mut self, property: &Value, depth: usize) -> Option<Value> {
        let mut holder = None;
        let resolved = resolve(self.table, property, &mut holder);
        if resolved.get("default").is_some()
            || resolved.get("nullable").and_then(Value::as_bool) == Some(true)
        {
            return Some(self.build(resolved, None, depth + 1));
        }
        let list_object = resolved
            .pointer("/properties/object/enum/0")
            .and_then(Value::as_str)
            .is_some_and(|kind| matches!(kind, "list" | "search_result"));
        match resolved.get("type").and_then(Value::as_str) {
            Some("array" | "integer" | "number" | "boolean") => {
                Some(self.build(resolved, None, depth + 1))
            }
            Some("object") if !list_object => {
                let resolved = resolved.clone();
                Some(self.build(&resolved, None, depth + 1))
            }
            _ => None,
        }
    }

    /// A required field's value, with the conventions that make objects look like Stripe's.
    fn field(&mut self, name: &str, schema: &Value, depth: usize) -> Value {
        let is_string = schema.get("type").and_then(Value::as_str) == Some("string")
            && schema.get("enum").is_none()
            && schema.get("nullable").and_then(Value::as_bool) != Some(true);
        match name {
            "currency" if is_string => Value::String("usd".to_owned()),
            "country" if is_string => Value::String("US".to_owned()),
            "secret" if is_string => Value::String(format!("pst_test_{}", self.ids.token(32))),
            "client_secret" if is_string => Value::String(format!("secret_{}", self.ids.token(24))),
            _ => self.build(schema, None, depth + 1),
        }
    }

    /// `value` (a fixture) with the fields `schema` requires and it lacks filled in, so that
    /// it decodes even where the fixture and the spec disagree.
    pub fn complete(&mut self, value: Value, schema: &Value, depth: usize) -> Value {
        let Value::Object(mut fields) = value else {
            return value;
        };
        if depth > MAX_DEPTH {
            return Value::Object(fields);
        }
        let properties = schema.get("properties").and_then(Value::as_object);
        if let Some(required) = schema.get("required").and_then(Value::as_array) {
            for name in required.iter().filter_map(Value::as_str) {
                if fields.contains_key(name) {
                    continue;
                }
                if let Some(property) = properties.and_then(|properties| properties.get(name)) {
                    let value = self.field(name, property, depth);
                    fields.insert(name.to_owned(), value);
                }
            }
        }
        // Nested objects are completed against their own schemas.
        if let Some(properties) = properties {
            for (name, value) in fields.iter_mut() {
                if let Some(property) = properties.get(name) {
                    let taken = std::mem::take(value);
                    *value = self.complete_nested(taken, property, depth + 1);
                }
            }
        }
        Value::Object(fields)
    }

    /// [`complete`](Self::complete) for a field's value: through `$ref`s, arrays and the
    /// union alternative whose `object` value matches.
    fn complete_nested(&mut self, value: Value, schema: &Value, depth: usize) -> Value {
        if depth > MAX_DEPTH {
            return value;
        }
        if let Some(name) = schema.get("$ref").and_then(Value::as_str) {
            return match self.table.schema(name) {
                Some(resolved) => self.complete_nested(value, &resolved, depth + 1),
                None => value,
            };
        }
        match value {
            Value::Array(items) => {
                let item_schema = schema.get("items").cloned().unwrap_or(Value::Null);
                Value::Array(
                    items
                        .into_iter()
                        .map(|item| self.complete_nested(item, &item_schema, depth + 1))
                        .collect(),
                )
            }
            Value::Object(_) => {
                if let Some(alternatives) = schema
                    .get("anyOf")
                    .or_else(|| schema.get("oneOf"))
                    .and_then(Value::as_array)
                {
                    let kind = value.get("object").cloned();
                    let chosen = alternatives.iter().find_map(|alternative| {
                        let mut holder = None;
                        let resolved = resolve(self.table, alternative, &mut holder).clone();
                        let is_object =
                            resolved.get("type").and_then(Value::as_str) == Some("object");
                        let expected = resolved.pointer("/properties/object/enum/0").cloned();
                        (is_object && (expected.is_none() || expected == kind)).then_some(resolved)
                    });
                    return match chosen {
                        Some(resolved) => self.complete(value, &resolved, depth + 1),
                        None => value,
                    };
                }
                if schema.get("type").and_then(Value::as_str) == Some("object") {
                    self.complete(value, schema, depth + 1)
                } else {
                    value
                }
            }
            other => other,
        }
    }

    /// `value` (a param's typed value) as a value of the response field `schema`, or `None`
    /// when it does not fit, so that applying params never makes an object undecodable.
    pub fn conform(&mut self, value: &Value, schema: &Value, depth: usize) -> Option<Value> {
        if depth > MAX_DEPTH {
            return None;
        }
        if let Some(name) = schema.get("$ref").and_then(Value::as_str) {
            let resolved = self.table.schema(name)?;
            return self.conform(value, &resolved, depth + 1);
        }
        if value.is_null() {
            return (schema.get("nullable").and_then(Value::as_bool) == Some(true))
                .then_some(Value::Null);
        }
        if let Some(alternatives) = schema
            .get("anyOf")
            .or_else(|| schema.get("oneOf"))
            .and_then(Value::as_array)
        {
            return alternatives
                .iter()
                .find_map(|alternative| self.conform(value, alternative, depth + 1));
        }
        match (schema.get("type").and_then(Value::as_str), value) {
            (Some("string"), Value::String(_)) => Some(value.clone()),
            (Some("integer"), Value::Number(number)) if number.is_i64() => Some(value.clone()),
            (Some("number"), Value::Number(_)) => Some(value.clone()),
            (Some("boolean"), Value::Bool(_)) => Some(value.clone()),
            (Some("array"), Value::Array(items)) => {
                let item_schema = schema.get("items").cloned().unwrap_or(Value::Null);
                items
                    .iter()
                    .map(|item| self.conform(item, &item_schema, depth + 1))
                    .collect::<Option<Vec<Value>>>()
                    .map(Value::Array)
            }
            (Some("object"), Value::Object(given)) => {
                let properties = schema.get("properties").and_then(Value::as_object);
                let additional = schema.get("additionalProperties").filter(|a| a.is_object());
                let mut out = match self.build(schema, None, depth + 1) {
                    Value::Object(fields) => fields,
                    _ => Map::new(),
                };
                for (key, item) in given {
                    let target = properties
                        .and_then(|properties| properties.get(key))
                        .or(additional);
                    match target {
                        Some(target) => {
                            if let Some(fitted) = self.conform(item, target, depth + 1) {
                                out.insert(key.clone(), fitted);
                            }
                        }
                        None if properties.is_none_or(Map::is_empty) => {
                            out.insert(key.clone(), item.clone());
                        }
                        None => {}
                    }
                }
                Some(Value::Object(out))
            }
            (None, _) => Some(value.clone()),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_follow_the_seed() {
        let mut a = Ids::new(7);
        let mut b = Ids::new(7);
        let first = a.id("cus");
        assert_eq!(first, b.id("cus"));
        assert!(first.starts_with("cus_"));
        assert_eq!(first.len(), 18);
        assert_ne!(a.id("cus"), first);
    }

    #[test]
    fn a_new_id_reaches_the_nested_lists_urls() {
        let mut object = serde_json::json!({
            "id": "ch_fixture",
            "refunds": {"object": "list", "url": "/v1/charges/ch_fixture/refunds", "data": []},
            "description": "ch_fixture stays where it is not a URL",
        });
        let Value::Object(fields) = &mut object else {
            unreachable!("an object")
        };
        set_id(fields, "ch_123".to_owned());
        assert_eq!(object["id"], "ch_123");
        assert_eq!(object["refunds"]["url"], "/v1/charges/ch_123/refunds");
        assert_eq!(
            object["description"],
            "ch_fixture stays where it is not a URL"
        );
    }

    #[test]
    fn prefixes_come_from_fixtures_or_the_name() {
        assert_eq!(prefix_of("cs_test_a1b2"), Some("cs_test"));
        assert_eq!(prefix_of("cus_Oaxlz8kB0PJWGa"), Some("cus"));
        // The checked-in spec's generated table: it shows a reader's id in an example; the
        // rest have no id shown.
        const ID_PREFIXES: &[(&str, &str)] = &[
            ("event", "evt"),
            ("terminal.reader", "tmr"),
            ("webhook_endpoint", "we"),
        ];
        assert_eq!(id_prefix(ID_PREFIXES, "terminal.reader"), "tmr");
        assert_eq!(id_prefix(ID_PREFIXES, "widget.gizmo_part"), "wgp");
        assert_eq!(id_prefix(ID_PREFIXES, "payment_method"), "pm");
    }
}
