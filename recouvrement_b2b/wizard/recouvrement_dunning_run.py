from datetime import timedelta

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_amount, format_date

from ..models.recouvrement_dunning_event import CHANNELS
from ..tools.bounds import check_bounds

#: days before and after today a run may be previewed: a year (issue 19); the plan of a day
#: near 9999-12-31 overflowed (``OverflowError: date value out of range``)
PREVIEW_HORIZON_DAYS = 365


class RecouvrementDunningRun(models.TransientModel):
    _name = "recouvrement.dunning.run"
    _description = "Dunning Run"

    date = fields.Date(required=True, default=fields.Date.context_today)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    line_ids = fields.One2many("recouvrement.dunning.run.line", "run_id", string="Preview")
    event_ids = fields.Many2many("recouvrement.dunning.event", string="Reminders Sent")
    is_preview = fields.Boolean(
        compute="_compute_is_preview",
        help="The date is not today: the run only shows what would be sent on that date.",
    )

    is_first_run = fields.Boolean(
        compute="_compute_is_first_run",
        help="The company never made its first dunning run: the run starts the ladder on the "
        "whole book.",
    )
    level_summary = fields.Html(
        string="Customers per Level",
        compute="_compute_level_summary",
        sanitize=False,
        help="How many customers the run reaches at each level, and for how much.",
    )
    first_run_confirmed = fields.Boolean(
        string="I checked the customers per level",
        help="First run: confirm the number of customers reaching each level before sending.",
    )
    preview_company_id = fields.Many2one(
        "res.company", readonly=True, help="Company of the preview shown in the lines."
    )
    preview_date = fields.Date(readonly=True, help="Date of the preview shown in the lines.")

    @api.constrains("date")
    def _check_date(self):
        today = fields.Date.context_today(self)
        horizon = timedelta(days=PREVIEW_HORIZON_DAYS)
        check_bounds(self, "date", today - horizon, today + horizon)

    @api.depends("company_id")
    def _compute_is_first_run(self):
        # the company's own state (has its first run been made), not "some reminder
        # exists": one recorded before the first run keeps the safeguard (issue 17 #12)
        for run in self:
            run.is_first_run = not run.company_id.dunning_first_run_date

    @api.depends("line_ids.level_id", "line_ids.amount", "line_ids.excluded")
    def _compute_level_summary(self):
        for run in self:
            run.level_summary = run._render_level_summary()

    def _render_level_summary(self):
        """HTML table of the lines kept: per level (ladder order), the number of customers and
        the amount claimed (company currency); ``False`` without lines."""
        self.ensure_one()
        lines = self.line_ids.filtered(lambda line: not line.excluded and line.level_id)
        if not lines:
            return False
        by_level = {}
        for line in lines.sorted(lambda line: (line.level_id.sequence, line.level_id.id)):
            count, amount = by_level.get(line.level_id, (0, 0.0))
            by_level[line.level_id] = (count + 1, amount + line.amount)
        currency = self.company_id.currency_id
        rows = Markup("").join(
            Markup('<tr><td>%s</td><td class="text-end">%s</td><td class="text-end">%s</td></tr>')
            % (level.display_name, count, format_amount(self.env, amount, currency))
            for level, (count, amount) in by_level.items()
        )
        return Markup(
            '<table class="table table-sm"><thead><tr><th>%s</th><th class="text-end">%s</th>'
            '<th class="text-end">%s</th></tr></thead><tbody>%s</tbody></table>'
        ) % (
            self.env._("Level"),
            self.env._("Customers"),
            self.env._("Amount Due"),
            rows,
        )

    @api.depends("date")
    def _compute_is_preview(self):
        today = fields.Date.context_today(self)
        for run in self:
            run.is_preview = bool(run.date) and run.date != today

    def action_preview(self):
        """List what the run would send on the date (the cron's plan), one line per customer."""
        self.ensure_one()
        Dunning = self.env["recouvrement.dunning"]
        plan = Dunning._get_plan(self.date, companies=self.company_id)
        partners = self.env["res.partner"].union(*(item["partner"] for item in plan))
        recipients = Dunning._get_recipients(partners)
        self.write(
            {
                "line_ids": [Command.clear()]
                + [
                    Command.create(
                        self._prepare_line_vals(
                            item, recipients.get(item["partner"].id, item["partner"])
                        )
                    )
                    for item in plan
                ],
                "preview_company_id": self.company_id.id,
                "preview_date": self.date,
                # the first run's confirmation is given on the preview the user saw
                "first_run_confirmed": False,
            }
        )
        return self._reopen()

    @api.model
    def _prepare_line_vals(self, item, recipient):
        """Values of the preview line of plan ``item`` (see ``recouvrement.dunning``) sent to
        ``recipient`` (res.partner: the customer or its invoicing contact), with the channel
        the run sends it by (a letter instead of an email the customer cannot receive:
        ``recouvrement.dunning._get_channel_fallback``)."""
        fallback = self.env["recouvrement.dunning"]._get_channel_fallback(item, recipient)
        return {
            "partner_id": item["partner"].id,
            "level_id": item["level"].id,
            "channel": fallback.get("channel", item["level"].channel),
            "currency_id": item["currency"].id,
            "move_ids": [Command.set(item["moves"].ids)],
            "amount": item.get("amount_net", sum(item["moves"].mapped("amount_residual"))),
        }

    def action_execute(self):
        """Send the previewed lines that were not excluded, through the cron's code path.

        :raise UserError: the date is not today (a preview), the lines are the preview of
            another company or date, nothing is kept, the first run is not confirmed, or
            another dunning run is in progress
        """
        self.ensure_one()
        if self.is_preview:
            # A reminder states that invoices "remain unpaid" on its date: it is sent only on
            # the day it is dated; another date is a preview.
            raise UserError(
                self.env._(
                    "Dunning run: reminders are sent only for today (%(today)s). The run of "
                    "%(date)s is a preview: set the Date to today to send.",
                    today=format_date(self.env, fields.Date.context_today(self)),
                    date=format_date(self.env, self.date),
                )
            )
        if self.line_ids and (self.preview_company_id, self.preview_date) != (
            self.company_id,
            self.date,
        ):
            # the lines (and the first run's customers per level) belong to another preview:
            # nothing is sent that the user did not see
            raise UserError(
                self.env._(
                    "Dunning run: the preview shown is for %(preview_company)s on "
                    "%(preview_date)s, not for %(company)s on %(date)s. Refresh the preview "
                    "before sending.",
                    preview_company=self.preview_company_id.name or "-",
                    preview_date=format_date(self.env, self.preview_date) or "-",
                    company=self.company_id.name,
                    date=format_date(self.env, self.date),
                )
            )
        lines = self.line_ids.filtered(lambda line: not line.excluded)
        if not lines:
            raise UserError(
                self.env._("Nothing to send: preview the run and keep at least one line.")
            )
        if self.is_first_run and not self.first_run_confirmed:
            # Issue 17 #12: the first run starts the ladder on the whole book; the user sees
            # how many customers reach each level before anything is sent.
            raise UserError(
                self.env._(
                    "First dunning run for %(company)s: check the customers per level in the "
                    "preview, then tick %(field)s to send.",
                    company=self.company_id.name,
                    field=self._fields["first_run_confirmed"]._description_string(self.env),
                )
            )
        dunning = self.env["recouvrement.dunning"]
        if not dunning._try_lock_run():
            raise UserError(
                self.env._(
                    "A dunning run is in progress (the daily cron or another user): try again "
                    "in a few minutes."
                )
            )
        plan = dunning._get_plan(self.date, companies=self.company_id, partners=lines.partner_id)
        kept = {(line.partner_id.id, line.currency_id.id) for line in lines}
        plan = [item for item in plan if (item["partner"].id, item["currency"].id) in kept]
        # customers another transaction is processing (the cron, another server, a user) are
        # left to it, and the user is told which (never a silent run that sends nothing)
        partners = self.env["res.partner"].union(*(item["partner"] for item in plan))
        free = dunning._lock_customers(partners, plan)
        busy = partners.filtered(lambda partner: partner.id not in free)
        plan = [item for item in plan if item["partner"].id in free]
        self.event_ids = dunning._send_reminders(plan, self.date, deadline=dunning._get_deadline())
        if self.event_ids and not self.company_id.dunning_first_run_date:
            # sudo: the first run marks the company; the daily cron takes over from there
            self.company_id.sudo().dunning_first_run_date = self.date
        if len(self.event_ids) < len(plan):
            # out of time or customers locked by another transaction: the cron sends the rest
            cron = self.env.ref("recouvrement_b2b.ir_cron_dunning", raise_if_not_found=False)
            if cron:
                cron.sudo()._trigger()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "recouvrement_b2b.recouvrement_dunning_event_action"
        )
        action["domain"] = [("id", "in", self.event_ids.ids)]
        late = self.env["res.partner"].union(*(item["partner"] for item in plan))
        return self._notify_not_sent(action, busy, late - self.event_ids.partner_id)

    def _notify_not_sent(self, action, busy, late):
        """``action`` (the reminders sent), preceded by a notification naming the customers
        not sent: ``busy`` (res.partner processed by another run or user at the same time)
        and ``late`` (left when the time budget was used; the cron sends them)."""
        messages = []
        if busy:
            messages.append(
                self.env._(
                    "Not sent, another dunning run or user is processing them at the same "
                    "time: %(customers)s. Run again later if they are still due.",
                    customers=", ".join(busy.mapped("display_name")),
                )
            )
        if late:
            messages.append(
                self.env._(
                    "Not sent yet: %(customers)s. The daily run sends them in a few minutes.",
                    customers=", ".join(late.mapped("display_name")),
                )
            )
        if not messages:
            return action
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._(
                    "Dunning run: %(count)s customer(s) not sent", count=len(busy | late)
                ),
                "message": "\n".join(messages),
                "type": "warning",
                "sticky": True,
                "next": action,
            },
        }

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Dunning Run"),
        }


class RecouvrementDunningRunLine(models.TransientModel):
    _name = "recouvrement.dunning.run.line"
    _description = "Dunning Run Line"

    run_id = fields.Many2one("recouvrement.dunning.run", required=True, ondelete="cascade")
    excluded = fields.Boolean(help="Do not send this reminder in this run.")
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    level_id = fields.Many2one("recouvrement.dunning.level", readonly=True)
    # the channel the run sends by, which may be a letter instead of the level's email or SMS
    channel = fields.Selection(CHANNELS, readonly=True)
    move_ids = fields.Many2many("account.move", string="Invoices", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    amount = fields.Monetary(string="Amount Due", readonly=True)
