"""Helpers shared by the benchmarks of scripts/bench (figures, not tests).

The benchmarks run as ``odoo-bin shell < script``: scripts/bench.sh and
scripts/bench/production/run.sh put this folder on ``PYTHONPATH``; by hand, run them with
``PYTHONPATH=scripts/bench/lib`` from the repository's root.
"""

import os

from odoo import Command, fields

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
    created and posted 200 customers at a time, committed after each batch with ``commit``.

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
        if commit:
            env.cr.commit()
    return partners, invoices
