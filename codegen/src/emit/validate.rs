//! Validation: each request type's `Validate` impl, which checks the spec's constraints
//! (`maxLength`) before anything is sent, and the params' inherent `validate()`.

use super::{Context, ident, runtime};
use crate::ir::{StructDef, TypeDef, TypeRef, UnionDef, Validation};
use proc_macro2::{Ident, Literal, TokenStream};
use quote::quote;

impl Context<'_> {
    /// The `Validate` impl, and for params the inherent `validate()`, one item each.
    pub(super) fn emit_validate(&self, def: &TypeDef, body: &StructDef) -> Vec<TokenStream> {
        let name = ident(&def.name);
        let checks: Vec<TokenStream> = body
            .fields
            .iter()
            .filter_map(|field| {
                let field_ident = ident(&field.rust_name);
                let wire = &field.wire_name;
                self.check(
                    &field.ty,
                    quote! { &self.#field_ident },
                    quote! { &path.field(#wire) },
                )
            })
            .collect();
        let (path_arg, violations_arg) = if checks.is_empty() {
            (quote! { _path }, quote! { _violations })
        } else {
            (quote! { path }, quote! { violations })
        };
        let validate_trait = runtime::validate_trait();
        let field_path = runtime::field_path();
        let violations = runtime::violations();
        // Only the parameters of an operation get the inherent method, which is what callers
        // use; nested types are checked through the trait, and a method on each of them would
        // add hundreds of items to the full crate for no caller.
        let inherent = (def.facts.validation == Validation::TraitAndInherent).then(|| {
            let invalid_params = runtime::invalid_params();
            quote! {
                impl #name {
                    /// Checks every constraint the API document states, reporting all violations at once.
                    pub fn validate(&self) -> Result<(), #invalid_params> {
                        #validate_trait::validate(self)
                    }
                }
            }
        });
        let validate_impl = quote! {
            impl #validate_trait for #name {
                fn validate_at(&self, #path_arg: &#field_path<'_>, #violations_arg: &mut #violations) {
                    #(#checks)*
                }
            }
        };
        inherent.into_iter().chain([validate_impl]).collect()
    }

    pub(super) fn emit_union_validate(
        &self,
        def: &TypeDef,
        body: &UnionDef,
        variant_idents: &[Ident],
    ) -> TokenStream {
        let name = ident(&def.name);
        let arms = body
            .variants
            .iter()
            .zip(variant_idents)
            .map(|(variant, variant_ident)| {
                match self.check(&variant.ty, quote! { value }, quote! { path }) {
                    Some(check) => quote! { Self::#variant_ident(value) => { #check } },
                    None => quote! { Self::#variant_ident(_) => {} },
                }
            });
        let validate_trait = runtime::validate_trait();
        let field_path = runtime::field_path();
        let violations = runtime::violations();
        quote! {
            impl #validate_trait for #name {
                fn validate_at(&self, path: &#field_path<'_>, violations: &mut #violations) {
                    let _ = (&path, &violations);
                    match self {
                        #(#arms)*
                    }
                }
            }
        }
    }

    /// The check of `value` (an expression of type `&ty`) at `path` (a `&FieldPath`), or
    /// `None` when nothing can be wrong with a `ty`. Options, lists, maps and unsettable values
    /// are looked through by the runtime's traits, so one call checks any of them.
    fn check(&self, ty: &TypeRef, value: TokenStream, path: TokenStream) -> Option<TokenStream> {
        match ty {
            TypeRef::String {
                max_length: Some(max),
            } => {
                let max = Literal::usize_unsuffixed(*max);
                let max_length_trait = runtime::max_length_trait();
                Some(
                    quote! { #max_length_trait::check_max_length(#value, #path, violations, #max); },
                )
            }
            TypeRef::Array(item) | TypeRef::Map(item) | TypeRef::Unsettable(item) => {
                self.check(item, value, path)
            }
            TypeRef::Named(id) | TypeRef::Boxed(id) => {
                match self.api.type_def(*id).facts.validation {
                    Validation::None => None,
                    Validation::Trait | Validation::TraitAndInherent => {
                        let validate_trait = runtime::validate_trait();
                        Some(quote! { #validate_trait::validate_at(#value, #path, violations); })
                    }
                }
            }
            TypeRef::Expandable(_)
            | TypeRef::List(_)
            | TypeRef::SearchResult(_)
            | TypeRef::File
            | TypeRef::String { max_length: None }
            | TypeRef::Integer { .. }
            | TypeRef::Number
            | TypeRef::Boolean
            | TypeRef::Json
            | TypeRef::RangeQuery => None,
        }
    }
}
