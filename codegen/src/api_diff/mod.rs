//! What changed between two public API surfaces, classified for the generated crate's users,
//! and the semver bump that follows.
//!
//! Everything here works on [`Surface`](crate::surface::Surface) only (never on the IR or the
//! spec), except [`classify_generator_changes`], which also reads the two specs as JSON; all of
//! it is pure: the callers read and write files. One file per job:
//!
//! - `model`: the change model ([`Change`], its [`ChangeClass`] and [`ChangeKind`], the whole
//!   [`ApiDiff`] and its [`Semver`] level);
//! - `walk`: [`diff`], which lists every change with its class, kind, Rust path and JSON
//!   pointer;
//! - `generator_changes`: [`classify_generator_changes`], which spots the changes the
//!   generator made where the spec did not change;
//! - `semver`: [`next_version`] and [`semver_summary`];
//! - `render`: [`render_text`], [`render_markdown`] and [`render_json`];
//! - `record`: the checked-in [`SurfaceRecord`], read with [`parse_record`] and written with
//!   [`record_text`].

mod generator_changes;
mod model;
mod record;
mod render;
mod semver;
mod walk;

pub use generator_changes::classify_generator_changes;
pub use model::{ApiDiff, ApiDiffError, Change, ChangeClass, ChangeKind, Semver};
pub use record::{SurfaceRecord, parse_record, record_text};
pub use render::{render_change_lines, render_json, render_markdown, render_text};
pub use semver::{next_version, semver_summary};
pub use walk::diff;
