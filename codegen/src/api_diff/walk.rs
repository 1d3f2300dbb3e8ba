//! The diff walk: compares two surfaces operation by operation, type by type and feature by
//! feature, and lists every change with its class, kind, Rust path and JSON pointer.

use super::model::{ApiDiff, Change, ChangeClass, ChangeKind, Semver};
use crate::surface::{
    EnumValueSurface, FieldSurface, OperationSurface, Surface, TypeDirection, TypeShape,
    TypeSurface, VariantSurface,
};
use std::collections::{BTreeMap, BTreeSet};

/// Compares two surfaces. The result is deterministic: the same pair gives the same list.
pub fn diff(old: &Surface, new: &Surface) -> ApiDiff {
    let mut changes = Changes {
        list: Vec::new(),
        spans_places: false,
        old,
        new,
    };
    if old.api_version != new.api_version {
        changes.push(
            ChangeClass::Breaking,
            ChangeKind::ApiVersionChanged,
            None,
            "API_VERSION".to_owned(),
            "/info/version".to_owned(),
            format!(
                "Stripe-Version {} -> {}: requests are sent as the new version, whose behaviour \
                 may differ beyond what the schema shows",
                old.api_version, new.api_version
            ),
        );
    }
    for (id, old_op, new_op) in merge(&old.operations, &new.operations) {
        diff_operation(&mut changes, id, old_op, new_op);
    }
    let shared = |surface: &Surface| -> BTreeSet<String> {
        surface
            .types
            .values()
            .filter_map(|def| def.alias_of.clone())
            .collect()
    };
    let (old_shared, new_shared) = (shared(old), shared(new));
    // A type renamed with its old name kept as a deprecated alias is one change, the rename,
    // and its contents are compared under the new name.
    let renamed: BTreeMap<&str, &str> = new
        .renamed
        .iter()
        .filter(|(old_name, new_name)| {
            old.types.contains_key(*old_name)
                && !new.types.contains_key(*old_name)
                && !old.types.contains_key(*new_name)
                && new.types.contains_key(*new_name)
        })
        .map(|(old_name, new_name)| (old_name.as_str(), new_name.as_str()))
        .collect();
    let renamed_to: BTreeSet<&str> = renamed.values().copied().collect();
    for (name, old_type, new_type) in merge(&old.types, &new.types) {
        if new_type.is_some() && old_type.is_none() && renamed_to.contains(name) {
            continue;
        }
        let (name, new_type) = match (old_type, new_type, renamed.get(name)) {
            (Some(_), None, Some(&new_name)) => {
                let new_def = &new.types[new_name];
                type_place(new_name, new_def).push(
                    &mut changes,
                    ChangeClass::Compatible,
                    ChangeKind::TypeRenamed,
                    format!("`{name}` -> `{new_name}`; the old name stays as a deprecated alias"),
                );
                (new_name, Some(new_def))
            }
            _ => (name, new_type),
        };
        changes.spans_places = old_shared.contains(name)
            || new_shared.contains(name)
            || old_type.is_some_and(|def| def.alias_of.is_some())
            || new_type.is_some_and(|def| def.alias_of.is_some());
        diff_type(&mut changes, name, old_type, new_type);
    }
    changes.spans_places = false;
    diff_features(&mut changes, old, new);
    let mut changes = changes.list;
    changes.sort_by(|a, b| {
        (a.class, &a.rust, a.kind, &a.pointer, &a.detail)
            .cmp(&(b.class, &b.rust, b.kind, &b.pointer, &b.detail))
    });
    let semver = changes
        .iter()
        .map(|change| change.class.semver())
        .max()
        .unwrap_or(Semver::None);
    ApiDiff {
        from: old.api_version.clone(),
        to: new.api_version.clone(),
        semver,
        changes,
    }
}

struct Changes<'s> {
    list: Vec<Change>,
    /// Whether the changes being pushed are about a type that spans several places.
    spans_places: bool,
    /// The old and the new surface, to compare type names through their aliases.
    old: &'s Surface,
    new: &'s Surface,
}

