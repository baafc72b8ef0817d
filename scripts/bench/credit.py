# Credit benchmark (figures, not a test): 10 000 customers, 100 000 posted invoices.
#
# Run on a scratch database where recouvrement_b2b is installed (see scripts/bench.sh):
#   PYTHONPATH=scripts/bench/lib .venv/bin/python $ODOO_SRC/odoo-bin shell \
#       -c .odoo/odoo.conf -d <db> --no-http < scripts/bench/credit.py
# `env` is provided by `odoo-bin shell`. Everything is rolled back at the end (kept when the
# environment variable RB2B_BENCH_KEEP is set).
#
# Invoices are built like this: 200 invoices through the ORM (create + post) to measure that
# path, then one template invoice cloned 100 000 times with INSERT ... SELECT (the ORM would take
# hours at the measured rate). Customer 0 gets 2 000 invoices; the others about 10 each.
# ruff: noqa: F821
import time
from datetime import timedelta
from functools import partial

import rb2b_bench

from odoo import Command, fields
from odoo.tools import SQL

PARTNERS = 10_000
INVOICES = 100_000
BIG_PARTNER_INVOICES = 2_000
ORM_SAMPLE = 200


measure = partial(rb2b_bench.measure, env)
company = rb2b_bench.french_company(env)
company.write({"account_use_credit_limit": True, "recouvrement_credit_check": "block"})
today = fields.Date.context_today(env["res.partner"])
print(f"== credit bench on {env.cr.dbname}, company {company.name}, today {today}")

partners = measure(
    f"create {PARTNERS} customers (ORM, one create)",
    lambda: env["res.partner"].create(
        [{"name": f"Client {i:05d}", "is_company": True} for i in range(PARTNERS)]
    ),
)
measure(
    f"set the credit limit of {PARTNERS} customers",
    lambda: partners.write({"credit_limit": 1500.0}),
)
big = partners[0]
big.credit_limit = 10_000_000.0


def invoice_vals(partner, index):
    return {
        "move_type": "out_invoice",
        "partner_id": partner.id,
        "invoice_date": today - timedelta(days=index % 400),
        "invoice_date_due": today - timedelta(days=index % 400) + timedelta(days=30),
        "invoice_line_ids": [
            Command.create(
                {"name": "Prestation", "quantity": 1, "price_unit": 100.0, "tax_ids": []}
            )
        ],
    }


def orm_invoices():
    moves = env["account.move"].create(
        [invoice_vals(partners[1 + i], i) for i in range(ORM_SAMPLE)]
    )
    moves.action_post()
    return moves


start = time.perf_counter()
sample = measure(f"create + post {ORM_SAMPLE} invoices (ORM)", orm_invoices)
per_invoice = (time.perf_counter() - start) / ORM_SAMPLE
print(
    f"   ORM rate: {per_invoice * 1000:.1f} ms/invoice, {INVOICES} would take about "
    f"{per_invoice * INVOICES / 60:.0f} min: SQL clones instead"
)
template = sample[0]


def sql_invoices():
    env.flush_all()
    cr = env.cr
    cr.execute(
        SQL(
            """
            CREATE TEMP TABLE bench_map ON COMMIT DROP AS
            SELECT g,
                   (%(ids)s::int[])[CASE WHEN g <= %(big)s THEN 1 ELSE 2 + mod(g, %(others)s) END]
                       AS partner_id,
                   %(today)s::date - mod(g, 400) AS invoice_date,
                   %(today)s::date - mod(g, 400) + 30 AS due_date,
                   0.5 + mod(g, 20) / 10.0 AS factor
              FROM generate_series(1, %(count)s) g
            """,
            ids=partners.ids,
            big=BIG_PARTNER_INVOICES,
            others=PARTNERS - 1,
            today=today,
            count=INVOICES,
        )
    )
    rb2b_bench.clone_moves(env, template, "BENCH/")
    cr.execute("ANALYZE account_move; ANALYZE account_move_line; ANALYZE res_partner")
    env.invalidate_all()


measure(f"insert {INVOICES} posted invoices (SQL clones of one ORM invoice)", sql_invoices)
env.cr.execute(
    "SELECT COUNT(*) FROM account_move WHERE state = 'posted' AND move_type = 'out_invoice'"
)
print(f"   posted customer invoices: {env.cr.fetchone()[0]}")

print("== measures")
exposures = measure(
    f"exposure of all {PARTNERS} customers (credit_exposure + overdue)",
    lambda: partners.mapped(lambda p: (p.credit_exposure, p.credit_overdue_amount)),
)
total_exposure = sum(e for e, _o in exposures)
total_overdue = sum(o for _e, o in exposures)
print(f"   total exposure {total_exposure:,.2f}, overdue {total_overdue:,.2f}")
measure(
    f"block reasons of all {PARTNERS} customers (batched credit check)",
    lambda: partners.mapped("credit_block_reasons"),
)
over = measure(
    "search exposure above limit (credit_over_limit = True)",
    lambda: env["res.partner"].search([("credit_over_limit", "=", True)]),
)
print(f"   {len(over)} customers over their limit")
measure(
    "search credit_exposure > 1500, sorted by exposure desc, first 80",
    lambda: env["res.partner"].search(
        [("credit_exposure", ">", 1500)], order="credit_exposure desc", limit=80
    ),
)
measure(
    "exposure list (recouvrement.credit.exposure) over limit, first 80",
    lambda: env["recouvrement.credit.exposure"].search_fetch(
        [("over_limit", "=", True)], ["partner_id", "exposure", "credit_limit"], limit=80
    ),
)
product = env["product.product"].create({"name": "Audit", "type": "service", "taxes_id": False})
order = env["sale.order"].create(
    {
        "partner_id": big.id,
        "order_line": [Command.create({"product_id": product.id, "price_unit": 500.0})],
    }
)
print(
    f"   customer {big.name}: {big.credit_exposure:,.2f} exposure, invoices: "
    f"{env['account.move'].search_count([('partner_id', '=', big.id)])}"
)
measure(
    f"credit check of one order ({BIG_PARTNER_INVOICES} invoices customer)",
    order._credit_check,
)
measure(
    f"confirmation of one order ({BIG_PARTNER_INVOICES} invoices customer, check included)",
    order.action_confirm,
)
print(f"   order state: {order.state}")
measure(
    f"payment score of {PARTNERS} customers (batched, stored)",
    lambda: env["recouvrement.credit"]._update_scores(partners),
)
rb2b_bench.finish(env)
