//! Items written as text: the repetitive items of the types folders (`as_str`, `FromStr`,
//! `Encode`, `Validate`, which are half the generated functions, enum and struct definitions,
//! deprecated names) and of the client folder (the client's methods and their blocking twins,
//! the handle methods, the stubs of `feature_off.rs`) printed here exactly as prettyplease
//! prints their tokens, so that rendering does not parse and lay them out again (syn's parse
//! was the largest part of generation). An item inside an impl block or a module is measured
//! from the column it is printed at. Only the layouts below are written; an item with a line near prettyplease's
//! margin, where its choice of layout would need its own algorithm, is left as tokens for
//! prettyplease (each function returns `None`), except a line prettyplease has nowhere to break
//! (a plain path, a string literal), which it prints whole however long, as these do.
//! `tests/text_items.rs` renders every item both ways and compares.

use proc_macro2::{TokenStream, TokenTree};

/// The longest line prettyplease keeps whole: it breaks a line that would pass column 89.
/// Lines of this length or one or two more are left to prettyplease (see [`Item::call`]).
pub(super) const SURE_FIT: usize = 88;
/// The shortest line that prettyplease surely breaks.
pub(super) const SURE_BREAK: usize = 91;
/// The longest attribute prettyplease keeps on one line (measured: 89 columns stay whole,
/// 90 break), and likewise the last argument of a broken attribute, such as a `cfg_attr`'s
/// `serde(rename = "..")`.
const ATTRIBUTE_FITS: usize = 89;
/// The longest block-ending macro call of one literal prettyplease keeps on one line
/// (measured on the published specs' paths: 89 columns stay whole, 90 break).
const LITERAL_MACRO_CALL_FITS: usize = 89;
/// The longest match arm `pattern => value,` prettyplease keeps on one line, its comma
/// included (measured: 90 columns stay whole, 91 break).
const ARM_FITS: usize = 90;

/// A top-level item's text as it is written, with whether every line is one whose layout this
/// module knows.
pub(super) struct Item {
    text: String,
    known: bool,
    /// The column the item starts at where it is printed (inside an impl or a module), which
    /// its lines are measured from; the text itself starts at column 0.
    base: usize,
}

impl Item {
    pub(super) fn new() -> Item {
        Item::at(0)
    }

    /// An item printed at column `base`, such as a method inside an impl block.
    pub(super) fn at(base: usize) -> Item {
        Item {
            text: String::with_capacity(512),
            known: true,
            base,
        }
    }

    /// One line at `indent` columns, made of `parts`; a line too long to be sure prettyplease
    /// keeps it whole makes the item unknown.
    pub(super) fn line(&mut self, indent: usize, parts: &[&str]) {
        let length: usize = self.base + indent + parts.iter().map(|part| part.len()).sum::<usize>();
        if length > SURE_FIT {
            self.known = false;
        }
        self.text.extend(std::iter::repeat_n(' ', indent));
        for part in parts {
            self.text.push_str(part);
        }
        self.text.push('\n');
    }

    /// A doc line, which prettyplease prints whole however long it is.
    pub(super) fn doc(&mut self, indent: usize, line: &str) {
        self.text.extend(std::iter::repeat_n(' ', indent));
        self.text.push_str(line);
        self.text.push('\n');
    }

    /// An element of a broken list (a parameter, an argument) and its comma, on a line of its
    /// own: whole however long when it has nowhere to break.
    fn list_line(&mut self, indent: usize, element: &str) {
        if has_nowhere_to_break(element) {
            self.doc(indent, &format!("{element},"));
        } else {
            self.line(indent, &[element, ","]);
        }
    }

    /// A doc as `///` lines at `indent` (0 or 4).
    pub(super) fn docs(&mut self, indent: usize, doc: &crate::ir::Doc) {
        if let Some(text) = &doc.0 {
            super::push_doc_lines(&mut self.text, &"    "[..indent.min(4)], text);
        }
    }

    /// Lines prettyplease printed already, each without the `indent` they go at; an empty
    /// line stays empty.
    pub(super) fn formatted(&mut self, indent: usize, lines: &str) {
        for line in lines.lines() {
            if !line.is_empty() {
                self.text.extend(std::iter::repeat_n(' ', indent));
                self.text.push_str(line);
            }
            self.text.push('\n');
        }
    }

    /// `#[cfg_attr(predicate, inner)]` at `indent` (see [`Item::attribute`]).
    pub(super) fn cfg_attr(&mut self, indent: usize, predicate: &str, inner: &str) {
        self.attribute(indent, "cfg_attr", &[predicate, inner]);
    }

