//! The route table: the types the generated `src/gen/` files fill in, and the index the engine
//! builds from them once, when a fake starts.
//!
//! The generated files hold each operation as data (its method, path template, what it does to
//! the store, and its params and response schemas as JSON text). The schemas are parsed the
//! first time a request needs them, so that starting a whole-API fake does not parse the
//! hundreds of schemas a test never touches.

use crate::objects::Blank;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

/// How an operation's params travel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    /// No params at all.
    None,
    /// `application/x-www-form-urlencoded` body (POST).
    Form,
    /// The query string, in the same encoding (GET, DELETE).
    Query,
    /// `multipart/form-data` (file uploads).
    Multipart,
}

/// What an operation does to the store, as the generator classified it from its method, path
/// and response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// `POST /v1/customers`: stores a new object.
    Create,
    /// `GET /v1/customers/{customer}`.
    Retrieve,
    /// `POST /v1/customers/{customer}`: merges the params into the stored object.
    Update,
    /// `DELETE /v1/customers/{customer}`.
    Delete,
    /// `GET /v1/customers`: the stored objects of the collection, newest first.
    List,
    /// `GET /v1/customers/search`.
    Search,
    /// Anything else: answered with the stored object its last path parameter names when the
    /// response is of that object's kind, and otherwise with an object built from the schema.
    Other,
}

/// One operation of the spec, as the generator writes it.
#[derive(Debug, Clone, Copy)]
pub struct OperationDef {
    /// The spec's operationId.
    pub id: &'static str,
    /// `GET`, `POST` or `DELETE`.
    pub method: &'static str,
    /// The path template (`/v1/customers/{customer}`).
    pub path: &'static str,
    pub body: BodyKind,
    pub action: Action,
    /// The component schema of the objects this operation stores or reads (`customer`), or
    /// `""`.
    pub resource: &'static str,
    /// The params schema as JSON text (an object schema; query parameters are its
    /// properties), or `""` when the operation takes none.
    pub params: &'static str,
    /// The 2xx response schema as JSON text; `$ref`s name component schemas by name.
    pub response: &'static str,
    /// For a binary response, its media type (`application/pdf`); otherwise `""`.
    pub binary: &'static str,
}

impl OperationDef {
    /// The action an `Other` operation takes on the object its path names: the path's last
    /// segment (`confirm` of `/v1/payment_intents/{intent}/confirm`), the method name
    /// lowering gives it on the resource's handle.
    pub fn verb(&self) -> &'static str {
        self.path.rsplit('/').next().unwrap_or("")
    }
}

/// A component schema, parsed on first use.
struct LazySchema {
    text: &'static str,
    parsed: OnceLock<Arc<Value>>,
    /// A new object of this component as the builder makes it without fixtures, kept so
    /// that each create copies it rather than walking the schema again.
    blank: OnceLock<Arc<Blank>>,
}

/// An operation with its path split for matching and its schemas parsed on first use.
pub(crate) struct Route {
    pub def: OperationDef,
    /// The path's segments after the leading `/`: `Some(literal)` or `None` for a parameter.
    pub segments: Vec<Option<&'static str>>,
    params: OnceLock<Arc<Value>>,
    response: OnceLock<Arc<Value>>,
}

/// A schema that is always empty, for operations without params.
fn empty_object() -> Arc<Value> {
    Arc::new(serde_json::json!({"type": "object", "properties": {}, "additionalProperties": false}))
}

/// Parses generated JSON text; the generator wrote it, so a failure is a bug in the fake, and
/// it degrades to an empty schema (which accepts nothing) rather than a panic.
fn parse(text: &str) -> Arc<Value> {
    Arc::new(serde_json::from_str(text).unwrap_or(Value::Null))
}

impl Route {
    /// The params schema (an object schema).
    pub fn params(&self) -> Arc<Value> {
        Arc::clone(self.params.get_or_init(|| {
            if self.def.params.is_empty() {
                empty_object()
            } else {
                parse(self.def.params)
            }
        }))
    }

    /// The 2xx response schema.
    pub fn response(&self) -> Arc<Value> {
        Arc::clone(self.response.get_or_init(|| parse(self.def.response)))
    }
}

