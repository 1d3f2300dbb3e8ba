//! HTTP/1.1 over TCP with hyper: reads each request, applies any injected failure (a delay
//! before or after the operation, a dropped connection), hands the rest to the engine and
//! writes its answer.

use crate::engine::{Engine, Incoming};
use crate::failure::FailureKind;
use bytes::Bytes;
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper::body::Incoming as Body;
use hyper::header::{CONTENT_TYPE, HeaderName, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinSet;

/// Why a request got no answer: the connection is closed instead (hyper closes it when the
/// service fails).
#[derive(Debug, thiserror::Error)]
pub(crate) enum NoAnswer {
    #[error("connection dropped on purpose (an injected failure)")]
    Dropped,
    #[error("cannot read the request body: {0}")]
    Body(Box<dyn std::error::Error + Send + Sync>),
}

/// Accepts connections until `stop` fires (or is dropped); each connection is served on its
/// own task, and all of them end with this one.
pub(crate) async fn serve(listener: TcpListener, engine: Arc<Engine>, stop: oneshot::Receiver<()>) {
    let mut connections = JoinSet::new();
    tokio::pin!(stop);
    loop {
        tokio::select! {
            _ = &mut stop => break,
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                // Small request/response exchanges: do not wait to fill a segment.
                let _ = stream.set_nodelay(true);
                let engine = Arc::clone(&engine);
                connections.spawn(async move {
                    let service = service_fn(move |request| answer(Arc::clone(&engine), request));
                    let _ = http1::Builder::new()
                        .max_buf_size(MAX_HEAD_BYTES)
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
            // Reap finished connections so that the set does not grow without bound.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    connections.shutdown().await;
}

/// How large a request's head (its line and headers) may be: enough that an over-long header
/// Stripe refuses (a 1 MB `Idempotency-Key`) is read whole and refused by the engine with a
/// 400, rather than cut off by the server with the connection.
const MAX_HEAD_BYTES: usize = 4 * 1024 * 1024;

/// How large a request body may be; a larger one is answered `413`.
const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

fn header(request: &Request<Body>, name: &str) -> Option<String> {
    request
        .headers()
        .get(name)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned)
}

async fn answer(
    engine: Arc<Engine>,
    request: Request<Body>,
) -> Result<Response<Full<Bytes>>, NoAnswer> {
    let failure = engine.take_failure();
    let incoming = Incoming {
        method: request.method().as_str().to_owned(),
        path: request.uri().path().to_owned(),
        query: request.uri().query().unwrap_or("").to_owned(),
        authorization: header(&request, "authorization"),
        idempotency_key: header(&request, "idempotency-key"),
        stripe_account: header(&request, "stripe-account"),
        stripe_version: header(&request, "stripe-version"),
        content_type: header(&request, "content-type"),
        body: Bytes::new(),
    };
    let body = match Limited::new(request.into_body(), MAX_BODY_BYTES)
        .collect()
        .await
    {
        Ok(collected) => collected.to_bytes(),
        Err(error) if error.is::<LengthLimitError>() => return Ok(too_large()),
        Err(error) => return Err(NoAnswer::Body(error)),
    };
    let incoming = Incoming { body, ..incoming };
    let mut late = None;
    let status_failure = match failure {
        Some(failure) => match &failure.kind {
            FailureKind::DropConnection => {
                engine.record_dropped(&incoming);
                return Err(NoAnswer::Dropped);
            }
            FailureKind::Delay(duration) => {
                tokio::time::sleep(*duration).await;
                None
            }
            FailureKind::DelayAnswer(duration) => {
                late = Some(*duration);
                None
            }
            FailureKind::Status { .. } => Some(failure),
        },
        None => None,
    };
    let outgoing = engine.handle(incoming, status_failure.as_ref());
    // After the operation has run: the client that gave up waiting retries an operation that
    // was performed, which is what idempotency keys are for.
    if let Some(duration) = late {
        tokio::time::sleep(duration).await;
    }
    let mut response = Response::new(Full::new(outgoing.body));
    *response.status_mut() =
        hyper::StatusCode::from_u16(outgoing.status).unwrap_or(hyper::StatusCode::OK);
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static(outgoing.content_type),
    );
    for (name, value) in outgoing.headers {
        // `from_bytes` lower-cases the engine's `Request-Id` style names.
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(&value),
        ) {
            headers.insert(name, value);
        }
    }
    Ok(response)
}

/// The answer to a body over [`MAX_BODY_BYTES`], in Stripe's error envelope.
fn too_large() -> Response<Full<Bytes>> {
    let body = crate::error::envelope(
        "invalid_request_error",
        None,
        &format!("The request body is larger than the fake's limit of {MAX_BODY_BYTES} bytes."),
        None,
    );
    let mut response = Response::new(Full::new(Bytes::from(body.to_string())));
    *response.status_mut() = hyper::StatusCode::PAYLOAD_TOO_LARGE;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}
