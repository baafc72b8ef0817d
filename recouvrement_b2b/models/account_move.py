from odoo import api, fields, models
from odoo.osv import expression

from ..rules import deadlines
from ..tools.bounds import check_date_horizon
from .res_partner import MAX_PAUSE_DAYS

#: days ahead an interruption of prescription may be recorded
MAX_INTERRUPTION_DAYS = 365


class AccountMove(models.Model):
    _inherit = "account.move"

    # --- Penalties ----------------------------------------------------------------------------
    is_penalty_invoice = fields.Boolean(
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="Invoice charging late-payment penalties and recovery indemnities.",
    )
    penalty_line_ids = fields.One2many(
        "account.move.line",
        "penalty_source_move_id",
        string="Penalty Lines",
        readonly=True,
        help="Lines of penalty invoices charging the late payment of this invoice.",
    )
    penalty_invoice_ids = fields.Many2many(
        "account.move",
        string="Penalty Invoices",
        compute="_compute_penalty_invoice_ids",
    )
    penalty_invoice_count = fields.Integer(compute="_compute_penalty_invoice_ids")
    penalty_source_ids = fields.Many2many(
        "account.move",
        string="Late Invoices",
        compute="_compute_penalty_source_ids",
        help="Invoices whose late payment this penalty invoice charges.",
    )
    penalty_amount = fields.Monetary(
        string="Accrued Penalties",
        compute="_compute_penalty_display",
        help="Late-payment penalties accrued to date (art. L441-10 Code de commerce), "
        "invoiced or not.",
    )
    penalty_indemnity = fields.Monetary(
        string="Recovery Indemnity",
        compute="_compute_penalty_display",
        help="Fixed indemnity for recovery costs due for this invoice (art. D441-5).",
    )
    penalty_rate = fields.Float(
        string="Penalty Rate (%)",
        digits=(16, 2),
        compute="_compute_penalty_display",
        help="Rate of the last day of delay.",
    )
    penalty_days = fields.Integer(
        string="Days Late",
        compute="_compute_penalty_display",
        help="Days of delay accrued, from the day after the due date.",
    )
    penalty_explanation = fields.Text(
        string="Penalty Computation",
        compute="_compute_penalty_display",
    )
    penalty_error = fields.Char(
        compute="_compute_penalty_display",
        help="Why the penalties cannot be computed (e.g. a missing reference rate).",
    )

    # --- Dunning ------------------------------------------------------------------------------
    dunning_level_id = fields.Many2one(
        "recouvrement.dunning.level",
        copy=False,
        index="btree_not_null",
        tracking=True,
        help="Last dunning level applied to this invoice.",
    )
    dunning_last_date = fields.Date(
        string="Last Reminder", copy=False, help="Date of the last reminder listing this invoice."
    )
    dunning_next_date = fields.Date(
        string="Next Reminder",
        compute="_compute_dunning_next_date",
        store=True,
        help="Date the next dunning level becomes due (empty: paid, excluded or at the top of "
        "the ladder).",
    )
    dunning_next_date_on = fields.Date(
        string="Next Reminder Computed On",
        copy=False,
        help="Day the next reminder date was worked out for: a reminder waiting to leave (a "
        "letter to post, an email in the outgoing queue) moves it each day it waits.",
    )
    dunning_paused_until = fields.Date(
        copy=False,
        tracking=True,
        help="No reminder for this invoice until this date (included).",
    )
    dunning_pause_reason = fields.Char(copy=False, tracking=True)
    # --- Collector's cockpit: the overdue invoice list ----------------------------------------
    promise_id = fields.Many2one(
        "recouvrement.promise",
        string="Promise to Pay",
        compute="_compute_cockpit_columns",
        groups="recouvrement_b2b.recouvrement_group_user",
        help="The running promise to pay covering this invoice (made on it or on the "
        "customer's account).",
    )
    disputed_amount = fields.Monetary(
        string="Amount Disputed",
        compute="_compute_cockpit_columns",
        currency_field="company_currency_id",
        groups="recouvrement_b2b.recouvrement_group_user",
        help="Part of the amount due held back from the reminders (company currency): contested "
        "by an open commercial dispute or by a litigation case, or lost in a dispute until its "
        "credit note is issued.",
    )
    dunning_days_late = fields.Integer(
        string="Days Past Due",
        compute="_compute_dunning_days_late",
        help="Days past the due date of the oldest instalment still to be paid (0: not due or "
        "paid).",
    )
    dunning_overdue = fields.Boolean(
        string="Overdue",
        compute="_compute_dunning_days_late",
        search="_search_dunning_overdue",
        help="An instalment still to be paid is past its due date (the invoice's due date is "
        "that of its last instalment).",
    )
    dunning_event_ids = fields.Many2many(
        "recouvrement.dunning.event",
        "account_move_recouvrement_dunning_event_rel",
        "account_move_id",
        "recouvrement_dunning_event_id",
        string="Reminders",
        copy=False,
    )

    # --- Payment plans ------------------------------------------------------------------------
    payment_plan_id = fields.Many2one(
        "recouvrement.payment.plan",
        copy=False,
        index="btree_not_null",
        help="Active payment plan covering this invoice (empty when none, broken or completed).",
    )
    payment_plan_ids = fields.Many2many(
        "recouvrement.payment.plan",
        "account_move_recouvrement_payment_plan_rel",
        "account_move_id",
        "recouvrement_payment_plan_id",
        string="Payment Plans",
        copy=False,
        readonly=True,
        help="Every payment plan listing this invoice, whatever its state (the inverse of the "
        "plans' invoices).",
    )
    penalty_plan_id = fields.Many2one(
        "recouvrement.payment.plan",
        string="Plan Settling Penalties",
        compute="_compute_penalty_plan_id",
        store=True,
        index="btree_not_null",
        help="Payment plan, in force or completed, that settles the late-payment penalties and "
        "the recovery indemnity of this invoice: claimed by its instalments or given up, never "
        "claimed again; or the plan proposed to the customer, which holds them until it is "
        "signed or called off. Empty when none, or when the plan was defaulted or called off "
        "(its waiver lapses).",
    )
    prescription_interruption_date = fields.Date(
        copy=False,
        help="Last acknowledgment of the debt or legal action (art. 2240, 2241 Code civil): the "
        "5-year prescription restarts from this date.",
    )

    # --- Litigation ---------------------------------------------------------------------------
    litigation_id = fields.Many2one(
        "recouvrement.litigation",
        copy=False,
        index="btree_not_null",
        help="Open litigation case containing this invoice (empty once the case is closed).",
    )
    litigation_claimed_amount = fields.Monetary(
        string="Amount Claimed",
        currency_field="company_currency_id",
        compute="_compute_litigation_claimed_amount",
        help="What a litigation case claims on this invoice today, in the company currency at "
        "the rate of the day: its instalments past their due date (all of it once its last one "
        "is due). The case's amount due is the sum over its invoices.",
    )
    litigation_scope = fields.Selection(
        [("whole", "Whole invoice"), ("part", "Part of the invoice")],
        string="In Litigation",
        compute="_compute_litigation_scope",
        store=True,
        index="btree_not_null",
        help="Whole: an open litigation case claims every open instalment of the invoice. "
        "Part: it claims only the instalments its formal notices listed (Instalments Claimed); "
        "the others go on through the reminders. Empty: in no open case.",
    )
    litigation_due_dates = fields.Char(
        string="Instalments Claimed",
        compute="_compute_litigation_due_dates",
        help="Due dates (and amounts, for an invoice in instalments) of what the litigation "
        "case claims on this invoice.",
    )
    dunning_shown_level_id = fields.Many2one(
        "recouvrement.dunning.level",
        string="Current Dunning Level",
        compute="_compute_dunning_shown_level_id",
        help="Level the reminders reached on what they still claim of the invoice: of an "
        "invoice a litigation case claims in part, the highest level of its instalments the "
        "case does not claim (the reminders go on for them); else the invoice's last level.",
    )
    # --- Collective proceedings ---------------------------------------------------------------
    claim_declaration_id = fields.Many2one(
        "recouvrement.claim.declaration",
        copy=False,
        index="btree_not_null",
        readonly=True,
        help="Declaration of claim to the mandataire judiciaire listing this invoice: its "
        "prescription is interrupted until the proceedings close (art. L622-25-1 Code de "
        "commerce).",
    )
    retention_of_title = fields.Boolean(
        compute="_compute_retention_of_title",
        store=True,
        readonly=False,
        copy=False,
        help="The invoice carries a retention-of-title clause (clause de réserve de propriété): "
        "in collective proceedings the goods are claimed back within 3 months (art. L624-9 "
        "Code de commerce).",
    )

    # --- Factoring (affacturage) --------------------------------------------------------------
    is_factored = fields.Boolean(
        string="Assigned to a Factor",
        copy=False,
        tracking=True,
        help="The invoice was assigned to a factor (affacturage). Notified factoring: it leaves "
        "our dunning and the customer pays the factor; confidential: we keep dunning it. The "
        "customer's exposure counts it either way.",
    )
    factor_id = fields.Many2one("res.partner", copy=False, tracking=True)
    factoring_date = fields.Date(string="Assigned On", copy=False, tracking=True)
    factoring_mode = fields.Selection(
        [("notified", "Notified"), ("confidential", "Confidential")],
        copy=False,
        tracking=True,
        help="Notified: the customer was told of the assignment (subrogation) and pays the "
        "factor. Confidential: the customer is not told and pays us.",
    )

    prescription_date = fields.Date(
        compute="_compute_prescription_date",
        store=True,
        help="Last day to act before the claim is time-barred: 5 years from the due date (or "
        "from an earlier delivery), 2 years against a consumer, restarted by the last "
        "acknowledgment or legal action (L110-4 Code de commerce, art. 2240-2241 Code civil).",
    )
    prescription_alert_date = fields.Date(
        copy=False, readonly=True, help="Date of the last prescription alert on this invoice."
    )
    prescription_next_alert_date = fields.Date(
        compute="_compute_prescription_next_alert_date",
        store=True,
        index="btree_not_null",
        help="Next prescription alert (60 and 15 days before), for unpaid invoices in no case.",
    )

    @api.depends("prescription_date", "prescription_alert_date")
    def _compute_prescription_next_alert_date(self):
        for move in self:
            move.prescription_next_alert_date = (
                deadlines.next_alert_date(move.prescription_date, move.prescription_alert_date)
                or False
            )

    @api.depends(
        "move_type",
        "invoice_date_due",
        "line_ids.date_maturity",
        "line_ids.amount_residual",
        "delivery_date",
        "invoice_date",
        "prescription_interruption_date",
        "line_ids.litigation_case_ids",
        "claim_declaration_id.state",
        "commercial_partner_id.is_company",
        "commercial_partner_id.siren",
        "commercial_partner_id.vat",
        "commercial_partner_id.company_registry",
    )
    def _compute_prescription_date(self):
        dates = self.env["recouvrement.litigation"]._compute_prescription_dates(self)
        for move in self:
            move.prescription_date = dates[move.id]

    @api.depends_context("tz")
    @api.depends("line_ids.amount_residual", "line_ids.date_maturity", "litigation_id.line_ids")
    def _compute_litigation_claimed_amount(self):
        # recouvrement.litigation._get_day_rate_residuals: as the case and its file claim it
        saved = self.filtered("id")
        claimed = self.env["recouvrement.litigation"]._get_day_rate_residuals(
            saved, fields.Date.context_today(self), cases=saved.litigation_id
        )
        for move in self:
            move.litigation_claimed_amount = claimed.get(move.id, 0.0)

    @api.depends(
        "litigation_id.is_closed",
        "litigation_id.line_ids",
        "line_ids.litigation_case_ids.is_closed",
        "line_ids.amount_residual",
        "line_ids.date_maturity",
    )
    def _compute_litigation_scope(self):
        # the rule of the run (``recouvrement.dunning._is_claimed_in_litigation``): what is
        # listed as in litigation is what the reminders leave out (issue 17)
        for move in self:
            if not move.litigation_id:
                # most invoices: no line read (the penalty batch's query count)
                move.litigation_scope = False
                continue
            claimed, unclaimed = move._get_litigation_parts()
            move.litigation_scope = (claimed and ("part" if unclaimed else "whole")) or False

    @api.depends(
        "litigation_scope",
        "line_ids.date_maturity",
        "line_ids.amount_currency",
        "line_ids.amount_residual_currency",
    )
    def _compute_litigation_due_dates(self):
        Penalty = self.env["recouvrement.penalty"]
        for move in self:
            claimed = move.litigation_scope and move._get_litigation_parts()[0]
            move.litigation_due_dates = (
                claimed and Penalty._get_mention_due_dates(move, set(claimed.ids), residual=True)
            ) or False

    @api.depends("dunning_level_id", "litigation_scope", "line_ids.dunning_level_id")
    def _compute_dunning_shown_level_id(self):
        for move in self:
            level = move.dunning_level_id
            if move.litigation_scope == "part":
                # the transfer's level is the claimed instalments'; the rest is reminded
                levels = move._get_litigation_parts()[1].dunning_level_id
                level = levels.sorted(lambda lv: (lv.sequence, lv.id))[-1:]
            move.dunning_shown_level_id = level

    def _get_litigation_parts(self):
        """``(claimed, unclaimed)``: the receivable lines (account.move.line) of this invoice
        an open litigation case claims (``recouvrement.dunning._is_claimed_in_litigation``:
        every instalment of an invoice in a case opened or added by hand, the instalments the
        formal notices listed of one transferred by the dunning), and its open instalments no
        case claims (they go on through the reminders). No query beyond the prefetch."""
        self.ensure_one()
        receivables = self.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        if not self.litigation_id:
            return receivables.browse(), receivables.filtered(lambda line: not line.reconciled)
        Dunning = self.env["recouvrement.dunning"]
        claimed = receivables.filtered(Dunning._is_claimed_in_litigation)
        unclaimed = (receivables - claimed).filtered(lambda line: not line.reconciled)
        return claimed, unclaimed

    def _get_due_date_parts(self):
        """``(due dates, due dates claimed in litigation)`` of this invoice as the documents
        the customer or a court reads print them (``recouvrement.penalty
        ._get_mention_due_dates``): of an invoice an open case claims in part
        (``litigation_scope`` "part"), its other instalments, and apart the instalments the
        case claims (each with its own due date); else every due date and False."""
        self.ensure_one()
        Penalty = self.env["recouvrement.penalty"]
        if self.litigation_scope != "part":
            return Penalty._get_mention_due_dates(self), False
        claimed, _unclaimed = self._get_litigation_parts()
        instalments = self.line_ids.filtered(
            lambda line: line.display_type == "payment_term" and line.date_maturity
        )
        return (
            Penalty._get_mention_due_dates(self, set((instalments - claimed).ids)),
            self.litigation_due_dates,
        )

    @api.depends("company_id", "move_type")
    def _compute_retention_of_title(self):
        for move in self:
            if move.move_type == "out_invoice" and not move.retention_of_title:
                move.retention_of_title = move.company_id.recouvrement_retention_of_title

    # a pause of at most two years; an interruption of prescription (a signature, a service)
    # at most a year ahead: a new 5-year period from 9999-12-31 overflowed; the other dates
    # record a day that has come (issue 19). One check per field, as on res.partner
    @api.constrains("dunning_paused_until")
    def _check_dunning_paused_until(self):
        check_date_horizon(self, ["dunning_paused_until"], MAX_PAUSE_DAYS)

    @api.constrains("prescription_interruption_date")
    def _check_prescription_interruption_date(self):
        check_date_horizon(self, ["prescription_interruption_date"], MAX_INTERRUPTION_DAYS)

    @api.constrains("factoring_date")
    def _check_factoring_date(self):
        check_date_horizon(self, ["factoring_date"])

    @api.constrains("dunning_last_date")
    def _check_dunning_last_date(self):
        check_date_horizon(self, ["dunning_last_date"])

    @api.constrains("is_factored", "factor_id", "factoring_mode")
    def _check_factoring(self):
        self.env["recouvrement.proceedings"]._check_factoring(self)

    @api.depends("is_factored", "factoring_mode")
    def _compute_display_qr_code(self):
        res = super()._compute_display_qr_code()
        # notified factoring: no QR code paying us, the factor alone is paid
        self.env["recouvrement.proceedings"]._get_notified_factored_moves(
            self
        ).display_qr_code = False
        return res

    def _has_to_be_paid(self):
        # EXTENDS account_payment: no "Pay now" paying us a claim frozen by collective
        # proceedings (L622-7) or an invoice the factor collects (notified factoring)
        return super()._has_to_be_paid() and not self.env[
            "recouvrement.proceedings"
        ]._get_not_payable_online(self)

    # --- Penalties: one-line delegations to recouvrement.penalty ------------------------------

    def _get_penalty_figures(self, to_date, keep_errors=False):
        """Late-payment figures per invoice at ``to_date`` (L441-10, D441-5), for all of
        ``self`` at once (batched): the entry point of letters, plans and litigation files.

        Returns ``{move.id: {"penalty": float, "indemnity": float, "rate": float, "days": int}}``
        in the invoice currency. Raises a UserError naming the half-year when a reference rate
        is missing (with ``keep_errors``: zeros and the reason under ``"error"``). See
        ``recouvrement.penalty._get_penalty_figures``.
        """
        return self.env["recouvrement.penalty"]._get_penalty_figures(
            self, to_date, keep_errors=keep_errors
        )

    @api.depends("penalty_line_ids.move_id")
    def _compute_penalty_invoice_ids(self):
        for move in self:
            move.penalty_invoice_ids = move.penalty_line_ids.move_id
            move.penalty_invoice_count = len(move.penalty_invoice_ids)

    @api.depends("line_ids.penalty_source_move_id")
    def _compute_penalty_source_ids(self):
        for move in self:
            move.penalty_source_ids = move.line_ids.penalty_source_move_id

    @api.depends(
        "move_type",
        "state",
        "amount_residual",
        "invoice_date_due",
        "line_ids.matched_credit_ids",
    )
    @api.depends_context("penalty_date")
    def _compute_penalty_display(self):
        to_date = self.env.context.get("penalty_date") or fields.Date.context_today(self)
        values = self.env["recouvrement.penalty"]._get_penalty_display_values(
            self, fields.Date.to_date(to_date)
        )
        for move in self:
            move.update(values[move.id])

    def action_create_penalty_invoice(self):
        """Draft penalty invoices (one per customer) for the late invoices of ``self``."""
        invoices = self._create_penalty_invoices()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        if len(invoices) == 1:
            action.update({"views": [(False, "form")], "res_id": invoices.id})
        else:
            action["domain"] = [("id", "in", invoices.ids)]
        return action

    def action_view_penalty_invoices(self):
        """The penalty invoices charging the late payment of this invoice."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        invoices = self.penalty_invoice_ids if not self.is_penalty_invoice else self
        action["domain"] = [("id", "in", invoices.ids)]
        return action

    def action_view_penalty_sources(self):
        """The late invoices whose penalties this penalty invoice charges."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        action["domain"] = [("id", "in", self.penalty_source_ids.ids)]
        return action

    def _create_penalty_invoices(self, to_date=None):
        """Draft penalty invoices for ``self`` up to ``to_date`` (default: today): see
        ``recouvrement.penalty._create_penalty_invoices``."""
        return self.env["recouvrement.penalty"]._create_penalty_invoices(self, to_date)

    # --- Credit: optional check at invoice posting ------------------------------------------

    def _post(self, soft=True):
        self.env["recouvrement.credit"]._check_invoices(self)
        self.env["recouvrement.penalty"]._check_penalty_sources_free(self)
        posted = super()._post(soft=soft)
        # a credit note or a payment changes the customer's open credits: its next reminders
        self.env["recouvrement.dunning"]._recompute_next_dates(posted._get_credit_moves())
        return posted

    def button_draft(self):
        self.env["recouvrement.penalty"]._check_cancelled_penalty_reset(self)
        credits = self._get_credit_moves()
        res = super().button_draft()
        self.env["recouvrement.dunning"]._recompute_next_dates(credits)
        return res

    def _get_credit_moves(self):
        """The credit notes and entries (payments) of ``self``: what may be an open credit."""
        return self.filtered(lambda move: move.move_type in ("out_refund", "entry"))

    def _build_credit_warning_message(
        self, record, current_amount=0.0, exclude_current=False, exclude_amount=0.0
    ):
        # EXTENDS account: one banner. When the company checks credit, the message gives the
        # check's block reasons (limit, hold, proceedings...) on the module's exposure.
        if record.company_id.recouvrement_credit_check == "none":
            return super()._build_credit_warning_message(
                record,
                current_amount=current_amount,
                exclude_current=exclude_current,
                exclude_amount=exclude_amount,
            )
        return self.env["recouvrement.credit"]._get_warning_message(record, current_amount)

    # --- Litigation ---------------------------------------------------------------------------

    def action_open_litigation(self):
        """Open a new litigation case prefilled with the selected unpaid invoices."""
        return self.env["recouvrement.litigation"]._get_new_case_action(self)

    def action_view_litigation(self):
        """Open the litigation case of the invoice."""
        self.ensure_one()
        return self.litigation_id._get_records_action(context={})

    def _litigation_raise_alerts(self, today):
        """Prescription alerts of these invoices (see ``recouvrement.litigation``)."""
        return self.env["recouvrement.litigation"]._raise_invoice_alerts(self, today)

    def _litigation_alert_failed(self, today, error):
        """Record an alert that could not be raised (see ``recouvrement.litigation``)."""
        return self.env["recouvrement.litigation"]._invoice_alert_failed(self, today, error)

    @api.depends("payment_plan_id", "payment_plan_ids.state")
    def _compute_penalty_plan_id(self):
        """The plan in force (``payment_plan_id``), else the plan proposed to the customer
        and not signed yet, else the latest completed plan listing the invoice (product
        decisions, README: a kept plan settles the penalties and indemnity of its invoices, a
        proposed one holds them until it is signed or called off; a defaulted or called-off
        one settles nothing). Recomputed when a plan of the invoice changes state. One query
        for all of ``self``, none when each has a plan in force."""
        plans = {}
        ids = [move.id for move in self if move.id and not move.payment_plan_id]
        if ids:
            # sudo: a stored field, the same for every user (the plans' record rules and
            # access rights do not change which plan settles an invoice's penalties)
            groups = (
                self.env["recouvrement.payment.plan"]
                .sudo()
                ._read_group(
                    [("move_ids", "in", ids), ("state", "in", ("proposed", "completed"))],
                    ["move_ids", "state"],
                    ["id:max"],
                )
            )
            # the proposed plan (at most one: its invoices are in no other open plan) wins:
            # its groups come last
            ordered = sorted(groups, key=lambda group: group[1] == "proposed")
            for move, _state, plan_id in ordered:
                plans[move.id] = plan_id
        for move in self:
            move.penalty_plan_id = move.payment_plan_id.id or plans.get(move.id, False)

    # --- Dunning ------------------------------------------------------------------------------

    @api.depends(
        "move_type",
        "state",
        "payment_state",
        "amount_residual",
        "invoice_date_due",
        "dunning_level_id",
        "partner_id",
        "line_ids.date_maturity",
        "line_ids.amount_residual",
        "line_ids.dunning_level_id",
        "litigation_id",
        "payment_plan_id",
        # the proposed plan's hold (``proposal_hold_until`` is set with the proposal, which
        # changes ``penalty_plan_id``, as signing or calling it off does)
        "penalty_plan_id",
        "dunning_paused_until",
    )
    def _compute_dunning_next_date(self):
        """The next reminder date (``recouvrement.dunning._get_next_dates``) as of today, or
        of the context's ``dunning_next_date_day`` (a date: the day an email left the outgoing
        queue, :meth:`recouvrement.dunning._dunning_mail_left_queue`). The day it was worked
        out for (``dunning_next_date_on``) is set by the run and the cron's refresh only
        (``recouvrement.dunning._advance_invoices``, ``_refresh_past_next_dates``), in their
        own writes: written here it split the invoices' UPDATE by its old value."""
        day = self.env.context.get("dunning_next_date_day") or fields.Date.context_today(self)
        next_dates = self.env["recouvrement.dunning"]._get_next_dates(self, day)
        for move in self:
            move.dunning_next_date = next_dates[move.id]

    @api.depends_context("tz")
    @api.depends(
        "invoice_date_due",
        "payment_state",
        "state",
        "line_ids.date_maturity",
        "line_ids.amount_residual",
    )
    def _compute_dunning_days_late(self):
        """From the oldest instalment still due (an invoice's due date is its last one)."""
        today = fields.Date.context_today(self)
        for move in self:
            due = move._get_oldest_unpaid_due()
            open_ = move.state == "posted" and move.payment_state in ("not_paid", "partial")
            move.dunning_days_late = max((today - due).days, 0) if open_ and due else 0
            move.dunning_overdue = move.dunning_days_late > 0

    def _get_oldest_unpaid_due(self):
        """Due date of the oldest instalment of this invoice still to be paid (receivable line
        with an amount due), else its due date (``invoice_date_due``, that of its last
        instalment): the date from which the invoice is late, exigible and prescribes
        (LEGAL.md, instalments; art. 2233 3° Code civil: a claim with a term prescribes from
        that term, each instalment from its own due date).

        :return: date, or False without a due date
        """
        self.ensure_one()
        dues = [
            line.date_maturity
            for line in self.line_ids
            if line.account_type == "asset_receivable"
            and line.date_maturity
            and self.company_currency_id.compare_amounts(line.amount_residual, 0) > 0
        ]
        return min(dues, default=self.invoice_date_due)

    def _search_dunning_overdue(self, operator, value):
        """Invoices with an unpaid instalment (receivable line with an amount due) past its
        due date at the user's date, whatever their last due date (``invoice_date_due``)."""
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return NotImplemented
        overdue = [
            ("state", "=", "posted"),
            ("payment_state", "in", ("not_paid", "partial")),
            (
                "line_ids",
                "any",
                [
                    ("account_type", "=", "asset_receivable"),
                    ("reconciled", "=", False),
                    ("amount_residual", ">", 0),
                    ("date_maturity", "<", fields.Date.context_today(self)),
                ],
            ),
        ]
        return overdue if (operator == "=") == value else ["!", *expression.AND([overdue])]

    @api.depends_context("tz")
    def _compute_cockpit_columns(self):
        promises = self.env["recouvrement.promise"]._get_running_promises(self)
        disputed = self.env["recouvrement.dispute"]._dunning_excluded_amounts(
            self, fields.Date.context_today(self)
        )
        for move in self:
            move.promise_id = promises.get(move.id, False)
            move.disputed_amount = disputed.get(move.id, 0.0)

    def action_view_dunning_events(self):
        """Open the reminders that listed this invoice."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "recouvrement_b2b.recouvrement_dunning_event_action"
        )
        action["domain"] = [("move_ids", "in", self.ids)]
        return action
