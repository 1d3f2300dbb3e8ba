//! The test helpers of ours against the checked-in fake, whose seed spec has no Checkout
//! Sessions: the helper says which feature it needs instead of failing obscurely, and its
//! HTTP route is not served. `whole-api-tests/checkout.rs` tests what it does where the
//! family is compiled in.

use stripe_sdk::reqwest;
use stripe_sdk_fake::{DEFAULT_API_KEY, FakeError, FakeStripe};

#[tokio::test]
async fn completing_a_session_without_the_family_names_the_feature() {
    let fake = FakeStripe::start().await.expect("the fake starts");
    let error = fake
        .complete_checkout_session("cs_test_1")
        .expect_err("no Checkout Sessions in the seed spec");
    assert!(
        matches!(
            error,
            FakeError::MissingFeature {
                feature: "checkout_session",
                ..
            }
        ),
        "{error:?}"
    );
    assert!(
        error.to_string().contains("`checkout_session` feature"),
        "{error}"
    );
    assert!(fake.requests().is_empty());

    let answer = reqwest::Client::new()
        .post(format!(
            "{}/v1/test_helpers/checkout/sessions/cs_test_1/complete",
            fake.url()
        ))
        .bearer_auth(DEFAULT_API_KEY)
        .send()
        .await
        .expect("answered");
    assert_eq!(answer.status().as_u16(), 404);
}
