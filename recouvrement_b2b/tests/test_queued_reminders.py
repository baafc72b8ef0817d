from contextlib import ExitStack
from datetime import date
from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.base.tests.common import MockSmtplibCase
from odoo.addons.sms.tests.common import SMSCase

from .common import DunningRunCommon
from .test_reminder_wording import _migration


@tagged("post_install", "-at_install")
class TestQueuedReminders(DunningRunCommon, MockSmtplibCase, SMSCase):
    """Issue 17 #4 and #12: an email or SMS still in the outgoing queue is no delivered
    reminder. Standard ladder: last call at J+30 (8 days to pay), formal notice at J+45."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # 1 000 EUR due 1 February 2026
        cls.move = cls._invoice(cls.customer, 1000.0, "2026-01-01", "2026-02-01")

    def _queue(self, events, day, refused=False):
        """The mail queue tries the emails of ``events`` on ``day`` at 10:00; ``refused``: the
        outgoing mail server refuses the connection (a fresh install without one)."""
        mails = (
            self.env["mail.mail"]
            .sudo()
            .search([("model", "=", events._name), ("res_id", "in", events.ids)])
        )
        with (
            ExitStack() as stack,
            freeze_time(f"{day} 10:00"),
            self.mock_smtplib_connection(),
            mute_logger("odoo.addons.mail.models.mail_mail"),
        ):
            if refused:
                stack.enter_context(
                    patch.object(
                        type(self.env["ir.mail_server"]),
                        "connect",
                        side_effect=ConnectionRefusedError(111, "Connection refused"),
                    )
                )
            mails.send(raise_exception=False)
        return mails

    def test_queued_last_call_holds_the_formal_notice(self):
        # The run of 5 March (32 days late) sends the last call by email; the mail server
        # refuses the connection: the mail stays outgoing, the reminder "sent".
        last_call = self._run("2026-03-05", queue=False)
        self.assertRecordValues(
            last_call, [{"level_id": self.level_last_call.id, "channel": "email", "state": "sent"}]
        )
        mails = self._queue(last_call, "2026-03-05", refused=True)
        self.assertEqual(mails.state, "outgoing")
        # 20 March: 47 days late, the last call's deadline as if sent on 5 March (13 March)
        # passed; the customer never had it: nothing (was: a formal notice by registered
        # letter "despite our previous reminder", earlier_reminder_count 1), neither in the run
        # wizard's preview
        with freeze_time("2026-03-20"):
            wizard = (
                self.env["recouvrement.dunning.run"]
                .with_user(self.controller)
                .create({"date": "2026-03-20"})
            )
            wizard.action_preview()
        self.assertFalse(wizard.line_ids)
        self.assertFalse(self._run("2026-03-20"))
        self.assertRecordValues(last_call, [{"state": "sent", "queued": True}])
        # no evidence of a reminder received yet (claim declaration, litigation file)
        Event = self.env["recouvrement.dunning.event"]
        self.assertFalse(Event._get_written_reminders(self.move))
        # the server is back: the email leaves the queue on 23 March; its 8 days run from
        # then: 23 March + 8 = 31 March, the notice waits until 1 April
        self._queue(last_call, "2026-03-23")
        self.assertRecordValues(
            last_call, [{"state": "sent", "queued": False, "dispatch_date": date(2026, 3, 23)}]
        )
        self.assertEqual(Event._get_written_reminders(self.move), last_call)
        self.assertFalse(self._run("2026-03-31"))
        notice = self._run("2026-04-01")
        self.assertRecordValues(
            notice,
            [
                {
                    "level_id": self.level_notice.id,
                    "channel": "registered",
                    "state": "to_post",
                    "earlier_reminder_count": 1,
                }
            ],
        )

    def test_queued_firm_reminder_holds_the_last_call(self):
        # An amicable level waits too: the firm email of 16 February (15 days late) still in
        # the queue on 3 March (30 days late): no last call (was: the last call "despite our
        # previous reminder"); it leaves on 4 March, the last call goes on 5 March (one
        # communication a day: not on the 4th, the day it left is no reminder day but the
        # queue's) with one earlier reminder.
        firm = self._run("2026-02-16", queue=False)
        self.assertEqual(firm.level_id, self.level_firm)
        self._queue(firm, "2026-02-16", refused=True)
        self.assertFalse(self._run("2026-03-03"))
        self._queue(firm, "2026-03-04")
        last_call = self._run("2026-03-05", queue=False)
        self.assertRecordValues(
            last_call, [{"level_id": self.level_last_call.id, "earlier_reminder_count": 1}]
        )

    def test_queued_sms_holds_the_formal_notice(self):
        # The last call by SMS on 5 March, the SMS queue not run: the notice of 20 March waits
        # (was: sent). The SMS handed to the provider on 23 March: 23 + 8 = 31 March, the
        # notice on 1 April.
        self.level_last_call.write(
            {
                "channel": "sms",
                "sms_template_id": self.env.ref(
                    "recouvrement_b2b.sms_template_dunning_reminder"
                ).id,
            }
        )
        self.customer.mobile = "06 12 34 56 78"
        last_call = self._run("2026-03-05", queue=False)
        self.assertRecordValues(last_call, [{"channel": "sms", "state": "sent"}])
        self.assertFalse(self._run("2026-03-20"))
        self.assertTrue(last_call.queued)
        with freeze_time("2026-03-23 10:00"), self.mockSMSGateway():
            self.env["sms.sms"].sudo()._process_queue()
        self.assertRecordValues(
            last_call, [{"state": "sent", "queued": False, "dispatch_date": date(2026, 3, 23)}]
        )
        self.assertFalse(self._run("2026-03-31"))
        notice = self._run("2026-04-01")
        self.assertRecordValues(
            notice, [{"level_id": self.level_notice.id, "earlier_reminder_count": 1}]
        )

    def test_migration_marks_the_messages_still_waiting(self):
        # A database upgraded to 18.0.1.0.4 with reminders recorded before it (no ``queued``):
        # the migration marks as queued the email whose mail.mail is still outgoing; one that
        # left the queue keeps counting from its own date.
        migration = _migration()
        waiting = self._run("2026-03-05", queue=False)
        other = self._customer("Menuiserie Dupuis", email="compta@dupuis.example.fr")
        self._invoice(other, 500.0, "2026-01-01", "2026-02-01")
        left = self._run("2026-03-05", partners=other, queue=False)
        self._queue(left, "2026-03-05")
        (waiting | left).write({"queued": False, "dispatch_date": False})  # as before 18.0.1.0.4
        self.env.flush_all()
        # the database's other reminders still waiting (demo data) are marked as well
        self.env.cr.execute(
            "SELECT count(DISTINCT event.id) FROM recouvrement_dunning_event event"
            " JOIN mail_message message ON message.model = 'recouvrement.dunning.event'"
            " AND message.res_id = event.id"
            " JOIN mail_mail mail ON mail.mail_message_id = message.id"
            " WHERE mail.state = 'outgoing' AND event.state = 'sent'"
            " AND event.queued IS NOT TRUE AND event.dispatch_date IS NULL"
        )
        (expected,) = self.env.cr.fetchone()
        self.assertEqual(migration.mark_waiting_messages_queued(self.env.cr), expected)
        self.env.invalidate_all()
        self.assertEqual((waiting.queued, left.queued), (True, False))
        # its run of 20 March (last call deadline 13 March passed) waits for it
        self.assertFalse(self._plan("2026-03-20", partners=self.customer))
        # a second run of the migration changes nothing
        self.assertEqual(migration.mark_waiting_messages_queued(self.env.cr), 0)
