from odoo import models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    def _action_done(self, feedback=False, attachment_ids=None):
        events = self._get_dunning_events()
        result = super()._action_done(feedback=feedback, attachment_ids=attachment_ids)
        # a reply handled: the customer's ladder goes on (recouvrement.customer)
        self.env["recouvrement.customer"]._release_replies(events.exists())
        return result

    def unlink(self):
        events = self._get_dunning_events()
        result = super().unlink()
        # a reply activity cancelled must not hold the customer's ladder for ever
        self.env["recouvrement.customer"]._release_replies(events.exists())
        return result

    def _get_dunning_events(self):
        """The recouvrement.dunning.event these activities are scheduled on."""
        return self.env["recouvrement.dunning.event"].browse(
            {a.res_id for a in self if a.res_model == "recouvrement.dunning.event"}
        )
