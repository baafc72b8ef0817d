# Payment plans: the daily cron over N active plans (half of them broken by a missed instalment).
# Run by scripts/bench.sh in `odoo-bin shell` (``env`` given); prints figures, asserts nothing.
import time

from dateutil.relativedelta import relativedelta

from odoo import Command, fields

company = env.company  # noqa: F821 (given by odoo-bin shell)
env = env(context=dict(env.context, tracking_disable=True))  # noqa: F821
today = fields.Date.context_today(env.user)
sale_journal = env["account.journal"].search(
    [("company_id", "=", company.id), ("type", "=", "sale")], limit=1
)
if not sale_journal:
    print("plans bench: no sale journal (company without chart of accounts), skipped")
else:
    for size in (100, 1000):
        partners = env["res.partner"].create(
            [{"name": f"Bench plans {size} {i}", "is_company": True} for i in range(size)]
        )
        moves = env["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "invoice_date": today - relativedelta(days=90),
                    "invoice_date_due": today - relativedelta(days=60),
                    "invoice_line_ids": [
                        Command.create(
                            {"name": "Bench", "quantity": 1, "price_unit": 1000.0, "tax_ids": []}
                        )
                    ],
                }
                for partner in partners
            ]
        )
        moves.action_post()
        plans = env["recouvrement.payment.plan"].create(
            [
                {
                    "partner_id": move.partner_id.id,
                    "move_ids": [Command.set(move.ids)],
                    "instalment_count": 4,
                    "first_date": today,
                    "signature_date": today,
                }
                for move in moves
            ]
        )
        plans.action_compute_schedule()
        plans.action_activate()
        late = plans[: size // 2]
        env.cr.execute(
            "UPDATE recouvrement_payment_plan_line SET date_due = date_due - 60"
            " WHERE plan_id = ANY(%s)",
            [late.ids],
        )
        env.invalidate_all()
        queries = env.cr.sql_log_count
        start = time.perf_counter()
        env["recouvrement.payment.plan"]._cron_check_plans(batch_size=size)
        env.flush_all()
        elapsed = time.perf_counter() - start
        queries = env.cr.sql_log_count - queries
        broken = plans.filtered(lambda p: p.state == "broken")
        print(
            f"plans bench: cron over {size} active plans ({len(broken)} broken): "
            f"{elapsed:.2f} s, {queries} queries"
        )
    env.cr.rollback()
