from contextlib import contextmanager

from odoo import api, fields, models
from odoo.tools import SQL, sql

#: months of sales the count-back DSO walks back through (current month included)
COUNTBACK_MONTHS = 12


def collector_sql(partner_alias, company_alias="c", policy_alias="pol"):
    """The collector of a customer in a company: its collection responsible in that company
    (``res.partner.collection_user_id``, company-dependent), else the default collector of its
    segment (``recouvrement.dunning.policy.collection_user_id`` of the customer's policy,
    joined as ``policy_alias``), else the company's (``res.company.recouvrement_user_id``), as
    the worklist and ``recouvrement.dunning.policy._get_collectors``."""
    return SQL(
        "COALESCE((%s ->> %s::text)::int, %s, %s)",
        SQL.identifier(partner_alias, "collection_user_id"),
        SQL.identifier(company_alias, "id"),
        SQL.identifier(policy_alias, "collection_user_id"),
        SQL.identifier(company_alias, "recouvrement_user_id"),
    )


def segment_sql(policy_alias):
    """The customer segment: that of its dunning policy (else the company's default one)."""
    return SQL("%s.segment", SQL.identifier(policy_alias))


def ratio_sql(table, numerator, denominator, factor=100.0):
    """``SUM(numerator) / SUM(denominator) * factor`` (NULL when the denominator is 0)."""
    return SQL(
        "SUM(%(num)s) / NULLIF(SUM(%(den)s), 0) * %(factor)s",
        num=SQL.identifier(table, numerator),
        den=SQL.identifier(table, denominator),
        factor=factor,
    )


def countback_sql(receivable, sales, days):
    """Count-back DSO: the days of sales, walking back month by month from the last one, that
    the receivables amount to.

    While the receivables left exceed a month's sales, the whole month counts (its days) and
    its sales are taken off; the month where they run out counts pro rata (days x receivables
    left / sales of the month). Months without sales count whole while receivables are left.
    Walks back ``len(sales)`` months at most.

    :param receivable: SQL of the receivables at the end of the last month
    :param sales: SQL list, sales of the last month, the month before, ... (negative: 0)
    :param days: SQL list, days of those months
    """
    terms = []
    for k, (month_sales, month_days) in enumerate(zip(sales, days, strict=True)):
        taken = [SQL("GREATEST(%s, 0)", earlier) for earlier in sales[:k]]
        left = SQL("(%s)", SQL(" - ").join([receivable, *taken]))
        terms.append(
            SQL(
                "CASE WHEN %(left)s <= 0 THEN 0 "
                "WHEN %(left)s >= GREATEST(%(sales)s, 0) THEN %(days)s "
                "ELSE %(days)s * %(left)s / %(sales)s END",
                left=left,
                sales=month_sales,
                days=month_days,
            )
        )
    return SQL("(%s)", SQL(" + ").join(terms))


