//! Runtime overhead: encoding params and decoding a response, and complete `create` calls over
//! loopback beside raw reqwest sending the same bytes to the same server (the reference).

use criterion::{Criterion, criterion_group};
use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};
use stripe_sdk::{
    Client, TerminalConnectionToken, TerminalConnectionTokenCreateParams,
    TerminalConnectionTokenObject,
};

const TOKEN_JSON: &str = r#"{"object":"terminal.connection_token","secret":"pst_test_YWNjdF8xTTJKVGtMa2RJd0h1N2l4LEl6c2p4aEFYS0xjWFBZd3pFbkJaYnJiNldxbHpNV1g_00kMwYnqf8","location":"tml_FDOt2wlRZEdpd7"}"#;
const KEY: &str = "sk_test_bench";
/// The SDK's own User-Agent, so that the reference sends the same headers.
const USER_AGENT: &str = concat!("stripe-sdk-rust/", env!("CARGO_PKG_VERSION"));

/// The reference for decoding: the same fields as [`TerminalConnectionToken`], with serde's
/// derive in place of the runtime's decoder (`decode_object!`).
#[derive(serde::Deserialize)]
#[allow(dead_code, reason = "only decoded")]
struct DerivedToken {
    #[serde(default)]
    location: Option<String>,
    object: TerminalConnectionTokenObject,
    secret: String,
}

fn params() -> TerminalConnectionTokenCreateParams {
    TerminalConnectionTokenCreateParams {
        expand: Some(vec![
            "location".to_owned(),
            "reader".to_owned(),
            "configuration".to_owned(),
        ]),
        location: Some("tml_FDOt2wlRZEdpd7".to_owned()),
    }
}

fn encoding(c: &mut Criterion) {
    let params = params();
    c.bench_function("encode params (validate + form)", |b| {
        b.iter(|| {
            black_box(&params).validate().ok();
            black_box(stripe_sdk::form::to_form_string(black_box(&params)).ok())
        })
    });
    // What the client does with a response body.
    c.bench_function("decode response", |b| {
        b.iter(|| {
            black_box(
                stripe_sdk::decode::from_str::<TerminalConnectionToken>(black_box(TOKEN_JSON)).ok(),
            )
        })
    });
    // serde's `Deserialize` (the `deserialize` feature) reads a `serde_json::Value` first and
    // decodes its text: for programs that need the trait, not the client's path.
    c.bench_function("decode response through serde's Deserialize", |b| {
        b.iter(|| {
            black_box(serde_json::from_str::<TerminalConnectionToken>(black_box(TOKEN_JSON)).ok())
        })
    });
    c.bench_function("decode response, serde derive (reference)", |b| {
        b.iter(|| black_box(serde_json::from_str::<DerivedToken>(black_box(TOKEN_JSON)).ok()))
    });
}

/// A keep-alive HTTP server on loopback that answers every request with the token JSON.
fn start_server(runtime: &tokio::runtime::Runtime) -> String {
    use axum::{Router, routing::post};
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("a loopback port");
    let address = listener.local_addr().expect("an address");
    let app = Router::new().route(
        "/v1/terminal/connection_tokens",
        post(|| async {
            (
                [
                    ("content-type", "application/json"),
                    ("request-id", "req_bench"),
                ],
                TOKEN_JSON,
            )
        }),
    );
    runtime.spawn(async move { axum::serve(listener, app).await });
    format!("http://{address}")
}

/// Runs `calls` requests, `concurrency` at a time, and returns the elapsed time.
async fn run<F, Fut>(calls: u64, concurrency: u64, call: F) -> Duration
where
    F: Fn() -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let started = Instant::now();
    let per_worker = calls.div_ceil(concurrency);
    let workers: Vec<_> = (0..concurrency)
        .map(|_| {
            let call = call.clone();
            tokio::spawn(async move {
                for _ in 0..per_worker {
                    call().await;
                }
            })
        })
        .collect();
    for worker in workers {
        worker.await.expect("a worker finishes");
    }
    started.elapsed()
}

/// The two sides of the loopback comparison, sharing one server and one runtime.
struct Loopback {
    runtime: tokio::runtime::Runtime,
    sdk: Client,
    params: Arc<TerminalConnectionTokenCreateParams>,
    raw: reqwest::Client,
    url: Arc<str>,
    body: bytes::Bytes,
}

