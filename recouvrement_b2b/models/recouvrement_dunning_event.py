import base64

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date, html2plaintext, is_html_empty
from odoo.tools.pdf import merge_pdf

from ..rules import deadlines
from ..tools.bounds import check_bounds
from ..tools.evidence import (
    EVIDENCE_ATTACHMENT_FIELDS,
    EVIDENCE_EMAIL_FIELDS,
    changed_field,
    check_created_by_flow,
    check_set_by_flow,
    differs,
)
from ..tools.lang import partner_env

CHANNELS = [
    ("email", "Email"),
    ("letter", "Letter"),
    ("registered", "Registered letter"),
    ("phone", "Phone activity"),
    ("sms", "SMS"),
    ("none", "No message"),
]

# States of an event that was never sent: its figures may still change and it may be deleted.
UNSENT_STATES = ("draft", "failed", "cancelled")
# States only the dunning run (and the posting of a letter) records: evidence of a reminder
EVIDENCE_STATES = ("sent", "to_post", "posted", "undelivered")
#: channels of the letters posted by somebody (their deadline runs from their delivery)
POSTED_CHANNELS = ("letter", "registered")

# What a reminder sent says (evidence in court): never rewritten once sent. The letter and the
# email may only be attached once, while the reminder is being sent.
EVIDENCE_FIELDS = (
    "partner_id",
    "company_id",
    "move_ids",
    "level_id",
    "channel",
    "date",
    "currency_id",
    "amount_due",
    "amount_open_credit",
    "amount_disputed",
    "amount_litigated",
    "line_ids",
    "credit_line_ids",
    "amount_penalty",
    "amount_indemnity",
    "recipient_id",
    "user_id",
    "earlier_reminder_count",
    "sent_residuals",
    "sent_statement",
)
ATTACH_ONCE_FIELDS = ("attachment_id", "mail_message_id")


