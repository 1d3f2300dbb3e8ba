//! Resource-style methods: `client.customers().retrieve(id, &params)`, one handle per
//! collection or namespace of the API's paths, each method handing over to the operation's
//! own method (`get_customers_customer`), for the async client and the blocking one.
//!
//! The handles are plain borrows of the client, and a method returns the operation method's
//! own future rather than an `async` block of its own: the handles add no state machine and
//! next to no code per operation.

use super::{Context, cfg_any, ident, runtime};
use crate::features::FeatureMap;
use crate::ir::{Api, Operation};
use crate::naming::pascal_case;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::collections::{BTreeMap, BTreeSet};

/// The file's module name in the client folder.
pub(super) const RESOURCES_MODULE: &str = "resources";

/// One handle: its methods (by operation index) and the handles below it.
#[derive(Default)]
struct Handle {
    operations: Vec<usize>,
    children: BTreeSet<String>,
}

/// Every handle by its chain of names, the root (the client itself) being the empty chain.
fn handles(api: &Api) -> BTreeMap<Vec<String>, Handle> {
    let mut handles: BTreeMap<Vec<String>, Handle> = BTreeMap::new();
    handles.entry(Vec::new()).or_default();
    for (index, operation) in api.operations.iter().enumerate() {
        let chain = &operation.resource_method.handle;
        for depth in 0..chain.len() {
            handles
                .entry(chain[..depth].to_vec())
                .or_default()
                .children
                .insert(chain[depth].clone());
            handles.entry(chain[..=depth].to_vec()).or_default();
        }
        handles
            .entry(chain.clone())
            .or_default()
            .operations
            .push(index);
    }
    // In method name order, so that the document's and the selection's order change nothing.
    for handle in handles.values_mut() {
        handle.operations.sort_by(|a, b| {
            api.operations[*a]
                .resource_method
                .cmp(&api.operations[*b].resource_method)
        });
    }
    handles
}

/// The struct of a handle: its chain in upper camel case (`TerminalReaders`).
fn struct_name(chain: &[String]) -> proc_macro2::Ident {
    format_ident!("{}", pascal_case(&chain.join("_")))
}

/// The features any of which turns on an operation at or below `chain`.
fn subtree_gates(api: &Api, features: &FeatureMap, chain: &[String]) -> Vec<String> {
    let gates: BTreeSet<&String> = api
        .operations
        .iter()
        .enumerate()
        .filter(|(_, operation)| operation.resource_method.handle.starts_with(chain))
        .filter_map(|(index, _)| features.operation_gates.get(index))
        .collect();
    gates.into_iter().cloned().collect()
}

/// The module of handles: the async client's, and the blocking client's under `blocking`.
pub(super) fn emit_resources_module(api: &Api, features: Option<&FeatureMap>) -> TokenStream {
    let handles = handles(api);
    let doc = module_doc(api, features);
    let doc = doc.lines().map(|line| format!(" {}", line.trim_start()));
    let asynchronous = emit_handles(api, features, &handles, Flavour::Async);
    let blocking = emit_handles(api, features, &handles, Flavour::Blocking);
    quote! {
        #(#![doc = #doc])*
        #asynchronous
        /// The same handles for the blocking client (`stripe_sdk::blocking::Client`).
        #[cfg(feature = "blocking")]
        pub mod blocking {
            #blocking
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Flavour {
    Async,
    Blocking,
}

fn emit_handles(
    api: &Api,
    features: Option<&FeatureMap>,
    handles: &BTreeMap<Vec<String>, Handle>,
    flavour: Flavour,
) -> TokenStream {
    let client = match flavour {
        Flavour::Async => runtime::client(),
        Flavour::Blocking => runtime::blocking_client(),
    };
    let context = Context::new(api, "", features, super::Paths::Absolute);
    let mut items = TokenStream::new();
    for (chain, handle) in handles {
        let gate_of = |chain: &[String]| {
            features.map(|features| cfg_any(&subtree_gates(api, features, chain)))
        };
        let accessors = handle.children.iter().map(|child| {
            let mut child_chain = chain.clone();
            child_chain.push(child.clone());
            let gate = gate_of(&child_chain);
            let name = ident(child);
            let ty = struct_name(&child_chain);
            let path = format!("/{}", child_chain.join("/"));
            let doc = format!(" The `{path}` operations.");
            if chain.is_empty() {
                quote! {
                    #gate
                    #[doc = #doc]
                    pub fn #name(&self) -> #ty<'_> {
                        #ty { client: self }
                    }
                }
            } else {
                quote! {
                    #gate
                    #[doc = #doc]
                    pub fn #name(self) -> #ty<'a> {
                        #ty { client: self.client }
                    }
                }
            }
        });
        let methods = handle.operations.iter().flat_map(|index| {
            let operation = &api.operations[*index];
            [
                Some(emit_handle_method(&context, *index, operation, flavour)),
                emit_handle_stream(&context, *index, operation, flavour),
            ]
            .into_iter()
            .flatten()
        });
        let methods: Vec<TokenStream> = accessors.chain(methods).collect();
        if chain.is_empty() {
            items.extend(quote! {
                impl #client {
                    #(#methods)*
                }
            });
            continue;
        }
        let gate = gate_of(chain);
        let ty = struct_name(chain);
        let doc = format!(
            " `{}`: the operations on `/v1/{}` and below.",
            chain
                .iter()
                .map(|name| format!("{name}()"))
                .collect::<Vec<_>>()
                .join("."),
            chain.join("/")
        );
        items.extend(quote! {
            #gate
            #[doc = #doc]
            #[derive(Clone, Copy, Debug)]
            pub struct #ty<'a> {
                client: &'a #client,
            }
            #gate
            impl<'a> #ty<'a> {
                #(#methods)*
            }
        });
    }
    items
}

