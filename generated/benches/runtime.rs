//! Runtime overhead: encoding params and decoding a response, and complete `create` calls over
//! loopback beside raw reqwest sending the same bytes to the same server (the reference).

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::time::{Duration, Instant};
use stripe_sdk::{Client, PostTerminalConnectionTokensParams, TerminalConnectionToken};

const TOKEN_JSON: &str = r#"{"object":"terminal.connection_token","secret":"pst_test_YWNjdF8xTTJKVGtMa2RJd0h1N2l4LEl6c2p4aEFYS0xjWFBZd3pFbkJaYnJiNldxbHpNV1g_00kMwYnqf8","location":"tml_FDOt2wlRZEdpd7"}"#;
const KEY: &str = "sk_test_bench";
/// The SDK's own User-Agent, so that the reference sends the same headers.
const USER_AGENT: &str = concat!("stripe-sdk-rust/", env!("CARGO_PKG_VERSION"));

fn params() -> PostTerminalConnectionTokensParams {
    PostTerminalConnectionTokensParams {
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
    c.bench_function("decode response", |b| {
        b.iter(|| {
            black_box(serde_json::from_str::<TerminalConnectionToken>(black_box(TOKEN_JSON)).ok())
        })
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

fn loopback(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let base = start_server(&runtime);
    let client = Client::builder(KEY)
        .base_url(&base)
        .build()
        .expect("a client");
    let raw = reqwest::Client::new();
    let url = format!("{base}/v1/terminal/connection_tokens");
    let body = stripe_sdk::form::to_form_string(&params()).expect("encodable");

    let mut group = c.benchmark_group("create over loopback");
    group.measurement_time(Duration::from_secs(10));
    for concurrency in [1u64, 32] {
        let sdk = client.clone();
        group.bench_function(format!("sdk, concurrency {concurrency}"), |b| {
            b.iter_custom(|iters| {
                let sdk = sdk.clone();
                let params = std::sync::Arc::new(params());
                runtime.block_on(run(iters, concurrency, move || {
                    let (sdk, params) = (sdk.clone(), params.clone());
                    async move {
                        let token = sdk.post_terminal_connection_tokens(&params).await;
                        black_box(token.expect("a token"));
                    }
                }))
            })
        });
        let (raw, url, body) = (raw.clone(), url.clone(), body.clone());
        group.bench_function(
            format!("reference: raw reqwest, concurrency {concurrency}"),
            |b| {
                b.iter_custom(|iters| {
                    let (raw, url, body) = (raw.clone(), url.clone(), body.clone());
                    runtime.block_on(run(iters, concurrency, move || {
                        let (raw, url, body) = (raw.clone(), url.clone(), body.clone());
                        async move {
                            // The same bytes the SDK sends: its headers, the encoded form, and the
                            // JSON decoded into the same type.
                            let response = raw
                                .post(url)
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
                                serde_json::from_slice::<TerminalConnectionToken>(&bytes)
                                    .expect("a token"),
                            );
                        }
                    }))
                })
            },
        );
    }
    group.finish();
}

criterion_group!(benches, encoding, loopback);
criterion_main!(benches);
