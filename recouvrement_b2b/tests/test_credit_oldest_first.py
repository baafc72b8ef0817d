"""Issue 17, left open last stop (NOTE13): an open credit pays the OLDEST open debt of the
customer in its company and currency first (art. 1342-10 Code civil: failing the debtor's
designation, the due debts first, among them the oldest), for every reminder and figure; a
reminder deducts only the credit shares allocated to the instalments it lists
(``recouvrement.dunning._allocate_open_credits``). Values by hand in each test."""

from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.tests import Form, tagged

from .common import DunningRunCommon


@tagged("post_install", "-at_install")
class TestCreditOldestFirst(DunningRunCommon):
    """The shipped standard (French) ladder: courteous 1 day after the due date, firm 15, last
    call 30, formal notice 45 (registered letter), litigation 60; the tester's customer with A
    900 due 10 February 2026 and B 400 due 5 March 2026."""

    def _receivable(self, move):
        return move.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )

    def _book(self, amount_a=900.0, amount_b=400.0):
        move_a = self._invoice(self.customer, amount_a, "2026-01-10", "2026-02-10")
        move_b = self._invoice(self.customer, amount_b, "2026-02-05", "2026-03-05")
        return move_a, move_b

    def _check_tester_case(self, credit_line):
        """A reminded on 11 February (courteous) and 25 February (firm); B, never reminded,
        goes alone in its courteous reminder of 6 March."""
        move_a, move_b = self.move_a, self.move_b
        [courteous_a] = self._run("2026-02-11")
        # A takes the credit: 900 - 350 = 550 (as before: A was the only debt due)
        self.assertRecordValues(
            courteous_a,
            [{"move_ids": move_a.ids, "amount_due": 550.0, "amount_open_credit": 350.0}],
        )
        [firm_a] = self._run("2026-02-25")
        self.assertRecordValues(firm_a, [{"move_ids": move_a.ids, "amount_due": 550.0}])
        # 6 March: B (never reminded) alone, courteous. The credit pays A, the older due
        # debt: B claims 400.00 and deducts nothing (was 400 - 350 = 50.00, the credit
        # deducted from B while A, older and open, was not in the reminder)
        [courteous_b] = self._run("2026-03-06")
        self.assertRecordValues(
            courteous_b,
            [
                {
                    "level_id": self.level_courteous.id,
                    "move_ids": move_b.ids,
                    "amount_due": 400.0,
                    "amount_open_credit": 0.0,
                    "credit_line_ids": [],
                }
            ],
        )
        # its letter prints no deducted credit
        self.assertEqual(courteous_b._get_letter_credits(), [])
        # A's next reminder, the last call of 12 March (30 days): A's part 900 - 350 = 550.00,
        # the credit listed at 350.00; B, reminded already, rides along at 400.00 (README,
        # product decisions: the stronger reminder lists the customer's reminded
        # instalments): 550 + 400 = 950.00
        [last_call] = self._run("2026-03-12")
        self.assertRecordValues(
            last_call,
            [
                {
                    "level_id": self.level_last_call.id,
                    "move_ids": (move_a | move_b).ids,
                    "amount_due": 950.0,
                    "amount_open_credit": 350.0,
                    "credit_line_ids": credit_line.ids,
                }
            ],
        )
        self.assertEqual([credit["amount"] for credit in last_call._get_letter_credits()], [350.0])

    def test_credit_note_pays_the_older_invoice_not_in_the_reminder(self):
        # Tester's case: credit note 350 of 1 February, unmatched.
        self.move_a, self.move_b = self._book()
        refund = self._open_credit_note(self.customer, 350.0, "2026-02-01")
        self._check_tester_case(self._receivable(refund))

    def test_unmatched_payment_pays_the_older_invoice_not_in_the_reminder(self):
        # The same with a payment of 350 received on 1 February, matched to no invoice.
        self.move_a, self.move_b = self._book()
        payment = self._unmatched_payment(self.customer, 350.0, "2026-02-01")
        credit_line = payment.move_id.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        self._check_tester_case(credit_line)

    def test_credit_larger_than_the_older_invoice(self):
        # A 300 due 10 February, B 400 due 5 March, credit note 350. The credit pays A whole
        # (350 - 300 = 50 left of it), then 50 of B: B's own net balance on 6 March is
        # 400 - 50 = 350.00 (was 400 - 350 = 50.00, the whole credit deducted from B). A,
        # paid by the credit, is never reminded alone (11 February: nothing); the reminder of
        # 6 March lists both (never reminded) and claims 300 + 400 - 350 = 350.00, the
        # credit at 350.00 (300 on A, 50 on B).
        move_a, move_b = self._book(amount_a=300.0)
        refund = self._open_credit_note(self.customer, 350.0, "2026-02-01")
        self.assertFalse(self._run("2026-02-11"))
        [event] = self._run("2026-03-06")
        self.assertRecordValues(
            event,
            [
                {
                    "move_ids": (move_a | move_b).ids,
                    "amount_due": 350.0,
                    "amount_open_credit": 350.0,
                    "credit_line_ids": self._receivable(refund).ids,
                }
            ],
        )
        self.assertEqual([credit["amount"] for credit in event._get_letter_credits()], [350.0])

    def test_dollar_credit_never_pays_a_euro_debt(self):
        # 1 EUR = 1.25 USD. A 900 EUR due 10 February (reminded on 11 and 25 February), due 5
        # March: B 400 USD (320 EUR) and C 300 EUR; credits: 350 EUR (note) and 100 USD
        # (80 EUR). 6 March, B and C (never reminded) together: the euro credit pays A, the
        # older euro debt: C claims 300.00 EUR (was 300 - 350 < 0: C left out); the dollar
        # credit pays B only: 320 - 80 = 240.00. Claimed 300 + 240 = 540.00, credits 80.00.
        usd = self.setup_other_currency("USD", rates=[("2026-01-01", 1.25)])
        move_a = self._invoice(self.customer, 900.0, "2026-01-10", "2026-02-10")
        move_b = self._invoice(self.customer, 400.0, "2026-02-05", "2026-03-05", currency=usd)
        move_c = self._invoice(self.customer, 300.0, "2026-02-05", "2026-03-05")
        euro_credit = self._open_credit_note(self.customer, 350.0, "2026-02-01")
        dollar_credit = self._open_credit_note(self.customer, 100.0, "2026-02-01", currency=usd)
        [courteous_a] = self._run("2026-02-11")
        # A: 900 - 350 = 550; the dollar credit is not deducted from a euro invoice
        self.assertRecordValues(
            courteous_a,
            [
                {
                    "move_ids": move_a.ids,
                    "amount_due": 550.0,
                    "credit_line_ids": self._receivable(euro_credit).ids,
                }
            ],
        )
        # A's firm reminder of 25 February (15 days): 550.00 again
        [firm_a] = self._run("2026-02-25")
        self.assertRecordValues(firm_a, [{"move_ids": move_a.ids, "amount_due": 550.0}])
        [event] = self._run("2026-03-06")
        self.assertRecordValues(
            event,
            [
                {
                    "move_ids": (move_b | move_c).ids,
                    "amount_due": 540.0,
                    "amount_open_credit": 80.0,
                    "credit_line_ids": self._receivable(dollar_credit).ids,
                }
            ],
        )

    def test_disputed_part_of_the_older_invoice_is_not_paid_by_the_credit(self):
        # A 900 due 10 February with an open dispute of 700 (opened 5 February), B 400 due 5
        # March, credit note 350. The credit pays A's undisputed 200 (the debtor has no
        # interest in paying a contested amount, art. 1342-10), the rest 150 goes to B: B's
        # own net balance on 6 March is 400 - 150 = 250.00 (was 400 - 350 = 50.00). A, its
        # undisputed part paid by the credit, is not reminded alone (11 February: nothing);
        # the reminder of 6 March lists A and B and claims 900 - 700 + 400 - 350 = 250.00,
        # 700.00 disputed.
        move_a, move_b = self._book()
        refund = self._open_credit_note(self.customer, 350.0, "2026-02-01")
        with freeze_time("2026-02-05"):
            self.env["recouvrement.dispute"].with_user(self.controller).create(
                {"move_id": move_a.id, "reason": "quantity", "amount": 700.0}
            )
        self.assertFalse(self._run("2026-02-11"))
        [event] = self._run("2026-03-06")
        self.assertRecordValues(
            event,
            [
                {
                    "move_ids": (move_a | move_b).ids,
                    "amount_due": 250.0,
                    "amount_disputed": 700.0,
                    "amount_open_credit": 350.0,
                    "credit_line_ids": self._receivable(refund).ids,
                }
            ],
        )

    def test_older_invoice_not_listed_leaves_the_newer_its_formal_notice(self):
        # Formal notice minimum 500. A 900 due 1 January 2026 under a promise to pay running
        # to 31 March (still a debt: the credit pays it first); B 600 due 10 January; credit
        # note 350. B: firm on 25 January (15 days), last call on 9 February (30 days), both
        # delivered by email; 24 February (45 days): the formal notice claims 600.00 (the
        # credit pays A, older), 600 >= 500 (was: 600 - 350 = 250 < 500, the last call again).
        self.level_notice.min_amount = 500.0
        move_a = self._invoice(self.customer, 900.0, "2025-12-01", "2026-01-01")
        move_b = self._invoice(self.customer, 600.0, "2025-12-10", "2026-01-10")
        self._open_credit_note(self.customer, 350.0, "2025-12-15")
        with freeze_time("2026-01-02"):
            self.env["recouvrement.promise"].with_user(self.controller).create(
                {
                    "partner_id": self.customer.id,
                    "amount": 900.0,
                    "date": "2026-03-31",
                    "move_ids": [Command.set(move_a.ids)],
                }
            )
        self.assertEqual(
            [(event.level_id, event.amount_due) for event in self._run("2026-01-25")],
            [(self.level_firm, 600.0)],
        )
        self.assertEqual(
            [(event.level_id, event.amount_due) for event in self._run("2026-02-09")],
            [(self.level_last_call, 600.0)],
        )
        [notice] = self._run("2026-02-24")
        self.assertRecordValues(
            notice,
            [
                {
                    "level_id": self.level_notice.id,
                    "move_ids": move_b.ids,
                    "amount_due": 600.0,
                    "amount_open_credit": 0.0,
                }
            ],
        )

    def test_plan_on_the_newer_invoice_gets_what_the_older_leaves(self):
        # A 900 due 10 February open (no plan), B 400 due 5 March, credit note 1 000 of 1
        # February. A plan on B, 20 March: the credit pays A first (900), B's plan deducts
        # the rest, 1 000 - 900 = 100, and schedules 400 - 100 = 300.00 (was: the whole
        # credit, 1 000 >= 400, refused as "the credits cover its invoices"); signed, it
        # matches 100 of the credit with B, 900 stay open for A.
        move_a, move_b = self._book()
        refund = self._open_credit_note(self.customer, 1000.0, "2026-02-01")
        with freeze_time("2026-03-20"):
            with Form(self._plan_wizard(move_b)) as form:
                form.instalment_count = 2
                form.first_date = date(2026, 4, 30)
                form.include_penalties = False
                self.assertEqual((form.amount_credits, form.amount_total), (100.0, 300.0))
            action = form.record.action_create_plan()
            plan = self.env["recouvrement.payment.plan"].browse(action["res_id"])
            self.assertRecordValues(
                plan, [{"amount_invoices": 400.0, "amount_credits": 100.0, "amount_total": 300.0}]
            )
            plan.with_user(self.controller).action_propose()
            plan.signature_date = date(2026, 3, 20)
            plan.with_user(self.controller).action_activate()
        self.assertEqual(
            (move_b.amount_residual, -self._receivable(refund).amount_residual), (300.0, 900.0)
        )
        # A's reminder of 21 March (39 days, the last call) still deducts the 900 left:
        # 900 - 900 = 0, nothing claimed
        self.assertEqual(self._plan("2026-03-21", partners=self.customer), [])
