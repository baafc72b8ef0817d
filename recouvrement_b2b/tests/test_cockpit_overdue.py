from datetime import date as Date
from types import SimpleNamespace

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time
from lxml import etree

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import format_amount
from odoo.tools.safe_eval import safe_eval

from .common import RecouvrementCommon


@tagged("post_install", "-at_install")
class TestCockpitOverdue(RecouvrementCommon):
    """What the collector's cockpit calls overdue, re-checked with other inputs after the break
    test of issue 13: invoices in instalments, promises on the account, exchange differences,
    disputed amounts in the worklist."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.policy = cls._standard_ladder()
        # 50 % at 30 days, 50 % at 90 days: the first instalment falls due long before the
        # invoice's due date (its last instalment's)
        cls.split = cls.env["account.payment.term"].create(
            {
                "name": "50 % à 30 jours, 50 % à 90 jours",
                "line_ids": [
                    Command.create({"value": "percent", "value_amount": 50.0, "nb_days": 30}),
                    Command.create({"value": "percent", "value_amount": 50.0, "nb_days": 90}),
                ],
            }
        )

    def _split_invoice(self, partner, amount, invoice_date):
        move = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_date": invoice_date,
                "invoice_payment_term_id": self.split.id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Prestation",
                            "quantity": 1,
                            "price_unit": amount,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        move.action_post()
        return move

    def _overdue_list(self, moves):
        """The invoices of ``moves`` the overdue list shows when opened: the action's domain
        and the filters it turns on (``search_default_*``), read in its search view."""
        action = self.env.ref("recouvrement_b2b.account_move_action_overdue")
        Move = self.env["account.move"].with_user(self.controller)
        views = Move.get_views([(False, "list"), (action.search_view_id.id, "search")])
        search = etree.fromstring(views["views"]["search"]["arch"])
        context = safe_eval(action.context)
        values = {
            # the web client's time.strftime, at the (frozen) date of the test
            "time": SimpleNamespace(strftime=lambda fmt: Date.today().strftime(fmt)),
            "context_today": Date.today,
            "relativedelta": relativedelta,
            "context": {},
        }
        domain = [*safe_eval(action.domain), ("id", "in", moves.ids)]
        for key in context:
            if key.startswith("search_default_"):
                [node] = search.iterfind(f".//filter[@name='{key[len('search_default_') :]}']")
                domain += safe_eval(node.get("domain"), values)
        return Move.search(domain)

    # ------------------------------------------------------------------------------------------
    # Overdue: any instalment past its due date, not the invoice's last due date
    # ------------------------------------------------------------------------------------------

    @freeze_time("2026-05-10")
    def test_overdue_list_reads_every_instalment(self):
        """Invoices of 1 000 in two halves, at 30 and 90 days. On 10 May:

        * Premiere, of 1 March: first half due 31 March (40 days late), last 30 May (not
          due): overdue, though its due date (30 May) is to come;
        * Payee, of 1 March, first half paid: nothing past its due date, not listed;
        * Recente, of 1 May: due 31 May and 30 July, not listed;
        * Ancienne, of 1 January: halves due 31 January and 1 April, both late: listed.

        The plan wizard proposes the same overdue invoices."""
        customer = self._customer("Echelonne")
        premiere = self._split_invoice(customer, 1000.0, "2026-03-01")
        payee = self._split_invoice(customer, 1000.0, "2026-03-01")
        self._pay(payee, 500.0, "2026-03-30")
        recente = self._split_invoice(customer, 1000.0, "2026-05-01")
        ancienne = self._split_invoice(customer, 1000.0, "2026-01-01")
        self.assertEqual(str(premiere.invoice_date_due), "2026-05-30")
        self.assertEqual(premiere.dunning_days_late, 40)
        listed = self._overdue_list(premiere | payee | recente | ancienne)
        self.assertEqual(listed, premiere | ancienne)
        Move = self.env["account.move"].with_user(self.controller)
        self.assertEqual(
            Move.search(
                [
                    ("dunning_overdue", "=", False),
                    ("move_type", "=", "out_invoice"),
                    ("commercial_partner_id", "=", customer.id),
                ]
            ),
            payee | recente,
        )
        self.assertEqual(
            (premiere | payee | recente | ancienne).mapped("dunning_overdue"),
            [True, False, False, True],
        )
        wizard = (
            self.env["recouvrement.payment.plan.wizard"]
            .with_user(self.controller)
            .with_context(active_model="res.partner", active_ids=customer.ids)
            .create({})
        )
        self.assertEqual(wizard.move_ids, premiere | ancienne)

    # ------------------------------------------------------------------------------------------
    # Promises: never above what is owed; only real payments keep them
    # ------------------------------------------------------------------------------------------

    @freeze_time("2026-04-10")
    def test_promise_on_account_capped_at_the_net_receivable(self):
        """Menuiserie owes this company invoices of 1 000 and 250, less an open credit note of
        300 and a payment of 200 not matched: 1 000 + 250 - 300 - 200 = 750 net. Another
        company of the group is owed 2 000 by the same customer: not owed to this one. A
        promise on the account of 800 to this company is refused, naming the customer, the
        amounts and the field; 750 is accepted, 750.01 is not. A promise of 300 on the invoice
        of 250 is refused too. A customer owing only the other company: nothing (0) may be
        promised to this one."""
        customer = self._customer("Menuiserie")
        self._invoice(customer, 1000.0, "2026-03-01", "2026-03-31")
        small = self._invoice(customer, 250.0, "2026-03-01", "2026-03-31")
        self._refund(customer, 300.0, "2026-04-01")
        self._unmatched_payment(customer, 200.0, "2026-04-02")
        other = self.setup_other_company(name="Filiale Lyon")["company"]
        self._invoice(customer, 2000.0, "2026-03-01", "2026-03-31", company=other)
        Promise = self.env["recouvrement.promise"].with_user(self.controller)
        with self.assertRaises(ValidationError) as caught:
            Promise.create({"partner_id": customer.id, "amount": 800.0, "date": "2026-04-25"})
        eur = self.company.currency_id
        message = str(caught.exception)
        self.assertIn("Menuiserie", message)
        self.assertIn(format_amount(self.env, 800.0, eur), message)
        self.assertIn(format_amount(self.env, 750.0, eur), message)
        self.assertIn("Promised Amount", message)
        promise = Promise.create({"partner_id": customer.id, "amount": 750.0, "date": "2026-04-25"})
        self.assertEqual(promise.state, "running")
        with self.assertRaises(ValidationError):
            promise.amount = 750.01
        with self.assertRaisesRegex(ValidationError, "exceeds the amount due on its invoices"):
            Promise.create(
                {
                    "partner_id": customer.id,
                    "amount": 300.0,
                    "date": "2026-04-25",
                    "move_ids": [Command.set(small.ids)],
                }
            )
        # a customer owing nothing to this company (only the other company)
        elsewhere = self._customer("Ailleurs")
        self._invoice(elsewhere, 2000.0, "2026-03-01", "2026-03-31", company=other)
        with self.assertRaises(ValidationError) as caught:
            Promise.create({"partner_id": elsewhere.id, "amount": 100.0, "date": "2026-04-25"})
        self.assertIn(format_amount(self.env, 0.0, eur), str(caught.exception))

    def test_exchange_difference_does_not_keep_a_promise_on_account(self):
        """1 EUR = 2 USD until 11 April, 2.5 from 12 April. The customer owes an invoice of
        500 EUR and one of 1 000 USD (500 EUR): 1 000 EUR. On 10 April it promises 500 on the
        account for 20 April (tolerance 3 days). On 15 April it pays the 1 000 USD, worth
        1 000 / 2.5 = 400 EUR: the reconciliation books an exchange loss of 500 - 400 = 100 EUR
        on the receivable (exchange journal). Paid: 400, not 500; the promise is not kept and
        breaks on 24 April."""
        self.company.recouvrement_promise_tolerance_days = 3
        usd = self.setup_other_currency("USD")
        customer = self._customer("Change")
        self._invoice(customer, 500.0, "2026-03-01", "2026-03-31")
        dollars = self._invoice(customer, 1000.0, "2026-03-01", "2026-03-31", currency=usd)
        self.assertEqual(dollars.amount_residual_signed, 500.0)
        with freeze_time("2026-04-10"):
            promise = (
                self.env["recouvrement.promise"]
                .with_user(self.controller)
                .create({"partner_id": customer.id, "amount": 500.0, "date": "2026-04-20"})
            )
        self.env["res.currency.rate"].create(
            {
                "name": "2026-04-12",
                "rate": 2.5,
                "currency_id": usd.id,
                "company_id": self.company.id,
            }
        )
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=dollars.ids
        ).create({"amount": 1000.0, "payment_date": "2026-04-15"})._create_payments()
        self.assertEqual(dollars.payment_state, "paid")
        exchange = dollars.line_ids.matched_credit_ids.exchange_move_id
        self.assertEqual(exchange.journal_id, self.company.currency_exchange_journal_id)
        promise.invalidate_recordset(["amount_paid"])
        self.assertEqual(promise.amount_paid, 400.0)
        with freeze_time("2026-04-16"):
            self.env["recouvrement.promise"]._cron_check_promises()
        self.assertEqual(promise.state, "running")
        with freeze_time("2026-04-24"):
            self.env["recouvrement.promise"]._cron_check_promises()
        self.assertEqual(promise.state, "broken")

    # ------------------------------------------------------------------------------------------
    # Worklist: the disputed part is not ranked as overdue
    # ------------------------------------------------------------------------------------------

    @freeze_time("2026-05-10")
    def test_worklist_overdue_amount_without_disputed_parts(self):
        """On 10 May, Litige owes:

        * A, 1 000 due 31 March (40 days), 400 disputed (open): 600 overdue; a dispute of 100
          on it rejected: nothing held back for it;
        * B, 600 due 9 February (90 days), wholly disputed: 0 overdue, and its 90 days do not
          rank the customer;
        * C, 1 000 in halves due 31 March and 30 May, 300 disputed: 150 on each half, the
          first overdue half counts 500 - 150 = 350;
        * an open credit note of 200.

        Overdue: 600 + 0 + 350 - 200 = 750; days late 40 (31 March). Priority:
        40 x 750 / 10 000 = 3 + 25 x 40 / 90 = 11.11, no score, no legal step: 14.11.
        (Before: 1 000 + 600 + 500 - 200 = 1 900 over 90 days: 7.6 + 25 = 32.6.)"""
        customer = self._customer("Litige")
        inv_a = self._invoice(customer, 1000.0, "2026-03-01", "2026-03-31")
        inv_b = self._invoice(customer, 600.0, "2026-01-10", "2026-02-09")
        inv_c = self._split_invoice(customer, 1000.0, "2026-03-01")
        self._refund(customer, 200.0, "2026-04-01")
        Dispute = self.env["recouvrement.dispute"]
        Dispute.create({"move_id": inv_a.id, "reason": "price", "amount": 400.0})
        Dispute.create({"move_id": inv_a.id, "reason": "quantity", "amount": 100.0}).action_reject()
        Dispute.create({"move_id": inv_b.id, "reason": "quality"})
        Dispute.create({"move_id": inv_c.id, "reason": "delivery", "amount": 300.0})
        # the reason of the row: a promise on A whose date came
        with freeze_time("2026-05-01"):
            self.env["recouvrement.promise"].create(
                {
                    "partner_id": customer.id,
                    "amount": 100.0,
                    "date": "2026-05-05",
                    "move_ids": [Command.set(inv_a.ids)],
                }
            )
        rows = (
            self.env["recouvrement.worklist"]
            .with_user(self.controller)
            .search([("partner_id", "=", customer.id)])
        )
        self.assertRecordValues(
            rows,
            [
                {
                    "promise_due": True,
                    "credit_score": False,
                    "next_step_legal": False,
                    "overdue_amount": 750.0,
                    "overdue_days": 40,
                    "priority": 14.11,
                }
            ],
        )
