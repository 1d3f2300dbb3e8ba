//! Check and lower: walks the selected operations and the schemas they reach, refuses what the
//! generator cannot honour, and builds the IR with every name decided.
//!
//! The walk is depth-first from each operation, in the config's order, so types come out in
//! the order they are first reached. [`registry`] hands out type ids and names; each other file
//! lowers one construct: [`operations`], [`params`], [`responses`], [`schemas`] (the dispatch
//! and `$ref`s), [`objects`], [`enums`], [`unions`], and [`stripe`] for Stripe's conventions
//! (list and search pages, expandable fields, object-discriminated unions, resource families),
//! and [`resources`] for the resource each path belongs to and its resource-style method;
//! after the operations, [`events`] builds the webhook event types, and [`renames`] keeps the
//! names types had when they were named after operationIds, as deprecated aliases.
//! Where a schema stands and for whom is passed down explicitly in a [`SchemaSite`].

mod enums;
mod event_objects;
mod events;
mod merge;
mod objects;
mod operations;
mod params;
mod registry;
mod renames;
mod resources;
mod responses;
mod schemas;
mod stripe;
mod unions;

use crate::error::{Error, SpecErrorKind};
use crate::ir::{Api, Direction, Origin, TypeId};
use openapiv3::OpenAPI;
use registry::TypeRegistry;
use rustc_hash::FxHashMap;

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
    let mut api = lower_from_spec(spec, file, selection)?;
    finish(&mut api);
    Ok(api)
}

/// [`lower`], taking the spec: once everything is read from it, it is dropped on a second
/// thread while this one finishes the IR, since freeing a parsed spec (millions of small
/// allocations) takes a few milliseconds that would otherwise come after generation.
pub fn lower_and_drop_spec(spec: OpenAPI, file: &str, selection: &Selection) -> Result<Api, Error> {
    let mut api = lower_from_spec(&spec, file, selection)?;
    std::thread::scope(|scope| {
        scope.spawn(move || drop(spec));
        finish(&mut api);
    });
    Ok(api)
}

/// The passes that read the spec: the operations, the types they reach and the events.
fn lower_from_spec(spec: &OpenAPI, file: &str, selection: &Selection) -> Result<Api, Error> {
    // Which resource and method each path is for reads every path of the document, apart from
    // everything else the walk needs first; it runs on a second thread meanwhile.
    let (routes, prepared) = std::thread::scope(|scope| {
        let routes = scope.spawn(|| resources::routes(spec));
        let prepared = prepare(spec, file, selection);
        (routes.join(), prepared)
    });
    // `routes` panics only on a bug in this crate; re-raise it here.
    let routes = routes.unwrap_or_else(|panic| std::panic::resume_unwind(panic));
    let (selected, reserved_names, families) = prepared?;
    let mut lowering = Lowering {
        spec,
        file,
        registry: TypeRegistry::new(reserved_names),
        components: FxHashMap::default(),
        inline_components: FxHashMap::default(),
        families,
        routes,
        shared_responses: FxHashMap::default(),
        operation_id: None,
    };
    let mut operations: Vec<crate::ir::Operation> = Vec::with_capacity(selected.len());
    let mut methods: FxHashMap<String, usize> =
        FxHashMap::with_capacity_and_hasher(selected.len(), Default::default());
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
    Ok(Api {
        api_version: spec.info.version.clone(),
        operations,
        types,
        events,
    })
}

/// What the walk starts from besides the routes: the selected operations, the type names it
/// must leave free, and the resource families.
type Prepared<'a> = (
    Vec<operations::IndexedOperation<'a>>,
    rustc_hash::FxHashSet<String>,
    Vec<String>,
);

fn prepare<'a>(
    spec: &'a OpenAPI,
    file: &str,
    selection: &Selection,
) -> Result<Prepared<'a>, Error> {
    let mut selected = operations::select(spec, file, selection)?;
    // Lowered in path and method order, whatever order the document or the selection gives
    // them: the walk decides which place reaches a type first, and reordering either must
    // change no generated byte.
    selected.sort_by(|a, b| (a.path, a.method).cmp(&(b.path, b.method)));
    // Inline types must not take the names the event types are built under later.
    let mut reserved_names = registry::component_type_names(spec, file)?;
    reserved_names.extend(events::reserved_names(spec));
    Ok((selected, reserved_names, stripe::resource_families(spec)))
}

/// The passes over the lowered IR alone: same-shape request types merged, the operationId
/// names kept as aliases, and the derived facts.
fn finish(api: &mut Api) {
    merge::merge_same_shape_request_types(api);
    renames::keep_operation_id_names(api);
    crate::analysis::analyse(api);
}

/// The state of one lowering run.
struct Lowering<'a> {
    spec: &'a OpenAPI,
    file: &'a str,
    registry: TypeRegistry,
    /// Component schemas already given a type: component name -> (type, direction).
    components: FxHashMap<&'a str, (TypeId, Direction)>,
    /// What the other component schemas lowered to, by name and whether for a request: a
    /// union, a map or a string, the same at every reference.
    inline_components: FxHashMap<(&'a str, bool), crate::ir::TypeRef>,
    /// Resource families (`x-resourceId` in snake case), longest first.
    families: Vec<String>,
    /// The resource and resource-style method of every path of the document.
    routes: resources::Routes,
    /// The responses that several operations answer under one name ("a customer or its
    /// deleted stub": `CustomerOrDeleted`), by that name, once lowered.
    shared_responses: FxHashMap<String, crate::ir::TypeRef>,
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
