//! The `regen` task: runs the generator and keeps `generated/src/gen/` in step with the spec.
//!
//! The codegen library never touches the file system; this crate owns every path and write.

use anyhow::{Context, Result, bail};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use stripe_codegen::{Config, GeneratedFile, Options, Selection};

/// The command that regenerates the checked-in SDK; every generated header names it.
pub const REGEN_COMMAND: &str = "cargo xtask regen";
/// The generator's config, relative to the workspace root.
pub const DEFAULT_CONFIG: &str = "spec/regen.yaml";
/// The folder the drift check owns completely, relative to the workspace root.
pub const GENERATED_DIR: &str = "generated/src/gen";

/// The workspace root, found from this crate's manifest so the task works from any directory.
pub fn workspace_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().unwrap_or(manifest_dir).to_path_buf()
}

/// How a file in the generated folder differs from what the spec generates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Drift {
    /// On disk, with other contents.
    Changed,
    /// Generated, but not on disk.
    Missing,
    /// On disk, but no longer generated.
    Stale,
}

impl Drift {
    fn describe(self) -> &'static str {
        match self {
            Drift::Changed => "changed",
            Drift::Missing => "missing",
            Drift::Stale => "stale (no longer generated)",
        }
    }
}

/// The outcome of comparing (and possibly writing) the generated folder.
#[derive(Debug, Default)]
pub struct Report {
    /// Files that differed, by path relative to the workspace root.
    pub drift: BTreeMap<String, Drift>,
    /// How many generated files already matched.
    pub unchanged: usize,
}

/// Generates the SDK as `config` (relative to `root`) says, returning the files for `out_dir`.
pub fn generate(root: &Path, config_file: &str) -> Result<Vec<GeneratedFile>> {
    let config_path = root.join(config_file);
    let config_text = fs::read_to_string(&config_path)
        .with_context(|| format!("cannot read the generator config {}", config_path.display()))?;
    let config = Config::parse(config_file, &config_text)?;
    let spec_path = root.join(&config.spec);
    let spec_text = fs::read_to_string(&spec_path).with_context(|| {
        format!(
            "cannot read the spec {} named by {config_file}",
            spec_path.display()
        )
    })?;
    let options = Options { spec_file: &config.spec, command: REGEN_COMMAND };
    let selection = Selection::Operations(config.operations.clone());
    Ok(stripe_codegen::generate(&spec_text, &selection, options)?)
}

/// Generates from `spec_file` (relative to `root`) without a config, for `--spec`.
pub fn generate_from_spec(root: &Path, spec_file: &str, selection: &Selection) -> Result<Vec<GeneratedFile>> {
    let spec_path = root.join(spec_file);
    let spec_text = fs::read_to_string(&spec_path)
        .with_context(|| format!("cannot read the spec {}", spec_path.display()))?;
    let options = Options { spec_file, command: REGEN_COMMAND };
    Ok(stripe_codegen::generate(&spec_text, selection, options)?)
}

/// Compares `files` with `out_dir`; unless `check_only`, rewrites what differs and removes
/// stale files. Unchanged files are never touched, so their timestamps (and builds) stay.
pub fn sync(root: &Path, out_dir: &str, files: &[GeneratedFile], check_only: bool) -> Result<Report> {
    let dir = root.join(out_dir);
    let mut report = Report::default();
    let mut on_disk = existing_files(&dir)?;
    for file in files {
        let path = dir.join(&file.path);
        let display = format!("{out_dir}/{}", file.path);
        let drift = match on_disk.remove(&file.path) {
            None => Some(Drift::Missing),
            Some(()) => {
                let current = fs::read(&path).with_context(|| format!("cannot read {display}"))?;
                (current != file.contents.as_bytes()).then_some(Drift::Changed)
            }
        };
        match drift {
            None => report.unchanged += 1,
            Some(drift) => {
                if !check_only {
                    fs::create_dir_all(&dir).with_context(|| format!("cannot create {out_dir}"))?;
                    fs::write(&path, &file.contents).with_context(|| format!("cannot write {display}"))?;
                }
                report.drift.insert(display, drift);
            }
        }
    }
    for stale in on_disk.into_keys() {
        let display = format!("{out_dir}/{stale}");
        if !check_only {
            fs::remove_file(dir.join(&stale)).with_context(|| format!("cannot remove {display}"))?;
        }
        report.drift.insert(display, Drift::Stale);
    }
    Ok(report)
}

/// Every file below `dir`, as paths relative to it with `/` separators. A missing folder is empty.
fn existing_files(dir: &Path) -> Result<BTreeMap<String, ()>> {
    let mut files = BTreeMap::new();
    if !dir.exists() {
        return Ok(files);
    }
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        let entries = fs::read_dir(&current).with_context(|| format!("cannot list {}", current.display()))?;
        for entry in entries {
            let path = entry?.path();
            if path.is_dir() {
                pending.push(path);
                continue;
            }
            let Ok(relative) = path.strip_prefix(dir) else { continue };
            let relative: Vec<String> = relative
                .components()
                .map(|component| component.as_os_str().to_string_lossy().into_owned())
                .collect();
            files.insert(relative.join("/"), ());
        }
    }
    Ok(files)
}

/// `cargo xtask regen [--check] [--config FILE]`.
pub fn regen(root: &Path, config_file: &str, check_only: bool) -> Result<()> {
    let files = generate(root, config_file)?;
    let report = sync(root, GENERATED_DIR, &files, check_only)?;
    if check_only {
        if report.drift.is_empty() {
            println!("regen --check: {} generated files match {config_file}", report.unchanged);
            return Ok(());
        }
        eprintln!("regen --check: the generated code has drifted from the spec:");
        for (path, drift) in &report.drift {
            eprintln!("  {path}: {}", drift.describe());
        }
        let fix = if config_file == DEFAULT_CONFIG {
            REGEN_COMMAND.to_owned()
        } else {
            format!("{REGEN_COMMAND} --config {config_file}")
        };
        eprintln!("fix it with: {fix}");
        bail!("{} generated file(s) out of date", report.drift.len());
    }
    for (path, drift) in &report.drift {
        let action = match drift {
            Drift::Changed => "updated",
            Drift::Missing => "created",
            Drift::Stale => "removed",
        };
        println!("regen: {action} {path}");
    }
    println!(
        "regen: {} file(s) written or removed, {} unchanged, in {GENERATED_DIR}",
        report.drift.len(),
        report.unchanged
    );
    Ok(())
}
