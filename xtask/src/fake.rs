//! The fake Stripe (`stripe-sdk-fake`, `generated/fake/`): `regen` writes and `regen --check`
//! checks its generated route table (`generated/fake/src/gen/`) like the SDK's generated
//! folders, and `regen --out` writes a whole-API fake into the standalone crate's `fake/`,
//! with a feature per resource family, the fake's engine (`runtime/fake-engine/`) beside it,
//! the whole-API tests of `tests/fake/` and a test that calls every operation through the SDK.

use crate::pipeline::LoweredApi;
use crate::{REGEN_COMMAND, Report, sync, sync_files};
use anyhow::{Context, Result, bail};
use std::fs;
use std::path::Path;
use stripe_codegen::features::FeatureMap;
use stripe_codegen::ir::Api;
use stripe_codegen::{GeneratedFile, Options};

/// The checked-in fake's folder, relative to the workspace root.
pub const FAKE_DIR: &str = "generated/fake";
/// Its generated route table, which the drift check owns completely.
pub const FAKE_GENERATED_DIR: &str = "generated/fake/src/gen";
/// The fake's engine, a hand-written runtime crate: copied to the same path below a standalone
/// crate set's root as below the workspace's, as the SDK's runtime crates are.
const FAKE_ENGINE_DIR: &str = "runtime/fake-engine";
/// The package of the fake's hand-written tests and benches, relative to the workspace root.
const FAKE_TESTS_DIR: &str = "tests/fake";
/// The hand-written tests copied into a standalone fake (they need the whole API's families),
/// relative to [`FAKE_TESTS_DIR`].
const WHOLE_API_TESTS: &str = "whole-api-tests";
/// Files of the repository the whole-API tests include by path, and where they go in the
/// standalone fake: the Terminal backend example, the SDK tests' log capture, and the three
/// users' programs of `docs/examples/` that `tests/programs.rs` runs against the fake.
const SUPPORT_FROM_THE_SDK: &[(&str, &str)] = &[
    (
        "tests/sdk/examples/terminal_backend.rs",
        "tests/support/terminal_backend.rs",
    ),
    ("tests/sdk/tests/common/mod.rs", "tests/support/logs.rs"),
    (
        "docs/examples/subscription_billing.rs",
        "tests/support/subscription_billing.rs",
    ),
    (
        "docs/examples/connect_marketplace.rs",
        "tests/support/connect_marketplace.rs",
    ),
    (
        "docs/examples/terminal_payment.rs",
        "tests/support/terminal_payment.rs",
    ),
];
/// The standalone fake's folder inside the standalone crate.
const STANDALONE_FAKE: &str = "fake";
/// The bench of [`FAKE_TESTS_DIR`] that a standalone fake keeps (`benches/<name>.rs`): the
/// throughput, memory and webhook figures of BENCHMARKS.md, which are reported for the
/// whole-API fake.
const STANDALONE_BENCH: &str = "fake";

/// The checked-in fake's route table, generated from the API the project's config lowers to.
pub fn fake_files(lowered: &LoweredApi) -> Result<Vec<GeneratedFile>> {
    let options = Options {
        spec_file: &lowered.spec_file,
        command: REGEN_COMMAND,
    };
    Ok(stripe_codegen::fake::generate(
        &lowered.spec,
        &lowered.api,
        None,
        None,
        options,
    )?)
}

/// `regen` for the checked-in fake: writes (or with `check_only`, compares) its route table
/// from the API `config_file` lowered to, printing what differs; with `check_only`, fails when
/// anything does.
pub fn regen_fake(
    root: &Path,
    config_file: &str,
    lowered: &LoweredApi,
    check_only: bool,
) -> Result<()> {
    let files = fake_files(lowered)?;
    let report = sync(root, FAKE_GENERATED_DIR, &files, check_only)?;
    if check_only {
        if report.drift.is_empty() {
            println!(
                "regen --check: {} fake route table files match {config_file}",
                report.unchanged
            );
            return Ok(());
        }
        eprintln!("regen --check: the fake's route table has drifted from {config_file}:");
        for (path, drift) in &report.drift {
            eprintln!("  {path}: {}", drift.describe());
        }
        eprintln!("fix it with: {REGEN_COMMAND}");
        bail!("{} fake file(s) out of date", report.drift.len());
    }
    for (path, drift) in &report.drift {
        println!("regen: {} {path}", drift.action());
    }
    println!(
        "regen: {} fake file(s) written or removed, {} unchanged, in {FAKE_GENERATED_DIR}",
        report.drift.len(),
        report.unchanged
    );
    Ok(())
}

