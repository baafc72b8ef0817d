from datetime import date

from freezegun import freeze_time

from odoo import fields
from odoo.tests import tagged

from .common import DunningRunCommon


@tagged("post_install", "-at_install")
class TestClaimConsistency(DunningRunCommon):
    """Issue 17, claims after the break test: every claim states the same penalty figures.

    1 000 EUR dated 1 February 2026, due 1 March 2026; 2026-S1 ECB 2.15 %, L441-10 rate
    12.15 % (reference/ecb_mro_rates.csv). Product decision (README): while a commercial
    dispute is open, penalties run on the undisputed part only; rejected, the disputed part
    bears them from its due date; settled by a credit note, the credited part never bore any.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.level_firm.claim_penalties = True

    def _dispute(self, move, amount, day):
        with freeze_time(day):
            return (
                self.env["recouvrement.dispute"]
                .with_user(self.controller)
                .create(
                    {
                        "move_id": move.id,
                        "reason": "price",
                        "amount": amount,
                        "date": fields.Date.to_date(day),
                    }
                )
            )

    def _case(self, move, day):
        with freeze_time(day):
            return (
                self.env["recouvrement.litigation"]
                .with_user(self.controller)
                .create(
                    {
                        "partner_id": move.commercial_partner_id.id,
                        "company_id": self.company.id,
                        "move_ids": [(6, 0, move.ids)],
                    }
                )
            )

    def test_open_dispute_every_claim_on_the_undisputed_part(self):
        # 400 of the 1 000 disputed on 5 March, still open on 20 March (19 days late, firm
        # level): penalties on the 600 only, 600 x 12.15 % x 19 / 365 = 3.7948 -> 3.79 (not
        # the 6.32 of the whole 1 000), plus 40 EUR. The reminder claims 600 + 3.79 + 40,
        # and the invoice, the plan, the injonction de payer file and the penalty invoice
        # state the same 3.79.
        move = self._invoice(self.customer, 1000.0, "2026-02-01", "2026-03-01")
        self._dispute(move, 400.0, "2026-03-05")
        event = self._run("2026-03-20")
        self.assertRecordValues(
            event,
            [
                {
                    "level_id": self.level_firm.id,
                    "amount_due": 600.0,
                    "amount_penalty": 3.79,
                    "amount_indemnity": 40.0,
                    "amount_total": 643.79,
                }
            ],
        )
        with freeze_time("2026-03-20"):
            self.assertEqual((move.penalty_amount, move.penalty_indemnity), (3.79, 40.0))
            figures = self.env["recouvrement.penalty"]._get_penalty_claim_figures(
                move, date(2026, 3, 20)
            )
            self.assertEqual(figures[move.id]["penalty"], 3.79)
            [line] = self._case(move, "2026-03-20")._get_dossier_lines(date(2026, 3, 20))
            self.assertEqual((line["penalty"], line["indemnity"]), (3.79, 40.0))
        penalty_invoice = self._penalty_invoice(move, "2026-03-20")
        self.assertEqual(penalty_invoice.amount_total, 43.79)

    def test_rejected_dispute_bears_penalties_from_the_due_date(self):
        # Penalty invoice of 20 March during the dispute: 3.79 (2-20 March on the 600) + 40.
        # The dispute is rejected on 25 March: the 400 was owed all along. Penalty invoice of
        # 31 March: the whole 1 000 owes 1000 x 12.15 % x 30 / 365 = 9.9863 -> 9.99 to
        # 31 March, 6.32 of it to 20 March; charged: 21-31 March 9.99 - 6.32 = 3.67, and the
        # 2-20 March period's missing part 6.32 - 3.79 = 2.53: 6.20 (3.79 + 6.20 = 9.99); the
        # indemnity was charged. A reminder then claims no penalty any more.
        move = self._invoice(self.customer, 1000.0, "2026-02-01", "2026-03-01")
        dispute = self._dispute(move, 400.0, "2026-03-05")
        first = self._penalty_invoice(move, "2026-03-20")
        self.assertEqual(first.amount_total, 43.79)
        with freeze_time("2026-03-25"):
            dispute.with_user(self.controller).action_reject()
        with freeze_time("2026-03-25"):
            figures = self.env["recouvrement.penalty"]._get_penalty_claim_figures(
                move, date(2026, 3, 25)
            )
        # 24 days: 1000 x 12.15 % x 24 / 365 = 7.9890 -> 7.99, less the 3.79 invoiced
        self.assertEqual(figures[move.id]["penalty"], 4.20)
        second = self._penalty_invoice(move, "2026-03-31")
        self.assertEqual(
            sorted(
                (line.penalty_date_from, line.penalty_date_to, line.price_subtotal)
                for line in second.invoice_line_ids
            ),
            [
                (date(2026, 3, 2), date(2026, 3, 20), 2.53),
                (date(2026, 3, 21), date(2026, 3, 31), 3.67),
            ],
        )
        self.assertEqual(second.amount_total, 6.20)
        with freeze_time("2026-03-31"):
            figures = self.env["recouvrement.penalty"]._get_penalty_claim_figures(
                move, date(2026, 3, 31)
            )
        self.assertEqual((figures[move.id]["penalty"], figures[move.id]["indemnity"]), (0, 0))

    def test_credit_note_of_a_resolved_dispute_never_bore_penalties(self):
        # 400 disputed on 5 March, settled by a credit note of 400 dated 10 March: on
        # 20 March the penalty runs on the 600 owed from the due date, 3.79, not on the 400
        # until the credit note too (400 x 12.15 % x 9 / 365 = 1.1984, 4.99 in all).
        move = self._invoice(self.customer, 1000.0, "2026-02-01", "2026-03-01")
        dispute = self._dispute(move, 400.0, "2026-03-05")
        refund = self._invoice(self.customer, 400.0, "2026-03-10", post=False)
        refund.move_type = "out_refund"
        refund.action_post()
        (move | refund).line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        ).reconcile()
        with freeze_time("2026-03-10"):
            dispute.credit_note_id = refund
            dispute.with_user(self.controller).action_resolve()
        with freeze_time("2026-03-20"):
            self.assertEqual((move.penalty_amount, move.penalty_indemnity), (3.79, 40.0))
        # an ordinary credit note still lowers the base from its date
        other = self._invoice(self.customer, 1000.0, "2026-02-01", "2026-03-01")
        refund = self._invoice(self.customer, 400.0, "2026-03-10", post=False)
        refund.move_type = "out_refund"
        refund.action_post()
        (other | refund).line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        ).reconcile()
        with freeze_time("2026-03-20"):
            self.assertEqual(other.penalty_amount, 4.99)

    def test_dossier_claims_invoiced_penalties_through_their_open_amount(self):
        # Penalty invoice of 11 March: 2-11 March 1000 x 12.15 % x 10 / 365 = 3.33 + 40 =
        # 43.33, paid on 15 March. The injonction de payer file of 20 March claims the 1 000
        # and only what no penalty invoice charged: 6.32 - 3.33 = 2.99, no indemnity:
        # 1 002.99 (not 1 046.32). Partly paid (23.33 of 43.33, 20.00 open): the open 20.00
        # is claimed too, shared as the invoice's lines: 3.33 x 20 / 43.33 = 1.54 and
        # 40 x 20 / 43.33 = 18.46: penalties 2.99 + 1.54 = 4.53, indemnity 18.46, 1 022.99.
        move = self._invoice(self.customer, 1000.0, "2026-02-01", "2026-03-01")
        penalty_invoice = self._penalty_invoice(move, "2026-03-11")
        self.assertEqual(penalty_invoice.amount_total, 43.33)
        self._pay(penalty_invoice, 23.33, "2026-03-15")
        case = self._case(move, "2026-03-20")
        [line] = case._get_dossier_lines(date(2026, 3, 20))
        self.assertEqual(
            (line["principal"], line["penalty"], line["indemnity"], line["total"]),
            (1000.0, 4.53, 18.46, 1022.99),
        )
        self._pay(penalty_invoice, 20.0, "2026-03-16")
        [line] = case._get_dossier_lines(date(2026, 3, 20))
        self.assertEqual(
            (line["principal"], line["penalty"], line["indemnity"], line["total"]),
            (1000.0, 2.99, 0.0, 1002.99),
        )

    def test_claim_declaration_does_not_declare_paid_penalties(self):
        # Penalty invoice of 11 March (3.33 + 40) paid on 15 March; collective proceedings
        # opened on 20 March (interest stops: 2-19 March, 1000 x 12.15 % x 18 / 365 =
        # 5.9918 -> 5.99). Declared: 1 000 + 5.99 - 3.33 = 2.66 of penalties, no indemnity
        # (paid): 1 002.66, not 1 045.99.
        move = self._invoice(self.customer, 1000.0, "2026-02-01", "2026-03-01")
        penalty_invoice = self._penalty_invoice(move, "2026-03-11")
        self._pay(penalty_invoice, 43.33, "2026-03-15")
        self.customer.write(
            {"collective_proceedings": "redressement", "proceedings_date": date(2026, 3, 20)}
        )
        mandataire = self.env["res.partner"].create(
            {"name": "SELARL Mandataires", "is_company": True}
        )
        with freeze_time("2026-03-25"):
            declaration = self.env["recouvrement.claim.declaration"].create(
                {
                    "partner_id": self.customer.id,
                    "mandataire_id": mandataire.id,
                    "publication_date": date(2026, 3, 25),
                }
            )
        self.assertEqual(declaration.move_ids, move)
        self.assertRecordValues(
            declaration,
            [
                {
                    "principal_amount": 1000.0,
                    "penalty_amount": 2.66,
                    "indemnity_amount": 0.0,
                    "total_amount": 1002.66,
                }
            ],
        )

    def test_next_reminder_date_at_the_rate_of_the_day(self):
        # Courtesy and courteous levels: minimum 100 EUR. 120 USD dated 1 February 2026 at
        # 1 EUR = 1.10 USD (109.09 EUR in the books), due 1 March: the next reminder is the
        # courtesy one, 24 February. On 10 March 1 EUR = 1.25 USD (rate of 5 March): the
        # invoice is worth 96.00 EUR, under both minimums, and a reminder claims at that
        # rate: the next reminder is the firm one, 16 March (due + 15), as the plan says.
        (self.level_courtesy | self.level_courteous).min_amount = 100.0
        with freeze_time("2026-02-01"):
            usd = self.setup_other_currency("USD", rates=[("2026-01-01", 1.10)])
            move = self._invoice(self.customer, 120.0, "2026-02-01", "2026-03-01", currency=usd)
            self.assertEqual(move.dunning_next_date, date(2026, 2, 24))
        with freeze_time("2026-03-10"):
            self.env["res.currency.rate"].create(
                {
                    "name": "2026-03-05",
                    "rate": 1.25,
                    "currency_id": usd.id,
                    "company_id": self.company.id,
                }
            )
            self.assertEqual(move.dunning_next_date, date(2026, 3, 16))
            next_dates = self.env["recouvrement.dunning"]._get_next_dates(move, date(2026, 3, 10))
            self.assertEqual(next_dates[move.id], date(2026, 3, 16))
            plan = self.Dunning._get_plan(date(2026, 3, 10), companies=self.company)
        self.assertEqual(plan, [])
        with freeze_time("2026-03-16"):
            plan = self.Dunning._get_plan(date(2026, 3, 16), companies=self.company)
        self.assertEqual([item["level"] for item in plan], [self.level_firm])

    def test_level_minimum_on_the_undisputed_invoice_in_instalments(self):
        # 1 000 dated 1 May 2026: 500 due 31 May, 500 due 3 June; firm level minimum 280.
        # 500 disputed on 10 June, spread over the instalments (250 each). On 20 June both
        # instalments are past the firm level (20 and 17 days): the minimum applies to the
        # invoice's undisputed amount due, 500 >= 280, as it applies to the invoice without a
        # dispute, not to each instalment's 250: a firm reminder for 500.
        self.level_firm.min_amount = 280.0
        term = self.env["account.payment.term"].create(
            {
                "name": "50 % 30 j + 50 % 33 j",
                "line_ids": [
                    (0, 0, {"value": "percent", "value_amount": 50, "nb_days": 30}),
                    (0, 0, {"value": "percent", "value_amount": 50, "nb_days": 33}),
                ],
            }
        )
        move = self._invoice(self.customer, 1000.0, "2026-05-01", post=False)
        move.invoice_payment_term_id = term
        move.action_post()
        self._dispute(move, 500.0, "2026-06-10")
        with freeze_time("2026-06-20"):
            [item] = self.Dunning._get_plan(date(2026, 6, 20), companies=self.company)
        self.assertEqual(item["level"], self.level_firm)
        self.assertEqual(item["amount_net"], 500.0)
