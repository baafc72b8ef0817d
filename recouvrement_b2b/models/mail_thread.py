from odoo import models

from ..rules.autoreply import is_auto_reply
from ..tools.lang import company_env


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    def _message_route_process(self, message, message_dict, routes):
        # EXTENDS mail: tell the records receiving the email whether a machine sent it (an
        # out-of-office notice is no customer reply to a reminder: recouvrement.customer)
        thread = self
        if is_auto_reply(message, message_dict.get("subject")):
            thread = self.with_context(recouvrement_auto_reply=True)
        return super(MailThread, thread)._message_route_process(message, message_dict, routes)

    def _creation_message(self):
        # EXTENDS mail: the creation note of the module's own records ("Dossier contentieux
        # créé") in the language of their company's internal notes, as every other note
        # (issue 16): not in that of the user or the installer (the demo's records are created
        # with no language in their context, their model's name then read in English)
        if self._original_module != "recouvrement_b2b":
            return super()._creation_message()
        company = self.company_id[:1] if "company_id" in self._fields else self.env.company
        note_self = self.with_env(company_env(self.env, company or None))
        return (
            note_self._recouvrement_creation_note()
            or super(MailThread, note_self)._creation_message()
        )

    def _recouvrement_creation_note(self):
        """The creation note of a record of the module, in the language of ``self.env``.

        Each model of the module returns its own sentence ("Promise to pay created"), whose
        French agrees in gender with the model's noun ("Promesse de paiement créée"), where
        mail's "%s created" would give "Promesse de paiement créé" (issue 16).

        :returns: str, or None for mail's generic note
        """
        return None

    def message_post(self, **kwargs):
        # EXTENDS mail: the stored name of the module's own records in their company's language
        # (issue 16), as mail.message computes it for the messages created otherwise (emails of
        # templates): mail would store the poster's (the crons' OdooBot: English)
        if (
            self._original_module == "recouvrement_b2b"
            and self.id
            and not kwargs.get("record_name")
        ):
            kwargs["record_name"] = self.env["mail.message"]._get_record_name(
                {"model": self._name, "res_id": self.id}
            )
        return super().message_post(**kwargs)
