from odoo import models


class SmsTracker(models.Model):
    _inherit = "sms.tracker"

    def _update_sms_notifications(
        self, notification_status, failure_type=False, failure_reason=False
    ):
        # EXTENDS sms: an SMS reminder the provider refused or could not deliver was never
        # received, as an email that bounced (recouvrement.customer)
        result = super()._update_sms_notifications(
            notification_status, failure_type=failure_type, failure_reason=failure_reason
        )
        if notification_status in ("exception", "bounce"):
            self.env["recouvrement.customer"]._mark_sms_undelivered(self.mail_notification_id)
        return result
