import logging
from collections import defaultdict
from datetime import date as Date

from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare, format_amount, format_date

from ..tools.bounds import check_sign
from ..tools.evidence import (
    check_closed_unlink,
    check_closed_write,
    check_created_by_flow,
    check_set_by_flow,
    state_label,
)
from ..tools.lang import company_env
from ..tools.records import set_commercial_partner

_logger = logging.getLogger(__name__)

#: days a broken promise still counts for the ladder (see _dunning_get_promise_effects)
BROKEN_LOOKBACK_DAYS = 365

#: years a promise may put reminders off at most: the longest delay a judge may grant a
#: debtor (art. 1343-5 Code civil, "dans la limite de deux années")
MAX_PROMISE_YEARS = 2

#: what a kept, broken or cancelled promise says: never rewritten (issue 19)
CLOSED_PROMISE_FIELDS = (
    "partner_id",
    "company_id",
    "move_ids",
    "amount",
    "date",
    "date_recorded",
    "channel",
    "user_id",
    "state",
    "amount_start",
    "closed_date",
)

PROMISE_CHANNELS = [
    ("phone", "Phone"),
    ("email", "Email"),
    ("portal", "Portal"),
    ("letter", "Letter"),
    ("other", "Other"),
]


#: states the daily check records (from the payments), never a user (issue 19)
CHECKED_STATES = ("kept", "broken")


