//! Naming: turns the spec's names into Rust identifiers and its HTML prose into Markdown docs.

/// Rust's strict and reserved keywords, which cannot be plain identifiers.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Calls `visit` with each word of `name`, as written: a name splits into words at any
/// character but an ASCII letter or digit and at case changes (`PostTerminalConnectionTokens`
/// -> Post, Terminal, Connection, Tokens). It allocates nothing: naming runs for every type,
/// field and variant of the spec.
///
/// Only ASCII letters and digits make words, so the name is read byte by byte: every byte of a
/// multi-byte character is a separator, as the character is.
fn for_each_word<'n>(name: &'n str, mut visit: impl FnMut(&'n str)) {
    let bytes = name.as_bytes();
    let mut start: Option<usize> = None;
    for (index, &byte) in bytes.iter().enumerate() {
        if !byte.is_ascii_alphanumeric() {
            if let Some(word_start) = start.take() {
                visit(&name[word_start..index]);
            }
            continue;
        }
        match start {
            None => start = Some(index),
            Some(word_start) if byte.is_ascii_uppercase() => {
                // The byte before is part of the word, so an ASCII letter or digit.
                let previous = bytes[index - 1];
                let next_is_lower = bytes
                    .get(index + 1)
                    .is_some_and(|next| next.is_ascii_lowercase());
                // A new word starts at `aB`, and at the last capital of a run followed by lower
                // case (`APIErrors` -> api, errors).
                if previous.is_ascii_lowercase()
                    || previous.is_ascii_digit()
                    || (previous.is_ascii_uppercase() && next_is_lower)
                {
                    visit(&name[word_start..index]);
                    start = Some(index);
                }
            }
            Some(_) => {}
        }
    }
    if let Some(word_start) = start {
        visit(&name[word_start..]);
    }
}

/// Words for a name with no ASCII letter or digit: `empty` for the empty name, else each
/// character's name (`*` -> `asterisk`) or code point (`€` -> `u20ac`), so that such names
/// still become distinct, valid identifiers.
fn fallback_words(name: &str) -> Vec<String> {
    if name.is_empty() {
        return vec!["empty".to_owned()];
    }
    name.chars()
        .map(|ch| match symbol_name(ch) {
            Some(word) => word.to_owned(),
            None => format!("u{:x}", u32::from(ch)),
        })
        .collect()
}

fn symbol_name(ch: char) -> Option<&'static str> {
    Some(match ch {
        '*' => "asterisk",
        '+' => "plus",
        '-' => "minus",
        '.' => "dot",
        '/' => "slash",
        '_' => "underscore",
        '#' => "hash",
        '@' => "at",
        '$' => "dollar",
        '%' => "percent",
        '&' => "ampersand",
        '!' => "exclamation",
        '?' => "question",
        '=' => "equals",
        '~' => "tilde",
        ':' => "colon",
        ' ' => "space",
        _ => return None,
    })
}

/// `terminal.connection_token` -> `TerminalConnectionToken`.
pub fn pascal_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for_each_word(name, |word| {
        for (index, byte) in word.bytes().enumerate() {
            out.push(if index == 0 {
                char::from(byte.to_ascii_uppercase())
            } else {
                char::from(byte.to_ascii_lowercase())
            });
        }
    });
    if out.is_empty() {
        for word in fallback_words(name) {
            let mut chars = word.chars();
            if let Some(first) = chars.next() {
                out.extend(first.to_uppercase());
                out.push_str(chars.as_str());
            }
        }
    }
    make_identifier(out, "V")
}

/// `PostTerminalConnectionTokens` -> `post_terminal_connection_tokens`.
pub fn snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for_each_word(name, |word| {
        if !out.is_empty() {
            out.push('_');
        }
        out.extend(
            word.bytes()
                .map(|byte| char::from(byte.to_ascii_lowercase())),
        );
    });
    if out.is_empty() {
        out = fallback_words(name).join("_");
    }
    make_identifier(out, "n")
}

/// A field or argument name: snake case, with a trailing `_` on keywords (`type_`).
pub fn field_name(name: &str) -> String {
    let snake = snake_case(name);
    if is_keyword(&snake) {
        format!("{snake}_")
    } else {
        snake
    }
}

