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


@tagged("post_install", "-at_install")
class TestInvoiceRemovedFromAServedCase(DunningRunCommon):
    """Injonction de payer (LEGAL.md): the service of the order interrupts prescription for
    the claims it covers (art. 2241, 2231 Code civil). A 1 000 and B 600, both due
    2022-06-10 (last day to act 2027-06-10, L110-4); request filed 2025-12-20, order
    2026-01-05, served 2026-07-01: both 2031-07-01."""

    def test_removed_invoice_gets_its_own_prescription_back(self):
        move_a = self._invoice(self.customer, 1000.0, "2022-05-10", "2022-06-10")
        move_b = self._invoice(self.customer, 600.0, "2022-05-10", "2022-06-10")
        with freeze_time("2025-12-20"):
            case = self._litigation_case(
                move_a | move_b, litigation_type="recovery", proof_checked=True
            )
            case.action_file()
        with freeze_time("2026-01-05"):
            case.order_date = "2026-01-05"
        with freeze_time("2026-07-01"):
            case.service_date = "2026-07-01"
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
        with freeze_time("2023-12-01"):
            first = self._litigation_case(move_b, litigation_type="recovery", proof_checked=True)
            first.action_file()
        with freeze_time("2024-01-05"):
            first.order_date = "2024-01-05"
        with freeze_time("2024-03-01"):
            first.service_date = "2024-03-01"
            first._close("recovered")
        self.assertEqual(move_b.prescription_date, date(2029, 3, 1))
        with freeze_time("2025-12-20"):
            case = self._litigation_case(
                move_a | move_b, litigation_type="recovery", proof_checked=True
            )
            case.action_file()
        with freeze_time("2026-01-05"):
            case.order_date = "2026-01-05"
        with freeze_time("2026-07-01"):
            case.service_date = "2026-07-01"
        self.assertEqual(move_b.prescription_date, date(2031, 7, 1))
        with freeze_time("2026-07-25"):
            case.write({"move_ids": [Command.unlink(move_b.id)]})
        self.assertEqual(move_b.prescription_interruption_date, date(2024, 3, 1))
        self.assertEqual(move_b.prescription_date, date(2029, 3, 1))
