from collections import defaultdict
from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, float_compare, format_amount

from ..tools.bounds import check_bounds, check_date_horizon, check_sign
from ..tools.evidence import (
    check_closed_unlink,
    check_closed_write,
    check_created_by_flow,
    check_set_by_flow,
    state_label,
)
from .res_company import MAX_COCKPIT_DAYS

#: what a resolved, rejected or escalated dispute says: never rewritten (issue 19)
CLOSED_DISPUTE_FIELDS = (
    "move_id",
    "reason",
    "amount",
    "date",
    "deadline",
    "state",
    "credit_note_id",
    "litigation_id",
    "closed_date",
)

DISPUTE_REASONS = [
    ("price", "Price"),
    ("quantity", "Quantity"),
    ("quality", "Quality"),
    ("delivery", "Delivery"),
    ("duplicate", "Duplicate invoice"),
    ("missing_po", "Missing order reference"),
    ("other", "Other"),
]

#: reason of the litigation case opened when a dispute is escalated
LITIGATION_REASONS = {
    "price": "price",
    "quantity": "quantity",
    "quality": "quality",
    "duplicate": "paperwork",
    "missing_po": "paperwork",
}


#: states a dispute reaches through its buttons only, never written by hand (issue 19)
CLOSED_STATES = ("resolved", "rejected", "escalated")


