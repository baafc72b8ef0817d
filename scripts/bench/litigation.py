# Benchmark of the litigation hot paths (run through `odoo-bin shell` by scripts/bench.sh):
# opening N cases from the dunning flow (one create call) and the daily deadline alert cron.
# Prints wall time and SQL queries per size; everything is rolled back at the end.
import time

from dateutil.relativedelta import relativedelta

from odoo import Command, fields

company = env.company  # noqa: F821 - `env` is provided by odoo-bin shell
if not company.chart_template:
    env["account.chart.template"].try_loading("fr", company=company, install_demo=False)  # noqa: F821
env = env(context=dict(env.context, tracking_disable=True))  # noqa: F821
env.cr.execute("ANALYZE")  # fresh database: give the planner statistics
today = fields.Date.context_today(env["res.partner"])
due = today - relativedelta(years=5) + relativedelta(days=30)  # prescribed in 30 days


def measure(label, func):
    queries = env.cr.sql_log_count
    start = time.perf_counter()
    result = func()
    env.flush_all()
    print(f"{label}: {time.perf_counter() - start:.2f} s, {env.cr.sql_log_count - queries} queries")
    return result


for size in (20, 100):
    partners = env["res.partner"].create(
        [{"name": f"Client contentieux {i}", "is_company": True} for i in range(size)]
    )
    moves = env["account.move"].create(
        [
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_date": due - relativedelta(days=30),
                "invoice_date_due": due,
                "invoice_line_ids": [
                    Command.create({"name": "Prestation", "quantity": 1, "price_unit": 1000.0})
                ],
            }
            for partner in partners
        ]
    )
    moves.action_post()
    env.flush_all()
    env.cr.execute("ANALYZE")
    env.invalidate_all()
    measure(
        f"[{size} cases] create (dunning flow)",
        lambda moves=moves: env["recouvrement.litigation"].create(
            [
                {
                    "partner_id": move.partner_id.id,
                    "company_id": company.id,
                    "move_ids": [Command.set(move.ids)],
                    "litigation_type": "recovery",
                }
                for move in moves
            ]
        ),
    )
    env.invalidate_all()
    Litigation = env["recouvrement.litigation"]
    measure(
        f"[{size} cases] alert cron, batch of 200",
        lambda Litigation=Litigation: Litigation._cron_raise_alerts(),
    )
    env.invalidate_all()
    measure(
        f"[{size} cases] alert cron, second run",
        lambda Litigation=Litigation: Litigation._cron_raise_alerts(),
    )
    env.cr.rollback()
    env.invalidate_all()
