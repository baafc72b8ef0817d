"""Book of the production benchmarks (run by scripts/bench/production/run.py, not by the loop
of scripts/bench.sh): RB2B_BENCH_CUSTOMERS customers (default 2 000) with RB2B_BENCH_INVOICES
overdue invoices each (default 5), due dates spread over the ladder, one customer in ten
without an email address (its reminders are letters). Committed: the database is the template
the runs copy (``createdb -T``).

Run: PYTHONPATH=scripts/bench/lib .venv/bin/python $ODOO_SRC/odoo-bin shell \
         -c .odoo/odoo.conf -d <db> --no-http < scripts/bench/production/book.py
Writes the expected reminders (what the plan holds, per channel) as JSON on the last line of
its output ("expected: {...}").
"""

import json
import time

from rb2b_bench import build_dunning_book, dunning_env

from odoo import fields

env = dunning_env(env)  # noqa: F821 (env is given by odoo-bin shell)
today = fields.Date.context_today(env.user)

t0 = time.time()
partners, invoices = build_dunning_book(env, today, commit=True)
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
