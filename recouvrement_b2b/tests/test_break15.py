"""Break test of issue 15 (collective proceedings, agency, factoring, bad-debt VAT, RGPD): the
defects found by a fresh tester, each with the value that was wrong."""

import json
import re
from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import RecouvrementCommon


def statement_text(partner, day, user):
    """The text of ``partner``'s customer statement as at ``day`` printed by ``user``: its tags
    left out, its white space folded."""
    html = (
        partner.env["ir.actions.report"]
        .with_user(user)
        ._render_qweb_html(
            "recouvrement_b2b.action_report_customer_statement", partner.ids, data={"date": day}
        )[0]
        .decode()
    )
    return " ".join(re.sub(r"<[^>]+>", "", html).split())


@tagged("post_install", "-at_install")
class TestPersonalDataEveryNote(RecouvrementCommon):
    """RGPD (CNIL référentiel "gestion des impayés"): every free-text note collection holds on a
    natural person (call notes, promise notes, dispute descriptions, as the reminders' and the
    cases') is anonymised past the retention and exported on request; a company's stay."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.person = cls.env["res.partner"].create({"name": "Jean Artisan", "is_company": False})
        # a natural person with only a call, a promise and a dispute: no reminder, no case
        cls.debtors = cls.person | cls.customer
        cls.calls = cls.env["recouvrement.call"]
        cls.promises = cls.env["recouvrement.promise"]
        cls.disputes = cls.env["recouvrement.dispute"]
        for partner in cls.debtors:
            move = cls._invoice(partner, 100, date(2019, 1, 10), date(2019, 2, 10))
            with freeze_time("2019-02-20"):
                call = cls.env["recouvrement.call"].create(
                    {
                        "partner_id": partner.id,
                        "company_id": cls.company.id,
                        "date": date(2019, 2, 20),
                        "outcome": "reached",
                        "note": "Said his wife is ill, will pay on 1 March",
                    }
                )
                call.message_post(
                    body="Called back about the illness",
                    message_type="comment",
                    subtype_xmlid="mail.mt_note",
                )
                cls.calls |= call
                cls.promises |= cls.env["recouvrement.promise"].create(
                    {
                        "partner_id": partner.id,
                        "amount": 100.0,
                        "date": date(2019, 3, 1),
                        "move_ids": [Command.set(move.ids)],
                        "note": "Promised on the phone, sounded drunk",
                    }
                )
                cls.disputes |= cls.env["recouvrement.dispute"].create(
                    {
                        "move_id": move.id,
                        "reason": "price",
                        "amount": 10.0,
                        "description": "Contests the price, divorcing",
                    }
                )
            cls._pay(move, 100, date(2019, 3, 1))

    def test_purge_clears_call_promise_and_dispute_notes(self):
        Data = self.env["recouvrement.personal.data"]
        # Settled 2019-03-01: kept until 2024-03-01.
        with freeze_time("2024-02-15"):
            Data._cron_purge_personal_data()
        self.assertEqual(self.calls[0].note, "Said his wife is ill, will pay on 1 March")
        with freeze_time("2024-06-01"):
            Data._cron_purge_personal_data()
        person_call, company_call = self.calls
        person_promise, company_promise = self.promises
        person_dispute, company_dispute = self.disputes
        self.assertFalse(person_call.note)
        self.assertFalse(person_promise.note)
        self.assertFalse(person_dispute.description)
        self.assertFalse(person_call.message_ids.filtered(lambda m: m.message_type == "comment"))
        self.assertEqual(self.person.collection_data_purged_on, date(2024, 6, 1))
        # the company's notes are not personal data: untouched
        self.assertEqual(company_call.note, "Said his wife is ill, will pay on 1 March")
        self.assertEqual(company_promise.note, "Promised on the phone, sounded drunk")
        self.assertEqual(company_dispute.description, "Contests the price, divorcing")
        self.assertTrue(company_call.message_ids.filtered(lambda m: m.message_type == "comment"))
        # nothing left the second time
        with freeze_time("2024-06-08"):
            self.assertFalse(Data._get_purge_candidates(date(2024, 6, 8)))

    def test_export_holds_call_promise_and_dispute_notes(self):
        data = self.env["recouvrement.personal.data"]._get_partner_data(self.person)
        self.assertEqual(
            [call["note"] for call in data["calls"]], ["Said his wife is ill, will pay on 1 March"]
        )
        self.assertEqual(
            [promise["note"] for promise in data["promises"]],
            ["Promised on the phone, sounded drunk"],
        )
        self.assertEqual(
            [dispute["description"] for dispute in data["disputes"]],
            ["Contests the price, divorcing"],
        )
        self.assertIn("Called back about the illness", json.dumps(data["notes"], default=str))


@tagged("post_install", "-at_install")
class TestFactoringInvoicePaysTheFactorOnly(RecouvrementCommon):
    """Notified factoring (subrogation): the customer may validly pay the factor only, so the
    invoice gives no other means of payment than the factor's: no "on this account" with our
    IBAN, no EPC QR code paying us. A confidential one keeps ours."""

    OUR_IBAN = "FR1420041010050500013M02606"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.qr_code = True
        cls.our_bank = cls.env["res.partner.bank"].create(
            {"partner_id": cls.company.partner_id.id, "acc_number": cls.OUR_IBAN}
        )
        cls.factor = cls.env["res.partner"].create({"name": "Factor Crédit Lyonnais"})
        cls.factor_bank = cls.env["res.partner.bank"].create(
            {"partner_id": cls.factor.id, "acc_number": "FR7630006000011234567890189"}
        )
        cls.moves = cls.env["account.move"]
        for mode, amount in (("notified", 1000), ("confidential", 2000)):
            move = cls._invoice(
                cls.customer, amount, date(2026, 1, 5), date(2026, 2, 4), post=False
            )
            move.partner_bank_id = cls.our_bank
            move.action_post()
            move.write(
                {
                    "is_factored": True,
                    "factor_id": cls.factor.id,
                    "factoring_date": date(2026, 1, 10),
                    "factoring_mode": mode,
                }
            )
            cls.moves |= move

    def _text(self, move):
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("account.report_invoice", move.ids)[0]
            .decode()
        )
        return " ".join(re.sub(r"<[^>]+>", "", html).split())

    def test_notified_invoice_gives_only_the_factor_bank_details(self):
        notified, confidential = self.moves
        our_iban = self.our_bank.display_name
        text = self._text(notified)
        self.assertIn(f"pay by bank transfer to IBAN {self.factor_bank.acc_number}", text)
        self.assertNotIn(our_iban, text)
        self.assertNotIn("on this account", text)
        self.assertFalse(notified.display_qr_code)
        self.assertNotIn("Scan this QR Code", text)
        # confidential factoring: the customer pays us, as on any invoice
        text = self._text(confidential)
        self.assertIn(f"on this account: {our_iban}", text)
        self.assertNotIn("assigned to", text)
        self.assertTrue(confidential.display_qr_code)


@tagged("post_install", "-at_install")
class TestStatementClaimsOnlyWhatIsOurs(RecouvrementCommon):
    """The customer statement (sent alone or attached to a reminder) asks payment only of what
    the customer may pay us: not the claims born before its opening judgment (L622-7, L622-21:
    declared to the mandataire), not the invoices assigned to a factor in notified factoring
    (the factor alone is paid). They are listed apart, with the reason.

    Redressement judgment 2024-04-14: A 10 000 (2024-02-14, due 2024-03-15) is frozen; C 3 000
    (2024-04-20, due 2024-05-20) is ours; F 500 (2024-04-25, due 2024-05-25) is assigned to a
    factor. Statement of 2024-06-30: balance due 3 000, all overdue.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.debtor = cls.env["res.partner"].create(
            {"name": "Textiles Blanc", "is_company": True, "lang": "en_US"}
        )
        cls.factor = cls.env["res.partner"].create({"name": "Factor Crédit Lyonnais"})
        cls.move_a = cls._invoice(cls.debtor, 10000, date(2024, 2, 14), date(2024, 3, 15))
        cls.move_c = cls._invoice(cls.debtor, 3000, date(2024, 4, 20), date(2024, 5, 20))
        cls.move_f = cls._invoice(cls.debtor, 500, date(2024, 4, 25), date(2024, 5, 25))
        cls.move_f.write(
            {
                "is_factored": True,
                "factor_id": cls.factor.id,
                "factoring_date": date(2024, 4, 26),
                "factoring_mode": "notified",
            }
        )
        cls.debtor.write(
            {"collective_proceedings": "redressement", "proceedings_date": date(2024, 4, 14)}
        )

    def test_statement_leaves_out_frozen_and_factored_invoices(self):
        statement = (
            self.env["recouvrement.statement"]
            .with_user(self.controller)
            ._get_statements(self.debtor, date=date(2024, 6, 30))[self.debtor.id]
        )
        self.assertEqual(statement["open_items"].move_id, self.move_c)
        self.assertEqual(statement["total_open"], 3000.0)
        self.assertEqual(statement["balance"], 3000.0)
        self.assertEqual(statement["overdue"], 3000.0)
        self.assertEqual(statement["left_out"].move_id, self.move_a | self.move_f)
        text = statement_text(self.debtor, "2024-06-30", self.controller)
        self.assertIn("Not claimed by this statement", text)
        self.assertIn("Claim born before the opening judgment of 04/14/2024", text)
        self.assertIn("Assigned to Factor Crédit Lyonnais", text)