    /// `#[name(arguments)]` at `indent`: on one line when it fits, otherwise one argument a
    /// line, with commas between them (none after the last).
    pub(super) fn attribute(&mut self, indent: usize, name: &str, arguments: &[&str]) {
        self.attribute_with(indent, name, arguments, false);
    }

    /// [`Item::attribute`] whose arguments are each `name = "literal"`, which has nowhere to
    /// break: broken, each stays whole on its line however long.
    pub(super) fn attribute_of_literals(&mut self, indent: usize, name: &str, arguments: &[&str]) {
        self.attribute_with(indent, name, arguments, true);
    }

    fn attribute_with(&mut self, indent: usize, name: &str, arguments: &[&str], whole: bool) {
        let joined: usize = arguments.iter().map(|argument| argument.len() + 2).sum();
        let one_line = self.base + indent + 2 + name.len() + 1 + joined.saturating_sub(2) + 2;
        if one_line <= ATTRIBUTE_FITS {
            self.text.extend(std::iter::repeat_n(' ', indent));
            for part in ["#[", name, "(", &arguments.join(", "), ")]\n"] {
                self.text.push_str(part);
            }
            return;
        }
        self.line(indent, &["#[", name, "("]);
        for (index, argument) in arguments.iter().enumerate() {
            let last = index + 1 == arguments.len();
            let comma = if last { "" } else { "," };
            if whole {
                self.doc(indent + 4, &format!("{argument}{comma}"));
            } else if last {
                self.last_attribute_argument(indent + 4, argument);
            } else {
                self.line(indent + 4, &[argument, comma]);
            }
        }
        self.line(indent, &[")]"]);
    }

    /// The last argument of a broken attribute, which has no comma after it: whole when it
    /// fits; otherwise a `name(name = "literal")` (a `serde(rename = "..")`) breaks after its
    /// parenthesis, with the literal argument whole on its own line however long.
    fn last_attribute_argument(&mut self, indent: usize, argument: &str) {
        if self.base + indent + argument.len() <= ATTRIBUTE_FITS {
            self.doc(indent, argument);
            return;
        }
        let literal_argument = argument.split_once('(').and_then(|(name, rest)| {
            let inner = rest.strip_suffix(')')?;
            let simple_name = name
                .bytes()
                .all(|byte| byte.is_ascii_alphanumeric() || byte == b'_');
            let (key, value) = inner.split_once(" = ")?;
            let simple_key = key
                .bytes()
                .all(|byte| byte.is_ascii_alphanumeric() || byte == b'_');
            let one_literal = value.len() >= 2
                && value.starts_with('"')
                && value.ends_with('"')
                && !value[1..value.len() - 1].contains(['"', '\\']);
            (simple_name && simple_key && one_literal).then_some((name, inner))
        });
        match literal_argument {
            Some((name, inner)) => {
                self.line(indent, &[name, "("]);
                self.doc(indent + 4, inner);
                self.line(indent, &[")"]);
            }
            None => self.line(indent, &[argument]),
        }
    }

    /// A call `head(arguments)` followed by `tail`: on one line when it fits, otherwise one
    /// argument a line, each with a comma, and the closing parenthesis on its own line.
    pub(super) fn call(&mut self, indent: usize, head: &str, arguments: &[&str], tail: &str) {
        let joined: usize = arguments.iter().map(|argument| argument.len() + 2).sum();
        let one_line =
            self.base + indent + head.len() + 1 + joined.saturating_sub(2) + 1 + tail.len();
        if one_line <= SURE_FIT {
            let mut line = String::with_capacity(one_line);
            line.push_str(head);
            line.push('(');
            line.push_str(&arguments.join(", "));
            line.push(')');
            line.push_str(tail);
            self.line(indent, &[&line]);
        } else if one_line >= SURE_BREAK {
            self.line(indent, &[head, "("]);
            for argument in arguments {
                self.list_line(indent + 4, argument);
            }
            self.line(indent, &[")", tail]);
        } else {
            self.known = false;
        }
    }

    /// A block's last expression that calls a macro with one string literal
    /// (`format!("/v1/customers/{customer}")`): whole when it fits, otherwise the literal whole
    /// on a line of its own between the parentheses, without a comma.
    pub(super) fn literal_macro_call(&mut self, indent: usize, name: &str, literal: &str) {
        let one_line = self.base + indent + name.len() + "!(".len() + literal.len() + 1;
        if one_line <= LITERAL_MACRO_CALL_FITS {
            self.doc(indent, &format!("{name}!({literal})"));
        } else {
            self.doc(indent, &format!("{name}!("));
            self.doc(indent + 4, literal);
            self.doc(indent, ")");
        }
    }

