from contextlib import contextmanager
from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.modules.migration import load_script
from odoo.tests import Form, tagged

from .common import RecouvrementCommon


@tagged("post_install", "-at_install")
class TestPenalties(RecouvrementCommon):
    """L441-10 penalties and D441-5 indemnity on real posted invoices.

    Rates from the module's data: ECB 4.50 % on 2024-01-01 (penalty 14.50 %), 4.25 % on
    2024-07-01 (14.25 %); legal interest rate (professionals) 5.07 % in 2024-S1.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._legal_penalties()
        cls.other_customer = cls.env["res.partner"].create(
            {"name": "Plomberie Chevalier", "is_company": True, "siren": "882029382"}
        )
        cls.consumer = cls.env["res.partner"].create({"name": "Jean Dupont", "is_company": False})
        # Editing customers needs the "Contact Creation" right, as for any internal user.
        partner_manager = cls.env.ref("base.group_partner_manager")
        (cls.controller | cls.manager).sudo().groups_id = [Command.link(partner_manager.id)]

    def _figures(self, moves, to_date):
        return moves.with_user(self.controller)._get_penalty_figures(to_date)

    # --- computation on posted invoices ------------------------------------------------------

    def test_worked_example_paid_late(self):
        # LEGAL.md: 12 000 due 2024-03-15 paid 2024-06-30: 107 days at 14.50 % = 510.08.
        move = self._invoice(self.customer, 12000, date(2024, 2, 14), date(2024, 3, 15))
        self._pay(move, 12000, date(2024, 6, 30))
        figures = self._figures(move, date(2024, 9, 1))
        self.assertEqual(
            figures[move.id], {"penalty": 510.08, "indemnity": 40.0, "rate": 14.5, "days": 107}
        )
        with freeze_time("2024-09-01"):
            move.invalidate_recordset()
            self.assertRecordValues(
                move.with_user(self.controller),
                [
                    {
                        "penalty_amount": 510.08,
                        "penalty_indemnity": 40.0,
                        "penalty_rate": 14.5,
                        "penalty_days": 107,
                        "penalty_error": False,
                    }
                ],
            )
            explanation = move.with_user(self.controller).penalty_explanation
        self.assertIn("107 days late", explanation)
        self.assertIn("ECB main refinancing rate 4.50 % + 10 points = 14.50 %", explanation)

    def test_partial_payments(self):
        # 10 000 due 2024-03-15; 4 000 paid 2024-03-25, 6 000 paid 2024-04-14:
        #   Mar 16-25: 10 days x 10 000 x 14.50 % = 1 450 000 / 36500
        #   Mar 26 - Apr 14: 20 days x 6 000 x 14.50 % = 1 740 000 / 36500
        #   3 190 000 / 36500 = 87.397 -> 87.40
        move = self._invoice(self.customer, 10000, date(2024, 2, 14), date(2024, 3, 15))
        self._pay(move, 4000, date(2024, 3, 25))
        # Before the second payment, on 2024-04-04: 10 days x 10 000 + 10 days x 6 000
        # = (1 450 000 + 870 000) / 36500 = 63.561... -> 63.56, still unpaid: indemnity due.
        self.assertEqual(self._figures(move, date(2024, 4, 4))[move.id]["penalty"], 63.56)
        self._pay(move, 6000, date(2024, 4, 14))
        figures = self._figures(move, date(2024, 12, 31))[move.id]
        self.assertEqual((figures["penalty"], figures["days"]), (87.40, 30))
        self.assertEqual(figures["indemnity"], 40.0)

    def test_credit_note_lowers_the_base_from_the_next_day(self):
        # Same figures as the partial payments, the 4 000 being a credit note of 2024-03-25
        # reconciled with the invoice: 87.40.
        move = self._invoice(self.customer, 10000, date(2024, 2, 14), date(2024, 3, 15))
        refund = self.env["account.move"].create(
            {
                "move_type": "out_refund",
                "partner_id": self.customer.id,
                "invoice_date": date(2024, 3, 25),
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Avoir", "quantity": 1, "price_unit": 4000, "tax_ids": []}
                    )
                ],
            }
        )
        refund.action_post()
        (move + refund).line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        ).reconcile()
        self._pay(move, 6000, date(2024, 4, 14))
        figures = self._figures(move | refund, date(2024, 12, 31))
        self.assertEqual(figures[move.id]["penalty"], 87.40)
        # A credit note bears no penalty.
        self.assertEqual(
            figures[refund.id], {"penalty": 0.0, "indemnity": 0.0, "rate": 0.0, "days": 0}
        )

    def test_paid_on_time_and_not_yet_due(self):
        on_time = self._invoice(self.customer, 1000, date(2024, 2, 14), date(2024, 3, 15))
        self._pay(on_time, 1000, date(2024, 3, 15))
        not_due = self._invoice(self.customer, 1000, date(2024, 3, 1), date(2024, 4, 30))
        figures = self._figures(on_time | not_due, date(2024, 4, 1))
        for move in on_time | not_due:
            self.assertEqual(figures[move.id]["penalty"], 0.0)
            self.assertEqual(figures[move.id]["indemnity"], 0.0)

    def test_crossing_the_half_year_and_fixed_convention(self):
        # 10 000 due 2024-06-20 paid 2024-07-10: 10 days at 14.50 + 10 days at 14.25
        # = (1 450 000 + 1 425 000) / 36500 = 78.767 -> 78.77; fixed: 20 x 14.50 -> 79.45.
        move = self._invoice(self.customer, 10000, date(2024, 5, 21), date(2024, 6, 20))
        self._pay(move, 10000, date(2024, 7, 10))
        figures = self._figures(move, date(2024, 8, 1))[move.id]
        self.assertEqual((figures["penalty"], figures["rate"]), (78.77, 14.25))
        self.company.penalty_convention = "fixed"
        self.assertEqual(self._figures(move, date(2024, 8, 1))[move.id]["penalty"], 79.45)

    def test_contract_rate_with_floor_and_customer_override(self):
        # Contract mode, company 5 %: below the 2024-S1 floor 3 x 5.07 = 15.21 -> 15.21:
        # 10 000 x 15.21 x 30 / 36500 = 125.01. Customer override 20 %: 164.38.
        self.company.write({"penalty_rate_mode": "contract", "penalty_contract_rate": 5.0})
        move = self._invoice(self.customer, 10000, date(2024, 2, 14), date(2024, 3, 15))
        figures = self._figures(move, date(2024, 4, 14))[move.id]
        self.assertEqual((figures["penalty"], figures["rate"]), (125.01, 15.21))
        with freeze_time("2024-04-14"):
            move.invalidate_recordset()
            self.assertIn("below the legal floor", move.penalty_explanation)
        self.customer.with_user(self.controller).penalty_contract_rate = 20.0
        self.assertEqual(self._figures(move, date(2024, 4, 14))[move.id]["penalty"], 164.38)

    def test_consumer_owes_legal_interest_from_the_formal_notice_only(self):
        # Issue 17 #8: a natural person without SIREN nor VAT number pays 1 500 EUR thirty
        # days late: no L441-10 penalty (17.88 at ECB + 10 before) and no 40 EUR.
        move = self._invoice(self.consumer, 1500, date(2024, 2, 14), date(2024, 3, 15))
        self._pay(move, 1500, date(2024, 4, 14))
        figures = self._figures(move, date(2024, 6, 30))[move.id]
        self.assertEqual((figures["penalty"], figures["indemnity"]), (0.0, 0.0))
        # Unpaid, no formal notice: nothing accrues, said as such; nothing to invoice.
        late = self._invoice(self.consumer, 10000, date(2024, 2, 14), date(2024, 3, 15))
        figures = self._figures(late, date(2024, 4, 14))[late.id]
        self.assertEqual((figures["penalty"], figures["indemnity"]), (0.0, 0.0))
        with freeze_time("2024-04-14"):
            late.invalidate_recordset()
            self.assertIn("No late-payment penalty against a consumer", late.penalty_explanation)
            with self.assertRaisesRegex(UserError, "against a consumer"):
                late.with_user(self.controller)._create_penalty_invoices()
        # Formal notice sent on 2024-04-01: legal interest (2024-S1: 5.07 %, creditor other
        # than a natural person) from 2024-04-02, 13 days to 2024-04-14:
        # 10 000 x 5.07 x 13 / 36500 = 659 100 / 36500 = 18.057 -> 18.06; still no indemnity.
        self.env["recouvrement.dunning.event"].sudo().create(
            {
                "partner_id": self.consumer.id,
                "move_ids": [Command.set(late.ids)],
                "level_id": self.env.ref("recouvrement_b2b.dunning_level_formal_notice").id,
                "date": date(2024, 4, 1),
                "state": "sent",
            }
        )
        figures = self._figures(late, date(2024, 4, 14))[late.id]
        self.assertEqual(figures, {"penalty": 18.06, "indemnity": 0.0, "rate": 5.07, "days": 13})
        with freeze_time("2024-04-14"):
            invoice = late.with_user(self.controller)._create_penalty_invoices()
        self.assertRecordValues(
            invoice.invoice_line_ids,
            [
                {
                    "name": f"Interest at the legal rate - invoice {late.name} from 04/02/2024 "
                    "to 04/14/2024, 13 days, rate 5.07 %",
                    "price_unit": 18.06,
                    "penalty_date_from": date(2024, 4, 2),
                }
            ],
        )
        # The L441-9 mention of a consumer's invoice: legal interest, no indemnity.
        mention = self.env["recouvrement.penalty"]._get_penalty_mention(late)
        self.assertEqual(
            mention,
            "Due date: 03/15/2024. Any late payment bears interest at the legal rate from the "
            "formal notice (art. 1231-6 and 1344-1 Code civil).",
        )

    def test_consumer_interest_runs_from_the_receipt_of_a_posted_notice(self):
        # A formal notice by registered letter prepared on 2024-04-01 but posted on 2024-04-05
        # (no proof of delivery: 3 days of post, received 2024-04-08): legal interest from
        # 2024-04-09, 6 days to 2024-04-14: 10 000 x 5.07 x 6 / 36500 = 8.334 -> 8.33, not
        # 13 days from its preparation (18.06). With a proof of delivery of 2024-04-07: from
        # 2024-04-08, 7 days: 10 000 x 5.07 x 7 / 36500 = 9.723 -> 9.72.
        late = self._invoice(self.consumer, 10000, date(2024, 2, 14), date(2024, 3, 15))
        notice = (
            self.env["recouvrement.dunning.event"]
            .sudo()
            .create(
                {
                    "partner_id": self.consumer.id,
                    "move_ids": [Command.set(late.ids)],
                    "level_id": self.env.ref("recouvrement_b2b.dunning_level_formal_notice").id,
                    "channel": "registered",
                    "date": date(2024, 4, 1),
                    "state": "posted",
                    "post_date": date(2024, 4, 5),
                }
            )
        )
        figures = self._figures(late, date(2024, 4, 14))[late.id]
        self.assertEqual(figures, {"penalty": 8.33, "indemnity": 0.0, "rate": 5.07, "days": 6})
        notice.delivery_date = date(2024, 4, 7)
        figures = self._figures(late, date(2024, 4, 14))[late.id]
        self.assertEqual(figures, {"penalty": 9.72, "indemnity": 0.0, "rate": 5.07, "days": 7})

    def test_sole_trader_with_foreign_vat_is_a_professional(self):
        # Issue 17 #9: a sole trader with a Belgian VAT number and no SIREN: one rule, a
        # professional: the 40 EUR indemnity and the 5-year prescription (L110-4).
        trader = self.env["res.partner"].create(
            {"name": "Jan Peeters", "is_company": False, "vat": "BE0400000086"}
        )
        move = self._invoice(trader, 1500, date(2024, 2, 14), date(2024, 3, 15))
        figures = self._figures(move, date(2024, 4, 14))[move.id]
        # 1 500 x 14.50 x 30 / 36500 = 652 500 / 36500 = 17.876 -> 17.88
        self.assertEqual((figures["penalty"], figures["indemnity"]), (17.88, 40.0))
        self.assertEqual(move.prescription_date, date(2029, 3, 15))
        consumer_move = self._invoice(self.consumer, 1500, date(2024, 2, 14), date(2024, 3, 15))
        self.assertEqual(consumer_move.prescription_date, date(2026, 3, 15))

    def test_collective_proceedings(self):
        # Redressement opened 2024-04-14 after the due date: interest stops at the judgment
        # (effective at 0h: last day 2024-04-13, 29 days: 10 000 x 14.50 x 29 / 36500
        # = 4 205 000 / 36500 = 115.205 -> 115.21), the indemnity is due.
        move = self._invoice(self.other_customer, 10000, date(2024, 2, 14), date(2024, 3, 15))
        self.other_customer.write(
            {"collective_proceedings": "redressement", "proceedings_date": date(2024, 4, 14)}
        )
        figures = self._figures(move, date(2024, 6, 30))[move.id]
        self.assertEqual(
            (figures["penalty"], figures["days"], figures["indemnity"]), (115.21, 29, 40.0)
        )
        # Opened before the due date: neither penalty nor indemnity.
        self.other_customer.proceedings_date = date(2024, 3, 1)
        figures = self._figures(move, date(2024, 6, 30))[move.id]
        self.assertEqual((figures["penalty"], figures["indemnity"]), (0.0, 0.0))

    def test_not_eligible_litigation_and_exclusion(self):
        move = self._invoice(self.customer, 10000, date(2024, 2, 14), date(2024, 3, 15))
        litigation = (
            self.env["recouvrement.litigation"]
            .sudo()
            .create({"partner_id": self.customer.id, "suspend_penalties": True})
        )
        move.litigation_id = litigation
        self.assertEqual(self._figures(move, date(2024, 4, 14))[move.id]["penalty"], 0.0)
        with freeze_time("2024-04-14"):
            move.invalidate_recordset()
            self.assertIn("suspends penalties", move.with_user(self.controller).penalty_explanation)
        move.litigation_id = False
        self.assertEqual(self._figures(move, date(2024, 4, 14))[move.id]["penalty"], 119.18)
        # Only a credit manager may exclude a customer.
        with self.assertRaises(AccessError):
            self.customer.with_user(self.controller).write({"penalty_excluded": True})
        self.customer.with_user(self.manager).penalty_excluded = True
        self.assertEqual(self._figures(move, date(2024, 4, 14))[move.id]["penalty"], 0.0)

    def test_missing_rate_names_the_half_year(self):
        with freeze_time("2024-06-01"):  # a rate in force is archived, not deleted
            self.env["recouvrement.penalty.rate"].sudo().search(
                [("kind", "=", "ecb_mro"), ("half_year", "=", "2024-S2")]
            ).unlink()
        move = self._invoice(self.customer, 1000, date(2024, 5, 21), date(2024, 6, 20))
        with self.assertRaisesRegex(UserError, "half-year 2024-S2 is missing"):
            self._figures(move, date(2024, 7, 10))
        with freeze_time("2024-07-10"):
            move.invalidate_recordset()
            self.assertIn("2024-S2", move.with_user(self.controller).penalty_error)
            self.assertEqual(move.penalty_amount, 0.0)

    def test_rates_are_read_only_for_controllers(self):
        rate = self.env.ref("recouvrement_b2b.rate_ecb_mro_2024_s1")
        self.assertEqual(rate.with_user(self.controller).value, 4.5)
        with self.assertRaises(AccessError):
            rate.with_user(self.controller).value = 4.6
        rate.with_user(self.manager).value = 4.6
        self.assertFalse(rate.secondary)
        self.assertTrue(self.env.ref("recouvrement_b2b.rate_ecb_mro_2026_s2").secondary)

    def test_rate_constraints(self):
        Rate = self.env["recouvrement.penalty.rate"].with_user(self.manager)
        with self.assertRaisesRegex(ValidationError, "must read like 2024-S1"):
            Rate.create({"kind": "ecb_mro", "half_year": "2030-S3", "value": 1.0})
        with self.assertRaisesRegex(ValidationError, "either a half-year or an effective date"):
            Rate.create({"kind": "ecb_mro", "value": 1.0})
        with self.assertRaisesRegex(ValidationError, "fixed per half-year"):
            Rate.create({"kind": "legal_professional", "date_from": "2030-01-01", "value": 1.0})

    # --- multi-currency ----------------------------------------------------------------------

    def test_multi_currency(self):
        # USD invoice, 1 EUR = 1.10 USD until 2024-03-31 then 1.20: computed in USD, the 40 EUR
        # indemnity converted at the due date (2024-03-15): 44.00 USD.
        usd = self.setup_other_currency("USD", rates=[("2024-01-01", 1.10), ("2024-04-01", 1.20)])
        move = self._invoice(
            self.customer, 12000, date(2024, 2, 14), date(2024, 3, 15), currency=usd
        )
        # 6 000 USD paid 2024-05-15 (at 1.20): 61 days x 12 000 + 46 days x 6 000 at 14.50 %
        # = (10 614 000 + 4 002 000) / 36500 = 400.438 -> 400.44 USD
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=move.ids
        ).create(
            {
                "amount": 6000,
                "currency_id": usd.id,
                "payment_date": date(2024, 5, 15),
                "payment_difference_handling": "open",
            }
        )._create_payments()
        figures = self._figures(move, date(2024, 6, 30))[move.id]
        self.assertEqual((figures["penalty"], figures["indemnity"]), (400.44, 44.0))

    # --- penalty invoicing -------------------------------------------------------------------

    def _late_invoices(self):
        first = self._invoice(self.customer, 12000, date(2024, 2, 14), date(2024, 3, 15))
        second = self._invoice(self.customer, 10000, date(2024, 2, 14), date(2024, 3, 15))
        third = self._invoice(self.other_customer, 3650, date(2024, 1, 16), date(2024, 2, 15))
        self._pay(first, 12000, date(2024, 6, 30))
        return first, second, third

    def test_penalty_invoice_per_customer(self):
        first, second, third = self._late_invoices()
        with freeze_time("2024-06-30"):
            action = (
                (first | second | third).with_user(self.controller).action_create_penalty_invoice()
            )
        invoices = self.env["account.move"].search(action["domain"], order="id")
        self.assertEqual(len(invoices), 2)
        invoice = invoices.filtered(lambda m: m.partner_id == self.customer)
        self.assertRecordValues(
            invoice,
            [
                {
                    "state": "draft",
                    "move_type": "out_invoice",
                    "is_penalty_invoice": True,
                    "invoice_date": date(2024, 6, 30),
                    # 510.08 + 40 + 10 000 x 14.50 x 107 / 36500 = 425.07 + 40
                    "amount_total": 1015.15,
                    "amount_tax": 0.0,
                }
            ],
        )
        penalty_account = self.env["account.account"].search(
            [("code", "=", "763800"), ("company_ids", "in", self.company.id)]
        )
        indemnity_account = self.env["account.account"].search(
            [("code", "=", "758000"), ("company_ids", "in", self.company.id)]
        )
        self.assertRecordValues(
            invoice.invoice_line_ids,
            [
                {
                    "name": f"Late-payment penalties - invoice {first.name} from 03/16/2024 to "
                    "06/30/2024, 107 days, rate 14.50 %",
                    "price_unit": 510.08,
                    "account_id": penalty_account.id,
                    "tax_ids": [],
                    "penalty_source_move_id": first.id,
                    "penalty_date_from": date(2024, 3, 16),
                    "penalty_date_to": date(2024, 6, 30),
                },
                {
                    "name": f"Fixed recovery indemnity - invoice {first.name} (art. D441-5 "
                    "Code de commerce)",
                    "price_unit": 40.0,
                    "account_id": indemnity_account.id,
                    "tax_ids": [],
                    "penalty_source_move_id": first.id,
                    "penalty_date_from": False,
                    "penalty_date_to": False,
                },
                {
                    "name": f"Late-payment penalties - invoice {second.name} from 03/16/2024 to "
                    "06/30/2024, 107 days, rate 14.50 %",
                    "price_unit": 425.07,
                    "account_id": penalty_account.id,
                    "tax_ids": [],
                    "penalty_source_move_id": second.id,
                    "penalty_date_from": date(2024, 3, 16),
                    "penalty_date_to": date(2024, 6, 30),
                },
                {
                    "name": f"Fixed recovery indemnity - invoice {second.name} (art. D441-5 "
                    "Code de commerce)",
                    "price_unit": 40.0,
                    "account_id": indemnity_account.id,
                    "tax_ids": [],
                    "penalty_source_move_id": second.id,
                    "penalty_date_from": False,
                    "penalty_date_to": False,
                },
            ],
        )
        # Links both ways.
        self.assertEqual(invoice.penalty_source_ids, first | second)
        self.assertEqual(first.penalty_invoice_ids, invoice)
        self.assertEqual(second.penalty_invoice_count, 1)
        # 3 650 due 2024-02-15: Feb 16 - Jun 30 = 14 + 31 + 30 + 31 + 30 = 136 days at 14.50:
        # 3650 x 14.50 x 136 / 36500 = 197.20
        other = invoices - invoice
        self.assertEqual(other.invoice_line_ids.mapped("price_unit"), [197.20, 40.0])
        # A penalty invoice bears no penalty itself.
        other.action_post()
        self.assertEqual(self._figures(other, date(2025, 1, 1))[other.id]["penalty"], 0.0)

    def test_idempotence_later_period_and_cancel(self):
        _first, second, _third = self._late_invoices()
        with freeze_time("2024-06-30"):
            invoice = second.with_user(self.controller)._create_penalty_invoices()
            # Run twice the same day: nothing new.
            with self.assertRaisesRegex(UserError, "nothing new to charge"):
                second.with_user(self.controller)._create_penalty_invoices()
        self.assertEqual(invoice.amount_total, 465.07)
        invoice.action_post()
        # A month later only July is charged, without a second indemnity:
        # full 2024-03-16..07-31: 107 days x 14.50 + 31 days x 14.25 on 10 000
        # = (15 515 000 + 4 417 500) / 36500 = 546.095 -> 546.10; minus 425.07 = 121.03
        with freeze_time("2024-07-31"):
            later = second.with_user(self.controller)._create_penalty_invoices()
        self.assertRecordValues(
            later.invoice_line_ids,
            [
                {
                    "name": f"Late-payment penalties - invoice {second.name} from 07/01/2024 to "
                    "07/31/2024, 31 days, rate 14.25 %",
                    "price_unit": 121.03,
                    "penalty_date_from": date(2024, 7, 1),
                    "penalty_date_to": date(2024, 7, 31),
                }
            ],
        )
        self.assertEqual(second.penalty_invoice_ids, invoice | later)
        # Cancelling both frees the whole period and the indemnity again.
        later.button_cancel()
        invoice.button_draft()
        invoice.button_cancel()
        with freeze_time("2024-07-31"):
            again = second.with_user(self.controller)._create_penalty_invoices()
        self.assertEqual(again.invoice_line_ids.mapped("price_unit"), [546.10, 40.0])
        self.assertEqual(again.invoice_line_ids[0].penalty_date_from, date(2024, 3, 16))

    def test_cancelling_a_penalty_invoice_frees_exactly_its_period(self):
        # Issue 17 #6: 12 000 due 2024-03-15 (14.50 %). A: 16 Mar-30 Apr, 46 days = 219.29
        # + 40; B: May, 31 days: 367.07 - 219.29 = 147.78; C: June, 30 days: 510.08 - 367.07
        # = 143.01 (cumulative totals 12 000 x 14.50 x 46 | 77 | 107 / 36500).
        move = self._invoice(self.customer, 12000, date(2024, 2, 14), date(2024, 3, 15))
        invoices = []
        for day in ("2024-04-30", "2024-05-31", "2024-06-30"):
            with freeze_time(day):
                invoices.append(move.with_user(self.controller)._create_penalty_invoices())
        first, middle, last = invoices
        self.assertEqual(
            [inv.invoice_line_ids.mapped("price_unit") for inv in invoices],
            [[219.29, 40.0], [147.78], [143.01]],
        )
        # Cancelling the middle one frees May only: charged again alone, no second indemnity.
        middle.button_cancel()
        with freeze_time("2024-06-30"):
            again = move.with_user(self.controller)._create_penalty_invoices()
        self.assertRecordValues(
            again.invoice_line_ids,
            [
                {
                    "price_unit": 147.78,
                    "penalty_date_from": date(2024, 5, 1),
                    "penalty_date_to": date(2024, 5, 31),
                }
            ],
        )
        # Cancelling the first one frees 16 Mar-30 Apr and the indemnity: 219.29 + 40.
        first.button_cancel()
        with freeze_time("2024-06-30"):
            again = move.with_user(self.controller)._create_penalty_invoices()
        self.assertRecordValues(
            again.invoice_line_ids,
            [
                {
                    "price_unit": 219.29,
                    "penalty_date_from": date(2024, 3, 16),
                    "penalty_date_to": date(2024, 4, 30),
                },
                {"price_unit": 40.0, "penalty_date_from": False, "penalty_date_to": False},
            ],
        )
        self.assertIn("from 03/16/2024 to 04/30/2024, 46 days", again.invoice_line_ids[0].name)
        with freeze_time("2024-06-30"), self.assertRaisesRegex(UserError, "nothing new"):
            move.with_user(self.controller)._create_penalty_invoices()
        self.assertTrue(last.invoice_line_ids)

    def test_penalty_invoice_reversed_by_a_credit_note_is_a_waiver(self):
        # Product decision (README): 12 000 due 2024-03-15 (14.50 %). Penalty invoice A:
        # 16 Mar-30 Apr, 12 000 x 14.50 x 46 / 36500 = 219.29 + 40, posted, then reversed by a
        # credit note (a commercial gesture) instead of cancelled: its period and indemnity
        # stay settled. On 31 May only May is charged: 12 000 x 14.50 x 77 / 36500 = 367.07
        # - 219.29 = 147.78, no second indemnity, and no claim document claims A's 259.29.
        move = self._invoice(self.customer, 12000, date(2024, 2, 14), date(2024, 3, 15))
        with freeze_time("2024-04-30"):
            waived = move.with_user(self.controller)._create_penalty_invoices()
        waived.action_post()
        self.assertEqual(waived.amount_total, 259.29)
        credit_note = waived._reverse_moves(cancel=True)
        self.assertEqual((credit_note.state, waived.payment_state), ("posted", "reversed"))
        with freeze_time("2024-04-30"), self.assertRaisesRegex(UserError, "nothing new"):
            move.with_user(self.controller)._create_penalty_invoices()
        Penalty = self.env["recouvrement.penalty"]
        for figures in (
            Penalty._get_penalty_claim_figures(move, date(2024, 4, 30)),
            Penalty._get_penalty_document_figures(move, date(2024, 4, 30)),
        ):
            self.assertEqual(
                (figures[move.id]["penalty"], figures[move.id]["indemnity"]), (0.0, 0.0)
            )
        with freeze_time("2024-05-31"):
            later = move.with_user(self.controller)._create_penalty_invoices()
        self.assertRecordValues(
            later.invoice_line_ids,
            [
                {
                    "price_unit": 147.78,
                    "penalty_date_from": date(2024, 5, 1),
                    "penalty_date_to": date(2024, 5, 31),
                }
            ],
        )

    def _penalty_invoice_changed_by_hand(self, move, day, amount):
        """The draft penalty invoice of ``move`` on ``day``, its penalty line set to ``amount``
        by hand in the form (as a user who gives up, or adds, part of it), then posted."""
        with freeze_time(day):
            invoice = move.with_user(self.controller)._create_penalty_invoices()
            with Form(invoice) as form, form.invoice_line_ids.edit(0) as line:
                line.price_unit = amount
            invoice.action_post()
        return invoice

    def _claimed(self, move, day):
        """``(penalty, indemnity)`` a reminder may still claim for ``move`` on ``day``."""
        figures = self.env["recouvrement.penalty"]._get_penalty_claim_figures(move, day)
        return figures[move.id]["penalty"], figures[move.id]["indemnity"]

    def test_penalty_line_lowered_by_hand_is_not_charged_again(self):
        # Product decision (README): 12 000 due 2024-03-15 (14.50 %). Penalty invoice A of
        # 30 April: 16 Mar-30 Apr, 12 000 x 14.50 x 46 / 36500 = 219.29 + 40; its penalty line
        # lowered by hand to 100.00 before posting: the company gave up 119.29. It is charged
        # no more: nothing new on 30 April (was: 119.29 again for 16 Mar-30 Apr), and on 31 May
        # only May, 12 000 x 14.50 x 77 / 36500 = 367.07 - 219.29 = 147.78 (was: + 119.29);
        # reminders claim 0 on 30 April (was 119.29), 147.78 on 31 May (was 267.07).
        move = self._invoice(self.customer, 12000, date(2024, 2, 14), date(2024, 3, 15))
        first = self._penalty_invoice_changed_by_hand(move, "2024-04-30", 100.0)
        self.assertRecordValues(
            first.invoice_line_ids,
            [
                {"price_unit": 100.0, "penalty_computed_amount": 219.29},
                {"price_unit": 40.0, "penalty_computed_amount": 40.0},
            ],
        )
        self.assertEqual(first.amount_total, 140.0)
        with freeze_time("2024-04-30"), self.assertRaisesRegex(UserError, "nothing new"):
            move.with_user(self.controller)._create_penalty_invoices()
        self.assertEqual(self._claimed(move, date(2024, 4, 30)), (0.0, 0.0))
        # the injonction de payer file claims A's open 100.00 + 40 (was 119.29 + 100.00)
        figures = self.env["recouvrement.penalty"]._get_penalty_document_figures(
            move, date(2024, 4, 30)
        )
        self.assertEqual((figures[move.id]["penalty"], figures[move.id]["indemnity"]), (100, 40))
        self.assertEqual(self._claimed(move, date(2024, 5, 31)), (147.78, 0.0))
        with freeze_time("2024-05-31"):
            later = move.with_user(self.controller)._create_penalty_invoices()
        self.assertRecordValues(
            later.invoice_line_ids,
            [
                {
                    "price_unit": 147.78,
                    "penalty_computed_amount": 147.78,
                    "penalty_date_from": date(2024, 5, 1),
                    "penalty_date_to": date(2024, 5, 31),
                }
            ],
        )

    def test_penalty_line_raised_by_hand_is_not_lowered_later(self):
        # Same invoice A, its penalty line raised by hand from 219.29 to 300.00: the 80.71
        # added is the company's decision, never taken back from the next periods. On 31 May
        # reminders claim May's 147.78 (was 367.07 - 300 = 67.07) and the next penalty
        # invoice charges May's 147.78; nothing new on 30 April.
        move = self._invoice(self.customer, 12000, date(2024, 2, 14), date(2024, 3, 15))
        first = self._penalty_invoice_changed_by_hand(move, "2024-04-30", 300.0)
        self.assertEqual(first.amount_total, 340.0)
        self.assertEqual(first.invoice_line_ids[0].penalty_computed_amount, 219.29)
        with freeze_time("2024-04-30"), self.assertRaisesRegex(UserError, "nothing new"):
            move.with_user(self.controller)._create_penalty_invoices()
        self.assertEqual(self._claimed(move, date(2024, 4, 30)), (0.0, 0.0))
        self.assertEqual(self._claimed(move, date(2024, 5, 31)), (147.78, 0.0))
        with freeze_time("2024-05-31"):
            later = move.with_user(self.controller)._create_penalty_invoices()
        self.assertEqual(later.invoice_line_ids.mapped("price_unit"), [147.78])

    def test_dispute_rejected_after_a_lowered_line_charges_the_growth_only(self):
        # 12 000 due 2024-03-15, 2 000 disputed on 20 March: penalties on the 10 000 only.
        # Penalty invoice A of 30 April: 10 000 x 14.50 x 46 / 36500 = 182.7397 -> 182.74 + 40,
        # lowered by hand to 100.00 (82.74 given up). The dispute is rejected on 10 May: the
        # 2 000 was owed all along, so 16 Mar-30 Apr now owes 12 000 x 14.50 x 46 / 36500 =
        # 219.29, 36.55 more than computed (not the 119.29 above what was charged). On 31 May:
        # that 36.55 plus May, 367.07 - 219.29 = 147.78: 184.33; reminders claim the same
        # 367.07 - 182.74 = 184.33 before it (was 267.07), and 0 after.
        move = self._invoice(self.customer, 12000, date(2024, 2, 14), date(2024, 3, 15))
        with freeze_time("2024-03-20"):
            dispute = (
                self.env["recouvrement.dispute"]
                .with_user(self.controller)
                .create(
                    {
                        "move_id": move.id,
                        "reason": "price",
                        "amount": 2000.0,
                        "date": date(2024, 3, 20),
                    }
                )
            )
        first = self._penalty_invoice_changed_by_hand(move, "2024-04-30", 100.0)
        self.assertEqual(first.invoice_line_ids[0].penalty_computed_amount, 182.74)
        with freeze_time("2024-05-10"):
            dispute.with_user(self.controller).action_reject()
        self.assertEqual(self._claimed(move, date(2024, 5, 31)), (184.33, 0.0))
        with freeze_time("2024-05-31"):
            later = move.with_user(self.controller)._create_penalty_invoices()
        self.assertRecordValues(
            later.invoice_line_ids,
            [
                {
                    "price_unit": 36.55,
                    "penalty_computed_amount": 36.55,
                    "penalty_date_from": date(2024, 3, 16),
                    "penalty_date_to": date(2024, 4, 30),
                },
                {
                    "price_unit": 147.78,
                    "penalty_computed_amount": 147.78,
                    "penalty_date_from": date(2024, 5, 1),
                    "penalty_date_to": date(2024, 5, 31),
                },
            ],
        )
        later.action_post()
        self.assertEqual(self._claimed(move, date(2024, 5, 31)), (0.0, 0.0))
        with freeze_time("2024-05-31"), self.assertRaisesRegex(UserError, "nothing new"):
            move.with_user(self.controller)._create_penalty_invoices()

    def test_upgrade_reads_the_charged_amount_of_old_penalty_lines_as_computed(self):
        # Upgrade to 18.0.1.0.3 (migrations/18.0.1.0.3, run here on lines in the old shape,
        # without a computed amount, read as 0): a penalty invoice of 30 April posted before
        # it, 16 Mar-30 Apr, 12 000 x 14.50 x 46 / 36500 = 219.29 + 40. Its lines get their
        # charged amounts, 219.29 and 40.00 (left at 0, the next invoice would charge the
        # 219.29 again); the next penalty invoice, on 31 May, charges May's 367.07 - 219.29 =
        # 147.78 only. (A line lowered by hand before the upgrade reads its lowered price as
        # computed: its period is caught up as before the upgrade; nothing tells it apart.)
        post = load_script(
            "recouvrement_b2b/migrations/18.0.1.0.3/post-migrate.py",
            "rb2b_post_migrate_18_0_1_0_3",
        )
        move = self._invoice(self.customer, 12000, date(2024, 2, 14), date(2024, 3, 15))
        with freeze_time("2024-04-30"):
            old = move.with_user(self.controller)._create_penalty_invoices()
        old.action_post()
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE account_move_line SET penalty_computed_amount = NULL WHERE move_id = %s",
            [old.id],
        )
        self.env.invalidate_all()
        self.assertEqual(post.fill_computed_amounts(self.env.cr), 2)
        self.env.invalidate_all()
        self.assertEqual(old.invoice_line_ids.mapped("penalty_computed_amount"), [219.29, 40.0])
        self.assertEqual(post.fill_computed_amounts(self.env.cr), 0)
        with freeze_time("2024-05-31"):
            later = move.with_user(self.controller)._create_penalty_invoices()
        self.assertEqual(later.invoice_line_ids.mapped("price_unit"), [147.78])

    def test_penalty_invoicing_locks_the_source_invoices_first(self):
        # Issue 17 #7: two users invoicing penalties at once charged everything twice. The
        # source invoices are locked (and rewritten unchanged, so that a concurrent call
        # waits, then retries on a fresh snapshot) before the charged periods are read.
        moves = self._invoice(self.customer, 12000, date(2024, 2, 14), date(2024, 3, 15))
        moves |= self._invoice(self.other_customer, 500, date(2024, 2, 14), date(2024, 3, 15))
        self.env.flush_all()
        queries = []
        with (
            freeze_time("2024-04-30"),
            contextmanager(self._patchExecute)(queries, False),
        ):
            moves.with_user(self.controller)._create_penalty_invoices()
        normalized = [" ".join(query.split()) for query in queries]
        lock = next(i for i, q in enumerate(normalized) if "FOR NO KEY UPDATE" in q)
        update = next(
            i
            for i, q in enumerate(normalized)
            if q.startswith("UPDATE account_move SET write_date")
        )
        charged = next(i for i, q in enumerate(normalized) if "penalty_source_move_id" in q)
        self.assertLess(lock, update)
        self.assertLess(update, charged)
        self.assertIn("FROM account_move WHERE id = ANY", normalized[lock])
        # The second call (after the first committed) finds nothing new.
        with freeze_time("2024-04-30"), self.assertRaisesRegex(UserError, "nothing new"):
            moves.with_user(self.controller)._create_penalty_invoices()

    def test_instalments_each_run_from_their_own_due_date(self):
        # Issue 17 #1: 1 000 dated 2026-05-01, 300 due 31 May and 700 due 30 July; on 20 June
        # the 300 is 20 days late: 300 x 12.15 % (ECB 2.15 % + 10, 2026-S1) x 20 / 365
        # = 72 900 / 36500 = 1.997 -> 2.00, and the 40 EUR indemnity (once per invoice).
        term = self.env["account.payment.term"].create(
            {
                "name": "30 % à 30 jours, 70 % à 90 jours",
                "line_ids": [
                    Command.create({"value": "percent", "value_amount": 30, "nb_days": 30}),
                    Command.create({"value": "percent", "value_amount": 70, "nb_days": 90}),
                ],
            }
        )
        move = self._invoice(self.customer, 1000, date(2026, 5, 1), post=False)
        move.invoice_payment_term_id = term
        move.action_post()
        self.assertEqual(
            sorted(
                move.line_ids.filtered(lambda line: line.display_type == "payment_term").mapped(
                    "date_maturity"
                )
            ),
            [date(2026, 5, 31), date(2026, 7, 30)],
        )
        figures = self._figures(move, date(2026, 6, 20))[move.id]
        self.assertEqual(figures, {"penalty": 2.0, "indemnity": 40.0, "rate": 12.15, "days": 20})
        # The 300 paid on 2026-06-20 (reconciled with the first instalment) stops it; on 30
        # July the 700 is not late yet: still 2.00 and one indemnity.
        self._pay(move, 300, date(2026, 6, 20))
        figures = self._figures(move, date(2026, 7, 30))[move.id]
        self.assertEqual((figures["penalty"], figures["indemnity"]), (2.0, 40.0))

    def test_nothing_to_invoice_errors(self):
        not_due = self._invoice(self.customer, 1000, date(2024, 3, 1), date(2024, 4, 30))
        refund = self.env["account.move"].create(
            {"move_type": "out_refund", "partner_id": self.customer.id}
        )
        with (
            freeze_time("2024-04-01"),
            self.assertRaisesRegex(UserError, "No penalty or indemnity"),
        ):
            (not_due | refund).with_user(self.controller).action_create_penalty_invoice()

    def test_penalty_invoice_from_form(self):
        # The button is a plain call of the action on the invoice.
        _first, second, _third = self._late_invoices()
        with freeze_time("2024-06-30"):
            action = second.with_user(self.controller).action_create_penalty_invoice()
        self.assertEqual(action["res_id"], second.penalty_invoice_ids.id)
        with Form(second.penalty_invoice_ids) as form:
            form.ref = "Pénalités juin 2024"
        self.assertEqual(second.penalty_invoice_ids.ref, "Pénalités juin 2024")

    # --- batch -------------------------------------------------------------------------------

    def _count_queries(self, function, *args):
        """``(result, number of queries)`` of ``function(*args)`` run on empty record caches."""
        self.env.invalidate_all()
        count = self.cr.sql_log_count
        result = function(*args)
        self.env.flush_all()
        return result, self.cr.sql_log_count - count

    def test_figures_query_count_is_constant(self):
        def make(count):
            moves = self.env["account.move"]
            for index in range(count):
                move = self._invoice(
                    self.customer, 1000 + index, date(2024, 2, 14), date(2024, 3, 15)
                )
                self._pay(move, 500, date(2024, 4, 1))
                moves |= move
            return moves

        usd = self.setup_other_currency("USD", rates=[("2024-01-01", 1.10)])
        small, large = make(2), make(8)
        # One invoice in dollars in each set: the indemnity conversion is batched too.
        small |= self._invoice(
            self.customer, 100, date(2024, 2, 14), date(2024, 3, 15), currency=usd
        )
        large |= self._invoice(
            self.customer, 100, date(2024, 2, 14), date(2024, 3, 15), currency=usd
        )
        # Run the pending work of the set-up (flush, precommit hooks) and warm the registry
        # caches (access rules, defaults) so that only the figures' own queries are counted.
        self.env.flush_all()
        self.cr.flush()
        small._get_penalty_figures(date(2024, 6, 30))
        counts = {}
        for moves in (small, large):
            figures, counts[len(moves)] = self._count_queries(
                moves._get_penalty_figures, date(2024, 6, 30)
            )
            self.assertEqual(len(figures), len(moves))
        # Exactly, for 3 and 9 invoices: moves, partners, disputes, partials, instalments,
        # rates, currencies, companies, euro, currency rates. A query per invoice would add 3
        # here, 9 there.
        self.assertEqual(counts, {3: 10, 9: 10})
        # 1 000 due 2024-03-15, 500 paid 2024-04-01: 17 days x 1 000 + 90 days x 500 at 14.50
        # = (246 500 + 652 500) / 36500 = 24.630 -> 24.63
        self.assertEqual(figures[large[0].id]["penalty"], 24.63)

    def test_penalty_invoicing_query_count_is_constant(self):
        # Issue 17: Invoice Penalties cost 138 queries for 3 late invoices of one customer and
        # 186 for 9 (8 per invoice: per line, Odoo's analytic distribution model search and the
        # tax synchronisation's write, each write searching the disputes, plans and deadlines
        # of the penalty invoice), 148 for 3 customers and 228 for 9 (plus, per penalty
        # invoice, its journal, sales team and number). Now 101 or 102 for each (104 before
        # the plan link was read with _read_group).
        plan = self.env["account.analytic.plan"].create({"name": "Recouvrement"})
        analytic = self.env["account.analytic.account"].create(
            {"name": "Pénalités", "plan_id": plan.id, "company_id": self.company.id}
        )
        usd = self.setup_other_currency("USD", rates=[("2024-01-01", 1.25)])

        def make(customers, per_customer):
            moves = self.env["account.move"]
            for index in range(customers):
                customer = self._customer(f"Client {per_customer} {customers} {index}")
                for number in range(per_customer):
                    moves |= self._invoice(
                        customer, 1000 + number, date(2024, 2, 14), date(2024, 3, 15)
                    )
            # Every set also holds an invoice in dollars (its own penalty invoice).
            return moves | self._invoice(
                self._customer(f"Dollar {per_customer} {customers}"),
                1000,
                date(2024, 2, 14),
                date(2024, 3, 15),
                currency=usd,
            )

        warm = make(1, 1)
        sets = {
            ("one customer", 3): make(1, 3),
            ("one customer", 9): make(1, 9),
            ("customers", 3): make(3, 1),
            ("customers", 9): make(9, 1),
        }
        # An analytic distribution model for the penalty account, one for one customer only.
        chosen = sets[("customers", 9)][4].partner_id
        self.env["account.analytic.distribution.model"].create(
            [
                {"account_prefix": "7638", "analytic_distribution": {str(analytic.id): 100}},
                {"partner_id": chosen.id, "analytic_distribution": {str(analytic.id): 50}},
            ]
        )
        # Run the pending work of the set-up and warm the registry caches (access rules,
        # defaults, the first number of the journal's period) on other invoices.
        with freeze_time("2024-06-30"):
            self._count_queries(warm.with_user(self.controller).action_create_penalty_invoice)
        counts, invoices = {}, {}
        for key, moves in sets.items():
            with freeze_time("2024-06-30"):
                action, counts[key] = self._count_queries(
                    moves.with_user(self.controller).action_create_penalty_invoice
                )
            invoices[key] = self.env["account.move"].search(action["domain"], order="id")
        euro = invoices[("customers", 9)].filtered(lambda move: move.currency_id != usd)
        dollar = invoices[("customers", 9)] - euro
        self.assertEqual(len(euro), 9)
        # 1 000 due 2024-03-15, to 2024-06-30: 107 days at 14.50 %: 1 000 x 14.50 x 107 / 36500
        # = 42.507 -> 42.51, and the indemnity of 40.
        self.assertEqual(euro.mapped("amount_total"), [82.51] * 9)
        self.assertEqual(euro.invoice_line_ids.mapped("balance"), [-42.51, -40.0] * 9)
        self.assertEqual(set(euro.mapped("name")), {"/"})
        self.assertEqual(euro.journal_id.type, "sale")
        # In dollars: 42.51 USD, the indemnity 40 EUR x 1.25 = 50.00 USD; at 1.25 USD a euro
        # 34.01 and 40.00 EUR: the receivable 74.01 EUR (92.51 / 1.25 = 74.008).
        self.assertRecordValues(
            dollar.invoice_line_ids,
            [
                {"price_unit": 42.51, "amount_currency": -42.51, "balance": -34.01},
                {"price_unit": 50.0, "amount_currency": -50.0, "balance": -40.0},
            ],
        )
        self.assertEqual(dollar.amount_total_signed, 74.01)
        # The penalty lines take the model of their account (7638); the chosen customer's
        # lines the model of their customer, first in Odoo's order (sequence, newest first)
        # and alone on its plan.
        chosen_lines = euro.invoice_line_ids.filtered(lambda line: line.partner_id == chosen)
        self.assertEqual(
            chosen_lines.mapped("analytic_distribution"), [{str(analytic.id): 50.0}] * 2
        )
        other_lines = euro.invoice_line_ids.filtered(lambda line: line.partner_id != chosen)
        self.assertEqual(
            [line.analytic_distribution for line in other_lines],
            [{str(analytic.id): 100.0}, False] * 8,
        )
        # Exactly, at both sizes of both shapes: no query per source invoice, per line or per
        # penalty invoice.
        self.assertEqual(counts[("one customer", 3)], counts[("one customer", 9)], counts)
        self.assertEqual(counts[("customers", 3)], counts[("customers", 9)], counts)
        # the same count for both shapes, at most 102: 101 on a database without the demo,
        # 102 with it (a search of the next reminder dates runs only when reminders were
        # delivered, recouvrement.dunning.level._reminds_of_unpaid)
        self.assertEqual(len(set(counts.values())), 1, counts)
        self.assertLessEqual(counts[("customers", 9)], 102, counts)

    def test_penalty_invoices_numbered_as_odoo_numbers_them(self):
        # Penalty invoices of 2025 while the journal has no invoice in 2025 yet: Odoo gives
        # the first draft the first number of the year, the next ones none ("/").
        moves = self.env["account.move"]
        for name in ("Client A", "Client B", "Client C"):
            moves |= self._invoice(self._customer(name), 1000, date(2024, 2, 14), date(2024, 3, 15))
        with freeze_time("2025-01-15"):
            action = moves.with_user(self.controller).action_create_penalty_invoice()
        invoices = self.env["account.move"].search(action["domain"], order="id")
        self.assertEqual(invoices.mapped("name"), ["INV/2025/00001", "/", "/"])
        self.assertEqual(invoices.partner_id, moves.partner_id)

    # --- income accounts ---------------------------------------------------------------------

    def test_income_accounts_from_the_french_chart(self):
        Penalty = self.env["recouvrement.penalty"]
        penalty_account = self.env.ref(f"account.{self.company.id}_pcg_7638")
        indemnity_account = self.env.ref(f"account.{self.company.id}_pcg_758")
        self.assertEqual(
            Penalty._get_penalty_accounts(self.company), (penalty_account, indemnity_account)
        )
        # Found by its template xml id, whatever its code.
        penalty_account.code = "768900"
        self.assertEqual(Penalty._get_penalty_accounts(self.company)[0], penalty_account)
        # Deprecated, and no other 7638 account: a clear error, until the setting is filled.
        penalty_account.deprecated = True
        with self.assertRaisesRegex(UserError, "has no income account for late-payment"):
            Penalty._get_penalty_accounts(self.company)
        other = penalty_account.copy({"code": "763900", "deprecated": False})
        self.company.penalty_account_id = other
        self.assertEqual(Penalty._get_penalty_accounts(self.company)[0], other)

    def test_income_accounts_by_code_for_other_charts(self):
        # An account of the code without the French chart's xml id (another chart).
        penalty_account = self.env.ref(f"account.{self.company.id}_pcg_7638")
        penalty_account.deprecated = True
        other = penalty_account.copy({"code": "763810", "deprecated": False})
        self.assertEqual(
            self.env["recouvrement.penalty"]._get_penalty_accounts(self.company)[0], other
        )

    # --- invoice mentions (L441-9) -----------------------------------------------------------

    def test_invoice_report_mentions(self):
        move = self._invoice(self.customer, 1000, date(2024, 2, 14), date(2024, 3, 15))
        html = self.env["ir.actions.report"]._render_qweb_html("account.report_invoice", move.ids)[
            0
        ]
        text = html.decode()
        self.assertIn("Due date: 03/15/2024", text)
        self.assertIn("annual rate of 14.50 %", text)
        self.assertIn("fixed indemnity of 40.00\xa0€", text)
        # Company text with placeholders.
        self.company.penalty_mention = "Échéance {due_date}, taux {rate}, indemnité {indemnity}."
        html = self.env["ir.actions.report"]._render_qweb_html("account.report_invoice", move.ids)[
            0
        ]
        self.assertIn("Échéance 03/15/2024, taux 14.50 %, indemnité 40.00\xa0€.", html.decode())

    def test_french_label_and_mention(self):
        # Labels and mentions in the customer's language: the exact French format of the issue.
        self.env["res.lang"]._activate_lang("fr_FR")
        self.customer.lang = "fr_FR"
        move = self._invoice(self.customer, 12000, date(2024, 2, 14), date(2024, 3, 15))
        self._pay(move, 12000, date(2024, 6, 30))
        with freeze_time("2024-07-01"):
            invoice = move.with_user(self.controller)._create_penalty_invoices()
        self.assertEqual(
            invoice.invoice_line_ids.mapped("name"),
            [
                f"Pénalités de retard - facture {move.name} du 16/03/2024 au 30/06/2024, "
                "107 jours, taux 14,50 %",
                f"Indemnité forfaitaire pour frais de recouvrement - facture {move.name} "
                "(art. D441-5 du Code de commerce)",
            ],
        )
        html = self.env["ir.actions.report"]._render_qweb_html("account.report_invoice", move.ids)[
            0
        ]
        text = html.decode()
        self.assertIn("échéance\xa0: 15/03/2024. Pas d", text)
        self.assertIn("pénalités au taux annuel de 14,50 %", text)
        self.assertIn("frais de recouvrement de 40,00\xa0€ (art. D441-5", text)

    def test_mention_with_early_payment_discount(self):
        # With discount terms (printed by the invoice report), no "no discount" sentence.
        term = self.env["account.payment.term"].create(
            {
                "name": "30 jours, 2 % à 10 jours",
                "early_discount": True,
                "discount_percentage": 2,
                "discount_days": 10,
                "line_ids": [
                    Command.create({"value": "percent", "value_amount": 100, "nb_days": 30})
                ],
            }
        )
        move = self._invoice(self.customer, 1000, date(2024, 2, 14), post=False)
        move.invoice_payment_term_id = term
        move.action_post()
        mention = self.env["recouvrement.penalty"]._get_penalty_mention(move)
        self.assertTrue(mention.startswith("Due date: 03/15/2024. Any late payment bears"))
        self.assertNotIn("No discount", mention)

    def test_settings_tell_the_contract_rate_floor(self):
        # 2024-S1: legal interest rate 5.07 %, floor 3 x 5.07 = 15.21 %.
        with freeze_time("2024-04-01"):
            settings = (
                self.env["res.config.settings"]
                .sudo()
                .create({"penalty_rate_mode": "contract", "penalty_contract_rate": 5.0})
            )
            self.assertEqual(
                settings.penalty_floor_info,
                "Below the legal floor of 2024-S1 (3 x the legal interest rate): 15.21 % applies "
                "instead.",
            )
            settings.penalty_contract_rate = 16.0
            self.assertEqual(
                settings.penalty_floor_info,
                "Legal floor of 2024-S1 (3 x the legal interest rate): 15.21 %.",
            )
            settings.execute()
        self.assertRecordValues(
            self.company, [{"penalty_rate_mode": "contract", "penalty_contract_rate": 16.0}]
        )

    def test_mass_action_from_the_list(self):
        first, second, third = self._late_invoices()
        server_action = self.env.ref(
            "recouvrement_b2b.account_move_action_create_penalty_invoice"
        ).with_user(self.controller)
        with freeze_time("2024-06-30"):
            action = server_action.with_context(
                active_model="account.move", active_ids=(first | second | third).ids
            ).run()
        invoices = self.env["account.move"].search(action["domain"])
        self.assertEqual(invoices.partner_id, self.customer | self.other_customer)
        self.assertEqual(len(invoices.invoice_line_ids), 6)
