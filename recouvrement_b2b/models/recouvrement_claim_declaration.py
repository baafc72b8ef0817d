from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_date
from odoo.tools.misc import formatLang

from ..rules import proceedings as proceedings_rules
from ..tools.bounds import check_bounds, check_sign
from ..tools.evidence import (
    check_closed_unlink,
    check_closed_write,
    check_created_by_flow,
    check_set_by_flow,
)
from ..tools.lang import company_env
from ..tools.locks import lock_rows
from ..tools.records import name_by_sequence

#: what a declaration sent to the mandataire says: never rewritten (issue 19)
DECLARED_FIELDS = (
    "partner_id",
    "company_id",
    "move_ids",
    "judgment_date",
    "mandataire_id",
    "declaration_date",
    "principal_amount",
    "open_credit_amount",
    "penalty_amount",
    "indemnity_amount",
    "total_amount",
)
#: and once the proceedings closed: how they closed
CLOSED_FIELDS = ("close_date", "closure_reason")

PROCEEDINGS = [
    ("sauvegarde", "Sauvegarde"),
    ("redressement", "Redressement judiciaire"),
    ("liquidation", "Liquidation judiciaire"),
]

CLOSURE_REASONS = [
    ("plan", "Plan adopted (sauvegarde or redressement)"),
    ("paid", "Liabilities paid (extinction du passif)"),
    ("insufficient_assets", "Liquidation closed for insufficient assets"),
    ("other", "Other"),
]


