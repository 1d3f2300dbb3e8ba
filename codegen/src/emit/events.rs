//! Webhook events: `Webhook::construct_event`, defined (by the runtime's macro) in the
//! operations module of the generated `Event`, under the gate of its impls, so that it exists
//! exactly when `Event` decodes; and the envelope's own methods, which know the API version.

use super::{ident, runtime};
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

/// The methods of the event envelope `name`, which compare the event's API version with the
/// one the SDK is generated for, `api_version`.
pub(super) fn emit_event_envelope(name: &str, api_version: &str) -> TokenStream {
    let define = runtime::impl_event_envelope();
    let name = ident(name);
    quote! { #define!(#name, #api_version); }
}
