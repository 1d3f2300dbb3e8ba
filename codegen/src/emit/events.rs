//! Webhook events: `Webhook::construct_event`, defined (by the runtime's macro) in the
//! operations module of the generated `Event`, under the gate of its impls, so that it exists
//! exactly when `Event` decodes.

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
