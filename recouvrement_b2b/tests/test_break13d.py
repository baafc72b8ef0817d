from datetime import date

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import DunningRunCommon, RecouvrementCommon
from .test_plans import PlanCommon


@tagged("post_install", "-at_install")
class TestBreak13d(RecouvrementCommon):
    """Faults of the collector's cockpit found by the fourth break test of issue 13."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product = cls.env["product.product"].create(
            {"name": "Audit", "type": "service", "list_price": 100.0, "taxes_id": False}
        )

    def _statement(self, partner, day):
        return (
            self.env["recouvrement.statement"]
            .with_user(self.controller)
            ._get_statements(partner, date=day)[partner.id]
        )

    # ------------------------------------------------------------------------------------------
    # (a) the items a past statement leaves out are judged as at its date
    # ------------------------------------------------------------------------------------------

    def test_past_statement_leaves_out_what_was_open_then(self):
        """Redressement judgment 2024-04-14: A 10 000 (due 2024-03-15) is a frozen claim; C
        3 000 (due 2024-05-20) is ours; F 500 (due 2024-05-25) is assigned to a factor in
        notified factoring. After 30 June: F settled on 10 July, A partly paid (2 000, a
        dividend of the proceedings) on 12 July.

        The statement of 30 June, printed on 15 July, is as at 30 June: A (10 000 left then)
        and F (500 left then) are listed apart, not claimed; open items: C alone, balance
        3 000 (before: F, paid since, was judged by its residual of today, 0, and was claimed
        among the open items: balance 3 500)."""
        debtor = self.env["res.partner"].create(
            {"name": "Textiles Blanc", "is_company": True, "lang": "en_US"}
        )
        factor = self.env["res.partner"].create({"name": "Factor Crédit Lyonnais"})
        move_a = self._invoice(debtor, 10000, date(2024, 2, 14), date(2024, 3, 15))
        move_c = self._invoice(debtor, 3000, date(2024, 4, 20), date(2024, 5, 20))
        move_f = self._invoice(debtor, 500, date(2024, 4, 25), date(2024, 5, 25))
        move_f.write(
            {
                "is_factored": True,
                "factor_id": factor.id,
                "factoring_date": date(2024, 4, 26),
                "factoring_mode": "notified",
            }
        )
        debtor.write(
            {"collective_proceedings": "redressement", "proceedings_date": date(2024, 4, 14)}
        )
        self._pay(move_f, 500.0, date(2024, 7, 10))
        self._pay(move_a, 2000.0, date(2024, 7, 12))
        with freeze_time("2024-07-15"):
            statement = self._statement(debtor, date(2024, 6, 30))
        self.assertEqual(statement["open_items"].move_id, move_c)
        self.assertEqual(statement["left_out"].move_id, move_a | move_f)
        self.assertEqual(statement["total_open"], 3000.0)
        self.assertEqual(statement["balance"], 3000.0)
        books = statement["residuals_books"]
        self.assertEqual(
            [books[line.id] for line in statement["left_out"].sorted("date")], [10000.0, 500.0]
        )
        # today's statement: F paid, nothing to list; A's 8 000 left apart
        with freeze_time("2024-07-15"):
            statement = self._statement(debtor, date(2024, 7, 15))
        self.assertEqual(statement["left_out"].move_id, move_a)
        self.assertEqual(statement["residuals_books"][statement["left_out"].id], 8000.0)
        self.assertEqual(statement["balance"], 3000.0)

    # ------------------------------------------------------------------------------------------
    # (b) the exposure's "to invoice" amount is rounded to the currency
    # ------------------------------------------------------------------------------------------

    def _order(self, partner, lines, pricelist=None):
        order = self.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "pricelist_id": pricelist.id if pricelist else False,
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.product.id,
                            "product_uom_qty": qty,
                            "price_unit": price,
                            "tax_id": [Command.set(taxes.ids)] if taxes else [Command.clear()],
                        }
                    )
                    for qty, price, taxes in lines
                ],
            }
        )
        order.action_confirm()
        return order

    @freeze_time("2026-03-15")
    def test_exposure_to_invoice_rounded_to_the_currency(self):
        """1 EUR = 1.1 USD. An order of 100 USD to invoice is 100 / 1.1 = 90.909090... EUR:
        90.91 (the order converted and rounded, as Odoo converts an amount); two of them
        181.82. An order in euros of 3 x 10.01 + 20 % VAT (30.03 + 6.01 = 36.04) with one
        unit invoiced (10.01 + 2.00 = 12.01, posted) has 2/3 x 36.04 = 24.026666... left to
        invoice: 24.03. To invoice 181.82 + 24.03 = 205.85, exposure 205.85 + 12.01 = 217.86,
        available 1 000 - 217.86 = 782.14 (before: 205.844848..., the exposure and the
        available credit off the cent as well)."""
        usd = self.setup_other_currency("USD", rates=[("2000-01-01", 1.1)])
        pricelist = self.env["product.pricelist"].create({"name": "USD", "currency_id": usd.id})
        partner = self.env["res.partner"].create({"name": "Client Dollar", "is_company": True})
        partner.credit_limit = 1000.0
        self._order(partner, [(1, 100.0, None)], pricelist)
        self._order(partner, [(1, 100.0, None)], pricelist)
        tax = self.company_data["default_tax_sale"]
        tax.amount = 20.0
        order = self._order(partner, [(3, 10.01, tax)])
        self.assertEqual(order.amount_total, 36.04)
        order.order_line.qty_delivered = 1
        order.order_line.product_id.invoice_policy = "delivery"
        invoice = order._create_invoices()
        invoice.action_post()
        self.assertEqual(invoice.amount_total, 12.01)
        self.env.invalidate_all()
        row = (
            self.env["recouvrement.credit.exposure"]
            .with_user(self.controller)
            .search([("partner_id", "=", partner.id), ("company_id", "=", self.company.id)])
        )
        self.assertEqual(row.to_invoice, 205.85)
        self.assertEqual(row.receivable, 12.01)
        self.assertEqual(row.exposure, 217.86)
        self.assertEqual(row.available, 782.14)
        figures = self.env["recouvrement.credit"]._get_exposure_figures(partner)[partner.id]
        self.assertEqual(figures["to_invoice"], 205.85)
        self.assertEqual(figures["exposure"], 217.86)
        self.assertEqual(partner.with_user(self.controller).credit_exposure_to_invoice, 205.85)
        # the order checked at its confirmation counts the same cents
        quotation = self.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "pricelist_id": pricelist.id,
                "order_line": [
                    Command.create(
                        {"product_id": self.product.id, "price_unit": 100.0, "tax_id": False}
                    )
                ],
            }
        )
        self.assertEqual(self.env["recouvrement.credit"]._get_order_amount(quotation), 90.91)


@tagged("post_install", "-at_install")
class TestBreak13dCockpit(DunningRunCommon):
    """Promises, disputes and calls on the standard ladder (courtesy -5 days, courteous +1,
    firm +15, last call +30, formal notice +45, litigation +60), tolerance 3 days."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.recouvrement_promise_tolerance_days = 3

    def test_promise_past_its_tolerance_resumes_at_the_next_rung_before_its_check(self):
        """Reminded (courteous) on 1 April, the promise for 28 April (tolerance: 1 May) spans
        the firm (15 April) and last call (30 April) dates. On 2 May the dunning cron runs
        before the promise check (two daily crons, in no set order): the promise, still
        running, is past its tolerance and nothing was paid: the ladder sends the firm
        reminder, the next rung, as after the check (before: the last call, the firm rung
        skipped)."""
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
        self.assertEqual(self._plan("2026-05-01", customer), [])
        self.assertEqual(promise.state, "running")
        self.assertEqual(self._run("2026-05-02", customer).level_id, self.level_firm)
        with freeze_time("2026-05-02"):
            promise._cron_check_promises()
        self.assertEqual(promise.state, "broken")
        self.assertEqual(self._run("2026-05-03", customer).level_id, self.level_last_call)

    def test_two_disputes_of_one_invoice_escalated_to_one_case(self):
        """Invoice of 1 000: disputes of 300 (quality) and 200 (price). Escalating both at
        once, or the second after the first, puts them in the one open case of the invoice,
        which contests 300 + 200 = 500 (before: the second case was refused, the invoice
        being already in the first)."""
        customer = self._customer("Escalade")
        Dispute = self.env["recouvrement.dispute"].with_user(self.controller)
        for together in (True, False):
            move = self._invoice(customer, 1000.0, "2026-03-01", "2026-03-31")
            with freeze_time("2026-04-10"):
                first = Dispute.create({"move_id": move.id, "reason": "quality", "amount": 300})
                second = Dispute.create({"move_id": move.id, "reason": "price", "amount": 200})
                if together:
                    (first | second).action_escalate()
                else:
                    first.action_escalate()
                    second.action_escalate()
            self.assertEqual((first | second).mapped("state"), ["escalated", "escalated"])
            case = move.litigation_id
            self.assertTrue(case)
            self.assertEqual(first.litigation_id, case)
            self.assertEqual(second.litigation_id, case)
            self.assertEqual(case.disputed_amount, 500.0)
            self.assertEqual(case.move_ids, move)

    def test_call_log_disputes_an_invoice_of_its_customer_only(self):
        """The call log's disputed invoice is one of the called customer's, in the call's
        company: another customer's invoice (set through the API, the form's domain bypassed)
        is refused with a message naming the field, and nothing is logged."""
        customer, other = self._customer("Appelé"), self._customer("Autre")
        foreign = self._invoice(other, 800.0, "2026-03-01", "2026-03-31")
        with freeze_time("2026-04-10"):
            log = (
                self.env["recouvrement.call.log"]
                .with_user(self.controller)
                .create(
                    {
                        "partner_id": customer.id,
                        "outcome": "dispute",
                        "dispute_move_id": foreign.id,
                    }
                )
            )
            with self.assertRaisesRegex(ValidationError, "Disputed Invoice"):
                log.action_log()
        self.assertFalse(self.env["recouvrement.dispute"].search([("move_id", "=", foreign.id)]))
        self.assertFalse(self.env["recouvrement.call"].search([("partner_id", "=", customer.id)]))

    @freeze_time("2026-05-10")
    def test_refusal_names_no_step_for_invoices_the_ladder_leaves_out(self):
        """On 10 May, refusal calls of three customers, each with 1 000 due 31 March (40
        days late) never reminded: the ladder's next run would send the last call, but

        * Procès's invoice is in an open litigation case,
        * Pause's invoice is paused until 30 June,
        * Suspendu is paused as a customer until 30 June:

        the dunning sends them nothing today: the follow-up names no step of the ladder for
        Procès ("No further step of the ladder is planned"; before: "Last call, due on
        05/10/2026; send it now", a reminder the dunning would not send), and for the two
        paused ones the step the dunning sends when the pause ends, the last call on 1 July
        (issue 17: the step the run sends, as the invoice's next reminder date); Libre, the
        same invoice free, reads the last call due today."""
        names = ("Procès", "Pause", "Suspendu", "Libre")
        customers = {name: self._customer(name) for name in names}
        moves = {
            name: self._invoice(customer, 1000.0, "2026-03-01", "2026-03-31")
            for name, customer in customers.items()
        }
        self.env["recouvrement.litigation"].create(
            {
                "partner_id": customers["Procès"].id,
                "move_ids": [Command.set(moves["Procès"].ids)],
                "litigation_type": "dispute",
            }
        )
        self.assertTrue(moves["Procès"].litigation_id)
        moves["Pause"].write(
            {"dunning_paused_until": "2026-06-30", "dunning_pause_reason": "Accord commercial"}
        )
        customers["Suspendu"].write(
            {"dunning_paused_until": "2026-06-30", "dunning_pause_reason": "Accord amiable"}
        )
        plan = self._plan("2026-05-10", customers["Libre"])
        self.assertEqual(plan[0]["level"], self.level_last_call)
        for name in ("Procès", "Pause", "Suspendu"):
            self.assertEqual(self._plan("2026-05-10", customers[name]), [], name)
        notes = {}
        for name, customer in customers.items():
            self.env["recouvrement.call.log"].with_user(self.controller).create(
                {"partner_id": customer.id, "outcome": "refusal"}
            ).action_log()
            call = self.env["recouvrement.call"].search([("partner_id", "=", customer.id)])
            notes[name] = call.activity_ids.note
        self.assertIn(f"{self.level_last_call.name}, due on 05/10/2026", notes["Libre"])
        self.assertIn("No further step of the ladder is planned", notes["Procès"])
        for name in ("Pause", "Suspendu"):
            self.assertIn(f"{self.level_last_call.name}, due on 07/01/2026", notes[name], name)

    @freeze_time("2026-05-10")
    def test_worklist_next_step_legal_only_for_invoices_the_ladder_reminds(self):
        """On 10 May, three customers with a call due today, each 1 000 due 31 March (40 days
        late) reminded at the last call, whose next rung is the formal notice. Libre's next
        step is legal: priority 40 x 1 000 / 10 000 + 25 x 40 / 90 + 15 = 4 + 11.11 + 15 =
        30.11. Procès's invoice is in an open litigation case, Pause's is paused, Suspendu is
        paused as a customer: the ladder sends them nothing, their next step is not the
        formal notice: 15.11, not legal (before: 30.11 and legal, ranked with Libre)."""
        names = ("Libre", "Procès", "Pause", "Suspendu")
        customers = {name: self._customer(name) for name in names}
        moves = {}
        for name, customer in customers.items():
            moves[name] = self._invoice(customer, 1000.0, "2026-03-01", "2026-03-31")
            moves[name].sudo().dunning_level_id = self.level_last_call
            self._schedule_call(customer, fields.Date.to_date("2026-05-10"))
        self.env["recouvrement.litigation"].create(
            {
                "partner_id": customers["Procès"].id,
                "move_ids": [Command.set(moves["Procès"].ids)],
                "litigation_type": "dispute",
            }
        )
        moves["Pause"].write(
            {"dunning_paused_until": "2026-06-30", "dunning_pause_reason": "Accord commercial"}
        )
        customers["Suspendu"].write(
            {"dunning_paused_until": "2026-06-30", "dunning_pause_reason": "Accord amiable"}
        )
        self.env.flush_all()
        rows = (
            self.env["recouvrement.worklist"]
            .with_user(self.controller)
            .search([("partner_id", "in", [c.id for c in customers.values()])])
        )
        self.assertEqual(
            {row.partner_id.name: (row.next_step_legal, row.priority) for row in rows},
            {
                "Libre": (True, 30.11),
                "Procès": (False, 15.11),
                "Pause": (False, 15.11),
                "Suspendu": (False, 15.11),
            },
        )

    @freeze_time("2026-05-10")
    def test_overdue_list_next_reminder_of_invoices_the_ladder_leaves_out(self):
        """Three invoices of 1 000 due 31 March, reminded at the last call on 30 April: the
        next rung, the formal notice, is due on 31 March + 45 = 15 May. On the overdue list:
        Libre's next reminder is 15 May; Procès's invoice is in an open litigation case: no
        next reminder; Pause's is paused until 30 June (included): its next reminder is
        1 July, the first day the ladder may send it (before: 15 May for all three)."""
        customers = {name: self._customer(name) for name in ("Libre", "Procès", "Pause")}
        moves = {}
        for name, customer in customers.items():
            moves[name] = self._invoice(customer, 1000.0, "2026-03-01", "2026-03-31")
            moves[name].sudo().dunning_level_id = self.level_last_call
        self.env["recouvrement.litigation"].create(
            {
                "partner_id": customers["Procès"].id,
                "move_ids": [Command.set(moves["Procès"].ids)],
                "litigation_type": "dispute",
            }
        )
        moves["Pause"].write(
            {"dunning_paused_until": "2026-06-30", "dunning_pause_reason": "Accord commercial"}
        )
        self.assertEqual(
            {name: move.dunning_next_date for name, move in moves.items()},
            {
                "Libre": fields.Date.to_date("2026-05-15"),
                "Procès": False,
                "Pause": fields.Date.to_date("2026-07-01"),
            },
        )


