"""Issue 17, left open by stop 29 (NOTE12): what the user sees of an invoice a litigation
case claims in part, and an invoice removed from a case whose injonction de payer was served.

The tester's invoice: 1 200 dated 1 January 2026 in 480 / 360 / 360 due 21 January,
15 February, 17 March; the transfer to litigation of 27 March claims the first two
(480 + 360 = 840, ``recouvrement.litigation.line_ids``), the third (360) goes on through the
reminders."""

from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common import DunningRunCommon
from .test_prerequisites_per_line import PrerequisitesCommon

CLAIMED = "01/21/2026 (480.00\xa0€), 02/15/2026 (360.00\xa0€)"
UNCLAIMED = "03/17/2026 (360.00\xa0€)"


@tagged("post_install", "-at_install")
class TestInvoicePartlyInLitigation(PrerequisitesCommon):
    """The case claiming the first two instalments, as the transfer opens it (its
    ``line_ids``); Z, 500 due 24 March, in a case opened by hand (claimed whole)."""

    def _part_case(self):
        """``(move, lines, case)``: the tester's invoice and its case of 28 March claiming
        the first two instalments."""
        move, lines = self._three_instalments()
        with freeze_time("2026-03-28"):
            case = self._litigation_case(
                move, litigation_type="recovery", line_ids=[Command.set(lines[:2].ids)]
            )
        return move, lines, case

    def test_invoice_says_whole_or_part_and_the_claimed_amount(self):
        # 28 Mar: the invoice is in litigation for 840 (480 + 360), its third instalment
        # (360) still reminded: "part" (old: only ``litigation_id``, the same as an invoice
        # claimed whole); Z, in a case opened by hand, is claimed whole: 500
        move, _lines, case = self._part_case()
        move_z = self._invoice(self.customer, 500.0, "2026-02-22", "2026-03-24")
        other = self.env["res.partner"].create({"name": "Autre SAS", "is_company": True})
        move_y = self._invoice(other, 700.0, "2026-02-22", "2026-03-24")
        with freeze_time("2026-03-28"):
            self._litigation_case(move_y)
            self.assertEqual(move.litigation_id, case)
            self.assertRecordValues(
                move | move_y,
                [
                    {
                        "litigation_scope": "part",
                        "litigation_claimed_amount": 840.0,
                        "litigation_due_dates": CLAIMED,
                    },
                    {
                        "litigation_scope": "whole",
                        "litigation_claimed_amount": 700.0,
                        "litigation_due_dates": "03/24/2026",
                    },
                ],
            )
            self.assertFalse(move_z.litigation_scope)
            # the filters "In litigation" (whole) and "Partly in litigation" of the invoices
            Move = self.env["account.move"].with_user(self.controller)
            ours = [("id", "in", (move | move_z | move_y).ids)]
            self.assertEqual(Move.search([*ours, ("litigation_scope", "=", "part")]), move)
            self.assertEqual(Move.search([*ours, ("litigation_scope", "=", "whole")]), move_y)
            arch = Move.get_views([(False, "search")])["views"]["search"]["arch"]
            self.assertIn('name="filter_litigation_whole"', arch)
            self.assertIn('name="filter_litigation_part"', arch)
            # the case closed: out of litigation
            case._close("recovered")
            self.assertFalse(move.litigation_scope)

    def test_transferred_invoice_shows_the_level_and_date_of_its_unclaimed_part(self):
        # the ladder to the transfer of 27 Mar (840); the third (360 due 17 Mar) had its last
        # call alone on 18 Mar: the invoice shows "part", and the level and next reminder
        # date of the third: last call, formal notice on 1 May (17 Mar + 45)
        move, lines = self._three_instalments()
        self._runs([*self.LADDER_DAYS, "2026-03-18"])
        case = self._post(self._run("2026-03-27"), "2026-03-27").litigation_id
        self.assertEqual(case.line_ids, lines[:2])
        with freeze_time("2026-03-28"):
            move.invalidate_recordset()
            self.assertRecordValues(
                move,
                [
                    {
                        "litigation_scope": "part",
                        "litigation_claimed_amount": 840.0,
                        "dunning_next_date": date(2026, 5, 1),
                    }
                ],
            )
            # the level shown is the third's (old: the invoice's "Transfer to litigation",
            # which the claimed instalments reached)
            self.assertEqual(lines[2].dunning_level_id.name, "Last call")
            self.assertEqual(move.dunning_shown_level_id, lines[2].dunning_level_id)

    def test_aged_balance_level_of_each_instalment(self):
        # after the transfer of 27 Mar (840), the aged balance's row of the third (360 due
        # 17 Mar) shows its own level, the last call of 18 Mar (old: the invoice's "Transfer
        # to litigation", which only the first two reached); the first two show the transfer
        move, lines = self._three_instalments()
        self._runs([*self.LADDER_DAYS, "2026-03-18"])
        self._post(self._run("2026-03-27"), "2026-03-27")
        with freeze_time("2026-03-28"):
            self.env.flush_all()
            rows = (
                self.env["recouvrement.aged.balance"]
                .with_user(self.controller)
                .search([("move_id", "=", move.id)])
            )
            levels = {row.date_maturity: row.dunning_level_id.name for row in rows}
        self.assertEqual(
            levels,
            {
                date(2026, 1, 21): "Transfer to litigation",
                date(2026, 2, 15): "Transfer to litigation",
                date(2026, 3, 17): "Last call",
            },
        )

    def test_invoice_removed_from_a_case_leaves_its_instalments_claimed(self):
        # the invoice removed from the case of 28 Mar (claiming 480 + 360), then put by hand
        # in a new case on 29 Mar: the new case claims it whole, 1 200 (old: "part", 840,
        # the first case still listing its two instalments among its claims)
        move, lines, case = self._part_case()
        with freeze_time("2026-03-28"):
            case.write({"move_ids": [Command.unlink(move.id)]})
            self.assertFalse(case.line_ids & lines)
            self.assertFalse(move.litigation_scope)
        with freeze_time("2026-03-29"):
            other = self._litigation_case(move)
            self.assertRecordValues(
                move,
                [
                    {
                        "litigation_id": other.id,
                        "litigation_scope": "whole",
                        "litigation_claimed_amount": 1200.0,
                    }
                ],
            )
            self.assertEqual(other._get_claimed_amounts(), {move.id: 1200.0})

    def test_collection_page_lists_the_claimed_instalments_apart(self):
        # the customer's collection page on 28 Mar: the third instalment (360 due 17 Mar)
        # is an ordinary open instalment, the first two are listed as claimed in litigation
        # (old: the three due dates together, "01/21 (480), 02/15 (360), 03/17 (360)")
        move, _lines, _case = self._part_case()
        with freeze_time("2026-03-28"):
            values = self.env["recouvrement.customer"]._get_portal_values(
                self.customer, date(2026, 3, 28)
            )
            [line] = values["lines"]
            self.assertEqual(
                (line["move"], line["due_dates"], line["litigation_due_dates"]),
                (move, UNCLAIMED, CLAIMED),
            )

    def test_claim_declaration_lists_the_claimed_instalments_apart(self):
        # Redressement judiciaire opened 30 Mar: the declaration lists the invoice's third
        # instalment as an open instalment and the first two as claimed in litigation (old:
        # the three due dates together)
        move, _lines, _case = self._part_case()
        self.customer.write(
            {"collective_proceedings": "redressement", "proceedings_date": date(2026, 3, 30)}
        )
        mandataire = self.env["res.partner"].create({"name": "SELARL Mandat", "is_company": True})
        with freeze_time("2026-04-02"):
            declaration = self.env["recouvrement.claim.declaration"].create(
                {
                    "partner_id": self.customer.id,
                    "mandataire_id": mandataire.id,
                    "publication_date": date(2026, 4, 1),
                }
            )
            [line] = declaration._get_declaration_lines()
            self.assertEqual(
                (line["move"], line["due_dates"], line["litigation_due_dates"]),
                (move, UNCLAIMED, CLAIMED),
            )
            html = (
                self.env["ir.actions.report"]
                ._render_qweb_html("recouvrement_b2b.report_claim_declaration", declaration.ids)[0]
                .decode()
            )
            self.assertIn("o_claim_litigation_due_dates", html)


