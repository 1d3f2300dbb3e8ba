//! Check and lower: walks the selected operations and the schemas they reach, refuses what the
//! generator cannot honour, and builds the IR with every name decided.

use crate::error::{Error, SpecErrorKind};
use crate::ir::{
    Api, Direction, Discriminator, Doc, EnumDef, EnumVariant, Field, HttpMethod, Operation,
    OperationParams, Pagination, ParamsLocation, PathParam, ResponseBody, StructDef, TypeDef,
    TypeKind, TypeRef, UnionDef, UnionVariant,
};
use crate::naming::{field_name, html_to_markdown, snake_case, type_name};
use crate::pointer::join;
use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, OpenAPI, Parameter, ParameterSchemaOrContent, ReferenceOr, Schema,
    SchemaKind, StatusCode, StringFormat, Type, VariantOrUnknownOrEmpty,
};

/// The only request body encoding Stripe uses for its JSON API (besides file uploads).
const FORM_CONTENT_TYPE: &str = "application/x-www-form-urlencoded";
const JSON_CONTENT_TYPE: &str = "application/json";
/// File uploads (`POST /v1/files`).
const MULTIPART_CONTENT_TYPE: &str = "multipart/form-data";
/// The component every Stripe error response refers to; the SDK's error type is hand-written.
const ERROR_SCHEMA_REF: &str = "#/components/schemas/error";
const SCHEMA_REF_PREFIX: &str = "#/components/schemas/";

/// Which operations to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// Every operation in the spec, in document order.
    All,
    /// These operationIds, in this order.
    Operations(Vec<String>),
}

/// Lowers the selected operations of `spec` (read from `file`) into the IR.
pub fn lower(spec: &OpenAPI, file: &str, selection: &Selection) -> Result<Api, Error> {
    let index = index_operations(spec, file)?;
    let selected: Vec<&IndexedOperation<'_>> = match selection {
        Selection::All => index.values().collect(),
        Selection::Operations(ids) => ids
            .iter()
            .map(|id| {
                index
                    .get(id.as_str())
                    .ok_or_else(|| Error::UnknownOperation {
                        file: file.to_owned(),
                        operation_id: id.clone(),
                        suggestion: closest(id, index.keys().copied()),
                    })
            })
            .collect::<Result<_, _>>()?,
    };
    let mut lowering = Lowering {
        spec,
        file,
        types: IndexMap::new(),
        order: Vec::new(),
        taken: std::collections::HashSet::new(),
        components: IndexMap::new(),
        in_progress: Vec::new(),
        operation_id: None,
        component_type_names: component_type_names(spec, file)?,
        families: resource_families(spec),
        files_allowed: false,
    };
    let mut operations = Vec::with_capacity(selected.len());
    for operation in selected {
        lowering.operation_id = Some(operation.id.to_owned());
        operations.push(lowering.lower_operation(operation)?);
    }
    Ok(Api {
        api_version: spec.info.version.clone(),
        operations,
        types: lowering.ordered_types(),
    })
}

struct IndexedOperation<'a> {
    id: &'a str,
    path: &'a str,
    method: HttpMethod,
    operation: &'a openapiv3::Operation,
    path_item: &'a openapiv3::PathItem,
    pointer: String,
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

/// Where a schema is being lowered, and for whom.
#[derive(Clone)]
struct SchemaSite<'s> {
    pointer: String,
    direction: Direction,
    module: &'s str,
    /// The name an inline object or enum here gets (`TerminalConnectionTokenObject`).
    name_hint: String,
}

struct Lowering<'a> {
    spec: &'a OpenAPI,
    file: &'a str,
    /// Every type defined so far, by Rust name.
    types: IndexMap<String, TypeDef>,
    /// Type names in the order they were first reached, so a struct precedes its inline types.
    order: Vec<String>,
    /// The names in `order`, for constant-time clash checks.
    taken: std::collections::HashSet<String>,
    /// Component schemas already given a type: component name -> (Rust name, direction).
    components: IndexMap<String, (String, Direction)>,
    /// The Rust names of all component schemas, which inline types must not take.
    component_type_names: std::collections::HashSet<String>,
    /// Whether a binary string is a file to upload here (the top of a multipart body).
    files_allowed: bool,
    /// Resource families (`x-resourceId` in snake case), longest first.
    families: Vec<String>,
    /// Types whose fields are being lowered; a reference back to one of them needs a `Box`.
    in_progress: Vec<String>,
    operation_id: Option<String>,
}

impl<'a> Lowering<'a> {
    fn error(&self, pointer: &str, kind: SpecErrorKind) -> Error {
        spec_error(self.file, pointer, self.operation_id.as_deref(), kind)
    }

    /// The module of a component schema: the longest resource family (`x-resourceId`) its
    /// name starts with (`payment_method_details_card` -> `payment_method`), else `shared`.
    fn module_for_component(&self, name: &str) -> String {
        let snake = snake_case(name);
        self.families
            .iter()
            .find(|family| {
                snake == **family
                    || snake
                        .strip_prefix(family.as_str())
                        .is_some_and(|rest| rest.starts_with('_'))
            })
            .map_or_else(|| "shared".to_owned(), |family| module_name(family))
    }

