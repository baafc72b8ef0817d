"""Issue 17, collective proceedings (stop 20, proc20): the claim declaration deducts exactly
the shares the one allocation (``recouvrement.dunning._allocate_open_credits``) gives the
claims it declares, so that each credit is deducted once in all. Inputs other than the
tester's (test_try20 f4, f7, f8); values by hand in each test."""

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