@tagged("post_install", "-at_install")
class TestNotesStayFactual(RecouvrementCommon):
    """RGPD: every free-text note a collector types about a customer (the call log, a call, a
    promise, a dispute, a case) carries the hint to stay factual, in French for a French user."""

    HINT = "Facts only: dates, amounts, what was said and agreed."
    HINT_FR = "Uniquement des faits\xa0: dates, montants, ce qui a été dit et convenu."

    def test_call_and_promise_notes_carry_the_facts_only_hint(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["recouvrement_b2b"], ["fr_FR"])
        for model, field in (
            ("recouvrement.call.log", "note"),
            ("recouvrement.call", "note"),
            ("recouvrement.promise", "note"),
            ("recouvrement.dispute", "description"),
            ("recouvrement.litigation", "reason"),
        ):
            for lang, hint in (("en_US", self.HINT), ("fr_FR", self.HINT_FR)):
                arch = (
                    self.env[model]
                    .with_user(self.controller)
                    .with_context(lang=lang)
                    .get_views([(False, "form")])["views"]["form"]["arch"]
                )
                node = re.search(rf'<field name="{field}"[^>]*placeholder="([^"]*)"', arch)
                self.assertTrue(node, f"{model}.{field} has a placeholder")
                self.assertIn(hint, node.group(1), f"{model}.{field} in {lang}")


