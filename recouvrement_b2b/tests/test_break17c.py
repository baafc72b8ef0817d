from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common import DunningRunCommon


@tagged("post_install", "-at_install")
class TestBreak17Claims(DunningRunCommon):
    """Issue 17, third break test: what every document claims for the same customer."""

    def _term(self, *parts):
        return self.env["account.payment.term"].create(
            {
                "name": " + ".join(f"{percent} % {days} j" for percent, days in parts),
                "line_ids": [
                    Command.create({"value": "percent", "value_amount": percent, "nb_days": days})
                    for percent, days in parts
                ],
            }
        )

    def _invoice_with_term(self, partner, amount, invoice_date, term):
        move = self._invoice(partner, amount, invoice_date, post=False)
        move.invoice_payment_term_id = term
        move.action_post()
        return move

    def _refund(self, partner, amount, day):
        refund = self._invoice(partner, amount, day, post=False)
        refund.move_type = "out_refund"
        refund.action_post()
        return refund

    def test_prescription_from_the_oldest_unpaid_instalment(self):
        # 1 000 EUR dated 8 February 2021, 30 % at 30 days and 70 % at 120 days: 300 due
        # 10 March 2021, 700 due 8 June 2021. Each due date is a payment date (LEGAL.md,
        # instalments) and prescription runs 5 years from the due date (L110-4 C. com.): the
        # 300 is time-barred after 10 March 2021 + 5 years = 10 March 2026, not 8 June 2026
        # (the invoice's last due date).
        move = self._invoice_with_term(
            self.customer, 1000.0, "2021-02-08", self._term((30, 30), (70, 120))
        )
        self.assertEqual(
            move.line_ids.filtered(lambda line: line.display_type == "payment_term")
            .sorted("date_maturity")
            .mapped("date_maturity"),
            [date(2021, 3, 10), date(2021, 6, 8)],
        )
        self.assertEqual(move.prescription_date, date(2026, 3, 10))
        # the 300 paid (late) on 1 April 2021: what is left, the 700, prescribes on
        # 8 June 2021 + 5 years = 8 June 2026
        self._pay(move, 300.0, "2021-04-01")
        self.assertEqual(move.prescription_date, date(2026, 6, 8))
        # a consumer: 2 years (L218-2 C. consom.) from the oldest unpaid instalment too,
        # 10 March 2021 + 2 years = 10 March 2023
        consumer = self.env["res.partner"].create({"name": "Paul Girard", "is_company": False})
        other = self._invoice_with_term(
            consumer, 1000.0, "2021-02-08", self._term((30, 30), (70, 120))
        )
        self.assertEqual(other.prescription_date, date(2023, 3, 10))

    def test_collection_page_days_late_from_the_oldest_unpaid_instalment(self):
        # Issue 17 #1 on the customer's collection page: 1 000 EUR dated 1 May 2026, 300 due
        # 31 May and 700 due 30 July. On 20 June the page claims the penalty of the 300
        # (300 x 12.15 % x 20 / 365 = 1.9973 -> 2.00) and the 40 EUR: it is 20 days late
        # (1-20 June), as the reminder's letter says, not 0 (30 July is not reached).
        move = self._invoice_with_term(
            self.customer, 1000.0, "2026-05-01", self._term((30, 30), (70, 90))
        )
        with freeze_time("2026-06-20"):
            values = self.env["recouvrement.customer"]._get_portal_values(
                self.customer, date(2026, 6, 20)
            )
        self.assertEqual(
            [
                (line["move"], line["days"], line["penalty"], line["indemnity"])
                for line in values["lines"]
            ],
            [(move, 20, 2.0, 40.0)],
        )
        event = self._run("2026-06-20")
        self.assertEqual([line["days"] for line in event._get_letter_lines()], [20])
