# ruff: noqa: F821
"""Benchmark: accrued late-payment penalties of 100 000 overdue invoices.

Run through ``odoo-bin shell`` (gets ``env``), e.g. ``make bench`` or
``.venv/bin/python $ODOO_SRC/odoo-bin shell -c .odoo/odoo.conf -d <db> --no-http
< scripts/bench/penalties.py``. Builds 200 seed invoices with the ORM (posted, half of them
partly paid), copies them in SQL to 100 000 invoices (moves, receivable lines and partial
reconciliations), then times ``account.move._get_penalty_figures`` per batch of 1 000 and on
the whole set. Nothing is committed: the transaction is rolled back at the end.
"""

import time
from datetime import date, timedelta

from odoo import Command
from odoo.tools import SQL

TARGET = 100_000
SEEDS = 200
BATCH = 1000
TO_DATE = date(2026, 11, 1)


def columns(table, skip=("id",)):
    rows = env.execute_query(
        SQL(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s",
            table,
        )
    )
    return [name for (name,) in rows if name not in skip]


def setup_company():
    company = env["res.company"].create(
        {"name": "Bench Pénalités SAS", "country_id": env.ref("base.fr").id}
    )
    env.user.company_ids |= company
    env["account.chart.template"].try_loading("fr", company, install_demo=False)
    return company


def make_seeds(company):
    env_c = env(context=dict(env.context, allowed_company_ids=[company.id]))
    partners = env_c["res.partner"].create(
        [{"name": f"Client {i}", "is_company": True} for i in range(20)]
    )
    vals = []
    for i in range(SEEDS):
        invoice_date = date(2024, 1, 1) + timedelta(days=(i * 5) % 900)
        vals.append(
            {
                "move_type": "out_invoice",
                "partner_id": partners[i % 20].id,
                "invoice_date": invoice_date,
                "invoice_date_due": invoice_date + timedelta(days=30),
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Prestation", "quantity": 1, "price_unit": 1000 + i, "tax_ids": []}
                    )
                ],
            }
        )
    moves = env_c["account.move"].create(vals)
    moves.action_post()
    for move in moves[::2]:
        env_c["account.payment.register"].with_context(
            active_model="account.move", active_ids=move.ids
        ).create(
            {
                "amount": 400,
                "payment_date": move.invoice_date_due + timedelta(days=20),
                "payment_difference_handling": "open",
            }
        )._create_payments()
    return moves


def copy_seeds(seeds, copies):
    env.flush_all()
    move_cols = columns("account_move")
    line_cols = columns("account_move_line")
    partial_cols = columns("account_partial_reconcile")
    cr = env.cr
    cr.execute("CREATE TEMP TABLE bench_map (seed_id int, copy_no int, new_id int)")
    # Moves: one copy per (seed, n); the name made unique, the seed kept in ``ref`` to map.
    select = [
        SQL("m.name || '-' || g")
        if col == "name"
        else SQL("m.id || ':' || g")
        if col == "ref"
        else SQL.identifier("m", col)
        for col in move_cols
    ]
    env.execute_query(
        SQL(
            "INSERT INTO account_move (%s) SELECT %s FROM account_move m, "
            "generate_series(1, %s) g WHERE m.id = ANY(%s)",
            SQL(", ").join(SQL.identifier(c) for c in move_cols),
            SQL(", ").join(select),
            copies,
            seeds.ids,
        )
    )
    cr.execute(
        "INSERT INTO bench_map SELECT split_part(ref, ':', 1)::int, "
        "split_part(ref, ':', 2)::int, id FROM account_move WHERE ref ~ '^[0-9]+:[0-9]+$'"
    )
    # Receivable (payment term) lines of the copies.
    select = [
        SQL("bm.new_id") if col == "move_id" else SQL.identifier("l", col) for col in line_cols
    ]
    env.execute_query(
        SQL(
            "INSERT INTO account_move_line (%s) SELECT %s FROM account_move_line l "
            "JOIN bench_map bm ON bm.seed_id = l.move_id WHERE l.display_type = 'payment_term'",
            SQL(", ").join(SQL.identifier(c) for c in line_cols),
            SQL(", ").join(select),
        )
    )
    # Partial reconciliations of the copies (the payment side stays the seed's payment line).
    select = [
        SQL("nl.id") if col == "debit_move_id" else SQL.identifier("p", col) for col in partial_cols
    ]
    env.execute_query(
        SQL(
            "INSERT INTO account_partial_reconcile (%s) SELECT %s FROM account_partial_reconcile p "
            "JOIN account_move_line sl ON sl.id = p.debit_move_id "
            "AND sl.display_type = 'payment_term' "
            "JOIN bench_map bm ON bm.seed_id = sl.move_id "
            "JOIN account_move_line nl ON nl.move_id = bm.new_id "
            "AND nl.display_type = 'payment_term'",
            SQL(", ").join(SQL.identifier(c) for c in partial_cols),
            SQL(", ").join(select),
        )
    )
    cr.execute("SELECT new_id FROM bench_map ORDER BY new_id")
    return env["account.move"].browse([row[0] for row in cr.fetchall()])


start = time.perf_counter()
company = setup_company()
seeds = make_seeds(company)
copies = copy_seeds(seeds, TARGET // SEEDS - 1)
moves = (seeds | copies).with_company(company).with_context(allowed_company_ids=[company.id])
print(f"setup: {len(moves)} posted overdue invoices in {time.perf_counter() - start:.1f}s")
env.invalidate_all()

timings, queries = [], []
total_penalty = 0.0
for offset in range(0, len(moves), BATCH):
    batch = moves.browse(moves.ids[offset : offset + BATCH])
    env.invalidate_all()
    count = env.cr.sql_log_count
    t0 = time.perf_counter()
    figures = batch._get_penalty_figures(TO_DATE)
    timings.append(time.perf_counter() - t0)
    queries.append(env.cr.sql_log_count - count)
    total_penalty += sum(f["penalty"] for f in figures.values())
print(
    f"per batch of {BATCH}: {len(timings)} batches, {sum(timings):.1f}s in all, "
    f"{sum(timings) / len(timings) * 1000:.0f} ms mean, {max(timings) * 1000:.0f} ms max, "
    f"queries per batch min {min(queries)} max {max(queries)}"
)
env.invalidate_all()
count = env.cr.sql_log_count
t0 = time.perf_counter()
figures = moves._get_penalty_figures(TO_DATE)
print(
    f"one call on {len(moves)} invoices: {time.perf_counter() - t0:.1f}s, "
    f"{env.cr.sql_log_count - count} queries; accrued penalties "
    f"{sum(f['penalty'] for f in figures.values()):,.2f} EUR + indemnities "
    f"{sum(f['indemnity'] for f in figures.values()):,.2f} EUR"
)
env.cr.rollback()
