from datetime import date

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import DunningRunCommon


class PlanPenaltiesCommon(DunningRunCommon):
    """One invoice of 1 000 EUR dated 1 February 2026, due 1 March, and the steps of a payment
    plan on it. Values by hand from LEGAL.md and the module's rates (2026-S1: ECB 2.15 %,
    L441-10 rate 12.15 %). On 20 March it is 19 days late: 1 000 x 12.15 % x 19 / 365 =
    6.3247 -> 6.32, plus the 40 EUR indemnity (D441-5)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.move = cls._invoice(cls.customer, 1000.0, "2026-02-01", "2026-03-01")
        cls.Penalty = cls.env["recouvrement.penalty"]

    def _draft_plan(self, waiver=0.0, include_penalties=True, day="2026-03-20"):
        """The draft plan made on ``day``, its schedule computed: two monthly instalments
        from 30 April."""
        with freeze_time(day):
            wizard_model = (
                self.env["recouvrement.payment.plan.wizard"]
                .with_user(self.controller)
                .with_context(active_model="account.move", active_ids=self.move.ids)
            )
            with Form(wizard_model) as form:
                form.instalment_count = 2
                form.first_date = date(2026, 4, 30)
                form.include_penalties = include_penalties
                form.amount_waiver = waiver
            action = form.record.action_create_plan()
        plan = self.env["recouvrement.payment.plan"].with_user(self.controller)
        return plan.browse(action["res_id"])

    def _sign(self, plan, day):
        """The customer signed ``plan`` on ``day``: it is activated that day."""
        with freeze_time(day):
            plan.signature_date = date.fromisoformat(day)
            plan.action_activate()

    def _plan(self, waiver=0.0, include_penalties=True):
        """The plan made and signed on 20 March: two monthly instalments from 30 April."""
        plan = self._draft_plan(waiver=waiver, include_penalties=include_penalties)
        self._sign(plan, "2026-03-20")
        return plan

    def _charge(self, day):
        """Invoice Penalties on the plan's invoice on ``day``, as the credit controller."""
        with freeze_time(day):
            return self.move.with_user(self.controller)._create_penalty_invoices(
                date.fromisoformat(day)
            )

    def _claim(self, day):
        """``(penalty, indemnity)`` a reminder, a letter, the portal would claim on ``day``."""
        figures = self.Penalty._get_penalty_claim_figures(self.move, date.fromisoformat(day))
        return figures[self.move.id]["penalty"], figures[self.move.id]["indemnity"]


@tagged("post_install", "-at_install")
class TestPlanSettlesPenalties(PlanPenaltiesCommon):
    """Issue 17, left open: penalties settled by a payment plan are never charged again while
    the plan is kept (README product decision)."""

    def test_plan_including_penalties_is_not_charged_again(self):
        # The plan schedules 1 000 + 6.32 + 40 = 1 046.32 (the penalties claimed by its
        # instalments). On 30 April, Invoice Penalties charged again 2 March to 30 April: 60
        # days, 1 000 x 12.15 % x 60 / 365 = 19.97, and the 40 EUR: a double claim. Right:
        # nothing to charge while the plan is kept; nothing claimed by reminders either.
        plan = self._plan()
        self.assertRecordValues(
            plan, [{"amount_penalties": 46.32, "amount_waiver": 0.0, "amount_total": 1046.32}]
        )
        self.assertEqual(self.move.penalty_plan_id, plan)
        self.assertEqual(self._claim("2026-04-30"), (0.0, 0.0))
        with self.assertRaisesRegex(UserError, f"Payment plan {plan.name} settles"):
            self._charge("2026-04-30")
        # the claim documents (injonction de payer file, agency list) claim none either
        figures = self.Penalty._get_penalty_document_figures(self.move, date(2026, 4, 30))
        self.assertEqual(
            (figures[self.move.id]["penalty"], figures[self.move.id]["indemnity"]), (0, 0)
        )

    def test_waived_penalties_of_a_completed_plan_are_not_charged(self):
        # The company gives up the whole 46.32: the plan schedules 1 000, two instalments of
        # 500, paid on 30 April and 31 May; the check of 1 June completes it. Invoice
        # Penalties on 1 June charged what the company waived and the days the plan gave:
        # 2 March-30 April on 1 000 (60 days, the day of a payment counts) then 1-31 May on
        # 500 (31 days): (60 000 + 15 500) x 12.15 / 36 500 = 25.13, and the 40 EUR.
        # Right: nothing.
        plan = self._plan(waiver=46.32)
        self.assertEqual(plan.amount_total, 1000.0)
        self._pay(self.move, 500.0, "2026-04-30")
        self._pay(self.move, 500.0, "2026-05-31")
        with freeze_time("2026-06-01"):
            plan.sudo()._check_progress()
        self.assertEqual(plan.state, "completed")
        self.assertFalse(self.move.payment_plan_id)
        self.assertEqual(self.move.penalty_plan_id, plan)
        self.assertEqual(self._claim("2026-06-01"), (0.0, 0.0))
        with self.assertRaisesRegex(UserError, f"Payment plan {plan.name}, completed, settled"):
            self._charge("2026-06-01")
        self.assertIn(f"Payment plan {plan.name}, completed", self.move.penalty_explanation)

    def test_defaulted_plan_waiver_lapses(self):
        # The plan gives up the 46.32; its first instalment (500 due 30 April) is not paid:
        # 15 days of tolerance, the check of 16 May breaks it. The waiver lapses (the printed
        # terms say so): Invoice Penalties on 16 May charges 2 March-16 May, 76 days,
        # 1 000 x 12.15 % x 76 / 365 = 25.298 -> 25.30, and the 40 EUR: 65.30.
        plan = self._plan(waiver=46.32)
        self.assertIn(
            "The waiver of 46.32\xa0€ granted by this plan then lapses: late-payment penalties "
            "(art. L441-10 Code de commerce) from each invoice's due date",
            plan._get_report_conditions()[1],
        )
        with freeze_time("2026-05-16"):
            plan.sudo()._check_progress()
        self.assertEqual(plan.state, "broken")
        self.assertFalse(self.move.penalty_plan_id)
        self.assertEqual(self._claim("2026-05-16"), (25.3, 40.0))
        invoice = self._charge("2026-05-16")
        self.assertEqual(invoice.amount_total, 65.3)

    def test_called_off_plan_settles_nothing(self):
        # A signed plan without the penalties, called off on 10 April: what it settled is
        # claimable again from the due date, 2 March-10 April = 40 days, 1 000 x 12.15 % x 40
        # / 365 = 13.315 -> 13.32, and the 40 EUR.
        plan = self._plan(include_penalties=False)
        self.assertEqual(plan.amount_total, 1000.0)
        self.assertEqual(self._claim("2026-04-10"), (0.0, 0.0))
        with freeze_time("2026-04-10"):
            plan.action_cancel()
        self.assertFalse(self.move.penalty_plan_id)
        self.assertEqual(self._claim("2026-04-10"), (13.32, 40.0))
