from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare, float_is_zero, format_amount, format_date

from ..rules import schedule
from .recouvrement_payment_plan import currency_digits


class RecouvrementPaymentPlanLine(models.Model):
    _name = "recouvrement.payment.plan.line"
    _description = "Payment Plan Instalment"
    _order = "plan_id, date_due, sequence, id"
    _rec_name = "date_due"

    plan_id = fields.Many2one(
        "recouvrement.payment.plan",
        string="Payment Plan",
        required=True,
        ondelete="cascade",
        index=True,
    )
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(related="plan_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="plan_id.currency_id")
    partner_id = fields.Many2one(related="plan_id.partner_id", string="Customer", store=True)
    plan_state = fields.Selection(related="plan_id.state", string="Plan Status")
    date_due = fields.Date(string="Due Date", required=True)
    amount = fields.Monetary(required=True)
    is_down_payment = fields.Boolean(string="Down Payment")
    amount_paid = fields.Monetary(
        string="Paid",
        compute="_compute_amount_paid",
        store=True,
        help="Payments on the plan's invoices, allocated to the instalments oldest due date first.",
    )
    amount_residual = fields.Monetary(
        string="Left to Pay", compute="_compute_amount_paid", store=True
    )
    state = fields.Selection(
        [
            ("to_pay", "To Pay"),
            ("partial", "Partly Paid"),
            ("paid", "Paid in full"),
            ("late", "Late"),
        ],
        compute="_compute_state",
        store=True,
        index=True,
    )

    @api.depends("plan_id.amount_paid", "plan_id.line_ids.amount", "plan_id.line_ids.date_due")
    def _compute_amount_paid(self):
        for plan in self.plan_id:
            lines = plan.line_ids.sorted(lambda line: (line.sequence, line.id))
            balances = schedule.instalment_balances(
                plan.amount_paid,
                [(line.date_due, line.amount) for line in lines],
                digits=currency_digits(plan.currency_id),
            )
            for line, (paid, left) in zip(lines, balances, strict=True):
                if line in self:
                    line.amount_paid = float(paid)
                    line.amount_residual = float(left)
        for line in self.filtered(lambda line: not line.plan_id):
            line.amount_paid = 0.0
            line.amount_residual = line.amount

    @api.depends(
        "plan_id.name",
        "plan_id.line_ids.sequence",
        "plan_id.line_ids.is_down_payment",
        "date_due",
        "amount",
        "currency_id",
    )
    def _compute_display_name(self):
        # the calendar's events, the chatter and the links: "ECH/2026/0001, instalment 2:
        # 1,580.00 EUR on 01/12/2026", numbered as the agreement numbers them (the down
        # payment apart), the date and amount in the reader's format (issue 16: ISO dates)
        numbers = {}
        for plan in self.plan_id:
            instalments = plan.line_ids.filtered(lambda line: not line.is_down_payment)
            for number, line in enumerate(
                instalments.sorted(lambda line: (line.sequence, line.date_due, line.id)), start=1
            ):
                numbers[line] = number
        for line in self:
            values = {
                "plan": line.plan_id.name or "",
                "amount": format_amount(self.env, line.amount, line.currency_id),
                "date": format_date(self.env, line.date_due),
            }
            if line.is_down_payment:
                line.display_name = self.env._(
                    "%(plan)s, down payment: %(amount)s on %(date)s", **values
                )
            else:
                line.display_name = self.env._(
                    "%(plan)s, instalment %(number)s: %(amount)s on %(date)s",
                    number=numbers.get(line, ""),
                    **values,
                )

    @api.depends("amount", "amount_paid", "date_due")
    def _compute_state(self):
        today = fields.Date.context_today(self)
        for line in self:
            rounding = line.currency_id.rounding or 0.01
            if float_is_zero(line.amount_residual, precision_rounding=rounding):
                line.state = "paid"
            elif line.date_due and line.date_due < today:
                line.state = "late"
            elif float_compare(line.amount_paid, 0.0, precision_rounding=rounding) > 0:
                line.state = "partial"
            else:
                line.state = "to_pay"

    @api.constrains("amount")
    def _check_amount(self):
        for line in self:
            rounding = line.currency_id.rounding or 0.01
            if float_compare(line.amount, 0.0, precision_rounding=rounding) <= 0:
                raise ValidationError(
                    self.env._(
                        "Payment plan %(plan)s: the %(field)s of the instalment due %(date)s "
                        "must be positive (not %(amount)s).",
                        plan=line.plan_id.display_name,
                        field=line._fields["amount"]._description_string(self.env),
                        date=format_date(self.env, line.date_due),
                        amount=format_amount(self.env, line.amount, line.currency_id),
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        plans = self.env["recouvrement.payment.plan"].browse(
            [vals["plan_id"] for vals in vals_list if vals.get("plan_id")]
        )
        self._raise_if_frozen(plans)
        return super().create(vals_list)

    def write(self, vals):
        self._raise_if_frozen(self.plan_id)
        if vals.get("plan_id"):
            self._raise_if_frozen(self.plan_id.browse(vals["plan_id"]))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_proposed(self):
        self._raise_if_frozen(self.plan_id)

    def _raise_if_frozen(self, plans):
        """The schedule is what the customer was offered or signed: instalments change only
        while their plan is a draft (reset a proposed plan to draft to change it)."""
        frozen = plans.filtered(lambda plan: plan.state != "draft")
        if frozen:
            raise UserError(
                self.env._(
                    "Payment plan %(plan)s is %(state)s: its %(field)s can no longer be "
                    "changed; reset it to draft first.",
                    plan=frozen[0].display_name,
                    field=frozen[0]._fields["line_ids"]._description_string(self.env),
                    state=dict(frozen[0]._fields["state"]._description_selection(self.env))[
                        frozen[0].state
                    ],
                )
            )

    def _recompute_late(self, today):
        """Mark the instalments whose due date has passed (the state depends on the day)."""
        lines = self.filtered(
            lambda line: line.state in ("to_pay", "partial") and line.date_due < today
        )
        if lines:
            self.env.add_to_compute(self._fields["state"], lines)
            lines.flush_recordset(["state"])
        return lines
