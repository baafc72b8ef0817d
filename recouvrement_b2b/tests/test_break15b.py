"""Second break test of issue 15 (collective proceedings, agency, factoring, bad-debt VAT): the
defects found by a fresh tester, each with the value that was wrong."""

from datetime import date, timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, HttpCase, new_test_user, tagged

from .common import RecouvrementCommon
from .test_plans import PlanCommon


@tagged("post_install", "-at_install")
class TestDisputedAmountNamed(RecouvrementCommon):
    """A negative disputed amount typed on a case is refused with a translated message naming
    the case and the field, never by the raw SQL constraint; zero (nothing contested, the claim
    is liquide) is kept."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.move = cls._invoice(cls.customer, 2000, date(2024, 2, 14), date(2024, 3, 15))
        cls.case = cls.env["recouvrement.litigation"].create(
            {
                "partner_id": cls.customer.id,
                "litigation_type": "dispute",
                "move_ids": [Command.set(cls.move.ids)],
                "disputed_amount": 500.0,
            }
        )

    def test_negative_disputed_amount(self):
        # amounts with their currency, Odoo's minus sign kept with its number
        minus, euro = "-\N{ZERO WIDTH NO-BREAK SPACE}", "\N{NO-BREAK SPACE}€"
        for value, shown in (
            (-5.0, f"{minus}5.00{euro}"),
            (-0.01, f"{minus}0.01{euro}"),
            (-2500.0, f"{minus}2,500.00{euro}"),
        ):
            with self.assertRaises(ValidationError) as caught:
                self.case.with_user(self.controller).write({"disputed_amount": value})
            message = str(caught.exception)
            self.assertIn(self.case.name, message)
            self.assertIn("Disputed Amount", message)
            self.assertIn(shown, message)

    def test_negative_amounts_at_creation(self):
        """Created with a negative amount (an import, a form saved at once): the same named
        refusal, before the database's CHECK."""
        for fname, label in (
            ("disputed_amount", "Disputed Amount"),
            ("cost_amount", "Costs Incurred"),
            ("recovered_amount", "Amount Recovered"),
        ):
            with self.assertRaises(ValidationError) as caught:
                self.env["recouvrement.litigation"].with_user(self.controller).create(
                    {
                        "name": "LIT/TEST/0001",
                        "partner_id": self.customer.id,
                        "litigation_type": "dispute",
                        "move_ids": [Command.set(self.move.ids)],
                        fname: -100.0,
                    }
                )
            message = str(caught.exception)
            self.assertIn("LIT/TEST/0001", message)
            self.assertIn(label, message)
            self.assertIn("-100.00", message)
        mandataire = self.env["res.partner"].create({"name": "SELARL Mandataires du Rhône"})
        self.customer.write(
            {"collective_proceedings": "redressement", "proceedings_date": date(2024, 4, 14)}
        )
        with self.assertRaises(ValidationError) as caught:
            self.env["recouvrement.claim.declaration"].create(
                {
                    "name": "DC/TEST/0001",
                    "partner_id": self.customer.id,
                    "mandataire_id": mandataire.id,
                    "admitted_amount": -3.0,
                }
            )
        message = str(caught.exception)
        self.assertIn("DC/TEST/0001", message)
        self.assertIn("Admitted Amount", message)
        self.assertIn("-3.00", message)

    def test_zero_disputed_amount_kept(self):
        self.case.with_user(self.controller).write({"disputed_amount": 0.0})
        self.assertEqual(self.case.disputed_amount, 0.0)
        self.assertTrue(self.case.claim_liquid)


