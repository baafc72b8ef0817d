from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import formatLang


class RecouvrementPaymentPlanCredit(models.Model):
    """An open credit of the customer (a credit note or a payment not matched to an invoice)
    deducted from what a payment plan schedules (LEGAL.md, open credits; README product
    decision): the plan asks only the net balance, and its signature matches the credit with
    the plan's invoices."""

    _name = "recouvrement.payment.plan.credit"
    _description = "Payment Plan Deducted Credit"
    _order = "plan_id, id"

    plan_id = fields.Many2one(
        "recouvrement.payment.plan",
        string="Payment Plan",
        required=True,
        ondelete="cascade",
        index=True,
    )
    company_id = fields.Many2one(related="plan_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="plan_id.currency_id")
    move_line_id = fields.Many2one(
        "account.move.line",
        string="Open Credit",
        required=True,
        ondelete="restrict",
        index=True,
        help="The receivable line of the credit note or payment deducted.",
    )
    move_id = fields.Many2one(related="move_line_id.move_id", string="Credit Document")
    amount = fields.Monetary(
        string="Deducted", required=True, help="Open amount of the credit when deducted."
    )
    label = fields.Char(string="Deduction", compute="_compute_label")

    @api.depends("amount", "move_line_id")
    @api.depends_context("lang")
    def _compute_label(self):
        for credit in self:
            credit.label = credit._get_label()

    @api.ondelete(at_uninstall=False)
    def _unlink_except_signed(self):
        """The credits a signed plan deducted are part of the terms the customer signed
        (art. 2240 Code civil, evidence, issue 19): kept with the plan."""
        for credit in self:
            if credit.plan_id._is_signed():
                raise UserError(
                    self.env._(
                        "Payment plan %(plan)s was signed by the customer: the credit "
                        "%(credit)s it deducted cannot be removed.",
                        plan=credit.plan_id.display_name,
                        credit=credit.move_id.display_name,
                    )
                )

    def _get_label(self):
        """The line the printed terms and the form show (one credit): "Less your credit note
        RINV/2026/00001 of 400.00 €", or "Less your payment ..." for an unmatched payment, in
        the language of ``self.env``."""
        self.ensure_one()
        amount = formatLang(self.env, self.amount, currency_obj=self.currency_id)
        if self.move_id.move_type == "out_refund":
            return self.env._(
                "Less your credit note %(credit)s of %(amount)s",
                credit=self.move_id.name,
                amount=amount,
            )
        return self.env._(
            "Less your payment %(credit)s of %(amount)s",
            credit=self.move_line_id.move_id.name,
            amount=amount,
        )