@tagged("post_install", "-at_install")
class TestPersonalDataExportCollectionValues(RecouvrementCommon):
    """Right of access (art. 15 RGPD): the export holds what collection decided about the
    person too: its credit hold and reason, its limit and score, and their history."""

    def test_export_holds_the_hold_reason_and_its_history(self):
        person = self.env["res.partner"].create({"name": "Jean Artisan", "is_company": False})
        person.with_user(self.manager).write(
            {"credit_hold": True, "credit_hold_reason": "Paid late twice", "credit_limit": 1500}
        )
        data = self.env["recouvrement.personal.data"]._get_partner_data(person)
        values = data["collection_values"][0]
        self.assertEqual(values["credit_hold_reason"], "Paid late twice")
        self.assertEqual(values["credit_limit"], 1500.0)
        self.assertIn("Paid late twice", [row["new_value"] for row in data["collection_history"]])


@tagged("post_install", "-at_install")
class TestHandoverListCurrency(RecouvrementCommon):
    """The invoice list handed to the agency says in which currency each row is: a 1 100 USD
    invoice is not 1 100 EUR."""

    @freeze_time("2026-04-01")
    def test_invoice_list_names_the_currency_of_each_row(self):
        usd = self.setup_other_currency("USD", rates=[("2026-01-01", 1.1)])
        agency = self.env["res.partner"].create({"name": "Recouvrement Rhône Agence"})
        euro_invoice = self._invoice(self.customer, 1000, date(2026, 1, 5), date(2026, 2, 4))
        usd_invoice = self._invoice(
            self.customer, 1100, date(2026, 1, 6), date(2026, 2, 5), currency=usd
        )
        case = self.env["recouvrement.litigation"].create(
            {
                "partner_id": self.customer.id,
                "litigation_type": "recovery",
                "move_ids": [Command.set((euro_invoice | usd_invoice).ids)],
                "agency_id": agency.id,
                "agency_fee_rate": 15.0,
            }
        )
        rows = case._get_handover_invoice_rows()
        self.assertEqual(rows[0][4], "Invoice currency")
        self.assertEqual(rows[0][-1], "Currency")
        by_invoice = {row[0]: row for row in rows[1:]}
        # the invoice's own total and currency, then what is claimed in the company currency
        # at the day's rate, as the reminders and the injonction de payer file claim it
        self.assertEqual(by_invoice[euro_invoice.name][3:6], ["1000.00", "EUR", "1000.00"])
        self.assertEqual(by_invoice[euro_invoice.name][-1], "EUR")
        # 1 100 USD at 1.1 USD per EUR on 1 April: 1 000.00 EUR
        self.assertEqual(by_invoice[usd_invoice.name][3:6], ["1100.00", "USD", "1000.00"])
        self.assertEqual(by_invoice[usd_invoice.name][-1], "EUR")


