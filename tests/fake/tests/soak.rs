//! The reliability soak of `benches/soak/` at 2,000 calls, so that CI runs its invariants: every
//! call classified, no double create under retried idempotency keys, every webhook delivered
//! once and in order per endpoint.

#[path = "../benches/soak/run.rs"]
mod run;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_small_soak_keeps_every_invariant() {
    let report = run::run(run::Config::new(2_000)).await;
    report.print();
    assert_eq!(report.failures(), Vec::<String>::new());
    // The failures were injected and retried, not absent: 503s, cut connections, and answers
    // delayed past the timeout whose retries were answered from the idempotency key.
    assert!(report.injected_503 > 0, "no 503 injected");
    assert!(report.dropped > 0, "no connection dropped");
    assert!(report.replayed > 0, "no retried create replayed");
    assert!(
        report
            .endpoints
            .iter()
            .all(|endpoint| endpoint.refused_first_attempts > 0),
        "no webhook delivery retried"
    );
}
