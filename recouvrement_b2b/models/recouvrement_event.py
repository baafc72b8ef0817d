from odoo import fields, models


class RecouvrementEvent(models.Model):
    _name = "recouvrement.event"
    _description = "Dunning Event"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"

    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    move_ids = fields.Many2many("account.move", string="Invoices")
    level_id = fields.Many2one("recouvrement.level", index=True)
    channel = fields.Selection(
        [
            ("email", "Email"),
            ("letter", "Letter"),
            ("registered", "Registered letter"),
            ("phone", "Phone activity"),
            ("none", "None"),
        ],
    )
    date = fields.Date(required=True, default=fields.Date.context_today, index=True)
    state = fields.Selection(
        [("draft", "Draft"), ("sent", "Sent"), ("failed", "Failed"), ("cancelled", "Cancelled")],
        default="draft",
        required=True,
        index=True,
    )
    currency_id = fields.Many2one("res.currency")
    amount_due = fields.Monetary(currency_field="currency_id")
    user_id = fields.Many2one("res.users", default=lambda self: self.env.user)
