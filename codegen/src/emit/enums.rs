//! Enums and unions: closed request enums, response enums that keep unknown values, and
//! unions, dispatched on `object` where every variant has a distinct one.

use super::text::{self, string_literal};
use super::types::{
    request_serde_attribute, request_serde_derives, request_serde_derives_text,
    request_serde_predicate_text,
};
use super::{Context, DeriveGate, TypeItems, doc_attrs, ident, runtime, text_item};
use crate::ir::{Direction, Discriminator, EnumDef, TypeDef, UnionDef, UnionVariant, Validation};
use proc_macro2::{Ident, TokenStream};
use quote::quote;

/// The enum and its impls.
pub(super) fn emit_enum(def: &TypeDef, body: &EnumDef, derives: DeriveGate<'_>) -> TypeItems {
    let name = ident(&def.name);
    let variant_idents: Vec<Ident> = body
        .variants
        .iter()
        .map(|variant| ident(&variant.rust_name))
        .collect();
    let wire_values: Vec<&str> = body
        .variants
        .iter()
        .map(|variant| variant.wire_value.as_str())
        .collect();
    let variant_names: Vec<&str> = body
        .variants
        .iter()
        .map(|variant| variant.rust_name.as_str())
        .collect();
    let variant_docs = wire_values.iter().map(|value| format!(" `{value}`"));
    match body.direction {
        Direction::Request => {
            let serde = request_serde_derives();
            let renames = wire_values
                .iter()
                .map(|wire| request_serde_attribute(&quote! { rename = #wire }));
            let encode = runtime::form_encode();
            let encoder = runtime::form_encoder();
            let form_error = runtime::form_error();
            let definition = text_item(|| request_enum_text(def, &variant_names, &wire_values))
                .unwrap_or_else(|| {
                    let doc = doc_attrs(&def.doc);
                    quote! {
                        #doc
                        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
                        #serde
                        pub enum #name {
                            #(
                                #[doc = #variant_docs]
                                #renames
                                #variant_idents,
                            )*
                        }
                    }
                });
            TypeItems {
                definition,
                impls: vec![
                    text_item(|| request_as_str_text(&def.name, &variant_names, &wire_values))
                        .unwrap_or_else(|| {
                            quote! {
                                impl #name {
                                    /// The value as the API spells it.
                                    pub fn as_str(self) -> &'static str {
                                        match self {
                                            #(Self::#variant_idents => #wire_values,)*
                                        }
                                    }
                                }
                            }
                        }),
                    text_item(|| encode_as_str_text(&def.name)).unwrap_or_else(|| {
                        quote! {
                            impl #encode for #name {
                                fn encode(&self, form: &mut #encoder) -> Result<(), #form_error> {
                                    form.str(self.as_str())
                                }
                            }
                        }
                    }),
                ],
            }
        }
        Direction::Response => {
            let decode_via_str = runtime::decode_via_str();
            let derive = derives.derive(quote! { Clone, Debug, PartialEq, Eq, Hash });
            let definition =
                text_item(|| response_enum_text(def, &variant_names, &wire_values, derives))
                    .unwrap_or_else(|| {
                        let doc = doc_attrs(&def.doc);
                        quote! {
                            #doc
                            #derive
                            pub enum #name {
                                #(
                                    #[doc = #variant_docs]
                                    #variant_idents,
                                )*
                                /// A value this SDK does not know yet, kept as received.
                                Unknown(String),
                            }
                        }
                    });
            TypeItems {
                definition,
                impls: vec![
                    text_item(|| response_as_str_text(&def.name, &variant_names, &wire_values))
                        .unwrap_or_else(|| {
                            quote! {
                                impl #name {
                                    /// The value as the API spells it.
                                    pub fn as_str(&self) -> &str {
                                        match self {
                                            #(Self::#variant_idents => #wire_values,)*
                                            Self::Unknown(value) => value,
                                        }
                                    }
                                }
                            }
                        }),
                    text_item(|| from_str_text(&def.name, &variant_names, &wire_values))
                        .unwrap_or_else(|| {
                            quote! {
                                impl std::str::FromStr for #name {
                                    type Err = std::convert::Infallible;
                                    fn from_str(value: &str) -> Result<Self, Self::Err> {
                                        Ok(match value {
                                            #(#wire_values => Self::#variant_idents,)*
                                            _ => Self::Unknown(value.to_owned()),
                                        })
                                    }
                                }
                            }
                        }),
                    quote! { #decode_via_str!(#name); },
                ],
            }
        }
    }
}

