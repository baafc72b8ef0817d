import datetime
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL, format_amount, format_date, formatLang

from ..rules import deadlines as deadline_rules
from ..rules import penalties
from ..rules import proceedings as proceedings_rules
from ..tools.accounts import find_chart_account
from ..tools.bounds import check_bounds
from ..tools.lang import format_number
from .account_analytic_distribution_model import CANDIDATES_KEY
from .recouvrement_dunning_event import POSTED_CHANNELS

# Moves read per chunk by _get_penalty_figures (one set of queries per chunk).
PENALTY_BATCH_SIZE = 1000
ONE_DAY = datetime.timedelta(days=1)

# Income accounts: the French chart's (l10n_fr_account template xml ids), else, for other
# charts, the first active income account whose code starts with one of the prefixes.
PENALTY_ACCOUNT_TEMPLATES = ("pcg_7638",)  # Revenus des créances diverses
PENALTY_ACCOUNT_PREFIXES = ("7638",)
# The indemnity compensates recovery costs, it pays for no service: 758 (Produits divers de
# gestion courante), no VAT, not 7088 (income from ancillary activities).
INDEMNITY_ACCOUNT_TEMPLATES = ("pcg_758",)
INDEMNITY_ACCOUNT_PREFIXES = ("7588", "758")
# Bounds of a contract penalty rate, in % a year: no law caps it (only the floor of 3 x the
# legal interest rate, art. L441-10 II Code de commerce), but beyond 100 % it is a typing error.
MAX_CONTRACT_RATE = 100.0
#: the fixed recovery indemnity per invoice, in EUR (art. D441-5 Code de commerce)
MAX_INDEMNITY = 40.0


