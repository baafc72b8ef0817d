import datetime
import heapq
from collections import defaultdict

from odoo import api, fields, models

from ..rules import deadlines as deadline_rules
from ..rules import dunning as dunning_rules
from .recouvrement_dunning_event import POSTED_CHANNELS

# how far ahead of the last day a level of the customer's instalments falls due the reminders
# a simulated one leads to are looked for (days): beyond, no next reminder date
NEXT_DATE_HORIZON_DAYS = 400


class DunningSimulation:
    """The reminders that runs not made yet would send, kept in memory while the next reminder
    dates are worked out (:meth:`RecouvrementDunningNextDate._get_run_next_dates`), so that
    the plan of a later day sees them as it would see reminders really sent: the levels reached
    (``line_levels``: ``{line id: recouvrement.dunning.level}``, ``move_levels``: ``{move id:
    (level, last reminder date)}``), the instalments a transfer to litigation took
    (``claimed``: line ids) and the reminders themselves (``events``, added to what
    ``_get_prerequisite_history`` reads). Nothing is written."""

    def __init__(self):
        self.line_levels = {}
        self.move_levels = {}
        self.claimed = set()
        self.events = []
        # ids of the open receivable lines of the customers asked about and of their invoices
        # (None: any)
        self.line_ids = None
        self.move_ids = None
        # the first day asked: a letter still to post, an email still queued leave then
        self.start = None
        # {(company id, partner id): {date}}: the day after each payment deadline of the
        # reminders really sent, read by the plans asked (a day the plan may change)
        self.deadline_days = defaultdict(set)

    def add_to_history(self, history, date):
        """Add the simulated reminders to ``history`` (the shape of
        ``recouvrement.dunning._get_prerequisite_history`` on ``date``), as the real ones are:
        each one sent, delivered (a letter posted, an email out of the queue) and its payment
        deadline running from the day it was sent. The day after each deadline already in
        ``history`` is kept in ``deadline_days``."""
        for name in ("reminder_deadlines", "notice_deadlines", "notice_line_deadlines"):
            for history_key, deadline in history[name].items():
                self.deadline_days[history_key[:2]].add(deadline + datetime.timedelta(days=1))
        for key, day, level, move_ids, line_ids, deadline in self.events:
            if day > date:
                continue
            if day == date:
                history["waiting"].add(key)
            history["last_delivered"][key] = max(day, history["last_delivered"].get(key, day))
            for move_id in move_ids if level._reminds_of_unpaid() else ():
                history["reminded"].add((*key, move_id))
            if not deadline:
                continue
            names = [("reminder_deadlines", move_ids)]
            if level.is_formal_notice:
                names += [("notice_deadlines", move_ids), ("notice_line_deadlines", line_ids)]
            for name, ids in names:
                deadlines = history[name]
                for record_id in ids:
                    deadlines[(*key, record_id)] = max(
                        deadline, deadlines.get((*key, record_id), deadline)
                    )