@tagged("post_install", "-at_install")
class TestPenaltyLinesFollowTheirClaim(RecouvrementCommon):
    """Penalties follow the claim they are computed on: those of an invoice born before the
    opening judgment are part of it (frozen, declared, L622-21, L622-28), those of an invoice
    dated after it are paid at their due date (L622-17, normal dunning). Charging both at once
    gives two penalty invoices, never one frozen whole.

    Redressement judgment 2024-04-14. A 10 000 due 2024-03-15: 10 000 x 14.50 % x 29 / 365 =
    115.21 to the judgment, + 40.00 indemnity = 155.21. C 3 000 dated 2024-04-20 due
    2024-05-20, charged on 2024-06-01: 3 000 x 14.50 % x 12 / 365 = 14.30, + 40.00 = 54.30.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._legal_penalties()
        cls._standard_ladder()
        cls.debtor, cls.move_a, cls.move_c = cls._debtor_in_redressement()
        cls.penalty_invoices = (cls.move_a | cls.move_c)._create_penalty_invoices(date(2024, 6, 1))
        cls.penalty_invoices.action_post()

    def test_one_penalty_invoice_per_side_of_the_judgment(self):
        self.assertEqual(len(self.penalty_invoices), 2)
        frozen = self.penalty_invoices.filtered(
            lambda m: m.line_ids.penalty_source_move_id == self.move_a
        )
        later = self.penalty_invoices.filtered(
            lambda m: m.line_ids.penalty_source_move_id == self.move_c
        )
        self.assertEqual(frozen.amount_total, 155.21)
        self.assertEqual(later.amount_total, 54.30)
        Proceedings = self.env["recouvrement.proceedings"]
        self.assertEqual(Proceedings._get_pre_judgment_moves(self.penalty_invoices), frozen)
        self.assertEqual(
            Proceedings._filter_dunning_moves(self.penalty_invoices, date(2024, 7, 15)), later
        )
        with self.assertRaisesRegex(UserError, "L622-21"):
            Proceedings._check_individual_action(frozen, "filed")
        # the post-judgment penalties may be claimed in court like their invoice
        Proceedings._check_individual_action(later, "filed")


@tagged("post_install", "-at_install")
class TestAgencyCollectionOfAClosedCase(RecouvrementCommon):
    """A case handed over to an agency that collected 500 of 1 200, then written off for the
    700 left: deleting the agency's payment afterwards reopened 500 on the invoice of a case
    closed as written off. The payments of a closed case are on record like its outcome."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        agency = cls.env["res.partner"].create({"name": "Agence Recouvra", "is_company": True})
        cls.move = cls._invoice(cls.customer, 1200, date(2026, 1, 10), date(2026, 2, 10))
        cls.case = cls.env["recouvrement.litigation"].create(
            {
                "partner_id": cls.customer.id,
                "litigation_type": "recovery",
                "move_ids": [Command.set(cls.move.ids)],
                "agency_id": agency.id,
                "agency_fee_rate": 10.0,
            }
        )
        with freeze_time("2026-04-01"):
            cls.case.with_user(cls.controller).action_hand_over()
            cls.collection = (
                cls.env["recouvrement.agency.collection"]
                .with_user(cls.controller)
                .create({"litigation_id": cls.case.id, "amount": 500.0})
            )
            cls.case.with_user(cls.controller).action_return_file()
            wizard = Form(
                cls.env["recouvrement.litigation.close"]
                .with_user(cls.manager)
                .with_context(default_litigation_id=cls.case.id)
            )
            wizard.outcome = "written_off"
            wizard.save().action_confirm()

    @freeze_time("2026-04-02")
    def test_collection_of_a_closed_case_kept(self):
        self.assertEqual(self.move.amount_residual, 0.0)
        self.assertEqual(self.case.write_off_move_id.amount_total, 700.0)
        collection = self.collection.with_user(self.controller)
        for action in (
            collection.unlink,
            lambda: collection.write({"amount": 400.0}),
            lambda: (
                self.env["recouvrement.agency.collection"]
                .with_user(self.controller)
                .create({"litigation_id": self.case.id, "amount": 100.0, "date": date(2026, 4, 1)})
            ),
        ):
            with self.assertRaises(UserError) as caught:
                action()
            self.assertIn("reopen it first", str(caught.exception))
            self.assertIn(self.case.name, str(caught.exception))
            self.assertIn("Written off", str(caught.exception))
        collection.note = "Chèque encaissé par l'agence"
        self.assertTrue(self.collection.exists())
        self.assertEqual(self.move.amount_residual, 0.0)
        self.assertEqual(self.case.agency_collected_amount, 500.0)


