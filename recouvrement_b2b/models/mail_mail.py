from odoo import models


class MailMail(models.Model):
    _inherit = "mail.mail"

    def _postprocess_sent_message(self, success_pids, failure_reason=False, failure_type=None):
        # EXTENDS mail: a reminder whose email failed is undelivered, or queued again when the
        # failure is on the sending side (before mail deletes the mails of invalid addresses)
        if failure_type:
            self.env["recouvrement.dunning"]._dunning_mail_failed(
                self, failure_type, failure_reason
            )
        return super()._postprocess_sent_message(
            success_pids, failure_reason=failure_reason, failure_type=failure_type
        )
