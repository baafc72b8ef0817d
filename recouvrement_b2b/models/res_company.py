import logging
import re
import unicodedata

from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError

_logger = logging.getLogger(__name__)

# Demo customers: (name, city, zip, street, siren, siret, vat, profile)
# Fictitious companies with valid identifiers (Luhn SIREN/SIRET, FR VAT key).
_DEMO_COMPANY = {
    "name": "Atelier Dubois Industrie SAS",
    "street": "12 rue des Tanneurs",
    "zip": "69002",
    "city": "Lyon",
    "siren": "734640972",
    "siret": "73464097200018",
    "vat": "FR90734640972",
    "rcs": "RCS Lyon B 734 640 972",
    "email": "compta@dubois-industrie.example.fr",
    "phone": "+33 4 78 00 00 00",
}
_DEMO_CUSTOMERS = [
    (
        "Boulangeries Martin SARL",
        "Villeurbanne",
        "69100",
        "4 avenue Roger Salengro",
        "502466337",
        "50246633700016",
        "FR11502466337",
        "good",
    ),
    (
        "Transports Lefèvre SA",
        "Grenoble",
        "38000",
        "18 cours Berriat",
        "829923127",
        "82992312700015",
        "FR68829923127",
        "good",
    ),
    (
        "Menuiserie Garnier",
        "Saint-Étienne",
        "42000",
        "7 rue de la Résistance",
        "364808949",
        "36480894900010",
        "FR12364808949",
        "good",
    ),
    (
        "Hôtel du Parc SAS",
        "Annecy",
        "74000",
        "2 quai Napoléon III",
        "397222332",
        "39722233200017",
        "FR86397222332",
        "good",
    ),
    (
        "Clinique Vétérinaire des Alpes",
        "Chambéry",
        "73000",
        "25 rue Sommeiller",
        "426339206",
        "42633920600010",
        "FR74426339206",
        "good",
    ),
    (
        "Imprimerie Roux et Fils",
        "Valence",
        "26000",
        "11 rue Madier de Montjau",
        "790819353",
        "79081935300018",
        "FR61790819353",
        "good",
    ),
    (
        "Garage Moreau Automobiles",
        "Bourg-en-Bresse",
        "01000",
        "3 boulevard de Brou",
        "377844832",
        "37784483200016",
        "FR74377844832",
        "late",
    ),
    (
        "Restaurant Le Bouchon Lyonnais",
        "Lyon",
        "69005",
        "9 rue Saint-Jean",
        "981068711",
        "98106871100010",
        "FR38981068711",
        "late",
    ),
    (
        "Bâtiment Fournier Construction",
        "Mâcon",
        "71000",
        "40 rue Carnot",
        "588163022",
        "58816302200019",
        "FR05588163022",
        "late",
    ),
    (
        "Électricité Girard",
        "Vienne",
        "38200",
        "6 place de Miremont",
        "350325825",
        "35032582500015",
        "FR44350325825",
        "late",
    ),
    (
        "Paysages Bonnet",
        "Roanne",
        "42300",
        "15 rue Charles de Gaulle",
        "415356427",
        "41535642700013",
        "FR18415356427",
        "chronic",
    ),
    (
        "Plomberie Chevalier",
        "Villefranche-sur-Saône",
        "69400",
        "21 rue Nationale",
        "882029382",
        "88202938200018",
        "FR35882029382",
        "chronic",
    ),
    (
        "Traiteur Mercier Événements",
        "Lyon",
        "69003",
        "54 rue Paul Bert",
        "861261162",
        "86126116200015",
        "FR27861261162",
        "chronic",
    ),
    (
        "Nettoyage Industriel Faure",
        "Givors",
        "69700",
        "8 quai Joseph Gillet",
        "393758362",
        "39375836200015",
        "FR77393758362",
        "ceased",
    ),
    (
        "Textiles Blanc SAS",
        "Tarare",
        "69170",
        "1 rue de la Manufacture",
        "623012416",
        "62301241600011",
        "FR35623012416",
        "redressement",
    ),
    (
        "Distribution Rhône-Alpes SA",
        "Lyon",
        "69007",
        "200 avenue Jean Jaurès",
        "421752940",
        "42175294000013",
        "FR47421752940",
        "strategic",
    ),
    (
        "Laboratoires Perrin",
        "Grenoble",
        "38100",
        "3 rue des Martyrs",
        "869780015",
        "86978001500010",
        "FR93869780015",
        "good",
    ),
    (
        "Cave Coopérative du Beaujolais",
        "Belleville-en-Beaujolais",
        "69220",
        "Route de Beaujeu",
        "379336779",
        "37933677900010",
        "FR44379336779",
        "late",
    ),
    (
        "Agence Immobilière Lambert",
        "Annemasse",
        "74100",
        "10 rue du Salève",
        "466164175",
        "46616417500013",
        "FR81466164175",
        "chronic",
    ),
    (
        "Ferronnerie Rousseau",
        "Oyonnax",
        "01100",
        "5 rue Anatole France",
        "599626264",
        "59962626400015",
        "FR30599626264",
        "good",
    ),
]
# Invoices per profile: (days since the invoice date, amount excl. tax, share already paid)
_DEMO_INVOICES = {
    "good": [(10, 1800.0, 0.0), (45, 2400.0, 1.0), (25, 950.0, 0.0)],
    "late": [(50, 3200.0, 0.0), (75, 1250.0, 0.4), (20, 600.0, 0.0)],
    "chronic": [(120, 4100.0, 0.0), (200, 2750.0, 0.5), (95, 1320.0, 0.0), (5, 780.0, 0.0)],
    "ceased": [(300, 5600.0, 0.0), (540, 2100.0, 0.0)],
    "redressement": [(160, 8900.0, 0.2), (90, 3400.0, 0.0)],
    "strategic": [(15, 25000.0, 0.0), (40, 18000.0, 0.0), (70, 12500.0, 0.6), (3, 9000.0, 0.0)],
}


