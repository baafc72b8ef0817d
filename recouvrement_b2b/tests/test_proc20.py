"""Issue 17, collective proceedings (stop 20, proc20): the claim declaration deducts exactly
the shares the one allocation (``recouvrement.dunning._allocate_open_credits``) gives the
claims it declares, so that each credit is deducted once in all. Inputs other than the
tester's (test_try20 f4, f7, f8); values by hand in each test."""

import re
from datetime import date

from freezegun import freeze_time

from odoo.tests import tagged

from ..rules import proceedings as proceedings_rules
from .test_try20 import Try20Common


@tagged("post_install", "-at_install")
class TestProc20(Try20Common):
    def _declared(self, debtor, day):
        """``(principals, total declared, credits deducted)`` of ``debtor``'s declaration."""
        mandataire = self.env["res.partner"].create({"name": f"Me Mandataire {debtor.name}"})
        with freeze_time(day):
            declaration = self._declare_claims(debtor, mandataire, "2026-02-20")
            lines = declaration._get_declaration_lines()
            deducted = declaration._get_deducted_open_credit(lines)
        total = round(sum(line["total"] for line in lines), 2)
        return [line["principal"] for line in lines], total, deducted, declaration

    def test_pre_judgment_claims_first_then_a_credit_born_after_to_the_later_invoice(self):
        # Judgment 15 Feb. D2 300 invoiced 1 Feb due 3 Mar, D1 400 invoiced 5 Feb due 30 Apr
        # (both born before: declared, neither due at the judgment: no penalty, no
        # indemnity); E 500 invoiced 16 Feb due 1 Mar (after). Credit notes 600 of 1 Feb
        # (before) and 200 of 20 Feb (after). On 20 Apr: the 600 goes to the pre-judgment
        # claims first, whatever the due dates (D2 300, D1 300), nothing of it to E; the 200
        # pays E only. Declared 700 - 600 = 100; E asked 500 - 200 = 300.00 (200.00 of
        # credits). 100 + 300 = 400 = 700 + 500 - 800: each credit once.
        debtor = self._customer("Filature Deux Declarees")
        self._invoice(debtor, 300.0, "2026-02-01", "2026-03-03")
        self._invoice(debtor, 400.0, "2026-02-05", "2026-04-30")
        self._invoice(debtor, 500.0, "2026-02-16", "2026-03-01")
        self._open_credit_note(debtor, 600.0, "2026-02-01")
        self._open_credit_note(debtor, 200.0, "2026-02-20")
        self._in_redressement(debtor, "2026-02-15")
        principals, total, deducted, declaration = self._declared(debtor, "2026-04-20")
        self.assertEqual((principals, total, deducted), ([300.0, 400.0], 700.0, 600.0))
        self.assertEqual(declaration.total_amount, 100.0)
        group = self._group(debtor, "2026-04-20")
        self.assertEqual((group["payable"], group["open_credit"]), (300.0, 200.0))

    def test_invoice_and_credit_of_the_judgment_day_are_both_after_it(self):
        # Judgment 15 Feb. D 900 invoiced 11 Jan due 10 Feb (before: declared); E 600
        # invoiced 15 Feb, the judgment day, due 1 Mar: born after it (R621-4, shown on the
        # page); credit notes 100 of 14 Feb (before: D's) and 300 of 15 Feb (the judgment
        # day: after, E's only). On 20 Apr: the declaration deducts 100, E is asked 600 - 300
        # = 300.00 with 300.00 of credits: 100 + 300 = 400 deducted once. Found: the
        # allocation counted the credit of the 15th before the judgment (D took it, E asked
        # 600.00), the declaration after it (not deducted): 300 deducted nowhere.
        self.assertEqual(
            [
                proceedings_rules.is_born_before_judgment(day, date(2026, 2, 15))
                for day in (date(2026, 2, 14), date(2026, 2, 15), date(2026, 2, 16), None)
            ],
            [True, False, False, False],
        )
        debtor = self._customer("Filature Meme Jour")
        self._invoice(debtor, 900.0, "2026-01-11", "2026-02-10")
        self._invoice(debtor, 600.0, "2026-02-15", "2026-03-01")
        self._open_credit_note(debtor, 100.0, "2026-02-14")
        self._open_credit_note(debtor, 300.0, "2026-02-15")
        self._in_redressement(debtor, "2026-02-15")
        principals, _total, deducted, _declaration = self._declared(debtor, "2026-04-20")
        self.assertEqual((principals, deducted), ([900.0], 100.0))
        group = self._group(debtor, "2026-04-20")
        self.assertEqual((group["payable"], group["open_credit"]), (300.0, 300.0))

    def test_credit_covers_the_principal_and_part_of_the_penalty_invoice(self):
        # As test_try20 f8 with a credit note of 920 (5 Feb, before the judgment of 15 Feb):
        # D 900 due 10 Jan, its penalty invoice P of 10 Feb 49.29 (9.29 + 40.00), E 600 born
        # after. The one allocation: D 900, P 20, E 0. Declared 900 + 10.49 (9.29 + 1.20
        # accrued to the judgment) + 40.00 = 950.49, less 920 = 30.49: principal 0.00,
        # penalties 10.49 - 10.49 = 0.00 (the 20 beyond the principal comes off the
        # penalties, then the indemnity), indemnity 40 - 9.51 = 30.49. E asked 600.00.
        # 30.49 + 600 = 630.49 = 900 + 49.29 + 1.20 + 600 - 920.
        debtor = self._customer("Filature Penalite Partielle")
        move_d = self._invoice(debtor, 900.0, "2026-01-02", "2026-01-10")
        penalty = self._penalty_invoice(move_d, "2026-02-10")
        self.assertEqual(penalty.amount_total, 49.29)
        self._invoice(debtor, 600.0, "2026-02-20", "2026-03-01")
        self._open_credit_note(debtor, 920.0, "2026-02-05")
        self._in_redressement(debtor, "2026-02-15")
        _principals, total, deducted, declaration = self._declared(debtor, "2026-04-20")
        self.assertEqual((total, deducted), (950.49, 920.0))
        self.assertEqual(
            (
                declaration.principal_amount,
                declaration.penalty_amount,
                declaration.indemnity_amount,
                declaration.open_credit_amount,
                declaration.total_amount,
            ),
            (0.0, 0.0, 30.49, 920.0, 30.49),
        )
        # the printed declaration's credits row takes 900.00 of the principal, 10.49 of the
        # penalties and 9.51 of the indemnity: each column adds up to its total (920.00)
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("recouvrement_b2b.report_claim_declaration", declaration.ids)[0]
            .decode()
        )
        row = html.split('name="open_credits"', 1)[1].split("</tr>", 1)[0]
        text = " ".join(re.sub(r"<[^>]+>", " ", row).split())
        amounts = re.findall(r"-\s*([\d,]+\.\d\d)", text)
        self.assertEqual(amounts, ["900.00", "10.49", "9.51", "920.00"], text)
        group = self._group(debtor, "2026-04-20")
        self.assertEqual((group["payable"], group["open_credit"]), (600.0, 0.0))