/// Makes the standalone crate's workspace (its root manifest, among `files`) include the fake.
pub fn add_workspace_member(files: &mut [GeneratedFile]) -> Result<()> {
    let Some(manifest) = files.iter_mut().find(|file| file.path == "Cargo.toml") else {
        bail!("the standalone crate has no root Cargo.toml to add the fake to");
    };
    let mut document: toml_edit::DocumentMut = manifest
        .contents
        .parse()
        .context("the standalone crate's Cargo.toml is not valid TOML")?;
    let Some(workspace) = document
        .get_mut("workspace")
        .and_then(toml_edit::Item::as_table_mut)
    else {
        bail!("the standalone crate's Cargo.toml has no [workspace] table");
    };
    workspace.insert(
        "members",
        toml_edit::value(toml_edit::Array::from_iter([STANDALONE_FAKE])),
    );
    manifest.contents = document.to_string();
    Ok(())
}

/// What a standalone fake is generated from.
pub struct StandaloneFake<'a> {
    pub spec: &'a stripe_codegen::fake::Spec,
    pub spec_file: &'a str,
    pub api: &'a Api,
    pub features: &'a FeatureMap,
    /// The standalone crate's folder, relative to the workspace root (or absolute).
    pub out_dir: &'a str,
    /// Stripe's fixtures, relative to the workspace root (or absolute), if any.
    pub fixtures: Option<&'a str>,
}

