"""Production-mode benchmark of the dunning run (figures, not a test): real Odoo servers in
prefork mode (``--workers=2``, Odoo's default limits, ``limit_time_real`` 120 s), cron workers,
PDF letters through wkhtmltopdf, on a copy of the book built by ``book.py``.

Run by ``scripts/bench.sh production`` (part of ``make bench``), or by hand:
    .venv/bin/python scripts/bench/production/run.py BOOK_DB EXPECTED_JSON
Environment:
    RB2B_BENCH_SERVERS        "1,2": the runs to do (one server, then two on the same database)
    RB2B_BENCH_CRON_THREADS   cron workers per server (default 2)
    RB2B_BENCH_TIMEOUT        seconds before a run is given up (default 7200)
    RB2B_HTTP_PORT            first server's port (the next ones: +RB2B_BENCH_PORT_STEP, ...)
    RB2B_BENCH_PORT_STEP      port step between the servers (default 10)
    RB2B_BENCH_LETTER_BATCH   letters per wkhtmltopdf call (default: the addon's, 20; 1: one
                              call per letter, as before issue 18)

For each run: time from the trigger until every email is queued, until every letter is
rendered and until every reminder is done, and the rates (customers sent and letters rendered
per minute); cron calls (``ir.cron.progress`` rows) and which server made them, and the cron
time of each dunning cron (the sum of its calls' durations, server logs); the idle time
between the calls of each cron while work remained (server logs: the longest gap, and gaps of
30 s or more, e.g. a worker waiting for its next minute); whether a worker was killed and the
ERROR lines (server logs); customers reminded twice and failed events (SQL); the machine's load
(``os.getloadavg``) at the start and end of each run. Prints figures, asserts nothing.
"""

import datetime
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psycopg2

ROOT = Path(__file__).resolve().parents[3]
STATE = ROOT / ".odoo"
ODOO_SRC = Path(os.environ.get("ODOO_SRC", Path.home() / ".cache/odoo/18.0"))
PGSOCK = str(ROOT / ".pg/run")
PGPORT = int(os.environ.get("RB2B_PGPORT", "54329"))
HTTP_PORT = int(os.environ.get("RB2B_HTTP_PORT", "8069"))
PORT_STEP = int(os.environ.get("RB2B_BENCH_PORT_STEP", "10"))
CRON_THREADS = int(os.environ.get("RB2B_BENCH_CRON_THREADS", "2"))
TIMEOUT = float(os.environ.get("RB2B_BENCH_TIMEOUT", "7200"))
#: letters per wkhtmltopdf call (recouvrement_b2b.letter_batch_size; "1": one call per letter)
LETTER_BATCH = os.environ.get("RB2B_BENCH_LETTER_BATCH", "")
CRON_XMLID = ("recouvrement_b2b", "ir_cron_dunning")
#: the dunning crons, as named in the server log ("Job 'name' (id) starting")
CRONS = {
    "sending": "Collection: send the dunning reminders due today",
    "letters": "Collection: render the dunning letters",
}
LOG_LINE = re.compile(
    r"^(?P<at>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) \d+ (?P<level>\w+) .*?"
    r"Job '(?P<name>[^']+)' \(\d+\) (?P<what>starting|done in|processed (?P<done>\d+) "
    r"records, (?P<remaining>\d+) records remaining)"
)
#: an idle time between two calls of a cron this long (seconds) is reported
GAP_REPORTED = 30
#: server log lines that mean a worker was killed or a job failed
KILLED = re.compile(
    r"timeout after|killed|Virtual memory limit|virtual memory limit|MemoryError"
    r"|Job .* timed out|Critial worker error",
    re.IGNORECASE,
)


def connect(dbname):
    cnx = psycopg2.connect(host=PGSOCK, port=PGPORT, user="odoo", dbname=dbname)
    cnx.autocommit = True
    return cnx


def query(cnx, sql, params=()):
    with cnx.cursor() as cr:
        cr.execute(sql, params)
        return cr.fetchall()


def copy_db(template, name):
    cnx = connect("postgres")
    with cnx.cursor() as cr:
        cr.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cr.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    cnx.close()
    filestore = STATE / "data/filestore"
    if (filestore / template).exists():
        subprocess.run(["rm", "-rf", str(filestore / name)], check=True)
        subprocess.run(["cp", "-a", str(filestore / template), str(filestore / name)], check=True)


def cron_id(cnx):
    return query(
        cnx,
        "SELECT res_id FROM ir_model_data WHERE module = %s AND name = %s",
        CRON_XMLID,
    )[0][0]


