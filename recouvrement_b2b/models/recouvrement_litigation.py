import logging
from collections import defaultdict

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare, float_is_zero, format_date
from odoo.tools.misc import formatLang

from ..rules import deadlines
from ..tools.accounts import find_chart_account
from ..tools.bounds import check_bounds, check_date_horizon, check_sign
from ..tools.evidence import check_closed_unlink, check_closed_write, differs, raise_set_by_flow
from ..tools.lang import company_env
from ..tools.records import name_by_sequence
from .recouvrement_litigation_stage import COURT_STEPS

_logger = logging.getLogger(__name__)

# Bad-debt expense account of the French chart (654100 "Pertes sur créances irrécouvrables" of
# the year): xml id of its template, l10n_fr_account/data/template/account.account-fr.csv.
BAD_DEBT_ACCOUNT_TEMPLATE = "pcg_6541"
# Other charts, or the template account deleted: the first account of this class (PCG 654).
BAD_DEBT_ACCOUNT_PREFIX = "654"
#: costs of a case (lawyer, commissaire de justice, court): at most a million (issue 19)
MAX_COST_AMOUNT = 1_000_000.0

# the fields ``rules.deadlines.is_order_lapsed`` reads: writing one may make the service of
# the order void or valid again, so its interruption of prescription is replayed
LAPSE_FIELDS = {"order_date", "service_date"}

# How a case ends; shared by the case and its closing wizard.
#: what a closed case says: never rewritten while it is closed (issue 19)
#: what the closing records (the Close wizard, ``_close``); a user only clears them, reopening
CLOSING_FIELDS = ("outcome", "close_date", "closed_by_id", "write_off_move_id")
CLOSED_CASE_FIELDS = ("close_date", "write_off_move_id", "partner_id", "company_id", "move_ids")

LITIGATION_OUTCOMES = [
    ("recovered", "Recovered"),
    ("partly_recovered", "Partly recovered"),
    ("written_off", "Written off"),
    ("abandoned", "Abandoned"),
    ("dispute_lost", "Dispute lost (customer upheld)"),
]


