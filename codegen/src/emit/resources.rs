//! Resource-style methods: `client.customers().retrieve(id)`, one handle per collection or
//! namespace of the API's paths, each method handing over to the operation's own method
//! (`get_customers_customer`), for the async client and the blocking one.
//!
//! A handle lives with its resource: the struct, its accessor and its methods are in the
//! resource's module (`stripe_sdk::customer::resources::Customers`), so that rustdoc and grep
//! land in one file per resource. Only namespaces (`client.terminal()`), which hold no
//! operation of their own, live in the root `resources` module, which also re-exports every
//! handle and lists every call. With features, an accessor whose feature is off is a stub that
//! the compiler refuses with a message naming the feature to enable.
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

/// The file's module name in the client folder, and the name of the inline module of handles
/// in each resource's module.
pub(super) const RESOURCES_MODULE: &str = "resources";

/// One handle: its methods (by operation index), the handles below it, and the module it
/// lives in (`None` for a namespace, which has no operation of its own).
#[derive(Default)]
struct Handle {
    operations: Vec<usize>,
    children: BTreeSet<String>,
    home: Option<String>,
}

/// Every handle by its chain of names, the root (the client itself) being the empty chain.
pub(super) struct Handles {
    by_chain: BTreeMap<Vec<String>, Handle>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Flavour {
    Async,
    Blocking,
}

impl Flavour {
    fn client(self) -> TokenStream {
        match self {
            Flavour::Async => runtime::client(),
            Flavour::Blocking => runtime::blocking_client(),
        }
    }
}

impl Handles {
    pub(super) fn new(api: &Api) -> Handles {
        let mut by_chain: BTreeMap<Vec<String>, Handle> = BTreeMap::new();
        by_chain.entry(Vec::new()).or_default();
        for (index, operation) in api.operations.iter().enumerate() {
            let chain = &operation.resource_method.handle;
            for depth in 0..chain.len() {
                by_chain
                    .entry(chain[..depth].to_vec())
                    .or_default()
                    .children
                    .insert(chain[depth].clone());
                by_chain.entry(chain[..=depth].to_vec()).or_default();
            }
            by_chain
                .entry(chain.clone())
                .or_default()
                .operations
                .push(index);
        }
        // In method name order, so that the document's and the selection's order change
        // nothing; a handle lives in the module of its first operation in that order.
        for (chain, handle) in &mut by_chain {
            handle.operations.sort_by(|a, b| {
                api.operations[*a]
                    .resource_method
                    .cmp(&api.operations[*b].resource_method)
            });
            if !chain.is_empty() {
                handle.home = handle
                    .operations
                    .first()
                    .map(|index| api.operations[*index].module.clone());
            }
        }
        Handles { by_chain }
    }

