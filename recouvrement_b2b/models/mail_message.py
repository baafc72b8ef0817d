from odoo import api, models

from .recouvrement_dunning_event import EVIDENCE_EMAIL_FIELDS


class MailMessage(models.Model):
    _inherit = "mail.message"

    def write(self, vals):
        # the email of a sent reminder is evidence: never rewritten (issue 19)
        if set(EVIDENCE_EMAIL_FIELDS) & set(vals):
            self.env["recouvrement.dunning.event"]._check_evidence_email(self, vals)
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_sent_reminder(self):
        """The email of a sent reminder is evidence: it is never deleted."""
        self.env["recouvrement.dunning.event"]._check_evidence_email(self)
