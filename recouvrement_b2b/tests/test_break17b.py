from datetime import date

from freezegun import freeze_time

from odoo.tests import Form, tagged

from .common import DunningRunCommon


@tagged("post_install", "-at_install")
class TestBreak17b(DunningRunCommon):
    """Issue 17, break test: reminders, letters and plans claim exactly what is owed, values
    computed by hand from LEGAL.md and reference/ecb_mro_rates.csv (2026-S1: ECB 2.15 %,
    L441-10 rate 12.15 %)."""

    def test_reminder_does_not_claim_invoiced_penalties_again(self):
        # 1 000 EUR due 1 March 2026. On 11 March a penalty invoice charges 2 to 11 March:
        # 1000 x 12.15 % x 10 / 365 = 3.3288 -> 3.33, plus the 40 EUR indemnity = 43.33,
        # posted (due the same day). On 20 March (19 days late, firm level, which claims
        # penalties) the reminder lists the 1 000 and the penalty invoice's 43.33; of the
        # penalties it claims only what no invoice charged: 19 days = 1000 x 12.15 % x 19
        # / 365 = 6.3247 -> 6.32, minus the 3.33 invoiced = 2.99; no indemnity (invoiced).
        # Total 1 000 + 43.33 + 2.99 = 1 046.32 (not 1 000 + 43.33 + 6.32 + 40 = 1 089.65).
        self.level_firm.claim_penalties = True
        move = self._invoice(self.customer, 1000.0, "2026-02-01", "2026-03-01")
        penalty_invoice = self._penalty_invoice(move, "2026-03-11")
        self.assertEqual(penalty_invoice.amount_total, 43.33)
        event = self._run("2026-03-20")
        self.assertRecordValues(
            event,
            [
                {
                    "level_id": self.level_firm.id,
                    "amount_due": 1043.33,
                    "amount_penalty": 2.99,
                    "amount_indemnity": 0.0,
                    "amount_total": 1046.32,
                }
            ],
        )
        lines = {line["move"]: line for line in event._get_letter_lines()}
        self.assertEqual((lines[move]["penalty"], lines[move]["indemnity"]), (2.99, 0.0))
        self.assertEqual(lines[penalty_invoice]["residual"], 43.33)

    def test_paid_penalty_invoice_is_not_claimed_again(self):
        # Same invoice; the penalty invoice of 2-11 March (43.33) is paid on 15 March. On
        # 20 March the reminder claims 1 000 + the 2.99 of 12-20 March not invoiced
        # (6.32 - 3.33), no indemnity: 1 002.99.
        self.level_firm.claim_penalties = True
        move = self._invoice(self.customer, 1000.0, "2026-02-01", "2026-03-01")
        penalty_invoice = self._penalty_invoice(move, "2026-03-11")
        self._pay(penalty_invoice, 43.33, "2026-03-15")
        event = self._run("2026-03-20")
        self.assertRecordValues(
            event,
            [{"amount_due": 1000.0, "amount_penalty": 2.99, "amount_indemnity": 0.0}],
        )
        self.assertEqual(event.amount_total, 1002.99)

    def test_cancelled_penalty_invoice_is_claimed_again(self):
        # A cancelled penalty invoice charges nothing: the reminder of 20 March claims the
        # whole 6.32 and the 40 EUR: 1 046.32.
        self.level_firm.claim_penalties = True
        move = self._invoice(self.customer, 1000.0, "2026-02-01", "2026-03-01")
        penalty_invoice = self._penalty_invoice(move, "2026-03-11")
        penalty_invoice.button_draft()
        penalty_invoice.button_cancel()
        event = self._run("2026-03-20")
        self.assertRecordValues(
            event, [{"amount_due": 1000.0, "amount_penalty": 6.32, "amount_indemnity": 40.0}]
        )
        self.assertEqual(event.amount_total, 1046.32)
        self.assertEqual(date(2026, 3, 20), event.date)

    def test_payment_plan_does_not_schedule_invoiced_penalties_again(self):
        # The same invoice, penalty invoice of 2-11 March posted (3.33 + 40). A plan made on
        # 20 March with the penalties schedules the 1 000 and the 2.99 not invoiced yet
        # (6.32 - 3.33), no indemnity (invoiced): 1 002.99, not 1 046.32.
        move = self._invoice(self.customer, 1000.0, "2026-02-01", "2026-03-01")
        self._penalty_invoice(move, "2026-03-11")
        with freeze_time("2026-03-20"):
            wizard_model = (
                self.env["recouvrement.payment.plan.wizard"]
                .with_user(self.controller)
                .with_context(active_model="account.move", active_ids=move.ids)
            )
            with Form(wizard_model) as form:
                form.instalment_count = 2
                form.first_date = date(2026, 4, 30)
                form.include_penalties = True
            self.assertRecordValues(
                form.record,
                [{"amount_invoices": 1000.0, "amount_penalties": 2.99, "amount_total": 1002.99}],
            )

    def test_dollar_invoice_claimed_at_the_rate_of_the_reminder_day(self):
        # 1 100 USD dated 1 February 2026 when 1 EUR = 1.10 USD (1 000 EUR in the books), due
        # 1 March; on 15 March 1 EUR = 1.25 USD. What the customer owes on 20 March is
        # 1 100 USD = 1 100 / 1.25 = 880.00 EUR (paid in euros that day, 880 EUR settle it),
        # not the 1 000 EUR of the books. Penalty 1 100 x 12.15 % x 19 / 365 = 6.957 -> 6.96
        # USD = 6.96 / 1.25 = 5.568 -> 5.57 EUR; indemnity 40 EUR (D441-5, in euros).
        # A dollar credit note of 110 USD (100 EUR in the books) is 88.00 EUR that day.
        # Claimed: 880.00 - 88.00 = 792.00 + 5.57 + 40 = 837.57 (the books' figures would say
        # 1 000 - 100 + 6.33 + 40 = 946.33).
        usd = self.setup_other_currency("USD", rates=[("2026-01-01", 1.10), ("2026-03-15", 1.25)])
        self.level_firm.claim_penalties = True
        move = self._invoice(self.customer, 1100.0, "2026-02-01", "2026-03-01", currency=usd)
        refund = self._open_credit_note(self.customer, 110.0, "2026-02-10", currency=usd)
        self.assertEqual((move.amount_residual_signed, refund.amount_residual_signed), (1000, -100))
        event = self._run("2026-03-20")
        self.assertRecordValues(
            event,
            [
                {
                    "level_id": self.level_firm.id,
                    "amount_due": 792.0,
                    "amount_open_credit": 88.0,
                    "amount_penalty": 5.57,
                    "amount_indemnity": 40.0,
                    "amount_total": 837.57,
                }
            ],
        )
        self.assertEqual(
            [(line["residual_currency"], line["residual"]) for line in event._get_letter_lines()],
            [(1100.0, 880.0)],
        )
        self.assertEqual(
            [(c["amount_currency"], c["amount"]) for c in event._get_letter_credits()],
            [(110.0, 88.0)],
        )

    def test_level_minimum_at_the_rate_of_the_reminder_day(self):
        # Courteous level minimum 100 EUR. 120 USD dated 1 February 2026 at 1 EUR = 1.10 USD
        # (109.09 EUR in the books), due 1 March; on 5 March 1 EUR = 1.25 USD: on 10 March the
        # invoice is worth 120 / 1.25 = 96.00 EUR, under the minimum: no reminder.
        usd = self.setup_other_currency("USD", rates=[("2026-01-01", 1.10), ("2026-03-05", 1.25)])
        (self.level_courtesy | self.level_courteous).min_amount = 100.0
        move = self._invoice(self.customer, 120.0, "2026-02-01", "2026-03-01", currency=usd)
        self.assertEqual(move.amount_residual_signed, 109.09)
        with freeze_time("2026-03-10"):
            plan = self.Dunning._get_plan(date(2026, 3, 10), companies=self.company)
        self.assertEqual(plan, [])

    def test_consumer_invoice_never_mentions_the_indemnity(self):
        # A consumer (natural person, no SIREN, no VAT number) owes no D441-5 indemnity nor
        # L441-10 penalty (L111-8 CPCE; LEGAL.md): the company's own mention text, which
        # states the 40 EUR, is for professionals; the consumer's invoice says legal interest
        # from a formal notice.
        self.company.penalty_mention = "Échéance {due_date}, taux {rate}, indemnité {indemnity}."
        consumer = self.env["res.partner"].create({"name": "Jeanne Martin", "is_company": False})
        move = self._invoice(consumer, 1500.0, "2026-02-01", "2026-03-01")
        mention = self.env["recouvrement.penalty"]._get_penalty_mention(move)
        self.assertNotIn("40", mention)
        self.assertIn("legal rate from the formal notice", mention)
        # a professional still gets the company's text, with the 40 EUR
        pro = self._invoice(self.customer, 1500.0, "2026-02-01", "2026-03-01")
        self.assertEqual(
            self.env["recouvrement.penalty"]._get_penalty_mention(pro),
            "Échéance 03/01/2026, taux 12.15 %, indemnité 40.00\xa0€.",
        )

    def test_consumer_formal_notice_claims_no_l441_10_nor_40_euros(self):
        # A consumer (natural person, no SIREN, no VAT number) owes 1 500 EUR due 1 October
        # 2026. First run 20 November: the last call (pay by 28 November); 29 November, the
        # day after its deadline (issue 17): the formal notice, for
        # 1 500.00 exactly (no L441-10 penalty, no D441-5 indemnity: LEGAL.md, scope). Its
        # letter must not tell the consumer that penalties and 40 EUR per invoice are due;
        # it says legal interest runs from the notice (art. 1231-6 and 1344-1 Code civil).
        consumer = self.env["res.partner"].create(
            {
                "name": "Jeanne Martin",
                "is_company": False,
                "street": "3 rue des Lilas",
                "zip": "69001",
                "city": "Lyon",
                "country_id": self.env.ref("base.fr").id,
                "email": "jeanne.martin@example.fr",
            }
        )
        self._invoice(consumer, 1500.0, "2026-09-01", "2026-10-01")
        self._run("2026-11-20")
        notice = self._run("2026-11-29")
        level_notice = self.policy.level_ids.filtered("is_formal_notice")
        self.assertRecordValues(
            notice,
            [
                {
                    "level_id": level_notice.id,
                    "amount_due": 1500.0,
                    "amount_penalty": 0.0,
                    "amount_indemnity": 0.0,
                    "amount_total": 1500.0,
                }
            ],
        )
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(notice.level_id.report_id.report_name, notice.ids)[0]
            .decode()
        )
        self.assertNotIn("40 EUR", html)
        self.assertNotIn("D441-5", html)
        self.assertNotIn("L441-10", html)
        self.assertIn("interest at the legal rate", html)

    def test_consumer_legal_interest_across_a_half_year(self):
        # A consumer owes 1 500 EUR due 1 March 2026; formal notice emailed 15 April 2026.
        # Legal interest (column "autres cas": the creditor is a company) from 16 April:
        # 16 April - 30 June = 76 days at 2.62 % (2026-S1), 1-10 July = 10 days at 2.75 %
        # (2026-S2): 1 500 x (2.62 x 76 + 2.75 x 10) / 36 500 = 1 500 x 226.62 / 36 500
        # = 9.3131 -> 9.31; no indemnity.
        consumer = self.env["res.partner"].create({"name": "Paul Girard", "is_company": False})
        move = self._invoice(consumer, 1500.0, "2026-02-01", "2026-03-01")
        notice_level = self.policy.level_ids.filtered("is_formal_notice")
        self.env["recouvrement.dunning.event"].sudo().create(
            {
                "partner_id": consumer.id,
                "company_id": self.company.id,
                "currency_id": self.company.currency_id.id,
                "level_id": notice_level.id,
                "channel": "email",
                "date": "2026-04-15",
                "state": "sent",
                "move_ids": [(6, 0, move.ids)],
            }
        )
        figures = move._get_penalty_figures(date(2026, 7, 10))[move.id]
        self.assertEqual(
            (figures["penalty"], figures["indemnity"], figures["days"]), (9.31, 0.0, 86)
        )

    def test_contract_rate_floor_across_a_half_year(self):
        # Contract rate 5 %, below the floor 3 x legal rate: 2026-S1 3 x 2.62 = 7.86 %,
        # 2026-S2 3 x 2.75 = 8.25 %. 1 000 EUR due 20 June 2026, on 10 July: 21-30 June =
        # 10 days at 7.86, 1-10 July = 10 days at 8.25: 1 000 x (78.6 + 82.5) / 36 500
        # = 4.4137 -> 4.41, plus 40.
        self.company.write({"penalty_rate_mode": "contract", "penalty_contract_rate": 5.0})
        move = self._invoice(self.customer, 1000.0, "2026-05-20", "2026-06-20")
        figures = move._get_penalty_figures(date(2026, 7, 10))[move.id]
        self.assertEqual(
            (figures["penalty"], figures["indemnity"], figures["rate"]), (4.41, 40.0, 8.25)
        )

    def test_three_instalments_one_paid_late(self):
        # 900 dated 1 January 2026, term 34 % / 33 % / 33 % at 30, 60, 90 days: 306 due
        # 31 January, 297 due 2 March, 297 due 1 April. The 306 paid on 10 February (10 days
        # late). On 10 April: 306 x 12.15 % x 10 / 365 = 1.018603; 297 x 12.15 % x 39 / 365
        # (3 March - 10 April) = 3.855711; 297 x 12.15 % x 9 / 365 (2-10 April) = 0.889779;
        # sum 5.764093 -> 5.76, and one 40 EUR indemnity for the invoice.
        term = self.env["account.payment.term"].create(
            {
                "name": "34/33/33",
                "line_ids": [
                    (0, 0, {"value": "percent", "value_amount": pct, "nb_days": days})
                    for pct, days in ((34, 30), (33, 60), (33, 90))
                ],
            }
        )
        move = self._invoice(self.customer, 900.0, "2026-01-01", post=False)
        move.invoice_payment_term_id = term
        move.action_post()
        self._pay(move, 306.0, "2026-02-10")
        figures = move._get_penalty_figures(date(2026, 4, 10))[move.id]
        self.assertEqual((figures["penalty"], figures["indemnity"]), (5.76, 40.0))

    def test_several_open_credits_bigger_than_an_invoice_other_company_left_out(self):
        # Invoices of 300 (due 1 March) and 500 (due 5 March); open credits: a credit note of
        # 600 and a payment of 100 on account in this company, a credit note of 1 000 in
        # another company (not deductible here). On 20 March (19 and 15 days late: firm) one
        # reminder claims 300 + 500 - 600 - 100 = 100.00, listing the two credits (700).
        other_company = self.setup_other_company(name="Filiale Lyon")["company"]
        self._invoice(self.customer, 300.0, "2026-02-01", "2026-03-01")
        self._invoice(self.customer, 500.0, "2026-02-05", "2026-03-05")
        self._open_credit_note(self.customer, 600.0, "2026-03-10")
        self._unmatched_payment(self.customer, 100.0, "2026-03-12")
        self._open_credit_note(self.customer, 1000.0, "2026-03-10", company=other_company)
        event = self._run("2026-03-20")
        self.assertRecordValues(
            event,
            [{"level_id": self.level_firm.id, "amount_due": 100.0, "amount_open_credit": 700.0}],
        )
        self.assertEqual(sorted(c["amount"] for c in event._get_letter_credits()), [100.0, 600.0])

    def test_consumer_dossier_states_legal_interest_not_l441_10(self):
        # The injonction de payer file against a consumer claims 1 500.00 and no L441-10
        # penalty nor 40 EUR (no formal notice yet: nothing accrues); its legal basis reads
        # legal interest from the formal notice, not "fixed recovery indemnity of 40 EUR".
        consumer = self.env["res.partner"].create(
            {"name": "Jeanne Martin", "is_company": False, "city": "Lyon"}
        )
        move = self._invoice(consumer, 1500.0, "2026-09-01", "2026-10-01")
        with freeze_time("2026-11-20"):
            case = (
                self.env["recouvrement.litigation"]
                .with_user(self.controller)
                .create(
                    {
                        "partner_id": consumer.id,
                        "company_id": self.company.id,
                        "move_ids": [(6, 0, move.ids)],
                    }
                )
            )
            [line] = case._get_dossier_lines()
            self.assertEqual(
                (line["principal"], line["penalty"], line["indemnity"], line["total"]),
                (1500.0, 0.0, 0.0, 1500.0),
            )
            html = (
                self.env["ir.actions.report"]
                ._render_qweb_html("recouvrement_b2b.report_litigation_dossier", case.ids)[0]
                .decode()
            )
        self.assertNotIn("40 EUR", html)
        self.assertIn("Interest at the legal rate from the formal notice", html)
