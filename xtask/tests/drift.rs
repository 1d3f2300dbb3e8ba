//! The drift check as a test: `cargo test` fails when the checked-in generated code and the
//! spec disagree, and the sync logic reports every kind of difference.

use std::fs;
use std::path::PathBuf;
use stripe_codegen::GeneratedFile;
use xtask::{
    DEFAULT_CONFIG, Drift, GENERATED_DIRS, RegenMode, generate, run_regen, sync, sync_generated,
    workspace_root,
};

#[test]
fn checked_in_code_matches_the_spec() {
    let root = workspace_root();
    let files = generate(&root, DEFAULT_CONFIG).expect("the project's spec generates");
    let report = sync_generated(&root, GENERATED_DIRS, &files, true)
        .expect("the generated folders are readable");
    assert!(
        report.drift.is_empty(),
        "generated code is out of date: {:?}; run `cargo xtask regen`",
        report.drift
    );
}

#[test]
fn checked_in_api_record_matches_the_spec() {
    let mode = RegenMode {
        check: true,
        bump: false,
    };
    let outcome = run_regen(&workspace_root(), DEFAULT_CONFIG, mode).expect("the check runs");
    assert!(outcome.up_to_date, "{}", outcome.message);
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("xtask-drift-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn file(path: &str, contents: &str) -> GeneratedFile {
    GeneratedFile {
        path: path.to_owned(),
        contents: contents.to_owned(),
    }
}

#[test]
fn sync_reports_changed_missing_and_stale_files_and_fixes_them() {
    let root = scratch("sync");
    let out = root.join("gen");
    fs::create_dir_all(&out).expect("out dir");
    fs::write(out.join("same.rs"), "same").expect("write");
    fs::write(out.join("changed.rs"), "old").expect("write");
    fs::write(out.join("stale.rs"), "gone").expect("write");
    let files = [
        file("same.rs", "same"),
        file("changed.rs", "new"),
        file("missing.rs", "fresh"),
    ];

    let report = sync(&root, "gen", &files, true).expect("check");
    let drift: Vec<(&str, Drift)> = report
        .drift
        .iter()
        .map(|(path, drift)| (path.as_str(), *drift))
        .collect();
    assert_eq!(
        drift,
        [
            ("gen/changed.rs", Drift::Changed),
            ("gen/missing.rs", Drift::Missing),
            ("gen/stale.rs", Drift::Stale)
        ]
    );
    assert_eq!(report.unchanged, 1);
    // A check changes nothing.
    assert_eq!(
        fs::read_to_string(out.join("changed.rs")).expect("read"),
        "old"
    );
    assert!(out.join("stale.rs").exists());

    let modified_before = fs::metadata(out.join("same.rs"))
        .and_then(|meta| meta.modified())
        .expect("mtime");
    let report = sync(&root, "gen", &files, false).expect("write");
    assert_eq!(report.drift.len(), 3);
    assert_eq!(
        fs::read_to_string(out.join("changed.rs")).expect("read"),
        "new"
    );
    assert_eq!(
        fs::read_to_string(out.join("missing.rs")).expect("read"),
        "fresh"
    );
    assert!(!out.join("stale.rs").exists());
    let modified_after = fs::metadata(out.join("same.rs"))
        .and_then(|meta| meta.modified())
        .expect("mtime");
    assert_eq!(
        modified_before, modified_after,
        "an unchanged file must not be rewritten"
    );

    let report = sync(&root, "gen", &files, true).expect("check again");
    assert!(report.drift.is_empty());
    assert_eq!(report.unchanged, 3);
    let _ = fs::remove_dir_all(&root);
}

#[test]
fn regen_twice_gives_identical_bytes() {
    let root = workspace_root();
    let first = generate(&root, DEFAULT_CONFIG).expect("generates");
    let second = generate(&root, DEFAULT_CONFIG).expect("generates");
    assert_eq!(first, second);
}

#[test]
fn checked_in_shapes_crate_matches_the_shapes_document() {
    let root = workspace_root();
    let (modules, lib) = xtask::shapes::shapes_files(&root).expect("the shapes document generates");
    let report = sync_generated(&root, xtask::shapes::SHAPES_GENERATED_DIRS, &modules, true)
        .expect("the shapes folders are readable");
    assert!(
        report.drift.is_empty(),
        "the shapes crate is out of date: {:?}; run `cargo xtask regen`",
        report.drift
    );
    let on_disk = fs::read_to_string(root.join("shapes/src/lib.rs")).expect("shapes/src/lib.rs");
    assert_eq!(
        on_disk, lib.contents,
        "shapes/src/lib.rs is out of date; run `cargo xtask regen`"
    );
}

/// The shapes crate compiles the runtime of both of the SDK's crates, so it needs exactly
/// their dependencies: the client crate's (without the types crate, which the shapes crate
/// compiles into itself), which hold the types crate's.
#[test]
fn the_shapes_crate_has_the_sdk_dependencies() {
    let root = workspace_root();
    let section = |path: &str| {
        let text = fs::read_to_string(root.join(path)).expect("the manifest");
        let start = text
            .find("[dependencies]\n")
            .expect("a [dependencies] section");
        let rest = &text[start..];
        let end = rest.find("\n[").map_or(rest.len(), |end| end + 1);
        rest[..end].to_owned()
    };
    let client = section("generated/Cargo.toml");
    let lines: Vec<&str> = client.lines().collect();
    let without_types: Vec<&str> = lines
        .iter()
        .enumerate()
        .filter(|(index, line)| {
            let is_types = |line: &str| line.starts_with("stripe-sdk-types ");
            // The dependency and the comment line above it.
            !is_types(line) && !lines.get(index + 1).is_some_and(|next| is_types(next))
        })
        .map(|(_, line)| *line)
        .collect();
    assert_eq!(
        without_types.len() + 2,
        lines.len(),
        "generated/Cargo.toml depends on stripe-sdk-types, under one comment line"
    );
    assert_eq!(
        section("shapes/Cargo.toml"),
        format!("{}\n", without_types.join("\n")),
        "copy generated/Cargo.toml's [dependencies], but stripe-sdk-types, into shapes/Cargo.toml"
    );
    for line in section("generated/types/Cargo.toml").lines().skip(1) {
        assert!(
            lines.contains(&line),
            "generated/types/Cargo.toml's dependency `{line}` is not generated/Cargo.toml's"
        );
    }
}