/// Writes the whole-API fake into `<out_dir>/fake/`: the checked-in fake's manifest (with a
/// feature per family), root and binary, its route table for the selection, the
/// whole-API tests, a test calling every operation through the SDK, and the throughput bench;
/// and the fake's engine into `<out_dir>/runtime/fake-engine/`.
pub fn write_standalone_fake(root: &Path, request: &StandaloneFake<'_>) -> Result<Report> {
    let command = format!("{REGEN_COMMAND} --out");
    let options = Options {
        spec_file: request.spec_file,
        command: &command,
    };
    // The fixtures' ids give the fake its id prefixes.
    let fixture_objects = match request.fixtures {
        Some(fixtures) => {
            let path = crate::absolute(root, fixtures);
            let text = fs::read_to_string(&path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            Some(
                serde_json::from_str::<serde_json::Value>(&text)
                    .with_context(|| format!("{} is not JSON", path.display()))?,
            )
        }
        None => None,
    };
    let generated = stripe_codegen::fake::generate(
        request.spec,
        request.api,
        Some(request.features),
        fixture_objects.as_ref(),
        options,
    )?;
    let out = format!("{}/{STANDALONE_FAKE}", request.out_dir);
    let mut report = sync(root, &format!("{out}/src/gen"), &generated, false)?;

    let mut files = vec![GeneratedFile {
        path: "Cargo.toml".to_owned(),
        contents: standalone_manifest(root, request.features)?,
    }];
    // The hand-written files of the checked-in fake (`lib.rs`, which wires the route table to
    // the engine, and the binary's `main.rs`); `src/gen/` is the route table,
    // generated above.
    files.extend(copy_sources(root, FAKE_DIR, &out, "src/")?);
    // The whole-API tests, the module they share, and what they take from the SDK's tests:
    // the Terminal backend example they serve against the fake, and the log capture.
    let mut copies = Vec::new();
    for name in rust_files(&root.join(FAKE_TESTS_DIR).join(WHOLE_API_TESTS))? {
        copies.push((
            format!("{FAKE_TESTS_DIR}/{WHOLE_API_TESTS}/{name}"),
            format!("tests/{name}"),
        ));
    }
    let support = format!("{FAKE_TESTS_DIR}/{WHOLE_API_TESTS}/support");
    for name in rust_files(&root.join(&support))? {
        copies.push((format!("{support}/{name}"), format!("tests/support/{name}")));
    }
    for (source, path) in SUPPORT_FROM_THE_SDK {
        copies.push(((*source).to_owned(), (*path).to_owned()));
    }
    copies.push((
        format!("{FAKE_TESTS_DIR}/benches/{STANDALONE_BENCH}.rs"),
        format!("benches/{STANDALONE_BENCH}.rs"),
    ));
    for (source, path) in copies {
        files.push(GeneratedFile {
            path,
            contents: fs::read_to_string(root.join(&source))
                .with_context(|| format!("cannot read {source}"))?,
        });
    }
    let fixtures = request.fixtures.map(|fixtures| {
        crate::relative_path(
            &crate::absolute(root, &out),
            &crate::absolute(root, fixtures),
        )
    });
    files.push(GeneratedFile {
        path: "tests/every_operation.rs".to_owned(),
        contents: every_operation_test(
            &command,
            request.spec_file,
            request.api,
            fixtures.as_deref(),
        ),
    });
    let rest = sync_files(root, &out, &files, false, false)?;
    report.drift.extend(rest.drift);
    report.unchanged += rest.unchanged;
    // The engine, beside the SDK's runtime crates (docs/whole-api.md says why).
    let mut engine = vec![GeneratedFile {
        path: format!("{FAKE_ENGINE_DIR}/Cargo.toml"),
        contents: crate::standalone::runtime_manifest(
            root,
            &format!("{FAKE_ENGINE_DIR}/Cargo.toml"),
        )?,
    }];
    let engine_out = format!("{}/{FAKE_ENGINE_DIR}", request.out_dir);
    engine.extend(
        copy_sources(root, FAKE_ENGINE_DIR, &engine_out, "src/")?
            .into_iter()
            .map(|file| GeneratedFile {
                path: format!("{FAKE_ENGINE_DIR}/{}", file.path),
                contents: file.contents,
            }),
    );
    let rest = sync_files(root, request.out_dir, &engine, false, false)?;
    report.drift.extend(rest.drift);
    report.unchanged += rest.unchanged;
    Ok(report)
}

/// Every hand-written `.rs` file of `crate_dir`'s `src/` (relative to the workspace root), its
/// modules' folders (`src/lifecycle/`) included and `src/gen/` left out, as files at `prefix`
/// plus their path below `src/`. A file that `out_dir`'s `src/` has and the crate no longer
/// has (a module that became a folder, or moved to another crate) would leave two definitions
/// of one module behind, so it is removed.
fn copy_sources(
    root: &Path,
    crate_dir: &str,
    out_dir: &str,
    prefix: &str,
) -> Result<Vec<GeneratedFile>> {
    let names = rust_files_within(&root.join(crate_dir).join("src"), "gen")?;
    let out_src = crate::absolute(root, &format!("{out_dir}/src"));
    if out_src.is_dir() {
        for name in rust_files_within(&out_src, "gen")? {
            if !names.contains(&name) {
                let stale = out_src.join(&name);
                fs::remove_file(&stale)
                    .with_context(|| format!("cannot remove {}", stale.display()))?;
            }
        }
    }
    names
        .into_iter()
        .map(|name| {
            let source = format!("{crate_dir}/src/{name}");
            Ok(GeneratedFile {
                path: format!("{prefix}{name}"),
                contents: fs::read_to_string(root.join(&source))
                    .with_context(|| format!("cannot read {source}"))?,
            })
        })
        .collect()
}

/// The `.rs` files in `dir` and its folders but `skipped`, by path relative to `dir` (with
/// `/`), sorted.
fn rust_files_within(dir: &Path, skipped: &str) -> Result<Vec<String>> {
    let mut names = rust_files(dir)?;
    for entry in fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))? {
        let path = entry?.path();
        let Some(folder) = path.file_name().and_then(|name| name.to_str()) else {
            continue;
        };
        if path.is_dir() && folder != skipped {
            for name in rust_files_within(&path, skipped)? {
                names.push(format!("{folder}/{name}"));
            }
        }
    }
    names.sort();
    Ok(names)
}

/// The `.rs` files directly in `dir`, by name, sorted.
fn rust_files(dir: &Path) -> Result<Vec<String>> {
    let mut names = Vec::new();
    for entry in fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))? {
        let path = entry?.path();
        if path.is_file()
            && path.extension().is_some_and(|ext| ext == "rs")
            && let Some(name) = path.file_name().and_then(|name| name.to_str())
        {
            names.push(name.to_owned());
        }
    }
    names.sort();
    Ok(names)
}

