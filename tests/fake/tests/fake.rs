//! The fake served from the checked-in route table (`spec/openapi.yaml`'s operations), driven
//! through the SDK's client and, for what the SDK would refuse to send, through raw HTTP.

use serde_json::{Value, json};
use std::time::Duration;
use stripe_sdk::reqwest;
use stripe_sdk::{
    ApiErrorCategory, ErrorKind, RequestOptions, TerminalConnectionTokenCreateParams,
    TerminalReaderRetrieveParams,
};
use stripe_sdk_fake::{
    DEFAULT_API_KEY, Failure, FakeError, FakeStripe, IDEMPOTENCY_WINDOW_SECONDS, UnknownIds,
};

const TOKENS: &str = "/v1/terminal/connection_tokens";

/// A raw request to the fake, returning the status, the headers and the JSON body.
async fn raw(
    fake: &FakeStripe,
    method: reqwest::Method,
    path_and_query: &str,
    body: &str,
    key: Option<&str>,
) -> (u16, reqwest::header::HeaderMap, Value) {
    let mut request = reqwest::Client::new()
        .request(method, format!("{}{path_and_query}", fake.url()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body.to_owned());
    if let Some(key) = key {
        request = request.bearer_auth(key);
    }
    let response = request.send().await.expect("the fake answers");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await.expect("a body");
    let body = serde_json::from_str(&text).expect("JSON");
    (status, headers, body)
}

#[tokio::test]
async fn a_connection_token_is_issued_and_logged() {
    let fake = FakeStripe::start().await.expect("starts");
    let params = TerminalConnectionTokenCreateParams {
        location: Some("tml_123".to_owned()),
        ..Default::default()
    };
    let token = fake
        .client()
        .post_terminal_connection_tokens(&params)
        .await
        .expect("a token");
    assert!(token.secret.starts_with("pst_test_"), "{}", token.secret);
    // The param of the same name is applied to the object.
    assert_eq!(token.location.as_deref(), Some("tml_123"));

    let requests = fake.requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.operation_id, Some("PostTerminalConnectionTokens"));
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, TOKENS);
    assert_eq!(request.params, json!({"location": "tml_123"}));
    assert_eq!(request.status, Some(200));
    assert!(
        request.idempotency_key.is_some(),
        "the SDK sends one on every POST"
    );
    assert_eq!(request.response["secret"], token.secret.as_str());
    assert!(request.request_id.starts_with("req_"));
}

#[tokio::test]
async fn ids_follow_the_seed_and_instances_are_isolated() {
    let first = FakeStripe::builder().seed(7).start().await.expect("starts");
    let second = FakeStripe::builder().seed(7).start().await.expect("starts");
    let params = TerminalConnectionTokenCreateParams::default();
    let a = first
        .client()
        .post_terminal_connection_tokens(&params)
        .await
        .expect("a");
    let b = second
        .client()
        .post_terminal_connection_tokens(&params)
        .await
        .expect("b");
    assert_eq!(a.secret, b.secret, "the same seed gives the same secrets");
    // Each instance saw only its own request.
    assert_eq!(first.requests().len(), 1);
    assert_eq!(second.requests().len(), 1);
}

#[tokio::test]
async fn an_unknown_reader_is_missing_unless_ids_are_synthesized() {
    let fake = FakeStripe::start().await.expect("starts");
    let error = fake
        .client()
        .get_terminal_readers_reader("tmr_nope", &TerminalReaderRetrieveParams::default())
        .await
        .expect_err("missing");
    assert_eq!(error.status().map(|status| status.as_u16()), Some(404));
    let api = error.api_error().expect("envelope");
    assert_eq!(api.code.as_deref(), Some("resource_missing"));
    assert_eq!(api.message.as_deref(), Some("No such reader: 'tmr_nope'"));

    let lenient = FakeStripe::builder()
        .unknown_ids(UnknownIds::Synthesize)
        .start()
        .await
        .expect("starts");
    let reader = lenient
        .client()
        .get_terminal_readers_reader("tmr_123", &TerminalReaderRetrieveParams::default())
        .await
        .expect("synthesized");
    assert_eq!(reader.id, "tmr_123");
    assert_eq!(lenient.stored_objects(), 1);
}

