//! The version a set of changes calls for, and the sentence that says so.

use super::model::{ApiDiffError, Semver};
use std::fmt::Write as _;

/// The version after applying `bump` to `current` (`MAJOR.MINOR.PATCH`). Below 1.0, Cargo
/// treats the minor number as the major one, so a breaking change bumps `0.x` to `0.(x+1)` and
/// any other change bumps the patch.
pub fn next_version(current: &str, bump: Semver) -> Result<String, ApiDiffError> {
    let invalid = || ApiDiffError::Version {
        version: current.to_owned(),
    };
    let numbers: Vec<u64> = current
        .split('.')
        .map(|part| part.parse::<u64>().map_err(|_| invalid()))
        .collect::<Result<_, _>>()?;
    let [major, minor, patch] = numbers[..] else {
        return Err(invalid());
    };
    let next = match (bump, major) {
        (Semver::None, _) => (major, minor, patch),
        (Semver::Major, 0) => (0, minor + 1, 0),
        (Semver::Minor | Semver::Patch, 0) => (0, minor, patch + 1),
        (Semver::Major, _) => (major + 1, 0, 0),
        (Semver::Minor, _) => (major, minor + 1, 0),
        (Semver::Patch, _) => (major, minor, patch + 1),
    };
    Ok(format!("{}.{}.{}", next.0, next.1, next.2))
}

/// One or two sentences on the bump: the semver level, and with the crate's version what the
/// new version is (saying what 0.x means while the crate is below 1.0).
pub fn semver_summary(semver: Semver, crate_version: Option<&str>) -> String {
    let mut text = match semver {
        Semver::None => "semver: none (no change to the public API)".to_owned(),
        Semver::Patch => "semver: patch (documentation only)".to_owned(),
        Semver::Minor => "semver: minor (compatible additions only)".to_owned(),
        Semver::Major => "semver: major (breaking changes)".to_owned(),
    };
    let Some(version) = crate_version else {
        return text;
    };
    match next_version(version, semver) {
        Ok(next) if next == version => {
            let _ = write!(text, "; stripe-sdk stays {version}");
        }
        Ok(next) => {
            let _ = write!(text, "; stripe-sdk {version} -> {next}");
        }
        Err(error) => {
            let _ = write!(text, "; {error}");
        }
    }
    if version.starts_with("0.") && semver != Semver::None {
        text.push_str(
            ". While the crate is 0.x, Cargo reads a change of the minor number (0.1 -> 0.2) as \
             breaking and a change of the patch number as compatible: breaking changes bump \
             0.x to 0.(x+1), all others bump the patch",
        );
    }
    text
}