/// The checked-in fake's manifest for a standalone crate: a feature per family forwarding to
/// the SDK's, all on by default; its engine at its place in the crate set; the
/// dev-dependencies of the fake's tests, with the SDK's params made to deserialize (the
/// every-operation test reads params from JSON); and the throughput bench.
fn standalone_manifest(root: &Path, features: &FeatureMap) -> Result<String> {
    use toml_edit::{Array, DocumentMut, Item, value};

    let read = |file: &str| -> Result<DocumentMut> {
        let text =
            fs::read_to_string(root.join(file)).with_context(|| format!("cannot read {file}"))?;
        text.parse()
            .with_context(|| format!("{file} is not valid TOML"))
    };
    let file = format!("{FAKE_DIR}/Cargo.toml");
    let mut document = read(&file)?;
    // The fake's tests' dev-dependencies serve the whole-API tests too (the Terminal backend
    // example they include needs axum and tracing) and the throughput bench (its bare axum
    // reference); their path dependencies are the fake and its SDK, which the whole-API fake
    // is and has. That bench comes along, so that BENCHMARKS.md's whole-API figures are
    // measured where they are reported; the soak stays behind, as it drives the checked-in
    // fake's Terminal operations.
    let tests_file = format!("{FAKE_TESTS_DIR}/Cargo.toml");
    let mut tests = read(&tests_file)?;
    let mut dev = match tests.remove("dev-dependencies") {
        Some(Item::Table(table)) => table,
        _ => toml_edit::Table::new(),
    };
    dev.retain(|_, dependency| dependency.get("path").is_none());
    if let Some(inherited) = dev.iter().find_map(|(name, dependency)| {
        (dependency.get("workspace").and_then(Item::as_bool) == Some(true)).then_some(name)
    }) {
        bail!(
            "{tests_file}: `{inherited}` is inherited from the workspace; a standalone fake cannot"
        );
    }
    if let Some(Item::ArrayOfTables(mut benches)) = tests.remove("bench") {
        benches.retain(|bench| bench.get("name").and_then(Item::as_str) == Some(STANDALONE_BENCH));
        document.insert("bench", Item::ArrayOfTables(benches));
    }
    crate::standalone::make_packageable(&mut document);
    // The engine sits at the same path below the crate set's root as below the workspace's,
    // which is one folder further up from `generated/fake/`.
    let Some(engine) = document
        .get_mut("dependencies")
        .and_then(|dependencies| dependencies.get_mut("stripe-sdk-fake-engine"))
        .and_then(|dependency| dependency.get_mut("path"))
    else {
        bail!("{file} has no path dependency on stripe-sdk-fake-engine");
    };
    *engine = value(format!("../{FAKE_ENGINE_DIR}"));
    let Some(table) = document.get_mut("features").and_then(Item::as_table_mut) else {
        bail!("{file} has no [features] table to add the resource families to");
    };
    table.clear();
    table.insert("default", value(Array::from_iter(["full"])));
    let families: std::collections::BTreeSet<&String> = features.gate.values().collect();
    for family in &families {
        table.insert(
            family,
            value(Array::from_iter([format!("stripe-sdk/{family}")])),
        );
    }
    table.insert(
        "full",
        value(Array::from_iter(families.iter().map(|f| f.as_str()))),
    );
    let mut sdk = toml_edit::InlineTable::new();
    sdk.insert("path", "..".into());
    sdk.insert("features", Array::from_iter(["deserialize"]).into());
    dev.insert("stripe-sdk", value(sdk));
    if !dev.contains_key("serde") {
        dev.insert("serde", value("1"));
    }
    // After the fake's own sections, not where it stood in the tests' manifest.
    dev.set_position(None);
    document.insert("dev-dependencies", Item::Table(dev));
    Ok(format!(
        "# @generated by `{REGEN_COMMAND} --out` from {file}. Do not edit.\n{document}"
    ))
}

