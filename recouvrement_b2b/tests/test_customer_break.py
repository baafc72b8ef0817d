from datetime import timedelta

import polib
from freezegun import freeze_time
from lxml import etree
from lxml import html as lxml_html

from odoo import fields, http
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools.misc import file_path

from odoo.addons.mail.tests.common import MailCase
from odoo.addons.sms.tests.common import SMSCase

from ..rules import sms as sms_rules
from .common import RecouvrementCommon
from .test_customer import REPLY_TEMPLATE


@tagged("post_install", "-at_install")
class TestCollectionPortalBreak(RecouvrementCommon, HttpCase):
    """Issue 14 as its customers use it (break test): the collection page while a reference
    rate is not entered yet, and in the customer's language."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.service = cls.env["recouvrement.customer"]
        cls.today = fields.Date.context_today(cls.env.user)
        cls.company.recouvrement_user_id = cls.manager

    def _url(self, partner):
        token = self.service._get_collection_token(partner)
        return f"/my/collection/{partner.id}?access_token={token}"

    def test_page_opens_while_a_reference_rate_is_missing(self):
        """In the first days of a half-year its ECB rate is not entered yet (it is published
        then): the customer's page still opens (200, not an error page addressed to credit
        managers), its invoices and totals shown, the penalties said unknown, and the
        promise form still records; the portal home counts the invoices."""
        late = self._invoice(
            self.customer, 1000.0, self.today - timedelta(days=90), self.today - timedelta(days=60)
        )
        soon = self._invoice(self.customer, 250.0, self.today, self.today + timedelta(days=20))
        half_year = f"{self.today.year}-S{1 if self.today.month <= 6 else 2}"
        self.env.cr.execute(
            "DELETE FROM recouvrement_penalty_rate WHERE half_year = %s", [half_year]
        )
        self.env.invalidate_all()
        values = self.service._get_portal_values(self.customer)
        by_move = {line["move"]: line for line in values["lines"]}
        self.assertIsNone(by_move[late]["penalty"])
        self.assertEqual((by_move[soon]["penalty"], by_move[soon]["indemnity"]), (0.0, 0.0))
        # what is due now apart from what is not (issue 17): 1 000 + 250 = 1 250 in all
        self.assertEqual(
            [values["totals"][0][key] for key in ("due_now", "not_due", "balance")],
            [1000.0, 250.0, 1250.0],
        )
        self.assertTrue(values["companies"][0]["penalty_unknown"])
        response = self.url_open(self._url(self.customer))
        self.assertEqual(response.status_code, 200)
        page = response.text
        self.assertIn(late.name, page)
        self.assertIn("1,250.00", page)
        self.assertIn("o_collection_penalty_note", page)
        self.assertNotIn("is missing", page)
        # the promise form still records
        self.authenticate(None, None)
        response = self.url_open(
            "/my/collection/promise",
            data={
                "partner_id": self.customer.id,
                "access_token": self.service._get_collection_token(self.customer),
                "csrf_token": http.Request.csrf_token(self),
                "date": str(self.today + timedelta(days=7)),
                "amount": "500",
            },
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 303)
        self.assertTrue(response.headers["Location"].endswith("message=promise"))
        promise = self.env["recouvrement.promise"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual(promise.amount, 500.0)
        # the portal user's home counts the open invoices
        user = new_test_user(self.env, login="garnier_rate", groups="base.group_portal")
        user.partner_id.parent_id = self.customer
        self.authenticate("garnier_rate", "garnier_rate")
        counters = self.make_jsonrpc_request("/my/counters", {"counters": ["collection_count"]})
        self.assertEqual(counters["collection_count"], 2)
        self.assertEqual(self.url_open("/my/collection").status_code, 200)

    def test_page_shows_what_is_due_now_apart_from_what_is_not_yet_due(self):
        """Issue 17, left open: "Total due" beside "Pay now" summed the invoices not due yet.
        1 000 due 60 days ago, 250 due in 20 days, a credit note of 100 not allocated: the page
        said "Total due 1,250.00" and "Net balance due 1,150.00". Right: Due now 1 000.00,
        Not yet due 250.00, Balance 1 250.00; open credits -100.00; to pay now 1 000 - 100 =
        900.00. The promise may still cover the whole net balance, 1 250 - 100 = 1 150."""
        self._invoice(
            self.customer, 1000.0, self.today - timedelta(days=90), self.today - timedelta(days=60)
        )
        self._invoice(self.customer, 250.0, self.today, self.today + timedelta(days=20))
        self._refund(self.customer, 100.0, self.today - timedelta(days=10))
        values = self.service._get_portal_values(self.customer)
        group = values["companies"][0]
        self.assertEqual(
            [(total["due_now"], total["not_due"], total["balance"]) for total in group["totals"]],
            [(1000.0, 250.0, 1250.0)],
        )
        self.assertEqual(
            (group["open_credit"], group["payable"], group["due"]), (100.0, 900.0, 1150.0)
        )
        response = self.url_open(self._url(self.customer))
        page = lxml_html.fromstring(response.text)
        rows = [
            " ".join(row.text_content().split())
            for row in page.xpath("//table[contains(@class, 'w-auto')]//tr")
            # the penalties accrued (by today's rate) are another row, as before
            if "o_collection_penalties" not in etree.tostring(row, encoding="unicode")
        ]
        self.assertEqual(
            rows,
            [
                "Due now 1,000.00 €",
                "Not yet due 250.00 €",
                "Balance 1,250.00 €",
                "Open credits deducted -100.00 €",
                "To pay now, net of open credits 900.00 €",
            ],
        )
        self.assertNotIn("Total due", response.text)

    def test_page_leaves_out_factored_and_frozen_claims(self):
        """The page offers to pay, promise or dispute only what our collection may claim, as
        the reminders: an invoice in notified factoring is paid to the factor (paying us
        would not discharge the customer), a claim born before the opening judgment of the
        customer's collective proceedings may not be paid (art. L622-7 Code de commerce)."""
        factor = self.env["res.partner"].create({"name": "Factor SA", "is_company": True})
        due = self.today - timedelta(days=30)
        own = self._invoice(self.customer, 500.0, due - timedelta(days=30), due)
        notified = self._invoice(self.customer, 1000.0, due - timedelta(days=30), due)
        confidential = self._invoice(self.customer, 2000.0, due - timedelta(days=30), due)
        for move, mode in ((notified, "notified"), (confidential, "confidential")):
            move.write(
                {
                    "is_factored": True,
                    "factor_id": factor.id,
                    "factoring_date": due,
                    "factoring_mode": mode,
                }
            )
        values = self.service._get_portal_values(self.customer)
        self.assertEqual([line["move"] for line in values["lines"]], [own, confidential])
        self.assertEqual(values["companies"][0]["due"], 2500.0)
        page = self.url_open(self._url(self.customer)).text
        self.assertIn(own.name, page)
        self.assertNotIn(f"/my/invoices/{notified.id}?", page)
        self.assertFalse(
            self.service._portal_promise(self.customer, str(self.today + timedelta(days=5)), "3500")
        )
        self.assertFalse(
            self.service._portal_dispute(self.customer, str(notified.id), "price", "", "")
        )
        # collective proceedings opened 20 days ago: the invoice issued before is frozen
        debtor = self.env["res.partner"].create({"name": "Debiteur SAS", "is_company": True})
        before = self._invoice(debtor, 800.0, self.today - timedelta(days=60), due)
        after = self._invoice(
            debtor, 300.0, self.today - timedelta(days=10), self.today - timedelta(days=1)
        )
        debtor.write(
            {
                "collective_proceedings": "redressement",
                "proceedings_date": self.today - timedelta(days=20),
            }
        )
        values = self.service._get_portal_values(debtor)
        self.assertEqual([line["move"] for line in values["lines"]], [after])
        self.assertEqual(values["companies"][0]["due"], 300.0)
        self.assertNotIn(f"/my/invoices/{before.id}?", self.url_open(self._url(debtor)).text)
        self.assertFalse(
            self.service._portal_promise(debtor, str(self.today + timedelta(days=5)), "1100")
        )

    def test_link_of_a_french_customer_opens_the_page_in_french(self):
        """The customer follows the link of its reminder with no language cookie: the page
        (and the invoice's "Pay now" page) opens in the customer's language, French for a
        French customer, whatever the database's default language; an English customer's
        link has no prefix."""
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["recouvrement_b2b"], ["fr_FR"])
        self.customer.lang = "fr_FR"
        move = self._invoice(
            self.customer, 1000.0, self.today - timedelta(days=90), self.today - timedelta(days=60)
        )
        english = self.env["res.partner"].create(
            {"name": "Smith Ltd", "is_company": True, "lang": "en_US"}
        )
        url = self.service._get_collection_url(self.customer)
        token = self.service._get_collection_token(self.customer)
        base = self.customer.get_base_url()
        self.assertEqual(url, f"{base}/fr/my/collection/{self.customer.id}?access_token={token}")
        self.assertNotIn("/fr/", self.service._get_collection_url(english))
        self.opener.cookies.clear()
        response = self.url_open(url.removeprefix(base))
        self.assertEqual(response.status_code, 200)
        self.assertIn("Promettre un paiement", response.text)
        self.assertIn("Signaler un problème", response.text)
        self.assertNotIn("Promise a payment", response.text)
        self.assertIn(move.name, response.text)
        # the "Pay now" link of the reminder: the invoice's page in French too
        event = self._reminder_event(move, self._standard_ladder().level_ids[1], self.today)
        (line,) = event._get_pay_lines()
        self.assertEqual(
            line["url"], f"{base}/fr/my/invoices/{move.id}?access_token={move.access_token}"
        )
        self.assertIn("/fr/my/collection/", event._get_collection_url())


