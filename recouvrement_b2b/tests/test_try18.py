"""Fresh tester (try18), issue 17 A: the next reminder date shown each morning is the next day
a daily run sends a reminder listing the invoice; inputs no other test uses."""

import os
from datetime import date, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.tests import Form, tagged

from .test_prerequisites_per_line import PrerequisitesCommon


def d(text):
    return date.fromisoformat(text)


@tagged("post_install", "-at_install")
class TestTry18NextDate(PrerequisitesCommon):
    def _loop(
        self,
        moves,
        start,
        end,
        post_delay=0,
        hooks=None,
        companies=None,
        stored=False,
        queue_delay=0,
    ):
        """Daily loop: each morning, hooks of the day, then letters due to be posted today are
        posted and emails due to leave the queue today leave it, then the dates are read, then
        the run (letters posted ``post_delay`` days after being prepared, emails leaving the
        queue ``queue_delay`` days after). Returns ``(wrong, sent, shown)``."""
        companies = companies or self.company
        hooks = hooks or {}
        shown, sent = {}, {move: [] for move in moves}
        waiting, queued = {}, {}
        day, last = d(start), d(end)
        if stored:
            # the invoices were made outside the loop: their stored date as on the first day
            with freeze_time(day):
                self.env.add_to_compute(moves._fields["dunning_next_date"], moves)
                self.env.flush_all()
        while day <= last:
            if day in hooks:
                hooks[day]()
            for events in waiting.pop(day, []):
                self._post(events, day)
            for events in queued.pop(day, []):
                self._queue_takes(events, day)
            if stored:
                # what the user sees: the stored field, the cron's refresh of past dates done
                with freeze_time(day):
                    self.Dunning._refresh_past_next_dates(day)
                    self.env.flush_all()
                    moves.invalidate_recordset(["dunning_next_date"])
                    dates = {move.id: move.dunning_next_date for move in moves.sudo()}
            else:
                with freeze_time(day):
                    dates = self.Dunning._get_next_dates(moves, day)
            shown[day] = {move: dates[move.id] for move in moves}
            with freeze_time(day):
                plan = self.Dunning._get_plan(day, companies=companies)
                events = self.Dunning._send_reminders(plan, day)
            if queue_delay:
                queued.setdefault(day + timedelta(days=queue_delay), []).append(events)
            else:
                self._queue_takes(events, day)
            if post_delay:
                waiting.setdefault(day + timedelta(days=post_delay), []).append(events)
            else:
                self._post(events, day)
            for event in events:
                for move in event.line_ids.move_id & moves:
                    sent[move].append((day, event.level_id.name, event.amount_due, event.channel))
            day += timedelta(days=1)
        wrong = []
        # what a user does later (a payment, a dispute...) cannot be foreseen: the days before
        # the last hook are not checked
        check_from = max(hooks, default=d(start))
        for day, dates in shown.items():
            if day < check_from:
                continue
            for move in moves:
                following = [s[0] for s in sent[move] if s[0] >= day]
                expected = following[0] if following else None
                got = dates[move] or None
                if expected is None and (got is None or got > last):
                    continue
                if got != expected:
                    wrong.append(
                        (
                            day.isoformat(),
                            move.name,
                            got and got.isoformat(),
                            expected and expected.isoformat(),
                        )
                    )
        return wrong, sent, shown

    def _report(self, name, wrong, sent, shown=None):
        """Write the loop's days to /tmp/t18/<name>.txt when TRY18_REPORT is set."""
        if not os.environ.get("TRY18_REPORT"):
            return
        with open(f"/tmp/t18/{name}.txt", "w") as out:
            for move, items in sent.items():
                out.write(f"{move.name} sent: {[(s[0].isoformat(), *s[1:]) for s in items]}\n")
            out.write(f"wrong ({len(wrong)}):\n")
            for row in wrong:
                out.write(f"  {row}\n")
            if shown:
                for day, dates in shown.items():
                    out.write(
                        f"{day} " + " ".join(f"{m.name}={v}" for m, v in dates.items()) + "\n"
                    )

    # ---- A: daily loops ----

    def _no_email(self):
        customer = self._customer("Sans Courriel")
        customer.email = False
        move = self._invoice(customer, 700.0, "2026-01-15", "2026-02-14")
        return move

    def test_a1_no_email_letters_posted_same_day(self):
        move = self._no_email()
        wrong, sent, shown = self._loop(move, "2026-02-01", "2026-05-20")
        self._report("a1", wrong, sent, shown)
        self.assertEqual(wrong, [])

    def test_a2_no_email_letters_posted_three_days_later(self):
        move = self._no_email()
        wrong, sent, shown = self._loop(move, "2026-02-01", "2026-05-20", post_delay=3)
        self._report("a2", wrong, sent, shown)
        self.assertEqual(wrong, [])

    def test_a3_partial_payment_in_the_loop(self):
        big = self._invoice(self.customer, 1300.0, "2026-01-13", "2026-02-12")
        small = self._invoice(self.customer, 450.0, "2026-02-18", "2026-03-20")

        def pay():
            with freeze_time("2026-03-04"):
                self._pay(big, 500.0, "2026-03-04")

        wrong, sent, shown = self._loop(
            big | small, "2026-02-01", "2026-05-20", hooks={d("2026-03-04"): pay}
        )
        self._report("a3", wrong, sent, shown)
        self.assertEqual(wrong, [])

    def test_a4_open_credit_note_in_the_loop(self):
        first = self._invoice(self.customer, 900.0, "2026-01-11", "2026-02-10")
        second = self._invoice(self.customer, 400.0, "2026-02-03", "2026-03-05")

        def credit():
            with freeze_time("2026-03-01"):
                self._open_credit_note(self.customer, 350.0, "2026-03-01")

        wrong, sent, shown = self._loop(
            first | second, "2026-02-01", "2026-05-20", hooks={d("2026-03-01"): credit}
        )
        self._report("a4", wrong, sent, shown)
        self.assertEqual(wrong, [])

    def test_a5_dispute_opened_then_rejected(self):
        move = self._invoice(self.customer, 800.0, "2026-01-09", "2026-02-08")
        disputes = []

        def open_dispute():
            with freeze_time("2026-02-20"):
                disputes.append(
                    self.env["recouvrement.dispute"]
                    .with_user(self.controller)
                    .create({"move_id": move.id, "reason": "price", "amount": 800.0})
                )

        def reject():
            with freeze_time("2026-03-10"):
                disputes[0].with_user(self.controller).action_reject()

        wrong, sent, shown = self._loop(
            move,
            "2026-02-01",
            "2026-05-20",
            hooks={d("2026-02-20"): open_dispute, d("2026-03-10"): reject},
        )
        self._report("a5", wrong, sent, shown)
        self.assertEqual(wrong, [])

    def test_a6_proposed_payment_plan(self):
        move = self._invoice(self.customer, 1100.0, "2026-01-04", "2026-02-03")

        def propose():
            with freeze_time("2026-02-25"):
                self._propose_plan(move, 3, date(2026, 3, 31))

        wrong, sent, shown = self._loop(
            move, "2026-02-01", "2026-05-20", hooks={d("2026-02-25"): propose}
        )
        self._report("a6", wrong, sent, shown)
        self.assertEqual(wrong, [])

    def test_a7_customer_level_pause(self):
        move = self._invoice(self.customer, 650.0, "2026-01-07", "2026-02-06")

        def pause():
            with freeze_time("2026-02-18"):
                self.customer.with_company(self.company).with_user(
                    self.controller
                ).dunning_paused_until = "2026-03-12"

        wrong, sent, shown = self._loop(
            move, "2026-02-01", "2026-05-20", hooks={d("2026-02-18"): pause}
        )
        self._report("a7", wrong, sent, shown)
        self.assertEqual(wrong, [])

    def test_a8_two_customers_two_companies(self):
        other = self.setup_other_company(name="Filiale Nantes")["company"]
        other.dunning_first_run_date = "2020-01-01"
        policy = (
            self.env.ref("recouvrement_b2b.dunning_policy_standard")
            .sudo()
            .copy({"company_id": other.id, "name": "Standard Nantes"})
        )
        other.dunning_policy_id = policy
        self.controller.company_ids += other
        other_customer = self._customer("Client Nantes")
        move_a = self._invoice(self.customer, 520.0, "2026-01-05", "2026-02-04")
        move_b = self._invoice(other_customer, 830.0, "2026-01-20", "2026-02-19", company=other)
        self.Dunning = self.Dunning.with_context(allowed_company_ids=(self.company | other).ids)
        wrong, sent, shown = self._loop(
            move_a | move_b, "2026-02-01", "2026-05-20", companies=self.company | other
        )
        self._report("a8", wrong, sent, shown)
        self.assertTrue(sent[move_b])
        self.assertEqual(wrong, [])

    def test_a9_invoice_in_usd(self):
        usd = self.setup_other_currency("USD", rates=[("2000-01-01", 1.25), ("2026-03-15", 1.10)])
        move = self._invoice(self.customer, 1500.0, "2026-01-16", "2026-02-15", currency=usd)
        small = self._invoice(self.customer, 140.0, "2026-01-20", "2026-02-19", currency=usd)
        wrong, sent, shown = self._loop(move | small, "2026-02-01", "2026-05-20")
        self._report("a9", wrong, sent, shown)
        self.assertEqual(wrong, [])

    def test_a2b_letter_waiting_to_be_posted(self):
        # no email: every level by letter, each posted 7 days after it is prepared (received
        # 3 days after posting, 8 days to pay: the run acts 3 + 8 + 1 = 12 days after the
        # posting). The last call letter of 16 Mar waits until 23 Mar; the formal notice of
        # 4 Apr until 11 Apr. On the morning of 22 Mar the last call is still not posted: posted
        # that day at the earliest, its deadline is 22 + 11 = 2 Apr and the notice goes on
        # 3 Apr at the earliest (really 4 Apr, posted 23 Mar). On 8 Apr the notice is still
        # not posted: the transfer goes on 8 + 12 = 20 Apr at the earliest (really 23 Apr).
        # The date shown must not be a day the run cannot send on.
        move = self._no_email()
        wrong, sent, shown = self._loop(move, "2026-02-01", "2026-04-24", post_delay=7)
        self._report("a2b", wrong, sent, shown)
        self.assertEqual(
            [day for day, *_rest in sent[move]][3:],
            [d("2026-03-16"), d("2026-04-04"), d("2026-04-23")],
        )
        self.assertEqual(
            (shown[d("2026-03-22")][move], shown[d("2026-04-08")][move]),
            (d("2026-04-03"), d("2026-04-20")),
        )

    def test_a2c_email_leaving_the_queue_late(self):
        # every level by email, each leaving the outgoing queue 10 days after the run (the
        # queue held); the ladder waits while an email is queued and a payment deadline runs
        # from the day the email left (recouvrement.dunning.event.dispatch_date). The last
        # call of 16 Mar leaves on 26 Mar: 8 days to pay, 26 Mar + 8 = 3 Apr, the formal
        # notice goes on 4 Apr (the ladder's 14 Feb + 45 = 31 Mar passed). On the morning of
        # 24 Mar it is still queued: leaving that day at the earliest, 24 + 8 + 1 = 2 Apr; on
        # 26 Mar it left: 4 Apr. The notice is a registered letter posted the day it is
        # prepared: received 7 Apr, 8 days: the transfer on 16 Apr.
        move = self._invoice(self.customer, 700.0, "2026-01-15", "2026-02-14")
        wrong, sent, shown = self._loop(move, "2026-02-01", "2026-04-30", queue_delay=10)
        self._report("a2c", wrong, sent, shown)
        self.assertEqual(
            [day for day, *_rest in sent[move]],
            [
                d("2026-02-09"),
                d("2026-02-19"),  # the courtesy note left the queue on 19 Feb
                d("2026-03-01"),
                d("2026-03-16"),
                d("2026-04-04"),
                d("2026-04-16"),
            ],
        )
        self.assertEqual(
            (shown[d("2026-03-24")][move], shown[d("2026-03-26")][move]),
            (d("2026-04-02"), d("2026-04-04")),
        )
        # once the last email left, the date read is the run's day every morning (before, a
        # queued email is taken as leaving that day, the earliest it can)
        self.assertEqual([row for row in wrong if row[0] >= "2026-03-26"], [])

    def test_a7b_pause_in_one_company_only(self):
        # the customer is paused until 12 Mar in the test company only (company-dependent):
        # its invoice in the other company goes on; both invoices' dates follow the run
        other = self.setup_other_company(name="Filiale Rennes")["company"]
        other.dunning_first_run_date = "2020-01-01"
        other.dunning_policy_id = (
            self.env.ref("recouvrement_b2b.dunning_policy_standard")
            .sudo()
            .copy({"company_id": other.id, "name": "Standard Rennes"})
        )
        self.controller.company_ids += other
        move_a = self._invoice(self.customer, 610.0, "2026-01-08", "2026-02-07")
        move_b = self._invoice(self.customer, 390.0, "2026-01-12", "2026-02-11", company=other)
        self.customer.with_company(self.company).dunning_paused_until = "2026-03-12"
        self.Dunning = self.Dunning.with_context(allowed_company_ids=(self.company | other).ids)
        wrong, sent, shown = self._loop(
            move_a | move_b, "2026-02-01", "2026-05-10", companies=self.company | other
        )
        self._report("a7b", wrong, sent, shown)
        self.assertTrue(sent[move_b] and sent[move_b][0][0] < d("2026-03-12"))
        self.assertGreater(sent[move_a][0][0], d("2026-03-12"))
        self.assertEqual(wrong, [])

    def test_a10_refused_call_follow_up(self):
        self._invoice(self.customer, 950.0, "2026-01-03", "2026-02-02")
        self._invoice(self.customer, 380.0, "2026-02-01", "2026-03-03")
        with freeze_time("2026-02-10"):
            self.env["recouvrement.call.log"].with_user(self.controller).create(
                {"partner_id": self.customer.id, "outcome": "refusal"}
            ).action_log()
            call = self.env["recouvrement.call"].search([("partner_id", "=", self.customer.id)])
        self.assertTrue(call)
        steps, sent = {}, []
        day, last = d("2026-02-10"), d("2026-05-20")
        while day <= last:
            with freeze_time(day):
                call.invalidate_recordset()
                steps[day] = call._get_next_steps().get(self.customer.id)
            for event in self._post(self._run(day), day):
                sent.append((day, event.level_id.name, event.amount_due))
            day += timedelta(days=1)
        wrong = []
        for day, step in steps.items():
            following = [s for s in sent if s[0] >= day]
            expected = (following[0][1], following[0][0]) if following else None
            got = step and (step[0].name, step[1])
            if expected is None and (got is None or got[1] > last):
                continue
            if got != expected:
                wrong.append((day.isoformat(), got, expected))
        self.assertEqual(wrong, [])


