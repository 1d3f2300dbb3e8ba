//! Compile-time benchmark: creates one connection token.
fn main() {
    let key = std::env::var("STRIPE_SECRET_KEY").unwrap_or_default();
    let result = stripe_sdk::blocking::Client::new(key).and_then(|client| {
        client.post_terminal_connection_tokens(&stripe_sdk::TerminalConnectionTokenCreateParams::default())
    });
    match result {
        Ok(token) => println!("{token:?}"),
        Err(error) => eprintln!("{error}"),
    }
}
