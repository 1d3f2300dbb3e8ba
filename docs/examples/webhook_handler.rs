//! A webhook handler against the whole-API crate with only the features `event` and
//! `checkout_session`: it verifies a delivery's signature, fulfils completed Checkout Sessions by
//! name, and takes every other event, a newer one included, in one arm.
//!
//! A web server calls `handle_delivery` with the request's raw body and its `Stripe-Signature`
//! header; this program reads them from standard input and `STRIPE_SIGNATURE` instead, so that it
//! needs no web framework.

use std::io::Read;
use stripe_sdk::{CheckoutSessionPaymentStatus, EventKind, Webhook, WebhookError};

/// What the handler did with a delivery, for the web server's answer and its log.
enum Handled {
    Fulfilled { session: String },
    Ignored { event_type: String },
}

fn handle_delivery(payload: &[u8], signature: &str, secret: &str) -> Result<Handled, WebhookError> {
    let event = Webhook::construct_event(payload, signature, secret)?;
    match event.kind() {
        // Delayed payment methods complete the session before the money arrives: those are
        // fulfilled on `checkout.session.async_payment_succeeded` instead.
        EventKind::CheckoutSessionCompleted(session)
            if session.payment_status == CheckoutSessionPaymentStatus::Paid =>
        {
            Ok(Handled::Fulfilled {
                session: session.id.clone(),
            })
        }
        EventKind::CheckoutSessionAsyncPaymentSucceeded(session) => Ok(Handled::Fulfilled {
            session: session.id.clone(),
        }),
        // Every other event, a resource whose feature is off or a name newer than this SDK:
        // still a genuine delivery, with its name and raw object on the envelope.
        _ => Ok(Handled::Ignored {
            event_type: event.type_.as_str().to_owned(),
        }),
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let secret = std::env::var("STRIPE_WEBHOOK_SECRET")?;
    let signature = std::env::var("STRIPE_SIGNATURE")?;
    let mut payload = Vec::new();
    std::io::stdin().read_to_end(&mut payload)?;
    match handle_delivery(&payload, &signature, &secret) {
        Ok(Handled::Fulfilled { session }) => println!("200: fulfilled the order of {session}"),
        Ok(Handled::Ignored { event_type }) => println!("200: {event_type} needs nothing"),
        // A delivery whose signature does not verify is answered 400 and never acted on.
        Err(error) => println!("400: {error}"),
    }
    Ok(())
}
