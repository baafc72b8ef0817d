from collections import defaultdict

from odoo import api, fields, models

from ..tools.evidence import (
    EVIDENCE_SENDING_FIELDS,
    changed_field,
    check_recorded_now,
    raise_evidence_thread,
    raise_set_by_flow,
)
from ..tools.records import set_commercial_partner


class RecouvrementStatementSending(models.Model):
    """A customer statement sent by email, in one company (issue 19): the email and its PDF
    are posted in this record's chatter, read by the collection users of its company only,
    not in the chatter of the customer, which every company shares. Created by
    ``recouvrement.statement._action_send_statement``; evidence of what was sent, never
    deleted by the collection users."""

    _name = "recouvrement.statement.sending"
    _description = "Customer Statement Sent"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"
    _rec_name = "partner_id"
    _check_company_auto = True
    # the collection users who may send a statement post it here without writing on it
    _mail_post_access = "read"

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, readonly=True, index=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, default=lambda self: self.env.company
    )
    date = fields.Date(required=True, readonly=True, default=fields.Date.context_today)
    user_id = fields.Many2one(
        "res.users", string="Sent By", readonly=True, default=lambda self: self.env.user
    )
    sent_statement = fields.Json(
        string="Statement As Sent",
        copy=False,
        readonly=True,
        # recouvrement.statement._get_sent_statement_figures
        help="The rows of the statement sent, stored when it was sent: every reprint states them.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        # the caller's dicts are left as they were (the statement's rows are added to copies)
        vals_list = [dict(vals) for vals in vals_list]
        for vals in vals_list:
            set_commercial_partner(self.env, vals)
        self._set_sent_statement(vals_list)
        sendings = super().create(vals_list)
        # evidence of a statement sent: today, by who sends it (issue 19)
        check_recorded_now(
            sendings, self.env._("sending the statement"), date_fname="date", user_fname="user_id"
        )
        return sendings

    def write(self, vals):
        # the rows of the statement sent are evidence: never rewritten, even as superuser
        # (issue 17)
        for sending in self:
            fname = changed_field(sending, vals, EVIDENCE_SENDING_FIELDS)
            if fname and sending[fname]:
                raise_set_by_flow(sending, fname, self.env._("sending the statement"))
        return super().write(vals)

    @api.model
    def _set_sent_statement(self, vals_list):
        """Store in ``vals_list`` (creation values, partner already commercial) the rows of the
        statement each sending sends (``sent_statement``,
        ``recouvrement.statement._get_sent_statement_figures``): evidence, every reprint
        states them (issue 17). One batch of figures per company and date."""
        today = fields.Date.context_today(self)
        groups = defaultdict(list)
        for vals in vals_list:
            if "sent_statement" not in vals and vals.get("partner_id"):
                company = vals.get("company_id") or self.env.company.id
                groups[company, fields.Date.to_date(vals.get("date")) or today].append(vals)
        Statement = self.env["recouvrement.statement"]
        for (company_id, date), group in groups.items():
            company = self.env["res.company"].browse(company_id)
            figures = Statement.with_company(company)._get_sent_statement_figures(
                self.env["res.partner"].browse([vals["partner_id"] for vals in group]),
                date,
                company=company,
            )
            for vals in group:
                vals["sent_statement"] = figures.get(vals["partner_id"])

    def _check_can_update_message_content(self, messages):
        # EXTENDS mail: the chatter's Edit and Delete (superuser) of the email sent and its
        # PDF: evidence, never rewritten (issue 19)
        raise_evidence_thread(self)
        return super()._check_can_update_message_content(messages)

    def _recouvrement_creation_note(self):
        # EXTENDS recouvrement_b2b (mail_thread.py): its own creation note, whose French agrees
        # with the model's noun (issue 16)
        return self.env._("Customer statement sent")
