import ast
import re

from lxml import etree

from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestViewAmounts(TransactionCase):
    """Every amount column of the module's views shows its currency and its total (issue 16,
    found in the browser: the invoices of a litigation case, a payment plan, a claim declaration
    or a reminder read "6 720,00" without "€", their totals "—", as the list lacked the
    amounts' currency field)."""

    def _lists(self, node, model):
        """Yield ``(list node, model name)`` for every list under ``node`` (sub-views of
        relational fields with the field's comodel)."""
        for child in node:
            if child.tag == "field" and len(child):
                field = self.env[model]._fields.get(child.get("name"))
                yield from self._lists(child, field.comodel_name if field.relational else model)
                continue
            if child.tag == "list":
                yield child, model
            yield from self._lists(child, model)

    def test_amount_columns_carry_their_currency(self):
        views = self.env["ir.ui.view"].browse(
            self.env["ir.model.data"]
            .search([("module", "=", "recouvrement_b2b"), ("model", "=", "ir.ui.view")])
            .mapped("res_id")
        )
        self.maxDiff = None
        missing = []
        checked = 0
        for view in views.filtered(lambda v: v.type in ("form", "list")):
            root = view
            while root.inherit_id and root.mode == "extension":
                root = root.inherit_id
            arch = etree.fromstring(
                self.env[root.model].get_views([(root.id, root.type)])["views"][root.type]["arch"]
            )
            lists = list(self._lists(arch, root.model))
            if arch.tag == "list":
                lists.append((arch, root.model))
            for node, model in lists:
                names = {field.get("name") for field in node.iter("field")}
                for field_node in node.iter("field"):
                    field = self.env[model]._fields.get(field_node.get("name"))
                    if field is None or field.type != "monetary":
                        continue
                    checked += 1
                    currency = field.get_currency_field(self.env[model])
                    if currency not in names:
                        missing.append(f"{view.xml_id}: {model}.{field.name} ({currency})")
        self.assertGreater(checked, 20)
        self.assertEqual(missing, [])

    def test_amount_fields_in_forms_show_a_currency(self):
        """Issue 16 (break test): the customer's Credit tab showed "Montant assuré 0,00" without
        "€" (a float amount), a litigation case's smart button "Montant dû 1 650,00". Every
        float amount and smart-button amount of the module's forms shows its currency, unless
        its label names it (the indemnity of D441-5 is in EUR)."""
        views = self.env["ir.ui.view"].browse(
            self.env["ir.model.data"]
            .search([("module", "=", "recouvrement_b2b"), ("model", "=", "ir.ui.view")])
            .mapped("res_id")
        )
        missing = []
        checked = 0
        for view in views.filtered(lambda v: v.type == "form"):
            root = view
            while root.inherit_id and root.mode == "extension":
                root = root.inherit_id
            arch = etree.fromstring(
                self.env[root.model].get_views([(root.id, "form")])["views"]["form"]["arch"]
            )
            for node in arch.iter("field"):
                field = self.env[root.model]._fields.get(node.get("name"))
                if (
                    field is not None
                    and field.type == "monetary"
                    and node.get("widget") == "statinfo"
                ):
                    # a smart button's figure: the statinfo widget prints no currency
                    missing.append(f"{view.xml_id}: {root.model}.{field.name} (statinfo)")
                # a setting shows its own title, not the field's label "(EUR)"
                settings = root.model == "res.config.settings"
                if (
                    field is None
                    or field.type != "float"
                    or "amount" not in field.name
                    or ("(EUR)" in field.string and not settings)
                    or (settings and getattr(field, "_module", None) != "recouvrement_b2b")
                ):
                    continue
                checked += 1
                currency = ast.literal_eval(node.get("options") or "{}").get(
                    "currency_field", "currency_id"
                )
                if node.get("widget") != "monetary" or (
                    settings and not arch.xpath(f"//field[@name='{currency}']")
                ):
                    missing.append(f"{view.xml_id}: {root.model}.{field.name}")
        self.assertGreater(checked, 0)
        self.assertEqual(sorted(set(missing)), [])

    def test_settings_amounts_show_their_currency(self):
        """Issue 16 (break test): the settings showed the recovery indemnity as "40,00", with no
        "€" (its label "(EUR)" is not shown in a setting). Shown as an amount in euros (art.
        D441-5 Code de commerce: 40 EUR), whatever the company's currency."""
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.penalty_indemnity_amount, 40.0)
        self.assertEqual(settings.penalty_indemnity_currency_id, self.env.ref("base.EUR"))
        arch = etree.fromstring(settings.get_views([(False, "form")])["views"]["form"]["arch"])
        [node] = arch.xpath("//field[@name='penalty_indemnity_amount']")
        self.assertEqual(node.get("widget"), "monetary")
        self.assertIn("penalty_indemnity_currency_id", node.get("options"))
        self.assertTrue(arch.xpath("//field[@name='penalty_indemnity_currency_id']"))

    def test_rates_and_days_are_not_summed(self):
        """Issue 16 (break test): the reference rates list, grouped by kind as it opens, showed
        "Taux de refinancement principal de la BCE (30) 28,90": the sum of 30 rates. Rates,
        delays and days late of the module's records are never summed in grouped lists and
        pivots (days late show the oldest)."""
        summed = []
        for model_name in sorted(self.env.registry.models):
            for field in self.env[model_name]._fields.values():
                if (
                    getattr(field, "_module", None) == "recouvrement_b2b"
                    and field.store
                    and field.type in ("float", "integer")
                    and (
                        re.search(r"rate|days", field.name)
                        or (model_name, field.name) == ("recouvrement.penalty.rate", "value")
                    )
                    and field.aggregator == "sum"
                ):
                    summed.append(f"{model_name}.{field.name}")
        self.maxDiff = None
        self.assertEqual(summed, [])
        groups = self.env["recouvrement.penalty.rate"].read_group([], ["value"], ["kind"])
        self.assertTrue(groups)
        self.assertFalse([group for group in groups if group.get("value")])
        self.assertEqual(
            self.env["recouvrement.worklist"]._fields["overdue_days"].aggregator, "max"
        )
