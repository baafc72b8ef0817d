"""Issue 17, the four smaller faults left open by stop 28 (NOTE11): a proposed payment plan
holds the ladder, the next reminder date of an instalment waiting for an older one, the
first-run safeguard after a reminder recorded by hand, a corrected service date of an
injonction de payer. Values by hand in each test."""

from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError
from odoo.modules.migration import load_script
from odoo.tests import tagged

from .common import DunningRunCommon, InstalmentRunsCommon
from .test_plan_penalties import PlanPenaltiesCommon


@tagged("post_install", "-at_install")
class TestProposedPlanHoldsTheLadder(PlanPenaltiesCommon):
    """Invoice of 1 000 EUR due 1 March 2026 on the standard ladder (courteous 1 day after the
    due date: 2 March; firm 15: 16 March; last call 30: 31 March; formal notice 45: 15
    April). Product decision (README): a proposed plan holds its invoices from the ladder
    until it is signed or called off, for at most 15 days from the proposal (20 March + 15 =
    4 April); then the ladder resumes from where it was."""

    def _levels(self, days):
        """``{day: level name}`` of the customer's reminders of the runs on ``days``."""
        return {day: event.level_id.name for day in days for event in self._run(day)}

    def _next_date(self, day):
        with freeze_time(day):
            self.move.invalidate_recordset(["dunning_next_date"])
            self.env.add_to_compute(self.move._fields["dunning_next_date"], self.move)
            return self.move.dunning_next_date

    def test_no_reminder_while_proposed_then_resumes_after_the_proposal(self):
        self.assertEqual(
            self._levels(["2026-03-02", "2026-03-16"]),
            {"2026-03-02": "Courteous reminder", "2026-03-16": "Firm reminder"},
        )
        plan = self._draft_plan()
        self._propose(plan)
        # old: the last call of 31 March (31 Mar = 1 Mar + 30) was sent to the customer
        # considering the plan, and its next reminder date was 31 March; now held until 4
        # April, the next reminder is the day after, 5 April
        self.assertEqual(self._next_date("2026-03-20"), date(2026, 4, 5))
        self.assertEqual(self._levels(["2026-03-31", "2026-04-04"]), {})
        self.assertEqual(self.move.dunning_level_id, self.level_firm)
        self.assertEqual(plan.proposal_hold_until, date(2026, 4, 4))
        # 5 April: the proposal lapsed unsigned; the ladder resumes from the firm reminder:
        # the last call (35 days late, the notice is due at 45)
        self.assertEqual(self._levels(["2026-04-05"]), {"2026-04-05": "Last call"})

    def test_called_off_proposal_resumes_the_ladder_and_signature_stops_it(self):
        self._levels(["2026-03-02", "2026-03-16"])
        plan = self._draft_plan()
        self._propose(plan)
        with freeze_time("2026-03-25"):
            plan.action_cancel()
        # called off on 25 March: the ladder's own date again, 31 March (1 Mar + 30)
        self.assertEqual(self._next_date("2026-03-25"), date(2026, 3, 31))
        self.assertEqual(self._levels(["2026-03-31"]), {"2026-03-31": "Last call"})

    def _propose(self, plan, day="2026-03-20"):
        with freeze_time(day):
            plan.action_propose()

    def test_worklist_next_step_not_legal_while_proposed(self):
        # The invoice had its last call; its next rung is the formal notice (legal). While
        # the plan proposed on 20 March holds it (until 4 April), the worklist's next step is
        # not legal (old: legal on 25 March); on 5 April, the proposal lapsed, it is again.
        self.move.sudo().dunning_level_id = self.level_last_call
        self._schedule_call(self.customer, date(2026, 3, 25))
        self._propose(self._draft_plan())
        self.assertEqual(self._worklist_legal("2026-03-25"), (1, False))
        self.assertEqual(self._worklist_legal("2026-04-05"), (1, True))

    def _worklist_legal(self, day):
        """``(rows, next step legal)`` of the customer's worklist on ``day``."""
        self.env.flush_all()
        self.env["recouvrement.worklist"].invalidate_model()  # a view: read it again
        with freeze_time(day):
            rows = (
                self.env["recouvrement.worklist"]
                .with_user(self.controller)
                .search([("partner_id", "=", self.customer.id)])
            )
            return len(rows), rows.next_step_legal

    def test_reproposal_does_not_extend_the_hold(self):
        # Proposed 20 March: held until 4 April (20 Mar + 15). Reset to draft and proposed
        # again on 30 March: still 4 April, the hold counts from the first proposal (README;
        # old: 14 April = 30 Mar + 15, 25 days held in all); 5 April: the last call.
        self._levels(["2026-03-02", "2026-03-16"])
        plan = self._draft_plan()
        self._propose(plan)
        with freeze_time("2026-03-30"):
            plan.action_draft()
        self._propose(plan, "2026-03-30")
        self.assertEqual(plan.proposal_hold_until, date(2026, 4, 4))
        self.assertEqual(self._next_date("2026-03-30"), date(2026, 4, 5))
        self.assertEqual(self._levels(["2026-04-05"]), {"2026-04-05": "Last call"})

    def test_new_plan_within_the_hold_does_not_extend_it(self):
        # Plan A proposed 20 March (held until 4 April), called off 25 March; plan B on the
        # same invoice proposed 28 March: held until A's 4 April, not 12 April (28 Mar + 15,
        # old); the last call of 31 March waits, then goes on 5 April.
        self._levels(["2026-03-02", "2026-03-16"])
        first = self._draft_plan()
        self._propose(first)
        with freeze_time("2026-03-25"):
            first.action_cancel()
        second = self._draft_plan(day="2026-03-28")
        self._propose(second, "2026-03-28")
        self.assertEqual(second.proposal_hold_until, date(2026, 4, 4))
        self.assertEqual(self._levels(["2026-03-31", "2026-04-04"]), {})
        self.assertEqual(self._levels(["2026-04-05"]), {"2026-04-05": "Last call"})
        # B called off 6 April; plan C proposed on 6 April, after every earlier hold ended (the
        # ladder resumed): a new offer, held 15 days, until 21 April (6 Apr + 15)
        with freeze_time("2026-04-06"):
            second.action_cancel()
        third = self._draft_plan(day="2026-04-06")
        self._propose(third, "2026-04-06")
        self.assertEqual(third.proposal_hold_until, date(2026, 4, 21))

    def test_signed_plan_has_no_next_reminder(self):
        plan = self._draft_plan()
        self._propose(plan)
        self._sign(plan, "2026-03-30")
        self.assertFalse(self._next_date("2026-03-30"))
        self.assertEqual(self._levels(["2026-03-31", "2026-04-05"]), {})


