//! The public API a lowered spec turns into, flattened into a small serializable model.
//!
//! [`surface`] is the only function that reads the IR for `api-diff`, the regen report and the
//! surface record: everything that compares two APIs works on [`Surface`], so a change to the
//! IR's shape touches this function alone. The model keeps what a user of the generated crate
//! can see or depends on (method names, Rust types, optionality, constraints, enum values,
//! Cargo features), where each item sits in the spec, and a fingerprint of its documentation.

use crate::error::Error;
use crate::features::feature_map;
use crate::ir::{
    Api, Direction, Origin, Pagination, ResponseBody, TypeDef, TypeId, TypeKind, TypeRef,
};
use crate::lower::Selection;
use openapiv3::{OpenAPI, ReferenceOr};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// The public API of one generated crate.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Surface {
    /// The spec's `info.version` (the `Stripe-Version` the crate sends).
    pub api_version: String,
    /// The client methods, by operationId.
    pub operations: BTreeMap<String, OperationSurface>,
    /// Every generated type, by Rust name.
    pub types: BTreeMap<String, TypeSurface>,
    /// Cargo features (a whole-API crate's resource families) -> the features each enables;
    /// empty for a crate without them, such as the checked-in one.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub features: BTreeMap<String, Vec<String>>,
    /// Old type names kept as deprecated aliases -> the type each now names
    /// (`PostPricesParams` -> `PriceCreateParams`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub renamed: BTreeMap<String, String>,
}

/// One client method.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperationSurface {
    pub method_name: String,
    /// `GET`, `POST` or `DELETE`.
    pub http_method: String,
    /// The path template (`/v1/customers/{customer}`).
    pub path: String,
    /// The method's path arguments, in order (Rust names).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub path_params: Vec<String>,
    /// The params type the method takes, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub params: Option<String>,
    /// What the method returns on success, as Rust writes it (`TerminalConnectionToken`).
    pub response: String,
    /// `list` or `search` when the method has a `_stream` companion that follows pages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pagination: Option<String>,
    pub module: String,
    /// Where the operation is in the spec (a JSON pointer).
    pub pointer: String,
    /// A fingerprint of the method's documentation (see [`doc_fingerprint`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
}

/// Which way a type travels: what the user builds, or what the user reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TypeDirection {
    Request,
    Response,
}

/// One generated type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TypeSurface {
    pub module: String,
    pub direction: TypeDirection,
    /// The operation whose request or response schema defines the type inline; `None` for
    /// component schemas, which any number of operations share.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    pub pointer: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
    /// For an alias of a shared request struct, the struct's name: to a program the two are
    /// one type, whose fields and values `shape` lists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alias_of: Option<String>,
    /// The public traits the type implements, derived or written, each with the Cargo
    /// features it needs beyond the type's own (`["serialize"]`); an alias has its target's.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub impls: Vec<ImplSurface>,
    #[serde(flatten)]
    pub shape: TypeShape,
}

/// What kind of Rust item a type is, with its members.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TypeShape {
    Struct { fields: Vec<FieldSurface> },
    Enum { values: Vec<EnumValueSurface> },
    Union { variants: Vec<VariantSurface> },
}

impl TypeShape {
    /// The kind's name as the record spells it.
    pub fn kind_name(&self) -> &'static str {
        match self {
            TypeShape::Struct { .. } => "struct",
            TypeShape::Enum { .. } => "enum",
            TypeShape::Union { .. } => "union",
        }
    }
}

/// In [`ImplSurface::features`], the feature of a resource whose operations decode the type
/// (not merely one that names it through an expandable field).
pub const DECODING_FEATURE: &str = "<a feature that decodes it>";

/// One trait a type implements.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ImplSurface {
    /// The trait as a program names it (`Clone`, `serde::Serialize`, `From<String>`).
    #[serde(rename = "trait")]
    pub trait_name: String,
    /// The features it needs beyond the type's own, in name order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub features: Vec<String>,
}

