//! Spots the changes the generator made where the spec did not change, by comparing each
//! change's place in the two specs.

use super::model::{ApiDiff, Change, ChangeClass, ChangeKind, Semver};
use std::collections::BTreeSet;

/// Reclassifies as [`ChangeClass::Generator`] every change whose place is the same in both
/// specs: `old_spec` and `new_spec` are the two documents as JSON, and a change's pointer is
/// looked up in both. The place is compared with every `$ref` below it followed into the
/// component it names (a field typed by a component changes when the component does), and,
/// except for documentation changes, without the `description`s, which change only docs.
/// Such a change comes from how the generator names, boxes or merges, not from Stripe: the
/// class keeps it visible should a generator change ever bring one back.
pub fn classify_generator_changes(
    diff: &mut ApiDiff,
    old_spec: &serde_json::Value,
    new_spec: &serde_json::Value,
) {
    let mut compare = SpecComparison {
        old: old_spec,
        new: new_spec,
        memo: std::collections::HashMap::new(),
        in_progress: BTreeSet::new(),
        with_docs: false,
    };
    for change in &mut diff.changes {
        // An alias that became a type of its own did so because another of its places
        // changed; that is what the change reports.
        if change.kind == ChangeKind::ApiVersionChanged
            || change.kind == ChangeKind::AliasNowOwnType
            || change.spans_places
        {
            continue;
        }
        // An item of an array (an enum's value) is located by its index, which other items
        // shift: the array as a whole is the place.
        let pointer = match change.pointer.rsplit_once('/') {
            Some((parent, last)) if last.parse::<usize>().is_ok() => parent,
            _ => change.pointer.as_str(),
        };
        let (Some(old), Some(new)) = (old_spec.pointer(pointer), new_spec.pointer(pointer)) else {
            continue;
        };
        compare.with_docs = change.class == ChangeClass::Docs;
        compare.memo.clear();
        if compare.same(old, new)
            && same_requirement(old_spec, new_spec, pointer)
            && same_module_family(old_spec, new_spec, change)
        {
            change.class = ChangeClass::Generator;
        }
    }
    diff.changes.sort_by(|a, b| {
        (a.class, &a.rust, a.kind, &a.pointer, &a.detail)
            .cmp(&(b.class, &b.rust, b.kind, &b.pointer, &b.detail))
    });
    diff.semver = diff
        .changes
        .iter()
        .map(|change| change.class.semver())
        .max()
        .unwrap_or(Semver::None);
}

/// Whether a property (`.../properties/<name>`) is required in both specs or in neither: its
/// object's `required` list, not the property's own schema, says so.
fn same_requirement(old: &serde_json::Value, new: &serde_json::Value, pointer: &str) -> bool {
    let Some((object, name)) = pointer.rsplit_once("/properties/") else {
        return true;
    };
    let name = crate::pointer::unescape_segment(name);
    let required = |spec: &serde_json::Value| {
        spec.pointer(&format!("{object}/required"))
            .and_then(serde_json::Value::as_array)
            .is_some_and(|list| list.iter().any(|item| item.as_str() == Some(name.as_str())))
    };
    required(old) == required(new)
}

/// For a type that moved to another module: whether the old module's resource is still in
/// the new spec. A module is a resource (`x-resourceId`), and a type's module is the
/// resource its name starts with, so removing a resource moves its types: a spec change.
fn same_module_family(old: &serde_json::Value, new: &serde_json::Value, change: &Change) -> bool {
    if change.kind != ChangeKind::TypeMoved {
        return true;
    }
    let families = |spec: &serde_json::Value| -> BTreeSet<String> {
        spec.pointer("/components/schemas")
            .and_then(serde_json::Value::as_object)
            .map(|schemas| {
                schemas
                    .values()
                    .filter_map(|schema| schema.get("x-resourceId")?.as_str())
                    .map(crate::naming::snake_case)
                    .collect()
            })
            .unwrap_or_default()
    };
    families(old) == families(new)
}

/// Structural equality of two places of two specs, following `$ref`s.
struct SpecComparison<'a> {
    old: &'a serde_json::Value,
    new: &'a serde_json::Value,
    /// Pairs of references already compared.
    memo: std::collections::HashMap<(String, String), bool>,
    /// Pairs being compared further up: a cycle back to one of them adds no difference.
    in_progress: BTreeSet<(String, String)>,
    with_docs: bool,
}

impl SpecComparison<'_> {
    fn same(&mut self, old: &serde_json::Value, new: &serde_json::Value) -> bool {
        use serde_json::Value;
        match (old, new) {
            (Value::Object(old_map), Value::Object(new_map)) => {
                if let (Some(Value::String(old_ref)), Some(Value::String(new_ref))) =
                    (old_map.get("$ref"), new_map.get("$ref"))
                {
                    return old_map.len() == new_map.len() && self.same_ref(old_ref, new_ref);
                }
                let keys = |map: &serde_json::Map<String, Value>| -> Vec<String> {
                    map.keys()
                        .filter(|key| self.with_docs || *key != "description")
                        .cloned()
                        .collect()
                };
                let keys_old = keys(old_map);
                if keys_old != keys(new_map) {
                    return false;
                }
                keys_old
                    .iter()
                    .all(|key| self.same(&old_map[key.as_str()], &new_map[key.as_str()]))
            }
            (Value::Array(old_items), Value::Array(new_items)) => {
                old_items.len() == new_items.len()
                    && old_items
                        .iter()
                        .zip(new_items)
                        .all(|(old, new)| self.same(old, new))
            }
            _ => old == new,
        }
    }

    fn same_ref(&mut self, old_ref: &str, new_ref: &str) -> bool {
        if old_ref != new_ref {
            return false;
        }
        let key = (old_ref.to_owned(), new_ref.to_owned());
        if let Some(known) = self.memo.get(&key) {
            return *known;
        }
        if !self.in_progress.insert(key.clone()) {
            return true;
        }
        let pointer = old_ref.strip_prefix('#').unwrap_or(old_ref);
        let result = match (self.old.pointer(pointer), self.new.pointer(pointer)) {
            (Some(old), Some(new)) => self.same(old, new),
            _ => false,
        };
        self.in_progress.remove(&key);
        self.memo.insert(key, result);
        result
    }
}
