"""Fresh tester of stop 19 (try19), issue 17: the candidate tried with inputs no other test
uses. A: open credits pay the oldest open debt first (art. 1342-10 Code civil) for every
reminder, letter, plan and figure; B: litigation cases and served orders; C: the stored next
reminder date. Values by hand in each test."""

from datetime import date, timedelta

from freezegun import freeze_time
from psycopg2.errors import SerializationFailure

from odoo import SUPERUSER_ID, Command, api
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from . import test_try18
from .common import InstalmentRunsCommon, TwoCursorsCommon
from .test_prerequisites_per_line import PrerequisitesCommon


def _days(start, end):
    first, last = date.fromisoformat(start), date.fromisoformat(end)
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


@tagged("post_install", "-at_install")
class TestTry19Credits(InstalmentRunsCommon):
    """The standard ladder (courtesy 5 days before the due date, courteous +1, firm +15, last
    call +30, formal notice +45 by registered letter, litigation +60; 8 days to pay from the
    firm level); a letter posted the day it is prepared. The customer owes A 500 due 4 Feb
    2026, B 800 due 1 Mar, C 1 200 due 20 Mar, D 300 due 10 Apr; credit note X of 650 dated
    20 Jan (larger than A, the oldest)."""

    def _book(self):
        cust = self.customer
        self.move_a = self._invoice(cust, 500.0, "2026-01-05", "2026-02-04")
        self.move_b = self._invoice(cust, 800.0, "2026-01-30", "2026-03-01")
        self.move_c = self._invoice(cust, 1200.0, "2026-02-18", "2026-03-20")
        self.move_d = self._invoice(cust, 300.0, "2026-03-11", "2026-04-10")
        self._open_credit_note(cust, 650.0, "2026-01-20")

    def _daily_events(self, start, end, hooks=None):
        """``[(day, level, amounts of the invoices listed, amount_due, amount_open_credit,
        amount_disputed, letter credits)]`` of a daily run from ``start`` to ``end``;
        ``hooks``: ``{day: callable(day)}`` run that morning, before the run."""
        hooks = hooks or {}
        rows = []
        for day in _days(start, end):
            if day in hooks:
                hooks[day](day)
            for event in self._post(self._run(day), day):
                rows.append(
                    (
                        day.isoformat(),
                        event.level_id,
                        sorted(event.move_ids.mapped("amount_total")),
                        event.amount_due,
                        event.amount_open_credit,
                        event.amount_disputed,
                        [credit["amount"] for credit in event._get_letter_credits()],
                    )
                )
        return rows

    def _dispute(self, move, amount, day):
        with freeze_time(day):
            self.env["recouvrement.dispute"].with_user(self.controller).create(
                {"move_id": move.id, "reason": "quantity", "amount": amount}
            )

    def test_a1_four_invoices_two_credits_payment_disputes_promise(self):
        # Events: 200 paid on B on 5 Mar (B 600 left); unmatched payment Y 150 on 25 Mar;
        # dispute of D whole (300, the newest) on 26 Mar; dispute of 400 on A (the oldest) on
        # 27 Mar; a promise of 100 on A on 1 Apr to 30 Apr.
        # Before the disputes the credits pay, oldest credit to oldest due debt: X 650 -> A
        # 500 + B 150; Y 150 -> B 150 (B: 600 - 300 = 300 left). A, settled whole by X, owes
        # nothing: its age moves no level (test_a2); B's own ladder drives the reminders,
        # A listed along with its share (README, product decisions).
        # 24 Feb: B's courtesy note (5 days before 1 Mar): 500 + 800 - 650 = 650.00, credit
        #         650 printed;
        #  2 Mar: courteous (B 1 day late) 650.00;
        # 15 Mar: C's courtesy note alone, 1 200.00, no credit left for it;
        # 16 Mar: firm (B 15 days) 500 + 600 - 650 = 450.00;
        # 21 Mar: C courteous 1 200.00 (C due 20 Mar).
        # From 27 Mar: A's undisputed 500 - 400 = 100 takes X first: X -> A 100 + B 550;
        # Y -> B 50 + C 100: A and B are paid but for A's disputed part; D is disputed whole:
        # no courtesy (5 Apr) or courteous (11 Apr); no formal notice ever (B would reach it
        # on 15 Apr, settled by then).
        #  4 Apr: C firm (15 days), listing B (at the firm level already, settled: 550 + 50)
        #         with it: 600 + 1 200 - 700 = 1 100.00, credits 550.00 + 150.00;
        # 19 Apr: last call, the same 1 100.00.
        self._book()
        a, b, c, d = self.move_a, self.move_b, self.move_c, self.move_d
        figures = {}

        def probe(day):
            group = self._portal_group(day.isoformat())
            statement = (
                self.env["recouvrement.statement"]
                .with_user(self.controller)
                ._get_statements(self.customer, date=day)[self.customer.id]
            )
            figures[day.isoformat()] = (
                group["due"],
                group["open_credit"],
                group["disputed"],
                group["payable"],
                statement["overdue"],
                statement["balance"],
            )

        hooks = {
            date(2026, 3, 5): lambda day: self._pay(b, 200.0, day),
            date(2026, 3, 25): lambda day: self._unmatched_payment(self.customer, 150.0, day),
            date(2026, 3, 26): lambda day: self._dispute(d, 300.0, day),
            date(2026, 3, 27): lambda day: self._dispute(a, 400.0, day),
            date(2026, 3, 28): probe,
            date(2026, 4, 1): lambda day: self._promise(a, day),
            date(2026, 4, 20): probe,
        }
        rows = self._daily_events("2026-02-01", "2026-04-30", hooks)
        self.assertEqual(
            rows,
            [
                ("2026-02-24", self.level_courtesy, [500.0, 800.0], 650.0, 650.0, 0.0, [650.0]),
                ("2026-03-02", self.level_courteous, [500.0, 800.0], 650.0, 650.0, 0.0, [650.0]),
                ("2026-03-15", self.level_courtesy, [1200.0], 1200.0, 0.0, 0.0, []),
                ("2026-03-16", self.level_firm, [500.0, 800.0], 450.0, 650.0, 0.0, [650.0]),
                ("2026-03-21", self.level_courteous, [1200.0], 1200.0, 0.0, 0.0, []),
                (
                    "2026-04-04",
                    self.level_firm,
                    [800.0, 1200.0],
                    1100.0,
                    700.0,
                    0.0,
                    [550.0, 150.0],
                ),
                (
                    "2026-04-19",
                    self.level_last_call,
                    [800.0, 1200.0],
                    1100.0,
                    700.0,
                    0.0,
                    [550.0, 150.0],
                ),
            ],
        )
        # no formal notice: the only debt the credits leave past 45 days is none
        self.assertFalse(
            self.env["recouvrement.dunning.event"].search(
                [("partner_id", "=", self.customer.id), ("level_id", "=", self.level_notice.id)]
            )
        )
        # the collection page and the statement: balance 500 + 600 + 1 200 + 300 - 800 =
        # 1 800; the statement's of which overdue (accounting, disputes included) on 28 Mar:
        # 500 + 600 + 1 200 - 800 = 1 500 (D not due); on 20 Apr: 1 800 (D due 10 Apr). The
        # page's "to pay now" is what the reminders claim: A's disputed 400 held back (and
        # D's 300 once due), the credits' shares deducted: 100 - 100 + 600 - 600 + 1 200 -
        # 100 = 1 100 on both days (was 1 500, then 1 800, asking the disputed parts)
        self.assertEqual(
            figures,
            {
                "2026-03-28": (1800.0, 800.0, 400.0, 1100.0, 1500.0, 1800.0),
                "2026-04-20": (1800.0, 800.0, 700.0, 1100.0, 1800.0, 1800.0),
            },
        )
        # a payment plan on C on 20 Apr deducts C's share only, 100 (Y's rest), and
        # schedules 1 200 - 100 = 1 100.00, as C's reminders claim
        with freeze_time("2026-04-20"):
            with Form(self._plan_wizard(c)) as form:
                form.instalment_count = 2
                form.first_date = date(2026, 5, 30)
                form.include_penalties = False
                self.assertEqual((form.amount_credits, form.amount_total), (100.0, 1100.0))

    def _promise(self, move, day):
        with freeze_time(day):
            self.env["recouvrement.promise"].with_user(self.controller).create(
                {
                    "partner_id": self.customer.id,
                    "amount": 100.0,
                    "date": "2026-04-30",
                    "move_ids": [Command.set(move.ids)],
                }
            )

    def test_a2_level_not_driven_by_an_invoice_the_credit_pays(self):
        # A 500 due 4 Feb, B 800 due 1 Mar, credit note X 650 of 20 Jan. The credit pays A,
        # the oldest due debt, whole (art. 1342-10; A is never reminded: 5 Feb nothing) and
        # 150 of B: what the customer owes is B's 650, due 1 Mar. B's ladder from its own
        # due date: courteous on 2 Mar (1 day late), firm on 16 Mar (15 days); its formal
        # notice not before 15 Apr (45 days). Got: a FIRM reminder on 2 Mar (B 1 day late, A
        # 26 days), a last call on 6 Mar (A 30 days) and a FORMAL NOTICE by registered letter
        # on 21 Mar (A 45 days) while the only debt left, B, is 20 days late: the ladder
        # climbs on the age of an invoice the credit has paid.
        # The exposure already counts so (README: "a payment on account covering the oldest
        # invoice leaves its age out"): on 21 Mar it shows 650 overdue, 20 days (B's age).
        self._invoice(self.customer, 500.0, "2026-01-05", "2026-02-04")
        self._invoice(self.customer, 800.0, "2026-01-30", "2026-03-01")
        self._open_credit_note(self.customer, 650.0, "2026-01-20")
        with freeze_time("2026-03-21"):
            self.customer.invalidate_recordset()
            self.assertEqual(
                (self.customer.credit_overdue_amount, self.customer.credit_overdue_days),
                (650.0, 20),
            )
        rows = [
            (day, level.name, amount)
            for day, level, _amounts, amount, *_rest in self._daily_events(
                "2026-02-01", "2026-03-21"
            )
            if day >= "2026-02-25"
        ]
        self.assertEqual(
            rows,
            [
                ("2026-03-02", self.level_courteous.name, 650.0),
                ("2026-03-16", self.level_firm.name, 650.0),
            ],
        )

    def test_a4_credit_after_a_signed_plan_pays_the_due_invoice_first(self):
        # A 600 due 10 Jan in a payment plan signed 1 Feb (2 instalments from 31 Mar: new
        # terms, A counts as not due); B 400 due 15 Feb; credit note 300 of 20 Feb (after
        # the signature: the plan matched nothing). The credit pays the due debt first, B:
        # on 3 Mar B's reminder claims 400 - 300 = 100.00 with the credit 300.00; A's plan
        # is untouched (600 scheduled).
        move_a = self._invoice(self.customer, 600.0, "2025-12-11", "2026-01-10")
        move_b = self._invoice(self.customer, 400.0, "2026-01-16", "2026-02-15")
        with freeze_time("2026-02-01"):
            with Form(self._plan_wizard(move_a)) as form:
                form.instalment_count = 2
                form.first_date = date(2026, 3, 31)
                form.include_penalties = False
            action = form.record.action_create_plan()
            plan = self.env["recouvrement.payment.plan"].browse(action["res_id"])
            plan.with_user(self.controller).action_propose()
            plan.signature_date = date(2026, 2, 1)
            plan.with_user(self.controller).action_activate()
        self._open_credit_note(self.customer, 300.0, "2026-02-20")
        [item] = self._plan("2026-03-03", partners=self.customer)
        self.assertEqual(
            (item["moves"], item["amount_net"], item["open_credit"], plan.amount_total),
            (move_b, 100.0, 300.0, 600.0),
        )

    def test_a2b_instalment_the_credit_pays_sets_no_level(self):
        # The same kind with instalments: 1 200 dated 1 Jan in thirds, 400.08 due 31 Jan,
        # 399.96 due 2 Mar and 1 Apr; Z 300 due 15 Feb; credit note 500 of 10 Jan. The
        # credit pays the first instalment whole (400.08) and 99.92 of Z: what is late on
        # 16 Feb is Z's 200.08, 1 day late: a courteous reminder of 200.08; Z's formal notice
        # not before 1 Apr (45 days). Got: a FIRM reminder on 16 Feb (the first instalment,
        # paid by the credit, 16 days late) and the formal notice on 17 Mar (its 45 days;
        # Z 30 days late), then the transfer to litigation on 1 Apr (Z 45 days late).
        self._instalments(((33.34, 30), (33.33, 60), (33.33, 90)), 1200.0)
        self._invoice(self.customer, 300.0, "2026-01-16", "2026-02-15")
        self._open_credit_note(self.customer, 500.0, "2026-01-10")
        rows = self._daily_events("2026-01-20", "2026-03-31")
        # Z's courtesy note 5 days before its due date comes first (10 Feb), then its
        # courteous reminder, 1 day late
        self.assertEqual(
            [(row[0], row[1].name, row[3]) for row in rows[:2]],
            [
                ("2026-02-10", self.level_courtesy.name, 200.08),
                ("2026-02-16", self.level_courteous.name, 200.08),
            ],
        )
        self.assertNotIn(self.level_notice.name, [row[1].name for row in rows])

    def test_a5_backdated_credit_note_does_not_rewrite_a_sent_letter(self):
        # A 500 due 4 Feb, B 800 due 1 Mar, credit note X 650 of 20 Jan: the reminder of 2 Mar
        # claims 650.00 and prints X at 650.00. On 10 Mar a credit note of 120 dated 25 Feb
        # (before the reminder) is entered: the letter of 2 Mar, printed again, still says
        # what was sent (650.00 claimed, one credit of 650.00: evidence is never rewritten);
        # the next reminder deducts both (6 Mar already passed: the run of 10 Mar).
        self._invoice(self.customer, 500.0, "2026-01-05", "2026-02-04")
        self._invoice(self.customer, 800.0, "2026-01-30", "2026-03-01")
        self._open_credit_note(self.customer, 650.0, "2026-01-20")
        [event] = self._run("2026-03-02")
        with freeze_time("2026-03-10"):
            self._open_credit_note(self.customer, 120.0, "2026-02-25")
            credits = [credit["amount"] for credit in event._get_letter_credits()]
        self.assertEqual((event.amount_due, credits), (650.0, [650.0]))

    def test_c2_refusal_names_the_runs_next_step_with_a_credit(self):
        # A 500 due 4 Feb paid whole by the credit note of 650, B 800 due 1 Mar; a refusal
        # call on 20 Feb: the note names the step and day of the run's next reminder (the
        # runs of 21 Feb - 10 Mar, read afterwards), whatever it is (see a2 for its level)
        self._invoice(self.customer, 500.0, "2026-01-05", "2026-02-04")
        self._invoice(self.customer, 800.0, "2026-01-30", "2026-03-01")
        self._open_credit_note(self.customer, 650.0, "2026-01-20")
        self.company.recouvrement_user_id = self.manager
        with freeze_time("2026-02-20"):
            self.env["recouvrement.call.log"].with_user(self.controller).create(
                {"partner_id": self.customer.id, "outcome": "refusal"}
            ).action_log()
            call = self.env["recouvrement.call"].search([("partner_id", "=", self.customer.id)])
            note = str(call.activity_ids.note)
        day, level, *_rest = self._daily_events("2026-02-21", "2026-03-10")[0]
        expected = f"{level.name}, due on {date.fromisoformat(day):%m/%d/%Y}"
        self.assertIn(expected, note)

    def test_a3_declaration_and_post_judgment_invoice_share_the_credit_once(self):
        # Redressement judiciaire opened 15 Apr 2026 (published 20 Apr). D 900 dated 1 Mar
        # due 31 Mar (born before the judgment: declared, no reminder); E 600 dated 16 Apr
        # due 17 Apr (born after it: paid at its due date, L622-17, normal dunning); credit
        # note 1 000 of 10 Mar, open. The customer owes 900 + 600 - 1 000 = 500 in all:
        # whichever debt the credit pays first (D, the oldest, or E, the one we may
        # remind), the declaration and E's reminders claim 500 together (each credit is
        # deducted once in all, README). Was: the declaration deducted 900 (principal 0.00)
        # AND the reminders deducted it from E (no reminder, due 0.00): 1 500 deducted of a
        # credit of 1 000, 500 never claimed. Now the credit pays D first (the oldest, and
        # the declaration deducts it from D), E's reminder claims 600 - 100 = 500.00.
        # The collection page shows E only (D is frozen) and asks what E's reminder claims:
        # 600 less its share 100, credits deducted 100 (was: the whole 1 000, 0.00 asked).
        customer = self._customer("Declare Essai")
        self._invoice(customer, 900.0, "2026-03-01", "2026-03-31")
        self._invoice(customer, 600.0, "2026-04-16", "2026-04-17")
        self._refund(customer, 1000.0, "2026-03-10")
        customer.write({"collective_proceedings": "redressement", "proceedings_date": "2026-04-15"})
        with freeze_time("2026-04-20"):
            declaration = self.env["recouvrement.claim.declaration"].create(
                {"partner_id": customer.id, "publication_date": "2026-04-20"}
            )
            self.assertEqual(declaration.move_ids.mapped("amount_total"), [900.0])
            [group] = self.env["recouvrement.customer"]._get_portal_values(
                customer, date(2026, 4, 20)
            )["companies"]
        # E is 3 days late on 20 Apr: the courteous level
        reminded = sum(item["amount_net"] for item in self._plan("2026-04-20", customer))
        self.assertEqual((declaration.principal_amount, reminded), (0.0, 500.0))
        self.assertEqual(
            (group["due"], group["payable"], group["open_credit"]), (500.0, 500.0, 100.0)
        )

    def test_a6_other_company_credit_and_plan_on_the_newer_invoice(self):
        # A 500 due 4 Feb, B 800 due 1 Mar, credit note X 650 of 20 Jan in the test company;
        # a credit note of 400 of the same customer in another company (Filiale): it pays
        # nothing here. 10 Mar: the statement's overdue 500 + 800 - 650 = 650; a plan on B
        # deducts B's share, 650 - 500 = 150, and schedules 800 - 150 = 650.00.
        other = self.setup_other_company(name="Filiale Lyon")["company"]
        move_a = self._invoice(self.customer, 500.0, "2026-01-05", "2026-02-04")
        move_b = self._invoice(self.customer, 800.0, "2026-01-30", "2026-03-01")
        self._open_credit_note(self.customer, 650.0, "2026-01-20")
        self._open_credit_note(self.customer, 400.0, "2026-01-20", company=other)
        [item] = self._plan("2026-03-10", partners=self.customer)
        self.assertEqual(
            (item["moves"], item["amount_net"], item["open_credit"]),
            (move_a | move_b, 650.0, 650.0),
        )
        with freeze_time("2026-03-10"):
            statement = (
                self.env["recouvrement.statement"]
                .with_user(self.controller)
                ._get_statements(self.customer, date=date(2026, 3, 10))[self.customer.id]
            )
            self.assertEqual((statement["overdue"], statement["balance"]), (650.0, 650.0))
            with Form(self._plan_wizard(move_b)) as form:
                form.instalment_count = 2
                form.first_date = date(2026, 4, 30)
                form.include_penalties = False
                self.assertEqual((form.amount_credits, form.amount_total), (150.0, 650.0))

    def test_a3b_credit_after_the_judgment_pays_the_later_invoice_only(self):
        # The same customer, the credit note of 1 000 dated 1 May (after the judgment of 15
        # Apr: it belongs to the proceedings, not to the claims declared, R622-23): the
        # declaration deducts nothing (principal 900.00); E 600 due 17 Apr takes 600 of it:
        # no reminder on 2 May, the collection page asks 0.00 (400 of credit left).
        customer = self._customer("Declare Apres Jugement")
        self._invoice(customer, 900.0, "2026-03-01", "2026-03-31")
        self._invoice(customer, 600.0, "2026-04-16", "2026-04-17")
        self._refund(customer, 1000.0, "2026-05-01")
        customer.write({"collective_proceedings": "redressement", "proceedings_date": "2026-04-15"})
        with freeze_time("2026-05-02"):
            declaration = self.env["recouvrement.claim.declaration"].create(
                {"partner_id": customer.id, "publication_date": "2026-04-20"}
            )
            [group] = self.env["recouvrement.customer"]._get_portal_values(
                customer, date(2026, 5, 2)
            )["companies"]
        self.assertEqual(
            (declaration.open_credit_amount, declaration.principal_amount, group["due"]),
            (0.0, 900.0, 0.0),
        )
        self.assertEqual(self._plan("2026-05-02", customer), [])


