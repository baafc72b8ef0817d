"""Issue 17 fault 1, the ladder per instalment: a reminder is never softer than one already
delivered for the instalments it lists, every instalment it lists takes its level, and an
instalment due on the day of the run is not late (LEGAL.md, instalments; README, product
decisions: "A newly late instalment joins the ladder of the invoice")."""

from datetime import date, timedelta

from odoo.tests import tagged

from .common import InstalmentRunsCommon


@tagged("post_install", "-at_install")
class TestInstalmentLadder(InstalmentRunsCommon):
    """The standard ladder (courtesy 5 days before the due date, courteous 1 day after, firm
    15, last call 30, formal notice 45 by registered letter, litigation 60; 8 days to pay
    from the firm level); one invoice of 1 000 EUR dated 1 January 2026 in two instalments
    of 500."""

    def test_second_instalment_takes_the_last_call_and_the_first_one_goes_on(self):
        # 50 % at 30 days (31 January), 50 % at 58 days (28 February); the tester's runs.
        first, second = self._instalments(((50, 30), (50, 58)))
        jan31, feb28 = date(2026, 1, 31), date(2026, 2, 28)
        sent = self._runs(["2026-02-01", "2026-02-15", "2026-03-02", "2026-03-15", "2026-03-17"])
        # 1 Feb = 31 Jan + 1: courteous; 15 Feb = 31 Jan + 15: firm, for the first 500 only.
        # 2 Mar = 31 Jan + 30: last call for the first; the second (due 28 Feb, 2 days late)
        # is listed: 500 + 500 = 1 000, and takes the last call's level.
        # 15 Mar = 28 Feb + 15 was the second's firm level (old: a firm reminder of 1 000,
        # listing the first instalment after its last call, whose 8 days to pay, until
        # 23 Mar, put the formal notice off to 24 Mar): nothing now, the second had the
        # last call. 17 Mar = 31 Jan + 45: the formal notice (the last call's deadline,
        # 2 Mar + 8 = 10 Mar, passed) lists both: 1 000.
        self.assertEqual(
            sent,
            {
                "2026-02-01": ("Courteous reminder", 500.0, [jan31]),
                "2026-02-15": ("Firm reminder", 500.0, [jan31]),
                "2026-03-02": ("Last call", 1000.0, [jan31, feb28]),
                "2026-03-17": ("Formal notice", 1000.0, [jan31, feb28]),
            },
        )
        self.assertEqual(first.dunning_level_id, self.level_notice)
        self.assertEqual(second.dunning_level_id, self.level_notice)

    def test_instalment_due_today_is_not_claimed_nor_reminded_softer_next_day(self):
        # 50 % at 30 days (31 January), 50 % at 60 days (2 March); the tester's runs.
        first, second = self._instalments(((50, 30), (50, 60)))
        jan31, mar2 = date(2026, 1, 31), date(2026, 3, 2)
        sent = self._runs(["2026-02-01", "2026-02-15", "2026-03-02", "2026-03-03", "2026-03-17"])
        # 2 Mar = 31 Jan + 30: last call for the first 500 only; the second is due that day,
        # not late (old: 1 000 "despite our reminders"). 3 Mar = 2 Mar + 1: the second
        # reaches the courteous level, a day after the first one's last call (old: a
        # courteous reminder of 1 000); the first one's next step is the formal notice, which
        # presupposes a reminder of the second (issue 17 #1 x #12; before: it waited for it
        # and its first reminder was the notice): the second gets the last call alone, 500.
        # 17 Mar = 31 Jan + 45 (the last calls' deadlines 2 Mar + 8 = 10 Mar and 3 Mar + 8 =
        # 11 Mar passed): the formal notice lists both, 500 + 500 = 1 000.
        self.assertEqual(
            sent,
            {
                "2026-02-01": ("Courteous reminder", 500.0, [jan31]),
                "2026-02-15": ("Firm reminder", 500.0, [jan31]),
                "2026-03-02": ("Last call", 500.0, [jan31]),
                "2026-03-03": ("Last call", 500.0, [mar2]),
                "2026-03-17": ("Formal notice", 1000.0, [jan31, mar2]),
            },
        )
        self.assertEqual(second.dunning_level_id, self.level_notice)

    def test_courtesy_note_of_the_next_instalment_waits_for_the_ladder(self):
        # 50 % at 30 days (31 January), 50 % at 58 days (28 February); a run every day the
        # ladder moves.
        self._instalments(((50, 30), (50, 58)))
        jan31, feb28 = date(2026, 1, 31), date(2026, 2, 28)
        sent = self._runs(
            [
                "2026-01-26",
                "2026-02-01",
                "2026-02-15",
                "2026-02-23",
                "2026-03-01",
                "2026-03-02",
                "2026-03-15",
                "2026-03-17",
            ]
        )
        # 26 Jan = 31 Jan - 5: the courtesy note of the first 500. 23 Feb = 28 Feb - 5: the
        # second's courtesy note (old: a courtesy note of 1 000 listing the first 500, 8 days
        # after its firm reminder) and 1 Mar = 28 Feb + 1, its courteous level (old: 1 000),
        # wait for the first one's last call on 2 Mar (31 Jan + 30), 1 000; formal notice
        # on 17 Mar (31 Jan + 45), 1 000 (old: 24 Mar).
        self.assertEqual(
            sent,
            {
                "2026-01-26": ("Courtesy reminder", 500.0, [jan31]),
                "2026-02-01": ("Courteous reminder", 500.0, [jan31]),
                "2026-02-15": ("Firm reminder", 500.0, [jan31]),
                "2026-03-02": ("Last call", 1000.0, [jan31, feb28]),
                "2026-03-17": ("Formal notice", 1000.0, [jan31, feb28]),
            },
        )

    def test_top_of_the_ladder_is_sent_again_with_the_new_instalment(self):
        # A ladder ending with the last call (formal notice and litigation removed): the first
        # instalment has no next step left, so the second one's courteous level is not
        # waited for; it is listed in a last call, the first one's level.
        (self.level_notice | self.level_litigation).unlink()
        first, second = self._instalments(((50, 30), (50, 60)))
        jan31, mar2 = date(2026, 1, 31), date(2026, 3, 2)
        sent = self._runs(["2026-02-01", "2026-02-15", "2026-03-02", "2026-03-03", "2026-03-04"])
        # 3 Mar = 2 Mar + 1: last call for 500 + 500 = 1 000 (old: a courteous reminder of
        # 1 000); 4 Mar: nothing, both are at the top.
        self.assertEqual(sent["2026-03-02"], ("Last call", 500.0, [jan31]))
        self.assertEqual(sent["2026-03-03"], ("Last call", 1000.0, [jan31, mar2]))
        self.assertNotIn("2026-03-04", sent)
        self.assertEqual(second.dunning_level_id, self.level_last_call)

    def test_invoice_never_reminded_is_not_held_back_into_a_formal_notice(self):
        # A fresh tester's input: invoice X of 1 000 due 31 January, invoice Y of 300 due
        # 2 March, no instalments. Y newly reaching its courtesy note (25 Feb = 2 Mar - 5) and
        # its courteous level (3 Mar = 2 Mar + 1) while X had its firm reminder and its last
        # call was held back for X's next step, so Y's first reminder was the formal notice
        # of 17 March (1 300, registered letter, credit hold): a step with legal effect for an
        # invoice never reminded (issue 17 #12). An invoice never reminded after its due date
        # goes through its own ladder, as before: Y gets the courteous reminder of 3 March,
        # alone, 300 (before the next test: 1 000 + 300 = 1 300, listing X at the courteous
        # level after its last call of 2 March), before any formal notice lists it.
        move_x = self._invoice(self.customer, 1000.0, "2026-01-01", "2026-01-31")
        move_y = self._invoice(self.customer, 300.0, "2026-02-01", "2026-03-02")
        days = ["2026-01-26", "2026-02-01", "2026-02-15", "2026-02-25", "2026-03-02", "2026-03-03"]
        sent = self._runs(days)
        jan31, mar2 = date(2026, 1, 31), date(2026, 3, 2)
        self.assertEqual(sent["2026-03-02"], ("Last call", 1000.0, [jan31]))
        self.assertEqual(sent["2026-03-03"], ("Courteous reminder", 300.0, [mar2]))
        # the formal notice of 17 March (31 Jan + 45) comes after Y was reminded
        notice = self._run("2026-03-17")
        self.assertEqual(notice.level_id, self.level_notice)
        self.assertIn(move_x, notice.move_ids)
        reminded = self.env["recouvrement.dunning.event"].search(
            [("move_ids", "in", move_y.ids), ("date", "<", "2026-03-17"), ("state", "=", "sent")]
        )
        self.assertTrue(reminded.filtered(lambda event: event.level_id == self.level_courteous))

    def test_invoice_never_reminded_is_sent_alone_not_softer_for_the_others(self):
        # The fresh tester's closing note: X 1 000 due 21 January; Y 1 200 dated 1 February
        # in 480 / 360 / 360 (due 21 Feb, 18 Mar, 17 Apr); daily runs 16 Jan - 28 Feb. X: courtesy
        # 16 Jan (21 Jan - 5), courteous 22 Jan, firm 5 Feb, last call 20 Feb. Y, never
        # reminded, goes through its own ladder alone: courtesy note 16 Feb (21 Feb - 5) for
        # 480 (old: 1 480 with X, after X's firm reminder), courteous 22 Feb for 480 (old:
        # 1 480 with X, two days after X's last call). No reminder lists an instalment at a
        # level softer than one a reminder already gave it.
        self._invoice(self.customer, 1000.0, "2026-01-01", "2026-01-21")
        self._instalments(((40, 20), (30, 45), (30, 75)), 1200.0, "2026-02-01")
        jan21, feb21 = date(2026, 1, 21), date(2026, 2, 21)
        days = [date(2026, 1, 16) + timedelta(days=n) for n in range(44)]
        reached, softer, sent = {}, [], {}
        for day, event in self._sent(days):
            sequence = event.level_id.sequence
            softer += [
                (day, event.level_id.name, line.date_maturity)
                for line in event.line_ids
                if reached.get(line.id, 0) > sequence
            ]
            for line in event.line_ids:
                reached[line.id] = max(reached.get(line.id, 0), sequence)
            sent[day.isoformat()] = (
                event.level_id.name,
                event.amount_due,
                sorted(event.line_ids.mapped("date_maturity")),
            )
        self.assertEqual(softer, [])
        self.assertEqual(sent["2026-02-20"], ("Last call", 1000.0, [jan21]))
        self.assertEqual(sent["2026-02-16"], ("Courtesy reminder", 480.0, [feb21]))
        self.assertEqual(sent["2026-02-22"], ("Courteous reminder", 480.0, [feb21]))