    /// An operation lives with the resource it returns: the success response's component, or
    /// the items of a list it returns; otherwise its path's family.
    fn module_for_operation(&self, indexed: &IndexedOperation<'a>) -> String {
        let success = indexed
            .operation
            .responses
            .responses
            .iter()
            .filter(|(code, _)| matches!(code, StatusCode::Code(200..=299)))
            .find_map(|(_, response)| match response {
                ReferenceOr::Item(response) => {
                    response.content.get(JSON_CONTENT_TYPE)?.schema.as_ref()
                }
                ReferenceOr::Reference { .. } => None,
            });
        let reference = match success {
            Some(ReferenceOr::Reference { reference }) => Some(reference.as_str()),
            Some(ReferenceOr::Item(Schema {
                schema_kind: SchemaKind::Type(Type::Object(object)),
                ..
            })) => match object.properties.get("data") {
                Some(ReferenceOr::Item(data)) => match &data.schema_kind {
                    SchemaKind::Type(Type::Array(openapiv3::ArrayType {
                        items: Some(ReferenceOr::Reference { reference }),
                        ..
                    })) => Some(reference.as_str()),
                    _ => None,
                },
                _ => None,
            },
            _ => None,
        };
        match reference.and_then(|reference| self.resolve_component(reference, "").ok()) {
            Some((name, _, _)) => self.module_for_component(name),
            None => module_for_path(indexed.path),
        }
    }

