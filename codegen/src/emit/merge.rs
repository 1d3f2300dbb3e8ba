//! Runs of items written as text joined into one placeholder: each item written as text is a
//! placeholder attribute on an empty item that carries it, usually behind its own
//! `#[cfg(feature = "..")]`, a dozen and a half tokens that syn parses and prettyplease prints
//! only for [`SetAside::restore`] to replace them. Where such items follow one another, the
//! first one's text takes the others' (each with its gate written as text, as prettyplease
//! prints a short `cfg`), and only its placeholder and carrier are left in the tokens.

use super::text::SURE_FIT;
use super::{PLACEHOLDER, SetAside, SetAsideText};
use proc_macro2::{Delimiter, Group, TokenStream, TokenTree};

/// How many token trees an item placeholder and its carrier take: `#`, `[doc = ".."]`, and
/// `const _: () = ();`.
const UNIT_TREES: usize = 9;

impl SetAside {
    /// `tokens` with every run of items written as text (at the top level, and in the braces
    /// of modules and impl blocks) joined into its first item's placeholder.
    pub(super) fn merge_runs(&mut self, tokens: TokenStream) -> TokenStream {
        self.merge_in(tokens, 0).unwrap_or_else(|tokens| tokens)
    }

    /// `Ok` with the merged tokens when something was joined at `indent` or in a brace group
    /// within, `Err` with the tokens as they were otherwise.
    fn merge_in(&mut self, tokens: TokenStream, indent: usize) -> Result<TokenStream, TokenStream> {
        let trees: Vec<TokenTree> = tokens.into_iter().collect();
        let mut merged: Vec<TokenTree> = Vec::with_capacity(trees.len());
        let mut changed = false;
        // The item written as text that the following ones may join, by its index.
        let mut open: Option<usize> = None;
        // Whether the item being read so far is a module or an impl block, whose braces hold
        // items.
        let mut holds_items = false;
        let mut at = 0;
        while at < trees.len() {
            if let Some(head) = open {
                let gate = simple_gate(&trees[at..]);
                let unit_at = at + if gate.is_some() { 2 } else { 0 };
                if let Some(index) = self.item_placeholder(&trees[unit_at..], indent)
                    && self.join(head, index, gate.as_deref(), indent)
                {
                    at = unit_at + UNIT_TREES;
                    changed = true;
                    continue;
                }
            }
            if let Some(index) = self.item_placeholder(&trees[at..], indent) {
                open = Some(index);
                merged.extend_from_slice(&trees[at..at + UNIT_TREES]);
                at += UNIT_TREES;
                continue;
            }
            open = None;
            let tree = &trees[at];
            match tree {
                // Only the braces of a module or an impl block hold items: a function's body,
                // a struct's fields and the rest are copied as they are, without a look inside.
                TokenTree::Group(group) if group.delimiter() == Delimiter::Brace && holds_items => {
                    match self.merge_in(group.stream(), indent + 4) {
                        Ok(stream) => {
                            let mut inner = Group::new(Delimiter::Brace, stream);
                            inner.set_span(group.span());
                            merged.push(TokenTree::Group(inner));
                            changed = true;
                        }
                        Err(_) => merged.push(tree.clone()),
                    }
                }
                _ => merged.push(tree.clone()),
            }
            holds_items = match tree {
                TokenTree::Ident(word) => {
                    if word == "impl" || word == "mod" {
                        true
                    } else {
                        holds_items && word != "fn"
                    }
                }
                TokenTree::Group(group) => holds_items && group.delimiter() != Delimiter::Brace,
                TokenTree::Punct(punct) => holds_items && punct.as_char() != ';',
                TokenTree::Literal(_) => holds_items,
            };
            at += 1;
        }
        if changed {
            Ok(merged.into_iter().collect())
        } else {
            Err(trees.into_iter().collect())
        }
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
        let escaped = PLACEHOLDER.escape_debug().to_string();
        let index: usize = value
            .strip_prefix('"')?
            .strip_suffix('"')?
            .strip_prefix(escaped.as_str())?
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
