"""Helpers shared by the benchmarks of scripts/bench (figures, not tests).

The benchmarks run as ``odoo-bin shell < script``: scripts/bench.sh and
scripts/bench/production/run.sh put this folder on ``PYTHONPATH``; by hand, run them with
``PYTHONPATH=scripts/bench/lib`` from the repository's root.
"""

import os
import time

from odoo import Command, fields
from odoo.tools import SQL


def measure(env, label, func):
    """Run ``func`` (caches flushed and emptied first) and print its time and queries, the
    final flush included; return its result."""
    env.flush_all()
    env.invalidate_all()
    queries = env.cr.sql_log_count
    start = time.perf_counter()
    result = func()
    env.flush_all()
    elapsed = time.perf_counter() - start
    print(f"{label}: {elapsed:.3f} s, {env.cr.sql_log_count - queries} queries", flush=True)
    return result


def finish(env):
    """End a benchmark: its data committed when RB2B_BENCH_KEEP is set, else rolled back."""
    if os.environ.get("RB2B_BENCH_KEEP"):
        env.cr.commit()
        print("== done (data kept: RB2B_BENCH_KEEP)")
    else:
        env.cr.rollback()
        print("== done (rolled back)")


def french_company(env):
    """``env.company``, given the French chart of accounts when it has none (a fresh database
    without demo data)."""
    company = env.company
    if not company.chart_template:
        company.country_id = env.ref("base.fr")
        env["account.chart.template"].try_loading("fr", company, install_demo=False)
    return company


# --- SQL clones of ORM records (scripts/bench/credit.py, scripts/bench/dashboards.py) -------
# The ORM would take hours for 100 000 invoices: one invoice (or payment) is made through the
# ORM, then cloned with INSERT ... SELECT, once per row of a temporary table ``bench_map``
# (columns ``g``: the row's number, ``partner_id``, ``invoice_date``, ``due_date``, ``factor``
# (the amounts' multiplier), and ``pay_date`` for payments).

#: numeric columns multiplied by ``bench_map.factor`` besides the ``amount_*`` ones
_AMOUNT_COLUMNS = ("debit", "credit", "balance", "price_unit", "price_subtotal", "price_total")


def columns(env, table):
    """``[(column name, data type)]`` of ``table``, ``id`` aside."""
    env.cr.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_name = %s AND column_name != 'id' ORDER BY ordinal_position",
        [table],
    )
    return env.cr.fetchall()


def select_list(table_columns, overrides, alias):
    """The SELECT list copying ``table_columns`` of the row ``alias``: ``overrides`` (``{column:
    SQL}``) replace columns, amounts are multiplied by ``m.factor``."""
    items = []
    for name, data_type in table_columns:
        if name in overrides:
            items.append(overrides[name])
        elif data_type == "numeric" and (name.startswith("amount_") or name in _AMOUNT_COLUMNS):
            items.append(SQL("%s * m.factor", SQL.identifier(alias, name)))
        else:
            items.append(SQL.identifier(alias, name))
    return SQL(", ").join(items)


