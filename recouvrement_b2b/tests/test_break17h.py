from datetime import date

from odoo.tests import tagged

from .common import DunningRunCommon


@tagged("post_install", "-at_install")
class TestBreak17hDebtors(DunningRunCommon):
    """Issue 17 #8 and #9 with other inputs than the issue's and the tests': who is a consumer,
    read by penalties (L441-10), the indemnity (D441-5) and prescription (L110-4 / L218-2)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._legal_penalties()

    def test_a_company_registration_number_makes_a_professional(self):
        # 2 000 due 2026-01-15, on 2026-03-16: 60 days at 12.15 % (ECB 2.15 % on 2026-01-01
        # + 10): 2 000 x 12.15 x 60 / 36500 = 1 458 000 / 36500 = 39.945 -> 39.95, and the
        # 40 EUR indemnity; prescription 5 years: 2031-01-15. A consumer: nothing without a
        # formal notice, 2 years: 2028-01-15.
        # A sole trader is created as an individual, whose form shows Odoo's "Company ID"
        # (company_registry) but not the SIREN: Luc Bernard types his SIRET there, a British
        # trader his company number. Both registered a trade: professionals (the old value
        # treated them as consumers: 0.00, 0.00, 2028-01-15).
        Partner = self.env["res.partner"]
        uk = self.env.ref("base.uk")
        debtors = {
            "siret_in_company_id": Partner.create(
                {"name": "Luc Bernard", "is_company": False, "company_registry": "73282932000074"}
            ),
            "uk_company_number": Partner.create(
                {
                    "name": "Smith Joinery",
                    "is_company": False,
                    "country_id": uk.id,
                    "company_registry": "09876543",
                }
            ),
            # seen right: an EI with its SIREN, a Swiss company with its non-EU VAT number,
            # a company with a SIRET only (the SIREN is read from it)
            "ei_with_siren": Partner.create(
                {"name": "Marc Petit EI", "is_company": False, "siren": "732829320"}
            ),
            "swiss_company": Partner.create(
                {
                    "name": "Uhren AG",
                    "is_company": True,
                    "country_id": self.env.ref("base.ch").id,
                    "vat": "CHE-116.281.710 MWST",
                }
            ),
            "siret_only": Partner.create(
                {"name": "Scierie Siret", "is_company": True, "siret": "73282932000074"}
            ),
            # seen right: consumers, natural persons with no number at all, even with a
            # company name typed or living in Belgium
            "company_name_only": Partner.create(
                {"name": "Julie Roux", "is_company": False, "company_name": "Roux SARL"}
            ),
            "belgian_consumer": Partner.create(
                {
                    "name": "Jan Peeters",
                    "is_company": False,
                    "country_id": self.env.ref("base.be").id,
                }
            ),
        }
        moves = {
            key: self._invoice(partner, 2000.0, "2025-12-16", "2026-01-15")
            for key, partner in debtors.items()
        }
        all_moves = self.env["account.move"].union(*moves.values())
        figures = all_moves.with_user(self.controller)._get_penalty_figures(date(2026, 3, 16))
        got = {
            key: (
                figures[move.id]["penalty"],
                figures[move.id]["indemnity"],
                move.prescription_date,
            )
            for key, move in moves.items()
        }
        professional = (39.95, 40.0, date(2031, 1, 15))
        consumer = (0.0, 0.0, date(2028, 1, 15))
        self.assertEqual(
            got,
            {
                "siret_in_company_id": professional,
                "uk_company_number": professional,
                "ei_with_siren": professional,
                "swiss_company": professional,
                "siret_only": professional,
                "company_name_only": consumer,
                "belgian_consumer": consumer,
            },
        )
        # the number typed later (a customer first taken for a consumer): the prescription
        # stored on its invoice moves to 5 years
        debtors["belgian_consumer"].company_registry = "0403170701"
        self.assertEqual(moves["belgian_consumer"].prescription_date, date(2031, 1, 15))
