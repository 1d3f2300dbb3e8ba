//! The generated API changes only where the spec changes: the same document in another order
//! generates the same bytes, and an operation added to a document adds to the API without
//! changing what was there.
//!
//! These tests read Stripe's published specs from `../shared/stripe-openapi/`, so a plain
//! `cargo test` reports them as ignored; CI runs them with `--include-ignored` (see `.ci/run`),
//! and without `../shared` they fail and name the missing file.

use std::path::PathBuf;
use stripe_codegen::api_diff::{ChangeClass, diff};
use stripe_codegen::features::feature_map;
use stripe_codegen::surface::surface;
use stripe_codegen::{GeneratedFile, Options, Selection};

const VERSIONS: [&str; 3] = ["2020-08-27", "2022-11-15", "2023-08-16"];

fn read_spec(version: &str) -> openapiv3::OpenAPI {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/stripe-openapi")
        .join(version)
        .join("spec3.yaml");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|error| {
        panic!(
            "cannot read {}: {error}. These tests need Stripe's published specs in \
             ../shared/stripe-openapi/ beside the repository.",
            path.display()
        )
    });
    stripe_codegen::load::parse_spec("spec3.yaml", &text).expect("the published spec parses")
}

/// The whole-API crate's generated files, features included, and its API surface.
fn generate(spec: &openapiv3::OpenAPI) -> (Vec<GeneratedFile>, stripe_codegen::surface::Surface) {
    let api = stripe_codegen::lower::lower(spec, "spec3.yaml", &Selection::All)
        .expect("the published spec lowers");
    let features = feature_map(&api);
    let options = Options {
        spec_file: "spec3.yaml",
        command: "cargo xtask regen",
    };
    let files = stripe_codegen::render_with_features(&api, options, Some(&features))
        .expect("the published spec renders");
    (files, surface(&api, true))
}

/// A fixed permutation of `0..len` (Fisher-Yates over a 64-bit linear congruential sequence),
/// the same on every run.
fn permutation(len: usize, seed: u64) -> Vec<usize> {
    let mut state = seed;
    let mut order: Vec<usize> = (0..len).collect();
    for index in (1..len).rev() {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let other = usize::try_from((state >> 33) % (index as u64 + 1)).expect("fits");
        order.swap(index, other);
    }
    order
}

fn shuffled<V: Clone>(
    map: &indexmap::IndexMap<String, V>,
    seed: u64,
) -> indexmap::IndexMap<String, V> {
    let entries: Vec<(&String, &V)> = map.iter().collect();
    permutation(entries.len(), seed)
        .into_iter()
        .map(|index| (entries[index].0.clone(), entries[index].1.clone()))
        .collect()
}

#[test]
#[ignore = "needs ../shared/stripe-openapi: run with --include-ignored beside ../shared (CI does)"]
fn shuffling_paths_and_components_changes_no_generated_byte() {
    for version in VERSIONS {
        let spec = read_spec(version);
        let (files, api) = generate(&spec);
        let mut reordered = spec.clone();
        reordered.paths.paths = shuffled(&spec.paths.paths, 0x5eed);
        if let Some(components) = reordered.components.as_mut() {
            components.schemas = shuffled(&components.schemas, 0xc0ffee);
        }
        assert_ne!(
            reordered.paths.paths.keys().take(5).collect::<Vec<_>>(),
            spec.paths.paths.keys().take(5).collect::<Vec<_>>(),
            "{version}: the shuffle left the paths in order"
        );
        let (reordered_files, reordered_api) = generate(&reordered);
        let changes = diff(&api, &reordered_api);
        assert!(
            changes.is_empty(),
            "{version}: api-diff of the shuffled spec: {changes:#?}"
        );
        assert_eq!(files.len(), reordered_files.len(), "{version}: file count");
        let differing: Vec<&str> = files
            .iter()
            .zip(&reordered_files)
            .filter(|(a, b)| a != b)
            .map(|(a, _)| a.path.as_str())
            .collect();
        assert!(
            differing.is_empty(),
            "{version}: files differ after shuffling: {differing:?}"
        );
        eprintln!(
            "{version}: {} files identical after shuffling paths and components",
            files.len()
        );
    }
}

/// An operation of our own, reaching an existing component (the customer) by a new route, with
/// params of the same shape as an existing operation's nested ones.
const ADDED_OPERATION: &str = r##"
get:
  operationId: GetZzAuditCustomersCustomer
  description: <p>Retrieves a customer, for an audit.</p>
  parameters:
    - in: path
      name: customer
      required: true
      schema: { type: string, maxLength: 5000 }
    - in: query
      name: expand
      required: false
      explode: true
      style: deepObject
      schema:
        type: array
        items: { type: string, maxLength: 5000 }
  requestBody:
    content:
      application/x-www-form-urlencoded:
        schema: { type: object, properties: {}, additionalProperties: false }
    required: false
  responses:
    "200":
      description: Successful response.
      content:
        application/json:
          schema: { $ref: "#/components/schemas/customer" }
"##;

#[test]
#[ignore = "needs ../shared/stripe-openapi: run with --include-ignored beside ../shared (CI does)"]
fn an_added_operation_only_adds_to_the_api() {
    for version in VERSIONS {
        let spec = read_spec(version);
        let (_, before) = generate(&spec);
        let mut added = spec.clone();
        let item: openapiv3::PathItem =
            serde_yaml::from_str(ADDED_OPERATION).expect("the added operation parses");
        added.paths.paths.insert(
            "/v1/zz_audit/customers/{customer}".to_owned(),
            openapiv3::ReferenceOr::Item(item),
        );
        let (_, after) = generate(&added);
        let changes = diff(&before, &after);
        let not_additions: Vec<String> = changes
            .changes
            .iter()
            .filter(|change| change.class != ChangeClass::Compatible)
            .map(|change| {
                format!(
                    "{} {}: {}",
                    change.kind.as_str(),
                    change.rust,
                    change.detail
                )
            })
            .collect();
        assert!(
            not_additions.is_empty(),
            "{version}: adding an operation changed more than it added:\n{}",
            not_additions.join("\n")
        );
        assert!(
            changes
                .changes
                .iter()
                .any(|change| change.rust.contains("get_zz_audit_customers_customer")),
            "{version}: the added operation is not in the diff: {changes:#?}"
        );
    }
}
