import csv
import io
import json
import zipfile
from datetime import date

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time
from psycopg2.errors import SerializationFailure

from odoo import SUPERUSER_ID, Command, api
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools import format_date

from .common import RecouvrementCommon


@tagged("post_install", "-at_install")
class TestProceedings(RecouvrementCommon):
    """A customer in redressement judiciaire (judgment 2024-04-14, BODACC 2024-04-30).

    Invoices: A 10 000 dated 2024-02-14 due 2024-03-15 (pre-judgment, due before it), B 2 000
    dated 2024-04-02 due 2024-05-02 (pre-judgment, due after it), C 3 000 dated 2024-04-20 due
    2024-05-20 (post-judgment). Rates: ECB 4.50 % in 2024-S1, penalty 14.50 %.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._legal_penalties()
        cls._standard_ladder()
        cls.debtor = cls.env["res.partner"].create(
            {"name": "Textiles Blanc", "is_company": True, "siren": "882029382"}
        )
        cls.mandataire = cls.env["res.partner"].create(
            {"name": "SELARL Mandataires du Rhône", "is_company": True, "city": "Lyon"}
        )
        cls.move_a = cls._invoice(cls.debtor, 10000, date(2024, 2, 14), date(2024, 3, 15))
        cls.move_b = cls._invoice(cls.debtor, 2000, date(2024, 4, 2), date(2024, 5, 2))
        cls.move_c = cls._invoice(cls.debtor, 3000, date(2024, 4, 20), date(2024, 5, 20))
        cls.move_a.retention_of_title = True
        cls.debtor.write(
            {"collective_proceedings": "redressement", "proceedings_date": date(2024, 4, 14)}
        )

    def _declaration(self, **vals):
        return (
            self.env["recouvrement.claim.declaration"]
            .with_user(self.controller)
            .create(
                {
                    "partner_id": self.debtor.id,
                    "mandataire_id": self.mandataire.id,
                    "publication_date": date(2024, 4, 30),
                    **vals,
                }
            )
        )

    def test_reminders_split_at_the_judgment(self):
        # L622-21: A and B (born before 2024-04-14) leave dunning; C follows the ladder.
        plan = (
            self.env["recouvrement.dunning"]
            .with_user(self.controller)
            ._get_plan(date(2024, 6, 30), partners=self.debtor)
        )
        self.assertEqual(len(plan), 1)
        self.assertEqual(plan[0]["moves"], self.move_c)
        # no next reminder is announced on the frozen invoices either
        next_dates = self.env["recouvrement.dunning"]._get_next_dates(
            self.move_a | self.move_b | self.move_c
        )
        self.assertFalse(next_dates[self.move_a.id])
        self.assertFalse(next_dates[self.move_b.id])
        self.assertTrue(next_dates[self.move_c.id])
        # Without proceedings, the three invoices are reminded.
        self.debtor.collective_proceedings = "none"
        plan = self.env["recouvrement.dunning"]._get_plan(date(2024, 6, 30), partners=self.debtor)
        self.assertEqual(plan[0]["moves"], self.move_a | self.move_b | self.move_c)

    def test_individual_actions_refused(self):
        Litigation = self.env["recouvrement.litigation"].with_user(self.controller)
        case = Litigation.create(
            {
                "partner_id": self.debtor.id,
                "litigation_type": "recovery",
                "proof_checked": True,
                "move_ids": [Command.set(self.move_a.ids)],
            }
        )
        with self.assertRaisesRegex(UserError, "L622-21") as caught:
            case.action_file()
        self.assertIn(self.move_a.name, str(caught.exception))
        with self.assertRaisesRegex(UserError, "L622-21"):
            case.formal_notice_date = date(2024, 6, 1)
        assignation = self.env["recouvrement.litigation.stage"].search(
            [("step", "=", "trial")], limit=1
        )
        with self.assertRaisesRegex(UserError, "L622-21"):
            case.stage_id = assignation
        # A post-judgment invoice may be pursued (L622-17).
        other = Litigation.create(
            {
                "partner_id": self.debtor.id,
                "move_ids": [Command.set(self.move_c.ids)],
                "formal_notice_date": date(2024, 6, 1),
            }
        )
        self.assertEqual(other.formal_notice_date, date(2024, 6, 1))

    def test_refusals_are_whole_sentences(self):
        # Each refused action in one whole translatable sentence (no "Injonction de payer
        # filed refused", a step label glued to a verb); the French is in fr.po (tier 1 checks
        # it is complete).
        agency = self.env["res.partner"].create({"name": "Recouvrement Rhône Agence"})
        case = (
            self.env["recouvrement.litigation"]
            .with_user(self.controller)
            .create(
                {
                    "partner_id": self.debtor.id,
                    "litigation_type": "recovery",
                    "proof_checked": True,
                    "move_ids": [Command.set(self.move_a.ids)],
                    "agency_id": agency.id,
                }
            )
        )
        Stage = self.env["recouvrement.litigation.stage"]
        name = self.move_a.name
        tail = (
            ": Textiles Blanc is in collective proceedings (Redressement judiciaire) since the "
            "judgment of 04/14/2024. Claims born before the opening judgment can no longer be "
            "pursued individually (art. L622-21 Code de commerce): declare them to the "
            "mandataire judiciaire instead."
        )
        for step, sentence in (
            ("formal_notice", f"No formal notice may be sent for invoice {name}"),
            ("filed", f"No injonction de payer may be filed for invoice {name}"),
            ("order_issued", f"The injonction de payer procedure cannot go on for invoice {name}"),
            ("order_served", f"The injonction de payer procedure cannot go on for invoice {name}"),
            ("opposition", f"The injonction de payer procedure cannot go on for invoice {name}"),
            ("trial", f"No assignation may be served for invoice {name}"),
            ("enforcement", f"No enforcement measure may be taken for invoice {name}"),
            ("agency", f"Invoice {name} may not be handed over to an agency or lawyer"),
        ):
            stage = Stage.search([("step", "=", step)], limit=1)
            with self.subTest(step=step), self.assertRaises(UserError) as caught:
                case.stage_id = stage
            self.assertEqual(str(caught.exception), sentence + tail)
        with self.assertRaises(UserError) as caught:
            case.action_hand_over()
        self.assertEqual(
            str(caught.exception),
            f"Invoice {name} may not be handed over to an agency or lawyer" + tail,
        )
        # the formal notice date alone (no formal-notice stage)
        with self.assertRaises(UserError) as caught:
            case.formal_notice_date = date(2024, 6, 1)
        self.assertEqual(
            str(caught.exception), f"No formal notice may be sent for invoice {name}" + tail
        )

    def test_hand_over_to_an_agency_refused(self):
        # L622-21: an agency collecting a pre-judgment claim is an individual action too.
        agency = self.env["res.partner"].create({"name": "Recouvrement Rhône Agence"})
        case = (
            self.env["recouvrement.litigation"]
            .with_user(self.controller)
            .create(
                {
                    "partner_id": self.debtor.id,
                    "move_ids": [Command.set(self.move_a.ids)],
                    "agency_id": agency.id,
                    "agency_fee_rate": 15.0,
                }
            )
        )
        with self.assertRaisesRegex(UserError, f"{self.move_a.name}.*L622-21"):
            case.action_hand_over()
        stage = self.env["recouvrement.litigation.stage"].search([("step", "=", "agency")], limit=1)
        with self.assertRaisesRegex(UserError, "L622-21"):
            case.stage_id = stage
        self.assertFalse(case.handover_date)
        # the post-judgment invoice may be handed over (L622-17)
        case.move_ids = self.move_c
        case.action_hand_over()
        self.assertTrue(case.is_handed_over)

    @freeze_time("2024-06-30")
    def test_declaration_amounts_deadlines_and_letter(self):
        declaration = self._declaration()
        self.assertEqual(declaration.move_ids, self.move_a | self.move_b)
        # A: 10 000 x 14.50 % x 29 days (2024-03-16 to 2024-04-13, L622-28) / 36 500
        # = 115.205 -> 115.21 and the 40 indemnity; B due after the judgment: neither.
        # Deadlines from the BODACC publication 2024-04-30: + 2 months (R622-24) is Sunday
        # 2024-06-30, extended to Monday 2024-07-01 (art. 642 CPC), + 3 months (L624-9, A
        # carries the clause), + 6 months (L622-26).
        self.assertRecordValues(
            declaration,
            [
                {
                    "proceedings": "redressement",
                    "judgment_date": date(2024, 4, 14),
                    "principal_amount": 12000.0,
                    "penalty_amount": 115.21,
                    "indemnity_amount": 40.0,
                    "total_amount": 12155.21,
                    "deadline_date": date(2024, 7, 1),
                    "retention_deadline_date": date(2024, 7, 30),
                    "relief_deadline_date": date(2024, 10, 30),
                    "retention_of_title": True,
                    "deadline_missed": False,
                }
            ],
        )
        summaries = declaration.activity_ids.mapped("summary")
        self.assertEqual(len(summaries), 2)
        self.assertTrue(any("R622-24" in summary for summary in summaries))
        self.assertTrue(any("L624-9" in summary for summary in summaries))
        html = (
            self.env["ir.actions.report"]
            .with_user(self.controller)
            ._render_qweb_html("recouvrement_b2b.report_claim_declaration", declaration.ids)[0]
            .decode()
        )
        text = " ".join(html.split())
        self.assertIn("L622-24", text)
        self.assertIn("Textiles Blanc", text)
        self.assertIn(self.move_a.name, text)
        self.assertIn("12,155.21", text)
        self.assertIn("115.21", text)
        self.assertIn("retention-of-title clause", text)

    def test_declared_late_prescription_and_outcome(self):
        with freeze_time("2024-07-05"):
            declaration = self._declaration()
            self.assertTrue(declaration.deadline_missed)
            self.assertTrue(any("L622-26" in s for s in declaration.activity_ids.mapped("summary")))
            declaration.action_declare()
        self.assertEqual(declaration.state, "declared")
        self.assertEqual(declaration.declaration_date, date(2024, 7, 5))
        # L622-25-1: interrupted while the proceedings run, restarted at their closing.
        self.assertEqual(self.move_a.claim_declaration_id, declaration)
        self.assertFalse(self.move_a.prescription_date)
        self.assertEqual(self.move_c.prescription_date, date(2029, 5, 20))
        with self.assertRaises(UserError):
            declaration.move_ids = self.move_c
        declaration.write(
            {
                "admitted_amount": 12000.0,
                "dividend_amount": 1500.0,
                "close_date": date(2025, 1, 10),
                "closure_reason": "plan",
            }
        )
        declaration.action_close()
        self.assertEqual(declaration.state, "closed")
        self.assertEqual(self.move_a.prescription_date, date(2030, 1, 10))
        self.assertFalse(declaration.activity_ids)

    def _notes(self, declaration):
        return " ".join(
            str(body)
            for body in declaration.message_ids.filtered(
                lambda m: m.subtype_id == self.env.ref("mail.mt_note")
            ).mapped("body")
        )

    def test_deadlines_already_passed_get_a_note_not_an_activity(self):
        # BODACC 2024-04-30: retention of title until 2024-07-30 (L624-9), relief until
        # 2024-10-30 (L622-26). Recorded on 2024-08-10: the retention deadline passed, the
        # relief one is ahead.
        with freeze_time("2024-08-10"):
            declaration = self._declaration()
            activities = declaration.activity_ids
            self.assertEqual(len(activities), 1)
            self.assertIn("L622-26", activities.summary)
            self.assertEqual(activities.date_deadline, date(2024, 10, 30))
            notes = self._notes(declaration)
            self.assertIn("retention of title passed on 07/30/2024 (L624-9)", notes)
        # On 2024-11-15 the publication is corrected to 2024-05-06: retention until
        # 2024-08-06, relief until 2024-11-06, both passed: no activity in the past.
        with freeze_time("2024-11-15"):
            declaration.publication_date = date(2024, 5, 6)
            self.assertFalse(declaration.activity_ids)
            notes = self._notes(declaration)
            self.assertIn("relief could be asked until 11/06/2024, L622-26", notes)
            self.assertIn("retention of title passed on 08/06/2024 (L624-9)", notes)


@tagged("post_install", "-at_install")
class TestBadDebtVat(RecouvrementCommon):
    """Write-off of a definitively lost debt: the output VAT is recovered (art. 272 CGI)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tax = cls.company_data["default_tax_sale"]
        # 1 000 excluding tax + 200 VAT = 1 200, of which 600 paid.
        cls.move = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": cls.customer.id,
                "invoice_date": "2026-01-10",
                "invoice_date_due": "2026-02-10",
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Fournitures",
                            "quantity": 1,
                            "price_unit": 1000.0,
                            "tax_ids": [Command.set(cls.tax.ids)],
                        }
                    )
                ],
            }
        )
        cls.move.action_post()
        cls._pay(cls.move, 600.0, "2026-03-01")
        cls.vat_account = cls.move.line_ids.filtered("tax_repartition_line_id").account_id

    def _close_liquidation(self):
        """The customer's liquidation closed for insufficient assets on 2026-10-01."""
        return (
            self.env["recouvrement.claim.declaration"]
            .sudo()
            .create(
                {
                    "partner_id": self.customer.id,
                    "proceedings": "liquidation",
                    "judgment_date": date(2026, 3, 1),
                    "state": "closed",
                    "close_date": date(2026, 10, 1),
                    "closure_reason": "insufficient_assets",
                }
            )
        )

    @freeze_time("2026-11-20")
    def test_definitive_loss_recovers_the_vat(self):
        self.assertEqual(self.tax.amount, 20.0)
        self._close_liquidation()
        entry, bad_debt = self._write_off_case(self.move, "insufficient_assets")
        self.assertEqual(bad_debt.code, "654100")
        self.assertEqual(len(self.vat_account), 1)
        # 600 left unpaid of 1 200: VAT 600 x 200 / 1 200 = 100, excluding tax 500.
        receivable = self.move.line_ids.filtered(
            lambda line: line.account_type == "asset_receivable"
        ).account_id
        self.assertRecordValues(
            entry.line_ids.sorted(lambda line: (line.balance, line.account_id.code)),
            [
                {"account_id": receivable.id, "balance": -600.0, "reconciled": True},
                {"account_id": self.vat_account.id, "balance": 100.0, "reconciled": False},
                {"account_id": bad_debt.id, "balance": 500.0, "reconciled": False},
            ],
        )
        self.assertEqual(self.move.payment_state, "paid")

    @freeze_time("2026-11-20")
    def test_insufficient_assets_without_a_closed_liquidation_refused(self):
        # No declaration records a liquidation closed for insufficient assets: recovering the
        # 100 of VAT would be unfounded (art. 272 CGI); nothing is posted.
        case = self.env["recouvrement.litigation"].create(
            {"partner_id": self.customer.id, "move_ids": [Command.set(self.move.ids)]}
        )
        Close = self.env["recouvrement.litigation.close"].with_user(self.manager)

        def close():
            Close.create(
                {"litigation_id": case.id, "outcome": "written_off", "loss": "insufficient_assets"}
            ).action_confirm()

        with self.assertRaisesRegex(UserError, "insufficient assets.*art. 272 CGI"):
            close()
        self.assertEqual(self.move.amount_residual, 600.0)
        # a liquidation closed in another company does not count
        company_b = self.setup_other_company()["company"]
        self.env["recouvrement.claim.declaration"].sudo().create(
            {
                "partner_id": self.customer.id,
                "company_id": company_b.id,
                "proceedings": "liquidation",
                "judgment_date": date(2026, 3, 1),
                "state": "closed",
                "close_date": date(2026, 10, 1),
                "closure_reason": "insufficient_assets",
            }
        )
        with self.assertRaisesRegex(UserError, "art. 272 CGI"):
            close()
        self._close_liquidation()
        close()
        self.assertEqual(self.move.payment_state, "paid")
        vat = case.write_off_move_id.line_ids.filtered(
            lambda line: line.account_id == self.vat_account
        )
        self.assertEqual(vat.balance, 100.0)

    @freeze_time("2026-11-20")
    def test_vat_recovered_from_the_closing_not_before(self):
        # The liquidation closed for insufficient assets on 2026-10-01: a write-off dated
        # 2026-09-15 would recover VAT on a debt not yet lost (art. 272 CGI); dated on the
        # closing day it recovers 600 x 200 / 1 200 = 100.
        self._close_liquidation()
        case = self.env["recouvrement.litigation"].create(
            {"partner_id": self.customer.id, "move_ids": [Command.set(self.move.ids)]}
        )
        Close = self.env["recouvrement.litigation.close"].with_user(self.manager)
        with self.assertRaisesRegex(UserError, "09/15/2026.*10/01/2026.*art. 272 CGI"):
            Close.create(
                {
                    "litigation_id": case.id,
                    "outcome": "written_off",
                    "loss": "insufficient_assets",
                    "date": date(2026, 9, 15),
                }
            ).action_confirm()
        self.assertEqual(self.move.amount_residual, 600.0)
        Close.create(
            {
                "litigation_id": case.id,
                "outcome": "written_off",
                "loss": "insufficient_assets",
                "date": date(2026, 10, 1),
            }
        ).action_confirm()
        vat = case.write_off_move_id.line_ids.filtered(
            lambda line: line.account_id == self.vat_account
        )
        self.assertEqual(vat.balance, 100.0)
        self.assertEqual(case.write_off_move_id.date, date(2026, 10, 1))

    def test_closed_liquidation_proposes_the_definitive_loss(self):
        case = self.env["recouvrement.litigation"].create(
            {"partner_id": self.customer.id, "move_ids": [Command.set(self.move.ids)]}
        )
        wizard = self.env["recouvrement.litigation.close"].create(
            {"litigation_id": case.id, "outcome": "written_off"}
        )
        self.assertEqual(wizard.loss, "none")
        self.env["recouvrement.claim.declaration"].sudo().create(
            {
                "partner_id": self.customer.id,
                "proceedings": "liquidation",
                "judgment_date": date(2026, 3, 1),
                "state": "closed",
                "close_date": date(2026, 10, 1),
                "closure_reason": "insufficient_assets",
            }
        )
        wizard = self.env["recouvrement.litigation.close"].create(
            {"litigation_id": case.id, "outcome": "written_off"}
        )
        self.assertEqual(wizard.loss, "insufficient_assets")

    @freeze_time("2026-11-20")
    def test_other_write_off_keeps_the_whole_amount(self):
        entry, bad_debt = self._write_off_case(self.move, "none")
        receivable = self.move.line_ids.filtered(
            lambda line: line.account_type == "asset_receivable"
        ).account_id
        self.assertRecordValues(
            entry.line_ids.sorted("balance"),
            [
                {"account_id": receivable.id, "balance": -600.0, "reconciled": True},
                {"account_id": bad_debt.id, "balance": 600.0, "reconciled": False},
            ],
        )


