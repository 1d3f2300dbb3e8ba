//! `cargo xtask`: the project's automation entry point (see `cargo xtask help`).

use anyhow::{Result, bail};
use std::process::ExitCode;
use stripe_codegen::Selection;

const USAGE_TEMPLATE: &str = "\
usage: cargo xtask regen [--check | --bump] [--config FILE]
       cargo xtask regen --spec FILE (--all | --operation ID...) --out DIR [--fixtures FILE]
       {API_DIFF_SYNOPSIS}
       cargo xtask bench-compile [--only GROUP]...

  regen              regenerate generated/src/gen/ (families and operations),
                     generated/types/src/gen/ (responses) and generated/params/src/gen/
                     (requests) from the spec named in the config, print the
                     API changes against generated/api-surface.json (the record of the crate's
                     public API) and the semver bump they call for, and update that record
  --check            change nothing; fail if any generated file differs, is missing or is stale,
                     or the record is out of date, listing the API changes not generated yet
  --bump             also set generated/Cargo.toml's version to the bump the recorded changes
                     call for (0.x: breaking bumps the minor number, anything else the patch)
  --config FILE      the generator config, relative to the workspace root (default: spec/regen.yaml)

  --spec FILE        write a standalone SDK crate from FILE into DIR instead: the checked-in
  --out DIR          crate's manifest and hand-written client with generated modules for every
  --all              operation (--all) or the ones named (--operation, repeatable)
  --operation ID
  --fixtures FILE    Stripe's fixtures3.json: add a test that round-trips every fixture object
                     (default: fixtures3.json beside the spec, when there is one)

  bench-compile      time cold builds, in one run, and print their ratios (BENCHMARKS.md):
                     floor: a connection-token program with raw reqwest + serde + tokio;
                     token: the same program with the checked-in crate and with the full-API
                       crate's terminal_connection_token feature (ratio to the floor);
                     three-resource: a customer, a payment intent and a checkout session with
                       the full-API crate's three features and with async-stripe 1.0.0-rc.10;
                     whole-api: the token program with every feature, ours and async-stripe's
                     webhooks: a Checkout Session retrieval with no handler, and with a
                       handler by event name over one resource, six and every one, ours and
                       async-stripe-webhook's
                     each SDK crate's own time comes from a RUSTC_WRAPPER
                     (xtask/templates/bench/rustc-timer.sh) that records every rustc run's
                     crate, start and end in target/bench-compile/<program>/rustc-times.txt
  --only GROUP       build only that group (repeatable; default: all five)
  --profile PROFILE  debug (default), release (`cargo build --release`) or check (`cargo check`)

{API_DIFF_OPTIONS}";

fn usage() -> String {
    USAGE_TEMPLATE
        .replace("{API_DIFF_SYNOPSIS}", xtask::api_diff::SYNOPSIS)
        .replace("{API_DIFF_OPTIONS}", xtask::api_diff::OPTIONS)
}

// The generator's benchmark uses the same allocator, so its numbers are what `regen` sees.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn bench_compile(mut args: impl Iterator<Item = String>) -> Result<()> {
    let mut groups = Vec::new();
    let mut profile = xtask::bench::Profile::Debug;
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next()) {
            ("--only", Some(name)) => groups.push(xtask::bench::Group::parse(&name)?),
            ("--only", None) => bail!("--only needs a group\n{}", usage()),
            ("--profile", Some(name)) => profile = xtask::bench::Profile::parse(&name)?,
            ("--profile", None) => bail!("--profile needs debug, release or check\n{}", usage()),
            (other, _) => bail!("unknown argument `{other}`\n{}", usage()),
        }
    }
    if groups.is_empty() {
        groups = xtask::bench::Group::ALL.to_vec();
    }
    xtask::bench::bench_compile(&xtask::workspace_root(), &groups, profile)
}

fn run(args: Vec<String>) -> Result<()> {
    let mut args = args.into_iter();
    match args.next().as_deref() {
        Some("regen") => {}
        Some("api-diff") => return xtask::api_diff::run(&xtask::workspace_root(), args),
        Some("bench-compile") => return bench_compile(args),
        Some("help" | "--help" | "-h") | None => {
            println!("{}", usage());
            return Ok(());
        }
        Some(other) => bail!("unknown task `{other}`\n{}", usage()),
    }
    let mut check = false;
    let mut bump = false;
    let mut config = xtask::DEFAULT_CONFIG.to_owned();
    let mut spec = None;
    let mut out = None;
    let mut all = false;
    let mut operations = Vec::new();
    let mut fixtures = None;
    while let Some(arg) = args.next() {
        let mut value = |name: &str| match args.next() {
            Some(value) => Ok(value),
            None => Err(anyhow::anyhow!("{name} needs a value\n{}", usage())),
        };
        match arg.as_str() {
            "--check" => check = true,
            "--bump" => bump = true,
            "--config" => config = value("--config")?,
            "--spec" => spec = Some(value("--spec")?),
            "--out" => out = Some(value("--out")?),
            "--all" => all = true,
            "--operation" => operations.push(value("--operation")?),
            "--fixtures" => fixtures = Some(value("--fixtures")?),
            other => bail!("unknown argument `{other}`\n{}", usage()),
        }
    }
    let root = xtask::workspace_root();
    let (Some(spec), Some(out)) = (&spec, &out) else {
        if spec.is_some() || out.is_some() || all || !operations.is_empty() || fixtures.is_some() {
            bail!(
                "--spec, --out, --all, --operation and --fixtures go together: --spec and --out are both needed\n{}",
                usage()
            );
        }
        // The default run also keeps the fake Stripe and the shapes test crates in step.
        return xtask::regen(&root, &config, xtask::RegenMode { check, bump });
    };
    if check || bump {
        bail!(
            "--check and --bump concern the checked-in crate; it does not apply to --out\n{}",
            usage()
        );
    }
    let selection = match (all, operations.is_empty()) {
        (true, true) => Selection::All,
        (false, false) => Selection::Operations(operations),
        _ => bail!("give either --all or at least one --operation\n{}", usage()),
    };
    let beside_spec = std::path::Path::new(spec).with_file_name("fixtures3.json");
    let fixtures = fixtures.or_else(|| {
        root.join(&beside_spec)
            .exists()
            .then(|| beside_spec.to_string_lossy().into_owned())
    });
    let request = xtask::Standalone {
        spec_file: spec,
        selection,
        out_dir: out,
        fixtures: fixtures.as_deref(),
    };
    let report = xtask::write_standalone(&root, &request)?;
    println!(
        "regen --out: {} file(s) written or removed, {} unchanged, in {out}",
        report.drift.len(),
        report.unchanged
    );
    Ok(())
}