impl Changes<'_> {
    /// Whether a Rust type written `old` in the old surface and `new` in the new one is the
    /// same type to a program: equal once every type name is read through the new surface's
    /// aliases, every name of `old` still being there. (A field of a shared request struct is
    /// typed by another shared struct; a place's own alias of it is the same type.)
    fn same_type(&self, old: &str, new: &str) -> bool {
        if old == new {
            return true;
        }
        let resolve = |text: &str, surface: &Surface, require_known: bool| -> Option<String> {
            let mut out = String::new();
            let mut word = String::new();
            for ch in text.chars().chain(std::iter::once(' ')) {
                if ch.is_ascii_alphanumeric() || ch == '_' {
                    word.push(ch);
                    continue;
                }
                if !word.is_empty() {
                    if let Some(renamed) = self.new.renamed.get(&word) {
                        word.clone_from(renamed);
                    }
                    match self.new.types.get(&word) {
                        Some(def) => out.push_str(def.alias_of.as_deref().unwrap_or(&word)),
                        None if require_known && surface.types.contains_key(&word) => {
                            return None;
                        }
                        None => out.push_str(&word),
                    }
                    word.clear();
                }
                out.push(ch);
            }
            Some(out)
        };
        match (resolve(old, self.old, true), resolve(new, self.new, false)) {
            (Some(old), Some(new)) => old == new,
            _ => false,
        }
    }

    fn push(
        &mut self,
        class: ChangeClass,
        kind: ChangeKind,
        operation: Option<&str>,
        rust: String,
        pointer: String,
        detail: String,
    ) {
        self.list.push(Change {
            class,
            kind,
            operation: operation.map(str::to_owned),
            rust,
            pointer,
            detail,
            spans_places: self.spans_places,
        });
    }

    fn doc(&mut self, old: &Option<String>, new: &Option<String>, at: Place<'_>, what: &str) {
        if old != new {
            let detail = match (old, new) {
                (None, Some(_)) => format!("{what} documented"),
                (Some(_), None) => format!("{what} documentation removed"),
                _ => format!("{what} documentation changed"),
            };
            at.push(self, ChangeClass::Docs, ChangeKind::DocChanged, detail);
        }
    }
}

/// Where a change is: its operation, Rust path and pointer.
#[derive(Clone, Copy)]
struct Place<'a> {
    operation: Option<&'a str>,
    rust: &'a str,
    pointer: &'a str,
}

impl Place<'_> {
    fn push(self, changes: &mut Changes, class: ChangeClass, kind: ChangeKind, detail: String) {
        changes.push(
            class,
            kind,
            self.operation,
            self.rust.to_owned(),
            self.pointer.to_owned(),
            detail,
        );
    }
}

/// The keys of two maps in order, with the value on each side.
fn merge<'a, V>(
    old: &'a BTreeMap<String, V>,
    new: &'a BTreeMap<String, V>,
) -> impl Iterator<Item = (&'a str, Option<&'a V>, Option<&'a V>)> {
    let keys: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    keys.into_iter()
        .map(|key| (key.as_str(), old.get(key), new.get(key)))
}

