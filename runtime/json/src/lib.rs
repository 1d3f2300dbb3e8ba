//! The hand-written runtime of `stripe-sdk`'s response types: the JSON decoder ([`decode`])
//! they are read with, and the generic shapes ([`types`]) they are built from.
//!
//! Use it through `stripe-sdk`, which re-exports it. The generated response types live in
//! `stripe-sdk-types`, which depends on this crate and re-exports its modules under the paths
//! the generated code names (`crate::decode::Decode`), so that nothing generated is written
//! by hand and nothing hand-written is rewritten by `cargo xtask regen`.

pub mod decode;
pub mod types;

pub use types::{
    Expandable, Expanded, HasId, List, REDACTED, SearchResult, Undecoded, UndecodedReason,
};
