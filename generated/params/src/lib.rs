//! The request types (params) of `stripe-sdk`, generated from Stripe's OpenAPI document, wired
//! to their hand-written runtime in `stripe-sdk-form` (form encoding, validation and the
//! generic shapes).
//!
//! Use them through `stripe-sdk`, which re-exports them. They live in a crate of their own so
//! that cargo compiles them on one core while the response types (`stripe-sdk-types`) compile
//! on another: the two never refer to each other, and need serde alone.
//!
//! Everything in `src/gen/` is rewritten by `cargo xtask regen` (in the repository that
//! generates it); this file only wires it to the runtime.

// The runtime's modules, under the paths the generated code names (`crate::form::Encode`).
pub use stripe_sdk_form::{form, multipart, pagination, types, validate};

// `gen` is a reserved keyword in the 2024 edition, hence the raw identifier; the folder keeps
// its plain name. Every generated module and type is re-exported at the crate root. The
// generated files are laid out by prettyplease, whose output the drift check compares byte for
// byte, so `cargo fmt` must leave them alone.
#[rustfmt::skip]
mod r#gen;
#[allow(
    unused_imports,
    reason = "a document, or a selection of features, can leave one side without any type"
)]
pub use r#gen::*;

pub use types::{FileUpload, RangeQuery, Unsettable};
pub use validate::{InvalidParams, REDACTED, Violation, ViolationKind};