@tagged("post_install", "-at_install")
class TestTry18Stored(TestTry18NextDate):
    """The same daily loops, reading the stored field ``account.move.dunning_next_date``
    (what the invoice list and form show) after the cron's refresh of past dates."""

    def _loop(self, *args, **kwargs):
        kwargs["stored"] = True
        return super()._loop(*args, **kwargs)


@tagged("post_install", "-at_install")
class TestTry18Others(PrerequisitesCommon):
    DAY = "2026-04-20"

    # ---- B ----

    def test_b1_three_cases_created_newest_first_credit_and_payment(self):
        # credits: credit note 500 + unmatched payment 300 = 800. Cases created in the order
        # C (600 due 15 Mar), B (250 due 20 Feb), A (450 due 10 Jan). Oldest claim first:
        # A 450 (800 - 450 = 350 left), B 250 (100 left), C 100; D 200 due 31 Mar reminded:
        # deducts 0, claims 200.
        customer = self._customer("Trois Dossiers")
        move_a = self._invoice(customer, 450.0, "2025-12-11", "2026-01-10")
        move_b = self._invoice(customer, 250.0, "2026-01-21", "2026-02-20")
        move_c = self._invoice(customer, 600.0, "2026-02-13", "2026-03-15")
        self._invoice(customer, 200.0, "2026-03-01", "2026-03-31")
        self._refund(customer, 500.0, "2026-03-10")
        self._unmatched_payment(customer, 300.0, "2026-03-12")
        with freeze_time(self.DAY):
            case_c = self._litigation_case(move_c)
            case_b = self._litigation_case(move_b)
            case_a = self._litigation_case(move_a)
            self.assertEqual(
                [case.open_credit_amount for case in (case_a, case_b, case_c)],
                [450.0, 250.0, 100.0],
            )
        [item] = self._plan(self.DAY, partners=customer)
        self.assertEqual((item["open_credit"], item["amount_net"]), (0.0, 200.0))

    def test_b2_plan_after_two_cases(self):
        # credit note 1 200; case A 500 (due 4 Feb), case B 400 (due 3 Mar); a plan on P 700
        # (due 31 Mar) on 20 Apr without penalties: credits 1 200 - 500 - 400 = 300, total
        # 700 - 300 = 400
        customer = self._customer("Plan Deux Dossiers")
        move_a = self._invoice(customer, 500.0, "2026-01-05", "2026-02-04")
        move_b = self._invoice(customer, 400.0, "2026-02-01", "2026-03-03")
        move_p = self._invoice(customer, 700.0, "2026-03-01", "2026-03-31")
        self._refund(customer, 1200.0, "2026-03-10")
        with freeze_time(self.DAY):
            self._litigation_case(move_b)
            self._litigation_case(move_a)
            with Form(self._plan_wizard(move_p)) as form:
                form.instalment_count = 2
                form.first_date = date(2026, 5, 30)
                form.include_penalties = False
                self.assertEqual((form.amount_credits, form.amount_total), (300.0, 400.0))

    def test_b3_credit_in_another_currency(self):
        # EUR invoice A 600 due 4 Feb in a case; a USD credit note of 500 USD (1 EUR = 1.25
        # USD: 400 EUR); a USD invoice U 300 USD due 31 Mar. A credit only pays debts of its
        # own currency: the case deducts 0 (not 400); U is covered (500 > 300 USD): no
        # reminder
        usd = self.setup_other_currency("USD", rates=[("2000-01-01", 1.25)])
        customer = self._customer("Deux Devises")
        move_a = self._invoice(customer, 600.0, "2026-01-05", "2026-02-04")
        self._invoice(customer, 300.0, "2026-03-01", "2026-03-31", currency=usd)
        self._open_credit_note(customer, 500.0, "2026-03-10", currency=usd)
        with freeze_time(self.DAY):
            case = self._litigation_case(move_a)
            self.assertEqual(case.open_credit_amount, 0.0)
        self.assertEqual(self._plan(self.DAY, partners=customer), [])

    # ---- C ----

    def _halves(self):
        """2 000 dated 1 Jan 2026, 1 000 due 31 Jan and 1 000 due 1 Apr; a case of 20 Mar
        claiming the first half."""
        self._legal_penalties()
        lines = self._instalments(((50, 30), (50, 90)), 2000.0)
        move = lines.move_id
        with freeze_time("2026-03-20"):
            case = self._litigation_case(
                move, litigation_type="recovery", line_ids=[Command.set(lines[:1].ids)]
            )
        return move, lines, case

    def test_c1_suspending_case_second_half_accrues(self):
        # the case suspends penalties: the first half bears none; the second, due 1 Apr, late
        # from 2 Apr: on 30 Apr 29 days: 1 000 x 12.15 % x 29 / 365 = 9.6534 -> 9.65, and
        # the invoice's 40.00 once
        move, _lines, case = self._halves()
        case.suspend_penalties = True
        figures = move._get_penalty_figures(date(2026, 4, 30))[move.id]
        self.assertEqual((figures["penalty"], figures["indemnity"]), (9.65, 40.0))

    def test_c2_not_suspending_case_whole_invoice(self):
        # not suspending: both halves accrue: 1 000 x 89 days (1 Feb - 30 Apr) + 1 000 x 29
        # = 118 000 x 12.15 / 36 500 = 39.2786 -> 39.28, and 40.00
        move, _lines, case = self._halves()
        case.suspend_penalties = False
        figures = move._get_penalty_figures(date(2026, 4, 30))[move.id]
        self.assertEqual((figures["penalty"], figures["indemnity"]), (39.28, 40.0))

    def test_c3_file_after_a_partial_payment(self):
        # 300 paid on 10 Mar goes to the first half (1 000 -> 700); the case (not suspending)
        # claims it: the file of 30 Apr claims 700; penalties 1 000 x 38 days (1 Feb - 10 Mar)
        # + 700 x 51 (11 Mar - 30 Apr) = 73 700 x 12.15 / 36 500 = 24.5330 -> 24.53 (the
        # payment day counted late); the indemnity 40
        self._legal_penalties()
        lines = self._instalments(((50, 30), (50, 90)), 2000.0)
        move = lines.move_id
        self._pay(move, 300.0, "2026-03-10")
        self.assertEqual(lines.mapped("amount_residual"), [700.0, 1000.0])
        with freeze_time("2026-03-20"):
            case = self._litigation_case(
                move, litigation_type="recovery", line_ids=[Command.set(lines[:1].ids)]
            )
        with freeze_time("2026-04-30"):
            [line] = case._get_dossier_lines()
        self.assertEqual(line["principal"], 700.0)
        self.assertEqual(line["penalty"], 24.53)
        self.assertEqual(line["indemnity"], 40.0)

    # ---- D ----

    def test_d1_scope_part_then_whole(self):
        # the case claims the first half: part, 1 000, "01/31/2026"; both halves claimed:
        # whole, 2 000
        move, lines, case = self._halves()
        with freeze_time("2026-03-20"):
            move.invalidate_recordset()
            self.assertRecordValues(
                move,
                [
                    {
                        "litigation_scope": "part",
                        "litigation_claimed_amount": 1000.0,
                        "litigation_due_dates": "01/31/2026 (1,000.00\xa0€)",
                    }
                ],
            )
        with freeze_time("2026-04-05"):
            case.line_ids |= lines[1]
            move.invalidate_recordset()
            self.assertRecordValues(
                move, [{"litigation_scope": "whole", "litigation_claimed_amount": 2000.0}]
            )

    def test_d2_removed_by_set_gets_its_prescription_back(self):
        # E 800 due 2021-09-15 (prescribed 2026-09-15) and F 300 due 2022-02-01 in a case
        # filed 2026-03-02, order 2026-03-20, served 2026-05-04: both 2031-05-04. E removed
        # on 2026-06-01 by replacing the invoices (Command.set([F])): E back to 2026-09-15
        move_e = self._invoice(self.customer, 800.0, "2021-08-16", "2021-09-15")
        move_f = self._invoice(self.customer, 300.0, "2022-01-02", "2022-02-01")
        with freeze_time("2026-03-02"):
            case = self._litigation_case(
                move_e | move_f, litigation_type="recovery", proof_checked=True
            )
            case.action_file()
        with freeze_time("2026-03-20"):
            case.order_date = "2026-03-20"
        with freeze_time("2026-05-04"):
            case.service_date = "2026-05-04"
        self.assertEqual((move_e | move_f).mapped("prescription_date"), [date(2031, 5, 4)] * 2)
        with freeze_time("2026-06-01"):
            case.write({"move_ids": [Command.set(move_f.ids)]})
        self.assertEqual(move_e.prescription_date, date(2026, 9, 15))
        self.assertEqual(move_f.prescription_date, date(2031, 5, 4))


