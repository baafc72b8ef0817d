from odoo import api, models

from ..tools.evidence import EVIDENCE_ATTACHMENT_FIELDS, check_evidence_thread


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    def write(self, vals):
        # the letter of a sent reminder is evidence: its file is never rewritten (issue 19)
        if set(EVIDENCE_ATTACHMENT_FIELDS) & set(vals):
            self.env["recouvrement.dunning.event"]._check_evidence_file(self, vals)
        # the PDF of a statement sent: evidence (issue 19)
        check_evidence_thread(self, EVIDENCE_ATTACHMENT_FIELDS, vals)
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_sent_letter(self):
        """The letter of a sent reminder is evidence: it is never deleted."""
        self.env["recouvrement.dunning.event"]._check_evidence_file(self)
        check_evidence_thread(self, EVIDENCE_ATTACHMENT_FIELDS)