fn diff_operation(
    changes: &mut Changes,
    id: &str,
    old: Option<&OperationSurface>,
    new: Option<&OperationSurface>,
) {
    let (old, new) = match (old, new) {
        (Some(old), Some(new)) => (old, new),
        (None, Some(new)) => {
            let detail = format!("{} {}", new.http_method, new.path);
            return client_place(id, new).place().push(
                changes,
                ChangeClass::Compatible,
                ChangeKind::OperationAdded,
                detail,
            );
        }
        (Some(old), None) => {
            let detail = format!("{} {}", old.http_method, old.path);
            return client_place(id, old).place().push(
                changes,
                ChangeClass::Breaking,
                ChangeKind::OperationRemoved,
                detail,
            );
        }
        (None, None) => return,
    };
    let method = format!("Client::{}", new.method_name);
    let at = Place {
        operation: Some(id),
        rust: &method,
        pointer: &new.pointer,
    };
    if old.method_name != new.method_name {
        let detail = format!("{} -> {}", old.method_name, new.method_name);
        at.push(
            changes,
            ChangeClass::Breaking,
            ChangeKind::MethodRenamed,
            detail,
        );
    }
    if (&old.http_method, &old.path) != (&new.http_method, &new.path) {
        let detail = format!(
            "{} {} -> {} {}",
            old.http_method, old.path, new.http_method, new.path
        );
        // The method keeps its signature; only where it sends the request changes.
        at.push(
            changes,
            ChangeClass::Compatible,
            ChangeKind::OperationEndpointChanged,
            detail,
        );
    }
    if old.path_params != new.path_params {
        let detail = format!(
            "arguments ({}) -> ({})",
            old.path_params.join(", "),
            new.path_params.join(", ")
        );
        at.push(
            changes,
            ChangeClass::Breaking,
            ChangeKind::PathParamsChanged,
            detail,
        );
    }
    let same_params = match (&old.params, &new.params) {
        (Some(old), Some(new)) => changes.same_type(old, new),
        (old, new) => old == new,
    };
    if !same_params {
        let detail = format!(
            "params {} -> {}",
            old.params.as_deref().unwrap_or("none"),
            new.params.as_deref().unwrap_or("none")
        );
        at.push(
            changes,
            ChangeClass::Breaking,
            ChangeKind::ParamsTypeChanged,
            detail,
        );
    }
    if !changes.same_type(&old.response, &new.response) {
        let detail = format!("returns {} -> {}", old.response, new.response);
        at.push(
            changes,
            ChangeClass::Breaking,
            ChangeKind::ResponseTypeChanged,
            detail,
        );
    }
    if old.pagination != new.pagination {
        // A new `_stream` method is an addition; losing or changing one breaks its callers.
        let class = if old.pagination.is_none() {
            ChangeClass::Compatible
        } else {
            ChangeClass::Breaking
        };
        let detail = format!(
            "pages ({}) -> ({}): `{}_stream`",
            old.pagination.as_deref().unwrap_or("none"),
            new.pagination.as_deref().unwrap_or("none"),
            new.method_name
        );
        at.push(changes, class, ChangeKind::PaginationChanged, detail);
    }
    changes.doc(&old.doc, &new.doc, at, "method");
}

fn client_place(id: &str, operation: &OperationSurface) -> MemberPlace {
    MemberPlace {
        operation: Some(id.to_owned()),
        rust: format!("Client::{}", operation.method_name),
        pointer: operation.pointer.clone(),
    }
}

/// A trait impl removed, or needing more features than before, breaks code that used it; one
/// added, or needing fewer, is compatible.
fn diff_impls(
    changes: &mut Changes,
    at: Place<'_>,
    old: &[crate::surface::ImplSurface],
    new: &[crate::surface::ImplSurface],
) {
    let describe = |features: &[String]| {
        if features.is_empty() {
            "always".to_owned()
        } else {
            format!("with {}", features.join(" + "))
        }
    };
    for old_impl in old {
        match new
            .iter()
            .find(|new_impl| new_impl.trait_name == old_impl.trait_name)
        {
            None => at.push(
                changes,
                ChangeClass::Breaking,
                ChangeKind::ImplRemoved,
                format!("{} ({})", old_impl.trait_name, describe(&old_impl.features)),
            ),
            Some(new_impl) if new_impl.features != old_impl.features => {
                let needs_more = new_impl
                    .features
                    .iter()
                    .any(|feature| !old_impl.features.contains(feature));
                // Whether a type is decoded by its resources' operations or only named
                // through expandable fields follows from the whole reference graph, not
                // from the type's place in the spec.
                let only_decoding = new_impl
                    .features
                    .iter()
                    .chain(&old_impl.features)
                    .filter(|feature| {
                        new_impl.features.contains(feature) != old_impl.features.contains(feature)
                    })
                    .all(|feature| feature == crate::surface::DECODING_FEATURE);
                let spans = changes.spans_places;
                changes.spans_places = spans || only_decoding;
                at.push(
                    changes,
                    if needs_more {
                        ChangeClass::Breaking
                    } else {
                        ChangeClass::Compatible
                    },
                    ChangeKind::ImplFeaturesChanged,
                    format!(
                        "{}: {} -> {}",
                        new_impl.trait_name,
                        describe(&old_impl.features),
                        describe(&new_impl.features)
                    ),
                );
                changes.spans_places = spans;
            }
            Some(_) => {}
        }
    }
    for new_impl in new {
        if !old
            .iter()
            .any(|old_impl| old_impl.trait_name == new_impl.trait_name)
        {
            at.push(
                changes,
                ChangeClass::Compatible,
                ChangeKind::ImplAdded,
                format!("{} ({})", new_impl.trait_name, describe(&new_impl.features)),
            );
        }
    }
}

fn describe_type(def: &TypeSurface) -> String {
    let direction = match def.direction {
        TypeDirection::Request => "request",
        TypeDirection::Response => "response",
    };
    format!("{direction} {} in `{}`", def.shape.kind_name(), def.module)
}

