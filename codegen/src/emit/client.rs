//! Client methods: one `async` method per operation on the client, its blocking twin, the
//! request path with its escaped parameters, and the file parts of multipart params.

use super::text::{self, Returns, path_text, string_literal};
use super::{Context, doc_attrs, ident, runtime};
use crate::ir::{
    Doc, HttpMethod, Operation, ParamsLocation, PathSegment, ResponseBody, StructDef, TypeDef,
};
use proc_macro2::{Literal, TokenStream};
use quote::quote;

impl Context<'_> {
    pub(super) fn emit_method(&self, operation: &Operation) -> TokenStream {
        let doc_text = self.method_doc_text(operation);
        let aliases = super::resources::aliases(operation, &operation.method_name);
        if let Some(item) = super::text_item_at(|| self.method_text(operation, &doc_text, &aliases))
        {
            return item;
        }
        let method_name = ident(&operation.method_name);
        let operation_id = &operation.operation_id;
        let doc = doc_attrs(&doc_text);
        let (method_params, _) = self.method_params(operation);
        let path_expr = path_expression(operation);
        let http_method = match operation.http_method {
            HttpMethod::Get => quote! { reqwest::Method::GET },
            HttpMethod::Post => quote! { reqwest::Method::POST },
            HttpMethod::Delete => quote! { reqwest::Method::DELETE },
        };
        let response = self.response_type(&operation.response);
        let api_request = runtime::api_request();
        let mut request = quote! {
            #api_request::new(#operation_id, #http_method, #path_expr)
        };
        let encode = |encoder: TokenStream, builder: TokenStream| {
            quote! { .#builder(#encoder(params)?) }
        };
        let validate = operation.params.map(|params| {
            request.extend(match params.location {
                ParamsLocation::Query => encode(runtime::to_form_string(), quote! { query }),
                ParamsLocation::FormBody => encode(runtime::to_form_string(), quote! { form }),
                ParamsLocation::Multipart => encode(runtime::to_multipart(), quote! { multipart }),
            });
            quote! { params.validate()?; }
        });
        if let Some(server) = &operation.server {
            request.extend(quote! { .server(#server) });
        }
        let execute = match &operation.response {
            ResponseBody::Json(_) => quote! { execute },
            ResponseBody::Binary { .. } => quote! { execute_bytes },
        };
        let error = runtime::error();
        // Checking and encoding happen here, before the future exists, so that the future
        // borrows only the client: a caller may pass temporaries (`&Params::default()`), and
        // the method adds no state machine of its own to the one of `execute`. A failure is
        // the future's output, so nothing is sent and the caller sees it where it awaits.
        let fallible = validate.is_some() || !operation.path_params.is_empty();
        let build = if fallible {
            quote! {
                let request = || -> Result<#api_request, #error> {
                    #validate
                    Ok(#request)
                };
                self.#execute(request())
            }
        } else {
            quote! { self.#execute(Ok(#request)) }
        };
        quote! {
            #doc
            #[doc(alias = #operation_id)]
            #(#[doc(alias = #aliases)])*
            pub fn #method_name<'a>(&'a self, #method_params) -> impl std::future::Future<Output = Result<#response, #error>> + use<'a> {
                #build
            }
        }
    }

    /// The blocking twin of [`Self::emit_method`]: same name, arguments and docs, run to
    /// completion on the blocking client's own runtime.
    pub(super) fn emit_blocking_method(&self, operation: &Operation) -> TokenStream {
        let doc_text = self.method_doc_text(operation);
        if let Some(item) = super::text_item_at(|| self.blocking_method_text(operation, &doc_text))
        {
            return item;
        }
        let method_name = ident(&operation.method_name);
        let operation_id = &operation.operation_id;
        let doc = doc_attrs(&doc_text);
        let (params, args) = self.method_params(operation);
        let response = self.response_type(&operation.response);
        let error = runtime::error();
        quote! {
            #doc
            #[doc(alias = #operation_id)]
            pub fn #method_name(&self, #params) -> Result<#response, #error> {
                self.block_on(self.async_client().#method_name(#args))
            }
        }
    }

    /// [`Self::emit_method`] as text (see [`text`]), for a method that checks its params or
    /// escapes its path before sending (the few that do neither stay tokens).
    fn method_text(
        &self,
        operation: &Operation,
        doc: &Doc,
        aliases: &[String],
    ) -> Option<(String, usize)> {
        if operation.params.is_none() && operation.path_params.is_empty() {
            return None;
        }
        let (params, _) = self.method_params_text(operation);
        let response = self.response_type_text(&operation.response);
        let error = path_text(runtime::error());
        let api_request = path_text(runtime::api_request());
        let output = format!("Result<{response}, {error}>");
        let mut item = method_opening_text(MethodOpening {
            doc,
            aliases: &[std::slice::from_ref(&operation.operation_id), aliases].concat(),
            head: &format!("pub fn {}<'a>", operation.method_name),
            receiver: "&'a self",
            params: &params,
            returns: &Returns::Future(output),
        })?;
        item.line(
            4,
            &[
                "let request = || -> Result<",
                &api_request,
                ", ",
                &error,
                "> {",
            ],
        );
        let mut chain = Vec::new();
        if let Some(params) = operation.params {
            item.line(8, &["params.validate()?;"]);
            let (encoder, builder) = match params.location {
                ParamsLocation::Query => (runtime::to_form_string(), "query"),
                ParamsLocation::FormBody => (runtime::to_form_string(), "form"),
                ParamsLocation::Multipart => (runtime::to_multipart(), "multipart"),
            };
            chain.push(format!(".{builder}({}(params)?)", path_text(encoder)));
        }
        if let Some(server) = &operation.server {
            chain.push(format!(".server({})", string_literal(server)?));
        }
        item.line(8, &["Ok("]);
        item.line(12, &[&api_request, "::new("]);
        // The constructor's arguments go one a line, eight columns further in when a chain of
        // builder calls follows it, as prettyplease indents a receiver that spans lines.
        let arguments = if chain.is_empty() { 16 } else { 20 };
        let operation_id = string_literal(&operation.operation_id)?;
        let http_method = match operation.http_method {
            HttpMethod::Get => "reqwest::Method::GET",
            HttpMethod::Post => "reqwest::Method::POST",
            HttpMethod::Delete => "reqwest::Method::DELETE",
        };
        item.line(arguments, &[&operation_id, ","]);
        item.line(arguments, &[http_method, ","]);
        if operation.path_params.is_empty() {
            let path = string_literal(&operation.path.template)?;
            // A constructor whose arguments would fit on one line is laid out otherwise.
            let one_line = api_request.len()
                + "::new(".len()
                + operation_id.len()
                + http_method.len()
                + path.len()
                + ".to_owned())".len()
                + 4;
            if one_line + 12 + METHOD_COLUMN < text::SURE_BREAK {
                return None;
            }
            item.line(arguments, &[&path, ".to_owned(),"]);
        } else {
            self.path_block_text(&mut item, arguments, operation)?;
        }
        if chain.is_empty() {
            item.line(12, &["),"]);
        } else {
            item.line(16, &[")"]);
            let last = chain.len() - 1;
            for (index, call) in chain.iter().enumerate() {
                item.line(16, &[call, if index == last { "," } else { "" }]);
            }
        }
        item.line(8, &[")"]);
        item.line(4, &["};"]);
        let execute = match &operation.response {
            ResponseBody::Json(_) => "execute",
            ResponseBody::Binary { .. } => "execute_bytes",
        };
        item.line(4, &["self.", execute, "(request())"]);
        item.line(0, &["}"]);
        item.finish_at()
    }

    /// The block that checks and escapes each path parameter and formats the path, as text
    /// at `indent` (see [`path_expression`]).
    fn path_block_text(
        &self,
        item: &mut text::Item,
        indent: usize,
        operation: &Operation,
    ) -> Option<()> {
        let path_segment = path_text(runtime::path_segment());
        item.line(indent, &["{"]);
        for param in &operation.path_params {
            let wire = string_literal(&param.wire_name)?;
            let max_length = match param.max_length {
                Some(max) => format!("Some({max})"),
                None => "None".to_owned(),
            };
            item.call(
                indent + 4,
                &format!("let {} = {path_segment}", param.rust_name),
                &[&wire, &param.rust_name, &max_length],
                "?;",
            );
        }
        let template = string_literal(&path_template(operation))?;
        item.literal_macro_call(indent + 4, "format", &template);
        item.line(indent, &["},"]);
        Some(())
    }

    /// [`Self::emit_blocking_method`] as text (see [`text`]).
    fn blocking_method_text(&self, operation: &Operation, doc: &Doc) -> Option<(String, usize)> {
        let (params, args) = self.method_params_text(operation);
        let response = self.response_type_text(&operation.response);
        let error = path_text(runtime::error());
        let mut item = method_opening_text(MethodOpening {
            doc,
            aliases: std::slice::from_ref(&operation.operation_id),
            head: &format!("pub fn {}", operation.method_name),
            receiver: "&self",
            params: &params,
            returns: &Returns::Type(format!("Result<{response}, {error}>")),
        })?;
        // `self.block_on(self.async_client().method(args))`: on one line when it fits, else
        // the inner call on a line of its own, else that call's chain broken at each dot.
        let call = format!("{}({})", operation.method_name, args.join(", "));
        let inner = format!("self.async_client().{call}");
        match item.fits(4, "self.block_on(".len() + inner.len() + 1) {
            Some(true) => item.line(4, &["self.block_on(", &inner, ")"]),
            Some(false) => {
                item.line(4, &["self.block_on("]);
                match item.fits(8, inner.len() + 1) {
                    Some(true) => item.line(8, &[&inner, ","]),
                    Some(false) => {
                        item.line(8, &["self"]);
                        item.line(12, &[".async_client()"]);
                        item.line(12, &[".", &call, ","]);
                    }
                    None => return None,
                }
                item.line(4, &[")"]);
            }
            None => return None,
        }
        item.line(0, &["}"]);
        item.finish_at()
    }

    /// [`Self::method_params`] as text: the parameters (`customer: &str`) and the arguments.
    pub(super) fn method_params_text(&self, operation: &Operation) -> (Vec<String>, Vec<String>) {
        let mut params = Vec::new();
        let mut args = Vec::new();
        for param in &operation.path_params {
            params.push(format!("{}: &str", param.rust_name));
            args.push(param.rust_name.clone());
        }
        if let Some(operation_params) = &operation.params {
            let params_type = self.type_path_text(operation_params.type_id);
            params.push(format!("params: &{params_type}"));
            args.push("params".to_owned());
        }
        (params, args)
    }

    /// The method's parameters (`customer: &str, params: &Params,`) and the matching arguments.
    pub(super) fn method_params(&self, operation: &Operation) -> (TokenStream, TokenStream) {
        let mut params = TokenStream::new();
        let mut args = TokenStream::new();
        for param in &operation.path_params {
            let name = ident(&param.rust_name);
            params.extend(quote! { #name: &str, });
            args.extend(quote! { #name, });
        }
        if let Some(operation_params) = &operation.params {
            let params_type = self.type_path(operation_params.type_id);
            params.extend(quote! { params: &#params_type, });
            args.extend(quote! { params });
        }
        (params, args)
    }

    /// [`Self::response_type`] as text.
    fn response_type_text(&self, response: &ResponseBody) -> String {
        match response {
            ResponseBody::Json(ty) => self.rust_type_text(ty),
            ResponseBody::Binary { .. } => "Vec<u8>".to_owned(),
        }
    }

    /// What a method returns on success: the decoded type, or the bytes of a document.
    pub(super) fn response_type(&self, response: &ResponseBody) -> TokenStream {
        match response {
            ResponseBody::Json(ty) => self.rust_type(ty),
            ResponseBody::Binary { .. } => quote! { Vec<u8> },
        }
    }
}

impl Context<'_> {
    /// The operation's docs, ending with its method and path, its resource-style method, and
    /// (with features) the Cargo feature that enables it.
    fn method_doc_text(&self, operation: &Operation) -> Doc {
        let mut text = operation.doc.0.clone().unwrap_or_default();
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        text.push_str(&format!(
            "`{} {}`; also `{}`.",
            operation.http_method.as_str(),
            operation.path.template,
            operation.resource_method.call(),
        ));
        if let Some(feature) = self.operation_feature(operation) {
            text.push_str(&format!("\n\nNeeds the Cargo feature `{feature}`."));
        }
        Doc(Some(text))
    }

    /// The Cargo feature of an operation, in a standalone crate with features.
    fn operation_feature(&self, operation: &Operation) -> Option<&String> {
        let index = self
            .api
            .operations
            .iter()
            .position(|other| std::ptr::eq(other, operation))?;
        self.features?.operation_gates.get(index)
    }
}

/// The request path: a literal, or a `format!` that checks and percent-escapes each path
/// parameter.
fn path_expression(operation: &Operation) -> TokenStream {
    if operation.path_params.is_empty() {
        let path = &operation.path.template;
        return quote! { #path.to_owned() };
    }
    let template = path_template(operation);
    let path_segment = runtime::path_segment();
    let bindings = operation.path_params.iter().map(|param| {
        let name = ident(&param.rust_name);
        let wire = &param.wire_name;
        let max_length = match param.max_length {
            Some(max) => {
                let max = Literal::usize_unsuffixed(max);
                quote! { Some(#max) }
            }
            None => quote! { None },
        };
        quote! { let #name = #path_segment(#wire, #name, #max_length)?; }
    });
    quote! { { #(#bindings)* format!(#template) } }
}

/// The `format!` template of a path with parameters: `/v1/customers/{customer}`.
fn path_template(operation: &Operation) -> String {
    let mut template = String::new();
    for segment in &operation.path.segments {
        match segment {
            PathSegment::Literal(text) => {
                template.push_str(&text.replace('{', "{{").replace('}', "}}"));
            }
            PathSegment::Param(index) => {
                template.push('{');
                template.push_str(&operation.path_params[*index].rust_name);
                template.push('}');
            }
        }
    }
    template
}

/// What opens a client method written as text: see [`method_opening_text`].
pub(super) struct MethodOpening<'m> {
    pub(super) doc: &'m Doc,
    /// The doc aliases, the operationId first.
    pub(super) aliases: &'m [String],
    /// `pub fn name`, with its generics.
    pub(super) head: &'m str,
    /// `&self` or `&'a self`.
    pub(super) receiver: &'m str,
    pub(super) params: &'m [String],
    pub(super) returns: &'m Returns,
}

/// A client method's docs, doc aliases and signature as text, at [`METHOD_COLUMN`]; `None`
/// for an alias that is not a plain string literal.
pub(super) fn method_opening_text(opening: MethodOpening<'_>) -> Option<text::Item> {
    let mut item = text::Item::at(METHOD_COLUMN);
    item.docs(0, opening.doc);
    for alias in opening.aliases {
        let alias = string_literal(alias)?;
        item.attribute(0, "doc", &[&format!("alias = {alias}")]);
    }
    let parameters: Vec<&str> = std::iter::once(opening.receiver)
        .chain(opening.params.iter().map(String::as_str))
        .collect();
    item.signature(0, opening.head, &parameters, opening.returns);
    Some(item)
}

/// The column the client's methods are printed at, in their `impl` blocks.
pub(super) const METHOD_COLUMN: usize = 4;

/// For multipart params, the file parts that `crate::multipart` adds beside the other fields
/// (none when the spec declares no binary field).
pub(super) fn emit_multipart_files(
    path: &TokenStream,
    def: &TypeDef,
    body: &StructDef,
) -> TokenStream {
    let file_field = runtime::file_field();
    let additions = def.facts.file_fields.iter().map(|index| {
        let field = &body.fields[*index];
        let field_ident = ident(&field.rust_name);
        let wire = &field.wire_name;
        quote! { #file_field::add_parts(&self.#field_ident, #wire, &mut files); }
    });
    let body = if def.facts.file_fields.is_empty() {
        quote! { Vec::new() }
    } else {
        quote! {
            let mut files = Vec::new();
            #(#additions)*
            files
        }
    };
    let multipart_params = runtime::multipart_params();
    let file_upload = runtime::file_upload();
    quote! {
        impl #multipart_params for #path {
            fn files(&self) -> Vec<(String, &#file_upload)> {
                #body
            }
        }
    }
}
