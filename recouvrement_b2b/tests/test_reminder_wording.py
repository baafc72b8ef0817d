import importlib.util
import re

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import SQL, file_path

from .common import DunningRunCommon


def _migration():
    """The module ``migrations/18.0.1.0.4/post-migrate.py``, loaded from its file."""
    path = file_path("recouvrement_b2b/migrations/18.0.1.0.4/post-migrate.py")
    spec = importlib.util.spec_from_file_location("rb2b_post_migrate_18_0_1_0_4", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _text(html):
    """The words of ``html`` (str or Markup), tags left out, white space folded."""
    return " ".join(re.sub(r"<[^>]+>", " ", str(html)).split())


@tagged("post_install", "-at_install")
class TestReminderWording(DunningRunCommon):
    """Issue 17 (fault 4's kind, left open by the last stop): a reminder speaks only of the
    reminders its customer received about the invoices it lists. The shipped French ladder
    (``_standard_ladder``: courtesy -5, courteous 1, firm 15, last call 30, formal notice 45,
    litigation 60 days), its shipped email and letters, for a French customer and an English
    one. The old wording: the firm level always said "Despite our previous reminder" (letter
    headed "Second payment reminder"), the last call "Despite our reminders", the formal
    notice "Despite our previous reminders"."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env["ir.module.module"]._load_module_terms(["recouvrement_b2b"], ["fr_FR"])
        cls.customer.lang = "fr_FR"
        cls.english = cls._customer("Garnier Ltd", lang="en_US")

    def _send(self, day):
        """The dunning run on ``day`` with the letters rendered: ``{customer: event}``."""
        events = self._run(day)
        with freeze_time(day):
            self.Dunning.with_context(dunning_letter_html=True)._dunning_render_letters(events)
        return {event.partner_id: event for event in events}

    def _letter(self, event, day):
        """The words of ``event``'s letter printed on ``day`` (its level's report)."""
        with freeze_time(day):
            html = self.env["ir.actions.report"]._render_qweb_html(
                "recouvrement_b2b.report_dunning_letter", event.ids
            )[0]
        return _text(html.decode())

    def _email(self, event):
        """The words of ``event``'s email as sent (its message)."""
        self.assertEqual(event.channel, "email")
        return _text(event.mail_message_id.body)

    def _assert_says(self, text, expected, unexpected=()):
        for sentence in expected:
            self.assertIn(sentence, text)
        for sentence in unexpected:
            self.assertNotIn(sentence, text)

    def test_first_run_last_call_names_no_reminder(self):
        # 1 000 due 2026-01-01, first run on 2026-03-05: 63 days late, the litigation level
        # is due; no formal notice delivered nor reminder: capped to the last call (issue 17
        # #12). Nothing was sent before: the old email said "Despite our reminders, the
        # following invoices remain unpaid", the letter "Despite our reminders, the invoices
        # below remain unpaid". Right: no reference to earlier reminders.
        for customer in (self.customer, self.english):
            self._invoice(customer, 1000.0, "2025-12-01", "2026-01-01")
        sent = self._send("2026-03-05")
        for event in sent.values():
            self.assertRecordValues(
                event, [{"level_id": self.level_last_call.id, "earlier_reminder_count": 0}]
            )
        self._assert_says(
            self._email(sent[self.english]),
            [
                "The following invoices remain unpaid after their due date. This is our last "
                "reminder before formal proceedings"
            ],
            ["Despite"],
        )
        self._assert_says(
            self._letter(sent[self.english], "2026-03-05"),
            ["The invoices below remain unpaid after their due date. Unless they are paid"],
            ["Despite"],
        )
        self._assert_says(
            self._email(sent[self.customer]),
            [
                "Les factures suivantes restent impayées après leur échéance. Ceci est notre "
                "dernière relance avant l'engagement d'une procédure"
            ],
            ["Malgré", "Despite"],
        )
        self._assert_says(
            self._letter(sent[self.customer], "2026-03-05"),
            [
                "Les factures ci-dessous restent impayées après leur échéance. À défaut de "
                "paiement au plus tard"
            ],
            ["Malgré", "Despite"],
        )

    def test_one_then_two_delivered_reminders(self):
        # 1 000 due 2026-02-10: courteous email on 02-11 (1 day), firm on 02-25 (15 days,
        # after 1 reminder delivered: the singular), last call on 03-12 (30 days, after 2:
        # the plural).
        for customer in (self.customer, self.english):
            self._invoice(customer, 1000.0, "2026-01-10", "2026-02-10")
        courteous = self._send("2026-02-11")
        for event in courteous.values():
            self.assertRecordValues(
                event, [{"level_id": self.level_courteous.id, "earlier_reminder_count": 0}]
            )
        firm = self._send("2026-02-25")
        for event in firm.values():
            self.assertRecordValues(
                event, [{"level_id": self.level_firm.id, "earlier_reminder_count": 1}]
            )
        self._assert_says(
            self._email(firm[self.english]),
            ["Despite our previous reminder, the following invoices remain unpaid."],
            ["Despite our reminders"],
        )
        self._assert_says(
            self._letter(firm[self.english], "2026-02-25"),
            ["Second payment reminder", "Despite our previous reminder, the invoices below"],
        )
        self._assert_says(
            self._email(firm[self.customer]),
            ["Malgré notre précédente relance, les factures suivantes restent impayées."],
        )
        self._assert_says(
            self._letter(firm[self.customer], "2026-02-25"),
            ["Deuxième rappel de paiement", "Malgré notre précédente relance, les factures"],
        )
        last = self._send("2026-03-12")
        for event in last.values():
            self.assertRecordValues(
                event, [{"level_id": self.level_last_call.id, "earlier_reminder_count": 2}]
            )
        self._assert_says(
            self._email(last[self.english]),
            ["Despite our reminders, the following invoices remain unpaid."],
            ["previous reminder"],
        )
        self._assert_says(
            self._letter(last[self.english], "2026-03-12"),
            ["Despite our reminders, the invoices below remain unpaid."],
        )
        self._assert_says(
            self._email(last[self.customer]),
            ["Malgré nos relances, les factures suivantes restent impayées."],
        )
        self._assert_says(
            self._letter(last[self.customer], "2026-03-12"),
            ["Malgré nos relances, les factures ci-dessous restent impayées."],
        )

    def test_bounced_reminder_not_counted(self):
        # The courteous email of 02-11 bounced (undelivered): the firm reminder of 02-25 goes
        # by letter (the last email never arrived) and speaks of no reminder, old "Second
        # payment reminder ... Despite our previous reminder": 0 delivered.
        self._invoice(self.english, 1000.0, "2026-01-10", "2026-02-10")
        courteous = self._send("2026-02-11")[self.english]
        self.Dunning.sudo()._mark_undelivered(courteous, "550 5.1.1 user unknown")
        self.assertEqual(courteous.state, "undelivered")
        firm = self._send("2026-02-25")[self.english]
        self.assertRecordValues(
            firm,
            [{"level_id": self.level_firm.id, "channel": "letter", "earlier_reminder_count": 0}],
        )
        self._assert_says(
            self._letter(firm, "2026-02-25"),
            [
                "Payment reminder",
                "The invoices below remain unpaid after their due date. We ask you to settle "
                "them without delay",
            ],
            ["Second payment reminder", "Despite"],
        )

    def test_reminder_about_other_invoices_not_counted(self):
        # Invoice A due 02-01, reminded (courteous) on 02-02 then paid; invoice B due 02-10
        # reaches the firm level on 02-25 (15 days; its courteous level skipped): the reminder
        # of A told nothing about B, counted for the invoices listed: 0.
        move_a = self._invoice(self.english, 400.0, "2026-01-01", "2026-02-01")
        self.assertEqual(self._send("2026-02-02")[self.english].move_ids, move_a)
        self._pay(move_a, 400.0, "2026-02-05")
        move_b = self._invoice(self.english, 600.0, "2026-01-10", "2026-02-10")
        firm = self._send("2026-02-25")[self.english]
        self.assertRecordValues(
            firm, [{"level_id": self.level_firm.id, "earlier_reminder_count": 0}]
        )
        self.assertEqual(firm.move_ids, move_b)
        self.assertNotIn("Despite", self._email(firm))

    def test_formal_notice_after_one_reminder(self):
        # First run on 03-05: the last call (0 before). Its deadline 03-05 + 8 = 03-13; the
        # formal notice on 03-14, after exactly one delivered reminder: old "Despite our
        # previous reminders", right the singular.
        for customer in (self.customer, self.english):
            self._invoice(customer, 1000.0, "2025-12-01", "2026-01-01")
        self._send("2026-03-05")
        notices = self._send("2026-03-14")
        for event in notices.values():
            self.assertRecordValues(
                event, [{"level_id": self.level_notice.id, "earlier_reminder_count": 1}]
            )
        self._assert_says(
            self._letter(notices[self.english], "2026-03-14"),
            ["Despite our previous reminder, you still owe us the sums below"],
            ["previous reminders"],
        )
        self._assert_says(
            self._letter(notices[self.customer], "2026-03-14"),
            ["Malgré notre précédente relance, vous restez nous devoir les sommes ci-dessous"],
            ["précédentes relances"],
        )

    def test_reprint_keeps_the_wording_sent(self):
        # The firm reminder of 02-25 said "Despite our previous reminder" (1 delivered); the
        # last call of 03-12 is a second one. Printed again on 03-20, the firm letter still
        # says the singular, and its count cannot be rewritten by a user.
        self._invoice(self.english, 1000.0, "2026-01-10", "2026-02-10")
        self._send("2026-02-11")
        firm = self._send("2026-02-25")[self.english]
        sent_text = self._letter(firm, "2026-02-25")
        self._send("2026-03-12")
        reprint = self._letter(firm, "2026-03-20")
        self.assertIn("Despite our previous reminder, the invoices below", reprint)
        self.assertEqual(sent_text.split("Despite")[1][:60], reprint.split("Despite")[1][:60])
        with self.assertRaisesRegex(UserError, "Earlier Reminders Delivered"):
            firm.with_user(self.manager).write({"earlier_reminder_count": 2})

    def test_migration_keeps_the_wording_of_old_reminders(self):
        # Reminders sent before 18.0.1.0.4 have no count: the migration gives each the count
        # its old sentence stated (firm: 1, last call and formal notice: 2, others 0), so a
        # reprint says what was sent; a reminder with a count keeps it.
        move = self._invoice(self.english, 1000.0, "2026-01-10", "2026-02-10")
        events = {
            level: self._sent_event(move, level_id=level.id, earlier_reminder_count=0)
            for level in (self.level_courteous, self.level_firm, self.level_last_call)
        }
        notice = self._sent_event(move, level_id=self.level_notice.id, channel="registered")
        kept = self._sent_event(move, level_id=self.level_firm.id, earlier_reminder_count=3)
        old = self.env["recouvrement.dunning.event"].union(*events.values(), notice)
        self.env.flush_all()
        self.env.execute_query(
            SQL(
                "UPDATE recouvrement_dunning_event SET earlier_reminder_count = NULL "
                "WHERE id = ANY(%s)",
                old.ids,
            )
        )
        self.assertEqual(_migration().count_earlier_reminders_as_sent(self.env.cr), 4)
        (old + kept).invalidate_recordset(["earlier_reminder_count"])
        self.assertEqual((old + kept).mapped("earlier_reminder_count"), [0, 1, 2, 2, 3])
        self._assert_says(
            self._letter(events[self.level_firm], "2026-03-20"),
            ["Second payment reminder", "Despite our previous reminder, the invoices below"],
        )
        self._assert_says(
            self._letter(notice, "2026-03-20"),
            ["Despite our previous reminders, you still owe us"],
        )

    def test_migration_updates_the_shipped_email_wording_only(self):
        # The email template of a database installed before: its old passage (in English and
        # in French, as shipped) is replaced by the shipped one, in each language; a passage
        # a company reworded is kept.
        migration = _migration()
        template = self.env.ref("recouvrement_b2b.mail_template_dunning_reminder")
        shipped = {
            lang: str(template.with_context(lang=lang).body_html) for lang in ("en_US", "fr_FR")
        }
        self.assertIn("earlier_reminder_count", shipped["en_US"])
        self.assertIn("Malgré notre précédente relance", shipped["fr_FR"])

        def old_body(lang):
            code = lang[:2]
            new = migration.NEW_PASSAGES[code].strip()
            self.assertIn(new, shipped[lang])
            return shipped[lang].replace(new, migration.OLD_PASSAGES[code].strip())

        reworded = old_body("en_US").replace(
            "Despite our previous reminder, the following", "As we wrote, the following"
        )
        other = template.copy({"name": "Company's own"})
        self.env["ir.model.data"].create(
            {
                "module": "recouvrement_b2b",
                "name": "mail_template_dunning_reminder_test_copy",
                "model": "mail.template",
                "res_id": other.id,
            }
        )
        self.env.flush_all()
        for record, bodies in (
            (template, {"en_US": old_body("en_US"), "fr_FR": old_body("fr_FR")}),
            (other, {"en_US": reworded, "fr_FR": old_body("fr_FR")}),
        ):
            self.env.execute_query(
                SQL(
                    "UPDATE mail_template SET body_html = %s::jsonb WHERE id = %s",
                    fields.Json().convert_to_column(bodies, record),
                    record.id,
                )
            )
        self.env.invalidate_all()
        self.assertNotIn("earlier_reminder_count", template.body_html)
        self.assertEqual(migration.update_template_wording(self.env.cr), 1)
        self.env.invalidate_all()
        for lang, body in shipped.items():
            self.assertEqual(str(template.with_context(lang=lang).body_html), body)
        # not a template of the migration's list: untouched
        self.assertEqual(str(other.body_html), reworded)
        # the company's reworded passage is kept, the French value still shipped is replaced
        migration.TEMPLATES = ("mail_template_dunning_reminder_test_copy",)
        self.assertEqual(migration.update_template_wording(self.env.cr), 1)
        self.env.invalidate_all()
        self.assertEqual(str(other.body_html), reworded)
        self.assertEqual(str(other.with_context(lang="fr_FR").body_html), shipped["fr_FR"])
        self.assertEqual(migration.update_template_wording(self.env.cr), 0)  # done once


