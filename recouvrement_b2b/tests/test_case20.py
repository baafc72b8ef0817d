"""Tier-2 cases of stop 20 (case20), issue 17: the one allocation of the open credits
(``recouvrement.dunning._allocate_open_credits``) over every open debt of the customer, with
inputs of the kinds of ``test_try20.TestTry20Faults`` f9, f10 and f11 that no other test
uses. Values by hand in each test."""

from freezegun import freeze_time

from odoo.tests import tagged

from .test_try20 import Try20Common


@tagged("post_install", "-at_install")
class TestCase20Allocation(Try20Common):
    def test_opening_balance_of_a_contact_takes_the_payment_first(self):
        # An opening-balance entry of 200 due 1 Jan 2026 booked on the customer's invoicing
        # contact (a child address: the line's partner, no commercial partner on the entry);
        # an invoice of 500 due 1 Feb; a payment of 300 on 10 Jan matched to nothing. Net
        # balance 200 + 500 - 300 = 400. Oldest debt first (art. 1342-10 Code civil): the
        # payment pays the opening balance's 200, then 100 of the invoice. On 10 Mar
        # (37 days late: the last call) the reminder claims 500 - 100 = 400.00 with 100.00
        # of credit, the page asks 400.00 (was 200.00: the entry took nothing, the whole
        # payment went to the invoice).
        customer = self._customer("Menuiserie Reprise Contact")
        contact = self.env["res.partner"].create(
            {
                "name": "Menuiserie Reprise Contact, Lyon",
                "parent_id": customer.id,
                "type": "invoice",
            }
        )
        self._opening_entry(contact, 200.0, "2026-01-01")
        self._invoice(customer, 500.0, "2026-01-02", "2026-02-01")
        self._unmatched_payment(customer, 300.0, "2026-01-10")
        self.assertEqual(self._claims(customer, "2026-03-10"), [("Last call", 400.0, 100.0, 0.0)])
        self.assertEqual(self._group(customer, "2026-03-10")["payable"], 400.0)

    def test_dispute_case_of_two_invoices_holds_back_its_contested_part(self):
        # A dispute case opened by hand on A 600 (due 1 Feb) and C 400 (due 5 Feb),
        # contesting 250 (no dispute escalated: spread over the invoices by their amounts
        # due, A 150, C 100); B 500 due 20 Feb out of the case; a credit note of 900
        # (10 Jan). Oldest debt first, without the contested parts (art. 1342-10 Code civil):
        # the case takes A's 450 and C's 300 (750, was 900: the contested 250 paid by the
        # credit), B gets the 150 left. On 10 Mar B's firm reminder claims 500 - 150 = 350.00
        # with 150.00 of credit (was 500.00, no credit); the page asks (600 - 150 - 450) +
        # (400 - 100 - 300) + 350 = 350.00; the case deducts 750.00.
        customer = self._customer("Fonderie Contestation")
        move_a = self._invoice(customer, 600.0, "2026-01-02", "2026-02-01")
        move_c = self._invoice(customer, 400.0, "2026-01-06", "2026-02-05")
        self._invoice(customer, 500.0, "2026-01-20", "2026-02-20")
        self._open_credit_note(customer, 900.0, "2026-01-10")
        case = self._litigation_case(
            move_a | move_c, litigation_type="dispute", disputed_amount=250.0
        )
        self.assertEqual(
            self._claims(customer, "2026-03-10"), [("Firm reminder", 350.0, 150.0, 0.0)]
        )
        self.assertEqual(self._group(customer, "2026-03-10")["payable"], 350.0)
        with freeze_time("2026-03-10"):
            case.invalidate_recordset(["open_credit_amount"])
            self.assertEqual(case.open_credit_amount, 750.0)

    def test_dispute_lost_part_until_its_credit_note(self):
        # A 1 000 due 1 Feb, 300 of it disputed (10 Feb), escalated and closed on 1 Mar as
        # "Dispute lost (customer upheld)": the customer does not owe those 300 until the
        # credit note the case's activity asks for is issued. B 500 due 20 Feb; a credit
        # note of 900 (10 Jan). On 10 Mar the credit pays A's 700 and 200 of B: B's firm
        # reminder claims 300.00 with 200.00 of credit (was 500.00, no credit: the credit
        # spent on the lost 300), the page asks 300.00. The credit note of 300 on A is issued
        # on 5 Mar, open: it settles the lost part, which is no longer held back (else it
        # would be deducted twice): the old credit pays A's 900, the new one A's last 100 and
        # 200 of B: still 300.00 claimed with 200.00 of credit, 300.00 asked.
        customer = self._customer("Cartonnerie Litige Perdu")
        move_a = self._invoice(customer, 1000.0, "2026-01-02", "2026-02-01")
        self._invoice(customer, 500.0, "2026-01-20", "2026-02-20")
        self._open_credit_note(customer, 900.0, "2026-01-10")
        with freeze_time("2026-02-10"):
            dispute = self.env["recouvrement.dispute"].create(
                {"move_id": move_a.id, "reason": "quality", "amount": 300.0}
            )
        with freeze_time("2026-03-01"):
            dispute.action_escalate()
            dispute.litigation_id.with_user(self.manager)._close("dispute_lost")
        self.assertEqual(
            self._claims(customer, "2026-03-10"), [("Firm reminder", 300.0, 200.0, 0.0)]
        )
        self.assertEqual(self._group(customer, "2026-03-10")["payable"], 300.0)
        note = self._invoice(customer, 300.0, "2026-03-05", post=False)
        note.write({"move_type": "out_refund", "reversed_entry_id": move_a.id})
        note.action_post()
        self.assertEqual(
            self._claims(customer, "2026-03-10"), [("Firm reminder", 300.0, 200.0, 0.0)]
        )
        self.assertEqual(self._group(customer, "2026-03-10")["payable"], 300.0)
