//! A large spec parsed on two threads: Stripe's block-style YAML is cut at lines, the two
//! halves deserialized apart and joined, so the parse (the longest serial stage before the
//! render) takes about half the wall time on a machine with a core to spare.
//!
//! In a block-style document every top-level key starts a line at column 0, and every key of
//! the `paths` map starts a line at that map's own indentation, so the text can be cut there
//! without reading it as YAML: the first half is the document with the `paths` map's later
//! entries taken out, the second half is a `paths:` map of those entries. The cut is made only
//! when the lines vouch for it (each top-level key one of OpenAPI's fields or an extension,
//! each `paths` key a path or an extension, none of them twice, so no duplicate key can fall
//! between the halves); otherwise, and whenever either half fails to parse, the caller parses
//! the whole document as before, so a malformed document gets exactly the error it always got.
//! A cut can only fall inside a value if a quoted scalar or a flow collection spans lines and
//! one of its lines looks like a key at the cut's indentation; cut there, the first half ends
//! inside the value and fails, and the whole document is parsed instead.

use openapiv3::{OpenAPI, Paths};
use serde::Deserialize;
use std::collections::HashSet;

/// Below this size the threads cost more than they save (the test specs and fixtures).
pub(super) const SMALLEST_SPLIT_SPEC: usize = 256 * 1024;

/// Where the document is cut: the `paths` entries from `cut_at` to `paths_end` are the
/// second half, as a `paths:` map of their own; everything else is the first half.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Cut {
    cut_at: usize,
    paths_end: usize,
}

impl Cut {
    /// The document without the later `paths` entries.
    pub(super) fn first_half(&self, text: &str) -> String {
        let mut first = String::with_capacity(text.len() - (self.paths_end - self.cut_at) + 1);
        first.push_str(&text[..self.cut_at]);
        if !first.ends_with('\n') {
            first.push('\n');
        }
        first.push_str(&text[self.paths_end..]);
        first
    }

    /// The later `paths` entries, as a document with only a `paths` map.
    pub(super) fn second_half(&self, text: &str) -> String {
        let entries = &text[self.cut_at..self.paths_end];
        let mut second = String::with_capacity(PATHS_HEADER.len() + entries.len());
        second.push_str(PATHS_HEADER);
        second.push_str(entries);
        second
    }
}

/// The line that opens the `paths` map, as the cut requires it and the second half begins.
const PATHS_HEADER: &str = "paths:\n";

/// The second half's shape: only the `paths` map.
#[derive(Deserialize)]
struct PathsOnly {
    paths: Paths,
}

/// Parses `text` on two threads, or `None` if the text cannot be cut or a half does not parse
/// (the caller then parses the whole document, which reports any error where it is).
pub(super) fn parse_in_halves(text: &str) -> Option<OpenAPI> {
    let cut = cut(text)?;
    // Each thread copies out its own half, so the copying is shared too.
    let parse_first = || {
        let first = cut.first_half(text);
        super::unique_keys::deserialize::<OpenAPI, _>(serde_yaml::Deserializer::from_str(&first))
    };
    let parse_second = || {
        let second = cut.second_half(text);
        super::unique_keys::deserialize::<PathsOnly, _>(serde_yaml::Deserializer::from_str(&second))
    };
    // openapiv3 panics on a few malformed documents; a panic on either thread resurfaces when
    // the scope ends, and the caller contains it and parses the whole document.
    let (first, second) = std::thread::scope(|scope| {
        let second = scope.spawn(parse_second);
        let first = parse_first();
        (first, second.join())
    });
    let (mut spec, second) = (first.ok()?, second.ok()?.ok()?);
    // The halves hold no key in common (`cut` checked), and the later entries come after the
    // earlier ones in the document, so extending keeps the document's order.
    spec.paths.paths.extend(second.paths.paths);
    spec.paths.extensions.extend(second.paths.extensions);
    Some(spec)
}

/// The fields of OpenAPI's document object: the only top-level keys a cut document may have,
/// besides extensions (so that no two differently written keys can be the same key).
const TOP_LEVEL_FIELDS: [&str; 8] = [
    "openapi",
    "info",
    "servers",
    "paths",
    "components",
    "security",
    "tags",
    "externalDocs",
];

