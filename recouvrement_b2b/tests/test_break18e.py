"""Issue 18, tried as an operator (branch break18): letters that never leave, letters without
a letter model, and the crons around the dunning run."""

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import DunningRunCommon


@tagged("post_install", "-at_install")
class TestBreak18eLetters(DunningRunCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # no email address: each email level of the ladder goes as a letter to post
        cls.by_post = cls.env["res.partner"].create(
            {"name": "Boulangerie Morel", "is_company": True, "lang": "fr_FR"}
        )
        cls.move = cls._invoice(cls.by_post, 1000.0, "2025-12-02", "2026-01-01")

    def test_cancelled_letter_to_post_puts_the_levels_back(self):
        """A letter cancelled before it was posted never reached the customer: its invoice
        goes back to its level before it, and the next run sends the reminder again (as an
        undelivered email: the ladder never escalates on a reminder not received)."""
        # 2026-01-02: 1 day late, the courteous reminder (days 1), by letter (no email)
        letter = self._run("2026-01-02")
        self.assertRecordValues(
            letter, [{"level_id": self.level_courteous.id, "channel": "letter", "state": "to_post"}]
        )
        self.assertEqual(self.move.dunning_level_id, self.level_courteous)
        letter.with_user(self.controller).write({"cancel_reason": "Adresse erronée"})
        with freeze_time("2026-01-03"):
            letter.with_user(self.controller).action_cancel()
        self.assertEqual(letter.state, "cancelled")
        self.assertFalse(self.move.dunning_level_id)  # before: the courteous level
        # 2026-01-05: the courteous reminder again (before: nothing until the firm one, day 15)
        again = self._run("2026-01-05")
        self.assertRecordValues(again, [{"level_id": self.level_courteous.id, "state": "to_post"}])

    def test_posted_letter_returned_undelivered(self):
        """A posted letter that comes back (address unknown) was never received: marked
        undelivered, it is no evidence any more, its invoice goes back to its level before
        it and the next run sends the reminder again."""
        letter = self._run("2026-01-02")
        with freeze_time("2026-01-03"):
            letter.with_user(self.controller).action_mark_posted()
        self.assertRecordValues(
            letter, [{"state": "posted", "post_date": fields.Date.to_date("2026-01-03")}]
        )
        with freeze_time("2026-01-08"):
            letter.with_user(self.controller).action_mark_undelivered()
        self.assertEqual(letter.state, "undelivered")
        self.assertIn("not delivered", letter.note)
        self.assertFalse(self.move.dunning_level_id)  # before: the courteous level
        again = self._run("2026-01-09")
        self.assertRecordValues(
            again,
            [{"level_id": self.level_courteous.id, "channel": "letter", "state": "to_post"}],
        )
        # only a posted letter comes back
        with self.assertRaisesRegex(UserError, "is not a posted letter"):
            again.with_user(self.controller).action_mark_undelivered()
