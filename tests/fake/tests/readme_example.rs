//! The README's "Testing your code" example, compiled and run; `readme_matches` below keeps
//! the README's copy identical to this file.

use stripe_sdk::{Client, TerminalConnectionTokenCreateParams};
use stripe_sdk_fake::{Failure, FakeStripe};

/// Your code: hands a card reader a connection token scoped to its location.
async fn token_for_reader(client: &Client, location: &str) -> Result<String, stripe_sdk::Error> {
    let params = TerminalConnectionTokenCreateParams {
        location: Some(location.to_owned()),
        ..Default::default()
    };
    Ok(client
        .post_terminal_connection_tokens(&params)
        .await?
        .secret)
}

#[tokio::test]
async fn a_reader_gets_a_token_for_its_location() {
    let fake = FakeStripe::start().await.expect("the fake starts");

    let secret = token_for_reader(&fake.client(), "tml_123")
        .await
        .expect("a token");

    let requests = fake.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(
        requests[0].operation_id,
        Some("PostTerminalConnectionTokens")
    );
    assert_eq!(requests[0].params["location"], "tml_123");
    assert_eq!(requests[0].response["secret"], secret.as_str());

    // Stripe has a bad minute: the SDK retries, and your code still gets its token.
    fake.fail_next(Failure::status(503).times(2));
    token_for_reader(&fake.client(), "tml_123")
        .await
        .expect("retried");
    assert_eq!(fake.requests().len(), 4);
}

/// The README shows this file (without its first two `//!` lines) in a block marked `rs`.
#[test]
fn readme_matches() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    let readme = std::fs::read_to_string(format!("{root}/README.md")).expect("README.md");
    let this = include_str!("readme_example.rs");
    let example: String = this
        .lines()
        .skip_while(|line| line.starts_with("//!"))
        .skip(1)
        .take_while(|line| !line.starts_with("/// The README shows"))
        .map(|line| format!("{line}\n"))
        .collect();
    let block = format!(
        "```rs\n{}```\n",
        example.trim_end_matches('\n').to_owned() + "\n"
    );
    assert!(
        readme.contains(&block),
        "README.md's \"Testing your code\" example differs from tests/readme_example.rs; \
         copy this into it:\n{block}"
    );
}
