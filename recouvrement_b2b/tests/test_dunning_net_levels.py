"""Issue 17, left open last stop: a level's minimum compared with the net balance a reminder
claims (each currency net of its own open credits), and holds (promises, disputes) taken
from the net balance of their own currency."""

from datetime import date

from freezegun import freeze_time
from lxml import html as lxml_html

from odoo import Command
from odoo.tests import tagged

from .common import DunningRunCommon


@tagged("post_install", "-at_install")
class TestDunningNetLevels(DunningRunCommon):
    """The standard ladder (courteous at 1 day, firm 15, last call 30, formal notice 45 with
    credit hold, litigation 60); the customer's invoice of 1 000 due 1 March 2026 and an
    unmatched credit note of 700: a net balance of 300."""

    def _book(self, credit=700.0):
        move = self._invoice(self.customer, 1000.0, "2026-02-01", "2026-03-01")
        refund = self._refund(self.customer, credit, "2026-03-02")
        return move, refund.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )

    def _usd(self):
        # 1 EUR = 1.10 USD in the books, 1.25 USD from 15 March 2026 (the day of the runs)
        return self.setup_other_currency("USD", rates=[("2026-01-01", 1.10), ("2026-03-15", 1.25)])

    def _usd_refund(self, amount, usd):
        refund = self._invoice(self.customer, amount, "2026-03-02", post=False, currency=usd)
        refund.move_type = "out_refund"
        refund.action_post()
        return refund

    def test_formal_notice_minimum_unmet_sends_the_last_call(self):
        # Formal notice minimum 500. 16 March (15 days late): the firm reminder claims
        # 1 000 - 700 = 300, delivered (email), pay by 24 March. 15 April (45 days): the
        # formal notice is due, but 300 < 500. Old value: no reminder at all (the customer was
        # left out). Right: the highest level below whose minimum is met, the last call
        # (minimum 0), claiming 300 with the credit of 700 shown.
        self.level_notice.min_amount = 500.0
        move, credit_line = self._book()
        [firm] = self._run("2026-03-16")
        self.assertRecordValues(firm, [{"level_id": self.level_firm.id, "amount_due": 300.0}])
        [last_call] = self._run("2026-04-15")
        self.assertRecordValues(
            last_call,
            [
                {
                    "level_id": self.level_last_call.id,
                    "amount_due": 300.0,
                    "amount_open_credit": 700.0,
                    "credit_line_ids": credit_line.ids,
                    "move_ids": move.ids,
                }
            ],
        )
        self.assertEqual(move.dunning_level_id, self.level_last_call)
        # 30 April (60 days): litigation (minimum 0) is due; it needs a formal notice first,
        # whose minimum 300 does not meet, and the last call was sent: nothing (not a formal
        # notice for 300 under its minimum of 500).
        self.assertEqual(self._run("2026-04-30"), self.env["recouvrement.dunning.event"])
        self.assertFalse(self.customer.with_company(self.company).credit_hold)

    def test_amicable_minimum_unmet_sends_the_level_below(self):
        # Last call minimum 400; 31 March (30 days late): the last call is due for the invoice
        # (1 000 >= 400) but the reminder claims 1 000 - 700 = 300 < 400. Old value: the last
        # call for 300. Right: the firm reminder (minimum 0) for 300.
        self.level_last_call.min_amount = 400.0
        move, credit_line = self._book()
        [event] = self._run("2026-03-31")
        self.assertRecordValues(
            event,
            [
                {
                    "level_id": self.level_firm.id,
                    "amount_due": 300.0,
                    "amount_open_credit": 700.0,
                    "credit_line_ids": credit_line.ids,
                }
            ],
        )
        self.assertEqual(move.dunning_level_id, self.level_firm)

    def test_next_reminder_date_skips_a_level_the_net_balance_does_not_meet(self):
        # Last call minimum 400. The firm reminder of 16 March claims 300 (1 000 - 700). Its
        # next reminder: old value 31 March (the last call, whose minimum the invoice's 1 000
        # meets; the run of 31 March then sends nothing). Right: 15 April, the formal notice
        # (minimum 0), the last call being skipped on the net 300 < 400.
        self.level_last_call.min_amount = 400.0
        move, _credit_line = self._book()
        [firm] = self._run("2026-03-16")
        self.assertEqual(firm.amount_due, 300.0)
        with freeze_time("2026-03-16"):
            move.invalidate_recordset(["dunning_next_date"])
            self.assertEqual(move.dunning_next_date, date(2026, 4, 15))
        self.assertEqual(self._run("2026-03-31"), self.env["recouvrement.dunning.event"])
        [notice] = self._run("2026-04-15")
        self.assertRecordValues(notice, [{"level_id": self.level_notice.id, "amount_due": 300.0}])

    def test_no_level_minimum_met_no_reminder(self):
        # Every level below the formal notice has a minimum of 400; 31 March the reminder
        # would claim 300. Old value: the last call for 300. Right: no reminder.
        (self.policy.level_ids - self.level_notice - self.level_litigation).min_amount = 400.0
        move, _credit_line = self._book()
        self.assertEqual(self._plan("2026-03-31"), [])
        self.assertEqual(self._run("2026-03-31"), self.env["recouvrement.dunning.event"])
        self.assertFalse(move.dunning_level_id)

    def test_minimum_compared_in_company_currency_on_the_dollar_net(self):
        # 1 250 USD due 1 March 2026 and an unmatched dollar credit note of 500 USD; on
        # 31 March (30 days, last call minimum 700 EUR) the reminder claims (1 250 - 500) /
        # 1.25 = 600.00 EUR < 700 EUR (750 USD would pass, compared in dollars). The invoice
        # alone, 1 250 / 1.25 = 1 000 EUR, reaches the last call. Old value: the last call for
        # 600. Right: the firm reminder for 600.00.
        usd = self._usd()
        self.level_last_call.min_amount = 700.0
        dollars = self._invoice(self.customer, 1250.0, "2026-02-01", "2026-03-01", currency=usd)
        self._usd_refund(500.0, usd)
        [event] = self._run("2026-03-31")
        self.assertRecordValues(
            event,
            [{"level_id": self.level_firm.id, "amount_due": 600.0, "amount_open_credit": 400.0}],
        )
        self.assertEqual(dollars.dunning_level_id, self.level_firm)

    def test_first_run_preview_counts_the_level_sent(self):
        # First run on 15 April 2026 (45 days late: the formal notice is due), formal notice
        # minimum 500, net 300. Old value: the preview listed nobody (the customer left out).
        # Right: the last call (the highest amicable level: nothing was delivered, and 300 <
        # 500), 1 customer, 300.00; the run sends it.
        self.company.dunning_first_run_date = False
        self.level_notice.min_amount = 500.0
        self._book()
        with freeze_time("2026-04-15"):
            wizard = (
                self.env["recouvrement.dunning.run"]
                .with_user(self.controller)
                .create({"date": "2026-04-15"})
            )
            self.assertTrue(wizard.is_first_run)
            wizard.action_preview()
            self.assertRecordValues(
                wizard.line_ids, [{"level_id": self.level_last_call.id, "amount": 300.0}]
            )
            self.assertEqual(
                str(wizard.level_summary).split("<tbody>")[1],
                '<tr><td>Last call</td><td class="text-end">1</td>'
                '<td class="text-end">300.00\xa0€</td></tr></tbody></table>',
            )
            wizard.first_run_confirmed = True
            wizard.action_execute()
        self.assertRecordValues(
            wizard.event_ids, [{"level_id": self.level_last_call.id, "amount_due": 300.0}]
        )

    def test_refusal_names_the_level_the_net_balance_reaches(self):
        # Last call minimum 400. On 10 May (40 days late) refusal calls of two customers
        # with 1 000 due 31 March: Avoir with an open credit of 700 (net 300 < 400), Couvert
        # with one of 1 000 (net 0). Old value: "Last call, due on 05/10/2026" for both (the
        # credits ignored). Right: Avoir's next step is the firm reminder, today, as the run
        # of 10 May sends it; Couvert has none.
        self.level_last_call.min_amount = 400.0
        self.company.recouvrement_user_id = self.manager
        notes, customers = {}, {}
        for name, credit in (("Avoir", 700.0), ("Couvert", 1000.0)):
            customer = customers[name] = self._customer(name)
            self._invoice(customer, 1000.0, "2026-03-01", "2026-03-31")
            self._refund(customer, credit, "2026-04-01")
            with freeze_time("2026-05-10"):
                self.env["recouvrement.call.log"].with_user(self.controller).create(
                    {"partner_id": customer.id, "outcome": "refusal"}
                ).action_log()
            call = self.env["recouvrement.call"].search([("partner_id", "=", customer.id)])
            notes[name] = call.activity_ids.note
        self.assertIn(f"{self.level_firm.name}, due on 05/10/2026", notes["Avoir"])
        self.assertIn("No further step of the ladder is planned.", notes["Couvert"])
        [item] = self._plan("2026-05-10", partners=customers["Avoir"] | customers["Couvert"])
        self.assertEqual((item["partner"], item["level"]), (customers["Avoir"], self.level_firm))

    def test_worklist_next_step_legal_on_the_net_balance(self):
        # Formal notice minimum 500; on 10 April two customers at the last call, each with
        # 1 000 due 1 March and a call due: Ample with an open credit of 300 (net 700 >=
        # 500: the next step is the formal notice, legal), Maigre with one of 700 (net 300 <
        # 500: the run skips the notice and, without it, litigation; nothing legal). Old
        # value: legal for both.
        self.level_notice.min_amount = 500.0
        self.company.recouvrement_user_id = self.manager
        customers = {}
        for name, credit in (("Ample", 300.0), ("Maigre", 700.0)):
            customer = customers[name] = self._customer(name)
            move = self._invoice(customer, 1000.0, "2026-02-01", "2026-03-01")
            move.sudo().dunning_level_id = self.level_last_call
            self._refund(customer, credit, "2026-03-02")
            self._schedule_call(customer, date(2026, 4, 10))
        with freeze_time("2026-04-10"):
            rows = (
                self.env["recouvrement.worklist"]
                .with_user(self.controller)
                .search([("partner_id", "in", [c.id for c in customers.values()])])
            )
            self.assertEqual(
                {row.partner_id.name: row.next_step_legal for row in rows},
                {"Ample": True, "Maigre": False},
            )


