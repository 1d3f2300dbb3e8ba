//! Resources: which resource each path belongs to (its Cargo feature and module), and the
//! resource-style method it gets (`client.customers().retrieve(id, &params)`), both derived
//! from the paths and methods with REST's conventions.
//!
//! Every path of the document is read, not only the selected operations, so that an
//! operation's resource and method name do not depend on which others are generated, and the
//! order of the document's paths changes nothing.
//!
//! A path is read segment by segment (after `/v1`):
//! - a literal followed, in some path, by a `{parameter}`, or that lists objects (`GET`
//!   returning a list page) is a collection: a handle (`customers()`), whose bare path is
//!   `list` and `create`, and whose `/{id}` is `retrieve`, `update` and `delete`;
//! - `search` after a collection is `search`;
//! - a literal after an object (`/v1/payment_methods/{pm}/attach`) is an action of it
//!   (`attach`), unless it names the resource its operations return
//!   (`/v1/accounts/{account}/login_links` returns a `login_link`), which makes it a handle of
//!   its own (`login_links().create(account, ..)`); likewise a literal after a collection
//!   (`/v1/invoices/upcoming`), whose path continues into a handle named by both
//!   (`upcoming_lines()`);
//! - any other literal is a namespace (`terminal()`) or, at the end, a singleton (`balance()`,
//!   `retrieve`).
//!
//! A `DELETE` that answers a `deleted_*` stub deletes its object and is `delete`; one that
//! answers the object itself leaves it in place, and takes the verb its description starts
//! with (`DELETE /v1/subscriptions/{id}`, "Cancels a customer's subscription", is `cancel`),
//! as Stripe's own libraries name it.
//!
//! A handle's resource is the `x-resourceId` of what its standard operations return (list
//! items first), with Stripe's `deleted_*` stubs counted as their resource; a handle under
//! `test_helpers` belongs to the resource of the same handle outside it; and a handle whose
//! operations name no resource belongs to its parent's.
//!
//! Each operation's types are named after its handle and method, as Stripe's libraries name
//! them (`PriceCreateParams`, `SubscriptionCancelParams`): the handle's resource in singular
//! (`Price`, `CheckoutSession`) where the handle is its resource's own, else the handles the
//! call goes through, each collection in singular (`CustomerSubscription`, `ChargeRefund`,
//! `BalanceHistory`), so that two routes to one resource keep apart. Path parameters never
//! appear in a name. Where two operations would still get one method or one name, the one
//! whose path and method come later keeps its operationId's, so that the outcome depends on
//! neither the document's order nor the selection.

use crate::naming::{field_name, html_to_markdown, pascal_case, snake_case};
use openapiv3::{OpenAPI, ReferenceOr, Schema, SchemaKind, StatusCode, Type};
use std::collections::{BTreeMap, BTreeSet};

use super::responses::JSON_CONTENT_TYPE;
use super::stripe::{PageKind, page_kind};

/// Where an operation sits among the resources.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Route {
    /// The resource it belongs to, in snake case (`customer`, `terminal_reader`): its module
    /// and Cargo feature.
    pub resource: String,
    /// The chain of handles that leads to it (`["terminal", "readers"]`).
    pub handle: Vec<String>,
    /// The method on the last handle (`retrieve`, `attach`).
    pub method: String,
    /// What the operation's types are named after (`CustomerCreate` for
    /// `CustomerCreateParams`): its handle's resource and its method, in upper camel case.
    pub type_base: String,
}

/// Every path's routes, by path and HTTP method (`get`, `post`, `delete`).
#[derive(Debug, Default)]
pub(super) struct Routes {
    routes: BTreeMap<(String, &'static str), Route>,
}

impl Routes {
    /// The route of the operation at `path` with `method`.
    pub fn get(&self, path: &str, method: &'static str) -> Option<&Route> {
        self.routes.get(&(path.to_owned(), method))
    }
}

/// One segment of a path after `/v1`.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Literal(String),
    Parameter,
}