#[tokio::test]
async fn an_unknown_path_is_a_404_envelope() {
    let fake = FakeStripe::start().await.expect("starts");
    let (status, headers, body) = raw(
        &fake,
        reqwest::Method::GET,
        "/v1/nothing/here",
        "",
        Some(DEFAULT_API_KEY),
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(body["error"]["type"], "invalid_request_error");
    assert!(
        body["error"]["message"].as_str().is_some_and(
            |message| message.starts_with("Unrecognized request URL (GET: /v1/nothing/here)")
        ),
        "{body}"
    );
    assert!(headers.contains_key("request-id"));
    assert_eq!(fake.requests()[0].operation_id, None);
}

#[tokio::test]
async fn a_missing_or_wrong_key_is_a_401() {
    let fake = FakeStripe::start().await.expect("starts");
    let (status, _, body) = raw(&fake, reqwest::Method::POST, TOKENS, "", None).await;
    assert_eq!(status, 401);
    assert_eq!(body["error"]["type"], "authentication_error");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("did not provide an API key"))
    );

    let wrong = stripe_sdk::Client::builder("sk_test_wrong_key_1234")
        .base_url(fake.url())
        .build()
        .expect("client");
    let error = wrong
        .post_terminal_connection_tokens(&TerminalConnectionTokenCreateParams::default())
        .await
        .expect_err("refused");
    assert_eq!(
        error.kind(),
        ErrorKind::Api(ApiErrorCategory::Authentication)
    );
    let message = error
        .api_error()
        .and_then(|api| api.message.clone())
        .unwrap_or_default();
    assert!(
        message.ends_with("1234"),
        "only the key's last four characters: {message}"
    );
    assert!(!message.contains("wrong_key"), "{message}");
}

