from collections import defaultdict
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date

from ..rules import dunning as dunning_rules
from ..tools.bounds import check_date_horizon
from ..tools.evidence import changed_field, check_recorded_now, raise_evidence_thread
from ..tools.lang import company_env
from ..tools.records import set_commercial_partner

CALL_OUTCOMES = [
    ("reached", "Reached"),
    ("not_reached", "Not reached"),
    ("promise", "Promise to pay"),
    ("dispute", "Dispute"),
    ("refusal", "Refusal to pay"),
    ("wrong_contact", "Wrong contact"),
]
#: outcomes that count against the customer in the payment score (``rules.score``): it
#: refused to pay, or did not answer; a wrong contact says nothing of the customer
NEGATIVE_OUTCOMES = ("refusal", "not_reached")
#: outcomes that count in the score at all (the denominator of the negative-call rate)
SCORED_OUTCOMES = ("reached", "not_reached", "promise", "dispute", "refusal")
#: consecutive "not reached" calls after which the collector gets a follow-up activity
NOT_REACHED_LIMIT = 3
#: days back a call counts in a "not reached" streak
NOT_REACHED_LOOKBACK_DAYS = 30
#: what a logged call records: evidence, never rewritten (issue 19); its note stays writable
CALL_EVIDENCE_FIELDS = (
    "partner_id",
    "company_id",
    "user_id",
    "date",
    "outcome",
    "promise_id",
    "dispute_id",
)


def _step_key(step):
    """Order key of a next step ``(rules.dunning.Level, date)``: the earliest first, then the
    most severe."""
    level, day = step
    return (day, *(-part for part in dunning_rules.rank(level)))