/// Every operation and schema of the enabled families, indexed for routing.
pub(crate) struct Table {
    pub routes: Vec<Route>,
    /// By `(method, segment count)`, the routes that may match, most literal segments first.
    by_shape: HashMap<(&'static str, usize), Vec<usize>>,
    schemas: HashMap<&'static str, LazySchema>,
    /// By operation id, its index in `routes`.
    by_id: HashMap<&'static str, usize>,
    /// The id prefix of each resource whose ids the spec's examples or Stripe's fixtures show,
    /// sorted by resource (the generated `ID_PREFIXES`); see [`Table::with_id_prefixes`].
    pub id_prefixes: &'static [(&'static str, &'static str)],
}

impl Table {
    /// Indexes the generated operations and schemas.
    pub fn new(
        operations: &[&'static [OperationDef]],
        schemas: &'static [(&'static str, &'static str)],
    ) -> Table {
        let mut routes = Vec::new();
        for family in operations {
            for def in family.iter() {
                let mut segments = Vec::new();
                for segment in def.path.trim_start_matches('/').split('/') {
                    match segment
                        .strip_prefix('{')
                        .and_then(|rest| rest.strip_suffix('}'))
                    {
                        Some(_) => segments.push(None),
                        None => segments.push(Some(segment)),
                    }
                }
                routes.push(Route {
                    def: *def,
                    segments,
                    params: OnceLock::new(),
                    response: OnceLock::new(),
                });
            }
        }
        let mut by_shape: HashMap<(&'static str, usize), Vec<usize>> = HashMap::new();
        for (index, route) in routes.iter().enumerate() {
            by_shape
                .entry((route.def.method, route.segments.len()))
                .or_default()
                .push(index);
        }
        // A literal segment wins over a parameter in the same place (`/v1/customers/search`
        // over `/v1/customers/{customer}`), so candidates are tried in the order of their
        // segments, literals before parameters.
        for candidates in by_shape.values_mut() {
            candidates.sort_by(|a, b| {
                let key = |index: &usize| {
                    routes[*index]
                        .segments
                        .iter()
                        .map(Option::is_none)
                        .collect::<Vec<bool>>()
                };
                key(a).cmp(&key(b))
            });
        }
        let by_id = routes
            .iter()
            .enumerate()
            .map(|(index, route)| (route.def.id, index))
            .collect();
        let schemas = schemas
            .iter()
            .map(|(name, text)| {
                (
                    *name,
                    LazySchema {
                        text,
                        parsed: OnceLock::new(),
                        blank: OnceLock::new(),
                    },
                )
            })
            .collect();
        Table {
            routes,
            by_shape,
            schemas,
            by_id,
            id_prefixes: &[],
        }
    }

    /// The table with the generated API's id prefixes (sorted by resource), which new objects'
    /// ids and events' names are made from; without them every prefix is made from the
    /// resource's name.
    pub fn with_id_prefixes(
        mut self,
        id_prefixes: &'static [(&'static str, &'static str)],
    ) -> Table {
        self.id_prefixes = id_prefixes;
        self
    }

    /// The route for `method` and `path` (without the query), with its path parameters'
    /// values, percent-decoded.
    pub fn find(&self, method: &str, path: &str) -> Option<(&Route, Vec<String>)> {
        let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        let method = match method {
            "GET" => "GET",
            "POST" => "POST",
            "DELETE" => "DELETE",
            _ => return None,
        };
        let candidates = self.by_shape.get(&(method, segments.len()))?;
        'routes: for index in candidates {
            let route = &self.routes[*index];
            let mut values = Vec::new();
            for (pattern, actual) in route.segments.iter().zip(&segments) {
                match pattern {
                    Some(literal) if literal == actual => {}
                    Some(_) => continue 'routes,
                    None if actual.is_empty() => continue 'routes,
                    None => values.push(crate::form::percent_decode(actual)),
                }
            }
            return Some((route, values));
        }
        None
    }

    /// The operation with this id.
    pub fn route(&self, operation_id: &str) -> Option<&Route> {
        self.by_id
            .get(operation_id)
            .map(|index| &self.routes[*index])
    }

    /// The path of the operation that creates objects of `resource` (`/v1/payment_intents`,
    /// the collection they are listed in), or `None` when no enabled family creates them: the
    /// resource's own collection (`/v1/refunds`) rather than one under a parent
    /// (`/v1/charges/{charge}/refunds`) where it has both.
    pub fn create_path(&self, resource: &str) -> Option<&'static str> {
        let mut creates = self
            .routes
            .iter()
            .filter(|route| route.def.resource == resource && route.def.action == Action::Create)
            .map(|route| route.def.path);
        let first = creates.next()?;
        if !first.contains('{') {
            return Some(first);
        }
        Some(creates.find(|path| !path.contains('{')).unwrap_or(first))
    }

    /// The resource's name as the table holds it and the path of its top-level list
    /// (`/v1/customers`), if an enabled family routes one: where the stripe-mock-like mode
    /// lists its fixture.
    pub fn top_level_list(&self, resource: &str) -> Option<(&'static str, &'static str)> {
        self.routes
            .iter()
            .find(|route| {
                route.def.resource == resource
                    && route.def.action == Action::List
                    && !route.def.path.contains('{')
            })
            .map(|route| (route.def.resource, route.def.path))
    }

    /// The resource the retrieve at path template `path` reads (`customer` for
    /// `/v1/customers/{customer}`), if an enabled family routes one. Parameters match
    /// whatever their names (`/v1/transfers/{id}/reversals` is below
    /// `/v1/transfers/{transfer}`).
    pub fn retrieved_at(&self, path: &str) -> Option<&'static str> {
        let shape = |template: &str| -> Vec<Option<String>> {
            template
                .trim_start_matches('/')
                .split('/')
                .map(|segment| (!segment.starts_with('{')).then(|| segment.to_owned()))
                .collect()
        };
        let wanted = shape(path);
        self.routes
            .iter()
            .find(|route| {
                route.def.action == Action::Retrieve
                    && !route.def.resource.is_empty()
                    && route.segments.len() == wanted.len()
                    && shape(route.def.path) == wanted
            })
            .map(|route| route.def.resource)
    }

    /// The blank object of component `name`, made by `build` the first time it is asked for
    /// (or, for a name the table does not have, each time).
    pub fn blank(&self, name: &str, build: impl FnOnce() -> Blank) -> Arc<Blank> {
        match self.schemas.get(name) {
            Some(lazy) => Arc::clone(lazy.blank.get_or_init(|| Arc::new(build()))),
            None => Arc::new(build()),
        }
    }

    /// A component schema by name, parsed on first use.
    pub fn schema(&self, name: &str) -> Option<Arc<Value>> {
        let lazy = self.schemas.get(name)?;
        Some(Arc::clone(lazy.parsed.get_or_init(|| parse(lazy.text))))
    }
}