@tagged("post_install", "-at_install")
class TestCallWording(DunningRunCommon):
    """The shipped ladder for strategic customers (courteous email at 5 days, a call at 20, a
    last-call email at 40): a call reminds the customer once it is made."""

    def test_call_never_made_not_counted(self):
        # Two customers, 1 000 due 2026-03-02; first run on 2026-03-27 (25 days): the call
        # level for both. The collector reaches one (activity done), never calls the other.
        # Last call on 2026-04-13 (42 days): after the call made, 1 reminder ("Despite our
        # previous reminder"); after the call never made, none (old: "Despite our
        # reminders" for both).
        self._shipped_ladder("recouvrement_b2b.dunning_policy_strategic", "Strategic")
        reached, missed = self._customer("Verrerie"), self._customer("Cristallerie")
        for customer in (reached, missed):
            self._invoice(customer, 1000.0, "2026-02-01", "2026-03-02")
        calls = {event.partner_id: event for event in self._run("2026-03-27")}
        self.assertEqual({event.channel for event in calls.values()}, {"phone"})
        calls[reached].activity_ids.action_feedback(feedback="Reached: pays next week")
        last = {event.partner_id: event for event in self._run("2026-04-13")}
        self.assertEqual(last[reached].earlier_reminder_count, 1)
        self.assertEqual(last[missed].earlier_reminder_count, 0)
        self.assertIn(
            "Despite our previous reminder, the following invoices remain unpaid.",
            _text(last[reached].mail_message_id.body),
        )
        self.assertIn(
            "The following invoices remain unpaid after their due date.",
            _text(last[missed].mail_message_id.body),
        )