@tagged("post_install", "-at_install")
class TestPersonalDataDeclarationNote(RecouvrementCommon):
    """A sole trader in liquidation is a natural person: the free-text note of its claim
    declaration is purged past the retention and exported, as the other collection notes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.person = cls.env["res.partner"].create({"name": "Jean Artisan", "is_company": False})
        move = cls._invoice(cls.person, 100, date(2019, 1, 10), date(2019, 2, 10))
        cls.person.write(
            {"collective_proceedings": "liquidation", "proceedings_date": date(2019, 2, 1)}
        )
        with freeze_time("2019-02-15"):
            cls.declaration = cls.env["recouvrement.claim.declaration"].create(
                {
                    "partner_id": cls.person.id,
                    "publication_date": date(2019, 2, 10),
                    "note": "The liquidator says he is depressed",
                }
            )
        cls._pay(move, 100, date(2019, 3, 1))

    def test_declaration_note_exported_then_purged(self):
        Data = self.env["recouvrement.personal.data"]
        data = Data._get_partner_data(self.person)
        self.assertEqual(
            [row["note"] for row in data["claim_declarations"]],
            ["The liquidator says he is depressed"],
        )
        # settled 2019-03-01: kept until 2024-03-01
        with freeze_time("2024-02-15"):
            Data._cron_purge_personal_data()
        self.assertEqual(self.declaration.note, "The liquidator says he is depressed")
        with freeze_time("2024-06-01"):
            Data._cron_purge_personal_data()
        self.assertFalse(self.declaration.note)
        self.assertEqual(self.person.collection_data_purged_on, date(2024, 6, 1))


@tagged("post_install", "-at_install")
class TestNoPaymentAgreedOnFrozenClaims(RecouvrementCommon):
    """From the opening judgment, a claim born before it may no longer be paid (L622-7) nor
    pursued individually (L622-21): no payment plan and no promise to pay on it, as no formal
    notice. Redressement judgment 2024-04-14: A (2024-02-14) is frozen, C (2024-04-20) is
    not."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.debtor, cls.move_a, cls.move_c = cls._debtor_in_redressement()

    def _plan(self, moves):
        return (
            self.env["recouvrement.payment.plan"]
            .with_user(self.controller)
            .create(
                {
                    "partner_id": self.debtor.id,
                    "move_ids": [Command.set(moves.ids)],
                    "instalment_count": 3,
                    "first_date": date(2024, 7, 1),
                }
            )
        )

    def _promise(self, moves, amount):
        return (
            self.env["recouvrement.promise"]
            .with_user(self.controller)
            .create(
                {
                    "partner_id": self.debtor.id,
                    "amount": amount,
                    "date": date(2024, 6, 15),
                    "move_ids": [Command.set(moves.ids)],
                }
            )
        )

    @freeze_time("2024-06-01")
    def test_payment_plan_refused_on_a_pre_judgment_invoice(self):
        with self.assertRaisesRegex(UserError, "L622-7") as caught:
            self._plan(self.move_a | self.move_c)
        self.assertIn(self.move_a.name, str(caught.exception))
        # a post-judgment invoice is paid at its due date (L622-17): it may be scheduled
        self.assertEqual(self._plan(self.move_c).move_ids, self.move_c)

    @freeze_time("2024-06-01")
    def test_promise_refused_on_a_pre_judgment_invoice(self):
        with self.assertRaisesRegex(UserError, "L622-7") as caught:
            self._promise(self.move_a, 1000.0)
        self.assertIn(self.move_a.name, str(caught.exception))
        self.assertEqual(self._promise(self.move_c, 1000.0).move_ids, self.move_c)


