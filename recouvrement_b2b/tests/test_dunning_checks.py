from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import DunningRunCommon


@tagged("post_install", "-at_install")
class TestDunningChecks(DunningRunCommon):
    """Issue 17, checked again with other inputs of the same kinds (currencies, prerequisite
    steps): a reminder claims exactly what is owed and a legal step presupposes its own."""

    def _post(self, event, day):
        with freeze_time(day):
            event.action_mark_posted()

    def test_indemnity_of_a_dollar_invoice_is_40_euros(self):
        # 1 000 USD dated 1 January 2026 (1 EUR = 1.25 USD: 800 EUR), due 31 January, when
        # 1 EUR = 1.10 USD. On 20 February the firm reminder claims what the dollars are worth
        # that day (break test of issue 17): 1 000 / 1.10 = 909.09 EUR, the penalty
        # 1 000 x 12.15 % x 20 / 365 = 6.66 USD = 6.66 / 1.10 = 6.05 EUR, and the D441-5
        # indemnity: 40 EUR, not 44 USD taken back at the invoice's rate (35.20).
        usd = self.setup_other_currency("USD", rates=[("2026-01-01", 1.25), ("2026-01-31", 1.10)])
        self.level_firm.claim_penalties = True
        move = self._invoice(self.customer, 1000.0, "2026-01-01", "2026-01-31", currency=usd)
        self.assertEqual(move.amount_residual_signed, 800.0)
        event = self._run("2026-02-20")
        self.assertRecordValues(
            event,
            [
                {
                    "level_id": self.level_firm.id,
                    "amount_due": 909.09,
                    "amount_penalty": 6.05,
                    "amount_indemnity": 40.0,
                    "amount_total": 955.14,
                }
            ],
        )
        self.assertEqual(
            [(line["penalty"], line["indemnity"]) for line in event._get_letter_lines()],
            [(6.05, 40.0)],
        )

    def test_notice_about_another_invoice_is_no_prerequisite(self):
        # Invoice A (2025) went through the ladder to a formal notice, posted, then was paid.
        # Invoice B, due 31 January 2026, is met 70 days late (entered late): neither A's
        # reminder nor A's notice ever named it. It gets the last call, then the formal
        # notice once the last call's deadline passed (11 April + 8 days = 19 April: on 20
        # April), and litigation only after that notice's 8-day deadline (from its receipt:
        # posted 20 April, 3 days of post, until 1 May).
        old = self._invoice(self.customer, 1000.0, "2025-01-01", "2025-01-31")
        self._run("2025-02-01")
        notice = self._run("2025-03-20")
        self.assertRecordValues(notice, [{"level_id": self.level_notice.id}])
        self._post(notice, "2025-03-20")
        self._pay(old, 1000.0, "2025-04-01")
        new = self._invoice(self.customer, 500.0, "2026-01-01", "2026-01-31")
        event = self._run("2026-04-11")
        self.assertRecordValues(event, [{"level_id": self.level_last_call.id, "amount_due": 500.0}])
        self.assertFalse(event.litigation_id)
        self.assertFalse(new.litigation_id)
        self.assertEqual(new.dunning_level_id, self.level_last_call)
        self.assertFalse(self._run("2026-04-19"), "the last call's deadline runs to 19 April")
        notice = self._run("2026-04-20")
        self.assertRecordValues(notice, [{"level_id": self.level_notice.id, "move_ids": new.ids}])
        self._post(notice, "2026-04-20")
        self.assertFalse(self._run("2026-05-01"), "the notice's deadline runs to 1 May")
        event = self._run("2026-05-02")
        self.assertRecordValues(event, [{"level_id": self.level_litigation.id}])
        self.assertEqual(new.litigation_id, event.litigation_id)

    def test_notice_deadline_counted_per_invoice(self):
        # Invoice A under a formal notice whose deadline passed, invoice B (entered late)
        # reaching litigation too but never reminded: no case for B, nor a notice naming it
        # before a reminder did. B's last call alone (a reminder is never softer than one
        # delivered for an invoice it lists: A had its formal notice; README, instalment
        # ladder), then the notice for both, then litigation.
        first = self._invoice(self.customer, 300.0, "2026-01-01", "2026-01-31")
        self._run("2026-02-01")
        notice = self._run("2026-03-20")
        self.assertRecordValues(notice, [{"level_id": self.level_notice.id}])
        self._post(notice, "2026-03-20")
        second = self._invoice(self.customer, 700.0, "2026-01-05", "2026-02-04")
        event = self._run("2026-04-06")  # A 65 days late, B 61: both at litigation
        self.assertRecordValues(event, [{"level_id": self.level_last_call.id, "amount_due": 700.0}])
        self.assertEqual(event.move_ids, second)
        self.assertFalse((first | second).litigation_id)
        # the last call's deadline: 6 April + 8 days = 14 April; the notice on 15 April
        self.assertFalse(self._run("2026-04-14"))
        notice = self._run("2026-04-15")
        self.assertRecordValues(notice, [{"level_id": self.level_notice.id}])
        self.assertEqual(notice.move_ids, first | second)
        self._post(notice, "2026-04-15")
        # 8 days from its receipt (posted 15 April, 3 days of post): until 26 April
        self.assertFalse(self._run("2026-04-26"))
        event = self._run("2026-04-27")
        self.assertRecordValues(event, [{"level_id": self.level_litigation.id}])
        self.assertEqual((first | second).litigation_id, event.litigation_id)

    def test_run_sends_only_the_preview_of_its_company_and_date(self):
        # A second company at its first run. The user previews the main company (Garnier:
        # last call, 1 000), switches the wizard to Filiale Lyon without refreshing, ticks the
        # confirmation seen on the main company's figures and sends: refused, nothing sent.
        company_b = self.setup_other_company(name="Filiale Lyon")["company"]
        company_b.dunning_policy_id = (
            self.env.ref("recouvrement_b2b.dunning_policy_standard")
            .sudo()
            .copy({"company_id": company_b.id, "name": "Standard Lyon"})
        )
        self.controller.company_ids += company_b
        self._invoice(self.customer, 1000.0, "2026-01-01", "2026-01-31")
        self._invoice(self.customer, 700.0, "2026-01-01", "2026-02-20", company=company_b)
        Event = self.env["recouvrement.dunning.event"]
        with freeze_time("2026-03-05"):
            wizard = (
                self.env["recouvrement.dunning.run"]
                .with_user(self.controller)
                .with_context(allowed_company_ids=[self.company.id, company_b.id])
                .create({"date": "2026-03-05"})
            )
            wizard.action_preview()
            self.assertRecordValues(
                wizard.line_ids, [{"level_id": self.level_last_call.id, "amount": 1000.0}]
            )
            wizard.company_id = company_b
            self.assertTrue(wizard.is_first_run)
            wizard.first_run_confirmed = True
            with self.assertRaisesRegex(
                UserError,
                "the preview shown is for company_1_data on 03/05/2026, not for "
                "Filiale Lyon on 03/05/2026",
            ):
                wizard.action_execute()
            self.assertFalse(Event.search([("partner_id", "=", self.customer.id)]))
            # A future date previewed, then today without a refresh: refused too.
            wizard.date = "2026-03-20"
            wizard.action_preview()
            wizard.date = "2026-03-05"
            with self.assertRaisesRegex(UserError, "Refresh the preview before sending"):
                wizard.action_execute()
            # Refreshed: Filiale Lyon's own preview, its confirmation asked again, then sent.
            wizard.action_preview()
            self.assertFalse(wizard.first_run_confirmed)
            self.assertRecordValues(
                wizard.line_ids, [{"amount": 700.0, "partner_id": self.customer.id}]
            )
            with self.assertRaisesRegex(UserError, "First dunning run for Filiale Lyon"):
                wizard.action_execute()
            wizard.first_run_confirmed = True
            wizard.action_execute()
        self.assertRecordValues(
            wizard.event_ids, [{"company_id": company_b.id, "amount_due": 700.0}]
        )

    def test_level_minimum_applies_to_the_invoice_not_each_instalment(self):
        # 300 EUR in two instalments of 150 (31 January, 1 February), minimum 200 at every
        # level: on 20 February the invoice owes 300, above the minimum: the firm reminder for
        # 300 (before: nothing, each instalment being under 200). An invoice of 150 alone stays
        # under it.
        self.policy.level_ids.min_amount = 200.0
        # entered on its date: a next reminder date is never in the past
        move = self._invoice(self.customer, 300.0, "2026-01-01", post=False)
        move.invoice_payment_term_id = self.env["account.payment.term"].create(
            {
                "name": "50 % 30 j + 50 % 31 j",
                "line_ids": [
                    Command.create({"value": "percent", "value_amount": 50, "nb_days": days})
                    for days in (30, 31)
                ],
            }
        )
        with freeze_time("2026-01-01"):
            move.action_post()
            # courtesy at J-5 of the second instalment, when both are in the reminder (300)
            self.assertEqual(move.dunning_next_date, date(2026, 1, 27))
        other = self.env["res.partner"].create(
            {"name": "Hotel du Parc", "is_company": True, "email": "compta@parc.example.fr"}
        )
        self._invoice(other, 150.0, "2026-01-01", "2026-01-31")
        event = self._run("2026-02-20")
        self.assertRecordValues(
            event,
            [{"partner_id": self.customer.id, "level_id": self.level_firm.id, "amount_due": 300.0}],
        )
        self.assertEqual(len(event.line_ids), 2)

    def test_consumer_owes_legal_interest_from_the_posted_formal_notice(self):
        # A consumer (no SIREN, no VAT number) owes 1 500 due 31 January 2026: no L441-10
        # penalty nor 40 EUR. The formal notice of 18 March goes by registered letter, posted
        # the same day, received (no proof of delivery: 3 days of post) on 21 March: legal
        # interest (2026-S1, creditor a company: 2.62 %) runs from 22 March; on 17 April,
        # 27 days: 1 500 x 2.62 % x 27 / 365 = 2.907 -> 2.91. A notice still to post starts
        # nothing.
        consumer = self.env["res.partner"].create(
            {"name": "Jean Martin", "email": "jean.martin@example.fr"}
        )
        move = self._invoice(consumer, 1500.0, "2026-01-01", "2026-01-31")
        self._run("2026-02-01")
        notice = self._run("2026-03-18")
        self.assertRecordValues(
            notice,
            [
                {
                    "level_id": self.level_notice.id,
                    "state": "to_post",
                    "amount_penalty": 0.0,
                    "amount_indemnity": 0.0,
                }
            ],
        )
        self.assertEqual(move._get_penalty_figures(date(2026, 4, 17))[move.id]["penalty"], 0.0)
        self._post(notice, "2026-03-18")
        figures = move._get_penalty_figures(date(2026, 4, 17))[move.id]
        self.assertEqual(
            (figures["penalty"], figures["indemnity"], figures["days"]), (2.91, 0.0, 27)
        )

    def test_several_addresses_are_a_valid_email(self):
        # The accounting field often holds two addresses: the reminder goes by email to both,
        # not as a letter saying the address "is not valid"; an address without "@" still
        # gives a letter (issue 17 #4).
        self.customer.email = "compta@garnier.example.fr, dg@garnier.example.fr"
        other = self.env["res.partner"].create(
            {"name": "Hotel du Parc", "is_company": True, "email": "compta.pi.example.fr"}
        )
        self._invoice(self.customer, 1000.0, "2026-01-01", "2026-01-31")
        self._invoice(other, 1000.0, "2026-01-01", "2026-01-31")
        events = self._run("2026-02-01")
        self.assertRecordValues(
            events.sorted(lambda e: e.partner_id != self.customer),
            [
                {"partner_id": self.customer.id, "channel": "email", "state": "sent"},
                {"partner_id": other.id, "channel": "letter", "state": "to_post"},
            ],
        )
        self.assertFalse(events.filtered(lambda e: e.partner_id == self.customer).note)
        mail = (
            self.env["mail.mail"]
            .sudo()
            .search([("model", "=", events._name), ("res_id", "in", events.ids)])
        )
        self.assertEqual(mail.recipient_ids, self.customer)