@tagged("post_install", "-at_install")
class TestTry19Litigation(InstalmentRunsCommon):
    def _served_case(self):
        """A 700 dated 21 Oct 2021 due 20 Nov 2021 (prescribed 2026-11-20); a case on A filed
        10 Mar 2026, order 25 Mar, served 12 May: ``(move_a, case)``."""
        move_a = self._invoice(self.customer, 700.0, "2021-10-21", "2021-11-20")
        with freeze_time("2026-03-10"):
            case = self._litigation_case(move_a, litigation_type="recovery", proof_checked=True)
            case.action_file()
        with freeze_time("2026-03-25"):
            case.order_date = "2026-03-25"
        with freeze_time("2026-05-12"):
            case.service_date = "2026-05-12"
        return move_a, case

    def test_b1_service_date_cleared_and_entered_again(self):
        # served 12 May: A restarts (2031-05-12). B 400 due 2021-12-05 (prescribed
        # 2026-12-05) added to the case on 3 Jun: the order does not cover it, 2026-12-05.
        # On 10 Jun the user clears the service date by mistake and enters it again, the same
        # 12 May: the order served on 12 May still covers A only (B joined on 3 Jun): B keeps
        # 2026-12-05 and "Instalments Served" still lists A alone (evidence not rewritten).
        move_a, case = self._served_case()
        self.assertEqual(move_a.prescription_date, date(2031, 5, 12))
        move_b = self._invoice(self.customer, 400.0, "2021-11-05", "2021-12-05")
        with freeze_time("2026-06-03"):
            case.move_ids = [Command.link(move_b.id)]
        self.assertEqual(move_b.prescription_date, date(2026, 12, 5))
        with freeze_time("2026-06-10"):
            case.service_date = False
            case.service_date = "2026-05-12"
        self.assertEqual(
            (case.served_line_ids.move_id, move_a.prescription_date, move_b.prescription_date),
            (move_a, date(2031, 5, 12), date(2026, 12, 5)),
        )

    def test_b1b_served_instalments_not_written_by_a_user(self):
        # "Instalments Served" is evidence recorded by the service only (readonly on the form,
        # written as superuser): a credit controller writing it through the ORM / RPC (add B,
        # joined on 3 Jun, to what the 12 May order covered) is refused, nothing changed. Got:
        # accepted silently, the case now records that the order covered B (its prescription
        # is not moved by this write, 2026-12-05, but the evidence says otherwise)
        move_a, case = self._served_case()
        move_b = self._invoice(self.customer, 400.0, "2021-11-05", "2021-12-05")
        with freeze_time("2026-06-03"):
            case.move_ids = [Command.link(move_b.id)]
        lines_b = move_b.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        refused = False
        with freeze_time("2026-06-10"):
            try:
                with self.env.cr.savepoint():
                    case.with_user(self.controller).write(
                        {"served_line_ids": [Command.link(line.id) for line in lines_b]}
                    )
                    self.env.flush_all()
            except (AccessError, UserError, ValidationError):
                refused = True
        case.invalidate_recordset()
        move_b.invalidate_recordset()
        self.assertEqual(
            (refused, case.served_line_ids.move_id, move_b.prescription_date),
            (True, move_a, date(2026, 12, 5)),
        )

    def test_b1c_litigated_invoice_added_to_a_proposed_plan(self):
        # X 900 due 2 Mar and Y 500 due 10 Mar (2026); a plan on X proposed on 20 Apr; a case
        # on Y opened on 20 Apr. The controller then adds Y to the proposed plan (its
        # invoices, written through the ORM / RPC): refused, naming Y and the case, as the
        # plan's proposal and the case's own check refuse it (README: no plan on an invoice
        # an open case claims; the form makes the field readonly once proposed, the ORM does
        # not). Got: accepted, Y held by the plan and claimed by the case.
        move_x = self._invoice(self.customer, 900.0, "2026-01-31", "2026-03-02")
        move_y = self._invoice(self.customer, 500.0, "2026-02-08", "2026-03-10")
        refused = False
        with freeze_time("2026-04-20"):
            self._propose_plan(move_x, 3, date(2026, 5, 15))
            plan = move_x.payment_plan_ids
            self._litigation_case(move_y)
            try:
                with self.env.cr.savepoint():
                    plan.with_user(self.controller).write({"move_ids": [Command.link(move_y.id)]})
                    self.env.flush_all()
            except (AccessError, UserError, ValidationError):
                refused = True
        plan.invalidate_recordset()
        self.assertEqual((refused, plan.state, plan.move_ids), (True, "proposed", move_x))

    def test_b2_claimed_instalments_after_a_credit_note_matched(self):
        # 1 500 dated 1 Jan 2026 in three instalments 30 % / 40 % / 30 %: 450 due 31 Jan, 600
        # due 2 Mar, 450 due 1 Apr; a case of 20 Mar claims the first two; a credit note of
        # 500 matched with the invoice on 25 Mar pays the oldest instalment first (450 -> 0,
        # 600 -> 550). The file on 30 Mar: principal 550.00, listing "03/02/2026 (550.00 €)"
        # only (the first is paid).
        lines = self._instalments(((30, 30), (40, 60), (30, 90)), 1500.0)
        move = lines.move_id
        self.assertEqual(lines.mapped("amount_residual"), [450.0, 600.0, 450.0])
        with freeze_time("2026-03-20"):
            case = self._litigation_case(
                move, litigation_type="recovery", line_ids=[Command.set(lines[:2].ids)]
            )
        self._credit_note(move, 500.0, "2026-03-25")
        with freeze_time("2026-03-30"):
            [line] = case._get_dossier_lines()
        self.assertEqual(
            (line["principal"], line["due_dates"]), (550.0, "03/02/2026 (550.00\xa0€)")
        )

    def test_b3_two_cases_one_closed_keeps_its_credit(self):
        # credit note 900 of 10 Mar; case A on 400 (due 4 Feb) and case B on 700 (due 3
        # Mar), 20 Apr: oldest claim first, A 400 and B 900 - 400 = 500. A closed
        # (abandoned): it keeps 400 as its record (closing_credit_amount) and takes no share
        # any more: B, the open case, takes 700 (cases first), 200 left for A's reminders
        # (400 - 200 = 200 claimed). A reopened: 400 and 500 again.
        customer = self._customer("Deux Dossiers Clos")
        move_a = self._invoice(customer, 400.0, "2026-01-05", "2026-02-04")
        move_b = self._invoice(customer, 700.0, "2026-02-01", "2026-03-03")
        self._refund(customer, 900.0, "2026-03-10")
        with freeze_time("2026-04-20"):
            case_a = self._litigation_case(move_a)
            case_b = self._litigation_case(move_b)
            self.assertEqual((case_a.open_credit_amount, case_b.open_credit_amount), (400.0, 500.0))
            case_a._close("abandoned")
            (case_a | case_b).invalidate_recordset(["open_credit_amount"])
            self.assertEqual(
                (
                    case_a.closing_credit_amount,
                    case_a.open_credit_amount,
                    case_b.open_credit_amount,
                ),
                (400.0, 400.0, 700.0),
            )
        [item] = self._plan("2026-04-20", partners=customer)
        self.assertEqual(
            (item["moves"], item["amount_net"], item["open_credit"]), (move_a, 200.0, 200.0)
        )
        with freeze_time("2026-04-21"):
            case_a.action_reopen()
            (case_a | case_b).invalidate_recordset(["open_credit_amount"])
            self.assertEqual((case_a.open_credit_amount, case_b.open_credit_amount), (400.0, 500.0))

    def test_b1d_service_date_in_the_future_or_before_the_order(self):
        # a case filed 10 Mar 2026, order 25 Mar; on 12 May the user types a service date
        # of 12 Jun (not happened yet) or of 20 Mar (before the order): each refused with an
        # error naming the case and the field ("Order Served On"); nothing recorded, A keeps
        # its own last day to act (2026-11-20)
        move_a = self._invoice(self.customer, 700.0, "2021-10-21", "2021-11-20")
        with freeze_time("2026-03-10"):
            case = self._litigation_case(move_a, litigation_type="recovery", proof_checked=True)
            case.action_file()
        with freeze_time("2026-03-25"):
            case.order_date = "2026-03-25"
        outcomes = []
        for typed in ("2026-06-12", "2026-03-20"):
            with freeze_time("2026-05-12"):
                try:
                    with self.env.cr.savepoint():
                        case.with_user(self.controller).service_date = typed
                        self.env.flush_all()
                    outcomes.append("accepted")
                except (UserError, ValidationError) as error:
                    outcomes.append(case.name in str(error) and "Order Served On" in str(error))
        case.invalidate_recordset()
        move_a.invalidate_recordset()
        self.assertEqual(
            (outcomes, case.service_date, case.served_line_ids, move_a.prescription_date),
            ([True, True], False, case.served_line_ids.browse(), date(2026, 11, 20)),
        )