/// One struct field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldSurface {
    pub rust_name: String,
    pub wire_name: String,
    /// The field's Rust type exactly as declared (`Option<Vec<String>>`).
    pub rust_type: String,
    /// The spec lists the property as `required`.
    pub required: bool,
    /// The longest string the field (or each of its items) may hold; request fields only,
    /// since the crate checks constraints only on what it sends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<usize>,
    pub pointer: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
}

/// One value of a string enum.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnumValueSurface {
    pub wire_value: String,
    pub rust_name: String,
    pub pointer: String,
}

/// One variant of an `anyOf`/`oneOf` enum.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VariantSurface {
    pub rust_name: String,
    pub rust_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<usize>,
    pub pointer: String,
}

/// Loads and lowers a spec the way `regen` does and returns its surface; the document and the
/// IR are dropped before returning, so two surfaces can be compared without holding two specs.
///
/// With `skip_missing`, selected operationIds that the spec does not define are left out
/// instead of refused, so that two versions of a spec can be compared on one selection.
pub fn surface_of_spec(
    spec_file: &str,
    spec_text: &str,
    selection: &Selection,
    with_features: bool,
    skip_missing: bool,
) -> Result<Surface, Error> {
    let spec = crate::load::parse_spec(spec_file, spec_text)?;
    let selection = if skip_missing {
        defined_selection(&spec, selection)
    } else {
        selection.clone()
    };
    let api = crate::lower::lower(&spec, spec_file, &selection)?;
    Ok(surface(&api, with_features))
}

/// `selection` without the operationIds `spec` does not define (all of a [`Selection::All`]).
pub fn defined_selection(spec: &OpenAPI, selection: &Selection) -> Selection {
    match selection {
        Selection::Operations(ids) => {
            let defined = operation_ids(spec);
            Selection::Operations(
                ids.iter()
                    .filter(|id| defined.contains(id.as_str()))
                    .cloned()
                    .collect(),
            )
        }
        Selection::All => Selection::All,
    }
}

/// Every operationId the spec defines.
fn operation_ids(spec: &OpenAPI) -> std::collections::HashSet<&str> {
    spec.paths
        .paths
        .values()
        .filter_map(|item| match item {
            ReferenceOr::Item(item) => Some(item),
            ReferenceOr::Reference { .. } => None,
        })
        .flat_map(|item| item.iter())
        .filter_map(|(_, operation)| operation.operation_id.as_deref())
        .collect()
}

