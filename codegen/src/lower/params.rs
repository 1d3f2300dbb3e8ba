//! Params: an operation's query parameters or request body become its params type.

use super::operations::{IndexedOperation, OperationNames};
use super::{Lowering, Place, SchemaSite, objects, unsupported};
use crate::error::{Error, SpecErrorKind};
use crate::ir::{
    Direction, Doc, Field, OperationParams, Origin, ParamsLocation, StructDef, TypeId, TypeKind,
    TypeRef,
};
use crate::naming::{field_name, html_to_markdown, nested_type_name, snake_case, type_name};
use crate::pointer::join;
use openapiv3::{Parameter, ParameterSchemaOrContent, ReferenceOr};

/// The only request body encoding Stripe uses for its JSON API (besides file uploads).
pub(super) const FORM_CONTENT_TYPE: &str = "application/x-www-form-urlencoded";
/// File uploads (`POST /v1/files`).
const MULTIPART_CONTENT_TYPE: &str = "multipart/form-data";

/// The name of an operation's params type: its handle's resource and method, then `Params`
/// (`CustomerCreateParams`).
pub(super) fn params_type_name(names: &OperationNames<'_>) -> String {
    nested_type_name(names.base, "Params")
}

/// The doc of a params type names the methods, so readers of the params find what takes them.
/// Not as a link: the params are in the types crate, which cannot see the client.
fn params_doc(operation_id: &str, names: &OperationNames<'_>, what: &str) -> Doc {
    Doc(Some(format!(
        "The {what} of `client.{}` (`Client::{}`).",
        names.call,
        snake_case(operation_id)
    )))
}

impl<'a> Lowering<'a> {
    /// Query parameters become the fields of the operation's params type.
    pub(super) fn lower_query_params(
        &mut self,
        indexed: &IndexedOperation<'a>,
        module: &str,
        names: &OperationNames<'_>,
    ) -> Result<Option<TypeId>, Error> {
        let parameters = self.parameters(indexed)?;
        let params_type = params_type_name(names);
        let mut fields = Vec::new();
        let mut required = Vec::new();
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
                        name_hint: nested_type_name(&params_type, &type_name(&parameter_data.name)),
                        place: Place::Nested,
                        defines: None,
                        component: None,
                    };
                    let ty = self.lower_schema(schema, &site)?;
                    if parameter_data.required {
                        required.push(fields.len());
                    }
                    fields.push(Field {
                        wire_name: parameter_data.name.clone(),
                        rust_name: field_name(&parameter_data.name),
                        optional: !parameter_data.required,
                        nullable: false,
                        secret: objects::is_secret(&parameter_data.name),
                        ty,
                        doc: Doc(parameter_data.description.as_deref().map(html_to_markdown)),
                        pointer,
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
        let pointer = format!("{}/parameters", indexed.pointer);
        let id = self
            .registry
            .reserve_exact(
                params_type,
                &pointer,
                Origin::OperationParams {
                    operation_id: indexed.id.to_owned(),
                },
            )
            .map_err(|kind| self.error(&pointer, kind))?;
        self.registry.define(
            id,
            super::registry::Definition {
                module: module.to_owned(),
                doc: params_doc(indexed.id, names, "query parameters"),
                kind: TypeKind::Struct(StructDef {
                    direction: Direction::Request,
                    deny_unknown_fields: true,
                    fields,
                    required,
                }),
            },
        );
        Ok(Some(id))
    }

    /// A form or multipart body becomes the operation's params type.
    pub(super) fn lower_request_body(
        &mut self,
        indexed: &IndexedOperation<'a>,
        module: &str,
        names: &OperationNames<'_>,
    ) -> Result<Option<OperationParams>, Error> {
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
            name_hint: params_type_name(names),
            // Files may only stand at the top of a multipart body, where they become parts.
            place: match location {
                ParamsLocation::Multipart => Place::MultipartBody,
                ParamsLocation::FormBody | ParamsLocation::Query => Place::Nested,
            },
            defines: None,
            component: None,
        };
        match self.lower_schema(schema, &site)? {
            TypeRef::Named(id) if self.is_struct(id) => {
                if let Some(def) = self.registry.get_mut(id) {
                    def.doc = params_doc(indexed.id, names, "parameters");
                    def.origin = Origin::OperationParams {
                        operation_id: indexed.id.to_owned(),
                    };
                }
                Ok(Some(OperationParams {
                    type_id: id,
                    location,
                }))
            }
            // An object without properties takes no parameters.
            TypeRef::Json => Ok(None),
            _ => Err(self.error(
                &pointer,
                unsupported("a form body that is not an inline object with properties"),
            )),
        }
    }

    fn is_struct(&self, id: TypeId) -> bool {
        self.registry
            .get(id)
            .is_some_and(|def| matches!(def.kind, TypeKind::Struct(_)))
    }
}
