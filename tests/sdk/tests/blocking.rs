//! Hand-written tests of what only the blocking client has: its own runtime, the error (not a
//! panic) when it is called inside an async runtime, and being shared across threads. Its
//! retry and option behaviour is tested with the async client's in `retries.rs`.
#![cfg(feature = "blocking")]

use stripe_sdk::TerminalConnectionTokenCreateParams;
use stripe_sdk::{ErrorKind, RequestOptions, blocking};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "sk_test_51BlockingKeyDoNotLeak0123456789";
const TOKEN_JSON: &str =
    r#"{"object":"terminal.connection_token","secret":"pst_test_BLOCKINGSECRET"}"#;

async fn token_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(TOKEN_JSON.as_bytes().to_vec(), "application/json"),
        )
        .mount(&server)
        .await;
    server
}

#[test]
fn the_blocking_client_is_send_sync_and_works_from_several_threads() {
    fn assert_send_sync<T: Send + Sync + 'static>() {}
    assert_send_sync::<blocking::Client>();

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = runtime.block_on(token_server());
    let client = blocking::Client::builder(KEY)
        .base_url(server.uri())
        .build_blocking()
        .unwrap();
    assert_eq!(client.base_url(), server.uri());
    let debug = format!("{client:?}");
    assert!(!debug.contains(KEY), "{debug}");

    std::thread::scope(|scope| {
        for _ in 0..4 {
            let client = client.clone();
            scope.spawn(move || {
                for _ in 0..3 {
                    let token = client
                        .post_terminal_connection_tokens(
                            &TerminalConnectionTokenCreateParams::default(),
                        )
                        .unwrap();
                    assert_eq!(token.secret, "pst_test_BLOCKINGSECRET");
                }
            });
        }
    });
    let requests = runtime.block_on(server.received_requests()).unwrap();
    assert_eq!(requests.len(), 12);
}

#[test]
fn new_builds_a_client_for_the_live_api() {
    let client = blocking::Client::new(KEY).unwrap();
    assert_eq!(client.base_url(), "https://api.stripe.com");
    let error = blocking::Client::new("").unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Config);
}

#[tokio::test]
async fn calling_it_inside_an_async_runtime_is_an_error_and_sends_nothing() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    // Creating the client inside a runtime is fine; calling it is not.
    let client = blocking::Client::builder(KEY)
        .base_url(server.uri())
        .build_blocking()
        .unwrap();
    let error = client
        .with_options(RequestOptions::new().idempotency_key("k"))
        .post_terminal_connection_tokens(&TerminalConnectionTokenCreateParams::default())
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Config, "{error:?}");
    assert_eq!(error.attempts(), 0);
    assert!(
        error.to_string().contains("async (Tokio) runtime"),
        "{error}"
    );

    // Invalid parameters are still reported as such.
    let params = TerminalConnectionTokenCreateParams {
        location: Some("x".repeat(5001)),
        ..Default::default()
    };
    let error = client.post_terminal_connection_tokens(&params).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidParams, "{error:?}");

    // The thread is not left refusing: the async client still works here.
    let async_client = stripe_sdk::Client::builder(KEY)
        .base_url(server.uri())
        .build()
        .unwrap();
    let error = async_client
        .with_options(RequestOptions::new().idempotency_key(""))
        .post_terminal_connection_tokens(&TerminalConnectionTokenCreateParams::default())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidParams, "{error:?}");

    // Dropping the client (and its runtime) inside an async runtime does not panic.
    drop(client);
    server.verify().await;
}

#[test]
fn after_use_inside_a_runtime_the_same_client_works_outside_it() {
    let server_runtime = tokio::runtime::Runtime::new().unwrap();
    let server = server_runtime.block_on(token_server());
    let client = blocking::Client::builder(KEY)
        .base_url(server.uri())
        .build_blocking()
        .unwrap();
    let params = TerminalConnectionTokenCreateParams::default();
    let refused =
        server_runtime.block_on(async { client.post_terminal_connection_tokens(&params) });
    assert_eq!(refused.unwrap_err().kind(), ErrorKind::Config);
    let token = client.post_terminal_connection_tokens(&params).unwrap();
    assert_eq!(token.secret, "pst_test_BLOCKINGSECRET");
    let requests = server_runtime.block_on(server.received_requests()).unwrap();
    assert_eq!(requests.len(), 1);
}
