//! Compile-time benchmark: retrieves a Checkout Session and handles {{handled}} by name.
//! (Template: `xtask/templates/bench/webhook.rs`; `xtask/src/bench.rs` writes one arm per event.)
use stripe_sdk::{EventKind, Webhook};

fn main() {
    let key = std::env::var("STRIPE_SECRET_KEY").unwrap_or_default();
    let id = std::env::var("SESSION").unwrap_or_default();
    let result = stripe_sdk::blocking::Client::new(key)
        .and_then(|client| client.checkout().sessions().retrieve(&id));
    match result {
        Ok(session) => println!("{:?}", session.status),
        Err(error) => eprintln!("{error}"),
    }
    let secret = std::env::var("STRIPE_WEBHOOK_SECRET").unwrap_or_default();
    let signature = std::env::var("STRIPE_SIGNATURE").unwrap_or_default();
    let payload = std::env::var("PAYLOAD").unwrap_or_default();
    match Webhook::construct_event(&payload, &signature, &secret) {
        Ok(event) => match event.kind() {
{{arms}}
            _ => println!("ignore {}", event.id),
        },
        Err(error) => eprintln!("{error}"),
    }
}
