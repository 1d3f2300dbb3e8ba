//! Objects: a schema with properties becomes a struct, one field per property.

use super::registry::Definition;
use super::{Lowering, Place, SchemaSite};
use crate::error::{Error, SpecErrorKind};
use crate::ir::{Direction, Doc, Field, StructDef, TypeKind, TypeRef};
use crate::naming::{field_name, html_to_markdown, nested_type_name, type_name};
use crate::pointer::join;
use openapiv3::{AdditionalProperties, ReferenceOr, Schema};

impl<'a> Lowering<'a> {
    pub(super) fn define_struct(
        &mut self,
        schema: &'a Schema,
        object: &'a openapiv3::ObjectType,
        site: &SchemaSite<'_>,
    ) -> Result<TypeRef, Error> {
        let id = site.defines.unwrap_or_else(|| {
            self.registry
                .reserve_inline(&site.name_hint, &site.pointer, site.origin())
        });
        let name = self.registry.name(id).to_owned();
        // The properties of a multipart body are its parts; anywhere else a file cannot be.
        let field_place = match site.place {
            Place::MultipartBody => Place::MultipartPart,
            Place::Nested | Place::MultipartPart | Place::MultipartPartItem => Place::Nested,
        };
        let mut fields = Vec::with_capacity(object.properties.len());
        for (property, property_schema) in &object.properties {
            let pointer = join(&format!("{}/properties", site.pointer), &[property]);
            let mut field_site = site.nested(
                pointer.clone(),
                nested_type_name(&name, &type_name(property)),
            );
            field_site.place = field_place;
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
                pointer,
            });
        }
        self.check_field_names(&fields)?;
        let mut required: Vec<usize> = Vec::new();
        for name in &object.required {
            if let Some(index) = fields.iter().position(|field| field.wire_name == *name)
                && !required.contains(&index)
            {
                required.push(index);
            }
        }
        let deny_unknown_fields = site.direction == Direction::Request
            && matches!(
                object.additional_properties,
                Some(AdditionalProperties::Any(false))
            );
        let definition = Definition {
            module: site.module.to_owned(),
            doc: type_doc(schema),
            kind: TypeKind::Struct(StructDef {
                direction: site.direction,
                deny_unknown_fields,
                fields,
                required,
            }),
        };
        self.registry.define(id, definition);
        Ok(TypeRef::Named(id))
    }

    /// Two properties that convert to one Rust name (`fooBar` and `foo_bar`) would be merged;
    /// the message points at both.
    fn check_field_names(&self, fields: &[Field]) -> Result<(), Error> {
        let mut seen = std::collections::HashMap::with_capacity(fields.len());
        for field in fields {
            if let Some(other) = seen.insert(field.rust_name.as_str(), field) {
                let kind = SpecErrorKind::NameClash {
                    name: field.rust_name.clone(),
                    other: format!("the property `{}` (#{})", other.wire_name, other.pointer),
                };
                return Err(self.error(&field.pointer, kind));
            }
        }
        Ok(())
    }
}

/// Fields whose values are credentials, never printed by `Debug`.
pub(super) fn is_secret(name: &str) -> bool {
    name == "secret" || name.ends_with("_secret")
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

/// The doc of a type defined by `schema`: its description, as Markdown.
pub(super) fn type_doc(schema: &Schema) -> Doc {
    Doc(schema
        .schema_data
        .description
        .as_deref()
        .map(html_to_markdown)
        .filter(|d| !d.is_empty()))
}
