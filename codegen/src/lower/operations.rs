//! Operations: indexes the spec's operations, applies the selection, and lowers each one into
//! its method: name, module, server, path template and path parameters, params and response.

use super::{Lowering, Place, SchemaSite, Selection, spec_error, stripe, unsupported};
use crate::error::{Error, SpecErrorKind};
use crate::ir::{
    Direction, Doc, HttpMethod, Operation, OperationFacts, OperationParams, ParamsLocation,
    PathParam, PathSegment, PathTemplate, ResourceMethod, TypeRef,
};
use crate::naming::{field_name, html_to_markdown, snake_case, type_name};
use crate::pointer::join;
use indexmap::IndexMap;
use openapiv3::{OpenAPI, Parameter, ParameterSchemaOrContent, ReferenceOr};

/// What an operation's types are named after, and how its docs name the call.
pub(super) struct OperationNames<'n> {
    /// The handle's resource and the method (`CustomerCreate`), which `Params` and the field
    /// path follow.
    pub base: &'n str,
    /// The resource-style call (`customers().create()`).
    pub call: String,
}

/// An operation found in the spec, with what lowering needs to know about where it is.
pub(super) struct IndexedOperation<'a> {
    pub id: &'a str,
    pub path: &'a str,
    pub method: HttpMethod,
    pub operation: &'a openapiv3::Operation,
    pub path_item: &'a openapiv3::PathItem,
    pub pointer: String,
}

/// The selected operations, in the selection's order.
pub(super) fn select<'a>(
    spec: &'a OpenAPI,
    file: &str,
    selection: &Selection,
) -> Result<Vec<IndexedOperation<'a>>, Error> {
    let mut index = index_operations(spec, file)?;
    match selection {
        Selection::All => Ok(index.into_values().collect()),
        Selection::Operations(ids) => {
            let mut selected = Vec::with_capacity(ids.len());
            for id in ids {
                // The config refuses repeated ids, so each is taken out once.
                match index.shift_remove(id.as_str()) {
                    Some(operation) => selected.push(operation),
                    None => {
                        return Err(Error::UnknownOperation {
                            file: file.to_owned(),
                            operation_id: id.clone(),
                            suggestion: closest(
                                id,
                                index
                                    .keys()
                                    .copied()
                                    .chain(selected.iter().map(|operation| operation.id)),
                            ),
                        });
                    }
                }
            }
            Ok(selected)
        }
    }
}

/// Maps each operationId to its operation, refusing duplicates and constructs the generator
/// cannot read (path item references, methods Stripe never uses).
fn index_operations<'a>(
    spec: &'a OpenAPI,
    file: &str,
) -> Result<IndexMap<&'a str, IndexedOperation<'a>>, Error> {
    let mut index: IndexMap<&str, IndexedOperation<'_>> = IndexMap::new();
    for (path, item) in &spec.paths.paths {
        let item_pointer = join("/paths", &[path]);
        let ReferenceOr::Item(item) = item else {
            return Err(spec_error(
                file,
                &item_pointer,
                None,
                unsupported("a `$ref` path item"),
            ));
        };
        let methods = [
            ("get", Some(HttpMethod::Get), &item.get),
            ("post", Some(HttpMethod::Post), &item.post),
            ("delete", Some(HttpMethod::Delete), &item.delete),
            ("put", None, &item.put),
            ("patch", None, &item.patch),
            ("head", None, &item.head),
            ("options", None, &item.options),
            ("trace", None, &item.trace),
        ];
        for (name, method, operation) in methods {
            let Some(operation) = operation else { continue };
            let pointer = format!("{item_pointer}/{name}");
            let Some(id) = operation.operation_id.as_deref() else {
                return Err(spec_error(
                    file,
                    &pointer,
                    None,
                    unsupported("an operation without an operationId"),
                ));
            };
            let Some(method) = method else {
                let what = format!("the HTTP method `{}`", name.to_ascii_uppercase());
                return Err(spec_error(file, &pointer, Some(id), unsupported(&what)));
            };
            if let Some(previous) = index.get(id) {
                let kind = SpecErrorKind::DuplicateOperationId {
                    other_pointer: format!("#{}", previous.pointer),
                };
                return Err(spec_error(file, &pointer, Some(id), kind));
            }
            index.insert(
                id,
                IndexedOperation {
                    id,
                    path,
                    method,
                    operation,
                    path_item: item,
                    pointer,
                },
            );
        }
    }
    Ok(index)
}