class RecouvrementPromise(models.Model):
    """A customer's promise to pay an amount by a date, on invoices or on its account.

    While it runs (until the promised date plus the company's tolerance,
    ``res.company.recouvrement_promise_tolerance_days``), the dunning plan leaves its invoices
    alone (a promise on the account: every invoice of the customer), see
    :meth:`_dunning_adjust_plan`. It is kept when payments reach the promised amount, broken
    when the tolerance passed first (daily cron :meth:`_cron_check_promises`): an activity is
    then scheduled for the collector and the ladder resumes at the level the invoices had (the
    promise never moves an invoice's ``dunning_level_id``). The keep rate counts in the payment
    score (``rules.score``).

    Creation from other features (portal, call log)::

        env["recouvrement.promise"].create({
            "partner_id": partner.id,          # required, the commercial partner is used
            "amount": 1200.0,                  # required, > 0, company currency
            "date": date,                      # required, promised payment date
            "move_ids": [Command.set(ids)],    # optional: open invoices of the customer
            "channel": "portal",               # phone, email, portal, letter, other
        })

    or :meth:`_create_from_portal`.
    """

    _name = "recouvrement.promise"
    _description = "Promise to Pay"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        domain="[('is_company', '=', True)]",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    move_ids = fields.Many2many(
        "account.move",
        string="Invoices",
        check_company=True,
        domain="[('move_type', '=', 'out_invoice'), ('state', '=', 'posted'),"
        " ('payment_state', 'in', ('not_paid', 'partial')),"
        " ('commercial_partner_id', '=', partner_id)]",
        help="Invoices the customer promised to pay; none: a payment on the account.",
    )
    amount = fields.Monetary(
        string="Promised Amount", required=True, tracking=True, currency_field="currency_id"
    )
    date = fields.Date(string="Promised Date", required=True, tracking=True, index=True)
    date_recorded = fields.Date(
        string="Recorded On", required=True, default=fields.Date.context_today, readonly=True
    )
    tolerance_date = fields.Date(
        compute="_compute_tolerance_date",
        store=True,
        help="Reminders wait until this day: the promised date plus the company's tolerance.",
    )
    channel = fields.Selection(PROMISE_CHANNELS, required=True, default="phone")
    user_id = fields.Many2one(
        "res.users", string="Recorded By", default=lambda self: self.env.user, readonly=True
    )
    state = fields.Selection(
        [
            ("running", "Running"),
            ("kept", "Kept"),
            ("broken", "Broken"),
            ("cancelled", "Cancelled"),
        ],
        default="running",
        required=True,
        tracking=True,
        index=True,
        copy=False,
    )
    amount_start = fields.Monetary(
        string="Amount Due When Promised",
        readonly=True,
        copy=False,
        help="Amount due on the invoices when the promise was recorded.",
    )
    amount_paid = fields.Monetary(
        compute="_compute_amount_paid",
        help="Paid since the promise: the fall of the invoices' amount due (credit notes "
        "excepted), or the payments received on the account since the promise was recorded.",
    )
    closed_date = fields.Date(readonly=True, copy=False)
    note = fields.Text()

    _sql_constraints = [
        ("amount_positive", "CHECK(amount > 0)", "The promised amount must be positive."),
    ]

    @api.depends("partner_id", "date", "amount")
    def _compute_display_name(self):
        for promise in self:
            promise.display_name = self.env._(
                "%(partner)s: %(amount)s on %(date)s",
                partner=promise.partner_id.display_name or "",
                amount=format_amount(self.env, promise.amount, promise.currency_id),
                date=promise.date and format_date(self.env, promise.date) or "",
            )

    @api.depends("date", "company_id.recouvrement_promise_tolerance_days")
    def _compute_tolerance_date(self):
        for promise in self:
            try:
                promise.tolerance_date = promise.date and fields.Date.add(
                    promise.date, days=promise.company_id.recouvrement_promise_tolerance_days
                )
            except OverflowError:  # a date near 9999-12-31, refused by _check_date
                promise.tolerance_date = Date.max

    @api.depends(
        "move_ids.amount_residual",
        "move_ids.amount_residual_signed",
        "amount_start",
        "date_recorded",
    )
    def _compute_amount_paid(self):
        received = self._get_payments_on_account()
        credited = self._get_credit_notes_since()
        for promise in self:
            if promise.move_ids:
                residual = promise._get_invoices_residual()
                # a credit note lowers what is due: it is no payment
                paid = promise.amount_start - residual - credited.get(promise.id, 0.0)
                promise.amount_paid = max(promise.currency_id.round(paid), 0.0)
            else:
                promise.amount_paid = received.get(promise.id, 0.0)

    def _get_invoices_residual(self):
        """What is still due on the invoices of this promise, measured in each invoice's own
        currency (``amount_residual``) and valued at the invoice's rate (company currency per
        unit of its currency, ``amount_total_signed / amount_total_in_currency_signed``): an
        exchange difference booked by a reconciliation moves the company-currency residual
        only, so it neither keeps nor breaks the promise (README, Product decisions).

        :return: float, company currency
        """
        self.ensure_one()
        return sum(
            self.currency_id.round(move.amount_residual * self._get_invoice_rate(move))
            for move in self.move_ids
        )

    @api.model
    def _get_invoice_rate(self, move):
        """Company currency per unit of the currency of the invoice ``move`` at its own rate
        (1.0 in the company's currency)."""
        if move.currency_id == move.company_currency_id or not move.amount_total_in_currency_signed:
            return 1.0
        return move.amount_total_signed / move.amount_total_in_currency_signed

    def _get_credit_notes_since(self):
        """``{promise id: amount}``: credit notes matched with the invoices of the promises of
        ``self`` on invoices, dated from the day each was recorded: they lower the invoices'
        amount due without being paid. Measured in the invoice's currency and valued at its
        rate, as :meth:`_get_invoices_residual` (company currency). One query."""
        on_moves = self.filtered(lambda p: p.move_ids and p.id)
        if not on_moves:
            return {}
        # sudo: the collector reads how its promise's invoices were settled, nothing else
        partials = (
            self.env["account.partial.reconcile"]
            .sudo()
            .search_fetch(
                [
                    ("debit_move_id.move_id", "in", on_moves.move_ids.ids),
                    ("credit_move_id.move_id.move_type", "=", "out_refund"),
                    ("max_date", ">=", min(on_moves.mapped("date_recorded"))),
                ],
                ["debit_amount_currency", "max_date", "debit_move_id"],
            )
        )
        credited = defaultdict(float)
        for promise in on_moves:
            for partial in partials:
                move = partial.debit_move_id.move_id
                if move in promise.move_ids and partial.max_date >= promise.date_recorded:
                    credited[promise.id] += promise.currency_id.round(
                        partial.debit_amount_currency * self._get_invoice_rate(move)
                    )
        return credited

    def _get_payments_on_account(self):
        """``{promise id: amount}``: payments received on the receivable account of the
        customers of the promises of ``self`` without invoices, since each was recorded
        (company currency; credits of registered payments and bank or cash entries: neither
        credit notes nor exchange differences). One query."""
        on_account = self.filtered(lambda p: not p.move_ids and p.partner_id and p.id)
        if not on_account:
            return {}
        lines = self.env["account.move.line"].search_fetch(
            [
                ("company_id", "in", on_account.company_id.ids),
                ("partner_id.commercial_partner_id", "in", on_account.partner_id.ids),
                ("account_id.account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
                ("move_id.move_type", "=", "entry"),
                # real payments only (registered payments, bank and cash entries), as the
                # statement and the collections: an exchange difference booked by the
                # reconciliation (exchange journal) or a write-off is no payment
                "|",
                ("move_id.origin_payment_id", "!=", False),
                ("journal_id.type", "in", ("bank", "cash")),
                ("credit", ">", 0),
                ("date", ">=", min(on_account.mapped("date_recorded"))),
            ],
            ["company_id", "partner_id", "date", "credit"],
        )
        received = defaultdict(float)
        for promise in on_account:
            for line in lines:
                if (
                    line.company_id == promise.company_id
                    and line.partner_id.commercial_partner_id == promise.partner_id
                    and line.date >= promise.date_recorded
                ):
                    received[promise.id] += line.credit
        return received

    @api.constrains("date", "date_recorded")
    def _check_date(self):
        """A promise is of a payment to come (not before the day it is recorded) and puts
        reminders off by two years at most (art. 1343-5 Code civil: the longest delay a judge
        may grant a debtor)."""
        for promise in self:
            # a promise is of a payment to come: a date already past would break it at the
            # next check, with nothing promised (the portal refuses it too)
            if promise.date < promise.date_recorded:
                raise ValidationError(
                    self.env._(
                        "Promise of %(partner)s: the promised date %(date)s is before the day "
                        "the promise is recorded, %(recorded)s (field Promised Date).",
                        partner=promise.partner_id.display_name,
                        date=format_date(self.env, promise.date),
                        recorded=format_date(self.env, promise.date_recorded),
                    )
                )
            limit = promise.date_recorded + relativedelta(years=MAX_PROMISE_YEARS)
            if promise.date > limit:
                raise ValidationError(
                    self.env._(
                        "Promise of %(partner)s: the promised date %(date)s is more than two "
                        "years after the promise, after %(limit)s (field Promised Date).",
                        partner=promise.partner_id.display_name,
                        date=format_date(self.env, promise.date),
                        limit=format_date(self.env, limit),
                    )
                )

    @api.constrains("partner_id", "company_id", "move_ids", "amount")
    def _check_invoices(self):
        for promise in self:
            wrong = promise.move_ids.filtered(
                lambda m, p=promise: (
                    m.commercial_partner_id != p.partner_id.commercial_partner_id
                    or m.move_type != "out_invoice"
                    or m.state != "posted"
                )
            )
            if wrong:
                raise ValidationError(
                    self.env._(
                        "Promise of %(partner)s: invoice %(invoice)s is not a posted invoice of "
                        "this customer (field Invoices).",
                        partner=promise.partner_id.display_name,
                        invoice=wrong[0].display_name,
                    )
                )
            # a promise is made to one company: it covers none of another company's invoices
            foreign = promise.move_ids.filtered(lambda m, p=promise: m.company_id != p.company_id)
            if foreign:
                raise ValidationError(
                    self.env._(
                        "Promise of %(partner)s: invoice %(invoice)s was issued by %(company)s, "
                        "not by the company of the promise, %(promise_company)s (field "
                        "Invoices).",
                        partner=promise.partner_id.display_name,
                        invoice=foreign[0].display_name,
                        company=foreign[0].company_id.name,
                        promise_company=promise.company_id.name,
                    )
                )
        self.filtered(lambda p: p.state == "running")._check_amount_due()

    def _check_amount_due(self):
        """A promise covers at most what is owed: on invoices, their amount due; on the
        account, the customer's net open receivable in the promise's company (open items less
        open credits and unmatched payments, company currency).

        :raise ValidationError: naming the customer, the amounts (formatted) and the field
        """
        owed = self._get_open_receivables()
        for promise in self:
            if promise.move_ids:
                residual = sum(promise.move_ids.mapped("amount_residual_signed"))
                message = self.env._(
                    "Promise of %(partner)s: the promised amount %(amount)s exceeds the amount "
                    "due on its invoices, %(residual)s (field Promised Amount).",
                    partner=promise.partner_id.display_name,
                    amount=format_amount(self.env, promise.amount, promise.currency_id),
                    residual=format_amount(self.env, residual, promise.currency_id),
                )
            else:
                residual = owed.get((promise.company_id.id, promise.partner_id.id), 0.0)
                message = self.env._(
                    "Promise of %(partner)s on its account: the promised amount %(amount)s "
                    "exceeds what the customer owes %(company)s net of its open credits, "
                    "%(residual)s (field Promised Amount).",
                    partner=promise.partner_id.display_name,
                    amount=format_amount(self.env, promise.amount, promise.currency_id),
                    company=promise.company_id.name,
                    residual=format_amount(self.env, max(residual, 0.0), promise.currency_id),
                )
            if float_compare(promise.amount, residual, precision_digits=2) > 0:
                raise ValidationError(message)

    def _get_open_receivables(self):
        """``{(company id, commercial partner id): amount}``: the net open receivable of the
        customers of the promises of ``self`` on the account, in their companies (posted open
        receivable items less open credits and unmatched payments, company currency; a credit
        only of the items of its own currency, each currency never below 0: LEGAL.md, open
        credits). One query."""
        on_account = self.filtered(lambda p: not p.move_ids and p.partner_id)
        if not on_account:
            return {}
        # sudo: the collector's promise is checked against the whole account of the customer
        groups = (
            self.env["account.move.line"]
            .sudo()
            ._read_group(
                [
                    ("company_id", "in", on_account.company_id.ids),
                    ("partner_id.commercial_partner_id", "in", on_account.partner_id.ids),
                    ("account_id.account_type", "=", "asset_receivable"),
                    ("parent_state", "=", "posted"),
                    ("reconciled", "=", False),
                ],
                ["company_id", "partner_id", "currency_id"],
                ["amount_residual:sum"],
            )
        )
        by_currency = defaultdict(float)
        for company, partner, currency, amount in groups:
            by_currency[company.id, partner.commercial_partner_id.id, currency.id] += amount
        owed = defaultdict(float)
        for (company_id, partner_id, _currency_id), amount in by_currency.items():
            owed[company_id, partner_id] += max(amount, 0.0)
        return owed

    @api.model_create_multi
    def create(self, vals_list):
        customer = self.env["recouvrement.customer"]
        for vals in vals_list:
            self._check_amount_positive(
                vals, self.env["res.partner"].browse(vals.get("partner_id"))
            )
            partner = set_commercial_partner(self.env, vals)
            if partner:
                # two collectors recording a promise of the customer at once: the later one
                # fails with a serialization error, is retried and sees the first one
                customer._lock_customer(partner)
        promises = super().create(vals_list)
        # kept and broken are facts the daily check records (they count in the score)
        check_created_by_flow(promises, promises._get_flow_name(), CHECKED_STATES)
        # L622-7, L622-21: no payment promised on a claim born before an opening judgment
        self.env["recouvrement.proceedings"]._check_individual_action(promises.move_ids, "promise")
        for promise in promises:
            promise.amount_start = promise._get_invoices_residual()
        promises._supersede_overlapping()
        return promises

    def _supersede_overlapping(self):
        """Cancel the running promises that the new running promises of ``self`` overlap (an
        invoice in common, or either on the account: every invoice of the customer in its
        company), with a note naming the new one: the customer's latest word counts. Two
        running promises on one invoice would count the same payments (each "paid" by the
        fall of the amount due), and a payment made for one would keep both. One query."""
        running = self.filtered(lambda p: p.state == "running")
        if not running:
            return
        others = self.search(
            [
                ("state", "=", "running"),
                ("partner_id", "in", running.partner_id.ids),
                ("company_id", "in", running.company_id.ids),
                ("id", "not in", running.ids),
            ],
            order="id",
        )
        # within self, a later promise replaces an earlier one too
        candidates = others | running.sorted("id")
        replaced = {}
        for promise in running.sorted("id"):
            for old in candidates:
                if (
                    old.id >= promise.id
                    or old.id in replaced
                    or (old.partner_id, old.company_id) != (promise.partner_id, promise.company_id)
                    or (old.move_ids and promise.move_ids and not old.move_ids & promise.move_ids)
                ):
                    continue
                replaced[old.id] = promise
        if not replaced:
            return
        old_promises = self.browse(list(replaced))
        old_promises.write({"state": "cancelled", "closed_date": fields.Date.context_today(self)})
        for old in old_promises:
            # internal: in the company's language, on the promise (issue 19)
            note_env = company_env(self.env, old.company_id)
            # sudo: the collector may not write on the promise another one recorded
            old.sudo()._message_log(
                body=note_env._(
                    "Promise replaced by a later promise of the customer: %(promise)s.",
                    promise=replaced[old.id].with_env(note_env).display_name,
                )
            )

    # ------------------------------------------------------------------------------------------
    # CRUD: a closed promise is evidence (issue 19)
    # ------------------------------------------------------------------------------------------

    def write(self, vals):
        check_set_by_flow(self, vals, self._get_flow_name(), CHECKED_STATES)
        self._check_closed_write(vals)
        self._check_amount_positive(vals, self.partner_id[:1])
        return super().write(vals)

    def _get_flow_name(self):
        """What records a promise kept or broken, as a message says it."""
        return self.env._("the daily check of the promises")

    @api.model
    def _check_amount_positive(self, vals, partner):
        """Refuse a promised amount of 0 or less in ``vals`` (create or write values) of a
        promise of ``partner``, before the database's constraint would fail on it.

        :raise ValidationError: naming the customer, the amount and the field
        """
        check_sign(
            self,
            [vals],
            ("amount",),
            strict=True,
            message=lambda amount: self.env._(
                "Promise of %(partner)s: the promised amount %(amount)s must be positive (field "
                "Promised Amount).",
                partner=partner.display_name or "",
                amount=format_amount(self.env, amount, self.env.company.currency_id),
            ),
        )

    def _check_closed_write(self, vals):
        """Refuse to rewrite a kept, broken or cancelled promise: what the customer promised,
        when, and how it ended count in its score and are evidence (issue 19); its note stays
        writable.

        :raise UserError: naming the promise and the field
        """
        check_closed_write(
            self,
            vals,
            lambda promise: promise.state != "running",
            CLOSED_PROMISE_FIELDS,
            lambda promise, field: self.env._(
                "Promise %(promise)s is closed (%(state)s): its %(field)s cannot be changed.",
                promise=promise.display_name,
                state=state_label(promise),
                field=field,
            ),
        )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_closed(self):
        check_closed_unlink(
            self,
            lambda promise: promise.state != "running",
            lambda promise: self.env._(
                "Promise %(promise)s is closed (%(state)s): it cannot be deleted.",
                promise=promise.display_name,
                state=state_label(promise),
            ),
        )

    # ------------------------------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------------------------------

    def action_cancel(self):
        """Cancel running promises: their invoices are reminded again by the ladder."""
        if any(promise.state != "running" for promise in self):
            raise UserError(self.env._("Only a running promise can be cancelled."))
        self.write({"state": "cancelled", "closed_date": fields.Date.context_today(self)})

    def action_check(self):
        """Check now whether the running promises of ``self`` are kept or broken."""
        self.check_access("write")
        self._check_promises(fields.Date.context_today(self))

    # ------------------------------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------------------------------

    @api.model
    def _create_from_portal(self, partner, amount, date, invoices=None, channel="portal"):
        """Record a promise made by ``partner`` (res.partner; its commercial partner is used)
        to pay ``amount`` (float, company currency, > 0) on ``date`` (date), for ``invoices``
        (account.move, open invoices of the customer; empty: on the account).

        :return: the recouvrement.promise (running)
        :raise ValidationError: amount not positive, above the invoices' amount due, or an
            invoice of another customer
        """
        if not amount or amount <= 0:
            raise ValidationError(
                self.env._(
                    "Promise of %(partner)s: the promised amount must be positive.",
                    partner=partner.display_name,
                )
            )
        return self.create(
            {
                "partner_id": partner.commercial_partner_id.id,
                "company_id": (invoices[:1].company_id or self.env.company).id,
                "amount": amount,
                "date": date,
                "move_ids": [Command.set(invoices.ids if invoices else [])],
                "channel": channel,
            }
        )

    @api.model
    def _cron_check_promises(self, batch_size=1000):
        """Daily cron: mark the running promises kept (payments reached the promised amount)
        or broken (tolerance date passed), at most ``batch_size`` per call."""
        today = fields.Date.context_today(self)
        promises = self.search([("state", "=", "running")], order="date, id")
        batch = promises[:batch_size]
        batch._check_promises(today)
        self.env["ir.cron"]._notify_progress(done=len(batch), remaining=len(promises) - len(batch))

    def _check_promises(self, date):
        """Close the running promises of ``self`` on ``date``: kept when the amount paid
        reaches the promised amount, or on invoices paid in full in their currency (the
        customer owes nothing more: at a worse rate, or after a credit note); cancelled on
        invoices settled by credit notes alone; broken when ``date`` is after the tolerance
        date (an activity for the collector, a note on the customer).

        :return: ``(kept, broken)`` recouvrement.promise
        """
        kept, settled, broken = self._get_check_outcomes(date)
        # sudo: kept and broken are recorded by this check only (issue 19)
        if kept:
            kept.sudo().write({"state": "kept", "closed_date": date})
        if settled:
            settled.sudo().write({"state": "cancelled", "closed_date": date})
        if broken:
            broken.sudo().write({"state": "broken", "closed_date": date})
            broken._notify_broken()
        return kept, broken

    def _get_check_outcomes(self, date):
        """What :meth:`_check_promises` would record on ``date`` for the running promises of
        ``self``, written nowhere: ``(kept, settled, broken)`` recouvrement.promise (settled:
        on invoices settled by credit notes alone, cancelled by the check)."""
        running = self.filtered(lambda p: p.state == "running")
        # claims frozen by an opening judgment: the promise ends, neither kept nor broken
        running -= self.env["recouvrement.proceedings"]._end_frozen_agreements(running, date)
        # on invoices, nothing left to pay in their currency: the customer paid what it owed
        # (less credit notes); settled by credit notes alone, nothing was promised any more
        settled = running.filtered(
            lambda p: (
                p.move_ids and all(m.currency_id.is_zero(m.amount_residual) for m in p.move_ids)
            )
        )
        kept = running.filtered(
            lambda p: float_compare(p.amount_paid, p.amount, precision_digits=2) >= 0
        ) | settled.filtered(lambda p: p.currency_id.compare_amounts(p.amount_paid, 0) > 0)
        settled -= kept
        broken = (running - kept - settled).filtered(lambda p: p.tolerance_date < date)
        return kept, settled, broken

    def _notify_broken(self):
        """An activity for the collector of each broken promise of ``self`` and a note on the
        customer."""
        activity_type = self.env.ref("mail.mail_activity_data_call", raise_if_not_found=False)
        collectors = {}
        for company, promises in self.grouped("company_id").items():
            collectors[company] = self.env["recouvrement.dunning.policy"]._get_collectors(
                promises.partner_id, company
            )
        for promise in self:
            partner = promise.partner_id.with_company(promise.company_id)
            user = (
                collectors[promise.company_id].get(partner.id) or promise.user_id or self.env.user
            )
            # internal: in the company's language, whoever runs the check (issue 16)
            note_env = company_env(self.env, promise.company_id)
            message = note_env._(
                "Promise broken: %(amount)s promised for %(date)s, %(paid)s paid. Reminders "
                "resume at the level reached.",
                amount=format_amount(note_env, promise.amount, promise.currency_id),
                date=format_date(note_env, promise.date),
                paid=format_amount(note_env, promise.amount_paid, promise.currency_id),
            )
            # sudo: the cron runs for every collector
            promise.sudo().activity_schedule(
                activity_type_id=activity_type.id if activity_type else False,
                summary=note_env._("Broken promise of %(partner)s", partner=partner.name),
                note=message,
                user_id=user.id,
            )
            # on the promise, read by the company's collection users: not in the shared
            # customer's chatter, which other companies' users read (issue 19)
            promise.sudo()._message_log(body=message)

    @api.model
    def _get_score_keep_rates(self, partners, company, start):
        """Promise keep rate of each customer of ``partners`` in ``company``: ``{partner id:
        kept / (kept + broken)}`` over the promises closed since ``start`` (date); customers
        without a closed promise are left out. One query."""
        groups = self.sudo()._read_group(
            [
                ("partner_id", "in", partners.ids),
                ("company_id", "=", company.id),
                ("state", "in", ("kept", "broken")),
                ("closed_date", ">=", start),
            ],
            ["partner_id", "state"],
            ["__count"],
        )
        counts = defaultdict(lambda: [0, 0])
        for partner, state, count in groups:
            counts[partner.id][0 if state == "kept" else 1] += count
        return {pid: kept / (kept + broken) for pid, (kept, broken) in counts.items()}

    # ------------------------------------------------------------------------------------------
    # Dunning hook
    # ------------------------------------------------------------------------------------------

    @api.model
    def _get_running_promises(self, moves):
        """``{move id: recouvrement.promise}``: the running promise covering each customer
        invoice of ``moves`` (account.move), made on it or on the customer's account in its
        company (the earliest when both). One query."""
        invoices = moves.filtered(lambda m: m.move_type == "out_invoice" and m.id)
        if not invoices:
            return {}
        promises = self.search(
            [
                ("state", "=", "running"),
                ("partner_id", "in", invoices.commercial_partner_id.ids),
                ("company_id", "in", invoices.company_id.ids),
            ],
            order="date, id",
        )
        by_customer = defaultdict(list)
        for promise in promises:
            by_customer[promise.company_id.id, promise.partner_id.id].append(promise)
        result = {}
        for move in invoices:
            for promise in by_customer[move.company_id.id, move.commercial_partner_id.id]:
                if not promise.move_ids or move in promise.move_ids:
                    result[move.id] = promise
                    break
        return result

    @api.model
    def _dunning_excluded_amounts(self, moves, date):
        """Amounts of ``moves`` (account.move) the reminders of ``date`` must not claim because
        of a running promise: ``{move id: amount}`` (company currency, the whole amount due)
        for the invoices of a promise whose tolerance date is not passed, and every invoice of
        a customer who promised a payment on the account. One query."""
        return self._dunning_get_promise_effects(moves, date)[0]

    @api.model
    def _dunning_get_promise_effects(self, moves, date):
        """What the promises of the customers of ``moves`` (account.move) do to the reminders
        of ``date``, in one query: ``(excluded, resumed)``, the amounts held back by running
        promises (:meth:`_dunning_excluded_amounts`) and the ids of the invoices whose promise
        broke after their last reminder (the ladder resumes at the next rung for them).

        A promise still running past its tolerance date that the daily check will break (the
        dunning cron may run before it, :meth:`_get_check_outcomes`) counts as broken the day
        after its tolerance date: its invoices resume at the next rung all the same."""
        if not moves:
            return {}, set()
        promises = self.search(
            [
                ("partner_id", "in", moves.commercial_partner_id.ids),
                ("company_id", "in", moves.company_id.ids),
                "|",
                ("state", "=", "running"),
                "&",
                ("state", "=", "broken"),
                ("closed_date", ">=", fields.Date.subtract(date, days=BROKEN_LOOKBACK_DAYS)),
            ]
        )
        late = promises.filtered(lambda p: p.state == "running" and p.tolerance_date < date)
        breaking = late._get_check_outcomes(date)[2]
        promises -= late - breaking
        running = promises.filtered(lambda p: p.state == "running") - breaking
        broken_dates = {p.id: p.closed_date for p in promises - running - breaking}
        broken_dates.update({p.id: fields.Date.add(p.tolerance_date, days=1) for p in breaking})
        promised_moves = set(running.move_ids.ids)
        on_account = {(p.company_id.id, p.partner_id.id) for p in running if not p.move_ids}
        excluded = {
            move.id: move.amount_residual_signed
            for move in moves
            if move.id in promised_moves
            or (move.company_id.id, move.commercial_partner_id.id) in on_account
        }
        broken_on = {}
        for promise in promises - running:
            keys = promise.move_ids.ids or [(promise.company_id.id, promise.partner_id.id)]
            day = broken_dates[promise.id]
            for key in keys:
                broken_on[key] = max(day, broken_on.get(key, day))
        resumed = set()
        for move in moves:
            broken = broken_on.get(move.id) or broken_on.get(
                (move.company_id.id, move.commercial_partner_id.id)
            )
            if broken and (not move.dunning_last_date or move.dunning_last_date < broken):
                resumed.add(move.id)
        return excluded, resumed

    @api.model
    def _dunning_adjust_plan(self, plan, date):
        """Take out of the dunning ``plan`` (``recouvrement.dunning._get_plan``) what a running
        promise or an open dispute holds: invoices under a promise leave their item, disputed
        parts are deducted from the amount claimed, and each instalment's new level is chosen
        again on the amount left (a level's minimum applies to the undisputed part). Items
        left with nothing to claim are dropped. The invoices keep their level: once the
        promise is over or the dispute rejected, the ladder goes on from there; after a broken
        promise, at the next rung even when the pause let several fall due (none is skipped).

        :return: the adjusted plan (new dicts for the items changed)
        """
        if not plan:
            return plan
        all_moves = self.env["account.move"].union(*(item["moves"] for item in plan))
        promised, resumed = self._dunning_get_promise_effects(all_moves, date)
        excluded = defaultdict(float, promised)
        disputed = self.env["recouvrement.dispute"]._dunning_excluded_amounts(all_moves, date)
        for move_id, amount in disputed.items():
            excluded[move_id] += amount
        # the part of a penalty invoice the file of its invoice's litigation case claims: the
        # case claims it (issue 17: claimed by the file and by its own reminder)
        litigated = self.env["recouvrement.litigation"]._get_case_claimed_penalty_amounts(
            all_moves, date
        )
        for move_id, amount in litigated.items():
            excluded[move_id] += amount
        if not excluded and not resumed:
            return plan
        dunning = self.env["recouvrement.dunning"]
        touched = all_moves.filtered(lambda m: m.id in excluded or m.id in resumed)
        policies = dunning._get_policies(touched)
        result = []
        for item in plan:
            if not any(move in touched for move in item["moves"]):
                result.append(item)
                continue
            adjusted = self._dunning_adjust_item(
                item, excluded, resumed, policies, date, litigated=litigated
            )
            if adjusted:
                result.append(adjusted)
        return result

    @api.model
    def _dunning_adjust_item(self, item, excluded, resumed, policies, date, litigated=None):
        """One plan ``item`` without the ``excluded`` amounts (``{move id: amount}``, company
        currency), its ``resumed`` invoices (ids) capped to the rung after the level they
        reached, or None when nothing is left to claim (see :meth:`_dunning_adjust_plan`).
        ``litigated`` (``{move id: amount}``): of ``excluded``, what a litigation case claims,
        stated apart from the contested parts (``recouvrement.dunning._get_plan_item``).

        The ladder works per instalment: the amount held back on an invoice is spread over its
        instalments in proportion to their residuals, and each instalment that reached a new
        level gets it again (``recouvrement.dunning._get_line_next_level``), a level's minimum
        compared with what is left of the invoice's instalments in the run, as without a
        dispute; the item is then built again as the plan builds it
        (``recouvrement.dunning._get_plan_item``): what is held is taken from the net balance
        of its own currency, net of the shares of the open credits allocated to the
        instalments it still lists (an invoice under a promise keeps its share: LEGAL.md,
        open credits; a promise on a dollar invoice does not lower a euro claim), and each
        level's minimum is compared with that net balance."""
        dunning = self.env["recouvrement.dunning"]
        levels = self.env["recouvrement.dunning.level"]
        line_levels = dict(item["line_levels"])
        kept = self.env["account.move.line"]
        # the disputed parts of the instalments kept: the reminder lists the instalments and
        # says what of them it does not claim (recouvrement.dunning._prepare_claim_vals)
        held = {}
        litigated = litigated or {}
        held_by_cases = {}
        # what each instalment is worth on the day of the run (company currency)
        amounts = item.get("line_amounts") or {}
        for move in item["moves"]:
            lines = item["lines"].filtered(lambda line, move=move: line.move_id == move)
            amount = excluded.get(move.id, 0.0)
            residual = move.amount_residual_signed
            if move.company_currency_id.compare_amounts(residual - amount, 0) <= 0:
                for line in lines:
                    line_levels.pop(line.id, None)
                continue
            kept |= lines
            listed = sum(amounts.get(line.id, line.amount_residual) for line in lines)
            for line in lines:
                held[line.id] = amount * amounts.get(line.id, line.amount_residual) / residual
                if litigated.get(move.id):
                    held_by_cases[line.id] = (
                        litigated[move.id] * amounts.get(line.id, line.amount_residual) / residual
                    )
            policy = policies.get(move.id)
            if not policy or not (amount or move.id in resumed):
                continue
            ladder = policy._get_rule_levels()
            # a level's minimum applies to the invoice's undisputed amount due in the run, as
            # without a dispute (recouvrement.dunning._group_due_lines), not to each instalment
            undisputed = move.company_currency_id.round(listed - amount * listed / residual)
            for line in lines.filtered(lambda line: line.id in line_levels):
                rule_level = dunning._get_line_next_level(
                    line, ladder, date, amount=undisputed, one_step=move.id in resumed
                )
                if rule_level:
                    line_levels[line.id] = rule_level.key
                else:
                    line_levels.pop(line.id)
        records = {level.id: level for level in levels.browse(set(line_levels.values()))}
        company, partner = item["company"], item["partner"]
        adjusted = dunning._get_plan_item(
            (company, partner),
            kept,
            {
                line.id: records[line_levels[line.id]]._get_rule_level()
                for line in kept
                if line.id in line_levels
            },
            # the shares of the open credits allocated to each instalment: an invoice under
            # a promise keeps its own (it is still a debt, art. 1342-10 Code civil)
            item.get("shares", {}),
            amounts,
            date,
            records,
            held=held,
            litigated=held_by_cases,
        )
        return adjusted and dict(item, **adjusted)

    def _recouvrement_creation_note(self):
        # EXTENDS recouvrement_b2b (mail_thread.py): its own creation note, whose French agrees
        # with the model's noun (issue 16)
        return self.env._("Promise to pay created")