def clone_moves(env, source, prefix, where="TRUE", payment=False):
    """Clone ``source`` (a posted account.move and its lines) once per row ``m`` of
    ``bench_map`` matching ``where`` (SQL): named ``prefix || m.g``, for ``m.partner_id``,
    dated ``m.invoice_date`` and due ``m.due_date``, or dated ``m.pay_date`` for a
    ``payment``; the clones are not reconciled."""
    cr = env.cr
    move_columns = columns(env, "account_move")
    names = {name for name, _type in move_columns}
    date = "m.pay_date" if payment else "m.invoice_date"
    overrides = {
        "name": SQL("%s || m.g", prefix),
        "partner_id": SQL("m.partner_id"),
        "commercial_partner_id": SQL("m.partner_id"),
        "date": SQL(date),
        "invoice_date": SQL("NULL") if payment else SQL("m.invoice_date"),
        "invoice_date_due": SQL("NULL") if payment else SQL("m.due_date"),
        "sequence_prefix": SQL("%s", prefix),
        "sequence_number": SQL("m.g"),
        "payment_reference": SQL("%s || m.g", prefix),
        "origin_payment_id": SQL("NULL"),
    }
    overrides = {k: v for k, v in overrides.items() if k in names}
    cr.execute(
        SQL(
            "INSERT INTO account_move (%s) SELECT %s FROM account_move t, bench_map m "
            "WHERE t.id = %s AND %s",
            SQL(", ").join(SQL.identifier(name) for name, _type in move_columns),
            select_list(move_columns, overrides, "t"),
            source.id,
            SQL(where),
        )
    )
    line_columns = columns(env, "account_move_line")
    line_overrides = {
        "move_id": SQL("nm.id"),
        "move_name": SQL("nm.name"),
        "partner_id": SQL("m.partner_id"),
        "date": SQL(date),
        "invoice_date": SQL("nm.invoice_date"),
        "date_maturity": SQL(
            "CASE WHEN t.date_maturity IS NOT NULL THEN %s END",
            SQL("m.pay_date") if payment else SQL("m.due_date"),
        ),
        "payment_id": SQL("NULL"),
        "reconciled": SQL("FALSE"),
        "full_reconcile_id": SQL("NULL"),
        "matching_number": SQL("NULL"),
    }
    cr.execute(
        SQL(
            "INSERT INTO account_move_line (%s) SELECT %s FROM account_move_line t "
            "CROSS JOIN bench_map m JOIN account_move nm ON nm.name = %s || m.g "
            "AND nm.journal_id = %s WHERE t.move_id = %s AND %s",
            SQL(", ").join(SQL.identifier(name) for name, _type in line_columns),
            select_list(line_columns, line_overrides, "t"),
            prefix,
            source.journal_id.id,
            source.id,
            SQL(where),
        )
    )


# --- the dunning book (scripts/bench/dunning.py, scripts/bench/production/book.py) ---------

#: due dates spread over the ladder: -3 (courtesy) .. 70 days overdue (litigation)
DUNNING_OFFSETS = (-3, 2, 16, 31, 46, 61, 70)


def dunning_env(env):
    """``env`` on the main company, whose first dunning run was made from the run wizard (the
    daily cron takes over), without tracking."""
    company = env.ref("base.main_company")
    company.dunning_first_run_date = "2020-01-01"
    return env(context=dict(env.context, allowed_company_ids=company.ids, tracking_disable=True))


def build_dunning_book(env, today, commit=False):
    """RB2B_BENCH_CUSTOMERS customers (default 2 000) with RB2B_BENCH_INVOICES posted invoices
    each (default 5), due dates spread over the ladder (``DUNNING_OFFSETS`` before ``today``),
    one customer in ten without an email address (its reminders are letters). Invoices are
    created and posted 200 customers at a time, committed after each batch with ``commit``;
    ``account_move`` is analysed after each batch (``account_move_line`` is not).

    :return: ``(partners, number of invoices)``
    """
    customers_count = int(os.environ.get("RB2B_BENCH_CUSTOMERS", "2000"))
    per_customer = int(os.environ.get("RB2B_BENCH_INVOICES", "5"))
    partners = env["res.partner"].create(
        [
            {
                "name": f"Bench customer {i:05d}",
                "is_company": True,
                "email": False if i % 10 == 0 else f"compta{i}@bench.example.fr",
            }
            for i in range(customers_count)
        ]
    )
    invoices = 0
    for start in range(0, customers_count, 200):
        vals = []
        for n, partner in enumerate(partners[start : start + 200], start=start):
            for k in range(per_customer):
                due = fields.Date.subtract(
                    today, days=DUNNING_OFFSETS[n % len(DUNNING_OFFSETS)] + k
                )
                vals.append(
                    {
                        "move_type": "out_invoice",
                        "partner_id": partner.id,
                        "invoice_date": fields.Date.subtract(due, days=30),
                        "invoice_date_due": due,
                        "invoice_line_ids": [
                            Command.create(
                                {
                                    "name": "Bench",
                                    "quantity": 1,
                                    "price_unit": 100.0 + k,
                                    "tax_ids": [Command.clear()],
                                }
                            )
                        ],
                    }
                )
        batch = env["account.move"].create(vals)
        batch.action_post()
        invoices += len(batch)
        env.flush_all()
        # Odoo numbers each posted invoice with a query on account_move that scans the table
        # while it has no statistics (a 600-customer book in one transaction: 41 s of its
        # 204 s); the invoices are analysed as a live database's autovacuum would, their lines
        # are not: the plan's searches must not depend on their statistics (issue 17)
        env.cr.execute("ANALYZE account_move")
        if commit:
            env.cr.commit()
    return partners, invoices
