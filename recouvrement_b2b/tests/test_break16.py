from odoo.tests import tagged

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
