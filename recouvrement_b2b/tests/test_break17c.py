from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common import DunningRunCommon


@tagged("post_install", "-at_install")
class TestBreak17Claims(DunningRunCommon):
    """Issue 17, third break test: what every document claims for the same customer."""

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

    def test_claim_documents_state_each_instalment_due_date(self):
        # 1 000 EUR dated 1 May 2026: 300 due 31 May, 700 due 30 July. The injonction de
        # payer file of 20 June claims 300 x 12.15 % x 20 / 365 = 1.9973 -> 2.00 of penalties,
        # run from 31 May: it must state that due date (art. 1407 CPC: the breakdown of the
        # claim), not only the last one (30 July, from which nothing would run yet). Same for
        # the case summary, the claim declaration and the customer's collection page.
        move = self._invoice_with_term(
            self.customer, 1000.0, "2026-05-01", self._term((30, 30), (70, 90))
        )
        due_dates = "05/31/2026 (300.00\xa0€), 07/30/2026 (700.00\xa0€)"
        with freeze_time("2026-06-20"):
            case = self.env["recouvrement.litigation"].create(
                {
                    "partner_id": self.customer.id,
                    "company_id": self.company.id,
                    "move_ids": [Command.set(move.ids)],
                }
            )
            [line] = case._get_dossier_lines(date(2026, 6, 20))
            self.assertEqual((line["penalty"], line["due_dates"]), (2.0, due_dates))
            report = self.env["ir.actions.report"]
            for name in ("dossier", "summary"):
                html = report._render_qweb_html(
                    f"recouvrement_b2b.report_litigation_{name}", case.ids
                )[0].decode()
                self.assertIn("05/31/2026", html, name)
            values = self.env["recouvrement.customer"]._get_portal_values(
                self.customer, date(2026, 6, 20)
            )
            self.assertEqual([line["due_dates"] for line in values["lines"]], [due_dates])
        # Redressement judiciaire opened 25 June (interest stops, L622-28): declared 1 000
        # + 300 x 12.15 % x 24 / 365 (1-24 June) = 2.3967 -> 2.40 + 40, with both due dates.
        self.customer.write(
            {"collective_proceedings": "redressement", "proceedings_date": date(2026, 6, 25)}
        )
        mandataire = self.env["res.partner"].create({"name": "SELARL Mandat", "is_company": True})
        with freeze_time("2026-06-30"):
            declaration = self.env["recouvrement.claim.declaration"].create(
                {
                    "partner_id": self.customer.id,
                    "mandataire_id": mandataire.id,
                    "publication_date": date(2026, 6, 30),
                }
            )
            [line] = declaration._get_declaration_lines()
            self.assertEqual(
                (line["principal"], line["penalty"], line["indemnity"], line["due_dates"]),
                (1000.0, 2.4, 40.0, due_dates),
            )
            html = report._render_qweb_html(
                "recouvrement_b2b.report_claim_declaration", declaration.ids
            )[0].decode()
            self.assertIn("05/31/2026", html)

    def test_collection_page_claims_the_net_balance(self):
        # Invoices of 300 (due 1 March 2026) and 500 (due 5 March); open credits: a credit
        # note of 600 (10 March) and a payment of 100 not allocated (12 March). On 20 March the
        # reminder claims 300 + 500 - 600 - 100 = 100.00 (LEGAL.md, open credits); the
        # customer's collection page says the same net balance, and proposes a promise of
        # 100.00, not 800.00.
        self._invoice(self.customer, 300.0, "2026-02-01", "2026-03-01")
        self._invoice(self.customer, 500.0, "2026-02-05", "2026-03-05")
        self._open_credit_note(self.customer, 600.0, "2026-03-10")
        self._unmatched_payment(self.customer, 100.0, "2026-03-12")
        event = self._run("2026-03-20")
        self.assertRecordValues(event, [{"amount_due": 100.0, "amount_open_credit": 700.0}])
        group = self._portal_group("2026-03-20")
        self.assertEqual((group["open_credit"], group["due"]), (700.0, 100.0))

    def test_credit_note_larger_than_the_invoice(self):
        # Invoice A of 1 000 and B of 150, both due 1 October 2026; a credit note of 1 200 on
        # 15 October settles A and leaves 200 open. A was paid 14 days late (2-15 October):
        # 1 000 x 12.40 % (2026-S2: ECB 2.40 + 10) x 14 / 365 = 4.7562 -> 4.76 + 40. On
        # 20 November the net balance is 150 - 200 = -50: no reminder, and the collection
        # page claims 0.00 (its invoices total 150, less 200 of open credits), not 150.00.
        invoice_a = self._invoice(self.customer, 1000.0, "2026-09-01", "2026-10-01")
        self._invoice(self.customer, 150.0, "2026-09-01", "2026-10-01")
        refund = self._open_credit_note(self.customer, 1200.0, "2026-10-15")
        (invoice_a.line_ids | refund.line_ids).filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        ).reconcile()
        figures = invoice_a._get_penalty_figures(date(2026, 11, 20))[invoice_a.id]
        self.assertEqual((figures["penalty"], figures["indemnity"]), (4.76, 40.0))
        self.assertFalse(self._run("2026-11-20"))
        group = self._portal_group("2026-11-20")
        # the invoice's 150 is due now and all of the balance (issue 17: due now apart from
        # what is not yet due); nothing to pay now, net of the open credits
        self.assertEqual(
            (
                [(total["due_now"], total["balance"]) for total in group["totals"]],
                group["open_credit"],
                group["due"],
                group["payable"],
            ),
            ([(150.0, 150.0)], 200.0, 0.0, 0.0),
        )

    def test_collection_page_at_the_rate_of_the_day(self):
        # 1 100 USD dated 1 February 2026 at 1 EUR = 1.10 USD (1 000 EUR in the books), due
        # 1 March, and a credit note of 110 USD (100 EUR in the books); on 15 March 1 EUR =
        # 1.25 USD. The reminder of 20 March claims 1 100 / 1.25 - 110 / 1.25 = 880.00 - 88.00
        # = 792.00 EUR (one rate for foreign-currency amounts, README); the collection page's
        # net balance (the promise it proposes) is the same 792.00, not 1 000 - 100 = 900.00.
        usd = self.setup_other_currency("USD", rates=[("2026-01-01", 1.10), ("2026-03-15", 1.25)])
        self._invoice(self.customer, 1100.0, "2026-02-01", "2026-03-01", currency=usd)
        self._open_credit_note(self.customer, 110.0, "2026-02-10", currency=usd)
        event = self._run("2026-03-20")
        self.assertRecordValues(event, [{"amount_due": 792.0, "amount_open_credit": 88.0}])
        group = self._portal_group("2026-03-20")
        self.assertEqual((group["open_credit"], group["due"]), (88.0, 792.0))

    def test_injonction_file_agrees_with_the_reminder_in_two_currencies(self):
        # Invoices of 1 100 USD (1 000 EUR in the books at 1.10) and 500 EUR, both due 1 March
        # 2026; on 15 March 1 EUR = 1.25 USD. On 20 March (19 days late, 12.15 %):
        # - USD: 1 100 / 1.25 = 880.00 EUR; penalty 1 100 x 12.15 % x 19 / 365 = 6.957 ->
        #   6.96 USD / 1.25 = 5.568 -> 5.57 EUR; indemnity 40 EUR;
        # - EUR: 500.00; penalty 500 x 12.15 % x 19 / 365 = 3.1623 -> 3.16; indemnity 40.
        # The reminder claims 1 380.00 + 8.73 + 80.00 = 1 468.73 EUR; the injonction de payer
        # file of that day claims the same, in euros (its total used to add 1 100 "USD" to
        # 500 EUR: 1 600 of principal).
        usd = self.setup_other_currency("USD", rates=[("2026-01-01", 1.10), ("2026-03-15", 1.25)])
        self.level_firm.claim_penalties = True
        dollars = self._invoice(self.customer, 1100.0, "2026-02-01", "2026-03-01", currency=usd)
        euros = self._invoice(self.customer, 500.0, "2026-02-01", "2026-03-01")
        event = self._run("2026-03-20")
        self.assertRecordValues(
            event,
            [
                {
                    "amount_due": 1380.0,
                    "amount_penalty": 8.73,
                    "amount_indemnity": 80.0,
                    "amount_total": 1468.73,
                }
            ],
        )
        with freeze_time("2026-03-20"):
            case = self.env["recouvrement.litigation"].create(
                {
                    "partner_id": self.customer.id,
                    "company_id": self.company.id,
                    "move_ids": [Command.set((dollars | euros).ids)],
                }
            )
            lines = case._get_dossier_lines(date(2026, 3, 20))
            html = (
                self.env["ir.actions.report"]
                ._render_qweb_html("recouvrement_b2b.report_litigation_dossier", case.ids)[0]
                .decode()
            )
        self.assertEqual(
            [
                (line["move"], line["principal"], line["penalty"], line["indemnity"])
                for line in lines
            ],
            [(dollars, 880.0, 5.57, 40.0), (euros, 500.0, 3.16, 40.0)],
        )
        self.assertEqual(round(sum(line["total"] for line in lines), 2), 1468.73)
        self.assertIn("1,468.73", html)

    def test_injonction_file_claims_the_instalments_past_due(self):
        # 1 000 EUR dated 1 May 2026: 300 due 31 May, 700 due 30 July. On 20 June only the 300
        # is exigible (art. 1405 CPC): the file claims 300.00 + its penalty 300 x 12.15 % x 20
        # / 365 = 1.9973 -> 2.00 + the 40 EUR indemnity = 342.00, not 1 000 + 2.00 + 40
        # = 1 042.00; the case's amount due is 300.00.
        move = self._invoice_with_term(
            self.customer, 1000.0, "2026-05-01", self._term((30, 30), (70, 90))
        )
        # 1 000 EUR dated 1 May, 30 % at 30 days, 30 % at 60, 40 % at 90: 300 due 31 May,
        # 300 due 30 June, 400 due 30 July; 100 paid on 5 June on the first instalment.
        other = self._invoice_with_term(
            self.customer, 1000.0, "2026-05-01", self._term((30, 30), (30, 60), (40, 90))
        )
        self._pay(other, 100.0, "2026-06-05")
        with freeze_time("2026-06-20"):
            case = self.env["recouvrement.litigation"].create(
                {
                    "partner_id": self.customer.id,
                    "company_id": self.company.id,
                    "move_ids": [Command.set(move.ids)],
                }
            )
            [line] = case._get_dossier_lines(date(2026, 6, 20))
            self.assertEqual(
                (line["principal"], line["penalty"], line["indemnity"], line["total"]),
                (300.0, 2.0, 40.0, 342.0),
            )
            self.assertEqual(case.amount_residual, 300.0)
            html = (
                self.env["ir.actions.report"]
                ._render_qweb_html("recouvrement_b2b.report_litigation_dossier", case.ids)[0]
                .decode()
            )
            self.assertIn("342.00", html)
            self.assertNotIn("1,042.00", html)
        # 10 July: the first invoice still claims its 300 (700 due 30 July), the second
        # (300 - 100) + 300 = 500.00 (its 400 due 30 July is not claimed): 800.00 in all.
        case.move_ids = [Command.link(other.id)]
        with freeze_time("2026-07-10"):
            case.invalidate_recordset(["amount_residual"])
            lines = case._get_dossier_lines(date(2026, 7, 10))
            self.assertEqual([line["principal"] for line in lines], [300.0, 500.0])
            self.assertEqual(case.amount_residual, 800.0)
        # 31 July, every instalment due: the whole, 1 000.00 + 900.00 = 1 900.00.
        with freeze_time("2026-07-31"):
            case.invalidate_recordset(["amount_residual"])
            lines = case._get_dossier_lines(date(2026, 7, 31))
            self.assertEqual([line["principal"] for line in lines], [1000.0, 900.0])
            self.assertEqual(case.amount_residual, 1900.0)

    def test_injonction_file_states_the_indemnity_claimed(self):
        # The company claims a recovery indemnity of 25 EUR (D441-5 allows at most 40): the
        # injonction de payer file of 20 March claims 25.00 for the invoice of 1 000 due
        # 1 March and says so, not "40 EUR per invoice"; with no indemnity set it says none
        # is claimed.
        self.company.penalty_indemnity_amount = 25.0
        move = self._invoice(self.customer, 1000.0, "2026-02-01", "2026-03-01")
        report = self.env["ir.actions.report"]
        with freeze_time("2026-03-20"):
            case = self.env["recouvrement.litigation"].create(
                {
                    "partner_id": self.customer.id,
                    "company_id": self.company.id,
                    "move_ids": [Command.set(move.ids)],
                }
            )
            [line] = case._get_dossier_lines(date(2026, 3, 20))
            self.assertEqual(line["indemnity"], 25.0)
            html = report._render_qweb_html("recouvrement_b2b.report_litigation_dossier", case.ids)[
                0
            ].decode()
            self.assertIn("fixed recovery indemnity of 25.00\xa0€ per invoice paid late", html)
            self.assertNotIn("40 EUR", html)
            self.company.penalty_indemnity_amount = 0.0
            html = report._render_qweb_html("recouvrement_b2b.report_litigation_dossier", case.ids)[
                0
            ].decode()
            self.assertIn("no recovery indemnity is claimed", html)
            self.assertNotIn("indemnity of", html)

    def test_next_reminder_date_only_when_one_will_be_sent(self):
        # An invoice of 1 000 due 1 October 2026, never reminded, entered on 20 November: the
        # days of its levels (1 October - 5 = 26 September, + 15 = 16 October...) are past;
        # the run of 20 November sends the highest level allowed, so the next reminder is on
        # 20 November (the next run), never a past date.
        with freeze_time("2026-11-20"):
            move = self._invoice(self.customer, 1000.0, "2026-09-01", "2026-10-01")
            self.assertEqual(move.dunning_next_date, date(2026, 11, 20))
            # a credit note of 1 000: the net balance is 1 000 - 1 000 = 0, nothing is claimed
            # (LEGAL.md, open credits): no next reminder
            refund = self._open_credit_note(self.customer, 1000.0, "2026-11-20")
            self.assertFalse(move.dunning_next_date)
        self.assertFalse(self._run("2026-11-20"))
        # the credit note cancelled: 1 000 claimed again, by the run of 20 November
        with freeze_time("2026-11-20"):
            refund.button_draft()
            refund.button_cancel()
            self.assertEqual(move.dunning_next_date, date(2026, 11, 20))
        # another customer's invoice of 500 due 1 October, wholly disputed on 20 November:
        # the run claims nothing, so no next reminder; the dispute rejected, 20 November again
        other = self.env["res.partner"].create(
            {"name": "Imprimerie Roux", "is_company": True, "email": "compta@roux.example.fr"}
        )
        with freeze_time("2026-11-20"):
            invoice = self._invoice(other, 500.0, "2026-09-01", "2026-10-01")
            self.assertEqual(invoice.dunning_next_date, date(2026, 11, 20))
            dispute = self.env["recouvrement.dispute"]._create_from_portal(invoice, "price")
            self.assertEqual(dispute.amount, 500.0)
            self.assertFalse(invoice.dunning_next_date)
            dispute.action_reject()
            self.assertEqual(invoice.dunning_next_date, date(2026, 11, 20))
