from odoo import fields, models
from odoo.tools import SQL


class RecouvrementCreditExposure(models.Model):
    """Credit exposure of each commercial partner in each of the user's companies.

    A SQL query evaluated when read (``_table_query``): always up to date, searchable,
    sortable and groupable on thousands of partners without computing them one by one. Amounts
    are in the company currency; "today" is the user's date (so that tests can freeze it).
    """

    _name = "recouvrement.credit.exposure"
    _description = "Credit Exposure"
    _auto = False
    _order = "exposure desc, partner_id"
    _rec_name = "partner_id"
    # Fields read by the query: flushed before it runs.
    _depends = {
        "account.account": ["account_type"],
        "account.move": [
            "amount_total_signed",
            "commercial_partner_id",
            "company_id",
            "move_type",
            "state",
        ],
        "account.move.line": [
            "account_id",
            "amount_residual",
            "company_id",
            "date_maturity",
            "move_id",
            "parent_state",
            "partner_id",
            "price_total",
            "reconciled",
            "sale_line_ids",
        ],
        "res.company": ["currency_id"],
        "res.currency": ["rounding"],
        "res.partner": [
            "commercial_partner_id",
            "credit_cover_end",
            "credit_cover_start",
            "credit_hold",
            "credit_insured_amount",
            "credit_limit",
            "credit_limit_above_insured",
            "credit_score",
        ],
        "sale.order": [
            "company_id",
            "currency_id",
            "currency_rate",
            "invoice_status",
            "partner_invoice_id",
            "state",
        ],
        "sale.order.line": [
            "display_type",
            "invoice_lines",
            "is_downpayment",
            "order_id",
            "price_total",
            "product_uom_qty",
            "qty_invoiced",
        ],
    }

    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    receivable = fields.Monetary(
        string="Open Receivables", readonly=True, help="Residual of posted receivable items."
    )
    to_invoice = fields.Monetary(
        string="Orders to Invoice",
        readonly=True,
        help="What confirmed sales orders still have to invoice (ordered minus invoiced, taxes "
        "included), whatever the invoicing policy.",
    )
    draft_invoiced = fields.Monetary(
        string="Draft Invoices", readonly=True, help="Total of draft customer invoices and refunds."
    )
    exposure = fields.Monetary(readonly=True)
    credit_limit = fields.Monetary(
        string="Effective Limit",
        readonly=True,
        help="Credit limit applied: the partner's limit, or the insured amount when the company "
        "uses credit insurance and the cover is valid (0: no limit).",
    )
    available = fields.Monetary(string="Available Credit", readonly=True)
    over_limit = fields.Boolean(readonly=True)
    overdue_amount = fields.Monetary(
        readonly=True,
        help="Amount past its due date, net of the open credits (credit notes, payments not "
        "matched to an invoice).",
    )
    oldest_overdue_date = fields.Date(string="Oldest Overdue Due Date", readonly=True)
    overdue_days = fields.Integer(
        string="Days Overdue",
        readonly=True,
        help="Age of the oldest overdue invoice, in days (0 when the open credits cover what is "
        "overdue).",
        aggregator="max",
    )
    # Company-dependent partner values, read in the row's company (not the user's current one).
    credit_score = fields.Selection(
        selection=[("A", "A"), ("B", "B"), ("C", "C"), ("D", "D"), ("E", "E")],
        string="Payment Score",
        readonly=True,
    )
    credit_hold = fields.Boolean(readonly=True)

    def action_open_customer(self):
        """Open the customer of the exposure row."""
        self.ensure_one()
        return self.partner_id._get_records_action(context={})

    @property
    def _table_query(self):
        return self._get_query(
            per_partner=bool(self.env.context.get("recouvrement_exposure_per_partner"))
        )

    def _round_sql(self, amount, rounding):
        """SQL of ``amount`` (numeric SQL) rounded half away from zero to ``rounding`` (SQL of
        a currency's ``rounding``), as ``res.currency.round`` rounds it."""
        return SQL(
            "ROUND((%(amount)s)::numeric / NULLIF(%(rounding)s, 0)) * %(rounding)s",
            amount=amount,
            rounding=rounding,
        )

    def _get_query(self, per_partner=False):
        """SQL of the exposure rows of the current companies, at the user's date.

        Two plans for the same figures: ``per_partner`` (lateral sub-queries using the partner
        indexes: reading a few partners, e.g. the check at order confirmation, costs the same
        whatever their history) or grouped (one aggregate of all open items: searching or
        sorting thousands of partners).
        """
        today = fields.Date.context_today(self)
        partner_model = self.env["res.partner"]
        limit_field = partner_model._fields["credit_limit"]
        companies = [
            SQL(
                "(%s, %s::numeric, %s, %s)",
                company.id,
                limit_field.get_company_dependent_fallback(partner_model.with_company(company))
                or 0.0,
                bool(company.recouvrement_credit_insurance),
                bool(company.account_use_credit_limit),
            )
            for company in self.env.companies
        ]
        company_ids = tuple(self.env.companies.ids)
        # What is overdue is net of the open credits (credit notes, payments not matched, at
        # once whatever their own due date: LEGAL.md, open credits), as the reminders and the
        # worklist claim it; none (0, no oldest date) when they cover it, so that no credit
        # hold fires on a customer who owes nothing overdue (issue 17 #2).
        overdue = SQL(
            """GREATEST(
                   COALESCE(SUM(l.amount_residual) FILTER (
                       WHERE l.amount_residual > 0 AND l.date_maturity < %(today)s), 0)
                   + COALESCE(SUM(l.amount_residual) FILTER (WHERE l.amount_residual < 0), 0),
                   0)""",
            today=today,
        )
        # The oldest overdue date is that of the oldest overdue item the open credits do not
        # wholly settle: they settle the oldest first (as the statement's overdue), so a
        # payment on account that covers the oldest invoice leaves it out of the age.
        receivable = SQL(
            """
            SELECT l.partner_id, l.company_id,
                   SUM(l.amount_residual) AS receivable,
                   %(overdue)s AS overdue_amount,
                   CASE WHEN %(overdue)s > 0 THEN MIN(l.date_maturity) FILTER (
                       WHERE l.date_maturity < %(today)s AND l.amount_residual > 0
                         AND l.overdue_running + l.credits > 0
                   ) END AS oldest_overdue_date
              FROM (
                   SELECT %(partner)s AS partner_id, l.company_id, l.amount_residual,
                          l.date_maturity,
                          -- what is overdue up to this item, oldest first
                          SUM(l.amount_residual) FILTER (
                              WHERE l.amount_residual > 0 AND l.date_maturity < %(today)s
                          ) OVER (PARTITION BY %(partner)s, l.company_id
                                  ORDER BY l.date_maturity, l.id
                                  ROWS UNBOUNDED PRECEDING) AS overdue_running,
                          COALESCE(SUM(l.amount_residual) FILTER (
                              WHERE l.amount_residual < 0
                          ) OVER (PARTITION BY %(partner)s, l.company_id), 0) AS credits
                     FROM account_move_line l
                     JOIN res_partner lp ON lp.id = l.partner_id
                     JOIN account_account a ON a.id = l.account_id
                    WHERE %(where)s
                      AND a.account_type = 'asset_receivable'
                      AND l.parent_state = 'posted'
                      AND NOT l.reconciled
                   ) l
             GROUP BY l.partner_id, l.company_id
            """,
            partner=SQL("lp.commercial_partner_id"),
            today=today,
            overdue=overdue,
            where=SQL("lp.commercial_partner_id = rp.id AND l.company_id = c.company_id")
            if per_partner
            else SQL("l.company_id IN %s", company_ids),
        )
        drafts = SQL(
            """
            SELECT m.commercial_partner_id AS partner_id, m.company_id,
                   SUM(m.amount_total_signed) AS draft_invoiced
              FROM account_move m
             WHERE %(where)s
               AND m.state = 'draft'
               AND m.move_type IN ('out_invoice', 'out_refund')
             GROUP BY m.commercial_partner_id, m.company_id
            """,
            where=SQL("m.commercial_partner_id = rp.id AND m.company_id = c.company_id")
            if per_partner
            else SQL("m.company_id IN %s", company_ids),
        )
        # What confirmed orders still have to invoice, taxes included, whatever the invoicing
        # policy: ordered minus invoiced (draft invoices included: they are counted in
        # ``draft_invoiced``) on each line; a down payment line takes off what its invoices
        # (down payment, then its deduction) still bill, so that it is counted once. Orders
        # fully invoiced are skipped; the customer is the invoiced commercial entity. Amounts
        # to the cent as Odoo's own: each line's share rounded to the order's currency, each
        # order converted and rounded to the company's (``_round_sql``).
        orders = SQL(
            """
            SELECT ip.commercial_partner_id AS partner_id, so.company_id,
                   SUM(%(to_invoice)s) AS to_invoice
              FROM sale_order so
              JOIN res_partner ip ON ip.id = so.partner_invoice_id
              JOIN res_currency oc ON oc.id = so.currency_id
              JOIN res_company co ON co.id = so.company_id
              JOIN res_currency cc ON cc.id = co.currency_id
             CROSS JOIN LATERAL (
                   SELECT SUM(
                          CASE WHEN sol.is_downpayment THEN -COALESCE(dp.amount, 0)
                               -- the share of the line not invoiced yet; negative lines
                               -- (returns, discounts) lower the order as in its total
                               WHEN sol.product_uom_qty <> 0
                               THEN %(line_share)s
                               ELSE 0
                          END) AS amount
                     FROM sale_order_line sol
                     LEFT JOIN LATERAL (
                           SELECT SUM(CASE WHEN im.move_type = 'out_refund'
                                           THEN -il.price_total ELSE il.price_total END)
                                      AS amount
                             FROM sale_order_line_invoice_rel rel
                             JOIN account_move_line il ON il.id = rel.invoice_line_id
                             JOIN account_move im ON im.id = il.move_id
                            WHERE rel.order_line_id = sol.id
                              AND im.state != 'cancel'
                              AND im.move_type IN ('out_invoice', 'out_refund')
                          ) dp ON sol.is_downpayment
                    WHERE sol.order_id = so.id
                      AND sol.display_type IS NULL
                   ) rest
             WHERE %(where)s
               AND so.state = 'sale'
               AND so.invoice_status IS DISTINCT FROM 'invoiced'
             GROUP BY ip.commercial_partner_id, so.company_id
            """,
            where=SQL("ip.commercial_partner_id = rp.id AND so.company_id = c.company_id")
            if per_partner
            else SQL("so.company_id IN %s", company_ids),
            line_share=self._round_sql(
                SQL(
                    "GREATEST((sol.product_uom_qty - sol.qty_invoiced) / sol.product_uom_qty, 0)"
                    " * sol.price_total"
                ),
                SQL("oc.rounding"),
            ),
            to_invoice=self._round_sql(
                SQL("GREATEST(rest.amount, 0) / COALESCE(NULLIF(so.currency_rate, 0), 1)"),
                SQL("cc.rounding"),
            ),
        )
        if per_partner:
            joins = SQL(
                """
                LEFT JOIN LATERAL (%s) aml ON TRUE
                LEFT JOIN LATERAL (%s) dra ON TRUE
                LEFT JOIN LATERAL (%s) ord ON TRUE
                """,
                receivable,
                drafts,
                orders,
            )
        else:
            joins = SQL(
                """
                LEFT JOIN (%(aml)s) aml
                       ON aml.partner_id = rp.id AND aml.company_id = c.company_id
                LEFT JOIN (%(dra)s) dra
                       ON dra.partner_id = rp.id AND dra.company_id = c.company_id
                LEFT JOIN (%(ord)s) ord
                       ON ord.partner_id = rp.id AND ord.company_id = c.company_id
                """,
                aml=receivable,
                dra=drafts,
                ord=orders,
            )
        return SQL(
            """
            SELECT rp.id::bigint * 100000 + c.company_id AS id,
                   rp.id AS partner_id,
                   c.company_id,
                   fig.receivable,
                   fig.to_invoice,
                   fig.draft_invoiced,
                   fig.exposure,
                   lim.credit_limit,
                   CASE WHEN lim.credit_limit > 0 THEN lim.credit_limit - fig.exposure END
                       AS available,
                   c.use_limit AND lim.credit_limit > 0 AND fig.exposure > lim.credit_limit
                       AS over_limit,
                   fig.overdue_amount,
                   aml.oldest_overdue_date,
                   %(today)s::date - aml.oldest_overdue_date AS overdue_days,
                   rp.credit_score ->> c.company_id::text AS credit_score,
                   COALESCE((rp.credit_hold ->> c.company_id::text)::boolean, FALSE)
                       AS credit_hold
              FROM res_partner rp
             CROSS JOIN (VALUES %(companies)s)
                   AS c(company_id, default_limit, use_insurance, use_limit)
                   %(joins)s
             CROSS JOIN LATERAL (
                   SELECT COALESCE(aml.receivable, 0) AS receivable,
                          COALESCE(aml.overdue_amount, 0) AS overdue_amount,
                          COALESCE(ord.to_invoice, 0) AS to_invoice,
                          COALESCE(dra.draft_invoiced, 0) AS draft_invoiced,
                          COALESCE(aml.receivable, 0) + COALESCE(ord.to_invoice, 0)
                              + COALESCE(dra.draft_invoiced, 0) AS exposure
                   ) fig
             CROSS JOIN LATERAL (
                   SELECT CASE
                          WHEN c.use_insurance
                               AND COALESCE((rp.credit_insured_amount
                                             ->> c.company_id::text)::numeric, 0) > 0
                               AND COALESCE((rp.credit_cover_start
                                             ->> c.company_id::text)::date, %(today)s)
                                   <= %(today)s
                               AND COALESCE((rp.credit_cover_end
                                             ->> c.company_id::text)::date, %(today)s)
                                   >= %(today)s
                               AND NOT (
                                   COALESCE((rp.credit_limit_above_insured
                                             ->> c.company_id::text)::boolean, FALSE)
                                   AND COALESCE((rp.credit_limit ->> c.company_id::text)::numeric,
                                                c.default_limit)
                                       > (rp.credit_insured_amount ->> c.company_id::text)::numeric
                               )
                          THEN (rp.credit_insured_amount ->> c.company_id::text)::numeric
                          ELSE COALESCE((rp.credit_limit ->> c.company_id::text)::numeric,
                                        c.default_limit)
                          END AS credit_limit
                   ) lim
             WHERE rp.id = rp.commercial_partner_id
            """,
            today=today,
            companies=SQL(", ").join(companies),
            joins=joins,
        )
