# Dashboards benchmark (figures, not a test): 10 000 customers, 100 000 posted invoices over
# two years, 60 % of them paid, five collectors.
#
# Run on a scratch database where recouvrement_b2b is installed (see scripts/bench.sh):
#   PYTHONPATH=scripts/bench/lib .venv/bin/python $ODOO_SRC/odoo-bin shell \
#       -c .odoo/odoo.conf -d <db> --no-http < scripts/bench/dashboards.py
# `env` is provided by `odoo-bin shell`. Everything is rolled back at the end (kept when the
# environment variable RB2B_BENCH_KEEP is set).
#
# One invoice and one payment are made through the ORM, then cloned with INSERT ... SELECT (the
# ORM would take hours): invoices 100 000 times, the payment once per paid invoice, with the
# reconciliation (account_partial_reconcile) and the paid invoices' residuals set to 0. Then
# each screen is measured as the web client calls it: the overdue invoice list
# (web_search_read, 80 rows) and each dashboard's read_group (graph and pivot views); the
# receivables trend is a materialized view, its nightly refresh is measured too.
# ruff: noqa: F821
import ast
from functools import partial

import rb2b_bench

from odoo import Command, fields
from odoo.tools import SQL

PARTNERS = 10_000
INVOICES = 100_000
COLLECTORS = 5


company = rb2b_bench.french_company(env)
env = env(context=dict(env.context, tracking_disable=True))
measure = partial(rb2b_bench.measure, env)
today = fields.Date.context_today(env["res.partner"])
print(f"== dashboards bench on {env.cr.dbname}, company {company.name}, today {today}")

users = env["res.users"].create(
    [{"name": f"Collector {i}", "login": f"bench_collector_{i}"} for i in range(COLLECTORS)]
)
partners = measure(
    f"create {PARTNERS} customers (ORM, one create)",
    lambda: env["res.partner"].create(
        [
            {"name": f"Client {i:05d}", "is_company": True, "user_id": users[i % COLLECTORS].id}
            for i in range(PARTNERS)
        ]
    ),
)


def orm_invoice(partner):
    move = env["account.move"].create(
        {
            "move_type": "out_invoice",
            "partner_id": partner.id,
            "invoice_date": today,
            "invoice_date_due": today,
            "invoice_line_ids": [
                Command.create(
                    {"name": "Prestation", "quantity": 1, "price_unit": 100.0, "tax_ids": []}
                )
            ],
        }
    )
    move.action_post()
    return move


template = orm_invoice(partners[0])  # cloned unpaid
paid = orm_invoice(partners[1])
payment = (
    env["account.payment.register"]
    .with_context(active_model="account.move", active_ids=paid.ids)
    .create({"payment_date": today})
    ._create_payments()
)
payment_move = payment.move_id


