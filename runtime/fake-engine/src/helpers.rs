//! Test helpers of ours, which Stripe's API does not have: operations the fake routes beside
//! the spec's, so that a test (or any client of the fake's binary, such as stripe-python) can
//! do what only a customer could do on Stripe. `POST
//! /v1/test_helpers/checkout/sessions/{session}/complete` completes a Checkout Session as if
//! its customer had paid on the hosted page; `POST
//! /v1/test_helpers/accounts/{account}/complete_onboarding` completes a connected account's
//! onboarding as if its owner had finished Stripe's hosted form.
//!
//! They are routed only when the family of their resource is compiled in, and they take the
//! API key like every request; `lifecycle.rs` holds what they do.

use crate::table::{Action, BodyKind, OperationDef};

/// The operation id of the Checkout Session completion.
pub(crate) const COMPLETE_CHECKOUT_SESSION: &str = "PostTestHelpersCheckoutSessionsSessionComplete";

/// The Cargo feature of the family the completion belongs to.
pub(crate) const CHECKOUT_SESSION_FEATURE: &str = "checkout_session";

/// The helpers of Checkout Sessions. The params take only `expand`, as Stripe's own test
/// helpers do; the answer is the session.
const CHECKOUT_SESSION_HELPERS: &[OperationDef] = &[OperationDef {
    id: COMPLETE_CHECKOUT_SESSION,
    method: "POST",
    path: "/v1/test_helpers/checkout/sessions/{session}/complete",
    body: BodyKind::Form,
    action: Action::Other,
    resource: "checkout.session",
    params: r#"{"additionalProperties":false,"properties":{"expand":{"items":{"maxLength":5000,"type":"string"},"type":"array"}},"type":"object"}"#,
    response: r#"{"$ref":"checkout.session"}"#,
    binary: "",
}];

/// The operation id of an account's onboarding completion.
pub(crate) const COMPLETE_ACCOUNT_ONBOARDING: &str =
    "PostTestHelpersAccountsAccountCompleteOnboarding";

/// The Cargo feature of the family the onboarding completion belongs to.
pub(crate) const ACCOUNT_FEATURE: &str = "account";

/// The helpers of connected accounts; the answer is the account.
const ACCOUNT_HELPERS: &[OperationDef] = &[OperationDef {
    id: COMPLETE_ACCOUNT_ONBOARDING,
    method: "POST",
    path: "/v1/test_helpers/accounts/{account}/complete_onboarding",
    body: BodyKind::Form,
    action: Action::Other,
    resource: "account",
    params: r#"{"additionalProperties":false,"properties":{"expand":{"items":{"maxLength":5000,"type":"string"},"type":"array"}},"type":"object"}"#,
    response: r#"{"$ref":"account"}"#,
    binary: "",
}];

/// The generated families' operations with ours added where their resource is routed.
pub(crate) fn with_ours(
    mut families: Vec<&'static [OperationDef]>,
) -> Vec<&'static [OperationDef]> {
    let routes = |resource: &str| {
        families
            .iter()
            .flat_map(|family| family.iter())
            .any(|def| def.resource == resource && def.action == Action::Create)
    };
    let (sessions, accounts) = (routes("checkout.session"), routes("account"));
    if sessions {
        families.push(CHECKOUT_SESSION_HELPERS);
    }
    if accounts {
        families.push(ACCOUNT_HELPERS);
    }
    families
}

/// A helper's path: `prefix`, the id percent-encoded so that no character of it can change
/// which route the path reaches, and `suffix`.
pub(crate) fn helper_path(prefix: &str, id: &str, suffix: &str) -> String {
    let mut path = String::from(prefix);
    for byte in id.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'_' | b'-' | b'.') {
            path.push(char::from(byte));
        } else {
            path.push_str(&format!("%{byte:02X}"));
        }
    }
    path.push_str(suffix);
    path
}

/// The completion's path for a session id.
pub(crate) fn complete_checkout_session_path(id: &str) -> String {
    helper_path("/v1/test_helpers/checkout/sessions/", id, "/complete")
}

/// The onboarding completion's path for an account id.
pub(crate) fn complete_account_onboarding_path(id: &str) -> String {
    helper_path("/v1/test_helpers/accounts/", id, "/complete_onboarding")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_helpers_are_added_only_beside_their_family() {
        assert_eq!(with_ours(Vec::new()).len(), 0);
        const SESSIONS: &[OperationDef] = &[OperationDef {
            id: "PostCheckoutSessions",
            method: "POST",
            path: "/v1/checkout/sessions",
            body: BodyKind::Form,
            action: Action::Create,
            resource: "checkout.session",
            params: "",
            response: "",
            binary: "",
        }];
        let families = with_ours(vec![SESSIONS]);
        assert_eq!(families.len(), 2);
        assert_eq!(families[1][0].id, COMPLETE_CHECKOUT_SESSION);
    }

    #[test]
    fn the_id_cannot_leave_its_segment() {
        assert_eq!(
            complete_checkout_session_path("cs_test_a1"),
            "/v1/test_helpers/checkout/sessions/cs_test_a1/complete"
        );
        assert_eq!(
            complete_checkout_session_path("a/b?c"),
            "/v1/test_helpers/checkout/sessions/a%2Fb%3Fc/complete"
        );
    }
}