class RecouvrementLitigation(models.Model):
    _name = "recouvrement.litigation"
    _description = "Litigation Case"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _check_company_auto = True

    def _default_stage_id(self):
        return self.env["recouvrement.litigation.stage"].search([("step", "!=", "closed")], limit=1)

    def _default_user_id(self):
        """The current user; for cases opened by a cron, the company's collection responsible."""
        if self.env.user._is_superuser():
            return self.env.company.recouvrement_user_id
        return self.env.user

    name = fields.Char(string="Reference", required=True, copy=False, default="/", readonly=True)
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, tracking=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    move_ids = fields.Many2many(
        "account.move",
        string="Invoices",
        check_company=True,
        domain="[('move_type', '=', 'out_invoice'), ('state', '=', 'posted'),"
        " ('commercial_partner_id', '=', commercial_partner_id)]",
    )
    line_ids = fields.Many2many(
        "account.move.line",
        "recouvrement_litigation_line_rel",
        "litigation_id",
        "line_id",
        string="Instalments Claimed",
        readonly=True,
        copy=False,
        help="Instalments the case claims, as the formal notices listed them when the dunning "
        "transferred them; empty: every instalment of its invoices. The other instalments of "
        "its invoices go on through the reminders.",
    )
    served_line_ids = fields.Many2many(
        "account.move.line",
        "recouvrement_litigation_served_line_rel",
        "litigation_id",
        "line_id",
        string="Instalments Served",
        readonly=True,
        copy=False,
        help="Instalments the order served covered: what the case claimed the day its service "
        "was recorded, kept as evidence. Only their prescription restarts from the service; "
        "an instalment or invoice joining the case later keeps its own.",
    )
    commercial_partner_id = fields.Many2one(related="partner_id.commercial_partner_id")
    litigation_type = fields.Selection(
        [("dispute", "Dispute"), ("recovery", "Legal recovery")],
        string="Type",
        default="dispute",
        required=True,
        tracking=True,
        help="Dispute: the customer contests quality, quantity, price or paperwork. "
        "Legal recovery: recovery through the courts of an undisputed debt.",
    )
    stage_id = fields.Many2one(
        "recouvrement.litigation.stage",
        default=lambda self: self._default_stage_id(),
        required=True,
        index=True,
        tracking=True,
        copy=False,
        ondelete="restrict",
        group_expand="_read_group_stage_ids",
    )
    step = fields.Selection(related="stage_id.step")
    is_closed = fields.Boolean(
        related="stage_id.is_closed", store=True, index=True, copy=False, readonly=True
    )
    suspend_penalties = fields.Boolean(
        tracking=True,
        help="Late-payment penalties do not accrue on the case's invoices while it is open.",
    )
    credit_hold = fields.Boolean(
        string="Put Customer on Hold",
        compute="_compute_credit_hold",
        store=True,
        readonly=False,
        help="Legal recovery: put the customer on credit hold (ticked by default for a legal "
        "recovery). Closing the case does not lift the hold: a credit manager does.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        default=lambda self: self._default_user_id(),
        tracking=True,
        domain="[('share', '=', False)]",
    )
    lawyer_id = fields.Many2one("res.partner", tracking=True)
    bailiff_id = fields.Many2one(
        "res.partner",
        string="Commissaire de Justice",
        tracking=True,
        help="Serves the order and carries out enforcement (formerly huissier de justice).",
    )
    dispute_reason = fields.Selection(
        [
            ("quality", "Quality"),
            ("quantity", "Quantity"),
            ("price", "Price"),
            ("paperwork", "Paperwork"),
            ("other", "Other"),
        ],
        tracking=True,
    )
    reason = fields.Text(string="Description")
    amount_residual = fields.Monetary(
        string="Amount Due",
        compute="_compute_amount_residual",
        help="Amount claimed on the case's invoices today, in the company currency: the "
        "instalments past their due date (all of an invoice once its last one is due).",
    )
    open_credit_amount = fields.Monetary(
        string="Open Credits Deducted",
        compute="_compute_open_credit_amount",
        help="Credit notes and payments of the customer not allocated to an invoice, in this "
        "company: what is claimed, handed over or written off is net of them (at most the "
        "amount due).",
    )
    closing_credit_amount = fields.Monetary(
        string="Open Credits Deducted at Closing",
        readonly=True,
        copy=False,
        help="The open credits the case deducted the day it was closed, kept as its record "
        "(a closed case takes no share of the credits any more).",
    )
    disputed_amount = fields.Monetary(
        tracking=True, help="Part of the amount due that the customer contests."
    )
    cost_amount = fields.Monetary(
        string="Costs Incurred", help="Lawyer, commissaire de justice and court fees."
    )
    recovered_amount = fields.Monetary(string="Amount Recovered")
    outcome = fields.Selection(
        LITIGATION_OUTCOMES,
        tracking=True,
        copy=False,
        readonly=True,
        help="Set when the case is closed. 'Dispute lost': the invoices stay out of dunning "
        "and a credit note is to be issued.",
    )
    close_date = fields.Date(copy=False, readonly=True)
    closed_by_id = fields.Many2one("res.users", copy=False, readonly=True)
    write_off_move_id = fields.Many2one(
        "account.move", string="Write-off Entry", copy=False, readonly=True, check_company=True
    )
    # Claim check before going to court (art. 1405 CPC).
    proof_checked = fields.Boolean(
        string="Proof of Claim Checked",
        tracking=True,
        help="A signed order, contract or proof of delivery exists (attach it to the case or "
        "tick this box once checked).",
    )
    claim_certain = fields.Boolean(string="Certaine", compute="_compute_claim_check")
    claim_liquid = fields.Boolean(string="Liquide", compute="_compute_claim_check")
    claim_due = fields.Boolean(string="Exigible", compute="_compute_claim_check")
    claim_issues = fields.Text(compute="_compute_claim_check")
    # Procedure dates.
    formal_notice_date = fields.Date(string="Formal Notice Sent On", tracking=True, copy=False)
    filing_date = fields.Date(string="Filed On", tracking=True, copy=False)
    court = fields.Char(help="Tribunal de commerce (or des activités économiques) seized.")
    order_date = fields.Date(string="Order Issued On", tracking=True, copy=False)
    service_date = fields.Date(string="Order Served On", tracking=True, copy=False)
    deadline_ids = fields.One2many(
        "recouvrement.litigation.deadline", "litigation_id", string="Deadlines"
    )
    next_deadline_date = fields.Date(compute="_compute_next_deadline", store=True)
    prescription_date = fields.Date(
        string="First Prescription",
        compute="_compute_next_deadline",
        store=True,
        help="Earliest prescription date among the unpaid invoices of the case.",
    )
    prescription_warning = fields.Text(
        compute="_compute_prescription_warning",
        help="Filed but not served: the prescription falls before the service deadline.",
    )
    color = fields.Integer()

    _sql_constraints = [
        (
            "amounts_positive",
            "CHECK(disputed_amount >= 0 AND cost_amount >= 0 AND recovered_amount >= 0)",
            "Disputed amount, costs and amount recovered cannot be negative.",
        ),
    ]

    # ------------------------------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------------------------------

    @api.depends("litigation_type")
    def _compute_credit_hold(self):
        for case in self:
            case.credit_hold = case.litigation_type == "recovery"

    @api.depends_context("tz")
    @api.depends(
        "move_ids.amount_residual_signed",
        "move_ids.line_ids.amount_residual",
        "move_ids.line_ids.date_maturity",
        "line_ids",
    )
    def _compute_amount_residual(self):
        # what the case claims today: the instalments past due, not those still to fall due,
        # at the rate of the day (_get_claimed_amounts, as the dossier and the summary claim
        # them, invoice by invoice): one set of queries for all cases
        claimed = self._get_claimed_amounts()
        for case in self:
            amount = sum(claimed.get(move.id, 0.0) for move in case.move_ids)
            case.amount_residual = case.currency_id.round(amount) if case.currency_id else amount

    @api.depends(
        "move_ids.amount_residual_signed",
        "move_ids.line_ids.date_maturity",
        "move_ids.claim_declaration_id",
        "partner_id",
        "company_id",
        "is_closed",
        "closing_credit_amount",
    )
    def _compute_open_credit_amount(self):
        # the case's share of the customer's open credits (LEGAL.md, open credits) under the
        # one allocation rule (recouvrement.dunning._allocate_open_credits): each credit once
        # in all, the oldest claims of all the customer's open cases first, currency by
        # currency, at the rate of the day as the reminders deduct them (issue 17: two open
        # cases each deducted the whole credit). Queries do not depend on the number of cases.
        Dunning = self.env["recouvrement.dunning"]
        credits = Dunning._get_open_credits(self.move_ids)
        today = fields.Date.context_today(self)
        amounts = Dunning._get_line_amounts(
            self.env["account.move.line"].union(*credits.values()), today
        )
        taken = Dunning._allocate_open_credits(credits, amounts, today)[1]
        for case in self:
            if case.is_closed:
                # what it deducted when it was closed: its record (evidence), not recomputed
                case.open_credit_amount = case.closing_credit_amount
                continue
            parts = taken.get(case._origin.id, {})
            case.open_credit_amount = (
                case.currency_id.round(sum(parts.values())) if case.currency_id else 0.0
            )

    @api.depends(
        "proof_checked",
        "disputed_amount",
        "move_ids.invoice_date_due",
        "move_ids.line_ids.date_maturity",
        "move_ids.line_ids.amount_residual",
        "message_attachment_count",
    )
    @api.depends_context("date")
    def _compute_claim_check(self):
        today = fields.Date.context_today(self)
        attachments = dict(
            self.env["ir.attachment"]._read_group(
                [("res_model", "=", self._name), ("res_id", "in", self.ids)],
                ["res_id"],
                ["__count"],
            )
        )
        # the open penalty invoices each case's file claims with its invoices: the credits
        # pay them too (issue 17: "nothing to claim" while the file asked one of them)
        penalty_parts = self._get_claimed_penalty_invoice_amounts(today)
        for case in self:
            issues = []
            case.claim_certain = case.proof_checked or bool(attachments.get(case.id))
            if not case.claim_certain:
                issues.append(
                    self.env._(
                        "Not certaine: attach the signed order, contract or proof of delivery, "
                        "or tick 'Proof of Claim Checked'."
                    )
                )
            case.claim_liquid = float_is_zero(
                case.disputed_amount, precision_rounding=case.currency_id.rounding or 0.01
            )
            if not case.claim_liquid:
                issues.append(
                    self.env._(
                        "Not liquide: %(amount)s is disputed by the customer.",
                        amount=case._format_amount(case.disputed_amount),
                    )
                )
            # exigible once an instalment still to be paid is past its due date, not only the
            # last one (the invoice's due date)
            dues = {move: move._get_oldest_unpaid_due() for move in case.move_ids}
            not_due = case.move_ids.filtered(lambda m, dues=dues: not dues[m] or dues[m] >= today)
            case.claim_due = bool(case.move_ids) and not not_due
            if not case.move_ids:
                issues.append(self.env._("Not exigible: the case has no invoice."))
            elif case.amount_residual > 0 and (
                float_compare(
                    case.amount_residual + penalty_parts.get(case._origin.id, 0.0),
                    case.open_credit_amount,
                    precision_rounding=case.currency_id.rounding or 0.01,
                )
                <= 0
            ):
                case.claim_liquid = False
                issues.append(
                    self.env._(
                        "Nothing to claim: the customer's open credits (%(credit)s) cover the "
                        "amount due (%(due)s).",
                        credit=case._format_amount(case.open_credit_amount),
                        due=case._format_amount(
                            case.amount_residual + penalty_parts.get(case._origin.id, 0.0)
                        ),
                    )
                )
            elif not_due:
                issues.append(
                    self.env._(
                        "Not exigible: invoice(s) %(invoices)s not yet past their due date.",
                        invoices=", ".join(not_due.mapped("name")),
                    )
                )
            case.claim_issues = "\n".join(issues)

    @api.depends("deadline_ids.date", "deadline_ids.kind", "deadline_ids.move_id.payment_state")
    def _compute_next_deadline(self):
        for case in self:
            pending = case.deadline_ids.filtered(lambda d: d.date and d.is_pending)
            case.next_deadline_date = min(pending.mapped("date"), default=False)
            case.prescription_date = min(
                pending.filtered(lambda d: d.kind == "prescription").mapped("date"), default=False
            )

    @api.depends(
        "prescription_date",
        "filing_date",
        "order_date",
        "service_date",
        "served_line_ids",
        "line_ids",
        "move_ids.prescription_date",
    )
    @api.depends_context("date")
    def _compute_prescription_warning(self):
        today = fields.Date.context_today(self)
        for case in self:
            deadline = deadlines.prescription_before_service(
                case.prescription_date, case.filing_date, case.order_date, case.service_date
            )
            if case.filing_date and deadlines.is_time_barred(case.prescription_date, today):
                # no day left to serve by, served or not: an act after the last day to act
                # interrupts nothing (art. 2240-2244 Code civil), the debtor may raise
                # prescription, the judge does not by himself (art. 2247)
                case.prescription_warning = self.env._(
                    "The first invoice of the case is time-barred: its last day to act was "
                    "%(prescription)s. Serving the order no longer interrupts its prescription "
                    "(art. 2240 to 2244 Code civil interrupt a running period only); the debtor "
                    "may raise it against the order, the judge does not by himself (art. 2247 "
                    "Code civil).",
                    prescription=format_date(self.env, case.prescription_date),
                )
                continue
            if deadlines.is_order_lapsed(case.order_date, case.service_date, today):
                # art. 1411 CPC: an order not served in time is void, its service (if any)
                # interrupts nothing (``_register_service``)
                case.prescription_warning = self.env._(
                    "The order of %(order)s was not served by %(deadline)s: it is void (art. "
                    "1411 Code de procédure civile) and serving it no longer interrupts "
                    "prescription. File a new request before %(prescription)s.",
                    order=format_date(self.env, case.order_date),
                    deadline=format_date(self.env, deadlines.service_deadline(case.order_date)),
                    prescription=format_date(self.env, case.prescription_date),
                )
                continue
            joined = case._get_joined_after_service()
            if joined:
                # art. 2241 Code civil: the order served interrupts what it claimed only
                case.prescription_warning = self.env._(
                    "Instalments %(due_dates)s joined the case after its order was served on "
                    "%(service)s: the order does not cover them (art. 2241 Code civil) and "
                    "their prescription runs on; last day to act: %(prescription)s. File a "
                    "new request for them before that day.",
                    due_dates=", ".join(
                        format_date(self.env, line.date_maturity)
                        for line in joined.sorted(lambda ln: (ln.date_maturity, ln.id))
                    ),
                    service=format_date(self.env, case.service_date),
                    prescription=format_date(
                        self.env, min(joined.move_id.mapped("prescription_date"), default=False)
                    )
                    or "-",
                )
                continue
            case.prescription_warning = deadline and self.env._(
                "The filing does not interrupt prescription, only the service of the order does "
                "(Cass. 1re civ. 05/11/2009 n°08-18.095): the first invoice of the case is "
                "time-barred after %(prescription)s, before the service deadline %(service)s. "
                "Have the order served by %(prescription)s.",
                prescription=format_date(self.env, case.prescription_date),
                service=format_date(self.env, deadline),
            )

    @api.model
    def _read_group_stage_ids(self, stages, domain):
        return stages.search([("step", "!=", False)])

    # ------------------------------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------------------------------

    @api.constrains("move_ids", "partner_id", "stage_id")
    def _check_move_ids(self):
        open_cases = self.filtered(lambda c: not c.is_closed)
        for case in open_cases:
            others = case.move_ids.filtered(
                lambda m, case=case: (
                    m.litigation_id
                    and m.litigation_id != case
                    and (not m.litigation_id.is_closed or m.litigation_id.outcome == "dispute_lost")
                )
            )
            if others:
                move = others[0]
                raise ValidationError(
                    self.env._(
                        "Case %(case)s: invoice %(invoice)s is already in litigation case "
                        "%(other)s (field Invoices).",
                        case=case.name,
                        invoice=move.name,
                        other=move.litigation_id.name,
                    )
                )
            # an invoice a plan proposed or in force schedules: the plan claims it with its
            # penalties, the case would claim it a second time (README, product decisions:
            # the plan breaks or is called off first; the mirror of
            # recouvrement.payment.plan._check_moves_not_litigated)
            scheduled = case.move_ids.sudo().filtered(
                lambda m: (
                    m.payment_plan_id
                    or any(plan.state == "proposed" for plan in m.payment_plan_ids)
                )
            )
            if scheduled:
                move = scheduled[0]
                plan = (
                    move.payment_plan_id
                    or move.payment_plan_ids.filtered(lambda p: p.state == "proposed")[:1]
                )
                raise ValidationError(
                    self.env._(
                        "Case %(case)s: invoice %(invoice)s is scheduled by payment plan "
                        "%(plan)s, which claims it with its penalties; a case would claim it a "
                        "second time. Call the plan off or record its default first (field "
                        "Invoices).",
                        case=case.name,
                        invoice=move.name,
                        plan=plan.display_name,
                    )
                )
        for case in self:
            foreign = case.move_ids.filtered(
                lambda m, case=case: m.commercial_partner_id != case.commercial_partner_id
            )
            if foreign:
                raise ValidationError(
                    self.env._(
                        "Case %(case)s: invoice %(invoice)s belongs to %(other)s, not to the "
                        "case's customer %(customer)s (field Invoices).",
                        case=case.name,
                        invoice=foreign[0].name,
                        other=foreign[0].partner_id.display_name,
                        customer=case.partner_id.display_name,
                    )
                )
            wrong = case.move_ids.filtered(
                lambda m: m.move_type != "out_invoice" or m.state != "posted"
            )
            if wrong:
                raise ValidationError(
                    self.env._(
                        "Case %(case)s: %(invoice)s is not a posted customer invoice "
                        "(field Invoices).",
                        case=case.name,
                        invoice=wrong[0].display_name,
                    )
                )

    @api.constrains("disputed_amount", "move_ids")
    def _check_disputed_amount(self):
        """The disputed amount of an open case is between zero (nothing contested: the claim
        is liquide) and what is still due on its invoices.

        :raise ValidationError: naming the case, the field and the amount
        """
        for case in self:
            if case.currency_id.compare_amounts(case.disputed_amount, 0.0) < 0:
                # before the SQL constraint, whose message names neither
                check_bounds(case, "disputed_amount", 0.0, case._get_invoices_residual())
        for case in self.filtered(lambda c: not c.is_closed):
            if (
                float_compare(
                    case.disputed_amount,
                    case._get_invoices_residual(),
                    precision_rounding=case.currency_id.rounding,
                )
                > 0
            ):
                raise ValidationError(
                    self.env._(
                        "Case %(case)s: the disputed amount %(disputed)s is above the amount "
                        "still due on its invoices, %(due)s (field Disputed Amount).",
                        case=case.name,
                        disputed=case._format_amount(case.disputed_amount),
                        due=case._format_amount(case._get_invoices_residual()),
                    )
                )

    @api.constrains("order_date", "service_date", "filing_date")
    def _check_procedure_dates(self):
        for case in self:
            if case.service_date and not case.order_date:
                raise ValidationError(
                    self.env._(
                        "Case %(case)s: set the date the order was issued before its service "
                        "date (field Order Issued On).",
                        case=case.name,
                    )
                )
            if case.service_date and case.service_date < case.order_date:
                raise ValidationError(
                    self.env._(
                        "Case %(case)s: the order cannot be served on %(service)s, before it "
                        "was issued on %(order)s (field Order Served On).",
                        case=case.name,
                        service=format_date(self.env, case.service_date),
                        order=format_date(self.env, case.order_date),
                    )
                )
            if case.order_date and case.filing_date and case.order_date < case.filing_date:
                raise ValidationError(
                    self.env._(
                        "Case %(case)s: the order cannot be issued on %(order)s, before the "
                        "filing on %(filing)s (field Order Issued On).",
                        case=case.name,
                        order=format_date(self.env, case.order_date),
                        filing=format_date(self.env, case.filing_date),
                    )
                )

    # days of steps taken: one to come would interrupt prescription (art. 2241 Code civil,
    # the service) or run deadlines from a day that has not come (issue 19). One check per
    # field: a write checks only its own field
    @api.constrains("formal_notice_date")
    def _check_formal_notice_date(self):
        check_date_horizon(self, ["formal_notice_date"])

    @api.constrains("filing_date")
    def _check_filing_date(self):
        check_date_horizon(self, ["filing_date"])

    @api.constrains("order_date")
    def _check_order_date(self):
        check_date_horizon(self, ["order_date"])

    @api.constrains("service_date")
    def _check_service_date(self):
        check_date_horizon(self, ["service_date"])

    @api.constrains("handover_date")
    def _check_handover_date(self):
        check_date_horizon(self, ["handover_date"])

    @api.constrains("handover_return_date")
    def _check_handover_return_date(self):
        check_date_horizon(self, ["handover_return_date"])

    @api.constrains("recovered_amount", "cost_amount", "move_ids")
    def _check_recovered_amount(self):
        """The costs of a case are at most ``MAX_COST_AMOUNT``; what it recovered is at most
        what it claims: its invoices' total, their late-payment penalties and indemnities to
        date (L441-10, D441-5 Code de commerce) and its costs, in the company currency; of an
        invoice it claims in part (:meth:`_filter_claimed_lines`), the instalments it claims
        and their penalties.

        :raise ValidationError: naming the case, the field, the bounds and the value
        """
        check_bounds(self, "cost_amount", 0.0, MAX_COST_AMOUNT)
        cases = self.filtered("recovered_amount")
        if not cases:
            return
        today = fields.Date.context_today(self)
        # of an invoice a case claims in part (issue 17), the instalments it claims and their
        # penalties only, the indemnity with them (recouvrement.penalty._get_penalty_instalments)
        claimed_ids = [
            line_id for line_ids in cases._get_claimed_line_ids().values() for line_id in line_ids
        ]
        moves = cases.move_ids.with_context(penalty_claimed_line_ids=claimed_ids)
        # keep_errors: a missing reference rate counts no penalty, it does not block the case
        figures = moves.env["recouvrement.penalty"]._get_penalty_figures(
            moves, today, keep_errors=True
        )
        for case in cases:
            claimed = case.cost_amount
            receivables = case._filter_claimed_lines(
                case.move_ids.line_ids.filtered(
                    lambda line: line.account_type == "asset_receivable"
                )
            )
            # in the company currency
            claimed += sum(receivables.mapped("balance"))
            for move in case.move_ids:
                # at the invoice's own rate
                rate = move.amount_total_signed / move.amount_total if move.amount_total else 1.0
                figure = figures.get(move.id, {})
                claimed += (figure.get("penalty", 0.0) + figure.get("indemnity", 0.0)) * rate
            check_bounds(case, "recovered_amount", 0.0, case.currency_id.round(claimed))

    @api.constrains("outcome", "litigation_type")
    def _check_outcome(self):
        for case in self:
            if case.outcome == "dispute_lost" and case.litigation_type != "dispute":
                raise ValidationError(
                    self.env._(
                        "Case %(case)s: only a dispute can be closed as 'Dispute lost' "
                        "(field Outcome).",
                        case=case.name,
                    )
                )

    # ------------------------------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        name_by_sequence(self.env, vals_list, "recouvrement.litigation")
        check_sign(self, vals_list, ("disputed_amount", "cost_amount", "recovered_amount"))
        cases = super().create(vals_list)
        cases._check_closing_by_hand()
        cases._fill_formal_notice_date()
        self.env["recouvrement.proceedings"]._check_litigation_cases(cases)
        court_cases = cases.filtered(lambda c: c.step in COURT_STEPS)
        court_cases._check_claim()
        court_cases._register_filing()
        cases._keep_served_lines()
        cases._register_service()
        cases._link_moves()
        cases._apply_credit_hold()
        cases._sync_deadlines()
        # the case takes the open credits first (recouvrement.dunning._allocate_open_credits):
        # the next reminder dates of the customer's other invoices move with it
        self.env["recouvrement.dunning"]._recompute_next_dates(cases.move_ids)
        return cases

    def write(self, vals):
        self._check_closing_by_hand(vals)
        stage = self.env["recouvrement.litigation.stage"].browse(vals.get("stage_id"))
        if stage and not stage.is_closed and self.filtered("is_closed"):
            # moved to an open stage (the kanban too): reopened as action_reopen does, never
            # a written-off case, and without its old outcome (issue 19)
            self.filtered("is_closed")._raise_if_written_off()
            vals = dict(vals, outcome=False, close_date=False, closing_credit_amount=0.0)
        else:
            self._check_closed_write(vals)
        if "outcome" in vals and not (stage and not stage.is_closed):
            # a closed case keeps its outcome, cleared only by reopening it (to an open stage)
            self._raise_if_closed(vals["outcome"] or None)
        if stage and stage.is_closed and not vals.get("outcome"):
            missing = self.filtered(lambda c: not c.is_closed and not c.outcome)
            if missing and not self.env.su:
                raise UserError(
                    self.env._(
                        "Case %(case)s: close it with the Close button, which asks for the "
                        "outcome.",
                        case=missing[0].name,
                    )
                )
        filing = self.browse()
        if stage.step in COURT_STEPS:
            filing = self.filtered(lambda c: c.step not in COURT_STEPS)
            filing._check_claim()
        old_moves = {case.id: case.move_ids for case in self} if "move_ids" in vals else {}
        picked = {}
        if "move_ids" in vals and "formal_notice_date" not in vals:
            picked = self._get_dunning_formal_notice_dates()
        # every field the order's lapse reads (``rules.deadlines.is_order_lapsed``: the order
        # and service dates) replays the service's interruption (``_correct_service``)
        served = {case.id: case.service_date for case in self} if LAPSE_FIELDS & set(vals) else {}
        # the credits each case deducts as it closes, kept (:meth:`_get_closing_credits`)
        closing = self._get_closing_credits(stage)
        if "served_line_ids" in vals and not self.env.context.get("recouvrement_keep_served"):
            # evidence recorded by the service date only (:meth:`_keep_served_lines`)
            raise UserError(
                self.env._(
                    "Case %(case)s: the instalments served are recorded when the service date "
                    "is entered, and kept as evidence (field Instalments Served).",
                    case=self[:1].name,
                )
            )
        # a service date removed keeps what the order served covered (evidence): entered
        # again, the first record stands (:meth:`_keep_served_lines`), so that what joined
        # the case in between never takes the service's interruption (issue 17: cleared by
        # mistake and entered again, the order "covered" an invoice added afterwards)
        res = super().write(vals)
        self._keep_closing_credits(closing)
        self._keep_served_lines(vals)
        if served:
            self._correct_service(served)
        if "move_ids" in vals and "formal_notice_date" not in vals:
            # invoices added afterwards (the form's second save): the date their dunning sent
            self._fill_formal_notice_date(picked)
        self.env["recouvrement.proceedings"]._check_litigation_cases(self, vals)
        if old_moves:
            removed = self.env["account.move"].union(
                *(old_moves[case.id] - case.move_ids for case in self)
            )
            removed.filtered(lambda m: m.litigation_id in self).litigation_id = False
            self._drop_removed_lines()
            self._release_service(old_moves)
        if filing:
            filing._register_filing()
        if served or ("move_ids" in vals and self.filtered("service_date")):
            self._register_service()
        if "stage_id" in vals and stage.is_closed:
            self._release_moves()
        self._link_moves()
        if vals.get("credit_hold") or vals.get("litigation_type"):
            self._apply_credit_hold()
        self._refresh_after_write(vals)
        return res

    def _refresh_after_write(self, vals):
        """What follows a write of ``vals`` on the cases: their deadlines when their invoices,
        order, service or stage changed; the next reminder dates of their customers' invoices
        when what they claim changed (a case takes the open credits first,
        ``recouvrement.dunning._allocate_open_credits``: the other invoices may owe more or
        less from now on)."""
        if {"move_ids", "order_date", "service_date", "stage_id"} & set(vals):
            self._sync_deadlines()
        if {"move_ids", "line_ids", "stage_id"} & set(vals):
            self.env["recouvrement.dunning"]._recompute_next_dates(self.move_ids)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_filed(self):
        filed = self.filtered("filing_date")
        if filed:
            raise UserError(
                self.env._(
                    "Case %(case)s was filed with a court: close it instead of deleting it.",
                    case=filed[0].name,
                )
            )
        # a closed case is evidence: its outcome (a write-off, a recovery) stays (issue 19)
        check_closed_unlink(
            self,
            lambda case: case.outcome,
            lambda case: self.env._(
                "Case %(case)s is closed (%(outcome)s): it cannot be deleted.",
                case=case.name,
                outcome=case._fields["outcome"].convert_to_export(case.outcome, case),
            ),
        )

    def unlink(self):
        self.move_ids.filtered(lambda m: m.litigation_id in self).litigation_id = False
        # a served order deleted with its case (recorded in error) interrupts nothing more
        # (``_release_service``: as an invoice removed from the case)
        self._release_service({case.id: case.move_ids for case in self}, removed_all=True)
        return super().unlink()

    # ------------------------------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------------------------------

    def action_file(self):
        """Move the case to the injonction de payer filing stage (claim check first)."""
        self.ensure_one()
        stage = self.env["recouvrement.litigation.stage"].search([("step", "=", "filed")], limit=1)
        if not stage:
            raise UserError(
                self.env._("No stage with the step 'Injonction de payer filed' exists.")
            )
        self.stage_id = stage
        return True

    def action_close(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Close Case"),
            "res_model": "recouvrement.litigation.close",
            "view_mode": "form",
            "target": "new",
            "context": {"default_litigation_id": self.id},
        }

    def action_reopen(self):
        self._raise_if_written_off()
        stage = self._default_stage_id()
        self.write(
            {"stage_id": stage.id, "outcome": False, "close_date": False, "closed_by_id": False}
        )
        return True

    def action_view_invoices(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("account.action_move_out_invoice")
        action["domain"] = [("id", "in", self.move_ids.ids)]
        action["context"] = {"create": False}
        return action

    # ------------------------------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------------------------------

    def _format_amount(self, amount):
        return formatLang(self.env, amount, currency_obj=self.currency_id)

    def _check_claim(self):
        """Refuse going to court unless the claim is certaine, liquide and exigible."""
        # Attachments and today's date are no dependencies of the check: recompute it now.
        self.invalidate_recordset(["claim_certain", "claim_liquid", "claim_due", "claim_issues"])
        for case in self:
            if case.claim_issues:
                raise UserError(
                    self.env._(
                        "Case %(case)s cannot be filed with the court:\n%(issues)s",
                        case=case.name,
                        issues=case.claim_issues,
                    )
                )

    def _get_dunning_formal_notice_dates(self):
        """The formal notice date each case's dunning sent: the day the last of its invoices
        had its first formal notice sent (an email) or posted (a letter) by a dunning event of
        a formal-notice level; False when one invoice never received one (or no invoice). One
        query for all the cases.

        :rtype: dict {case: date or False}
        """
        dates = self.env["recouvrement.penalty"]._get_penalty_formal_notice_dates(
            self.move_ids, received=False
        )
        result = {}
        for case in self:
            notices = [dates.get(move.id) for move in case.move_ids]
            result[case] = bool(notices) and all(notices) and max(notices)
        return result

    def _fill_formal_notice_date(self, picked=None):
        """Give the cases the formal notice date their dunning sent
        (:meth:`_get_dunning_formal_notice_dates`): the cases without one, and those whose date
        is the one picked up before their invoices changed (``picked``: {case: date}, from
        :meth:`_get_dunning_formal_notice_dates` before the change; issue 16). A date typed by
        the user is kept."""
        picked = picked or {}
        todo = self.filtered(
            lambda c: (
                not c.formal_notice_date or (picked.get(c) and c.formal_notice_date == picked[c])
            )
        )
        if not todo:
            return
        for case, notice in todo._get_dunning_formal_notice_dates().items():
            if notice != case.formal_notice_date and (notice or case.formal_notice_date):
                case.formal_notice_date = notice

    def _register_filing(self):
        """Record the filing date of the injonction de payer request.

        The filing does not interrupt prescription: the debtor is not told of it (Cass. 1re
        civ. 05/11/2009 n°08-18.095); the service of the order does (``_register_service``).
        """
        today = fields.Date.context_today(self)
        for case in self.filtered(lambda c: not c.filing_date):
            case.filing_date = today

    def _register_service(self):
        """Interrupt prescription on the invoices at the service of the order (art. 2241 and
        2231 Code civil: a new period starts on the service date). An order served after its
        service deadline is void (art. 1411 CPC, ``rules.deadlines.is_order_lapsed``): its
        service is recorded on the case but interrupts nothing (the case warns)."""
        for case in self.filtered("service_date"):
            if deadlines.is_order_lapsed(case.order_date, case.service_date):
                continue
            self._interrupt_prescription(
                self.env["account.move"].union(*case._get_served_lines()), case.service_date
            )

    def _keep_served_lines(self, vals=None):
        """Record on each served case of ``self`` without it yet (called when the service date
        is recorded; a case served before they were kept reads what it claims now,
        :meth:`_get_served_lines`) what the order served covers
        (``served_line_ids``): the instalments the case claims that day (of an invoice claimed
        in part, its ``line_ids``; else every instalment of the invoice). A served case is
        evidence: kept as it is afterwards (art. 2241 Code civil: the order interrupts
        prescription for what it claimed only, issue 17)."""
        if vals is not None and not vals.get("service_date"):
            # a write (``vals``) that records no service date
            return
        for case in self.filtered(lambda c: c.service_date and not c.served_line_ids):
            lines = self.env["account.move.line"].union(
                *(case._get_claimed_instalments(move) for move in case.move_ids)
            )
            if lines:
                # sudo: the served instalments are recorded by the service only
                case.sudo().with_context(recouvrement_keep_served=True).served_line_ids = [
                    Command.set(lines.ids)
                ]

    def _get_claimed_instalments(self, move):
        """The instalments (receivable lines with a due date) of ``move`` the case claims: its
        ``line_ids`` of that invoice, else every instalment of it. No query."""
        self.ensure_one()
        listed = self.line_ids.filtered(lambda line: line.move_id == move)
        return listed or self._get_whole_instalments(move)

    @api.model
    def _get_whole_instalments(self, move):
        """Every instalment (receivable line with a due date) of the invoice ``move``."""
        return move.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable" and line.date_maturity
        )

    def _get_joined_after_service(self):
        """The open instalments (account.move.line) the served case claims that its order does
        not cover (``served_line_ids``): joined after the service (an instalment transferred
        later, an invoice added); empty for a case not served, served before the instalments
        served were kept, or whose order lapsed. No query beyond the prefetch."""
        self.ensure_one()
        if not self.served_line_ids or deadlines.is_order_lapsed(
            self.order_date, self.service_date
        ):
            return self.served_line_ids.browse()
        claimed = self.env["account.move.line"].union(
            *(self._get_claimed_instalments(move) for move in self.move_ids)
        )
        return (claimed - self.served_line_ids).filtered(
            lambda line: not line.reconciled and line.amount_residual > 0
        )

    def _get_served_lines(self):
        """``{account.move: account.move.line}``: of the case's invoices, the instalments its
        served order covers (``served_line_ids``; a case served before they were kept: what it
        claims, :meth:`_get_claimed_instalments`); an invoice the order does not cover (added
        after the service) is absent. No query beyond the prefetch."""
        self.ensure_one()
        result = {}
        for move in self.move_ids:
            if self.served_line_ids:
                lines = self.served_line_ids.filtered(lambda line, move=move: line.move_id == move)
            else:
                lines = self._get_claimed_instalments(move)
            if lines:
                result[move] = lines
        return result

    def _correct_service(self, served):
        """The order or service date corrected (``served``: ``{case id: the service date
        before the write}``): the invoices whose prescription restarted from the old service
        lose that interruption and take again the one the other acts give
        (:meth:`_replay_interruptions`); ``write`` then records the service as it now stands
        (``_register_service``, after this).

        The service of an order restarts the 5 years (art. 2241 and 2231 Code civil) only if
        it was served in time: an order served after its service deadline is void (art. 1411
        CPC, ``rules.deadlines.is_order_lapsed``, which reads the order and service dates).
        So a correction of either date may make the service void (no interruption: the date
        of the other acts, or none) or valid again (the service date restarts the period),
        and a service date corrected to an earlier day in time restarts from it.

        Evidence (letters, files printed before) is not rewritten: only the invoices' dates.
        """
        for case in self:
            old = served.get(case.id)
            if not old:
                continue
            self._replay_interruptions(
                case.move_ids.filtered(lambda m, old=old: m.prescription_interruption_date == old),
                case,
            )

    def _drop_removed_lines(self):
        """The instalments claimed (``line_ids``) of invoices no longer in their case: no
        longer claimed, so that the rule of what an open case claims
        (``recouvrement.dunning._get_not_in_litigation_domain``) does not read them when the
        invoice goes to another case (claimed whole there, not in part) (issue 17)."""
        for case in self:
            gone = case.line_ids.filtered(lambda line, case=case: line.move_id not in case.move_ids)
            if gone:
                case.line_ids = [Command.unlink(line.id) for line in gone]

    def _release_service(self, old_moves, removed_all=False):
        """Invoices removed from the cases of ``self`` (``old_moves``: ``{case id: its
        account.move before the write}``) whose prescription restarted from the case's service
        of the order: the service interrupts prescription only for the claims the order covers
        (art. 2241 and 2231 Code civil, LEGAL.md "injonction de payer and prescription"), so
        an invoice no longer in the case takes back its own prescription, as if it had never
        been in the case, unless another act interrupts it (:meth:`_replay_interruptions`: a
        signed plan, another case's service, a closed declaration of claim). Traced in each
        invoice's chatter, in the company's language; the case keeps its service date and the
        order served (evidence is not rewritten). ``removed_all``: the cases are being
        deleted, every invoice of theirs leaves them."""
        for case in self.filtered("service_date"):
            if deadlines.is_order_lapsed(case.order_date, case.service_date):
                continue
            kept = self.env["account.move"] if removed_all else case.move_ids
            removed = (old_moves.get(case.id, self.env["account.move"]) - kept).filtered(
                lambda m, case=case: m.prescription_interruption_date == case.service_date
            )
            if not removed:
                continue
            self._replay_interruptions(removed, case)
            note_env = company_env(self.env, case.company_id)
            for move in removed:
                move.message_post(
                    body=note_env._(
                        "Removed from litigation case %(case)s: the service of its order on "
                        "%(service)s no longer interrupts this invoice's prescription; last day "
                        "to act: %(date)s.",
                        case=case.name,
                        service=format_date(note_env, case.service_date),
                        date=format_date(note_env, move.prescription_date) or "-",
                    ),
                    subtype_xmlid="mail.mt_note",
                )

    @api.model
    def _replay_interruptions(self, moves, case):
        """Record again on ``moves`` (account.move) the acts interrupting their prescription
        but the service of ``case`` (recouvrement.litigation), oldest first
        (:meth:`_interrupt_prescription`: an act after the last day to act revives nothing):
        the signatures of their signed payment plans (art. 2240 Code civil), the services in
        time of their other cases' orders (art. 2241) and the closing of declared claims
        (L622-25-1 Code de commerce); none: no interruption. Payments are read by
        ``_compute_prescription_dates`` itself. A few queries, not one per invoice."""
        if not moves:
            return
        acts = self._get_signed_and_closed_acts(moves)
        # sudo: the acts on the invoices, whoever may read the other cases
        others = (
            self.sudo()
            .with_context(active_test=False)
            .search(
                [
                    ("move_ids", "in", moves.ids),
                    ("service_date", "!=", False),
                    ("id", "!=", case.id),
                ]
            )
        )
        for other in others:
            if not deadlines.is_order_lapsed(other.order_date, other.service_date):
                # the invoices its order covers only (:meth:`_get_served_lines`)
                for move in self.env["account.move"].union(*other._get_served_lines()) & moves:
                    acts[move].add(other.service_date)
        moves.prescription_interruption_date = False
        for move in moves:
            for day in sorted(acts[move]):
                self._interrupt_prescription(move, day)

    def _link_moves(self):
        """Mark the invoices of open cases: they leave dunning (and maybe penalty accrual)."""
        for case in self.filtered(lambda c: not c.is_closed):
            moves = case.move_ids.filtered(lambda m, case=case: m.litigation_id != case)
            if moves:
                moves.litigation_id = case

    def _release_moves(self):
        """Closing: unpaid invoices return to dunning, except those of a lost dispute.

        A dispute lost by us keeps its invoices linked to the (closed) case: they stay out of
        dunning and penalties until a credit note settles them; an activity asks for it.
        """
        lost = self.filtered(lambda c: c.outcome == "dispute_lost")
        (self - lost).move_ids.filtered(lambda m: m.litigation_id in self).litigation_id = False
        todo = self.env.ref("mail.mail_activity_data_todo", raise_if_not_found=False)
        for case in lost:
            case.activity_schedule(
                activity_type_id=todo.id if todo else False,
                summary=self.env._("Issue a credit note"),
                note=self.env._(
                    "The dispute was lost: issue a credit note of %(amount)s on %(invoices)s.",
                    amount=case._format_amount(
                        case.disputed_amount or case._get_invoices_residual()
                    ),
                    invoices=", ".join(case.move_ids.mapped("name")),
                ),
                user_id=case.user_id.id or self.env.uid,
            )

    def _apply_credit_hold(self):
        for case in self.filtered(
            lambda c: c.credit_hold and c.litigation_type == "recovery" and not c.is_closed
        ):
            # sudo: credit controllers may not edit contacts; the hold is the case's effect,
            # in the case's company only (noted on the case, not in the shared chatter).
            # internal: in the company's language (issue 16)
            note_env = company_env(self.env, case.company_id)
            reason = note_env._("Legal recovery case %(case)s", case=case.name)
            if case.partner_id.with_company(case.company_id).sudo()._set_credit_hold(reason):
                case.message_post(
                    body=note_env._("Credit hold: %(reason)s", reason=reason),
                    subtype_xmlid="mail.mt_note",
                )

    def _get_deadline_vals(self):
        """Wanted deadlines per case: ``{case.id: {(kind, move_id): vals}}``."""
        result = {}
        for case in self:
            wanted = {}
            if not case.is_closed:
                for move in case.move_ids:
                    wanted[("prescription", move.id)] = {"kind": "prescription", "move_id": move.id}
                if case.order_date and not case.service_date:
                    wanted[("service", False)] = {"kind": "service", "move_id": False}
                if case.service_date:
                    wanted[("opposition", False)] = {"kind": "opposition", "move_id": False}
            result[case.id] = wanted
        return result

    def _sync_deadlines(self):
        """Create the missing deadline lines and drop the obsolete ones (batched)."""
        wanted = self._get_deadline_vals()
        existing = self.env["recouvrement.litigation.deadline"].search(
            [("litigation_id", "in", self.ids)]
        )
        to_unlink = self.env["recouvrement.litigation.deadline"]
        seen = set()
        for line in existing:
            key = (line.kind, line.move_id.id or False)
            if key in wanted.get(line.litigation_id.id, {}):
                seen.add((line.litigation_id.id, *key))
            else:
                to_unlink |= line
        to_unlink.unlink()
        vals_list = [
            dict(vals, litigation_id=case_id)
            for case_id, lines in wanted.items()
            for key, vals in lines.items()
            if (case_id, *key) not in seen
        ]
        if vals_list:
            self.env["recouvrement.litigation.deadline"].create(vals_list)

    def _close(self, outcome, account=None, journal=None, date=None, loss=None):
        """Close the cases with ``outcome``; written off: post the bad-debt entry first
        (``loss``: why the debt is definitively lost, see ``_create_write_off_move``)."""
        date = date or fields.Date.context_today(self)
        self.check_access("write")
        self._lock_cases()
        self._raise_if_closed()
        # the credits deducted before a write-off matches them (_get_closing_credits)
        credits = tuple(self._get_closing_credits().items())
        self.with_context(litigation_closing_credits=credits)._close_with(
            outcome, account, journal, date, loss
        )

    def _close_with(self, outcome, account, journal, date, loss):
        """:meth:`_close` once the credits each case deducts are known (context
        ``litigation_closing_credits``: pairs ``(case id, float)``,
        :meth:`_get_closing_credits`)."""
        if outcome == "written_off":
            if not self.env.user.has_group("recouvrement_b2b.recouvrement_group_manager"):
                raise UserError(self.env._("Only a credit manager can write a debt off."))
            for case in self:
                # sudo: the closing is recorded by this flow only (issue 19)
                case.sudo().write_off_move_id = case._create_write_off_move(
                    account, journal, date, loss=loss
                )
        stage = self.env["recouvrement.litigation.stage"].search([("step", "=", "closed")], limit=1)
        if not stage:
            raise UserError(self.env._("No stage with the step 'Closed' exists."))
        # sudo: the closing is recorded by this flow only (issue 19)
        self.sudo().write(
            {
                "stage_id": stage.id,
                "outcome": outcome,
                "close_date": date,
                "closed_by_id": self.env.uid,
            }
        )

    def _get_closing_credits(self, stage=None):
        """``{case id: float}``: the open credits each case of ``self`` (not closed yet; moved
        to ``stage`` when given: only if it is a closed stage) deducts as it closes
        (``open_credit_amount``, company currency), kept on it (``closing_credit_amount``):
        what a closed case deducted is its record (issue 17: a closed case showed 0). A
        write-off matches the case's share first (:meth:`_match_open_credits`): the share it
        had then (context ``litigation_closing_credits``, set by :meth:`_close`)."""
        if stage is not None and not stage.is_closed:
            return {}
        known = dict(self.env.context.get("litigation_closing_credits") or ())
        return {
            case.id: known[case.id] if case.id in known else case.open_credit_amount
            for case in self.filtered(lambda c: not c.is_closed)
        }

    def _keep_closing_credits(self, closing):
        """Store on each case of ``self`` in ``closing`` (``{case id: float}``,
        :meth:`_get_closing_credits`) the credits it deducted as it closed
        (``closing_credit_amount``): its closing record."""
        cases = self.filtered(lambda c: c.id in closing)
        if not cases:
            return
        # written low-level: the closed case's write checks and side effects do not apply
        cases.flush_recordset(["closing_credit_amount"])
        for case in cases:
            case.sudo()._write({"closing_credit_amount": closing[case.id]})
        cases.invalidate_recordset(["closing_credit_amount"])
        cases.modified(["closing_credit_amount"])

    def _raise_if_written_off(self):
        """Refuse to reopen a written-off case: its bad-debt entry is in the books."""
        written_off = self.filtered("write_off_move_id")
        if written_off:
            raise UserError(
                self.env._(
                    "Case %(case)s was written off: reverse its write-off entry %(entry)s in "
                    "accounting instead of reopening it.",
                    case=written_off[0].name,
                    entry=written_off[0].write_off_move_id.name,
                )
            )

    def _check_closing_by_hand(self, vals=None):
        """Refuse a closing recorded by hand (issue 19): the outcome, closing date, closer and
        write-off entry of a case are set by the Close wizard only (``_close``, as superuser,
        after its checks: a write-off by a credit manager, with its entry); a user clears them
        only by reopening the case. ``vals``: the values written; None: the cases were just
        created (nor created closed).

        :raise UserError: naming the case, the field and the wizard
        """
        if self.env.su:
            return
        flow = self.env._("the Close wizard")
        for case in self:
            if vals is None:
                fname = next((f for f in CLOSING_FIELDS if case[f]), None)
                if not fname and case.is_closed:
                    fname = "stage_id"
            else:
                fname = next(
                    (f for f in CLOSING_FIELDS if vals.get(f) and differs(case, f, vals[f])), None
                )
            if fname:
                raise_set_by_flow(case, fname, flow)

    def _check_closed_write(self, vals):
        """Refuse to rewrite a closed case (its closing date, write-off entry, customer,
        invoices): its outcome is a decision on record; reopen it first (issue 19).

        :raise UserError: naming the case, its outcome and the field
        """
        check_closed_write(
            self,
            vals,
            lambda case: case.is_closed,
            CLOSED_CASE_FIELDS,
            lambda case, field: self.env._(
                "Case %(case)s is closed (%(outcome)s): its %(field)s cannot be changed; reopen "
                "it first.",
                case=case.name,
                outcome=dict(case._fields["outcome"]._description_selection(self.env)).get(
                    case.outcome, "-"
                ),
                field=field,
            ),
        )

    def _raise_if_closed(self, outcome=None):
        """Refuse to close again a closed case (with another ``outcome`` if given): its
        outcome is a decision on record; reopen the case first."""
        closed = self.filtered(lambda c: c.is_closed and (outcome is None or c.outcome != outcome))
        if closed:
            case = closed[0]
            if case.closed_by_id:
                # e.g. two users closing the same case at once: the later one is told who did
                raise UserError(
                    self.env._(
                        "Case %(case)s was already closed by %(user)s on %(date)s (%(field)s: "
                        "%(outcome)s): reopen it before closing it again.",
                        case=case.name,
                        user=case.closed_by_id.name,
                        date=format_date(self.env, case.close_date),
                        field=case._fields["outcome"]._description_string(self.env),
                        outcome=dict(case._fields["outcome"]._description_selection(self.env)).get(
                            case.outcome, "-"
                        ),
                    )
                )
            raise UserError(
                self.env._(
                    "Case %(case)s is already closed (%(field)s: %(outcome)s): reopen it before "
                    "closing it again.",
                    case=case.name,
                    field=case._fields["outcome"]._description_string(self.env),
                    outcome=dict(case._fields["outcome"]._description_selection(self.env)).get(
                        case.outcome, "-"
                    ),
                )
            )

    def _create_write_off_move(self, account, journal, date, loss=None):
        """Post the bad-debt entry for the unpaid invoices and reconcile it with them.

        ``loss``: a definitively lost debt (``"insufficient_assets"``: liquidation closed for
        insufficient assets; ``"court_decision"``): the output VAT is recovered (art. 272 CGI,
        ``recouvrement.proceedings._prepare_bad_debt_line_vals``); otherwise the whole amount
        goes to ``account``."""
        self.ensure_one()
        if not account:
            raise UserError(
                self.env._("Case %(case)s: choose the bad-debt expense account.", case=self.name)
            )
        self._match_open_credits()
        receivables = self._filter_claimed_lines(
            self.move_ids.line_ids.filtered(
                lambda line: line.account_type == "asset_receivable" and not line.reconciled
            )
        )
        if not receivables:
            raise UserError(
                self.env._(
                    "Case %(case)s: its invoices have nothing left to write off.", case=self.name
                )
            )
        line_vals = [
            Command.create(self._prepare_write_off_line_vals(line)) for line in receivables
        ]
        line_vals += [
            Command.create(vals)
            for vals in self.env["recouvrement.proceedings"]._prepare_bad_debt_line_vals(
                self, receivables, account, loss, date=date
            )
        ]
        # skip_invoice_sync: the VAT lines are given (art. 272 CGI), not recomputed
        entry = (
            self.env["account.move"]
            .with_context(skip_invoice_sync=True)
            .create(
                {
                    "move_type": "entry",
                    "journal_id": journal.id if journal else self._default_write_off_journal().id,
                    "date": date,
                    "company_id": self.company_id.id,
                    "ref": self.env._("Write-off of litigation case %(case)s", case=self.name),
                    "line_ids": line_vals,
                }
            )
        )
        entry.action_post()
        Proceedings = self.env["recouvrement.proceedings"]
        # the instalments of an invoice on one account with their counterparts at once: they
        # share the counterparts' label (matched one by one, the second instalment found the
        # first one's counterpart already reconciled)
        for (_move, account), lines in receivables.grouped(
            lambda line: (line.move_id, line.account_id)
        ).items():
            label = self._write_off_line_label(lines[0])
            counterparts = entry.line_ids.filtered(
                lambda cp, account=account, label=label: (
                    cp.account_id == account and cp.name == label
                )
            )
            (lines + counterparts).with_context(
                **Proceedings._get_bad_debt_reconcile_context(loss)
            ).reconcile()
        Proceedings._reconcile_bad_debt_vat(entry, receivables.move_id)
        self.message_post(
            body=self.env._("Write-off entry %(entry)s posted.", entry=entry._get_html_link())
        )
        return entry

    def _match_open_credits(self):
        """Match the case's share of the customer's open credits (credit notes and payments
        not allocated to an invoice: ``open_credit_amount``, the one allocation rule
        ``recouvrement.dunning._allocate_open_credits``, oldest claim first across its open
        cases) with the case's claimed instalments of their own currency, oldest first,
        before a write-off: what is written off is net of them (LEGAL.md, open credits: same
        currency), they no longer stay open beside a written-off debt, and the part another
        open case or a reminder deducts stays open for it (issue 17)."""
        self.ensure_one()
        Dunning = self.env["recouvrement.dunning"]
        credits = Dunning._get_open_credits(self.move_ids)
        if not credits:
            return
        today = fields.Date.context_today(self)
        lines = self.env["account.move.line"].union(*credits.values())
        amounts = Dunning._get_line_amounts(lines, today)
        whole = dict(amounts)
        taken = Dunning._allocate_open_credits(credits, amounts, today)[1].get(self.id, {})
        # its claimed instalments, and the penalty invoices its file claims with them: the
        # case's share of the credits paid them too (_get_penalty_invoice_fractions)
        penalties = self.env["account.move"].browse(
            self._get_penalty_invoice_fractions(self.move_ids, today)
        )
        receivables = self._filter_claimed_lines(
            self.move_ids.line_ids.filtered(
                lambda line: line.account_type == "asset_receivable" and not line.reconciled
            )
        ) | penalties.line_ids.filtered(
            lambda line: line.account_type == "asset_receivable" and not line.reconciled
        )
        for line in lines.filtered(lambda ln: ln.id in taken):
            # the case's part of the credit, in its own currency (the same share of it)
            part = -Dunning._get_credit_share(line, -taken[line.id], whole[line.id])[1]
            Dunning._match_credit_part(
                line,
                receivables.filtered(
                    lambda ln, line=line: (
                        (ln.account_id, ln.currency_id) == (line.account_id, line.currency_id)
                    )
                ),
                part,
            )
        if taken:
            self.invalidate_recordset(["amount_residual", "open_credit_amount"])

    def _write_off_line_label(self, line):
        return self.env._("Write-off %(invoice)s", invoice=line.move_id.name)

    def _prepare_write_off_line_vals(self, line):
        return {
            "name": self._write_off_line_label(line),
            "account_id": line.account_id.id,
            "partner_id": line.partner_id.id,
            "balance": -line.amount_residual,
            "amount_currency": -line.amount_residual_currency,
            "currency_id": line.currency_id.id,
        }

    def _default_write_off_journal(self):
        return self.env["account.journal"].search(
            [
                *self.env["account.journal"]._check_company_domain(self.company_id),
                ("type", "=", "general"),
            ],
            limit=1,
        )

    @api.model
    def _get_bad_debt_account(self, company):
        """Expense account of a write-off in ``company``; an empty recordset when none.

        The company's setting (``recouvrement_bad_debt_account_id``), else the French chart's
        654100 found by its template xml id (``pcg_6541``, as ``account.chart.template.ref``
        resolves it for the company or its root), else the first account of class 654 by code
        (another chart, or 654100 deleted). Deprecated accounts are skipped. With none,
        :meth:`_create_write_off_move` asks the user to choose one.
        """
        if company.recouvrement_bad_debt_account_id:
            return company.recouvrement_bad_debt_account_id
        return find_chart_account(
            self.env, company, [BAD_DEBT_ACCOUNT_TEMPLATE], [BAD_DEBT_ACCOUNT_PREFIX]
        )

    def _get_report_filename(self, report):
        """Name of a printed file of the case, without extension (no ``/``), in the language it
        is printed in: the company's (issue 16: the summary was "Case summary - ..." in a French
        database).

        :param report: ``"dossier"`` (the injonction de payer file, named after the French
            procedure in every language) or ``"summary"``
        """
        self.ensure_one()
        lang_env = company_env(self.env, self.company_id)
        if report == "dossier":
            name = lang_env._("Injonction de payer - %(name)s", name=self.name)
        else:
            name = lang_env._("Case summary - %(name)s", name=self.name)
        return name.replace("/", "-")

    def _get_dossier_penalty_basis(self, lines):
        """The sentence of the dossier stating the basis of its penalties and indemnity, with
        the recovery indemnity actually claimed (``lines``: :meth:`_get_dossier_lines`), in
        the case's currency and the context's language: the company's indemnity setting
        (D441-5: at most 40 EUR per invoice paid late), or none.

        :return: str
        """
        self.ensure_one()
        indemnities = {line["indemnity"] for line in lines if line["indemnity"] > 0}
        if not indemnities:
            return self.env._(
                "Late-payment penalties (art. L441-10 II Code de commerce), computed up to the "
                "date of this file; no recovery indemnity is claimed."
            )
        if len(indemnities) == 1:
            return self.env._(
                "Late-payment penalties (art. L441-10 II Code de commerce) and fixed recovery "
                "indemnity of %(amount)s per invoice paid late (art. D441-5), computed up to "
                "the date of this file.",
                amount=self._format_amount(indemnities.pop()),
            )
        return self.env._(
            "Late-payment penalties (art. L441-10 II Code de commerce) and fixed recovery "
            "indemnities of %(amount)s in all, per invoice paid late (art. D441-5), computed "
            "up to the date of this file.",
            amount=self._format_amount(sum(line["indemnity"] for line in lines)),
        )

    def _get_dossier_credit_columns(self, lines):
        """``(principal, penalty, indemnity)``: what the open credits the case deducts
        (``open_credit_amount``) take of each column of its file (``lines``:
        :meth:`_get_dossier_lines`), in the case's currency, as the one allocation rule
        (``recouvrement.dunning._allocate_open_credits``) gives them: what goes to the open
        penalty invoices the file claims (:meth:`_get_penalty_invoice_parts`) comes off their
        penalties, then their indemnities, the rest off the principal; never off the
        penalties accrued since the last penalty invoice, which no credit goes to (they are
        no debt in the books). Issue 17: the credits paying the penalty invoices were taken
        from the principal column alone. Its queries do not depend on the number of
        invoices."""
        self.ensure_one()
        currency = self.currency_id
        if self.is_closed or not self.open_credit_amount:
            return self.open_credit_amount, 0.0, 0.0
        Dunning = self.env["recouvrement.dunning"]
        date = fields.Date.context_today(self)
        credits = Dunning._get_open_credits(self.move_ids)
        amounts = Dunning._get_line_amounts(
            self.env["account.move.line"].union(*credits.values()), date
        )
        penalty_taken = {}
        Dunning._allocate_open_credits(credits, amounts, date, penalty_taken=penalty_taken)
        parts = self._get_penalty_invoice_parts(self.move_ids, date)
        columns = {"penalty": 0.0, "indemnity": 0.0}
        for invoice_id, took in penalty_taken.get(self._origin.id, {}).items():
            invoice = self.env["account.move"].browse(invoice_id)
            kinds = parts.get(invoice_id, {}).get(self._origin.id, {})
            for kind in ("penalty", "indemnity"):
                # in the case's currency at the rate of the day, as the file converts them
                amount = invoice.currency_id._convert(
                    kinds.get(kind, 0.0), currency, self.company_id, date
                )
                deducted = min(took, amount) if kind == "penalty" else took
                columns[kind] += deducted
                took -= deducted
        penalty = currency.round(columns["penalty"])
        indemnity = currency.round(columns["indemnity"])
        return currency.round(self.open_credit_amount - penalty - indemnity), penalty, indemnity

    def _get_invoices_residual(self):
        """What is still owed on the case's invoices, every instalment included (due or not),
        in the company currency: the bound of a disputed amount (``amount_residual`` is what
        the case claims, the instalments past due only)."""
        self.ensure_one()
        return sum(self.move_ids.mapped("amount_residual_signed"))

    def _get_dossier_lines(self, to_date=None):
        """Claim breakdown per invoice for the dossier: principal, penalties, indemnity, total,
        and ``due_dates`` (text: the due date, or each instalment's due date and what is left
        to pay of it, ``recouvrement.penalty._get_mention_due_dates``; of an invoice claimed
        in part, the instalments claimed only).

        Penalties and indemnity as every claim states them
        (``recouvrement.penalty._get_penalty_document_figures``): what penalty invoices
        charged is claimed through their open amount, never twice, and not at all once paid;
        the part of an invoice under an open commercial dispute bears none.

        Every amount is in the company currency (``self.currency_id``), an invoice in another
        currency at the rate of ``to_date``, as the reminders claim it (one rate for
        foreign-currency amounts, ``recouvrement.dunning._get_line_amounts`` and
        ``_get_company_penalty_figures``: the D441-5 indemnity stays 40 EUR).

        Of an invoice the case claims in part (:meth:`_get_claimed_line_ids`), the penalties
        of the instalments it claims only, and the D441-5 indemnity (once per invoice, LEGAL.md)
        with the first of them (issue 17, verification: the file charged the third instalment's
        penalties while claiming only the first two)."""
        self.ensure_one()
        to_date = to_date or fields.Date.context_today(self)
        moves = self.move_ids.sorted(lambda m: (m.invoice_date or to_date, m.id))
        claimed_by_move = self._get_claimed_line_ids()
        claimed = [line_id for line_ids in claimed_by_move.values() for line_id in line_ids]
        # the figures are computed through ``moves`` (account.move._get_penalty_figures)
        moves = moves.with_context(penalty_claimed_line_ids=claimed)
        Penalty = moves.env["recouvrement.penalty"]
        Dunning = moves.env["recouvrement.dunning"]
        figures = Dunning._get_company_penalty_figures(
            moves, to_date, figures=Penalty._get_penalty_document_figures(moves, to_date)
        )
        principals = self._get_day_rate_residuals(moves, to_date, cases=self)
        lines = []
        for move in moves:
            fig = figures.get(move.id, {})
            principal = principals.get(move.id, 0.0)
            penalty = fig.get("penalty", 0.0)
            indemnity = fig.get("indemnity", 0.0)
            lines.append(
                {
                    "move": move,
                    "principal": principal,
                    "penalty": penalty,
                    "indemnity": indemnity,
                    "total": principal + penalty + indemnity,
                    "rate": fig.get("rate", 0.0),
                    "days": fig.get("days", 0),
                    # each claimed instalment's due date, from which its penalties run
                    "due_dates": self._get_claimed_due_dates(move, claimed_by_move),
                }
            )
        return lines

    def _get_claimed_due_dates(self, move, claimed_by_move=None):
        """The due dates of what the case claims of its invoice ``move`` (account.move) as its
        documents list them: each claimed instalment with what is left to pay of it
        (``recouvrement.penalty._get_mention_due_dates`` with ``residual``; of an invoice
        claimed in part, the instalments claimed only, issue 17). ``claimed_by_move``:
        :meth:`_get_claimed_line_ids` when known. No query beyond the prefetch."""
        self.ensure_one()
        if claimed_by_move is None:
            claimed_by_move = self._get_claimed_line_ids()
        return self.env["recouvrement.penalty"]._get_mention_due_dates(
            move, claimed_by_move.get(move.id), residual=True
        )

    def _get_claimed_amounts(self, date=None):
        """``{move.id: float}``: what the cases of ``self`` claim on each of their invoices at
        ``date`` (default: today), in the company currency at the rate of that day
        (:meth:`_get_day_rate_residuals`: the instalments past their own due date, LEGAL.md,
        instalments). The case's amount due is their sum, and the case summary lists them
        invoice by invoice; invoices with nothing claimed yet are absent."""
        date = date or fields.Date.context_today(self)
        return self._get_day_rate_residuals(self.move_ids, date, cases=self)

    @api.model
    def _get_day_rate_residuals(self, moves, date, cases=None):
        """``{move.id: float}``: what is claimed on each of ``moves`` at ``date`` in its
        company's currency at the rate of ``date`` (``recouvrement.dunning._get_line_amounts``
        of its open receivable lines past due,
        ``recouvrement.penalty._get_claimed_receivables``), as a reminder claims it; of the
        invoices of ``cases`` (recouvrement.litigation), only the instalments their case
        claims (:meth:`_filter_claimed_lines`)."""
        lines = self.env["recouvrement.penalty"]._get_claimed_receivables(moves, date)
        if cases:
            lines = cases._filter_claimed_lines(lines)
        amounts = self.env["recouvrement.dunning"]._get_line_amounts(lines, date)
        residuals = defaultdict(float)
        for line in lines:
            residuals[line.move_id.id] += amounts[line.id]
        return {
            move_id: moves.browse(move_id).company_currency_id.round(amount)
            for move_id, amount in residuals.items()
        }

    def _filter_claimed_lines(self, lines):
        """The receivable ``lines`` (account.move.line) the cases of ``self`` claim: of an
        invoice of a case with ``line_ids`` (opened by the dunning's transfer to litigation),
        only those; of the other invoices, all (issue 17 #1 x #12: the case claims what the
        formal notice claimed). An invoice none of whose lines is in its case's ``line_ids``
        (added to the case by hand) is claimed whole, as in a case opened by hand (issue 17,
        verification: it claimed 0.00 and stayed in the ladder). No query."""
        listed = self._get_claimed_line_ids()
        return lines.filtered(
            lambda line: line.move_id.id not in listed or line.id in listed[line.move_id.id]
        )

    @api.model
    def _get_penalty_invoice_fractions(self, moves, date):
        """``{penalty invoice id: {case id: float}}``: the posted penalty invoices dated by
        ``date`` that charged the invoices ``moves`` (account.move in open litigation cases,
        each claimed by its case, ``litigation_id``), with the part of each one's open amount
        its case's file claims with them, from 0 to 1 (:meth:`_get_penalty_invoice_parts`
        over the open amount). Every other document leaves that part to the case: the
        reminders do not claim it (``recouvrement.promise._dunning_adjust_plan``), the open
        credits go to it with the case's claims
        (``recouvrement.dunning._allocate_credits_to_cases``)."""
        parts = self._get_penalty_invoice_parts(moves, date)
        invoices = self.env["account.move"].browse(list(parts))
        return {
            invoice.id: {
                case_id: min(sum(kinds.values()) / invoice.amount_residual, 1.0)
                for case_id, kinds in parts[invoice.id].items()
            }
            for invoice in invoices
        }

    @api.model
    def _get_penalty_invoice_parts(self, moves, date):
        """``{penalty invoice id: {case id: {"penalty": float, "indemnity": float}}}``: of
        the open posted penalty invoices dated by ``date`` that charged the invoices
        ``moves`` (account.move in open litigation cases, each claimed by its case,
        ``litigation_id``), what each case's file claims with them, per kind of line, in the
        penalty invoice's currency (:meth:`_get_dossier_lines` claims their open amount
        through ``recouvrement.penalty._get_penalty_document_figures``): the open share of
        each line charged for the instalments the case claims
        (``recouvrement.penalty._get_penalty_claimed_shares``,
        ``_get_penalty_open_share``: rounded line by line as the file rounds it; issue 17, a
        cent claimed by nobody). A penalty invoice listed itself in a case, declared by a
        sent claim declaration or in a signed payment plan is absent: it is claimed there
        (issue 17: the file and the penalty invoice's own reminder claimed it twice; the
        file deducted no credit for it). One query, and those of the claimed shares when a
        case claims an invoice in part."""
        moves = moves.filtered(lambda move: move.litigation_id and not move.litigation_id.is_closed)
        if not moves:
            return {}
        Penalty = self.env["recouvrement.penalty"]
        claimed = moves.litigation_id._get_claimed_line_ids()
        lines = self.env["account.move.line"].search_fetch(
            Penalty._get_posted_penalty_lines_domain(moves.ids, date),
            Penalty._get_penalty_claimed_share_fields(),
        )
        shares = Penalty.with_context(
            penalty_claimed_line_ids=[line_id for ids in claimed.values() for line_id in ids]
        )._get_penalty_claimed_shares(lines)
        parts = defaultdict(lambda: defaultdict(lambda: {"penalty": 0.0, "indemnity": 0.0}))
        for line in lines:
            invoice = line.move_id
            if (
                not invoice.amount_total
                or not invoice.amount_residual
                or (invoice.litigation_id and not invoice.litigation_id.is_closed)
                or invoice.claim_declaration_id
                or invoice.payment_plan_id
            ):
                continue
            kinds = parts[invoice.id][line.penalty_source_move_id.litigation_id.id]
            kinds[line.penalty_kind] += Penalty._get_penalty_open_share(line, shares.get(line, 1.0))
        return {
            invoice_id: {case_id: dict(kinds) for case_id, kinds in by_case.items()}
            for invoice_id, by_case in parts.items()
        }

    def _get_claimed_penalty_invoice_amounts(self, date):
        """``{case id: float}``: what the file of each open case of ``self`` claims on
        ``date`` of the open penalty invoices charging its claimed instalments
        (:meth:`_get_penalty_invoice_fractions`), company currency; cases without any are
        absent. Queries do not depend on the number of cases."""
        fractions = self._get_penalty_invoice_fractions(self.move_ids, date)
        amounts = defaultdict(float)
        for invoice in self.env["account.move"].browse(list(fractions)):
            for case_id, part in fractions[invoice.id].items():
                amounts[case_id] += invoice.company_currency_id.round(
                    invoice.amount_residual_signed * part
                )
        return dict(amounts)

    @api.model
    def _get_case_claimed_penalty_amounts(self, moves, date):
        """``{penalty invoice id: float}``: of the invoices ``moves`` (account.move), the
        penalty invoices charging invoices in open litigation cases, with the part of their
        open amount (company currency) the cases' files claim on ``date``
        (:meth:`_get_penalty_invoice_fractions`): what their own reminders leave to the cases
        (issue 17: a penalty invoice of 49.29 was claimed by its invoice's case file and by
        its own last call). Queries do not depend on the number of invoices."""
        penalty_moves = moves.filtered("is_penalty_invoice")
        sources = penalty_moves.invoice_line_ids.penalty_source_move_id
        fractions = self._get_penalty_invoice_fractions(sources, date) if sources else {}
        return {
            move.id: move.company_currency_id.round(
                move.amount_residual_signed * min(sum(fractions[move.id].values()), 1.0)
            )
            for move in penalty_moves
            if move.id in fractions
        }

    def _get_claimed_line_ids(self):
        """``{move id: {line id}}``: the instalments (receivable lines) the cases of ``self``
        claim on each invoice they claim in part (opened by the dunning's transfer to
        litigation, ``line_ids``); an invoice absent is claimed whole. No query."""
        listed = {}
        for case in self.filtered("line_ids"):
            for line in case.line_ids:
                if line.move_id in case.move_ids:
                    listed.setdefault(line.move_id.id, set()).add(line.id)
        return listed

    def _get_dossier_events(self):
        """Reminders and formal notices sent for the case's invoices in writing, oldest first
        (letters once posted; failed, draft and cancelled ones are no evidence, and internal
        steps, of channel "none" or a phone task, are no document)."""
        self.ensure_one()
        return self.env["recouvrement.dunning.event"]._get_written_reminders(self.move_ids)

    def _get_dossier_documents(self):
        """Bordereau de pièces: numbered supporting documents (invoices, reminders, files)."""
        self.ensure_one()
        documents = []
        for move in self.move_ids.sorted(lambda m: (m.invoice_date or m.date, m.id)):
            documents.append(
                self.env._(
                    "Invoice %(invoice)s of %(date)s",
                    invoice=move.name,
                    date=format_date(self.env, move.invoice_date),
                )
            )
        if self.formal_notice_date:
            documents.append(
                self.env._(
                    "Formal notice (mise en demeure) sent on %(date)s with its acknowledgment "
                    "of receipt",
                    date=format_date(self.env, self.formal_notice_date),
                )
            )
        for event in self._get_dossier_events():
            documents.append(
                self.env._(
                    "Reminder of %(date)s (%(channel)s)",
                    date=format_date(self.env, event.date),
                    channel=dict(event._fields["channel"]._description_selection(self.env)).get(
                        event.channel, ""
                    ),
                )
            )
        attachments = self.env["ir.attachment"].search(
            [("res_model", "=", self._name), ("res_id", "=", self.id)], order="id"
        )
        documents.extend(attachments.mapped("name"))
        return documents

    # ------------------------------------------------------------------------------------------
    # Invoices: prescription, cases and alerts (``account.move`` delegates here)
    # ------------------------------------------------------------------------------------------

    @api.model
    def _compute_prescription_dates(self, moves):
        """Last day to act on each invoice before it is time-barred.

        Returns ``{move.id: date}``, ``False`` for what is not a customer invoice with a due
        date. 5 years between traders (L110-4 Code de commerce), 2 years against a consumer
        (L218-2 Code de la consommation, ``res.partner._is_consumer``), from the due date of
        the oldest instalment still to be paid (art. 2233 3° Code civil: each instalment
        prescribes from its own due date, ``account.move._get_oldest_unpaid_due``) or an
        earlier delivery of a late invoice, restarted by the last acknowledgment (a signed plan,
        a partial payment: ``_get_payment_acknowledgments``) or legal action (art. 2240, 2241,
        2231 Code civil): ``rules.deadlines.prescription_date``. None while a
        declaration of claim runs: it interrupts prescription until the collective proceedings
        close (L622-25-1 Code de commerce), then a new period starts from the closing date.
        The service of an order claiming part of an invoice (a case opened by the transfer to
        litigation claims the instalments its formal notices listed) interrupts the
        prescription of those instalments only (art. 2241 Code civil: the act interrupts the
        claim it is about): the invoice's last day to act is then the earlier of theirs and
        that of its instalments no served order claims (:meth:`_get_unserved_lines`).
        """
        result = {}
        suspended = self.env["recouvrement.claim.declaration"]._get_prescription_suspended(moves)
        payments = self._get_payment_acknowledgments(moves)
        unserved = self._get_unserved_lines(moves)
        for move in moves:
            if move.move_type != "out_invoice" or not move.invoice_date_due or move in suspended:
                result[move.id] = False
                continue
            result[move.id] = deadlines.prescription_date(
                move._get_oldest_unpaid_due(),
                delivery_date=move.delivery_date,
                # a payment within the running period acknowledges the debt (art. 2240)
                interruptions=payments.get(move.id, ()),
                invoice_date=move.invoice_date,
                # checked when recorded (``_interrupt_prescription``): the period runs from it
                # even after the one it interrupted would have ended (art. 2231 Code civil)
                restart=move.prescription_interruption_date or None,
                consumer=move.commercial_partner_id._is_consumer(),
            )
            if move.id in unserved:
                lines, acts = unserved[move.id]
                own = deadlines.prescription_date(
                    min(lines.mapped("date_maturity")),
                    delivery_date=move.delivery_date,
                    interruptions=[*payments.get(move.id, ()), *acts],
                    invoice_date=move.invoice_date,
                    consumer=move.commercial_partner_id._is_consumer(),
                )
                result[move.id] = min(result[move.id], own)
        return result

    @api.model
    def _get_unserved_lines(self, moves):
        """The open instalments of the invoices of ``moves`` (account.move) that the service of
        an order claiming other instalments of them does not interrupt: ``{move id:
        (account.move.line, [dates of the other acts interrupting them])}``, for the invoices
        served orders (not lapsed, ``rules.deadlines.is_order_lapsed``) claim in part only
        (their cases' ``line_ids`` list some of their instalments, not these; art. 2241 Code
        civil). The other acts: the signatures of the invoice's signed payment plans (art.
        2240) and the closing of its declared claims (L622-25-1 Code de commerce). One query,
        two more when an invoice is claimed in part.
        """
        result = {}
        cases = (
            self.sudo()
            .with_context(active_test=False)
            .search([("move_ids", "in", moves.ids), ("service_date", "!=", False)])
            .filtered(
                lambda case: not deadlines.is_order_lapsed(case.order_date, case.service_date)
            )
        )
        claimed, whole = defaultdict(set), set()
        for case in cases:
            # what its order covers (``served_line_ids``): an instalment joining the case
            # after the service keeps its own prescription (issue 17)
            for move, lines in case._get_served_lines().items():
                if move not in moves:
                    continue
                if lines == case._get_whole_instalments(move):
                    whole.add(move)
                else:
                    claimed[move].update(lines.ids)
        parts = {}
        for move, line_ids in claimed.items():
            open_lines = move.line_ids.filtered(
                lambda line, line_ids=line_ids: (
                    line.account_id.account_type == "asset_receivable"
                    and line.date_maturity
                    and not line.reconciled
                    and line.amount_residual > 0
                    and line.id not in line_ids
                )
            )
            if open_lines and move not in whole:
                parts[move] = open_lines
        if not parts:
            return result
        acts = self._get_signed_and_closed_acts(self.env["account.move"].union(*parts))
        for move, lines in parts.items():
            result[move.id] = (lines, sorted(acts[move]))
        return result

    @api.model
    def _get_signed_and_closed_acts(self, moves):
        """``{account.move: {date}}``: the acts of the debtor or of the proceedings that
        interrupt the prescription of the invoices ``moves``, a case's service aside: the
        signatures of their signed payment plans (art. 2240 Code civil) and the closing of
        their declared claims (L622-25-1 Code de commerce). Two queries (sudo: whoever may
        read the plans and declarations)."""
        acts = defaultdict(set)
        plans = (
            self.env["recouvrement.payment.plan"]
            .sudo()
            .search([("move_ids", "in", moves.ids), ("signature_date", "!=", False)])
        )
        for plan in plans.filtered(lambda plan: plan._is_signed()):
            for move in plan.move_ids & moves:
                acts[move].add(plan.signature_date)
        declarations = (
            self.env["recouvrement.claim.declaration"]
            .sudo()
            .search(
                [
                    ("move_ids", "in", moves.ids),
                    ("state", "=", "closed"),
                    ("declaration_date", "!=", False),
                    ("close_date", "!=", False),
                ]
            )
        )
        for declaration in declarations:
            for move in declaration.move_ids & moves:
                acts[move].add(declaration.close_date)
        return acts

    @api.model
    def _get_payment_acknowledgments(self, moves):
        """Dates of the debtor's payments on each invoice of ``moves``: a partial payment
        acknowledges the debt (art. 2240 Code civil), which interrupts its prescription.

        A payment is a journal entry matched with the invoice's receivable lines that records
        money received (an ``account.payment`` or a bank statement line); a credit note, a
        write-off or another invoice matched with it is the creditor's act, not the debtor's.
        ``rules.deadlines.prescription_date`` keeps only those within the running period (a
        payment does not revive a time-barred claim).

        :return: ``{move id: [date, ...]}``, only for invoices with such a payment
        """
        result = {}
        for move in moves:
            receivables = move.line_ids.filtered(
                lambda line: line.account_id.account_type == "asset_receivable"
            )
            counterparts = receivables.matched_credit_ids.credit_move_id.move_id
            days = {
                counterpart.date
                for counterpart in counterparts
                if counterpart.origin_payment_id or counterpart.statement_line_id
            }
            if days:
                result[move.id] = sorted(days)
        return result

    @api.model
    def _interrupt_prescription(self, moves, day):
        """Record on ``moves`` an act of ``day`` interrupting their prescription.

        An acknowledgment of the debt (art. 2240 Code civil: a signed payment plan) or a legal
        action (art. 2241: the service of an order, the closing of collective proceedings that
        a declaration of claim interrupted until then). Only the last act counts: invoices
        already interrupted on ``day`` or later keep their date. An act after the last day to
        act (``prescription_date``) does not revive a time-barred claim
        (``rules.deadlines.is_time_barred``): that invoice keeps its dates. The act recorded
        starts the next period (``_compute_prescription_dates``), so a chain of acts keeps the
        claim alive from the last one.

        :return: the invoices whose interruption date was recorded
        """
        later = moves.filtered(
            lambda m: (
                (not m.prescription_interruption_date or m.prescription_interruption_date < day)
                and not deadlines.is_time_barred(m.prescription_date, day)
            )
        )
        if later:
            later.prescription_interruption_date = day
        return later

    @api.model
    def _get_new_case_action(self, moves):
        """Action opening a new case prefilled with ``moves`` (their posted customer invoices in
        no open case); a UserError unless they all belong to one customer."""
        moves = moves.filtered(
            lambda m: m.move_type == "out_invoice" and m.state == "posted" and not m.litigation_id
        )
        partner = moves.commercial_partner_id
        if not moves or len(partner) > 1:
            raise UserError(
                self.env._(
                    "Select posted customer invoices of one customer that are in no open case."
                )
            )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("New Litigation Case"),
            "res_model": self._name,
            "view_mode": "form",
            "context": {
                "default_partner_id": partner.id,
                "default_company_id": moves.company_id[:1].id,
                "default_move_ids": moves.ids,
            },
        }

    @api.model
    def _get_invoice_alert_domain(self, today):
        """Hook: unpaid customer invoices in no case whose prescription alert is due on
        ``today`` (``prescription_next_alert_date``: ``rules.deadlines.next_alert_date``)."""
        return [
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("payment_state", "in", ("not_paid", "partial")),
            ("litigation_id", "=", False),
            ("prescription_next_alert_date", "<=", today),
            ("prescription_date", ">=", today),
        ]

    @api.model
    def _raise_invoice_alerts(self, moves, today):
        """One activity per invoice before its prescription, then remember the alert (batched).

        The activity goes to the company's collection responsible, else the invoice's
        salesperson; its deadline is the prescription date.
        """
        model_id = self.env["ir.model"]._get_id("account.move")
        vals_list = []
        for move in moves:
            vals_list.append(
                {
                    "res_model_id": model_id,
                    "res_id": move.id,
                    "user_id": (
                        move.company_id.recouvrement_user_id.id
                        or move.invoice_user_id.id
                        or self.env.uid
                    ),
                    "date_deadline": move.prescription_date,
                    "summary": self.env._(
                        "Prescription of %(invoice)s on %(date)s",
                        invoice=move.name,
                        date=format_date(self.env, move.prescription_date),
                    ),
                    "note": self.env._(
                        "Invoice %(invoice)s is time-barred after %(date)s: obtain an "
                        "acknowledgment of the debt (payment plan) or open a litigation case.",
                        invoice=move.name,
                        date=format_date(self.env, move.prescription_date),
                    ),
                }
            )
        self._create_alert_activities(vals_list)
        self._set_invoice_alert_date(moves, today)

    @api.model
    def _invoice_alert_failed(self, moves, today, error):
        """The alert of ``moves`` could not be raised: say why in their chatter, skip it."""
        self._set_invoice_alert_date(moves, today)
        for move in moves:
            move.message_post(
                body=self.env._(
                    "The prescription alert could not be raised: %(error)s", error=error
                )
            )

    @api.model
    def _set_invoice_alert_date(self, moves, day):
        """Remember on ``moves`` that their prescription alert was raised on ``day``.

        account.move.write() resynchronises the journal items of each invoice (queries per
        invoice, for nothing: this is collection bookkeeping), so the field is written
        low-level, then caches and dependents (``prescription_next_alert_date``) are refreshed.
        """
        moves.check_access("write")
        fnames = ["prescription_alert_date"]
        moves.flush_recordset(fnames)
        moves._write({"prescription_alert_date": day})
        moves.invalidate_recordset(fnames)
        moves.modified(fnames)

    @api.model
    def _create_alert_activities(self, vals_list):
        """Create the alert activities ``vals_list`` (to-do type unless given)."""
        todo = self.env.ref("mail.mail_activity_data_todo", raise_if_not_found=False)
        for vals in vals_list:
            vals.setdefault("activity_type_id", todo.id if todo else False)
        # mail.activity.create() subscribes the responsible of each activity with a browse of
        # the res_ids, duplicates included: two alerts of one case for one user in the same
        # create would insert the same follower twice. Create in rounds of distinct records.
        rounds = []
        for vals in vals_list:
            key = (vals.get("res_model_id"), vals.get("res_id"), vals.get("user_id"))
            for keys, round_vals in rounds:
                if key not in keys:
                    keys.add(key)
                    round_vals.append(vals)
                    break
            else:
                rounds.append(({key}, [vals]))
        # quick update: no e-mail per activity, the responsible sees them in the activity menu.
        Activity = self.env["mail.activity"].with_context(mail_activity_quick_update=True)
        return Activity.union(*(Activity.create(round_vals) for _keys, round_vals in rounds))

    @api.model
    def _cron_raise_alerts(self, batch_size=200):
        """Raise an activity 60 and 15 days before each deadline (``rules.deadlines``).

        Deadlines of the open cases give an activity on the case; unpaid invoices in no case
        give one on the invoice before their prescription. At most ``batch_size`` deadlines and
        ``batch_size`` invoices per run, the rest reported to the cron as remaining. Idempotent:
        each deadline (invoice) remembers the day of its last alert, so a second run on the same
        day, or a run after missed days, raises nothing twice.
        """
        today = fields.Date.context_today(self)
        Deadline = self.env["recouvrement.litigation.deadline"]
        Move = self.env["account.move"]
        sources = (
            (Deadline, Deadline._get_alert_domain(today)),
            (Move, self._get_invoice_alert_domain(today)),
        )
        done = remaining = 0
        for model, domain in sources:
            records = model.search(domain, limit=batch_size)
            if records:
                self._raise_alerts_safely(records, today)
                done += len(records)
                remaining += model.search_count(domain)
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)

    @api.model
    def _raise_alerts_safely(self, records, today):
        """Raise the alerts of ``records`` (deadlines or invoices, through their
        ``_litigation_raise_alerts``) in one batch, else one by one, a savepoint each; a record
        that fails gets ``_litigation_alert_failed``."""
        try:
            with self.env.cr.savepoint():
                records._litigation_raise_alerts(today)
        except Exception:  # one bad record must not block the others
            _logger.exception("Litigation alerts: batch failed, retrying one by one")
            for record in records:
                try:
                    with self.env.cr.savepoint():
                        record._litigation_raise_alerts(today)
                except Exception as error:
                    record._litigation_alert_failed(today, error)

    def _recouvrement_creation_note(self):
        # EXTENDS recouvrement_b2b (mail_thread.py): its own creation note, whose French agrees
        # with the model's noun (issue 16)
        return self.env._("Litigation case created")
