//! Emit: turns the analysed IR into token streams with `quote!`, one per generated file.
//!
//! Emitting only formats: every decision (names, boxing, derives, validation, ids) was made by
//! lowering or the analysis pass and is read from the IR. One file per kind of output:
//! [`types`] (structs), [`enums`] (enums and unions), [`validate`], [`client`] (methods and
//! multipart parts), [`pagination`], [`events`] (`Webhook::construct_event` in the event
//! family's module), and [`runtime`], which names every path into the SDK's hand-written
//! runtime.
//!
//! The output is three folders, one per crate of the SDK ([`TYPES_DIR`], [`PARAMS_DIR`],
//! [`CLIENT_DIR`]): response types, request types, and per family a module that re-exports
//! both and adds the operations. Types name each other relatively, within their folder;
//! operations name them through the client crate's family modules (`crate::family::Name`).

mod client;
mod enums;
mod events;
mod merge;
mod pagination;
mod resources;
mod runtime;
mod text;
mod types;
mod validate;

use crate::features::FeatureMap;
use crate::ir::{
    Api, Direction, Doc, Operation, ParamsLocation, TypeDef, TypeId, TypeKind, TypeRef,
};
use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};
use std::collections::BTreeMap;

/// One generated file before rendering: its path inside the generated folder, its tokens, and
/// the text its tokens hold placeholders for.
pub struct EmittedFile {
    pub path: String,
    pub tokens: TokenStream,
    pub set_aside: SetAside,
}

impl EmittedFile {
    /// The file of `tokens`, with the text set aside on this thread while they were emitted.
    pub fn new(path: String, tokens: TokenStream) -> EmittedFile {
        let mut set_aside = SetAside::take();
        let tokens = set_aside.merge_runs(tokens);
        EmittedFile {
            path,
            tokens,
            set_aside,
        }
    }
}

/// Text of one file set aside while it is emitted, and written in after formatting. Docs are a
/// third of the generated text, and each line as a `#[doc = "..."]` attribute would be escaped
/// into a literal, parsed by syn and unescaped by prettyplease only to come out as `/// line`;
/// a field's serde attribute is one of a handful, each parsed and laid out again for every
/// field. Instead each is one short placeholder attribute, and [`SetAside::restore`] writes
/// the text in, exactly as prettyplease prints it.
#[derive(Debug, Default)]
pub struct SetAside {
    texts: Vec<SetAsideText>,
}

#[derive(Debug)]
enum SetAsideText {
    /// A doc, printed as `///` lines.
    Doc(String),
    /// Lines prettyplease printed already (see [`prerendered_field_attribute`]), each without
    /// the indentation of the place it goes.
    Formatted(std::sync::Arc<str>),
    /// A whole item, written as text exactly as prettyplease prints it at the column `indent`
    /// (see [`text`]) but starting at column 0; it stands in for the placeholder and the empty
    /// item that carries it, each of its lines indented as the placeholder is.
    Item { text: String, indent: usize },
}

/// Starts a placeholder (a private-use character no spec text is given to emit: every doc line
/// the emitter writes starts with a space, or is empty).
const PLACEHOLDER: &str = "\u{E000}";

/// The empty item that carries an item placeholder, as prettyplease prints it.
const ITEM_CARRIER: &str = "const _: () = ();\n";

thread_local! {
    /// The text set aside on this thread since the last file took it.
    static PENDING: std::cell::RefCell<Vec<SetAsideText>> = const { std::cell::RefCell::new(Vec::new()) };
    /// Whether the emitter on this thread writes the items [`text`] knows as text (on unless a
    /// test compares both ways).
    static ITEMS_AS_TEXT: std::cell::Cell<bool> = const { std::cell::Cell::new(true) };
    /// The field attributes formatted on this thread, by what they are made from.
    static FORMATTED_FIELD_ATTRIBUTES: std::cell::RefCell<rustc_hash::FxHashMap<types::FieldAttributeKey, FieldAttributeLines>> =
        std::cell::RefCell::new(rustc_hash::FxHashMap::default());
}

