//! `cargo xtask api-diff`: what changed in the generated crate's public API between two specs,
//! and the crate manifest's version, which `regen --bump` edits.
//!
//! The comparison itself lives in the codegen library (`stripe_codegen::api_diff`); this module
//! reads the files and prints.

use anyhow::{Context, Result, bail};
use std::fs;
use std::path::Path;
use stripe_codegen::Selection;
use stripe_codegen::api_diff::{self, ApiDiff};
use stripe_codegen::surface::{Surface, surface};

use crate::pipeline::{ApiSource, lower_api, read_config};

/// The command line, as `cargo xtask help` lists it.
pub const SYNOPSIS: &str = "cargo xtask api-diff --from OLD --to NEW [--all | --operation ID...] \
                            [--format text|json|markdown] [--config FILE]";

/// What the options mean.
pub const OPTIONS: &str = "  api-diff           compare the public API the generator emits from two specs (paths relative
                     to the workspace root): operations, params and response fields, Rust types,
                     maxLength, enum values, and with --all the resource-family features; each
                     change is breaking, compatible or docs, and the semver bump follows
  --all              every operation of both specs (a whole-API crate, with its features)
  --operation ID     these operations (repeatable); one that only one spec has is added/removed
                     (default, without --all and --operation: the operations the config lists,
                     i.e. the checked-in crate)
  --format F         text (default), json (one object: from, to, semver, changes) or markdown
                     (for a pull request description)
  --config FILE      the config whose operations are the default selection (default: spec/regen.yaml)";

fn usage() -> String {
    format!("usage: {SYNOPSIS}\n\n{OPTIONS}")
}

/// How `api-diff` prints its result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    Text,
    Json,
    Markdown,
}

/// What `api-diff` compares.
#[derive(Debug, Clone)]
pub struct DiffRequest<'a> {
    pub from: &'a str,
    pub to: &'a str,
    /// `None`: the operations the config lists.
    pub selection: Option<Selection>,
    pub config_file: &'a str,
}

/// `cargo xtask api-diff ...` with the arguments after the task name.
pub fn run(root: &Path, args: impl Iterator<Item = String>) -> Result<()> {
    let mut args = args;
    let (mut from, mut to) = (None, None);
    let mut all = false;
    let mut operations = Vec::new();
    let mut format = OutputFormat::Text;
    let mut config = crate::DEFAULT_CONFIG.to_owned();
    while let Some(arg) = args.next() {
        let mut value = |name: &str| {
            args.next()
                .ok_or_else(|| anyhow::anyhow!("{name} needs a value\nusage: {}", usage()))
        };
        match arg.as_str() {
            "--from" => from = Some(value("--from")?),
            "--to" => to = Some(value("--to")?),
            "--all" => all = true,
            "--operation" => operations.push(value("--operation")?),
            "--config" => config = value("--config")?,
            "--format" => {
                format = match value("--format")?.as_str() {
                    "text" => OutputFormat::Text,
                    "json" => OutputFormat::Json,
                    "markdown" => OutputFormat::Markdown,
                    other => bail!(
                        "unknown --format `{other}`: expected text, json or markdown\nusage: {}",
                        usage()
                    ),
                }
            }
            other => bail!("unknown argument `{other}`\nusage: {}", usage()),
        }
    }
    let (Some(from), Some(to)) = (from, to) else {
        bail!("--from and --to are both needed\nusage: {}", usage());
    };
    let selection = match (all, operations.is_empty()) {
        (true, false) => bail!("give --all or --operation, not both\nusage: {}", usage()),
        (true, true) => Some(Selection::All),
        (false, false) => Some(Selection::Operations(operations)),
        (false, true) => None,
    };
    let request = DiffRequest {
        from: &from,
        to: &to,
        selection,
        config_file: &config,
    };
    let diff = diff_specs(root, &request)?;
    let crate_version = crate_version(root).ok();
    let text = match format {
        OutputFormat::Text => api_diff::render_text(&diff, crate_version.as_deref()),
        OutputFormat::Markdown => api_diff::render_markdown(&diff, crate_version.as_deref()),
        OutputFormat::Json => format!("{}\n", api_diff::render_json(&diff)),
    };
    print!("{text}");
    Ok(())
}

/// Compares the public API generated from two specs.
pub fn diff_specs(root: &Path, request: &DiffRequest<'_>) -> Result<ApiDiff> {
    let selection = match &request.selection {
        Some(selection) => selection.clone(),
        None => Selection::Operations(config_operations(root, request.config_file)?),
    };
    // Resource-family features exist in whole-API crates only.
    let with_features = selection == Selection::All;
    // One spec at a time: each surface is small, and dropping a document and its IR before
    // reading the next keeps the peak memory at one generation's.
    let old = load_surface(root, request.from, &selection, with_features)?;
    let new = load_surface(root, request.to, &selection, with_features)?;
    if let Selection::Operations(ids) = &selection
        && ids
            .iter()
            .any(|id| !old.operations.contains_key(id) && !new.operations.contains_key(id))
    {
        // An operation neither spec defines: lowering strictly gives the generator's own error
        // (with a suggestion for a misspelling).
        lower_api(
            root,
            &ApiSource::Spec {
                spec_file: request.to,
                selection: &selection,
                skip_undefined: false,
            },
        )?;
    }
    let mut diff = api_diff::diff(&old, &new);
    // A change at a place where the spec is the same in both documents is the generator's.
    let old_spec = spec_json(root, request.from)?;
    let new_spec = spec_json(root, request.to)?;
    api_diff::classify_generator_changes(&mut diff, &old_spec, &new_spec);
    Ok(diff)
}

