//! `cargo xtask`: the project's automation entry point (see `cargo xtask help`).

use anyhow::{Result, bail};
use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask regen [--check] [--config FILE]

  regen            regenerate generated/src/gen/ from the spec named in the config
  --check          change nothing; fail if any generated file differs, is missing or is stale
  --config FILE    the generator config, relative to the workspace root (default: spec/regen.yaml)";

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Vec<String>) -> Result<()> {
    let mut args = args.into_iter();
    match args.next().as_deref() {
        Some("regen") => {}
        Some("help" | "--help" | "-h") | None => {
            println!("{USAGE}");
            return Ok(());
        }
        Some(other) => bail!("unknown task `{other}`\n{USAGE}"),
    }
    let mut check = false;
    let mut config = xtask::DEFAULT_CONFIG.to_owned();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--check" => check = true,
            "--config" => match args.next() {
                Some(value) => config = value,
                None => bail!("--config needs a file\n{USAGE}"),
            },
            other => bail!("unknown argument `{other}`\n{USAGE}"),
        }
    }
    xtask::regen(&xtask::workspace_root(), &config, check)
}
