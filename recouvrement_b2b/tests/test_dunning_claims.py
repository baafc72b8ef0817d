import smtplib
from contextlib import ExitStack
from datetime import date
from unittest.mock import patch

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.base.models.ir_mail_server import IrMailServer
from odoo.addons.base.tests.common import MockSmtplibCase

from .common import DunningRunCommon, RecouvrementCommon


@tagged("post_install", "-at_install")
class TestDunningClaims(DunningRunCommon):
    """Issue 17: reminders claim exactly what is owed (instalments, open credits, currencies)."""

    @staticmethod
    def _instalments(move):
        return move.line_ids.filtered(lambda line: line.display_type == "payment_term").sorted(
            "date_maturity"
        )

    def test_instalment_reminded_from_its_own_due_date(self):
        # Issue 17 #1: 1 000 EUR dated 1 May 2026, 300 due 31 May and 700 due 30 July; on
        # 20 June the 300 is 20 days late: a reminder at the J+15 level for 300, not 1 000;
        # penalty 300 x 12.15 % x 20 / 365 = 2.00 plus the 40 EUR indemnity.
        self.level_firm.claim_penalties = True
        # entered on its date: a next reminder date is never in the past
        with freeze_time("2026-05-01"):
            move = self._invoice_with_term(
                self.customer, 1000.0, "2026-05-01", self._term((30, 30), (70, 90))
            )
            self.assertEqual(move.dunning_next_date, date(2026, 5, 26))  # courtesy, J-5 of 31 May
        first, second = self._instalments(move)
        self.assertEqual(
            (first.date_maturity, second.date_maturity), (date(2026, 5, 31), date(2026, 7, 30))
        )
        event = self._run("2026-06-20")
        self.assertRecordValues(
            event,
            [
                {
                    "level_id": self.level_firm.id,
                    "amount_due": 300.0,
                    "amount_penalty": 2.0,
                    "amount_indemnity": 40.0,
                    "amount_total": 342.0,
                }
            ],
        )
        self.assertEqual(event.line_ids, first)
        lines = event._get_letter_lines()
        self.assertEqual(
            [(line["date_maturity"], line["residual"], line["days"]) for line in lines],
            [(date(2026, 5, 31), 300.0, 20)],
        )
        self.assertEqual(first.dunning_level_id, self.level_firm)
        self.assertFalse(second.dunning_level_id)
        self.assertEqual(move.dunning_level_id, self.level_firm)
        # next: the last call of the 300 (31 May + 30), before the courtesy of the 700
        self.assertEqual(move.dunning_next_date, date(2026, 6, 30))
        # The exposure's overdue figures are those of the 300 too.
        with freeze_time("2026-06-20"):
            row = self.env["recouvrement.credit.exposure"].search(
                [("partner_id", "=", self.customer.id)]
            )
            self.assertRecordValues(
                row,
                [
                    {
                        "receivable": 1000.0,
                        "overdue_amount": 300.0,
                        "oldest_overdue_date": date(2026, 5, 31),
                        "overdue_days": 20,
                    }
                ],
            )
            self.customer.invalidate_recordset()
            self.assertEqual(
                (self.customer.credit_overdue_amount, self.customer.credit_overdue_days), (300, 20)
            )
        # The L441-9 mention gives each due date with its amount.
        mention = self.env["recouvrement.penalty"]._get_penalty_mention(move)
        self.assertIn("Due date: 05/31/2026 (300.00\xa0€), 07/30/2026 (700.00\xa0€).", mention)

    def test_three_instalments_with_partial_payments(self):
        # 900 dated 1 January 2026 in three instalments of 300: 31 January, 2 March, 1 April.
        move = self._invoice_with_term(
            self.customer, 900.0, "2026-01-01", self._term((34, 30), (33, 60), (33, 90))
        )
        first, second, third = self._instalments(move)
        self.assertEqual(
            [(line.date_maturity, line.amount_residual) for line in (first, second, third)],
            [(date(2026, 1, 31), 306.0), (date(2026, 3, 2), 297.0), (date(2026, 4, 1), 297.0)],
        )
        self._pay(move, 100.0, "2026-02-10")  # allocated to the oldest instalment
        event = self._run("2026-02-20")
        self.assertRecordValues(event, [{"level_id": self.level_firm.id, "amount_due": 206.0}])
        self.assertEqual(event.line_ids, first)
        # 250 more: the first instalment paid, 44 on the second (253 left).
        self._pay(move, 250.0, "2026-02-25")
        self.assertEqual(
            [line.amount_residual for line in (first, second, third)], [0.0, 253.0, 297.0]
        )
        # 10 March: the second instalment, 8 days late, starts its own ladder (courteous),
        # the invoice's firm level of its first instalment does not carry over.
        event = self._run("2026-03-10")
        self.assertRecordValues(event, [{"level_id": self.level_courteous.id, "amount_due": 253.0}])
        self.assertEqual(event.line_ids, second)
        self.assertEqual(second.dunning_level_id, self.level_courteous)
        self.assertEqual(move.dunning_next_date, date(2026, 3, 17))  # firm of the second
        # 17 March: the second instalment goes firm alone, the third not due yet.
        event = self._run("2026-03-17")
        self.assertRecordValues(event, [{"level_id": self.level_firm.id, "amount_due": 253.0}])
        # 2 April: the third is 1 day late, the second (31 days) reaches the last call; one
        # reminder at the highest level, listing both, for 550.
        event = self._run("2026-04-02")
        self.assertRecordValues(event, [{"level_id": self.level_last_call.id, "amount_due": 550.0}])
        self.assertEqual(event.line_ids, second | third)
        self.assertEqual(
            [line["days"] for line in event._get_letter_lines()], [31, 1], "each its own delay"
        )
        # listed in the last call, the third takes its level (issue 17 #1: its courteous
        # reminder would come after the last call)
        self.assertEqual(third.dunning_level_id, self.level_last_call)

    def test_three_instalments_with_partial_payments_penalties(self):
        # Issue 17 "Done when": the penalties of the invoice above, each instalment from its
        # own due date with its partial payments (2026-S1: 12.15 %; the day of a payment
        # still bears the amount paid). On 2 April 2026:
        # - 306 due 31 January: 306 x 10 days (1-10 February, 100 paid on the 10th), then
        #   206 x 15 days (11-25 February, paid on the 25th): 6 150 x 12.15 / 36 500 = 2.0472
        # - 297 due 2 March, 44 of it paid on 25 February (before it was due): 253 x 31 days
        #   (3 March-2 April) = 7 843 x 12.15 / 36 500 = 2.6107
        # - 297 due 1 April: 297 x 1 day = 297 x 12.15 / 36 500 = 0.0989
        # 2.0472 + 2.6107 + 0.0989 = 4.7568 -> 4.76, and one 40 EUR indemnity for the invoice.
        move = self._invoice_with_term(
            self.customer, 900.0, "2026-01-01", self._term((34, 30), (33, 60), (33, 90))
        )
        self._pay(move, 100.0, "2026-02-10")
        self._pay(move, 250.0, "2026-02-25")
        self.assertEqual(
            [line.amount_residual for line in self._instalments(move)], [0.0, 253.0, 297.0]
        )
        figures = move._get_penalty_figures(date(2026, 4, 2))[move.id]
        self.assertEqual((figures["penalty"], figures["indemnity"]), (4.76, 40.0))

    def test_dispute_on_an_invoice_in_instalments(self):
        # 1 000 dated 1 May 2026: 300 due 31 May, 700 due 30 July; 100 disputed on 10 June,
        # spread over the instalments (30 on the 300). On 20 June the 300, 20 days late,
        # reaches the firm level from its own due date, for 300 - 30 = 270 (not from the
        # invoice's last due date, when nothing is due); a firm level with a minimum of 280 is
        # not applied to the 270 (the courteous one is). The 700 is not due: not listed.
        move = self._invoice_with_term(
            self.customer, 1000.0, "2026-05-01", self._term((30, 30), (70, 90))
        )
        first = self._instalments(move)[0]
        with freeze_time("2026-06-10"):
            self.env["recouvrement.dispute"].with_user(self.controller).create(
                {"move_id": move.id, "reason": "price", "amount": 100.0}
            )

        def plan():
            with freeze_time("2026-06-20"):
                return self.Dunning._get_plan(date(2026, 6, 20), companies=self.company)

        [item] = plan()
        self.assertEqual(item["level"], self.level_firm)
        self.assertEqual(item["amount_net"], 270.0)
        self.assertEqual(item["lines"], first)
        self.assertEqual(item["line_levels"], {first.id: self.level_firm.id})
        self.assertEqual(item["move_levels"], {move.id: self.level_firm.id})
        self.level_firm.min_amount = 280.0
        [item] = plan()
        self.assertEqual(item["level"], self.level_courteous)
        self.assertEqual(item["line_levels"], {first.id: self.level_courteous.id})

    def test_unmatched_payment_listed_and_deducted(self):
        # Own case of issue 17 #2: 1 000 due 1 October, 350 paid on account (not matched to
        # the invoice) on 20 October: the reminder lists the payment and claims 650.
        move = self._invoice(self.customer, 1000.0, "2026-09-01", "2026-10-01")
        payment = self.env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": self.customer.id,
                "amount": 350.0,
                "date": "2026-10-20",
            }
        )
        payment.action_post()
        self._run("2026-10-20")  # first run: courteous
        event = self._run("2026-10-31")
        self.assertRecordValues(
            event,
            [
                {
                    "level_id": self.level_last_call.id,
                    "amount_due": 650.0,
                    "amount_open_credit": 350.0,
                    "amount_total": 650.0,
                }
            ],
        )
        self.assertEqual(event.move_ids, move)
        self.assertEqual(event.credit_line_ids.move_id, payment.move_id)
        self.assertEqual(
            event._get_letter_credits(),
            [
                {
                    "name": payment.move_id.name,
                    "date": date(2026, 10, 20),
                    "amount_currency": 350.0,
                    "amount": 350.0,
                    "currency": self.company.currency_id,
                }
            ],
        )
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(event.level_id.report_id.report_name, event.ids)[0]
            .decode()
        )
        self.assertIn(payment.move_id.name, html)
        self.assertIn("deducted from the amount claimed", html)
        self.assertIn("650.00", html)
        body = (
            event.mail_message_id.body
            or self.env["mail.mail"]
            .search([("model", "=", event._name), ("res_id", "=", event.id)])
            .body_html
        )
        self.assertIn(payment.move_id.name, body)
        self.assertIn("650.00", body)

    def test_formal_notice_deadline_runs_from_its_delivery(self):
        # Two formal notices (registered letters, 8 days) prepared on 15 April 2026 and posted
        # late, on 25 April. The letter asks for payment "within 8 days of receipt" (a date
        # counted from 15 April, 23 April, would have passed on arrival). The ladder opens the
        # litigation case (J+60, 30 April) once 8 days from the receipt passed: the proof of
        # delivery of 27 April -> 5 May, so on 6 May; without one, 25 April + 3 days of post
        # -> 28 April + 8 = 6 May, so on 7 May; never on 30 April.
        other = self.env["res.partner"].create(
            {"name": "Scierie Aubert", "is_company": True, "email": "compta@aubert.example.fr"}
        )
        for partner in (self.customer, other):
            self._invoice(partner, 1000.0, "2026-02-01", "2026-03-01")
        for day in ("2026-03-02", "2026-03-16", "2026-03-31"):
            self.assertEqual(len(self._run(day)), 2)  # courteous, firm, last call (emails)
        notices = self._run("2026-04-15")
        self.assertRecordValues(
            notices,
            [
                {"level_id": self.level_notice.id, "channel": "registered", "state": "to_post"},
                {"level_id": self.level_notice.id, "channel": "registered", "state": "to_post"},
            ],
        )
        notice = notices.filtered(lambda e: e.partner_id == self.customer)
        delivered = notices - notice
        self.assertIsNone(notice._get_payment_deadline())  # not posted: not started
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(notice.level_id.report_id.report_name, notice.ids)[0]
            .decode()
        )
        self.assertIn("within 8 days of receipt of this letter", html)
        self.assertNotIn("04/23/2026", html)
        with freeze_time("2026-04-25"):
            notices.action_mark_posted()
        delivered.delivery_date = date(2026, 4, 27)
        self.assertEqual(notice._get_payment_deadline(), date(2026, 5, 6))
        self.assertEqual(delivered._get_payment_deadline(), date(2026, 5, 5))
        self.assertFalse(self._run("2026-04-30"))
        self.assertFalse(self._run("2026-05-05"))
        self.assertRecordValues(
            self._run("2026-05-06"),
            [{"partner_id": other.id, "level_id": self.level_litigation.id}],
        )
        self.assertRecordValues(
            self._run("2026-05-07"),
            [{"partner_id": self.customer.id, "level_id": self.level_litigation.id}],
        )