def sql_book():
    env.flush_all()
    cr = env.cr
    cr.execute(
        SQL(
            """
            CREATE TEMP TABLE bench_map ON COMMIT DROP AS
            SELECT g,
                   (%(ids)s::int[])[1 + mod(g, %(partners)s)] AS partner_id,
                   %(today)s::date - mod(g * 7, 730) AS invoice_date,
                   %(today)s::date - mod(g * 7, 730) + 30 AS due_date,
                   -- paid 0 to 89 days after the due date, never in the future
                   LEAST(%(today)s::date - mod(g * 7, 730) + 30 + mod(g, 90), %(today)s::date)
                       AS pay_date,
                   mod(g, 10) < 6 AND mod(g * 7, 730) > 20 AS paid,
                   0.5 + mod(g, 20) / 10.0 AS factor
              FROM generate_series(1, %(count)s) g
            """,
            ids=partners.ids,
            partners=PARTNERS,
            today=today,
            count=INVOICES,
        )
    )
    rb2b_bench.clone_moves(env, template, "BINV/")
    rb2b_bench.clone_moves(env, payment_move, "BPAY/", "m.paid", payment=True)
    receivable = template.line_ids.filtered(
        lambda line: line.account_id.account_type == "asset_receivable"
    ).account_id
    cr.execute(
        SQL(
            """
            INSERT INTO account_partial_reconcile
                   (debit_move_id, credit_move_id, amount, debit_amount_currency,
                    credit_amount_currency, company_id, debit_currency_id, credit_currency_id,
                    max_date, create_uid, write_uid, create_date, write_date)
            SELECT il.id, pl.id, il.balance, il.balance, il.balance, il.company_id,
                   il.currency_id, pl.currency_id, m.pay_date, 1, 1, now(), now()
              FROM bench_map m
              JOIN account_move_line il ON il.move_name = 'BINV/' || m.g
                                       AND il.account_id = %(receivable)s
              JOIN account_move_line pl ON pl.move_name = 'BPAY/' || m.g
                                       AND pl.account_id = %(receivable)s
             WHERE m.paid
            """,
            receivable=receivable.id,
        )
    )
    for side in ("debit_move_id", "credit_move_id"):
        cr.execute(
            SQL(
                """
                UPDATE account_move_line l
                   SET amount_residual = 0, amount_residual_currency = 0, reconciled = TRUE
                  FROM account_partial_reconcile p
                 WHERE l.id = %s AND l.move_name LIKE 'B%%'
                """,
                SQL.identifier("p", side),
            )
        )
    cr.execute(
        """
        UPDATE account_move m SET payment_state = 'paid', amount_residual = 0,
               amount_residual_signed = 0
          FROM account_move_line l
          JOIN account_partial_reconcile p ON p.debit_move_id = l.id
         WHERE l.move_id = m.id AND m.name LIKE 'BINV/%%'
        """
    )
    cr.execute(
        "ANALYZE account_move; ANALYZE account_move_line; ANALYZE account_partial_reconcile; "
        "ANALYZE res_partner"
    )
    env.invalidate_all()


measure(
    f"insert {INVOICES} posted invoices and their payments (SQL clones of ORM records)",
    sql_book,
)
env.cr.execute(
    "SELECT COUNT(*), COUNT(*) FILTER (WHERE payment_state = 'paid') FROM account_move "
    "WHERE state = 'posted' AND move_type = 'out_invoice'"
)
print("   posted customer invoices: {}, paid: {}".format(*env.cr.fetchone()))

print("== measures (as a credit controller opens each screen)")
Move = env["account.move"]
action = env["ir.actions.act_window"]._for_xml_id("recouvrement_b2b.account_move_action_overdue")
overdue_domain = [*ast.literal_eval(action["domain"]), ("invoice_date_due", "<", today)]
rows = measure(
    "overdue invoice list: first 80 rows (web_search_read) and count",
    lambda: Move.web_search_read(
        overdue_domain,
        {
            "name": {},
            "invoice_partner_display_name": {},
            "invoice_date": {},
            "invoice_date_due": {},
            "dunning_days_late": {},
            "amount_total_signed": {},
            "amount_residual_signed": {},
            "dunning_level_id": {"fields": {"display_name": {}}},
            "dunning_next_date": {},
            "activity_ids": {},
        },
        order="invoice_date_due, id",
        limit=80,
        count_limit=10001,
    ),
)
print(f"   {rows['length']} overdue invoices (count capped at 10 001 as the list does)")