@tagged("post_install", "-at_install")
class TestTry19NextDate(PrerequisitesCommon):
    """The stored next reminder date (``account.move.dunning_next_date``) read each morning
    is the next day a daily run lists the invoice (the daily loop of test_try18)."""

    _loop = test_try18.TestTry18NextDate._loop

    def test_c1_two_invoices_and_a_credit_emails_leaving_the_queue_late(self):
        # two invoices of a customer, 640 due 12 Feb and 380 due 3 Mar, a credit note 200 of
        # 1 Feb (it pays the 640, the older, first); every email leaves the outgoing queue 4
        # days after the run. By hand: the 640 (440 claimed): courtesy 7 Feb, courteous 13
        # Feb, firm on 2 Mar (27 Feb + the 380's courtesy of 26 Feb queued until 2 Mar),
        # last call 14 Mar (+30) listing both, 440 + 380 = 820; formal notice 29 Mar (+45;
        # the last call left 18 Mar + 8 = 26 Mar passed); transfer 13 Apr (+60; notice
        # received 1 Apr + 8 = 9 Apr). The 380: courtesy 26 Feb (380, no credit left), courteous
        # 6 Mar (4 Mar, after the firm email of 2 Mar left the queue on 6 Mar).
        # The date read while a future email will stay queued cannot foresee the delay (it
        # assumes the day of the run): from 6 Mar, the date read every morning is the day the
        # run lists the invoice.
        move_1 = self._invoice(self.customer, 640.0, "2026-01-13", "2026-02-12")
        move_2 = self._invoice(self.customer, 380.0, "2026-02-01", "2026-03-03")
        self._open_credit_note(self.customer, 200.0, "2026-02-01")
        moves = move_1 | move_2
        wrong, sent, _shown = self._loop(
            moves, "2026-02-01", "2026-05-15", stored=True, queue_delay=4
        )
        d = date.fromisoformat
        self.assertEqual(
            [(day, amount) for day, _level, amount, _channel in sent[move_1]],
            [
                (d("2026-02-07"), 440.0),
                (d("2026-02-13"), 440.0),
                (d("2026-03-02"), 440.0),
                (d("2026-03-14"), 820.0),
                (d("2026-03-29"), 820.0),
                (d("2026-04-13"), 820.0),
            ],
        )
        self.assertEqual(
            [(day, amount) for day, _level, amount, _channel in sent[move_2][:2]],
            [(d("2026-02-26"), 380.0), (d("2026-03-06"), 380.0)],
        )
        self.assertEqual([row for row in wrong if row[0] >= "2026-03-06"], [])

    def test_c3_case_on_the_newer_invoice_moves_the_credit_to_the_older(self):
        # A 300 due 4 Feb, B 300 due 10 Feb, credit note 300 of 20 Jan: the credit pays A;
        # A and B (never reminded) go together from 11 Feb (600 - 300 = 300 claimed). On 20
        # Feb a litigation case is opened by hand on B: the cases take the credits first
        # (README), A's net is 300 now. A, paid by the credit until then, moved no level (B's
        # courtesy 5 Feb and courteous 11 Feb listed it along): owing 300 from 20 Feb, 16
        # days late, its firm reminder goes that day, then last call 6 Mar, formal notice 21
        # Mar. The stored next reminder date of A read each morning is the day a run lists
        # it (recomputed when the case is opened).
        move_a = self._invoice(self.customer, 300.0, "2026-01-05", "2026-02-04")
        move_b = self._invoice(self.customer, 300.0, "2026-01-11", "2026-02-10")
        self._open_credit_note(self.customer, 300.0, "2026-01-20")

        def open_case():
            with freeze_time("2026-02-20"):
                self._litigation_case(move_b)

        wrong, sent, shown = self._loop(
            move_a, "2026-02-01", "2026-03-31", stored=True, hooks={date(2026, 2, 20): open_case}
        )
        self.assertEqual(
            [(day.isoformat(), amount) for day, _level, amount, _channel in sent[move_a]][2:],
            [("2026-02-20", 300.0), ("2026-03-06", 300.0), ("2026-03-21", 300.0)],
        )
        self.assertEqual(wrong, [])


