"""Issue 17: the collection page asks what the reminders claim. Its open credits are shared by
the one rule (``recouvrement.dunning._allocate_open_credits``: the cases' claims first, then
the oldest debt first, a claim the page does not show included), and "to pay now" holds back
what an open dispute holds back, as the reminders do. Values by hand in each test."""

from datetime import date

from freezegun import freeze_time

from odoo import fields
from odoo.tests import HttpCase, tagged

from .common import RecouvrementCommon


@tagged("post_install", "-at_install")
class TestPortalCredits(RecouvrementCommon):
    def _group(self, partner, day):
        with freeze_time(day):
            [group] = self.env["recouvrement.customer"]._get_portal_values(
                partner, fields.Date.to_date(day)
            )["companies"]
        return group

    def _figures(self, group):
        return group["due"], group["payable"], group["open_credit"], group["disputed"]

    def test_case_shown_takes_the_credit_first(self):
        # A 1 000 due 1 Feb in an open recovery case, B 500 due 1 Mar, credit note 600 of
        # 10 Jan. The case takes the credit first (it claims A: 1 000 - 600 = 400), B is
        # owed whole. The page shows both: 1 500 - 600 = 900 due and to pay on 15 Mar, 600
        # of credits (the case's take), as the case and B ask together.
        customer = self._customer("Garage Case Credit")
        move_a = self._invoice(customer, 1000.0, "2026-01-02", "2026-02-01")
        self._invoice(customer, 500.0, "2026-01-30", "2026-03-01")
        self._open_credit_note(customer, 600.0, "2026-01-10")
        with freeze_time("2026-03-10"):
            case = self._litigation_case(move_a, litigation_type="recovery")
        group = self._group(customer, "2026-03-15")
        self.assertEqual(self._figures(group), (900.0, 900.0, 600.0, 0.0))
        with freeze_time("2026-03-15"):
            case.invalidate_recordset(["open_credit_amount", "amount_residual"])
            self.assertEqual((case.amount_residual, case.open_credit_amount), (1000.0, 600.0))

    def test_not_due_invoice_takes_what_the_due_ones_leave(self):
        # A 400 due 1 Feb, B 1 000 due 30 Apr (not due on 15 Mar), credit 700: A takes 400
        # (due first), B 300. To pay now 0, due 1 400 - 700 = 700, credits 700 deducted.
        customer = self._customer("Menuiserie Pas Echue")
        self._invoice(customer, 400.0, "2026-01-02", "2026-02-01")
        self._invoice(customer, 1000.0, "2026-03-01", "2026-04-30")
        self._open_credit_note(customer, 700.0, "2026-01-10")
        self.assertEqual(
            self._figures(self._group(customer, "2026-03-15")), (700.0, 0.0, 700.0, 0.0)
        )
        # the same with the credit smaller than the due invoice: 400 - 300 = 100 now
        other = self._customer("Menuiserie Petit Avoir")
        self._invoice(other, 400.0, "2026-01-02", "2026-02-01")
        self._invoice(other, 1000.0, "2026-03-01", "2026-04-30")
        self._open_credit_note(other, 300.0, "2026-01-10")
        self.assertEqual(
            self._figures(self._group(other, "2026-03-15")), (1100.0, 100.0, 300.0, 0.0)
        )

    def test_disputed_part_held_back_and_credit_left_over(self):
        # A 1 000 due 1 Feb, 400 of it under an open dispute; credit note 700. The credit
        # pays A's undisputed 600, 100 of it is left (nothing else to pay): the reminders
        # claim nothing; the page asks 0 now, 400 held back, and the balance 1 000 - 700 =
        # 300 (what a promise may cover).
        customer = self._customer("Imprimerie Litige")
        move = self._invoice(customer, 1000.0, "2026-01-02", "2026-02-01")
        self._open_credit_note(customer, 700.0, "2026-01-10")
        with freeze_time("2026-02-20"):
            self.env["recouvrement.dispute"].create(
                {"move_id": move.id, "reason": "quantity", "amount": 400.0}
            )
        self.assertEqual(
            self._figures(self._group(customer, "2026-03-01")), (300.0, 0.0, 700.0, 400.0)
        )
        with freeze_time("2026-03-01"):
            plan = self.env["recouvrement.dunning"]._get_plan(date(2026, 3, 1), partners=customer)
        self.assertEqual(plan, [])

    def test_dispute_without_credit(self):
        # A 1 000 due 1 Feb with 250 disputed, B 200 due 1 Mar: to pay now on 10 Mar 750 +
        # 200 = 950, due 1 200, no credit
        customer = self._customer("Imprimerie Sans Avoir")
        move = self._invoice(customer, 1000.0, "2026-01-02", "2026-02-01")
        self._invoice(customer, 200.0, "2026-01-30", "2026-03-01")
        with freeze_time("2026-02-20"):
            self.env["recouvrement.dispute"].create(
                {"move_id": move.id, "reason": "price", "amount": 250.0}
            )
        self.assertEqual(
            self._figures(self._group(customer, "2026-03-10")), (1200.0, 950.0, 0.0, 250.0)
        )

    def test_credit_of_another_currency_pays_nothing(self):
        # 1 EUR = 1.25 USD. A 1 000 EUR due 1 Feb; B 1 250 USD (1 000 EUR) due 1 Feb; a USD
        # credit note of 625 USD (500 EUR): it pays B only. Due and to pay: 1 000 + 500 =
        # 1 500 EUR, 500 of credits.
        usd = self.setup_other_currency("USD", rates=[("2000-01-01", 1.25)])
        customer = self._customer("Export Deux Devises")
        self._invoice(customer, 1000.0, "2026-01-02", "2026-02-01")
        self._invoice(customer, 1250.0, "2026-01-02", "2026-02-01", currency=usd)
        self._open_credit_note(customer, 625.0, "2026-01-10", currency=usd)
        self.assertEqual(
            self._figures(self._group(customer, "2026-03-01")), (1500.0, 1500.0, 500.0, 0.0)
        )

    def test_query_count_does_not_grow_with_the_invoices(self):
        # two customers, one with 2 invoices, a credit and a dispute, one with 6 of each
        counts = []
        for size, name in ((2, "Petit Compte"), (6, "Grand Compte")):
            customer = self._customer(name)
            moves = [
                self._invoice(customer, 100.0 + n, "2026-01-02", f"2026-02-{n + 1:02d}")
                for n in range(size)
            ]
            for n in range(size):
                self._open_credit_note(customer, 10.0, f"2026-01-{n + 3:02d}")
            with freeze_time("2026-02-20"):
                self.env["recouvrement.dispute"].create(
                    {"move_id": moves[0].id, "reason": "price", "amount": 50.0}
                )
            self.env.invalidate_all()
            with freeze_time("2026-03-10"):
                self.env["recouvrement.customer"]._get_portal_values(customer, date(2026, 3, 10))
                args = self._nets_args(customer, date(2026, 3, 10))
                before = self.cr.sql_log_count
                self.env["recouvrement.customer"]._get_portal_nets(*args)
                counts.append(self.cr.sql_log_count - before)
        self.assertEqual(counts[0], counts[1])

    def _nets_args(self, customer, day):
        Customer = self.env["recouvrement.customer"]
        moves = self.env["account.move"].search(
            [("commercial_partner_id", "=", customer.id), ("move_type", "=", "out_invoice")]
        )
        statement = Customer._get_statement(customer)
        receivable = moves.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        credit_lines = self.env["account.move.line"].union(
            *(item["line"] for item in statement if item["credit"])
        )
        amounts = self.env["recouvrement.dunning"]._get_line_amounts(receivable | credit_lines, day)
        self.env.invalidate_all()
        return moves, receivable, statement, amounts, day


