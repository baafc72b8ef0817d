from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError


class RecouvrementCreditOverride(models.TransientModel):
    _name = "recouvrement.credit.override"
    _description = "Credit Override Approval"

    order_id = fields.Many2one("sale.order", required=True, ondelete="cascade")
    partner_id = fields.Many2one(related="order_id.partner_id")
    credit_warning = fields.Text(compute="_compute_credit_warning")
    reason = fields.Text(required=True, help="Why the order may be confirmed despite the credit.")

    @api.depends("order_id")
    def _compute_credit_warning(self):
        for wizard in self:
            order = wizard.order_id
            reasons = self.env["recouvrement.credit"]._get_order_reasons(order, order.company_id)
            wizard.credit_warning = "\n".join(reasons.get(order, []))

    def action_approve(self):
        self.ensure_one()
        if not self.env.user.has_group("recouvrement_b2b.recouvrement_group_manager"):
            raise AccessError(
                self.env._(
                    "Only a credit manager can approve order %(order)s over credit.",
                    order=self.order_id.name,
                )
            )
        if self.order_id.company_id.recouvrement_credit_check != "override":
            raise UserError(
                self.env._(
                    "Order %(order)s cannot be approved over credit: the company does not allow "
                    "credit manager approvals.",
                    order=self.order_id.name,
                )
            )
        self.env["recouvrement.credit"]._approve_order(self.order_id, self.reason)
        # Opened from the block's dialog (RedirectWarning) the wizard has no parent form to
        # reload on close: reload the current view, the order shows as confirmed (issue 16).
        return {"type": "ir.actions.client", "tag": "soft_reload"}
