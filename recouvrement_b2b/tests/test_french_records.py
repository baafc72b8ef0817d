import re
from datetime import timedelta

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import RecouvrementCommon

#: English words that must not appear in what a French database stores (issue 16)
ENGLISH = (
    "Dunning",
    "Reminder",
    "reached",
    "Credit",
    "hold",
    "invoice",
    "due",
    "None",
    "created",
    "Formal",
    "notice",
    "Litigation",
    "Case",
    "Registered",
    "letter",
)
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@tagged("post_install", "-at_install")
class TestFrenchRecords(RecouvrementCommon):
    """Text the module stores by code, read in a French database by a French credit controller:
    in the company's language for internal notes, the customer's for what is sent to it, dates
    and numbers formatted for it, whoever runs the dunning (here an English-speaking user)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env["ir.module.module"]._load_module_terms(["recouvrement_b2b"], ["fr_FR"])
        cls.policy = cls._standard_ladder()
        cls.level_notice = cls.policy.level_ids.filtered("is_formal_notice")
        cls.company.partner_id.lang = "fr_FR"
        cls.customer.lang = "fr_FR"
        cls.controller.lang = "en_US"

    def _run(self, date):
        """The cron's code path on ``date`` as the (English-speaking) credit controller."""
        date = fields.Date.to_date(date)
        dunning = (
            self.env["recouvrement.dunning"]
            .with_user(self.controller)
            .with_context(lang="en_US", dunning_letter_html=True)
        )
        with freeze_time(date):
            events = dunning._send_reminders(dunning._get_plan(date, companies=self.company), date)
            dunning._dunning_render_letters(events)
        return events

    def assertFrench(self, text):
        """``text`` holds no English word of ENGLISH and no ISO date."""
        words = set(re.findall(r"\w+", str(text)))
        self.assertFalse(words & set(ENGLISH), f"English in {text!r}")
        self.assertFalse(ISO_DATE.search(str(text)), f"ISO date in {text!r}")

    def test_dunning_stores_french_text(self):
        move = self._invoice(self.customer, 1500.0, "2026-01-01", "2026-01-31")
        self.env["recouvrement.dunning.event"].sudo().create(
            {
                "partner_id": self.customer.id,
                "company_id": self.company.id,
                "level_id": self.policy.level_ids[1].id,
                "date": "2026-02-01",
                "state": "sent",
                "move_ids": move.ids,
            }
        )
        notice = self._run("2026-03-17")
        self.assertEqual(notice.level_id, self.level_notice)
        # the hold (a level with credit_hold), internal: the company's language
        reason = self.customer.with_company(self.company).credit_hold_reason
        self.assertEqual(reason, "Niveau de relance Mise en demeure atteint")
        # the letter sent to the customer: its language, its date format
        self.assertEqual(
            notice.attachment_id.name, "Mise en demeure - Menuiserie Garnier - 17-03-2026.html"
        )
        bodies = notice.message_ids.mapped("body")
        self.assertIn(
            "Blocage du crédit&nbsp;: Niveau de relance Mise en demeure atteint", " ".join(bodies)
        )
        self.assertIn("pour 1 facture(s), 1", " ".join(bodies))
        with freeze_time("2026-03-18"):
            notice.with_user(self.controller).action_mark_posted()
        # the litigation level opens a case: its creation note in French
        events = self._run("2026-04-01")
        case = events.litigation_id
        self.assertTrue(case)
        stored = [reason, notice.attachment_id.name, notice.note or "", *bodies]
        stored += events.message_ids.mapped("body") + case.message_ids.mapped("body")
        for text in stored:
            self.assertFrench(text)
        # the creation notes (disabled in tests by the accounting test context): model names
        self.assertEqual(
            case.with_context(lang="fr_FR")._creation_message(), "Dossier contentieux créé"
        )
        self.assertEqual(
            notice.with_context(lang="fr_FR")._creation_message(), "Action de relance créée"
        )

    def test_french_notes_and_states_agree_with_their_noun(self):
        """Issue 16 (break test): mail's creation note "%s créé" gave "Promesse de paiement
        créé", a plan's state read "Active" (échéancier: masculine), a sent reminder "Envoyé"
        (action de relance: feminine) and a hold "Agence Martin est bloqué". Every model of the
        module has its own creation note; states and messages agree with their noun."""
        expected = {
            "recouvrement.call": "Appel de recouvrement créé",
            "recouvrement.claim.declaration": "Déclaration de créance créée",
            "recouvrement.dispute": "Litige commercial créé",
            "recouvrement.dunning.event": "Action de relance créée",
            "recouvrement.litigation": "Dossier contentieux créé",
            "recouvrement.payment.plan": "Échéancier créé",
            "recouvrement.promise": "Promesse de paiement créée",
            "recouvrement.statement.sending": "Relevé de compte envoyé",
        }
        threads = {
            name
            for name, model in self.env.registry.items()
            if model._original_module == "recouvrement_b2b"
            and issubclass(model, self.env.registry["mail.thread"])
            and not model._abstract
        }
        self.assertEqual(threads, set(expected))
        for name, note in expected.items():
            record = self.env[name].with_company(self.company).with_context(lang="en_US")
            self.assertEqual(record.browse()._creation_message(), note, name)
        fr = self.env(context=dict(self.env.context, lang="fr_FR"))

        def label(model, field, value):
            return dict(fr[model]._fields[field]._description_selection(fr))[value]

        self.assertEqual(
            [label("recouvrement.payment.plan", "state", v) for v in ("active", "broken")],
            ["En cours", "Rompu"],
        )
        self.assertEqual(
            [label("recouvrement.dunning.event", "state", v) for v in ("sent", "posted")],
            ["Envoyée", "Postée"],
        )
        self.assertEqual(label("recouvrement.dunning.level", "channel", "none"), "Aucun envoi")
        self.assertEqual(label("recouvrement.dunning.level", "tone", "courteous"), "Courtois")
        self.assertEqual(label("res.partner", "collective_proceedings", "none"), "Aucune")
        self.assertEqual(label("res.partner", "company_status", "active"), "Active")
        # a customer's feminine name: the credit is on hold, not the customer
        agency = self.env["res.partner"].create(
            {"name": "Agence Martin", "is_company": True, "lang": "fr_FR"}
        )
        with self.assertRaisesRegex(
            ValidationError, "^Indiquez pourquoi le crédit est bloqué pour Agence Martin.$"
        ):
            agency.with_context(lang="fr_FR").write({"credit_hold": True})
        agency.write({"credit_hold": True, "credit_hold_reason": "Impayés"})
        with freeze_time("2026-03-02"):
            reasons = fr["recouvrement.credit"]._get_hold_reasons(
                agency, self.company, {}, {"notices": [], "litigations": []}
            )
        self.assertIn("Crédit bloqué pour Agence Martin depuis le ", reasons[0])

    def test_shipped_rate_sources_read_in_french(self):
        """Issue 16 (break test): the shipped reference rates gave their source as research
        notes in English with ISO dates ("derived (2011-12-14 change) [semester rule applies by
        law only from 2013-01-01]", "S1;S2", "T1;T2"). A French user reads them in French,
        dates written out; the web addresses stay as they are."""
        rates = (
            self.env["recouvrement.penalty.rate"]
            .with_context(active_test=False, lang="fr_FR")
            .browse(
                self.env["ir.model.data"]
                .search(
                    [
                        ("module", "=", "recouvrement_b2b"),
                        ("model", "=", "recouvrement.penalty.rate"),
                    ]
                )
                .mapped("res_id")
            )
        )
        self.assertGreater(len(rates), 100)
        english = re.compile(
            r"\b(derived|change|also|secondary|verify|table|press|reports|in force|applies|rule|"
            r"[ST][1-5])\b",
            re.IGNORECASE,
        )
        for rate in rates:
            text = re.sub(
                r"(https?://)?[\w.-]+\.(fr|com|eu|law|gr|ro|xyz|htm|html)\S*", "", rate.source
            )
            self.assertNotRegex(text, ISO_DATE, rate.source)
            self.assertNotRegex(text, english, rate.source)
        self.assertEqual(
            self.env.ref("recouvrement_b2b.rate_ecb_mro_2012_s1").with_context(lang="fr_FR").source,
            "Taux en vigueur au 1er janvier ou au 1er juillet, d'après les changements de taux de "
            "la BCE (changement du 14 décembre 2011)\u202f; la règle du semestre ne s'applique "
            "légalement qu'à partir du 1er janvier 2013",
        )

    def test_message_record_names_in_company_language(self):
        """Issue 16 (break test): the demo's reminder emails were listed in Discuss and on the
        reminder as "Ferronnerie Rousseau - Courtesy reminder - 01/12/2026": the name of the
        record a message is about was stored in the language of whoever sent it (the cron's
        OdooBot, English). Our records' messages name them in the company's language."""
        self._invoice(self.customer, 1500.0, "2026-01-01", "2026-01-31")
        reminder = self._run("2026-02-01")
        self.assertEqual(reminder.level_id.with_context(lang="en_US").name, "Courteous reminder")
        self.assertTrue(reminder.mail_message_id)
        self.assertEqual(
            reminder.mail_message_id.record_name,
            "Menuiserie Garnier - Relance courtoise - 01/02/2026",
        )
        # any message of our models, posted by an English-speaking user
        with freeze_time("2026-02-02"):
            promise = self.env["recouvrement.promise"].create(
                {
                    "partner_id": self.customer.id,
                    "company_id": self.company.id,
                    "amount": 1500.0,
                    "date": "2026-02-20",
                }
            )
            message = (
                promise.with_user(self.controller)
                .with_context(lang="en_US")
                .message_post(body="Appel du client", subtype_xmlid="mail.mt_note")
            )
        self.assertEqual(
            message.record_name, "Menuiserie Garnier\xa0: 1\xa0500,00\xa0€ le 20/02/2026"
        )

    def test_display_names_have_french_dates(self):
        """Issue 16 (break test): the instalments calendar of the French demo titled its events
        "2026-12-01" and the reference rates read "Taux de refinancement principal de la BCE
        2026-06-17": names shown in French hold no ISO date, whatever the model."""
        move = self._invoice(self.customer, 1500.0, "2026-01-01", "2026-01-31")
        plan = self.env["recouvrement.payment.plan"].create(
            {
                "partner_id": self.customer.id,
                "company_id": self.company.id,
                "move_ids": [Command.set(move.ids)],
                "line_ids": [
                    Command.create(
                        {
                            "sequence": 1,
                            "date_due": "2026-03-01",
                            "amount": 300.0,
                            "is_down_payment": True,
                        }
                    ),
                    Command.create({"sequence": 2, "date_due": "2026-04-01", "amount": 1200.0}),
                ],
            }
        )
        rate = self.env["recouvrement.penalty.rate"].create(
            {"kind": "ecb_mro", "date_from": "2031-06-17", "value": 2.15}
        )
        french = self.env(context=dict(self.env.context, lang="fr_FR"))
        self.assertEqual(
            plan.line_ids.with_env(french).mapped("display_name"),
            [
                f"{plan.name}, acompte\xa0: 300,00\xa0€ le 01/03/2026",
                f"{plan.name}, échéance 1\xa0: 1\xa0200,00\xa0€ le 01/04/2026",
            ],
        )
        self.assertEqual(
            rate.with_env(french).display_name,
            "Taux de refinancement principal de la BCE du 17/06/2031",
        )
        # every record of the module's models, in French
        for model in self.env["ir.model"].search([("model", "=like", "recouvrement.%")]):
            records = french[model.model]
            if records._abstract or records._transient or not records._auto:
                continue
            for record in records.search([]):
                self.assertFalse(
                    ISO_DATE.search(record.display_name or ""),
                    f"ISO date in the name of {model.model} {record.id}: {record.display_name!r}",
                )

    def test_score_reason_names_the_dunning_level(self):
        """Issue 16 (break test): the score reasons read "Niveau de relance 5 atteint (-20
        points)": the rank of the level in its ladder. They name the highest level reached,
        in the user's language."""
        move = self._invoice(self.customer, 1500.0, "2026-01-01", "2026-01-31")
        self.env["recouvrement.dunning.event"].sudo().create(
            {
                "partner_id": self.customer.id,
                "company_id": self.company.id,
                "level_id": self.policy.level_ids[1].id,
                "date": "2026-02-01",
                "state": "sent",
                "move_ids": move.ids,
            }
        )
        notice = self._run("2026-03-17")
        self.assertEqual(notice.level_id, self.level_notice)
        self.assertEqual(move.dunning_level_id, self.level_notice)
        rank = list(self.policy.level_ids.sorted(lambda lv: (lv.sequence, lv.id))).index(
            self.level_notice
        )
        with freeze_time("2026-03-18"):
            for lang, reason in (
                ("fr_FR", "Niveau de relance «\xa0Mise en demeure\xa0» atteint (-"),
                ("en_US", 'Dunning level "Formal notice" reached (-'),
            ):
                customer = self.customer.with_company(self.company).with_context(lang=lang)
                customer.invalidate_recordset(["credit_score_reasons"])
                lines = customer.credit_score_reasons.splitlines()
                self.assertEqual(len([line for line in lines if line.startswith(reason)]), 1, lines)
                self.assertNotIn(f" {rank + 1} ", " ".join(lines))

    def test_score_reasons_in_french_numbers(self):
        credit = self.env["recouvrement.credit"].with_context(lang="fr_FR")
        label = credit._get_score_reason_label("days_late", {"days": 110.66, "points": 35.0})
        self.assertEqual(label, "Payé avec 110,7 jours de retard en moyenne (-35 points)")


