//! The items the emitter writes as text (`as_str`, `FromStr`, `Encode`, `Validate`, the
//! client's methods, the handle methods, the feature-off stubs, and runs of them joined into
//! one) must come out exactly as prettyplease prints their tokens: every file is rendered both ways and
//! compared, for the project's document and, beside `../shared`, Stripe's full spec.

use stripe_codegen::{GeneratedFile, Options, Selection};

/// Renders `spec_text` with and without items written as text, with and without features,
/// and fails on the first file that differs; returns how many files were compared.
fn compare_both_ways(spec_file: &str, spec_text: &str) -> usize {
    let spec = stripe_codegen::load::parse_spec(spec_file, spec_text).expect("the spec loads");
    let api = stripe_codegen::lower::lower(&spec, spec_file, &Selection::All).expect("it lowers");
    let options = Options {
        spec_file,
        command: "cargo xtask regen",
    };
    let features = stripe_codegen::features::feature_map(&api);
    let mut compared = 0;
    for features in [None, Some(&features)] {
        let as_text = stripe_codegen::render_with_features(&api, options, features)
            .expect("it renders with items as text");
        let from_tokens = stripe_codegen::render_all_from_tokens(&api, options, features)
            .expect("it renders from tokens");
        assert_eq!(as_text.len(), from_tokens.len());
        for (text, tokens) in as_text.iter().zip(&from_tokens) {
            assert_same(text, tokens);
            compared += 1;
        }
    }
    compared
}

/// The first line where two renderings of a file differ, in the failure.
fn assert_same(text: &GeneratedFile, tokens: &GeneratedFile) {
    assert_eq!(text.path, tokens.path);
    if text.contents == tokens.contents {
        return;
    }
    let (line, (ours, theirs)) = text
        .contents
        .lines()
        .zip(tokens.contents.lines())
        .enumerate()
        .find(|(_, (ours, theirs))| ours != theirs)
        .unwrap_or((0, ("(a different length)", "")));
    panic!(
        "{} differs at line {}:\n  as text:     {ours}\n  from tokens: {theirs}",
        text.path,
        line + 1
    );
}

#[test]
fn items_as_text_match_prettyplease_on_the_project_document() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/openapi.yaml");
    let text = std::fs::read_to_string(path).expect("spec/openapi.yaml");
    assert!(compare_both_ways("openapi.yaml", &text) > 0);
}

#[test]
#[ignore = "needs ../shared/stripe-openapi: run with --include-ignored beside ../shared (CI does)"]
fn items_as_text_match_prettyplease_on_the_full_spec() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/stripe-openapi/2023-08-16/spec3.yaml"
    );
    let text = std::fs::read_to_string(path).unwrap_or_else(|error| {
        panic!("cannot read {path}: {error}; this test needs ../shared/stripe-openapi")
    });
    assert!(compare_both_ways("spec3.yaml", &text) > 0);
}
