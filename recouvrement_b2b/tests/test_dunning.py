import re
from unittest.mock import patch

from freezegun import freeze_time
from markupsafe import Markup

from odoo import Command, fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from odoo.addons.recouvrement_b2b.models.recouvrement_dunning import RecouvrementDunning
from odoo.addons.recouvrement_b2b.tools import sanitize as sanitize_tools

from .common import RecouvrementCommon

# Queries measured on Odoo 18.0 (cold cache, flush included). Planning a run, whatever the
# number of customers and invoices; the daily cron: a fixed part (planning included) plus a part
# per batch of customers reminded by email (SEND_BATCH_SIZE), whatever the number of customers
# in the batch and their invoices. The fixed part includes the run lock (1 query) and the locks
# of the customers, their invoices and instalments (3 each: savepoint, select, release).
# Planning also reads the customers with a reply to handle (1), the running promises and open
# disputes (2), the collective proceedings and factoring (1) and the pauses of each company (1);
# with open credits, the invoices of their customers' open litigation cases (1: a credit goes
# to the case first, recouvrement.dunning._allocate_open_credits, issue 17).
# Per batch: one template rendering, one create per model (events, mails, messages, notes on
# the events), the invoices moved up the ladder, their next reminder dates and the portal
# tokens of the batch's invoices, written in one UPDATE per set of fields changed (issue 18:
# before, one per level and one per field). The fixed part also refreshes the next reminder
# dates left in the past and those of reminders waiting to leave (3). The next reminder dates
# of a batch ask only the plan what the next runs send (issue 17, _get_run_next_dates: 46 +
# 29 while the ladder's estimate, its open disputes and open credits, was read too; the
# first batch's dates now read one thing the fixed part read: 45 + 25, 70 at 3 customers).
# Issue 17 (oldest debt first): the plan reads the open disputes of the customers' other
# debts (17 -> 18). Issue 17 (performance): the plan, the customers due and the next reminder
# dates search the invoices first, then their lines from their ids (no join whose plan
# depends on the tables' statistics): one query more each.
PLAN_QUERIES = 19
CRON_QUERIES_FIXED = 47  # 4 to find the customers due first (issues 17, 18, _get_cron_plan)
CRON_QUERIES_PER_BATCH = 27
MODULE = "odoo.addons.recouvrement_b2b.models.recouvrement_dunning"


class _Crash(BaseException):
    """A crash that no handler catches (the worker dies mid-batch)."""