    /// `impl Trait for Name {`: on one line when it fits; otherwise `for Name {` on the next
    /// line, at the same column (measured: 89 columns stay whole, 90 break).
    pub(super) fn impl_for(&mut self, trait_path: &str, name: &str) {
        let one_line = format!("impl {trait_path} for {name} {{");
        if self.base + one_line.len() <= ATTRIBUTE_FITS {
            self.doc(0, &one_line);
        } else {
            self.doc(0, &format!("impl {trait_path}"));
            self.doc(0, &format!("for {name} {{"));
        }
    }

    /// `impl Name {`, which has nowhere to break, however long.
    pub(super) fn impl_inherent(&mut self, name: &str) {
        self.doc(0, &format!("impl {name} {{"));
    }

    /// A struct field `prefix type,` (`pub name: Type,`) at `indent`: on one line when it fits
    /// (its comma counted); otherwise the type's generic arguments one a line (see
    /// [`Item::broken_type`]).
    pub(super) fn field(&mut self, indent: usize, prefix: &str, ty: &str) {
        let one_line = self.base + indent + prefix.len() + ty.len() + ",".len();
        if one_line <= ATTRIBUTE_FITS {
            self.doc(indent, &format!("{prefix}{ty},"));
        } else {
            self.broken_type(indent, prefix, ty);
        }
    }

    /// `prefix type,` with the type broken as prettyplease breaks it: `Head<` on the first line,
    /// each generic argument on a line of its own four columns in (whole when it fits, the
    /// comma after it not counted, as prettyplease prints that comma only when it breaks;
    /// otherwise broken the same way), and `>,` under the first line. A type without generic
    /// arguments has nowhere to break and stays whole.
    fn broken_type(&mut self, indent: usize, prefix: &str, ty: &str) {
        let Some((head, arguments)) = generic_arguments(ty) else {
            self.doc(indent, &format!("{prefix}{ty},"));
            return;
        };
        self.doc(indent, &format!("{prefix}{head}<"));
        for argument in arguments {
            if self.base + indent + 4 + argument.len() <= ATTRIBUTE_FITS {
                self.doc(indent + 4, &format!("{argument},"));
            } else {
                self.broken_type(indent + 4, "", argument);
            }
        }
        self.doc(indent, ">,");
    }

    /// `words` filled into lines at `indent`, one space between them, as prettyplease prints
    /// a macro's tokens: a line breaks before a word that would take it past the margin.
    pub(super) fn paragraph(&mut self, indent: usize, words: &[String]) {
        let start = self.base + indent;
        let mut column = start;
        for (index, word) in words.iter().enumerate() {
            if index == 0 {
                self.text.extend(std::iter::repeat_n(' ', indent));
                column += word.len();
            } else if column + 1 + word.len() <= ATTRIBUTE_FITS {
                self.text.push(' ');
                column += 1 + word.len();
            } else {
                self.text.push('\n');
                self.text.extend(std::iter::repeat_n(' ', indent));
                column = start + word.len();
            }
            self.text.push_str(word);
        }
        self.text.push('\n');
    }

    /// A match arm `pattern => value,`, whose value prettyplease moves into a block on the
    /// next line when the arm does not fit; the value (a literal or a path) has nowhere to
    /// break there.
    pub(super) fn arm(&mut self, indent: usize, pattern: &str, value: &str) {
        self.arm_with(indent, pattern, value, false);
    }

    /// [`Item::arm`] whose value is a call (`Self::A(value) => value.object_id(),`), which could
    /// break in its block: a value too long to be sure of there leaves the item to prettyplease.
    pub(super) fn arm_call(&mut self, indent: usize, pattern: &str, value: &str) {
        self.arm_with(indent, pattern, value, true);
    }

    fn arm_with(&mut self, indent: usize, pattern: &str, value: &str, breakable: bool) {
        let one_line = self.base + indent + pattern.len() + 4 + value.len() + 1;
        if one_line <= ARM_FITS {
            self.doc(indent, &format!("{pattern} => {value},"));
            return;
        }
        self.doc(indent, &format!("{pattern} => {{"));
        if breakable {
            self.line(indent + 4, &[value]);
        } else {
            self.doc(indent + 4, value);
        }
        self.line(indent, &["}"]);
    }