/// Cuts `text` between two `paths` entries so that the halves are about the same size, or
/// `None` if its lines do not vouch for the cut. One pass over the lines, looking at few bytes
/// of each: it runs before either thread starts.
pub(super) fn cut(text: &str) -> Option<Cut> {
    let mut top_level: Vec<&str> = Vec::new();
    // Where the `paths` map's entries start (after its header line), and whether the lines
    // being read are still its own.
    let mut header_end = None;
    let mut in_paths = false;
    let mut paths_end = text.len();
    let mut indentation: Option<usize> = None;
    let mut entries: Vec<usize> = Vec::new();
    let mut entry_keys: HashSet<&str> = HashSet::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let bytes = line.as_bytes();
        if matches!(bytes[0], b' ' | b'\t') {
            if top_level.is_empty() {
                if is_blank_or_comment(line) {
                    continue;
                }
                return None;
            }
            if in_paths && let Some(key) = paths_entry(line, &mut indentation)? {
                let path_or_extension = key.starts_with('/') || key.starts_with("x-");
                if !path_or_extension || !entry_keys.insert(key) {
                    return None;
                }
                entries.push(start);
            }
            continue;
        }
        if matches!(bytes[0], b'#' | b'\n' | b'\r') {
            continue;
        }
        // A top-level key's sequence may be written at column 0 (`- url: ..`); it belongs to
        // the section above it, which must not be `paths` (a map).
        let sequence_item = bytes[0] == b'-' && matches!(bytes.get(1), Some(b' ' | b'\n' | b'\r'));
        if sequence_item {
            if top_level.is_empty() || in_paths {
                return None;
            }
            continue;
        }
        // A document start marker before the first key stays in the first half.
        if top_level.is_empty() && line.trim_end() == "---" {
            continue;
        }
        let key = plain_key(line)?;
        let known = TOP_LEVEL_FIELDS.contains(&key) || key.starts_with("x-");
        if !known || top_level.contains(&key) {
            return None;
        }
        if in_paths {
            in_paths = false;
            paths_end = start;
        }
        if key == "paths" {
            if line.trim_end() != PATHS_HEADER.trim_end() {
                return None;
            }
            in_paths = true;
            header_end = Some(offset);
        }
        top_level.push(key);
    }
    let header_end = header_end?;
    if entries.len() < 2 {
        return None;
    }
    // The cut: the first entry that starts past the middle of the document (the rest of the
    // document is in the first half), but never the first entry, so both halves hold one.
    let middle = text.len() / 2;
    let rest_len = text.len() - (paths_end - header_end);
    let cut_at = entries
        .iter()
        .skip(1)
        .copied()
        .find(|start| rest_len + (start - header_end) >= middle)
        .unwrap_or(entries[entries.len() - 1]);
    Some(Cut { cut_at, paths_end })
}

/// The key an indented line of the `paths` map starts, if it starts one at the map's
/// indentation (the first such line's); `Some(None)` for a line indented further (part of the
/// entry above it), a blank line or a comment, `None` for a line the cut cannot vouch for.
fn paths_entry<'t>(line: &'t str, indentation: &mut Option<usize>) -> Option<Option<&'t str>> {
    let bytes = line.as_bytes();
    let map_indentation = match *indentation {
        Some(map_indentation) => map_indentation,
        None if is_blank_or_comment(line) => return Some(None),
        None => *indentation.insert(bytes.iter().take_while(|&&byte| byte == b' ').count()),
    };
    let at_indentation =
        bytes.len() > map_indentation && bytes[..map_indentation].iter().all(|&byte| byte == b' ');
    if map_indentation == 0 || !at_indentation {
        return is_blank_or_comment(line).then_some(None);
    }
    match bytes[map_indentation] {
        b' ' | b'#' | b'\n' | b'\r' => Some(None),
        _ => plain_key(&line[map_indentation..]).map(Some),
    }
}

fn is_blank_or_comment(line: &str) -> bool {
    let content = line.trim_start_matches([' ', '\t']).trim_end();
    content.is_empty() || content.starts_with('#')
}