class RecouvrementCall(models.Model):
    """A call to a customer, logged by a collector (the call log of the worklist or the
    customer), in one company: its outcome feeds the ladder and the payment score.

    Outcomes (:meth:`_apply_outcomes`):

    * reached, promise, dispute: the call activities due on the customer's reminders in the
      call's company are marked done
      (a phone level of the ladder counts as done); a promise or a dispute given with its
      figures is created and linked (``promise_id``, ``dispute_id``);
    * not reached: the due call activities move to the next day; the ``NOT_REACHED_LIMIT``-th
      call in a row not reached within ``NOT_REACHED_LOOKBACK_DAYS`` days gives the collector
      a follow-up activity (change channel, send the next level in writing);
    * refusal: a follow-up activity for the collector, due today, naming the next level of the
      ladder and its date, to bring that step forward;
    * wrong contact: a follow-up activity for the collector to fix the customer's contact.

    Follow-up activities (type ``mail_activity_type_call_follow_up``) are scheduled on the call
    (its company's record, not the shared customer's chatter) and put the customer on the
    worklist (reason ``call_follow_up``). In the payment score, the share of the calls of the
    last 12 months that were refused or not reached takes off up to 10 points
    (:meth:`_get_score_negative_rates`, ``rules.score``).
    """

    _name = "recouvrement.call"
    _description = "Collection Call"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        domain="[('is_company', '=', True)]",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    user_id = fields.Many2one(
        "res.users", string="Collector", default=lambda self: self.env.user, readonly=True
    )
    date = fields.Date(required=True, default=fields.Date.context_today, index=True)
    outcome = fields.Selection(CALL_OUTCOMES, required=True, default="reached")
    note = fields.Text()
    promise_id = fields.Many2one(
        "recouvrement.promise", string="Promise to Pay", readonly=True, check_company=True
    )
    dispute_id = fields.Many2one("recouvrement.dispute", readonly=True, check_company=True)

    @api.constrains("date")
    def _check_date(self):
        # a call made: a day to come would count in the score for years (issue 19)
        check_date_horizon(self, ["date"])

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            set_commercial_partner(self.env, vals)
        calls = super().create(vals_list)
        # a call is logged by who made it (its score counts it, issue 19)
        check_recorded_now(
            calls, self.env._("the collector who logs the call"), user_fname="user_id"
        )
        return calls

    def write(self, vals):
        self._check_evidence_write(vals)
        return super().write(vals)

    def _check_evidence_write(self, vals):
        """Refuse to rewrite what a logged call records (``CALL_EVIDENCE_FIELDS``: who called
        whom, when, with what outcome), whoever writes but the superuser: the outcome has
        fed the ladder, the activities and the payment score, and is evidence of the contact
        (issue 19). Corrections are made as for other evidence: a new call logged, or the
        note completed (the note stays writable).

        :raise UserError: naming the call and the field
        """
        if self.env.su:
            return
        for call in self:
            fname = changed_field(call, vals, CALL_EVIDENCE_FIELDS)
            if fname:
                raise UserError(
                    self.env._(
                        "Call with %(partner)s on %(date)s: its %(field)s is evidence once "
                        "logged and cannot be changed; log a new call or complete its note.",
                        partner=call.partner_id.display_name,
                        date=format_date(self.env, call.date),
                        field=call._fields[fname]._description_string(self.env),
                    )
                )

    def _check_can_update_message_content(self, messages):
        # EXTENDS mail: the chatter's Edit and Delete (superuser) of the call's outcome:
        # evidence, never rewritten (issue 19)
        raise_evidence_thread(self)
        return super()._check_can_update_message_content(messages)

    # ------------------------------------------------------------------------------------------
    # Outcomes
    # ------------------------------------------------------------------------------------------

    def _apply_outcomes(self):
        """Apply the outcome of each call of ``self`` to the customer's activities and ladder
        (see the class). The activities are scheduled as superuser: collectors log calls on
        customers they may not write on."""
        today = fields.Date.context_today(self)
        streaks = self._get_not_reached_streaks()
        next_steps = self._get_next_steps()
        due_calls = self._get_due_call_activities(today)
        for call in self:
            due = due_calls.get((call.partner_id.id, call.company_id.id), self.env["mail.activity"])
            feedback = call._get_feedback()
            if call.outcome == "not_reached":
                due.write({"date_deadline": fields.Date.add(today, days=1)})
            if call.outcome in ("reached", "promise", "dispute") and due:
                due.action_feedback(feedback=feedback)
            else:
                call._log_done_call(feedback)
            follow_up = call._get_follow_up_note(streaks.get(call.id, 0), next_steps)
            if follow_up:
                call._schedule_follow_up(*follow_up)

    def _get_due_call_activities(self, today):
        """``{(customer id, company id): mail.activity}``: the call activities due by
        ``today`` on the reminders (``recouvrement.dunning.event``) of the customers and
        companies of ``self``. They live on the reminders, records of one company, not on the
        customer shared by the companies (issue 19). Two queries."""
        # sudo: the activities may belong to another collector of the company
        events = (
            self.env["recouvrement.dunning.event"]
            .sudo()
            ._search(
                [
                    ("partner_id", "in", self.partner_id.ids),
                    ("company_id", "in", self.company_id.ids),
                ]
            )
        )
        activities = (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "recouvrement.dunning.event"),
                    ("res_id", "in", events),
                    ("activity_type_id.category", "=", "phonecall"),
                    ("date_deadline", "<=", today),
                ]
            )
        )
        events = self.env["recouvrement.dunning.event"].sudo().browse(activities.mapped("res_id"))
        keys = {
            event.id: (event.partner_id.commercial_partner_id.id, event.company_id.id)
            for event in events
        }
        wanted = {(call.partner_id.id, call.company_id.id) for call in self}
        result = defaultdict(lambda: self.env["mail.activity"])
        for activity in activities:
            key = keys.get(activity.res_id)
            if key in wanted:
                result[key] |= activity
        return result

    def _get_feedback(self):
        """HTML feedback of the call: its outcome and note."""
        self.ensure_one()
        label = dict(self._fields["outcome"]._description_selection(self.env))[self.outcome]
        feedback = Markup("%s") % self.env._("Call: %(outcome)s", outcome=label)
        if self.note:
            feedback = Markup("%s<br/>%s") % (feedback, self.note)
        return feedback

    def _log_done_call(self, feedback):
        """A done call activity on the call, carrying ``feedback``: in the call's chatter, a
        record of its company, not the customer's shared by the companies (issue 19)."""
        self.ensure_one()
        call_type = self.env.ref("mail.mail_activity_data_call", raise_if_not_found=False)
        label = dict(self._fields["outcome"]._description_selection(self.env))[self.outcome]
        # sudo: collectors may not write on calls once logged
        activity = self.sudo().activity_schedule(
            activity_type_id=call_type.id if call_type else False,
            summary=self.env._("Call: %(outcome)s", outcome=label),
            user_id=self.user_id.id or self.env.uid,
        )
        activity.action_feedback(feedback=feedback)

    def _get_follow_up_note(self, streak, next_steps):
        """``(summary, note)`` of the follow-up activity the call gives the collector, or None
        (see the class). ``streak``: calls in a row not reached, this one included;
        ``next_steps``: :meth:`_get_next_steps`. Texts in the company's language."""
        self.ensure_one()
        note_env = company_env(self.env, self.company_id)
        level, day = next_steps.get(self.partner_id.id, (None, None))
        step = (
            note_env._(
                "Next step of the ladder: %(level)s, due on %(date)s; send it now if the "
                "customer will not pay.",
                level=level.with_context(lang=note_env.lang).name,
                date=format_date(note_env, day),
            )
            if level
            else note_env._("No further step of the ladder is planned.")
        )
        if self.outcome == "refusal":
            return note_env._("Refusal to pay: decide the next step"), step
        if self.outcome == "not_reached" and streak >= NOT_REACHED_LIMIT:
            return (
                note_env._("Not reached %(count)s times in a row: change channel", count=streak),
                step,
            )
        if self.outcome == "wrong_contact":
            return (
                note_env._("Wrong contact: fix the customer's contact"),
                note_env._(
                    "The person called is not the right contact for %(partner)s: update its "
                    "invoicing contact and phone number.",
                    partner=self.partner_id.name,
                ),
            )
        return None

    def _schedule_follow_up(self, summary, note):
        """A follow-up activity on the call for the customer's collector, due on its day."""
        self.ensure_one()
        activity_type = self.env.ref(
            "recouvrement_b2b.mail_activity_type_call_follow_up", raise_if_not_found=False
        )
        collector = (
            self.env["recouvrement.dunning.policy"]
            ._get_collectors(self.partner_id, self.company_id)
            .get(self.partner_id.id)
        )
        # sudo: collectors may not write on calls once logged
        self.sudo().activity_schedule(
            activity_type_id=activity_type.id if activity_type else False,
            summary=summary,
            note=note,
            user_id=(collector or self.user_id or self.env.user).id,
            date_deadline=self.date,
        )

    def _get_not_reached_streaks(self):
        """``{call id: calls in a row not reached}`` for the "not reached" calls of ``self``:
        the calls of the same customer and company of the last ``NOT_REACHED_LOOKBACK_DAYS``
        days up to it, counted back until one with another outcome. One query."""
        unreached = self.filtered(lambda c: c.outcome == "not_reached")
        if not unreached:
            return {}
        history = self.search(
            [
                ("partner_id", "in", unreached.partner_id.ids),
                ("company_id", "in", unreached.company_id.ids),
                (
                    "date",
                    ">=",
                    min(unreached.mapped("date")) - timedelta(days=NOT_REACHED_LOOKBACK_DAYS),
                ),
            ],
            order="date desc, id desc",
        )
        streaks = {}
        for call in unreached:
            streak = 0
            start = call.date - timedelta(days=NOT_REACHED_LOOKBACK_DAYS)
            for past in history:
                if (
                    past.partner_id != call.partner_id
                    or past.company_id != call.company_id
                    or past.id > call.id
                    or past.date > call.date
                ):
                    continue
                if past.date < start or past.outcome != "not_reached":
                    break
                streak += 1
            streaks[call.id] = streak
        return streaks

    def _get_next_steps(self):
        """``{customer id: (recouvrement.dunning.level, date)}``: the next step of the ladder
        of each customer of ``self`` whose call asks for it (refusal, not reached) and its
        day: the level the next run sends (``rules.dunning.next_level``: the highest level
        due today above the one each instalment reached, its minimum met, as the dunning
        sends it; several levels fallen due are not sent one by one), dated today; else the
        first level to come with its date; an instalment waiting for an older one's next step
        takes that step (``recouvrement.dunning._wait_for_older_steps``); then, when the run
        lists one of its invoices, the first reminder it really sends, the plan asked day
        after day (``recouvrement.dunning.next.date._get_run_next_steps``, issue 17).
        Invoices the ladder leaves out (litigation, payment plan, pause:
        :meth:`_get_next_step_domain`) have no step. Customers without are left out."""
        asking = self.filtered(lambda c: c.outcome in ("refusal", "not_reached"))
        if not asking:
            return {}
        today = fields.Date.context_today(self)
        Move = self.env["account.move"]
        dunning = self.env["recouvrement.dunning"]
        moves = Move.search(
            [
                ("commercial_partner_id", "in", asking.partner_id.ids),
                ("company_id", "in", asking.company_id.ids),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("payment_state", "in", ("not_paid", "partial")),
                *self._get_next_step_domain(today, asking.company_id),
            ]
        )
        # pre-judgment claims and notified-factored invoices are not reminded
        moves = self.env["recouvrement.proceedings"]._filter_dunning_moves(moves, None)
        policies = dunning._get_policies(moves)
        ladders = {policy: policy._get_rule_levels() for policy in set(policies.values())}
        lines = moves.line_ids.filtered(
            lambda line: (
                line.account_id.account_type == "asset_receivable"
                and line.date_maturity
                and not line.reconciled
                and line.amount_residual > 0
            )
        )
        credits = dunning._get_open_credits(moves)
        amounts = dunning._get_line_amounts(
            lines.union(*credits.values()) if credits else lines, today
        )
        # what the open litigation cases left of them (recouvrement.dunning
        # ._allocate_open_credits: a credit is deducted once, by the case first)
        credits = dunning._allocate_open_credits(credits, amounts, today)[0]
        # each currency's net balance, as the reminder claims it (recouvrement.dunning
        # ._net_by_currency): a level's minimum is compared with it too
        nets = dunning._get_overdue_nets(lines, credits, amounts, today)
        line_steps = {}
        for move in moves.sorted("id"):
            policy = policies.get(move.id)
            if not policy:
                continue
            ladder = ladders[policy]
            mine = lines.filtered(lambda line, move=move: line.move_id == move)
            net = nets.get((move.company_id.id, move.commercial_partner_id.id, move.currency_id.id))
            for line in mine:
                step = self._get_line_next_step(line, ladder, mine, amounts, today, net=net)
                if step:
                    line_steps[line] = step
        # an instalment waiting for an older one's next step: that step, the one the run takes
        line_steps = dunning._wait_for_older_steps(
            lines.filtered(lambda line: line.move_id.id in policies),
            line_steps,
            {move_id: ladders[policy] for move_id, policy in policies.items()},
        )
        steps = {}
        for line in lines.sorted(lambda line: (line.move_id.id, line.id)):
            step = line_steps.get(line)
            current = steps.get(line.move_id.commercial_partner_id.id)
            # the earliest step, the most severe on a day (rank() is a tuple: negated item
            # by item)
            if step and (not current or _step_key(step) < _step_key(current)):
                steps[line.move_id.commercial_partner_id.id] = step
        levels = self.env["recouvrement.dunning.level"]
        result = {
            partner_id: (levels.browse(level.key), day)
            for partner_id, (level, day) in steps.items()
        }
        # what the run will really send first (the plan asked day after day, issue 17: the
        # ladder's own step missed the payment deadlines and the instalments sent alone); the
        # ladder's step when the run lists none of the customer's invoices
        run_steps = defaultdict(list)
        # every open invoice of the customers, those paused or held by a proposed plan
        # included: the run reminds them once the pause or the hold ends
        every = self.env["recouvrement.proceedings"]._filter_dunning_moves(
            Move.search(
                [
                    ("commercial_partner_id", "in", asking.partner_id.ids),
                    ("company_id", "in", asking.company_id.ids),
                    ("move_type", "=", "out_invoice"),
                    ("state", "=", "posted"),
                    ("payment_state", "in", ("not_paid", "partial")),
                ]
            ),
            None,
        )
        for move_id, step in (
            self.env["recouvrement.dunning.next.date"]._get_run_next_steps(every, today).items()
        ):
            run_steps[Move.browse(move_id).commercial_partner_id.id].append(step)
        for partner_id, partner_steps in run_steps.items():
            result[partner_id] = min(partner_steps, key=lambda step: (step[1], -step[0].sequence))
        return result

    @api.model
    def _get_next_step_domain(self, today, companies):
        """Domain on ``account.move``: the invoices the ladder may remind on ``today``, as
        ``recouvrement.dunning._search_dunning_lines`` leaves out the others: not in an open
        litigation case nor in a payment plan (nor held by a proposed one), neither the invoice
        nor its customer (in the invoice's company) paused; an invoice in a case opened by the
        transfer to litigation while an instalment of it is claimed by no case
        (``recouvrement.dunning._get_not_in_litigation_domain``) is kept."""
        return [
            "|",
            ("litigation_id", "=", False),
            "&",
            # an invoice transferred in part: one of its lines is claimed by an open case
            # (one added by hand to the case, none, leaves the ladder whole)
            ("line_ids", "any", [("litigation_case_ids", "any", [("is_closed", "=", False)])]),
            (
                "line_ids",
                "any",
                [
                    ("account_id.account_type", "=", "asset_receivable"),
                    ("reconciled", "=", False),
                    ("litigation_case_ids", "not any", [("is_closed", "=", False)]),
                ],
            ),
            ("payment_plan_id", "=", False),
            *self.env["recouvrement.dunning"]._get_proposed_plan_hold_domain(today),
            "|",
            ("dunning_paused_until", "=", False),
            ("dunning_paused_until", "<", today),
            *self.env["recouvrement.dunning"]._get_partner_pause_domain(today, companies),
        ]

    @api.model
    def _get_line_next_step(self, line, ladder, lines, amounts, today, net=None):
        """``(rules.dunning.Level, date)`` of the next step of the instalment ``line`` in
        ``ladder`` (see :meth:`_get_next_steps`), or None at the top of the ladder or when
        nothing is claimed. A level's minimum is compared with the invoice's amount due by
        then (``lines``, its open instalments; ``amounts``, ``{line id: company currency}``)
        and with ``net``, the net balance of its currency when the customer has open credits
        in it (``recouvrement.dunning._get_overdue_nets``), as the dunning does
        (``recouvrement.dunning._cap_to_net_minimums``)."""
        dunning = self.env["recouvrement.dunning"]
        reached = dunning._get_reached_sequence(line, ladder)
        amount = sum(
            amounts[other.id] for other in lines if other.date_maturity <= line.date_maturity
        )
        if net is not None:
            if net <= 0:
                return None  # its open credits cover the currency: nothing is claimed
            amount = min(amount, net)
        level = dunning_rules.next_level(ladder, reached, line.date_maturity, today, amount=amount)
        if level:
            return level, today
        upcoming = [
            lvl for lvl in ladder if lvl.sequence > (reached or 0) and lvl.applies_to(amount)
        ]
        if not upcoming:
            return None
        level = min(upcoming, key=lambda lvl: (lvl.date_for(line.date_maturity), lvl.sequence))
        return level, level.date_for(line.date_maturity)

    # ------------------------------------------------------------------------------------------
    # Payment score
    # ------------------------------------------------------------------------------------------

    @api.model
    def _get_score_negative_rates(self, partners, company, start):
        """Share of the calls that were refused or not reached (``NEGATIVE_OUTCOMES``) among
        the calls of ``SCORED_OUTCOMES`` logged with each customer of ``partners`` in
        ``company`` since ``start`` (date): ``{partner id: rate, 0 to 1}``; customers without
        a call are left out. One query."""
        groups = self.sudo()._read_group(
            [
                ("partner_id", "in", partners.ids),
                ("company_id", "=", company.id),
                ("outcome", "in", SCORED_OUTCOMES),
                ("date", ">=", start),
            ],
            ["partner_id", "outcome"],
            ["__count"],
        )
        counts = defaultdict(lambda: [0, 0])
        for partner, outcome, count in groups:
            counts[partner.id][0] += count if outcome in NEGATIVE_OUTCOMES else 0
            counts[partner.id][1] += count
        return {pid: negative / total for pid, (negative, total) in counts.items()}

    def _recouvrement_creation_note(self):
        # EXTENDS recouvrement_b2b (mail_thread.py): its own creation note, whose French agrees
        # with the model's noun (issue 16)
        return self.env._("Collection call created")
