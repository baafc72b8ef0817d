"""Fresh tester of stop 23 (try23), issue 17: the kinds of its twelve faults tried again with
inputs no other test uses (commit d42ef8f). Faults (failing on the candidate) in
``TestTry23Faults``, checks that pass (regression guards) in ``TestTry23Checks``. Values by
hand in each test; the penalty rate of 2026-S1 is 12.15 % (ECB 2.15 % + 10)."""

from datetime import date, timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import InstalmentRunsCommon, letter_rows


class Try23Common(InstalmentRunsCommon):
    def _plan_of(self, partner, day):
        """The plan items of ``partner`` on ``day``."""
        return [item for item in self._plan(day) if item["partner"] == partner]

    def _usd_rate(self, usd, day, rate):
        """A new USD rate entered on its own day ``day``."""
        with freeze_time(day):
            self.env["res.currency.rate"].create(
                {"name": day, "rate": rate, "currency_id": usd.id, "company_id": self.company.id}
            )
            self.env["res.currency"].invalidate_model()

    def _claim(self, move, day):
        claim = self.env["recouvrement.penalty"]._get_penalty_claim_figures(
            move, fields.Date.to_date(day)
        )[move.id]
        return claim["penalty"], claim["indemnity"]


@tagged("post_install", "-at_install")
class TestTry23Faults(Try23Common):
    def test_f1_cancelled_penalty_invoice_reset_and_posted_after_its_period_was_charged_again(
        self,
    ):
        # Issue 17 #6, "cancel then reset to draft and post again". 1 000 due 31 January 2026.
        # Penalty invoice A of 28 February: 1 000 x 12.15 % x 28 / 365 = 9.32, and 40.00.
        # A is cancelled (README: "Only a cancelled penalty invoice ... frees exactly its
        # periods and indemnity, which the next penalty invoice charges again"): B of
        # 31 March charges 59 days, 19.64, and 40.00. Then A is reset to draft and posted
        # again. Found: A posts with its 9.32 and 40.00 unchanged: February and the indemnity
        # are charged twice (posted penalty invoices 108.96 for 59.64 owed), and what a
        # reminder of 30 April may still claim is 0.67 (29.63 accrued - 9.32 - 19.64) while
        # the penalty invoice of that day charges 9.99 (29.63 - 19.64). Right: the periods
        # and the indemnity B charged are never charged twice (README: "a draft still charges
        # its period (never charged twice)"; issue 17 #6 "Keep, per source invoice, the set of
        # charged periods"): A cannot be posted again as it was (refused, or charging nothing
        # B charged), the posted penalty invoices total 59.64, and the claim of 30 April is
        # 9.99 and no indemnity, as the penalty invoice of that day. Code: account.move._post
        # -> recouvrement.penalty._check_penalty_sources_free checks payment plans only;
        # nothing checks a re-posted penalty invoice's periods against those charged since
        # its cancellation (_get_penalty_charged counts every penalty invoice not cancelled).
        self._legal_penalties()
        customer = self._customer("Forge Annule Repasse")
        move = self._invoice(customer, 1000.0, "2026-01-01", "2026-01-31")
        penalty_a = self._penalty_invoice(move, "2026-02-28")
        self.assertEqual(penalty_a.invoice_line_ids.mapped("price_unit"), [9.32, 40.0])
        penalty_a.button_cancel()
        penalty_b = self._penalty_invoice(move, "2026-03-31")
        self.assertEqual(penalty_b.invoice_line_ids.mapped("price_unit"), [19.64, 40.0])
        # (fixed: recouvrement.penalty._check_cancelled_penalty_reset refuses the reset to
        # draft, naming February and B; refusing it then, or the posting, or A charging
        # nothing B charged, are right answers)
        with freeze_time("2026-04-02"):
            refused = False
            try:
                with self.env.cr.savepoint():
                    penalty_a.button_draft()
                    penalty_a.action_post()
            except UserError as error:
                refused = True
                self.assertIn(penalty_b.name, str(error))
        self.assertEqual(penalty_a.state, "cancel" if refused else "posted")
        move.invalidate_recordset()
        posted = move.penalty_invoice_ids.filtered(lambda m: m.state == "posted")
        self.assertEqual(round(sum(posted.mapped("amount_total")), 2), 59.64)
        self.assertEqual(self._claim(move, "2026-04-30"), (9.99, 0.0))

    def test_f2_formal_notice_after_only_a_courtesy_note_sent_before_the_due_date(self):
        # Issue 17 #12 with another book: 1 000 dated 1 December 2025, due 1 January 2026.
        # The run of 27 December sends the courtesy note (5 days before the due date,
        # delivered); the runs stop (holidays) and resume on 5 March (63 days late). Found:
        # the run of 5 March sends the formal notice (registered letter, 1 000) as the first
        # reminder after the due date, and the transfer to litigation follows on 25 March.
        # Right: README "A formal notice or a credit hold lists only the instalments a
        # delivered reminder named after their due date" (the courtesy note named it before
        # it); issue 17 #12 "the formal notice only after at least one reminder was delivered
        # ...; amicable levels may be skipped to the highest one due": the run of 5 March
        # sends the last call (J+30, the highest amicable level due) for 1 000, not the
        # formal notice. Code: recouvrement.dunning's prerequisite check (the delivered
        # reminders it counts for a legal step): _get_prerequisite_history adds every delivered
        # reminder to history["reminded"] before it leaves out the courtesy tone (that filter
        # guards delivered_events only), and the formal notice / credit hold check of
        # _apply_prerequisite_steps (recouvrement_dunning.py ~1453) reads "reminded".
        customer = self._customer("Quincaillerie Courtoisie Seule")
        self._invoice(customer, 1000.0, "2025-12-01", "2026-01-01")
        courtesy = self._run("2025-12-27", partners=customer)
        self.assertEqual([(e.level_id, e.state) for e in courtesy], [(self.level_courtesy, "sent")])
        items = self._plan_of(customer, "2026-03-05")
        self.assertEqual(
            [(item["level"].name, item["amount_net"]) for item in items],
            [(self.level_last_call.name, 1000.0)],
        )