@tagged("post_install", "-at_install")
class TestDunning(RecouvrementCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the set-up user configures the ladder; business flows run as the credit controller
        cls.env.user.groups_id += cls.group_manager
        cls.policy = cls._standard_ladder()
        cls.level_courtesy, cls.level_courteous, cls.level_firm = cls.policy.level_ids[:3]
        cls.level_last_call, cls.level_notice, cls.level_litigation = cls.policy.level_ids[3:]
        cls.Dunning = cls.env["recouvrement.dunning"].with_user(cls.controller)

    def _run(self, date):
        """The cron's code path on ``date`` (plan, then send), as the credit controller."""
        date = fields.Date.to_date(date)
        with freeze_time(date):
            plan = self.Dunning._get_plan(date, companies=self.company)
            events = self.Dunning._send_reminders(plan, date)
            self.Dunning._dunning_render_letters(events)  # the letters step
            return self._queue_takes(events, date)

    def _customer(self, name, email=True):
        return self.env["res.partner"].create(
            {
                "name": name,
                "is_company": True,
                "email": email and f"compta@{name.lower().replace(' ', '-')}.example.fr",
            }
        )

    def _mails(self, events):
        return self.env["mail.mail"].search(
            [("model", "=", "recouvrement.dunning.event"), ("res_id", "in", events.ids)]
        )

    def test_default_ladder(self):
        self.assertRecordValues(
            self.policy.level_ids,
            [
                {"days": -5, "channel": "email", "tone": "courtesy"},
                {"days": 1, "channel": "email", "tone": "courteous"},
                {"days": 15, "channel": "email", "tone": "firm"},
                {"days": 30, "channel": "email", "tone": "last_call"},
                {"days": 45, "channel": "registered", "tone": "formal_notice"},
                {"days": 60, "channel": "none", "tone": "litigation"},
            ],
        )
        self.assertTrue(self.level_last_call.propose_payment_plan)
        self.assertTrue(self.level_notice.is_formal_notice)
        self.assertTrue(self.level_notice.claim_penalties)
        self.assertTrue(self.level_litigation.open_litigation)
        # segment ladders shipped with the standard one (main company: read with sudo)
        strategic_call = self.env.ref("recouvrement_b2b.dunning_level_strategic_call").sudo()
        self.assertEqual(strategic_call.channel, "phone")
        risky = self.env.ref("recouvrement_b2b.dunning_policy_risky").sudo()
        self.assertEqual(risky.level_ids.mapped("days"), [-5, 1, 10, 20, 35])

    def test_ladder_copied_to_another_company_keeps_its_french_names(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["recouvrement_b2b"], ["fr_FR"])
        template = self.env.ref("recouvrement_b2b.dunning_policy_standard").sudo()
        policy = template._copy_to_company(self.company)
        self.assertEqual(policy.company_id, self.company)
        self.assertEqual(len(policy.level_ids), len(template.level_ids))
        french = policy.with_context(lang="fr_FR").level_ids.mapped("name")
        self.assertIn("Mise en demeure", french)
        self.assertEqual(french, template.with_context(lang="fr_FR").level_ids.mapped("name"))
        self.assertNotEqual(french, policy.with_context(lang="en_US").level_ids.mapped("name"))

    def test_walk_down_the_ladder(self):
        """One invoice due on 31 March, the cron every day: each level once, on its day."""
        # entered on its date: a next reminder date is never in the past
        with freeze_time("2026-03-01"):
            move = self._invoice(self.customer, 1200.0, "2026-03-01", "2026-03-31")
            self.assertEqual(move.dunning_next_date, fields.Date.to_date("2026-03-26"))
        sent = {}
        for day in range(80):
            date = fields.Date.add(fields.Date.to_date("2026-03-15"), days=day)
            for event in self._run(date):
                sent[event.level_id] = (event.date, event.channel)
                if event.state == "to_post":  # the letter is posted the day it is printed
                    with freeze_time(date):
                        event.action_mark_posted()
        self.assertEqual(
            sent,
            {
                self.level_courtesy: (fields.Date.to_date("2026-03-26"), "email"),
                self.level_courteous: (fields.Date.to_date("2026-04-01"), "email"),
                self.level_firm: (fields.Date.to_date("2026-04-15"), "email"),
                self.level_last_call: (fields.Date.to_date("2026-04-30"), "email"),
                self.level_notice: (fields.Date.to_date("2026-05-15"), "registered"),
                self.level_litigation: (fields.Date.to_date("2026-05-30"), "none"),
            },
        )
        events = self.env["recouvrement.dunning.event"].search(
            [("partner_id", "=", self.customer.id)]
        )
        self.assertEqual(len(events), 6)
        self.assertEqual(
            events.sorted("date").mapped("state"),
            ["sent", "sent", "sent", "sent", "posted", "sent"],  # the notice once posted
        )
        self.assertRecordValues(
            move,
            [
                {
                    "dunning_level_id": self.level_litigation.id,
                    "dunning_last_date": fields.Date.to_date("2026-05-30"),
                    "dunning_next_date": False,
                }
            ],
        )
        self.assertEqual(move.dunning_event_ids, events)
        # emails: queued (not sent inline) to the customer, each linked to its event; the
        # letter is rendered by the letters step and kept on the event
        mails = self._mails(events)
        self.assertEqual(len(mails), 4)
        self.assertEqual(set(mails.mapped("state")), {"outgoing"})
        self.assertEqual(mails.recipient_ids, self.customer)
        emails = events.filtered(lambda e: e.channel == "email")
        self.assertEqual(emails.mail_message_id, mails.mail_message_id)
        self.assertEqual(len(emails.attachment_id), 4)
        self.assertFalse(emails.filtered("letter_to_render"))
        # formal notice: letter to print and post, credit hold
        notice = events.filtered(lambda e: e.level_id == self.level_notice)
        self.assertTrue(notice.attachment_id)
        self.assertEqual(notice.post_date, fields.Date.to_date("2026-05-15"))
        self.assertTrue(self.customer.credit_hold)
        # litigation: a recovery case with the invoice
        litigation = events.filtered(lambda e: e.level_id == self.level_litigation).litigation_id
        self.assertRecordValues(
            litigation,
            [{"partner_id": self.customer.id, "litigation_type": "recovery"}],
        )
        self.assertEqual(litigation.move_ids, move)
        # each reminder is noted on its event, none in the customer's chatter shared by the
        # companies and the salespeople (issue 19)
        notes = events.message_ids.filtered(lambda m: "Reminder" in (m.body or ""))
        self.assertEqual(len(notes), 6)
        self.assertFalse(self.customer.message_ids.filtered(lambda m: "Reminder" in (m.body or "")))

    def test_one_communication_per_customer_in_company_currency(self):
        # Two currencies in one customer (1 EUR = 2 USD): one reminder claiming everything in
        # company currency, each line shown in its own currency, a dollar credit note deducted.
        usd = self.setup_other_currency("USD")
        old = self._invoice(self.customer, 500.0, "2026-01-01", "2026-01-31")
        recent = self._invoice(self.customer, 300.0, "2026-02-10", "2026-03-10")
        not_due = self._invoice(self.customer, 200.0, "2026-03-01", "2026-03-31")
        dollars = self._invoice(self.customer, 100.0, "2026-02-01", "2026-03-01", currency=usd)
        refund = self._invoice(self.customer, 40.0, "2026-02-15", currency=usd, post=False)
        refund.move_type = "out_refund"
        refund.action_post()
        other = self._customer("Imprimerie Roux")
        other_move = self._invoice(other, 50.0, "2026-02-01", "2026-03-14")
        events = self._run("2026-03-15")
        self.assertEqual(len(events), 2)
        event = events.filtered(lambda e: e.partner_id == self.customer)
        # 500 + 300 + 100 USD (50 EUR) - 40 USD (20 EUR) = 830 EUR
        self.assertRecordValues(
            event,
            [
                {
                    "level_id": self.level_last_call.id,
                    "currency_id": self.company.currency_id.id,
                    "amount_due": 830.0,
                    "amount_open_credit": 20.0,
                    "channel": "email",
                }
            ],
        )
        self.assertEqual(event.move_ids, old | recent | dollars)
        self.assertEqual(
            [
                (line["move"], line["residual_currency"], line["currency"], line["residual"])
                for line in event._get_letter_lines()
            ],
            [
                (old, 500.0, self.company.currency_id, 500.0),
                (dollars, 100.0, usd, 50.0),
                (recent, 300.0, self.company.currency_id, 300.0),
            ],
        )
        self.assertEqual(
            [
                (c["amount_currency"], c["currency"], c["amount"])
                for c in event._get_letter_credits()
            ],
            [(40.0, usd, 20.0)],
        )
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(event.level_id.report_id.report_name, event.ids)[0]
            .decode()
        )
        self.assertIn('$\xa0<span class="oe_currency_value">100.00</span>', html)
        self.assertIn('<span class="oe_currency_value">830.00</span>', html)
        # the customer quotes every invoice of the letter with its transfer
        self.assertEqual(
            event._get_payment_reference(),
            ", ".join(
                (old | recent | dollars)
                .sorted("name")
                .mapped(lambda m: m.payment_reference or m.name)
            ),
        )
        self.assertEqual(old.dunning_level_id, self.level_last_call)
        # listed in the last call, they take its level (issue 17 #1: not "newly reaching"
        # the courteous level afterwards), though 5 and 14 days late
        self.assertEqual(recent.dunning_level_id, self.level_last_call)
        self.assertEqual(dollars.dunning_level_id, self.level_last_call)
        self.assertFalse(not_due.dunning_level_id)
        self.assertEqual(events.filtered(lambda e: e.partner_id == other).move_ids, other_move)
        self.assertEqual(len(self._mails(events)), 2)

    def test_level_minimum_in_company_currency(self):
        # Issue 17 #3: 1 EUR = 1.25 USD, level minimum 100 EUR: an invoice of 110 USD (88 EUR)
        # is below it, one of 130 USD (104 EUR) above; the minimum is never read in dollars.
        usd = self.setup_other_currency("USD", rates=[("2026-01-01", 1.25)])
        (self.level_courtesy | self.level_courteous).min_amount = 100.0
        # entered on their date: a next reminder date is never in the past
        with freeze_time("2026-02-01"):
            small = self._invoice(self.customer, 110.0, "2026-02-01", "2026-03-10", currency=usd)
            other = self._customer("Imprimerie Roux")
            large = self._invoice(other, 130.0, "2026-02-01", "2026-03-10", currency=usd)
            # The next reminder of the small invoice skips the courteous level (J+15: firm).
            self.assertEqual(small.dunning_next_date, fields.Date.to_date("2026-03-25"))
        self.assertEqual((small.amount_residual_signed, large.amount_residual_signed), (88, 104))
        with freeze_time("2026-03-12"):
            plan = self.Dunning._get_plan(fields.Date.to_date("2026-03-12"), self.company)
        self.assertEqual(
            [(item["partner"], item["level"]) for item in plan], [(other, self.level_courteous)]
        )

    def test_open_credits_are_deducted(self):
        # Issue 17 #2: invoice of 1 000 due 1 October and an unmatched credit note of 1 000;
        # run of 20 November: no formal notice (nor any reminder, nor a hold): net balance 0.
        self.assertEqual(self.level_notice.min_amount, 0.0)
        self._invoice(self.customer, 1000.0, "2026-09-01", "2026-10-01")
        refund = self.env["account.move"].create(
            {
                "move_type": "out_refund",
                "partner_id": self.customer.id,
                "invoice_date": "2026-10-05",
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Avoir", "price_unit": 1000.0, "tax_ids": [Command.clear()]}
                    )
                ],
            }
        )
        refund.action_post()
        # An unmatched payment counts the same: 400 paid on account, net 600 claimed.
        other = self._customer("Hotel du Parc")
        self._invoice(other, 1000.0, "2026-09-01", "2026-10-01")
        payment = self.env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": other.id,
                "amount": 400.0,
                "date": "2026-10-20",
            }
        )
        payment.action_post()
        events = self._run("2026-11-20")
        # First run: the last amicable level (#12), then the formal notice, for 600, once the
        # last call's deadline passed (20 November + 8 days = 28 November: on 29 November).
        self.assertRecordValues(
            events,
            [{"partner_id": other.id, "level_id": self.level_last_call.id, "amount_due": 600}],
        )
        self.assertRecordValues(
            self._run("2026-11-29"), [{"level_id": self.level_notice.id, "amount_due": 600}]
        )
        self.assertFalse(self.customer.credit_hold)
        # Above the net balance, a level with consequences is not reached (minimum 700 EUR).
        self.level_litigation.min_amount = 700.0
        self.assertFalse(self._run("2026-12-05").filtered("level_id.open_litigation"))

    def test_letter_to_post_holds_the_ladder(self):
        """A formal notice waiting to be posted is not sent again each day, and nothing
        follows it before it is posted (only posted letters count, issue 18)."""
        move = self._invoice(self.customer, 1000.0, "2026-01-01", "2026-01-20")
        self._run("2026-03-31")  # last call: pay by 8 April (31 March + 8 days)
        notice = self._run("2026-04-09")  # the day after the last call's deadline (issue 17)
        self.assertRecordValues(notice, [{"level_id": self.level_notice.id, "state": "to_post"}])
        self.assertFalse(self._run("2026-04-10"), "no second formal notice while one waits")
        self.assertFalse(self._run("2026-04-20"), "no litigation before the notice is posted")
        with freeze_time("2026-04-20"):
            notice.action_mark_posted()
        # its 8 days run from its receipt (posted 20 April + 3 days of post): until 1 May
        self.assertFalse(self._run("2026-05-01"), "no litigation before the notice's deadline")
        self.assertEqual(self._run("2026-05-02").level_id, self.level_litigation)
        self.assertTrue(move.litigation_id)

    def test_first_run_never_skips_legal_steps(self):
        # Issue 17 #12: a book where the customer's invoice is 70 days overdue, shipped
        # ladder, first run: the highest amicable level (last call), not a formal notice nor
        # a litigation case; the notice comes once a reminder was sent and its payment
        # deadline passed (was the next day, 1 April: 7 days before the last call's "paid by
        # 04/08/2026"); litigation only once the notice's 8-day payment deadline has passed.
        move = self._invoice(self.customer, 1000.0, "2026-01-01", "2026-01-20")
        first = self._run("2026-03-31")
        self.assertRecordValues(first, [{"level_id": self.level_last_call.id, "state": "sent"}])
        self.assertEqual(move.dunning_level_id, self.level_last_call)
        self.assertFalse(self.customer.credit_hold)
        self.assertFalse(move.litigation_id)
        # a second call the same day (another cron pass, server or the run wizard) sends
        # nothing: the notice waits for the next day (one communication per customer and day)
        self.assertFalse(self._run("2026-03-31"))
        # the last call's deadline: 31 March + 8 days = 8 April; the notice on 9 April
        self.assertFalse(self._run("2026-04-08"), "last call deadline 2026-04-08 not passed")
        notice = self._run("2026-04-09")
        self.assertEqual(notice.level_id, self.level_notice)
        with freeze_time("2026-04-09"):
            notice.action_mark_posted()  # a letter counts once posted (issue 18)
        # 8 days from its receipt: posted 9 April, 3 days of post (12 April), deadline 20 April
        self.assertFalse(self._run("2026-04-20"), "notice deadline 2026-04-20 not passed")
        self.assertEqual(self._run("2026-04-21").level_id, self.level_litigation)
        self.assertTrue(move.litigation_id)

    def test_exclusions(self):
        (self.level_courtesy | self.level_courteous).min_amount = 100.0
        due = "2026-03-01"
        kept = self._invoice(self.customer, 1000.0, "2026-02-01", due)
        paid = self._invoice(self.customer, 1000.0, "2026-02-01", due)
        self._pay(paid, 1000.0, "2026-03-02")
        refund = self._invoice(self.customer, 10.0, "2026-02-01", due, post=False)
        refund.move_type = "out_refund"
        refund.action_post()
        disputed = self._invoice(self.customer, 1000.0, "2026-02-01", due)
        disputed.litigation_id = self.env["recouvrement.litigation"].create(
            {"partner_id": self.customer.id, "move_ids": [Command.set(disputed.ids)]}
        )
        planned = self._invoice(self.customer, 1000.0, "2026-02-01", due)
        # An active, kept plan links its invoices (the payment plan feature sets the field).
        planned.payment_plan_id = (
            self.env["recouvrement.payment.plan"]
            .sudo()
            .create(
                {
                    "partner_id": self.customer.id,
                    "state": "active",
                    "move_ids": [Command.set(planned.ids)],
                }
            )
        )
        paused = self._invoice(self.customer, 1000.0, "2026-02-01", due)
        paused.write({"dunning_paused_until": "2026-03-31", "dunning_pause_reason": "Litige"})
        small_customer = self._customer("Petit Client")
        small = self._invoice(small_customer, 50.0, "2026-02-01", due)
        paused_customer = self._customer("Garage Moreau")
        self._invoice(paused_customer, 1000.0, "2026-02-01", due)
        paused_customer.write(
            {"dunning_paused_until": "2026-03-10", "dunning_pause_reason": "Négociation"}
        )
        events = self._run("2026-03-05")
        self.assertEqual(events.move_ids, kept)
        self.assertEqual(events.partner_id, self.customer)
        self.assertFalse(small.dunning_level_id)  # under the minimum: no reminder
        self.assertFalse(paused.dunning_level_id)
        # the pauses end: the invoices come back, at the level due on that day
        events = self._run("2026-04-01")
        self.assertIn(paused, events.move_ids)
        self.assertTrue(events.filtered(lambda e: e.partner_id == paused_customer))

    def test_idempotent_same_day(self):
        self._invoice(self.customer, 1000.0, "2026-02-01", "2026-03-01")
        first = self._run("2026-03-02")
        self.assertEqual(len(first), 1)
        mails = self.env["mail.mail"].search_count([])
        self.assertFalse(self._run("2026-03-02"))
        with freeze_time("2026-03-02"):
            self.Dunning._cron_send_reminders()
        self.assertEqual(self.env["mail.mail"].search_count([]), mails)
        self.assertEqual(
            self.env["recouvrement.dunning.event"].search_count(
                [("partner_id", "=", self.customer.id)]
            ),
            1,
        )

    def test_failing_customer_does_not_stop_the_others(self):
        customers = self.customer | self._customer("Hotel du Parc") | self._customer("Paysages")
        for customer in customers:
            self._invoice(customer, 1000.0, "2026-02-01", "2026-03-01")
        failing = customers[1]
        prepare = RecouvrementDunning._prepare_dunning_event_vals

        def broken_prepare(dunning, item, date, recipient, figures=None):
            if item["partner"] == failing:
                raise ValueError("template error")
            return prepare(dunning, item, date, recipient, figures=figures)

        with (
            patch.object(RecouvrementDunning, "_prepare_dunning_event_vals", broken_prepare),
            self.assertLogs("odoo.addons.recouvrement_b2b.models.recouvrement_dunning", "WARNING"),
        ):
            events = self._run("2026-03-02")
        self.assertEqual(events.mapped("state"), ["sent", "failed", "sent"])
        failed = events.filtered(lambda e: e.state == "failed")
        self.assertIn("template error", failed.note)
        self.assertFalse(self._mails(failed))
        # the failure is noted on the failed event, not in the shared customer's chatter
        self.assertIn("template error", failed.message_ids[0].body)
        self.assertFalse(failing.invoice_ids.dunning_level_id)
        # the cron does not retry it the same day, the next day's run does
        with freeze_time("2026-03-02"):
            self.Dunning._cron_send_reminders()
        self.assertEqual(self.env["recouvrement.dunning.event"].search_count([]), 3)
        retried = self._run("2026-03-03")
        self.assertEqual(retried.partner_id, failing)
        self.assertEqual(retried.state, "sent")

    def test_crash_mid_batch_then_restart(self):
        customers = self.customer | self._customer("Hotel du Parc") | self._customer("Paysages")
        for customer in customers:
            self._invoice(customer, 1000.0, "2026-02-01", "2026-03-01")
        post = RecouvrementDunning._post_on_customers

        def crashing_post(dunning, events):
            if customers[2] in events.partner_id:
                raise _Crash()
            return post(dunning, events)

        with freeze_time("2026-03-02"):
            self.Dunning._cron_send_reminders(batch_size=1)  # first batch: committed
            with (
                patch.object(RecouvrementDunning, "_post_on_customers", crashing_post),
                self.assertRaises(_Crash),
                self.env.cr.savepoint(),
            ):
                self.Dunning._cron_send_reminders(batch_size=5)  # dies on the 3rd customer
            self.env.invalidate_all()
            self.Dunning._cron_send_reminders(batch_size=5)  # restart
            self.Dunning._cron_send_reminders(batch_size=5)  # and once more: nothing
        events = self.env["recouvrement.dunning.event"].search(
            [("partner_id", "in", customers.ids)]
        )
        self.assertEqual(sorted(events.partner_id.ids), sorted(customers.ids))
        self.assertEqual(len(events), 3)
        self.assertEqual(len(self._mails(events)), 3)

    def test_no_email_falls_back_to_letter(self):
        customer = self._customer("Boulangeries Martin", email=False)
        self._invoice(customer, 1000.0, "2026-02-01", "2026-03-01")
        event = self._run("2026-03-02")
        self.assertRecordValues(
            event, [{"channel": "letter", "state": "to_post", "to_print": True}]
        )
        self.assertIn("has no email address", event.note)
        self.assertTrue(event.attachment_id)
        self.assertFalse(self._mails(event))
        self.assertIn("has no email address", event.message_ids[0].body)

    def test_unusable_email_address_falls_back_to_letter(self):
        # Issue 17 #4 (first part): an address without @ is caught before sending: a letter,
        # said on the event, and no mail that would fail in the queue.
        customer = self._customer("Pi Conseil", email=False)
        customer.email = "compta.pi.example.fr"
        self._invoice(customer, 1000.0, "2026-02-01", "2026-03-01")
        event = self._run("2026-03-02")
        self.assertRecordValues(
            event, [{"channel": "letter", "state": "to_post", "to_print": True}]
        )
        self.assertIn(
            "The email address compta.pi.example.fr of Pi Conseil is not valid", event.note
        )
        self.assertFalse(self._mails(event))

    def test_invoicing_contact_receives_the_email(self):
        contact = self.env["res.partner"].create(
            {
                "name": "Service comptable",
                "type": "invoice",
                "parent_id": self.customer.id,
                "email": "factures@garnier.example.fr",
            }
        )
        self._invoice(self.customer, 1000.0, "2026-02-01", "2026-03-01")
        event = self._run("2026-03-02")
        self.assertEqual(event.recipient_id, contact)
        self.assertEqual(self._mails(event).recipient_ids, contact)

    def test_payment_stops_and_resets(self):
        move = self._invoice(self.customer, 1000.0, "2026-02-01", "2026-03-01")
        other = self._invoice(self.customer, 400.0, "2026-02-01", "2026-03-01")
        self._run("2026-03-20")
        self.assertEqual(self.customer.dunning_level_id, self.level_firm)
        self._pay(move, 1000.0, "2026-03-21")
        self.assertFalse(move.dunning_next_date)
        events = self._run("2026-04-05")
        self.assertEqual(events.move_ids, other)
        self._pay(other, 400.0, "2026-04-06")
        self.customer.invalidate_recordset(["dunning_level_id"])
        self.assertFalse(self.customer.dunning_level_id)
        self.assertFalse(self._run("2026-05-01"))
        # a new invoice starts again from the bottom of the ladder
        new = self._invoice(self.customer, 100.0, "2026-05-01", "2026-05-31")
        self.assertEqual(self._run("2026-06-01").level_id, self.level_courteous)
        self.assertEqual(new.dunning_level_id, self.level_courteous)

    def test_phone_level_schedules_an_activity(self):
        policy = self.env["recouvrement.dunning.policy"].create(
            {
                "name": "Strategic",
                "segment": "strategic",
                "company_id": self.company.id,
                "level_ids": [
                    Command.create(
                        {
                            "name": "Call the customer",
                            "days": 10,
                            "channel": "phone",
                            "activity_user_id": self.manager.id,
                        }
                    )
                ],
            }
        )
        self.customer.with_company(self.company).dunning_policy_id = policy
        move = self._invoice(self.customer, 1500.0, "2026-02-01", "2026-03-01")
        event = self._run("2026-03-11")
        self.assertEqual(event.channel, "phone")
        # on the reminder, its company's record, not on the shared customer (issue 19)
        self.assertFalse(self.customer.activity_ids)
        activity = event.activity_ids
        self.assertEqual(activity.user_id, self.manager)
        self.assertIn(move.name, str(activity.note))
        self.assertIn("1,500.00", str(activity.note))

    def test_bad_input(self):
        with self.assertRaises(ValidationError) as error:
            self.level_firm.with_user(self.manager).mail_template_id = False
        self.assertEqual(
            str(error.exception), "Level Firm reminder sends an email: set its Email Template."
        )
        self.assertTrue(self.level_firm.mail_template_id)
        with self.assertRaises(ValidationError) as error:
            self.level_firm.with_user(self.manager).days = 1
        self.assertIn("two levels have the same Days value (1)", str(error.exception))
        self.assertIn("Policy Standard", str(error.exception))
        self.assertEqual(self.level_firm.days, 15)

    def test_manual_run_wizard(self):
        customers = self.customer | self._customer("Hotel du Parc")
        for customer in customers:
            self._invoice(customer, 1000.0, "2026-02-01", "2026-03-01")
        with freeze_time("2026-03-02"):
            wizard_form = Form(self.env["recouvrement.dunning.run"].with_user(self.controller))
            wizard_form.date = fields.Date.to_date("2026-03-02")
            wizard = wizard_form.save()
            wizard.action_preview()
            self.assertRecordValues(
                wizard.line_ids.sorted(lambda line: line.partner_id.id),
                [
                    {"partner_id": p.id, "level_id": self.level_courteous.id, "amount": 1000.0}
                    for p in customers.sorted("id")
                ],
            )
            wizard.line_ids.filtered(lambda line: line.partner_id == customers[1]).excluded = True
            wizard.first_run_confirmed = True  # first run of the company
            wizard.action_execute()
        self.assertEqual(wizard.event_ids.partner_id, customers[0])
        self.assertEqual(len(self._mails(wizard.event_ids)), 1)
        # the excluded customer is still due: the cron sends it
        self.assertEqual(self._run("2026-03-02").partner_id, customers[1])

    def test_manual_run_for_a_future_date_is_a_preview(self):
        # Issue 17 #11: a run of 15 December made on 2 December sends nothing: the invoices
        # due 10 December do not "remain unpaid after their due date" yet.
        move = self._invoice(self.customer, 1000.0, "2026-11-10", "2026-12-10")
        with freeze_time("2026-12-02"):
            wizard = (
                self.env["recouvrement.dunning.run"]
                .with_user(self.controller)
                .create({"date": "2026-12-15"})
            )
            self.assertTrue(wizard.is_preview)
            wizard.action_preview()
            self.assertRecordValues(
                wizard.line_ids, [{"level_id": self.level_courteous.id, "amount": 1000.0}]
            )
            with self.assertRaisesRegex(UserError, r"sent only for today \(12/02/2026\)"):
                wizard.action_execute()
            self.assertFalse(
                self.env["recouvrement.dunning.event"].search([("move_ids", "in", move.ids)])
            )
            self.assertFalse(move.dunning_level_id)
            # A past date is not sent either: a reminder is dated the day it is sent.
            wizard.date = fields.Date.to_date("2026-11-30")
            self.assertTrue(wizard.is_preview)
            wizard.date = fields.Date.to_date("2026-12-02")
            self.assertFalse(wizard.is_preview)

    def test_due_lines_searched_from_invoice_ids(self):
        """The plan, the cron's customers due and the next reminder dates never search the
        receivable lines joined to their invoices (issue 17, performance): on a 2 000-customer
        book not analysed yet, the join's plan scanned the invoices once per line (3 to 7 s
        per plan of 200 customers); the invoices are searched first, their lines from their
        ids. An open credit and a litigation case claiming one instalment are there so that
        every search runs; the plan still leaves the claimed instalment out."""
        date = fields.Date.to_date("2026-03-02")
        invoice = self._invoice(self.customer, 100.0, "2026-02-01", "2026-03-01")
        other = self._invoice(self.customer, 200.0, "2026-02-01", "2026-03-01")
        receivable = other.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        self.env["recouvrement.litigation"].create(
            {
                "partner_id": self.customer.id,
                "move_ids": [Command.set(other.ids)],
                "line_ids": [Command.set(receivable.ids)],
            }
        )
        self._refund(self.customer, 50.0, "2026-02-10")
        self.env.flush_all()
        joined = []
        execute = type(self.env.cr).execute

        def record(cr, query, params=None, log_exceptions=True):
            text = str(getattr(query, "code", query))
            if re.search(r'FROM "account_move_line"[^()]*JOIN "account_move" ', text):
                joined.append(text)
            return execute(cr, query, params, log_exceptions)

        with freeze_time(date), patch.object(type(self.env.cr), "execute", record):
            plan = self.Dunning._get_plan(date, companies=self.company)
            self.Dunning._get_cron_plan(date, 50)
            self.Dunning._get_next_dates(invoice | other, date)
        self.assertEqual(joined, [], "\n\n".join(joined))
        item = next(item for item in plan if item["partner"] == self.customer)
        self.assertEqual(item["moves"], invoice)

    def _count_queries(self, function, *args, **kwargs):
        """Run ``function`` on a cold cache: ``(its result, the queries it made)``, the final
        flush included (as ``assertQueryCount``, with no random bus garbage collection)."""
        self.env.flush_all()
        self.env.cr.flush()
        self.env.invalidate_all()
        with patch("random.random", lambda: 1):
            before = self.env.cr.sql_log_count
            result = function(*args, **kwargs)
            self.env.flush_all()
            self.env.cr.flush()
            count = self.env.cr.sql_log_count - before
        return result, count

    def _new_customers(self, count, invoices):
        """``count`` new customers, each with ``invoices`` invoices due on 1 March 2026."""
        partners = self.env["res.partner"]
        for i in range(count):
            partner = self._customer(f"Client {count}x{invoices} {i}")
            for _j in range(invoices):
                self._invoice(partner, 100.0, "2026-02-01", "2026-03-01")
            partners |= partner
        return partners

    def _cron_count(self, customers):
        """Queries of the daily cron on 2 March 2026, which must remind exactly ``customers``."""
        events = self.env["recouvrement.dunning.event"]
        last = events.search([], order="id desc", limit=1).id or 0
        with freeze_time("2026-03-02"):
            _result, count = self._count_queries(self.Dunning._cron_send_reminders)
        sent = events.search([("id", ">", last)])
        self.assertEqual(sent.partner_id, customers)
        self.assertEqual(set(sent.mapped("state")), {"sent"})
        return count

    def test_cron_query_count_per_customer(self):
        """Producing the reminders costs a constant number of queries per batch of customers
        (one template rendering, one create per model), whatever the number of customers in
        the batch and their invoices: the cron is a fixed part plus that per batch."""
        self._cron_count(self._new_customers(1, 1))  # warm-up: templates compiled, caches filled
        three = self._cron_count(self._new_customers(3, 1))
        six = self._cron_count(self._new_customers(6, 1))
        twelve = self._cron_count(self._new_customers(12, 1))
        six_many_invoices = self._cron_count(self._new_customers(6, 6))
        self.assertEqual(three, CRON_QUERIES_FIXED + CRON_QUERIES_PER_BATCH)
        self.assertEqual(six, three, "3 -> 6 customers")
        self.assertEqual(twelve, three, "6 -> 12 customers")
        self.assertEqual(six_many_invoices, six, "a query per invoice")
        # the cost is per batch (SEND_BATCH_SIZE customers): from 12 customers on, under the
        # 8 queries per customer of issue 18 (5.8 for 12, 1.4 for a full batch of 50)
        self.assertLessEqual(twelve, 8 * 12, "more than 8 queries per customer")
        # batches of 2 customers: the same cost per batch (12.5 queries per customer), linear
        with patch(f"{MODULE}.SEND_BATCH_SIZE", 2):
            two = self._cron_count(self._new_customers(2, 1))
            four = self._cron_count(self._new_customers(4, 1))
            eight = self._cron_count(self._new_customers(8, 1))
        self.assertEqual(two, three)
        self.assertEqual(four - two, CRON_QUERIES_PER_BATCH, "2 -> 4 customers")
        self.assertEqual(eight - four, 2 * CRON_QUERIES_PER_BATCH, "4 -> 8 customers")

    def _left_queue_count(self, count, late_days):
        """Queries of the mail queue recording that the emails of the run of 2 March 2026 to
        ``count`` new customers left it ``late_days`` later, and their invoices' stored next
        reminder dates then: ``(queries, {date})``."""
        customers = self._new_customers(count, 1)
        day = fields.Date.to_date("2026-03-02")
        with freeze_time(day):
            events = self.Dunning._send_reminders(
                self.Dunning._get_plan(day, partners=customers), day
            )
            self.env.flush_all()
        left = fields.Date.add(day, days=late_days)
        with freeze_time(left):
            _result, queries = self._count_queries(
                self.Dunning._dunning_mail_left_queue, events, left
            )
        return queries, set(events.move_ids.mapped("dunning_next_date"))

    def test_emails_leaving_the_queue_on_the_run_day_move_no_next_date(self):
        """An email leaving the outgoing queue the day of its run, which worked out the next
        reminder dates taking it as leaving then (the usual case: the queue sends within
        minutes), moves none of them: recording it costs the same for 2 and 6 customers, no
        date recomputed. Leaving 3 days later,
        the dates are worked out again from that day. 100 due 1 March, the courteous reminder
        of 2 March (no payment deadline); the firm reminder is due on 1 March + 15 = 16 March
        either way."""
        self._left_queue_count(1, 0)  # warm-up
        two, dates = self._left_queue_count(2, 0)
        six, _dates = self._left_queue_count(6, 0)
        # 2: the reminders read and written, no invoice searched nor date recomputed (more
        # than 20 when the dates are worked out again, below)
        self.assertEqual((two, six), (2, 2))
        self.assertEqual(dates, {fields.Date.to_date("2026-03-16")})
        late_two, late_dates = self._left_queue_count(2, 3)
        self.assertGreater(late_two, two, "the dates worked out again for the day it left")
        self.assertEqual(late_dates, {fields.Date.to_date("2026-03-16")})

    def test_bodies_sanitized_once_per_batch(self):
        """Producing the reminders sanitizes each email and note body once (tools.sanitize):
        Odoo sanitizes an HTML value for its column, for the cache, and once more for a record
        inheriting the field (mail.mail's body): three times per email, two per note; the
        bodies stored are the same."""
        calls = []

        def counted(src, **options):
            calls.append(str(src))
            return original(src, **options)

        original = sanitize_tools._html_sanitize
        body = Markup("<p>Total due: <strong>1 200,00 €</strong></p>")
        with patch.object(sanitize_tools, "_html_sanitize", counted):
            message = self.customer.message_post(body=body, message_type="comment")
            plain = calls.count(str(body))
            calls.clear()
            with sanitize_tools.sanitized_once():
                once = self.customer.message_post(body=body, message_type="comment")
                mail = self.env["mail.mail"].create({"body_html": str(body), "body": body})
        # outside a block: the column and the cache of the message (at least twice)
        self.assertGreaterEqual(plain, 2)
        # inside: once for the message, the mail's message and the mail itself together
        self.assertEqual(calls.count(str(body)), 1)
        self.assertEqual(once.body, message.body)
        self.assertEqual(mail.body, message.body)
        # the same value sanitized with other options is sanitized again, never mixed up
        with sanitize_tools.sanitized_once():
            stripped = sanitize_tools._html_sanitize_once(body, strip_style=True)
            kept = sanitize_tools._html_sanitize_once(body, strip_style=False)
        self.assertEqual(stripped, original(body, strip_style=True))
        self.assertEqual(kept, original(body, strip_style=False))

    def test_plan_query_count(self):
        """Planning costs the same queries for 1 customer with 2 invoices as for 3 with 12."""
        date = fields.Date.to_date("2026-03-02")
        for _i in range(2):
            self._invoice(self.customer, 100.0, "2026-02-01", "2026-03-01")
        # An open credit: the net balance is read in the same queries.
        refund = self.env["account.move"].create(
            {
                "move_type": "out_refund",
                "partner_id": self.customer.id,
                "invoice_date": "2026-02-10",
                "invoice_line_ids": [
                    Command.create({"name": "Avoir", "price_unit": 50.0, "tax_ids": []})
                ],
            }
        )
        refund.action_post()
        with freeze_time(date):
            self._count_queries(self.Dunning._get_plan, date, companies=self.company)  # warm-up
            plan, small = self._count_queries(self.Dunning._get_plan, date, companies=self.company)
        self.assertEqual(len(plan), 1)
        self._new_customers(2, 5)
        with freeze_time(date):
            plan, large = self._count_queries(self.Dunning._get_plan, date, companies=self.company)
        self.assertEqual(len(plan), 3)
        self.assertEqual(sum(len(item["moves"]) for item in plan), 12)
        self.assertEqual(small, PLAN_QUERIES)  # measured
        self.assertEqual(large, PLAN_QUERIES, "a query per customer or per invoice")
