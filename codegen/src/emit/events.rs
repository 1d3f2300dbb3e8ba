//! Webhook events: `Webhook::construct_event`, defined beside the generated `Event` (by the
//! runtime's macro) so that it carries the same feature gate as the type it returns.

use super::{ident, runtime};
use crate::ir::{Api, TypeId};
use proc_macro2::TokenStream;
use quote::quote;

/// The item that gives `Webhook` its `construct_event`, when `id` is the event envelope.
pub(super) fn emit_construct_event(api: &Api, id: TypeId) -> Option<TokenStream> {
    let events = api.events?;
    if events.envelope != id {
        return None;
    }
    let envelope = ident(&api.type_def(id).name);
    let define = runtime::impl_construct_event();
    Some(quote! { #define!(#envelope); })
}
