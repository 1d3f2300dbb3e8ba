//! The request and response types of `stripe-sdk`, generated from Stripe's OpenAPI document,
//! with the hand-written runtime they are built on: form encoding ([`form`]), validation
//! ([`validate`]), JSON decoding ([`decode`]) and the generic shapes ([`types`]).
//!
//! Use them through `stripe-sdk`, which re-exports all of this crate at its root. They live
//! in a crate of their own because they need serde alone: cargo compiles them while it is
//! still building the HTTP stack that the client needs, and on another core than the client's
//! operations.
//!
//! Generated code lives in `src/gen/` and is rewritten by `cargo xtask regen` (in the repository
//! that generates it); everything else in this crate is written by hand.

pub mod decode;
pub mod form;
pub mod types;
pub mod validate;

// `gen` is a reserved keyword in the 2024 edition, hence the raw identifier; the folder keeps
// its plain name. Every generated module, type and constant is re-exported at the crate root. The
// generated files are laid out by prettyplease, whose output the drift check compares byte for
// byte, so `cargo fmt` must leave them alone.
#[rustfmt::skip]
mod r#gen;
pub use r#gen::*;

pub use types::{Expandable, Expanded, FileUpload, HasId, List, SearchResult, Unsettable};
pub use validate::{InvalidParams, REDACTED, Violation, ViolationKind};
