from datetime import timedelta

from odoo import Command, api, fields, models


class RecouvrementPaymentPlanWizard(models.TransientModel):
    _name = "recouvrement.payment.plan.wizard"
    _description = "Payment Plan Creation Wizard"

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, domain="[('parent_id', '=', False)]"
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    move_ids = fields.Many2many(
        "account.move",
        string="Invoices",
        compute="_compute_move_ids",
        store=True,
        readonly=False,
        domain="[('move_type', '=', 'out_invoice'), ('state', '=', 'posted'),"
        " ('commercial_partner_id', '=', partner_id), ('company_id', '=', company_id),"
        " ('payment_state', 'in', ('not_paid', 'partial'))]",
    )
    currency_id = fields.Many2one(
        "res.currency", compute="_compute_currency_id", store=True, readonly=False
    )
    include_penalties = fields.Boolean(
        help="Add the late-payment penalties and the 40 EUR recovery indemnities (L441-10) "
        "accrued on the invoices to the amount scheduled.",
    )
    amount_invoices = fields.Monetary(string="Invoices Due", compute="_compute_amounts")
    amount_penalties = fields.Monetary(
        string="Penalties and Indemnities", compute="_compute_amounts"
    )
    amount_waiver = fields.Monetary(
        string="Waiver", help="Part of the penalties and indemnities given up by the company."
    )
    amount_credits = fields.Monetary(
        string="Open Credits Deducted",
        compute="_compute_amounts",
        help="The customer's open credit notes and unmatched payments (same company and "
        "currency), deducted from what the plan asks; matched with the invoices on signature.",
    )
    amount_total = fields.Monetary(string="Total", compute="_compute_amounts")
    down_payment = fields.Monetary()
    down_payment_date = fields.Date(
        help="Due date of the down payment; empty: the day the schedule is computed."
    )
    instalment_count = fields.Integer(string="Number of Instalments", default=3)
    frequency = fields.Selection(
        [("weekly", "Weekly"), ("monthly", "Monthly"), ("quarterly", "Quarterly")],
        default="monthly",
        required=True,
    )
    first_date = fields.Date(
        string="First Instalment",
        required=True,
        default=lambda self: fields.Date.context_today(self) + timedelta(days=30),
    )
    tolerance_days = fields.Integer(
        default=15,
        help="Days an instalment may stay unpaid after its due date before the plan is broken.",
        aggregator=None,
    )
    user_id = fields.Many2one("res.users", string="Responsible", default=lambda self: self.env.user)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        model = self.env.context.get("active_model")
        active_ids = self.env.context.get("active_ids") or []
        if model == "account.move" and active_ids and "move_ids" in fields_list:
            moves = self.env["account.move"].browse(active_ids)
            values["move_ids"] = [Command.set(moves.ids)]
            values.setdefault("partner_id", moves.commercial_partner_id[:1].id)
            values.setdefault("company_id", moves.company_id[:1].id or self.env.company.id)
        elif model == "res.partner" and active_ids:
            partner = self.env["res.partner"].browse(active_ids[:1])
            values.setdefault("partner_id", partner.commercial_partner_id.id)
        elif model == "recouvrement.dunning.event" and active_ids:
            # From a dunning event (e.g. the "last call" level): its customer and invoices.
            event = self.env["recouvrement.dunning.event"].browse(active_ids[:1])
            values.setdefault("partner_id", event.partner_id.commercial_partner_id.id)
            values.setdefault("company_id", event.company_id.id)
            moves = event.move_ids.filtered(
                lambda m: m.state == "posted" and m.payment_state in ("not_paid", "partial")
            )
            if moves:
                values["move_ids"] = [Command.set(moves.ids)]
        if "partner_id" in fields_list and not values.get("partner_id") and values.get("move_ids"):
            # Opened with default_move_ids only: the customer of those invoices.
            ids = self._fields["move_ids"].convert_to_cache(values["move_ids"], self)
            moves = self.env["account.move"].browse(ids)
            values["partner_id"] = moves.commercial_partner_id[:1].id
        return values

    @api.depends("partner_id", "company_id")
    def _compute_move_ids(self):
        todo = self.filtered(
            lambda w: (
                w.partner_id
                and (
                    not w.move_ids
                    or w.move_ids.commercial_partner_id != w.partner_id.commercial_partner_id
                )
            )
        )
        for wizard in self - todo:
            wizard.move_ids = wizard.move_ids  # keep the invoices given by the caller
        if not todo:
            return
        moves = self.env["account.move"].search(self._get_default_moves_domain(todo))
        for wizard in todo:
            wizard.move_ids = moves.filtered(
                lambda m, w=wizard: (
                    m.commercial_partner_id == w.partner_id.commercial_partner_id
                    and m.company_id == w.company_id
                    and not m.payment_plan_id
                )
            )

    @api.model
    def _get_default_moves_domain(self, wizards):
        """Hook: the invoices proposed for a new plan (overdue, open, not in a plan)."""
        return [
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("payment_state", "in", ("not_paid", "partial")),
            ("commercial_partner_id", "in", wizards.partner_id.commercial_partner_id.ids),
            ("company_id", "in", wizards.company_id.ids),
            # an instalment past its due date, not only the last one (invoice_date_due)
            ("dunning_overdue", "=", True),
            ("payment_plan_id", "=", False),
        ]

    @api.depends("move_ids", "company_id")
    def _compute_currency_id(self):
        for wizard in self:
            wizard.currency_id = wizard.move_ids.currency_id[:1] or wizard.company_id.currency_id

    @api.depends("move_ids", "include_penalties", "amount_waiver", "currency_id")
    def _compute_amounts(self):
        # The figures of the saved invoices (the wizard's own records may be new ones).
        figures = self.env["recouvrement.penalty"]._get_penalty_claim_figures(
            self.move_ids._origin, fields.Date.context_today(self)
        )
        Plan = self.env["recouvrement.payment.plan"]
        # the open credits the plan would deduct, what the open litigation cases left of them
        # (LEGAL.md, open credits; README, product decisions)
        moves = self.move_ids._origin
        credit_parts = Plan._get_open_credit_parts(moves, fields.Date.context_today(self))
        held = Plan._get_held_credit_amounts(moves)
        for wizard in self:
            plan_credits = Plan._get_plan_credit_parts(
                wizard.partner_id,
                wizard.currency_id,
                wizard.company_id,
                wizard.move_ids._origin,
                credit_parts,
                held,
            )
            amount_credits = wizard.currency_id.round(sum(plan_credits.values()))
            totals = Plan._get_plan_totals(
                wizard.move_ids,
                wizard.currency_id,
                wizard.include_penalties,
                wizard.amount_waiver,
                figures,
                credits=amount_credits,
            )
            wizard.amount_credits = amount_credits
            wizard.amount_invoices = float(totals.invoices)
            wizard.amount_penalties = float(totals.penalties)
            wizard.amount_total = float(totals.total)

    def _prepare_plan_vals(self):
        self.ensure_one()
        return {
            "partner_id": self.partner_id.commercial_partner_id.id,
            "company_id": self.company_id.id,
            "currency_id": self.currency_id.id,
            "move_ids": [Command.set(self.move_ids.ids)],
            "include_penalties": self.include_penalties,
            "amount_waiver": self.amount_waiver,
            "down_payment": self.down_payment,
            "down_payment_date": self.down_payment_date,
            "instalment_count": self.instalment_count,
            "frequency": self.frequency,
            "first_date": self.first_date,
            "tolerance_days": self.tolerance_days,
            "user_id": self.user_id.id,
        }

    def action_create_plan(self):
        """Create the draft plan with its schedule; on bad input nothing is created."""
        self.ensure_one()
        with self.env.cr.savepoint():
            plan = self.env["recouvrement.payment.plan"].create(self._prepare_plan_vals())
            plan._generate_schedule()
        return {
            "type": "ir.actions.act_window",
            "res_model": "recouvrement.payment.plan",
            "res_id": plan.id,
            "view_mode": "form",
            "target": "current",
        }
