from odoo import api, fields, models

from ..tools.evidence import check_recorded_now, raise_evidence_thread
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

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            set_commercial_partner(self.env, vals)
        sendings = super().create(vals_list)
        # evidence of a statement sent: today, by who sends it (issue 19)
        check_recorded_now(
            sendings, self.env._("sending the statement"), date_fname="date", user_fname="user_id"
        )
        return sendings

    def _check_can_update_message_content(self, messages):
        # EXTENDS mail: the chatter's Edit and Delete (superuser) of the email sent and its
        # PDF: evidence, never rewritten (issue 19)
        raise_evidence_thread(self)
        return super()._check_can_update_message_content(messages)

    def _recouvrement_creation_note(self):
        # EXTENDS recouvrement_b2b (mail_thread.py): its own creation note, whose French agrees
        # with the model's noun (issue 16)
        return self.env._("Customer statement sent")