@tagged("post_install", "-at_install")
class TestSmsDeliveryBreak(RecouvrementCommon, MailCase, SMSCase):
    """An SMS reminder that never reached the customer (break test of issue 14 #3, #4)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.policy = cls._standard_ladder()
        cls.level_courteous = cls.policy.level_ids[1]
        cls.company.recouvrement_user_id = cls.manager
        cls.Dunning = cls.env["recouvrement.dunning"].with_user(cls.controller)
        cls.level_courteous.write(
            {
                "channel": "sms",
                "sms_template_id": cls.env.ref("recouvrement_b2b.sms_template_dunning_reminder").id,
            }
        )
        cls.customer.mobile = "06 12 34 56 78"
        cls.move = cls._invoice(cls.customer, 1200.0, "2026-02-01", "2026-03-01")

    def _run(self, date, sim_error=None):
        """The cron's code path on ``date``, then the SMS queue (the provider mocked)."""
        date = fields.Date.to_date(date)
        dunning = self.Dunning.with_context(dunning_letter_html=True)
        with freeze_time(date), self.mockSMSGateway(sim_error=sim_error):
            events = dunning._send_reminders(dunning._get_plan(date, companies=self.company), date)
            dunning._dunning_render_letters(events)
            self.env["sms.sms"].sudo()._process_queue()
        return events

    def _assert_undelivered_then_letter(self, event, reason):
        self.assertRecordValues(event, [{"channel": "sms", "state": "undelivered"}])
        self.assertIn("+33612345678", event.note)
        self.assertIn(reason, event.note)
        self.assertFalse(self.move.dunning_level_id)  # the level is put back
        # on the company's reminder, not the shared customer (issue 19)
        self.assertFalse(self.customer.activity_ids)
        activity = event.activity_ids.filtered(
            lambda a: a.summary == f"Reminder not delivered: {self.level_courteous.name}"
        )
        self.assertEqual(activity.user_id, self.manager)
        # the next run sends the same level again, as a letter, said on the event
        again = self._run("2026-03-09")
        self.assertRecordValues(
            again,
            [{"level_id": self.level_courteous.id, "channel": "letter", "state": "to_post"}],
        )
        self.assertIn("was not delivered", again.note)
        self.assertEqual(self._sms, [])

    def test_sms_refused_by_the_provider_is_undelivered_and_sent_as_letter(self):
        """IAP refuses the number (wrong_number_format): the reminder never left."""
        event = self._run("2026-03-06", sim_error="wrong_number_format")
        self.assertEqual(self._sms, [])
        self._assert_undelivered_then_letter(event, "Wrong Number Format")

    def test_sms_reported_not_delivered_is_undelivered_and_sent_as_letter(self):
        """The provider accepted the SMS, then its delivery report says the destination is
        invalid (a bounce): the reminder was never received."""
        event = self._run("2026-03-06")
        self.assertEqual(len(self._sms), 1)
        self.assertEqual(event.state, "sent")
        notification = event.message_ids.notification_ids.filtered(
            lambda n: n.notification_type == "sms"
        )
        self.assertEqual(notification.notification_status, "pending")
        tracker = (
            self.env["sms.tracker"].sudo().search([("mail_notification_id", "=", notification.id)])
        )
        tracker._action_update_from_provider_error("invalid_destination")
        self.assertEqual(notification.notification_status, "bounce")
        self._assert_undelivered_then_letter(event, "Invalid Destination")

    def test_sms_delivered_stays_sent(self):
        event = self._run("2026-03-06")
        notification = event.message_ids.notification_ids.filtered(
            lambda n: n.notification_type == "sms"
        )
        self.env["sms.tracker"].sudo().search(
            [("mail_notification_id", "=", notification.id)]
        )._action_update_from_sms_state("sent")
        self.assertEqual(event.state, "sent")
        self.assertEqual(self.move.dunning_level_id, self.level_courteous)

    def test_sms_text_in_gsm_alphabet_two_parts(self):
        """The French reminder SMS of 1 234,56 EUR: Odoo formats the amount with no-break
        spaces and the euro sign, which would send it in UCS-2 (207 characters, 4 parts of
        67); written in the GSM alphabet it is 2 parts of 153, the accented letters of the
        alphabet kept. The English one too."""
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["recouvrement_b2b"], ["fr_FR"])
        self.customer.lang = "fr_FR"
        self.move.button_draft()
        self.move.invoice_line_ids.price_unit = 1234.56
        self.move.action_post()
        event = self._run("2026-03-06")
        url = self.env["recouvrement.customer"]._get_collection_url(self.customer)
        self.assertIn("/fr/my/collection/", url)
        expected = (
            f"{self.company.name} : 1 234,56 EUR restent impayés sur vos factures. "
            f"Payez ou répondez ici : {url}"
        )
        self.assertEqual([sms["body"] for sms in self._sms], [expected])
        self.assertEqual(sms_rules.count_parts(expected), 2)
        self.assertTrue(all(c in sms_rules.GSM7_ALPHABET for c in expected))
        sms_message = event.message_ids.filtered(lambda m: m.message_type == "sms")
        self.assertIn("1 234,56 EUR restent impayés", sms_message.body)
        # an English customer (another company name with a typographic apostrophe)
        self.company.name = "L’Atelier Dubois"
        english = self.env["res.partner"].create(
            {
                "name": "Smith Ltd",
                "is_company": True,
                "lang": "en_US",
                "mobile": "+33 6 98 76 54 32",
            }
        )
        self._invoice(english, 1200.0, "2026-02-01", "2026-03-01")
        event = self._run("2026-03-07")
        url = self.env["recouvrement.customer"]._get_collection_url(english)
        expected = (
            f"L'Atelier Dubois: 1,200.00 EUR remain unpaid on your invoices. "
            f"Pay or answer here: {url}"
        )
        self.assertEqual([sms["body"] for sms in self._sms], [expected])
        self.assertEqual(sms_rules.count_parts(expected), 2)


