//! `cargo xtask bench-compile`: cold debug builds of a minimal connection-token program, with
//! the checked-in crate and with the full-API crate restricted to one feature, timed in one run.

use anyhow::{Context, Result, bail};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::{SDK_DIR, Standalone, write_standalone};
use stripe_codegen::Selection;

/// The spec the full-API crate is generated from.
const FULL_SPEC: &str = "../shared/stripe-openapi/2023-08-16/spec3.yaml";
/// Where the programs and their cold target folders go.
const BENCH_DIR: &str = "target/bench-compile";
/// The reference from the issue: async-stripe 1.0.0-rc.10 with only `terminal_connection_token`,
/// cold debug build of such a program on these machines.
const ASYNC_STRIPE_REFERENCE: Duration = Duration::from_secs(170);

/// The program both variants build: create a connection token and print its id-less JSON.
const PROGRAM: &str = r#"//! Minimal program for the compile-time benchmark: creates one connection token.
fn main() {
    let key = std::env::var("STRIPE_SECRET_KEY").unwrap_or_default();
    let result = stripe_sdk::blocking::Client::new(key).and_then(|client| {
        client.post_terminal_connection_tokens(&stripe_sdk::PostTerminalConnectionTokensParams::default())
    });
    match result {
        Ok(token) => println!("{token:?}"),
        Err(error) => eprintln!("{error}"),
    }
}
"#;

struct Measured {
    total: Duration,
    sdk: Option<Duration>,
}

pub fn bench_compile(root: &Path) -> Result<()> {
    let bench = root.join(BENCH_DIR);
    fs::create_dir_all(&bench).with_context(|| format!("cannot create {BENCH_DIR}"))?;
    let full_dir = format!("{BENCH_DIR}/full-sdk");
    println!("bench-compile: generating the full-API crate from {FULL_SPEC}");
    write_standalone(
        root,
        &Standalone {
            spec_file: FULL_SPEC,
            selection: Selection::All,
            out_dir: &full_dir,
            fixtures: None,
        },
    )?;

    let checked_in = root.join(SDK_DIR);
    let full = root.join(&full_dir);
    let variants = [
        (
            "checked-in crate",
            "app-checked-in",
            format!(
                "{{ path = {:?}, features = [\"blocking\"] }}",
                checked_in.display().to_string()
            ),
        ),
        (
            "full-API crate, feature terminal_connection_token",
            "app-full",
            format!(
                "{{ path = {:?}, default-features = false, features = [\"blocking\", \"terminal_connection_token\"] }}",
                full.display().to_string()
            ),
        ),
    ];
    let mut results = Vec::new();
    for (label, folder, dependency) in &variants {
        let app = bench.join(folder);
        write_program(root, &app, dependency)?;
        println!("bench-compile: cold debug build of the program with the {label}");
        results.push((label, build_cold(&app)?));
    }
    println!();
    println!("| what | ours | reference | ratio |");
    println!("| --- | --- | --- | --- |");
    for (label, measured) in &results {
        println!(
            "| program with the {label}, cold debug build | {:.1} s | async-stripe: {:.0} s | {:.2} |",
            measured.total.as_secs_f64(),
            ASYNC_STRIPE_REFERENCE.as_secs_f64(),
            measured.total.as_secs_f64() / ASYNC_STRIPE_REFERENCE.as_secs_f64()
        );
    }
    for (label, measured) in &results {
        match measured.sdk {
            Some(sdk) => println!(
                "| stripe-sdk crate alone ({label}), from --timings | {:.2} s | target: 5 s | {:.2} |",
                sdk.as_secs_f64(),
                sdk.as_secs_f64() / 5.0
            ),
            None => println!(
                "| stripe-sdk crate alone ({label}) | not found in the --timings report | | |"
            ),
        }
    }
    Ok(())
}

fn write_program(root: &Path, app: &Path, dependency: &str) -> Result<()> {
    fs::create_dir_all(app.join("src"))
        .with_context(|| format!("cannot create {}", app.display()))?;
    let manifest = format!(
        "[package]\nname = \"connection-token-program\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\nstripe-sdk = {dependency}\n\n[workspace]\n"
    );
    fs::write(app.join("Cargo.toml"), manifest)?;
    fs::write(app.join("src/main.rs"), PROGRAM)?;
    // The workspace's lock file pins the same dependency versions for both programs.
    fs::copy(root.join("Cargo.lock"), app.join("Cargo.lock")).context("cannot copy Cargo.lock")?;
    Ok(())
}

/// A debug build from an empty target folder, wall-clock timed, with the SDK crate's own time
/// read from cargo's `--timings` report.
fn build_cold(app: &Path) -> Result<Measured> {
    let target = app.join("target");
    if target.exists() {
        fs::remove_dir_all(&target)
            .with_context(|| format!("cannot empty {}", target.display()))?;
    }
    // Fetching is not compiling: download first so the timing sees only the build.
    let fetch = Command::new("cargo")
        .arg("fetch")
        .current_dir(app)
        .status()
        .context("cannot run cargo fetch")?;
    if !fetch.success() {
        bail!("cargo fetch failed in {}", app.display());
    }
    let started = Instant::now();
    let status = Command::new("cargo")
        .args(["build", "--timings"])
        .env_remove("RUSTFLAGS")
        .env("CARGO_TARGET_DIR", &target)
        .current_dir(app)
        .status()
        .context("cannot run cargo build")?;
    let total = started.elapsed();
    if !status.success() {
        bail!("cargo build failed in {}", app.display());
    }
    Ok(Measured {
        total,
        sdk: sdk_duration(&target.join("cargo-timings/cargo-timing.html")),
    })
}

/// The `stripe-sdk` unit's duration in a cargo timing report (its `UNIT_DATA` JSON, which
/// cargo writes with or without spaces after the colons).
fn sdk_duration(report: &PathBuf) -> Option<Duration> {
    let html = fs::read_to_string(report).ok()?;
    let compact: String = html.split_whitespace().collect();
    let start = compact.find("\"name\":\"stripe-sdk\"")?;
    let after = &compact[start..];
    let duration = after.find("\"duration\":")? + "\"duration\":".len();
    let number: String = after[duration..]
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    number.parse::<f64>().ok().map(Duration::from_secs_f64)
}
