//! Compile-time benchmark: creates a customer, a payment intent and a checkout session.
use stripe_sdk::{
    CheckoutSessionCreateParams, CheckoutSessionCreateParamsLineItems, CheckoutSessionCreateParamsMode,
    CustomerCreateParams, PaymentIntentCreateParams,
};

fn main() {
    let key = std::env::var("STRIPE_SECRET_KEY").unwrap_or_default();
    if let Err(error) = run(key) {
        eprintln!("{error}");
    }
}

fn run(key: String) -> Result<(), stripe_sdk::Error> {
    let client = stripe_sdk::blocking::Client::new(key)?;
    let customer = client.post_customers(&CustomerCreateParams {
        email: Some("jenny.rosen@example.com".to_owned()),
        ..Default::default()
    })?;
    let intent = client.post_payment_intents(&PaymentIntentCreateParams {
        customer: Some(customer.id.clone()),
        ..PaymentIntentCreateParams::new(1000, "usd")
    })?;
    let session = client.post_checkout_sessions(&CheckoutSessionCreateParams {
        customer: Some(customer.id.clone()),
        mode: Some(CheckoutSessionCreateParamsMode::Payment),
        line_items: Some(vec![CheckoutSessionCreateParamsLineItems {
            price: Some("price_1234".to_owned()),
            quantity: Some(1),
            ..Default::default()
        }]),
        ..CheckoutSessionCreateParams::new("https://example.com/success")
    })?;
    println!("{} {} {}", customer.id, intent.id, session.id);
    Ok(())
}
