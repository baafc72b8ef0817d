"""Book of the production benchmarks (run by scripts/bench/production/run.py, not by the loop
of scripts/bench.sh): RB2B_BENCH_CUSTOMERS customers (default 2 000) with RB2B_BENCH_INVOICES
overdue invoices each (default 5), due dates spread over the ladder, one customer in ten
without an email address (its reminders are letters). Committed: the database is the template
the runs copy (``createdb -T``).

Run: .venv/bin/python $ODOO_SRC/odoo-bin shell -c .odoo/odoo.conf -d <db> --no-http \
         < scripts/bench/production/book.py
Writes the expected reminders (what the plan holds, per channel) as JSON on the last line of
its output ("expected: {...}").
"""

import json
import os
import time

from odoo import Command, fields

customers_count = int(os.environ.get("RB2B_BENCH_CUSTOMERS", "2000"))
per_customer = int(os.environ.get("RB2B_BENCH_INVOICES", "5"))
company = env.ref("base.main_company")  # noqa: F821 (env is given by odoo-bin shell)
# the first run was made from the run wizard: the daily cron takes over
company.dunning_first_run_date = "2020-01-01"
env = env(context=dict(env.context, allowed_company_ids=company.ids, tracking_disable=True))  # noqa: F821
today = fields.Date.context_today(env.user)

t0 = time.time()
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
# due dates spread over the ladder: -3 (courtesy) .. 70 days overdue (litigation)
offsets = [-3, 2, 16, 31, 46, 61, 70]
invoices = 0
for start in range(0, customers_count, 200):
    vals = []
    for n, partner in enumerate(partners[start : start + 200], start=start):
        for k in range(per_customer):
            due = fields.Date.subtract(today, days=offsets[n % len(offsets)] + k)
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
    env.cr.commit()
print(f"book: {len(partners)} customers, {invoices} invoices built in {time.time() - t0:.0f} s")


def expected_reminders(env, date):
    """What one complete run must produce: ``{"customers": n, "channels": {channel: n},
    "letters": n}`` (letters: events whose level has a report). Uses the dunning service's
    planning entry points; adapt here if they change."""
    dunning = env["recouvrement.dunning"]
    plan = dunning._get_plan(date)
    recipients = dunning._get_recipients(
        env["res.partner"].union(*(item["partner"] for item in plan))
    )
    channels = {}
    letters = 0
    for item in plan:
        vals = dunning._prepare_dunning_event_vals(
            item, date, recipients.get(item["partner"].id, item["partner"])
        )
        channels[vals["channel"]] = channels.get(vals["channel"], 0) + 1
        if item["level"].report_id and vals["channel"] in ("email", "letter", "registered"):
            letters += 1
    return {"customers": len(plan), "channels": channels, "letters": letters}


expected = expected_reminders(env, today)
env.cr.rollback()  # the planning may have cached or computed values: nothing to keep
print("expected: " + json.dumps(expected))
