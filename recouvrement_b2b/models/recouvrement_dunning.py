import logging
import re
import time
from collections import defaultdict
from contextlib import closing

from markupsafe import Markup, escape
from psycopg2 import errors as pg_errors

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import (
    SQL,
    email_normalize_all,
    float_compare,
    float_round,
    format_amount,
    format_date,
    split_every,
)

from odoo.addons.base.models.ir_cron import MAX_BATCH_PER_CRON_JOB

from ..rules import deadlines as deadline_rules
from ..rules import dunning as dunning_rules
from ..rules import proceedings as proceedings_rules
from ..tools.lang import company_env
from ..tools.sanitize import sanitized_once
from .recouvrement_dunning_event import POSTED_CHANNELS

_logger = logging.getLogger(__name__)

#: seconds a dunning run may spend before it leaves the rest to the next call
DEFAULT_TIME_BUDGET = 30
#: customers sent in one batch (one savepoint, one template rendering, one create per model)
SEND_BATCH_SIZE = 50
#: channels whose level's letter is rendered for the event (attached copy or letter to post)
LETTER_CHANNELS = ("email", "letter", "registered")
#: key of the PostgreSQL advisory lock of the dunning run (one run at a time per database)
RUN_LOCK_KEY = 7_240_018_001
_PASS_START_KEY = "recouvrement_b2b.dunning_pass_start"
_REMAINING_KEY = "recouvrement_b2b.dunning_remaining"
_PASS_CALLS_KEY = "recouvrement_b2b.dunning_pass_calls"
#: the last customer (res.partner id) planned by the calls of a worker pass, and the last of
#: the current call's plan (recouvrement.dunning._get_cron_plan)
_PLAN_CURSOR_KEY = "recouvrement_b2b.dunning_plan_cursor"
_PLAN_WINDOW_KEY = "recouvrement_b2b.dunning_plan_window"
#: set when a call met rows updated by a transaction committed since its own started
_CONFLICT_KEY = "recouvrement_b2b.dunning_conflict"
#: the customers (res.partner ids) the current call left out because another transaction
#: holds or updated them, and those of every call of the worker pass (planned again last)
_LOCKED_KEY = "recouvrement_b2b.dunning_locked"
_PASS_LOCKED_KEY = "recouvrement_b2b.dunning_pass_locked"
#: seconds a call that could send nothing but locked customers waits for one of them before
#: triggering the next pass (the other transaction, e.g. a score cron batch, commits meanwhile)
LOCK_WAIT_SECONDS = 5
#: open invoices whose next reminder date left in the past one cron call recomputes at most
#: (the others are left to the next calls and runs): a constant cost per call, never the book
REFRESH_BATCH_SIZE = 500
#: delay before a cron call that could do nothing (customers locked, another run) is made again
RETRY_DELAY_MINUTES = 1
#: errors of a transaction racing another one: the customer is retried, never logged as failed
CONFLICT_ERRORS = (
    pg_errors.SerializationFailure,
    pg_errors.DeadlockDetected,
    pg_errors.LockNotAvailable,
)
#: mail.mail failure types of the recipient's address: the customer cannot get the email there
RECIPIENT_FAILURE_TYPES = ("mail_email_invalid", "mail_email_missing", "mail_bl", "mail_optout")
#: a permanent SMTP refusal (5xx reply, RFC 5321 4.2.1) in a mail.mail failure reason:
#: ``(550, b'5.1.1 mailbox unavailable')``
SMTP_PERMANENT_REFUSAL = re.compile(r"(?:\(|^)(5\d\d)(?:, |\n)b?['\"]([^'\"]*)", re.MULTILINE)
#: minutes before the mail queue sends again a reminder email that failed on the sending side
MAIL_RETRY_DELAY_MINUTES = 15
#: an address some mail server can deliver to: a local part, "@", a domain of at least two
#: labels (letters, digits, inner hyphens; accented letters for international domains) whose
#: last is a top-level domain (letters, or its "xn--" ASCII form)
DELIVERABLE_EMAIL = re.compile(
    r"[^@\s]+@(?:[^\W_](?:[\w-]*[^\W_])?\.)+(?:[^\W\d_]{2,}|xn--[^\W_](?:[\w-]*[^\W_])?)"
)
#: the separators of the entries of an email field as typed, "," or ";" outside double quotes
TYPED_EMAIL_SEPARATOR = re.compile(r'[,;](?=(?:[^"]*"[^"]*")*[^"]*$)')
#: the address of an entry written with a display name: "Compta" <compta@garnier.fr>
TYPED_EMAIL_BRACKETS = re.compile(r"<([^<>]*)>\s*$")
#: a comment after an address: compta@garnier.fr (service comptable)
TYPED_EMAIL_COMMENT = re.compile(r"\s*\([^()]*\)\s*$")
#: minutes before the letters step tries again when it could render no letter (issue 18)
LETTER_RETRY_MINUTES = 60