@tagged("post_install", "-at_install")
class TestBadDebtSeveralRates(RecouvrementCommon):
    """Bad-debt VAT (art. 272 CGI) on an invoice at two VAT rates, partly paid, written off
    after a court decision: the VAT of each rate is recovered pro rata of what is written off,
    net of the credit notes reconciled with the invoice.

    1 000 excl. tax at 20 % (VAT 200) + 1 000 at 5.5 % (VAT 55) = 2 255, 1 000 paid: 1 255
    written off. VAT 20 %: 1 255 x 200 / 2 255 = 111.31; VAT 5.5 %: 1 255 x 55 / 2 255 = 30.61;
    bases 1 255 x 1 000 / 2 255 = 556.54 each (556.54 + 556.54 + 111.31 + 30.61 = 1 255.00).
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Tax = cls.env["account.tax"]
        domain = [
            ("company_id", "=", cls.company.id),
            ("type_tax_use", "=", "sale"),
            ("price_include", "=", False),
            ("tax_exigibility", "=", "on_invoice"),
            ("amount_type", "=", "percent"),
        ]
        # the French chart ships its 5.5 % sales tax archived
        Tax = Tax.with_context(active_test=False)
        cls.tax_20 = Tax.search([*domain, ("amount", "=", 20.0)], limit=1)
        cls.tax_55 = Tax.search([*domain, ("amount", "=", 5.5)], limit=1)
        cls.tax_55.active = True
        cls.move = cls._document("out_invoice", (cls.tax_20, cls.tax_55))

    @classmethod
    def _document(cls, move_type, taxes):
        """A customer invoice (or credit note) of 1 000 excluding tax per tax of ``taxes``."""
        move = cls.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": cls.customer.id,
                "invoice_date": "2026-01-10",
                "invoice_date_due": "2026-02-10",
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Fournitures",
                            "quantity": 1,
                            "price_unit": 1000.0,
                            "tax_ids": [Command.set(tax.ids)],
                        }
                    )
                    for tax in taxes
                ],
            }
        )
        move.action_post()
        return move

    def _write_off(self):
        """The invoice written off after a court decision: the write-off entry's lines."""
        entry, bad_debt = self._write_off_case(self.move, "court_decision")
        self.assertEqual(self.move.payment_state, "paid")
        return entry.line_ids, bad_debt

    @freeze_time("2026-11-20")
    def test_each_rate_recovered_pro_rata(self):
        self.assertEqual(self.move.amount_total, 2255.0)
        self._pay(self.move, 1000.0, "2026-03-01")
        lines, bad_debt = self._write_off()
        vat_20 = self.move.line_ids.filtered(lambda ln: ln.tax_line_id == self.tax_20).account_id
        vat_55 = self.move.line_ids.filtered(lambda ln: ln.tax_line_id == self.tax_55).account_id
        self.assertEqual(
            sorted(lines.filtered(lambda ln: ln.account_id == bad_debt).mapped("balance")),
            [556.54, 556.54],
        )
        by_tax = {
            tax: sum(lines.filtered(lambda ln, t=tax: ln.tax_line_id == t).mapped("balance"))
            for tax in (self.tax_20, self.tax_55)
        }
        self.assertAlmostEqual(by_tax[self.tax_20], 111.31, places=2)
        self.assertAlmostEqual(by_tax[self.tax_55], 30.61, places=2)
        self.assertEqual(lines.filtered(lambda ln: ln.tax_line_id).account_id, vat_20 | vat_55)
        self.assertEqual(sum(lines.filtered(lambda ln: ln.balance < 0).mapped("balance")), -1255.0)

    @freeze_time("2026-11-20")
    def test_credit_note_of_one_rate_recovers_the_other_only(self):
        """A credit note of the 5.5 % line (1 055) already gave its VAT back: the invoice
        claims 1 200 (1 000 + 200 VAT at 20 %); 300 paid, 900 written off: VAT 900 x 200 /
        1 200 = 150.00, base 750.00 at 20 %, nothing at 5.5 % (pro rata of the whole
        2 255 it was 79.82 at 20 % and 21.95 of 5.5 % VAT given back a second time)."""
        refund = self._document("out_refund", self.tax_55)
        (self.move.line_ids + refund.line_ids).filtered(
            lambda ln: ln.account_type == "asset_receivable"
        ).reconcile()
        self._pay(self.move, 300.0, "2026-03-01")
        self.assertEqual(self.move.amount_residual, 900.0)
        lines, bad_debt = self._write_off()
        self.assertEqual(
            lines.filtered(lambda ln: ln.account_id == bad_debt).mapped("balance"), [750.0]
        )
        self.assertEqual(lines.filtered(lambda ln: ln.account_id == bad_debt).tax_ids, self.tax_20)
        self.assertEqual(lines.filtered("tax_line_id").tax_line_id, self.tax_20)
        self.assertEqual(lines.filtered("tax_line_id").balance, 150.0)
        self.assertEqual(sum(lines.filtered(lambda ln: ln.balance < 0).mapped("balance")), -900.0)


