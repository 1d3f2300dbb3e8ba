//! The fake's speed and size, as BENCHMARKS.md reports them: start-up in process, requests per
//! second for one create at concurrency 1 and 32 paired with a bare axum server answering a
//! fixed body (the floor any HTTP server on this machine pays), memory with 100,000
//! stored objects, and webhook deliveries per second to a bare receiver on loopback.
//!
//! Run: `cargo bench -p stripe-sdk-fake-tests --bench fake`. `cargo xtask regen --out DIR` writes
//! this bench into the whole-API fake too (`DIR/fake/`), where `--no-default-features
//! --features customer` gives the customer figures. `FAKE_BENCH=startup` or
//! `FAKE_BENCH=throughput` stops after that part; `FAKE_BENCH_ROUNDS` and
//! `FAKE_BENCH_REQUESTS` set the throughput rounds.
//!
//! The machine is noisy: every figure is a median of several rounds, and each fake round is
//! paired with a bare-server round measured right beside it, the two taking turns to go first.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use stripe_sdk::reqwest;
use stripe_sdk_fake::FakeStripe;

const ROUNDS: usize = 5;
const REQUESTS_PER_ROUND: usize = 2_000;
const STORED: usize = 100_000;
const EVENTS_PER_ROUND: usize = 2_000;

/// `name` from the environment as a number, else `default`: `FAKE_BENCH_ROUNDS` and
/// `FAKE_BENCH_REQUESTS` shorten the throughput rounds for a profiler, or lengthen them.
fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

/// The create the benchmark sends: customers when the fake routes them, else connection tokens
/// (the checked-in fake).
fn create_path(fake: &FakeStripe) -> (&'static str, &'static str) {
    if fake.operations().iter().any(|op| op.id == "PostCustomers") {
        (
            "/v1/customers",
            "email=jenny%40example.com&metadata[order]=6735",
        )
    } else {
        ("/v1/terminal/connection_tokens", "location=tml_123")
    }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(|a, b| a.total_cmp(b));
    values[values.len() / 2]
}

