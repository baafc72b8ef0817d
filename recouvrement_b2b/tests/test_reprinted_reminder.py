from freezegun import freeze_time
from lxml import html as lxml_html

from odoo import fields
from odoo.tests import tagged
from odoo.tools import SQL

from .common import DunningRunCommon, letter_rows


class ReprintCommon(DunningRunCommon):
    """The firm reminder of 20 March 2026 (penalties not claimed) for 1 000 EUR due 1 March,
    and what is recorded after it, in a later transaction than the reminder's (the record
    times are set as a user's requests on those days would have written them)."""

    def setUp(self):
        super().setUp()
        self.move = self._invoice(self.customer, 1000.0, "2026-02-01", "2026-03-01")
        self._recorded_at(self.move.line_ids, "2026-02-01 09:00:00")

    def _refund_recorded(self, amount, day):
        """A posted credit note of ``amount`` dated ``day``, entered that day."""
        refund = self._refund(self.customer, amount, day)
        self._recorded_at(refund.line_ids, f"{day} 09:00:00")
        return refund

    def _recorded_at(self, records, when):
        """Set the ``create_date`` of ``records`` to ``when`` (UTC), as a transaction of that
        time would have written it (a test runs in a single transaction)."""
        self.env.flush_all()
        self.env.execute_query(
            SQL(
                "UPDATE %s SET create_date = %s WHERE id = ANY(%s)",
                SQL.identifier(records._table),
                fields.Datetime.to_datetime(when),
                records.ids,
            )
        )
        records.invalidate_recordset(["create_date"])

    def _send(self):
        event = self._run("2026-03-20")
        self._recorded_at(event, "2026-03-20 08:00:00")
        return event

    def _reprinted_statement(self, event):
        """The HTML (bytes) of the statement of ``event``'s level rendered again on 26 March
        (what the letters step, *Regenerate Letter* and *Print Letters* render)."""
        with freeze_time("2026-03-26"):
            return (
                self.env["recouvrement.statement"]
                .with_context(dunning_letter_html=True)
                ._dunning_level_attachments(event)[event.id]
                .raw
            )

    def _match(self, credit_move):
        """Match ``credit_move`` with the invoice on 25 March (a request of that day)."""
        with freeze_time("2026-03-25 10:00:00"):
            (self.move.line_ids + credit_move.line_ids).filtered(
                lambda line: line.account_id.account_type == "asset_receivable"
            ).reconcile()
        self._recorded_at(self.move.line_ids.matched_credit_ids, "2026-03-25 10:00:00")


@tagged("post_install", "-at_install")
class TestReprintedReminder(ReprintCommon):
    """Issue 17, left open: a reminder's letter printed later states the open credits the
    reminder deducted that day, even when they were matched since (README: a reminder's letter
    is as at its date). Each test matches the reminder's open credit with the invoice on 25
    March."""

    def _reprint(self, event):
        """``(instalments, credits)`` of the letter rendered again on 26 March."""
        with freeze_time("2026-03-26"):
            lines = [
                (line["residual_currency"], line["residual"]) for line in event._get_letter_lines()
            ]
            credits = [(credit["name"], credit["amount"]) for credit in event._get_letter_credits()]
        return lines, credits

    def test_credit_note_matched_after_the_reminder(self):
        # A credit note of 300 dated 10 February, open on 20 March: the reminder claims
        # 1 000 - 300 = 700 and lists the credit note at 300. Matched with the invoice on 25
        # March (the partial's date is the later of the two items', 10 February), the letter
        # printed on 26 March listed the invoice at 700.00 and the credit note at 0.00 under
        # totals of 1 000 - 300 = 700: right, 1 000.00 and 300.00, as the reminder said.
        refund = self._refund(self.customer, 300.0, "2026-02-10")
        event = self._send()
        self.assertRecordValues(event, [{"amount_due": 700.0, "amount_open_credit": 300.0}])
        self._match(refund)
        self.assertEqual(self.move.amount_residual, 700.0)
        self.assertEqual(self._reprint(event), ([(1000.0, 1000.0)], [(refund.name, 300.0)]))
        # the printed letter (the print queue renders it again): the credit note's row
        with freeze_time("2026-03-26"):
            rows = letter_rows(self.env, event, refund.name)
        self.assertEqual(rows, [f"{refund.name} 02/10/2026 300.00 €"])

    def test_unmatched_payment_matched_after_the_reminder(self):
        # A payment of 250 received on 15 March, not allocated: the reminder of 20 March
        # claims 1 000 - 250 = 750 and lists the payment at 250. Allocated to the invoice on
        # 25 March, the letter printed on 26 March listed 750.00 and 0.00: right, 1 000.00
        # and 250.00.
        payment = self._unmatched_payment(self.customer, 250.0, "2026-03-15")
        event = self._send()
        self.assertRecordValues(event, [{"amount_due": 750.0, "amount_open_credit": 250.0}])
        self._match(payment.move_id)
        self.assertEqual(self.move.amount_residual, 750.0)
        self.assertEqual(
            self._reprint(event), ([(1000.0, 1000.0)], [(payment.move_id.name, 250.0)])
        )