impl SetAside {
    /// Sets `text` aside and returns the placeholder attribute that stands for it.
    fn placeholder(text: SetAsideText) -> TokenStream {
        let index = PENDING.with(|pending| {
            let mut pending = pending.borrow_mut();
            pending.push(text);
            pending.len() - 1
        });
        let placeholder = format!("{PLACEHOLDER}{index}");
        quote! { #[doc = #placeholder] }
    }

    /// An item written as text: the placeholder, on an empty item that prettyplease prints on
    /// the line after it, where the attributes already before it (its gate) stay.
    fn item(text: String) -> TokenStream {
        SetAside::item_at((text, 0))
    }

    /// An item written as text for the column `indent` (a method, one level or more in); its
    /// carrier is an item where it stands, in an impl block as at the top level.
    fn item_at((text, indent): (String, usize)) -> TokenStream {
        let placeholder = SetAside::placeholder(SetAsideText::Item { text, indent });
        quote! { #placeholder const _: () = (); }
    }

    /// The text set aside on this thread, leaving none.
    fn take() -> SetAside {
        SetAside {
            texts: PENDING.with(|pending| std::mem::take(&mut *pending.borrow_mut())),
        }
    }

    /// `text` (formatted) with every placeholder line replaced by its text at the
    /// placeholder's indentation: a doc's lines as prettyplease prints `#[doc = " line"]`
    /// (`///` and the line without trailing spaces), formatted lines as they are. An error
    /// names a placeholder the table does not have.
    pub fn restore(&self, text: String) -> Result<String, String> {
        if self.texts.is_empty() {
            return Ok(text);
        }
        let marker = format!("///{PLACEHOLDER}");
        let set_aside_length: usize = self
            .texts
            .iter()
            .map(|text| match text {
                SetAsideText::Doc(doc) => doc.len(),
                SetAsideText::Formatted(lines) => lines.len(),
                SetAsideText::Item { text, .. } => text.len() * 2,
            })
            .sum();
        let mut restored = String::with_capacity(text.len() + set_aside_length * 2);
        let mut lines = text.split_inclusive('\n');
        while let Some(line) = lines.next() {
            let content = line.trim_start_matches(' ');
            let Some(index) = content.strip_prefix(marker.as_str()) else {
                restored.push_str(line);
                continue;
            };
            let index = index.trim_end_matches('\n');
            let set_aside = index
                .parse::<usize>()
                .ok()
                .and_then(|index| self.texts.get(index))
                .ok_or_else(|| format!("nothing was set aside for the placeholder `{index}`"))?;
            let indent = &line[..line.len() - content.len()];
            match set_aside {
                SetAsideText::Doc(doc) => push_doc_lines(&mut restored, indent, doc),
                SetAsideText::Formatted(formatted) => {
                    for formatted_line in formatted.lines() {
                        if !formatted_line.is_empty() {
                            restored.push_str(indent);
                            restored.push_str(formatted_line);
                        }
                        restored.push('\n');
                    }
                }
                SetAsideText::Item {
                    text,
                    indent: column,
                } => {
                    // An item measured for one column and printed at another would be laid
                    // out wrongly.
                    if indent.len() != *column {
                        return Err(format!(
                            "the item `{index}` was written for column {column} and is printed at \
                             column {}",
                            indent.len()
                        ));
                    }
                    for item_line in text.split_inclusive('\n') {
                        if item_line != "\n" {
                            restored.push_str(indent);
                        }
                        restored.push_str(item_line);
                    }
                    let carrier = lines.next().and_then(|line| line.strip_prefix(indent));
                    if carrier != Some(ITEM_CARRIER) {
                        return Err(format!("the item `{index}` lost the item that carries it"));
                    }
                }
            }
        }
        Ok(restored)
    }
}

/// A doc's lines as prettyplease prints `#[doc = " line"]` at `indent`: `///` and the line
/// without trailing spaces.
fn push_doc_lines(text: &mut String, indent: &str, doc: &str) {
    for doc_line in doc.lines() {
        text.push_str(indent);
        text.push_str("///");
        if !doc_line.is_empty() {
            text.push(' ');
            text.push_str(doc_line);
            text.truncate(text.trim_end_matches(' ').len());
        }
        text.push('\n');
    }
}

/// The folder of the generated response types (and their decoders), for the crate of their
/// own that cargo compiles on one core while [`PARAMS_DIR`]'s compiles on another.
pub const TYPES_DIR: &str = "types";
/// The folder of the generated request types (params, with their encoders and validation).
/// Request and response types never refer to each other: lowering gives each type one
/// direction, and refuses a component schema used in both.
pub const PARAMS_DIR: &str = "params";
/// The folder of the client crate: one module per resource family, which re-exports the
/// family's types from both crates and holds its operations (client methods, and the traits
/// that pagination, multipart and webhooks need).
pub const CLIENT_DIR: &str = "client";

/// Which of the two types crates a type belongs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Side {
    /// Response types: `stripe-sdk-types`, [`TYPES_DIR`].
    Response,
    /// Request types: `stripe-sdk-params`, [`PARAMS_DIR`].
    Request,
}

impl Side {
    /// The side of a type, by its direction.
    pub fn of(def: &TypeDef) -> Side {
        match def.direction() {
            Direction::Request => Side::Request,
            Direction::Response => Side::Response,
        }
    }

    fn folder(self) -> &'static str {
        match self {
            Side::Response => TYPES_DIR,
            Side::Request => PARAMS_DIR,
        }
    }

    /// The crate of this side, as the client crate names it.
    fn crate_path(self) -> TokenStream {
        match self {
            Side::Response => runtime::types_crate(),
            Side::Request => runtime::params_crate(),
        }
    }
}

