from datetime import date, timedelta

from freezegun import freeze_time

from odoo import SUPERUSER_ID, Command, api
from odoo.tests import tagged

from .common import DunningRunCommon, TwoCursorsCommon, post_invoice, retried


@tagged("post_install", "-at_install")
class TestBreak17Prescription(DunningRunCommon):
    """Issue 17 (#8 to #12) again with other inputs: prescription chains, consumers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Litigation = cls.env["recouvrement.litigation"]

    def test_service_after_an_acknowledgment_restarts_from_the_service(self):
        # Due 2020-03-10: time-barred after 2025-03-10 (5 years, L110-4). A payment plan
        # signed 2024-06-01 acknowledges the debt (art. 2240): a new period to 2029-06-01
        # (art. 2231). The injonction's order served 2026-04-15 (within that period, art.
        # 2241) restarts it again: 2026-04-15 + 5 years = 2031-04-15. The old value
        # 2025-03-10 dropped the service as "after the expiry" of the first period.
        old = self._invoice(self.customer, 900.0, "2020-02-10", "2020-03-10")
        self.assertEqual(old.prescription_date, date(2025, 3, 10))
        with freeze_time("2024-06-01"):
            self.Litigation._interrupt_prescription(old, date(2024, 6, 1))
        self.assertEqual(old.prescription_date, date(2029, 6, 1))
        with freeze_time("2026-03-20"):  # filed 2026-03-20: no interruption (Cass. 1re civ.)
            case = self._litigation_case(old, litigation_type="recovery", proof_checked=True)
            case.action_file()
        self.assertEqual(old.prescription_date, date(2029, 6, 1))
        with freeze_time("2026-04-15"):  # recorded the day it is served
            case.write({"order_date": "2026-04-01", "service_date": "2026-04-15"})
        self.assertEqual(old.prescription_date, date(2031, 4, 15))
        self.assertEqual(case.prescription_date, date(2031, 4, 15))

    def test_proceedings_closed_after_five_years_restart_from_the_closing(self):
        # Due 2020-01-15 (time-barred after 2025-01-15 without any act). Redressement opened
        # 2020-06-01 (BODACC 2020-06-15); claim declared 2020-07-01: prescription interrupted
        # until the proceedings close (L622-25-1), which they do on 2026-02-01 (a plan):
        # a new period from the closing: 2026-02-01 + 5 years = 2031-02-01. The old value
        # 2025-01-15 dropped the closing as "after the expiry" of the first period.
        debtor = self._customer("Tissages", siren="882029382")
        old = self._invoice(debtor, 700.0, "2019-12-16", "2020-01-15")
        mandataire = self._customer("Mandataires")
        debtor.write({"collective_proceedings": "redressement", "proceedings_date": "2020-06-01"})
        with freeze_time("2020-07-01"):
            declaration = self._declare_claims(debtor, mandataire, date(2020, 6, 15))
            self.assertEqual(declaration.move_ids, old)
            declaration.action_declare()
        self.assertFalse(old.prescription_date)
        with freeze_time("2026-02-02"):
            declaration.write({"close_date": date(2026, 2, 1), "closure_reason": "plan"})
            declaration.action_close()
        self.assertEqual(old.prescription_interruption_date, date(2026, 2, 1))
        self.assertEqual(old.prescription_date, date(2031, 2, 1))

    def test_acknowledgment_after_prescription_does_not_revive(self):
        # Due 2020-03-10, nothing interrupted it: time-barred after 2025-03-10. A payment plan
        # signed 2025-04-01 comes too late (art. 2240 interrupts a running period only): the
        # invoice keeps 2025-03-10, no interruption is recorded.
        old = self._invoice(self.customer, 900.0, "2020-02-10", "2020-03-10")
        with freeze_time("2025-04-01"):
            recorded = self.Litigation._interrupt_prescription(old, date(2025, 4, 1))
        self.assertFalse(recorded)
        self.assertRecordValues(
            old, [{"prescription_interruption_date": False, "prescription_date": date(2025, 3, 10)}]
        )

    def test_injonction_filed_on_a_time_barred_invoice_says_so(self):
        # Due 2021-01-10: time-barred after 2026-01-10 (5 years, nothing interrupted it). The
        # request is filed on 2026-02-20: the old warning told the user to "Have the order
        # served by 01/10/2026", a day already gone. Right: the invoice is time-barred (last
        # day to act 2026-01-10), serving the order no longer interrupts anything; the debtor
        # may still let it pass (art. 2247: the judge does not raise prescription by himself).
        old = self._invoice(self.customer, 400.0, "2020-12-10", "2021-01-10")
        with freeze_time("2026-02-20"):
            case = self._litigation_case(old, litigation_type="recovery", proof_checked=True)
            case.action_file()
            self.assertEqual(case.prescription_date, date(2026, 1, 10))
            warning = case.prescription_warning
        self.assertIn("is time-barred: its last day to act was 01/10/2026", warning)
        self.assertIn("art. 2247", warning)
        self.assertNotIn("Have the order served", warning)
        # Served anyway on 2026-03-10: the service comes after the last day to act, it
        # interrupts nothing (not recorded); the case still says the invoice is time-barred
        # (the warning used to vanish once the service date was set).
        with freeze_time("2026-03-10"):
            case.write({"order_date": "2026-03-01", "service_date": "2026-03-10"})
            self.assertRecordValues(
                old,
                [{"prescription_interruption_date": False, "prescription_date": date(2026, 1, 10)}],
            )
            self.assertIn(
                "is time-barred: its last day to act was 01/10/2026", case.prescription_warning
            )

    def test_service_date_corrected_earlier_moves_the_restart(self):
        # Due 2021-06-10 (last day to act 2026-06-10). The order is served 2026-04-10 but typed
        # 2026-04-15, then corrected to 2026-04-10: the new period runs from the service,
        # 2026-04-10 + 5 years = 2031-04-10. The old value kept the typo's 2031-04-15, five
        # days the creditor does not have. A re-service later (2026-05-20) restarts again:
        # 2031-05-20.
        old = self._invoice(self.customer, 400.0, "2021-05-10", "2021-06-10")
        with freeze_time("2026-03-20"):
            case = self._litigation_case(old, litigation_type="recovery", proof_checked=True)
            case.action_file()
        with freeze_time("2026-04-15"):
            case.write({"order_date": "2026-04-01", "service_date": "2026-04-15"})
            self.assertEqual(old.prescription_date, date(2031, 4, 15))
            case.service_date = "2026-04-10"
        self.assertEqual(old.prescription_interruption_date, date(2026, 4, 10))
        self.assertEqual(old.prescription_date, date(2031, 4, 10))
        with freeze_time("2026-05-20"):
            case.service_date = "2026-05-20"
        self.assertEqual(old.prescription_date, date(2031, 5, 20))


class PenaltyTwoCursorsCommon(TwoCursorsCommon):
    """:class:`TwoCursorsCommon` where penalties can be invoiced: the company's income
    accounts for penalties set (the test database's chart may lack the French ones), and
    restored afterwards."""

    def setUp(self):
        super().setUp()
        with self.env.registry.cursor() as cr:
            company = api.Environment(cr, SUPERUSER_ID, {}).company
            self.accounts = (company.penalty_account_id.id, company.penalty_indemnity_account_id.id)
            income = company.env["account.account"].search(
                [("account_type", "=", "income"), ("company_ids", "in", company.id)], limit=1
            )
            company.write(
                {"penalty_account_id": income.id, "penalty_indemnity_account_id": income.id}
            )
        self.addCleanup(self._restore_accounts)

    def _restore_accounts(self):
        with self.env.registry.cursor() as cr:
            api.Environment(cr, SUPERUSER_ID, {}).company.write(
                {
                    "penalty_account_id": self.accounts[0],
                    "penalty_indemnity_account_id": self.accounts[1],
                }
            )

    def _charge(self, env, move_ids):
        """The penalty invoices of ``move_ids`` (ids) created in ``env`` (a request's) and
        flushed."""
        invoices = env["account.move"].browse(move_ids)._create_penalty_invoices()
        env.flush_all()
        return invoices

    def _delete_penalties_and_invoices(self, env, partner_ids, move_ids):
        """Delete, in ``env``, the penalty invoices of ``partner_ids`` and the invoices
        ``move_ids`` the test committed."""
        penalties = env["account.move"].search(
            [("partner_id", "in", partner_ids), ("is_penalty_invoice", "=", True)]
        )
        penalties.with_context(force_delete=True).unlink()
        others = env["account.move"].browse(move_ids)
        others.button_draft()
        others.with_context(force_delete=True).unlink()


@tagged("post_install", "-at_install")
class TestBreak17PenaltyConcurrency(PenaltyTwoCursorsCommon):
    """Two users invoice penalties at once (two cursors, committed data) on overlapping
    selections: the first on invoices A and B, the second on B and C. The second waits for
    the first's locks, fails with a serialization error that Odoo's request handling
    retries; the retry charges C only: B is charged once."""

    partner_name = "Scierie Pénalités"

    def setUp(self):
        super().setUp()
        with self.env.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            partner = env["res.partner"].browse(self.partner_id)
            self.other_ids = [
                post_invoice(
                    env, partner, self.today - timedelta(days=60), self.today - timedelta(days=30)
                ).id
                for _i in range(2)
            ]

    def _clean_up_records(self, env):
        self._delete_penalties_and_invoices(env, [self.partner_id], self.other_ids)

    def test_two_users_invoice_overlapping_penalties_at_once(self):
        move_a, move_b, move_c = [self.move_id, *self.other_ids]
        env1, env2 = self.envs
        env1.cr.execute("SELECT 1")  # its snapshot is taken before the other one commits
        first = self._charge(env2, [move_a, move_b])
        first_sources = first.invoice_line_ids.penalty_source_move_id.ids
        env2.cr.commit()
        self.assertEqual(sorted(first_sources), sorted([move_a, move_b]))
        second = retried(self, env1, lambda env: self._charge(env, [move_b, move_c]))
        # each invoice of 1 000 due 30 days ago is charged once: its penalty line and its
        # indemnity line, B in the first penalty invoice only
        self.assertEqual(second.invoice_line_ids.penalty_source_move_id.ids, [move_c])
        lines = env1["account.move.line"].search(
            [("penalty_source_move_id", "in", [move_a, move_b, move_c])]
        )
        per_source = {
            move_id: len(
                lines.filtered(lambda line, m=move_id: line.penalty_source_move_id.id == m)
            )
            for move_id in (move_a, move_b, move_c)
        }
        self.assertEqual(per_source, {move_a: 2, move_b: 2, move_c: 2})


@tagged("post_install", "-at_install")
class TestBreak17Ladder(DunningRunCommon):
    """Issue 17 #12 with other inputs: the shipped ladder for strategic customers (courteous
    email at 5 days, a call at 20, a last-call email at 40, the formal notice by registered
    letter at 60)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        strategic = cls._shipped_ladder("recouvrement_b2b.dunning_policy_strategic", "Strategic")
        cls.call, cls.last_call, cls.notice = strategic.level_ids.sorted("sequence")[1:]

    def test_formal_notice_not_on_a_call_never_made(self):
        # Invoice due 2026-03-02. The first run reaches it on 2026-03-27 (25 days late): the
        # call level, a call activity for the collector. Nobody calls. The last-call email of
        # 2026-04-13 (42 days) bounces. On 2026-05-06 (65 days) the formal notice is due, but
        # the customer never received anything: the call was never made (its activity is
        # still open) and the email bounced. Right: the last call again (as a letter, the
        # address bounced), not the formal notice the old code sent. Once the call is made
        # (activity done) and the letter's deadline passed (posted 05-06, 3 days of post,
        # + 8 days: 05-17), the formal notice on 05-18.
        customer = self._customer("Verrerie")
        self._invoice(customer, 1000.0, "2026-02-01", "2026-03-02")
        [call] = self._run("2026-03-27")
        self.assertEqual((call.level_id, call.channel, call.state), (self.call, "phone", "sent"))
        self.assertTrue(call.activity_ids)
        [email] = self._run("2026-04-13")
        self.assertEqual(email.level_id, self.last_call)
        self.Dunning.sudo()._mark_undelivered(email, "550 5.1.1 user unknown")
        self.assertEqual(email.state, "undelivered")
        [again] = self._run("2026-05-06")
        self.assertEqual((again.level_id, again.channel), (self.last_call, "letter"))
        again.sudo().write({"state": "posted", "post_date": date(2026, 5, 6)})
        call.activity_ids.action_feedback(feedback="Reached: pays next week")
        self.assertFalse(self._run("2026-05-17"))
        [notice] = self._run("2026-05-18")
        self.assertEqual(notice.level_id, self.notice)


@tagged("post_install", "-at_install")
class TestBreak17Debtors(DunningRunCommon):
    """Issue 17 #8 and #9 with other inputs: who is a consumer, on every path that decides
    it (penalties, indemnity, prescription, the formal notice's wording)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._legal_penalties()
        Partner = cls.env["res.partner"]
        cls.debtors = {
            # natural person with a SIREN and no VAT number: a professional
            "siren_only": Partner.create(
                {"name": "Paul Martin", "is_company": False, "siren": "732829320"}
            ),
            # a company with no identifier at all: a professional
            "bare_company": Partner.create({"name": "Atelier Sans Numéro", "is_company": True}),
            # a British sole trader with his VAT number: a professional
            "uk_trader": Partner.create(
                {
                    "name": "John Smith",
                    "is_company": False,
                    "country_id": cls.env.ref("base.uk").id,
                    "vat": "GB980780684",
                }
            ),
            # a Swiss natural person with no identifier: a consumer
            "swiss_consumer": Partner.create(
                {
                    "name": "Anna Keller",
                    "is_company": False,
                    "country_id": cls.env.ref("base.ch").id,
                    "email": "anna@keller.example.ch",
                }
            ),
        }
        cls.moves = {
            key: cls._invoice(partner, 2000.0, "2025-12-16", "2026-01-15")
            for key, partner in cls.debtors.items()
        }

    def test_one_rule_decides_who_is_a_consumer(self):
        # 2 000 due 2026-01-15, on 2026-03-16: 60 days at 12.15 % (ECB 2.15 % on 2026-01-01
        # + 10): 2 000 x 12.15 x 60 / 36500 = 1 458 000 / 36500 = 39.945 -> 39.95, and the
        # 40 EUR indemnity; prescription 5 years: 2031-01-15. The consumer: nothing without a
        # formal notice, 2 years: 2028-01-15.
        moves = self.env["account.move"].union(*self.moves.values())
        figures = moves.with_user(self.controller)._get_penalty_figures(date(2026, 3, 16))
        got = {
            key: (
                figures[move.id]["penalty"],
                figures[move.id]["indemnity"],
                move.prescription_date,
            )
            for key, move in self.moves.items()
        }
        professional = (39.95, 40.0, date(2031, 1, 15))
        self.assertEqual(
            got,
            {
                "siren_only": professional,
                "bare_company": professional,
                "uk_trader": professional,
                "swiss_consumer": (0.0, 0.0, date(2028, 1, 15)),
            },
        )

    def test_consumer_interest_from_an_emailed_notice_not_a_bounced_one(self):
        # A formal notice emailed to the consumer on 2026-02-16: legal interest (2026-S1,
        # creditor other than a natural person: 2.62 %) from 2026-02-17 to 2026-03-16, 28
        # days: 2 000 x 2.62 x 28 / 36500 = 146 720 / 36500 = 4.0197 -> 4.02, no indemnity.
        # Once that email bounces, the consumer never had it: nothing accrues again.
        consumer, move = self.debtors["swiss_consumer"], self.moves["swiss_consumer"]
        notice = (
            self.env["recouvrement.dunning.event"]
            .sudo()
            .create(
                {
                    "partner_id": consumer.id,
                    "company_id": self.company.id,
                    "move_ids": [Command.set(move.ids)],
                    "level_id": self.level_notice.id,
                    "channel": "email",
                    "date": date(2026, 2, 16),
                    "state": "sent",
                }
            )
        )
        figures = move.with_user(self.controller)._get_penalty_figures(date(2026, 3, 16))
        self.assertEqual(
            figures[move.id], {"penalty": 4.02, "indemnity": 0.0, "rate": 2.62, "days": 28}
        )
        self.assertTrue(notice._is_consumer_claim())
        self.Dunning.sudo()._mark_undelivered(notice, "550 5.1.1 user unknown")
        figures = move.with_user(self.controller)._get_penalty_figures(date(2026, 3, 16))
        self.assertEqual((figures[move.id]["penalty"], figures[move.id]["indemnity"]), (0.0, 0.0))


@tagged("post_install", "-at_install")
class TestBreak17DunningAndPenaltiesAtOnce(PenaltyTwoCursorsCommon):
    """A user invoices the penalties of a customer while the dunning run sends it a reminder
    (two cursors, committed data). The run started first: it leaves the customer whose
    invoice was charged meanwhile for its next pass (no failed reminder, nothing logged as an
    error); that pass sends one reminder. Then the other way round: the penalty invoicing of
    a transaction older than the reminder fails with a serialization error that Odoo's
    request handling retries, and the retry charges the invoice once."""

    partner_name = "Scierie Relancée"

    def setUp(self):
        super().setUp()
        with self.env.registry.cursor() as cr:
            cr.execute("SELECT COALESCE(MAX(id), 0) FROM ir_cron_trigger")
            self.last_trigger = cr.fetchone()[0]

    def _clean_up_records(self, env):
        events = env["recouvrement.dunning.event"].search([("partner_id", "=", self.partner_id)])
        events.activity_ids.unlink()
        events.message_ids.unlink()
        # sent reminders are evidence the ORM refuses to delete
        env.cr.execute("DELETE FROM recouvrement_dunning_event WHERE id = ANY(%s)", [events.ids])
        env.cr.execute("DELETE FROM ir_cron_trigger WHERE id > %s", [self.last_trigger])
        self._delete_penalties_and_invoices(env, [self.partner_id], [])

    def _dun(self, env):
        Dunning = env["recouvrement.dunning"]
        partner = env["res.partner"].browse(self.partner_id)
        plan = Dunning._get_plan(self.today, companies=env.company, partners=partner)
        events = Dunning._send_reminders(plan, self.today)
        env.flush_all()
        return events

    def _count(self, env, model, domain):
        return env[model].search_count([("partner_id", "=", self.partner_id), *domain])

    def test_penalties_invoiced_while_the_run_sends(self):
        env1, env2 = self.envs
        env1.cr.execute("SELECT 1")  # the run's snapshot is taken before the invoicing commits
        self.assertEqual(len(self._charge(env2, [self.move_id])), 1)
        env2.cr.commit()
        self.assertFalse(self._dun(env1))  # the invoice changed since: left for the next pass
        env1.cr.commit()
        self.assertEqual(self._count(env1, "recouvrement.dunning.event", []), 0)
        env1.transaction.reset()
        [event] = self._dun(env1)  # the next pass
        env1.cr.commit()
        self.assertNotEqual(event.state, "failed")
        self.assertEqual(self._count(env1, "recouvrement.dunning.event", []), 1)

    def test_run_sends_while_penalties_are_invoiced(self):
        env1, env2 = self.envs
        env1.cr.execute("SELECT 1")  # the invoicing's snapshot is taken before the run commits
        [event] = self._dun(env2)
        env2.cr.commit()
        invoices = retried(self, env1, lambda env: self._charge(env, [self.move_id]))
        self.assertEqual(len(invoices), 1)
        domain = [("is_penalty_invoice", "=", True)]
        self.assertEqual(self._count(env1, "account.move", domain), 1)
        self.assertEqual(self._count(env1, "recouvrement.dunning.event", []), 1)


@tagged("post_install", "-at_install")
class TestBreak17Litigation(DunningRunCommon):
    """Issue 17 #12 with other inputs: the standard ladder's transfer to litigation after a
    formal notice by registered letter, posted late, without proof of delivery."""

    def test_litigation_waits_for_the_letter_posted_and_its_deadline(self):
        # Invoice of 1 000 due 2026-03-02. 2026-03-03: the courteous email (1 day late).
        # 2026-04-16 (45 days): the formal notice, a registered letter to post. 2026-05-01
        # (60 days): litigation is due, but the letter is still to post: nothing. Posted
        # 2026-05-04, no proof of delivery: received 2026-05-07 (3 days of post), payment
        # deadline 2026-05-07 + 8 = 2026-05-15. 2026-05-15: still nothing. 2026-05-16: the
        # case is opened and the customer held.
        customer = self._customer("Charpente")
        move = self._invoice(customer, 1000.0, "2026-02-01", "2026-03-02")
        [courteous] = self._run("2026-03-03")
        self.assertEqual(courteous.level_id, self.level_courteous)
        [notice] = self._run("2026-04-16")
        self.assertEqual((notice.level_id, notice.state), (self.level_notice, "to_post"))
        self.assertFalse(self._run("2026-05-01"))
        with freeze_time("2026-05-04"):
            notice.with_user(self.controller).action_mark_posted()
        self.assertFalse(self._run("2026-05-15"))
        self.assertFalse(move.litigation_id)
        [transfer] = self._run("2026-05-16")
        self.assertEqual(transfer.level_id, self.level_litigation)
        self.assertEqual(move.litigation_id, transfer.litigation_id)
        self.assertTrue(customer.with_company(self.company).credit_hold)


@tagged("post_install", "-at_install")
class TestBreak17RiskyLadder(DunningRunCommon):
    """Issue 17 #12 with other inputs: the shipped ladder for risky customers (courtesy email
    5 days before the due date, firm at 1 day, a last call at 10 days that puts the customer
    on credit hold, the formal notice at 20, litigation at 35), on a first run over an
    existing book."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        risky = cls._shipped_ladder("recouvrement_b2b.dunning_policy_risky", "Risky")
        cls.firm, cls.last_call, cls.notice = risky.level_ids.sorted("sequence")[1:4]
        cls.company.dunning_first_run_date = False  # the company's first run is to make

    def _held(self, partner):
        return partner.with_company(self.company).credit_hold

    def test_no_credit_hold_before_a_delivered_reminder(self):
        # The book on 2026-03-17: Ardoises 1 000 and Briques 600 due 2026-03-02 (15 days
        # late: the last call, 10 days, is due and holds the customer), Carrelages 400 due
        # 2026-02-20 (25 days: the formal notice, 20 days, with hold). Nobody was ever
        # reminded: a credit hold presupposes a delivered reminder like a formal notice does.
        # Old value: the three at the last call, 2 000, all three on credit hold. Right: the
        # three at the firm reminder (the highest amicable level without hold), 1 000 + 600 +
        # 400 = 2 000, nobody held; the preview shows it before anything is sent.
        ardoises, briques, carrelages = (
            self._customer(name) for name in ("Ardoises", "Briques", "Carrelages")
        )
        self._invoice(ardoises, 1000.0, "2026-02-01", "2026-03-02")
        self._invoice(briques, 600.0, "2026-02-01", "2026-03-02")
        self._invoice(carrelages, 400.0, "2026-01-21", "2026-02-20")
        with freeze_time("2026-03-17"):
            wizard = (
                self.env["recouvrement.dunning.run"]
                .with_user(self.controller)
                .create({"date": "2026-03-17"})
            )
            self.assertTrue(wizard.is_first_run)
            wizard.action_preview()
            self.assertEqual(wizard.line_ids.level_id, self.firm)
            self.assertEqual(
                str(wizard.level_summary).split("<tbody>")[1],
                '<tr><td>Firm reminder</td><td class="text-end">3</td>'
                '<td class="text-end">2,000.00\xa0€</td></tr></tbody></table>',
            )
            wizard.first_run_confirmed = True
            wizard.action_execute()
        events = self._queue_takes(wizard.event_ids, "2026-03-17")  # the mail queue runs
        self.assertEqual(events.partner_id, ardoises | briques | carrelages)
        self.assertEqual(events.level_id, self.firm)
        self.assertFalse([p.name for p in ardoises | briques | carrelages if self._held(p)])
        # Briques' email bounces: it was never reminded.
        bounced = events.filtered(lambda e: e.partner_id == briques)
        self.Dunning.sudo()._mark_undelivered(bounced, "550 5.1.1 user unknown")
        # 2026-03-18: Briques gets the firm reminder again, as a letter, and is not held;
        # Ardoises and Carrelages had the firm reminder, pay by 2026-03-25 (03-17 + 8 days):
        # no hold before (issue 17: were the last call and the notice, both held, on 03-18).
        [letter] = self._run("2026-03-18")
        self.assertEqual(
            (letter.partner_id, letter.level_id, letter.channel), (briques, self.firm, "letter")
        )
        # The letter is posted on 2026-03-18: delivered on 03-21 (3 days of post), pay by 03-29.
        letter.sudo().write({"state": "posted", "post_date": date(2026, 3, 18)})
        self.assertFalse(self._run("2026-03-25"))
        self.assertFalse([p.name for p in ardoises | briques | carrelages if self._held(p)])
        # 2026-03-26 (24 and 34 days late, both past the notice's 20 days, the firm reminder
        # delivered): the formal notice, with its hold, for Ardoises and Carrelages.
        by_partner = {event.partner_id: event for event in self._run("2026-03-26")}
        self.assertEqual(by_partner[ardoises].level_id, self.notice)
        self.assertEqual(by_partner[carrelages].level_id, self.notice)
        self.assertNotIn(briques, by_partner)
        self.assertEqual(
            [self._held(p) for p in (ardoises, briques, carrelages)], [True, False, True]
        )
        # 2026-03-30 (28 days), the letter's deadline passed: Briques' formal notice and hold.
        [notice] = self._run("2026-03-30")
        self.assertEqual((notice.partner_id, notice.level_id), (briques, self.notice))
        self.assertTrue(self._held(briques))