@tagged("post_install", "-at_install")
class TestLetterLayout(RecouvrementCommon):
    """The letters carry their sender's block in their body (any wkhtmltopdf build shows it),
    are signed by the collection responsible, and each event prints its own level's letter."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.policy = cls._standard_ladder()
        cls.company.partner_id.write(
            {
                "street": "12 quai Perrache",
                "zip": "69002",
                "city": "Lyon",
                "siren": "734640972",
                "rcs": "RCS Lyon B 734 640 972",
                "vat": "FR90734640972",
            }
        )
        cls.controller.partner_id.function = "Chargée de recouvrement"
        cls.customer.with_company(cls.company).collection_user_id = cls.controller
        move = cls._invoice(cls.customer, 1500.0, "2026-01-01", "2026-01-31")
        cls.notice, cls.reminder = (
            cls.env["recouvrement.dunning.event"]
            .sudo()
            .create(
                [
                    {
                        "partner_id": cls.customer.id,
                        "company_id": cls.company.id,
                        "move_ids": [(6, 0, move.ids)],
                        "level_id": level.id,
                        "currency_id": move.currency_id.id,
                        "date": "2026-03-17",
                        "user_id": cls.env.ref("base.user_root").id,  # sent by the cron
                        # after one reminder delivered: the firm letter's "Second payment
                        # reminder" (none: "Payment reminder", test_reminder_wording)
                        "earlier_reminder_count": 1,
                    }
                    for level in (
                        cls.policy.level_ids.filtered("is_formal_notice"),
                        cls.policy.level_ids[2],
                    )
                ]
            )
        )

    def _text(self, report, event):
        html = self.env["ir.actions.report"]._render_qweb_html(report, event.ids)[0].decode()
        return " ".join(re.sub(r"<[^>]+>", " ", html).split())

    def test_company_block_and_signer(self):
        self.assertEqual(self.notice.user_id, self.env.ref("base.user_root"))  # sent by a cron
        text = self._text("recouvrement_b2b.action_report_dunning_formal_notice", self.notice)
        for expected in (
            "12 quai Perrache",
            "69002 Lyon",
            "SIREN 734 640 972",
            "RCS Lyon B 734 640 972",
            "VAT number FR90734640972",
            "Camille Contrôleur",
            "Chargée de recouvrement",
        ):
            self.assertIn(expected, text)
        self.assertNotIn("OdooBot", text)
        # no collector: the user who sent it, never the system
        self.customer.with_company(self.company).collection_user_id = False
        self.company.recouvrement_user_id = self.manager
        text = self._text("recouvrement_b2b.action_report_dunning_formal_notice", self.notice)
        self.assertIn("Morgane Manager", text)
        self.assertNotIn("OdooBot", text)

    def test_identifiers_grouped_in_every_document(self):
        """Issue 16 (break test): the injonction de payer file printed "SIREN : 734640972" and
        "SIRET : 73464097200018", the payment plan agreement "SIREN 377844832": every document
        prints SIRENs by three and SIRETs by three plus five, as the letters do."""
        self.company.partner_id.siret = "73464097200018"
        self.customer.write({"siren": "364808949", "siret": "36480894900010"})
        move = self.notice.move_ids
        case = self.env["recouvrement.litigation"].create(
            {
                "partner_id": self.customer.id,
                "company_id": self.company.id,
                "litigation_type": "recovery",
                "move_ids": [Command.set(move.ids)],
            }
        )
        plan = self.env["recouvrement.payment.plan"].create(
            {
                "partner_id": self.customer.id,
                "company_id": self.company.id,
                "move_ids": [Command.set(move.ids)],
                "line_ids": [Command.create({"date_due": "2026-04-01", "amount": 1500.0})],
            }
        )
        for report, record in (
            ("recouvrement_b2b.action_report_litigation_dossier", case),
            ("recouvrement_b2b.recouvrement_payment_plan_report", plan),
        ):
            text = self._text(report, record)
            self.assertIn("364 808 949", text, report)
            for compact in ("734640972", "364808949", "73464097200018", "36480894900010"):
                # not printed alone (the VAT number FR90734640972 holds the SIREN)
                self.assertNotRegex(text, rf"(?<!\w){compact}(?!\d)", report)
        text = self._text("recouvrement_b2b.action_report_litigation_dossier", case)
        for grouped in ("734 640 972", "734 640 972 00018", "364 808 949 00010"):
            self.assertIn(grouped, text)

    def test_identifiers_printed_grouped(self):
        """Issue 16 (found by the break test): the demo's bank account, stored compact (created
        before base_iban), was printed "FR5730003000507963949549B56" and the SIRENs compact;
        the letter prints the IBAN by four and the SIRENs by three, however stored."""
        bank = self.env["res.partner.bank"].create(
            {"acc_number": "FR7630006000011234567890189", "partner_id": self.company.partner_id.id}
        )
        self.env.cr.execute(
            "UPDATE res_partner_bank SET acc_number = %s WHERE id = %s",
            ("FR7630006000011234567890189", bank.id),
        )
        bank.invalidate_recordset(["acc_number"])
        self.customer.siren = "364808949"
        text = self._text("recouvrement_b2b.action_report_dunning_letter", self.reminder)
        self.assertIn("IBAN FR76 3000 6000 0112 3456 7890 189", text)
        self.assertIn("SIREN 734 640 972", text)
        self.assertIn("SIREN 364 808 949", text)
        self.assertNotIn("SIREN 734640972", text)

    def test_letter_signature_is_not_the_email_one(self):
        """Issue 16 (found by the break test): the letters printed Odoo's default email
        signature under the signer ("Camille Contrôleur ... -- Camille Contrôleur"); a letter
        prints the signer's own signature only."""
        self.assertIn("--", self.controller.signature)  # Odoo's default: "--" and the name
        text = self._text("recouvrement_b2b.action_report_dunning_letter", self.reminder)
        self.assertEqual(text.count("Camille Contrôleur"), 1)
        self.assertNotIn(" -- ", text)
        self.controller.signature = "<p>--<br/>Camille C., service recouvrement</p>"
        text = self._text("recouvrement_b2b.action_report_dunning_letter", self.reminder)
        self.assertIn("Camille C., service recouvrement", text)

    def test_each_event_prints_its_own_level_letter(self):
        # the reminder letter report on a formal notice event prints the formal notice
        text = self._text("recouvrement_b2b.action_report_dunning_letter", self.notice)
        self.assertIn("Formal notice to pay (mise en demeure)", text)
        self.assertNotIn("Second payment reminder", text)
        # and the formal notice report on a reminder event, the reminder letter
        text = self._text("recouvrement_b2b.action_report_dunning_formal_notice", self.reminder)
        self.assertIn("Second payment reminder", text)
        self.assertNotIn("mise en demeure", text)