impl Loopback {
    fn start() -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        let base = start_server(&runtime);
        let sdk = Client::builder(KEY)
            .base_url(&base)
            .build()
            .expect("a client");
        // Configured as the SDK configures its own: no redirects, and the default timeout of
        // 80 s, which costs a timer per request.
        let raw = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(80))
            .build()
            .expect("a client");
        let body = stripe_sdk::form::to_form_string(&params()).expect("encodable");
        Self {
            runtime,
            sdk,
            params: Arc::new(params()),
            raw,
            url: format!("{base}/v1/terminal/connection_tokens").into(),
            body: body.into(),
        }
    }

    /// `calls` complete SDK calls: validate, encode, send, decode.
    fn sdk_calls(&self, calls: u64, concurrency: u64) -> Duration {
        let (sdk, params) = (self.sdk.clone(), self.params.clone());
        self.runtime.block_on(run(calls, concurrency, move || {
            let (sdk, params) = (sdk.clone(), params.clone());
            async move {
                let token = sdk.post_terminal_connection_tokens(&params).await;
                black_box(token.expect("a token"));
            }
        }))
    }

    /// `calls` raw reqwest calls sending the bytes the SDK sends, decoded into the same type.
    fn raw_calls(&self, calls: u64, concurrency: u64) -> Duration {
        let (raw, url, body) = (self.raw.clone(), self.url.clone(), self.body.clone());
        self.runtime.block_on(run(calls, concurrency, move || {
            let (raw, url, body) = (raw.clone(), url.clone(), body.clone());
            async move {
                let response = raw
                    .post(&*url)
                    .bearer_auth(KEY)
                    .header("stripe-version", stripe_sdk::API_VERSION)
                    .header("user-agent", USER_AGENT)
                    .header("accept", "application/json")
                    .header("idempotency-key", "3f2b8f8e-6f6c-4c39-9d47-2d2f5d0e8f51")
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(body)
                    .send()
                    .await
                    .expect("a response");
                let bytes = response.bytes().await.expect("a body");
                black_box(
                    serde_json::from_slice::<TerminalConnectionToken>(&bytes).expect("a token"),
                );
            }
        }))
    }
}

fn loopback(c: &mut Criterion) {
    let loopback = Loopback::start();
    let mut group = c.benchmark_group("create over loopback");
    group.measurement_time(Duration::from_secs(10));
    for concurrency in [1u64, 32] {
        group.bench_function(format!("sdk, concurrency {concurrency}"), |b| {
            b.iter_custom(|iters| loopback.sdk_calls(iters, concurrency))
        });
        group.bench_function(
            format!("reference: raw reqwest, concurrency {concurrency}"),
            |b| b.iter_custom(|iters| loopback.raw_calls(iters, concurrency)),
        );
    }
    group.finish();
}

/// The SDK against raw reqwest in alternating rounds, for the ratio. Criterion runs one
/// function for seconds before the next, and on these shared machines the speed of the whole
/// machine drifts by more than the 5% being measured; alternating short rounds (and which side
/// goes first) puts both sides under the same drift, and the median of the per-round ratios
/// discards the rounds a neighbour disturbed.
fn paired_loopback() {
    const ROUNDS: usize = 30;
    const CALLS: u64 = 2000;
    let loopback = Loopback::start();
    println!("create over loopback, paired: {ROUNDS} rounds of {CALLS} calls per side");
    for concurrency in [1u64, 32] {
        // Warm up connections, the pool and the allocator on both sides.
        loopback.sdk_calls(CALLS, concurrency);
        loopback.raw_calls(CALLS, concurrency);
        let mut sdk = Vec::with_capacity(ROUNDS);
        let mut raw = Vec::with_capacity(ROUNDS);
        for round in 0..ROUNDS {
            let (s, r) = if round % 2 == 0 {
                let s = loopback.sdk_calls(CALLS, concurrency);
                (s, loopback.raw_calls(CALLS, concurrency))
            } else {
                let r = loopback.raw_calls(CALLS, concurrency);
                (loopback.sdk_calls(CALLS, concurrency), r)
            };
            sdk.push(s.as_secs_f64() * 1e6 / CALLS as f64);
            raw.push(r.as_secs_f64() * 1e6 / CALLS as f64);
        }
        let mut ratios: Vec<f64> = sdk.iter().zip(&raw).map(|(s, r)| s / r).collect();
        println!(
            "  concurrency {concurrency:>2}: sdk {:.2} µs/call, raw reqwest {:.2} µs/call, \
             ratio (median of rounds) {:.3}",
            median(&mut sdk),
            median(&mut raw),
            median(&mut ratios),
        );
    }
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

criterion_group!(benches, encoding, loopback);

fn main() {
    // Like `criterion_main!`, plus the paired comparison, which runs unless a filter that
    // does not name it was given (`cargo bench --bench runtime -- encode` skips it).
    let filters: Vec<String> = std::env::args()
        .skip(1)
        .filter(|arg| !arg.starts_with("--"))
        .collect();
    benches();
    if filters.is_empty()
        || filters
            .iter()
            .any(|f| "create over loopback, paired".contains(f.as_str()))
    {
        paired_loopback();
    }
    Criterion::default().configure_from_args().final_summary();
}