@tagged("post_install", "-at_install")
class TestFactoring(RecouvrementCommon):
    """Invoices assigned to a factor: notified ones leave our dunning, confidential ones stay."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._standard_ladder()
        cls.factor = cls.env["res.partner"].create({"name": "Factor Crédit Lyonnais"})
        cls.factor_bank = cls.env["res.partner.bank"].create(
            {"partner_id": cls.factor.id, "acc_number": "FR7630006000011234567890189"}
        )
        cls.notified = cls._invoice(cls.customer, 1000, date(2026, 1, 5), date(2026, 2, 4))
        cls.confidential = cls._invoice(cls.customer, 2000, date(2026, 1, 6), date(2026, 2, 5))
        cls.own = cls._invoice(cls.customer, 500, date(2026, 1, 7), date(2026, 2, 6))
        for move, mode in ((cls.notified, "notified"), (cls.confidential, "confidential")):
            move.write(
                {
                    "is_factored": True,
                    "factor_id": cls.factor.id,
                    "factoring_date": date(2026, 1, 10),
                    "factoring_mode": mode,
                }
            )

    def test_notified_factoring_leaves_dunning(self):
        plan = (
            self.env["recouvrement.dunning"]
            .with_user(self.controller)
            ._get_plan(date(2026, 3, 20), partners=self.customer)
        )
        self.assertEqual(len(plan), 1)
        self.assertEqual(plan[0]["moves"], self.confidential | self.own)
        next_dates = self.env["recouvrement.dunning"]._get_next_dates(
            self.notified | self.confidential
        )
        self.assertFalse(next_dates[self.notified.id], "no next reminder of a notified invoice")
        self.assertTrue(next_dates[self.confidential.id])
        # Exposure keeps counting the assigned invoices: 1 000 + 2 000 + 500.
        self.assertEqual(self.customer.with_user(self.controller).credit_exposure_receivable, 3500)

    def test_invoice_shows_the_factor_bank_details(self):
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("account.report_invoice", (self.notified | self.confidential).ids)[0]
            .decode()
        )
        text = " ".join(html.replace("<strong>", "").replace("</strong>", "").split())
        self.assertEqual(text.count("This invoice has been assigned to"), 1)
        # the IBAN as Odoo stores it (grouped by four)
        iban = self.factor_bank.acc_number
        self.assertEqual(iban.replace(" ", ""), "FR7630006000011234567890189")
        self.assertIn(
            "This invoice has been assigned to Factor Crédit Lyonnais, which alone can validly "
            f"receive its payment: pay by bank transfer to IBAN {iban}.",
            text,
        )

    def test_factor_required(self):
        with self.assertRaisesRegex(ValidationError, "Factor"):
            self.own.write({"is_factored": True, "factoring_mode": "notified"})


@tagged("post_install", "-at_install")
class TestAgencyHandover(RecouvrementCommon):
    """A litigation case handed over to a collection agency at a 15 % fee."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._standard_ladder()
        cls.agency = cls.env["res.partner"].create({"name": "Recouvrement Rhône Agence"})
        cls.inv_1 = cls._invoice(cls.customer, 1200, date(2026, 1, 5), date(2026, 2, 4))
        cls.inv_2 = cls._invoice(cls.customer, 800, date(2026, 1, 20), date(2026, 2, 19))
        cls.case = cls.env["recouvrement.litigation"].create(
            {
                "partner_id": cls.customer.id,
                "litigation_type": "recovery",
                "move_ids": [Command.set((cls.inv_1 | cls.inv_2).ids)],
                "agency_id": cls.agency.id,
                "agency_fee_rate": 15.0,
            }
        )

    @freeze_time("2026-04-01")
    def test_handover_collection_and_return(self):
        case = self.case.with_user(self.controller)
        case.action_hand_over()
        self.assertRecordValues(
            case, [{"handover_date": date(2026, 4, 1), "is_handed_over": True, "step": "agency"}]
        )
        # Reminders stop: the invoices are in an open case.
        plan = self.env["recouvrement.dunning"]._get_plan(date(2026, 4, 1), partners=self.customer)
        self.assertFalse(plan)
        export = self.env["ir.attachment"].search(
            [("res_model", "=", case._name), ("res_id", "=", case.id)]
        )
        self.assertEqual(export.mimetype, "application/zip")
        with zipfile.ZipFile(io.BytesIO(export.raw)) as archive:
            names = sorted(archive.namelist())
            rows = list(
                csv.reader(io.StringIO(archive.read("invoices.csv").decode()), delimiter=";")
            )
        self.assertEqual(
            names,
            sorted(
                [
                    f"{case.name.replace('/', '_')}.pdf",
                    "invoices.csv",
                    f"evidence/{self.inv_1.name.replace('/', '_')}.pdf",
                    f"evidence/{self.inv_2.name.replace('/', '_')}.pdf",
                ]
            ),
        )
        self.assertEqual(len(rows), 3)
        self.assertEqual(rows[1][0], self.inv_1.name)
        self.assertEqual(rows[1][5], "1200.00")
        self.assertEqual(rows[2][5], "800.00")
        # 1 000 collected at 15 %: 150 of commission, 850 for us.
        collection = (
            self.env["recouvrement.agency.collection"]
            .with_user(self.controller)
            .create({"litigation_id": case.id, "amount": 1000.0, "move_id": self.inv_1.id})
        )
        self.assertRecordValues(
            collection, [{"fee_rate": 15.0, "commission_amount": 150.0, "net_amount": 850.0}]
        )
        self.assertEqual(case.agency_collected_amount, 1000.0)
        self.assertEqual(case.agency_commission_amount, 150.0)
        with self.assertRaises(ValidationError):
            collection.amount = -5
        case.action_return_file()
        self.assertRecordValues(
            case,
            [{"handover_return_date": date(2026, 4, 1), "is_handed_over": False, "step": "open"}],
        )

    @freeze_time("2026-04-10")
    def test_collection_checked_against_the_case(self):
        other = self._invoice(
            self.env["res.partner"].create({"name": "Autre Client", "is_company": True}),
            500,
            date(2026, 1, 5),
            date(2026, 2, 4),
        )
        Collection = self.env["recouvrement.agency.collection"].with_user(self.controller)
        # before the hand-over: the agency has not the file yet
        with self.assertRaisesRegex(ValidationError, "handed over"):
            Collection.create({"litigation_id": self.case.id, "amount": 100.0})
        with freeze_time("2026-04-01"):
            self.case.action_hand_over()
        # another customer's invoice
        with self.assertRaisesRegex(ValidationError, other.name):
            Collection.create({"litigation_id": self.case.id, "amount": 100.0, "move_id": other.id})
        with self.assertRaisesRegex(ValidationError, "handed over"):
            Collection.create(
                {"litigation_id": self.case.id, "amount": 100.0, "date": date(2026, 3, 31)}
            )
        ok = Collection.create(
            {"litigation_id": self.case.id, "amount": 100.0, "move_id": self.inv_2.id}
        )
        self.assertEqual(ok.commission_amount, 15.0)
        self.case.action_return_file()
        with freeze_time("2026-04-20"), self.assertRaisesRegex(ValidationError, "handed over"):
            Collection.create({"litigation_id": self.case.id, "amount": 100.0})

    @freeze_time("2026-04-10")
    def test_second_hand_over_refused(self):
        # Handed over on 2026-04-01: handing it over again on 2026-04-10 would rewrite the
        # hand-over date (evidence) and the period the collections are checked against.
        with freeze_time("2026-04-01"):
            self.case.with_user(self.controller).action_hand_over()
        with self.assertRaisesRegex(UserError, "already handed over.*04/01/2026"):
            self.case.with_user(self.controller).action_hand_over()
        self.assertEqual(self.case.handover_date, date(2026, 4, 1))
        self.assertEqual(
            self.env["ir.attachment"].search_count(
                [("res_model", "=", self.case._name), ("res_id", "=", self.case.id)]
            ),
            1,
        )

    @freeze_time("2026-04-10")
    def test_collection_not_in_the_future(self):
        # Handed over 2026-04-01, not returned, today 2026-04-10: a payment collected on
        # 2026-04-11 has not happened yet.
        with freeze_time("2026-04-01"):
            self.case.action_hand_over()
        Collection = self.env["recouvrement.agency.collection"].with_user(self.controller)
        with self.assertRaisesRegex(ValidationError, "04/11/2026.*04/01/2026 to 04/10/2026"):
            Collection.create(
                {"litigation_id": self.case.id, "amount": 100.0, "date": date(2026, 4, 11)}
            )
        ok = Collection.create(
            {"litigation_id": self.case.id, "amount": 100.0, "date": date(2026, 4, 10)}
        )
        self.assertEqual(ok.net_amount, 85.0)


