from freezegun import freeze_time
from lxml import html as lxml_html

from odoo.exceptions import UserError
from odoo.tests import tagged

from .test_reprinted_reminder import ReprintCommon


@tagged("post_install", "-at_install")
class TestReprintEvidence(ReprintCommon):
    """Issue 17 (a fresh tester of the merged code): a reminder printed again after a payment
    was unmatched said what the books say today. A payment of 400 dated 10 March is matched to
    the invoice of 1 000 (due 1 March); the reminder of 20 March claims 1 000 - 400 = 600; the
    payment is unmatched on 25 March and the reminder printed again on 26 March. What the
    reminder stated per line (and its statement's rows) is stored when it is recorded and every
    reprint reads it (evidence is never rewritten)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.policy.level_ids.attach_statement = True

    def setUp(self):
        super().setUp()
        self.payment = self._unmatched_payment(self.customer, 400.0, "2026-03-10")
        self._recorded_at(self.payment.move_id.line_ids, "2026-03-10 09:00:00")
        self._receivable(self.move | self.payment.move_id).reconcile()
        self._recorded_at(self.move.line_ids.matched_credit_ids, "2026-03-10 09:00:00")

    def _receivable(self, moves):
        return moves.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )

    def _unmatch(self):
        """The payment unmatched from the invoice on 25 March."""
        with freeze_time("2026-03-25 10:00:00"):
            self._receivable(self.move).remove_move_reconcile()
        self.assertEqual(self.move.amount_residual, 1000.0)

    def _letter(self, event):
        """``(instalments, credits, total rows)`` of the letter rendered again on 26 March."""
        with freeze_time("2026-03-26"):
            lines = [
                (line["residual_currency"], line["residual"]) for line in event._get_letter_lines()
            ]
            credits = [(credit["name"], credit["amount"]) for credit in event._get_letter_credits()]
            page = lxml_html.fromstring(
                self.env["ir.actions.report"]
                ._render_qweb_html("recouvrement_b2b.report_dunning_letter", event.ids)[0]
                .decode()
            )
        rows = [
            " ".join(row.text_content().split())
            for row in page.xpath("//tr[td[contains(., $name)]]", name=self.move.name)
        ]
        return lines, credits, rows

    def _rows(self, content):
        """Open item rows, credit rows and balance of the statement's HTML ``content``."""
        page = lxml_html.fromstring(content.decode())
        return (
            *(
                [
                    " ".join(row.text_content().split())
                    for row in page.xpath("//table[@name=$name]/tbody/tr", name=name)
                ]
                for name in ("statement_open_items", "statement_credits")
            ),
            " ".join(
                page.xpath("//td[@name='statement_balance_amount']")[0].text_content().split()
            ),
        )

    def _statement(self, event):
        """Rows of the statement of ``event`` rendered again on 26 March (the letters step,
        Regenerate Letter, Print Letters)."""
        return self._rows(self._reprinted_statement(event))

    def test_letter_after_a_payment_unmatched(self):
        # sent: 1 000 - 400 matched = 600 left on 20 March, no open credit
        event = self._send()
        self.assertRecordValues(event, [{"amount_due": 600.0, "amount_open_credit": 0.0}])
        sent = self._letter(event)
        self.assertEqual(sent[0], [(600.0, 600.0)])
        self.assertEqual(sent[1], [])
        self._unmatch()
        # old: the invoice row 1 000.00 under "Principal 600.00"; right: 600.00, as sent
        self.assertEqual(self._letter(event), sent)
        self.assertEqual(len(sent[2]), 1)
        self.assertIn("600.00 €", sent[2][0])

    def test_statement_after_a_payment_unmatched(self):
        # sent: the invoice 1 000.00, 600.00 left (1 000 - 400), balance 600.00
        event = self._send()
        sent = self._statement(event)
        self.assertEqual(
            sent,
            ([f"02/01/2026 {self.move.name} 03/01/2026 1,000.00 € 600.00 € 19"], [], "600.00 €"),
        )
        self._unmatch()
        # old: the invoice 1 000.00 left and the payment listed as an open credit; right: as
        # sent
        self.assertEqual(self._statement(event), sent)

    def test_statement_emailed_after_a_payment_unmatched(self):
        # The statement emailed on 20 March: 600.00 left (1 000 - 400), balance 600.00
        with freeze_time("2026-03-20 08:00:00"):
            sending = self.env["recouvrement.statement.sending"].create(
                {"partner_id": self.customer.id, "company_id": self.company.id}
            )
        self._recorded_at(sending, "2026-03-20 08:00:00")

        def render():
            with freeze_time("2026-03-26"):
                content = self.env["ir.actions.report"]._render_qweb_html(
                    "recouvrement_b2b.report_statement_sending", sending.ids
                )[0]
            return self._rows(content)

        sent = render()
        self.assertEqual(
            sent,
            ([f"02/01/2026 {self.move.name} 03/01/2026 1,000.00 € 600.00 € 19"], [], "600.00 €"),
        )
        self._unmatch()
        # old: the invoice 1 000.00 left and the payment listed as an open credit; right: as
        # sent
        self.assertEqual(render(), sent)

    def test_stored_figures_are_evidence(self):
        event = self._send()
        self.assertTrue(event.sent_residuals)
        self.assertTrue(event.sent_statement)
        for fname in ("sent_residuals", "sent_statement"):
            with self.assertRaises(UserError):
                event.sudo().write({fname: {}})

    def test_reminder_recorded_before_the_stored_figures(self):
        # a reminder recorded before this change (no stored figures) keeps reading the books
        # as recorded then: 600 left, the unmatching of 25 March undoes the 400 (1 000 left)
        event = self._send()
        self.env.cr.execute(
            "UPDATE recouvrement_dunning_event SET sent_residuals = NULL, sent_statement = NULL "
            "WHERE id = %s",
            [event.id],
        )
        event.invalidate_recordset()
        self.assertEqual(self._letter(event)[0], [(600.0, 600.0)])
        self._unmatch()
        self.assertEqual(self._letter(event)[0], [(1000.0, 1000.0)])


@tagged("post_install", "-at_install")
class TestTotalRowLabel(ReprintCommon):
    """Issue 17, cosmetic: the total row of a letter for invoices without instalments said
    "Instalments due"."""

    def test_single_invoice_without_instalments(self):
        # 1 000 due, a credit note of 300 open: rows 1 000.00 due, -300.00, principal 700.00
        self._refund(self.customer, 300.0, "2026-02-10")
        event = self._send()
        with freeze_time("2026-03-20"):
            page = lxml_html.fromstring(
                self.env["ir.actions.report"]
                ._render_qweb_html("recouvrement_b2b.report_dunning_letter", event.ids)[0]
                .decode()
            )
        labels = [" ".join(td.text_content().split()) for td in page.xpath("//tr/td[1]")]
        self.assertIn("Invoices due", labels)
        self.assertNotIn("Instalments due", labels)