@tagged("post_install", "-at_install")
class TestInvoiceRemovedFromAServedCase(DunningRunCommon):
    """Injonction de payer (LEGAL.md): the service of the order interrupts prescription for
    the claims it covers (art. 2241, 2231 Code civil). A 1 000 and B 600, both due
    2022-06-10 (last day to act 2027-06-10, L110-4); request filed 2025-12-20, order
    2026-01-05, served 2026-07-01: both 2031-07-01."""

    def _served_case(self, moves, filed, order, served):
        """A recovery case of ``moves`` whose injonction de payer was filed on ``filed``, the
        order issued on ``order`` and served on ``served`` (ISO dates), each on its day."""
        with freeze_time(filed):
            case = self._litigation_case(moves, litigation_type="recovery", proof_checked=True)
            case.action_file()
        with freeze_time(order):
            case.order_date = order
        with freeze_time(served):
            case.service_date = served
        return case

    def test_removed_invoice_gets_its_own_prescription_back(self):
        move_a = self._invoice(self.customer, 1000.0, "2022-05-10", "2022-06-10")
        move_b = self._invoice(self.customer, 600.0, "2022-05-10", "2022-06-10")
        case = self._served_case(move_a | move_b, "2025-12-20", "2026-01-05", "2026-07-01")
        self.assertEqual((move_a | move_b).mapped("prescription_date"), [date(2031, 7, 1)] * 2)
        with freeze_time("2026-07-25"):
            case.write({"move_ids": [Command.unlink(move_b.id)]})
        # B, no longer in the case, is prescribed from its own due date: 2027-06-10 (old:
        # 2031-07-01, the service of an order that no longer covers it); A keeps 2031-07-01
        self.assertRecordValues(
            move_a | move_b,
            [
                {"prescription_interruption_date": date(2026, 7, 1)},
                {"prescription_interruption_date": False},
            ],
        )
        self.assertEqual(move_a.prescription_date, date(2031, 7, 1))
        self.assertEqual(move_b.prescription_date, date(2027, 6, 10))
        # traced in B's chatter; the case keeps its service date (evidence)
        note = move_b.message_ids[:1]
        self.assertIn(case.name, note.body)
        self.assertIn("06/10/2027", note.body)
        self.assertEqual(case.service_date, date(2026, 7, 1))

    def test_removed_invoice_keeps_another_cases_service(self):
        # B was also in an earlier case whose order was served 2024-03-01 (closed since):
        # removed from this one, B keeps that interruption: 2029-03-01, not its due date's
        move_a = self._invoice(self.customer, 1000.0, "2022-05-10", "2022-06-10")
        move_b = self._invoice(self.customer, 600.0, "2022-05-10", "2022-06-10")
        first = self._served_case(move_b, "2023-12-01", "2024-01-05", "2024-03-01")
        with freeze_time("2024-03-01"):
            first._close("recovered")
        self.assertEqual(move_b.prescription_date, date(2029, 3, 1))
        case = self._served_case(move_a | move_b, "2025-12-20", "2026-01-05", "2026-07-01")
        self.assertEqual(move_b.prescription_date, date(2031, 7, 1))
        with freeze_time("2026-07-25"):
            case.write({"move_ids": [Command.unlink(move_b.id)]})
        self.assertEqual(move_b.prescription_interruption_date, date(2024, 3, 1))
        self.assertEqual(move_b.prescription_date, date(2029, 3, 1))

    def test_deleted_served_case_gives_its_invoices_their_prescription_back(self):
        # a case recorded by hand with its order of 2026-01-05 served 2026-07-01 (no filing
        # recorded, so it may be deleted): A 2031-07-01; the case deleted (recorded in error)
        # on 2026-07-25: A back to 2027-06-10 (old: 2031-07-01 from a service no case holds)
        move_a = self._invoice(self.customer, 1000.0, "2022-05-10", "2022-06-10")
        with freeze_time("2026-07-01"):
            case = self._litigation_case(move_a, order_date="2026-01-05", service_date="2026-07-01")
        self.assertEqual(move_a.prescription_date, date(2031, 7, 1))
        with freeze_time("2026-07-25"):
            case.unlink()
        self.assertFalse(move_a.prescription_interruption_date)
        self.assertEqual(move_a.prescription_date, date(2027, 6, 10))


