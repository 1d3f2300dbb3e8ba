//! Schemas: follows `$ref`s to components (each component becomes one type, reused by every
//! reference) and dispatches an inline schema to the file that lowers its construct.

use super::{Lowering, Place, SchemaSite, stripe, unsupported};
use crate::error::{Error, SpecErrorKind};
use crate::ir::{Direction, Origin, TypeRef};
use crate::naming::type_name;
use crate::pointer::join;
use openapiv3::{
    AdditionalProperties, ReferenceOr, Schema, SchemaKind, StringFormat, Type,
    VariantOrUnknownOrEmpty,
};

const SCHEMA_REF_PREFIX: &str = "#/components/schemas/";

impl<'a> Lowering<'a> {
    /// Follows a `$ref` (and any chain of them) to a component schema: `(name, schema, pointer)`.
    pub(super) fn resolve_component(
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

    pub(super) fn lower_schema(
        &mut self,
        schema: &'a ReferenceOr<Schema>,
        site: &SchemaSite<'_>,
    ) -> Result<TypeRef, Error> {
        match schema {
            ReferenceOr::Reference { reference } => self.lower_reference(reference, site),
            ReferenceOr::Item(schema) => self.lower_inline(schema, site),
        }
    }

    pub(super) fn lower_boxed_schema(
        &mut self,
        schema: &'a ReferenceOr<Box<Schema>>,
        site: &SchemaSite<'_>,
    ) -> Result<TypeRef, Error> {
        match schema {
            ReferenceOr::Reference { reference } => self.lower_reference(reference, site),
            ReferenceOr::Item(schema) => self.lower_inline(schema, site),
        }
    }

    pub(super) fn lower_reference(
        &mut self,
        reference: &str,
        site: &SchemaSite<'_>,
    ) -> Result<TypeRef, Error> {
        let (name, schema, component_pointer) = self.resolve_component(reference, &site.pointer)?;
        if let Some(&(id, direction)) = self.components.get(name) {
            if direction != site.direction {
                return Err(self.error(
                    &site.pointer,
                    unsupported("a component schema used both in requests and in responses"),
                ));
            }
            // Where a type contains itself, the analysis pass boxes the uses that close the
            // cycle, decided by the type graph rather than by the order of this walk.
            return Ok(TypeRef::Named(id));
        }
        let module = stripe::module_for_component(&self.families, name);
        let rust_name = type_name(name);
        // Only schemas that become named types are remembered; the rest stay inline.
        let defines = if stripe::becomes_named_type(schema, site.direction) {
            let id = self
                .registry
                .reserve_exact(
                    rust_name.clone(),
                    &component_pointer,
                    Origin::Component {
                        name: name.to_owned(),
                    },
                )
                .map_err(|kind| self.error(&component_pointer, kind))?;
            self.components.insert(name, (id, site.direction));
            Some(id)
        } else {
            // A component that becomes no named type of its own (a union, a string, a map)
            // lowers to the same thing at every reference: lowered once, it is one union
            // named after the component.
            let key = (name, site.direction == Direction::Request);
            if let Some(lowered) = self.inline_components.get(&key) {
                return Ok(lowered.clone());
            }
            None
        };
        let is_named = defines.is_some();
        let component_site = SchemaSite {
            pointer: component_pointer,
            direction: site.direction,
            module: &module,
            name_hint: rust_name,
            place: Place::Nested,
            defines,
            component: Some(name),
        };
        let lowered = self.lower_inline(schema, &component_site)?;
        if !is_named {
            self.inline_components.insert(
                (name, site.direction == Direction::Request),
                lowered.clone(),
            );
        }
        Ok(lowered)
    }

    pub(super) fn lower_inline(
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
                    if !matches!(site.place, Place::MultipartPart | Place::MultipartPartItem) {
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
                    self.define_enum(schema, site, values)
                }
            }
            SchemaKind::Type(Type::Integer(integer)) => TypeRef::Integer {
                unix_time: matches!(&integer.format, VariantOrUnknownOrEmpty::Unknown(format) if format == "unix-time"),
            },
            SchemaKind::Type(Type::Number(_)) => TypeRef::Number,
            SchemaKind::Type(Type::Boolean(_)) => TypeRef::Boolean,
            SchemaKind::Type(Type::Array(array)) => {
                let mut item_site =
                    site.nested(format!("{}/items", site.pointer), site.name_hint.clone());
                // An array of files is sent as one part per file.
                if site.place == Place::MultipartPart {
                    item_site.place = Place::MultipartPartItem;
                }
                match &array.items {
                    Some(items) => {
                        TypeRef::Array(Box::new(self.lower_boxed_schema(items, &item_site)?))
                    }
                    None => TypeRef::Array(Box::new(TypeRef::Json)),
                }
            }
            SchemaKind::Type(Type::Object(object))
                if site.direction == Direction::Response && stripe::page_kind(object).is_some() =>
            {
                self.lower_page(object, site)?
            }
            SchemaKind::Type(Type::Object(object)) if object.properties.is_empty() => {
                match &object.additional_properties {
                    Some(AdditionalProperties::Schema(values)) => {
                        let value_site = site.nested(
                            format!("{}/additionalProperties", site.pointer),
                            site.name_hint.clone(),
                        );
                        TypeRef::Map(Box::new(self.lower_schema(values, &value_site)?))
                    }
                    Some(AdditionalProperties::Any(_)) | None => TypeRef::Json,
                }
            }
            SchemaKind::Type(Type::Object(object)) => self.define_struct(schema, object, site)?,
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
