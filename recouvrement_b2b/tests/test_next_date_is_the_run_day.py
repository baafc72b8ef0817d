"""Issue 17, the next reminder date: the date shown on an invoice is the day a run sends a
reminder listing it, whatever the run waits for (a payment deadline, art. 1344 Code civil), sends
alone (a newcomer, an instalment the transfer can never list) or lists with another invoice's
step. Checked day by day: the date shown in the morning of each day is the first day from then
on on which the daily run lists the invoice."""

from datetime import date, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .test_prerequisites_per_line import PrerequisitesCommon


@tagged("post_install", "-at_install")
class TestNextDateIsTheRunDay(PrerequisitesCommon):
    """Daily runs; each morning the next reminder date of every invoice is read before the run."""

    def _shown_and_sent(self, moves, start, end):
        """``(shown, sent)``: ``{day: {move: next reminder date}}`` read each morning from
        ``start`` to ``end`` included, and ``{move: [days a run listed it]}``, letters posted the
        day they are prepared."""
        shown, sent = {}, {move: [] for move in moves}
        day = date.fromisoformat(start)
        while day <= date.fromisoformat(end):
            with freeze_time(day):
                dates = self.Dunning._get_next_dates(moves, day)
            shown[day] = {move: dates[move.id] for move in moves}
            for event in self._post(self._run(day), day):
                for move in event.line_ids.move_id & moves:
                    sent[move].append(day)
            day += timedelta(days=1)
        return shown, sent

    def _assert_shown_is_sent(self, moves, start, end):
        """Every morning, every invoice: the date shown is the next day a run lists it (or,
        when no run lists it again up to ``end``, no date or a date after ``end``); returns
        ``sent``."""
        shown, sent = self._shown_and_sent(moves, start, end)
        wrong = []
        for day, dates in shown.items():
            for move in moves:
                following = [sent_day for sent_day in sent[move] if sent_day >= day]
                expected = following[0] if following else None
                got = dates[move] or None
                if expected is None and (got is None or got > date.fromisoformat(end)):
                    continue
                if got != expected:
                    wrong.append((day.isoformat(), move.name, got and got.isoformat(), expected))
        self.assertEqual(wrong, [])
        return sent

    def test_three_instalments_and_a_small_invoice(self):
        # the tester's invoice (1 200 in 480 / 360 / 360 due 21 Jan, 15 Feb, 17 Mar) and Z,
        # 250 due 10 Mar, daily from 10 Jan to 20 May. Old: after the third's last call of
        # 18 Mar the invoice showed 22 Mar, then "today" until 26 Mar, while the transfer went
        # on 27 Mar (the last call's deadline, 18 Mar + 8 days); Z showed 22 Mar (its own
        # ladder day) and was sent on 25 Mar
        move, _lines = self._three_instalments()
        small = self._invoice(self.customer, 250.0, "2026-02-08", "2026-03-10")
        sent = self._assert_shown_is_sent(move | small, "2026-01-10", "2026-05-20")
        self.assertIn(date(2026, 3, 27), sent[move])
        self.assertIn(date(2026, 3, 25), sent[small])

    def test_two_customers_payments_and_a_credit(self):
        # other inputs: customer A with 900 due 5 Feb of which 400 paid on 20 Jan and 600 due 1 Mar;
        # customer B with 1 500 in 500 / 500 / 500 due 15 Feb, 17 Mar, 16 Apr and an unmatched
        # credit note of 300; daily from 1 Feb to 30 May
        other = self._customer("Next date B")
        first = self._invoice(self.customer, 900.0, "2026-01-06", "2026-02-05")
        second = self._invoice(self.customer, 600.0, "2026-01-30", "2026-03-01")
        split = self._invoice_with_term(
            other, 1500.0, "2026-01-16", self._term((34, 30), (33, 60), (33, 90))
        )
        self._refund(other, 300.0, "2026-01-20")
        self._pay(first, 400.0, "2026-01-20")
        sent = self._assert_shown_is_sent(first | second | split, "2026-02-01", "2026-05-30")
        self.assertTrue(all(sent.values()))

    def test_promise_and_pause(self):
        # customer A: 1 000 due 1 Feb, a promise recorded on 1 Feb to pay it on 20 Feb
        # (reminders wait until its tolerance date, then resume); customer B: 800 due 5 Feb,
        # paused until 25 Feb; daily from 1 Feb to 15 Apr
        other = self._customer("Next date paused")
        promised = self._invoice(self.customer, 1000.0, "2026-01-02", "2026-02-01")
        paused = self._invoice(other, 800.0, "2026-01-06", "2026-02-05")
        paused.dunning_paused_until = date(2026, 2, 25)
        with freeze_time("2026-02-01"):
            self.env["recouvrement.promise"].with_user(self.controller).create(
                {
                    "partner_id": self.customer.id,
                    "amount": 1000.0,
                    "date": "2026-02-20",
                    "move_ids": [Command.set(promised.ids)],
                }
            )
        sent = self._assert_shown_is_sent(promised | paused, "2026-02-01", "2026-04-15")
        self.assertTrue(sent[promised] and sent[paused])
        self.assertGreater(sent[promised][0], date(2026, 2, 20))
        self.assertGreater(sent[paused][0], date(2026, 2, 25))

    def test_query_count_does_not_grow_with_the_customers(self):
        # 3 then 9 customers, each with 1 000 due 1 March and a courteous reminder of 2 March:
        # on 10 March the next reminder of each is the firm one of 16 March (1 Mar + 15), for
        # the same number of queries (the plan asked once for the day, whatever its customers)
        def count(number):
            moves = self.env["account.move"].union(
                *(
                    self._invoice(
                        self._customer(f"Next date {number} {index}"),
                        1000.0,
                        "2026-02-01",
                        "2026-03-01",
                    )
                    for index in range(number)
                )
            )
            self._run("2026-03-02", partners=moves.commercial_partner_id)
            self.env.flush_all()
            self.env.invalidate_all()
            with freeze_time("2026-03-10"):
                before = self.env.cr.sql_log_count
                dates = self.Dunning._get_next_dates(moves, date(2026, 3, 10))
                queries = self.env.cr.sql_log_count - before
            self.assertEqual(set(dates.values()), {date(2026, 3, 16)})
            return queries

        count(1)  # warm-up
        self.assertEqual(count(9), count(3))

    def test_invoice_due_in_two_years_has_its_date(self):
        # 1 000 dated 1 March 2026, due 1 March 2028 (731 days later, beyond the 400 days the
        # simulation looks ahead of its reminders): read on 2 March 2026, the next reminder
        # is the courtesy note of 1 March 2028 - 5 = 25 February 2028, the first day the run
        # lists it (the ladder's own date was the only answer for such an invoice before)
        move = self._invoice(self.customer, 1000.0, "2026-03-01", "2028-03-01")
        with freeze_time("2026-03-02"):
            dates = self.Dunning._get_next_dates(move, date(2026, 3, 2))
        self.assertEqual(dates[move.id], date(2028, 2, 25))
        self.assertFalse(self._run("2028-02-24", partners=self.customer))
        event = self._run("2028-02-25", partners=self.customer)
        self.assertEqual(event.move_ids, move)

    def test_refused_call_announces_the_step_the_run_sends(self):
        # the tester's invoice after the formal notice of 7 Mar (840) and the third's last call
        # alone on 18 Mar (360): a call refused on 19 Mar announces the transfer to litigation
        # on 27 Mar, the day after the last call's payment deadline (18 Mar + 8 days = 26 Mar),
        # the day the run sends it (old: 22 Mar, the ladder's day, 21 Jan + 60)
        self._three_instalments()
        self._runs([*self.LADDER_DAYS, "2026-03-18"])
        with freeze_time("2026-03-19"):
            self.env["recouvrement.call.log"].with_user(self.controller).create(
                {"partner_id": self.customer.id, "outcome": "refusal"}
            ).action_log()
            call = self.env["recouvrement.call"].search([("partner_id", "=", self.customer.id)])
            steps = call._get_next_steps()
        self.assertEqual(steps[self.customer.id], (self.level_litigation, date(2026, 3, 27)))
        sent = self._runs(["2026-03-22", "2026-03-26", "2026-03-27"])
        self.assertEqual(list(sent), ["2026-03-27"])
        self.assertEqual(sent["2026-03-27"][:2], (self.level_litigation.name, 840.0))
