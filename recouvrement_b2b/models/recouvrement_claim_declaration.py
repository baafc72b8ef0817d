from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_date
from odoo.tools.misc import formatLang

from ..rules import proceedings as proceedings_rules
from ..tools.lang import company_env

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
        [("draft", "To declare"), ("declared", "Declared"), ("closed", "Closed")],
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
        help="BODACC publication + 2 months (art. R622-24 Code de commerce).",
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
        help="Amount left unpaid on the invoices.",
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

    @api.depends("partner_id")
    def _compute_proceedings(self):
        for declaration in self:
            partner = declaration.partner_id.commercial_partner_id
            if partner.collective_proceedings not in (False, "none"):
                declaration.proceedings = partner.collective_proceedings
                declaration.judgment_date = partner.proceedings_date
            elif not declaration.proceedings:
                declaration.proceedings = False
                declaration.judgment_date = False

    @api.depends("publication_date", "retention_of_title")
    def _compute_deadlines(self):
        for declaration in self:
            publication = declaration.publication_date
            declaration.deadline_date = publication and proceedings_rules.declaration_deadline(
                publication
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
            declaration.principal_amount = sum(line["principal"] for line in lines)
            declaration.penalty_amount = sum(line["penalty"] for line in lines)
            declaration.indemnity_amount = sum(line["indemnity"] for line in lines)
            declaration.total_amount = sum(line["total"] for line in lines)

    # ------------------------------------------------------------------------------------------
    # Constraints and CRUD
    # ------------------------------------------------------------------------------------------

    @api.constrains("publication_date", "judgment_date", "declaration_date", "close_date")
    def _check_dates(self):
        self.env["recouvrement.proceedings"]._check_judgment_date(self, "judgment_date")
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

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                vals["name"] = (
                    self.env["ir.sequence"]
                    .with_company(company)
                    .next_by_code("recouvrement.claim.declaration")
                    or "/"
                )
        declarations = super().create(vals_list)
        declarations._schedule_deadline_activities()
        return declarations

    def write(self, vals):
        if self.filtered(lambda d: d.state != "draft") and {
            "move_ids",
            "judgment_date",
            "partner_id",
        } & set(vals):
            raise UserError(
                self.env._(
                    "Claim declaration %(declaration)s was sent: its invoices and judgment date "
                    "are evidence and cannot change.",
                    declaration=self.filtered(lambda d: d.state != "draft")[0].name,
                )
            )
        res = super().write(vals)
        if {"publication_date", "move_ids", "declaration_date"} & set(vals):
            self._schedule_deadline_activities()
        return res

    # ------------------------------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------------------------------

    def action_declare(self):
        """Record the declaration as sent today (amounts frozen, prescription interrupted until
        the proceedings close: art. L622-25-1 Code de commerce)."""
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
            declaration.write(
                {
                    "state": "declared",
                    "declaration_date": declaration.declaration_date
                    or fields.Date.context_today(self),
                }
            )
            declaration.move_ids.claim_declaration_id = declaration
        return True

    def action_close(self):
        """Close the proceedings on ``close_date``: prescription starts again from that day
        (art. L622-25-1 Code de commerce, 2231 Code civil)."""
        for declaration in self:
            if not declaration.close_date or not declaration.closure_reason:
                raise UserError(
                    self.env._(
                        "Claim declaration %(declaration)s: give the closing date and reason of "
                        "the proceedings first.",
                        declaration=declaration.name,
                    )
                )
            declaration.state = "closed"
            self.env["recouvrement.litigation"]._interrupt_prescription(
                declaration.move_ids, declaration.close_date
            )
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
        invoices due before the judgment, see ``recouvrement.penalty``) and total.

        A claim in a foreign currency is converted at the rate of the judgment date (art.
        L622-25 Code de commerce), principal and penalties alike; the indemnity is a fixed sum
        in euros (D441-5), declared as such whatever the invoice's currency."""
        self.ensure_one()
        moves = self.move_ids.sorted(lambda m: (m.invoice_date or m.date, m.id))
        figures = moves._get_penalty_figures(self.judgment_date)
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
            indemnity = (
                convert(company.penalty_indemnity_amount, euro) if fig.get("indemnity") else 0.0
            )
            lines.append(
                {
                    "move": move,
                    "principal": principal,
                    "penalty": penalty,
                    "indemnity": indemnity,
                    "total": principal + penalty + indemnity,
                }
            )
        return lines

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
        events = self.env["recouvrement.dunning.event"].search(
            [("move_ids", "in", self.move_ids.ids), ("state", "in", ("sent", "posted"))],
            order="date, id",
        )
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
        relief deadline (L622-26): one activity each, replaced when the dates change."""
        todo = self.env.ref("mail.mail_activity_data_todo", raise_if_not_found=False)
        for declaration in self:
            declaration.activity_ids.filtered("automated").unlink()
            if declaration.state == "closed" or not declaration.publication_date:
                continue
            user = declaration.company_id.recouvrement_user_id.id or self.env.uid
            # activities of the collection responsible: the company's language (issue 16)
            note_env = company_env(self.env, declaration.company_id)
            alerts = []
            if declaration.state == "draft" and not declaration.deadline_missed:
                alerts.append(
                    (
                        declaration.deadline_date,
                        note_env._(
                            "Declare the claim before %(date)s (R622-24)",
                            date=format_date(note_env, declaration.deadline_date),
                        ),
                    )
                )
            elif declaration.state == "draft" or (
                declaration.declaration_date
                and declaration.declaration_date > declaration.deadline_date
            ):
                alerts.append(
                    (
                        declaration.relief_deadline_date,
                        note_env._(
                            "Deadline missed: ask the juge-commissaire for relief before "
                            "%(date)s (L622-26)",
                            date=format_date(note_env, declaration.relief_deadline_date),
                        ),
                    )
                )
            if declaration.retention_deadline_date:
                alerts.append(
                    (
                        declaration.retention_deadline_date,
                        note_env._(
                            "Claim back the goods sold under retention of title before "
                            "%(date)s (L624-9)",
                            date=format_date(note_env, declaration.retention_deadline_date),
                        ),
                    )
                )
            for deadline, summary in alerts:
                declaration.activity_schedule(
                    activity_type_id=todo.id if todo else False,
                    date_deadline=deadline,
                    summary=summary,
                    user_id=user,
                )

    @api.model
    def _get_prescription_suspended(self, moves):
        """The invoices of ``moves`` listed in a declaration sent and not closed: their
        prescription is interrupted until the proceedings close (art. L622-25-1 Code de
        commerce). No query: the declarations are read in one batch."""
        return moves.filtered(lambda m: m.claim_declaration_id.state == "declared")
