import re
from datetime import date
from unittest.mock import patch

from freezegun import freeze_time
from psycopg2.errors import SerializationFailure

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import format_amount, mute_logger

from .common import RecouvrementCommon, TwoCursorsCommon
from .test_plans import PlanCommon


@tagged("post_install", "-at_install")
class TestBreak13(RecouvrementCommon):
    """Faults of the collector's cockpit found by the third break test of issue 13: promises on
    invoices in a foreign currency, invoices in instalments in litigation."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
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

    def _document(self, partner, amount, day, move_type="out_invoice", currency=None, term=None):
        move = self.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": partner.id,
                "invoice_date": day,
                "currency_id": (currency or self.company.currency_id).id,
                "invoice_payment_term_id": term.id if term else False,
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

    def _match(self, invoice, document):
        """Reconcile the receivable lines of ``invoice`` and ``document``."""
        (invoice.line_ids + document.line_ids).filtered(
            lambda line: line.account_type == "asset_receivable" and not line.reconciled
        ).reconcile()

    # ------------------------------------------------------------------------------------------
    # Promises on invoices are measured in the invoices' currency
    # ------------------------------------------------------------------------------------------

    def test_promise_on_invoices_in_their_currency(self):
        """1 EUR = 2 USD until 11 April, 2.5 from 12 April. Invoice of 1 000 USD of 1 March:
        500 EUR at its rate. On 10 April the customer promises 500 EUR (the whole invoice) for
        20 April, tolerance 3 days.

        * 15 April, credit note of 200 USD (80 EUR at 2.5) matched with the invoice: the
          invoice's amount due falls by 200 USD, 100 EUR at its rate (80 of credit note and an
          exchange difference of 20). Nothing is paid: 0 (before: 500 - 400 - 80 = 20, the
          exchange difference counted as paid).
        * 16 April, 600 USD paid (240 EUR): 600 USD of the invoice at its rate, 0.5 EUR per
          USD: 300 EUR paid (before: 500 - 100 - 80 = 320).
        * 18 April, the last 200 USD paid (80 EUR at 2.5): the invoice is paid in full in its
          currency, 800 USD = 400 EUR paid: the customer owes nothing more, the promise is kept
          (before: 420 paid, broken on 24 April)."""
        self.company.recouvrement_promise_tolerance_days = 3
        usd = self.setup_other_currency("USD", rates=[("2000-01-01", 2.0), ("2026-04-12", 2.5)])
        customer = self._customer("Dollar")
        invoice = self._document(customer, 1000.0, "2026-03-01", currency=usd)
        self.assertEqual(invoice.amount_residual_signed, 500.0)
        with freeze_time("2026-04-10"):
            promise = (
                self.env["recouvrement.promise"]
                .with_user(self.controller)
                .create(
                    {
                        "partner_id": customer.id,
                        "amount": 500.0,
                        "date": "2026-04-20",
                        "move_ids": [Command.set(invoice.ids)],
                    }
                )
            )
        refund = self._document(customer, 200.0, "2026-04-15", "out_refund", currency=usd)
        self._match(invoice, refund)
        self.assertEqual(invoice.amount_residual, 800.0)
        self.assertTrue(invoice.line_ids.matched_credit_ids.exchange_move_id)
        promise.invalidate_recordset(["amount_paid"])
        self.assertEqual(promise.amount_paid, 0.0)
        self._pay(invoice, 600.0, "2026-04-16")
        promise.invalidate_recordset(["amount_paid"])
        self.assertEqual(promise.amount_paid, 300.0)
        with freeze_time("2026-04-17"):
            promise._check_promises(date(2026, 4, 17))
        self.assertEqual(promise.state, "running")
        self._pay(invoice, 200.0, "2026-04-18")
        self.assertEqual(invoice.payment_state, "paid")
        promise.invalidate_recordset(["amount_paid"])
        self.assertEqual(promise.amount_paid, 400.0)
        with freeze_time("2026-04-18"):
            self.env["recouvrement.promise"]._cron_check_promises()
        self.assertRecordValues(promise, [{"state": "kept", "closed_date": date(2026, 4, 18)}])

    def test_promise_on_invoices_paid_in_full_at_a_worse_rate(self):
        """Same rates. Invoices of 1 000 USD (500 EUR) and 300 EUR; on 10 April a promise of
        700 EUR on both for 20 April. On 15 April the customer pays 1 000 USD (400 EUR at 2.5):
        the USD invoice is paid in full in its currency, worth 500 EUR at its rate; paid 500,
        the promise runs; 200 EUR more on the EUR invoice: 700, kept. A payment of 300 USD
        (120 EUR) on a second promise of 200 EUR on another invoice of 1 000 USD: 150 EUR
        paid at the invoice's rate (0.5 EUR per USD), not kept."""
        usd = self.setup_other_currency("USD", rates=[("2000-01-01", 2.0), ("2026-04-12", 2.5)])
        customer = self._customer("Taux")
        dollars = self._document(customer, 1000.0, "2026-03-01", currency=usd)
        euros = self._document(customer, 300.0, "2026-03-01")
        other = self._document(self._customer("Partiel"), 1000.0, "2026-03-01", currency=usd)
        Promise = self.env["recouvrement.promise"].with_user(self.controller)
        with freeze_time("2026-04-10"):
            promise = Promise.create(
                {
                    "partner_id": customer.id,
                    "amount": 700.0,
                    "date": "2026-04-20",
                    "move_ids": [Command.set((dollars | euros).ids)],
                }
            )
            partial = Promise.create(
                {
                    "partner_id": other.partner_id.id,
                    "amount": 200.0,
                    "date": "2026-04-20",
                    "move_ids": [Command.set(other.ids)],
                }
            )
        self._pay(dollars, 1000.0, "2026-04-15")
        self._pay(other, 300.0, "2026-04-15")
        (promise | partial).invalidate_recordset(["amount_paid"])
        self.assertEqual(promise.amount_paid, 500.0)
        self.assertEqual(partial.amount_paid, 150.0)
        self._pay(euros, 200.0, "2026-04-16")
        promise.invalidate_recordset(["amount_paid"])
        self.assertEqual(promise.amount_paid, 700.0)
        with freeze_time("2026-04-16"):
            self.env["recouvrement.promise"]._cron_check_promises()
        self.assertEqual((promise | partial).mapped("state"), ["kept", "running"])

    def test_promise_on_invoices_settled_by_credit_notes_alone(self):
        """A promise of 400 on an invoice of 1 000 recorded on 10 April; on 12 April a credit
        note of 1 000 settles the invoice: nothing is left to pay and nothing was paid. The
        check of 13 April cancels the promise (before: running until its tolerance passed,
        then broken with nothing owed, an activity and a lower score)."""
        customer = self._customer("Avoir")
        invoice = self._document(customer, 1000.0, "2026-03-01")
        with freeze_time("2026-04-10"):
            promise = (
                self.env["recouvrement.promise"]
                .with_user(self.controller)
                .create(
                    {
                        "partner_id": customer.id,
                        "amount": 400.0,
                        "date": "2026-04-20",
                        "move_ids": [Command.set(invoice.ids)],
                    }
                )
            )
        refund = self._document(customer, 1000.0, "2026-04-12", "out_refund")
        self._match(invoice, refund)
        self.assertEqual(invoice.amount_residual, 0.0)
        with freeze_time("2026-04-13"):
            self.env["recouvrement.promise"]._cron_check_promises()
        self.assertRecordValues(
            promise,
            [{"state": "cancelled", "amount_paid": 0.0, "closed_date": date(2026, 4, 13)}],
        )
        self.assertFalse(promise.activity_ids)

    # ------------------------------------------------------------------------------------------
    # Litigation: an invoice in instalments is exigible and prescribes per instalment
    # ------------------------------------------------------------------------------------------

    @freeze_time("2026-05-10")
    def test_litigation_reads_the_oldest_unpaid_instalment(self):
        """Invoices of 1 000 in halves at 30 and 90 days. On 10 May:

        * Premiere, of 1 March: first half due 31 March, 40 days late, last 30 May: exigible
          (its first half is), though its due date (30 May) is to come; it prescribes 5 years
          after its first half, 31 March 2031 (L110-4, art. 2233 3° Code civil), not on
          30 May 2031;
        * Payee, of 1 March, first half paid: nothing past due: not exigible, and it
          prescribes from its second half, 30 May 2031.

        Before: "Not exigible: invoice(s) Premiere not yet past their due date", and both
        prescribed on 30 May 2031."""
        customer = self._customer("Echelonne", siren="364808949")
        premiere = self._document(customer, 1000.0, "2026-03-01", term=self.split)
        payee = self._document(customer, 1000.0, "2026-03-01", term=self.split)
        self._pay(payee, 500.0, "2026-03-30")
        self.assertEqual(str(premiere.invoice_date_due), "2026-05-30")
        self.assertRecordValues(
            premiere | payee,
            [{"prescription_date": date(2031, 3, 31)}, {"prescription_date": date(2031, 5, 30)}],
        )
        Litigation = self.env["recouvrement.litigation"].with_user(self.controller)
        case = Litigation.create(
            {
                "partner_id": customer.id,
                "move_ids": [Command.set(premiere.ids)],
                "proof_checked": True,
            }
        )
        self.assertRecordValues(
            case,
            [
                {
                    "claim_certain": True,
                    "claim_liquid": True,
                    "claim_due": True,
                    "claim_issues": "",
                    "prescription_date": date(2031, 3, 31),
                }
            ],
        )
        case.action_file()
        self.assertEqual(case.filing_date, date(2026, 5, 10))
        other = Litigation.create(
            {
                "partner_id": customer.id,
                "move_ids": [Command.set(payee.ids)],
                "proof_checked": True,
            }
        )
        self.assertFalse(other.claim_due)
        with self.assertRaisesRegex(UserError, f"Not exigible: invoice\\(s\\) {payee.name} not"):
            other.action_file()

    # ------------------------------------------------------------------------------------------
    # Bad input: amounts of 0 or less are refused by a message, not by the database
    # ------------------------------------------------------------------------------------------

    @freeze_time("2026-05-10")
    def test_amounts_not_positive_are_refused_by_a_message(self):
        """Promised or disputed amounts of -5, 0 or -50, through the forms (create, write) and
        the call log, and a dispute of an invoice already paid (its amount due, 0, by
        default): each is refused with a ValidationError naming the customer or invoice, the
        amount and the field, and nothing is stored. Before: psycopg2's CheckViolation of the
        SQL constraints (an error log and a server error for the user)."""
        customer = self._customer("Negatif")
        invoice = self._document(customer, 1000.0, "2026-03-01")
        paid = self._document(customer, 200.0, "2026-03-01")
        self._pay(paid, 200.0, "2026-04-01")
        Promise = self.env["recouvrement.promise"].with_user(self.controller)
        Dispute = self.env["recouvrement.dispute"].with_user(self.controller)
        CallLog = self.env["recouvrement.call.log"].with_user(self.controller)
        promise = Promise.create({"partner_id": customer.id, "amount": 100.0, "date": "2026-05-20"})
        attempts = {
            "promise -5": lambda: Promise.create(
                {"partner_id": customer.id, "amount": -5.0, "date": "2026-05-20"}
            ),
            "promise 0": lambda: Promise.create(
                {
                    "partner_id": customer.id,
                    "amount": 0.0,
                    "date": "2026-05-20",
                    "move_ids": [Command.set(invoice.ids)],
                }
            ),
            "promise written -1": lambda: promise.write({"amount": -1.0}),
            "call promise -5": lambda: CallLog.create(
                {
                    "partner_id": customer.id,
                    "outcome": "promise",
                    "promise_amount": -5.0,
                    "promise_date": "2026-05-20",
                }
            ).action_log(),
            "dispute -50": lambda: Dispute.create(
                {"move_id": invoice.id, "reason": "price", "amount": -50.0}
            ),
            "call dispute -5": lambda: CallLog.create(
                {
                    "partner_id": customer.id,
                    "outcome": "dispute",
                    "dispute_move_id": invoice.id,
                    "dispute_amount": -5.0,
                }
            ).action_log(),
            "dispute of a paid invoice": lambda: Dispute.create(
                {"move_id": paid.id, "reason": "quality"}
            ),
        }
        for label, attempt in attempts.items():
            with self.subTest(label), self.assertRaises(ValidationError) as caught:
                with self.env.cr.savepoint():
                    attempt()
                    self.env.flush_all()
            message = str(caught.exception)
            if label.startswith(("promise", "call promise")):
                self.assertRegex(message, r"^Promise of Negatif: the promised amount .* must be")
                self.assertIn("(field Promised Amount)", message)
            else:
                self.assertIn("must be positive (field Disputed Amount)", message)
                self.assertIn(paid.name if "paid" in label else invoice.name, message)
        self.assertEqual(promise.amount, 100.0)
        self.assertFalse(
            self.env["recouvrement.dispute"].search([("partner_id", "=", customer.id)])
        )
        self.assertEqual(
            self.env["recouvrement.promise"].search([("partner_id", "=", customer.id)]), promise
        )

    # ------------------------------------------------------------------------------------------
    # Disputes: together no more than the invoice's amount due
    # ------------------------------------------------------------------------------------------

    @freeze_time("2026-05-10")
    def test_open_disputes_of_an_invoice_no_more_than_its_amount_due(self):
        """Invoice of 1 000, 200 paid: 800 due. A price dispute of 500 is open; a quality
        dispute of 400 would make 900 > 800: refused, naming the invoice, 900, 800 and the
        field (before: accepted, 900 disputed on 800 due in the statistics by reason). 300 is
        accepted (800 in all), 0.01 more is not, nor raising the first one
        to 500.01; a dispute without amount (by default what is left undisputed: 0) neither.
        Once the price dispute is rejected, 500 is free again: a dispute without amount
        contests those 500."""
        customer = self._customer("Double")
        invoice = self._document(customer, 1000.0, "2026-03-01")
        self._pay(invoice, 200.0, "2026-04-01")
        Dispute = self.env["recouvrement.dispute"].with_user(self.controller)
        price = Dispute.create({"move_id": invoice.id, "reason": "price", "amount": 500.0})

        def refused(vals, regex=""):
            """Refused, and rolled back with its transaction as a request would be."""
            with self.assertRaisesRegex(ValidationError, regex) as caught:
                with self.env.cr.savepoint():
                    if "id" in vals:
                        price.write({"amount": vals["amount"]})
                    else:
                        Dispute.create(dict(vals, move_id=invoice.id))
            return str(caught.exception)

        message = refused({"reason": "quality", "amount": 400.0})
        eur = self.company.currency_id
        for part in (
            invoice.name,
            f"contest {format_amount(self.env, 900.0, eur)} in all",
            f"amount due, {format_amount(self.env, 800.0, eur)}",
            "(field Disputed Amount)",
        ):
            self.assertIn(part, message)
        quality = Dispute.create({"move_id": invoice.id, "reason": "quality", "amount": 300.0})
        refused({"reason": "delivery", "amount": 0.01}, r"contest 800.01\s€ in all")
        refused({"id": price.id, "amount": 500.01}, r"contest 800.01\s€ in all")
        self.assertEqual(invoice.disputed_amount, 800.0)
        # without an amount: what is left undisputed, nothing here
        refused({"reason": "other"}, r"the disputed amount 0.00\s€ must be positive")
        price.action_reject()
        delivery = Dispute.create({"move_id": invoice.id, "reason": "delivery"})
        self.assertEqual(delivery.amount, 500.0)
        self.assertEqual((price | quality | delivery).mapped("state"), ["rejected", "open", "open"])
        self.assertEqual(invoice.disputed_amount, 800.0)

    # ------------------------------------------------------------------------------------------
    # Calls: the next step named is the one the ladder sends next
    # ------------------------------------------------------------------------------------------

    @freeze_time("2026-05-10")
    def test_refusal_names_the_level_the_ladder_sends_next(self):
        """Standard ladder (J-5 courtesy, J+1 courteous, J+15 firm, J+30 last call, J+45
        formal notice, J+60 litigation). On 10 May, refusal calls of three customers:

        * Jamais, 1 000 due 31 March (40 days), never reminded: the next run sends the
          highest level due, the last call (30 April), today: "Last call, due on
          05/10/2026" (before: "Courtesy reminder, due on 03/26/2026", a level the ladder
          will never send);
        * Relance, the same invoice set at the last call by hand (no reminder recorded): next,
          on 31 March + 45 = 15 May, the run sends the last call again, not the formal notice,
          which presupposes a delivered reminder (issue 17 #12; the note says what the run
          sends, recouvrement.dunning.next.date);
        * Seuil, 300 due 31 March reminded at the courteous level, the firm level asking at
          least 500: it is skipped, next the last call, due today (before: "Firm reminder"
          with the last call's date)."""
        self._standard_ladder()
        levels = {level.days: level for level in self.company.dunning_policy_id.level_ids}
        levels[15].min_amount = 500.0
        customers = {name: self._customer(name) for name in ("Jamais", "Relance", "Seuil")}
        self._invoice(customers["Jamais"], 1000.0, "2026-03-01", "2026-03-31")
        reminded = self._invoice(customers["Relance"], 1000.0, "2026-03-01", "2026-03-31")
        small = self._invoice(customers["Seuil"], 300.0, "2026-03-01", "2026-03-31")
        reminded.sudo().dunning_level_id = levels[30]
        small.sudo().dunning_level_id = levels[1]
        self.company.recouvrement_user_id = self.manager
        notes = {}
        for name, customer in customers.items():
            self.env["recouvrement.call.log"].with_user(self.controller).create(
                {"partner_id": customer.id, "outcome": "refusal"}
            ).action_log()
            call = self.env["recouvrement.call"].search([("partner_id", "=", customer.id)])
            notes[name] = call.activity_ids.note
        self.assertIn(f"{levels[30].name}, due on 05/10/2026", notes["Jamais"])
        self.assertIn(f"{levels[30].name}, due on 05/15/2026", notes["Relance"])
        self.assertIn(f"{levels[30].name}, due on 05/10/2026", notes["Seuil"])

    # ------------------------------------------------------------------------------------------
    # Statement: a foreign-currency customer reads its own currency, at the day's rate
    # ------------------------------------------------------------------------------------------

    def test_statement_of_a_customer_invoiced_in_dollars(self):
        """1 EUR = 1.10 USD until 31 May, 1.25 from 1 June. An invoice of 1 100 USD of 1 April
        (1 000 EUR in the books) and a credit note of 110 USD of 2 April (100 EUR). On 10 June
        the statement shows each in dollars ($ 1,100.00, $ -110.00) and values them at the
        day's rate, as the reminder it is attached to claims them: 1 100 / 1.25 = 880 left
        to pay, 110 / 1.25 = 88 of credit, balance 880 - 88 = 792, all overdue (net of the
        credit, issue 17 #2) (before: the books' 1 000 and 100, balance 900, with no dollar
        amount: the customer could not match it)."""
        usd = self.setup_other_currency("USD", rates=[("2000-01-01", 1.10), ("2026-06-01", 1.25)])
        customer = self._customer("Dollar", lang="en_US")
        invoice = self._invoice(customer, 1100.0, "2026-04-01", "2026-05-01", currency=usd)
        refund = self._document(customer, 110.0, "2026-04-02", "out_refund", currency=usd)
        self.assertEqual((invoice | refund).mapped("amount_total_signed"), [1000.0, -100.0])
        with freeze_time("2026-06-10"):
            statement = self.env["recouvrement.statement"]._get_statements(customer)[customer.id]
            html, _type = self.env["ir.actions.report"]._render_qweb_html(
                "recouvrement_b2b.action_report_customer_statement", customer.ids
            )
        self.assertEqual(statement["open_items"].move_id, invoice)
        self.assertEqual(statement["credits"].move_id, refund)
        self.assertEqual(
            [statement[key] for key in ("total_open", "total_credits", "overdue", "balance")],
            [880.0, -88.0, 792.0, 792.0],
        )
        text = re.sub(r"<[^>]+>", " ", html.decode()).replace("\ufeff", "")
        text = " ".join(text.replace("\xa0", " ").split())
        for part in ("$ 1,100.00", "$ -110.00", "880.00 €", "-88.00 €", "792.00 €"):
            self.assertIn(part, text)
        self.assertNotIn("900.00 €", text)

    def test_statement_as_at_its_own_date(self):
        """A statement of 10 April printed on 1 May (1 EUR = 1.10 USD throughout):

        * A, 1 000 of 1 March due 31 March, 300 paid on 1 April, 700 on 20 April: on 10 April
          700 left, 10 days late (before: left out, paid in full since);
        * D, 1 100 USD (1 000 EUR) of 1 March due 31 March, 550 USD paid on 20 April: on
          10 April $ 1,100.00 left, 1 000 EUR (before: $ 550.00, 500);
        * credit note C of 200 of 2 April, matched on 15 April with E, 200 of 15 April: an
          open credit of 200 on 10 April (before: left out), E not yet invoiced (before: E
          and B below listed);
        * B, 500 of 15 April: after the statement date, not listed;
        * payments: the 300 of 1 April only, not those of 20 April.

        Open items 700 + 1 000 = 1 700, all overdue; credits -200; balance 1 500, of which
        overdue 1 700 - 200 = 1 500 (net of the credit, issue 17 #2) (before:
        B 500 + D 500 open, no credit, 1 000). Printed on 10 April itself the same figures."""
        usd = self.setup_other_currency("USD", rates=[("2000-01-01", 1.10)])
        customer = self._customer("Releve", lang="en_US")
        first = self._invoice(customer, 1000.0, "2026-03-01", "2026-03-31")
        dollars = self._invoice(customer, 1100.0, "2026-03-01", "2026-03-31", currency=usd)
        credit = self._document(customer, 200.0, "2026-04-02", "out_refund")
        self._pay(first, 300.0, "2026-04-01")
        later = self._document(customer, 200.0, "2026-04-15")
        self._match(later, credit)
        self._document(customer, 500.0, "2026-04-15")
        self._pay(first, 700.0, "2026-04-20")
        self._pay(dollars, 550.0, "2026-04-20")
        for today in ("2026-04-10", "2026-05-01"):
            with self.subTest(printed=today), freeze_time(today):
                statement = self.env["recouvrement.statement"]._get_statements(
                    customer, date="2026-04-10"
                )[customer.id]
                html, _type = self.env["ir.actions.report"]._render_qweb_html(
                    "recouvrement_b2b.action_report_customer_statement",
                    customer.ids,
                    {"date": "2026-04-10"},
                )
                self.assertEqual(statement["open_items"].move_id, first | dollars)
                self.assertEqual(statement["credits"].move_id, credit)
                self.assertEqual(statement["payments"].mapped("balance"), [-300.0])
                self.assertEqual(
                    [statement["residuals"][line.id] for line in statement["open_items"]],
                    [700.0, 1000.0],
                )
                self.assertEqual(
                    [statement["days_late"][line.id] for line in statement["open_items"]],
                    [10, 10],
                )
                self.assertEqual(
                    [
                        statement[key]
                        for key in ("total_open", "total_credits", "overdue", "balance")
                    ],
                    [1700.0, -200.0, 1500.0, 1500.0],
                )
                text = re.sub(r"<[^>]+>", " ", html.decode()).replace("\ufeff", "")
                text = " ".join(text.replace("\xa0", " ").split())
                for part in ("$ 1,100.00", "700.00 €", "-200.00 €", "1,500.00 €"):
                    self.assertIn(part, text)
                self.assertNotIn("$ 550.00", text)

    def test_statement_as_at_its_date_at_constant_queries(self):
        """The statement of a past date costs the same queries for 2 and 12 customers, each
        with an invoice paid after that date and one paid before."""
        counts = []
        for size in (2, 12):
            partners = self.env["res.partner"].concat(
                *(self._customer(f"Compte{size}x{i}") for i in range(size))
            )
            for partner in partners:
                for day in ("2026-03-10", "2026-04-20"):
                    self._pay(self._document(partner, 100.0, "2026-03-01"), 100.0, day)
            service = self.env["recouvrement.statement"]
            with freeze_time("2026-05-01"), patch("random.random", lambda: 1):
                measured = []
                for _warm_then_measure in range(2):  # the caches that do not depend on data
                    self.env.invalidate_all()
                    self.env.flush_all()
                    self.env.cr.flush()
                    start = self.cr.sql_log_count
                    statements = service._get_statements(partners, date="2026-04-10")
                    measured.append(self.cr.sql_log_count - start)
                counts.append(measured[-1])
            self.assertEqual(
                {statement["total_open"] for statement in statements.values()}, {100.0}
            )
        self.assertEqual(counts[0], counts[1])

    @freeze_time("2026-05-10")
    def test_aged_balance_disputed_per_instalment_rounded(self):
        """An invoice of 1 000 in halves (31 March, 30 May), 100 paid on 1 April: instalments
        of 400 and 500, 900 due; a dispute of 100. The aged balance spreads it in proportion:
        100 x 400 / 900 = 44.444... -> 44.44 and 100 x 500 / 900 = 55.555... -> 55.56, 100.00
        in all, as the worklist rounds it (before: 44.4444444 and 55.5555556 shown as such in
        exports and pivots)."""
        customer = self._customer("Arrondi")
        invoice = self._document(customer, 1000.0, "2026-03-01", term=self.split)
        self._pay(invoice, 100.0, "2026-04-01")
        self.env["recouvrement.dispute"].with_user(self.controller).create(
            {"move_id": invoice.id, "reason": "price", "amount": 100.0}
        )
        rows = (
            self.env["recouvrement.aged.balance"]
            .with_user(self.controller)
            .search_read([("move_id", "=", invoice.id)], ["residual", "disputed"])
        )
        self.assertEqual(
            [(row["residual"], row["disputed"]) for row in rows],
            [(400.0, 44.44), (500.0, 55.56)],
        )
        groups = (
            self.env["recouvrement.aged.balance"]
            .with_user(self.controller)
            ._read_group([("move_id", "=", invoice.id)], [], ["disputed:sum"])
        )
        self.assertEqual(groups[0][0], 100.0)

    @freeze_time("2026-05-10")
    def test_dispute_resolved_by_a_credit_note_of_its_customer_only(self):
        """A dispute of 300 on an invoice of Garnier "resolved" by a posted credit note of 300
        of another customer, Dubois (through the API: the form's domain offers Garnier's
        only): refused, naming the dispute and the field, the dispute stays open and its 300
        stay held back (before: resolved, the 300 claimed again with nothing credited).
        Garnier's own credit note resolves it."""
        garnier, dubois = self._customer("Garnier"), self._customer("Dubois")
        invoice = self._document(garnier, 1000.0, "2026-03-01")
        theirs = self._document(dubois, 300.0, "2026-05-01", "out_refund")
        ours = self._document(garnier, 300.0, "2026-05-01", "out_refund")
        dispute = (
            self.env["recouvrement.dispute"]
            .with_user(self.controller)
            .create({"move_id": invoice.id, "reason": "price", "amount": 300.0})
        )
        dispute.credit_note_id = theirs
        with self.assertRaisesRegex(UserError, r"choose a posted credit note of the customer"):
            dispute.action_resolve()
        self.assertRecordValues(dispute, [{"state": "open", "amount": 300.0}])
        self.assertEqual(invoice.disputed_amount, 300.0)
        self._match(invoice, ours)
        dispute.credit_note_id = ours
        dispute.action_resolve()
        self.assertEqual(dispute.state, "resolved")

    @freeze_time("2026-05-10")
    def test_credit_note_resolves_disputes_up_to_its_amount(self):
        """Invoices A and B of 1 000, disputes of 300 on each; a credit note of 50 matched
        with A resolved both (before: 600 released for 50 credited). Now:

        * the note of 50 resolves neither: A's 300 > 50 left; B's, the note neither reverses
          B nor is reconciled with it: both refused, naming dispute, note and amounts;
        * a note of 400 reversing A (Odoo reconciles it on posting): resolves A's 300, leaving
          100; a second dispute of 200 on A (550 due): 200 > 100 left, refused; of 100:
          resolved, 0 left;
        * A paid down to 250, a note of 600 matched with A (250) and B (350): resolves B's
          300 (300 <= 600), then a dispute of 301 on B with it: 600 - 300 = 300 < 301,
          refused."""
        customer = self._customer("Avoirs")
        first = self._document(customer, 1000.0, "2026-03-01")
        second = self._document(customer, 1000.0, "2026-03-01")
        Dispute = self.env["recouvrement.dispute"].with_user(self.controller)
        on_first = Dispute.create({"move_id": first.id, "reason": "price", "amount": 300.0})
        on_second = Dispute.create({"move_id": second.id, "reason": "price", "amount": 300.0})
        small = self._document(customer, 50.0, "2026-05-01", "out_refund")
        self._match(first, small)
        eur = self.company.currency_id

        def amount(value):
            return re.escape(format_amount(self.env, value, eur))

        on_first.credit_note_id = on_second.credit_note_id = small
        with self.assertRaisesRegex(
            UserError,
            f"{re.escape(on_first.display_name)}: credit note {re.escape(small.name)} of "
            f"{amount(50.0)} has {amount(50.0)} left .* disputed amount, {amount(300.0)}",
        ):
            on_first.action_resolve()
        with self.assertRaisesRegex(
            UserError,
            f"{re.escape(on_second.display_name)}: credit note {re.escape(small.name)} neither "
            f"reverses invoice {re.escape(second.name)}",
        ):
            on_second.action_resolve()
        with self.assertRaises(UserError):
            (on_first | on_second).action_resolve()
        self.assertEqual((on_first | on_second).mapped("state"), ["open", "open"])
        self.assertEqual(first.disputed_amount + second.disputed_amount, 600.0)
        reversal = self.env["account.move"].create(
            {
                "move_type": "out_refund",
                "partner_id": customer.id,
                "invoice_date": "2026-05-02",
                "reversed_entry_id": first.id,
                "invoice_line_ids": [
                    Command.create({"name": "Avoir", "price_unit": 400.0, "tax_ids": []})
                ],
            }
        )
        reversal.action_post()
        on_first.credit_note_id = reversal
        on_first.action_resolve()
        more = Dispute.create({"move_id": first.id, "reason": "quality", "amount": 200.0})
        more.credit_note_id = reversal
        with self.assertRaisesRegex(
            UserError, f"has {amount(100.0)} left .* disputed amount, {amount(200.0)}"
        ):
            more.action_resolve()
        more.amount = 100.0
        more.action_resolve()
        big = self._document(customer, 600.0, "2026-05-03", "out_refund")
        self._pay(first, 300.0, "2026-05-03")  # 1 000 - 50 - 400 - 300: 250 left due on A
        self._match(first, big)
        self._match(second, big)
        self.assertEqual((first.amount_residual, second.amount_residual), (0.0, 650.0))
        self.assertEqual(big.amount_residual, 0.0)
        on_second.credit_note_id = big
        on_second.action_resolve()
        last = Dispute.create({"move_id": second.id, "reason": "delivery", "amount": 301.0})
        last.credit_note_id = big
        with self.assertRaisesRegex(UserError, f"has {amount(300.0)} left"):
            last.action_resolve()
        self.assertEqual(
            (on_first | more | on_second | last).mapped("state"),
            ["resolved", "resolved", "resolved", "open"],
        )


