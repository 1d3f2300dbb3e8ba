"""stripe-python (PyPI `stripe`, pinned in scripts/fake-tests) against the stripe-sdk-fake binary.

Run by scripts/fake-tests with STRIPE_FAKE_URL set to the binary's base URL: a customer is
created, retrieved, updated, listed and deleted through the official library, one error of
each kind the fake answers comes back as the library's own exception class, a declined test
card is the library's `CardError`, and a webhook delivery to a receiver on 127.0.0.1 verifies
with the library's own `stripe.Webhook.construct_event`.
"""

import http.server
import json
import os
import queue
import sys
import threading
import unittest
import urllib.error
import urllib.request

import stripe

URL = os.environ["STRIPE_FAKE_URL"]
KEY = "sk_test_python_against_the_fake"


class FakeStripeFromPython(unittest.TestCase):
    def setUp(self):
        stripe.api_key = KEY
        stripe.api_base = URL
        stripe.max_network_retries = 0
        # Errors must come from the fake's answers, never from a retry or the network.
        stripe.enable_telemetry = False

    def test_customer_lifecycle(self):
        customer = stripe.Customer.create(
            email="jenny@example.com",
            metadata={"order id": "ünï cødé & co", "tier": "gold"},
        )
        self.assertTrue(customer.id.startswith("cus_"), customer.id)
        self.assertEqual(customer.email, "jenny@example.com")
        self.assertEqual(customer.metadata["order id"], "ünï cødé & co")

        fetched = stripe.Customer.retrieve(customer.id)
        self.assertEqual(fetched.id, customer.id)

        updated = stripe.Customer.modify(
            customer.id, name="Jenny Rosen", metadata={"tier": ""}
        )
        self.assertEqual(updated.name, "Jenny Rosen")
        self.assertNotIn("tier", updated.metadata)
        self.assertEqual(updated.metadata["order id"], "ünï cødé & co")

        second = stripe.Customer.create(email="other@example.com")
        page = stripe.Customer.list(limit=1)
        self.assertEqual([c.id for c in page.data], [second.id])
        self.assertTrue(page.has_more)
        everything = [c.id for c in stripe.Customer.list(limit=1).auto_paging_iter()]
        self.assertEqual(everything, [second.id, customer.id])
        self.assertEqual(
            [c.id for c in stripe.Customer.list(email="jenny@example.com").data],
            [customer.id],
        )

        deleted = stripe.Customer.delete(customer.id)
        self.assertTrue(deleted.deleted)
        with self.assertRaises(stripe.InvalidRequestError) as caught:
            stripe.Customer.retrieve(customer.id)
        self.assertEqual(caught.exception.http_status, 404)
        self.assertEqual(caught.exception.code, "resource_missing")

    def test_unknown_parameter(self):
        with self.assertRaises(stripe.InvalidRequestError) as caught:
            stripe.Customer.create(
                shipping={"name": "J", "address": {"line1": "1 Main", "line9": "x"}}
            )
        self.assertEqual(caught.exception.http_status, 400)
        self.assertEqual(caught.exception.code, "parameter_unknown")
        self.assertEqual(caught.exception.param, "shipping[address][line9]")

    def test_value_outside_an_enum(self):
        with self.assertRaises(stripe.InvalidRequestError) as caught:
            stripe.Customer.create(tax_exempt="sometimes")
        self.assertEqual(caught.exception.http_status, 400)
        self.assertEqual(caught.exception.param, "tax_exempt")

    def test_invalid_value(self):
        with self.assertRaises(stripe.InvalidRequestError) as caught:
            stripe.Customer.create(balance="lots")
        self.assertEqual(caught.exception.code, "parameter_invalid_integer")
        self.assertEqual(caught.exception.param, "balance")
        with self.assertRaises(stripe.InvalidRequestError) as caught:
            stripe.Customer.create(description="é" * 5001)
        self.assertEqual(caught.exception.param, "description")

    def test_missing_parameter(self):
        with self.assertRaises(stripe.InvalidRequestError) as caught:
            stripe.PaymentIntent.create(currency="usd")
        self.assertEqual(caught.exception.http_status, 400)
        self.assertEqual(caught.exception.code, "parameter_missing")
        self.assertEqual(caught.exception.param, "amount")

    def test_authentication(self):
        with self.assertRaises(stripe.AuthenticationError) as caught:
            stripe.Customer.list(api_key="sk_live_not_a_test_key")
        self.assertEqual(caught.exception.http_status, 401)

    def test_idempotency(self):
        first = stripe.Customer.create(email="a@example.com", idempotency_key="py-key")
        again = stripe.Customer.create(email="a@example.com", idempotency_key="py-key")
        self.assertEqual(first.id, again.id)
        with self.assertRaises(stripe.IdempotencyError):
            stripe.Customer.create(email="b@example.com", idempotency_key="py-key")

    def test_unknown_path(self):
        request = urllib.request.Request(
            URL + "/v1/nothing_here", headers={"Authorization": "Bearer " + KEY}
        )
        with self.assertRaises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(request)
        self.assertEqual(caught.exception.code, 404)
        body = json.loads(caught.exception.read())
        self.assertEqual(body["error"]["type"], "invalid_request_error")

    def test_declined_card(self):
        intent = stripe.PaymentIntent.create(amount=1500, currency="usd")
        self.assertEqual(intent.status, "requires_payment_method")
        with self.assertRaises(stripe.CardError) as caught:
            stripe.PaymentIntent.confirm(intent.id, payment_method="pm_card_chargeDeclined")
        self.assertEqual(caught.exception.http_status, 402)
        self.assertEqual(caught.exception.code, "card_declined")
        self.assertEqual(caught.exception.error.decline_code, "generic_decline")
        paid = stripe.PaymentIntent.confirm(intent.id, payment_method="pm_card_visa")
        self.assertEqual(paid.status, "succeeded")

    def test_webhook_delivery_verifies_with_stripe_python(self):
        received = queue.Queue()

        class Receiver(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                received.put((self.headers.get("Stripe-Signature", ""), body))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        server = http.server.HTTPServer(("127.0.0.1", 0), Receiver)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            url = "http://127.0.0.1:%d/webhook" % server.server_address[1]
            endpoint = stripe.WebhookEndpoint.create(url=url, enabled_events=["customer.created"])
            self.assertTrue(endpoint.secret.startswith("whsec_"), endpoint.secret)
            customer = stripe.Customer.create(email="hook@example.com")
            signature, body = received.get(timeout=10)
            event = stripe.Webhook.construct_event(body.decode("utf-8"), signature, endpoint.secret)
            self.assertEqual(event.type, "customer.created")
            self.assertEqual(event.data.object.id, customer.id)
            with self.assertRaises(stripe.SignatureVerificationError):
                stripe.Webhook.construct_event(body.decode("utf-8"), signature, "whsec_wrong")
        finally:
            server.shutdown()
            server.server_close()


if __name__ == "__main__":
    result = unittest.main(exit=False, verbosity=2).result
    sys.exit(0 if result.wasSuccessful() else 1)
