from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import fields, http
from odoo.exceptions import ValidationError
from odoo.tests import HttpCase, tagged

from .common import RecouvrementCommon


@tagged("post_install", "-at_install")
class TestCollectionPortalAttacks(RecouvrementCommon, HttpCase):
    """The customer's collection page under bad input: amounts, dates, repeated requests
    (issue 14 #2, break test)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._standard_ladder()
        cls.company.recouvrement_user_id = cls.manager
        today = fields.Date.context_today(cls.env.user)
        cls.first = cls._invoice(
            cls.customer, 1200.0, today - timedelta(days=60), today - timedelta(days=30)
        )
        cls.second = cls._invoice(
            cls.customer, 300.0, today - timedelta(days=40), today - timedelta(days=10)
        )
        cls.today = today

    def _post(self, kind, partner, **values):
        """Post the ``kind`` form (promise, dispute) of ``partner``'s signed page: the message
        the page then shows (the request never fails)."""
        token = self.env["recouvrement.customer"]._get_collection_token(partner)
        self.authenticate(None, None)  # a visitor's session, for its CSRF token
        files = values.pop("files", None)
        data = {
            "partner_id": partner.id,
            "access_token": token,
            "csrf_token": http.Request.csrf_token(self),
            **values,
        }
        response = self.url_open(
            f"/my/collection/{kind}", data=data, files=files, allow_redirects=False
        )
        self.assertEqual(response.status_code, 303, values)
        return response.headers["Location"].rsplit("message=", 1)[-1]

    def _promises(self):
        return self.env["recouvrement.promise"].search(
            [("partner_id", "=", self.customer.id)], order="id"
        )

    def _disputes(self):
        return self.env["recouvrement.dispute"].search(
            [("partner_id", "=", self.customer.id)], order="id"
        )

    def test_amounts_are_rounded_to_the_cent_and_bounded(self):
        """Amounts that round to zero or exceed the amount due, however large, are refused
        without an error page; an amount within half a cent of the amount due is the amount
        due."""
        tomorrow = str(self.today + timedelta(days=1))
        for amount in ("0.001", "0.004", "1e308", "1e20", "1500.006"):
            self.assertEqual(
                self._post("promise", self.customer, date=tomorrow, amount=amount),
                "error",
                amount,
            )
        invoice_id = self.first.id
        for amount in ("0.004", "1e308", "1200.006"):
            self.assertEqual(
                self._post("dispute", self.customer, invoice_id=invoice_id, amount=amount),
                "error",
                amount,
            )
        self.assertFalse(self._promises())
        self.assertFalse(self._disputes())
        # 1 500.004 is 1 500.00, the whole amount due of both invoices (1 200 + 300)
        self.assertEqual(
            self._post("promise", self.customer, date=tomorrow, amount="1500.004"), "promise"
        )
        self.assertRecordValues(self._promises(), [{"amount": 1500.0}])
        self.assertEqual(
            self._post(
                "dispute", self.customer, invoice_id=self.first.id, reason="price", amount="0.005"
            ),
            "dispute",
        )
        self.assertRecordValues(self._disputes(), [{"amount": 0.01}])

    def test_promised_date_at_most_two_years_ahead(self):
        """A promise may put reminders off by two years at most, the longest delay a judge may
        grant (art. 1343-5 Code civil): later dates, up to the last one a browser accepts, are
        refused without an error page."""
        limit = self.today + relativedelta(years=2)
        for date in ("9999-12-31", "2100-01-01", str(limit + timedelta(days=1))):
            self.assertEqual(
                self._post("promise", self.customer, date=date, amount="100"), "error", date
            )
        self.assertFalse(self._promises())
        self.assertEqual(
            self._post("promise", self.customer, date=str(limit), amount="100"), "promise"
        )
        self.assertRecordValues(self._promises(), [{"date": limit, "amount": 100.0}])
        # the same limit for a promise taken by phone
        promise = self.env["recouvrement.promise"].with_user(self.controller)
        with self.assertRaisesRegex(ValidationError, "Menuiserie Garnier.*Promised Date"):
            promise.create({"partner_id": self.customer.id, "amount": 50.0, "date": "9999-12-31"})