@tagged("post_install", "-at_install")
class TestPersonalData(RecouvrementCommon):
    """RGPD: collection notes about natural persons are anonymised 5 years after settlement;
    companies are untouched; everything held on a person can be exported."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.person = cls.env["res.partner"].create({"name": "Jean Artisan", "is_company": False})
        cls.debtors = cls.person | cls.customer
        cls.events = cls.env["recouvrement.dunning.event"]
        for partner in cls.debtors:
            move = cls._invoice(partner, 100, date(2019, 1, 10), date(2019, 2, 10))
            cls._pay(move, 100, date(2019, 3, 1))
            event = (
                cls.env["recouvrement.dunning.event"]
                .sudo()
                .create(
                    {
                        "partner_id": partner.id,
                        "company_id": cls.company.id,
                        "date": date(2019, 2, 20),
                        "note": "Called: promised to pay on 1 March",
                    }
                )
            )
            event.message_post(
                body="Customer called back", message_type="comment", subtype_xmlid="mail.mt_note"
            )
            cls.events |= event

    def test_purge_leaves_companies_untouched(self):
        Data = self.env["recouvrement.personal.data"]
        # Settled 2019-03-01: kept until 2024-03-01.
        with freeze_time("2024-02-15"):
            Data._cron_purge_personal_data()
        self.assertEqual(self.events.mapped("note"), ["Called: promised to pay on 1 March"] * 2)
        with freeze_time("2024-06-01"):
            Data._cron_purge_personal_data()
        person_event, company_event = self.events
        self.assertFalse(person_event.note)
        self.assertFalse(person_event.message_ids.filtered(lambda m: m.message_type == "comment"))
        self.assertEqual(self.person.collection_data_purged_on, date(2024, 6, 1))
        self.assertEqual(company_event.note, "Called: promised to pay on 1 March")
        self.assertTrue(company_event.message_ids.filtered(lambda m: m.message_type == "comment"))
        self.assertFalse(self.customer.collection_data_purged_on)
        # Idempotent: nothing left to purge.
        with freeze_time("2024-06-08"):
            self.assertFalse(Data._get_purge_candidates(date(2024, 6, 8)))

    def test_purge_keeps_another_company_data(self):
        # Company B dunned the same person later: settled with B on 2024-03-01, B keeps its
        # notes until 2029-03-01 whatever A's retention; A's are purged on 2024-06-01.
        company_b = self.setup_other_company()["company"]
        move = self._invoice(
            self.person, 100, date(2024, 1, 10), date(2024, 2, 10), company=company_b
        )
        self.env["account.payment.register"].with_company(company_b).with_context(
            active_model="account.move", active_ids=move.ids
        ).create({"amount": 100, "payment_date": date(2024, 3, 1)})._create_payments()
        event_b = (
            self.env["recouvrement.dunning.event"]
            .sudo()
            .create(
                {
                    "partner_id": self.person.id,
                    "company_id": company_b.id,
                    "date": date(2024, 2, 20),
                    "note": "B: called, promised to pay",
                }
            )
        )
        Data = self.env["recouvrement.personal.data"]
        with freeze_time("2024-06-01"):
            Data._cron_purge_personal_data()
        person_event_a = self.events[0]
        self.assertFalse(person_event_a.note)
        self.assertEqual(event_b.note, "B: called, promised to pay")
        with freeze_time("2024-06-08"):
            self.assertFalse(Data._get_purge_candidates(date(2024, 6, 8)))
        # B's retention passes in turn: then B's notes go, once.
        with freeze_time("2029-03-05"):
            Data._cron_purge_personal_data()
        self.assertFalse(event_b.note)
        self.assertFalse(Data._get_purge_candidates(date(2029, 3, 12)))

    def test_export_not_readable_by_another_company(self):
        company_b = self.setup_other_company()["company"]
        user_b = new_test_user(
            self.env,
            login="rb2b_controller_b",
            groups="base.group_user,recouvrement_b2b.recouvrement_group_user",
            company_id=company_b.id,
            company_ids=[Command.set(company_b.ids)],
        )
        action = self.person.with_user(self.controller).action_export_personal_data()
        attachment_id = int(action["url"].split("/")[3].split("?")[0])
        # the controller who asked downloads it
        exported = self.env["ir.attachment"].with_user(self.controller).browse(attachment_id)
        self.assertIn("Jean Artisan", exported.raw.decode())
        # company B's users neither find nor read company A's export
        Attachment = self.env["ir.attachment"].with_user(user_b)
        self.assertFalse(Attachment.search([("id", "=", attachment_id)]))
        with self.assertRaises(AccessError):
            Attachment.browse(attachment_id).read(["raw"])

    def test_retention_setting_checked(self):
        with self.assertRaisesRegex(ValidationError, "between 1 and 10 \\(not 0\\)"):
            self.company.recouvrement_personal_data_years = 0

    def test_export_everything_held_on_a_person(self):
        action = self.person.with_user(self.controller).action_export_personal_data()
        attachment = self.env["ir.attachment"].browse(
            int(action["url"].split("/")[3].split("?")[0])
        )
        data = json.loads(attachment.raw)
        self.assertEqual(data["partners"][0]["name"], "Jean Artisan")
        self.assertEqual(len(data["invoices"]), 1)
        self.assertEqual(data["invoices"][0]["amount_total"], 100.0)
        self.assertEqual(data["reminders"][0]["note"], "Called: promised to pay on 1 March")
        self.assertIn("Customer called back", json.dumps(data["notes"]))


@tagged("post_install", "-at_install")
class TestDeclarationFigures(RecouvrementCommon):
    """Déclaration de créance figures at the edges (break test of issue 15): judgment
    2024-04-14, BODACC 2024-04-30, ECB 4.50 % in 2024-S1 (penalty 14.50 %)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._legal_penalties()
        cls.mandataire = cls.env["res.partner"].create(
            {"name": "SELARL Mandataires du Rhône", "is_company": True}
        )
        cls.judgment = date(2024, 4, 14)

    def _debtor(self, name):
        return self.env["res.partner"].create(
            {
                "name": name,
                "is_company": True,
                "collective_proceedings": "redressement",
                "proceedings_date": self.judgment,
            }
        )

    def _declaration(self, debtor):
        return self.env["recouvrement.claim.declaration"].create(
            {
                "partner_id": debtor.id,
                "mandataire_id": self.mandataire.id,
                "publication_date": date(2024, 4, 30),
            }
        )

    @freeze_time("2024-06-30")
    def test_indemnity_of_an_invoice_due_the_day_before_the_judgment(self):
        # Due 2024-04-13, unpaid: late when the judgment opened on 2024-04-14. No day of
        # interest accrues (L622-28 stops it from 0h on the 14th), but the invoice was due
        # before the judgment: its 40 indemnity is declared (D441-5).
        debtor = self._debtor("Filature Morel")
        self._invoice(debtor, 10000, date(2024, 3, 13), date(2024, 4, 13))
        # Due 2024-04-12 (one day of interest: 10 000 x 14.50 % / 365 = 3.97) and 40.
        self._invoice(debtor, 10000, date(2024, 3, 12), date(2024, 4, 12))
        # Due on the judgment day: payment forbidden from 0h, neither interest nor indemnity.
        self._invoice(debtor, 10000, date(2024, 3, 14), date(2024, 4, 14))
        # Due 2024-04-13, 200 of 500 paid that day: 300 left unpaid, late too: 40.
        paid = self._invoice(debtor, 500, date(2024, 3, 13), date(2024, 4, 13))
        self._pay(paid, 200, date(2024, 4, 13))
        self.assertRecordValues(
            self._declaration(debtor),
            [
                {
                    "principal_amount": 30300.0,
                    "penalty_amount": 3.97,
                    "indemnity_amount": 40.0 + 40.0 + 40.0,
                    "total_amount": 30300.0 + 3.97 + 120.0,
                }
            ],
        )

    def test_letter_not_rewritten_by_a_later_payment(self):
        # 10 000 due 2024-03-15, 4 000 paid 2024-03-31 (before the judgment), 1 500 paid
        # 2024-07-15 (after the declaration). Declared at the judgment: 6 000 +
        # 10 000 x 14.50 % x 16 / 365 + 6 000 x 14.50 % x 13 / 365 = 63.56 + 30.99 -> 94.55,
        # + 40 = 6 134.55; the letter printed after the later payment says the same.
        debtor = self._debtor("Filature Morel")
        move = self._invoice(debtor, 10000, date(2024, 2, 14), date(2024, 3, 15))
        self._pay(move, 4000, date(2024, 3, 31))
        with freeze_time("2024-06-30"):
            declaration = self._declaration(debtor)
            declaration.action_declare()
        self._pay(move, 1500, date(2024, 7, 15))
        self.assertRecordValues(
            declaration,
            [{"principal_amount": 6000.0, "penalty_amount": 94.55, "total_amount": 6134.55}],
        )
        line = declaration._get_declaration_lines()[0]
        self.assertEqual((line["principal"], line["total"]), (6000.0, 6134.55))
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("recouvrement_b2b.report_claim_declaration", declaration.ids)[0]
            .decode()
        )
        text = " ".join(html.split())
        self.assertEqual(text.count("6,134.55"), 2)  # the invoice's line and the total
        self.assertNotIn("4,634.55", text)

    @freeze_time("2024-06-30")
    def test_notified_factored_invoice_left_to_the_factor(self):
        # The factor owns the notified invoice (the customer pays it alone): it declares it;
        # ours and the confidential one are declared by us: 1 000 + 2 000.
        debtor = self._debtor("Filature Morel")
        factor = self.env["res.partner"].create({"name": "Factor Crédit Lyonnais"})
        notified = self._invoice(debtor, 5000, date(2024, 3, 1), date(2024, 4, 30))
        confidential = self._invoice(debtor, 2000, date(2024, 3, 2), date(2024, 5, 1))
        own = self._invoice(debtor, 1000, date(2024, 3, 3), date(2024, 5, 2))
        for move, mode in ((notified, "notified"), (confidential, "confidential")):
            move.write(
                {
                    "is_factored": True,
                    "factor_id": factor.id,
                    "factoring_date": date(2024, 3, 5),
                    "factoring_mode": mode,
                }
            )
        declaration = self._declaration(debtor)
        self.assertEqual(declaration.move_ids, confidential | own)
        self.assertEqual(declaration.total_amount, 3000.0)

    @freeze_time("2024-06-30")
    def test_judgment_date_in_the_future_refused(self):
        # Typed 2025 for 2024: every invoice would freeze now and the declaration would claim
        # interest up to 2025-04-13, not yet accrued (L622-28).
        debtor = self._debtor("Filature Morel")
        declaration = self._declaration(debtor)
        with self.assertRaisesRegex(ValidationError, "cannot be in the future"):
            declaration.judgment_date = date(2024, 7, 1)
        with self.assertRaisesRegex(ValidationError, "Filature Morel.*Opening Judgment Date"):
            debtor.with_user(self.controller).proceedings_date = date(2025, 4, 14)
        # today is accepted
        debtor.proceedings_date = date(2024, 6, 30)
        self.assertEqual(debtor.proceedings_date, date(2024, 6, 30))

    @freeze_time("2024-06-30")
    def test_foreign_currency_claim_converted_at_the_judgment_date(self):
        # 1 100 USD invoiced at 1.25 USD per EUR (880 EUR in the books); 1.10 on the judgment
        # date. Art. L622-25: converted at the judgment date: 1 100 / 1.10 = 1 000 EUR;
        # penalties 1 100 x 14.50 % x 29 / 365 = 12.67 USD / 1.10 = 11.52 EUR; the indemnity is
        # 40 EUR (D441-5), not 40 EUR taken to USD at the due date and back at another rate.
        usd = self.env.ref("base.USD")
        usd.active = True
        self.env["res.currency.rate"].create(
            [
                {"name": day, "rate": rate, "currency_id": usd.id, "company_id": self.company.id}
                for day, rate in (("2024-01-01", 1.25), ("2024-04-01", 1.10))
            ]
        )
        debtor = self._debtor("Import Export Lyon")
        move = self._invoice(debtor, 1100, date(2024, 2, 14), date(2024, 3, 15), currency=usd)
        self.assertEqual(move.amount_residual_signed, 880.0)
        declaration = self._declaration(debtor)
        self.assertRecordValues(
            declaration,
            [
                {
                    "principal_amount": 1000.0,
                    "penalty_amount": 11.52,
                    "indemnity_amount": 40.0,
                    "total_amount": 1051.52,
                }
            ],
        )
        line = declaration._get_declaration_lines()[0]
        self.assertEqual((line["principal"], line["total"]), (1000.0, 1051.52))

    @freeze_time("2024-06-30")
    def test_proceedings_without_judgment_date_refused(self):
        # The judgment date splits the invoices, stops interest and dates the claim: proceedings
        # are refused without it, through the API as in the form.
        debtor = self.env["res.partner"].create({"name": "Filature Morel", "is_company": True})
        with self.assertRaisesRegex(ValidationError, "Filature Morel.*Opening Judgment Date"):
            debtor.with_user(self.controller).write({"collective_proceedings": "liquidation"})
        with self.assertRaisesRegex(ValidationError, "Tissage Roux.*Opening Judgment Date"):
            self.env["res.partner"].create(
                {"name": "Tissage Roux", "is_company": True, "collective_proceedings": "sauvegarde"}
            )
        with self.assertRaisesRegex(ValidationError, "Filature Morel.*Opening Judgment Date"):
            debtor.write({"collective_proceedings": "redressement", "proceedings_date": False})
        # the date removed from proceedings already recorded
        debtor.write({"collective_proceedings": "redressement", "proceedings_date": self.judgment})
        with self.assertRaisesRegex(ValidationError, "Filature Morel.*Opening Judgment Date"):
            debtor.proceedings_date = False
        # Proceedings recorded without a date before this check: the declaration is refused
        # with a message, not a NotNull crash.
        self.env.cr.execute(
            "UPDATE res_partner SET proceedings_date = NULL WHERE id = %s", [debtor.id]
        )
        debtor.invalidate_recordset(["proceedings_date"])
        with self.assertRaisesRegex(
            ValidationError, "Claim declaration of Filature Morel: fill in the Opening Judgment"
        ):
            self._declaration(debtor)
        # not in proceedings at all
        healthy = self.env["res.partner"].create({"name": "Tissage Roux", "is_company": True})
        with self.assertRaisesRegex(ValidationError, "Claim declaration of Tissage Roux"):
            self._declaration(healthy)

    @freeze_time("2024-06-30")
    def test_deadlines_next_working_day_and_creditor_overseas(self):
        # Art. 642 CPC: a deadline expiring on a Saturday, Sunday or public holiday runs to the
        # next working day. BODACC 2024-05-11: + 2 months Thursday 2024-07-11; + 3 months
        # Sunday 2024-08-11 -> Monday 12th (L624-9); + 6 months Monday 2024-11-11, Armistice
        # -> Tuesday 12th (L622-26).
        self.company.write({"country_id": self.env.ref("base.fr").id, "zip": "69002"})
        debtor = self._debtor("Filature Morel")
        move = self._invoice(debtor, 1000, date(2024, 3, 1), date(2024, 4, 1))
        move.retention_of_title = True
        declaration = self._declaration(debtor)
        declaration.publication_date = date(2024, 5, 11)
        self.assertRecordValues(
            declaration,
            [
                {
                    "deadline_date": date(2024, 7, 11),
                    "retention_deadline_date": date(2024, 8, 12),
                    "relief_deadline_date": date(2024, 11, 12),
                }
            ],
        )
        # R622-24: 2 more months for a creditor established outside metropolitan France
        # (Guadeloupe, with a French or its own country code, or abroad): 2024-04-30 + 4 months
        # = Friday 2024-08-30; 2024-04-15 + 4 months = Thursday 2024-08-15, Assomption -> 16th.
        # The other deadlines do not change.
        for country, zip_code, publication, deadline in (
            ("base.fr", "97110", date(2024, 4, 30), date(2024, 8, 30)),
            ("base.gp", "97110", date(2024, 4, 15), date(2024, 8, 16)),
            ("base.be", "1000", date(2024, 4, 30), date(2024, 8, 30)),
        ):
            with self.subTest(country=country), self.env.cr.savepoint() as change:
                self.company.write({"country_id": self.env.ref(country).id, "zip": zip_code})
                other = self._declaration(self._debtor(f"Client {country}"))
                other.publication_date = publication
                self.assertEqual(other.deadline_date, deadline)
                self.assertEqual(other.relief_deadline_date, publication + relativedelta(months=6))
                change.close()


