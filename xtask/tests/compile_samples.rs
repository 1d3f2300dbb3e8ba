//! A sample of the property tests' documents, generated into standalone crates and built with
//! warnings denied: generated code that parses is not enough, it has to compile.
//!
//! Slow (cargo builds the runtime's dependencies once, then checks each crate), so it is
//! ignored in a plain `cargo test`; `.ci/run` runs it with `--ignored`.

#[path = "../../codegen/tests/support/documents.rs"]
mod documents;

use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use std::fs;
use std::path::Path;
use std::process::Command;
use stripe_codegen::{Options, Selection};
use xtask::{Standalone, workspace_root, write_standalone};

/// How many generated crates to build: enough to meet most constructs, few enough that the
/// step takes a couple of minutes.
const CRATES: usize = 6;
/// The seed of the sample, fixed so that a failure names a document that can be regenerated.
const SEED: [u8; 32] = [42; 32];

#[test]
#[ignore = "builds generated crates with cargo; run by .ci/run"]
fn sampled_documents_generate_crates_that_build_without_warnings() {
    let root = workspace_root();
    let scratch = Path::new(env!("CARGO_TARGET_TMPDIR")).join("compile-samples");
    // One target folder for every crate, so the runtime's dependencies are built once.
    let target = scratch.join("target");
    let strategy = documents::document();
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &SEED),
    );
    let mut failures = Vec::new();
    let mut built = 0;
    let mut drawn = 0;
    while built < CRATES {
        drawn += 1;
        assert!(
            drawn < 100 * CRATES,
            "the strategy hardly produces valid documents"
        );
        let text = strategy
            .new_tree(&mut runner)
            .expect("the strategy draws")
            .current();
        let options = Options {
            spec_file: "sample.json",
            command: "test",
        };
        // Documents the generator refuses are the property tests' business.
        if stripe_codegen::generate(&text, &Selection::All, options).is_err() {
            continue;
        }
        let sample = scratch.join(format!("sample-{built}"));
        // Every sample's crates have the same names and share one target folder, so cargo
        // tells one sample's from another's only by their files' times: a file left from an
        // earlier run, which `write_standalone` does not rewrite when it is unchanged, is older
        // than the last sample's build and would take that build for its own. Each sample is
        // written afresh.
        if sample.exists() {
            fs::remove_dir_all(&sample).expect("remove the earlier run's sample");
        }
        fs::create_dir_all(&sample).expect("create the sample's folder");
        let spec = sample.join("spec.json");
        fs::write(&spec, &text).expect("write the sample's spec");
        let out = sample.join("crate");
        let request = Standalone {
            spec_file: spec.to_str().expect("a UTF-8 temp path"),
            selection: Selection::All,
            out_dir: out.to_str().expect("a UTF-8 temp path"),
            fixtures: None,
        };
        write_standalone(&root, &request).expect("write the standalone crate");
        built += 1;
        let status = Command::new(env!("CARGO"))
            .args(["check", "--all-features", "--quiet"])
            .current_dir(&out)
            .env("CARGO_TARGET_DIR", &target)
            .env("RUSTFLAGS", "-D warnings")
            .env_remove("CARGO_ENCODED_RUSTFLAGS")
            .status()
            .expect("run cargo");
        if !status.success() {
            failures.push(format!(
                "{} (from {}): cargo check failed",
                out.display(),
                spec.display()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {CRATES} sampled crates do not build with -D warnings:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