@tagged("post_install", "-at_install")
class TestTry23Checks(Try23Common):
    def test_c1_minimum_met_at_the_rate_of_the_day_after_the_dollar_rose(self):
        # Issue 17 #3 with a rate changing between the invoice and the run. Level minimum
        # 100 EUR. 1 EUR = 1.25 USD on 1 February: an invoice of 110 USD due 10 March is
        # 88 EUR in the books. On 1 March 1 EUR = 1.05 USD: 110 / 1.05 = 104.76 EUR. README
        # "One rate for foreign-currency amounts. A level's minimum ... read an invoice in
        # another currency at the rate of the day ... never at the rate of the books; a new
        # rate recomputes the next reminder dates": the run of 12 March sends the courteous
        # reminder (minimum met, 104.76 >= 100).
        usd = self.setup_other_currency("USD", rates=[("2026-01-01", 1.25)])
        (self.level_courtesy | self.level_courteous).min_amount = 100.0
        customer = self._customer("Verrerie Dollar Monte")
        with freeze_time("2026-02-01"):
            move = self._invoice(customer, 110.0, "2026-02-01", "2026-03-10", currency=usd)
        self.assertEqual(move.amount_residual_signed, 88.0)
        self._usd_rate(usd, "2026-03-01", 1.05)
        items = self._plan_of(customer, "2026-03-12")
        self.assertEqual([item["level"] for item in items], [self.level_courteous])

    def test_c2_minimum_not_met_at_the_rate_of_the_day_after_the_dollar_fell(self):
        # The reverse of c1: 1 EUR = 1.00 USD on 1 February (110 USD = 110 EUR in the books),
        # 1.25 from 1 March: 110 / 1.25 = 88 EUR < 100 on 12 March: no reminder (same README
        # sentence).
        usd = self.setup_other_currency("USD", rates=[("2026-01-01", 1.0)])
        (self.level_courtesy | self.level_courteous).min_amount = 100.0
        customer = self._customer("Verrerie Dollar Baisse")
        with freeze_time("2026-02-01"):
            move = self._invoice(customer, 110.0, "2026-02-01", "2026-03-10", currency=usd)
        self.assertEqual(move.amount_residual_signed, 110.0)
        self._usd_rate(usd, "2026-03-01", 1.25)
        self.assertEqual(self._plan_of(customer, "2026-03-12"), [])

    def test_c3_who_is_a_consumer(self):
        # Issue 17 #8/#9 with other parties. LEGAL.md: "a natural person (not a company) with
        # neither a SIREN nor a VAT number of any country. A sole trader with a SIREN or a VAT
        # number is a professional." A natural person whose SIRET only is typed (at creation
        # or later) has a SIREN (its first 9 digits): professional. A French association and
        # a foreign company without VAT number are companies: professionals. A natural person
        # with nothing: consumer.
        siret_at_creation = self._customer(
            "Artisan Siret Creation", is_company=False, siret="44306184100047"
        )
        siret_later = self._customer("Artisan Siret Ensuite", is_company=False)
        siret_later.siret = "443 061 841 00047"
        association = self._customer("Association Les Amis", country_id=self.env.ref("base.fr").id)
        foreign = self._customer("Gmbh Ohne Ust", country_id=self.env.ref("base.de").id)
        consumer = self._customer("Jean Particulier", is_company=False)
        self.assertEqual(
            [
                p._is_consumer()
                for p in (siret_at_creation, siret_later, association, foreign, consumer)
            ],
            [False, False, False, False, True],
        )
        self.assertEqual(siret_later.siren, "443061841")

    def test_c4_sole_trader_with_siret_pays_penalties_and_indemnity(self):
        # Issue 17 #8 on the figures: a natural person with a SIRET (a professional, c3)
        # owes 1 500 due 31 January 2026, unpaid on 2 March (30 days: 1 Feb - 2 Mar):
        # 1 500 x 12.15 % x 30 / 365 = 14.979 -> 14.98, and the 40 EUR indemnity.
        self._legal_penalties()
        person = self._customer("Plombier Siret", is_company=False, siret="44306184100047")
        move = self._invoice(person, 1500.0, "2026-01-01", "2026-01-31")
        self.assertEqual(self._claim(move, "2026-03-02"), (14.98, 40.0))

    def test_c5_instalment_paid_late_then_the_next_one_late(self):
        # Issue 17 #1: 1 000 dated 1 January 2026, half due 31 January, half 28 February. The
        # first half is paid on 10 February (10 days late: 1-10 Feb), the second is unpaid on
        # 20 March (20 days: 1-20 Mar). LEGAL.md instalments: penalties run on each
        # instalment's unpaid part from the day after its own due date; the 40 EUR once per
        # invoice. 500 x 12.15 % x 10 / 365 + 500 x 12.15 % x 20 / 365 = 1.6644 + 3.3288 =
        # 4.9932 -> 4.99 (summed exact, rounded once), 40.00.
        self._legal_penalties()
        customer = self._customer("Tuilerie Deux Echeances")
        move = self._invoice_with_term(
            customer, 1000.0, "2026-01-01", self._term((50, 30), (50, 58))
        )
        self.assertEqual(
            sorted(move.line_ids.filtered("date_maturity").mapped("date_maturity")),
            [date(2026, 1, 31), date(2026, 2, 28)],
        )
        self._pay(move, 500.0, "2026-02-10")
        self.assertEqual(self._claim(move, "2026-03-20"), (4.99, 40.0))

    def test_c6_credit_of_another_company_does_not_cover(self):
        # Issue 17 #2 with a credit of another company of the same customer: 1 000 due
        # 31 January 2026 in the test company, an unmatched payment of 1 000 received by the
        # other company on 5 February. LEGAL.md open credits: "net of its open credit notes
        # and its payments not yet matched to an invoice (same company and currency)": the
        # test company's reminder of 16 February still claims 1 000.
        company_2 = self.setup_other_company(name="Filiale Nantes")["company"]
        customer = self._customer("Scierie Deux Societes")
        self._invoice(customer, 1000.0, "2026-01-01", "2026-01-31")
        self._unmatched_payment(customer, 1000.0, "2026-02-05", company=company_2)
        [item] = self._plan_of(customer, "2026-02-16")
        self.assertEqual(item["amount_net"], 1000.0)

    def test_c7_dollar_credit_note_does_not_cover_a_euro_invoice(self):
        # Issue 17 #2 with a credit note in another currency: 1 000 EUR due 31 January, an
        # open credit note of 1 250 USD (1 000 EUR at 1.25) of 5 February. README: a credit is
        # deducted "only from the invoices and instalments of the same company and currency";
        # "An open credit in a currency of no claimed invoice is left out of the reminder":
        # the reminder of 16 February claims 1 000 EUR.
        usd = self.setup_other_currency("USD", rates=[("2026-01-01", 1.25)])
        customer = self._customer("Scierie Deux Devises")
        self._invoice(customer, 1000.0, "2026-01-01", "2026-01-31")
        self._open_credit_note(customer, 1250.0, "2026-02-05", currency=usd)
        [item] = self._plan_of(customer, "2026-02-16")
        self.assertEqual(item["amount_net"], 1000.0)

    def test_c8_exposure_of_three_instalments_partly_paid(self):
        # Issue 17 #1 on the exposure's overdue figures: 1 000 dated 1 January 2026 in three
        # instalments 300 due 31 January, 300 due 2 March, 400 due 1 April (30 / 30 / 40 %
        # at 30, 60, 90 days); 450 paid on 5 February (the first 300 and 150 of the second).
        # On 12 March the second's 150 is overdue, 10 days (due 2 March); the third is not due.
        # LEGAL.md instalments ("each due date printed on the invoice is a payment date").
        customer = self._customer("Carrosserie Trois Echeances")
        move = self._invoice_with_term(
            customer, 1000.0, "2026-01-01", self._term((30, 30), (30, 60), (40, 90))
        )
        self._pay(move, 450.0, "2026-02-05")
        with freeze_time("2026-03-12"):
            customer.invalidate_recordset()
            self.env["recouvrement.credit"]._get_credit_status(customer)
            self.assertEqual(
                (customer.credit_overdue_amount, customer.credit_overdue_days), (150.0, 10)
            )

    def test_c9_dollar_instalments_indemnity_at_the_first_late_due_date_rate(self):
        # Issue 17 #1 with an invoice in dollars in instalments: 1 000 USD dated 1 January
        # 2026, 30 % due 31 January, 70 % due 2 March; 1 EUR = 1.25 USD until 14 February,
        # 1.10 from 15 February. Nothing paid; on 20 March. README "One rate for
        # foreign-currency amounts": "The D441-5 indemnity (40 EUR) of an invoice in another
        # currency is converted at the rate of the due date it fell due with: that of the
        # first instalment not paid in full by its own due date": 40 x 1.25 = 50.00 USD (not
        # 40 x 1.10 = 44.00 at the last due date's rate).
        self._legal_penalties()
        usd = self.setup_other_currency("USD", rates=[("2026-01-01", 1.25)])
        customer = self._customer("Import Dollar Echeances")
        with freeze_time("2026-01-01"):
            move = self._invoice_with_term(
                customer, 1000.0, "2026-01-01", self._term((30, 30), (70, 60)), currency=usd
            )
        self._usd_rate(usd, "2026-02-15", 1.10)
        figures = self.env["recouvrement.penalty"]._get_penalty_figures(
            move, fields.Date.to_date("2026-03-20")
        )[move.id]
        self.assertEqual(figures["indemnity"], 50.0)

    def test_c10_first_run_another_invoice_never_reminded_gets_no_formal_notice(self):
        # Issue 17 #12 on a book where one invoice was reminded and an older one never was:
        # A 500 due 20 February 2026 had its courteous reminder sent on 21 February; B 1 000
        # due 1 January was never reminded. Run of 5 March (B 63 days late). README: "another
        # invoice never reminded goes through its own ladder, in reminders of its own ... so
        # that no formal notice is its first reminder (issue 17 #12)". No formal notice, no
        # transfer to litigation on 5 March.
        customer = self._customer("Quincaillerie Ancien Livre")
        move_a = self._invoice(customer, 500.0, "2026-01-21", "2026-02-20")
        self._invoice(customer, 1000.0, "2026-01-01", "2026-01-01")
        self._reminder_event(
            move_a,
            self.level_courteous,
            "2026-02-21",
            channel="email",
            state="sent",
            amount_due=500.0,
        )
        levels = [item["level"] for item in self._plan_of(customer, "2026-03-05")]
        self.assertTrue(levels)
        self.assertFalse(set(levels) & {self.level_notice, self.level_litigation})

    def test_c11_undelivered_last_call_then_no_formal_notice(self):
        # Issue 17 #4 x #12: 1 000 due 1 January 2026; its last call of 31 January bounced
        # (state undelivered). Run of 5 March (63 days late). Issue 17 #12: "the formal
        # notice only after at least one reminder was delivered"; #4: "the ladder does not
        # escalate on a reminder the customer never received". The run sends an amicable
        # level, not the formal notice nor the transfer to litigation.
        customer = self._customer("Menuiserie Rebond")
        move = self._invoice(customer, 1000.0, "2025-12-01", "2026-01-01")
        self._reminder_event(
            move,
            self.level_last_call,
            "2026-01-31",
            channel="email",
            state="undelivered",
            amount_due=1000.0,
        )
        levels = [item["level"] for item in self._plan_of(customer, "2026-03-05")]
        self.assertTrue(levels)
        self.assertFalse(set(levels) & {self.level_notice, self.level_litigation})

    def test_c12_credit_note_of_a_contact_covers_its_company(self):
        # Issue 17 #2 with the credit on a contact of the customer: 1 000 due 31 January 2026
        # to the company, an open credit note of 1 000 dated 5 February to its accounting
        # contact. README: "every receivable of the customer (the line's partner's commercial
        # entity) is a debt"; LEGAL.md open credits: no step "while the net balance due is
        # zero". The run of 16 February claims nothing (no reminder claims more than 0.00).
        customer = self._customer("Fonderie Contact Avoir")
        contact = self.env["res.partner"].create(
            {
                "name": "Service comptable",
                "parent_id": customer.id,
                "type": "invoice",
                "email": "avoirs@fonderie.example.fr",
            }
        )
        self._invoice(customer, 1000.0, "2026-01-01", "2026-01-31")
        self._open_credit_note(contact, 1000.0, "2026-02-05")
        items = self._plan_of(customer, "2026-02-16") + self._plan_of(contact, "2026-02-16")
        self.assertEqual([item["amount_net"] for item in items if item["amount_net"]], [])

    def test_c13_dollar_net_below_the_minimum_at_the_rate_of_the_day(self):
        # Issue 17 #3 with an open credit and a rate change: 250 USD due 10 March and an open
        # credit note of 100 USD, both of 1 February when 1 EUR = 1.25 USD (net 150 USD =
        # 120 EUR in the books); from 1 March 1 EUR = 1.60 USD: 150 / 1.60 = 93.75 EUR. Level
        # minimum 100 EUR. README: "when open credits ... are deducted, when the net balance
        # of the invoice's currency does too (company currency, at the day's rate)": no
        # reminder on 12 March.
        usd = self.setup_other_currency("USD", rates=[("2026-01-01", 1.25)])
        self.policy.level_ids.min_amount = 100.0
        customer = self._customer("Verrerie Net Dollar")
        with freeze_time("2026-02-01"):
            self._invoice(customer, 250.0, "2026-02-01", "2026-03-10", currency=usd)
            self._open_credit_note(customer, 100.0, "2026-02-01", currency=usd)
        self._usd_rate(usd, "2026-03-01", 1.60)
        self.assertEqual(self._plan_of(customer, "2026-03-12"), [])

    def test_c14_letter_lists_each_late_instalment_with_its_due_date(self):
        # Issue 17 #1 on the letter: 1 000 in three instalments 300 / 300 / 400 due
        # 31 January, 2 March, 1 April 2026; 450 paid on 5 February. The firm level is sent
        # by letter; run of 18 March (the second instalment 16 days late): the letter claims
        # 150.00 (the second's rest), lists its due date 03/02/2026 and not the third
        # (not due).
        self.level_firm.channel = "letter"
        customer = self._customer("Carrosserie Lettre Echeances")
        move = self._invoice_with_term(
            customer, 1000.0, "2026-01-01", self._term((30, 30), (30, 60), (40, 90))
        )
        self._pay(move, 450.0, "2026-02-05")
        events = self._run("2026-03-18", partners=customer)
        self.assertEqual(events.mapped("amount_due"), [150.0])
        with freeze_time("2026-03-18"):
            rows = letter_rows(self.env, events, move.name)
        text = " | ".join(rows)
        self.assertIn("150.00", text)
        self.assertIn("03/02/2026", text)
        self.assertNotIn("04/01/2026", text)

    def test_c15_transfer_waits_for_the_formal_notice_deadline_from_its_receipt(self):
        # Issue 17 #12: "the transfer to litigation only after the formal notice was delivered
        # and its payment deadline passed". 1 000 due 1 December 2025, last call sent
        # 31 December, formal notice by registered letter of 20 January 2026 posted that day
        # (received 3 days later, 23 January) with 8 days to pay: deadline 31 January. The
        # litigation level (60 days: 30 January) waits: nothing on 25 and 31 January, the
        # transfer of 1 000 on 1 February.
        customer = self._customer("Fonderie Delai Mise En Demeure")
        move = self._invoice(customer, 1000.0, "2025-11-01", "2025-12-01")
        self._reminder_event(
            move,
            self.level_last_call,
            "2025-12-31",
            channel="email",
            state="sent",
            amount_due=1000.0,
        )
        notice = self._reminder_event(
            move,
            self.level_notice,
            "2026-01-20",
            channel="registered",
            state="to_post",
            amount_due=1000.0,
        )
        self._post(notice, "2026-01-20")
        plans = {
            day: [(item["level"], item["amount_net"]) for item in self._plan_of(customer, day)]
            for day in ("2026-01-25", "2026-01-31", "2026-02-01")
        }
        self.assertEqual(
            plans,
            {
                "2026-01-25": [],
                "2026-01-31": [],
                "2026-02-01": [(self.level_litigation, 1000.0)],
            },
        )

    def test_c16_formal_notice_never_posted_no_transfer(self):
        # Issue 17 #12: a formal notice left "to post" is not delivered: 1 000 due 1 December
        # 2025, last call sent 31 December, the formal notice of 20 January never posted:
        # no transfer to litigation (nor anything else) on 2 February nor on 20 March.
        customer = self._customer("Fonderie Lettre Non Postee")
        move = self._invoice(customer, 1000.0, "2025-11-01", "2025-12-01")
        self._reminder_event(
            move,
            self.level_last_call,
            "2025-12-31",
            channel="email",
            state="sent",
            amount_due=1000.0,
        )
        self._reminder_event(
            move,
            self.level_notice,
            "2026-01-20",
            channel="registered",
            state="to_post",
            amount_due=1000.0,
        )
        self.assertEqual(self._plan_of(customer, "2026-02-02"), [])
        self.assertEqual(self._plan_of(customer, "2026-03-20"), [])

    def test_c17_first_instalment_paid_late_then_the_second_goes_through_its_ladder(self):
        # Issue 17 #1: 1 000 dated 1 January 2026, halves due 31 January and 28 February;
        # daily runs, the first half paid on 10 February (after its courteous reminder). The
        # second half goes through the ladder alone from its own due date: courtesy
        # 23 February (5 days before), courteous 1 March, firm 15 March (J+15), last call
        # 30 March (J+30), 500 each; its L441-9 mention lists both due dates with amounts.
        lines = self._instalments([(50, 30), (50, 58)])
        move = lines.move_id
        runs = [
            (day, event.level_id, event.amount_due, sorted(event.line_ids.mapped("date_maturity")))
            for day, event in self._sent([date(2026, 1, 26) + timedelta(days=n) for n in range(15)])
        ]
        self._pay(move, 500.0, "2026-02-10")
        runs += [
            (day, event.level_id, event.amount_due, sorted(event.line_ids.mapped("date_maturity")))
            for day, event in self._sent([date(2026, 2, 10) + timedelta(days=n) for n in range(50)])
        ]
        first, second = date(2026, 1, 31), date(2026, 2, 28)
        self.assertEqual(
            runs,
            [
                (date(2026, 1, 26), self.level_courtesy, 500.0, [first]),
                (date(2026, 2, 1), self.level_courteous, 500.0, [first]),
                (date(2026, 2, 23), self.level_courtesy, 500.0, [second]),
                (date(2026, 3, 1), self.level_courteous, 500.0, [second]),
                (date(2026, 3, 15), self.level_firm, 500.0, [second]),
                (date(2026, 3, 30), self.level_last_call, 500.0, [second]),
            ],
        )
        self.assertIn(
            "Due date: 01/31/2026 (500.00\xa0€), 02/28/2026 (500.00\xa0€).",
            self.env["recouvrement.penalty"]._get_penalty_mention(move),
        )
