import math
import uuid
from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import (
    SQL,
    consteq,
    float_round,
    format_amount,
    format_date,
    hmac,
    html2plaintext,
)

from odoo.addons.account.tools.structured_reference import is_valid_structured_reference_iso

from ..rules import sms as sms_rules
from ..tools.lang import company_env

#: scope of the signature of the customer's collection page link (HMAC of the database secret)
COLLECTION_TOKEN_SCOPE = "recouvrement_b2b.collection"


def _can_receive_sms(number):
    """Whether the E.164 ``number`` may receive an SMS: not a landline, freephone, premium,
    shared-cost, VoIP or other fixed service (``phonenumbers`` number type; a type the
    library's data does not know is given the benefit of the doubt); True when
    ``phonenumbers`` is missing."""
    try:
        import phonenumbers  # noqa: PLC0415 (optional, as in Odoo's phone_validation)
    except ImportError:
        return True
    try:
        kind = phonenumbers.number_type(phonenumbers.parse(number))
    except phonenumbers.NumberParseException:
        return False
    kinds = phonenumbers.PhoneNumberType
    return kind not in (
        kinds.FIXED_LINE,
        kinds.TOLL_FREE,
        kinds.PREMIUM_RATE,
        kinds.SHARED_COST,
        kinds.VOIP,
        kinds.PAGER,
        kinds.UAN,
        kinds.VOICEMAIL,
    )