/// How the end of a path relates to its last handle.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Shape {
    /// The collection itself (`/v1/customers`).
    Collection,
    /// One object of it (`/v1/customers/{customer}`).
    Object,
    /// `/search` after a collection.
    Search,
    /// A named action, of an object or of the collection.
    Action(String),
    /// A handle that is neither a collection nor an object (`/v1/balance`).
    Singleton,
}

/// What a path is made of, before resources are known.
struct PathShape {
    handle: Vec<String>,
    /// For each handle, whether it is a collection (named in plural, like `customers`).
    collections: Vec<bool>,
    shape: Shape,
}

/// The HTTP methods lowering supports, as the spec's path items name them.
const METHODS: [&str; 3] = ["get", "post", "delete"];

fn operation<'a>(item: &'a openapiv3::PathItem, method: &str) -> Option<&'a openapiv3::Operation> {
    match method {
        "get" => item.get.as_ref(),
        "post" => item.post.as_ref(),
        "delete" => item.delete.as_ref(),
        _ => None,
    }
}

fn segments(path: &str) -> Vec<Segment> {
    let mut parts: Vec<&str> = path.split('/').filter(|part| !part.is_empty()).collect();
    if parts.first() == Some(&"v1") {
        parts.remove(0);
    }
    parts
        .into_iter()
        .map(|part| {
            if part.starts_with('{') {
                Segment::Parameter
            } else {
                Segment::Literal(part.to_owned())
            }
        })
        .collect()
}

