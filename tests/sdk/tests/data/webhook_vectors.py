#!/usr/bin/env python3
"""Webhook signature test vectors, computed with Python's own hmac and hashlib modules.

They are an implementation independent of the Rust crate under test: tests/webhook.rs checks
that stripe_sdk::Webhook accepts exactly these signatures and produces the same headers. The
output is checked in; regenerate it (it is deterministic) with

    python3 tests/sdk/tests/data/webhook_vectors.py > tests/sdk/tests/data/webhook_vectors.json

The signing rule is Stripe's: HMAC-SHA256 keyed with the whole secret as UTF-8 bytes, over
"<timestamp>.<payload>", in lower-case hex.
"""

import hashlib
import hmac
import json

CASES = [
    {
        "name": "event",
        "secret": "whsec_test_secret",
        "timestamp": 1700000000,
        "payload": '{"id":"evt_1","object":"event","type":"terminal.reader.action_succeeded",'
        '"data":{"object":{"id":"tmr_1","object":"terminal.reader","action":'
        '{"type":"process_payment_intent","status":"succeeded"}}}}',
    },
    {
        "name": "pretty-printed event",
        "secret": "whsec_plJ3ryd2cBhYw8Qm6Rl3BFKa1yHexXWR",
        "timestamp": 1492774577,
        "payload": '{\n  "id": "evt_test_webhook",\n  "object": "event"\n}',
    },
    {
        "name": "non-ASCII payload",
        "secret": "whsec_test_secret",
        "timestamp": 1700000123,
        "payload": '{"id":"evt_2","object":"event","data":{"object":{"description":"caf\u00e9 \u2615 \U0001f600"}}}',
    },
    {
        "name": "empty payload",
        "secret": "whsec_test_secret",
        "timestamp": 1700000000,
        "payload": "",
    },
    {
        "name": "second secret during a roll",
        "secret": "whsec_rolled_secret_2",
        "timestamp": 1700000000,
        "payload": '{"id":"evt_1","object":"event","type":"terminal.reader.action_succeeded",'
        '"data":{"object":{"id":"tmr_1","object":"terminal.reader","action":'
        '{"type":"process_payment_intent","status":"succeeded"}}}}',
    },
    {
        "name": "zero timestamp",
        "secret": "whsec_test_secret",
        "timestamp": 0,
        "payload": "{}",
    },
]


def sign(secret: str, timestamp: int, payload: str) -> str:
    signed = f"{timestamp}.{payload}".encode("utf-8")
    return hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).hexdigest()


def main() -> None:
    vectors = []
    for case in CASES:
        signature = sign(case["secret"], case["timestamp"], case["payload"])
        vectors.append(
            {
                **case,
                "signature": signature,
                "header": f"t={case['timestamp']},v1={signature}",
            }
        )
    print(json.dumps({"generated_by": "python3 tests/sdk/tests/data/webhook_vectors.py",
                      "vectors": vectors}, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
