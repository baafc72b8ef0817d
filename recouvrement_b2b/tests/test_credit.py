from contextlib import closing, contextmanager
from unittest.mock import patch

import psycopg2
from freezegun import freeze_time

from odoo import Command, fields, sql_db
from odoo.exceptions import AccessError, RedirectWarning, UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from odoo.addons.recouvrement_b2b.models import recouvrement_credit as credit_module

from .common import RecouvrementCommon

TODAY = "2026-03-15"


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestCredit(RecouvrementCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Credit staff edit customers (limits, insurance) and open orders.
        groups = cls.env.ref("sales_team.group_sale_salesman_all_leads") + cls.env.ref(
            "base.group_partner_manager"
        )
        (cls.manager + cls.controller).write(
            {"groups_id": [Command.link(group.id) for group in groups]}
        )
        cls.company.write(
            {
                "account_use_credit_limit": True,
                "recouvrement_credit_check": "block",
                "recouvrement_user_id": cls.manager.id,
            }
        )
        cls.product = cls.env["product.product"].create(
            {"name": "Audit", "type": "service", "list_price": 100.0, "taxes_id": False}
        )
        cls.customer.credit_limit = 5000.0

    @contextmanager
    def _assertRaisesMessage(self, exception, regex):
        """assertRaises (rolls the failed operation back) and check the message."""
        with self.assertRaises(exception) as caught:
            yield caught
        self.assertRegex(str(caught.exception), regex)

    @classmethod
    def _partner(cls, name, limit=0.0, **vals):
        partner = cls.env["res.partner"].create({"name": name, "is_company": True, **vals})
        if limit:
            partner.credit_limit = limit
        return partner

    @classmethod
    def _order(cls, partner, amount, user=None, company=None):
        company = company or cls.company
        order = (
            cls.env["sale.order"]
            .with_user(user or cls.env.user)
            .with_company(company)
            .create(
                {
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": cls.product.id,
                                "product_uom_qty": 1,
                                "price_unit": amount,
                                "tax_id": [Command.clear()],
                            }
                        )
                    ],
                }
            )
        )
        return order

    # --- exposure -------------------------------------------------------------------------

    def test_exposure_figures(self):
        contact = self.env["res.partner"].create(
            {"name": "Jeanne Garnier", "parent_id": self.customer.id}
        )
        late = self._invoice(self.customer, 1000.0, "2026-01-01", "2026-01-31")
        self._invoice(contact, 500.0, "2026-03-01", "2026-04-15")
        self._pay(late, 200.0, "2026-02-10")
        self._invoice(self.customer, 300.0, "2026-03-10", post=False)
        self._order(self.customer, 400.0).action_confirm()
        partner = self.customer.with_user(self.controller)
        self.assertRecordValues(
            partner,
            [
                {
                    "credit_exposure_receivable": 1300.0,
                    "credit_exposure_to_invoice": 400.0,
                    "credit_exposure_draft": 300.0,
                    "credit_exposure": 2000.0,
                    "credit_effective_limit": 5000.0,
                    "credit_available": 3000.0,
                    "credit_over_limit": False,
                    "credit_overdue_amount": 800.0,
                    "credit_overdue_days": 43,
                }
            ],
        )
        # A contact shows the figures of its company.
        self.assertEqual(contact.with_user(self.controller).credit_exposure, 2000.0)
        row = (
            self.env["recouvrement.credit.exposure"]
            .with_user(self.controller)
            .search([("partner_id", "=", self.customer.id)])
        )
        self.assertRecordValues(row, [{"exposure": 2000.0, "overdue_days": 43}])

    def test_search_and_sort_on_exposure(self):
        small = self._partner("Petit Client", limit=1000.0)
        big = self._partner("Gros Client", limit=1000.0)
        self._invoice(small, 200.0, "2026-03-01", "2026-03-31")
        self._invoice(big, 1500.0, "2026-01-01", "2026-02-01")
        partners = self.env["res.partner"].with_user(self.controller)
        self.assertEqual(
            partners.search([("credit_exposure", ">", 1000), ("id", "in", (small + big).ids)]),
            big,
        )
        self.assertEqual(partners.search([("credit_over_limit", "=", True)]) & (small + big), big)
        self.assertEqual(
            partners.search([("credit_available", "<", 0), ("id", "in", (small + big).ids)]), big
        )
        self.assertEqual(
            partners.search([("credit_overdue_days", ">", 30), ("id", "in", (small + big).ids)]),
            big,
        )
        self.assertEqual(
            partners.search([("id", "in", (small + big).ids)], order="credit_exposure desc").ids,
            [big.id, small.id],
        )
        self.assertEqual(
            partners.search([("id", "in", (small + big).ids)], order="credit_exposure asc").ids,
            [small.id, big.id],
        )

    def test_multi_company_isolation(self):
        company_2 = self.setup_other_company(name="Filiale Grenoble")["company"]
        self.customer.with_company(company_2).credit_limit = 100.0
        self._invoice(self.customer, 700.0, "2026-03-01", "2026-04-01")
        self._invoice(self.customer, 300.0, "2026-03-01", "2026-04-01", company=company_2)
        partner = self.customer
        self.assertRecordValues(
            partner.with_company(self.company),
            [
                {
                    "credit_exposure": 700.0,
                    "credit_effective_limit": 5000.0,
                    "credit_over_limit": False,
                }
            ],
        )
        self.assertRecordValues(
            partner.with_company(company_2),
            [{"credit_exposure": 300.0, "credit_effective_limit": 100.0}],
        )
        # The exposure rows of a company stay invisible from another one.
        rows = (
            self.env["recouvrement.credit.exposure"]
            .with_user(self.controller)
            .search([("partner_id", "=", partner.id)])
        )
        self.assertEqual(rows.company_id, self.company)
        self.assertEqual(rows.exposure, 700.0)

    # --- bad input ------------------------------------------------------------------------

    def test_bad_input(self):
        names = [
            "Client Négatif",
            "Client Assuré",
            "Client Couverture",
            "Client Bloqué",
            "Sans Motif",
        ]
        negative, insured, cover, held, no_reason = (
            self._partner(name, limit=5000.0) for name in names
        )
        with self._assertRaisesMessage(
            ValidationError,
            r"Client Négatif: the Credit Limit must be between 0\.00 and 100,000,000\.00 \(not "
            r"-1\.00\)\.",
        ):
            negative.with_user(self.manager).credit_limit = -1.0
        # Credit limits and insurer cover: credit managers only.
        with self._assertRaisesMessage(
            AccessError, "Only a credit manager can change Credit Limit of Client Négatif."
        ):
            negative.with_user(self.controller).credit_limit = 80000.0
        with self._assertRaisesMessage(
            AccessError, "Only a credit manager can change Credit Insured Amount of Client Assuré."
        ):
            insured.with_user(self.controller).credit_insured_amount = 6000.0
        with self._assertRaisesMessage(
            ValidationError,
            r"The credit insurance cover of Client Couverture cannot end \(01/01/2026\) before "
            r"it starts \(02/01/2026\).",
        ):
            cover.with_user(self.manager).write(
                {"credit_cover_start": "2026-02-01", "credit_cover_end": "2026-01-01"}
            )
        with self._assertRaisesMessage(
            AccessError,
            "Only a credit manager can change Limit Above Insured Amount of Client Bloqué.",
        ):
            held.with_user(self.controller).credit_limit_above_insured = True
        with self._assertRaisesMessage(
            ValidationError, "Give the reason why Sans Motif is put on credit hold."
        ):
            no_reason.with_user(self.manager).credit_hold = True
        with self._assertRaisesMessage(
            ValidationError, r"the Hold After Days Overdue must be between 0 and 1,825 \(not -5\)"
        ):
            self.company.recouvrement_hold_overdue_days = -5
        self.env.invalidate_all()
        self.assertRecordValues(
            negative + insured + cover + held + no_reason,
            [
                {
                    "credit_limit": 5000.0,
                    "credit_insured_amount": 0.0,
                    "credit_cover_end": False,
                    "credit_hold": False,
                }
            ]
            * 5,
        )
        # A credit manager may insure above the limit.
        insured.with_user(self.manager).credit_insured_amount = 6000.0
        self.assertEqual(insured.credit_insured_amount, 6000.0)

    def test_credit_insurance_effective_limit(self):
        self.company.recouvrement_credit_insurance = True
        insurer = self._partner("Assureur Crédit SA")
        self.customer.with_user(self.manager).write(
            {
                "credit_limit": 10000.0,
                "credit_insurer_id": insurer.id,
                "credit_insured_amount": 4000.0,
                "credit_cover_start": "2026-01-01",
                "credit_cover_end": "2026-12-31",
            }
        )
        self.assertEqual(self.customer.credit_effective_limit, 4000.0)
        self.customer.with_user(self.manager).credit_limit_above_insured = True
        self.env.invalidate_all()
        self.assertEqual(self.customer.credit_effective_limit, 10000.0)
        self.customer.with_user(self.manager).write(
            {"credit_limit_above_insured": False, "credit_cover_end": "2026-02-28"}
        )
        self.env.invalidate_all()
        self.assertRecordValues(
            self.customer, [{"credit_effective_limit": 10000.0, "credit_insurance_expired": True}]
        )
        self.assertIn(
            self.customer,
            self.env["res.partner"].search([("credit_insurance_expired", "=", True)]),
        )
        self.company.recouvrement_credit_insurance = False
        self.customer.with_user(self.manager).credit_cover_end = "2026-12-31"
        self.env.invalidate_all()
        self.assertEqual(self.customer.credit_effective_limit, 10000.0)

    # --- block reasons --------------------------------------------------------------------

    def _assert_blocked(self, partner, amount, message):
        order = self._order(partner, amount, user=self.salesman)
        with self._assertRaisesMessage(UserError, message):
            order.action_confirm()
        self.assertEqual(order.state, "draft")
        return order

    def test_block_over_limit(self):
        self._invoice(self.customer, 4500.0, "2026-03-01", "2026-04-01")
        order = self._order(self.customer, 400.0, user=self.salesman)
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        order = self._assert_blocked(
            self.customer,
            200.0,
            r"Menuiserie Garnier exceeds its credit limit: exposure 5,100.00\s€ \(including "
            r"200.00\s€ for this document\), limit 5,000.00\s€.",
        )
        self.assertIn("exceeds its credit limit", order.partner_credit_warning)

    def test_block_manual_hold(self):
        self.customer.with_user(self.manager).with_context(
            tracking_disable=False, mail_notrack=False
        ).write({"credit_hold": True, "credit_hold_reason": "Chèque impayé"})
        self.assertRecordValues(
            self.customer,
            [
                {
                    "credit_hold_date": fields.Date.to_date(TODAY),
                    "credit_hold_user_id": self.manager.id,
                }
            ],
        )
        self._assert_blocked(
            self.customer,
            10.0,
            "Menuiserie Garnier is on credit hold since 03/15/2026: Chèque impayé",
        )
        self.customer.with_user(self.manager).credit_hold = False
        self.assertRecordValues(
            self.customer, [{"credit_hold_reason": False, "credit_hold_date": False}]
        )

    def test_block_automatic_hold_from_dunning(self):
        held = self.customer.with_user(self.controller)._set_credit_hold(
            "Mise en demeure restée sans effet"
        )
        self.assertEqual(held, self.customer)
        self.assertRecordValues(
            self.customer,
            [{"credit_hold": True, "credit_hold_reason": "Mise en demeure restée sans effet"}],
        )
        # the reason is not posted in the customer's chatter, shared by the companies
        self.assertNotIn(
            "Mise en demeure restée sans effet",
            " ".join(self.customer.message_ids.mapped(lambda m: str(m.body))),
        )
        self._assert_blocked(self.customer, 10.0, "is on credit hold since 03/15/2026")

    def test_block_ceased_and_proceedings(self):
        ceased = self._partner("Nettoyage Faure", company_status="ceased")
        insolvent = self._partner(
            "Textiles Blanc",
            collective_proceedings="redressement",
            proceedings_date="2026-02-02",
        )
        self._assert_blocked(ceased, 10.0, "Nettoyage Faure has ceased trading.")
        self._assert_blocked(
            insolvent,
            10.0,
            r"Textiles Blanc is in collective proceedings \(Redressement judiciaire\).",
        )
        self.company.recouvrement_hold_insolvency = False
        order = self._order(ceased, 10.0, user=self.salesman)
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_block_overdue_days(self):
        self.company.recouvrement_hold_overdue_days = 30
        self._invoice(self.customer, 100.0, "2026-01-15", "2026-02-13")  # 30 days late
        order = self._order(self.customer, 10.0, user=self.salesman)
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self._invoice(self.customer, 100.0, "2026-01-01", "2026-02-01")  # 42 days late
        self._assert_blocked(
            self.customer,
            10.0,
            r"Menuiserie Garnier has an invoice overdue by 42 days \(more than 30 days\).",
        )

    def test_block_formal_notice(self):
        self.company.recouvrement_hold_formal_notice = True
        move = self._invoice(self.customer, 100.0, "2026-01-01", "2026-02-01")
        policy = self.env["recouvrement.dunning.policy"].sudo().create({"name": "Standard"})
        reminder, notice = (
            self.env["recouvrement.dunning.level"]
            .sudo()
            .create(
                [
                    {
                        "name": "Relance",
                        "policy_id": policy.id,
                        "sequence": 1,
                        "days": 1,
                        "channel": "none",
                    },
                    {
                        "name": "Mise en demeure",
                        "policy_id": policy.id,
                        "sequence": 2,
                        "days": 45,
                        "channel": "none",
                        "is_formal_notice": True,
                    },
                ]
            )
        )
        event = (
            self.env["recouvrement.dunning.event"]
            .sudo()
            .create(
                {
                    "partner_id": self.customer.id,
                    "level_id": reminder.id,
                    "move_ids": move.ids,
                    "state": "sent",
                }
            )
        )
        order = self._order(self.customer, 10.0, user=self.salesman)
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.env["recouvrement.dunning.event"].sudo().create(
            {"partner_id": self.customer.id, "level_id": notice.id, "state": "draft"}
        )
        order = self._order(self.customer, 10.0, user=self.salesman)
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        # A sent reminder is never rewritten: the formal notice is a reminder of its own.
        event.copy({"level_id": notice.id, "state": "sent", "move_ids": move.ids})
        self._assert_blocked(
            self.customer,
            10.0,
            r"Menuiserie Garnier was sent a formal notice and still owes 100.00\s€ overdue.",
        )
        self._pay(move, 100.0, TODAY)
        order = self._order(self.customer, 10.0, user=self.salesman)
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_block_litigation(self):
        self.company.recouvrement_hold_litigation = True
        move = self._invoice(self.customer, 100.0, "2026-03-01", "2026-04-01")
        litigation = (
            self.env["recouvrement.litigation"]
            .sudo()
            .create({"partner_id": self.customer.id, "move_ids": move.ids})
        )
        move.litigation_id = litigation
        self._assert_blocked(
            self.customer, 10.0, "Menuiserie Garnier has invoices in an open litigation case."
        )
        move.litigation_id = False
        order = self._order(self.customer, 10.0, user=self.salesman)
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_warning_mode(self):
        self.company.recouvrement_credit_check = "warning"
        self._invoice(self.customer, 5000.0, "2026-03-01", "2026-04-01")
        order = self._order(self.customer, 100.0, user=self.salesman)
        self.assertIn("exceeds its credit limit", order.partner_credit_warning)
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertIn("Confirmed despite the credit check", order.message_ids.mapped("body")[0])

    def test_no_check_mode(self):
        self.company.recouvrement_credit_check = "none"
        self.customer.with_user(self.manager).write(
            {"credit_hold": True, "credit_hold_reason": "x"}
        )
        order = self._order(self.customer, 100.0, user=self.salesman)
        self.assertFalse(order.partner_credit_warning)
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_one_banner_one_figure(self):
        """Quotations and draft invoices show one credit banner (sale's and account's) with the
        module's exposure, draft invoices included, and the check's other reasons."""
        self._invoice(self.customer, 4500.0, "2026-03-01", "2026-04-01")
        draft = self._invoice(self.customer, 600.0, "2026-03-10", post=False)
        order = self._order(self.customer, 400.0, user=self.salesman)
        # Core's figure (receivable + this order: 4,900.00) would show no banner.
        self.assertEqual(
            order.partner_credit_warning,
            "Menuiserie Garnier exceeds its credit limit: exposure 5,500.00\xa0€ (including "
            "400.00\xa0€ for this document), limit 5,000.00\xa0€.",
        )
        # The draft invoice is counted once.
        self.assertEqual(
            draft.partner_credit_warning,
            "Menuiserie Garnier exceeds its credit limit: exposure 5,100.00\xa0€ (including "
            "600.00\xa0€ for this document), limit 5,000.00\xa0€.",
        )
        # Without credit limits, core shows no banner: the check's other reasons still show.
        self.company.account_use_credit_limit = False
        self.customer.with_user(self.manager).write(
            {"credit_hold": True, "credit_hold_reason": "Chèque impayé"}
        )
        self.env.invalidate_all()
        self.assertEqual(
            order.partner_credit_warning,
            "Menuiserie Garnier is on credit hold since 03/15/2026: Chèque impayé",
        )
        # Without the module's check: core's banner and figure (core reads the limit with the
        # user's rights: read as an accountant).
        self.company.write({"account_use_credit_limit": True, "recouvrement_credit_check": "none"})
        self.env.invalidate_all()
        self.assertEqual(order.with_env(self.env).partner_credit_warning, "")
        self.assertIn("has reached its credit limit", draft.partner_credit_warning)

    # --- manager override -----------------------------------------------------------------

    def test_override_by_manager(self):
        self.company.recouvrement_credit_check = "override"
        self._invoice(self.customer, 4950.0, "2026-01-01", "2026-02-01")
        order = self._order(self.customer, 100.0, user=self.salesman)
        with self._assertRaisesMessage(UserError, "Ask a credit manager to approve it."):
            order.action_confirm()
        with self.assertRaises(RedirectWarning) as caught:
            order.with_user(self.manager).action_confirm()
        action = caught.exception.args[1]
        self.assertEqual(action["res_model"], "recouvrement.credit.override")
        # A credit controller cannot approve.
        wizard = Form(
            self.env["recouvrement.credit.override"]
            .with_user(self.controller)
            .with_context(**action["context"])
        )
        wizard.reason = "Je veux confirmer"
        with self._assertRaisesMessage(
            AccessError, f"Only a credit manager can approve order {order.name} over credit."
        ):
            wizard.save().action_approve()
        with self._assertRaisesMessage(AccessError, "Only a credit manager can approve an order"):
            order.write({"credit_override_user_id": self.salesman.id})
        self.assertEqual(order.state, "draft")
        # The credit manager approves with a reason.
        wizard = Form(
            self.env["recouvrement.credit.override"]
            .with_user(self.manager)
            .with_context(**action["context"])
        )
        self.assertIn("exceeds its credit limit", wizard.credit_warning)
        wizard.reason = "Paiement promis par le DAF vendredi"
        wizard.save().action_approve()
        self.assertRecordValues(
            order,
            [
                {
                    "state": "sale",
                    "credit_override_user_id": self.manager.id,
                    "credit_override_reason": "Paiement promis par le DAF vendredi",
                }
            ],
        )
        body = order.message_ids.filtered(lambda m: "Credit approved" in m.body).body
        self.assertIn("Paiement promis par le DAF vendredi", body)
        self.assertIn("5,050.00", body)  # exposure including the order
        self.assertIn("5,000.00", body)  # limit
        self.assertIn("42 days", body)
        activity = order.activity_ids
        self.assertRecordValues(
            activity, [{"user_id": self.manager.id, "summary": "Order confirmed over credit"}]
        )

    def test_override_refused_in_block_mode(self):
        self._invoice(self.customer, 5000.0, "2026-01-01", "2026-02-01")
        order = self._order(self.customer, 100.0)
        wizard = (
            self.env["recouvrement.credit.override"]
            .with_user(self.manager)
            .create({"order_id": order.id, "reason": "Client stratégique"})
        )
        with self._assertRaisesMessage(UserError, "does not allow credit manager approvals"):
            wizard.action_approve()
        self.assertEqual(order.state, "draft")

    # --- payment provider -----------------------------------------------------------------

    def test_paid_online_not_blocked(self):
        self.customer.with_user(self.manager).write(
            {"credit_hold": True, "credit_hold_reason": "x"}
        )
        order = self._order(self.customer, 100.0, user=self.salesman)
        method = self.env.ref("payment.payment_method_unknown")
        provider = self.env["payment.provider"].create(
            {
                "name": "Prestataire test",
                "code": "none",
                "state": "test",
                "payment_method_ids": [Command.set(method.ids)],
            }
        )
        method.active = True
        self.env["payment.transaction"].create(
            {
                "provider_id": provider.id,
                "payment_method_id": method.id,
                "reference": "TX-CREDIT-1",
                "amount": order.amount_total,
                "currency_id": order.currency_id.id,
                "partner_id": self.customer.id,
                "sale_order_ids": [Command.set(order.ids)],
                "state": "done",
            }
        )
        order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.state, "sale")
        # An order without online payment is blocked.
        self._assert_blocked(self.customer, 100.0, "is on credit hold")

    # --- invoice posting, check button, score ---------------------------------------------

    def test_check_at_invoice_posting(self):
        self.customer.with_user(self.manager).write(
            {"credit_hold": True, "credit_hold_reason": "Retards répétés"}
        )
        move = self._invoice(self.customer, 100.0, "2026-03-01", post=False)
        move.action_post()  # the option is off
        self.company.recouvrement_credit_check_invoice = True
        move = self._invoice(self.customer, 100.0, "2026-03-01", post=False)
        with self._assertRaisesMessage(
            UserError,
            "Invoice of Menuiserie Garnier cannot be posted:\nMenuiserie Garnier is on credit hold",
        ):
            move.with_user(self.controller).action_post()
        self.assertEqual(move.state, "draft")

    def test_check_credit_button(self):
        self._invoice(self.customer, 6000.0, "2026-01-01", "2026-02-01")
        action = self.customer.with_user(self.controller).action_check_credit()
        self.assertEqual(action["params"]["type"], "warning")
        self.assertIn("exceeds its credit limit", action["params"]["message"])
        self.assertIn("score C", action["params"]["title"])
        self.assertEqual(self.customer.credit_score, "C")
        other = self._partner("Client Sans Limite")
        action = other.with_user(self.controller).action_check_credit()
        self.assertEqual(action["params"]["type"], "success")
        self.assertEqual(action["params"]["message"], "Exposure 0.00\xa0€, no credit limit.")

    def test_customer_reasons_name_no_document(self):
        """Issue 16 (break test): the customer's Credit tab and Check credit said "exceeds its
        credit limit: exposure 9 090,00 € (dont 0,00 € pour ce document)", with no document
        being checked. Only an order or invoice being checked is named."""
        self._invoice(self.customer, 6000.0, "2026-01-01", "2026-02-01")
        expected = (
            "Menuiserie Garnier exceeds its credit limit: exposure 6,000.00\xa0€, "
            "limit 5,000.00\xa0€."
        )
        partner = self.customer.with_user(self.controller).with_company(self.company)
        self.assertIn(expected, partner.credit_block_reasons)
        action = partner.action_check_credit()
        self.assertIn(expected, action["params"]["message"])
        self.assertNotIn(
            "this document", partner.credit_block_reasons + action["params"]["message"]
        )

    def test_payment_score(self):
        # 2 invoices of 1000 due in the last 12 months: one paid 30 days late, one on time.
        late = self._invoice(self.customer, 1000.0, "2025-12-01", "2026-01-01")
        self._pay(late, 1000.0, "2026-01-31")
        on_time = self._invoice(self.customer, 1000.0, "2026-01-01", "2026-02-01")
        self._pay(on_time, 1000.0, "2026-01-25")
        # Older than 12 months: ignored.
        old = self._invoice(self.customer, 1000.0, "2025-01-01", "2025-02-01")
        self._pay(old, 1000.0, "2025-12-01")
        inputs = self.env["recouvrement.credit"]._get_score_inputs(self.customer)[self.customer.id]
        self.assertEqual(
            inputs,
            {
                "avg_days_late": 15.0,
                "late_share": 0.5,
                "max_dunning_level": 0,
                "litigation": False,
                "promise_keep_rate": None,  # no promise to pay closed
                "call_negative_rate": None,  # no call logged
            },
        )
        self.env["recouvrement.credit"]._update_scores(self.customer)
        # 100 - 35 x 15 / 60 - 25 x 0.5 = 78.75 -> 79 points: B
        self.assertRecordValues(
            self.customer, [{"credit_score": "B", "credit_score_date": fields.Date.to_date(TODAY)}]
        )
        self.assertEqual(
            self.customer.credit_score_reasons,
            "79 points out of 100\nPaid 15 days late on average (-8.8 points)\n"
            "50% of invoices paid late (-12.5 points)",
        )
        # Dunning level 2 of its policy and an open litigation.
        policy = self.env["recouvrement.dunning.policy"].sudo().create({"name": "Standard"})
        levels = (
            self.env["recouvrement.dunning.level"]
            .sudo()
            .create(
                [
                    {
                        "name": f"Niveau {i}",
                        "policy_id": policy.id,
                        "sequence": i * 10,
                        "days": i * 15,
                        "channel": "none",
                    }
                    for i in (1, 2, 3)
                ]
            )
        )
        litigation = (
            self.env["recouvrement.litigation"].sudo().create({"partner_id": self.customer.id})
        )
        open_move = self._invoice(self.customer, 1000.0, "2026-02-01", "2026-03-01")
        open_move.write({"dunning_level_id": levels[1].id, "litigation_id": litigation.id})
        self.assertEqual(
            self.env["res.partner"].search(
                [("credit_score", "=", "B"), ("id", "=", self.customer.id)]
            ),
            self.customer,
        )
        with freeze_time("2026-03-16"):
            self.env["recouvrement.credit"].sudo()._cron_update_scores()
            inputs = self.env["recouvrement.credit"]._get_score_inputs(self.customer)[
                self.customer.id
            ]
        self.assertEqual(inputs["max_dunning_level"], 2)
        self.assertTrue(inputs["litigation"])
        self.assertRecordValues(  # 47 points, capped at C anyway
            self.customer,
            [{"credit_score": "C", "credit_score_date": fields.Date.to_date("2026-03-16")}],
        )

    def test_score_cron_calls_write_one_batch(self):
        """Issue 18: under the scheduler, a call of the score cron ends after the first batch
        that wrote scores (those rows stay locked only until the call commits, never during
        the scoring of the whole book) and reports the customers after it remaining; the next
        calls go on after it. Batches of 2, 5 new customers: each call writes at most 2, each
        customer is written once, the last call reports nothing remaining."""
        partners = self.env["res.partner"].create(
            [{"name": f"Client Lot {i}", "is_company": True} for i in range(5)]
        )
        self._invoices(partners, 1)
        cron = self.env.ref("recouvrement_b2b.ir_cron_update_credit_score")
        credit = self.env["recouvrement.credit"].sudo()
        self.env.cr.cache.pop(credit_module._SCORE_CURSOR_KEY, None)
        written = []
        write = type(self.env["res.partner"]).write

        def spy_write(records, vals):
            if "credit_score" in vals:
                written.append(records.ids)
            return write(records, vals)

        calls = []
        with patch.object(type(self.env["res.partner"]), "write", spy_write):
            while not calls or calls[-1][0].remaining:
                self.assertLess(len(calls), 100, "the calls never end")
                progress = self.env["ir.cron.progress"].sudo().create({"cron_id": cron.id})
                before = len(written)
                credit.with_context(ir_cron_progress_id=progress.id)._cron_update_scores(
                    batch_size=2
                )
                calls.append((progress, [i for ids in written[before:] for i in ids]))
        self.assertGreaterEqual(len(calls), 3)
        for progress, ids in calls:
            self.assertLessEqual(len(ids), 2, "a call wrote more than one batch")
            self.assertGreater(progress.done, 0)
        ids = [i for _progress, call_ids in calls for i in call_ids if i in partners.ids]
        self.assertEqual(sorted(ids), partners.ids, "a customer written twice, or not at all")
        self.assertEqual(set(partners.mapped("credit_score")), {"C"})
        # the run done, the next pass starts from the first batch again
        self.assertEqual(self.env.cr.cache.get(credit_module._SCORE_CURSOR_KEY), 0)

    def test_score_cron_writes_only_changed_scores(self):
        """The daily score cron writes only the customers whose score changed: an unchanged
        customer row is not touched (it never conflicts with the dunning run)."""
        steady, changing = self.env["res.partner"].create(
            [{"name": "Client stable", "is_company": True}, {"name": "Client qui change"}]
        )
        for partner in steady | changing:  # paid on time: A
            self._pay(
                self._invoice(partner, 1000.0, "2026-02-01", "2026-03-01"), 1000.0, "2026-02-25"
            )
        credit = self.env["recouvrement.credit"].sudo()
        with freeze_time("2026-03-10"):
            credit._cron_update_scores()
        self.assertRecordValues(
            steady | changing,
            [{"credit_score": "A", "credit_score_date": fields.Date.to_date("2026-03-10")}] * 2,
        )
        # the changing customer goes to litigation: its score falls; the other does not move
        litigation = self.env["recouvrement.litigation"].sudo().create({"partner_id": changing.id})
        changing.invoice_ids.write({"litigation_id": litigation.id})
        self.env.flush_all()
        written = []
        write = type(self.env["res.partner"]).write

        def spy_write(partners, vals):
            if "credit_score" in vals:
                written.extend(partners.ids)
            return write(partners, vals)

        with (
            freeze_time("2026-03-11"),
            patch.object(type(self.env["res.partner"]), "write", spy_write),
        ):
            credit._cron_update_scores()
        self.assertNotIn(steady.id, written)
        self.assertIn(changing.id, written)
        self.assertRecordValues(
            steady | changing,
            [
                {"credit_score": "A", "credit_score_date": fields.Date.to_date("2026-03-10")},
                {"credit_score": "C", "credit_score_date": fields.Date.to_date("2026-03-11")},
            ],
        )

    # --- query counts ---------------------------------------------------------------------
    # Each hot path runs at two data sizes and must cost exactly the measured number of
    # queries at both: a query per customer or per invoice changes the count and fails.

    def _count_queries(self, func):
        """Number of SQL queries of ``func()`` on empty caches, flushes included."""
        self.env.invalidate_all()
        with patch("random.random", lambda: 1):  # no random garbage collection on flush
            self.env.flush_all()
            self.env.cr.flush()
            start = self.cr.sql_log_count
            func()
            self.env.flush_all()
            self.env.cr.flush()
        return self.cr.sql_log_count - start

    def _assert_query_counts(self, funcs, expected):
        """Run each of ``funcs`` (one path at growing data sizes) once to warm the caches that
        do not depend on the data, then assert each costs exactly ``expected`` queries."""
        for func in funcs:
            self._count_queries(func)
        self.assertEqual([self._count_queries(func) for func in funcs], [expected] * len(funcs))

    def _invoices(self, partners, count, due="2026-02-01"):
        """Post ``count`` invoices of 10.00 for each of ``partners``."""
        moves = self.env["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "invoice_date": "2026-01-01",
                    "invoice_date_due": due,
                    "invoice_line_ids": [
                        Command.create({"name": "Prestation", "price_unit": 10.0, "tax_ids": []})
                    ],
                }
                for partner in partners
                for _i in range(count)
            ]
        )
        moves.action_post()
        return moves

    def test_query_count_confirmation_check(self):
        small = self._partner("Un Seul", limit=100000.0)
        large = self._partner("Deux Cents", limit=100000.0)
        self._invoices(small, 1)
        self._invoices(large, 200)
        orders = [
            self._order(small, 50.0, user=self.salesman),
            self._order(large, 50.0, user=self.salesman),
        ]
        # The same count for a customer with 1 and with 200 invoices.
        # 10: the hold, company-dependent, is read in its own query (issue 19)
        self._assert_query_counts([order._credit_check for order in orders], 10)
        self.assertEqual(large.credit_exposure, 2000.0)

    def test_query_count_orders_confirmed_together(self):
        """The check of orders confirmed in one call costs the same for 2 and 10 orders."""
        partners = self.env["res.partner"].create(
            [{"name": f"Client Lot {i}", "is_company": True} for i in range(10)]
        )
        partners.credit_limit = 100000.0
        self._invoices(partners, 3)
        orders = self.env["sale.order"].concat(
            *(self._order(partner, 50.0, user=self.salesman) for partner in partners)
        )
        self._assert_query_counts([orders[:2]._credit_check, orders._credit_check], 10)

    def test_query_count_batch_exposure(self):
        partners = self.env["res.partner"].create(
            [{"name": f"Client {i}", "is_company": True} for i in range(20)]
        )
        self._invoices(partners, 1)

        def read(batch):
            batch = batch.with_user(self.controller)
            return lambda: (batch.mapped("credit_exposure"), batch.mapped("credit_block_reasons"))

        # The same count for 2 and 20 customers.
        # 8: the hold, company-dependent, is read in its own query (issue 19)
        self._assert_query_counts([read(partners[:2]), read(partners)], 8)
        self.assertEqual(partners.mapped("credit_exposure"), [10.0] * 20)

    def test_query_count_score_cron(self):
        """Each run scores every customer with an invoice in the window and writes only the
        changed scores: queries per company and batch, not per customer."""
        cron = self.env["recouvrement.credit"].sudo()._cron_update_scores
        first = self.env["res.partner"].create({"name": "Client Score 0", "is_company": True})
        self._invoices(first, 1)
        cron()  # scores every customer of the database (caches filled)
        self.env.invalidate_all()
        baseline = self._count_queries(cron)  # same companies, no score changes
        counts = []
        for size in (2, 20):
            partners = self.env["res.partner"].create(
                [{"name": f"Client Score {size}-{i}", "is_company": True} for i in range(size)]
            )
            self._invoices(partners, 1)
            counts.append(self._count_queries(cron))
            self.assertEqual(set(partners.mapped("credit_score")), {"C"})
        # The same count with 2 and 20 new customers: the run without changes plus the write
        # of their letter (measured: 3 queries) and its collection history rows (5: the
        # previous scores, the field ids, one create); a query per customer would make it grow.
        self.assertEqual(counts, [baseline + 8, baseline + 8])

    def test_both_query_plans_agree(self):
        """Few partners are read with per-partner queries, many with one aggregate."""
        partners = self.env["res.partner"].create(
            [{"name": f"Client {i}", "is_company": True} for i in range(201)]
        )
        partners[0].credit_limit = 100.0
        late = self._invoice(partners[0], 300.0, "2026-01-01", "2026-02-01")
        self._pay(late, 50.0, "2026-02-15")
        self._invoice(partners[1], 80.0, "2026-03-01", post=False)
        self._order(partners[1], 40.0).action_confirm()
        credit = self.env["recouvrement.credit"]
        few = credit._get_exposure_figures(partners[:2])
        many = credit._get_exposure_figures(partners)
        self.assertEqual(len(many), 201)
        for partner in partners[:2]:
            self.assertEqual(few[partner.id], many[partner.id])
        self.assertEqual(
            few[partners[0].id],
            {
                "available": -150.0,
                "credit_limit": 100.0,
                "draft_invoiced": 0.0,
                "exposure": 250.0,
                "over_limit": True,
                "overdue_amount": 250.0,
                "overdue_days": 42,
                "receivable": 250.0,
                "to_invoice": 0.0,
            },
        )
        self.assertRecordValues(
            partners[1],
            [{"credit_exposure_draft": 80.0, "credit_exposure_to_invoice": 40.0}],
        )

    # --- issue 12: exposure figures, invoiced customer, batch, lock, approvals -------------

    def _delivered_product(self, price=100.0):
        """A goods product invoiced on delivered quantities (delivered by hand: no stock)."""
        return self.env["product.product"].create(
            {
                "name": "Palette",
                "type": "consu",
                "invoice_policy": "delivery",
                "list_price": price,
                "taxes_id": False,
            }
        )

    def _order_lines(self, partner, lines, **vals):
        """A quotation of ``lines`` ``[(product, qty, price)]`` without taxes."""
        return self.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_uom_qty": qty,
                            "price_unit": price,
                            "tax_id": [Command.clear()],
                        }
                    )
                    for product, qty, price in lines
                ],
                **vals,
            }
        )

    def _exposure(self, partner, company=None):
        """The exposure figures of ``partner`` read on the partner and on the exposure list
        (asserted equal): ``(exposure, receivable, draft, to_invoice)``."""
        company = company or self.company
        self.env.invalidate_all()
        partner = partner.with_company(company).with_user(self.controller)
        row = (
            self.env["recouvrement.credit.exposure"]
            .with_user(self.controller)
            .with_company(company)
            .search([("partner_id", "=", partner.id), ("company_id", "=", company.id)])
        )
        figures = (
            partner.credit_exposure,
            partner.credit_exposure_receivable,
            partner.credit_exposure_draft,
            partner.credit_exposure_to_invoice,
        )
        self.assertEqual(
            (row.exposure, row.receivable, row.draft_invoiced, row.to_invoice), figures
        )
        return figures

    def test_orders_invoiced_on_delivery_are_exposed(self):
        """Fault 1: an order invoiced on delivered quantities counts from its confirmation."""
        partner = self._partner("Client Livraison", limit=1000.0)
        product = self._delivered_product()
        self._order_lines(partner, [(product, 8, 100.0)]).action_confirm()
        self.assertEqual(self._exposure(partner), (800.0, 0.0, 0.0, 800.0))
        order = self._order_lines(partner, [(product, 5, 100.0)])
        self.assertIn("exposure 1,300.00", order.partner_credit_warning)
        with self._assertRaisesMessage(
            UserError,
            r"Client Livraison exceeds its credit limit: exposure 1,300.00\s€ \(including "
            r"500.00\s€ for this document\), limit 1,000.00\s€.",
        ):
            order.action_confirm()
        self.assertEqual(order.state, "draft")

    def test_multi_line_order_partly_delivered(self):
        """Ordered minus invoiced on each line, whatever its policy, as it gets invoiced."""
        partner = self._partner("Client Multi", limit=10000.0)
        goods = self._delivered_product()
        order = self._order_lines(partner, [(goods, 10, 100.0), (self.product, 1, 500.0)])
        order.action_confirm()
        order.order_line[0].qty_delivered = 4
        invoice = order._create_invoices()
        self.assertEqual(invoice.amount_total, 900.0)  # 4 delivered + the service
        self.assertEqual(self._exposure(partner), (1500.0, 0.0, 900.0, 600.0))
        invoice.action_post()
        self.assertEqual(self._exposure(partner), (1500.0, 900.0, 0.0, 600.0))
        self._pay(invoice, 900.0, TODAY)
        self.assertEqual(self._exposure(partner), (600.0, 0.0, 0.0, 600.0))
        # Over-delivered and invoiced: the extra is owed, nothing left to invoice.
        order.order_line[0].qty_delivered = 12
        order._create_invoices().action_post()
        self.assertEqual(self._exposure(partner), (800.0, 800.0, 0.0, 0.0))

    def test_draft_invoice_counted_once(self):
        """Fault 2: an order with its invoice in draft counts once."""
        partner = self._partner("Client Brouillon", limit=5000.0)
        order = self._order(partner, 1000.0)
        order.action_confirm()
        order._create_invoices()
        self.assertEqual(self._exposure(partner), (1000.0, 0.0, 1000.0, 0.0))
        # The check at invoice posting: the 600 invoice of a 600 order posts.
        self.company.recouvrement_credit_check_invoice = True
        partner_2 = self._partner("Client Facture", limit=1000.0)
        order = self._order(partner_2, 600.0)
        order.action_confirm()
        invoice = order._create_invoices()
        invoice.with_user(self.controller).action_post()
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(self._exposure(partner_2), (600.0, 600.0, 0.0, 0.0))

    def test_down_payment_counted_once(self):
        partner = self._partner("Client Acompte", limit=5000.0)
        order = self._order(partner, 1000.0)
        order.action_confirm()
        wizard = (
            self.env["sale.advance.payment.inv"]
            .with_context(active_model="sale.order", active_ids=order.ids)
            .create({"advance_payment_method": "fixed", "fixed_amount": 300.0})
        )
        wizard.create_invoices()
        down_payment = order.invoice_ids
        self.assertEqual(self._exposure(partner), (1000.0, 0.0, 300.0, 700.0))
        down_payment.action_post()
        self.assertEqual(self._exposure(partner), (1000.0, 300.0, 0.0, 700.0))
        self._pay(down_payment, 300.0, TODAY)
        self.assertEqual(self._exposure(partner), (700.0, 0.0, 0.0, 700.0))
        # The final invoice deducts the down payment: 700 owed, nothing left to invoice.
        final = order._create_invoices(final=True)
        self.assertEqual(final.amount_total, 700.0)
        self.assertEqual(self._exposure(partner), (700.0, 0.0, 700.0, 0.0))
        final.action_post()
        self.assertEqual(self._exposure(partner), (700.0, 700.0, 0.0, 0.0))

    def test_credit_note_in_draft(self):
        """A draft credit note of an order's invoice: the order is to invoice again."""
        partner = self._partner("Client Avoir", limit=5000.0)
        order = self._order(partner, 1000.0)
        order.action_confirm()
        invoice = order._create_invoices()
        invoice.action_post()
        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": invoice.journal_id.id, "reason": "Retour"})
        )
        reversal.refund_moves()
        refund = order.invoice_ids.filtered(lambda m: m.move_type == "out_refund")
        self.assertEqual(refund.state, "draft")
        self.assertEqual(self._exposure(partner), (1000.0, 1000.0, -1000.0, 1000.0))
        refund.action_post()
        self.assertEqual(self._exposure(partner), (1000.0, 0.0, 0.0, 1000.0))

    def test_exposure_of_invoiced_customer(self):
        """Fault 3: the check and the exposure are those of the invoiced commercial entity."""
        group = self._partner("Groupe Phi", limit=1000.0)
        shop = self._partner("Magasin Chi", parent_id=group.id)
        self._invoice(group, 900.0, "2026-01-01", "2026-02-01")
        order = self._order(shop, 300.0, user=self.salesman)
        order.partner_invoice_id = group
        self.assertEqual(
            order.partner_credit_warning,
            "Groupe Phi exceeds its credit limit: exposure 1,200.00\xa0€ (including 300.00\xa0€ "
            "for this document), limit 1,000.00\xa0€.",
        )
        with self._assertRaisesMessage(UserError, r"Groupe Phi exceeds its credit limit"):
            order.action_confirm()
        self.assertEqual(order.state, "draft")
        self.company.recouvrement_credit_check = "warning"
        order.action_confirm()
        self.assertEqual(self._exposure(group), (1200.0, 900.0, 0.0, 300.0))
        self.assertEqual(self._exposure(shop), (0.0, 0.0, 0.0, 0.0))

    def test_orders_confirmed_together(self):
        """Fault 4: quotations confirmed in one call are checked together."""
        partner = self._partner("Client Lot", limit=1000.0)
        first, second = (self._order(partner, 600.0, user=self.salesman) for _i in range(2))
        with self._assertRaisesMessage(
            UserError,
            rf"Order {second.name} cannot be confirmed:\nClient Lot exceeds its credit limit: "
            r"exposure 1,200.00\s€",
        ):
            (first + second).action_confirm()
        self.assertEqual((first + second).mapped("state"), ["draft", "draft"])
        first.action_confirm()
        self._assert_blocked(partner, 600.0, "exposure 1,200.00")

    def test_negative_lines_lower_the_exposure_as_the_check(self):
        """A return or discount line (negative quantity) lowers the order's exposure as it
        lowers its total: the figure the check used is the figure the exposure shows."""
        partner = self._partner("Client Avoir", limit=1000.0)
        self._order(partner, 900.0, user=self.salesman).action_confirm()
        order = self._order(partner, 900.0, user=self.salesman)
        order.order_line = [
            Command.create(
                {
                    "product_id": self.product.id,
                    "product_uom_qty": -1,
                    "price_unit": 800.0,
                    "tax_id": [Command.clear()],
                }
            )
        ]
        self.assertEqual(order.amount_total, 100.0)
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        partner.invalidate_recordset()
        self.assertEqual(partner.with_company(self.company).credit_exposure, 1000.0)
        self._assert_blocked(partner, 1.0, "exposure 1,001.00")

    def test_check_locks_the_customer(self):
        """Fault 5: the check locks the customer's row, so that a concurrent check waits (and
        is retried once the first commits). Seen from another database connection; the
        customer is a committed partner the test does not write."""
        partner = self.env.ref("base.default_user_res_partner")
        order = self._order(partner, 10.0)
        # What a concurrent check takes (creating an order only takes a key share lock).
        lock = "SELECT id FROM res_partner WHERE id = %s FOR NO KEY UPDATE NOWAIT"
        with closing(sql_db.db_connect(self.env.cr.dbname).cursor()) as other:
            other.execute(lock, [partner.id])  # free before the check
            other.rollback()
            order.action_confirm()
            self.assertEqual(order.state, "sale")
            with (
                self.assertRaises(psycopg2.errors.LockNotAvailable),
                mute_logger("odoo.sql_db"),
            ):
                other.execute(lock, [partner.id])
            other.rollback()

    def test_approval_cannot_be_forged(self):
        """Fault 6: an approval is recorded only by a credit manager's approval action."""
        self.company.recouvrement_credit_check = "override"
        self.customer.with_user(self.manager).write(
            {"credit_hold": True, "credit_hold_reason": "Impayés"}
        )
        vals = {
            "partner_id": self.customer.id,
            "credit_override_user_id": self.manager.id,
            "credit_override_reason": "Accord du DAF",
        }
        with self._assertRaisesMessage(AccessError, "Only a credit manager can approve"):
            self.env["sale.order"].with_user(self.salesman).create(vals)
        # nor through defaults (an RPC client sends default_* keys in its context)
        forged = (
            self.env["sale.order"]
            .with_user(self.salesman)
            .with_context(
                default_credit_override_user_id=self.manager.id,
                default_credit_override_amount=1e9,
                default_credit_override_partner_id=self.customer.id,
                default_credit_override_reason="x",
            )
        )
        with self._assertRaisesMessage(AccessError, "Only a credit manager can approve"):
            forged.create({"partner_id": self.customer.id})
        # Not even a manager writes it by hand: only the approval action records it.
        order = self._order(self.customer, 12000.0, user=self.salesman)
        with self._assertRaisesMessage(AccessError, "Only a credit manager can approve"):
            order.with_user(self.manager).write({"credit_override_amount": 50000.0})
        with self._assertRaisesMessage(
            AccessError, f"Only a credit manager can approve order {order.name} over credit."
        ):
            self.env["recouvrement.credit"].with_user(self.salesman)._approve_order(order, "x")
        with self._assertRaisesMessage(UserError, "Ask a credit manager to approve it."):
            order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.state, "draft")

    def test_approval_tied_to_amount_and_customer(self):
        """Fault 7: an approval covers the approved amount and customer; a cancel or a reset
        clears it."""
        self.company.recouvrement_credit_check = "override"
        self.customer.credit_limit = 10000.0
        order = self._order(self.customer, 12000.0, user=self.salesman)
        self.env["recouvrement.credit"].with_user(self.manager)._approve_order(order, "Accord")
        self.assertRecordValues(
            order,
            [
                {
                    "state": "sale",
                    "credit_override_user_id": self.manager.id,
                    "credit_override_amount": 12000.0,
                    "credit_override_partner_id": self.customer.id,
                }
            ],
        )
        order.with_user(self.salesman)._action_cancel()
        self.assertRecordValues(
            order,
            [{"credit_override_user_id": False, "credit_override_amount": 0.0}],
        )
        order.with_user(self.salesman).action_draft()
        order.order_line.price_unit = 62000.0
        with self._assertRaisesMessage(UserError, "exposure 62,000.00"):
            order.with_user(self.salesman).action_confirm()
        # An approval kept on a quotation covers no higher amount and no other customer.
        approval = {
            "credit_override_user_id": self.manager.id,
            "credit_override_reason": "Accord",
            "credit_override_amount": 12000.0,
            "credit_override_partner_id": self.customer.id,
        }
        order.sudo().write(approval)
        with self._assertRaisesMessage(UserError, "exposure 62,000.00"):
            order.with_user(self.salesman).action_confirm()
        other = self._partner("Autre Client", limit=100.0)
        order.order_line.price_unit = 12000.0
        order.write({"partner_id": other.id, "partner_invoice_id": other.id})
        with self._assertRaisesMessage(UserError, "Autre Client exceeds its credit limit"):
            order.with_user(self.salesman).action_confirm()
        order.write({"partner_id": self.customer.id, "partner_invoice_id": self.customer.id})
        order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_block_dialog_action_has_views(self):
        """Fault 8: the "Approve with a reason" button of the block dialog opens a form."""
        self.company.recouvrement_credit_check = "override"
        self._invoice(self.customer, 5000.0, "2026-01-01", "2026-02-01")
        order = self._order(self.customer, 100.0)
        with self.assertRaises(RedirectWarning) as caught:
            order.with_user(self.manager).action_confirm()
        action = caught.exception.args[1]
        self.assertEqual(action["views"], [[False, "form"]])
        self.assertEqual(action["view_mode"], "form")
        self.assertEqual(caught.exception.args[2], "Approve with a reason")

    def test_exposure_per_company(self):
        company_2 = self.setup_other_company(name="Filiale Lyon")["company"]
        self.controller.company_ids += company_2
        company_2.write({"account_use_credit_limit": True, "recouvrement_credit_check": "block"})
        self.customer.with_company(company_2).credit_limit = 500.0
        self._order(self.customer, 400.0).action_confirm()
        self._order(self.customer, 300.0, company=company_2).action_confirm()
        self.assertEqual(self._exposure(self.customer), (400.0, 0.0, 0.0, 400.0))
        self.assertEqual(self._exposure(self.customer, company_2), (300.0, 0.0, 0.0, 300.0))
        order = self._order(self.customer, 300.0, company=company_2)
        with self._assertRaisesMessage(UserError, r"exposure 600.00\s€"):
            order.action_confirm()

    def test_exposure_in_foreign_currency(self):
        """An order in another currency counts in the company currency (2 USD per EUR)."""
        usd = self.setup_other_currency("USD")
        pricelist = self.env["product.pricelist"].create({"name": "USD", "currency_id": usd.id})
        partner = self._partner("Client Dollar", limit=1000.0)
        order = self._order_lines(partner, [(self.product, 1, 1000.0)], pricelist_id=pricelist.id)
        self.assertEqual(order.currency_id, usd)
        order.action_confirm()
        self.assertEqual(self._exposure(partner), (500.0, 0.0, 0.0, 500.0))
        order = self._order_lines(partner, [(self.product, 1, 1200.0)], pricelist_id=pricelist.id)
        with self._assertRaisesMessage(
            UserError, r"exposure 1,100.00\s€ \(including 600.00\s€ for this document\)"
        ):
            order.action_confirm()
