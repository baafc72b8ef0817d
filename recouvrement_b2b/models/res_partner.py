import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import SQL, format_amount

from ..rules import identifiers, parties
from ..rules import score as score_rules

_logger = logging.getLogger(__name__)

# Exposure figures of res.partner read from recouvrement.credit.exposure (field: column).
_CREDIT_EXPOSURE_COLUMNS = {
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
# Fields only a credit manager may change.
_CREDIT_MANAGER_FIELDS = ("credit_hold", "credit_hold_reason", "credit_limit_above_insured")


class ResPartner(models.Model):
    _inherit = "res.partner"

    # --- Identity (SIREN, RCS, company status, collective proceedings) -----------------------
    siren = fields.Char(
        string="SIREN",
        size=9,
        index="btree_not_null",
        help="9-digit French company number, shared by the company and its establishments.",
    )
    siren_display = fields.Char(
        string="SIREN (grouped)",
        compute="_compute_siren_display",
        inverse="_inverse_siren_display",
        search="_search_siren_display",
        help="SIREN shown in groups of digits (123 456 789); spaces, dots and dashes typed or "
        "pasted are removed. Filled from the SIRET, the French VAT number or the RCS mention "
        "when empty.",
    )
    siret_display = fields.Char(
        string="SIRET (grouped)",
        compute="_compute_siret_display",
        inverse="_inverse_siret_display",
        help="SIRET of this address (SIREN + 5-digit establishment number), shown grouped "
        "(123 456 789 00012).",
    )
    rcs = fields.Char(string="RCS", help="Trade register mention, e.g. RCS Lyon B 123 456 789.")
    same_siren_partner_id = fields.Many2one(
        "res.partner",
        string="Partner with the Same SIREN",
        compute="_compute_same_siren_partner_id",
    )
    company_status = fields.Selection(
        [("active", "Active"), ("ceased", "Ceased"), ("unknown", "Unknown")],
        default="unknown",
        tracking=True,
    )
    company_status_date = fields.Date(help="Date the company status was last checked.")
    company_closed_on = fields.Date(string="Closed On")
    collective_proceedings = fields.Selection(
        [
            ("none", "None"),
            ("sauvegarde", "Sauvegarde"),
            ("redressement", "Redressement judiciaire"),
            ("liquidation", "Liquidation judiciaire"),
        ],
        default="none",
        tracking=True,
    )
    proceedings_date = fields.Date(
        string="Opening Judgment Date",
        help="Date of the judgment opening the collective proceedings.",
    )

    # --- Credit -------------------------------------------------------------------------------
    credit_hold = fields.Boolean(tracking=True, copy=False)
    credit_hold_reason = fields.Char(tracking=True, copy=False)
    credit_hold_date = fields.Date(copy=False)
    credit_hold_user_id = fields.Many2one(
        "res.users", string="Credit Hold By", copy=False, tracking=True, readonly=True
    )
    credit_insurer_id = fields.Many2one(
        "res.partner",
        company_dependent=True,
        help="Credit insurance company covering this customer.",
    )
    credit_insured_amount = fields.Float(
        digits="Account",
        company_dependent=True,
        help="Amount the credit insurer covers for this customer.",
    )
    credit_cover_start = fields.Date(string="Cover Start", company_dependent=True)
    credit_cover_end = fields.Date(string="Cover End", company_dependent=True)
    credit_limit_above_insured = fields.Boolean(
        string="Limit Above Insured Amount",
        company_dependent=True,
        help="Set by a credit manager: the credit limit applies even when it is higher than the "
        "insured amount.",
    )
    credit_insurance_expired = fields.Boolean(
        string="Insurance Cover Expired",
        compute="_compute_credit_insurance_expired",
        search="_search_credit_insurance_expired",
    )
    credit_score = fields.Selection(
        [("A", "A"), ("B", "B"), ("C", "C"), ("D", "D"), ("E", "E")],
        string="Payment Score",
        company_dependent=True,
        copy=False,
        help="Payment behaviour over the last 12 months, from A (pays on time) to E, refreshed "
        "every night and by Check Credit.",
    )
    credit_score_date = fields.Date(string="Score Date", company_dependent=True, copy=False)
    credit_score_reasons = fields.Text(
        string="Score Reasons", compute="_compute_credit_score_reasons"
    )
    credit_effective_limit = fields.Monetary(
        string="Effective Credit Limit",
        compute="_compute_credit_exposure",
        help="Credit limit applied: the partner's limit, or the insured amount when the company "
        "uses credit insurance and the cover is valid (0: no limit).",
    )
    credit_exposure = fields.Monetary(
        compute="_compute_credit_exposure",
        search="_search_credit_exposure",
        help="Open receivables + uninvoiced confirmed orders + draft invoices, in this company.",
    )
    credit_exposure_receivable = fields.Monetary(
        string="Open Receivables", compute="_compute_credit_exposure"
    )
    credit_exposure_to_invoice = fields.Monetary(
        string="Orders to Invoice", compute="_compute_credit_exposure"
    )
    credit_exposure_draft = fields.Monetary(
        string="Draft Invoices", compute="_compute_credit_exposure"
    )
    credit_available = fields.Monetary(
        string="Available Credit",
        compute="_compute_credit_exposure",
        search="_search_credit_available",
    )
    credit_over_limit = fields.Boolean(
        string="Over Credit Limit",
        compute="_compute_credit_exposure",
        search="_search_credit_over_limit",
    )
    credit_overdue_amount = fields.Monetary(
        string="Overdue Amount",
        compute="_compute_credit_exposure",
        search="_search_credit_overdue_amount",
    )
    credit_overdue_days = fields.Integer(
        string="Days Overdue",
        compute="_compute_credit_exposure",
        search="_search_credit_overdue_days",
        help="Age of the oldest overdue invoice, in days.",
    )
    credit_block_reasons = fields.Text(compute="_compute_credit_block_reasons")

    # --- Penalties ----------------------------------------------------------------------------
    penalty_contract_rate = fields.Float(
        string="Contract Penalty Rate (%)",
        digits=(16, 2),
        tracking=True,
        help="Late-payment rate agreed with this customer, used when the company computes "
        "penalties at the contract rate. Zero: the company's contract rate. Never below 3 x the "
        "legal interest rate (the floor then applies).",
    )
    penalty_excluded = fields.Boolean(
        string="No Late-Payment Penalties",
        groups="recouvrement_b2b.recouvrement_group_manager",
        tracking=True,
        copy=False,
        help="Set by a credit manager: no penalty nor recovery indemnity is computed or invoiced "
        "for this customer.",
    )

    # --- Dunning ------------------------------------------------------------------------------
    dunning_policy_id = fields.Many2one(
        "recouvrement.dunning.policy",
        company_dependent=True,
        help="Dunning ladder applied to this customer; empty: the company's default policy.",
    )
    dunning_paused_until = fields.Date(
        copy=False,
        tracking=True,
        help="No reminder for this customer until this date (included).",
    )
    dunning_pause_reason = fields.Char(copy=False, tracking=True)
    dunning_event_ids = fields.One2many(
        "recouvrement.dunning.event", "partner_id", string="Reminders"
    )
    dunning_event_count = fields.Integer(
        string="Reminder Count", compute="_compute_dunning_event_count"
    )
    dunning_level_id = fields.Many2one(
        "recouvrement.dunning.level",
        string="Current Dunning Level",
        compute="_compute_dunning_level_id",
        help="Highest level reached by the customer's open invoices (empty once all are paid).",
    )

    # --- Payment plans ------------------------------------------------------------------------
    payment_plan_count = fields.Integer(
        compute="_compute_payment_plan_count", groups="recouvrement_b2b.recouvrement_group_user"
    )

    # --- Litigation ---------------------------------------------------------------------------
    litigation_count = fields.Integer(
        compute="_compute_litigation_count",
        groups="recouvrement_b2b.recouvrement_group_user",
    )

    def _compute_litigation_count(self):
        counts = dict(
            self.env["recouvrement.litigation"]._read_group(
                [("partner_id", "child_of", self.commercial_partner_id.ids)],
                ["partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.litigation_count = sum(
                count
                for case_partner, count in counts.items()
                if case_partner.commercial_partner_id == partner.commercial_partner_id
            )

    @api.model
    def _commercial_fields(self):
        return super()._commercial_fields() + [
            "siren",
            "rcs",
            "company_status",
            "company_status_date",
            "company_closed_on",
            "collective_proceedings",
            "proceedings_date",
            "credit_hold",
            "credit_hold_reason",
            "credit_hold_date",
        ]

    # --- Integration methods (shared by the collection features) -----------------------------

    def _is_consumer(self):
        """Whether this debtor is a consumer (``rules.parties.is_consumer``: a natural person
        with neither a SIREN nor any VAT number), read on its commercial entity.

        The one rule used by penalties (L441-10), the indemnity (D441-5) and prescription
        (L110-4 C. com. / L218-2 C. consom.).

        :return: ``True`` for a consumer
        :rtype: bool
        """
        self.ensure_one()
        partner = self.commercial_partner_id
        return parties.is_consumer(partner.is_company, partner.siren, [partner.vat])

    def _set_credit_hold(self, reason):
        """Put the commercial partners on credit hold with ``reason`` (kept if already held).

        The hold is posted in each partner's chatter.
        """
        partners = self.commercial_partner_id.filtered(lambda p: not p.credit_hold)
        if partners:
            # sudo: automatic holds (dunning, litigation) are set on behalf of the user running
            # the collection, who may not be a credit manager.
            partners.sudo().write(
                {
                    "credit_hold": True,
                    "credit_hold_reason": reason,
                    "credit_hold_date": fields.Date.context_today(self),
                    "credit_hold_user_id": self.env.uid,
                }
            )
            for partner in partners:
                partner.sudo().message_post(
                    body=self.env._("Credit hold: %(reason)s", reason=reason),
                    subtype_xmlid="mail.mt_note",
                )
        return partners

    # --- Identity -----------------------------------------------------------------------------

    @api.depends("siren")
    def _compute_siren_display(self):
        for partner in self:
            partner.siren_display = identifiers.format_siren(partner.siren) or False

    def _inverse_siren_display(self):
        for partner in self:
            partner.siren = identifiers.compact(partner.siren_display) or False

    def _search_siren_display(self, operator, value):
        """Search the SIREN or the SIRET, typed with or without spaces."""
        if operator not in ("ilike", "=", "=like", "=ilike") or not isinstance(value, str):
            return [("siren", operator, value)]
        number = identifiers.compact(value)
        return ["|", ("siren", operator, number), ("siret", operator, number)]

    @api.depends("siret")
    def _compute_siret_display(self):
        for partner in self:
            partner.siret_display = identifiers.format_siret(partner.siret) or False

    def _inverse_siret_display(self):
        for partner in self:
            partner.siret = identifiers.compact(partner.siret_display) or False

    @api.depends("siren", "siren_display", "parent_id")
    def _compute_same_siren_partner_id(self):
        # The grouped field holds what the user is typing in the form (before saving).
        typed = {partner: identifiers.compact(partner.siren_display) for partner in self}
        sirens = {siren for partner, siren in typed.items() if siren and not partner.parent_id}
        candidates = {}
        if sirens:
            # All companies' partners, archived ones included: a duplicate may be hidden by a
            # record rule or archived, and the banner is only a warning.
            others = (
                self.with_context(active_test=False)
                .sudo()
                .search([("siren", "in", list(sirens)), ("parent_id", "=", False)], order="id")
            )
            for other in others:
                candidates.setdefault(other.siren, []).append(other.id)
        for partner in self:
            same = [
                other_id
                for other_id in candidates.get(typed[partner], [])
                if other_id != partner._origin.id
            ]
            partner.same_siren_partner_id = same[0] if same and not partner.parent_id else False

    @api.onchange("siret_display", "vat", "rcs")
    def _onchange_identity_fill_siren(self):
        """Show the SIREN derived from what is being typed (saved by :meth:`write` anyway)."""
        for partner in self.filtered(lambda p: not p.siren_display and not p.parent_id):
            siren = identifiers.derive_siren(
                siret=partner.siret_display, vat=partner.vat, rcs=partner.rcs
            )
            if siren:
                partner.siren_display = identifiers.format_siren(siren)

    @api.constrains("siren", "siret", "vat", "rcs")
    def _check_identity(self):
        for partner in self:
            try:
                identifiers.derive_and_check(
                    siren=partner.siren, siret=partner.siret, vat=partner.vat, rcs=partner.rcs
                )
            except identifiers.IdentifierError as exc:
                raise ValidationError(partner._identity_error_message(exc)) from exc

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._identity_normalize_vals(vals)
            siren = not vals.get("siren") and identifiers.derive_siren(
                siret=vals.get("siret"), vat=vals.get("vat"), rcs=vals.get("rcs")
            )
            if siren:
                vals["siren"] = siren
        return super().create(vals_list)

    def action_check_company_status(self):
        """Ask the company register for the status of the partner's company (button)."""
        self.ensure_one()
        return self.env["recouvrement.company.register"]._action_check_company_status(self)

    def _identity_normalize_vals(self, vals):
        """Compact the SIREN/SIRET and format a readable RCS mention in ``vals`` (in place).

        Values that cannot be read are left as typed: the constraint reports them.
        """
        for fname in ("siren", "siret"):
            if vals.get(fname) and isinstance(vals[fname], str):
                vals[fname] = identifiers.compact(vals[fname])
        if vals.get("rcs") and isinstance(vals["rcs"], str):
            try:
                vals["rcs"] = identifiers.format_rcs(*identifiers.parse_rcs(vals["rcs"]))
            except identifiers.IdentifierError:
                vals["rcs"] = vals["rcs"].strip()
        return vals

    def _identity_fill_siren(self):
        """Fill an empty SIREN from the SIRET, else the French VAT number, else the RCS."""
        by_siren = {}
        for partner in self.filtered(lambda p: not p.siren):
            siren = identifiers.derive_siren(siret=partner.siret, vat=partner.vat, rcs=partner.rcs)
            if siren:
                by_siren.setdefault(siren, []).append(partner.id)
        for siren, partner_ids in by_siren.items():
            self.browse(partner_ids).write({"siren": siren})

    def _identity_error_message(self, exc):
        """Translated message of an :class:`identifiers.IdentifierError` on this partner."""
        self.ensure_one()
        params = exc.params
        reason = exc.reason
        if reason == "length":
            text = self.env._("it does not have the right number of characters")
        elif reason == "digits":
            text = self.env._("it must contain digits only")
        elif reason == "checksum":
            text = self.env._("its check digit is wrong (typing error?)")
        elif reason == "vat_key":
            text = self.env._("its key does not match its SIREN")
        elif reason == "siret_siren_mismatch":
            text = self.env._(
                "it does not start with the SIREN %(siren)s", siren=params.get("siren")
            )
        elif reason == "vat_siren_mismatch":
            text = self.env._("it does not hold the SIREN %(siren)s", siren=params.get("siren"))
        elif reason == "rcs_siren_mismatch":
            text = self.env._("it holds another SIREN than %(siren)s", siren=params.get("siren"))
        elif reason == "rcs_letter":
            text = self.env._(
                "the register letter must be A (trader) or B (company), not %(letter)s",
                letter=params.get("letter") or "-",
            )
        else:
            text = self.env._("it cannot be read (expected e.g. RCS Lyon B 123 456 789)")
        return self.env._(
            "%(partner)s: the %(field)s %(value)s is refused: %(reason)s.",
            partner=self.display_name or self.env._("New partner"),
            field=self._fields[exc.field]._description_string(self.env),
            value=exc.value,
            reason=text,
        )

    # --- Credit: exposure, hold, insurance, payment score, credit check -----------------------

    @api.depends_context("company")
    def _compute_credit_exposure(self):
        figures = self._recouvrement_credit_figures()
        for partner in self:
            row = figures.get(partner._origin.commercial_partner_id.id, {})
            for fname, column in _CREDIT_EXPOSURE_COLUMNS.items():
                partner[fname] = row.get(column) or False

    def _search_credit_exposure(self, operator, value):
        return self._recouvrement_search_exposure("exposure", operator, value)

    def _search_credit_available(self, operator, value):
        return self._recouvrement_search_exposure("available", operator, value)

    def _search_credit_over_limit(self, operator, value):
        return self._recouvrement_search_exposure("over_limit", operator, value)

    def _search_credit_overdue_amount(self, operator, value):
        return self._recouvrement_search_exposure("overdue_amount", operator, value)

    def _search_credit_overdue_days(self, operator, value):
        return self._recouvrement_search_exposure("overdue_days", operator, value)

    @api.depends_context("company")
    @api.depends("credit_insured_amount", "credit_cover_end")
    def _compute_credit_insurance_expired(self):
        today = fields.Date.context_today(self)
        for partner in self:
            partner.credit_insurance_expired = bool(
                partner.credit_insured_amount
                and partner.credit_cover_end
                and partner.credit_cover_end < today
            )

    def _search_credit_insurance_expired(self, operator, value):
        if operator not in ("=", "!="):
            return NotImplemented
        domain = [
            ("credit_insured_amount", ">", 0),
            ("credit_cover_end", "<", fields.Date.context_today(self)),
        ]
        if (operator == "=") == bool(value):
            return domain
        return ["!", "&", *domain]

    @api.depends_context("company")
    def _compute_credit_score_reasons(self):
        scores = self._recouvrement_compute_scores()
        for partner in self:
            _letter, points, reasons = scores.get(
                partner._origin.commercial_partner_id.id, ("A", 100, [])
            )
            lines = [self.env._("%(points)s points out of 100", points=points)]
            lines += [
                self._recouvrement_score_reason_label(code, params) for code, params in reasons
            ]
            partner.credit_score_reasons = "\n".join(lines)

    @api.depends_context("company")
    def _compute_credit_block_reasons(self):
        status = self._recouvrement_credit_status()
        for partner in self:
            reasons = status.get(partner._origin.commercial_partner_id.id, {}).get("reasons", [])
            partner.credit_block_reasons = "\n".join(reasons)

    @api.constrains(
        "credit_limit", "credit_insured_amount", "credit_cover_start", "credit_cover_end"
    )
    def _check_credit_limit_insurance(self):
        is_manager = self.env.user.has_group("recouvrement_b2b.recouvrement_group_manager")
        for partner in self.sudo():
            if partner.credit_limit < 0:
                raise ValidationError(
                    self.env._(
                        "The credit limit of %(partner)s cannot be negative.",
                        partner=partner.display_name,
                    )
                )
            if partner.credit_insured_amount < 0:
                raise ValidationError(
                    self.env._(
                        "The insured amount of %(partner)s cannot be negative.",
                        partner=partner.display_name,
                    )
                )
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
                        end=partner.credit_cover_end,
                        start=partner.credit_cover_start,
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
                        insured=partner.credit_insured_amount,
                        limit=partner.credit_limit,
                    )
                )

    @api.constrains("credit_hold", "credit_hold_reason")
    def _check_credit_hold_reason(self):
        for partner in self:
            if partner.credit_hold and not partner.credit_hold_reason:
                raise ValidationError(
                    self.env._(
                        "Give the reason why %(partner)s is put on credit hold.",
                        partner=partner.display_name,
                    )
                )

    def write(self, vals):
        self._identity_normalize_vals(vals)
        manager_fields = [fname for fname in _CREDIT_MANAGER_FIELDS if fname in vals]
        if manager_fields and not self.env.su:
            self._recouvrement_check_credit_manager(vals, manager_fields)
        if "credit_hold" in vals:
            vals = dict(vals)
            if vals["credit_hold"]:
                vals.setdefault("credit_hold_date", fields.Date.context_today(self))
                vals.setdefault("credit_hold_user_id", self.env.uid)
            else:
                vals.update(credit_hold_date=False, credit_hold_user_id=False)
                vals.setdefault("credit_hold_reason", False)
        res = super().write(vals)
        if not vals.get("siren") and {"siret", "vat", "rcs"} & set(vals):
            self._identity_fill_siren()
        return res

    def action_check_credit(self):
        """Refresh the payment score and show the credit figures and any block reason."""
        self.ensure_one()
        partner = self.commercial_partner_id
        partner._recouvrement_update_credit_score()
        status = partner._recouvrement_credit_status()[partner.id]
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

    def _recouvrement_check_credit_manager(self, vals, fnames):
        """Refuse changes of manager-only credit fields by other users (value changes only, so
        that the sync of commercial fields to contacts keeps working)."""
        if self.env.user.has_group("recouvrement_b2b.recouvrement_group_manager"):
            return
        for partner in self:
            field_types = {fname: self._fields[fname].type for fname in fnames}
            changed = [
                fname
                for fname in fnames
                if (partner[fname] or False) != (vals[fname] or False)
                and not (
                    field_types[fname] == "boolean" and bool(partner[fname]) == bool(vals[fname])
                )
            ]
            if changed and partner.commercial_partner_id == partner:
                raise AccessError(
                    self.env._(
                        "Only a credit manager can change the credit hold of %(partner)s "
                        "(%(fields)s).",
                        partner=partner.display_name,
                        fields=", ".join(
                            self._fields[fname].get_description(self.env)["string"]
                            for fname in changed
                        ),
                    )
                )

    def _recouvrement_credit_figures(self, company=None):
        """Exposure rows of the commercial partners of ``self`` in ``company``, in one query.

        Returns ``{commercial partner id: {column: value}}`` (columns of
        ``recouvrement.credit.exposure``).
        """
        company = company or self.env.company
        partners = self._origin.commercial_partner_id
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
        columns = sorted(set(_CREDIT_EXPOSURE_COLUMNS.values()))
        # The rows are computed when read: drop values fetched earlier in the transaction.
        exposure.invalidate_model(columns)
        records = exposure.search_fetch(
            [("partner_id", "in", partners.ids), ("company_id", "=", company.id)],
            ["partner_id", *columns],
        )
        return {rec.partner_id.id: {column: rec[column] for column in columns} for rec in records}

    def _recouvrement_search_exposure(self, column, operator, value):
        """Domain on partners whose exposure row in the current company matches."""
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

    def _field_to_sql(self, alias, fname, query=None, flush=True):
        # Sort partner lists on the exposure figures: join the grouped exposure rows.
        column = _CREDIT_EXPOSURE_COLUMNS.get(fname)
        if not column:
            return super()._field_to_sql(alias, fname, query, flush)
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

    def _recouvrement_credit_status(self, company=None, amounts=None):
        """Credit status of the commercial partners of ``self`` in ``company`` (batched).

        ``amounts``: ``{commercial partner id: amount}`` added to the exposure (the orders being
        confirmed, company currency). Returns ``{commercial partner id: {"figures": row,
        "exposure": float, "reasons": [message]}}``; no reason means the customer may order.
        """
        company = company or self.env.company
        amounts = amounts or {}
        partners = self._origin.commercial_partner_id
        figures = partners._recouvrement_credit_figures(company)
        notices = partners._recouvrement_formal_notice_partners(company)
        litigations = partners._recouvrement_litigation_partners(company)
        proceedings = dict(self._fields["collective_proceedings"]._description_selection(self.env))
        currency = company.currency_id
        result = {}
        for partner in partners:
            row = figures.get(partner.id, {})
            amount = amounts.get(partner.id, 0.0)
            exposure = (row.get("exposure") or 0.0) + amount
            name = partner.display_name
            reasons = []
            if partner.credit_hold:
                reasons.append(
                    self.env._(
                        "%(partner)s is on credit hold since %(date)s: %(reason)s",
                        partner=name,
                        date=partner.credit_hold_date or "",
                        reason=partner.credit_hold_reason or "",
                    )
                )
            if company.recouvrement_hold_insolvency and partner.company_status == "ceased":
                reasons.append(self.env._("%(partner)s has ceased trading.", partner=name))
            if company.recouvrement_hold_insolvency and partner.collective_proceedings not in (
                False,
                "none",
            ):
                reasons.append(
                    self.env._(
                        "%(partner)s is in collective proceedings (%(proceedings)s).",
                        partner=name,
                        proceedings=proceedings.get(partner.collective_proceedings),
                    )
                )
            days = row.get("overdue_days") or 0
            if (
                company.recouvrement_hold_overdue_days
                and days > company.recouvrement_hold_overdue_days
            ):
                reasons.append(
                    self.env._(
                        "%(partner)s has an invoice overdue by %(days)s days (more than "
                        "%(max_days)s days).",
                        partner=name,
                        days=days,
                        max_days=company.recouvrement_hold_overdue_days,
                    )
                )
            if partner.id in notices and (row.get("overdue_amount") or 0.0) > 0:
                reasons.append(
                    self.env._(
                        "%(partner)s was sent a formal notice and still owes %(overdue)s overdue.",
                        partner=name,
                        overdue=format_amount(self.env, row["overdue_amount"], currency),
                    )
                )
            if partner.id in litigations:
                reasons.append(
                    self.env._("%(partner)s has invoices in an open litigation case.", partner=name)
                )
            result[partner.id] = {
                "figures": row,
                "exposure": exposure,
                "hold_reasons": reasons,
                "reasons": reasons
                + partner._recouvrement_limit_reasons(company, row, exposure, amount),
            }
        return result

    def _recouvrement_reasons_with_amount(self, company, status, exposure, amount):
        """All block reasons of one partner whose ``status`` was computed, with ``amount`` added
        to the ``exposure``."""
        self.ensure_one()
        return status["hold_reasons"] + self._recouvrement_limit_reasons(
            company, status["figures"], exposure + amount, amount
        )

    def _recouvrement_limit_reasons(self, company, row, exposure, amount):
        """The over-limit reason of one partner (empty list when within its limit)."""
        self.ensure_one()
        limit = row.get("credit_limit") or 0.0
        currency = company.currency_id
        if (
            not company.account_use_credit_limit
            or limit <= 0
            or currency.compare_amounts(exposure, limit) <= 0
        ):
            return []
        return [
            self.env._(
                "%(partner)s exceeds its credit limit: exposure %(exposure)s (including "
                "%(amount)s for this document), limit %(limit)s.",
                partner=self.display_name,
                exposure=format_amount(self.env, exposure, currency),
                amount=format_amount(self.env, amount, currency),
                limit=format_amount(self.env, limit, currency),
            )
        ]

    def _recouvrement_formal_notice_partners(self, company):
        """Ids of the commercial partners of ``self`` sent a formal notice (when the company
        holds them)."""
        if not company.recouvrement_hold_formal_notice or not self:
            return set()
        # sudo: the check runs for salespeople, who cannot read dunning events.
        groups = (
            self.env["recouvrement.dunning.event"]
            .sudo()
            ._read_group(
                [
                    ("company_id", "=", company.id),
                    ("state", "=", "sent"),
                    ("level_id.is_formal_notice", "=", True),
                    ("partner_id.commercial_partner_id", "in", self.ids),
                ],
                ["partner_id"],
            )
        )
        return {partner.commercial_partner_id.id for (partner,) in groups}

    def _recouvrement_litigation_partners(self, company):
        """Ids of the commercial partners of ``self`` with an invoice in open litigation (when
        the company holds them)."""
        if not company.recouvrement_hold_litigation or not self:
            return set()
        # sudo: the check runs for salespeople, who cannot read litigation cases.
        groups = (
            self.env["account.move"]
            .sudo()
            ._read_group(
                [
                    ("company_id", "=", company.id),
                    ("commercial_partner_id", "in", self.ids),
                    ("litigation_id", "!=", False),
                ],
                ["commercial_partner_id"],
            )
        )
        return {partner.id for (partner,) in groups}

    def _recouvrement_score_inputs(self, company=None):
        """Inputs of the payment score per commercial partner, in two queries.

        Returns ``{commercial partner id: {"avg_days_late", "late_share", "max_dunning_level",
        "litigation"}}``. Invoices due in the last 12 months count; an invoice still open
        counts as late until today; the dunning level is the rank (1 = first) of the highest
        level reached in its policy, capped at the rules' maximum.
        """
        company = company or self.env.company
        partners = self._origin.commercial_partner_id
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
                start=today - timedelta(days=365),
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
        history = {pid: [0.0, 0.0, 0, 0] for pid in partners.ids}  # amount, x days, late, count
        for partner_id, amount, due, paid in lines:
            days_late = max(((paid or today) - due).days, 0)
            data = history[partner_id]
            data[0] += amount
            data[1] += amount * days_late
            data[2] += 1 if days_late else 0
            data[3] += 1
        levels = {partner_id: (rank, litigation) for partner_id, rank, litigation in moves}
        result = {}
        for partner_id, (amount, weighted, late, count) in history.items():
            rank, litigation = levels.get(partner_id, (0, False))
            result[partner_id] = {
                "avg_days_late": round(weighted / amount, 2) if amount else 0.0,
                "late_share": round(late / count, 4) if count else 0.0,
                "max_dunning_level": min(rank or 0, score_rules.MAX_DUNNING_LEVEL),
                "litigation": bool(litigation),
            }
        return result

    def _recouvrement_compute_scores(self, company=None):
        """``{commercial partner id: (letter, points, reasons)}`` from the pure score rule."""
        return {
            partner_id: score_rules.compute_score(**inputs)
            for partner_id, inputs in self._recouvrement_score_inputs(company).items()
        }

    def _recouvrement_update_credit_score(self, company=None):
        """Store the payment score of the commercial partners of ``self`` in ``company``."""
        company = company or self.env.company
        today = fields.Date.context_today(self)
        by_letter = {}
        for partner_id, (letter, _points, _reasons) in self._recouvrement_compute_scores(
            company
        ).items():
            by_letter.setdefault(letter, []).append(partner_id)
        for letter, partner_ids in by_letter.items():
            # sudo: the score is computed by the system, not edited by the user.
            self.browse(partner_ids).sudo().with_company(company).write(
                {"credit_score": letter, "credit_score_date": today}
            )

    @api.model
    def _recouvrement_score_reason_label(self, code, params):
        """Translated label of one reason returned by the score rule."""
        points = round(float(params.get("points", 0)), 1)
        if code == "days_late":
            return self.env._(
                "Paid %(days)s days late on average (-%(points)s points)",
                days=round(float(params["days"]), 1),
                points=points,
            )
        if code == "late_share":
            return self.env._(
                "%(percent)s%% of invoices paid late (-%(points)s points)",
                percent=round(float(params["late_share"]) * 100),
                points=points,
            )
        if code == "dunning_level":
            return self.env._(
                "Dunning level %(level)s reached (-%(points)s points)",
                level=params["dunning_level"],
                points=points,
            )
        return self.env._("Open litigation (-%(points)s points, score C at best)", points=points)

    @api.model
    def _cron_update_credit_score(self, batch_size=1000):
        """Refresh the payment scores not computed today, by batches, in every company."""
        today = fields.Date.context_today(self)
        groups = self.env["account.move"]._read_group(
            [
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("invoice_date_due", ">", today - timedelta(days=365)),
            ],
            ["company_id", "commercial_partner_id"],
        )
        per_company = {}
        for company, partner in groups:
            per_company.setdefault(company, []).append(partner.id)
        done = remaining = 0
        for company, partner_ids in per_company.items():
            candidates = self.with_company(company).search(
                [
                    ("id", "in", partner_ids),
                    "|",
                    ("credit_score_date", "=", False),
                    ("credit_score_date", "<", today),
                ]
            )
            batch = candidates[: max(batch_size - done, 0)]
            if batch:
                try:
                    with self.env.cr.savepoint():
                        batch._recouvrement_update_credit_score(company)
                except Exception:
                    _logger.exception("Payment scores failed for company %s", company.name)
            done += len(batch)
            remaining += len(candidates) - len(batch)
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)

    # --- Payment plans ---

    def _compute_payment_plan_count(self):
        counts = dict(
            self.env["recouvrement.payment.plan"]._read_group(
                [("partner_id", "in", self.commercial_partner_id.ids)],
                ["partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.payment_plan_count = counts.get(partner.commercial_partner_id, 0)

    def action_view_payment_plans(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "recouvrement_b2b.recouvrement_payment_plan_action"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {
            "default_partner_id": self.commercial_partner_id.id,
            "search_default_in_progress": 0,
        }
        return action

    # --- Litigation ---------------------------------------------------------------------------

    def action_view_litigations(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "recouvrement_b2b.recouvrement_litigation_action"
        )
        action["domain"] = [("partner_id", "child_of", self.commercial_partner_id.id)]
        action["context"] = {
            "default_partner_id": self.commercial_partner_id.id,
            "search_default_open": 1,
        }
        return action

    # --- Dunning ------------------------------------------------------------------------------

    def _compute_dunning_event_count(self):
        groups = self.env["recouvrement.dunning.event"]._read_group(
            [("partner_id", "in", self.commercial_partner_id.ids)], ["partner_id"], ["__count"]
        )
        counts = {partner.id: count for partner, count in groups}
        for partner in self:
            partner.dunning_event_count = counts.get(partner.commercial_partner_id.id, 0)

    def _compute_dunning_level_id(self):
        levels = self.env["recouvrement.dunning"]._get_partner_levels(self, self.env.company)
        for partner in self:
            partner.dunning_level_id = levels.get(partner.commercial_partner_id.id, False)

    def action_view_dunning_events(self):
        """Open the reminders sent to the customer."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "recouvrement_b2b.recouvrement_dunning_event_action"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action
