//! Hand-written tests of retries, idempotency keys and request options over real HTTP on
//! loopback, run once through the async client and once through the blocking client (feature
//! `blocking`), which must behave the same.
//!
//! The servers (wiremock, or a tiny hand-rolled TCP server for a dropped connection) run on
//! their own multi-thread runtime or thread, because the blocking client must be called where no
//! runtime is current. Waits between attempts go through the builder's `retry_sleep` hook, which
//! records each delay and returns at once, so the tests never sleep for the backoff.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use stripe_sdk::{
    ApiErrorCategory, AppInfo, Client, ClientBuilder, Error, ErrorKind, RequestOptions,
    ViolationKind,
};
use stripe_sdk::{TerminalConnectionToken, TerminalConnectionTokenCreateParams};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "sk_test_51RetryKeyDoNotLeak0123456789abcdef";
const TOKEN_JSON: &str =
    r#"{"object":"terminal.connection_token","location":"tml_1","secret":"pst_test_RETRYSECRET"}"#;

/// Which client a scenario goes through.
#[derive(Clone, Copy, Debug)]
enum Mode {
    Async,
    #[cfg(feature = "blocking")]
    Blocking,
}

const MODES: &[Mode] = &[
    Mode::Async,
    #[cfg(feature = "blocking")]
    Mode::Blocking,
];

/// A runtime for the mock servers (and for driving the async client), kept apart from the
/// thread that calls the blocking client.
fn server_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// The delays the client asked to wait, in order.
#[derive(Clone, Default)]
struct Delays(Arc<Mutex<Vec<Duration>>>);

impl Delays {
    fn get(&self) -> Vec<Duration> {
        self.0.lock().unwrap().clone()
    }
}

/// A builder for `base_url` whose waits between attempts are recorded in `delays` instead of
/// slept.
fn builder(base_url: &str, delays: &Delays) -> ClientBuilder {
    let delays = delays.clone();
    Client::builder(KEY)
        .base_url(base_url)
        .retry_sleep(move |delay| {
            delays.0.lock().unwrap().push(delay);
            async {}
        })
}

fn params() -> TerminalConnectionTokenCreateParams {
    TerminalConnectionTokenCreateParams {
        location: Some("tml_1".to_owned()),
        ..Default::default()
    }
}

/// Creates a connection token through the client `mode` selects, built from `builder`, with
/// `options` when given. Async calls run on `runtime`; blocking calls on this thread.
fn call(
    runtime: &tokio::runtime::Runtime,
    mode: Mode,
    builder: ClientBuilder,
    options: Option<RequestOptions>,
) -> Result<TerminalConnectionToken, Error> {
    let params = params();
    match mode {
        Mode::Async => {
            let client = builder.build().unwrap();
            let client = match options {
                Some(options) => client.with_options(options),
                None => client,
            };
            runtime.block_on(client.post_terminal_connection_tokens(&params))
        }
        #[cfg(feature = "blocking")]
        Mode::Blocking => {
            let client = builder.build_blocking().unwrap();
            let client = match options {
                Some(options) => client.with_options(options),
                None => client,
            };
            client.post_terminal_connection_tokens(&params)
        }
    }
}

fn json(status: u16, body: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.as_bytes().to_vec(), "application/json")
}

fn api_error(status: u16, type_: &str) -> ResponseTemplate {
    json(
        status,
        &format!(r#"{{"error":{{"type":"{type_}","message":"status {status}"}}}}"#),
    )
    .insert_header("Request-Id", format!("req_{status}").as_str())
}

/// Starts a server that answers with `responses` in order, the last one for every request
/// after that.
fn server_answering(
    runtime: &tokio::runtime::Runtime,
    responses: Vec<ResponseTemplate>,
) -> MockServer {
    runtime.block_on(async {
        let server = MockServer::start().await;
        let last = responses.len() - 1;
        for (index, response) in responses.into_iter().enumerate() {
            let mock = Mock::given(any()).respond_with(response);
            let mock = if index < last {
                mock.up_to_n_times(1)
            } else {
                mock
            };
            mock.mount(&server).await;
        }
        server
    })
}

fn requests(runtime: &tokio::runtime::Runtime, server: &MockServer) -> Vec<wiremock::Request> {
    runtime.block_on(server.received_requests()).unwrap()
}

fn header<'a>(request: &'a wiremock::Request, name: &str) -> Option<&'a str> {
    request
        .headers
        .get(name)
        .map(|value| value.to_str().unwrap())
}

