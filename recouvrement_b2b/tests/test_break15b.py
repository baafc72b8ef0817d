"""Second break test of issue 15 (collective proceedings, agency, factoring, bad-debt VAT): the
defects found by a fresh tester, each with the value that was wrong."""

from datetime import date

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import RecouvrementCommon


@tagged("post_install", "-at_install")
class TestDisputedAmountNamed(RecouvrementCommon):
    """A negative disputed amount typed on a case is refused with a translated message naming
    the case and the field, never by the raw SQL constraint; zero (nothing contested, the claim
    is liquide) is kept."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.move = cls._invoice(cls.customer, 2000, date(2024, 2, 14), date(2024, 3, 15))
        cls.case = cls.env["recouvrement.litigation"].create(
            {
                "partner_id": cls.customer.id,
                "litigation_type": "dispute",
                "move_ids": [Command.set(cls.move.ids)],
                "disputed_amount": 500.0,
            }
        )

    def test_negative_disputed_amount(self):
        for value, shown in ((-5.0, "-5.00"), (-0.01, "-0.01"), (-2500.0, "-2,500.00")):
            with self.assertRaises(ValidationError) as caught:
                self.case.with_user(self.controller).write({"disputed_amount": value})
            message = str(caught.exception)
            self.assertIn(self.case.name, message)
            self.assertIn("Disputed Amount", message)
            self.assertIn(shown, message)

    def test_negative_amounts_at_creation(self):
        """Created with a negative amount (an import, a form saved at once): the same named
        refusal, before the database's CHECK."""
        for fname, label in (
            ("disputed_amount", "Disputed Amount"),
            ("cost_amount", "Costs Incurred"),
            ("recovered_amount", "Amount Recovered"),
        ):
            with self.assertRaises(ValidationError) as caught:
                self.env["recouvrement.litigation"].with_user(self.controller).create(
                    {
                        "name": "LIT/TEST/0001",
                        "partner_id": self.customer.id,
                        "litigation_type": "dispute",
                        "move_ids": [Command.set(self.move.ids)],
                        fname: -100.0,
                    }
                )
            message = str(caught.exception)
            self.assertIn("LIT/TEST/0001", message)
            self.assertIn(label, message)
            self.assertIn("-100.00", message)
        mandataire = self.env["res.partner"].create({"name": "SELARL Mandataires du Rhône"})
        self.customer.write(
            {"collective_proceedings": "redressement", "proceedings_date": date(2024, 4, 14)}
        )
        with self.assertRaises(ValidationError) as caught:
            self.env["recouvrement.claim.declaration"].create(
                {
                    "name": "DC/TEST/0001",
                    "partner_id": self.customer.id,
                    "mandataire_id": mandataire.id,
                    "admitted_amount": -3.0,
                }
            )
        message = str(caught.exception)
        self.assertIn("DC/TEST/0001", message)
        self.assertIn("Admitted Amount", message)
        self.assertIn("-3.00", message)

    def test_zero_disputed_amount_kept(self):
        self.case.with_user(self.controller).write({"disputed_amount": 0.0})
        self.assertEqual(self.case.disputed_amount, 0.0)
        self.assertTrue(self.case.claim_liquid)
