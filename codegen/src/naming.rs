//! Naming: turns the spec's names into Rust identifiers and its HTML prose into Markdown docs.

/// Rust's strict and reserved keywords, which cannot be plain identifiers.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Splits a name into lower-case ASCII words at any other character and at case changes
/// (`PostTerminalConnectionTokens` -> post, terminal, connection, tokens).
fn words(name: &str) -> Vec<String> {
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
            // A new word starts at `aB`, and at the last capital of a run followed by lower case
            // (`APIErrors` -> api, errors).
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
    if words.is_empty() {
        return fallback_words(name);
    }
    words
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
    let mut out = String::new();
    for word in words(name) {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.extend(first.to_uppercase());
            out.push_str(chars.as_str());
        }
    }
    make_identifier(out, "V")
}

/// `PostTerminalConnectionTokens` -> `post_terminal_connection_tokens`.
pub fn snake_case(name: &str) -> String {
    make_identifier(words(name).join("_"), "n")
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

fn decode_entities(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
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
