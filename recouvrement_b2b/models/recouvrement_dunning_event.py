import base64
import logging
from collections import defaultdict

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_amount, format_date
from odoo.tools.pdf import merge_pdf

from ..rules import dunning as dunning_rules

_logger = logging.getLogger(__name__)

CHANNELS = [
    ("email", "Email"),
    ("letter", "Letter"),
    ("registered", "Registered letter"),
    ("phone", "Phone activity"),
    ("none", "None"),
]


class RecouvrementDunningEvent(models.Model):
    _name = "recouvrement.dunning.event"
    _description = "Dunning Event"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"

    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    move_ids = fields.Many2many("account.move", string="Invoices")
    level_id = fields.Many2one("recouvrement.dunning.level", index=True)
    channel = fields.Selection(CHANNELS)
    date = fields.Date(required=True, default=fields.Date.context_today, index=True)
    state = fields.Selection(
        [("draft", "Draft"), ("sent", "Sent"), ("failed", "Failed"), ("cancelled", "Cancelled")],
        default="draft",
        required=True,
        index=True,
    )
    currency_id = fields.Many2one("res.currency")
    amount_due = fields.Monetary(currency_field="currency_id")
    user_id = fields.Many2one("res.users", default=lambda self: self.env.user)
    tone = fields.Selection(related="level_id.tone")
    is_formal_notice = fields.Boolean(related="level_id.is_formal_notice")
    recipient_id = fields.Many2one("res.partner", help="Invoicing contact the reminder is sent to.")
    amount_penalty = fields.Monetary(string="Late-Payment Penalties", currency_field="currency_id")
    amount_indemnity = fields.Monetary(string="Recovery Indemnities", currency_field="currency_id")
    amount_total = fields.Monetary(
        string="Total Claimed",
        currency_field="currency_id",
        compute="_compute_amount_total",
        store=True,
    )
    invoice_count = fields.Integer(compute="_compute_invoice_count")
    attachment_id = fields.Many2one("ir.attachment", string="Letter (PDF)", copy=False)
    mail_message_id = fields.Many2one("mail.message", string="Email", copy=False)
    litigation_id = fields.Many2one("recouvrement.litigation", string="Litigation Case", copy=False)
    note = fields.Text(help="Fallbacks and failure reasons.")
    printed = fields.Boolean(copy=False, help="The letter was printed for posting.")
    print_date = fields.Date(copy=False)
    to_print = fields.Boolean(
        compute="_compute_to_print",
        store=True,
        help="Letter or formal notice sent but not printed yet.",
    )

    @api.depends("partner_id", "level_id", "date")
    def _compute_display_name(self):
        for event in self:
            event.display_name = " - ".join(
                part
                for part in (
                    event.partner_id.display_name,
                    event.level_id.name,
                    event.date and format_date(self.env, event.date),
                )
                if part
            )

    @api.depends("amount_due", "amount_penalty", "amount_indemnity")
    def _compute_amount_total(self):
        for event in self:
            event.amount_total = event.amount_due + event.amount_penalty + event.amount_indemnity

    @api.depends("move_ids")
    def _compute_invoice_count(self):
        for event in self:
            event.invoice_count = len(event.move_ids)

    @api.depends("channel", "state", "printed")
    def _compute_to_print(self):
        for event in self:
            event.to_print = (
                event.channel in ("letter", "registered")
                and event.state == "sent"
                and not event.printed
            )

    # ------------------------------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------------------------------

    def action_view_invoices(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("account.action_move_out_invoice")
        action.update(domain=[("id", "in", self.move_ids.ids)], context={"create": False})
        return action

    def action_cancel(self):
        self.filtered(lambda e: e.state in ("draft", "failed")).state = "cancelled"

    def action_mark_printed(self):
        self.write({"printed": True, "print_date": fields.Date.context_today(self)})

    def action_print_letters(self):
        """Merge the letters of the selected events into one PDF and mark them printed."""
        events = self.filtered("attachment_id")
        if not events:
            raise UserError(self.env._("None of the selected reminders has a letter to print."))
        not_pdf = events.filtered(lambda e: e.attachment_id.mimetype != "application/pdf")
        if not_pdf:
            raise UserError(
                self.env._(
                    "The letter of %(event)s is not a PDF document; print it again from the "
                    "reminder.",
                    event=not_pdf[0].display_name,
                )
            )
        merged = merge_pdf([base64.b64decode(event.attachment_id.datas) for event in events])
        attachment = self.env["ir.attachment"].create(
            {
                "name": self.env._(
                    "Letters to post %(date)s.pdf", date=fields.Date.context_today(self)
                ),
                "raw": merged,
                "mimetype": "application/pdf",
                "res_model": self._name,
                "res_id": events[0].id,
            }
        )
        events.action_mark_printed()
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }

    # ------------------------------------------------------------------------------------------
    # Letter helpers (used by the QWeb reports and the email template)
    # ------------------------------------------------------------------------------------------

    def _get_letter_lines(self):
        """One dict per invoice of the event: invoice, amount due, penalties, indemnity."""
        self.ensure_one()
        moves = self.move_ids.sorted(lambda m: (m.invoice_date_due, m.id))
        figures = moves._get_penalty_figures(self.date) if self.level_id.claim_penalties else {}
        lines = []
        for move in moves:
            figure = figures.get(move.id, {})
            lines.append(
                {
                    "move": move,
                    "residual": move.amount_residual,
                    "days": (self.date - move.invoice_date_due).days,
                    "penalty": figure.get("penalty", 0.0),
                    "indemnity": figure.get("indemnity", 0.0),
                    "rate": figure.get("rate", 0.0),
                }
            )
        return lines

    def _get_payment_deadline(self):
        self.ensure_one()
        return fields.Date.add(self.date, days=self.level_id.payment_deadline_days or 8)

    def _get_bank_account(self):
        """Company bank account quoted in the payment instructions."""
        self.ensure_one()
        return self.company_id.partner_id.bank_ids[:1]

    def _get_payment_reference(self):
        """Reference the customer should quote with the payment."""
        self.ensure_one()
        references = ", ".join(
            move.payment_reference or move.name for move in self.move_ids.sorted("name")
        )
        # A SEPA credit transfer carries at most 140 characters of remittance information.
        if references and len(references) <= 140:
            return references
        return self.partner_id.ref or self.partner_id.commercial_partner_id.name

    # ------------------------------------------------------------------------------------------
    # Dunning run: plan (what is due) then execute (one communication per customer)
    # ------------------------------------------------------------------------------------------

    @api.model
    def _cron_send_reminders(self, batch_size=200):
        """Daily cron: send the reminders due today, ``batch_size`` customers per call."""
        date = fields.Date.context_today(self)
        plan = self._dunning_plan(date, skip_failed=True)
        batch = plan[:batch_size]
        self._dunning_execute(batch, date)
        self.env["ir.cron"]._notify_progress(done=len(batch), remaining=len(plan) - len(batch))

    @api.model
    def _get_dunning_domain(self, date, companies, min_days):
        """Invoices that may be reminded on ``date``: open, not excluded, near or past due."""
        return [
            ("company_id", "in", companies.ids),
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("payment_state", "in", ("not_paid", "partial")),
            ("amount_residual", ">", 0),
            ("litigation_id", "=", False),
            ("payment_plan_id", "=", False),
            ("invoice_date_due", "<=", fields.Date.subtract(date, days=min_days)),
            "|",
            ("dunning_paused_until", "=", False),
            ("dunning_paused_until", "<", date),
            "|",
            ("commercial_partner_id.dunning_paused_until", "=", False),
            ("commercial_partner_id.dunning_paused_until", "<", date),
        ]

    @api.model
    def _dunning_plan(self, date, companies=None, partners=None, skip_failed=False):
        """Group the due invoices per customer and currency and pick the level to send.

        Returns a list of dicts (``company``, ``partner``, ``currency``, ``policy``, ``level``,
        ``moves``: every open overdue invoice to list, ``move_levels``: ``{move id: level}`` for
        the invoices reaching a new level). Queries do not depend on the number of invoices.
        """
        level_domain = [("policy_id.active", "=", True)]
        if companies:
            level_domain.append(("company_id", "in", companies.ids))
        levels = self.env["recouvrement.dunning.level"].search(level_domain)
        companies = levels.company_id
        if not levels:
            return []
        domain = self._get_dunning_domain(date, companies, min(levels.mapped("days")))
        if partners:
            domain.append(("commercial_partner_id", "in", partners.commercial_partner_id.ids))
        moves = self.env["account.move"].search(domain, order="invoice_date_due, id")
        skipped = set()
        if skip_failed and moves:
            failed = self._read_group(
                [
                    ("date", "=", date),
                    ("state", "=", "failed"),
                    ("partner_id", "in", moves.commercial_partner_id.ids),
                ],
                ["company_id", "partner_id", "currency_id"],
            )
            skipped = {(c.id, p.id, cur.id) for c, p, cur in failed}
        policies = moves._get_dunning_policies()
        rule_levels = {}
        groups = defaultdict(lambda: self.env["account.move"])
        move_levels = defaultdict(dict)
        for move in moves:
            key = (move.company_id, move.commercial_partner_id, move.currency_id)
            policy = policies.get(move.id)
            if not policy or (key[0].id, key[1].id, key[2].id) in skipped:
                continue
            if policy not in rule_levels:
                rule_levels[policy] = policy._get_rule_levels()
            rule_level = dunning_rules.next_level(
                rule_levels[policy],
                move._get_dunning_sequence(policy),
                move.invoice_date_due,
                date,
                amount=move.amount_residual,
            )
            if rule_level:
                move_levels[key][move.id] = rule_level.key
            if rule_level or move.invoice_date_due < date:
                groups[key] |= move
        level_model = self.env["recouvrement.dunning.level"]
        plan = []
        for key, group_moves in groups.items():
            if not move_levels[key]:
                continue
            due = level_model.browse(set(move_levels[key].values()))
            level = due.sorted(lambda lvl: (lvl.sequence, lvl.days))[-1]
            plan.append(
                {
                    "company": key[0],
                    "partner": key[1],
                    "currency": key[2],
                    "policy": level.policy_id,
                    "level": level,
                    "moves": group_moves,
                    "move_levels": move_levels[key],
                }
            )
        plan.sort(key=lambda item: (item["company"].id, item["partner"].id, item["currency"].id))
        return plan

    @api.model
    def _dunning_execute(self, plan, date):
        """Send one communication per plan item; a failing customer is logged and skipped."""
        events = self.browse()
        recipients = self._get_dunning_recipients(
            self.env["res.partner"].union(*(item["partner"] for item in plan))
        )
        for item in plan:
            try:
                with self.env.cr.savepoint():
                    events |= self.with_company(item["company"])._dunning_process(
                        item, date, recipients.get(item["partner"].id, item["partner"])
                    )
            except Exception as error:  # one customer must not stop the others
                _logger.warning(
                    "Dunning of %s (id %s) failed: %s",
                    item["partner"].name,
                    item["partner"].id,
                    error,
                )
                events |= self._dunning_log_failure(item, date, error)
        return events

    @api.model
    def _get_dunning_recipients(self, partners):
        """Invoicing contact of each customer: ``{partner id: contact}`` (the customer itself
        when it has no invoice address)."""
        contacts = self.env["res.partner"].search(
            [("parent_id", "in", partners.ids), ("type", "=", "invoice"), ("email", "!=", False)],
            order="id",
        )
        recipients = {}
        for contact in contacts:
            recipients.setdefault(contact.parent_id.id, contact)
        return recipients

    @api.model
    def _prepare_dunning_event_vals(self, item, date, recipient):
        moves = item["moves"]
        level = item["level"]
        vals = {
            "partner_id": item["partner"].id,
            "company_id": item["company"].id,
            "currency_id": item["currency"].id,
            "level_id": level.id,
            "channel": level.channel,
            "date": date,
            "move_ids": [Command.set(moves.ids)],
            "amount_due": sum(moves.mapped("amount_residual")),
            "recipient_id": recipient.id,
            "user_id": self.env.user.id,
        }
        if level.claim_penalties:
            figures = moves._get_penalty_figures(date)
            vals["amount_penalty"] = sum(f["penalty"] for f in figures.values())
            vals["amount_indemnity"] = sum(f["indemnity"] for f in figures.values())
        if level.channel == "email" and not recipient.email:
            vals["channel"] = "letter"
            vals["note"] = self.env._(
                "%(partner)s has no email address: the reminder %(level)s is sent as a letter "
                "to print and post instead.",
                partner=recipient.display_name,
                level=level.name,
            )
        return vals

    @api.model
    def _dunning_process(self, item, date, recipient):
        """Create the event of one customer, send it and move its invoices up the ladder."""
        level = item["level"]
        event = self.create(self._prepare_dunning_event_vals(item, date, recipient))
        if event.channel in ("email", "letter", "registered") and level.report_id:
            event._render_letter()
        if event.channel == "email":
            event._send_email()
        elif event.channel == "phone":
            event._schedule_call()
        if level.credit_hold:
            event._apply_credit_hold()
        if level.open_litigation:
            event._open_litigation()
        event._post_on_customer()
        item["moves"]._dunning_advance(item["move_levels"], date)
        event.state = "sent"
        return event

    @api.model
    def _dunning_log_failure(self, item, date, error):
        message = self.env._(
            "The reminder %(level)s could not be sent: %(error)s",
            level=item["level"].name,
            error=str(error),
        )
        event = self.create(
            {
                "partner_id": item["partner"].id,
                "company_id": item["company"].id,
                "currency_id": item["currency"].id,
                "level_id": item["level"].id,
                "channel": item["level"].channel,
                "date": date,
                "move_ids": [Command.set(item["moves"].ids)],
                "amount_due": sum(item["moves"].mapped("amount_residual")),
                "state": "failed",
                "note": message,
            }
        )
        # sudo: the failure must be visible on the customer even when the run's user cannot
        # write on partners (log only, no business change)
        item["partner"].sudo().message_post(body=message, subtype_xmlid="mail.mt_note")
        return event

    def _render_letter(self):
        """Render the level's letter and attach it to the event."""
        self.ensure_one()
        report = self.level_id.report_id
        if self.env.context.get("dunning_letter_html"):
            # demo data and benchmark: no HTTP server for wkhtmltopdf
            content, report_type = self.env["ir.actions.report"]._render_qweb_html(
                report.report_name, self.ids
            )
        else:
            content, report_type = self.env["ir.actions.report"]._render_qweb_pdf(
                report.report_name, self.ids
            )
        extension = "pdf" if report_type == "pdf" else "html"
        self.attachment_id = self.env["ir.attachment"].create(
            {
                "name": f"{self._get_letter_filename()}.{extension}",
                "raw": content,
                "mimetype": "application/pdf" if report_type == "pdf" else "text/html",
                "res_model": self._name,
                "res_id": self.id,
            }
        )

    def _get_letter_filename(self):
        self.ensure_one()
        return self.env._(
            "%(level)s - %(partner)s - %(date)s",
            level=self.level_id.name,
            partner=self.partner_id.name,
            date=self.date,
        ).replace("/", "-")

    def _send_email(self):
        """Queue the level's email (mail queue, not sent inline) with the letter attached."""
        self.ensure_one()
        email_values = {"attachment_ids": [Command.link(self.attachment_id.id)]}
        if not self.attachment_id:
            email_values = {}
        mail_id = self.level_id.mail_template_id.send_mail(
            self.id, force_send=False, raise_exception=True, email_values=email_values
        )
        self.mail_message_id = self.env["mail.mail"].browse(mail_id).mail_message_id

    def _schedule_call(self):
        """Phone level: an activity on the customer for the responsible user, with figures."""
        self.ensure_one()
        level = self.level_id
        user = (
            level.activity_user_id
            or self.company_id.recouvrement_user_id
            or self.partner_id.user_id
            or self.env.user
        )
        lines = Markup("").join(
            Markup("<li>%s</li>")
            % self.env._(
                "%(invoice)s due %(due)s: %(amount)s",
                invoice=line["move"].name,
                due=format_date(self.env, line["move"].invoice_date_due),
                amount=format_amount(self.env, line["residual"], self.currency_id),
            )
            for line in self._get_letter_lines()
        )
        note = Markup("<p>%s</p><ul>%s</ul>") % (
            self.env._(
                "Call %(partner)s about %(amount)s overdue.",
                partner=self.partner_id.display_name,
                amount=format_amount(self.env, self.amount_total, self.currency_id),
            ),
            lines,
        )
        activity_type = level.activity_type_id or self.env.ref(
            "mail.mail_activity_data_call", raise_if_not_found=False
        )
        # sudo: the activity is scheduled on the customer, which credit controllers may not
        # be allowed to write on
        self.partner_id.sudo().activity_schedule(
            activity_type_id=activity_type.id if activity_type else False,
            summary=self.env._("Dunning call: %(level)s", level=level.name),
            note=note,
            user_id=user.id,
            date_deadline=self.date,
        )

    def _apply_credit_hold(self):
        self.ensure_one()
        # sudo: the hold is decided by the level configured by a credit manager
        self.partner_id.sudo()._set_credit_hold(
            self.env._("Dunning level %(level)s reached", level=self.level_id.name)
        )

    def _open_litigation(self):
        self.ensure_one()
        self.litigation_id = self.env["recouvrement.litigation"].create(
            {
                "partner_id": self.partner_id.id,
                "company_id": self.company_id.id,
                "move_ids": [Command.set(self.move_ids.ids)],
                "litigation_type": "recovery",
            }
        )

    def _post_on_customer(self):
        """Log the reminder, with its letter, on the customer's chatter."""
        self.ensure_one()
        body = self.env._(
            "Reminder %(level)s (%(channel)s) for %(count)s invoice(s), %(amount)s due.",
            level=self.level_id.name,
            channel=dict(self._fields["channel"]._description_selection(self.env))[self.channel],
            count=len(self.move_ids),
            amount=format_amount(self.env, self.amount_total, self.currency_id),
        )
        if self.note:
            body = Markup("%s<br/>%s") % (body, self.note)
        # sudo: credit controllers log on customers they may not be allowed to write on
        self.partner_id.sudo().message_post(
            body=body, subtype_xmlid="mail.mt_note", attachment_ids=self.attachment_id.ids
        )
