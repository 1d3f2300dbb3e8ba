//! Enums: a string schema with `enum` values becomes a Rust enum, one variant per value.

use super::objects::type_doc;
use super::registry::Definition;
use super::{Lowering, SchemaSite, first_free};
use crate::ir::{EnumDef, EnumVariant, TypeKind, TypeRef};
use crate::naming::type_name;
use openapiv3::Schema;
use rustc_hash::FxHashSet;

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
    // Looked up by value, not by scanning the variants: a time zone or country enum has
    // hundreds of values.
    let mut seen_values: FxHashSet<String> = FxHashSet::default();
    let mut taken_names: FxHashSet<String> = FxHashSet::default();
    for value in values {
        if !seen_values.insert(value.clone()) {
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
            name == "Unknown" || taken_names.contains(name)
        });
        taken_names.insert(rust_name.clone());
        variants.push(EnumVariant {
            wire_value: value,
            rust_name,
        });
    }
    variants
}
