//! The hand-written runtime of `stripe-sdk`'s request types (params): form encoding
//! ([`form`]), validation against Stripe's limits ([`validate`]), the generic shapes
//! ([`types`]), and the traits that paginated and multipart operations' params implement
//! ([`pagination`], [`multipart`]).
//!
//! Use it through `stripe-sdk`, which re-exports it. The generated params live in
//! `stripe-sdk-params`, which depends on this crate and re-exports its modules under the paths
//! the generated code names (`crate::form::Encode`), so that nothing generated is written by
//! hand and nothing hand-written is rewritten by `cargo xtask regen`.

pub mod form;
pub mod multipart;
pub mod pagination;
pub mod types;
pub mod validate;

pub use types::{FileUpload, RangeQuery, Unsettable};
pub use validate::{InvalidParams, REDACTED, Violation, ViolationKind};