@tagged("post_install", "-at_install")
class TestWaitingInstalmentNextDate(InstalmentRunsCommon):
    """Standard ladder (courtesy 5 days before the due date, courteous 1 day after, firm 15,
    last call 30, formal notice 45); invoice of 1 000 EUR dated 1 January 2026 in two halves
    due 31 January and 28 February (test_instalment_ladder: the second half's courtesy note
    and courteous level wait for the first half's last call of 2 March, 31 Jan + 30)."""

    def test_next_reminder_date_is_the_older_instalments_next_step(self):
        move = self._instalments(((50, 30), (50, 58))).move_id
        for day in ("2026-01-26", "2026-02-01", "2026-02-15"):
            self._run(day)
        self.assertEqual(move.dunning_level_id, self.level_firm)
        # old: 23 February (28 Feb - 5, the second half's courtesy note), a day nothing is
        # sent; right: 2 March, the first half's last call, which lists both
        with freeze_time("2026-02-16"):
            self.env.add_to_compute(move._fields["dunning_next_date"], move)
            self.assertEqual(move.dunning_next_date, date(2026, 3, 2))
        # a refused call of 16 February says the same next step: the last call on 2 March
        # (old: the courtesy note on 23 February)
        with freeze_time("2026-02-16"):
            self.env["recouvrement.call.log"].with_user(self.controller).create(
                {"partner_id": self.customer.id, "outcome": "refusal"}
            ).action_log()
            call = self.env["recouvrement.call"].search([("partner_id", "=", self.customer.id)])
            steps = call._get_next_steps()
        self.assertEqual(steps[self.customer.id], (self.level_last_call, date(2026, 3, 2)))
        # nothing is sent in between, the last call on 2 March (1 000)
        sent = {day: self._run(day) for day in ("2026-02-23", "2026-03-01", "2026-03-02")}
        self.assertFalse(sent["2026-02-23"] or sent["2026-03-01"])
        self.assertEqual(sent["2026-03-02"].level_id, self.level_last_call)
        self.assertEqual(sent["2026-03-02"].amount_due, 1000.0)