@tagged("post_install", "-at_install")
class TestBreak17NoticeAfterDeadline(DunningRunCommon):
    """Issue 17 #12 again: a step with legal effect (formal notice, credit hold, litigation)
    never comes before the payment deadline that the last delivered reminder listing the
    invoice gave the customer ("Unless they are paid by ..."), as litigation waits for the
    notice's deadline."""

    def test_formal_notice_after_the_last_call_deadline(self):
        # Invoice of 800 due 2026-01-20; first run on 2026-03-31 (70 days late): the last call
        # (the highest amicable level), an email saying "Unless they are paid by 04/08/2026"
        # (sent 03-31 + 8 days). The old code sent the formal notice on 2026-04-01, seven days
        # before that date (claiming 858.91). Right: nothing from 04-01 to 04-08, the notice
        # on 2026-04-09, the day after the deadline.
        move = self._invoice(self.customer, 800.0, "2025-12-20", "2026-01-20")
        [last_call] = self._run("2026-03-31")
        self.assertEqual(last_call.level_id, self.level_last_call)
        self.assertEqual(last_call._get_payment_deadline(), date(2026, 4, 8))
        with freeze_time("2026-03-31"):
            self.assertEqual(last_call._get_payment_deadline_text(), "by 04/08/2026")
        for day in range(1, 9):
            self.assertFalse(self._run(date(2026, 4, day)), f"nothing on 2026-04-0{day}")
        self.assertFalse(self.customer.with_company(self.company).credit_hold)
        [notice] = self._run("2026-04-09")
        self.assertEqual(notice.level_id, self.level_notice)
        self.assertEqual(move.dunning_level_id, self.level_notice)
        # 800 + penalties to 2026-04-09 + 40: 79 days late (2026-01-20 to 2026-04-09:
        # 11 + 28 + 31 + 9), 800 x 12.15 % x 79 / 365 = 21.04 (the old 858.91 on 04-01:
        # 71 days, 18.91 + 40 + 800); 800 + 21.04 + 40 = 861.04
        self.assertAlmostEqual(notice.amount_total, 861.04, places=2)

    def test_firm_deadline_later_than_the_notice_date(self):
        # The firm reminder gives 30 days (a manager's choice), the formal notice is due at 45
        # days. Invoice of 500 due 2026-03-01: firm reminder on 2026-03-20 (19 days late), pay
        # by 2026-04-19 (03-20 + 30); the last call (amicable) on 2026-03-31 (30 days), pay by
        # 04-08. The notice is due from 2026-04-15 (45 days) but the firm reminder's deadline
        # runs until 04-19 (the latest stated for the invoice): the notice on 2026-04-20.
        self.level_firm.payment_deadline_days = 30
        self._invoice(self.customer, 500.0, "2026-02-01", "2026-03-01")
        [firm] = self._run("2026-03-20")
        self.assertEqual(firm.level_id, self.level_firm)
        self.assertEqual(firm._get_payment_deadline(), date(2026, 4, 19))
        [last_call] = self._run("2026-03-31")
        self.assertEqual(last_call.level_id, self.level_last_call)
        for day in ("2026-04-15", "2026-04-19"):
            self.assertFalse(self._run(day), f"no formal notice on {day}")
        [notice] = self._run("2026-04-20")
        self.assertEqual(notice.level_id, self.level_notice)