Aged = env["recouvrement.aged.balance"]
Trend = env["recouvrement.receivable.trend"]
bucket_measures = [
    "not_due:sum",
    "days_1_30:sum",
    "days_31_60:sum",
    "days_61_90:sum",
    "days_91_120:sum",
    "days_over_120:sum",
    "residual:sum",
]
groups = measure(
    "aged balance pivot: per customer (10 000 rows), buckets",
    lambda: Aged.read_group([], bucket_measures, ["partner_id"], limit=80, lazy=False),
)
groups = measure(
    "aged balance pivot: per collector x age",
    lambda: Aged.read_group(
        [], ["residual:sum", "share_overdue:avg"], ["user_id", "bucket"], lazy=False
    ),
)
total = sum(g["residual"] for g in groups)
print(f"   open receivables {total:,.2f} in {len(groups)} groups")
measure(
    "aged balance graph: per age",
    lambda: Aged.read_group([], ["residual:sum"], ["bucket"]),
)
measure(
    "aged balance pivot: plan / litigation per segment and company",
    lambda: Aged.read_group(
        [],
        ["under_plan:sum", "under_litigation:sum", "overdue:sum"],
        ["segment", "company_id"],
        lazy=False,
    ),
)
last_12 = [("month", ">=", fields.Date.start_of(fields.Date.subtract(today, months=11), "month"))]
trend_measures = [
    "receivable_end:sum",
    "overdue_end:sum",
    "sales:sum",
    "collected:sum",
    "written_off:sum",
    "share_overdue:avg",
    "dso_simple:avg",
    "dso_countback:avg",
    "cei:avg",
]
measure("receivables dashboard: nightly refresh (REFRESH MATERIALIZED VIEW)", Trend._refresh)
groups = measure(
    "receivables dashboard graph: 12 months",
    lambda: Trend.read_group(last_12, trend_measures, ["month:month"]),
)
for group in groups[-3:]:
    print(
        f"   {group['month:month']}: receivables {group['receivable_end']:,.0f}, "
        f"DSO simple {group['dso_simple'] or 0:.1f} d, count-back "
        f"{group['dso_countback'] or 0:.1f} d, CEI {group['cei'] or 0:.1f} %, overdue "
        f"{group['share_overdue'] or 0:.1f} %"
    )
measure(
    "receivables dashboard pivot: collector x month",
    lambda: Trend.read_group(last_12, trend_measures, ["user_id", "month:month"], lazy=False),
)
measure(
    "receivables dashboard pivot: segment and company x month",
    lambda: Trend.read_group(
        last_12, trend_measures, ["segment", "company_id", "month:month"], lazy=False
    ),
)
measure(
    "receivables dashboard list: 80 rows",
    lambda: Trend.web_search_read(
        last_12, {name.split(":")[0]: {} for name in trend_measures}, limit=80
    ),
)
measure(
    "credit exposure list: first 80 rows",
    lambda: env["recouvrement.credit.exposure"].web_search_read(
        [("exposure", "!=", 0)], {"partner_id": {}, "exposure": {}}, limit=80
    ),
)
# the worklist: a running promise due today for one customer in ten (1 000 rows to act on),
# each with its overdue invoices; read as the list opens (80 rows and the count), for all
# collectors and for one (filter Mine: the company's collection responsible here)
company.recouvrement_user_id = users[0]
measure(
    f"worklist: {PARTNERS // 10} promises due today (ORM, one create)",
    lambda: env["recouvrement.promise"].create(
        [
            {"partner_id": partner.id, "amount": 10.0, "date": today, "company_id": company.id}
            for partner in partners[::10]
        ]
    ),
)
worklist_fields = {
    "priority": {},
    "partner_id": {"fields": {"display_name": {}}},
    "reasons": {},
    "overdue_amount": {},
    "overdue_days": {},
    "credit_score": {},
    "next_step_legal": {},
    "user_id": {"fields": {"display_name": {}}},
}
Worklist = env["recouvrement.worklist"]
rows = measure(
    "worklist: first 80 rows (web_search_read) and count, every collector",
    lambda: Worklist.web_search_read([], worklist_fields, limit=80, count_limit=10001),
)
print(f"   {rows['length']} customers to act on")
measure(
    "worklist: first 80 rows and count, one collector (filter Mine)",
    lambda: Worklist.web_search_read(
        [("user_id", "=", users[0].id)],
        worklist_fields,
        limit=80,
        count_limit=10001,
    ),
)
rb2b_bench.finish(env)