class RecouvrementDunning(models.AbstractModel):
    """Dunning: which reminders are due (the plan) and sending them (one per customer).

    The daily cron and the manual run wizard call this service; ``account.move`` and
    ``res.partner`` delegate their dunning computations to it. The ladder rules (level order,
    level choice, dates) are in :mod:`..rules.dunning`.

    A plan is a list of items, one per customer and company, each a dict: ``company``
    (res.company), ``partner`` (commercial res.partner), ``currency`` (the company currency:
    every amount is in it), ``policy`` (recouvrement.dunning.policy), ``level`` (the
    recouvrement.dunning.level to send), ``lines`` (account.move.line: the open instalments to
    list, each with its own due date), ``moves`` (their invoices), ``line_levels`` and
    ``move_levels`` (``{line id: level id}``, ``{move id: level id}`` for the instalments and
    invoices reaching a new level), ``credit_lines`` (the customer's open credits deducted:
    those in the currency of instalments claimed),
    ``open_credit`` and ``amount_net`` (open credits and net balance claimed), ``nets``
    (``{res.currency: net balance claimed of that currency}``, company currency),
    ``amount_disputed`` (the parts under open disputes, not claimed),
    ``earlier_reminders`` (reminders delivered before, listing its invoices:
    :meth:`_count_earlier_reminders`) and, when the customer's last email reminder was not
    delivered, ``undelivered`` (True).
    """

    _name = "recouvrement.dunning"
    _description = "Dunning"

    # ------------------------------------------------------------------------------------------
    # Cron
    # ------------------------------------------------------------------------------------------

    @api.model
    def _cron_send_reminders(self, batch_size=200):
        """Daily cron: send the reminders due today, at most ``batch_size`` customers per call
        and within the time budget (:meth:`_get_deadline`).

        Each call reports its progress (``ir.cron._notify_progress``): the scheduler calls
        again while ``remaining`` is not 0. A customer whose reminder failed today is not
        retried before tomorrow; a customer locked by another transaction is skipped and the
        call goes on with the others (the next calls plan it again after them). When the calls
        of this worker pass used the budget, a new pass starts at once
        (:meth:`_trigger_next_pass`); when only locked customers are left, a new pass starts
        once one of them is free (at most ``LOCK_WAIT_SECONDS`` later); when another dunning
        run holds the lock (:meth:`_try_lock_run`), the cron is called again a minute later.
        """
        cron = self.env.ref("recouvrement_b2b.ir_cron_dunning", raise_if_not_found=False)
        deadline = self._get_deadline()
        done, remaining = 0, self.env.cr.cache.get(_REMAINING_KEY, 0)
        self.env.cr.cache.pop(_CONFLICT_KEY, None)
        self.env.cr.cache.pop(_LOCKED_KEY, None)
        busy = False  # another run holds the lock: something may still be due, try again later
        # the worker's time limit covers every call of its pass: once the budget is used, leave
        # the rest to a new pass (done=0 ends this one)
        if time.monotonic() < deadline:
            busy = not self._try_lock_run()
            if not busy:
                date = fields.Date.context_today(self)
                plan, unplanned = self._get_cron_plan(date, batch_size, deadline=deadline)
                done, remaining = self._dunning_dispatch_batch(
                    plan, date, batch_size, deadline=deadline
                )
                self._advance_cron_cursor(plan, remaining, deadline)
                self._refresh_past_next_dates(date, limit=REFRESH_BATCH_SIZE)
                remaining += unplanned
                self.env.cr.cache[_REMAINING_KEY] = remaining
        self._trigger_next_pass(cron, done, remaining or busy, deadline, retry=True)
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)

    @api.model
    def _trigger_next_pass(self, cron, done, remaining, deadline, retry=False):
        """Trigger ``cron`` (ir.cron) when the call that reports ``done``/``remaining`` leaves
        work that the scheduler's current pass will not do, so that it goes on without Odoo's
        idle minute (the cron worker sleeps up to 60 s between passes unless woken up).

        Odoo 18's scheduler (``ir.cron._run_job``) calls a job again, in the same worker pass and
        under the same time limit, while a call reports work done and work remaining, at most
        ``MAX_BATCH_PER_CRON_JOB`` times. The pass ends on a call reporting ``done`` 0 (the time
        budget used, :meth:`_get_deadline`) or on that last call. Then the trigger is at once:
        ``ir.cron._trigger`` notifies the cron workers (NOTIFY cron_trigger) when the job's
        cursor commits, so a worker starts a new pass as soon as this one ends, with its
        watchdog reset and a new budget (a new job cursor); ``_reschedule_later`` keeps it, as
        it deletes only the triggers older than the pass's start (the budget is at least 1 s).
        A call that did nothing though work remains (customers locked by another transaction,
        another run in progress) is made again ``RETRY_DELAY_MINUTES`` later when ``retry``;
        at once when what stopped it was rows updated by a transaction committed since its own
        started (a serialization conflict, e.g. the start-up crons writing the customers:
        issue 18, an idle minute), which a new transaction sees.

        Outside the scheduler (no ``ir_cron_progress_id`` in the context) nothing is triggered.

        :param deadline: ``time.monotonic()`` value of the end of the budget
        :return: the ir.cron.trigger created (empty recordset when none)
        """
        Trigger = self.env["ir.cron.trigger"]
        if not cron or not self.env.context.get("ir_cron_progress_id"):
            return Trigger
        calls_key = (_PASS_CALLS_KEY, cron.id)
        calls = self.env.cr.cache[calls_key] = self.env.cr.cache.get(calls_key, 0) + 1
        if not remaining:
            return Trigger
        now = fields.Datetime.now()
        if (not done and time.monotonic() >= deadline) or (
            done and calls >= MAX_BATCH_PER_CRON_JOB
        ):
            return cron.sudo()._trigger(now)
        if not done and retry:
            if self.env.cr.cache.pop(_CONFLICT_KEY, False):
                return cron.sudo()._trigger(now)
            locked = self.env.cr.cache.get(_LOCKED_KEY)
            if locked:
                self._wait_for_row("res_partner", min(locked), deadline)
                return cron.sudo()._trigger(now)
            return cron.sudo()._trigger(fields.Datetime.add(now, minutes=RETRY_DELAY_MINUTES))
        return Trigger

    @api.model
    def _wait_for_row(self, table, row_id, deadline):
        """Wait until the row ``row_id`` of ``table`` is free (another transaction holds it:
        a score cron batch, a user), at most ``LOCK_WAIT_SECONDS`` and never past the
        ``deadline`` (``time.monotonic()`` value), without keeping it (the lock, and the
        ``lock_timeout`` of the wait, are taken in a savepoint rolled back at once). A row
        updated meanwhile, or still held at the end of the wait, is only logged: the next pass
        plans it again.

        :param table: table name (a constant of the caller, never user input)
        :return: True when the row was free before the end of the wait
        """
        seconds = min(LOCK_WAIT_SECONDS, deadline - time.monotonic())
        if seconds < 0.1:
            return False
        try:
            with closing(self.env.cr.savepoint(flush=False)):
                self.env.cr.execute(
                    SQL("SET LOCAL lock_timeout = %s", f"{int(seconds * 1000)}ms"),
                    log_exceptions=False,
                )
                self.env.cr.execute(
                    SQL(
                        "SELECT id FROM %s WHERE id = %s FOR NO KEY UPDATE",
                        SQL.identifier(table),
                        row_id,
                    ),
                    log_exceptions=False,
                )
            return True
        except CONFLICT_ERRORS as error:
            _logger.info("Dunning: row %s of %s still held or updated: %s", row_id, table, error)
            return False

    @api.model
    def _hold_first_runs(self, plan):
        """The ``plan`` without the companies whose first dunning run was not made yet (no
        ``res.company.dunning_first_run_date``, set by the run wizard's first run; a reminder
        recorded before it, by hand or imported, is no first run): the first run starts
        the ladder on the whole book, so a user sends it from the run wizard after checking how
        many customers reach each level (issue 17 #12); the daily cron then takes over. No
        query.
        """
        companies = self.env["res.company"].union(*(item["company"] for item in plan))
        waiting = companies.filtered(lambda company: not company.dunning_first_run_date)
        for company in waiting:
            _logger.info(
                "Dunning of %s held: its first run is to be sent from the run wizard", company.name
            )
        return [item for item in plan if item["company"] not in waiting]

    @api.model
    def _dunning_dispatch_batch(self, plan, date, batch_size, deadline=None):
        """Process the ``plan`` of one cron call: send its first ``batch_size`` items.

        Hook: ``recouvrement_b2b_queue`` enqueues the batches as queue jobs instead.

        :return: ``(done, remaining)``: the customers processed (one event, sent or failed,
            each) and those left for the next call
        """
        done = len(self._send_reminders(plan[:batch_size], date, deadline=deadline))
        return done, len(plan) - done

    @api.model
    def _get_cron_plan(self, date, batch_size, deadline=None):
        """The plan (see the class) of one cron call on ``date``: the customers due, planned
        ``batch_size`` at a time in the order of their ids, from where the previous call of the
        worker pass stopped (:meth:`_advance_cron_cursor`) and round, until ``batch_size``
        reminders are found, the customers all planned or the ``deadline``
        (``time.monotonic()`` value) passed (a call whose windows hold no reminder goes on
        planning: it never ends its pass without progress). Issue 18: planning the whole book
        in every call of 200 customers (2 000 customers: 8 s under load, up to 40 s on a cold
        server) took most of the cron's time, and calls whose plan overran the budget sent
        nothing.

        A customer is due when one of its companies has an instalment in the dunning domain
        (:meth:`_search_dunning_lines`) and no reminder of ``date`` (an event of that day not
        cancelled: sent, failed, to post) in that company: three queries (four with open
        litigation cases), whatever the number of invoices. The held first runs are left out
        (:meth:`_hold_first_runs`).

        :return: ``(plan, unplanned)``: the plan, and the number of due customers not planned
            yet (an upper bound of the reminders still to send after it)
        """
        levels = self.env["recouvrement.dunning.level"].search([("policy_id.active", "=", True)])
        if not levels:
            return [], 0
        # grouped in SQL: the (company, customer) pairs, not every due instalment of the book
        # read as records in each call (10 000 instalments: about 1 s a call under load); the
        # invoices first, then their due lines from their ids, not a join whose plan depends
        # on the statistics (:meth:`_search_dunning_lines`)
        move_keys, litigated = {}, set()
        for company, partner, litigation, ids in self.env["account.move"]._read_group(
            self._get_dunning_move_domain(date, levels.company_id),
            ["company_id", "commercial_partner_id", "litigation_id"],
            ["id:array_agg"],
        ):
            move_keys.update(dict.fromkeys(ids, (company.id, partner.id)))
            if litigation:
                litigated.update(ids)
        due_lines = self.env["account.move.line"]._read_group(
            [
                *self._get_dunning_line_domain(date, levels.company_id, min(levels.mapped("days"))),
                ("move_id", "in", list(move_keys)),
            ],
            ["move_id"],
            ["id:array_agg"],
        )
        claimed = self._get_claimed_line_ids(litigated & {move.id for move, _ids in due_lines})
        pairs = {
            move_keys[move.id]
            for move, ids in due_lines
            if move.id not in litigated or set(ids) - claimed.get(move.id, set(ids))
        }
        reminded = {
            (company.id, partner.id)
            for company, partner in self.env["recouvrement.dunning.event"]._read_group(
                [("date", "=", date), ("state", "!=", "cancelled")], ["company_id", "partner_id"]
            )
        }
        due = sorted(
            {partner_id for key in pairs if (partner_id := key[1]) and key not in reminded}
        )
        # customers another transaction held in a previous call of the pass come last: planned
        # again once every other customer is done
        held = self.env.cr.cache.get(_PASS_LOCKED_KEY, set())
        waiting = [partner_id for partner_id in due if partner_id in held]
        if len(waiting) < len(due):
            due = [partner_id for partner_id in due if partner_id not in held]
        else:
            waiting = []
            held.clear()
        # from the customer after the cursor, then those before it: the cursor only spares
        # planning again customers found not due by the previous calls, it never hides one
        cursor = self.env.cr.cache.get(_PLAN_CURSOR_KEY, 0)
        start = next((index for index, partner_id in enumerate(due) if partner_id > cursor), 0)
        todo = due[start:] + due[:start]
        plan = []
        while todo and len(plan) < batch_size:
            if deadline is not None and plan and time.monotonic() >= deadline:
                break
            window, todo = todo[:batch_size], todo[batch_size:]
            partners = self.env["res.partner"].browse(window)
            plan += self._hold_first_runs(self._get_plan(date, partners=partners, skip_failed=True))
            self.env.cr.cache[_PLAN_WINDOW_KEY] = window[-1]
        return plan, len(todo) + len(waiting)

    @api.model
    def _advance_cron_cursor(self, plan, remaining, deadline=None):
        """After a cron call sent ``plan`` (:meth:`_get_cron_plan`) with ``remaining`` of its
        customers left: those another transaction held (``_LOCKED_KEY``) are planned again by
        the next calls of the worker pass after every other customer; when the others were all
        sent, or the call did not run out of time (``deadline``, a ``time.monotonic()``
        value), the next call plans the customers after the last one planned; else it plans
        the same ones again (those reminded are then left out)."""
        window_end = self.env.cr.cache.pop(_PLAN_WINDOW_KEY, None)
        locked = self.env.cr.cache.get(_LOCKED_KEY) or set()
        if locked:
            self.env.cr.cache.setdefault(_PASS_LOCKED_KEY, set()).update(locked)
        out_of_time = deadline is not None and time.monotonic() >= deadline
        if window_end is not None and (not remaining or not out_of_time):
            self.env.cr.cache[_PLAN_CURSOR_KEY] = window_end

    @api.model
    def _get_deadline(self):
        """``time.monotonic()`` value at which a run stops starting new customers: the start of
        the run plus the ``recouvrement_b2b.dunning_time_budget`` system parameter (seconds,
        at least 1, default 30), well under the workers' ``limit_time_real`` (120 s by default).

        Under the scheduler, Odoo calls the cron again at once, in the same worker and under
        the same time limit, while it reports work remaining: the budget then covers every call
        of that pass of the job (the start is kept on the job's cursor, which each pass opens
        anew). The sending and letters crons are two jobs: one worker pass running both spends
        at most twice the budget, plus the batch or letter under way.

        A value that is not a number of at least 1 s is logged and the default used."""
        budget = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("recouvrement_b2b.dunning_time_budget", DEFAULT_TIME_BUDGET)
        )
        try:
            budget = float(budget)
        except ValueError:
            budget = 0
        if not budget >= 1:  # also NaN; under 1 s, a new pass could not be triggered
            _logger.warning(
                "Invalid dunning time budget (recouvrement_b2b.dunning_time_budget): %s s used",
                DEFAULT_TIME_BUDGET,
            )
            budget = DEFAULT_TIME_BUDGET
        start = time.monotonic()
        if self.env.context.get("ir_cron_progress_id"):
            start = self.env.cr.cache.setdefault(_PASS_START_KEY, start)
        return start + budget

    @api.model
    def _try_lock_run(self):
        """Take the dunning run lock for the current transaction (a PostgreSQL advisory lock,
        shared by the cron and the run wizard of every server on the database).

        :return: False when another transaction holds it (a run is in progress)
        """
        self.env.cr.execute(SQL("SELECT pg_try_advisory_xact_lock(%s)", RUN_LOCK_KEY))
        return self.env.cr.fetchone()[0]

    # ------------------------------------------------------------------------------------------
    # Planning: what is due
    # ------------------------------------------------------------------------------------------

    @api.model
    def _get_dunning_move_domain(self, date, companies, partners=None):
        """Domain of the invoices (account.move) whose instalments may be reminded on
        ``date`` (:meth:`_search_dunning_lines`): posted customer invoices of ``companies``
        (res.company), not or partly paid, not in a payment plan nor held by a proposed one
        (:meth:`_get_proposed_plan_hold_domain`), neither the invoice nor its customer (in the
        invoice's company) paused; of the customers ``partners`` (res.partner, their
        commercial partners) when given. The open litigation cases are applied per
        instalment by :meth:`_search_dunning_lines`."""
        domain = [
            ("company_id", "in", companies.ids),
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("payment_state", "in", ("not_paid", "partial")),
            ("payment_plan_id", "=", False),
            *self._get_proposed_plan_hold_domain(date),
            "|",
            ("dunning_paused_until", "=", False),
            ("dunning_paused_until", "<", date),
            *self._get_partner_pause_domain(date, companies),
        ]
        if partners is not None:
            domain.append(("commercial_partner_id", "in", partners.commercial_partner_id.ids))
        return domain

    @api.model
    def _get_dunning_line_domain(self, date, companies, min_days):
        """Domain of the receivable lines (account.move.line, one per instalment) of an invoice
        of :meth:`_get_dunning_move_domain` that may be reminded on ``date``: open
        instalments of ``companies`` (res.company) due (their own ``date_maturity``, LEGAL.md:
        instalments) at least ``min_days`` days ago (the smallest offset of the ladders;
        negative: due in at most that many days). Conditions on the lines' own columns only
        (and their account's type): :meth:`_search_dunning_lines` adds their invoices' ids."""
        return [
            ("company_id", "in", companies.ids),
            ("account_id.account_type", "=", "asset_receivable"),
            ("parent_state", "=", "posted"),
            ("reconciled", "=", False),
            ("amount_residual", ">", 0),
            ("date_maturity", "<=", fields.Date.subtract(date, days=min_days)),
        ]

    @api.model
    def _search_dunning_lines(
        self, date, companies, min_days, partners=None, move_ids=None, line_ids=None
    ):
        """The receivable lines (account.move.line, one per instalment) that may be reminded
        on ``date``: the open instalments (:meth:`_get_dunning_line_domain`) of the invoices
        of :meth:`_get_dunning_move_domain`, that no open litigation case claims
        (:meth:`_filter_claimed_lines`), sorted by due date.

        Issue 17 (performance): one search joining the lines and their invoices let the
        planner of a database whose statistics are missing or stale (a book just built or
        imported, not analysed yet) pick a nested loop scanning the invoices once per line
        (the plan of 200 customers of a 2 000-customer book: 3 to 7 s per day asked, 27 min
        of PostgreSQL CPU for the next reminder dates of the book). The invoices are found
        first, then their lines from the invoices' ids: two single-table searches (three with
        open litigation cases), whatever the statistics.

        :param partners: res.partner: only their invoices (their commercial partners)
        :param move_ids: ids of account.move: only among those invoices (None: any)
        :param line_ids: ids of account.move.line: only among those lines (None: any)
        """
        move_domain = self._get_dunning_move_domain(date, companies, partners)
        if move_ids is not None:
            move_domain.append(("id", "in", list(move_ids)))
        moves = self.env["account.move"].search(move_domain)
        domain = [
            *self._get_dunning_line_domain(date, companies, min_days),
            ("move_id", "in", moves.ids),
        ]
        if line_ids is not None:
            domain.append(("id", "in", list(line_ids)))
        lines = self.env["account.move.line"].search(domain, order="date_maturity, id")
        return self._filter_claimed_lines(lines)

    @api.model
    def _filter_claimed_lines(self, lines):
        """The receivable ``lines`` (account.move.line) no open litigation case claims
        (:meth:`_get_not_in_litigation_domain`, applied to lines found): one query when an
        invoice of them is in a case, none otherwise."""
        litigated = lines.move_id.filtered("litigation_id")
        if not litigated:
            return lines
        claimed = self._get_claimed_line_ids(litigated.ids)
        return lines.filtered(
            lambda line: (
                not line.move_id.litigation_id
                or (line.move_id.id in claimed and line.id not in claimed[line.move_id.id])
            )
        )

    @api.model
    def _get_claimed_line_ids(self, move_ids):
        """``{move id: {line id}}``: the lines of the invoices ``move_ids`` (ids of
        account.move) that an open litigation case claims (its ``line_ids``); invoices none
        of whose lines a case claims are left out (a case opened or completed by hand claims
        them whole, :meth:`_get_not_in_litigation_domain`). One query, none without
        ``move_ids``."""
        if not move_ids:
            return {}
        return {
            move.id: set(ids)
            for move, ids in self.env["account.move.line"]._read_group(
                [
                    ("move_id", "in", list(move_ids)),
                    ("litigation_case_ids", "any", [("is_closed", "=", False)]),
                ],
                ["move_id"],
                ["id:array_agg"],
            )
        }

    @api.model
    def _get_not_in_litigation_domain(self):
        """Domain of the receivable lines (account.move.line) no open litigation case claims:
        of an invoice in a case opened by the transfer to litigation (with ``line_ids``), the
        instalments its formal notices did not list go on through the reminders (issue 17 #1 x
        #12, :meth:`_keep_noticed_lines`); an invoice in a case opened by hand, or added by
        hand to a case the transfer opened (no line of it claimed by an open case,
        ``recouvrement.litigation._filter_claimed_lines``), leaves the ladder whole."""
        open_case = [("is_closed", "=", False)]
        return [
            "|",
            ("move_id.litigation_id", "=", False),
            "&",
            ("move_id.line_ids", "any", [("litigation_case_ids", "any", open_case)]),
            ("litigation_case_ids", "not any", open_case),
        ]

    @api.model
    def _get_not_in_litigation_sql(self, line_alias="l", move_alias="m"):
        """SQL twin of :meth:`_get_not_in_litigation_domain`: the condition that the receivable
        line ``line_alias`` (account_move_line) of the invoice ``move_alias`` (account_move) is
        claimed by no open litigation case (its invoice in no case, or some instalment of the
        invoice claimed by an open case's ``line_ids`` but not this one; an invoice none of
        whose lines a case lists is claimed whole). For the reports that show what the run
        does (aged balance, worklist)."""
        return SQL(
            """(%(move)s.litigation_id IS NULL
                OR (EXISTS (SELECT 1
                              FROM recouvrement_litigation_line_rel lit_all
                              JOIN account_move_line lit_line ON lit_line.id = lit_all.line_id
                              JOIN recouvrement_litigation lit_open
                                ON lit_open.id = lit_all.litigation_id
                             WHERE lit_line.move_id = %(move)s.id
                               AND lit_open.is_closed IS NOT TRUE)
                    AND NOT EXISTS (
                        SELECT 1
                          FROM recouvrement_litigation_line_rel lit_rel
                          JOIN recouvrement_litigation lit_case
                            ON lit_case.id = lit_rel.litigation_id
                         WHERE lit_rel.line_id = %(line)s.id
                           AND lit_case.is_closed IS NOT TRUE)))""",
            move=SQL.identifier(move_alias),
            line=SQL.identifier(line_alias),
        )

    @api.model
    def _is_claimed_in_litigation(self, line):
        """Python twin of :meth:`_get_not_in_litigation_domain`, negated: whether an open
        litigation case claims the receivable ``line`` (account.move.line): its invoice is in
        a case and none of its lines is in the ``line_ids`` of an open case (opened or added
        by hand: every instalment), or the line is (:meth:`_get_lines_listed_in_litigation`).
        No query beyond the prefetch of the cases."""
        if not line.move_id.litigation_id:
            return False
        listed = self._get_lines_listed_in_litigation(line.move_id)
        return not listed or line in listed

    @api.model
    def _get_lines_listed_in_litigation(self, move):
        """The lines (account.move.line) of the invoice ``move`` in the ``line_ids`` of an open
        litigation case: the instalments a case claiming the invoice in part claims (the rule
        of :meth:`_get_not_in_litigation_domain`, its Python side, for
        :meth:`_is_claimed_in_litigation` and
        ``recouvrement.penalty._get_penalty_litigated_lines``); empty when the invoice is in
        no case or claimed whole (none of its lines listed). No query beyond the prefetch of
        the cases; none for an invoice in no case."""
        if not move.litigation_id:
            return move.line_ids.browse()
        return move.line_ids.filtered(
            lambda line: any(not case.is_closed for case in line.litigation_case_ids)
        )

    @api.model
    def _get_plan(self, date, companies=None, partners=None, skip_failed=False):
        """Group the due instalments per customer and pick the level to send.

        The ladder works per receivable line (an invoice's instalments each have their own due
        date and residual, LEGAL.md: instalments); every amount compared or summed is in the
        company currency (``amount_residual``), so that one reminder per customer claims its
        invoices of every currency, each currency net of the open credits of that currency
        (:meth:`_net_by_currency`; LEGAL.md, open credits).

        :param date: day of the run
        :param companies: res.company to run for (default: every company with a ladder)
        :param partners: res.partner to run for (their commercial partners; default: all)
        :param skip_failed: leave out the customers whose reminder failed on ``date``
        :return: the plan (see the class), sorted by company and customer; each customer gets
            the most severe level reached by one of its instalments
            (:func:`rules.dunning.highest`). Queries do not depend on the number of invoices
            nor of customers.
        """
        level_domain = [("policy_id.active", "=", True)]
        if companies:
            level_domain.append(("company_id", "in", companies.ids))
        levels = self.env["recouvrement.dunning.level"].search(level_domain)
        if not levels:
            return []
        simulation = self.env.context.get("dunning_simulation")
        known = simulation and simulation.line_ids is not None
        # the next reminder dates ask the plan of a few customers whose open instalments and
        # invoices are known: the searches start from their ids
        lines = self._search_dunning_lines(
            date,
            levels.company_id,
            min(levels.mapped("days")),
            partners=partners or None,
            move_ids=simulation.move_ids if known else None,
            line_ids=simulation.line_ids if known else None,
        )
        kept_ids = set(
            self.env["recouvrement.proceedings"]._filter_dunning_moves(lines.move_id, date).ids
        )
        claimed = simulation.claimed if simulation else ()
        lines = lines.filtered(lambda line: line.move_id.id in kept_ids and line.id not in claimed)
        skipped = self._get_failed_keys(lines.move_id, date) if skip_failed else set()
        groups, line_levels = self._group_due_lines(lines, date, skipped)
        # every level of the ladders: a level's minimum may cap an instalment to a level below
        records = {level.id: level for level in levels}
        credits = self._get_open_credits(lines.move_id)
        # what each instalment and open credit is worth on the day of the run
        line_amounts = self._get_line_amounts(
            lines.union(*credits.values()) if credits else lines, date
        )
        # what the open credits are worth whole, then each instalment's share of them, the
        # oldest debt first (the open litigation cases' claims, then every open instalment)
        whole = {line.id: line_amounts[line.id] for lines in credits.values() for line in lines}
        shares = self._allocate_open_credits(credits, line_amounts, date)[2]
        plan = []
        for key, group_lines in groups.items():
            item = self._get_plan_item(
                key, group_lines, line_levels[key], shares, line_amounts, date, records
            )
            if item:
                plan.append(item)
        plan = self.env["recouvrement.customer"]._hold_replied_customers(plan)
        # promises to pay and commercial disputes hold (part of) invoices
        plan = self.env["recouvrement.promise"]._dunning_adjust_plan(plan, date)
        plan = self._apply_prerequisite_steps(plan, date)
        plan = [item for item in (self._level_listed_lines(item, date) for item in plan) if item]
        plan.sort(key=lambda item: (item["company"].id, item["partner"].id))
        for item in plan:
            # a reminder lists an open credit at what it deducts (_prepare_claim_vals)
            item["credit_whole"] = whole
        return plan

    @api.model
    def _get_plan_item(
        self,
        key,
        lines,
        line_levels,
        shares,
        line_amounts,
        date,
        records,
        held=None,
        litigated=None,
    ):
        """The plan item (see the class) of customer ``key`` (``(res.company, commercial
        res.partner)``) for its instalments ``lines`` (account.move.line), or None when it
        claims nothing: each currency net of the shares of the open credits allocated to
        those instalments and of the parts ``held`` (:meth:`_net_by_currency`), each
        instalment's level capped to what the net balance of its currency meets
        (:meth:`_cap_to_net_minimums`). Built the same way before and
        after the holds (``recouvrement.promise._dunning_adjust_item``). No query but the
        ladders' levels, once per policy.

        :param line_levels: ``{line id: rules.dunning.Level}`` of the instalments reaching a
            new level (the level's key is its id)
        :param shares: ``{instalment line id: {credit line id: float}}``, the open credits
            allocated to each instalment (:meth:`_allocate_open_credits`)
        :param line_amounts: ``{line id: float}`` in company currency (:meth:`_get_line_amounts`)
        :param records: ``{level id: recouvrement.dunning.level}`` of the levels reached
        :param held: ``{line id: float}``: the part of an instalment held back (under an open
            dispute), company currency
        :param litigated: ``{line id: float}``: of ``held``, the part a litigation case
            claims (of a penalty invoice, what its source invoice's case file claims,
            ``recouvrement.litigation._get_case_claimed_penalty_amounts``): stated apart
            (``amount_litigated``), not as contested (issue 17: "amounts you contest")
        """
        held = held or {}
        litigated = litigated or {}
        net = self._net_by_currency(key, lines, line_levels, shares, line_amounts, held)
        if not net:
            return None
        lines, credit_parts, by_line, nets = net
        credit_lines = (
            self.env["account.move.line"]
            .browse(list(credit_parts))
            .sorted(lambda line: (line.date, line.id))
        )
        # an instalment the open credits allocated to it settle whole owes nothing: it may be
        # listed (with its share) but its age moves no level (art. 1342-10 Code civil; the
        # ladder climbs on what is owed: issue 17, a credit paying the oldest invoice whole
        # sent the newer one a firm reminder the day after its due date, then a formal notice)
        settled = self._get_settled_line_ids(lines, shares, line_amounts, held)
        by_line = {
            line_id: rule_level for line_id, rule_level in by_line.items() if line_id not in settled
        }
        by_line = self._cap_to_net_minimums(lines, by_line, nets, date, records)
        if not by_line:
            return None
        late = lines.filtered(lambda line: line.date_maturity < date)
        if late != lines and dunning_rules.highest(by_line.values()).days > 0:
            # a reminder of late instalments lists and claims only those due before ``date``:
            # an instalment due today is not "unpaid after its due date" (issue 17 #1); it
            # is built again without them (their net balance and minimums change)
            late_ids = set(late.ids)
            return self._get_plan_item(
                key,
                late,
                {line_id: lvl for line_id, lvl in line_levels.items() if line_id in late_ids},
                shares,
                line_amounts,
                date,
                records,
                held=held,
                litigated=litigated,
            )
        key_id = dunning_rules.highest(by_line.values()).key
        level = records.get(key_id) or self.env["recouvrement.dunning.level"].browse(key_id)
        company = key[0]
        return {
            "company": company,
            "partner": key[1],
            "currency": company.currency_id,
            "policy": level.policy_id,
            "level": level,
            "moves": lines.move_id,
            "lines": lines,
            "move_levels": self._get_move_levels(lines, by_line),
            "line_levels": {line_id: rule_level.key for line_id, rule_level in by_line.items()},
            "credit_lines": credit_lines,
            # what the reminder deducts of each open credit: the shares allocated to the
            # instalments it lists (:meth:`_allocate_open_credits`)
            "credit_parts": credit_parts,
            "shares": shares,
            "line_amounts": line_amounts,
            "open_credit": float_round(sum(credit_parts.values()), precision_digits=2),
            "nets": nets,
            "amount_net": float_round(sum(nets.values()), precision_digits=2),
            # the amounts are in company currency already: rounded to cents with no query
            # for the currency's rounding, as the nets
            "amount_disputed": float_round(
                sum(held.get(line.id, 0.0) - litigated.get(line.id, 0.0) for line in lines),
                precision_digits=2,
            ),
            "amount_litigated": float_round(
                sum(litigated.get(line.id, 0.0) for line in lines), precision_digits=2
            ),
            "held": held,
            "litigated": litigated,
        }

    @api.model
    def _get_settled_line_ids(self, lines, shares, line_amounts, held=None):
        """``{line id}``: the instalments of ``lines`` (receivable account.move.line) that the
        open credits allocated to them (``shares``, ``{line id: {credit line id: float}}``,
        :meth:`_allocate_open_credits`) settle whole, their part ``held`` back under an open
        dispute (``{line id: float}``) aside: nothing of them is owed, so their age moves no
        level of the ladder (art. 1342-10 Code civil: the credit pays the oldest debt first;
        README, product decisions). Amounts in company currency (``line_amounts``). No
        query."""
        held = held or {}
        return {
            line.id
            for line in lines
            if line.id in shares
            and float_compare(
                line_amounts[line.id] - held.get(line.id, 0.0) - sum(shares[line.id].values()),
                0.0,
                precision_digits=2,
            )
            <= 0
        }

    @api.model
    def _level_listed_lines(self, item, date):
        """Plan ``item`` with every instalment it lists at its level, or None when it must
        wait (LEGAL.md, instalments; README, product decisions). No query: the levels reached
        are read with the plan's lines (:meth:`_group_due_lines`).

        A reminder is never softer than one already delivered for an instalment it lists
        (where it stands, :meth:`_get_reached_sequence`): when an instalment newly reaches a
        level below the one another listed instalment already had (its second instalment's
        courteous reminder after the first one's last call), the item waits for that one's
        next step, which will list both; when that one has no next step left in the ladder,
        the item is sent at that one's level. Every instalment listed then takes the item's
        level (``line_levels``, ``move_levels``), so that an instalment listed in a last call
        is not "newly reaching" the courteous level afterwards, and the payment deadline of
        the next reminder listing them is that of a level they all had.
        """
        level = item["level"]
        lines = item["lines"]
        ladder = item["policy"]._get_rule_levels()
        reached = {line: self._get_reached_sequence(line, ladder) for line in lines}
        # an instalment the open credits settle whole sets no floor: nothing of it is owed
        settled = self._get_settled_line_ids(
            lines, item.get("shares", {}), item.get("line_amounts", {}), item.get("held")
        )
        floor = max(
            (sequence for line, sequence in reached.items() if line.id not in settled),
            default=0,
        )
        never = self._get_never_reminded_lines(lines, reached, ladder)
        if level.sequence < floor and never:
            # its own ladder first, as before (issue 17 #12): a step with legal effect never
            # reaches an invoice no reminder listed after its due date; sent alone, at its
            # own level: the others already had a stronger one
            return self._rebuild_item(item, never, date) if never != lines else item
        if level.sequence < floor:
            nets = item["nets"]
            if any(
                dunning_rules.next_action_date(
                    ladder, floor, line.date_maturity, amount=nets[line.currency_id]
                )
                for line, sequence in reached.items()
                if sequence == floor
            ):
                # with that instalment's next step, unless that step presupposes a reminder
                # the new instalments never had (issue 17 #1 x #12)
                return self._send_newcomers_alone(item, reached, ladder, floor, date)
            level = item["policy"].level_ids.filtered(lambda lvl: lvl.sequence == floor)[:1]
        elif level._has_legal_effect() and not level.open_litigation:
            # a formal notice or a credit hold lists only the instalments a reminder named
            # (the transfer to litigation: _keep_noticed_lines)
            named = self._get_named_lines(lines, reached, ladder)
            if named and named != lines:
                item = self._rebuild_item(item, named, date)
                if not item:
                    return None
                lines = item["lines"]
        return self._set_item_level(item, level)

    @api.model
    def _set_item_level(self, item, level):
        """Plan ``item`` at ``level`` (recouvrement.dunning.level) with every instalment it
        lists at that level (``line_levels``, ``move_levels``). No query."""
        lines = item["lines"]
        rule_level = level._get_rule_level()
        return dict(
            item,
            level=level,
            line_levels=dict.fromkeys(lines.ids, level.id),
            move_levels=self._get_move_levels(lines, dict.fromkeys(lines.ids, rule_level)),
        )

    @api.model
    def _first_late_day(self, line, ladder):
        """The first day the instalment ``line`` (receivable account.move.line) is late in
        ``ladder`` (:class:`rules.dunning.Level` list): its due date plus the days of the
        ladder's first level after the due date (the courteous reminder, 1 day), or None
        when the ladder has none. A reminder at a level after the due date never lists an
        instalment before that day (an instalment due on the run day is not late). No query."""
        days = [lvl.days for lvl in ladder if lvl.days > 0]
        return fields.Date.add(line.date_maturity, days=min(days)) if days else None

    @api.model
    def _get_named_lines(self, lines, reached, ladder):
        """The instalments of ``lines`` a delivered reminder named after their due date: their
        level reached (``reached``, :meth:`_get_reached_sequence`) is one after the due date
        (an undelivered reminder gives its instalments their level back,
        :meth:`_restore_levels`). No query."""
        late_sequences = {lvl.sequence for lvl in ladder if lvl.days > 0}
        return lines.filtered(lambda line: reached[line] in late_sequences)

    @api.model
    def _send_newcomers_alone(self, item, reached, ladder, floor, date):
        """Plan ``item`` whose new instalments wait for the next step of those at ``floor``
        (:meth:`_level_listed_lines`): None (they wait), or, when that next step has legal
        effect (a formal notice, a credit hold, the transfer to litigation) and some listed
        instalments were never named by a reminder (:meth:`_get_named_lines`), the item
        listing those alone at the highest amicable level up to ``floor`` (the older ones'
        last call), once they are late (:meth:`_first_late_day`; before it, they wait): a new
        instalment is formally noticed only after a reminder of its own (issue 17 #1 x #12),
        in the tone its invoice has reached (README, product decisions). No query."""
        levels = item["policy"].level_ids.sorted("sequence")
        next_step = levels.filtered(lambda lvl: lvl.sequence > floor)[:1]
        # only once late: a newcomer's courtesy day (before its due date) sends nothing, a
        # last call listing an instalment not yet due would be no reminder of an unpaid one
        newcomers = (
            item["lines"] - self._get_named_lines(item["lines"], reached, ladder)
        ).filtered(lambda line: (self._first_late_day(line, ladder) or date.max) <= date)
        if not (next_step and next_step._has_legal_effect()):
            return None
        if not newcomers:
            return self._send_unnoticed_alone(item, reached, ladder, next_step, date)
        amicable = levels.filtered(
            lambda lvl: lvl.sequence <= floor and not lvl._has_legal_effect()
        )[-1:]
        if not amicable:
            return None
        item = self._rebuild_item(item, newcomers, date)
        return self._set_item_level(item, amicable) if item else None

    @api.model
    def _send_unlisted_alone(self, item, date):
        """Plan ``item``, whose step with legal effect waits for a payment deadline
        (:meth:`_get_allowed_level` False), listing alone the instalments reaching a new level
        on this run that this step can never list, at their own level; None when there are
        none. A formal notice lists only instalments a delivered reminder named, the transfer
        to litigation only those of a delivered formal notice (issue 17 #12;
        :meth:`_keep_noticed_lines`): another invoice's waiting step does not hold back their
        own ladder (its firm reminder on its own day). No query but the ladder's levels."""
        level = item["level"]
        ladder = item["policy"]._get_rule_levels()
        if level.open_litigation:
            notice = item["policy"].level_ids.filtered(
                lambda lvl: lvl.is_formal_notice and lvl.sequence < level.sequence
            )
            if not notice:
                return None
            first = min(notice.mapped("sequence"))
            needed = {lvl.sequence for lvl in ladder if lvl.sequence >= first}
        else:
            needed = {lvl.sequence for lvl in ladder if lvl.days > 0}
        moving = item["lines"].filtered(
            lambda line: (
                line.id in item["line_levels"]
                and self._get_reached_sequence(line, ladder) not in needed
                and (self._first_late_day(line, ladder) or date.max) <= date
            )
        )
        if not moving or moving == item["lines"]:
            return None
        rebuilt = self._rebuild_item(item, moving, date)
        if not rebuilt or rebuilt["level"].sequence >= level.sequence:
            return None
        return rebuilt

    @api.model
    def _send_unnoticed_alone(self, item, reached, ladder, next_step, date):
        """Plan ``item`` whose instalments wait for the transfer to litigation ``next_step``
        of older ones (:meth:`_send_newcomers_alone`): the instalments reaching a new level
        on this run that no formal notice reached (``reached``: ``{line: sequence}``) go on
        through their own ladder, listed alone at their own level; None when there are none
        or ``next_step`` is no transfer. The transfer takes only the instalments of a
        delivered formal notice whose payment deadline passed (:meth:`_keep_noticed_lines`;
        issue 17 #12; art. 1344 Code civil): it can never list them, so they must not wait
        for it (a firm reminder of 250 on its own day, not a last call a fortnight later),
        once late (:meth:`_first_late_day`), as the newcomers. No query."""
        notice = item["policy"].level_ids.filtered(
            lambda lvl: lvl.is_formal_notice and lvl.sequence < next_step.sequence
        )[-1:]
        if not (next_step.open_litigation and notice):
            return None
        moving = item["lines"].filtered(
            lambda line: (
                line.id in item["line_levels"]
                and (reached[line] or 0) < notice.sequence
                and (self._first_late_day(line, ladder) or date.max) <= date
            )
        )
        return self._rebuild_item(item, moving, date) if moving else None

    @api.model
    def _get_never_reminded_lines(self, lines, reached, ladder):
        """The instalments of ``lines`` (account.move.line) of the invoices none of whose
        instalments in ``lines`` reached a level after its due date (``reached``: ``{line:
        sequence}``, :meth:`_get_reached_sequence`; a courtesy note before the due date is no
        reminder of an unpaid invoice). Such an invoice goes through its own ladder, in a
        reminder of its own: listing the others would send them a level softer than one they
        already had (README, product decisions). No query."""
        late_sequences = {level.sequence for level in ladder if level.days > 0}
        never = self.env["account.move.line"]
        for move_lines in lines.grouped("move_id").values():
            if not any(reached[line] in late_sequences for line in move_lines):
                never |= move_lines
        return never

    @api.model
    def _net_by_currency(self, key, lines, line_levels, shares, line_amounts, held=None):
        """What the reminder of customer ``key`` (``(res.company, commercial res.partner)``)
        claims, currency by currency: the shares of the open credits allocated to the
        instalments ``lines`` (``shares``, :meth:`_allocate_open_credits`: the oldest debt
        first, art. 1342-10 Code civil; a credit only pays the debts of its own currency,
        LEGAL.md, open credits; art. 1347 and 1347-1 Code civil) and the parts ``held`` back
        (``{line id: float}``, under an open dispute) are deducted from those instalments
        only, never a credit an older debt not in the reminder gets (issue 17); a currency
        whose instalments they cover claims nothing (its instalments and credits are left out
        of the reminder); an open credit with no share in the instalments listed is left
        out. No query.

        :param line_levels: ``{line id: rules.dunning.Level}`` of the instalments reaching a
            new level
        :param line_amounts: ``{line id: float}`` in company currency (:meth:`_get_line_amounts`)
        :return: ``(lines, {credit line id: float deducted}, line levels, {res.currency: net
            balance in company currency})`` of the currencies claimed, or None when nothing
            reaches a new level
        """
        Line = self.env["account.move.line"]
        held = held or {}
        shares = shares or {}
        kept, deducted, nets = Line, defaultdict(float), {}
        for currency, currency_lines in lines.grouped("currency_id").items():
            parts = defaultdict(float)
            for line in currency_lines:
                for credit_id, part in shares.get(line.id, {}).items():
                    parts[credit_id] += part
            amount = sum(
                line_amounts[line.id] - held.get(line.id, 0.0) for line in currency_lines
            ) - sum(parts.values())
            # the amounts are rounded to the company currency already: cents only tell the sum's
            # float noise from a balance (no query for the currency's rounding)
            if float_compare(amount, 0.0, precision_digits=2) <= 0:
                continue
            kept |= currency_lines
            for credit_id, part in parts.items():
                deducted[credit_id] += part
            nets[currency] = float_round(amount, precision_digits=2)
        kept_ids = set(kept.ids)
        by_line = {
            line_id: rule_level
            for line_id, rule_level in line_levels.items()
            if line_id in kept_ids
        }
        if not by_line:
            return None
        deducted = {
            credit_id: float_round(part, precision_digits=2) for credit_id, part in deducted.items()
        }
        return kept, deducted, by_line, nets

    @api.model
    def _cap_to_net_minimums(self, lines, line_levels, nets, date, records):
        """``line_levels`` (``{line id: rules.dunning.Level}``) with each instalment of
        ``lines`` whose level's minimum exceeds the net balance of its currency (``nets``,
        ``{res.currency: float}``, company currency, :meth:`_net_by_currency`) capped to the
        highest level below it whose minimum that net balance meets, above the level the
        instalment reached (:func:`rules.dunning.next_level`); left out when there is none.

        A reminder claims the net balance of each currency (LEGAL.md, open credits): a level's
        minimum, in company currency (issue 17 #3), is compared with what it claims, not only
        with the invoice's amount (:meth:`_group_due_lines`): 1 000 overdue with an open credit
        of 700 claims 300, under a formal notice's minimum of 500; the customer gets the last
        amicable reminder for 300, not nothing (issue 17). No query but the ladders' levels
        (once per policy).

        :param records: ``{level id: recouvrement.dunning.level}`` of the levels reached
        """
        Level = self.env["recouvrement.dunning.level"]
        ladders = {}
        result = {}
        for line in lines:
            rule_level = line_levels.get(line.id)
            if not rule_level:
                continue
            net = nets[line.currency_id]
            if rule_level.applies_to(net):
                result[line.id] = rule_level
                continue
            policy = (records.get(rule_level.key) or Level.browse(rule_level.key)).policy_id
            if policy not in ladders:
                ladders[policy] = policy._get_rule_levels()
            ladder = ladders[policy]
            capped = dunning_rules.next_level(
                [lvl for lvl in ladder if lvl.sequence < rule_level.sequence],
                self._get_reached_sequence(line, ladder),
                line.date_maturity,
                date,
                amount=net,
            )
            if capped:
                result[line.id] = capped
        return result

    @api.model
    def _get_move_levels(self, lines, line_levels):
        """``{move id: level id}``: the level each invoice of ``lines`` reaches, the most severe
        of its instalments' new levels (``line_levels``, ``{line id: rules.dunning.Level}``)
        and of the level it already had."""
        by_move = defaultdict(list)
        for line in lines:
            if line.id in line_levels:
                by_move[line.move_id].append(line_levels[line.id])
        result = {}
        for move, rule_levels in by_move.items():
            reached = self._get_move_dunning_level(move)[0]
            if reached:
                rule_levels.append(reached._get_rule_level())
            result[move.id] = dunning_rules.highest(rule_levels).key
        return result

    @api.model
    def _apply_prerequisite_steps(self, plan, date):
        """Never reach a step with legal effect without the steps it presupposes (a first run
        on an existing book included), for each invoice it takes there: a formal notice or a
        credit hold (a commercial effect: the customer is warned first) only for invoices
        listed in a reminder that was delivered, the transfer to litigation only for
        invoices listed in a formal notice that was sent and whose payment deadline passed
        (art. 1344 Code civil: the notice gives the debtor a delay; LEGAL.md: the notice
        names each invoice). A reminder or a notice about other invoices of the customer (paid
        since) does not count. Amicable levels may be skipped to the highest one due. A
        customer already reminded on ``date`` waits for the next day (one communication per
        customer and day: a formal notice never follows its prerequisite reminder in the same
        run). One query for the whole plan.

        :return: the plan, items capped to the level allowed (their invoices with them) or
            left out (formal notice sent, its deadline not passed yet)
        """
        if not plan:
            return plan
        history = self._get_prerequisite_history(plan, date)
        result = []
        for item in plan:
            key = (item["company"].id, item["partner"].id)
            if key in history["waiting"]:
                continue  # reminded today, or its last letter is not posted yet
            level = self._get_allowed_level(item, history, date)
            if not level:
                # the step waits for a payment deadline; the instalments it can never list
                # go on through their own ladder meanwhile
                item = self._send_unlisted_alone(item, date)
                level = item and self._get_allowed_level(item, history, date)
                if not level:
                    continue  # the formal notice's payment deadline has not passed yet
            last_undelivered = history["last_undelivered"].get(key)
            if last_undelivered and last_undelivered >= history["last_delivered"].get(
                key, last_undelivered
            ):
                item = dict(item, undelivered=True)
            if level != item["level"]:
                item = self._cap_item(item, level, date)
                if not item:
                    continue  # no level below meets the minimum on the net balance
            if item["level"].open_litigation:
                item = self._keep_noticed_lines(item, history, date)
                if not item:
                    continue
            item = dict(item, earlier_reminders=self._count_earlier_reminders(item, history))
            result.append(item)
        return result

    @api.model
    def _cap_item(self, item, level, date):
        """Plan ``item`` with no instalment (invoice) above ``level``, each instalment's level
        then capped again to what the net balance of its currency meets (``nets``,
        :meth:`_cap_to_net_minimums`: the level below may have a minimum of its own), or None
        when no instalment is left with a level. No query."""
        records = {lvl.id: lvl for lvl in item["policy"].level_ids}
        capped = self._cap_move_levels(item, level, "line_levels")
        by_line = self._cap_to_net_minimums(
            item["lines"],
            {line_id: records[level_id]._get_rule_level() for line_id, level_id in capped.items()},
            item["nets"],
            date,
            records,
        )
        if not by_line:
            return None
        level = records[dunning_rules.highest(by_line.values()).key]
        move_levels = self._get_move_levels(item["lines"], by_line)
        return dict(
            item,
            level=level,
            move_levels=self._cap_move_levels(dict(item, move_levels=move_levels), level),
            line_levels={line_id: rule_level.key for line_id, rule_level in by_line.items()},
        )

    @api.model
    def _get_prerequisite_history(self, plan, date):
        """What the customers of ``plan`` were sent (:meth:`_apply_prerequisite_steps`), one
        grouped query: ``waiting`` (``{(company id, partner id)}`` reminded on ``date``, with a
        letter still to post or an email or SMS still in the outgoing queue), ``reminded``
        (``{(company id, partner id, move id)}``: invoices listed in a reminder delivered that
        told the customer they are unpaid, ``recouvrement.dunning.level._reminds_of_unpaid``),
        ``notice_deadlines`` (same keys: the latest payment deadline of the formal notices
        sent listing the invoice), ``reminder_deadlines`` (same keys: the latest payment
        deadline stated by a delivered reminder of any level listing the invoice, a call's
        excepted), ``last_delivered`` and ``last_undelivered`` (``{(company id, partner id):
        date}``), ``delivered_events`` (same keys as ``reminded``: ``{event id}``, the
        reminders delivered listing the invoice, a courtesy note before the due date and a
        level with no message excepted). A call level's reminder counts once the call is made
        (its call activity done, :meth:`_get_pending_calls`): a call still to make reached
        nobody. An email or SMS reminder counts once it left the outgoing queue (``queued``,
        :meth:`_dunning_mail_left_queue`), its deadline counted from that day
        (``dispatch_date``)."""
        partners = self.env["res.partner"].union(*(item["partner"] for item in plan))
        domain = [
            ("partner_id", "in", partners.ids),
            ("company_id", "in", [item["company"].id for item in plan]),
        ]
        groups = self.env["recouvrement.dunning.event"]._read_group(
            [
                # a letter counts once posted (issue 18): sent emails and posted letters; a
                # letter still to post holds the customer's ladder until it is posted
                ("state", "in", ("sent", "posted", "to_post", "undelivered")),
                *domain,
            ],
            [
                "company_id",
                "partner_id",
                "move_ids",
                "level_id",
                "state",
                "channel",
                "delivery_date:day",
                "queued",
                "dispatch_date:day",
            ],
            ["date:max", "post_date:max", "id:array_agg"],
        )
        history = {
            "waiting": set(),
            "reminded": set(),
            "delivered_events": {},
            "notice_deadlines": {},
            "reminder_deadlines": {},
            "last_delivered": {},
            "last_undelivered": {},
        }
        pending_calls = (
            self._get_pending_calls(domain) if any(g[5] == "phone" for g in groups) else set()
        )
        # formal notices delivered: {event id: (key, {move id: payment deadline})}
        notices = {}
        simulation = self.env.context.get("dunning_simulation")
        for group in groups:
            company, partner, move, level, state, channel, delivered, queued, dispatched = group[:9]
            last, posted, ids = group[9:]
            key = (company.id, partner.id)
            if last >= date:
                # one communication per customer and day: a customer reminded today (by
                # another cron call, server or the run wizard) gets its next step another day
                history["waiting"].add(key)
            if (state == "to_post" or (state == "sent" and queued)) and simulation:
                # the next reminder dates (recouvrement.dunning.next.date): a letter still to
                # post is posted, an email still in the queue leaves it, on the first day asked
                # at the earliest; its payment deadline runs from then
                if state == "to_post":
                    state, posted = "posted", simulation.start
                else:
                    dispatched = simulation.start
            elif state == "to_post" or (state == "sent" and queued):
                # a letter still to post, an email or SMS still in the outgoing queue: the
                # customer has not had it, its ladder waits until it leaves (issue 17 #4, #12)
                history["waiting"].add(key)
                continue
            if channel == "phone" and (*key, move.id, level.id) in pending_calls:
                continue  # the call is still to make: nobody was reminded
            dates = history["last_undelivered" if state == "undelivered" else "last_delivered"]
            dates[key] = max(last, dates.get(key, last))
            if state == "undelivered":  # never received: no step presupposes it
                continue
            if level._reminds_of_unpaid(channel):
                # a reminder the customer had about this invoice, as the next one states it
                # ("despite our previous reminder"), and the prerequisite of a formal notice
                # or a credit hold: a note before the due date reminds of nothing unpaid, a
                # level sending no message reached nobody
                history["reminded"].add((*key, move.id))
                history["delivered_events"].setdefault((*key, move.id), set()).update(ids)
            if channel == "phone":
                continue  # a call states no written payment deadline
            # counted from the day the customer had it (a letter: from its delivery, not from
            # the day it was prepared; an email or SMS from the day it left the outgoing
            # queue, never earlier than the day it states, recouvrement.dunning.event.
            # _get_payment_deadline)
            deadline = deadline_rules.payment_deadline(
                level.payment_deadline_days,
                sent=dispatched or last,
                letter=channel in POSTED_CHANNELS,
                posted=posted or last,
                delivered=delivered,
            )
            keys = ["reminder_deadlines"] + (["notice_deadlines"] if level.is_formal_notice else [])
            for name in keys:
                deadlines = history[name]
                deadlines[(*key, move.id)] = max(deadline, deadlines.get((*key, move.id), deadline))
            if level.is_formal_notice:
                for event_id in ids:
                    notices.setdefault(event_id, (key, {}))[1][move.id] = deadline
        history["notice_line_deadlines"] = self._get_notice_line_deadlines(notices)
        simulation = self.env.context.get("dunning_simulation")
        if simulation:
            simulation.add_to_history(history, date)
        return history

    @api.model
    def _get_notice_line_deadlines(self, notices):
        """``{(company id, partner id, line id): date}``: the latest payment deadline of the
        formal notices delivered listing each instalment (receivable account.move.line), from
        ``notices`` (``{event id: ((company id, partner id), {move id: deadline})}``,
        :meth:`_get_prerequisite_history`). A notice recorded without its instalments (before
        they were stored on the reminder) lists every instalment of its invoices: the key is
        then ``(company id, partner id, ("move", move id))``. One query, none without
        notices (issue 17 #1 x #12: the transfer to litigation takes only what a notice
        listed, :meth:`_keep_noticed_lines`)."""
        result = {}
        if not notices:
            return result
        events = self.env["recouvrement.dunning.event"].browse(list(notices))
        for event in events:
            key, deadlines = notices[event.id]
            names = {
                line.id: deadlines[line.move_id.id]
                for line in event.line_ids
                if line.move_id.id in deadlines
            } or {("move", move_id): deadline for move_id, deadline in deadlines.items()}
            for name, deadline in names.items():
                result[(*key, name)] = max(deadline, result.get((*key, name), deadline))
        return result

    @api.model
    def _keep_noticed_lines(self, item, history, date):
        """Plan ``item`` reaching the transfer to litigation with only the instalments a
        delivered formal notice listed and whose payment deadline passed (``history``,
        :meth:`_get_prerequisite_history`): the case claims what the notice claimed (issue 17
        #1 x #12; art. 1344 Code civil: the notice gives the debtor a delay for what it
        claims). An instalment no notice listed (not yet due or not yet late when it was
        sent) is left out of the transfer and goes through its own reminders. None of them:
        the item is capped to the formal notice (the instalments get a notice of their own),
        or None when the ladder has none. No query."""
        key = (item["company"].id, item["partner"].id)
        deadlines = history.get("notice_line_deadlines", {})

        def noticed(line):
            deadline = deadlines.get((*key, line.id)) or deadlines.get(
                (*key, ("move", line.move_id.id))
            )
            return bool(deadline) and deadline < date

        lines = item["lines"]
        kept = lines.filtered(noticed)
        if kept == lines:
            return item
        if not kept:
            notice = item["policy"].level_ids.filtered("is_formal_notice").sorted("sequence")[-1:]
            return self._cap_item(item, notice, date) if notice else None
        return self._rebuild_item(item, kept, date)

    @api.model
    def _rebuild_item(self, item, kept, date):
        """Plan ``item`` listing only the instalments ``kept`` (account.move.line), its net
        balances and levels computed again (:meth:`_get_plan_item`, the same shares of the
        open credits and held parts: those of the instalments left out leave with them), or
        None when it then claims nothing. No query."""
        records = {lvl.id: lvl for lvl in item["policy"].level_ids}
        company, partner = item["company"], item["partner"]
        kept_ids = set(kept.ids)
        rebuilt = self._get_plan_item(
            (company, partner),
            kept,
            {
                line_id: records[level_id]._get_rule_level()
                for line_id, level_id in item["line_levels"].items()
                if line_id in kept_ids
            },
            item.get("shares", {}),
            item["line_amounts"],
            date,
            records,
            held=item.get("held"),
            litigated=item.get("litigated"),
        )
        if not rebuilt:
            return None
        return dict(item, **rebuilt)

    @api.model
    def _count_earlier_reminders(self, item, history):
        """Number of reminders delivered to the customer of plan ``item`` before this one that
        listed at least one of its invoices (``history``, :meth:`_get_prerequisite_history`):
        what its wording may say of them ("despite our previous reminder", "despite our
        reminders", or nothing). Counted for the invoices it lists, not for the customer: the
        sentence is about them ("the following invoices remain unpaid"), and a reminder about
        invoices paid since, or one that bounced, was returned or whose call was never made,
        told the customer nothing about these (issue 17 #4, #12)."""
        key = (item["company"].id, item["partner"].id)
        events = set()
        for move in item["moves"]:
            events.update(history["delivered_events"].get((*key, move.id), ()))
        return len(events)

    @api.model
    def _get_pending_calls(self, domain):
        """``{(company id, partner id, move id, level id)}``: the call levels' reminders of
        ``domain`` (on recouvrement.dunning.event) whose call is still to make (their call
        activity open: not done, or the customer not reached yet,
        ``recouvrement.call._apply_outcomes``). Such a reminder reached nobody: no formal
        notice presupposes it (issue 17 #12). One query."""
        # sudo: the call activities belong to the collectors, maybe not the current user
        groups = (
            self.env["recouvrement.dunning.event"]
            .sudo()
            ._read_group(
                [
                    ("channel", "=", "phone"),
                    ("state", "=", "sent"),
                    ("activity_ids", "!=", False),
                    *domain,
                ],
                ["company_id", "partner_id", "move_ids", "level_id"],
            )
        )
        return {
            (company.id, partner.id, move.id, level.id) for company, partner, move, level in groups
        }

    @api.model
    def _get_allowed_level(self, item, history, date):
        """The level plan ``item`` may reach given what was sent (``history``,
        :meth:`_get_prerequisite_history`): its level, capped for the invoices it takes to a
        formal notice, a credit hold or litigation without their prerequisite step, or False
        while a formal notice listing them still runs its payment deadline.

        A formal notice or a credit hold is reached only for invoices listed in a reminder
        delivered (sent email, posted letter, call made), else the highest level below with
        no legal or commercial effect (:meth:`recouvrement.dunning.level._has_legal_effect`);
        a ladder without such a level keeps its level. A level with legal effect also waits
        (False) until the payment deadline stated by the last delivered reminder listing its
        invoices has passed (``reminder_deadlines``)."""
        key = (item["company"].id, item["partner"].id)
        level = item["level"]
        below = (
            item["policy"]
            .level_ids.sorted("sequence")
            .filtered(lambda lvl, level=level: lvl.sequence < level.sequence)
        )
        if level.open_litigation:
            deadlines = [
                history["notice_deadlines"].get((*key, move_id))
                for move_id in self._get_moves_reaching(item, level).ids
            ]
            if any(deadline and deadline >= date for deadline in deadlines):
                return False
            if not all(deadlines):
                level = below.filtered("is_formal_notice")[-1:] or level
        if (level.is_formal_notice or level.credit_hold) and not all(
            (*key, move_id) in history["reminded"]
            for move_id in self._get_moves_reaching(item, level).ids
        ):
            # a formal notice or a credit hold presupposes that the customer was warned: the
            # highest amicable level below (no notice, no hold, no litigation); a ladder with
            # none keeps the level (its first step holds by the manager's choice)
            amicable = below.filtered(
                lambda lvl, ceiling=level.sequence: (
                    lvl.sequence < ceiling and not lvl._has_legal_effect()
                )
            )
            level = amicable[-1:] or level
        if level._has_legal_effect() and any(
            deadline and deadline >= date
            for deadline in (
                history["reminder_deadlines"].get((*key, move_id))
                for move_id in self._get_moves_reaching(item, level).ids
            )
        ):
            # the last reminder gave the customer until its deadline ("unless they are paid
            # by ..."): no step with legal effect before the day after it (art. 1344 Code
            # civil: the debtor has the delay he was given; issue 17 #12)
            return False
        return level

    @api.model
    def _get_moves_reaching(self, item, level):
        """The invoices (account.move) of plan ``item`` with an instalment reaching ``level``
        or a more severe one on this run (its ``line_levels``); all its invoices when the
        instalments are not known."""
        sequences = {lvl.id: lvl.sequence for lvl in item["policy"].level_ids}
        line_ids = {
            line_id
            for line_id, level_id in (item.get("line_levels") or {}).items()
            if sequences.get(level_id, 0) >= level.sequence
        }
        lines = item.get("lines") or self.env["account.move.line"]
        return lines.filtered(lambda line: line.id in line_ids).move_id or item["moves"]

    @api.model
    def _cap_move_levels(self, item, level, key="move_levels"):
        """The ``move_levels`` (or ``line_levels``, ``key``) of plan ``item`` with no invoice
        (instalment) above ``level``."""
        levels = item["policy"].level_ids
        sequences = {lvl.id: lvl.sequence for lvl in levels}
        return {
            record_id: level.id if sequences.get(level_id, 0) > level.sequence else level_id
            for record_id, level_id in item.get(key, {}).items()
        }

    @api.model
    def _get_open_credits(self, moves):
        """Open credits of the customers of ``moves``: ``{(company id, commercial partner id,
        currency id): account.move.line}``, their unreconciled credit receivable lines (credit
        notes, payments not matched to an invoice), per currency of the line. One query.

        What a customer is asked to pay is net of them, in the same company and currency only
        (LEGAL.md, open credits; art. 1347 and 1347-1 Code civil: compensation needs fungible
        debts, a euro credit does not pay a dollar invoice); their ``amount_residual``
        (negative) is in the company currency.
        """
        if not moves:
            return {}
        lines = self.env["account.move.line"].search(
            [*self._get_open_receivable_domain(moves), ("amount_residual", "<", 0)],
            order="date, id",
        )
        credits = defaultdict(lambda: self.env["account.move.line"])
        for line in lines:
            credits[self._get_credit_key(line)] |= line
        return credits

    @api.model
    def _get_credit_key(self, line):
        """``(company id, commercial partner id, currency id)`` of the receivable ``line``
        (account.move.line, an open credit or an instalment): the key under which
        :meth:`_allocate_open_credits` matches credits and debts (art. 1347-1 Code civil: the
        same creditor, debtor and currency). The customer is the line's partner's commercial
        entity, never its move's: a journal entry (an opening balance taken over from former
        software) has no ``commercial_partner_id`` of its own, and was left out of the
        allocation (issue 17). No query."""
        return (line.company_id.id, line.partner_id.commercial_partner_id.id, line.currency_id.id)

    @api.model
    def _allocate_open_credits(self, credits, amounts, date, own_moves=None, penalty_taken=None):
        """The one rule that shares the open ``credits`` (:meth:`_get_open_credits`) of a set
        of customers on ``date`` over ALL their open debts of the credit's company and
        currency, for every document (reminders, balances, call worklist, payment plans,
        claim declarations, letters): a credit goes to the oldest debt first (art. 1342-10
        Code civil: failing the debtor's designation, an undesignated payment pays the due
        debts first, among them the oldest; README, product decisions), in this order:

        1. the open cases' claimed instalments (``recouvrement.litigation
           ._get_day_rate_residuals``: past their own due date, only those the case claims),
           oldest due date first, each case up to what it claims in the credit's own company
           and currency (LEGAL.md, open credits; art. 1347-1 Code civil);
        2. then every other open instalment of the customer in that company and currency
           (:meth:`_allocate_credits_to_debts`): the due ones first, oldest due date first,
           then those not yet due, without the part an open dispute holds back (the debtor
           has no interest in paying a contested amount); invoices under a promise to pay or
           a payment plan are debts all the same.

        The credits are taken oldest first. Each credit is deducted once in all, and each
        document deducts from the instalments it states only the shares allocated to THOSE
        instalments (issue 17: two open cases each deducted the whole credit; a reminder of
        a newer invoice deducted the whole credit while an older invoice was open and not in
        it).

        :param amounts: ``{line id: float}`` (:meth:`_get_line_amounts`, company currency at
            the rate of ``date``, negative) of the credit lines (and of instalments, whose
            values are read from it when there); the credits' are lowered in place by what
            the cases took, so that it holds what is left of each credit for the others
        :param own_moves: account.move the calling document claims itself (a déclaration de
            créance declares the invoices of a case too): the cases take nothing for them, nor
            for the invoices a sent declaration declared (``claim_declaration_id``)
        :param penalty_taken: a dict filled, when given, with ``{case id: {penalty invoice
            id: float}}``: of what each case took, the part for the penalty invoices its file
            claims (company currency; the columns of its file,
            ``recouvrement.litigation._get_dossier_credit_columns``)
        :return: ``(left, taken, shares)``: ``credits`` without the credit lines the cases
            took whole; ``{case id: {credit line id: float}}``, what each open case took of
            each credit; ``{instalment line id: {credit line id: float}}``, what each other
            open instalment gets of each credit (company currency, positive)
        :rtype: tuple
        Queries do not depend on the number of customers, cases or invoices (the customers'
        open instalments, the invoices in open cases, their disputes, their rates); none
        without open credits.
        """
        if not credits:
            return credits, {}, {}
        # every open instalment of the customers, once for both steps
        debts = self.env["account.move.line"].search(
            [
                ("company_id", "in", list({key[0] for key in credits})),
                ("partner_id.commercial_partner_id", "in", list({key[1] for key in credits})),
                ("account_id.account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
                ("reconciled", "=", False),
                ("amount_residual", ">", 0),
            ],
            order="date_maturity, id",
        )
        left, taken, claimed = self._allocate_credits_to_cases(
            credits, amounts, date, debts, own_moves=own_moves, penalty_taken=penalty_taken
        )
        shares = self._allocate_credits_to_debts(
            left,
            amounts,
            date,
            debts.filtered(lambda line: claimed.get(line.id, 0.0) < 1.0),
            claimed=claimed,
        )
        return left, taken, shares

    @api.model
    def _allocate_credits_to_cases(
        self, credits, amounts, date, debts, own_moves=None, penalty_taken=None
    ):
        """The first step of :meth:`_allocate_open_credits`: what the open litigation cases
        take of ``credits``, the claimed instalments of the invoices of ``debts`` (the
        customers' open instalments, account.move.line) in open cases, oldest due date
        first, each up to its value less the part the case contests or an open dispute holds
        back (``recouvrement.dispute._dunning_excluded_amounts``, spread over the invoice's
        instalments in proportion to their values, as in :meth:`_allocate_credits_to_debts`).
        The part of a penalty invoice a case's file claims with its invoices
        (``recouvrement.litigation._get_penalty_invoice_fractions``) is one of the case's
        claims too, at its own due date (issue 17: the file claimed it and deducted no credit
        for it). ``amounts`` is lowered in place. Returns ``(left, taken, claimed)``,
        ``claimed`` ``{instalment line id: float}`` the part of each instalment the cases
        claim (1.0 for their invoices' claimed instalments)."""
        moves = debts.move_id.filtered(
            lambda move: (
                move.move_type == "out_invoice"
                and move.litigation_id
                and not move.litigation_id.is_closed
                # an invoice a sent claim declaration declares (``claim_declaration_id``): the
                # declaration deducted each credit whole for it (README, product decisions),
                # its case takes nothing for it (issue 17: the case showed its share too)
                and not move.claim_declaration_id
            )
        )
        if own_moves:
            moves -= own_moves
        if not moves:
            return credits, {}, {}
        cases = moves.litigation_id
        claims = cases._filter_claimed_lines(
            self.env["recouvrement.penalty"]._get_claimed_receivables(moves, date)
        )
        # each claim: (line, case id, part of the line the case claims)
        entries = [(line, line.move_id.litigation_id.id, 1.0) for line in claims]
        claim_ids = set(claims.ids)
        # the penalty invoices of those invoices, for the part the case's file claims
        penalty_fractions = cases._get_penalty_invoice_fractions(moves, date)
        penalty_lines = debts.filtered(
            lambda line: line.move_id.id in penalty_fractions and line.move_id not in moves
        )
        entries += [
            (line, case_id, part)
            for line in penalty_lines
            for case_id, part in penalty_fractions[line.move_id.id].items()
        ]
        claims |= penalty_lines
        claimed = self._get_line_amounts(claims, date)
        # the part a case contests (its disputed amount) or an open dispute holds back is no
        # debt the credit goes to (art. 1342-10 Code civil), as in the second step: spread
        # over the invoice's instalments in proportion to their values (issue 17: a case
        # escalated from a dispute took the credit for the contested part)
        disputed = self.env["recouvrement.dispute"]._dunning_excluded_amounts(claims.move_id, date)
        # a case on a claim born before its customer's opening judgment takes only the
        # credits born before it, as the second step (L622-7 Code de commerce; issue 17: a
        # case on a pre-judgment invoice took a credit born after the judgment, which the
        # later invoices' reminders then did not deduct)
        Proceedings = self.env["recouvrement.proceedings"]
        judgments = Proceedings._get_judgments(claims.partner_id)
        frozen = (
            set(Proceedings._get_pre_judgment_moves(claims.move_id).ids) if judgments else set()
        )
        by_key = defaultdict(list)
        parts = defaultdict(float)
        for line, case_id, part in sorted(
            entries, key=lambda entry: (entry[0].date_maturity or entry[0].date, entry[0].id)
        ):
            move = line.move_id
            rest = claimed[line.id]
            if disputed.get(move.id) and move.amount_residual_signed:
                rest -= disputed[move.id] * claimed[line.id] / move.amount_residual_signed
            parts[line.id] = min(parts[line.id] + part, 1.0)
            by_key[self._get_credit_key(line)].append(
                [
                    case_id,
                    max(float_round(rest * part, precision_digits=2), 0.0),
                    move.id in frozen,
                    # a penalty invoice the case's file claims: which one
                    move.id if line.id not in claim_ids else None,
                ]
            )
        taken = defaultdict(lambda: defaultdict(float))
        left = {}
        for key, lines in credits.items():
            claims_left = by_key.get(key, [])
            judgment = judgments.get(key[1])
            for line in lines:
                after_judgment = self._is_after_judgment(line, judgment)
                # the credit to the oldest claims still open, until it or they run out
                for claim in claims_left:
                    if float_compare(amounts[line.id], 0.0, precision_digits=2) >= 0:
                        break
                    case_id, rest, pre_judgment, penalty_id = claim
                    if float_compare(rest, 0.0, precision_digits=2) <= 0 or (
                        pre_judgment and after_judgment
                    ):
                        continue
                    part = float_round(min(-amounts[line.id], rest), precision_digits=2)
                    amounts[line.id] = float_round(amounts[line.id] + part, precision_digits=2)
                    taken[case_id][line.id] += part
                    claim[1] = float_round(rest - part, precision_digits=2)
                    if penalty_id and penalty_taken is not None:
                        by_penalty = penalty_taken.setdefault(case_id, {})
                        by_penalty[penalty_id] = by_penalty.get(penalty_id, 0.0) + part
            kept = lines.filtered(
                lambda line: float_compare(amounts[line.id], 0.0, precision_digits=2) < 0
            )
            if kept:
                left[key] = kept
        return left, {case_id: dict(took) for case_id, took in taken.items()}, dict(parts)

    @api.model
    def _allocate_credits_to_debts(self, credits, amounts, date, debts, claimed=None):
        """The second step of :meth:`_allocate_open_credits`: what is left of ``credits``
        (``amounts``, negative, not changed) shared over ``debts``, the other open
        instalments of their customers (account.move.line) in the credit's company and
        currency (not those the cases took; not the invoices assigned to a factor in notified
        factoring, the factor's claims, ``recouvrement.proceedings
        ._get_notified_factored_moves``; the pre-judgment claims of a customer in collective
        proceedings do take theirs: its claim declaration deducts the credits from them, and
        the reminders of the invoices born after the judgment only what they leave, issue 17:
        both deducted the same credit) in the order of
        :meth:`_get_debt_order` (the due ones first, oldest due date first, then those not
        yet due or in a signed payment plan; a customer's pre-judgment claims before all its
        other debts, taking only the credits born before the judgment,
        ``rules.proceedings.is_born_before_judgment``), each instalment up to its value on
        ``date`` (:meth:`_get_line_amounts`) less the part an open dispute holds back
        (``recouvrement.dispute._dunning_excluded_amounts``, spread over the invoice's
        instalments as the reminders spread it, ``recouvrement.promise._dunning_adjust_item``)
        and less the part the cases took as theirs (``claimed``, ``{line id: float}`` from 0
        to 1, :meth:`_allocate_credits_to_cases`: of a penalty invoice, what a case's file
        claims with its invoices).

        :return: ``{instalment line id: {credit line id: float}}`` (company currency,
            positive)
        """
        if not credits or not debts:
            return {}
        payable = debts.move_id - self.env["recouvrement.proceedings"]._get_notified_factored_moves(
            debts.move_id
        )
        debts = debts.filtered(lambda line: line.move_id in payable)
        values = dict(amounts)
        missing = debts.filtered(lambda line: line.id not in values)
        if missing:
            values.update(self._get_line_amounts(missing, date))
        disputed = self.env["recouvrement.dispute"]._dunning_excluded_amounts(payable, date)
        # a claim born before its customer's opening judgment is paid by a credit born before
        # it only (L622-7 Code de commerce: no payment of it afterwards), and first: the
        # credit and the claims born before the judgment met at the judgment, when the later
        # claims did not exist (art. 1347 al. 2 Code civil, R622-23: the claim is declared as
        # it stood at the judgment; its claim declaration deducts these shares,
        # ``recouvrement.claim.declaration._get_open_credit_at_judgment``), whatever the due
        # dates (issue 17: D 900 declared due 10 April, E 600 born after the judgment due
        # 1 March, a credit of 1 000 born before it: E took 600 and the declaration 900)
        Proceedings = self.env["recouvrement.proceedings"]
        judgments = Proceedings._get_judgments(debts.partner_id)
        frozen = set(Proceedings._get_pre_judgment_moves(payable).ids) if judgments else set()
        by_key = defaultdict(list)
        for line in debts.sorted(
            lambda ln: (ln.move_id.id not in frozen, *self._get_debt_order(ln, date))
        ):
            move = line.move_id
            rest = values[line.id]
            if disputed.get(move.id) and move.amount_residual_signed:
                # the disputed part, spread over the instalments in proportion to their values
                rest -= disputed[move.id] * values[line.id] / move.amount_residual_signed
            if claimed and claimed.get(line.id):
                rest *= 1.0 - claimed[line.id]
            if float_compare(rest, 0.0, precision_digits=2) > 0:
                by_key[self._get_credit_key(line)].append(
                    [line.id, float_round(rest, precision_digits=2), move.id in frozen]
                )
        shares = defaultdict(dict)
        for key, lines in credits.items():
            debts_left = by_key.get(key, [])
            judgment = judgments.get(key[1])
            for line in lines:
                credit = -amounts[line.id]
                after_judgment = self._is_after_judgment(line, judgment)
                # the credit to the oldest debts still open, until it or they run out
                for debt in debts_left:
                    if float_compare(credit, 0.0, precision_digits=2) <= 0:
                        break
                    debt_id, rest, pre_judgment = debt
                    if float_compare(rest, 0.0, precision_digits=2) <= 0 or (
                        pre_judgment and after_judgment
                    ):
                        continue
                    part = float_round(min(credit, rest), precision_digits=2)
                    credit = float_round(credit - part, precision_digits=2)
                    shares[debt_id][line.id] = part
                    debt[1] = float_round(rest - part, precision_digits=2)
        return dict(shares)

    @api.model
    def _is_after_judgment(self, line, judgment):
        """Whether the open credit ``line`` (account.move.line) was born on or after the
        opening ``judgment`` of its customer (a dict of ``recouvrement.proceedings
        ._get_judgments``, or None: False): born on the judgment day, after it, as an invoice
        of that day (``rules.proceedings.is_born_before_judgment``, R621-4). Such a credit
        pays no claim born before the judgment (L622-7 Code de commerce). No query."""
        return bool(judgment) and not proceedings_rules.is_born_before_judgment(
            line.date, judgment["date"]
        )

    @api.model
    def _get_debt_order(self, line, date):
        """Sort key of the open instalment ``line`` (account.move.line) for the open credits
        on ``date`` (:meth:`_allocate_credits_to_debts`, art. 1342-10 Code civil): the due
        debts first, oldest due date first, then those not yet due. An invoice in a signed
        payment plan (``payment_plan_id``) is not due: the plan gave the customer new terms
        (README, product decisions). No query."""
        due = line.date_maturity or line.date
        return (bool(line.move_id.payment_plan_id) or due > date, due, line.id)

    @api.model
    def _match_credit_part(self, line, debits, amount):
        """Match the open credit ``line`` (account.move.line) with the receivable ``debits``
        (account.move.line of its account and currency), oldest due first, for ``amount`` at
        most (in its currency, positive): the part a document deducts of it
        (:meth:`_allocate_open_credits`), the rest stays open for the others (README, product
        decisions). Odoo's own reconciliation while it matches no more than what is left of
        ``amount``, then one partial reconciliation of exactly what is left.

        :return: what is left of ``amount`` unmatched (float)
        """
        currency = line.currency_id
        for debit in debits.sorted(lambda ln: (ln.date_maturity or ln.date, ln.id)):
            if line.reconciled or currency.compare_amounts(amount, 0.0) <= 0:
                break
            if debit.reconciled:
                continue
            before = -line.amount_residual_currency
            if (
                currency.compare_amounts(before, amount) <= 0
                or currency.compare_amounts(debit.amount_residual_currency, amount) <= 0
            ):
                (line | debit).reconcile()
                amount = currency.round(amount - (before + line.amount_residual_currency))
                continue
            # the part in company currency at the credit's own rate of the books
            self.env["account.partial.reconcile"].sudo().create(
                {
                    "debit_move_id": debit.id,
                    "credit_move_id": line.id,
                    "amount": line.company_currency_id.round(
                        amount * line.amount_residual / line.amount_residual_currency
                    ),
                    "debit_amount_currency": amount,
                    "credit_amount_currency": amount,
                }
            )
            amount = 0.0
        return amount

    @api.model
    def _get_credit_share(self, line, left, whole):
        """``(residual, residual in its currency)`` of the open credit ``line``
        (account.move.line) that a document deducts when ``left`` of ``whole`` (company
        currency at the day's rate, :meth:`_allocate_open_credits`) is left to it: the same
        share of both amounts. No query."""
        residuals = (line.amount_residual, line.amount_residual_currency)
        if not whole:
            return residuals
        share = left / whole
        if float_compare(share, 1.0, precision_digits=6) >= 0:
            return residuals
        return (
            line.company_currency_id.round(residuals[0] * share),
            line.currency_id.round(residuals[1] * share),
        )

    @api.model
    def _get_open_receivable_domain(self, moves):
        """Domain on ``account.move.line``: the open (posted, unreconciled) receivable lines of
        the customers (commercial partners) of ``moves`` (account.move) in their companies."""
        return [
            ("company_id", "in", moves.company_id.ids),
            ("partner_id.commercial_partner_id", "in", moves.commercial_partner_id.ids),
            ("account_id.account_type", "=", "asset_receivable"),
            ("parent_state", "=", "posted"),
            ("reconciled", "=", False),
        ]

    @api.model
    def _get_line_amounts(self, lines, date, residuals=None):
        """``{line id: float}``: what each receivable line of ``lines`` (instalment or open
        credit, account.move.line) is worth in its company's currency on ``date``: its
        ``amount_residual`` in company currency; in another currency, its
        ``amount_residual_currency`` at the rate of ``date`` (what settles it when paid that
        day, as Odoo's payment register computes it), not at the invoice's rate of the books.
        One query for the rates of all ``lines`` (none when all are in company currency).

        :param residuals: ``{line id: (amount_residual, amount_residual_currency)}`` to value
            instead of the lines' own (what was left on a past date, the statement's)
        """
        foreign = lines.filtered(lambda line: line.currency_id != line.company_currency_id)
        rates = self.env["recouvrement.penalty"]._get_penalty_currency_rates(
            {
                (currency.id, line.company_id.id, date)
                for line in foreign
                for currency in line.currency_id | line.company_currency_id
            }
        )
        residuals = residuals or {}
        amounts = {
            line.id: residuals.get(line.id, (line.amount_residual,))[0] for line in lines - foreign
        }
        for line in foreign:
            company = line.company_id
            ratio = (
                rates[line.company_currency_id.id, company.id, date]
                / rates[line.currency_id.id, company.id, date]
            )
            residual = residuals.get(line.id, (None, line.amount_residual_currency))[1]
            amounts[line.id] = line.company_currency_id.round(residual * ratio)
        return amounts

    @api.model
    def _get_failed_keys(self, moves, date):
        """``{(company id, partner id)}`` of the customers of ``moves`` whose reminder failed
        on ``date`` (one query)."""
        if not moves:
            return set()
        failed = self.env["recouvrement.dunning.event"]._read_group(
            [
                ("date", "=", date),
                ("state", "=", "failed"),
                ("partner_id", "in", moves.commercial_partner_id.ids),
            ],
            ["company_id", "partner_id"],
        )
        return {(company.id, partner.id) for company, partner in failed}

    @api.model
    def _group_due_lines(self, lines, date, skipped):
        """Group the receivable ``lines`` (account.move.line, one per instalment) per
        ``(company, commercial partner)`` records.

        :return: ``(groups, line_levels)``: ``{key: account.move.line}`` (the instalments to
            list: reaching a new level or overdue) and ``{key: {line id: rules.dunning.Level}}``
            (the instalments reaching a new level on ``date``, :func:`rules.dunning.next_level`
            from their own due date, on their residual in company currency; the level's key is
            its id; a level's minimum compared with the residual of the invoice's instalments
            in ``lines``, company currency). Keys whose ids are in ``skipped`` and invoices
            without a policy are left out.
        """
        policies = self._get_policies(lines.move_id)
        ladders = {policy: policy._get_rule_levels() for policy in set(policies.values())}
        # a level's minimum applies to the invoice's amount due (its instalments in the run),
        # not to each instalment: splitting an invoice does not put it under the minimum
        invoice_due = defaultdict(float)
        line_amounts = self._get_line_amounts(lines, date)
        for line in lines:
            invoice_due[line.move_id.id] += line_amounts[line.id]
        groups = defaultdict(lambda: self.env["account.move.line"])
        line_levels = defaultdict(dict)
        for line in lines:
            move = line.move_id
            key = (move.company_id, move.commercial_partner_id)
            policy = policies.get(move.id)
            if not policy or (key[0].id, key[1].id) in skipped:
                continue
            # the level's minimum applies to the invoice, not each instalment
            rule_level = self._get_line_next_level(
                line, ladders[policy], date, amount=invoice_due[move.id]
            )
            if rule_level:
                line_levels[key][line.id] = rule_level
            if rule_level or line.date_maturity < date:
                groups[key] |= line
        return groups, line_levels

    @api.model
    def _get_policies(self, moves):
        """Dunning policy of each invoice of ``moves``: ``{move id: recouvrement.dunning.policy}``
        (the customer's policy in the invoice's company, else the company's default; invoices
        with neither are left out). Batched per company."""
        policies = {}
        for company in moves.company_id:
            company_moves = moves.filtered(lambda m, c=company: m.company_id == c)
            partners = company_moves.commercial_partner_id.with_company(company)
            by_partner = {p.id: p.dunning_policy_id or company.dunning_policy_id for p in partners}
            for move in company_moves:
                policy = by_partner.get(move.commercial_partner_id.id)
                if policy:
                    policies[move.id] = policy
        return policies

    @api.model
    def _get_reached_sequence(self, line, ladder):
        """Where the instalment ``line`` (receivable account.move.line) stands in ``ladder``
        (its policy as :class:`rules.dunning.Level`): :func:`rules.dunning.reached_sequence`
        of its level, or of its invoice's level when it has none of its own, was already
        late (due before it) at the invoice's last reminder and no instalment of the invoice
        has a level of its own (invoices reminded as a whole before)."""
        level = self._get_line_dunning_level(line)
        move = line.move_id
        move_level, last_date = self._get_move_dunning_level(move)
        if (
            not level
            and move_level
            # listed by it: due before it (an instalment due that day was not late yet)
            and (not last_date or line.date_maturity < last_date)
            # reminded as a whole: an instalment left out of a reminder listing others of its
            # invoice (the transfer to litigation takes only what a formal notice listed,
            # :meth:`_keep_noticed_lines`) has reached no level
            and not any(
                self._get_line_dunning_level(other)
                for other in move.line_ids
                if other.account_id.account_type == "asset_receivable"
            )
        ):
            level = move_level
        return dunning_rules.reached_sequence(ladder, level._get_rule_level() if level else None)

    @api.model
    def _get_line_dunning_level(self, line):
        """The level (recouvrement.dunning.level, maybe empty) the instalment ``line`` reached:
        its ``dunning_level_id``, or the one a run not made yet gave it when the next
        reminder dates are being worked out (context ``dunning_simulation``,
        ``recouvrement.dunning.next.date._get_run_next_dates``). No query."""
        simulation = self.env.context.get("dunning_simulation")
        if simulation and line.id in simulation.line_levels:
            return simulation.line_levels[line.id]
        return line.dunning_level_id

    @api.model
    def _get_move_dunning_level(self, move):
        """``(level, last reminder date)`` of the invoice ``move`` (account.move): its
        ``dunning_level_id`` and ``dunning_last_date``, or those a run not made yet gave it
        (see :meth:`_get_line_dunning_level`). No query."""
        simulation = self.env.context.get("dunning_simulation")
        if simulation and move.id in simulation.move_levels:
            return simulation.move_levels[move.id]
        return move.dunning_level_id, move.dunning_last_date

    @api.model
    def _get_line_next_level(self, line, ladder, date, amount=None, one_step=False):
        """The level the instalment ``line`` (receivable account.move.line) reaches on ``date``
        in ``ladder`` (its policy as :class:`rules.dunning.Level`), from its own due date and
        :meth:`_get_reached_sequence`: :func:`rules.dunning.next_level` on ``amount`` (company
        currency, default its residual), or with ``one_step`` the first level due above the one
        it reached (a pause let several fall due: none is skipped). ``None`` when no level
        applies."""
        reached = self._get_reached_sequence(line, ladder)
        if amount is None:
            # at the rate of ``date``, as the reminder claims it (:meth:`_get_line_amounts`)
            amount = self._get_line_amounts(line, date)[line.id]
        if not one_step:
            return dunning_rules.next_level(
                ladder, reached, line.date_maturity, date, amount=amount
            )
        due = dunning_rules.due_levels(ladder, line.date_maturity, date)
        return next((lvl for lvl in due if lvl.sequence > reached and lvl.applies_to(amount)), None)

    @api.model
    def _get_next_dates(self, moves, date=None):
        """Date of the next reminder of each invoice of ``moves``: ``{move id: date or False}``,
        the day a daily run from ``date`` (default: today) on sends a reminder listing it, the
        plan asked day after day (``recouvrement.dunning.next.date._get_run_next_dates``;
        issue 17: the ladder's own dates, corrected by copies of the run's rules, were not the
        day the run acted). False: not an open customer invoice, no policy, or the run lists
        it on no day to come (paid by open credits, wholly disputed, in a payment plan or a
        case, below every minimum at the day's rate, at the top of its ladder)."""
        open_moves = moves.filtered(
            lambda m: (
                m.move_type == "out_invoice"
                and m.state == "posted"
                and m.payment_state in ("not_paid", "partial")
            )
        )
        # pre-judgment claims of a customer in collective proceedings and invoices in notified
        # factoring are not reminded (recouvrement.proceedings): no next reminder either
        open_moves = self.env["recouvrement.proceedings"]._filter_dunning_moves(open_moves, None)
        policies = self._get_policies(open_moves)
        next_dates = dict.fromkeys(moves.ids, False)
        dunned = open_moves.filtered(lambda m: m.id in policies)
        return self.env["recouvrement.dunning.next.date"]._get_run_next_dates(
            dunned, next_dates, date or fields.Date.context_today(self)
        )

    @api.model
    def _recompute_next_dates(self, moves, day=None):
        """Recompute the next reminder date (``account.move.dunning_next_date``) of the open
        customer invoices of the customers of ``moves`` (account.move: credit notes, payments,
        invoices whose disputes changed) in their companies: their open credits and disputes
        decide whether anything will be sent (:meth:`_get_next_dates`). One query.

        :param day: a date: the dates are recomputed at once, worked out for that day (an
            email that left the outgoing queue on ``day``, :meth:`_dunning_mail_left_queue`);
            default: when the records are next flushed, for today
        :return: the account.move marked (sudo)
        """
        moves = moves.filtered("commercial_partner_id")
        if not moves:
            return self.env["account.move"].sudo()
        marked = self._mark_open_next_dates(
            [
                ("company_id", "in", moves.company_id.ids),
                ("commercial_partner_id", "in", moves.commercial_partner_id.ids),
            ]
        )
        if day and marked:
            marked._fields["dunning_next_date_on"].write(marked, day)
            marked.with_context(dunning_next_date_day=day)._recompute_recordset(
                ["dunning_next_date"]
            )
        return marked

    @api.model
    def _refresh_past_next_dates(self, date, limit=None):
        """Recompute the next reminder dates before ``date`` (the day of the run) of the open
        customer invoices, which the run did not reach (held, below a minimum): a next
        reminder date is never in the past (:meth:`_get_next_dates`); and, once a day,
        those of the invoices listed by a reminder waiting to leave (a letter to post, an
        email or SMS still in the outgoing queue): the next reminder date counts its
        posting or dispatch from the day it is worked out at the earliest
        (``recouvrement.dunning.next.date``), a day later each day it waits (issue 17: a
        letter prepared on 16 Mar still waiting on 22 Mar showed 31 Mar, the run cannot send
        before 3 Apr). One query.

        :param limit: at most this many invoices, the oldest first (a cron call: a constant
            cost per call; those refreshed are no longer in the past and are worked out for
            ``date`` (``dunning_next_date_on``), so the next calls take the next ones)
        :return: the account.move marked (sudo)
        """
        waiting = [
            "|",
            ("state", "=", "to_post"),
            "&",
            ("state", "=", "sent"),
            ("queued", "=", True),
        ]
        moves = self._mark_open_next_dates(
            [
                "|",
                ("dunning_next_date", "<", date),
                "&",
                ("dunning_event_ids", "any", waiting),
                "|",
                ("dunning_next_date_on", "=", False),
                ("dunning_next_date_on", "<", date),
            ],
            limit=limit,
        )
        # worked out for ``date`` at the next flush (in the same UPDATE as the dates)
        if moves:
            moves._fields["dunning_next_date_on"].write(moves, date)
        return moves

    @api.model
    def _recompute_next_dates_for_rates(self, currencies):
        """Recompute the next reminder date (``account.move.dunning_next_date``) of the open
        customer invoices whose currency or company currency is one of ``currencies``
        (res.currency) after their rates changed: a level's minimum is compared at the day's
        rate (:meth:`_get_next_dates`), the one a reminder claims at. One query."""
        if currencies:
            self._mark_open_next_dates(
                [
                    "|",
                    ("currency_id", "in", currencies.ids),
                    ("company_currency_id", "in", currencies.ids),
                ],
                keep=lambda move: move.currency_id != move.company_currency_id,
            )

    @api.model
    def _mark_open_next_dates(self, domain, keep=None, limit=None):
        """Mark the next reminder date (``account.move.dunning_next_date``) of the open customer
        invoices matching ``domain`` (posted, not or partly paid) to be recomputed, in every
        company whoever triggers it (sudo: the dates follow the credits, disputes and rates
        entered by any user). One query.

        :param list domain: account.move domain added to the open invoices'
        :param keep: optional predicate on an invoice: only those it accepts are marked
        :param limit: at most this many invoices (in the order of their ids)
        :return: the account.move marked (sudo)
        """
        moves = (
            self.env["account.move"]
            .sudo()
            .search(
                [
                    ("move_type", "=", "out_invoice"),
                    ("state", "=", "posted"),
                    ("payment_state", "in", ("not_paid", "partial")),
                    *domain,
                ],
                order="id",
                limit=limit,
            )
        )
        if keep is not None:
            moves = moves.filtered(keep)
        if moves:
            self.env.add_to_compute(moves._fields["dunning_next_date"], moves)
        return moves

    @api.model
    def _get_partner_levels(self, partners, company):
        """Current dunning level of each customer of ``partners`` in ``company``:
        ``{commercial partner id: recouvrement.dunning.level}``, the most severe level reached
        by its open invoices (:func:`rules.dunning.highest`); customers without are left out.
        One grouped query on the invoices, whatever the number of customers."""
        groups = self.env["account.move"]._read_group(
            [
                ("commercial_partner_id", "in", partners.commercial_partner_id.ids),
                ("company_id", "=", company.id),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("payment_state", "in", ("not_paid", "partial")),
                ("dunning_level_id", "!=", False),
            ],
            ["commercial_partner_id", "dunning_level_id"],
        )
        reached = defaultdict(list)
        records = {}
        for partner, level in groups:
            reached[partner.id].append(level._get_rule_level())
            records[level.id] = level
        return {
            partner_id: records[dunning_rules.highest(levels).key]
            for partner_id, levels in reached.items()
        }

    # ------------------------------------------------------------------------------------------
    # Execution: one communication per customer, produced in batches
    # ------------------------------------------------------------------------------------------

    @api.model
    def _dunning_send_batch(self, partners, date=None):
        """Send the reminders due on ``date`` to ``partners``, within the time budget: the
        sending step as one call (a cron call, or a job of the ``recouvrement_b2b_queue``
        addon). Letters are only queued (``letter_to_render``): :meth:`_dunning_render_letters`
        renders them.

        Takes the dunning run lock for the current transaction (:meth:`_try_lock_run`): two
        sending calls never run at once, so a customer is never sent twice.

        :param partners: res.partner recordset (commercial partners)
        :param date: day of the reminders (default: today)
        :return: ``(done, remaining)``: customers processed (one event each, sent or failed)
            and customers still due (locked by another transaction, out of time, or another
            run in progress: call again later)
        """
        date = date or fields.Date.context_today(self)
        deadline = self._get_deadline()
        if not self._try_lock_run():
            return 0, len(partners)
        plan = self._get_plan(date, partners=partners, skip_failed=True)
        events = self._send_reminders(plan, date, deadline=deadline)
        return len(events), len(plan) - len(events)

    @api.model
    def _send_reminders(self, plan, date, deadline=None):
        """Send one reminder per item of ``plan`` (see the class) dated ``date``, in batches of
        ``SEND_BATCH_SIZE`` customers (:meth:`_send_batch`), each in its own savepoint. A batch
        that fails is sent again one customer at a time: a failing customer is logged (a
        failed event and a note on the customer) and the others are sent.

        Customers locked by another transaction (:meth:`_lock_customers`) or whose sending
        conflicts with one (serialization failure, deadlock) are left out, never logged as
        failed: they are still due, and the next run sends them.

        Letters are not rendered here: the events say ``letter_to_render`` and the letters
        step (:meth:`_dunning_render_letters`, its own cron, triggered here) renders them, so a
        slow or missing wkhtmltopdf delays letters, never emails.

        :param deadline: ``time.monotonic()`` value after which no new batch is started
            (:meth:`_get_deadline`; default: no limit)
        :return: the recouvrement.dunning.event created, sent and failed (one per customer
            processed)
        """
        events = self.env["recouvrement.dunning.event"]
        partners = self.env["res.partner"].union(*(item["partner"] for item in plan))
        free = self._lock_customers(partners, plan)
        self._note_locked(set(partners.ids) - free)
        recipients = self._get_recipients(partners)
        items = [item for item in plan if item["partner"].id in free]
        for batch in split_every(SEND_BATCH_SIZE, items, list):
            if deadline is not None and time.monotonic() >= deadline:
                break
            events |= self._send_batch_or_each(batch, date, recipients)
        if any(events.mapped("letter_to_render")):
            self._trigger_letters_cron()
        return events

    @api.model
    def _send_batch_or_each(self, items, date, recipients):
        """Send plan ``items`` in one savepoint (:meth:`_send_batch`); when it fails, send them
        again one at a time, so that only the failing customer is logged as failed (or, on a
        conflict with another transaction, left for the next run).

        :return: the recouvrement.dunning.event created
        """
        try:
            with self.env.cr.savepoint():
                return self._send_batch(items, date, recipients)
        except CONFLICT_ERRORS as error:
            if len(items) > 1:
                return self._send_each(items, date, recipients)
            self.env.cr.cache[_CONFLICT_KEY] = True
            self._note_locked({items[0]["partner"].id})
            _logger.info(
                "Dunning of %s (id %s) left for the next run (concurrent update): %s",
                items[0]["partner"].name,
                items[0]["partner"].id,
                error,
            )
            return self.env["recouvrement.dunning.event"]
        except Exception as error:  # one customer must not stop the others
            if len(items) > 1:
                return self._send_each(items, date, recipients)
            _logger.warning(
                "Dunning of %s (id %s) failed: %s",
                items[0]["partner"].name,
                items[0]["partner"].id,
                error,
            )
            return self._log_failure(items[0], date, error)

    @api.model
    def _send_each(self, items, date, recipients):
        """Send plan ``items`` one customer at a time (after a failed batch)."""
        events = self.env["recouvrement.dunning.event"]
        for item in items:
            events |= self._send_batch_or_each([item], date, recipients)
        return events

    @api.model
    def _lock_customers(self, partners, plan=None):
        """Lock the rows of ``partners`` (res.partner) for the current transaction, skipping
        those another transaction holds or updated since this one started
        (:meth:`_lock_free_rows`). With ``plan``, the invoices and instalments its items would
        move up the ladder are locked too, and a customer with one of them held elsewhere
        (a payment being reconciled, penalties being invoiced) is skipped: once locked, the
        sending never meets a concurrent update, so no serialization conflict is raised, nor
        logged, while sending.

        :return: the ids of the customers locked (they are still due when left out: the next
            call sends them)
        """
        if not partners:
            return set()
        free = self._lock_free_rows("res_partner", partners.ids)
        items = [item for item in plan or () if item["partner"].id in free]
        no_lines = self.env["account.move.line"]
        moves_locked = self._lock_free_rows(
            "account_move", sorted({i for item in items for i in item["moves"].ids})
        )
        lines_locked = self._lock_free_rows(
            "account_move_line",
            sorted({i for item in items for i in item.get("lines", no_lines).ids}),
        )
        for item in items:
            if set(item["moves"].ids) - moves_locked or (
                set(item.get("lines", no_lines).ids) - lines_locked
            ):
                free.discard(item["partner"].id)
        return free

    @api.model
    def _note_locked(self, partner_ids):
        """Record for the current cron call the customers (res.partner ids) left out because
        another transaction holds or updated them: the next calls of the worker pass plan them
        after the others (:meth:`_get_cron_plan`), and a call that sent nothing else waits for
        one of them before triggering the next pass (:meth:`_trigger_next_pass`)."""
        if partner_ids:
            self.env.cr.cache.setdefault(_LOCKED_KEY, set()).update(partner_ids)

    @api.model
    def _lock_free_rows(self, table, ids):
        """Lock the rows ``ids`` of ``table`` (``FOR NO KEY UPDATE SKIP LOCKED``, one query)
        and return the ids locked: rows another transaction holds are skipped. A row updated by
        a transaction committed since this one started cannot be locked (PostgreSQL raises a
        serialization failure under Odoo's repeatable read): the query is then run again one
        row at a time, leaving those rows out. The conflicts are expected and handled, so the
        query is not logged as an error (``log_exceptions=False``).

        :param table: table name (a constant of the caller, never user input)
        :return: set of ids
        """
        if not ids:
            return set()
        locked = self._try_lock_rows(table, ids)
        if locked is None:
            locked = set()
            for row_id in ids:
                locked |= self._try_lock_rows(table, [row_id]) or set()
        return locked

    @api.model
    def _try_lock_rows(self, table, ids):
        """:meth:`_lock_free_rows` in one query: the ids locked, or None on a conflict."""
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    SQL(
                        "SELECT id FROM %s WHERE id IN %s ORDER BY id "
                        "FOR NO KEY UPDATE SKIP LOCKED",
                        SQL.identifier(table),
                        tuple(ids),
                    ),
                    log_exceptions=False,
                )
                return {row[0] for row in self.env.cr.fetchall()}
        except CONFLICT_ERRORS:
            _logger.info("Dunning: rows of %s updated by a concurrent transaction, skipped", table)
            self.env.cr.cache[_CONFLICT_KEY] = True
            return None

    @api.model
    def _get_recipients(self, partners):
        """Invoicing contact of each customer of ``partners``: ``{partner id: contact}``, its
        first child contact of type invoice with an email; customers without are left out (the
        reminder goes to the customer itself). One query."""
        contacts = self.env["res.partner"].search(
            [("parent_id", "in", partners.ids), ("type", "=", "invoice"), ("email", "!=", False)],
            order="id",
        )
        recipients = {}
        for contact in contacts:
            recipients.setdefault(contact.parent_id.id, contact)
        return recipients

    @api.model
    def _prepare_dunning_event_vals(self, item, date, recipient, figures=None):
        """Values of the recouvrement.dunning.event of plan ``item`` sent on ``date`` to
        ``recipient`` (res.partner). Penalties and indemnities (art. L441-10 and D441-5 Code de
        commerce) are claimed when the level says so; an email level falls back to a letter
        when the recipient has no email address. A letter waits in "To Post" until somebody
        posts it; its file is rendered by the letters step (``letter_to_render``).

        :param figures: late-payment figures of the batch's invoices
            (``account.move._get_penalty_figures``; computed here when not given)
        """
        moves = item["moves"]
        level = item["level"]
        vals = {
            "partner_id": item["partner"].id,
            "company_id": item["company"].id,
            "currency_id": item["currency"].id,
            "level_id": level.id,
            "channel": level.channel,
            "date": date,
            "move_ids": [Command.set(moves.ids)],
            **self._prepare_claim_vals(item),
            "recipient_id": recipient.id,
            "user_id": self.env.user.id,
            "earlier_reminder_count": item.get("earlier_reminders", 0),
        }
        if level.claim_penalties:
            if figures is None:
                figures = self._get_company_penalty_figures(moves, date)
                figures.update(self._get_transfer_penalty_figures([item], date))
            # what the letter prints of each invoice, stored with its rows (issue 17)
            for _line_id, _residual, _residual_currency, printed in vals["sent_residuals"]:
                figure = figures.get(printed["move"]) if not printed["credit"] else None
                if figure:
                    printed["penalty"] = {
                        key: figure.get(key, 0.0) for key in ("penalty", "indemnity", "rate")
                    }
            figures = [figures[move.id] for move in moves if move.id in figures]
            vals["amount_penalty"] = sum(f["penalty"] for f in figures)
            vals["amount_indemnity"] = sum(f["indemnity"] for f in figures)
        # the note is internal: in the company's language (issue 16)
        vals.update(
            self._get_channel_fallback(item, recipient, company_env(self.env, item["company"]))
        )
        # a letter is sent once somebody posts it (recouvrement.dunning.event.action_mark_posted)
        vals["state"] = "to_post" if vals["channel"] in ("letter", "registered") else "sent"
        # the letter, and the statement the level attaches, are rendered by the letters step;
        # a letter to post always has one (the shipped letter when the level has none)
        vals["letter_to_render"] = vals["channel"] in POSTED_CHANNELS or (
            bool(level.report_id or level.attach_statement) and vals["channel"] in LETTER_CHANNELS
        )
        return vals

    @api.model
    def _get_channel_fallback(self, item, recipient, note_env=None):
        """The channel a reminder of plan ``item`` to ``recipient`` (res.partner) is sent by
        when it cannot go by its level's: ``{"channel": "letter", "note": why}`` (the note in
        ``note_env``'s language, default ``self.env``'s), ``{}`` when it goes by the level's
        channel. An email level without a usable address (none, one that bounced or whose last
        reminder was not delivered, one no server delivers to) and an SMS level the recipient
        cannot receive become a letter to print and post. Read by the sending
        (``_prepare_dunning_event_vals``) and the run wizard's preview, so that the preview
        shows the channel the run sends by.
        """
        note_env = note_env or self.env
        level = item["level"]
        level_name = level.with_context(lang=note_env.lang).name
        if level.channel == "email" and not recipient.email:
            return {
                "channel": "letter",
                "note": note_env._(
                    "%(partner)s has no email address: the reminder %(level)s is sent as a "
                    "letter to print and post instead.",
                    partner=recipient.display_name,
                    level=level_name,
                ),
            }
        if level.channel == "email" and (item.get("undelivered") or recipient.message_bounce):
            # The last email reminder never arrived, or the address bounces (reset by mail
            # when the customer writes from it): the next channel, a letter.
            return {
                "channel": "letter",
                "note": note_env._(
                    "The previous email reminder to %(partner)s was not delivered: the reminder "
                    "%(level)s is sent as a letter to print and post instead.",
                    partner=recipient.display_name,
                    level=level_name,
                ),
            }
        if level.channel == "email" and not self._is_deliverable_email(recipient.email):
            # An address that cannot receive mail is caught before sending, not after; a
            # field with several addresses ("a@x.fr, b@x.fr") is valid: mail sends to each.
            return {
                "channel": "letter",
                "note": note_env._(
                    "The email address %(email)s of %(partner)s is not valid: the reminder "
                    "%(level)s is sent as a letter to print and post instead.",
                    email=recipient.email,
                    partner=recipient.display_name,
                    level=level_name,
                ),
            }
        if level.channel == "sms":
            return (
                self.env["recouvrement.customer"]
                .with_env(note_env)
                ._get_sms_fallback_vals(level, recipient, undelivered=item.get("undelivered"))
            )
        return {}

    @api.model
    def _is_deliverable_email(self, email):
        """Whether the email field ``email`` (str or False) holds addresses a mail server can
        deliver to (issue 17 #4): at least one, and each with a local part and a domain of two
        labels or more (``DELIVERABLE_EMAIL``). "compta@garnier" (no top-level domain),
        "compta@@garnier.fr" (the mail would go to "@garnier.fr") or "compta@garnier..fr" reach
        nobody: the reminder is a letter, not an email that fails after it counted as sent. A
        display name ("Compta" <compta@garnier.fr>) and several addresses are usable.

        Each address is also checked as typed, since the parser rewrites what is not one:
        "jean dupont@example.fr" would go to "dupont@example.fr", another mailbox."""
        addresses = email_normalize_all(email)
        return (
            bool(addresses)
            and all(DELIVERABLE_EMAIL.fullmatch(address) for address in addresses)
            and all(
                DELIVERABLE_EMAIL.fullmatch(self._get_typed_address(part))
                for part in TYPED_EMAIL_SEPARATOR.split(email)
                if part.strip()
            )
        )

    @api.model
    def _get_typed_address(self, part):
        """The address of ``part``, one entry of an email field as typed (str): what stands
        between "<" and ">" after a display name, else the entry without a trailing comment
        in parentheses ("compta@garnier.fr (service comptable)"), stripped."""
        bracketed = TYPED_EMAIL_BRACKETS.search(part)
        if bracketed:
            return bracketed.group(1).strip()
        return TYPED_EMAIL_COMMENT.sub("", part).strip()

    @api.model
    def _prepare_claim_vals(self, item):
        """What the reminder of plan ``item`` claims, in company currency: the instalments due
        (``line_ids``), the open credits deducted (``credit_line_ids``, ``amount_open_credit``),
        the parts of them under open disputes, not claimed (``amount_disputed``,
        ``recouvrement.promise._dunning_adjust_item``), the net balance (``amount_due``,
        never more: LEGAL.md, open credits) and what is left of each line listed
        (``sent_residuals``: ``[[line id, residual, residual in its currency, what the letter
        prints of it], ...]``, the figures every reprint states, even after the line is
        deleted or renamed: ``recouvrement.statement._get_printed_line`` with ``credit``, an
        open credit deducted)."""
        lines = item.get("lines") or item["moves"].line_ids.filtered(
            lambda line: (
                line.account_id.account_type == "asset_receivable" and line.amount_residual > 0
            )
        )
        open_credit = item.get("open_credit", 0.0)
        credit_lines = item.get("credit_lines", lines.browse())
        return {
            # what is left of each line listed, stored with the reminder (evidence, issue 17):
            # every reprint states it, whatever is matched or unmatched since
            "sent_residuals": [
                [
                    line.id,
                    *self._get_deducted_residuals(item, line, credit_lines),
                    dict(
                        self.env["recouvrement.statement"]._get_printed_line(line),
                        credit=line in credit_lines,
                    ),
                ]
                for line in lines | credit_lines
            ],
            # what the reminder moves up the ladder, restored if it is not delivered
            "previous_levels": {
                "lines": {str(line.id): line.dunning_level_id.id for line in lines},
                "moves": {str(move.id): move.dunning_level_id.id for move in lines.move_id},
            },
            "line_ids": [Command.set(lines.ids)],
            "credit_line_ids": [Command.set(credit_lines.ids)],
            "amount_open_credit": open_credit,
            "amount_disputed": item.get("amount_disputed", 0.0),
            "amount_litigated": item.get("amount_litigated", 0.0),
            "amount_due": item.get(
                "amount_net", sum(lines.mapped("amount_residual")) - open_credit
            ),
        }

    @api.model
    def _get_deducted_residuals(self, item, line, credit_lines):
        """``(residual, residual in its currency)`` that the reminder of plan ``item`` states
        of ``line`` (account.move.line): what is left of an instalment; of an open credit
        (in ``credit_lines``), the part it deducts: an open litigation case took the rest
        first (:meth:`_allocate_open_credits`; issue 17: a credit of 900 of which a case
        took 840 is listed at 60, what the reminder deducts, not 900), and an older debt not
        in the reminder its share (the item's ``credit_parts``). The same share of
        both amounts (:meth:`_get_credit_share`: the item's ``line_amounts`` against
        ``credit_whole``, company currency at the day's rate). No query."""
        if line not in credit_lines:
            return (line.amount_residual, line.amount_residual_currency)
        parts = item.get("credit_parts")
        left = -parts[line.id] if parts and line.id in parts else item["line_amounts"][line.id]
        return self._get_credit_share(line, left, item.get("credit_whole", {}).get(line.id))

    @api.model
    def _get_company_penalty_figures(self, moves, date, figures=None):
        """:meth:`account.move._get_penalty_figures` of ``moves`` at ``date``, in the company
        currency (a reminder claims every currency of a customer in the company currency): the
        penalty converted at the rate of ``date``, like its residual (:meth:`_get_line_amounts`);
        the indemnity back at
        the rate it was converted from euros (that of the due date it fell due with,
        ``recouvrement.penalty._get_indemnity_date``), so that it stays the fixed amount of
        art. D441-5 Code de commerce (40 EUR) whatever the rates did since the invoice date.
        One query for the rates of all ``moves``. What posted penalty invoices charged is
        left out (``recouvrement.penalty._get_penalty_claim_figures``): they are claimed as
        invoices, never twice; so is what an open litigation case claiming some instalments of
        an invoice claims (``recouvrement.penalty._get_penalty_unlitigated_figures``).
        ``figures``: other figures of ``moves`` in the invoice currency
        to convert the same way (e.g. ``recouvrement.penalty._get_penalty_document_figures``
        for the claim documents)."""
        if figures is None:
            Penalty = self.env["recouvrement.penalty"]
            figures = Penalty._get_penalty_claim_figures(moves, date)
            # of an invoice a case claims in part, a reminder claims the other instalments'
            figures.update(Penalty._get_penalty_unlitigated_figures(moves, date))
        figures = dict(figures)
        foreign = moves.filtered(
            lambda m: m.id in figures and m.currency_id != m.company_id.currency_id
        )
        Penalty = self.env["recouvrement.penalty"]
        indemnity_dates = Penalty._get_indemnity_dates(foreign) if foreign else {}
        rates = Penalty._get_penalty_currency_rates(
            {
                (currency.id, move.company_id.id, day)
                for move in foreign
                for currency in move.currency_id | move.company_id.currency_id
                for day in (indemnity_dates[move.id], date)
            }
        )
        for move in foreign:
            figure = figures[move.id]
            company_currency = move.company_id.currency_id
            # the penalty at the rate of ``date``, like the residuals claimed
            # (:meth:`_get_line_amounts`)
            key = (move.company_id.id, date)
            ratio = rates[(company_currency.id, *key)] / rates[(move.currency_id.id, *key)]
            key = (move.company_id.id, indemnity_dates[move.id])
            due_ratio = rates[(company_currency.id, *key)] / rates[(move.currency_id.id, *key)]
            figures[move.id] = dict(
                figure,
                penalty=company_currency.round(figure["penalty"] * ratio),
                indemnity=company_currency.round(figure["indemnity"] * due_ratio),
            )
        return figures

    @api.model
    def _get_transfer_penalty_figures(self, items, date):
        """``{move.id: figures}``: :meth:`_get_company_penalty_figures` of the invoices of the
        plan ``items`` that transfer to litigation claiming penalties (level
        ``open_litigation`` and ``claim_penalties``), of the instalments each transfer lists
        only: the case it opens claims those (``recouvrement.litigation.line_ids``, issue 17),
        their penalties and the D441-5 indemnity with them, as its file of that day
        (context ``penalty_claimed_line_ids``), not the others' of the same invoice, which go
        on through the reminders; no indemnity when an open case claiming other instalments of
        the invoice claims it (D441-5: once per invoice). ``{}`` without such items (no
        query)."""
        transfers = [
            item
            for item in items
            if item["level"].open_litigation and item["level"].claim_penalties and item.get("lines")
        ]
        if not transfers:
            return {}
        lines = self.env["account.move.line"].union(*(item["lines"] for item in transfers))
        claimed = self.with_context(penalty_claimed_line_ids=lines.ids)
        moves = self.env["account.move"].union(*(item["moves"] for item in transfers))
        figures = claimed._get_company_penalty_figures(moves.with_env(claimed.env), date)
        # an instalment joining the case of its invoice: the case claims its indemnity already
        for move_id in self.env["recouvrement.penalty"]._get_penalty_case_indemnity_ids(
            moves, date
        ):
            figures[move_id] = dict(figures[move_id], indemnity=0.0)
        return figures

    @api.model
    def _send_batch(self, items, date, recipients):
        """Create the events of plan ``items`` (``create(vals_list)``), queue their emails (one
        template rendering per template, :meth:`_send_emails`), apply the levels' consequences
        (calls, credit holds, litigation cases), log them on the customers and move their
        invoices up the ladder: a constant number of queries per batch, plus a few per customer.

        :param recipients: ``{partner id: invoicing contact}`` (:meth:`_get_recipients`)
        :return: the recouvrement.dunning.event created
        :raise: any error of the rendering or sending (the caller rolls the batch back)
        """
        events = self.env["recouvrement.dunning.event"]
        by_company = defaultdict(list)
        for item in items:
            by_company[item["company"]].append(item)
        # each email and note body sanitized once, not once per conversion (tools.sanitize)
        with sanitized_once():
            for company, company_items in by_company.items():
                events |= self.with_company(company)._send_company_batch(
                    company_items, date, recipients
                )
        return events

    @api.model
    def _send_company_batch(self, items, date, recipients):
        """:meth:`_send_batch` for the ``items`` of the current company."""
        moves = self.env["account.move"].union(*(item["moves"] for item in items))
        claimed = self.env["account.move"].union(
            *(item["moves"] for item in items if item["level"].claim_penalties)
        )
        figures = self._get_company_penalty_figures(claimed, date) if claimed else {}
        figures.update(self._get_transfer_penalty_figures(items, date))
        vals_list = [
            self._prepare_dunning_event_vals(
                item,
                date,
                recipients.get(item["partner"].id, item["partner"]),
                figures=figures,
            )
            for item in items
        ]
        # the rows of the statement each reminder attaches, stored with it (evidence, issue
        # 17): three searches for the whole batch
        attached = [item for item in items if item["level"].attach_statement]
        if attached:
            statements = self.env["recouvrement.statement"]._get_sent_statement_figures(
                self.env["res.partner"].union(*(item["partner"] for item in attached)),
                date,
                company=self.env.company,
            )
            for item, vals in zip(items, vals_list, strict=True):
                if item["level"].attach_statement:
                    vals["sent_statement"] = statements.get(
                        item["partner"].commercial_partner_id.id
                    )
        # the chatter note of each reminder is logged on the customer (_post_on_customers).
        # sudo: only the dunning run creates reminders sent (evidence, issue 19)
        events = (
            self.env["recouvrement.dunning.event"]
            .sudo()
            .with_context(mail_create_nolog=True, mail_create_nosubscribe=True)
            .create(vals_list)
            .with_env(self.env)
        )
        self._send_emails(events.filtered(lambda e: e.channel == "email"))
        for event in events.filtered(lambda e: e.channel == "phone"):
            self._schedule_call(event)
        for event in events.filtered(lambda e: e.channel == "sms"):
            self.env["recouvrement.customer"]._send_sms(event)
        self._apply_credit_holds(events.filtered(lambda e: e.level_id.credit_hold))
        self._open_litigations(events.filtered(lambda e: e.level_id.open_litigation))
        self._post_on_customers(events)
        move_levels, line_levels = {}, {}
        for item in items:
            move_levels.update(item["move_levels"])
            line_levels.update(item.get("line_levels") or {})
        self._advance_invoices(moves, move_levels, date, line_levels=line_levels)
        return events

    @api.model
    def _log_failure(self, item, date, error):
        """Record that the reminder of plan ``item`` could not be sent on ``date`` because of
        ``error``: a failed event and a note on the customer.

        :return: the failed recouvrement.dunning.event
        """
        note_env = company_env(self.env, item["company"])
        message = note_env._(
            "The reminder %(level)s could not be sent: %(error)s",
            level=item["level"].with_context(lang=note_env.lang).name,
            error=str(error),
        )
        event = self.env["recouvrement.dunning.event"].create(
            {
                "partner_id": item["partner"].id,
                "company_id": item["company"].id,
                "currency_id": item["currency"].id,
                "level_id": item["level"].id,
                "channel": item["level"].channel,
                "date": date,
                "move_ids": [Command.set(item["moves"].ids)],
                **self._prepare_claim_vals(item),
                "state": "failed",
                "note": message,
            }
        )
        # On the event, not in the shared customer's chatter: only this company's collection
        # users read it (issue 19); the customer's Reminders button lists it.
        event._message_log(body=message)
        return event

    @api.model
    def _send_emails(self, events):
        """Queue the emails of ``events`` (mail queue, not sent inline): one rendering of each
        level's template for all its events (``mail.template.send_mail_batch``), the
        mail.mail created at once, each linked to its event. The letter of the level is
        rendered by the letters step and attached to the event.

        :raise UserError: an email level without an email template
        """
        # the "Pay now" links of the emails: every invoice of the batch gets its portal token
        # at once (recouvrement.customer), not one query per email
        self.env["recouvrement.customer"]._ensure_access_tokens(events.move_ids.sudo())
        for template, template_events in events.grouped(
            lambda e: e.level_id.mail_template_id
        ).items():
            if not template:
                raise UserError(
                    self.env._(
                        "The dunning level %(level)s sends emails but has no Email Template.",
                        level=template_events[0].level_id.name,
                    )
                )
            mails = template.send_mail_batch(
                template_events.ids, force_send=False, raise_exception=True
            )
            message_ids = {mail.res_id: mail.mail_message_id for mail in mails}
            for event in template_events:
                # in the mail queue until the mail server takes it
                # (:meth:`_dunning_mail_left_queue`): no delivered reminder before
                event.write({"mail_message_id": message_ids[event.id].id, "queued": True})

    @api.model
    def _schedule_call(self, event):
        """Phone level: a call activity on ``event`` (its company's record, not the shared
        customer) for the responsible user, listing the invoices and amounts."""
        event.ensure_one()
        level = event.level_id
        user = (
            level.activity_user_id
            or self.env["recouvrement.dunning.policy"]
            ._get_collectors(event.partner_id, event.company_id)
            .get(event.partner_id.commercial_partner_id.id)
            or event.partner_id.user_id
            or self.env.user
        )
        note_env = company_env(self.env, event.company_id)
        lines = Markup("").join(
            Markup("<li>%s</li>")
            % note_env._(
                "%(invoice)s due %(due)s: %(amount)s",
                invoice=line["name"],
                due=format_date(note_env, line["date_maturity"]),
                amount=format_amount(note_env, line["residual_currency"], line["currency"]),
            )
            for line in event._get_letter_lines()
        )
        note = Markup("<p>%s</p><ul>%s</ul>") % (
            note_env._(
                "Call %(partner)s about %(amount)s overdue.",
                partner=event.partner_id.display_name,
                amount=format_amount(note_env, event.amount_total, event.currency_id),
            ),
            lines,
        )
        activity_type = level.activity_type_id or self.env.ref(
            "mail.mail_activity_data_call", raise_if_not_found=False
        )
        # On the event, a record of its company: not on the customer shared by the companies,
        # whose activities other companies' users read (issue 19). sudo: a sent event is
        # evidence that credit controllers may not write on. No assignment email per call
        # (issue 19): the worklist lists them
        event.sudo().with_context(mail_activity_quick_update=True).activity_schedule(
            activity_type_id=activity_type.id if activity_type else False,
            summary=note_env._(
                "Dunning call: %(level)s", level=level.with_context(lang=note_env.lang).name
            ),
            note=note,
            user_id=user.id,
            date_deadline=event.date,
        )

    @api.model
    def _apply_credit_holds(self, events):
        """Put the customers of ``events`` on credit hold (levels with ``credit_hold``), in
        each event's company only (the hold is company-dependent, issue 19), one write per
        level and company; the hold is noted on the events, not in the shared customer's
        chatter."""
        for (level, company), level_events in events.grouped(
            lambda e: (e.level_id, e.company_id)
        ).items():
            # internal: in the company's language (issue 16)
            note_env = company_env(self.env, company)
            reason = note_env._(
                "Dunning level %(level)s reached", level=level.with_context(lang=note_env.lang).name
            )
            # sudo: the hold is decided by the level configured by a credit manager
            held = level_events.partner_id.with_company(company).sudo()._set_credit_hold(reason)
            body = note_env._("Credit hold: %(reason)s", reason=reason)
            held_ids = set(held.ids)
            noted = level_events.filtered(
                lambda e, held_ids=held_ids: e.partner_id.commercial_partner_id.id in held_ids
            )
            if noted:
                noted._message_log_batch(bodies=dict.fromkeys(noted.ids, body))

    @api.model
    def _open_litigations(self, events):
        """Open a recovery litigation case for the invoices of each of ``events`` (levels with
        ``open_litigation``), created at once, claiming the instalments the event lists
        (``line_ids``); an event whose invoice is in an open case already (its earlier
        instalments transferred) adds its instalments and invoices to that case."""
        if not events:
            return
        # the cases' creation note in the company's language (issue 16)
        litigation = self.env["recouvrement.litigation"].with_env(
            company_env(self.env, events[0].company_id)
        )
        # an instalment transferred after others of its invoice joins their open case (its
        # own formal notice passed): the case claims both (issue 17 #1 x #12)
        joining = events.filtered(
            lambda event: event.move_ids.litigation_id.filtered(lambda case: not case.is_closed)
        )
        for event in joining:
            case = event.move_ids.litigation_id.filtered(lambda case: not case.is_closed)[:1]
            case.write(
                {
                    "move_ids": [Command.link(move.id) for move in event.move_ids],
                    "line_ids": [Command.link(line.id) for line in event.line_ids],
                }
            )
            event.litigation_id = case
        events -= joining
        cases = litigation.create(
            [
                {
                    "partner_id": event.partner_id.id,
                    "company_id": event.company_id.id,
                    "move_ids": [Command.set(event.move_ids.ids)],
                    # what its formal notices listed (_keep_noticed_lines)
                    "line_ids": [Command.set(event.line_ids.ids)],
                    "litigation_type": "recovery",
                }
                for event in events
            ]
        )
        for event, case in zip(events, cases, strict=True):
            event.litigation_id = case

    @api.model
    def _post_on_customers(self, events):
        """Log each of ``events`` in its own chatter (one ``_message_log_batch``): a collection
        note with amounts, read only by the collection users of the event's company, not in the
        shared customer's chatter open to other companies and to salespeople (issue 19)."""
        bodies = {}
        company_langs = {}  # {company: (its notes' env, channel labels)}, looked up once
        for event in events:
            if event.company_id not in company_langs:
                # internal: in the company's language (issue 16)
                note_env = company_env(self.env, event.company_id)
                company_langs[event.company_id] = (
                    note_env,
                    dict(events._fields["channel"]._description_selection(note_env)),
                )
            note_env, channels = company_langs[event.company_id]
            body = escape(
                note_env._(
                    "Reminder %(level)s (%(channel)s) for %(count)s invoice(s), %(amount)s due.",
                    level=event.level_id.with_context(lang=note_env.lang).name,
                    channel=channels.get(event.channel) or event.channel,
                    count=len(event.move_ids),
                    amount=format_amount(note_env, event.amount_total, event.currency_id),
                )
            )
            if event.note:
                body = Markup("%s<br/>%s") % (body, event.note)
            bodies[event.id] = body
        if bodies:
            events._message_log_batch(bodies=bodies)

    # ------------------------------------------------------------------------------------------
    # Letters: rendered in their own step, after sending
    # ------------------------------------------------------------------------------------------

    @api.model
    def _cron_render_letters(self, batch_size=100):
        """Cron: render the letters the sending step left to render (:meth:`_send_reminders`),
        at most ``batch_size`` per call and within the time budget (:meth:`_get_deadline`),
        reporting its progress (``ir.cron._notify_progress``); once the budget is used, a new
        worker pass goes on at once (:meth:`_trigger_next_pass`); a call that could render no
        letter though some remain (wkhtmltopdf missing or failing) tries again
        ``LETTER_RETRY_MINUTES`` later."""
        deadline = self._get_deadline()
        events = self.env["recouvrement.dunning.event"].search(
            self._get_letters_to_render_domain(), order="id", limit=batch_size
        )
        done, remaining = self._dunning_render_letters(events, deadline=deadline)
        # budget used: a new pass at once
        cron = self.env.ref("recouvrement_b2b.ir_cron_dunning_letters", raise_if_not_found=False)
        triggered = self._trigger_next_pass(cron, done, remaining, deadline)
        if cron and remaining and not done and not triggered:
            # nothing could be rendered (wkhtmltopdf missing or failing, report.url
            # unreachable): the letters wait and are tried again within the hour, not every
            # minute nor the next day only (issue 18)
            cron.sudo()._trigger(
                fields.Datetime.add(fields.Datetime.now(), minutes=LETTER_RETRY_MINUTES)
            )
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)

    @api.model
    def _get_letters_to_render_domain(self):
        """Domain of the events whose letter is still to render (not failed nor cancelled)."""
        return [("letter_to_render", "=", True), ("state", "not in", ("failed", "cancelled"))]

    @api.model
    def _dunning_render_letters(self, events, deadline=None):
        """Render the letters of ``events`` (PDF; HTML with the ``dunning_letter_html`` context
        key), each attached in its own savepoint, oldest first: the letters step as one call
        (a cron call, or a job of the ``recouvrement_b2b_queue`` addon). PDF letters are
        rendered by batches, one wkhtmltopdf call each (``recouvrement.letter.batch``, issue
        18), the letters of a batch it cannot split one by one. Events locked by another
        transaction (another call rendering them) are skipped. A letter that cannot be
        rendered (wkhtmltopdf missing or failing) is logged and stays to render.

        :param events: recouvrement.dunning.event recordset (those not to render are ignored)
        :param deadline: ``time.monotonic()`` value after which no new letter is started
            (default: no limit)
        :return: ``(done, remaining)``: letters rendered, and letters still to render in the
            database (failed ones included)
        """
        Event = self.env["recouvrement.dunning.event"]
        events = events.filtered_domain(self._get_letters_to_render_domain())
        done = 0
        if events:
            locked = self._lock_free_rows("recouvrement_dunning_event", events.ids)
            events = Event.browse(sorted(locked))
        Batch = self.env["recouvrement.letter.batch"]
        for batch in split_every(Batch._get_batch_size(), events.ids, Event.browse):
            if deadline is not None and time.monotonic() >= deadline:
                break
            prerendered = Batch._prerender_letters(batch)  # one wkhtmltopdf call per batch
            done += self._dunning_save_letters(batch, prerendered, deadline=deadline)
        remaining = Event.search_count(self._get_letters_to_render_domain())
        return done, remaining

    @api.model
    def _dunning_save_letters(self, events, prerendered, deadline=None):
        """Render (or take from ``prerendered``, ``{event id: {"letter", "statement"}}`` of
        ``recouvrement.letter.batch._prerender_letters``) and attach the letter of each of
        ``events``, each in its own savepoint (see :meth:`_dunning_render_letters`), until
        ``deadline`` (``time.monotonic()`` value; a letter of the batch left then is rendered
        again by the next call).

        :return: number of letters attached
        """
        done = 0
        for event in events:
            if deadline is not None and time.monotonic() >= deadline:
                break
            try:
                with self.env.cr.savepoint():
                    self.with_company(event.company_id)._render_letter(
                        event, prerendered.get(event.id)
                    )
                done += 1
            except CONFLICT_ERRORS as error:
                _logger.info("Letter of %s left for the next call: %s", event.display_name, error)
            except Exception as error:  # one letter must not stop the others
                _logger.warning("Letter of %s not rendered: %s", event.display_name, error)
        return done

    @api.model
    def _trigger_letters_cron(self):
        """Ask the scheduler to run the letters step now (:meth:`_cron_render_letters`)."""
        cron = self.env.ref("recouvrement_b2b.ir_cron_dunning_letters", raise_if_not_found=False)
        if cron:
            cron.sudo()._trigger()

    @api.model
    def _render_letter(self, event, prerendered=None):
        """Render the letter of ``event`` (its level's, ``_get_letter_report``; PDF; HTML
        with the ``dunning_letter_html`` context key), with the customer statement when the
        level attaches it, and attach it to the event (no longer to render).

        :param prerendered: ``{"letter": PDF bytes, "statement": attachment values}``, either
            key optional: what a batch already rendered for the event
            (``recouvrement.letter.batch._prerender_letters``), used instead of rendering
        """
        event.ensure_one()
        prerendered = prerendered or {}
        report = event._get_letter_report()
        content, report_type = b"", "html" if self.env.context.get("dunning_letter_html") else "pdf"
        if report and report_type == "html":
            # no HTTP server for wkhtmltopdf (install-time replay, benchmarks): keep the HTML
            content, report_type = self.env["ir.actions.report"]._render_qweb_html(
                report.report_name, event.ids
            )
        elif report and prerendered.get("letter"):
            content = prerendered["letter"]
        elif report:
            content, report_type = self.env["ir.actions.report"]._render_qweb_pdf(
                report.report_name, event.ids
            )
        content, report_type = self.env["recouvrement.statement"]._dunning_add_statement(
            event, content, report_type, statement=prerendered.get("statement")
        )
        vals = {"letter_to_render": False}
        if content:
            extension = "pdf" if report_type == "pdf" else "html"
            vals["attachment_id"] = (
                self.env["ir.attachment"]
                .create(
                    {
                        "name": f"{event._get_letter_filename()}.{extension}",
                        "raw": content,
                        "mimetype": "application/pdf" if report_type == "pdf" else "text/html",
                        "res_model": event._name,
                        "res_id": event.id,
                    }
                )
                .id
            )
        event.with_context(dunning_letter_render=True).write(vals)

    @api.model
    def _advance_invoices(self, moves, move_levels, date, line_levels=None):
        """Record a reminder dated ``date`` on ``moves`` (account.move): last reminder date,
        and the new level of those in ``move_levels`` (``{move id: level id}``) and of their
        instalments in ``line_levels`` (``{receivable line id: level id}``, the ladder of each
        instalment).

        Written at the next flush, with the next reminder dates they change, in one UPDATE
        per set of fields changed, whatever the number of invoices and levels; the history is
        in the events, so no tracking message per invoice.

        :raise AccessError: the user may not write on the invoices
        """
        moves.check_access("write")
        fnames = ["dunning_last_date", "dunning_level_id"]
        # account.move.write() resynchronises the journal items of each move and flags them
        # as manually modified: far too heavy, and wrong, for these collection bookkeeping
        # fields, so they are set field by field as write() does without its override (cache,
        # inverses), then their dependents are marked: the next flush writes them with the next
        # reminder dates they change and the portal tokens of the batch in one UPDATE per row
        moves._fields["dunning_last_date"].write(moves, date)
        # their next reminder dates are worked out for ``date`` (at the next flush): a
        # reminder waiting to leave is taken as leaving that day (_refresh_past_next_dates)
        moves._fields["dunning_next_date_on"].write(moves, date)
        by_level = defaultdict(list)
        for move_id, level_id in move_levels.items():
            by_level[level_id].append(move_id)
        for level_id, move_ids in by_level.items():
            moves._fields["dunning_level_id"].write(moves.browse(move_ids), level_id)
        moves.modified(fnames)
        if line_levels:
            self._advance_lines(line_levels)

    # ------------------------------------------------------------------------------------------
    # Delivery: a reminder that never arrived
    # ------------------------------------------------------------------------------------------

    @api.model
    def _dunning_mail_failed(self, mails, failure_type, failure_reason=False):
        """The mail queue could not send ``mails`` (mail.mail, ``failure_type`` and
        ``failure_reason`` as ``mail.mail._postprocess_sent_message`` gets them). Only the
        reminder emails (mail.mail of a recouvrement.dunning.event) are handled:

        - a failure of the recipient (:meth:`_is_recipient_failure`: invalid or missing
          address, blacklisted, refused by the recipient's server) means the customer never
          receives it at this address: :meth:`_mark_undelivered`, the next run sends a letter,
          and the recipient's bounce counter (``message_bounce``) counts it as a bounce
          message would, so that the next levels go by letter too (issue 17 #4);
        - any other failure is ours (outgoing mail server unreachable, sender address refused,
          a timeout): the reminder stays an email, sent again by the mail queue
          (:meth:`_requeue_reminder_mails`); it is not a bounce and no letter replaces it.
        """
        mails = mails.filtered(lambda m: m.model == "recouvrement.dunning.event" and m.res_id)
        recipient_failed = mails.filtered(
            lambda m: self._is_recipient_failure(failure_type, failure_reason or m.failure_reason)
        )
        if mails - recipient_failed:
            self._requeue_reminder_mails(mails - recipient_failed, failure_type)
        Event = self.env["recouvrement.dunning.event"].sudo()  # the queue runs for no user
        for mail in recipient_failed:
            event = Event.browse(mail.res_id).exists()
            if not event:
                continue
            note_env = company_env(self.env, event.company_id)
            reason = self._get_recipient_failure_reason(
                note_env, failure_type, failure_reason or mail.failure_reason
            )
            if event.state == "sent" and event.channel == "email":
                # the address reaches nobody, as when a bounce message comes back (Odoo's
                # bounce counter, reset when the customer writes from it): the next levels
                # go by letter too, not to the address that refused this one
                recipient = event.recipient_id or event.partner_id
                recipient.message_bounce += 1
            self._mark_undelivered(event, reason)

    @api.model
    def _dunning_mail_left_queue(self, events, day=None):
        """The email or SMS of the reminders ``events`` (recouvrement.dunning.event) left the
        outgoing queue on ``day`` (default: today): the mail server or the SMS provider took
        it. They count as delivered from then (:meth:`_get_prerequisite_history`), their
        payment deadline running from ``day``. Events not queued are left as they are (a
        message sent again keeps the day it first left)."""
        # sudo: the mail and SMS queues run for no collection user
        events = events.sudo().filtered("queued")
        if events:
            day = day or fields.Date.context_today(self)
            events.write({"queued": False, "dispatch_date": day})
            # left on a later day than the run (the queue held, a failure sent again): the
            # payment deadline runs from ``day``, the customers' next reminder dates move,
            # worked out for that day; left the day of the run (the usual case: the queue
            # sends within minutes), the dates the run worked out took it as leaving then
            late = events.filtered(lambda event: event.date != day)
            self._recompute_next_dates(late.move_ids, day=day)

    @api.model
    def _is_recipient_failure(self, failure_type, failure_reason=False):
        """Whether a mail.mail failure is the recipient's (the address cannot receive it: a
        letter replaces it) rather than the sending side's (server unreachable, sender refused,
        temporary error: the email is sent again). ``unknown`` failures are the recipient's
        only when the recipient's server gave a permanent refusal (an SMTP 5xx reply other
        than to the sender, RFC 5321 4.2.1)."""
        if failure_type in RECIPIENT_FAILURE_TYPES:
            return True
        if failure_type != "unknown" or not failure_reason:
            return False
        return "SMTPSenderRefused" not in failure_reason and bool(
            SMTP_PERMANENT_REFUSAL.search(failure_reason)
        )

    @api.model
    def _get_recipient_failure_reason(self, env, failure_type, failure_reason=False):
        """Sentence saying why the email did not reach its recipient, in ``env``'s language
        (never the mail queue's internal code)."""
        reasons = {
            "mail_email_invalid": env._("the email address is not valid"),
            "mail_email_missing": env._("the recipient has no email address"),
            "mail_bl": env._("the address is on the email blacklist"),
            "mail_optout": env._("the recipient opted out of emails"),
        }
        if failure_type in reasons:
            return reasons[failure_type]
        refusal = SMTP_PERMANENT_REFUSAL.search(failure_reason or "")
        return env._(
            "the recipient's mail server refused it: %(reply)s",
            reply=" ".join(part for part in refusal.groups() if part) if refusal else "",
        )

    @api.model
    def _requeue_reminder_mails(self, mails, failure_type):
        """Put the reminder ``mails`` that could not be sent because of the sending side back in
        the mail queue, to be sent again ``MAIL_RETRY_DELAY_MINUTES`` later; say it once on
        their events (the reminder still counts as an email, not as undelivered)."""
        # sudo: the mail queue runs for no collection user
        mails.sudo().write(
            {
                "state": "outgoing",
                "scheduled_date": fields.Datetime.add(
                    fields.Datetime.now(), minutes=MAIL_RETRY_DELAY_MINUTES
                ),
            }
        )
        events = self.env["recouvrement.dunning.event"].sudo().browse(mails.mapped("res_id"))
        for event in events.exists().filtered(lambda e: e.state == "sent"):
            note_env = company_env(self.env, event.company_id)
            if failure_type == "mail_smtp":
                cause = note_env._("the outgoing mail server could not be reached")
            elif failure_type in ("mail_from_invalid", "mail_from_missing"):
                cause = note_env._("the sender address of the company is missing or refused")
            else:
                cause = note_env._("the outgoing mail server returned an error")
            note = note_env._(
                "The email of the reminder %(level)s could not be sent yet (%(cause)s): it "
                "stays in the mail queue and is sent again automatically.",
                level=event.level_id.with_context(lang=note_env.lang).name,
                cause=cause,
            )
            if note in (event.note or ""):
                continue  # said on an earlier attempt
            event.write({"note": f"{event.note}\n{note}" if event.note else note})
            event.message_post(body=note, subtype_xmlid="mail.mt_note")

    @api.model
    def _mark_undelivered(self, events, reason):
        """Mark the email or SMS reminders of ``events`` (recouvrement.dunning.event, sent) that
        failed or bounced, and the posted letters that came back (issue 18), as undelivered,
        ``reason`` (str, or a function of the environment in
        the company's language returning it: the note is written in that language) said on
        the event (not on the shared customer):
        they do not count as sent, their invoices and instalments go back to their level before it
        (the ladder does not escalate on a reminder never received: the next run sends the
        same level again, as a letter), and the collection responsible gets an activity on the
        event (its company's record, not the shared customer, issue 19).
        Events already undelivered, not sent by email or SMS nor posted, are left as they
        are (a second bounce of the same email changes nothing)."""
        # sudo: the mail queue and the bounce gateway run for no collection user; the event is
        # evidence only of what was sent, its state and note record what happened next
        events = events.sudo().filtered(
            lambda e: (
                (e.state == "sent" and e.channel in ("email", "sms"))
                or (e.state == "posted" and e.channel in POSTED_CHANNELS)
            )
        )
        for event in events:
            note_env = company_env(self.env, event.company_id)
            note = note_env._(
                "The reminder %(level)s of %(date)s was not delivered to %(email)s (%(reason)s): "
                "it does not count as sent; the next run sends it again as a letter.",
                level=event.level_id.with_context(lang=note_env.lang).name,
                date=format_date(note_env, event.date),
                email=self.env["recouvrement.customer"]._get_event_address(event),
                reason=reason(note_env) if callable(reason) else reason,
            )
            event.write(
                {"state": "undelivered", "note": f"{event.note}\n{note}" if event.note else note}
            )
            self._restore_levels(event)
            # on the event, read by the company's collection users: not in the shared
            # customer's chatter, which other companies' users read (issue 19)
            event.message_post(body=note, subtype_xmlid="mail.mt_note")
            # no assignment email per bounce (issue 19): the activity is enough
            event.with_context(mail_activity_quick_update=True).activity_schedule(
                "mail.mail_activity_data_todo",
                summary=note_env._(
                    "Reminder not delivered: %(level)s",
                    level=event.level_id.with_context(lang=note_env.lang).name,
                ),
                note=note,
                user_id=self._get_collection_user(event).id,
            )

    @api.model
    def _restore_levels(self, event):
        """Put the invoices and instalments of ``event`` back to their level before it
        (``previous_levels``), unless a later reminder moved them since."""
        previous = event.previous_levels or {}
        later = self.env["recouvrement.dunning.event"].search_count(
            [
                ("partner_id", "=", event.partner_id.id),
                ("company_id", "=", event.company_id.id),
                ("state", "in", ("sent", "posted", "to_post")),
                ("id", ">", event.id),
            ],
            limit=1,
        )
        if later or not previous:
            return
        # a few records, once per undelivered reminder: the ORM's write (tracking included)
        for model, key in (("account.move", "moves"), ("account.move.line", "lines")):
            by_level = defaultdict(list)
            for record_id, level_id in previous.get(key, {}).items():
                by_level[level_id or False].append(int(record_id))
            for level_id, record_ids in by_level.items():
                self.env[model].browse(record_ids).write({"dunning_level_id": level_id})

    @api.model
    def _get_collection_user(self, event):
        """User told about ``event``'s customer: the company's collection responsible, else
        one of its credit managers, else the user who sent the reminder."""
        user = event.company_id.recouvrement_user_id
        if not user:
            group = self.env.ref("recouvrement_b2b.recouvrement_group_manager")
            # sudo: reading the users of a group is an administration right
            user = group.sudo().users.filtered(
                lambda u: event.company_id in u.company_ids and not u.share and u.active
            )[:1]
        return user or event.user_id or self.env.user

    @api.model
    def _advance_lines(self, line_levels):
        """Write the new level of each instalment of ``line_levels`` (``{receivable line id:
        level id}``), low-level (``account.move.line.write`` would check the posted move's
        integrity for a collection field): set in the cache as write() does, flushed in one
        UPDATE whatever the number of levels."""
        lines = self.env["account.move.line"].browse(line_levels)
        by_level = defaultdict(list)
        for line_id, level_id in line_levels.items():
            by_level[level_id].append(line_id)
        for level_id, line_ids in by_level.items():
            lines._fields["dunning_level_id"].write(lines.browse(line_ids), level_id)
        lines.modified(["dunning_level_id"])
