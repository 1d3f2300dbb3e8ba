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
    let (modules, libs) =
        xtask::shapes::shapes_files(&root).expect("the shapes document generates");
    let report = sync_generated(&root, xtask::shapes::SHAPES_GENERATED_DIRS, &modules, true)
        .expect("the shapes folders are readable");
    assert!(
        report.drift.is_empty(),
        "the shapes crate is out of date: {:?}; run `cargo xtask regen`",
        report.drift
    );
    assert_eq!(libs.len(), 3, "one lib.rs per crate");
    for lib in libs {
        let path = format!("shapes/{}", lib.path);
        let on_disk = fs::read_to_string(root.join(&path)).expect("a shapes lib.rs");
        assert_eq!(
            on_disk, lib.contents,
            "{path} is out of date; run `cargo xtask regen`"
        );
    }
}

/// Each shapes crate compiles the runtime of the SDK crate it stands for, so it needs exactly
/// that crate's dependencies; the shapes client crate depends on the other two shapes crates
/// under the SDK's crate names.
#[test]
fn the_shapes_crates_have_the_sdk_dependencies() {
    let root = workspace_root();
    let section = |path: &str| {
        let text = fs::read_to_string(root.join(path)).expect("the manifest");
        let start = text
            .find("[dependencies]\n")
            .expect("a [dependencies] section");
        let rest = &text[start..];
        let end = rest.find("\n[").map_or(rest.len(), |end| end + 1);
        // The blank lines before the next section, or none at the end of the file.
        format!("{}\n", rest[..end].trim_end())
    };
    for folder in ["types/", "params/"] {
        // The shapes manifest's comment names its source; the dependencies are the same.
        let without_comments = |text: String| -> Vec<String> {
            text.lines()
                .filter(|line| !line.starts_with('#'))
                .map(str::to_owned)
                .collect()
        };
        assert_eq!(
            without_comments(section(&format!("shapes/{folder}Cargo.toml"))),
            without_comments(section(&format!("generated/{folder}Cargo.toml"))),
            "copy generated/{folder}Cargo.toml's [dependencies] into shapes/{folder}Cargo.toml"
        );
    }
    // The SDK's path dependencies on its types crates become dependencies on the shapes
    // crates, under the same names.
    let manifest = fs::read_to_string(root.join("generated/Cargo.toml")).expect("the manifest");
    let version = xtask::api_diff::package_version(&manifest).expect("a version");
    let mut sdk = section("generated/Cargo.toml");
    for side in ["params", "types"] {
        sdk = sdk.replace(
            &format!(
                "stripe-sdk-{side} = {{ path = \"{side}\", version = \"{version}\", default-features = false }}"
            ),
            &format!(
                "stripe-sdk-{side} = {{ package = \"stripe-shapes-{side}\", path = \"{side}\", default-features = false }}"
            ),
        );
    }
    assert_eq!(
        section("shapes/Cargo.toml"),
        sdk,
        "copy generated/Cargo.toml's [dependencies] into shapes/Cargo.toml, with the types \
         crates as the shapes crates"
    );
}

/// The generator keeps generated modules off the runtime's module names (they are re-exported
/// under those names), so each runtime crate's list must be what its `lib.rs` declares.
#[test]
fn the_runtime_module_lists_match_the_runtime_crates() {
    let root = workspace_root();
    for library in stripe_codegen::runtime::RuntimeLibrary::ALL {
        let file = format!("{}src/lib.rs", library.folder());
        let text = fs::read_to_string(root.join(&file)).expect("the runtime's lib.rs");
        let declared: Vec<&str> = text
            .lines()
            .filter_map(|line| {
                let line = line.trim();
                let line = line.strip_prefix("pub ").unwrap_or(line);
                line.strip_prefix("mod ")?.strip_suffix(';')
            })
            .collect();
        assert_eq!(
            declared,
            library.modules(),
            "{file}: update stripe_codegen::runtime::RuntimeLibrary::modules"
        );
    }
}

/// The SDK's own `lib.rs` declares modules at the crate root beside the generated ones, which
/// it glob re-exports; each must be on the generator's list of names it keeps free.
#[test]
fn the_sdk_root_modules_are_kept_free_by_the_generator() {
    let text = fs::read_to_string(workspace_root().join("generated/src/lib.rs"))
        .expect("the SDK's lib.rs");
    let mut declared: Vec<&str> = text
        .lines()
        .filter_map(|line| line.strip_prefix("pub mod ")?.strip_suffix(" {"))
        .collect();
    declared.sort_unstable();
    assert_eq!(
        declared,
        stripe_codegen::runtime::SDK_ROOT_MODULES,
        "generated/src/lib.rs: update stripe_codegen::runtime::SDK_ROOT_MODULES"
    );
}