class RecouvrementReceivableTrend(models.Model):
    """Receivables month by month, per company, collector and customer segment.

    A materialized view (``init``), refreshed every night and on demand (``_refresh``): the
    figures of each month come from the whole accounting history, too long to aggregate
    each time a graph is opened (3 s on 100 000 invoices; reading the view: milliseconds).
    Each row holds the month's flows (sales, collections, write-offs) and the month-end
    positions (receivables, overdue part); the ratios (DSO, CEI, share overdue) are computed
    per row and, in ``read_group`` (graph, pivot), from the sums of the group's rows.

    Month-end positions are rebuilt from dated flows: each receivable item counts in the
    receivables from its date and in the overdue part from the day after its due date; each
    reconciliation takes its amount off both items' overdue part from the latest of the
    reconciliation date and that day. Amounts are in the company currency.
    """

    _name = "recouvrement.receivable.trend"
    _description = "Receivables Trend"
    _auto = False
    _order = "month desc, company_id, user_id, segment"
    _rec_name = "month"
    _depends = {
        "account.account": ["account_type"],
        "account.journal": ["type"],
        "account.move": ["move_type", "origin_payment_id"],
        "account.move.line": [
            "account_id",
            "balance",
            "company_id",
            "date",
            "date_maturity",
            "journal_id",
            "move_id",
            "parent_state",
            "partner_id",
        ],
        "account.partial.reconcile": [
            "amount",
            "credit_move_id",
            "debit_move_id",
            "exchange_move_id",
            "max_date",
        ],
        "res.company": ["dunning_policy_id", "recouvrement_user_id"],
        "res.partner": [
            "collection_user_id",
            "commercial_partner_id",
            "dunning_policy_id",
            "user_id",
        ],
        "recouvrement.dunning.policy": ["collection_user_id", "segment"],
    }

    month = fields.Date(readonly=True, help="First day of the month.")
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one(
        "res.users",
        string="Collector",
        readonly=True,
        help="The customers' collection responsible in the company, else the company's.",
    )
    segment = fields.Selection(
        [("standard", "Standard"), ("strategic", "Strategic"), ("risky", "Risky")],
        readonly=True,
        help="Segment of the customers' dunning policy (else of the company's default policy).",
    )
    sales = fields.Monetary(
        readonly=True,
        help="Customer invoices minus credit notes of the month, taxes included.",
    )
    collected = fields.Monetary(
        string="Collections",
        readonly=True,
        help="Payments received in the month (payments and bank statement lines on the "
        "receivable account).",
    )
    written_off = fields.Monetary(
        string="Write-offs",
        readonly=True,
        help="Receivables written off in the month (entries crediting the receivable account "
        "against an expense account, e.g. bad debts; exchange differences excepted).",
    )
    receivable_begin = fields.Monetary(
        string="Opening Receivables",
        readonly=True,
        help="Receivables at the end of the previous month.",
    )
    receivable_end = fields.Monetary(
        string="Closing Receivables", readonly=True, help="Receivables at the end of the month."
    )
    overdue_end = fields.Monetary(
        string="Closing Overdue",
        readonly=True,
        help="Part of the closing receivables past its due date at the end of the month.",
    )
    current_end = fields.Monetary(
        string="Closing Current",
        readonly=True,
        help="Part of the closing receivables not yet due: closing receivables - closing overdue.",
    )
    share_overdue = fields.Float(
        string="Share Overdue (%)",
        readonly=True,
        aggregator="avg",
        help="Closing overdue / closing receivables x 100 (on a group: sums of its rows).",
    )
    dso_simple = fields.Float(
        string="DSO (simple)",
        readonly=True,
        aggregator="avg",
        help="Simple-ratio days sales outstanding: closing receivables / sales of the month x "
        "days of the month. On a group: total closing receivables / total sales x the average "
        "number of days of its months.",
    )
    dso_countback = fields.Float(
        string="DSO (count-back)",
        readonly=True,
        aggregator="avg",
        help="Count-back days sales outstanding: starting from the closing receivables, take "
        "off the sales of the month, then of the month before, and so on; each month wholly "
        "covered counts its days, the month where the receivables run out counts pro rata "
        "(days x receivables left / sales of that month); 12 months back at most. On a group of "
        "several months: computed on the monthly averages of its rows.",
    )
    cei = fields.Float(
        string="CEI (%)",
        readonly=True,
        aggregator="avg",
        help="Collection effectiveness index: (opening receivables + sales - closing "
        "receivables) / (opening receivables + sales - closing current receivables) x 100: "
        "what was collected out of what could be collected; 100 means everything due was "
        "collected. On a group: computed on the sums of its rows.",
    )

    @api.model
    def _month_days_sql(self, month, back):
        """SQL: number of days of the month ``back`` months before ``month`` (a first day)."""
        return SQL(
            "((%(m)s - make_interval(months => %(b)s) + interval '1 month')::date "
            "- (%(m)s - make_interval(months => %(b)s))::date)",
            m=month,
            b=back,
        )

    def init(self):
        lags = SQL(", ").join(
            SQL(
                "COALESCE(LAG(g.sales, %(k)s) OVER w, 0) AS %(name)s",
                k=k,
                name=SQL.identifier(f"sales_{k}"),
            )
            for k in range(1, COUNTBACK_MONTHS)
        )
        row_countback = countback_sql(
            SQL("g.receivable_end"),
            [SQL("g.sales")] + [SQL.identifier(f"sales_{k}") for k in range(1, COUNTBACK_MONTHS)],
            [self._month_days_sql(SQL("g.month"), k) for k in range(COUNTBACK_MONTHS)],
        )
        query = SQL(
            """
            WITH lines AS (
                SELECT l.id, l.company_id, l.date, COALESCE(l.date_maturity, l.date) AS due,
                       l.balance,
                       %(collector)s AS user_id,
                       %(segment)s AS segment,
                       m.move_type IN ('out_invoice', 'out_refund') AS is_sale,
                       (m.origin_payment_id IS NOT NULL OR j.type IN ('bank', 'cash'))
                           AS is_payment,
                       m.move_type = 'entry' AND EXISTS (
                           SELECT 1
                             FROM account_move_line e
                             JOIN account_account ea ON ea.id = e.account_id
                            WHERE e.move_id = l.move_id
                              AND ea.account_type IN ('expense', 'expense_direct_cost')
                       )
                       -- an exchange difference (loss booked on an expense account) is no
                       -- write-off: the payment settled the invoice at another rate
                       AND NOT EXISTS (
                           SELECT 1 FROM account_partial_reconcile x
                            WHERE x.exchange_move_id = l.move_id
                       ) AS is_write_off
                  FROM account_move_line l
                  JOIN account_account a ON a.id = l.account_id
                  JOIN account_move m ON m.id = l.move_id
                  JOIN account_journal j ON j.id = l.journal_id
                  JOIN res_company c ON c.id = l.company_id
                  LEFT JOIN res_partner lp ON lp.id = l.partner_id
                  LEFT JOIN res_partner rp ON rp.id = lp.commercial_partner_id
                  LEFT JOIN recouvrement_dunning_policy pol ON pol.id = COALESCE(
                       (rp.dunning_policy_id ->> l.company_id::text)::int, c.dunning_policy_id)
                 WHERE a.account_type = 'asset_receivable'
                   AND l.parent_state = 'posted'
            ),
            flows AS (
                SELECT company_id, user_id, segment, date AS day, balance AS receivable,
                       CASE WHEN is_sale THEN balance ELSE 0 END AS sales,
                       CASE WHEN is_payment THEN -balance ELSE 0 END AS collected,
                       CASE WHEN is_write_off AND NOT is_payment THEN -balance ELSE 0 END
                           AS written_off,
                       0 AS overdue
                  FROM lines
                 UNION ALL
                -- an item is overdue from the day after its due date
                SELECT company_id, user_id, segment, GREATEST(due + 1, date), 0, 0, 0, 0,
                       balance
                  FROM lines
                 UNION ALL
                -- a reconciliation lowers the overdue part of both items once both are true
                SELECT dl.company_id, dl.user_id, dl.segment,
                       GREATEST(dl.due + 1, dl.date, p.max_date), 0, 0, 0, 0, -p.amount
                  FROM account_partial_reconcile p
                  JOIN lines dl ON dl.id = p.debit_move_id
                 UNION ALL
                SELECT cl.company_id, cl.user_id, cl.segment,
                       GREATEST(cl.due + 1, cl.date, p.max_date), 0, 0, 0, 0, p.amount
                  FROM account_partial_reconcile p
                  JOIN lines cl ON cl.id = p.credit_move_id
            ),
            monthly AS (
                SELECT company_id, COALESCE(user_id, 0) AS user_key,
                       COALESCE(segment, '') AS segment_key,
                       date_trunc('month', day)::date AS month,
                       SUM(receivable) AS receivable, SUM(sales) AS sales,
                       SUM(collected) AS collected, SUM(written_off) AS written_off,
                       SUM(overdue) AS overdue
                  FROM flows
                 GROUP BY 1, 2, 3, 4
            ),
            dims AS (
                SELECT company_id, user_key, segment_key, MIN(month) AS first_month
                  FROM monthly
                 GROUP BY 1, 2, 3
            ),
            grid AS (
                SELECT d.company_id, d.user_key, d.segment_key, s.month::date AS month
                  FROM dims d
                 CROSS JOIN LATERAL generate_series(
                       d.first_month,
                       GREATEST((SELECT MAX(month) FROM monthly),
                                date_trunc('month', CURRENT_DATE)::date),
                       interval '1 month') AS s(month)
            ),
            g AS (
                SELECT grid.company_id, grid.user_key, grid.segment_key, grid.month,
                       COALESCE(mo.sales, 0) AS sales,
                       COALESCE(mo.collected, 0) AS collected,
                       COALESCE(mo.written_off, 0) AS written_off,
                       SUM(COALESCE(mo.receivable, 0)) OVER w AS receivable_end,
                       SUM(COALESCE(mo.receivable, 0)) OVER w - COALESCE(mo.receivable, 0)
                           AS receivable_begin,
                       SUM(COALESCE(mo.overdue, 0)) OVER w AS overdue_end
                  FROM grid
                  LEFT JOIN monthly mo
                         ON mo.company_id = grid.company_id AND mo.user_key = grid.user_key
                        AND mo.segment_key = grid.segment_key AND mo.month = grid.month
                WINDOW w AS (PARTITION BY grid.company_id, grid.user_key, grid.segment_key
                             ORDER BY grid.month)
            ),
            h AS (
                SELECT g.*, %(lags)s
                  FROM g
                WINDOW w AS (PARTITION BY g.company_id, g.user_key, g.segment_key
                             ORDER BY g.month)
            )
            SELECT ROW_NUMBER() OVER (ORDER BY g.company_id, g.user_key, g.segment_key, g.month)
                       AS id,
                   g.month::date,
                   g.company_id::integer,
                   NULLIF(g.user_key, 0)::integer AS user_id,
                   NULLIF(g.segment_key, '')::varchar AS segment,
                   g.sales::numeric, g.collected::numeric, g.written_off::numeric,
                   g.receivable_begin::numeric, g.receivable_end::numeric,
                   g.overdue_end::numeric,
                   (g.receivable_end - g.overdue_end)::numeric AS current_end,
                   %(days)s::integer AS days_0,
                   %(sales_columns)s,
                   (g.overdue_end / NULLIF(g.receivable_end, 0) * 100)::numeric AS share_overdue,
                   (g.receivable_end / NULLIF(g.sales, 0) * %(days)s)::numeric AS dso_simple,
                   %(countback)s::numeric AS dso_countback,
                   ((g.receivable_begin + g.sales - g.receivable_end)
                       / NULLIF(g.receivable_begin + g.sales
                                - (g.receivable_end - g.overdue_end), 0) * 100)::numeric AS cei
              FROM h g
            """,
            collector=collector_sql("rp"),
            segment=segment_sql("pol"),
            lags=lags,
            days=self._month_days_sql(SQL("g.month"), 0),
            sales_columns=SQL(", ").join(
                SQL("%s::numeric", SQL.identifier("g", f"sales_{k}"))
                for k in range(1, COUNTBACK_MONTHS)
            ),
            countback=row_countback,
        )
        cr = self.env.cr
        kind = sql.table_kind(cr, self._table)
        if kind == sql.TableKind.View:
            cr.execute(SQL("DROP VIEW %s", SQL.identifier(self._table)))
        elif kind == sql.TableKind.Materialized:
            cr.execute(SQL("DROP MATERIALIZED VIEW %s", SQL.identifier(self._table)))
        with self._without_jit():
            cr.execute(
                SQL("CREATE MATERIALIZED VIEW %s AS (%s)", SQL.identifier(self._table), query)
            )

    @contextmanager
    def _without_jit(self):
        """Run the block with PostgreSQL's JIT compilation off (then as before): the cost
        estimate of the whole history makes PostgreSQL JIT-compile the ratio expressions with
        inlining, 30 s instead of 3 on 100 000 invoices."""
        cr = self.env.cr
        cr.execute("SELECT current_setting('jit')")
        jit = cr.fetchone()[0]
        cr.execute("SET LOCAL jit = off")
        try:
            yield
        finally:
            cr.execute("SELECT set_config('jit', %s, true)", [jit])

    @api.model
    def _refresh(self):
        """Recompute the figures from the accounting (``REFRESH MATERIALIZED VIEW``).

        Run every night by the cron and from the list's action menu; a few seconds on
        100 000 invoices, after which every graph and pivot reads a few rows per month.
        """
        self.env.flush_all()
        with self._without_jit():
            self.env.cr.execute(SQL("REFRESH MATERIALIZED VIEW %s", SQL.identifier(self._table)))
        self.invalidate_model()

    @api.model
    def _cron_refresh(self):
        """Nightly refresh of the receivables trend (see :meth:`_refresh`)."""
        self._refresh()
        self.env["ir.cron"]._notify_progress(done=1, remaining=0)

    def action_refresh(self):
        """Refresh the figures now (action menu)."""
        self._refresh()
        return {"type": "ir.actions.client", "tag": "reload"}

    @api.model
    def _read_group_select(self, aggregate_spec, query):
        """Ratios of a group from the sums of its rows (their help says how)."""
        fname = aggregate_spec.split(":")[0]
        table = self._table
        if fname == "share_overdue":
            return ratio_sql(table, "overdue_end", "receivable_end")
        if fname == "dso_simple":
            return SQL(
                "%s * AVG(%s)",
                ratio_sql(table, "receivable_end", "sales", factor=1.0),
                SQL.identifier(table, "days_0"),
            )
        if fname == "cei":
            begin, sales, end, current = (
                SQL("SUM(%s)", SQL.identifier(table, col))
                for col in ("receivable_begin", "sales", "receivable_end", "current_end")
            )
            return SQL(
                "(%(b)s + %(s)s - %(e)s) / NULLIF(%(b)s + %(s)s - %(c)s, 0) * 100",
                b=begin,
                s=sales,
                e=end,
                c=current,
            )
        if fname == "dso_countback":
            months = SQL("COUNT(DISTINCT %s)", SQL.identifier(table, "month"))
            sales = [SQL("SUM(%s) / %s", SQL.identifier(table, "sales"), months)] + [
                SQL("SUM(%s) / %s", SQL.identifier(table, f"sales_{k}"), months)
                for k in range(1, COUNTBACK_MONTHS)
            ]
            last = SQL("MAX(%s)", SQL.identifier(table, "month"))
            return countback_sql(
                SQL("SUM(%s) / %s", SQL.identifier(table, "receivable_end"), months),
                sales,
                [self._month_days_sql(last, k) for k in range(COUNTBACK_MONTHS)],
            )
        return super()._read_group_select(aggregate_spec, query)
