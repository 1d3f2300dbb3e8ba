//! api-diff speed on Stripe's published specs: diffing two whole specs (2022-11-15 ->
//! 2023-08-16, `--all`) against generating the whole API from one (2023-08-16), which the issue
//! bounds at about twice. Needs `../shared/stripe-openapi/` beside the workspace.
//!
//! Like the generation benchmark's paired comparison, the two run in alternating rounds so
//! that both see the same drift of a shared machine, and the ratio is the median of the
//! per-round ratios.

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Instant;
use stripe_codegen::api_diff::diff;
use stripe_codegen::surface::surface_of_spec;
use stripe_codegen::{Options, Selection};

// The allocator `cargo xtask` runs with.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const ROUNDS: usize = 7;

fn spec_text(version: &str) -> Option<String> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/stripe-openapi")
        .join(version)
        .join("spec3.yaml");
    std::fs::read_to_string(path).ok()
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn main() {
    let (Some(old), Some(new)) = (spec_text("2022-11-15"), spec_text("2023-08-16")) else {
        eprintln!("skipped: ../shared/stripe-openapi/{{2022-11-15,2023-08-16}} are absent");
        return;
    };
    let options = Options {
        spec_file: "spec3.yaml",
        command: "cargo xtask regen",
    };
    let generation = || {
        let started = Instant::now();
        black_box(
            stripe_codegen::generate(black_box(&new), &Selection::All, options)
                .map(|files| files.len())
                .ok(),
        );
        started.elapsed().as_secs_f64()
    };
    let api_diff = || {
        let started = Instant::now();
        // The same work as `cargo xtask api-diff --all`: one spec after the other.
        let old = surface_of_spec("old.yaml", black_box(&old), &Selection::All, true, false);
        let new = surface_of_spec("new.yaml", black_box(&new), &Selection::All, true, false);
        if let (Ok(old), Ok(new)) = (old, new) {
            black_box(diff(&old, &new).changes.len());
        }
        started.elapsed().as_secs_f64()
    };
    generation();
    api_diff();
    let (mut generations, mut diffs, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..ROUNDS {
        let (g, d) = if round % 2 == 0 {
            let g = generation();
            (g, api_diff())
        } else {
            let d = api_diff();
            (generation(), d)
        };
        generations.push(g);
        diffs.push(d);
        ratios.push(d / g);
    }
    println!(
        "api-diff --all 2022-11-15 -> 2023-08-16: {:.3} s; whole-API generation from 2023-08-16: \
         {:.3} s; ratio (median of {ROUNDS} paired rounds) {:.2}",
        median(&mut diffs),
        median(&mut generations),
        median(&mut ratios)
    );
}