fn diff_type(
    changes: &mut Changes,
    name: &str,
    old: Option<&TypeSurface>,
    new: Option<&TypeSurface>,
) {
    let (old, new) = match (old, new) {
        (Some(old), Some(new)) => (old, new),
        (None, Some(new)) => {
            return type_place(name, new).push(
                changes,
                ChangeClass::Compatible,
                ChangeKind::TypeAdded,
                describe_type(new),
            );
        }
        (Some(old), None) => {
            return type_place(name, old).push(
                changes,
                ChangeClass::Breaking,
                ChangeKind::TypeRemoved,
                describe_type(old),
            );
        }
        (None, None) => return,
    };
    let at = type_place(name, new);
    if old.direction != new.direction || old.shape.kind_name() != new.shape.kind_name() {
        let detail = format!("{} -> {}", describe_type(old), describe_type(new));
        at.push(
            changes,
            ChangeClass::Breaking,
            ChangeKind::TypeKindChanged,
            detail,
        );
        return;
    }
    if old.module != new.module {
        let detail = format!(
            "module `{}` -> `{}` (the crate-root re-export stays)",
            old.module, new.module
        );
        at.push(
            changes,
            ChangeClass::Breaking,
            ChangeKind::TypeMoved,
            detail,
        );
    }
    changes.doc(&old.doc, &new.doc, at, "type");
    if let (Some(target), None) = (&old.alias_of, &new.alias_of) {
        // Code that named the alias keeps working: the name now has a struct of its own,
        // whose differences from the old target are listed with its fields.
        at.push(
            changes,
            ChangeClass::Compatible,
            ChangeKind::AliasNowOwnType,
            format!("alias of `{target}` -> its own {}", new.shape.kind_name()),
        );
    }
    diff_impls(changes, at, &old.impls, &new.impls);
    let owner = TypeOwner {
        name,
        operation_old: old.operation.as_deref(),
        operation_new: new.operation.as_deref(),
        direction: new.direction,
    };
    match (&old.shape, &new.shape) {
        (TypeShape::Struct { fields: old }, TypeShape::Struct { fields: new }) => {
            diff_fields(changes, &owner, old, new);
        }
        (TypeShape::Enum { values: old }, TypeShape::Enum { values: new }) => {
            diff_enum(changes, &owner, old, new);
        }
        (TypeShape::Union { variants: old }, TypeShape::Union { variants: new }) => {
            diff_union(changes, &owner, old, new);
        }
        // Told apart above by the kind's name.
        _ => {}
    }
}

fn type_place<'a>(name: &'a str, def: &'a TypeSurface) -> Place<'a> {
    Place {
        operation: def.operation.as_deref(),
        rust: name,
        pointer: &def.pointer,
    }
}

/// The type whose members are being compared.
struct TypeOwner<'a> {
    name: &'a str,
    operation_old: Option<&'a str>,
    operation_new: Option<&'a str>,
    direction: TypeDirection,
}

impl TypeOwner<'_> {
    fn member(&self, separator: &str, member: &str, pointer: &str, removed: bool) -> MemberPlace {
        MemberPlace {
            operation: if removed {
                self.operation_old
            } else {
                self.operation_new
            }
            .map(str::to_owned),
            rust: format!("{}{separator}{member}", self.name),
            pointer: pointer.to_owned(),
        }
    }

    /// Picks the request-side or response-side kind.
    fn kind(&self, request: ChangeKind, response: ChangeKind) -> ChangeKind {
        match self.direction {
            TypeDirection::Request => request,
            TypeDirection::Response => response,
        }
    }
}

/// A [`Place`] whose strings are built on the spot.
struct MemberPlace {
    operation: Option<String>,
    rust: String,
    pointer: String,
}

impl MemberPlace {
    fn place(&self) -> Place<'_> {
        Place {
            operation: self.operation.as_deref(),
            rust: &self.rust,
            pointer: &self.pointer,
        }
    }
}

/// `T` for `Option<T>`, with whether it was wrapped.
fn unwrap_option(rust_type: &str) -> (&str, bool) {
    match rust_type
        .strip_prefix("Option<")
        .and_then(|inner| inner.strip_suffix('>'))
    {
        Some(inner) => (inner, true),
        None => (rust_type, false),
    }
}