@tagged("post_install", "-at_install")
class TestServiceOfAnOrderClaimingPartOfAnInvoice(PrerequisitesCommon):
    """The service of an injonction de payer interrupts the prescription of the instalments
    the order claims, not of the invoice's others (art. 2241 Code civil; issue 17 #10 x #1)."""

    def test_unclaimed_instalment_keeps_its_own_last_day_to_act(self):
        # the case of 28 Mar claims the first two instalments (480 due 21 Jan, 360 due 15 Feb
        # 2026); its order, filed 1 Apr, issued 15 Apr, served 1 Jul 2026: their last day to
        # act restarts, 2031-07-01; the third (360 due 17 Mar 2026), which the order does not
        # claim, keeps its own, 2031-03-17 (17 Mar 2026 + 5 years, L110-4 Code de commerce):
        # the invoice's last day to act is the earlier, 2031-03-17 (old: 2031-07-01)
        move, lines = self._three_instalments()
        with freeze_time("2026-03-28"):
            case = self._litigation_case(
                move,
                litigation_type="recovery",
                proof_checked=True,
                line_ids=[Command.set(lines[:2].ids)],
            )
        with freeze_time("2026-04-01"):
            case.action_file()
        with freeze_time("2026-04-15"):
            case.order_date = "2026-04-15"
        with freeze_time("2026-07-01"):
            case.service_date = "2026-07-01"
        self.assertEqual(move.prescription_interruption_date, date(2026, 7, 1))
        self.assertEqual(move.prescription_date, date(2031, 3, 17))
        # an invoice the order claims whole restarts whole: Y, 700 due 10 Mar 2026, in a case
        # opened by hand, served the same day: 2031-07-01
        whole = self._invoice(self.customer, 700.0, "2026-02-08", "2026-03-10")
        with freeze_time("2026-03-28"):
            other = self._litigation_case(whole, litigation_type="recovery", proof_checked=True)
        with freeze_time("2026-04-01"):
            other.action_file()
        with freeze_time("2026-04-15"):
            other.order_date = "2026-04-15"
        with freeze_time("2026-07-01"):
            other.service_date = "2026-07-01"
        self.assertEqual(whole.prescription_date, date(2031, 7, 1))
