//! Validation: each request type's `Validate` impl, which checks the spec's constraints
//! (`maxLength`) before anything is sent, and the params' inherent `validate()`.

use super::text::{self, string_literal};
use super::{Context, ident, runtime, text_item};
use crate::ir::{StructDef, TypeDef, TypeRef, UnionDef, Validation};
use proc_macro2::{Ident, Literal, TokenStream};
use quote::quote;

impl Context<'_> {
    /// The `Validate` impl, and for params the inherent `validate()`, one item each.
    pub(super) fn emit_validate(&self, def: &TypeDef, body: &StructDef) -> Vec<TokenStream> {
        // Only the parameters of an operation get the inherent method, which is what callers
        // use; nested types are checked through the trait, and a method on each of them would
        // add hundreds of items to the full crate for no caller.
        let inherent = (def.facts.validation == Validation::TraitAndInherent).then(|| {
            text_item(|| inherent_validate_text(&def.name))
                .unwrap_or_else(|| emit_inherent_validate(&def.name))
        });
        let validate_impl = text_item(|| self.validate_text(def, body))
            .unwrap_or_else(|| self.emit_validate_impl(def, body));
        inherent.into_iter().chain([validate_impl]).collect()
    }

    /// The `Validate` impl of a struct: each field's check.
    fn emit_validate_impl(&self, def: &TypeDef, body: &StructDef) -> TokenStream {
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
        quote! {
            impl #validate_trait for #name {
                fn validate_at(&self, #path_arg: &#field_path<'_>, #violations_arg: &mut #violations) {
                    #(#checks)*
                }
            }
        }
    }

    /// [`Context::emit_validate`]'s `Validate` impl as text (see [`text`]).
    fn validate_text(&self, def: &TypeDef, body: &StructDef) -> Option<String> {
        let validate_trait = text::path_text(runtime::validate_trait());
        let field_path = text::path_text(runtime::field_path());
        let violations = text::path_text(runtime::violations());
        let mut checks = text::Item::new();
        let mut any_check = false;
        for field in &body.fields {
            let value = format!("&self.{}", field.rust_name);
            let path = format!("&path.field({})", string_literal(&field.wire_name)?);
            if let Some((function, max)) = self.check_text(&field.ty) {
                any_check = true;
                let mut arguments = vec![value.as_str(), path.as_str(), "violations"];
                arguments.extend(max.as_deref());
                checks.call(8, &function, &arguments, ";");
            }
        }
        let (path_arg, violations_arg) = if any_check {
            ("path", "violations")
        } else {
            ("_path", "_violations")
        };
        let mut item = text::Item::new();
        item.impl_for(&validate_trait, &def.name);
        item.line(4, &["fn validate_at("]);
        item.line(8, &["&self,"]);
        item.line(8, &[path_arg, ": &", &field_path, "<'_>,"]);
        item.line(8, &[violations_arg, ": &mut ", &violations, ","]);
        if !any_check {
            item.line(4, &[") {}"]);
            item.line(0, &["}"]);
            return item.finish();
        }
        item.line(4, &[") {"]);
        item.append(checks);
        item.line(4, &["}"]);
        item.line(0, &["}"]);
        item.finish()
    }

    /// [`Context::check`] as text: the function a check calls, and its last argument (the
    /// maximum length) if it has one.
    fn check_text(&self, ty: &TypeRef) -> Option<(String, Option<String>)> {
        Some(match self.check_kind(ty)? {
            Check::MaxLength(max) => (
                format!(
                    "{}::check_max_length",
                    text::path_text(runtime::max_length_trait())
                ),
                Some(max.to_string()),
            ),
            Check::Nested => (
                format!(
                    "{}::validate_at",
                    text::path_text(runtime::validate_trait())
                ),
                None,
            ),
        })
    }

    /// What a value of `ty` is checked for, if anything can be wrong with it: the one decision
    /// that [`Context::check`] writes as tokens and [`Context::check_text`] as text. Options,
    /// lists, maps and unsettable values are looked through by the runtime's traits, so one
    /// call checks any of them.
    fn check_kind(&self, ty: &TypeRef) -> Option<Check> {
        match ty {
            TypeRef::String {
                max_length: Some(max),
            } => Some(Check::MaxLength(*max)),
            TypeRef::Array(item) | TypeRef::Map(item) | TypeRef::Unsettable(item) => {
                self.check_kind(item)
            }
            TypeRef::Named(id) | TypeRef::Boxed(id) => {
                match self.api.type_def(*id).facts.validation {
                    Validation::None => None,
                    Validation::Trait | Validation::TraitAndInherent => Some(Check::Nested),
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
    /// `None` when nothing can be wrong with a `ty` (see [`Context::check_kind`]).
    fn check(&self, ty: &TypeRef, value: TokenStream, path: TokenStream) -> Option<TokenStream> {
        Some(match self.check_kind(ty)? {
            Check::MaxLength(max) => {
                let max = Literal::usize_unsuffixed(max);
                let max_length_trait = runtime::max_length_trait();
                quote! { #max_length_trait::check_max_length(#value, #path, violations, #max); }
            }
            Check::Nested => {
                let validate_trait = runtime::validate_trait();
                quote! { #validate_trait::validate_at(#value, #path, violations); }
            }
        })
    }
}

/// The params' inherent `validate()`.
fn emit_inherent_validate(name: &str) -> TokenStream {
    let name = ident(name);
    let invalid_params = runtime::invalid_params();
    let validate_trait = runtime::validate_trait();
    quote! {
        impl #name {
            /// Checks every constraint the API document states, reporting all violations at once.
            pub fn validate(&self) -> Result<(), #invalid_params> {
                #validate_trait::validate(self)
            }
        }
    }
}

/// The params' inherent `validate()` as text (see [`text`]).
fn inherent_validate_text(name: &str) -> Option<String> {
    let invalid_params = text::path_text(runtime::invalid_params());
    let validate_trait = text::path_text(runtime::validate_trait());
    let mut item = text::Item::new();
    item.impl_inherent(name);
    item.doc(
        4,
        "/// Checks every constraint the API document states, reporting all violations at once.",
    );
    item.line(
        4,
        &[
            "pub fn validate(&self) -> Result<(), ",
            &invalid_params,
            "> {",
        ],
    );
    item.line(8, &[&validate_trait, "::validate(self)"]);
    item.line(4, &["}"]);
    item.line(0, &["}"]);
    item.finish()
}

/// What a field's value is checked for (see [`Context::check_kind`]).
enum Check {
    /// A string's length against the spec's `maxLength`.
    MaxLength(usize),
    /// A params type of its own, checked by its `Validate` impl.
    Nested,
}