    /// A list response whose params take `starting_after` (or a search whose params take
    /// `page`) can be followed page by page.
    fn pagination(
        &self,
        params: &Option<OperationParams>,
        response: &ResponseBody,
    ) -> Option<Pagination> {
        let params = params.as_ref()?;
        let TypeKind::Struct(body) = &self.types.get(&params.type_name)?.kind else {
            return None;
        };
        let has_string_field = |name: &str| {
            body.fields.iter().any(|field| {
                field.wire_name == name
                    && field.optional
                    && matches!(field.ty, TypeRef::String { .. })
            })
        };
        match response {
            ResponseBody::Json(TypeRef::List(_)) if has_string_field("starting_after") => {
                Some(Pagination::List)
            }
            ResponseBody::Json(TypeRef::SearchResult(_)) if has_string_field("page") => {
                Some(Pagination::Search)
            }
            ResponseBody::Json(_) | ResponseBody::Binary { .. } => None,
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

    /// Records that a type with this name is being defined, in first-reached order.
    fn reserve(&mut self, name: String) {
        self.taken.insert(name.clone());
        self.order.push(name);
    }

    /// The defined types in the order they were first reached.
    fn ordered_types(mut self) -> Vec<TypeDef> {
        self.order
            .iter()
            .filter_map(|name| self.types.swap_remove(name))
            .collect()
    }

    fn lower_operation(&mut self, indexed: &IndexedOperation<'a>) -> Result<Operation, Error> {
        let operation = indexed.operation;
        let module = self.module_for_operation(indexed);
        let method_name = snake_case(indexed.id);
        let params_type = format!("{}Params", type_name(indexed.id));
        let path_params = self.lower_path_params(indexed)?;
        let query = self.lower_query_params(indexed, &module, &params_type)?;
        let body = self.lower_request_body(indexed, &module, &params_type)?;
        let params = match (query, body) {
            // Stripe's GET operations declare an empty form body beside their query
            // parameters; a body with fields there would have nowhere to go.
            (Some(_), Some(_)) => {
                let pointer = format!("{}/requestBody", indexed.pointer);
                return Err(self.error(
                    &pointer,
                    unsupported("query parameters together with a request body"),
                ));
            }
            (Some(type_name), None) => Some(OperationParams {
                type_name,
                location: ParamsLocation::Query,
            }),
            (None, Some((type_name, location))) => Some(OperationParams {
                type_name,
                location,
            }),
            (None, None) => None,
        };
        let response = self.lower_responses(indexed, &module)?;
        let pagination = self.pagination(&params, &response);
        let doc = operation
            .description
            .as_deref()
            .or(operation.summary.as_deref())
            .map(html_to_markdown);
        Ok(Operation {
            operation_id: indexed.id.to_owned(),
            method_name,
            module,
            http_method: indexed.method,
            path: indexed.path.to_owned(),
            path_params,
            params,
            response,
            pagination,
            server: self.operation_server(indexed)?,
            doc: Doc(doc),
            pointer: indexed.pointer.clone(),
        })
    }

    /// Every operation parameter, with the path item's shared parameters first, as
    /// `(pointer, parameter)`.
    fn parameters(
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

    fn lower_path_params(
        &mut self,
        indexed: &IndexedOperation<'a>,
    ) -> Result<Vec<PathParam>, Error> {
        let parameters = self.parameters(indexed)?;
        let mut params = Vec::new();
        for name in template_names(indexed.path) {
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
            if let ParameterSchemaOrContent::Schema(schema) = &data.format {
                let site = SchemaSite {
                    pointer: format!("{pointer}/schema"),
                    direction: Direction::Request,
                    module: "",
                    name_hint: String::new(),
                };
                let ty = self.lower_schema(schema, &site)?;
                if !matches!(ty, TypeRef::String { .. }) {
                    return Err(self.error(
                        &site.pointer,
                        unsupported("a path parameter that is not a string"),
                    ));
                }
            }
            params.push(PathParam {
                wire_name: name.to_owned(),
                rust_name: field_name(name),
                doc: Doc(data.description.as_deref().map(html_to_markdown)),
            });
        }
        Ok(params)
    }

    /// Query parameters become the fields of the operation's params type.
    fn lower_query_params(
        &mut self,
        indexed: &IndexedOperation<'a>,
        module: &str,
        params_type: &str,
    ) -> Result<Option<String>, Error> {
        let parameters = self.parameters(indexed)?;
        let mut fields = Vec::new();
        for (pointer, parameter) in parameters {
            match parameter {
                Parameter::Query { parameter_data, .. } => {
                    let ParameterSchemaOrContent::Schema(schema) = &parameter_data.format else {
                        return Err(self.error(
                            &pointer,
                            unsupported("a query parameter described by `content`"),
                        ));
                    };
                    let site = SchemaSite {
                        pointer: format!("{pointer}/schema"),
                        direction: Direction::Request,
                        module,
                        name_hint: format!("{params_type}{}", type_name(&parameter_data.name)),
                    };
                    let ty = self.lower_schema(schema, &site)?;
                    let doc = parameter_data.description.as_deref().map(html_to_markdown);
                    fields.push(Field {
                        wire_name: parameter_data.name.clone(),
                        rust_name: field_name(&parameter_data.name),
                        optional: !parameter_data.required,
                        nullable: false,
                        secret: is_secret(&parameter_data.name),
                        ty,
                        doc: Doc(doc),
                    });
                }
                Parameter::Path { .. } => {}
                Parameter::Header { .. } | Parameter::Cookie { .. } => {
                    return Err(self.error(&pointer, unsupported("header and cookie parameters")));
                }
            }
        }
        if fields.is_empty() {
            return Ok(None);
        }
        let doc = format!(
            "The query parameters of [`Client::{0}`](crate::Client::{0}).",
            snake_case(indexed.id)
        );
        let def = TypeDef {
            name: params_type.to_owned(),
            module: module.to_owned(),
            pointer: format!("{}/parameters", indexed.pointer),
            doc: Doc(Some(doc)),
            kind: TypeKind::Struct(StructDef {
                direction: Direction::Request,
                deny_unknown_fields: true,
                fields,
            }),
        };
        self.reserve(def.name.clone());
        self.define(def)?;
        Ok(Some(params_type.to_owned()))
    }

    fn lower_request_body(
        &mut self,
        indexed: &IndexedOperation<'a>,
        module: &str,
        params_type: &str,
    ) -> Result<Option<(String, ParamsLocation)>, Error> {
        let Some(body) = &indexed.operation.request_body else {
            return Ok(None);
        };
        let pointer = format!("{}/requestBody", indexed.pointer);
        let ReferenceOr::Item(body) = body else {
            return Err(self.error(&pointer, unsupported("a `$ref` request body")));
        };
        let mut media = None;
        for (content_type, media_type) in &body.content {
            let location = match content_type.as_str() {
                FORM_CONTENT_TYPE => ParamsLocation::FormBody,
                MULTIPART_CONTENT_TYPE => ParamsLocation::Multipart,
                _ => {
                    let pointer = join(&format!("{pointer}/content"), &[content_type]);
                    return Err(self.error(
                        &pointer,
                        SpecErrorKind::UnsupportedContentType {
                            content_type: content_type.clone(),
                        },
                    ));
                }
            };
            if media.is_some() {
                let pointer = join(&format!("{pointer}/content"), &[content_type]);
                return Err(self.error(
                    &pointer,
                    unsupported("a request body with more than one content type"),
                ));
            }
            media = Some((content_type, media_type, location));
        }
        let Some((content_type, media, location)) = media else {
            return Ok(None);
        };
        let pointer = join(&format!("{pointer}/content"), &[content_type, "schema"]);
        let Some(schema) = &media.schema else {
            return Ok(None);
        };
        let site = SchemaSite {
            pointer: pointer.clone(),
            direction: Direction::Request,
            module,
            name_hint: params_type.to_owned(),
        };
        // Files may only stand at the top of a multipart body, where they become parts.
        self.files_allowed = location == ParamsLocation::Multipart;
        let lowered = self.lower_schema(schema, &site);
        self.files_allowed = false;
        match lowered? {
            TypeRef::Named(name)
                if self
                    .types
                    .get(&name)
                    .is_some_and(|def| matches!(def.kind, TypeKind::Struct(_))) =>
            {
                // Its doc names the method, so readers of the params find what takes them.
                if let Some(def) = self.types.get_mut(&name) {
                    def.doc = Doc(Some(format!(
                        "The parameters of [`Client::{0}`](crate::Client::{0}).",
                        snake_case(indexed.id)
                    )));
                }
                Ok(Some((name, location)))
            }
            // An object without properties takes no parameters.
            TypeRef::Json => Ok(None),
            _ => Err(self.error(
                &pointer,
                unsupported("a form body that is not an inline object with properties"),
            )),
        }
    }

    fn lower_responses(
        &mut self,
        indexed: &IndexedOperation<'a>,
        module: &str,
    ) -> Result<ResponseBody, Error> {
        let responses = &indexed.operation.responses;
        let pointer = format!("{}/responses", indexed.pointer);
        if let Some(default) = &responses.default {
            self.check_error_response(default, &format!("{pointer}/default"))?;
        }
        let success = responses
            .responses
            .iter()
            .filter(|(code, _)| matches!(code, StatusCode::Code(200..=299) | StatusCode::Range(2)))
            .min_by_key(|(code, _)| match code {
                StatusCode::Code(code) => *code,
                StatusCode::Range(_) => 299,
            });
        let Some((code, response)) = success else {
            return Err(self.error(&pointer, SpecErrorKind::NoSuccessResponse));
        };
        let pointer = join(&pointer, &[&code.to_string()]);
        let ReferenceOr::Item(response) = response else {
            return Err(self.error(&pointer, unsupported("a `$ref` response")));
        };
        let mut json = None;
        for (content_type, media) in &response.content {
            if content_type != JSON_CONTENT_TYPE {
                // A document such as a PDF: a binary string schema, returned as bytes.
                if response.content.len() == 1 && is_binary_string(media.schema.as_ref()) {
                    return Ok(ResponseBody::Binary {
                        content_type: content_type.clone(),
                    });
                }
                let pointer = join(&format!("{pointer}/content"), &[content_type]);
                return Err(self.error(
                    &pointer,
                    SpecErrorKind::UnsupportedContentType {
                        content_type: content_type.clone(),
                    },
                ));
            }
            json = Some(media);
        }
        let Some(schema) = json.and_then(|media| media.schema.as_ref()) else {
            return Err(self.error(
                &pointer,
                unsupported("a success response without a JSON schema"),
            ));
        };
        let site = SchemaSite {
            pointer: join(
                &format!("{pointer}/content"),
                &[JSON_CONTENT_TYPE, "schema"],
            ),
            direction: Direction::Response,
            module,
            name_hint: format!("{}Response", type_name(indexed.id)),
        };
        Ok(ResponseBody::Json(self.lower_schema(schema, &site)?))
    }

    /// Error responses decode into the SDK's hand-written error type, which mirrors Stripe's
    /// `error` schema; anything else there would be silently misread, so it is refused.
    fn check_error_response(
        &self,
        response: &ReferenceOr<openapiv3::Response>,
        pointer: &str,
    ) -> Result<(), Error> {
        let ReferenceOr::Item(response) = response else {
            return Err(self.error(pointer, unsupported("a `$ref` response")));
        };
        for (content_type, media) in &response.content {
            let media_pointer = join(&format!("{pointer}/content"), &[content_type]);
            if content_type != JSON_CONTENT_TYPE {
                return Err(self.error(
                    &media_pointer,
                    SpecErrorKind::UnsupportedContentType {
                        content_type: content_type.clone(),
                    },
                ));
            }
            let schema_pointer = format!("{media_pointer}/schema");
            match &media.schema {
                Some(ReferenceOr::Reference { reference }) if reference == ERROR_SCHEMA_REF => {
                    self.resolve_component(reference, &schema_pointer)?;
                }
                _ => {
                    let what = format!(
                        "an error response whose schema is not `$ref: '{ERROR_SCHEMA_REF}'`"
                    );
                    return Err(self.error(&schema_pointer, unsupported(&what)));
                }
            }
        }
        Ok(())
    }

    /// Follows a `$ref` (and any chain of them) to a component schema: `(name, schema, pointer)`.
    fn resolve_component(
        &self,
        reference: &str,
        pointer: &str,
    ) -> Result<(&'a str, &'a Schema, String), Error> {
        let mut reference = reference;
        let mut seen: Vec<&str> = Vec::new();
        loop {
            let Some(escaped) = reference.strip_prefix(SCHEMA_REF_PREFIX) else {
                return Err(self.error(
                    pointer,
                    SpecErrorKind::ExternalRef {
                        reference: reference.to_owned(),
                    },
                ));
            };
            let name = crate::pointer::unescape_segment(escaped);
            let found = self
                .spec
                .components
                .as_ref()
                .and_then(|components| components.schemas.get_key_value(&name));
            let Some((name, schema)) = found else {
                return Err(self.error(
                    pointer,
                    SpecErrorKind::DanglingRef {
                        reference: reference.to_owned(),
                    },
                ));
            };
            match schema {
                ReferenceOr::Item(schema) => {
                    return Ok((name.as_str(), schema, join("/components/schemas", &[name])));
                }
                ReferenceOr::Reference { reference: next } => {
                    if seen.contains(&next.as_str()) || next == reference {
                        return Err(self.error(
                            pointer,
                            SpecErrorKind::CyclicRef {
                                reference: next.clone(),
                            },
                        ));
                    }
                    seen.push(reference);
                    reference = next;
                }
            }
        }
    }

    fn lower_schema(
        &mut self,
        schema: &'a ReferenceOr<Schema>,
        site: &SchemaSite<'_>,
    ) -> Result<TypeRef, Error> {
        match schema {
            ReferenceOr::Reference { reference } => self.lower_reference(reference, site),
            ReferenceOr::Item(schema) => self.lower_inline(schema, site),
        }
    }

    fn lower_boxed_schema(
        &mut self,
        schema: &'a ReferenceOr<Box<Schema>>,
        site: &SchemaSite<'_>,
    ) -> Result<TypeRef, Error> {
        match schema {
            ReferenceOr::Reference { reference } => self.lower_reference(reference, site),
            ReferenceOr::Item(schema) => self.lower_inline(schema, site),
        }
    }

    fn lower_reference(
        &mut self,
        reference: &str,
        site: &SchemaSite<'_>,
    ) -> Result<TypeRef, Error> {
        let (name, schema, component_pointer) = self.resolve_component(reference, &site.pointer)?;
        if let Some((rust_name, direction)) = self.components.get(name) {
            if *direction != site.direction {
                return Err(self.error(
                    &site.pointer,
                    unsupported("a component schema used both in requests and in responses"),
                ));
            }
            // A type that contains itself needs a `Box` somewhere in the cycle to have a size.
            if self.in_progress.contains(rust_name) {
                return Ok(TypeRef::Boxed(rust_name.clone()));
            }
            return Ok(TypeRef::Named(rust_name.clone()));
        }
        let module = self.module_for_component(name);
        let component_site = SchemaSite {
            pointer: component_pointer,
            direction: site.direction,
            module: &module,
            name_hint: type_name(name),
        };
        // Only schemas that become named types are remembered; primitives stay inline.
        if needs_named_type(schema) {
            self.components.insert(
                name.to_owned(),
                (component_site.name_hint.clone(), site.direction),
            );
        }
        self.lower_inline(schema, &component_site)
    }

    fn lower_inline(
        &mut self,
        schema: &'a Schema,
        site: &SchemaSite<'_>,
    ) -> Result<TypeRef, Error> {
        let ty = match &schema.schema_kind {
            SchemaKind::Type(Type::String(string)) => {
                if matches!(
                    string.format,
                    VariantOrUnknownOrEmpty::Item(StringFormat::Binary)
                ) {
                    let top_level = self.in_progress.len() == 1;
                    if !(self.files_allowed && top_level) {
                        return Err(self.error(&site.pointer, unsupported("binary string data")));
                    }
                    return Ok(TypeRef::File);
                }
                if string.enumeration.is_empty() {
                    TypeRef::String {
                        max_length: string.max_length,
                    }
                } else {
                    let values = string.enumeration.iter().flatten().cloned().collect();
                    self.define_enum(schema, site, values)?
                }
            }
            SchemaKind::Type(Type::Integer(integer)) => TypeRef::Integer {
                unix_time: matches!(&integer.format, VariantOrUnknownOrEmpty::Unknown(format) if format == "unix-time"),
            },
            SchemaKind::Type(Type::Number(_)) => TypeRef::Number,
            SchemaKind::Type(Type::Boolean(_)) => TypeRef::Boolean,
            SchemaKind::Type(Type::Array(array)) => {
                let item_site = SchemaSite {
                    pointer: format!("{}/items", site.pointer),
                    ..site.clone()
                };
                match &array.items {
                    Some(items) => {
                        TypeRef::Array(Box::new(self.lower_boxed_schema(items, &item_site)?))
                    }
                    None => TypeRef::Array(Box::new(TypeRef::Json)),
                }
            }
            SchemaKind::Type(Type::Object(object))
                if site.direction == Direction::Response && page_kind(object).is_some() =>
            {
                let Some(ReferenceOr::Item(data)) = object.properties.get("data") else {
                    return Err(self.error(
                        &site.pointer,
                        unsupported("a list whose `data` is a `$ref`"),
                    ));
                };
                let data_site = SchemaSite {
                    pointer: join(&format!("{}/properties", site.pointer), &["data"]),
                    name_hint: format!("{}Item", site.name_hint),
                    ..site.clone()
                };
                let TypeRef::Array(item) = self.lower_inline(data, &data_site)? else {
                    return Err(self.error(
                        &data_site.pointer,
                        unsupported("a list whose `data` is not an array"),
                    ));
                };
                match page_kind(object) {
                    Some(PageKind::Search) => TypeRef::SearchResult(item),
                    _ => TypeRef::List(item),
                }
            }
            SchemaKind::Type(Type::Object(object)) => {
                if object.properties.is_empty() {
                    match &object.additional_properties {
                        Some(AdditionalProperties::Schema(values)) => {
                            let value_site = SchemaSite {
                                pointer: format!("{}/additionalProperties", site.pointer),
                                ..site.clone()
                            };
                            TypeRef::Map(Box::new(self.lower_schema(values, &value_site)?))
                        }
                        _ => TypeRef::Json,
                    }
                } else {
                    self.define_struct(schema, object, site)?
                }
            }
            SchemaKind::Any(any) if is_unconstrained(any) => TypeRef::Json,
            SchemaKind::Any(_) => {
                return Err(self.error(&site.pointer, unsupported("a schema without a `type`")));
            }
            SchemaKind::AnyOf {
                any_of: alternatives,
            } => self.lower_alternatives(schema, alternatives, "anyOf", site)?,
            SchemaKind::OneOf {
                one_of: alternatives,
            } => self.lower_alternatives(schema, alternatives, "oneOf", site)?,
            SchemaKind::AllOf { .. } => {
                return Err(self.error(&site.pointer, unsupported("`allOf`")));
            }
            SchemaKind::Not { .. } => return Err(self.error(&site.pointer, unsupported("`not`"))),
        };
        Ok(ty)
    }

    /// `anyOf`/`oneOf`, in the shapes Stripe uses: a nullable wrapper around one `$ref`, an
    /// expandable id-or-object, a value-or-`""` that clears a field, and real unions.
    fn lower_alternatives(
        &mut self,
        schema: &'a Schema,
        alternatives: &'a [ReferenceOr<Schema>],
        keyword: &str,
        site: &SchemaSite<'_>,
    ) -> Result<TypeRef, Error> {
        let base = format!("{}/{keyword}", site.pointer);
        let mut unsettable = false;
        let mut rest: Vec<(usize, &'a ReferenceOr<Schema>)> = Vec::new();
        for (index, alternative) in alternatives.iter().enumerate() {
            if is_unset_alternative(alternative) {
                unsettable = true;
            } else {
                rest.push((index, alternative));
            }
        }
        let expandable = schema
            .schema_data
            .extensions
            .contains_key("x-expansionResources")
            && rest
                .iter()
                .any(|(_, alternative)| is_plain_string(alternative));
        if expandable {
            rest.retain(|(_, alternative)| !is_plain_string(alternative));
        }
        let inner = match rest.as_slice() {
            [] => {
                return Err(self.error(
                    &base,
                    unsupported("an `anyOf` or `oneOf` with nothing to choose from"),
                ));
            }
            [(index, alternative)] => {
                let alternative_site = SchemaSite {
                    pointer: format!("{base}/{index}"),
                    ..site.clone()
                };
                self.lower_schema(alternative, &alternative_site)?
            }
            _ => self.define_union(schema, &rest, &base, site)?,
        };
        let inner = if expandable {
            TypeRef::Expandable(Box::new(inner))
        } else {
            inner
        };
        Ok(if unsettable && site.direction == Direction::Request {
            TypeRef::Unsettable(Box::new(inner))
        } else {
            inner
        })
    }

    fn define_union(
        &mut self,
        schema: &'a Schema,
        alternatives: &[(usize, &'a ReferenceOr<Schema>)],
        base: &str,
        site: &SchemaSite<'_>,
    ) -> Result<TypeRef, Error> {
        let name = self.unique_name(&site.name_hint);
        self.reserve(name.clone());
        self.in_progress.push(name.clone());
        let mut variants: Vec<UnionVariant> = Vec::with_capacity(alternatives.len());
        for (index, alternative) in alternatives {
            let pointer = format!("{base}/{index}");
            let (label, discriminator) = match alternative {
                ReferenceOr::Reference { reference } => {
                    let (component, target, _) = self.resolve_component(reference, &pointer)?;
                    (type_name(component), discriminator_of(target))
                }
                ReferenceOr::Item(inline) => (inline_label(inline).to_owned(), None),
            };
            let rust_name = first_free(&label, |name| {
                name == "Unknown" || variants.iter().any(|variant| variant.rust_name == name)
            });
            let variant_site = SchemaSite {
                pointer,
                direction: site.direction,
                module: site.module,
                name_hint: format!("{name}{rust_name}"),
            };
            let ty = self.lower_schema(alternative, &variant_site)?;
            variants.push(UnionVariant {
                rust_name,
                ty,
                discriminator,
            });
        }
        self.in_progress.pop();
        let mut keys: Vec<&Discriminator> = variants
            .iter()
            .filter_map(|variant| variant.discriminator.as_ref())
            .collect();
        keys.sort();
        keys.dedup();
        let discriminated = site.direction == Direction::Response && keys.len() == variants.len();
        let def = described_type(
            name.clone(),
            schema,
            site,
            TypeKind::Union(UnionDef {
                direction: site.direction,
                variants,
                discriminated,
            }),
        );
        self.define(def)?;
        Ok(TypeRef::Named(name))
    }

    /// The name of the type defined at `site`: a component keeps its own name; an inline type
    /// gets its hint, made unique.
    fn named_for(&self, site: &SchemaSite<'_>) -> String {
        if site.pointer.starts_with("/components/schemas/")
            && !site.pointer["/components/schemas/".len()..].contains('/')
        {
            site.name_hint.clone()
        } else {
            self.unique_name(&site.name_hint)
        }
    }

    /// `hint`, or `hint2`, `hint3`, ... when an inline type already took it or a component
    /// owns it, so that inline names never shadow components and never merge.
    fn unique_name(&self, hint: &str) -> String {
        first_free(hint, |name| {
            self.taken.contains(name) || self.component_type_names.contains(name)
        })
    }

    fn define_struct(
        &mut self,
        schema: &'a Schema,
        object: &'a openapiv3::ObjectType,
        site: &SchemaSite<'_>,
    ) -> Result<TypeRef, Error> {
        let name = self.named_for(site);
        self.reserve(name.clone());
        self.in_progress.push(name.clone());
        let mut fields = Vec::with_capacity(object.properties.len());
        for (property, property_schema) in &object.properties {
            let field_site = SchemaSite {
                pointer: join(&format!("{}/properties", site.pointer), &[property]),
                direction: site.direction,
                module: site.module,
                name_hint: format!("{name}{}", type_name(property)),
            };
            let ty = self.lower_boxed_schema(property_schema, &field_site)?;
            let nullable = match property_schema {
                ReferenceOr::Item(schema) => schema.schema_data.nullable,
                ReferenceOr::Reference { .. } => false,
            };
            fields.push(Field {
                wire_name: property.clone(),
                rust_name: field_name(property),
                optional: !object.required.contains(property),
                nullable,
                secret: is_secret(property),
                ty,
                doc: Doc(schema_description(property_schema).map(html_to_markdown)),
            });
        }
        self.in_progress.pop();
        self.check_field_names(&fields, site)?;
        let deny_unknown_fields = site.direction == Direction::Request
            && matches!(
                object.additional_properties,
                Some(AdditionalProperties::Any(false))
            );
        let def = described_type(
            name.clone(),
            schema,
            site,
            TypeKind::Struct(StructDef {
                direction: site.direction,
                deny_unknown_fields,
                fields,
            }),
        );
        self.define(def)?;
        Ok(TypeRef::Named(name))
    }

    fn define_enum(
        &mut self,
        schema: &Schema,
        site: &SchemaSite<'_>,
        values: Vec<String>,
    ) -> Result<TypeRef, Error> {
        let mut variants: Vec<EnumVariant> = Vec::with_capacity(values.len());
        for value in values {
            if variants.iter().any(|variant| variant.wire_value == value) {
                continue;
            }
            let label = if value.is_empty() {
                "Empty".to_owned()
            } else {
                type_name(&value)
            };
            // Values that differ only in punctuation (`Etc/GMT+0`, `Etc/GMT-0`) are numbered
            // in document order; `Unknown` is kept for values this SDK does not know yet.
            let rust_name = first_free(&label, |name| {
                name == "Unknown" || variants.iter().any(|variant| variant.rust_name == name)
            });
            variants.push(EnumVariant {
                wire_value: value,
                rust_name,
            });
        }
        let name = self.named_for(site);
        self.reserve(name.clone());
        let kind = TypeKind::Enum(EnumDef {
            direction: site.direction,
            variants,
        });
        self.define(described_type(name.clone(), schema, site, kind))?;
        Ok(TypeRef::Named(name))
    }

    /// Two properties that convert to one Rust name (`fooBar` and `foo_bar`) would be merged.
    fn check_field_names(&self, fields: &[Field], site: &SchemaSite<'_>) -> Result<(), Error> {
        for (i, field) in fields.iter().enumerate() {
            if let Some(other) = fields[..i]
                .iter()
                .find(|other| other.rust_name == field.rust_name)
            {
                let pointer = join(&format!("{}/properties", site.pointer), &[&field.wire_name]);
                let kind = SpecErrorKind::NameClash {
                    name: field.rust_name.clone(),
                    other: format!("the property `{}`", other.wire_name),
                };
                return Err(self.error(&pointer, kind));
            }
        }
        Ok(())
    }

    fn define(&mut self, def: TypeDef) -> Result<(), Error> {
        if let Some(existing) = self.types.get(&def.name) {
            let kind = SpecErrorKind::NameClash {
                name: def.name.clone(),
                other: format!("#{}", existing.pointer),
            };
            return Err(self.error(&def.pointer, kind));
        }
        self.types.insert(def.name.clone(), def);
        Ok(())
    }
}

/// The module of an operation none of whose responses names a resource: the first path
/// segment after `/v1`.
fn module_for_path(path: &str) -> String {
    let mut segments = path
        .split('/')
        .filter(|segment| !segment.is_empty() && !segment.starts_with('{'));
    let first = segments.next().unwrap_or("root");
    let family = if first == "v1" {
        segments.next().unwrap_or("root")
    } else {
        first
    };
    module_name(family)
}

/// The names inside `{...}` in a path template, in order.
fn template_names(path: &str) -> impl Iterator<Item = &str> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
}

/// Fields whose values are credentials, never printed by `Debug`.
fn is_secret(name: &str) -> bool {
    name == "secret" || name.ends_with("_secret")
}

fn needs_named_type(schema: &Schema) -> bool {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(string)) => !string.enumeration.is_empty(),
        SchemaKind::Type(Type::Object(object)) => !object.properties.is_empty(),
        _ => false,
    }
}

fn is_unconstrained(any: &openapiv3::AnySchema) -> bool {
    any.typ.is_none()
        && any.properties.is_empty()
        && any.items.is_none()
        && any.enumeration.is_empty()
        && any.one_of.is_empty()
        && any.all_of.is_empty()
        && any.any_of.is_empty()
        && any.not.is_none()
}

fn schema_description(schema: &ReferenceOr<Box<Schema>>) -> Option<&str> {
    match schema {
        ReferenceOr::Item(schema) => schema
            .schema_data
            .description
            .as_deref()
            .filter(|d| !d.is_empty()),
        ReferenceOr::Reference { .. } => None,
    }
}

/// Every component's Rust name, refusing two components that would share one.
fn component_type_names(
    spec: &OpenAPI,
    file: &str,
) -> Result<std::collections::HashSet<String>, Error> {
    let mut names: IndexMap<String, &str> = IndexMap::new();
    let Some(components) = &spec.components else {
        return Ok(Default::default());
    };
    for component in components.schemas.keys() {
        let name = type_name(component);
        if let Some(other) = names.get(&name) {
            let kind = SpecErrorKind::NameClash {
                name,
                other: format!("the component `{other}`"),
            };
            return Err(spec_error(
                file,
                &join("/components/schemas", &[component]),
                None,
                kind,
            ));
        }
        names.insert(name, component);
    }
    Ok(names.into_keys().collect())
}

/// Stripe's "unset" alternative: `{type: string, enum: [""]}`.
fn is_unset_alternative(schema: &ReferenceOr<Schema>) -> bool {
    matches!(schema, ReferenceOr::Item(Schema { schema_kind: SchemaKind::Type(Type::String(string)), .. })
        if string.enumeration.len() == 1 && string.enumeration[0].as_deref() == Some(""))
}

/// The id alternative of an expandable field: a string without an enum.
fn is_plain_string(schema: &ReferenceOr<Schema>) -> bool {
    matches!(schema, ReferenceOr::Item(Schema { schema_kind: SchemaKind::Type(Type::String(string)), .. })
        if string.enumeration.is_empty())
}

/// The variant name of an inline union member, from its shape.
fn inline_label(schema: &Schema) -> &'static str {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(_)) => "String",
        SchemaKind::Type(Type::Integer(_)) => "Integer",
        SchemaKind::Type(Type::Number(_)) => "Number",
        SchemaKind::Type(Type::Boolean(_)) => "Boolean",
        SchemaKind::Type(Type::Array(_)) => "Array",
        SchemaKind::Type(Type::Object(object)) if object.properties.is_empty() => "Map",
        SchemaKind::Type(Type::Object(_)) => "Object",
        _ => "Value",
    }
}

/// A component's fixed `object` value, and whether it is a deleted stub (`deleted: true`).
fn discriminator_of(schema: &Schema) -> Option<Discriminator> {
    let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind else {
        return None;
    };
    let ReferenceOr::Item(object_field) = object.properties.get("object")? else {
        return None;
    };
    let SchemaKind::Type(Type::String(string)) = &object_field.schema_kind else {
        return None;
    };
    let [Some(value)] = string.enumeration.as_slice() else {
        return None;
    };
    let deleted = match object.properties.get("deleted") {
        Some(ReferenceOr::Item(deleted)) => matches!(&deleted.schema_kind,
            SchemaKind::Type(Type::Boolean(boolean)) if boolean.enumeration == [Some(true)]),
        _ => false,
    };
    Some(Discriminator {
        object: value.clone(),
        deleted,
    })
}

/// The `x-resourceId`s of all components in snake case, longest first, so that the most
/// specific family wins (`payment_method` before `payment`).
fn resource_families(spec: &OpenAPI) -> Vec<String> {
    let mut families: Vec<String> = spec
        .components
        .iter()
        .flat_map(|components| components.schemas.values())
        .filter_map(|schema| match schema {
            ReferenceOr::Item(schema) => schema
                .schema_data
                .extensions
                .get("x-resourceId")?
                .as_str()
                .map(snake_case),
            ReferenceOr::Reference { .. } => None,
        })
        .collect();
    families.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    families.dedup();
    families
}

/// Module names the crate's hand-written runtime already uses get a suffix.
fn module_name(family: &str) -> String {
    const RESERVED: &[&str] = &[
        "blocking",
        "client",
        "error",
        "form",
        "types",
        "validate",
        "reqwest",
        "shared_runtime",
    ];
    let name = field_name(family);
    if RESERVED.contains(&name.as_str()) {
        format!("{name}_api")
    } else {
        name
    }
}

enum PageKind {
    List,
    Search,
}

/// Stripe's list and search envelopes, recognised by their exact set of properties so that an
/// object that merely has a `data` field is never mistaken for one.
fn page_kind(object: &openapiv3::ObjectType) -> Option<PageKind> {
    let mut names: Vec<&str> = object.properties.keys().map(String::as_str).collect();
    names.sort_unstable();
    let ReferenceOr::Item(kind) = object.properties.get("object")? else {
        return None;
    };
    let SchemaKind::Type(Type::String(kind)) = &kind.schema_kind else {
        return None;
    };
    match (kind.enumeration.as_slice(), names.as_slice()) {
        ([Some(value)], ["data", "has_more", "object", "url"]) if value == "list" => {
            Some(PageKind::List)
        }
        (
            [Some(value)],
            [
                "data",
                "has_more",
                "next_page",
                "object",
                "total_count",
                "url",
            ]
            | ["data", "has_more", "next_page", "object", "url"],
        ) if value == "search_result" => Some(PageKind::Search),
        _ => None,
    }
}

fn is_binary_string(schema: Option<&ReferenceOr<Schema>>) -> bool {
    matches!(schema, Some(ReferenceOr::Item(Schema { schema_kind: SchemaKind::Type(Type::String(string)), .. }))
        if matches!(string.format, VariantOrUnknownOrEmpty::Item(StringFormat::Binary)))
}

/// A type defined at `site`, documented by its schema's description.
fn described_type(name: String, schema: &Schema, site: &SchemaSite<'_>, kind: TypeKind) -> TypeDef {
    TypeDef {
        name,
        module: site.module.to_owned(),
        pointer: site.pointer.clone(),
        doc: Doc(schema
            .schema_data
            .description
            .as_deref()
            .map(html_to_markdown)
            .filter(|d| !d.is_empty())),
        kind,
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
