from odoo import fields, models
from odoo.tools import SQL

from .recouvrement_receivable_trend import collector_sql

#: the reasons a customer needs a human today (boolean fields of the worklist, labelled by
#: their string); each has a query in :meth:`RecouvrementWorklist._get_reason_queries`
REASONS = (
    "call_due",
    "promise_due",
    "promise_broken",
    "dispute_deadline",
    "letter_to_post",
    "plan_broken",
    "notice_to_approve",
    "reply_received",
    "call_follow_up",
)

#: priority score (0 to 100): amount, days late, payment score and legal next step
PRIORITY_AMOUNT_POINTS = 40  # x min(overdue amount / PRIORITY_AMOUNT_CAP, 1)
PRIORITY_AMOUNT_CAP = 10000  # company currency
PRIORITY_DAYS_POINTS = 25  # x min(days late / PRIORITY_DAYS_CAP, 1)
PRIORITY_DAYS_CAP = 90
PRIORITY_SCORE_POINTS = {"E": 20, "D": 15, "C": 10, "B": 5, "A": 0}
PRIORITY_LEGAL_POINTS = 15
#: days before a dispute's resolution deadline from which it is on the worklist
DISPUTE_NOTICE_DAYS = 2


class RecouvrementWorklist(models.Model):
    """My actions of the day: the customers who need a human today, with the reasons, ranked
    by priority.

    One row per customer and company, for each reason of ``REASONS`` that holds today (the
    user's date): a call activity due on one of the customer's reminders; a running promise
    whose date came; a broken promise whose activity is still open; an open dispute whose
    deadline is in ``DISPUTE_NOTICE_DAYS`` days or passed; a letter to post; a broken payment
    plan whose activity is still open; a formal notice waiting for approval (a draft event at
    a formal-notice level); a reply received (a query other features add through
    :meth:`_get_reason_queries`); a call follow-up due (a refusal, repeated calls not reached
    or a wrong contact, ``recouvrement.call``).

    The collector (``user_id``) is the customer's ``collection_user_id`` in the company, else
    the default collector of its segment (its dunning policy's ``collection_user_id``), else
    the company's collection responsible (``recouvrement.dunning.policy._get_collectors``).

    Priority (0 to 100, higher first)::

        40 x min(overdue amount / 10 000, 1)      overdue amount net of the open credits
                                                  (credit notes, payments not matched; each
                                                  of its own currency's items only) and
                                                  of the parts under open disputes,
                                                  company currency
      + 25 x min(days late / 90, 1)               age of the oldest overdue item not wholly
                                                  disputed (0 when the open credits cover
                                                  what is overdue)
      + payment score: E 20, D 15, C 10, B 5, A or none 0
      + 15 when the next step is legal            the next level of the ladder is a formal
                                                  notice or a litigation (on an invoice the
                                                  ladder reminds: not in litigation nor in a
                                                  plan, not paused; a level whose minimum
                                                  the amount claimed, net of the open
                                                  credits of its currency, does not meet is
                                                  skipped), or a formal notice waits for
                                                  approval

    A SQL query evaluated when read (``_table_query``): one query whatever the size of the book.
    """

    _name = "recouvrement.worklist"
    _description = "Actions of the Day"
    _auto = False
    _order = "priority desc, overdue_amount desc, partner_id"
    _rec_name = "partner_id"
    _depends = {
        "account.move": [
            "commercial_partner_id",
            "company_id",
            "amount_residual_signed",
            "dunning_level_id",
            "dunning_paused_until",
            "litigation_id",
            "move_type",
            "payment_plan_id",
            "payment_state",
            "penalty_plan_id",
            "state",
        ],
        "account.move.line": [
            "account_id",
            "amount_residual",
            "company_id",
            "date_maturity",
            "parent_state",
            "partner_id",
            "reconciled",
        ],
        "mail.activity": ["active", "activity_type_id", "date_deadline", "res_id", "res_model"],
        "recouvrement.dispute": [
            "amount_company",
            "company_id",
            "deadline",
            "move_id",
            "partner_id",
            "state",
        ],
        "recouvrement.dunning.event": ["company_id", "level_id", "partner_id", "state"],
        "recouvrement.dunning.level": [
            "active",
            "is_formal_notice",
            "min_amount",
            "open_litigation",
            "policy_id",
            "sequence",
        ],
        "recouvrement.dunning.policy": ["collection_user_id"],
        "recouvrement.payment.plan": [
            "company_id",
            "partner_id",
            "proposal_hold_until",
            "state",
        ],
        "recouvrement.promise": ["company_id", "date", "partner_id", "state"],
        "recouvrement.call": ["company_id", "partner_id"],
        "res.company": ["dunning_policy_id", "recouvrement_user_id"],
        "res.partner": [
            "collection_user_id",
            "commercial_partner_id",
            "company_id",
            "credit_score",
            "dunning_paused_until",
            "dunning_policy_id",
        ],
    }

    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one("res.users", string="Collector", readonly=True)
    priority = fields.Float(
        readonly=True,
        digits=(5, 2),
        help="0 to 100, higher first: 40 x min(overdue amount / 10 000, 1) + 25 x min(days "
        "late / 90, 1) + payment score (E 20, D 15, C 10, B 5) + 15 when the next step is legal "
        "(formal notice or litigation).",
    )
    overdue_amount = fields.Monetary(
        readonly=True,
        help="Amount past its due date minus the customer's open credits (credit notes, payments "
        "not matched to an invoice) and the parts contested by open disputes, as the reminders "
        "claim it; company currency.",
    )
    overdue_days = fields.Integer(string="Days Late", readonly=True, aggregator="max")
    credit_score = fields.Char(string="Payment Score", readonly=True)
    next_step_legal = fields.Boolean(
        readonly=True, help="The next step of the ladder is a formal notice or a litigation."
    )
    call_due = fields.Boolean(readonly=True)
    promise_due = fields.Boolean(readonly=True)
    promise_broken = fields.Boolean(readonly=True)
    dispute_deadline = fields.Boolean(string="Dispute Near Its Deadline", readonly=True)
    letter_to_post = fields.Boolean(readonly=True)
    plan_broken = fields.Boolean(string="Payment Plan Broken", readonly=True)
    notice_to_approve = fields.Boolean(string="Formal Notice to Approve", readonly=True)
    reply_received = fields.Boolean(readonly=True)
    call_follow_up = fields.Boolean(
        readonly=True,
        help="A logged call asks for a decision: refusal to pay, not reached several times in "
        "a row, or wrong contact.",
    )
    reasons = fields.Char(compute="_compute_reasons")

    def _compute_reasons(self):
        labels = {name: self._fields[name]._description_string(self.env) for name in REASONS}
        for row in self:
            row.reasons = ", ".join(labels[name] for name in REASONS if row[name])

    @property
    def _table_query(self):
        return self._get_query()

    def _get_reason_queries(self, today):
        """``{reason field: SQL}``: for each reason of ``REASONS``, a query of the
        ``(partner_id, company_id)`` (commercial partner) for which it holds on ``today``.
        Features add theirs by overriding (a reason without query is False)."""
        company_ids = tuple(self.env.companies.ids)
        queries = {
            # calls due on the reminders, records of one company: not on the customer shared
            # by the companies (issue 19)
            "call_due": SQL(
                """
                SELECT e.partner_id, e.company_id
                  FROM mail_activity ma
                  JOIN mail_activity_type mat ON mat.id = ma.activity_type_id
                  JOIN recouvrement_dunning_event e ON e.id = ma.res_id
                 WHERE ma.res_model = 'recouvrement.dunning.event'
                   -- an activity done is deleted, or archived when its type keeps it
                   AND ma.active
                   AND mat.category = 'phonecall'
                   AND ma.date_deadline <= %s
                   AND e.company_id IN %s
                """,
                today,
                company_ids,
            ),
            "promise_due": SQL(
                """
                SELECT partner_id, company_id FROM recouvrement_promise
                 WHERE state = 'running' AND date <= %s AND company_id IN %s
                """,
                today,
                company_ids,
            ),
            "promise_broken": SQL(
                """
                SELECT p.partner_id, p.company_id FROM recouvrement_promise p
                 WHERE p.state = 'broken' AND p.company_id IN %s
                   AND EXISTS (SELECT 1 FROM mail_activity ma
                                WHERE ma.res_model = 'recouvrement.promise' AND ma.res_id = p.id
                                  AND ma.active)
                """,
                company_ids,
            ),
            "dispute_deadline": SQL(
                """
                SELECT partner_id, company_id FROM recouvrement_dispute
                 WHERE state = 'open' AND deadline <= %s AND company_id IN %s
                """,
                fields.Date.add(today, days=DISPUTE_NOTICE_DAYS),
                company_ids,
            ),
            "letter_to_post": SQL(
                """
                SELECT partner_id, company_id FROM recouvrement_dunning_event
                 WHERE state = 'to_post' AND company_id IN %s
                """,
                company_ids,
            ),
            # a broken plan stays broken: it asks for a human while the activity of its break
            # is open (as a broken promise), not every day for ever
            "plan_broken": SQL(
                """
                SELECT pp.partner_id, pp.company_id FROM recouvrement_payment_plan pp
                 WHERE pp.state = 'broken' AND pp.company_id IN %s
                   AND EXISTS (SELECT 1 FROM mail_activity ma
                                WHERE ma.res_model = 'recouvrement.payment.plan'
                                  AND ma.res_id = pp.id
                                  AND ma.active)
                """,
                company_ids,
            ),
            "notice_to_approve": SQL(
                """
                SELECT e.partner_id, e.company_id FROM recouvrement_dunning_event e
                  JOIN recouvrement_dunning_level lv ON lv.id = e.level_id
                 WHERE e.state = 'draft' AND lv.is_formal_notice AND e.company_id IN %s
                """,
                company_ids,
            ),
        }
        # ormcached: no query per read of the worklist (env.ref would check the record exists)
        follow_up_id = self.env["ir.model.data"]._xmlid_to_res_id(
            "recouvrement_b2b.mail_activity_type_call_follow_up", raise_if_not_found=False
        )
        if follow_up_id:
            queries["call_follow_up"] = SQL(
                """
                SELECT ca.partner_id, ca.company_id
                  FROM mail_activity ma
                  JOIN recouvrement_call ca ON ca.id = ma.res_id
                 WHERE ma.res_model = 'recouvrement.call'
                   AND ma.active
                   AND ma.activity_type_id = %s
                   AND ma.date_deadline <= %s
                   AND ca.company_id IN %s
                """,
                follow_up_id,
                today,
                company_ids,
            )
        queries.update(self.env["recouvrement.customer"]._get_worklist_reason_queries(company_ids))
        return queries

    def _get_query(self):
        """SQL of the worklist rows of the current companies at the user's date (see the
        class for the reasons and the priority)."""
        today = fields.Date.context_today(self)
        company_ids = tuple(self.env.companies.ids)
        reason_queries = self._get_reason_queries(today)
        reasons = SQL(" UNION ALL ").join(
            SQL("SELECT q.*, %s AS reason FROM (%s) q", name, query)
            for name, query in reason_queries.items()
        )
        flags = SQL(", ").join(
            SQL("BOOL_OR(r.reason = %s) AS %s", name, SQL.identifier(name))
            if name in reason_queries
            else SQL("FALSE AS %s", SQL.identifier(name))
            for name in REASONS
        )
        score_points = SQL(" ").join(
            SQL("WHEN %s THEN %s", letter, points)
            for letter, points in PRIORITY_SCORE_POINTS.items()
        )
        return SQL(
            """
            WITH reasons AS (%(reasons)s),
                 customers AS (
                     SELECT r.partner_id, r.company_id, %(flags)s
                       FROM reasons r(partner_id, company_id, reason)
                      GROUP BY r.partner_id, r.company_id
                 ),
                 items AS (
                     SELECT lp.commercial_partner_id AS partner_id, l.company_id,
                            l.currency_id, l.amount_residual AS residual, l.date_maturity,
                            l.id AS line_id,
                            -- the part no open dispute contests: reminders pause on the
                            -- disputed part only (as the dunning, spread over the invoice's
                            -- instalments in proportion to their amounts due, company currency)
                            l.amount_residual - CASE
                                WHEN l.amount_residual > 0 AND m.amount_residual_signed > 0
                                THEN LEAST(l.amount_residual, ROUND(
                                    COALESCE(d.amount, 0) * l.amount_residual
                                    / m.amount_residual_signed, cur.decimal_places))
                                ELSE 0 END AS undisputed
                       FROM account_move_line l
                       JOIN account_move m ON m.id = l.move_id
                       JOIN res_partner lp ON lp.id = l.partner_id
                       JOIN account_account a ON a.id = l.account_id
                       JOIN res_company lc ON lc.id = l.company_id
                       JOIN res_currency cur ON cur.id = lc.currency_id
                       JOIN customers cu ON cu.partner_id = lp.commercial_partner_id
                                        AND cu.company_id = l.company_id
                       LEFT JOIN (
                            SELECT move_id, SUM(amount_company) AS amount
                              FROM recouvrement_dispute
                             WHERE state = 'open'
                             GROUP BY move_id
                       ) d ON d.move_id = l.move_id
                      WHERE a.account_type = 'asset_receivable'
                        AND l.parent_state = 'posted'
                        AND NOT l.reconciled
                        AND l.amount_residual != 0
                 ),
                 settled AS (
                     SELECT i.*,
                            -- what is overdue up to this item, oldest first, and the open
                            -- credits of its currency, which settle the oldest first
                            SUM(undisputed) FILTER (
                                WHERE residual > 0 AND date_maturity < %(today)s
                            ) OVER (PARTITION BY partner_id, company_id, currency_id
                                    ORDER BY date_maturity, line_id
                                    ROWS UNBOUNDED PRECEDING) AS due_running,
                            COALESCE(SUM(residual) FILTER (WHERE residual < 0)
                                OVER (PARTITION BY partner_id, company_id, currency_id), 0)
                                AS credits_total
                       FROM items i
                 ),
                 open_items AS (
                     SELECT partner_id, company_id, currency_id,
                            SUM(undisputed) FILTER (
                                WHERE residual > 0 AND date_maturity < %(today)s
                            ) AS due,
                            -- open credits (credit notes, payments not matched): what the
                            -- customer is asked to pay is net of them, currency by currency
                            -- (as the reminders; LEGAL.md, open credits: same currency)
                            SUM(residual) FILTER (WHERE residual < 0) AS credits,
                            -- the oldest overdue item they do not wholly settle
                            MIN(date_maturity) FILTER (
                                WHERE undisputed > 0 AND date_maturity < %(today)s
                                  AND due_running + credits_total > 0
                            ) AS oldest
                       FROM settled
                      GROUP BY partner_id, company_id, currency_id
                 ),
                 overdue AS (
                     SELECT partner_id, company_id,
                            SUM(COALESCE(due, 0) + COALESCE(credits, 0)) AS amount,
                            MIN(oldest) AS oldest
                       FROM open_items
                      WHERE COALESCE(due, 0) + COALESCE(credits, 0) > 0
                      GROUP BY partner_id, company_id
                 ),
                 legal AS (
                     SELECT m.commercial_partner_id AS partner_id, m.company_id,
                            BOOL_OR(nxt.legal) AS legal
                       FROM account_move m
                       JOIN customers cu ON cu.partner_id = m.commercial_partner_id
                                        AND cu.company_id = m.company_id
                       JOIN res_partner rp ON rp.id = m.commercial_partner_id
                       -- an invoice in a case opened by the transfer to litigation: its
                       -- instalments no open case claims go on through the ladder, at their
                       -- own level (recouvrement.dunning._get_not_in_litigation_domain); a
                       -- case opened by hand claims them all (no row, no level)
                       LEFT JOIN LATERAL (
                            SELECT (ARRAY_AGG(sl.dunning_level_id
                                              ORDER BY slv.sequence DESC NULLS LAST))[1]
                                       AS level_id,
                                   SUM(sl.amount_residual) AS amount
                              FROM account_move_line sl
                              JOIN account_account sa ON sa.id = sl.account_id
                              LEFT JOIN recouvrement_dunning_level slv
                                ON slv.id = sl.dunning_level_id
                             WHERE m.litigation_id IS NOT NULL
                               AND sl.move_id = m.id
                               AND sa.account_type = 'asset_receivable'
                               AND NOT sl.reconciled
                               AND sl.amount_residual > 0
                               AND %(not_in_litigation)s
                           ) split ON TRUE
                       JOIN recouvrement_dunning_level lv
                         ON lv.id = CASE WHEN m.litigation_id IS NULL THEN m.dunning_level_id
                                         ELSE split.level_id END
                       LEFT JOIN open_items oi ON oi.partner_id = m.commercial_partner_id
                                              AND oi.company_id = m.company_id
                                              AND oi.currency_id = m.currency_id
                      -- what a reminder of the invoice claims: its amount due, at most the
                      -- net balance of its currency when open credits are deducted from it
                      CROSS JOIN LATERAL (
                            SELECT CASE WHEN oi.credits IS NULL
                                        THEN ow.amount
                                        ELSE LEAST(ow.amount, COALESCE(oi.due, 0) + oi.credits)
                                   END AS amount
                              FROM (SELECT CASE WHEN m.litigation_id IS NULL
                                                THEN m.amount_residual_signed
                                                ELSE split.amount END AS amount) ow
                           ) cl
                      CROSS JOIN LATERAL (
                            -- the next level whose minimum that amount meets (a level under
                            -- its minimum is skipped, recouvrement.dunning
                            -- ._cap_to_net_minimums); litigation never follows a formal
                            -- notice skipped so
                            SELECT n.is_formal_notice OR n.open_litigation AS legal
                              FROM recouvrement_dunning_level n
                             WHERE n.policy_id = lv.policy_id
                               AND n.active
                               AND n.sequence > lv.sequence
                               AND COALESCE(n.min_amount, 0) <= cl.amount
                               AND NOT (n.open_litigation AND EXISTS (
                                    SELECT 1
                                      FROM recouvrement_dunning_level f
                                     WHERE f.policy_id = lv.policy_id
                                       AND f.active
                                       AND f.is_formal_notice
                                       AND f.sequence > lv.sequence
                                       AND f.sequence < n.sequence
                                       AND COALESCE(f.min_amount, 0) > cl.amount))
                             ORDER BY n.sequence, n.id
                             LIMIT 1
                           ) nxt
                      WHERE m.state = 'posted'
                        AND m.move_type = 'out_invoice'
                        AND m.payment_state IN ('not_paid', 'partial')
                        -- invoices the ladder reminds (recouvrement.dunning
                        -- ._search_dunning_lines): not in litigation (the instalments no case
                        -- claims: lv above) nor in a plan, nor held by a proposed plan,
                        -- neither the invoice nor its customer (in the company) paused
                        AND m.payment_plan_id IS NULL
                        AND NOT EXISTS (
                            SELECT 1
                              FROM recouvrement_payment_plan pp
                             WHERE pp.id = m.penalty_plan_id
                               AND pp.state = 'proposed'
                               AND pp.proposal_hold_until >= %(today)s)
                        AND (m.dunning_paused_until IS NULL
                             OR m.dunning_paused_until < %(today)s)
                        AND COALESCE((rp.dunning_paused_until ->> m.company_id::text)::date
                                     < %(today)s, TRUE)
                      GROUP BY m.commercial_partner_id, m.company_id
                 )
            SELECT cu.partner_id::bigint * 100000 + cu.company_id AS id,
                   cu.*,
                   %(collector)s AS user_id,
                   COALESCE(ov.amount, 0) AS overdue_amount,
                   COALESCE(%(today)s::date - ov.oldest, 0) AS overdue_days,
                   rp.credit_score ->> cu.company_id::text AS credit_score,
                   COALESCE(lg.legal, FALSE) OR cu.notice_to_approve AS next_step_legal,
                   ROUND((
                       %(amount_points)s * LEAST(COALESCE(ov.amount, 0) / %(amount_cap)s, 1)
                       + %(days_points)s
                         * LEAST(COALESCE(%(today)s::date - ov.oldest, 0)::numeric
                                 / %(days_cap)s, 1)
                       + CASE rp.credit_score ->> cu.company_id::text %(score_points)s ELSE 0 END
                       + CASE WHEN COALESCE(lg.legal, FALSE) OR cu.notice_to_approve
                              THEN %(legal_points)s ELSE 0 END
                   )::numeric, 2) AS priority
              FROM customers cu
              JOIN res_partner rp ON rp.id = cu.partner_id
              JOIN res_company co ON co.id = cu.company_id
              LEFT JOIN recouvrement_dunning_policy pol ON pol.id = COALESCE(
                   (rp.dunning_policy_id ->> cu.company_id::text)::int, co.dunning_policy_id)
              LEFT JOIN overdue ov ON ov.partner_id = cu.partner_id
                                  AND ov.company_id = cu.company_id
              LEFT JOIN legal lg ON lg.partner_id = cu.partner_id AND lg.company_id = cu.company_id
             WHERE cu.company_id IN %(companies)s
            """,
            reasons=reasons,
            flags=flags,
            collector=collector_sql("rp", "co", "pol"),
            today=today,
            companies=company_ids,
            not_in_litigation=self.env["recouvrement.dunning"]._get_not_in_litigation_sql(
                "sl", "m"
            ),
            amount_points=PRIORITY_AMOUNT_POINTS,
            amount_cap=PRIORITY_AMOUNT_CAP,
            days_points=PRIORITY_DAYS_POINTS,
            days_cap=PRIORITY_DAYS_CAP,
            score_points=score_points,
            legal_points=PRIORITY_LEGAL_POINTS,
        )

    def action_log_call(self):
        """Open the call log of the row's customer (outcome, note)."""
        self.ensure_one()
        return self.env["recouvrement.call.log"]._get_action(self.partner_id, self.company_id)

    def action_open_partner(self):
        """Open the row's customer."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.partner",
            "res_id": self.partner_id.id,
            "view_mode": "form",
        }
