from odoo import api, fields, models
from odoo.tools import SQL

from .recouvrement_receivable_trend import collector_sql, ratio_sql, segment_sql

BUCKETS = [
    ("not_due", "Not Due"),
    ("1_30", "1-30 Days"),
    ("31_60", "31-60 Days"),
    ("61_90", "61-90 Days"),
    ("91_120", "91-120 Days"),
    ("over_120", "Over 120 Days"),
]


class RecouvrementAgedBalance(models.Model):
    """Aged balance: one row per open receivable item, at the user's date.

    A query evaluated when read (``_table_query``, like ``recouvrement.credit.exposure``) and
    not a stored view: the ageing depends on today, which the user's date (and the tests'
    frozen date) gives. Amounts are residuals in the company currency; the ratio fields are
    aggregated by their formula in ``read_group`` (see ``_read_group_select``).
    """

    _name = "recouvrement.aged.balance"
    _description = "Aged Balance"
    _auto = False
    _order = "date_maturity, id"
    _rec_name = "move_id"
    _depends = {
        "account.account": ["account_type"],
        "account.move": [
            "amount_residual_signed",
            "dunning_level_id",
            "litigation_id",
            "payment_plan_id",
        ],
        "account.move.line": [
            "account_id",
            "amount_residual",
            "company_id",
            "date",
            "date_maturity",
            "dunning_level_id",
            "move_id",
            "parent_state",
            "partner_id",
            "reconciled",
        ],
        "res.company": ["currency_id", "dunning_policy_id", "recouvrement_user_id"],
        "res.partner": [
            "collection_user_id",
            "commercial_partner_id",
            "dunning_policy_id",
            "user_id",
        ],
        "recouvrement.dunning.policy": ["collection_user_id", "segment"],
        "recouvrement.promise": ["company_id", "move_ids", "partner_id", "state"],
        "recouvrement.dispute": ["amount_company", "move_id", "state"],
    }

    move_id = fields.Many2one("account.move", string="Entry", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one(
        "res.users",
        string="Collector",
        readonly=True,
        help="The customer's collection responsible in the company, else the company's.",
    )
    segment = fields.Selection(
        [("standard", "Standard"), ("strategic", "Strategic"), ("risky", "Risky")],
        readonly=True,
        help="Segment of the customer's dunning policy (else of the company's default policy).",
    )
    dunning_level_id = fields.Many2one("recouvrement.dunning.level", readonly=True)
    date = fields.Date(readonly=True)
    date_maturity = fields.Date(string="Due Date", readonly=True)
    days_late = fields.Integer(
        readonly=True, aggregator="max", help="Days past the due date (0 when not due)."
    )
    bucket = fields.Selection(BUCKETS, string="Age", readonly=True)
    residual = fields.Monetary(string="Amount Due", readonly=True)
    not_due = fields.Monetary(readonly=True)
    days_1_30 = fields.Monetary(string="1-30", readonly=True)
    days_31_60 = fields.Monetary(string="31-60", readonly=True)
    days_61_90 = fields.Monetary(string="61-90", readonly=True)
    days_91_120 = fields.Monetary(string="91-120", readonly=True)
    days_over_120 = fields.Monetary(string="Over 120", readonly=True)
    overdue = fields.Monetary(
        readonly=True, help="Amount due of the items past their due date (credits included)."
    )
    under_plan = fields.Monetary(
        readonly=True, help="Amount due of the invoices covered by a running payment plan."
    )
    under_litigation = fields.Monetary(
        readonly=True, help="Amount due of the instalments an open litigation case claims."
    )
    under_promise = fields.Monetary(
        readonly=True,
        help="Amount due of the invoices under a running promise to pay (every invoice of the "
        "customer for a promise on the account).",
    )
    disputed = fields.Monetary(
        string="Amount Disputed",
        readonly=True,
        help="Part of the amount due contested by open commercial disputes, in the company "
        "currency, spread over the invoice's instalments in proportion to their amounts due "
        "(at most the item's amount due).",
    )
    share_overdue = fields.Float(
        string="Share Overdue (%)",
        readonly=True,
        aggregator="avg",
        help="Overdue amount / amount due x 100. On a group of rows: the sum of the overdue "
        "amounts divided by the sum of the amounts due.",
    )

    @property
    def _table_query(self):
        return self._get_query()

    def _get_query(self):
        """SQL of the open receivable items of the current companies, aged at the user's
        date (one row per ``account.move.line``)."""
        today = fields.Date.context_today(self)
        late = SQL("GREATEST(%s::date - COALESCE(l.date_maturity, l.date), 0)", today)
        buckets = [
            ("days_1_30", 1, 30),
            ("days_31_60", 31, 60),
            ("days_61_90", 61, 90),
            ("days_91_120", 91, 120),
        ]
        bucket_columns = SQL(", ").join(
            SQL(
                "CASE WHEN %(late)s BETWEEN %(low)s AND %(high)s THEN l.amount_residual ELSE 0 "
                "END AS %(name)s",
                late=late,
                low=low,
                high=high,
                name=SQL.identifier(name),
            )
            for name, low, high in buckets
        )
        return SQL(
            """
            SELECT l.id,
                   l.move_id,
                   rp.id AS partner_id,
                   l.company_id,
                   %(collector)s AS user_id,
                   %(segment)s AS segment,
                   -- each instalment's own level (the ladder works per receivable line,
                   -- recouvrement.dunning._get_reached_sequence): the invoice's only for an
                   -- invoice reminded as a whole, none of its instalments with a level; of an
                   -- invoice a case claims in part, the rest shows its own (issue 17)
                   COALESCE(l.dunning_level_id,
                            CASE WHEN NOT EXISTS (
                                     SELECT 1 FROM account_move_line lvl
                                      WHERE lvl.move_id = m.id
                                        AND lvl.dunning_level_id IS NOT NULL)
                                 THEN m.dunning_level_id END) AS dunning_level_id,
                   l.date,
                   l.date_maturity,
                   %(late)s AS days_late,
                   CASE WHEN %(late)s = 0 THEN 'not_due'
                        WHEN %(late)s <= 30 THEN '1_30'
                        WHEN %(late)s <= 60 THEN '31_60'
                        WHEN %(late)s <= 90 THEN '61_90'
                        WHEN %(late)s <= 120 THEN '91_120'
                        ELSE 'over_120' END AS bucket,
                   l.amount_residual AS residual,
                   CASE WHEN %(late)s = 0 THEN l.amount_residual ELSE 0 END AS not_due,
                   %(bucket_columns)s,
                   CASE WHEN %(late)s > 120 THEN l.amount_residual ELSE 0 END AS days_over_120,
                   CASE WHEN %(late)s > 0 THEN l.amount_residual ELSE 0 END AS overdue,
                   CASE WHEN m.payment_plan_id IS NOT NULL THEN l.amount_residual ELSE 0 END
                       AS under_plan,
                   -- the instalments an open case claims (recouvrement.dunning
                   -- ._get_not_in_litigation_domain): not those a transfer left out
                   CASE WHEN NOT %(not_in_litigation)s THEN l.amount_residual ELSE 0 END
                       AS under_litigation,
                   CASE WHEN m.move_type = 'out_invoice' AND EXISTS (
                            SELECT 1 FROM recouvrement_promise p
                             WHERE p.state = 'running'
                               AND p.company_id = l.company_id
                               AND p.partner_id = rp.id
                               AND (EXISTS (SELECT 1 FROM account_move_recouvrement_promise_rel r
                                             WHERE r.recouvrement_promise_id = p.id
                                               AND r.account_move_id = m.id)
                                    OR NOT EXISTS (
                                        SELECT 1 FROM account_move_recouvrement_promise_rel r
                                         WHERE r.recouvrement_promise_id = p.id))
                        ) THEN l.amount_residual ELSE 0 END AS under_promise,
                   -- company currency, spread over the instalments in proportion to their
                   -- amounts due (as the reminders do): counted once per invoice, rounded
                   -- to the currency as the worklist's
                   CASE WHEN l.amount_residual > 0 AND m.amount_residual_signed > 0
                        THEN LEAST(l.amount_residual, ROUND(COALESCE((
                            SELECT SUM(d.amount_company) FROM recouvrement_dispute d
                             WHERE d.move_id = m.id AND d.state = 'open'), 0)
                             * l.amount_residual / m.amount_residual_signed, cur.decimal_places))
                        ELSE 0 END AS disputed,
                   CASE WHEN %(late)s > 0 THEN 100.0 ELSE 0.0 END AS share_overdue
              FROM account_move_line l
              JOIN account_account a ON a.id = l.account_id
              JOIN account_move m ON m.id = l.move_id
              JOIN res_company c ON c.id = l.company_id
              JOIN res_currency cur ON cur.id = c.currency_id
              LEFT JOIN res_partner lp ON lp.id = l.partner_id
              LEFT JOIN res_partner rp ON rp.id = lp.commercial_partner_id
              LEFT JOIN recouvrement_dunning_policy pol ON pol.id = %(policy)s
             WHERE a.account_type = 'asset_receivable'
               -- as account's partial index account_move_line__unreconciled_index reads it
               AND l.reconciled IS NOT TRUE
               AND l.parent_state = 'posted'
               AND l.amount_residual != 0
               AND l.company_id IN %(companies)s
            """,
            collector=collector_sql("rp"),
            segment=segment_sql("pol"),
            policy=SQL(
                "COALESCE((rp.dunning_policy_id ->> l.company_id::text)::int, c.dunning_policy_id)"
            ),
            late=late,
            bucket_columns=bucket_columns,
            not_in_litigation=self.env["recouvrement.dunning"]._get_not_in_litigation_sql(),
            companies=tuple(self.env.companies.ids),
        )

    @api.model
    def _read_group_select(self, aggregate_spec, query):
        if aggregate_spec.split(":")[0] == "share_overdue":
            return ratio_sql(self._table, "overdue", "residual")
        return super()._read_group_select(aggregate_spec, query)

    def action_open_customer(self):
        """Open the customer of the row."""
        self.ensure_one()
        return self.partner_id._get_records_action(context={})