@tagged("post_install", "-at_install")
class TestDefaultPolicySetting(RecouvrementCommon):
    def test_default_dunning_policy_in_settings(self):
        """The README's *Default dunning policy* setting: shown in the settings, saved on the
        company."""
        policy = self._standard_ladder()
        self.company.dunning_policy_id = False
        with Form(self.env["res.config.settings"]) as settings:
            settings.dunning_policy_id = policy
        self.assertEqual(self.company.dunning_policy_id, policy)


@tagged("post_install", "-at_install")
class TestFrenchMessages(RecouvrementCommon):
    """Numbers and dates in the messages a French credit controller reads (issue 16, found by
    the break test): errors and notes format them for the language (decimal comma, dd/mm/yyyy,
    amounts with their currency), never as Python writes them (``-50.0``, ``2026-03-31``)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env["ir.module.module"]._load_module_terms(["recouvrement_b2b"], ["fr_FR"])
        cls.company.partner_id.lang = "fr_FR"

    def _error(self, records, vals):
        """Normalised text of the ValidationError raised by ``records.write(vals)`` in French."""
        with self.assertRaises(ValidationError) as caught:
            records.with_context(lang="fr_FR").write(vals)
        return " ".join(str(caught.exception).replace("\ufeff", "").split())

    def test_validation_messages_format_numbers_and_dates(self):
        text = self._error(
            self.customer, {"credit_cover_start": "2026-06-01", "credit_cover_end": "2026-01-31"}
        )
        self.assertIn("(31/01/2026)", text)
        self.assertIn("(01/06/2026)", text)
        level = self._standard_ladder().level_ids[0]
        self.assertIn("(et non -5,50 €)", self._error(level, {"min_amount": -5.5}))
        rate = self.env["recouvrement.penalty.rate"].create(
            {"kind": "ecb_mro", "half_year": "2031-S1", "value": 2.15}
        )
        text = self._error(rate, {"value": 150.25})
        self.assertIn("150,25", text)
        self.assertNotIn("150.25", text)
        text = self._error(self.company, {"penalty_contract_rate": 120.5})
        self.assertIn("(et non 120,50)", text)
        text = self._error(self.company, {"penalty_indemnity_amount": -40.0})
        self.assertIn("entre 0,00 et 40,00 (et non -40,00)", text)
        invoice = self._invoice(self.customer, 900.0, "2026-01-05", "2026-02-04")
        with freeze_time("2026-03-02"):
            plan = self.env["recouvrement.payment.plan"].create(
                {
                    "partner_id": self.customer.id,
                    "first_date": "2026-03-31",
                    "move_ids": [Command.set(invoice.ids)],
                }
            )
            plan.action_compute_schedule()
        text = self._error(plan.line_ids[0], {"amount": -50.0})
        self.assertIn("31/03/2026", text)
        self.assertIn("(et non -50,00 €)", text)
        self.assertNotIn("2026-03-31", text)

    @freeze_time("2026-04-01")
    def test_handover_note_in_the_company_language(self):
        """The hand-over note is internal: the company's language (French) and its decimal
        comma, whoever hands the file over (here an English-speaking controller)."""
        self.controller.lang = "en_US"
        agency = self.env["res.partner"].create({"name": "Recouvrement Rhône Agence"})
        invoice = self._invoice(self.customer, 1200.0, "2026-01-05", "2026-02-04")
        case = self.env["recouvrement.litigation"].create(
            {
                "partner_id": self.customer.id,
                "litigation_type": "recovery",
                "move_ids": [Command.set(invoice.ids)],
                "agency_id": agency.id,
                "agency_fee_rate": 12.5,
            }
        )
        case.with_user(self.controller).with_context(lang="en_US").action_hand_over()
        body = " ".join(case.message_ids[0].body.split())
        self.assertIn(
            "Dossier confié à Recouvrement Rhône Agence (taux d'honoraires 12,50 %)", body
        )

    def test_cron_notes_in_the_company_language(self):
        """The payment plan check and the claim deadlines run as whoever runs the cron (here in
        English, as OdooBot of a database first installed in English, or the demo's install):
        their notes and activities are internal, in the company's language (French)."""
        en = self.env(context=dict(self.env.context, lang="en_US"))
        self.company.recouvrement_user_id = self.manager
        invoice = self._invoice(self.customer, 900.0, "2026-01-05", "2026-02-04")
        with freeze_time("2026-03-02"):
            plan = en["recouvrement.payment.plan"].create(
                {
                    "partner_id": self.customer.id,
                    "first_date": "2026-03-31",
                    "move_ids": [Command.set(invoice.ids)],
                }
            )
            plan.action_compute_schedule()
            plan.action_propose()
            plan.signature_date = "2026-03-02"
            plan.action_activate()
        with freeze_time("2026-05-01"):
            en["recouvrement.payment.plan"]._cron_check_plans()
        self.assertEqual(plan.state, "broken")
        body = " ".join(plan.message_ids[0].body.split())
        self.assertIn("Échéancier rompu&nbsp;: l'échéance du 31/03/2026", body)
        self.assertEqual(
            plan.activity_ids.mapped("summary"), [f"Échéancier rompu {plan.display_name}"]
        )
        debtor = self.env["res.partner"].create(
            {
                "name": "Textiles Blanc",
                "is_company": True,
                "collective_proceedings": "redressement",
                "proceedings_date": "2026-04-14",
            }
        )
        with freeze_time("2026-05-04"):
            declaration = en["recouvrement.claim.declaration"].create(
                {"partner_id": debtor.id, "publication_date": "2026-04-30"}
            )
        summaries = declaration.activity_ids.mapped("summary")
        self.assertTrue(summaries)
        self.assertTrue(
            all(summary.startswith("Déclarer la créance avant le") for summary in summaries),
            summaries,
        )


@tagged("post_install", "-at_install")
class TestDemoCompanyLadders(RecouvrementCommon):
    def test_demo_company_gets_the_three_ladders(self):
        """Issue 16 (found by the break test): the French demo company had the standard ladder
        only; the strategic and risky ladders the README describes stayed in the main company."""
        company = self.env["res.company"].create({"name": "Atelier Démo SAS"})
        # the demo runs as the superuser
        self.env["recouvrement.demo"].sudo()._copy_dunning_policy(company.id)
        policies = (
            self.env["recouvrement.dunning.policy"]
            .sudo()
            .search([("company_id", "=", company.id)], order="id")
        )
        shipped = (
            self.env.ref("recouvrement_b2b.dunning_policy_standard")
            | self.env.ref("recouvrement_b2b.dunning_policy_strategic")
            | self.env.ref("recouvrement_b2b.dunning_policy_risky")
        )
        self.assertEqual(policies.mapped("name"), shipped.mapped("name"))
        self.assertEqual(
            [len(policy.level_ids) for policy in policies],
            [len(policy.level_ids) for policy in shipped],
        )
        self.assertEqual(company.dunning_policy_id, policies[0])


@tagged("post_install", "-at_install")
class TestDemoPlansAnyHour(RecouvrementCommon):
    def test_demo_plans_start_when_the_server_date_is_the_users_yesterday(self):
        """CI of stop 28: the demo failed to install at 23:09 UTC, "the first instalment date
        cannot be before today (12/02/2026)": the XML dates its plans with the server's day
        (UTC, 1 December) and the schedule is checked with the user's (Paris, 2 December). The
        kind: every plan the demo starts, whatever its start, with a date one day before the
        user's today."""
        today = fields.Date.context_today(self.env.user)
        yesterday = today - timedelta(days=1)
        for months_ago, down_payment in ((0, 0.0), (0, 100.0), (2, 0.0)):
            with self.subTest(months_ago=months_ago, down_payment=down_payment):
                partner = self._customer(f"Demo {months_ago} {down_payment}")
                move = self._invoice(partner, 900.0, today - timedelta(days=90))
                plan = self.env["recouvrement.payment.plan"].create(
                    {
                        "partner_id": partner.id,
                        "company_id": self.company.id,
                        "move_ids": [Command.set(move.ids)],
                        "instalment_count": 3,
                        "frequency": "monthly",
                        "first_date": yesterday,
                        "down_payment": down_payment,
                        "down_payment_date": yesterday if down_payment else False,
                        "signature_date": yesterday - timedelta(days=65),
                    }
                )
                self.env["recouvrement.demo"]._start_payment_plans(plan.ids, months_ago=months_ago)
                self.assertIn(plan.state, ("active", "broken"))
                first = today - relativedelta(months=months_ago)
                self.assertEqual(plan.first_date, first)
                self.assertEqual(
                    plan.line_ids.filtered(lambda line: not line.is_down_payment)[:1].date_due,
                    first,
                )


@tagged("post_install", "-at_install")
class TestFrenchDossier(RecouvrementCommon):
    def test_dossier_step_column_in_french(self):
        """Issue 16 (found by the break test): the injonction de payer file headed its reminders'
        column "Pas de procédure" (a footstep); in French it is the "Étape"."""
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["recouvrement_b2b"], ["fr_FR"])
        self.customer.lang = "fr_FR"
        self.company.partner_id.lang = "fr_FR"
        move = self._invoice(self.customer, 1500.0, "2026-01-01", "2026-01-31")
        policy = self._standard_ladder()
        self.env["recouvrement.dunning.event"].sudo().create(
            {
                "partner_id": self.customer.id,
                "company_id": self.company.id,
                "level_id": policy.level_ids[1].id,
                "date": "2026-02-05",
                "state": "sent",
                "move_ids": move.ids,
            }
        )
        case = self.env["recouvrement.litigation"].create(
            {
                "partner_id": self.customer.id,
                "litigation_type": "recovery",
                "move_ids": [Command.set(move.ids)],
            }
        )
        html = (
            self.env["ir.actions.report"]
            .with_context(lang="fr_FR")
            ._render_qweb_html("recouvrement_b2b.action_report_litigation_dossier", case.ids)[0]
            .decode()
        )
        self.assertIn("<th>Étape</th>", html)
        self.assertNotIn("Pas de procédure", html)
