//! Structs: objects and params, their fields' serde attributes, redacting `Debug`, and
//! `HasId` for objects with an id.

use super::{Context, doc_attrs, ident, runtime};
use crate::ir::{DebugImpl, Direction, Field, HasId, StructDef, TypeDef, Validation};
use proc_macro2::TokenStream;
use quote::quote;

impl Context<'_> {
    pub(super) fn emit_struct(&self, def: &TypeDef, body: &StructDef) -> TokenStream {
        let facts = &def.facts;
        let name = ident(&def.name);
        let doc = doc_attrs(&def.doc);
        let fields = body.fields.iter().enumerate().map(|(index, field)| {
            let is_file = facts.file_fields.contains(&index);
            self.emit_field(field, body.direction, is_file)
        });
        let debug = match facts.debug {
            DebugImpl::Derived => Some(quote! { Debug, }),
            DebugImpl::Redacted => None,
        };
        let default = facts.default.then(|| quote! { Default, });
        let deny = body
            .deny_unknown_fields
            .then(|| quote! { #[serde(deny_unknown_fields)] });
        let debug_impl = match facts.debug {
            DebugImpl::Derived => None,
            DebugImpl::Redacted => Some(emit_redacting_debug(def, body)),
        };
        let validate = match facts.validation {
            Validation::None => None,
            Validation::Trait | Validation::TraitAndInherent => Some(self.emit_validate(def, body)),
        };
        let has_id = facts.has_id.map(|has_id| emit_has_id(def, body, has_id));
        quote! {
            #doc
            #[derive(Clone, #debug #default PartialEq, serde::Serialize, serde::Deserialize)]
            #deny
            pub struct #name {
                #(#fields)*
            }
            #debug_impl
            #validate
            #has_id
        }
    }

    fn emit_field(&self, field: &Field, direction: Direction, is_file: bool) -> TokenStream {
        let name = ident(&field.rust_name);
        let doc = doc_attrs(&field.doc);
        let ty = self.rust_type(&field.ty);
        let rename = (field.rust_name != field.wire_name).then(|| {
            let wire = &field.wire_name;
            quote! { #[serde(rename = #wire)] }
        });
        let keeps_null = field.nullable && direction == Direction::Response;
        // Files travel as parts of their own, not through the serializer that writes the
        // other fields (see `crate::multipart`). Absent optional fields are omitted on the
        // wire. A nullable response field keeps its explicit `null`, so that a decoded object
        // re-serializes without losing the field.
        let serde = if is_file {
            Some(quote! { #[serde(skip)] })
        } else if field.optional && !keeps_null {
            Some(quote! { #[serde(default, skip_serializing_if = "Option::is_none")] })
        } else if keeps_null {
            Some(quote! { #[serde(default)] })
        } else {
            None
        };
        let ty = if field.optional || field.nullable {
            quote! { Option<#ty> }
        } else {
            ty
        };
        quote! {
            #doc
            #rename
            #serde
            pub #name: #ty,
        }
    }
}

fn emit_has_id(def: &TypeDef, body: &StructDef, has_id: HasId) -> TokenStream {
    let name = ident(&def.name);
    let has_id_trait = runtime::has_id();
    let value = match has_id {
        HasId::Field { index, optional } => {
            let id = ident(&body.fields[index].rust_name);
            if optional {
                quote! { self.#id.as_deref() }
            } else {
                quote! { Some(&self.#id) }
            }
        }
        // A struct's id is always a field; `Variants` is for unions.
        HasId::Variants => quote! { None },
    };
    quote! {
        impl #has_id_trait for #name {
            fn object_id(&self) -> Option<&str> {
                #value
            }
        }
    }
}

fn emit_redacting_debug(def: &TypeDef, body: &StructDef) -> TokenStream {
    let name = ident(&def.name);
    let type_name = &def.name;
    let redacted = runtime::redacted();
    let fields = body.fields.iter().map(|field| {
        let wire = &field.rust_name;
        let field_ident = ident(&field.rust_name);
        if field.secret {
            quote! { .field(#wire, &#redacted) }
        } else {
            quote! { .field(#wire, &self.#field_ident) }
        }
    });
    quote! {
        impl std::fmt::Debug for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(#type_name)
                    #(#fields)*
                    .finish()
            }
        }
    }
}