/// The selected name nearest to `wanted`, to suggest when a config names an unknown operation.
fn closest<'a>(wanted: &str, candidates: impl Iterator<Item = &'a str>) -> Option<String> {
    let wanted_lower = wanted.to_ascii_lowercase();
    candidates
        .map(|candidate| {
            (
                edit_distance(&wanted_lower, &candidate.to_ascii_lowercase()),
                candidate,
            )
        })
        .filter(|(distance, _)| *distance <= 3.max(wanted.len() / 5))
        .min()
        .map(|(_, candidate)| candidate.to_owned())
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous_diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous_diagonal + usize::from(ca != *cb);
            previous_diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
}

impl<'a> Lowering<'a> {
    pub(super) fn lower_operation(
        &mut self,
        indexed: &IndexedOperation<'a>,
    ) -> Result<Operation, Error> {
        let operation = indexed.operation;
        let route = self.routes.get(indexed.path, indexed.method.spec_name());
        let module = match route {
            Some(route) => stripe::module_name(&route.resource),
            None => self.module_for_operation(indexed),
        };
        let (resource_method, type_base) = match route {
            Some(route) => (
                ResourceMethod {
                    handle: route.handle.clone(),
                    method: route.method.clone(),
                },
                route.type_base.clone(),
            ),
            None => (
                ResourceMethod {
                    handle: vec![stripe::module_name(&module)],
                    method: snake_case(indexed.id),
                },
                type_name(indexed.id),
            ),
        };
        let names = OperationNames {
            base: &type_base,
            call: resource_method.call(),
        };
        let (path, path_params) = self.lower_path(indexed)?;
        let params = self.lower_params(indexed, &module, &names)?;
        let response = self.lower_responses(indexed, &module, &names)?;
        let pagination = stripe::pagination(&self.registry, params.as_ref(), &response);
        let doc = operation
            .description
            .as_deref()
            .or(operation.summary.as_deref())
            .map(html_to_markdown);
        let verb = doc.as_deref().and_then(super::resources::leading_verb);
        Ok(Operation {
            operation_id: indexed.id.to_owned(),
            method_name: snake_case(indexed.id),
            module,
            resource_method,
            type_base,
            verb,
            http_method: indexed.method,
            path,
            path_params,
            params,
            response,
            pagination,
            server: self.operation_server(indexed)?,
            doc: Doc(doc),
            pointer: indexed.pointer.clone(),
            facts: OperationFacts::default(),
        })
    }

    /// The params type, from the query parameters or the request body (never both).
    fn lower_params(
        &mut self,
        indexed: &IndexedOperation<'a>,
        module: &str,
        names: &OperationNames<'_>,
    ) -> Result<Option<OperationParams>, Error> {
        let query = self.lower_query_params(indexed, module, names)?;
        let body = self.lower_request_body(indexed, module, names)?;
        match (query, body) {
            // Stripe's GET operations declare an empty form body beside their query
            // parameters; a body with fields there would have nowhere to go.
            (Some(_), Some(_)) => {
                let pointer = format!("{}/requestBody", indexed.pointer);
                Err(self.error(
                    &pointer,
                    unsupported("query parameters together with a request body"),
                ))
            }
            (Some(type_id), None) => Ok(Some(OperationParams {
                type_id,
                location: ParamsLocation::Query,
            })),
            (None, Some(params)) => Ok(Some(params)),
            (None, None) => Ok(None),
        }
    }

    /// An operation lives with the resource it returns: the success response's component, or
    /// the items of a list it returns; otherwise its path's family.
    fn module_for_operation(&self, indexed: &IndexedOperation<'a>) -> String {
        let component = stripe::returned_component(indexed.operation)
            .and_then(|reference| self.resolve_component(reference, "").ok());
        match component {
            Some((name, _, _)) => stripe::module_for_component(&self.families, name),
            None => stripe::module_for_path(indexed.path),
        }
    }

    /// An operation (or path item) with its own `servers` entry is sent there, unless the
    /// client is pointed elsewhere; only one server is meaningful for a client.
    fn operation_server(&self, indexed: &IndexedOperation<'a>) -> Result<Option<String>, Error> {
        let (servers, pointer) = if indexed.operation.servers.is_empty() {
            (
                &indexed.path_item.servers,
                format!("{}/servers", join("/paths", &[indexed.path])),
            )
        } else {
            (
                &indexed.operation.servers,
                format!("{}/servers", indexed.pointer),
            )
        };
        match servers.as_slice() {
            [] => Ok(None),
            [server]
                if server.url.starts_with("https://")
                    && server.variables.as_ref().is_none_or(|v| v.is_empty()) =>
            {
                Ok(Some(server.url.trim_end_matches('/').to_owned()))
            }
            _ => Err(self.error(
                &pointer,
                unsupported("servers other than one fixed `https://` URL"),
            )),
        }
    }

