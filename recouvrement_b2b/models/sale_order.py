from odoo import api, fields, models
from odoo.exceptions import AccessError


class SaleOrder(models.Model):
    _inherit = "sale.order"

    # --- Credit (service: recouvrement.credit) ------------------------------------------------
    credit_check_mode = fields.Selection(related="company_id.recouvrement_credit_check")
    credit_override_user_id = fields.Many2one(
        "res.users", string="Credit Approved By", copy=False, readonly=True
    )
    credit_override_reason = fields.Text(string="Credit Approval Reason", copy=False, readonly=True)

    @api.depends("state")
    def _compute_partner_credit_warning(self):
        # EXTENDS sale: one banner. When the company checks credit, it gives the check's block
        # reasons on the module's exposure (also without credit limits) instead of core's figure.
        checked = self.filtered(lambda o: o.company_id.recouvrement_credit_check != "none")
        res = super(SaleOrder, self - checked)._compute_partner_credit_warning()
        self.env["recouvrement.credit"]._compute_order_warning(checked)
        return res

    def write(self, vals):
        if (
            {"credit_override_user_id", "credit_override_reason"} & set(vals)
            and not self.env.su
            and not self.env.user.has_group("recouvrement_b2b.recouvrement_group_manager")
        ):
            raise AccessError(self.env._("Only a credit manager can approve an order over credit."))
        return super().write(vals)

    def action_confirm(self):
        self._credit_check()
        return super().action_confirm()

    def action_open_credit_override(self):
        """Open the wizard where a credit manager approves the order with a reason."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Approve Over Credit"),
            "res_model": "recouvrement.credit.override",
            "view_mode": "form",
            "target": "new",
            "context": {"default_order_id": self.id},
        }

    def _credit_check(self):
        """Apply the company's credit check mode to the orders being confirmed."""
        self.env["recouvrement.credit"]._check_orders(self)