def _slug(name):
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")


class ResCompany(models.Model):
    _inherit = "res.company"

    recouvrement_user_id = fields.Many2one(
        "res.users",
        string="Collection Responsible",
        help="Default user for collection activities (phone reminders, broken payment plans, "
        "credit override approvals).",
    )

    # --- Credit -------------------------------------------------------------------------------
    recouvrement_credit_check = fields.Selection(
        [
            ("none", "No check"),
            ("warning", "Warning only"),
            ("block", "Block"),
            ("override", "Block, a credit manager may approve"),
        ],
        string="Credit Check on Orders",
        default="warning",
        required=True,
        help="What happens when a sales order is confirmed for a customer over its credit "
        "limit or on credit hold.",
    )
    recouvrement_credit_check_invoice = fields.Boolean(
        string="Credit Check on Invoices",
        help="Also check the customer's credit when a customer invoice is posted.",
    )
    recouvrement_credit_insurance = fields.Boolean(
        string="Credit Insurance",
        help="The insured amount of a customer with a valid cover is its effective credit limit, "
        "unless a credit manager allows a higher limit.",
    )
    recouvrement_hold_overdue_days = fields.Integer(
        string="Hold After Days Overdue",
        help="Block customers whose oldest overdue invoice is late by more than this number of "
        "days (0: never).",
    )
    recouvrement_hold_formal_notice = fields.Boolean(
        string="Hold After Formal Notice",
        help="Block customers who were sent a formal notice (mise en demeure) and still owe an "
        "overdue amount.",
    )
    recouvrement_hold_litigation = fields.Boolean(
        string="Hold During Litigation",
        help="Block customers with an invoice in an open litigation case.",
    )
    recouvrement_hold_insolvency = fields.Boolean(
        string="Hold Ceased or Insolvent Customers",
        default=True,
        help="Block customers whose company has ceased or is in collective proceedings.",
    )

    # --- Litigation ---------------------------------------------------------------------------
    recouvrement_bad_debt_account_id = fields.Many2one(
        "account.account",
        string="Bad-debt Account",
        check_company=True,
        domain="[('account_type', 'in', ('expense', 'expense_other'))]",
        help="Default expense account of litigation write-offs (e.g. 654100 Pertes sur créances "
        "irrécouvrables); empty: the first 654 account of the chart.",
    )

    # --- Dunning ------------------------------------------------------------------------------
    dunning_policy_id = fields.Many2one(
        "recouvrement.dunning.policy",
        string="Default Dunning Policy",
        domain="[('company_id', '=', id)]",
        help="Dunning ladder of the customers that have no policy of their own.",
    )

    @api.model
    def _recouvrement_load_demo(self):
        """Turn Odoo's French demo company into ours; create its customers and invoices.

        Called from demo/recouvrement_demo.xml. Dates are relative to today so that the demo
        always shows invoices from not yet due to 18 months overdue.
        """
        company = self.env.ref("base.demo_company_fr", raise_if_not_found=False)
        if not company or not company.chart_template:
            _logger.info("No French demo company with a chart of accounts: no collection demo")
            return
        # The identifiers go to the partner in one write: written one by one through the
        # company's related fields, the new SIRET would not match the old VAT number.
        company.write(
            {
                k: v
                for k, v in _DEMO_COMPANY.items()
                if k in self._fields and k not in ("siret", "vat")
            }
        )
        company.partner_id.write(
            {
                k: v
                for k, v in _DEMO_COMPANY.items()
                if k in company.partner_id._fields and k not in ("name", "rcs")
            }
        )
        admin = self.env.ref("base.user_admin")
        admin.write({"company_ids": [Command.link(company.id)], "company_id": company.id})
        company.recouvrement_user_id = admin
        env = self.with_company(company).env
        lang = "fr_FR" if self.env["res.lang"]._lang_get("fr_FR") else False
        partners = env["res.partner"].create(
            [
                {
                    "name": name,
                    "is_company": True,
                    "city": city,
                    "zip": zip_code,
                    "street": street,
                    "country_id": self.env.ref("base.fr").id,
                    "lang": lang or self.env.lang,
                    "vat": vat,
                    "siret": siret,
                    "email": "comptabilite@%s.example.fr" % _slug(name),
                }
                for name, city, zip_code, street, _siren, siret, vat, _profile in _DEMO_CUSTOMERS
            ]
        )
        for partner, row in zip(partners, _DEMO_CUSTOMERS, strict=True):
            self.env["ir.model.data"]._update_xmlids(
                [
                    {
                        "xml_id": "recouvrement_b2b.demo_partner_%s" % row[4],
                        "record": partner,
                        "noupdate": True,
                    }
                ]
            )
        self._recouvrement_demo_invoices(company, partners)
        self._recouvrement_demo_identity(company, partners)
        self._recouvrement_demo_penalties(company, partners)
        self._recouvrement_demo_plans(company, partners)
        self._recouvrement_demo_litigation(company, partners)
        self._recouvrement_demo_dunning(company, partners)
        self._recouvrement_demo_credit(company, partners)
        return company

    @api.model
    def _recouvrement_demo_invoices(self, company, partners):
        """Post invoices (30-day terms) per customer profile, then register partial payments."""
        env = self.with_company(company).env
        today = fields.Date.context_today(self)
        term = self.env.ref("account.account_payment_term_30days", raise_if_not_found=False)
        tax = env["account.tax"].search(
            [
                ("company_id", "=", company.id),
                ("type_tax_use", "=", "sale"),
                ("amount", "=", 20.0),
            ],
            limit=1,
        )
        vals_list, paid_shares = [], []
        for partner, row in zip(partners, _DEMO_CUSTOMERS, strict=True):
            for days, amount, paid in _DEMO_INVOICES[row[7]]:
                vals_list.append(
                    {
                        "move_type": "out_invoice",
                        "partner_id": partner.id,
                        "company_id": company.id,
                        "invoice_date": today - relativedelta(days=days),
                        "invoice_payment_term_id": term.id if term else False,
                        "invoice_line_ids": [
                            Command.create(
                                {
                                    "name": "Prestations et fournitures",
                                    "quantity": 1,
                                    "price_unit": amount,
                                    "tax_ids": [Command.set(tax.ids)],
                                }
                            )
                        ],
                    }
                )
                paid_shares.append((days, paid))
        moves = env["account.move"].create(vals_list)
        moves.action_post()
        journal = env["account.journal"].search(
            [("company_id", "=", company.id), ("type", "=", "bank")], limit=1
        )
        for move, (days, paid) in zip(moves, paid_shares, strict=True):
            if not paid:
                continue
            pay_date = min(today, move.invoice_date_due + relativedelta(days=days // 3))
            env["account.payment.register"].with_context(
                active_model="account.move", active_ids=move.ids
            ).create(
                {
                    "amount": company.currency_id.round(move.amount_total * paid),
                    "payment_date": pay_date,
                    "journal_id": journal.id,
                    "payment_difference_handling": "open",
                }
            )._create_payments()

    # --- Identity -----------------------------------------------------------------------------

    @api.model
    def _recouvrement_demo_identity(self, company, partners):
        """SIREN and RCS mention on every demo customer; a ceased company, one in proceedings.

        The greffe of the RCS mention is the one of the customer's department (demo data).
        """
        today = fields.Date.context_today(self)
        greffes = {
            "01": "Bourg-en-Bresse",
            "26": "Romans-sur-Isère",
            "38": "Grenoble",
            "42": "Saint-Étienne",
            "69": "Lyon",
            "71": "Mâcon",
            "73": "Chambéry",
            "74": "Annecy",
        }
        for partner, row in zip(partners, _DEMO_CUSTOMERS, strict=True):
            name, _city, zip_code, _street, siren, _siret, _vat, profile = row
            vals = {
                "siren": siren,
                "rcs": "RCS %s B %s" % (greffes.get(zip_code[:2], "Lyon"), siren),
                "company_status": "active",
                "company_status_date": today - relativedelta(days=3),
            }
            if profile == "ceased":
                vals.update(
                    company_status="ceased",
                    company_closed_on=today - relativedelta(months=2, day=1),
                )
            elif profile == "redressement":
                vals.update(
                    collective_proceedings="redressement",
                    proceedings_date=today - relativedelta(days=45),
                )
            partner.write(vals)
        company.partner_id.write({"rcs": _DEMO_COMPANY["rcs"], "company_status": "active"})
        return partners

    # --- Penalties ----------------------------------------------------------------------------
    penalty_rate_mode = fields.Selection(
        [
            ("legal_default", "Legal default (ECB rate + 10 points)"),
            ("contract", "Contract rate"),
        ],
        string="Penalty Rate",
        default="legal_default",
        required=True,
        help="Legal default: ECB main refinancing rate in force on 1 January (first half-year) "
        "or 1 July (second half-year) plus 10 points (art. L441-10 II Code de commerce). "
        "Contract rate: the rate of your terms of sale, never below 3 times the legal interest "
        "rate of the half-year.",
    )
    penalty_contract_rate = fields.Float(
        string="Contract Penalty Rate (%)",
        digits=(16, 2),
        help="Annual rate of your terms of sale; a customer may have its own. Below the floor "
        "(3 x the legal interest rate), the floor applies.",
    )
    penalty_convention = fields.Selection(
        [
            ("half_year", "Rate of each half-year"),
            ("fixed", "Rate of the first half-year late"),
        ],
        string="Penalty Rate over a Long Delay",
        default="half_year",
        required=True,
        help="Each day of delay takes the rate of its half-year, or the whole delay takes the "
        "rate of the half-year of the first day late.",
    )
    penalty_indemnity_amount = fields.Float(
        string="Recovery Indemnity (EUR)",
        digits=(16, 2),
        default=40.0,
        help="Fixed indemnity for recovery costs per invoice paid late (art. D441-5 Code de "
        "commerce: 40 EUR), converted at the due date for invoices in another currency.",
    )
    penalty_product_id = fields.Many2one(
        "product.product",
        help="Product of the late-payment penalty lines (no tax: outside the scope of VAT).",
    )
    penalty_indemnity_product_id = fields.Many2one(
        "product.product",
        string="Indemnity Product",
        help="Product of the recovery indemnity lines (no tax: outside the scope of VAT).",
    )
    penalty_account_id = fields.Many2one(
        "account.account",
        string="Penalty Income Account",
        check_company=True,
        help="Empty: 7638 (Revenus des créances diverses) of the French chart.",
    )
    penalty_indemnity_account_id = fields.Many2one(
        "account.account",
        string="Indemnity Income Account",
        check_company=True,
        help="Empty: 7588 / 758 (Produits divers de gestion courante) of the French chart: the "
        "indemnity compensates recovery costs, it pays for no service (hence no VAT and not "
        "7088, income from ancillary activities).",
    )
    penalty_mention = fields.Text(
        string="Late-Payment Mention",
        translate=True,
        help="Text printed on customer invoices (art. L441-9 Code de commerce). Empty: the "
        "default text. Placeholders: {due_date}, {rate}, {indemnity}.",
    )

    @api.model
    def _recouvrement_demo_penalties(self, company, partners):
        """A draft penalty invoice for the late invoices of the first chronic late payer."""
        chronic = partners.filtered(
            lambda p: _DEMO_CUSTOMERS[partners.ids.index(p.id)][7] == "chronic"
        )[:1]
        env = self.with_company(company).env
        late = env["account.move"].search(
            [
                ("partner_id", "in", chronic.ids),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("invoice_date_due", "<", fields.Date.context_today(self)),
            ]
        )
        if not late:
            return
        try:
            with self.env.cr.savepoint():
                late._create_penalty_invoices()
        except UserError as error:
            # E.g. the reference rate of the current half-year is not in the data yet.
            _logger.info("No demo penalty invoice: %s", error)

    # --- Credit -------------------------------------------------------------------------------

    @api.constrains("recouvrement_hold_overdue_days")
    def _check_recouvrement_hold_overdue_days(self):
        for company in self:
            if company.recouvrement_hold_overdue_days < 0:
                raise ValidationError(
                    self.env._(
                        "The number of days overdue before a credit hold of %(company)s cannot "
                        "be negative.",
                        company=company.name,
                    )
                )

    # --- Payment plans ---

    @api.model
    def _recouvrement_demo_plans(self, company, partners):
        """One active plan (Garage Moreau) and one broken plan (Restaurant Le Bouchon)."""
        env = self.with_company(company).env
        today = fields.Date.context_today(self)
        late = [p for p, row in zip(partners, _DEMO_CUSTOMERS, strict=True) if row[7] == "late"]
        if len(late) < 2:
            return env["recouvrement.payment.plan"]
        overdue = env["account.move"].search(
            [
                ("partner_id", "in", [late[0].id, late[1].id]),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("payment_state", "in", ("not_paid", "partial")),
                ("invoice_date_due", "<", today),
            ]
        )
        plans = env["recouvrement.payment.plan"].create(
            [
                {
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "currency_id": company.currency_id.id,
                    "move_ids": [
                        Command.set(overdue.filtered(lambda m, p=partner: m.partner_id == p).ids)
                    ],
                    "instalment_count": count,
                    "frequency": "monthly",
                    "first_date": today,
                    "down_payment": down_payment,
                    "tolerance_days": 15,
                    "user_id": company.recouvrement_user_id.id,
                }
                for partner, count, down_payment in ((late[0], 4, 500.0), (late[1], 3, 0.0))
            ]
        )
        active, broken = plans
        active.first_date = today + relativedelta(days=10)
        plans.action_compute_schedule()
        # The broken plan started two months ago: move its schedule back (monthly dates kept).
        broken.first_date = today - relativedelta(months=2)
        for line in broken.line_ids:
            line.date_due -= relativedelta(months=2)
        active.signature_date = today - relativedelta(days=2)
        broken.signature_date = today + relativedelta(days=-65)
        plans.action_activate()
        broken._check_progress()
        return plans

    # --- Litigation ---------------------------------------------------------------------------

    @api.model
    def _recouvrement_demo_litigation(self, company, partners):
        """Two cases: a quality dispute in negotiation, a legal recovery with its order issued."""
        env = self.with_company(company).env
        today = fields.Date.context_today(self)
        profiles = {row[7]: partner for partner, row in zip(partners, _DEMO_CUSTOMERS, strict=True)}
        moves = env["account.move"].search(
            [
                ("company_id", "=", company.id),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("payment_state", "in", ("not_paid", "partial")),
                ("partner_id", "in", [profiles["chronic"].id, profiles["ceased"].id]),
            ],
            order="invoice_date",
        )
        negotiation = env.ref("recouvrement_b2b.litigation_stage_negotiation")
        order_issued = env.ref("recouvrement_b2b.litigation_stage_order_issued")
        dispute_move = moves.filtered(lambda m: m.partner_id == profiles["chronic"])[:1]
        recovery_moves = moves.filtered(
            lambda m: m.partner_id == profiles["ceased"] and m.invoice_date_due < today
        )
        Litigation = env["recouvrement.litigation"]
        if dispute_move:
            Litigation.create(
                {
                    "partner_id": profiles["chronic"].id,
                    "company_id": company.id,
                    "move_ids": [Command.set(dispute_move.ids)],
                    "litigation_type": "dispute",
                    "dispute_reason": "quality",
                    "disputed_amount": company.currency_id.round(dispute_move.amount_residual / 2),
                    "suspend_penalties": True,
                    "reason": "Le client conteste la qualité des massifs plantés en mars : la "
                    "moitié des végétaux n'a pas repris. Visite contradictoire proposée.",
                    "stage_id": negotiation.id,
                }
            )
        if recovery_moves:
            case = Litigation.create(
                {
                    "partner_id": profiles["ceased"].id,
                    "company_id": company.id,
                    "move_ids": [Command.set(recovery_moves.ids)],
                    "litigation_type": "recovery",
                    "credit_hold": True,
                    "proof_checked": True,
                    "reason": "Factures impayées malgré relances et mise en demeure ; bons de "
                    "livraison signés.",
                    "formal_notice_date": today - relativedelta(days=45),
                    "court": "Tribunal de commerce de Lyon",
                }
            )
            case.write(
                {
                    "filing_date": today - relativedelta(days=20),
                    "stage_id": env.ref("recouvrement_b2b.litigation_stage_filed").id,
                }
            )
            case.write(
                {
                    "order_date": today - relativedelta(days=5),
                    "stage_id": order_issued.id,
                }
            )

    # --- Dunning ------------------------------------------------------------------------------

    @api.model
    def _recouvrement_demo_dunning(self, company, partners):
        """Give the demo company the default ladder and replay the dunning cron over the last
        two months, so that the demo shows reminders at several levels with their history.

        Letters are rendered as HTML (no HTTP server for wkhtmltopdf during the install).
        """
        template = self.env.ref(
            "recouvrement_b2b.dunning_policy_standard", raise_if_not_found=False
        )
        if not template:
            return
        # The module's translations are loaded at the end of its install, after the demo:
        # load them now so that the copied ladder gets its French names.
        langs = [code for code, _name in self.env["res.lang"].get_installed() if code != "en_US"]
        if langs:
            self.env["ir.module.module"]._load_module_terms(["recouvrement_b2b"], langs)
        policy = template._copy_to_company(company)
        company.dunning_policy_id = policy
        today = fields.Date.context_today(self)
        dunning = (
            self.env["recouvrement.dunning"]
            .with_company(company)
            .with_context(dunning_letter_html=True)
        )
        for days_ago in (60, 45, 30, 15, 5, 1, 0):
            date = today - relativedelta(days=days_ago)
            plan = dunning._get_plan(date, companies=company, partners=partners)
            dunning._send_reminders(plan, date)

    @api.model
    def _recouvrement_demo_credit(self, company, partners):
        """Demo credit settings: limits per profile, an insured strategic customer, a manual
        hold on a chronic late payer and the payment scores."""
        company.write(
            {
                "account_use_credit_limit": True,
                "recouvrement_credit_check": "override",
                "recouvrement_credit_insurance": True,
                "recouvrement_hold_overdue_days": 90,
            }
        )
        limits = {
            "good": 15000.0,
            "late": 8000.0,
            "chronic": 6000.0,
            "ceased": 1000.0,
            "redressement": 5000.0,
            "strategic": 150000.0,
        }
        env = self.with_company(company).env
        profiles = {p.id: row[7] for p, row in zip(partners, _DEMO_CUSTOMERS, strict=True)}
        by_limit = {}
        for partner in partners:
            by_limit.setdefault(limits[profiles[partner.id]], []).append(partner.id)
        for limit, partner_ids in by_limit.items():
            env["res.partner"].browse(partner_ids).write({"credit_limit": limit})
        today = fields.Date.context_today(self)
        insurer = env["res.partner"].create(
            {"name": "Assurcrédit France (démo)", "is_company": True, "city": "Paris"}
        )
        strategic = partners.filtered(lambda p: profiles[p.id] == "strategic")
        strategic.with_company(company).write(
            {
                "credit_insurer_id": insurer.id,
                "credit_insured_amount": 100000.0,
                "credit_cover_start": today - relativedelta(months=6),
                "credit_cover_end": today + relativedelta(months=6),
                "credit_limit_above_insured": True,
            }
        )
        chronic = partners.filtered(lambda p: profiles[p.id] == "chronic")
        chronic[:1].with_company(company)._set_credit_hold("Chèques impayés à deux reprises")
        self.env["recouvrement.credit"]._update_scores(partners, company)