def prepare(cnx, cron):
    """Letters fetch their CSS from the first server (report.url); the mail queue cron is
    stopped so that queued emails stay countable (no SMTP server here); the dunning cron waits
    for the trigger."""
    url = f"http://127.0.0.1:{HTTP_PORT}"
    params = [("web.base.url", url), ("report.url", url), ("web.base.url.freeze", "True")]
    if LETTER_BATCH:
        params.append(("recouvrement_b2b.letter_batch_size", LETTER_BATCH))
    for key, value in params:
        query(
            cnx,
            "INSERT INTO ir_config_parameter (key, value) VALUES (%s, %s) "
            "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value RETURNING id",
            (key, value),
        )
    query(
        cnx,
        "UPDATE ir_cron SET active = false WHERE id IN (SELECT res_id FROM ir_model_data "
        "WHERE module = 'mail' AND name = 'ir_cron_mail_scheduler_action') RETURNING id",
    )
    query(
        cnx,
        "UPDATE ir_cron SET active = true, nextcall = (now() at time zone 'UTC') + interval "
        "'1 day', failure_count = 0 WHERE id = %s RETURNING id",
        (cron,),
    )


def start_server(dbname, index, logdir):
    port = HTTP_PORT + PORT_STEP * index
    logfile = logdir / f"server{index + 1}.log"
    logfile.unlink(missing_ok=True)
    cmd = [
        sys.executable,
        str(ODOO_SRC / "odoo-bin"),
        "-c",
        str(STATE / "odoo.conf"),
        "-d",
        dbname,
        "--db-filter",
        f"^{dbname}$",
        "--workers=2",
        f"--max-cron-threads={CRON_THREADS}",
        "--http-port",
        str(port),
        "--logfile",
        str(logfile),
        "--log-level=info",
    ]
    # stderr: the gevent (websocket) process cannot start without gevent; not used here
    proc = subprocess.Popen(
        cmd,
        stdout=subprocess.DEVNULL,
        stderr=open(logdir / f"server{index + 1}.stderr", "w"),
        start_new_session=True,
    )
    for _attempt in range(120):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/web/login", timeout=5)
            return proc, logfile
        except OSError:
            time.sleep(1)
    raise RuntimeError(f"server {index + 1} did not answer on port {port}")


def stop_server(proc):
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=60)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(proc.pid, signal.SIGKILL)


def trigger(cnx, dbname, cron):
    """What ``ir.cron._trigger()`` does: a trigger now, and the cron workers woken up."""
    (now,) = query(
        cnx,
        "INSERT INTO ir_cron_trigger (cron_id, call_at) VALUES (%s, now() at time zone 'UTC') "
        "RETURNING call_at",
        (cron,),
    )[0]
    pg = connect("postgres")
    query(pg, "SELECT pg_notify('cron_trigger', %s)", (dbname,))
    pg.close()
    return now


def progress(cnx):
    """Events so far: processed (any state), emails queued, letters rendered, failed."""
    return query(
        cnx,
        """
        SELECT count(*),
               count(*) FILTER (WHERE e.channel = 'email' AND e.state = 'sent'
                                AND e.mail_message_id IS NOT NULL),
               count(*) FILTER (WHERE e.attachment_id IS NOT NULL),
               count(*) FILTER (WHERE e.state = 'failed')
          FROM recouvrement_dunning_event e
        """,
    )[0]


def one_run(book, expected, servers):
    dbname = f"{book}_run{servers}"
    logdir = STATE / "logs" / f"bench-production-{servers}"
    logdir.mkdir(parents=True, exist_ok=True)
    copy_db(book, dbname)
    cnx = connect(dbname)
    cron = cron_id(cnx)
    prepare(cnx, cron)
    procs = [start_server(dbname, index, logdir) for index in range(servers)]
    emails_expected = expected["channels"].get("email", 0)
    done_at = {}
    load_start = load()
    try:
        trigger_at = trigger(cnx, dbname, cron)
        start = time.monotonic()
        while time.monotonic() - start < TIMEOUT:
            events, emails, letters, _failed = progress(cnx)
            elapsed = time.monotonic() - start
            if emails >= emails_expected:
                done_at.setdefault("emails", elapsed)
            if letters >= expected["letters"]:
                done_at.setdefault("letters", elapsed)
            if events >= expected["customers"]:
                done_at.setdefault("events", elapsed)
            if len(done_at) == 3:
                break
            time.sleep(2)
    finally:
        for proc, _logfile in procs:
            stop_server(proc)
    load_end = load()
    logfiles = [logfile for _proc, logfile in procs]
    report(cnx, cron, trigger_at, expected, done_at, logfiles)
    report_calls(logfiles, done_at, expected)
    print(f"  load average (1/5/15 min) at start {load_start}, at end {load_end}")
    cnx.close()


