from unittest.mock import patch

from freezegun import freeze_time

from odoo import fields, sql_db
from odoo.tests import tagged
from odoo.tools import SQL

from odoo.addons.queue_job.job import Job
from odoo.addons.queue_job.tests.common import trap_jobs
from odoo.addons.recouvrement_b2b.models.recouvrement_dunning import RecouvrementDunning
from odoo.addons.recouvrement_b2b.tests.common import RecouvrementCommon

RUN_DATE = fields.Date.to_date("2026-03-02")
DUNNING = "odoo.addons.recouvrement_b2b.models.recouvrement_dunning"


@tagged("post_install", "-at_install")
class TestDunningQueue(RecouvrementCommon):
    """With queue_job, the dunning cron enqueues one job per batch of customers and the letters
    to post are rendered by a job of their own; each customer is reminded once."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._standard_ladder()
        cls.cron = cls.env.ref("recouvrement_b2b.ir_cron_dunning")
        cls.Dunning = cls.env["recouvrement.dunning"].sudo()  # the cron's user, the superuser
        cls.customers = cls.env["res.partner"].create(
            [
                {
                    "name": f"Client {i}",
                    "is_company": True,
                    # the last one has no email address: its reminder is a letter to post
                    "email": f"compta{i}@client.example" if i < 4 else False,
                }
                for i in range(5)
            ]
        )
        for customer in cls.customers:
            cls._invoice(customer, 1000.0, "2026-02-01", "2026-03-01")

    def _events(self, partners=None):
        return self.env["recouvrement.dunning.event"].search(
            [("partner_id", "in", (partners or self.customers).ids)]
        )

    def _cron_call(self, batch_size=2):
        """One call of the dunning cron by the scheduler on 2 March 2026: its progress."""
        progress = self.env["ir.cron.progress"].sudo().create({"cron_id": self.cron.id})
        with freeze_time("2026-03-02 06:00:00"):
            self.Dunning.with_context(ir_cron_progress_id=progress.id)._cron_send_reminders(
                batch_size=batch_size
            )
        return progress

    def _jobs(self, method="_job_send_reminders"):
        return (
            self.env["queue.job"]
            .sudo()
            .search(
                [("model_name", "=", "recouvrement.dunning"), ("method_name", "=", method)],
                order="id",
            )
        )

    def test_cron_enqueues_batches_then_letters(self):
        """5 customers due, batches of 2: the cron sends nothing itself, enqueues 3 jobs and
        reports the run complete; the jobs send one reminder per customer and enqueue the
        rendering of the letters (the one to post and the emails' PDF), which renders them."""
        with trap_jobs() as trap:
            progress = self._cron_call()
            self.assertRecordValues(progress, [{"done": 5, "remaining": 0}])
            self.assertFalse(self._events())
            trap.assert_jobs_count(3, only=self.Dunning._job_send_reminders)
            trap.assert_jobs_count(3)
            for start in (0, 2, 4):
                trap.assert_enqueued_job(
                    self.Dunning._job_send_reminders,
                    args=(self.customers[start : start + 2], RUN_DATE),
                )
            with freeze_time("2026-03-02 06:00:00"):
                trap.perform_enqueued_jobs()
            events = self._events()
            self.assertEqual(len(events), 5)
            self.assertEqual(events.partner_id, self.customers)
            letter = events.filtered(lambda event: event.partner_id == self.customers[4])
            self.assertRecordValues(
                letter, [{"channel": "letter", "state": "to_post", "attachment_id": False}]
            )
            # no letter rendered while sending (emails are queued without waiting for it)
            self.assertFalse(events.attachment_id)
            to_render = events.filtered("letter_to_render")
            self.assertIn(letter, to_render)
            # each sending job enqueued the rendering of its own letters
            trap.assert_jobs_count(3, only=self.Dunning._job_render_letters)
            trap.perform_enqueued_jobs()
            # (the test mode renders reports as HTML)
            self.assertRecordValues(
                letter.attachment_id, [{"res_model": letter._name, "res_id": letter.id}]
            )
            self.assertEqual(len(to_render.attachment_id), len(to_render))
            self.assertFalse(to_render.filtered("letter_to_render"))
            trap.assert_jobs_count(0)

    def test_customers_waiting_in_a_job_are_not_enqueued_again(self):
        """The cron called again while the jobs wait or after one ran: no customer enqueued
        twice; once every job has run, each customer has one reminder and a new call
        enqueues nothing."""
        self._cron_call()
        self.assertEqual(len(self._jobs()), 3)
        self._cron_call()
        self.assertEqual(len(self._jobs()), 3)
        first = Job.load(self.env, self._jobs()[0].uuid)
        with freeze_time("2026-03-02 06:00:00"):
            first.perform()
        first.set_done()
        first.store()
        self._cron_call(batch_size=1)  # other batches now: the waiting customers still out
        self.assertEqual(len(self._jobs()), 3)
        with freeze_time("2026-03-02 06:00:00"):
            for record in self._jobs()[1:]:
                job = Job.load(self.env, record.uuid)
                job.perform()
                job.set_done()
                job.store()
        self.assertEqual(self._events().partner_id, self.customers)
        self.assertEqual(len(self._events()), 5)
        self.assertRecordValues(self._cron_call(), [{"done": 0, "remaining": 0}])
        self.assertEqual(len(self._jobs()), 3)

    def test_same_batch_enqueued_once_a_day(self):
        """The same batch enqueued twice for the same day, in any order: one job while it
        waits; another day or other customers: a job of their own."""
        batch = self.customers[:2]
        self.Dunning._enqueue_send_reminders(batch, RUN_DATE)
        self.Dunning._enqueue_send_reminders(batch.sorted("id", reverse=True), RUN_DATE)
        self.assertEqual(len(self._jobs()), 1)
        self.Dunning._enqueue_send_reminders(batch, fields.Date.add(RUN_DATE, days=1))
        self.Dunning._enqueue_send_reminders(self.customers[2:4], RUN_DATE)
        self.assertEqual(len(self._jobs()), 3)
        self.assertEqual(
            [(job.args[0], job.args[1]) for job in self._jobs()],
            [
                (batch, RUN_DATE),
                (batch, fields.Date.to_date("2026-03-03")),
                (self.customers[2:4], RUN_DATE),
            ],
        )

    def test_job_run_twice_sends_once(self):
        """The same batch run twice (a job retried, or two runners): the second run finds
        nothing due; one reminder per customer, no failed event."""
        with freeze_time("2026-03-02 06:00:00"):
            self.Dunning._job_send_reminders(self.customers[:4], RUN_DATE)
            self.Dunning._job_send_reminders(self.customers[:4], RUN_DATE)
        events = self._events()
        self.assertEqual(len(events), 4)
        self.assertEqual(set(events.mapped("state")), {"sent"})

    def test_locked_customer_goes_to_a_later_job(self):
        """A customer locked by another transaction: the job sends the others and enqueues it
        again a minute later, without a failed event."""
        locked = self.env.ref("base.main_partner")  # committed before the test: lockable
        self.env.cr.execute("SET LOCAL lock_timeout = '5s'")
        self.addCleanup(self.env.cr.execute, "SET LOCAL lock_timeout = 0")
        other = sql_db.db_connect(self.env.cr.dbname).cursor()
        self.addCleanup(other.close)
        self.addCleanup(other.rollback)
        other.execute(
            SQL("SELECT id FROM res_partner WHERE id = %s FOR NO KEY UPDATE NOWAIT", locked.id)
        )
        self._invoice(locked, 500.0, "2026-02-01", "2026-03-01")
        with trap_jobs() as trap, freeze_time("2026-03-02 06:00:00"):
            self.Dunning._job_send_reminders(self.customers[:2] | locked, RUN_DATE)
            trap.assert_jobs_count(1, only=self.Dunning._job_send_reminders)
            trap.assert_enqueued_job(
                self.Dunning._job_send_reminders,
                args=(locked, RUN_DATE),
                properties={"eta": 60},
            )
        self.assertEqual(self._events(self.customers[:2] | locked).partner_id, self.customers[:2])

    def test_job_stops_at_its_time_budget(self):
        """A job runs in an HTTP worker, under limit_time_real: budget 10 s, 4 s per customer,
        the job sends 3 of its 4 customers and enqueues the last one at once."""
        self.env["ir.config_parameter"].sudo().set_param(
            "recouvrement_b2b.dunning_time_budget", "10"
        )
        clock = _Clock()
        send = RecouvrementDunning._send_batch

        def slow_send(dunning, items, date, recipients):
            clock.now += 4 * len(items)
            return send(dunning, items, date, recipients)

        with (
            trap_jobs() as trap,
            freeze_time("2026-03-02 06:00:00"),
            patch(f"{DUNNING}.time", clock),
            patch(f"{DUNNING}.SEND_BATCH_SIZE", 1),  # the budget is checked between batches
            patch.object(RecouvrementDunning, "_send_batch", slow_send),
        ):
            self.Dunning._job_send_reminders(self.customers[:4], RUN_DATE)
            trap.assert_jobs_count(1, only=self.Dunning._job_send_reminders)
            trap.assert_enqueued_job(
                self.Dunning._job_send_reminders, args=(self.customers[3], RUN_DATE)
            )
        self.assertEqual(self._events().partner_id, self.customers[:3])


class _Clock:
    """``time.monotonic`` of the dunning service, advanced by hand."""

    def __init__(self):
        self.now = 1000.0

    def monotonic(self):
        return self.now
