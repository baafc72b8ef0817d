import re
from datetime import date, timedelta

from freezegun import freeze_time
from psycopg2.errors import SerializationFailure

from odoo import SUPERUSER_ID, Command, api
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import TwoCursorsCommon, post_invoice
from .test_plan_penalties import PlanPenaltiesCommon


@tagged("post_install", "-at_install")
class TestPlanCredits(PlanPenaltiesCommon):
    """Issue 17 fault 2's kind on payment plans: a plan asks only the net balance, its invoices
    less the customer's open credits of its company and currency (LEGAL.md, open credits;
    README product decision). Invoice of 1 000 EUR dated 1 February 2026, due 1 March; the plan
    is made on 20 March, two monthly instalments from 30 April."""

    def _render(self, plan):
        """The printed terms of ``plan`` as one line of text (HTML tags dropped)."""
        html = (
            self.env["ir.actions.report"]
            .with_user(self.controller)
            ._render_qweb_html("recouvrement_b2b.recouvrement_payment_plan_report", plan.ids)[0]
            .decode()
        )
        return " ".join(re.sub(r"<[^>]+>", " ", html).split())

    def test_schedule_net_of_open_credit_note(self):
        # Credit note of 400 (10 March), not matched: the plan scheduled 1 000 (2 x 500), the
        # customer was asked 400 it does not owe. Right: 1 000 - 400 = 600, 2 x 300.
        refund = self._refund(self.customer, 400.0, "2026-03-10")
        plan = self._draft_plan(include_penalties=False)
        self.assertRecordValues(
            plan, [{"amount_invoices": 1000.0, "amount_credits": 400.0, "amount_total": 600.0}]
        )
        self.assertEqual(plan.line_ids.mapped("amount"), [300.0, 300.0])
        self.assertRecordValues(
            plan.credit_ids, [{"move_line_id": refund.line_ids.filtered("credit")[:1].id}]
        )
        self.assertEqual(plan.credit_ids.move_line_id.move_id, refund)
        self.assertEqual(plan.credit_ids.amount, 400.0)
        text = self._render(plan)
        self.assertIn(f"Less your credit note {refund.name} of 400.00 €", text)
        self.assertIn("Total to pay 600.00 €", text)

    def test_penalties_stay_on_the_invoice(self):
        # Penalties stay per invoice on what is unpaid (LEGAL.md): 19 days on 1 000 at
        # 12.15 %: 1 000 x 12.15 % x 19 / 365 = 6.32, + 40 = 46.32. Total 1 000 + 46.32 - 400
        # = 646.32, 2 x 323.16.
        self._refund(self.customer, 400.0, "2026-03-10")
        plan = self._draft_plan(include_penalties=True)
        self.assertRecordValues(
            plan,
            [
                {
                    "amount_invoices": 1000.0,
                    "amount_penalties": 46.32,
                    "amount_credits": 400.0,
                    "amount_total": 646.32,
                }
            ],
        )
        self.assertEqual(plan.line_ids.mapped("amount"), [323.16, 323.16])

    def test_unmatched_payment(self):
        # An unmatched payment of 250 EUR is deducted: 1 000 - 250 = 750, 2 x 375.
        self._unmatched_payment(self.customer, 250.0, "2026-03-12")
        plan = self._draft_plan(include_penalties=False)
        self.assertRecordValues(plan, [{"amount_credits": 250.0, "amount_total": 750.0}])
        self.assertEqual(plan.line_ids.mapped("amount"), [375.0, 375.0])
        self.assertIn("Less your payment", self._render(plan))

    def test_signature_matches_credit_and_completion(self):
        # Signed on 20 March: the credit note is matched with the invoice (1 000 - 400 = 600
        # left), the plan has 0 paid and 600 left; paying 300 + 300 completes it.
        refund = self._refund(self.customer, 400.0, "2026-03-10")
        plan = self._plan(include_penalties=False)
        self.assertEqual(refund.payment_state, "paid")
        self.assertEqual(self.move.amount_residual, 600.0)
        self.assertRecordValues(
            plan, [{"state": "active", "amount_paid": 0.0, "amount_residual": 600.0}]
        )
        self._pay(self.move, 300.0, "2026-04-30")
        self.assertRecordValues(plan, [{"amount_paid": 300.0, "amount_residual": 300.0}])
        self.assertEqual(plan.line_ids.mapped("amount_residual"), [0.0, 300.0])
        self._pay(self.move, 300.0, "2026-05-30")
        with freeze_time("2026-05-31"):
            plan.action_check()
        self.assertEqual(plan.state, "completed")

    def test_default_after_credit(self):
        # Signed with the credit matched, nothing paid: on 16 May instalment 1 (300, due 30
        # April) is 16 days late, beyond the 15 days' tolerance: the plan breaks, 300 left on
        # the instalment (not 500).
        self._refund(self.customer, 400.0, "2026-03-10")
        plan = self._plan(include_penalties=False)
        with freeze_time("2026-05-16"):
            plan.action_check()
        self.assertEqual(plan.state, "broken")
        self.assertIn("300.00", plan.message_ids[:1].body)
        self.assertEqual(self.move.amount_residual, 600.0)

    def test_credit_covering_the_plan_is_refused(self):
        # A credit note of 1 200 leaves nothing to schedule: an error naming the credit and
        # suggesting to allocate it, no plan created.
        refund = self._refund(self.customer, 1200.0, "2026-03-10")
        Plan = self.env["recouvrement.payment.plan"]
        count = Plan.search_count([])
        with self.assertRaises(UserError) as error:
            self._draft_plan(include_penalties=False)
        self.assertIn(refund.name, str(error.exception))
        self.assertIn("Allocate the credit", str(error.exception))
        self.assertEqual(Plan.search_count([]), count)

    def test_credit_used_meanwhile_refuses_signature(self):
        # The plan deducted the 400; before the signature the credit note is matched with
        # another invoice (500): signing is refused, nothing matched, the plan stays proposed.
        refund = self._refund(self.customer, 400.0, "2026-03-10")
        plan = self._draft_plan(include_penalties=False)
        with freeze_time("2026-03-20"):
            plan.action_propose()
        other = self._invoice(self.customer, 500.0, "2026-03-01", "2026-03-31")
        (other.line_ids + refund.line_ids).filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        ).reconcile()
        with self.assertRaises(UserError) as error:
            self._sign(plan, "2026-03-21")
        self.assertIn(refund.name, str(error.exception))
        self.assertEqual(plan.state, "proposed")
        self.assertEqual(self.move.amount_residual, 1000.0)

    def test_credit_used_before_the_proposal_refuses_it(self):
        # A fresh tester's input: the draft plan deducted the 400 (600 to pay); before it is
        # proposed the credit note is matched with another invoice of 500. The terms sent for
        # signature still said "Less your credit note ... of 400.00 EUR, Total to pay 600.00"
        # (the error came only at signature). Right: proposing is refused, naming the credit
        # and what is left of it (0.00); the plan stays a draft.
        refund = self._refund(self.customer, 400.0, "2026-03-10")
        plan = self._draft_plan(include_penalties=False)
        other = self._invoice(self.customer, 500.0, "2026-03-01", "2026-03-31")
        (other.line_ids + refund.line_ids).filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        ).reconcile()
        with self.assertRaises(UserError) as error, freeze_time("2026-03-20"):
            plan.action_propose()
        self.assertIn(f"deducts {refund.name} of 400.00", str(error.exception))
        self.assertIn("(0.00\xa0€ left)", str(error.exception))
        self.assertEqual(plan.state, "draft")

    def test_two_plans_share_no_credit(self):
        # Two invoices, two plans: the 400 is deducted by the first plan only (it holds it
        # while proposed); the second one schedules its whole 500.
        self._refund(self.customer, 400.0, "2026-03-10")
        first = self._draft_plan(include_penalties=False)
        with freeze_time("2026-03-20"):
            first.action_propose()
        self.move = self._invoice(self.customer, 500.0, "2026-02-01", "2026-03-01")
        second = self._draft_plan(include_penalties=False)
        self.assertRecordValues(second, [{"amount_credits": 0.0, "amount_total": 500.0}])
        self.assertEqual(date(2026, 4, 30), second.line_ids[:1].date_due)

    def test_two_proposed_plans_each_hold_their_share(self):
        # A 500 due 1 Feb and C 900 due 20 Mar in one plan, the invoice of 1 000 due 1 Mar
        # in another; a credit note of 1 000 of 10 Mar. Oldest debt first (art. 1342-10 Code
        # civil): A 500, the 1 000 500, C 0. The first plan, proposed, deducts A's 500 and
        # schedules 900; the second then deducts its invoice's 500 and schedules 500: 1 400
        # in all, what the customer owes (2 400 - 1 000). Was: the first plan held the whole
        # credit, the second deducted nothing and scheduled 1 000 (1 900 asked of 1 400).
        refund = self._refund(self.customer, 1000.0, "2026-03-10")
        move = self.move
        move_a = self._invoice(self.customer, 500.0, "2026-01-02", "2026-02-01")
        move_c = self._invoice(self.customer, 900.0, "2026-02-18", "2026-03-20")
        self.move = move_a | move_c
        first = self._draft_plan(include_penalties=False, day="2026-03-21")
        self.assertRecordValues(first, [{"amount_credits": 500.0, "amount_total": 900.0}])
        with freeze_time("2026-03-21"):
            first.action_propose()
        self.move = move
        second = self._draft_plan(include_penalties=False, day="2026-03-21")
        self.assertRecordValues(second, [{"amount_credits": 500.0, "amount_total": 500.0}])
        self.assertEqual(second.credit_ids.move_line_id.move_id, refund)
        with freeze_time("2026-03-21"):
            second.action_propose()
        self.assertEqual((first.state, second.state), ("proposed", "proposed"))
        # both signed: the credit is matched 500 with A and 500 with the 1 000, nothing left
        self._sign(first, "2026-03-22")
        self._sign(second, "2026-03-22")
        self.assertEqual(
            (move_a.amount_residual, move.amount_residual, move_c.amount_residual),
            (0.0, 500.0, 900.0),
        )
        self.assertEqual(refund.amount_residual, 0.0)

    def test_plan_on_a_disputed_invoice_deducts_the_whole_credit(self):
        # The invoice of 1 000, 400 of it disputed, a credit note of 700: the one allocation
        # gives the undisputed 600 its share, 100 of the credit is taken by no debt. The plan
        # deducts the whole 700 and schedules the net balance, 300.00 (was 600.00 deducted,
        # 400.00 scheduled: more than the customer owes).
        with freeze_time("2026-03-05"):
            self.env["recouvrement.dispute"].create(
                {"move_id": self.move.id, "reason": "price", "amount": 400.0}
            )
        self._refund(self.customer, 700.0, "2026-03-10")
        plan = self._draft_plan(include_penalties=False)
        self.assertRecordValues(plan, [{"amount_credits": 700.0, "amount_total": 300.0}])

    def test_reminder_while_plan_kept_does_not_deduct_the_credit_again(self):
        # Invoice B of 500 due 1 March too, outside the plan. Signed on 20 March, the plan
        # matched the 400 with its invoice: the run of 20 March claims B's 500 with no credit
        # (deducting the 400 again would ask 100 while 500 is owed: 600 + 100 = 700 of 1 100).
        other = self._invoice(self.customer, 500.0, "2026-02-01", "2026-03-01")
        self._refund(self.customer, 400.0, "2026-03-10")
        plan = self._plan(include_penalties=False)
        self.assertEqual(plan.amount_total, 600.0)
        events = self._run("2026-03-20", partners=self.customer)
        self.assertRecordValues(
            events,
            [
                {
                    "move_ids": other.ids,
                    "amount_due": 500.0,
                    "amount_open_credit": 0.0,
                    "credit_line_ids": [],
                }
            ],
        )

    def test_printed_terms_in_french(self):
        # The customer reads French: "Moins votre avoir RINV/2026/00001 de 400,00 €".
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["recouvrement_b2b"], ["fr_FR"])
        self.customer.lang = "fr_FR"
        refund = self._refund(self.customer, 400.0, "2026-03-10")
        plan = self._draft_plan(include_penalties=False)
        text = self._render(plan)
        self.assertIn(f"Moins votre avoir {refund.name} de 400,00 €", text)

    def test_credit_in_another_currency(self):
        # A credit note of 300 USD is not deducted from the euro plan (art. 1347-1 Code civil,
        # LEGAL.md: same currency): 1 000, 2 x 500. A dollar plan on an invoice of 1 100 USD
        # deducts it in dollars, not converted: 1 100 - 300 = 800, 2 x 400; signed, the
        # invoice has 800 USD left and the plan 800 to pay.
        usd = self.setup_other_currency("USD", rates=[("2026-01-01", 1.10)])
        refund = self._invoice(self.customer, 300.0, "2026-03-02", post=False, currency=usd)
        refund.move_type = "out_refund"
        refund.action_post()
        euros = self._draft_plan(include_penalties=False)
        self.assertRecordValues(euros, [{"amount_credits": 0.0, "amount_total": 1000.0}])
        self.move = self._invoice(self.customer, 1100.0, "2026-02-01", "2026-03-01", currency=usd)
        dollars = self._draft_plan(include_penalties=False)
        self.assertRecordValues(
            dollars, [{"currency_id": usd.id, "amount_credits": 300.0, "amount_total": 800.0}]
        )
        self.assertEqual(dollars.line_ids.mapped("amount"), [400.0, 400.0])
        self._sign(dollars, "2026-03-20")
        self.assertEqual(self.move.amount_residual, 800.0)
        self.assertRecordValues(dollars, [{"amount_paid": 0.0, "amount_residual": 800.0}])

    def test_two_drafts_cannot_both_propose_the_credit(self):
        # Two drafts computed before either was proposed both deduct the 400 (1 000 - 400 =
        # 600; then an older invoice of 500 due 15 February comes, the oldest debt, which
        # takes the whole credit: 500 - 400 = 100); once the first is proposed, proposing the
        # second is refused, naming the credit and the first plan.
        refund = self._refund(self.customer, 400.0, "2026-03-10")
        first = self._draft_plan(include_penalties=False)
        self.move = self._invoice(self.customer, 500.0, "2026-01-15", "2026-02-15")
        second = self._draft_plan(include_penalties=False)
        self.assertEqual((first.amount_total, second.amount_total), (600.0, 100.0))
        with freeze_time("2026-03-20"):
            first.action_propose()
            with self.assertRaises(UserError) as error:
                second.action_propose()
        self.assertIn(refund.name, str(error.exception))
        self.assertIn(first.name, str(error.exception))
        self.assertEqual(second.state, "draft")

    def test_signed_plan_keeps_its_credits(self):
        # The credits a signed plan deducted are its terms: the collection user can neither
        # change nor remove them (the 400 stays listed, the total 600).
        self._refund(self.customer, 400.0, "2026-03-10")
        plan = self._plan(include_penalties=False)
        credit = plan.credit_ids.with_user(self.controller)
        with self.assertRaises(AccessError):
            credit.amount = 0.0
        with self.assertRaises(UserError):
            credit.unlink()
        self.assertRecordValues(plan, [{"amount_credits": 400.0, "amount_total": 600.0}])
        self.assertEqual(plan.credit_ids.amount, 400.0)

    def test_portal_agrees_with_the_plan(self):
        # The collection page: proposed, the invoice shows 1 000 and the credit of 400 is
        # open, net due 600 (= the plan's total); signed, the credit is matched: the invoice
        # shows 600, no open credit, net due 600 again (never 1 000 - 400 - 400 = 200).
        self._refund(self.customer, 400.0, "2026-03-10")
        plan = self._draft_plan(include_penalties=False)
        Customer = self.env["recouvrement.customer"]
        for step, residual, credit in (("proposed", 1000.0, 400.0), ("signed", 600.0, 0.0)):
            if step == "proposed":
                with freeze_time("2026-03-20"):
                    plan.action_propose()
            else:
                self._sign(plan, "2026-03-20")
            with freeze_time("2026-03-20"):
                values = Customer._get_portal_values(self.customer, date(2026, 3, 20))
            [line] = [line for line in values["lines"] if line["move"] == self.move]
            [group] = values["companies"]
            self.assertEqual(
                (line["residual"], group["open_credit"], group["due"]),
                (residual, credit, 600.0),
                step,
            )


