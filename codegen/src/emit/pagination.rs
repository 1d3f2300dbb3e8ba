//! Pagination: the params' cursor setter, `<method>_stream` on the async client, and
//! `<method>_iter` on the blocking one.

use super::client::{MethodOpening, method_opening_text};
use super::text::{Returns, path_text};
use super::{Context, ident, runtime};
use crate::ir::{Doc, Operation, Pagination, ResponseBody, TypeRef};
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
        let (stream_text, iter_text) = match (
            super::text_item_at(|| self.stream_method_text(operation, pagination)),
            super::text_item_at(|| self.iter_method_text(operation)),
        ) {
            (Some(stream_text), Some(iter_text)) => return Some((stream_text, iter_text)),
            either => either,
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
        let doc = format!(" {}", stream_doc_first(operation));
        let iter_doc = format!(" {}", iter_doc(operation));
        let stream_doc = format!(" {STREAM_DOC_SECOND}");
        let list_stream_type = runtime::list_stream_type();
        let blocking_iter = runtime::blocking_iter();
        // The stream owns a handle to the client and copies of the arguments, so that it is
        // `'static` (it can be stored or moved into a task). Each page is requested through a
        // boxed future: the stream's type, and its code, are then the same for every
        // operation that lists the same objects.
        let stream_method = stream_text.unwrap_or_else(|| {
            quote! {
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
            }
        });
        let iter_method = iter_text.unwrap_or_else(|| {
            quote! {
                #[doc = #iter_doc]
                #[doc(alias = #operation_id)]
                pub fn #iter_name(&self, #params) -> #blocking_iter<'_, #item> {
                    #blocking_iter::new(self, self.async_client().#stream_name(#pass_on))
                }
            }
        });
        Some((stream_method, iter_method))
    }

    /// The `<method>_stream` method as text (see [`text`]).
    fn stream_method_text(
        &self,
        operation: &Operation,
        pagination: Pagination,
    ) -> Option<(String, usize)> {
        let item_type = self.streamed_item_text(operation)?;
        let (params, args) = self.method_params_text(operation);
        let stream = path_text(match pagination {
            Pagination::List => runtime::list_stream(),
            Pagination::Search => runtime::search_stream(),
        });
        let doc = format!("{}\n\n{STREAM_DOC_SECOND}", stream_doc_first(operation));
        let returns = format!("{}<{item_type}>", path_text(runtime::list_stream_type()));
        let mut item = method_opening_text(MethodOpening {
            doc: &Doc(Some(doc)),
            aliases: std::slice::from_ref(&operation.operation_id),
            head: &format!("pub fn {}_stream", operation.method_name),
            receiver: "&self",
            params: &params,
            returns: &Returns::Type(returns),
        })?;
        item.line(4, &["let client = self.clone();"]);
        for param in &operation.path_params {
            let name = &param.rust_name;
            item.line(4, &["let ", name, " = ", name, ".to_owned();"]);
        }
        // prettyplease always breaks a call whose last argument is a closure with a block:
        // each argument on a line of its own.
        item.line(4, &[&stream, "("]);
        item.line(8, &["params.clone(),"]);
        item.line(8, &["move |params| {"]);
        item.line(12, &["let client = client.clone();"]);
        for param in &operation.path_params {
            let name = &param.rust_name;
            item.line(12, &["let ", name, " = ", name, ".clone();"]);
        }
        // The path parameters are owned copies here, borrowed for the call. The future is
        // one line when it fits; otherwise its block opens a line of its own, with the
        // awaited call on one line, or broken at each dot when that does not fit either.
        let arguments: Vec<String> = args.iter().map(|arg| format!("&{arg}")).collect();
        let call = format!("{}({})", operation.method_name, arguments.join(", "));
        let future = format!("client.{call}.await");
        match item.fits(
            12,
            "Box::pin(async move { ".len() + future.len() + " })".len(),
        ) {
            Some(true) => item.line(12, &["Box::pin(async move { ", &future, " })"]),
            Some(false) => {
                item.line(12, &["Box::pin(async move {"]);
                match item.fits(16, future.len()) {
                    Some(true) => item.line(16, &[&future]),
                    Some(false) => {
                        item.line(16, &["client"]);
                        item.line(20, &[".", &call]);
                        item.line(20, &[".await"]);
                    }
                    None => return None,
                }
                item.line(12, &["})"]);
            }
            None => return None,
        }
        item.line(8, &["},"]);
        item.line(4, &[")"]);
        item.line(0, &["}"]);
        item.finish_at()
    }

    /// The `<method>_iter` method of the blocking client as text (see [`text`]).
    fn iter_method_text(&self, operation: &Operation) -> Option<(String, usize)> {
        let item_type = self.streamed_item_text(operation)?;
        let (params, args) = self.method_params_text(operation);
        let blocking_iter = path_text(runtime::blocking_iter());
        let mut item = method_opening_text(MethodOpening {
            doc: &Doc(Some(iter_doc(operation))),
            aliases: std::slice::from_ref(&operation.operation_id),
            head: &format!("pub fn {}_iter", operation.method_name),
            receiver: "&self",
            params: &params,
            returns: &Returns::Type(format!("{blocking_iter}<'_, {item_type}>")),
        })?;
        let stream_call = format!(
            "self.async_client().{}_stream({})",
            operation.method_name,
            args.join(", ")
        );
        item.call(
            4,
            &format!("{blocking_iter}::new"),
            &["self", &stream_call],
            "",
        );
        item.line(0, &["}"]);
        item.finish_at()
    }

    /// The type of the objects a paginated operation's stream yields, as text.
    fn streamed_item_text(&self, operation: &Operation) -> Option<String> {
        let ResponseBody::Json(TypeRef::List(item) | TypeRef::SearchResult(item)) =
            &operation.response
        else {
            return None;
        };
        Some(self.rust_type_text(item))
    }
}

/// The first paragraph of `<method>_stream`'s doc.
fn stream_doc_first(operation: &Operation) -> String {
    format!(
        "Every object [`{}`](Self::{}) returns, following the pages as the stream is read.",
        operation.method_name, operation.method_name
    )
}

/// The second paragraph of `<method>_stream`'s doc.
const STREAM_DOC_SECOND: &str = "`.next().await` gives one object at a time and \
    `.collect_all().await` all of them; see [`ListStream`](crate::pagination::ListStream).";

/// `<method>_iter`'s doc.
fn iter_doc(operation: &Operation) -> String {
    format!(
        "Every object [`{}`](Self::{}) returns, fetching the next page when the iterator \
         reaches it.",
        operation.method_name, operation.method_name
    )
}
