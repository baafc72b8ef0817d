"""Fresh tester of stop 24 (try24), issue 17: the kinds of its faults tried again with inputs no
other test uses (commit 0297c14): a consumer's invoice in instalments and the formal notice of
one of them, a payment term with an early-payment discount. Faults (failing on the candidate)
in ``TestTry24Faults``, checks that pass (regression guards) in ``TestTry24Checks``. Values by
hand in each test; the penalty rate of 2026-S1 is 12.15 % (ECB 2.15 % + 10), the legal interest
rate of 2026-S1 for a creditor other than a natural person 2.62 %."""

from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common import DunningRunCommon
from .test_try20 import Try20Common
from .test_try23 import Try23Common


class Try24Common(Try23Common, Try20Common):
    """Try23's helpers (``_claim(move, day)``, ``_plan_of``) and Try20's (``_claims``,
    ``_group``, ``_figures``, ``_draft_plan``, ``_sign``; ``self.move``: 1 000 of
    ``self.customer`` dated 1 February 2026 due 1 March)."""

    # the run's plan of a day (Try20's ``_plan`` makes a payment plan)
    _plan = DunningRunCommon._plan

    def _consumer_halves(self, name):
        """``(consumer, move, [first half, second half])``: a natural person without SIREN nor
        VAT number (a consumer, LEGAL.md) owing 1 000 dated 1 January 2026, half due
        31 January, half due 1 April (payment term 50 % 30 days + 50 % 90 days)."""
        consumer = self._customer(name, is_company=False)
        move = self._invoice_with_term(
            consumer, 1000.0, "2026-01-01", self._term((50, 30), (50, 90))
        )
        lines = move.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        ).sorted("date_maturity")
        self.assertEqual(lines.mapped("date_maturity"), [date(2026, 1, 31), date(2026, 4, 1)])
        return consumer, move, lines

    def _notice(self, move, lines, day):
        """A formal notice by email of ``lines`` (instalments) of ``move``, sent (left the
        outgoing queue) on ``day``, as the run records it."""
        return self._reminder_event(
            move,
            self.level_notice,
            day,
            line_ids=[Command.set(lines.ids)],
            channel="email",
            state="sent",
            amount_due=sum(lines.mapped("amount_residual")),
        )

    def _discount_term(self):
        """2 % off if paid within 10 days, else net at 30 days (Odoo's early payment
        discount)."""
        return self.env["account.payment.term"].create(
            {
                "name": "2 % 10 j, net 30 j",
                "early_discount": True,
                "discount_percentage": 2.0,
                "discount_days": 10,
                "line_ids": [
                    Command.create({"value": "percent", "value_amount": 100, "nb_days": 30})
                ],
            }
        )

    def _pay_as_the_wizard_proposes(self, move, day, amount=None):
        """A payment registered on ``move`` on ``day`` with the register wizard's own defaults
        (the early payment discount applied when ``day`` is within its period), ``amount``
        when given."""
        vals = {"payment_date": day}
        if amount is not None:
            vals["amount"] = amount
        with freeze_time(day):
            wizard = (
                self.env["account.payment.register"]
                .with_context(active_model="account.move", active_ids=move.ids)
                .create(vals)
            )
            return wizard, wizard._create_payments()


@tagged("post_install", "-at_install")
class TestTry24Faults(Try24Common):
    def test_f1_consumer_notice_of_one_instalment_starts_interest_on_the_other(self):
        # A consumer owes 1 000 in two halves, due 31 January and 1 April 2026. A formal
        # notice by email of 17 March lists the first half only (the second was not yet due:
        # README, "A formal notice or a credit hold lists only the instalments a delivered
        # reminder named after their due date"). On 30 April nothing was paid.
        # LEGAL.md, consumers: "the creditor may claim only interest at the legal rate ...
        # from the mise en demeure (Code civil 1231-6, 1344-1)", "first accruing day = the
        # day after the mise en demeure's date, and nothing before it"; instalments: "Each due
        # date printed on the invoice is a payment date". A notice of the first half put the
        # consumer "en demeure" of paying that half, not of a half not yet due (art. 1344:
        # the debtor is put en demeure of an obligation due); its interest waits for a notice
        # naming it.
        # Right: first half 500 x 2.62 % x 44 / 365 (18 March - 30 April: 14 + 30 days)
        # = 576.4 / 365 = 1.5792; second half 0: 1.58, no indemnity.
        # Found (suspected): 2.62, the second half from 2 April too (500 x 2.62 % x 29 / 365
        # = 1.0408; 1.5792 + 1.0408 = 2.6200): recouvrement.penalty._prepare_penalty_params
        # takes one formal-notice date per invoice (_get_penalty_formal_notice_dates,
        # ``start_date``) and rules.penalties.compute_instalments_penalty starts every
        # instalment at max(due + 1, notice + 1), whichever instalments the notice listed.
        _consumer, move, lines = self._consumer_halves("Jean Deux Moities")
        self._notice(move, lines[0], "2026-03-17")
        self.assertEqual(self._claim(move, "2026-04-30"), (1.58, 0.0))