class RecouvrementClaimDeclaration(models.Model):
    """Déclaration de créance: the claims born before the opening judgment of a customer's
    collective proceedings, declared to the mandataire judiciaire (L622-24, R622-24 Code de
    commerce), and what became of them (admitted amount, dividends, closure)."""

    _name = "recouvrement.claim.declaration"
    _description = "Claim Declaration"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "judgment_date desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Reference", required=True, copy=False, default="/", readonly=True)
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
    state = fields.Selection(
        [("draft", "To declare"), ("declared", "Declared"), ("closed", "Closed out")],
        default="draft",
        required=True,
        tracking=True,
        copy=False,
    )
    proceedings = fields.Selection(
        PROCEEDINGS,
        compute="_compute_proceedings",
        store=True,
        precompute=True,
        readonly=False,
        required=True,
        tracking=True,
    )
    judgment_date = fields.Date(
        string="Opening Judgment Date",
        compute="_compute_proceedings",
        store=True,
        precompute=True,
        readonly=False,
        required=True,
        tracking=True,
    )
    court = fields.Char(help="Tribunal de commerce (or judiciaire) that opened the proceedings.")
    mandataire_id = fields.Many2one(
        "res.partner",
        string="Mandataire Judiciaire",
        tracking=True,
        help="Receives the declaration (the liquidateur in a liquidation).",
    )
    publication_date = fields.Date(
        string="BODACC Publication",
        tracking=True,
        help="Publication of the opening judgment in the BODACC: the declaration deadlines "
        "run from this date.",
    )
    deadline_date = fields.Date(
        string="Declaration Deadline",
        compute="_compute_deadlines",
        store=True,
        help="BODACC publication + 2 months, + 4 months when the company is established outside "
        "metropolitan France (art. R622-24 Code de commerce), moved to the next working day when "
        "it falls on a Saturday, a Sunday or a public holiday (art. 642 Code de procédure "
        "civile).",
    )
    relief_deadline_date = fields.Date(
        string="Relief Deadline",
        compute="_compute_deadlines",
        store=True,
        help="A creditor who missed the declaration deadline may ask the juge-commissaire for "
        "relief (relevé de forclusion) until BODACC publication + 6 months (art. L622-26).",
    )
    retention_deadline_date = fields.Date(
        string="Retention-of-title Deadline",
        compute="_compute_deadlines",
        store=True,
        help="Goods sold under a retention-of-title clause are claimed back within 3 months of "
        "the BODACC publication (art. L624-9).",
    )
    deadline_missed = fields.Boolean(
        compute="_compute_deadline_missed",
        help="The 2-month deadline passed before the claim was declared.",
    )
    declaration_date = fields.Date(string="Declared On", tracking=True, copy=False)
    move_ids = fields.Many2many(
        "account.move",
        string="Invoices",
        compute="_compute_move_ids",
        store=True,
        readonly=False,
        check_company=True,
        domain="[('move_type', '=', 'out_invoice'), ('state', '=', 'posted'),"
        " ('commercial_partner_id', '=', partner_id)]",
        help="Unpaid invoices whose claim was born before the opening judgment.",
    )
    retention_of_title = fields.Boolean(
        compute="_compute_retention_of_title",
        store=True,
        help="Some invoices carry a retention-of-title clause: the goods can be claimed back.",
    )
    principal_amount = fields.Monetary(
        string="Principal",
        compute="_compute_amounts",
        store=True,
        help="Amount left unpaid on the invoices at the judgment, less the customer's open "
        "credits of that date.",
    )
    open_credit_amount = fields.Monetary(
        string="Open Credits Deducted",
        compute="_compute_amounts",
        store=True,
        help="Credit notes and payments of the customer not allocated to an invoice, dated "
        "before the judgment: the share of them the claims declared get (oldest claims first, "
        "each credit deducted once in all), from the principal first.",
    )
    penalty_amount = fields.Monetary(
        string="Penalties to the Judgment",
        compute="_compute_amounts",
        store=True,
        help="Late-payment penalties accrued up to the opening judgment (art. L622-28: "
        "interest stops there).",
    )
    indemnity_amount = fields.Monetary(
        string="Recovery Indemnities",
        compute="_compute_amounts",
        store=True,
        help="Fixed 40 EUR indemnities of the invoices due before the judgment (art. D441-5).",
    )
    total_amount = fields.Monetary(string="Amount Declared", compute="_compute_amounts", store=True)
    admitted_amount = fields.Monetary(tracking=True, help="Amount admitted by the judge.")
    dividend_amount = fields.Monetary(
        string="Dividends Received", tracking=True, help="Sums paid by the proceedings so far."
    )
    close_date = fields.Date(string="Proceedings Closed On", tracking=True, copy=False)
    closure_reason = fields.Selection(CLOSURE_REASONS, tracking=True, copy=False)
    note = fields.Text()

    _sql_constraints = [
        (
            "amounts_positive",
            "CHECK(admitted_amount >= 0 AND dividend_amount >= 0)",
            "Admitted amount and dividends cannot be negative.",
        ),
        (
            "partner_judgment_unique",
            "UNIQUE(company_id, partner_id, judgment_date)",
            "A claim declaration already exists for this customer and judgment.",
        ),
    ]

    # ------------------------------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------------------------------

    @api.depends("partner_id", "partner_id.collective_proceedings")
    def _compute_proceedings(self):
        # A declaration sent keeps its judgment date (evidence) but follows a conversion of the
        # proceedings (sauvegarde, redressement, liquidation: L622-10, L631-15, L641-1), which
        # keeps the opening judgment: the claim declared needs no new declaration.
        for declaration in self:
            partner = declaration.partner_id.commercial_partner_id
            in_proceedings = partner.collective_proceedings not in (False, "none")
            if declaration.state != "draft" and declaration.judgment_date:
                if in_proceedings and partner.proceedings_date == declaration.judgment_date:
                    declaration.proceedings = partner.collective_proceedings
            elif in_proceedings:
                declaration.proceedings = partner.collective_proceedings
                declaration.judgment_date = partner.proceedings_date
            elif not declaration.proceedings:
                declaration.proceedings = False
                declaration.judgment_date = False

    @api.depends(
        "publication_date", "retention_of_title", "company_id.country_id", "company_id.zip"
    )
    def _compute_deadlines(self):
        # art. 642 CPC (next working day) and R622-24 (+ 2 months for a creditor established
        # outside metropolitan France) are applied by the rules
        for declaration in self:
            publication = declaration.publication_date
            company = declaration.company_id
            declaration.deadline_date = publication and proceedings_rules.declaration_deadline(
                publication,
                metropolitan=proceedings_rules.is_metropolitan_france(
                    company.country_id.code, company.zip
                ),
            )
            declaration.relief_deadline_date = publication and proceedings_rules.relief_deadline(
                publication
            )
            declaration.retention_deadline_date = (
                publication
                and declaration.retention_of_title
                and proceedings_rules.retention_of_title_deadline(publication)
            )

    @api.depends("deadline_date", "declaration_date")
    def _compute_deadline_missed(self):
        today = fields.Date.context_today(self)
        for declaration in self:
            declared = declaration.declaration_date or today
            declaration.deadline_missed = bool(
                declaration.deadline_date and declared > declaration.deadline_date
            )

    @api.depends("partner_id", "judgment_date", "company_id")
    def _compute_move_ids(self):
        for declaration in self:
            if declaration.state != "draft" or not declaration.partner_id:
                continue
            declaration.move_ids = declaration._get_pre_judgment_moves()

    @api.depends("move_ids.retention_of_title")
    def _compute_retention_of_title(self):
        for declaration in self:
            declaration.retention_of_title = any(declaration.move_ids.mapped("retention_of_title"))

    @api.depends("move_ids", "judgment_date")
    def _compute_amounts(self):
        # A declaration sent is evidence: its amounts are never recomputed.
        for declaration in self:
            if declaration.state != "draft" and declaration.total_amount:
                continue
            lines = declaration._get_declaration_lines() if declaration.judgment_date else []
            credit = declaration._get_deducted_open_credit(lines)
            declaration.open_credit_amount = credit
            # the credits the one rule gives the penalty invoices declared (issue 17) come
            # off what is left once the principal is paid: penalties, then indemnities
            left = credit
            for fname, key in (
                ("principal_amount", "principal"),
                ("penalty_amount", "penalty"),
                ("indemnity_amount", "indemnity"),
            ):
                amount = sum(line[key] for line in lines)
                deducted = min(left, amount) if fname != "indemnity_amount" else left
                declaration[fname] = amount - deducted
                left -= deducted
            declaration.total_amount = sum(line["total"] for line in lines) - credit

    # ------------------------------------------------------------------------------------------
    # Constraints and CRUD
    # ------------------------------------------------------------------------------------------

    @api.constrains("publication_date", "judgment_date", "declaration_date", "close_date")
    def _check_dates(self):
        # dates of past events: a publication, a declaration or a closing recorded ahead
        # would run deadlines (R622-24, L622-26) and prescription (L622-25-1) from a day that
        # has not come
        for fname in ("judgment_date", "publication_date", "declaration_date", "close_date"):
            self.env["recouvrement.proceedings"]._check_judgment_date(self, fname)
        for declaration in self:
            judgment = declaration.judgment_date
            for fname in ("publication_date", "declaration_date", "close_date"):
                if judgment and declaration[fname] and declaration[fname] < judgment:
                    raise ValidationError(
                        self.env._(
                            "Claim declaration %(declaration)s: %(field)s (%(date)s) cannot be "
                            "before the opening judgment (%(judgment)s).",
                            declaration=declaration.name,
                            field=declaration._fields[fname]._description_string(self.env),
                            date=format_date(self.env, declaration[fname]),
                            judgment=format_date(self.env, judgment),
                        )
                    )

    @api.constrains("move_ids", "partner_id", "company_id", "judgment_date")
    def _check_moves(self):
        """The invoices declared are the declaration's customer's, in its company, born before
        the opening judgment (L622-24; a claim born from the judgment on is paid at its due
        date, L622-17). Odoo's company check accepts a list where one invoice is of the
        company; an invoice of another company would add its amounts to this declaration.

        :raise ValidationError: naming the declaration and the invoice
        """
        for declaration in self:
            partner = declaration.partner_id.commercial_partner_id
            for move in declaration.move_ids:
                if move.company_id != declaration.company_id or (
                    move.commercial_partner_id != partner
                ):
                    message = self.env._(
                        "Claim declaration %(declaration)s: invoice %(invoice)s is not an "
                        "invoice of %(customer)s in %(company)s.",
                        declaration=declaration.name,
                        invoice=move.display_name,
                        customer=partner.display_name,
                        company=declaration.company_id.name,
                    )
                elif not proceedings_rules.is_pre_judgment(
                    move.invoice_date, declaration.judgment_date, move.delivery_date
                ):
                    message = self.env._(
                        "Claim declaration %(declaration)s: invoice %(invoice)s was born on or "
                        "after the opening judgment of %(judgment)s; it is paid at its due date "
                        "(art. L622-17 Code de commerce), not declared.",
                        declaration=declaration.name,
                        invoice=move.display_name,
                        judgment=format_date(self.env, declaration.judgment_date),
                    )
                else:
                    continue
                raise ValidationError(message)

    @api.constrains("admitted_amount", "dividend_amount", "total_amount")
    def _check_outcome_amounts(self):
        """The judge admits at most the amount declared (the claim is the creditor's), and the
        proceedings pay dividends on at most the amount admitted (the amount declared while no
        admission is recorded); neither is negative.

        :raise ValidationError: naming the declaration, the field and both amounts
        """
        for declaration in self:
            checks = (
                ("admitted_amount", declaration.total_amount, "total_amount"),
                (
                    "dividend_amount",
                    declaration.admitted_amount or declaration.total_amount,
                    "admitted_amount" if declaration.admitted_amount else "total_amount",
                ),
            )
            for fname, ceiling, ceiling_fname in checks:
                if declaration.currency_id.compare_amounts(declaration[fname], 0.0) < 0:
                    # before the SQL constraint, whose message names neither
                    check_bounds(declaration, fname, 0.0, ceiling)
                if declaration.currency_id.compare_amounts(declaration[fname], ceiling) > 0:
                    raise ValidationError(
                        self.env._(
                            "Claim declaration %(declaration)s: the %(field)s (%(amount)s) "
                            "cannot exceed the %(ceiling_field)s (%(ceiling)s).",
                            declaration=declaration.name,
                            field=self._fields[fname]._description_string(self.env),
                            amount=declaration._format_amount(declaration[fname]),
                            ceiling_field=self._fields[ceiling_fname]._description_string(self.env),
                            ceiling=declaration._format_amount(ceiling),
                        )
                    )

    @api.constrains("closure_reason", "proceedings")
    def _check_closure_reason(self):
        """A closing for insufficient assets ends a liquidation judiciaire only (L643-9 Code
        de commerce): recorded on a sauvegarde or a redressement, it would let a write-off
        recover the VAT of a debt not shown to be lost (art. 272 CGI).

        :raise ValidationError: naming the declaration, the reason and the proceedings
        """
        for declaration in self:
            if (
                declaration.closure_reason == "insufficient_assets"
                and declaration.proceedings != "liquidation"
            ):
                raise ValidationError(
                    self.env._(
                        "Claim declaration %(declaration)s: %(proceedings)s proceedings cannot "
                        "close for insufficient assets; only a liquidation judiciaire does (art. "
                        "L643-9 Code de commerce). When the proceedings were converted into a "
                        "liquidation, record the conversion on the customer first.",
                        declaration=declaration.name,
                        proceedings=dict(
                            self._fields["proceedings"]._description_selection(self.env)
                        ).get(declaration.proceedings),
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        self._check_proceedings_known(vals_list)
        self._check_not_declared(vals_list)
        name_by_sequence(self.env, vals_list, "recouvrement.claim.declaration")
        check_sign(self, vals_list, ("admitted_amount", "dividend_amount"))
        declarations = super().create(vals_list)
        # declared and closed by the Mark as Declared and Close Proceedings buttons only (issue 19)
        check_created_by_flow(declarations, self._get_flow_name(), ("declared", "closed"))
        declarations._schedule_deadline_activities()
        return declarations

    def _get_flow_name(self):
        """What records a declaration as declared or closed, as a message says it."""
        return self.env._("the Mark as Declared and Close Proceedings buttons")

    @api.model
    def _check_proceedings_known(self, vals_list):
        """Refuse to create a declaration whose proceedings or judgment date is neither given
        nor known on the customer (both are required: the claim is declared as it stood on the
        judgment date, L622-24).

        :raise ValidationError: naming the customer and the missing field
        """
        for vals in vals_list:
            partner = self.env["res.partner"].browse(vals.get("partner_id")).commercial_partner_id
            in_proceedings = partner.collective_proceedings not in (False, "none")
            for fname, known in (
                ("proceedings", in_proceedings),
                ("judgment_date", in_proceedings and partner.proceedings_date),
            ):
                if not vals.get(fname) and not known:
                    raise ValidationError(
                        self.env._(
                            "Claim declaration of %(customer)s: fill in the %(field)s (the "
                            "customer's collective proceedings do not give it).",
                            customer=partner.display_name,
                            field=self._fields[fname]._description_string(self.env),
                        )
                    )

    @api.model
    def _check_not_declared(self, vals_list):
        """Refuse a second declaration of a customer's claim for the same judgment in the same
        company, also when two users record it at once (the loser gets a message, never a raw
        unique violation).

        The customers' rows are locked and updated to the same values first: under Odoo's
        REPEATABLE READ isolation, the second of two transactions started together waits for
        the first, then fails with a serialization error (not logged as an error: it is no
        business failure); Odoo's request handling (``odoo.service.model.retrying``) runs it
        again and its new snapshot sees the first declaration.

        :param vals_list: the values of the declarations about to be created
        :raise UserError: naming the customer, the judgment date, who declared it and when
        """
        keys = set()
        for vals in vals_list:
            partner = self.env["res.partner"].browse(vals.get("partner_id"))
            judgment = fields.Date.to_date(vals.get("judgment_date")) or (
                partner.commercial_partner_id.proceedings_date
            )
            company_id = vals.get("company_id") or self.env.company.id
            keys.add((company_id, partner.id, judgment))
        partner_ids = sorted({partner_id for _company, partner_id, _day in keys if partner_id})
        if not partner_ids:
            return
        lock_rows(self.env["res.partner"].browse(partner_ids), log_exceptions=False)
        # sudo: a declaration of another user's record rules still blocks this one (the
        # unique key does not look at rights); only its reference, author and date are shown
        existing = self.sudo().search(
            [("partner_id", "in", partner_ids), ("company_id", "in", [k[0] for k in keys])]
        )
        for declaration in existing:
            key = (declaration.company_id.id, declaration.partner_id.id, declaration.judgment_date)
            if key in keys:
                raise UserError(
                    self.env._(
                        "The claim of %(customer)s for the judgment of %(judgment)s was already "
                        "declared by %(user)s on %(date)s (claim declaration %(declaration)s): "
                        "open that declaration instead.",
                        customer=declaration.partner_id.display_name,
                        judgment=format_date(self.env, declaration.judgment_date),
                        user=declaration.create_uid.name,
                        date=format_date(self.env, declaration.create_date),
                        declaration=declaration.name,
                    )
                )

    def write(self, vals):
        check_set_by_flow(self, vals, self._get_flow_name(), ("declared", "closed"))
        self._check_declared_write(vals)
        res = super().write(vals)
        if {"publication_date", "move_ids", "declaration_date"} & set(vals):
            self._schedule_deadline_activities()
        return res

    def _check_declared_write(self, vals):
        """Refuse to rewrite a declaration sent to the mandataire: its customer, invoices,
        judgment, mandataire, declaration date and amounts are evidence (art. L622-24 Code de
        commerce: the claim declared is the one admitted or not); a declaration sent is never
        back to draft, a closed one stays closed with its closing date and reason (issue 19).

        :raise UserError: naming the declaration and the field
        """

        def kept(declaration):
            fnames = DECLARED_FIELDS
            if declaration.state == "closed":
                fnames += CLOSED_FIELDS
            if vals.get("state") != "closed":
                # never back: to draft, nor a closed one to declared
                fnames += ("state",)
            return fnames

        check_closed_write(
            self,
            vals,
            lambda declaration: declaration.state != "draft",
            kept,
            lambda declaration, field: self.env._(
                "Claim declaration %(declaration)s was sent: its %(field)s is evidence and "
                "cannot change.",
                declaration=declaration.name,
                field=field,
            ),
        )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_declared(self):
        check_closed_unlink(
            self,
            lambda declaration: declaration.state != "draft",
            lambda declaration: self.env._(
                "Claim declaration %(declaration)s was sent: it cannot be deleted.",
                declaration=declaration.name,
            ),
        )

    # ------------------------------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------------------------------

    def action_declare(self):
        """Record the declaration as sent today (amounts frozen, prescription interrupted until
        the proceedings close: art. L622-25-1 Code de commerce)."""
        self.check_access("write")
        for declaration in self:
            if declaration.state != "draft":
                continue
            if not declaration.move_ids:
                raise UserError(
                    self.env._(
                        "Claim declaration %(declaration)s lists no invoice.",
                        declaration=declaration.name,
                    )
                )
            if not declaration.mandataire_id:
                raise UserError(
                    self.env._(
                        "Claim declaration %(declaration)s: choose the mandataire judiciaire.",
                        declaration=declaration.name,
                    )
                )
            declaration._compute_amounts()
            # sudo: the declared state is evidence set by this button only (issue 19)
            declaration.sudo().write(
                {
                    "state": "declared",
                    "declaration_date": declaration.declaration_date
                    or fields.Date.context_today(self),
                }
            )
            declaration.move_ids.claim_declaration_id = declaration
        return True

    def action_close(self):
        """Close the proceedings on ``close_date``: the prescription of the claims declared
        starts again from that day (art. L622-25-1 Code de commerce, 2231 Code civil). A claim
        never declared had its prescription interrupted by nothing: its dates stay."""
        self.check_access("write")
        for declaration in self:
            declared = declaration.state == "declared"
            if not declaration.close_date or not declaration.closure_reason:
                raise UserError(
                    self.env._(
                        "Claim declaration %(declaration)s: give the closing date and reason of "
                        "the proceedings first.",
                        declaration=declaration.name,
                    )
                )
            if declared:
                # recorded while the declaration still interrupts their prescription (no
                # last day to act until the proceedings close, L622-25-1): the new period
                # runs from the closing even when the proceedings outlasted the old one
                self.env["recouvrement.litigation"]._interrupt_prescription(
                    declaration.move_ids, declaration.close_date
                )
            # sudo: the closed state is evidence set by this button only (issue 19)
            declaration.sudo().state = "closed"
        self.activity_ids.filtered("automated").unlink()
        return True

    def action_print(self):
        """The declaration letter to the mandataire judiciaire (PDF)."""
        self.ensure_one()
        return self.env.ref("recouvrement_b2b.action_report_claim_declaration").report_action(self)

    # ------------------------------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------------------------------

    def _format_amount(self, amount):
        return formatLang(self.env, amount, currency_obj=self.currency_id)

    def _get_report_filename(self):
        """Name of the printed declaration's file, without extension (no ``/``), in the language
        it is printed in: the company's (issue 16: was "Claim declaration - DC/2026/0001" in a
        French database)."""
        self.ensure_one()
        return (
            company_env(self.env, self.company_id)
            ._("Claim declaration - %(name)s", name=self.name)
            .replace("/", "-")
        )

    def _get_pre_judgment_moves(self):
        """Unpaid posted customer invoices of the customer (penalty invoices aside: their
        penalties are counted on the invoices they charge) born before the judgment. Invoices
        assigned to a factor in notified factoring are left out: the factor owns those claims
        and declares them itself."""
        self.ensure_one()
        moves = self.env["account.move"].search(
            [
                ("company_id", "=", self.company_id.id),
                ("commercial_partner_id", "=", self.partner_id.commercial_partner_id.id),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("payment_state", "in", ("not_paid", "partial")),
                ("is_penalty_invoice", "=", False),
            ],
            order="invoice_date, id",
        )
        return moves.filtered(
            lambda m: (
                proceedings_rules.is_pre_judgment(
                    m.invoice_date, self.judgment_date, m.delivery_date
                )
                and not (m.is_factored and m.factoring_mode == "notified")
            )
        )

    def _get_declaration_lines(self):
        """Claim per invoice at the judgment date, in the company currency: principal (what is
        left unpaid), penalties accrued to the judgment (L622-28), indemnity (D441-5: only for
        invoices due before the judgment, see ``recouvrement.penalty``), total and
        ``due_dates`` (text: each instalment's due date, ``_get_mention_due_dates``), and
        ``litigation_due_dates`` (text: of an invoice an open litigation case claims in part,
        the instalments it claims, left out of ``due_dates``; else False:
        ``account.move._get_due_date_parts``).

        A claim in a foreign currency is converted at the rate of the judgment date (art.
        L622-25 Code de commerce), principal and penalties alike; the indemnity is a fixed sum
        in euros (D441-5), declared as such whatever the invoice's currency."""
        self.ensure_one()
        moves = self.move_ids.sorted(lambda m: (m.invoice_date or m.date, m.id))
        # as every claim: what penalty invoices charged is declared through their open amount
        figures = self.env["recouvrement.penalty"]._get_penalty_document_figures(
            moves, self.judgment_date
        )
        company = self.company_id
        euro = self.env.ref("base.EUR")
        unpaid = self._get_unpaid_at_judgment(moves)
        lines = []
        for move in moves:
            fig = figures.get(move.id, {})

            def convert(amount, currency=move.currency_id):
                return currency._convert(amount, company.currency_id, company, self.judgment_date)

            principal = convert(unpaid.get(move.id, 0.0))
            penalty = convert(fig.get("penalty", 0.0))
            if fig.get("indemnity_invoiced"):
                # the open share of the penalty invoice that charged it, in its currency
                indemnity = convert(fig.get("indemnity", 0.0))
            else:
                indemnity = (
                    convert(company.penalty_indemnity_amount, euro) if fig.get("indemnity") else 0.0
                )
            due_dates, litigation_due_dates = move._get_due_date_parts()
            lines.append(
                {
                    "move": move,
                    "principal": principal,
                    "penalty": penalty,
                    "indemnity": indemnity,
                    "total": principal + penalty + indemnity,
                    # each instalment's due date, from which its penalties run; of an
                    # invoice a litigation case claims in part, the instalments claimed apart
                    "due_dates": due_dates,
                    "litigation_due_dates": litigation_due_dates,
                }
            )
        return lines

    def _get_deducted_open_credit(self, lines):
        """The open credits deducted from the declaration ``lines``
        (:meth:`_get_declaration_lines`), company currency: the shares the one rule gives
        the claims it declares (:meth:`_get_open_credit_at_judgment`), currency by currency
        up to what the invoices of that currency declare (LEGAL.md, open credits; art. 1347-1
        Code civil: a euro credit does not pay a dollar invoice)."""
        self.ensure_one()
        if not lines:
            return 0.0
        declared = defaultdict(float)
        for line in lines:
            declared[line["move"].currency_id.id] += line["total"]
        credits = self._get_open_credit_at_judgment()
        return self.currency_id.round(
            sum(
                min(credits.get(currency_id, 0.0), amount)
                for currency_id, amount in declared.items()
            )
        )

    def _get_open_credit_at_judgment(self):
        """``{currency id: float}``: what the declaration deducts of the open credits of the
        customer in its company (credit notes and payments not allocated to an invoice:
        ``recouvrement.dunning._get_open_credits``), per currency of the credit, in the company
        currency: exactly the shares the one rule (``recouvrement.dunning
        ._allocate_open_credits``, README "One rule shares the open credits") gives the claims
        it declares, the instalments of its invoices and of the open penalty invoices that
        charged them (their open amount is declared with them,
        ``recouvrement.penalty._get_penalty_document_figures``, in the same proportion), so
        that each credit is deducted once in all. The rule gives the pre-judgment claims the
        credits born before the judgment only (``rules.proceedings.is_born_before_judgment``:
        a credit of the judgment day belongs to the proceedings, R622-23, R621-4), before any
        later claim (art. 1347 al. 2 Code civil). A credit in another currency is converted
        at the rate of the judgment date, as the invoices it is deducted from
        (:meth:`_get_declaration_lines`, L622-25), not at the rate of its books: the share of
        the credit the rule gives, in its own currency.

        The declaration declares the invoices of a litigation case too, and the cases take
        nothing for them (``own_moves``); an open case on an invoice it does not declare (born
        after the judgment) takes its share first, the declaration deducts what that case
        left (issue 17: a credit a case deducted was deducted again). Queries do not depend on
        the number of invoices.
        """
        self.ensure_one()
        company = self.company_id
        Dunning = self.env["recouvrement.dunning"]
        credits = Dunning._get_open_credits(self.move_ids)
        if not credits:
            return {}
        today = fields.Date.context_today(self)
        amounts = Dunning._get_line_amounts(
            self.env["account.move.line"].union(*credits.values()), today
        )
        whole = dict(amounts)
        shares = Dunning._allocate_open_credits(credits, amounts, today, own_moves=self.move_ids)[2]
        # what each credit line gives the instalments declared (company currency, day's rate)
        given = defaultdict(float)
        for instalment_id, fraction in self._get_declared_instalment_fractions().items():
            for credit_id, part in shares.get(instalment_id, {}).items():
                given[credit_id] += part * fraction
        result = defaultdict(float)
        partner = self.partner_id.commercial_partner_id
        for (company_id, partner_id, currency_id), lines in credits.items():
            if company_id != company.id or partner_id != partner.id:
                continue
            currency = self.env["res.currency"].browse(currency_id)
            for line in lines.filtered(lambda ln: given.get(ln.id)):
                # the same share of the credit in the books and in its own currency
                share = min(given[line.id] / -whole[line.id], 1.0) if whole[line.id] else 1.0
                if currency == company.currency_id:
                    result[currency_id] -= line.amount_residual * share
                else:
                    result[currency_id] += currency._convert(
                        -line.amount_residual_currency * share,
                        company.currency_id,
                        company,
                        self.judgment_date,
                    )
        return {
            currency_id: self.currency_id.round(amount) for currency_id, amount in result.items()
        }

    def _get_declared_instalment_fractions(self):
        """``{instalment line id: float}``: the open receivable lines of the claims the
        declaration declares, each with the part of it declared: 1.0 for its invoices; for a
        posted penalty invoice that charged them by the judgment date and is not declared
        itself, the part of its amount charged for them (its open amount is declared with
        them, ``recouvrement.penalty._get_penalty_document_figures``). Two queries."""
        self.ensure_one()
        fractions = {
            line.id: 1.0
            for line in self.move_ids.line_ids
            if line.display_type == "payment_term" and not line.reconciled
        }
        charged = self.env["account.move.line"].search_fetch(
            self.env["recouvrement.penalty"]._get_posted_penalty_lines_domain(
                self.move_ids.ids, self.judgment_date
            ),
            ["move_id", "price_subtotal"],
        )
        parts = defaultdict(float)
        for line in charged:
            if line.move_id not in self.move_ids:
                parts[line.move_id] += line.price_subtotal
        for invoice, part in parts.items():
            if not invoice.amount_total:
                continue
            for line in invoice.line_ids:
                if line.display_type == "payment_term" and not line.reconciled:
                    fractions[line.id] = min(part / invoice.amount_total, 1.0)
        return fractions

    def _get_unpaid_at_judgment(self, moves):
        """``{move.id: float}``: what was left unpaid on each of ``moves`` (account.move) at the
        opening judgment, in the invoice currency: its receivable lines less the payments,
        credit notes and write-offs dated before the judgment (R622-23: the claim is declared
        as it stood on the judgment date; a later payment does not rewrite the declaration
        nor its letter). One query (``recouvrement.penalty._get_penalty_reductions``)."""
        self.ensure_one()
        reductions = self.env["recouvrement.penalty"]._get_penalty_reductions(moves)
        unpaid = {}
        for line in moves.line_ids.filtered(lambda ln: ln.display_type == "payment_term"):
            paid = sum(
                float(amount)
                for day, amount in reductions.get(line.id, [])
                if day < self.judgment_date
            )
            unpaid[line.move_id.id] = unpaid.get(line.move_id.id, 0.0) + line.amount_currency - paid
        return {
            move_id: move.currency_id.round(max(amount, 0.0))
            for move_id, amount in unpaid.items()
            for move in moves.browse(move_id)
        }

    def _get_documents(self):
        """Supporting documents listed in the letter: the invoices, the reminders sent and the
        files attached to the declaration."""
        self.ensure_one()
        documents = [
            self.env._(
                "Invoice %(invoice)s of %(date)s",
                invoice=move.name,
                date=format_date(self.env, move.invoice_date),
            )
            for move in self.move_ids.sorted(lambda m: (m.invoice_date or m.date, m.id))
        ]
        # the reminders the debtor received in writing, as the litigation file lists them
        events = self.env["recouvrement.dunning.event"]._get_written_reminders(self.move_ids)
        documents.extend(
            self.env._("Reminder of %(date)s", date=format_date(self.env, event.date))
            for event in events
        )
        attachments = self.env["ir.attachment"].search(
            [("res_model", "=", self._name), ("res_id", "=", self.id)], order="id"
        )
        documents.extend(attachments.mapped("name"))
        return documents

    def _schedule_deadline_activities(self):
        """Alert the collection responsible of the declaration deadline (R622-24), of the
        retention-of-title claim (L624-9) and, once the 2 months passed undeclared, of the
        relief deadline (L622-26): one activity each, replaced when the dates change.

        A deadline already passed gets no activity (nothing can be done for it any more): a
        note on the declaration says it passed, with its date and article."""
        todo = self.env.ref("mail.mail_activity_data_todo", raise_if_not_found=False)
        today = fields.Date.context_today(self)
        for declaration in self:
            declaration.activity_ids.filtered("automated").unlink()
            if declaration.state == "closed" or not declaration.publication_date:
                continue
            user = declaration.company_id.recouvrement_user_id.id or self.env.uid
            passed = []
            # activities and notes of the collection responsible: the company's language
            # (issue 16)
            note_env = company_env(self.env, declaration.company_id)
            for deadline, summary, note in declaration.with_env(note_env)._get_deadline_alerts():
                if deadline < today:
                    passed.append(note)
                    continue
                declaration.activity_schedule(
                    activity_type_id=todo.id if todo else False,
                    date_deadline=deadline,
                    summary=summary,
                    user_id=user,
                )
            if passed:
                declaration.message_post(
                    body=Markup("<br/>").join(passed),
                    message_type="comment",
                    subtype_xmlid="mail.mt_note",
                )

    def _get_deadline_alerts(self):
        """The deadlines of this declaration to alert of: ``[(date, activity summary, note when
        it passed)]`` (translated): the declaration (R622-24) while it can still be met, else
        the relief (L622-26) when the claim was not declared in time; the retention-of-title
        claim (L624-9) when the invoices carry the clause."""
        self.ensure_one()
        alerts = []
        if self.state == "draft" and not self.deadline_missed:
            alerts.append(
                (
                    self.deadline_date,
                    self.env._(
                        "Declare the claim before %(date)s (R622-24)",
                        date=format_date(self.env, self.deadline_date),
                    ),
                    self.env._(
                        "The declaration deadline passed on %(date)s (R622-24).",
                        date=format_date(self.env, self.deadline_date),
                    ),
                )
            )
        elif self.state == "draft" or (
            self.declaration_date and self.declaration_date > self.deadline_date
        ):
            alerts.append(
                (
                    self.relief_deadline_date,
                    self.env._(
                        "Deadline missed: ask the juge-commissaire for relief before "
                        "%(date)s (L622-26)",
                        date=format_date(self.env, self.relief_deadline_date),
                    ),
                    self.env._(
                        "The declaration deadline and the relief deadline passed (relief could "
                        "be asked until %(date)s, L622-26): the claim not declared in time is "
                        "foreclosed.",
                        date=format_date(self.env, self.relief_deadline_date),
                    ),
                )
            )
        if self.retention_deadline_date:
            alerts.append(
                (
                    self.retention_deadline_date,
                    self.env._(
                        "Claim back the goods sold under retention of title before "
                        "%(date)s (L624-9)",
                        date=format_date(self.env, self.retention_deadline_date),
                    ),
                    self.env._(
                        "The deadline to claim back the goods sold under retention of title "
                        "passed on %(date)s (L624-9).",
                        date=format_date(self.env, self.retention_deadline_date),
                    ),
                )
            )
        return alerts

    @api.model
    def _get_prescription_suspended(self, moves):
        """The invoices of ``moves`` listed in a declaration sent and not closed: their
        prescription is interrupted until the proceedings close (art. L622-25-1 Code de
        commerce). No query: the declarations are read in one batch."""
        return moves.filtered(lambda m: m.claim_declaration_id.state == "declared")

    def _recouvrement_creation_note(self):
        # EXTENDS recouvrement_b2b (mail_thread.py): its own creation note, whose French agrees
        # with the model's noun (issue 16)
        return self.env._("Claim declaration created")