/// A module's response types, request types and operations, with their ids (an operation's
/// is its index).
#[derive(Default)]
struct ModuleItems<'a> {
    responses: Vec<(TypeId, &'a TypeDef)>,
    requests: Vec<(TypeId, &'a TypeDef)>,
    operations: Vec<(usize, &'a Operation)>,
}

impl<'a> ModuleItems<'a> {
    fn types(&self, side: Side) -> &[(TypeId, &'a TypeDef)] {
        match side {
            Side::Response => &self.responses,
            Side::Request => &self.requests,
        }
    }
}

/// One file to emit: a folder's `mod.rs`, or one module's part in it.
#[derive(Clone, Copy)]
enum Work<'m, 'a> {
    TypesRoot(Side),
    ClientRoot,
    Resources,
    FeatureOff,
    Types(Side, &'m str, &'m [(TypeId, &'a TypeDef)]),
    /// A module split into parts by initial letter: its file of parts, then each part.
    SplitTypes(Side, &'m str, &'m [(TypeId, &'a TypeDef)]),
    TypesPart(Side, &'m str, char, &'m [(TypeId, &'a TypeDef)]),
    Client(&'m str, &'m ModuleItems<'a>),
}

/// Emits the three folders ([`TYPES_DIR`], [`PARAMS_DIR`], [`CLIENT_DIR`]): each has a
/// `mod.rs` and one file per module with something for it. Each file is handed to `finish`
/// (which renders it), on up to `threads` threads; results come back sorted by path, so the
/// output order never varies.
///
/// Token streams cannot cross threads, so each file is emitted and finished on the thread that
/// made it; only the results come back. With `items_as_text`, the items [`text`] knows are
/// written as text instead of tokens (the output is the same; tests compare the two).
pub fn emit_each<R: Send>(
    api: &Api,
    features: Option<&FeatureMap>,
    threads: usize,
    items_as_text: bool,
    finish: impl Fn(EmittedFile) -> R + Sync,
) -> Vec<R> {
    let mut modules: BTreeMap<&str, ModuleItems<'_>> = BTreeMap::new();
    for (index, def) in api.types.iter().enumerate() {
        let items = modules.entry(&def.module).or_default();
        match Side::of(def) {
            Side::Response => items.responses.push((TypeId(index), def)),
            Side::Request => items.requests.push((TypeId(index), def)),
        }
    }
    for (index, operation) in api.operations.iter().enumerate() {
        modules
            .entry(&operation.module)
            .or_default()
            .operations
            .push((index, operation));
    }
    // Types come in name order within their module, whatever order lowering reached them in,
    // so that a new operation moves no existing type in its file.
    for items in modules.values_mut() {
        items.responses.sort_by(|a, b| a.1.name.cmp(&b.1.name));
        items.requests.sort_by(|a, b| a.1.name.cmp(&b.1.name));
    }
    // The largest files go first: taken in name order, one of the largest could come last
    // and keep one thread busy while the others sit idle.
    let mut work: Vec<Work<'_, '_>> = vec![
        Work::TypesRoot(Side::Response),
        Work::TypesRoot(Side::Request),
        Work::ClientRoot,
        Work::Resources,
    ];
    if features.is_some() {
        work.push(Work::FeatureOff);
    }
    for side in [Side::Response, Side::Request] {
        for (module, items) in &modules {
            let types = items.types(side);
            if types.is_empty() {
                continue;
            }
            if *module != SPLIT_MODULE {
                work.push(Work::Types(side, module, types));
                continue;
            }
            work.push(Work::SplitTypes(side, module, types));
            for (letter, part) in parts_by_letter(types) {
                work.push(Work::TypesPart(side, module, letter, part));
            }
        }
    }
    for (module, items) in &modules {
        work.push(Work::Client(module, items));
    }
    work.sort_by_key(|item| std::cmp::Reverse(emitted_size(item)));
    let handles = resources::Handles::new(api);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let emit_one = |item: Work<'_, '_>| match item {
        Work::TypesRoot(side) => EmittedFile::new(
            format!("{}/mod.rs", side.folder()),
            emit_types_root(side, &modules, features),
        ),
        Work::ClientRoot => EmittedFile::new(
            format!("{CLIENT_DIR}/mod.rs"),
            emit_client_root(api, &modules, features, &handles),
        ),
        Work::Resources => EmittedFile::new(
            format!("{CLIENT_DIR}/{}.rs", resources::RESOURCES_MODULE),
            resources::emit_resources_module(api, features, &handles),
        ),
        Work::FeatureOff => EmittedFile::new(
            format!("{CLIENT_DIR}/{}.rs", resources::FEATURE_OFF_MODULE),
            features
                .map(|features| resources::emit_feature_off_module(api, features, &handles))
                .unwrap_or_default(),
        ),
        Work::Types(side, module, types) => EmittedFile::new(
            format!("{}/{module}.rs", side.folder()),
            Context::new(api, module, features, Paths::Relative).emit_types_module(types),
        ),
        Work::SplitTypes(side, module, types) => EmittedFile::new(
            format!("{}/{module}.rs", side.folder()),
            emit_split_module(side, module, types, features),
        ),
        Work::TypesPart(side, module, letter, types) => EmittedFile::new(
            format!("{}/{module}/{}.rs", side.folder(), part_name(letter)),
            Context::new(api, module, features, Paths::Part).emit_types_module(types),
        ),
        Work::Client(module, items) => EmittedFile::new(
            format!("{CLIENT_DIR}/{module}.rs"),
            Context::new(api, module, features, Paths::Absolute)
                .emit_client_module(items, &handles),
        ),
    };
    let worker = || {
        ITEMS_AS_TEXT.with(|flag| flag.set(items_as_text));
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

/// A rough measure of how much code a file becomes: one unit per field, variant and type, and
/// a few per operation (its method, its blocking twin and their docs).
fn emitted_size(work: &Work<'_, '_>) -> usize {
    let types_size = |types: &[(TypeId, &TypeDef)]| -> usize {
        types
            .iter()
            .map(|(_, def)| {
                1 + match &def.kind {
                    TypeKind::Struct(def) => def.fields.len(),
                    TypeKind::Enum(def) => def.variants.len(),
                    TypeKind::Union(def) => def.variants.len(),
                    TypeKind::Alias(_) => 0,
                }
            })
            .sum()
    };
    match work {
        Work::TypesRoot(_) | Work::ClientRoot => 0,
        Work::Resources | Work::FeatureOff => 0,
        Work::Types(_, _, types) | Work::TypesPart(_, _, _, types) => types_size(types),
        Work::SplitTypes(..) => 0,
        Work::Client(_, items) => 8 * items.operations.len(),
    }
}

/// The module of the types that several resources share: no resource's alone, it grows with
/// the API (16,500 lines for the 2023-08-16 spec), so it is split into one file per initial
/// letter of its types' names. A letter is a stable place: a new type adds to its letter's file
/// and moves no other.
const SPLIT_MODULE: &str = "shared";

/// The types of a module (in name order) in runs of one initial letter.
fn parts_by_letter<'m, 'a>(
    types: &'m [(TypeId, &'a TypeDef)],
) -> Vec<(char, &'m [(TypeId, &'a TypeDef)])> {
    let letter = |def: &TypeDef| def.name.chars().next().unwrap_or('_').to_ascii_lowercase();
    let mut parts = Vec::new();
    let mut start = 0;
    while start < types.len() {
        let first = letter(types[start].1);
        let end = types[start..]
            .iter()
            .position(|(_, def)| letter(def) != first)
            .map_or(types.len(), |offset| start + offset);
        parts.push((first, &types[start..end]));
        start = end;
    }
    parts
}

/// The file and module name of the part of a split module whose types start with `letter`.
fn part_name(letter: char) -> String {
    format!("part_{letter}")
}

/// A split module's own file: each part, declared and re-exported whole under its gate.
fn emit_split_module(
    side: Side,
    module: &str,
    types: &[(TypeId, &TypeDef)],
    features: Option<&FeatureMap>,
) -> TokenStream {
    let doc = format!(
        " The `{module}` {}: several resources use them. One file per initial letter of their names.",
        match side {
            Side::Request => "request types",
            Side::Response => "response types",
        }
    );
    let parts = parts_by_letter(types).into_iter().map(|(letter, part)| {
        let gate = types_gate(part, features);
        let name = ident(&part_name(letter));
        quote! {
            #gate
            mod #name;
            #gate
            pub use self::#name::*;
        }
    });
    quote! {
        #![doc = #doc]
        #(#parts)*
    }
}

/// The features any of which turns on one of `types` (`None` without features).
fn types_gate(types: &[(TypeId, &TypeDef)], features: Option<&FeatureMap>) -> Option<TokenStream> {
    let features = features?;
    let gates: std::collections::BTreeSet<&String> = types
        .iter()
        .filter_map(|(id, _)| features.type_gates.get(id.index()))
        .collect();
    let gates: Vec<String> = gates.into_iter().cloned().collect();
    Some(cfg_any(&gates))
}

/// A types folder's `mod.rs`: every module with types of its side, each re-exported whole.
fn emit_types_root(
    side: Side,
    modules: &BTreeMap<&str, ModuleItems<'_>>,
    features: Option<&FeatureMap>,
) -> TokenStream {
    let doc = match side {
        Side::Response => {
            " Response types generated from the OpenAPI document, one module per resource family."
        }
        Side::Request => {
            " Request types (params) generated from the OpenAPI document, one module per resource family."
        }
    };
    let items = modules
        .iter()
        .filter(|(_, items)| !items.types(side).is_empty())
        .map(|(module, items)| {
            let gate = types_gate(items.types(side), features);
            let name = ident(module);
            quote! {
                #gate
                pub mod #name;
                #gate
                pub use self::#name::*;
            }
        });
    quote! {
        #![doc = #doc]
        #(#items)*
    }
}

/// The client folder's `mod.rs`: the API version, and every module, each re-exported whole
/// when it has types.
fn emit_client_root(
    api: &Api,
    modules: &BTreeMap<&str, ModuleItems<'_>>,
    features: Option<&FeatureMap>,
    handles: &resources::Handles,
) -> TokenStream {
    let version = &api.api_version;
    let feature_off = features.map(|_| {
        let name = ident(resources::FEATURE_OFF_MODULE);
        quote! {
            #[doc(hidden)]
            pub mod #name;
        }
    });
    let items = modules.iter().map(|(module, items)| {
        let own = features.map(|features| module_features(api, module, items, features));
        // The module is also compiled for a handle that lives there, but its types are
        // re-exported only under their own features (an empty glob import would be a warning).
        let gate = features.zip(own.as_ref()).map(|(features, own)| {
            let mut gates = own.clone();
            gates.extend(handles.module_gates(api, features, module));
            gates.sort();
            gates.dedup();
            cfg_any(&gates)
        });
        let reexport_gate = own.as_deref().map(cfg_any);
        let name = ident(module);
        // A module that only adds client methods has nothing to re-export, and an empty glob
        // import would be a warning.
        let has_types = !items.responses.is_empty() || !items.requests.is_empty();
        let reexport = has_types.then(|| {
            quote! {
                #reexport_gate
                pub use self::#name::*;
            }
        });
        quote! {
            #gate
            pub mod #name;
            #reexport
        }
    });
    let construct_event_off = features.and_then(|features| {
        let envelope = api.events.as_ref()?.envelope;
        events::emit_construct_event_off(features.impl_gates.get(envelope.index())?)
    });
    quote! {
        #![doc = " Types and operations generated from the OpenAPI document, one module per resource family."]
        /// The API version this code was generated from; the client sends it as `Stripe-Version`.
        pub const API_VERSION: &str = #version;
        #(#items)*
        pub mod resources;
        #construct_event_off
        #feature_off
    }
}

/// The features any of which turns on something in a module of the client folder: one of its
/// types, one of its operations, or `Webhook::construct_event` (under the event envelope's
/// decoder's gate).
fn module_features(
    api: &Api,
    module: &str,
    items: &ModuleItems<'_>,
    features: &FeatureMap,
) -> Vec<String> {
    let mut gates: std::collections::BTreeSet<String> = items
        .responses
        .iter()
        .chain(&items.requests)
        .filter_map(|(id, _)| features.type_gates.get(id.index()).cloned())
        .collect();
    gates.extend(
        items
            .operations
            .iter()
            .filter_map(|(index, _)| features.operation_gates.get(*index).cloned()),
    );
    if let Some(gate) =
        envelope_in(api, module).and_then(|envelope| features.impl_gates.get(envelope.index()))
    {
        gates.insert(gate.clone());
    }
    gates.into_iter().collect()
}

/// The webhook event envelope, when it is in `module`, whose client module then defines
/// `Webhook::construct_event`.
fn envelope_in(api: &Api, module: &str) -> Option<TypeId> {
    let envelope = api.events.as_ref()?.envelope;
    (api.type_def(envelope).module == module).then_some(envelope)
}

/// What emitting one module needs: the whole IR, which module it is writing, the Cargo
/// features that gate each item (standalone crates only), and how it names types.
struct Context<'a> {
    api: &'a Api,
    module: &'a str,
    features: Option<&'a FeatureMap>,
    paths: Paths,
}

/// How a generated file names a generated type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Paths {
    /// From a sibling module in the types folder: `Name` or `super::module::Name`.
    Relative,
    /// From a part of a split module in the types folder ([`SPLIT_MODULE`]): `super::Name`
    /// (the module re-exports its parts) or `super::super::module::Name`.
    Part,
    /// From the client folder, whose modules re-export the types of both types crates:
    /// `crate::module::Name`.
    Absolute,
}

impl<'a> Context<'a> {
    fn new(api: &'a Api, module: &'a str, features: Option<&'a FeatureMap>, paths: Paths) -> Self {
        Context {
            api,
            module,
            features,
            paths,
        }
    }
}

/// The type's operationId-era names, as deprecated aliases hidden from the docs: a program
/// written against them builds, warned to use the type's name.
fn emit_deprecated_names(def: &TypeDef, gate: Option<&TokenStream>) -> Vec<TokenStream> {
    let name = ident(&def.name);
    def.deprecated_names
        .iter()
        .map(|old| {
            let note = format!("renamed to `{}`", def.name);
            if let Some(item) = text_item(|| deprecated_name_text(old, &def.name, &note)) {
                return quote! { #gate #item };
            }
            let old = ident(old);
            quote! {
                #gate
                #[deprecated(note = #note)]
                #[doc(hidden)]
                pub type #old = #name;
            }
        })
        .collect()
}

/// A deprecated name as text (see [`text`]).
fn deprecated_name_text(old: &str, name: &str, note: &str) -> Option<String> {
    let note = text::string_literal(note)?;
    let mut item = text::Item::new();
    item.attribute_of_literals(0, "deprecated", &[&format!("note = {note}")]);
    item.line(0, &["#[doc(hidden)]"]);
    // prettyplease never breaks a type alias of a plain name, however long.
    item.doc(0, &format!("pub type {old} = {name};"));
    item.finish()
}

impl Context<'_> {
    /// A module of the types folder: each type's definition and impls, each behind its gate.
    fn emit_types_module(&self, types: &[(TypeId, &TypeDef)]) -> TokenStream {
        let doc = format!(
            " The `{}` resource family's {}.",
            self.module,
            match types.first().map(|(_, def)| Side::of(def)) {
                Some(Side::Request) => "request types",
                Some(Side::Response) | None => "response types",
            }
        );
        let items = types.iter().flat_map(|(id, def)| {
            let gate = self.type_gate(*id);
            // A type reached only through expandable fields under some features is declared
            // under all of them, but its derives and impls (its decoder among them) come only
            // with the features that decode it.
            let impl_gate = self.impl_gate(*id);
            let derives = match &impl_gate {
                Some(feature) => DeriveGate::Feature(feature),
                None => DeriveGate::Always,
            };
            // With features, a type's docs end by naming the features that enable it.
            let documented;
            let def = match self.feature_doc(*id) {
                Some(line) => {
                    let mut copy = (*def).clone();
                    let text = copy.doc.0.take().unwrap_or_default();
                    copy.doc = Doc(Some(if text.is_empty() {
                        line
                    } else {
                        format!("{text}\n\n{line}")
                    }));
                    documented = copy;
                    &documented
                }
                None => *def,
            };
            let TypeItems {
                definition,
                mut impls,
            } = self.emit_type(def, derives);
            impls.extend(self.emit_operation_params_impls(*id, def));
            if let Some(events) = self
                .api
                .events
                .as_ref()
                .filter(|events| events.envelope == *id)
            {
                impls.push(events::emit_event_envelope(
                    &def.name,
                    &self.api.api_version,
                ));
                impls.push(self.emit_event_kind(events));
            }
            let impl_gate = match &impl_gate {
                Some(feature) => Some(quote! { #[cfg(feature = #feature)] }),
                None => gate.clone(),
            };
            let impls: Vec<TokenStream> = impls
                .into_iter()
                .map(|item| quote! { #impl_gate #item })
                .collect();
            let deprecated = emit_deprecated_names(def, gate.as_ref());
            std::iter::once(quote! { #gate #definition })
                .chain(impls)
                .chain(deprecated)
        });
        quote! {
            #![doc = #doc]
            #(#items)*
        }
    }

    /// The traits that an operation's params implement for the client's runtime, beside the
    /// params type (the traits come from the params' runtime): the cursor setter of a
    /// paginated operation's params, the file parts of a multipart operation's. Each impl
    /// once, however many operations share the type.
    fn emit_operation_params_impls(&self, id: TypeId, def: &TypeDef) -> Vec<TokenStream> {
        let name = ident(&def.name);
        let name = quote! { #name };
        let using = || {
            self.api
                .operations
                .iter()
                .filter(move |operation| operation.params.is_some_and(|p| p.type_id == id))
        };
        let cursor = using().find_map(|operation| self.emit_cursor_impl(&name, operation));
        let multipart = using()
            .find(|operation| {
                operation
                    .params
                    .is_some_and(|params| params.location == ParamsLocation::Multipart)
            })
            .and_then(|_| match &def.kind {
                TypeKind::Struct(body) => Some(client::emit_multipart_files(&name, def, body)),
                TypeKind::Enum(_) | TypeKind::Union(_) | TypeKind::Alias(_) => None,
            });
        cursor.into_iter().chain(multipart).collect()
    }

    /// A module of the client folder: the family's types, re-exported from both types crates,
    /// then the client methods of its operations and the traits they need, and
    /// `Webhook::construct_event` if the event envelope is here (under the gate of the
    /// envelope's decoder, so it exists exactly when `Event` decodes).
    fn emit_client_module(
        &self,
        items: &ModuleItems<'_>,
        handles: &resources::Handles,
    ) -> TokenStream {
        let doc = format!(" The `{}` resource family.", self.module);
        let name = ident(self.module);
        let reexports = [Side::Response, Side::Request]
            .into_iter()
            .filter_map(|side| {
                let types = items.types(side);
                if types.is_empty() {
                    return None;
                }
                let gate = types_gate(types, self.features);
                let krate = side.crate_path();
                Some(quote! {
                    #gate
                    pub use #krate::#name::*;
                })
            });
        let construct_event = envelope_in(self.api, self.module).map(|id| {
            let gate = self
                .features
                .and_then(|features| features.impl_gates.get(id.index()))
                .map(|feature| quote! { #[cfg(feature = #feature)] });
            let envelope = self.api.type_def(id);
            let item = events::emit_construct_event(&envelope.module, &envelope.name);
            quote! { #gate #item }
        });
        let operations = &items.operations;
        let client_impl = (!operations.is_empty()).then(|| self.emit_client_impl(operations));
        let handles = resources::emit_module_handles(self.api, self.features, handles, self.module);
        quote! {
            #![doc = #doc]
            #(#reexports)*
            #construct_event
            #client_impl
            #handles
        }
    }

    /// A type's definition and its impls.
    fn emit_type(&self, def: &TypeDef, derives: DeriveGate<'_>) -> TypeItems {
        match &def.kind {
            TypeKind::Struct(body) => self.emit_struct(def, body, derives),
            TypeKind::Enum(body) => enums::emit_enum(def, body, derives),
            TypeKind::Union(body) => self.emit_union(def, body, derives),
            TypeKind::Alias(target) => self.emit_alias(def, *target),
        }
    }

    /// `pub type Name = Target;` for a request type of the same shape as an earlier one.
    fn emit_alias(&self, def: &TypeDef, target: TypeId) -> TypeItems {
        let path = self.type_path(target);
        let doc = format!(
            " The same shape as [`{}`], under the name of its place here.",
            self.api.type_def(target).name
        );
        if let Some(definition) = text_item(|| {
            let mut item = text::Item::new();
            item.doc(0, &format!("///{doc}"));
            // prettyplease never breaks a type alias of a path, however long.
            item.doc(
                0,
                &format!("pub type {} = {};", def.name, text::path_text(path.clone())),
            );
            item.finish()
        }) {
            return TypeItems {
                definition,
                impls: Vec::new(),
            };
        }
        let name = ident(&def.name);
        TypeItems {
            definition: quote! {
                #[doc = #doc]
                pub type #name = #path;
            },
            impls: Vec::new(),
        }
    }

    /// The sentence that names the features enabling a type, in a standalone crate.
    fn feature_doc(&self, id: TypeId) -> Option<String> {
        let features = self.features?;
        let gate = features.type_gates.get(id.index())?;
        let enabling: Vec<&String> = if gate.starts_with('_') {
            features
                .features
                .iter()
                .filter(|(feature, enables)| !feature.starts_with('_') && enables.contains(gate))
                .map(|(feature, _)| feature)
                .collect()
        } else {
            vec![gate]
        };
        let own = &self.api.type_def(id).module;
        if enabling.len() > 1 && enabling.contains(&own) {
            return Some(format!(
                "Needs the Cargo feature `{own}`, or that of any of the {} other resources that use it.",
                enabling.len() - 1
            ));
        }
        let named: Vec<String> = enabling
            .iter()
            .take(5)
            .map(|name| format!("`{name}`"))
            .collect();
        Some(match enabling.len() {
            0 => return None,
            1 => format!("Needs the Cargo feature {}.", named[0]),
            count if count <= 5 => format!("Needs one of the Cargo features {}.", named.join(", ")),
            count => format!(
                "Needs the Cargo feature of a resource that uses it: {} or {} more.",
                named.join(", "),
                count - 5
            ),
        })
    }

    /// The `#[cfg]` that turns a type on, in a standalone crate with features.
    fn type_gate(&self, id: TypeId) -> Option<TokenStream> {
        let gate = self.features?.type_gates.get(id.index())?;
        Some(quote! { #[cfg(feature = #gate)] })
    }

    /// The feature that turns a type's impls on, when it is narrower than the one that
    /// declares the type (see [`FeatureMap::impl_gates`]).
    fn impl_gate(&self, id: TypeId) -> Option<String> {
        let features = self.features?;
        let declared = features.type_gates.get(id.index())?;
        let decoded = features.impl_gates.get(id.index())?;
        (decoded != declared).then(|| decoded.clone())
    }

    /// The `#[cfg]` that turns an operation on: its family's feature.
    fn operation_gate(&self, index: usize) -> Option<TokenStream> {
        let gate = self.features?.operation_gates.get(index)?;
        Some(quote! { #[cfg(feature = #gate)] })
    }

    /// The module's operations: every method on the async client and its blocking twin on
    /// the blocking client, each behind its operation's gate.
    fn emit_client_impl(&self, operations: &[(usize, &Operation)]) -> TokenStream {
        let gated = |index: usize, item: TokenStream| {
            let gate = self.operation_gate(index);
            quote! { #gate #item }
        };
        let methods = operations
            .iter()
            .map(|(index, operation)| gated(*index, self.emit_method(operation)));
        let blocking_methods = operations
            .iter()
            .map(|(index, operation)| gated(*index, self.emit_blocking_method(operation)));
        let (streams, blocking_iters): (Vec<TokenStream>, Vec<TokenStream>) = operations
            .iter()
            .filter_map(|(index, operation)| {
                let (stream, iter) = self.emit_stream_methods(operation)?;
                Some((gated(*index, stream), gated(*index, iter)))
            })
            .unzip();
        let client = runtime::client();
        let blocking_client = runtime::blocking_client();
        quote! {
            impl #client { #(#methods)* #(#streams)* }
            #[cfg(feature = "blocking")]
            impl #blocking_client { #(#blocking_methods)* #(#blocking_iters)* }
        }
    }

    /// A path to a named type from the module being emitted.
    fn type_path(&self, id: TypeId) -> TokenStream {
        let def = self.api.type_def(id);
        let type_ident = ident(&def.name);
        let module = ident(&def.module);
        match self.paths {
            Paths::Relative if def.module == self.module => quote! { #type_ident },
            Paths::Relative => quote! { super::#module::#type_ident },
            Paths::Part if def.module == self.module => quote! { super::#type_ident },
            Paths::Part => quote! { super::super::#module::#type_ident },
            Paths::Absolute => quote! { crate::#module::#type_ident },
        }
    }

    fn rust_type(&self, ty: &TypeRef) -> TokenStream {
        match ty {
            TypeRef::String { .. } => quote! { String },
            TypeRef::Integer { .. } => quote! { i64 },
            TypeRef::Number => quote! { f64 },
            TypeRef::Boolean => quote! { bool },
            TypeRef::Json => quote! { serde_json::Value },
            TypeRef::RangeQuery => runtime::range_query(),
            TypeRef::File => runtime::file_upload(),
            TypeRef::Array(item) => self.generic(quote! { Vec }, item),
            TypeRef::Map(value) => {
                let value = self.rust_type(value);
                quote! { std::collections::BTreeMap<String, #value> }
            }
            TypeRef::Expandable(inner) => self.generic(runtime::expandable(), inner),
            TypeRef::List(item) => self.generic(runtime::list(), item),
            TypeRef::SearchResult(item) => self.generic(runtime::search_result(), item),
            TypeRef::Unsettable(inner) => self.generic(runtime::unsettable(), inner),
            TypeRef::Named(id) => self.type_path(*id),
            TypeRef::Boxed(id) => {
                let path = self.type_path(*id);
                quote! { Box<#path> }
            }
        }
    }

    /// [`Self::type_path`] as text, as [`text::path_text`] writes the tokens.
    fn type_path_text(&self, id: TypeId) -> String {
        let def = self.api.type_def(id);
        let (name, module) = (&def.name, &def.module);
        match self.paths {
            Paths::Relative if def.module == self.module => name.clone(),
            Paths::Relative => format!("super::{module}::{name}"),
            Paths::Part if def.module == self.module => format!("super::{name}"),
            Paths::Part => format!("super::super::{module}::{name}"),
            Paths::Absolute => format!("crate::{module}::{name}"),
        }
    }

    /// [`Self::rust_type`] as text, as [`text::type_text`] writes the tokens (which it does
    /// for every type this makes: paths and their generic arguments only).
    fn rust_type_text(&self, ty: &TypeRef) -> String {
        type_ref_text(ty, Spelling::Full, &|id| self.type_path_text(id))
    }

    /// `Wrapper<Inner>` for a one-parameter generic around another type.
    fn generic(&self, wrapper: TokenStream, inner: &TypeRef) -> TokenStream {
        let inner = self.rust_type(inner);
        quote! { #wrapper<#inner> }
    }
}

/// How [`type_ref_text`] writes the paths of the runtime's types and of std's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Spelling {
    /// As the generated code names them (`crate::Expandable`, `std::collections::BTreeMap`).
    Full,
    /// By their last segment (`Expandable`, `BTreeMap`), as the surface record lists them.
    Short,
}

/// A use of a type as Rust text, spelled as `spelling` says, each named type as `named` writes
/// its path: one writer for the text items and the surface record.
pub(crate) fn type_ref_text(
    ty: &TypeRef,
    spelling: Spelling,
    named: &dyn Fn(TypeId) -> String,
) -> String {
    let path = |tokens: TokenStream| {
        let full = text::path_text(tokens);
        match spelling {
            Spelling::Full => full,
            Spelling::Short => full.rsplit("::").next().unwrap_or_default().to_owned(),
        }
    };
    let inner = |ty: &TypeRef| type_ref_text(ty, spelling, named);
    let generic = |wrapper: TokenStream, ty: &TypeRef| format!("{}<{}>", path(wrapper), inner(ty));
    match ty {
        TypeRef::String { .. } => "String".to_owned(),
        TypeRef::Integer { .. } => "i64".to_owned(),
        TypeRef::Number => "f64".to_owned(),
        TypeRef::Boolean => "bool".to_owned(),
        TypeRef::Json => "serde_json::Value".to_owned(),
        TypeRef::RangeQuery => path(runtime::range_query()),
        TypeRef::File => path(runtime::file_upload()),
        TypeRef::Array(item) => format!("Vec<{}>", inner(item)),
        TypeRef::Map(value) => format!(
            "{}<String, {}>",
            path(quote! { std::collections::BTreeMap }),
            inner(value)
        ),
        TypeRef::Expandable(ty) => generic(runtime::expandable(), ty),
        TypeRef::List(item) => generic(runtime::list(), item),
        TypeRef::SearchResult(item) => generic(runtime::search_result(), item),
        TypeRef::Unsettable(ty) => generic(runtime::unsettable(), ty),
        TypeRef::Named(id) => named(*id),
        TypeRef::Boxed(id) => format!("Box<{}>", named(*id)),
    }
}

/// A type's definition and its impls, apart so that each can carry its own gate.
struct TypeItems {
    definition: TokenStream,
    impls: Vec<TokenStream>,
}

/// Whether a type's derives apply whenever it is declared, or only under the feature that
/// turns its impls on.
#[derive(Debug, Clone, Copy)]
enum DeriveGate<'a> {
    Always,
    Feature(&'a str),
}

impl DeriveGate<'_> {
    /// `#[derive(traits)]`, gated as needed.
    fn derive(self, traits: TokenStream) -> TokenStream {
        match self {
            DeriveGate::Always => quote! { #[derive(#traits)] },
            DeriveGate::Feature(feature) => {
                quote! { #[cfg_attr(feature = #feature, derive(#traits))] }
            }
        }
    }

    /// [`DeriveGate::derive`] as a line of text (see [`text`]); `None` for a feature that
    /// would need escaping.
    fn derive_text(self, item: &mut text::Item, traits: &str) -> Option<()> {
        match self {
            DeriveGate::Always => item.line(0, &["#[derive(", traits, ")]"]),
            DeriveGate::Feature(feature) => {
                let feature = text::string_literal(feature)?;
                item.cfg_attr(
                    0,
                    &format!("feature = {feature}"),
                    &format!("derive({traits})"),
                );
            }
        }
        Some(())
    }

    /// The `cfg` predicate under which a response type derives `Serialize`.
    fn serialize(self) -> TokenStream {
        self.with_feature(runtime::SERIALIZE_FEATURE)
    }

    /// `#[derive(PartialEq)]` for a response type, under its feature.
    fn partial_eq(self) -> TokenStream {
        let predicate = self.with_feature(runtime::PARTIAL_EQ_FEATURE);
        quote! { #[cfg_attr(#predicate, derive(PartialEq))] }
    }

    /// [`DeriveGate::with_feature`] as text; `None` for a feature that would need escaping.
    fn with_feature_text(self, optional: &str) -> Option<String> {
        let optional = text::string_literal(optional)?;
        Some(match self {
            DeriveGate::Always => format!("feature = {optional}"),
            DeriveGate::Feature(feature) => {
                let feature = text::string_literal(feature)?;
                format!("all(feature = {optional}, feature = {feature})")
            }
        })
    }

    /// The `cfg` predicate for an optional derive's `feature` together with this gate.
    fn with_feature(self, optional: &str) -> TokenStream {
        match self {
            DeriveGate::Always => quote! { feature = #optional },
            DeriveGate::Feature(feature) => {
                quote! { all(feature = #optional, feature = #feature) }
            }
        }
    }
}

/// `#[cfg(feature = "a")]`, or `#[cfg(any(feature = "a", feature = "b", ...))]`.
fn cfg_any(features: &[String]) -> TokenStream {
    match features {
        [single] => quote! { #[cfg(feature = #single)] },
        several => quote! { #[cfg(any(#(feature = #several),*))] },
    }
}

/// `///` lines for a doc: a placeholder attribute that rendering replaces by the doc's lines
/// (see [`SetAside`]).
fn doc_attrs(doc: &Doc) -> TokenStream {
    match &doc.0 {
        Some(text) if text.lines().next().is_some() => {
            SetAside::placeholder(SetAsideText::Doc(text.clone()))
        }
        _ => TokenStream::new(),
    }
}

/// A field attribute's lines as prettyplease prints them one level in, each without that
/// indentation, formatted once per thread for every field whose attribute has the same
/// inputs (`key`; `attribute` makes the tokens on the first use only): `Some(None)` for a
/// field without one, `None` for tokens that do not format as a field attribute. Prettyplease
/// lays an attribute out by the width left at its indentation, and generated fields are always
/// one level in (the fields of top-level items), as the attribute is formatted here; the lines
/// are set aside (see [`SetAside`]) and written in at the field's indentation.
fn formatted_field_attribute(
    key: types::FieldAttributeKey,
    attribute: impl FnOnce() -> Option<TokenStream>,
) -> FieldAttributeLines {
    FORMATTED_FIELD_ATTRIBUTES.with(|formatted| {
        if let Some(lines) = formatted.borrow().get(&key) {
            return lines.clone();
        }
        let lines = match attribute() {
            None => Some(None),
            Some(attribute) => format_field_attribute(&attribute).map(Some),
        };
        formatted.borrow_mut().insert(key, lines.clone());
        lines
    })
}

/// A field's formatted attribute lines: `Some(None)` for a field without an attribute, `None`
/// for an attribute that stays tokens (see [`formatted_field_attribute`]).
type FieldAttributeLines = Option<Option<std::sync::Arc<str>>>;

/// The lines of [`formatted_field_attribute`], printed by prettyplease.
fn format_field_attribute(attribute: &TokenStream) -> Option<std::sync::Arc<str>> {
    let file: syn::File =
        syn::parse2(quote! { struct Formatted { #attribute field: (), } }).ok()?;
    let printed = prettyplease::unparse(&file);
    let body = printed
        .strip_prefix("struct Formatted {\n")?
        .strip_suffix("    field: (),\n}\n")?;
    let lines: String = body
        .lines()
        .map(|line| format!("{}\n", line.strip_prefix("    ").unwrap_or(line)))
        .collect();
    Some(lines.into())
}

/// The item that `write` writes as text, as its placeholder, when this thread writes items as
/// text and `write` knows the item's layout (see [`text`]); `None` leaves it to tokens.
fn text_item(write: impl FnOnce() -> Option<String>) -> Option<TokenStream> {
    if !ITEMS_AS_TEXT.with(std::cell::Cell::get) {
        return None;
    }
    write().map(SetAside::item)
}

/// [`text_item`] for an item printed at a column of its own (`write` gives the column with the
/// text): a method in an impl block.
fn text_item_at(write: impl FnOnce() -> Option<(String, usize)>) -> Option<TokenStream> {
    if !ITEMS_AS_TEXT.with(std::cell::Cell::get) {
        return None;
    }
    write().map(SetAside::item_at)
}

fn ident(name: &str) -> Ident {
    format_ident!("{}", name, span = Span::call_site())
}