@tagged("post_install", "-at_install")
class TestDisputeConcurrency(TwoCursorsCommon):
    """Two users record a dispute of 600 on the same invoice of 1 000 at once (two cursors,
    committed data): each alone is below the amount due, together 1 200. The later
    transaction fails with a serialization error (the customer's row, as for promises),
    which Odoo's request handling retries; the retry sees the first dispute and is refused.
    Before: both were stored, 1 200 disputed on 1 000 due."""

    partner_name = "Scierie Querelle"

    def _clean_up_records(self, env):
        disputes = env["recouvrement.dispute"].search([("move_id", "=", self.move_id)])
        disputes.message_ids.unlink()
        disputes.unlink()  # open disputes: not evidence yet

    def test_two_users_dispute_the_same_invoice_at_once(self):
        def record(env, reason):
            dispute = env["recouvrement.dispute"].create(
                {"move_id": self.move_id, "reason": reason, "amount": 600.0}
            )
            env.flush_all()
            return dispute.id

        env1, env2 = self.envs
        env1.cr.execute("SELECT 1")  # its snapshot is taken before the other one commits
        first = record(env2, "price")
        env2.cr.commit()
        with self.assertRaises(SerializationFailure), mute_logger("odoo.sql_db"):
            record(env1, "quality")
        env1.cr.rollback()  # odoo.service.model.retrying: the request again
        env1.transaction.reset()
        with self.assertRaisesRegex(ValidationError, "contest .*1,200.00 in all"):
            record(env1, "quality")
        env1.cr.rollback()
        disputes = env1["recouvrement.dispute"].search([("move_id", "=", self.move_id)])
        self.assertEqual(disputes.ids, [first])


