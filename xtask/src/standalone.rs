//! `cargo xtask regen --out DIR`: a standalone SDK crate for a selection of operations (the
//! whole API with `--all`), with a Cargo feature per resource, its round-trip and webhook
//! events tests, and the fake Stripe beside it.

use anyhow::{Context, Result, bail};
use std::fs;
use std::path::{Path, PathBuf};
use stripe_codegen::runtime::{RuntimeCrate, RuntimeLibrary};
use stripe_codegen::{GeneratedFile, Options, Selection};

use crate::pipeline::{ApiSource, LoweredApi, lower_api};
use crate::templates::Template;
use crate::*;

/// What `regen --out` generates.
pub struct Standalone<'a> {
    /// The spec, relative to the workspace root.
    pub spec_file: &'a str,
    pub selection: Selection,
    /// Where to write the crate, relative to the workspace root (or absolute).
    pub out_dir: &'a str,
    /// Stripe's `fixtures3.json`, to generate a round-trip test from, if any.
    pub fixtures: Option<&'a str>,
}

/// Writes a standalone SDK crate: the checked-in crate's manifest and hand-written runtime,
/// with generated modules for `selection` and, given fixtures, a round-trip test.
pub fn write_standalone(root: &Path, request: &Standalone<'_>) -> Result<Report> {
    let LoweredApi { spec, api, .. } = lower_api(
        root,
        &ApiSource::Spec {
            spec_file: request.spec_file,
            selection: &request.selection,
            skip_undefined: false,
        },
    )?;
    let command = format!("{REGEN_COMMAND} --out");
    let options = Options {
        spec_file: request.spec_file,
        command: &command,
    };
    let features = stripe_codegen::features::feature_map(&api);
    let generated = stripe_codegen::render_with_features(&api, options, Some(&features))?;

    let mut files = Vec::new();
    // Each crate is its manifest and its `lib.rs`, which wires the generated modules to the
    // runtime crates.
    for krate in RuntimeCrate::ALL {
        let folder = krate.prefix();
        files.push(GeneratedFile {
            path: format!("{folder}Cargo.toml"),
            contents: standalone_manifest(root, krate, &features)?,
        });
        let source = format!("{SDK_DIR}/{folder}src/lib.rs");
        let contents = fs::read_to_string(root.join(&source))
            .with_context(|| format!("cannot read {source}"))?;
        files.push(GeneratedFile {
            path: format!("{folder}src/lib.rs"),
            contents,
        });
    }
    // The hand-written runtime crates are copied beside the generated ones, at the same
    // paths below the crate set's root as below the workspace's (docs/whole-api.md says why).
    for library in RuntimeLibrary::ALL {
        let folder = library.folder();
        let manifest = format!("{folder}Cargo.toml");
        files.push(GeneratedFile {
            path: manifest.clone(),
            contents: runtime_manifest(root, &manifest)?,
        });
        // Every source file of the crate, whatever its `lib.rs` declares, in name order.
        let src = format!("{folder}src");
        let mut sources: Vec<String> = fs::read_dir(root.join(&src))
            .with_context(|| format!("cannot read {src}"))?
            .map(|entry| {
                let entry = entry.with_context(|| format!("cannot read {src}"))?;
                Ok(entry.file_name().to_string_lossy().into_owned())
            })
            .collect::<Result<_>>()?;
        sources.retain(|name| name.ends_with(".rs"));
        sources.sort();
        for name in sources {
            let source = format!("{src}/{name}");
            let contents = fs::read_to_string(root.join(&source))
                .with_context(|| format!("cannot read {source}"))?;
            files.push(GeneratedFile {
                path: source,
                contents,
            });
        }
    }
    let dirs = GeneratedDirs {
        types: &format!("{}/types/src/gen", request.out_dir),
        params: &format!("{}/params/src/gen", request.out_dir),
        client: &format!("{}/src/gen", request.out_dir),
    };
    let mut report = sync_generated(root, dirs, &generated, false)?;
    if let Some(fixtures) = request.fixtures {
        let schemas = spec
            .components
            .as_ref()
            .map(|components| &components.schemas);
        let schemas = serde_json::to_value(schemas)
            .with_context(|| format!("cannot convert {}'s schemas to JSON", request.spec_file))?;
        let out = absolute(root, request.out_dir);
        let fixtures_path = absolute(root, fixtures);
        let relative = relative_path(&out, &fixtures_path);
        files.push(GeneratedFile {
            path: "tests/roundtrip.rs".to_owned(),
            contents: roundtrip_test(
                &command,
                request.spec_file,
                &relative,
                &stripe_codegen::component_types(&api),
            )?,
        });
        files.push(GeneratedFile {
            path: "tests/spec_schemas.json".to_owned(),
            contents: spec_schemas(schemas)?,
        });
        let kinds = events_test::event_kinds(&api);
        let named = events_test::named_events(&api);
        if !kinds.is_empty() {
            files.push(GeneratedFile {
                path: "tests/events.rs".to_owned(),
                contents: events_test::events_test(
                    &command,
                    request.spec_file,
                    &relative,
                    &kinds,
                    &named,
                )?,
            });
        }
    }
    // Hook: the standalone workspace includes the whole-API fake (xtask/src/fake.rs).
    fake::add_workspace_member(&mut files)?;
    let rest = sync_files(root, request.out_dir, &files, false, false)?;
    // The workspace's lock file pins the dependency versions the checked-in crate is tested
    // with; cargo then trims it to what this crate uses, so it is seeded once, not compared.
    let lock = root.join(request.out_dir).join("Cargo.lock");
    if !lock.exists() {
        fs::copy(root.join("Cargo.lock"), &lock)
            .with_context(|| format!("cannot write {}", lock.display()))?;
    }
    report.drift.extend(rest.drift);
    report.unchanged += rest.unchanged;
    // Hook: the whole-API fake in `<out>/fake/` (xtask/src/fake.rs).
    let fake = fake::write_standalone_fake(
        root,
        &fake::StandaloneFake {
            spec: &spec,
            spec_file: request.spec_file,
            api: &api,
            features: &features,
            out_dir: request.out_dir,
            fixtures: request.fixtures,
        },
    )?;
    report.drift.extend(fake.drift);
    report.unchanged += fake.unchanged;
    Ok(report)
}