    /// Whether a line of `length` columns at `indent` is one prettyplease keeps whole: `Some`
    /// with the answer when it is sure, `None` (and the item unknown) when the line is within
    /// a column or two of the margin.
    pub(super) fn fits(&mut self, indent: usize, length: usize) -> Option<bool> {
        let end = self.base + indent + length;
        if end <= SURE_FIT {
            Some(true)
        } else if end >= SURE_BREAK {
            Some(false)
        } else {
            self.known = false;
            None
        }
    }

    /// A function's signature and the brace that opens its body: `head(parameters) -> returns {`
    /// on one line when it fits; otherwise one parameter a line, each with a comma, then
    /// `) -> returns {`, with a future's output on a line of its own when that does not fit.
    pub(super) fn signature(
        &mut self,
        indent: usize,
        head: &str,
        parameters: &[&str],
        returns: &Returns,
    ) {
        let returns_text = returns.one_line();
        let joined = parameters.join(", ");
        let one_line = head.len() + 1 + joined.len() + 5 + returns_text.len() + 2;
        match self.fits(indent, one_line) {
            Some(true) => {
                self.line(indent, &[head, "(", &joined, ") -> ", &returns_text, " {"]);
                return;
            }
            Some(false) => {}
            None => return,
        }
        self.line(indent, &[head, "("]);
        for parameter in parameters {
            self.list_line(indent + 4, parameter);
        }
        match self.fits(indent, 5 + returns_text.len() + 2) {
            Some(true) => self.line(indent, &[") -> ", &returns_text, " {"]),
            Some(false) => match returns {
                Returns::Future(output) => {
                    self.line(indent, &[") -> impl std::future::Future<"]);
                    self.future_output(indent + 4, output);
                    self.line(indent, &["> + use<'a> {"]);
                }
                // `) -> Result<` and the type's generic arguments one a line, as a broken
                // future's output.
                Returns::Type(ty) => self.broken_generic(indent, ") -> ", ty, "> {"),
            },
            None => {}
        }
    }

    /// A broken future's `Output = output,` line: whole when it fits; otherwise the output's
    /// generic arguments one a line, each with a comma, four columns further in.
    fn future_output(&mut self, indent: usize, output: &str) {
        match self.fits(indent, "Output = ".len() + output.len() + 1) {
            Some(true) => self.line(indent, &["Output = ", output, ","]),
            Some(false) => self.broken_generic(indent, "Output = ", output, ">,"),
            None => {}
        }
    }

    /// A generic type `ty` broken after its `<`: `before` and its head on the first line, its
    /// generic arguments one a line, each with a comma, four columns further in, and `closing`.
    fn broken_generic(&mut self, indent: usize, before: &str, ty: &str, closing: &str) {
        let Some((head, arguments)) = generic_arguments(ty) else {
            self.known = false;
            return;
        };
        self.line(indent, &[before, head, "<"]);
        for argument in arguments {
            self.list_line(indent + 4, argument);
        }
        self.line(indent, &[closing]);
    }

    /// A method call on `receiver` (`self.client.method(arguments)`): on one line when it
    /// fits; otherwise the call on the next line, four columns in, and its arguments one a
    /// line when that does not fit either.
    pub(super) fn method_call(
        &mut self,
        indent: usize,
        receiver: &str,
        method: &str,
        arguments: &[&str],
    ) {
        let joined = arguments.join(", ");
        let call = method.len() + 1 + joined.len() + 1;
        match self.fits(indent, receiver.len() + 1 + call) {
            Some(true) => {
                self.line(indent, &[receiver, ".", method, "(", &joined, ")"]);
                return;
            }
            Some(false) => {}
            None => return,
        }
        self.line(indent, &[receiver]);
        match self.fits(indent + 4, 1 + call) {
            Some(true) => self.line(indent + 4, &[".", method, "(", &joined, ")"]),
            Some(false) if !arguments.is_empty() => {
                self.line(indent + 4, &[".", method, "("]);
                for argument in arguments {
                    self.list_line(indent + 8, argument);
                }
                self.line(indent + 4, &[")"]);
            }
            Some(false) | None => self.known = false,
        }
    }