@tagged("post_install", "-at_install")
class TestDunningHoldsPerCurrency(DunningRunCommon):
    """A customer with A: 1 000 EUR and B: 1 100 USD (1 000 EUR in the books at 1.10), both
    due 1 March 2026, and an unmatched credit note of 500 EUR; 1 EUR = 1.25 USD from
    15 March: B is worth 1 100 / 1.25 = 880.00 EUR. The firm reminder of 20 March."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        usd = cls.setup_other_currency("USD", rates=[("2026-01-01", 1.10), ("2026-03-15", 1.25)])
        cls.euros = cls._invoice(cls.customer, 1000.0, "2026-02-01", "2026-03-01")
        cls.dollars = cls._invoice(cls.customer, 1100.0, "2026-02-01", "2026-03-01", currency=usd)
        refund = cls._refund(cls.customer, 500.0, "2026-03-02")
        cls.credit_line = refund.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )

    def _promise(self, moves, amount):
        with freeze_time("2026-03-10"):
            return (
                self.env["recouvrement.promise"]
                .with_user(self.controller)
                .create(
                    {
                        "partner_id": self.customer.id,
                        "amount": amount,
                        "date": "2026-04-10",
                        "move_ids": [Command.set(moves.ids)],
                    }
                )
            )

    def _dispute_euros(self, amount):
        """A dispute of ``amount`` on A, opened on 5 March."""
        with freeze_time("2026-03-05"):
            self.env["recouvrement.dispute"].with_user(self.controller).create(
                {"move_id": self.euros.id, "reason": "quantity", "amount": amount}
            )

    def _letter_totals(self, event):
        html = self.env["ir.actions.report"]._render_qweb_html(
            "recouvrement_b2b.report_dunning_letter", event.ids
        )[0]
        page = lxml_html.fromstring(html)
        rows = page.xpath("//table[contains(@class, 'ms-auto')]//tr")
        return [[" ".join(td.text_content().split()) for td in row.xpath("td")] for row in rows]

    def test_promise_on_the_dollar_invoice_claims_the_euro_net(self):
        # B under a promise: the reminder claims A net of the euro credit, 1 000 - 500 =
        # 500.00, nothing in dollars (this was right already: 500 + 880 - 880).
        self._promise(self.dollars, 880.0)
        [event] = self._run("2026-03-20")
        self.assertRecordValues(
            event,
            [
                {
                    "level_id": self.level_firm.id,
                    "move_ids": self.euros.ids,
                    "amount_due": 500.0,
                    "amount_open_credit": 500.0,
                    "credit_line_ids": self.credit_line.ids,
                }
            ],
        )

    def test_promise_on_the_euro_invoice_claims_the_dollars_without_the_euro_credit(self):
        # A under a promise: nothing is claimed in euros, so the euro credit is not deducted
        # (a euro credit does not pay a dollar invoice, art. 1347-1 Code civil). Old value:
        # 500 + 880 - 1 000 = 380.00 claimed with the credit of 500.00 shown. Right: 880.00,
        # no credit, in the event, its email and its letter.
        self._promise(self.euros, 1000.0)
        [event] = self._run("2026-03-20")
        self.assertRecordValues(
            event,
            [
                {
                    "level_id": self.level_firm.id,
                    "move_ids": self.dollars.ids,
                    "amount_due": 880.0,
                    "amount_open_credit": 0.0,
                    "amount_disputed": 0.0,
                    "credit_line_ids": [],
                    "amount_total": 880.0,
                }
            ],
        )
        self.assertEqual(event._get_letter_credits(), [])
        self.assertEqual(self._letter_totals(event)[-1], ["Total due", "880.00 €"])
        mail = self.env["mail.mail"].search(
            [("model", "=", event._name), ("res_id", "=", event.id)]
        )
        body = " ".join(lxml_html.fromstring(mail.body_html).text_content().split())
        self.assertIn("Total due: 880.00 €", body)
        self.assertNotIn("500.00", body)
        # the invoice under the promise keeps its level; the dollars go up the ladder
        self.assertFalse(self.euros.dunning_level_id)
        self.assertEqual(self.dollars.dunning_level_id, self.level_firm)

    def test_dispute_covering_the_euro_net_claims_the_dollars(self):
        # 600 of A disputed: A's undisputed 400 is covered by the euro credit of 500 (400 -
        # 500 < 0): nothing claimed in euros. Old value: 500 + 880 - 600 = 780.00 with 600.00
        # contested and the credit of 500.00. Right: B alone, 880.00, nothing contested nor
        # deducted.
        self._dispute_euros(600.0)
        self.assertRecordValues(
            self._run("2026-03-20"),
            [
                {
                    "move_ids": self.dollars.ids,
                    "amount_due": 880.0,
                    "amount_disputed": 0.0,
                    "amount_open_credit": 0.0,
                    "credit_line_ids": [],
                }
            ],
        )

    def test_dispute_smaller_than_the_euro_net_is_taken_from_the_euros(self):
        # 200 of A disputed: euros 1 000 - 200 - 500 = 300, dollars 880: 1 180.00 claimed,
        # 200.00 contested, the credit of 500.00 deducted (as before).
        self._dispute_euros(200.0)
        self.assertRecordValues(
            self._run("2026-03-20"),
            [
                {
                    "move_ids": (self.euros | self.dollars).ids,
                    "amount_due": 1180.0,
                    "amount_disputed": 200.0,
                    "amount_open_credit": 500.0,
                    "credit_line_ids": self.credit_line.ids,
                }
            ],
        )

    def test_promise_lowers_the_net_under_a_level_minimum(self):
        # Last call minimum 700 EUR; 31 March (30 days): B under a promise; A's net 1 000 -
        # 500 = 500 < 700: the firm reminder (minimum 0) for 500.00. Old value: the last call
        # for 500 (the minimum was compared before the promise, on 500 + 880 = 1 380).
        self.level_last_call.min_amount = 700.0
        self._promise(self.dollars, 880.0)
        [event] = self._run("2026-03-31")
        self.assertRecordValues(event, [{"level_id": self.level_firm.id, "amount_due": 500.0}])

    def test_invoice_in_a_payment_plan_left_out_of_the_net_balance(self):
        # A: 1 000 EUR in a payment plan, C: 300 EUR due 1 March, the euro credit of 500:
        # the reminder of C nets 300 - 500 < 0 and claims nothing in euros (the plan leaves
        # A out), only B, 880.00. C's next reminder date: old value 20 March (the balance
        # counted A: 1 000 + 300 - 500 = 800 > 0), no reminder coming; right: none.
        late = self._invoice(self.customer, 300.0, "2026-02-01", "2026-03-01")
        self.euros.sudo().payment_plan_id = self.env["recouvrement.payment.plan"].create(
            {
                "partner_id": self.customer.id,
                "move_ids": [Command.set(self.euros.ids)],
                "instalment_count": 3,
                "first_date": date(2026, 4, 1),
            }
        )
        with freeze_time("2026-03-20"):
            self.env["recouvrement.dunning"]._recompute_next_dates(late)
            self.assertFalse(late.dunning_next_date)
        [event] = self._run("2026-03-20")
        self.assertRecordValues(
            event,
            [
                {
                    "move_ids": self.dollars.ids,
                    "amount_due": 880.0,
                    "amount_open_credit": 0.0,
                    "credit_line_ids": [],
                }
            ],
        )