/// A request enum's definition as text (see [`text`]).
fn request_enum_text(def: &TypeDef, variants: &[&str], wire_values: &[&str]) -> Option<String> {
    // prettyplease writes an enum without variants on one line.
    if variants.is_empty() {
        return None;
    }
    let mut item = text::Item::new();
    item.docs(0, &def.doc);
    item.line(0, &["#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]"]);
    request_serde_derives_text(&mut item);
    // An enum's name has nowhere to break, however long.
    item.doc(0, &format!("pub enum {} {{", def.name));
    let serde_on = request_serde_predicate_text();
    for (variant, wire) in variants.iter().zip(wire_values) {
        let literal = string_literal(wire)?;
        item.doc(4, &format!("/// `{wire}`"));
        item.cfg_attr(4, &serde_on, &format!("serde(rename = {literal})"));
        item.line(4, &[variant, ","]);
    }
    item.line(0, &["}"]);
    item.finish()
}

/// A response enum's definition as text (see [`text`]).
fn response_enum_text(
    def: &TypeDef,
    variants: &[&str],
    wire_values: &[&str],
    derives: DeriveGate<'_>,
) -> Option<String> {
    let mut item = text::Item::new();
    item.docs(0, &def.doc);
    derives.derive_text(&mut item, "Clone, Debug, PartialEq, Eq, Hash")?;
    // An enum's name has nowhere to break, however long.
    item.doc(0, &format!("pub enum {} {{", def.name));
    for (variant, wire) in variants.iter().zip(wire_values) {
        string_literal(wire)?;
        item.doc(4, &format!("/// `{wire}`"));
        item.line(4, &[variant, ","]);
    }
    item.doc(
        4,
        "/// A value this SDK does not know yet, kept as received.",
    );
    item.line(4, &["Unknown(String),"]);
    item.line(0, &["}"]);
    item.finish()
}

/// `impl Name { fn as_str(self) }` of a request enum, as text (see [`text`]).
fn request_as_str_text(name: &str, variants: &[&str], wire_values: &[&str]) -> Option<String> {
    // prettyplease writes a match without arms on one line.
    if variants.is_empty() {
        return None;
    }
    let mut item = text::Item::new();
    item.impl_inherent(name);
    item.doc(4, "/// The value as the API spells it.");
    item.line(4, &["pub fn as_str(self) -> &'static str {"]);
    item.line(8, &["match self {"]);
    as_str_arms(&mut item, variants, wire_values)?;
    item.line(8, &["}"]);
    item.line(4, &["}"]);
    item.line(0, &["}"]);
    item.finish()
}

/// `impl Name { fn as_str(&self) }` of a response enum, as text (see [`text`]).
fn response_as_str_text(name: &str, variants: &[&str], wire_values: &[&str]) -> Option<String> {
    let mut item = text::Item::new();
    item.impl_inherent(name);
    item.doc(4, "/// The value as the API spells it.");
    item.line(4, &["pub fn as_str(&self) -> &str {"]);
    item.line(8, &["match self {"]);
    as_str_arms(&mut item, variants, wire_values)?;
    item.line(12, &["Self::Unknown(value) => value,"]);
    item.line(8, &["}"]);
    item.line(4, &["}"]);
    item.line(0, &["}"]);
    item.finish()
}