@tagged("post_install", "-at_install")
class TestTry24Checks(Try24Common):
    def test_c1_consumer_instalments_no_penalty_nor_indemnity_without_notice(self):
        # The consumer's two halves (31 January, 1 April), nothing paid, no formal notice: on
        # 30 April no L441-10 penalty (500 x 12.15 % x 89 / 365 would be 14.81) and no 40 EUR
        # (LEGAL.md: "A consumer ... owes no L441-10 penalty and no 40 EUR"): 0.00, 0.00.
        _consumer, move, _lines = self._consumer_halves("Marie Deux Moities")
        self.assertEqual(self._claim(move, "2026-04-30"), (0.0, 0.0))

    def test_c2_consumer_notice_of_both_halves(self):
        # The consumer's two halves, a formal notice of 2 April lists both (both due): legal
        # interest from 3 April to 30 April, 28 days, on 1 000: 1 000 x 2.62 % x 28 / 365 =
        # 733.6 / 365 = 2.0099 -> 2.01; no indemnity.
        _consumer, move, lines = self._consumer_halves("Paul Deux Moities")
        self._notice(move, lines, "2026-04-02")
        self.assertEqual(self._claim(move, "2026-04-30"), (2.01, 0.0))

    def test_c3_early_discount_paid_within_its_period(self):
        # 1 000 dated 1 March 2026, 2 % off within 10 days (11 March), net 31 March. The
        # customer pays 980 on 8 March as the register wizard proposes (the discount
        # applied): nothing is owed, so no penalty, no indemnity, no reminder on 30 April.
        customer = self._customer("Scierie Escompte")
        move = self._invoice_with_term(customer, 1000.0, "2026-03-01", self._discount_term())
        self.assertEqual(move.invoice_date_due, date(2026, 3, 31))
        wizard, _payments = self._pay_as_the_wizard_proposes(move, "2026-03-08")
        self.assertEqual(wizard.amount, 980.0)
        self.assertEqual(move.payment_state, "paid")
        self.assertEqual(self._claim(move, "2026-04-30"), (0.0, 0.0))
        self.assertFalse(self._plan_of(customer, "2026-04-30"))

    def test_c4_early_discount_taken_after_its_period(self):
        # Same invoice; the customer pays 980 on 20 March (after 11 March: no discount), the
        # 20 left unpaid. On 30 April: penalty on 20 from 1 April to 30 April, 30 days:
        # 20 x 12.15 % x 30 / 365 = 72.9 / 365 = 0.1997 -> 0.20, and the 40 EUR (the invoice
        # is paid late: LEGAL.md, "as soon as any instalment is paid late"); the reminder of
        # that day claims 20.00 (not 1 000, nor 0 as if the discount had been granted).
        self._legal_penalties()
        customer = self._customer("Scierie Escompte Tardif")
        move = self._invoice_with_term(customer, 1000.0, "2026-03-01", self._discount_term())
        self._pay(move, 980.0, "2026-03-20")
        self.assertEqual(move.amount_residual, 20.0)
        self.assertEqual(self._claim(move, "2026-04-30"), (0.2, 40.0))
        [item] = self._plan_of(customer, "2026-04-30")
        self.assertEqual(item["amount_net"], 20.0)

    def test_c6_early_discount_partial_payment_within_its_period(self):
        # Same invoice; the customer pays 490 on 5 March (within the discount period, but
        # not the whole: no discount, the wizard's difference left open). 510 unpaid on
        # 30 April: 510 x 12.15 % x 30 / 365 = 1 858.95 / 365 = 5.0930 -> 5.09, and 40.00.
        self._legal_penalties()
        customer = self._customer("Scierie Escompte Partiel")
        move = self._invoice_with_term(customer, 1000.0, "2026-03-01", self._discount_term())
        self._pay(move, 490.0, "2026-03-05")
        self.assertEqual(move.amount_residual, 510.0)
        self.assertEqual(self._claim(move, "2026-04-30"), (5.09, 40.0))

    def test_c5_signed_plan_late_invoice_and_a_credit(self):
        # The customer's 1 000 due 1 March in a plan signed 20 March (2 x 500 on 30 April and
        # 30 May, penalties not included); L 600 dated 2 March due 1 April; a credit note of
        # 400 dated 10 January. README: "an invoice in a signed payment plan counts as not
        # yet due (the plan gave new terms)", the credit to the "oldest debt first: the due
        # instalments first": the credit pays 400 of L.
        # 2 April: L's courteous reminder claims 600 - 400 = 200 with 400 of credit; the page:
        # balance 1 000 + 600 - 400 = 1 200, to pay now 200 (the plan's 500 not due before
        # 30 April), 400 of credits. 5 May: the plan's first 500 is due too: to pay now
        # 500 + 200 = 700 (balance 1 200).
        self._sign(self._draft_plan(include_penalties=False), "2026-03-20")
        self._invoice(self.customer, 600.0, "2026-03-02", "2026-04-01")
        self._open_credit_note(self.customer, 400.0, "2026-01-10")
        self.assertEqual(
            self._claims(self.customer, "2026-04-02"),
            [("Courteous reminder", 200.0, 400.0, 0.0)],
        )
        self.assertEqual(
            self._figures(self._group(self.customer, "2026-04-02")), (1200.0, 200.0, 400.0, 0.0)
        )
        self.assertEqual(self._group(self.customer, "2026-05-05")["payable"], 700.0)
