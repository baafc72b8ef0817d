from odoo import api, models

from ..tools.evidence import EVIDENCE_EMAIL_FIELDS, EVIDENCE_MESSAGE_FIELDS, check_evidence_thread
from ..tools.lang import company_env


class MailMessage(models.Model):
    _inherit = "mail.message"

    @api.model
    def _get_record_name(self, values):
        """EXTENDS mail: the stored name of a record of this addon's models a message is
        about, read in Discuss, the chatter and the reminder's E-mail field, is in
        its company's language (internal, see ``tools.lang.company_env``), not in that of
        whoever posted it (the crons' OdooBot: "Courtesy reminder", issue 16).

        :param dict values: the message's create values (``model``, ``res_id``)
        :rtype: str or False
        """
        model = values.get("model", self.env.context.get("default_model"))
        res_id = values.get("res_id", self.env.context.get("default_res_id"))
        if (
            not res_id
            or model not in self.env
            or self.env[model]._original_module != "recouvrement_b2b"
        ):
            return super()._get_record_name(values)
        record = self.env[model].sudo().browse(res_id)
        company = record["company_id"] if "company_id" in record._fields else None
        return record.with_env(company_env(record.env, company or None)).display_name

    def write(self, vals):
        # the email of a sent reminder is evidence: never rewritten (issue 19)
        if set(EVIDENCE_EMAIL_FIELDS) & set(vals):
            self.env["recouvrement.dunning.event"]._check_evidence_email(self, vals)
        # the email of a statement sent, the outcome of a call: evidence (issue 19)
        check_evidence_thread(self, EVIDENCE_MESSAGE_FIELDS, vals)
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_sent_reminder(self):
        """The email of a sent reminder is evidence: it is never deleted."""
        self.env["recouvrement.dunning.event"]._check_evidence_email(self)
        check_evidence_thread(self, EVIDENCE_MESSAGE_FIELDS)
