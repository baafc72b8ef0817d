from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    recouvrement_user_id = fields.Many2one(
        related="company_id.recouvrement_user_id",
        readonly=False,
    )

    # --- Litigation ---------------------------------------------------------------------------
    recouvrement_bad_debt_account_id = fields.Many2one(
        related="company_id.recouvrement_bad_debt_account_id",
        readonly=False,
    )
