from datetime import date

from freezegun import freeze_time
from lxml import etree
from lxml import html as lxml_html

from odoo import Command
from odoo.tests import Form, tagged

from .common import DunningRunCommon


@tagged("post_install", "-at_install")
class TestBreak17Fresh(DunningRunCommon):
    """Issue 17, fresh break test: what every document claims, invoice by invoice."""

    def _case(self, moves, partner=None):
        return self.env["recouvrement.litigation"].create(
            {
                "partner_id": (partner or self.customer).id,
                "company_id": self.company.id,
                "move_ids": [Command.set(moves.ids)],
            }
        )

    def _render(self, report, records):
        return (
            self.env["ir.actions.report"]
            ._render_qweb_html(f"recouvrement_b2b.{report}", records.ids)[0]
            .decode()
        )

    def test_case_summary_lists_what_the_case_claims_per_invoice(self):
        # A: 1 000 EUR dated 1 May 2026, 30 % at 30 days (300 due 31 May) and 70 % at 90 days
        # (700 due 30 July). B: 1 100 USD dated 1 May 2026 due 1 June (1 000 EUR in the books
        # at 1.10); on 15 June 1 EUR = 1.25 USD. On 20 June the case claims A's 300.00 (its
        # 700 is not exigible yet, art. 1405 CPC) and B's 1 100 / 1.25 = 880.00 EUR at the
        # rate of the day (as the injonction de payer file): 300.00 + 880.00 = 1 180.00. The
        # summary's "Amount due" column used to show A's whole 1 000.00 and B's 1 100.00 USD
        # (and the case total 1 300.00: B at the rate of the books).
        usd = self.setup_other_currency("USD", rates=[("2026-01-01", 1.10), ("2026-06-15", 1.25)])
        term = self._term((30, 30), (70, 90))
        split = self._invoice_with_term(self.customer, 1000.0, "2026-05-01", term)
        dollars = self._invoice(self.customer, 1100.0, "2026-05-01", "2026-06-01", currency=usd)
        with freeze_time("2026-06-20"):
            case = self._case(split | dollars)
            self.assertEqual(case.amount_residual, 1180.0)
            self.assertEqual(case._get_claimed_amounts(), {split.id: 300.0, dollars.id: 880.0})
            [line_a, line_b] = case._get_dossier_lines(date(2026, 6, 20))
            self.assertEqual((line_a["principal"], line_b["principal"]), (300.0, 880.0))
            page = lxml_html.fromstring(self._render("report_litigation_summary", case))
        rows = page.xpath("//table[@name='invoices']/tbody/tr")
        cells = [[" ".join(td.text_content().split()) for td in row.xpath("td")] for row in rows]
        self.assertEqual(
            [(row[0], row[-1]) for row in cells],
            [(split.name, "300.00 €"), (dollars.name, "880.00 €")],
        )
        # 31 July: A's 700 is due too: 1 000.00 + 880.00 = 1 880.00, the column follows
        with freeze_time("2026-07-31"):
            case.invalidate_recordset(["amount_residual"])
            self.assertEqual(case.amount_residual, 1880.0)
            page = lxml_html.fromstring(self._render("report_litigation_summary", case))
        amounts = [
            " ".join(row.xpath("td")[-1].text_content().split())
            for row in page.xpath("//table[@name='invoices']/tbody/tr")
        ]
        self.assertEqual(amounts, ["1,000.00 €", "880.00 €"])

    def test_case_form_lists_what_the_case_claims_per_invoice(self):
        # Same book as the summary: on 20 June the case's form listed each invoice's whole
        # amount left (1 000.00 and 1 000.00 in the books, summed 2 000.00) under "Amount Due"
        # beside the case's Amount Due of 1 180.00. Its column shows what the case claims on
        # each: 300.00 (the 700 not due yet) and 1 100 / 1.25 = 880.00, summing to 1 180.00.
        usd = self.setup_other_currency("USD", rates=[("2026-01-01", 1.10), ("2026-06-15", 1.25)])
        split = self._invoice_with_term(
            self.customer, 1000.0, "2026-05-01", self._term((30, 30), (70, 90))
        )
        dollars = self._invoice(self.customer, 1100.0, "2026-05-01", "2026-06-01", currency=usd)
        with freeze_time("2026-06-20"):
            case = self._case(split | dollars)
            moves = case.with_user(self.controller).move_ids
            claimed = moves.mapped("litigation_claimed_amount")
            self.assertEqual(claimed, [300.0, 880.0])
            # the form's column labelled "Amount Due", summed, is that one
            arch = etree.fromstring(
                self.env.ref("recouvrement_b2b.recouvrement_litigation_view_form").arch
            )
            self.assertEqual(
                [
                    field.get("name")
                    for field in arch.xpath("//field[@name='move_ids']/list/field")
                    if field.get("string") == "Amount Due"
                ],
                ["litigation_claimed_amount"],
            )
            Form(case.with_user(self.controller))  # the form (and its list) opens
            self.assertEqual(sum(claimed), case.amount_residual)
            self.assertEqual((split | dollars).mapped("amount_residual_signed"), [1000.0, 1000.0])

    def test_case_euro_credit_does_not_cover_a_dollar_claim(self):
        # 1 100 USD due 1 June 2026 (1 000 EUR in the books at 1.10); 1 EUR = 1.25 USD from
        # 15 June; an unmatched credit note of 880 EUR. On 20 June the case claims 880.00 EUR
        # (1 100 / 1.25) and the euro credit is not deducted from it (issue 17: LEGAL.md, open
        # credits, same currency; art. 1347-1 Code civil): 0.00, not 880.00 covering it all
        # ("Nothing to claim", as the case used to say).
        usd = self.setup_other_currency("USD", rates=[("2026-01-01", 1.10), ("2026-06-15", 1.25)])
        dollars = self._invoice(self.customer, 1100.0, "2026-05-01", "2026-06-01", currency=usd)
        self._open_credit_note(self.customer, 880.0, "2026-06-02")
        with freeze_time("2026-06-20"):
            case = self._case(dollars)
            self.assertEqual((case.amount_residual, case.open_credit_amount), (880.0, 0.0))
            self.assertNotIn("Nothing to claim", case.claim_issues or "")

    def _letter_totals(self, event):
        page = lxml_html.fromstring(self._render("report_dunning_letter", event))
        rows = page.xpath("//table[contains(@class, 'ms-auto')]//tr")
        return [[" ".join(td.text_content().split()) for td in row.xpath("td")] for row in rows]

    def test_reminder_says_what_it_does_not_claim_of_a_disputed_invoice(self):
        # 1 000 EUR due 1 March 2026, 400 of it disputed on 5 March (open). The firm reminder
        # of 20 March claims 600 + 600 x 12.15 % x 19 / 365 = 3.7948 -> 3.79 + 40 = 643.79.
        # Its letter listed the invoice at 1 000.00 and went on to "Principal 600.00" with no
        # word of the 400: it must say the 400 contested is not claimed (1 000 - 400 = 600).
        self.level_firm.claim_penalties = True
        move = self._invoice(self.customer, 1000.0, "2026-02-01", "2026-03-01")
        with freeze_time("2026-03-05"):
            self.env["recouvrement.dispute"].with_user(self.controller).create(
                {"move_id": move.id, "reason": "price", "amount": 400.0}
            )
        event = self._run("2026-03-20")
        self.assertRecordValues(
            event,
            [
                {
                    "level_id": self.level_firm.id,
                    "amount_due": 600.0,
                    "amount_disputed": 400.0,
                    "amount_open_credit": 0.0,
                    "amount_total": 643.79,
                }
            ],
        )
        self.assertEqual(
            self._letter_totals(event),
            [
                # one invoice without instalments: its total row says so (issue 17, cosmetic)
                ["Invoices due", "1,000.00 €"],
                ["Amounts you contest, not claimed while we examine them", "-400.00 €"],
                ["Principal", "600.00 €"],
                ["Late-payment penalties (art. L441-10 Code de commerce)", "3.79 €"],
                ["Fixed recovery indemnities (art. D441-5 Code de commerce)", "40.00 €"],
                ["Total due", "643.79 €"],
            ],
        )
        body = (
            event.mail_message_id.body
            or self.env["mail.mail"]
            .search([("model", "=", event._name), ("res_id", "=", event.id)])
            .body_html
        )
        self.assertIn("Amounts you contest (400.00&nbsp;€) are not claimed", str(body))

    def test_disputed_instalment_and_open_credit_in_one_letter(self):
        # 1 000 EUR dated 1 May 2026: 300 due 31 May, 700 due 30 July; 200 disputed on 5 June,
        # spread over the instalments in proportion (200 x 300 / 1 000 = 60 on the 300); an
        # unmatched credit note of 50. On 20 June the 300 is 20 days late (firm level): the
        # reminder lists 300.00, deducts 60.00 contested and 50.00 of credit: 190.00; penalty
        # on the undisputed 240: 240 x 12.15 % x 20 / 365 = 1.5978 -> 1.60; + 40 = 231.60.
        self.level_firm.claim_penalties = True
        move = self._invoice_with_term(
            self.customer, 1000.0, "2026-05-01", self._term((30, 30), (70, 90))
        )
        self._open_credit_note(self.customer, 50.0, "2026-05-10")
        with freeze_time("2026-06-05"):
            self.env["recouvrement.dispute"].with_user(self.controller).create(
                {"move_id": move.id, "reason": "quantity", "amount": 200.0}
            )
        event = self._run("2026-06-20")
        self.assertRecordValues(
            event,
            [
                {
                    "level_id": self.level_firm.id,
                    "amount_due": 190.0,
                    "amount_disputed": 60.0,
                    "amount_open_credit": 50.0,
                    "amount_penalty": 1.6,
                    "amount_indemnity": 40.0,
                    "amount_total": 231.6,
                }
            ],
        )
        self.assertEqual(
            self._letter_totals(event)[:4],
            [
                ["Instalments due", "300.00 €"],
                ["Amounts you contest, not claimed while we examine them", "-60.00 €"],
                ["Open credits deducted", "-50.00 €"],
                ["Principal", "190.00 €"],
            ],
        )

    def test_letter_printed_later_states_what_the_reminder_claimed(self):
        # 1 000 EUR due 1 March 2026. The firm reminder of 20 March claims 1 000 + 1 000 x
        # 12.15 % x 19 / 365 = 6.3247 -> 6.32 + 40 = 1 046.32. On 25 March 400 is paid and a
        # penalty invoice charges 2-25 March (1 000 x 12.15 % x 24 / 365 = 7.99) + 40. The
        # letter rendered again on 26 March (the print queue renders HTML letters again) must
        # state what the reminder of 20 March claimed: 1 000.00, 6.32 and 40.00 on the
        # invoice's line, as its totals; it listed 600.00, 0.00 and 0.00 under the totals of
        # 1 046.32.
        self.level_firm.claim_penalties = True
        move = self._invoice(self.customer, 1000.0, "2026-02-01", "2026-03-01")
        event = self._run("2026-03-20")
        self.assertRecordValues(
            event,
            [
                {
                    "level_id": self.level_firm.id,
                    "amount_due": 1000.0,
                    "amount_penalty": 6.32,
                    "amount_indemnity": 40.0,
                    "amount_total": 1046.32,
                }
            ],
        )
        self._pay(move, 400.0, "2026-03-25")
        penalty_invoice = self._penalty_invoice(move, "2026-03-25")
        self.assertEqual(penalty_invoice.amount_total, 47.99)
        with freeze_time("2026-03-26"):
            lines = event._get_letter_lines()
            totals = self._letter_totals(event)
        self.assertEqual(
            [
                (line["residual_currency"], line["residual"], line["penalty"], line["indemnity"])
                for line in lines
            ],
            [(1000.0, 1000.0, 6.32, 40.0)],
        )
        self.assertEqual(totals[0], ["Principal", "1,000.00 €"])
        self.assertEqual(totals[-1], ["Total due", "1,046.32 €"])
        # today's claim: 1 000 x 12.15 % x 24 / 365 (2-25 March) + 600 x 12.15 % x 1 / 365
        # (26 March) = 7.9890 + 0.1997 = 8.1888 -> 8.19, less the 7.99 invoiced: 0.20
        figures = self.env["recouvrement.penalty"]._get_penalty_claim_figures(
            move, date(2026, 3, 26)
        )
        self.assertEqual((figures[move.id]["penalty"], figures[move.id]["indemnity"]), (0.2, 0.0))

    def test_euro_credit_not_deducted_from_a_dollar_reminder(self):
        # Issue 17 (LEGAL.md, open credits: same company and currency; art. 1347, 1347-1 Code
        # civil, compensation needs fungible debts). 1 100 USD due 1 March 2026 (1 000 EUR in
        # the books at 1.10); 1 EUR = 1.25 USD from 15 March; an unmatched credit note of
        # 880 EUR. The firm reminder of 20 March claims 1 100 / 1.25 = 880.00 EUR, the euro
        # credit not deducted (it used to net 880 - 880 = 0: no reminder at all).
        usd = self.setup_other_currency("USD", rates=[("2026-01-01", 1.10), ("2026-03-15", 1.25)])
        dollars = self._invoice(self.customer, 1100.0, "2026-02-01", "2026-03-01", currency=usd)
        self._refund(self.customer, 880.0, "2026-03-02")
        event = self._run("2026-03-20")
        self.assertRecordValues(
            event,
            [
                {
                    "level_id": self.level_firm.id,
                    "amount_due": 880.0,
                    "amount_open_credit": 0.0,
                    "credit_line_ids": [],
                }
            ],
        )
        self.assertEqual(event._get_letter_credits(), [])
        self.assertTrue(dollars.dunning_next_date)

    def test_covered_currency_claims_nothing_the_other_is_claimed(self):
        # A: 1 000 EUR and B: 500 USD, both due 1 March 2026; an unmatched credit note of
        # 1 000 EUR; 1 EUR = 1.25 USD from 15 March. The euro part nets 1 000 - 1 000 = 0:
        # nothing claimed of it; the dollar part, 500 / 1.25 = 400.00 EUR, is claimed on
        # 20 March (firm level), no credit deducted from it. The old code netted
        # 1 000 + 400 - 1 000 = 400 and listed A and the credit note.
        usd = self.setup_other_currency("USD", rates=[("2026-01-01", 1.10), ("2026-03-15", 1.25)])
        euros = self._invoice(self.customer, 1000.0, "2026-02-01", "2026-03-01")
        dollars = self._invoice(self.customer, 500.0, "2026-02-01", "2026-03-01", currency=usd)
        self._refund(self.customer, 1000.0, "2026-02-15")
        with freeze_time("2026-03-20"):
            self.assertFalse(euros.dunning_next_date)
            self.assertTrue(dollars.dunning_next_date)
        event = self._run("2026-03-20")
        self.assertRecordValues(
            event,
            [
                {
                    "level_id": self.level_firm.id,
                    "amount_due": 400.0,
                    "amount_open_credit": 0.0,
                    "credit_line_ids": [],
                }
            ],
        )
        self.assertEqual(event.line_ids.move_id, dollars)
        # the euro invoice, claiming nothing, is not moved up the ladder
        self.assertEqual(euros.dunning_level_id, self.env["recouvrement.dunning.level"])
        # the collection page asks the same: max(1 000 - 1 000, 0) + max(400 - 0, 0) = 400.00
        # (it used to be 1 000 + 400 - 1 000 = 400 too, by chance of the amounts); with the
        # credit note at 1 200 the old page asked 1 400 - 1 200 = 200, now 0 + 400 = 400
        self._refund(self.customer, 200.0, "2026-02-16")
        group = self._portal_group("2026-03-20")
        self.assertEqual((group["open_credit"], group["due"]), (1200.0, 400.0))