class RecouvrementDispute(models.Model):
    """A commercial dispute on (part of) an invoice, before any litigation case.

    While it is open, reminders claim the invoice's amount due minus the disputed amount (the
    level's minimum applies to what is left; ``recouvrement.promise._dunning_adjust_plan``).
    Resolved by a credit note (posted, of the customer): nothing is held back any more, the
    credit note lowers the balance claimed as it reconciles; rejected: reminders claim the
    whole amount again; escalated: a litigation case (type dispute) is opened with the invoice,
    which leaves the ladder.

    Creation from other features (portal, call log)::

        env["recouvrement.dispute"].create({
            "move_id": invoice.id,       # required, a posted customer invoice with an amount due
            "reason": "price",           # see DISPUTE_REASONS
            "amount": 300.0,             # optional, default: the whole amount due; <= amount due
            "description": "...",
        })

    or :meth:`_create_from_portal`.
    """

    _name = "recouvrement.dispute"
    _description = "Commercial Dispute"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "deadline, id desc"
    _check_company_auto = True

    move_id = fields.Many2one(
        "account.move",
        string="Invoice",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        domain="[('move_type', '=', 'out_invoice'), ('state', '=', 'posted'),"
        " ('payment_state', 'in', ('not_paid', 'partial'))]",
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        related="move_id.commercial_partner_id",
        store=True,
        index=True,
    )
    company_id = fields.Many2one(related="move_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="move_id.currency_id")
    reason = fields.Selection(DISPUTE_REASONS, required=True, default="other", tracking=True)
    description = fields.Text()
    amount = fields.Monetary(
        string="Disputed Amount",
        compute="_compute_amount",
        store=True,
        readonly=False,
        tracking=True,
        currency_field="currency_id",
        help="Part of the invoice's amount due that the customer contests (the whole amount "
        "due by default). Reminders claim the rest.",
    )
    amount_residual = fields.Monetary(
        string="Invoice Amount Due", related="move_id.amount_residual"
    )
    company_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Company Currency"
    )
    amount_company = fields.Monetary(
        string="Disputed Amount (Company Currency)",
        compute="_compute_amount_company",
        store=True,
        currency_field="company_currency_id",
        help="The disputed amount converted at the invoice's rate: what the statistics, the "
        "aged balance and the reminders add up across currencies.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Assignee",
        compute="_compute_user_id",
        store=True,
        readonly=False,
        tracking=True,
        domain="[('share', '=', False)]",
        help="Who settles the dispute: the invoice's salesperson by default.",
    )
    date = fields.Date(string="Opened On", required=True, default=fields.Date.context_today)
    deadline = fields.Date(
        string="Resolution Deadline",
        compute="_compute_deadline",
        store=True,
        readonly=False,
        tracking=True,
        help="The opening day plus the company's dispute resolution days by default.",
    )
    state = fields.Selection(
        [
            ("open", "Open"),
            ("resolved", "Resolved by credit note"),
            ("rejected", "Rejected"),
            ("escalated", "Escalated"),
        ],
        default="open",
        required=True,
        tracking=True,
        index=True,
        copy=False,
    )
    credit_note_id = fields.Many2one(
        "account.move",
        check_company=True,
        copy=False,
        domain="[('move_type', '=', 'out_refund'), ('commercial_partner_id', '=', partner_id)]",
    )
    litigation_id = fields.Many2one(
        "recouvrement.litigation", string="Litigation Case", copy=False, readonly=True
    )
    closed_date = fields.Date(readonly=True, copy=False)
    days_to_deadline = fields.Integer(compute="_compute_days_to_deadline")

    _sql_constraints = [
        ("amount_positive", "CHECK(amount > 0)", "The disputed amount must be positive."),
    ]

    @api.depends("move_id", "reason")
    def _compute_display_name(self):
        reasons = dict(self._fields["reason"]._description_selection(self.env))
        for dispute in self:
            dispute.display_name = " - ".join(
                part for part in (dispute.move_id.name, reasons.get(dispute.reason)) if part
            )

    @api.depends("move_id")
    def _compute_amount(self):
        """By default, what the invoice's other open disputes leave undisputed of its amount
        due (together they contest no more than it, :meth:`_check_amount`)."""
        undisputed = self._get_undisputed_amounts()
        for dispute in self:
            left = undisputed.get(dispute.move_id.id, 0.0)
            if not dispute.amount or dispute.amount > left:
                dispute.amount = left

    def _get_undisputed_amounts(self):
        """``{invoice id: amount}``: the amount due of the invoices of ``self`` (invoice
        currency) less what their open disputes other than ``self`` contest. The ids come
        from one query with no flush, which would store the disputes being created with the
        amount being computed; their state and amount from the ORM (changes not yet stored
        included)."""
        moves = self.move_id
        left = {move.id: move.amount_residual for move in moves}
        ids = tuple(move_id for move_id in moves.ids if isinstance(move_id, int))
        if not ids:
            return left
        self.env.cr.execute(SQL("SELECT id FROM recouvrement_dispute WHERE move_id IN %s", ids))
        mine = {*self.ids, *self._origin.ids}
        # sudo: every open dispute of the invoice counts, whoever may read it
        others = (
            self.sudo()
            .browse(row[0] for row in self.env.cr.fetchall())
            .filtered(lambda d: d.id not in mine and d.state == "open")
        )
        for other in others:
            if other.move_id.id in left:
                left[other.move_id.id] -= other.amount
        return {move_id: max(amount, 0.0) for move_id, amount in left.items()}

    @api.depends("amount", "move_id.amount_total", "move_id.amount_total_signed")
    def _compute_amount_company(self):
        for dispute in self:
            move = dispute.move_id
            rate = move.amount_total_signed / move.amount_total if move.amount_total else 1.0
            currency = dispute.company_currency_id or self.env.company.currency_id
            dispute.amount_company = currency.round(dispute.amount * rate)

    @api.depends("move_id")
    def _compute_user_id(self):
        # the invoice's salesperson, else the user who opens it; a system user (OdooBot of the
        # crons and the demo install, inactive) or a portal user is nobody to work on it: the
        # customer's collector (issue 16)
        for dispute in self:
            dispute.user_id = next(
                (
                    user
                    for user in (dispute.move_id.invoice_user_id, dispute.user_id, self.env.user)
                    if user and user.active and not user.share
                ),
                None,
            ) or self.env["recouvrement.customer"]._get_collector(
                dispute.company_id or self.env.company, dispute.partner_id
            )

    @api.depends("date", "company_id")
    def _compute_deadline(self):
        for dispute in self:
            company = dispute.company_id or self.env.company
            try:
                dispute.deadline = dispute.date and fields.Date.add(
                    dispute.date, days=company.recouvrement_dispute_days
                )
            except OverflowError:
                # a day past the calendar's end, refused by _check_date with its message: no
                # deadline meanwhile (the amount check flushes before the date check runs)
                dispute.deadline = False

    @api.depends("deadline")
    def _compute_days_to_deadline(self):
        today = fields.Date.context_today(self)
        for dispute in self:
            dispute.days_to_deadline = (dispute.deadline - today).days if dispute.deadline else 0

    @api.constrains("date", "deadline")
    def _check_date(self):
        # the day the dispute was opened: one to come overflowed its deadline (issue 19); the
        # deadline within the longest resolution time a company may set, a year
        check_date_horizon(self, ["date"])
        for dispute in self.filtered(lambda d: d.date and d.deadline):
            check_bounds(
                dispute,
                "deadline",
                dispute.date,
                dispute.date + timedelta(days=MAX_COCKPIT_DAYS),
            )

    @api.constrains("move_id", "amount", "state")
    def _check_amount(self):
        """An open dispute contests a positive part of a posted customer invoice, and the open
        disputes of an invoice together no more than its amount due (two disputes of 600 on
        an invoice of 1 000 would hold back 1 200).

        :raise ValidationError: naming the dispute or invoice, the amounts and the field
        """
        opened = self.filtered(lambda d: d.state == "open")
        for dispute in opened:
            # an invoice already paid leaves nothing to dispute (the amount due by default);
            # checked before any search, which would store the amount first
            self._check_amount_positive({"amount": dispute.amount}, dispute.move_id)
        # sudo: every open dispute of the invoice counts, whoever may read it
        totals = defaultdict(float)
        for other in self.sudo().search(
            [("state", "=", "open"), ("move_id", "in", opened.move_id.ids)]
        ):
            totals[other.move_id.id] += other.amount
        for dispute in opened:
            move = dispute.move_id
            if move.move_type != "out_invoice" or move.state != "posted":
                raise ValidationError(
                    self.env._(
                        "Dispute %(dispute)s: %(invoice)s is not a posted customer invoice "
                        "(field Invoice).",
                        dispute=dispute.display_name,
                        invoice=move.display_name,
                    )
                )
            if float_compare(dispute.amount, move.amount_residual, precision_digits=2) > 0:
                raise ValidationError(
                    self.env._(
                        "Dispute %(dispute)s: the disputed amount %(amount)s exceeds the amount "
                        "due on the invoice, %(residual)s (field Disputed Amount).",
                        dispute=dispute.display_name,
                        amount=format_amount(self.env, dispute.amount, dispute.currency_id),
                        residual=format_amount(self.env, move.amount_residual, move.currency_id),
                    )
                )
            total = totals[move.id]
            if float_compare(total, move.amount_residual, precision_digits=2) > 0:
                raise ValidationError(
                    self.env._(
                        "Dispute %(dispute)s: the open disputes of invoice %(invoice)s contest "
                        "%(total)s in all, more than its amount due, %(residual)s (field "
                        "Disputed Amount).",
                        dispute=dispute.display_name,
                        invoice=move.display_name,
                        total=format_amount(self.env, total, move.currency_id),
                        residual=format_amount(self.env, move.amount_residual, move.currency_id),
                    )
                )

    # ------------------------------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------------------------------

    # ------------------------------------------------------------------------------------------
    # CRUD: a closed dispute is evidence (issue 19)
    # ------------------------------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        customer = self.env["recouvrement.customer"]
        for vals in vals_list:
            move = self.env["account.move"].browse(vals.get("move_id"))
            self._check_amount_positive(vals, move)
            if move:
                # two users recording disputes of the customer at once: the later one fails
                # with a serialization error, is retried and sees the first one (_check_amount)
                customer._lock_customer(move.commercial_partner_id)
        disputes = super().create(vals_list)
        check_created_by_flow(disputes, disputes._get_flow_name(), CLOSED_STATES)
        # a disputed invoice's next reminder (none while all of it is disputed)
        self.env["recouvrement.dunning"]._recompute_next_dates(disputes.move_id)
        return disputes

    def write(self, vals):
        # closed by its buttons, after their checks (a credit note, a case): issue 19
        check_set_by_flow(self, vals, self._get_flow_name(), CLOSED_STATES)
        self._check_closed_write(vals)
        self._check_amount_positive(vals, self.move_id[:1])
        if {"amount", "move_id", "state"} & set(vals):
            for partner in self.move_id.commercial_partner_id:
                self.env["recouvrement.customer"]._lock_customer(partner)
        moves = self.move_id
        res = super().write(vals)
        if {"amount", "move_id", "state"} & set(vals):
            self.env["recouvrement.dunning"]._recompute_next_dates(moves | self.move_id)
        return res

    def _get_flow_name(self):
        """What closes a dispute, as a message says it."""
        return self.env._("the Resolve, Reject and Escalate to Litigation buttons")

    @api.model
    def _check_amount_positive(self, vals, move):
        """Refuse a disputed amount of 0 or less in ``vals`` (create or write values, or the
        amount a dispute computed) of a dispute of the invoice ``move``, before the
        database's constraint would fail on it.

        :raise ValidationError: naming the invoice, the amount and the field
        """
        check_sign(
            self,
            [vals],
            ("amount",),
            strict=True,
            message=lambda amount: self.env._(
                "Dispute of invoice %(invoice)s: the disputed amount %(amount)s must be positive "
                "(field Disputed Amount).",
                invoice=move.display_name or "",
                amount=format_amount(
                    self.env, amount, move.currency_id or self.env.company.currency_id
                ),
            ),
        )

    def _check_closed_write(self, vals):
        """Refuse to rewrite a resolved, rejected or escalated dispute: what was contested and
        how it ended are evidence (issue 19); its description and assignee stay writable.

        :raise UserError: naming the dispute and the field
        """
        check_closed_write(
            self,
            vals,
            lambda dispute: dispute.state != "open",
            CLOSED_DISPUTE_FIELDS,
            lambda dispute, field: self.env._(
                "Dispute %(dispute)s is closed (%(state)s): its %(field)s cannot be changed.",
                dispute=dispute.display_name,
                state=state_label(dispute),
                field=field,
            ),
        )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_closed(self):
        check_closed_unlink(
            self,
            lambda dispute: dispute.state != "open",
            lambda dispute: self.env._(
                "Dispute %(dispute)s is closed (%(state)s): it cannot be deleted.",
                dispute=dispute.display_name,
                state=state_label(dispute),
            ),
        )

    def _check_open(self):
        # the buttons write as superuser: the user must have the right to write
        self.check_access("write")
        for dispute in self:
            if dispute.state != "open":
                raise UserError(
                    self.env._(
                        "Dispute %(dispute)s is not open any more.", dispute=dispute.display_name
                    )
                )

    def action_resolve(self):
        """Resolve the disputes of ``self`` by their credit note: reminders claim the balance
        net of it. The credit note must be posted, of the dispute's customer, reverse the
        dispute's invoice or be reconciled with it, and what it credits that other resolved
        disputes do not already use must cover the disputed amount (one credit note of 50
        resolves no dispute of 300, nor two of 30 on 50).

        :raise UserError: naming the dispute, the credit note and the amounts
        """
        self._check_open()
        # two users resolving disputes with the same credit note at once: the later one fails
        # with a serialization error, is retried and sees the first one resolved
        for partner in self.partner_id:
            self.env["recouvrement.customer"]._lock_customer(partner)
        available = self._get_credit_note_available()
        for dispute in self:
            note = dispute.credit_note_id
            if (
                not note
                or note.state != "posted"
                or note.move_type != "out_refund"
                # another customer's credit note settles nothing of this one's invoice
                or note.commercial_partner_id != dispute.partner_id
            ):
                raise UserError(
                    self.env._(
                        "Dispute %(dispute)s: choose a posted credit note of the customer "
                        "first (field Credit Note).",
                        dispute=dispute.display_name,
                    )
                )
            dispute._check_credit_note_covers(available)
        # sudo: a state set by this button only (issue 19)
        self.sudo().write({"state": "resolved", "closed_date": fields.Date.context_today(self)})

    def _get_credit_note_available(self):
        """``{credit note id: amount}``: what the credit notes of ``self`` credit (their
        currency) less the disputes already resolved by them. One query."""
        notes = self.credit_note_id
        available = {note.id: note.amount_total for note in notes}
        # sudo: every dispute resolved by the credit note counts, whoever may read it
        used = self.sudo().search([("state", "=", "resolved"), ("credit_note_id", "in", notes.ids)])
        for dispute in used:
            available[dispute.credit_note_id.id] -= dispute._get_amount_in(dispute.credit_note_id)
        return available

    def _get_amount_in(self, note):
        """The disputed amount of ``self`` in the currency of the credit note ``note``: as it
        is if they share it, else its company amount at the credit note's rate."""
        self.ensure_one()
        if note.currency_id == self.currency_id:
            return self.amount
        rate = note.amount_total / abs(note.amount_total_signed) if note.amount_total_signed else 1
        return note.currency_id.round(self.amount_company * rate)

    def _check_credit_note_covers(self, available):
        """Refuse to resolve ``self`` by its credit note unless the note reverses the
        dispute's invoice or is reconciled with it, and ``available`` (see
        :meth:`_get_credit_note_available`, updated here) covers the disputed amount.

        :raise UserError: naming the dispute, the credit note, the invoice or the amounts
        """
        self.ensure_one()
        note, move = self.credit_note_id, self.move_id
        if note.reversed_entry_id != move and move not in note._get_reconciled_invoices():
            raise UserError(
                self.env._(
                    "Dispute %(dispute)s: credit note %(note)s neither reverses invoice "
                    "%(invoice)s nor is reconciled with it (field Credit Note).",
                    dispute=self.display_name,
                    note=note.display_name,
                    invoice=move.display_name,
                )
            )
        needed = self._get_amount_in(note)
        left = available[note.id]
        if note.currency_id.compare_amounts(needed, left) > 0:
            raise UserError(
                self.env._(
                    "Dispute %(dispute)s: credit note %(note)s of %(total)s has %(left)s left "
                    "once the disputes it already resolves are deducted, less than the "
                    "disputed amount, %(amount)s (field Credit Note).",
                    dispute=self.display_name,
                    note=note.display_name,
                    total=format_amount(self.env, note.amount_total, note.currency_id),
                    left=format_amount(self.env, max(left, 0.0), note.currency_id),
                    amount=format_amount(self.env, needed, note.currency_id),
                )
            )
        available[note.id] = left - needed

    def action_create_credit_note(self):
        """Open the credit note wizard of the invoice (the standard reversal)."""
        self.ensure_one()
        self._check_open()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_view_account_move_reversal"
        )
        action["context"] = {
            "active_model": "account.move",
            "active_ids": self.move_id.ids,
            "default_reason": self.display_name,
        }
        return action

    def action_reject(self):
        """Reject the disputes of ``self``: reminders claim the whole amount due again."""
        self._check_open()
        # sudo: a state set by this button only (issue 19)
        self.sudo().write({"state": "rejected", "closed_date": fields.Date.context_today(self)})

    def action_escalate(self):
        """Escalate the disputes of ``self`` to a litigation case (type dispute) with their
        invoice. A dispute of an invoice already in an open case (another dispute of it
        escalated before, or together) joins that case, which contests its amount too: an
        invoice is in one open case at a time.

        :return: the action opening the case (one dispute) or True
        """
        self._check_open()
        for dispute in self:
            case = dispute.move_id.litigation_id
            if case and not case.is_closed:
                case.disputed_amount += dispute.amount_company
                dispute.litigation_id = case
                continue
            dispute.litigation_id = self.env["recouvrement.litigation"].create(
                {
                    "partner_id": dispute.partner_id.id,
                    "company_id": dispute.company_id.id,
                    "move_ids": [Command.set(dispute.move_id.ids)],
                    "litigation_type": "dispute",
                    "dispute_reason": LITIGATION_REASONS.get(dispute.reason, "other"),
                    # the case is kept in the company currency
                    "disputed_amount": dispute.amount_company,
                    "reason": dispute.description,
                }
            )
        # sudo: a state set by this button only (issue 19)
        self.sudo().write({"state": "escalated", "closed_date": fields.Date.context_today(self)})
        if len(self) == 1:
            return {
                "type": "ir.actions.act_window",
                "res_model": "recouvrement.litigation",
                "res_id": self.litigation_id.id,
                "view_mode": "form",
            }
        return True

    # ------------------------------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------------------------------

    @api.model
    def _create_from_portal(self, invoice, reason, amount=None, description=None):
        """Record a dispute of ``invoice`` (account.move, a posted customer invoice with an
        amount due) for ``reason`` (a key of ``DISPUTE_REASONS``) on ``amount`` (float, invoice
        currency; default: the whole amount due).

        :return: the recouvrement.dispute (open)
        :raise ValidationError: amount not positive or above the amount due, or not an invoice
        """
        if reason not in dict(DISPUTE_REASONS):
            reason = "other"
        vals = {"move_id": invoice.id, "reason": reason, "description": description}
        if amount is not None:
            vals["amount"] = amount
        return self.create(vals)

    @api.model
    def _dunning_excluded_amounts(self, moves, date):
        """Amounts of ``moves`` (account.move) the reminders of ``date`` must not claim because
        the customer contests them: ``{move id: amount}`` in the company currency, together no
        more than the invoice's amount due. What reminders, the one allocation of the open
        credits (``recouvrement.dunning._allocate_open_credits``: the debtor has no interest in
        paying a contested amount, art. 1342-10 Code civil) and the collection page hold back:

        - the amounts of the invoice's open disputes;
        - the part of it an open litigation case contests (:meth:`_get_case_contested_amounts`:
          a dispute escalated to a case is contested all the same, issue 17: the case took the
          credit for it).

        Two queries at most, whatever the number of invoices."""
        if not moves:
            return {}
        disputes = self.search([("state", "=", "open"), ("move_id", "in", moves.ids)])
        amounts = defaultdict(float)
        for dispute in disputes:
            amounts[dispute.move_id.id] += dispute.amount_company
        for move_id, amount in self._get_case_contested_amounts(moves).items():
            amounts[move_id] += amount
        residuals = {move.id: move.amount_residual_signed for move in moves}
        return {
            move_id: min(amount, residuals[move_id])
            for move_id, amount in amounts.items()
            if move_id in residuals
        }

    @api.model
    def _get_case_contested_amounts(self, moves):
        """``{move id: amount}`` (company currency): the part of each invoice of ``moves``
        (account.move) its litigation case says the customer does not owe now:

        - an open case: what it contests, its ``disputed_amount``;
        - a case closed as "Dispute lost (customer upheld)", whose invoices stay in it until
          a credit note settles them (``recouvrement.litigation._release_moves``): the part
          the customer won, its ``disputed_amount`` (none: its invoices whole), less the
          credit notes reversing the invoice (``reversed_entry_id``) issued since the close;
          the credit note then settles it (issue 17: the lost part was a debt the open
          credits paid, and the page asked it).

        A case's amount is spread over its invoices still in it in proportion to the amounts
        of the disputes escalated to it (each contests its own invoice), else to the
        invoices' amounts due (an open case) or totals (a lost one). Two queries at most, none
        without such a case."""
        # sudo: what the case contests counts for every document, whoever may read the case
        cases = moves.sudo().litigation_id.filtered(
            lambda case: (
                case.outcome == "dispute_lost"
                or (
                    not case.is_closed
                    and case.currency_id.compare_amounts(case.disputed_amount, 0.0) > 0
                )
            )
        )
        if not cases:
            return {}
        escalated = defaultdict(float)
        for dispute in self.sudo().search(
            [("state", "=", "escalated"), ("litigation_id", "in", cases.ids)]
        ):
            escalated[dispute.litigation_id.id, dispute.move_id.id] += dispute.amount_company
        lost = cases.filtered(lambda case: case.outcome == "dispute_lost")
        issued = defaultdict(float)  # invoice id: the credit notes reversing it since the close
        settled = defaultdict(float)  # the part of those not matched with the invoice yet
        if lost:
            closes = {move.id: case.close_date for case in lost for move in case.move_ids}
            notes = (
                self.env["account.move"]
                .sudo()
                .search(
                    [
                        ("move_type", "=", "out_refund"),
                        ("state", "=", "posted"),
                        ("reversed_entry_id", "in", list(closes)),
                    ]
                )
            )
            for note in notes:
                invoice = note.reversed_entry_id
                if note.invoice_date and note.invoice_date >= closes[invoice.id]:
                    issued[invoice.id] -= note.amount_total_signed
                    settled[invoice.id] -= note.amount_residual_signed
        move_ids = set(moves.ids)
        contested = {}
        for case in cases:
            invoices = case.move_ids.filtered(
                lambda move, case=case: (
                    move.litigation_id == case and move.amount_residual_signed > 0
                )
            )
            is_lost = case in lost
            if is_lost and case.currency_id.is_zero(case.disputed_amount):
                # lost whole: what is left of the invoices, less the credit notes not matched
                # with them yet (they will settle it)
                for move in invoices.filtered(lambda move: move.id in move_ids):
                    contested[move.id] = max(move.amount_residual_signed - settled[move.id], 0.0)
                continue
            weights = {move.id: escalated[case.id, move.id] for move in invoices}
            if not any(weights.values()):
                weights = {
                    move.id: move.amount_total_signed if is_lost else move.amount_residual_signed
                    for move in invoices
                }
            total = sum(weights.values())
            for move_id, weight in weights.items():
                if weight and move_id in move_ids:
                    part = case.disputed_amount * weight / total
                    if is_lost:
                        part = max(part - issued[move_id], 0.0)
                    contested[move_id] = part
        return contested

    def _recouvrement_creation_note(self):
        # EXTENDS recouvrement_b2b (mail_thread.py): its own creation note, whose French agrees
        # with the model's noun (issue 16)
        return self.env._("Commercial dispute created")
