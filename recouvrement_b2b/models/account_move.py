import datetime
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_date, formatLang

from ..rules import deadlines, penalties
from ..rules import dunning as dunning_rules

# Moves read per chunk by _get_penalty_figures (one set of queries per chunk).
PENALTY_BATCH_SIZE = 1000
ONE_DAY = datetime.timedelta(days=1)


class AccountMove(models.Model):
    _inherit = "account.move"

    # --- Penalties ----------------------------------------------------------------------------
    is_penalty_invoice = fields.Boolean(
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="Invoice charging late-payment penalties and recovery indemnities.",
    )
    penalty_line_ids = fields.One2many(
        "account.move.line",
        "penalty_source_move_id",
        string="Penalty Lines",
        readonly=True,
        help="Lines of penalty invoices charging the late payment of this invoice.",
    )
    penalty_invoice_ids = fields.Many2many(
        "account.move",
        string="Penalty Invoices",
        compute="_compute_penalty_invoice_ids",
    )
    penalty_invoice_count = fields.Integer(compute="_compute_penalty_invoice_ids")
    penalty_source_ids = fields.Many2many(
        "account.move",
        string="Late Invoices",
        compute="_compute_penalty_source_ids",
        help="Invoices whose late payment this penalty invoice charges.",
    )
    penalty_amount = fields.Monetary(
        string="Accrued Penalties",
        compute="_compute_penalty_display",
        help="Late-payment penalties accrued to date (art. L441-10 Code de commerce), "
        "invoiced or not.",
    )
    penalty_indemnity = fields.Monetary(
        string="Recovery Indemnity",
        compute="_compute_penalty_display",
        help="Fixed indemnity for recovery costs due for this invoice (art. D441-5).",
    )
    penalty_rate = fields.Float(
        string="Penalty Rate (%)",
        digits=(16, 2),
        compute="_compute_penalty_display",
        help="Rate of the last day of delay.",
    )
    penalty_days = fields.Integer(
        string="Days Late",
        compute="_compute_penalty_display",
        help="Days of delay accrued, from the day after the due date.",
    )
    penalty_explanation = fields.Text(
        string="Penalty Computation",
        compute="_compute_penalty_display",
    )
    penalty_error = fields.Char(
        compute="_compute_penalty_display",
        help="Why the penalties cannot be computed (e.g. a missing reference rate).",
    )

    # --- Dunning ------------------------------------------------------------------------------
    dunning_level_id = fields.Many2one(
        "recouvrement.dunning.level",
        copy=False,
        index="btree_not_null",
        tracking=True,
        help="Last dunning level applied to this invoice.",
    )
    dunning_last_date = fields.Date(
        string="Last Reminder", copy=False, help="Date of the last reminder listing this invoice."
    )
    dunning_next_date = fields.Date(
        string="Next Reminder",
        compute="_compute_dunning_next_date",
        store=True,
        help="Date the next dunning level becomes due (empty: paid, excluded or at the top of "
        "the ladder).",
    )
    dunning_paused_until = fields.Date(
        copy=False,
        tracking=True,
        help="No reminder for this invoice until this date (included).",
    )
    dunning_pause_reason = fields.Char(copy=False, tracking=True)
    dunning_event_ids = fields.Many2many(
        "recouvrement.dunning.event",
        "account_move_recouvrement_dunning_event_rel",
        "account_move_id",
        "recouvrement_dunning_event_id",
        string="Reminders",
        copy=False,
    )

    # --- Payment plans ------------------------------------------------------------------------
    payment_plan_id = fields.Many2one(
        "recouvrement.payment.plan",
        copy=False,
        index="btree_not_null",
        help="Active payment plan covering this invoice (empty when none, broken or completed).",
    )
    prescription_interruption_date = fields.Date(
        copy=False,
        help="Last acknowledgment of the debt or legal action (art. 2240, 2241 Code civil): the "
        "5-year prescription restarts from this date.",
    )

    # --- Litigation ---------------------------------------------------------------------------
    litigation_id = fields.Many2one(
        "recouvrement.litigation",
        copy=False,
        index="btree_not_null",
        help="Open litigation case containing this invoice (empty once the case is closed).",
    )
    prescription_date = fields.Date(
        compute="_compute_prescription_date",
        store=True,
        help="Last day to act before the claim is time-barred: 5 years from the due date (or "
        "from an earlier delivery), 2 years against a consumer, restarted by the last "
        "acknowledgment or legal action (L110-4 Code de commerce, art. 2240-2241 Code civil).",
    )
    prescription_alert_date = fields.Date(
        copy=False, readonly=True, help="Date of the last prescription alert on this invoice."
    )
    prescription_next_alert_date = fields.Date(
        compute="_compute_prescription_next_alert_date",
        store=True,
        index="btree_not_null",
        help="Next prescription alert (60 and 15 days before), for unpaid invoices in no case.",
    )

    @api.depends("prescription_date", "prescription_alert_date")
    def _compute_prescription_next_alert_date(self):
        for move in self:
            upcoming = [
                day
                for day in (
                    deadlines.alert_dates(move.prescription_date) if move.prescription_date else []
                )
                if not move.prescription_alert_date or day > move.prescription_alert_date
            ]
            move.prescription_next_alert_date = upcoming[0] if upcoming else False

    @api.depends(
        "move_type",
        "invoice_date_due",
        "delivery_date",
        "invoice_date",
        "prescription_interruption_date",
        "commercial_partner_id.is_company",
        "commercial_partner_id.siren",
        "commercial_partner_id.vat",
    )
    def _compute_prescription_date(self):
        for move in self:
            if move.move_type != "out_invoice" or not move.invoice_date_due:
                move.prescription_date = False
                continue
            interruption = move.prescription_interruption_date
            move.prescription_date = deadlines.prescription_date(
                move.invoice_date_due,
                delivery_date=move.delivery_date,
                invoice_date=move.invoice_date,
                interruptions=[interruption] if interruption else (),
                consumer=move._is_consumer_debtor(),
            )

    # --- Integration methods (shared by the collection features) -----------------------------

    def _get_penalty_figures(self, to_date):
        """Late-payment figures per invoice at ``to_date`` (L441-10, D441-5).

        Returns ``{move.id: {"penalty": float, "indemnity": float, "rate": float, "days": int}}``
        in the invoice currency, for all of ``self`` at once (batched).
        Raises a UserError naming the half-year when a reference rate is missing.
        """
        figures = {}
        for offset in range(0, len(self), PENALTY_BATCH_SIZE):
            batch = self[offset : offset + PENALTY_BATCH_SIZE]
            for move_id, res in batch._compute_penalty_results(to_date).items():
                if res.get("error"):
                    raise UserError(res["error"])
                result = res.get("result")
                figures[move_id] = {
                    "penalty": float(result.amount) if result else 0.0,
                    "indemnity": float(res.get("indemnity", 0)),
                    "rate": float(result.segments[-1].rate) if result and result.segments else 0.0,
                    "days": result.days if result else 0,
                }
        return figures

    # --- Penalties: computes, actions and business methods -----------------------------------

    @api.depends("penalty_line_ids.move_id")
    def _compute_penalty_invoice_ids(self):
        for move in self:
            move.penalty_invoice_ids = move.penalty_line_ids.move_id
            move.penalty_invoice_count = len(move.penalty_invoice_ids)

    @api.depends("line_ids.penalty_source_move_id")
    def _compute_penalty_source_ids(self):
        for move in self:
            move.penalty_source_ids = move.line_ids.penalty_source_move_id

    @api.depends(
        "move_type",
        "state",
        "amount_residual",
        "invoice_date_due",
        "line_ids.matched_credit_ids",
    )
    @api.depends_context("penalty_date")
    def _compute_penalty_display(self):
        to_date = self.env.context.get("penalty_date") or fields.Date.context_today(self)
        to_date = fields.Date.to_date(to_date)
        moves = self.filtered("id")
        results = moves._compute_penalty_results(to_date) if moves else {}
        for move in self:
            res = results.get(move.id, {})
            result = res.get("result")
            move.penalty_amount = float(result.amount) if result else 0.0
            move.penalty_indemnity = float(res.get("indemnity", 0))
            move.penalty_rate = (
                float(result.segments[-1].rate) if result and result.segments else 0.0
            )
            move.penalty_days = result.days if result else 0
            move.penalty_error = res.get("error") or False
            move.penalty_explanation = move._penalty_explanation(res) if res else False

    def action_create_penalty_invoice(self):
        """Draft penalty invoices (one per customer) for the late invoices of ``self``."""
        invoices = self._create_penalty_invoices()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        if len(invoices) == 1:
            action.update({"views": [(False, "form")], "res_id": invoices.id})
        else:
            action["domain"] = [("id", "in", invoices.ids)]
        return action

    def action_view_penalty_invoices(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        invoices = self.penalty_invoice_ids if not self.is_penalty_invoice else self
        action["domain"] = [("id", "in", invoices.ids)]
        return action

    def action_view_penalty_sources(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        action["domain"] = [("id", "in", self.penalty_source_ids.ids)]
        return action

    def _get_penalty_ineligibility(self):
        """``{move.id: reason}`` for the invoices of ``self`` on which nothing accrues."""
        # Read only what the rules need (one query per model, not every column of the moves).
        self.fetch(
            [
                "name",
                "move_type",
                "is_penalty_invoice",
                "state",
                "invoice_date_due",
                "amount_total",
                "commercial_partner_id",
                "company_id",
                "currency_id",
                "litigation_id",
            ]
        )
        # sudo: the exclusion flag is readable by credit managers only.
        self.commercial_partner_id.sudo().fetch(
            [
                "penalty_excluded",
                "penalty_contract_rate",
                "is_company",
                "siren",
                "vat",
                "collective_proceedings",
                "proceedings_date",
            ]
        )
        reasons = {}
        for move in self:
            partner = move.commercial_partner_id.sudo()
            if move.move_type != "out_invoice":
                reasons[move.id] = self.env._("Only customer invoices bear late-payment penalties.")
            elif move.is_penalty_invoice:
                reasons[move.id] = self.env._("A penalty invoice bears no penalty itself.")
            elif move.state != "posted":
                reasons[move.id] = self.env._("The invoice is not posted.")
            elif not move.invoice_date_due:
                reasons[move.id] = self.env._("The invoice has no due date.")
            elif partner.penalty_excluded:
                reasons[move.id] = self.env._(
                    "A credit manager excluded this customer from penalties."
                )
            elif move.litigation_id.suspend_penalties and not move.litigation_id.is_closed:
                reasons[move.id] = self.env._(
                    "The invoice is in litigation %(case)s, which suspends penalties.",
                    case=move.litigation_id.name,
                )
        return reasons

    def _get_penalty_reductions(self):
        """``{move.id: [(date, amount)]}``: payments, credit notes and write-offs of ``self``.

        Read from the reconciliations of the receivable lines (one query): the amount is in the
        invoice currency, the date is the reconciliation date (the later of the two lines).
        """
        if not self:
            return {}
        self.env["account.partial.reconcile"].flush_model(
            ["debit_move_id", "debit_amount_currency", "max_date"]
        )
        self.env["account.move.line"].flush_model(["move_id", "display_type"])
        rows = self.env.execute_query(
            SQL(
                """
                SELECT line.move_id, partial.max_date, SUM(partial.debit_amount_currency)
                  FROM account_partial_reconcile partial
                  JOIN account_move_line line ON line.id = partial.debit_move_id
                 WHERE line.move_id = ANY(%s)
                   AND line.display_type = 'payment_term'
              GROUP BY line.move_id, partial.max_date
              ORDER BY line.move_id, partial.max_date
                """,
                self.ids,
            )
        )
        reductions = defaultdict(list)
        for move_id, date, amount in rows:
            reductions[move_id].append((date, penalties.to_decimal(amount or 0.0)))
        return reductions

    def _get_penalty_currency_rates(self, pairs):
        """Rates ``{(currency_id, company_id, date): rate}`` for ``pairs``, in one query."""
        if not pairs:
            return {}
        currency_ids = list({currency_id for currency_id, _company, _date in pairs})
        root_ids = {
            company.id: company.root_id.id
            for company in self.env["res.company"].browse({c for _cur, c, _d in pairs})
        }
        self.env["res.currency.rate"].flush_model(["rate", "currency_id", "company_id", "name"])
        rows = self.env.execute_query(
            SQL(
                """
                SELECT currency_id, company_id, name, rate
                  FROM res_currency_rate
                 WHERE currency_id = ANY(%s)
                   AND (company_id IS NULL OR company_id = ANY(%s))
                   AND name <= %s
              ORDER BY name
                """,
                currency_ids,
                list(set(root_ids.values())),
                max(date for _cur, _company, date in pairs),
            )
        )
        history = defaultdict(list)
        for currency_id, company_id, name, rate in rows:
            history[currency_id, company_id].append((name, rate))
        rates = {}
        for currency_id, company_id, date in pairs:
            rate = 1.0
            # Same precedence as res.currency._get_rates: the company's rates, then shared ones.
            for key in ((currency_id, root_ids[company_id]), (currency_id, None)):
                dated = [value for name, value in history.get(key, ()) if name <= date]
                if dated:
                    rate = dated[-1]
                    break
            rates[currency_id, company_id, date] = rate
        return rates

    def _prepare_penalty_params(self):
        """``{move.id: params}``: everything the rules need, read for ``self`` in batch.

        Ineligible invoices get ``{"reason": ...}`` only.
        """
        reasons = self._get_penalty_ineligibility()
        eligible = self.filtered(lambda m: m.id not in reasons)
        reductions = eligible._get_penalty_reductions()
        rate_table = self.env["recouvrement.penalty.rate"]._get_rate_table()
        # The D441-5 indemnity is in euros: converted at the due date for other currencies.
        foreign = eligible.filtered(lambda m: m.currency_id.name != "EUR")
        euro = self.env["res.currency"]
        if foreign:
            euro = euro.with_context(active_test=False).search([("name", "=", "EUR")], limit=1)
        pairs = set()
        for move in foreign:
            pairs.add((move.currency_id.id, move.company_id.id, move.invoice_date_due))
            pairs.add((euro.id, move.company_id.id, move.invoice_date_due))
        currency_rates = self._get_penalty_currency_rates(pairs)
        foreign_ids = set(foreign.ids)
        params = {move_id: {"reason": reason} for move_id, reason in reasons.items()}
        for move in eligible:
            company = move.company_id
            partner = move.commercial_partner_id
            proceedings_date = (
                partner.proceedings_date
                if partner.collective_proceedings and partner.collective_proceedings != "none"
                else None
            ) or None
            indemnity = penalties.to_decimal(company.penalty_indemnity_amount)
            if move.id in foreign_ids:
                key = (move.currency_id.id, company.id, move.invoice_date_due)
                ratio = penalties.to_decimal(currency_rates[key]) / penalties.to_decimal(
                    currency_rates[euro.id, company.id, move.invoice_date_due]
                )
                indemnity = indemnity * ratio
            contract_rate = None
            if company.penalty_rate_mode == "contract":
                contract_rate = partner.penalty_contract_rate or company.penalty_contract_rate
            params[move.id] = {
                "principal": penalties.to_decimal(move.amount_total),
                "due_date": move.invoice_date_due,
                "payments": reductions.get(move.id, []),
                "rates": rate_table,
                "mode": company.penalty_rate_mode,
                "convention": company.penalty_convention,
                "contract_rate": contract_rate,
                "stop_date": proceedings_date,
                "currency_digits": move.currency_id.decimal_places,
                "is_consumer": partner._is_consumer(),
                "proceedings_date": proceedings_date,
                "indemnity_amount": indemnity,
            }
        return params

    def _compute_penalty_result(self, params, end_date):
        """Apply the L441-10 rules to ``params`` up to ``end_date``: ``(result, indemnity)``."""
        result = penalties.compute_penalty(
            params["principal"],
            params["due_date"],
            params["payments"],
            end_date,
            params["rates"],
            mode=params["mode"],
            convention=params["convention"],
            contract_rate=params["contract_rate"],
            stop_date=params["stop_date"],
            currency_digits=params["currency_digits"],
        )
        indemnity = penalties.indemnity_due(
            result.days > 0,
            params["is_consumer"],
            params["proceedings_date"],
            params["due_date"],
            amount=params["indemnity_amount"],
        )
        quantum = Decimal(1).scaleb(-params["currency_digits"])
        return result, indemnity.quantize(quantum, rounding=ROUND_HALF_UP)

    def _compute_penalty_results(self, to_date):
        """``{move.id: {"result", "indemnity", "error", "reason", "params"}}`` at ``to_date``."""
        results = {}
        for move_id, params in self._prepare_penalty_params().items():
            if "reason" in params:
                results[move_id] = {"reason": params["reason"], "indemnity": Decimal(0)}
                continue
            try:
                result, indemnity = self._compute_penalty_result(params, to_date)
            except penalties.MissingRateError as error:
                move = self.browse(move_id)
                results[move_id] = {
                    "error": self._penalty_missing_rate_message(error, move),
                    "indemnity": Decimal(0),
                }
                continue
            results[move_id] = {"result": result, "indemnity": indemnity, "params": params}
        return results

    def _penalty_missing_rate_message(self, error, move):
        if error.kind == "contract":
            return self.env._(
                "Invoice %(invoice)s: no contract penalty rate is set for half-year "
                "%(half_year)s. Set it on the customer or in the Debt collection settings.",
                invoice=move.name,
                half_year=error.half_year,
            )
        kinds = dict(
            self.env["recouvrement.penalty.rate"]._fields["kind"]._description_selection(self.env)
        )
        return self.env._(
            "Invoice %(invoice)s: the %(kind)s of half-year %(half_year)s is missing. A credit "
            "manager must add it in Accounting > Configuration > Collection > Reference Rates.",
            invoice=move.name,
            kind=kinds.get(error.kind, error.kind),
            half_year=error.half_year,
        )

    def _format_penalty_rate(self, rate):
        return self.env._("%(rate)s %%", rate=formatLang(self.env, float(rate), digits=2))

    def _penalty_explanation(self, res):
        """Human explanation of the figures: days, base, rate per segment, indemnity."""
        self.ensure_one()
        if res.get("error"):
            return res["error"]
        if res.get("reason"):
            return res["reason"]
        result = res["result"]
        params = res["params"]
        currency = self.currency_id
        lines = []
        if not result.days:
            lines.append(self.env._("Not late: no penalty accrued."))
        else:
            lines.append(
                self.env._(
                    "%(days)s days late, from %(date_from)s to %(date_to)s; rate per year, "
                    "365-day year, on the amount unpaid including taxes:",
                    days=result.days,
                    date_from=format_date(self.env, result.first_day),
                    date_to=format_date(self.env, result.last_day),
                )
            )
            for segment in result.segments:
                exact = segment.base * segment.rate * segment.days / Decimal(36500)
                lines.append(
                    self.env._(
                        "- %(date_from)s to %(date_to)s: %(base)s x %(rate)s x %(days)s / 365 "
                        "= %(amount)s",
                        date_from=format_date(self.env, segment.start),
                        date_to=format_date(self.env, segment.end),
                        base=formatLang(self.env, float(segment.base), currency_obj=currency),
                        rate=self._format_penalty_rate(segment.rate),
                        days=segment.days,
                        amount=formatLang(self.env, float(exact), digits=4),
                    )
                )
            for info in result.rates:
                label = penalties.half_year_label(info.half_year)
                if info.mode == "legal_default":
                    lines.append(
                        self.env._(
                            "Rate %(half_year)s: ECB main refinancing rate %(ecb)s + 10 points "
                            "= %(rate)s.",
                            half_year=label,
                            ecb=self._format_penalty_rate(info.base_rate),
                            rate=self._format_penalty_rate(info.rate),
                        )
                    )
                elif info.floor_applied:
                    lines.append(
                        self.env._(
                            "Rate %(half_year)s: the contract rate %(contract)s is below the "
                            "legal floor (3 x the legal interest rate) %(floor)s, which "
                            "applies instead.",
                            half_year=label,
                            contract=self._format_penalty_rate(info.base_rate),
                            floor=self._format_penalty_rate(info.floor),
                        )
                    )
                else:
                    lines.append(
                        self.env._(
                            "Rate %(half_year)s: contract rate %(rate)s (legal floor %(floor)s).",
                            half_year=label,
                            rate=self._format_penalty_rate(info.rate),
                            floor=self._format_penalty_rate(info.floor),
                        )
                    )
            if params["convention"] == "fixed":
                lines.append(
                    self.env._("The rate of the first half-year late applies to the whole delay.")
                )
            if params["stop_date"] and params["stop_date"] <= result.last_day + ONE_DAY:
                lines.append(
                    self.env._(
                        "Interest stops at the opening of collective proceedings on %(date)s "
                        "(art. L622-28 Code de commerce).",
                        date=format_date(self.env, params["stop_date"]),
                    )
                )
            lines.append(
                self.env._(
                    "Total rounded once: %(amount)s.",
                    amount=formatLang(self.env, float(result.amount), currency_obj=currency),
                )
            )
        if res["indemnity"]:
            lines.append(
                self.env._(
                    "Recovery indemnity: %(amount)s, once per invoice paid late (art. D441-5).",
                    amount=formatLang(self.env, float(res["indemnity"]), currency_obj=currency),
                )
            )
        elif result.days and params["is_consumer"]:
            lines.append(
                self.env._(
                    "No recovery indemnity against a consumer "
                    "(art. L111-8 Code de la consommation)."
                )
            )
        elif result.days and params["proceedings_date"]:
            lines.append(
                self.env._(
                    "No recovery indemnity: collective proceedings opened on %(date)s, before "
                    "the due date.",
                    date=format_date(self.env, params["proceedings_date"]),
                )
            )
        return "\n".join(lines)

    def _get_penalty_charged(self):
        """``{move.id: (last day of penalty invoiced or None, indemnity charged)}``.

        Lines of penalty invoices not cancelled count (drafts too, so as never to charge twice).
        """
        groups = self.env["account.move.line"]._read_group(
            [
                ("penalty_source_move_id", "in", self.ids),
                ("parent_state", "!=", "cancel"),
                ("penalty_kind", "!=", False),
            ],
            ["penalty_source_move_id", "penalty_kind"],
            ["penalty_date_to:max"],
        )
        charged = defaultdict(lambda: (None, False))
        for source, kind, date_to in groups:
            last, indemnity = charged[source.id]
            if kind == "penalty":
                charged[source.id] = (date_to, indemnity)
            else:
                charged[source.id] = (last, True)
        return charged

    def _create_penalty_invoices(self, to_date=None):
        """Create the draft penalty invoices for ``self`` up to ``to_date`` (default: today).

        One invoice per customer, company and currency; per source invoice one line for the
        penalty period not yet invoiced and one for the indemnity if not yet charged.
        """
        to_date = to_date or fields.Date.context_today(self)
        if not self:
            raise UserError(self.env._("Select the late customer invoices to charge penalties on."))
        params_by_move = self._prepare_penalty_params()
        charged = self._get_penalty_charged()
        lines_by_key = defaultdict(list)
        skipped = []
        products = {}  # company: ((penalty product, account), (indemnity product, account))
        for move in self:
            params = params_by_move[move.id]
            if "reason" in params:
                skipped.append(
                    self.env._(
                        "%(invoice)s: %(reason)s", invoice=move.name, reason=params["reason"]
                    )
                )
                continue
            last_charged, indemnity_charged = charged[move.id]
            try:
                result, indemnity = self._compute_penalty_result(params, to_date)
                previous = (
                    self._compute_penalty_result(params, last_charged)[0] if last_charged else None
                )
            except penalties.MissingRateError as error:
                raise UserError(self._penalty_missing_rate_message(error, move)) from error
            partner = move.commercial_partner_id
            if move.company_id not in products:
                products[move.company_id] = tuple(
                    zip(
                        move.company_id._get_penalty_products(),
                        move.company_id._get_penalty_accounts(),
                        strict=True,
                    )
                )
            (product, account), (indemnity_product, indemnity_account) = products[move.company_id]
            lang_move = move.with_context(lang=partner.lang or self.env.lang)
            vals_list = []
            new_amount = result.amount - (previous.amount if previous else 0)
            if (
                result.days
                and new_amount > 0
                and (not last_charged or result.last_day > last_charged)
            ):
                vals_list.append(
                    lang_move._prepare_penalty_line_vals(
                        result, new_amount, last_charged, product, account
                    )
                )
            if indemnity and not indemnity_charged:
                vals_list.append(
                    lang_move._prepare_indemnity_line_vals(
                        indemnity, indemnity_product, indemnity_account
                    )
                )
            if not vals_list:
                skipped.append(self.env._("%(invoice)s: nothing new to charge.", invoice=move.name))
                continue
            lines_by_key[move.company_id, partner, move.currency_id] += vals_list
        if not lines_by_key:
            raise UserError(
                self.env._(
                    "No penalty or indemnity to invoice:\n%(details)s", details="\n".join(skipped)
                )
            )
        vals_list = [
            self._prepare_penalty_invoice_vals(company, partner, currency, lines, to_date)
            for (company, partner, currency), lines in lines_by_key.items()
        ]
        return self.env["account.move"].create(vals_list)

    def _prepare_penalty_line_vals(self, result, amount, last_charged, product, account):
        """Line charging the penalty of ``self`` accrued after ``last_charged``."""
        self.ensure_one()
        date_from = last_charged + ONE_DAY if last_charged else result.first_day
        date_to = result.last_day
        rates = []
        for segment in result.segments:
            if segment.end >= date_from and segment.rate not in rates:
                rates.append(segment.rate)
        vals = {
            "name": self.env._(
                "Late-payment penalties - invoice %(invoice)s from %(date_from)s to %(date_to)s, "
                "%(days)s days, rate %(rate)s",
                invoice=self.name,
                date_from=format_date(self.env, date_from),
                date_to=format_date(self.env, date_to),
                days=(date_to - date_from).days + 1,
                rate=" / ".join(self._format_penalty_rate(rate) for rate in rates),
            ),
            "quantity": 1,
            "price_unit": float(amount),
            "tax_ids": [Command.clear()],
            "penalty_source_move_id": self.id,
            "penalty_kind": "penalty",
            "penalty_date_from": date_from,
            "penalty_date_to": date_to,
        }
        if product:
            vals["product_id"] = product.id
        if account:
            vals["account_id"] = account.id
        return vals

    def _prepare_indemnity_line_vals(self, amount, product, account):
        """Line charging the fixed recovery indemnity of ``self``."""
        self.ensure_one()
        vals = {
            "name": self.env._(
                "Fixed recovery indemnity - invoice %(invoice)s (art. D441-5 Code de commerce)",
                invoice=self.name,
            ),
            "quantity": 1,
            "price_unit": float(amount),
            "tax_ids": [Command.clear()],
            "penalty_source_move_id": self.id,
            "penalty_kind": "indemnity",
        }
        if product:
            vals["product_id"] = product.id
        if account:
            vals["account_id"] = account.id
        return vals

    def _prepare_penalty_invoice_vals(self, company, partner, currency, lines, to_date):
        """Values of the draft penalty invoice of ``partner`` grouping ``lines``."""
        sources = self.browse([line["penalty_source_move_id"] for line in lines])
        return {
            "move_type": "out_invoice",
            "company_id": company.id,
            "partner_id": partner.id,
            "currency_id": currency.id,
            "invoice_date": to_date,
            "invoice_origin": ", ".join(dict.fromkeys(sources.mapped("name"))),
            "is_penalty_invoice": True,
            "invoice_line_ids": [Command.create(line) for line in lines],
        }

    def _get_penalty_mention(self):
        """L441-9 mentions for the invoice report, in the language of ``self.env``."""
        self.ensure_one()
        if self.move_type != "out_invoice" or not self.invoice_date_due or self.is_penalty_invoice:
            return ""
        company = self.company_id
        partner = self.commercial_partner_id
        due = self.invoice_date_due
        half_year = penalties.half_year_of(due + ONE_DAY)
        contract_rate = None
        if company.penalty_rate_mode == "contract":
            contract_rate = partner.penalty_contract_rate or company.penalty_contract_rate
        try:
            info = (
                self.env["recouvrement.penalty.rate"]
                ._get_rate_table()
                .rate_for(half_year, company.penalty_rate_mode, contract_rate)
            )
            rate = self._format_penalty_rate(info.rate)
        except penalties.MissingRateError:
            rate = self.env._("the ECB main refinancing rate + 10 points")
        euro = self.env.ref("base.EUR")
        indemnity = formatLang(self.env, company.penalty_indemnity_amount, currency_obj=euro)
        if company.penalty_mention:
            return (
                company.penalty_mention.replace("{due_date}", format_date(self.env, due))
                .replace("{rate}", rate)
                .replace("{indemnity}", indemnity)
            )
        if self.invoice_payment_term_id.early_discount:
            # The discount terms are printed by the invoice report with the payment terms.
            text = self.env._(
                "Due date: %(date)s. Any late payment bears penalties at the annual rate of "
                "%(rate)s from the day after the due date (art. L441-10 Code de commerce)",
                date=format_date(self.env, due),
                rate=rate,
            )
        else:
            text = self.env._(
                "Due date: %(date)s. No discount for early payment. Any late payment bears "
                "penalties at the annual rate of %(rate)s from the day after the due date "
                "(art. L441-10 Code de commerce)",
                date=format_date(self.env, due),
                rate=rate,
            )
        if not partner._is_consumer():
            return self.env._(
                "%(text)s and a fixed indemnity of %(indemnity)s for recovery costs "
                "(art. D441-5 Code de commerce).",
                text=text,
                indemnity=indemnity,
            )
        return self.env._("%(text)s.", text=text)

    # --- Credit: optional check at invoice posting ------------------------------------------

    def _post(self, soft=True):
        self.env["recouvrement.credit"]._check_invoices(self)
        return super()._post(soft=soft)

    def _build_credit_warning_message(
        self, record, current_amount=0.0, exclude_current=False, exclude_amount=0.0
    ):
        # EXTENDS account: one banner. When the company checks credit, the message gives the
        # check's block reasons (limit, hold, proceedings...) on the module's exposure.
        if record.company_id.recouvrement_credit_check == "none":
            return super()._build_credit_warning_message(
                record,
                current_amount=current_amount,
                exclude_current=exclude_current,
                exclude_amount=exclude_amount,
            )
        return self.env["recouvrement.credit"]._get_warning_message(record, current_amount)

    # --- Litigation ---------------------------------------------------------------------------

    def _is_consumer_debtor(self):
        """A natural person without company identifiers: the 2-year consumer prescription."""
        self.ensure_one()
        return self.commercial_partner_id._is_consumer()

    def action_open_litigation(self):
        """Open a new litigation case prefilled with the selected unpaid invoices."""
        moves = self.filtered(
            lambda m: m.move_type == "out_invoice" and m.state == "posted" and not m.litigation_id
        )
        partner = moves.commercial_partner_id
        if not moves or len(partner) > 1:
            raise UserError(
                self.env._(
                    "Select posted customer invoices of one customer that are in no open case."
                )
            )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("New Litigation Case"),
            "res_model": "recouvrement.litigation",
            "view_mode": "form",
            "context": {
                "default_partner_id": partner.id,
                "default_company_id": moves.company_id[:1].id,
                "default_move_ids": moves.ids,
            },
        }

    def action_view_litigation(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "recouvrement.litigation",
            "view_mode": "form",
            "res_id": self.litigation_id.id,
        }

    @api.model
    def _get_prescription_alert_domain(self, today):
        """Unpaid customer invoices in no litigation case whose prescription alert is due."""
        return [
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("payment_state", "in", ("not_paid", "partial")),
            ("litigation_id", "=", False),
            ("prescription_next_alert_date", "<=", today),
            ("prescription_date", ">=", today),
        ]

    def _raise_litigation_alerts(self, today):
        """One activity per invoice before its prescription, then remember the alert."""
        todo = self.env.ref("mail.mail_activity_data_todo", raise_if_not_found=False)
        model = self.env["ir.model"]._get_id("account.move")
        vals_list = [
            {
                "activity_type_id": todo.id if todo else False,
                "res_model_id": model,
                "res_id": move.id,
                "user_id": (
                    move.company_id.recouvrement_user_id.id
                    or move.invoice_user_id.id
                    or self.env.uid
                ),
                "date_deadline": move.prescription_date,
                "summary": self.env._(
                    "Prescription of %(invoice)s on %(date)s",
                    invoice=move.name,
                    date=format_date(self.env, move.prescription_date),
                ),
                "note": self.env._(
                    "Invoice %(invoice)s is time-barred after %(date)s: obtain an "
                    "acknowledgment of the debt (payment plan) or open a litigation case.",
                    invoice=move.name,
                    date=format_date(self.env, move.prescription_date),
                ),
            }
            for move in self
        ]
        # quick update: no e-mail per activity, the responsible sees them in the activity menu.
        self.env["mail.activity"].with_context(mail_activity_quick_update=True).create(vals_list)
        self.prescription_alert_date = today

    def _litigation_alert_failed(self, today, error):
        self.prescription_alert_date = today
        self.message_post(
            body=self.env._("The prescription alert could not be raised: %(error)s", error=error)
        )

    # --- Dunning ------------------------------------------------------------------------------

    @api.depends(
        "move_type",
        "state",
        "payment_state",
        "amount_residual",
        "invoice_date_due",
        "dunning_level_id",
        "partner_id",
    )
    def _compute_dunning_next_date(self):
        open_moves = self.filtered(
            lambda m: (
                m.move_type == "out_invoice"
                and m.state == "posted"
                and m.payment_state in ("not_paid", "partial")
                and m.invoice_date_due
            )
        )
        (self - open_moves).dunning_next_date = False
        policies = open_moves._get_dunning_policies()
        ladders = {policy: policy._get_rule_levels() for policy in set(policies.values())}
        for move in open_moves:
            policy = policies.get(move.id)
            move.dunning_next_date = policy and dunning_rules.next_action_date(
                ladders[policy],
                move._get_dunning_sequence(policy),
                move.invoice_date_due,
                amount=move.amount_residual,
            )

    def _get_dunning_policies(self):
        """Dunning policy of each invoice: ``{move id: policy}`` (the customer's in the
        invoice's company, else the company's default). Batched per company."""
        policies = {}
        for company in self.company_id:
            moves = self.filtered(lambda m, c=company: m.company_id == c)
            partners = moves.commercial_partner_id.with_company(company)
            by_partner = {p.id: p.dunning_policy_id or company.dunning_policy_id for p in partners}
            for move in moves:
                policy = by_partner.get(move.commercial_partner_id.id)
                if policy:
                    policies[move.id] = policy
        return policies

    def _get_dunning_sequence(self, policy):
        """Sequence of the invoice's current level in ``policy`` (0: no level reached).

        A level of another policy (the customer changed policy) counts as the highest level of
        ``policy`` with as many days or fewer.
        """
        self.ensure_one()
        level = self.dunning_level_id
        if not level:
            return 0
        if level.policy_id == policy:
            return level.sequence
        reached = policy.level_ids.filtered(lambda lvl: lvl.days <= level.days)
        return max(reached.mapped("sequence"), default=0)

    def _dunning_advance(self, move_levels, date):
        """Record a reminder on the invoices: last date, and the new level of those in
        ``move_levels`` (``{move id: level id}``). One query per level, whatever the number of
        invoices; the history is in the events, so no tracking message per invoice."""
        self.check_access("write")
        fnames = ["dunning_last_date", "dunning_level_id"]
        # account.move.write() resynchronises the journal items of each move and flags them
        # as manually modified: far too heavy, and wrong, for these collection bookkeeping
        # fields, so they are written low-level (then caches and dependents are refreshed).
        self.flush_recordset(fnames)
        self._write({"dunning_last_date": date})
        by_level = defaultdict(list)
        for move_id, level_id in move_levels.items():
            by_level[level_id].append(move_id)
        for level_id, move_ids in by_level.items():
            self.browse(move_ids)._write({"dunning_level_id": level_id})
        self.invalidate_recordset(fnames)
        self.modified(fnames)

    def action_view_dunning_events(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "recouvrement_b2b.recouvrement_dunning_event_action"
        )
        action["domain"] = [("move_ids", "in", self.ids)]
        return action