@tagged("post_install", "-at_install")
class TestPenaltyInvoiceOfAFrozenClaim(RecouvrementCommon):
    """Penalties accrued on a claim born before the opening judgment are part of that claim
    (they stop at the judgment, L622-28, and are declared with it): the penalty invoice that
    charges them, even dated after the judgment, is frozen like its source (L622-21): no
    reminder, no injonction de payer, not in the statement's balance due.

    Redressement judgment 2024-04-14; A 10 000 due 2024-03-15: penalties 10 000 x 14.50 % x
    29 / 365 = 115.21, and the 40.00 indemnity; the penalty invoice of 2024-06-01 is 155.21.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._legal_penalties()
        cls._standard_ladder()
        cls.debtor = cls.env["res.partner"].create({"name": "Textiles Blanc", "is_company": True})
        cls.move_a = cls._invoice(cls.debtor, 10000, date(2024, 2, 14), date(2024, 3, 15))
        cls.debtor.write(
            {"collective_proceedings": "redressement", "proceedings_date": date(2024, 4, 14)}
        )
        cls.penalty_invoice = cls.move_a._create_penalty_invoices(date(2024, 6, 1))
        cls.penalty_invoice.action_post()

    def test_penalty_invoice_of_a_pre_judgment_invoice_is_frozen(self):
        self.assertEqual(self.penalty_invoice.amount_total, 155.21)
        Proceedings = self.env["recouvrement.proceedings"]
        self.assertEqual(
            Proceedings._get_pre_judgment_moves(self.penalty_invoice), self.penalty_invoice
        )
        plan = self.env["recouvrement.dunning"]._get_plan(date(2024, 7, 15), partners=self.debtor)
        self.assertFalse(plan)
        with self.assertRaisesRegex(UserError, "L622-21"):
            Proceedings._check_individual_action(self.penalty_invoice, "filed")


@tagged("post_install", "-at_install")
class TestDeclaredClaimsStayFrozen(RecouvrementCommon):
    """A customer set back to "active" while a claim declaration of its proceedings is sent and
    not closed keeps its claims born before the judgment frozen (README, Product decisions):
    no payment (L622-7), no reminder nor individual action (L622-21), no interest (L622-28);
    they are paid through the plan of the proceedings. Closing the declaration ends that.

    Redressement judgment 2024-04-14: A 10 000 (2024-02-14, due 2024-03-15) is frozen, C 3 000
    (2024-04-20, due 2024-05-20) is not. Penalties of A stop at the judgment: 10 000 x 14.50 %
    x 29 / 365 = 115.21 (2024-03-16 to 2024-04-13), also on 2024-06-30.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._legal_penalties()
        cls._standard_ladder()
        cls.debtor, cls.move_a, cls.move_c = cls._debtor_in_redressement(lang="en_US")
        mandataire = cls.env["res.partner"].create({"name": "SELARL Mandataires du Rhône"})
        with freeze_time("2024-05-15"):
            cls.declaration = cls.env["recouvrement.claim.declaration"].create(
                {
                    "partner_id": cls.debtor.id,
                    "mandataire_id": mandataire.id,
                    "publication_date": date(2024, 4, 30),
                }
            )
            cls.declaration.action_declare()
        # set back to active by hand (the status and its date cleared)
        cls.debtor.write({"collective_proceedings": "none", "proceedings_date": False})

    def _check_frozen(self, status):
        Proceedings = self.env["recouvrement.proceedings"].with_user(self.controller)
        plan = (
            self.env["recouvrement.dunning"]
            .with_user(self.controller)
            ._get_plan(date(2024, 6, 30), partners=self.debtor)
        )
        self.assertEqual(plan[0]["moves"], self.move_c, status)
        figures = self.env["recouvrement.penalty"]._get_penalty_figures(
            self.move_a | self.move_c, date(2024, 6, 30)
        )
        self.assertEqual(figures[self.move_a.id]["penalty"], 115.21, status)
        with self.assertRaisesRegex(UserError, "L622-21") as caught:
            Proceedings._check_individual_action(self.move_a, "filed")
        self.assertIn("Redressement judiciaire", str(caught.exception))
        self.assertIn("04/14/2024", str(caught.exception))
        Proceedings._check_individual_action(self.move_c, "filed")
        with self.assertRaisesRegex(UserError, "L622-7"):
            Proceedings._check_individual_action(self.move_a, "promise")
        statement = (
            self.env["recouvrement.statement"]
            .with_user(self.controller)
            ._get_statements(self.debtor, date=date(2024, 6, 30))[self.debtor.id]
        )
        self.assertEqual(statement["left_out"].move_id, self.move_a, status)
        self.assertEqual(statement["balance"], 3000.0, status)
        self.assertEqual(statement["judgment_date"], date(2024, 4, 14), status)

    def test_claims_stay_frozen_while_the_declaration_is_open(self):
        self._check_frozen("active")
        text = statement_text(self.debtor, "2024-06-30", self.controller)
        self.assertIn("Claim born before the opening judgment of 04/14/2024", text)
        # any other status change keeps them frozen too
        self.debtor.write({"collective_proceedings": "none", "proceedings_date": date(2024, 4, 14)})
        self._check_frozen("active, date kept")

    def test_closing_the_declaration_ends_the_freeze(self):
        self.declaration.write(
            {"close_date": date(2025, 1, 10), "closure_reason": "plan", "admitted_amount": 1.0}
        )
        with freeze_time("2025-01-15"):
            self.declaration.action_close()
        plan = self.env["recouvrement.dunning"]._get_plan(date(2025, 1, 31), partners=self.debtor)
        self.assertIn(self.move_a, plan[0]["moves"])