/// The key a line starts with, followed by `:` and then a space or the line's end, if it is
/// written so that its text is its value: plain, or quoted without escapes (`"/v1/x"`). Two
/// such keys are the same key only when their texts are equal.
fn plain_key(line: &str) -> Option<&str> {
    let line = line.trim_end();
    let key = match line.find(": ") {
        Some(index) => &line[..index],
        None => line.strip_suffix(':')?,
    };
    for quote in ['"', '\''] {
        if let Some(quoted) = key.strip_prefix(quote) {
            let inner = quoted.strip_suffix(quote)?;
            let plain_inside = !inner.contains([quote, '\\']);
            return plain_inside.then_some(inner);
        }
    }
    let plain = key.starts_with(|c: char| c == '/' || c.is_ascii_alphabetic())
        && !key.contains([
            ':', '#', '\'', '"', '{', '}', '[', ']', ',', '&', '*', '!', '|', '>',
        ])
        && !key.ends_with([' ', '\t']);
    plain.then_some(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOCUMENT: &str = "\
components:
  schemas:
    a:
      type: string
info:
  title: t
  version: '1'
openapi: 3.0.0
paths:
  /v1/a:
    get:
      responses: {}
  # a comment at the entries' indentation
  /v1/b:
    get:
      responses: {}
  x-note: kept
  /v1/c:
    get:
      description: |
        a block scalar's line
        /v1/d: not an entry
      responses: {}
security: []
";

    #[test]
    fn cuts_between_paths_entries_and_keeps_the_other_sections() {
        let cut = cut(DOCUMENT).expect("the document can be cut");
        let (first, second) = (cut.first_half(DOCUMENT), cut.second_half(DOCUMENT));
        assert!(second.starts_with("paths:\n  /v1/"));
        assert!(first.ends_with("security: []\n"));
        let first: serde_yaml::Value = serde_yaml::from_str(&first).expect("first parses");
        let second: serde_yaml::Value = serde_yaml::from_str(&second).expect("second parses");
        let mut joined = first["paths"].as_mapping().expect("a map").clone();
        joined.extend(second["paths"].as_mapping().expect("a map").clone());
        let whole: serde_yaml::Value = serde_yaml::from_str(DOCUMENT).expect("whole parses");
        assert_eq!(&serde_yaml::Value::Mapping(joined), &whole["paths"]);
    }

    #[test]
    fn the_halves_parse_to_the_whole_document() {
        let whole: OpenAPI = serde_yaml::from_str(DOCUMENT).expect("whole parses");
        assert_eq!(parse_in_halves(DOCUMENT), Some(whole));
    }

    #[test]
    fn refuses_what_the_lines_cannot_vouch_for() {
        let refused = [
            // A top-level key twice, or one OpenAPI does not have.
            DOCUMENT.replace("security: []", "info: {}"),
            DOCUMENT.replace("security: []", "extra: 1"),
            // A path twice, a key that is neither a path nor an extension, a quoted key.
            DOCUMENT.replace("/v1/c:", "/v1/a:"),
            DOCUMENT.replace("/v1/c:", "other:"),
            DOCUMENT.replace("/v1/c:", "'/v1/a':"),
            DOCUMENT.replace("/v1/c:", "\"/v1/\\u0061\":"),
            // The `paths` map written in flow style, or with a value on its line.
            DOCUMENT.replace("paths:\n", "paths: # the paths\n"),
            // A second document, a sequence or a flow-style document.
            format!("---\n{DOCUMENT}---\n{DOCUMENT}"),
            format!("- 1\n{DOCUMENT}"),
            "{openapi: 3.0.0, paths: {}}\n".to_owned(),
        ];
        for document in refused {
            assert_eq!(cut(&document), None, "{document}");
        }
    }

    /// Stripe's published specs are cut, and their halves build what the whole parse builds.
    #[test]
    #[ignore = "needs ../shared/stripe-openapi: run with --include-ignored beside ../shared (CI does)"]
    fn stripes_published_specs_are_parsed_in_halves() {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/stripe-openapi");
        let mut checked = 0;
        for entry in std::fs::read_dir(&dir)
            .expect("../shared/stripe-openapi is listed")
            .flatten()
        {
            let Ok(text) = std::fs::read_to_string(entry.path().join("spec3.yaml")) else {
                continue;
            };
            assert!(text.len() >= SMALLEST_SPLIT_SPEC);
            let in_halves = parse_in_halves(&text).expect("the spec is parsed in halves");
            let whole: OpenAPI =
                super::super::unique_keys::deserialize(serde_yaml::Deserializer::from_str(&text))
                    .expect("the spec parses whole");
            assert!(
                in_halves == whole,
                "{} parses differently in halves",
                entry.path().display()
            );
            checked += 1;
        }
        assert!(
            checked >= 3,
            "expected the three published specs, found {checked}"
        );
    }

    /// A document large enough to be cut: many paths, each with one operation.
    fn large_document() -> String {
        let mut document =
            String::from("info:\n  title: t\n  version: '1'\nopenapi: 3.0.0\npaths:\n");
        let mut index = 0;
        while document.len() < SMALLEST_SPLIT_SPEC + 1024 {
            document.push_str(&format!(
                "  /v1/things_{index}:\n    get:\n      operationId: GetThings{index}\n      responses:\n        '200':\n          description: ok\n"
            ));
            index += 1;
        }
        document.push_str("servers:\n- url: https://api.stripe.com/\n");
        document
    }

    /// A large malformed document gets the error the whole parse gives, wherever it is.
    #[test]
    fn a_large_malformed_document_gets_the_whole_parses_error() {
        let document = large_document();
        let last = "/v1/things_1000:\n    get:\n      operationId: GetThings1000\n";
        assert!(document.contains(last));
        let malformed = [
            // A duplicate key in the second half, a wrong type in each half, and one path
            // written twice across the halves.
            document.replace(last, &format!("{last}      operationId: Again\n")),
            document.replace(last, "/v1/things_1000:\n    get: [1]\n"),
            document.replace("/v1/things_3:\n    get:\n", "/v1/things_3:\n    get: 7\n"),
            document.replace("/v1/things_1000:", "/v1/things_2:"),
        ];
        for text in malformed {
            let whole = crate::load::parse_document::<OpenAPI>(
                "spec3.yaml",
                &text,
                crate::load::Format::Yaml,
            )
            .expect_err("the whole parse refuses it");
            let loaded =
                crate::load::parse_spec("spec3.yaml", &text).expect_err("the loader refuses it");
            assert_eq!(format!("{loaded:?}"), format!("{whole:?}"));
        }
        let whole: OpenAPI = serde_yaml::from_str(&document).expect("the document parses");
        assert!(cut(&document).is_some());
        assert_eq!(
            crate::load::parse_spec("spec3.yaml", &document).ok(),
            Some(whole)
        );
    }
}