/// One method of a handle, handing over to the operation's own method.
fn emit_handle_method(
    context: &Context<'_>,
    index: usize,
    operation: &Operation,
    flavour: Flavour,
) -> TokenStream {
    let name = ident(&operation.resource_method.method);
    let target = ident(&operation.method_name);
    let (params, args) = context.method_params(operation);
    let response = context.response_type(&operation.response);
    let error = runtime::error();
    let gate = context
        .features
        .and_then(|features| features.operation_gates.get(index))
        .map(|feature| quote! { #[cfg(feature = #feature)] });
    let operation_id = &operation.operation_id;
    let summary = operation
        .doc
        .0
        .as_deref()
        .and_then(|doc| doc.split("\n\n").next())
        .unwrap_or_default();
    let mut doc = format!(
        "{summary}\n\n`{} {}`; the same as [`{}`]({}::{}).",
        operation.http_method.as_str(),
        operation.path.template,
        operation.method_name,
        match flavour {
            Flavour::Async => "crate::Client",
            Flavour::Blocking => "crate::blocking::Client",
        },
        operation.method_name,
    );
    if let Some(feature) = context
        .features
        .and_then(|features| features.operation_gates.get(index))
    {
        doc.push_str(&format!("\n\nNeeds the Cargo feature `{feature}`."));
    }
    let docs = super::doc_attrs(&crate::ir::Doc(Some(doc.trim_start().to_owned())));
    let aliases = aliases(operation, &operation.resource_method.method);
    let (params, args) = (params, args);
    match flavour {
        Flavour::Async => quote! {
            #gate
            #docs
            #(#[doc(alias = #aliases)])*
            #[doc(alias = #operation_id)]
            pub fn #name(self, #params) -> impl std::future::Future<Output = Result<#response, #error>> {
                self.client.#target(#args)
            }
        },
        Flavour::Blocking => quote! {
            #gate
            #docs
            #(#[doc(alias = #aliases)])*
            #[doc(alias = #operation_id)]
            pub fn #name(self, #params) -> Result<#response, #error> {
                self.client.#target(#args)
            }
        },
    }
}

/// For a paginated operation, `<method>_stream` (every object, following the pages) on an
/// async handle and `<method>_iter` on a blocking one, handing over to the client's own.
fn emit_handle_stream(
    context: &Context<'_>,
    index: usize,
    operation: &Operation,
    flavour: Flavour,
) -> Option<TokenStream> {
    if !operation.facts.streams {
        return None;
    }
    let crate::ir::ResponseBody::Json(
        crate::ir::TypeRef::List(item) | crate::ir::TypeRef::SearchResult(item),
    ) = &operation.response
    else {
        return None;
    };
    let item = context.rust_type(item);
    let (params, args) = context.method_params(operation);
    let gate = context
        .features
        .and_then(|features| features.operation_gates.get(index))
        .map(|feature| quote! { #[cfg(feature = #feature)] });
    let method = &operation.resource_method.method;
    let (suffix, returns) = match flavour {
        Flavour::Async => {
            let stream = runtime::list_stream_type();
            ("stream", quote! { #stream<#item> })
        }
        Flavour::Blocking => {
            let iter = runtime::blocking_iter();
            ("iter", quote! { #iter<'a, #item> })
        }
    };
    let name = format_ident!("{method}_{suffix}");
    let target = format_ident!("{}_{suffix}", operation.method_name);
    let doc = format!(
        " Every object [`{method}`](Self::{method}) returns, following the pages; the same as \
         `{}_{suffix}` on the client.",
        operation.method_name
    );
    let operation_id = &operation.operation_id;
    Some(quote! {
        #gate
        #[doc = #doc]
        #[doc(alias = #operation_id)]
        pub fn #name(self, #params) -> #returns {
            self.client.#target(#args)
        }
    })
}

/// The doc aliases of an operation's method called `method`, besides its operationId: the
/// verb its description starts with, and the operationId method's name, where they differ.
pub(super) fn aliases(operation: &Operation, method: &str) -> Vec<String> {
    let mut aliases = Vec::new();
    if let Some(verb) = operation.verb.as_ref().filter(|verb| *verb != method) {
        aliases.push(verb.clone());
    }
    if operation.method_name != method {
        aliases.push(operation.method_name.clone());
    }
    aliases
}

/// The module's docs: what a handle is, and the table of resources, features and methods.
fn module_doc(api: &Api, features: Option<&FeatureMap>) -> String {
    let mut doc = String::from(
        " Resource-style methods, as Stripe's own SDKs name them: `client.customers().create(&params)`,\n \
         `client.payment_intents().confirm(id, &params)`, `client.terminal().readers().retrieve(id, &params)`.\n\n \
         Each hands over to the operation's own method on the client (named after its operationId),\n \
         which stays. A collection's handle has `list` and `create`, its objects `retrieve`, `update`\n \
         and `delete`, and each action its own name.\n\n",
    );
    doc.push_str(" | resource | feature | method | operation |\n |---|---|---|---|\n");
    let mut rows: Vec<(String, String, String, String)> = api
        .operations
        .iter()
        .enumerate()
        .map(|(index, operation)| {
            let feature = features
                .and_then(|features| features.operation_gates.get(index))
                .map_or_else(|| "(none)".to_owned(), |feature| format!("`{feature}`"));
            let call = format!("`{}`", operation.resource_method.call());
            (
                operation.module.clone(),
                feature,
                call,
                format!("`{}`", operation.operation_id),
            )
        })
        .collect();
    rows.sort();
    for (resource, feature, call, operation_id) in rows {
        doc.push_str(&format!(
            " | {resource} | {feature} | {call} | {operation_id} |\n"
        ));
    }
    doc
}
