//! Unions: `anyOf`/`oneOf`, in the shapes Stripe uses: a nullable wrapper around one `$ref`,
//! an expandable id-or-object, a value-or-`""` that clears a field, and real unions, which
//! become enums (dispatched on `object` when every variant has a distinct one).

use super::objects::type_doc;
use super::registry::Definition;
use super::{Lowering, SchemaSite, first_free, stripe, unsupported};
use crate::error::Error;
use crate::ir::{Direction, Discriminator, TypeKind, TypeRef, UnionDef, UnionVariant};
use crate::naming::{nested_type_name, type_name};
use openapiv3::{ReferenceOr, Schema, SchemaKind, Type};

impl<'a> Lowering<'a> {
    pub(super) fn lower_alternatives(
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
            if stripe::is_unset_alternative(alternative) {
                unsettable = true;
            } else {
                rest.push((index, alternative));
            }
        }
        let expandable =
            stripe::is_expandable(schema, rest.iter().map(|(_, alternative)| *alternative));
        if expandable {
            rest.retain(|(_, alternative)| !stripe::is_plain_string(alternative));
        }
        let range = site.direction == Direction::Request
            && stripe::is_range_query(rest.iter().map(|(_, alternative)| *alternative));
        let inner = match rest.as_slice() {
            _ if range => TypeRef::RangeQuery,
            [] => {
                return Err(self.error(
                    &base,
                    unsupported("an `anyOf` or `oneOf` with nothing to choose from"),
                ));
            }
            [(index, alternative)] => {
                let mut alternative_site =
                    site.nested(format!("{base}/{index}"), site.name_hint.clone());
                alternative_site.place = site.place;
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
        // A component that is a union is one type under the component's own name, lowered
        // once (see `lower_reference`), rather than a numbered copy at every reference.
        // (One used for requests and for responses is two types; the second is named as an
        // inline type would be.)
        let exact = site.component.and_then(|component| {
            self.registry
                .reserve_exact(type_name(component), &site.pointer, site.origin())
                .ok()
        });
        let id = exact.unwrap_or_else(|| {
            self.registry
                .reserve_inline(&site.name_hint, &site.pointer, site.origin())
        });
        let name = self.registry.name(id).to_owned();
        let variants = self.lower_variants(&name, alternatives, base, site)?;
        let mut keys: Vec<&Discriminator> = variants
            .iter()
            .filter_map(|variant| variant.discriminator.as_ref())
            .collect();
        keys.sort();
        keys.dedup();
        let discriminated = site.direction == Direction::Response && keys.len() == variants.len();
        let definition = Definition {
            module: site.module.to_owned(),
            doc: type_doc(schema),
            kind: TypeKind::Union(UnionDef {
                direction: site.direction,
                variants,
                discriminated,
                keeps_undecoded: false,
                variants_by_feature: false,
            }),
        };
        self.registry.define(id, definition);
        Ok(TypeRef::Named(id))
    }

    fn lower_variants(
        &mut self,
        union_name: &str,
        alternatives: &[(usize, &'a ReferenceOr<Schema>)],
        base: &str,
        site: &SchemaSite<'_>,
    ) -> Result<Vec<UnionVariant>, Error> {
        let mut variants: Vec<UnionVariant> = Vec::with_capacity(alternatives.len());
        // Inline alternatives of one shape (two objects) are named by their `title`s where
        // all of them have distinct ones (`card_details_params` -> `CardDetails`), rather
        // than numbered in the order they are listed.
        let labels: Vec<Option<String>> = alternatives
            .iter()
            .map(|(_, alternative)| match alternative {
                ReferenceOr::Item(inline) => Some(inline_label(inline).to_owned()),
                ReferenceOr::Reference { .. } => None,
            })
            .collect();
        let titled = |position: usize| -> Option<String> {
            let label = labels[position].as_ref()?;
            let same: Vec<usize> = (0..labels.len())
                .filter(|other| labels[*other].as_ref() == Some(label))
                .collect();
            if same.len() < 2 {
                return None;
            }
            let titles: Vec<Option<String>> = same
                .iter()
                .map(|other| match alternatives[*other].1 {
                    ReferenceOr::Item(inline) => {
                        inline.schema_data.title.as_deref().map(title_label)
                    }
                    ReferenceOr::Reference { .. } => None,
                })
                .collect();
            let mut distinct: Vec<&String> = titles.iter().flatten().collect();
            distinct.sort();
            distinct.dedup();
            if distinct.len() != same.len() {
                return None;
            }
            let at = same.iter().position(|other| *other == position)?;
            titles[at].clone()
        };
        for (position, (index, alternative)) in alternatives.iter().enumerate() {
            let (index, alternative) = (*index, *alternative);
            let pointer = format!("{base}/{index}");
            let (label, discriminator) = match alternative {
                ReferenceOr::Reference { reference } => {
                    let (component, target, _) = self.resolve_component(reference, &pointer)?;
                    (type_name(component), stripe::discriminator_of(target))
                }
                ReferenceOr::Item(inline) => (
                    titled(position).unwrap_or_else(|| inline_label(inline).to_owned()),
                    None,
                ),
            };
            let rust_name = first_free(&label, |name| {
                name == "Unknown" || variants.iter().any(|variant| variant.rust_name == name)
            });
            let variant_site = site.nested(pointer, nested_type_name(union_name, &rust_name));
            let ty = self.lower_schema(alternative, &variant_site)?;
            variants.push(UnionVariant {
                rust_name,
                ty,
                discriminator,
                boxed: false,
                has_from: false,
            });
        }
        Ok(variants)
    }
}

/// A variant name from an inline schema's `title`, without Stripe's `_params` or `_param`
/// ending (`card_details_params` -> `CardDetails`).
fn title_label(title: &str) -> String {
    let stem = title
        .strip_suffix("_params")
        .or_else(|| title.strip_suffix("_param"))
        .filter(|stem| !stem.is_empty())
        .unwrap_or(title);
    type_name(stem)
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
        SchemaKind::OneOf { .. }
        | SchemaKind::AllOf { .. }
        | SchemaKind::AnyOf { .. }
        | SchemaKind::Not { .. }
        | SchemaKind::Any(_) => "Value",
    }
}
