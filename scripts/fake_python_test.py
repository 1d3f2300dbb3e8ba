"""stripe-python (PyPI `stripe`, pinned in scripts/fake-tests) against the stripe-sdk-fake binary.

Also the wire reading of issue 27: every field of a new object present, `True` as a boolean
and Basic auth (sent raw, as other clients send them), a deleted customer retrieved as its
stub, and search results auto-paged through `next_page`.

Run by scripts/fake-tests with STRIPE_FAKE_URL set to the binary's base URL: a customer is
created, retrieved, updated, listed and deleted through the official library, one error of
each kind the fake answers comes back as the library's own exception class, payment intents
follow the test cards and the status rules (a declined card is the library's `CardError`, a
manual capture, a cancel after success refused), a simulated Terminal reader processes a
payment until the library's own test helper presents a card, and webhook deliveries to
receivers on 127.0.0.1 verify with the library's own `stripe.Webhook.construct_event`: to an
endpoint created through the API, and to the URL the binary was started with (`--webhook`,
STRIPE_FAKE_WEBHOOK_PORT), which receives every event from the start.
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
# The binary's `--webhook` URL listens here, signed with the binary's default secret.
FLAG_WEBHOOK_PORT = int(os.environ["STRIPE_FAKE_WEBHOOK_PORT"])
FLAG_WEBHOOK_SECRET = "whsec_stripe_sdk_fake"


def start_receiver(port, received):
    """An HTTP server on 127.0.0.1:`port` (0 for any) putting (signature, body) on `received`."""

    class Receiver(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            received.put((self.headers.get("Stripe-Signature", ""), body))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", port), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


# Every event the binary records goes to its `--webhook` URL, from the first request on: the
# receiver is up before any test runs, so that no delivery waits for a retry.
FLAG_RECEIVED = queue.Queue()
FLAG_SERVER = start_receiver(FLAG_WEBHOOK_PORT, FLAG_RECEIVED)


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
        # Retrieved, it is its deleted stub (test_a_deleted_customer_is_retrieved_as_its_stub);
        # changed, it is missing.
        with self.assertRaises(stripe.InvalidRequestError) as caught:
            stripe.Customer.modify(customer.id, name="Gone")
        self.assertEqual(caught.exception.http_status, 404)
        self.assertEqual(caught.exception.code, "resource_missing")

    def raw(self, method, path, body, authorization):
        """A request as a client other than stripe-python sends it; returns (status, JSON)."""
        request = urllib.request.Request(
            URL + path,
            data=body.encode() if method == "POST" else None,
            method=method,
            headers={
                "Authorization": authorization,
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        try:
            with urllib.request.urlopen(request) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    # The tests below keep their customers in a connected account of their own, so that the
    # platform's customer list is test_customer_lifecycle's alone.
    ACCOUNT = "acct_wire_reading"

    def test_a_new_customer_has_every_field(self):
        customer = stripe.Customer.create(stripe_account=self.ACCOUNT)
        # Fields nothing set are there, as null or empty, so that reading them never raises.
        self.assertIsNone(customer.email)
        self.assertIsNone(customer.name)
        customer.metadata["k"] = "v"
        self.assertEqual(customer.metadata["k"], "v")

    def test_capitalized_booleans_and_basic_auth(self):
        import base64

        basic = "Basic " + base64.b64encode((KEY + ":").encode()).decode()
        status, intent = self.raw(
            "POST",
            "/v1/payment_intents",
            "amount=100&currency=usd&automatic_payment_methods[enabled]=True",
            basic,
        )
        self.assertEqual(status, 200, intent)
        self.assertEqual(intent["automatic_payment_methods"]["enabled"], True)

    def test_a_deleted_customer_is_retrieved_as_its_stub(self):
        customer = stripe.Customer.create(stripe_account=self.ACCOUNT)
        stripe.Customer.delete(customer.id, stripe_account=self.ACCOUNT)
        retrieved = stripe.Customer.retrieve(customer.id, stripe_account=self.ACCOUNT)
        self.assertTrue(retrieved.deleted)
        self.assertEqual(retrieved.id, customer.id)

    def test_search_pages_auto_page(self):
        created = {
            stripe.Customer.create(metadata={"batch": "search"}, stripe_account=self.ACCOUNT).id
            for _ in range(3)
        }
        result = stripe.Customer.search(
            query="metadata['batch']:'search'",
            limit=1,
            expand=["total_count"],
            stripe_account=self.ACCOUNT,
        )
        self.assertTrue(result.has_more)
        self.assertIsNotNone(result.next_page)
        self.assertGreaterEqual(result.total_count, 3)
        seen = {customer.id for customer in result.auto_paging_iter()}
        self.assertTrue(created <= seen, (created, seen))

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

    def test_manual_capture_and_the_status_rules(self):
        intent = stripe.PaymentIntent.create(
            amount=2500, currency="usd", capture_method="manual", payment_method="pm_card_visa"
        )
        self.assertEqual(intent.status, "requires_confirmation")
        authorized = stripe.PaymentIntent.confirm(intent.id)
        self.assertEqual(authorized.status, "requires_capture")
        captured = stripe.PaymentIntent.capture(intent.id, amount_to_capture=2000)
        self.assertEqual(captured.status, "succeeded")
        self.assertEqual(captured.amount_received, 2000)
        with self.assertRaises(stripe.InvalidRequestError) as caught:
            stripe.PaymentIntent.cancel(intent.id)
        self.assertEqual(caught.exception.http_status, 400)
        self.assertEqual(caught.exception.code, "payment_intent_unexpected_state")

        other = stripe.PaymentIntent.create(amount=700, currency="usd")
        canceled = stripe.PaymentIntent.cancel(other.id, cancellation_reason="abandoned")
        self.assertEqual(canceled.status, "canceled")
        self.assertEqual(canceled.cancellation_reason, "abandoned")

    def test_simulated_reader_processes_a_payment(self):
        reader = stripe.terminal.Reader.create(registration_code="simulated-wpe", label="Till 1")
        self.assertEqual(reader.device_type, "simulated_wisepos_e")
        self.assertIsNone(reader.action)
        intent = stripe.PaymentIntent.create(
            amount=1200, currency="usd", payment_method_types=["card_present"]
        )
        processing = stripe.terminal.Reader.process_payment_intent(
            reader.id, payment_intent=intent.id
        )
        self.assertEqual(processing.action.status, "in_progress")
        self.assertEqual(processing.action.type, "process_payment_intent")

        done = stripe.terminal.Reader.TestHelpers.present_payment_method(reader.id)
        self.assertEqual(done.action.status, "succeeded")
        self.assertEqual(stripe.PaymentIntent.retrieve(intent.id).status, "succeeded")

        # A declining test card fails the action; the intent can go again, or be canceled.
        second = stripe.PaymentIntent.create(amount=900, currency="usd")
        stripe.terminal.Reader.process_payment_intent(reader.id, payment_intent=second.id)
        failed = stripe.terminal.Reader.TestHelpers.present_payment_method(
            reader.id, card_present={"number": "4000000000000002"}
        )
        self.assertEqual(failed.action.status, "failed")
        self.assertEqual(failed.action.failure_code, "card_declined")
        stripe.terminal.Reader.process_payment_intent(reader.id, payment_intent=second.id)
        cleared = stripe.terminal.Reader.cancel_action(reader.id)
        self.assertIsNone(cleared.action)

        types = [event.type for event in stripe.Event.list(limit=10).data]
        self.assertIn("terminal.reader.action_succeeded", types)
        self.assertIn("terminal.reader.action_failed", types)

    def test_the_webhook_flag_receives_every_event_signed(self):
        customer = stripe.Customer.create(email="flag@example.com")
        # Events of the other tests come first, in order; each one verifies.
        while True:
            signature, body = FLAG_RECEIVED.get(timeout=10)
            event = stripe.Webhook.construct_event(
                body.decode("utf-8"), signature, FLAG_WEBHOOK_SECRET
            )
            if event.type == "customer.created" and event.data.object.id == customer.id:
                break
        with self.assertRaises(stripe.SignatureVerificationError):
            stripe.Webhook.construct_event(body.decode("utf-8"), signature, "whsec_wrong")

    def test_webhook_delivery_verifies_with_stripe_python(self):
        received = queue.Queue()
        server = start_receiver(0, received)
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