@tagged("post_install", "-at_install")
class TestUndeliveredNoteLanguageBreak(RecouvrementCommon, MailCase):
    """The note of a reminder that bounced or failed is written in the company's language as
    a whole, its reason included (break test of issue 14 #4)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.policy = cls._standard_ladder()
        cls.company.recouvrement_user_id = cls.manager
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env["ir.module.module"]._load_module_terms(["mail", "recouvrement_b2b"], ["fr_FR"])
        cls.company.partner_id.lang = "fr_FR"
        cls.Dunning = cls.env["recouvrement.dunning"].with_user(cls.controller)

    def _run(self, date):
        date = fields.Date.to_date(date)
        dunning = self.Dunning.with_context(dunning_letter_html=True)
        with freeze_time(date):
            return dunning._send_reminders(dunning._get_plan(date, companies=self.company), date)

    def test_bounce_reason_in_the_company_language(self):
        self._invoice(self.customer, 1200.0, "2026-02-01", "2026-03-01")
        event = self._run("2026-03-06")
        self.env["mail.thread"]._routing_handle_bounce(
            False,
            {
                "bounced_email": self.customer.email_normalized,
                "bounced_partner": self.customer,
                "bounced_msg_ids": [event.mail_message_id.message_id],
                "bounced_message": event.mail_message_id,
                "message_id": "<bounce-1@example.com>",
                "email_from": "MAILER-DAEMON@example.com",
                "to": "bounce@example.com",
            },
        )
        self.assertEqual(event.state, "undelivered")
        self.assertIn(
            "(l'email envoyé à compta@garnier.example.fr est revenu en erreur (bounce))",
            event.note,
        )
        self.assertIn("n'a pas été remise à compta@garnier.example.fr", event.note)
        self.assertNotIn("bounced", event.note)

    def test_mail_failure_without_reason_said_in_words(self):
        """The mail queue gives a failure type and no text: the note says the reason in a
        sentence in the company's language, not its technical key."""
        self._invoice(self.customer, 1200.0, "2026-02-01", "2026-03-01")
        event = self._run("2026-03-06")
        mail = self.env["mail.mail"].search(
            [("model", "=", event._name), ("res_id", "=", event.id)]
        )
        mail._postprocess_sent_message(success_pids=[], failure_type="mail_email_invalid")
        self.assertEqual(event.state, "undelivered")
        self.assertIn("(l'adresse email n'est pas valide)", event.note)
        self.assertNotIn("mail_email_invalid", event.note)


