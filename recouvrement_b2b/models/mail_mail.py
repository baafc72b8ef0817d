from odoo import models


class MailMail(models.Model):
    _inherit = "mail.mail"

    def _postprocess_sent_message(self, success_pids, failure_reason=False, failure_type=None):
        # EXTENDS mail: a reminder whose email failed was never received
        if failure_type:
            self.env["recouvrement.dunning"]._mark_mails_undelivered(
                self, failure_reason, failure_type=failure_type
            )
        return super()._postprocess_sent_message(
            success_pids, failure_reason=failure_reason, failure_type=failure_type
        )
