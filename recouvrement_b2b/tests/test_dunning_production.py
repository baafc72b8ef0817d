from contextlib import closing
from unittest.mock import patch

from freezegun import freeze_time
from psycopg2 import errors as pg_errors

from odoo import Command, fields, sql_db
from odoo.exceptions import UserError
from odoo.tests import Form, tagged
from odoo.tools import SQL

from odoo.addons.recouvrement_b2b.models import recouvrement_dunning
from odoo.addons.recouvrement_b2b.models.recouvrement_dunning import RecouvrementDunning

from .common import RecouvrementCommon

MODULE = "odoo.addons.recouvrement_b2b.models.recouvrement_dunning"


class _Clock:
    """``time.monotonic`` of the dunning service, advanced by hand."""

    def __init__(self):
        self.now = 1000.0

    def monotonic(self):
        return self.now


@tagged("post_install", "-at_install")
class TestDunningProduction(RecouvrementCommon):
    """The dunning run on a production server: time budget per cron call, one run at a time,
    customers locked by other transactions left for the next call."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.groups_id += cls.group_manager
        cls.policy = cls._standard_ladder()
        cls.Dunning = cls.env["recouvrement.dunning"].with_user(cls.controller)
        cls.cron = cls.env.ref("recouvrement_b2b.ir_cron_dunning")
        cls.customers = cls.env["res.partner"].create(
            [
                {"name": f"Client {i}", "is_company": True, "email": f"compta{i}@client.example"}
                for i in range(5)
            ]
        )
        for customer in cls.customers:
            cls._invoice(customer, 1000.0, "2026-02-01", "2026-03-01")

    def setUp(self):
        super().setUp()
        # each test starts a worker pass of its own (the job cursor is the test's cursor)
        self._new_pass()
        self.addCleanup(self._new_pass)

    def _events(self, partners=None):
        return self.env["recouvrement.dunning.event"].search(
            [("partner_id", "in", (partners or self.customers).ids)]
        )

    def _cron_call(self, at="2026-03-02 06:00:00", **kwargs):
        """One call of the dunning cron by the scheduler at ``at`` (2 March 2026; as its user,
        the superuser): its progress record."""
        progress = self.env["ir.cron.progress"].sudo().create({"cron_id": self.cron.id})
        dunning = self.env["recouvrement.dunning"].sudo()
        with freeze_time(at):
            dunning.with_context(ir_cron_progress_id=progress.id)._cron_send_reminders(**kwargs)
        return progress

    def _new_pass(self):
        """The scheduler's next worker pass (a new job cursor: the budget and the count of
        calls start again)."""
        for key in list(self.env.cr.cache):
            if key in (
                recouvrement_dunning._PASS_START_KEY,
                recouvrement_dunning._PASS_LOCKED_KEY,
            ) or (isinstance(key, tuple) and key[0] == recouvrement_dunning._PASS_CALLS_KEY):
                del self.env.cr.cache[key]

    def _last_trigger(self, cron):
        return (
            self.env["ir.cron.trigger"]
            .sudo()
            .search([("cron_id", "=", cron.id)], order="id desc", limit=1)
        )

    def _wakes_cron_workers(self, cron):
        """Whether the transaction's commit wakes the cron workers up for ``cron``
        (``ir.cron._trigger`` queues its ``_notifydb``, NOTIFY cron_trigger, for a trigger due
        now)."""
        return any(
            getattr(func, "__name__", "") == "_notifydb" and func.__self__ == cron
            for func in self.env.cr.postcommit._funcs
        )

    def _assert_new_pass_at_once(self, cron, pass_start, now):
        """``cron`` was triggered at ``now`` (so its workers are woken up at commit) and after
        ``pass_start``: Odoo's ``_reschedule_later`` (end of the pass) deletes only the triggers
        older than the start of the pass's transaction, so this one starts a new pass."""
        trigger = self._last_trigger(cron)
        now = fields.Datetime.to_datetime(now)
        self.assertEqual(trigger.call_at, now)
        self.assertGreater(trigger.call_at, fields.Datetime.to_datetime(pass_start))
        self.assertTrue(self._wakes_cron_workers(cron))

    def _hold_in_other_transaction(self, query):
        """Run ``query`` in another database connection and keep its transaction open until
        the end of the test (another server, or another cron of this one)."""
        other = sql_db.db_connect(self.env.cr.dbname).cursor()
        self.addCleanup(other.close)
        self.addCleanup(other.rollback)
        other.execute(query)
        return other

    def _triggers(self):
        return self.env["ir.cron.trigger"].sudo().search_count([("cron_id", "=", self.cron.id)])

    def test_cron_call_stops_at_its_time_budget(self):
        """Budget 10 s, 4 s per customer: the first call sends 3 of 5 and reports 2 remaining;
        the scheduler's next call in the same worker pass has no time left, ends the pass and
        triggers the cron; the next pass sends the last 2. Each customer once."""
        self.env["ir.config_parameter"].sudo().set_param(
            "recouvrement_b2b.dunning_time_budget", "10"
        )
        clock = _Clock()
        send = RecouvrementDunning._send_batch

        def slow_send(dunning, items, date, recipients):
            clock.now += 4 * len(items)
            return send(dunning, items, date, recipients)

        triggers = self._triggers()
        with (
            patch(f"{MODULE}.time", clock),
            patch(f"{MODULE}.SEND_BATCH_SIZE", 1),  # a batch per customer
            patch.object(RecouvrementDunning, "_send_batch", slow_send),
        ):
            first = self._cron_call()
            self.assertRecordValues(first, [{"done": 3, "remaining": 2}])
            self.assertEqual(len(self._events()), 3)
            self.assertEqual(self._triggers(), triggers, "the scheduler calls again itself")
            self.env.cr.postcommit.clear()
            # same pass, 12 s later: the worker's time limit is shared, the pass ends and a new
            # one is triggered at once (no idle minute)
            second = self._cron_call(at="2026-03-02 06:00:12")
            self.assertRecordValues(second, [{"done": 0, "remaining": 2}])
            self.assertEqual(self._triggers(), triggers + 1)
            self._assert_new_pass_at_once(self.cron, "2026-03-02 06:00:00", "2026-03-02 06:00:12")
            self._new_pass()
            third = self._cron_call(at="2026-03-02 06:00:13")
            self.assertRecordValues(third, [{"done": 2, "remaining": 0}])
            self.assertEqual(self._triggers(), triggers + 1, "nothing left: no new pass")
        events = self._events()
        self.assertEqual(events.partner_id, self.customers)
        self.assertEqual(len(events), 5)
        self.assertEqual(set(events.mapped("state")), {"sent"})

    def test_last_call_of_a_pass_triggers_a_new_pass(self):
        """Odoo calls a job at most ``MAX_BATCH_PER_CRON_JOB`` times in one worker pass (2
        here), then would leave the rest to the worker's next wake-up (up to a minute): the last
        call of the pass triggers a new pass at once when customers remain."""
        triggers = self._triggers()
        with patch(f"{MODULE}.MAX_BATCH_PER_CRON_JOB", 2):
            first = self._cron_call(batch_size=1)
            self.assertRecordValues(first, [{"done": 1, "remaining": 4}])
            self.assertEqual(self._triggers(), triggers)
            self.env.cr.postcommit.clear()
            second = self._cron_call(at="2026-03-02 06:00:05", batch_size=1)
            self.assertRecordValues(second, [{"done": 1, "remaining": 3}])
            self.assertEqual(self._triggers(), triggers + 1)
            self._assert_new_pass_at_once(self.cron, "2026-03-02 06:00:00", "2026-03-02 06:00:05")
            self._new_pass()
            third = self._cron_call(at="2026-03-02 06:00:06", batch_size=3)
            self.assertRecordValues(third, [{"done": 3, "remaining": 0}])
            self.assertEqual(self._triggers(), triggers + 1)
        self.assertEqual(len(self._events()), 5)

    def test_each_call_plans_its_batch_only(self):
        """Issue 18: a call plans the customers of its batch, not the whole book (planning 2 000
        customers in every call of 200 took most of the cron's time). Batches of 2 out of 5
        customers: each call plans 2 customers, the next ones (those reminded are not planned
        again), and reports the others remaining; each customer is planned and sent once."""
        planned = []
        get_plan = RecouvrementDunning._get_plan

        def recording_get_plan(dunning, date, companies=None, partners=None, skip_failed=False):
            # the run's plans, not those asked for the next reminder dates (what a later run
            # would send: recouvrement.dunning._get_run_next_dates)
            if not dunning.env.context.get("dunning_simulation"):
                planned.append(partners)
            return get_plan(dunning, date, companies, partners, skip_failed)

        with patch.object(RecouvrementDunning, "_get_plan", recording_get_plan):
            calls = [
                self._cron_call(at=f"2026-03-02 06:00:0{second}", batch_size=2)
                for second in range(3)
            ]
        self.assertEqual([(call.done, call.remaining) for call in calls], [(2, 3), (2, 1), (1, 0)])
        self.assertEqual([len(partners) for partners in planned], [2, 2, 1])
        self.assertEqual(self.env["res.partner"].union(*planned), self.customers)
        events = self._events()
        self.assertEqual(len(events), 5)
        self.assertEqual(events.partner_id, self.customers)

    def test_letters_budget_used_triggers_a_new_pass(self):
        """The letters cron, budget 10 s, 4 s per letter: the first call renders 3 letters, the
        next call of the same pass none; it triggers a new pass of the letters cron at once
        (before, the letters left waited for the next day); the new pass renders the rest."""
        self.assertRecordValues(self._cron_call(), [{"done": 5, "remaining": 0}])
        self.env["ir.config_parameter"].sudo().set_param(
            "recouvrement_b2b.dunning_time_budget", "10"
        )
        letters_cron = self.env.ref("recouvrement_b2b.ir_cron_dunning_letters")
        Trigger = self.env["ir.cron.trigger"].sudo()
        triggers = Trigger.search_count([("cron_id", "=", letters_cron.id)])
        to_render = self.env["recouvrement.dunning.event"].search_count(
            self.Dunning._get_letters_to_render_domain()
        )
        self.assertGreaterEqual(to_render, 5)
        clock = _Clock()

        def slow_letter(dunning, event, prerendered=None):
            clock.now += 4
            event.letter_to_render = False

        def letters_call(at):
            progress = self.env["ir.cron.progress"].sudo().create({"cron_id": letters_cron.id})
            with freeze_time(at):
                self.env["recouvrement.dunning"].sudo().with_context(
                    ir_cron_progress_id=progress.id
                )._cron_render_letters(batch_size=100)
            return progress

        self._new_pass()
        with (
            patch(f"{MODULE}.time", clock),
            patch.object(RecouvrementDunning, "_render_letter", slow_letter),
        ):
            first = letters_call("2026-03-02 06:01:00")
            self.assertRecordValues(first, [{"done": 3, "remaining": to_render - 3}])
            self.assertEqual(Trigger.search_count([("cron_id", "=", letters_cron.id)]), triggers)
            self.env.cr.postcommit.clear()
            second = letters_call("2026-03-02 06:01:12")
            self.assertRecordValues(second, [{"done": 0, "remaining": to_render - 3}])
            self.assertEqual(
                Trigger.search_count([("cron_id", "=", letters_cron.id)]), triggers + 1
            )
            self._assert_new_pass_at_once(
                letters_cron, "2026-03-02 06:01:00", "2026-03-02 06:01:12"
            )
            self._new_pass()
            third = letters_call("2026-03-02 06:01:13")
            self.assertRecordValues(third, [{"done": min(3, to_render - 3)}])

    def test_time_budget_bad_value(self):
        """A budget that is not a positive number falls back to 30 s (logged), never a crash
        nor a cron that sends nothing."""
        clock = _Clock()
        for value in ("thirty", "0", "0.5", "-5", "nan"):
            self.env["ir.config_parameter"].sudo().set_param(
                "recouvrement_b2b.dunning_time_budget", value
            )
            with patch(f"{MODULE}.time", clock), self.assertLogs(MODULE, "WARNING"):
                self.assertEqual(self.Dunning._get_deadline(), clock.now + 30)

    def test_one_run_at_a_time(self):
        """Another run holds the lock (another server's cron, a user's manual run): the wizard
        says a run is in progress, the cron sends nothing and tries again a minute later; no
        failed event. Once it is free, each customer gets one reminder."""
        self._hold_in_other_transaction(
            SQL("SELECT pg_advisory_xact_lock(%s)", recouvrement_dunning.RUN_LOCK_KEY)
        )
        with freeze_time("2026-03-02"):
            wizard_form = Form(self.env["recouvrement.dunning.run"].with_user(self.controller))
            wizard_form.date = fields.Date.to_date("2026-03-02")
            wizard = wizard_form.save()
            wizard.action_preview()
            wizard.first_run_confirmed = True  # the company's first run
            with self.assertRaisesRegex(UserError, "A dunning run is in progress"):
                wizard.action_execute()
        # the sending step as a job: nothing done, every customer still due
        with freeze_time("2026-03-02"):
            self.assertEqual(self.Dunning._dunning_send_batch(self.customers), (0, 5))
        triggers = self._triggers()
        progress = self._cron_call()
        self.assertRecordValues(progress, [{"done": 0}])
        self.assertEqual(self._triggers(), triggers + 1)
        # a minute later: not at once, as after a serialization conflict
        self.assertEqual(
            self._last_trigger(self.cron).call_at,
            fields.Datetime.to_datetime("2026-03-02 06:01:00"),
        )
        self.assertFalse(self._events())
        self.assertFalse(
            self.customers.message_ids.filtered(lambda m: "could not be sent" in (m.body or ""))
        )

    def test_free_run_sends_each_customer_once(self):
        """Two runs in a row on the same day (the cron, then the manual run): one reminder per
        customer, no failed event."""
        self.assertRecordValues(self._cron_call(), [{"done": 5, "remaining": 0}])
        with freeze_time("2026-03-02"):
            wizard_form = Form(self.env["recouvrement.dunning.run"].with_user(self.controller))
            wizard_form.date = fields.Date.to_date("2026-03-02")
            wizard = wizard_form.save()
            wizard.action_preview()
        self.assertFalse(wizard.line_ids)
        events = self._events()
        self.assertEqual(len(events), 5)
        self.assertEqual(set(events.mapped("state")), {"sent"})

    def test_locked_customer_is_retried(self):
        """A customer row locked by another transaction (the score cron writing it): the run
        skips it without a failed event nor a note and reports it remaining; once the other
        transaction ends, the next call sends it."""
        # a customer committed before the test, which this test never writes before the run
        # (the invoice is posted once the row is locked: posting updates the customer's rank
        # only when the row is free)
        locked = self.env.ref("base.main_partner")
        # wait at most 5 s on a row lock in this transaction, instead of hanging the test
        self.env.cr.execute("SET LOCAL lock_timeout = '5s'")
        self.addCleanup(self.env.cr.execute, "SET LOCAL lock_timeout = 0")
        other = self._hold_in_other_transaction(
            SQL("SELECT id FROM res_partner WHERE id = %s FOR NO KEY UPDATE NOWAIT", locked.id)
        )
        self._invoice(locked, 500.0, "2026-02-01", "2026-03-01")
        messages = len(locked.message_ids)
        progress = self._cron_call()
        self.assertRecordValues(progress, [{"done": 5, "remaining": 1}])
        self.assertFalse(self._events(locked))
        self.assertEqual(self._events().partner_id, self.customers)
        locked.invalidate_recordset()
        self.assertEqual(len(locked.message_ids), messages)
        other.rollback()  # the other transaction ends
        self.assertRecordValues(self._cron_call(), [{"done": 1, "remaining": 0}])
        self.assertRecordValues(self._events(locked), [{"state": "sent"}])

    def test_conflict_is_retried_not_failed(self):
        """A serialization failure or a deadlock while sending one customer: the customer is
        left for the next call, without a failed event nor a note; the others are sent."""
        conflicting = self.customers[:2]
        post = RecouvrementDunning._post_on_customers

        def racing_post(dunning, events):
            # the batch of 5 conflicts, then each of the two when sent one at a time
            if conflicting[0] in events.partner_id:
                raise pg_errors.SerializationFailure()
            if conflicting[1] in events.partner_id:
                raise pg_errors.DeadlockDetected()
            return post(dunning, events)

        with patch.object(RecouvrementDunning, "_post_on_customers", racing_post):
            progress = self._cron_call()
        self.assertRecordValues(progress, [{"done": 3, "remaining": 2}])
        self.assertFalse(self._events(conflicting))
        self.assertFalse(
            conflicting.message_ids.filtered(lambda m: "could not be sent" in (m.body or ""))
        )
        self.assertRecordValues(self._cron_call(), [{"done": 2, "remaining": 0}])
        events = self._events()
        self.assertEqual(len(events), 5)
        self.assertEqual(set(events.mapped("state")), {"sent"})

    def test_conflict_retried_at_once(self):
        """Issue 18, an idle minute between calls: every customer conflicts with a transaction
        committed since the call's own started (the start-up crons writing the customers), so
        the call sends nothing; a new transaction sees their update, so the next call is
        triggered at once, not a minute later (another run holding the run lock: a minute
        later, test_one_run_at_a_time)."""
        triggers = self._triggers()

        def racing_post(dunning, events):
            raise pg_errors.SerializationFailure()

        with patch.object(RecouvrementDunning, "_post_on_customers", racing_post):
            progress = self._cron_call()
        self.assertRecordValues(progress, [{"done": 0, "remaining": 5}])
        self.assertEqual(self._triggers(), triggers + 1)
        self.assertEqual(
            self._last_trigger(self.cron).call_at,
            fields.Datetime.to_datetime("2026-03-02 06:00:00"),
        )
        self.assertTrue(self._wakes_cron_workers(self.cron))
        self.assertFalse(self._events())

    def test_locked_customer_skipped_then_waited_for(self):
        """Issue 18, an idle minute: a customer held by another transaction (the start-up
        score cron) is skipped and the calls go on with the others, planning it again only
        after them; when only it is left, the call waits for it (at most
        ``LOCK_WAIT_SECONDS``) and triggers a new pass at once, not a minute later. Batches of
        2: the held customer (lowest id) is in the first call's window."""
        locked = self.env.ref("base.main_partner")  # committed: the other connection sees it
        self.env.cr.execute("SET LOCAL lock_timeout = '5s'")
        self.addCleanup(self.env.cr.execute, "SET LOCAL lock_timeout = 0")
        other = self._hold_in_other_transaction(
            SQL("SELECT id FROM res_partner WHERE id = %s FOR NO KEY UPDATE NOWAIT", locked.id)
        )
        self._invoice(locked, 500.0, "2026-02-01", "2026-03-01")
        self.assertLess(locked.id, min(self.customers.ids))
        planned = []
        get_plan = RecouvrementDunning._get_plan

        def recording_get_plan(dunning, date, companies=None, partners=None, skip_failed=False):
            # the run's plans, not those asked for the next reminder dates (what a later run
            # would send: recouvrement.dunning._get_run_next_dates)
            if not dunning.env.context.get("dunning_simulation"):
                planned.append(partners.ids)
            return get_plan(dunning, date, companies, partners, skip_failed)

        triggers = self._triggers()
        # a new pass plans from the first customer (no cursor left by other tests' calls)
        self.env.cr.cache.pop(recouvrement_dunning._PLAN_CURSOR_KEY, None)
        with (
            patch.object(RecouvrementDunning, "_get_plan", recording_get_plan),
            patch(f"{MODULE}.LOCK_WAIT_SECONDS", 1),
        ):
            calls = [
                self._cron_call(at=f"2026-03-02 06:00:0{second}", batch_size=2)
                for second in range(4)
            ]
        self.assertEqual(
            [(call.done, call.remaining) for call in calls], [(1, 5), (2, 3), (2, 1), (0, 1)]
        )
        # the held customer is planned first, then only once every other one is sent
        self.assertEqual(
            planned,
            [
                [locked.id, self.customers[0].id],
                self.customers[1:3].ids,
                self.customers[3:5].ids,
                [locked.id],
            ],
        )
        self.assertEqual(self._events().partner_id, self.customers)
        self.assertFalse(self._events(locked))
        # only it left, still held after the wait: a new pass at once
        self.assertEqual(self._triggers(), triggers + 1)
        self.assertEqual(
            self._last_trigger(self.cron).call_at,
            fields.Datetime.to_datetime("2026-03-02 06:00:03"),
        )
        self.assertTrue(self._wakes_cron_workers(self.cron))
        other.rollback()  # the other transaction ends
        self._new_pass()
        self.assertRecordValues(self._cron_call(at="2026-03-02 06:00:10"), [{"done": 1}])
        self.assertRecordValues(self._events(locked), [{"state": "sent"}])

    def test_past_next_dates_refreshed_a_batch_per_call(self):
        """Issue 18: the cron recomputes the next reminder dates left in the past at most
        ``REFRESH_BATCH_SIZE`` invoices per call, the oldest first (the others by the next
        calls), never every open invoice of the book in one call. Three invoices entered on 1
        February, due 10 February, not reminded: on 2 March their next dates are past; by 2
        per call, two are refreshed, then the third."""
        customer = self.env["res.partner"].create(
            {"name": "Client en retard", "is_company": True, "email": "compta@retard.example"}
        )
        with freeze_time("2026-02-01"):
            moves = self.env["account.move"].union(
                *(self._invoice(customer, 1000.0, "2026-01-15", "2026-02-10") for _i in range(3))
            )
        day = fields.Date.to_date("2026-03-02")
        self.assertTrue(all(move.dunning_next_date < day for move in moves))
        with freeze_time(day):
            first = self.Dunning._refresh_past_next_dates(day, limit=2)
            self.env.flush_all()
            self.assertEqual(first.ids, moves[:2].ids)
            self.assertEqual(moves.mapped("dunning_next_date")[:2], [day, day])
            self.assertLess(moves[2].dunning_next_date, day)
            second = self.Dunning._refresh_past_next_dates(day, limit=2)
            self.env.flush_all()
            self.assertEqual(second.ids, moves[2].ids)
            self.assertEqual(moves.mapped("dunning_next_date"), [day] * 3)

    def test_failed_reminder_is_no_evidence(self):
        """The injonction de payer file lists the reminders sent, never a failed, draft or
        cancelled one."""
        customer = self.customers[0]
        move = customer.invoice_ids
        Event = self.env["recouvrement.dunning.event"]
        events = Event.sudo().create(
            [
                {
                    "partner_id": customer.id,
                    "company_id": self.company.id,
                    "level_id": self.policy.level_ids[1].id,
                    "channel": "email",
                    "date": "2026-03-02",
                    "move_ids": [Command.set(move.ids)],
                    "state": state,
                }
                for state in ("sent", "failed", "draft", "cancelled")
            ]
        )
        case = self.env["recouvrement.litigation"].create(
            {
                "partner_id": customer.id,
                "company_id": self.company.id,
                "move_ids": [Command.set(move.ids)],
                "litigation_type": "recovery",
            }
        )
        self.assertEqual(case._get_dossier_events(), events[0])
        reminders = [doc for doc in case._get_dossier_documents() if doc.startswith("Reminder")]
        self.assertEqual(len(reminders), 1)

    def test_missing_wkhtmltopdf_delays_letters_not_emails(self):
        """wkhtmltopdf missing: the sending step queues the emails and the letters to post
        anyway (no failed event); the letters step renders nothing, logs it and keeps them to
        render; once it works, the next call renders them all."""
        no_email = self.customers[0]
        no_email.email = False
        letters_cron = self.env.ref("recouvrement_b2b.ir_cron_dunning_letters")
        triggers = (
            self.env["ir.cron.trigger"].sudo().search_count([("cron_id", "=", letters_cron.id)])
        )

        def missing_wkhtmltopdf(dunning, event, prerendered=None):
            raise OSError("wkhtmltopdf: command not found")

        with patch.object(RecouvrementDunning, "_render_letter", missing_wkhtmltopdf):
            self.assertRecordValues(self._cron_call(), [{"done": 5, "remaining": 0}])
            events = self._events()
            self.assertEqual(
                sorted(events.mapped("state")), ["sent", "sent", "sent", "sent", "to_post"]
            )
            mails = self.env["mail.mail"].search(
                [("model", "=", events._name), ("res_id", "in", events.ids)]
            )
            self.assertEqual(len(mails), 4)
            self.assertEqual(mails.mail_message_id, events.mail_message_id)
            self.assertEqual(events.filtered("letter_to_render"), events)
            self.assertEqual(
                self.env["ir.cron.trigger"]
                .sudo()
                .search_count([("cron_id", "=", letters_cron.id)]),
                triggers + 1,
                "the letters step is triggered",
            )
            with self.assertLogs(MODULE, "WARNING"):
                self.assertEqual(self.Dunning._dunning_render_letters(events), (0, 5))
        self.assertEqual(events.filtered("letter_to_render"), events)
        self.assertFalse(events.attachment_id)
        progress = self.env["ir.cron.progress"].sudo().create({"cron_id": letters_cron.id})
        self.env["recouvrement.dunning"].sudo().with_context(
            ir_cron_progress_id=progress.id
        )._cron_render_letters()
        self.assertRecordValues(progress, [{"done": 5, "remaining": 0}])
        self.assertFalse(events.filtered("letter_to_render"))
        self.assertEqual(len(events.attachment_id), 5)
        letter = events.filtered(lambda e: e.partner_id == no_email)
        self.assertRecordValues(letter, [{"channel": "letter", "state": "to_post"}])