@tagged("post_install", "-at_install")
class TestDeclarationConcurrency(TransactionCase):
    """Two users recording the declaration of the same claim at once (two cursors, committed
    data): the later one fails with a serialization error, not logged as an error, which
    Odoo's request handling retries; the retry gets a message naming who declared it."""

    def setUp(self):
        super().setUp()
        with self.env.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            debtor = env["res.partner"].create(
                {
                    "name": "Scierie en Redressement",
                    "is_company": True,
                    "collective_proceedings": "redressement",
                    "proceedings_date": "2026-03-02",
                }
            )
            self.debtor_id = debtor.id
        self.admin_id = self.env.ref("base.user_admin").id
        self.envs = [api.Environment(self.registry.cursor(), self.admin_id, {}) for _i in range(2)]
        self.addCleanup(self._clean_up)

    def _clean_up(self):
        for env in self.envs:
            env.cr.close()
        with self.env.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["recouvrement.claim.declaration"].search(
                [("partner_id", "=", self.debtor_id)]
            ).unlink()
            env["res.partner"].browse(self.debtor_id).unlink()

    def _declare(self, env):
        return env["recouvrement.claim.declaration"].create({"partner_id": self.debtor_id})

    def test_two_declarations_at_once(self):
        env1, env2 = self.envs
        env1.cr.execute("SELECT 1")  # its snapshot is taken before the other one commits
        first = self._declare(env2)
        env2.cr.commit()
        with (
            self.assertRaises(SerializationFailure),
            self.assertNoLogs("odoo.sql_db", level="ERROR"),
        ):
            self._declare(env1)
        env1.cr.rollback()  # odoo.service.model.retrying: the request again
        env1.transaction.reset()
        with self.assertRaises(UserError) as caught:
            self._declare(env1)
        self.assertEqual(
            str(caught.exception),
            "The claim of Scierie en Redressement for the judgment of 03/02/2026 was already "
            f"declared by {first.create_uid.name} on {format_date(env1, first.create_date)} (claim "
            f"declaration {first.name}): open that declaration instead.",
        )
        env1.cr.rollback()
        declarations = env1["recouvrement.claim.declaration"].search(
            [("partner_id", "=", self.debtor_id)]
        )
        self.assertEqual(declarations.ids, first.ids)


