"""Issue 17, litigation and penalty items left open by the last stop (lit19): what a case
lists of its claimed instalments after a partial payment, the prescription of an instalment
joining a served case, the one not-in-litigation rule of the penalties, the credits of cases
and the penalties a plan settles."""

from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.modules.migration import load_script
from odoo.tests import Form, tagged

from .common import DunningRunCommon, InstalmentRunsCommon


@tagged("post_install", "-at_install")
class TestClaimedInstalmentsAtWhatIsLeft(InstalmentRunsCommon):
    """A case lists each claimed instalment with what it claims of it today."""

    def _halves_part_paid(self):
        """2 000 dated 1 Jan 2026, 1 000 due 31 Jan and 1 000 due 1 Apr; 300 paid on 10 Mar
        goes to the first half (1 000 -> 700); a case of 20 Mar claiming the first half:
        ``(move, lines, case)``."""
        self._legal_penalties()
        lines = self._instalments(((50, 30), (50, 90)), 2000.0)
        move = lines.move_id
        self._pay(move, 300.0, "2026-03-10")
        self.assertEqual(lines.mapped("amount_residual"), [700.0, 1000.0])
        with freeze_time("2026-03-20"):
            case = self._litigation_case(
                move, litigation_type="recovery", line_ids=[Command.set(lines[:1].ids)]
            )
        return move, lines, case

    def test_file_lists_the_claimed_instalment_at_what_is_left(self):
        # the case claims 1 000 - 300 = 700 of the instalment due 31 Jan: every list of its
        # claimed instalments reads "01/31/2026 (700.00 €)" next to the principal 700.00
        # (old: "01/31/2026 (1,000.00 €)", the instalment's original amount)
        move, _lines, case = self._halves_part_paid()
        claimed = "01/31/2026 (700.00\xa0€)"
        with freeze_time("2026-04-30"):
            [line] = case._get_dossier_lines()
            self.assertEqual((line["principal"], line["due_dates"]), (700.0, claimed))
            # the agency's hand-over list: due dates and amount due
            row = case._get_handover_invoice_rows()[1]
            self.assertEqual(row[2:6:3], [claimed, "700.00"])
            # the invoice's form, the portal and the claim declaration
            # (account.move._get_due_date_parts)
            move.invalidate_recordset()
            self.assertEqual(move.litigation_due_dates, claimed)
            self.assertEqual(move._get_due_date_parts()[1], claimed)
            report = self.env["ir.actions.report"]
            for name in ("dossier", "summary"):
                html = report._render_qweb_html(
                    f"recouvrement_b2b.report_litigation_{name}", case.ids
                )[0].decode()
                self.assertIn(claimed, html, name)
                self.assertNotIn("1,000.00\xa0€)", html, name)

    def test_whole_invoice_lists_its_open_instalments_at_what_is_left(self):
        # a case claiming the whole invoice (opened by hand), the first half paid 300: the
        # file lists 700.00 and 1 000.00 (old: 1 000.00 twice) next to a principal of 1 700
        _move, lines, case = self._halves_part_paid()
        case.line_ids = [Command.set([])]
        with freeze_time("2026-04-30"):
            [line] = case._get_dossier_lines()
        self.assertEqual(
            (line["principal"], line["due_dates"]),
            (1700.0, "01/31/2026 (700.00\xa0€), 04/01/2026 (1,000.00\xa0€)"),
        )
        # the first half paid in full: only the second is listed
        self._pay(lines.move_id, 700.0, "2026-05-02")
        with freeze_time("2026-05-04"):
            [line] = case._get_dossier_lines()
        self.assertEqual(
            (line["principal"], line["due_dates"]), (1000.0, "04/01/2026 (1,000.00\xa0€)")
        )


