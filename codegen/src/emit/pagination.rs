//! Pagination: the params' cursor setter, `<method>_stream` on the async client, and
//! `<method>_iter` on the blocking one.

use super::{Context, ident, runtime};
use crate::ir::{Operation, Pagination, ResponseBody, TypeRef};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

impl Context<'_> {
    /// For a paginated operation, its params' cursor setter; `params` names the params type
    /// where the impl goes.
    pub(super) fn emit_cursor_impl(
        &self,
        params: &TokenStream,
        operation: &Operation,
    ) -> Option<TokenStream> {
        Some(match operation.pagination? {
            Pagination::List => {
                let list_params = runtime::list_params();
                quote! {
                    impl #list_params for #params {
                        fn set_starting_after(&mut self, id: String) {
                            self.starting_after = Some(id);
                        }
                    }
                }
            }
            Pagination::Search => {
                let search_params = runtime::search_params();
                quote! {
                    impl #search_params for #params {
                        fn set_page(&mut self, page: String) {
                            self.page = Some(page);
                        }
                    }
                }
            }
        })
    }

    /// `<method>_stream`: every object of every page, fetched as the stream is read; and its
    /// blocking twin `<method>_iter`, an iterator over the same stream.
    pub(super) fn emit_stream_methods(
        &self,
        operation: &Operation,
    ) -> Option<(TokenStream, TokenStream)> {
        let pagination = operation.pagination.filter(|_| operation.facts.streams)?;
        let ResponseBody::Json(TypeRef::List(item) | TypeRef::SearchResult(item)) =
            &operation.response
        else {
            return None;
        };
        let item = self.rust_type(item);
        let method_name = ident(&operation.method_name);
        let stream_name = format_ident!("{}_stream", operation.method_name);
        let operation_id = &operation.operation_id;
        let iter_name = format_ident!("{}_iter", operation.method_name);
        let (params, pass_on) = self.method_params(operation);
        let owned = operation.path_params.iter().map(|param| {
            let name = ident(&param.rust_name);
            quote! { let #name = #name.to_owned(); }
        });
        let cloned = operation.path_params.iter().map(|param| {
            let name = ident(&param.rust_name);
            quote! { let #name = #name.clone(); }
        });
        let args = operation.path_params.iter().map(|param| {
            let name = ident(&param.rust_name);
            quote! { &#name, }
        });
        let stream = match pagination {
            Pagination::List => runtime::list_stream(),
            Pagination::Search => runtime::search_stream(),
        };
        let doc = format!(
            " Every object [`{}`](Self::{}) returns, following the pages as the stream is read.",
            operation.method_name, operation.method_name
        );
        let iter_doc = format!(
            " Every object [`{}`](Self::{}) returns, fetching the next page when the iterator reaches it.",
            operation.method_name, operation.method_name
        );
        let stream_doc = " `.next().await` gives one object at a time and `.collect_all().await` all of \
             them; see [`ListStream`](crate::pagination::ListStream).";
        let list_stream_type = runtime::list_stream_type();
        let blocking_iter = runtime::blocking_iter();
        // The stream owns a handle to the client and copies of the arguments, so that it is
        // `'static` (it can be stored or moved into a task). Each page is requested through a
        // boxed future: the stream's type, and its code, are then the same for every
        // operation that lists the same objects.
        let stream_method = quote! {
            #[doc = #doc]
            #[doc = ""]
            #[doc = #stream_doc]
            #[doc(alias = #operation_id)]
            pub fn #stream_name(&self, #params) -> #list_stream_type<#item> {
                let client = self.clone();
                #(#owned)*
                #stream(params.clone(), move |params| {
                    let client = client.clone();
                    #(#cloned)*
                    Box::pin(async move { client.#method_name(#(#args)* &params).await })
                })
            }
        };
        let iter_method = quote! {
            #[doc = #iter_doc]
            #[doc(alias = #operation_id)]
            pub fn #iter_name(&self, #params) -> #blocking_iter<'_, #item> {
                #blocking_iter::new(self, self.async_client().#stream_name(#pass_on))
            }
        };
        Some((stream_method, iter_method))
    }
}
