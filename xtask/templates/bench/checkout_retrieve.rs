//! Compile-time benchmark: retrieves a Checkout Session, with no webhook handler (the baseline
//! the handlers are measured against).
fn main() {
    let key = std::env::var("STRIPE_SECRET_KEY").unwrap_or_default();
    let id = std::env::var("SESSION").unwrap_or_default();
    let result = stripe_sdk::blocking::Client::new(key)
        .and_then(|client| client.checkout().sessions().retrieve(&id));
    match result {
        Ok(session) => println!("{:?}", session.status),
        Err(error) => eprintln!("{error}"),
    }
}
