//! A Stripe Terminal payment against the whole-API crate with the features `terminal_location`,
//! `terminal_reader` and `payment_intent`: a location, a simulated reader, a `card_present`
//! payment processed on it, the test card presented, and the payment captured.

use stripe_sdk::{
    Client, PaymentIntentCreateParams, PaymentIntentParamsCaptureMethod,
    TerminalLocationCreateParams, TerminalLocationCreateParamsAddress, TerminalReaderCreateParams,
    TerminalReaderProcessPaymentIntentParams,
};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::new(std::env::var("STRIPE_SECRET_KEY")?)?;
    let address = TerminalLocationCreateParamsAddress {
        line1: Some("1234 Main Street".into()),
        city: Some("San Francisco".into()),
        state: Some("CA".into()),
        postal_code: Some("94111".into()),
        ..TerminalLocationCreateParamsAddress::new("US")
    };
    let shop = TerminalLocationCreateParams::new(address, "Main Street shop");
    let location = client.terminal().locations().create(&shop).await?;
    let readers = client.terminal().readers();
    let simulated = TerminalReaderCreateParams {
        location: Some(location.id),
        ..TerminalReaderCreateParams::new("simulated-wpe")
    };
    let reader = readers.create(&simulated).await?;
    let card_present = PaymentIntentCreateParams {
        payment_method_types: Some(vec!["card_present".into()]),
        capture_method: Some(PaymentIntentParamsCaptureMethod::Manual),
        ..PaymentIntentCreateParams::new(1500, "usd")
    };
    let intent = client.payment_intents().create(&card_present).await?;
    let process = TerminalReaderProcessPaymentIntentParams::new(&intent.id);
    readers.process_payment_intent(&reader.id, &process).await?;

    // A simulated reader waits for a card: present the test card, then capture.
    let test_readers = client.test_helpers().terminal().readers();
    test_readers.present_payment_method(&reader.id).await?;
    let captured = client.payment_intents().capture(&intent.id).await?;
    println!("captured {}: {:?}", captured.id, captured.status);
    Ok(())
}
