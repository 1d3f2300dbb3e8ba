//! The form encoder against stripe-python, byte for byte: every case of a generated corpus of
//! nested params (brackets, spaces, `+`, `&`, `=`, non-ASCII and emoji, empty strings, nested
//! arrays of objects, maps, booleans, integers) must encode to exactly the body stripe-python
//! built for it.
//!
//! The expected bodies were recorded from stripe-python's own request builder by
//! `tests/data/form_corpus/make_expected.py`, whose header has the command that regenerates
//! them; this test needs no Python.

use serde_json::Value;
use stripe_sdk::form::to_form_string;

const CORPUS: &str = include_str!("data/form_corpus/corpus.json");
const EXPECTED: &str = include_str!("data/form_corpus/expected.json");

#[test]
fn the_encoder_matches_stripe_python_byte_for_byte() {
    let cases: Vec<Value> = serde_json::from_str(CORPUS).expect("corpus.json is a JSON array");
    let expected: Value = serde_json::from_str(EXPECTED).expect("expected.json is JSON");
    let bodies: Vec<&str> = expected["bodies"]
        .as_array()
        .expect("expected.json has `bodies`")
        .iter()
        .map(|body| body.as_str().expect("each body is a string"))
        .collect();
    assert_eq!(cases.len(), bodies.len(), "one expected body per case");
    assert!(cases.len() > 300, "the corpus has {} cases", cases.len());

    let mut mismatches = Vec::new();
    for (index, (case, python)) in cases.iter().zip(&bodies).enumerate() {
        let ours = to_form_string(case).expect("every corpus case is encodable");
        if ours != *python {
            mismatches.push(format!(
                "case {index}: {case}\n  stripe-python: {python}\n  stripe_sdk:    {ours}"
            ));
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} of {} cases differ from stripe-python {}:\n{}",
        mismatches.len(),
        cases.len(),
        expected["stripe_python"],
        mismatches.join("\n")
    );
}

/// The corpus really holds what it is meant to test; a regenerated corpus that lost a kind
/// of value would otherwise still pass.
#[test]
fn the_corpus_covers_every_kind_of_value() {
    let bodies = EXPECTED;
    for (what, needle) in [
        ("a literal bracket in a value or key", "=[x]"),
        ("a space", "+"),
        ("an encoded plus", "%2B"),
        ("an encoded ampersand", "%26"),
        ("an encoded equals sign", "%3D"),
        ("non-ASCII", "%C3%A9"),
        ("an emoji", "%F0%9F%98%80"),
        ("an empty string", "=&"),
        ("an array of objects", "items[1][tax_rates][0]=txr_1"),
        ("a nested array", "[c][0][1]=2"),
        ("a map with a bracketed key", "metadata[a[b]]="),
        ("a boolean", "=true"),
        ("a negative integer", "=-"),
    ] {
        assert!(bodies.contains(needle), "no case has {what} (`{needle}`)");
    }
}