@tagged("post_install", "-at_install")
class TestCaseCredits(DunningRunCommon):
    """Invoices of 2026 to a customer and an unmatched credit note, read on 20 April 2026."""

    DAY = "2026-04-20"

    def test_declared_invoice_case_deducts_no_credit(self):
        # Credit note 1 000 of 10 March; a case on A 600 (due 4 February); redressement
        # judiciaire of 15 April: the declaration declares A and D 900 (due 31 March) and
        # deducts the credit whole, principal 1 500 - 1 000 = 500 (README, product
        # decisions). Declared, the case on A shows 0 (old: 600, the credit counted twice,
        # 1 000 + 600 of a credit of 1 000)
        customer = self._customer("Declare Case")
        move_a = self._invoice(customer, 600.0, "2026-01-05", "2026-02-04")
        self._invoice(customer, 900.0, "2026-03-01", "2026-03-31")
        self._refund(customer, 1000.0, "2026-03-10")
        mandataire = self.env["res.partner"].create({"name": "SELARL Mandat", "is_company": True})
        customer.write({"collective_proceedings": "redressement", "proceedings_date": "2026-04-15"})
        with freeze_time(self.DAY):
            case = self._litigation_case(move_a)
            declaration = self._declare_claims(customer, mandataire, self.DAY)
            declaration.action_declare()
            self.assertEqual(move_a.claim_declaration_id, declaration)
            self.assertRecordValues(
                declaration, [{"open_credit_amount": 1000.0, "principal_amount": 500.0}]
            )
            case.invalidate_recordset(["open_credit_amount"])
            self.assertEqual(case.open_credit_amount, 0.0)

    def test_closed_case_keeps_the_credit_it_deducted(self):
        # Credit note 1 000 of 10 March, a case on A 600 (due 4 February): it deducts 600.
        # Closed (abandoned) on 20 April it keeps 600 deducted (old: 0.00 once closed);
        # reopened, the allocation again (600)
        customer = self._customer("Closed Credit")
        move_a = self._invoice(customer, 600.0, "2026-01-05", "2026-02-04")
        self._refund(customer, 1000.0, "2026-03-10")
        with freeze_time(self.DAY):
            case = self._litigation_case(move_a)
            self.assertEqual(case.open_credit_amount, 600.0)
            case._close("abandoned")
            case.invalidate_recordset(["open_credit_amount"])
            self.assertRecordValues(
                case,
                [{"is_closed": True, "closing_credit_amount": 600.0, "open_credit_amount": 600.0}],
            )
            case.action_reopen()
            self.assertRecordValues(
                case,
                [{"is_closed": False, "closing_credit_amount": 0.0, "open_credit_amount": 600.0}],
            )

    def test_written_off_case_keeps_the_credit_it_matched(self):
        # A 1 000 (due 4 February) in a case, credit note 300 of 10 March: the case deducts
        # 300; written off, the write-off matches the 300 with A and writes off 1 000 - 300 =
        # 700; the closed case shows 300 deducted (old: 0.00, the credit matched)
        self.customer = self._customer("Written Credit")
        move_a = self._invoice(self.customer, 1000.0, "2026-01-05", "2026-02-04")
        self._refund(self.customer, 300.0, "2026-03-10")
        with freeze_time(self.DAY):
            entry, _account = self._write_off_case(move_a, "none")
            case = move_a.litigation_id or self.env["recouvrement.litigation"].search(
                [("move_ids", "in", move_a.ids)]
            )
            self.assertEqual(sum(entry.line_ids.mapped("debit")), 700.0)
            case.invalidate_recordset(["open_credit_amount"])
            self.assertRecordValues(case, [{"outcome": "written_off", "open_credit_amount": 300.0}])


