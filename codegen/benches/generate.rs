//! Generation speed on Stripe's full spec, each stage beside its reference: serde_yaml (and
//! serde_json) parsing the same file into a plain value, the floor for any generator that
//! reads it. Needs `../shared/stripe-openapi/` beside the workspace.

use criterion::{Criterion, criterion_group};
use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};
use stripe_codegen::{Options, Selection};

// The allocator `cargo xtask regen` runs with; the references run with it too.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn spec_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/stripe-openapi/2023-08-16")
        .join(name)
}

fn generation(c: &mut Criterion) {
    let (Ok(yaml), Ok(json)) = (
        std::fs::read_to_string(spec_path("spec3.yaml")),
        std::fs::read_to_string(spec_path("spec3.json")),
    ) else {
        eprintln!("skipped: ../shared/stripe-openapi/2023-08-16 is absent");
        return;
    };
    let options = Options {
        spec_file: "spec3.yaml",
        command: "cargo xtask regen",
    };
    let json_options = Options {
        spec_file: "spec3.json",
        command: "cargo xtask regen",
    };
    let mut group = c.benchmark_group("spec3");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));

    group.bench_function("reference: serde_yaml -> Value", |b| {
        b.iter(|| black_box(serde_yaml::from_str::<serde_yaml::Value>(black_box(&yaml)).ok()))
    });
    group.bench_function("reference: serde_json -> Value", |b| {
        b.iter(|| black_box(serde_json::from_str::<serde_json::Value>(black_box(&json)).ok()))
    });
    group.bench_function("load yaml", |b| {
        b.iter(|| black_box(stripe_codegen::load::parse_spec("spec3.yaml", black_box(&yaml)).ok()))
    });
    group.bench_function("load json", |b| {
        b.iter(|| black_box(stripe_codegen::load::parse_spec("spec3.json", black_box(&json)).ok()))
    });
    let Ok(spec) = stripe_codegen::load::parse_spec("spec3.yaml", &yaml) else {
        eprintln!("skipped: spec3.yaml does not load");
        return;
    };
    group.bench_function("lower only (all operations)", |b| {
        b.iter(|| {
            black_box(
                stripe_codegen::lower::lower(&spec, "spec3.yaml", &Selection::All)
                    .map(|api| api.types.len()),
            )
        })
    });
    group.bench_function("lower + emit + render (all operations)", |b| {
        b.iter(|| {
            black_box(
                stripe_codegen::generate_from(&spec, &Selection::All, options)
                    .map(|files| files.len()),
            )
        })
    });
    group.bench_function("whole API from yaml", |b| {
        b.iter(|| {
            black_box(
                stripe_codegen::generate(black_box(&yaml), &Selection::All, options)
                    .map(|files| files.len()),
            )
        })
    });
    group.bench_function("whole API from json", |b| {
        b.iter(|| {
            black_box(
                stripe_codegen::generate(black_box(&json), &Selection::All, json_options)
                    .map(|files| files.len()),
            )
        })
    });
    group.finish();
}

/// The whole API from YAML against its reference in alternating rounds, for the ratio.
/// Criterion measures one function for many seconds before the next, and on these shared
/// machines the speed of the whole machine drifts by more than the margin being judged;
/// alternating single runs (and which side goes first) puts both under the same drift, and the
/// median of the per-round ratios discards the rounds a neighbour disturbed.
fn paired_generation() {
    const ROUNDS: usize = 21;
    let Ok(yaml) = std::fs::read_to_string(spec_path("spec3.yaml")) else {
        eprintln!("skipped: ../shared/stripe-openapi/2023-08-16 is absent");
        return;
    };
    let options = Options {
        spec_file: "spec3.yaml",
        command: "cargo xtask regen",
    };
    let reference = || {
        let started = Instant::now();
        black_box(serde_yaml::from_str::<serde_yaml::Value>(black_box(&yaml)).ok());
        started.elapsed().as_secs_f64()
    };
    let ours = || {
        let started = Instant::now();
        black_box(
            stripe_codegen::generate(black_box(&yaml), &Selection::All, options)
                .map(|files| files.len())
                .ok(),
        );
        started.elapsed().as_secs_f64()
    };
    // One warm-up run of each.
    reference();
    ours();
    let (mut references, mut wholes, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..ROUNDS {
        let (r, w) = if round % 2 == 0 {
            let r = reference();
            (r, ours())
        } else {
            let w = ours();
            (reference(), w)
        };
        references.push(r);
        wholes.push(w);
        ratios.push(w / r);
    }
    println!(
        "spec3, paired: {ROUNDS} rounds: whole API from yaml {:.3} s, serde_yaml -> Value {:.3} s, \
         ratio (median of rounds) {:.2}",
        median(&mut wholes),
        median(&mut references),
        median(&mut ratios)
    );
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

criterion_group!(benches, generation);

fn main() {
    // Like `criterion_main!`, plus the paired comparison, which runs unless a filter that
    // does not name it was given (`cargo bench --bench generate -- lower` skips it).
    let filters: Vec<String> = std::env::args()
        .skip(1)
        .filter(|arg| !arg.starts_with("--"))
        .collect();
    benches();
    if filters.is_empty() || filters.iter().any(|f| "spec3, paired".contains(f.as_str())) {
        paired_generation();
    }
    Criterion::default().configure_from_args().final_summary();
}
