import logging

from stdnum.fr import siren as stdnum_siren

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import email_normalize

from ..rules import identifiers, parties
from ..tools.bounds import check_date_horizon
from .recouvrement_claim_declaration import PROCEEDINGS
from .recouvrement_company_register import CompanyRegisterError

_logger = logging.getLogger(__name__)

# Credit limit, insurer cover and the exclusion from penalties: credit managers only
# (recouvrement.credit _check_partner_field_rights), on create too.
#: days a customer's or an invoice's dunning may be paused ahead: two years (issue 19)
MAX_PAUSE_DAYS = 730

_CREDIT_LIMIT_FIELDS = (
    "credit_limit",
    "penalty_excluded",
    "credit_limit_above_insured",
    "credit_insurer_id",
    "credit_insured_amount",
    "credit_cover_start",
    "credit_cover_end",
)
# Collection decisions: credit controllers and managers only (issue 19), each company for
# itself (company-dependent fields but the collective proceedings, a fact of the customer).
_COLLECTION_FIELDS = (
    "credit_hold",
    "credit_hold_reason",
    "collective_proceedings",
    "proceedings_date",
    "dunning_paused_until",
    "dunning_pause_reason",
    "penalty_contract_rate",
)


class ResPartner(models.Model):
    _inherit = "res.partner"

    # --- Identity (SIREN, RCS, company status, collective proceedings) -----------------------
    siren = fields.Char(
        string="SIREN",
        index="btree_not_null",
        help="9-digit French company number, shared by the company and its establishments.",
    )
    # No size: a value too long must be refused by the check, not cut to a valid-looking one.
    siret = fields.Char(size=None)
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
    company_status_attempt_date = fields.Date(
        string="Company Status Asked On",
        copy=False,
        help="Date the company register was last asked about this company, answered or not.",
    )
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
    claim_declaration_ids = fields.One2many(
        "recouvrement.claim.declaration", "partner_id", string="Claim Declarations"
    )
    # the claims born before it stay frozen while the declaration runs, whatever the status
    # says (recouvrement.proceedings._get_judgments)
    declared_judgment_date = fields.Date(compute="_compute_declared_judgment", store=True)
    declared_proceedings = fields.Selection(
        PROCEEDINGS,
        compute="_compute_declared_judgment",
        store=True,
    )

    collection_data_purged_on = fields.Date(
        copy=False,
        readonly=True,
        groups="recouvrement_b2b.recouvrement_group_user",
        help="Collection notes about this natural person were anonymised on this date, once "
        "the retention period after settlement had passed (RGPD).",
    )

    # --- Credit -------------------------------------------------------------------------------
    # Company-dependent (core's credit_limit is too): each company decides its own collection
    # on a shared customer. Changes of these values are not tracked in the shared chatter
    # (another company's users would read them) but kept per company in
    # recouvrement.collection.history (issue 19).
    credit_hold = fields.Boolean(company_dependent=True, copy=False)
    credit_hold_reason = fields.Char(company_dependent=True, copy=False)
    credit_hold_date = fields.Date(company_dependent=True, copy=False)
    credit_hold_user_id = fields.Many2one(
        "res.users", string="Credit Hold By", company_dependent=True, copy=False, readonly=True
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
        help="Amount past its due date, net of the open credits (credit notes, payments not "
        "matched to an invoice).",
    )
    credit_overdue_days = fields.Integer(
        string="Days Overdue",
        compute="_compute_credit_exposure",
        search="_search_credit_overdue_days",
        help="Age of the oldest overdue invoice, in days (0 when the open credits cover what is "
        "overdue).",
    )
    credit_block_reasons = fields.Text(compute="_compute_credit_block_reasons")

    # --- Penalties ----------------------------------------------------------------------------
    penalty_contract_rate = fields.Float(
        string="Contract Penalty Rate (%)",
        digits=(16, 2),
        company_dependent=True,
        help="Late-payment rate agreed with this customer, used when the company computes "
        "penalties at the contract rate. Zero: the company's contract rate. Never below 3 x the "
        "legal interest rate (the floor then applies).",
        aggregator=None,
    )
    penalty_excluded = fields.Boolean(
        string="No Late-Payment Penalties",
        groups="recouvrement_b2b.recouvrement_group_manager",
        company_dependent=True,
        copy=False,
        help="Set by a credit manager: no penalty nor recovery indemnity is computed or invoiced "
        "for this customer.",
    )

    # --- Collector's cockpit ------------------------------------------------------------------
    collection_user_id = fields.Many2one(
        "res.users",
        string="Collector",
        company_dependent=True,
        domain="[('share', '=', False)]",
        help="Collection responsible of this customer: the customer is in this user's actions "
        "of the day. Empty: the default collector of its dunning policy (its segment), else "
        "the company's collection responsible.",
    )

    # --- Dunning ------------------------------------------------------------------------------
    dunning_policy_id = fields.Many2one(
        "recouvrement.dunning.policy",
        company_dependent=True,
        help="Dunning ladder applied to this customer; empty: the company's default policy.",
    )
    dunning_paused_until = fields.Date(
        company_dependent=True,
        copy=False,
        help="No reminder for this customer until this date (included).",
    )
    dunning_pause_reason = fields.Char(company_dependent=True, copy=False)
    dunning_sms_opt_out = fields.Boolean(
        string="No Reminders by SMS",
        help="The customer asked not to receive payment reminders by SMS: SMS levels send a "
        "letter instead.",
    )
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

    # --- History of the company-dependent collection values (issue 19) ----------------------
    collection_history_ids = fields.Many2many(
        "recouvrement.collection.history",
        compute="_compute_collection_history_ids",
        groups="recouvrement_b2b.recouvrement_group_user",
        help="Changes of this customer's credit limit, insurer cover, hold, pause, contract "
        "rate, collector, policy and score in the current company: who, when, from what to "
        "what.",
    )

    # --- Litigation ---------------------------------------------------------------------------
    litigation_count = fields.Integer(
        compute="_compute_litigation_count",
        groups="recouvrement_b2b.recouvrement_group_user",
    )

    @api.depends_context("company")
    def _compute_collection_history_ids(self):
        history = self.env["recouvrement.collection.history"]._get_partner_history(self._origin)
        by_partner = history.grouped("partner_id")
        for partner in self:
            partner.collection_history_ids = by_partner.get(partner._origin, history.browse())

    def _compute_litigation_count(self):
        counts = self._get_collection_counts("recouvrement.litigation")
        for partner in self:
            partner.litigation_count = counts.get(partner.commercial_partner_id.id, 0)

    @api.depends(
        "claim_declaration_ids.state",
        "claim_declaration_ids.judgment_date",
        "claim_declaration_ids.proceedings",
    )
    def _compute_declared_judgment(self):
        # stored, computed as superuser: the latest declaration sent and not closed, of any
        # company (the proceedings are a fact of the customer)
        for partner in self:
            declared = partner.claim_declaration_ids.filtered(lambda d: d.state == "declared")
            latest = declared.sorted(lambda d: (d.judgment_date, d.id))[-1:]
            partner.declared_judgment_date = latest.judgment_date
            partner.declared_proceedings = latest.proceedings

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
        ]

    # --- Integration methods (shared by the collection features) -----------------------------

    def _is_consumer(self):
        """Whether this debtor is a consumer (``rules.parties.is_consumer``: a natural person
        with neither a SIREN nor any VAT number or company registration number, Odoo's
        ``company_registry``), read on its commercial entity.

        The one rule used by penalties (L441-10), the indemnity (D441-5) and prescription
        (L110-4 C. com. / L218-2 C. consom.).

        :return: ``True`` for a consumer
        :rtype: bool
        """
        self.ensure_one()
        partner = self.commercial_partner_id
        return parties.is_consumer(
            partner.is_company, partner.siren, [partner.vat, partner.company_registry]
        )

    def _set_credit_hold(self, reason):
        """Put the commercial partners on credit hold with ``reason`` (kept if already held);
        see ``recouvrement.credit._set_hold``. :return: the partners newly held"""
        return self.env["recouvrement.credit"]._set_hold(self, reason)

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

    @api.onchange("siren_display")
    def _onchange_siren_display(self):
        """While the SIREN is typed: say at once when it is wrong; otherwise propose the French
        VAT number it implies (``FR`` + key + SIREN, key = (12 + 3 x (SIREN mod 97)) mod 97)
        and, on a new company without a name, fill the name, head-office address and SIRET
        from the company register (kept for the day; a register that cannot answer only
        gives a warning, the form stays as typed)."""
        partner = self[:1]
        siren = identifiers.compact(partner.siren_display)
        if not siren or partner.parent_id:
            return None
        try:
            siren = identifiers.validate_siren(siren)
        except identifiers.IdentifierError as exc:
            return {
                "warning": {
                    "title": self.env._("Invalid SIREN"),
                    "message": partner._identity_error_message(exc),
                }
            }
        if not partner.vat and partner.country_id.code in (False, "FR"):
            partner.vat = "FR" + stdnum_siren.to_tva(siren)
        if partner.name or partner._origin.id or not partner.is_company:
            return None
        register = self.env["recouvrement.company.register"]
        try:
            company = register._get_company_for_form(siren)
        except CompanyRegisterError as exc:
            return {
                "warning": {
                    "title": self.env._("Company register"),
                    "message": self.env._(
                        "%(error)s Fill the name and address by hand.", error=exc.message
                    ),
                }
            }
        partner.update(register._prepare_missing_identity_vals(partner, company))
        return None

    @api.onchange("siret_display", "vat", "rcs")
    def _onchange_identity_warning(self):
        """While the SIRET, VAT number or RCS mention is typed: say at once what saving would
        refuse (a wrong number, or numbers that do not agree, see :meth:`_check_identity`)."""
        partner = self[:1]
        if partner.parent_id:
            return None
        try:
            identifiers.derive_and_check(
                siren=partner.siren_display,
                siret=partner.siret_display,
                vat=partner.vat,
                rcs=partner.rcs,
            )
        except identifiers.IdentifierError as exc:
            return {
                "warning": {
                    "title": self.env._("Invalid company number"),
                    "message": partner._identity_error_message(exc),
                }
            }
        return None

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
        self.env["recouvrement.credit"]._check_partner_create_rights(
            vals_list, _CREDIT_LIMIT_FIELDS, _COLLECTION_FIELDS
        )
        for vals in vals_list:
            self._identity_normalize_vals(vals)
            siren = not vals.get("siren") and identifiers.derive_siren(
                siret=vals.get("siret"), vat=vals.get("vat"), rcs=vals.get("rcs")
            )
            if siren:
                vals["siren"] = siren
        partners = super().create(vals_list)
        self.env["recouvrement.collection.history"]._log_partner_creation(partners, vals_list)
        return partners

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
        # Numbers as the French write them (123 456 789 / 123 456 789 00012), whether typed
        # grouped or not; a number of the wrong length is shown as typed.
        siren = identifiers.format_siren(params.get("siren"))
        value = {"siren": identifiers.format_siren, "siret": identifiers.format_siret}.get(
            exc.field, lambda number: number
        )(exc.value)
        if reason == "length":
            text = self.env._("it does not have the right number of characters")
        elif reason == "digits":
            text = self.env._("it must contain digits only")
        elif reason == "checksum":
            text = self.env._("its check digit is wrong (typing error?)")
        elif reason == "placeholder":
            text = self.env._("it is a placeholder (zeros only), not a company number")
        elif reason == "vat_key":
            text = self.env._("its key does not match its SIREN")
        elif reason == "siret_siren_mismatch":
            text = self.env._("it does not start with the SIREN %(siren)s", siren=siren)
        elif reason == "vat_siren_mismatch":
            text = self.env._("it does not hold the SIREN %(siren)s", siren=siren)
        elif reason == "rcs_siren_mismatch":
            text = self.env._("it holds another SIREN than %(siren)s", siren=siren)
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
            value=value,
            reason=text,
        )

    # --- Credit: exposure, hold, insurance, payment score, credit check -----------------------
    # The feature lives in the service recouvrement.credit (models/recouvrement_credit.py).

    @api.depends_context("company")
    def _compute_credit_exposure(self):
        self.env["recouvrement.credit"]._compute_partner_exposure(self)

    def _search_credit_exposure(self, operator, value):
        return self.env["recouvrement.credit"]._get_exposure_domain("exposure", operator, value)

    def _search_credit_available(self, operator, value):
        return self.env["recouvrement.credit"]._get_exposure_domain("available", operator, value)

    def _search_credit_over_limit(self, operator, value):
        return self.env["recouvrement.credit"]._get_exposure_domain("over_limit", operator, value)

    def _search_credit_overdue_amount(self, operator, value):
        return self.env["recouvrement.credit"]._get_exposure_domain(
            "overdue_amount", operator, value
        )

    def _search_credit_overdue_days(self, operator, value):
        return self.env["recouvrement.credit"]._get_exposure_domain("overdue_days", operator, value)

    @api.depends_context("company")
    @api.depends("credit_insured_amount", "credit_cover_end")
    def _compute_credit_insurance_expired(self):
        self.env["recouvrement.credit"]._compute_partner_insurance_expired(self)

    def _search_credit_insurance_expired(self, operator, value):
        return self.env["recouvrement.credit"]._get_insurance_expired_domain(operator, value)

    @api.depends_context("company")
    def _compute_credit_score_reasons(self):
        self.env["recouvrement.credit"]._compute_partner_score_reasons(self)

    @api.depends_context("company")
    def _compute_credit_block_reasons(self):
        self.env["recouvrement.credit"]._compute_partner_block_reasons(self)

    @api.constrains(
        "credit_limit", "credit_insured_amount", "credit_cover_start", "credit_cover_end"
    )
    def _check_credit_limit_insurance(self):
        self.env["recouvrement.credit"]._check_partner_limits(self)

    @api.constrains("collective_proceedings", "proceedings_date")
    def _check_proceedings_date(self):
        self.env["recouvrement.proceedings"]._check_judgment_date(self, "proceedings_date")
        self.env["recouvrement.proceedings"]._check_judgment_date_set(self)
        self.env["recouvrement.proceedings"]._check_opening_judgment_kept(self)

    # a pause of at most two years (beyond: a payment plan or a case); the other dates record
    # a day that has come (issue 19). One check per field: a write checks only its own field
    # (the demo and other records may hold any day of their own)
    @api.constrains("dunning_paused_until")
    def _check_dunning_paused_until(self):
        check_date_horizon(self, ["dunning_paused_until"], MAX_PAUSE_DAYS)

    @api.constrains("company_closed_on")
    def _check_company_closed_on(self):
        check_date_horizon(self, ["company_closed_on"])

    @api.constrains("credit_hold_date")
    def _check_credit_hold_date(self):
        check_date_horizon(self, ["credit_hold_date"])

    @api.constrains("company_status_date")
    def _check_company_status_date(self):
        check_date_horizon(self, ["company_status_date"])

    @api.constrains("company_status_attempt_date")
    def _check_company_status_attempt_date(self):
        check_date_horizon(self, ["company_status_attempt_date"])

    @api.constrains("credit_score_date")
    def _check_credit_score_date(self):
        check_date_horizon(self, ["credit_score_date"])

    @api.constrains("penalty_contract_rate")
    def _check_penalty_contract_rate(self):
        self.env["recouvrement.penalty"]._check_penalty_settings(self, "penalty_contract_rate")

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
        self.env["recouvrement.credit"]._check_partner_field_rights(
            self, vals, _CREDIT_LIMIT_FIELDS, _COLLECTION_FIELDS
        )
        vals = self.env["recouvrement.credit"]._prepare_partner_vals(self, vals)
        History = self.env["recouvrement.collection.history"]
        before = History._get_partner_values(self, vals)
        bounced = self._get_bounced_on_new_email(vals)
        res = super().write(vals)
        if bounced:
            bounced.message_bounce = 0
        if "dunning_paused_until" in vals:
            # the pause holds the run in the current company: its next reminder dates move
            self.env["recouvrement.dunning"]._mark_open_next_dates(
                [
                    ("commercial_partner_id", "in", self.commercial_partner_id.ids),
                    ("company_id", "=", self.env.company.id),
                ]
            )
        History._log_partner_changes(self, before)
        if not vals.get("siren") and {"siret", "vat", "rcs"} & set(vals):
            self._identity_fill_siren()
        return res

    def _get_bounced_on_new_email(self, vals):
        """The partners of ``self`` whose bounce counter (``message_bounce``) is reset by
        ``vals`` (the values of a write): those given another email address (compared
        normalized: capitals or spaces are the same address). The counter says the old address
        reaches nobody (bounce messages, refusals by the recipient's server: the reminders go
        by letter, issue 17 #4); a corrected address has never bounced, the next reminders go
        to it by email. :return: res.partner"""
        if "email" not in vals:
            return self.browse()
        new = (
            email_normalize(vals["email"] or "", strict=False)
            or (vals["email"] or "").strip().lower()
        )
        return self.filtered(
            lambda partner: (
                partner.message_bounce
                and (partner.email_normalized or (partner.email or "").strip().lower()) != new
            )
        )

    def action_send_statement(self):
        """Open the email composer with the customer statement attached."""
        return self.env["recouvrement.statement"]._action_send_statement(self)

    def action_check_credit(self):
        """Refresh the payment score and show the credit figures and any block reason."""
        self.ensure_one()
        return self.env["recouvrement.credit"]._get_check_notification(self)

    def _field_to_sql(self, alias, fname, query=None, flush=True):
        # Sort partner lists on the exposure figures: join the exposure rows.
        sql = self.env["recouvrement.credit"]._get_exposure_field_sql(alias, fname, query)
        return super()._field_to_sql(alias, fname, query, flush) if sql is None else sql

    # --- Smart buttons: payment plans, litigation cases, reminders ---------------------------

    def _get_collection_counts(self, model):
        """Number of ``model`` records per commercial partner of ``self`` (cases and plans of
        a contact count for its company): ``{commercial partner id: count}``, one query."""
        groups = self.env[model]._read_group(
            [("partner_id", "child_of", self.commercial_partner_id.ids)],
            ["partner_id"],
            ["__count"],
        )
        counts = {}
        for partner, count in groups:
            key = partner.commercial_partner_id.id
            counts[key] = counts.get(key, 0) + count
        return counts

    def _get_collection_action(self, xmlid, context=None):
        """The window action ``xmlid`` restricted to this customer's records (its contacts
        included), creating new ones for the customer."""
        self.ensure_one()
        partner = self.commercial_partner_id
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        action["domain"] = [("partner_id", "child_of", partner.id)]
        action["context"] = {"default_partner_id": partner.id, **(context or {})}
        return action

    def _compute_payment_plan_count(self):
        counts = self._get_collection_counts("recouvrement.payment.plan")
        for partner in self:
            partner.payment_plan_count = counts.get(partner.commercial_partner_id.id, 0)

    def _compute_dunning_event_count(self):
        counts = self._get_collection_counts("recouvrement.dunning.event")
        for partner in self:
            partner.dunning_event_count = counts.get(partner.commercial_partner_id.id, 0)

    def _compute_dunning_level_id(self):
        levels = self.env["recouvrement.dunning"]._get_partner_levels(self, self.env.company)
        for partner in self:
            partner.dunning_level_id = levels.get(partner.commercial_partner_id.id, False)

    def action_view_payment_plans(self):
        """Open the customer's payment plans."""
        return self._get_collection_action(
            "recouvrement_b2b.recouvrement_payment_plan_action", {"search_default_in_progress": 0}
        )

    def action_view_litigations(self):
        """Open the customer's open litigation cases."""
        return self._get_collection_action(
            "recouvrement_b2b.recouvrement_litigation_action", {"search_default_open": 1}
        )

    def action_export_personal_data(self):
        """Download everything collection holds on this person (JSON, RGPD right of access)."""
        self.ensure_one()
        attachment = self.env["recouvrement.personal.data"]._export_partner_data(self)
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }

    def action_view_dunning_events(self):
        """Open the reminders sent to the customer."""
        return self._get_collection_action("recouvrement_b2b.recouvrement_dunning_event_action")

    def action_log_call(self):
        """Open the call log of the customer (outcome, note)."""
        self.ensure_one()
        return self.env["recouvrement.call.log"]._get_action(self, self.env.company)

    def action_view_promises(self):
        """Open the customer's promises to pay."""
        return self._get_collection_action("recouvrement_b2b.recouvrement_promise_action")

    def action_view_disputes(self):
        """Open the customer's commercial disputes (created from an invoice: no default)."""
        action = self._get_collection_action("recouvrement_b2b.recouvrement_dispute_action")
        action["context"] = {"search_default_open": 1}
        return action
