from odoo import api, fields, models
from odoo.tools import formatLang

from ..rules import penalties


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    recouvrement_user_id = fields.Many2one(
        related="company_id.recouvrement_user_id",
        readonly=False,
    )
    recouvrement_share_capital = fields.Monetary(
        related="company_id.recouvrement_share_capital", readonly=False
    )
    recouvrement_promise_tolerance_days = fields.Integer(
        related="company_id.recouvrement_promise_tolerance_days", readonly=False
    )
    recouvrement_dispute_days = fields.Integer(
        related="company_id.recouvrement_dispute_days", readonly=False
    )

    # --- Penalties ----------------------------------------------------------------------------
    penalty_rate_mode = fields.Selection(related="company_id.penalty_rate_mode", readonly=False)
    penalty_contract_rate = fields.Float(related="company_id.penalty_contract_rate", readonly=False)
    penalty_convention = fields.Selection(related="company_id.penalty_convention", readonly=False)
    penalty_indemnity_amount = fields.Float(
        related="company_id.penalty_indemnity_amount", readonly=False
    )
    penalty_indemnity_currency_id = fields.Many2one(
        "res.currency",
        string="Indemnity Currency",
        compute="_compute_penalty_indemnity_currency_id",
    )
    penalty_product_id = fields.Many2one(related="company_id.penalty_product_id", readonly=False)
    penalty_indemnity_product_id = fields.Many2one(
        related="company_id.penalty_indemnity_product_id", readonly=False
    )
    penalty_account_id = fields.Many2one(related="company_id.penalty_account_id", readonly=False)
    penalty_indemnity_account_id = fields.Many2one(
        related="company_id.penalty_indemnity_account_id", readonly=False
    )
    penalty_mention = fields.Text(related="company_id.penalty_mention", readonly=False)
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

    # --- Litigation ---------------------------------------------------------------------------
    recouvrement_bad_debt_account_id = fields.Many2one(
        related="company_id.recouvrement_bad_debt_account_id",
        readonly=False,
    )
    recouvrement_personal_data_years = fields.Integer(
        related="company_id.recouvrement_personal_data_years",
        readonly=False,
    )
    recouvrement_retention_of_title = fields.Boolean(
        related="company_id.recouvrement_retention_of_title",
        readonly=False,
    )

    # --- Dunning ------------------------------------------------------------------------------
    dunning_policy_id = fields.Many2one(
        related="company_id.dunning_policy_id",
        readonly=False,
    )
    penalty_floor_info = fields.Char(compute="_compute_penalty_floor_info")

    def _compute_penalty_indemnity_currency_id(self):
        # the indemnity is fixed in euros (art. D441-5 Code de commerce), shown with its "€"
        self.penalty_indemnity_currency_id = self.env.ref("base.EUR")

    @api.depends("penalty_rate_mode", "penalty_contract_rate")
    def _compute_penalty_floor_info(self):
        """Current legal floor of a contract rate, and whether the contract rate is below it."""
        today = fields.Date.context_today(self)
        half_year = penalties.half_year_of(today)
        label = penalties.half_year_label(half_year)
        table = self.env["recouvrement.penalty.rate"]._get_rate_table()
        for settings in self:
            try:
                info = table.rate_for(half_year, "contract", settings.penalty_contract_rate)
            except penalties.MissingRateError:
                settings.penalty_floor_info = self.env._(
                    "The legal interest rate of half-year %(half_year)s is missing.",
                    half_year=label,
                )
                continue
            floor = formatLang(self.env, float(info.floor), digits=2)
            if info.floor_applied:
                settings.penalty_floor_info = self.env._(
                    "Below the legal floor of %(half_year)s (3 x the legal interest rate): "
                    "%(floor)s %% applies instead.",
                    half_year=label,
                    floor=floor,
                )
            else:
                settings.penalty_floor_info = self.env._(
                    "Legal floor of %(half_year)s (3 x the legal interest rate): %(floor)s %%.",
                    half_year=label,
                    floor=floor,
                )