@tagged("post_install", "-at_install")
class TestBreak13dPlans(PlanCommon):
    """The worklist and the payment plans broken."""

    def test_broken_plan_leaves_the_worklist_once_its_activity_is_done(self):
        """A plan (1 000 + 500, tolerance 10 days) breaks on 11 April 2025: the customer is on
        the worklist (payment plan broken) while the credit manager's activity of the break is
        open. The manager marks it done: the customer leaves the worklist, as after a broken
        promise's activity (before: a broken plan stays broken, and the customer stayed on
        the worklist every day for ever, even once paid in full)."""
        with freeze_time("2025-03-01"):
            plan = self._active_plan(tolerance_days=10)
        with freeze_time("2025-04-11"):
            self.Plan._cron_check_plans()
            self.assertEqual(plan.state, "broken")
            Worklist = self.env["recouvrement.worklist"].with_user(self.controller)
            row = Worklist.search([("partner_id", "=", self.customer.id)])
            self.assertTrue(row.plan_broken)
            plan.activity_ids.with_user(self.manager).action_feedback(feedback="Rappelé")
            self.env.flush_all()
            self.assertFalse(Worklist.search([("partner_id", "=", self.customer.id)]))
        self._pay(self.inv1, 1000.0, "2025-05-02")
        self._pay(self.inv2, 500.0, "2025-05-02")
        with freeze_time("2025-06-01"):
            self.assertFalse(Worklist.search([("partner_id", "=", self.customer.id)]))


