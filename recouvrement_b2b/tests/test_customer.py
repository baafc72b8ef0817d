from unittest.mock import patch

from freezegun import freeze_time

from odoo import fields
from odoo.tests import tagged

from odoo.addons.mail.tests.common import MailCase
from odoo.addons.sms.tests.common import SMSCase

from .common import RecouvrementCommon

IBAN = "FR7630006000011234567890189"

#: a customer's answer to a reminder, as the mail gateway receives it
REPLY_TEMPLATE = """Return-Path: {return_path}
To: {to}
cc: {cc}
From: {email_from}
Subject: {subject}
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Date: Mon, 16 Mar 2026 09:12:00 +0000
Message-ID: {msg_id}
{extra}

Bonjour, la livraison du 3 mars était incomplète : nous payerons le solde à réception.
"""


@tagged("post_install", "-at_install")
class TestCustomerSide(RecouvrementCommon, MailCase, SMSCase):
    """Pay from the reminder (links, bank details, SEPA QR code), SMS levels and replies."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.policy = cls._standard_ladder()
        cls.level_courteous = cls.policy.level_ids[1]
        cls.level_notice = cls.policy.level_ids.filtered("is_formal_notice")
        cls.bank = cls.env["res.partner.bank"].create(
            {"acc_number": IBAN, "partner_id": cls.company.partner_id.id}
        )
        cls.company.recouvrement_user_id = cls.manager
        cls.Dunning = cls.env["recouvrement.dunning"].with_user(cls.controller)

    def _run(self, date):
        """The cron's code path on ``date`` (sending, then the letters step), letters kept as
        HTML, as the credit controller."""
        date = fields.Date.to_date(date)
        dunning = self.Dunning.with_context(dunning_letter_html=True)
        with freeze_time(date):
            events = dunning._send_reminders(dunning._get_plan(date, companies=self.company), date)
            dunning._dunning_render_letters(events)  # the letters step (issue 18)
        return self._queue_takes(events, date)

    def _mail(self, event):
        return self.env["mail.mail"].search(
            [("model", "=", event._name), ("res_id", "=", event.id)]
        )

    # ------------------------------------------------------------------------------------------
    # 1. Pay from the reminder
    # ------------------------------------------------------------------------------------------

    def test_email_carries_pay_links_and_collection_link(self):
        first = self._invoice(self.customer, 1200.0, "2026-02-01", "2026-03-01")
        second = self._invoice(self.customer, 300.0, "2026-02-05", "2026-03-05")
        event = self._run("2026-03-06")
        self.assertEqual((event.level_id, event.channel), (self.level_courteous, "email"))
        body = self._mail(event).body_html
        for move in first | second:
            self.assertTrue(move.access_token)
            self.assertIn(f"/my/invoices/{move.id}?access_token={move.access_token}", body)
        self.assertEqual(body.count("Pay now"), 2)
        token = self.env["recouvrement.customer"]._get_collection_token(self.customer)
        self.assertIn(f"/my/collection/{self.customer.id}?access_token={token}", body)
        # bank details and the structured references
        self.assertIn(self.bank.acc_number, body)
        self.assertIn(f"{first.payment_reference}, {second.payment_reference}", body)

    def test_letter_carries_sepa_qr_code_of_the_amount_claimed(self):
        move = self._invoice(self.customer, 1500.0, "2026-01-01", "2026-01-31")
        self.env["recouvrement.dunning.event"].sudo().create(
            {
                "partner_id": self.customer.id,
                "company_id": self.company.id,
                "level_id": self.level_courteous.id,
                "date": "2026-02-01",
                "state": "sent",
                "move_ids": move.ids,
            }
        )
        Bank = type(self.env["res.partner.bank"])
        qr_vals = Bank._get_qr_vals
        payloads = []

        def spy(bank, qr_method, *args):
            vals = qr_vals(bank, qr_method, *args)
            payloads.append((qr_method, vals))
            return vals

        with patch.object(Bank, "_get_qr_vals", spy):
            event = self._run("2026-03-17")
        self.assertTrue(event.level_id.is_formal_notice)
        self.assertEqual(event.channel, "registered")
        # 1 500 EUR + penalties (art. L441-10) + the 40 EUR indemnity (art. D441-5)
        self.assertGreater(event.amount_penalty, 0)
        self.assertEqual(event.amount_indemnity, 40.0)
        html = event.attachment_id.raw.decode()
        self.assertRegex(html, r'<img class="o_dunning_sepa_qr"[^>]* src="data:image/png;base64,')
        self.assertIn(f"/my/invoices/{move.id}?access_token={move.access_token}", html)
        self.assertIn(f"/my/collection/{self.customer.id}?access_token=", html)
        method, vals = payloads[-1]
        self.assertEqual(method, "sct_qr")
        self.assertEqual(vals[:4], ["BCD", "002", "1", "SCT"])
        self.assertEqual(vals[6], IBAN)
        self.assertEqual(vals[7], f"EUR{event.currency_id.round(event.amount_total)}")
        self.assertEqual(vals[7], f"EUR{1540.0 + event.amount_penalty}")
        self.assertIn(move.payment_reference, vals[9] + vals[10])

    def test_no_qr_code_without_a_sepa_account(self):
        self.bank.unlink()
        self._invoice(self.customer, 1500.0, "2026-02-01", "2026-03-01")
        event = self._run("2026-03-06")
        self.assertFalse(event._get_sepa_qr())
        self.assertNotRegex(event.attachment_id.raw.decode(), r'<img class="o_dunning_sepa_qr"')

    # ------------------------------------------------------------------------------------------
    # 3. SMS level
    # ------------------------------------------------------------------------------------------

    def _sms_level(self):
        self.level_courteous.write(
            {
                "channel": "sms",
                "sms_template_id": self.env.ref(
                    "recouvrement_b2b.sms_template_dunning_reminder"
                ).id,
            }
        )

    def test_sms_level_sends_through_iap(self):
        self._sms_level()
        self.customer.mobile = "06 12 34 56 78"
        self._invoice(self.customer, 1200.0, "2026-02-01", "2026-03-01")
        with self.mockSMSGateway():
            event = self._run("2026-03-06")
            self.env["sms.sms"].sudo()._process_queue()
        self.assertRecordValues(event, [{"channel": "sms", "state": "sent"}])
        token = self.env["recouvrement.customer"]._get_collection_token(self.customer)
        self.assertSMSIapSent(["+33612345678"], content="1,200.00")
        self.assertSMSIapSent(["+33612345678"], content=f"access_token={token}")
        sms_message = event.message_ids.filtered(lambda m: m.message_type == "sms")
        self.assertEqual(len(sms_message), 1)
        self.assertEqual(sms_message.notification_ids.res_partner_id, self.customer)
        # handed to the provider (IAP), waiting for its delivery report
        self.assertEqual(sms_message.notification_ids.notification_status, "pending")

    def test_sms_opt_out_blacklist_and_no_number_fall_back_to_letter(self):
        self._sms_level()
        opted_out = self.customer
        opted_out.write({"mobile": "06 12 34 56 78", "dunning_sms_opt_out": True})
        blacklisted, no_number = self.env["res.partner"].create(
            [
                {"name": "Scierie Blanc", "is_company": True, "mobile": "+33 6 98 76 54 32"},
                {"name": "Forge Martin", "is_company": True, "mobile": "12"},
            ]
        )
        self.env["phone.blacklist"].sudo().add("+33698765432")
        for partner in opted_out | blacklisted | no_number:
            self._invoice(partner, 800.0, "2026-02-01", "2026-03-01")
        with self.mockSMSGateway():
            events = self._run("2026-03-06")
            self.env["sms.sms"].sudo()._process_queue()
        self.assertEqual(self._sms, [])
        self.assertEqual(set(events.mapped("channel")), {"letter"})
        self.assertEqual(set(events.mapped("state")), {"to_post"})
        self.assertTrue(all(event.attachment_id for event in events))
        notes = {event.partner_id: event.note for event in events}
        self.assertIn("asked not to be reminded by SMS", notes[opted_out])
        self.assertIn("+33698765432 of Scierie Blanc is blacklisted", notes[blacklisted])
        self.assertIn("Forge Martin has no valid mobile or phone number", notes[no_number])

    def test_sms_goes_to_a_mobile_never_to_a_landline(self):
        """A landline, a freephone or a VoIP number cannot receive an SMS: the reminder is a
        letter; a customer with a landline phone and a mobile gets the SMS on the mobile."""
        self._sms_level()
        france = self.env.ref("base.fr").id
        landline, freephone, voip, both = self.env["res.partner"].create(
            [
                {
                    "name": "Tuilerie Roux",
                    "is_company": True,
                    "country_id": france,
                    "mobile": "01 23 45 67 89",
                },
                {
                    "name": "Vitrerie Noir",
                    "is_company": True,
                    "country_id": france,
                    "phone": "0800 123 456",
                },
                {
                    "name": "Scierie Gris",
                    "is_company": True,
                    "country_id": france,
                    "mobile": "09 51 23 45 67",
                },
                {
                    "name": "Forge Vert",
                    "is_company": True,
                    "country_id": france,
                    "phone": "04 78 12 34 56",
                    "mobile": "06 55 44 33 22",
                },
            ]
        )
        for partner in landline | freephone | voip | both:
            self._invoice(partner, 800.0, "2026-02-01", "2026-03-01")
        with self.mockSMSGateway():
            events = self._run("2026-03-06")
            self.env["sms.sms"].sudo()._process_queue()
        channels = {event.partner_id: event.channel for event in events}
        notes = {event.partner_id: event.note or "" for event in events}
        for partner, number in (
            (landline, "+33123456789"),
            (freephone, "+33800123456"),
            (voip, "+33951234567"),
        ):
            self.assertEqual(channels[partner], "letter")
            self.assertIn(
                f"{partner.name} has no mobile number ({number} cannot receive an SMS)",
                notes[partner],
            )
        self.assertEqual(channels[both], "sms")
        self.assertSMSIapSent(["+33655443322"])
        self.assertEqual(len(self._sms), 1)

    # ------------------------------------------------------------------------------------------
    # 4. Replies
    # ------------------------------------------------------------------------------------------

    def test_reply_lands_on_event_and_holds_escalation(self):
        self._invoice(self.customer, 1200.0, "2026-02-01", "2026-03-01")
        event = self._run("2026-03-06")
        mail = self._mail(event)
        self.assertTrue(mail.message_id)
        with freeze_time("2026-03-16"):
            self.format_and_process(
                REPLY_TEMPLATE,
                '"Garnier Compta" <compta@garnier.example.fr>',
                mail.reply_to or self.company.email,
                subject=f"Re: {mail.subject}",
                extra=f"In-Reply-To: {mail.message_id}\nReferences: {mail.message_id}",
                target_model="recouvrement.dunning.event",
                target_field="note",
            )
        reply = event.message_ids.filtered(lambda m: m.message_type == "email")
        self.assertEqual(len(reply), 1)
        self.assertEqual(reply.author_id, self.customer)
        self.assertIn("livraison du 3 mars", reply.body)
        self.assertTrue(event.reply_pending)
        # not copied into the shared customer's chatter (other companies read it: issue 19)
        copy = self.customer.message_ids.filtered(lambda m: "livraison du 3 mars" in (m.body or ""))
        self.assertFalse(copy)
        # the reply activity (the test's mail queue, without SMTP server, also leaves the
        # "not delivered" to-do on the event: issue 19, no longer on the shared customer)
        reply_type = self.env.ref("recouvrement_b2b.mail_activity_type_dunning_reply")
        activity = event.activity_ids.filtered(lambda a: a.activity_type_id == reply_type)
        self.assertRecordValues(
            activity,
            [
                {
                    "activity_type_id": reply_type.id,
                    "user_id": self.manager.id,
                }
            ],
        )
        # escalation held: on the firm level's day, no reminder while the reply waits
        self.assertFalse(self._run("2026-03-16"))
        # the collector handles the reply: the ladder goes on
        activity.with_user(self.manager).action_feedback(feedback="Avoir émis pour le manquant")
        self.assertFalse(event.reply_pending)
        self.assertEqual(self._run("2026-03-16").level_id, self.policy.level_ids[2])

    def _reminder_answered(self):
        """The courteous reminder of 6 March 2026 for a 1 200 EUR invoice, answered by the
        customer's accounting through the mail gateway; returns the reminder's event."""
        self._invoice(self.customer, 1200.0, "2026-02-01", "2026-03-01")
        event = self._run("2026-03-06")
        mail = self._mail(event)
        self.format_and_process(
            REPLY_TEMPLATE,
            "compta@garnier.example.fr",
            mail.reply_to or self.company.email,
            subject="Re: relance",
            extra=f"In-Reply-To: {mail.message_id}",
            target_model="recouvrement.dunning.event",
            target_field="note",
        )
        return event

    def test_reply_marked_handled_from_the_event(self):
        event = self._reminder_answered()
        self.assertTrue(event.reply_pending)
        event.with_user(self.controller).action_mark_reply_handled()
        self.assertFalse(event.reply_pending)
        reply_type = self.env.ref("recouvrement_b2b.mail_activity_type_dunning_reply")
        self.assertFalse(event.activity_ids.filtered(lambda a: a.activity_type_id == reply_type))

    def test_reply_activity_cancelled_releases_the_customer(self):
        event = self._reminder_answered()
        self.assertTrue(event.reply_pending)
        event.activity_ids.with_user(self.manager).unlink()
        self.assertFalse(event.reply_pending)

    def test_collector_message_is_no_customer_reply(self):
        self._invoice(self.customer, 1200.0, "2026-02-01", "2026-03-01")
        event = self._run("2026-03-06")
        event.with_user(self.controller).message_post(body="Appelé le client")
        # an email from a colleague (internal user) is no customer reply either
        event.with_user(self.controller).message_post(body="Vu avec lui", message_type="email")
        self.assertFalse(event.reply_pending)
        self.assertFalse(event.activity_ids)

    def test_auto_replies_are_recorded_but_hold_nothing(self):
        """An out-of-office notice or another automatic answer to a reminder (RFC 3834
        ``Auto-Submitted``, ``X-Autoreply``, ``Precedence``, or the subject a mail client puts
        on it, in French or English) stays on the event, dated, but is no customer reply: no
        activity, no hold, the ladder goes on. A person's reply still holds it."""
        self._invoice(self.customer, 1200.0, "2026-02-01", "2026-03-01")
        event = self._run("2026-03-06")
        mail = self._mail(event)
        to = mail.reply_to or self.company.email
        automatic = (
            ("Re: Relance", "Auto-Submitted: auto-replied"),
            ("Re: Relance", "Auto-Submitted: auto-generated"),
            ("Re: Relance", "X-Autoreply: yes"),
            ("Re: Relance", "Precedence: auto_reply"),
            ("Re: Relance", "Precedence: bulk"),
            ("Re: Relance", "Precedence: junk"),
            ("=?utf-8?q?R=C3=A9ponse_automatique_=3A_Relance?=", ""),
            ("Absence du bureau : Relance", ""),
            ("Automatic reply: Relance", ""),
            ("Out of Office: Relance", ""),
            ("[Auto-Reply] Relance", ""),
        )
        with freeze_time("2026-03-10"):
            for index, (subject, header) in enumerate(automatic):
                self.format_and_process(
                    REPLY_TEMPLATE,
                    "compta@garnier.example.fr",
                    to,
                    subject=subject,
                    msg_id=f"<auto-{index}@garnier.example.fr>",
                    extra=f"In-Reply-To: {mail.message_id}\n{header}".rstrip(),
                    target_model="recouvrement.dunning.event",
                    target_field="note",
                )
        received = event.message_ids.filtered(lambda m: m.message_type == "email")
        self.assertEqual(len(received), len(automatic))  # kept on the event for the collector
        self.assertEqual(event.auto_reply_date, fields.Datetime.to_datetime("2026-03-16 09:12:00"))
        self.assertFalse(event.reply_pending)
        self.assertFalse(event.activity_ids)
        Worklist = self.env["recouvrement.worklist"].with_user(self.controller)
        self.assertFalse(Worklist.search([("partner_id", "=", self.customer.id)]).reply_received)
        # the ladder goes on: the firm reminder on its day
        self.assertEqual(self._run("2026-03-16").level_id, self.policy.level_ids[2])
        # a person's answer, whose subject merely speaks of an absence, is a reply
        self.format_and_process(
            REPLY_TEMPLATE,
            "compta@garnier.example.fr",
            to,
            subject="Re: Absence de livraison du 3 mars",
            msg_id="<human@garnier.example.fr>",
            extra=f"In-Reply-To: {mail.message_id}",
            target_model="recouvrement.dunning.event",
            target_field="note",
        )
        self.assertTrue(event.reply_pending)
        self.assertEqual(len(event.activity_ids), 1)
        row = Worklist.search([("partner_id", "=", self.customer.id)])
        self.assertTrue(row.reply_received)
