from datetime import date

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.modules.migration import load_script
from odoo.tests import new_test_user, tagged
from odoo.tools import sql
from odoo.tools.safe_eval import safe_eval

from .common import RecouvrementCommon

TODAY = "2026-06-15"


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestCompanyCollection(RecouvrementCommon):
    """Each company its own collection on a shared customer (issue 19): hold and its reason,
    dunning pause, contract penalty rate and credit limit are company-dependent; collection
    notes with amounts are read only by the collection users of their company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.setup_other_company(name="Filiale Lyon")["company"]
        users_b = {
            "manager_b": "base.group_user,recouvrement_b2b.recouvrement_group_manager",
            "controller_b": "base.group_user,recouvrement_b2b.recouvrement_group_user",
            "salesman_b": "base.group_user,sales_team.group_sale_salesman",
        }
        for login, groups in users_b.items():
            setattr(
                cls,
                login,
                new_test_user(
                    cls.env,
                    login=f"rb2b_{login}",
                    groups=groups,
                    company_id=cls.company_b.id,
                    company_ids=[Command.set(cls.company_b.ids)],
                ),
            )
        for company in cls.company + cls.company_b:
            company.write({"recouvrement_credit_check": "block"})
        cls.product = cls.env["product.product"].create(
            {"name": "Audit", "type": "service", "list_price": 100.0, "taxes_id": False}
        )

    def _order(self, company, user):
        return (
            self.env["sale.order"]
            .with_user(user)
            .with_company(company)
            .create(
                {
                    "partner_id": self.customer.id,
                    "company_id": company.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": self.product.id,
                                "price_unit": 100.0,
                                "tax_id": [Command.clear()],
                            }
                        )
                    ],
                }
            )
        )

    def test_hold_is_per_company(self):
        """A's hold blocks A's orders, not B's; B reads neither A's hold nor its reason."""
        self.customer.with_user(self.manager).write(
            {"credit_hold": True, "credit_hold_reason": "Chèques impayés à deux reprises"}
        )
        customer_b = self.customer.with_user(self.manager_b)
        self.assertRecordValues(
            customer_b,
            [{"credit_hold": False, "credit_hold_reason": False, "credit_hold_date": False}],
        )
        self.assertNotIn("Chèques impayés", customer_b.credit_block_reasons or "")
        with self.assertRaises(AccessError):
            # B's users cannot switch to A to read A's values
            customer_b.with_company(self.company).credit_hold_reason  # noqa: B018
        order_b = self._order(self.company_b, self.salesman_b)
        order_b.action_confirm()
        self.assertEqual(order_b.state, "sale")
        order_a = self._order(self.company, self.salesman)
        with self.assertRaisesRegex(UserError, "Chèques impayés à deux reprises"):
            order_a.action_confirm()
        # Nothing of A's hold in the shared customer's chatter
        bodies = " ".join(self.customer.message_ids.mapped(lambda m: str(m.body)))
        tracked = self.customer.message_ids.tracking_value_ids.field_id.mapped("name")
        self.assertNotIn("Chèques impayés", bodies)
        self.assertFalse({"credit_hold", "credit_hold_reason"} & set(tracked))
        # The exposure rows: the hold of each row's company
        rows = self.env["recouvrement.credit.exposure"].with_context(
            allowed_company_ids=(self.company + self.company_b).ids
        )
        self.assertEqual(
            {
                row.company_id: row.credit_hold
                for row in rows.search([("partner_id", "=", self.customer.id)])
            },
            {self.company: True, self.company_b: False},
        )
        # B holds too, with its own reason; A's reason is unchanged
        customer_b.write({"credit_hold": True, "credit_hold_reason": "Litige qualité"})
        self.assertEqual(
            self.customer.with_company(self.company).credit_hold_reason,
            "Chèques impayés à deux reprises",
        )

    def test_automatic_hold_is_per_company(self):
        """A hold set by A's dunning or litigation holds the customer in A only, noted on
        the case (not in the shared chatter)."""
        case = (
            self.env["recouvrement.litigation"]
            .with_user(self.controller)
            .create({"partner_id": self.customer.id, "litigation_type": "recovery"})
        )
        self.assertTrue(self.customer.with_company(self.company).credit_hold)
        self.assertFalse(self.customer.with_company(self.company_b).credit_hold)
        self.assertIn(
            f"Credit hold: Legal recovery case {case.name}",
            " ".join(case.message_ids.mapped(lambda m: str(m.body))),
        )
        self.assertNotIn(
            case.name, " ".join(self.customer.message_ids.mapped(lambda m: str(m.body)))
        )

    def test_pause_is_per_company(self):
        """B's pause does not hide A's plan (A's transfer to litigation stays planned); A's
        pause leaves B's plan alone."""
        self._standard_ladder()
        policy_b = (
            self.env.ref("recouvrement_b2b.dunning_policy_standard")
            .sudo()
            .copy({"company_id": self.company_b.id, "name": "Standard B"})
        )
        self.company_b.dunning_policy_id = policy_b
        self._invoice(self.customer, 1000.0, "2026-03-01", "2026-03-31")
        self._invoice(self.customer, 500.0, "2026-03-01", "2026-03-31", company=self.company_b)
        self.customer.with_user(self.controller_b).write(
            {"dunning_paused_until": "2027-06-30", "dunning_pause_reason": "Litige qualité"}
        )
        Dunning = self.env["recouvrement.dunning"].with_user(self.controller)
        today = fields.Date.to_date(TODAY)
        plan = Dunning._get_plan(today, companies=self.company)
        self.assertEqual(
            [(item["company"], item["partner"]) for item in plan], [(self.company, self.customer)]
        )
        self.assertFalse(self.customer.with_user(self.controller).dunning_paused_until)
        plan_b = (
            self.env["recouvrement.dunning"]
            .with_user(self.controller_b)
            ._get_plan(today, companies=self.company_b)
        )
        self.assertFalse(plan_b)
        # One run for both companies, from the second one (the cron's user): the same
        both = self.company_b + self.company
        plan = (
            self.env["recouvrement.dunning"]
            .with_context(allowed_company_ids=both.ids)
            ._get_plan(today, companies=both)
        )
        self.assertEqual(
            [(item["company"], item["partner"]) for item in plan], [(self.company, self.customer)]
        )
        # A pauses too: A's plan is empty, B's pause date is unchanged
        self.customer.with_user(self.controller).write(
            {"dunning_paused_until": "2026-06-15", "dunning_pause_reason": "Accord oral"}
        )
        self.assertFalse(Dunning._get_plan(today, companies=self.company))
        self.assertEqual(
            self.customer.with_company(self.company_b).dunning_paused_until, date(2027, 6, 30)
        )
        # The day after A's pause, A reminds again
        tomorrow = fields.Date.add(today, days=1)
        with freeze_time(tomorrow):
            self.assertTrue(Dunning._get_plan(tomorrow, companies=self.company))

    def test_contract_rate_is_per_company(self):
        """B's contract rate change leaves A's penalties alone.

        10 000 EUR due 2026-03-31, 30 days late on 2026-04-30: A's 20 % gives
        10 000 x 20 x 30 / 36 500 = 164.38; the company default 5 % is below the floor.
        """
        self.company.write({"penalty_rate_mode": "contract", "penalty_contract_rate": 5.0})
        self.customer.with_user(self.controller).penalty_contract_rate = 20.0
        move = self._invoice(self.customer, 10000.0, "2026-03-01", "2026-03-31")
        figures = move.with_user(self.controller)._get_penalty_figures(date(2026, 4, 30))
        self.assertEqual(figures[move.id]["penalty"], 164.38)
        self.customer.with_user(self.controller_b).penalty_contract_rate = 0.01
        self.assertEqual(self.customer.with_company(self.company).penalty_contract_rate, 20.0)
        move.invalidate_recordset()
        self.customer.invalidate_recordset()
        figures = move.with_user(self.controller)._get_penalty_figures(date(2026, 4, 30))
        self.assertEqual(figures[move.id]["penalty"], 164.38)
        # Computed from the second company (a user of both, the cron's): A's rate still
        both = (self.company + self.company_b).ids
        figures = move.with_context(allowed_company_ids=both[::-1])._get_penalty_figures(
            date(2026, 4, 30)
        )
        self.assertEqual(figures[move.id]["penalty"], 164.38)

    def test_credit_limit_is_per_company(self):
        self.customer.with_user(self.manager).credit_limit = 8000.0
        self.customer.with_user(self.manager_b).credit_limit = 100.0
        self.assertEqual(self.customer.with_company(self.company).credit_limit, 8000.0)
        self.assertEqual(self.customer.with_company(self.company_b).credit_limit, 100.0)
        with self.assertRaises(AccessError):
            self.customer.with_user(self.manager_b).with_company(self.company).write(
                {"credit_limit": 1.0}
            )

    def test_collection_notes_read_by_the_company_collection_users_only(self):
        """A's reminder notes with amounts are on A's event: B's users and A's salespeople
        read neither the event nor the note; the shared chatter holds no amount."""
        self._standard_ladder()
        self._invoice(self.customer, 1234.56, "2026-05-01", "2026-05-31")
        Dunning = self.env["recouvrement.dunning"].with_user(self.controller)
        today = fields.Date.to_date(TODAY)
        events = Dunning._send_reminders(Dunning._get_plan(today, companies=self.company), today)
        self.assertTrue(events)
        notes = events.message_ids.filtered(lambda m: "1,234.56" in str(m.body))
        self.assertTrue(notes)
        self.assertNotIn(
            "1,234.56", " ".join(self.customer.message_ids.mapped(lambda m: str(m.body)))
        )
        # A's credit controller reads the note
        notes.with_user(self.controller).read(["body"])
        for user in (self.salesman, self.controller_b, self.manager_b, self.salesman_b):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    events.with_user(user).read(["amount_due"])
                with self.assertRaises(AccessError):
                    notes.with_user(user).read(["body"])

    def test_collection_activities_read_by_the_company_only(self):
        """A's dunning call and bounce activities (summaries and notes with amounts) are on
        A's reminder, not on the shared customer: B's users find none of them (the customer's
        activities, its activity_ids, a search of mail.activity), and A's worklist finds the
        call there."""
        self._standard_ladder()
        self.company.recouvrement_user_id = self.manager
        move = self._invoice(self.customer, 1234.56, "2026-05-01", "2026-05-31")
        Dunning = self.env["recouvrement.dunning"].with_user(self.controller)
        today = fields.Date.to_date(TODAY)
        event = Dunning._send_reminders(Dunning._get_plan(today, companies=self.company), today)
        self.assertEqual(event.channel, "email")
        Dunning._schedule_call(event)  # the phone level's call
        Dunning._mark_undelivered(event, "550 5.1.1 user unknown")  # the bounce's to-do
        activities = event.activity_ids
        self.assertEqual(len(activities), 2)
        self.assertIn("1,234.56", str(activities.mapped("note")))
        self.assertIn(move.name, str(activities.mapped("note")))
        # nothing on the shared customer
        self.assertFalse(self.customer.activity_ids)
        self.assertFalse(
            self.env["mail.activity"].search(
                [("res_model", "=", "res.partner"), ("res_id", "=", self.customer.id)]
            )
        )
        # A's collection users read them, and A's worklist finds the call
        activities.with_user(self.controller).read(["summary", "note"])
        row = (
            self.env["recouvrement.worklist"]
            .with_user(self.controller)
            .search([("partner_id", "=", self.customer.id)])
        )
        self.assertTrue(row.call_due)
        for user in (self.controller_b, self.manager_b, self.salesman_b):
            with self.subTest(user=user.login):
                customer = self.customer.with_user(user)
                self.assertFalse(customer.activity_ids)
                values = customer.read(["activity_ids", "activity_summary", "activity_state"])
                self.assertEqual(values[0]["activity_ids"], [])
                self.assertFalse(values[0]["activity_summary"])
                Activity = self.env["mail.activity"].with_user(user)
                self.assertFalse(Activity.search([("id", "in", activities.ids)]))
                found = Activity.search_read([], ["summary", "note"])
                self.assertNotIn("1,234.56", str(found))
                self.assertNotIn("Dunning call", str(found))
                with self.assertRaises(AccessError):
                    activities.with_user(user).read(["summary", "note"])
        for user in (self.controller_b, self.manager_b):
            self.assertFalse(
                self.env["recouvrement.worklist"]
                .with_user(user)
                .search([("partner_id", "=", self.customer.id)])
            )
        # no assignment email per activity (issue 19)
        self.assertFalse(
            self.env["mail.mail"].search(
                [
                    ("model", "=", event._name),
                    ("res_id", "=", event.id),
                    ("subject", "ilike", "assign"),
                ]
            )
        )

    def test_statement_sent_in_the_company_chatter_only(self):
        """A customer statement sent by A's credit controller is posted, with its PDF, on A's
        sending record, not in the customer's chatter: B's users and A's salespeople find
        neither the message nor the attachment."""
        self._invoice(self.customer, 1234.56, "2026-05-01", "2026-05-31")
        action = self.customer.with_user(self.controller).action_send_statement()
        self.assertEqual(action["context"]["default_model"], "recouvrement.statement.sending")
        composer = (
            self.env["mail.compose.message"]
            .with_user(self.controller)
            .with_context(**action["context"])
            .create({})
        )
        composer._action_send_mail()
        sending = self.env["recouvrement.statement.sending"].browse(
            action["context"]["default_res_ids"]
        )
        self.assertRecordValues(
            sending,
            [
                {
                    "partner_id": self.customer.id,
                    "company_id": self.company.id,
                    "user_id": self.controller.id,
                }
            ],
        )
        message = sending.message_ids.filtered("attachment_ids")
        self.assertEqual(len(message), 1)
        # listed under the customer's Statements Sent (a closed composer's record is not)
        unsent = self.customer.with_user(self.controller).action_send_statement()
        listed = self.env["ir.actions.act_window"]._for_xml_id(
            "recouvrement_b2b.recouvrement_statement_sending_action"
        )
        Sending = self.env["recouvrement.statement.sending"].with_user(self.controller)
        self.assertEqual(Sending.search(safe_eval(listed["domain"])), sending)
        self.assertTrue(Sending.browse(unsent["context"]["default_res_ids"]).exists())
        attachment = message.attachment_ids
        # named in the customer's language (English here: issue 16)
        self.assertIn("Statement of account - Menuiserie Garnier", attachment.name)
        self.assertIn("1,234.56", attachment.raw.decode())
        self.assertEqual(message.partner_ids, self.customer)
        # nothing in the customer's chatter shared by the companies
        self.assertFalse(self.customer.message_ids.filtered("attachment_ids"))
        self.assertFalse(
            self.env["ir.attachment"].search(
                [("res_model", "=", "res.partner"), ("res_id", "=", self.customer.id)]
            )
        )
        # A's collection users read it
        message.with_user(self.controller).read(["body"])
        for user in (self.salesman, self.controller_b, self.manager_b, self.salesman_b):
            with self.subTest(user=user.login):
                customer = self.customer.with_user(user)
                self.assertFalse(customer.message_ids & sending.message_ids)
                Message = self.env["mail.message"].with_user(user)
                self.assertFalse(Message.search([("id", "in", sending.message_ids.ids)]))
                self.assertFalse(Message.search([("attachment_ids", "in", attachment.ids)]))
                self.assertFalse(
                    self.env["ir.attachment"].with_user(user).search([("id", "=", attachment.id)])
                )
                with self.assertRaises(AccessError):
                    attachment.with_user(user).read(["raw"])
                with self.assertRaises(AccessError):
                    sending.with_user(user).read(["partner_id"])

    def test_migration_keeps_the_shared_penalty_exclusion(self):
        """Upgrade to 18.0.1.0.1: a customer excluded from penalties when the exclusion was one
        boolean shared by the companies stays excluded in every company; the others stay
        subject to penalties (migrations/18.0.1.0.1, run here on data in the old shape)."""
        migrations = "recouvrement_b2b/migrations/18.0.1.0.1"
        pre = load_script(f"{migrations}/pre-migrate.py", "rb2b_pre_migrate_18_0_1_0_1")
        post = load_script(f"{migrations}/post-migrate.py", "rb2b_post_migrate_18_0_1_0_1")
        other = self.env["res.partner"].create({"name": "Dupont SARL", "is_company": True})
        self.env.flush_all()
        cr = self.env.cr
        # the old shape: one boolean column, the customer excluded
        cr.execute("ALTER TABLE res_partner RENAME COLUMN penalty_excluded TO rb2b_new_column")
        cr.execute("ALTER TABLE res_partner ADD COLUMN penalty_excluded boolean")
        cr.execute("UPDATE res_partner SET penalty_excluded = (id = %s)", [self.customer.id])
        self.assertTrue(pre.set_aside_shared_exclusion(cr))
        # the module update then creates the company-dependent (jsonb) column
        cr.execute("ALTER TABLE res_partner RENAME COLUMN rb2b_new_column TO penalty_excluded")
        self.assertEqual(post.copy_shared_exclusion(cr), 1)
        self.env.invalidate_all()
        for company in self.company | self.company_b:
            self.assertTrue(self.customer.with_company(company).penalty_excluded, company.name)
            self.assertFalse(other.with_company(company).penalty_excluded, company.name)
        self.assertFalse(sql.column_exists(cr, "res_partner", post.LEGACY_COLUMN))
        # a database already per company: nothing to do
        self.assertFalse(pre.set_aside_shared_exclusion(cr))
        self.assertEqual(post.copy_shared_exclusion(cr), 0)

    # --- History of the company-dependent collection values (issue 19) -----------------------

    def _history(self, user, company=None):
        """History rows of the customer as ``user`` finds them (record rules applied)."""
        History = self.env["recouvrement.collection.history"].with_user(user)
        if company:
            History = History.with_company(company)
        return History.search([("partner_id", "=", self.customer.id)])

    def _assert_no_trace(self, user, texts, fnames):
        """``user`` (of the other company) finds no trace of A's changes: not in the history
        (search, search_read, read_group, read by id, the customer's history field) nor in
        the shared customer's chatter (bodies and tracking values)."""
        History = self.env["recouvrement.collection.history"].with_user(user)
        domain = [("partner_id", "=", self.customer.id), ("company_id", "=", self.company.id)]
        self.assertFalse(History.search(domain))
        self.assertEqual(History.search_read(domain, ["old_value", "new_value"]), [])
        self.assertEqual(History.read_group(domain, ["partner_id"], ["partner_id"]), [])
        rows = self.env["recouvrement.collection.history"].search(domain)
        self.assertTrue(rows)
        with self.assertRaises(AccessError):
            rows.with_user(user).read(["old_value", "new_value", "user_id"])
        customer = self.customer.with_user(user)
        self.assertFalse(customer.collection_history_ids & rows)
        messages = customer.sudo().message_ids
        bodies = " ".join(messages.mapped(lambda m: str(m.body)))
        for text in texts:
            self.assertNotIn(text, bodies)
        tracked = set(messages.sudo().tracking_value_ids.field_id.mapped("name"))
        self.assertFalse(tracked & set(fnames), "tracked in the shared chatter")

    def test_credit_limit_history_is_per_company(self):
        """A's credit manager raises A's limit from 10 000 to 20 000: A's controller reads who
        changed it, when, from and to; B's users find no trace of it (history, chatter)."""
        customer = self.customer.with_user(self.manager)
        customer.credit_limit = 10000.0
        with freeze_time("2026-06-15 10:30:00"):
            customer.credit_limit = 20000.0
        self.customer.with_user(self.manager_b).credit_limit = 500.0
        rows = self._history(self.controller)
        self.assertRecordValues(
            rows,
            [
                {
                    "field_name": "credit_limit",
                    "company_id": self.company.id,
                    "old_value": "10,000.00\xa0€",
                    "new_value": "20,000.00\xa0€",
                    "user_id": self.manager.id,
                    "date": fields.Datetime.to_datetime("2026-06-15 10:30:00"),
                },
                {
                    "field_name": "credit_limit",
                    "company_id": self.company.id,
                    "old_value": "0.00\xa0€",
                    "new_value": "10,000.00\xa0€",
                    "user_id": self.manager.id,
                    "date": fields.Datetime.to_datetime(TODAY),
                },
            ],
        )
        # the customer form shows the current company's history
        self.assertEqual(self.customer.with_user(self.controller).collection_history_ids, rows)
        for user in (self.controller_b, self.manager_b):
            with self.subTest(user=user.login):
                self._assert_no_trace(user, ["10,000.00", "20,000.00"], ["credit_limit"])
        # B's own change, read by B only
        self.assertRecordValues(
            self._history(self.manager_b),
            [
                {
                    "company_id": self.company_b.id,
                    "old_value": "0.00\xa0€",
                    "new_value": "500.00\xa0€",
                }
            ],
        )
        # salespeople read no history at all
        with self.assertRaises(AccessError):
            self._history(self.salesman)

    def test_every_collection_value_history_is_per_company(self):
        """Each company-dependent collection value changed by A's credit manager: one row
        in A's history (old and new values as A's users read them), nothing for B."""
        insurers = self.env["res.partner"].create([{"name": "Allianz Trade"}, {"name": "Coface"}])
        policies = self.env["recouvrement.dunning.policy"].create(
            [
                {"name": "Douce", "company_id": self.company.id},
                {"name": "Ferme", "company_id": self.company.id},
            ]
        )
        changes = [
            ("credit_insured_amount", 5000.0, 8000.0, "5,000.00\xa0€", "8,000.00\xa0€"),
            ("credit_limit_above_insured", False, True, "No", "Yes"),
            ("credit_insurer_id", insurers[0].id, insurers[1].id, "Allianz Trade", "Coface"),
            ("credit_cover_start", "2026-01-01", "2026-02-01", "01/01/2026", "02/01/2026"),
            ("credit_cover_end", "2026-12-31", "2027-06-30", "12/31/2026", "06/30/2027"),
            (
                "credit_hold_reason",
                "Chèques impayés",
                "Litige qualité",
                "Chèques impayés",
                "Litige qualité",
            ),
            ("credit_score", "B", "D", "B", "D"),
            ("penalty_contract_rate", 12.0, 20.5, "12", "20.50"),
            ("penalty_excluded", False, True, "No", "Yes"),
            (
                "collection_user_id",
                self.controller.id,
                self.manager.id,
                "Camille Contrôleur",
                "Morgane Manager",
            ),
            ("dunning_policy_id", policies[0].id, policies[1].id, "Douce", "Ferme"),
            ("dunning_paused_until", "2026-07-31", "2026-09-30", "07/31/2026", "09/30/2026"),
            ("dunning_pause_reason", "Accord oral", "Litige", "Accord oral", "Litige"),
        ]
        customer = self.customer.with_user(self.manager)
        customer.write({"credit_hold": True, "credit_hold_reason": "Chèques impayés"})
        for fname, first, second, old_text, new_text in changes:
            with self.subTest(field=fname):
                customer.write({fname: first})
                customer.write({fname: second})
                row = self._history(self.controller).filtered(lambda r, f=fname: r.field_name == f)[
                    0
                ]
                self.assertRecordValues(
                    row,
                    [
                        {
                            "company_id": self.company.id,
                            "old_value": old_text,
                            "new_value": new_text,
                            "user_id": self.manager.id,
                        }
                    ],
                )
        self.assertEqual(
            self.customer.with_company(self.company).penalty_excluded, True, "A excluded"
        )
        self.assertFalse(self.customer.with_company(self.company_b).penalty_excluded)
        hold = self._history(self.controller).filtered(lambda r: r.field_name == "credit_hold")
        self.assertRecordValues(hold, [{"old_value": "No", "new_value": "Yes"}])
        fnames = [change[0] for change in changes] + ["credit_hold"]
        texts = ["Allianz Trade", "Coface", "Douce", "Ferme", "Accord oral", "8,000.00"]
        for user in (self.controller_b, self.manager_b):
            with self.subTest(user=user.login):
                self._assert_no_trace(user, texts, fnames)
                self.assertFalse(self._history(user))

    def test_automatic_changes_are_in_the_history(self):
        """A hold set by the collection and a score refreshed by the system are in A's
        history with their user and reason, not in B's."""
        self.customer.with_user(self.controller)._set_credit_hold(
            "Mise en demeure restée sans effet"
        )
        self.env["recouvrement.credit"]._update_scores(self.customer, self.company)
        rows = self._history(self.controller)
        self.assertRecordValues(
            rows.filtered(lambda r: r.field_name in ("credit_hold", "credit_hold_reason")),
            [
                {
                    "field_name": "credit_hold_reason",
                    "new_value": "Mise en demeure restée sans effet",
                    "user_id": self.controller.id,
                    "reason": "Mise en demeure restée sans effet",
                },
                {
                    "field_name": "credit_hold",
                    "new_value": "Yes",
                    "user_id": self.controller.id,
                    "reason": "Mise en demeure restée sans effet",
                },
            ],
        )
        self.assertRecordValues(
            rows.filtered(lambda r: r.field_name == "credit_score"),
            [{"old_value": False, "new_value": "A", "user_id": self.env.uid}],
        )
        self.assertFalse(self._history(self.manager_b))

    def test_history_is_append_only(self):
        """Nobody rewrites nor deletes a history row, not even A's credit manager or an
        administrator; a new customer's values are recorded from empty."""
        customer = (
            self.env["res.partner"]
            .with_user(self.manager)
            .create({"name": "Scierie Morel", "is_company": True, "credit_limit": 5000.0})
        )
        row = self.env["recouvrement.collection.history"].search([("partner_id", "=", customer.id)])
        self.assertRecordValues(
            row,
            [
                {
                    "field_name": "credit_limit",
                    "old_value": "0.00\xa0€",
                    "new_value": "5,000.00\xa0€",
                }
            ],
        )
        admin = new_test_user(
            self.env,
            login="rb2b_admin",
            groups="base.group_system,recouvrement_b2b.recouvrement_group_manager",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        for user in (self.controller, self.manager, admin):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    row.with_user(user).write({"new_value": "50,000.00 €"})
                with self.assertRaises(AccessError):
                    row.with_user(user).unlink()
                with self.assertRaises(AccessError):
                    self.env["recouvrement.collection.history"].with_user(user).create(
                        {
                            "partner_id": customer.id,
                            "company_id": self.company.id,
                            "field_id": row.field_id.id,
                            "user_id": user.id,
                            "date": "2026-06-01 08:00:00",
                        }
                    )
        self.assertEqual(row.new_value, "5,000.00\xa0€")
