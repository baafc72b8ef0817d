import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, RedirectWarning, UserError, ValidationError
from odoo.tools import SQL, format_amount, format_date

from ..rules import score as score_rules
from ..tools.bounds import check_bounds
from ..tools.lang import format_number
from ..tools.locks import lock_rows

_logger = logging.getLogger(__name__)

# Exposure fields of res.partner read from recouvrement.credit.exposure (field: column).
PARTNER_EXPOSURE_FIELDS = {
    "credit_effective_limit": "credit_limit",
    "credit_exposure": "exposure",
    "credit_exposure_receivable": "receivable",
    "credit_exposure_to_invoice": "to_invoice",
    "credit_exposure_draft": "draft_invoiced",
    "credit_available": "available",
    "credit_over_limit": "over_limit",
    "credit_overdue_amount": "overdue_amount",
    "credit_overdue_days": "overdue_days",
}
# Up to this many partners, exposure rows are read with per-partner (lateral) queries.
_PER_PARTNER_MAX = 200
_MANAGER_GROUP = "recouvrement_b2b.recouvrement_group_manager"
#: credit limit and insured amount of a customer, company currency: at most a hundred million
MAX_CREDIT_AMOUNT = 100_000_000.0
#: days before or after today an insurer's cover may start or end: ten years
MAX_COVER_DAYS = 3650
# Fields of sale.order recording a credit manager's approval (written by _approve_order only).
CREDIT_APPROVAL_FIELDS = (
    "credit_override_user_id",
    "credit_override_reason",
    "credit_override_amount",
    "credit_override_partner_id",
)
_USER_GROUP = "recouvrement_b2b.recouvrement_group_user"
#: customers scored per computation by the daily score cron
SCORE_BATCH_SIZE = 200
#: the next batch of the score cron for the next call of a worker pass (on the job's cursor)
_SCORE_CURSOR_KEY = "recouvrement_b2b.score_cursor"