/// A type or variant name that is not a keyword (`Self` is the only capitalised one).
pub fn type_name(name: &str) -> String {
    let pascal = pascal_case(name);
    if is_keyword(&pascal) {
        format!("{pascal}_")
    } else {
        pascal
    }
}

/// The name of a type nested in `parent` (`CustomerCreateParams` + `Shipping`). A keyword's
/// trailing `_` is dropped first: `Self_Object` is not upper camel case, `SelfObject` is.
pub fn nested_type_name(parent: &str, suffix: &str) -> String {
    format!("{}{suffix}", parent.trim_end_matches('_'))
}

pub fn is_keyword(name: &str) -> bool {
    KEYWORDS.contains(&name)
}

/// Identifiers cannot start with a digit; such names get `prefix` in front (an empty name
/// cannot reach here, but would get it too).
fn make_identifier(name: String, prefix: &str) -> String {
    match name.chars().next() {
        None => format!("{prefix}Empty"),
        Some(first) if first.is_ascii_digit() => format!("{prefix}{name}"),
        Some(_) => name,
    }
}

/// Converts the spec's description (HTML fragments, Markdown links) into Markdown for `///`.
///
/// Stripe writes `<p>`, `<code>`, `<a href>`, `<strong>`, `<em>`, `<ul>/<li>` and `<br>`. Lines
/// are trimmed because rustdoc would read an indented line as a code block and run it as a test.
pub fn html_to_markdown(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    let mut link_targets: Vec<String> = Vec::new();
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let after = &rest[start..];
        let Some(end) = after.find('>') else {
            out.push_str(after);
            rest = "";
            break;
        };
        let tag = &after[1..end];
        rest = &after[end + 1..];
        let (closing, body) = match tag.strip_prefix('/') {
            Some(body) => (true, body),
            None => (false, tag),
        };
        let name = body
            .split(|c: char| c.is_whitespace() || c == '/')
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        match (name.as_str(), closing) {
            ("p", false) | ("ul", false) | ("ol", false) | ("ul", true) | ("ol", true) => {
                out.push_str("\n\n")
            }
            ("p", true) => out.push_str("\n\n"),
            ("br", _) => out.push('\n'),
            ("li", false) => out.push_str("\n- "),
            ("li", true) => {}
            ("code", _) => out.push('`'),
            ("strong", _) | ("b", _) => out.push_str("**"),
            ("em", _) | ("i", _) => out.push('*'),
            ("a", false) => {
                link_targets.push(attribute(body, "href").unwrap_or_default());
                out.push('[');
            }
            ("a", true) => {
                let target = link_targets.pop().unwrap_or_default();
                out.push_str("](");
                out.push_str(&target);
                out.push(')');
            }
            // Unknown tags carry no meaning for the docs; their text stays.
            _ => {}
        }
    }
    out.push_str(rest);
    let text = decode_entities(&out);
    tidy_lines(&text)
}

fn attribute(tag: &str, name: &str) -> Option<String> {
    let start = tag.find(&format!("{name}=\""))? + name.len() + 2;
    let end = tag[start..].find('"')? + start;
    Some(tag[start..end].to_owned())
}

/// The entities Stripe's descriptions use, and what each stands for.
const ENTITIES: [(&str, char); 6] = [
    ("&lt;", '<'),
    ("&gt;", '>'),
    ("&quot;", '"'),
    ("&#39;", '\''),
    ("&nbsp;", ' '),
    ("&amp;", '&'),
];

