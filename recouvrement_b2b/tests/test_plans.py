import subprocess
from datetime import date
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, HttpCase, tagged
from odoo.tools import config

from .common import RecouvrementCommon

# Measured queries of the daily check of unchanged active plans, whatever their number (with
# the customers' opening judgments, read once: recouvrement.proceedings._end_frozen_agreements).
PLAN_CHECK_QUERIES = 8
# the same daily check when the plans break (notes, activities) or are completed, per batch;
# a break hands the invoices back to dunning: their next reminder date is computed again; a
# break or a completion recomputes which plan settles their penalties (account.move
# penalty_plan_id: the completed plans read, the column written, the plans' state flushed first)
PLAN_BREAK_QUERIES = 36
PLAN_BREAK_FALLBACK_QUERIES = 36  # measured (was one more than the above: the managers group)
PLAN_COMPLETE_QUERIES = 21  # + the company partner's language of the notes (issue 16)


class PlanCommon(RecouvrementCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.recouvrement_user_id = cls.manager
        # 1 000 due 15 January and 500 due 10 February 2025: both overdue on 1 March 2025.
        cls.inv1 = cls._invoice(cls.customer, 1000.0, "2024-12-16", "2025-01-15")
        cls.inv2 = cls._invoice(cls.customer, 500.0, "2025-01-10", "2025-02-10")
        cls.invoices = cls.inv1 | cls.inv2
        policy = cls.env["recouvrement.dunning.policy"].sudo().create({"name": "Standard"})
        cls.last_call = (
            cls.env["recouvrement.dunning.level"]
            .sudo()
            .create({"name": "Last call", "policy_id": policy.id, "days": 45, "channel": "phone"})
        )
        cls.invoices.dunning_level_id = cls.last_call
        # The cron runs as the superuser.
        cls.Plan = cls.env["recouvrement.payment.plan"].sudo()

    def _wizard(self, moves=None, user=None, **values):
        """The creation wizard opened from selected invoices, filled with ``values``."""
        moves = self.invoices if moves is None else moves
        wizard_model = (
            self.env["recouvrement.payment.plan.wizard"]
            .with_user(user or self.controller)
            .with_context(active_model="account.move", active_ids=moves.ids)
        )
        if "lang" in values:  # the web client sends the user's language in the context
            wizard_model = wizard_model.with_context(lang=values.pop("lang"))
        with Form(wizard_model) as form:
            form.instalment_count = values.pop("instalment_count", 3)
            form.first_date = values.pop("first_date", date(2025, 3, 31))
            for name, value in values.items():
                setattr(form, name, value)
        return form.record

    def _create_plan(self, moves=None, **values):
        action = self._wizard(moves, **values).action_create_plan()
        return (
            self.env["recouvrement.payment.plan"]
            .with_user(self.controller)
            .browse(action["res_id"])
        )

    def _active_plan(self, **values):
        plan = self._create_plan(**values)
        with freeze_time("2025-03-02"):  # recorded the day it is signed (issue 19)
            plan.signature_date = date(2025, 3, 2)
        plan.action_activate()
        return plan


@tagged("post_install", "-at_install")
class TestPaymentPlan(PlanCommon):
    @freeze_time("2025-03-01")
    def test_wizard_builds_the_schedule(self):
        plan = self._create_plan()
        self.assertRecordValues(
            plan,
            [
                {
                    "state": "draft",
                    "partner_id": self.customer.id,
                    "amount_invoices": 1500.0,
                    "amount_penalties": 0.0,
                    "amount_total": 1500.0,
                    "user_id": self.controller.id,
                }
            ],
        )
        self.assertTrue(plan.name.startswith("ECH/2025/"))
        # 31 March + 1 month = 30 April, then 31 May (computed from the first date).
        self.assertRecordValues(
            plan.line_ids,
            [
                {"date_due": date(2025, 3, 31), "amount": 500.0, "state": "to_pay"},
                {"date_due": date(2025, 4, 30), "amount": 500.0, "state": "to_pay"},
                {"date_due": date(2025, 5, 31), "amount": 500.0, "state": "to_pay"},
            ],
        )
        self.assertFalse(self.invoices.payment_plan_id, "a draft plan does not stop dunning")

    @freeze_time("2025-03-01")
    def test_down_payment_waiver_rounding(self):
        plan = self._create_plan(
            instalment_count=3,
            frequency="weekly",
            first_date=date(2025, 3, 10),
            down_payment=300.0,
            down_payment_date=date(2025, 3, 3),
            amount_waiver=100.01,
            user=self.manager,  # a waiver beyond the penalties (none here)
        )
        # 1 500 - 100.01 = 1 399.99; 300 down, then 1 099.99 / 3 = 366.66 x 2 + 366.67.
        self.assertEqual(plan.amount_total, 1399.99)
        self.assertRecordValues(
            plan.line_ids,
            [
                {"date_due": date(2025, 3, 3), "amount": 300.0, "is_down_payment": True},
                {"date_due": date(2025, 3, 10), "amount": 366.66, "is_down_payment": False},
                {"date_due": date(2025, 3, 17), "amount": 366.66, "is_down_payment": False},
                {"date_due": date(2025, 3, 24), "amount": 366.67, "is_down_payment": False},
            ],
        )

    @freeze_time("2025-03-01")
    def test_penalties_included(self):
        figures = {
            self.inv1.id: {"penalty": 12.34, "indemnity": 40.0, "rate": 13.15, "days": 45},
            self.inv2.id: {"penalty": 1.66, "indemnity": 40.0, "rate": 13.15, "days": 19},
        }
        with self.patch_penalties(figures):
            wizard = self._wizard(include_penalties=True, amount_waiver=14.0)
            # The wizard shows the totals the plan freezes (one rule: schedule.plan_totals).
            self.assertRecordValues(
                wizard,
                [{"amount_invoices": 1500.0, "amount_penalties": 94.0, "amount_total": 1580.0}],
            )
            plan = self.env["recouvrement.payment.plan"].browse(
                wizard.action_create_plan()["res_id"]
            )
        self.assertRecordValues(
            plan, [{"amount_penalties": 94.0, "amount_waiver": 14.0, "amount_total": 1580.0}]
        )
        self.assertEqual(sum(plan.line_ids.mapped("amount")), 1580.0)

    def patch_penalties(self, figures):
        def _get_penalty_figures(moves, to_date):
            return {move.id: figures[move.id] for move in moves}

        return patch.object(
            self.registry["account.move"], "_get_penalty_figures", _get_penalty_figures
        )

    @freeze_time("2025-03-01")
    def test_active_plan_stops_dunning_and_acknowledges_the_debt(self):
        plan = self._create_plan()
        plan.action_propose()
        self.assertEqual(plan.state, "proposed")
        with self.assertRaisesRegex(UserError, "Set the signature date of payment plan"):
            plan.action_activate()
        with freeze_time("2025-03-02"):  # recorded the day it is signed (issue 19)
            plan.signature_date = date(2025, 3, 2)
        plan.action_activate()
        self.assertEqual(plan.state, "active")
        self.assertRecordValues(
            self.invoices,
            [
                {
                    "payment_plan_id": plan.id,
                    "prescription_interruption_date": date(2025, 3, 2),
                    "dunning_level_id": self.last_call.id,
                }
            ]
            * 2,
        )

    @freeze_time("2025-03-01")
    def test_partial_payments_allocated_in_due_date_order(self):
        plan = self._active_plan()
        self._pay(self.inv2, 500.0, "2025-03-20")
        self._pay(self.inv1, 200.0, "2025-03-25")
        self.assertRecordValues(plan, [{"amount_paid": 700.0, "amount_residual": 800.0}])
        self.assertRecordValues(
            plan.line_ids,
            [
                {"amount_paid": 500.0, "amount_residual": 0.0, "state": "paid"},
                {"amount_paid": 200.0, "amount_residual": 300.0, "state": "partial"},
                {"amount_paid": 0.0, "amount_residual": 500.0, "state": "to_pay"},
            ],
        )
        self.assertEqual(plan.next_date_due, date(2025, 4, 30))

    def test_late_then_broken_beyond_tolerance_dunning_resumes(self):
        with freeze_time("2025-03-01"):
            plan = self._active_plan(tolerance_days=10)
        with freeze_time("2025-04-05"):
            self._pay(self.inv1, 200.0, "2025-04-05")
            self.Plan._cron_check_plans()
            self.assertRecordValues(plan.line_ids[0], [{"state": "late", "amount_residual": 300.0}])
            self.assertEqual(plan.state, "active", "still within the 10-day tolerance")
            self.assertEqual(self.invoices.payment_plan_id, plan)
        with freeze_time("2025-04-11"):
            self.Plan._cron_check_plans()
            self.assertEqual(plan.state, "broken")
            self.assertFalse(self.invoices.payment_plan_id, "dunning resumes on the invoices")
            self.assertEqual(self.invoices.dunning_level_id, self.last_call, "level kept")
            activity = plan.activity_ids
            self.assertEqual(activity.user_id, self.manager)
            self.assertIn("more than 10 days late", plan.message_ids[0].body)
            # Idempotent: a second run the same day changes nothing.
            messages = plan.message_ids
            self.Plan._cron_check_plans()
            self.assertEqual(plan.message_ids, messages)
            self.assertEqual(len(plan.activity_ids), 1)

    def test_completion(self):
        with freeze_time("2025-03-01"):
            plan = self._active_plan()
        with freeze_time("2025-04-01"):
            self._pay(self.inv1, 1000.0, "2025-03-30")
            self.Plan._cron_check_plans()
            self.assertEqual(plan.state, "active")
            self._pay(self.inv2, 500.0, "2025-04-01")
        with freeze_time("2025-04-02"):
            self.Plan._cron_check_plans()
        self.assertEqual(plan.state, "completed")
        self.assertEqual(set(plan.line_ids.mapped("state")), {"paid"})
        self.assertFalse(self.invoices.payment_plan_id)

    @freeze_time("2025-03-01")
    def test_cancellation(self):
        plan = self._active_plan()
        plan.action_cancel()
        self.assertEqual(plan.state, "cancelled")
        self.assertFalse(self.invoices.payment_plan_id)
        self.assertEqual(self.invoices.dunning_level_id, self.last_call)
        # The invoices are free for a new plan.
        self.assertEqual(self._create_plan().state, "draft")

    @freeze_time("2025-03-01")
    def test_wizard_from_customer_and_from_dunning_event(self):
        paid = self._invoice(self.customer, 80.0, "2025-01-01", "2025-01-31")
        self._pay(paid, 80.0, "2025-02-01")
        not_due = self._invoice(self.customer, 90.0, "2025-02-20", "2025-03-20")
        wizard = (
            self.env["recouvrement.payment.plan.wizard"]
            .with_user(self.controller)
            .with_context(active_model="res.partner", active_ids=self.customer.ids)
            .create({})
        )
        self.assertEqual(wizard.move_ids, self.invoices, "overdue open invoices only")
        event = (
            self.env["recouvrement.dunning.event"]
            .with_user(self.controller)
            .create(
                {
                    "partner_id": self.customer.id,
                    "level_id": self.last_call.id,
                    "move_ids": [Command.set((self.inv1 | paid | not_due).ids)],
                }
            )
        )
        wizard = (
            self.env["recouvrement.payment.plan.wizard"]
            .with_user(self.controller)
            .with_context(active_model="recouvrement.dunning.event", active_ids=event.ids)
            .create({})
        )
        self.assertEqual(wizard.move_ids, self.inv1 | not_due)
        self.assertEqual(wizard.partner_id, self.customer)
        # The generic action, opened with default_move_ids only (e.g. from a dunning letter).
        action = self.env.ref("recouvrement_b2b.recouvrement_payment_plan_wizard_action")
        self.assertEqual(action.res_model, "recouvrement.payment.plan.wizard")
        wizard = (
            self.env["recouvrement.payment.plan.wizard"]
            .with_user(self.controller)
            .with_context(default_move_ids=self.inv2.ids)
            .create({})
        )
        self.assertRecordValues(
            wizard, [{"partner_id": self.customer.id, "move_ids": self.inv2.ids}]
        )

    def test_deletion_guard_and_manager_fallback(self):
        with freeze_time("2025-03-01"):
            draft = self._create_plan(self.inv2)
            plan = self._active_plan(moves=self.inv1)
        with self.assertRaisesRegex(UserError, "cannot be deleted: cancel it first"):
            plan.with_user(self.manager).unlink()
        with self.assertRaises(AccessError):
            draft.with_user(self.controller).unlink()
        draft.with_user(self.manager).unlink()
        self.assertFalse(draft.exists())
        # A later acknowledgment moves the prescription interruption date.
        plan.with_user(self.manager).signature_date = date(2025, 3, 5)
        self.assertEqual(self.inv1.prescription_interruption_date, date(2025, 3, 5))
        # Without a collection responsible, a credit manager is told when the plan breaks.
        self.company.recouvrement_user_id = False
        with freeze_time("2025-05-01"):
            self.Plan._cron_check_plans()
        self.assertEqual(plan.state, "broken")
        self.assertTrue(
            plan.activity_ids.user_id.has_group("recouvrement_b2b.recouvrement_group_manager")
        )

    def test_broken_plans_no_email_each(self):
        """Broken plans: one activity each for the credit manager, no assignment email each."""
        with freeze_time("2025-03-01"):
            plans = self._active_plan(moves=self.inv1) | self._active_plan(moves=self.inv2)
        Mail = self.env["mail.mail"].sudo()
        to_manager = [("recipient_ids", "in", self.manager.partner_id.ids)]
        emails = Mail.search_count(to_manager)
        with freeze_time("2025-05-01"):
            self.Plan._cron_check_plans()
        self.assertEqual(plans.mapped("state"), ["broken", "broken"])
        self.assertEqual(plans.activity_ids.user_id, self.manager)
        self.assertEqual(len(plans.activity_ids), 2)
        self.assertEqual(Mail.search_count(to_manager), emails)

    def test_cron_failure_isolated_per_plan(self):
        """A plan that cannot be broken does not block the others; its chatter says why."""
        with freeze_time("2025-03-01"):
            good = self._active_plan(moves=self.inv1)
            bad = self._active_plan(moves=self.inv2)
        plan_class = self.registry["recouvrement.payment.plan"]
        original = plan_class._prepare_break_activity_vals

        def _prepare_break_activity_vals(plan, *args):
            if plan == bad:
                raise UserError(plan.env._("Payment plan %(plan)s is not a draft.", plan=plan.name))
            return original(plan, *args)

        with (
            patch.object(plan_class, "_prepare_break_activity_vals", _prepare_break_activity_vals),
            freeze_time("2025-05-01"),
        ):
            self.Plan._cron_check_plans()
        self.assertRecordValues(good | bad, [{"state": "broken"}, {"state": "active"}])
        self.assertFalse(self.inv1.payment_plan_id)
        self.assertEqual(self.inv2.payment_plan_id, bad)
        self.assertIn("The daily check of this payment plan failed", bad.message_ids[0].body)
        self.assertIn(f"Payment plan {bad.name} is not a draft.", bad.message_ids[0].body)
        self.assertEqual(bad.last_check_date, date(2025, 5, 1))

    @freeze_time("2025-03-01")
    def test_views_as_controller(self):
        plan = self._active_plan()
        with Form(plan) as form:
            form.tolerance_days = 20
        self.assertEqual(plan.tolerance_days, 20)
        views = (
            self.env["recouvrement.payment.plan"]
            .with_user(self.controller)
            .get_views([(False, "kanban"), (False, "list"), (False, "search")])
        )
        self.assertIn("kanban", views["views"])
        lines = self.env["recouvrement.payment.plan.line"].with_user(self.controller)
        self.assertIn("calendar", lines.get_views([(False, "calendar")])["views"])
        groups = plan.with_user(self.controller).read_group([], ["state"], ["state"])
        self.assertEqual(len(groups), 6, "kanban shows every state")

        self.assertEqual(self.customer.with_user(self.controller).payment_plan_count, 1)
        action = self.customer.with_user(self.controller).action_view_payment_plans()
        self.assertEqual(action["domain"], [("partner_id", "child_of", self.customer.id)])

    @freeze_time("2026-03-01")
    def test_last_call_event_proposes_a_plan(self):
        """The dunning event form offers the plan wizard, prefilled with its invoices."""
        arch = (
            self.env["recouvrement.dunning.event"]
            .with_user(self.controller)
            .get_views([(False, "form")])["views"]["form"]["arch"]
        )
        self.assertIn("Propose a Payment Plan", arch)
        self.assertIn("tone != 'last_call'", arch)
        invoice = self._invoice(self.customer, 900.0, "2026-01-05", "2026-02-04")
        wizard = Form(
            self.env["recouvrement.payment.plan.wizard"]
            .with_user(self.controller)
            .with_context(default_partner_id=self.customer.id, default_move_ids=invoice.ids)
        )
        self.assertEqual(wizard.move_ids[:], invoice)
        self.assertEqual(wizard.partner_id, self.customer)

    def _assert_refused(self, message, **values):
        count = self.Plan.search_count([])
        moves = values.pop("moves", None)
        with self.assertRaisesRegex((UserError, ValidationError), message):
            self._create_plan(moves, **values)
        self.assertEqual(self.Plan.search_count([]), count, "nothing created")

    @freeze_time("2025-03-01")
    def test_bad_input(self):
        count = "the Number of Instalments must be between 1 and 120"
        self._assert_refused(count, instalment_count=0)
        self._assert_refused(count, instalment_count=-2)
        self._assert_refused(count, instalment_count=121)
        self._assert_refused(r"\(not 10000\)", instalment_count=10000)
        self._assert_refused(
            "the First Instalment must be within a year", first_date=date(9999, 12, 31)
        )
        self._assert_refused(
            "the first instalment date cannot be before today", first_date=date(2025, 2, 28)
        )
        # A waiver beyond the penalties (none here) gives up principal: credit managers only.
        self._assert_refused("only a credit manager may grant it", amount_waiver=400.0)
        self._assert_refused(
            "the total to schedule is zero", amount_waiver=1500.0, user=self.manager
        )
        self._assert_refused(
            r"the down payment \(.*1,500\.00.*\) must be below the total", down_payment=1500.0
        )
        self._assert_refused(
            "the down payment must be below the total and due no later than the first instalment",
            down_payment=100.0,
            down_payment_date=date(2025, 4, 30),
        )
        other = self.customer.copy({"name": "Garage Moreau"})
        self._assert_refused(
            "must belong to one customer",
            moves=self.inv1 | self._invoice(other, 100.0, "2025-01-01"),
        )
        usd = self.setup_other_currency("USD")
        self._assert_refused(
            "must share its currency",
            moves=self.inv1 | self._invoice(self.customer, 100.0, "2025-01-01", currency=usd),
        )
        plan = self._create_plan(self.inv1)
        plan.action_propose()
        self._assert_refused(
            r"Invoice .* is already in the payment plan .* \(Proposed\)", moves=self.invoices
        )

    @freeze_time("2025-03-01")
    def test_bad_input_translated(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["recouvrement_b2b"], ["fr_FR"])
        self.controller.lang = "fr_FR"
        with self.assertRaisesRegex(
            ValidationError,
            "Échéancier ECH/2025/.*: le champ Nombre d'échéances doit être compris entre 1 et 120",
        ):
            self._create_plan(instalment_count=0, lang="fr_FR")

    def _check_queries(self, plans):
        """Queries of the daily check of ``plans`` (caches cold, changes flushed)."""
        self.env.flush_all()
        self.env.invalidate_all()
        queries = self.cr.sql_log_count
        plans._check_progress()
        self.env.flush_all()
        return self.cr.sql_log_count - queries

    def test_cron_query_count(self):
        """Checking unchanged active plans costs the same queries for 1 or 4 (batched)."""
        with freeze_time("2025-03-01"):
            plans = self._active_plan()
            for _index in range(5):
                move = self._invoice(self.customer, 100.0, "2025-01-01", "2025-01-31")
                plans |= self._active_plan(moves=move)
        with freeze_time("2025-03-05"):
            plans = plans.sudo()
            self._check_queries(plans[0])  # warm the caches
            self.assertEqual(self._check_queries(plans[1]), PLAN_CHECK_QUERIES)
            self.assertEqual(self._check_queries(plans[2:]), PLAN_CHECK_QUERIES)
            self.assertEqual(set(plans.mapped("state")), {"active"})

    def _plans(self, count):
        """``count`` active plans of one 100.00 invoice each, made on 1 March 2025."""
        plans = self.Plan
        with freeze_time("2025-03-01"):
            for _index in range(count):
                move = self._invoice(self.customer, 100.0, "2025-01-01", "2025-01-31")
                plans |= self._active_plan(moves=move, tolerance_days=10)
        return plans.sudo()

    def test_cron_query_count_broken_and_completed(self):
        """Breaking or completing plans costs the same queries for 2 plans as for 4: a batch
        of notes, one activity create, no query per plan (issue 18: 13 per plan before)."""
        warm, small, large = self._plans(1), self._plans(2), self._plans(4)
        with freeze_time("2025-06-01"):  # every instalment more than 10 days late
            self._check_queries(warm)
            broken_small = self._check_queries(small)
            broken_large = self._check_queries(large)
        self.assertEqual(set((small | large).mapped("state")), {"broken"})
        self.assertEqual(len((small | large).activity_ids), 6)
        self.assertEqual(broken_small, PLAN_BREAK_QUERIES)
        self.assertEqual(broken_large, PLAN_BREAK_QUERIES)
        warm, small, large = self._plans(1), self._plans(2), self._plans(4)
        with freeze_time("2025-04-01"):
            for plan in warm | small | large:
                self._pay(plan.move_ids, 100.0, "2025-03-30")
            self._check_queries(warm)
            completed_small = self._check_queries(small)
            completed_large = self._check_queries(large)
        self.assertEqual(set((small | large).mapped("state")), {"completed"})
        self.assertIn("completed", large[-1].message_ids[0].body)
        self.assertEqual(completed_small, PLAN_COMPLETE_QUERIES)
        self.assertEqual(completed_large, PLAN_COMPLETE_QUERIES)

    def test_cron_query_count_broken_credit_manager_fallback(self):
        """Without a collection responsible, each broken plan's activity goes to a credit
        manager: the group is read once per batch, the same queries for 2 plans as for 4
        (issue 18: one query per broken plan before)."""
        self.company.recouvrement_user_id = False
        warm, small, large = self._plans(1), self._plans(2), self._plans(4)
        with freeze_time("2025-06-01"):
            self._check_queries(warm)
            broken_small = self._check_queries(small)
            broken_large = self._check_queries(large)
        self.assertEqual(set((small | large).mapped("state")), {"broken"})
        users = (small | large).activity_ids.user_id
        self.assertEqual(len((small | large).activity_ids), 6)
        self.assertEqual(len(users), 1)
        self.assertIn(self.group_manager, users.groups_id)
        self.assertEqual(broken_small, PLAN_BREAK_FALLBACK_QUERIES)
        self.assertEqual(broken_large, PLAN_BREAK_FALLBACK_QUERIES)


@tagged("post_install", "-at_install")
class TestPaymentPlanReport(PlanCommon, HttpCase):
    def test_pdf_in_french(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["recouvrement_b2b"], ["fr_FR"])
        self.customer.lang = "fr_FR"
        with freeze_time("2025-03-01"):
            plan = self._create_plan(down_payment=300.0)
        self.env["ir.config_parameter"].sudo().set_param(
            "report.url", "http://127.0.0.1:%s" % config["http_port"]
        )
        pdf, report_type = (
            self.env["ir.actions.report"]
            .with_user(self.controller)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("recouvrement_b2b.recouvrement_payment_plan_report", plan.ids)
        )
        self.assertEqual(report_type, "pdf")
        text = subprocess.run(
            ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
        ).stdout.decode()
        text = " ".join(text.split())  # French amounts use (narrow) no-break spaces
        for expected in (
            "Échéancier de paiement",
            plan.name,
            self.inv1.name,
            self.inv2.name,
            "Acompte 01/03/2025 300,00 €",  # due when agreed, not with instalment 1
            "1 31/03/2025 400,00 €",
            "3 31/05/2025 400,00 €",
            "Total à payer 1 500,00 €",
            "Si une échéance n'est pas payée",
            "Pour le créancier",
            "Pour le débiteur",
        ):
            self.assertIn(expected, text)
