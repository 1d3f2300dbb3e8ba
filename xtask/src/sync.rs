//! Comparing a generated folder with what the generator made, and writing what differs: the
//! drift check's findings and the report `regen` prints.

use anyhow::{Context, Result};
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use stripe_codegen::GeneratedFile;

use crate::GeneratedDirs;

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
    pub(crate) fn describe(self) -> &'static str {
        match self {
            Drift::Changed => "changed",
            Drift::Missing => "missing",
            Drift::Stale => "stale (no longer generated)",
        }
    }

    /// What writing did about it, for `regen`'s report.
    pub(crate) fn action(self) -> &'static str {
        match self {
            Drift::Changed => "updated",
            Drift::Missing => "created",
            Drift::Stale => "removed",
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

/// [`sync`] for the generator's output: each of its folders into its place in `dirs`, as one
/// report.
pub fn sync_generated(
    root: &Path,
    dirs: GeneratedDirs<'_>,
    files: &[GeneratedFile],
    check_only: bool,
) -> Result<Report> {
    let folders = stripe_codegen::split_folders(files);
    let mut report = Report::default();
    for (dir, files) in [
        (dirs.types, &folders.types),
        (dirs.params, &folders.params),
        (dirs.client, &folders.client),
    ] {
        let part = sync(root, dir, files, check_only)?;
        report.drift.extend(part.drift);
        report.unchanged += part.unchanged;
    }
    Ok(report)
}

/// Compares `files` with `out_dir`; unless `check_only`, rewrites what differs and removes
/// stale files. Unchanged files are never touched, so their timestamps (and builds) stay.
pub fn sync(
    root: &Path,
    out_dir: &str,
    files: &[GeneratedFile],
    check_only: bool,
) -> Result<Report> {
    sync_files(root, out_dir, files, check_only, true)
}

/// [`sync`], optionally leaving files that are not generated alone (a standalone crate's
/// folder also holds its build output and lock file).
pub(crate) fn sync_files(
    root: &Path,
    out_dir: &str,
    files: &[GeneratedFile],
    check_only: bool,
    owns_folder: bool,
) -> Result<Report> {
    let dir = root.join(out_dir);
    let mut report = Report::default();
    let mut on_disk = if owns_folder {
        existing_files(&dir)?
    } else {
        BTreeMap::new()
    };
    for file in files {
        let path = dir.join(&file.path);
        let display = format!("{out_dir}/{}", file.path);
        let exists = on_disk.remove(&file.path).is_some() || (!owns_folder && path.exists());
        let drift = match exists {
            false => Some(Drift::Missing),
            true => {
                let current = fs::read(&path).with_context(|| format!("cannot read {display}"))?;
                (current != file.contents.as_bytes()).then_some(Drift::Changed)
            }
        };
        match drift {
            None => report.unchanged += 1,
            Some(drift) => {
                if !check_only {
                    if let Some(parent) = path.parent() {
                        fs::create_dir_all(parent)
                            .with_context(|| format!("cannot create {}", parent.display()))?;
                    }
                    fs::write(&path, &file.contents)
                        .with_context(|| format!("cannot write {display}"))?;
                }
                report.drift.insert(display, drift);
            }
        }
    }
    for stale in on_disk.into_keys() {
        let display = format!("{out_dir}/{stale}");
        if !check_only {
            fs::remove_file(dir.join(&stale))
                .with_context(|| format!("cannot remove {display}"))?;
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
        let entries =
            fs::read_dir(&current).with_context(|| format!("cannot list {}", current.display()))?;
        for entry in entries {
            let path = entry?.path();
            if path.is_dir() {
                pending.push(path);
                continue;
            }
            let Ok(relative) = path.strip_prefix(dir) else {
                continue;
            };
            let relative: Vec<String> = relative
                .components()
                .map(|component| component.as_os_str().to_string_lossy().into_owned())
                .collect();
            files.insert(relative.join("/"), ());
        }
    }
    Ok(files)
}
