from datetime import timedelta

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import config

from .common import RecouvrementCommon


@tagged("post_install", "-at_install")
class TestTours(RecouvrementCommon, HttpCase):
    """The main flows in Chromium, each as the user who does it (issue 16, browser tours).

    A tour fails on any client error. Dates are relative to today: the browser runs on the
    real clock.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.env.user)
        cls.customer.write({"name": "Tour Garnier Menuiserie", "lang": "en_US"})
        cls.admin_user = new_test_user(
            cls.env,
            login="rb2b_tour_admin",
            name="Alix Admin",
            groups="base.group_user,base.group_system,account.group_account_manager,"
            "recouvrement_b2b.recouvrement_group_manager",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )

    def _days_ago(self, days):
        return self.today - timedelta(days=days)

    def test_tour_collector_worklist(self):
        """A collector opens the actions of the day from the menu, a customer and its Credit
        tab."""
        self.customer.with_company(self.company).collection_user_id = self.controller
        self._invoice(self.customer, 1200.0, self._days_ago(50), self._days_ago(20))
        self.customer.activity_schedule(
            "mail.mail_activity_data_call", date_deadline=self.today, user_id=self.controller.id
        )
        self.start_tour("/odoo", "recouvrement_collector_worklist", login=self.controller.login)

    def test_tour_settings(self):
        """An administrator changes the collection settings and saves them."""
        self.company.write(
            {"recouvrement_promise_tolerance_days": 2, "recouvrement_dispute_days": 30}
        )
        self.start_tour(
            "/odoo/action-account.action_account_config",
            "recouvrement_settings",
            login=self.admin_user.login,
        )
        self.assertRecordValues(
            self.company,
            [{"recouvrement_promise_tolerance_days": 5, "recouvrement_dispute_days": 21}],
        )

    def test_tour_dunning_run(self):
        """A credit controller previews today's dunning run and sends it: the customer whose
        invoice is 3 days late gets the courteous reminder."""
        self._standard_ladder()
        move = self._invoice(self.customer, 800.0, self._days_ago(33), self._days_ago(3))
        self.start_tour("/odoo", "recouvrement_dunning_run", login=self.controller.login)
        events = self.env["recouvrement.dunning.event"].search(
            [("partner_id", "=", self.customer.id)]
        )
        self.assertEqual(len(events), 1)
        self.assertEqual(events.state, "sent")
        self.assertEqual(events.level_id.name, "Courteous reminder")
        self.assertEqual(events.move_ids, move)

    def test_tour_print_queue(self):
        """The print queue prints a selection of letters as one PDF and marks it posted."""
        self._standard_ladder()
        self.env["ir.config_parameter"].sudo().set_param(
            "report.url", f"http://127.0.0.1:{config['http_port']}"
        )
        partners = self.env["res.partner"].create(
            [
                {"name": f"Tour Print {name}", "is_company": True, "street": "1 rue de la Paix"}
                for name in ("Alpha", "Bravo", "Charlie")
            ]
        )
        for partner in partners:  # no email: the reminder is a letter to post
            self._invoice(partner, 600.0, self._days_ago(33), self._days_ago(3))
        dunning = self.env["recouvrement.dunning"].with_context(force_report_rendering=True)
        plan = dunning._get_plan(self.today, companies=self.company, partners=partners)
        events = dunning._send_reminders(plan, self.today)
        dunning._dunning_render_letters(events)
        self.assertEqual(events.mapped("state"), ["to_post"] * 3)
        self.assertEqual(events.attachment_id.mapped("mimetype"), ["application/pdf"] * 3)
        self.start_tour("/odoo", "recouvrement_print_queue", login=self.controller.login)
        by_name = {event.partner_id.name: event for event in events}
        printed = by_name["Tour Print Alpha"] | by_name["Tour Print Bravo"]
        self.assertEqual(printed.mapped("state"), ["posted", "posted"])
        self.assertEqual(printed.mapped("printed"), [True, True])
        self.assertEqual(printed.mapped("post_date"), [self.today, self.today])
        self.assertRecordValues(
            by_name["Tour Print Charlie"], [{"state": "to_post", "printed": False}]
        )
        merged = self.env["ir.attachment"].search(
            [("res_model", "=", "recouvrement.dunning.event"), ("name", "like", "Letters to post")]
        )
        self.assertEqual(len(merged), 1)
        self.assertEqual(merged.mimetype, "application/pdf")
