//! Client methods: one `async` method per operation on the client, its blocking twin, the
//! request path with its escaped parameters, and the file parts of multipart params.

use super::{Context, doc_attrs, ident, runtime};
use crate::ir::{
    Doc, HttpMethod, Operation, ParamsLocation, PathSegment, ResponseBody, StructDef, TypeDef,
};
use proc_macro2::{Literal, TokenStream};
use quote::quote;

impl Context<'_> {
    pub(super) fn emit_method(&self, operation: &Operation) -> TokenStream {
        let method_name = ident(&operation.method_name);
        let operation_id = &operation.operation_id;
        let doc = self.method_doc(operation);
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
        let aliases = super::resources::aliases(operation, &operation.method_name);
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
        let method_name = ident(&operation.method_name);
        let operation_id = &operation.operation_id;
        let doc = self.method_doc(operation);
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
    fn method_doc(&self, operation: &Operation) -> TokenStream {
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
        doc_attrs(&Doc(Some(text)))
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
