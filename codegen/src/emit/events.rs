//! Webhook events: `Webhook::construct_event`, defined (by the runtime's macro) in the
//! operations module of the generated `Event`, under the gate of its impls, so that it exists
//! exactly when `Event` decodes; the envelope's own methods, which know the API version; and
//! `EventKind`, the event's name and its typed object in one value, each variant under its
//! resource's feature.

use super::{Context, doc_attrs, ident, runtime};
use crate::ir::{Doc, EventTypes, TypeKind};
use proc_macro2::TokenStream;
use quote::quote;

/// The item that gives `Webhook` its `construct_event`, for the event envelope `name` of
/// `module`.
pub(super) fn emit_construct_event(module: &str, name: &str) -> TokenStream {
    let define = runtime::impl_construct_event();
    let module = ident(module);
    let name = ident(name);
    quote! { #define!(#module, #name); }
}

/// In a standalone crate built without `feature`, the gate of the event envelope's decoder:
/// a `Webhook::construct_event` that no call can satisfy, whose error says which feature to
/// turn on, where the compiler would otherwise say only that there is no such function and
/// suggest `construct_event_as`. Its payload must implement a trait that nothing implements,
/// and the trait's `on_unimplemented` message is the compiler's error.
pub(super) fn emit_construct_event_off(feature: &str) -> Option<TokenStream> {
    let message =
        format!("`Webhook::construct_event` needs the Cargo feature `{feature}` of `stripe-sdk`");
    let label =
        format!("this build of `stripe-sdk` has no `{feature}` feature, so it has no `Event` type");
    let note = format!(
        "add `\"{feature}\"` to the features of `stripe-sdk` in Cargo.toml, and the features of the resources whose events you match"
    );
    let method_doc = format!(" Needs the Cargo feature `{feature}`.");
    Some(quote! {
        /// What a payload would need to be passed to `Webhook::construct_event` in a build
        /// without its feature: nothing is, so the call's error names the feature.
        #[cfg(not(feature = #feature))]
        #[doc(hidden)]
        #[diagnostic::on_unimplemented(message = #message, label = #label, note = #note)]
        pub trait EventFeatureIsOff {
            /// No value has this trait, so this is never called; the stub hands over to it so
            /// that its body has no uninhabited expression (which `unreachable_code` warns of).
            fn construct_event(
                self,
                signature_header: &str,
                secret: &str,
            ) -> Result<std::convert::Infallible, crate::WebhookError>;
        }
        #[cfg(not(feature = #feature))]
        impl crate::Webhook {
            #[doc = #method_doc]
            #[doc(hidden)]
            pub fn construct_event<Payload: EventFeatureIsOff>(
                payload: Payload,
                signature_header: &str,
                secret: &str,
            ) -> Result<std::convert::Infallible, crate::WebhookError> {
                payload.construct_event(signature_header, secret)
            }
        }
    })
}

/// The methods of the event envelope `name`, which compare the event's API version with the
/// one the SDK is generated for, `api_version`.
pub(super) fn emit_event_envelope(name: &str, api_version: &str) -> TokenStream {
    let define = runtime::impl_event_envelope();
    let name = ident(name);
    quote! { #define!(#name, #api_version); }
}

impl Context<'_> {
    /// `EventKind` and `Event::kind`: one variant per event name whose object is decided and
    /// generated, holding that object, present when its resource's feature is (so that a
    /// handler compiles only the resources it uses), and `#[non_exhaustive]`, since which
    /// variants exist depends on features that another crate of the build may turn on.
    pub(super) fn emit_event_kind(&self, events: &EventTypes) -> TokenStream {
        let envelope = ident(&self.api.type_def(events.envelope).name);
        let kind = ident(&self.api.type_def(events.kind).name);
        let object = ident(&self.api.type_def(events.object).name);
        // The envelope's `type` and `data.object` fields, by their wire names; lowering checked
        // that they exist when it retyped them.
        let field = |id, wire: &str| match &self.api.type_def(id).kind {
            TypeKind::Struct(body) => body
                .fields
                .iter()
                .find(|field| field.wire_name == wire)
                .map(|field| (ident(&field.rust_name), field.ty.named())),
            _ => None,
        };
        let (Some((type_field, _)), Some((data_field, Some(data)))) = (
            field(events.envelope, "type"),
            field(events.envelope, "data"),
        ) else {
            return TokenStream::new();
        };
        let Some((object_field, _)) = field(data, "object") else {
            return TokenStream::new();
        };
        let gates: Vec<Option<TokenStream>> = events
            .by_name
            .iter()
            .map(|event| {
                let feature = self.features?.variant_gate(self.api, event.object)?;
                Some(quote! { #[cfg(feature = #feature)] })
            })
            .collect();
        let variants = events.by_name.iter().zip(&gates).map(|(event, gate)| {
            let name = ident(&event.rust_name);
            let ty = self.type_path(event.object);
            let doc = format!(
                " `{}`, with the `{}` it happened to.",
                event.name,
                self.api.type_def(event.object).name
            );
            let feature_doc = self
                .features
                .and_then(|features| features.variant_gate(self.api, event.object))
                .map(|feature| {
                    let line = format!(" Needs the Cargo feature `{feature}`.");
                    quote! { #[doc = ""] #[doc = #line] }
                });
            quote! {
                #gate
                #[doc = #doc]
                #feature_doc
                #name(&'a #ty),
            }
        });
        let arms = events.by_name.iter().zip(&gates).map(|(event, gate)| {
            let name = ident(&event.rust_name);
            let variant = ident(&event.object_variant);
            quote! {
                #gate
                (#kind::#name, #object::#variant(value)) => EventKind::#name(value),
            }
        });
        // With no variant, the match would be a single catch-all arm, which clippy refuses.
        let body = if events.by_name.is_empty() {
            quote! { EventKind::Other(self) }
        } else {
            quote! {
                match (&self.#type_field, &self.#data_field.#object_field) {
                    #(#arms)*
                    _ => EventKind::Other(self),
                }
            }
        };
        let mut doc = String::from(
            "What happened, with the object it happened to: the event's `type` and its \
             `data.object` in one value, for a handler to match on.\n\n\
             A variant holds its resource's type, and exists when the resource's Cargo feature \
             is on. An event of another name, of a resource whose feature is off, or whose \
             object did not decode (see [`EventObject::Undecoded`]) takes the catch-all arm; \
             its `type_` and `data` are still on the [`Event`].",
        );
        if !events.undecided.is_empty() {
            doc.push_str(
                "\n\nThese events have no variant, since the API document does not decide the kind \
                 of object they carry: ",
            );
            let listed: Vec<String> = events
                .undecided
                .iter()
                .map(|name| format!("`{name}`"))
                .collect();
            doc.push_str(&listed.join(", "));
            doc.push('.');
        }
        let doc = doc
            .replace(
                "[`EventObject::Undecoded`]",
                &format!("[`{object}::Undecoded`]"),
            )
            .replace("[`Event`]", &format!("[`{envelope}`]"));
        // One attribute per line, so that the list of undecided events reads as `///` lines.
        let doc = doc_attrs(&Doc(Some(doc)));
        quote! {
            #doc
            #[derive(Clone, Copy, Debug)]
            #[non_exhaustive]
            pub enum EventKind<'a> {
                #(#variants)*
                /// An event this SDK has no variant for, as built (see the type's docs): the
                /// event itself, whose `type_` and `data` say what it is.
                Other(&'a #envelope),
            }
            impl #envelope {
                /// The event's name and its typed object in one value: see [`EventKind`].
                pub fn kind(&self) -> EventKind<'_> {
                    #body
                }
            }
        }
    }
}
