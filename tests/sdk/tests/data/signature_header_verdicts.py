#!/usr/bin/env python3
"""Records how stripe-python 16.1.0 reads `Stripe-Signature` headers, for tests/webhook.rs.

Each case is a header template over one signed payload; stripe-python's own
`WebhookSignature.verify_header` (with no age check) gives the verdict. tests/webhook.rs checks
that `stripe_sdk::Webhook::verify_signature` reaches the same verdict on every case, except the
ones it marks as documented differences. The output is checked in; regenerate it (it is
deterministic) with

    python3 -m venv /tmp/stripe-python && /tmp/stripe-python/bin/pip install stripe==16.1.0
    /tmp/stripe-python/bin/python tests/sdk/tests/data/signature_header_verdicts.py \
        > tests/sdk/tests/data/signature_header_verdicts.json

Placeholders: {t} the signing timestamp, {sig} the valid signature, {bad} a signature of the
same length that matches nothing, {t1} the timestamp plus one.
"""

import json

import stripe
from stripe import WebhookSignature

SECRET = "whsec_header_table"
T = 1765000000
PAYLOAD = '{"id":"evt_header_table","object":"event","type":"customer.created"}'

CASES = [
    "t={t},v1={sig}",
    "v1={sig},t={t}",
    "t={t},v1={bad},v1={sig}",
    "t={t},v0={bad},v1={sig}",
    "t={t},v1={sig},garbage",
    "t={t},v1={sig},x=y=z",
    "t={t},v1={bad}",
    "t={t}",
    "v1={sig}",
    "",
    " ",
    "t={t}, v1={sig}",
    "t={t} ,v1={sig}",
    "t = {t}, v1 = {sig}",
    " t={t},v1={sig}",
    "t={t},v1={sig} ",
    "t={t},v1= {sig}",
    "t= {t},v1={sig}",
    "T={t},v1={sig}",
    "t={t},V1={sig}",
    "t={t},v1={SIG}",
    "t=+{t},v1={sig}",
    "t=0{t},v1={sig}",
    "t={t}.0,v1={sig}",
    "t=abc,v1={sig}",
    "t=,v1={sig}",
    "t={t},v1=",
    "t={t},v1={sig}=x",
    "t={t},v1={sig},,",
    ",t={t},v1={sig}",
    "t={t};v1={sig}",
    "t={t},v1={sig};",
    "t=1,v1={sig},t={t}",
    "t={t},v1={sig},t=1",
    "t={t1},v1={sig}",
    "t,t={t},v1={sig}",
    "t={t},v1,v1={sig}",
    "t=1_765_000_000,v1={sig}",
    "t=99999999999999999999,v1={sig}",
]


def main():
    sig = WebhookSignature._compute_signature("%d.%s" % (T, PAYLOAD), SECRET)
    bad = "0" * len(sig)
    cases = []
    for template in CASES:
        header = template.format(t=T, t1=T + 1, sig=sig, SIG=sig.upper(), bad=bad)
        try:
            WebhookSignature.verify_header(PAYLOAD, header, SECRET, tolerance=None)
            verdict = "accept"
        except stripe.SignatureVerificationError:
            verdict = "refuse"
        cases.append({"template": template, "header": header, "stripe_python": verdict})
    print(
        json.dumps(
            {
                "generated_by": "stripe-python %s: tests/sdk/tests/data/signature_header_verdicts.py"
                % stripe.VERSION,
                "secret": SECRET,
                "timestamp": T,
                "payload": PAYLOAD,
                "cases": cases,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
