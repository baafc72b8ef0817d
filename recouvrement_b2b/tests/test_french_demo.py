import re

from odoo.modules.module import get_manifest
from odoo.tests import TransactionCase, tagged
from odoo.tools import file_path
from odoo.tools.convert import convert_file

MODULE = "recouvrement_b2b"


@tagged("post_install", "-at_install")
class TestFrenchDemoNotes(TransactionCase):
    """The French demo's chatter notes read fully French (issue 16, found by the break test:
    "Litigation Case créé", "Payment Plan créé").

    The demo files are replayed as the install loads them: in manifest order, with no language
    in the context, before Odoo loads the module's terms (it loads them after the demo), by a
    superuser whose language is English. This needs Odoo's French demo company (l10n_fr's
    demo data): tier 2 installs the module with its demo.
    """

    def _strip_module_terms(self):
        """The database as the install finds it before the module's terms: our model names,
        in English only."""
        model_ids = (
            self.env["ir.model.data"]
            .search([("module", "=", MODULE), ("model", "=", "ir.model")])
            .mapped("res_id")
        )
        self.env.cr.execute(
            "UPDATE ir_model SET name = jsonb_build_object('en_US', name->>'en_US') WHERE id IN %s",
            [tuple(model_ids)],
        )
        self.env.invalidate_all()
        return self.env["ir.model"].browse(model_ids)

    def _replay_demo(self):
        """Load the module's demo files, in manifest order, as new records (their ids under
        another module name; the module's own data found by its ids)."""
        data = self.env["ir.model.data"].search_fetch(
            [("module", "=", MODULE), ("name", "not like", "%_demo")], ["name", "res_id"]
        )
        idref = {xmlid.name: xmlid.res_id for xmlid in data}
        for filename in get_manifest(MODULE)["demo"]:
            if filename.endswith(".xml"):
                convert_file(
                    self.env,
                    "rb2b_demo_replay",
                    filename,
                    idref,
                    mode="init",
                    noupdate=True,
                    kind="demo",
                    pathname=file_path(f"{MODULE}/{filename}"),
                )

    def test_demo_creation_notes_are_french(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.assertEqual(self.env.user.lang, "en_US")
        models = self._strip_module_terms()
        english = {
            model.model: model.with_context(lang="en_US").name
            for model in models
            if model.is_mail_thread and self.env[model.model]._original_module == MODULE
        }
        last_message = self.env["mail.message"].search([], order="id desc", limit=1).id
        self._replay_demo()
        messages = self.env["mail.message"].search(
            [("id", ">", last_message), ("model", "in", list(english))]
        )
        notes = {}
        for message in messages:
            text = re.sub(r"<[^>]+>", "", message.body or "")
            if text.endswith((" créé", " créée", " created")):
                notes.setdefault(message.model, set()).add(text)
        french = {
            model.model: model.with_context(lang="fr_FR").name
            for model in models
            if model.model in notes
        }
        # the demo creates records of our models (cases, plans, promises, disputes, claims):
        # each creation note names its model in French
        self.assertGreaterEqual(
            set(notes),
            {
                "recouvrement.litigation",
                "recouvrement.payment.plan",
                "recouvrement.promise",
                "recouvrement.dispute",
                "recouvrement.claim.declaration",
            },
        )
        for model, texts in notes.items():
            self.assertNotEqual(french[model], english[model])
            # its own note, agreeing with the model's noun: "Promesse de paiement créée"
            note = self.env[model].with_context(lang="fr_FR").browse()._recouvrement_creation_note()
            self.assertEqual(texts, {note}, model)
            self.assertTrue(note.startswith(french[model]), model)