/// `Self::Variant => "wire",` for each variant, in an `as_str`.
fn as_str_arms(item: &mut text::Item, variants: &[&str], wire_values: &[&str]) -> Option<()> {
    for (variant, wire) in variants.iter().zip(wire_values) {
        item.arm(12, &format!("Self::{variant}"), &string_literal(wire)?);
    }
    Some(())
}

/// `FromStr` for a response enum, as text (see [`text`]).
fn from_str_text(name: &str, variants: &[&str], wire_values: &[&str]) -> Option<String> {
    let mut item = text::Item::new();
    item.impl_for("std::str::FromStr", name);
    item.line(4, &["type Err = std::convert::Infallible;"]);
    item.line(
        4,
        &["fn from_str(value: &str) -> Result<Self, Self::Err> {"],
    );
    item.line(8, &["Ok("]);
    item.line(12, &["match value {"]);
    for (variant, wire) in variants.iter().zip(wire_values) {
        item.arm(16, &string_literal(wire)?, &format!("Self::{variant}"));
    }
    item.line(16, &["_ => Self::Unknown(value.to_owned()),"]);
    item.line(12, &["},"]);
    item.line(8, &[")"]);
    item.line(4, &["}"]);
    item.line(0, &["}"]);
    item.finish()
}

/// `Encode` for a request enum, through its `as_str`, as text (see [`text`]).
fn encode_as_str_text(name: &str) -> Option<String> {
    let mut item = text::Item::new();
    encode_head(&mut item, name);
    item.line(8, &["form.str(self.as_str())"]);
    item.line(4, &["}"]);
    item.line(0, &["}"]);
    item.finish()
}

/// The first lines of an `Encode` impl, to the opening of `encode`'s body.
pub(super) fn encode_head(item: &mut text::Item, name: &str) {
    let encode = text::path_text(runtime::form_encode());
    let encoder = text::path_text(runtime::form_encoder());
    let form_error = text::path_text(runtime::form_error());
    item.impl_for(&encode, name);
    item.line(4, &["fn encode("]);
    item.line(8, &["&self,"]);
    item.line(8, &["form: &mut ", &encoder, ","]);
    item.line(4, &[") -> Result<(), ", &form_error, "> {"]);
}