fn max_length_text(max_length: Option<usize>) -> String {
    max_length.map_or_else(|| "none".to_owned(), |max| max.to_string())
}

/// A `maxLength` that appears or drops refuses values that were accepted.
fn max_length_tightened(old: Option<usize>, new: Option<usize>) -> bool {
    match (old, new) {
        (_, None) => false,
        (None, Some(_)) => true,
        (Some(old), Some(new)) => new < old,
    }
}

fn diff_max_length(changes: &mut Changes, at: Place<'_>, old: Option<usize>, new: Option<usize>) {
    if old == new {
        return;
    }
    let class = if max_length_tightened(old, new) {
        ChangeClass::Breaking
    } else {
        ChangeClass::Compatible
    };
    let detail = format!(
        "maxLength {} -> {}",
        max_length_text(old),
        max_length_text(new)
    );
    at.push(changes, class, ChangeKind::MaxLengthChanged, detail);
}

fn diff_fields(
    changes: &mut Changes,
    owner: &TypeOwner<'_>,
    old: &[FieldSurface],
    new: &[FieldSurface],
) {
    let request = owner.direction == TypeDirection::Request;
    for new_field in new {
        let member = owner.member(".", &new_field.rust_name, &new_field.pointer, false);
        let at = member.place();
        let Some(old_field) = old
            .iter()
            .find(|field| field.wire_name == new_field.wire_name)
        else {
            // A new required param must be set by every caller; anything else is an addition.
            let (class, detail) = if request && new_field.required {
                (
                    ChangeClass::Breaking,
                    format!("new required field: {}", new_field.rust_type),
                )
            } else {
                (ChangeClass::Compatible, new_field.rust_type.clone())
            };
            let kind = owner.kind(ChangeKind::FieldAdded, ChangeKind::ResponseFieldAdded);
            at.push(changes, class, kind, detail);
            continue;
        };
        diff_field(changes, owner, at, old_field, new_field);
    }
    for old_field in old {
        if new
            .iter()
            .any(|field| field.wire_name == old_field.wire_name)
        {
            continue;
        }
        let member = owner.member(".", &old_field.rust_name, &old_field.pointer, true);
        let kind = owner.kind(ChangeKind::FieldRemoved, ChangeKind::ResponseFieldRemoved);
        member.place().push(
            changes,
            ChangeClass::Breaking,
            kind,
            old_field.rust_type.clone(),
        );
    }
}

fn diff_field(
    changes: &mut Changes,
    owner: &TypeOwner<'_>,
    at: Place<'_>,
    old: &FieldSurface,
    new: &FieldSurface,
) {
    let request = owner.direction == TypeDirection::Request;
    if old.rust_name != new.rust_name {
        let kind = owner.kind(ChangeKind::FieldRenamed, ChangeKind::ResponseFieldRenamed);
        let detail = format!("{} -> {}", old.rust_name, new.rust_name);
        at.push(changes, ChangeClass::Breaking, kind, detail);
    }
    let (old_inner, old_option) = unwrap_option(&old.rust_type);
    let (new_inner, new_option) = unwrap_option(&new.rust_type);
    let type_detail = format!("{} -> {}", old.rust_type, new.rust_type);
    if !changes.same_type(old_inner, new_inner) {
        let kind = owner.kind(
            ChangeKind::FieldTypeChanged,
            ChangeKind::ResponseFieldTypeChanged,
        );
        at.push(changes, ChangeClass::Breaking, kind, type_detail);
    } else if request {
        let rust_type_changed = old_option != new_option;
        if old.required != new.required {
            let (kind, detail) = if new.required {
                (ChangeKind::FieldNowRequired, "optional -> required")
            } else {
                (ChangeKind::FieldNowOptional, "required -> optional")
            };
            // Dropping `required` loosens the API, but a field that gains an `Option` no
            // longer accepts the plain value callers assign to it.
            let class = if new.required || rust_type_changed {
                ChangeClass::Breaking
            } else {
                ChangeClass::Compatible
            };
            let detail = if rust_type_changed {
                format!("{detail} ({type_detail})")
            } else {
                detail.to_owned()
            };
            at.push(changes, class, kind, detail);
        } else if rust_type_changed {
            at.push(
                changes,
                ChangeClass::Breaking,
                ChangeKind::FieldTypeChanged,
                type_detail,
            );
        }
    } else if old_option != new_option {
        // What the user reads: a value that may now be missing must be handled as such.
        let kind = if new_option {
            ChangeKind::ResponseFieldNowOptional
        } else {
            ChangeKind::ResponseFieldNowRequired
        };
        at.push(changes, ChangeClass::Breaking, kind, type_detail);
    }
    diff_max_length(changes, at, old.max_length, new.max_length);
    changes.doc(&old.doc, &new.doc, at, "field");
}

