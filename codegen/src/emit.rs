//! Emit: turns the IR into token streams with `quote!`, one per generated file.

use crate::features::FeatureMap;
use crate::ir::{
    Api, Direction, Discriminator, Doc, EnumDef, Field, HttpMethod, Operation, Pagination,
    ParamsLocation, ResponseBody, StructDef, TypeDef, TypeKind, TypeRef, UnionDef,
};
use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::{format_ident, quote};
use std::collections::{BTreeMap, HashMap, HashSet};

/// One generated file before rendering: its path inside the generated folder and its tokens.
pub struct EmittedFile {
    pub path: String,
    pub tokens: TokenStream,
}

/// A module's types and operations.
type ModuleItems<'a> = (Vec<&'a TypeDef>, Vec<&'a Operation>);

/// Emits `mod.rs` and one file per module; results come back sorted by path, so the output
/// order never varies.
///
/// Emits every file and hands it to `finish` (which renders it), on up to `threads` threads.
/// Token streams cannot cross threads, so each file is emitted and finished on the thread that
/// made it; only the results come back, in path order.
pub fn emit_each<R: Send>(
    api: &Api,
    features: Option<&FeatureMap>,
    threads: usize,
    finish: impl Fn(EmittedFile) -> R + Sync,
) -> Vec<R> {
    let modules_of: HashMap<&str, &str> = api
        .types
        .iter()
        .map(|def| (def.name.as_str(), def.module.as_str()))
        .collect();
    let types_by_name: HashMap<&str, &TypeDef> = api
        .types
        .iter()
        .map(|def| (def.name.as_str(), def))
        .collect();
    let params_types: HashSet<&str> = api
        .operations
        .iter()
        .filter_map(|operation| Some(operation.params.as_ref()?.type_name.as_str()))
        .collect();
    let mut modules: BTreeMap<&str, ModuleItems<'_>> = BTreeMap::new();
    for def in &api.types {
        modules.entry(&def.module).or_default().0.push(def);
    }
    for operation in &api.operations {
        modules
            .entry(&operation.module)
            .or_default()
            .1
            .push(operation);
    }
    // `None` is `mod.rs`; `Some` is a module. The largest files go first: taken in name
    // order, one of the largest could come last and keep one thread busy while the others
    // sit idle.
    let mut work: Vec<Option<(&str, &ModuleItems<'_>)>> = std::iter::once(None)
        .chain(modules.iter().map(|(module, items)| Some((*module, items))))
        .collect();
    work.sort_by_key(|item| std::cmp::Reverse(item.map_or(0, |(_, items)| emitted_size(items))));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let emit_one = |item: Option<(&str, &ModuleItems<'_>)>| match item {
        None => EmittedFile {
            path: "mod.rs".to_owned(),
            tokens: emit_root(api, modules.keys().copied(), features),
        },
        Some((module, (types, operations))) => {
            let context = Context {
                module,
                modules_of: &modules_of,
                types_by_name: &types_by_name,
                params_types: &params_types,
            };
            EmittedFile {
                path: format!("{module}.rs"),
                tokens: context.emit_module(module, types, operations),
            }
        }
    };
    let worker = || {
        let mut done = Vec::new();
        loop {
            let index = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let Some(item) = work.get(index) else { break };
            let file = emit_one(*item);
            let path = file.path.clone();
            done.push((path, finish(file)));
        }
        done
    };
    let mut results: Vec<(String, R)> = if threads <= 1 {
        worker()
    } else {
        std::thread::scope(|scope| {
            let handles: Vec<_> = (0..threads).map(|_| scope.spawn(worker)).collect();
            // A worker only panics on a bug in the emitter; re-raise it on this thread.
            handles
                .into_iter()
                .flat_map(|handle| {
                    handle
                        .join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                })
                .collect()
        })
    };
    results.sort_by(|a, b| a.0.cmp(&b.0));
    results.into_iter().map(|(_, result)| result).collect()
}

/// A rough measure of how much code a module's items become: one unit per field, variant
/// and type, and a few per operation (its method, its blocking twin and their docs).
fn emitted_size((types, operations): &ModuleItems<'_>) -> usize {
    let types: usize = types
        .iter()
        .map(|def| {
            1 + match &def.kind {
                TypeKind::Struct(def) => def.fields.len(),
                TypeKind::Enum(def) => def.variants.len(),
                TypeKind::Union(def) => def.variants.len(),
            }
        })
        .sum();
    types + 8 * operations.len()
}

fn emit_root<'m>(
    api: &Api,
    modules: impl Iterator<Item = &'m str>,
    features: Option<&FeatureMap>,
) -> TokenStream {
    let version = &api.api_version;
    let modules: Vec<&str> = modules.collect();
    let gates: Vec<Option<TokenStream>> = modules
        .iter()
        .map(|module| {
            let gate = features.and_then(|features| features.gate.get(*module));
            gate.map(|gate| quote! { #[cfg(feature = #gate)] })
        })
        .collect();
    let gates_again = gates.clone();
    let modules: Vec<Ident> = modules.into_iter().map(ident).collect();
    quote! {
        #![doc = " Types and operations generated from the OpenAPI document, one module per resource family."]
        /// The API version this code was generated from; the client sends it as `Stripe-Version`.
        pub const API_VERSION: &str = #version;
        #(
            #gates
            pub mod #modules;
            #gates_again
            pub use self::#modules::*;
        )*
    }
}

struct Context<'a> {
    module: &'a str,
    modules_of: &'a HashMap<&'a str, &'a str>,
    types_by_name: &'a HashMap<&'a str, &'a TypeDef>,
    /// The operations' parameter types, which get an inherent `validate()`.
    params_types: &'a HashSet<&'a str>,
}

