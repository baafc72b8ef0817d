import re
from datetime import timedelta

from odoo import Command, fields, http
from odoo.exceptions import ValidationError
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


@tagged("post_install", "-at_install")
class TestCollectionPortalRequests(RecouvrementCommon, HttpCase):
    """Promise a payment and report a problem from the collection page (issue 14 #2, #5)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._standard_ladder()
        cls.company.recouvrement_user_id = cls.manager
        cls.other = cls.env["res.partner"].create({"name": "Scierie Blanc", "is_company": True})
        today = fields.Date.context_today(cls.env.user)
        cls.first = cls._invoice(
            cls.customer, 1200.0, today - timedelta(days=60), today - timedelta(days=30)
        )
        cls.second = cls._invoice(
            cls.customer, 300.0, today - timedelta(days=40), today - timedelta(days=10)
        )
        cls.others = cls._invoice(
            cls.other, 777.0, today - timedelta(days=60), today - timedelta(days=30)
        )
        cls.today = today

    def _url(self, partner):
        token = self.env["recouvrement.customer"]._get_collection_token(partner)
        return f"/my/collection/{partner.id}?access_token={token}"

    def _post(self, kind, partner, **values):
        """Post the ``kind`` form (promise, dispute) of ``partner``'s signed page: the
        message the page then shows (from the redirect)."""
        token = self.env["recouvrement.customer"]._get_collection_token(partner)
        self.authenticate(None, None)  # a visitor's session, for its CSRF token
        data = {
            "partner_id": partner.id,
            "access_token": token,
            "csrf_token": http.Request.csrf_token(self),
            **values,
        }
        files = values.pop("files", None)
        data.pop("files", None)
        response = self.url_open(
            f"/my/collection/{kind}", data=data, files=files, allow_redirects=False
        )
        self.assertEqual(response.status_code, 303)
        return response.headers["Location"].rsplit("message=", 1)[-1]

    def test_tour_promise_and_dispute_from_the_reminder_link(self):
        """A customer opens the link of its reminder, promises a payment and reports a
        problem (Chromium): the records exist, reminders pause, the collector has
        activities."""
        plan = self.env["recouvrement.dunning"]._get_plan(
            self.today, companies=self.company, partners=self.customer
        )
        self.assertEqual(len(plan), 1)  # due for a reminder before the customer answers
        self.start_tour(self._url(self.customer), "recouvrement_collection_portal")
        promise = self.env["recouvrement.promise"].search([("partner_id", "=", self.customer.id)])
        self.assertRecordValues(
            promise,
            [
                {
                    "amount": 500.0,
                    "date": self.today + timedelta(days=7),
                    "channel": "portal",
                    "state": "running",
                }
            ],
        )
        dispute = self.env["recouvrement.dispute"].search([("partner_id", "=", self.customer.id)])
        self.assertRecordValues(
            dispute,
            [{"move_id": self.first.id, "reason": "delivery", "amount": 120.0}],
        )
        self.assertIn("palettes manquantes", dispute.description)
        # the collector has an activity on each
        self.assertEqual(promise.activity_ids.user_id, self.manager)
        self.assertIn(self.manager, dispute.activity_ids.user_id)
        # reminders pause: nothing is claimed from this customer today
        plan = self.env["recouvrement.dunning"]._get_plan(
            self.today, companies=self.company, partners=self.customer
        )
        self.assertFalse(plan)

    def test_bad_requests_create_nothing(self):
        yesterday = str(self.today - timedelta(days=1))
        tomorrow = str(self.today + timedelta(days=1))
        for values in (
            {"date": "demain", "amount": "100"},
            {"date": yesterday, "amount": "100"},
            {"date": tomorrow, "amount": "abc"},
            {"date": tomorrow, "amount": "-5"},
            {"date": tomorrow, "amount": "nan"},
            {"date": tomorrow, "amount": "inf"},
        ):
            self.assertEqual(self._post("promise", self.customer, **values), "error", values)
        for values in (
            {"invoice_id": self.others.id, "reason": "price"},  # another customer's invoice
            {"invoice_id": "x", "reason": "price"},
            {"invoice_id": self.first.id, "reason": "price", "amount": "-1"},
            {"invoice_id": self.first.id, "reason": "price", "amount": "99999"},  # > due
        ):
            self.assertEqual(self._post("dispute", self.customer, **values), "error", values)
        self.assertFalse(
            self.env["recouvrement.promise"].search([("partner_id", "=", self.customer.id)])
        )
        self.assertFalse(
            self.env["recouvrement.dispute"].search(
                [("partner_id", "in", (self.customer | self.other).ids)]
            )
        )

    def test_dispute_with_attachment(self):
        message = self._post(
            "dispute",
            self.customer,
            invoice_id=self.second.id,
            reason="quality",
            comment="Lames fendues",
            files={"attachment": ("photo.jpg", b"\xff\xd8\xff jpeg", "image/jpeg")},
        )
        self.assertEqual(message, "dispute")
        dispute = self.env["recouvrement.dispute"].search([("move_id", "=", self.second.id)])
        self.assertRecordValues(dispute, [{"reason": "quality", "amount": 300.0}])
        attachment = self.env["ir.attachment"].search(
            [("res_model", "=", dispute._name), ("res_id", "=", dispute.id)]
        )
        self.assertEqual(attachment.name, "photo.jpg")
        self.assertEqual(attachment.raw, b"\xff\xd8\xff jpeg")

    def test_forged_request_for_another_customer_is_denied(self):
        token = self.env["recouvrement.customer"]._get_collection_token(self.customer)
        self.authenticate(None, None)
        response = self.url_open(
            "/my/collection/promise",
            data={
                "partner_id": self.other.id,
                "access_token": token,
                "csrf_token": http.Request.csrf_token(self),
                "date": str(self.today + timedelta(days=3)),
                "amount": "100",
            },
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 403)
        self.assertFalse(
            self.env["recouvrement.promise"].search([("partner_id", "=", self.other.id)])
        )

    def _closed(self, url, data=None):
        """The page ``url`` shows (posting ``data``): it must say the link is no longer valid."""
        response = self.url_open(url, data=data, allow_redirects=False)
        self.assertEqual(response.status_code, 404, url)
        self.assertIn("This link is no longer valid", response.text)
        self.assertIn(self.company.name, response.text)
        self.assertNotIn(self.first.name, response.text)
        self.assertNotIn('class="o_collection_line"', response.text)
        return response

    def _promise_data(self, partner, token=None):
        self.authenticate(None, None)
        return {
            "partner_id": partner.id,
            "access_token": token
            or self.env["recouvrement.customer"]._get_collection_token(partner),
            "csrf_token": http.Request.csrf_token(self),
            "date": str(self.today + timedelta(days=3)),
            "amount": "100",
        }

    def test_link_of_an_archived_customer_is_no_longer_valid(self):
        """The signed link of a customer archived since the reminder opens a page saying it is
        no longer valid and whom to contact: nothing can be promised or disputed through it;
        the invoice's own portal link (Odoo's "Pay now") still works."""
        url = self._url(self.customer)
        self.customer.action_archive()
        self._closed(url)
        self._closed("/my/collection/promise", data=self._promise_data(self.customer))
        data = self._promise_data(self.customer)
        data.update(invoice_id=self.first.id, reason="price")
        self._closed("/my/collection/dispute", data=data)
        self.assertFalse(
            self.env["recouvrement.promise"].search([("partner_id", "=", self.customer.id)])
        )
        self.assertFalse(self.env["recouvrement.dispute"].search([("move_id", "=", self.first.id)]))
        response = self.url_open(self.first.get_portal_url())
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.first.name, response.text)
        # restored: the same link works again
        self.customer.action_unarchive()
        self.assertEqual(self.url_open(url).status_code, 200)

    def test_link_after_portal_access_revoked_or_merge_or_payment(self):
        """Portal access revoked (Portal Access wizard): the link is closed; a customer merged
        into another: its old link is closed and never opens the other's page; all invoices
        paid: the page says nothing is due and takes no promise; a tampered token: 403."""
        contact = self.env["res.partner"].create(
            {"name": "Léa Garnier", "parent_id": self.customer.id, "email": "lea@garnier.fr"}
        )
        wizard = self.env["portal.wizard"].create({"partner_ids": [Command.set(contact.ids)]})
        wizard.user_ids.action_grant_access()
        url = self._url(self.customer)
        self.assertEqual(self.url_open(url).status_code, 200)  # granted: the link works
        wizard = self.env["portal.wizard"].create({"partner_ids": [Command.set(contact.ids)]})
        self.assertTrue(wizard.user_ids.is_portal)
        wizard.user_ids.action_revoke_access()
        self.assertFalse(contact.with_context(active_test=False).user_ids.active)
        self._closed(url)
        self._closed("/my/collection/promise", data=self._promise_data(self.customer))
        # merged into another customer: the old link is closed
        double = self.env["res.partner"].create({"name": "Garnier SARL", "is_company": True})
        moved = self._invoice(double, 90.0, self.today - timedelta(days=20), self.today)
        double_url = self._url(double)
        merge = self.env["base.partner.merge.automatic.wizard"]
        merge._merge((double | self.other).ids, self.other, extra_checks=False)
        self.assertFalse(double.exists())
        self.assertEqual(moved.partner_id, self.other)
        response = self.url_open(double_url, allow_redirects=False)
        self.assertEqual(response.status_code, 404)
        self.assertIn("This link is no longer valid", response.text)
        self.assertNotIn(moved.name, response.text)
        self.assertNotIn(self.others.name, response.text)
        # everything paid: nothing due, no promise taken
        for move in self.others | moved:
            self._pay(move, move.amount_residual, self.today)
        response = self.url_open(self._url(self.other))
        self.assertEqual(response.status_code, 200)
        self.assertIn("You have no open invoice", response.text)
        self.assertNotIn("o_collection_promise_form", response.text)
        tomorrow = str(self.today + timedelta(days=1))
        self.assertEqual(self._post("promise", self.other, date=tomorrow, amount="100"), "error")
        self.assertFalse(
            self.env["recouvrement.promise"].search([("partner_id", "=", self.other.id)])
        )
        # tampered
        token = self.env["recouvrement.customer"]._get_collection_token(self.other)
        response = self.url_open(f"/my/collection/{self.other.id}?access_token={token[:-2]}xx")
        self.assertEqual(response.status_code, 403)


@tagged("post_install", "-at_install")
class TestCollectionPortalCompanies(RecouvrementCommon, HttpCase):
    """A customer invoiced by two of our companies owes each apart: the collection page shows
    each company's invoices, totals, penalties, statement and bank details on their own, and a
    promise or a dispute is made to one company (issue 14 #2, break test)."""

    IBAN_A = "FR7630006000011234567890189"
    IBAN_B = "FR1420041010050500013M02606"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.setup_other_company(name="Filiale Lyon")["company"]
        cls.env["res.partner.bank"].create(
            [
                {"acc_number": cls.IBAN_A, "partner_id": cls.company.partner_id.id},
                {"acc_number": cls.IBAN_B, "partner_id": cls.company_b.partner_id.id},
            ]
        )
        today = fields.Date.context_today(cls.env.user)
        cls.today = today
        cls.first = cls._invoice(
            cls.customer, 1200.0, today - timedelta(days=60), today - timedelta(days=30)
        )
        cls.second = cls._invoice(
            cls.customer, 300.0, today - timedelta(days=40), today - timedelta(days=10)
        )
        cls.lyon = cls._invoice(
            cls.customer,
            800.0,
            today - timedelta(days=50),
            today - timedelta(days=20),
            company=cls.company_b,
        )
        cls.service = cls.env["recouvrement.customer"]

    def _sections(self):
        """``{company id: HTML of its section}`` of the customer's signed page."""
        token = self.service._get_collection_token(self.customer)
        response = self.url_open(f"/my/collection/{self.customer.id}?access_token={token}")
        self.assertEqual(response.status_code, 200)
        sections = {}
        for chunk in response.text.split("<section ")[1:]:
            company_id = int(re.search(r'data-company-id="(\d+)"', chunk).group(1))
            sections[company_id] = chunk.split("</section>")[0]
        return sections

    def _post(self, kind, **values):
        token = self.service._get_collection_token(self.customer)
        self.authenticate(None, None)
        data = {
            "partner_id": self.customer.id,
            "access_token": token,
            "csrf_token": http.Request.csrf_token(self),
            **values,
        }
        response = self.url_open(f"/my/collection/{kind}", data=data, allow_redirects=False)
        self.assertEqual(response.status_code, 303, values)
        return response.headers["Location"].rsplit("message=", 1)[-1]

    def test_page_groups_open_items_per_company(self):
        sections = self._sections()
        self.assertEqual(list(sections), [self.company.id, self.company_b.id])
        paris, lyon = sections[self.company.id], sections[self.company_b.id]
        # each company numbers its invoices: told apart by their links
        for move in self.first | self.second:
            self.assertIn(f"/my/invoices/{move.id}?", paris)
            self.assertNotIn(f"/my/invoices/{move.id}?", lyon)
        self.assertIn(f"/my/invoices/{self.lyon.id}?", lyon)
        self.assertNotIn(f"/my/invoices/{self.lyon.id}?", paris)
        iban_a, iban_b = (self.company | self.company_b).partner_id.bank_ids.mapped("acc_number")
        self.assertIn(iban_a, paris)
        self.assertNotIn(iban_b, paris)
        self.assertIn(iban_b, lyon)
        self.assertNotIn(iban_a, lyon)
        self.assertIn("1,500.00", paris)
        self.assertNotIn("2,300.00", paris + lyon)
        self.assertIn("800.00", lyon)
        self.assertEqual(paris.count('class="o_collection_statement_line"'), 2)
        self.assertEqual(lyon.count('class="o_collection_statement_line"'), 1)
        # each company's penalties (art. L441-10, D441-5) on its own invoices only
        companies = self.service._get_portal_values(self.customer)["companies"]
        for group, moves in zip(companies, (self.first | self.second, self.lyon), strict=True):
            figures = moves._get_penalty_figures(self.today)
            self.assertEqual(group["company"], moves.company_id)
            self.assertEqual(group["due"], sum(moves.mapped("amount_residual")))
            self.assertAlmostEqual(
                group["totals"][0]["penalty"], sum(f["penalty"] for f in figures.values())
            )
            self.assertEqual(group["totals"][0]["indemnity"], 40.0 * len(moves))

    def test_prefilled_promise_of_each_company_is_accepted(self):
        """The amount the promise form of each company proposes is accepted, recorded as a
        promise of that company on its invoices only."""
        sections = self._sections()
        tomorrow = str(self.today + timedelta(days=1))
        for company in self.company | self.company_b:
            form = sections[company.id].split("o_collection_promise_form", 1)[1]
            amount = re.search(r'name="amount"[^>]* value="([^"]+)"', form).group(1)
            company_id = re.search(r'name="company_id" value="(\d+)"', form).group(1)
            self.assertEqual(int(company_id), company.id)
            message = self._post("promise", company_id=company_id, date=tomorrow, amount=amount)
            self.assertEqual(message, "promise", company.name)
        promises = self.env["recouvrement.promise"].search(
            [("partner_id", "=", self.customer.id)], order="amount desc"
        )
        self.assertRecordValues(
            promises,
            [
                {"company_id": self.company.id, "amount": 1500.0, "channel": "portal"},
                {"company_id": self.company_b.id, "amount": 800.0, "channel": "portal"},
            ],
        )
        self.assertEqual(promises[0].move_ids, self.first | self.second)
        self.assertEqual(promises[1].move_ids, self.lyon)

    def test_requests_bounded_by_their_company(self):
        """No company chosen while two are owed, more than the chosen company is owed, or an
        invoice of another company than the form's: refused; nothing of one company is
        promised or disputed to the other."""
        tomorrow = str(self.today + timedelta(days=1))
        for values in (
            {"date": tomorrow, "amount": "100"},  # which company?
            {"date": tomorrow, "amount": "801", "company_id": self.company_b.id},
            {"date": tomorrow, "amount": "2300", "company_id": self.company.id},
            {"date": tomorrow, "amount": "100", "company_id": 999999},
        ):
            self.assertEqual(self._post("promise", **values), "error", values)
        self.assertEqual(
            self._post(
                "dispute", invoice_id=self.first.id, reason="price", company_id=self.company_b.id
            ),
            "error",
        )
        self.assertFalse(
            self.env["recouvrement.promise"].search([("partner_id", "=", self.customer.id)])
        )
        self.assertFalse(self.env["recouvrement.dispute"].search([("move_id", "=", self.first.id)]))
        self.assertEqual(
            self._post(
                "dispute", invoice_id=self.lyon.id, reason="price", company_id=self.company_b.id
            ),
            "dispute",
        )
        dispute = self.env["recouvrement.dispute"].search([("move_id", "=", self.lyon.id)])
        self.assertRecordValues(dispute, [{"company_id": self.company_b.id, "amount": 800.0}])
        # a promise made to one company covers none of the other's invoices
        with self.assertRaisesRegex(ValidationError, "was issued by Filiale Lyon"):
            self.env["recouvrement.promise"].create(
                {
                    "partner_id": self.customer.id,
                    "company_id": self.company.id,
                    "amount": 100.0,
                    "date": tomorrow,
                    "move_ids": [Command.set((self.first | self.lyon).ids)],
                }
            )
