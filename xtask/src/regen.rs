//! `cargo xtask regen` for the checked-in SDK: generate from the config, compare the public API
//! with the record, write or check the generated folders, and bump the crates' versions.

use anyhow::{Context, Result, bail};
use std::fs;
use std::path::Path;
use stripe_codegen::api_diff::{
    ApiDiff, Semver, SurfaceRecord, diff, next_version, parse_record, record_text,
    render_change_lines, semver_summary,
};
use stripe_codegen::surface::surface;
use stripe_codegen::{GeneratedFile, Options};

use crate::pipeline::{ApiSource, LoweredApi, lower_api};
use crate::*;

/// Generates the SDK as `config` (relative to `root`) says, returning the files for `out_dir`.
pub fn generate(root: &Path, config_file: &str) -> Result<Vec<GeneratedFile>> {
    render_sdk(&lower_api(root, &ApiSource::Config(config_file))?)
}

/// The SDK's generated files for an API already lowered.
pub fn render_sdk(lowered: &LoweredApi) -> Result<Vec<GeneratedFile>> {
    let options = Options {
        spec_file: &lowered.spec_file,
        command: REGEN_COMMAND,
    };
    Ok(stripe_codegen::render_api(&lowered.api, options)?)
}

/// What `cargo xtask regen` is asked to do.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RegenMode {
    /// Change nothing; fail when the generated code or the surface record is out of date.
    pub check: bool,
    /// Also apply the semver bump the recorded API changes call for to the crate's version.
    pub bump: bool,
}

/// What `regen` found and did, as it prints it.
#[derive(Debug, Default)]
pub struct RegenOutcome {
    /// The report for the terminal.
    pub message: String,
    /// The API changes between the record and the spec (empty when there is no record).
    pub api_changes: Option<ApiDiff>,
    /// Whether everything was already up to date (what `--check` passes on).
    pub up_to_date: bool,
}

/// The surface record as found on disk.
enum RecordOnDisk {
    Missing,
    Unreadable(String),
    Read(SurfaceRecord),
}

fn read_record(root: &Path) -> Result<RecordOnDisk> {
    let path = root.join(SURFACE_RECORD);
    if !path.exists() {
        return Ok(RecordOnDisk::Missing);
    }
    let text =
        fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok(match parse_record(SURFACE_RECORD, &text) {
        Ok(record) => RecordOnDisk::Read(record),
        Err(error) => RecordOnDisk::Unreadable(error.to_string()),
    })
}

/// `cargo xtask regen [--check] [--bump] [--config FILE]`: lowers the config's spec once and
/// keeps the SDK and, for the project's own config, the fake Stripe in step with that one IR
/// (and the shapes crates with theirs). Prints the reports, and fails when `--check` finds
/// something out of date; every part is checked before any failure is reported.
pub fn regen(root: &Path, config_file: &str, mode: RegenMode) -> Result<()> {
    let lowered = lower_api(root, &ApiSource::Config(config_file))?;
    let sdk = run_regen_lowered(root, config_file, &lowered, mode).and_then(|outcome| {
        if mode.check && !outcome.up_to_date {
            eprint!("{}", outcome.message);
            bail!("the generated code or its API record is out of date");
        }
        print!("{}", outcome.message);
        Ok(())
    });
    if config_file != DEFAULT_CONFIG {
        return sdk;
    }
    let shapes = shapes::regen_shapes(root, mode.check);
    let fake = fake::regen_fake(root, config_file, &lowered, mode.check);
    sdk.and(shapes).and(fake)
}

/// Runs `regen` for the SDK alone and returns its report instead of printing it.
pub fn run_regen(root: &Path, config_file: &str, mode: RegenMode) -> Result<RegenOutcome> {
    let lowered = lower_api(root, &ApiSource::Config(config_file))?;
    run_regen_lowered(root, config_file, &lowered, mode)
}

