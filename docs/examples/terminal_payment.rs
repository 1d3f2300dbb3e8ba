//! A Terminal payment (features `terminal_location`, `terminal_reader`, `payment_intent`).

use stripe_sdk::{
    Client, Error, PaymentIntentCreateParams, PaymentIntentParamsCaptureMethod,
    TerminalLocationCreateParams, TerminalLocationCreateParamsAddress, TerminalReaderCreateParams,
    TerminalReaderProcessPaymentIntentParams,
};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::new(std::env::var("STRIPE_SECRET_KEY")?)?;
    let reader = set_up_reader(&client).await?;
    let payment = process_payment(&client, &reader).await?;
    // The simulated reader waits for a card: present its test card, then capture.
    let test_readers = client.test_helpers().terminal().readers();
    test_readers.present_payment_method(&reader).await?;
    println!("{:?}", client.payment_intents().capture(&payment).await?);
    Ok(())
}

pub async fn set_up_reader(client: &Client) -> Result<String, Error> {
    let address = TerminalLocationCreateParamsAddress {
        line1: Some("1234 Main Street".into()),
        city: Some("San Francisco".into()),
        state: Some("CA".into()),
        postal_code: Some("94111".into()),
        ..TerminalLocationCreateParamsAddress::new("US")
    };
    let shop = TerminalLocationCreateParams::new(address, "Main Street shop");
    let location = client.terminal().locations().create(&shop).await?;
    let simulated = TerminalReaderCreateParams {
        location: Some(location.id),
        ..TerminalReaderCreateParams::new("simulated-wpe")
    };
    Ok(client.terminal().readers().create(&simulated).await?.id)
}

pub async fn process_payment(client: &Client, reader: &str) -> Result<String, Error> {
    let card_present = PaymentIntentCreateParams {
        payment_method_types: Some(vec!["card_present".into()]),
        capture_method: Some(PaymentIntentParamsCaptureMethod::Manual),
        ..PaymentIntentCreateParams::new(1500, "usd")
    };
    let payment = client.payment_intents().create(&card_present).await?;
    let process = TerminalReaderProcessPaymentIntentParams::new(&payment.id);
    let readers = client.terminal().readers();
    readers.process_payment_intent(reader, &process).await?;
    Ok(payment.id)
}