/// Flattens a lowered API into its public surface; `with_features` adds the resource-family
/// features that a whole-API crate has.
pub fn surface(api: &Api, with_features: bool) -> Surface {
    let feature_gates = with_features.then(|| feature_map(api));
    // The operations whose params are sent as multipart bodies, or paginated, give their params
    // type a trait of its own.
    let mut params_traits: HashMap<usize, Vec<&'static str>> = HashMap::new();
    for operation in &api.operations {
        let Some(params) = operation.params else {
            continue;
        };
        let traits = params_traits.entry(params.type_id.index()).or_default();
        if params.location == crate::ir::ParamsLocation::Multipart {
            traits.push("stripe_sdk::multipart::MultipartParams");
        }
        match operation.pagination {
            Some(Pagination::List) => traits.push("stripe_sdk::pagination::ListParams"),
            Some(Pagination::Search) => traits.push("stripe_sdk::pagination::SearchParams"),
            None => {}
        }
    }
    let operation_of_pointer: HashMap<&str, &str> = api
        .operations
        .iter()
        .map(|operation| (operation.pointer.as_str(), operation.operation_id.as_str()))
        .collect();
    let operations = api
        .operations
        .iter()
        .map(|operation| {
            let pagination = operation.pagination.map(|pagination| match pagination {
                Pagination::List => "list".to_owned(),
                Pagination::Search => "search".to_owned(),
            });
            let response = match &operation.response {
                ResponseBody::Json(ty) => rust_type(api, ty),
                ResponseBody::Binary { .. } => "Vec<u8>".to_owned(),
            };
            let surface = OperationSurface {
                method_name: operation.method_name.clone(),
                http_method: operation.http_method.as_str().to_owned(),
                path: operation.path.template.clone(),
                path_params: operation
                    .path_params
                    .iter()
                    .map(|param| param.rust_name.clone())
                    .collect(),
                params: operation
                    .params
                    .map(|params| api.type_def(params.type_id).name.clone()),
                response,
                pagination,
                module: operation.module.clone(),
                pointer: operation.pointer.clone(),
                doc: doc_fingerprint(operation.doc.0.as_deref()),
            };
            (operation.operation_id.clone(), surface)
        })
        .collect();
    let types = api
        .types
        .iter()
        .enumerate()
        .map(|(index, def)| {
            let surface = TypeSurface {
                module: def.module.clone(),
                direction: direction_of(def),
                operation: match &def.origin {
                    Origin::OperationParams { operation_id } => Some(operation_id.clone()),
                    Origin::Component { .. } | Origin::Inline => {
                        owning_operation(&def.pointer, &operation_of_pointer)
                    }
                },
                pointer: def.pointer.clone(),
                doc: doc_fingerprint(def.doc.0.as_deref()),
                alias_of: match def.kind {
                    TypeKind::Alias(target) => Some(api.type_def(target).name.clone()),
                    TypeKind::Struct(_) | TypeKind::Enum(_) | TypeKind::Union(_) => None,
                },
                impls: trait_impls(api, TypeId(index), feature_gates.as_ref(), &params_traits),
                shape: shape(api, def),
            };
            (def.name.clone(), surface)
        })
        .collect();
    // The families are the public features; what each enables is an implementation detail
    // (the internal features of shared types), not part of the API.
    let features = if with_features {
        feature_map(api)
            .gate
            .into_keys()
            .map(|family| (family, Vec::new()))
            .collect()
    } else {
        BTreeMap::new()
    };
    let renamed = api
        .types
        .iter()
        .flat_map(|def| {
            def.deprecated_names
                .iter()
                .map(|old| (old.clone(), def.name.clone()))
        })
        .collect();
    Surface {
        api_version: api.api_version.clone(),
        operations,
        types,
        features,
        renamed,
    }
}

