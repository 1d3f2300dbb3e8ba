//! The generator reads Stripe's published spec: pointing the config at the full upstream
//! `spec3.yaml` must give the same public API as the project's own document.
//!
//! These tests read Stripe's specs from `../shared/stripe-openapi/`, which is not part of the
//! repository, so a plain `cargo test` reports them as ignored. CI runs them with
//! `cargo test -p stripe-codegen --test upstream -- --include-ignored`; run that way without
//! `../shared`, they fail and name the missing file.

use std::path::PathBuf;
use stripe_codegen::{Options, Selection, generate};

const OPERATION: &str = "PostTerminalConnectionTokens";

fn shared_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared")
}

/// The text of `relative` under `../shared/stripe-openapi/`, or a failure that names the file:
/// a test that was asked to run must not pass without its input.
fn read_spec(relative: &str) -> String {
    let path = shared_dir().join("stripe-openapi").join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|error| {
        panic!(
            "cannot read {}: {error}. These tests need Stripe's published specs in \
             ../shared/stripe-openapi/ beside the repository.",
            path.display()
        )
    })
}

/// The top-level items of a rendered file (each with its own lines), minus
/// those about `EventType`: it lists the spec's event names, of which our document carries only
/// the few the SDK's users handle and each spec version adds some, so only its presence (and
/// `Event`'s field of that type) is compared.
fn without_event_names(code: &[&str]) -> Vec<String> {
    let mut items: Vec<Vec<&str>> = Vec::new();
    for line in code {
        // prettyplease indents everything inside an item; only its closing line is not.
        let inside = line.starts_with(' ') || line.starts_with('}') || line.starts_with(')');
        match items.last_mut() {
            Some(item) if inside => item.push(line),
            _ => items.push(vec![line]),
        }
    }
    items
        .into_iter()
        .filter(|item| {
            let head = item.first().copied().unwrap_or_default();
            let about_names = head == "pub enum EventType {"
                || head == "impl EventType {"
                || head == "impl std::str::FromStr for EventType {"
                || head == "crate::types::serde_via_str!(EventType);";
            !about_names
        })
        .map(|item| item.join("\n"))
        .collect()
}

/// Generated code without comments and docs: what the compiler sees as the public API.
fn api_surface(spec_file: &str, text: &str) -> String {
    let selection = Selection::Operations(vec![OPERATION.to_owned()]);
    let options = Options {
        spec_file,
        command: "cargo xtask regen",
    };
    let files = generate(text, &selection, options).unwrap_or_else(|error| panic!("{error}"));
    files
        .iter()
        .map(|file| {
            let code: Vec<&str> = file
                .contents
                .lines()
                .filter(|line| {
                    let line = line.trim_start();
                    // Doc aliases (the verb a description starts with) are docs too.
                    !line.starts_with("//")
                        && !line.starts_with("#[doc = ")
                        && !line.starts_with("#[doc(alias")
                })
                .collect();
            format!(
                "==> {}\n{}",
                file.path,
                without_event_names(&code).join("\n")
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
#[ignore = "needs ../shared/stripe-openapi: run with --include-ignored beside ../shared (CI does)"]
fn upstream_spec_gives_the_same_public_api() {
    let upstream_text = read_spec("2023-08-16/spec3.yaml");
    let own_text = include_str!("../../spec/openapi.yaml");
    let own = api_surface("spec/openapi.yaml", own_text);
    let theirs = api_surface(
        "../shared/stripe-openapi/2023-08-16/spec3.yaml",
        &upstream_text,
    );
    assert_eq!(own, theirs);
    assert!(
        own.contains("pub fn post_terminal_connection_tokens<'a>("),
        "{own}"
    );
    assert!(own.contains("pub type_: EventType,"), "{own}");
    assert!(theirs.contains("pub enum EventObject {"), "{theirs}");
}

#[test]
#[ignore = "needs ../shared/stripe-openapi: run with --include-ignored beside ../shared (CI does)"]
fn upstream_json_and_yaml_agree() {
    let yaml = read_spec("2023-08-16/spec3.yaml");
    let json = read_spec("2023-08-16/spec3.json");
    assert_eq!(
        api_surface("spec3.yaml", &yaml),
        api_surface("spec3.json", &json)
    );
}

/// Moving from the 2022-11-15 spec to the 2023-08-16 one changes, for this operation, only the
/// API version (the constant, and the one `Event::api_version_mismatch` compares with):
/// regeneration must not churn anything else.
#[test]
#[ignore = "needs ../shared/stripe-openapi: run with --include-ignored beside ../shared (CI does)"]
fn a_spec_update_changes_only_what_the_spec_changed() {
    let older = read_spec("2022-11-15/spec3.yaml");
    let newer = read_spec("2023-08-16/spec3.yaml");
    let older = api_surface("spec3.yaml", &older);
    let newer = api_surface("spec3.yaml", &newer);
    let changed: Vec<(&str, &str)> = older
        .lines()
        .zip(newer.lines())
        .filter(|(a, b)| a != b)
        .collect();
    assert_eq!(older.lines().count(), newer.lines().count());
    assert_eq!(
        changed,
        [
            (
                "pub const API_VERSION: &str = \"2022-11-15\";",
                "pub const API_VERSION: &str = \"2023-08-16\";"
            ),
            (
                "crate::types::impl_event_envelope!(Event, \"2022-11-15\");",
                "crate::types::impl_event_envelope!(Event, \"2023-08-16\");"
            )
        ]
    );
}

/// The loader parses YAML straight into `openapiv3`, comparing each mapping's keys as it reads
/// them to refuse duplicates; the direct parse must build exactly what going through `Value`
/// builds.
#[test]
#[ignore = "needs ../shared/stripe-openapi: run with --include-ignored beside ../shared (CI does)"]
fn the_direct_yaml_parse_builds_what_the_value_route_builds() {
    let dir = shared_dir().join("stripe-openapi");
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|error| {
        panic!(
            "cannot list {}: {error}. This test needs Stripe's published specs in \
             ../shared/stripe-openapi/ beside the repository.",
            dir.display()
        )
    });
    let mut checked = 0;
    for entry in entries.flatten() {
        let path = entry.path().join("spec3.yaml");
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let loaded = stripe_codegen::load::parse_spec("spec3.yaml", &text)
            .unwrap_or_else(|error| panic!("{error}"));
        let value: serde_yaml::Value = serde_yaml::from_str(&text).expect("valid YAML");
        let through_value: openapiv3::OpenAPI =
            serde::Deserialize::deserialize(value).expect("a valid document");
        assert!(
            loaded == through_value,
            "{} loads differently",
            path.display()
        );
        checked += 1;
    }
    assert!(
        checked >= 3,
        "expected the three published specs, found {checked}"
    );
}