class RecouvrementDunningNextDate(models.AbstractModel):
    """The next reminder date and step of open invoices, asked of the dunning run
    (``recouvrement.dunning``) rather than mirrored (issue 17)."""

    _name = "recouvrement.dunning.next.date"
    _description = "Next Reminder Date"

    @api.model
    def _get_run_next_dates(self, moves, next_dates, date):
        """``next_dates`` (``{move id: False}``, :meth:`recouvrement.dunning._get_next_dates`)
        set, for the open invoices ``moves``, to the day a daily run will send a reminder
        listing each invoice: the run is asked, day after day, what it would send
        (:meth:`_get_plan`, the run's own code), each reminder it would send recorded as sent
        and delivered that day (:class:`DunningSimulation`, nothing written) so that the
        next days see it: the waits for a payment deadline (art. 1344 Code civil), the
        instalments sent alone, the steps of the customer's other invoices that list this one
        (issue 17: the date shown was not the day the run acted). A letter is taken as posted
        the day it is prepared, an email as leaving the queue that day, a call as made; a
        letter already waiting to be posted, an email still queued, as posted or leaving
        today (the earliest they can).

        The plan is asked only on the days its answer can change for a customer (a level of
        one of its open instalments falls due, a payment deadline ends, a pause or a proposed
        plan's hold ends, the day after a reminder) and only for the customers one of whose
        instalments has a level due above the one it reached (else nothing can go,
        :meth:`_group_due_lines`). The run is the only answer (issue 17: the ladder's own
        dates corrected by hand-written copies of its rules each missed one): an invoice it
        does not list (paid by open credits, wholly disputed, in a payment plan or a case,
        below every minimum, at the top of its ladder) keeps False. Queries: the plan's, per
        day asked, whatever the number of invoices of that day.

        :param moves: open customer invoices with a dunning policy (account.move)
        :param date: the first day a run may send (today)
        :return: ``next_dates``, changed in place
        """
        for move_id, (_level, day) in self._get_run_next_steps(moves, date).items():
            next_dates[move_id] = day
        return next_dates

    @api.model
    def _get_run_next_steps(self, moves, date):
        """``{move id: (recouvrement.dunning.level, date)}``: the first reminder a daily run
        from ``date`` on will send listing each invoice of ``moves`` (account.move), its level
        and day, worked out as :meth:`_get_run_next_dates` says; invoices the run does not
        list are left out. Also the next step a refused call announces
        (``recouvrement.call._get_next_steps``)."""
        found = {}
        if not moves:
            return found
        simulation = DunningSimulation()
        simulation.start = date
        # the run's view of the books, whoever triggers the recomputation (a stored field)
        dunning = (
            self.env["recouvrement.dunning"].sudo().with_context(dunning_simulation=simulation)
        )
        days, steps = self._get_next_date_days(dunning, moves, date)
        simulation.line_ids = {
            line.id for key_steps in steps.values() for line, _ladder in key_steps
        }
        simulation.move_ids = {
            line.move_id.id for key_steps in steps.values() for line, _ladder in key_steps
        }
        pending = defaultdict(set)
        for move in moves:
            pending[(move.company_id.id, move.commercial_partner_id.id)].add(move.id)
        partners = moves.commercial_partner_id.sudo()
        recipients = dunning._get_recipients(partners)

        def may_send(key, day):
            return any(
                line.id not in simulation.claimed
                and dunning_rules.next_level(
                    ladder, dunning._get_reached_sequence(line, ladder), line.date_maturity, day
                )
                for line, ladder in steps.get(key, ())
            )

        # the days a level falls due are asked however far (an invoice due in two years is
        # reminded then); the days a simulated reminder adds, within the horizon after them
        todo = sorted({day for key in pending for day in days[key] if date <= day})
        horizon = fields.Date.add(max(todo, default=date), days=NEXT_DATE_HORIZON_DAYS)
        asked = set()
        while todo and any(pending.values()):
            day = heapq.heappop(todo)
            if day in asked:
                continue
            asked.add(day)
            keys = [
                key
                for key, ids in pending.items()
                if ids and day in days[key] and may_send(key, day)
            ]
            if not keys:
                continue
            plan = dunning._get_plan(
                day,
                companies=self.env["res.company"].sudo().browse({key[0] for key in keys}),
                partners=partners.browse({key[1] for key in keys}),
            )
            for key in keys:
                for later in simulation.deadline_days.pop(key, ()):
                    if day < later <= horizon and later not in days[key]:
                        days[key].add(later)
                        heapq.heappush(todo, later)
            for item in plan:
                key = (item["company"].id, item["partner"].id)
                ids = pending.get(key, set())
                for move_id in ids & set(item["lines"].move_id.ids):
                    found[move_id] = (item["level"].with_env(self.env), day)
                    ids.discard(move_id)
                for later in self._simulate_sending(dunning, item, day, simulation, recipients):
                    if later <= horizon and later not in days[key]:
                        days[key].add(later)
                        heapq.heappush(todo, later)
        return found

    @api.model
    def _get_next_date_days(self, dunning, moves, date):
        """The days from ``date`` on which the plan of the customers of ``moves`` (open
        invoices, account.move) may change (:meth:`_get_run_next_dates`), before any reminder
        is simulated: ``date`` and the next day, the day each level of their open instalments
        falls due, the day after a pause or a proposed plan's hold or a running promise's
        tolerance date; the day after a payment deadline of their reminders is added when the
        plan reads them (:meth:`DunningSimulation.add_to_history`). Three queries.

        :param dunning: ``recouvrement.dunning`` as the simulation reads the books (sudo)
        :return: ``(days, steps)``: ``{(company id, commercial partner id): {date}}`` and
            ``{same key: [(receivable account.move.line, its ladder)]}``
        """
        # the customers' open invoices first, then their lines from their ids: no join of
        # lines and invoices, whose plan depends on the statistics (issue 17, performance;
        # recouvrement.dunning._search_dunning_lines)
        open_moves = dunning.env["account.move"].search(
            [
                ("company_id", "in", moves.company_id.ids),
                ("commercial_partner_id", "in", moves.commercial_partner_id.ids),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("payment_state", "in", ("not_paid", "partial")),
            ]
        )
        lines = dunning.env["account.move.line"].search(
            [
                ("move_id", "in", open_moves.ids),
                ("account_id.account_type", "=", "asset_receivable"),
                ("reconciled", "=", False),
                ("amount_residual", ">", 0),
                ("date_maturity", "!=", False),
            ]
        )
        policies = dunning._get_policies(lines.move_id)
        ladders = {policy: policy._get_rule_levels() for policy in set(policies.values())}
        days = defaultdict(lambda: {date, fields.Date.add(date, days=1)})
        steps = defaultdict(list)
        for line in lines:
            move = line.move_id
            policy = policies.get(move.id)
            if not policy:
                continue
            key = (move.company_id.id, move.commercial_partner_id.id)
            steps[key].append((line, ladders[policy]))
            days[key].update(level.date_for(line.date_maturity) for level in ladders[policy])
            held = [move.dunning_paused_until]
            if move.penalty_plan_id.state == "proposed":
                held.append(move.penalty_plan_id.proposal_hold_until)
            days[key].update(fields.Date.add(day, days=1) for day in held if day)
        for move in moves:
            key = (move.company_id.id, move.commercial_partner_id.id)
            partner = move.commercial_partner_id.with_company(move.company_id)
            if partner.dunning_paused_until:
                days[key].add(fields.Date.add(partner.dunning_paused_until, days=1))
        # a running promise holds its invoices until its tolerance date; the day after, the
        # ladder resumes (recouvrement.promise._dunning_get_promise_effects)
        promises = dunning.env["recouvrement.promise"].search(
            [
                ("partner_id", "in", moves.commercial_partner_id.ids),
                ("company_id", "in", moves.company_id.ids),
                ("state", "=", "running"),
            ]
        )
        for promise in promises:
            if promise.tolerance_date and promise.tolerance_date < date.max:
                key = (promise.company_id.id, promise.partner_id.commercial_partner_id.id)
                days[key].add(fields.Date.add(promise.tolerance_date, days=1))
        return days, steps

    @api.model
    def _simulate_sending(self, dunning, item, date, simulation, recipients):
        """Record in ``simulation`` (:class:`DunningSimulation`) the reminder of plan ``item``
        as the run sends it on ``date`` (:meth:`_send_company_batch`, :meth:`_advance_invoices`,
        :meth:`_open_litigations`): its channel (:meth:`_get_channel_fallback`), its payment
        deadline (``rules.deadlines.payment_deadline``, none for a call), the levels it gives
        the invoices and instalments, the instalments a transfer to litigation claims. No query.

        :param dunning: ``recouvrement.dunning`` with the ``simulation`` in its context
        :param recipients: ``recouvrement.dunning._get_recipients`` of the customers
        :return: the days the customer's plan may change after it (the next day, the day after
            the deadline)
        """
        level = item["level"]
        recipient = recipients.get(item["partner"].id, item["partner"])
        channel = dunning._get_channel_fallback(item, recipient).get("channel", level.channel)
        deadline = None
        if channel != "phone":
            deadline = deadline_rules.payment_deadline(
                level.payment_deadline_days,
                sent=date,
                letter=channel in POSTED_CHANNELS,
                posted=date,
            )
        key = (item["company"].id, item["partner"].id)
        simulation.events.append(
            (key, date, level, set(item["moves"].ids), set(item["lines"].ids), deadline)
        )
        Level = self.env["recouvrement.dunning.level"]
        for move in item["moves"]:
            level_id = item["move_levels"].get(move.id)
            reached = (
                Level.browse(level_id) if level_id else dunning._get_move_dunning_level(move)[0]
            )
            simulation.move_levels[move.id] = (reached, date)
        for line_id, level_id in (item.get("line_levels") or {}).items():
            simulation.line_levels[line_id] = Level.browse(level_id)
        if level.open_litigation:
            simulation.claimed.update(item["lines"].ids)
        later = [fields.Date.add(date, days=1)]
        if deadline:
            later.append(fields.Date.add(deadline, days=1))
        return later