/// The public traits a type implements, as the emitter gives them: its derives, the runtime's
/// traits (decoding, encoding, validation, ids) and the optional serde and `PartialEq` derives
/// with their features. In a standalone crate, a response type reached only through
/// expandable fields has its impls only with the feature that decodes it, which is listed too.
fn trait_impls(
    api: &Api,
    id: TypeId,
    features: Option<&crate::features::FeatureMap>,
    params_traits: &HashMap<usize, Vec<&'static str>>,
) -> Vec<ImplSurface> {
    // An alias has its target's impls (a target is never an alias).
    let target = match api.type_def(id).kind {
        TypeKind::Alias(target) => target,
        TypeKind::Struct(_) | TypeKind::Enum(_) | TypeKind::Union(_) => id,
    };
    let def = api.type_def(target);
    let target_index = target.index();
    // Whether a response type's impls need more than the type's own gate: a feature whose
    // operations decode it, rather than one that only names it through an expandable field.
    // Which features those are follows from the whole API's reach and is not part of the
    // type's surface; that one is needed is.
    let impl_gate: Option<String> = features.and_then(|features| {
        let declared = features.type_gates.get(target_index)?;
        let decoded = features.impl_gates.get(target_index)?;
        (declared != decoded).then(|| DECODING_FEATURE.to_owned())
    });
    let with = |optional: &[&str]| -> Vec<String> {
        let mut needed: Vec<String> = optional.iter().map(|name| (*name).to_owned()).collect();
        if def.direction() == Direction::Response {
            needed.extend(impl_gate.clone());
        }
        needed.sort();
        needed
    };
    let mut impls: Vec<(String, Vec<String>)> = Vec::new();
    let mut add = |name: &str, optional: &[&str]| impls.push((name.to_owned(), with(optional)));
    let has_id = def.facts.has_id.is_some();
    match (&def.kind, def.direction()) {
        (TypeKind::Struct(_), Direction::Response) => {
            for name in ["Clone", "Debug", "stripe_sdk::decode::Decode"] {
                add(name, &[]);
            }
            add("PartialEq", &["partial-eq"]);
            add("serde::Serialize", &["serialize"]);
            add("serde::Deserialize", &["deserialize"]);
            if has_id {
                add("stripe_sdk::HasId", &[]);
            }
        }
        (TypeKind::Enum(_), Direction::Response) => {
            for name in [
                "Clone",
                "Debug",
                "PartialEq",
                "Eq",
                "Hash",
                "std::str::FromStr",
            ] {
                add(name, &[]);
            }
            add("stripe_sdk::decode::Decode", &[]);
            add("serde::Serialize", &["serialize"]);
            add("serde::Deserialize", &["deserialize"]);
        }
        (TypeKind::Union(_), Direction::Response) => {
            for name in ["Clone", "Debug", "stripe_sdk::decode::Decode"] {
                add(name, &[]);
            }
            add("PartialEq", &["partial-eq"]);
            add("serde::Serialize", &["serialize"]);
            add("serde::Deserialize", &["deserialize"]);
            if has_id {
                add("stripe_sdk::HasId", &[]);
            }
        }
        (TypeKind::Struct(_), Direction::Request) => {
            for name in ["Clone", "Debug", "PartialEq", "stripe_sdk::form::Encode"] {
                add(name, &[]);
            }
            if def.facts.default {
                add("Default", &[]);
            }
            if def.facts.validation != crate::ir::Validation::None {
                add("stripe_sdk::validate::Validate", &[]);
            }
            add("serde::Serialize", &["serialize"]);
            add("serde::Deserialize", &["deserialize"]);
            for name in params_traits.get(&target_index).into_iter().flatten() {
                add(name, &[]);
            }
        }
        (TypeKind::Enum(_), Direction::Request) => {
            for name in ["Clone", "Copy", "Debug", "PartialEq", "Eq", "Hash"] {
                add(name, &[]);
            }
            add("stripe_sdk::form::Encode", &[]);
            add("serde::Serialize", &["serialize"]);
            add("serde::Deserialize", &["deserialize"]);
        }
        (TypeKind::Union(body), Direction::Request) => {
            for name in ["Clone", "Debug", "PartialEq", "stripe_sdk::form::Encode"] {
                add(name, &[]);
            }
            if def.facts.validation != crate::ir::Validation::None {
                add("stripe_sdk::validate::Validate", &[]);
            }
            add("serde::Serialize", &["serialize"]);
            add("serde::Deserialize", &["deserialize"]);
            for variant in body.variants.iter().filter(|variant| variant.has_from) {
                add(&format!("From<{}>", rust_type(api, &variant.ty)), &[]);
            }
        }
        (TypeKind::Alias(_), _) => {}
    }
    let mut impls: Vec<ImplSurface> = impls
        .into_iter()
        .map(|(trait_name, features)| ImplSurface {
            trait_name,
            features,
        })
        .collect();
    impls.sort();
    impls
}

fn direction_of(def: &TypeDef) -> TypeDirection {
    match def.direction() {
        Direction::Request => TypeDirection::Request,
        Direction::Response => TypeDirection::Response,
    }
}