    /// Every operation parameter, with the path item's shared parameters first, as
    /// `(pointer, parameter)`.
    pub(super) fn parameters(
        &self,
        indexed: &IndexedOperation<'a>,
    ) -> Result<Vec<(String, &'a Parameter)>, Error> {
        let shared = indexed
            .path_item
            .parameters
            .iter()
            .enumerate()
            .map(|(i, p)| {
                (
                    format!("{}/parameters/{i}", join("/paths", &[indexed.path])),
                    p,
                )
            });
        let own = indexed
            .operation
            .parameters
            .iter()
            .enumerate()
            .map(|(i, p)| (format!("{}/parameters/{i}", indexed.pointer), p));
        shared
            .chain(own)
            .map(|(pointer, parameter)| match parameter {
                ReferenceOr::Item(parameter) => Ok((pointer, parameter)),
                ReferenceOr::Reference { .. } => {
                    Err(self.error(&pointer, unsupported("a `$ref` parameter")))
                }
            })
            .collect()
    }

    /// Parses the path template once, and lowers the path parameter each `{name}` in it
    /// names, in template order.
    fn lower_path(
        &mut self,
        indexed: &IndexedOperation<'a>,
    ) -> Result<(PathTemplate, Vec<PathParam>), Error> {
        let parameters = self.parameters(indexed)?;
        let mut segments = Vec::new();
        let mut params = Vec::new();
        for piece in parse_template(indexed.path) {
            let name = match piece {
                TemplatePiece::Literal(text) => {
                    segments.push(PathSegment::Literal(text.to_owned()));
                    continue;
                }
                TemplatePiece::Param(name) => name,
            };
            let found = parameters.iter().find(|(_, parameter)| {
                matches!(parameter, Parameter::Path { parameter_data, .. } if parameter_data.name == name)
            });
            let Some((pointer, parameter)) = found else {
                let what = format!(
                    "the path template names `{{{name}}}` but no path parameter declares it"
                );
                return Err(self.error(
                    &format!("{}/parameters", indexed.pointer),
                    unsupported(&what),
                ));
            };
            let data = parameter.parameter_data_ref();
            let mut max_length = None;
            if let ParameterSchemaOrContent::Schema(schema) = &data.format {
                let site = SchemaSite {
                    pointer: format!("{pointer}/schema"),
                    direction: Direction::Request,
                    module: "",
                    name_hint: String::new(),
                    place: Place::Nested,
                    defines: None,
                    component: None,
                };
                match self.lower_schema(schema, &site)? {
                    TypeRef::String { max_length: max } => max_length = max,
                    _ => {
                        return Err(self.error(
                            &site.pointer,
                            unsupported("a path parameter that is not a string"),
                        ));
                    }
                }
            }
            // Each parameter is a method argument beside `params`, so their names must differ.
            let rust_name = field_name(name);
            let taken_by = if rust_name == "params" {
                Some("the method's `params` argument".to_owned())
            } else {
                params
                    .iter()
                    .find(|param: &&PathParam| param.rust_name == rust_name)
                    .map(|param| format!("the path parameter `{}`", param.wire_name))
            };
            if let Some(other) = taken_by {
                let kind = SpecErrorKind::NameClash {
                    name: rust_name,
                    other,
                };
                return Err(self.error(pointer, kind));
            }
            segments.push(PathSegment::Param(params.len()));
            params.push(PathParam {
                wire_name: name.to_owned(),
                rust_name,
                max_length,
                doc: Doc(data.description.as_deref().map(html_to_markdown)),
            });
        }
        let template = PathTemplate {
            template: indexed.path.to_owned(),
            segments,
        };
        Ok((template, params))
    }
}

enum TemplatePiece<'t> {
    Literal(&'t str),
    Param(&'t str),
}

/// Splits a path template at its `{name}`s; a `{` without its `}` stays literal text.
fn parse_template(path: &str) -> Vec<TemplatePiece<'_>> {
    let mut pieces = Vec::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let Some(length) = rest[start..].find('}') else {
            break;
        };
        if start > 0 {
            pieces.push(TemplatePiece::Literal(&rest[..start]));
        }
        pieces.push(TemplatePiece::Param(&rest[start + 1..start + length]));
        rest = &rest[start + length + 1..];
    }
    if !rest.is_empty() {
        pieces.push(TemplatePiece::Literal(rest));
    }
    pieces
}
