import logging
import re
import unicodedata

from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models

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
