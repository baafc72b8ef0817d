from odoo.tests import HttpCase, new_test_user, tagged

from .common import RecouvrementCommon


@tagged("post_install", "-at_install")
class TestCollectionPortal(RecouvrementCommon, HttpCase):
    """The customer's collection page: by signed link or as portal user, never another
    customer's data."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other = cls.env["res.partner"].create(
            {"name": "Scierie Blanc", "is_company": True, "email": "compta@blanc.example.fr"}
        )
        cls.first = cls._invoice(cls.customer, 1200.0, "2026-02-01", "2026-03-01")
        cls.second = cls._invoice(cls.customer, 300.0, "2026-02-05", "2026-03-05")
        cls.others = cls._invoice(cls.other, 777.0, "2026-02-01", "2026-03-01")
        cls.portal_user = new_test_user(
            cls.env, login="garnier_portal", groups="base.group_portal", name="Léa Garnier"
        )
        cls.portal_user.partner_id.parent_id = cls.customer
        cls.service = cls.env["recouvrement.customer"]

    def _url(self, partner, token=None):
        token = token or self.service._get_collection_token(partner)
        return f"/my/collection/{partner.id}?access_token={token}"

    def test_signed_link_shows_open_items_and_statement(self):
        response = self.url_open(self._url(self.customer))
        self.assertEqual(response.status_code, 200)
        page = response.text
        self.assertEqual(page.count('class="o_collection_line"'), 2)
        self.assertEqual(page.count('class="o_collection_statement_line"'), 2)
        for move in self.first | self.second:
            self.assertIn(move.name, page)
            self.assertIn(f"/my/invoices/{move.id}?access_token={move.access_token}", page)
        self.assertIn("1,500.00", page)
        self.assertNotIn(self.others.name, page)
        self.assertNotIn("777.00", page)

    def test_tampered_or_foreign_token_is_denied(self):
        token = self.service._get_collection_token(self.customer)
        tampered = token[:-1] + ("0" if token[-1] != "0" else "1")
        contact = self.portal_user.partner_id
        for url in (
            self._url(self.customer, tampered),  # tampered signature
            self._url(self.other, token),  # another customer with this customer's token
            self._url(contact, token),  # a contact of the customer: only its entity's link
            f"/my/collection/{self.customer.id}?access_token=",  # empty
            f"/my/collection/999999?access_token={token}",  # no such customer
        ):
            response = self.url_open(url)
            self.assertEqual(response.status_code, 403, url)
            self.assertNotIn(self.first.name, response.text)
            self.assertNotIn(self.others.name, response.text)
        # nobody logged in and no token: the login page
        response = self.url_open("/my/collection", allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        self.assertIn("/web/login", response.headers["Location"])

    def test_portal_user_sees_its_own_entity_only(self):
        self.authenticate("garnier_portal", "garnier_portal")
        response = self.url_open("/my/collection")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.first.name, response.text)
        self.assertNotIn(self.others.name, response.text)
        response = self.url_open(f"/my/collection/{self.other.id}")
        self.assertEqual(response.status_code, 403)
        self.assertNotIn(self.others.name, response.text)
        # another customer's signed link does not open for a logged-in user either when
        # tampered
        token = self.service._get_collection_token(self.other)
        response = self.url_open(self._url(self.other, token[::-1]))
        self.assertEqual(response.status_code, 403)
        # the portal home counts the open invoices
        counters = self.make_jsonrpc_request("/my/counters", {"counters": ["collection_count"]})
        self.assertEqual(counters["collection_count"], 2)
