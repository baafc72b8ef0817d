import sys

from odoo import api, models
from odoo.tools import format_date

from odoo.addons.queue_job.job import CANCELLED, DONE, FAILED, identity_exact
from odoo.addons.queue_job.utils import must_run_without_delay

#: jobs of a customer batch still to run (or running): its customers are not enqueued again
_JOB_OVER = (DONE, CANCELLED, FAILED)
#: seconds before a batch's customers locked by another transaction are tried again
LOCKED_RETRY_DELAY = 60


class RecouvrementDunning(models.AbstractModel):
    """The dunning run as queue jobs: the cron enqueues one job per batch of customers
    (:meth:`_job_send_reminders`) and the postal letters of a batch are rendered by a job of
    their own (:meth:`_job_render_letters`)."""

    _inherit = "recouvrement.dunning"

    @api.model
    def _get_cron_plan(self, date, batch_size, deadline=None):
        """EXTENDS recouvrement_b2b: the whole plan in one call, as it is enqueued, not sent
        (:meth:`_dunning_dispatch_batch`); with queue_job's "no delay" switch, the batch of
        the call as without this module."""
        if not must_run_without_delay(self.env):
            batch_size = sys.maxsize
        return super()._get_cron_plan(date, batch_size, deadline=deadline)

    @api.model
    def _dunning_dispatch_batch(self, plan, date, batch_size, deadline=None):
        """Enqueue the whole ``plan`` as jobs of ``batch_size`` customers (each customer once:
        those already in a job still to run are left out), instead of sending inline.

        With queue_job's "no delay" switch (``QUEUE_JOB__NO_DELAY``, context
        ``queue_job__no_delay``) the batch is sent inline, as without this module.

        :return: ``(done, remaining)``: every customer of the plan is dealt with (enqueued)
        """
        if must_run_without_delay(self.env):
            return super()._dunning_dispatch_batch(plan, date, batch_size, deadline=deadline)
        queued = self._get_queued_customer_ids(date)
        partners = self.env["res.partner"].browse(
            sorted({item["partner"].id for item in plan} - queued)
        )
        for start in range(0, len(partners), batch_size):
            self._enqueue_send_reminders(partners[start : start + batch_size], date)
        return len(plan), 0

    @api.model
    def _enqueue_send_reminders(self, partners, date, eta=None):
        """Enqueue the sending of the reminders due on ``date`` to ``partners`` (res.partner),
        one job; identity key: the day and the customers (queue_job's ``identity_exact``: the
        same batch is not enqueued again for the same day while its job waits)."""
        partners = partners.sorted("id")
        self.with_delay(
            eta=eta,
            identity_key=identity_exact,
            description=self.env._(
                "Dunning: send the reminders due on %(date)s to %(count)s customers",
                date=format_date(self.env, date),
                count=len(partners),
            ),
        )._job_send_reminders(partners, date)

    @api.model
    def _get_queued_customer_ids(self, date):
        """Ids of the customers in a sending job of ``date`` still to run (or running)."""
        jobs = (
            self.env["queue.job"]
            .sudo()  # sudo: the jobs are technical records, read to avoid enqueuing twice
            .search(
                [
                    ("model_name", "=", self._name),
                    ("method_name", "=", "_job_send_reminders"),
                    ("state", "not in", _JOB_OVER),
                ]
            )
        )
        return {
            partner_id
            for job in jobs
            if len(job.args) == 2 and job.args[1] == date
            for partner_id in job.args[0].ids
        }

    @api.model
    def _job_send_reminders(self, partners, date):
        """Job: send the reminders due on ``date`` to ``partners`` (res.partner, one batch).

        The customers are locked first, then what is due is computed for those locked: a
        customer reminded by another job or run meanwhile is no longer due. Customers locked by
        another transaction go to a new job a minute later; those left when the time budget
        (``recouvrement_b2b.dunning_time_budget``) is used, or whose sending conflicted with a
        concurrent update, to a new job at once. Letters to post are rendered by a job of their
        own (:meth:`_job_render_letters`).

        :return: a summary for the job's result (text)
        """
        free = self._lock_customers(partners)
        locked = partners.filtered(lambda partner: partner.id not in free)
        if locked:
            self._enqueue_send_reminders(locked, date, eta=LOCKED_RETRY_DELAY)
        if not free:
            return self.env._("No customer free, all retried later")
        plan = self._get_plan(date, partners=partners.browse(sorted(free)), skip_failed=True)
        # a job runs in an HTTP worker, under limit_time_real: the cron's time budget applies
        events = self._send_reminders(plan, date, deadline=self._get_deadline())
        left = self.env["res.partner"].union(*(item["partner"] for item in plan))
        left -= events.partner_id
        if left:  # out of time, or a concurrent update: a new job goes on
            self._enqueue_send_reminders(left, date)
        letters = events.filtered("letter_to_render")
        if letters:
            self._enqueue_render_letters(letters)
        return self.env._(
            "%(events)s reminders, %(letters)s letters to render, %(locked)s customers retried",
            events=len(events),
            letters=len(letters),
            locked=len(locked) + len(left),
        )

    @api.model
    def _job_render_letters(self, events):
        """Job: render the letters of ``events`` (recouvrement.dunning.event) still to render,
        within the time budget (:meth:`_dunning_render_letters`, which skips the letters
        another job or the letters cron is rendering); those left go to a new job."""
        done, _remaining = self._dunning_render_letters(events, deadline=self._get_deadline())
        left = events.filtered_domain(self._get_letters_to_render_domain())
        if left and done:
            self._enqueue_render_letters(left)
        return self.env._("%(count)s letters rendered", count=done)

    @api.model
    def _enqueue_render_letters(self, events):
        """Enqueue the rendering of the letters of ``events`` (recouvrement.dunning.event),
        not twice while its job waits (queue_job's ``identity_exact``)."""
        events = events.sorted("id")
        self.with_delay(
            identity_key=identity_exact,
            description=self.env._("Dunning: render %(count)s letters to post", count=len(events)),
        )._job_render_letters(events)