@tagged("post_install", "-at_install")
class TestTry18Call(PrerequisitesCommon):
    """A refused call's announced next step against what the daily run sends."""

    def _call_loop(self, customer, call_day, start, end, post_delay=0):
        with freeze_time(call_day):
            self.env["recouvrement.call.log"].with_user(self.controller).create(
                {"partner_id": customer.id, "outcome": "refusal"}
            ).action_log()
            call = self.env["recouvrement.call"].search([("partner_id", "=", customer.id)])
        steps, sent, waiting = {}, [], {}
        day, last = d(start), d(end)
        while day <= last:
            for events in waiting.pop(day, []):
                self._post(events, day)
            if day >= d(call_day):
                with freeze_time(day):
                    call.invalidate_recordset()
                    steps[day] = call._get_next_steps().get(customer.id)
            events = self._run(day)
            if post_delay:
                waiting.setdefault(day + timedelta(days=post_delay), []).append(events)
            else:
                self._post(events, day)
            for event in events:
                sent.append((day, event.level_id.name, event.amount_due))
            day += timedelta(days=1)
        wrong = []
        for day, step in steps.items():
            following = [s for s in sent if s[0] >= day]
            expected = (following[0][1], following[0][0]) if following else None
            got = step and (step[0].name, step[1])
            if expected is None and (got is None or got[1] > last):
                continue
            if got != expected:
                wrong.append((day.isoformat(), got, expected))
        return wrong, sent, steps

    def test_a11_call_while_a_letter_waits(self):
        # no email, letters posted 7 days after they are prepared; the last call letter of
        # 16 Mar waits until 23 Mar. A call refused on 22 Mar: the formal notice cannot go
        # before 3 Apr (posted 22 Mar at the earliest + 3 + 8 = 2 Apr); really 4 Apr
        customer = self._customer("Sans Courriel Appel")
        customer.email = False
        self._invoice(customer, 700.0, "2026-01-15", "2026-02-14")
        wrong, sent, steps = self._call_loop(
            customer, "2026-03-22", "2026-02-01", "2026-04-10", post_delay=7
        )
        self.assertIn((d("2026-04-04"), "Formal notice", 700.0), sent)
        step = steps[d("2026-03-22")]
        self.assertEqual((step[0].name, step[1]), ("Formal notice", d("2026-04-03")))

    def test_a12_call_during_a_customer_pause(self):
        # 760 due 9 Feb; the customer paused until 12 Mar from 1 Feb (company-dependent
        # field); a call refused on 20 Feb: the run sends its first reminder, the last call
        # (9 Feb + 30 = 11 Mar passed, amicable levels skipped), on 13 Mar, the day after the
        # pause, and the invoice shows 13 Mar; the call announces no step (None) until 12 Mar
        customer = self._customer("Pause Appel")
        self._invoice(customer, 760.0, "2026-01-10", "2026-02-09")
        customer.with_company(self.company).dunning_paused_until = "2026-03-12"
        wrong, sent, steps = self._call_loop(customer, "2026-02-20", "2026-02-01", "2026-05-10")
        self.assertEqual(sent[0][:2], (d("2026-03-13"), "Last call"))
        step = steps[d("2026-02-20")]
        self.assertEqual(step and (step[0].name, step[1]), ("Last call", d("2026-03-13")))
        self.assertEqual(wrong, [])

    def test_a13_call_with_a_proposed_plan(self):
        # 1 250 due 6 Feb, courteous and firm reminders; a plan proposed on 24 Feb holds the
        # ladder until 11 Mar (24 Feb + 15); a call refused on 26 Feb: the run sends the last
        # call on 12 Mar (the day after the hold); the call announces no step until 11 Mar
        customer = self._customer("Plan Appel")
        move = self._invoice(customer, 1250.0, "2026-01-07", "2026-02-06")
        self._runs(["2026-02-07", "2026-02-21"])
        with freeze_time("2026-02-24"):
            self._propose_plan(move, 2, date(2026, 3, 31))
        wrong, sent, steps = self._call_loop(customer, "2026-02-26", "2026-02-22", "2026-05-10")
        self.assertEqual(sent[0][:2], (d("2026-03-12"), "Last call"))
        step = steps[d("2026-02-26")]
        self.assertEqual(step and (step[0].name, step[1]), ("Last call", d("2026-03-12")))
        self.assertEqual(wrong, [])
