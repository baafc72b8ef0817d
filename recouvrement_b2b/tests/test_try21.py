"""Fresh tester of stop 21 (try21), issue 17: the one allocation of open credits
(``recouvrement.dunning._allocate_open_credits``) tried with inputs no other test uses.
Faults (failing on the candidate) in ``TestTry21Faults``, checks that pass (regression guards)
in ``TestTry21Checks``. Values by hand in each test."""

from freezegun import freeze_time

from odoo.tests import tagged

from .test_try20 import Try20Common


@tagged("post_install", "-at_install")
class TestTry21Faults(Try20Common):
    def test_f1_case_on_pre_judgment_invoice_takes_a_credit_born_after(self):
        # D 900 invoiced 2 Jan due 10 Jan, a recovery case opened on it on 1 Feb; the
        # customer's redressement judgment of 15 Feb; E 600 invoiced 20 Feb due 1 Mar (after
        # the judgment); a credit note of 1 000 dated 1 Mar (born AFTER the judgment). On
        # 20 Apr. Rule (README "a credit born after it pays the later invoices only (L622-7
        # Code de commerce)"; _allocate_credits_to_debts skips pre-judgment debts for such a
        # credit): the credit pays E whole (600), 400 left; D takes nothing of it (the
        # declaration deducts 0 from D, own_moves). Found: the case step
        # (_allocate_credits_to_cases) ignores the judgment: the case on D takes 900 of the
        # credit born after, E gets only 100: E's reminder and the page ask 500.00 while the
        # declaration declares D's 900 with 0 deducted: 900 + 500 = 1 400 claimed for
        # 1 500 - 1 000 = 500 of balance (the credit deducted from D by the case, not by the
        # declaration, and from E by nobody). Right: case 0.00, E asked 0.00, declaration
        # deducts 0.00 (900 declared, 400 of credit left unused).
        debtor = self._customer("Textiles Dossier Avant Jugement")
        move_d = self._invoice(debtor, 900.0, "2026-01-02", "2026-01-10")
        with freeze_time("2026-02-01"):
            case = self._litigation_case(move_d, litigation_type="recovery")
        self._in_redressement(debtor, "2026-02-15")
        self._invoice(debtor, 600.0, "2026-02-20", "2026-03-01")
        self._open_credit_note(debtor, 1000.0, "2026-03-01")
        mandataire = self.env["res.partner"].create({"name": "Me Mandataire Try21"})
        with freeze_time("2026-04-20"):
            declaration = self._declare_claims(debtor, mandataire, "2026-02-20")
            lines = declaration._get_declaration_lines()
            declared = declaration._get_deducted_open_credit(lines)
            case.invalidate_recordset(["open_credit_amount"])
            case_credit = case.open_credit_amount
        self.assertEqual([line["principal"] for line in lines], [900.0])
        claims = [amount for _level, amount, _credit, _disp in self._claims(debtor, "2026-04-20")]
        group = self._group(debtor, "2026-04-20")
        self.assertEqual((declared, case_credit, claims, group["payable"]), (0.0, 0.0, [], 0.0))


@tagged("post_install", "-at_install")
class TestTry21Checks(Try20Common):
    """What was tried and found right: kept as regression guards."""

    def test_c1_case_on_pre_judgment_invoice_credit_born_before(self):
        # As test_f1 with the credit note of 1 000 dated 5 Feb (before the judgment of
        # 15 Feb): D 900 (in a case) takes 900, E 600 (born after) 100. On 20 Apr the
        # declaration deducts 900 from D, the case 900 (the same share, D), E is asked 500.00
        # with 100.00 of credits: 900 + 100 = 1 000 deducted once.
        debtor = self._customer("Textiles Dossier Avoir Avant")
        move_d = self._invoice(debtor, 900.0, "2026-01-02", "2026-01-10")
        with freeze_time("2026-02-01"):
            case = self._litigation_case(move_d, litigation_type="recovery")
        self._in_redressement(debtor, "2026-02-15")
        self._invoice(debtor, 600.0, "2026-02-20", "2026-03-01")
        self._open_credit_note(debtor, 1000.0, "2026-02-05")
        mandataire = self.env["res.partner"].create({"name": "Me Mandataire Try21 Bis"})
        with freeze_time("2026-04-20"):
            declaration = self._declare_claims(debtor, mandataire, "2026-02-20")
            lines = declaration._get_declaration_lines()
            declared = declaration._get_deducted_open_credit(lines)
            case.invalidate_recordset(["open_credit_amount"])
            case_credit = case.open_credit_amount
        group = self._group(debtor, "2026-04-20")
        claims = [(amount, credit) for _l, amount, credit, _d in self._claims(debtor, "2026-04-20")]
        self.assertEqual(
            (declared, case_credit, claims, group["payable"]),
            (900.0, 900.0, [(500.0, 100.0)], 500.0),
        )
