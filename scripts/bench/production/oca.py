"""Side by side with OCA account_credit_control 18.0 on the same book (figures, not a test).

Run by scripts/bench/production/oca.sh in ``odoo-bin shell`` on a copy of the book where
account_credit_control is installed (``env`` given). Emails only on both sides (OCA's levels
all set to email, this addon's levels without their letter), so that both produce the same
kind of communication: an email queued per customer and level, with no PDF attached (OCA's
template attaches a summary PDF, this addon's levels their letter: both left out). Each side
in its own transaction, rolled back; RB2B_BENCH_REPEAT interleaved rounds (default 3), medians
printed.

CPU time is printed next to the wall-clock time: on a machine shared with other jobs, the wall
clock moves with their load, the CPU spent hardly does. The CPU of a step is this Odoo
process's (``time.process_time()``) plus the PostgreSQL backend's serving its cursor (utime +
stime of ``/proc/<pg_backend_pid()>/stat``; the cluster runs on this machine), both sides
measured the same way.

Two steps each: deciding what to send (this addon: the plan; OCA: the credit control lines of
a run) and producing the communications (this addon: the reminders sent batch by batch as the
cron does; OCA: lines set ready and the run's channel action, which creates communications and
queues their emails).
"""

import os
import statistics
import time

from odoo import fields

rounds = int(os.environ.get("RB2B_BENCH_REPEAT", "3"))
company = env.ref("base.main_company")  # noqa: F821 (env is given by odoo-bin shell)
env = env(context=dict(env.context, allowed_company_ids=company.ids, tracking_disable=True))  # noqa: F821
today = fields.Date.context_today(env.user)


env.cr.execute("SELECT pg_backend_pid()")
backend_stat = f"/proc/{env.cr.fetchone()[0]}/stat"
clock_ticks = os.sysconf("SC_CLK_TCK")


def backend_cpu():
    """CPU seconds (user + system) the PostgreSQL backend of ``env.cr`` has used so far, or
    None when its /proc entry cannot be read (PostgreSQL on another machine)."""
    try:
        with open(backend_stat) as stat:
            # fields after the command name (in parentheses, may hold spaces): utime and
            # stime are the 14th and 15th fields of the line, in clock ticks
            fields_ = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields_[11]) + int(fields_[12])) / clock_ticks


def measure(function, *args):
    """``(result, seconds, queries, cpu seconds)`` of ``function(*args)``, pending writes
    flushed; cpu: this process's plus its PostgreSQL backend's (None without the latter)."""
    env.flush_all()
    queries = env.cr.sql_log_count
    backend = backend_cpu()
    cpu = time.process_time()
    start = time.perf_counter()
    result = function(*args)
    env.flush_all()
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu
    backend = None if backend is None else backend_cpu() - backend
    return result, seconds, env.cr.sql_log_count - queries, (cpu, backend)


# --- this addon: the service's entry points (adapt here after the sending rewrite) ----------
def ours_setup():
    levels = env["recouvrement.dunning.level"].search([])
    levels.report_id = False  # emails only: no letter attached (as OCA's emails)


def ours_decide():
    return env["recouvrement.dunning"]._get_plan(today)


def ours_produce(plan):
    dunning = env["recouvrement.dunning"]
    events = env["recouvrement.dunning.event"]
    for start in range(0, len(plan), 200):  # the cron's batches
        events |= dunning._send_reminders(plan[start : start + 200], today)
    return events


# --- OCA account_credit_control ---------------------------------------------------------------
def oca_setup():
    policy = env.ref("account_credit_control.credit_control_3_time")
    policy.account_ids = env["account.account"].search(
        [("company_ids", "in", company.ids), ("account_type", "=", "asset_receivable")]
    )
    policy.level_ids.channel = "email"
    # emails only: OCA's template attaches a PDF summary to each email (as this addon's levels
    # attach their letter); without an HTTP server neither is measured
    policy.level_ids.email_template_id.report_template_ids = False
    company.credit_policy_id = policy
    return policy


def oca_decide(policy):
    run = env["credit.control.run"].create({"date": today, "policy_ids": [(6, 0, policy.ids)]})
    run.generate_credit_lines()
    return run


def oca_produce(run):
    run.set_to_ready_lines()
    run.run_channel_action()
    return run.line_ids.communication_id


