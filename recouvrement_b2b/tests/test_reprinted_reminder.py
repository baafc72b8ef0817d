from freezegun import freeze_time
from lxml import html as lxml_html

from odoo import fields
from odoo.tests import tagged
from odoo.tools import SQL

from .common import DunningRunCommon


@tagged("post_install", "-at_install")
class TestReprintedReminder(DunningRunCommon):
    """Issue 17, left open: a reminder's letter printed later states the open credits the
    reminder deducted that day, even when they were matched since (README: a reminder's letter
    is as at its date). Each test sends the firm reminder of 20 March 2026 (penalties not
    claimed) for 1 000 EUR due 1 March, then matches its open credit with the invoice on 25
    March, in a later transaction than the reminder's (the record times are set as a user's
    requests on those days would have written them)."""

    def setUp(self):
        super().setUp()
        self.move = self._invoice(self.customer, 1000.0, "2026-02-01", "2026-03-01")

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

    def _match(self, credit_move):
        """Match ``credit_move`` with the invoice on 25 March (a request of that day)."""
        with freeze_time("2026-03-25 10:00:00"):
            (self.move.line_ids + credit_move.line_ids).filtered(
                lambda line: line.account_id.account_type == "asset_receivable"
            ).reconcile()
        self._recorded_at(self.move.line_ids.matched_credit_ids, "2026-03-25 10:00:00")

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
            page = lxml_html.fromstring(
                self.env["ir.actions.report"]
                ._render_qweb_html("recouvrement_b2b.report_dunning_letter", event.ids)[0]
                .decode()
            )
        rows = [
            " ".join(row.text_content().split())
            for row in page.xpath("//tr[td[contains(., $name)]]", name=refund.name)
        ]
        self.assertEqual(rows, [f"{refund.name} 02/10/2026 300.00 €"])

    def test_unmatched_payment_matched_after_the_reminder(self):
        # A payment of 250 received on 15 March, not allocated: the reminder of 20 March
        # claims 1 000 - 250 = 750 and lists the payment at 250. Allocated to the invoice on
        # 25 March, the letter printed on 26 March listed 750.00 and 0.00: right, 1 000.00
        # and 250.00.
        payment = self.env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": self.customer.id,
                "amount": 250.0,
                "date": "2026-03-15",
            }
        )
        payment.action_post()
        event = self._send()
        self.assertRecordValues(event, [{"amount_due": 750.0, "amount_open_credit": 250.0}])
        self._match(payment.move_id)
        self.assertEqual(self.move.amount_residual, 750.0)
        self.assertEqual(
            self._reprint(event), ([(1000.0, 1000.0)], [(payment.move_id.name, 250.0)])
        )