fn shape(api: &Api, def: &TypeDef) -> TypeShape {
    match &def.kind {
        // To a program an alias is its target: the same fields and values under another name.
        TypeKind::Alias(target) => shape(api, api.type_def(*target)),
        TypeKind::Struct(body) => TypeShape::Struct {
            fields: body
                .fields
                .iter()
                .map(|field| {
                    let ty = rust_type(api, &field.ty);
                    FieldSurface {
                        rust_name: field.rust_name.clone(),
                        wire_name: field.wire_name.clone(),
                        rust_type: if field.is_option() {
                            format!("Option<{ty}>")
                        } else {
                            ty
                        },
                        required: !field.optional,
                        max_length: (body.direction == Direction::Request)
                            .then(|| max_length(&field.ty))
                            .flatten(),
                        pointer: field.pointer.clone(),
                        doc: doc_fingerprint(field.doc.0.as_deref()),
                    }
                })
                .collect(),
        },
        TypeKind::Enum(body) => TypeShape::Enum {
            values: body
                .variants
                .iter()
                .enumerate()
                .map(|(index, variant)| EnumValueSurface {
                    wire_value: variant.wire_value.clone(),
                    rust_name: variant.rust_name.clone(),
                    pointer: format!("{}/enum/{index}", def.pointer),
                })
                .collect(),
        },
        TypeKind::Union(body) => TypeShape::Union {
            variants: body
                .variants
                .iter()
                .map(|variant| VariantSurface {
                    rust_name: variant.rust_name.clone(),
                    rust_type: rust_type(api, &variant.ty),
                    max_length: (body.direction == Direction::Request)
                        .then(|| max_length(&variant.ty))
                        .flatten(),
                    // Lowering does not keep whether the variants sit under `anyOf` or
                    // `oneOf`, so a variant is located by its union's schema; a variant of
                    // the union the generator builds of every resource (a webhook event's
                    // object) comes from its resource's schema, not from the union's.
                    pointer: match (body.keeps_undecoded, variant.ty.named()) {
                        (true, Some(id)) => api.type_def(id).pointer.clone(),
                        _ => def.pointer.clone(),
                    },
                })
                .collect(),
        },
    }
}

/// The Rust type as the emitter writes it, without the `crate::` and `std::` prefixes.
fn rust_type(api: &Api, ty: &TypeRef) -> String {
    crate::emit::type_ref_text(ty, crate::emit::Spelling::Short, &|id| {
        api.type_def(id).name.clone()
    })
}

/// The `maxLength` the crate checks on a value of `ty`, looking through the containers whose
/// items the validator checks one by one.
fn max_length(ty: &TypeRef) -> Option<usize> {
    match ty {
        TypeRef::String { max_length } => *max_length,
        TypeRef::Array(inner) | TypeRef::Map(inner) | TypeRef::Unsettable(inner) => {
            max_length(inner)
        }
        TypeRef::Integer { .. }
        | TypeRef::Number
        | TypeRef::Boolean
        | TypeRef::File
        | TypeRef::Json
        | TypeRef::RangeQuery
        | TypeRef::Named(_)
        | TypeRef::Boxed(_)
        | TypeRef::List(_)
        | TypeRef::SearchResult(_)
        | TypeRef::Expandable(_) => None,
    }
}

/// The operation whose request or response defines a type at `pointer` inline
/// (`/paths/{path}/{method}/...`).
fn owning_operation(pointer: &str, operation_of_pointer: &HashMap<&str, &str>) -> Option<String> {
    let rest = pointer.strip_prefix("/paths/")?;
    let mut segments = rest.splitn(3, '/');
    let (path, method) = (segments.next()?, segments.next()?);
    let operation_pointer = format!("/paths/{path}/{method}");
    operation_of_pointer
        .get(operation_pointer.as_str())
        .map(|id| (*id).to_owned())
}

/// A short, stable fingerprint of a doc text (64-bit FNV-1a in hex), so that the surface
/// notices a changed description without carrying the text. It is the same on every machine
/// and Rust version, unlike `std`'s hasher.
pub fn doc_fingerprint(doc: Option<&str>) -> Option<String> {
    let doc = doc.filter(|doc| !doc.is_empty())?;
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in doc.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    Some(format!("{hash:016x}"))
}