class RecouvrementDunningEvent(models.Model):
    """One reminder sent (or failed) to a customer: its invoices, level, channel and letter.

    Events are created by the dunning run (``recouvrement.dunning``); the letter helpers below
    are called by the QWeb letters and the email template.
    """

    _name = "recouvrement.dunning.event"
    _description = "Dunning Event"
    _inherit = ["mail.thread", "mail.activity.mixin"]
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
        [
            ("draft", "Draft"),
            ("to_post", "To Post"),
            ("sent", "Sent"),
            ("posted", "Posted"),
            ("undelivered", "Undelivered"),
            ("failed", "Failed"),
            ("cancelled", "Cancelled"),
        ],
        help="Letters wait in To Post until somebody posts them: only a posted letter is "
        "evidence of a reminder. Undelivered: the email failed or bounced, the reminder does "
        "not count as sent.",
        default="draft",
        required=True,
        index=True,
    )
    currency_id = fields.Many2one("res.currency")
    amount_due = fields.Monetary(
        currency_field="currency_id",
        help="Net balance claimed: the instalments due minus the customer's open credits.",
    )
    line_ids = fields.Many2many(
        "account.move.line",
        "recouvrement_dunning_event_line_rel",
        "event_id",
        "line_id",
        string="Instalments",
        help="Receivable lines claimed, each with its own due date.",
    )
    credit_line_ids = fields.Many2many(
        "account.move.line",
        "recouvrement_dunning_event_credit_rel",
        "event_id",
        "line_id",
        string="Open Credits",
        help="Credit notes and payments not matched to an invoice, deducted from the claim.",
    )
    amount_open_credit = fields.Monetary(
        string="Open Credits Deducted", currency_field="currency_id"
    )
    amount_disputed = fields.Monetary(
        string="Contested Amounts Not Claimed",
        currency_field="currency_id",
        help="Part of the instalments listed that the customer contests in open commercial "
        "disputes: deducted from the claim while the dispute is open.",
    )
    amount_litigated = fields.Monetary(
        string="Claimed in Litigation",
        currency_field="currency_id",
        help="Part of the penalty invoices listed that the file of a litigation case claims "
        "with the invoices they charge: not claimed by this reminder while the case is open.",
    )
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
    attachment_id = fields.Many2one(
        "ir.attachment", string="Letter (PDF)", copy=False, index="btree_not_null"
    )
    letter_to_render = fields.Boolean(
        copy=False,
        index=True,
        help="The letter of the reminder is still to render: the letters step of the dunning "
        "run renders it after sending.",
    )
    mail_message_id = fields.Many2one(
        "mail.message", string="Email", copy=False, index="btree_not_null"
    )
    litigation_id = fields.Many2one("recouvrement.litigation", string="Litigation Case", copy=False)
    note = fields.Text(help="Fallbacks and failure reasons.")
    previous_levels = fields.Json(
        copy=False,
        readonly=True,
        help="Dunning levels of the invoices and instalments before this reminder, restored "
        "when it is not delivered.",
    )
    sent_residuals = fields.Json(
        string="Amounts Left As Sent",
        copy=False,
        readonly=True,
        # [[line id, residual, residual in the line's currency, what the letter printed of it
        # (recouvrement.dunning._prepare_claim_vals; absent from the rows of older reminders)],
        # ...]
        help="What was left of each instalment and open credit listed when the reminder was "
        "recorded. Every reprint states these figures, whatever was matched or unmatched since.",
    )
    sent_statement = fields.Json(
        string="Statement As Sent",
        copy=False,
        readonly=True,
        # recouvrement.statement._get_sent_statement_figures
        help="The rows of the statement of account attached to the reminder, as recorded with "
        "it: every reprint states them.",
    )
    cancel_reason = fields.Text(
        string="Cancellation Reason",
        tracking=True,
        copy=False,
        help="Why a reminder already sent was cancelled (it stays on record).",
    )
    printed = fields.Boolean(copy=False, help="The letter was printed for posting.")
    print_date = fields.Date(copy=False)
    to_print = fields.Boolean(
        compute="_compute_to_print",
        store=True,
        help="Letter or formal notice to post, not printed yet.",
    )
    post_date = fields.Date(copy=False, help="Day the letter was posted.")
    tracking_number = fields.Char(copy=False, help="Tracking number of the registered letter.")
    reply_pending = fields.Boolean(
        string="Reply to Handle",
        readonly=True,
        copy=False,
        index=True,
        help="The customer replied to this reminder: the customer's escalation waits until the "
        "reply activity is done.",
    )
    auto_reply_date = fields.Datetime(
        string="Automatic Reply Received",
        readonly=True,
        copy=False,
        help="Last automatic reply (out-of-office notice, vacation responder) received to this "
        "reminder: kept in its messages, it is no reply of the customer and does not hold the "
        "ladder.",
    )
    earlier_reminder_count = fields.Integer(
        string="Earlier Reminders Delivered",
        readonly=True,
        copy=False,
        help="Reminders the customer received before this one about the invoices it lists "
        "(bounced, returned and calls never made not counted): the letter and the email say "
        '"despite our previous reminder" for one, "despite our reminders" for more, nothing '
        "for none. Kept so that a reprint says what the reminder sent said.",
    )
    delivery_date = fields.Date(
        string="Proof of Delivery Date",
        copy=False,
        help="Day the customer received the registered letter (acknowledgment of receipt).",
    )
    queued = fields.Boolean(
        string="In the Outgoing Queue",
        readonly=True,
        copy=False,
        help="The email or SMS of this reminder has not left the outgoing queue yet (the mail "
        "server or the SMS provider did not take it): it is no delivered reminder, the "
        "customer's next step waits until it leaves.",
    )
    dispatch_date = fields.Date(
        string="Left the Queue On",
        readonly=True,
        copy=False,
        help="Day the email or SMS of this reminder left the outgoing queue: its payment "
        "deadline runs from this day for the next steps. Empty for a letter, or a reminder "
        "sent before this day was recorded: its date counts.",
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
            event.to_print = event.state == "to_post" and not event.printed

    # ------------------------------------------------------------------------------------------
    # CRUD: a sent reminder is evidence
    # ------------------------------------------------------------------------------------------

    def _is_sent(self):
        """Whether the reminder left (state other than draft, failed and cancelled)."""
        self.ensure_one()
        return self.state not in UNSENT_STATES

    @api.constrains("date", "post_date", "delivery_date", "print_date")
    def _check_letter_dates(self):
        """A letter is printed and posted between its reminder's day and today, and delivered
        between its posting and today: a date outside did not happen (issue 19)."""
        today = fields.Date.context_today(self)
        for event in self:
            if event.print_date:
                check_bounds(event, "print_date", event.date, today)
            if event.post_date:
                check_bounds(event, "post_date", event.date, today)
            if event.delivery_date:
                check_bounds(event, "delivery_date", event.post_date or event.date, today)

    @api.model_create_multi
    def create(self, vals_list):
        events = super().create(vals_list)
        # only the dunning run creates a reminder sent (it creates them as superuser)
        check_created_by_flow(
            events, self.env._("the dunning run"), EVIDENCE_STATES, ("post_date", "delivery_date")
        )
        return events

    def write(self, vals):
        # a reminder is sent by the dunning run only; a user posts a letter to post
        check_set_by_flow(
            self, vals, self.env._("the dunning run"), EVIDENCE_STATES, (("to_post", "posted"),)
        )
        self._check_evidence_write(vals)
        return super().write(vals)

    def _check_evidence_write(self, vals):
        """Refuse to rewrite what a sent reminder says (translated UserError naming the field).

        A sent reminder keeps its customer, invoices, level, channel, date and amounts; its
        state only moves forward (to another sent state, or to cancelled with a reason, which
        then stays); a cancelled reminder stays cancelled.
        """
        for event in self:
            if event.state in ("draft", "failed"):
                continue
            fname = event._get_evidence_change(vals)
            if fname:
                raise UserError(
                    self.env._(
                        "Reminder %(event)s was sent: its %(field)s cannot be changed; cancel "
                        "it with a reason instead.",
                        event=event.display_name,
                        field=event._fields[fname]._description_string(self.env),
                    )
                )
            if (
                event._is_sent()
                and vals.get("state") == "cancelled"
                and not (vals.get("cancel_reason") or event.cancel_reason)
            ):
                raise UserError(
                    self.env._(
                        "Reminder %(event)s was sent: give its %(field)s before cancelling it.",
                        event=event.display_name,
                        field=event._fields["cancel_reason"]._description_string(self.env),
                    )
                )

    def _get_evidence_change(self, vals):
        """The first field of ``vals`` that would rewrite this sent or cancelled reminder."""
        self.ensure_one()
        fname = changed_field(self, vals, EVIDENCE_FIELDS)
        if fname:
            return fname
        for fname in ATTACH_ONCE_FIELDS:
            if fname in vals and self[fname] and differs(self, fname, vals[fname]):
                if fname == "attachment_id" and self.env.context.get("dunning_letter_render"):
                    # the letter rendered again from this event's (read-only) data, e.g. HTML
                    # to PDF; the previous file stays attached and cannot be deleted
                    continue
                return fname
        for fname in ("post_date", "delivery_date", "tracking_number"):
            # the day a letter was posted, then delivered, is recorded once (deadlines run),
            # and so is the registered letter's tracking number (issue 18)
            if fname in vals and self.state == "posted" and self[fname]:
                if differs(self, fname, vals[fname]):
                    return fname
        new_state = vals.get("state", self.state)
        if self.state == "cancelled" and new_state != "cancelled":
            return "state"
        if new_state in ("draft", "failed"):
            return "state"
        if self.state == "cancelled" and "cancel_reason" in vals:
            return (
                "cancel_reason" if differs(self, "cancel_reason", vals["cancel_reason"]) else None
            )
        return None

    @api.ondelete(at_uninstall=False)
    def _unlink_except_sent(self):
        for event in self:
            if event.state not in ("draft", "failed"):
                raise UserError(
                    self.env._(
                        "Reminder %(event)s was sent: it cannot be deleted; cancel it with a "
                        "reason instead.",
                        event=event.display_name,
                    )
                )

    @api.model
    def _check_evidence_file(self, attachments, vals=None):
        """Refuse to rewrite (``vals``: the values written) or delete (no ``vals``) the letter
        of a sent reminder, or a file its email carried (the customer statement attached):
        evidence in court (issue 19).

        :param attachments: ir.attachment records
        :raise UserError: naming the file, the reminder and the field
        """
        # sudo: reminders of every company count, whoever touches the file
        events = self.sudo().search(
            [
                "|",
                ("attachment_id", "in", attachments.ids),
                ("mail_message_id.attachment_ids", "in", attachments.ids),
                ("state", "not in", ("draft", "failed")),
            ]
        )
        for event in events:
            # the files its email carried first, then its letter (also attached to the email)
            files = event.mail_message_id.attachment_ids - event.attachment_id
            for file in (files + event.attachment_id) & attachments:
                self._raise_evidence_file(event, file, vals)

    def _raise_evidence_file(self, event, file, vals):
        """:raise UserError: ``file`` (ir.attachment), the letter of the sent reminder ``event``
        or a file its email carried, is deleted (no ``vals``) or one of its evidence fields
        rewritten (``vals``: the values written)."""
        letter = file == event.attachment_id
        if vals is None:
            raise UserError(
                self.env._(
                    "%(file)s is the letter of the reminder %(event)s that was sent: it "
                    "cannot be deleted.",
                    file=file.name,
                    event=event.display_name,
                )
                if letter
                else self.env._(
                    "%(file)s was sent with the reminder %(event)s: it cannot be deleted.",
                    file=file.name,
                    event=event.display_name,
                )
            )
        # the same content written again (a storage migration, ir.attachment._migrate)
        # rewrites nothing
        fname = changed_field(file, vals, EVIDENCE_ATTACHMENT_FIELDS)
        if not fname:
            return
        field = file._fields[fname]._description_string(self.env)
        raise UserError(
            self.env._(
                "%(file)s is the letter of the reminder %(event)s that was sent: its "
                "%(field)s cannot be changed.",
                file=file.name,
                event=event.display_name,
                field=field,
            )
            if letter
            else self.env._(
                "%(file)s was sent with the reminder %(event)s: its %(field)s cannot be changed.",
                file=file.name,
                event=event.display_name,
                field=field,
            )
        )

    @api.model
    def _get_evidence_email_events(self, messages, limit=None):
        """The sent reminders (of every company) whose email is one of ``messages``."""
        # sudo: reminders of every company count, whoever touches the message
        return self.sudo().search(
            [("mail_message_id", "in", messages.ids), ("state", "not in", ("draft", "failed"))],
            limit=limit,
        )

    @api.model
    def _check_evidence_email(self, messages, vals=None):
        """Refuse to rewrite (``vals``: the values written) or delete (no ``vals``) the email
        of a sent reminder: evidence in court (issue 19).

        :param messages: mail.message records
        :raise UserError: naming the reminder and the field
        """
        events = self._get_evidence_email_events(messages, limit=1)
        if not events:
            return
        if vals is None:
            raise UserError(
                self.env._(
                    "This email is the reminder %(event)s that was sent: it cannot be deleted.",
                    event=events.display_name,
                )
            )
        message = events.mail_message_id
        fname = next(f for f in vals if f in EVIDENCE_EMAIL_FIELDS)
        raise UserError(
            self.env._(
                "This email is the reminder %(event)s that was sent: its %(field)s cannot be "
                "changed.",
                event=events.display_name,
                field=message._fields[fname]._description_string(self.env),
            )
        )

    def _message_receive_bounce(self, email, partner):
        # EXTENDS mail: the reminder's email bounced, it was never received
        result = super()._message_receive_bounce(email, partner)
        # said in each company's language, as the rest of the note
        self.env["recouvrement.dunning"]._mark_undelivered(
            self, lambda env: env._("the email to %(email)s bounced", email=email)
        )
        return result

    def _message_post_after_hook(self, message, msg_values):
        result = super()._message_post_after_hook(message, msg_values)
        # an email received by the gateway, not written by a colleague: the customer's reply
        if msg_values.get("message_type") == "email" and not message.author_id.user_ids.filtered(
            lambda user: not user.share
        ):
            customer = self.env["recouvrement.customer"]
            for event in self:
                if self.env.context.get("recouvrement_auto_reply"):  # mail_thread.py
                    customer._handle_auto_reply(event, message)
                else:
                    customer._handle_reply(event, message)
        return result

    # ------------------------------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------------------------------

    def action_mark_reply_handled(self):
        """Mark the customer's replies to these reminders handled: their reply activities are
        done and the customer's ladder goes on."""
        reply_type = self.env.ref("recouvrement_b2b.mail_activity_type_dunning_reply")
        self.activity_ids.filtered(lambda a: a.activity_type_id == reply_type).action_done()
        self.env["recouvrement.customer"]._release_replies(self)
        return True

    def action_view_invoices(self):
        """Open the invoices listed in the reminder."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("account.action_move_out_invoice")
        action.update(domain=[("id", "in", self.move_ids.ids)], context={"create": False})
        return action

    def action_cancel(self):
        """Cancel the reminders: those sent need their Cancellation Reason, kept on record. The
        invoices of a letter cancelled while still to post go back to their level before it
        (``recouvrement.dunning._restore_levels``): the next run sends that reminder again."""
        for event in self:
            if event._is_sent() and not event.cancel_reason:
                raise UserError(
                    self.env._(
                        "Reminder %(event)s was sent: give its Cancellation Reason before "
                        "cancelling it.",
                        event=event.display_name,
                    )
                )
        never_posted = self.filtered(lambda e: e.state == "to_post")
        self.filtered(lambda e: e.state != "cancelled").state = "cancelled"
        # a letter cancelled before it was posted never reached the customer (issue 18): its
        # invoices go back to their level before it, as for a reminder not delivered, so that
        # the ladder never escalates on it; sudo: the levels of the invoices are the run's
        dunning = self.env["recouvrement.dunning"].sudo()
        for event in never_posted:
            dunning._restore_levels(event.sudo())

    def action_mark_printed(self):
        """Mark the letters as printed today (they leave the print queue)."""
        self.write({"printed": True, "print_date": fields.Date.context_today(self)})

    def _get_state_label(self):
        """Translated label of this reminder's status, for the messages."""
        self.ensure_one()
        return dict(self._fields["state"]._description_selection(self.env))[self.state]

    def action_mark_posted(self):
        """Mark the letters to post as posted (today unless a post date is set): from now on
        they count as reminders sent and as evidence."""
        not_to_post = self.filtered(lambda e: e.state != "to_post")
        if not_to_post:
            raise UserError(
                self.env._(
                    "%(event)s is not a letter to post (status: %(state)s).",
                    event=not_to_post[0].display_name,
                    state=not_to_post[0]._get_state_label(),
                )
            )
        today = fields.Date.context_today(self)
        for event in self:
            event.write({"state": "posted", "post_date": event.post_date or today})
        # its payment deadline runs from the posting: the customer's next reminder dates move
        self.env["recouvrement.dunning"]._recompute_next_dates(self.move_ids)

    def _get_letter_report(self):
        """The letter model (ir.actions.report) of this reminder: its level's; for a letter
        to post whose level has none (an email or SMS level sent by post, a letter level left
        without one), the shipped letter, the formal notice's for a formal-notice level, so
        that every letter to post can be printed (issue 18). Empty for an email without a
        letter model."""
        self.ensure_one()
        report = self.level_id.report_id
        if report or self.channel not in POSTED_CHANNELS:
            return report
        xmlid = (
            "recouvrement_b2b.action_report_dunning_formal_notice"
            if self.level_id.is_formal_notice
            else "recouvrement_b2b.action_report_dunning_letter"
        )
        return self.env.ref(xmlid, raise_if_not_found=False) or report

    def action_mark_undelivered(self):
        """Record that the posted letters came back undelivered (unknown address, not
        claimed): they do not count as sent nor as evidence any more, their invoices go back
        to their level before them and the next run sends the reminder again
        (``recouvrement.dunning._mark_undelivered``; the collection responsible gets an
        activity).

        :raise UserError: naming the first selected event that is not a posted letter
        """
        not_posted = self.filtered(
            lambda e: e.state != "posted" or e.channel not in POSTED_CHANNELS
        )
        if not_posted:
            raise UserError(
                self.env._(
                    "%(event)s is not a posted letter (status: %(state)s).",
                    event=not_posted[0].display_name,
                    state=not_posted[0]._get_state_label(),
                )
            )
        self.env["recouvrement.dunning"]._mark_undelivered(
            self, lambda env: env._("letter returned by the post")
        )
        return True

    def action_regenerate_letter(self):
        """Render the letter of the selected reminders again, as PDF, from their event (the
        previous file stays in the chatter's attachments)."""
        events = self.filtered(lambda e: e._get_letter_report())
        if not events:
            raise UserError(self.env._("None of the selected reminders has a letter model."))
        dunning = self.env["recouvrement.dunning"].with_context(dunning_letter_html=False)
        # one wkhtmltopdf call per batch of letters (issue 18)
        prerendered = self.env["recouvrement.letter.batch"]._prerender_letters(events)
        for event in events:
            dunning.with_company(event.company_id)._render_letter(event, prerendered.get(event.id))
        return True

    def action_print_letters(self):
        """Merge the letters of the selected events into one PDF and mark them printed. Letters
        kept as HTML, or never rendered, are rendered as PDF first. Only letters to post or
        posted are printed: cancelled, failed or returned ones are left out."""
        # letters to post, or posted (printed again): never a cancelled, failed or returned
        # one, which must not be posted (issue 18)
        events = self.filtered(
            lambda e: (
                e.state in ("to_post", "posted") and (e.attachment_id or e._get_letter_report())
            )
        )
        if not events:
            raise UserError(self.env._("None of the selected reminders has a letter to print."))
        not_pdf = events.filtered(lambda e: e.attachment_id.mimetype != "application/pdf")
        if not_pdf:
            not_pdf.action_regenerate_letter()
        merged = merge_pdf([base64.b64decode(event.attachment_id.datas) for event in events])
        attachment = self.env["ir.attachment"].create(
            {
                "name": self.env._(
                    "Letters to post %(date)s.pdf",
                    date=format_date(self.env, fields.Date.context_today(self)).replace("/", "-"),
                ),
                "raw": merged,
                "mimetype": "application/pdf",
                # the printing user's file, attached to no reminder: it holds the letters of
                # several customers (and companies), which one customer's record must not
                # carry (issue 18); an attachment of no record is read by its creator only
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

    @api.model
    def _get_written_reminders(self, moves):
        """The reminders and formal notices sent in writing (emails, SMS, letters once posted)
        listing one of ``moves`` (account.move), oldest first: what a file of evidence lists
        as the reminders the customer received. Failed, draft, cancelled and undelivered ones,
        and emails and SMS still in the outgoing queue (``queued``), are no evidence; a call
        and a step sending no message (channel "none") are no document."""
        return self.search(
            [
                ("move_ids", "in", moves.ids),
                ("state", "in", ("sent", "posted")),
                ("channel", "not in", ("none", "phone")),
                # an email or SMS still in the outgoing queue reached nobody yet
                ("queued", "=", False),
            ],
            order="date, id",
        )

    def _get_letter_lines(self):
        """One dict per instalment claimed (receivable line, by due date): ``move`` (empty when
        deleted since), ``name`` and ``invoice_date`` (its invoice's, as sent),
        ``date_maturity``, ``days`` late, ``residual_currency`` and ``currency`` (the line's own
        currency), ``residual`` (event currency), and the invoice's ``penalty``, ``indemnity``
        and ``rate`` on its first instalment (event currency; 0 on the others). Events without
        instalments (sent before they were recorded) list their invoices.

        As at the event's date, as its totals (a letter rendered or printed later, after a
        payment or a penalty invoice, states what the reminder claimed that day): what was
        left of each instalment then (``recouvrement.statement._get_residuals_at``), the
        penalties of that day less the penalty invoices dated by then. A reminder recorded
        with what it printed of each line (``sent_residuals``, issue 17) states it, its
        penalties included, even when the invoice was deleted, reset to draft or renamed
        since."""
        self.ensure_one()
        printed = [row for row in self._get_printed_rows() if not row[3]["credit"]]
        if printed:
            printed.sort(key=lambda row: (row[3]["date_maturity"] or "", row[0]))
            # those still there (the relations drop a record deleted), with no query more
            wanted = {row[3]["move"] for row in printed}
            moves = (self.line_ids.move_id | self.move_ids).filtered(lambda move: move.id in wanted)
            amounts = self._get_printed_amounts(printed)
            rows = [
                (
                    moves.browse(data["move"]) & moves,
                    data["name"],
                    fields.Date.to_date(data["invoice_date"]),
                    fields.Date.to_date(data["date_maturity"]),
                    residual_currency,
                    self.env["res.currency"].browse(data["currency"]),
                    amounts[line_id],
                    data["move"],
                )
                for line_id, _residual, residual_currency, data in printed
            ]
        else:
            lines = self.line_ids.sorted(lambda line: (line.date_maturity, line.id))
            moves = lines.move_id or self.move_ids
            # in the event currency at the rate of the event's day, as claimed
            left = self._get_residuals_on_date(lines)
            amounts = self.env["recouvrement.dunning"]._get_line_amounts(
                lines, self.date, residuals=left
            )
            rows = [
                (
                    line.move_id,
                    line.move_id.name,
                    line.move_id.invoice_date,
                    line.date_maturity,
                    left[line.id][1],
                    line.currency_id,
                    amounts[line.id],
                    line.move_id.id,
                )
                for line in lines
            ] or [
                (
                    move,
                    move.name,
                    move.invoice_date,
                    move.invoice_date_due,
                    move.amount_residual,
                    move.currency_id,
                    move.amount_residual_signed,
                    move.id,
                )
                for move in moves.sorted(lambda m: (m.invoice_date_due, m.id))
            ]
        # the penalties printed when sent (issue 17), else those of the event's date
        stored = {row[3]["move"]: row[3]["penalty"] for row in printed if "penalty" in row[3]}
        figures = stored or (
            self.env["recouvrement.dunning"]._get_company_penalty_figures(moves, self.date)
            if self.level_id.claim_penalties
            else {}
        )
        result = []
        seen = set()
        for move, name, invoice_date, due, residual_currency, currency, residual, key in rows:
            figure = figures.get(key, {}) if key not in seen else {}
            seen.add(key)
            result.append(
                {
                    "move": move,
                    "name": name,
                    "invoice_date": invoice_date,
                    "date_maturity": due,
                    "days": (self.date - due).days,
                    "residual_currency": residual_currency,
                    "currency": currency,
                    "residual": residual,
                    "penalty": figure.get("penalty", 0.0),
                    "indemnity": figure.get("indemnity", 0.0),
                    "rate": figure.get("rate", 0.0),
                }
            )
        return result

    def _get_printed_rows(self):
        """The rows of ``sent_residuals`` stored with what the reminder printed of each line
        (``[line id, residual, residual in its currency, printed]``,
        ``recouvrement.dunning._prepare_claim_vals``); ``[]`` for a reminder recorded before
        they were (its lines are read from the books)."""
        self.ensure_one()
        return [row for row in self.sent_residuals or [] if len(row) > 3]

    def _get_printed_amounts(self, rows):
        """``{line id: float}``: what each printed row of ``rows`` (:meth:`_get_printed_rows`)
        was worth in the event currency on its date, as claimed
        (``recouvrement.dunning._get_line_amounts`` on what was left); a line deleted since,
        in another currency, at the rate of the event's day (``res.currency._convert``)."""
        self.ensure_one()
        left = {row[0]: (row[1], row[2]) for row in rows}
        # those still there (the relations drop a line deleted), with no query more
        lines = (self.line_ids | self.credit_line_ids).filtered(lambda line: line.id in left)
        amounts = self.env["recouvrement.dunning"]._get_line_amounts(
            lines, self.date, residuals=left
        )
        company = self.company_id
        for line_id, residual, residual_currency, printed in rows:
            if line_id in amounts:
                continue
            currency = self.env["res.currency"].browse(printed["currency"])
            amounts[line_id] = (
                residual
                if currency == company.currency_id
                else currency._convert(residual_currency, company.currency_id, company, self.date)
            )
        return amounts

    def _has_instalments(self):
        """Whether an invoice the reminder lists is payable in instalments (more than one
        receivable line): its letter's total row then says "Instalments due", else "Invoices
        due" (issue 17)."""
        self.ensure_one()
        receivable = (self.line_ids.move_id or self.move_ids).line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        return len(receivable) > len(receivable.move_id)

    def _get_letter_credits(self):
        """One dict per open credit deducted from the claim (credit note or payment not matched
        to an invoice): ``name``, ``date``, ``amount_currency`` and ``currency`` (its own
        currency, positive), ``amount`` (event currency, positive). As the reminder printed
        them (``sent_residuals``, issue 17), even when the credit was deleted, cancelled or
        renamed since."""
        self.ensure_one()
        printed = [row for row in self._get_printed_rows() if row[3]["credit"]]
        if printed:
            amounts = self._get_printed_amounts(printed)
            return [
                {
                    "name": data["name"],
                    "date": fields.Date.to_date(data["date"]),
                    "amount_currency": -residual_currency,
                    "currency": self.env["res.currency"].browse(data["currency"]),
                    "amount": -amounts[line_id],
                }
                for line_id, _residual, residual_currency, data in sorted(
                    printed, key=lambda row: (row[3]["date"], row[0])
                )
            ]
        # in the event currency at the rate of the event's day, as deducted, as at that day
        # (see _get_letter_lines)
        left = self._get_residuals_on_date(self.credit_line_ids)
        amounts = self.env["recouvrement.dunning"]._get_line_amounts(
            self.credit_line_ids, self.date, residuals=left
        )
        return [
            {
                "name": line.move_id.name,
                "date": line.date,
                "amount_currency": -left[line.id][1],
                "currency": line.currency_id,
                "amount": -amounts[line.id],
            }
            for line in self.credit_line_ids.sorted(lambda line: (line.date, line.id))
        ]

    def _get_residuals_on_date(self, lines):
        """``{line id: (residual, residual in the line's currency)}``: what was left of the
        receivable ``lines`` on the event's date (``recouvrement.statement._get_residuals_at``,
        the reconciliations of a later date or recorded after the event undone: an open credit
        matched after the reminder is still the credit it deducted); ``(0.0, 0.0)`` for a line
        settled by then. A reminder recorded with its figures (``sent_residuals``, issue 17)
        states them, with no query; else, on the event's own day (the email, the letter
        rendered at once), the lines' own residuals."""
        self.ensure_one()
        if self.sent_residuals:
            # stored when the reminder was recorded (evidence): a matching deleted since
            # cannot be rebuilt from the reconciliations that still exist (issue 17)
            sent = {
                line_id: (residual, currency)
                for line_id, residual, currency, *_printed in self.sent_residuals
            }
            return {line.id: sent.get(line.id, (0.0, 0.0)) for line in lines}
        if self.date >= fields.Date.context_today(self):
            return {
                line.id: (line.amount_residual, line.amount_residual_currency) for line in lines
            }
        # recorded before the figures were stored: sudo: the reconciliations of the
        # customer's items, whoever renders the letter
        left = (
            self.env["recouvrement.statement"]
            .sudo()
            ._get_residuals_at(lines, self.date, recorded_by=self.create_date)
        )
        return {line.id: left.get(line.id, (0.0, 0.0)) for line in lines}

    def _get_payment_deadline(self):
        """Date by which the reminder asks the customer to pay: the level's deadline (8 days by
        default: 8 to 15 days for a formal notice, art. 1344 Code civil practice) counted from
        the day the customer had it (``rules.deadlines.payment_deadline``): an email's sending
        date; a letter's proof of delivery date, else its posting date plus the postal delay.
        None while a letter is not posted: its deadline has not started."""
        self.ensure_one()
        return deadlines.payment_deadline(
            self.level_id.payment_deadline_days,
            sent=self.date,
            letter=self.channel in POSTED_CHANNELS,
            posted=self.post_date,
            delivered=self.delivery_date,
        )

    def _is_consumer_claim(self):
        """Whether the reminder goes to a consumer (``res.partner._is_consumer``): its letter
        then claims no L441-10 penalty nor D441-5 indemnity (L111-8 Code de la consommation)
        but interest at the legal rate from the formal notice (art. 1231-6 and 1344-1 Code
        civil), and says so."""
        self.ensure_one()
        return self.partner_id._is_consumer()

    def _get_letter_place_date(self):
        """The place and date heading the letter, in the current language, the date written
        out as a letter dates it (issue 16: was "Lyon, 01/12/2026"): "Lyon, le 1er décembre
        2026" in French (the first of the month written "1er"), "Lyon, December 1, 2026" in
        English; the date alone without a city. :return: str"""
        self.ensure_one()
        date = format_date(self.env, self.date, date_format="long")
        if self.date.day == 1 and (self.env.lang or "").startswith("fr"):
            date = "1er" + date[1:]
        if not self.company_id.city:
            return date
        return self.env._("%(city)s, %(date)s", city=self.company_id.city, date=date)

    def _get_payment_deadline_text(self):
        """The payment deadline as the letter states it, in the current language: "by <date>"
        for an email (its letter is attached to it the day it is sent); "within N days of
        receipt of this letter" for a letter to post, whose posting date is not known when it
        is printed (a date counted from its preparation would have passed on arrival)."""
        self.ensure_one()
        if self.channel in POSTED_CHANNELS:
            days = self.level_id.payment_deadline_days or deadlines.DEFAULT_PAYMENT_DEADLINE_DAYS
            if days == 1:  # a whole sentence in every language, not "within 1 days"
                return self.env._("within one day of receipt of this letter")
            return self.env._("within %(days)s days of receipt of this letter", days=days)
        return self.env._("by %(date)s", date=format_date(self.env, self._get_payment_deadline()))

    def _get_bank_account(self):
        """Company bank account quoted in the payment instructions."""
        self.ensure_one()
        return self.company_id.partner_id.bank_ids[:1]

    def _get_payment_reference(self):
        """Reference the customer should quote with the payment."""
        self.ensure_one()
        # as printed when sent (issue 17: an invoice renamed or deleted since)
        printed = {
            row[3]["name"]: row[3]["reference"]
            for row in self._get_printed_rows()
            if not row[3]["credit"]
        }
        references = ", ".join(
            [printed[name] for name in sorted(printed)]
            or [move.payment_reference or move.name for move in self.move_ids.sorted("name")]
        )
        # A SEPA credit transfer carries at most 140 characters of remittance information.
        if references and len(references) <= 140:
            return references
        return self.partner_id.ref or self.partner_id.commercial_partner_id.name

    def _get_letter_filename(self):
        """Name of the letter's file, without extension (no ``/``)."""
        self.ensure_one()
        # sent to the customer: in its language, its date format (issue 16)
        lang_env = partner_env(self.env, self.partner_id, self.company_id)
        return lang_env._(
            "%(level)s - %(partner)s - %(date)s",
            level=self.level_id.with_context(lang=lang_env.lang).name,
            partner=self.partner_id.name,
            date=format_date(lang_env, self.date),
        ).replace("/", "-")

    def _get_letter_signer(self):
        """Who signs the letter of the event (issue 16): the customer's collector in the
        event's company, else the user who sent it unless it is the system (a cron runs as
        OdooBot), else the company's collection responsible.

        :return: res.users (sudo, read for the letter only), possibly empty: the letter is then
            signed with the company's name alone
        """
        self.ensure_one()
        # sudo: the letter names its signer whatever the printing user may read
        customer = self.partner_id.commercial_partner_id.sudo().with_company(self.company_id)
        user = self.sudo().user_id
        return (
            customer.collection_user_id
            or (user if user and not user._is_superuser() else user.browse())
            or self.company_id.sudo().recouvrement_user_id
        )

    def _get_letter_signature(self, signer):
        """Signature of ``signer`` (res.users) under the letter: its own signature, not the
        email one Odoo gives every user (``--`` then the name, already printed above it).

        :return: Markup or False
        """
        self.ensure_one()
        signature = signer.signature if signer else False
        if is_html_empty(signature):
            return False
        # an image (a scanned signature) is kept even without text
        text = " ".join(html2plaintext(signature).split()).removeprefix("--").strip()
        if text in ("", signer.name) and "<img" not in signature:
            return False
        return signature

    def _get_collection_url(self):
        """Signed URL of the customer's collection page, in the recipient's language
        (``recouvrement.customer``)."""
        self.ensure_one()
        return self.env["recouvrement.customer"]._get_collection_url(
            self.recipient_id or self.partner_id
        )

    def _get_pay_lines(self):
        """The invoices with their "Pay now" portal URL (``recouvrement.customer``)."""
        return self.env["recouvrement.customer"]._get_pay_lines(self)

    def _get_pay_urls(self):
        """``{invoice id: its "Pay now" portal URL}`` for the invoices of this event."""
        return {line["move"].id: line["url"] for line in self._get_pay_lines()}

    def _get_sepa_qr(self):
        """EPC QR code of the amount claimed, or False (``recouvrement.customer``)."""
        return self.env["recouvrement.customer"]._get_sepa_qr(self)

    def _recouvrement_creation_note(self):
        # EXTENDS recouvrement_b2b (mail_thread.py): its own creation note, whose French agrees
        # with the model's noun (issue 16)
        return self.env._("Dunning event created")