@tagged("post_install", "-at_install")
class TestDeclarationReminders(DunningRunCommon):
    """Issue 17, same kind: the claim declaration's supporting documents list the reminders
    the customer received in writing, as the litigation file does."""

    def test_declaration_lists_written_reminders_only(self):
        # Invoice A 10 000 due 2024-03-15 of a debtor in redressement (judgment 2024-04-14):
        # an email reminder of 2024-03-20, a call of 2024-03-25 and the transfer to
        # litigation of 2024-04-01 (no message), all recorded as sent. The old list: "Reminder
        # of 03/20/2024", "of 03/25/2024" and "of 04/01/2024"; right: the email only (a call
        # and an internal step are no document; the litigation file leaves them out too).
        debtor, move_a, _move_c = self._debtor_in_redressement(siren="882029382")
        self._sent_event(move_a, date="2024-03-20", level_id=self.level_courteous.id)
        self._sent_event(move_a, date="2024-03-25", channel="phone")
        self._sent_event(
            move_a, date="2024-04-01", channel="none", level_id=self.level_litigation.id
        )
        mandataire = self.env["res.partner"].create({"name": "SELARL Mandataires du Rhône"})
        declaration = self._declare_claims(debtor, mandataire, "2024-04-30")
        documents = declaration._get_documents()
        self.assertEqual(
            [document for document in documents if document.startswith("Reminder")],
            ["Reminder of 03/20/2024"],
        )
