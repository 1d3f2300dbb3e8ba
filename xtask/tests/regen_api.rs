//! `regen` in API terms, end to end on a copy of the workspace's spec and generated crate:
//! a lowered maxLength is listed by `--check` before regen, reported by regen, recorded, and
//! turned into a version bump by `--bump`; and `api-diff` as users call it.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use xtask::{
    DEFAULT_CONFIG, GENERATED_DIRS, RegenMode, SDK_MANIFEST, SURFACE_RECORD, TYPES_MANIFESTS,
    run_regen, workspace_root,
};

const CHECK: RegenMode = RegenMode {
    check: true,
    bump: false,
};
const WRITE: RegenMode = RegenMode {
    check: false,
    bump: false,
};
const BUMP: RegenMode = RegenMode {
    check: false,
    bump: true,
};

/// The location field's limit in the project's spec, as the request body declares it.
const LOCATION_LIMIT: &str = "tokens](https://stripe.com/docs/terminal/fleet/locations#connection-tokens).\n                  maxLength: 5000";

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("create dir");
    for entry in fs::read_dir(from).expect("list") {
        let path = entry.expect("entry").path();
        let target = to.join(path.file_name().expect("name"));
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            fs::copy(&path, &target).expect("copy");
        }
    }
}

/// A scratch root with the workspace's spec, generated folders, record and manifests.
fn scratch_workspace(name: &str) -> PathBuf {
    let root = std::env::temp_dir().join(format!("xtask-regen-api-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&root);
    let workspace = workspace_root();
    copy_dir(&workspace.join("spec"), &root.join("spec"));
    for dir in [
        GENERATED_DIRS.types,
        GENERATED_DIRS.params,
        GENERATED_DIRS.client,
    ] {
        copy_dir(&workspace.join(dir), &root.join(dir));
    }
    let manifests = TYPES_MANIFESTS.iter().map(|(file, _)| *file);
    for file in [SURFACE_RECORD, SDK_MANIFEST].into_iter().chain(manifests) {
        fs::copy(workspace.join(file), root.join(file)).expect("copy file");
    }
    root
}

fn lower_location_limit(root: &Path) {
    let spec_path = root.join("spec/openapi.yaml");
    let spec = fs::read_to_string(&spec_path).expect("spec");
    assert!(
        spec.contains(LOCATION_LIMIT),
        "the spec's location limit moved"
    );
    let lowered = spec.replacen(
        LOCATION_LIMIT,
        &LOCATION_LIMIT.replace("maxLength: 5000", "maxLength: 500"),
        1,
    );
    fs::write(&spec_path, lowered).expect("write spec");
}

/// The checked-in crate's version, and the one a breaking change bumps it to (0.x: the minor
/// number), so that these tests follow the crate's own releases.
fn version_and_breaking_bump() -> (String, String) {
    let manifest = fs::read_to_string(workspace_root().join(SDK_MANIFEST)).expect("manifest");
    let version = manifest
        .lines()
        .find_map(|line| line.strip_prefix("version = \""))
        .and_then(|rest| rest.strip_suffix('"'))
        .expect("the manifest's package version")
        .to_owned();
    let minor: u64 = version
        .strip_prefix("0.")
        .and_then(|rest| rest.split('.').next())
        .and_then(|minor| minor.parse().ok())
        .expect("a 0.x version");
    let next = format!("0.{}.0", minor + 1);
    (version, next)
}

const CHANGE_LINE: &str = "max_length_changed          TerminalConnectionTokenCreateParams.location: maxLength 5000 -> 500 [PostTerminalConnectionTokens]";

#[test]
fn a_lowered_max_length_is_reported_recorded_and_bumped() {
    let root = scratch_workspace("round-trip");
    let (version, next) = version_and_breaking_bump();
    let check = run_regen(&root, DEFAULT_CONFIG, CHECK).expect("check runs");
    assert!(check.up_to_date, "{}", check.message);

    lower_location_limit(&root);
    let check = run_regen(&root, DEFAULT_CONFIG, CHECK).expect("check runs");
    assert!(!check.up_to_date);
    let message = &check.message;
    assert!(
        message.contains("API changes in the spec that are not generated yet:"),
        "{message}"
    );
    assert!(
        message.contains("  1 breaking, 0 compatible, 0 docs\n"),
        "{message}"
    );
    assert!(message.contains(CHANGE_LINE), "{message}");
    assert!(
        message.contains(
            "at #/paths/~1v1~1terminal~1connection_tokens/post/requestBody/content/application~1x-www-form-urlencoded/schema/properties/location"
        ),
        "{message}"
    );
    assert!(
        message.contains("generated/params/src/gen/terminal_connection_token.rs: changed"),
        "{message}"
    );
    assert!(
        message.contains("generated/api-surface.json: changed"),
        "{message}"
    );
    assert!(
        message.contains("fix it with: cargo xtask regen"),
        "{message}"
    );

    let regen = run_regen(&root, DEFAULT_CONFIG, WRITE).expect("regen runs");
    let message = &regen.message;
    assert!(
        message.contains("regen: updated generated/params/src/gen/terminal_connection_token.rs"),
        "{message}"
    );
    assert!(
        message.contains("regen: API changes since the last regen (2023-08-16 -> 2023-08-16):"),
        "{message}"
    );
    assert!(message.contains(CHANGE_LINE), "{message}");
    assert!(
        message.contains(&format!(
            "semver: major (breaking changes); stripe-sdk {version} -> {next}"
        )),
        "{message}"
    );
    assert!(
        message.contains("`cargo xtask regen --bump` applies it"),
        "{message}"
    );
    let generated = fs::read_to_string(
        root.join(GENERATED_DIRS.params)
            .join("terminal_connection_token.rs"),
    )
    .expect("generated");
    assert!(generated.contains("500"), "the new limit is generated");

    let check = run_regen(&root, DEFAULT_CONFIG, CHECK).expect("check runs");
    assert!(check.up_to_date, "{}", check.message);

    // The record remembers the bump owed, so `--bump` after a plain regen still applies it.
    let manifest_before = fs::read_to_string(root.join(SDK_MANIFEST)).expect("manifest");
    let types_before: Vec<String> = TYPES_MANIFESTS
        .iter()
        .map(|(file, _)| fs::read_to_string(root.join(file)).expect("manifest"))
        .collect();
    let bump = run_regen(&root, DEFAULT_CONFIG, BUMP).expect("bump runs");
    assert!(
        bump.message.contains("regen: no API changes\n"),
        "{}",
        bump.message
    );
    assert!(
        bump.message.contains(&format!(
            "regen --bump: generated/Cargo.toml version {version} -> {next} (major bump)"
        )),
        "{}",
        bump.message
    );
    // The package's version and its requirement on the types crate change, nothing else; the
    // types crate's version follows.
    let manifest_after = fs::read_to_string(root.join(SDK_MANIFEST)).expect("manifest");
    assert_eq!(
        manifest_after,
        manifest_before.replace(
            &format!("version = \"{version}\""),
            &format!("version = \"{next}\""),
        ),
        "only the version lines change"
    );
    for side in ["params", "types"] {
        assert!(
            manifest_after.contains(&format!("path = \"{side}\", version = \"{next}\"")),
            "{manifest_after}"
        );
    }
    for ((file, _), before) in TYPES_MANIFESTS.iter().zip(&types_before) {
        let after = fs::read_to_string(root.join(file)).expect("manifest");
        assert_eq!(
            after,
            before.replacen(
                &format!("version = \"{version}\""),
                &format!("version = \"{next}\""),
                1
            ),
            "{file}"
        );
    }
    let bump = run_regen(&root, DEFAULT_CONFIG, BUMP).expect("bump runs");
    assert!(
        bump.message
            .contains(&format!("no API changes since {next}")),
        "{}",
        bump.message
    );
    let check = run_regen(&root, DEFAULT_CONFIG, CHECK).expect("check runs");
    assert!(check.up_to_date, "{}", check.message);
    let _ = fs::remove_dir_all(&root);
}

#[test]
fn regen_bump_in_one_step_and_a_missing_record() {
    let root = scratch_workspace("one-step");
    let (version, next) = version_and_breaking_bump();
    lower_location_limit(&root);
    let bump = run_regen(&root, DEFAULT_CONFIG, BUMP).expect("bump runs");
    assert!(bump.message.contains(CHANGE_LINE), "{}", bump.message);
    assert!(
        bump.message
            .contains(&format!("{version} -> {next} (major bump)")),
        "{}",
        bump.message
    );

    fs::remove_file(root.join(SURFACE_RECORD)).expect("remove record");
    let check = run_regen(&root, DEFAULT_CONFIG, CHECK).expect("check runs");
    assert!(!check.up_to_date);
    assert!(
        check
            .message
            .contains("generated/api-surface.json: missing"),
        "{}",
        check.message
    );
    let regen = run_regen(&root, DEFAULT_CONFIG, WRITE).expect("regen runs");
    assert!(
        regen
            .message
            .contains("did not exist, so there is nothing to compare with"),
        "{}",
        regen.message
    );
    assert!(
        run_regen(&root, DEFAULT_CONFIG, CHECK)
            .expect("check")
            .up_to_date
    );

    fs::write(root.join(SURFACE_RECORD), "{\"surface\": ").expect("corrupt record");
    let check = run_regen(&root, DEFAULT_CONFIG, CHECK).expect("check runs");
    assert!(
        check
            .message
            .contains("cannot read the API record: generated/api-surface.json:1:"),
        "{}",
        check.message
    );
    let error = run_regen(
        &root,
        DEFAULT_CONFIG,
        RegenMode {
            check: true,
            bump: true,
        },
    )
    .expect_err("refused");
    assert!(error.to_string().contains("--bump"), "{error}");
    let _ = fs::remove_dir_all(&root);
}

fn xtask(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .output()
        .expect("xtask runs")
}

#[test]
fn api_diff_command_prints_one_json_object_and_text() {
    let root = scratch_workspace("cli");
    lower_location_limit(&root);
    let new_spec = root.join("spec/openapi.yaml");
    let new_spec = new_spec.to_str().expect("utf-8 path");
    let output = xtask(&[
        "api-diff",
        "--from",
        "spec/openapi.yaml",
        "--to",
        new_spec,
        "--format",
        "json",
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("one JSON object");
    assert_eq!(json["semver"], "major");
    assert_eq!(json["from"], "2023-08-16");
    let changes = json["changes"].as_array().expect("changes");
    assert_eq!(changes.len(), 1, "{json}");
    assert_eq!(
        changes[0]["rust"],
        "TerminalConnectionTokenCreateParams.location"
    );
    assert_eq!(changes[0]["operation"], "PostTerminalConnectionTokens");
    assert_eq!(changes[0]["detail"], "maxLength 5000 -> 500");

    let output = xtask(&[
        "api-diff",
        "--from",
        "spec/openapi.yaml",
        "--to",
        new_spec,
        "--operation",
        "PostTerminalConnectionTokens",
    ]);
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains(CHANGE_LINE), "{text}");
    assert!(text.contains("semver: major"), "{text}");

    let output = xtask(&[
        "api-diff",
        "--from",
        "spec/openapi.yaml",
        "--to",
        new_spec,
        "--format",
        "yaml",
    ]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("unknown --format `yaml`"));
    let output = xtask(&[
        "api-diff",
        "--from",
        "spec/openapi.yaml",
        "--to",
        "spec/missing.yaml",
    ]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("cannot read the spec"));
    let output = xtask(&[
        "api-diff",
        "--from",
        "spec/openapi.yaml",
        "--to",
        new_spec,
        "--operation",
        "PostTerminalConectionTokens",
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(
        stderr.contains("did you mean `PostTerminalConnectionTokens`"),
        "{stderr}"
    );
    let _ = fs::remove_dir_all(&root);
}
