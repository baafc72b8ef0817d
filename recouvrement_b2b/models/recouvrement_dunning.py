import logging
import time
from collections import defaultdict

from markupsafe import Markup
from psycopg2 import errors as pg_errors

from odoo import Command, api, fields, models
from odoo.tools import SQL, email_normalize, format_amount, format_date

from ..rules import dunning as dunning_rules

_logger = logging.getLogger(__name__)

#: seconds a dunning run may spend before it leaves the rest to the next call
DEFAULT_TIME_BUDGET = 30
#: key of the PostgreSQL advisory lock of the dunning run (one run at a time per database)
RUN_LOCK_KEY = 7_240_018_001
_PASS_START_KEY = "recouvrement_b2b.dunning_pass_start"
_REMAINING_KEY = "recouvrement_b2b.dunning_remaining"
#: errors of a transaction racing another one: the customer is retried, never logged as failed
CONFLICT_ERRORS = (
    pg_errors.SerializationFailure,
    pg_errors.DeadlockDetected,
    pg_errors.LockNotAvailable,
)


class RecouvrementDunning(models.AbstractModel):
    """Dunning: which reminders are due (the plan) and sending them (one per customer).

    The daily cron and the manual run wizard call this service; ``account.move`` and
    ``res.partner`` delegate their dunning computations to it. The ladder rules (level order,
    level choice, dates) are in :mod:`..rules.dunning`.

    A plan is a list of items, one per customer and currency, each a dict:
    ``company`` (res.company), ``partner`` (commercial res.partner), ``currency``
    (res.currency), ``policy`` (recouvrement.dunning.policy), ``level`` (the
    recouvrement.dunning.level to send), ``moves`` (account.move: every open overdue invoice to
    list) and ``move_levels`` (``{move id: level id}`` for the invoices reaching a new level).
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
        retried before tomorrow; a customer locked by another transaction is left for the next
        call. When another dunning run holds the lock (:meth:`_try_lock_run`), or when the
        calls of this worker pass used the budget, the cron is triggered again a little later.
        """
        cron = self.env.ref("recouvrement_b2b.ir_cron_dunning", raise_if_not_found=False)
        deadline = self._get_deadline()
        if time.monotonic() >= deadline or not self._try_lock_run():
            # the worker's time limit covers every call of its pass, or another run is busy:
            # leave the rest to a new pass (done=0 ends this one)
            if cron:
                cron.sudo()._trigger(fields.Datetime.add(fields.Datetime.now(), minutes=1))
            self.env["ir.cron"]._notify_progress(
                done=0, remaining=self.env.cr.cache.get(_REMAINING_KEY, 0)
            )
            return
        date = fields.Date.context_today(self)
        plan = self._get_plan(date, skip_failed=True)
        batch = plan[:batch_size]
        events = self._send_reminders(batch, date, deadline=deadline)
        done = len(events)  # one event, sent or failed, per customer processed
        remaining = len(plan) - done
        self.env.cr.cache[_REMAINING_KEY] = remaining
        if remaining and not done and cron:
            # only locked customers were left: the scheduler stops on done=0, call again later
            cron.sudo()._trigger(fields.Datetime.add(fields.Datetime.now(), minutes=1))
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)

    @api.model
    def _get_deadline(self):
        """``time.monotonic()`` value at which a run stops starting new customers: the start of
        the run plus the ``recouvrement_b2b.dunning_time_budget`` system parameter (seconds,
        default 30), well under the workers' ``limit_time_real`` (120 s by default).

        Under the scheduler, Odoo calls the cron again at once, in the same worker and under
        the same time limit, while it reports work remaining: the budget then covers every call
        of that pass (the start is kept on the job's cursor)."""
        budget = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("recouvrement_b2b.dunning_time_budget", DEFAULT_TIME_BUDGET)
        )
        try:
            budget = float(budget)
        except ValueError:
            budget = 0
        if not budget > 0:  # also NaN
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
    def _get_dunning_domain(self, date, companies, min_days):
        """Domain of the invoices that may be reminded on ``date``: open customer invoices of
        ``companies`` (res.company), not in litigation nor in a payment plan, not paused, and
        due at least ``min_days`` days ago (the smallest offset of the ladders; negative: due
        in at most that many days)."""
        return [
            ("company_id", "in", companies.ids),
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("payment_state", "in", ("not_paid", "partial")),
            ("amount_residual", ">", 0),
            ("litigation_id", "=", False),
            ("payment_plan_id", "=", False),
            ("invoice_date_due", "<=", fields.Date.subtract(date, days=min_days)),
            "|",
            ("dunning_paused_until", "=", False),
            ("dunning_paused_until", "<", date),
            *self._get_partner_pause_domain(date, companies),
        ]

    @api.model
    def _get_plan(self, date, companies=None, partners=None, skip_failed=False):
        """Group the due invoices per customer and currency and pick the level to send.

        :param date: day of the run
        :param companies: res.company to run for (default: every company with a ladder)
        :param partners: res.partner to run for (their commercial partners; default: all)
        :param skip_failed: leave out the customers whose reminder failed on ``date``
        :return: the plan (see the class), sorted by company, customer and currency; each
            customer gets the most severe level reached by one of its invoices
            (:func:`rules.dunning.highest`). Queries do not depend on the number of invoices
            nor of customers.
        """
        level_domain = [("policy_id.active", "=", True)]
        if companies:
            level_domain.append(("company_id", "in", companies.ids))
        levels = self.env["recouvrement.dunning.level"].search(level_domain)
        if not levels:
            return []
        domain = self._get_dunning_domain(date, levels.company_id, min(levels.mapped("days")))
        if partners:
            domain.append(("commercial_partner_id", "in", partners.commercial_partner_id.ids))
        moves = self.env["account.move"].search(domain, order="invoice_date_due, id")
        skipped = self._get_failed_keys(moves, date) if skip_failed else set()
        groups, move_levels = self._group_due_moves(moves, date, skipped)
        due_levels = levels.browse(
            {rule_level.key for by_move in move_levels.values() for rule_level in by_move.values()}
        )
        records = {level.id: level for level in due_levels}
        credits = self._get_open_credits(moves)
        plan = []
        for key, group_moves in groups.items():
            if not move_levels[key]:
                continue
            level = records[dunning_rules.highest(move_levels[key].values()).key]
            open_credit = credits.get((key[0].id, key[1].id, key[2].id), 0.0)
            if open_credit and not self._is_net_balance_claimable(group_moves, open_credit, level):
                continue
            plan.append(
                {
                    "company": key[0],
                    "partner": key[1],
                    "currency": key[2],
                    "policy": level.policy_id,
                    "level": level,
                    "moves": group_moves,
                    "move_levels": {
                        move_id: rule_level.key for move_id, rule_level in move_levels[key].items()
                    },
                    "open_credit": open_credit,
                    "amount_net": sum(group_moves.mapped("amount_residual")) - open_credit,
                }
            )
        plan = self._apply_prerequisite_steps(plan, date)
        plan.sort(key=lambda item: (item["company"].id, item["partner"].id, item["currency"].id))
        return plan

    @api.model
    def _apply_prerequisite_steps(self, plan, date):
        """Never reach a step with legal effect without the steps it presupposes (a first run
        on an existing book included): a formal notice only after a reminder was sent to the
        customer, the transfer to litigation only after a formal notice was sent and its
        payment deadline passed (art. 1344 Code civil: the notice gives the debtor a delay).
        Amicable levels may be skipped to the highest one due. One query for the whole plan.

        :return: the plan, items capped to the level allowed (their invoices with them) or
            left out (formal notice sent, its deadline not passed yet)
        """
        if not plan:
            return plan
        partners = self.env["res.partner"].union(*(item["partner"] for item in plan))
        groups = self.env["recouvrement.dunning.event"]._read_group(
            [
                # a letter counts once posted (issue 18): sent emails and posted letters; a
                # letter still to post holds the customer's ladder until it is posted
                ("state", "in", ("sent", "posted", "to_post")),
                ("partner_id", "in", partners.ids),
                ("company_id", "in", [item["company"].id for item in plan]),
            ],
            ["company_id", "partner_id", "level_id", "state"],
            ["date:max"],
        )
        reminded = set()
        waiting = set()
        notice_deadlines = {}
        for company, partner, level, state, last in groups:
            key = (company.id, partner.id)
            if state == "to_post":
                waiting.add(key)
                continue
            reminded.add(key)
            if level.is_formal_notice:
                deadline = fields.Date.add(last, days=level.payment_deadline_days)
                notice_deadlines[key] = max(deadline, notice_deadlines.get(key, deadline))
        result = []
        for item in plan:
            key = (item["company"].id, item["partner"].id)
            if key in waiting:
                continue  # its last letter is not posted yet: nothing new before it leaves
            level = item["level"]
            ladder = item["policy"].level_ids.sorted("sequence")
            below = ladder.filtered(lambda lvl, level=level: lvl.sequence < level.sequence)
            if level.open_litigation:
                if key in notice_deadlines and notice_deadlines[key] >= date:
                    continue  # the formal notice's payment deadline has not passed yet
                if key not in notice_deadlines:
                    level = below.filtered("is_formal_notice")[-1:] or level
            if level.is_formal_notice and key not in reminded:
                amicable = below.filtered(
                    lambda lvl, ceiling=level.sequence: (
                        lvl.sequence < ceiling and not (lvl.is_formal_notice or lvl.open_litigation)
                    )
                )
                level = amicable[-1:] or level
            if level != item["level"]:
                item = dict(item, level=level, move_levels=self._cap_move_levels(item, level))
            result.append(item)
        return result

    @api.model
    def _cap_move_levels(self, item, level):
        """The ``move_levels`` of plan ``item`` with no invoice above ``level``."""
        levels = item["policy"].level_ids
        sequences = {lvl.id: lvl.sequence for lvl in levels}
        return {
            move_id: level.id if sequences.get(level_id, 0) > level.sequence else level_id
            for move_id, level_id in item["move_levels"].items()
        }

    @api.model
    def _get_open_credits(self, moves):
        """Open credits of the customers of ``moves``: ``{(company id, commercial partner id,
        currency id): amount}`` (positive, in that currency), the unreconciled credit
        receivable lines (credit notes, payments not matched to an invoice). One query.

        What a customer is asked to pay is net of them (LEGAL.md, open credits).
        """
        if not moves:
            return {}
        groups = self.env["account.move.line"]._read_group(
            [
                ("company_id", "in", moves.company_id.ids),
                ("move_id.commercial_partner_id", "in", moves.commercial_partner_id.ids),
                ("account_id.account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
                ("reconciled", "=", False),
                ("amount_residual_currency", "<", 0),
            ],
            ["company_id", "partner_id", "currency_id"],
            ["amount_residual_currency:sum"],
        )
        credits = defaultdict(float)
        for company, partner, currency, amount in groups:
            credits[company.id, partner.commercial_partner_id.id, currency.id] -= amount
        return credits

    @api.model
    def _is_net_balance_claimable(self, moves, open_credit, level):
        """Whether the reminder ``level`` may be sent for ``moves`` (account.move of one
        customer and currency) net of ``open_credit`` (same currency, positive).

        Nothing is claimed when the net balance is zero or below; a level with legal or
        commercial consequences (formal notice, credit hold, litigation) needs a net balance
        of at least its minimum (company currency).
        """
        residual = sum(moves.mapped("amount_residual"))
        net = residual - open_credit
        if net <= 0:
            return False
        if level.is_formal_notice or level.credit_hold or level.open_litigation:
            residual_company = sum(moves.mapped("amount_residual_signed"))
            return net * residual_company / residual >= level.min_amount
        return True

    @api.model
    def _get_failed_keys(self, moves, date):
        """``{(company id, partner id, currency id)}`` of the customers of ``moves`` whose
        reminder failed on ``date`` (one query)."""
        if not moves:
            return set()
        failed = self.env["recouvrement.dunning.event"]._read_group(
            [
                ("date", "=", date),
                ("state", "=", "failed"),
                ("partner_id", "in", moves.commercial_partner_id.ids),
            ],
            ["company_id", "partner_id", "currency_id"],
        )
        return {(company.id, partner.id, currency.id) for company, partner, currency in failed}

    @api.model
    def _group_due_moves(self, moves, date, skipped):
        """Group ``moves`` per ``(company, commercial partner, currency)`` records.

        :return: ``(groups, move_levels)``: ``{key: account.move}`` (the invoices to list:
            reaching a new level or overdue) and ``{key: {move id: rules.dunning.Level}}`` (the
            invoices reaching a new level on ``date``, :func:`rules.dunning.next_level`; the
            level's key is its id). Keys whose ids are in ``skipped`` and invoices without a
            policy are left out.
        """
        policies = self._get_policies(moves)
        ladders = {policy: policy._get_rule_levels() for policy in set(policies.values())}
        groups = defaultdict(lambda: self.env["account.move"])
        move_levels = defaultdict(dict)
        for move in moves:
            key = (move.company_id, move.commercial_partner_id, move.currency_id)
            policy = policies.get(move.id)
            if not policy or (key[0].id, key[1].id, key[2].id) in skipped:
                continue
            rule_level = dunning_rules.next_level(
                ladders[policy],
                self._get_reached_sequence(move, ladders[policy]),
                move.invoice_date_due,
                date,
                amount=move.amount_residual_signed,
            )
            if rule_level:
                move_levels[key][move.id] = rule_level
            if rule_level or move.invoice_date_due < date:
                groups[key] |= move
        return groups, move_levels

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
    def _get_reached_sequence(self, move, ladder):
        """Where ``move`` (account.move) stands in ``ladder`` (its policy as
        :class:`rules.dunning.Level`): :func:`rules.dunning.reached_sequence` of its level."""
        level = move.dunning_level_id
        return dunning_rules.reached_sequence(ladder, level._get_rule_level() if level else None)

    @api.model
    def _get_next_dates(self, moves):
        """Date of the next reminder of each invoice of ``moves``: ``{move id: date or False}``
        (False: not an open customer invoice, no policy, or at the top of its ladder), from
        :func:`rules.dunning.next_action_date`."""
        open_moves = moves.filtered(
            lambda m: (
                m.move_type == "out_invoice"
                and m.state == "posted"
                and m.payment_state in ("not_paid", "partial")
                and m.invoice_date_due
            )
        )
        policies = self._get_policies(open_moves)
        ladders = {policy: policy._get_rule_levels() for policy in set(policies.values())}
        next_dates = dict.fromkeys(moves.ids, False)
        for move in open_moves.filtered(lambda m: m.id in policies):
            ladder = ladders[policies[move.id]]
            next_dates[move.id] = (
                dunning_rules.next_action_date(
                    ladder,
                    self._get_reached_sequence(move, ladder),
                    move.invoice_date_due,
                    amount=move.amount_residual_signed,
                )
                or False
            )
        return next_dates

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
    # Execution: one communication per customer
    # ------------------------------------------------------------------------------------------

    @api.model
    def _send_reminders(self, plan, date, deadline=None):
        """Send one reminder per item of ``plan`` (see the class) dated ``date``, each in its
        own savepoint: a failing customer is logged (a failed event and a note on the
        customer) and the others are sent.

        Customers locked by another transaction (:meth:`_lock_customers`) or whose sending
        conflicts with one (serialization failure, deadlock) are left out, never logged as
        failed: they are still due, and the next run sends them.

        :param deadline: ``time.monotonic()`` value after which no new customer is started
            (:meth:`_get_deadline`; default: no limit)
        :return: the recouvrement.dunning.event created, sent and failed (one per customer
            processed)
        """
        events = self.env["recouvrement.dunning.event"]
        partners = self.env["res.partner"].union(*(item["partner"] for item in plan))
        free = self._lock_customers(partners)
        recipients = self._get_recipients(partners)
        for item in plan:
            if deadline is not None and time.monotonic() >= deadline:
                break
            if item["partner"].id not in free:
                continue
            try:
                with self.env.cr.savepoint():
                    events |= self.with_company(item["company"])._send_reminder(
                        item, date, recipients.get(item["partner"].id, item["partner"])
                    )
            except CONFLICT_ERRORS as error:
                _logger.info(
                    "Dunning of %s (id %s) left for the next run (concurrent update): %s",
                    item["partner"].name,
                    item["partner"].id,
                    error,
                )
            except Exception as error:  # one customer must not stop the others
                _logger.warning(
                    "Dunning of %s (id %s) failed: %s",
                    item["partner"].name,
                    item["partner"].id,
                    error,
                )
                events |= self._log_failure(item, date, error)
        return events

    @api.model
    def _lock_customers(self, partners):
        """Lock the rows of ``partners`` (res.partner) for the current transaction, skipping
        those another transaction holds (``FOR UPDATE SKIP LOCKED``, one query).

        :return: the ids of the customers locked (an empty set when the lock itself conflicts
            with a concurrent update: the run is then retried)
        """
        if not partners:
            return set()
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    SQL(
                        "SELECT id FROM res_partner WHERE id IN %s ORDER BY id "
                        "FOR NO KEY UPDATE SKIP LOCKED",
                        tuple(partners.ids),
                    )
                )
                return {row[0] for row in self.env.cr.fetchall()}
        except CONFLICT_ERRORS:
            _logger.info("Dunning: customers updated by a concurrent transaction, run retried")
            return set()

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
    def _prepare_dunning_event_vals(self, item, date, recipient):
        """Values of the recouvrement.dunning.event of plan ``item`` sent on ``date`` to
        ``recipient`` (res.partner). Penalties and indemnities (art. L441-10 and D441-5 Code de
        commerce) are claimed when the level says so; an email level falls back to a letter
        when the recipient has no email address."""
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
            # Never more than the net balance, open credits deducted.
            "amount_due": item.get("amount_net", sum(moves.mapped("amount_residual"))),
            "recipient_id": recipient.id,
            "user_id": self.env.user.id,
        }
        if level.claim_penalties:
            figures = moves._get_penalty_figures(date)
            vals["amount_penalty"] = sum(f["penalty"] for f in figures.values())
            vals["amount_indemnity"] = sum(f["indemnity"] for f in figures.values())
        if level.channel == "email" and not recipient.email:
            vals["channel"] = "letter"
            vals["note"] = self.env._(
                "%(partner)s has no email address: the reminder %(level)s is sent as a letter "
                "to print and post instead.",
                partner=recipient.display_name,
                level=level.name,
            )
        elif level.channel == "email" and not email_normalize(recipient.email):
            # An address that cannot receive mail is caught before sending, not after.
            vals["channel"] = "letter"
            vals["note"] = self.env._(
                "The email address %(email)s of %(partner)s is not valid: the reminder "
                "%(level)s is sent as a letter to print and post instead.",
                email=recipient.email,
                partner=recipient.display_name,
                level=level.name,
            )
        return vals

    @api.model
    def _send_reminder(self, item, date, recipient):
        """Create the event of plan ``item``, send it through its channel, apply the level's
        consequences (credit hold, litigation case) and move its invoices up the ladder.

        :return: the sent recouvrement.dunning.event
        :raise: any error of the rendering or sending (the caller rolls the customer back)
        """
        level = item["level"]
        event = self.env["recouvrement.dunning.event"].create(
            self._prepare_dunning_event_vals(item, date, recipient)
        )
        if event.channel in ("email", "letter", "registered") and level.report_id:
            self._render_letter(event)
        if event.channel == "email":
            self._send_email(event)
        elif event.channel == "phone":
            self._schedule_call(event)
        if level.credit_hold:
            self._apply_credit_hold(event)
        if level.open_litigation:
            self._open_litigation(event)
        self._post_on_customer(event)
        self._advance_invoices(item["moves"], item["move_levels"], date)
        # a letter is sent once somebody posts it (recouvrement.dunning.event.action_mark_posted)
        event.state = "to_post" if event.channel in ("letter", "registered") else "sent"
        return event

    @api.model
    def _log_failure(self, item, date, error):
        """Record that the reminder of plan ``item`` could not be sent on ``date`` because of
        ``error``: a failed event and a note on the customer.

        :return: the failed recouvrement.dunning.event
        """
        message = self.env._(
            "The reminder %(level)s could not be sent: %(error)s",
            level=item["level"].name,
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
                "amount_due": sum(item["moves"].mapped("amount_residual")),
                "state": "failed",
                "note": message,
            }
        )
        # On the event, not in the shared customer's chatter: only this company's collection
        # users read it (issue 19); the customer's Reminders button lists it.
        event._message_log(body=message)
        return event

    @api.model
    def _render_letter(self, event):
        """Render the letter of ``event``'s level (PDF; HTML with the ``dunning_letter_html``
        context key) and attach it to the event."""
        event.ensure_one()
        report = event.level_id.report_id
        if self.env.context.get("dunning_letter_html"):
            # no HTTP server for wkhtmltopdf (install-time replay, benchmarks): keep the HTML
            content, report_type = self.env["ir.actions.report"]._render_qweb_html(
                report.report_name, event.ids
            )
        else:
            content, report_type = self.env["ir.actions.report"]._render_qweb_pdf(
                report.report_name, event.ids
            )
        extension = "pdf" if report_type == "pdf" else "html"
        event.with_context(dunning_letter_render=True).attachment_id = self.env[
            "ir.attachment"
        ].create(
            {
                "name": f"{event._get_letter_filename()}.{extension}",
                "raw": content,
                "mimetype": "application/pdf" if report_type == "pdf" else "text/html",
                "res_model": event._name,
                "res_id": event.id,
            }
        )

    @api.model
    def _send_email(self, event):
        """Queue the email of ``event``'s level (mail queue, not sent inline) with its letter
        attached."""
        event.ensure_one()
        email_values = {"attachment_ids": [Command.link(event.attachment_id.id)]}
        if not event.attachment_id:
            email_values = {}
        mail_id = event.level_id.mail_template_id.send_mail(
            event.id, force_send=False, raise_exception=True, email_values=email_values
        )
        event.mail_message_id = self.env["mail.mail"].browse(mail_id).mail_message_id

    @api.model
    def _schedule_call(self, event):
        """Phone level: an activity on ``event``'s customer for the responsible user, listing
        the invoices and amounts."""
        event.ensure_one()
        level = event.level_id
        user = (
            level.activity_user_id
            or event.company_id.recouvrement_user_id
            or event.partner_id.user_id
            or self.env.user
        )
        lines = Markup("").join(
            Markup("<li>%s</li>")
            % self.env._(
                "%(invoice)s due %(due)s: %(amount)s",
                invoice=line["move"].name,
                due=format_date(self.env, line["move"].invoice_date_due),
                amount=format_amount(self.env, line["residual"], event.currency_id),
            )
            for line in event._get_letter_lines()
        )
        note = Markup("<p>%s</p><ul>%s</ul>") % (
            self.env._(
                "Call %(partner)s about %(amount)s overdue.",
                partner=event.partner_id.display_name,
                amount=format_amount(self.env, event.amount_total, event.currency_id),
            ),
            lines,
        )
        activity_type = level.activity_type_id or self.env.ref(
            "mail.mail_activity_data_call", raise_if_not_found=False
        )
        # sudo: the activity is scheduled on the customer, which credit controllers may not
        # be allowed to write on
        event.partner_id.sudo().activity_schedule(
            activity_type_id=activity_type.id if activity_type else False,
            summary=self.env._("Dunning call: %(level)s", level=level.name),
            note=note,
            user_id=user.id,
            date_deadline=event.date,
        )

    @api.model
    def _apply_credit_hold(self, event):
        """Put ``event``'s customer on credit hold (level with ``credit_hold``)."""
        event.ensure_one()
        # sudo: the hold is decided by the level configured by a credit manager; it holds the
        # customer in the event's company only and is noted on the event (issue 19).
        reason = self.env._("Dunning level %(level)s reached", level=event.level_id.name)
        if event.partner_id.with_company(event.company_id).sudo()._set_credit_hold(reason):
            event._message_log(body=self.env._("Credit hold: %(reason)s", reason=reason))

    @api.model
    def _open_litigation(self, event):
        """Open a recovery litigation case for ``event``'s invoices (level with
        ``open_litigation``)."""
        event.ensure_one()
        event.litigation_id = self.env["recouvrement.litigation"].create(
            {
                "partner_id": event.partner_id.id,
                "company_id": event.company_id.id,
                "move_ids": [Command.set(event.move_ids.ids)],
                "litigation_type": "recovery",
            }
        )

    @api.model
    def _post_on_customer(self, event):
        """Log ``event``, with its letter, in the event's chatter: a collection note with
        amounts, read only by the collection users of the event's company (not in the shared
        customer's chatter, open to other companies and to salespeople; issue 19)."""
        event.ensure_one()
        body = self.env._(
            "Reminder %(level)s (%(channel)s) for %(count)s invoice(s), %(amount)s due.",
            level=event.level_id.name,
            channel=dict(event._fields["channel"]._description_selection(self.env))[event.channel],
            count=len(event.move_ids),
            amount=format_amount(self.env, event.amount_total, event.currency_id),
        )
        if event.note:
            body = Markup("%s<br/>%s") % (body, event.note)
        # a log note: nobody to notify, the event's company collection users read it there
        event._message_log(body=body, attachment_ids=event.attachment_id.ids)

    @api.model
    def _advance_invoices(self, moves, move_levels, date):
        """Record a reminder dated ``date`` on ``moves`` (account.move): last reminder date,
        and the new level of those in ``move_levels`` (``{move id: level id}``).

        One query per level, whatever the number of invoices; the history is in the events, so
        no tracking message per invoice.

        :raise AccessError: the user may not write on the invoices
        """
        moves.check_access("write")
        fnames = ["dunning_last_date", "dunning_level_id"]
        # account.move.write() resynchronises the journal items of each move and flags them
        # as manually modified: far too heavy, and wrong, for these collection bookkeeping
        # fields, so they are written low-level (then caches and dependents are refreshed).
        moves.flush_recordset(fnames)
        moves._write({"dunning_last_date": date})
        by_level = defaultdict(list)
        for move_id, level_id in move_levels.items():
            by_level[level_id].append(move_id)
        for level_id, move_ids in by_level.items():
            moves.browse(move_ids)._write({"dunning_level_id": level_id})
        moves.invalidate_recordset(fnames)
        moves.modified(fnames)