impl Context<'_> {
    fn emit_module(
        &self,
        module: &str,
        types: &[&TypeDef],
        operations: &[&Operation],
    ) -> TokenStream {
        let doc = format!(" The `{module}` resource family.");
        let items = types.iter().map(|def| self.emit_type(def));
        let methods = operations
            .iter()
            .map(|operation| self.emit_method(operation));
        let blocking_methods = operations
            .iter()
            .map(|operation| self.emit_blocking_method(operation));
        let (streams, blocking_iters): (Vec<TokenStream>, Vec<TokenStream>) = operations
            .iter()
            .filter_map(|operation| self.emit_stream_methods(operation))
            .unzip();
        let cursor_impls = operations
            .iter()
            .filter_map(|operation| self.emit_cursor_impl(operation));
        let multipart_impls = operations.iter().filter_map(|operation| {
            let params = operation
                .params
                .as_ref()
                .filter(|params| params.location == ParamsLocation::Multipart)?;
            let def = self.types_by_name.get(params.type_name.as_str())?;
            match &def.kind {
                TypeKind::Struct(body) => Some(emit_multipart_files(def, body)),
                _ => None,
            }
        });
        let client_impl = (!operations.is_empty()).then(|| {
            quote! {
                #(#cursor_impls)*
                #(#multipart_impls)*
                impl crate::Client { #(#methods)* #(#streams)* }
                #[cfg(feature = "blocking")]
                impl crate::blocking::Client { #(#blocking_methods)* #(#blocking_iters)* }
            }
        });
        quote! {
            #![doc = #doc]
            #(#items)*
            #client_impl
        }
    }

    fn emit_type(&self, def: &TypeDef) -> TokenStream {
        match &def.kind {
            TypeKind::Struct(body) => self.emit_struct(def, body),
            TypeKind::Enum(body) => emit_enum(def, body),
            TypeKind::Union(body) => self.emit_union(def, body),
        }
    }

    /// A path to a named type from the module being emitted.
    fn type_path(&self, name: &str) -> TokenStream {
        let type_ident = ident(name);
        match self.modules_of.get(name) {
            Some(module) if *module != self.module => {
                let module = ident(module);
                quote! { super::#module::#type_ident }
            }
            _ => quote! { #type_ident },
        }
    }

    fn rust_type(&self, ty: &TypeRef) -> TokenStream {
        match ty {
            TypeRef::String { .. } => quote! { String },
            TypeRef::Integer { .. } => quote! { i64 },
            TypeRef::Number => quote! { f64 },
            TypeRef::Boolean => quote! { bool },
            TypeRef::Json => quote! { serde_json::Value },
            TypeRef::File => quote! { crate::FileUpload },
            TypeRef::Array(item) => self.generic(quote! { Vec }, item),
            TypeRef::Map(value) => {
                let value = self.rust_type(value);
                quote! { std::collections::BTreeMap<String, #value> }
            }
            TypeRef::Expandable(inner) => self.generic(quote! { crate::Expandable }, inner),
            TypeRef::List(item) => self.generic(quote! { crate::List }, item),
            TypeRef::SearchResult(item) => self.generic(quote! { crate::SearchResult }, item),
            TypeRef::Unsettable(inner) => self.generic(quote! { crate::Unsettable }, inner),
            TypeRef::Named(name) => self.type_path(name),
            TypeRef::Boxed(name) => {
                let path = self.type_path(name);
                quote! { Box<#path> }
            }
        }
    }

    /// `Wrapper<Inner>` for a one-parameter generic around another type.
    fn generic(&self, wrapper: TokenStream, inner: &TypeRef) -> TokenStream {
        let inner = self.rust_type(inner);
        quote! { #wrapper<#inner> }
    }

    fn emit_struct(&self, def: &TypeDef, body: &StructDef) -> TokenStream {
        let name = ident(&def.name);
        let doc = doc_attrs(&def.doc);
        let fields = body
            .fields
            .iter()
            .map(|field| self.emit_field(field, body.direction));
        let debug = (!body.has_secret()).then(|| quote! { Debug, });
        let all_optional = body.fields.iter().all(|field| field.optional);
        let default =
            (body.direction == Direction::Request && all_optional).then(|| quote! { Default, });
        let deny = body
            .deny_unknown_fields
            .then(|| quote! { #[serde(deny_unknown_fields)] });
        let debug_impl = body.has_secret().then(|| emit_redacting_debug(def, body));
        let validate =
            (body.direction == Direction::Request).then(|| self.emit_validate(def, body));
        let has_id = (body.direction == Direction::Response)
            .then(|| emit_has_id(def, body))
            .flatten();

        quote! {
            #doc
            #[derive(Clone, #debug #default PartialEq, serde::Serialize, serde::Deserialize)]
            #deny
            pub struct #name {
                #(#fields)*
            }
            #debug_impl
            #validate
            #has_id
        }
    }

    fn emit_field(&self, field: &Field, direction: Direction) -> TokenStream {
        let name = ident(&field.rust_name);
        let doc = doc_attrs(&field.doc);
        let ty = self.rust_type(&field.ty);
        let rename = (field.rust_name != field.wire_name).then(|| {
            let wire = &field.wire_name;
            quote! { #[serde(rename = #wire)] }
        });
        // Absent optional fields are omitted on the wire. A nullable response field keeps its
        // explicit `null`, so that a decoded object re-serializes without losing the field.
        let serde = if field.optional && !(field.nullable && direction == Direction::Response) {
            Some(quote! { #[serde(default, skip_serializing_if = "Option::is_none")] })
        } else if field.nullable && direction == Direction::Response {
            Some(quote! { #[serde(default)] })
        } else {
            None
        };
        let ty = if field.optional || field.nullable {
            quote! { Option<#ty> }
        } else {
            ty
        };
        // Files travel as parts of their own, not through the serializer that writes the
        // other fields (see `crate::multipart`).
        let serde = if field.ty == TypeRef::File {
            Some(quote! { #[serde(skip)] })
        } else {
            serde
        };
        quote! {
            #doc
            #rename
            #serde
            pub #name: #ty,
        }
    }

    fn emit_validate(&self, def: &TypeDef, body: &StructDef) -> TokenStream {
        let name = ident(&def.name);
        let checks: Vec<TokenStream> = body
            .fields
            .iter()
            .filter_map(|field| {
                let field_ident = ident(&field.rust_name);
                let wire = &field.wire_name;
                self.check(
                    &field.ty,
                    quote! { &self.#field_ident },
                    quote! { &path.field(#wire) },
                )
            })
            .collect();
        let (path_arg, violations_arg) = if checks.is_empty() {
            (quote! { _path }, quote! { _violations })
        } else {
            (quote! { path }, quote! { violations })
        };
        // Only the parameters of an operation get the inherent method, which is what callers
        // use; nested types are checked through the trait, and a method on each of them would
        // add hundreds of items to the full crate for no caller.
        let inherent = self.params_types.contains(def.name.as_str()).then(|| {
            quote! {
                impl #name {
                    /// Checks every constraint the API document states, reporting all violations at once.
                    pub fn validate(&self) -> Result<(), crate::InvalidParams> {
                        crate::validate::Validate::validate(self)
                    }
                }
            }
        });
        quote! {
            #inherent
            impl crate::validate::Validate for #name {
                fn validate_at(&self, #path_arg: &crate::validate::FieldPath<'_>, #violations_arg: &mut crate::validate::Violations) {
                    #(#checks)*
                }
            }
        }
    }

    /// The check of `value` (an expression of type `&ty`) at `path` (a `&FieldPath`), or
    /// `None` when nothing can be wrong with a `ty`. Options, lists, maps and unsettable values
    /// are looked through by the runtime's traits, so one call checks any of them.
    fn check(&self, ty: &TypeRef, value: TokenStream, path: TokenStream) -> Option<TokenStream> {
        match ty {
            TypeRef::String {
                max_length: Some(max),
            } => {
                let max = Literal::usize_unsuffixed(*max);
                Some(
                    quote! { crate::validate::MaxLength::check_max_length(#value, #path, violations, #max); },
                )
            }
            TypeRef::Array(item) | TypeRef::Map(item) | TypeRef::Unsettable(item) => {
                self.check(item, value, path)
            }
            TypeRef::Named(name) | TypeRef::Boxed(name) => self.is_validated(name).then(
                || quote! { crate::validate::Validate::validate_at(#value, #path, violations); },
            ),
            TypeRef::Expandable(_)
            | TypeRef::List(_)
            | TypeRef::SearchResult(_)
            | TypeRef::File => None,
            TypeRef::String { max_length: None }
            | TypeRef::Integer { .. }
            | TypeRef::Number
            | TypeRef::Boolean
            | TypeRef::Json => None,
        }
    }

    /// For a paginated operation, the params' cursor setter.
    fn emit_cursor_impl(&self, operation: &Operation) -> Option<TokenStream> {
        let params = self.type_path(&operation.params.as_ref()?.type_name);
        Some(match operation.pagination? {
            Pagination::List => quote! {
                impl crate::pagination::ListParams for #params {
                    fn set_starting_after(&mut self, id: String) {
                        self.starting_after = Some(id);
                    }
                }
            },
            Pagination::Search => quote! {
                impl crate::pagination::SearchParams for #params {
                    fn set_page(&mut self, page: String) {
                        self.page = Some(page);
                    }
                }
            },
        })
    }

    /// `<method>_stream`: every object of every page, fetched as the stream is read; and its
    /// blocking twin `<method>_iter`, an iterator over the same stream.
    fn emit_stream_methods(&self, operation: &Operation) -> Option<(TokenStream, TokenStream)> {
        let pagination = operation.pagination?;
        let ResponseBody::Json(TypeRef::List(item) | TypeRef::SearchResult(item)) =
            &operation.response
        else {
            return None;
        };
        // A list continues after its last object's id; without ids there is no cursor.
        if pagination == Pagination::List && !self.has_id(item) {
            return None;
        }
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
            Pagination::List => quote! { crate::pagination::list_stream },
            Pagination::Search => quote! { crate::pagination::search_stream },
        };
        let doc = format!(
            " Every object [`{}`](Self::{}) returns, following the pages as the stream is read.",
            operation.method_name, operation.method_name
        );
        let iter_doc = format!(
            " Every object [`{}`](Self::{}) returns, fetching the next page when the iterator reaches it.",
            operation.method_name, operation.method_name
        );
        // The stream borrows only the client (the arguments are copied into it), which
        // `use<'a>` states, so that the blocking iterator can hold it after they are gone.
        let stream_method = quote! {
            #[doc = #doc]
            #[doc(alias = #operation_id)]
            pub fn #stream_name<'a>(&'a self, #params) -> impl futures_core::Stream<Item = Result<#item, crate::Error>> + use<'a> {
                #(#owned)*
                #stream(params.clone(), move |params| {
                    #(#cloned)*
                    async move { self.#method_name(#(#args)* &params).await }
                })
            }
        };
        let iter_method = quote! {
            #[doc = #iter_doc]
            #[doc(alias = #operation_id)]
            pub fn #iter_name(&self, #params) -> crate::blocking::Iter<'_, #item> {
                crate::blocking::Iter::new(self, self.async_client().#stream_name(#pass_on))
            }
        };
        Some((stream_method, iter_method))
    }

    /// The blocking twin of [`Self::emit_method`]: same name, arguments and docs, run to
    /// completion on the blocking client's own runtime.
    fn emit_blocking_method(&self, operation: &Operation) -> TokenStream {
        let method_name = ident(&operation.method_name);
        let operation_id = &operation.operation_id;
        let doc = method_doc(operation);
        let (params, args) = self.method_params(operation);
        let response = self.response_type(&operation.response);
        quote! {
            #doc
            #[doc(alias = #operation_id)]
            pub fn #method_name(&self, #params) -> Result<#response, crate::Error> {
                self.block_on(self.async_client().#method_name(#args))
            }
        }
    }

    /// The method's parameters (`customer: &str, params: &Params,`) and the matching arguments.
    fn method_params(&self, operation: &Operation) -> (TokenStream, TokenStream) {
        let mut params = TokenStream::new();
        let mut args = TokenStream::new();
        for param in &operation.path_params {
            let name = ident(&param.rust_name);
            params.extend(quote! { #name: &str, });
            args.extend(quote! { #name, });
        }
        if let Some(operation_params) = &operation.params {
            let params_type = self.type_path(&operation_params.type_name);
            params.extend(quote! { params: &#params_type, });
            args.extend(quote! { params });
        }
        (params, args)
    }

    /// Whether values of `ty` implement `HasId`: structs with a string `id`, JSON values, and
    /// unions all of whose variants do.
    fn has_id(&self, ty: &TypeRef) -> bool {
        match ty {
            TypeRef::Json => true,
            TypeRef::Named(name) | TypeRef::Boxed(name) => {
                match self.types_by_name.get(name.as_str()).map(|def| &def.kind) {
                    Some(TypeKind::Struct(body)) => struct_id_field(body).is_some(),
                    Some(TypeKind::Union(body)) => {
                        body.variants.iter().all(|variant| self.has_id(&variant.ty))
                    }
                    Some(TypeKind::Enum(_)) | None => false,
                }
            }
            _ => false,
        }
    }

    /// `HasId` for a response union whose variants all have ids (list items that mix kinds).
    fn emit_union_has_id(&self, def: &TypeDef, body: &UnionDef) -> Option<TokenStream> {
        if body.direction != Direction::Response
            || !body.variants.iter().all(|variant| self.has_id(&variant.ty))
        {
            return None;
        }
        let name = ident(&def.name);
        let variants = body
            .variants
            .iter()
            .map(|variant| ident(&variant.rust_name));
        Some(quote! {
            impl crate::HasId for #name {
                fn object_id(&self) -> Option<&str> {
                    match self {
                        #(Self::#variants(value) => value.object_id(),)*
                        Self::Unknown(value) => value.object_id(),
                    }
                }
            }
        })
    }

    /// Whether the named type has a `Validate` impl: request structs and unions do.
    fn is_validated(&self, name: &str) -> bool {
        self.types_by_name
            .get(name)
            .is_some_and(|def| match &def.kind {
                TypeKind::Struct(body) => body.direction == Direction::Request,
                TypeKind::Union(body) => body.direction == Direction::Request,
                TypeKind::Enum(_) => false,
            })
    }

    /// Union variants holding a struct or union are boxed, so one large variant does not make
    /// every value of the enum large.
    fn variant_type(&self, ty: &TypeRef) -> TokenStream {
        let inner = self.rust_type(ty);
        let boxed = match ty {
            TypeRef::Named(name) => self
                .types_by_name
                .get(name.as_str())
                .is_some_and(|def| !matches!(def.kind, TypeKind::Enum(_))),
            _ => false,
        };
        if boxed {
            quote! { Box<#inner> }
        } else {
            inner
        }
    }

    fn emit_union(&self, def: &TypeDef, body: &UnionDef) -> TokenStream {
        let name = ident(&def.name);
        let doc = doc_attrs(&def.doc);
        let variant_idents: Vec<Ident> = body
            .variants
            .iter()
            .map(|variant| ident(&variant.rust_name))
            .collect();
        let variant_types: Vec<TokenStream> = body
            .variants
            .iter()
            .map(|variant| self.variant_type(&variant.ty))
            .collect();
        if body.direction == Direction::Request {
            let arms = body
                .variants
                .iter()
                .zip(&variant_idents)
                .map(|(variant, variant_ident)| {
                    match self.check(&variant.ty, quote! { value }, quote! { path }) {
                        Some(check) => quote! { Self::#variant_ident(value) => { #check } },
                        None => quote! { Self::#variant_ident(_) => {} },
                    }
                });
            return quote! {
                #doc
                #[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
                #[serde(untagged)]
                pub enum #name {
                    #(#variant_idents(#variant_types),)*
                }
                impl crate::validate::Validate for #name {
                    fn validate_at(&self, path: &crate::validate::FieldPath<'_>, violations: &mut crate::validate::Violations) {
                        let _ = (&path, &violations);
                        match self {
                            #(#arms)*
                        }
                    }
                }
            };
        }
        let has_id = self.emit_union_has_id(def, body);
        if !body.discriminated {
            return quote! {
                #has_id
                #doc
                #[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
                #[serde(untagged)]
                pub enum #name {
                    #(#variant_idents(#variant_types),)*
                    /// A value of a shape this SDK does not know, kept as JSON.
                    Unknown(serde_json::Value),
                }
            };
        }
        let dispatch = body.variants.iter().zip(&variant_idents).filter_map(|(variant, variant_ident)| {
            let discriminator = variant.discriminator.as_ref()?;
            let object = &discriminator.object;
            let deleted = discriminator.deleted;
            Some(quote! {
                (Some(#object), #deleted) => serde_json::from_value(value).map(Self::#variant_ident),
            })
        });
        let variant_docs = body
            .variants
            .iter()
            .map(|variant| match &variant.discriminator {
                Some(Discriminator {
                    object,
                    deleted: true,
                }) => format!(" A deleted `{object}`."),
                Some(Discriminator {
                    object,
                    deleted: false,
                }) => format!(" An object whose `object` is `{object}`."),
                None => String::new(),
            });
        quote! {
            #has_id
            #doc
            #[derive(Clone, Debug, PartialEq)]
            pub enum #name {
                #(
                    #[doc = #variant_docs]
                    #variant_idents(#variant_types),
                )*
                /// An object of a kind this SDK does not know yet, kept as JSON.
                Unknown(serde_json::Value),
            }
            impl serde::Serialize for #name {
                fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                    match self {
                        #(Self::#variant_idents(value) => serde::Serialize::serialize(value, serializer),)*
                        Self::Unknown(value) => serde::Serialize::serialize(value, serializer),
                    }
                }
            }
            impl<'de> serde::Deserialize<'de> for #name {
                fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
                    let object = value.get("object").and_then(serde_json::Value::as_str).map(str::to_owned);
                    let deleted = value.get("deleted").and_then(serde_json::Value::as_bool).unwrap_or(false);
                    let decoded = match (object.as_deref(), deleted) {
                        #(#dispatch)*
                        _ => return Ok(Self::Unknown(value)),
                    };
                    decoded.map_err(serde::de::Error::custom)
                }
            }
        }
    }

    fn emit_method(&self, operation: &Operation) -> TokenStream {
        let method_name = ident(&operation.method_name);
        let operation_id = &operation.operation_id;
        let doc = method_doc(operation);
        let (method_params, _) = self.method_params(operation);
        let path_expr = path_expression(operation);
        let http_method = match operation.http_method {
            HttpMethod::Get => quote! { reqwest::Method::GET },
            HttpMethod::Post => quote! { reqwest::Method::POST },
            HttpMethod::Delete => quote! { reqwest::Method::DELETE },
        };
        let response = self.response_type(&operation.response);
        let mut request = quote! {
            crate::client::ApiRequest::new(#operation_id, #http_method, #path_expr)
        };
        let validate = operation.params.as_ref().map(|params| {
            request.extend(match params.location {
                ParamsLocation::Query => quote! { .query(crate::form::to_form_string(params)?) },
                ParamsLocation::FormBody => quote! { .form(crate::form::to_form_string(params)?) },
                ParamsLocation::Multipart => {
                    quote! { .multipart(crate::multipart::to_multipart(params)?) }
                }
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
        quote! {
            #doc
            #[doc(alias = #operation_id)]
            pub async fn #method_name(&self, #method_params) -> Result<#response, crate::Error> {
                #validate
                let request = #request;
                self.#execute(request).await
            }
        }
    }

    /// What a method returns on success: the decoded type, or the bytes of a document.
    fn response_type(&self, response: &ResponseBody) -> TokenStream {
        match response {
            ResponseBody::Json(ty) => self.rust_type(ty),
            ResponseBody::Binary { .. } => quote! { Vec<u8> },
        }
    }
}

/// The operation's docs, ending with its method and path.
fn method_doc(operation: &Operation) -> TokenStream {
    let mut text = operation.doc.0.clone().unwrap_or_default();
    if !text.is_empty() {
        text.push_str("\n\n");
    }
    text.push_str(&format!(
        "`{} {}`",
        operation.http_method.as_str(),
        operation.path
    ));
    doc_attrs(&Doc(Some(text)))
}

/// The request path: a literal, or a `format!` that percent-escapes each path parameter.
fn path_expression(operation: &Operation) -> TokenStream {
    if operation.path_params.is_empty() {
        let path = &operation.path;
        return quote! { #path.to_owned() };
    }
    let mut template = String::new();
    let mut rest = operation.path.as_str();
    while let Some(start) = rest.find('{') {
        template.push_str(&rest[..start].replace('}', "}}"));
        match rest[start..].find('}') {
            Some(end) => {
                let name = &rest[start + 1..start + end];
                let rust_name = operation
                    .path_params
                    .iter()
                    .find(|param| param.wire_name == name)
                    .map_or(name, |param| param.rust_name.as_str());
                template.push('{');
                template.push_str(rust_name);
                template.push('}');
                rest = &rest[start + end + 1..];
            }
            None => {
                rest = &rest[start..];
                break;
            }
        }
    }
    template.push_str(rest);
    let bindings = operation.path_params.iter().map(|param| {
        let name = ident(&param.rust_name);
        let wire = &param.wire_name;
        quote! { let #name = crate::form::path_segment(#wire, #name)?; }
    });
    quote! { { #(#bindings)* format!(#template) } }
}

/// For multipart params, the file parts that `crate::multipart` adds beside the other fields
/// (none when the spec declares no binary field).
fn emit_multipart_files(def: &TypeDef, body: &StructDef) -> TokenStream {
    let files: Vec<&Field> = body
        .fields
        .iter()
        .filter(|field| field.ty == TypeRef::File)
        .collect();
    let name = ident(&def.name);
    // One entry per file field, `None` for an optional file not given.
    let entries = files.iter().map(|field| {
        let field_ident = ident(&field.rust_name);
        let wire = &field.wire_name;
        if field.optional || field.nullable {
            quote! { self.#field_ident.as_ref().map(|file| (#wire, file)) }
        } else {
            quote! { Some((#wire, &self.#field_ident)) }
        }
    });
    let body = if files.is_empty() {
        quote! { Vec::new() }
    } else {
        quote! { [#(#entries),*].into_iter().flatten().collect() }
    };
    quote! {
        impl crate::multipart::MultipartParams for #name {
            fn files(&self) -> Vec<(&'static str, &crate::FileUpload)> {
                #body
            }
        }
    }
}

/// `HasId` for objects with a string `id`, so expandable fields and pagination can read it.
fn struct_id_field(body: &StructDef) -> Option<&Field> {
    body.fields
        .iter()
        .find(|field| field.wire_name == "id" && matches!(field.ty, TypeRef::String { .. }))
}

fn emit_has_id(def: &TypeDef, body: &StructDef) -> Option<TokenStream> {
    let field = struct_id_field(body)?;
    let name = ident(&def.name);
    let id = ident(&field.rust_name);
    let value = if field.optional || field.nullable {
        quote! { self.#id.as_deref() }
    } else {
        quote! { Some(&self.#id) }
    };
    Some(quote! {
        impl crate::HasId for #name {
            fn object_id(&self) -> Option<&str> {
                #value
            }
        }
    })
}

fn emit_redacting_debug(def: &TypeDef, body: &StructDef) -> TokenStream {
    let name = ident(&def.name);
    let type_name = &def.name;
    let fields = body.fields.iter().map(|field| {
        let wire = &field.rust_name;
        let field_ident = ident(&field.rust_name);
        if field.secret {
            quote! { .field(#wire, &crate::REDACTED) }
        } else {
            quote! { .field(#wire, &self.#field_ident) }
        }
    });
    quote! {
        impl std::fmt::Debug for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(#type_name)
                    #(#fields)*
                    .finish()
            }
        }
    }
}

fn emit_enum(def: &TypeDef, body: &EnumDef) -> TokenStream {
    let name = ident(&def.name);
    let doc = doc_attrs(&def.doc);
    let variant_idents: Vec<Ident> = body
        .variants
        .iter()
        .map(|variant| ident(&variant.rust_name))
        .collect();
    let wire_values: Vec<&str> = body
        .variants
        .iter()
        .map(|variant| variant.wire_value.as_str())
        .collect();
    let variant_docs = wire_values.iter().map(|value| format!(" `{value}`"));
    match body.direction {
        Direction::Request => quote! {
            #doc
            #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
            pub enum #name {
                #(
                    #[doc = #variant_docs]
                    #[serde(rename = #wire_values)]
                    #variant_idents,
                )*
            }
            impl #name {
                /// The value as the API spells it.
                pub fn as_str(self) -> &'static str {
                    match self {
                        #(Self::#variant_idents => #wire_values,)*
                    }
                }
            }
        },
        Direction::Response => quote! {
            #doc
            #[derive(Clone, Debug, PartialEq, Eq, Hash)]
            pub enum #name {
                #(
                    #[doc = #variant_docs]
                    #variant_idents,
                )*
                /// A value this SDK does not know yet, kept as received.
                Unknown(String),
            }
            impl #name {
                /// The value as the API spells it.
                pub fn as_str(&self) -> &str {
                    match self {
                        #(Self::#variant_idents => #wire_values,)*
                        Self::Unknown(value) => value,
                    }
                }
            }
            impl std::str::FromStr for #name {
                type Err = std::convert::Infallible;
                fn from_str(value: &str) -> Result<Self, Self::Err> {
                    Ok(match value {
                        #(#wire_values => Self::#variant_idents,)*
                        _ => Self::Unknown(value.to_owned()),
                    })
                }
            }
            crate::types::serde_via_str!(#name);
        },
    }
}

/// `///` lines for a doc, one attribute per line so prettyplease prints them as comments.
fn doc_attrs(doc: &Doc) -> TokenStream {
    let Some(text) = &doc.0 else {
        return TokenStream::new();
    };
    let lines = text.lines().map(|line| {
        if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        }
    });
    quote! { #(#[doc = #lines])* }
}

fn ident(name: &str) -> Ident {
    format_ident!("{}", name, span = Span::call_site())
}
