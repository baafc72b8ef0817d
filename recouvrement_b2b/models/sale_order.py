from odoo import api, fields, models

from .recouvrement_credit import CREDIT_APPROVAL_FIELDS


class SaleOrder(models.Model):
    _inherit = "sale.order"

    # The credit exposure is read per invoiced customer (recouvrement.credit.exposure).
    partner_invoice_id = fields.Many2one(index=True)

    # --- Credit (service: recouvrement.credit) ------------------------------------------------
    credit_check_mode = fields.Selection(related="company_id.recouvrement_credit_check")
    credit_override_user_id = fields.Many2one(
        "res.users", string="Credit Approved By", copy=False, readonly=True
    )
    credit_override_reason = fields.Text(string="Credit Approval Reason", copy=False, readonly=True)
    credit_override_amount = fields.Float(
        string="Credit Approved Amount",
        copy=False,
        readonly=True,
        help="Amount (company currency, taxes included) the credit approval covers.",
    )
    credit_override_partner_id = fields.Many2one(
        "res.partner",
        string="Credit Approved Customer",
        copy=False,
        readonly=True,
        help="Invoiced customer the credit approval covers.",
    )

    @api.depends("state", "partner_invoice_id")
    def _compute_partner_credit_warning(self):
        # EXTENDS sale: one banner. When the company checks credit, it gives the check's block
        # reasons on the module's exposure (also without credit limits) instead of core's figure.
        checked = self.filtered(lambda o: o.company_id.recouvrement_credit_check != "none")
        res = super(SaleOrder, self - checked)._compute_partner_credit_warning()
        self.env["recouvrement.credit"]._compute_order_warning(checked)
        return res

    @api.model_create_multi
    def create(self, vals_list):
        credit = self.env["recouvrement.credit"]
        for vals in vals_list:
            credit._check_approval_vals(vals)
        orders = super().create(vals_list)
        # defaults (context default_* keys, ir.default) never record an approval either
        for order in orders:
            credit._check_approval_vals({fname: order[fname] for fname in CREDIT_APPROVAL_FIELDS})
        return orders

    def write(self, vals):
        self.env["recouvrement.credit"]._check_approval_vals(vals)
        return super().write(vals)

    def action_confirm(self):
        self._credit_check()
        return super().action_confirm()

    def action_draft(self):
        res = super().action_draft()
        self.env["recouvrement.credit"]._clear_approvals(self)
        return res

    def _action_cancel(self):
        res = super()._action_cancel()
        self.env["recouvrement.credit"]._clear_approvals(self)
        return res

    def action_open_credit_override(self):
        """Open the wizard where a credit manager approves the order with a reason."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Approve Over Credit"),
            "res_model": "recouvrement.credit.override",
            "view_mode": "form",
            # A RedirectWarning's action opens as is in the web client: it needs its views.
            "views": [[False, "form"]],
            "target": "new",
            "context": {"default_order_id": self.id},
        }

    def _credit_check(self):
        """Apply the company's credit check mode to the orders being confirmed."""
        self.env["recouvrement.credit"]._check_orders(self)