@tagged("post_install", "-at_install")
class TestAgencyCollectsNoFrozenClaim(RecouvrementCommon):
    """A file handed over to an agency before the customer's opening judgment: from the
    judgment, the agency may no longer be paid a claim born before it (L622-7), whether the
    customer is still shown in proceedings or was set back to active while the declaration
    runs. A payment it collected before the judgment stands.

    A 10 000 (2024-02-14, due 2024-03-15), handed over on 2024-03-20; redressement judgment
    2024-04-14.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.debtor = cls.env["res.partner"].create({"name": "Textiles Blanc", "is_company": True})
        agency = cls.env["res.partner"].create({"name": "Agence Recouvra", "is_company": True})
        cls.move_a = cls._invoice(cls.debtor, 10000, date(2024, 2, 14), date(2024, 3, 15))
        cls.expense = cls.env["account.account"].search(
            [
                *cls.env["account.account"]._check_company_domain(cls.company),
                ("account_type", "=", "expense"),
            ],
            limit=1,
        )
        cls.case = cls.env["recouvrement.litigation"].create(
            {
                "partner_id": cls.debtor.id,
                "litigation_type": "recovery",
                "move_ids": [Command.set(cls.move_a.ids)],
                "agency_id": agency.id,
                "agency_fee_rate": 10.0,
            }
        )
        with freeze_time("2024-03-20"):
            cls.case.action_hand_over()
        cls.debtor.write(
            {"collective_proceedings": "redressement", "proceedings_date": date(2024, 4, 14)}
        )

    def _collect(self, day, amount, move=None):
        return self.env["recouvrement.agency.collection"].create(
            {
                "litigation_id": self.case.id,
                "date": day,
                "amount": amount,
                "move_id": move.id if move else False,
                "fee_account_id": self.expense.id,
            }
        )

    @freeze_time("2024-05-15")
    def test_collection_after_the_judgment_refused(self):
        for move in (self.move_a, None):
            with self.assertRaisesRegex(UserError, "L622-7") as caught:
                self._collect(date(2024, 5, 10), 1000.0, move)
            message = str(caught.exception)
            for text in (self.case.name, "05/10/2024", self.move_a.name, "04/14/2024"):
                self.assertIn(text, message)
        # on the judgment day too (R621-4: it takes effect from its first hour)
        with self.assertRaisesRegex(UserError, "L622-7"):
            self._collect(date(2024, 4, 14), 1000.0, self.move_a)
        # collected before the judgment: a past payment, recorded
        collection = self._collect(date(2024, 4, 10), 1000.0, self.move_a)
        self.assertEqual(collection.net_amount, 900.0)
        self.assertEqual(self.move_a.amount_residual, 9000.0)
        # moved after the judgment: refused as well
        with self.assertRaisesRegex(UserError, "L622-7"):
            collection.date = date(2024, 4, 20)

    @freeze_time("2024-05-15")
    def test_collection_refused_while_the_declaration_runs(self):
        mandataire = self.env["res.partner"].create({"name": "SELARL Mandataires du Rhône"})
        declaration = self.env["recouvrement.claim.declaration"].create(
            {"partner_id": self.debtor.id, "mandataire_id": mandataire.id}
        )
        declaration.action_declare()
        self.debtor.write({"collective_proceedings": "none", "proceedings_date": False})
        with self.assertRaisesRegex(UserError, "L622-7"):
            self._collect(date(2024, 5, 10), 1000.0, self.move_a)


@tagged("post_install", "-at_install")
class TestNegativeAmountsNamed(RecouvrementCommon):
    """A negative amount typed on a claim declaration's outcome or on an agency's collection
    is refused with a message naming the record and the field, never a raw SQL constraint."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.debtor, cls.move_a, cls.move_c = cls._debtor_in_redressement()
        mandataire = cls.env["res.partner"].create({"name": "SELARL Mandataires du Rhône"})
        agency = cls.env["res.partner"].create({"name": "Agence Recouvra", "is_company": True})
        with freeze_time("2024-05-15"):
            cls.declaration = cls.env["recouvrement.claim.declaration"].create(
                {"partner_id": cls.debtor.id, "mandataire_id": mandataire.id}
            )
            cls.declaration.action_declare()
        cls.case = cls.env["recouvrement.litigation"].create(
            {
                "partner_id": cls.debtor.id,
                "litigation_type": "recovery",
                "move_ids": [Command.set(cls.move_c.ids)],
                "agency_id": agency.id,
                "agency_fee_rate": 10.0,
            }
        )
        with freeze_time("2024-06-01"):
            cls.case.action_hand_over()

    def _check_declaration_amount(self, fname, label):
        with self.assertRaisesRegex(ValidationError, "must be between 0.00") as caught:
            self.declaration.with_user(self.controller).write({fname: -5.0})
            self.env.flush_all()
        message = str(caught.exception)
        self.assertIn(self.declaration.name, message)
        self.assertIn(label, message)
        # an amount with its currency (tools.bounds.check_bounds), Odoo's minus sign kept
        # with its number by a zero-width no-break space
        self.assertIn("-\N{ZERO WIDTH NO-BREAK SPACE}5.00\N{NO-BREAK SPACE}€", message)

    def test_declaration_admitted_amount(self):
        self._check_declaration_amount("admitted_amount", "Admitted Amount")

    def test_declaration_dividend_amount(self):
        self._check_declaration_amount("dividend_amount", "Dividends Received")

    @freeze_time("2024-06-15")
    def test_agency_collection_amounts(self):
        Collection = self.env["recouvrement.agency.collection"]
        for vals, label, value in (
            ({"amount": -100.0}, "Amount Collected", "-100.00"),
            ({"amount": 0.0}, "Amount Collected", "0.00"),
            ({"amount": 100.0, "fee_rate": -5.0}, "Fee Rate (%)", "-5.00"),
            ({"amount": 100.0, "fee_rate": 150.0}, "Fee Rate (%)", "150.00"),
        ):
            with self.assertRaises(ValidationError) as caught:
                Collection.create(
                    {"litigation_id": self.case.id, "date": date(2024, 6, 10), **vals}
                )
            message = str(caught.exception)
            self.assertIn(self.case.name, message)
            self.assertIn(label, message)
            self.assertIn(value, message)

    def test_handover_fee_rate(self):
        with self.assertRaises(ValidationError) as caught:
            self.case.agency_fee_rate = -10.0
        message = str(caught.exception)
        self.assertIn(self.case.name, message)
        self.assertIn("Agreed Fee Rate (%)", message)
        self.assertIn("-10.00", message)