@tagged("post_install", "-at_install")
class TestFirstRunIsTheCompanys(DunningRunCommon):
    """Issue 17 #12's safeguard: until the company made its first run (from the run wizard,
    ``dunning_first_run_date``), the daily cron sends nothing and the wizard shows how many
    customers reach each level before anything is sent. A reminder recorded before the first
    run (by hand, an import) is no first run."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.dunning_first_run_date = False  # the company's first run is to make

    @freeze_time("2026-03-31")
    def test_reminder_recorded_before_the_first_run_keeps_the_safeguard(self):
        # Two customers, 1 000 due 20 January and 500 due 19 February (70 and 40 days late
        # on 31 March); a courteous reminder of the first recorded on 25 January, before any
        # run. Old: the cron sent the ladder to both (the company counted as started) and the
        # wizard had no first-run summary. Right: the cron holds the company, the wizard asks
        # to check the customers per level.
        blanc, parc = self._customer("Scierie Blanc"), self._customer("Hotel du Parc")
        first = self._invoice(blanc, 1000.0, "2026-01-01", "2026-01-20")
        self._invoice(parc, 500.0, "2026-01-01", "2026-02-19")
        self._reminder_event(first, self.level_courteous, "2026-01-25", state="sent")
        customers = blanc | parc
        Event = self.env["recouvrement.dunning.event"]
        before = Event.search([("partner_id", "in", customers.ids)])
        self.env["recouvrement.dunning"]._cron_send_reminders()
        self.assertEqual(Event.search([("partner_id", "in", customers.ids)]), before)
        wizard = (
            self.env["recouvrement.dunning.run"]
            .with_user(self.controller)
            .create({"date": "2026-03-31"})
        )
        self.assertTrue(wizard.is_first_run)
        wizard.action_preview()
        self.assertTrue(wizard.level_summary)
        with self.assertRaisesRegex(UserError, "First dunning run for .*: check the customers"):
            wizard.action_execute()
        wizard.first_run_confirmed = True
        wizard.action_execute()
        self.assertEqual(wizard.event_ids.partner_id, customers)
        self.assertEqual(self.company.dunning_first_run_date, date(2026, 3, 31))

    def test_upgrade_keeps_the_daily_run_of_a_company_that_ran_before(self):
        # A database upgraded from 18.0.1.0.4: the company's reminders of 2 and 16 February
        # were sent by runs made before dunning_first_run_date existed; without the date, its
        # daily run would now wait for a first run from the wizard. The migration gives it the
        # day of its first reminder, 2 February; a company with the date keeps it.
        post = load_script(
            "recouvrement_b2b/migrations/18.0.1.0.5/post-migrate.py",
            "rb2b_post_migrate_18_0_1_0_5",
        )
        move = self._invoice(self.customer, 1000.0, "2026-01-01", "2026-02-01")
        self._reminder_event(move, self.level_courteous, "2026-02-16", state="sent")
        self._reminder_event(move, self.level_courtesy, "2026-02-02", state="sent")
        self._reminder_event(move, self.level_courtesy, "2026-01-20", state="cancelled")
        self.env.flush_all()
        self.assertGreaterEqual(post.mark_started_companies(self.env.cr), 1)
        self.company.invalidate_recordset(["dunning_first_run_date"])
        self.assertEqual(self.company.dunning_first_run_date, date(2026, 2, 2))


@tagged("post_install", "-at_install")
class TestServiceDateCorrectedAfterTheDeadline(DunningRunCommon):
    """Injonction de payer (LEGAL.md): the service of the order restarts the 5 years (art.
    2241, 2231 Code civil); an order not served within its deadline is void (art. 1411 CPC,
    ``rules.deadlines.is_order_lapsed``) and its service interrupts nothing. 1 000 due
    2022-06-10: last day to act 2027-06-10 (L110-4). Filed 2025-12-20, order issued
    2026-01-05, to be served by 2026-07-05 (6 months, an order before 2026-09-01)."""

    def _filed_case(self, move):
        with freeze_time("2025-12-20"):
            case = self._litigation_case(move, litigation_type="recovery", proof_checked=True)
            case.action_file()
        with freeze_time("2026-01-05"):
            case.order_date = "2026-01-05"
        return case

    def test_service_corrected_to_after_the_deadline_drops_the_interruption(self):
        move = self._invoice(self.customer, 1000.0, "2022-05-10", "2022-06-10")
        case = self._filed_case(move)
        with freeze_time("2026-07-25"):
            # typed 2026-07-01 (in time): restarts, 2026-07-01 + 5 years = 2031-07-01
            case.service_date = "2026-07-01"
            self.assertEqual(move.prescription_date, date(2031, 7, 1))
            # corrected to the real 2026-07-20, after 2026-07-05: the order is void, the
            # service interrupts nothing: back to 2027-06-10 (old: 2031-07-01 kept)
            case.service_date = "2026-07-20"
            self.assertRecordValues(
                move,
                [{"prescription_interruption_date": False, "prescription_date": date(2027, 6, 10)}],
            )
            self.assertEqual(case.prescription_date, date(2027, 6, 10))
            self.assertIn("art. 1411", case.prescription_warning)
            # and back, to 2026-07-02 (in time): 2031-07-02
            case.service_date = "2026-07-02"
            self.assertEqual(move.prescription_date, date(2031, 7, 2))

    def test_earlier_acknowledgment_stands_when_the_service_goes(self):
        # The customer paid nothing but signed a payment plan on 2024-06-01 (art. 2240):
        # 2029-06-01. Served 2026-07-01: 2031-07-01; corrected to 2026-07-20 (void order): the
        # signed plan's 2029-06-01 again, not the due date's 2027-06-10 nor 2031-07-01.
        move = self._invoice(self.customer, 1000.0, "2022-05-10", "2022-06-10")
        with freeze_time("2024-05-20"):
            plan = self.env["recouvrement.payment.plan"].create(
                {
                    "partner_id": self.customer.id,
                    "move_ids": [Command.set(move.ids)],
                    "instalment_count": 2,
                    "first_date": "2024-06-30",
                }
            )
            plan.action_compute_schedule()
        with freeze_time("2024-06-01"):
            plan.signature_date = "2024-06-01"
            plan.action_activate()
            plan.action_cancel()
        self.assertEqual(move.prescription_date, date(2029, 6, 1))
        case = self._filed_case(move)
        with freeze_time("2026-07-25"):
            case.service_date = "2026-07-01"
            self.assertEqual(move.prescription_date, date(2031, 7, 1))
            case.service_date = "2026-07-20"
            self.assertEqual(move.prescription_interruption_date, date(2024, 6, 1))
            self.assertEqual(move.prescription_date, date(2029, 6, 1))

    def _filed_1500(self):
        """``(invoice, case)``: 1 500 due 2022-06-20 (last day to act 2027-06-20, L110-4), its
        injonction de payer request filed 2026-01-05, no order date yet."""
        move = self._invoice(self.customer, 1500.0, "2022-05-20", "2022-06-20")
        with freeze_time("2026-01-05"):
            case = self._litigation_case(move, litigation_type="recovery", proof_checked=True)
            case.action_file()
        return move, case

    def test_order_date_corrected_replays_the_interruption(self):
        # Issue 17 (fresh tester): 1 500 due 2022-06-20, last day to act 2027-06-20 (L110-4).
        # Filed 2026-01-05; the order typed as issued 2026-02-15 (to serve by 2026-08-15),
        # served 2026-07-20: 2026-07-20 + 5 years = 2031-07-20.
        move, case = self._filed_1500()
        with freeze_time("2026-07-25"):
            case.order_date = "2026-02-15"
            case.service_date = "2026-07-20"
            self.assertEqual(move.prescription_date, date(2031, 7, 20))
            # the order date corrected to its real day, 2026-01-10: to serve by 2026-07-10,
            # served 10 days late, the order is void (art. 1411 CPC): no interruption, back to
            # 2027-06-20 (old: 2031-07-20 and interruption 2026-07-20 kept)
            case.order_date = "2026-01-10"
            self.assertRecordValues(
                move,
                [{"prescription_interruption_date": False, "prescription_date": date(2027, 6, 20)}],
            )
            self.assertEqual(case.prescription_date, date(2027, 6, 20))
            # the warning agrees with itself (old: "File a new request before 07/20/2031")
            self.assertIn("it is void", case.prescription_warning)
            self.assertIn("File a new request before 06/20/2027", case.prescription_warning)
            # corrected back to 2026-02-15: the service is in time again, 2031-07-20
            case.order_date = "2026-02-15"
            self.assertEqual(move.prescription_interruption_date, date(2026, 7, 20))
            self.assertEqual(move.prescription_date, date(2031, 7, 20))
            self.assertEqual(case.prescription_date, date(2031, 7, 20))

    def test_order_date_corrected_to_in_time_restarts_prescription(self):
        # The order typed as issued 2026-01-10 (to serve by 2026-07-10), served 2026-07-20:
        # void, 1 500 due 2022-06-20 keeps 2027-06-20. Its real day is 2026-02-15 (to serve
        # by 2026-08-15): the service was in time, 2026-07-20 + 5 years = 2031-07-20 (old:
        # 2027-06-20, the service never recorded). Then order and service corrected in one
        # save to 2026-01-12 and 2026-07-08 (by 2026-07-12, in time): 2031-07-08.
        move, case = self._filed_1500()
        with freeze_time("2026-07-25"):
            case.write({"order_date": "2026-01-10", "service_date": "2026-07-20"})
            self.assertEqual(move.prescription_date, date(2027, 6, 20))
            case.order_date = "2026-02-15"
            self.assertEqual(move.prescription_interruption_date, date(2026, 7, 20))
            self.assertEqual(move.prescription_date, date(2031, 7, 20))
            self.assertFalse(case.prescription_warning)
            case.write({"order_date": "2026-01-12", "service_date": "2026-07-08"})
            self.assertEqual(move.prescription_date, date(2031, 7, 8))