class RecouvrementPenalty(models.AbstractModel):
    """Late-payment penalties (art. L441-10 II Code de commerce) and the fixed recovery
    indemnity (art. D441-5): figures, explanations, penalty invoices and the L441-9 mention.

    The arithmetic is in :mod:`..rules.penalties` (no Odoo); this service reads what the rules
    need in batch and turns their results into figures, texts and invoices. ``account.move``
    only delegates to it; other modules ``_inherit`` it to change a hook
    (``_prepare_penalty_line_vals``, ``_prepare_indemnity_line_vals``,
    ``_prepare_penalty_invoice_vals``, ``_get_penalty_accounts``...).
    """

    _name = "recouvrement.penalty"
    _description = "Late-Payment Penalties"

    # --- Figures -------------------------------------------------------------------------------

    @api.model
    def _get_penalty_figures(self, moves, to_date, keep_errors=False):
        """Late-payment figures per invoice at ``to_date`` (L441-10, D441-5).

        Returns ``{move.id: {"penalty": float, "indemnity": float, "rate": float, "days": int}}``
        in the invoice currency (rate in percent per year of the last day of delay), for all of
        ``moves`` at once (one set of queries per chunk of ``PENALTY_BATCH_SIZE`` invoices).
        Ineligible invoices get zeros. Raises a UserError naming the half-year when a reference
        rate is missing; with ``keep_errors``, such an invoice gets zeros and its reason under
        ``"error"`` instead (pages that must show the other invoices, e.g. the portal).
        """
        figures = {}
        for offset in range(0, len(moves), PENALTY_BATCH_SIZE):
            batch = moves[offset : offset + PENALTY_BATCH_SIZE]
            for move_id, res in self._compute_penalty_results(batch, to_date).items():
                if res.get("error") and not keep_errors:
                    raise UserError(res["error"])
                result = res.get("result")
                figures[move_id] = {
                    "penalty": float(result.amount) if result else 0.0,
                    "indemnity": float(res.get("indemnity", 0)),
                    "rate": float(result.segments[-1].rate) if result and result.segments else 0.0,
                    "days": result.days if result else 0,
                }
                if res.get("error"):
                    figures[move_id]["error"] = res["error"]
        return figures

    @api.model
    def _get_penalty_claim_figures(self, moves, to_date, keep_errors=False):
        """:meth:`_get_penalty_figures` of ``moves`` at ``to_date`` less what posted penalty
        invoices already charged: what a reminder, a letter, the portal or a payment plan may
        still claim besides the penalty invoices themselves (listed as invoices, paid or not).

        ``penalty``: the penalty accrued to ``to_date`` minus what the computation gave for the
        penalty lines of posted penalty invoices for the invoice dated by ``to_date``
        (``penalty_computed_amount``: a line lowered by hand is a waiver of the rest, a line
        raised by hand does not lower what later periods owe; never below 0; the invoiced
        periods add up to the total, L441-10 II); ``indemnity``: 0 once such a penalty invoice
        charged it (D441-5: once per invoice). Same shape and currency as
        :meth:`_get_penalty_figures` (and its ``keep_errors``); one more query for all of
        ``moves``.
        """
        # through account.move, the hook other modules override (called as before unless
        # ``keep_errors`` is asked: overrides written for ``(to_date)`` keep working)
        if not moves:
            figures = {}
        elif keep_errors:
            figures = moves._get_penalty_figures(to_date, keep_errors=True)
        else:
            figures = moves._get_penalty_figures(to_date)
        if not figures:
            return figures
        domain = self._get_posted_penalty_lines_domain(list(figures), to_date)
        groups = self.env["account.move.line"]._read_group(
            domain, ["penalty_source_move_id", "penalty_kind"], ["penalty_computed_amount:sum"]
        )
        # of an invoice claimed in part (context ``penalty_claimed_line_ids``), only what the
        # penalty invoices charged for the instalments claimed
        not_claimed = defaultdict(float)
        if self.env.context.get("penalty_claimed_line_ids"):
            lines = self.env["account.move.line"].search_fetch(
                domain, self._get_penalty_claimed_share_fields()
            )
            for line, share in self._get_penalty_claimed_shares(lines).items():
                if line.penalty_kind == "penalty":
                    not_claimed[line.penalty_source_move_id.id] += line.penalty_computed_amount * (
                        1 - share
                    )
        figures = {move_id: dict(figure) for move_id, figure in figures.items()}
        for source, kind, amount in groups:
            figure = figures[source.id]
            if kind == "indemnity":
                # once per invoice (D441-5), whichever instalment it was charged with
                figure["indemnity"] = 0.0
            elif kind == "penalty":
                digits = source.currency_id.decimal_places
                amount -= not_claimed[source.id]
                figure["penalty"] = max(round(figure["penalty"] - amount, digits), 0.0)
        return figures

    @api.model
    def _get_penalty_unlitigated_figures(self, moves, to_date, keep_errors=False):
        """:meth:`_get_penalty_claim_figures` of the invoices of ``moves`` that open litigation
        cases claim in part (:meth:`_get_penalty_litigated_lines`), for what the reminders
        of their other instalments claim (``recouvrement.dunning._get_company_penalty_figures``):
        the penalties of the instalments no case claims (the case's file claims the others',
        issue 17), and the D441-5 indemnity only when the case's instalments bear none (once
        per invoice: a case claiming late instalments without suspending penalties claims it
        in its file). What the customer owes on the invoice (the portal, the invoice's
        figures) stays the whole invoice's. Same shape; ``{}`` without such invoices, or
        with context ``penalty_claimed_line_ids`` (the instalments are named: no query)."""
        if self.env.context.get("penalty_claimed_line_ids"):
            return {}
        litigated = self._get_penalty_litigated_lines(moves)
        if not litigated:
            return {}
        partial = moves.browse(list(litigated))
        receivables = partial.line_ids.filtered(lambda line: line.display_type == "payment_term")
        claimed = [line.id for lines in litigated.values() for line in lines]
        others = receivables.filtered(lambda line: line.id not in claimed)
        if not others:
            return {}
        # through the invoices (account.move._get_penalty_figures), in the context's env
        unclaimed = self.with_context(penalty_claimed_line_ids=others.ids)
        figures = unclaimed._get_penalty_claim_figures(
            others.move_id.with_env(unclaimed.env), to_date, keep_errors=keep_errors
        )
        for move_id in self._get_penalty_case_indemnity_ids(others.move_id, to_date, litigated):
            figures[move_id]["indemnity"] = 0.0
        return figures

    @api.model
    def _get_penalty_case_indemnity_ids(self, moves, to_date, litigated=None):
        """The ids of the invoices of ``moves`` whose D441-5 indemnity an open litigation case
        claiming some of their instalments claims: those instalments bear it at ``to_date``
        (late, not suspended; once per invoice, LEGAL.md: the case's file states it).
        ``litigated``: :meth:`_get_penalty_litigated_lines` of ``moves`` when known. No query
        without such invoices."""
        litigated = self._get_penalty_litigated_lines(moves) if litigated is None else litigated
        partial = moves.filtered(lambda move: move.id in litigated)
        if not partial:
            return set()
        claimed = [line.id for move in partial for line in litigated[move.id]]
        # through the invoices (account.move._get_penalty_figures), in the context's env
        case_self = self.with_context(penalty_claimed_line_ids=claimed)
        figures = case_self._get_penalty_figures(
            partial.with_env(case_self.env), to_date, keep_errors=True
        )
        return {move_id for move_id, figure in figures.items() if figure.get("indemnity")}

    @api.model
    def _get_posted_penalty_lines_domain(self, move_ids, to_date):
        """Domain of the lines of the posted penalty invoices dated by ``to_date`` charging
        the invoices ``move_ids``: what they charged as at ``to_date`` (a penalty invoice
        dated later did not charge it yet)."""
        return [
            ("penalty_source_move_id", "in", move_ids),
            ("parent_state", "=", "posted"),
            ("penalty_kind", "!=", False),
            # a subquery, not a join of the lines to their invoices (issue 17, performance:
            # the plan never joins them, test_due_lines_searched_from_invoice_ids)
            ("move_id", "in", self.env["account.move"]._search([("invoice_date", "<=", to_date)])),
        ]

    @api.model
    def _get_penalty_claimed_share_fields(self):
        """The fields of the penalty lines :meth:`_get_penalty_claimed_shares` reads."""
        return [
            "penalty_source_move_id",
            "penalty_kind",
            "penalty_date_from",
            "penalty_date_to",
            "penalty_computed_amount",
            "price_subtotal",
            "move_id",
        ]

    @api.model
    def _get_penalty_claimed_shares(self, lines):
        """``{line: float}``: of the penalty invoice ``lines`` (account.move.line with a
        ``penalty_kind``) charging an invoice that context ``penalty_claimed_line_ids`` claims
        in part (a litigation case claiming some of its instalments, issue 17), the share of
        each line charged for the instalments claimed, from 0 to 1; the lines of other
        invoices are absent (charged whole for what is claimed).

        A penalty invoice keeps its periods per source invoice, not per instalment
        (``penalty_date_from``, ``penalty_date_to``, ``penalty_computed_amount``): of a
        penalty line, the instalments claimed owe what it charged beyond what the others
        accrue over its period (the rules applied to them alone, whatever suspends them now:
        the line may date from before the case), never below 0 nor above what it charged,
        the rounding remainder with them (L441-10 II). An indemnity line goes with the
        instalments claimed unless the penalty lines its penalty invoice has for the same
        invoice charged nothing for them (charged while a case suspended them: the indemnity,
        once per invoice, D441-5, fell due with the others). A few queries, only when the
        context claims an invoice in part."""
        claimed = set(self.env.context.get("penalty_claimed_line_ids") or ())
        if not claimed or not lines:
            return {}
        receivables = lines.penalty_source_move_id.line_ids.filtered(
            lambda line: line.display_type == "payment_term"
        )
        partial = receivables.filtered(lambda line: line.id in claimed).move_id
        others = receivables.filtered(
            lambda line: line.move_id in partial and line.id not in claimed
        )
        if not others:
            return {}
        params_by_move = self.with_context(
            penalty_claimed_line_ids=others.ids, penalty_ignore_suspension=True
        )._prepare_penalty_params(others.move_id)
        shares = {}
        for line in lines.filtered(
            lambda line: line.penalty_kind == "penalty" and line.penalty_source_move_id in partial
        ):
            params = params_by_move[line.penalty_source_move_id.id]
            computed = penalties.to_decimal(line.penalty_computed_amount)
            accrued = Decimal(0)
            if "reason" not in params and line.penalty_date_to:
                try:
                    accrued = self._compute_penalty_result(params, line.penalty_date_to)[0].amount
                    if line.penalty_date_from:
                        accrued -= self._compute_penalty_result(
                            params, line.penalty_date_from - ONE_DAY
                        )[0].amount
                except penalties.MissingRateError:
                    accrued = Decimal(0)
            share = min(max(computed - accrued, Decimal(0)), computed)
            shares[line] = float(share / computed) if computed else 1.0
        for line in lines.filtered(
            lambda line: line.penalty_kind == "indemnity" and line.penalty_source_move_id in partial
        ):
            siblings = [
                share
                for sibling, share in shares.items()
                if sibling.move_id == line.move_id
                and sibling.penalty_source_move_id == line.penalty_source_move_id
            ]
            shares[line] = 0.0 if siblings and not any(siblings) else 1.0
        return shares

    @api.model
    def _get_penalty_document_figures(self, moves, to_date):
        """What a claim document listing ``moves`` (injonction de payer file, agency list,
        claim declaration) claims in penalties and indemnity per invoice at ``to_date``: the
        figures of :meth:`_get_penalty_claim_figures` (what no posted penalty invoice charged)
        plus what is still open on the penalty invoices that charged the rest, when they are
        not listed themselves (their open amount is then claimed with them): penalties already
        invoiced are claimed through that open amount, never twice, and paid ones not at all.

        Same shape and currency as :meth:`_get_penalty_figures`, with ``indemnity_invoiced``
        (bool: a posted penalty invoice charged the D441-5 indemnity; ``indemnity`` is then
        its open share). The open amount of a penalty invoice is shared between its lines in
        proportion to their amounts. One more query than :meth:`_get_penalty_claim_figures`.
        Of an invoice claimed in part (context ``penalty_claimed_line_ids``), only the share
        of each penalty line charged for the instalments claimed
        (:meth:`_get_penalty_claimed_shares`).
        """
        figures = self._get_penalty_claim_figures(moves, to_date)
        if not figures:
            return figures
        lines = self.env["account.move.line"].search_fetch(
            # as at ``to_date``, as _get_penalty_claim_figures
            self._get_posted_penalty_lines_domain(list(figures), to_date),
            self._get_penalty_claimed_share_fields(),
        )
        # of an invoice claimed in part, what they charged for the instalments claimed
        shares = self._get_penalty_claimed_shares(lines)
        listed = set(moves.ids)
        figures = {
            move_id: dict(figure, indemnity_invoiced=False) for move_id, figure in figures.items()
        }
        for line in lines:
            figure = figures[line.penalty_source_move_id.id]
            if line.penalty_kind == "indemnity":
                figure["indemnity_invoiced"] = True
            invoice = line.move_id
            if invoice.id in listed or not invoice.amount_total or invoice.payment_plan_id:
                # a penalty invoice in a signed payment plan is claimed by the plan's
                # instalments (issue 17: the plan and the case's file both claimed it)
                continue
            open_share = self._get_penalty_open_share(line, shares.get(line, 1.0))
            figure[line.penalty_kind] = invoice.currency_id.round(
                figure[line.penalty_kind] + open_share
            )
        return figures

    @api.model
    def _get_penalty_open_share(self, line, share=1.0):
        """What is still open of the penalty invoice line ``line`` (account.move.line with a
        ``penalty_kind``), in its invoice's currency, rounded: its part of the invoice's open
        amount in proportion to its amount, times ``share`` (0 to 1, the part charged for
        the instalments a document claims, :meth:`_get_penalty_claimed_shares`). The one
        figure every claim document and the reminders of the penalty invoice read
        (issue 17). No query."""
        invoice = line.move_id
        if not invoice.amount_total:
            return 0.0
        return invoice.currency_id.round(
            line.price_subtotal * invoice.amount_residual / invoice.amount_total * share
        )

    @api.model
    def _get_penalty_display_values(self, moves, to_date):
        """Values of the penalty fields of ``account.move`` at ``to_date``, for ``moves`` in batch.

        Returns ``{move.id: {"penalty_amount", "penalty_indemnity", "penalty_rate",
        "penalty_days", "penalty_error", "penalty_explanation"}}`` for every move (zeros and
        ``False`` for unsaved ones). Never raises on a missing rate: the reason is in
        ``penalty_error``.
        """
        saved = moves.filtered("id")
        results = self._compute_penalty_results(saved, to_date) if saved else {}
        values = {}
        for move in moves:
            res = results.get(move.id, {})
            result = res.get("result")
            values[move.id] = {
                "penalty_amount": float(result.amount) if result else 0.0,
                "penalty_indemnity": float(res.get("indemnity", 0)),
                "penalty_rate": (
                    float(result.segments[-1].rate) if result and result.segments else 0.0
                ),
                "penalty_days": result.days if result else 0,
                "penalty_error": res.get("error") or False,
                "penalty_explanation": self._get_penalty_explanation(move, res) if res else False,
            }
        return values

    @api.model
    def _get_penalty_ineligibility(self, moves):
        """``{move.id: reason}`` for the invoices of ``moves`` on which nothing accrues.

        Customer invoices only, posted, with a due date, not penalty invoices themselves, of a
        customer not excluded by a credit manager, not suspended by litigation
        (:meth:`_is_penalty_suspended`: a case claiming some instalments suspends theirs only).
        """
        # Read only what the rules need (one query per model, not every column of the moves).
        moves.fetch(
            [
                "name",
                "move_type",
                "is_penalty_invoice",
                "state",
                "invoice_date_due",
                # the day the claim was born, against a collective proceedings' judgment
                "invoice_date",
                "delivery_date",
                "amount_total",
                "commercial_partner_id",
                "company_id",
                "currency_id",
                "litigation_id",
                "penalty_plan_id",
            ]
        )
        # sudo: the exclusion flag is readable by credit managers only. The commercial entity
        # of each commercial partner (itself) is read by res.partner._is_consumer().
        moves.commercial_partner_id.sudo().fetch(
            [
                "commercial_partner_id",
                "penalty_excluded",
                "is_company",
                "siren",
                "vat",
                "company_registry",
                "collective_proceedings",
                "proceedings_date",
                "declared_judgment_date",
                "declared_proceedings",
            ]
        )
        reasons = {}
        suspended = self._get_penalty_suspended_lines(moves)
        for move in moves:
            partner = move.commercial_partner_id.sudo()
            if move.move_type != "out_invoice":
                reasons[move.id] = self.env._("Only customer invoices bear late-payment penalties.")
            elif move.is_penalty_invoice:
                reasons[move.id] = self.env._("A penalty invoice bears no penalty itself.")
            elif move.state != "posted":
                reasons[move.id] = self.env._("The invoice is not posted.")
            elif not move.invoice_date_due:
                reasons[move.id] = self.env._("The invoice has no due date.")
            # company-dependent: the exclusion decided by the invoice's company (issue 19)
            elif partner.with_company(move.company_id).penalty_excluded:
                reasons[move.id] = self.env._(
                    "A credit manager excluded this customer from penalties."
                )
            elif move.penalty_plan_id:
                reasons[move.id] = self._get_penalty_plan_reason(move.penalty_plan_id)
            elif self._is_penalty_suspended(move, suspended):
                reasons[move.id] = self.env._(
                    "The invoice is in litigation %(case)s, which suspends penalties.",
                    case=move.litigation_id.name,
                )
        return reasons

    @api.model
    def _get_penalty_suspended_lines(self, moves):
        """``{move.id: {line id}}``: of each invoice of ``moves`` that open litigation cases
        claim in part (some of its receivable lines in an open case's ``line_ids``, the rule of
        ``recouvrement.dunning._is_claimed_in_litigation``), the instalments claimed by an
        open case that suspends penalties (``suspend_penalties``): they bear none while it is
        open, the others accrue as any late instalment (issue 17: the case claims only them).
        An invoice in a case none of whose lines an open case lists is claimed, and
        suspended, whole (:meth:`_is_penalty_suspended`): it is absent here. No query beyond
        the prefetch of the invoices' lines and cases. Context ``penalty_ignore_suspension``:
        none (what the instalments accrue whatever suspends them,
        :meth:`_get_penalty_claimed_shares`)."""
        if self.env.context.get("penalty_ignore_suspension"):
            return {}
        return {
            move_id: {
                line.id
                for line in listed
                if any(
                    case.suspend_penalties and not case.is_closed
                    for case in line.litigation_case_ids
                )
            }
            for move_id, listed in self._get_penalty_litigated_lines(moves).items()
        }

    @api.model
    def _get_penalty_litigated_lines(self, moves):
        """``{move.id: account.move.line}``: of each invoice of ``moves`` that open litigation
        cases claim in part, the receivable lines (instalments) they claim (in the
        ``line_ids`` of an open case: the one rule,
        ``recouvrement.dunning._get_lines_listed_in_litigation``); an invoice in no case, or
        claimed whole (none of its lines listed), is absent. No query beyond the prefetch of the
        invoices' lines and cases (none for invoices in no case)."""
        litigated = {}
        Dunning = self.env["recouvrement.dunning"]
        # sudo: the cases are read for any user who computes the figures
        for move in moves.sudo().filtered("litigation_id"):
            listed = Dunning._get_lines_listed_in_litigation(move)
            if listed:
                litigated[move.id] = listed
        return litigated

    @api.model
    def _is_penalty_suspended(self, move, suspended):
        """Whether nothing accrues on ``move`` because of litigation: it is in an open case
        suspending penalties that claims it whole, or every instalment that would bear
        penalties (those of context ``penalty_claimed_line_ids`` when it names some of them,
        :meth:`_get_penalty_instalments`) is claimed by such a case (``suspended``:
        :meth:`_get_penalty_suspended_lines`)."""
        if self.env.context.get("penalty_ignore_suspension"):
            return False
        case = move.sudo().litigation_id
        if move.id not in suspended:
            return case.suspend_penalties and not case.is_closed
        if not suspended[move.id]:
            return False
        lines = move.line_ids.filtered(
            lambda line: (
                line.display_type == "payment_term"
                and line.date_maturity
                and line.amount_currency > 0
            )
        )
        claimed = set(self.env.context.get("penalty_claimed_line_ids") or ())
        if claimed & set(lines.ids):
            lines = lines.filtered(lambda line: line.id in claimed)
        return all(line.id in suspended[move.id] for line in lines)

    @api.model
    def _get_penalty_plan_reason(self, plan):
        """Why nothing accrues on an invoice of ``plan`` (its ``penalty_plan_id``), kept or
        completed. Product decision (README; LEGAL.md is silent): the signed plan settles the
        penalties (L441-10) and the indemnity (D441-5) of its invoices, those its instalments
        claim and those it gives up alike, and its instalments replace the invoices' due
        dates while it is kept; a defaulted or called-off plan settles nothing (its waiver
        lapses, its printed terms say so). A plan proposed to the customer holds them until
        it is signed or called off: its schedule claims or gives them up, nothing else may."""
        # sudo: the plan's name and state are read for any user computing the figures
        plan = plan.sudo()
        if plan.state == "proposed":
            return self.env._(
                "Payment plan %(plan)s, proposed to the customer, holds the late-payment "
                "penalties and the recovery indemnity of this invoice (claimed by its "
                "instalments or given up) until it is signed; if it is called off, they are "
                "claimable again from the due date.",
                plan=plan.name,
            )
        if plan.state == "completed":
            return self.env._(
                "Payment plan %(plan)s, completed, settled the late-payment penalties and the "
                "recovery indemnity of this invoice (claimed by its instalments or given up).",
                plan=plan.name,
            )
        return self.env._(
            "Payment plan %(plan)s settles the late-payment penalties and the recovery "
            "indemnity of this invoice (claimed by its instalments or given up) while it is "
            "kept; if it is defaulted or called off, they are claimable again from the due date.",
            plan=plan.name,
        )

    @api.model
    def _get_penalty_reductions(self, moves, settled=frozenset()):
        """``{line.id: [(date, Decimal amount)]}``: payments, credit notes and write-offs of
        each receivable line (instalment) of ``moves``.

        Read from the reconciliations of the receivable lines of ``moves`` (one query): the
        amount is in the invoice currency, the date is the reconciliation date (the later of
        the two lines); sorted by date. A credit note of ``settled`` (``{(invoice id, credit
        note id)}``, :meth:`_get_penalty_disputes`) is dated ``datetime.date.min``: what it
        settles never bore penalties.
        """
        if not moves:
            return {}
        self.env["account.partial.reconcile"].flush_model(
            ["debit_move_id", "debit_amount_currency", "max_date"]
        )
        self.env["account.move.line"].flush_model(["move_id", "display_type"])
        rows = self.env.execute_query(
            SQL(
                """
                SELECT line.id, line.move_id, credit.move_id, partial.max_date,
                       SUM(partial.debit_amount_currency)
                  FROM account_partial_reconcile partial
                  JOIN account_move_line line ON line.id = partial.debit_move_id
                  JOIN account_move_line credit ON credit.id = partial.credit_move_id
                 WHERE line.move_id = ANY(%s)
                   AND line.display_type = 'payment_term'
              GROUP BY line.id, line.move_id, credit.move_id, partial.max_date
              ORDER BY line.id, partial.max_date
                """,
                moves.ids,
            )
        )
        reductions = defaultdict(list)
        for line_id, move_id, credit_move_id, date, amount in rows:
            if (move_id, credit_move_id) in settled:
                # product decision (README): the part a dispute's credit note settles was never
                # owed, it never bore penalties
                date = datetime.date.min
            reductions[line_id].append((date, penalties.to_decimal(amount or 0.0)))
        for payments in reductions.values():
            payments.sort(key=lambda payment: payment[0])
        return reductions

    @api.model
    def _get_penalty_disputes(self, moves):
        """What the commercial disputes (``recouvrement.dispute``) on ``moves`` change in their
        penalties, in one query: ``(held_back, settled)``.

        ``held_back``: ``{move.id: Decimal}``, the part of each invoice under open disputes,
        in the invoice currency, never more than its amount due (invoices without one are
        left out); ``settled``: ``{(invoice id, credit note id)}``, the credit notes that
        resolved a dispute on an invoice of ``moves``.

        Product decision (README, design): while a dispute is open, every claim bears
        penalties on the undisputed part only; once it is rejected, the disputed part bears
        them from its own due date again (it was owed all along); the part a dispute's credit
        note settles never bore any.
        """
        if not moves:
            return {}, set()
        # sudo: the disputes are read for any user who computes the figures
        disputes = (
            self.env["recouvrement.dispute"]
            .sudo()
            .search_fetch(
                [("move_id", "in", moves.ids), ("state", "in", ("open", "resolved"))],
                ["move_id", "amount", "state", "credit_note_id"],
            )
        )
        held = defaultdict(lambda: Decimal(0))
        settled = set()
        for dispute in disputes:
            if dispute.state == "open":
                held[dispute.move_id.id] += penalties.to_decimal(dispute.amount)
            elif dispute.credit_note_id:
                settled.add((dispute.move_id.id, dispute.credit_note_id.id))
        held_back = {
            move.id: min(held[move.id], penalties.to_decimal(move.amount_residual))
            for move in moves
            if move.id in held
        }
        return held_back, settled

    @api.model
    def _get_penalty_instalments(self, moves, reductions, notices=None):
        """``{move.id: [(Decimal principal, due date, payments)]}``: the instalments of
        ``moves``, one per receivable line with its own ``date_maturity`` (L441-10 II: each
        due date printed on the invoice is a payment date), in the invoice currency, with the
        payments of ``reductions`` (``_get_penalty_reductions``). One query.

        Context ``penalty_claimed_line_ids`` (ids of receivable lines): of an invoice with one
        of them, only those instalments bear penalties, and the D441-5 indemnity falls due with
        the first of them (a litigation case claiming some instalments of an invoice,
        ``recouvrement.litigation._get_claimed_line_ids``: the others go on through the
        reminders, README: "The transfer to litigation claims what the formal notice
        claimed"). The instalments an open case suspending penalties claims
        (:meth:`_get_penalty_suspended_lines`) bear none: the indemnity falls due with the
        first of the others.

        ``notices`` (``{line id: date}``, :meth:`_get_penalty_formal_notice_line_dates`), for
        a consumer's invoices: each instalment is due for the rules on the later of its due
        date and the formal notice listing it (legal interest runs from the mise en demeure,
        art. 1344-1 Code civil), one no notice listed is left out."""
        if not moves:
            return {}
        lines = self.env["account.move.line"].search_fetch(
            [("move_id", "in", moves.ids), ("display_type", "=", "payment_term")],
            ["move_id", "date_maturity", "amount_currency"],
            order="date_maturity, id",
        )
        claimed = set(self.env.context.get("penalty_claimed_line_ids") or ())
        if claimed:
            partial = {line.move_id.id for line in lines if line.id in claimed}
            lines = lines.filtered(
                lambda line: line.move_id.id not in partial or line.id in claimed
            )
        # the instalments an open case suspending penalties claims bear none
        suspended = set().union(*self._get_penalty_suspended_lines(moves).values())
        if suspended:
            lines = lines.filtered(lambda line: line.id not in suspended)
        instalments = defaultdict(list)
        for line in lines:
            if not line.date_maturity or line.amount_currency <= 0:
                continue
            due = line.date_maturity
            if notices is not None:
                if line.id not in notices:
                    continue
                due = max(due, notices[line.id])
            instalments[line.move_id.id].append(
                (penalties.to_decimal(line.amount_currency), due, reductions.get(line.id, []))
            )
        return instalments

    @api.model
    def _get_indemnity_date(self, move, instalments):
        """The due date the D441-5 indemnity of ``move`` falls due with, at whose rate it is
        converted from euros: that of its first instalment not paid in full by its own due
        date (LEGAL.md, instalments: the 40 EUR is due as soon as any instalment is paid
        late), else its due date. ``instalments``: its item of
        :meth:`_get_penalty_instalments` (None: one due date)."""
        for principal, due_date, payments in instalments or ():
            if sum((amount for day, amount in payments if day <= due_date), Decimal(0)) < principal:
                return due_date
        return move.invoice_date_due

    @api.model
    def _get_indemnity_dates(self, moves):
        """``{move.id: date}``: :meth:`_get_indemnity_date` of each of ``moves``, from the
        same instalments and payments as :meth:`_prepare_penalty_params`; a few queries for all
        of them."""
        _held_back, settled = self._get_penalty_disputes(moves)
        instalments = self._get_penalty_instalments(
            moves, self._get_penalty_reductions(moves, settled)
        )
        return {move.id: self._get_indemnity_date(move, instalments.get(move.id)) for move in moves}

    @api.model
    def _get_penalty_currency_rates(self, pairs):
        """Currency rates ``{(currency_id, company_id, date): float}`` for the ``pairs``
        ``{(currency_id, company_id, date)}``, in one query, with the precedence of
        ``res.currency._get_rates`` (the root company's rates, then the shared ones; 1.0 when
        none is dated on or before ``date``)."""
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

    @api.model
    def _prepare_penalty_params(self, moves):
        """``{move.id: params}``: everything the rules need, read for ``moves`` in batch.

        ``params`` holds the arguments of :func:`..rules.penalties.compute_penalty` and
        :func:`..rules.penalties.indemnity_due` (Decimal amounts in the invoice currency; the
        D441-5 indemnity converted from euros at the due date it fell due with,
        :meth:`_get_indemnity_date`). Ineligible invoices get ``{"reason": str}`` only.
        """
        reasons = self._get_penalty_ineligibility(moves)
        eligible = moves.filtered(lambda m: m.id not in reasons)
        held_back, settled = self._get_penalty_disputes(eligible)
        reductions = self._get_penalty_reductions(eligible, settled)
        instalments = self._get_penalty_instalments(eligible, reductions)
        rate_table = self.env["recouvrement.penalty.rate"]._get_rate_table()
        # The D441-5 indemnity is in euros: converted for other currencies at the due date it
        # fell due with, that of the first instalment paid late (LEGAL.md, instalments)
        foreign = eligible.filtered(lambda m: m.currency_id.name != "EUR")
        euro = self.env["res.currency"]
        if foreign:
            euro = euro.with_context(active_test=False).search([("name", "=", "EUR")], limit=1)
        indemnity_dates = {
            move.id: self._get_indemnity_date(move, instalments.get(move.id)) for move in foreign
        }
        pairs = set()
        for move in foreign:
            pairs.add((move.currency_id.id, move.company_id.id, indemnity_dates[move.id]))
            pairs.add((euro.id, move.company_id.id, indemnity_dates[move.id]))
        currency_rates = self._get_penalty_currency_rates(pairs)
        foreign_ids = set(foreign.ids)
        params = {move_id: {"reason": reason} for move_id, reason in reasons.items()}
        consumers = eligible.filtered(lambda m: m.commercial_partner_id._is_consumer())
        consumer_ids = set(consumers.ids)
        # against a consumer each instalment bears legal interest from the first formal notice
        # listing it only (art. 1344-1 Code civil): its due date for the rules is the later of
        # the two, and an instalment no notice listed bears none
        line_notices = self._get_penalty_formal_notice_line_dates(consumers)
        notices = {}
        for line in self.env["account.move.line"].browse(list(line_notices)):
            notices[line.move_id.id] = min(
                line_notices[line.id], notices.get(line.move_id.id, line_notices[line.id])
            )
        if consumers:
            noticed = self._get_penalty_instalments(consumers, reductions, notices=line_notices)
            for move in consumers:
                instalments[move.id] = noticed.get(move.id, [])
        judgments = self.env["recouvrement.proceedings"]._get_judgments(
            eligible.commercial_partner_id
        )
        for move in eligible:
            company = move.company_id
            partner = move.commercial_partner_id
            is_consumer = move.id in consumer_ids
            if is_consumer and not instalments.get(move.id):
                # L441-10 binds professionals only; a consumer owes legal interest from a
                # formal notice (art. 1231-6 and 1344-1 Code civil), none was sent.
                params[move.id] = {"reason": self._get_penalty_consumer_reason()}
                continue
            # L622-28 stops the interest of the claims born before the opening judgment only;
            # a claim born from it on is paid at its due date (L622-17) and earns penalties
            # and the indemnity like any other (rules.proceedings.is_pre_judgment, R621-4).
            # the judgment of proceedings still running (recouvrement.proceedings._get_judgments)
            proceedings_date = judgments.get(partner.id, {}).get("date")
            if not proceedings_rules.is_pre_judgment(
                move.invoice_date, proceedings_date, move.delivery_date
            ):
                proceedings_date = None
            indemnity = penalties.to_decimal(company.penalty_indemnity_amount)
            if move.id in foreign_ids:
                key = (move.currency_id.id, company.id, indemnity_dates[move.id])
                ratio = penalties.to_decimal(currency_rates[key]) / penalties.to_decimal(
                    currency_rates[euro.id, company.id, indemnity_dates[move.id]]
                )
                indemnity = indemnity * ratio
            mode, convention = company.penalty_rate_mode, company.penalty_convention
            contract_rate = None
            if is_consumer:
                # Art. 1231-6 Code civil: the legal rate of each half-year, not L441-10's.
                mode, convention = "legal_interest", "half_year"
            elif mode == "contract":
                # company-dependent: the rate this company agreed with the customer
                contract_rate = (
                    partner.with_company(company).penalty_contract_rate
                    or company.penalty_contract_rate
                )
            move_instalments = instalments.get(move.id) or [
                (penalties.to_decimal(move.amount_total), move.invoice_date_due, [])
            ]
            if held_back.get(move.id):
                move_instalments = penalties.hold_back(
                    move_instalments, held_back[move.id], move.currency_id.decimal_places
                )
            params[move.id] = {
                "principal": penalties.to_decimal(move.amount_total),
                "due_date": move.invoice_date_due,
                "instalments": move_instalments,
                "held_back": held_back.get(move.id, Decimal(0)),
                "rates": rate_table,
                "mode": mode,
                "convention": convention,
                "contract_rate": contract_rate,
                "stop_date": proceedings_date,
                "currency_digits": move.currency_id.decimal_places,
                "is_consumer": is_consumer,
                "start_date": notices.get(move.id),
                "proceedings_date": proceedings_date,
                "indemnity_amount": indemnity,
            }
        return params

    @api.model
    def _get_penalty_formal_notice_dates(self, moves, received=True):
        """``{move.id: date}``: the first formal notice (mise en demeure) sent for each of
        ``moves`` (an email or SMS: the day it left the outgoing queue; a letter once posted:
        the day the customer had it, ``rules.deadlines.receipt_date``), by a dunning event
        listing it or on its litigation case; moves without one are left out. One query for
        all of ``moves`` (none when empty).
        ``received=False``: the day the notice left instead (an email sent, a letter
        posted), the date a litigation case states for its formal notice.

        Against a consumer, legal interest runs from that date (art. 1344-1 Code civil), for
        the instalments the notice listed (:meth:`_get_penalty_formal_notice_line_dates`).
        """
        line_dates = self._get_penalty_formal_notice_line_dates(moves, received)
        dates = {}
        for line in self.env["account.move.line"].browse(list(line_dates)):
            day = line_dates[line.id]
            dates[line.move_id.id] = min(day, dates.get(line.move_id.id, day))
        return dates

    @api.model
    def _get_penalty_formal_notice_line_dates(self, moves, received=True):
        """``{receivable line id: date}``: of the instalments of ``moves`` (their
        ``payment_term`` lines), the day of the first formal notice that listed each one
        (dates as in :meth:`_get_penalty_formal_notice_dates`): a dunning event's own
        instalments (``line_ids``; one recorded without them, all those of its invoices),
        a litigation case's formal notice the instalments it claims. An instalment no notice
        listed is left out: against a consumer it bears no interest (art. 1344-1 Code civil:
        from the mise en demeure; issue 17, a notice of the first half of an invoice started
        the interest of the second, not yet due when it was sent). One query for all of
        ``moves`` (none when empty)."""
        if not moves:
            return {}
        # sudo: dunning events are read for any user who computes the figures.
        groups = (
            self.env["recouvrement.dunning.event"]
            .sudo()
            ._read_group(
                [
                    ("move_ids", "in", moves.ids),
                    # an email sent, or a (registered) letter once posted (issue 18): a letter
                    # still to post was not sent
                    ("state", "in", ("sent", "posted")),
                    # an email or SMS still in the outgoing queue was not sent either
                    ("queued", "=", False),
                    ("level_id.is_formal_notice", "=", True),
                ],
                ["move_ids", "line_ids", "channel", "delivery_date:day", "dispatch_date:day"],
                ["date:min", "post_date:min"],
            )
        )
        instalments = moves.line_ids.filtered(lambda line: line.display_type == "payment_term")
        by_move = instalments.grouped("move_id")
        dates = {}

        def note(lines, day):
            for line in lines:
                dates[line.id] = min(day, dates.get(line.id, day))

        for move, line, channel, delivered, dispatched, sent, posted in groups:
            if move not in by_move or (line and line.move_id != move):
                continue
            # an email or SMS from the day it left the outgoing queue
            sent = dispatched or sent
            if not received:
                # the day it left: a letter from its posting, not its preparation
                day = (posted or sent) if channel in POSTED_CHANNELS else sent
            else:
                # the day the customer had it: a letter from its delivery, not its preparation
                day = deadline_rules.receipt_date(
                    sent=sent,
                    letter=channel in POSTED_CHANNELS,
                    posted=posted or sent,
                    delivered=delivered,
                )
            note(line or by_move[move], day)
        for move, lines in by_move.items():
            case = move.litigation_id.sudo()
            if case.formal_notice_date:
                claimed = case._get_claimed_line_ids().get(move.id)
                note(
                    lines.filtered(lambda ln, claimed=claimed: not claimed or ln.id in claimed),
                    case.formal_notice_date,
                )
        return dates

    @api.model
    def _get_penalty_consumer_reason(self):
        """Why nothing accrues on the invoice of a consumer sent no formal notice."""
        return self.env._(
            "No late-payment penalty against a consumer (art. L441-10 Code de commerce binds "
            "professionals only): interest at the legal rate runs only from a formal notice "
            "(art. 1231-6 and 1344-1 Code civil)."
        )

    @api.model
    def _compute_penalty_result(self, params, end_date):
        """Apply the L441-10 and D441-5 rules to ``params`` (of ``_prepare_penalty_params``)
        up to ``end_date``.

        Returns ``(PenaltyResult, Decimal indemnity rounded to the currency)``. Raises
        :class:`..rules.penalties.MissingRateError` when a reference rate is missing.
        """
        result = penalties.compute_instalments_penalty(
            params["instalments"],
            end_date,
            params["rates"],
            mode=params["mode"],
            convention=params["convention"],
            contract_rate=params["contract_rate"],
            stop_date=params["stop_date"],
            currency_digits=params["currency_digits"],
            start_date=params.get("start_date"),
        )
        # Late also when the opening judgment stopped interest before a day could accrue
        # (invoice due the day before it): the D441-5 indemnity is owed (L622-28 stops interest
        # only).
        is_late = result.days > 0 or bool(
            params["stop_date"]
            and params["stop_date"] <= end_date
            and penalties.unpaid_after_due_date(params["instalments"], params["stop_date"])
        )
        indemnity = penalties.indemnity_due(
            is_late,
            params["is_consumer"],
            params["proceedings_date"],
            # Due once per invoice as soon as an instalment is late: the first due date.
            min(due_date for _principal, due_date, _payments in params["instalments"]),
            amount=params["indemnity_amount"],
        )
        quantum = Decimal(1).scaleb(-params["currency_digits"])
        return result, indemnity.quantize(quantum, rounding=ROUND_HALF_UP)

    @api.model
    def _compute_penalty_results(self, moves, to_date):
        """The rules applied to ``moves`` at ``to_date``, in batch.

        Returns ``{move.id: res}`` where ``res`` is ``{"result": PenaltyResult, "indemnity":
        Decimal, "params": dict}``, or ``{"reason": str, "indemnity": 0}`` for an ineligible
        invoice, or ``{"error": str, "indemnity": 0}`` when a reference rate is missing.
        """
        results = {}
        for move_id, params in self._prepare_penalty_params(moves).items():
            if "reason" in params:
                results[move_id] = {"reason": params["reason"], "indemnity": Decimal(0)}
                continue
            try:
                result, indemnity = self._compute_penalty_result(params, to_date)
            except penalties.MissingRateError as error:
                results[move_id] = {
                    "error": self._get_penalty_missing_rate_message(error, moves.browse(move_id)),
                    "indemnity": Decimal(0),
                }
                continue
            results[move_id] = {"result": result, "indemnity": indemnity, "params": params}
        return results

    # --- Texts ---------------------------------------------------------------------------------

    @api.model
    def _get_penalty_missing_rate_message(self, error, move):
        """User message for the :class:`..rules.penalties.MissingRateError` ``error`` of
        ``move``, naming the half-year and where to set the rate."""
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

    @api.model
    def _format_penalty_rate(self, rate):
        """``rate`` (percent per year) as text in the language of ``self.env``: "14.50 %"."""
        return self.env._("%(rate)s %%", rate=formatLang(self.env, float(rate), digits=2))

    @api.model
    def _get_penalty_explanation(self, move, res):
        """Human explanation of the figures ``res`` of ``move`` (an item of
        ``_compute_penalty_results``): days, base, rate per segment, indemnity, or why nothing
        accrues."""
        if res.get("error"):
            return res["error"]
        if res.get("reason"):
            return res["reason"]
        result = res["result"]
        params = res["params"]
        lines = []
        if not result.days:
            lines.append(self.env._("Not late: no penalty accrued."))
        else:
            lines += self._get_penalty_explanation_delay(move, result, params)
        lines += self._get_penalty_explanation_suspended(move)
        lines += self._get_penalty_explanation_indemnity(move, result, params, res["indemnity"])
        return "\n".join(lines)

    @api.model
    def _get_penalty_explanation_delay(self, move, result, params):
        """Lines explaining the penalty of a late invoice: segments, rates, total (L441-10)."""
        currency = move.currency_id
        lines = [
            self.env._(
                "%(days)s days late, from %(date_from)s to %(date_to)s; rate per year, "
                "365-day year, on the amount unpaid including taxes:",
                days=result.days,
                date_from=format_date(self.env, result.first_day),
                date_to=format_date(self.env, result.last_day),
            )
        ]
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
                    amount=formatLang(self.env, float(exact), digits=2),
                )
            )
        lines += [self._get_penalty_explanation_rate(info) for info in result.rates]
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
        if params.get("held_back"):
            lines.append(
                self.env._(
                    "%(amount)s under an open commercial dispute bears no penalty while the "
                    "dispute is open; if it is rejected, its penalties run from its due date.",
                    amount=formatLang(self.env, float(params["held_back"]), currency_obj=currency),
                )
            )
        lines.append(
            self.env._(
                "Total rounded once: %(amount)s.",
                amount=formatLang(self.env, float(result.amount), currency_obj=currency),
            )
        )
        return lines

    @api.model
    def _get_penalty_explanation_suspended(self, move):
        """The line naming the instalments of ``move`` an open litigation case suspending
        penalties claims (:meth:`_get_penalty_suspended_lines`: they bear none, the others
        accrue), with the case; empty when there are none."""
        suspended = self._get_penalty_suspended_lines(move).get(move.id)
        if not suspended:
            return []
        # sudo: the cases are read for any user who reads the figures
        cases = (
            move.sudo()
            .line_ids.filtered(lambda line: line.id in suspended)
            .litigation_case_ids.filtered(
                lambda case: case.suspend_penalties and not case.is_closed
            )
        )
        return [
            self.env._(
                "Instalments %(due_dates)s are claimed by litigation case %(case)s, which "
                "suspends penalties: they bear none while it is open.",
                due_dates=self._get_mention_due_dates(move, suspended, residual=True),
                case=", ".join(cases.mapped("name")),
            )
        ]

    @api.model
    def _get_penalty_explanation_rate(self, info):
        """The line explaining the rate ``info`` (a :class:`..rules.penalties.RateInfo`) of a
        half-year: ECB rate + 10 points, contract rate, or the legal floor applied instead."""
        label = penalties.half_year_label(info.half_year)
        if info.mode == "legal_interest":
            return self.env._(
                "Rate %(half_year)s: legal interest rate %(rate)s, owed by a consumer from the "
                "formal notice (art. 1231-6 and 1344-1 Code civil; no L441-10 penalty).",
                half_year=label,
                rate=self._format_penalty_rate(info.rate),
            )
        if info.mode == "legal_default":
            return self.env._(
                "Rate %(half_year)s: ECB main refinancing rate %(ecb)s + 10 points = %(rate)s.",
                half_year=label,
                ecb=self._format_penalty_rate(info.base_rate),
                rate=self._format_penalty_rate(info.rate),
            )
        if info.floor_applied:
            return self.env._(
                "Rate %(half_year)s: the contract rate %(contract)s is below the legal floor "
                "(3 x the legal interest rate) %(floor)s, which applies instead.",
                half_year=label,
                contract=self._format_penalty_rate(info.base_rate),
                floor=self._format_penalty_rate(info.floor),
            )
        return self.env._(
            "Rate %(half_year)s: contract rate %(rate)s (legal floor %(floor)s).",
            half_year=label,
            rate=self._format_penalty_rate(info.rate),
            floor=self._format_penalty_rate(info.floor),
        )

    @api.model
    def _get_penalty_explanation_indemnity(self, move, result, params, indemnity):
        """The line on the D441-5 indemnity: its amount, or why none is due (consumer,
        collective proceedings opened before the due date); empty when not late."""
        if indemnity:
            return [
                self.env._(
                    "Recovery indemnity: %(amount)s, once per invoice paid late (art. D441-5).",
                    amount=formatLang(self.env, float(indemnity), currency_obj=move.currency_id),
                )
            ]
        if result.days and params["is_consumer"]:
            return [
                self.env._(
                    "No recovery indemnity against a consumer "
                    "(art. L111-8 Code de la consommation)."
                )
            ]
        if result.days and params["proceedings_date"]:
            return [
                self.env._(
                    "No recovery indemnity: collective proceedings opened on %(date)s, before "
                    "the due date.",
                    date=format_date(self.env, params["proceedings_date"]),
                )
            ]
        return []

    # --- Penalty invoices ----------------------------------------------------------------------

    @api.model
    def _get_penalty_charged(self, moves):
        """``{move.id: {"periods": [(date_from, date_to)], "indemnity": bool, "computed":
        {(date_from, date_to): float}}}``: the penalty periods invoiced on each of ``moves``,
        what the computation gave for each when its lines were created (invoice currency,
        ``penalty_computed_amount``, whatever their price became by hand) and whether its
        indemnity was charged.

        Lines of penalty invoices not cancelled count (drafts too, so as never to charge twice):
        cancelling a penalty invoice frees exactly its periods. One ``_read_group`` for all of
        ``moves``.
        """
        groups = self.env["account.move.line"]._read_group(
            [
                ("penalty_source_move_id", "in", moves.ids),
                ("parent_state", "!=", "cancel"),
                ("penalty_kind", "!=", False),
            ],
            [
                "penalty_source_move_id",
                "penalty_kind",
                "penalty_date_from:day",
                "penalty_date_to:day",
            ],
            ["penalty_computed_amount:sum"],
        )
        charged = defaultdict(lambda: {"periods": [], "indemnity": False, "computed": {}})
        for source, kind, date_from, date_to, amount in groups:
            if kind == "penalty" and date_to:
                period = (date_from or datetime.date.min, date_to)
                charged[source.id]["periods"].append(period)
                computed = charged[source.id]["computed"]
                computed[period] = computed.get(period, 0.0) + amount
            elif kind == "indemnity":
                charged[source.id]["indemnity"] = True
        return charged

    @api.model
    def _create_penalty_invoices(self, moves, to_date=None):
        """Create the draft penalty invoices for ``moves`` up to ``to_date`` (default: today).

        One invoice per customer, company and currency, and apart the penalties of claims born
        before the customer's opening judgment (each penalty follows the claim it is computed
        on: frozen and declared with it, L622-21, L622-28; those of later invoices are paid at
        their due date, L622-17); per source invoice one line for the penalty period not yet
        invoiced (L441-10) and one for the indemnity if not yet charged (D441-5), labelled in
        the customer's language. Returns the ``account.move`` created.
        Raises a UserError when nothing is selected, a reference rate or an income account is
        missing, or there is nothing new to charge (listing why for each invoice).
        """
        to_date = to_date or fields.Date.context_today(self)
        if not moves:
            raise UserError(self.env._("Select the late customer invoices to charge penalties on."))
        self._lock_penalty_sources(moves)
        params_by_move = self._prepare_penalty_params(moves)
        charged = self._get_penalty_charged(moves)
        lines_by_key = defaultdict(list)
        skipped = []
        products = {}  # company: ((penalty product, account), (indemnity product, account))
        frozen = self.env["recouvrement.proceedings"]._get_pre_judgment_moves(moves)
        for move in moves:
            params = params_by_move[move.id]
            if "reason" in params:
                skipped.append(
                    self.env._(
                        "%(invoice)s: %(reason)s", invoice=move.name, reason=params["reason"]
                    )
                )
                continue
            charge = self._get_penalty_to_charge(move, params, charged[move.id], to_date)
            if not charge:
                skipped.append(self.env._("%(invoice)s: nothing new to charge.", invoice=move.name))
                continue
            company = move.company_id
            if company not in products:
                products[company] = tuple(
                    zip(
                        self._get_penalty_products(company),
                        self._get_penalty_accounts(company),
                        strict=True,
                    )
                )
            vals_list = self._prepare_penalty_lines_vals(move, charge, products[company])
            key = (company, move.commercial_partner_id, move.currency_id, move in frozen)
            lines_by_key[key] += vals_list
        if not lines_by_key:
            raise UserError(
                self.env._(
                    "No penalty or indemnity to invoice:\n%(details)s", details="\n".join(skipped)
                )
            )
        vals_list = [
            self._prepare_penalty_invoice_vals(company, partner, currency, lines, to_date)
            for (company, partner, currency, _frozen), lines in lines_by_key.items()
        ]
        return self.env["account.move"].create(self._complete_penalty_invoice_vals(vals_list))

    @api.model
    def _check_penalty_sources_free(self, invoices):
        """Refuse to post the penalty invoices of ``invoices`` charging an invoice whose
        penalties and indemnity a payment plan settles or holds (its ``penalty_plan_id``),
        with a line made after the plan's schedule was computed (product decision, README:
        the plan's schedule claims or gives them up, nothing else may; a penalty invoice the
        schedule netted may be reset to draft and posted again). Other moves cost no query.

        :raise UserError: naming the penalty invoice, the invoice it charges and the plan
        """
        lines = invoices.filtered("is_penalty_invoice").line_ids.filtered("penalty_kind")
        for line in lines:
            source = line.penalty_source_move_id
            # sudo: the plan's schedule is read for any user posting an invoice
            plan = source.penalty_plan_id.sudo()
            if plan and line.id >= plan.schedule_penalty_line_from > 0:
                raise UserError(
                    self.env._(
                        "Penalty invoice %(penalty)s cannot be posted: it charges invoice "
                        "%(invoice)s. %(reason)s",
                        penalty=line.move_id.display_name,
                        invoice=source.display_name,
                        reason=self._get_penalty_plan_reason(source.penalty_plan_id),
                    )
                )

    @api.model
    def _check_cancelled_penalty_reset(self, invoices):
        """Refuse to reset to draft a cancelled penalty invoice of ``invoices`` whose period
        or indemnity another penalty invoice not cancelled charged since for the same invoice
        (created after it): its cancellation freed them and that one charged them again
        (README, product decisions: a draft charges its period; L441-10 II, D441-5: a period
        and the indemnity are charged once; issue 17 #6: posted again, February and the
        40.00 were charged twice). The source invoices are locked first, as a penalty
        invoice being created waits for them (:meth:`_lock_penalty_sources`). Other moves
        cost no query.

        :raise UserError: naming the penalty invoice, the invoice it charges, the period or
            indemnity and the penalty invoice that charged it since
        """
        cancelled = invoices.filtered(
            lambda move: move.is_penalty_invoice and move.state == "cancel"
        )
        lines = cancelled.line_ids.filtered("penalty_kind")
        if not lines:
            return
        self._lock_penalty_sources(lines.penalty_source_move_id)
        others = self.env["account.move.line"].search(
            [
                ("penalty_source_move_id", "in", lines.penalty_source_move_id.ids),
                ("penalty_kind", "!=", False),
                ("parent_state", "!=", "cancel"),
                ("move_id", "not in", cancelled.ids),
            ]
        )
        for line in lines:
            for other in others:
                if (
                    other.penalty_source_move_id != line.penalty_source_move_id
                    or other.penalty_kind != line.penalty_kind
                    or other.move_id.id < line.move_id.id
                ):
                    continue
                if line.penalty_kind == "penalty" and not (
                    line.penalty_date_from
                    and other.penalty_date_from
                    and line.penalty_date_from <= other.penalty_date_to
                    and other.penalty_date_from <= line.penalty_date_to
                ):
                    continue
                charged = (
                    self.env._(
                        "the period from %(start)s to %(end)s",
                        start=format_date(self.env, line.penalty_date_from),
                        end=format_date(self.env, line.penalty_date_to),
                    )
                    if line.penalty_kind == "penalty"
                    else self.env._("the recovery indemnity")
                )
                raise UserError(
                    self.env._(
                        "Penalty invoice %(penalty)s cannot be reset to draft: %(charged)s of "
                        "invoice %(invoice)s was charged since by penalty invoice %(other)s, "
                        "and a period or an indemnity is charged once. Keep it cancelled; "
                        "Invoice Penalties charges what is left.",
                        penalty=line.move_id.display_name,
                        charged=charged,
                        invoice=line.penalty_source_move_id.display_name,
                        other=other.move_id.display_name,
                    )
                )

    @api.model
    def _lock_penalty_sources(self, moves):
        """Lock the source invoices ``moves`` until the end of the transaction, so that two
        users charging penalties on the same invoices never both charge them.

        The rows are locked in id order (no deadlock) and rewritten unchanged: a concurrent
        call waits for this transaction, then fails with a serialization conflict that the
        request/cron retry mechanism of Odoo replays on a fresh snapshot, where the penalty
        lines created here are seen and nothing new is charged.
        """
        self.env.cr.execute(
            SQL(
                "SELECT id FROM account_move WHERE id = ANY(%s) ORDER BY id FOR NO KEY UPDATE",
                moves.ids,
            )
        )
        self.env.cr.execute(
            SQL("UPDATE account_move SET write_date = write_date WHERE id = ANY(%s)", moves.ids)
        )

    @api.model
    def _get_penalty_to_charge(self, move, params, charged, to_date):
        """What ``move`` owes at ``to_date`` and is not charged yet, or ``None`` if nothing.

        ``params`` are the invoice's (``_prepare_penalty_params``), ``charged`` its item of
        ``_get_penalty_charged``. Each period of delay not invoiced yet is charged with the
        difference of the rounded totals at its ends, so that the invoices of consecutive
        periods add up to the total (L441-10). Returns ``{"result": PenaltyResult, "periods":
        [(date_from, date_to, Decimal amount)] (empty: none), "indemnity": Decimal (0: none or
        already charged)}``. Raises a UserError when a reference rate is missing.
        """
        try:
            result, indemnity = self._compute_penalty_result(params, to_date)
            periods = []
            if result.days:
                gaps = penalties.uncovered_periods(
                    result.first_day, result.last_day, charged["periods"]
                )
                for date_from, date_to in gaps:
                    amount = self._compute_penalty_result(params, date_to)[0].amount
                    if date_from > result.first_day:
                        amount -= self._compute_penalty_result(params, date_from - ONE_DAY)[
                            0
                        ].amount
                    if amount > 0:
                        periods.append((date_from, date_to, amount))
                periods += self._get_penalty_catch_up(params, result, charged)
                periods.sort()
        except penalties.MissingRateError as error:
            raise UserError(self._get_penalty_missing_rate_message(error, move)) from error
        if charged["indemnity"]:
            indemnity = Decimal(0)
        if not periods and not indemnity:
            return None
        return {"result": result, "periods": periods, "indemnity": indemnity}

    @api.model
    def _get_penalty_catch_up(self, params, result, charged):
        """``[(date_from, date_to, Decimal amount)]``: what the periods already invoiced
        (``charged``, an item of ``_get_penalty_charged``) owe now beyond what the computation
        gave for them when they were invoiced, e.g. the penalties of a disputed part once the
        dispute is rejected (product decision, README: it bears penalties from its due date, it
        was owed all along). Compared with the computed amounts, not the prices charged: a line
        lowered or raised by hand is the company's decision (L441-10 penalties are the
        creditor's to claim or to forgo), never undone here. Each period owes the difference
        of the rounded totals at its ends (``result`` and ``params`` as in
        ``_get_penalty_to_charge``). Raises :class:`..rules.penalties.MissingRateError` when a
        reference rate is missing."""
        quantum = Decimal(1).scaleb(-params["currency_digits"])
        catch_up = []
        for (date_from, date_to), amount in sorted(charged.get("computed", {}).items()):
            if date_from < result.first_day or date_to > result.last_day:
                continue
            owed = self._compute_penalty_result(params, date_to)[0].amount
            if date_from > result.first_day:
                owed -= self._compute_penalty_result(params, date_from - ONE_DAY)[0].amount
            missing = (owed - penalties.to_decimal(amount)).quantize(quantum)
            if missing > 0:
                catch_up.append((date_from, date_to, missing))
        return catch_up

    @api.model
    def _prepare_penalty_lines_vals(self, move, charge, products):
        """Values of the lines of ``move`` charging ``charge`` (``_get_penalty_to_charge``),
        labelled in the customer's language; ``products`` is ``((penalty product, account),
        (indemnity product, account))``."""
        (product, account), (indemnity_product, indemnity_account) = products
        lang_self = self.with_context(lang=move.commercial_partner_id.lang or self.env.lang)
        vals_list = [
            lang_self._prepare_penalty_line_vals(
                move, charge["result"], amount, date_from, date_to, product, account
            )
            for date_from, date_to, amount in charge["periods"]
        ]
        if charge["indemnity"]:
            vals_list.append(
                lang_self._prepare_indemnity_line_vals(
                    move, charge["indemnity"], indemnity_product, indemnity_account
                )
            )
        return vals_list

    @api.model
    def _prepare_penalty_line_vals(
        self, move, result, amount, date_from, date_to, product, account
    ):
        """Values of the line charging the penalty of ``move`` accrued from ``date_from`` to
        ``date_to``: ``amount`` (Decimal, invoice currency) over these days of ``result`` (a
        :class:`..rules.penalties.PenaltyResult`), with no tax (L441-10)."""
        rates = []
        for segment in result.segments:
            if segment.end >= date_from and segment.start <= date_to and segment.rate not in rates:
                rates.append(segment.rate)
        label_args = {
            "invoice": move.name,
            "date_from": format_date(self.env, date_from),
            "date_to": format_date(self.env, date_to),
            "days": (date_to - date_from).days + 1,
            "rate": " / ".join(self._format_penalty_rate(rate) for rate in rates),
        }
        if result.mode == "legal_interest":
            # A consumer owes legal interest (art. 1231-6 Code civil), not L441-10 penalties.
            name = self.env._(
                "Interest at the legal rate - invoice %(invoice)s from %(date_from)s to "
                "%(date_to)s, %(days)s days, rate %(rate)s",
                **label_args,
            )
        else:
            name = self.env._(
                "Late-payment penalties - invoice %(invoice)s from %(date_from)s to "
                "%(date_to)s, %(days)s days, rate %(rate)s",
                **label_args,
            )
        vals = {
            "name": name,
            "quantity": 1,
            "price_unit": float(amount),
            "tax_ids": [Command.clear()],
            "penalty_source_move_id": move.id,
            "penalty_kind": "penalty",
            "penalty_date_from": date_from,
            "penalty_date_to": date_to,
            "penalty_computed_amount": float(amount),
        }
        if product:
            vals["product_id"] = product.id
        if account:
            vals["account_id"] = account.id
        return vals

    @api.model
    def _prepare_indemnity_line_vals(self, move, amount, product, account):
        """Values of the line charging the fixed recovery indemnity of ``move`` (D441-5):
        ``amount`` (Decimal, invoice currency), outside the scope of VAT."""
        vals = {
            "name": self.env._(
                "Fixed recovery indemnity - invoice %(invoice)s (art. D441-5 Code de commerce)",
                invoice=move.name,
            ),
            "quantity": 1,
            "price_unit": float(amount),
            "tax_ids": [Command.clear()],
            "penalty_source_move_id": move.id,
            "penalty_kind": "indemnity",
            "penalty_computed_amount": float(amount),
        }
        if product:
            vals["product_id"] = product.id
        if account:
            vals["account_id"] = account.id
        return vals

    @api.model
    def _prepare_penalty_invoice_vals(self, company, partner, currency, lines, to_date):
        """Values of the draft penalty invoice of ``partner`` dated ``to_date`` grouping
        ``lines`` (values of ``_prepare_penalty_line_vals`` and
        ``_prepare_indemnity_line_vals``)."""
        sources = self.env["account.move"].browse(
            [line["penalty_source_move_id"] for line in lines]
        )
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

    @api.model
    def _complete_penalty_invoice_vals(self, vals_list):
        """``vals_list`` (values of ``_prepare_penalty_invoice_vals``, changed in place and
        returned) completed with what Odoo would otherwise find invoice by invoice and line by
        line while creating them, here once for the whole batch, with Odoo's own methods so
        that the invoices are the same: the defaults (sales team), the sales journal, the
        number (``/``), and on the lines their analytic distribution and their amounts in
        invoice and company currency (no tax: Odoo's tax synchronisation then has nothing to
        rewrite). A value given by an overriding ``_prepare_*_vals`` is kept.
        """
        if not vals_list:
            return vals_list
        Move = self.env["account.move"]
        # Defaults depend on the environment only (never on the values): read once.
        defaults = Move._add_missing_default_values(dict(vals_list[0]))
        journals, numbered = {}, set()
        for vals in vals_list:
            for fname, value in defaults.items():
                vals.setdefault(fname, value)
            # Odoo's default journal for these values (one per company and currency).
            key = (vals["company_id"], vals["currency_id"])
            if key not in journals:
                # As superuser, like the stored compute of the journal.
                journals[key] = (
                    Move.sudo()
                    .new({k: v for k, v in vals.items() if k != "invoice_line_ids"})
                    ._search_default_journal()
                )
            vals.setdefault("journal_id", journals[key].id)
            # All the invoices have the same date and type: as Odoo numbers them in creation
            # order, only the first of a journal may take a number (the first of the period),
            # the others stay drafts without one.
            if vals["journal_id"] in numbered:
                vals.setdefault("name", "/")
            numbered.add(vals["journal_id"])
        self._add_penalty_line_amounts(vals_list)
        self._add_penalty_analytic_distributions(vals_list)
        return vals_list

    @api.model
    def _add_penalty_line_amounts(self, vals_list):
        """Set on the lines of ``vals_list`` (penalty invoice values, in place) their
        ``amount_currency`` and ``balance`` as Odoo's tax synchronisation computes them for a
        customer invoice (sign -1) dated ``invoice_date``: its own tax helpers, at the rate of
        the invoice date, rounded per invoice."""
        AccountTax = self.env["account.tax"]
        rates = {}
        for vals in vals_list:
            lines = [command[2] for command in vals["invoice_line_ids"]]
            if any("amount_currency" in line or "balance" in line for line in lines):
                continue
            company = self.env["res.company"].browse(vals["company_id"])
            currency = self.env["res.currency"].browse(vals["currency_id"])
            key = (company, currency, vals["invoice_date"])
            if key not in rates:
                rates[key] = self.env["res.currency"]._get_conversion_rate(
                    company.currency_id, currency, company, vals["invoice_date"]
                )
            base_lines = [
                AccountTax._prepare_base_line_for_taxes_computation(
                    None,
                    price_unit=line["price_unit"],
                    quantity=line["quantity"],
                    currency_id=currency,
                    rate=rates[key],
                    sign=-1,
                )
                for line in lines
            ]
            AccountTax._add_tax_details_in_base_lines(base_lines, company)
            AccountTax._round_base_lines_tax_details(base_lines, company)
            for line, base_line in zip(lines, base_lines, strict=True):
                details = base_line["tax_details"]
                line["amount_currency"] = -(
                    details["total_excluded_currency"]
                    + details.get("delta_base_amount_currency", 0.0)
                )
                line["balance"] = -(
                    details["total_excluded"] + details.get("delta_base_amount", 0.0)
                )

    @api.model
    def _add_penalty_analytic_distributions(self, vals_list):
        """Set on the lines of ``vals_list`` (penalty invoice values, in place) the analytic
        distribution Odoo's ``account.move.line._compute_analytic_distribution`` gives them
        (as superuser, like that stored compute; its arguments: product and category,
        customer and tags, account code, company), from one search of the distribution models
        for the whole batch: Odoo's ``_get_distribution`` for each set of arguments, its
        search served from that one (``CANDIDATES_KEY``)."""
        env = self.sudo().env
        Model = env["account.analytic.distribution.model"]
        lines_by_arguments = {}  # frozen arguments: lines
        # Records browsed together, read together.
        partners = env["res.partner"].browse([vals["partner_id"] for vals in vals_list])
        lines_list = [[command[2] for command in vals["invoice_line_ids"]] for vals in vals_list]
        products = env["product.product"].browse(
            {line["product_id"] for lines in lines_list for line in lines if line.get("product_id")}
        )
        accounts = env["account.account"].browse(
            {line["account_id"] for lines in lines_list for line in lines if line.get("account_id")}
        )
        for vals, partner, lines in zip(vals_list, partners, lines_list, strict=True):
            partner = partner.commercial_partner_id
            for line in lines:
                if "analytic_distribution" in line:
                    continue
                product = products.browse(line.get("product_id"))
                account = accounts.browse(line.get("account_id"))
                arguments = (
                    ("product_id", product.id),
                    ("product_categ_id", product.categ_id.id),
                    ("partner_id", partner.id),
                    ("partner_category_id", tuple(partner.category_id.ids)),
                    ("account_prefix", account.code),
                    ("company_id", vals["company_id"]),
                )
                lines_by_arguments.setdefault(arguments, []).append(line)
        if not lines_by_arguments:
            return

        def values(arguments):
            # Odoo's arguments (a fresh list of tags: Odoo's _create_domain appends to it).
            return {
                fname: list(value) if isinstance(value, tuple) else value
                for fname, value in arguments
            }

        def domain(arguments):
            vals = Model._get_default_search_domain_vals() | values(arguments)
            return [
                leaf for fname, value in vals.items() for leaf in Model._create_domain(fname, value)
            ]

        candidates = Model.search(expression.OR([domain(args) for args in lines_by_arguments]))
        Model = Model.with_context(**{CANDIDATES_KEY: candidates.ids})
        # What _get_distribution reads of each model, read for all of them at once.
        candidates.with_env(Model.env).mapped("distribution_analytic_account_ids.root_plan_id")
        for arguments, lines in lines_by_arguments.items():
            distribution = Model._get_distribution(values(arguments)) or False
            for line in lines:
                line["analytic_distribution"] = distribution

    @api.model
    def _get_penalty_products(self, company):
        """``(penalty product, indemnity product)`` of ``company``: its own, else the module's
        defaults (either may be empty if the default was deleted)."""
        return (
            company.penalty_product_id
            or self.env.ref("recouvrement_b2b.product_penalty", raise_if_not_found=False),
            company.penalty_indemnity_product_id
            or self.env.ref("recouvrement_b2b.product_indemnity", raise_if_not_found=False),
        )

    @api.model
    def _get_penalty_accounts(self, company):
        """``(penalty account, indemnity account)``: the income accounts of ``company`` for
        penalties (7638 Revenus des créances diverses) and indemnities (758 Produits divers de
        gestion courante: no service is paid for, hence no VAT and not 7088).

        The company's settings first, then its French chart of accounts, then (other charts)
        an active income account with one of the codes. Raises a UserError naming the company
        when none is found.
        """
        penalty = company.penalty_account_id or self._get_penalty_chart_account(
            company, PENALTY_ACCOUNT_TEMPLATES, PENALTY_ACCOUNT_PREFIXES
        )
        indemnity = company.penalty_indemnity_account_id or self._get_penalty_chart_account(
            company, INDEMNITY_ACCOUNT_TEMPLATES, INDEMNITY_ACCOUNT_PREFIXES
        )
        if not penalty or not indemnity:
            raise UserError(
                self.env._(
                    "Company %(company)s has no income account for late-payment penalties or "
                    "recovery indemnities: a credit manager must set them in the Debt "
                    "collection settings.",
                    company=company.display_name,
                )
            )
        return penalty, indemnity

    @api.model
    def _get_penalty_chart_account(self, company, templates, prefixes):
        """The active account of ``company`` created from one of the chart ``templates`` (xml
        ids of ``account.chart.template`` data, e.g. ``pcg_7638``), else the first active
        income account whose code starts with one of ``prefixes``; empty if none."""
        return find_chart_account(
            self.env, company, templates, prefixes, account_types=("income", "income_other")
        )

    # --- Invoice mention (L441-9) --------------------------------------------------------------

    @api.model
    def _get_penalty_mention(self, move):
        """L441-9 mentions of ``move`` for the invoice report, in the language of ``self.env``:
        due date, early-payment discount, penalty rate and, for a professional, the D441-5
        indemnity. The company's text with its placeholders when set; ``""`` for documents
        other than customer invoices with a due date."""
        if move.move_type != "out_invoice" or not move.invoice_date_due or move.is_penalty_invoice:
            return ""
        company = move.company_id
        due = self._get_mention_due_dates(move)
        rate = self._get_penalty_mention_rate(move)
        euro = self.env.ref("base.EUR")
        indemnity = formatLang(self.env, company.penalty_indemnity_amount, currency_obj=euro)
        if move.commercial_partner_id._is_consumer():
            # L441-10 binds professionals only: a consumer owes interest at the legal rate from
            # a formal notice (art. 1231-6 and 1344-1 Code civil), and no D441-5 indemnity
            # (L111-8 CPCE), whatever the company's own text for professionals says.
            return self.env._(
                "Due date: %(date)s. Any late payment bears interest at the legal rate from the "
                "formal notice (art. 1231-6 and 1344-1 Code civil).",
                date=due,
            )
        if company.penalty_mention:
            return (
                company.penalty_mention.replace("{due_date}", due)
                .replace("{rate}", rate)
                .replace("{indemnity}", indemnity)
            )
        if move.invoice_payment_term_id.early_discount:
            # The discount terms are printed by the invoice report with the payment terms.
            text = self.env._(
                "Due date: %(date)s. Any late payment bears penalties at the annual rate of "
                "%(rate)s from the day after the due date (art. L441-10 Code de commerce)",
                date=due,
                rate=rate,
            )
        else:
            text = self.env._(
                "Due date: %(date)s. No discount for early payment. Any late payment bears "
                "penalties at the annual rate of %(rate)s from the day after the due date "
                "(art. L441-10 Code de commerce)",
                date=due,
                rate=rate,
            )
        return self.env._(
            "%(text)s and a fixed indemnity of %(indemnity)s for recovery costs "
            "(art. D441-5 Code de commerce).",
            text=text,
            indemnity=indemnity,
        )

    @api.model
    def _get_claimed_receivables(self, moves, to_date):
        """Open receivable lines (instalments) of ``moves`` that a claim document (injonction
        de payer file, agency list, the case's amount due) claims at ``to_date``: those past
        their own due date (``date_maturity`` before ``to_date``). An instalment not yet due
        is not exigible (art. 1405 CPC; LEGAL.md, instalments): it is claimed once due, the
        whole invoice once its last instalment is. Their penalties and the D441-5 indemnity
        come with them (:meth:`_get_penalty_document_figures`: nothing accrues on an
        instalment before its due date).

        :return: ``account.move.line`` recordset, in no particular order
        """
        return moves.line_ids.filtered(
            lambda line: (
                line.account_type == "asset_receivable"
                and not line.reconciled
                and (not line.date_maturity or line.date_maturity < to_date)
            )
        )

    @api.model
    def _get_mention_due_dates(self, move, line_ids=None, residual=False):
        """The due date(s) printed on ``move``: its due date, or each instalment's due date
        with its amount (L441-10 II: each due date is a payment date, LEGAL.md).

        :param line_ids: optional set of receivable line ids: of an invoice in instalments,
            only those (what a litigation case claims of it, issue 17)
        :param residual: each instalment with what is left to pay of it today (in the
            invoice's currency), the paid ones left out (all paid: their due dates alone):
            what a litigation case claims of them, as its file, summary, hand-over list, the
            claim declaration, the portal and the invoice form list them next to the amount
            claimed (issue 17: the file printed "01/31/2026 (1,000.00 €)" next to a
            principal of 700.00); else the amounts the invoice prints
        """
        instalments = move.line_ids.filtered(
            lambda line: line.display_type == "payment_term" and line.date_maturity
        ).sorted(lambda line: (line.date_maturity, line.id))
        if len(set(instalments.mapped("date_maturity"))) < 2:
            return format_date(self.env, move.invoice_date_due)
        if line_ids is not None:
            instalments = instalments.filtered(lambda line: line.id in line_ids)
        if not residual:
            return ", ".join(
                f"{format_date(self.env, line.date_maturity)} "
                f"({format_amount(self.env, abs(line.amount_currency), move.currency_id)})"
                for line in instalments
            )
        unpaid = instalments.filtered(
            lambda line: not move.currency_id.is_zero(line.amount_residual_currency)
        )
        if not unpaid:
            return ", ".join(format_date(self.env, line.date_maturity) for line in instalments)
        return ", ".join(
            f"{format_date(self.env, line.date_maturity)} "
            f"({format_amount(self.env, abs(line.amount_residual_currency), move.currency_id)})"
            for line in unpaid
        )

    @api.model
    def _get_penalty_mention_rate(self, move):
        """The penalty rate printed on ``move``: the one of the half-year of the first day of
        delay of its first instalment, else (rate not published yet) the legal definition."""
        company = move.company_id
        first_due = min(
            move.line_ids.filtered(
                lambda line: line.display_type == "payment_term" and line.date_maturity
            ).mapped("date_maturity")
            or [move.invoice_date_due]
        )
        half_year = penalties.half_year_of(first_due + ONE_DAY)
        contract_rate = None
        if company.penalty_rate_mode == "contract":
            contract_rate = (
                move.commercial_partner_id.with_company(company).penalty_contract_rate
                or company.penalty_contract_rate
            )
        try:
            info = (
                self.env["recouvrement.penalty.rate"]
                ._get_rate_table()
                .rate_for(half_year, company.penalty_rate_mode, contract_rate)
            )
        except penalties.MissingRateError:
            return self.env._("the ECB main refinancing rate + 10 points")
        return self._format_penalty_rate(info.rate)

    # --- Settings ------------------------------------------------------------------------------

    @api.model
    def _check_penalty_settings(self, records, rate_fname=None, indemnity_fname=None):
        """Refuse a contract rate outside 0-100 % or a recovery indemnity outside 0-40 EUR
        (art. D441-5 Code de commerce) on ``records`` (partners or companies; translated
        ValidationError naming the field)."""
        for record in records:
            if rate_fname and not 0 <= record[rate_fname] <= MAX_CONTRACT_RATE:
                raise ValidationError(
                    self.env._(
                        "%(record)s: the %(field)s must be between 0 and %(max)s %% a year "
                        "(not %(value)s).",
                        record=record.display_name,
                        field=record._fields[rate_fname]._description_string(self.env),
                        max=format_number(self.env, MAX_CONTRACT_RATE, digits=2),
                        value=format_number(self.env, record[rate_fname], digits=2),
                    )
                )
            if indemnity_fname:
                # the flat indemnity is 40 EUR (art. D441-5 Code de commerce); higher costs
                # are claimed case by case, on justification (L441-10 II), not as a flat rate
                check_bounds(record, indemnity_fname, 0.0, MAX_INDEMNITY)
