//! Presents a comparison: as text for a terminal, Markdown for a pull request, or JSON.

use super::model::{ApiDiff, ChangeClass};
use super::semver::semver_summary;
use std::fmt::Write as _;

/// The changes for a terminal: a count per class, then each class (breaking first) with one
/// line per change and where it is, then the semver summary.
pub fn render_text(diff: &ApiDiff, crate_version: Option<&str>) -> String {
    let mut out = String::new();
    if diff.from == diff.to {
        let _ = writeln!(out, "API changes (API version {}):", diff.to);
    } else {
        let _ = writeln!(out, "API changes from {} to {}:", diff.from, diff.to);
    }
    out.push_str(&render_change_lines(diff));
    let _ = writeln!(out, "{}", semver_summary(diff.semver, crate_version));
    out
}

/// The class counts and one indented line per change, or `no API changes`.
pub fn render_change_lines(diff: &ApiDiff) -> String {
    let mut out = String::new();
    if diff.is_empty() {
        out.push_str("  no API changes\n");
        return out;
    }
    let _ = writeln!(out, "  {}", diff.counts());
    for (class, in_class) in diff.by_class() {
        let _ = writeln!(out, "  {} ({}):", class.title(), in_class.len());
        for change in in_class {
            let operation = change
                .operation
                .as_deref()
                .map(|id| format!(" [{id}]"))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "    {:<27} {}: {}{operation}\n      at #{}",
                change.kind.as_str(),
                change.rust,
                change.detail,
                change.pointer
            );
        }
    }
    out
}

/// The changes for a pull request description: a heading, the counts and the bump, then a
/// table per class (docs folded away).
pub fn render_markdown(diff: &ApiDiff, crate_version: Option<&str>) -> String {
    let mut out = String::new();
    if diff.from == diff.to {
        let _ = writeln!(out, "## API changes (API version `{}`)\n", diff.to);
    } else {
        let _ = writeln!(out, "## API changes: `{}` -> `{}`\n", diff.from, diff.to);
    }
    if diff.is_empty() {
        let _ = writeln!(out, "No API changes.\n");
    } else {
        let _ = writeln!(out, "{}.\n", diff.counts());
    }
    let _ = writeln!(
        out,
        "**Bump:** {}\n",
        markdown_escape(&semver_summary(diff.semver, crate_version))
    );
    for (class, in_class) in diff.by_class() {
        let folded = class == ChangeClass::Docs;
        if folded {
            let _ = writeln!(
                out,
                "<details><summary>Docs ({})</summary>\n",
                in_class.len()
            );
        } else {
            let _ = writeln!(out, "### {} ({})\n", class.title(), in_class.len());
        }
        out.push_str(
            "| kind | Rust | operation | detail | spec |\n| --- | --- | --- | --- | --- |\n",
        );
        for change in in_class {
            let _ = writeln!(
                out,
                "| `{}` | `{}` | {} | {} | `#{}` |",
                change.kind.as_str(),
                change.rust,
                change
                    .operation
                    .as_deref()
                    .map(|id| format!("`{id}`"))
                    .unwrap_or_default(),
                markdown_escape(&change.detail),
                change.pointer
            );
        }
        out.push('\n');
        if folded {
            out.push_str("</details>\n\n");
        }
    }
    out
}

/// Keeps table cells intact: a pipe would end a cell, and the `<` of a Rust type would open
/// an HTML tag.
fn markdown_escape(text: &str) -> String {
    text.replace('|', "\\|").replace('<', "&lt;")
}

/// The single JSON object `--format json` prints.
pub fn render_json(diff: &ApiDiff) -> String {
    // Serializing plain structs of strings and enums into a string cannot fail.
    serde_json::to_string_pretty(diff).unwrap_or_default()
}
