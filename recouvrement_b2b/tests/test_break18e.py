"""Issue 18, tried as an operator (branch break18): letters that never leave, letters without
a letter model, and the crons around the dunning run."""

import io
from unittest.mock import patch

import requests
from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools.pdf import PdfFileReader, PdfFileWriter

from ..models.recouvrement_company_register import CompanyRegisterError
from ..models.recouvrement_dunning import RecouvrementDunning
from ..tools import company_search
from .common import DunningRunCommon, RecouvrementCommon


@tagged("post_install", "-at_install")
class TestBreak18eLetters(DunningRunCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        # no email address: each email level of the ladder goes as a letter to post
        cls.by_post = cls.env["res.partner"].create(
            {"name": "Boulangerie Morel", "is_company": True, "lang": "fr_FR"}
        )
        cls.move = cls._invoice(cls.by_post, 1000.0, "2025-12-02", "2026-01-01")

    def test_cancelled_letter_to_post_puts_the_levels_back(self):
        """A letter cancelled before it was posted never reached the customer: its invoice
        goes back to its level before it, and the next run sends the reminder again (as an
        undelivered email: the ladder never escalates on a reminder not received)."""
        # 2026-01-02: 1 day late, the courteous reminder (days 1), by letter (no email)
        letter = self._run("2026-01-02")
        self.assertRecordValues(
            letter, [{"level_id": self.level_courteous.id, "channel": "letter", "state": "to_post"}]
        )
        self.assertEqual(self.move.dunning_level_id, self.level_courteous)
        letter.with_user(self.controller).write({"cancel_reason": "Adresse erronée"})
        with freeze_time("2026-01-03"):
            letter.with_user(self.controller).action_cancel()
        self.assertEqual(letter.state, "cancelled")
        self.assertFalse(self.move.dunning_level_id)  # before: the courteous level
        # 2026-01-05: the courteous reminder again (before: nothing until the firm one, day 15)
        again = self._run("2026-01-05")
        self.assertRecordValues(again, [{"level_id": self.level_courteous.id, "state": "to_post"}])

    def test_posted_letter_returned_undelivered(self):
        """A posted letter that comes back (address unknown) was never received: marked
        undelivered, it is no evidence any more, its invoice goes back to its level before
        it and the next run sends the reminder again."""
        letter = self._run("2026-01-02")
        with freeze_time("2026-01-03"):
            letter.with_user(self.controller).action_mark_posted()
        self.assertRecordValues(
            letter, [{"state": "posted", "post_date": fields.Date.to_date("2026-01-03")}]
        )
        with freeze_time("2026-01-08"):
            letter.with_user(self.controller).action_mark_undelivered()
        self.assertEqual(letter.state, "undelivered")
        self.assertIn("not delivered", letter.note)
        self.assertFalse(self.move.dunning_level_id)  # before: the courteous level
        again = self._run("2026-01-09")
        self.assertRecordValues(
            again,
            [{"level_id": self.level_courteous.id, "channel": "letter", "state": "to_post"}],
        )
        # only a posted letter comes back
        with self.assertRaisesRegex(UserError, "is not a posted letter"):
            again.with_user(self.controller).action_mark_undelivered()

    def test_letter_without_letter_model_has_a_letter(self):
        """A reminder that goes by post although its level has no letter model (an email or
        SMS level whose customer has no address for it, a letter level left without one) is
        printed on the shipped letter (the formal notice's for a formal-notice level): before,
        nothing was rendered and the letter to post could not be printed nor regenerated."""
        self.level_courteous.report_id = False
        letter = self._run("2026-01-02")
        self.assertRecordValues(
            letter, [{"channel": "letter", "state": "to_post", "letter_to_render": True}]
        )
        self.env["recouvrement.dunning"]._dunning_render_letters(letter)  # the letters step
        self.assertTrue(letter.attachment_id)
        self.assertIn("Boulangerie Morel", letter.attachment_id.raw.decode())
        self.assertEqual(
            letter._get_letter_report(),
            self.env.ref("recouvrement_b2b.action_report_dunning_letter"),
        )
        notice = self.env["recouvrement.dunning.event"].new(
            {"level_id": self.level_notice.id, "channel": "registered"}
        )
        self.level_notice.report_id = False
        self.assertEqual(
            notice._get_letter_report(),
            self.env.ref("recouvrement_b2b.action_report_dunning_formal_notice"),
        )
        # an email reminder without letter model attaches none
        email = self.env["recouvrement.dunning.event"].new(
            {"level_id": self.level_courteous.id, "channel": "email"}
        )
        self.assertFalse(email._get_letter_report())
        # regenerated from its event
        before = letter.attachment_id
        letter.with_user(self.controller).action_regenerate_letter()
        self.assertNotEqual(letter.attachment_id, before)

    def test_letters_retried_within_the_hour_when_rendering_fails(self):
        """wkhtmltopdf missing or failing: the letters step renders nothing, the letters wait
        and the step is tried again an hour later (before: no trigger, the letters waited for
        the daily call, the next day), so that letters leave the day wkhtmltopdf is fixed."""
        letter = self._run("2026-01-02")
        self.assertTrue(letter.letter_to_render)
        cron = self.env.ref("recouvrement_b2b.ir_cron_dunning_letters")
        Trigger = self.env["ir.cron.trigger"].sudo()
        before = Trigger.search([("cron_id", "=", cron.id)])
        progress = self.env["ir.cron.progress"].sudo().create({"cron_id": cron.id})
        dunning = (
            self.env["recouvrement.dunning"].sudo().with_context(ir_cron_progress_id=progress.id)
        )

        def missing_wkhtmltopdf(dunning, event, prerendered=None):
            raise OSError("wkhtmltopdf: command not found")

        with (
            freeze_time("2026-01-02 07:00:00"),
            patch.object(RecouvrementDunning, "_render_letter", missing_wkhtmltopdf),
            self.assertLogs("odoo.addons.recouvrement_b2b.models.recouvrement_dunning", "WARNING"),
        ):
            dunning._cron_render_letters()
        self.assertRecordValues(progress, [{"done": 0, "remaining": 1}])
        self.assertTrue(letter.letter_to_render)
        new = Trigger.search([("cron_id", "=", cron.id)]) - before
        # 07:00 + 60 minutes
        self.assertEqual(new.mapped("call_at"), [fields.Datetime.to_datetime("2026-01-02 08:00")])

    def _blank_pdf(self):
        writer = PdfFileWriter()
        writer.addBlankPage(595, 842)
        stream = io.BytesIO()
        writer.write(stream)
        return stream.getvalue()

    def _attach_blank_letters(self, letters):
        """Give each reminder of ``letters`` a rendered one-page PDF letter."""
        for letter in letters:
            file = self.env["ir.attachment"].create(
                {
                    "name": "letter.pdf",
                    "raw": self._blank_pdf(),
                    "mimetype": "application/pdf",
                    "res_model": letter._name,
                    "res_id": letter.id,
                }
            )
            letter.sudo().write({"attachment_id": file.id, "letter_to_render": False})

    def test_merged_letters_belong_to_no_customer(self):
        """The PDF that merges the letters of several customers is the printing user's file,
        not an attachment of the first customer's reminder: before, it was attached to that
        reminder (``res_model`` recouvrement.dunning.event, ``res_id`` its id), so one
        customer's record carried the letters of the others."""
        other = self.env["res.partner"].create({"name": "Garage Petit", "is_company": True})
        self._invoice(other, 500.0, "2025-12-02", "2026-01-01")
        letters = self._run("2026-01-02")
        self.assertEqual(len(letters), 2)
        self._attach_blank_letters(letters)
        action = letters.with_user(self.controller).action_print_letters()
        merged = self.env["ir.attachment"].browse(int(action["url"].split("/")[-1].split("?")[0]))
        self.assertEqual(len(PdfFileReader(io.BytesIO(merged.raw)).pages), 2)  # 1 + 1 pages
        self.assertRecordValues(
            merged, [{"res_model": False, "res_id": 0, "create_uid": self.controller.id}]
        )
        self.assertEqual(letters.mapped("printed"), [True, True])
        # each reminder keeps its own letter only
        for letter in letters:
            self.assertEqual(
                self.env["ir.attachment"].search(
                    [("res_model", "=", letter._name), ("res_id", "=", letter.id)]
                ),
                letter.attachment_id,
            )

    def test_tracking_number_recorded_once(self):
        """The tracking number of a posted registered letter is evidence, as its post and
        delivery dates: given once (after posting too), never rewritten (before: any user
        could replace it at any time)."""
        self.level_courteous.channel = "registered"
        letter = self._run("2026-01-02").with_user(self.controller)
        self.assertEqual(letter.channel, "registered")
        with freeze_time("2026-01-03"):
            letter.action_mark_posted()
        letter.tracking_number = "1A 234 567 8901 2"  # known once posted
        letter.tracking_number = "1A 234 567 8901 2"  # the same again: nothing rewritten
        with self.assertRaisesRegex(UserError, "was sent: its Tracking Number cannot be changed"):
            letter.tracking_number = "1A 999 999 9999 9"
        self.assertEqual(letter.tracking_number, "1A 234 567 8901 2")

    def test_cancelled_letter_is_not_printed(self):
        """Printing a selection that holds a cancelled letter leaves it out: it must not be
        posted (before: merged with the others and marked printed)."""
        other = self.env["res.partner"].create({"name": "Garage Petit", "is_company": True})
        self._invoice(other, 500.0, "2025-12-02", "2026-01-01")
        letters = self._run("2026-01-02")
        self._attach_blank_letters(letters)
        cancelled, kept = letters.with_user(self.controller)
        cancelled.write({"cancel_reason": "Client en liquidation"})
        cancelled.action_cancel()
        action = (cancelled | kept).action_print_letters()
        merged = self.env["ir.attachment"].browse(int(action["url"].split("/")[-1].split("?")[0]))
        self.assertEqual(len(PdfFileReader(io.BytesIO(merged.raw)).pages), 1)  # kept's only
        self.assertRecordValues(cancelled | kept, [{"printed": False}, {"printed": True}])
        with self.assertRaisesRegex(UserError, "None of the selected reminders has a letter"):
            cancelled.action_print_letters()


@tagged("post_install", "-at_install")
class TestBreak18eCompanyRegister(RecouvrementCommon):
    """The company register's answers with numbers where strings are expected, or a missing
    key: read when they can be read, else a warning on that customer; never a crash, never a
    false "unknown SIREN"."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Register = cls.env["recouvrement.company.register"]
        cls.customer.siren = "552120222"

    def _answer(self, results):
        """The register answers ``results`` to every lookup (no HTTP)."""
        self.patch(
            type(self.Register), "_get_results", lambda self, siren, max_timeout=None: results
        )

    def test_numbers_where_strings_are_expected_are_read(self):
        """Numbers for the SIREN, the street number, the postcode and the SIRET: read as the
        strings they stand for. Before: "SIREN 552 120 222 is unknown to the company register"
        (the entry's SIREN 552120222 is no string), the status cached as checked for a week."""
        self._answer(
            [
                {
                    "siren": 552120222,
                    "nom_complet": "SOCIETE GENERALE",
                    "etat_administratif": "A",
                    "siege": {
                        "numero_voie": 29,
                        "type_voie": "BD",
                        "libelle_voie": "HAUSSMANN",
                        "code_postal": 75009,
                        "libelle_commune": "PARIS",
                        "siret": 55212022200013,
                    },
                }
            ]
        )
        company = self.Register._get_company(self.customer)
        self.assertEqual(company["status"], "active")
        self.assertEqual(
            company["address"],
            {
                "street": "29 BD HAUSSMANN",
                "zip": "75009",
                "city": "PARIS",
                "siret": "55212022200013",
            },
        )

    @freeze_time("2026-03-10")
    def test_missing_or_odd_status_is_a_warning(self):
        """No ``etat_administratif``, or a number there: the answer cannot say whether the
        company is active; a warning on the customer, nothing recorded (before: the status
        "unknown" cached as checked today, with no warning)."""
        self._invoice(self.customer, 100.0, "2026-01-05", "2026-02-04")
        for state in (None, 1):
            entry = {"siren": "552120222", "nom_complet": "SOCIETE GENERALE"}
            if state is not None:
                entry["etat_administratif"] = state
            self._answer([entry])
            with self.assertRaises(CompanyRegisterError) as caught:
                self.Register._get_company(self.customer)
            self.assertEqual(caught.exception.reason, "bad_answer")
        self.assertEqual(self.Register._cron_check_company_status(), 1)
        self.assertIn("unreadable answer", self.customer.message_ids[0].body)
        self.assertRecordValues(
            self.customer,
            [
                {
                    "company_status": "unknown",
                    "company_status_date": False,
                    "company_status_attempt_date": fields.Date.to_date("2026-03-10"),
                }
            ],
        )

    @freeze_time("2026-03-10 08:00:00")
    def test_rate_limit_retry_after_any_form(self):
        """HTTP 429 with Retry-After as an HTTP date waits until that date (before: 60 s);
        with a digit Python reads but int() refuses ("²", latin-1 in a header) it waits the
        default 60 s (before: a ValueError that stopped the whole batch); a wait of centuries
        is a day (before: an OverflowError computing the cron's next call)."""
        self._invoice(self.customer, 100.0, "2026-01-05", "2026-02-04")
        cron = self.env.ref("recouvrement_b2b.ir_cron_recouvrement_company_status")
        Trigger = self.env["ir.cron.trigger"]
        for retry_after, call_at in (
            ("Tue, 10 Mar 2026 08:05:00 GMT", "2026-03-10 08:05:00"),  # 300 s from now
            ("\u00b2", "2026-03-10 08:01:00"),  # not a number of seconds: 60 s
            ("999999999999", "2026-03-11 08:00:00"),  # 31 700 years: one day at most
        ):
            response = requests.models.Response()
            response.status_code = 429
            response.headers["Retry-After"] = retry_after
            response._content = b"{}"
            self.patch(
                company_search.requests, "get", lambda *args, response=response, **kw: response
            )
            before = Trigger.search([("cron_id", "=", cron.id)])
            self.assertEqual(self.Register._cron_check_company_status(), 0)
            new = Trigger.search([("cron_id", "=", cron.id)]) - before
            self.assertEqual(new.call_at, fields.Datetime.to_datetime(call_at))