impl Context<'_> {
    /// A variant's payload type, boxed where the analysis pass said so.
    fn variant_type(&self, variant: &UnionVariant) -> TokenStream {
        let inner = self.rust_type(&variant.ty);
        if variant.boxed {
            quote! { Box<#inner> }
        } else {
            inner
        }
    }

    /// `From` each variant's value for a request union where the analysis pass allows it
    /// ([`UnionVariant::has_from`]), so that `Some(id.into())` needs no variant name.
    fn emit_union_from_impls(
        &self,
        name: &Ident,
        body: &UnionDef,
        variant_idents: &[Ident],
    ) -> Vec<TokenStream> {
        body.variants
            .iter()
            .zip(variant_idents)
            .filter(|(variant, _)| variant.has_from)
            .map(|(variant, variant_ident)| {
                let inner = self.rust_type(&variant.ty);
                let value = if variant.boxed {
                    quote! { Box::new(value) }
                } else {
                    quote! { value }
                };
                quote! {
                    impl From<#inner> for #name {
                        fn from(value: #inner) -> Self {
                            Self::#variant_ident(#value)
                        }
                    }
                }
            })
            .collect()
    }

    /// The union and its impls.
    pub(super) fn emit_union(
        &self,
        def: &TypeDef,
        body: &UnionDef,
        derives: DeriveGate<'_>,
    ) -> TypeItems {
        let name = ident(&def.name);
        let doc = doc_attrs(&def.doc);
        let variant_idents: Vec<Ident> = body
            .variants
            .iter()
            .map(|variant| ident(&variant.rust_name))
            .collect();
        let variant_types: Vec<TokenStream> = body
            .variants
            .iter()
            .map(|variant| self.variant_type(variant))
            .collect();
        match (body.direction, body.discriminated) {
            (Direction::Request, _) => {
                let serde = request_serde_derives();
                let untagged = request_serde_attribute(&quote! { untagged });
                let definition = quote! {
                    #doc
                    #[derive(Clone, Debug, PartialEq)]
                    #serde
                    #untagged
                    pub enum #name {
                        #(#variant_idents(#variant_types),)*
                    }
                };
                let encode = runtime::form_encode();
                let encoder = runtime::form_encoder();
                let form_error = runtime::form_error();
                // A union is sent as whichever variant it holds.
                let mut impls = vec![quote! {
                    impl #encode for #name {
                        fn encode(&self, form: &mut #encoder) -> Result<(), #form_error> {
                            match self {
                                #(Self::#variant_idents(value) => #encode::encode(value, form),)*
                            }
                        }
                    }
                }];
                match def.facts.validation {
                    Validation::None => {}
                    Validation::Trait | Validation::TraitAndInherent => {
                        impls.push(self.emit_union_validate(def, body, &variant_idents));
                    }
                }
                impls.extend(self.emit_union_from_impls(&name, body, &variant_idents));
                TypeItems { definition, impls }
            }
            (Direction::Response, discriminated) => {
                let variant_gates = self.variant_gates(body);
                // Variants under gates of their own (with features) stay tokens.
                let as_text = if variant_gates.iter().all(Option::is_none) {
                    self.response_union_text(def, body, discriminated, derives)
                } else {
                    ResponseUnionText::default()
                };
                let mut items = emit_response_union(
                    &name,
                    &doc,
                    body,
                    discriminated,
                    &variant_idents,
                    &variant_types,
                    &variant_gates,
                    derives,
                    as_text,
                );
                items.impls.extend(self.emit_union_has_id(
                    def,
                    body,
                    &variant_idents,
                    &variant_gates,
                ));
                items
            }
        }
    }

    /// Each variant's `#[cfg]`, for a union whose variants come with their resources' features
    /// in a standalone crate: the variant, and its arms in every match, exist only under it.
    fn variant_gates(&self, body: &UnionDef) -> Vec<Option<TokenStream>> {
        body.variants
            .iter()
            .map(|variant| {
                if !body.variants_by_feature {
                    return None;
                }
                let feature = self.features?.variant_gate(self.api, variant.ty.named()?)?;
                Some(quote! { #[cfg(feature = #feature)] })
            })
            .collect()
    }

    /// `HasId` for a response union whose variants all have ids (list items that mix kinds).
    fn emit_union_has_id(
        &self,
        def: &TypeDef,
        body: &UnionDef,
        variants: &[Ident],
        gates: &[Option<TokenStream>],
    ) -> Option<TokenStream> {
        def.facts.has_id?;
        if gates.iter().all(Option::is_none) {
            let keeps_undecoded = body.discriminated && body.keeps_undecoded;
            let text = text_item(|| {
                super::types::has_id_text(&def.name, |item| {
                    match_each_variant_text(item, body, keeps_undecoded, "value.object_id()");
                })
            });
            if text.is_some() {
                return text;
            }
        }
        let name = ident(&def.name);
        let has_id_trait = runtime::has_id();
        let undecoded = (body.discriminated && body.keeps_undecoded)
            .then(|| quote! { Self::Undecoded(value) => value.object_id(), });
        Some(quote! {
            impl #has_id_trait for #name {
                fn object_id(&self) -> Option<&str> {
                    match self {
                        #(#gates Self::#variants(value) => value.object_id(),)*
                        #undecoded
                        Self::Unknown(value) => value.object_id(),
                    }
                }
            }
        })
    }
}

