from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import DunningRunCommon


@tagged("post_install", "-at_install")
class TestCockpit(DunningRunCommon):
    """Promises to pay, commercial disputes and the worklist on the standard ladder (courtesy
    -5 days, courteous +1, firm +15, last call +30, formal notice +45, litigation +60)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.recouvrement_promise_tolerance_days = 3

    # ------------------------------------------------------------------------------------------
    # Promises
    # ------------------------------------------------------------------------------------------

    def test_promise_kept_and_promise_broken(self):
        """Two customers, one invoice of 1 200 due 31 March each, reminded (courteous) on
        1 April; both promise on 2 April to pay by 20 April (tolerance 3 days: 23 April).
        Reminders wait; the one who pays keeps it; the other breaks it on 24 April and the
        ladder resumes at the next level (firm), neither restarted nor skipped."""
        keeper, breaker = self._customer("Keeper"), self._customer("Breaker")
        partners = keeper | breaker
        moves = {}
        for partner in partners:
            moves[partner] = self._invoice(partner, 1200.0, "2026-03-01", "2026-03-31")
        events = self._run("2026-04-01", partners)
        self.assertEqual(events.level_id, self.level_courteous)
        Promise = self.env["recouvrement.promise"].with_user(self.controller)
        with freeze_time("2026-04-02"):
            promises = {
                partner: Promise._create_from_portal(
                    partner, 1200.0, fields.Date.to_date("2026-04-20"), moves[partner], "phone"
                )
                for partner in partners
            }
        self.assertEqual(
            promises[keeper].tolerance_date, fields.Date.to_date("2026-04-23")
        )  # 20 April + 3 days
        # firm level due on 15 April: held while the promises run, up to the tolerance date
        for date in ("2026-04-15", "2026-04-23"):
            self.assertEqual(self._plan(date, partners), [], date)
        self._pay(moves[keeper], 1200.0, "2026-04-18")
        with freeze_time("2026-04-24"):
            Promise._cron_check_promises()
        self.assertRecordValues(
            promises[keeper] | promises[breaker],
            [
                {"state": "kept", "amount_paid": 1200.0},
                {"state": "broken", "amount_paid": 0.0},
            ],
        )
        activity = promises[breaker].activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.controller)  # no collector: who recorded it
        # the note is on the promise, not in the shared customer's chatter (issue 19)
        self.assertIn("Promise broken", " ".join(promises[breaker].message_ids.mapped("body")))
        self.assertNotIn("Promise broken", " ".join(breaker.message_ids.mapped("body")))
        self.assertEqual(moves[breaker].dunning_level_id, self.level_courteous)  # as it stood
        events = self._run("2026-04-24", partners)
        self.assertEqual(events.partner_id, breaker)
        self.assertEqual(events.level_id, self.level_firm)  # the next one: not restarted
        self.assertEqual(events.amount_due, 1200.0)
        # the keep rate counts in the score: 1 kept out of 1 for the keeper, 0 for the breaker
        with freeze_time("2026-04-24"):
            inputs = self.env["recouvrement.credit"]._get_score_inputs(partners)
        self.assertEqual(inputs[keeper.id]["promise_keep_rate"], 1)
        self.assertEqual(inputs[breaker.id]["promise_keep_rate"], 0)

    def test_broken_promise_resumes_at_the_next_rung(self):
        """Reminded (courteous) on 1 April, the promise for 28 April (tolerance: 1 May) spans
        the firm (15 April) and last call (30 April) dates: broken on 2 May, the ladder sends
        the firm reminder, then the last call the next day; no rung is skipped."""
        customer = self._customer("Spanner")
        move = self._invoice(customer, 900.0, "2026-03-01", "2026-03-31")
        self._run("2026-04-01", customer)
        with freeze_time("2026-04-02"):
            promise = self.env["recouvrement.promise"].create(
                {
                    "partner_id": customer.id,
                    "amount": 900.0,
                    "date": "2026-04-28",
                    "move_ids": [Command.set(move.ids)],
                }
            )
        self.assertEqual(self._plan("2026-04-30", customer), [])
        with freeze_time("2026-05-02"):
            promise._cron_check_promises()
        self.assertEqual(promise.state, "broken")
        self.assertEqual(self._run("2026-05-02", customer).level_id, self.level_firm)
        self.assertEqual(self._run("2026-05-03", customer).level_id, self.level_last_call)

    def test_promise_on_account_holds_every_invoice(self):
        customer = self._customer("Account")
        self._invoice(customer, 300.0, "2026-03-01", "2026-03-31")
        self._invoice(customer, 500.0, "2026-03-05", "2026-04-04")
        with freeze_time("2026-04-10"):
            self.env["recouvrement.promise"].create(
                {"partner_id": customer.id, "amount": 800.0, "date": "2026-04-25"}
            )
        self.assertEqual(self._plan("2026-04-20", customer), [])
        self.assertEqual(len(self._plan("2026-04-29", customer)), 1)  # tolerance passed

    def test_promise_above_the_amount_due_is_refused(self):
        move = self._invoice(self.customer, 100.0, "2026-03-01", "2026-03-31")
        with freeze_time("2026-04-10"), self.assertRaisesRegex(ValidationError, "exceeds"):
            self.env["recouvrement.promise"].create(
                {
                    "partner_id": self.customer.id,
                    "amount": 150.0,
                    "date": "2026-04-25",
                    "move_ids": [Command.set(move.ids)],
                }
            )

    # ------------------------------------------------------------------------------------------
    # Disputes
    # ------------------------------------------------------------------------------------------

    def test_partial_dispute_pauses_its_amount_then_credit_note(self):
        """Invoice of 1 000 due 31 March; 300 disputed on 10 April (price). The firm reminder
        of 15 April claims 1 000 - 300 = 700; a firm level with a minimum of 800 is not applied
        to the 700 left (the courteous one is). Resolved by a credit note of 300 reconciled on
        20 April: 700 left, the last call of 30 April claims 700 with nothing held back."""
        customer = self._customer("Disputer")
        move = self._invoice(customer, 1000.0, "2026-03-01", "2026-03-31")
        move.invoice_user_id = self.salesman
        with freeze_time("2026-04-10"):
            dispute = (
                self.env["recouvrement.dispute"]
                .with_user(self.controller)
                ._create_from_portal(move, "price", 300.0, "Prix non conforme au devis")
            )
        self.assertRecordValues(
            dispute,
            [
                {
                    "partner_id": customer.id,
                    "user_id": self.salesman.id,  # the invoice's salesperson
                    "deadline": fields.Date.to_date("2026-04-25"),  # 10 April + 15 days
                    "state": "open",
                }
            ],
        )
        with self.assertRaises(ValidationError):
            dispute.amount = 1000.01  # above the amount due
        self.level_firm.min_amount = 800.0
        plan = self._plan("2026-04-15", customer)
        self.assertEqual(plan[0]["level"], self.level_courteous)
        self.assertEqual(plan[0]["amount_net"], 700.0)
        self.level_firm.min_amount = 0.0
        event = self._run("2026-04-15", customer)
        self.assertRecordValues(event, [{"level_id": self.level_firm.id, "amount_due": 700.0}])
        refund = self._credit_note(move, 300.0, "2026-04-20")
        dispute.credit_note_id = refund
        dispute.with_user(self.controller).action_resolve()
        self.assertEqual(dispute.state, "resolved")
        self.assertEqual(move.amount_residual, 700.0)
        event = self._run("2026-04-30", customer)
        self.assertRecordValues(event, [{"level_id": self.level_last_call.id, "amount_due": 700.0}])

    def test_dispute_opened_by_the_system_goes_to_the_collector(self):
        """Issue 16 (break test): the French demo's disputes were assigned to OdooBot (opened
        by the installer on invoices it had created): a dispute opened by the system, or on an
        invoice whose salesperson is the system, goes to the customer's collector."""
        customer = self._customer("Système")
        customer.with_company(self.company).collection_user_id = self.controller
        move = self._invoice(customer, 1000.0, "2026-03-01", "2026-03-31")
        root = self.env.ref("base.user_root")
        move.invoice_user_id = root
        with freeze_time("2026-04-10"):
            dispute = (
                self.env["recouvrement.dispute"]
                .with_user(root)
                .create({"move_id": move.id, "reason": "quality", "amount": 500.0})
            )
        self.assertEqual(dispute.user_id, self.controller)
        # a real salesperson on the invoice still comes first
        move.invoice_user_id = self.salesman
        with freeze_time("2026-04-10"):
            dispute = (
                self.env["recouvrement.dispute"]
                .with_user(root)
                .create({"move_id": move.id, "reason": "price", "amount": 10.0})
            )
        self.assertEqual(dispute.user_id, self.salesman)

    def test_dispute_rejected_then_escalated(self):
        customer = self._customer("Rejected")
        move = self._invoice(customer, 1000.0, "2026-03-01", "2026-03-31")
        Dispute = self.env["recouvrement.dispute"].with_user(self.controller)
        with freeze_time("2026-04-10"):
            whole = Dispute.create({"move_id": move.id, "reason": "quality"})
        self.assertEqual(whole.amount, 1000.0)  # the whole amount due by default
        self.assertEqual(self._plan("2026-04-15", customer), [])  # nothing left to claim
        whole.action_reject()
        self.assertEqual(self._plan("2026-04-15", customer)[0]["amount_net"], 1000.0)
        with freeze_time("2026-04-16"):
            escalated = Dispute.create({"move_id": move.id, "reason": "duplicate"})
            escalated.action_escalate()
        self.assertEqual(escalated.state, "escalated")
        self.assertEqual(move.litigation_id, escalated.litigation_id)
        self.assertEqual(escalated.litigation_id.dispute_reason, "paperwork")
        self.assertEqual(self._plan("2026-04-20", customer), [])  # in litigation

    # ------------------------------------------------------------------------------------------
    # Worklist
    # ------------------------------------------------------------------------------------------

    def test_worklist_ranking(self):
        """A small book on 30 April, priority = 40 x min(overdue / 10 000, 1) + 25 x min(days
        late / 90, 1) + score points (E 20, D 15, C 10, B 5) + 15 when the next step is legal:

        * Alpha: 5 000 overdue 30 days, promise due today: 20 + 8.33 = 28.33
        * Bravo: 12 000 overdue 10 days, 2 000 of it disputed (dispute at its deadline):
          10 000 ranked, the disputed part is not: 40 + 2.78 = 42.78
        * Charlie: 2 000 overdue 60 days, score E, at the last call (next: formal notice),
          call due: 8 + 16.67 + 20 + 15 = 59.67
        * Delta: 9 000 overdue, nothing to do today: not listed
        """
        alpha, bravo, charlie, delta = (
            self._customer(name) for name in ("Alpha", "Bravo", "Charlie", "Delta")
        )
        today = fields.Date.to_date("2026-04-30")
        self._invoice(alpha, 5000.0, "2026-03-01", "2026-03-31")
        bravo_move = self._invoice(bravo, 12000.0, "2026-03-20", "2026-04-20")
        charlie_move = self._invoice(charlie, 2000.0, "2026-02-01", "2026-03-01")
        self._invoice(delta, 9000.0, "2026-03-01", "2026-03-31")
        charlie_move.sudo().dunning_level_id = self.level_last_call
        charlie.with_company(self.company).sudo().credit_score = "E"
        alpha.with_company(self.company).collection_user_id = self.controller
        self.company.recouvrement_user_id = self.manager
        with freeze_time("2026-04-10"):
            self.env["recouvrement.promise"].create(
                {"partner_id": alpha.id, "amount": 100.0, "date": "2026-04-30"}
            )
            self.env["recouvrement.dispute"].create(
                {
                    "move_id": bravo_move.id,
                    "reason": "price",
                    "amount": 2000.0,
                    "deadline": "2026-05-02",
                }
            )
        self._schedule_call(charlie, today)
        with freeze_time(today):
            rows = (
                self.env["recouvrement.worklist"]
                .with_user(self.controller)
                .search([("partner_id", "in", (alpha | bravo | charlie | delta).ids)])
            )
            self.assertRecordValues(
                rows,
                [
                    {
                        "partner_id": charlie.id,
                        "priority": 59.67,
                        "call_due": True,
                        "dispute_deadline": False,
                        "promise_due": False,
                        "next_step_legal": True,
                        "overdue_days": 60,
                        "user_id": self.manager.id,
                    },
                    {
                        "partner_id": bravo.id,
                        "priority": 42.78,
                        "call_due": False,
                        "dispute_deadline": True,
                        "promise_due": False,
                        "next_step_legal": False,
                        "overdue_days": 10,
                        "user_id": self.manager.id,
                    },
                    {
                        "partner_id": alpha.id,
                        "priority": 28.33,
                        "call_due": False,
                        "dispute_deadline": False,
                        "promise_due": True,
                        "next_step_legal": False,
                        "overdue_days": 30,
                        "user_id": self.controller.id,
                    },
                ],
            )
            self.assertEqual(rows[2].reasons, "Promise Due")
            mine = rows.search([("user_id", "=", self.controller.id), ("id", "in", rows.ids)])
            self.assertEqual(mine.partner_id, alpha)

    def _count_queries(self, function):
        """Queries of ``function()`` on a cold cache, the final flush included."""
        self.env.flush_all()
        self.env.invalidate_all()
        with patch("random.random", lambda: 1):
            before = self.env.cr.sql_log_count
            function()
            self.env.flush_all()
            return self.env.cr.sql_log_count - before

    def test_worklist_query_count(self):
        """Reading the worklist (rows, reasons, customers' names) costs the same with 2 and 12
        customers to act on: one query for the rows, not one per customer."""
        Worklist = self.env["recouvrement.worklist"].with_user(self.controller)
        counts = []
        for size in (2, 12):
            partners = self.env["res.partner"].create(
                [{"name": f"Book {size}-{i}", "is_company": True} for i in range(size)]
            )
            for partner in partners:
                self._invoice(partner, 100.0, "2026-03-01", "2026-03-31")
            self.env["recouvrement.promise"].create(
                [
                    {
                        "partner_id": p.id,
                        "amount": 50.0,
                        "date": "2026-04-20",
                        "date_recorded": "2026-04-10",
                    }
                    for p in partners
                ]
            )

            def read(partners=partners):
                rows = Worklist.search([("partner_id", "in", partners.ids)])
                self.assertEqual(len(rows), len(partners))
                rows.read(["reasons", "priority", "partner_id", "user_id"])
                rows.partner_id.mapped("display_name")

            with freeze_time("2026-04-30"):
                read()  # warm the caches that do not depend on the data
                counts.append(self._count_queries(read))
        self.assertEqual(counts[0], counts[1])
        self.assertEqual(counts[0], 6)  # measured (search, read, names), whatever the size

    def test_call_logged_from_the_worklist(self):
        """A reached call marks the due call activity done (the phone level counts as done);
        a promise outcome opens the promise form for the customer."""
        customer = self._customer("Caller")
        self._invoice(customer, 500.0, "2026-03-01", "2026-03-31")
        event = self._schedule_call(customer, fields.Date.to_date("2026-04-30"))
        with freeze_time("2026-04-30"):
            row = (
                self.env["recouvrement.worklist"]
                .with_user(self.controller)
                .search([("partner_id", "=", customer.id)])
            )
            self.assertTrue(row.call_due)
            action = row.action_log_call()
            wizard = (
                self.env[action["res_model"]]
                .with_user(self.controller)
                .with_context(**action["context"])
                .create({"outcome": "reached", "note": "Paiement la semaine prochaine"})
            )
            wizard.action_log()
            self.assertFalse(event.activity_ids)
            done = event.message_ids.filtered(lambda m: m.mail_activity_type_id)
            self.assertEqual(len(done), 1)
            self.assertIn("Reached", done.body)
            # nothing in the customer's chatter shared by the companies (issue 19)
            self.assertFalse(customer.message_ids.filtered(lambda m: m.mail_activity_type_id))
            self.assertFalse(
                self.env["recouvrement.worklist"].search([("partner_id", "=", customer.id)])
            )
            wizard = wizard.create(
                {"partner_id": customer.id, "outcome": "promise", "company_id": self.company.id}
            )
            action = wizard.action_log()
        self.assertEqual(action["res_model"], "recouvrement.promise")
        self.assertEqual(action["context"]["default_partner_id"], customer.id)
        # the same from the customer's form
        partner = customer.with_user(self.controller)
        self.assertEqual(partner.action_log_call()["res_model"], "recouvrement.call.log")
        promises = self.env["recouvrement.promise"].search(partner.action_view_promises()["domain"])
        self.assertEqual(promises, self.env["recouvrement.promise"])

    # ------------------------------------------------------------------------------------------
    # Logged calls: the ladder and the score
    # ------------------------------------------------------------------------------------------

    def _log_call(self, customer, outcome, **vals):
        """Log a call with ``outcome`` from the customer's form, as the controller; return the
        stored call and the wizard's action."""
        action = customer.with_user(self.controller).action_log_call()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.controller)
            .with_context(**action["context"])
            .create(dict(vals, outcome=outcome))
        )
        result = wizard.action_log()
        call = self.env["recouvrement.call"].search(
            [("partner_id", "=", customer.id)], order="id desc", limit=1
        )
        return call, result

    def test_call_outcomes_feed_the_ladder(self):
        """On 5 April, invoices of 1 000 due 31 March reminded at the courteous level (next:
        firm, 31 March + 15 = 15 April). A promise call creates the promise (600 for 20
        April, phone); a dispute call the dispute (300, price); a refusal gives the collector
        a follow-up naming the firm level due 15 April; the third call in a row not reached
        does (not the first two, and a reached call restarts the count); a wrong contact asks
        to fix the contact. Follow-ups put the customer on the worklist."""
        self.company.recouvrement_user_id = self.manager
        customers = {
            name: self._customer(name)
            for name in ("Promettant", "Contestant", "Refusant", "Absent", "Erreur")
        }
        moves = {}
        for name, customer in customers.items():
            moves[name] = self._invoice(customer, 1000.0, "2026-03-01", "2026-03-31")
            moves[name].sudo().dunning_level_id = self.level_courteous
        with freeze_time("2026-04-05"):
            call, action = self._log_call(
                customers["Promettant"], "promise", promise_amount=600.0, promise_date="2026-04-20"
            )
            self.assertEqual(action["type"], "ir.actions.act_window_close")
            self.assertRecordValues(
                call.promise_id,
                [
                    {
                        "partner_id": customers["Promettant"].id,
                        "amount": 600.0,
                        "date": fields.Date.to_date("2026-04-20"),
                        "channel": "phone",
                        "state": "running",
                    }
                ],
            )
            call, _action = self._log_call(
                customers["Contestant"],
                "dispute",
                dispute_move_id=moves["Contestant"].id,
                dispute_amount=300.0,
                dispute_reason="price",
            )
            self.assertRecordValues(
                call.dispute_id,
                [{"move_id": moves["Contestant"].id, "amount": 300.0, "reason": "price"}],
            )
            with self.assertRaises(ValidationError):
                self._log_call(customers["Promettant"], "promise", promise_amount=100.0)

            refusal, _action = self._log_call(
                customers["Refusant"], "refusal", note="Ne paiera pas"
            )
            self.assertRecordValues(
                refusal.activity_ids,
                [
                    {
                        "user_id": self.manager.id,
                        "summary": "Refusal to pay: decide the next step",
                        "date_deadline": fields.Date.to_date("2026-04-05"),
                    }
                ],
            )
            self.assertIn(self.level_firm.name, refusal.activity_ids.note)
            self.assertIn("04/15/2026", refusal.activity_ids.note)

            absent = customers["Absent"]
            first, _action = self._log_call(absent, "not_reached")
            self._log_call(absent, "reached")
            calls = [self._log_call(absent, "not_reached")[0] for _i in range(3)]
            self.assertFalse(first.activity_ids)
            self.assertEqual([bool(c.activity_ids) for c in calls], [False, False, True])
            self.assertEqual(
                calls[2].activity_ids.summary, "Not reached 3 times in a row: change channel"
            )

            wrong, _action = self._log_call(customers["Erreur"], "wrong_contact")
            self.assertEqual(
                wrong.activity_ids.summary, "Wrong contact: fix the customer's contact"
            )
            rows = (
                self.env["recouvrement.worklist"]
                .with_user(self.controller)
                .search([("partner_id", "in", [c.id for c in customers.values()])])
            )
            self.assertEqual(
                rows.filtered("call_follow_up").partner_id,
                customers["Refusant"] | customers["Absent"] | customers["Erreur"],
            )
            # the follow-up done: off the worklist
            refusal.activity_ids.action_feedback(feedback="Mise en demeure envoyée")
            self.assertNotIn(
                customers["Refusant"],
                rows.search([("call_follow_up", "=", True)]).partner_id,
            )

    def test_calls_count_in_the_payment_score(self):
        """On 5 April, one invoice of 1 000 due 31 March, open (5 days late, 1 of 1 late), no
        level reached. Calls logged: refused, not reached, reached, promise, and a wrong
        contact (not scored): 2 negative of 4 = 0.5.
        Points: 100 - 35 x 5 / 60 (2.92) - 25 x 1 (25) - 10 x 0.5 (5) = 67.08 -> 67, B
        (without the calls: 72.08 -> 72)."""
        customer = self._customer("Appelé")
        self._invoice(customer, 1000.0, "2026-03-01", "2026-03-31")
        credit = self.env["recouvrement.credit"]
        with freeze_time("2026-04-05"):
            self.assertEqual(credit._compute_scores(customer)[customer.id][1], 72)
            for outcome in ("refusal", "not_reached", "reached", "promise", "wrong_contact"):
                self._log_call(customer, outcome)
            inputs = credit._get_score_inputs(customer)[customer.id]
            self.assertEqual(inputs["call_negative_rate"], 0.5)
            letter, points, _reasons = credit._compute_scores(customer)[customer.id]
            self.assertEqual((letter, points), ("B", 67))
            customer.invalidate_recordset(["credit_score_reasons"])
            self.assertIn(
                "50% of calls refused or not reached (-5 points)",
                customer.with_company(self.company).credit_score_reasons,
            )
            # calls of another company do not count
            other = self.env["res.company"].create({"name": "Autre Société"})
            self.env["recouvrement.call"].create(
                [
                    {"partner_id": customer.id, "company_id": other.id, "outcome": "refusal"}
                    for _i in range(4)
                ]
            )
            self.assertEqual(
                credit._get_score_inputs(customer)[customer.id]["call_negative_rate"], 0.5
            )

    def test_default_collector_per_segment(self):
        """The collector of a customer: its own, else its segment's (its dunning policy's
        default collector), else the company's collection responsible. The worklist, the aged
        balance, a broken promise's activity and a call follow-up all use it.

        * Propre: own collector, the salesman, on the risky policy: the salesman
        * Risque: risky policy (default collector: the controller): the controller
        * Standard: the company's default policy, without default collector: the manager
        """
        self.company.recouvrement_user_id = self.manager
        risky = self.policy.sudo().copy({"name": "Risqué", "segment": "risky"})
        risky.collection_user_id = self.controller
        own, risk, standard = (self._customer(n) for n in ("Propre", "Risque", "Standard"))
        (own | risk).with_company(self.company).sudo().dunning_policy_id = risky
        own.with_company(self.company).sudo().collection_user_id = self.salesman
        expected = {own: self.salesman, risk: self.controller, standard: self.manager}
        customers = own | risk | standard
        for customer in customers:
            self._invoice(customer, 1000.0, "2026-03-01", "2026-03-31")
        with freeze_time("2026-04-10"):
            promises = self.env["recouvrement.promise"].create(
                [{"partner_id": c.id, "amount": 100.0, "date": "2026-04-12"} for c in customers]
            )
        collectors = self.env["recouvrement.dunning.policy"]._get_collectors(
            customers, self.company
        )
        self.assertEqual({c: collectors[c.id] for c in customers}, expected)
        with freeze_time("2026-04-30"):
            worklist = self.env["recouvrement.worklist"].with_user(self.controller)
            rows = worklist.search([("partner_id", "in", customers.ids)])
            self.assertEqual({r.partner_id: r.user_id for r in rows}, expected)
            aged = self.env["recouvrement.aged.balance"].search(
                [("partner_id", "in", customers.ids)]
            )
            self.assertEqual({r.partner_id: r.user_id for r in aged}, expected)
            _kept, broken = promises._check_promises(fields.Date.to_date("2026-04-30"))
            self.assertEqual({p.partner_id: p.activity_ids.user_id for p in broken}, expected)
            call, _action = self._log_call(risk, "refusal")
            self.assertEqual(call.activity_ids.user_id, self.controller)
            # the segment's collector changes: the reports follow at once
            risky.collection_user_id = False
            self.assertEqual(worklist.search([("partner_id", "=", risk.id)]).user_id, self.manager)

    def test_aged_balance_promise_and_dispute_columns(self):
        """Aged balance on 30 April: Promis owes 1 000 + 500, promised 600 on the 1 000 one
        (running): under promise 1 000 (the invoice's amount due), not the 500. Compte
        promised 200 on its account: both its invoices (400 + 300 = 700) are under promise.
        Contesté disputes 300 of 1 000 and the whole of 800 (open): disputed 300 + 800 = 1 100;
        a rejected dispute on its 200 counts 0."""
        promis, compte, conteste = (self._customer(n) for n in ("Promis", "Compte", "Contesté"))
        promised = self._invoice(promis, 1000.0, "2026-03-01", "2026-03-31")
        self._invoice(promis, 500.0, "2026-03-01", "2026-03-31")
        self._invoice(compte, 400.0, "2026-03-01", "2026-03-31")
        self._invoice(compte, 300.0, "2026-03-01", "2026-03-31")
        first = self._invoice(conteste, 1000.0, "2026-03-01", "2026-03-31")
        second = self._invoice(conteste, 800.0, "2026-03-01", "2026-03-31")
        third = self._invoice(conteste, 200.0, "2026-03-01", "2026-03-31")
        Promise = self.env["recouvrement.promise"]
        with freeze_time("2026-04-10"):
            Promise.create(
                {
                    "partner_id": promis.id,
                    "amount": 600.0,
                    "date": "2026-05-10",
                    "move_ids": [Command.set(promised.ids)],
                }
            )
            Promise.create({"partner_id": compte.id, "amount": 200.0, "date": "2026-05-10"})
            Dispute = self.env["recouvrement.dispute"]
            Dispute.create({"move_id": first.id, "reason": "price", "amount": 300.0})
            Dispute.create({"move_id": second.id, "reason": "quality"})
            rejected = Dispute.create({"move_id": third.id, "reason": "other"})
            rejected.action_reject()
        with freeze_time("2026-04-30"):
            groups = (
                self.env["recouvrement.aged.balance"]
                .with_user(self.controller)
                ._read_group(
                    [("partner_id", "in", (promis | compte | conteste).ids)],
                    ["partner_id"],
                    ["residual:sum", "under_promise:sum", "disputed:sum"],
                )
            )
        self.assertEqual(
            {partner.name: (res, prom, disp) for partner, res, prom, disp in groups},
            {
                "Promis": (1500.0, 1000.0, 0.0),
                "Compte": (700.0, 700.0, 0.0),
                "Contesté": (2000.0, 0.0, 1100.0),
            },
        )
