import json
import re
from pathlib import Path

from lxml import etree

from odoo.modules.migration import load_script
from odoo.modules.module import get_manifest
from odoo.tests import tagged
from odoo.tools import file_path
from odoo.tools.safe_eval import safe_eval, time

from .common import RecouvrementCommon


@tagged("post_install", "-at_install")
class TestBreak16(RecouvrementCommon):
    """Issue 16, break test: what a French credit controller reads, in the French interface."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env["ir.module.module"]._load_module_terms(["recouvrement_b2b"], ["fr_FR"])
        cls.fr = cls.env(context=dict(cls.env.context, lang="fr_FR"))

    def _states(self, model, field="state"):
        """{value: French label} of ``model``'s ``field``, as the web client receives it."""
        return dict(self.fr[model].fields_get([field])[field]["selection"])

    def test_state_labels_agree_with_their_noun(self):
        """A promise (promesse, feminine) read "Annulé" and "Rompu", a reminder (action de
        relance) "Annulé", an instalment (échéance) "Payé", a declaration "Clôturé": one French
        label was shared by English labels of nouns of both genders. Each model's states agree
        with its noun, and so do its ribbons and filters."""
        expected = {
            "recouvrement.promise": {
                "running": "En cours",
                "kept": "Tenue",
                "broken": "Rompue",
                "cancelled": "Annulée",
            },
            "recouvrement.payment.plan": {
                "draft": "Brouillon",
                "proposed": "Proposé",
                "active": "En cours",
                "completed": "Soldé",
                "broken": "Rompu",
                "cancelled": "Annulé",
            },
            "recouvrement.dunning.event": {
                "draft": "Brouillon",
                "to_post": "À poster",
                "sent": "Envoyée",
                "posted": "Postée",
                "undelivered": "Non remise",
                "failed": "En échec",
                "cancelled": "Annulée",
            },
            "recouvrement.payment.plan.line": {
                "to_pay": "À payer",
                "partial": "Partiellement payée",
                "paid": "Payée",
                "late": "En retard",
            },
            "recouvrement.claim.declaration": {
                "draft": "À déclarer",
                "declared": "Déclarée",
                "closed": "Clôturée",
            },
        }
        for model, labels in expected.items():
            self.assertEqual(self._states(model), labels, model)
        self.assertEqual(self._states("recouvrement.litigation.stage", "step")["closed"], "Clôturé")
        self.assertEqual(self._states("recouvrement.litigation", "step")["closed"], "Clôturé")
        self.assertEqual(
            self._states("recouvrement.payment.plan.line", "plan_state"),
            expected["recouvrement.payment.plan"],
        )
        # ribbons and filters of the forms and searches
        views = {
            "recouvrement.promise": ['title="Rompue"', 'string="Rompue"'],
            "recouvrement.payment.plan": ['title="Rompu"', 'string="Rompu"'],
            "recouvrement.claim.declaration": ['string="Clôturée"'],
            "recouvrement.litigation": ['title="Clôturé"', 'string="Clôturé"'],
        }
        for model, texts in views.items():
            arch = "".join(
                view["arch"]
                for view in self.fr[model]
                .get_views([(False, "form"), (False, "search")])["views"]
                .values()
            )
            for text in texts:
                self.assertIn(text, arch, model)

    def test_migration_gives_old_databases_the_shipped_sources(self):
        """Upgrade to 18.0.1.0.2: a database installed before kept the English research notes
        of the shipped rates ("derived", "S2;S3", noupdate records). Each rate still holding its
        old note gets the shipped sentence, its French from fr.po; a source or a translation a
        user wrote stays (migrations/18.0.1.0.2, run here on data in the old shape)."""
        post = load_script(
            "recouvrement_b2b/migrations/18.0.1.0.2/post-migrate.py",
            "rb2b_post_migrate_18_0_1_0_2",
        )
        ref = self.env.ref
        old_note = ref("recouvrement_b2b.rate_ecb_mro_2013_s1")  # shipped as "derived"
        old_copied = ref("recouvrement_b2b.rate_ecb_mro_2012_s1")  # old note copied in French
        old_french_edit = ref("recouvrement_b2b.rate_ecb_mro_2013_s2")  # French set by a user
        user_edit = ref("recouvrement_b2b.rate_ecb_mro_2014_s1")  # English set by a user
        old_2012 = "derived (2011-12-14 change) [semester rule applies by law only from 2013-01-01]"
        shapes = {
            old_note: {"en_US": "derived"},
            old_copied: {"en_US": old_2012, "fr_FR": old_2012},
            old_french_edit: {"en_US": "derived", "fr_FR": "Vérifié sur ecb.europa.eu"},
            user_edit: {"en_US": "Checked on ecb.europa.eu", "fr_FR": "Vérifié sur le site"},
        }
        self.env.flush_all()
        for rate, source in shapes.items():
            self.env.cr.execute(
                "UPDATE recouvrement_penalty_rate SET source = %s::jsonb WHERE id = %s",
                [json.dumps(source), rate.id],
            )
        self.env.invalidate_all()
        self.assertEqual(post.rewrite_old_sources(self.env.cr), 3)
        # the module update then loads the French missing from the records
        self.env["ir.module.module"]._load_module_terms(["recouvrement_b2b"], ["fr_FR"])
        self.env.invalidate_all()
        english = "Rate in force on 1 January or 1 July, from the ECB rate changes"
        french = (
            "Taux en vigueur au 1er janvier ou au 1er juillet, d'après les changements de "
            "taux de la BCE"
        )

        def sources(rate):
            return rate.with_context(lang="en_US").source, rate.with_context(lang="fr_FR").source

        self.assertEqual(sources(old_note), (english, french))
        self.assertEqual(
            sources(old_copied),
            (
                f"{english} (change of 14 December 2011); the half-year rule applies by law "
                "from 1 January 2013 only",
                f"{french} (changement du 14 décembre 2011)\u202f; la règle du semestre ne "
                "s'applique légalement qu'à partir du 1er janvier 2013",
            ),
        )
        self.assertEqual(sources(old_french_edit), (english, "Vérifié sur ecb.europa.eu"))
        self.assertEqual(sources(user_edit), ("Checked on ecb.europa.eu", "Vérifié sur le site"))
        # a database already up to date: nothing to do
        self.assertEqual(post.rewrite_old_sources(self.env.cr), 0)

    def test_french_typography_on_screen(self):
        """The French interface wrote "Dernier statut connu : Active" and "« Mise en demeure »"
        with breaking spaces: a line of a letter, a help tooltip or a message could start with
        ":", ";" or "»". Field labels, helps, state labels, the module's views and its
        messages carry a no-break space before ":" and inside « », a narrow one before ; ! ?."""
        breaking = re.compile(r" [:;!?](?=\s|$|<)|« | »")
        markup = re.compile(r"<[^>]*>|\{\{.*?\}\}|%\([^)]*\)[sdfr]|\{[^{}]*\}", re.S)
        fields = self.fr["ir.model.fields"].browse(
            self.env["ir.model.data"]
            .search([("module", "=", "recouvrement_b2b"), ("model", "=", "ir.model.fields")])
            .mapped("res_id")
        )
        texts = {
            f"{field.model}.{field.name}": " ".join(
                [field.field_description or "", field.help or ""]
                + field.selection_ids.mapped("name")
            )
            for field in fields
        }
        views = self.fr["ir.ui.view"].search(
            [("model_data_id.module", "=", "recouvrement_b2b"), ("type", "!=", "qweb")]
        )
        texts.update({view.xml_id: view.arch_db for view in views})
        self.assertGreater(len(texts), 500)
        bad = {key: breaking.findall(markup.sub("", text)) for key, text in texts.items()}
        self.assertEqual({key: found for key, found in bad.items() if found}, {})
        # a message built by the code, with its placeholders filled
        self.assertEqual(
            self.fr._("%(invoice)s: %(reason)s", invoice="FAC/2026/00001", reason="litige"),
            "FAC/2026/00001\xa0: litige",
        )

    def test_printed_files_named_in_the_document_language(self):
        """A French credit controller downloaded "Claim declaration - DC/2026/0001.pdf",
        "Case summary - ...", "Echeancier - ..." and "Releve de compte - ..." (English names,
        or French without its accents for every customer). Each printed file is named in the
        language of its document (the company's for the declaration and the case files, the
        customer's for the plan and the statement), whoever prints it."""
        self.company.partner_id.lang = "fr_FR"
        french = self.env["res.partner"].create(
            {"name": "Menuiserie Garnier", "is_company": True, "lang": "fr_FR"}
        )
        english = self.env["res.partner"].create(
            {"name": "Smith & Sons Ltd", "is_company": True, "lang": "en_US"}
        )
        env = self.env(user=self.controller, context={"lang": "en_US"})

        def filename(report, model, **vals):
            record = env[model].new(dict(vals, company_id=self.company.id))
            report = self.env.ref(f"recouvrement_b2b.{report}")
            return safe_eval(report.print_report_name, {"object": record, "time": time})

        plan, declaration = "recouvrement.payment.plan", "recouvrement.claim.declaration"
        self.assertEqual(
            filename("recouvrement_payment_plan_report", plan, name="ECH/1", partner_id=french.id),
            "Échéancier - ECH-1",
        )
        self.assertEqual(
            filename("recouvrement_payment_plan_report", plan, name="ECH/2", partner_id=english.id),
            "Payment plan - ECH-2",
        )
        self.assertEqual(
            filename("action_report_claim_declaration", declaration, name="DC/1"),
            "Déclaration de créance - DC-1",
        )
        case = "recouvrement.litigation"
        self.assertEqual(
            filename("action_report_litigation_summary", case, name="LIT/1"),
            "Synthèse du dossier - LIT-1",
        )
        self.assertEqual(
            filename("action_report_litigation_dossier", case, name="LIT/1"),
            "Injonction de payer - LIT-1",
        )
        statement = self.env.ref("recouvrement_b2b.action_report_customer_statement")
        for partner, name in (
            (french, "Relevé de compte - Menuiserie Garnier"),
            (english, "Statement of account - Smith & Sons Ltd"),
        ):
            self.assertEqual(
                safe_eval(
                    statement.print_report_name,
                    {"object": partner.with_env(env), "time": time},
                ),
                name,
            )
            self.assertEqual(
                filename(
                    "action_report_statement_sending",
                    "recouvrement.statement.sending",
                    partner_id=partner.id,
                ),
                name,
            )

    def test_demo_texts_typography_and_court(self):
        """The French demo's notes wrote "deux fois : 1 500 €" and "mise en demeure ; bons"
        with breaking spaces, and its recovery case was before the "Tribunal de commerce de
        Lyon", replaced in 2025-2028 by the tribunal des activités économiques in the 12 pilot
        towns (Lyon among them), which its claim declaration already named."""
        breaking = re.compile(r" [:;!?](?=\s|$)|« | »")
        pilot_towns = (
            "Auxerre|Avignon|Le Havre|Le Mans|Limoges|Lyon|Marseille|Nanterre|Orléans|Paris|"
            "Saint-Brieuc|Versailles"
        )
        courts = []
        for name in get_manifest("recouvrement_b2b")["demo"]:
            if not name.endswith(".xml"):
                continue
            root = etree.parse(file_path(f"recouvrement_b2b/{name}")).getroot()
            for field in root.iter("field"):
                text = field.text or ""
                self.assertNotRegex(text, breaking, f"{name}: {field.getparent().get('id')}")
                if field.get("name") == "court":
                    courts.append(text)
                    self.assertNotRegex(text, rf"^Tribunal de commerce de ({pilot_towns})$")
        self.assertEqual(
            courts,
            ["Tribunal des activités économiques de Lyon"] * 2,
        )

    def test_french_documents_write_euros_with_the_sign(self):
        """The French formal notice, plan agreement and claim declaration wrote "une indemnité
        forfaitaire de 40 EUR" beside amounts written "40,00 €". French text writes the euro
        sign: "40 €", with a no-break space."""
        plan = self.fr["recouvrement.payment.plan"].new({"tolerance_days": 15})
        self.assertIn(
            "l'indemnité forfaitaire de recouvrement de 40\xa0€ par facture (art. D441-5)",
            plan._get_report_conditions()[1],
        )
        notice = self.fr.ref("recouvrement_b2b.report_dunning_formal_notice_document")
        self.assertIn(
            "une indemnité forfaitaire de 40\xa0€ pour frais de recouvrement", notice.arch
        )
        declaration = self.fr.ref("recouvrement_b2b.report_claim_declaration_document")
        self.assertIn("frais de recouvrement de 40\xa0€ (art. D441-5)", declaration.arch)
        level = self.fr["recouvrement.dunning.level"]
        self.assertEqual(
            level.fields_get(["claim_penalties"])["claim_penalties"]["help"],
            "Réclamer les pénalités de retard et l'indemnité forfaitaire de 40\xa0€.",
        )

    def test_formal_notice_asks_the_court_for_the_costs(self):
        """The formal notice promised "tous les frais supplémentaires seront mis à votre
        charge": without an enforceable title, collection costs stay with the creditor
        (L111-8 CPCE); between traders only the 40 € indemnity and, on justification, higher
        costs are owed (L441-10 II, LEGAL.md), and the court decides who bears the costs of
        the proceedings (dépens). The letter now says it will ask the court for them."""
        notice = self.fr.ref("recouvrement_b2b.report_dunning_formal_notice_document")
        self.assertNotIn("frais supplémentaires", notice.arch)
        self.assertIn(
            "et lui demanderons de mettre à votre charge les dépens de la procédure.",
            notice.arch,
        )

    def test_dunning_run_excluded_customer_column(self):
        """The dunning run wizard's column of customers left out of the run read "Exclue"
        (feminine) above rows of customers (client: masculine)."""
        line = self.fr["recouvrement.dunning.run.line"]
        self.assertEqual(line.fields_get(["excluded"])["excluded"]["string"], "Exclu")
        self.assertEqual(line.fields_get(["partner_id"])["partner_id"]["string"], "Client")

    def test_reminder_email_prints_the_iban_grouped(self):
        """The French reminder email wrote "virement sur le compte FR5730003000507963949549B56"
        (the account as stored, compact before base_iban) while the letters print it grouped by
        four. The email and the customer's collection page print it grouped too; no document
        of the module prints the stored number as it is."""
        policy = self._standard_ladder()
        level = policy.level_ids.filtered(lambda lvl: lvl.channel == "email")[:1]
        bank = self.env["res.partner.bank"].create(
            {"acc_number": "FR7630006000011234567890189", "partner_id": self.company.partner_id.id}
        )
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE res_partner_bank SET acc_number = %s WHERE id = %s",
            ["FR7630006000011234567890189", bank.id],
        )
        self.env.invalidate_all()
        self.customer.lang = "fr_FR"
        move = self._invoice(self.customer, 1500.0, "2026-01-01", "2026-01-31")
        event = self._reminder_event(move, level, "2026-02-01", amount_due=1500.0)
        template = level.mail_template_id.with_context(lang="fr_FR")
        body = template._render_field("body_html", event.ids)[event.id]
        self.assertIn("sur le compte FR76 3000 6000 0112 3456 7890 189, en rappelant", body)
        # the module's templates (the shipped email templates are noupdate: read from the files)
        for folder in ("data", "report", "views"):
            for path in Path(file_path(f"recouvrement_b2b/{folder}")).glob("*.xml"):
                for node in etree.parse(str(path)).iter():
                    for name, value in node.attrib.items():
                        if name.startswith("t-"):
                            self.assertNotRegex(value, r"\.acc_number\b", f"{path.name}")
                    self.assertNotRegex(node.text or "", r"\.acc_number\b", f"{path.name}")

    def test_letters_dated_in_words(self):
        """The reminder letters and the formal notice were headed "Lyon, 01/12/2026": a French
        letter is dated "Lyon, le 1er décembre 2026" (the first of the month "1er"); an English
        one "Lyon, December 1, 2026"."""
        self.company.city = "Lyon"
        Event = self.env["recouvrement.dunning.event"]
        cases = [
            ("fr_FR", "2026-12-01", "Lyon, le 1er décembre 2026"),
            ("fr_FR", "2027-03-15", "Lyon, le 15 mars 2027"),
            ("en_US", "2026-12-01", "Lyon, December 1, 2026"),
        ]
        for lang, date, expected in cases:
            event = Event.with_context(lang=lang).new({"company_id": self.company.id, "date": date})
            self.assertEqual(event._get_letter_place_date(), expected)
        self.company.city = False
        event = Event.with_context(lang="fr_FR").new({"company_id": self.company.id})
        event.date = "2026-12-01"
        self.assertEqual(event._get_letter_place_date(), "1er décembre 2026")
        for xmlid in ("report_dunning_letter_document", "report_dunning_formal_notice_document"):
            arch = self.env.ref(f"recouvrement_b2b.{xmlid}").arch
            self.assertIn('t-out="o._get_letter_place_date()"', arch)

    def test_migration_groups_the_iban_of_old_email_templates(self):
        """Upgrade to 18.0.1.0.2: the shipped reminder email template is noupdate, so a
        database installed before kept printing the compact account number; the migration
        makes its body, in every language, print the grouped IBAN."""
        post = load_script(
            "recouvrement_b2b/migrations/18.0.1.0.2/post-migrate.py",
            "rb2b_post_migrate_18_0_1_0_2",
        )
        templates = self.env["mail.template"].search([("model", "like", "recouvrement.")])
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(
            "UPDATE mail_template SET body_html = replace(body_html::text, %s, %s)::jsonb "
            "WHERE id IN %s AND strpos(body_html::text, %s) > 0",
            [post.NEW_IBAN, post.OLD_IBAN, tuple(templates.ids), post.NEW_IBAN],
        )
        old = cr.rowcount
        self.assertGreaterEqual(old, 1)
        self.assertEqual(post.group_template_iban(cr), old)
        self.env.invalidate_all()
        for lang in ("en_US", "fr_FR"):
            bodies = " ".join(templates.with_context(lang=lang).mapped("body_html"))
            self.assertNotIn(post.OLD_IBAN, bodies)
            self.assertIn(post.NEW_IBAN, bodies)
        self.assertEqual(post.group_template_iban(cr), 0)
