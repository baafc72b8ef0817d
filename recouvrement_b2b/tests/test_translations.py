from pathlib import Path

import polib

from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import TranslationModuleReader

MODULE = "recouvrement_b2b"


@tagged("post_install", "-at_install")
class TestTranslations(TransactionCase):
    def test_every_term_has_a_french_translation(self):
        """Every translatable term Odoo exports for the module is translated in i18n/fr.po."""
        reader = TranslationModuleReader(self.env.cr, modules=[MODULE], lang="en_US")
        terms = {source for _module, _type, _name, _res_id, source, _value, _comments in reader}
        po_path = Path(__file__).parents[1] / "i18n" / "fr.po"
        translated = {
            entry.msgid
            for entry in polib.pofile(str(po_path))
            if entry.msgstr and not entry.obsolete and "fuzzy" not in entry.flags
        }
        missing = sorted(t for t in terms if t and t not in translated)
        self.assertFalse(
            missing, "Terms without a French translation in i18n/fr.po:\n" + "\n".join(missing[:50])
        )
        self.assertGreater(len(terms), 5)
