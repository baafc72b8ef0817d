from odoo import fields, models


class RecouvrementPolicy(models.Model):
    _name = "recouvrement.policy"
    _description = "Dunning Policy"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    level_ids = fields.One2many("recouvrement.level", "policy_id", string="Levels")