@tagged("post_install", "-at_install")
class TestPlanCreditConcurrency(TwoCursorsCommon):
    """Two transactions at once (committed data): a plan on the invoice of 1 000 deducting a
    credit note of 400, proposed; while the customer signs it, an accountant matches the
    credit note with another invoice of 500. The signature locks the credit
    (``tools.locks.lock_rows``): it waits, fails with a serialization error that Odoo's request
    handling retries; the retry finds the credit used and refuses, nothing matched."""

    partner_name = "Scierie Avoirs"

    def setUp(self):
        super().setUp()
        with self.env.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            partner = env["res.partner"].browse(self.partner_id)
            other = post_invoice(env, partner, self.today - timedelta(days=40), self.today, 500.0)
            refund = env["account.move"].create(
                {
                    "move_type": "out_refund",
                    "partner_id": partner.id,
                    "invoice_date": self.today - timedelta(days=5),
                    "invoice_line_ids": [
                        Command.create(
                            {"name": "Avoir", "price_unit": 400.0, "tax_ids": [Command.clear()]}
                        )
                    ],
                }
            )
            refund.action_post()
            plan = env["recouvrement.payment.plan"].create(
                {
                    "partner_id": partner.id,
                    "move_ids": [Command.set([self.move_id])],
                    "instalment_count": 2,
                    "first_date": self.today + timedelta(days=30),
                }
            )
            plan.action_compute_schedule()
            plan.action_propose()
            plan.signature_date = self.today
            self.other_id, self.refund_id, self.plan_id = other.id, refund.id, plan.id

    def _clean_up_records(self, env):
        plan = env["recouvrement.payment.plan"].browse(self.plan_id)
        if plan.state != "cancelled":
            plan.action_cancel()
        plan.unlink()
        moves = env["account.move"].browse([self.other_id, self.refund_id])
        moves.line_ids.remove_move_reconcile()
        moves.button_draft()
        moves.with_context(force_delete=True).unlink()

    def test_signature_and_manual_match_at_once(self):
        def receivable(move):
            return move.line_ids.filtered(
                lambda line: line.account_id.account_type == "asset_receivable"
            )

        env1, env2 = self.envs
        self.assertEqual(env1["recouvrement.payment.plan"].browse(self.plan_id).amount_total, 600.0)
        env1.cr.execute("SELECT 1")  # its snapshot is taken before the other one commits
        other, refund = env2["account.move"].browse([self.other_id, self.refund_id])
        (receivable(other) + receivable(refund)).reconcile()
        env2.flush_all()
        env2.cr.commit()
        plan = env1["recouvrement.payment.plan"].browse(self.plan_id)
        with self.assertRaises(SerializationFailure), mute_logger("odoo.sql_db"):
            plan.action_activate()
        env1.cr.rollback()  # odoo.service.model.retrying: the request again
        env1.transaction.reset()
        plan = env1["recouvrement.payment.plan"].browse(self.plan_id)
        with self.assertRaises(UserError) as error:
            plan.action_activate()
        env1.cr.rollback()
        env1.transaction.reset()
        self.assertIn(env1["account.move"].browse(self.refund_id).name, str(error.exception))
        plan = env1["recouvrement.payment.plan"].browse(self.plan_id)
        self.assertEqual(plan.state, "proposed")
        self.assertEqual(env1["account.move"].browse(self.move_id).amount_residual, 1000.0)
