//! The checked-in surface record: its shape, reading it with a located error, and its text.

use super::model::{ApiDiffError, Semver};
use crate::surface::Surface;
use serde::{Deserialize, Serialize};

/// The checked-in record of the crate's public API, which `regen` compares the spec against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SurfaceRecord {
    /// What wrote the file and that it must not be edited.
    #[serde(rename = "@generated")]
    pub generated: String,
    /// The crate's version when the record was written.
    pub crate_version: String,
    /// The bump the changes recorded since that version call for, until `regen --bump`
    /// applies it (or the version is changed by hand).
    pub pending_bump: Semver,
    pub surface: Surface,
}

/// Reads a surface record, naming the line and column of what is wrong.
pub fn parse_record(file: &str, text: &str) -> Result<SurfaceRecord, ApiDiffError> {
    serde_json::from_str(text).map_err(|error| ApiDiffError::Record {
        file: file.to_owned(),
        line: error.line(),
        column: error.column(),
        message: strip_json_location(&error.to_string()),
    })
}

fn strip_json_location(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message.to_owned(),
    }
}

/// A record's text: pretty JSON with a final newline, the same bytes for the same record.
pub fn record_text(record: &SurfaceRecord) -> String {
    let mut text = serde_json::to_string_pretty(record).unwrap_or_default();
    text.push('\n');
    text
}
