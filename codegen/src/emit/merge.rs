//! Runs of items written as text joined into one placeholder: each item written as text is a
//! placeholder attribute on an empty item that carries it, usually behind its own
//! `#[cfg(feature = "..")]`, a dozen and a half tokens that syn parses and prettyplease prints
//! only for [`SetAside::restore`] to replace them. Where such items follow one another, the
//! first one's text takes the others' (each with its gate written as text, as prettyplease
//! prints a short `cfg`), and only its placeholder and carrier are left in the tokens.

use super::text::SURE_FIT;
use super::{SetAside, SetAsideText};
use proc_macro2::{Delimiter, Group, Punct, Spacing, TokenStream, TokenTree};

/// [`PLACEHOLDER`](super::PLACEHOLDER) as a string literal writes it (escaped, being a
/// private-use character).
const PLACEHOLDER_ESCAPED: &str = "\\u{e000}";

/// How many token trees an item placeholder and its carrier take: `#`, `[doc = ".."]`, and
/// `const _: () = ();`.
const UNIT_TREES: usize = 9;

impl SetAside {
    /// `tokens` with every run of items written as text (at the top level, and in the braces
    /// of modules and impl blocks) joined into its first item's placeholder.
    pub(super) fn merge_runs(&mut self, tokens: TokenStream) -> TokenStream {
        self.merge_in(tokens, 0)
    }

    /// [`SetAside::merge_runs`] for the items at `indent`. The trees are moved from the input
    /// to the output, never copied: a copied identifier or literal is an allocation, and a
    /// file has tens of thousands of them.
    fn merge_in(&mut self, tokens: TokenStream, indent: usize) -> TokenStream {
        let mut trees: Vec<TokenTree> = tokens.into_iter().collect();
        let mut merged: Vec<TokenTree> = Vec::with_capacity(trees.len());
        // The item written as text that the following ones may join, by its index.
        let mut open: Option<usize> = None;
        // Whether the item being read so far is a module or an impl block, whose braces hold
        // items.
        let mut holds_items = false;
        let mut at = 0;
        // What a tree moved out of `trees` leaves behind; only trees after `at` are read.
        let moved = || TokenTree::Punct(Punct::new(';', Spacing::Alone));
        while at < trees.len() {
            if let Some(head) = open {
                let gate = simple_gate(&trees[at..]);
                let unit_at = at + if gate.is_some() { 2 } else { 0 };
                if let Some(index) = self.item_placeholder(&trees[unit_at..], indent)
                    && self.join(head, index, gate.as_deref(), indent)
                {
                    at = unit_at + UNIT_TREES;
                    continue;
                }
            }
            if let Some(index) = self.item_placeholder(&trees[at..], indent) {
                open = Some(index);
                for tree in &mut trees[at..at + UNIT_TREES] {
                    merged.push(std::mem::replace(tree, moved()));
                }
                at += UNIT_TREES;
                continue;
            }
            open = None;
            let tree = std::mem::replace(&mut trees[at], moved());
            holds_items = match &tree {
                TokenTree::Ident(word) => {
                    if word == "impl" || word == "mod" {
                        true
                    } else {
                        holds_items && word != "fn"
                    }
                }
                // Only the braces of a module or an impl block hold items: a function's body,
                // a struct's fields and the rest are moved as they are, without a look inside.
                TokenTree::Group(group) if group.delimiter() == Delimiter::Brace && holds_items => {
                    let (span, stream) = (group.span(), group.stream());
                    // The group's own handle on its trees goes first, so that they are moved.
                    drop(tree);
                    let mut inner = Group::new(Delimiter::Brace, self.merge_in(stream, indent + 4));
                    inner.set_span(span);
                    merged.push(TokenTree::Group(inner));
                    at += 1;
                    holds_items = false;
                    continue;
                }
                TokenTree::Group(group) => holds_items && group.delimiter() != Delimiter::Brace,
                TokenTree::Punct(punct) => holds_items && punct.as_char() != ';',
                TokenTree::Literal(_) => holds_items,
            };
            merged.push(tree);
            at += 1;
        }
        merged.into_iter().collect()
    }