/// A spec as plain JSON, to look places up by pointer.
fn spec_json(root: &Path, spec_file: &str) -> Result<serde_json::Value> {
    let text = read_spec(root, spec_file)?;
    let format = stripe_codegen::load::Format::from_path(spec_file)
        .with_context(|| format!("{spec_file}: not a .yaml, .yml or .json spec"))?;
    Ok(stripe_codegen::load::parse_document(
        spec_file, &text, format,
    )?)
}

/// The public API generated from `spec_file`; the document and its IR are dropped before
/// returning.
fn load_surface(
    root: &Path,
    spec_file: &str,
    selection: &Selection,
    with_features: bool,
) -> Result<Surface> {
    let lowered = lower_api(
        root,
        &ApiSource::Spec {
            spec_file,
            selection,
            skip_undefined: true,
        },
    )?;
    Ok(surface(&lowered.api, with_features))
}

fn read_spec(root: &Path, spec_file: &str) -> Result<String> {
    let path = root.join(spec_file);
    fs::read_to_string(&path).with_context(|| format!("cannot read the spec {}", path.display()))
}

/// The operations the generator config selects.
pub fn config_operations(root: &Path, config_file: &str) -> Result<Vec<String>> {
    Ok(read_config(root, config_file)?.operations)
}

/// The checked-in crate's version, from its manifest.
pub fn crate_version(root: &Path) -> Result<String> {
    let path = root.join(crate::SDK_MANIFEST);
    let text =
        fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
    package_version(&text).with_context(|| format!("in {}", crate::SDK_MANIFEST))
}

/// The `version = "..."` line of a manifest's `[package]` table: its byte range for the value
/// between the quotes.
fn package_version_span(manifest: &str) -> Result<std::ops::Range<usize>> {
    let mut in_package = false;
    let mut offset = 0;
    for line in manifest.split_inclusive('\n') {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            in_package = trimmed == "[package]";
        } else if in_package
            && let Some(rest) = trimmed.strip_prefix("version")
            && let Some(value) = rest.trim_start().strip_prefix('=')
        {
            let value = value.trim();
            let Some(inner) = value
                .strip_prefix('"')
                .and_then(|value| value.split_once('"'))
                .map(|(inner, _)| inner)
            else {
                bail!("the [package] version is not a quoted string: `{trimmed}`");
            };
            // The value's position inside the line, then inside the file.
            let quote = line.find('"').unwrap_or(0) + 1;
            let start = offset + quote;
            return Ok(start..start + inner.len());
        }
        offset += line.len();
    }
    bail!("no `version = \"...\"` line in the [package] table")
}

/// The `[package]` version of a Cargo manifest.
pub fn package_version(manifest: &str) -> Result<String> {
    Ok(manifest[package_version_span(manifest)?].to_owned())
}

/// The manifest with only its `[package]` version replaced; every other byte stays.
pub fn set_package_version(manifest: &str, version: &str) -> Result<String> {
    let span = package_version_span(manifest)?;
    Ok(format!(
        "{}{version}{}",
        &manifest[..span.start],
        &manifest[span.end..]
    ))
}

/// The manifest with only the `version` of its dependency on `package` replaced (written on
/// one line, `package = { path = "...", version = "..." }`); every other byte stays.
pub fn set_dependency_version(manifest: &str, package: &str, version: &str) -> Result<String> {
    let mut offset = 0;
    for line in manifest.split_inclusive('\n') {
        let is_dependency = line
            .trim_start()
            .strip_prefix(package)
            .is_some_and(|rest| rest.trim_start().starts_with('='));
        if is_dependency
            && let Some(key) = line.find("version")
            && let Some(open) = line[key..].find('"').map(|at| key + at + 1)
            && let Some(close) = line[open..].find('"').map(|at| open + at)
        {
            return Ok(format!(
                "{}{version}{}",
                &manifest[..offset + open],
                &manifest[offset + close..]
            ));
        }
        offset += line.len();
    }
    bail!("no one-line dependency `{package} = {{ ..., version = \"...\" }}`")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_only_the_dependency_version() {
        let manifest = "[dependencies]\nstripe-sdk-types-extra = { version = \"1\" }\nstripe-sdk-types = { path = \"types\", version = \"0.2.0\", default-features = false }\n";
        let bumped = set_dependency_version(manifest, "stripe-sdk-types", "0.3.0").expect("bumped");
        assert_eq!(
            bumped,
            manifest.replace("\"0.2.0\"", "\"0.3.0\""),
            "only the value changes"
        );
        let error = set_dependency_version("[dependencies]\n", "stripe-sdk-types", "1.0.0")
            .expect_err("absent");
        assert!(error.to_string().contains("stripe-sdk-types"), "{error}");
    }

    const MANIFEST: &str = "[package]\nname = \"x\"\r\nversion   =  \"0.1.0\" # pinned\n\n[dependencies]\nversion = \"9\"\n";

    #[test]
    fn reads_and_replaces_only_the_package_version() {
        assert_eq!(package_version(MANIFEST).expect("version"), "0.1.0");
        let bumped = set_package_version(MANIFEST, "0.2.0").expect("bumped");
        assert_eq!(
            bumped,
            MANIFEST.replace("\"0.1.0\"", "\"0.2.0\""),
            "only the value changes"
        );
    }

    #[test]
    fn a_manifest_without_a_package_version_is_an_error() {
        let error = package_version("[dependencies]\nversion = \"1\"\n").expect_err("no version");
        assert!(error.to_string().contains("[package]"), "{error}");
        let error =
            package_version("[package]\nversion.workspace = true\n").expect_err("inherited");
        assert!(error.to_string().contains("[package]"), "{error}");
    }
}