@tagged("post_install", "-at_install")
class TestTry19CaseAndPlanAtOnce(TwoCursorsCommon):
    """Two users at once (committed data): the customer's invoice of 1 000 due 30 days ago has
    a draft payment plan (2 instalments, schedule computed). While one user proposes the plan,
    another opens a litigation case on the same invoice and commits first. Each check alone
    refuses the other (README, product decisions: no plan on an invoice an open case claims,
    no case on an invoice a proposed plan schedules): once both requests are done (a
    serialization failure retried as Odoo's request handling does), the invoice must not be
    both claimed by an open case and scheduled by a proposed plan."""

    partner_name = "Scierie Deux Mains"

    def setUp(self):
        super().setUp()
        self.case_ids = []
        self.outcomes = []
        with self.env.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            plan = env["recouvrement.payment.plan"].create(
                {
                    "partner_id": self.partner_id,
                    "move_ids": [Command.set([self.move_id])],
                    "instalment_count": 2,
                    "first_date": self.today + timedelta(days=30),
                }
            )
            plan.action_compute_schedule()
            self.plan_id = plan.id

    def _clean_up_records(self, env):
        env["recouvrement.litigation"].browse(self.case_ids).exists().unlink()
        plan = env["recouvrement.payment.plan"].browse(self.plan_id)
        if plan.state not in ("draft", "cancelled"):
            plan.action_cancel()
        plan.unlink()

    def test_case_and_plan_proposed_at_once(self):
        env1, env2 = self.envs
        env1.cr.execute("SELECT 1")  # its snapshot is taken before the other one commits
        move = env2["account.move"].browse(self.move_id)
        case = env2["recouvrement.litigation"].create(
            {
                "partner_id": self.partner_id,
                "company_id": move.company_id.id,
                "move_ids": [Command.set(move.ids)],
            }
        )
        self.case_ids.append(case.id)
        env2.flush_all()
        env2.cr.commit()
        for _attempt in range(2):
            try:
                with mute_logger("odoo.sql_db"):
                    env1["recouvrement.payment.plan"].browse(self.plan_id).action_propose()
                    env1.flush_all()
                env1.cr.commit()
                break
            except SerializationFailure:
                self.outcomes.append("serialization")
                env1.cr.rollback()  # odoo.service.model.retrying: the request again
                env1.transaction.reset()
            except UserError as error:
                self.outcomes.append(str(error))
                env1.cr.rollback()
                break
        with self.env.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            plan = env["recouvrement.payment.plan"].browse(self.plan_id)
            case = env["recouvrement.litigation"].browse(self.case_ids)
            self.assertFalse(
                plan.state == "proposed" and not case.is_closed,
                "the invoice is both scheduled by a proposed plan and claimed by an open case",
            )
        # the proposal waited for the case, failed and was retried: refused, naming the case
        self.assertEqual(self.outcomes[0], "serialization")
        self.assertIn("is claimed by litigation case", self.outcomes[-1])

    def test_plan_proposed_then_case_at_once(self):
        # the other order: the plan is proposed and committed first, the case opened on an
        # older snapshot
        env1, env2 = self.envs
        env1.cr.execute("SELECT 1")
        env2["recouvrement.payment.plan"].browse(self.plan_id).action_propose()
        env2.flush_all()
        env2.cr.commit()
        for _attempt in range(2):
            try:
                with mute_logger("odoo.sql_db"):
                    move = env1["account.move"].browse(self.move_id)
                    case = env1["recouvrement.litigation"].create(
                        {
                            "partner_id": self.partner_id,
                            "company_id": move.company_id.id,
                            "move_ids": [Command.set(move.ids)],
                        }
                    )
                    env1.flush_all()
                env1.cr.commit()
                self.case_ids.append(case.id)
                break
            except SerializationFailure:
                self.outcomes.append("serialization")
                env1.cr.rollback()
                env1.transaction.reset()
            except (UserError, ValidationError) as error:
                self.outcomes.append(str(error))
                env1.cr.rollback()
                break
        with self.env.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            plan = env["recouvrement.payment.plan"].browse(self.plan_id)
            case = env["recouvrement.litigation"].browse(self.case_ids)
            self.assertEqual(plan.state, "proposed")
            self.assertFalse(case, "a case opened on the invoice the proposed plan schedules")
        self.assertEqual(self.outcomes[0], "serialization")
        self.assertIn("is scheduled by payment plan", self.outcomes[-1])
