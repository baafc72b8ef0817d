from freezegun import freeze_time
from lxml import html as lxml_html

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import letter_page, letter_rows
from .test_reprinted_reminder import ReprintCommon


def statement_rows(content):
    """Open item rows, credit rows and balance of the statement's HTML ``content`` (the
    invisible U+FEFF some renderings put after a minus sign left out)."""
    page = lxml_html.fromstring(content.decode().replace("\ufeff", ""))
    return (
        *(
            [
                " ".join(row.text_content().split())
                for row in page.xpath("//table[@name=$name]/tbody/tr", name=name)
            ]
            for name in ("statement_open_items", "statement_credits")
        ),
        " ".join(page.xpath("//td[@name='statement_balance_amount']")[0].text_content().split()),
    )


def emailed_statement(test):
    """A statement emailed to ``test``'s customer on 20 March (a ``ReprintCommon`` test):
    returns a function giving its rows rendered again on 26 March (:func:`statement_rows`)."""
    with freeze_time("2026-03-20 08:00:00"):
        sending = test.env["recouvrement.statement.sending"].create(
            {"partner_id": test.customer.id, "company_id": test.company.id}
        )
    test._recorded_at(sending, "2026-03-20 08:00:00")

    def render():
        with freeze_time("2026-03-26"):
            content = test.env["ir.actions.report"]._render_qweb_html(
                "recouvrement_b2b.report_statement_sending", sending.ids
            )[0]
        return statement_rows(content)

    return render


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
            rows = letter_rows(self.env, event, self.move.name)
        return lines, credits, rows

    def _rows(self, content):
        """Open item rows, credit rows and balance of the statement's HTML ``content``."""
        return statement_rows(content)

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
        render = emailed_statement(self)
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
            page = letter_page(self.env, event)
        labels = [" ".join(td.text_content().split()) for td in page.xpath("//tr/td[1]")]
        self.assertIn("Invoices due", labels)
        self.assertNotIn("Instalments due", labels)