fn diff_enum(
    changes: &mut Changes,
    owner: &TypeOwner<'_>,
    old: &[EnumValueSurface],
    new: &[EnumValueSurface],
) {
    for value in new {
        let member = owner.member("::", &value.rust_name, &value.pointer, false);
        match old.iter().find(|old| old.wire_value == value.wire_value) {
            // Request enums are built by the caller, who may now send one more value; response
            // enums already decode unknown values into `Unknown`.
            None => member.place().push(
                changes,
                ChangeClass::Compatible,
                ChangeKind::EnumValueAdded,
                format!("value {:?}", value.wire_value),
            ),
            Some(old) if old.rust_name != value.rust_name => member.place().push(
                changes,
                ChangeClass::Breaking,
                ChangeKind::EnumVariantRenamed,
                format!(
                    "value {:?}: {} -> {}",
                    value.wire_value, old.rust_name, value.rust_name
                ),
            ),
            Some(_) => {}
        }
    }
    for value in old {
        if new.iter().any(|new| new.wire_value == value.wire_value) {
            continue;
        }
        let member = owner.member("::", &value.rust_name, &value.pointer, true);
        member.place().push(
            changes,
            ChangeClass::Breaking,
            ChangeKind::EnumValueRemoved,
            format!("value {:?}", value.wire_value),
        );
    }
}

fn diff_union(
    changes: &mut Changes,
    owner: &TypeOwner<'_>,
    old: &[VariantSurface],
    new: &[VariantSurface],
) {
    for variant in new {
        let member = owner.member("::", &variant.rust_name, &variant.pointer, false);
        let at = member.place();
        match old.iter().find(|old| old.rust_name == variant.rust_name) {
            None => at.push(
                changes,
                ChangeClass::Compatible,
                ChangeKind::UnionVariantAdded,
                variant.rust_type.clone(),
            ),
            Some(old) => {
                if !changes.same_type(&old.rust_type, &variant.rust_type) {
                    at.push(
                        changes,
                        ChangeClass::Breaking,
                        ChangeKind::UnionVariantTypeChanged,
                        format!("{} -> {}", old.rust_type, variant.rust_type),
                    );
                }
                diff_max_length(changes, at, old.max_length, variant.max_length);
            }
        }
    }
    for variant in old {
        if new.iter().any(|new| new.rust_name == variant.rust_name) {
            continue;
        }
        let member = owner.member("::", &variant.rust_name, &variant.pointer, true);
        member.place().push(
            changes,
            ChangeClass::Breaking,
            ChangeKind::UnionVariantRemoved,
            variant.rust_type.clone(),
        );
    }
}

fn diff_features(changes: &mut Changes, old: &Surface, new: &Surface) {
    for (feature, old_enables, new_enables) in merge(&old.features, &new.features) {
        let rust = format!("features.{feature}");
        // A family's feature enables only internal ones, so only its presence is public.
        let (class, kind, detail, surface) = match (old_enables, new_enables) {
            (None, Some(_)) => (
                ChangeClass::Compatible,
                ChangeKind::FeatureAdded,
                format!("new feature `{feature}`"),
                new,
            ),
            // Manifests that name a removed feature stop resolving.
            (Some(_), None) => (
                ChangeClass::Breaking,
                ChangeKind::FeatureRemoved,
                format!("feature `{feature}` removed"),
                old,
            ),
            _ => continue,
        };
        changes.push(
            class,
            kind,
            None,
            rust,
            feature_pointer(surface, feature),
            detail,
        );
    }
}

/// A feature gates a module: it is located at the first type that module holds (its
/// resource's component schema, usually), or at the document's root.
fn feature_pointer(surface: &Surface, feature: &str) -> String {
    let module = feature.strip_prefix("group-").unwrap_or(feature);
    surface
        .types
        .values()
        .filter(|def| def.module == module)
        .map(|def| def.pointer.as_str())
        .min()
        .unwrap_or("")
        .to_owned()
}