/// Replaces each entity in one pass from the left. No replacement makes a new entity (none
/// yields `&` but `&amp;`, whose `&` is not read again), so `&amp;lt;` stays `&lt;`.
fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let after = &rest[at..];
        match ENTITIES
            .iter()
            .find(|(entity, _)| after.starts_with(entity))
        {
            Some((entity, decoded)) => {
                out.push(*decoded);
                rest = &after[entity.len()..];
            }
            None => {
                out.push('&');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Trims every line, keeps single blank lines between paragraphs, and drops leading and
/// trailing blank lines.
fn tidy_lines(text: &str) -> String {
    let mut lines: Vec<&str> = Vec::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() && lines.last().is_none_or(|last| last.is_empty()) {
            continue;
        }
        lines.push(line);
    }
    while lines.last().is_some_and(|last| last.is_empty()) {
        lines.pop();
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The entity decoding as it was written first: one replacement pass per entity, `&amp;`
    /// last.
    fn decode_entities_in_passes(text: &str) -> String {
        text.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&nbsp;", " ")
            .replace("&amp;", "&")
    }

    /// The word split as it was written first, over characters.
    fn words_by_chars(name: &str) -> Vec<String> {
        let mut words = Vec::new();
        let mut current = String::new();
        let chars: Vec<char> = name.chars().collect();
        for (index, &ch) in chars.iter().enumerate() {
            if !ch.is_ascii_alphanumeric() {
                if !current.is_empty() {
                    words.push(std::mem::take(&mut current));
                }
                continue;
            }
            if ch.is_ascii_uppercase() && !current.is_empty() {
                let previous = chars[index - 1];
                let next_is_lower = chars
                    .get(index + 1)
                    .is_some_and(|next| next.is_ascii_lowercase());
                if previous.is_ascii_lowercase()
                    || previous.is_ascii_digit()
                    || (previous.is_ascii_uppercase() && next_is_lower)
                {
                    words.push(std::mem::take(&mut current));
                }
            }
            current.push(ch.to_ascii_lowercase());
        }
        if !current.is_empty() {
            words.push(current);
        }
        words
    }

    proptest! {
        #[test]
        fn entities_decode_as_one_pass_per_entity(
            text in "(&|amp;|lt;|gt;|quot;|#39;|nbsp;|a|<|;| |é)*"
        ) {
            prop_assert_eq!(decode_entities(&text), decode_entities_in_passes(&text));
        }

        #[test]
        fn words_split_as_over_characters(name in "([a-zA-Z0-9]|_|\\.| |é|日|-)*") {
            let mut words = Vec::new();
            for_each_word(&name, |word| words.push(word.to_ascii_lowercase()));
            prop_assert_eq!(words, words_by_chars(&name));
        }
    }

    #[test]
    fn cases() {
        assert_eq!(
            snake_case("PostTerminalConnectionTokens"),
            "post_terminal_connection_tokens"
        );
        assert_eq!(
            pascal_case("terminal.connection_token"),
            "TerminalConnectionToken"
        );
        assert_eq!(pascal_case("APIErrors"), "ApiErrors");
        assert_eq!(pascal_case("api_errors"), "ApiErrors");
        assert_eq!(pascal_case("3d_secure"), "V3dSecure");
        assert_eq!(pascal_case(""), "Empty");
        assert_eq!(snake_case(""), "empty");
        assert_eq!(snake_case("€"), "u20ac");
        assert_eq!(pascal_case("*"), "Asterisk");
        assert_eq!(pascal_case("日本"), "U65e5U672c");
        assert_eq!(field_name("café"), "caf");
        assert_eq!(field_name("type"), "type_");
        assert_eq!(field_name("3d_secure"), "n3d_secure");
        assert_eq!(type_name("self"), "Self_");
        assert_eq!(nested_type_name(&type_name("self"), "Object"), "SelfObject");
        assert_eq!(
            nested_type_name("Widget", &type_name("self")),
            "WidgetSelf_"
        );
    }

    #[test]
    fn html() {
        assert_eq!(
            html_to_markdown(
                "<p>Use <code>x</code> or <a href=\"https://e.com\">this</a> &amp; <strong>that</strong>.</p>"
            ),
            "Use `x` or [this](https://e.com) & **that**."
        );
        assert_eq!(html_to_markdown("<p>One.</p><p>Two.</p>"), "One.\n\nTwo.");
        assert_eq!(html_to_markdown("  indented\n    more"), "indented\nmore");
        assert_eq!(
            html_to_markdown("<ul><li>a</li><li>b</li></ul>"),
            "- a\n- b"
        );
    }
}