/// A prefix of literal and parameter segments as one key (`customers/{}/sources`).
fn key(segments: &[Segment]) -> String {
    segments
        .iter()
        .map(|segment| match segment {
            Segment::Literal(text) => text.as_str(),
            Segment::Parameter => "{}",
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Reads the resources of every path of `spec`.
pub(super) fn routes(spec: &OpenAPI) -> Routes {
    let index = PathIndex::new(spec);
    let mut shapes: Vec<(&str, &'static str, PathShape)> = Vec::new();
    for (path, item) in &index.items {
        for method in METHODS {
            if operation(item, method).is_some() {
                shapes.push((path, method, index.shape(&segments(path))));
            }
        }
    }
    // A handle's resource, from what its standard operations return.
    let mut candidates: BTreeMap<Vec<String>, (u8, String)> = BTreeMap::new();
    for (path, method, shape) in &shapes {
        let priority = match (&shape.shape, *method) {
            (Shape::Collection, "get") => 0,
            (Shape::Object, "get") => 1,
            (Shape::Collection, "post") => 2,
            (Shape::Singleton, "get") => 3,
            (Shape::Object, _) | (Shape::Singleton, _) | (Shape::Collection, _) => 4,
            (Shape::Search, _) => 5,
            (Shape::Action(_), _) => continue,
        };
        let Some(resource) = index.returned_resource(path, method) else {
            continue;
        };
        let entry = candidates
            .entry(shape.handle.clone())
            .or_insert((u8::MAX, String::new()));
        if (priority, &resource) < (entry.0, &entry.1) {
            *entry = (priority, resource);
        }
    }
    let resource_of = |handle: &[String]| -> String {
        let mut current: Vec<String> = handle.to_vec();
        loop {
            if let Some((_, resource)) = candidates.get(&current) {
                return resource.clone();
            }
            if current.first().map(String::as_str) == Some("test_helpers") {
                let outside: Vec<String> = current[1..].to_vec();
                if let Some((_, resource)) = candidates.get(&outside) {
                    return resource.clone();
                }
            }
            if current.len() <= 1 {
                let named = handle
                    .iter()
                    .filter(|part| *part != "test_helpers")
                    .cloned()
                    .collect::<Vec<_>>();
                let named = if named.is_empty() { handle } else { &named };
                return snake_case(&singular(&named.join("_")));
            }
            current.pop();
        }
    };
    let mut found: Vec<Found> = Vec::with_capacity(shapes.len());
    for (path, method, shape) in &shapes {
        let item = &index.items[*path];
        let methods = METHODS
            .iter()
            .filter(|method| operation(item, method).is_some())
            .count();
        let delete = || index.delete_name(path);
        let name = match &shape.shape {
            Shape::Collection => match *method {
                "get" if index.returns_list(path, method) => "list".to_owned(),
                "get" => "retrieve".to_owned(),
                "post" => "create".to_owned(),
                _ => delete(),
            },
            Shape::Object => match *method {
                "get" => "retrieve".to_owned(),
                "post" => "update".to_owned(),
                _ => delete(),
            },
            Shape::Search => "search".to_owned(),
            Shape::Singleton => match *method {
                "get" if index.returns_list(path, method) => "list".to_owned(),
                "get" => "retrieve".to_owned(),
                "post" if item.get.is_some() => "update".to_owned(),
                "post" => "create".to_owned(),
                _ => delete(),
            },
            Shape::Action(action) => match (*method, methods) {
                ("delete", _) => format!("delete_{action}"),
                (_, 1) => action.clone(),
                ("get", _) => format!("retrieve_{action}"),
                _ => format!("update_{action}"),
            },
        };
        let operation_id = operation(item, method)
            .and_then(|operation| operation.operation_id.clone())
            .unwrap_or_default();
        let resource = resource_of(&shape.handle);
        found.push(Found {
            path,
            method,
            operation_id,
            owner: owner(&shape.handle, &shape.collections, &resource),
            at_collection: shape.collections.last().copied().unwrap_or(false),
            route: Route {
                resource,
                handle: shape.handle.iter().map(|name| field_name(name)).collect(),
                method: field_name(&name),
                type_base: String::new(),
            },
        });
    }
    resolve_method_clashes(&mut found);
    name_types(&mut found);
    let routes = found
        .into_iter()
        .map(|found| (((*found.path).to_owned(), found.method), found.route))
        .collect();
    Routes { routes }
}

/// A route being decided, with what deciding its names needs.
struct Found<'a> {
    path: &'a str,
    method: &'static str,
    operation_id: String,
    /// The handle's resource as the operation's type names start (`customer_subscription`).
    owner: String,
    /// Whether the last handle is a collection, whose names outrank a singleton's.
    at_collection: bool,
    route: Route,
}

/// What an operation's types are named after: the resource, when the handles (collections in
/// singular, `test_helpers` aside or not) spell it (`customers` -> `customer`,
/// `terminal/readers` -> `terminal_reader`, `test_helpers/test_clocks` ->
/// `test_helpers_test_clock`); else the handles themselves, so that a second route to a
/// resource is named by its own way there (`customers/subscriptions` ->
/// `customer_subscription`, not `subscription`; `balance/history` -> `balance_history`).
fn owner(handle: &[String], collections: &[bool], resource: &str) -> String {
    let spelled = |skip_helpers: bool| -> String {
        handle
            .iter()
            .zip(collections)
            .filter(|(name, _)| !(skip_helpers && *name == "test_helpers"))
            .map(|(name, &collection)| {
                if collection {
                    singular(name)
                } else {
                    name.clone()
                }
            })
            .collect::<Vec<_>>()
            .join("_")
    };
    let own = spelled(true);
    // A handle that is not a collection may still be named in plural
    // (`terminal/connection_tokens`, which only creates).
    let spells = |words: &str| words == resource || singular(words) == resource;
    if spells(&spelled(false)) || spells(&own) || own.is_empty() {
        resource.to_owned()
    } else {
        own
    }
}

/// Gives every operation a resource-style method of its own. Where two operations of one
/// handle would get the same method, or a method would take the name of a handle below it,
/// the operation whose path and method come later keeps its operationId's name instead.
fn resolve_method_clashes(found: &mut [Found<'_>]) {
    let children: BTreeSet<(Vec<String>, String)> = found
        .iter()
        .flat_map(|found| {
            let handle = &found.route.handle;
            (1..handle.len()).map(|depth| (handle[..depth].to_vec(), handle[depth].clone()))
        })
        .collect();
    let mut order: Vec<usize> = (0..found.len()).collect();
    order.sort_by_key(|&index| (found[index].path, found[index].method));
    let mut taken: BTreeSet<(Vec<String>, String)> = BTreeSet::new();
    for index in order {
        let route = &found[index].route;
        let wanted = (route.handle.clone(), route.method.clone());
        if taken.contains(&wanted) || children.contains(&wanted) {
            let fallback = snake_case(&found[index].operation_id);
            found[index].route.method = fallback.clone();
            taken.insert((wanted.0, fallback));
        } else {
            taken.insert(wanted);
        }
    }
}

/// Names every operation's types after its owner and method (`CustomerCreate`). Where two
/// would share a name (`/v1/account` and `/v1/accounts/{account}` both retrieve an account),
/// a collection's operation keeps it before a singleton's, and then the earlier path; the
/// other is named after its operationId (`GetAccount`).
fn name_types(found: &mut [Found<'_>]) {
    let mut order: Vec<usize> = (0..found.len()).collect();
    order.sort_by_key(|&index| {
        let found = &found[index];
        (!found.at_collection, found.path, found.method)
    });
    let mut taken: BTreeSet<String> = BTreeSet::new();
    for index in order {
        let wanted = format!(
            "{}{}",
            pascal_case(&found[index].owner),
            pascal_case(&found[index].route.method)
        );
        let base = if taken.contains(&wanted) {
            pascal_case(&found[index].operation_id)
        } else {
            wanted
        };
        taken.insert(base.clone());
        found[index].route.type_base = base;
    }
}

/// The document's paths, and the facts about them that reading a path needs.
struct PathIndex<'a> {
    spec: &'a OpenAPI,
    items: BTreeMap<&'a str, &'a openapiv3::PathItem>,
    /// The keys of the prefixes that are collections.
    collections: BTreeSet<String>,
}

impl<'a> PathIndex<'a> {
    fn new(spec: &'a OpenAPI) -> Self {
        let items: BTreeMap<&str, &openapiv3::PathItem> = spec
            .paths
            .paths
            .iter()
            .filter_map(|(path, item)| match item {
                ReferenceOr::Item(item) => Some((path.as_str(), item)),
                ReferenceOr::Reference { .. } => None,
            })
            .collect();
        let mut index = PathIndex {
            spec,
            items,
            collections: BTreeSet::new(),
        };
        let mut collections = BTreeSet::new();
        for path in index.items.keys() {
            let segments = segments(path);
            for (position, segment) in segments.iter().enumerate() {
                if *segment == Segment::Parameter
                    && position > 0
                    && matches!(segments[position - 1], Segment::Literal(_))
                {
                    collections.insert(key(&segments[..position]));
                }
            }
            if matches!(segments.last(), Some(Segment::Literal(_)))
                && index.returns_list(path, "get")
            {
                collections.insert(key(&segments));
            }
        }
        index.collections = collections;
        index
    }

    /// What a path is made of: its handles and how its end relates to the last one.
    fn shape(&self, segments: &[Segment]) -> PathShape {
        let mut handle: Vec<String> = Vec::new();
        let mut collections: Vec<bool> = Vec::new();
        // A literal after a collection, with more to come, names the next handle together
        // with it (`invoices/upcoming/lines` -> `upcoming_lines`).
        let mut pending: Option<String> = None;
        let mut shape = Shape::Singleton;
        // Whether the path so far names one thing (an object, or a singleton handle below
        // one), whose last literal is then an action of it or a handle of its own.
        let mut at_one = false;
        let last = segments.len().saturating_sub(1);
        for (position, segment) in segments.iter().enumerate() {
            let Segment::Literal(text) = segment else {
                shape = Shape::Object;
                at_one = true;
                continue;
            };
            let name = match pending.take() {
                Some(prefix) => format!("{prefix}_{text}"),
                None => text.clone(),
            };
            if self.collections.contains(&key(&segments[..=position])) {
                handle.push(name);
                collections.push(true);
                shape = Shape::Collection;
                at_one = false;
                continue;
            }
            let previous = position.checked_sub(1).map(|index| &segments[index]);
            let after_collection = matches!(previous, Some(Segment::Literal(_)))
                && self.collections.contains(&key(&segments[..position]));
            let after_object = at_one;
            if position == last && (after_object || after_collection) {
                if after_collection && text == "search" {
                    shape = Shape::Search;
                } else if self.names_its_resource(segments, text) {
                    handle.push(name);
                    // Named in plural like a collection (`login_links`), and named so.
                    collections.push(true);
                    shape = Shape::Singleton;
                } else {
                    shape = Shape::Action(name);
                }
                continue;
            }
            if after_collection {
                pending = Some(name);
                continue;
            }
            handle.push(name);
            collections.push(false);
            shape = Shape::Singleton;
            // A literal below an object names one thing too (`cards/{card}/shipping`).
            at_one = after_object;
        }
        PathShape {
            handle,
            collections,
            shape,
        }
    }

    /// Whether `text`, the last segment of the path `segments`, names the resource that the
    /// path's operations return (`login_links` returning a `login_link`), which makes it a
    /// handle rather than an action.
    fn names_its_resource(&self, segments: &[Segment], text: &str) -> bool {
        let Some(path) = self
            .items
            .keys()
            .find(|path| key(&self::segments(path)) == key(segments))
        else {
            return false;
        };
        let singular = singular(text);
        METHODS.iter().any(|method| {
            self.returned_resource(path, method)
                .is_some_and(|resource| {
                    resource == text
                        || resource == singular
                        || resource.ends_with(&format!("_{text}"))
                        || resource.ends_with(&format!("_{singular}"))
                })
        })
    }

    /// The success response's schema of the operation at `path` with `method`.
    fn response_schema(&self, path: &str, method: &str) -> Option<&'a ReferenceOr<Schema>> {
        let operation = operation(self.items.get(path)?, method)?;
        operation
            .responses
            .responses
            .iter()
            .filter(|(code, _)| matches!(code, StatusCode::Code(200..=299)))
            .find_map(|(_, response)| match response {
                ReferenceOr::Item(response) => {
                    response.content.get(JSON_CONTENT_TYPE)?.schema.as_ref()
                }
                ReferenceOr::Reference { .. } => None,
            })
    }

    /// The method of a `DELETE` at `path`: `delete` when it answers a deleted stub (or a
    /// union with one) or nothing Stripe describes; otherwise the object outlives the call,
    /// and the method is the verb its description starts with (`cancel`).
    fn delete_name(&self, path: &str) -> String {
        let delete = || "delete".to_owned();
        if self.answers_deleted_stub(path, "delete") {
            return delete();
        }
        let Some(operation) = self.items.get(path).and_then(|item| item.delete.as_ref()) else {
            return delete();
        };
        operation
            .description
            .as_deref()
            .or(operation.summary.as_deref())
            .map(html_to_markdown)
            .as_deref()
            .and_then(leading_verb)
            .unwrap_or_else(delete)
    }

    /// Whether the operation answers one of Stripe's `deleted_*` stubs, or a union with one.
    fn answers_deleted_stub(&self, path: &str, method: &str) -> bool {
        let is_stub = |reference: &str| {
            self.component_resource_id(reference)
                .is_some_and(|id| snake_case(&id).starts_with("deleted_"))
        };
        match self.response_schema(path, method) {
            None => true,
            Some(ReferenceOr::Reference { reference }) => is_stub(reference),
            Some(ReferenceOr::Item(schema)) => match &schema.schema_kind {
                SchemaKind::AnyOf {
                    any_of: alternatives,
                }
                | SchemaKind::OneOf {
                    one_of: alternatives,
                } => alternatives.iter().any(|alternative| match alternative {
                    ReferenceOr::Reference { reference } => is_stub(reference),
                    ReferenceOr::Item(_) => false,
                }),
                _ => false,
            },
        }
    }

    /// Whether the operation returns a list page.
    fn returns_list(&self, path: &str, method: &str) -> bool {
        match self.response_schema(path, method) {
            Some(ReferenceOr::Item(Schema {
                schema_kind: SchemaKind::Type(Type::Object(object)),
                ..
            })) => matches!(page_kind(object), Some(PageKind::List)),
            _ => false,
        }
    }

    /// The resource the operation returns: the `x-resourceId` of its response's component,
    /// of a list page's items, or of the one resource a union of them stands for.
    fn returned_resource(&self, path: &str, method: &str) -> Option<String> {
        match self.response_schema(path, method)? {
            ReferenceOr::Reference { reference } => self.component_resource(reference),
            ReferenceOr::Item(schema) => {
                let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind else {
                    return self.union_resource(schema);
                };
                page_kind(object)?;
                let ReferenceOr::Item(data) = object.properties.get("data")? else {
                    return None;
                };
                let SchemaKind::Type(Type::Array(array)) = &data.schema_kind else {
                    return None;
                };
                match array.items.as_ref()? {
                    ReferenceOr::Reference { reference } => self.component_resource(reference),
                    ReferenceOr::Item(items) => self.union_resource(items),
                }
            }
        }
    }

    /// The one resource a union of components stands for (a customer or its deleted stub).
    fn union_resource(&self, schema: &Schema) -> Option<String> {
        let alternatives = match &schema.schema_kind {
            SchemaKind::AnyOf { any_of } => any_of,
            SchemaKind::OneOf { one_of } => one_of,
            _ => return None,
        };
        let resources: BTreeSet<String> = alternatives
            .iter()
            .filter_map(|alternative| match alternative {
                ReferenceOr::Reference { reference } => self.component_resource(reference),
                ReferenceOr::Item(_) => None,
            })
            .collect();
        let mut resources = resources.into_iter();
        match (resources.next(), resources.next()) {
            (Some(resource), None) => Some(resource),
            _ => None,
        }
    }

    /// A component's resource: its `x-resourceId` in snake case, a deleted stub's being that
    /// of what it stubs.
    fn component_resource(&self, reference: &str) -> Option<String> {
        self.component_resource_id(reference)
            .map(|id| resource_name(&id))
    }

    /// A component's `x-resourceId`, as the spec writes it.
    fn component_resource_id(&self, reference: &str) -> Option<String> {
        let name = reference.strip_prefix("#/components/schemas/")?;
        let name = crate::pointer::unescape_segment(name);
        let schema = self.spec.components.as_ref()?.schemas.get(&name)?;
        let ReferenceOr::Item(schema) = schema else {
            return None;
        };
        let id = schema
            .schema_data
            .extensions
            .get("x-resourceId")?
            .as_str()?;
        Some(id.to_owned())
    }
}

/// A resource's name from its `x-resourceId`: snake case, with a deleted stub's prefix
/// dropped (`deleted_customer` is a customer).
pub(super) fn resource_name(resource_id: &str) -> String {
    let snake = snake_case(resource_id);
    match snake.strip_prefix("deleted_") {
        Some(rest) if !rest.is_empty() => rest.to_owned(),
        _ => snake,
    }
}

/// The verb a description starts with, as a method would be named: "Cancels a customer's
/// subscription" -> `cancel`, "Attaches a PaymentMethod" -> `attach`. Descriptions that do not
/// start with a verb in the third person (`A list of ...`) give none.
pub(super) fn leading_verb(doc: &str) -> Option<String> {
    let word: String = doc
        .trim_start_matches(|ch: char| !ch.is_ascii_alphabetic())
        .chars()
        .take_while(char::is_ascii_alphabetic)
        .collect();
    let word = word.to_ascii_lowercase();
    let stem = if let Some(stem) = word.strip_suffix("ies") {
        format!("{stem}y")
    } else if ["ches", "shes", "sses", "xes"]
        .iter()
        .any(|ending| word.ends_with(ending))
    {
        word[..word.len() - 2].to_owned()
    } else {
        word.strip_suffix('s')?.to_owned()
    };
    // "Returns a list of ..." describes, rather than names, what the operation does.
    (stem.len() > 2 && !stem.ends_with('s') && stem != "return").then_some(stem)
}

/// The singular of a plural path segment, as Stripe's paths write them (`login_links`,
/// `entries`, `addresses`), else the segment itself.
fn singular(text: &str) -> String {
    if let Some(stem) = text.strip_suffix("ies") {
        format!("{stem}y")
    } else if let Some(stem) = text
        .strip_suffix("sses")
        .or_else(|| text.strip_suffix("ches"))
        .or_else(|| text.strip_suffix("shes"))
        .or_else(|| text.strip_suffix("xes"))
    {
        format!("{stem}{}", &text[stem.len()..text.len() - 2])
    } else if let Some(stem) = text
        .strip_suffix('s')
        .filter(|stem| !stem.ends_with('s') && !stem.ends_with('u'))
    {
        stem.to_owned()
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::{routes, singular};

    /// Paths of each shape the reader tells apart, answering components with `x-resourceId`s.
    const SPEC: &str = r##"
openapi: 3.0.0
info: { title: resources, version: "2024-01-01" }
paths:
  /v1/customers:
    get: { operationId: GetCustomers, responses: { "200": { description: ok, content: { application/json: { schema: { type: object, required: [data, has_more, object, url], properties: { data: { type: array, items: { $ref: "#/components/schemas/customer" } }, has_more: { type: boolean }, object: { type: string, enum: [list] }, url: { type: string } } } } } } } }
    post: { operationId: PostCustomers, responses: { "200": { description: ok, content: { application/json: { schema: { $ref: "#/components/schemas/customer" } } } } } }
  /v1/customers/search:
    get: { operationId: GetCustomersSearch, responses: { "200": { description: ok, content: { application/json: { schema: { $ref: "#/components/schemas/customer" } } } } } }
  /v1/customers/{customer}:
    get: { operationId: GetCustomersCustomer, responses: { "200": { description: ok, content: { application/json: { schema: { anyOf: [{ $ref: "#/components/schemas/customer" }, { $ref: "#/components/schemas/deleted_customer" }] } } } } } }
    delete: { operationId: DeleteCustomersCustomer, responses: { "200": { description: ok, content: { application/json: { schema: { $ref: "#/components/schemas/deleted_customer" } } } } } }
  /v1/customers/{customer}/balance_transactions:
    get: { operationId: GetCustomersCustomerBalanceTransactions, responses: { "200": { description: ok, content: { application/json: { schema: { type: object, required: [data, has_more, object, url], properties: { data: { type: array, items: { $ref: "#/components/schemas/customer_balance_transaction" } }, has_more: { type: boolean }, object: { type: string, enum: [list] }, url: { type: string } } } } } } } }
  /v1/payment_methods/{payment_method}:
    get: { operationId: GetPaymentMethodsPaymentMethod, responses: { "200": { description: ok, content: { application/json: { schema: { $ref: "#/components/schemas/payment_method" } } } } } }
  /v1/payment_methods/{payment_method}/attach:
    post: { operationId: PostPaymentMethodsPaymentMethodAttach, responses: { "200": { description: ok, content: { application/json: { schema: { $ref: "#/components/schemas/payment_method" } } } } } }
  /v1/accounts/{account}:
    get: { operationId: GetAccountsAccount, responses: { "200": { description: ok, content: { application/json: { schema: { $ref: "#/components/schemas/account" } } } } } }
  /v1/accounts/{account}/login_links:
    post: { operationId: PostAccountsAccountLoginLinks, responses: { "200": { description: ok, content: { application/json: { schema: { $ref: "#/components/schemas/login_link" } } } } } }
  /v1/terminal/connection_tokens:
    post: { operationId: PostTerminalConnectionTokens, responses: { "200": { description: ok, content: { application/json: { schema: { $ref: "#/components/schemas/terminal.connection_token" } } } } } }
  /v1/terminal/readers/{reader}:
    get: { operationId: GetTerminalReadersReader, responses: { "200": { description: ok, content: { application/json: { schema: { $ref: "#/components/schemas/terminal.reader" } } } } } }
  /v1/test_helpers/terminal/readers/{reader}/present_payment_method:
    post: { operationId: PostTestHelpersTerminalReadersReaderPresentPaymentMethod, responses: { "200": { description: ok, content: { application/json: { schema: { $ref: "#/components/schemas/terminal.reader" } } } } } }
  /v1/balance:
    get: { operationId: GetBalance, responses: { "200": { description: ok, content: { application/json: { schema: { $ref: "#/components/schemas/balance" } } } } } }
components:
  schemas:
    customer: { type: object, x-resourceId: customer, properties: { id: { type: string } } }
    deleted_customer: { type: object, x-resourceId: deleted_customer, properties: { id: { type: string } } }
    customer_balance_transaction: { type: object, x-resourceId: customer_balance_transaction, properties: { id: { type: string } } }
    payment_method: { type: object, x-resourceId: payment_method, properties: { id: { type: string } } }
    account: { type: object, x-resourceId: account, properties: { id: { type: string } } }
    login_link: { type: object, x-resourceId: login_link, properties: { url: { type: string } } }
    terminal.connection_token: { type: object, x-resourceId: terminal.connection_token, properties: { secret: { type: string } } }
    terminal.reader: { type: object, x-resourceId: terminal.reader, properties: { id: { type: string } } }
    balance: { type: object, x-resourceId: balance, properties: { livemode: { type: boolean } } }
"##;

    #[test]
    fn paths_read_as_resources_handles_and_methods() {
        let spec = crate::load::parse_spec("resources.yaml", SPEC).expect("the spec parses");
        let routes = routes(&spec);
        let cases = [
            ("/v1/customers", "get", "customer", "customers().list()"),
            ("/v1/customers", "post", "customer", "customers().create()"),
            (
                "/v1/customers/search",
                "get",
                "customer",
                "customers().search()",
            ),
            (
                "/v1/customers/{customer}",
                "get",
                "customer",
                "customers().retrieve()",
            ),
            (
                "/v1/customers/{customer}",
                "delete",
                "customer",
                "customers().delete()",
            ),
            (
                "/v1/customers/{customer}/balance_transactions",
                "get",
                "customer_balance_transaction",
                "customers().balance_transactions().list()",
            ),
            (
                "/v1/payment_methods/{payment_method}/attach",
                "post",
                "payment_method",
                "payment_methods().attach()",
            ),
            (
                "/v1/accounts/{account}/login_links",
                "post",
                "login_link",
                "accounts().login_links().create()",
            ),
            (
                "/v1/terminal/connection_tokens",
                "post",
                "terminal_connection_token",
                "terminal().connection_tokens().create()",
            ),
            (
                "/v1/terminal/readers/{reader}",
                "get",
                "terminal_reader",
                "terminal().readers().retrieve()",
            ),
            (
                "/v1/test_helpers/terminal/readers/{reader}/present_payment_method",
                "post",
                "terminal_reader",
                "test_helpers().terminal().readers().present_payment_method()",
            ),
            ("/v1/balance", "get", "balance", "balance().retrieve()"),
        ];
        for (path, method, resource, call) in cases {
            let route = routes
                .get(path, method)
                .unwrap_or_else(|| panic!("no route for {method} {path}"));
            let got = format!(
                "{}{}()",
                route
                    .handle
                    .iter()
                    .map(|name| format!("{name}()."))
                    .collect::<String>(),
                route.method
            );
            assert_eq!(
                (route.resource.as_str(), got.as_str()),
                (resource, call),
                "{method} {path}"
            );
        }
    }

    #[test]
    fn singulars() {
        assert_eq!(singular("login_links"), "login_link");
        assert_eq!(singular("entries"), "entry");
        assert_eq!(singular("addresses"), "address");
        assert_eq!(singular("batches"), "batch");
        assert_eq!(singular("balance"), "balance");
        assert_eq!(singular("status"), "status");
    }
}