#[tokio::test]
async fn the_builder_sets_the_accepted_key() {
    let fake = FakeStripe::builder()
        .api_key("sk_test_mine")
        .start()
        .await
        .expect("starts");
    fake.client()
        .post_terminal_connection_tokens(&TerminalConnectionTokenCreateParams::default())
        .await
        .expect("the fake's own client sends its key");
    let (status, _, _) = raw(
        &fake,
        reqwest::Method::POST,
        TOKENS,
        "",
        Some(DEFAULT_API_KEY),
    )
    .await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn params_are_checked_as_stripe_checks_them() {
    let fake = FakeStripe::start().await.expect("starts");
    let key = Some(DEFAULT_API_KEY);
    let post = reqwest::Method::POST;
    let (status, _, body) = raw(&fake, post.clone(), TOKENS, "locaton=tml_1", key).await;
    assert_eq!(status, 400);
    assert_eq!(body["error"]["code"], "parameter_unknown");
    assert_eq!(body["error"]["param"], "locaton");
    assert_eq!(
        body["error"]["message"],
        "Received unknown parameter: locaton"
    );

    let (status, _, body) = raw(&fake, post.clone(), TOKENS, "expand[0][deep]=x", key).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"]["param"], "expand[0]");

    // maxLength counts characters, not bytes: 5000 two-byte characters pass, 5001 do not.
    let long = "é".repeat(5000);
    let (status, _, body) = raw(
        &fake,
        post.clone(),
        TOKENS,
        &format!("location={long}"),
        key,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (status, _, body) = raw(
        &fake,
        post.clone(),
        TOKENS,
        &format!("location={long}é"),
        key,
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["error"]["type"], "invalid_request_error");
    assert_eq!(body["error"]["param"], "location");

    // Arrays arrive indexed or appended, and both decode the same.
    let (status, _, _) = raw(
        &fake,
        post.clone(),
        TOKENS,
        "expand[]=location&expand[]=x",
        key,
    )
    .await;
    assert_eq!(status, 200);
    let logged = fake.requests();
    assert_eq!(
        logged.last().map(|r| r.params.clone()),
        Some(json!({"expand": ["location", "x"]}))
    );

    // Query params of a GET are checked too.
    let (status, _, body) = raw(
        &fake,
        reqwest::Method::GET,
        "/v1/terminal/readers/tmr_1?bogus=1",
        "",
        key,
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["error"]["code"], "parameter_unknown");
    assert_eq!(body["error"]["param"], "bogus");
}

#[tokio::test]
async fn an_idempotency_key_replays_or_refuses() {
    let fake = FakeStripe::start().await.expect("starts");
    let client = fake
        .client()
        .with_options(RequestOptions::new().idempotency_key("order-42"));
    let params = TerminalConnectionTokenCreateParams {
        location: Some("tml_1".to_owned()),
        ..Default::default()
    };
    let first = client
        .post_terminal_connection_tokens(&params)
        .await
        .expect("first");
    let again = client
        .post_terminal_connection_tokens(&params)
        .await
        .expect("replayed");
    assert_eq!(first.secret, again.secret, "the first response is replayed");
    let requests = fake.requests();
    assert!(!requests[0].replayed);
    assert!(requests[1].replayed);

    let other = TerminalConnectionTokenCreateParams {
        location: Some("tml_2".to_owned()),
        ..Default::default()
    };
    let error = client
        .post_terminal_connection_tokens(&other)
        .await
        .expect_err("another request under the same key");
    assert_eq!(error.kind(), ErrorKind::Api(ApiErrorCategory::Idempotency));
    assert_eq!(error.status().map(|status| status.as_u16()), Some(400));

    // The replay header is on the wire.
    let response = reqwest::Client::new()
        .post(format!("{}{TOKENS}", fake.url()))
        .bearer_auth(DEFAULT_API_KEY)
        .header("idempotency-key", "order-42")
        .header("content-type", "application/x-www-form-urlencoded")
        .body("location=tml_1")
        .send()
        .await
        .expect("answers");
    assert_eq!(
        response
            .headers()
            .get("idempotent-replayed")
            .map(|v| v.as_bytes()),
        Some(&b"true"[..])
    );
}

#[tokio::test]
async fn an_idempotency_key_is_forgotten_after_24_hours_of_the_clock() {
    let fake = FakeStripe::builder()
        .clock(1_700_000_000)
        .start()
        .await
        .expect("starts");
    let client = fake
        .client()
        .with_options(RequestOptions::new().idempotency_key("order-43"));
    let params = TerminalConnectionTokenCreateParams::default();
    let first = client
        .post_terminal_connection_tokens(&params)
        .await
        .expect("first");
    fake.advance(Duration::from_secs(
        u64::try_from(IDEMPOTENCY_WINDOW_SECONDS - 1).expect("positive"),
    ));
    let replayed = client
        .post_terminal_connection_tokens(&params)
        .await
        .expect("replayed");
    assert_eq!(first.secret, replayed.secret);
    fake.advance(Duration::from_secs(1));
    let anew = client
        .post_terminal_connection_tokens(&params)
        .await
        .expect("made anew");
    assert_ne!(
        first.secret, anew.secret,
        "the key was pruned, as Stripe prunes it"
    );
    let replays: Vec<bool> = fake.requests().iter().map(|r| r.replayed).collect();
    assert_eq!(replays, [false, true, false]);
}

#[tokio::test]
async fn the_log_and_the_idempotency_keys_keep_their_newest() {
    let fake = FakeStripe::builder()
        .retain_requests(3)
        .retain_idempotency_keys(2)
        .start()
        .await
        .expect("starts");
    let mut secrets = Vec::new();
    for key in ["k1", "k2", "k3"] {
        let token = fake
            .client()
            .with_options(RequestOptions::new().idempotency_key(key))
            .post_terminal_connection_tokens(&Default::default())
            .await
            .expect("a token");
        secrets.push(token.secret);
    }
    // `k1` was the oldest of three keys kept two at a time: it makes a new token; `k3` is
    // still replayed.
    let again = |key: &'static str| {
        let client = fake
            .client()
            .with_options(RequestOptions::new().idempotency_key(key));
        async move {
            client
                .post_terminal_connection_tokens(&Default::default())
                .await
                .expect("a token")
                .secret
        }
    };
    assert_eq!(again("k3").await, secrets[2]);
    assert_ne!(again("k1").await, secrets[0]);
    let log = fake.requests();
    assert_eq!(log.len(), 3);
    assert_eq!(
        log.iter()
            .map(|request| (request.idempotency_key.as_deref(), request.replayed))
            .collect::<Vec<_>>(),
        [(Some("k3"), false), (Some("k3"), true), (Some("k1"), false)]
    );
}

#[tokio::test]
async fn injected_failures_exercise_retries() {
    let fake = FakeStripe::start().await.expect("starts");
    let client = fake.client();
    let params = TerminalConnectionTokenCreateParams::default();

    // Two 500s, then success: the client's two retries get through, with one idempotency key.
    fake.fail_next(Failure::status(500).times(2));
    client
        .post_terminal_connection_tokens(&params)
        .await
        .expect("third attempt");
    let requests = fake.requests();
    let statuses: Vec<Option<u16>> = requests.iter().map(|r| r.status).collect();
    assert_eq!(statuses, [Some(500), Some(500), Some(200)]);
    assert_eq!(requests[0].idempotency_key, requests[2].idempotency_key);
    fake.clear_requests();

    // `Stripe-Should-Retry: false` stops retries even of a 503.
    fake.fail_next(Failure::status(503).should_retry(false));
    let error = client
        .post_terminal_connection_tokens(&params)
        .await
        .expect_err("not retried");
    assert_eq!(error.attempts(), 1);
    // `true` retries even a 400.
    fake.fail_next(Failure::status(400).should_retry(true));
    client
        .post_terminal_connection_tokens(&params)
        .await
        .expect("retried");
    fake.clear_requests();

    // A dropped connection is retried.
    fake.fail_next(Failure::drop_connection());
    client
        .post_terminal_connection_tokens(&params)
        .await
        .expect("retried after the drop");
    let statuses: Vec<Option<u16>> = fake.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [None, Some(200)]);

    // A card error keeps its envelope.
    fake.fail_next(
        Failure::error(402, "card_error", "Your card was declined.").code("card_declined"),
    );
    let error = client
        .post_terminal_connection_tokens(&params)
        .await
        .expect_err("declined");
    assert_eq!(error.kind(), ErrorKind::Api(ApiErrorCategory::Card));
    assert_eq!(
        error.api_error().and_then(|e| e.code.as_deref()),
        Some("card_declined")
    );

    // A delay longer than the client's timeout is a timeout.
    fake.fail_next(Failure::delay(Duration::from_millis(500)));
    let impatient = fake
        .client_builder()
        .timeout(Duration::from_millis(100))
        .max_retries(0)
        .build()
        .expect("client");
    let error = impatient
        .post_terminal_connection_tokens(&params)
        .await
        .expect_err("times out");
    assert!(error.is_timeout(), "{error}");
}

