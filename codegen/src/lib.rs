//! The Stripe SDK generator: load -> check -> lower to IR -> emit tokens -> render text.
//!
//! The library reads text and returns text; it never touches the file system, so `xtask` owns
//! every path and write, and tests can run it on strings.
//!
//! # The pipeline
//!
//! [`load`] parses the document; [`lower`] checks it and builds the IR ([`ir`]): a registry of
//! types that refer to each other by [`ir::TypeId`], with every name final; [`analysis`] stores
//! each derived fact on the IR once; [`emit`] formats the IR as tokens, one file per module in
//! each of the SDK's three crates (the most repetitive items, half the functions, as the text
//! prettyplease would print, with a placeholder in the tokens; see `emit/text.rs`); [`render`]
//! prints them with prettyplease and writes the text in. [`runtime`] lists
//! the SDK's hand-written modules, which generated code reaches only through the paths in
//! `emit/runtime.rs`.
//!
//! # How to add a construct
//!
//! 1. **The IR** (`ir.rs`): add the variant (to [`ir::TypeRef`], [`ir::TypeKind`], ...) with
//!    what it needs to say. Every match over IR enums is exhaustive, so the compiler now lists
//!    each stage that must handle it.
//! 2. **Lowering** (`lower/`): recognise it in the file of its construct (`schemas.rs`
//!    dispatches on the schema; `objects.rs`, `enums.rs`, `unions.rs`, `params.rs`,
//!    `responses.rs`, `operations.rs`; Stripe's conventions in `stripe.rs`). Context such as
//!    the place in a multipart body travels in the `SchemaSite`; new types get their id and
//!    name from the registry (`lower/registry.rs`).
//! 3. **Analysis** (`analysis.rs`): derive any fact the emitter needs (derives, `Default`,
//!    validation, `HasId`, boxing) and store it on [`ir::TypeFacts`] or
//!    [`ir::OperationFacts`].
//! 4. **Emit** (`emit/`): format it in the file of its kind of output, reaching the runtime only
//!    through `emit/runtime.rs` (and adding to the runtime of the crate it belongs in, under
//!    `generated/`, if needed).
//! 5. **Features** (`features.rs`), if it references types in a new way.
//! 6. **Prove it**: add it to `shapes/shapes.yaml`, run `cargo xtask regen`, and add a test to
//!    `shapes/tests/shapes.rs` that encodes or decodes through it; `cargo test` builds the
//!    shapes crate with warnings denied. Refusals get a fixture and a pinned message in
//!    `codegen/tests/`.

pub mod analysis;
pub mod api_diff;
pub mod emit;
pub mod error;
pub mod fake;
pub mod features;
pub mod ir;
pub mod load;
pub mod lower;
pub mod naming;
pub mod pointer;
pub mod render;
pub mod runtime;
pub mod surface;

pub use error::{Error, SpecErrorKind};

/// The module (and, in standalone crates, the Cargo feature) of the types that belong to no
/// resource family.
pub const SHARED_MODULE: &str = "shared";
pub use lower::Selection;
pub use render::GeneratedFile;

use serde::Deserialize;

/// What `cargo xtask regen` generates: the config file beside the project's spec.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The spec to read, relative to the workspace root.
    pub spec: String,
    /// The operationIds to generate, in this order.
    pub operations: Vec<String>,
}

impl Config {
    /// Parses the YAML config read from `file`, refusing an empty or repeated selection.
    pub fn parse(file: &str, text: &str) -> Result<Config, Error> {
        let config: Config = load::parse_document(file, text, load::Format::Yaml)?;
        let config_error = |message: String| Error::Config {
            file: file.to_owned(),
            message,
        };
        if config.operations.is_empty() {
            return Err(config_error(
                "`operations` is empty: name at least one operationId".to_owned(),
            ));
        }
        for (i, id) in config.operations.iter().enumerate() {
            if config.operations[..i].contains(id) {
                return Err(config_error(format!(
                    "operationId `{id}` is listed twice in `operations`"
                )));
            }
        }
        Ok(config)
    }
}

/// What one generation needs besides the spec text.
#[derive(Debug, Clone, Copy)]
pub struct Options<'a> {
    /// The spec's path as the header and error messages show it.
    pub spec_file: &'a str,
    /// The command that regenerates the output, named in every file's header.
    pub command: &'a str,
}

