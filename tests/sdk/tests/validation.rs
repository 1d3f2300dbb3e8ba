//! Hand-written tests of parameter validation: `maxLength` boundaries counted in characters,
//! field paths of violations, all violations reported at once, no request sent for invalid
//! parameters, and unknown fields rejected when parameters are read from JSON.

use stripe_sdk::TerminalConnectionTokenCreateParams;
use stripe_sdk::{Client, Error, InvalidParams, ViolationKind};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "sk_test_51ValidationKeyDoNotLeak987654321";

fn with_location(location: String) -> TerminalConnectionTokenCreateParams {
    TerminalConnectionTokenCreateParams {
        location: Some(location),
        ..Default::default()
    }
}

fn with_expand(expand: Vec<String>) -> TerminalConnectionTokenCreateParams {
    TerminalConnectionTokenCreateParams {
        expand: Some(expand),
        ..Default::default()
    }
}

fn too_long(max: usize, actual: usize) -> ViolationKind {
    ViolationKind::TooLong { max, actual }
}

/// Calls the API with params that must be rejected, against a server that fails the test if
/// any request reaches it, and returns the violations.
async fn rejected(params: &TerminalConnectionTokenCreateParams) -> InvalidParams {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    let client = Client::builder(KEY).base_url(server.uri()).build().unwrap();
    let error = client
        .post_terminal_connection_tokens(params)
        .await
        .unwrap_err();
    assert_eq!(error.status(), None);
    assert_eq!(error.request_id(), None);
    assert!(!error.to_string().contains(KEY));
    server.verify().await;
    match error {
        Error::InvalidParams(invalid) => invalid,
        other => panic!("expected invalid params, got {other:?}"),
    }
}

#[test]
fn location_of_5000_characters_passes_and_5001_fails() {
    assert_eq!(with_location("a".repeat(5000)).validate(), Ok(()));
    let error = with_location("a".repeat(5001)).validate().unwrap_err();
    assert_eq!(error.violations().len(), 1);
    assert_eq!(error.violations()[0].path(), "location");
    assert_eq!(error.violations()[0].kind(), &too_long(5000, 5001));
}

#[test]
fn characters_are_counted_not_bytes() {
    // 'é' is two bytes in UTF-8 but one character, which is what Stripe counts.
    let exactly = "é".repeat(5000);
    assert_eq!(exactly.len(), 10_000);
    assert_eq!(with_location(exactly).validate(), Ok(()));
    let error = with_location("é".repeat(5001)).validate().unwrap_err();
    assert_eq!(error.violations()[0].kind(), &too_long(5000, 5001));
    // A four-byte character counts once too.
    assert_eq!(with_location("🦀".repeat(5000)).validate(), Ok(()));
}

#[test]
fn an_expand_element_reports_its_index() {
    let mut expand = vec!["a".to_owned(); 5];
    expand[3] = "x".repeat(5001);
    let error = with_expand(expand).validate().unwrap_err();
    assert_eq!(error.violations().len(), 1);
    assert_eq!(error.violations()[0].path(), "expand[3]");
    assert_eq!(
        error.to_string(),
        "invalid parameter `expand[3]`: too long: 5001 characters, at most 5000 allowed"
    );
}

#[test]
fn all_violations_are_reported_together_in_field_order() {
    let params = TerminalConnectionTokenCreateParams {
        expand: Some(vec![
            "ok".to_owned(),
            "é".repeat(5002),
            "ok".to_owned(),
            "y".repeat(6000),
        ]),
        location: Some("z".repeat(5001)),
    };
    let error = params.validate().unwrap_err();
    let found: Vec<(&str, &ViolationKind)> = error
        .violations()
        .iter()
        .map(|v| (v.path(), v.kind()))
        .collect();
    assert_eq!(
        found,
        [
            ("expand[1]", &too_long(5000, 5002)),
            ("expand[3]", &too_long(5000, 6000)),
            ("location", &too_long(5000, 5001)),
        ]
    );
    let text = error.to_string();
    assert!(
        text.starts_with("3 invalid parameters: `expand[1]`"),
        "{text}"
    );
    // Values are never echoed, only their lengths.
    assert!(!text.contains("zzz"), "{text}");
}

#[tokio::test]
async fn invalid_params_send_no_request() {
    let invalid = rejected(&with_location("a".repeat(5001))).await;
    assert_eq!(invalid.violations()[0].path(), "location");

    let mut expand = vec!["a".to_owned(); 4];
    expand[3] = "é".repeat(5001);
    let invalid = rejected(&TerminalConnectionTokenCreateParams {
        expand: Some(expand),
        location: Some("b".repeat(9999)),
    })
    .await;
    let paths: Vec<&str> = invalid.violations().iter().map(|v| v.path()).collect();
    assert_eq!(paths, ["expand[3]", "location"]);
}

#[tokio::test]
async fn params_at_the_limit_are_sent() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"object":"terminal.connection_token","secret":"pst_test_1"}"#,
            "application/json",
        ))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder(KEY).base_url(server.uri()).build().unwrap();
    client
        .post_terminal_connection_tokens(&with_location("é".repeat(5000)))
        .await
        .unwrap();
    let requests = server.received_requests().await.unwrap();
    let expected = format!("location={}", "%C3%A9".repeat(5000));
    assert_eq!(
        String::from_utf8(requests[0].body.clone()).unwrap(),
        expected
    );
}

#[test]
fn params_from_json_reject_unknown_fields() {
    let error =
        serde_json::from_str::<TerminalConnectionTokenCreateParams>(r#"{"locaton":"tml_123"}"#)
            .unwrap_err();
    assert!(
        error.to_string().contains("unknown field `locaton`"),
        "{error}"
    );

    let params: TerminalConnectionTokenCreateParams =
        serde_json::from_str(r#"{"expand":["a","b"],"location":"tml_123"}"#).unwrap();
    assert_eq!(
        stripe_sdk::form::to_form_string(&params).unwrap(),
        "expand[0]=a&expand[1]=b&location=tml_123"
    );
    let empty: TerminalConnectionTokenCreateParams = serde_json::from_str("{}").unwrap();
    assert_eq!(empty, TerminalConnectionTokenCreateParams::default());
}

#[test]
fn form_errors_become_invalid_params() {
    let invalid: InvalidParams = stripe_sdk::form::to_form_string(&[1, 2])
        .unwrap_err()
        .into();
    assert_eq!(invalid.violations()[0].path(), "");
    assert!(matches!(
        invalid.violations()[0].kind(),
        ViolationKind::NotEncodable { .. }
    ));
    let error: Error = stripe_sdk::form::to_form_string("text").unwrap_err().into();
    assert!(matches!(error, Error::InvalidParams(_)), "{error:?}");
    assert!(error.to_string().contains("top-level value"), "{error}");
}