/// A response union's decoder: by its `object` (and `deleted`) value, read ahead, when every
/// variant has a distinct one, otherwise by trying its variants in order from the value's start. A value
/// that fits no variant is kept as JSON. Its `Serialize` impl comes with the `serialize`
/// feature.
#[expect(
    clippy::too_many_arguments,
    reason = "the variants' names, types and gates are three parallel lists of the caller's"
)]
fn emit_response_union(
    name: &Ident,
    doc: &TokenStream,
    body: &UnionDef,
    discriminated: bool,
    variant_idents: &[Ident],
    variant_types: &[TokenStream],
    variant_gates: &[Option<TokenStream>],
    derives: DeriveGate<'_>,
    as_text: ResponseUnionText,
) -> TypeItems {
    let variant_docs = body
        .variants
        .iter()
        .map(|variant| match &variant.discriminator {
            Some(Discriminator {
                object,
                deleted: true,
            }) => Some(format!(" A deleted `{object}`.")),
            Some(Discriminator {
                object,
                deleted: false,
            }) => Some(format!(" An object whose `object` is `{object}`.")),
            None => None,
        })
        .map(|doc| doc.map(|doc| quote! { #[doc = #doc] }));
    let unknown_doc = if discriminated {
        " An object of a kind this SDK does not know yet, kept as JSON."
    } else {
        " A value of a shape this SDK does not know, kept as JSON."
    };
    let serialize_feature = runtime::SERIALIZE_FEATURE;
    let derive = derives.derive(quote! { Clone, Debug });
    let partial_eq = derives.partial_eq();
    let keeps_undecoded = discriminated && body.keeps_undecoded;
    let undecoded = runtime::undecoded();
    let undecoded_variant = keeps_undecoded.then(|| {
        quote! {
            /// An object of a kind this SDK knows that did not decode into its type (such as one
            /// rendered in an older API version), kept whole as JSON with the reason.
            Undecoded(Box<#undecoded>),
        }
    });
    let undecoded_serialize = keeps_undecoded.then(
        || quote! { Self::Undecoded(value) => serde::Serialize::serialize(value, serializer), },
    );
    let definition = as_text.definition.unwrap_or_else(|| {
        quote! {
            #doc
            #derive
            #partial_eq
            pub enum #name {
                #(
                    #variant_gates
                    #variant_docs
                    #variant_idents(#variant_types),
                )*
                #undecoded_variant
                #[doc = #unknown_doc]
                Unknown(serde_json::Value),
            }
        }
    });
    let serialize = as_text.serialize.unwrap_or_else(|| quote! {
        #[cfg(feature = #serialize_feature)]
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    #(#variant_gates Self::#variant_idents(value) => serde::Serialize::serialize(value, serializer),)*
                    #undecoded_serialize
                    Self::Unknown(value) => serde::Serialize::serialize(value, serializer),
                }
            }
        }
    });
    let decode_trait = runtime::decode_trait();
    let reader = runtime::decode_reader();
    let json_error = runtime::json_error();
    // The dispatch on `object` and `deleted`: one arm per variant, whose value `arm` writes.
    let dispatch = |arm: &dyn Fn(&Ident) -> TokenStream| -> Vec<TokenStream> {
        body.variants
            .iter()
            .zip(variant_idents)
            .zip(variant_gates)
            .filter_map(|((variant, variant_ident), gate)| {
                let Discriminator { object, deleted } = variant.discriminator.as_ref()?;
                let value = arm(variant_ident);
                Some(quote! { #gate (Some(#object), #deleted) => #value, })
            })
            .collect()
    };
    let expected = format!("union {name}");
    let decode_body = || {
        if keeps_undecoded {
            // Each known kind is decoded from the value's start; one that fails goes back there
            // and is kept as JSON with the reason.
            let arms =
                dispatch(&|variant| quote! { #decode_trait::decode(reader).map(Self::#variant) });
            quote! {
                let (object, deleted) = reader.discriminator(#expected)?;
                let start = reader.mark();
                let decoded: Result<Self, #json_error> = match (object.as_deref(), deleted) {
                    #(#arms)*
                    _ => return #decode_trait::decode(reader).map(Self::Unknown),
                };
                match decoded {
                    Ok(value) => Ok(value),
                    Err(error) => {
                        let object = object.as_deref().unwrap_or_default();
                        let undecoded = reader.keep_undecoded(start, object, error)?;
                        Ok(Self::Undecoded(Box::new(undecoded)))
                    }
                }
            }
        } else if discriminated {
            let arms =
                dispatch(&|variant| quote! { Self::#variant(#decode_trait::decode(reader)?) });
            quote! {
                let (object, deleted) = reader.discriminator(#expected)?;
                Ok(match (object.as_deref(), deleted) {
                    #(#arms)*
                    _ => Self::Unknown(#decode_trait::decode(reader)?),
                })
            }
        } else {
            // Each variant is tried from the value's start; the first that decodes wins.
            quote! {
                let start = reader.mark();
                #(
                    if let Ok(value) = #decode_trait::decode(reader) {
                        return Ok(Self::#variant_idents(value));
                    }
                    reader.reset(start);
                )*
                #decode_trait::decode(reader).map(Self::Unknown)
            }
        }
    };

    let decode = as_text.decode.unwrap_or_else(|| {
        let body = decode_body();
        quote! {
            impl #decode_trait for #name {
                fn decode(reader: &mut #reader<'_>) -> Result<Self, #json_error> {
                    #body
                }
            }
        }
    });
    let deserialize_via_decode = runtime::deserialize_via_decode();
    let deserialize = quote! { #deserialize_via_decode!(#name); };
    TypeItems {
        definition,
        impls: vec![serialize, decode, deserialize],
    }
}

/// A response union's definition and impls written as text (see [`text`]), each `None` where
/// its layout is not known; those are written as tokens.
#[derive(Default)]
struct ResponseUnionText {
    definition: Option<TokenStream>,
    serialize: Option<TokenStream>,
    decode: Option<TokenStream>,
}

/// What every arm of a response union's `Serialize` does.
const SERIALIZE_VALUE: &str = "serde::Serialize::serialize(value, serializer)";

impl Context<'_> {
    /// [`emit_response_union`]'s items as text, for a union whose variants have no gates of
    /// their own. The decoder is written for a union dispatched on `object` that keeps no
    /// undecoded values; the others' stay tokens.
    fn response_union_text(
        &self,
        def: &TypeDef,
        body: &UnionDef,
        discriminated: bool,
        derives: DeriveGate<'_>,
    ) -> ResponseUnionText {
        let keeps_undecoded = discriminated && body.keeps_undecoded;
        let definition = text_item(|| self.response_union_definition_text(def, body, derives));
        let serialize = text_item(|| response_union_serialize_text(def, body, keeps_undecoded));
        let decode = if discriminated && !keeps_undecoded {
            text_item(|| response_union_decode_text(def, body))
        } else {
            None
        };
        ResponseUnionText {
            definition,
            serialize,
            decode,
        }
    }

    fn response_union_definition_text(
        &self,
        def: &TypeDef,
        body: &UnionDef,
        derives: DeriveGate<'_>,
    ) -> Option<String> {
        let keeps_undecoded = body.discriminated && body.keeps_undecoded;
        let mut item = text::Item::new();
        item.docs(0, &def.doc);
        derives.derive_text(&mut item, "Clone, Debug")?;
        let partial_eq = derives.with_feature_text(runtime::PARTIAL_EQ_FEATURE)?;
        item.cfg_attr(0, &partial_eq, "derive(PartialEq)");
        // An enum's name has nowhere to break, however long.
        item.doc(0, &format!("pub enum {} {{", def.name));
        for variant in &body.variants {
            match &variant.discriminator {
                Some(Discriminator {
                    object,
                    deleted: true,
                }) => item.doc(4, &format!("/// A deleted `{object}`.")),
                Some(Discriminator {
                    object,
                    deleted: false,
                }) => item.doc(4, &format!("/// An object whose `object` is `{object}`.")),
                None => {}
            }
            let ty = self.rust_type_text(&variant.ty);
            let ty = if variant.boxed {
                format!("Box<{ty}>")
            } else {
                ty
            };
            item.line(4, &[&variant.rust_name, "(", &ty, "),"]);
        }
        if keeps_undecoded {
            item.doc(
                4,
                "/// An object of a kind this SDK knows that did not decode into its type (such as one",
            );
            item.doc(
                4,
                "/// rendered in an older API version), kept whole as JSON with the reason.",
            );
            let undecoded = text::path_text(runtime::undecoded());
            item.line(4, &["Undecoded(Box<", &undecoded, ">),"]);
        }
        item.doc(
            4,
            if body.discriminated {
                "/// An object of a kind this SDK does not know yet, kept as JSON."
            } else {
                "/// A value of a shape this SDK does not know, kept as JSON."
            },
        );
        item.line(4, &["Unknown(serde_json::Value),"]);
        item.line(0, &["}"]);
        item.finish()
    }
}

/// [`emit_response_union`]'s `Serialize` impl as text: each variant serialized as its value.
fn response_union_serialize_text(
    def: &TypeDef,
    body: &UnionDef,
    keeps_undecoded: bool,
) -> Option<String> {
    let feature = string_literal(runtime::SERIALIZE_FEATURE)?;
    let mut item = text::Item::new();
    item.line(0, &["#[cfg(feature = ", &feature, ")]"]);
    item.impl_for("serde::Serialize", &def.name);
    // 89 columns, which prettyplease keeps whole here (every union's impl has this line).
    item.doc(
        4,
        "fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {",
    );
    match_each_variant_text(&mut item, body, keeps_undecoded, SERIALIZE_VALUE);
    item.line(4, &["}"]);
    item.line(0, &["}"]);
    item.finish()
}

/// A method body of a response union that does `value` with whichever variant's value it
/// holds (the undecoded and unknown ones included): `match self { Self::A(value) => .., }`.
fn match_each_variant_text(
    item: &mut text::Item,
    body: &UnionDef,
    keeps_undecoded: bool,
    value: &str,
) {
    item.line(8, &["match self {"]);
    let variants = body
        .variants
        .iter()
        .map(|variant| variant.rust_name.as_str());
    let undecoded = keeps_undecoded.then_some("Undecoded");
    for variant in variants.chain(undecoded).chain(["Unknown"]) {
        item.arm_call(12, &format!("Self::{variant}(value)"), value);
    }
    item.line(8, &["}"]);
}

/// [`emit_response_union`]'s `Decode` impl as text, for a union dispatched on `object` (and
/// `deleted`) whose unknown kinds are kept as JSON.
fn response_union_decode_text(def: &TypeDef, body: &UnionDef) -> Option<String> {
    let decode_trait = text::path_text(runtime::decode_trait());
    let reader = text::path_text(runtime::decode_reader());
    let json_error = text::path_text(runtime::json_error());
    let expected = string_literal(&format!("union {}", def.name))?;
    let mut item = text::Item::new();
    item.impl_for(&decode_trait, &def.name);
    item.signature(
        4,
        "fn decode",
        &[&format!("reader: &mut {reader}<'_>")],
        &text::Returns::Type(format!("Result<Self, {json_error}>")),
    );
    item.line(
        8,
        &[
            "let (object, deleted) = reader.discriminator(",
            &expected,
            ")?;",
        ],
    );
    // A call whose one argument is a match is always broken: the arms' lines break it.
    item.line(8, &["Ok("]);
    item.line(12, &["match (object.as_deref(), deleted) {"]);
    for variant in &body.variants {
        let Discriminator { object, deleted } = variant.discriminator.as_ref()?;
        let pattern = format!("(Some({}), {deleted})", string_literal(object)?);
        let value = format!(
            "Self::{}({decode_trait}::decode(reader)?)",
            variant.rust_name
        );
        item.arm_call(16, &pattern, &value);
    }
    item.arm_call(
        16,
        "_",
        &format!("Self::Unknown({decode_trait}::decode(reader)?)"),
    );
    item.line(12, &["},"]);
    item.line(8, &[")"]);
    item.line(4, &["}"]);
    item.line(0, &["}"]);
    item.finish()
}