#[tokio::test]
async fn the_clock_sets_created_and_moves_on_request() {
    let fake = FakeStripe::builder()
        .clock(1_700_000_000)
        .start()
        .await
        .expect("starts");
    assert_eq!(fake.now(), 1_700_000_000);
    fake.advance_clock(Duration::from_secs(60));
    assert_eq!(fake.now(), 1_700_000_060);
}

#[tokio::test]
async fn shutdown_and_drop_stop_the_server() {
    let fake = FakeStripe::start().await.expect("starts");
    let address = fake.address();
    fake.shutdown().await;
    assert!(
        tokio::net::TcpStream::connect(address).await.is_err(),
        "shut down"
    );

    let fake = FakeStripe::start().await.expect("starts");
    let address = fake.address();
    drop(fake);
    // The listener closes once the aborted task is dropped by the runtime.
    let mut closed = false;
    for _ in 0..50 {
        if tokio::net::TcpStream::connect(address).await.is_err() {
            closed = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(closed, "dropping the fake stops it");
}

#[tokio::test]
async fn only_loopback_unless_told_otherwise() {
    let open = std::net::SocketAddr::from(([0, 0, 0, 0], 0));
    let error = FakeStripe::builder()
        .listen(open)
        .start()
        .await
        .expect_err("refused");
    assert!(matches!(error, FakeError::NotLoopback(_)), "{error}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_fakes_never_share_objects() {
    let mut tasks = Vec::new();
    for index in 0..8 {
        tasks.push(tokio::spawn(async move {
            let fake = FakeStripe::builder()
                .unknown_ids(UnknownIds::Synthesize)
                .start()
                .await
                .expect("starts");
            let id = format!("tmr_{index}");
            fake.client()
                .get_terminal_readers_reader(&id, &TerminalReaderRetrieveParams::default())
                .await
                .expect("synthesized");
            fake.stored_objects()
        }));
    }
    for task in tasks {
        assert_eq!(task.await.expect("joins"), 1);
    }
}