@tagged("post_install", "-at_install")
class TestBreak13Plans(PlanCommon):
    """Payment plans on invoices in a foreign currency are measured in that currency (the
    plan's), as promises are since e5732a7."""

    def test_plan_in_dollars_ignores_exchange_differences(self):
        """1 EUR = 2 USD until 14 March 2025, 2.5 from 15 March. An invoice of 1 000 USD
        (500 EUR in the books) in a plan of two instalments of 500 USD, 31 March and 30 April.

        * 20 March, 500 USD paid (200 EUR at 2.5): Odoo books an exchange difference of
          50 EUR reconciled with the invoice; the plan counts 500 USD paid, the first
          instalment paid, 500 USD left (the exchange difference is no payment);
        * 15 April: the plan is neither broken nor completed;
        * 20 April, 200 EUR paid (500 USD at 2.5): 1 000 USD paid, the plan is completed."""
        usd = self.setup_other_currency("USD", rates=[("2000-01-01", 2.0), ("2025-03-15", 2.5)])
        customer = self.env["res.partner"].create({"name": "Dollar", "is_company": True})
        invoice = self._invoice(customer, 1000.0, "2024-12-16", "2025-01-15", currency=usd)
        self.assertEqual(invoice.amount_residual_signed, 500.0)
        with freeze_time("2025-03-01"):
            plan = self._create_plan(invoice, instalment_count=2)
            plan.signature_date = date(2025, 3, 1)
            plan.action_activate()
        self.assertRecordValues(plan, [{"currency_id": usd.id, "amount_total": 1000.0}])
        with freeze_time("2025-03-20"):
            self._pay(invoice, 500.0, "2025-03-20")
            self.assertTrue(invoice.line_ids.matched_credit_ids.exchange_move_id)
            self.assertEqual(invoice.amount_residual_signed, 250.0)  # 500 USD at the books' rate
            self.assertRecordValues(plan, [{"amount_paid": 500.0, "amount_residual": 500.0}])
            self.assertRecordValues(
                plan.line_ids,
                [
                    {"amount_paid": 500.0, "amount_residual": 0.0, "state": "paid"},
                    {"amount_paid": 0.0, "amount_residual": 500.0, "state": "to_pay"},
                ],
            )
        with freeze_time("2025-04-15"):
            self.Plan._cron_check_plans()
        self.assertEqual(plan.state, "active")
        payment = (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create(
                {
                    "amount": 200.0,
                    "currency_id": self.company.currency_id.id,
                    "payment_date": "2025-04-20",
                }
            )
        )
        payment._create_payments()
        self.assertEqual(invoice.payment_state, "paid")
        with freeze_time("2025-04-21"):
            self.Plan._cron_check_plans()
        self.assertRecordValues(plan, [{"state": "completed", "amount_paid": 1000.0}])
