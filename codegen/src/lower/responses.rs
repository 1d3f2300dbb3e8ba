//! Responses: what a 2xx response carries (JSON decoded into a type, or a binary document),
//! and a check that error responses are Stripe's `error` schema, which the SDK's hand-written
//! error type mirrors.

use super::operations::{IndexedOperation, OperationNames};
use super::{Lowering, Place, SchemaSite, unsupported};
use crate::error::{Error, SpecErrorKind};
use crate::ir::{Direction, ResponseBody};
use crate::naming::{nested_type_name, type_name};
use crate::pointer::join;
use openapiv3::VariantOrUnknownOrEmpty;
use openapiv3::{ReferenceOr, Schema, SchemaKind, StatusCode, StringFormat, Type};

pub(super) const JSON_CONTENT_TYPE: &str = "application/json";
/// The component every Stripe error response refers to; the SDK's error type is hand-written.
const ERROR_SCHEMA_REF: &str = "#/components/schemas/error";

impl<'a> Lowering<'a> {
    pub(super) fn lower_responses(
        &mut self,
        indexed: &IndexedOperation<'a>,
        module: &str,
        names: &OperationNames<'_>,
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
        let mut site = SchemaSite {
            pointer: join(
                &format!("{pointer}/content"),
                &[JSON_CONTENT_TYPE, "schema"],
            ),
            direction: Direction::Response,
            module,
            name_hint: nested_type_name(names.base, "Response"),
            place: Place::Nested,
            defines: None,
            component: None,
        };
        // "A customer or its deleted stub" is one type, whichever operation answers it.
        let Some((resource, stub)) = self.resource_or_deleted(schema) else {
            return Ok(ResponseBody::Json(self.lower_schema(schema, &site)?));
        };
        let name = format!("{}OrDeleted", type_name(resource));
        if let Some(shared) = self.shared_responses.get(&name) {
            return Ok(ResponseBody::Json(shared.clone()));
        }
        site.name_hint = name.clone();
        let lowered = self.lower_schema(schema, &site)?;
        if let Some(def) = lowered.named().and_then(|id| self.registry.get_mut(id))
            && def.doc.0.is_none()
        {
            def.doc = crate::ir::Doc(Some(format!(
                "A `{}`, or the stub Stripe answers for it once it is deleted (`{}`).",
                type_name(resource),
                type_name(stub),
            )));
        }
        self.shared_responses.insert(name, lowered.clone());
        Ok(ResponseBody::Json(lowered))
    }

    /// The two components of a response that is a resource or its deleted stub
    /// (`anyOf: [customer, deleted_customer]`), by their `x-resourceId`s, resource first.
    fn resource_or_deleted(&self, schema: &ReferenceOr<Schema>) -> Option<(&'a str, &'a str)> {
        let ReferenceOr::Item(schema) = schema else {
            return None;
        };
        let alternatives = match &schema.schema_kind {
            SchemaKind::AnyOf { any_of } => any_of,
            SchemaKind::OneOf { one_of } => one_of,
            _ => return None,
        };
        let mut ids: Vec<&'a str> = Vec::with_capacity(2);
        for alternative in alternatives {
            let ReferenceOr::Reference { reference } = alternative else {
                return None;
            };
            let (_, component, _) = self.resolve_component(reference, "").ok()?;
            ids.push(
                component
                    .schema_data
                    .extensions
                    .get("x-resourceId")?
                    .as_str()?,
            );
        }
        match ids.as_slice() {
            [a, b] if b.strip_prefix("deleted_") == Some(*a) => Some((*a, *b)),
            [a, b] if a.strip_prefix("deleted_") == Some(*b) => Some((*b, *a)),
            _ => None,
        }
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
}

fn is_binary_string(schema: Option<&ReferenceOr<Schema>>) -> bool {
    matches!(schema, Some(ReferenceOr::Item(Schema { schema_kind: SchemaKind::Type(Type::String(string)), .. }))
        if matches!(string.format, VariantOrUnknownOrEmpty::Item(StringFormat::Binary)))
}
