import logging
from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare, float_is_zero, format_date
from odoo.tools.misc import formatLang

from ..rules import schedule
from ..tools.bounds import check_bounds, check_date_horizon
from ..tools.evidence import changed_field, check_created_by_flow, check_set_by_flow
from ..tools.lang import company_env, partner_env
from ..tools.locks import lock_rows
from ..tools.records import name_by_sequence

#: days an instalment may stay unpaid before the plan breaks: at most a year (issue 19)
MAX_TOLERANCE_DAYS = 365

_logger = logging.getLogger(__name__)

# Plans that hold their invoices: an invoice belongs to at most one of them at a time.
OPEN_STATES = ("proposed", "active")
#: days a proposed plan holds its invoices from the dunning ladder, from the proposal
#: (README, product decisions: "A proposed plan holds the ladder for 15 days")
PROPOSAL_HOLD_DAYS = 15
# A plan starts within a year: a first due date further away is a typing error (31/12/9999).
START_HORIZON_DAYS = 366


def currency_digits(currency):
    """Decimal places of ``currency`` for the schedule rules (2 while a form has none yet)."""
    return currency.decimal_places if currency else 2


#: states a plan reaches through its buttons and its daily check only, never written by hand
FLOW_STATES = ("proposed", "active", "completed", "broken")
#: states of a plan the customer signed: its terms are evidence (issue 19)
SIGNED_STATES = ("active", "completed", "broken")
#: the terms the customer signed (the acknowledgment of debt, art. 2240 Code civil)
SIGNED_PLAN_FIELDS = (
    "partner_id",
    "company_id",
    "currency_id",
    "move_ids",
    "instalment_count",
    "frequency",
    "first_date",
    "include_penalties",
    "amount_invoices",
    "amount_penalties",
    "amount_waiver",
    "amount_credits",
    "down_payment",
    "down_payment_date",
)