/// Generates the SDK's files from a spec's text.
pub fn generate(
    spec_text: &str,
    selection: &Selection,
    options: Options<'_>,
) -> Result<Vec<GeneratedFile>, Error> {
    let spec = load::parse_spec(options.spec_file, spec_text)?;
    let api = lower::lower_and_drop_spec(spec, options.spec_file, selection)?;
    render_api(&api, options)
}

/// Generates from an already parsed spec (benchmarks time the stages apart).
pub fn generate_from(
    spec: &openapiv3::OpenAPI,
    selection: &Selection,
    options: Options<'_>,
) -> Result<Vec<GeneratedFile>, Error> {
    let api = lower::lower(spec, options.spec_file, selection)?;
    render_api(&api, options)
}

/// Emits and renders lowered IR (callers that also need the IR, such as the standalone crate
/// writer that lists which component became which type, lower first and call this).
pub fn render_api(api: &ir::Api, options: Options<'_>) -> Result<Vec<GeneratedFile>, Error> {
    render_with_features(api, options, None)
}

/// [`render_with_features`] with every item formatted from tokens by prettyplease, none
/// written as text: the reference that the items written as text are tested against.
pub fn render_all_from_tokens(
    api: &ir::Api,
    options: Options<'_>,
    features: Option<&features::FeatureMap>,
) -> Result<Vec<GeneratedFile>, Error> {
    render_files(api, options, features, false)
}

/// [`render_api`], gating each module on its Cargo feature (for standalone crates).
pub fn render_with_features(
    api: &ir::Api,
    options: Options<'_>,
    features: Option<&features::FeatureMap>,
) -> Result<Vec<GeneratedFile>, Error> {
    render_files(api, options, features, true)
}

fn render_files(
    api: &ir::Api,
    options: Options<'_>,
    features: Option<&features::FeatureMap>,
    items_as_text: bool,
) -> Result<Vec<GeneratedFile>, Error> {
    let header = render::header(options.command, options.spec_file);
    // Rendering dominates generation time and each file is independent, so files are emitted
    // and rendered on every core; the output does not depend on the order they finish in.
    let threads = std::thread::available_parallelism().map_or(1, |count| count.get());
    emit::emit_each(api, features, threads, items_as_text, |file| {
        render::render(file, &header)
    })
    .into_iter()
    .collect()
}

/// The generator's output split by folder ([`emit::TYPES_DIR`], [`emit::PARAMS_DIR`],
/// [`emit::CLIENT_DIR`]), each file's path relative to its folder.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Folders {
    pub types: Vec<GeneratedFile>,
    pub params: Vec<GeneratedFile>,
    pub client: Vec<GeneratedFile>,
}

/// Splits generated files by folder (see [`Folders`]). Every file the emitter makes is in one
/// of the three; any other path stays whole, in `client`, so nothing is lost.
pub fn split_folders(files: &[GeneratedFile]) -> Folders {
    let mut folders = Folders::default();
    for file in files {
        let in_folder = |folder: &str| {
            file.path
                .strip_prefix(folder)
                .and_then(|rest| rest.strip_prefix('/'))
        };
        let (folder, path) = if let Some(path) = in_folder(emit::TYPES_DIR) {
            (&mut folders.types, path)
        } else if let Some(path) = in_folder(emit::PARAMS_DIR) {
            (&mut folders.params, path)
        } else if let Some(path) = in_folder(emit::CLIENT_DIR) {
            (&mut folders.client, path)
        } else {
            (&mut folders.client, file.path.as_str())
        };
        folder.push(GeneratedFile {
            path: path.to_owned(),
            contents: file.contents.clone(),
        });
    }
    folders
}

/// The component schemas that became named types: `(component name, Rust type name)`.
pub fn component_types(api: &ir::Api) -> Vec<(String, String)> {
    api.types
        .iter()
        .filter_map(|def| match &def.origin {
            ir::Origin::Component { name } => Some((name.clone(), def.name.clone())),
            ir::Origin::Inline | ir::Origin::OperationParams { .. } => None,
        })
        .collect()
}
