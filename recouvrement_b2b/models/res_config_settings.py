from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    recouvrement_user_id = fields.Many2one(
        related="company_id.recouvrement_user_id",
        readonly=False,
    )

    # --- Dunning ------------------------------------------------------------------------------
    dunning_policy_id = fields.Many2one(
        related="company_id.dunning_policy_id",
        readonly=False,
    )
