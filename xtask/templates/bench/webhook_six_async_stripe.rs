//! Compile-time benchmark: retrieves a Checkout Session and handles events of six resources
//! (customer, product, price, Checkout Session, subscription, invoice) with async-stripe.
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
            EventObject::CustomerCreated(customer) => println!("welcome {}", customer.id.as_str()),
            EventObject::ProductCreated(product) => println!("product {}", product.id.as_str()),
            EventObject::PriceCreated(price) => println!("price {}", price.id.as_str()),
            EventObject::CheckoutSessionCompleted(session) => {
                println!("fulfil {}", session.id.as_str())
            }
            EventObject::CustomerSubscriptionDeleted(subscription) => {
                println!("ended {}", subscription.id.as_str())
            }
            EventObject::InvoicePaid(invoice) => println!("paid {:?}", invoice.id),
            _ => println!("ignore {}", event.id.as_str()),
        },
        Err(error) => eprintln!("{error}"),
    }
}
