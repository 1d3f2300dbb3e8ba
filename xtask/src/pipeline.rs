//! The one way from what a task is asked to generate to the lowered API: read the generator
//! config (when there is one) and the spec, parse the spec, select the operations and lower
//! them. Every task that generates (`regen`, the fake, `regen --out`, `api-diff`) starts here,
//! so they all read and select the same way and report a missing file in the same words.

use anyhow::{Context, Result};
use std::fs;
use std::path::Path;
use stripe_codegen::fake::Spec;
use stripe_codegen::ir::Api;
use stripe_codegen::{Config, Selection};

/// What to lower.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiSource<'a> {
    /// A generator config, relative to the workspace root: the spec it names, and its
    /// operations.
    Config(&'a str),
    /// A spec file, relative to the workspace root (or absolute), and a selection of it.
    Spec {
        spec_file: &'a str,
        selection: &'a Selection,
        /// Leave out the selected operationIds the spec does not define instead of refusing
        /// them, so that two versions of a spec can be compared on one selection.
        skip_undefined: bool,
    },
}

/// A parsed spec and its lowered API, with the spec's name as the generated headers give it.
pub struct LoweredApi {
    /// The spec's path as the config or the request names it.
    pub spec_file: String,
    /// The parsed document (the fake and the round-trip test read it beside the IR).
    pub spec: Spec,
    pub api: Api,
}

/// Reads, parses, selects and lowers what `source` names.
pub fn lower_api(root: &Path, source: &ApiSource<'_>) -> Result<LoweredApi> {
    let (spec_file, selection, skip_undefined, named_by) = match source {
        ApiSource::Config(config_file) => {
            let config = read_config(root, config_file)?;
            let selection = Selection::Operations(config.operations);
            (config.spec, selection, false, Some(*config_file))
        }
        ApiSource::Spec {
            spec_file,
            selection,
            skip_undefined,
        } => (
            (*spec_file).to_owned(),
            (*selection).clone(),
            *skip_undefined,
            None,
        ),
    };
    let spec_path = root.join(&spec_file);
    let spec_text = fs::read_to_string(&spec_path).with_context(|| match named_by {
        Some(config_file) => format!(
            "cannot read the spec {} named by {config_file}",
            spec_path.display()
        ),
        None => format!("cannot read the spec {}", spec_path.display()),
    })?;
    let spec = stripe_codegen::load::parse_spec(&spec_file, &spec_text)?;
    let selection = if skip_undefined {
        stripe_codegen::surface::defined_selection(&spec, &selection)
    } else {
        selection
    };
    let api = stripe_codegen::lower::lower(&spec, &spec_file, &selection)?;
    Ok(LoweredApi {
        spec_file,
        spec,
        api,
    })
}

/// The generator config `config_file` (relative to the workspace root).
pub fn read_config(root: &Path, config_file: &str) -> Result<Config> {
    let config_path = root.join(config_file);
    let config_text = fs::read_to_string(&config_path)
        .with_context(|| format!("cannot read the generator config {}", config_path.display()))?;
    Ok(Config::parse(config_file, &config_text)?)
}