/// Asserts that every request carries the same idempotency key and body, and returns the key.
fn same_key_and_body(requests: &[wiremock::Request]) -> String {
    let key = header(&requests[0], "idempotency-key")
        .expect("a POST carries an idempotency key")
        .to_owned();
    for request in requests {
        assert_eq!(header(request, "idempotency-key"), Some(key.as_str()));
        assert_eq!(request.body, requests[0].body);
        assert_eq!(
            String::from_utf8(request.body.clone()).unwrap(),
            "location=tml_1"
        );
    }
    key
}

#[test]
fn two_500s_then_a_200_succeeds_after_three_requests_under_one_key() {
    for &mode in MODES {
        let runtime = server_runtime();
        let server = server_answering(
            &runtime,
            vec![
                api_error(500, "api_error"),
                api_error(500, "api_error"),
                json(200, TOKEN_JSON),
            ],
        );
        let delays = Delays::default();
        let token = call(&runtime, mode, builder(&server.uri(), &delays), None).unwrap();
        assert_eq!(token.secret, "pst_test_RETRYSECRET", "{mode:?}");

        let requests = requests(&runtime, &server);
        assert_eq!(requests.len(), 3, "{mode:?}");
        let key = same_key_and_body(&requests);
        // A generated key is a UUID v4.
        let uuid = uuid::Uuid::parse_str(&key).unwrap();
        assert_eq!(uuid.get_version_num(), 4, "{key}");

        // Two waits, as the backoff computes them: the first is always 0.5 s (half of 0.5 s
        // at most, raised to the floor), the second between 0.5 s and 1 s.
        let delays = delays.get();
        assert_eq!(delays.len(), 2, "{mode:?}: {delays:?}");
        assert_eq!(delays[0], Duration::from_millis(500));
        assert!(
            (Duration::from_millis(500)..Duration::from_secs(1)).contains(&delays[1]),
            "{delays:?}"
        );
    }
}

#[test]
fn each_call_gets_its_own_generated_key() {
    for &mode in MODES {
        let runtime = server_runtime();
        let server = server_answering(&runtime, vec![json(200, TOKEN_JSON)]);
        let delays = Delays::default();
        call(&runtime, mode, builder(&server.uri(), &delays), None).unwrap();
        call(&runtime, mode, builder(&server.uri(), &delays), None).unwrap();
        let requests = requests(&runtime, &server);
        assert_ne!(
            header(&requests[0], "idempotency-key"),
            header(&requests[1], "idempotency-key")
        );
    }
}

#[test]
fn a_400_is_not_retried() {
    for &mode in MODES {
        let runtime = server_runtime();
        let server = server_answering(&runtime, vec![api_error(400, "invalid_request_error")]);
        let delays = Delays::default();
        let error = call(&runtime, mode, builder(&server.uri(), &delays), None).unwrap_err();
        assert_eq!(requests(&runtime, &server).len(), 1, "{mode:?}");
        assert_eq!(error.attempts(), 1);
        assert!(!error.is_retryable());
        assert_eq!(
            error.kind(),
            ErrorKind::Api(ApiErrorCategory::InvalidRequest)
        );
        assert_eq!(
            error.to_string(),
            "[req_400] invalid_request_error (status 400): status 400"
        );
        assert!(delays.get().is_empty());
    }
}

#[test]
fn a_429_is_not_retried_but_classified_as_a_rate_limit() {
    for &mode in MODES {
        let runtime = server_runtime();
        let server = server_answering(&runtime, vec![api_error(429, "invalid_request_error")]);
        let delays = Delays::default();
        let error = call(&runtime, mode, builder(&server.uri(), &delays), None).unwrap_err();
        assert_eq!(requests(&runtime, &server).len(), 1, "{mode:?}");
        assert_eq!(error.kind(), ErrorKind::Api(ApiErrorCategory::RateLimit));
        assert_eq!(error.api_category(), Some(ApiErrorCategory::RateLimit));
        assert!(!error.is_retryable());
    }
}

#[test]
fn stripe_should_retry_false_stops_retries_of_a_500() {
    for &mode in MODES {
        let runtime = server_runtime();
        let server = server_answering(
            &runtime,
            vec![api_error(500, "api_error").insert_header("Stripe-Should-Retry", "false")],
        );
        let delays = Delays::default();
        let error = call(&runtime, mode, builder(&server.uri(), &delays), None).unwrap_err();
        assert_eq!(requests(&runtime, &server).len(), 1, "{mode:?}");
        assert_eq!(error.status().map(|s| s.as_u16()), Some(500));
        assert_eq!(error.kind(), ErrorKind::Api(ApiErrorCategory::Api));
        assert_eq!(error.attempts(), 1);
        assert!(!error.is_retryable());
    }
}

