//! Generation speed on Stripe's full spec, each stage beside its reference: serde_yaml (and
//! serde_json) parsing the same file into a plain value, the floor for any generator that
//! reads it. Needs `../shared/stripe-openapi/` beside the workspace.

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;
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

criterion_group!(benches, generation);
criterion_main!(benches);
