from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    recouvrement_user_id = fields.Many2one(
        related="company_id.recouvrement_user_id",
        readonly=False,
    )

    # --- Credit -------------------------------------------------------------------------------
    recouvrement_credit_check = fields.Selection(
        related="company_id.recouvrement_credit_check", readonly=False
    )
    recouvrement_credit_check_invoice = fields.Boolean(
        related="company_id.recouvrement_credit_check_invoice", readonly=False
    )
    recouvrement_credit_insurance = fields.Boolean(
        related="company_id.recouvrement_credit_insurance", readonly=False
    )
    recouvrement_hold_overdue_days = fields.Integer(
        related="company_id.recouvrement_hold_overdue_days", readonly=False
    )
    recouvrement_hold_formal_notice = fields.Boolean(
        related="company_id.recouvrement_hold_formal_notice", readonly=False
    )
    recouvrement_hold_litigation = fields.Boolean(
        related="company_id.recouvrement_hold_litigation", readonly=False
    )
    recouvrement_hold_insolvency = fields.Boolean(
        related="company_id.recouvrement_hold_insolvency", readonly=False
    )
