from datetime import date

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from .test_plan_penalties import PlanPenaltiesCommon


@tagged("post_install", "-at_install")
class TestProposedPlanHoldsPenalties(PlanPenaltiesCommon):
    """Issue 17, left open: a plan proposed but not yet signed settled nothing, so a penalty
    invoice issued between its schedule and the signature charged what the plan claims (or
    gives up) a second time. Product decision (README): a proposed plan holds its invoices'
    penalties and indemnity until it is signed (it then settles them) or called off (they are
    claimable again from the due date); a penalty invoice made after the schedule stops the
    proposal and the signature.

    Figures by hand (invoice of 1 000 due 1 March, L441-10 rate 12.15 %, the first day of
    delay is 2 March): on 15 March 14 days, 1 000 x 12.15 % x 14 / 365 = 4.6603 -> 4.66; on
    20 March 19 days, 6.32; on 25 March 24 days, 7.9890 -> 7.99; on 10 April 40 days, 13.3151
    -> 13.32; the indemnity is 40 EUR (D441-5).
    """

    def _propose(self, plan, day="2026-03-20"):
        with freeze_time(day):
            plan.action_propose()

    def _document(self, day):
        """``(penalty, indemnity)`` the injonction de payer file, the agency list or the claim
        declaration would claim on ``day``."""
        figures = self.Penalty._get_penalty_document_figures(self.move, date.fromisoformat(day))
        return figures[self.move.id]["penalty"], figures[self.move.id]["indemnity"]

    def test_penalty_invoice_while_proposed_then_signature(self):
        # Proposed on 20 March with 6.32 + 40 = 46.32. On 25 March, Invoice Penalties charged
        # 2-25 March, 7.99, and the 40 EUR (47.99) and reminders claimed them too; the
        # customer signed on 30 March and the plan claimed 46.32 of the same: twice. Right:
        # the proposed plan holds them, nothing else charges or claims them; signed, it
        # settles them.
        plan = self._draft_plan()
        self.assertEqual(plan.amount_penalties, 46.32)
        self._propose(plan)
        self.assertEqual(self.move.penalty_plan_id, plan)
        self.assertEqual(self._claim("2026-03-25"), (0.0, 0.0))
        self.assertEqual(self._document("2026-03-25"), (0.0, 0.0))
        with self.assertRaisesRegex(
            UserError, f"Payment plan {plan.name}, proposed to the customer, holds"
        ):
            self._charge("2026-03-25")
        self.assertIn(
            f"Payment plan {plan.name}, proposed to the customer", self.move.penalty_explanation
        )
        self._sign(plan, "2026-03-30")
        self.assertEqual(plan.state, "active")
        self.assertEqual(self.move.penalty_plan_id, plan)
        self.assertEqual(self._claim("2026-04-15"), (0.0, 0.0))
        self.assertEqual(plan.amount_total, 1046.32)

    def test_signature_then_penalty_invoice_of_a_waiver(self):
        # The plan gives up the 46.32 (total 1 000), is proposed on 20 March and signed on 30
        # March; Invoice Penalties on 15 April would charge 2 March-15 April (45 days,
        # 14.98) and the 40 EUR the company gave up: nothing is charged or claimed.
        plan = self._draft_plan(waiver=46.32)
        self._propose(plan)
        self._sign(plan, "2026-03-30")
        self.assertEqual(plan.amount_total, 1000.0)
        with self.assertRaisesRegex(UserError, f"Payment plan {plan.name} settles"):
            self._charge("2026-04-15")
        self.assertEqual(self._claim("2026-04-15"), (0.0, 0.0))
        self.assertEqual(self._document("2026-04-15"), (0.0, 0.0))

    def test_waiver_of_a_proposed_plan_not_charged_then_called_off(self):
        # The proposed plan gives up the 46.32. On 25 March Invoice Penalties charged 7.99 +
        # 40, what the offer waives. Right: held. Called off on 10 April (never signed), it
        # settles nothing: 2 March-10 April, 13.32, and the 40 EUR are claimed and charged.
        plan = self._draft_plan(waiver=46.32)
        self._propose(plan)
        with self.assertRaisesRegex(UserError, "proposed to the customer, holds"):
            self._charge("2026-03-25")
        self.assertEqual(self._claim("2026-04-10"), (0.0, 0.0))
        with freeze_time("2026-04-10"):
            plan.action_cancel()
        self.assertFalse(self.move.penalty_plan_id)
        self.assertEqual(self._claim("2026-04-10"), (13.32, 40.0))
        self.assertEqual(self._document("2026-04-10"), (13.32, 40.0))
        self.assertEqual(self._charge("2026-04-10").amount_total, 53.32)

    def test_penalty_invoice_after_the_draft_schedule(self):
        # The schedule of 20 March (draft plan) counts 46.32; on 25 March Invoice Penalties
        # charges 7.99 + 40 and the penalty invoice is posted. Proposing (or signing) the plan
        # then claimed the 46.32 again. Right: refused until the penalty invoice is cancelled
        # or the schedule computed again, which then counts what no penalty invoice charged:
        # 7.99 - 7.99 = 0 and no indemnity: the plan schedules 1 000.
        plan = self._draft_plan()
        penalty_invoice = self._charge("2026-03-25")
        self.assertEqual(penalty_invoice.amount_total, 47.99)
        penalty_invoice.action_post()
        message = (
            f"Penalty invoice {penalty_invoice.name} charged the late-payment penalties of "
            f"invoice {self.move.name} after the schedule of payment plan {plan.name}"
        )
        with self.assertRaisesRegex(UserError, message):
            self._propose(plan, "2026-03-25")
        plan.signature_date = date(2026, 3, 25)
        with self.assertRaisesRegex(UserError, message), freeze_time("2026-03-25"):
            plan.action_activate()
        self.assertEqual(plan.state, "draft")
        with freeze_time("2026-03-25"):
            plan.action_compute_schedule()
        self.assertRecordValues(plan, [{"amount_penalties": 0.0, "amount_total": 1000.0}])
        self._propose(plan, "2026-03-25")
        self.assertEqual(plan.state, "proposed")

    def test_draft_penalty_invoice_before_the_schedule(self):
        # A draft penalty invoice of 15 March (4.66 + 40) was not counted by the schedule of
        # 20 March (46.32), posted after the signature it charged them again. Right: the
        # schedule waits until it is posted or cancelled; posted, the schedule counts the rest:
        # 6.32 - 4.66 = 1.66, the indemnity charged.
        penalty_invoice = self._charge("2026-03-15")
        self.assertEqual(penalty_invoice.amount_total, 44.66)
        with self.assertRaisesRegex(
            UserError,
            f"Penalty invoice {penalty_invoice.display_name} \\(draft\\) charges the "
            f"late-payment penalties of invoice {self.move.name}: post or cancel it",
        ):
            self._draft_plan()
        penalty_invoice.action_post()
        plan = self._draft_plan()
        self.assertRecordValues(plan, [{"amount_penalties": 1.66, "amount_total": 1001.66}])
        # the penalty invoice the schedule counted may be reset to draft and posted again
        self._propose(plan)
        penalty_invoice.button_draft()
        penalty_invoice.action_post()
        self.assertEqual(penalty_invoice.state, "posted")

    def test_cancelled_penalty_invoice_reopened_while_proposed(self):
        # A penalty invoice made after the draft schedule (7.99 + 40) is cancelled, the plan
        # proposed; the penalty invoice reset to draft and posted charged what the proposed
        # plan claims. Right: it cannot be posted while the plan holds the penalties.
        plan = self._draft_plan()
        penalty_invoice = self._charge("2026-03-25")
        penalty_invoice.button_cancel()
        self._propose(plan, "2026-03-25")
        penalty_invoice.button_draft()
        with self.assertRaisesRegex(
            UserError,
            f"Penalty invoice {penalty_invoice.display_name} cannot be posted: it charges "
            f"invoice {self.move.name}. Payment plan {plan.name}, proposed to the customer",
        ):
            penalty_invoice.action_post()
        # called off, the plan holds nothing: the penalty invoice may be posted
        penalty_invoice.button_cancel()
        with freeze_time("2026-03-25"):
            plan.action_cancel()
        self.assertFalse(self.move.penalty_plan_id)
        penalty_invoice.button_draft()
        penalty_invoice.action_post()
        self.assertEqual(penalty_invoice.state, "posted")