#[test]
fn stripe_should_retry_true_retries_a_400() {
    for &mode in MODES {
        let runtime = server_runtime();
        let server = server_answering(
            &runtime,
            vec![
                api_error(400, "invalid_request_error")
                    .insert_header("Stripe-Should-Retry", "true"),
                json(200, TOKEN_JSON),
            ],
        );
        let delays = Delays::default();
        let token = call(&runtime, mode, builder(&server.uri(), &delays), None).unwrap();
        assert_eq!(token.location.as_deref(), Some("tml_1"));
        let requests = requests(&runtime, &server);
        assert_eq!(requests.len(), 2, "{mode:?}");
        same_key_and_body(&requests);
    }
}

#[test]
fn a_409_is_retried() {
    for &mode in MODES {
        let runtime = server_runtime();
        let server = server_answering(
            &runtime,
            vec![
                api_error(409, "invalid_request_error"),
                json(200, TOKEN_JSON),
            ],
        );
        let delays = Delays::default();
        call(&runtime, mode, builder(&server.uri(), &delays), None).unwrap();
        assert_eq!(requests(&runtime, &server).len(), 2, "{mode:?}");
    }
}

#[test]
fn exhausted_retries_return_the_last_error_with_the_attempt_count() {
    for &mode in MODES {
        let runtime = server_runtime();
        let server = server_answering(
            &runtime,
            vec![
                api_error(500, "api_error"),
                api_error(502, "api_error"),
                api_error(503, "api_error"),
                json(200, TOKEN_JSON),
            ],
        );
        let delays = Delays::default();
        let error = call(&runtime, mode, builder(&server.uri(), &delays), None).unwrap_err();
        assert_eq!(requests(&runtime, &server).len(), 3, "{mode:?}");
        assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
        assert_eq!(error.request_id(), Some("req_503"));
        assert_eq!(error.attempts(), 3);
        assert!(error.is_retryable());
        assert_eq!(
            error.to_string(),
            "[req_503] api_error (status 503): status 503 (after 3 attempts)"
        );
        let Error::Api(api) = &error else {
            panic!("expected an API error, got {error:?}");
        };
        assert_eq!(api.attempts(), 3);
        assert_eq!(delays.get().len(), 2);
    }
}

#[test]
fn an_undecodable_502_is_retried_and_keeps_its_details() {
    for &mode in MODES {
        let runtime = server_runtime();
        let html = ResponseTemplate::new(502)
            .insert_header("Request-Id", "req_html")
            .set_body_raw(b"<html>Bad Gateway</html>".to_vec(), "text/html");
        let server = server_answering(&runtime, vec![html]);
        let delays = Delays::default();
        let error = call(
            &runtime,
            mode,
            builder(&server.uri(), &delays).max_retries(1),
            None,
        )
        .unwrap_err();
        assert_eq!(requests(&runtime, &server).len(), 2, "{mode:?}");
        assert_eq!(error.kind(), ErrorKind::Api(ApiErrorCategory::Api));
        assert_eq!(error.attempts(), 2);
        assert!(error.is_retryable());
        let text = error.to_string();
        assert!(
            text.starts_with("[req_html] error response to PostTerminalConnectionTokens without"),
            "{text}"
        );
        assert!(text.ends_with("(after 2 attempts)"), "{text}");
    }
}

#[test]
fn the_client_and_request_retry_limits_apply() {
    for &mode in MODES {
        for (client_limit, request_limit, expected) in [
            (Some(0), None, 1),
            (Some(5), None, 6),
            (None, Some(0), 1),
            (Some(0), Some(3), 4),
            (None, None, 3),
        ] {
            let runtime = server_runtime();
            let server = server_answering(&runtime, vec![api_error(500, "api_error")]);
            let delays = Delays::default();
            let mut client = builder(&server.uri(), &delays);
            if let Some(limit) = client_limit {
                client = client.max_retries(limit);
            }
            let options = request_limit.map(|limit| RequestOptions::new().max_retries(limit));
            let error = call(&runtime, mode, client, options).unwrap_err();
            assert_eq!(
                requests(&runtime, &server).len(),
                expected,
                "{mode:?} {client_limit:?} {request_limit:?}"
            );
            assert_eq!(error.attempts(), expected as u32);
            // Backoff grows and is capped: 0.5 s, then up to 1, 2, 4 and 5 s.
            for (retry, delay) in (1_u32..).zip(delays.get()) {
                let ceiling =
                    Duration::from_millis(500 * 2_u64.pow(retry - 1)).min(Duration::from_secs(5));
                assert!(delay <= ceiling, "retry {retry}: {delay:?}");
                assert!(delay >= (ceiling / 2).max(Duration::from_millis(500)));
            }
        }
    }
}

