from odoo import fields, models


class RecouvrementLitigation(models.Model):
    _name = "recouvrement.litigation"
    _description = "Litigation Case"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"

    name = fields.Char(string="Reference", required=True, copy=False, default="/")
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    move_ids = fields.Many2many("account.move", string="Invoices")
    litigation_type = fields.Selection(
        [("dispute", "Dispute"), ("recovery", "Legal recovery")],
        string="Type",
        default="dispute",
        required=True,
    )
    is_closed = fields.Boolean(copy=False, index=True)
    suspend_penalties = fields.Boolean(
        help="Late-payment penalties do not accrue on the case's invoices while it is open."
    )