/// [`run_regen`] on the API `config_file` lowers to, already lowered.
fn run_regen_lowered(
    root: &Path,
    config_file: &str,
    lowered: &LoweredApi,
    mode: RegenMode,
) -> Result<RegenOutcome> {
    if mode.check && mode.bump {
        bail!("--bump edits {SDK_MANIFEST}; it does not go with --check");
    }
    let files = render_sdk(lowered)?;
    let new_surface = surface(&lowered.api, false);
    let record = read_record(root)?;
    let api_changes = match &record {
        RecordOnDisk::Read(record) => Some(diff(&record.surface, &new_surface)),
        RecordOnDisk::Missing | RecordOnDisk::Unreadable(_) => None,
    };
    let record_current =
        matches!(&record, RecordOnDisk::Read(record) if record.surface == new_surface);
    let report = sync_generated(root, GENERATED_DIRS, &files, mode.check)?;
    let mut message = String::new();
    let mut outcome = RegenOutcome::default();
    if mode.check {
        outcome.up_to_date = report.drift.is_empty() && record_current;
        if outcome.up_to_date {
            message.push_str(&format!(
                "regen --check: {} generated files and {SURFACE_RECORD} match {config_file}\n",
                report.unchanged
            ));
        } else {
            match (&record, &api_changes) {
                (_, Some(changes)) if !changes.is_empty() => {
                    message.push_str(
                        "regen --check: API changes in the spec that are not generated yet:\n",
                    );
                    message.push_str(&render_change_lines(changes));
                    message.push_str(&format!("  {}\n", semver_summary(changes.semver, None)));
                }
                (RecordOnDisk::Missing, _) => message.push_str(&format!(
                    "regen --check: {SURFACE_RECORD} is missing, so the API changes cannot be listed\n"
                )),
                (RecordOnDisk::Unreadable(error), _) => message.push_str(&format!(
                    "regen --check: cannot read the API record: {error}\n"
                )),
                _ => {}
            }
            if !report.drift.is_empty() || !record_current {
                message
                    .push_str("regen --check: files that differ from what the spec generates:\n");
                for (path, drift) in &report.drift {
                    message.push_str(&format!("  {path}: {}\n", drift.describe()));
                }
                if !record_current {
                    let state = match record {
                        RecordOnDisk::Missing => "missing",
                        _ => "changed",
                    };
                    message.push_str(&format!("  {SURFACE_RECORD}: {state}\n"));
                }
            }
            let fix = if config_file == DEFAULT_CONFIG {
                REGEN_COMMAND.to_owned()
            } else {
                format!("{REGEN_COMMAND} --config {config_file}")
            };
            message.push_str(&format!("fix it with: {fix}\n"));
        }
        outcome.message = message;
        outcome.api_changes = api_changes;
        return Ok(outcome);
    }
    for (path, drift) in &report.drift {
        let action = drift.action();
        message.push_str(&format!("regen: {action} {path}\n"));
    }
    message.push_str(&format!(
        "regen: {} file(s) written or removed, {} unchanged, in {}, {} and {}\n",
        report.drift.len(),
        report.unchanged,
        GENERATED_DIRS.types,
        GENERATED_DIRS.params,
        GENERATED_DIRS.client
    ));
    let manifest_path = root.join(SDK_MANIFEST);
    let manifest = fs::read_to_string(&manifest_path)
        .with_context(|| format!("cannot read {}", manifest_path.display()))?;
    let version =
        api_diff::package_version(&manifest).with_context(|| format!("in {SDK_MANIFEST}"))?;
    // The bump owed since the version in the manifest: what this run found, plus what earlier
    // runs recorded unless the version has been changed since.
    let semver = api_changes
        .as_ref()
        .map_or(Semver::None, |changes| changes.semver);
    let pending = match &record {
        RecordOnDisk::Read(record) if record.crate_version == version => {
            record.pending_bump.max(semver)
        }
        _ => semver,
    };
    match (&record, &api_changes) {
        (_, Some(changes)) if changes.is_empty() => {
            message.push_str("regen: no API changes\n");
        }
        (_, Some(changes)) => {
            message.push_str(&format!(
                "regen: API changes since the last regen ({} -> {}):\n",
                changes.from, changes.to
            ));
            message.push_str(&render_change_lines(changes));
        }
        (RecordOnDisk::Missing, _) => message.push_str(&format!(
            "regen: {SURFACE_RECORD} did not exist, so there is nothing to compare with; it is written now\n"
        )),
        (RecordOnDisk::Unreadable(error), _) => message.push_str(&format!(
            "regen: {error}; it is rewritten from the spec, and this run cannot list API changes\n"
        )),
        (RecordOnDisk::Read(_), None) => {}
    }
    let mut new_record = SurfaceRecord {
        generated: format!(
            "by `{REGEN_COMMAND}`: the public API of the generated code, which regen compares the spec against. Do not edit."
        ),
        crate_version: version.clone(),
        pending_bump: pending,
        surface: new_surface,
    };
    if mode.bump {
        let next = next_version(&version, pending)?;
        if next == version {
            message.push_str(&format!(
                "regen --bump: no API changes since {version}; {SDK_MANIFEST} stays {version}\n"
            ));
        } else {
            // The crates move in lockstep: the types crates' versions, and the client crate's
            // requirements on them, follow the client's. Everything is read and edited before
            // anything is written, so a failure leaves every manifest as it was.
            let mut bumped = api_diff::set_package_version(&manifest, &next)
                .with_context(|| format!("in {SDK_MANIFEST}"))?;
            let mut writes = Vec::new();
            for (file, package) in TYPES_MANIFESTS {
                let path = root.join(file);
                let text = fs::read_to_string(&path)
                    .with_context(|| format!("cannot read {}", path.display()))?;
                let text = api_diff::set_package_version(&text, &next)
                    .with_context(|| format!("in {file}"))?;
                bumped = api_diff::set_dependency_version(&bumped, package, &next)
                    .with_context(|| format!("in {SDK_MANIFEST}"))?;
                writes.push((path, text));
            }
            writes.push((manifest_path.clone(), bumped));
            let fake_path = root.join(FAKE_MANIFEST);
            if fake_path.exists() {
                let text = fs::read_to_string(&fake_path)
                    .with_context(|| format!("cannot read {}", fake_path.display()))?;
                let text = api_diff::set_package_version(&text, &next)
                    .and_then(|text| api_diff::set_dependency_version(&text, "stripe-sdk", &next))
                    .with_context(|| format!("in {FAKE_MANIFEST}"))?;
                writes.push((fake_path, text));
            }
            for (path, text) in writes {
                fs::write(&path, text)
                    .with_context(|| format!("cannot write {}", path.display()))?;
            }
            message.push_str(&format!(
                "regen --bump: {SDK_MANIFEST} version {version} -> {next} ({} bump), and the types crates' and the fake's with it\n",
                pending.as_str()
            ));
            new_record.crate_version = next;
        }
        new_record.pending_bump = Semver::None;
    } else {
        message.push_str(&format!(
            "regen: {}\n",
            semver_summary(pending, Some(&version))
        ));
        if pending != Semver::None {
            message.push_str(&format!(
                "regen: `{REGEN_COMMAND} --bump` applies it to {SDK_MANIFEST}\n"
            ));
        }
    }
    let record_path = root.join(SURFACE_RECORD);
    let text = record_text(&new_record);
    if fs::read_to_string(&record_path).ok().as_deref() != Some(text.as_str()) {
        fs::write(&record_path, text)
            .with_context(|| format!("cannot write {}", record_path.display()))?;
        message.push_str(&format!("regen: updated {SURFACE_RECORD}\n"));
    }
    outcome.up_to_date = report.drift.is_empty() && record_current;
    outcome.message = message;
    outcome.api_changes = api_changes;
    Ok(outcome)
}
