from odoo import api, fields, models

from ..tools.bounds import check_bounds, check_date_horizon

#: days of a promise tolerance, a dispute deadline: at most a year (issue 19)
MAX_COCKPIT_DAYS = 365
#: years the personal data of a settled customer are kept at most: the ten years of the
#: accounting records (art. L123-22 Code de commerce)
MAX_PERSONAL_DATA_YEARS = 10
#: share capital printed on the letters (R123-238): not negative, at most a thousand billion
MAX_SHARE_CAPITAL = 10**12
#: days overdue before an automatic credit hold: at most 5 years, when the claim is
#: time-barred (art. L110-4 Code de commerce)
MAX_HOLD_OVERDUE_DAYS = 1825


class ResCompany(models.Model):
    _inherit = "res.company"

    # No size (l10n_fr: 14): a value too long must be refused by the check, not cut.
    siret = fields.Char(size=None)
    recouvrement_user_id = fields.Many2one(
        "res.users",
        string="Collection Responsible",
        help="Default user for collection activities (phone reminders, broken payment plans, "
        "credit override approvals).",
    )
    # Art. R123-238 Code de commerce: a company's letters state its share capital.
    recouvrement_share_capital = fields.Monetary(
        string="Share Capital",
        currency_field="currency_id",
        help="Share capital printed with the company's identification on the dunning letters, "
        "formal notices and payment plan agreements (art. R123-238 Code de commerce). Empty: "
        "not printed.",
    )

    # --- Collector's cockpit ------------------------------------------------------------------
    recouvrement_promise_tolerance_days = fields.Integer(
        string="Promise Tolerance (days)",
        default=3,
        help="Days after a promised payment date before the promise counts as broken and "
        "reminders resume.",
        aggregator=None,
    )
    recouvrement_dispute_days = fields.Integer(
        string="Dispute Resolution Days",
        default=15,
        help="Default resolution deadline of a commercial dispute, in days from its opening.",
        aggregator=None,
    )

    # --- Credit -------------------------------------------------------------------------------
    recouvrement_credit_check = fields.Selection(
        [
            ("none", "No check"),
            ("warning", "Warning only"),
            ("block", "Block"),
            ("override", "Block, a credit manager may approve"),
        ],
        string="Credit Check on Orders",
        default="warning",
        required=True,
        help="What happens when a sales order is confirmed for a customer over its credit "
        "limit or on credit hold.",
    )
    recouvrement_credit_check_invoice = fields.Boolean(
        string="Credit Check on Invoices",
        help="Also check the customer's credit when a customer invoice is posted.",
    )
    recouvrement_credit_insurance = fields.Boolean(
        string="Credit Insurance",
        help="The insured amount of a customer with a valid cover is its effective credit limit, "
        "unless a credit manager allows a higher limit.",
    )
    recouvrement_hold_overdue_days = fields.Integer(
        string="Hold After Days Overdue",
        help="Block customers whose oldest overdue invoice is late by more than this number of "
        "days (0: never).",
        aggregator=None,
    )
    recouvrement_hold_formal_notice = fields.Boolean(
        string="Hold After Formal Notice",
        help="Block customers who were sent a formal notice (mise en demeure) and still owe an "
        "overdue amount.",
    )
    recouvrement_hold_litigation = fields.Boolean(
        string="Hold During Litigation",
        help="Block customers with an invoice in an open litigation case.",
    )
    recouvrement_hold_insolvency = fields.Boolean(
        string="Hold Ceased or Insolvent Customers",
        default=True,
        help="Block customers whose company has ceased or is in collective proceedings.",
    )

    # --- Litigation ---------------------------------------------------------------------------
    recouvrement_personal_data_years = fields.Integer(
        string="Personal Data Retention (Years)",
        default=5,
        help="Collection notes about natural persons are anonymised this many years after the "
        "debt is settled (CNIL référentiel 'gestion des impayés': until settlement, then "
        "archived for the limitation period).",
    )
    recouvrement_retention_of_title = fields.Boolean(
        string="Retention of Title",
        help="Customer invoices carry a retention-of-title clause by default (clause de "
        "réserve de propriété, art. 2367 Code civil): in collective proceedings the goods are "
        "claimed back within 3 months of the judgment's publication (art. L624-9 Code de "
        "commerce).",
    )
    recouvrement_bad_debt_account_id = fields.Many2one(
        "account.account",
        string="Bad-debt Account",
        check_company=True,
        domain="[('account_type', 'in', ('expense', 'expense_other'))]",
        help="Default expense account of litigation write-offs (e.g. 654100 Pertes sur créances "
        "irrécouvrables); empty: the first 654 account of the chart.",
    )

    # --- Dunning ------------------------------------------------------------------------------
    dunning_policy_id = fields.Many2one(
        "recouvrement.dunning.policy",
        string="Default Dunning Policy",
        domain="[('company_id', '=', id)]",
        help="Dunning ladder of the customers that have no policy of their own.",
    )
    dunning_first_run_date = fields.Date(
        string="First Dunning Run",
        readonly=True,
        copy=False,
        help="Day of the company's first dunning run, sent from the run wizard once the user "
        "checked how many customers reach each level. Until then the daily cron sends nothing "
        "for the company.",
    )

    # --- Penalties ----------------------------------------------------------------------------
    penalty_rate_mode = fields.Selection(
        [
            ("legal_default", "Legal default (ECB rate + 10 points)"),
            ("contract", "Contract rate"),
        ],
        string="Penalty Rate",
        default="legal_default",
        required=True,
        help="Legal default: ECB main refinancing rate in force on 1 January (first half-year) "
        "or 1 July (second half-year) plus 10 points (art. L441-10 II Code de commerce). "
        "Contract rate: the rate of your terms of sale, never below 3 times the legal interest "
        "rate of the half-year.",
    )
    penalty_contract_rate = fields.Float(
        string="Contract Penalty Rate (%)",
        digits=(16, 2),
        help="Annual rate of your terms of sale; a customer may have its own. Below the floor "
        "(3 x the legal interest rate), the floor applies.",
        aggregator=None,
    )
    penalty_convention = fields.Selection(
        [
            ("half_year", "Rate of each half-year"),
            ("fixed", "Rate of the first half-year late"),
        ],
        string="Penalty Rate over a Long Delay",
        default="half_year",
        required=True,
        help="Each day of delay takes the rate of its half-year, or the whole delay takes the "
        "rate of the half-year of the first day late.",
    )
    penalty_indemnity_amount = fields.Float(
        string="Recovery Indemnity (EUR)",
        digits=(16, 2),
        default=40.0,
        help="Fixed indemnity for recovery costs per invoice paid late (art. D441-5 Code de "
        "commerce: 40 EUR), converted at the due date for invoices in another currency.",
    )
    penalty_product_id = fields.Many2one(
        "product.product",
        help="Product of the late-payment penalty lines (no tax: outside the scope of VAT).",
    )
    penalty_indemnity_product_id = fields.Many2one(
        "product.product",
        string="Indemnity Product",
        help="Product of the recovery indemnity lines (no tax: outside the scope of VAT).",
    )
    penalty_account_id = fields.Many2one(
        "account.account",
        string="Penalty Income Account",
        check_company=True,
        help="Empty: 7638 (Revenus des créances diverses) of the French chart.",
    )
    penalty_indemnity_account_id = fields.Many2one(
        "account.account",
        string="Indemnity Income Account",
        check_company=True,
        help="Empty: 7588 / 758 (Produits divers de gestion courante) of the French chart: the "
        "indemnity compensates recovery costs, it pays for no service (hence no VAT and not "
        "7088, income from ancillary activities).",
    )
    penalty_mention = fields.Text(
        string="Late-Payment Mention",
        translate=True,
        help="Text printed on customer invoices (art. L441-9 Code de commerce). Empty: the "
        "default text. Placeholders: {due_date}, {rate}, {indemnity}.",
    )

    # --- Credit -------------------------------------------------------------------------------

    @api.constrains("penalty_contract_rate", "penalty_indemnity_amount")
    def _check_penalty_settings(self):
        self.env["recouvrement.penalty"]._check_penalty_settings(
            self, "penalty_contract_rate", "penalty_indemnity_amount"
        )

    @api.constrains(
        "recouvrement_promise_tolerance_days",
        "recouvrement_dispute_days",
        "recouvrement_personal_data_years",
        "recouvrement_share_capital",
    )
    def _check_recouvrement_bounds(self):
        # beyond them, the dates computed from these settings overflow (issue 19)
        check_bounds(self, "recouvrement_promise_tolerance_days", 0, MAX_COCKPIT_DAYS)
        check_bounds(self, "recouvrement_dispute_days", 0, MAX_COCKPIT_DAYS)
        check_bounds(self, "recouvrement_personal_data_years", 1, MAX_PERSONAL_DATA_YEARS)
        check_bounds(self, "recouvrement_share_capital", 0, MAX_SHARE_CAPITAL)

    @api.constrains("recouvrement_hold_overdue_days")
    def _check_recouvrement_hold_overdue_days(self):
        # past 5 years the claim is time-barred (art. L110-4 Code de commerce): no hold waits
        check_bounds(self, "recouvrement_hold_overdue_days", 0, MAX_HOLD_OVERDUE_DAYS)

    @api.constrains("dunning_first_run_date")
    def _check_dunning_first_run_date(self):
        # the day of a run sent (the run wizard records it): never a day to come (issue 19)
        check_date_horizon(self, ["dunning_first_run_date"])