mails_before = env["mail.mail"].search_count([])
figures = {key: [] for key in ("ours_decide", "ours_produce", "oca_decide", "oca_produce")}
counts = {}
for _round in range(rounds):
    ours_setup()
    plan, *figure = measure(ours_decide)
    figures["ours_decide"].append(figure)
    events, *figure = measure(ours_produce, plan)
    figures["ours_produce"].append(figure)
    counts["ours"] = (len(plan), len(events), env["mail.mail"].search_count([]) - mails_before)
    env.cr.rollback()
    env.invalidate_all()

    policy = oca_setup()
    run, *figure = measure(oca_decide, policy)
    figures["oca_decide"].append(figure)
    communications, *figure = measure(oca_produce, run)
    figures["oca_produce"].append(figure)
    counts["oca"] = (
        len(run.line_ids),
        len(communications),
        env["mail.mail"].search_count([]) - mails_before,
    )
    env.cr.rollback()
    env.invalidate_all()


def median(key):
    """Medians of the rounds of ``key``: ``(seconds, queries, cpu seconds, of which the
    PostgreSQL backend's)``; the last two None when the backend's CPU cannot be read."""
    rows = figures[key]
    backends = [backend for _s, _q, (_cpu, backend) in rows]
    if None in backends:
        cpu = backend = None
    else:
        cpu = statistics.median(cpu + backend for _s, _q, (cpu, backend) in rows)
        backend = statistics.median(backends)
    return (
        statistics.median(s for s, _q, _c in rows),
        statistics.median(q for _s, q, _c in rows),
        cpu,
        backend,
    )


def cpu_text(cpu, backend, count=1):
    """``cpu`` and ``backend`` seconds (divided by ``count``) as printed."""
    if cpu is None:
        return "CPU n/a (PostgreSQL backend not readable)"
    if count == 1:
        return f"CPU {cpu:.1f} s (PostgreSQL {backend:.1f} s)"
    return f"CPU {cpu / count * 1000:.1f} ms (PostgreSQL {backend / count * 1000:.1f} ms)"


print(
    f"OCA comparison: {rounds} interleaved round(s), medians, emails only on both sides; load "
    f"average (1/5/15 min) at the end: {'/'.join(f'{v:.1f}' for v in os.getloadavg())}"
)
print(
    f"  this addon: {counts['ours'][0]} customers due, {counts['ours'][1]} reminders, "
    f"{counts['ours'][2]} emails queued"
)
print(
    f"  OCA: {counts['oca'][0]} credit control lines, {counts['oca'][1]} communications, "
    f"{counts['oca'][2]} emails queued"
)
for step, label in (("decide", "deciding what to send"), ("produce", "producing them")):
    ours_s, ours_q, ours_cpu, ours_pg = median(f"ours_{step}")
    oca_s, oca_q, oca_cpu, oca_pg = median(f"oca_{step}")
    print(
        f"  {label}: this addon {ours_s:.1f} s / {ours_q:.0f} queries / "
        f"{cpu_text(ours_cpu, ours_pg)}, OCA {oca_s:.1f} s / {oca_q:.0f} queries / "
        f"{cpu_text(oca_cpu, oca_pg)}; OCA / this addon: time x{oca_s / max(ours_s, 1e-6):.1f}, "
        f"queries x{oca_q / max(ours_q, 1):.1f}"
        + (f", CPU x{oca_cpu / max(ours_cpu, 1e-6):.1f}" if None not in (ours_cpu, oca_cpu) else "")
    )
ours_n = max(counts["ours"][1], 1)
oca_n = max(counts["oca"][1], 1)
ours_s, ours_q, ours_cpu, ours_pg = median("ours_produce")
oca_s, oca_q, oca_cpu, oca_pg = median("oca_produce")
ours_time, ours_queries = ours_s / ours_n, ours_q / ours_n
oca_time, oca_queries = oca_s / oca_n, oca_q / oca_n
print(
    f"  per communication produced: this addon {ours_time * 1000:.1f} ms / "
    f"{ours_queries:.1f} queries / {cpu_text(ours_cpu, ours_pg, ours_n)}, OCA "
    f"{oca_time * 1000:.1f} ms / {oca_queries:.1f} queries / {cpu_text(oca_cpu, oca_pg, oca_n)}; "
    f"OCA / this addon: time x{oca_time / max(ours_time, 1e-9):.2f}, "
    f"queries x{oca_queries / max(ours_queries, 1e-9):.2f}"
    + (
        f", CPU x{(oca_cpu / oca_n) / max(ours_cpu / ours_n, 1e-9):.2f}"
        if None not in (ours_cpu, oca_cpu)
        else ""
    )
)
