//! The guides in `docs/`, compiled: each guide is the documentation of a module here, so
//! `cargo test` runs its examples as doc tests and they cannot drift from the SDK.
//!
//! The README's own examples are checked against these guides by `tests/readme.rs`.

#[doc = include_str!("../webhooks.md")]
pub mod webhooks {}

#[doc = include_str!("../client.md")]
pub mod client {}

#[doc = include_str!("../whole-api.md")]
pub mod whole_api {}

#[doc = include_str!("../pagination.md")]
pub mod pagination {}

#[doc = include_str!("../spec-updates.md")]
pub mod spec_updates {}

#[doc = include_str!("../upgrading.md")]
pub mod upgrading {}

#[doc = include_str!("../terminal-backend.md")]
pub mod terminal_backend {}

#[doc = include_str!("../testing.md")]
pub mod testing {}
