from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .common import RecouvrementCommon


@tagged("post_install", "-at_install")
class TestFoundation(RecouvrementCommon):
    def test_groups_hierarchy(self):
        self.assertIn(self.group_user, self.group_manager.implied_ids)
        self.assertTrue(self.manager.has_group("recouvrement_b2b.recouvrement_group_user"))
        self.assertFalse(self.controller.has_group("recouvrement_b2b.recouvrement_group_manager"))
        self.assertEqual(
            self.group_user.category_id,
            self.env.ref("recouvrement_b2b.module_category_recouvrement"),
        )

    def test_every_model_has_access_rules(self):
        """Each model the module defines has at least one ACL, and a company rule when needed.

        Abstract models (feature services, the demo replay) hold no records: no ACL.
        """
        models = (
            self.env["ir.model"]
            .search([])
            .filtered(
                lambda m: (
                    "recouvrement_b2b" in m.modules.split(", ")
                    and m.model.startswith("recouvrement.")
                    and not self.env[m.model]._abstract
                )
            )
        )
        self.assertIn("recouvrement.payment.plan", models.mapped("model"))
        for model in models:
            acls = self.env["ir.model.access"].search([("model_id", "=", model.id)])
            self.assertTrue(acls, f"{model.model} has no access rule")
            if model.transient:
                continue
            if "company_id" in self.env[model.model]._fields:
                rules = self.env["ir.rule"].search([("model_id", "=", model.id)])
                self.assertTrue(
                    rules.filtered(lambda r: "company_ids" in (r.domain_force or "")),
                    f"{model.model} has a company_id but no multi-company record rule",
                )

    def test_menus_visible_to_controller_only(self):
        menu = self.env.ref("recouvrement_b2b.menu_recouvrement_root")
        self.assertEqual(menu.parent_id, self.env.ref("account.menu_finance_receivables"))
        visible = self.env["ir.ui.menu"].with_user(self.controller)._visible_menu_ids()
        self.assertIn(menu.id, visible)
        visible = self.env["ir.ui.menu"].with_user(self.salesman)._visible_menu_ids()
        self.assertNotIn(menu.id, visible)

    def test_settings_block(self):
        admin = self.env.ref("base.user_admin")
        admin.write(
            {
                "company_ids": [(4, self.company.id)],
                "groups_id": [(4, self.group_manager.id)],
            }
        )
        settings = self.env["res.config.settings"].with_user(admin).with_company(self.company)
        arch = settings.get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertTrue('id="recouvrement_settings"' in arch, "Debt collection block missing")
        self.assertTrue('name="recouvrement_user_id"' in arch, "collection responsible missing")
        settings.create({"recouvrement_user_id": self.manager.id}).execute()
        self.assertEqual(self.company.recouvrement_user_id, self.manager)

    def test_overdue_action_lists_late_invoices(self):
        late = self._invoice(self.customer, 1000.0, "2024-01-10", "2024-02-10")
        paid = self._invoice(self.customer, 500.0, "2024-01-10", "2024-02-10")
        self._pay(paid, 500.0, "2024-02-01")
        action = self.env.ref("recouvrement_b2b.account_move_action_overdue")
        found = (
            self.env["account.move"]
            .with_user(self.controller)
            .search(safe_eval(action.domain) + [("partner_id", "=", self.customer.id)])
        )
        self.assertEqual(found, late)