/// A test that starts the whole-API fake (answering unknown ids as stripe-mock does) and calls
/// every operation once through the SDK, with the required params the fake builds from the
/// spec; every call must answer 2xx and decode.
fn every_operation_test(
    command: &str,
    spec_file: &str,
    api: &Api,
    fixtures: Option<&str>,
) -> String {
    let mut calls = String::new();
    for (index, operation) in api.operations.iter().enumerate() {
        let id = &operation.operation_id;
        let method = &operation.method_name;
        let mut arguments: Vec<String> = operation
            .path_params
            .iter()
            .map(|param| format!("\"{}_{index}\"", param.wire_name))
            .collect();
        let mut decode = String::new();
        if let Some(params) = operation.params {
            let def = api.type_def(params.type_id);
            // File fields are parts of their own, not in the params' JSON.
            let files: Vec<String> = match &def.kind {
                stripe_codegen::ir::TypeKind::Struct(body) => def
                    .facts
                    .file_fields
                    .iter()
                    .filter_map(|index| body.fields.get(*index))
                    .map(|field| format!("{:?}", field.wire_name))
                    .collect(),
                _ => Vec::new(),
            };
            decode = format!(
                "        let params: stripe_sdk::{}::{} = params(&fake, {id:?}, &[{}]);\n",
                def.module,
                def.name,
                files.join(", ")
            );
            arguments.push("&params".to_owned());
        }
        calls.push_str(&format!(
            "    {{\n{decode}        let outcome = client.{method}({}).await.map(|_| ());\n        record(&mut failures, {id:?}, outcome);\n    }}\n",
            arguments.join(", ")
        ));
    }
    let fixtures = match fixtures {
        Some(path) => format!(
            "        .fixtures_file(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/{path}\"))\n        .expect(\"the fixtures read\")\n"
        ),
        None => String::new(),
    };
    EVERY_OPERATION_TEMPLATE
        .replace(
            "{{header}}",
            &format!("// @generated by `{command}` from {spec_file}. Do not edit."),
        )
        .replace("{{fixtures}}\n", &fixtures)
        .replace("{{calls}}\n", &calls)
        .replace("{{count}}", &api.operations.len().to_string())
}

/// The every-operation test, with `{{...}}` placeholders that [`every_operation_test`] fills.
const EVERY_OPERATION_TEMPLATE: &str = r#"{{header}}
//! Every operation of the spec, called once through the SDK against the whole-API fake with
//! the required params the fake builds from the spec: each must answer 2xx and decode into
//! the SDK's types.

#![allow(clippy::too_many_lines, reason = "one block per operation")]

use stripe_sdk_fake::{FakeStripe, UnknownIds};

/// The operation's sample params without its file fields, decoded into its params type.
fn params<T: serde::de::DeserializeOwned>(fake: &FakeStripe, operation_id: &str, files: &[&str]) -> T {
    let mut json = fake
        .sample_params(operation_id)
        .unwrap_or_else(|| panic!("{operation_id} is not routed"));
    if let Some(fields) = json.as_object_mut() {
        for file in files {
            fields.remove(*file);
        }
    }
    serde_json::from_value(json.clone()).unwrap_or_else(|error| {
        panic!("{operation_id}: {json} does not decode into its params: {error}")
    })
}

fn record(failures: &mut Vec<String>, operation_id: &str, outcome: Result<(), stripe_sdk::Error>) {
    if let Err(error) = outcome {
        failures.push(format!("{operation_id}: {error}"));
    }
}

#[test]
fn every_operation_answers_and_decodes() {
    // One function calls every operation, and a debug build gives each call stack slots of
    // its own: it runs on a thread with a large stack.
    let outcome = std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(|| {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime")
                .block_on(call_every_operation());
        })
        .expect("a thread")
        .join();
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

async fn call_every_operation() {
    let fake = FakeStripe::builder()
        .unknown_ids(UnknownIds::Synthesize)
{{fixtures}}
        .start()
        .await
        .expect("the fake starts");
    let client = fake.client();
    let mut failures = Vec::new();
{{calls}}
    let calls = fake.requests().len();
    assert!(
        failures.is_empty(),
        "{} of {{count}} operations failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(calls, {{count}}, "each operation is called once, without retries");
}
"#;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace_root;

    /// The drift check for the fake, as a test, so that `cargo test` catches it too.
    #[test]
    fn the_checked_in_fake_matches_the_spec() {
        let root = workspace_root();
        let lowered = crate::pipeline::lower_api(
            &root,
            &crate::pipeline::ApiSource::Config(crate::DEFAULT_CONFIG),
        )
        .expect("the project's spec lowers");
        let files = fake_files(&lowered).expect("the project's spec generates");
        let report = sync(&root, FAKE_GENERATED_DIR, &files, true).expect("readable");
        assert!(
            report.drift.is_empty(),
            "the fake's route table is out of date: {:?}; run `cargo xtask regen`",
            report.drift
        );
    }

    #[test]
    fn the_fake_joins_the_standalone_workspace() {
        let mut files = vec![GeneratedFile {
            path: "Cargo.toml".to_owned(),
            contents: "[package]\nname = \"stripe-sdk\"\n\n[workspace]\n".to_owned(),
        }];
        add_workspace_member(&mut files).expect("edits");
        assert!(
            files[0]
                .contents
                .ends_with("[workspace]\nmembers = [\"fake\"]\n"),
            "{}",
            files[0].contents
        );
    }
}