class RecouvrementCustomer(models.AbstractModel):
    """The customer side of collection: what a reminder gives the customer to pay or answer
    (links to the invoices' portal pages with "Pay now", the signed link to the collection
    page, the SEPA QR code), the SMS channel, and the customer's replies to reminders.

    The reminder templates call it through ``recouvrement.dunning.event``; the dunning run
    through ``recouvrement.dunning`` (:meth:`_send_sms`, :meth:`_hold_replied_customers`).
    """

    _name = "recouvrement.customer"
    _description = "Collection: Customer Side"

    # ------------------------------------------------------------------------------------------
    # Signed link to the collection page
    # ------------------------------------------------------------------------------------------

    @api.model
    def _get_collection_token(self, partner):
        """Signature giving access to the collection page of ``partner``'s commercial entity:
        an HMAC of its id keyed on the database secret (``odoo.tools.hmac``). It cannot be
        forged nor reused for another customer."""
        return self._sign_collection_id(partner.commercial_partner_id.id)

    @api.model
    def _sign_collection_id(self, partner_id):
        """Signature of the collection page link of the res.partner id ``partner_id`` (int),
        whether the partner still exists or not."""
        # su: the database secret is read from the system parameters
        return hmac(self.env(su=True), COLLECTION_TOKEN_SCOPE, partner_id)

    @api.model
    def _check_collection_signature(self, partner_id, token):
        """Whether ``token`` (str) is the signature of the link of the res.partner id
        ``partner_id`` (int), even a customer archived or merged since: constant-time
        comparison. A tampered token (non-ASCII characters included), or another customer's,
        is not."""
        if not partner_id or not token or not str(token).isascii():
            return False  # a non-ASCII token is no signature (and consteq refuses to compare it)
        return consteq(str(token), self._sign_collection_id(partner_id))

    @api.model
    def _is_collection_closed(self, partner):
        """Whether the collection page of ``partner`` (res.partner, possibly archived) is closed
        to its customer, its link in past reminders then saying it is no longer valid: the
        customer was archived, or merged into another one (the record is gone: the caller
        checks), or is no longer a commercial entity, or its access to the portal was revoked
        (Portal Access wizard: its portal users were all archived and moved to the public
        group, none kept its access). Paying an invoice through the invoice's own link stays
        Odoo's portal behaviour."""
        if not partner or not partner.active or partner != partner.commercial_partner_id:
            return True
        # sudo: the users of the customer are read to know whether its access was revoked
        users = (
            self.env["res.users"]
            .sudo()
            .with_context(active_test=False)
            .search([("partner_id", "child_of", partner.id), ("share", "=", True)])
        )
        public = self.env.ref("base.group_public")
        revoked = users.filtered(lambda u: not u.active and public in u.groups_id)
        return bool(revoked) and not users.filtered(lambda u: u.active and u._is_portal())

    @api.model
    def _get_closed_collection_message(self, partner):
        """Translated text of the page a closed collection link (:meth:`_is_collection_closed`)
        shows: whom to contact, the companies that invoiced ``partner`` (res.partner, possibly
        archived or empty), else the current company. Returns ``(message, companies)``."""
        companies = self.env["res.company"]
        if partner:
            # sudo: only the names of the companies that invoiced the customer are read
            companies = (
                self.env["account.move"]
                .sudo()
                .search(
                    [
                        ("commercial_partner_id", "=", partner.id),
                        ("move_type", "in", ("out_invoice", "out_refund")),
                        ("state", "=", "posted"),
                    ]
                )
                .company_id
            )
        companies = companies or self.env.company
        message = self.env._(
            "This link is no longer valid. For your account, please contact %(company)s.",
            company=", ".join(companies.mapped("name")),
        )
        return message, companies

    @api.model
    def _check_collection_token(self, partner, token):
        """Whether ``token`` (str) opens the collection page of ``partner`` (a commercial
        res.partner, never one of its contacts): constant-time comparison."""
        if not partner or not token or partner != partner.commercial_partner_id:
            return False
        if not str(token).isascii():
            return False  # a non-ASCII token is no signature (and consteq refuses to compare it)
        return consteq(str(token), self._get_collection_token(partner))

    @api.model
    def _get_collection_url(self, partner):
        """Absolute signed URL of the collection page of ``partner``'s commercial entity, in
        ``partner``'s language (:meth:`_get_lang_path`)."""
        commercial = partner.commercial_partner_id
        token = self._get_collection_token(commercial)
        return (
            f"{commercial.get_base_url()}{self._get_lang_path(partner)}"
            f"/my/collection/{commercial.id}?access_token={token}"
        )

    @api.model
    def _get_lang_path(self, partner):
        """URL prefix (``/fr``, or ``''``) opening a portal page in the language of
        ``partner`` (res.partner): a customer following a link of its reminder has no
        language cookie yet, and the portal would show the database's default language
        (``http_routing``); ``''`` for the default language or a language not installed."""
        lang = self.env["res.lang"]._get_data(code=partner.lang or "")
        if not lang.url_code:
            return ""
        # the default language of the portal (http_routing): cached, no query per reminder
        default = self.env["ir.default"].sudo()._get_model_defaults("res.partner").get(
            "lang"
        ) or next(iter(self.env["res.lang"]._get_active_by("code")), "")
        return "" if lang.code == default else f"/{lang.url_code}"

    @api.model
    def _get_portal_values(self, partner, date=None):
        """What the collection page shows ``partner`` (a commercial res.partner) on ``date``
        (default: today), read as superuser (the page is reached by a signed link too): never
        another customer's data, whatever the caller.

        The open invoices are those our collection may claim (the reminders' own filter,
        ``recouvrement.proceedings._filter_dunning_moves``): not the invoices a factor collects
        (notified factoring) nor the claims frozen by collective proceedings.

        A customer invoiced by several of our companies owes each of them apart: the open items
        are grouped per company, each with its own totals, penalties, statement and bank
        details, and a promise or a dispute is recorded with one company.

        :return: dict with ``partner``, ``lines`` (one dict per open customer invoice: ``move``,
            ``residual`` (invoice currency) and ``residual_text`` (formatted), ``days`` late,
            ``penalty`` and ``indemnity`` claimable (art. L441-10 and D441-5 Code de commerce;
            None when a reference rate they need is not entered yet, the page still opens),
            ``url`` of its portal page with "Pay now", ``due_dates`` and
            ``litigation_due_dates``: ``account.move._get_due_date_parts``),
            ``statement`` (open receivable items, invoices and unmatched payments or credit
            notes, oldest first: ``date``, ``label``, ``due``, ``debit``, ``credit``,
            ``balance``), ``totals`` (per company and currency, in that currency: ``company``,
            ``currency``, ``due_now`` (the instalments due by ``date``), ``not_due`` (those due
            later), ``balance`` (both), ``penalty``, ``indemnity``), ``companies`` (one dict
            per company the
            customer owes, the company of the oldest due invoice first, a company with open
            credits only last: ``company``, its ``lines``, ``totals`` and ``statement``,
            ``due`` (float, company currency: the net balance due, its invoices less the
            open credits ``open_credit`` deducted from them (their shares of the customer's
            credits by the one rule, ``recouvrement.dunning._allocate_open_credits``: a credit
            pays the oldest debt first, a claim not shown included, each credit only the debts
            of its own currency, LEGAL.md open credits; :meth:`_get_portal_nets`), never below
            0 in any currency; what a promise may cover at most, the amount the promise form
            proposes), ``payable`` (float, company currency: what is due now, the instalments
            due by ``date`` less their shares of the open credits and less ``disputed``, the
            part of them an open dispute holds back, as the reminders claim it, never below 0
            in any
            currency), ``penalty_unknown`` (bool: the penalties of
            some invoice cannot be computed today, the totals leave them out), ``currency``
            (the company's), ``bank`` (res.partner.bank of the company, may be empty),
            ``reference`` (the payment references of its invoices, to quote)) and
            ``today``.
        """
        date = date or fields.Date.context_today(self)
        # sudo: the customer reads its own invoices only (domain on its commercial entity)
        moves = (
            self.env["account.move"]
            .sudo()
            .search(
                [
                    ("commercial_partner_id", "=", partner.id),
                    ("move_type", "=", "out_invoice"),
                    ("state", "=", "posted"),
                    ("payment_state", "in", ("not_paid", "partial")),
                    ("amount_residual", ">", 0),
                ],
                order="invoice_date_due, id",
            )
        )
        # only what our collection may claim, as the reminders: an invoice assigned to a
        # factor in notified factoring is paid to the factor (art. L313-28 Code monetaire et
        # financier, 1346-5 Code civil: paying us would not discharge the customer), and a
        # claim born before the opening judgment of collective proceedings may not be paid
        # (art. L622-7 Code de commerce) nor pursued (L622-21): no "Pay now", no promise
        moves = self.env["recouvrement.proceedings"].sudo()._filter_dunning_moves(moves, date)
        self._ensure_access_tokens(moves)
        # never raises: a reference rate not entered yet (a new half-year's ECB rate) leaves
        # the penalties of the invoices concerned unknown, not the customer's page broken
        # sudo: the penalties of the customer's own invoices (moves, read as superuser above)
        Penalty = self.env["recouvrement.penalty"].sudo()
        # what posted penalty invoices charged is listed with them, not claimed twice
        figures = Penalty._get_penalty_claim_figures(moves.sudo(), date, keep_errors=True)
        unknown_ids = {move_id for move_id, figure in figures.items() if figure.get("error")}
        statement = self._get_statement(partner)
        # in company currency at the rate of the day, as the reminders claim them (one rate
        # for foreign-currency amounts, recouvrement.dunning._get_line_amounts)
        receivable = moves.line_ids.filtered(
            lambda line: (
                line.account_id.account_type == "asset_receivable"
                and not line.reconciled
                and line.amount_residual > 0
            )
        )
        credit_lines = (
            self.env["account.move.line"]
            .sudo()
            .union(*(item["line"] for item in statement if item["credit"]))
        )
        day_amounts = (
            self.env["recouvrement.dunning"]
            .sudo()
            ._get_line_amounts(receivable | credit_lines, date)
        )
        # what is due now (instalments due by ``date``) apart from what is not due yet: only
        # the former is asked for now (LEGAL.md, instalments), in the invoice currency
        move_due_now = defaultdict(float)
        # an invoice in a signed payment plan: the plan's instalments replace its due dates
        # (README, product decisions)
        plan_due_now = self._get_plan_due_now(moves, date)
        move_due_now.update(plan_due_now)
        for line in receivable:
            if line.move_id.id in plan_due_now:
                continue
            if not line.date_maturity or line.date_maturity <= date:
                move_due_now[line.move_id.id] += line.amount_residual_currency
        groups = {}
        for move in moves:
            figure = figures.get(move.id, {})
            unknown = move.id in unknown_ids
            # of an invoice a litigation case claims in part, its other instalments as open
            # ones and the instalments claimed apart (issue 17)
            due_dates, litigation_due_dates = move._get_due_date_parts()
            line = {
                "move": move,
                "residual": move.amount_residual,
                "residual_text": format_amount(self.env, move.amount_residual, move.currency_id),
                # late from the oldest unpaid instalment, as the penalties (LEGAL.md, instalments)
                "days": max((date - (move._get_oldest_unpaid_due() or date)).days, 0),
                # each instalment's due date, as the invoice prints them
                "due_dates": due_dates,
                "litigation_due_dates": litigation_due_dates,
                "penalty": None if unknown else figure.get("penalty", 0.0),
                "indemnity": None if unknown else figure.get("indemnity", 0.0),
                "url": move.get_portal_url(),
            }
            group = groups.get(move.company_id.id) or groups.setdefault(
                move.company_id.id, self._get_portal_company_values(move.company_id, statement)
            )
            group["lines"].append(line)
            group["currency_ids"].add(move.currency_id.id)
            total = group["totals_by_currency"].setdefault(
                move.currency_id.id,
                {
                    "company": move.company_id,
                    "currency": move.currency_id,
                    "due_now": 0.0,
                    "not_due": 0.0,
                    "balance": 0.0,
                    "penalty": 0.0,
                    "indemnity": 0.0,
                },
            )
            due_now = move.currency_id.round(min(move_due_now[move.id], move.amount_residual))
            for key, value in (
                ("due_now", due_now),
                ("not_due", move.amount_residual - due_now),
                ("balance", move.amount_residual),
                ("penalty", line["penalty"]),
                ("indemnity", line["indemnity"]),
            ):
                total[key] = move.currency_id.round(total[key] + (value or 0.0))
            group["penalty_unknown"] = group["penalty_unknown"] or line["penalty"] is None
        for item in statement:  # open credits or payments with a company owed nothing
            if item["company"].id not in groups:
                groups[item["company"].id] = self._get_portal_company_values(
                    item["company"], statement
                )
        companies = list(groups.values())
        nets = self._get_portal_nets(
            moves, receivable, statement, day_amounts, date, plan_due_now=plan_due_now
        )
        for group in companies:
            # what the customer is asked to pay is net of the shares of its open credits
            # (credit notes, payments not allocated to an invoice) the one rule gives the
            # invoices shown (recouvrement.dunning._allocate_open_credits: oldest debt first,
            # art. 1342-10 Code civil; LEGAL.md, open credits), as the reminders claim it,
            # currency by currency (art. 1347-1 Code civil), never below zero; to pay now
            # leaves out what an open dispute holds back, as the reminders do (issue 17)
            currency = group["currency"]
            currency_ids = group.pop("currency_ids")
            company_nets = nets.get(group["company"].id, {})
            if currency_ids:
                figures = [company_nets.get(key, {}) for key in currency_ids]
                for name in ("due", "payable", "open_credit", "disputed"):
                    group[name] = currency.round(sum(fig.get(name, 0.0) for fig in figures))
            else:  # credits only: listed, nothing due
                group["open_credit"] = currency.round(
                    sum(
                        -day_amounts[item["line"].id]
                        for item in group["statement"]
                        if item["credit"]
                    )
                )
            group["totals"] = list(group.pop("totals_by_currency").values())
            group["reference"] = ", ".join(
                line["move"].payment_reference or line["move"].name for line in group["lines"]
            )
        return {
            "partner": partner,
            "lines": [line for group in companies for line in group["lines"]],
            "statement": statement,
            "totals": [total for group in companies for total in group["totals"]],
            "companies": companies,
            "today": date,
        }

    @api.model
    def _get_plan_due_now(self, moves, date):
        """What is due on ``date`` of each invoice of ``moves`` (account.move) in a signed
        payment plan (``payment_plan_id``): the plan's instalments due by ``date`` and not
        paid (``recouvrement.payment.plan.line.amount_residual``) replace the invoice's own
        due dates (README, product decisions: the plan gave new terms), shared over the
        plan's invoices oldest due date first, each up to its residual. The reminders leave
        such invoices out; the collection page asks what the plan asks (issue 17: it asked
        the whole invoice, 40 days late, while the plan's first instalment was not due).

        :return: ``{move id: float}`` in the invoice currency (the plan's), for the invoices
            in a signed plan only. Queries do not depend on the number of invoices.
        """
        in_plan = moves.filtered(lambda move: move.payment_plan_id)
        result = {}
        for plan in in_plan.payment_plan_id:
            due = sum(line.amount_residual for line in plan.line_ids if line.date_due <= date)
            for move in (in_plan & plan.move_ids).sorted(
                lambda move: (move.invoice_date_due or move.date, move.id)
            ):
                part = plan.currency_id.round(min(max(due, 0.0), move.amount_residual))
                result[move.id] = part
                due -= part
        return result

    @api.model
    def _get_portal_nets(self, moves, receivable, statement, day_amounts, date, plan_due_now=None):
        """What the collection page asks on ``date`` for the invoices ``moves`` it shows
        (account.move; ``receivable``, their open instalments), net of the open credits of
        ``statement`` (:meth:`_get_statement`) as the one rule shares them over ALL the
        customer's open debts (``recouvrement.dunning._allocate_open_credits``: the open
        cases' claims first, then the oldest due debt first, art. 1342-10 Code civil; a
        claim born before an opening judgment, not shown, takes its share of the credits born
        before it, L622-7), so that the page asks what the reminders claim (issue 17).

        :param day_amounts: ``{line id: float}``, the instalments and credits in company
            currency at the rate of ``date`` (``recouvrement.dunning._get_line_amounts``)
        :return: ``{company id: {currency id: {"due", "payable", "open_credit",
            "disputed"}}}`` (floats, company currency, never below 0): ``open_credit`` the
            credits deducted from the invoices shown (their shares, what the cases shown took,
            and what no debt takes); ``due`` the invoices shown less it; ``payable`` the
            instalments due by ``date`` (of an invoice in a signed payment plan, its part of
            the plan's instalments due, ``plan_due_now``: :meth:`_get_plan_due_now`) less
            their shares and less ``disputed``, the part an open dispute holds back
            (``recouvrement.dispute._dunning_excluded_amounts``, spread over the invoice's
            instalments in proportion to their values, as the reminders spread it). Queries
            do not depend on the number of invoices.
        """
        plan_due_now = plan_due_now or {}
        Dunning = self.env["recouvrement.dunning"].sudo()
        credits = defaultdict(lambda: self.env["account.move.line"].sudo())
        for item in statement:
            if item["credit"]:
                line = item["line"]
                credits[
                    line.company_id.id,
                    line.partner_id.commercial_partner_id.id,
                    line.currency_id.id,
                ] |= line
        # what is left of each credit after the cases is written into ``left``
        left = dict(day_amounts)
        _kept, taken, shares = Dunning._allocate_open_credits(dict(credits), left, date)
        disputed = self.env["recouvrement.dispute"].sudo()._dunning_excluded_amounts(moves, date)
        nets = defaultdict(
            lambda: defaultdict(
                lambda: {"due": 0.0, "payable": 0.0, "open_credit": 0.0, "disputed": 0.0}
            )
        )
        for line in receivable:
            move = line.move_id
            net = nets[move.company_id.id][line.currency_id.id]
            value = day_amounts[line.id]
            share = sum(shares.get(line.id, {}).values())
            net["due"] += value
            net["open_credit"] += share
            if move.id in plan_due_now:
                # its part of the plan's instalments due now, at the rate of the day
                if move.amount_residual:
                    net["payable"] += plan_due_now[move.id] * value / move.amount_residual - share
                continue
            if line.date_maturity and line.date_maturity > date:
                continue
            held = 0.0
            if disputed.get(move.id) and move.amount_residual_signed:
                held = disputed[move.id] * value / move.amount_residual_signed
            net["disputed"] += held
            # summed, then rounded and floored once per currency: each instalment's disputed
            # part is not rounded to the cent (issue 17: 0.01 asked of a balance of 0.00)
            net["payable"] += value - held - share
        extra = self._get_portal_extra_credits(moves, credits, left, taken, shares)
        for (company_id, _partner_id, currency_id), lines in credits.items():
            net = nets[company_id][currency_id]
            deducted = sum(extra[line.id] for line in lines)
            net["open_credit"] += deducted
            net["payable"] -= deducted
        result = {}
        for company_id, currencies in nets.items():
            result[company_id] = {}
            for currency_id, net in currencies.items():
                result[company_id][currency_id] = {
                    "due": max(float_round(net["due"] - net["open_credit"], 2), 0.0),
                    "payable": max(float_round(net["payable"], 2), 0.0),
                    "open_credit": float_round(net["open_credit"], 2),
                    "disputed": float_round(net["disputed"], 2),
                }
        return result

    @api.model
    def _get_portal_extra_credits(self, moves, credits, left, taken, shares):
        """``{credit line id: float}``: what the collection page of the invoices ``moves``
        deducts of each open credit besides the shares of its instalments
        (:meth:`_get_portal_nets`): what the open cases of those invoices took
        (``taken``), and what no debt takes (a credit larger than what may be paid:
        ``left``, what the cases left of each credit, less all the ``shares``). Company
        currency, positive. No query."""
        free = {line.id: -left[line.id] for lines in credits.values() for line in lines}
        for parts in shares.values():
            for credit_id, part in parts.items():
                free[credit_id] -= part
        extra = defaultdict(float)
        for case_id, parts in taken.items():
            if case_id in moves.litigation_id.ids:
                for credit_id, part in parts.items():
                    extra[credit_id] += part
        for credit_id, rest in free.items():
            extra[credit_id] += max(rest, 0.0)
        return extra

    @api.model
    def _get_portal_company_values(self, company, statement):
        """The group of the collection page of ``company`` (res.company), before its invoices
        are added (see :meth:`_get_portal_values`): its bank details and its own lines of
        ``statement`` (list of dicts of :meth:`_get_statement`)."""
        return {
            "company": company,
            "currency": company.currency_id,
            "lines": [],
            "totals_by_currency": {},
            "currency_ids": set(),
            "due": 0.0,
            "payable": 0.0,
            "open_credit": 0.0,
            "disputed": 0.0,
            "penalty_unknown": False,
            "statement": [item for item in statement if item["company"] == company],
            "bank": company.partner_id.bank_ids[:1],
        }

    @api.model
    def _get_portal_reasons(self):
        """``[(key, label)]`` of the problems a customer may report (the commercial dispute
        reasons), in the user's language."""
        return self.env["recouvrement.dispute"]._fields["reason"]._description_selection(self.env)

    @api.model
    def _get_collector(self, company, partner):
        """Collector in charge of ``partner`` (commercial res.partner) in ``company``, who gets
        the activities of its promises, problems and replies: the customer's collector, else
        its segment's, else the company's collection responsible (as the worklist and the
        reports: ``recouvrement.dunning.policy._get_collectors``), else the customer's
        salesperson, else the administrator."""
        collector = self.env["recouvrement.dunning.policy"]._get_collectors(partner, company)
        return (
            collector.get(partner.commercial_partner_id.id)
            or partner.user_id
            or self.env.ref("base.user_admin", raise_if_not_found=False)
            or self.env["res.users"]
        )

    @api.model
    def _get_portal_company_group(self, partner, company_id):
        """The group of the collection page of ``partner`` (commercial res.partner) for the
        company of id ``company_id`` (str or int; None or empty: the only company the customer
        owes), see :meth:`_get_portal_values`; None when the customer owes that company nothing,
        or owes several companies and none was chosen."""
        companies = self._get_portal_values(partner)["companies"]
        if company_id in (None, "", False):
            return companies[0] if len(companies) == 1 else None
        return next((g for g in companies if str(g["company"].id) == str(company_id)), None)

    @api.model
    def _parse_portal_amount(self, value, currency, maximum):
        """The amount typed by a customer on its collection page: ``value`` (str) read as a
        number and rounded to the cent of ``currency`` (res.currency), or None when it is not
        a number, rounds to zero or less, or exceeds ``maximum`` (float, the amount due in
        ``currency``): it is checked before any record is written, so that no value, however
        small or large, reaches the database."""
        try:
            amount = float(value)
        except (TypeError, ValueError):
            return None
        # compared before rounding: a huge value cannot be rounded (float overflow)
        if not currency or not math.isfinite(amount) or not 0 < amount <= maximum + 1:
            return None
        amount = currency.round(amount)
        if currency.is_zero(amount) or currency.compare_amounts(amount, maximum) > 0:
            return None
        return amount

    @api.model
    def _portal_promise(self, partner, date, amount, company_id=None):
        """The customer ``partner`` (commercial res.partner) promises on its collection page
        to pay ``amount`` (str, currency of the company) on ``date`` (str, ISO) to the company
        of id ``company_id`` (str or int; may be omitted when the customer owes one company
        only): a ``recouvrement.promise`` of that company for its open invoices (channel
        portal: its reminders wait for it, as the promise model decides) and an activity for
        its collector. A promise never covers what another company is owed.

        :return: the promise, or False when the company, the date or the amount is not valid
            (not a company the customer owes, not a date, before today, not a positive number
            once rounded to the cent, more than the amount due to that company:
            :meth:`_parse_portal_amount`)
        """
        try:
            date = fields.Date.to_date(date)
        except (TypeError, ValueError):
            return False
        if not date or date < fields.Date.context_today(self):
            return False
        group = self._get_portal_company_group(partner, company_id)
        if not group:
            return False
        moves = self.env["account.move"].sudo().union(*(line["move"] for line in group["lines"]))
        amount = self._parse_portal_amount(amount, group["currency"], group["due"])
        if not amount:
            return False
        company = group["company"]
        self._lock_customer(partner)
        # sudo: the customer (portal or signed link) reads its own promises
        same = (
            self.env["recouvrement.promise"]
            .sudo()
            .search(
                [
                    ("partner_id", "=", partner.id),
                    ("company_id", "=", company.id),
                    ("channel", "=", "portal"),
                    ("state", "=", "running"),
                    ("date", "=", date),
                    ("amount", "=", amount),
                    ("date_recorded", "=", fields.Date.context_today(self)),
                ],
                limit=1,
            )
        )
        if same:  # the same form sent twice: recorded once
            return same
        try:
            with self.env.cr.savepoint():
                # sudo: the customer (portal or signed link) records its own promise
                promise = (
                    self.env["recouvrement.promise"]
                    .sudo()
                    .with_company(company)
                    ._create_from_portal(partner, amount, date, invoices=moves, channel="portal")
                )
        except (UserError, ValidationError):
            return False
        collector = self._get_collector(promise.company_id, partner)
        # an internal note, written in the company's language, not the customer's (issue 16)
        note_env = company_env(self.env, promise.company_id)
        promise.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=note_env._("Payment promised on the portal"),
            note=note_env._(
                "%(partner)s promised to pay %(amount)s on %(date)s.",
                partner=partner.name,
                amount=format_amount(note_env, amount, promise.currency_id),
                date=format_date(note_env, date),
            ),
            user_id=collector.id,
            date_deadline=date,
        )
        return promise

    @api.model
    def _portal_dispute(
        self, partner, invoice_id, reason, amount, comment, attachment=None, company_id=None
    ):
        """The customer ``partner`` (commercial res.partner) reports a problem on one of its
        open invoices (``invoice_id``, str) for ``reason`` (a dispute reason key) on ``amount``
        (str, invoice currency; empty: the whole amount due) with ``comment`` and
        ``attachment`` (``(file name, bytes)`` or None): a ``recouvrement.dispute`` (its
        invoice leaves the reminders, as the dispute model decides) and an activity for the
        collector of the invoice's company. ``company_id`` (str, the form's company; None:
        not checked) must be the invoice's: a form of one company never reports on another's
        invoice.

        :return: the dispute, or False when the invoice is not one of the customer's open
            invoices (of that company) or the amount is not valid
        """
        lines = self._get_portal_values(partner)["lines"]
        invoice = next((li["move"] for li in lines if str(li["move"].id) == str(invoice_id)), None)
        other_company = company_id not in (None, "", False) and str(company_id) != str(
            invoice and invoice.company_id.id
        )
        if not invoice or other_company:
            return False
        if amount not in (None, ""):
            amount = self._parse_portal_amount(amount, invoice.currency_id, invoice.amount_residual)
            if not amount:
                return False
        else:
            amount = None
        self._lock_customer(partner)
        Dispute = self.env["recouvrement.dispute"].sudo()
        # sudo: the customer (portal or signed link) reads its own disputes
        same = Dispute.search(
            [
                ("move_id", "=", invoice.id),
                ("state", "=", "open"),
                ("reason", "=", reason if reason in dict(self._get_portal_reasons()) else "other"),
                # no amount: the whole amount left undisputed, whatever it is by now
                *([("amount", "=", amount)] if amount is not None else []),
                ("description", "=", comment or False),
                ("date", "=", fields.Date.context_today(self)),
            ],
            limit=1,
        )
        if same:  # the same form sent twice: recorded once
            return same
        try:
            with self.env.cr.savepoint():
                # sudo: the customer (portal or signed link) reports on its own invoice
                dispute = (
                    self.env["recouvrement.dispute"]
                    .sudo()
                    .with_company(invoice.company_id)
                    ._create_from_portal(invoice, reason, amount=amount, description=comment)
                )
        except (UserError, ValidationError):
            return False
        collector = self._get_collector(invoice.company_id, partner)
        if dispute.user_id.share or not dispute.user_id.active:
            dispute.user_id = invoice.invoice_user_id or collector
        attachments = self.env["ir.attachment"].sudo()
        if attachment:
            attachments = attachments.create(
                {
                    "name": attachment[0],
                    "raw": attachment[1],
                    "res_model": dispute._name,
                    "res_id": dispute.id,
                }
            )
        dispute.message_post(
            body=comment or "",
            author_id=partner.id,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
            attachment_ids=attachments.ids,
        )
        # an internal note, written in the company's language, not the customer's (issue 16)
        note_env = company_env(self.env, dispute.company_id)
        dispute.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=note_env._("Problem reported on the portal"),
            note=note_env._(
                "%(partner)s reports a problem on %(invoice)s (%(reason)s).",
                partner=partner.name,
                invoice=invoice.name,
                reason=dict(self.with_env(note_env)._get_portal_reasons()).get(
                    dispute.reason, dispute.reason
                ),
            ),
            user_id=collector.id,
        )
        return dispute

    @api.model
    def _lock_customer(self, partner):
        """Serialise the requests of the collection page of ``partner`` (commercial
        res.partner): its row is updated, not only locked, so that a request started before
        another one committed fails with a serialization error; Odoo's request handling
        (``odoo.service.model.retrying``) runs it again, and it then sees what the other one
        recorded (the same form sent twice at once is recorded once)."""
        self.env.cr.execute(
            SQL("UPDATE res_partner SET write_date = write_date WHERE id = %s", partner.id)
        )

    @api.model
    def _get_statement(self, partner):
        """Open items of ``partner``'s receivable account per company, oldest first, with the
        running balance (company currency): a list of dicts ``company``, ``date``, ``label``,
        ``due``, ``debit``, ``credit``, ``balance``, ``currency`` and ``line`` (the
        account.move.line)."""
        # sudo: the customer reads its own journal items only
        items = (
            self.env["account.move.line"]
            .sudo()
            .search(
                [
                    ("partner_id.commercial_partner_id", "=", partner.id),
                    ("account_id.account_type", "=", "asset_receivable"),
                    ("parent_state", "=", "posted"),
                    ("reconciled", "=", False),
                    ("amount_residual", "!=", 0),
                ],
                order="date, id",
            )
        )
        balances = defaultdict(float)
        statement = []
        for item in items.sorted(lambda i: (i.company_id.id, i.date, i.id)):
            balances[item.company_id.id] += item.amount_residual
            statement.append(
                {
                    "company": item.company_id,
                    "date": item.date,
                    "label": item.move_id.name,
                    "due": item.date_maturity,
                    "debit": max(item.amount_residual, 0.0),
                    "credit": max(-item.amount_residual, 0.0),
                    "balance": balances[item.company_id.id],
                    "currency": item.company_currency_id,
                    "line": item,
                }
            )
        return statement

    # ------------------------------------------------------------------------------------------
    # Pay from the reminder
    # ------------------------------------------------------------------------------------------

    @api.model
    def _get_pay_lines(self, event):
        """One dict per invoice of ``event`` (recouvrement.dunning.event): ``move``, ``url``
        (absolute URL of its portal page in the recipient's language, signed with the
        invoice's ``access_token``, where "Pay now" goes through the company's payment
        providers) and ``reference`` (the invoice's structured payment reference, else its
        number)."""
        event.ensure_one()
        # named as the reminder printed them (issue 17); an invoice reset to draft since can
        # no longer be paid online
        names = {row[3]["move"]: row[3]["name"] for row in event._get_printed_rows()}
        # sudo: the portal access token of the invoices is generated on first use
        moves = (
            event.move_ids.sudo()
            .filtered(lambda m: m.state == "posted")
            .sorted(lambda m: (m.invoice_date_due, m.id))
        )
        self._ensure_access_tokens(moves)
        lang_path = self._get_lang_path(event.recipient_id or event.partner_id)
        return [
            {
                "move": move.with_env(self.env),
                "name": names.get(move.id, move.name),
                "url": move.get_base_url() + lang_path + move.get_portal_url(),
                "reference": move.payment_reference or move.name,
            }
            for move in moves
        ]

    @api.model
    def _ensure_access_tokens(self, moves):
        """Give the invoices of ``moves`` without one a portal ``access_token`` (a UUID, as
        ``portal.mixin._portal_ensure_token``), set in the cache as write() does (without
        ``account.move.write``, which would resynchronise the journal items): flushed in one
        query whatever their number, with the other fields of the invoices changed meanwhile
        (the dunning's levels and dates, :meth:`recouvrement.dunning._advance_invoices`)."""
        missing = moves.filtered(lambda m: not m.access_token)
        field = moves._fields["access_token"]
        for move in missing:
            field.write(move, str(uuid.uuid4()))
        missing.modified(["access_token"])

    @api.model
    def _get_sepa_qr(self, event):
        """EPC (SEPA credit transfer) QR code paying ``event``'s total claimed to the company's
        bank account, built by Odoo's ``res.partner.bank`` machinery (``sct_qr``): a
        ``data:image/png;base64,...`` URL, or False (no IBAN in the SEPA zone, not EUR, nothing
        claimed).

        An ISO 11649 (RF) reference goes in the structured remittance field, any other one in
        the free text (EPC069-12).
        """
        event.ensure_one()
        bank = event._get_bank_account()
        if not bank or event.amount_total <= 0:
            return False
        reference = event._get_payment_reference() or ""
        structured = reference if is_valid_structured_reference_iso(reference) else None
        return (
            bank.build_qr_code_base64(
                event.currency_id.round(event.amount_total),
                None if structured else reference,
                structured,
                event.currency_id,
                event.partner_id,
                qr_method="sct_qr",
                silent_errors=True,
            )
            or False
        )

    # ------------------------------------------------------------------------------------------
    # SMS channel
    # ------------------------------------------------------------------------------------------

    @api.model
    def _get_sms_refusal(self, recipient):
        """Why ``recipient`` (res.partner) cannot get a reminder by SMS, or an empty string:
        opted out of SMS reminders, no valid mobile or phone number, or the number blacklisted
        (``phone_sanitized_blacklisted``: the customer asked to receive no more SMS)."""
        if recipient.commercial_partner_id.dunning_sms_opt_out or recipient.dunning_sms_opt_out:
            return self.env._("%(partner)s asked not to be reminded by SMS", partner=recipient.name)
        if not recipient.phone_sanitized:
            return self.env._(
                "%(partner)s has no valid mobile or phone number", partner=recipient.name
            )
        number = self._get_sms_number(recipient)
        if not number:
            return self.env._(
                "%(partner)s has no mobile number (%(number)s cannot receive an SMS)",
                partner=recipient.name,
                number=recipient.phone_sanitized,
            )
        if recipient.phone_sanitized_blacklisted or self.env["phone.blacklist"].sudo().search_count(
            [("number", "=", number)], limit=1
        ):
            return self.env._(
                "the number %(number)s of %(partner)s is blacklisted",
                number=number,
                partner=recipient.name,
            )
        return ""

    @api.model
    def _get_sms_number(self, recipient):
        """Number an SMS reminder to ``recipient`` (res.partner) goes to, in E.164: the first
        of its mobile and phone numbers that can receive an SMS (a mobile number for
        ``phonenumbers``: type MOBILE or FIXED_LINE_OR_MOBILE; landlines and freephone numbers
        cannot), else ``''``. Without the ``phonenumbers`` library every valid number is
        kept."""
        for value in (recipient.mobile, recipient.phone):
            number = value and recipient._phone_format(number=value, raise_exception=False)
            if number and _can_receive_sms(number):
                return number
        return ""

    @api.model
    def _get_sms_fallback_vals(self, level, recipient, undelivered=False):
        """Values of a reminder at the SMS ``level`` to ``recipient`` (res.partner) who cannot
        get it by SMS (:meth:`_get_sms_refusal`), or whose last reminder was not delivered
        (``undelivered``: an SMS the provider refused or could not deliver,
        :meth:`_mark_sms_undelivered`): a letter to post instead, said in the event's note;
        ``{}`` when the SMS can be sent."""
        if undelivered:
            return {
                "channel": "letter",
                "note": self.env._(
                    "The previous reminder to %(partner)s was not delivered: the reminder "
                    "%(level)s is sent as a letter to print and post instead.",
                    partner=recipient.display_name,
                    level=level.name,
                ),
            }
        refusal = self._get_sms_refusal(recipient)
        if not refusal:
            return {}
        return {
            "channel": "letter",
            "note": self.env._(
                "No SMS: %(reason)s. The reminder %(level)s is sent as a letter to print "
                "and post instead.",
                reason=refusal,
                level=level.name,
            ),
        }

    @api.model
    def _send_sms(self, event):
        """Send ``event``'s reminder by SMS (``sms`` module, through IAP, queued) to its
        recipient's normalised number (E.164, ``_phone_format``), from the level's SMS
        template in the GSM 03.38 alphabet (``rules/sms.py``: billed by parts of 153
        characters, not 67); the SMS is logged on the event.

        A recipient who opted out, is blacklisted or has no valid number gets the reminder as a
        letter to post instead (said in the event's note, :meth:`_get_sms_fallback_vals`), as
        an email level without address. An SMS refused or not delivered makes the reminder
        undelivered (:meth:`_mark_sms_undelivered`).
        """
        event.ensure_one()
        recipient = event.recipient_id or event.partner_id
        if self._get_sms_refusal(recipient):  # decided when the event was created
            return
        number = self._get_sms_number(recipient)
        template = event.level_id.sms_template_id or self.env.ref(
            "recouvrement_b2b.sms_template_dunning_reminder"
        )
        # sudo: the SMS and its notification are created on the event for the run's user
        event = event.sudo()
        # rendered in the recipient's language (the template's), written in the GSM alphabet:
        # a no-break space of the amount would send it in UCS-2, in twice as many parts
        body = template.sudo()._render_field("body", event.ids, compute_lang=True)[event.id]
        message = event._message_sms(
            sms_rules.to_gsm7(body),
            partner_ids=recipient.ids,
            sms_pid_to_number={recipient.id: number},
            put_in_queue=True,
        )
        # in the SMS queue until the provider takes it (:meth:`_mark_sms_left_queue`): no
        # delivered reminder before
        event.queued = True
        # refused at once (the sms module found the number invalid): never sent
        self._mark_sms_undelivered(message.notification_ids)

    @api.model
    def _mark_sms_undelivered(self, notifications):
        """The SMS reminders of ``notifications`` (mail.notification of SMS, any record) that
        failed (number refused by the provider, no credit, provider error) or were reported
        not delivered (delivery report: expired, rejected, invalid destination) were never
        received: their reminders are undelivered, as an email that bounced
        (``recouvrement.dunning._mark_undelivered``: not counted as sent, the levels put back,
        the next run sends the reminder again as a letter, the collector told). Others are
        left alone."""
        # sudo: the SMS queue and the delivery reports run for no collection user
        notifications = notifications.sudo().filtered(
            lambda n: (
                n.notification_type == "sms"
                and n.notification_status in ("exception", "bounce")
                and n.mail_message_id.model == "recouvrement.dunning.event"
            )
        )
        Event = self.env["recouvrement.dunning.event"].sudo()
        for notification in notifications:
            event = Event.browse(notification.mail_message_id.res_id).exists()
            if not event or event.channel != "sms" or event.state != "sent":
                continue
            note_env = company_env(self.env, event.company_id)
            failures = dict(notification._fields["failure_type"]._description_selection(note_env))
            reason = (
                failures.get(notification.failure_type)
                or notification.failure_reason
                or note_env._("SMS not delivered")
            )
            self.env["recouvrement.dunning"]._mark_undelivered(event, reason)

    @api.model
    def _mark_sms_left_queue(self, notifications):
        """The SMS reminders of ``notifications`` (mail.notification of SMS, any record) were
        handed to the provider: they left the outgoing queue today
        (``recouvrement.dunning._dunning_mail_left_queue``). Others are left alone."""
        # sudo: the SMS queue runs for no collection user
        messages = (
            notifications.sudo()
            .filtered(lambda n: n.notification_type == "sms")
            .mail_message_id.filtered(lambda m: m.model == "recouvrement.dunning.event")
        )
        events = self.env["recouvrement.dunning.event"].browse(messages.mapped("res_id"))
        self.env["recouvrement.dunning"]._dunning_mail_left_queue(
            events.sudo().exists().filtered(lambda e: e.channel == "sms")
        )

    @api.model
    def _get_event_address(self, event):
        """Where the reminder ``event`` (recouvrement.dunning.event) was sent: the SMS
        number (E.164) of an SMS reminder, the postal address (one line) of a letter, else the
        recipient's email address."""
        recipient = event.recipient_id or event.partner_id
        if event.channel == "sms":
            return self._get_sms_number(recipient) or recipient.phone_sanitized or ""
        if event.channel in ("letter", "registered"):
            address = recipient._display_address(without_company=True)
            return ", ".join(line.strip() for line in address.splitlines() if line.strip())
        return event.recipient_id.email or event.partner_id.email or ""

    # ------------------------------------------------------------------------------------------
    # Replies to reminders
    # ------------------------------------------------------------------------------------------

    @api.model
    def _get_reply_user(self, event):
        """Collector who handles a reply to ``event``: the customer's collector in the event's
        company (:meth:`_get_collector`: its own, its segment's, the company's collection
        responsible, its salesperson), else the user who sent the reminder unless it was the
        system (a cron runs as OdooBot, whom nobody reads), else the administrator."""
        collectors = self.env["recouvrement.dunning.policy"]._get_collectors(
            event.partner_id, event.company_id
        )
        sender = event.sudo().user_id
        return (
            collectors.get(event.partner_id.commercial_partner_id.id)
            or event.partner_id.user_id
            or (sender if sender.active and not sender._is_superuser() else sender.browse())
            or self.env.ref("base.user_admin")
        )

    @api.model
    def _handle_reply(self, event, message):
        """A customer answered the reminder ``event`` by email (``message``, the mail.message
        posted on the event by the mail gateway, where it stays: not in the shared customer's
        chatter): schedule a "Reply to a reminder" activity for the collector on the event and
        hold the customer's escalation (``reply_pending``) until the activity is done."""
        event.ensure_one()
        # sudo: the reply comes from the mail gateway (no collection user); only logs and an
        # activity are written
        event = event.sudo()
        event.reply_pending = True
        author = message.author_id.display_name or message.email_from or ""
        note_env = company_env(self.env, event.company_id)
        # The reply stays on the event, read by the company's collection users only: it is not
        # copied into the shared customer's chatter, where other companies' users would read
        # it (issue 19).
        event.activity_schedule(
            "recouvrement_b2b.mail_activity_type_dunning_reply",
            summary=note_env._("Reply from %(author)s", author=author),
            note=Markup("<p>%s</p>") % html2plaintext(message.body or "")[:500],
            user_id=self._get_reply_user(event).id,
            date_deadline=fields.Date.context_today(self),
        )

    @api.model
    def _handle_auto_reply(self, event, message):
        """An automatic reply to the reminder ``event`` (out-of-office notice, vacation
        responder: ``Auto-Submitted``, ``X-Autoreply``, ``Precedence`` headers or the subject,
        ``rules/autoreply.py``) was received as ``message`` (mail.message, kept on the event):
        the event records its date (``auto_reply_date``) so that the collector sees it, but no
        customer reply is pending, no activity is raised and the ladder goes on."""
        event.ensure_one()
        # sudo: the email comes from the mail gateway (no collection user); only the date of
        # the automatic reply is written
        event.sudo().auto_reply_date = message.date or fields.Datetime.now()

    @api.model
    def _release_replies(self, events):
        """Clear ``reply_pending`` on those of ``events`` (recouvrement.dunning.event) left with
        no reply activity to handle: the customer's ladder goes on."""
        reply_type = self.env.ref(
            "recouvrement_b2b.mail_activity_type_dunning_reply", raise_if_not_found=False
        )
        pending = events.filtered("reply_pending")
        if not pending:
            return
        still = (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", events._name),
                    ("res_id", "in", pending.ids),
                    ("activity_type_id", "=", reply_type.id if reply_type else False),
                ]
            )
        )
        # sudo: whoever handles the reply may clear the flag (no evidence field is written)
        pending.filtered(lambda e: e.id not in still.mapped("res_id")).sudo().reply_pending = False

    @api.model
    def _get_worklist_reason_queries(self, company_ids):
        """``{reason: SQL}`` the customer side adds to the collector's worklist
        (``recouvrement.worklist._get_reason_queries``) for the companies of ids
        ``company_ids`` (tuple): ``reply_received``, the ``(partner_id, company_id)`` with a
        reply to a reminder still to handle (``reply_pending``; an automatic reply never sets
        it)."""
        Event = self.env["recouvrement.dunning.event"]
        return {
            "reply_received": SQL(
                "SELECT partner_id, company_id FROM recouvrement_dunning_event "
                "WHERE reply_pending AND company_id IN %s",
                company_ids,
                to_flush=Event._fields["reply_pending"],
            )
        }

    @api.model
    def _hold_replied_customers(self, plan):
        """Leave out of the dunning ``plan`` (see ``recouvrement.dunning``) the customers with a
        reply to a reminder still to handle: no new reminder, no escalation, until the collector
        has answered. One query.

        :return: the plan without those customers
        """
        if not plan:
            return plan
        groups = self.env["recouvrement.dunning.event"]._read_group(
            [
                ("reply_pending", "=", True),
                ("partner_id", "in", [item["partner"].id for item in plan]),
            ],
            ["company_id", "partner_id"],
        )
        held = {(company.id, partner.id) for company, partner in groups}
        return [item for item in plan if (item["company"].id, item["partner"].id) not in held]
