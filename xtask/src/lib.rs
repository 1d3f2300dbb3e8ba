//! The xtask library: where the generated folders are, and the tasks that keep them in step
//! with the spec, one module each: [`pipeline`] (the one way from a config or a spec to the
//! lowered API, which every task below starts from), [`sync`] (compare and write a generated
//! folder), [`regen`] (the checked-in SDK: generate, record the API, bump, and the fake and the
//! shapes with it), [`standalone`] (`regen --out`: a whole-API crate of its own), the tasks
//! beside them ([`api_diff`], [`bench`], [`fake`], [`shapes`], [`events_test`]), and
//! [`templates`] (the one way to write a file from a template in `xtask/templates/`).
//!
//! The codegen library never touches the file system; this crate owns every path and write.

pub mod api_diff;
pub mod bench;
pub mod events_test;
// The fake Stripe's regen and standalone crate (stripe-sdk-fake).
pub mod fake;
pub mod pipeline;
pub mod regen;
pub mod shapes;
pub mod standalone;
pub mod sync;
pub mod templates;

use std::path::{Path, PathBuf};

pub use regen::{RegenMode, RegenOutcome, generate, regen, render_sdk, run_regen};
pub use standalone::{Standalone, write_standalone};
pub(crate) use standalone::{absolute, relative_path};
pub(crate) use sync::sync_files;
pub use sync::{Drift, Report, sync, sync_generated};

/// The command that regenerates the checked-in SDK; every generated header names it.
pub const REGEN_COMMAND: &str = "cargo xtask regen";
/// The generator's config, relative to the workspace root.
pub const DEFAULT_CONFIG: &str = "spec/regen.yaml";
/// Where generated code goes: one folder per crate, each owned completely by the drift check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GeneratedDirs<'a> {
    /// The generated response types (in the checked-in SDK, `stripe-sdk-types`'s).
    pub types: &'a str,
    /// The generated request types (in the checked-in SDK, `stripe-sdk-params`'s).
    pub params: &'a str,
    /// The generated family modules and operations (in the checked-in SDK, `stripe-sdk`'s).
    pub client: &'a str,
}

/// The checked-in SDK's generated folders, relative to the workspace root.
pub const GENERATED_DIRS: GeneratedDirs<'static> = GeneratedDirs {
    types: "generated/types/src/gen",
    params: "generated/params/src/gen",
    client: "generated/src/gen",
};
/// The record of the checked-in crate's public API, which `regen` compares the spec against
/// (beside the generated folder, which the drift check owns file by file).
pub const SURFACE_RECORD: &str = "generated/api-surface.json";
/// The checked-in crate's manifest, whose version `regen --bump` sets.
pub const SDK_MANIFEST: &str = "generated/Cargo.toml";
/// The checked-in types crates' manifests and packages, whose versions `regen --bump` keeps
/// equal to the client crate's.
pub const TYPES_MANIFESTS: [(&str, &str); 2] = [
    ("generated/types/Cargo.toml", "stripe-sdk-types"),
    ("generated/params/Cargo.toml", "stripe-sdk-params"),
];
/// The checked-in fake Stripe's manifest: `regen --bump` keeps its version, and its
/// requirement on `stripe-sdk`, equal to the client crate's.
pub const FAKE_MANIFEST: &str = "generated/fake/Cargo.toml";

/// The workspace root, found from this crate's manifest so the task works from any directory.
pub fn workspace_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().unwrap_or(manifest_dir).to_path_buf()
}

/// The SDK crate whose hand-written runtime and manifest standalone crates reuse.
pub const SDK_DIR: &str = "generated";
