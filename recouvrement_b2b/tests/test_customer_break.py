from datetime import timedelta

from odoo import fields, http
from odoo.tests import HttpCase, new_test_user, tagged

from .common import RecouvrementCommon


@tagged("post_install", "-at_install")
class TestCollectionPortalBreak(RecouvrementCommon, HttpCase):
    """Issue 14 as its customers use it (break test): the collection page while a reference
    rate is not entered yet, and in the customer's language."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.service = cls.env["recouvrement.customer"]
        cls.today = fields.Date.context_today(cls.env.user)
        cls.company.recouvrement_user_id = cls.manager

    def _url(self, partner):
        token = self.service._get_collection_token(partner)
        return f"/my/collection/{partner.id}?access_token={token}"

    def test_page_opens_while_a_reference_rate_is_missing(self):
        """In the first days of a half-year its ECB rate is not entered yet (it is published
        then): the customer's page still opens (200, not an error page addressed to credit
        managers), its invoices and totals shown, the penalties said unknown, and the
        promise form still records; the portal home counts the invoices."""
        late = self._invoice(
            self.customer, 1000.0, self.today - timedelta(days=90), self.today - timedelta(days=60)
        )
        soon = self._invoice(self.customer, 250.0, self.today, self.today + timedelta(days=20))
        half_year = f"{self.today.year}-S{1 if self.today.month <= 6 else 2}"
        self.env.cr.execute(
            "DELETE FROM recouvrement_penalty_rate WHERE half_year = %s", [half_year]
        )
        self.env.invalidate_all()
        values = self.service._get_portal_values(self.customer)
        by_move = {line["move"]: line for line in values["lines"]}
        self.assertIsNone(by_move[late]["penalty"])
        self.assertEqual((by_move[soon]["penalty"], by_move[soon]["indemnity"]), (0.0, 0.0))
        self.assertEqual(values["totals"][0]["due"], 1250.0)
        self.assertTrue(values["companies"][0]["penalty_unknown"])
        response = self.url_open(self._url(self.customer))
        self.assertEqual(response.status_code, 200)
        page = response.text
        self.assertIn(late.name, page)
        self.assertIn("1,250.00", page)
        self.assertIn("o_collection_penalty_note", page)
        self.assertNotIn("is missing", page)
        # the promise form still records
        self.authenticate(None, None)
        response = self.url_open(
            "/my/collection/promise",
            data={
                "partner_id": self.customer.id,
                "access_token": self.service._get_collection_token(self.customer),
                "csrf_token": http.Request.csrf_token(self),
                "date": str(self.today + timedelta(days=7)),
                "amount": "500",
            },
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 303)
        self.assertTrue(response.headers["Location"].endswith("message=promise"))
        promise = self.env["recouvrement.promise"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual(promise.amount, 500.0)
        # the portal user's home counts the open invoices
        user = new_test_user(self.env, login="garnier_rate", groups="base.group_portal")
        user.partner_id.parent_id = self.customer
        self.authenticate("garnier_rate", "garnier_rate")
        counters = self.make_jsonrpc_request("/my/counters", {"counters": ["collection_count"]})
        self.assertEqual(counters["collection_count"], 2)
        self.assertEqual(self.url_open("/my/collection").status_code, 200)

    def test_link_of_a_french_customer_opens_the_page_in_french(self):
        """The customer follows the link of its reminder with no language cookie: the page
        (and the invoice's "Pay now" page) opens in the customer's language, French for a
        French customer, whatever the database's default language; an English customer's
        link has no prefix."""
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["recouvrement_b2b"], ["fr_FR"])
        self.customer.lang = "fr_FR"
        move = self._invoice(
            self.customer, 1000.0, self.today - timedelta(days=90), self.today - timedelta(days=60)
        )
        english = self.env["res.partner"].create(
            {"name": "Smith Ltd", "is_company": True, "lang": "en_US"}
        )
        url = self.service._get_collection_url(self.customer)
        token = self.service._get_collection_token(self.customer)
        base = self.customer.get_base_url()
        self.assertEqual(url, f"{base}/fr/my/collection/{self.customer.id}?access_token={token}")
        self.assertNotIn("/fr/", self.service._get_collection_url(english))
        self.opener.cookies.clear()
        response = self.url_open(url.removeprefix(base))
        self.assertEqual(response.status_code, 200)
        self.assertIn("Promettre un paiement", response.text)
        self.assertIn("Signaler un problème", response.text)
        self.assertNotIn("Promise a payment", response.text)
        self.assertIn(move.name, response.text)
        # the "Pay now" link of the reminder: the invoice's page in French too
        event = self.env["recouvrement.dunning.event"].create(
            {
                "partner_id": self.customer.id,
                "company_id": self.company.id,
                "level_id": self._standard_ladder().level_ids[1].id,
                "date": self.today,
                "move_ids": move.ids,
            }
        )
        (line,) = event._get_pay_lines()
        self.assertEqual(
            line["url"], f"{base}/fr/my/invoices/{move.id}?access_token={move.access_token}"
        )
        self.assertIn("/fr/my/collection/", event._get_collection_url())
