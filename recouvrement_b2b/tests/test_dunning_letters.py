import io
import subprocess
import tempfile

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import HttpCase, tagged
from odoo.tools import config
from odoo.tools.pdf import PdfFileReader

from .common import RecouvrementCommon


def pdf_text(data):
    """Text of a PDF document, as extracted by pdftotext (poppler)."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as pdf:
        pdf.write(data)
        pdf.flush()
        return subprocess.run(
            ["pdftotext", "-layout", pdf.name, "-"], capture_output=True, check=True, text=True
        ).stdout


@tagged("post_install", "-at_install")
class TestDunningLetters(RecouvrementCommon, HttpCase):
    """Letters rendered to PDF by wkhtmltopdf (it fetches the CSS from the test server)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.groups_id += cls.group_manager
        cls._standard_ladder()
        cls.company.partner_id.write({"siren": "734640972", "rcs": "RCS Lyon B 734 640 972"})
        cls.env["res.partner.bank"].create(
            {"acc_number": "FR7630006000011234567890189", "partner_id": cls.company.partner_id.id}
        )
        cls.customer.write({"siren": "364808949", "street": "7 rue de la Résistance"})
        cls.env["ir.config_parameter"].sudo().set_param(
            "report.url", f"http://127.0.0.1:{config['http_port']}"
        )

    def _run(self, date):
        """The cron's code path on ``date``, letters rendered to PDF, as the credit controller."""
        date = fields.Date.to_date(date)
        dunning = self.env["recouvrement.dunning"].with_user(self.controller)
        dunning = dunning.with_context(force_report_rendering=True)
        events = dunning._send_reminders(dunning._get_plan(date, companies=self.company), date)
        dunning._dunning_render_letters(events)  # the letters step
        return events

    def _reminded(self, partner):
        """A reminder already sent to ``partner`` for its invoices: a formal notice may follow
        (issue 17 #12; the notice presupposes a reminder naming each invoice)."""
        return (
            self.env["recouvrement.dunning.event"]
            .sudo()
            .create(
                {
                    "partner_id": partner.id,
                    "company_id": self.company.id,
                    "level_id": self.company.dunning_policy_id.level_ids[1].id,
                    "date": "2026-02-01",
                    "state": "sent",
                    "move_ids": self.env["account.move"]
                    .search([("partner_id", "=", partner.id), ("move_type", "=", "out_invoice")])
                    .ids,
                }
            )
        )

    def test_formal_notice_pdf(self):
        move = self._invoice(self.customer, 1500.0, "2026-01-01", "2026-01-31")
        self._reminded(self.customer)
        event = self._run("2026-03-17")
        self.assertTrue(event.level_id.is_formal_notice)
        self.assertEqual(event.attachment_id.mimetype, "application/pdf")
        text = " ".join(pdf_text(event.attachment_id.raw).split())
        for expected in (
            "Formal notice to pay (mise en demeure)",
            "Registered letter with acknowledgment of receipt",
            "SIREN 734 640 972",
            "RCS Lyon B 734 640 972",
            "Menuiserie Garnier",
            "SIREN 364 808 949",
            move.name,
            "Principal",
            "Late-payment penalties",
            "Fixed recovery indemnities",
            "1,500.00",
            # deadline: 8 days from its receipt (the letter is posted after it is printed: a
            # date counted from 17 March could have passed on arrival)
            "within 8 days of receipt of this letter",
            "injonction de payer",
            "FR76 3000 6000 0112 3456 7890 189",  # IBAN, formatted
        ):
            self.assertIn(expected, text)
        self.assertTrue(event.to_print)

    def test_formal_notice_with_five_invoices_fits_one_page(self):
        """Issue 16: a formal notice with two invoices spilled onto a second page; compact, with
        the sender's block in the body, five invoices fit one A4 page."""
        self.company.partner_id.write(
            {"street": "12 quai Perrache", "zip": "69002", "city": "Lyon", "vat": "FR90734640972"}
        )
        for day in range(1, 6):
            self._invoice(self.customer, 100.0 * day, f"2026-01-0{day}", f"2026-01-3{day % 2}")
        self._reminded(self.customer)
        event = self._run("2026-03-17")
        self.assertTrue(event.level_id.is_formal_notice)
        self.assertEqual(len(event.move_ids), 5)
        self.assertEqual(len(PdfFileReader(io.BytesIO(event.attachment_id.raw)).pages), 1)
        text = " ".join(pdf_text(event.attachment_id.raw).split())
        self.assertIn("12 quai Perrache", text)
        self.assertIn("VAT number FR90734640972", text)

    def test_french_formal_notice_full_company_block_fits_one_page(self):
        """Issue 16 (break test): the company block carries the share capital (art. R123-238
        Code de commerce) beside name, address, SIREN, RCS and VAT number, and a French formal
        notice (longer wording) with five invoices and the whole block still fits one page."""
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["recouvrement_b2b"], ["fr_FR"])
        self.customer.lang = "fr_FR"
        self.company.partner_id.write(
            {
                "street": "12 quai Perrache",
                "street2": "Bâtiment B",
                "zip": "69002",
                "city": "Lyon",
                "vat": "FR90734640972",
                "phone": "+33 4 78 00 00 00",
                "email": "compta@dubois.example.fr",
            }
        )
        self.company.recouvrement_share_capital = 150000.0
        for day in range(1, 6):
            self._invoice(self.customer, 100.0 * day, f"2026-01-0{day}", f"2026-01-3{day % 2}")
        self._reminded(self.customer)
        event = self._run("2026-03-17")
        self.assertTrue(event.level_id.is_formal_notice)
        self.assertEqual(len(event.move_ids), 5)
        self.assertEqual(len(PdfFileReader(io.BytesIO(event.attachment_id.raw)).pages), 1)
        text = " ".join(pdf_text(event.attachment_id.raw).split())
        for expected in (
            "12 quai Perrache",
            "Bâtiment B",
            "SIREN 734 640 972",
            "RCS Lyon B 734 640 972",
            "N° TVA intracommunautaire FR90734640972",
            "Capital social 150 000,00 €",
        ):
            self.assertIn(expected, text)

    def test_letter_in_the_customer_language(self):
        """French customers get the French wording (fr.po loaded, t-lang on the partner)."""
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["recouvrement_b2b"], ["fr_FR"])
        self.customer.lang = "fr_FR"
        self._invoice(self.customer, 1500.0, "2026-01-01", "2026-01-31")
        self._reminded(self.customer)
        text = " ".join(pdf_text(self._run("2026-03-17").attachment_id.raw).split())
        for expected in (
            "Lettre recommandée avec accusé de réception",
            "Mise en demeure de payer",
            "nous vous mettons en demeure",
            "Pénalités de retard (art. L441-10",
            # 1 500 x 12,15 % (2026-S1) x 45 days / 365 = 22,469... -> 22,47
            "22,47 €",
            "1 562,47 €",
            "Total dû 1 562,47 €",
            "dans les 8 jours suivant la réception de la présente lettre",
            "injonction de payer",
        ):
            self.assertIn(expected, text)

    def test_payment_sentence_with_and_without_bank_account(self):
        # Issue 17 #5: without a bank account the letter read "... with you. quoting the
        # reference ...". Every variant is a whole sentence, in English and in French.
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["recouvrement_b2b"], ["fr_FR"])
        move = self._invoice(self.customer, 1500.0, "2026-01-01", "2026-01-31")
        event = self._reminder_event(
            move, self.env.ref("recouvrement_b2b.dunning_level_firm"), "2026-02-20"
        )
        reference = event._get_payment_reference()
        Report = self.env["ir.actions.report"]

        def sentence(lang):
            self.customer.lang = lang
            html = Report._render_qweb_html(
                "recouvrement_b2b.action_report_dunning_letter", event.ids
            )[0].decode()
            text = " ".join(html.replace("<strong>", "").replace("</strong>", "").split())
            return text

        bank_en = "Payment by bank transfer to IBAN FR76 3000 6000 0112 3456 7890 189, quoting "
        self.assertIn(f"{bank_en}the reference {reference}.", sentence("en_US"))
        self.assertIn(
            "Paiement par virement sur l'IBAN FR76 3000 6000 0112 3456 7890 189, en rappelant "
            f"la référence {reference}.",
            sentence("fr_FR"),
        )
        self.company.partner_id.bank_ids.action_archive()
        text = sentence("en_US")
        self.assertIn(f"Please quote the reference {reference} with your payment.", text)
        self.assertNotIn("IBAN", text)
        self.assertIn(
            f"Merci de rappeler la référence {reference} avec votre paiement.", sentence("fr_FR")
        )

    def test_batch_print_merges_the_letters(self):
        second = self.env["res.partner"].create({"name": "Hôtel du Parc SAS", "is_company": True})
        self._invoice(self.customer, 1000.0, "2026-01-01", "2026-01-31")
        self._reminded(self.customer)
        self._invoice(second, 800.0, "2026-02-01", "2026-03-01")  # no email: letter
        self._reminded(self.customer)
        events = self._run("2026-03-17")
        self.assertEqual(events.mapped("channel"), ["registered", "letter"])
        pages = sum(
            len(PdfFileReader(io.BytesIO(event.attachment_id.raw)).pages) for event in events
        )
        action = events.with_user(self.controller).action_print_letters()
        attachment_id = int(action["url"].split("/")[-1].split("?")[0])
        merged = self.env["ir.attachment"].browse(attachment_id).raw
        self.assertEqual(len(PdfFileReader(io.BytesIO(merged)).pages), pages)
        text = pdf_text(merged)
        self.assertIn("mise en demeure", text)
        self.assertIn("Hôtel du Parc SAS", text)
        self.assertEqual(events.mapped("printed"), [True, True])
        self.assertFalse(events.filtered("to_print"))

    def test_level_attaches_the_customer_statement(self):
        """Issue 13 #4: a level with "Attach the customer statement" sends the statement of
        this company only, in the customer's language: attached to the email (by the letters
        step, before the mail queue sends it), appended to the letter in one PDF. A level
        without it sends none."""
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["recouvrement_b2b"], ["fr_FR"])
        company_b = self.setup_other_company(name="Filiale Lyon")["company"]
        mails = self.env["mail.mail"]
        # a level without the box: no statement
        plain = self._invoice(self.customer, 700.0, "2026-02-01", "2026-03-01")
        first = self._run("2026-03-17")
        self.assertEqual((first.partner_id, first.channel), (self.customer, "email"))
        first_mail = mails.search([("mail_message_id", "=", first.mail_message_id.id)])
        self.assertEqual(first_mail.state, "outgoing")
        self.assertFalse(first_mail.attachment_ids)
        self.assertFalse(first.attachment_id.name.startswith("Relev"))
        self.assertNotIn("Statement of Account", pdf_text(first.attachment_id.raw))
        # the box ticked on every level: a French customer by email, one without email by letter
        self.company.dunning_policy_id.level_ids.attach_statement = True
        french = self.env["res.partner"].create(
            {
                "name": "Boulangerie Morel",
                "is_company": True,
                "lang": "fr_FR",
                "email": "compta@morel.example.fr",
            }
        )
        by_post = self.env["res.partner"].create({"name": "Hôtel du Parc SAS", "is_company": True})
        french_move = self._invoice(french, 1234.5, "2026-02-01", "2026-03-01")
        self._invoice(french, 987.65, "2026-02-01", "2026-03-01", company=company_b)
        post_move = self._invoice(by_post, 800.0, "2026-02-01", "2026-03-01")
        events = self._run("2026-03-17")
        self.assertEqual(events.partner_id, french | by_post)
        email = events.filtered(lambda e: e.partner_id == french)
        letter = events.filtered(lambda e: e.partner_id == by_post)
        self.assertEqual((email.channel, letter.channel), ("email", "letter"))
        mail = mails.search([("mail_message_id", "=", email.mail_message_id.id)])
        self.assertEqual(mail.state, "outgoing")
        self.assertEqual(mail.attachment_ids.mapped("name"), ["Relevé Boulangerie Morel.pdf"])
        self.assertEqual(mail.attachment_ids.res_model, "recouvrement.dunning.event")
        self.assertEqual(mail.attachment_ids.mimetype, "application/pdf")
        text = " ".join(pdf_text(mail.attachment_ids.raw).split())
        self.assertIn("Relevé de compte", text)
        self.assertIn(french_move.name, text)
        self.assertIn("1 234,50 €", text)
        self.assertNotIn("987,65", text)  # company B's invoice of the same customer
        self.assertNotIn(plain.name, text)
        # the letter rendered again: still one statement on the email
        email.with_user(self.controller).action_regenerate_letter()
        self.assertEqual(len(mail.attachment_ids), 1)
        # the letter: the letter's pages then the statement's, one PDF
        text = " ".join(pdf_text(letter.attachment_id.raw).split())
        self.assertEqual(letter.attachment_id.mimetype, "application/pdf")
        split = text.index("Statement of Account")
        self.assertIn(post_move.name, text[:split])  # the letter
        self.assertIn(post_move.name, text[split:])  # the statement
        self.assertIn("Hôtel du Parc SAS", text[split:])
        self.assertGreaterEqual(len(PdfFileReader(io.BytesIO(letter.attachment_id.raw)).pages), 2)
        # nothing on the customer shared by the companies (issue 19)
        self.assertFalse(
            self.env["ir.attachment"].search(
                [("res_model", "=", "res.partner"), ("res_id", "in", (french | by_post).ids)]
            )
        )

    def test_letter_counts_once_posted(self):
        """A formal notice waits in To Post: no evidence in the litigation file nor formal
        notice for the credit check until it is marked posted (date, tracking number)."""
        self.company.recouvrement_hold_formal_notice = True
        move = self._invoice(self.customer, 1500.0, "2026-01-01", "2026-01-31")
        reminder = self._reminded(self.customer)
        with freeze_time("2026-03-17"):
            notice = self._run("2026-03-17")
        self.assertRecordValues(
            notice, [{"channel": "registered", "state": "to_post", "to_print": True}]
        )
        case = self.env["recouvrement.litigation"].create(
            {
                "partner_id": self.customer.id,
                "company_id": self.company.id,
                "move_ids": [Command.set(move.ids)],
                "litigation_type": "recovery",
            }
        )
        credit = self.env["recouvrement.credit"]
        self.assertEqual(case._get_dossier_events(), reminder)
        self.assertFalse(credit._get_formal_notice_partner_ids(self.customer, self.company))
        notice.tracking_number = "1A 234 567 8901 2"
        with freeze_time("2026-03-18"):
            notice.with_user(self.controller).action_mark_posted()
        self.assertRecordValues(
            notice,
            [
                {
                    "state": "posted",
                    "post_date": fields.Date.to_date("2026-03-18"),
                    "tracking_number": "1A 234 567 8901 2",
                }
            ],
        )
        self.assertEqual(case._get_dossier_events(), reminder | notice)
        self.assertEqual(
            credit._get_formal_notice_partner_ids(self.customer, self.company),
            {self.customer.id},
        )
        # a letter is posted once
        with self.assertRaisesRegex(UserError, "is not a letter to post"):
            notice.action_mark_posted()

    def test_print_mixed_selection(self):
        """Printing any selection merges one PDF: a formal notice (PDF), a letter kept as HTML
        (rendered again as PDF) and a reminder without a letter (left out); each letter can be
        rendered again from its event; the formal notice report prints several events."""
        second = self.env["res.partner"].create({"name": "Hôtel du Parc SAS", "is_company": True})
        self._invoice(self.customer, 1000.0, "2026-01-01", "2026-01-31")
        self._reminded(self.customer)
        self._invoice(second, 800.0, "2026-02-01", "2026-03-01")  # no email: letter
        dunning = self.env["recouvrement.dunning"].with_user(self.controller)
        date = fields.Date.to_date("2026-03-17")
        plan = dunning._get_plan(date, companies=self.company)
        pdf = dunning.with_context(force_report_rendering=True)
        notice = pdf._send_reminders(plan[:1], date)
        pdf._dunning_render_letters(notice)
        html = dunning.with_context(dunning_letter_html=True)
        letter = html._send_reminders(plan[1:], date)
        html._dunning_render_letters(letter)
        self.assertNotEqual(letter.attachment_id.mimetype, "application/pdf")  # HTML
        no_letter = (
            self.env["recouvrement.dunning.event"]
            .sudo()
            .create({"partner_id": second.id, "company_id": self.company.id, "date": date})
        )
        events = (notice | letter | no_letter).with_user(self.controller)
        action = events.with_context(force_report_rendering=True).action_print_letters()
        attachment_id = int(action["url"].split("/")[-1].split("?")[0])
        merged = self.env["ir.attachment"].browse(attachment_id).raw
        text = pdf_text(merged)
        self.assertIn("mise en demeure", text)
        self.assertIn("Hôtel du Parc SAS", text)
        self.assertEqual(letter.attachment_id.mimetype, "application/pdf")
        self.assertEqual((notice | letter).mapped("printed"), [True, True])
        # the formal notice report on several events at once
        content, report_type = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(
                "recouvrement_b2b.report_dunning_formal_notice", (notice | letter).ids
            )
        )
        self.assertEqual(report_type, "pdf")
        self.assertIn("Hôtel du Parc SAS", pdf_text(content))
        # any letter rendered again from its event
        before = notice.attachment_id
        notice.with_context(force_report_rendering=True).action_regenerate_letter()
        self.assertNotEqual(notice.attachment_id, before)
        self.assertEqual(notice.attachment_id.mimetype, "application/pdf")