/// A bare axum server answering every POST with a fixed JSON body.
async fn bare_server() -> (SocketAddr, tokio::task::JoinHandle<()>) {
    use axum::routing::post;
    let body: &'static str = r#"{"id":"cus_NffrFeUfNV2Hib","object":"customer","created":1680893993,"email":"jenny@example.com","livemode":false,"metadata":{"order":"6735"}}"#;
    let app = axum::Router::new().fallback(post(move || async move {
        ([("content-type", "application/json")], body)
    }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("binds");
    let address = listener.local_addr().expect("address");
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (address, task)
}

/// Requests per second for `total` POSTs of `body` to `url` from `concurrency` tasks.
async fn rate(url: &str, body: &'static str, key: &str, concurrency: usize, total: usize) -> f64 {
    let client = reqwest::Client::new();
    let url = Arc::new(url.to_owned());
    let key = Arc::new(key.to_owned());
    let started = Instant::now();
    let mut tasks = Vec::new();
    for task in 0..concurrency {
        let (client, url, key) = (client.clone(), Arc::clone(&url), Arc::clone(&key));
        // The first tasks take the remainder, so that exactly `total` requests are sent.
        let share = total / concurrency + usize::from(task < total % concurrency);
        tasks.push(tokio::spawn(async move {
            for _ in 0..share {
                let response = client
                    .post(url.as_str())
                    .bearer_auth(key.as_str())
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(body)
                    .send()
                    .await
                    .expect("answers");
                assert!(response.status().is_success(), "{}", response.status());
                response.bytes().await.expect("a body");
            }
        }));
    }
    for task in tasks {
        task.await.expect("joins");
    }
    total as f64 / started.elapsed().as_secs_f64()
}

/// Resident memory of this process, in MiB (Linux).
fn rss_mib() -> f64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: f64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|pages| pages.parse().ok())
        .unwrap_or(0.0);
    pages * 4096.0 / (1024.0 * 1024.0)
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        // Start-up: bind, index the route table, build the client; then the first request,
        // which parses the schemas it needs.
        let mut starts = Vec::new();
        let mut firsts = Vec::new();
        let mut routes = 0;
        for _ in 0..20 {
            let started = Instant::now();
            let fake = FakeStripe::start().await.expect("starts");
            starts.push(started.elapsed().as_secs_f64() * 1000.0);
            routes = fake.operations().len();
            let (path, body) = create_path(&fake);
            let started = Instant::now();
            rate(&format!("{}{path}", fake.url()), body, stripe_sdk_fake::DEFAULT_API_KEY, 1, 1).await;
            firsts.push(started.elapsed().as_secs_f64() * 1000.0);
            fake.shutdown().await;
        }
        println!(
            "start-up: {routes} operations routed; start {:.2} ms, first request {:.2} ms (medians of 20)",
            median(starts),
            median(firsts)
        );

        // `FAKE_BENCH=startup` stops here: the whole API's start-up is measured from a build
        // with every family, which need not be optimised to show what start-up costs.
        if std::env::var("FAKE_BENCH").as_deref() == Ok("startup") {
            return;
        }
        let fake = FakeStripe::start().await.expect("starts");
        let (path, body) = create_path(&fake);
        let fake_url = format!("{}{path}", fake.url());
        let (bare, bare_task) = bare_server().await;
        let bare_url = format!("http://{bare}{path}");
        let rounds = env_or("FAKE_BENCH_ROUNDS", ROUNDS);
        let requests = env_or("FAKE_BENCH_REQUESTS", REQUESTS_PER_ROUND);
        for concurrency in [1, 32] {
            let mut fake_rates = Vec::new();
            let mut bare_rates = Vec::new();
            let mut ratios = Vec::new();
            for round in 0..rounds {
                // Which side goes first alternates, so that a drift of the machine's speed
                // within a round favours neither.
                let (b, f) = if round % 2 == 0 {
                    let b = rate(&bare_url, body, "sk_test_x", concurrency, requests).await;
                    let f = rate(&fake_url, body, stripe_sdk_fake::DEFAULT_API_KEY, concurrency, requests).await;
                    (b, f)
                } else {
                    let f = rate(&fake_url, body, stripe_sdk_fake::DEFAULT_API_KEY, concurrency, requests).await;
                    let b = rate(&bare_url, body, "sk_test_x", concurrency, requests).await;
                    (b, f)
                };
                bare_rates.push(b);
                fake_rates.push(f);
                ratios.push(f / b);
            }
            println!(
                "POST {path}, concurrency {concurrency}: fake {:.0} req/s, bare axum {:.0} req/s, ratio {:.2} (medians of {rounds} paired rounds of {requests})",
                median(fake_rates),
                median(bare_rates),
                median(ratios)
            );
        }
        bare_task.abort();
        fake.shutdown().await;
        // `FAKE_BENCH=throughput` stops here: the figure issues 27 and 28 bound, measured
        // alone (and quick enough to run under callgrind with a few rounds).
        if std::env::var("FAKE_BENCH").as_deref() == Ok("throughput") {
            return;
        }

        // Memory: a fresh fake, filled with 100,000 objects; the request log is cleared as it
        // goes, so that the figure is the store's.
        let fake = FakeStripe::start().await.expect("starts");
        let url = format!("{}{path}", fake.url());
        let before = rss_mib();
        let started = Instant::now();
        for _ in 0..STORED / 10_000 {
            rate(&url, body, stripe_sdk_fake::DEFAULT_API_KEY, 32, 10_000).await;
            fake.clear_requests();
        }
        let filled = started.elapsed();
        let after = rss_mib();
        println!(
            "memory: {} objects stored ({path}) in {:.1} s; resident {:.0} MiB -> {:.0} MiB, {:.2} KiB per object",
            fake.stored_objects(),
            filled.as_secs_f64(),
            before,
            after,
            (after - before) * 1024.0 / STORED as f64
        );
        fake.shutdown().await;

        // Webhooks: events recorded (`trigger`, the same path a create's event takes) and
        // delivered, signed, in order, to the bare server, which answers every POST 200; the
        // rate counts from the first event until `settle` returns.
        let (receiver, receiver_task) = bare_server().await;
        let fake = FakeStripe::builder()
            .webhook(format!("http://{receiver}/webhook"), "whsec_bench")
            .start()
            .await
            .expect("starts");
        let reader = serde_json::json!({
            "id": "tmr_1", "object": "terminal.reader", "device_type": "simulated_wisepos_e",
            "livemode": false, "serial_number": "259cd19c", "label": "bench", "metadata": {},
            "action": {"type": "process_payment_intent", "status": "succeeded"},
        });
        let mut recording = Vec::new();
        let mut delivering = Vec::new();
        for _ in 0..ROUNDS {
            let started = Instant::now();
            for _ in 0..EVENTS_PER_ROUND {
                fake.trigger("terminal.reader.action_succeeded", reader.clone())
                    .expect("a listed event");
            }
            recording.push(EVENTS_PER_ROUND as f64 / started.elapsed().as_secs_f64());
            fake.settle().await;
            delivering.push(EVENTS_PER_ROUND as f64 / started.elapsed().as_secs_f64());
        }
        let delivered = fake
            .deliveries()
            .iter()
            .filter(|delivery| delivery.status == stripe_sdk_fake::DeliveryStatus::Succeeded)
            .count();
        println!(
            "webhooks: {delivered} of {} deliveries succeeded; events recorded {:.0}/s, recorded and delivered {:.0}/s (medians of {ROUNDS} rounds of {EVENTS_PER_ROUND})",
            ROUNDS * EVENTS_PER_ROUND,
            median(recording),
            median(delivering)
        );
        receiver_task.abort();
        fake.shutdown().await;
        tokio::time::sleep(Duration::from_millis(10)).await;
    });
}