@tagged("post_install", "-at_install")
class TestJoinedAfterService(InstalmentRunsCommon):
    """An instalment or invoice joining a served case keeps its own prescription (art. 2241
    Code civil: the order served interrupts what it claimed only)."""

    def _served_halves(self):
        """2 000 dated 1 Jan 2022, 1 000 due 31 Jan 2022 (prescribed 2027-01-31) and 1 000 due
        1 Apr 2022 (2027-04-01); a case claiming the first half filed 2026-03-02, order
        2026-03-20, served 2026-05-04: ``(move, lines, case)``."""
        lines = self._instalments(((50, 30), (50, 90)), 2000.0, "2022-01-01")
        self.assertEqual(lines.mapped("date_maturity"), [date(2022, 1, 31), date(2022, 4, 1)])
        move = lines.move_id
        with freeze_time("2026-03-02"):
            case = self._litigation_case(
                move,
                litigation_type="recovery",
                proof_checked=True,
                line_ids=[Command.set(lines[:1].ids)],
            )
            case.action_file()
        with freeze_time("2026-03-20"):
            case.order_date = "2026-03-20"
        with freeze_time("2026-05-04"):
            case.service_date = "2026-05-04"
        return move, lines, case

    def test_migration_keeps_what_old_served_cases_claim(self):
        """Upgrade to 18.0.1.0.6: a case served before the served instalments were kept
        (``served_line_ids`` empty, the old shape) gets, once, what it claims on the upgrade
        day; the second half joining it afterwards keeps its own prescription (2027-04-01;
        without the migration it read what the case claims now: 2031-05-04)."""
        post = load_script(
            "recouvrement_b2b/migrations/18.0.1.0.6/post-migrate.py",
            "rb2b_post_migrate_18_0_1_0_6",
        )
        move, lines, case = self._served_halves()
        # the old shape: nothing recorded at the service
        case.sudo().with_context(recouvrement_keep_served=True).served_line_ids = [Command.clear()]
        self.assertIn(case, post.keep_served_lines(self.env))
        self.assertEqual(case.served_line_ids, lines[:1])
        # run again: nothing left to do
        self.assertFalse(post.keep_served_lines(self.env))
        with freeze_time("2026-06-01"):
            case.line_ids = [Command.link(lines[1].id)]
            self.assertEqual(move.prescription_date, date(2027, 4, 1))

    def test_instalment_joining_after_the_service_keeps_its_prescription(self):
        # served 2026-05-04: the first half restarts (2031-05-04), the second, not claimed,
        # prescribes 2027-04-01: the invoice's last day to act 2027-04-01. The second joins
        # the case on 2026-06-01: the order served did not claim it, it still prescribes
        # 2027-04-01 (old: 2031-05-04, the service applied to it) and the case warns
        move, lines, case = self._served_halves()
        self.assertEqual(move.prescription_date, date(2027, 4, 1))
        with freeze_time("2026-06-01"):
            case.line_ids = [Command.link(lines[1].id)]
            self.assertEqual(move.prescription_date, date(2027, 4, 1))
            # and computed again (as any later payment or act does)
            self.env.add_to_compute(move._fields["prescription_date"], move)
            self.assertEqual(move.prescription_date, date(2027, 4, 1))
            self.assertEqual(case.served_line_ids, lines[:1])
            self.assertIn(
                "Instalments 04/01/2022 joined the case after its order was served on 05/04/2026",
                case.prescription_warning,
            )
            self.assertIn("last day to act: 04/01/2027", case.prescription_warning)

    def test_invoice_added_after_the_service_keeps_its_prescription(self):
        # the same served case; G 500 due 2021-10-15 (prescribed 2026-10-15) added to the
        # case on 2026-06-01: the order does not cover it, it still prescribes 2026-10-15
        # (old: 2031-05-04)
        _move, _lines, case = self._served_halves()
        move_g = self._invoice(self.customer, 500.0, "2021-09-15", "2021-10-15")
        self.assertEqual(move_g.prescription_date, date(2026, 10, 15))
        with freeze_time("2026-06-01"):
            case.move_ids = [Command.link(move_g.id)]
            self.assertEqual(move_g.prescription_date, date(2026, 10, 15))
            self.assertIn("Instalments 10/15/2021 joined the case", case.prescription_warning)


