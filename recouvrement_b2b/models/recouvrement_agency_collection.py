from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_date
from odoo.tools.misc import formatLang

from ..tools.accounts import find_chart_account
from ..tools.lang import company_env

# Commission of the collection agency or lawyer: 622600 "Honoraires" of the French chart
# (template xml id, l10n_fr_account/data/template/account.account-fr.csv); other charts: the
# first account of that class by code.
FEE_ACCOUNT_TEMPLATE = "pcg_6226"
FEE_ACCOUNT_PREFIXES = ("6226", "622")
# what rebooks a recorded collection
BOOKED_FIELDS = {"amount", "fee_rate", "move_id", "date", "fee_account_id", "litigation_id"}


class RecouvrementAgencyCollection(models.Model):
    """A payment collected by the collection agency (or lawyer) a litigation case was handed
    over to, with the commission it keeps at the agreed fee rate.

    Recording it posts its entry (``payment_move_id``): the customer's invoices are paid by
    the amount collected (reconciled: what is due drops everywhere), the agency owes us the
    net amount (its receivable account) and its commission is an expense (622600 Honoraires).
    """

    _name = "recouvrement.agency.collection"
    _description = "Payment Collected by an Agency"
    _order = "date desc, id desc"
    _check_company_auto = True

    litigation_id = fields.Many2one(
        "recouvrement.litigation", string="Case", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="litigation_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="litigation_id.currency_id")
    agency_id = fields.Many2one(related="litigation_id.agency_id")
    date = fields.Date(required=True, default=fields.Date.context_today)
    move_id = fields.Many2one(
        "account.move",
        string="Invoice",
        check_company=True,
        domain="[('id', 'in', parent.move_ids)]",
    )
    amount = fields.Monetary(string="Amount Collected", required=True)
    fee_rate = fields.Float(
        string="Fee Rate (%)",
        digits=(16, 2),
        compute="_compute_fee_rate",
        store=True,
        readonly=False,
        help="Commission of the agency, in percent of the amount collected (the case's agreed "
        "rate by default).",
        aggregator=None,
    )
    commission_amount = fields.Monetary(
        string="Commission", compute="_compute_commission", store=True
    )
    net_amount = fields.Monetary(
        compute="_compute_commission", store=True, help="Amount due to us."
    )
    note = fields.Char()
    fee_account_id = fields.Many2one(
        "account.account",
        string="Commission Account",
        compute="_compute_fee_account_id",
        store=True,
        readonly=False,
        check_company=True,
        domain="[('account_type', 'in', ('expense', 'expense_other'))]",
        help="Expense account of the agency's commission (622600 Honoraires by default).",
    )
    payment_move_id = fields.Many2one(
        "account.move", string="Entry", readonly=True, copy=False, check_company=True
    )

    @api.model_create_multi
    def create(self, vals_list):
        collections = super().create(vals_list)
        collections._check_case_open()
        collections._book()
        return collections

    def write(self, vals):
        if BOOKED_FIELDS & set(vals):
            self._check_case_open()
        rebook = self.filtered("payment_move_id") if BOOKED_FIELDS & set(vals) else self.browse()
        rebook._unbook()
        res = super().write(vals)
        if "litigation_id" in vals:
            self._check_case_open()
        rebook._book()
        return res

    def unlink(self):
        self._check_case_open()
        self._unbook()
        return super().unlink()

    def _check_case_open(self):
        """Refuse to record, change or delete a payment collected by the agency of a closed
        case: the case's outcome (a write-off, what was recovered) is a decision on record
        that rests on it, and unbooking it would reopen invoices the closing settled; reopen
        the case first (as for the case's own fields, issue 19).

        :raise UserError: naming the case and its outcome
        """
        for collection in self.filtered(lambda c: c.litigation_id.is_closed):
            case = collection.litigation_id
            raise UserError(
                self.env._(
                    "Case %(case)s is closed (%(outcome)s): the payments collected by its "
                    "agency cannot be recorded, changed or deleted; reopen it first.",
                    case=case.name,
                    outcome=dict(case._fields["outcome"]._description_selection(self.env)).get(
                        case.outcome, "-"
                    ),
                )
            )

    @api.depends("company_id")
    def _compute_fee_account_id(self):
        for collection in self:
            if not collection.fee_account_id and collection.company_id:
                collection.fee_account_id = self._get_fee_account(collection.company_id)

    @api.model
    def _get_fee_account(self, company):
        """Expense account of an agency's commission in ``company`` (622600 Honoraires, else
        the first account of class 6226 or 622 by code); empty when none."""
        return find_chart_account(self.env, company, [FEE_ACCOUNT_TEMPLATE], FEE_ACCOUNT_PREFIXES)

    def _book(self):
        """Post the entry of each collection and reconcile it with the case's invoices: the
        amount collected pays the chosen invoice (or the case's invoices, oldest due first),
        the agency's receivable account is debited with the net amount and the commission
        account with the commission. The case is locked first (two collections at once).

        :raise ValidationError: the amount exceeds what is still due (naming the case, the
            invoice and the field, amounts formatted)
        :raise UserError: no commission account
        """
        for collection in self:
            case = collection.litigation_id
            case._lock_cases()
            receivables = collection._get_open_receivables()
            # L622-7: no payment of a pre-judgment claim from the judgment on
            self.env["recouvrement.proceedings"]._check_agency_collection(
                collection, collection._get_paid_receivables(receivables).move_id
            )
            due = sum(collection._get_due_at_date(line)[0] for line in receivables)
            if collection.currency_id.compare_amounts(collection.amount, due) > 0:
                raise ValidationError(
                    self.env._(
                        "Case %(case)s: %(field)s of %(amount)s exceeds what is still due on "
                        "%(what)s (%(due)s); the agency cannot collect more than is owed.",
                        case=case.name,
                        field=self._fields["amount"]._description_string(self.env),
                        amount=case._format_amount(collection.amount),
                        what=collection.move_id.display_name or case.name,
                        due=case._format_amount(due),
                    )
                )
            if not collection.currency_id.is_zero(collection.commission_amount) and not (
                collection.fee_account_id
            ):
                raise UserError(
                    self.env._(
                        "Case %(case)s: choose the %(field)s of the agency's commission.",
                        case=case.name,
                        field=self._fields["fee_account_id"]._description_string(self.env),
                    )
                )
            entry = self.env["account.move"].create(collection._prepare_move_vals(receivables))
            entry.action_post()
            for line in receivables:
                counterpart = entry.line_ids.filtered(
                    lambda cp, line=line: (
                        cp.account_id == line.account_id
                        and cp.partner_id == line.partner_id
                        and cp.balance < 0
                        and not cp.reconciled
                    )
                )[:1]
                if counterpart:
                    (line + counterpart).reconcile()
            collection.payment_move_id = entry

    def _get_open_receivables(self):
        """Open receivable lines the collection pays: its invoice's, else the case's, oldest
        due first."""
        self.ensure_one()
        moves = self.move_id or self.litigation_id.move_ids
        return moves.line_ids.filtered(
            lambda line: (
                line.account_type == "asset_receivable"
                and not line.reconciled
                and line.amount_residual > 0
            )
        ).sorted(lambda line: (line.date_maturity or line.date, line.id))

    def _get_paid_receivables(self, receivables):
        """The lines of ``receivables`` (see :meth:`_get_open_receivables`, in order) that the
        amount collected pays, wholly or in part (as :meth:`_prepare_move_vals` shares it)."""
        self.ensure_one()
        currency = self.company_id.currency_id
        left = self.amount
        paid = receivables.browse()
        for line in receivables:
            if currency.compare_amounts(left, 0) <= 0:
                break
            paid |= line
            left = currency.round(left - self._get_due_at_date(line)[0])
        return paid

    def _get_due_at_date(self, line):
        """What receivable ``line`` still claims on the collection's date: ``(company
        currency, line currency)``; an invoice in a foreign currency is owed in that currency,
        its value in company currency at the date's rate (the reconciliation books the
        exchange difference)."""
        self.ensure_one()
        if line.currency_id == line.company_currency_id:
            return line.amount_residual, line.amount_residual
        due = line.currency_id._convert(
            line.amount_residual_currency, line.company_currency_id, self.company_id, self.date
        )
        return due, line.amount_residual_currency

    def _prepare_move_vals(self, receivables):
        """Values of the collection's entry (company currency): the customer's receivables
        credited by the amount collected (oldest first), the agency debited with the net amount,
        the commission account with the commission."""
        self.ensure_one()
        case = self.litigation_id
        currency = self.company_id.currency_id
        # stored in the entry: the company's language (issue 16)
        label = company_env(self.env, self.company_id)._(
            "Collected by %(agency)s: case %(case)s", agency=self.agency_id.name, case=case.name
        )
        lines = []
        left = self.amount
        for line in receivables:
            due, due_currency = self._get_due_at_date(line)
            part = min(left, due)
            if currency.is_zero(part):
                break
            left = currency.round(left - part)
            lines.append(
                {
                    "name": label,
                    "account_id": line.account_id.id,
                    "partner_id": line.partner_id.id,
                    "balance": -part,
                    "currency_id": line.currency_id.id,
                    "amount_currency": -(
                        due_currency
                        if part == due
                        else currency._convert(part, line.currency_id, self.company_id, self.date)
                    ),
                }
            )
        agency = self.agency_id.commercial_partner_id.with_company(self.company_id)
        agency_account = agency.property_account_receivable_id or receivables[:1].account_id
        for account, amount in (
            (agency_account, self.net_amount),
            (self.fee_account_id, self.commission_amount),
        ):
            if not currency.is_zero(amount):
                lines.append(
                    {
                        "name": label,
                        "account_id": account.id,
                        "partner_id": agency.id,
                        "balance": amount,
                        "currency_id": currency.id,
                        "amount_currency": amount,
                    }
                )
        return {
            "move_type": "entry",
            "journal_id": case._default_write_off_journal().id,
            "date": self.date,
            "company_id": self.company_id.id,
            "ref": label,
            "line_ids": [Command.create(vals) for vals in lines],
        }

    def _unbook(self):
        """Cancel the entries of recorded collections (changed or deleted): unreconciled from
        the invoices and reversed (an entry posted is never rewritten)."""
        for collection in self.filtered("payment_move_id"):
            entry = collection.payment_move_id
            entry.line_ids.remove_move_reconcile()
            entry._reverse_moves(
                [
                    {
                        "date": fields.Date.context_today(self),
                        "ref": company_env(self.env, entry.company_id)._(
                            "Cancelled: %(ref)s", ref=entry.ref
                        ),
                    }
                ],
                cancel=True,
            )
            collection.payment_move_id = False

    @api.depends("litigation_id")
    def _compute_fee_rate(self):
        for collection in self:
            if not collection.fee_rate:
                collection.fee_rate = collection.litigation_id.agency_fee_rate

    @api.depends("amount", "fee_rate", "currency_id")
    def _compute_commission(self):
        for collection in self:
            commission = collection.currency_id.round(collection.amount * collection.fee_rate / 100)
            collection.commission_amount = commission
            collection.net_amount = collection.amount - commission

    @api.constrains("amount", "fee_rate")
    def _check_amounts(self):
        """A payment collected has a positive amount (at most what is still due: checked when
        it is booked) and a fee rate from 0 to 100 %.

        :raise ValidationError: naming the case, the field and the value
        """
        for collection in self:
            case = collection.litigation_id
            if collection.currency_id.compare_amounts(collection.amount, 0.0) <= 0:
                raise ValidationError(
                    self.env._(
                        "Case %(case)s: the %(field)s of a payment collected by the agency must "
                        "be positive (not %(value)s).",
                        case=case.name,
                        field=self._fields["amount"]._description_string(self.env),
                        value=case._format_amount(collection.amount),
                    )
                )
            if not 0 <= collection.fee_rate <= 100:
                raise ValidationError(
                    self.env._(
                        "Case %(case)s: the %(field)s of a payment collected by the agency must "
                        "be between 0 and 100 (not %(value)s).",
                        case=case.name,
                        field=self._fields["fee_rate"]._description_string(self.env),
                        value=formatLang(self.env, collection.fee_rate),
                    )
                )

    @api.constrains("move_id", "date", "litigation_id")
    def _check_case(self):
        """A payment collected by the agency is on one of the case's invoices and dated while
        the file was in the agency's hands (from the hand-over to its return).

        :raise ValidationError: naming the case and the invoice or the date
        """
        for collection in self:
            case = collection.litigation_id
            if collection.move_id and collection.move_id not in case.move_ids:
                raise ValidationError(
                    self.env._(
                        "Case %(case)s: invoice %(invoice)s is not one of the case's invoices; "
                        "the agency collects only those.",
                        case=case.name,
                        invoice=collection.move_id.display_name,
                    )
                )
            start, end = case.handover_date, case.handover_return_date
            # a payment is recorded once collected: never after today
            end = min(end or fields.Date.context_today(self), fields.Date.context_today(self))
            if not start or collection.date < start or collection.date > end:
                raise ValidationError(
                    self.env._(
                        "Case %(case)s: a payment collected by the agency on %(date)s must be "
                        "dated while the file was handed over to it (from %(start)s to "
                        "%(end)s).",
                        case=case.name,
                        date=format_date(self.env, collection.date),
                        start=format_date(self.env, start) if start else "-",
                        end=format_date(self.env, end),
                    )
                )