    /// The path to a handle's struct from anywhere in the client crate.
    fn path(&self, chain: &[String], flavour: Flavour) -> TokenStream {
        let name = struct_name(chain);
        let module = ident(RESOURCES_MODULE);
        let within = match flavour {
            Flavour::Async => quote! { #module::#name },
            Flavour::Blocking => quote! { #module::blocking::#name },
        };
        match self
            .by_chain
            .get(chain)
            .and_then(|handle| handle.home.as_deref())
        {
            Some(home) => {
                let home = ident(home);
                quote! { crate::#home::#within }
            }
            None => quote! { crate::#within },
        }
    }

    /// The features any of which turns on a handle that lives in `module` (its own and its
    /// descendants' operations): the module must be compiled under each of them.
    pub(super) fn module_gates(
        &self,
        api: &Api,
        features: &FeatureMap,
        module: &str,
    ) -> Vec<String> {
        let mut gates = BTreeSet::new();
        for (chain, handle) in &self.by_chain {
            if handle.home.as_deref() == Some(module) {
                gates.extend(subtree_gates(api, features, chain));
            }
        }
        gates.into_iter().collect()
    }
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

/// The root module of handles: the call table, the namespaces, a re-export of every handle
/// and, with features, the stubs of accessors whose feature is off.
pub(super) fn emit_resources_module(
    api: &Api,
    features: Option<&FeatureMap>,
    handles: &Handles,
) -> TokenStream {
    let doc = module_doc(api, features);
    let doc = doc.lines().map(|line| format!(" {}", line.trim_start()));
    let asynchronous = emit_root_handles(api, features, handles, Flavour::Async);
    let blocking = emit_root_handles(api, features, handles, Flavour::Blocking);
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

/// The inline `resources` module of a resource's module: the handles that live there, the
/// accessors that lead to them, and the methods of the module's operations, for both clients.
/// `None` when the module has no operation.
pub(super) fn emit_module_handles(
    api: &Api,
    features: Option<&FeatureMap>,
    handles: &Handles,
    module: &str,
) -> Option<TokenStream> {
    if !api
        .operations
        .iter()
        .any(|operation| operation.module == module)
    {
        return None;
    }
    let asynchronous = emit_homed(api, features, handles, module, Flavour::Async);
    let blocking = emit_homed(api, features, handles, module, Flavour::Blocking);
    let name = ident(RESOURCES_MODULE);
    let doc = format!(
        " The resource-style handles and methods of the `{module}` resource \
         ([`crate::resources`] lists every call)."
    );
    Some(quote! {
        #[doc = #doc]
        pub mod #name {
            #asynchronous
            /// The same handles for the blocking client (`stripe_sdk::blocking::Client`).
            #[cfg(feature = "blocking")]
            pub mod blocking {
                #blocking
            }
        }
    })
}

/// A handle's struct, behind the gate of its subtree.
fn handle_struct(chain: &[String], gate: Option<&TokenStream>, flavour: Flavour) -> TokenStream {
    let client = flavour.client();
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
    quote! {
        #gate
        #[doc = #doc]
        #[derive(Clone, Copy, Debug)]
        pub struct #ty<'a> {
            pub(crate) client: &'a #client,
        }
    }
}

/// The accessor that leads from `chain`'s parent to it (`client.customers()`,
/// `terminal().readers()`), in the module where `chain`'s struct lives.
fn accessor(
    handles: &Handles,
    chain: &[String],
    gate: Option<&TokenStream>,
    flavour: Flavour,
) -> TokenStream {
    let (parent, child) = chain.split_at(chain.len() - 1);
    let name = ident(&child[0]);
    let ty = handles.path(chain, flavour);
    let doc = format!(" The `/{}` operations.", chain.join("/"));
    if parent.is_empty() {
        let client = flavour.client();
        quote! {
            impl #client {
                #gate
                #[doc = #doc]
                pub fn #name(&self) -> #ty<'_> {
                    #ty { client: self }
                }
            }
        }
    } else {
        let parent = handles.path(parent, flavour);
        // The parent's path does not resolve where it is configured out, so the whole block
        // is gated (the parent exists wherever the child does).
        quote! {
            #gate
            impl<'a> #parent<'a> {
                #[doc = #doc]
                pub fn #name(self) -> #ty<'a> {
                    #ty { client: self.client }
                }
            }
        }
    }
}

/// The root module's part for one client: namespaces, their accessors, and re-exports.
fn emit_root_handles(
    api: &Api,
    features: Option<&FeatureMap>,
    handles: &Handles,
    flavour: Flavour,
) -> TokenStream {
    let gate_of =
        |chain: &[String]| features.map(|features| cfg_any(&subtree_gates(api, features, chain)));
    let mut items = TokenStream::new();
    for (chain, handle) in &handles.by_chain {
        if chain.is_empty() {
            continue;
        }
        let gate = gate_of(chain);
        match &handle.home {
            None => {
                items.extend(handle_struct(chain, gate.as_ref(), flavour));
                items.extend(accessor(handles, chain, gate.as_ref(), flavour));
            }
            Some(_) => {
                let path = handles.path(chain, flavour);
                items.extend(quote! {
                    #gate
                    pub use #path;
                });
            }
        }
    }
    items
}

/// A resource module's part for one client: the handles that live there with their
/// accessors, and the methods of the module's operations on whichever handle they are.
fn emit_homed(
    api: &Api,
    features: Option<&FeatureMap>,
    handles: &Handles,
    module: &str,
    flavour: Flavour,
) -> TokenStream {
    let context = Context::new(api, "", features, super::Paths::Absolute);
    let mut items = TokenStream::new();
    for (chain, handle) in &handles.by_chain {
        if handle.home.as_deref() == Some(module) {
            let gate = features.map(|features| cfg_any(&subtree_gates(api, features, chain)));
            items.extend(handle_struct(chain, gate.as_ref(), flavour));
            items.extend(accessor(handles, chain, gate.as_ref(), flavour));
        }
        let here: Vec<usize> = handle
            .operations
            .iter()
            .copied()
            .filter(|index| api.operations[*index].module == module)
            .collect();
        let methods: Vec<TokenStream> = here
            .iter()
            .flat_map(|index| emit_handle_methods(&context, *index, flavour))
            .collect();
        if !methods.is_empty() {
            let ty = handles.path(chain, flavour);
            // The block exists only when one of its methods does, as does the handle then.
            let gate = features.map(|features| {
                let gates: BTreeSet<String> = here
                    .iter()
                    .filter_map(|index| features.operation_gates.get(*index).cloned())
                    .collect();
                cfg_any(&gates.into_iter().collect::<Vec<_>>())
            });
            items.extend(quote! {
                #gate
                impl<'a> #ty<'a> {
                    #(#methods)*
                }
            });
        }
    }
    items
}

/// The name of a method's form with params: `retrieve_with`, and `return_with` for the
/// keyword-escaped `return_`.
fn with_name(method: &str) -> String {
    format!("{}_with", method.trim_end_matches('_'))
}

/// What a handle method of one operation is called with and calls, for each form it has.
struct CallForm {
    /// The method's name.
    name: proc_macro2::Ident,
    /// Its parameters: the path ids, and the params unless they are all optional and left out.
    params: TokenStream,
    /// The arguments it passes to the operation's method.
    args: TokenStream,
    /// Whether this is the form that leaves the params out, `Default` being sent.
    defaulted: bool,
    /// The parameters and arguments as text, for the method written as text (see
    /// [`super::text`]); `None` where a type's text is not known.
    text: Option<(Vec<String>, Vec<String>)>,
}

/// The forms of a handle method called `method`: `method(ids.., &params)`, or, when the
/// operation's params are all optional, `method(ids..)` and `method_with(ids.., &params)`.
fn call_forms(context: &Context<'_>, operation: &Operation, method: &str) -> Vec<CallForm> {
    let (params, args) = context.method_params(operation);
    let ids: Vec<String> = operation
        .path_params
        .iter()
        .map(|param| param.rust_name.clone())
        .collect();
    let ids_params = ids.iter().map(|id| format!("{id}: &str"));
    let params_type_text = operation
        .params
        .map(|operation_params| context.type_path_text(operation_params.type_id));
    let full_text = Some(context.method_params_text(operation));
    let full = |name: String| CallForm {
        name: ident(&name),
        params: params.clone(),
        args: args.clone(),
        defaulted: false,
        text: full_text.clone(),
    };
    let Some(operation_params) = operation.params.filter(|_| operation.facts.ids_alone) else {
        return vec![full(method.to_owned())];
    };
    let params_type = context.type_path(operation_params.type_id);
    let id_idents = operation
        .path_params
        .iter()
        .map(|param| ident(&param.rust_name));
    let id_params = id_idents.clone().map(|id| quote! { #id: &str, });
    let alone = CallForm {
        name: ident(method),
        params: quote! { #(#id_params)* },
        args: quote! { #(#id_idents,)* &#params_type::default() },
        defaulted: true,
        text: params_type_text.map(|params_type| {
            (
                ids_params.collect(),
                ids.iter()
                    .cloned()
                    .chain([format!("&{params_type}::default()")])
                    .collect(),
            )
        }),
    };
    vec![alone, full(with_name(method))]
}

/// What a handle method is, for writing it as text (see [`handle_method_text`]).
struct HandleMethodText<'t> {
    /// The column the method is printed at: inside `resources { impl { } }`, or one module
    /// further in for the blocking client's.
    column: usize,
    doc: &'t crate::ir::Doc,
    aliases: &'t [String],
    name: &'t str,
    /// The parameters after `self`.
    params: &'t [String],
    returns: super::text::Returns,
    /// The client's method it calls.
    target: &'t str,
    args: &'t [String],
}

/// A handle method as text: its docs and aliases, its signature, and its one call.
fn handle_method_text(method: HandleMethodText<'_>) -> Option<(String, usize)> {
    let mut item = super::text::Item::at(method.column);
    item.docs(0, method.doc);
    for alias in method.aliases {
        let alias = super::text::string_literal(alias)?;
        item.attribute(0, "doc", &[&format!("alias = {alias}")]);
    }
    let head = format!("pub fn {}", method.name);
    let params: Vec<&str> = std::iter::once("self")
        .chain(method.params.iter().map(String::as_str))
        .collect();
    item.signature(0, &head, &params, &method.returns);
    let args: Vec<&str> = method.args.iter().map(String::as_str).collect();
    item.method_call(4, "self.client", method.target, &args);
    item.line(0, &["}"]);
    item.finish_at()
}

/// The column a handle method is printed at for each client: `pub mod resources { impl .. {`,
/// and `pub mod blocking` inside it for the blocking client.
fn handle_method_column(flavour: Flavour) -> usize {
    match flavour {
        Flavour::Async => 8,
        Flavour::Blocking => 12,
    }
}

/// The methods of one operation on its handle: each call form, and for a paginated operation
/// `<method>_stream` (async) or `<method>_iter` (blocking) in each form.
fn emit_handle_methods(context: &Context<'_>, index: usize, flavour: Flavour) -> Vec<TokenStream> {
    let operation = &context.api.operations[index];
    let method = &operation.resource_method.method;
    let target = ident(&operation.method_name);
    let response = context.response_type(&operation.response);
    let error = runtime::error();
    let feature = context
        .features
        .and_then(|features| features.operation_gates.get(index));
    let gate = feature.map(|feature| quote! { #[cfg(feature = #feature)] });
    let operation_id = &operation.operation_id;
    let summary = operation
        .doc
        .0
        .as_deref()
        .and_then(|doc| doc.split("\n\n").next())
        .unwrap_or_default();
    let client = match flavour {
        Flavour::Async => "crate::Client",
        Flavour::Blocking => "crate::blocking::Client",
    };
    let feature_line = feature
        .map(|feature| format!("\n\nNeeds the Cargo feature `{feature}`."))
        .unwrap_or_default();
    let response_text = super::text::type_text(response.clone());
    let error_text = super::text::path_text(error.clone());
    let mut methods = Vec::new();
    for form in call_forms(context, operation, method) {
        let CallForm {
            name,
            params,
            args,
            defaulted,
            text,
        } = form;
        let how = if defaulted {
            let with = with_name(method);
            format!(" Sends no params; [`{with}`](Self::{with}) sends them.")
        } else if operation.facts.ids_alone {
            format!(" [`{method}`](Self::{method}), with params.")
        } else {
            String::new()
        };
        let doc = format!(
            "{summary}\n\n`{} {}`; the same as [`{}`]({client}::{}).{how}{feature_line}",
            operation.http_method.as_str(),
            operation.path.template,
            operation.method_name,
            operation.method_name,
        );
        let doc = crate::ir::Doc(Some(doc.trim_start().to_owned()));
        // The aliases go on the method a reader finds first.
        let aliases = if defaulted || !operation.facts.ids_alone {
            let mut aliases = aliases(operation, method);
            aliases.push(operation_id.clone());
            aliases
        } else {
            Vec::new()
        };
        let as_text = super::text_item_at(|| {
            let (text_params, text_args) = text.as_ref()?;
            let output = format!("Result<{}, {error_text}>", response_text.as_ref()?);
            handle_method_text(HandleMethodText {
                column: handle_method_column(flavour),
                doc: &doc,
                aliases: &aliases,
                name: &name.to_string(),
                params: text_params,
                returns: match flavour {
                    Flavour::Async => super::text::Returns::Future(output),
                    Flavour::Blocking => super::text::Returns::Type(output),
                },
                target: &operation.method_name,
                args: text_args,
            })
        });
        let method_item = as_text.unwrap_or_else(|| {
            let docs = super::doc_attrs(&doc);
            match flavour {
                Flavour::Async => quote! {
                    #docs
                    #(#[doc(alias = #aliases)])*
                    pub fn #name(self, #params) -> impl std::future::Future<Output = Result<#response, #error>> + use<'a> {
                        self.client.#target(#args)
                    }
                },
                Flavour::Blocking => quote! {
                    #docs
                    #(#[doc(alias = #aliases)])*
                    pub fn #name(self, #params) -> Result<#response, #error> {
                        self.client.#target(#args)
                    }
                },
            }
        });
        methods.push(quote! { #gate #method_item });
        let call = HandleCall {
            name: &name,
            params: &params,
            args: &args,
            text: text.as_ref(),
        };
        if let Some(stream) = emit_handle_stream(context, operation, call, flavour) {
            methods.push(quote! { #gate #stream });
        }
    }
    methods
}

/// One call form of a handle method, as [`emit_handle_stream`] takes it.
struct HandleCall<'c> {
    name: &'c proc_macro2::Ident,
    params: &'c TokenStream,
    args: &'c TokenStream,
    /// The parameters and arguments as text (see [`CallForm::text`]).
    text: Option<&'c (Vec<String>, Vec<String>)>,
}

/// For a paginated operation, `<name>_stream` (every object, following the pages) on an async
/// handle and `<name>_iter` on a blocking one, where `<name>` is one of the method's forms
/// (`list_stream`, `list_stream_with`), handing over to the client's own.
fn emit_handle_stream(
    context: &Context<'_>,
    operation: &Operation,
    call: HandleCall<'_>,
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
    let item_text = super::text::type_text(item.clone());
    let (suffix, returns, returns_text) = match flavour {
        Flavour::Async => {
            let stream = runtime::list_stream_type();
            let text =
                item_text.map(|item| format!("{}<{item}>", super::text::path_text(stream.clone())));
            ("stream", quote! { #stream<#item> }, text)
        }
        Flavour::Blocking => {
            let iter = runtime::blocking_iter();
            let text = item_text
                .map(|item| format!("{}<'a, {item}>", super::text::path_text(iter.clone())));
            ("iter", quote! { #iter<'a, #item> }, text)
        }
    };
    // `list_with` streams as `list_stream_with`: the form's suffix stays last.
    let name = call.name.to_string();
    let stream_name = match name.strip_suffix("_with") {
        Some(method) => format_ident!("{method}_{suffix}_with"),
        None => format_ident!("{name}_{suffix}"),
    };
    let method = &operation.resource_method.method;
    let target = format_ident!("{}_{suffix}", operation.method_name);
    let doc = format!(
        "Every object [`{name}`](Self::{name}) returns, following the pages; the same as \
         `{}_{suffix}` on the client.",
        operation.method_name
    );
    let operation_id = &operation.operation_id;
    let aliases: Vec<String> = (name == *method)
        .then(|| operation_id.clone())
        .into_iter()
        .collect();
    let doc = crate::ir::Doc(Some(doc));
    let as_text = super::text_item_at(|| {
        let (params, args) = call.text?;
        handle_method_text(HandleMethodText {
            column: handle_method_column(flavour),
            doc: &doc,
            aliases: &aliases,
            name: &stream_name.to_string(),
            params,
            returns: super::text::Returns::Type(returns_text?),
            target: &target.to_string(),
            args,
        })
    });
    if as_text.is_some() {
        return as_text;
    }
    let doc = format!(" {}", doc.0.unwrap_or_default());
    let (params, args) = (call.params, call.args);
    Some(quote! {
        #[doc = #doc]
        #(#[doc(alias = #aliases)])*
        pub fn #stream_name(self, #params) -> #returns {
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
         `client.customers().retrieve(id)`, `client.payment_intents().confirm(id)`,\n \
         `client.terminal().readers().process_payment_intent(id, &params)`.\n\n \
         `create`, `update` and `search` take their params, and so does every method with a\n \
         required param (build them with `Params::new(required..)`). Any other method whose\n \
         params are all optional takes the path ids alone, and `<method>_with(ids.., &params)`\n \
         passes params. Each hands over to the operation's own method on the client (named\n \
         after its operationId), which stays. A collection's handle has `list` and `create`,\n \
         its objects `retrieve`, `update` and `delete`, and each action its own name.\n\n \
         Each handle lives in its resource's module (`customer::resources::Customers`) and is\n \
         re-exported here; namespaces (`client.terminal()`) live here.\n\n",
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

/// The module of stubs for accessors whose feature is off (a file of its own,
/// [`FEATURE_OFF_MODULE`], in a crate with features).
pub(super) fn emit_feature_off_module(
    api: &Api,
    features: &FeatureMap,
    handles: &Handles,
) -> TokenStream {
    feature_off::emit_stubs(api, features, handles)
}

/// The file's module name in the client folder of the stubs for accessors whose feature is off.
pub(super) const FEATURE_OFF_MODULE: &str = "feature_off";

/// Accessors whose feature is off: a stub of the same name that the compiler refuses with a
/// message naming the feature (`#[diagnostic::on_unimplemented]` on a trait that nothing
/// implements), rather than "no method named `customers`".
mod feature_off {
    use super::super::text::{Item, Predicate, string_literal};
    use super::{Flavour, Handles, subtree_gates};
    use crate::features::FeatureMap;
    use crate::ir::Api;
    use proc_macro2::TokenStream;
    use quote::{format_ident, quote};

    /// The crate name a user writes in their manifest.
    const PACKAGE: &str = "stripe-sdk";

    /// `cfg(any(feature = ..))` as a predicate, without the attribute around it, and without
    /// the `any` around a single feature (clippy's `non_minimal_cfg`).
    fn any_feature(features: &[String]) -> TokenStream {
        match features {
            [single] => quote! { feature = #single },
            several => quote! { any(#(feature = #several),*) },
        }
    }

    /// The stubs, their traits and the one type they return, in a hidden module.
    pub(super) fn emit_stubs(api: &Api, features: &FeatureMap, handles: &Handles) -> TokenStream {
        let mut traits = Vec::new();
        let mut stubs = Vec::new();
        for chain in handles.by_chain.keys().filter(|chain| !chain.is_empty()) {
            let (parent, child) = chain.split_at(chain.len() - 1);
            let gates = subtree_gates(api, features, chain);
            let off = any_feature(&gates);
            let predicate = if parent.is_empty() {
                quote! { not(#off) }
            } else {
                let parent_gates = subtree_gates(api, features, parent);
                // A parent whose every feature is also the child's exists only when the child
                // does: no build has the parent without the child, so no stub is needed.
                if parent_gates.iter().all(|gate| gates.contains(gate)) {
                    continue;
                }
                let parent_on = any_feature(&parent_gates);
                quote! { all(#parent_on, not(#off)) }
            };
            let own: Vec<&String> = handles.by_chain[chain]
                .operations
                .iter()
                .filter_map(|index| features.operation_gates.get(*index))
                .collect();
            let call = chain
                .iter()
                .map(|name| format!("{name}()"))
                .collect::<Vec<_>>()
                .join(".");
            let listed = |names: &[&String]| {
                names
                    .iter()
                    .map(|name| format!("`{name}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let (message, enable) = match own.first() {
                Some(first) => (
                    format!("`{call}` needs the Cargo feature `{first}` of `{PACKAGE}`"),
                    (*first).clone(),
                ),
                None => {
                    let all: Vec<&String> = gates.iter().collect();
                    (
                        format!(
                            "`{call}` needs the Cargo feature of one of its resources: {}",
                            listed(&all)
                        ),
                        gates.first().cloned().unwrap_or_default(),
                    )
                }
            };
            let label = format!("the feature `{enable}` is off");
            let note = format!(
                "enable it in Cargo.toml: {PACKAGE} = {{{{ version = \"..\", features = [\"{enable}\"] }}}}"
            );
            let trait_name = format_ident!("{}FeatureOff", super::struct_name(chain));
            let predicate_text = if parent.is_empty() {
                Predicate::Not(Box::new(Predicate::any_feature(&gates)))
            } else {
                Predicate::All(vec![
                    Predicate::any_feature(&subtree_gates(api, features, parent)),
                    Predicate::Not(Box::new(Predicate::any_feature(&gates))),
                ])
            };
            let trait_text = super::super::text_item(|| {
                let mut item = Item::new();
                item.cfg(0, &predicate_text);
                let arguments = [("message", &message), ("label", &label), ("note", &note)].map(
                    |(name, value)| {
                        string_literal(value).map(|literal| format!("{name} = {literal}"))
                    },
                );
                let [Some(message), Some(label), Some(note)] = arguments else {
                    return None;
                };
                item.attribute_of_literals(
                    0,
                    "diagnostic::on_unimplemented",
                    &[&message, &label, &note],
                );
                item.line(0, &["pub trait ", &trait_name.to_string(), " {}"]);
                item.finish()
            });
            traits.push(trait_text.unwrap_or_else(|| {
                quote! {
                    #[cfg(#predicate)]
                    #[diagnostic::on_unimplemented(message = #message, label = #label, note = #note)]
                    pub trait #trait_name {}
                }
            }));
            let name = super::ident(&child[0]);
            for flavour in [Flavour::Async, Flavour::Blocking] {
                let stub_text = super::super::text_item(|| {
                    let mut item = Item::new();
                    let predicate = match flavour {
                        Flavour::Async => &predicate_text,
                        Flavour::Blocking => &Predicate::All(vec![
                            Predicate::Feature("blocking".to_owned()),
                            predicate_text.clone(),
                        ]),
                    };
                    item.cfg(0, predicate);
                    let trait_name = trait_name.to_string();
                    if parent.is_empty() {
                        let client = super::super::text::path_text(flavour.client());
                        item.line(0, &["impl ", &client, " {"]);
                        item.line(4, &["#[doc(hidden)]"]);
                        item.line(4, &["pub fn ", &child[0], "<'a>(&'a self) -> FeatureOff"]);
                        item.line(4, &["where"]);
                        item.line(8, &["&'a Self: ", &trait_name, ","]);
                    } else {
                        let parent = super::super::text::path_text(handles.path(parent, flavour));
                        item.line(0, &["impl<'a> ", &parent, "<'a> {"]);
                        item.line(4, &["#[doc(hidden)]"]);
                        item.line(4, &["pub fn ", &child[0], "(self) -> FeatureOff"]);
                        item.line(4, &["where"]);
                        item.line(8, &["Self: ", &trait_name, ","]);
                    }
                    item.line(4, &["{"]);
                    item.line(8, &["FeatureOff"]);
                    item.line(4, &["}"]);
                    item.line(0, &["}"]);
                    item.finish()
                });
                if let Some(stub) = stub_text {
                    stubs.push(stub);
                    continue;
                }
                let blocking =
                    (flavour == Flavour::Blocking).then(|| quote! { feature = "blocking", });
                let stub = if parent.is_empty() {
                    let client = flavour.client();
                    quote! {
                        impl #client {
                            #[doc(hidden)]
                            pub fn #name<'a>(&'a self) -> FeatureOff
                            where
                                &'a Self: #trait_name,
                            {
                                FeatureOff
                            }
                        }
                    }
                } else {
                    let parent = handles.path(parent, flavour);
                    quote! {
                        impl<'a> #parent<'a> {
                            #[doc(hidden)]
                            pub fn #name(self) -> FeatureOff
                            where
                                Self: #trait_name,
                            {
                                FeatureOff
                            }
                        }
                    }
                };
                let cfg = match blocking {
                    Some(blocking) => quote! { all(#blocking #predicate) },
                    None => predicate.clone(),
                };
                stubs.push(quote! {
                    #[cfg(#cfg)]
                    #stub
                });
            }
        }
        quote! {
            #![doc = " Accessors whose Cargo feature is off: each is a stub that the compiler refuses with a"]
            #![doc = " message naming the feature to enable (a trait per accessor that nothing implements,"]
            #![doc = " with `#[diagnostic::on_unimplemented]`)."]
            /// What a stub accessor returns; it has no methods.
            #[derive(Clone, Copy, Debug)]
            pub struct FeatureOff;
            #(#stubs)*
            #(#traits)*
        }
    }
}
