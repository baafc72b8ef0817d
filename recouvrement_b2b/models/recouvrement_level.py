from odoo import fields, models


class RecouvrementLevel(models.Model):
    _name = "recouvrement.level"
    _description = "Dunning Level"
    _order = "policy_id, sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    policy_id = fields.Many2one("recouvrement.policy", required=True, ondelete="cascade")
    company_id = fields.Many2one(related="policy_id.company_id", store=True)
    days = fields.Integer(
        help="Days relative to the due date (negative: before it) when this level applies."
    )
    channel = fields.Selection(
        [
            ("email", "Email"),
            ("letter", "Letter"),
            ("registered", "Registered letter"),
            ("phone", "Phone activity"),
            ("none", "None"),
        ],
        default="email",
        required=True,
    )
    claim_penalties = fields.Boolean(help="Claim late-payment penalties and the 40 EUR indemnity.")
    credit_hold = fields.Boolean(string="Put on Credit Hold")
    is_formal_notice = fields.Boolean(string="Formal Notice", help="Mise en demeure.")
    open_litigation = fields.Boolean(string="Open a Litigation Case")