@tagged("post_install", "-at_install")
class TestCollectionPortalCurrencyBreak(RecouvrementCommon, HttpCase):
    """A customer invoiced in a foreign currency (break test of issue 14 #2)."""

    def test_promise_form_says_its_currency(self):
        """1 200 USD owed at 2 USD per EUR: the page shows $ 1,200.00 due while a promise is
        recorded in the company's currency, 600 EUR; the form proposed 600.0 with no
        currency, so that the customer typing the 1 200 it owes was refused. The form now
        says EUR beside the amount, and each invoice of the problem form its amount in its
        own currency; the 600 EUR proposed are recorded."""
        usd = self.setup_other_currency("USD", rates=[("2000-01-01", 2.0)])
        today = fields.Date.context_today(self.env.user)
        move = self._invoice(
            self.customer,
            1200.0,
            today - timedelta(days=60),
            today - timedelta(days=30),
            currency=usd,
        )
        service = self.env["recouvrement.customer"]
        token = service._get_collection_token(self.customer)
        page = self.url_open(f"/my/collection/{self.customer.id}?access_token={token}").text
        self.assertRegex(
            page,
            r'name="amount"[^>]*max="600.0" value="600.0"/>\s*'
            r'<span class="input-group-text o_collection_promise_currency">EUR</span>',
        )
        self.assertIn("o_collection_promise_currency_note", page)
        self.assertIn(f"{move.name} ($\xa01,200.00)", page)
        self.authenticate(None, None)
        response = self.url_open(
            "/my/collection/promise",
            data={
                "partner_id": self.customer.id,
                "access_token": token,
                "csrf_token": http.Request.csrf_token(self),
                "date": str(today + timedelta(days=7)),
                "amount": "600.0",
            },
            allow_redirects=False,
        )
        self.assertTrue(response.headers["Location"].endswith("message=promise"))
        promise = self.env["recouvrement.promise"].search([("partner_id", "=", self.customer.id)])
        self.assertRecordValues(
            promise, [{"amount": 600.0, "currency_id": self.company.currency_id.id}]
        )
        # a customer invoiced in the company's currency gets no note
        other = self.env["res.partner"].create({"name": "Scierie Blanc", "is_company": True})
        self._invoice(other, 100.0, today, today)
        token = service._get_collection_token(other)
        page = self.url_open(f"/my/collection/{other.id}?access_token={token}").text
        self.assertIn('o_collection_promise_currency">EUR</span>', page)
        self.assertNotIn("o_collection_promise_currency_note", page)


