//! Check and lower: walks the selected operations and the schemas they reach, refuses what the
//! generator cannot honour, and builds the IR with every name decided.
//!
//! The walk is depth-first from each operation, in the config's order, so types come out in
//! the order they are first reached. [`registry`] hands out type ids and names; each other file
//! lowers one construct: [`operations`], [`params`], [`responses`], [`schemas`] (the dispatch
//! and `$ref`s), [`objects`], [`enums`], [`unions`], and [`stripe`] for Stripe's conventions
//! (list and search pages, expandable fields, object-discriminated unions, resource families);
//! after the operations, [`events`] builds the webhook event types.
//! Where a schema stands and for whom is passed down explicitly in a [`SchemaSite`].

mod enums;
mod events;
mod merge;
mod objects;
mod operations;
mod params;
mod registry;
mod responses;
mod schemas;
mod stripe;
mod unions;

use crate::error::{Error, SpecErrorKind};
use crate::ir::{Api, Direction, Origin, TypeId};
use openapiv3::OpenAPI;
use registry::TypeRegistry;
use std::collections::HashMap;

/// Which operations to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// Every operation in the spec, in document order.
    All,
    /// These operationIds, in this order.
    Operations(Vec<String>),
}

/// Lowers the selected operations of `spec` (read from `file`) into the IR, with every derived
/// fact computed (see [`crate::analysis`]).
pub fn lower(spec: &OpenAPI, file: &str, selection: &Selection) -> Result<Api, Error> {
    let selected = operations::select(spec, file, selection)?;
    // Inline types must not take the names the event types are built under later.
    let mut reserved_names = registry::component_type_names(spec, file)?;
    reserved_names.extend(events::reserved_names(spec));
    let mut lowering = Lowering {
        spec,
        file,
        registry: TypeRegistry::new(reserved_names),
        components: HashMap::new(),
        families: stripe::resource_families(spec),
        operation_id: None,
    };
    let mut operations: Vec<crate::ir::Operation> = Vec::with_capacity(selected.len());
    let mut methods: HashMap<String, usize> = HashMap::with_capacity(selected.len());
    for operation in &selected {
        lowering.operation_id = Some(operation.id.to_owned());
        let lowered = lowering.lower_operation(operation)?;
        // Two operationIds that convert to one method name (`GetFoo`, `get_foo`) would give
        // the client the same method twice.
        if let Some(&other) = methods.get(&lowered.method_name) {
            let other: &crate::ir::Operation = &operations[other];
            let kind = SpecErrorKind::NameClash {
                name: lowered.method_name.clone(),
                other: format!(
                    "the operation `{}` (#{})",
                    other.operation_id, other.pointer
                ),
            };
            return Err(lowering.error(&lowered.pointer, kind));
        }
        methods.insert(lowered.method_name.clone(), operations.len());
        operations.push(lowered);
    }
    lowering.operation_id = None;
    let events = lowering.lower_events()?;
    let types = lowering.registry.finish(file)?;
    let mut api = Api {
        api_version: spec.info.version.clone(),
        operations,
        types,
        events,
    };
    merge::merge_same_shape_request_types(&mut api);
    crate::analysis::analyse(&mut api);
    Ok(api)
}

/// The state of one lowering run.
struct Lowering<'a> {
    spec: &'a OpenAPI,
    file: &'a str,
    registry: TypeRegistry,
    /// Component schemas already given a type: component name -> (type, direction).
    components: HashMap<&'a str, (TypeId, Direction)>,
    /// Resource families (`x-resourceId` in snake case), longest first.
    families: Vec<String>,
    /// The operation being lowered, named in error messages.
    operation_id: Option<String>,
}

impl Lowering<'_> {
    fn error(&self, pointer: &str, kind: SpecErrorKind) -> Error {
        spec_error(self.file, pointer, self.operation_id.as_deref(), kind)
    }
}

/// Where a schema is being lowered, and for whom.
#[derive(Clone)]
struct SchemaSite<'s> {
    pointer: String,
    direction: Direction,
    module: &'s str,
    /// The name an inline object or enum here gets (`TerminalConnectionTokenObject`).
    name_hint: String,
    /// The place in a request body, which decides whether a binary string is a file.
    place: Place,
    /// The type a component's schema defines, reserved before its fields are lowered so that
    /// references back to it find it.
    defines: Option<TypeId>,
    /// The component whose own schema this is, if it is one.
    component: Option<&'s str>,
}

impl<'s> SchemaSite<'s> {
    /// A site below this one: same direction and module, a new pointer and name hint, and
    /// none of this site's own definition or place.
    fn nested(&self, pointer: String, name_hint: String) -> SchemaSite<'s> {
        SchemaSite {
            pointer,
            direction: self.direction,
            module: self.module,
            name_hint,
            place: Place::Nested,
            defines: None,
            component: None,
        }
    }

    /// The origin of a type defined right here.
    fn origin(&self) -> Origin {
        match self.component {
            Some(name) => Origin::Component {
                name: name.to_owned(),
            },
            None => Origin::Inline,
        }
    }
}

/// Where in the document a schema stands, as far as lowering cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    /// Anywhere a file cannot be: files travel only as parts of a multipart body.
    Nested,
    /// The schema of a multipart request body.
    MultipartBody,
    /// A property of a multipart body: a binary string here is a file, sent as a part of its
    /// own.
    MultipartPart,
    /// An item of an array that is a property of a multipart body: a binary string here is
    /// one of several files sent under that property.
    MultipartPartItem,
}

fn spec_error(file: &str, pointer: &str, operation_id: Option<&str>, kind: SpecErrorKind) -> Error {
    Error::Spec {
        file: file.to_owned(),
        pointer: pointer.to_owned(),
        operation_id: operation_id.map(str::to_owned),
        kind,
    }
}

fn unsupported(what: &str) -> SpecErrorKind {
    SpecErrorKind::Unsupported {
        what: what.to_owned(),
    }
}

/// `label`, or else the first of `label2`, `label3`, ... that is not taken, so colliding
/// names are numbered in the order they are met, the same on every run.
fn first_free(label: &str, is_taken: impl Fn(&str) -> bool) -> String {
    if !is_taken(label) {
        return label.to_owned();
    }
    (2..)
        .map(|suffix| format!("{label}{suffix}"))
        .find(|candidate| !is_taken(candidate))
        .unwrap_or_else(|| label.to_owned())
}