class RecouvrementPaymentPlan(models.Model):
    _name = "recouvrement.payment.plan"
    _description = "Payment Plan"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"

    name = fields.Char(required=True, copy=False, default="/", readonly=True, tracking=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        domain="[('parent_id', '=', False)]",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    currency_id = fields.Many2one(
        "res.currency", required=True, default=lambda self: self.env.company.currency_id
    )
    # The invoices a user may pick are filtered by the form's domain, not the field's: a field
    # domain would keep the ORM from using this field as the inverse of
    # account.move.payment_plan_ids (a search per state change, issue 18)
    move_ids = fields.Many2many("account.move", string="Invoices")
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("proposed", "Proposed"),
            ("active", "Running"),
            ("completed", "Completed"),
            ("broken", "Defaulted"),
            ("cancelled", "Called off"),
        ],
        default="draft",
        required=True,
        tracking=True,
        index=True,
        copy=False,
        group_expand=True,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        default=lambda self: self.env.user,
        tracking=True,
        index="btree_not_null",
    )
    line_ids = fields.One2many(
        "recouvrement.payment.plan.line", "plan_id", string="Instalments", copy=False
    )
    # Schedule parameters
    instalment_count = fields.Integer(string="Number of Instalments", default=3, tracking=True)
    frequency = fields.Selection(
        [("weekly", "Weekly"), ("monthly", "Monthly"), ("quarterly", "Quarterly")],
        default="monthly",
        required=True,
    )
    first_date = fields.Date(
        string="First Instalment",
        default=lambda self: fields.Date.context_today(self) + timedelta(days=30),
        help="Due date of the first instalment; the next ones follow at the chosen frequency "
        "(31 January + 1 month = 28/29 February, then 31 March).",
    )
    tolerance_days = fields.Integer(
        default=15,
        tracking=True,
        help="Days an instalment may stay unpaid after its due date before the plan is broken.",
        aggregator=None,
    )
    # Amounts (frozen when the schedule is computed)
    include_penalties = fields.Boolean(
        help="Add the late-payment penalties and the 40 EUR recovery indemnities (L441-10) "
        "accrued on the invoices to the amount scheduled.",
    )
    amount_invoices = fields.Monetary(
        string="Invoices Due",
        readonly=True,
        copy=False,
        help="Amount left to pay on the invoices when the schedule was computed.",
    )
    amount_penalties = fields.Monetary(
        string="Penalties and Indemnities",
        readonly=True,
        copy=False,
        help="Late-payment penalties and recovery indemnities when the schedule was computed.",
    )
    amount_waiver = fields.Monetary(
        string="Waiver", help="Part of the penalties and indemnities given up by the company."
    )
    amount_credits = fields.Monetary(
        string="Open Credits Deducted",
        readonly=True,
        copy=False,
        help="The customer's open credit notes and unmatched payments (same company and "
        "currency) deducted when the schedule was computed: the plan asks only the net "
        "balance; its signature matches them with the invoices.",
    )
    credit_ids = fields.One2many(
        "recouvrement.payment.plan.credit",
        "plan_id",
        string="Deducted Credits",
        readonly=True,
        copy=False,
    )
    amount_total = fields.Monetary(
        string="Total", compute="_compute_amount_total", store=True, tracking=True
    )
    down_payment = fields.Monetary(help="Paid first, on the down payment date.")
    down_payment_date = fields.Date(
        help="Due date of the down payment; empty: the day the schedule is computed."
    )
    amount_paid = fields.Monetary(
        string="Paid",
        compute="_compute_amount_paid",
        store=True,
        help="Payments and credit notes reconciled with the invoices since the schedule was "
        "computed.",
    )
    amount_residual = fields.Monetary(
        string="Left to Pay", compute="_compute_amount_paid", store=True
    )
    next_date_due = fields.Date(
        string="Next Due Date", compute="_compute_next_date_due", store=True
    )
    # Agreement
    signature_date = fields.Date(
        tracking=True,
        copy=False,
        help="Date the customer signed the plan: a written acknowledgment of the debt "
        "(art. 2240 Code civil) that interrupts the prescription of its invoices.",
    )
    signed_document = fields.Binary(attachment=True, copy=False)
    signed_document_name = fields.Char(copy=False)
    last_check_date = fields.Date(
        copy=False, readonly=True, help="Last day the daily check processed this plan."
    )
    proposal_hold_until = fields.Date(
        string="Reminders Held Until",
        copy=False,
        readonly=True,
        help="While the plan is proposed, its invoices get no reminder and no level change "
        "until this day, at most 15 days after the plan's first proposal. Signed, the plan "
        "stops reminders; called off, or unsigned after this day, the ladder resumes from "
        "where it was.",
    )

    schedule_penalty_line_from = fields.Integer(
        readonly=True,
        copy=False,
        aggregator=None,
        help="Technical: penalty invoice lines from this id on were made after the schedule "
        "was computed, so the schedule counted the penalties they charge (0: schedule "
        "computed before this check existed).",
    )

    _sql_constraints = [
        (
            "tolerance_days_positive",
            "CHECK(tolerance_days >= 0)",
            "The tolerance of a payment plan cannot be negative.",
        ),
    ]

    @api.depends(
        "amount_invoices", "amount_penalties", "amount_waiver", "amount_credits", "currency_id"
    )
    def _compute_amount_total(self):
        for plan in self:
            totals = schedule.plan_totals(
                [plan.amount_invoices],
                [plan.amount_penalties],
                plan.amount_waiver,
                digits=currency_digits(plan.currency_id),
                credits=plan.amount_credits,
            )
            plan.amount_total = float(totals.total)

    @api.depends(
        "amount_total",
        "amount_invoices",
        "amount_credits",
        "move_ids.amount_residual",
        "state",
        "signature_date",
    )
    def _compute_amount_paid(self):
        paid_by_plan = self._get_paid_amounts()
        for plan in self:
            plan.amount_paid = paid_by_plan.get(plan.id, 0.0)
            plan.amount_residual = float(
                schedule.left_to_pay(
                    plan.amount_total, plan.amount_paid, digits=currency_digits(plan.currency_id)
                )
            )

    @api.depends("line_ids.date_due", "line_ids.amount_residual")
    def _compute_next_date_due(self):
        for plan in self:
            dates = [
                line.date_due
                for line in plan.line_ids
                if not plan.currency_id.is_zero(line.amount_residual)
            ]
            plan.next_date_due = min(dates) if dates else False

    @api.constrains("partner_id", "currency_id", "company_id", "move_ids")
    def _check_invoices(self):
        for plan in self:
            plan._check_moves(plan.move_ids, plan.partner_id, plan.currency_id, plan.company_id)

    @api.constrains("down_payment", "amount_waiver", "instalment_count")
    def _check_amounts(self):
        for plan in self:
            if plan.down_payment < 0:
                raise ValidationError(
                    self.env._(
                        "Payment plan %(plan)s: the down payment cannot be negative.",
                        plan=plan.display_name,
                    )
                )
            if plan.amount_waiver < 0:
                raise ValidationError(
                    self.env._(
                        "Payment plan %(plan)s: the waiver cannot be negative.",
                        plan=plan.display_name,
                    )
                )
            if not 1 <= plan.instalment_count <= schedule.MAX_INSTALMENTS:
                raise ValidationError(
                    self.env._(
                        "Payment plan %(plan)s: the %(field)s must be between 1 and %(max)s "
                        "(not %(count)s).",
                        plan=plan.display_name,
                        field=plan._fields["instalment_count"]._description_string(self.env),
                        max=schedule.MAX_INSTALMENTS,
                        count=plan.instalment_count,
                    )
                )

    @api.constrains("tolerance_days")
    def _check_tolerance_days(self):
        # beyond a year the daily check's date overflowed (issue 19)
        check_bounds(self, "tolerance_days", 0, MAX_TOLERANCE_DAYS)

    @api.constrains("signature_date")
    def _check_signature_date(self):
        # the day the customer signed: one to come would interrupt prescription from it (art.
        # 2240 Code civil, issue 19)
        check_date_horizon(self, ["signature_date"])

    @api.constrains("first_date", "down_payment_date")
    def _check_dates(self):
        limit = fields.Date.context_today(self) + timedelta(days=START_HORIZON_DAYS)
        for plan in self:
            for fname in ("first_date", "down_payment_date"):
                if plan[fname] and plan[fname] > limit:
                    raise ValidationError(
                        self.env._(
                            "Payment plan %(plan)s: the %(field)s must be within a year "
                            "(%(limit)s at the latest, not %(date)s).",
                            plan=plan.display_name,
                            field=plan._fields[fname]._description_string(self.env),
                            limit=format_date(self.env, limit),
                            date=format_date(self.env, plan[fname]),
                        )
                    )

    @api.constrains("amount_waiver", "amount_penalties", "include_penalties")
    def _check_waiver(self):
        """A waiver beyond the penalties gives up principal: a credit manager's decision."""
        if self.env.su or self.env.user.has_group("recouvrement_b2b.recouvrement_group_manager"):
            return
        for plan in self:
            computed = plan.amount_invoices or not plan.include_penalties
            penalties = plan.amount_penalties if plan.include_penalties else 0.0
            rounding = plan.currency_id.rounding or 0.01
            if (
                computed
                and float_compare(plan.amount_waiver, penalties, precision_rounding=rounding) > 0
            ):
                raise ValidationError(
                    self.env._(
                        "Payment plan %(plan)s: a %(field)s beyond the penalties and indemnities "
                        "(%(penalties)s) gives up part of the invoices: only a credit manager "
                        "may grant it.",
                        plan=plan.display_name,
                        field=plan._fields["amount_waiver"]._description_string(self.env),
                        penalties=formatLang(self.env, penalties, currency_obj=plan.currency_id),
                    )
                )

    # CRUD

    @api.model_create_multi
    def create(self, vals_list):
        name_by_sequence(self.env, vals_list, "recouvrement.payment.plan")
        plans = super().create(vals_list)
        check_created_by_flow(plans, self._get_flow_name(), FLOW_STATES)
        # L622-7, L622-21: no payment agreed on a claim born before an opening judgment
        self.env["recouvrement.proceedings"]._check_individual_action(
            plans.move_ids, "payment_plan"
        )
        return plans

    def _check_signature_not_antedated(self, signature_date):
        """The signature of a plan in force acknowledged the debt on its day (art. 2240 Code
        civil): a later acknowledgment moves it forward, none moves it back (issue 19).

        :raise UserError: naming the plan, the field and both dates
        """
        for plan in self:
            if (
                plan.state in ("active", "completed", "broken")
                and plan.signature_date
                and signature_date < plan.signature_date
            ):
                raise UserError(
                    self.env._(
                        "Payment plan %(plan)s: the %(field)s cannot move back to %(date)s, "
                        "before the acknowledgment already recorded on %(signed)s.",
                        plan=plan.display_name,
                        field=plan._fields["signature_date"]._description_string(self.env),
                        date=format_date(self.env, signature_date),
                        signed=format_date(self.env, plan.signature_date),
                    )
                )

    def _check_signed_write(self, vals):
        """Refuse a user (not the superuser) to rewrite a plan the customer signed (active,
        completed or broken): its terms (``SIGNED_PLAN_FIELDS``), its signature date cleared,
        its signed document replaced or removed (one is still added to a plan without). The
        signature acknowledged the debt on those terms (art. 2240 Code civil): evidence
        (issue 19); other terms are a new plan.

        :raise UserError: naming the plan, its state and the field
        """
        if self.env.su:
            return
        for plan in self.filtered(lambda p: p._is_signed()):
            fname = changed_field(plan, vals, SIGNED_PLAN_FIELDS)
            if not fname and "signature_date" in vals and not vals["signature_date"]:
                fname = "signature_date"
            if not fname and plan.signed_document:
                fname = changed_field(plan, vals, ("signed_document", "signed_document_name"))
            if fname:
                raise UserError(
                    self.env._(
                        "Payment plan %(plan)s was signed by the customer (%(state)s): its "
                        "%(field)s cannot be changed; cancel it and agree a new plan.",
                        plan=plan.display_name,
                        state=plan._fields["state"].convert_to_export(plan.state, plan),
                        field=plan._fields[fname]._description_string(self.env),
                    )
                )

    def _is_signed(self):
        """Whether the customer signed this plan (one): in force, completed or broken, or
        cancelled with its signature date (it acknowledged the debt on its terms)."""
        self.ensure_one()
        return self.state in SIGNED_STATES or (
            self.state == "cancelled" and bool(self.signature_date)
        )

    def _get_flow_name(self):
        """What proposes, activates, completes and breaks a plan, as a message says it."""
        return self.env._("the plan's buttons and its daily check")

    def write(self, vals):
        check_set_by_flow(self, vals, self._get_flow_name(), FLOW_STATES)
        self._check_signed_write(vals)
        if vals.get("signature_date"):
            self._check_signature_not_antedated(fields.Date.to_date(vals["signature_date"]))
        res = super().write(vals)
        if "move_ids" in vals:
            # an invoice added to a plan (the form makes the field readonly once proposed, the
            # ORM and RPC do not): refused when an open case claims it, as the proposal does
            for plan in self:
                self._check_moves_not_litigated(plan.move_ids)
        if "signature_date" in vals:
            self.filtered(lambda p: p.state == "active")._record_acknowledgment()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_in_force(self):
        for plan in self:
            if plan.state not in ("draft", "cancelled"):
                raise UserError(
                    self.env._(
                        "Payment plan %(plan)s cannot be deleted: cancel it first.",
                        plan=plan.display_name,
                    )
                )

    # Actions

    def action_compute_schedule(self):
        """Freeze the amounts due on the invoices and build the instalments (draft plans)."""
        for plan in self:
            if plan.state != "draft":
                raise UserError(
                    self.env._(
                        "The schedule of payment plan %(plan)s can only be computed in draft.",
                        plan=plan.display_name,
                    )
                )
        with self.env.cr.savepoint():
            self._generate_schedule()
        return True

    def _generate_schedule(self):
        """Freeze the amounts due (invoices, penalties) and create the instalments."""
        today = fields.Date.context_today(self)
        penalty_lines = self._get_penalty_lines()
        self._raise_if_penalty_draft(penalty_lines)
        line_from = max(penalty_lines.ids, default=0) + 1
        figures = self.env["recouvrement.penalty"]._get_penalty_claim_figures(self.move_ids, today)
        line_vals = []
        credit_vals = []
        self._check_moves_free()
        # the open credits of all the plans' customers less what the open litigation cases
        # take of them (LEGAL.md, open credits; README, product decisions) and less those held
        # by other proposed plans: queries do not depend on the number of plans
        credit_parts = self._get_open_credit_parts(self.move_ids, today)
        held = self._get_held_credit_amounts(self.move_ids)
        for plan in self:
            plan_credits = self._get_plan_credit_parts(
                plan.partner_id,
                plan.currency_id,
                plan.company_id,
                plan.move_ids,
                credit_parts,
                held,
            )
            credit_lines = self.env["account.move.line"].union(*plan_credits)
            amount_credits = plan.currency_id.round(sum(plan_credits.values()))
            totals = self._get_plan_totals(
                plan.move_ids,
                plan.currency_id,
                plan.include_penalties,
                0.0,
                figures,
                credits=amount_credits,
            )
            plan._raise_if_credits_cover(totals, credit_lines, amount_credits)
            vals = {
                "amount_invoices": float(totals.invoices),
                "amount_penalties": float(totals.penalties),
                "amount_credits": amount_credits,
                "schedule_penalty_line_from": line_from,
            }
            credit_vals += [
                {"plan_id": plan.id, "move_line_id": line.id, "amount": amount}
                for line, amount in plan_credits.items()
            ]
            # the plans computed together: each holds its part of a credit for the next ones
            for line, amount in plan_credits.items():
                held[line.id] += amount
            if plan.down_payment and not plan.down_payment_date:
                # The down payment is due when the plan is agreed, not with instalment 1
                # (which cannot be before today, see _check_schedule_input).
                vals["down_payment_date"] = today
            plan.write(vals)
            plan._check_schedule_input()
            for sequence, (date_due, amount) in enumerate(plan._build_schedule(), start=1):
                line_vals.append(
                    plan._prepare_line_vals(
                        sequence, date_due, amount, is_down_payment=sequence == 1
                    )
                )
        self.line_ids.unlink()
        self.credit_ids.unlink()
        self.env["recouvrement.payment.plan.credit"].create(credit_vals)
        return self.env["recouvrement.payment.plan.line"].create(line_vals)

    def action_propose(self):
        """The schedule is sent to the customer for signature: the invoices are held."""
        self.check_access("write")
        for plan in self:
            if plan.state != "draft":
                raise UserError(
                    self.env._("Payment plan %(plan)s is not a draft.", plan=plan.display_name)
                )
            if not plan.line_ids:
                raise UserError(
                    self.env._(
                        "Compute the schedule of payment plan %(plan)s before proposing it.",
                        plan=plan.display_name,
                    )
                )
        self._check_moves_free()
        self._check_moves_not_litigated(self.move_ids)
        self._check_penalties_not_invoiced()
        self._check_credits_free()
        self._check_credits_open(proposing=True)
        today = fields.Date.context_today(self)
        for plan in self:
            # sudo: a state set by this flow only (issue 19)
            plan.sudo().write(
                {"state": "proposed", "proposal_hold_until": plan._get_proposal_hold_until(today)}
            )
        return True

    def _get_proposal_hold_until(self, today):
        """Last day the ladder holds the invoices of this plan proposed on ``today`` (README,
        product decisions: "A proposed plan holds the ladder for 15 days"): at most
        ``PROPOSAL_HOLD_DAYS`` from the first proposal. A plan proposed again (reset to draft
        and proposed) keeps the end of its first hold, even passed; a plan proposed while
        another plan's hold on one of its invoices still runs (called off, reset, or a
        duplicate) ends with the earliest of those holds. A plan proposed after every hold on
        its invoices ended holds 15 days: a new offer, the ladder having resumed.

        :return: a date (``proposal_hold_until``)
        """
        self.ensure_one()
        ends = [fields.Date.add(today, days=PROPOSAL_HOLD_DAYS)]
        if self.proposal_hold_until:
            ends.append(self.proposal_hold_until)
        # sudo: the holds on these invoices, whoever may read the other plans
        others = self.sudo().search(
            [
                ("move_ids", "in", self.move_ids.ids),
                ("id", "!=", self.id),
                ("proposal_hold_until", ">=", today),
            ]
        )
        ends.extend(others.mapped("proposal_hold_until"))
        return min(ends)

    def action_activate(self):
        """The customer signed: the plan is in force, dunning stops on its invoices."""
        self.check_access("write")
        for plan in self:
            if plan.state not in ("draft", "proposed"):
                raise UserError(
                    self.env._(
                        "Payment plan %(plan)s cannot be activated from its current state.",
                        plan=plan.display_name,
                    )
                )
            if not plan.line_ids:
                raise UserError(
                    self.env._(
                        "Compute the schedule of payment plan %(plan)s before activating it.",
                        plan=plan.display_name,
                    )
                )
            if not plan.signature_date:
                raise UserError(
                    self.env._(
                        "Set the signature date of payment plan %(plan)s before activating it.",
                        plan=plan.display_name,
                    )
                )
        self._check_moves_free()
        self._check_penalties_not_invoiced()
        self._check_credits_free()
        self._match_credits()
        # sudo: a state set by this flow only (issue 19)
        self.sudo().write({"state": "active", "last_check_date": False})
        for plan in self:
            plan.move_ids.payment_plan_id = plan
        self._record_acknowledgment()
        return True

    def action_cancel(self):
        for plan in self:
            if plan.state in ("completed", "cancelled"):
                raise UserError(
                    self.env._(
                        "Payment plan %(plan)s is already closed and cannot be cancelled.",
                        plan=plan.display_name,
                    )
                )
        self._release_moves()
        self.write({"state": "cancelled"})
        return True

    def action_draft(self):
        for plan in self:
            if plan.state == "cancelled" and plan._is_signed():
                raise UserError(
                    self.env._(
                        "Payment plan %(plan)s was signed by the customer on %(date)s: it "
                        "cannot be reset to draft to change its terms; agree a new plan.",
                        plan=plan.display_name,
                        date=format_date(self.env, plan.signature_date),
                    )
                )
            if plan.state not in ("proposed", "cancelled"):
                raise UserError(
                    self.env._(
                        "Only proposed or cancelled payment plans can be reset to draft "
                        "(%(plan)s).",
                        plan=plan.display_name,
                    )
                )
        self.write({"state": "draft"})
        return True

    def action_check(self):
        """Run the daily check now on these plans."""
        self._check_progress()
        return True

    def action_view_invoices(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("account.action_move_out_invoice")
        action["domain"] = [("id", "in", self.move_ids.ids)]
        action["context"] = {"default_move_type": "out_invoice", "create": False}
        return action

    # Business methods

    @api.model
    def _get_plan_totals(self, moves, currency, include_penalties, waiver, figures, credits=0.0):
        """Amounts a plan on ``moves`` schedules (``rules.schedule.plan_totals``).

        :param figures: ``account.move._get_penalty_figures`` of ``moves`` (or of their
            ``_origin`` for new records), read when ``include_penalties``
        :param credits: open credits deducted, in ``currency`` (:meth:`_get_credit_amount`)
        :return: ``PlanTotals(invoices, penalties, total)``, Decimals rounded to ``currency``
        """
        penalties = (
            [figures[move._origin.id][key] for move in moves for key in ("penalty", "indemnity")]
            if include_penalties
            else []
        )
        return schedule.plan_totals(
            moves.mapped("amount_residual"),
            penalties,
            waiver,
            digits=currency_digits(currency),
            credits=credits,
        )

    def _get_held_credits(self, domain):
        """The deducted credits (``recouvrement.payment.plan.credit``) of proposed plans other
        than ``self`` matching ``domain``: a credit pays one plan only (one query)."""
        return self.env["recouvrement.payment.plan.credit"].search(
            [("plan_id.state", "=", "proposed"), ("plan_id", "not in", self.ids), *domain]
        )

    def _get_held_credit_amounts(self, moves):
        """``{credit line id: float}``: what other proposed plans than ``self`` deducted of
        each open credit of the customers of ``moves`` (account.move), in the credit's
        currency (:meth:`_get_held_credits`, one query). A proposed plan holds the part it
        deducted, not the whole credit: another plan of the customer still gets the share of
        its own invoices (issue 17)."""
        held = defaultdict(float)
        for credit in self._get_held_credits(
            [("plan_id.partner_id", "in", moves.commercial_partner_id.ids)]
        ):
            held[credit.move_line_id.id] += credit.amount
        return held

    def _check_credits_free(self):
        """Refuse to propose or sign plans deducting more of a credit than other proposed
        plans leave of it (two drafts computed before either was proposed, or the credit's
        shares changed since): the customer would be offered the same credit twice. Each
        plan holds the part of a credit it deducted (:meth:`_get_held_credit_amounts`).

        :raise UserError: naming the plan, the credit and the other plan
        """
        held = self._get_held_credits([("move_line_id", "in", self.credit_ids.move_line_id.ids)])
        taken = defaultdict(float)
        for credit in held:
            taken[credit.move_line_id.id] += credit.amount
        for credit in self.credit_ids:
            line = credit.move_line_id
            taken[line.id] += credit.amount
            other = held.filtered(lambda c, line=line: c.move_line_id == line)
            if other and (
                float_compare(
                    taken[line.id],
                    -line.amount_residual_currency,
                    precision_rounding=credit.currency_id.rounding,
                )
                > 0
            ):
                raise UserError(
                    self.env._(
                        "Payment plan %(plan)s deducts %(credit)s, which the proposed payment "
                        "plan %(other)s deducts already: reset this plan to draft and compute "
                        "its schedule again.",
                        plan=credit.plan_id.display_name,
                        credit=credit.move_id.display_name,
                        other=other[:1].plan_id.display_name,
                    )
                )

    @api.model
    def _get_open_credit_parts(self, moves, date):
        """The open credits plans on ``moves`` (account.move) may deduct on ``date``, by the
        one rule (``recouvrement.dunning._allocate_open_credits``: the open cases' claims
        first, then the customer's oldest debt first, art. 1342-10 Code civil; README,
        product decisions): a plan deducts only the shares of ITS invoices (issue 17: a
        credit a case or an older invoice takes was deducted again by the plan). Queries do
        not depend on the number of customers; none without open credits.

        A credit larger than every debt it may pay (the rest being disputed parts, which
        the rule leaves out) is deducted whole too: the part no debt takes (``free``) goes
        to the plan, which never asks more than the net balance (issue 17: a plan on an
        invoice of 1 000 with 400 disputed and a credit of 700 scheduled 400, the net
        balance being 300).

        :return: ``(credits, shares, whole, free)``: the lines of
            ``recouvrement.dunning._get_open_credits``; ``{move id: {credit line id: float}}``,
            what each invoice of ``moves`` gets of each credit; ``{credit line id: float}``,
            each credit whole (company currency at the rate of ``date``, negative);
            ``{credit line id: float}``, what no debt takes of it (positive)
        """
        Dunning = self.env["recouvrement.dunning"]
        credits = Dunning._get_open_credits(moves)
        if not credits:
            return credits, {}, {}, {}
        lines = self.env["account.move.line"].union(*credits.values())
        amounts = Dunning._get_line_amounts(lines, date)
        whole = dict(amounts)
        shares = Dunning._allocate_open_credits(credits, amounts, date)[2]
        # what the cases left of each credit (``amounts``, lowered in place), less every share
        free = {line.id: -amounts[line.id] for line in lines}
        for parts in shares.values():
            for credit_id, part in parts.items():
                if credit_id in free:
                    free[credit_id] -= part
        by_move = defaultdict(lambda: defaultdict(float))
        for line in moves.line_ids:
            for credit_id, part in shares.get(line.id, {}).items():
                by_move[line.move_id.id][credit_id] += part
        return credits, by_move, whole, free

    @api.model
    def _get_plan_credit_parts(self, partner, currency, company, moves, credit_parts, held):
        """What a plan of ``partner`` in ``currency`` and ``company`` on the invoices
        ``moves`` deducts of each open credit (LEGAL.md, open credits: same company and
        currency; art. 1347-1 Code civil): the shares of its invoices and what no debt
        takes (``credit_parts``, :meth:`_get_open_credit_parts`), in the credit's own
        currency, each at most what
        other proposed plans leave of the credit (``held``, :meth:`_get_held_credit_amounts`).
        No query.

        :return: ``{credit account.move.line: float}`` (positive, ``currency``), oldest
            credit first
        """
        credits, shares, whole, free_parts = credit_parts
        Dunning = self.env["recouvrement.dunning"]
        lines = credits.get(
            (company.id, partner.commercial_partner_id.id, currency.id),
            self.env["account.move.line"],
        )
        result = {}
        for line in lines:
            own = sum(shares.get(move.id, {}).get(line.id, 0.0) for move in moves)
            own += max(free_parts.get(line.id, 0.0), 0.0)
            if float_compare(own, 0.0, precision_digits=2) <= 0:
                continue
            amount = -Dunning._get_credit_share(line, -own, whole[line.id])[1]
            free = -line.amount_residual_currency - held.get(line.id, 0.0)
            amount = currency.round(min(amount, free))
            if currency.compare_amounts(amount, 0.0) > 0:
                result[line] = amount
        return result

    def _raise_if_credits_cover(self, totals, credit_lines, amount):
        """Refuse a schedule whose open credits (``credit_lines``, deducting ``amount`` in the
        plan's currency) cover its invoices (``totals.invoices``): nothing is owed on them,
        the credit is to be allocated, not a plan agreed (LEGAL.md, open credits).

        :raise UserError: naming the plan, the credits and their amount
        """
        self.ensure_one()
        if (
            credit_lines
            and float_compare(
                amount, float(totals.invoices), precision_rounding=self.currency_id.rounding
            )
            >= 0
        ):
            raise UserError(
                self.env._(
                    "Payment plan %(plan)s: the customer's open credits %(credits)s "
                    "(%(amount)s) cover its invoices (%(invoices)s): there is nothing to "
                    "schedule. Allocate the credit to the invoices instead.",
                    plan=self.display_name,
                    credits=", ".join(credit_lines.move_id.mapped("display_name")),
                    amount=formatLang(self.env, amount, currency_obj=self.currency_id),
                    invoices=formatLang(
                        self.env, float(totals.invoices), currency_obj=self.currency_id
                    ),
                )
            )

    def _check_credits_open(self, proposing=False):
        """Refuse when an open credit a plan of ``self`` deducted is no longer open for the
        amount deducted (matched with another invoice, cancelled), when the plan is proposed
        (``proposing``: the terms sent would deduct it) or signed (its credits are matched).

        :raise UserError: naming the plan, the credit, its amount and what is left of it
        """
        for credit in self.credit_ids:
            line = credit.move_line_id
            if (
                line.reconciled
                or line.parent_state != "posted"
                or float_compare(
                    -line.amount_residual_currency,
                    credit.amount,
                    precision_rounding=credit.currency_id.rounding,
                )
                < 0
            ):
                values = {
                    "plan": credit.plan_id.display_name,
                    "credit": line.move_id.display_name,
                    "amount": formatLang(self.env, credit.amount, currency_obj=credit.currency_id),
                    "left": formatLang(
                        self.env,
                        max(-line.amount_residual_currency, 0.0) if not line.reconciled else 0.0,
                        currency_obj=credit.currency_id,
                    ),
                }
                if proposing:
                    raise UserError(
                        self.env._(
                            "Payment plan %(plan)s deducts %(credit)s of %(amount)s, which is no "
                            "longer open for that amount (%(left)s left): compute its schedule "
                            "again before proposing it.",
                            **values,
                        )
                    )
                raise UserError(
                    self.env._(
                        "Payment plan %(plan)s deducted %(credit)s of %(amount)s, which is no "
                        "longer open for that amount (%(left)s left): reset the plan to draft "
                        "and compute its schedule again.",
                        **values,
                    )
                )

    def _match_credits(self):
        """On signature, match the open credits each plan deducted with its invoices, oldest
        due first, for the part it deducted and no more
        (``recouvrement.dunning._match_credit_part``: an open litigation case may deduct the
        rest, README, product decisions): the books agree with the plan (LEGAL.md, open
        credits: a credit pays an invoice once reconciled). The credits are locked first
        (``tools.locks.lock_rows``): two plans, or a plan and a user matching by hand, cannot
        use the same credit.

        :raise UserError: naming the plan and the credit when a credit is no longer open for
            its deducted amount (nothing is matched then)
        """
        lines = self.credit_ids.move_line_id
        if not lines:
            return
        lock_rows(lines)
        lines.invalidate_recordset(
            ["amount_residual", "amount_residual_currency", "reconciled", "parent_state"]
        )
        self._check_credits_open()
        for plan in self:
            invoices = plan.move_ids.sorted(lambda m: (m.invoice_date_due or m.date, m.id))
            # sudo: the signed plan allocates the credits its customer agreed to; the
            # collection user may have no accounting rights of their own
            debits = invoices.sudo().line_ids.filtered(
                lambda ln: ln.account_type == "asset_receivable" and not ln.reconciled
            )
            for credit in plan.credit_ids.sudo():
                # the part the plan deducted, no more: an open case may deduct the rest
                line = credit.move_line_id
                self.env["recouvrement.dunning"]._match_credit_part(
                    line,
                    debits.filtered(lambda ln, line=line: ln.account_id == line.account_id),
                    credit.amount,
                )

    def _get_paid_amounts(self):
        """Return ``{plan.id: amount paid on the plan}``, in the plan currency.

        What was paid is recomputed from the reconciliations: the decrease of the invoices'
        amount left to pay since the schedule was computed (``rules.schedule.paid_on_invoices``).
        Hook for modules that collect the penalties of a plan on a separate document.
        """
        result = {}
        for plan in self:
            if plan.state == "draft" or not plan.amount_invoices:
                result[plan.id] = 0.0
                continue
            # once signed, the credits it deducted are matched with the invoices: they lowered
            # what is left on them, but the customer has not paid the plan (its total is net)
            scheduled = plan.amount_invoices - (plan.amount_credits if plan._is_signed() else 0.0)
            result[plan.id] = float(
                schedule.paid_on_invoices(
                    scheduled,
                    plan.move_ids.mapped("amount_residual"),
                    digits=currency_digits(plan.currency_id),
                )
            )
        return result

    def _get_bank_account(self):
        """Company bank account the instalments are paid to (``res.partner.bank``, may be
        empty): the one on the plan's invoices, else the company's first account."""
        self.ensure_one()
        return self.move_ids.partner_bank_id[:1] or self.company_id.partner_id.bank_ids[:1]

    def _build_schedule(self):
        """Return ``[(date, amount)]`` from the pure rule, with translated errors."""
        self.ensure_one()
        digits = currency_digits(self.currency_id)
        try:
            lines = schedule.build_schedule(
                schedule.to_amount(self.amount_total, digits),
                self.instalment_count,
                self.first_date,
                self.frequency,
                digits=digits,
                down_payment=schedule.to_amount(self.down_payment, digits),
                down_payment_date=self.down_payment_date or None,
            )
        except schedule.ScheduleError as error:
            raise UserError(self._schedule_error_message(error)) from error
        return [(date_due, float(amount)) for date_due, amount in lines]

    def _schedule_error_message(self, error):
        """Translated message of a ``rules.schedule.ScheduleError`` raised for this plan."""
        if error.reason == "count" and not 1 <= error.params["count"] <= schedule.MAX_INSTALMENTS:
            return self.env._(
                "Payment plan %(plan)s: the number of instalments must be between 1 and "
                "%(max)s (not %(count)s).",
                plan=self.display_name,
                max=schedule.MAX_INSTALMENTS,
                count=self.instalment_count,
            )
        if error.reason == "horizon":
            return self.env._(
                "Payment plan %(plan)s: the last instalment would fall beyond the calendar; "
                "choose an earlier first instalment date.",
                plan=self.display_name,
            )
        if error.reason == "count":
            return self.env._(
                "Payment plan %(plan)s: %(count)s instalments cannot split %(total)s "
                "(at least one instalment, each of at least one cent).",
                plan=self.display_name,
                count=self.instalment_count,
                total=formatLang(self.env, self.amount_total, currency_obj=self.currency_id),
            )
        if error.reason == "down_payment" and "total" in error.params:
            return self.env._(
                "Payment plan %(plan)s: the down payment (%(down_payment)s) must be below "
                "the total (%(total)s).",
                plan=self.display_name,
                down_payment=formatLang(self.env, self.down_payment, currency_obj=self.currency_id),
                total=formatLang(self.env, self.amount_total, currency_obj=self.currency_id),
            )
        if error.reason == "down_payment":
            return self.env._(
                "Payment plan %(plan)s: the down payment must be below the total and due no "
                "later than the first instalment.",
                plan=self.display_name,
            )
        if error.reason == "frequency":
            return self.env._("Payment plan %(plan)s: unknown frequency.", plan=self.display_name)
        return self.env._(
            "Payment plan %(plan)s: the total to schedule is zero (invoices due minus "
            "the waiver); there is nothing to schedule.",
            plan=self.display_name,
        )

    def _prepare_line_vals(self, sequence, date_due, amount, is_down_payment=False):
        self.ensure_one()
        return {
            "plan_id": self.id,
            "sequence": sequence,
            "date_due": date_due,
            "amount": amount,
            "is_down_payment": is_down_payment and bool(self.down_payment),
        }

    def _check_schedule_input(self):
        """Refuse a schedule that cannot be kept (translated UserError naming the field)."""
        self.ensure_one()
        name = self.display_name
        self._check_moves(self.move_ids, self.partner_id, self.currency_id, self.company_id)
        self._check_moves_not_litigated(self.move_ids)
        today = fields.Date.context_today(self)
        if not self.first_date or self.first_date < today:
            raise UserError(
                self.env._(
                    "Payment plan %(plan)s: the first instalment date cannot be before today "
                    "(%(today)s).",
                    plan=name,
                    today=format_date(self.env, today),
                )
            )
        if self.down_payment and self.down_payment_date and self.down_payment_date < today:
            raise UserError(
                self.env._(
                    "Payment plan %(plan)s: the down payment date cannot be before today.",
                    plan=name,
                )
            )
        # Number of instalments, total and down payment: checked by the schedule rule
        # (_build_schedule, rules.schedule.build_schedule).

    @api.model
    def _check_moves(self, moves, partner, currency, company):
        """Invoices of a plan: open posted customer invoices of one customer, currency, company."""
        if not moves:
            raise ValidationError(self.env._("Select at least one invoice for the payment plan."))
        not_open = moves.filtered(
            lambda m: (
                m.move_type != "out_invoice"
                or m.state != "posted"
                or m.payment_state not in ("not_paid", "partial", "in_payment")
            )
        )
        if not_open:
            raise ValidationError(
                self.env._(
                    "Only open posted customer invoices can be scheduled: %(invoices)s.",
                    invoices=", ".join(not_open.mapped("display_name")),
                )
            )
        customers = moves.commercial_partner_id
        if len(customers) > 1 or (partner and customers != partner.commercial_partner_id):
            raise ValidationError(
                self.env._(
                    "The invoices of a payment plan must belong to one customer "
                    "(%(partner)s), not to %(customers)s.",
                    partner=partner.display_name or customers[:1].display_name,
                    customers=", ".join(customers.mapped("display_name")),
                )
            )
        currencies = moves.currency_id
        if len(currencies) > 1 or (currency and currencies != currency):
            raise ValidationError(
                self.env._(
                    "The invoices of a payment plan must share its currency (%(currency)s), "
                    "not %(currencies)s.",
                    currency=currency.name or currencies[:1].name,
                    currencies=", ".join(currencies.mapped("name")),
                )
            )
        if len(moves.company_id) > 1 or (company and moves.company_id != company):
            raise ValidationError(
                self.env._(
                    "The invoices of a payment plan must belong to its company (%(company)s).",
                    company=company.name or moves.company_id[:1].name,
                )
            )

    @api.model
    def _check_moves_not_litigated(self, moves):
        """Refuse to schedule an invoice an open litigation case claims, whole or some of its
        instalments (``recouvrement.dunning._is_claimed_in_litigation``): the case claims them
        with their penalties in its own file, a plan would claim them a second time (issue 17:
        a plan on an invoice a case claimed in part scheduled the whole invoice and its
        penalties). README, product decisions: the case is closed, or the invoice taken out
        of it, before a plan; a settlement reached in court goes through the case.

        :raise UserError: naming the invoice and the case
        """
        Dunning = self.env["recouvrement.dunning"]
        # sudo: the cases are read for whoever proposes a plan
        for move in moves.sudo().filtered("litigation_id"):
            claimed = move.line_ids.filtered(
                lambda line: (
                    line.account_id.account_type == "asset_receivable"
                    and not line.reconciled
                    and Dunning._is_claimed_in_litigation(line)
                )
            )
            if claimed:
                raise UserError(
                    self.env._(
                        "Invoice %(invoice)s is claimed by litigation case %(case)s: the case "
                        "claims it, with its penalties, in its own file, and a payment plan "
                        "would claim it a second time. Close the case or take the invoice out "
                        "of it first.",
                        invoice=move.name,
                        case=", ".join(
                            claimed.litigation_case_ids.filtered(lambda c: not c.is_closed).mapped(
                                "name"
                            )
                        )
                        or move.litigation_id.name,
                    )
                )

    def _check_moves_free(self):
        """No invoice of these plans may already be in another proposed or active plan."""
        open_plans = self.search(
            [("move_ids", "in", self.move_ids.ids), ("state", "in", OPEN_STATES)]
        )
        for plan in self:
            self._raise_if_moves_taken(plan.move_ids, open_plans - plan)

    @api.model
    def _raise_if_moves_taken(self, moves, other_plans):
        for other in other_plans:
            taken = other.move_ids & moves
            if taken:
                raise UserError(
                    self.env._(
                        "Invoice %(invoice)s is already in the payment plan %(plan)s (%(state)s).",
                        invoice=taken[0].display_name,
                        plan=other.display_name,
                        state=dict(other._fields["state"]._description_selection(self.env))[
                            other.state
                        ],
                    )
                )

    def _get_penalty_lines(self):
        """The penalty and indemnity lines of penalty invoices not cancelled (drafts too)
        charging the invoices of ``self`` (``account.move.line``, one query)."""
        return self.env["account.move.line"].search(
            [
                ("penalty_source_move_id", "in", self.move_ids.ids),
                ("parent_state", "!=", "cancel"),
                ("penalty_kind", "!=", False),
            ],
            order="id",
        )

    def _raise_if_penalty_draft(self, penalty_lines):
        """A schedule counts the penalties that no posted penalty invoice charged: a draft
        one, posted later, would charge them a second time (README, a plan settles or holds
        its invoices' penalties). Raise a UserError naming the first draft penalty invoice of
        ``penalty_lines`` (:meth:`_get_penalty_lines`), its invoice and the plan."""
        draft = penalty_lines.filtered(lambda line: line.parent_state == "draft")[:1]
        if draft:
            plan = self.filtered(lambda p: draft.penalty_source_move_id in p.move_ids)[:1]
            raise UserError(
                self.env._(
                    "Penalty invoice %(penalty)s (draft) charges the late-payment penalties of "
                    "invoice %(invoice)s: post or cancel it before computing the schedule of "
                    "payment plan %(plan)s.",
                    penalty=draft.move_id.display_name,
                    invoice=draft.penalty_source_move_id.display_name,
                    plan=plan.display_name,
                )
            )

    def _check_penalties_not_invoiced(self):
        """Refuse to propose or sign a plan when a penalty invoice made after its schedule
        charges its invoices: the schedule claims (or gives up) the penalties and indemnity
        accrued until it was computed, the penalty invoice would charge them a second time
        (product decision, README: a plan settles or holds its invoices' penalties; a
        proposed plan holds them, so this catches what was invoiced while it was a draft).

        :raise UserError: naming the penalty invoice, the invoice it charges and the plan
        """
        penalty_lines = self._get_penalty_lines()
        for plan in self.filtered("schedule_penalty_line_from"):
            later = penalty_lines.filtered(
                lambda line, plan=plan: (
                    line.id >= plan.schedule_penalty_line_from
                    and line.penalty_source_move_id in plan.move_ids
                )
            )[:1]
            if later:
                raise UserError(
                    self.env._(
                        "Penalty invoice %(penalty)s charged the late-payment penalties of "
                        "invoice %(invoice)s after the schedule of payment plan %(plan)s was "
                        "computed: the plan would claim them a second time. Cancel the "
                        "penalty invoice, or reset the plan to draft and compute its schedule "
                        "again.",
                        penalty=later.move_id.display_name,
                        invoice=later.penalty_source_move_id.display_name,
                        plan=plan.display_name,
                    )
                )

    def _record_acknowledgment(self):
        """The signed plan acknowledges the debt (art. 2240 Code civil) on its invoices."""
        Litigation = self.env["recouvrement.litigation"]
        for plan in self.filtered("signature_date"):
            Litigation._interrupt_prescription(plan.move_ids, plan.signature_date)

    def _release_moves(self):
        """Hand the invoices back to dunning (their dunning level is kept as it was)."""
        moves = self.move_ids.filtered(lambda m: m.payment_plan_id in self)
        moves.check_access("write")
        # account.move.write() resynchronises the journal items of each move (queries per
        # invoice): written low-level, as the dunning bookkeeping fields, then caches and
        # dependents refreshed
        moves.flush_recordset(["payment_plan_id"])
        moves._write({"payment_plan_id": None})
        moves.invalidate_recordset(["payment_plan_id"])
        moves.modified(["payment_plan_id"])

    def _get_credit_manager(self):
        """User told when the plan breaks: the collection responsible, else a credit manager."""
        self.ensure_one()
        return self._get_credit_managers()[self.id]

    def _get_credit_managers(self):
        """Users told when the plans break (:meth:`_get_credit_manager`) for the whole batch:
        the credit managers' group read once, not once per plan (issue 18).

        :return: ``{plan id: res.users}`` (possibly empty)
        """
        managers = {}
        group_users = None
        for plan in self:
            user = plan.company_id.recouvrement_user_id
            if not user:
                if group_users is None:
                    group = self.env.ref("recouvrement_b2b.recouvrement_group_manager")
                    # sudo: reading the users of a group is an administration right.
                    group_users = group.sudo().users.filtered(lambda u: not u.share and u.active)
                user = group_users.filtered(
                    lambda u, company=plan.company_id: company in u.company_ids
                )[:1]
            managers[plan.id] = user or plan.user_id
        return managers

    def _check_progress(self):
        """Update the instalments of active plans; complete or break them (idempotent).

        Plans that do not change cost no query of their own. The plans to complete, then those
        to break, are handled in one batch; if the batch fails, plan by plan, each in its own
        savepoint, a failure being posted in the plan's chatter.
        """
        plans = self.filtered(lambda p: p.state == "active")
        if not plans:
            return self.browse()
        today = fields.Date.context_today(self)
        # claims frozen by an opening judgment: the plan ends, neither kept nor broken
        plans -= self.env["recouvrement.proceedings"]._end_frozen_agreements(plans, today)
        plans.line_ids._recompute_late(today)
        to_complete = plans.filtered(lambda p: p._is_fully_paid())
        to_break = (plans - to_complete).filtered(lambda p: p._get_lines_beyond_tolerance(today))
        changed = self.browse()
        for batch, method in ((to_complete, "_complete"), (to_break, "_break")):
            if not batch:
                continue
            try:
                with self.env.cr.savepoint():
                    getattr(batch, method)(today)
                changed |= batch
                continue
            except UserError as error:
                _logger.info(
                    "Payment plans %s: batch %s failed (%s), retried one by one",
                    batch.ids,
                    method,
                    error,
                )
            for plan in batch:
                try:
                    with self.env.cr.savepoint():
                        getattr(plan, method)(today)
                    changed |= plan
                except UserError as error:
                    plan.message_post(
                        body=company_env(self.env, plan.company_id)._(
                            "The daily check of this payment plan failed: %(error)s",
                            error=str(error),
                        ),
                        subtype_xmlid="mail.mt_note",
                    )
        plans.write({"last_check_date": today})
        return changed

    def _is_fully_paid(self):
        self.ensure_one()
        return float_is_zero(self.amount_residual, precision_rounding=self.currency_id.rounding)

    def _get_lines_beyond_tolerance(self, today):
        self.ensure_one()
        limit = today - timedelta(days=self.tolerance_days)
        return self.line_ids.filtered(lambda line: line.state == "late" and line.date_due < limit)

    def _complete(self, today=None):
        self._release_moves()
        # sudo: a state set by this flow only (issue 19)
        self.sudo().write({"state": "completed"})
        # internal notes: each in its company's language, whoever runs the check (issue 16)
        bodies = {
            plan.id: company_env(self.env, plan.company_id)._(
                "Every instalment is paid: the payment plan is completed."
            )
            for plan in self
        }
        # one batch of notes for all the plans (a constant number of queries)
        self._message_log_batch(bodies=bodies)

    def _break(self, today):
        """Break the plans, hand their invoices back to dunning, tell the credit manager."""
        self._release_moves()
        # sudo: a state set by this flow only (issue 19)
        self.sudo().write({"state": "broken"})
        activity_type = self.env.ref("mail.mail_activity_data_todo", raise_if_not_found=False)
        activity_vals = []
        bodies = {}
        managers = self._get_credit_managers()
        for plan in self:
            missed = plan._get_lines_beyond_tolerance(today)[:1]
            # an internal note: the company's language, whoever runs the check (issue 16)
            note_env = company_env(self.env, plan.company_id)
            message = note_env._(
                "Payment plan broken: the instalment due on %(date)s (%(amount)s left to pay) "
                "is more than %(days)s days late. Dunning resumes on its invoices.",
                date=format_date(note_env, missed.date_due),
                amount=formatLang(note_env, missed.amount_residual, currency_obj=plan.currency_id),
                days=plan.tolerance_days,
            )
            bodies[plan.id] = message
            manager = managers[plan.id]
            if manager and activity_type:
                activity_vals.append(
                    plan._prepare_break_activity_vals(activity_type, manager, message, today)
                )
        # one batch of notes for all the plans (a constant number of queries)
        self._message_log_batch(bodies=bodies)
        # sudo: the activity is assigned to the credit manager, whatever the cron user's rights.
        # No assignment email per activity (two hundred broken plans, two hundred emails): the
        # manager finds them all in the activities of the plans.
        self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(
            activity_vals
        )

    def _prepare_break_activity_vals(self, activity_type, user, note, today):
        self.ensure_one()
        return {
            "res_model_id": self.env["ir.model"]._get_id(self._name),
            "res_id": self.id,
            "activity_type_id": activity_type.id,
            "summary": company_env(self.env, self.company_id)._(
                "Broken payment plan %(plan)s", plan=self.display_name
            ),
            "note": note,
            "user_id": user.id,
            "date_deadline": today,
        }

    @api.model
    def _cron_check_plans(self, batch_size=200):
        """Daily: late instalments, broken and completed plans, in batches (idempotent)."""
        today = fields.Date.context_today(self)
        domain = [
            ("state", "=", "active"),
            "|",
            ("last_check_date", "=", False),
            ("last_check_date", "<", today),
        ]
        plans = self.search(domain, limit=batch_size, order="id")
        plans._check_progress()
        remaining = self.search_count(domain) if len(plans) == batch_size else 0
        self.env["ir.cron"]._notify_progress(done=len(plans), remaining=remaining)
        return plans

    def _get_report_filename(self):
        """Name of the printed agreement's file, without extension (no ``/``), in the language
        of the customer it is sent to (issue 16: was "Echeancier - ..." in every language)."""
        self.ensure_one()
        return (
            partner_env(self.env, self.partner_id, self.company_id)
            ._("Payment plan - %(name)s", name=self.name)
            .replace("/", "-")
        )

    def _get_report_conditions(self):
        """Hook: the clauses printed under "If an instalment is missed"."""
        self.ensure_one()
        return [
            self.env._(
                "If an instalment is not paid within %(days)s days of its due date, the plan "
                "is terminated without notice and the whole balance becomes immediately due.",
                days=self.tolerance_days,
            ),
            self._get_report_penalty_clause(),
            self.env._(
                "By signing this plan, the customer acknowledges owing the amounts above "
                "(art. 2240 Code civil)."
            ),
        ]

    def _get_report_penalty_clause(self):
        """The printed clause on what a default or a call-off does to the penalties (product
        decision, README): the plan settles them only while it is kept, so its waiver lapses
        and the penalties (art. L441-10 Code de commerce) run from each invoice's due date
        again, with the D441-5 indemnity."""
        self.ensure_one()
        if self.amount_waiver:
            return self.env._(
                "The waiver of %(waiver)s granted by this plan then lapses: late-payment "
                "penalties (art. L441-10 Code de commerce) from each invoice's due date and the "
                "40 EUR fixed recovery indemnity per invoice (art. D441-5) are claimable, and "
                "collection resumes, up to legal action.",
                waiver=formatLang(self.env, self.amount_waiver, currency_obj=self.currency_id),
            )
        return self.env._(
            "Late-payment penalties (art. L441-10 Code de commerce) from each invoice's due date "
            "and the 40 EUR fixed recovery indemnity per invoice (art. D441-5) are then "
            "claimable, and collection resumes, up to legal action."
        )

    def _recouvrement_creation_note(self):
        # EXTENDS recouvrement_b2b (mail_thread.py): its own creation note, whose French agrees
        # with the model's noun (issue 16)
        return self.env._("Payment plan created")