    /// `#[cfg(predicate)]` at `indent`: on one line when it fits; otherwise each operator that
    /// does not fit opens a line of its own, its operands one a line, four columns further in,
    /// with commas between them (none after the last).
    pub(super) fn cfg(&mut self, indent: usize, predicate: &Predicate) {
        let Some(one_line) = predicate.one_line() else {
            self.known = false;
            return;
        };
        match self.fits(indent, "#[cfg(".len() + one_line.len() + ")]".len()) {
            Some(true) => self.line(indent, &["#[cfg(", &one_line, ")]"]),
            Some(false) => {
                self.line(indent, &["#[cfg("]);
                self.predicate(indent + 4, predicate, "");
                self.line(indent, &[")]"]);
            }
            None => {}
        }
    }

    /// One operand of a broken `cfg` predicate, followed by `trailing` (a comma or nothing).
    fn predicate(&mut self, indent: usize, predicate: &Predicate, trailing: &str) {
        let Some(one_line) = predicate.one_line() else {
            self.known = false;
            return;
        };
        match self.fits(indent, one_line.len() + trailing.len()) {
            Some(true) => {
                self.line(indent, &[&one_line, trailing]);
                return;
            }
            Some(false) => {}
            None => return,
        }
        let (name, operands): (&str, &[Predicate]) = match predicate {
            Predicate::Feature(_) => {
                self.known = false;
                return;
            }
            Predicate::Not(operand) => ("not", std::slice::from_ref(&**operand)),
            Predicate::Any(operands) => ("any", operands),
            Predicate::All(operands) => ("all", operands),
        };
        self.line(indent, &[name, "("]);
        for (index, operand) in operands.iter().enumerate() {
            let comma = if index + 1 < operands.len() { "," } else { "" };
            self.predicate(indent + 4, operand, comma);
        }
        self.line(indent, &[")", trailing]);
    }

    /// Adds the lines of `other` after these.
    pub(super) fn append(&mut self, other: Item) {
        self.known &= other.known;
        self.text.push_str(&other.text);
    }

    /// The text, when every line of it is one whose layout is known.
    pub(super) fn finish(self) -> Option<String> {
        self.known.then_some(self.text)
    }

    /// The text with the column it is printed at, when every line of it is known.
    pub(super) fn finish_at(self) -> Option<(String, usize)> {
        self.known.then_some((self.text, self.base))
    }
}

/// What a function returns, for [`Item::signature`].
pub(super) enum Returns {
    /// A type printed on one line.
    Type(String),
    /// `impl std::future::Future<Output = output> + use<'a>`, with the output's text.
    Future(String),
}

impl Returns {
    fn one_line(&self) -> String {
        match self {
            Returns::Type(text) => text.clone(),
            Returns::Future(output) => {
                format!("impl std::future::Future<Output = {output}> + use<'a>")
            }
        }
    }
}

/// A string literal as `quote!` writes a `&str`, for printable ASCII (a quote and a backslash
/// escaped with a backslash, as `char::escape_debug` does); other strings are left to tokens.
pub(super) fn string_literal(value: &str) -> Option<String> {
    if !value.bytes().all(|byte| (b' '..=b'~').contains(&byte)) {
        return None;
    }
    let mut literal = String::with_capacity(value.len() + 2);
    literal.push('"');
    for character in value.chars() {
        if matches!(character, '"' | '\\') {
            literal.push('\\');
        }
        literal.push(character);
    }
    literal.push('"');
    Some(literal)
}

/// A `cfg` predicate, to write `#[cfg(..)]` as text (see [`Item::cfg`]).
#[derive(Clone)]
pub(super) enum Predicate {
    /// `feature = "name"`.
    Feature(String),
    Not(Box<Predicate>),
    Any(Vec<Predicate>),
    All(Vec<Predicate>),
}

impl Predicate {
    /// `any(feature = "a", ..)` for several features, `feature = "a"` for one.
    pub(super) fn any_feature(features: &[String]) -> Predicate {
        match features {
            [single] => Predicate::Feature(single.clone()),
            several => Predicate::Any(several.iter().cloned().map(Predicate::Feature).collect()),
        }
    }

    /// The predicate on one line.
    fn one_line(&self) -> Option<String> {
        let (name, operands) = match self {
            Predicate::Feature(feature) => {
                return Some(format!("feature = {}", string_literal(feature)?));
            }
            Predicate::Not(operand) => return Some(format!("not({})", operand.one_line()?)),
            Predicate::Any(operands) => ("any", operands),
            Predicate::All(operands) => ("all", operands),
        };
        let operands: Option<Vec<String>> = operands.iter().map(Predicate::one_line).collect();
        Some(format!("{name}({})", operands?.join(", ")))
    }
}