@tagged("post_install", "-at_install")
class TestDeclarationOpenCredits(RecouvrementCommon):
    """What is declared is net of the customer's open credits (LEGAL.md, open credits), as
    what a reminder claims: judgment 2024-04-14, ECB 4.50 % in 2024-S1 (penalty 14.50 %)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._legal_penalties()
        cls.mandataire = cls.env["res.partner"].create(
            {"name": "SELARL Mandataires du Rhône", "is_company": True}
        )
        cls.debtor = cls.env["res.partner"].create(
            {
                "name": "Filature Morel",
                "is_company": True,
                "collective_proceedings": "redressement",
                "proceedings_date": date(2024, 4, 14),
            }
        )

    def _refund(self, amount, day):
        refund = self._invoice(self.debtor, amount, day, post=False)
        refund.move_type = "out_refund"
        refund.action_post()
        return refund

    def _payment_on_account(self, amount, day):
        payment = self.env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": self.debtor.id,
                "amount": amount,
                "date": day,
            }
        )
        payment.action_post()
        return payment

    @freeze_time("2024-06-30")
    def test_open_credits_deducted_from_the_principal(self):
        # 10 000 due 2024-03-15: penalties 10 000 x 14.50 % x 29 / 365 = 115.21 and 40 (they
        # run on what is unpaid on the invoice: a credit not matched is not a payment of it).
        # Open credits before the judgment: a credit note of 1 500 (2024-03-20) and 200 paid
        # on account (2024-04-02): principal 10 000 - 1 700 = 8 300, total 8 455.21. A credit
        # note of 300 dated after the judgment (2024-05-02) is not part of the claim as it
        # stood at the judgment.
        self._invoice(self.debtor, 10000, date(2024, 2, 14), date(2024, 3, 15))
        self._refund(1500, date(2024, 3, 20))
        self._payment_on_account(200, date(2024, 4, 2))
        self._refund(300, date(2024, 5, 2))
        declaration = self.env["recouvrement.claim.declaration"].create(
            {
                "partner_id": self.debtor.id,
                "mandataire_id": self.mandataire.id,
                "publication_date": date(2024, 4, 30),
            }
        )
        self.assertRecordValues(
            declaration,
            [
                {
                    "open_credit_amount": 1700.0,
                    "principal_amount": 8300.0,
                    "penalty_amount": 115.21,
                    "indemnity_amount": 40.0,
                    "total_amount": 8455.21,
                }
            ],
        )
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("recouvrement_b2b.report_claim_declaration", declaration.ids)[0]
            .decode()
        )
        text = " ".join(html.split())
        self.assertIn("Less the open credits before the judgment", text)
        self.assertIn('-<span><span class="oe_currency_value">1,700.00</span>', text)
        self.assertIn("8,455.21", text)
        # frozen once declared: a credit note recorded later does not rewrite it
        declaration.action_declare()
        self._refund(100, date(2024, 4, 1))
        declaration._compute_amounts()
        self.assertEqual(declaration.total_amount, 8455.21)

    @freeze_time("2024-06-30")
    def test_open_credit_in_another_currency_not_deducted(self):
        # Issue 17 (LEGAL.md, open credits: same currency; art. 1347-1 Code civil). 10 000
        # EUR due 2024-03-15 and a credit note of 1 500 USD (2024-03-20; 750 EUR at 1 EUR =
        # 2 USD) before the judgment: the dollar credit does not pay the euro invoice, the
        # principal stays 10 000 (it was 10 000 - 750 = 9 250); penalties 10 000 x 14.50 % x
        # 29 / 365 = 115.21 and 40: total 10 155.21.
        usd = self.setup_other_currency("USD")
        self._invoice(self.debtor, 10000, date(2024, 2, 14), date(2024, 3, 15))
        refund = self._invoice(self.debtor, 1500, date(2024, 3, 20), post=False, currency=usd)
        refund.move_type = "out_refund"
        refund.action_post()
        declaration = self.env["recouvrement.claim.declaration"].create(
            {"partner_id": self.debtor.id, "publication_date": date(2024, 4, 30)}
        )
        self.assertRecordValues(
            declaration,
            [
                {
                    "open_credit_amount": 0.0,
                    "principal_amount": 10000.0,
                    "total_amount": 10155.21,
                }
            ],
        )

    @freeze_time("2024-06-30")
    def test_open_credits_above_the_principal(self):
        # 1 000 due 2024-03-15 and a credit note of 1 200 before the judgment: no principal is
        # declared (the credit is deducted up to the principal); the penalties
        # 1 000 x 14.50 % x 29 / 365 = 11.52 and the indemnity 40 remain.
        self._invoice(self.debtor, 1000, date(2024, 2, 14), date(2024, 3, 15))
        self._refund(1200, date(2024, 3, 20))
        declaration = self.env["recouvrement.claim.declaration"].create(
            {"partner_id": self.debtor.id, "publication_date": date(2024, 4, 30)}
        )
        self.assertRecordValues(
            declaration,
            [
                {
                    "open_credit_amount": 1000.0,
                    "principal_amount": 0.0,
                    "penalty_amount": 11.52,
                    "total_amount": 51.52,
                }
            ],
        )


@tagged("post_install", "-at_install")
class TestProceedingsBreak(RecouvrementCommon):
    """Second break test of issue 15: a customer in sauvegarde since the judgment of 2024-04-14
    (BODACC 2024-04-30); ECB 4.50 % in 2024-S1 (penalty 14.50 %)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._legal_penalties()
        cls._standard_ladder()
        cls.mandataire = cls.env["res.partner"].create(
            {"name": "SELARL Mandataires de Savoie", "is_company": True}
        )
        cls.debtor = cls.env["res.partner"].create({"name": "Tissages Roux", "is_company": True})
        # born before the judgment (due before it) and after it (L622-17)
        cls.before = cls._invoice(cls.debtor, 10000, date(2024, 2, 14), date(2024, 3, 15))
        cls.after = cls._invoice(cls.debtor, 3000, date(2024, 4, 20), date(2024, 5, 20))
        # born on the judgment day: a post-judgment claim (R621-4, effective from 0h)
        cls.same_day = cls._invoice(cls.debtor, 2000, date(2024, 4, 14), date(2024, 5, 14))
        cls.debtor.write(
            {"collective_proceedings": "sauvegarde", "proceedings_date": date(2024, 4, 14)}
        )

    def test_post_judgment_invoices_earn_penalties_and_the_indemnity(self):
        # L622-28 stops the interest of the claims born before the judgment only; a claim born
        # from it on is paid at its due date (L622-17): late, it earns the L441-10 penalty and
        # the 40 indemnity like any other.
        figures = (self.before | self.after | self.same_day)._get_penalty_figures(date(2024, 6, 30))
        # before: 10 000 x 14.50 % x 29 days (2024-03-16 to 2024-04-13) / 365 = 115.205
        # -> 115.21, and 40 (due before the judgment).
        self.assertEqual(
            (figures[self.before.id]["penalty"], figures[self.before.id]["indemnity"]),
            (115.21, 40.0),
        )
        # after: 3 000 x 14.50 % x 41 days (2024-05-21 to 2024-06-30) / 365 = 17 835 / 365
        # = 48.863 -> 48.86, and 40.
        self.assertEqual(
            (figures[self.after.id]["penalty"], figures[self.after.id]["indemnity"]),
            (48.86, 40.0),
        )
        # same day: 2 000 x 14.50 % x 47 days (2024-05-15 to 2024-06-30) / 365 = 13 630 / 365
        # = 37.342 -> 37.34, and 40.
        self.assertEqual(
            (figures[self.same_day.id]["penalty"], figures[self.same_day.id]["indemnity"]),
            (37.34, 40.0),
        )

    def _declaration(self):
        return (
            self.env["recouvrement.claim.declaration"]
            .with_user(self.controller)
            .create(
                {
                    "partner_id": self.debtor.id,
                    "mandataire_id": self.mandataire.id,
                    "publication_date": date(2024, 4, 30),
                }
            )
        )

    @freeze_time("2024-06-30")
    def test_closing_an_undeclared_claim_interrupts_nothing(self):
        # The sauvegarde ends with a plan on 2024-06-20; the claim was never declared: nothing
        # interrupted its prescription (L622-25-1 needs a declaration): 5 years from the due
        # date 2024-03-15 (L110-4), i.e. 2029-03-15, not 5 years from the closing (2029-06-20).
        declaration = self._declaration()
        declaration.write({"close_date": date(2024, 6, 20), "closure_reason": "plan"})
        declaration.action_close()
        self.assertEqual(declaration.state, "closed")
        self.assertFalse(self.before.prescription_interruption_date)
        self.assertEqual(self.before.prescription_date, date(2029, 3, 15))

    @freeze_time("2024-06-30")
    def test_only_a_liquidation_closes_for_insufficient_assets(self):
        # A sauvegarde cannot end for insufficient assets (L643-9: a liquidation only), else a
        # write-off would recover the VAT of a debt not shown to be lost (art. 272 CGI).
        declaration = self._declaration()
        declaration.action_declare()
        with self.assertRaisesRegex(ValidationError, "L643-9") as caught, self.env.cr.savepoint():
            declaration.write(
                {"close_date": date(2024, 6, 20), "closure_reason": "insufficient_assets"}
            )
        self.assertIn(declaration.name, str(caught.exception))
        # Converted into a liquidation (the opening judgment is kept): the declaration sent
        # follows the conversion, and the liquidation may close for insufficient assets.
        self.debtor.collective_proceedings = "liquidation"
        self.assertRecordValues(
            declaration, [{"proceedings": "liquidation", "judgment_date": date(2024, 4, 14)}]
        )
        declaration.write(
            {"close_date": date(2024, 6, 20), "closure_reason": "insufficient_assets"}
        )
        declaration.action_close()
        self.assertEqual(declaration.state, "closed")

    @freeze_time("2024-06-30")
    def test_conversion_keeps_the_opening_judgment(self):
        # Declared for the judgment of 2024-04-14; the conversion judgment of 2024-06-20 is
        # not a new opening: interest of the claim declared stays stopped on 2024-04-13
        # (L622-28: 115.21, not 10 000 x 14.50 % x 96 days / 365 = 381.37) and the invoice
        # of 2024-04-20 stays a post-judgment claim (L622-17).
        declaration = self._declaration()
        declaration.action_declare()
        with self.assertRaisesRegex(ValidationError, "L622-28") as caught, self.env.cr.savepoint():
            self.debtor.write(
                {"collective_proceedings": "liquidation", "proceedings_date": date(2024, 6, 20)}
            )
        self.assertIn(declaration.name, str(caught.exception))
        self.debtor.collective_proceedings = "liquidation"
        figures = (self.before | self.after)._get_penalty_figures(date(2024, 6, 30))
        self.assertEqual(figures[self.before.id]["penalty"], 115.21)
        self.assertEqual(figures[self.after.id]["penalty"], 48.86)
        self.assertEqual(declaration.proceedings, "liquidation")

    @freeze_time("2024-06-30")
    def test_no_individual_action_on_a_notified_factored_invoice(self):
        # Assigned to a factor in notified factoring: the factor is the creditor (subrogation)
        # and alone pursues the customer; our case may not file, notify or hand it over.
        factor = self.env["res.partner"].create({"name": "Factor Savoie"})
        agency = self.env["res.partner"].create({"name": "Agence Alpes Recouvrement"})
        factored = self._invoice(self.customer, 1000, date(2024, 1, 5), date(2024, 2, 4))
        own = self._invoice(self.customer, 700, date(2024, 1, 8), date(2024, 2, 7))
        factored.write(
            {
                "is_factored": True,
                "factor_id": factor.id,
                "factoring_date": date(2024, 1, 10),
                "factoring_mode": "notified",
            }
        )
        case = (
            self.env["recouvrement.litigation"]
            .with_user(self.controller)
            .create(
                {
                    "partner_id": self.customer.id,
                    "litigation_type": "recovery",
                    "proof_checked": True,
                    "move_ids": [Command.set((factored | own).ids)],
                    "agency_id": agency.id,
                    "agency_fee_rate": 12.0,
                }
            )
        )
        for action in (
            case.action_file,
            case.action_hand_over,
            lambda: case.write({"formal_notice_date": date(2024, 6, 1)}),
        ):
            with (
                self.assertRaisesRegex(UserError, "Factor Savoie.*notified factoring") as caught,
                self.env.cr.savepoint(),
            ):
                action()
            self.assertIn(factored.name, str(caught.exception))
        self.assertFalse(case.handover_date)
        # Confidential factoring keeps the invoice ours: the hand-over goes ahead.
        factored.factoring_mode = "confidential"
        case.action_hand_over()
        self.assertEqual(case.handover_date, date(2024, 6, 30))

    @freeze_time("2024-06-30")
    def test_declaration_dates_and_outcome_checked(self):
        # Declared: 10 000 + 115.21 + 40 = 10 155.21 (pre-judgment invoice only).
        declaration = self._declaration()
        self.assertEqual(declaration.total_amount, 10155.21)
        # dates of past events cannot be ahead of today (2024-06-30)
        for fname, label in (
            ("publication_date", "BODACC Publication"),
            ("declaration_date", "Declared On"),
            ("close_date", "Proceedings Closed On"),
        ):
            with (
                self.assertRaisesRegex(ValidationError, f"{label} \\(07/01/2024\\)") as caught,
                self.env.cr.savepoint(),
            ):
                declaration.write({fname: date(2024, 7, 1)})
            self.assertIn(declaration.name, str(caught.exception))
        # the judge admits at most what was declared; dividends at most what was admitted
        with (
            self.assertRaisesRegex(ValidationError, "10,155.22.*10,155.21"),
            self.env.cr.savepoint(),
        ):
            declaration.admitted_amount = 10155.22
        with self.assertRaisesRegex(ValidationError, "Dividends Received"), self.env.cr.savepoint():
            declaration.write({"admitted_amount": 8000.0, "dividend_amount": 8000.01})
        declaration.write({"admitted_amount": 10155.21, "dividend_amount": 2500.0})
        self.assertEqual(declaration.dividend_amount, 2500.0)

    def test_agency_fee_rate_checked(self):
        case = (
            self.env["recouvrement.litigation"]
            .with_user(self.controller)
            .create({"partner_id": self.customer.id, "litigation_type": "recovery"})
        )
        for rate in (-10.0, 100.01):
            with self.assertRaisesRegex(ValidationError, case.name), self.env.cr.savepoint():
                case.agency_fee_rate = rate
        case.agency_fee_rate = 100.0
        self.assertEqual(case.agency_fee_rate, 100.0)

    @freeze_time("2024-06-30")
    def test_declaration_lists_its_company_and_pre_judgment_invoices_only(self):
        # The customer also owes 5 000 to a second company. Declared here: 10 000 + 115.21 +
        # 40 = 10 155.21; the other company's invoice, another customer's or the
        # post-judgment one would change it.
        company_b = self.setup_other_company()["company"]
        other_company = self._invoice(
            self.debtor, 5000, date(2024, 2, 20), date(2024, 3, 21), company=company_b
        )
        other_customer = self._invoice(self.customer, 800, date(2024, 2, 1), date(2024, 3, 2))
        declaration = self._declaration()
        self.assertEqual(declaration.move_ids, self.before)
        for move in (other_company, other_customer, self.after):
            with (
                self.assertRaisesRegex(ValidationError, move.name) as caught,
                self.env.cr.savepoint(),
            ):
                declaration.sudo().move_ids = [Command.link(move.id)]
            self.assertIn(declaration.name, str(caught.exception))
        self.assertEqual(declaration.total_amount, 10155.21)