@tagged("post_install", "-at_install")
class TestBreak13dTrend(RecouvrementCommon):
    """DSO, CEI and share overdue hand-computed on a small book of one customer."""

    @freeze_time("2026-03-31")
    def test_trend_hand_computed(self):
        """A 1 000 of 10 January due 9 February; B 2 000 of 15 February due 17 March; 600
        paid on A on 20 February; C 500 of 5 March due that day; a credit note of 100 of 10
        March matched with B; 400 paid on A on 25 March.

        February: opening 1 000, sales 2 000, collected 600, closing 2 400; overdue at the
        month's end: A's 1 000 - 600 = 400; current 2 000. Share overdue 400 / 2 400 =
        16.6667 %; simple DSO 2 400 / 2 000 x 28 = 33.6; count-back: February's 2 000 (28
        days), 400 left of January's 1 000: 28 + 31 x 400 / 1 000 = 40.4; CEI (1 000 + 2 000
        - 2 400) / (1 000 + 2 000 - 2 000) = 60 %.

        March: opening 2 400, sales 500 - 100 = 400, collected 400, closing 2 400, all
        overdue (B 1 900 since 18 March, C 500 since 6 March), current 0. Share 100 %; simple
        DSO 2 400 / 400 x 31 = 186; count-back 31 (March's 400) + 28 (February's 2 000) = 59;
        CEI (2 400 + 400 - 2 400) / (2 400 + 400 - 0) = 14.2857 %."""
        customer = self.env["res.partner"].create({"name": "Tendance", "is_company": True})
        move_a = self._invoice(customer, 1000.0, "2026-01-10", "2026-02-09")
        move_b = self._invoice(customer, 2000.0, "2026-02-15", "2026-03-17")
        self._pay(move_a, 600.0, "2026-02-20")
        self._invoice(customer, 500.0, "2026-03-05", "2026-03-05")
        self._credit_note(move_b, 100.0, "2026-03-10")
        self._pay(move_a, 400.0, "2026-03-25")
        trend = self.env["recouvrement.receivable.trend"]
        trend._refresh()
        measures = [
            "receivable_begin:sum",
            "sales:sum",
            "collected:sum",
            "receivable_end:sum",
            "overdue_end:sum",
            "share_overdue:avg",
            "dso_simple:avg",
            "dso_countback:avg",
            "cei:avg",
        ]
        expected = {
            "2026-02-01": [1000, 2000, 600, 2400, 400, 16.6667, 33.6, 40.4, 60.0],
            "2026-03-01": [2400, 400, 400, 2400, 2400, 100.0, 186.0, 59.0, 14.2857],
        }
        for month, wanted in expected.items():
            [row] = trend.with_user(self.controller)._read_group(
                [("company_id", "=", self.company.id), ("month", "=", month)], [], measures
            )
            for measure, value, figure in zip(measures, row, wanted, strict=True):
                self.assertAlmostEqual(value, figure, places=3, msg=f"{month} {measure}")