pub(crate) fn absolute(root: &Path, path: &str) -> PathBuf {
    let joined = root.join(path);
    let mut normal = PathBuf::new();
    for component in joined.components() {
        match component {
            std::path::Component::ParentDir => {
                normal.pop();
            }
            std::path::Component::CurDir => {}
            other => normal.push(other),
        }
    }
    normal
}

/// `to` relative to the folder `from`, with `/` separators, so the generated test does not
/// depend on where the checkout is.
pub(crate) fn relative_path(from: &Path, to: &Path) -> String {
    let from: Vec<_> = from.components().collect();
    let to: Vec<_> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".to_owned(); from.len() - common];
    parts.extend(
        to[common..]
            .iter()
            .map(|part| part.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}

/// The checked-in crate's manifest (`krate`'s) for a standalone crate: without the sections
/// that name files it does not copy (dev-dependencies, benches, tests, examples), with a
/// feature per resource family, and (the client crate's, which the types crates are path
/// dependencies of) as a workspace of its own so that it builds wherever it is written.
fn standalone_manifest(
    root: &Path,
    krate: RuntimeCrate,
    features: &stripe_codegen::features::FeatureMap,
) -> Result<String> {
    let file = format!("{SDK_DIR}/{}Cargo.toml", krate.prefix());
    let path = root.join(&file);
    let manifest =
        fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
    edit_manifest(&manifest, &file, krate, features)
}

/// A runtime crate's manifest (`file`, relative to the workspace root) for a standalone crate
/// set: as checked in, without the sections that name files it does not copy.
pub(crate) fn runtime_manifest(root: &Path, file: &str) -> Result<String> {
    let path = root.join(file);
    let manifest =
        fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut document: toml_edit::DocumentMut = manifest
        .parse()
        .with_context(|| format!("{file} is not valid TOML"))?;
    for section in ["dev-dependencies", "bench", "test", "example"] {
        document.remove(section);
    }
    if let Some(inherited) = inherited_key(document.as_table()) {
        bail!("{file} inherits `{inherited}` from the workspace; a standalone crate cannot");
    }
    make_packageable(&mut document);
    Ok(format!(
        "# @generated by `{REGEN_COMMAND} --out` from {file}. Do not edit.\n{document}"
    ))
}

/// Lets `cargo package --workspace` pack a standalone crate set: the checked-in crates say
/// `publish = false` (the workspace publishes nothing), but cargo only resolves a crate's path
/// dependencies on its siblings when those may be published. Where to publish them is the
/// user's choice.
pub(crate) fn make_packageable(document: &mut toml_edit::DocumentMut) {
    if let Some(package) = document
        .get_mut("package")
        .and_then(toml_edit::Item::as_table_like_mut)
    {
        package.remove("publish");
    }
}

/// [`standalone_manifest`] on the manifest's text; `file` names it in errors.
fn edit_manifest(
    manifest: &str,
    file: &str,
    krate: RuntimeCrate,
    features: &stripe_codegen::features::FeatureMap,
) -> Result<String> {
    use toml_edit::{Array, DocumentMut, Item, Table, value};

    let mut document: DocumentMut = manifest
        .parse()
        .with_context(|| format!("{file} is not valid TOML"))?;
    for section in ["dev-dependencies", "bench", "test", "example"] {
        document.remove(section);
    }
    make_packageable(&mut document);
    // A standalone crate has no workspace above it to inherit from.
    if let Some(inherited) = inherited_key(document.as_table()) {
        bail!("{file} inherits `{inherited}` from the workspace; a standalone crate cannot");
    }
    let Some(table) = document.get_mut("features").and_then(Item::as_table_mut) else {
        bail!("{file} has no [features] table to add the resource families to");
    };
    // The SDK's own defaults (`deserialize`) give way to `full`: a standalone crate's params
    // are only serialized unless a program asks for more.
    if table.get("default").and_then(Item::as_array).is_none() {
        bail!("{file}: [features] has no `default` list to turn into `default = [\"full\"]`");
    }
    // Every resource family is a feature, all on by default; a program that needs one family
    // turns the defaults off and names it, and compiles only what that family references.
    // They go right after `default`, ahead of the manifest's own features, so the table is
    // refilled in that order, each of its own entries keeping its comments. The types crates
    // share one feature table, and the client crate forwards each feature to both: its
    // modules' gates are the same features.
    let own: Vec<(toml_edit::Key, Item)> = table
        .iter()
        .filter(|(key, _)| *key != "default")
        .filter_map(|(key, item)| Some((table.key(key)?.clone(), item.clone())))
        .collect();
    table.clear();
    table.insert("default", value(Array::from_iter(["full"])));
    for (feature, enables) in &features.features {
        let forwarded: Vec<String> = match krate {
            RuntimeCrate::Types | RuntimeCrate::Params => Vec::new(),
            RuntimeCrate::Client => [RuntimeCrate::Params, RuntimeCrate::Types]
                .iter()
                .map(|types| format!("{}/{feature}", types.package()))
                .collect(),
        };
        let enables = forwarded.into_iter().chain(enables.iter().cloned());
        table.insert(feature, value(Array::from_iter(enables)));
    }
    table.insert("full", value(Array::from_iter(features.gate.keys())));
    if let Some(mut first) = features
        .features
        .keys()
        .next()
        .and_then(|name| table.key_mut(name))
    {
        first
            .leaf_decor_mut()
            .set_prefix("# Resource families, generated from the spec.\n");
    }
    for (key, item) in own {
        table.insert_formatted(&key, item);
    }
    // The runtime crates sit at the same paths below the crate set's root as below the
    // workspace's, which is one folder further up from `generated/`.
    let up = "../".repeat(krate.prefix().matches('/').count());
    for library in krate.libraries() {
        let Some(path) = document
            .get_mut("dependencies")
            .and_then(|dependencies| dependencies.get_mut(library.package()))
            .and_then(|dependency| dependency.get_mut("path"))
        else {
            bail!(
                "{file} has no path dependency on {}, the runtime its generated code names",
                library.package()
            );
        };
        let folder = library.folder().trim_end_matches('/');
        *path = value(format!("{up}{folder}"));
    }
    if krate == RuntimeCrate::Client {
        document.insert("workspace", Item::Table(Table::new()));
    }
    Ok(format!(
        "# @generated by `{REGEN_COMMAND} --out` from {file}. Do not edit.\n{document}"
    ))
}

/// The first `workspace = true` (or `x.workspace = true`) key below `table`, as a dotted path.
fn inherited_key(table: &dyn toml_edit::TableLike) -> Option<String> {
    table.iter().find_map(|(key, item)| {
        if key == "workspace" && item.as_bool() == Some(true) {
            return Some(key.to_owned());
        }
        inherited_key(item.as_table_like()?).map(|path| format!("{key}.{path}"))
    })
}

/// The round-trip test's source, with `{{name}}` placeholders that [`roundtrip_test`] fills.
const ROUNDTRIP_TEMPLATE: Template = template!("roundtrip.rs");

/// A test that decodes every fixture object into its generated type and checks that
/// re-encoding it loses nothing; each disagreement between fixture and spec is judged by the
/// spec's schemas, which [`write_standalone`] writes beside it (see the template's docs).
fn roundtrip_test(
    command: &str,
    spec_file: &str,
    fixtures: &str,
    types: &[(String, String)],
) -> Result<String> {
    let checks: String = types
        .iter()
        .map(|(component, rust_type)| {
            format!(
                "    check::<stripe_sdk::{rust_type}>(fixtures, &spec, {component:?}, &mut report);\n"
            )
        })
        .collect();
    ROUNDTRIP_TEMPLATE.fill(&[
        ("command", command),
        ("spec_file", spec_file),
        ("fixtures", fixtures),
        // The template puts the placeholder on a line of its own.
        ("checks", checks.trim_end_matches('\n')),
    ])
}

/// The structure of the spec's component schemas, as the round-trip test walks fixtures
/// through them: types, properties, requirements and unions, without descriptions and
/// extensions (which would triple the file).
fn spec_schemas(schemas: serde_json::Value) -> Result<String> {
    let pruned = match schemas {
        serde_json::Value::Object(schemas) => schemas
            .into_iter()
            .map(|(name, schema)| (name, structure(schema)))
            .collect(),
        _ => serde_json::Map::new(),
    };
    let mut text = serde_json::to_string(&pruned).context("cannot write the schemas as JSON")?;
    text.push('\n');
    Ok(text)
}

/// The keys of `schema` that say what a value may hold, recursively.
fn structure(schema: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    let Value::Object(schema) = schema else {
        return schema;
    };
    let kept = schema.into_iter().filter_map(|(key, value)| {
        let value = match key.as_str() {
            "$ref" | "type" | "nullable" | "required" | "enum" => value,
            "items" | "additionalProperties" => structure(value),
            "anyOf" | "oneOf" | "allOf" => match value {
                Value::Array(alternatives) => alternatives.into_iter().map(structure).collect(),
                other => other,
            },
            "properties" => match value {
                Value::Object(properties) => properties
                    .into_iter()
                    .map(|(name, property)| (name, structure(property)))
                    .collect(),
                other => other,
            },
            _ => return None,
        };
        Some((key, value))
    });
    Value::Object(kept.collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use stripe_codegen::features::FeatureMap;

    fn families() -> FeatureMap {
        FeatureMap {
            gate: [("charge", "charge"), ("customer", "customer")]
                .into_iter()
                .map(|(module, gate)| (module.to_owned(), gate.to_owned()))
                .collect(),
            features: [
                ("_reach-00000001", vec![]),
                ("charge", vec!["_reach-00000001"]),
                ("customer", vec!["_reach-00000001"]),
            ]
            .into_iter()
            .map(|(feature, enables)| {
                let enables = enables.into_iter().map(str::to_owned).collect();
                (feature.to_owned(), enables)
            })
            .collect(),
            ..FeatureMap::default()
        }
    }

    #[test]
    fn the_sdk_manifest_becomes_a_standalone_one_with_a_feature_per_family() {
        let manifest = standalone_manifest(&workspace_root(), RuntimeCrate::Client, &families())
            .expect("edits");
        // The client crate's features are the types crates', forwarded to both.
        let features = "[features]\n\
            default = [\"full\"]\n\
            # Resource families, generated from the spec.\n\
            _reach-00000001 = [\"stripe-sdk-params/_reach-00000001\", \"stripe-sdk-types/_reach-00000001\"]\n\
            charge = [\"stripe-sdk-params/charge\", \"stripe-sdk-types/charge\", \"_reach-00000001\"]\n\
            customer = [\"stripe-sdk-params/customer\", \"stripe-sdk-types/customer\", \"_reach-00000001\"]\n\
            full = [\"charge\", \"customer\"]\n\
            # A synchronous client";
        assert!(manifest.contains(features), "{manifest}");
        assert!(manifest.starts_with(
            "# @generated by `cargo xtask regen --out` from generated/Cargo.toml. Do not edit.\n[package]\n"
        ));
        assert!(manifest.ends_with("\n\n[workspace]\n"), "{manifest}");
        for gone in ["[dev-dependencies]", "[[bench]]", "workspace = true"] {
            assert!(!manifest.contains(gone), "{gone} is left in:\n{manifest}");
        }
        assert!(manifest.contains("\n[dependencies]\n"), "{manifest}");
        // Its families, not the types crates' defaults, decide what they compile.
        let version = crate::api_diff::package_version(&manifest).expect("a package version");
        for side in ["params", "types"] {
            assert!(
                manifest.contains(&format!(
                    "stripe-sdk-{side} = {{ path = \"{side}\", version = \"{version}\", default-features = false }}"
                )),
                "{manifest}"
            );
        }
    }

    #[test]
    fn the_types_manifests_become_standalone_ones_inside_the_client_workspace() {
        let manifest = standalone_manifest(&workspace_root(), RuntimeCrate::Types, &families())
            .expect("edits");
        let params = standalone_manifest(&workspace_root(), RuntimeCrate::Params, &families())
            .expect("edits");
        let features = "[features]\n\
            default = [\"full\"]\n\
            # Resource families, generated from the spec.\n\
            _reach-00000001 = []\n\
            charge = [\"_reach-00000001\"]\n\
            customer = [\"_reach-00000001\"]\n\
            full = [\"charge\", \"customer\"]\n";
        assert!(manifest.contains(features), "{manifest}");
        assert!(manifest.starts_with(
            "# @generated by `cargo xtask regen --out` from generated/types/Cargo.toml. Do not edit.\n[package]\nname = \"stripe-sdk-types\"\n"
        ));
        // It is a member of the client crate's workspace, which a table here would refuse.
        assert!(!manifest.contains("[workspace]"), "{manifest}");
        // The request types crate has the same features.
        assert!(params.contains(features), "{params}");
        assert!(
            params.contains("\nname = \"stripe-sdk-params\"\n"),
            "{params}"
        );
        assert!(!params.contains("[workspace]"), "{params}");
    }

    #[test]
    fn a_manifest_without_what_the_edit_needs_is_refused_by_name() {
        let cases = [
            (
                "[package]\nname = \"x\"\n[dev-dependencies]\n",
                "no [features]",
            ),
            (
                "[package]\nname = \"x\"\n[features]\nblocking = []\n[dev-dependencies]\n",
                "no `default` list",
            ),
            (
                "[package]\nedition.workspace = true\n[features]\ndefault = []\n[dev-dependencies]\n",
                "inherits `package.edition.workspace`",
            ),
            ("[package\n", "is not valid TOML"),
        ];
        for (manifest, expected) in cases {
            let error = edit_manifest(
                manifest,
                "sdk/Cargo.toml",
                RuntimeCrate::Client,
                &families(),
            )
            .expect_err(manifest)
            .to_string();
            assert!(error.starts_with("sdk/Cargo.toml"), "{error}");
            assert!(error.contains(expected), "{error} lacks {expected}");
        }
    }

    #[test]
    fn the_round_trip_template_takes_every_value() {
        let types = [("charge".to_owned(), "charge::Charge".to_owned())];
        let test = roundtrip_test("cmd", "spec.yaml", "../fixtures3.json", &types).expect("fills");
        assert!(test.starts_with("// @generated by `cmd` from spec.yaml. Do not edit.\n"));
        assert!(test.contains(
            "    check::<stripe_sdk::charge::Charge>(fixtures, &spec, \"charge\", &mut report);\n"
        ));
        assert!(test.contains("\"/../fixtures3.json\""));
        assert!(!test.contains("{{"), "a placeholder is left:\n{test}");
    }

    #[test]
    fn spec_schemas_keep_only_structure() {
        let schemas = serde_json::json!({"thing": {
            "type": "object",
            "description": "gone",
            "x-expandableFields": [],
            "required": ["a"],
            "properties": {
                "description": {"type": "string", "maxLength": 5000, "description": "gone"},
                "a": {"anyOf": [{"$ref": "#/components/schemas/other", "title": "gone"}], "nullable": true},
                "b": {"type": "array", "items": {"type": "object", "additionalProperties": {"type": "integer", "format": "unix-time"}}},
            },
        }});
        let text = spec_schemas(schemas).expect("writes");
        let expected = serde_json::json!({"thing": {
            "type": "object",
            "required": ["a"],
            "properties": {
                "description": {"type": "string"},
                "a": {"anyOf": [{"$ref": "#/components/schemas/other"}], "nullable": true},
                "b": {"type": "array", "items": {"type": "object", "additionalProperties": {"type": "integer"}}},
            },
        }});
        let written: serde_json::Value = serde_json::from_str(&text).expect("JSON");
        assert_eq!(written, expected);
    }
}