def report(cnx, cron, trigger_at, expected, done_at, logfiles):
    events, emails, letters, failed = progress(cnx)
    calls, records = query(
        cnx,
        "SELECT count(*), coalesce(sum(done), 0) FROM ir_cron_progress "
        "WHERE cron_id = %s AND create_date >= %s",
        (cron, trigger_at),
    )[0]
    # customers with two reminders (not failed) the same day: at the same level (sent twice)
    # or at two levels (the ladder climbed twice in one day)
    twice, escalated = query(
        cnx,
        """
        SELECT count(*) FILTER (WHERE levels < events), count(*) FILTER (WHERE levels = events)
          FROM (SELECT count(*) AS events, count(DISTINCT level_id) AS levels
                  FROM recouvrement_dunning_event
                 WHERE state <> 'failed'
                 GROUP BY partner_id, company_id, currency_id, date
                HAVING count(*) > 1) AS dup
        """,
    )[0]
    cron_state = query(cnx, "SELECT active, failure_count FROM ir_cron WHERE id = %s", (cron,))[0]

    def at(key):
        return f"{done_at[key]:.0f} s" if key in done_at else "NOT REACHED"

    print(
        f"  expected: {expected['customers']} reminders {expected['channels']}, "
        f"{expected['letters']} letters (PDF)"
    )
    print(
        f"  all emails queued after {at('emails')} ({emails}), all letters rendered after "
        f"{at('letters')} ({letters}), all reminders done after {at('events')} ({events})"
    )
    print(
        f"  cron calls: {calls} ({records} customers reported done); cron active "
        f"{cron_state[0]}, failure count {cron_state[1]}"
    )
    for index, logfile in enumerate(logfiles, start=1):
        text = logfile.read_text(errors="replace") if logfile.exists() else ""
        done = [
            int(n)
            for n in re.findall(r"Collection: send the dunning.*processed (\d+) records", text)
        ]
        killed = [line for line in text.splitlines() if KILLED.search(line)]
        print(
            f"  server {index}: {len(done)} cron calls, {sum(done)} customers, "
            f"{len(killed)} worker kill/timeout lines"
            + (f" (first: {killed[0][-160:]})" if killed else "")
        )
    print(
        f"  customers sent the same reminder twice: {twice}; customers sent two levels the "
        f"same day: {escalated}; failed events: {failed}"
    )


def cron_calls(logfiles):
    """Calls of the dunning crons in the server logs, by cron key (``CRONS``): sorted lists of
    ``(start, end, done, remaining)`` (datetimes, counts)."""
    calls = {key: [] for key in CRONS}
    keys = {name: key for key, name in CRONS.items()}
    for index, logfile in enumerate(logfiles):
        text = logfile.read_text(errors="replace") if logfile.exists() else ""
        started = {}
        for line in text.splitlines():
            match = LOG_LINE.match(line)
            if not match or match["name"] not in keys:
                continue
            key = keys[match["name"]]
            at = datetime.datetime.strptime(match["at"], "%Y-%m-%d %H:%M:%S,%f")
            if match["what"] == "starting":
                started[key, index] = at
            elif match["done"] is not None and (key, index) in started:
                start = started.pop((key, index))
                calls[key].append((start, at, int(match["done"]), int(match["remaining"])))
    return {key: sorted(value) for key, value in calls.items()}


def idle_gaps(calls):
    """Idle times (seconds) between a call that left work remaining and the next call."""
    return [
        (following[0] - call[1]).total_seconds()
        for call, following in zip(calls, calls[1:], strict=False)
        if call[3]
    ]


def load():
    return "/".join(f"{value:.1f}" for value in os.getloadavg())


def report_calls(logfiles, done_at, expected):
    """Rates, cron calls, idle gaps and ERROR lines, from the server logs."""
    rates = []
    if "events" in done_at:
        rates.append(f"{expected['customers'] / done_at['events'] * 60:.0f} customers/min")
    if "letters" in done_at and expected["letters"]:
        rates.append(f"{expected['letters'] / done_at['letters'] * 60:.0f} letters/min")
    print(f"  rates: {', '.join(rates) or 'not reached'}")
    for key, calls in cron_calls(logfiles).items():
        gaps = idle_gaps(calls)
        long_gaps = [gap for gap in gaps if gap >= GAP_REPORTED]
        longest = max(calls, key=lambda call: call[1] - call[0]) if calls else None
        cron_time = sum((call[1] - call[0]).total_seconds() for call in calls)
        print(
            f"  {key} cron: {len(calls)} calls, {sum(call[2] for call in calls)} done, "
            f"{cron_time:.0f} s of cron time; longest "
            f"call {(longest[1] - longest[0]).total_seconds() if longest else 0:.0f} s; idle "
            f"between calls with work left: longest {max(gaps, default=0):.0f} s, "
            f"{len(long_gaps)} of {GAP_REPORTED} s or more"
        )
    errors = []
    for logfile in logfiles:
        text = logfile.read_text(errors="replace") if logfile.exists() else ""
        errors += [line for line in text.splitlines() if re.match(r"^\S+ \S+ \d+ ERROR ", line)]
    print(
        f"  ERROR lines in the server logs: {len(errors)}"
        + (f" (first: {errors[0][:200]})" if errors else "")
    )


def _stop(signum, _frame):
    sys.exit(128 + signum)  # runs the ``finally`` that stops the servers


def main():
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    book, expected_file = sys.argv[1], sys.argv[2]
    expected = json.loads(Path(expected_file).read_text())
    for servers in (int(n) for n in os.environ.get("RB2B_BENCH_SERVERS", "1,2").split(",")):
        print(
            f"== production run, {servers} server(s), --workers=2 --max-cron-threads={CRON_THREADS}"
        )
        one_run(book, expected, servers)


if __name__ == "__main__":
    main()