@tagged("post_install", "-at_install")
class TestDunningConcurrentUpdate(RecouvrementCommon):
    """Issue 18 #2: a customer updated by a transaction committed while the run's transaction
    was open (another server's run, a user's manual run). A class of its own: the update stays
    a conflict for the whole transaction of the class, which other tests would meet."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.groups_id += cls.group_manager
        cls.policy = cls._standard_ladder()
        cls.cron = cls.env.ref("recouvrement_b2b.ir_cron_dunning")
        cls.customers = cls.env["res.partner"].create(
            [
                {"name": f"Client {i}", "is_company": True, "email": f"compta{i}@client.example"}
                for i in range(5)
            ]
        )
        for customer in cls.customers:
            cls._invoice(customer, 1000.0, "2026-02-01", "2026-03-01")

    def setUp(self):
        super().setUp()
        self._new_pass()
        self.addCleanup(self._new_pass)

    _new_pass = TestDunningProduction._new_pass
    _cron_call = TestDunningProduction._cron_call
    _events = TestDunningProduction._events

    def _update_in_other_transaction(self, partner):
        """Another transaction (another server's run) updates ``partner`` and commits, after
        this one started: this transaction can no longer lock its row (PostgreSQL raises a
        serialization failure under Odoo's repeatable read)."""
        self.env.cr.execute("SELECT 1")  # this transaction's snapshot is taken
        with closing(sql_db.db_connect(self.env.cr.dbname).cursor()) as other:
            other.execute("SET LOCAL lock_timeout = '5s'")
            other.execute(
                SQL("UPDATE res_partner SET write_date = now() WHERE id = %s", partner.id)
            )
            other.commit()
        # its invoice, posted after (posting skips the rank of a row it cannot lock)
        self._invoice(partner, 500.0, "2026-02-01", "2026-03-01")

    def test_concurrent_update_skipped_without_error_log(self):
        """A customer updated by a transaction committed meanwhile: the run skips it quietly
        (no "bad query" ERROR in the log, no failed event) and sends the 5 others."""
        updated = self.env.ref("base.main_partner")
        self._update_in_other_transaction(updated)
        with self.assertNoLogs("odoo.sql_db", "ERROR"):
            progress = self._cron_call()
        self.assertRecordValues(progress, [{"done": 5, "remaining": 1}])
        self.assertFalse(self._events(updated))
        events = self._events()
        self.assertEqual(events.partner_id, self.customers)
        self.assertEqual(set(events.mapped("state")), {"sent"})

    def test_wizard_names_the_customers_another_run_holds(self):
        """The manual run losing a customer to another transaction says which, instead of
        sending the others silently."""
        updated = self.env.ref("base.main_partner")
        self._update_in_other_transaction(updated)
        with freeze_time("2026-03-02"):
            wizard_form = Form(self.env["recouvrement.dunning.run"].with_user(self.controller))
            wizard_form.date = fields.Date.to_date("2026-03-02")
            wizard = wizard_form.save()
            wizard.action_preview()
            self.assertEqual(wizard.line_ids.partner_id, self.customers | updated)
            wizard.first_run_confirmed = True  # the company's first run
            with self.assertNoLogs("odoo.sql_db", "ERROR"):
                result = wizard.action_execute()
        self.assertEqual(result["tag"], "display_notification")
        self.assertEqual(result["params"]["title"], "Dunning run: 1 customer(s) not sent")
        self.assertEqual(
            result["params"]["message"],
            f"Not sent, another dunning run or user is processing them at the same time: "
            f"{updated.display_name}. Run again later if they are still due.",
        )
        self.assertEqual(result["params"]["next"]["domain"], [("id", "in", wizard.event_ids.ids)])
        self.assertEqual(wizard.event_ids.partner_id, self.customers)
        self.assertFalse(self._events(updated))