@tagged("post_install", "-at_install")
class TestNoOnlinePaymentToUs(RecouvrementCommon, HttpCase):
    """The portal offered "Pay now" (to us) on a claim born before the customer's opening
    judgment, whose payment is forbidden (L622-7), and on an invoice assigned to a factor in
    notified factoring (the factor alone is validly paid): on the invoice's page and among the
    overdue invoices paid at once. An invoice dated after the judgment is still paid online
    (L622-17)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].sudo().set_param(
            "account_payment.enable_portal_payment", True
        )
        today = fields.Date.today()
        cls.portal_user = new_test_user(
            cls.env, login="blanc_portal", groups="base.group_portal", name="Textiles Blanc"
        )
        debtor = cls.portal_user.partner_id
        factor = cls.env["res.partner"].create({"name": "Factor Sud", "is_company": True})
        day = timedelta(days=1)
        cls.frozen = cls._invoice(debtor, 1000, today - 90 * day, today - 60 * day)
        cls.later = cls._invoice(debtor, 300, today - 40 * day, today - 20 * day)
        cls.factored = cls._invoice(debtor, 500, today - 35 * day, today - 15 * day)
        cls.factored.write(
            {
                "is_factored": True,
                "factor_id": factor.id,
                "factoring_mode": "notified",
                "factoring_date": today - 35 * day,
            }
        )
        debtor.write(
            {"collective_proceedings": "redressement", "proceedings_date": today - 45 * day}
        )

    def test_pay_now_only_on_what_we_may_be_paid(self):
        self.assertFalse(self.frozen._has_to_be_paid())
        self.assertFalse(self.factored._has_to_be_paid())
        self.assertTrue(self.later._has_to_be_paid())
        self.authenticate("blanc_portal", "blanc_portal")
        response = self.url_open("/my/invoices/overdue")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.later.name, response.text)
        self.assertNotIn(self.frozen.name, response.text)
        self.assertNotIn(self.factored.name, response.text)


@tagged("post_install", "-at_install")
class TestJudgmentEndsPaymentAgreements(PlanCommon):
    """A payment plan (1 500 in three instalments from 2025-03-31) and a promise (800 by
    2025-03-25) agreed before the customer's redressement judgment of 2025-03-20: from the
    judgment the customer may not pay those claims (L622-7). The daily check used to break
    the plan on 2025-06-01 ("Dunning resumes on its invoices", an activity to chase) and the
    promise (counted in the score): both are ended by the judgment instead, with a note."""

    def test_plan_and_promise_ended_not_broken(self):
        with freeze_time("2025-03-01"):
            self.plan = self._active_plan()
            self.promise = (
                self.env["recouvrement.promise"]
                .with_user(self.controller)
                .create(
                    {
                        "partner_id": self.customer.id,
                        "amount": 800.0,
                        "date": date(2025, 3, 25),
                        "move_ids": [Command.set(self.inv1.ids)],
                    }
                )
            )
        with freeze_time("2025-03-20"):
            self.customer.write(
                {"collective_proceedings": "redressement", "proceedings_date": date(2025, 3, 20)}
            )
        self.assertEqual(self.plan.state, "active")
        with freeze_time("2025-06-01"):
            self.Plan._cron_check_plans()
            self.env["recouvrement.promise"].sudo()._cron_check_promises()
        self.assertEqual(self.plan.state, "cancelled")
        self.assertFalse(self.plan.activity_ids)
        self.assertIn("L622-7", self.plan.message_ids[0].body)
        self.assertIn("03/20/2025", self.plan.message_ids[0].body)
        self.assertFalse(self.invoices.payment_plan_id)
        self.assertRecordValues(
            self.promise, [{"state": "cancelled", "closed_date": date(2025, 6, 1)}]
        )
        self.assertIn("L622-7", self.promise.message_ids[0].body)
        # the claims stay frozen: no reminder
        plan = self.env["recouvrement.dunning"]._get_plan(date(2025, 6, 1), partners=self.customer)
        self.assertFalse(plan)
