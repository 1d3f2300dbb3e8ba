//! Subscription billing with the features `product`, `price`, `customer`, `checkout_session`
//! and `subscription`: a customer's Checkout Session for a monthly price, cancelled once paid.

use stripe_sdk::{
    CheckoutSession, CheckoutSessionCreateParams, CheckoutSessionCreateParamsLineItems,
    CheckoutSessionCreateParamsMode, Client, CustomerCreateParams, PriceCreateParams,
    PriceCreateParamsRecurring, PriceCreateParamsRecurringInterval as Interval,
    ProductCreateParams, Subscription,
};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<()> {
    let client = Client::new(std::env::var("STRIPE_SECRET_KEY")?)?;
    let session = subscribe(&client).await?;
    println!("pay at {:?}, then press Enter", session.url);
    std::io::stdin().read_line(&mut String::new())?;
    println!("{:?}", cancel(&client, &session.id).await?.status);
    Ok(())
}

pub async fn subscribe(client: &Client) -> Result<CheckoutSession> {
    let gold = ProductCreateParams::new("Gold plan");
    let product = client.products().create(&gold).await?;
    let monthly = PriceCreateParams {
        product: Some(product.id),
        unit_amount: Some(2000),
        recurring: Some(PriceCreateParamsRecurring::new(Interval::Month)),
        ..PriceCreateParams::new("usd")
    };
    let price = client.prices().create(&monthly).await?;
    let jenny = CustomerCreateParams {
        email: Some("jenny.rosen@example.com".into()),
        ..Default::default()
    };
    let customer = client.customers().create(&jenny).await?;
    let checkout = CheckoutSessionCreateParams {
        mode: Some(CheckoutSessionCreateParamsMode::Subscription),
        customer: Some(customer.id),
        line_items: Some(vec![CheckoutSessionCreateParamsLineItems {
            price: Some(price.id),
            quantity: Some(1),
            ..Default::default()
        }]),
        ..CheckoutSessionCreateParams::new("https://example.com/success")
    };
    Ok(client.checkout().sessions().create(&checkout).await?)
}

pub async fn cancel(client: &Client, paid: &str) -> Result<Subscription> {
    let session = client.checkout().sessions().retrieve(paid).await?;
    let subscription = session.subscription.ok_or("the session is not paid yet")?;
    Ok(client.subscriptions().cancel(subscription.id()).await?)
}