@tagged("post_install", "-at_install")
class TestPortalCreditsPage(RecouvrementCommon, HttpCase):
    def test_page_shows_the_disputed_part_and_what_to_pay(self):
        # today's page (the server's date): A 1 000 due 60 days ago with 400 disputed, a
        # credit note of 100: 1 000 - 400 - 100 = 500 to pay now, both rows shown, in French
        # for a French customer
        today = fields.Date.context_today(self.env["res.partner"])
        customer = self._customer("Fonderie Page", lang="fr_FR")
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env.ref("base.module_recouvrement_b2b")._update_translations(["fr_FR"])
        move = self._invoice(
            customer,
            1000.0,
            fields.Date.subtract(today, days=90),
            fields.Date.subtract(today, days=60),
        )
        self._open_credit_note(customer, 100.0, fields.Date.subtract(today, days=80))
        self.env["recouvrement.dispute"].create(
            {"move_id": move.id, "reason": "quantity", "amount": 400.0}
        )
        token = self.env["recouvrement.customer"]._get_collection_token(customer)
        page = self.url_open(f"/fr/my/collection/{customer.id}?access_token={token}").text
        self.assertIn('class="o_collection_disputed"', page)
        self.assertIn("En litige", page)
        net = page.split("o_collection_net", 1)[1][:400]
        self.assertIn("500,00", net)