#[test]
fn retry_after_is_honoured_and_capped() {
    for &mode in MODES {
        for (retry_after, expected) in [
            ("3", Duration::from_secs(3)),
            ("3600", Duration::from_secs(60)),
            // Shorter than the backoff: the backoff wins.
            ("0", Duration::from_millis(500)),
        ] {
            let runtime = server_runtime();
            let server = server_answering(
                &runtime,
                vec![
                    api_error(503, "api_error").insert_header("Retry-After", retry_after),
                    json(200, TOKEN_JSON),
                ],
            );
            let delays = Delays::default();
            call(&runtime, mode, builder(&server.uri(), &delays), None).unwrap();
            assert_eq!(
                delays.get(),
                [expected],
                "{mode:?} Retry-After: {retry_after}"
            );
        }
        assert_eq!(stripe_sdk::MAX_RETRY_AFTER, Duration::from_secs(60));
    }
}

#[test]
fn without_a_sleep_hook_the_client_really_waits() {
    for &mode in MODES {
        let runtime = server_runtime();
        let server = server_answering(
            &runtime,
            vec![api_error(500, "api_error"), json(200, TOKEN_JSON)],
        );
        let started = std::time::Instant::now();
        call(
            &runtime,
            mode,
            Client::builder(KEY).base_url(server.uri()),
            None,
        )
        .unwrap();
        // The first retry waits exactly the 0.5 s floor.
        assert!(
            started.elapsed() >= Duration::from_millis(500),
            "{mode:?}: {:?}",
            started.elapsed()
        );
    }
}

/// Reads one HTTP/1.1 request (head and `Content-Length` body) from `stream`.
fn read_request(stream: &mut std::net::TcpStream) -> String {
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut data = Vec::new();
    let mut buffer = [0_u8; 4096];
    loop {
        let read = stream.read(&mut buffer).unwrap();
        assert!(read > 0, "connection closed mid-request");
        data.extend_from_slice(&buffer[..read]);
        let text = String::from_utf8_lossy(&data);
        if let Some(end) = text.find("\r\n\r\n") {
            let length = text[..end]
                .lines()
                .find_map(|line| {
                    let (name, value) = line.split_once(':')?;
                    name.eq_ignore_ascii_case("content-length")
                        .then(|| value.trim().parse::<usize>().unwrap())
                })
                .unwrap_or(0);
            if data.len() >= end + 4 + length {
                return String::from_utf8(data).unwrap();
            }
        }
    }
}

/// A server on 127.0.0.1 that reads the first request and closes the connection without
/// answering, then answers the second with a token. Returns its base URL and a handle that
/// yields both requests as received.
fn drop_then_answer_server() -> (String, std::thread::JoinHandle<Vec<String>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        let (mut first, _) = listener.accept().unwrap();
        let dropped = read_request(&mut first);
        drop(first);
        let (mut second, _) = listener.accept().unwrap();
        let answered = read_request(&mut second);
        let response = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nRequest-Id: req_tcp\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{TOKEN_JSON}",
            TOKEN_JSON.len()
        );
        second.write_all(response.as_bytes()).unwrap();
        second.flush().unwrap();
        vec![dropped, answered]
    });
    (url, handle)
}

fn request_header<'a>(request: &'a str, name: &str) -> Option<&'a str> {
    request.lines().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.eq_ignore_ascii_case(name).then(|| value.trim())
    })
}

