from odoo import models

#: notification statuses of an SMS the provider took (IAP: not revertible, see sms.tracker)
SMS_LEFT_QUEUE_STATUSES = ("process", "pending", "sent")


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
        elif notification_status in SMS_LEFT_QUEUE_STATUSES:
            # handed to the provider: the SMS reminder counts as delivered from today
            self.env["recouvrement.customer"]._mark_sms_left_queue(self.mail_notification_id)
        return result
