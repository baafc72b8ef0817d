from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..rules import dunning as dunning_rules
from ..tools.bounds import check_bounds
from .recouvrement_dunning_event import CHANNELS

# Days a letter may give the customer to pay: up to a year (8 to 15 for a formal notice).
MAX_PAYMENT_DEADLINE_DAYS = 365
#: days from the due date of a level: a courtesy reminder at most a year before it, the last
#: level before the commercial claim is time-barred, 5 years (art. L110-4 Code de commerce);
#: beyond, the level's date overflowed and the dunning run crashed (issue 19)
MIN_LEVEL_DAYS = -365
MAX_LEVEL_DAYS = 1825
#: the minimum amount due for a level to send, in the company currency: a level for less than
#: a million is a reminder; above, no customer of an SME ever reaches it (issue 19)
MAX_MIN_AMOUNT = 1_000_000.0


class RecouvrementDunningLevel(models.Model):
    _name = "recouvrement.dunning.level"
    _description = "Dunning Level"
    _order = "policy_id, sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    policy_id = fields.Many2one("recouvrement.dunning.policy", required=True, ondelete="cascade")
    company_id = fields.Many2one(related="policy_id.company_id", store=True)
    days = fields.Integer(
        help="Days relative to the due date (negative: before it) when this level applies.",
        aggregator=None,
    )
    channel = fields.Selection(CHANNELS, default="email", required=True)
    claim_penalties = fields.Boolean(help="Claim late-payment penalties and the 40 EUR indemnity.")
    credit_hold = fields.Boolean(string="Put on Credit Hold")
    is_formal_notice = fields.Boolean(string="Formal Notice", help="Mise en demeure.")
    open_litigation = fields.Boolean(string="Open a Litigation Case")
    tone = fields.Selection(
        [
            ("courtesy", "Courtesy (before the due date)"),
            ("courteous", "Courteous"),
            ("firm", "Firm"),
            ("last_call", "Last call"),
            ("formal_notice", "Formal notice"),
            ("litigation", "Litigation"),
        ],
        default="courteous",
        required=True,
        help="Wording of the letter and of the email.",
    )
    mail_template_id = fields.Many2one(
        "mail.template",
        string="Email Template",
        domain=[("model", "=", "recouvrement.dunning.event")],
        help="Email sent to the customer's invoicing contact (required for the Email channel).",
    )
    sms_template_id = fields.Many2one(
        "sms.template",
        string="SMS Template",
        domain=[("model", "=", "recouvrement.dunning.event")],
        help="SMS sent to the customer's invoicing contact (SMS channel; empty: the standard "
        "reminder SMS).",
    )
    report_id = fields.Many2one(
        "ir.actions.report",
        string="Letter",
        domain=[("model", "=", "recouvrement.dunning.event"), ("report_type", "=", "qweb-pdf")],
        help="PDF letter attached to the email, or printed and posted for letter channels.",
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    min_amount = fields.Monetary(
        string="Minimum Amount",
        help="The level is not applied to an invoice whose amount due, or the net balance "
        "claimed in its currency (open credits and disputed parts deducted), is lower: the "
        "highest level below whose minimum is met is sent instead.",
    )
    propose_payment_plan = fields.Boolean(help="The letter offers the customer a payment plan.")
    attach_statement = fields.Boolean(
        string="Attach the Customer Statement",
        help="The customer statement (open items, recent payments, open credits and balance) "
        "is attached to the reminder.",
    )
    payment_deadline_days = fields.Integer(
        string="Payment Deadline (days)",
        default=8,
        help="Days given to the customer to pay, quoted in the letter (8 to 15 for a formal "
        "notice).",
        aggregator=None,
    )
    activity_type_id = fields.Many2one(
        "mail.activity.type",
        help="Activity scheduled on the reminder (a record of its company, not the customer "
        "shared by the companies) for the Phone activity channel.",
    )
    activity_user_id = fields.Many2one(
        "res.users",
        string="Activity Responsible",
        help="Empty: the customer's collection responsible, else the company's.",
    )

    @api.constrains("channel", "mail_template_id")
    def _check_mail_template(self):
        for level in self:
            if level.channel == "email" and not level.mail_template_id:
                raise ValidationError(
                    self.env._(
                        "Level %(level)s sends an email: set its Email Template.",
                        level=level.display_name,
                    )
                )

    @api.constrains("days", "sequence", "min_amount")
    def _check_ladder(self):
        self.policy_id._check_ladder()

    @api.constrains("payment_deadline_days", "min_amount", "days")
    def _check_bounds(self):
        check_bounds(self, "days", MIN_LEVEL_DAYS, MAX_LEVEL_DAYS)
        for level in self:
            if not 0 <= level.payment_deadline_days <= MAX_PAYMENT_DEADLINE_DAYS:
                raise ValidationError(
                    self.env._(
                        "Level %(level)s: the %(field)s must be between 0 and %(max)s days "
                        "(not %(value)s).",
                        level=level.display_name,
                        field=level._fields["payment_deadline_days"]._description_string(self.env),
                        max=MAX_PAYMENT_DEADLINE_DAYS,
                        value=level.payment_deadline_days,
                    )
                )
        check_bounds(self, "min_amount", 0.0, MAX_MIN_AMOUNT)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_used(self):
        self._raise_if_used()

    def _raise_if_used(self):
        """Refuse to delete levels that reminders or invoices refer to: archive them."""
        if not self:
            return
        # sudo: reminders and invoices of every company count, whoever deletes the level
        events = self.env["recouvrement.dunning.event"].sudo()
        moves = self.env["account.move"].sudo()
        used = (
            events.search([("level_id", "in", self.ids)], limit=1).level_id
            or moves.search([("dunning_level_id", "in", self.ids)], limit=1).dunning_level_id
        )
        if used:
            raise UserError(
                self.env._(
                    "Level %(level)s was used by reminders or invoices: archive it instead of "
                    "deleting it.",
                    level=used.with_env(self.env).display_name,
                )
            )

    def _get_rule_level(self):
        """The level as a :class:`rules.dunning.Level` (key: its id), for the ladder rules."""
        self.ensure_one()
        return dunning_rules.Level(
            key=self.id, sequence=self.sequence, days=self.days, min_amount=self.min_amount
        )

    def _reminds_of_unpaid(self, channel=None):
        """Whether a reminder of the level delivered on ``channel`` (default: the level's)
        told the customer that an invoice is unpaid: not a courtesy note, sent before the due
        date (it reminds of nothing unpaid), nor a level sending no message (it reached
        nobody). Only such a reminder is the prerequisite of a step with legal effect
        (:meth:`_has_legal_effect`; issue 17 #12: a courtesy note delivered before the due
        date let the first run after it send a formal notice)."""
        self.ensure_one()
        return (channel or self.channel) != "none" and self.tone != "courtesy"

    def _has_legal_effect(self):
        """Whether reaching the level has a legal or commercial effect on the customer: a
        formal notice (mise en demeure, art. 1344 Code civil), a credit hold (its orders
        blocked) or the transfer to litigation. Such a level presupposes a delivered reminder
        (issue 17 #12); the other levels are amicable and may be skipped."""
        self.ensure_one()
        return bool(self.is_formal_notice or self.credit_hold or self.open_litigation)