#[test]
fn a_dropped_connection_is_retried() {
    for &mode in MODES {
        let runtime = server_runtime();
        let (url, server) = drop_then_answer_server();
        let delays = Delays::default();
        let token = call(&runtime, mode, builder(&url, &delays), None).unwrap();
        assert_eq!(token.secret, "pst_test_RETRYSECRET", "{mode:?}");
        let requests = server.join().unwrap();
        let keys: Vec<_> = requests
            .iter()
            .map(|request| request_header(request, "idempotency-key").unwrap())
            .collect();
        assert_eq!(keys[0], keys[1]);
        // Identical bytes apart from nothing at all: the same head and body.
        assert_eq!(requests[0], requests[1]);
        assert!(
            requests[0].ends_with("\r\n\r\nlocation=tml_1"),
            "{}",
            requests[0]
        );
        assert_eq!(delays.get().len(), 1);
    }
}

#[test]
fn a_refused_connection_is_retried_then_reported_as_transport() {
    for &mode in MODES {
        let runtime = server_runtime();
        // Bind a port and release it, so nothing listens there.
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let delays = Delays::default();
        let error = call(
            &runtime,
            mode,
            builder(&format!("http://127.0.0.1:{port}"), &delays),
            None,
        )
        .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Transport, "{error:?}");
        assert_eq!(error.attempts(), 3);
        assert!(error.is_retryable());
        assert!(!error.is_timeout());
        assert!(error.transport_error().unwrap().is_connect());
        assert_eq!(error.operation_id(), Some("PostTerminalConnectionTokens"));
        let text = error.to_string();
        assert!(
            text.starts_with("request to the Stripe API failed: "),
            "{text}"
        );
        assert!(text.ends_with("(after 3 attempts)"), "{text}");
        assert!(!text.contains(KEY) && !format!("{error:?}").contains(KEY));
        assert_eq!(delays.get().len(), 2);
    }
}

#[test]
fn a_slow_server_gives_a_timeout_error() {
    for &mode in MODES {
        let runtime = server_runtime();
        let server = server_answering(
            &runtime,
            vec![json(200, TOKEN_JSON).set_delay(Duration::from_secs(10))],
        );
        let delays = Delays::default();
        // The client's timeout, retried once.
        let error = call(
            &runtime,
            mode,
            builder(&server.uri(), &delays)
                .timeout(Duration::from_millis(150))
                .max_retries(1),
            None,
        )
        .unwrap_err();
        assert!(matches!(error, Error::Timeout(_)), "{error:?}");
        assert!(error.is_timeout());
        assert_eq!(error.kind(), ErrorKind::Timeout);
        assert!(error.transport_error().is_some_and(|e| e.is_timeout()));
        assert_eq!(error.attempts(), 2);
        assert!(error.is_retryable());
        let text = error.to_string();
        assert!(
            text.starts_with("request to the Stripe API timed out (limit 150ms per attempt)"),
            "{text}"
        );
        assert_eq!(requests(&runtime, &server).len(), 2, "{mode:?}");

        // A per-request timeout overrides the client's 80 s default.
        let started = std::time::Instant::now();
        let error = call(
            &runtime,
            mode,
            builder(&server.uri(), &delays),
            Some(
                RequestOptions::new()
                    .timeout(Duration::from_millis(100))
                    .max_retries(0),
            ),
        )
        .unwrap_err();
        assert!(error.is_timeout(), "{error:?}");
        assert_eq!(error.attempts(), 1);
        assert!(started.elapsed() < Duration::from_secs(5));
    }
}

#[test]
fn a_caller_supplied_idempotency_key_is_sent_on_every_attempt() {
    for &mode in MODES {
        let runtime = server_runtime();
        let server = server_answering(
            &runtime,
            vec![api_error(500, "api_error"), json(200, TOKEN_JSON)],
        );
        let delays = Delays::default();
        let key = format!("order-42-{}", "k".repeat(246));
        assert_eq!(key.len(), 255);
        call(
            &runtime,
            mode,
            builder(&server.uri(), &delays),
            Some(RequestOptions::new().idempotency_key(key.clone())),
        )
        .unwrap();
        let requests = requests(&runtime, &server);
        assert_eq!(requests.len(), 2);
        assert_eq!(same_key_and_body(&requests), key);
    }
}

