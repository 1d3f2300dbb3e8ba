//! Reliability soak (issue 22): 200,000 calls (`SOAK_CALLS` to change) through the SDK's client
//! at concurrency 256 against the fake failing 10% of requests at random (503s, dropped
//! connections, answers delayed past the client's timeout), with webhook deliveries to two
//! verifying endpoints, once with an event per create and once with one per ten. Prints a
//! table per run (`SOAK_EVENT_EVERY=N` runs only that one); exits non-zero when an invariant
//! fails. Run:
//! `cargo bench -p stripe-sdk-fake-tests --bench soak`.

mod run;

fn main() {
    let calls = std::env::var("SOAK_CALLS")
        .ok()
        .and_then(|value| value.replace('_', "").parse().ok())
        .unwrap_or(200_000);
    let Some(event_every) = std::env::var("SOAK_EVENT_EVERY")
        .ok()
        .and_then(|value| value.parse::<usize>().ok())
    else {
        // Twice, each in a process of its own so that each RSS starts from nothing: an event
        // per create (more than two endpoints take one delivery at a time, so the queue, and
        // memory with it, grows until the calls end), then one per ten creates (which the
        // endpoints keep up with).
        let exe = std::env::current_exe().expect("the benchmark's own path");
        let mut failed = false;
        for event_every in [1, 10] {
            let status = std::process::Command::new(&exe)
                .env("SOAK_CALLS", calls.to_string())
                .env("SOAK_EVENT_EVERY", event_every.to_string())
                .status()
                .expect("the soak runs");
            failed |= !status.success();
        }
        std::process::exit(i32::from(failed));
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let config = run::Config {
        event_every,
        ..run::Config::new(calls)
    };
    println!("\nsoak: {calls} calls, an event per {event_every} creates");
    let report = runtime.block_on(run::run(config));
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
