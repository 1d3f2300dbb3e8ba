//! Compile-time benchmark: retrieves a Checkout Session and handles {{handled}} with
//! async-stripe. (Template: `xtask/templates/bench/webhook_async_stripe.rs`; `xtask/src/bench.rs`
//! writes one arm per event.)
use stripe_checkout::checkout_session::RetrieveCheckoutSession;
use stripe_webhook::{EventObject, Webhook};

fn main() {
    let key = std::env::var("STRIPE_SECRET_KEY").unwrap_or_default();
    let id = std::env::var("SESSION").unwrap_or_default();
    let client = stripe::blocking::Client::new(key);
    match RetrieveCheckoutSession::new(id.as_str()).send_blocking(&client) {
        Ok(session) => println!("{:?}", session.status),
        Err(error) => eprintln!("{error}"),
    }
    let secret = std::env::var("STRIPE_WEBHOOK_SECRET").unwrap_or_default();
    let signature = std::env::var("STRIPE_SIGNATURE").unwrap_or_default();
    let payload = std::env::var("PAYLOAD").unwrap_or_default();
    match Webhook::construct_event(&payload, &signature, &secret) {
        Ok(event) => match event.data.object {
{{arms}}
            _ => println!("ignore {}", event.id.as_str()),
        },
        Err(error) => eprintln!("{error}"),
    }
}
