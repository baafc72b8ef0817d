from odoo import api, models
from odoo.exceptions import UserError


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    @api.ondelete(at_uninstall=False)
    def _unlink_except_sent_letter(self):
        """The letter of a sent reminder is evidence: it is never deleted."""
        # sudo: reminders of every company count, whoever deletes the file
        events = (
            self.env["recouvrement.dunning.event"]
            .sudo()
            .search([("attachment_id", "in", self.ids), ("state", "not in", ("draft", "failed"))])
        )
        if events:
            raise UserError(
                self.env._(
                    "%(file)s is the letter of the reminder %(event)s that was sent: it cannot "
                    "be deleted.",
                    file=events[0].attachment_id.name,
                    event=events[0].display_name,
                )
            )
