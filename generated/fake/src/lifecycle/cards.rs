//! Stripe's test payment methods and cards: which ones decline, and how (the code, the
//! decline code and the message Stripe's testing page gives), and what a decline or an
//! approval does to a payment intent.

use super::{set, text};
use serde_json::{Value, json};

/// What a test card does when a payment is confirmed with it.
pub(crate) struct Decline {
    pub code: &'static str,
    pub decline_code: &'static str,
    pub message: &'static str,
}

/// The decline of a test payment method, or `None` when it succeeds (`pm_card_visa` and every
/// other one this table does not name).
pub(crate) fn decline_of_payment_method(payment_method: &str) -> Option<Decline> {
    let (code, decline_code, message) = match payment_method {
        "pm_card_chargeDeclined" | "pm_card_visa_chargeDeclined" => (
            "card_declined",
            "generic_decline",
            "Your card was declined.",
        ),
        "pm_card_chargeDeclinedInsufficientFunds"
        | "pm_card_visa_chargeDeclinedInsufficientFunds" => (
            "card_declined",
            "insufficient_funds",
            "Your card has insufficient funds.",
        ),
        "pm_card_chargeDeclinedLostCard" | "pm_card_visa_chargeDeclinedLostCard" => {
            ("card_declined", "lost_card", "Your card was declined.")
        }
        "pm_card_chargeDeclinedStolenCard" | "pm_card_visa_chargeDeclinedStolenCard" => {
            ("card_declined", "stolen_card", "Your card was declined.")
        }
        "pm_card_chargeDeclinedExpiredCard" => {
            ("expired_card", "expired_card", "Your card has expired.")
        }
        "pm_card_chargeDeclinedIncorrectCvc" => (
            "incorrect_cvc",
            "incorrect_cvc",
            "Your card's security code is incorrect.",
        ),
        "pm_card_chargeDeclinedProcessingError" => (
            "processing_error",
            "processing_error",
            "An error occurred while processing your card. Try again in a little bit.",
        ),
        _ => return None,
    };
    Some(Decline {
        code,
        decline_code,
        message,
    })
}

/// The decline of a card number presented to a simulated reader (Stripe's Terminal test
/// cards), or `None` when it is approved.
pub(crate) fn decline_of_card_number(number: &str) -> Option<Decline> {
    match number {
        "4000000000000002" => Some(Decline {
            code: "card_declined",
            decline_code: "generic_decline",
            message: "Your card was declined.",
        }),
        "4000000000009995" => Some(Decline {
            code: "card_declined",
            decline_code: "insufficient_funds",
            message: "Your card has insufficient funds.",
        }),
        _ => None,
    }
}

/// The declined payment intent's error, as `last_payment_error` and in the 402's envelope.
pub(crate) fn card_error(decline: &Decline, payment_method: &str) -> Value {
    json!({
        "type": "card_error",
        "code": decline.code,
        "decline_code": decline.decline_code,
        "message": decline.message,
        "doc_url": format!("https://stripe.com/docs/error-codes/{}", decline.code.replace('_', "-")),
        "payment_method_type": "card",
        "param": if payment_method.is_empty() { Value::Null } else { json!("payment_method") },
    })
}

/// Records a decline on the intent: back to `requires_payment_method`, with the error.
pub(crate) fn decline_intent(intent: &mut Value, decline: &Decline, payment_method: &str) -> Value {
    let error = card_error(decline, payment_method);
    set(intent, "last_payment_error", error.clone());
    set(intent, "status", json!("requires_payment_method"));
    set(intent, "payment_method", Value::Null);
    error
}

/// Records an approval on the intent: `succeeded`, or `requires_capture` with
/// `capture_method=manual`; returns the event it causes.
pub(crate) fn approve_intent(intent: &mut Value, payment_method: &str) -> &'static str {
    let amount = intent.get("amount").cloned().unwrap_or(json!(0));
    set(intent, "payment_method", json!(payment_method));
    set(intent, "last_payment_error", Value::Null);
    if text(intent, "capture_method") == "manual" {
        set(intent, "status", json!("requires_capture"));
        set(intent, "amount_capturable", amount);
        "payment_intent.amount_capturable_updated"
    } else {
        set(intent, "status", json!("succeeded"));
        set(intent, "amount_received", amount);
        set(intent, "amount_capturable", json!(0));
        "payment_intent.succeeded"
    }
}