#[test]
fn bad_idempotency_keys_are_rejected_before_anything_is_sent() {
    for &mode in MODES {
        for (key, expected) in [
            (String::new(), ViolationKind::Empty),
            (
                "k".repeat(256),
                ViolationKind::TooLong {
                    max: 255,
                    actual: 256,
                },
            ),
            ("line\nbreak".to_owned(), ViolationKind::NotPrintableAscii),
        ] {
            let runtime = server_runtime();
            let server = server_answering(&runtime, vec![json(200, TOKEN_JSON)]);
            let delays = Delays::default();
            let error = call(
                &runtime,
                mode,
                builder(&server.uri(), &delays),
                Some(RequestOptions::new().idempotency_key(key.clone())),
            )
            .unwrap_err();
            assert!(requests(&runtime, &server).is_empty(), "{mode:?}");
            assert_eq!(error.kind(), ErrorKind::InvalidParams);
            assert_eq!(error.attempts(), 0);
            assert!(!error.is_retryable());
            let violation = error
                .invalid_params()
                .unwrap()
                .violation_at("idempotency_key")
                .unwrap();
            assert_eq!(violation.kind(), &expected);
            assert!(
                error
                    .to_string()
                    .starts_with("invalid parameter `idempotency_key`: "),
                "{error}"
            );
        }
    }
}

#[test]
fn connected_account_api_version_and_app_info_headers_are_sent() {
    for &mode in MODES {
        let runtime = server_runtime();
        let server = server_answering(&runtime, vec![json(200, TOKEN_JSON)]);
        let delays = Delays::default();
        let client = builder(&server.uri(), &delays).app_info(
            AppInfo::new("TerminalPOS")
                .version("2.1.0")
                .url("https://pos.example.com"),
        );
        call(
            &runtime,
            mode,
            client,
            Some(
                RequestOptions::new()
                    .stripe_account("acct_1032D82eZvKYlo2C")
                    .api_version("2024-06-20"),
            ),
        )
        .unwrap();
        // Without options: no Stripe-Account, the spec's version, and only the SDK's token.
        call(&runtime, mode, builder(&server.uri(), &delays), None).unwrap();

        let requests = requests(&runtime, &server);
        let with = &requests[0];
        assert_eq!(
            header(with, "stripe-account"),
            Some("acct_1032D82eZvKYlo2C")
        );
        assert_eq!(header(with, "stripe-version"), Some("2024-06-20"));
        assert_eq!(
            header(with, "user-agent"),
            Some(concat!(
                "stripe-sdk-rust/",
                env!("CARGO_PKG_VERSION"),
                " TerminalPOS/2.1.0 (https://pos.example.com)"
            ))
        );
        let without = &requests[1];
        assert_eq!(header(without, "stripe-account"), None);
        assert_eq!(
            header(without, "stripe-version"),
            Some(stripe_sdk::API_VERSION)
        );
        assert_eq!(
            header(without, "user-agent"),
            Some(concat!("stripe-sdk-rust/", env!("CARGO_PKG_VERSION")))
        );
    }
}

#[test]
fn options_on_a_handle_combine_and_leave_the_client_untouched() {
    for &mode in MODES {
        let runtime = server_runtime();
        let server = server_answering(&runtime, vec![json(200, TOKEN_JSON)]);
        let delays = Delays::default();
        let params = params();
        let base = RequestOptions::new()
            .stripe_account("acct_a")
            .idempotency_key("k-1");
        let more = RequestOptions::new().idempotency_key("k-2");
        match mode {
            Mode::Async => {
                let client = builder(&server.uri(), &delays).build().unwrap();
                let handle = client.with_options(base).with_options(more);
                runtime
                    .block_on(handle.post_terminal_connection_tokens(&params))
                    .unwrap();
                runtime
                    .block_on(client.post_terminal_connection_tokens(&params))
                    .unwrap();
            }
            #[cfg(feature = "blocking")]
            Mode::Blocking => {
                let client = builder(&server.uri(), &delays).build_blocking().unwrap();
                let handle = client.with_options(base).with_options(more);
                handle.post_terminal_connection_tokens(&params).unwrap();
                client.post_terminal_connection_tokens(&params).unwrap();
            }
        }
        let requests = requests(&runtime, &server);
        assert_eq!(header(&requests[0], "stripe-account"), Some("acct_a"));
        assert_eq!(header(&requests[0], "idempotency-key"), Some("k-2"));
        assert_eq!(header(&requests[1], "stripe-account"), None);
        let generated = header(&requests[1], "idempotency-key").unwrap();
        assert!(uuid::Uuid::parse_str(generated).is_ok(), "{generated}");
    }
}

#[test]
fn bad_app_info_is_a_configuration_error() {
    let error = Client::builder(KEY)
        .app_info(AppInfo::new("My Plugin"))
        .build()
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Config);
    assert!(error.to_string().contains("application name"), "{error}");
}
