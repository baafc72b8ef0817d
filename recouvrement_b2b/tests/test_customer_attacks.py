from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import SUPERUSER_ID, api, fields, http
from odoo.exceptions import ValidationError
from odoo.tests import HttpCase, TransactionCase, tagged

from .common import RecouvrementCommon, post_invoice, retried


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

    def test_double_submit_records_one_promise_and_one_dispute(self):
        """The same form sent twice (a double click, a reloaded page) records one promise and
        one dispute, and the collector gets one activity each."""
        tomorrow = str(self.today + timedelta(days=1))
        for _attempt in range(2):
            self.assertEqual(
                self._post("promise", self.customer, date=tomorrow, amount="500"), "promise"
            )
            self.assertEqual(
                self._post(
                    "dispute",
                    self.customer,
                    invoice_id=self.first.id,
                    reason="delivery",
                    amount="120",
                    comment="2 palettes manquantes",
                ),
                "dispute",
            )
        self.assertRecordValues(self._promises(), [{"amount": 500.0}])
        self.assertRecordValues(self._disputes(), [{"amount": 120.0, "reason": "delivery"}])
        self.assertEqual(len(self._promises().activity_ids), 1)
        self.assertEqual(len(self._disputes().activity_ids), 1)
        # another promise or another problem is recorded
        self.assertEqual(
            self._post("promise", self.customer, date=tomorrow, amount="600"), "promise"
        )
        self.assertEqual(
            self._post("dispute", self.customer, invoice_id=self.first.id, reason="price"),
            "dispute",
        )
        self.assertEqual(self._promises().mapped("amount"), [500.0, 600.0])
        self.assertEqual(self._disputes().mapped("reason"), ["delivery", "price"])


@tagged("post_install", "-at_install")
class TestCollectionPortalConcurrency(TransactionCase):
    """Two requests of the same form at once (two cursors, committed data): one promise, one
    dispute; the later request fails with a serialization error, which Odoo's request
    handling retries, and the retry finds the first one's record."""

    def setUp(self):
        super().setUp()
        with self.env.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            partner = env["res.partner"].create({"name": "Scierie Concurrente", "is_company": True})
            today = fields.Date.context_today(partner)
            move = post_invoice(
                env, partner, today - timedelta(days=60), today - timedelta(days=30)
            )
            move._portal_ensure_token()
            self.partner_id, self.move_id, self.today = partner.id, move.id, today
        self.envs = [api.Environment(self.registry.cursor(), SUPERUSER_ID, {}) for _i in range(3)]
        self.addCleanup(self._clean_up)

    def _clean_up(self):
        for env in self.envs:
            env.cr.close()
        with self.env.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            for model in ("recouvrement.promise", "recouvrement.dispute"):
                env[model].search([("partner_id", "=", self.partner_id)]).unlink()
            move = env["account.move"].browse(self.move_id)
            move.button_draft()
            move.with_context(force_delete=True).unlink()
            env["res.partner"].browse(self.partner_id).unlink()

    def _both_at_once(self, request):
        """Run ``request(env)`` in two transactions started together: the second one commits
        after the first, as Odoo retries it."""
        _env0, env1, env2 = self.envs
        env1.cr.execute("SELECT 1")  # its snapshot is taken before the other one commits
        first = request(env2)
        env2.cr.commit()
        return first, retried(self, env1, request)

    def test_two_promises_at_once(self):
        def promise(env):
            partner = env["res.partner"].browse(self.partner_id)
            date = str(self.today + timedelta(days=5))
            return env["recouvrement.customer"]._portal_promise(partner, date, "400").id

        first, second = self._both_at_once(promise)
        self.assertEqual(first, second)
        env0 = self.envs[0]
        promises = env0["recouvrement.promise"].search([("partner_id", "=", self.partner_id)])
        self.assertRecordValues(promises, [{"id": first, "amount": 400.0}])

    def test_two_disputes_at_once(self):
        def dispute(env):
            partner = env["res.partner"].browse(self.partner_id)
            service = env["recouvrement.customer"]
            return service._portal_dispute(partner, str(self.move_id), "price", "", "Prix").id

        first, second = self._both_at_once(dispute)
        self.assertEqual(first, second)
        env0 = self.envs[0]
        disputes = env0["recouvrement.dispute"].search([("partner_id", "=", self.partner_id)])
        self.assertRecordValues(disputes, [{"id": first, "amount": 1000.0}])