class RecouvrementCredit(models.AbstractModel):
    """Credit control of customers: exposure, block reasons, the checks at sales order
    confirmation and invoice posting, and the payment score.

    ``res.partner``, ``sale.order`` and ``account.move`` delegate to this service in one line;
    another module extends credit control by inheriting it (hooks ``_get_hold_reasons``,
    ``_get_limit_reasons``, ``_get_score_inputs``...). Amounts are in the company currency.
    Every method works on a batch of records in a constant number of queries.
    """

    _name = "recouvrement.credit"
    _description = "Credit Control"

    # --- Exposure -------------------------------------------------------------------------

    @api.model
    def _get_exposure_figures(self, partners, company=None):
        """Exposure rows of the commercial partners of ``partners`` in ``company``, in one query.

        :param partners: ``res.partner`` records (contacts count for their company)
        :param company: ``res.company``, the current company by default
        :return: ``{commercial partner id: {column: value}}``, columns of
            ``recouvrement.credit.exposure`` (amounts in the company currency); partners
            without a row are missing
        """
        company = company or self.env.company
        partners = partners._origin.commercial_partner_id
        if not partners:
            return {}
        # sudo: salespeople see the credit banner and run the check at order confirmation
        # without access to the receivables.
        exposure = (
            self.env["recouvrement.credit.exposure"]
            .sudo()
            .with_context(
                allowed_company_ids=company.ids,
                # a few partners: index lookups; many: one aggregate of all open items
                recouvrement_exposure_per_partner=len(partners) <= _PER_PARTNER_MAX,
            )
        )
        columns = sorted(set(PARTNER_EXPOSURE_FIELDS.values()))
        # The rows are computed when read: drop values fetched earlier in the transaction.
        exposure.invalidate_model(columns)
        records = exposure.search_fetch(
            [("partner_id", "in", partners.ids), ("company_id", "=", company.id)],
            ["partner_id", *columns],
        )
        return {rec.partner_id.id: {column: rec[column] for column in columns} for rec in records}

    @api.model
    def _compute_partner_exposure(self, partners):
        """Set the exposure fields of ``partners`` (``PARTNER_EXPOSURE_FIELDS``) in the current
        company; a contact shows the figures of its commercial partner."""
        figures = self._get_exposure_figures(partners)
        for partner in partners:
            row = figures.get(partner._origin.commercial_partner_id.id, {})
            for fname, column in PARTNER_EXPOSURE_FIELDS.items():
                partner[fname] = row.get(column) or False

    @api.model
    def _get_exposure_domain(self, column, operator, value):
        """Domain on ``res.partner``: partners whose exposure row in the current company has
        ``column`` ``operator`` ``value`` (one sub-query, no partner loaded)."""
        exposure = self.env["recouvrement.credit.exposure"].sudo()
        query = exposure._search(
            [("company_id", "=", self.env.company.id), (column, operator, value)]
        )
        return [
            (
                "commercial_partner_id",
                "in",
                query.subselect(SQL.identifier(exposure._table, "partner_id")),
            )
        ]

    @api.model
    def _get_exposure_field_sql(self, alias, fname, query=None):
        """SQL of the exposure field ``fname`` of the ``res.partner`` table ``alias`` (to sort
        partner lists on it), joined to the exposure rows of the current company; ``None`` when
        ``fname`` is not an exposure field."""
        column = PARTNER_EXPOSURE_FIELDS.get(fname)
        if not column:
            return None
        exposure = self.env["recouvrement.credit.exposure"].sudo()

        def condition(exposure_alias):
            return SQL(
                "%s = %s AND %s = %s",
                SQL.identifier(alias, "commercial_partner_id"),
                SQL.identifier(exposure_alias, "partner_id"),
                SQL.identifier(exposure_alias, "company_id"),
                self.env.company.id,
            )

        if query is None:
            return SQL(
                "(SELECT %s FROM %s AS e WHERE %s)",
                SQL.identifier("e", column),
                exposure._table_sql,
                condition("e"),
            )
        exposure_alias = query.make_alias(alias, "recouvrement_exposure")
        query.add_join("LEFT JOIN", exposure_alias, exposure._table_sql, condition(exposure_alias))
        return SQL.identifier(exposure_alias, column)

    # --- Block reasons --------------------------------------------------------------------

    @api.model
    def _get_credit_status(self, partners, company=None, amounts=None):
        """Credit status of the commercial partners of ``partners`` in ``company`` (batched).

        :param amounts: ``{commercial partner id: amount}`` added to the exposure (documents
            being confirmed, company currency)
        :return: ``{commercial partner id: {"figures": exposure row, "exposure": float,
            "hold_reasons": [message], "reasons": [message]}}``; ``reasons`` are the hold
            reasons plus the over-limit reason; no reason means the customer may order
        """
        company = company or self.env.company
        amounts = amounts or {}
        partners = partners._origin.commercial_partner_id.with_company(company)
        figures = self._get_exposure_figures(partners, company)
        batch = {
            "notices": self._get_formal_notice_partner_ids(partners, company),
            "litigations": self._get_litigation_partner_ids(partners, company),
        }
        result = {}
        for partner in partners:
            row = figures.get(partner.id, {})
            amount = amounts.get(partner.id, 0.0)
            exposure = (row.get("exposure") or 0.0) + amount
            reasons = self._get_hold_reasons(partner, company, row, batch)
            result[partner.id] = {
                "figures": row,
                "exposure": exposure,
                "hold_reasons": reasons,
                "reasons": reasons
                + self._get_limit_reasons(partner, company, row, exposure, amount),
            }
        return result

    @api.model
    def _get_hold_reasons(self, partner, company, row, batch):
        """Reasons, other than the credit limit, why ``partner`` may not order in ``company``.

        Manual or automatic credit hold; ceased company or collective proceedings (L622-21 C.
        com.: no payment of pre-judgment claims, so no new credit); an invoice overdue by more
        than the company's number of days; a formal notice (Code civil 1344) still unpaid;
        an open litigation case. Each condition but the hold is a company option.

        :param row: the partner's exposure row (``_get_exposure_figures``)
        :param batch: ``{"notices": ids, "litigations": ids}`` computed for the whole batch
        :return: list of translated messages
        """
        name = partner.display_name
        reasons = []
        if partner.credit_hold:
            reasons.append(
                self.env._(
                    "%(partner)s is on credit hold since %(date)s: %(reason)s",
                    partner=name,
                    date=format_date(self.env, partner.credit_hold_date)
                    if partner.credit_hold_date
                    else "",
                    reason=partner.credit_hold_reason or "",
                )
            )
        if company.recouvrement_hold_insolvency and partner.company_status == "ceased":
            reasons.append(self.env._("%(partner)s has ceased trading.", partner=name))
        if company.recouvrement_hold_insolvency and partner.collective_proceedings not in (
            False,
            "none",
        ):
            proceedings = dict(
                partner._fields["collective_proceedings"]._description_selection(self.env)
            )
            reasons.append(
                self.env._(
                    "%(partner)s is in collective proceedings (%(proceedings)s).",
                    partner=name,
                    proceedings=proceedings.get(partner.collective_proceedings),
                )
            )
        days = row.get("overdue_days") or 0
        if company.recouvrement_hold_overdue_days and days > company.recouvrement_hold_overdue_days:
            reasons.append(
                self.env._(
                    "%(partner)s has an invoice overdue by %(days)s days (more than "
                    "%(max_days)s days).",
                    partner=name,
                    days=days,
                    max_days=company.recouvrement_hold_overdue_days,
                )
            )
        if partner.id in batch["notices"] and (row.get("overdue_amount") or 0.0) > 0:
            reasons.append(
                self.env._(
                    "%(partner)s was sent a formal notice and still owes %(overdue)s overdue.",
                    partner=name,
                    overdue=format_amount(self.env, row["overdue_amount"], company.currency_id),
                )
            )
        if partner.id in batch["litigations"]:
            reasons.append(
                self.env._("%(partner)s has invoices in an open litigation case.", partner=name)
            )
        return reasons

    @api.model
    def _get_limit_reasons(self, partner, company, row, exposure, amount):
        """The over-limit reason of ``partner`` (empty list when within its effective limit or
        when the company does not use credit limits).

        :param row: the partner's exposure row (``credit_limit``: effective limit)
        :param exposure: exposure including ``amount``, company currency
        :param amount: amount of the document being checked, company currency
        """
        limit = row.get("credit_limit") or 0.0
        currency = company.currency_id
        if (
            not company.account_use_credit_limit
            or limit <= 0
            or currency.compare_amounts(exposure, limit) <= 0
        ):
            return []
        values = {
            "partner": partner.display_name,
            "exposure": format_amount(self.env, exposure, currency),
            "limit": format_amount(self.env, limit, currency),
        }
        if currency.is_zero(amount):
            # the customer itself (Credit tab, Check credit): no document to name (issue 16)
            return [
                self.env._(
                    "%(partner)s exceeds its credit limit: exposure %(exposure)s, limit %(limit)s.",
                    **values,
                )
            ]
        return [
            self.env._(
                "%(partner)s exceeds its credit limit: exposure %(exposure)s (including "
                "%(amount)s for this document), limit %(limit)s.",
                amount=format_amount(self.env, amount, currency),
                **values,
            )
        ]

    @api.model
    def _get_reasons_with_amount(self, partner, company, status, amount):
        """All block reasons of ``partner`` whose ``status`` (``_get_credit_status``) is known,
        with ``amount`` (company currency) added to its exposure; no query."""
        return status["hold_reasons"] + self._get_limit_reasons(
            partner, company, status["figures"], status["exposure"] + amount, amount
        )

    @api.model
    def _get_formal_notice_partner_ids(self, partners, company):
        """Ids of the commercial ``partners`` sent a formal notice (when ``company`` holds
        them), in one query."""
        if not company.recouvrement_hold_formal_notice or not partners:
            return set()
        # sudo: the check runs for salespeople, who cannot read dunning events.
        groups = (
            self.env["recouvrement.dunning.event"]
            .sudo()
            ._read_group(
                [
                    ("company_id", "=", company.id),
                    ("state", "in", ("sent", "posted")),
                    # a formal notice still in the outgoing queue warned nobody yet
                    ("queued", "=", False),
                    ("level_id.is_formal_notice", "=", True),
                    ("partner_id.commercial_partner_id", "in", partners.ids),
                ],
                ["partner_id"],
            )
        )
        return {partner.commercial_partner_id.id for (partner,) in groups}

    @api.model
    def _get_litigation_partner_ids(self, partners, company):
        """Ids of the commercial ``partners`` with an invoice in open litigation (when
        ``company`` holds them), in one query."""
        if not company.recouvrement_hold_litigation or not partners:
            return set()
        # sudo: the check runs for salespeople, who cannot read litigation cases.
        groups = (
            self.env["account.move"]
            .sudo()
            ._read_group(
                [
                    ("company_id", "=", company.id),
                    ("commercial_partner_id", "in", partners.ids),
                    ("litigation_id", "!=", False),
                ],
                ["commercial_partner_id"],
            )
        )
        return {partner.id for (partner,) in groups}

    @api.model
    def _compute_partner_block_reasons(self, partners):
        """Set ``credit_block_reasons`` of ``partners`` in the current company."""
        status = self._get_credit_status(partners)
        for partner in partners:
            reasons = status.get(partner._origin.commercial_partner_id.id, {}).get("reasons", [])
            partner.credit_block_reasons = "\n".join(reasons)

    @api.model
    def _get_warning_message(self, record, amount):
        """Credit banner of one document (``_build_credit_warning_message`` of account): the
        block reasons of its customer, the document's ``amount`` (company currency) counted in
        the exposure, one per line; ``""`` when the customer may order."""
        partner = record.partner_id.commercial_partner_id
        company = record.company_id
        status = self._get_credit_status(partner, company).get(partner._origin.id)
        if not status:
            return ""
        exposure = status["exposure"] + amount
        if record._name == "account.move" and record._origin.state == "draft":
            # A saved draft invoice is already in the exposure (draft invoices): count it once.
            exposure -= record._origin.amount_total_signed
        reasons = status["hold_reasons"] + self._get_limit_reasons(
            partner, company, status["figures"], exposure, amount
        )
        return "\n".join(reasons)

    # --- Sales orders ---------------------------------------------------------------------

    @api.model
    def _get_order_partner(self, order):
        """The customer whose credit covers ``order``: the commercial entity invoiced."""
        return (order.partner_invoice_id or order.partner_id).commercial_partner_id

    @api.model
    def _get_order_amount(self, order):
        """Amount of ``order`` (taxes included) in its company's currency, rounded to it as
        the exposure's orders to invoice are."""
        return order.company_id.currency_id.round(order.amount_total / (order.currency_rate or 1.0))

    @api.model
    def _get_order_reasons(self, orders, company, together=False):
        """Block reasons of each order of ``orders`` (all in ``company``), in a constant number
        of queries: ``{order: [message]}``.

        :param together: the orders are confirmed in the same call: each order is checked
            with the orders before it in ``orders`` (same customer) added to the exposure;
            otherwise (a quotation's banner) each order is checked alone
        """
        partners = self.env["res.partner"].concat(*map(self._get_order_partner, orders))
        status = self._get_credit_status(partners, company)
        pending = {}
        result = {}
        for order in orders:
            partner = self._get_order_partner(order)
            amount = self._get_order_amount(order)
            before = pending.get(partner._origin.id, 0.0)
            partner_status = status[partner._origin.id]
            result[order] = partner_status["hold_reasons"] + self._get_limit_reasons(
                partner,
                company,
                partner_status["figures"],
                partner_status["exposure"] + before + amount,
                amount,
            )
            if together:
                pending[partner._origin.id] = before + amount
        return result

    @api.model
    def _compute_order_warning(self, orders):
        """Set the credit banner (``partner_credit_warning``) of quotations in ``orders``: the
        block reasons with the order's amount, one per line (``""``: none)."""
        orders.partner_credit_warning = ""
        quotations = orders.filtered(lambda o: o.state in ("draft", "sent") and o.partner_id)
        for company, company_orders in quotations.grouped("company_id").items():
            reasons = self._get_order_reasons(company_orders, company)
            for order in company_orders:
                order.partner_credit_warning = "\n".join(reasons[order])

    @api.model
    def _is_paid_online(self, order):
        """Whether ``order`` is confirmed by an online payment (never blocked)."""
        return (
            bool(order.transaction_ids.filtered(lambda tx: tx.state in ("authorized", "done")))
            and order._is_confirmation_amount_reached()
        )

    @api.model
    def _lock_partners(self, partners):
        """Lock the rows of the commercial partners of ``partners`` until the end of the
        transaction, in one query, so that two credit checks of a customer run one after the
        other.

        ``FOR NO KEY UPDATE`` (in the order of the ids: no deadlock between two checks) does not
        wait for transactions that only create documents of the customer (key share lock of
        their foreign key). The rows are updated (to the same values), not only locked: under
        Odoo's REPEATABLE READ isolation, a second check waits for the first transaction, then
        fails with a serialization error once the first commits; Odoo retries the request,
        whose new snapshot includes the first order in the exposure.
        """
        lock_rows(partners._origin.commercial_partner_id)

    @api.model
    def _is_approved(self, order):
        """Whether a credit manager's approval covers ``order`` as it is now: mode
        ``override``, the same invoiced customer and an amount not above the approved one."""
        return bool(
            order.credit_override_user_id
            and order.company_id.recouvrement_credit_check == "override"
            and order.credit_override_partner_id == self._get_order_partner(order)
            and order.company_id.currency_id.compare_amounts(
                self._get_order_amount(order), order.credit_override_amount
            )
            <= 0
        )

    @api.model
    def _check_approval_vals(self, vals):
        """Refuse ``sale.order`` values recording a credit approval outside
        ``_approve_order`` (clearing one is allowed).

        :raise AccessError: an approval field of ``vals`` is set, not in superuser mode
        """
        if not self.env.su and any(vals.get(fname) for fname in CREDIT_APPROVAL_FIELDS):
            raise AccessError(
                self.env._(
                    "Only a credit manager can approve an order over credit, with the Approve "
                    "Over Credit button."
                )
            )

    @api.model
    def _clear_approvals(self, orders):
        """Clear the credit approvals of ``orders`` (cancelled or reset to quotation: a new
        confirmation is checked again)."""
        approved = orders.filtered("credit_override_user_id")
        if approved:
            # sudo: the approval fields are written in superuser mode only.
            approved.sudo().write(dict.fromkeys(CREDIT_APPROVAL_FIELDS, False))

    @api.model
    def _check_orders(self, orders):
        """Apply the company's credit check mode to ``orders`` being confirmed.

        The orders are checked together (each with the ones before it for the same customer),
        under a lock of their customers (``_lock_partners``). Skipped: orders paid online;
        not blocked: orders whose approval by a credit manager covers them (``_is_approved``).
        :raise UserError: mode ``block``, or ``override`` for a user who may not approve
        :raise RedirectWarning: mode ``override`` for a credit manager (opens the approval)
        """
        to_check = orders.filtered(
            lambda o: (
                o.state in ("draft", "sent")
                and o.company_id.recouvrement_credit_check != "none"
                and not self._is_paid_online(o)
            )
        )
        if not to_check:
            return
        self._lock_partners(self.env["res.partner"].concat(*map(self._get_order_partner, to_check)))
        for company, company_orders in to_check.grouped("company_id").items():
            reasons = self._get_order_reasons(company_orders, company, together=True)
            for order in company_orders:
                if reasons[order] and not self._is_approved(order):
                    self._apply_order_block(order, reasons[order])

    @api.model
    def _apply_order_block(self, order, reasons):
        """React to a failed credit check of ``order`` according to the company mode:
        ``warning`` posts the reasons in the chatter, the other modes raise."""
        mode = order.company_id.recouvrement_credit_check
        text = "\n".join(reasons)
        if mode == "warning":
            order.message_post(
                body=self.env._("Confirmed despite the credit check: %(reasons)s", reasons=text),
                subtype_xmlid="mail.mt_note",
            )
            return
        if mode == "override" and self.env.user.has_group(_MANAGER_GROUP):
            block = RedirectWarning(
                self.env._(
                    "Order %(order)s cannot be confirmed:\n%(reasons)s",
                    order=order.name,
                    reasons=text,
                ),
                order.action_open_credit_override(),
                self.env._("Approve with a reason"),
            )
            # A business answer, not a server fault: logged as a warning like a UserError
            # (the HTTP layer logs an ERROR with traceback for a RedirectWarning otherwise).
            block.loglevel = logging.WARNING
            raise block
        if mode == "override":
            raise UserError(
                self.env._(
                    "Order %(order)s cannot be confirmed:\n%(reasons)s\nAsk a credit manager to "
                    "approve it.",
                    order=order.name,
                    reasons=text,
                )
            )
        raise UserError(
            self.env._(
                "Order %(order)s cannot be confirmed:\n%(reasons)s",
                order=order.name,
                reasons=text,
            )
        )

    @api.model
    def _approve_order(self, order, reason):
        """Record a credit manager's approval of ``order`` (user, reason, and the amount and
        invoiced customer it covers), post it with the figures, notify the credit responsible
        and confirm the order (returns ``action_confirm``'s result).

        :raise AccessError: the user is not a credit manager
        """
        if not self.env.user.has_group(_MANAGER_GROUP):
            raise AccessError(
                self.env._(
                    "Only a credit manager can approve order %(order)s over credit.",
                    order=order.name,
                )
            )
        company = order.company_id
        partner = self._get_order_partner(order)
        status = self._get_credit_status(partner, company)[partner.id]
        figures = status["figures"]
        currency = company.currency_id
        amount = self._get_order_amount(order)
        reasons = self._get_reasons_with_amount(partner, company, status, amount)
        # sudo: the approval fields are written in superuser mode only (_check_approval_vals),
        # after the manager check above; the approval covers this customer and amount only.
        order.sudo().write(
            {
                "credit_override_user_id": self.env.uid,
                "credit_override_reason": reason,
                "credit_override_amount": amount,
                "credit_override_partner_id": partner.id,
            }
        )
        body = self.env._(
            "Credit approved by %(user)s: %(reason)s\nExposure %(exposure)s including this "
            "order (%(amount)s), limit %(limit)s, overdue %(overdue)s (%(days)s days), score "
            "%(score)s.\n%(reasons)s",
            user=self.env.user.name,
            reason=reason,
            exposure=format_amount(self.env, status["exposure"] + amount, currency),
            amount=format_amount(self.env, amount, currency),
            limit=format_amount(self.env, figures.get("credit_limit") or 0.0, currency),
            overdue=format_amount(self.env, figures.get("overdue_amount") or 0.0, currency),
            days=figures.get("overdue_days") or 0,
            score=partner.with_company(company).credit_score or "-",
            reasons="\n".join(reasons),
        )
        order.message_post(body=body, subtype_xmlid="mail.mt_note")
        responsible = company.recouvrement_user_id or self.env.user
        order.activity_schedule(
            "mail.mail_activity_data_todo",
            user_id=responsible.id,
            summary=self.env._("Order confirmed over credit"),
            note=body,
        )
        return order.action_confirm()

    # --- Invoices -------------------------------------------------------------------------

    @api.model
    def _check_invoices(self, moves):
        """Check the customers' credit of the customer invoices of ``moves`` being posted, when
        their company asks for it (the draft invoice is already part of the exposure).

        Mode ``warning`` posts the reasons in the chatter; ``override`` lets credit managers
        post; ``block`` and ``override`` for other users raise.
        :raise UserError: the first invoice whose customer has a block reason
        """
        invoices = moves.filtered(
            lambda m: (
                m.move_type == "out_invoice"
                and m.state == "draft"
                and m.company_id.recouvrement_credit_check_invoice
                and m.company_id.recouvrement_credit_check != "none"
            )
        )
        is_manager = self.env.user.has_group(_MANAGER_GROUP)
        if invoices:
            self._lock_partners(invoices.commercial_partner_id)
        for company, company_moves in invoices.grouped("company_id").items():
            mode = company.recouvrement_credit_check
            if mode == "override" and is_manager:
                continue
            status = self._get_credit_status(company_moves.commercial_partner_id, company)
            for move in company_moves:
                reasons = status[move.commercial_partner_id.id]["reasons"]
                if not reasons:
                    continue
                if mode == "warning":
                    move.message_post(
                        body=self.env._(
                            "Posted despite the credit check: %(reasons)s",
                            reasons="\n".join(reasons),
                        ),
                        subtype_xmlid="mail.mt_note",
                    )
                    continue
                raise UserError(
                    self.env._(
                        "Invoice of %(partner)s cannot be posted:\n%(reasons)s",
                        partner=move.commercial_partner_id.display_name,
                        reasons="\n".join(reasons),
                    )
                )

    # --- Partner form ---------------------------------------------------------------------

    @api.model
    def _compute_partner_insurance_expired(self, partners):
        """Set ``credit_insurance_expired`` of ``partners``: an insured amount whose cover ended
        before today (current company)."""
        today = fields.Date.context_today(self)
        for partner in partners:
            partner.credit_insurance_expired = bool(
                partner.credit_insured_amount
                and partner.credit_cover_end
                and partner.credit_cover_end < today
            )

    @api.model
    def _get_insurance_expired_domain(self, operator, value):
        """Domain on ``res.partner`` for ``credit_insurance_expired`` ``operator`` ``value``
        (``=`` and ``!=`` only)."""
        if operator not in ("=", "!="):
            return NotImplemented
        domain = [
            ("credit_insured_amount", ">", 0),
            ("credit_cover_end", "<", fields.Date.context_today(self)),
        ]
        if (operator == "=") == bool(value):
            return domain
        return ["!", "&", *domain]

    @api.model
    def _check_partner_limits(self, partners):
        """Check the credit limit and insurance of ``partners``: no negative limit or insured
        amount, none above ``MAX_CREDIT_AMOUNT`` (a hundred million), cover dates within ten
        years of today, a cover that does not end before it starts, and an insured amount above
        the limit only when set by a credit manager.

        :raise ValidationError: the first partner breaking one of these rules
        """
        is_manager = self.env.user.has_group(_MANAGER_GROUP)
        today = fields.Date.context_today(self)
        cover_horizon = timedelta(days=MAX_COVER_DAYS)
        for partner in partners.sudo():
            # a stated ceiling (issue 19): 10^9 is a typing slip, not a customer's credit
            check_bounds(partner, "credit_limit", 0.0, MAX_CREDIT_AMOUNT)
            check_bounds(partner, "credit_insured_amount", 0.0, MAX_CREDIT_AMOUNT)
            for fname in ("credit_cover_start", "credit_cover_end"):
                if partner[fname]:
                    check_bounds(partner, fname, today - cover_horizon, today + cover_horizon)
            if (
                partner.credit_cover_start
                and partner.credit_cover_end
                and partner.credit_cover_end < partner.credit_cover_start
            ):
                raise ValidationError(
                    self.env._(
                        "The credit insurance cover of %(partner)s cannot end (%(end)s) before "
                        "it starts (%(start)s).",
                        partner=partner.display_name,
                        end=format_date(self.env, partner.credit_cover_end),
                        start=format_date(self.env, partner.credit_cover_start),
                    )
                )
            if (
                not is_manager
                and partner.credit_limit > 0
                and partner.credit_insured_amount > partner.credit_limit
            ):
                raise ValidationError(
                    self.env._(
                        "The insured amount of %(partner)s (%(insured)s) is above its credit "
                        "limit (%(limit)s): only a credit manager can set it.",
                        partner=partner.display_name,
                        insured=format_amount(
                            self.env, partner.credit_insured_amount, self.env.company.currency_id
                        ),
                        limit=format_amount(
                            self.env, partner.credit_limit, self.env.company.currency_id
                        ),
                    )
                )

    @api.model
    def _prepare_partner_vals(self, partners, vals):
        """Values of ``res.partner.write`` on ``partners``, the credit hold stamped: a hold
        records its date and user, a release clears them and the reason (in the company of
        the environment: these fields are company-dependent)."""
        if "credit_hold" not in vals:
            return vals
        vals = dict(vals)
        if vals["credit_hold"]:
            vals.setdefault("credit_hold_date", fields.Date.context_today(self))
            vals.setdefault("credit_hold_user_id", self.env.uid)
        else:
            vals.update(credit_hold_date=False, credit_hold_user_id=False)
            vals.setdefault("credit_hold_reason", False)
        return vals

    @api.model
    def _get_check_notification(self, partner):
        """Refresh the payment score of the commercial partner of ``partner`` and return the
        notification (client action) showing its credit figures and any block reason."""
        partner = partner.commercial_partner_id
        self._update_scores(partner)
        status = self._get_credit_status(partner)[partner.id]
        figures = status["figures"]
        currency = self.env.company.currency_id
        if status["reasons"]:
            message = "\n".join(status["reasons"])
        elif figures.get("credit_limit"):
            message = self.env._(
                "Exposure %(exposure)s, available credit %(available)s.",
                exposure=format_amount(self.env, figures.get("exposure") or 0.0, currency),
                available=format_amount(self.env, figures.get("available") or 0.0, currency),
            )
        else:
            message = self.env._(
                "Exposure %(exposure)s, no credit limit.",
                exposure=format_amount(self.env, figures.get("exposure") or 0.0, currency),
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._(
                    "Credit check of %(partner)s: score %(score)s",
                    partner=partner.display_name,
                    score=partner.credit_score or "-",
                ),
                "message": message,
                "type": "warning" if status["reasons"] else "success",
                "sticky": bool(status["reasons"]),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    @api.model
    def _get_score_inputs(self, partners, company=None):
        """Inputs of the payment score (``rules.score.score_inputs``) of the commercial partners
        of ``partners`` in ``company``, in four queries.

        Gathers the receivable items of customer invoices due in the window
        (``score_rules.WINDOW_DAYS``: amount, due date, date of full payment), the rank
        (1 = first) of the highest dunning level reached in its policy and whether an invoice
        is in litigation, and the keep rate of its promises to pay closed in the window
        (``recouvrement.promise._get_score_keep_rates``), and the share of its logged calls
        refused or not reached (``recouvrement.call._get_score_negative_rates``).

        :return: ``{commercial partner id: {"avg_days_late", "late_share",
            "max_dunning_level", "litigation", "promise_keep_rate", "call_negative_rate"}}``
        """
        company = company or self.env.company
        partners = partners._origin.commercial_partner_id
        if not partners:
            return {}
        today = fields.Date.context_today(self)
        self.env["account.move.line"].flush_model()
        self.env["account.partial.reconcile"].flush_model()
        self.env["account.move"].flush_model()
        self.env["recouvrement.dunning.level"].flush_model()
        lines = self.env.execute_query(
            SQL(
                """
                SELECT lp.commercial_partner_id, l.balance, l.date_maturity,
                       CASE WHEN l.reconciled THEN (
                           SELECT MAX(apr.max_date)
                             FROM account_partial_reconcile apr
                            WHERE apr.debit_move_id = l.id
                       ) END
                  FROM account_move_line l
                  JOIN res_partner lp ON lp.id = l.partner_id
                  JOIN account_move m ON m.id = l.move_id
                  JOIN account_account a ON a.id = l.account_id
                 WHERE lp.commercial_partner_id IN %(partners)s
                   AND l.company_id = %(company)s
                   AND a.account_type = 'asset_receivable'
                   AND l.parent_state = 'posted'
                   AND m.move_type = 'out_invoice'
                   AND l.balance > 0
                   AND l.date_maturity > %(start)s
                   AND l.date_maturity <= %(today)s
                """,
                partners=tuple(partners.ids),
                company=company.id,
                start=today - timedelta(days=score_rules.WINDOW_DAYS),
                today=today,
            )
        )
        moves = self.env.execute_query(
            SQL(
                """
                SELECT m.commercial_partner_id,
                       MAX(lv.rank),
                       BOOL_OR(m.litigation_id IS NOT NULL)
                  FROM account_move m
                  LEFT JOIN (
                        SELECT id, RANK() OVER (PARTITION BY policy_id ORDER BY sequence, id)
                                   AS rank
                          FROM recouvrement_dunning_level
                       ) lv ON lv.id = m.dunning_level_id
                 WHERE m.commercial_partner_id IN %(partners)s
                   AND m.company_id = %(company)s
                   AND m.state = 'posted'
                   AND (m.dunning_level_id IS NOT NULL OR m.litigation_id IS NOT NULL)
                 GROUP BY m.commercial_partner_id
                """,
                partners=tuple(partners.ids),
                company=company.id,
            )
        )
        invoices = {partner_id: [] for partner_id in partners.ids}
        for partner_id, amount, due, paid in lines:
            invoices[partner_id].append((amount, due, paid))
        levels = {partner_id: (rank, litigation) for partner_id, rank, litigation in moves}
        keep_rates = self.env["recouvrement.promise"]._get_score_keep_rates(
            partners, company, today - timedelta(days=score_rules.WINDOW_DAYS)
        )
        call_rates = self.env["recouvrement.call"]._get_score_negative_rates(
            partners, company, today - timedelta(days=score_rules.WINDOW_DAYS)
        )
        return {
            partner_id: score_rules.score_inputs(
                history,
                today,
                *levels.get(partner_id, (0, False)),
                promise_keep_rate=keep_rates.get(partner_id),
                call_negative_rate=call_rates.get(partner_id),
            )
            for partner_id, history in invoices.items()
        }

    @api.model
    def _compute_scores(self, partners, company=None):
        """``{commercial partner id: (letter, points, reasons)}`` of the commercial partners of
        ``partners`` in ``company`` (``rules.score.compute_score``)."""
        return {
            partner_id: score_rules.compute_score(**inputs)
            for partner_id, inputs in self._get_score_inputs(partners, company).items()
        }

    @api.model
    def _update_scores(self, partners, company=None, only_changed=False):
        """Store the payment score (``credit_score``, ``credit_score_date``: today) of the
        commercial partners of ``partners`` in ``company``; one write per letter.

        :param only_changed: write only the partners whose score changed (the daily cron: an
            unchanged customer row is not written, so it never conflicts with the other crons
            and users working on it)
        :return: the ids of the partners written
        """
        company = company or self.env.company
        today = fields.Date.context_today(self)
        scores = self._compute_scores(partners, company)
        current = {}
        if only_changed:
            records = self.env["res.partner"].browse(list(scores)).with_company(company)
            current = {partner.id: partner.credit_score for partner in records}
        by_letter = {}
        for partner_id, (letter, _points, _reasons) in scores.items():
            if not only_changed or current.get(partner_id) != letter:
                by_letter.setdefault(letter, []).append(partner_id)
        for letter, partner_ids in by_letter.items():
            # sudo: the score is computed by the system, not edited by the user.
            self.env["res.partner"].browse(partner_ids).sudo().with_company(company).write(
                {"credit_score": letter, "credit_score_date": today}
            )
        return [partner_id for partner_ids in by_letter.values() for partner_id in partner_ids]

    @api.model
    def _get_score_reason_label(self, code, params):
        """Translated label of one reason ``(code, params)`` returned by the score rule."""
        # numbers in the user's language: "110,7 jours", "-35 points" (issue 16)
        points = format_number(self.env, params.get("points", 0))
        if code == "days_late":
            return self.env._(
                "Paid %(days)s days late on average (-%(points)s points)",
                days=format_number(self.env, params["days"]),
                points=points,
            )
        if code == "late_share":
            return self.env._(
                "%(percent)s%% of invoices paid late (-%(points)s points)",
                percent=round(float(params["late_share"]) * 100),
                points=points,
            )
        if code == "dunning_level":
            # the level by its name, not its rank (issue 16)
            level = params.get("level")
            return self.env._(
                'Dunning level "%(level)s" reached (-%(points)s points)',
                level=level.with_env(self.env).name if level else params["dunning_level"],
                points=points,
            )
        if code == "promises":
            return self.env._(
                "%(percent)s%% of promises to pay kept (-%(points)s points)",
                percent=round(float(params["promise_keep_rate"]) * 100),
                points=points,
            )
        if code == "calls":
            return self.env._(
                "%(percent)s%% of calls refused or not reached (-%(points)s points)",
                percent=round(float(params["call_negative_rate"]) * 100),
                points=points,
            )
        return self.env._("Open litigation (-%(points)s points, score C at best)", points=points)

    @api.model
    def _compute_partner_score_reasons(self, partners):
        """Set ``credit_score_reasons`` of ``partners`` in the current company: the points, then
        one line per factor that took points off."""
        scores = self._compute_scores(partners)
        levels = self._get_highest_dunning_levels(partners)
        for partner in partners:
            _letter, points, reasons = scores.get(
                partner._origin.commercial_partner_id.id, ("A", 100, [])
            )
            lines = [
                self.env._("%(points)s points out of 100", points=format_number(self.env, points))
            ]
            highest = levels.get(partner._origin.commercial_partner_id.id)
            lines += [
                self._get_score_reason_label(
                    code, dict(params, level=highest) if code == "dunning_level" else params
                )
                for code, params in reasons
            ]
            partner.credit_score_reasons = "\n".join(lines)

    @api.model
    def _get_highest_dunning_levels(self, partners, company=None):
        """The highest dunning level reached by each commercial partner of ``partners`` in
        ``company`` (the current one when None): the level of its posted invoices with the
        highest rank in its policy, as the score counts it (``_get_score_inputs``).

        :return: ``{commercial partner id: recouvrement.dunning.level}``
        """
        company = company or self.env.company
        partners = partners._origin.commercial_partner_id
        if not partners:
            return {}
        self.env["account.move"].flush_model(["commercial_partner_id", "dunning_level_id"])
        self.env["recouvrement.dunning.level"].flush_model(["policy_id", "sequence"])
        rows = self.env.execute_query(
            SQL(
                """
                SELECT DISTINCT ON (m.commercial_partner_id) m.commercial_partner_id, lv.id
                  FROM account_move m
                  JOIN (
                        SELECT id, RANK() OVER (PARTITION BY policy_id ORDER BY sequence, id)
                                   AS rank
                          FROM recouvrement_dunning_level
                       ) lv ON lv.id = m.dunning_level_id
                 WHERE m.commercial_partner_id IN %(partners)s
                   AND m.company_id = %(company)s
                   AND m.state = 'posted'
                 ORDER BY m.commercial_partner_id, lv.rank DESC, lv.id DESC
                """,
                partners=tuple(partners.ids),
                company=company.id,
            )
        )
        level_ids = [level for _partner, level in rows]
        levels = self.env["recouvrement.dunning.level"]
        return {
            partner_id: levels.browse(level).with_prefetch(level_ids) for partner_id, level in rows
        }

    @api.model
    def _cron_update_scores(self, batch_size=SCORE_BATCH_SIZE):
        """Refresh the payment scores of the customers with an invoice due in the window, in
        every company, ``batch_size`` customers per computation; only the customers whose
        score changed are written (``credit_score_date``: the day it changed).

        Under the scheduler (``ir_cron_progress_id`` in the context) a call ends after the
        first batch that wrote a score and reports the customers after it remaining: the rows
        written stay locked only until the scheduler commits the call, not during the
        computation of the whole book (issue 18: the dunning run found every customer held by
        the start-up score run). The next calls of the worker pass go on after that batch (a
        cursor on the job's cursor); a new pass starts again from the first batch, whose
        customers, written already, are computed but not written again. Outside the scheduler
        one call scores every customer.

        One savepoint per batch (a failure is logged and the other batches go on); progress
        reported to the cron.
        """
        today = fields.Date.context_today(self)
        groups = self.env["account.move"]._read_group(
            [
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("invoice_date_due", ">", today - timedelta(days=score_rules.WINDOW_DAYS)),
            ],
            ["company_id", "commercial_partner_id"],
        )
        per_company = {}
        for company, partner in groups:
            per_company.setdefault(company, []).append(partner.id)
        batches = [
            (company, partner_ids[start : start + batch_size])
            for company, partner_ids in sorted(per_company.items(), key=lambda item: item[0].id)
            for partner_ids in [sorted(partner_ids)]
            for start in range(0, len(partner_ids), batch_size)
        ]
        in_cron = bool(self.env.context.get("ir_cron_progress_id"))
        index = self.env.cr.cache.get(_SCORE_CURSOR_KEY, 0) if in_cron else 0
        if index >= len(batches):
            index = 0
        done = 0
        Partner = self.env["res.partner"]
        while index < len(batches):
            company, partner_ids = batches[index]
            index += 1
            written = []
            try:
                with self.env.cr.savepoint():
                    written = self._update_scores(
                        Partner.browse(partner_ids), company, only_changed=True
                    )
            except Exception:
                _logger.exception("Payment scores failed for company %s", company.name)
            done += len(partner_ids)
            if in_cron and written:
                break
        remaining = sum(len(partner_ids) for _company, partner_ids in batches[index:])
        if in_cron:
            self.env.cr.cache[_SCORE_CURSOR_KEY] = index if remaining else 0
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)

    def _set_hold(self, partners, reason):
        """Put the commercial partners of ``partners`` on credit hold with ``reason`` in the
        company of their environment (the hold is company-dependent: another company's orders
        are not blocked); a hold already set keeps its reason. Nothing is posted in the shared
        customer's chatter, where another company's users would read the reason: the caller
        notes the hold on its own record (dunning event, litigation case).

        :param partners: ``res.partner`` recordset (contacts are held through their company),
            in the environment of the company that holds them
        :param str reason: why they are held, shown to that company's users on the customer
        :return: the partners newly held
        """
        partners = partners.commercial_partner_id.filtered(lambda p: not p.credit_hold)
        if partners:
            # sudo: automatic holds (dunning, litigation) are set on behalf of the user running
            # the collection, who may not be a credit manager. The reason goes with the
            # change in the company's collection history.
            partners.sudo().with_context(collection_change_reason=reason).write(
                {
                    "credit_hold": True,
                    "credit_hold_reason": reason,
                    "credit_hold_date": fields.Date.context_today(self),
                    "credit_hold_user_id": self.env.uid,
                }
            )
        return partners

    # --- Rights on the partner's credit and collection fields ---------------------------------

    @api.model
    def _check_partner_field_rights(self, partners, vals, manager_fnames, controller_fnames):
        """Refuse value changes of commercial ``partners``' credit fields by users without the
        right group: ``manager_fnames`` (credit limit, insurer cover) for credit managers,
        ``controller_fnames`` (hold, collective proceedings, dunning pause, contract penalty
        rate) for credit controllers and managers. Values synced to contacts unchanged pass.

        :raise AccessError: naming the partner and the fields
        """
        if self.env.su:
            return
        for group, fnames, role in self._get_partner_field_rules(manager_fnames, controller_fnames):
            fnames = [fname for fname in fnames if fname in vals]
            if not fnames or self.env.user.has_group(group):
                continue
            for partner in partners.filtered(lambda p: p.commercial_partner_id == p):
                changed = [
                    fname
                    for fname in fnames
                    if partners._fields[fname].convert_to_record(
                        partners._fields[fname].convert_to_cache(vals[fname], partner), partner
                    )
                    != partner[fname]
                ]
                if changed:
                    raise AccessError(
                        self.env._(
                            "Only %(role)s can change %(fields)s of %(partner)s.",
                            role=role,
                            partner=partner.display_name,
                            fields=", ".join(
                                partners._fields[fname]._description_string(self.env)
                                for fname in changed
                            ),
                        )
                    )

    @api.model
    def _check_partner_create_rights(self, vals_list, manager_fnames, controller_fnames):
        """:meth:`_check_partner_field_rights` for new commercial partners: a value other than
        the field's default counts as a change.

        :raise AccessError: naming the partner and the fields
        """
        if self.env.su:
            return
        Partner = self.env["res.partner"]
        rules = self._get_partner_field_rules(manager_fnames, controller_fnames)
        for vals in vals_list:
            if vals.get("parent_id") and not vals.get("is_company"):
                continue  # a contact: its commercial fields come from its company
            for group, fnames, role in rules:
                changed = [
                    fname
                    for fname in fnames
                    if vals.get(fname) and not self._is_default(fname, vals)
                ]
                if changed and not self.env.user.has_group(group):
                    raise AccessError(
                        self.env._(
                            "Only %(role)s can change %(fields)s of %(partner)s.",
                            role=role,
                            partner=vals.get("name") or self.env._("New partner"),
                            fields=", ".join(
                                Partner._fields[fname]._description_string(self.env)
                                for fname in changed
                            ),
                        )
                    )

    def _is_default(self, fname, vals):
        """Whether ``vals[fname]`` is the default of the partner field (e.g. ``'none'``)."""
        field = self.env["res.partner"]._fields[fname]
        return bool(field.default) and vals[fname] == field.default(self.env["res.partner"])

    def _get_partner_field_rules(self, manager_fnames, controller_fnames):
        """``(group, fields, role)`` of the partner fields reserved to a group."""
        return (
            (_MANAGER_GROUP, manager_fnames, self.env._("a credit manager")),
            (_USER_GROUP, controller_fnames, self.env._("a credit controller")),
        )
