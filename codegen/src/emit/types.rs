//! Structs: objects and params, their fields' serde attributes, the serde directions each
//! side needs, constructors, redacting `Debug`, and `HasId` for objects with an id.

use super::enums::encode_head;
use super::text::{self, string_literal};
use super::{
    Context, DeriveGate, SetAside, SetAsideText, TypeItems, doc_attrs, formatted_field_attribute,
    ident, runtime, text_item,
};
use crate::ir::{DebugImpl, Direction, Field, HasId, StructDef, TypeDef, TypeRef, Validation};
use proc_macro2::TokenStream;
use quote::quote;

impl Context<'_> {
    /// The struct and its impls, one item each.
    pub(super) fn emit_struct(
        &self,
        def: &TypeDef,
        body: &StructDef,
        derives: DeriveGate<'_>,
    ) -> TypeItems {
        let facts = &def.facts;
        let name = ident(&def.name);
        let as_text = text_item(|| self.struct_text(def, body, derives));
        let doc = || doc_attrs(&def.doc);
        let fields = || {
            body.fields.iter().enumerate().map(|(index, field)| {
                let is_file = facts.file_fields.contains(&index);
                self.emit_field(field, body.direction, is_file, derives)
            })
        };
        let debug = match facts.debug {
            DebugImpl::Derived => Some(quote! { Debug, }),
            DebugImpl::Redacted => None,
        };
        let default = facts.default.then(|| quote! { Default, });
        let mut impls = Vec::new();
        let definition = match body.direction {
            // Params are sent through the runtime's form encoder (`Encode`), which compiles to
            // one small function per struct; serde's derives are there only with their
            // features.
            Direction::Request => {
                let serde = request_serde_derives();
                let deserialize = runtime::DESERIALIZE_FEATURE;
                let deny = body.deny_unknown_fields.then(
                    || quote! { #[cfg_attr(feature = #deserialize, serde(deny_unknown_fields))] },
                );
                impls.push(emit_encode_struct(def, body));
                as_text.unwrap_or_else(|| {
                    let (doc, fields) = (doc(), fields());
                    quote! {
                        #doc
                        #[derive(Clone, #debug #default PartialEq)]
                        #serde
                        #deny
                        pub struct #name {
                            #(#fields)*
                        }
                    }
                })
            }
            // A response struct is read by the runtime's decoder (`decode_object!`, which also
            // gives it `Deserialize` with that feature), which compiles to much less than
            // serde's derive; `Serialize` and `PartialEq` are derived only with their features.
            Direction::Response => {
                let derive = derives.derive(quote! { Clone, #debug #default });
                let partial_eq = derives.partial_eq();
                let serialize = derives.serialize();
                impls.push(emit_decode_object(def, body));
                as_text.unwrap_or_else(|| {
                    let (doc, fields) = (doc(), fields());
                    quote! {
                        #doc
                        #derive
                        #partial_eq
                        #[cfg_attr(#serialize, derive(serde::Serialize))]
                        pub struct #name {
                            #(#fields)*
                        }
                    }
                })
            }
        };
        if let Some(arguments) = &facts.constructor {
            impls.push(self.emit_constructor(def, body, arguments));
        }
        if facts.debug == DebugImpl::Redacted {
            impls.push(emit_redacting_debug(def, body));
        }
        match facts.validation {
            Validation::None => {}
            Validation::Trait | Validation::TraitAndInherent => {
                impls.extend(self.emit_validate(def, body));
            }
        }
        if let Some(has_id) = facts.has_id {
            impls.push(emit_has_id(def, body, has_id));
        }
        TypeItems { definition, impls }
    }

    fn emit_field(
        &self,
        field: &Field,
        direction: Direction,
        is_file: bool,
        derives: DeriveGate<'_>,
    ) -> TokenStream {
        let name = ident(&field.rust_name);
        let doc = doc_attrs(&field.doc);
        let ty = self.field_type(field);
        let serde = match field_attribute_lines(field, direction, is_file, derives) {
            Some(lines) => lines.map(|lines| SetAside::placeholder(SetAsideText::Formatted(lines))),
            None => field_serde_attribute(field, direction, is_file, derives),
        };
        quote! {
            #doc
            #serde
            pub #name: #ty,
        }
    }

    /// The struct's definition as text (see [`text`]).
    fn struct_text(
        &self,
        def: &TypeDef,
        body: &StructDef,
        derives: DeriveGate<'_>,
    ) -> Option<String> {
        // prettyplease writes a struct without fields on one line.
        if body.fields.is_empty() {
            return None;
        }
        let facts = &def.facts;
        let mut traits = String::from("Clone");
        if facts.debug == DebugImpl::Derived {
            traits.push_str(", Debug");
        }
        if facts.default {
            traits.push_str(", Default");
        }
        let mut item = text::Item::new();
        item.docs(0, &def.doc);
        match body.direction {
            Direction::Request => {
                item.line(0, &["#[derive(", &traits, ", PartialEq)]"]);
                request_serde_derives_text(&mut item);
                if body.deny_unknown_fields {
                    let deserialize = runtime::DESERIALIZE_FEATURE;
                    item.cfg_attr(
                        0,
                        &format!("feature = \"{deserialize}\""),
                        "serde(deny_unknown_fields)",
                    );
                }
            }
            Direction::Response => {
                derives.derive_text(&mut item, &traits)?;
                let partial_eq = derives.with_feature_text(runtime::PARTIAL_EQ_FEATURE)?;
                item.cfg_attr(0, &partial_eq, "derive(PartialEq)");
                let serialize = derives.with_feature_text(runtime::SERIALIZE_FEATURE)?;
                item.cfg_attr(0, &serialize, "derive(serde::Serialize)");
            }
        }
        // A struct's name has nowhere to break, however long.
        item.doc(0, &format!("pub struct {} {{", def.name));
        for (index, field) in body.fields.iter().enumerate() {
            item.docs(4, &field.doc);
            let is_file = facts.file_fields.contains(&index);
            if let Some(lines) = field_attribute_lines(field, body.direction, is_file, derives)? {
                item.formatted(4, &lines);
            }
            let ty = self.field_type_text(field);
            item.field(4, &format!("pub {}: ", field.rust_name), &ty);
        }
        item.line(0, &["}"]);
        item.finish()
    }

    /// [`Self::field_type`] as text, as [`text::type_text`] writes the tokens.
    fn field_type_text(&self, field: &Field) -> String {
        let ty = self.rust_type_text(&field.ty);
        if field.is_option() {
            format!("Option<{ty}>")
        } else {
            ty
        }
    }

    /// A field's type: `Option<...>` when it may be absent or null.
    fn field_type(&self, field: &Field) -> TokenStream {
        let ty = self.rust_type(&field.ty);
        if field.is_option() {
            quote! { Option<#ty> }
        } else {
            ty
        }
    }

    /// `new(...)`: the required fields as arguments (strings as `impl Into<String>`), every
    /// other field `None`.
    fn emit_constructor(
        &self,
        def: &TypeDef,
        body: &StructDef,
        arguments: &[usize],
    ) -> TokenStream {
        if let Some(item) = text_item(|| self.constructor_text(def, body, arguments)) {
            return item;
        }
        let name = ident(&def.name);
        let mut parameters = Vec::with_capacity(arguments.len());
        let values = body.fields.iter().enumerate().map(|(index, field)| {
            let field_ident = ident(&field.rust_name);
            if !arguments.contains(&index) {
                return quote! { #field_ident: None, };
            }
            let plain_string = matches!(field.ty, TypeRef::String { .. }) && !field.is_option();
            if plain_string {
                quote! { #field_ident: #field_ident.into(), }
            } else {
                quote! { #field_ident, }
            }
        });
        let values: Vec<TokenStream> = values.collect();
        for index in arguments {
            let field = &body.fields[*index];
            let field_ident = ident(&field.rust_name);
            let plain_string = matches!(field.ty, TypeRef::String { .. }) && !field.is_option();
            let ty = if plain_string {
                quote! { impl Into<String> }
            } else {
                self.field_type(field)
            };
            parameters.push(quote! { #field_ident: #ty });
        }
        quote! {
            impl #name {
                /// The params with every required field given and every other field `None`;
                /// set the others with struct update syntax (`..Self::new(...)`).
                pub fn new(#(#parameters),*) -> Self {
                    Self { #(#values)* }
                }
            }
        }
    }
}

/// The longest struct literal prettyplease keeps on one line (`Self { .. }`, braces included:
/// it ends the literal's box with a width limit of its own, 34 columns before the `}`).
const STRUCT_LITERAL_FITS: usize = 35;

impl Context<'_> {
    /// [`Context::emit_constructor`]'s impl as text (see [`text`]): the struct literal on one
    /// line when it is short (prettyplease keeps `Self { .. }` whole up to 35 columns, wherever
    /// it is), otherwise one field a line.
    fn constructor_text(
        &self,
        def: &TypeDef,
        body: &StructDef,
        arguments: &[usize],
    ) -> Option<String> {
        let plain_string =
            |field: &Field| matches!(field.ty, TypeRef::String { .. }) && !field.is_option();
        let mut parameters = Vec::with_capacity(arguments.len());
        for index in arguments {
            let field = &body.fields[*index];
            let ty = if plain_string(field) {
                "impl Into<String>".to_owned()
            } else {
                self.field_type_text(field)
            };
            parameters.push(format!("{}: {ty}", field.rust_name));
        }
        let values: Vec<String> = body
            .fields
            .iter()
            .enumerate()
            .map(|(index, field)| {
                let name = &field.rust_name;
                if !arguments.contains(&index) {
                    format!("{name}: None")
                } else if plain_string(field) {
                    format!("{name}: {name}.into()")
                } else {
                    name.clone()
                }
            })
            .collect();
        let parameters: Vec<&str> = parameters.iter().map(String::as_str).collect();
        let mut item = text::Item::new();
        item.impl_inherent(&def.name);
        item.doc(
            4,
            "/// The params with every required field given and every other field `None`;",
        );
        item.doc(
            4,
            "/// set the others with struct update syntax (`..Self::new(...)`).",
        );
        item.signature(
            4,
            "pub fn new",
            &parameters,
            &text::Returns::Type("Self".to_owned()),
        );
        let one_line = format!("Self {{ {} }}", values.join(", "));
        if one_line.len() <= STRUCT_LITERAL_FITS {
            item.line(8, &[&one_line]);
        } else {
            item.line(8, &["Self {"]);
            for value in &values {
                item.line(12, &[value, ","]);
            }
            item.line(8, &["}"]);
        }
        item.line(4, &["}"]);
        item.line(0, &["}"]);
        item.finish()
    }
}

/// The serde derives of a request type (params), each with its feature: params are sent
/// through the form encoder, so serde's derives would only cost compile time in every
/// program that does not ask for them.
pub(super) fn request_serde_derives() -> TokenStream {
    let serialize = runtime::SERIALIZE_FEATURE;
    let deserialize = runtime::DESERIALIZE_FEATURE;
    quote! {
        #[cfg_attr(feature = #serialize, derive(serde::Serialize))]
        #[cfg_attr(feature = #deserialize, derive(serde::Deserialize))]
    }
}

/// A field's serde attribute, if it needs one.
/// What [`field_serde_attribute`] makes a field's attribute from: fields alike in these share
/// their formatted lines, which are looked up without making the attribute's tokens.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) struct FieldAttributeKey {
    rename: Option<String>,
    direction: Direction,
    is_file: bool,
    optional: bool,
    nullable: bool,
    derive_feature: Option<String>,
}

/// The lines of the field's serde attribute (see [`formatted_field_attribute`]): `Some(None)`
/// for a field without one, `None` where the attribute stays tokens.
fn field_attribute_lines(
    field: &Field,
    direction: Direction,
    is_file: bool,
    derives: DeriveGate<'_>,
) -> super::FieldAttributeLines {
    let key = FieldAttributeKey {
        rename: (field.rust_name != field.wire_name).then(|| field.wire_name.clone()),
        direction,
        is_file,
        optional: field.optional,
        nullable: field.nullable,
        derive_feature: match derives {
            DeriveGate::Always => None,
            DeriveGate::Feature(feature) => Some(feature.to_owned()),
        },
    };
    formatted_field_attribute(key, || {
        field_serde_attribute(field, direction, is_file, derives)
    })
}

fn field_serde_attribute(
    field: &Field,
    direction: Direction,
    is_file: bool,
    derives: DeriveGate<'_>,
) -> Option<TokenStream> {
    let mut attributes = Vec::new();
    if field.rust_name != field.wire_name {
        let wire = &field.wire_name;
        attributes.push(quote! { rename = #wire });
    }
    match direction {
        // Files travel as parts of their own, not through the serializer that writes the
        // other fields (see `crate::multipart`). Absent optional fields are omitted on the
        // wire.
        Direction::Request => {
            if is_file {
                attributes.push(quote! { skip });
            } else if field.optional {
                attributes.push(quote! { default, skip_serializing_if = "Option::is_none" });
            }
            (!attributes.is_empty()).then(|| request_serde_attribute(&quote! { #(#attributes),* }))
        }
        // These attributes are only for the derived `Serialize` (see `emit_struct`). A
        // nullable field keeps its explicit `null`, so that a decoded object re-serializes
        // without losing the field.
        Direction::Response => {
            if field.optional && !field.nullable {
                attributes.push(quote! { skip_serializing_if = "Option::is_none" });
            }
            let serialize = derives.serialize();
            (!attributes.is_empty())
                .then(|| quote! { #[cfg_attr(#serialize, serde(#(#attributes),*))] })
        }
    }
}

/// [`request_serde_derives`] as text lines (see [`text`]).
pub(super) fn request_serde_derives_text(item: &mut text::Item) {
    let serialize = runtime::SERIALIZE_FEATURE;
    let deserialize = runtime::DESERIALIZE_FEATURE;
    item.cfg_attr(
        0,
        &format!("feature = \"{serialize}\""),
        "derive(serde::Serialize)",
    );
    item.cfg_attr(
        0,
        &format!("feature = \"{deserialize}\""),
        "derive(serde::Deserialize)",
    );
}

/// The predicate of [`request_serde_attribute`] as text.
pub(super) fn request_serde_predicate_text() -> String {
    let serialize = runtime::SERIALIZE_FEATURE;
    let deserialize = runtime::DESERIALIZE_FEATURE;
    format!("any(feature = \"{serialize}\", feature = \"{deserialize}\")")
}

/// `#[serde(attributes)]` on a request type or its fields, present whenever one of its serde
/// derives is (an attribute without its derive does not compile).
pub(super) fn request_serde_attribute(attributes: &TokenStream) -> TokenStream {
    let serialize = runtime::SERIALIZE_FEATURE;
    let deserialize = runtime::DESERIALIZE_FEATURE;
    quote! {
        #[cfg_attr(any(feature = #serialize, feature = #deserialize), serde(#attributes))]
    }
}

/// `Encode` for a params struct: its fields in declaration order, as trait objects, so that
/// the whole impl is one call. File fields are left out: they travel as parts of their own
/// (see `crate::multipart`).
fn emit_encode_struct(def: &TypeDef, body: &StructDef) -> TokenStream {
    let encoded = || {
        body.fields
            .iter()
            .enumerate()
            .filter(|(index, _)| !def.facts.file_fields.contains(index))
            .map(|(_, field)| field)
    };
    if let Some(item) = text_item(|| encode_struct_text(&def.name, encoded())) {
        return item;
    }
    let name = ident(&def.name);
    let encode = runtime::form_encode();
    let encoder = runtime::form_encoder();
    let form_error = runtime::form_error();
    let fields = encoded().map(|field| {
        let field_ident = ident(&field.rust_name);
        let wire = &field.wire_name;
        quote! { (#wire, &self.#field_ident) }
    });
    quote! {
        impl #encode for #name {
            fn encode(&self, form: &mut #encoder) -> Result<(), #form_error> {
                form.fields(&[#(#fields),*])
            }
        }
    }
}

/// [`emit_encode_struct`]'s impl as text (see [`text`]): the array of fields on the line of
/// the call when it fits, otherwise one field a line.
fn encode_struct_text<'a>(name: &str, fields: impl Iterator<Item = &'a Field>) -> Option<String> {
    let entries = fields
        .map(|field| {
            let wire = string_literal(&field.wire_name)?;
            Some(format!("({wire}, &self.{})", field.rust_name))
        })
        .collect::<Option<Vec<String>>>()?;
    let mut item = text::Item::new();
    encode_head(&mut item, name);
    let array = format!("&[{}]", entries.join(", "));
    // `form.fields(` and `)` around the array on one line, or the array (and its comma) on
    // a line of its own, or broken too.
    let whole = 8 + "form.fields(".len() + array.len() + 1;
    let array_line = 12 + array.len() + 1;
    if whole <= text::SURE_FIT {
        item.line(8, &["form.fields(", &array, ")"]);
    } else if array_line < text::SURE_BREAK {
        // The array may fit on a line of its own; that layout is left to prettyplease.
        return None;
    } else {
        item.line(8, &["form.fields("]);
        item.line(12, &["&["]);
        for entry in &entries {
            item.line(16, &[entry, ","]);
        }
        item.line(12, &["],"]);
        item.line(8, &[")"]);
    }
    item.line(4, &["}"]);
    item.line(0, &["}"]);
    item.finish()
}

/// The decoder and `Deserialize` for a response struct, through the runtime's
/// `decode_object!`: fields of an `Option` type may be absent or `null`, the others are
/// required.
fn emit_decode_object(def: &TypeDef, body: &StructDef) -> TokenStream {
    if let Some(item) = text_item(|| decode_object_text(def, body)) {
        return item;
    }
    let name = ident(&def.name);
    let (optional, required): (Vec<&Field>, Vec<&Field>) =
        body.fields.iter().partition(|field| field.is_option());
    let entries = |fields: Vec<&Field>| -> Vec<TokenStream> {
        fields
            .into_iter()
            .map(|field| {
                let field_ident = ident(&field.rust_name);
                let wire = &field.wire_name;
                quote! { #wire => #field_ident }
            })
            .collect()
    };
    let required = entries(required);
    let optional = entries(optional);
    let decode_object = runtime::decode_object();
    quote! {
        #decode_object! {
            #name,
            required { #(#required),* },
            optional { #(#optional),* },
        }
    }
}

/// [`emit_decode_object`]'s invocation as text (see [`text`]). prettyplease prints a macro's
/// tokens as one paragraph, four columns in: a space between tokens (none before a comma,
/// none inside an empty group), and a line broken at a space wherever the next run of text
/// up to the following space would pass its margin.
fn decode_object_text(def: &TypeDef, body: &StructDef) -> Option<String> {
    let (optional, required): (Vec<&Field>, Vec<&Field>) =
        body.fields.iter().partition(|field| field.is_option());
    let mut words: Vec<String> = vec![format!("{},", def.name)];
    for (group, fields) in [("required", required), ("optional", optional)] {
        words.push(group.to_owned());
        if fields.is_empty() {
            words.push("{},".to_owned());
            continue;
        }
        words.push("{".to_owned());
        let count = fields.len();
        for (index, field) in fields.into_iter().enumerate() {
            words.push(string_literal(&field.wire_name)?);
            words.push("=>".to_owned());
            let comma = if index + 1 < count { "," } else { "" };
            words.push(format!("{}{comma}", field.rust_name));
        }
        words.push("},".to_owned());
    }
    let mut item = text::Item::new();
    item.doc(
        0,
        &format!("{}! {{", text::path_text(runtime::decode_object())),
    );
    item.paragraph(4, &words);
    item.doc(0, "}");
    item.finish()
}

fn emit_has_id(def: &TypeDef, body: &StructDef, has_id: HasId) -> TokenStream {
    let value_text = match has_id {
        HasId::Field {
            index,
            optional: true,
        } => {
            format!("self.{}.as_deref()", body.fields[index].rust_name)
        }
        HasId::Field {
            index,
            optional: false,
        } => {
            format!("Some(&self.{})", body.fields[index].rust_name)
        }
        HasId::Variants => "None".to_owned(),
    };
    if let Some(item) = text_item(|| has_id_text(&def.name, |item| item.line(8, &[&value_text]))) {
        return item;
    }
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

/// `impl HasId for name` as text (see [`text`]), its `object_id` body written by `body`.
pub(super) fn has_id_text(name: &str, body: impl FnOnce(&mut text::Item)) -> Option<String> {
    let mut item = text::Item::new();
    item.impl_for(&text::path_text(runtime::has_id()), name);
    item.line(4, &["fn object_id(&self) -> Option<&str> {"]);
    body(&mut item);
    item.line(4, &["}"]);
    item.line(0, &["}"]);
    item.finish()
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
