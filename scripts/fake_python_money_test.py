"""stripe-python (PyPI `stripe`, pinned in scripts/fake-tests) against the stripe-sdk-fake binary:
money moves and billing runs (issue 28).

Run by scripts/fake-tests with STRIPE_FAKE_URL set to the binary's base URL: a payment's Charge
and BalanceTransaction (2.9% + 30 cents), the balance, refunds in part and in full and the
balance transactions they make; a destination charge refused until our helper completes the
account's onboarding, then its Transfer and the connected account's balance; invoice items onto a draft, finalized and paid with the
customer's default payment method, another voided; a subscription active with its first
invoice paid, canceled and still listed with `status=canceled`; and a Test Clock advanced past
the period's end renewing the subscription of its customer with a second invoice.
"""

import json
import os
import sys
import unittest
import urllib.request

import stripe

URL = os.environ["STRIPE_FAKE_URL"]
KEY = "sk_test_python_money_against_the_fake"


class MoneyAndBillingFromPython(unittest.TestCase):
    def setUp(self):
        stripe.api_key = KEY
        stripe.api_base = URL
        stripe.max_network_retries = 0
        stripe.enable_telemetry = False

    def paying_customer(self, **more):
        return stripe.Customer.create(
            payment_method="pm_card_visa",
            invoice_settings={"default_payment_method": "pm_card_visa"},
            **more,
        )

    def test_a_payment_moves_money_and_refunds_give_it_back(self):
        intent = stripe.PaymentIntent.create(
            amount=2000, currency="usd", payment_method="pm_card_visa", confirm=True
        )
        self.assertEqual(intent.status, "succeeded")
        charge = stripe.Charge.retrieve(intent.latest_charge)
        self.assertTrue(charge.paid and charge.captured)
        self.assertEqual(charge.payment_intent, intent.id)
        transaction = stripe.BalanceTransaction.retrieve(charge.balance_transaction)
        self.assertEqual((transaction.amount, transaction.fee, transaction.net), (2000, 88, 1912))
        self.assertEqual(transaction.status, "pending")
        balance = stripe.Balance.retrieve()
        pending = {entry.currency: entry.amount for entry in balance.pending}
        self.assertGreaterEqual(pending["usd"], 1912)

        partial = stripe.Refund.create(charge=charge.id, amount=500)
        self.assertEqual(partial.status, "succeeded")
        self.assertEqual(stripe.Charge.retrieve(charge.id).amount_refunded, 500)
        stripe.Refund.create(payment_intent=intent.id)
        refunded = stripe.Charge.retrieve(charge.id)
        self.assertEqual((refunded.amount_refunded, refunded.refunded), (2000, True))
        with self.assertRaises(stripe.InvalidRequestError) as caught:
            stripe.Refund.create(charge=charge.id)
        self.assertEqual(caught.exception.code, "charge_already_refunded")
        sources = [t.source for t in stripe.BalanceTransaction.list(limit=100).auto_paging_iter()]
        self.assertIn(charge.id, sources)
        self.assertIn(partial.id, sources)

    def test_a_destination_charge_waits_for_the_account_s_onboarding(self):
        account = stripe.Account.create(
            type="express",
            capabilities={"card_payments": {"requested": True}, "transfers": {"requested": True}},
        )
        self.assertFalse(account.charges_enabled)
        self.assertEqual(account.capabilities["transfers"], "inactive")
        destination = dict(
            amount=10000,
            currency="usd",
            payment_method="pm_card_visa",
            confirm=True,
            application_fee_amount=1000,
            transfer_data={"destination": account.id},
        )
        with self.assertRaises(stripe.InvalidRequestError) as caught:
            stripe.PaymentIntent.create(**destination)
        self.assertEqual(caught.exception.code, "insufficient_capabilities_for_transfer")

        # Our helper, which Stripe does not have, over HTTP as any client of the binary calls it.
        request = urllib.request.Request(
            f"{URL}/v1/test_helpers/accounts/{account.id}/complete_onboarding",
            data=b"",
            method="POST",
            headers={"Authorization": f"Bearer {KEY}"},
        )
        with urllib.request.urlopen(request) as response:
            onboarded = json.loads(response.read())
        self.assertTrue(onboarded["charges_enabled"])
        self.assertEqual(onboarded["capabilities"]["transfers"], "active")

        intent = stripe.PaymentIntent.create(**destination)
        charge = stripe.Charge.retrieve(intent.latest_charge)
        transfer = stripe.Transfer.retrieve(charge.transfer)
        self.assertEqual((transfer.amount, transfer.destination), (9000, account.id))
        seller = stripe.Balance.retrieve(stripe_account=account.id)
        self.assertEqual({e.currency: e.amount for e in seller.pending}["usd"], 9000)

    def test_an_invoice_is_finalized_and_paid_with_the_default_card(self):
        customer = self.paying_customer()
        stripe.InvoiceItem.create(customer=customer.id, amount=1000, currency="usd")
        stripe.InvoiceItem.create(customer=customer.id, amount=250, currency="usd")
        invoice = stripe.Invoice.create(
            customer=customer.id, pending_invoice_items_behavior="include"
        )
        self.assertEqual(invoice.status, "draft")
        self.assertEqual(invoice.amount_due, 1250)
        self.assertEqual(len(invoice.lines.data), 2)
        finalized = stripe.Invoice.finalize_invoice(invoice.id)
        self.assertEqual(finalized.status, "open")
        self.assertTrue(finalized.number.endswith("-0001"), finalized.number)
        paid = stripe.Invoice.pay(invoice.id)
        self.assertEqual(paid.status, "paid")
        self.assertEqual(paid.amount_paid, 1250)
        self.assertEqual(stripe.Charge.retrieve(paid.charge).amount, 1250)

        other = stripe.Invoice.create(customer=customer.id)
        stripe.InvoiceItem.create(
            customer=customer.id, amount=300, currency="usd", invoice=other.id
        )
        stripe.Invoice.finalize_invoice(other.id)
        self.assertEqual(stripe.Invoice.void_invoice(other.id).status, "void")

    def test_a_subscription_bills_cancels_and_renews_on_a_test_clock(self):
        price = stripe.Price.create(
            currency="usd",
            unit_amount=1500,
            recurring={"interval": "month"},
            product_data={"name": "Plan"},
        )
        customer = self.paying_customer()
        subscription = stripe.Subscription.create(
            customer=customer.id, items=[{"price": price.id}]
        )
        self.assertEqual(subscription.status, "active")
        first = stripe.Invoice.retrieve(subscription.latest_invoice)
        self.assertEqual((first.status, first.amount_paid), ("paid", 1500))
        canceled = stripe.Subscription.cancel(subscription.id)
        self.assertEqual(canceled.status, "canceled")
        self.assertIsNotNone(canceled.canceled_at)
        listed = [s.id for s in stripe.Subscription.list(status="canceled").data]
        self.assertIn(subscription.id, listed)
        self.assertNotIn(subscription.id, [s.id for s in stripe.Subscription.list().data])

        start = 1_700_000_000
        clock = stripe.test_helpers.TestClock.create(frozen_time=start)
        on_clock = self.paying_customer(test_clock=clock.id)
        renewing = stripe.Subscription.create(customer=on_clock.id, items=[{"price": price.id}])
        self.assertEqual(renewing.current_period_start, start)
        advanced = stripe.test_helpers.TestClock.advance(
            clock.id, frozen_time=renewing.current_period_end + 60
        )
        self.assertEqual(advanced.status, "ready")
        renewed = stripe.Subscription.retrieve(renewing.id)
        self.assertEqual(renewed.current_period_start, renewing.current_period_end)
        invoices = stripe.Invoice.list(subscription=renewing.id).data
        self.assertEqual([i.billing_reason for i in invoices], ["subscription_cycle", "subscription_create"])
        self.assertTrue(all(i.paid for i in invoices))


if __name__ == "__main__":
    result = unittest.main(exit=False, verbosity=2).result
    sys.exit(0 if result.wasSuccessful() else 1)
