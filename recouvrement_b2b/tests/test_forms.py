"""Issue 16 item 4: the forms say what is wrong while typing, fill what they can, and the
documents they print carry what a customer needs (IBAN, formal notice, documents)."""

import threading
from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from ..models import recouvrement_company_register
from .common import RecouvrementCommon
from .test_identity import SG_SIREN, SG_VAT, CompanySearchHandler, QuietServer, company_result

HEAD_OFFICE = {
    "siret": SG_SIREN + "00013",
    "numero_voie": "29",
    "type_voie": "BD",
    "libelle_voie": "HAUSSMANN",
    "code_postal": "75009",
    "libelle_commune": "PARIS 9",
}


@tagged("post_install", "-at_install")
class TestPartnerFormIdentity(RecouvrementCommon):
    """The SIREN typed in a company form: checked at once, the VAT number derived, name and
    address read from the company register (a local HTTP server speaking its JSON)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = QuietServer(("127.0.0.1", 0), CompanySearchHandler)
        thread = threading.Thread(target=cls.server.serve_forever, daemon=True)
        thread.start()
        cls.addClassCleanup(cls.server.server_close)
        cls.addClassCleanup(cls.server.shutdown)
        cls.env["ir.config_parameter"].sudo().set_param(
            "recouvrement_b2b.company_search_url", f"http://127.0.0.1:{cls.server.server_port}"
        )
        cls.Partner = cls.env["res.partner"].with_user(cls.controller)

    def setUp(self):
        super().setUp()
        result = dict(company_result(SG_SIREN, "SOCIETE GENERALE"), siege=HEAD_OFFICE)
        self.patch(CompanySearchHandler, "answers", {SG_SIREN: result})
        self.patch(CompanySearchHandler, "requests", [])
        recouvrement_company_register._FORM_CACHE.clear()
        self.addCleanup(recouvrement_company_register._FORM_CACHE.clear)

    def _new_company(self, **values):
        form = Form(self.Partner)
        form.company_type = "company"
        for name, value in values.items():
            setattr(form, name, value)
        return form

    def test_invalid_siren_said_while_typing(self):
        for typed, reason in (
            ("552 120 223", "its check digit is wrong"),
            ("55212022", "it does not have the right number of characters"),
            ("000 000 000", "it is a placeholder"),
        ):
            with self.subTest(typed=typed):
                form = self._new_company(name="Saisie Rapide")
                with self.assertLogs("odoo.tests.form.onchange", "WARNING") as logs:
                    form.siren_display = typed
                self.assertIn("Invalid SIREN", logs.output[0])
                self.assertIn(f"the SIREN {typed} is refused: {reason}", logs.output[0])
                self.assertFalse(form.vat, "nothing derived from a wrong number")
                self.assertEqual(CompanySearchHandler.requests, [])

    def test_invalid_siret_vat_rcs_said_while_typing(self):
        vat_label = self.env["res.partner"]._fields["vat"]._description_string(self.env)
        for field, typed, message in (
            (
                "siret_display",
                "55212022200014",
                "the SIRET 552 120 222 00014 is refused: its check digit is wrong",
            ),
            ("vat", "FR28552120222", f"the {vat_label} FR28552120222 is refused: its key does"),
            ("rcs", "RCS Paris C 552 120 222", "the register letter must be A (trader) or B"),
        ):
            with self.subTest(field=field):
                form = self._new_company(name="Saisie Rapide")
                with self.assertLogs("odoo.tests.form.onchange", "WARNING") as logs:
                    setattr(form, field, typed)
                self.assertIn("Invalid company number", logs.output[0])
                self.assertIn(message, logs.output[0])
        # numbers that do not agree (the SIREN was derived from the VAT number)
        form = self._new_company(name="Saisie Rapide", vat="FR64443061841")
        self.assertEqual(form.siren_display, "443 061 841")
        with self.assertLogs("odoo.tests.form.onchange", "WARNING") as logs:
            form.siret_display = "552 120 222 00013"
        self.assertIn(
            "the SIRET 552 120 222 00013 is refused: it does not start with the SIREN 443 061 841",
            logs.output[0],
        )

    def test_vat_derived_from_siren(self):
        # key = (12 + 3 x (552120222 mod 97)) mod 97 = (12 + 3 x 5) mod 97 = 27
        self.assertEqual(552120222 % 97, 5)
        form = self._new_company(name="Société Générale", country_id=self.env.ref("base.fr"))
        form.siren_display = "552 120 222"
        self.assertEqual(form.vat, SG_VAT)
        # a VAT number typed by the user is never replaced
        form = self._new_company(name="Autre", vat="FR64443061841")
        form.siren_display = "443 061 841"
        self.assertEqual(form.vat, "FR64443061841")
        # a company outside France gets no French VAT number
        form = self._new_company(name="Société belge", country_id=self.env.ref("base.be"))
        form.siren_display = "552 120 222"
        self.assertFalse(form.vat)

    def test_new_company_filled_from_register(self):
        form = self._new_company()
        form.siren_display = "552120222"
        self.assertEqual(form.name, "SOCIETE GENERALE")
        self.assertEqual(form.street, "29 BD HAUSSMANN")
        self.assertEqual(form.zip, "75009")
        self.assertEqual(form.city, "PARIS 9")
        self.assertEqual(form.country_id, self.env.ref("base.fr"))
        self.assertEqual(form.siret_display, "552 120 222 00013")
        self.assertEqual(form.vat, SG_VAT)
        partner = form.save()
        self.assertRecordValues(
            partner, [{"siren": SG_SIREN, "siret": SG_SIREN + "00013", "vat": SG_VAT}]
        )
        self.assertEqual(CompanySearchHandler.requests, [SG_SIREN])
        # Typed again the same day: the answer comes from the cache, not the register.
        form = self._new_company(street="1 rue du Typé")
        form.siren_display = "552 120 222"
        self.assertEqual(form.name, "SOCIETE GENERALE")
        self.assertEqual(form.street, "1 rue du Typé", "what the user typed is kept")
        self.assertEqual(CompanySearchHandler.requests, [SG_SIREN])
        # A company with a name already typed is not looked up (the user fills it).
        form = self._new_company(name="Ma société")
        form.siren_display = "443 061 841"
        self.assertFalse(form.street)
        self.assertEqual(CompanySearchHandler.requests, [SG_SIREN])

    def test_register_siret_filled_only_when_valid(self):
        # the register's data never makes the save fail: a SIRET with a wrong check digit, or
        # of another company, is left out; the rest is filled
        for siret in (SG_SIREN + "00014", "44306184100047"):
            with self.subTest(siret=siret):
                recouvrement_company_register._FORM_CACHE.clear()
                result = dict(
                    company_result(SG_SIREN, "SOCIETE GENERALE"),
                    siege=dict(HEAD_OFFICE, siret=siret),
                )
                self.patch(CompanySearchHandler, "answers", {SG_SIREN: result})
                form = self._new_company()
                form.siren_display = "552 120 222"
                self.assertEqual(form.name, "SOCIETE GENERALE")
                self.assertEqual(form.city, "PARIS 9")
                self.assertFalse(form.siret_display)
                self.assertRecordValues(form.save(), [{"siren": SG_SIREN, "siret": False}])

    def test_register_down_leaves_form_as_typed(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "recouvrement_b2b.company_search_url", "http://127.0.0.1:9"
        )
        form = self._new_company()
        with self.assertLogs("odoo.tests.form.onchange", "WARNING") as logs:
            form.siren_display = "552 120 222"
        self.assertIn(
            "The company register cannot be reached; nothing was changed. Fill the name and "
            "address by hand.",
            logs.output[0],
        )
        self.assertFalse(form.name)
        self.assertEqual(form.vat, SG_VAT, "the VAT number needs no register")
        # unknown SIREN (register reachable again): said, nothing filled
        self.env["ir.config_parameter"].sudo().set_param(
            "recouvrement_b2b.company_search_url", f"http://127.0.0.1:{self.server.server_port}"
        )
        form = self._new_company()
        with self.assertLogs("odoo.tests.form.onchange", "WARNING") as logs:
            form.siren_display = "443 061 841"
        self.assertIn("443 061 841 is unknown to the company register", logs.output[0])
        self.assertFalse(form.name)

    @freeze_time("2026-03-10")
    def test_check_status_register_down_gives_last_known_status(self):
        self.customer.write(
            {"siren": SG_SIREN, "company_status": "active", "company_status_date": "2026-01-05"}
        )
        self.env["ir.config_parameter"].sudo().set_param(
            "recouvrement_b2b.company_search_url", "http://127.0.0.1:9"
        )
        action = self.customer.with_user(self.controller).action_check_company_status()
        self.assertEqual(
            action["params"]["message"],
            "The company register cannot be reached; nothing was changed. "
            "Last known status: Active, from 01/05/2026.",
        )
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["recouvrement_b2b"], ["fr_FR"])
        action = (
            self.customer.with_user(self.controller)
            .with_context(lang="fr_FR")
            .action_check_company_status()
        )
        self.assertEqual(
            action["params"]["message"],
            "Le registre des entreprises est injoignable\u202f; rien n'a été modifié. "
            "Dernier statut connu\xa0: Active, au 05/01/2026.",
        )
        self.assertRecordValues(
            self.customer,
            [{"company_status": "active", "company_status_date": date(2026, 1, 5)}],
        )


@tagged("post_install", "-at_install")
class TestDocumentsFromForms(RecouvrementCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.inv_1 = cls._invoice(cls.customer, 1000.0, "2025-01-01", "2025-01-31")
        cls.inv_2 = cls._invoice(cls.customer, 600.0, "2025-02-01", "2025-02-28")
        cls.bank = cls.env["res.partner.bank"].create(
            {"acc_number": "FR7630006000011234567890189", "partner_id": cls.company.partner_id.id}
        )
        policy = cls.env["recouvrement.dunning.policy"].sudo().create({"name": "Échelle"})
        Level = cls.env["recouvrement.dunning.level"].sudo()
        cls.levels = {
            key: Level.create(
                {
                    "name": name,
                    "policy_id": policy.id,
                    "days": days,
                    "sequence": days,
                    "channel": channel,
                    **extra,
                }
            )
            for key, name, days, channel, extra in (
                ("letter", "Relance", 10, "letter", {}),
                ("phone", "Appel", 20, "phone", {}),
                ("formal", "Mise en demeure", 30, "registered", {"is_formal_notice": True}),
                ("none", "Transfert", 60, "none", {}),
            )
        }

    def _plan(self, **values):
        wizard_model = (
            self.env["recouvrement.payment.plan.wizard"]
            .with_user(self.controller)
            .with_context(active_model="account.move", active_ids=(self.inv_1 | self.inv_2).ids)
        )
        with Form(wizard_model) as form:
            form.instalment_count = 2
            form.first_date = date(2025, 4, 15)
            for name, value in values.items():
                setattr(form, name, value)
        action = form.record.action_create_plan()
        return self.env["recouvrement.payment.plan"].browse(action["res_id"])

    @freeze_time("2025-03-20")
    def test_down_payment_due_when_agreed(self):
        plan = self._plan(down_payment=400.0)
        self.assertEqual(plan.down_payment_date, date(2025, 3, 20))
        self.assertRecordValues(
            plan.line_ids,
            [
                {"date_due": date(2025, 3, 20), "amount": 400.0, "is_down_payment": True},
                {"date_due": date(2025, 4, 15), "amount": 600.0, "is_down_payment": False},
                {"date_due": date(2025, 5, 15), "amount": 600.0, "is_down_payment": False},
            ],
        )
        # a date typed by the user is kept
        plan.unlink()
        plan = self._plan(down_payment=400.0, down_payment_date=date(2025, 3, 31))
        self.assertEqual(plan.line_ids[0].date_due, date(2025, 3, 31))

    @freeze_time("2025-03-20")
    def test_plan_agreement_carries_iban_and_creditor(self):
        self.company.partner_id.write({"siren": "734640972", "street": "3 rue des Tanneurs"})
        plan = self._plan()
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("recouvrement_b2b.recouvrement_payment_plan_report", plan.ids)[0]
            .decode()
        )
        self.assertIn("Bank transfer to the IBAN", html)
        self.assertIn("<strong>FR76 3000 6000 0112 3456 7890 189</strong>", html)
        self.assertIn("Account holder", html)
        self.assertIn(
            f"Please quote the reference <strong>{plan.name}</strong> with each payment.", html
        )
        self.assertIn("SIREN 734 640 972", html)
        self.assertIn("3 rue des Tanneurs", html)
        # in the customer's language
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["recouvrement_b2b"], ["fr_FR"])
        self.customer.lang = "fr_FR"
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("recouvrement_b2b.recouvrement_payment_plan_report", plan.ids)[0]
            .decode()
        )
        self.assertIn("Modalités de paiement", html)
        self.assertIn("Virement sur l'IBAN", html)
        self.assertIn("Titulaire du compte", html)
        self.assertIn(f"Merci de rappeler la référence <strong>{plan.name}</strong> à chaque", html)
        # the bank account of the invoices comes first
        other = self.env["res.partner.bank"].create(
            {"acc_number": "FR1420041010050500013M02606", "partner_id": self.company.partner_id.id}
        )
        self.inv_1.button_draft()
        self.inv_1.partner_bank_id = other
        self.inv_1.action_post()
        self.assertEqual(plan._get_bank_account(), other)

    def _event(self, moves, day, level="formal", state="sent"):
        level = self.levels[level]
        return (
            self.env["recouvrement.dunning.event"]
            .sudo()
            .create(
                {
                    "partner_id": self.customer.id,
                    "company_id": self.company.id,
                    "level_id": level.id,
                    "move_ids": [Command.set(moves.ids)],
                    "channel": level.channel,
                    "state": state,
                    "date": day,
                }
            )
        )

    def _case(self, moves):
        return (
            self.env["recouvrement.litigation"]
            .with_user(self.controller)
            .create(
                {
                    "partner_id": self.customer.id,
                    "move_ids": [Command.set(moves.ids)],
                    "litigation_type": "recovery",
                }
            )
        )

    def test_case_picks_up_formal_notice_date(self):
        self._event(self.inv_1, "2025-03-05")
        self._event(self.inv_1 | self.inv_2, "2025-03-12")
        self._event(self.inv_1, "2025-03-20")  # a second notice changes nothing
        # the day the last of its invoices received its first formal notice
        self.assertEqual(self._case(self.inv_1 | self.inv_2).formal_notice_date, date(2025, 3, 12))

    def test_case_picks_up_formal_notice_date_when_invoices_are_added(self):
        """Issue 16 (break test): a case opened for the customer first, its invoices added
        afterwards (the form's second save, the kanban), never got its formal notice date."""
        self._event(self.inv_1, "2025-03-05")
        self._event(self.inv_1 | self.inv_2, "2025-03-12")
        case = self._case(self.env["account.move"])
        self.assertFalse(case.formal_notice_date)
        case.move_ids = self.inv_1
        self.assertEqual(case.formal_notice_date, date(2025, 3, 5))
        case.move_ids |= self.inv_2
        self.assertEqual(case.formal_notice_date, date(2025, 3, 12))
        # a date typed by the user is kept
        case.formal_notice_date = date(2025, 3, 7)
        case.move_ids = self.inv_2
        self.assertEqual(case.formal_notice_date, date(2025, 3, 7))

    def test_case_without_notice_on_every_invoice_stays_empty(self):
        self._event(self.inv_1, "2025-03-05")
        self._event(self.inv_2, "2025-03-06", state="cancelled")
        self.assertFalse(self._case(self.inv_1 | self.inv_2).formal_notice_date)

    def test_case_in_proceedings_keeps_a_notice_sent_before_the_judgment(self):
        self._event(self.inv_1, "2025-03-05")
        self.customer.sudo().write(
            {"collective_proceedings": "redressement", "proceedings_date": date(2025, 3, 10)}
        )
        # L622-21 C. com. stops individual actions from the judgment on: a formal notice sent
        # before it is a past fact, the case records it
        self.assertEqual(self._case(self.inv_1).formal_notice_date, date(2025, 3, 5))
        # a formal notice after the judgment is refused
        self._event(self.inv_2, "2025-03-12")
        with self.assertRaises(UserError):
            self._case(self.inv_2)

    def test_bordereau_lists_documents_only(self):
        self._event(self.inv_1, "2025-03-05", level="letter")
        self._event(self.inv_1, "2025-03-08", level="none")
        self._event(self.inv_1, "2025-03-09", level="phone")
        case = self._case(self.inv_1)
        documents = case._get_dossier_documents()
        self.assertEqual(
            documents,
            [
                f"Invoice {self.inv_1.name} of 01/01/2025",
                "Reminder of 03/05/2025 (Letter)",
            ],
        )
