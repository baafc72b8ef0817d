from datetime import timedelta

from odoo import Command, fields
from odoo.tests import HttpCase, tagged

from .common import RecouvrementCommon


@tagged("post_install", "-at_install")
class TestDeadlineCalendars(RecouvrementCommon, HttpCase):
    """Every deadline calendar opens on the next deadline of the records it shows, not on the
    current month (issue 16, found by the break test: "the deadline calendars open on an empty
    month").

    Dates are relative to today: the browser runs on the real clock. The test's deadlines are
    all more than two months ahead, outside the current month's grid: the tour sees their
    event only if the calendar opened on their month.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.env.user)
        cls.customer.write({"name": "Calendrier Garnier SARL", "lang": "en_US"})
        cls.move = cls._invoice(
            cls.customer,
            1800.0,
            cls.today - timedelta(days=60),
            cls.today - timedelta(days=30),
        )

    def _calendars(self):
        """The calendar views of the module (all three covered by the tours above)."""
        views = self.env["ir.ui.view"].search(
            [("type", "=", "calendar"), ("model", "like", "recouvrement.%")]
        )
        self.assertEqual(
            set(views.mapped("model")),
            {
                "recouvrement.litigation",
                "recouvrement.litigation.deadline",
                "recouvrement.payment.plan.line",
            },
        )
        return views

    def test_litigation_calendars_open_on_the_next_deadline(self):
        """The case and deadline calendars: the invoice's prescription, years ahead."""
        case = self.env["recouvrement.litigation"].create(
            {
                "partner_id": self.customer.id,
                "company_id": self.company.id,
                "litigation_type": "recovery",
                "move_ids": [Command.set(self.move.ids)],
            }
        )
        self.assertGreater(case.next_deadline_date, self.today + timedelta(days=70))
        for url in (
            "/odoo/action-recouvrement_b2b.recouvrement_litigation_deadline_action",
            "/odoo/action-recouvrement_b2b.recouvrement_litigation_action?view_type=calendar",
        ):
            with self.subTest(url=url):
                self.start_tour(url, "recouvrement_deadline_calendar", login=self.controller.login)

    def test_instalment_calendar_opens_on_the_next_instalment(self):
        """The instalment calendar: an active plan whose first instalment is in 70 days."""
        plan = self.env["recouvrement.payment.plan"].create(
            {
                "partner_id": self.customer.id,
                "company_id": self.company.id,
                "move_ids": [Command.set(self.move.ids)],
                "instalment_count": 2,
                "frequency": "monthly",
                "first_date": self.today + timedelta(days=70),
                "signature_date": self.today,
            }
        )
        plan.action_compute_schedule()
        plan.action_activate()
        self.assertEqual(plan.state, "active")
        self.start_tour(
            "/odoo/action-recouvrement_b2b.recouvrement_payment_plan_line_action",
            "recouvrement_deadline_calendar",
            login=self.controller.login,
        )

    def test_every_calendar_uses_the_deadline_view(self):
        """The kind: each calendar of the module opens on its next deadline."""
        for view in self._calendars():
            with self.subTest(view=view.name):
                arch = self.env[view.model].get_view(view.id, "calendar")["arch"]
                self.assertIn('js_class="recouvrement_deadline_calendar"', arch)