@tagged("post_install", "-at_install")
class TestCustomerSideCollectorBreak(RecouvrementCommon, MailCase):
    """The customer's own collector gets its promises, problems and replies (break test of
    issue 14 #2, #4), as the worklist shows it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.policy = cls._standard_ladder()
        cls.company.recouvrement_user_id = cls.manager  # the collection responsible
        cls.customer.with_company(cls.company).collection_user_id = cls.controller
        cls.service = cls.env["recouvrement.customer"]
        cls.today = fields.Date.context_today(cls.env.user)
        cls.move = cls._invoice(
            cls.customer, 1200.0, cls.today - timedelta(days=60), cls.today - timedelta(days=30)
        )

    def _reply(self, event):
        mail = self.env["mail.mail"].search(
            [("model", "=", event._name), ("res_id", "=", event.id)]
        )
        self.format_and_process(
            REPLY_TEMPLATE,
            '"Garnier Compta" <compta@garnier.example.fr>',
            mail.reply_to or self.company.email,
            subject=f"Re: {mail.subject}",
            extra=f"In-Reply-To: {mail.message_id}\nReferences: {mail.message_id}",
            target_model="recouvrement.dunning.event",
            target_field="note",
        )

    def _send(self, user):
        dunning = (
            self.env["recouvrement.dunning"].with_user(user).with_context(dunning_letter_html=True)
        )
        return dunning._send_reminders(
            dunning._get_plan(self.today, companies=self.company), self.today
        )

    def test_promise_problem_and_reply_go_to_the_customer_collector(self):
        promise = self.service._portal_promise(
            self.customer, str(self.today + timedelta(days=5)), "1200"
        )
        self.assertEqual(promise.activity_ids.user_id, self.controller)
        dispute = self.service._portal_dispute(
            self.customer, str(self.move.id), "quantity", "100", "Livraison incomplète"
        )
        self.assertEqual(dispute.activity_ids.user_id, self.controller)
        promise.state = "cancelled"
        event = self._send(self.manager)
        self.assertEqual(event.channel, "email")
        self._reply(event)
        self.assertTrue(event.reply_pending)
        self.assertEqual(event.activity_ids.user_id, self.controller)

    def test_reply_to_a_reminder_of_the_cron_reaches_a_person(self):
        """No collector, no collection responsible, no salesperson, the reminder sent by the
        cron (OdooBot): the reply goes to the administrator, not to OdooBot whom nobody
        reads."""
        self.company.recouvrement_user_id = False
        self.customer.with_company(self.company).collection_user_id = False
        event = self._send(self.env.ref("base.user_root"))
        self.assertEqual(event.user_id, self.env.ref("base.user_root"))
        self._reply(event)
        self.assertEqual(event.activity_ids.user_id, self.env.ref("base.user_admin"))


@tagged("post_install", "-at_install")
class TestCollectionTokenBreak(RecouvrementCommon, HttpCase):
    """Tampered tokens of the collection link (break test of issue 14 #2)."""

    def test_non_ascii_token_is_denied_not_an_error(self):
        """A token with non-ASCII characters (typed, or mangled by a mail client) is a wrong
        signature: 403, as any tampered token, not a server error (consteq refused to compare
        it: TypeError, 500)."""
        move = self._invoice(self.customer, 100.0, "2026-02-01", "2026-03-01")
        service = self.env["recouvrement.customer"]
        token = service._get_collection_token(self.customer)
        for tampered in ("é" * 64, "%C3%A9", token[:-1] + "é", "€"):
            response = self.url_open(f"/my/collection/{self.customer.id}?access_token={tampered}")
            self.assertEqual(response.status_code, 403, tampered)
            self.assertNotIn(move.name, response.text)
        self.assertFalse(service._check_collection_signature(self.customer.id, "é"))
        self.assertFalse(service._check_collection_token(self.customer, "é"))
        self.authenticate(None, None)
        response = self.url_open(
            "/my/collection/promise",
            data={
                "partner_id": self.customer.id,
                "access_token": token[:-1] + "é",
                "csrf_token": http.Request.csrf_token(self),
                "date": "2027-01-01",
                "amount": "10",
            },
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 403)
        self.assertFalse(
            self.env["recouvrement.promise"].search([("partner_id", "=", self.customer.id)])
        )


@tagged("post_install", "-at_install")
class TestCustomerPagesFrenchBreak(RecouvrementCommon, HttpCase):
    """What the customer reads (portal pages, reminder letters) is French for a French
    customer, every term of fr.po loaded (break test of issue 14: "French translation
    complete, portal pages included")."""

    def test_every_translated_term_of_the_customer_pages_is_loaded(self):
        """Odoo loads a module's fr.po through its .pot (``PoFileReader`` merges them: a
        term, or a view of a term, missing from the .pot is dropped): the bank details
        sentence of the collection page stayed English although fr.po translates it."""
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["recouvrement_b2b"], ["fr_FR"])
        po = polib.pofile(file_path("recouvrement_b2b/i18n/fr.po"))
        french = {e.msgid: e.msgstr for e in po if e.msgstr and e.msgstr != e.msgid}
        views = self.env["ir.model.data"].search(
            [
                ("module", "=", "recouvrement_b2b"),
                ("model", "=", "ir.ui.view"),
                "|",
                "|",
                ("name", "=like", "portal_%"),
                ("name", "=like", "dunning_letter_%"),
                ("name", "=like", "report_dunning_%"),
            ]
        )
        self.assertIn("portal_my_collection", views.mapped("name"))
        untranslated = []
        for data in views:
            view = self.env["ir.ui.view"].browse(data.res_id)
            field = view._fields["arch_db"]
            english = field.get_trans_terms(view.with_context(lang="en_US").arch_db or "")
            in_french = set(field.get_trans_terms(view.with_context(lang="fr_FR").arch_db or ""))
            untranslated += [(data.name, t) for t in english if t in french and t in in_french]
        self.assertEqual(untranslated, [])
        self.assertEqual(
            self.env(context={"lang": "fr_FR"})._("SMS not delivered"), "SMS non remis"
        )
        # the page of a French customer
        self.customer.lang = "fr_FR"
        today = fields.Date.context_today(self.env.user)
        self._invoice(self.customer, 1000.0, today - timedelta(days=90), today - timedelta(days=60))
        self.env["res.partner.bank"].create(
            {"acc_number": "FR7630006000011234567890189", "partner_id": self.company.partner_id.id}
        )
        url = self.env["recouvrement.customer"]._get_collection_url(self.customer)
        self.opener.cookies.clear()
        page = self.url_open(url.removeprefix(self.customer.get_base_url())).text
        self.assertIn("Paiement par virement sur l'IBAN", page)
        self.assertIn("Montant contesté, dans la devise de la facture", page)
        self.assertNotIn("Payment by bank transfer", page)
        self.assertNotIn("quoting the reference", page)
