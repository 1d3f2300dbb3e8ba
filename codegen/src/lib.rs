//! The Stripe SDK generator: load -> check -> lower to IR -> emit tokens -> render text.
//!
//! The library reads text and returns text; it never touches the file system, so `xtask` owns
//! every path and write, and tests can run it on strings.

pub mod api_diff;
pub mod emit;
pub mod error;
pub mod features;
pub mod ir;
pub mod load;
pub mod lower;
pub mod naming;
pub mod pointer;
pub mod render;
pub mod surface;

pub use error::{Error, SpecErrorKind};
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
    generate_from(&spec, selection, options)
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

/// [`render_api`], gating each module on its Cargo feature (for standalone crates).
pub fn render_with_features(
    api: &ir::Api,
    options: Options<'_>,
    features: Option<&features::FeatureMap>,
) -> Result<Vec<GeneratedFile>, Error> {
    let header = render::header(options.command, options.spec_file);
    // Rendering dominates generation time and each file is independent, so files are emitted
    // and rendered on every core; the output does not depend on the order they finish in.
    let threads = std::thread::available_parallelism().map_or(1, |count| count.get());
    emit::emit_each(api, features, threads, |file| render::render(file, &header))
        .into_iter()
        .collect()
}

/// The component schemas that became named types: `(component name, Rust type name)`.
pub fn component_types(api: &ir::Api) -> Vec<(String, String)> {
    api.types
        .iter()
        .filter_map(|def| {
            let escaped = def.pointer.strip_prefix("/components/schemas/")?;
            (!escaped.contains('/')).then(|| (pointer::unescape_segment(escaped), def.name.clone()))
        })
        .collect()
}
