from odoo import models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    def _action_done(self, feedback=False, attachment_ids=None):
        events = self.env["recouvrement.dunning.event"].browse(
            {a.res_id for a in self if a.res_model == "recouvrement.dunning.event"}
        )
        result = super()._action_done(feedback=feedback, attachment_ids=attachment_ids)
        if events:
            # a reply handled: the customer's ladder goes on (recouvrement.customer)
            self.env["recouvrement.customer"]._release_replies(events.exists())
        return result