@tagged("post_install", "-at_install")
class TestDunningDelivery(DunningRunCommon, MockSmtplibCase):
    """Issue 17 #4: a reminder that was never delivered does not count as sent."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.recouvrement_user_id = cls.manager
        cls.move = cls._invoice(cls.customer, 1000.0, "2026-02-01", "2026-03-01")

    def _mails(self, events):
        return (
            self.env["mail.mail"]
            .sudo()
            .search([("model", "=", events._name), ("res_id", "in", events.ids)])
        )

    def _bounce(self, event):
        """Odoo's bounce route for a delivery failure notice of ``event``'s email."""
        self.env["mail.thread"]._routing_handle_bounce(
            None,
            {
                "bounced_email": self.customer.email_normalized,
                "bounced_partner": self.customer,
                "bounced_msg_ids": [event.mail_message_id.message_id],
                "bounced_message": event.mail_message_id,
                "body": "550 5.1.1 user unknown",
                "email_from": "MAILER-DAEMON@example.com",
                "to": "bounce@example.com",
                "message_id": "<dsn-1@example.com>",
            },
        )

    def _activities(self):
        # on the reminders, records of the company, not on the shared customer (issue 19)
        self.assertFalse(self.customer.activity_ids)
        events = self.env["recouvrement.dunning.event"].search(
            [("partner_id", "=", self.customer.id)]
        )
        return events.activity_ids.filtered(
            lambda a: a.summary == "Reminder not delivered: Courteous reminder"
        )

    def test_failed_email_is_undelivered_and_sent_again_as_a_letter(self):
        event = self._run("2026-03-02")
        self.assertRecordValues(
            event, [{"level_id": self.level_courteous.id, "channel": "email", "state": "sent"}]
        )
        self.assertEqual(self.move.dunning_level_id, self.level_courteous)
        # the mail queue fails to deliver it
        with (
            freeze_time("2026-03-02 10:00"),
            self.mock_smtplib_connection(),
            mute_logger("odoo.addons.mail.models.mail_mail"),
            patch.object(
                IrMailServer,
                "send_email",
                side_effect=smtplib.SMTPDataError(550, b"5.1.1 mailbox unavailable"),
            ),
        ):
            self._mails(event).send(raise_exception=False)
        self.assertEqual(self._mails(event).state, "exception")
        self.assertEqual(event.state, "undelivered")
        self.assertIn("was not delivered to compta@garnier.example.fr", event.note)
        self.assertIn("mailbox unavailable", event.note)
        self.assertEqual(self._activities().user_id, self.manager)
        # the ladder does not escalate on it: the same level again, by letter
        self.assertFalse(self.move.dunning_level_id)
        self.assertFalse(self.move.line_ids.dunning_level_id)
        again = self._run("2026-03-03")
        self.assertRecordValues(
            again,
            [{"level_id": self.level_courteous.id, "channel": "letter", "state": "to_post"}],
        )
        self.assertIn(
            "The previous email reminder to Menuiserie Garnier was not delivered", again.note
        )

    def test_bounce_after_a_letter_fallback(self):
        event = self._run("2026-03-02")
        self._bounce(event)
        self.assertEqual(event.state, "undelivered")
        self.assertIn("the email to compta@garnier.example.fr bounced", event.note)
        self.assertEqual(len(self._activities()), 1)
        self.assertFalse(self.move.dunning_level_id)
        letter = self._run("2026-03-03")
        self.assertRecordValues(
            letter,
            [{"level_id": self.level_courteous.id, "channel": "letter", "state": "to_post"}],
        )
        with freeze_time("2026-03-03"):
            letter.action_mark_posted()
        # A late second failure notice of the same email changes nothing: the posted letter
        # stands, the ladder keeps its level, the responsible is not told twice.
        self._bounce(event)
        self.assertRecordValues(event | letter, [{"state": "undelivered"}, {"state": "posted"}])
        self.assertEqual(len(self._activities()), 1)
        self.assertEqual(self.move.dunning_level_id, self.level_courteous)
        # The address still bounces: the firm level goes by letter too.
        self.assertEqual(self.customer.message_bounce, 2)
        firm = self._run("2026-03-16")
        self.assertRecordValues(
            firm, [{"level_id": self.level_firm.id, "channel": "letter", "state": "to_post"}]
        )

    def _send_queue(self, events, **patches):
        """The mail queue sends the emails of ``events`` at 10:00, ``ir.mail_server`` methods
        patched as ``patches`` (name: side effect)."""
        mail_server_class = type(self.env["ir.mail_server"])
        with (
            ExitStack() as stack,
            freeze_time("2026-03-02 10:00"),
            self.mock_smtplib_connection(),
            mute_logger("odoo.addons.mail.models.mail_mail"),
        ):
            for name, effect in patches.items():
                stack.enter_context(patch.object(mail_server_class, name, side_effect=effect))
            self._mails(events).send(raise_exception=False)

    def test_mail_server_outage_is_no_bounce(self):
        # Outgoing mail server unreachable (connection refused), then a timeout while sending:
        # the reminders stay emails, queued again; no letter, no "undelivered", no code shown.
        second = self.env["res.partner"].create(
            {"name": "Scierie Aubert", "is_company": True, "email": "compta@aubert.example.fr"}
        )
        self._invoice(second, 500.0, "2026-02-01", "2026-03-01")
        events = self._run("2026-03-02")
        self.assertEqual(len(events), 2)
        self._send_queue(events, connect=ConnectionRefusedError(111, "Connection refused"))
        self._send_queue(events, send_email=TimeoutError("timed out"))
        mails = self._mails(events)
        self.assertEqual(len(mails), 2)
        self.assertEqual(set(mails.mapped("state")), {"outgoing"})
        self.assertRecordValues(
            events, [{"channel": "email", "state": "sent"}, {"channel": "email", "state": "sent"}]
        )
        for event in events:
            self.assertNotIn("mail_smtp", event.note)
            self.assertIn("the outgoing mail server could not be reached", event.note)
            self.assertIn("the outgoing mail server returned an error", event.note)
        self.assertFalse(self._activities())
        self.assertEqual(self.move.dunning_level_id, self.level_courteous)
        self.assertEqual(self.customer.message_bounce, 0)
        # the next day: no letter replaces it; the mail queue sends it once the server is back
        self.assertFalse(self._run("2026-03-03"))
        self._send_queue(events)
        self.assertEqual(len(self.emails), 2)
        self.assertRecordValues(
            events, [{"channel": "email", "state": "sent"}, {"channel": "email", "state": "sent"}]
        )

    def test_invalid_recipient_reason_is_a_sentence(self):
        # A recipient failure without a server message (no valid recipient): undelivered, the
        # reason said in words, not Odoo's code "mail_email_invalid".
        event = self._run("2026-03-02")
        self._send_queue(event, send_email=AssertionError(IrMailServer.NO_VALID_RECIPIENT))
        self.assertEqual(event.state, "undelivered")
        self.assertNotIn("mail_email_invalid", event.note)
        self.assertIn("(the email address is not valid)", event.note)
        self.assertEqual(len(self._activities()), 1)
        again = self._run("2026-03-03")
        self.assertRecordValues(again, [{"channel": "letter", "state": "to_post"}])


@tagged("post_install", "-at_install")
class TestDunningFirstRun(RecouvrementCommon):
    """Issue 17 #12: the first run shows how many customers reach each level, then sends."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.policy = cls._standard_ladder()
        cls.company.dunning_first_run_date = False  # no run yet
        cls.level_courteous, cls.level_firm = cls.policy.level_ids[1:3]
        cls.level_last_call = cls.policy.level_ids[3]
        cls.customers = cls.env["res.partner"]
        # 70, 40, 40 and 20 days overdue on 31 March 2026 (one also has a 100 credit note)
        for name, due, amount in (
            ("Scierie Blanc", "2026-01-20", 1000.0),
            ("Hotel du Parc", "2026-02-19", 500.0),
            ("Imprimerie Roux", "2026-02-19", 700.0),
            ("Garage Petit", "2026-03-11", 300.0),
        ):
            customer = cls.env["res.partner"].create(
                {"name": name, "is_company": True, "email": "compta@example.fr"}
            )
            cls._invoice(customer, amount, "2026-01-01", due)
            cls.customers |= customer
        refund = cls._invoice(cls.customers[2], 100.0, "2026-03-01", post=False)
        refund.move_type = "out_refund"
        refund.action_post()

    def _wizard(self):
        return (
            self.env["recouvrement.dunning.run"]
            .with_user(self.controller)
            .create({"date": "2026-03-31"})
        )

    @freeze_time("2026-03-31")
    def test_first_run_shows_the_customers_per_level_before_sending(self):
        # the daily cron sends nothing before the first run is sent from the wizard
        self.env["recouvrement.dunning"]._cron_send_reminders()
        self.assertFalse(
            self.env["recouvrement.dunning.event"]
            .search([])
            .filtered(lambda e: e.partner_id in self.customers)
        )
        wizard = self._wizard()
        self.assertTrue(wizard.is_first_run)
        wizard.action_preview()
        # the highest amicable level is last call (30 days): 3 customers, 2 100 net of the
        # 100 credit note; firm (15 days): 1 customer, 300
        summary = str(wizard.level_summary)
        self.assertIn(
            '<tr><td>Firm reminder</td><td class="text-end">1</td>'
            '<td class="text-end">300.00\xa0€</td></tr>',
            summary,
        )
        self.assertIn(
            '<tr><td>Last call</td><td class="text-end">3</td>'
            '<td class="text-end">2,100.00\xa0€</td></tr>',
            summary,
        )
        with self.assertRaisesRegex(UserError, "First dunning run for .*: check the customers"):
            wizard.action_execute()
        self.assertFalse(
            self.env["recouvrement.dunning.event"]
            .search([])
            .filtered(lambda e: e.partner_id in self.customers)
        )
        wizard.first_run_confirmed = True
        wizard.action_execute()
        self.assertEqual(wizard.event_ids.partner_id, self.customers)
        self.assertFalse(self._wizard().is_first_run)
        self.assertEqual(self.company.dunning_first_run_date, fields.Date.to_date("2026-03-31"))
