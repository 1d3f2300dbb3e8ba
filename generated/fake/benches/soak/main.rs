//! Reliability soak (issue 22): 200,000 calls (`SOAK_CALLS` to change) through the SDK's client
//! at concurrency 256 against the fake failing 10% of requests at random (503s, dropped
//! connections, answers delayed past the client's timeout), with webhook deliveries to two
//! verifying endpoints. Prints a table; exits non-zero when an invariant fails. Run:
//! `cargo bench -p stripe-sdk-fake --bench soak`.

mod run;

fn main() {
    let calls = std::env::var("SOAK_CALLS")
        .ok()
        .and_then(|value| value.replace('_', "").parse().ok())
        .unwrap_or(200_000);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let report = runtime.block_on(run::run(run::Config::new(calls)));
    report.print();
    let failures = report.failures();
    if !failures.is_empty() {
        for failure in &failures {
            eprintln!("invariant failed: {failure}");
        }
        std::process::exit(1);
    }
    println!("all invariants hold");
}