@tagged("post_install", "-at_install")
class TestPlanOnALitigatedInvoice(InstalmentRunsCommon):
    """A payment plan is refused on an invoice an open litigation case claims, whole or in
    part (README, product decisions)."""

    def _halves(self):
        """2 000 dated 1 Jan 2026, 1 000 due 31 Jan and 1 000 due 1 Apr, legal penalties; a
        case of 20 Mar claiming the first half: ``(move, lines, case)``."""
        self._legal_penalties()
        lines = self._instalments(((50, 30), (50, 90)), 2000.0)
        with freeze_time("2026-03-20"):
            case = self._litigation_case(
                lines.move_id, litigation_type="recovery", line_ids=[Command.set(lines[:1].ids)]
            )
        return lines.move_id, lines, case

    def _plan_with_penalties(self, move):
        """The wizard's plan on ``move``, 4 instalments from 1 May 2026, penalties included."""
        with Form(self._plan_wizard(move)) as form:
            form.instalment_count = 4
            form.first_date = date(2026, 5, 1)
            form.include_penalties = True
        return form.record.action_create_plan()

    def test_plan_on_an_invoice_claimed_in_part_refused(self):
        # on 20 Apr a plan on the invoice scheduled the whole invoice and its penalties
        # (old: 2 000.00 and 72.62 = 1 000 x 12.15 % x 79 / 365 (1 Feb - 20 Apr) + 1 000 x
        # 12.15 % x 19 / 365 (2-20 Apr) = 26.30 + 6.32 = 32.62, with 40.00, while the case
        # claims the first half, its penalties and the 40.00 in its own file; the second
        # half's own penalties are 6.32): refused, naming the invoice and the case
        move, _lines, case = self._halves()
        with freeze_time("2026-04-20"), self.assertRaises(UserError) as error:
            self._plan_with_penalties(move)
        self.assertIn(
            f"Invoice {move.name} is claimed by litigation case {case.name}", str(error.exception)
        )

    def test_plan_on_an_invoice_claimed_whole_refused(self):
        # the same invoice in a case opened by hand (claimed whole): refused too
        move, _lines, case = self._halves()
        case.line_ids = [Command.set([])]
        with freeze_time("2026-04-20"), self.assertRaises(UserError) as error:
            self._plan_with_penalties(move)
        self.assertIn(f"litigation case {case.name}", str(error.exception))

    def test_plan_after_the_case_closed(self):
        # the case closed (recovered in part): the plan on the invoice is made
        move, _lines, case = self._halves()
        with freeze_time("2026-04-20"):
            case._close("partly_recovered")
            action = self._plan_with_penalties(move)
        plan = self.env["recouvrement.payment.plan"].browse(action["res_id"])
        self.assertEqual(plan.amount_invoices, 2000.0)


@tagged("post_install", "-at_install")
class TestCaseOnAScheduledInvoice(InstalmentRunsCommon):
    """The mirror of the plan's refusal: a litigation case is refused on an invoice a payment
    plan proposed or in force schedules (README, product decisions: the plan is called off or
    defaults first; lit19 left it open, a case opened by hand claimed the plan's invoice a
    second time)."""

    def _planned(self):
        """1 000 dated 1 Jan 2026 due 31 Jan; a plan of 2 instalments from 1 May proposed on
        20 Apr: the invoice."""
        move = self._invoice(self.customer, 1000.0, "2026-01-01", "2026-01-31")
        with freeze_time("2026-04-20"):
            self._propose_plan(move, 2, date(2026, 5, 1))
        return move

    def test_case_on_an_invoice_of_a_proposed_plan_refused(self):
        move = self._planned()
        plan = move.payment_plan_ids
        self.assertEqual(plan.state, "proposed")
        with freeze_time("2026-04-25"), self.assertRaises(ValidationError) as error:
            self._litigation_case(move, litigation_type="recovery")
        self.assertIn(
            f"invoice {move.name} is scheduled by payment plan {plan.display_name}",
            str(error.exception),
        )
        # called off, the invoice may go to litigation
        with freeze_time("2026-04-26"):
            plan.with_user(self.controller).action_cancel()
            case = self._litigation_case(move, litigation_type="recovery")
        self.assertEqual(move.litigation_id, case)

    def test_invoice_of_a_running_plan_not_added_to_a_case(self):
        # a case of another invoice of the customer: the plan's invoice added to it is refused
        move = self._planned()
        plan = move.payment_plan_ids
        with freeze_time("2026-04-21"):
            plan.with_user(self.controller).signature_date = date(2026, 4, 21)
            plan.with_user(self.controller).action_activate()
        self.assertEqual(move.payment_plan_id, plan)
        other = self._invoice(self.customer, 500.0, "2026-01-05", "2026-02-04")
        with freeze_time("2026-04-25"):
            case = self._litigation_case(other, litigation_type="recovery")
            with self.assertRaises(ValidationError):
                case.move_ids = [Command.link(move.id)]
        self.assertEqual(case.move_ids, other)
