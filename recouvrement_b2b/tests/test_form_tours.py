from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import RecouvrementCommon


@tagged("post_install", "-at_install")
class TestFormTours(RecouvrementCommon, HttpCase):
    """Forms used in Chromium by a French credit controller (issue 16, item 4's forms checked
    in the browser, not only through Form tests). A tour fails on any client error."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env["ir.module.module"]._load_module_terms(["recouvrement_b2b"], ["fr_FR"])
        cls.controller.lang = "fr_FR"
        cls.customer.write({"name": "Promesse Garnier SARL", "lang": "fr_FR"})
        cls.today = fields.Date.context_today(cls.env.user)
        # what the customer owes the company: a promise on the account is capped at it
        cls._invoice(
            cls.customer, 1200.0, cls.today - timedelta(days=40), cls.today - timedelta(days=10)
        )

    # werkzeug: Chromium preconnects a socket while the customer is typed in the many2one and
    # never uses it; the test server closes it after 5 s and logs "Request timed out" (see
    # odoo.service.server.RequestHandler). Server errors are logged by odoo.http, not muted.
    @mute_logger("werkzeug")
    def test_tour_promise_form(self):
        """A promise typed in the form, its date in the French format: 900 € in 7 days."""
        self.start_tour(
            "/odoo/action-recouvrement_b2b.recouvrement_promise_action",
            "recouvrement_promise_form",
            login=self.controller.login,
        )
        promise = self.env["recouvrement.promise"].search([("partner_id", "=", self.customer.id)])
        self.assertRecordValues(
            promise,
            [
                {
                    "amount": 900.0,
                    "date": self.today + timedelta(days=7),
                    "channel": "phone",
                    "state": "running",
                    "company_id": self.company.id,
                    "user_id": self.controller.id,
                }
            ],
        )
