//! Webhook endpoints on loopback for the fake's tests: a server that hands each delivery's
//! `Stripe-Signature` and body to a handler, and a receiver that records them. The checked-in
//! fake's tests include this file by path; `cargo xtask regen --out DIR` copies it into
//! `DIR/fake/tests/support/` with the whole-API tests.

#![allow(
    dead_code,
    reason = "each test file that includes this module uses part of it"
)]

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use std::collections::VecDeque;
use std::convert::Infallible;
use std::future::Future;
use std::sync::{Arc, Mutex};

/// What a receiver got: each delivery's `Stripe-Signature` and body, in arrival order.
pub type Received = Arc<Mutex<Vec<(String, Bytes)>>>;

/// Serves `handle(signature, body)` (answering the status it returns, with an empty body) on
/// a free loopback port until the test ends; returns `http://127.0.0.1:PORT{path}`. Every
/// path is served, so the path only makes the URL read like an endpoint's.
pub async fn serve_webhooks<F, Fut>(path: &str, handle: F) -> String
where
    F: Fn(String, Bytes) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = StatusCode> + Send + 'static,
{
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port");
    let url = format!("http://{}{path}", listener.local_addr().expect("bound"));
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let handle = handle.clone();
            tokio::spawn(async move {
                let service = service_fn(move |request: Request<hyper::body::Incoming>| {
                    let handle = handle.clone();
                    async move {
                        let signature = request
                            .headers()
                            .get("stripe-signature")
                            .and_then(|value| value.to_str().ok())
                            .unwrap_or("")
                            .to_owned();
                        let body = request
                            .into_body()
                            .collect()
                            .await
                            .map(|body| body.to_bytes())
                            .unwrap_or_default();
                        let mut response = Response::new(Full::new(Bytes::from_static(b"ok")));
                        *response.status_mut() = handle(signature, body).await;
                        Ok::<_, Infallible>(response)
                    }
                });
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    url
}

/// A receiver at `/webhook` that records every delivery and answers the statuses of
/// `answers` in turn (200 once they run out).
pub async fn receiver(answers: &[u16]) -> (String, Received) {
    let received: Received = Arc::default();
    let answers = Arc::new(Mutex::new(
        answers.iter().copied().collect::<VecDeque<u16>>(),
    ));
    let log = Arc::clone(&received);
    let url = serve_webhooks("/webhook", move |signature, body| {
        log.lock().expect("the log").push((signature, body));
        let status = answers
            .lock()
            .expect("the answers")
            .pop_front()
            .unwrap_or(200);
        std::future::ready(StatusCode::from_u16(status).expect("a status"))
    })
    .await;
    (url, received)
}
