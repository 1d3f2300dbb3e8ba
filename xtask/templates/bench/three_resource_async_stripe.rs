//! Compile-time benchmark: creates a customer, a payment intent and a checkout session with async-stripe.
use stripe_checkout::CheckoutSessionMode;
use stripe_checkout::checkout_session::{CreateCheckoutSession, CreateCheckoutSessionLineItems};
use stripe_core::customer::CreateCustomer;
use stripe_core::payment_intent::CreatePaymentIntent;

fn main() {
    let key = std::env::var("STRIPE_SECRET_KEY").unwrap_or_default();
    let client = stripe::blocking::Client::new(key);
    if let Err(error) = run(&client) {
        eprintln!("{error}");
    }
}

fn run(client: &stripe::blocking::Client) -> Result<(), stripe::StripeError> {
    let customer = CreateCustomer::new().email("jenny.rosen@example.com").send_blocking(client)?;
    let intent = CreatePaymentIntent::new(1000, stripe_types::Currency::USD)
        .customer(customer.id.as_str())
        .send_blocking(client)?;
    let mut line_item = CreateCheckoutSessionLineItems::new();
    line_item.price = Some("price_1234".to_owned());
    line_item.quantity = Some(1);
    let session = CreateCheckoutSession::new()
        .success_url("https://example.com/success")
        .customer(customer.id.as_str())
        .mode(CheckoutSessionMode::Payment)
        .line_items(vec![line_item])
        .send_blocking(client)?;
    println!("{} {} {}", customer.id.as_str(), intent.id.as_str(), session.id.as_str());
    Ok(())
}
