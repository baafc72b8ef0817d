from odoo import models

from ..rules.autoreply import is_auto_reply


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    def _message_route_process(self, message, message_dict, routes):
        # EXTENDS mail: tell the records receiving the email whether a machine sent it (an
        # out-of-office notice is no customer reply to a reminder: recouvrement.customer)
        thread = self
        if is_auto_reply(message, message_dict.get("subject")):
            thread = self.with_context(recouvrement_auto_reply=True)
        return super(MailThread, thread)._message_route_process(message, message_dict, routes)
