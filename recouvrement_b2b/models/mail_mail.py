from odoo import models


class MailMail(models.Model):
    _inherit = "mail.mail"

    def _postprocess_sent_message(self, success_pids, failure_reason=False, failure_type=None):
        # EXTENDS mail: a reminder whose email failed is undelivered, or queued again when the
        # failure is on the sending side (before mail deletes the mails of invalid addresses)
        Dunning = self.env["recouvrement.dunning"]
        if failure_type:
            Dunning._dunning_mail_failed(self, failure_type, failure_reason)
        else:
            # taken by the mail server: the reminder counts as delivered from today (before
            # mail deletes the mails sent with auto_delete)
            Dunning._dunning_mail_left_queue(
                self.env["recouvrement.dunning.event"].browse(
                    mail.res_id for mail in self if mail.model == "recouvrement.dunning.event"
                )
            )
        return super()._postprocess_sent_message(
            success_pids, failure_reason=failure_reason, failure_type=failure_type
        )

    def unlink(self):
        # EXTENDS mail: the email of a sent reminder is evidence (issue 19); mail deletes the
        # message of a deleted mail (auto-delete, invalid address) unless it is a notification
        evidence = self.env["recouvrement.dunning.event"]._get_evidence_email_events(
            self.mail_message_id
        )
        if evidence:
            kept = self.filtered(lambda mail: mail.mail_message_id in evidence.mail_message_id)
            kept.is_notification = True
        return super().unlink()