/// A path's tokens (`crate::form::Encode`) as prettyplease prints them.
pub(super) fn path_text(tokens: TokenStream) -> String {
    let mut text = String::new();
    for token in tokens {
        match token {
            TokenTree::Ident(ident) => text.push_str(&ident.to_string()),
            TokenTree::Punct(punct) => text.push(punct.as_char()),
            TokenTree::Group(_) | TokenTree::Literal(_) => {}
        }
    }
    text
}

/// Whether prettyplease has nowhere to break `text`: a path without generic arguments
/// (`crate::customer::Customer`), maybe a reference to one or a call of one without arguments
/// (`&crate::customer::CustomerRetrieveParams::default()`; an empty argument list's break is
/// dropped with its box), maybe after a parameter's name (`params: &crate::..`).
fn has_nowhere_to_break(text: &str) -> bool {
    let is_word = |text: &str| {
        !text.is_empty()
            && text
                .bytes()
                .all(|byte| byte.is_ascii_alphanumeric() || byte == b'_')
    };
    let value = match text.split_once(": ") {
        Some((name, value)) if is_word(name) => value,
        _ => text,
    };
    let value = value.strip_prefix('&').unwrap_or(value);
    let path = value.strip_suffix("()").unwrap_or(value);
    path.split("::").all(is_word)
}

/// A type's head and its generic arguments (`Option` and `[String]` for `Option<String>`;
/// `BTreeMap` and `[String, Value]` for `BTreeMap<String, Value>`), as [`type_text`] writes
/// them; `None` for a type without them.
fn generic_arguments(ty: &str) -> Option<(&str, Vec<&str>)> {
    let open = ty.find('<')?;
    let inner = ty.strip_suffix('>')?.get(open + 1..)?;
    let mut arguments = Vec::new();
    let (mut depth, mut start) = (0usize, 0);
    for (index, byte) in inner.bytes().enumerate() {
        match byte {
            b'<' => depth += 1,
            b'>' => depth = depth.checked_sub(1)?,
            b',' if depth == 0 => {
                arguments.push(inner[start..index].trim());
                start = index + 1;
            }
            _ => {}
        }
    }
    arguments.push(inner[start..].trim());
    Some((&ty[..open], arguments))
}

/// A type's tokens (`Option<crate::Expandable<super::customer::Customer>>`) as prettyplease
/// prints them on one line; `None` for tokens other than paths and generic arguments.
pub(super) fn type_text(tokens: TokenStream) -> Option<String> {
    let mut text = String::new();
    let mut after_ident = false;
    for token in tokens {
        match token {
            TokenTree::Ident(ident) => {
                // Two words in a row (`impl Trait`, `dyn Trait`) are laid out otherwise.
                if after_ident {
                    return None;
                }
                text.push_str(&ident.to_string());
                after_ident = true;
            }
            TokenTree::Punct(punct) => {
                match punct.as_char() {
                    ',' => text.push_str(", "),
                    character @ (':' | '<' | '>') => text.push(character),
                    _ => return None,
                }
                after_ident = false;
            }
            TokenTree::Group(_) | TokenTree::Literal(_) => return None,
        }
    }
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::{Item, has_nowhere_to_break};

    #[test]
    fn only_plain_paths_references_and_empty_calls_have_nowhere_to_break() {
        for whole in [
            "crate::customer::Customer",
            "params: &crate::customer::CustomerCreateParams",
            "&crate::subscription::CustomerSubscriptionRetrieveParams::default()",
            "customer",
        ] {
            assert!(has_nowhere_to_break(whole), "{whole}");
        }
        for breakable in [
            "crate::List<crate::customer::Customer>",
            "self.async_client().get_customers_stream(params)",
            "&crate::Params::new(id)",
            "(\"name\", &self.name)",
            "",
        ] {
            assert!(!has_nowhere_to_break(breakable), "{breakable}");
        }
    }

    #[test]
    fn a_literal_macro_call_breaks_around_its_literal_past_89_columns() {
        let literal = format!("\"{}\"", "a".repeat(78));
        let mut item = Item::new();
        // 2 + "format!(" + 80 + ")" = 91 columns: broken.
        item.literal_macro_call(2, "format", &literal);
        // 0 + 8 + 80 + 1 = 89 columns: whole.
        item.literal_macro_call(0, "format", &literal);
        assert_eq!(
            item.finish().as_deref(),
            Some(format!("  format!(\n      {literal}\n  )\nformat!({literal})\n").as_str())
        );
    }
}
