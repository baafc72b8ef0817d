"""Benchmark of the dunning cron (figures, not a test).

Run: PYTHONPATH=scripts/bench/lib .venv/bin/python $ODOO_SRC/odoo-bin shell \
         -c .odoo/odoo.conf -d <db> --no-http < scripts/bench/dunning.py
Builds RB2B_BENCH_CUSTOMERS customers (default 2 000) with RB2B_BENCH_INVOICES overdue
invoices each (default 5: 10 000 invoices; rb2b_bench.build_dunning_book), then runs the daily
cron as the scheduler does (one call per batch until nothing is left) and reports time,
queries, emails queued and letters rendered. Letters are rendered as HTML: wkhtmltopdf needs
a running HTTP server, which ``odoo-bin shell --no-http`` does not have. Everything is rolled
back at the end.
"""

import time

from rb2b_bench import build_dunning_book, dunning_env

from odoo import fields

env = dunning_env(env)  # noqa: F821 (env is given by odoo-bin shell)
today = fields.Date.context_today(env.user)

t0 = time.time()
partners, invoices = build_dunning_book(env, today)
env.flush_all()
print(f"data: {len(partners)} customers, {invoices} invoices built in {time.time() - t0:.0f} s")

Dunning = env["recouvrement.dunning"].with_context(tracking_disable=False, dunning_letter_html=True)
Event = env["recouvrement.dunning.event"]
mails_before = env["mail.mail"].search_count([])
letter_domain = [("res_model", "=", "recouvrement.dunning.event"), ("mimetype", "=", "text/html")]
letters_before = env["ir.attachment"].search_count(letter_domain)
last_event = Event.search([], order="id desc", limit=1).id or 0  # fresh database: no event


def run_cron():
    """Call the cron like the scheduler: one call per batch while it makes progress."""
    calls = 0
    start_events = Event.search_count([])
    start_queries = env.cr.sql_log_count
    start = time.time()
    while True:
        before = Event.search_count([])
        Dunning._cron_send_reminders()
        env.flush_all()
        calls += 1
        if Event.search_count([]) == before:
            break
    return (
        time.time() - start,
        env.cr.sql_log_count - start_queries,
        Event.search_count([]) - start_events,
        calls,
    )


def measure_planning(state):
    """The plan of the whole book and the next reminder dates of 200 customers' invoices
    (each asks the plan of its customers day after day, issue 17), caches emptied first."""
    env.invalidate_all()
    start, queries = time.time(), env.cr.sql_log_count
    plan = Dunning._get_plan(today)
    print(
        f"plan ({state}): {len(plan)} customers due, "
        f"{sum(len(i['moves']) for i in plan)} invoices listed, "
        f"{time.time() - start:.2f} s, {env.cr.sql_log_count - queries} queries"
    )
    moves = env["account.move"].search(
        [("partner_id", "in", partners[:200].ids), ("move_type", "=", "out_invoice")]
    )
    env.invalidate_all()
    start, queries = time.time(), env.cr.sql_log_count
    Dunning._get_next_dates(moves, today)
    print(
        f"next reminder dates ({state}): {len(moves)} invoices of 200 customers, "
        f"{time.time() - start:.2f} s, {env.cr.sql_log_count - queries} queries"
    )


# the receivable lines as the book left them (not analysed: rb2b_bench.build_dunning_book),
# then analysed
measure_planning("lines not analysed")
env.cr.execute("ANALYZE account_move_line")
measure_planning("after ANALYZE")
elapsed, queries, events, calls = run_cron()
mails = env["mail.mail"].search_count([]) - mails_before
letters = env["ir.attachment"].search_count(letter_domain) - letters_before
if hasattr(Dunning, "_cron_render_letters"):
    # letters rendered in their own step (issue 18): the sending above queued them only
    print(
        f"sending step: {elapsed:.1f} s, {queries} queries "
        f"({queries / max(events, 1):.1f} per customer), {mails} emails queued"
    )
    render_start, render_queries, render_calls = time.time(), env.cr.sql_log_count, 0
    while Event.search_count([("letter_to_render", "=", True)]):
        Dunning._cron_render_letters()
        env.flush_all()
        render_calls += 1
    render_elapsed = time.time() - render_start
    render_queries = env.cr.sql_log_count - render_queries
    letters = env["ir.attachment"].search_count(letter_domain) - letters_before
    print(
        f"letters step: {render_elapsed:.1f} s, {render_queries} queries, {render_calls} calls, "
        f"{letters} letters rendered (HTML)"
    )
    elapsed += render_elapsed
    queries += render_queries
by_channel = dict(Event._read_group([("id", ">", last_event)], ["channel"], ["__count"]))
print(
    f"cron: {elapsed:.1f} s, {queries} queries ({queries / max(events, 1):.1f} per customer), "
    f"{calls} calls, {events} events, {mails} emails queued, {letters} letters rendered "
    f"(HTML), by channel {by_channel}"
)
elapsed, queries, events, calls = run_cron()
print(f"second run the same day: {events} events, {queries} queries, {elapsed:.1f} s")
env.cr.rollback()