@tagged("post_install", "-at_install")
class TestReprintAfterDeletion(ReprintCommon):
    """Issue 17 (a fresh tester, left open last stop): a credit deducted by a reminder and then
    deleted (a payment of 275 reset to draft and deleted) dropped out of the reprinted
    statement (1 000.00 instead of 725.00 as sent) and the letter kept "Open credits deducted
    -275.00" without naming it. What a sent reminder printed about each line (its number, date,
    due date, amount, what was left, currency) is stored when it is recorded: the letter and
    its statement reprint identically after the line is deleted, its move reset to draft and
    renamed, or its credit note cancelled (evidence is never rewritten; deleting is not
    refused, README: product decisions)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.policy.level_ids.attach_statement = True

    def _texts(self, event):
        """``(letter text, statement rows)`` of ``event`` rendered again on 26 March."""
        with freeze_time("2026-03-26"):
            page = letter_page(self.env, event)
            credits = [(c["name"], c["date"], c["amount"]) for c in event._get_letter_credits()]
            lines = [
                (line["name"], line["date_maturity"], line["residual"])
                for line in event._get_letter_lines()
            ]
        statement = statement_rows(self._reprinted_statement(event))
        # the online payment links are a service, not what was claimed: an invoice reset to
        # draft or deleted can no longer be paid online (README: product decisions)
        for paragraph in page.xpath("//p[span[@class='o_dunning_pay_url']]"):
            paragraph.getparent().remove(paragraph)
        return " ".join(page.text_content().split()), lines, credits, statement

    def test_payment_deducted_then_deleted(self):
        # a payment of 275 dated 10 March, matched to nothing: the reminder of 20 March
        # claims 1 000 - 275 = 725 and names the payment
        payment = self._unmatched_payment(self.customer, 275.0, "2026-03-10")
        self._recorded_at(payment.move_id.line_ids, "2026-03-10 09:00:00")
        name = payment.move_id.name
        event = self._send()
        emailed = emailed_statement(self)
        self.assertRecordValues(event, [{"amount_due": 725.0, "amount_open_credit": 275.0}])
        sent = self._texts(event)
        sent_email = emailed()
        self.assertEqual(sent[2], [(name, fields.Date.to_date("2026-03-10"), 275.0)])
        self.assertEqual(
            sent[3],
            (
                [f"02/01/2026 {self.move.name} 03/01/2026 1,000.00 € 1,000.00 € 19"],
                [f"03/10/2026 {name} -275.00 € -275.00 €"],
                "725.00 €",
            ),
        )
        self.assertEqual(
            sent_email,
            (
                [f"02/01/2026 {self.move.name} 03/01/2026 1,000.00 € 1,000.00 € 19"],
                [f"03/10/2026 {name} -275.00 € -275.00 €"],
                "725.00 €",
            ),
        )
        # the payment reset to draft and deleted on 25 March
        move = payment.move_id
        with freeze_time("2026-03-25 10:00:00"):
            payment.action_draft()
            payment.unlink()
        self.assertFalse(move.exists())
        # old: the statement without the credit row, balance 1 000.00; the letter's credit
        # unnamed; right: as sent (725.00 = 1 000 - 275, the payment named and dated)
        self.assertEqual(self._texts(event), sent)
        self.assertEqual(emailed(), sent_email)
        self.assertIn(name, sent[0])

    def test_credit_note_cancelled_after_the_reminder(self):
        # a credit note of 300 dated 10 February: claimed 1 000 - 300 = 700
        refund = self._refund_recorded(300.0, "2026-02-10")
        event = self._send()
        self.assertRecordValues(event, [{"amount_due": 700.0, "amount_open_credit": 300.0}])
        sent = self._texts(event)
        self.assertEqual(sent[2], [(refund.name, fields.Date.to_date("2026-02-10"), 300.0)])
        self.assertEqual(sent[3][2], "700.00 €")
        with freeze_time("2026-03-25 10:00:00"):
            refund.button_draft()
            refund.button_cancel()
        self.assertEqual(refund.state, "cancel")
        self.assertEqual(self._texts(event), sent)

    def test_invoice_reset_to_draft_and_renamed(self):
        # claimed: the invoice of 1 000 due 1 March, nothing deducted
        old_name = self.move.name
        event = self._send()
        sent = self._texts(event)
        self.assertEqual(sent[1], [(old_name, fields.Date.to_date("2026-03-01"), 1000.0)])
        self.assertEqual(sent[3][2], "1,000.00 €")
        with freeze_time("2026-03-25 10:00:00"):
            self.move.button_draft()
            self.move.name = "INV/2026/RENAMED"
        self.assertEqual(self.move.name, "INV/2026/RENAMED")
        # old: the letter and statement print the new number; right: the number sent
        self.assertEqual(self._texts(event), sent)
        self.assertIn(old_name, sent[0])

    def test_invoice_deleted(self):
        # the invoice reset to draft and deleted: the letter still lists it (1 000.00 due
        # 1 March) and its statement row
        old_name = self.move.name
        event = self._send()
        sent = self._texts(event)
        with freeze_time("2026-03-25 10:00:00"):
            self.move.button_draft()
            self.move.with_context(force_delete=True).unlink()
        self.assertEqual(self._texts(event), sent)
        self.assertIn(old_name, sent[0])

    def test_penalties_of_an_invoice_deleted(self):
        # the level claims penalties: 1 000 x 12.15 % x 19 days (1 to 20 March) / 365 = 6.32
        # and the 40 EUR indemnity, printed on the invoice's row; the invoice deleted since,
        # the reprint still prints them
        self.policy.level_ids.claim_penalties = True
        event = self._send()
        self.assertRecordValues(event, [{"amount_penalty": 6.32, "amount_indemnity": 40.0}])
        with freeze_time("2026-03-26"):
            sent = [(line["penalty"], line["indemnity"]) for line in event._get_letter_lines()]
        self.assertEqual(sent, [(6.32, 40.0)])
        texts = self._texts(event)
        with freeze_time("2026-03-25 10:00:00"):
            self.move.button_draft()
            self.move.with_context(force_delete=True).unlink()
        with freeze_time("2026-03-26"):
            again = [(line["penalty"], line["indemnity"]) for line in event._get_letter_lines()]
        self.assertEqual(again, sent)
        self.assertEqual(self._texts(event), texts)
