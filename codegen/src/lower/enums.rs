//! Enums: a string schema with `enum` values becomes a Rust enum, one variant per value.

use super::objects::type_doc;
use super::registry::Definition;
use super::{Lowering, SchemaSite, first_free};
use crate::ir::{EnumDef, EnumVariant, TypeKind, TypeRef};
use crate::naming::type_name;
use openapiv3::Schema;

impl Lowering<'_> {
    pub(super) fn define_enum(
        &mut self,
        schema: &Schema,
        site: &SchemaSite<'_>,
        values: Vec<String>,
    ) -> TypeRef {
        let variants = enum_variants(values);
        let id = site.defines.unwrap_or_else(|| {
            self.registry
                .reserve_inline(&site.name_hint, &site.pointer, site.origin())
        });
        let definition = Definition {
            module: site.module.to_owned(),
            doc: type_doc(schema),
            kind: TypeKind::Enum(EnumDef {
                direction: site.direction,
                variants,
            }),
        };
        self.registry.define(id, definition);
        TypeRef::Named(id)
    }
}

/// One variant per distinct value, in document order, each named after its value.
pub(super) fn enum_variants(values: Vec<String>) -> Vec<EnumVariant> {
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
    variants
}