@tagged("post_install", "-at_install")
class TestReprintedStatement(ReprintCommon):
    """Issue 17, left open: a statement of account sent with a reminder (its level attaches
    it) or emailed, printed again later, said what the books say today of the statement's
    date: a payment entered or matched since with an earlier date changed it. Right: what the
    statement sent said (evidence is never rewritten), as the reminder's letter
    (``recorded_by``, the document's creation)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.policy.level_ids.attach_statement = True

    def _statement_rows(self, content):
        """``{table name: [row text]}`` of the statement's HTML ``content`` (bytes)."""
        page = lxml_html.fromstring(content.decode())
        return {
            name: [
                " ".join(row.text_content().split())
                for row in page.xpath("//table[@name=$name]/tbody/tr", name=name)
            ]
            for name in ("statement_open_items", "statement_credits", "statement_payments")
        } | {
            "balance": " ".join(
                page.xpath("//td[@name='statement_balance_amount']")[0].text_content().split()
            )
        }

    def _reprint(self, event):
        """The statement of ``event``'s level rendered again on 26 March (what the letters
        step, *Regenerate Letter* and *Print Letters* render)."""
        return self._statement_rows(self._reprinted_statement(event))

    def test_statement_of_a_reminder_after_a_credit_note_matched(self):
        # The reminder of 20 March claims 1 000 - 300 = 700 and its statement lists the
        # invoice (1 000.00 left), the credit note of 10 February (-300.00) and a balance of
        # 700.00. The credit note matched on 25 March (the partial dated 10 February), the
        # statement printed again on 26 March listed the invoice at 700.00 left and no credit
        # note: right, as sent.
        refund = self._refund_recorded(300.0, "2026-02-10")
        event = self._send()
        sent = self._reprint(event)
        self.assertEqual(
            sent["statement_open_items"],
            [f"02/01/2026 {self.move.name} 03/01/2026 1,000.00 € 1,000.00 € 19"],
        )
        # a negative amount is printed with a zero width no-break space after its sign
        self.assertEqual(
            sent["statement_credits"], [f"02/10/2026 {refund.name} -\ufeff300.00 € -\ufeff300.00 €"]
        )
        self.assertEqual(sent["balance"], "700.00 €")
        self._match(refund)
        self.assertEqual(self.move.amount_residual, 700.0)
        self.assertEqual(self._reprint(event), sent)

    def test_statement_of_a_reminder_after_a_payment_entered_later(self):
        # A payment of 250 received on 15 March is entered on 25 March, dated 15 March, and
        # allocated to the invoice. The reminder of 20 March did not know it: it claims 1 000
        # and its statement lists no payment, balance 1 000.00. Printed again on 26 March, it
        # listed the payment and the invoice at 750.00 left, balance 750.00: right, as sent.
        event = self._send()
        sent = self._reprint(event)
        self.assertEqual(sent["balance"], "1,000.00 €")
        with freeze_time("2026-03-25 10:00:00"):
            payment = self._unmatched_payment(self.customer, 250.0, "2026-03-15")
        self._recorded_at(payment.move_id.line_ids, "2026-03-25 10:00:00")
        self._match(payment.move_id)
        self.assertEqual(self.move.amount_residual, 750.0)
        self.assertEqual(self._reprint(event), sent)

    def test_statement_emailed_then_printed_again(self):
        # The statement emailed on 20 March (a statement sending) lists the invoice at
        # 1 000.00 and the credit note at -300.00, balance 700.00. The credit note matched on
        # 25 March, the sending printed again on 26 March said 700.00 left and no credit note.
        refund = self._refund_recorded(300.0, "2026-02-10")
        with freeze_time("2026-03-20 08:00:00"):
            sending = self.env["recouvrement.statement.sending"].create(
                {"partner_id": self.customer.id, "company_id": self.company.id}
            )
        self._recorded_at(sending, "2026-03-20 08:00:00")
        report = "recouvrement_b2b.report_statement_sending"

        def render():
            with freeze_time("2026-03-26"):
                html = self.env["ir.actions.report"]._render_qweb_html(report, sending.ids)[0]
            return self._statement_rows(html)

        sent = render()
        self.assertEqual(sent["balance"], "700.00 €")
        self.assertEqual(len(sent["statement_credits"]), 1)
        self._match(refund)
        self.assertEqual(render(), sent)