    /// The index of the item written as text for `indent` whose placeholder and carrier
    /// `trees` start with.
    fn item_placeholder(&self, trees: &[TokenTree], indent: usize) -> Option<usize> {
        let [
            TokenTree::Punct(pound),
            TokenTree::Group(attribute),
            TokenTree::Ident(keyword),
            TokenTree::Ident(underscore),
            TokenTree::Punct(colon),
            TokenTree::Group(unit_type),
            TokenTree::Punct(equals),
            TokenTree::Group(unit_value),
            TokenTree::Punct(semicolon),
            ..,
        ] = trees
        else {
            return None;
        };
        let carrier = pound.as_char() == '#'
            && attribute.delimiter() == Delimiter::Bracket
            && keyword == "const"
            && underscore == "_"
            && colon.as_char() == ':'
            && unit_type.delimiter() == Delimiter::Parenthesis
            && unit_type.stream().is_empty()
            && equals.as_char() == '='
            && unit_value.delimiter() == Delimiter::Parenthesis
            && unit_value.stream().is_empty()
            && semicolon.as_char() == ';';
        if !carrier {
            return None;
        }
        let mut inside = attribute.stream().into_iter();
        let (
            Some(TokenTree::Ident(doc)),
            Some(TokenTree::Punct(_)),
            Some(TokenTree::Literal(value)),
        ) = (inside.next(), inside.next(), inside.next())
        else {
            return None;
        };
        if doc != "doc" {
            return None;
        }
        // The literal as written: the placeholder character escaped, then the index.
        let value = value.to_string();
        let index: usize = value
            .strip_prefix('"')?
            .strip_suffix('"')?
            .strip_prefix(PLACEHOLDER_ESCAPED)?
            .parse()
            .ok()?;
        match self.texts.get(index)? {
            SetAsideText::Item { indent: column, .. } if *column == indent => Some(index),
            _ => None,
        }
    }

    /// Appends the item `index` (with its gate, `#[cfg(feature = gate)]`) to the item `head`,
    /// unless the gate's line would be too long to be sure of.
    fn join(&mut self, head: usize, index: usize, gate: Option<&str>, indent: usize) -> bool {
        let gate_line = gate.map(|feature| format!("#[cfg(feature = {feature})]\n"));
        if gate_line
            .as_ref()
            .is_some_and(|line| indent + line.len() - 1 > SURE_FIT)
        {
            return false;
        }
        let joined = match &mut self.texts[index] {
            SetAsideText::Item { text, .. } => std::mem::take(text),
            _ => return false,
        };
        let SetAsideText::Item { text, .. } = &mut self.texts[head] else {
            return false;
        };
        if let Some(line) = gate_line {
            text.push_str(&line);
        }
        text.push_str(&joined);
        true
    }
}

/// The feature literal (`"customer"`, as written) of a `#[cfg(feature = "customer")]` that
/// `trees` start with.
fn simple_gate(trees: &[TokenTree]) -> Option<String> {
    let [TokenTree::Punct(pound), TokenTree::Group(attribute), ..] = trees else {
        return None;
    };
    if pound.as_char() != '#' || attribute.delimiter() != Delimiter::Bracket {
        return None;
    }
    let mut inside = attribute.stream().into_iter();
    let (Some(TokenTree::Ident(cfg)), Some(TokenTree::Group(predicate)), None) =
        (inside.next(), inside.next(), inside.next())
    else {
        return None;
    };
    if cfg != "cfg" || predicate.delimiter() != Delimiter::Parenthesis {
        return None;
    }
    let mut predicate = predicate.stream().into_iter();
    let (
        Some(TokenTree::Ident(feature)),
        Some(TokenTree::Punct(equals)),
        Some(TokenTree::Literal(name)),
        None,
    ) = (
        predicate.next(),
        predicate.next(),
        predicate.next(),
        predicate.next(),
    )
    else {
        return None;
    };
    (feature == "feature" && equals.as_char() == '=').then(|| name.to_string())
}

#[cfg(test)]
mod tests {
    use super::PLACEHOLDER_ESCAPED;
    use crate::emit::PLACEHOLDER;

    #[test]
    fn the_escaped_placeholder_is_how_a_literal_writes_it() {
        let literal = proc_macro2::Literal::string(&format!("{PLACEHOLDER}7")).to_string();
        assert_eq!(literal, format!("\"{PLACEHOLDER_ESCAPED}7\""));
    }
}
