"""Records how stripe-python form-encodes a generated corpus of nested params.

Writes, next to this script:
  corpus.json    the params, one JSON object per case (keys sorted, so that serde_json reads
                 them in the same order whether or not its `preserve_order` feature is on);
  expected.json  the stripe-python version and, per case, the exact request body that
                 stripe-python's own request builder produced for a POST with those params.

tests/sdk/tests/form_corpus.rs encodes corpus.json with stripe_sdk's form encoder and compares
the bytes with expected.json; that test needs no Python.

Regenerate (from the repository root; the version pin keeps the recorded bytes reproducible):

    python3 -m venv /tmp/stripe-python && /tmp/stripe-python/bin/pip install stripe==16.1.0 \
        && /tmp/stripe-python/bin/python tests/sdk/tests/data/form_corpus/make_expected.py

The body comes from stripe-python's `_APIRequestor._args_for_request_with_retries`, the
function that builds every request it sends (`_api_encode`, then `urlencode`, then `%5B`/`%5D`
turned back into brackets); nothing of the encoding is re-implemented here.

The corpus leaves out, on purpose, the values where stripe-python's bytes come from Python
rather than from the encoding, and where the SDK deliberately differs (see the module docs of
generated/types/src/form.rs): floats (Python's `str` writes `2.5e-07`), and booleans or nulls
directly inside an array (stripe-python sends `True` and `None` there).
"""

import json
import pathlib
import platform
import random

import stripe
from stripe._api_requestor import _APIRequestor

HERE = pathlib.Path(__file__).resolve().parent
SEED = 12
RANDOM_CASES = 300

# Pieces that strings are built from: each character class the encoder treats differently.
PIECES = [
    "a", "Z", "9", "tml_123", "_", ".", "-", "~",
    " ", "+", "&", "=", "[", "]", "[x]", "%", "%5B", "%5D", "/", "?", "#", ";", ",", ":",
    "\"", "'", "\\", "*", "!", "(", ")", "@", "$", "^", "|", "<", ">", "{", "}", "`",
    "\n", "\t", "\r",
    "é", "ü", "ß", "日本語", "Ω", "\u00a0", "\u200b",
    "\U0001F600", "\U0001F469\u200d\U0001F4BB", "\U0001F1FA\U0001F1F8",
]
FIELD_NAMES = ["expand", "location", "metadata", "items", "price", "quantity", "tax_rates",
               "description", "capture", "amount", "address", "line1", "tiers", "up_to", "name"]


def text(rng):
    """A string of up to six pieces; one in eight is empty (Stripe's way of unsetting)."""
    if rng.random() < 0.125:
        return ""
    return "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 6)))


def integer(rng):
    return rng.choice([0, 1, -1, 7, 100, 2**31, -(2**53), 2**63 - 1, rng.randint(-10**6, 10**6)])


def scalar(rng, in_array):
    """A string or integer; a boolean only outside arrays (see the module docstring)."""
    kinds = ["text", "text", "integer"] + ([] if in_array else ["boolean"])
    kind = rng.choice(kinds)
    if kind == "text":
        return text(rng)
    if kind == "integer":
        return integer(rng)
    return rng.choice([True, False])


def value(rng, depth, in_array=False):
    """A value of any shape Stripe's params take, nesting at most `depth` more levels."""
    kinds = ["scalar", "scalar"]
    if depth > 0:
        kinds += ["object", "metadata", "array_of_scalars", "array_of_objects", "array_of_arrays"]
    if not in_array:
        kinds.append("null")
    kind = rng.choice(kinds)
    if kind == "scalar":
        return scalar(rng, in_array)
    if kind == "null":
        return None
    if kind == "object":
        return obj(rng, depth - 1)
    if kind == "metadata":
        # Map keys are the user's own: any characters, brackets and spaces included.
        return {text(rng): text(rng) for _ in range(rng.randint(0, 4))}
    length = rng.randint(0, 3)
    if kind == "array_of_scalars":
        return [scalar(rng, True) for _ in range(length)]
    if kind == "array_of_objects":
        return [obj(rng, depth - 1) for _ in range(length)]
    return [[scalar(rng, True) for _ in range(rng.randint(0, 3))] for _ in range(length)]


def obj(rng, depth):
    return {rng.choice(FIELD_NAMES): value(rng, depth) for _ in range(rng.randint(0, 4))}


def hand_picked():
    """The cases the SDK's own docs and tests name, so they are always in the corpus."""
    return [
        {},
        {"expand": ["a", "b"], "location": "tml_123"},
        {"location": ""},
        {"v": "[x]"},
        {"k": "AZaz09_.-~", "space": "a b", "plus": "a+b", "amp": "a&b", "eq": "a=b"},
        {"description": "hello world+1/2?=", "metadata": {"order id": "ünï cødé & co"}},
        {"emoji": "\U0001F600 \U0001F469\u200d\U0001F4BB", "cjk": "日本語"},
        {"metadata": {"": "x", "k": "", "a[b]": "][", "%5B": "%5D"}},
        {"items": [{"price": "price_1", "quantity": 2},
                   {"price": "price_2", "tax_rates": ["txr_1", "txr_2"]}],
         "capture": True},
        {"a": {"b": {"c": [[1, 2], []]}}, "flag": False, "none": None},
        {"tiers": [{"up_to": 10, "unit_amount": 500}, {"up_to": "inf", "unit_amount": 0}]},
        {"empty_list": [], "empty_object": {}, "n": -9007199254740992},
    ]


def body(requestor, params):
    """The body stripe-python builds for a POST of `params` (no request is sent)."""
    args = requestor._args_for_request_with_retries(
        "post",
        "/v1/form_corpus",
        params,
        {"api_key": "sk_test_form_corpus"},
        base_address="api",
        api_mode="V1",
    )
    post_data = args[3]
    if isinstance(post_data, bytes):
        post_data = post_data.decode("ascii")
    return post_data


def main():
    rng = random.Random(SEED)
    cases = hand_picked() + [obj(rng, 3) for _ in range(RANDOM_CASES)]
    # Sorting the keys here, and encoding what is read back, makes the order stripe-python
    # walks the same as the order serde_json hands to the SDK.
    corpus_text = json.dumps(cases, ensure_ascii=False, sort_keys=True, indent=1) + "\n"
    cases = json.loads(corpus_text)
    requestor = _APIRequestor()
    expected = {
        "stripe_python": stripe.VERSION,
        "python": platform.python_version(),
        "bodies": [body(requestor, case) for case in cases],
    }
    (HERE / "corpus.json").write_text(corpus_text, encoding="utf-8")
    (HERE / "expected.json").write_text(json.dumps(expected, indent=1) + "\n", encoding="ascii")
    print(f"{len(cases)} cases encoded with stripe-python {stripe.VERSION}")


if __name__ == "__main__":
    main()
