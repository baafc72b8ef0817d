"""Fresh tester of stop 22 (try22), issue 17: the open penalty invoice of an invoice a
litigation case claims, claimed by the case's file (commit ebd9546,
``recouvrement.litigation._get_penalty_invoice_fractions``), tried with inputs no other test
uses. Faults (failing on the candidate) in ``TestTry22Faults``, checks that pass (regression
guards) in ``TestTry22Checks``. Values by hand in each test.

Common inputs: D 900 invoiced 2 Jan 2026 due 10 Jan; E 700 invoiced 5 Jan due 20 Jan; a
penalty invoice of 10 Feb: D 31 days x 900 x 12.15 % / 365 = 9.29 + 40.00 (49.29), E 21 days
x 700 x 12.15 % / 365 = 4.89 + 40.00 (44.89); a recovery case opened 20 Feb, penalties
suspended; documents read on 20 Apr."""

from datetime import date

from freezegun import freeze_time

from odoo import Command, fields
from odoo.tests import Form, tagged

from .test_try20 import Try20Common


class Try22Common(Try20Common):
    def _file(self, case, day):
        """``(file total, open credits deducted, credit columns, lines)`` of ``case`` on
        ``day``."""
        with freeze_time(day):
            case.invalidate_recordset()
            lines = case._get_dossier_lines()
            filed = round(sum(line["total"] for line in lines), 2)
            return filed, case.open_credit_amount, case._get_dossier_credit_columns(lines), lines

    def _d_with_penalty(self, name, credit=None):
        """``(customer, D, P, case)``: D 900 due 10 Jan, its penalty invoice P of 10 Feb
        (49.29), an open credit note of ``credit`` (5 Jan) when given, the case on D (20 Feb,
        penalties suspended)."""
        customer = self._customer(name)
        move_d = self._invoice(customer, 900.0, "2026-01-02", "2026-01-10")
        penalty = self._penalty_invoice(move_d, "2026-02-10")
        if credit:
            self._open_credit_note(customer, credit, "2026-01-05")
        with freeze_time("2026-02-20"):
            case = self._litigation_case(move_d, litigation_type="recovery", suspend_penalties=True)
        return customer, move_d, penalty, case

    def _d_and_e_with_one_penalty(self, name):
        """``(customer, D, E, P)``: D 900 due 10 Jan, E 700 due 20 Jan, ONE penalty invoice P
        of 10 Feb charging both (94.18: 9.29 + 40.00 for D, 4.89 + 40.00 for E)."""
        customer = self._customer(name)
        move_d = self._invoice(customer, 900.0, "2026-01-02", "2026-01-10")
        move_e = self._invoice(customer, 700.0, "2026-01-05", "2026-01-20")
        with freeze_time("2026-02-10"):
            penalty = (
                (move_d | move_e)
                .with_user(self.controller)
                ._create_penalty_invoices(fields.Date.to_date("2026-02-10"))
            )
            penalty.action_post()
        self.assertEqual(penalty.amount_total, 94.18)
        return customer, move_d, move_e, penalty


@tagged("post_install", "-at_install")
class TestTry22Faults(Try22Common):
    def test_f1_case_says_nothing_to_claim_while_its_file_asks_the_penalty_invoice(self):
        # D 900 in a case, its penalty invoice P 49.29 (claimed by the file, README "The open
        # penalty invoices charging a case's claimed instalments are claimed by the case's
        # file with them ... that part of them is one of the case's claims"), a credit note of
        # 910. On 20 Apr the file claims 949.29, deducts 910.00 (D 900, P 10) and asks
        # 39.29 (P's 9.29 + 40.00 less 10.00); the page asks 39.29 too. Found: the case's
        # claim check says "Nothing to claim: the customer's open credits (910.00) cover the
        # amount due (900.00)" (claim_liquid False: filing is blocked) while its own file
        # asks 39.29. Right: no "Nothing to claim" (claim_liquid True, no dispute): the credits
        # do not cover what the file claims (949.29). Code:
        # recouvrement.litigation._compute_claim_check compares open_credit_amount with
        # amount_residual (the instalments only), not with the file's total.
        customer, _d, _p, case = self._d_with_penalty("Forge Rien A Reclamer", credit=910.0)
        filed, deducted, _cols, _lines = self._file(case, "2026-04-20")
        self.assertEqual((filed, deducted), (949.29, 910.0))
        self.assertEqual(self._group(customer, "2026-04-20")["payable"], 39.29)
        with freeze_time("2026-04-20"):
            case.invalidate_recordset()
            case._compute_claim_check()
            issues, liquid = case.claim_issues or "", case.claim_liquid
        self.assertNotIn("Nothing to claim", issues)
        self.assertTrue(liquid)

    def test_f2_handover_list_takes_the_credits_from_the_principal_column(self):
        # As test_f1 (credit 910). The printed file (fixed today, _get_dossier_credit_columns)
        # takes the credits per column: 900.00 of the principal, 9.29 of the penalties, 0.71
        # of the indemnity (file asks 0.00 + 0.00 + 39.29). Found: the agency hand-over's
        # invoice list (CSV, in the same zip as the printed file) puts the whole -910.00 under
        # "Amount due" (900.00: -10.00 net of principal) and nothing under "Penalties" and
        # "Indemnity": the two documents handed to the agency disagree column by column.
        # Right: the credits row -900.00 / -9.29 / -0.71, as the printed file (commit
        # ebd9546: "the credits paying those were taken from the principal column alone").
        # Code: recouvrement.litigation._get_handover_invoice_rows (credits row).
        _customer, _d, _p, case = self._d_with_penalty("Forge Liste Agence", credit=910.0)
        _filed, _deducted, columns, _lines = self._file(case, "2026-04-20")
        self.assertEqual(columns, (900.0, 9.29, 0.71))
        with freeze_time("2026-04-20"):
            case.invalidate_recordset()
            rows = case._get_handover_invoice_rows()
        self.assertEqual(rows[-1][0], "Open credits deducted")
        self.assertEqual(rows[-1][5:8], ["-900.00", "-9.29", "-0.71"])

    def test_f3_penalty_invoice_in_a_signed_plan_claimed_by_the_plan_and_the_file(self):
        # D 900 in a case (20 Feb), its penalty invoice P 49.29; on 1 Mar the customer signs a
        # payment plan on P alone (the wizard accepts it: P is in no case): 24.65 due 31 Mar
        # and 24.64 due 30 Apr. Owed on 20 Apr: 900 + 49.29 = 949.29. Found: the case's file
        # claims 949.29 (D + P's open 49.29) AND the plan schedules P's 49.29: 998.58 claimed
        # for 949.29 (the page asks 900 + 24.65 = 924.65, the plan's instalment). Right (README
        # "no debt is claimed by two documents"; the plan "gave new terms"): 949.29 in all,
        # P claimed by one of them. Code: recouvrement.litigation._get_penalty_invoice_fractions
        # (and _get_penalty_document_figures) leave out a P in a case or a sent declaration,
        # not a P in a signed payment plan.
        _customer, _d, penalty, case = self._d_with_penalty("Forge Plan Penalite")
        with freeze_time("2026-03-01"):
            with Form(self._plan_wizard(penalty)) as form:
                form.instalment_count = 2
                form.first_date = date(2026, 3, 31)
            action = form.record.action_create_plan()
            plan = self.env["recouvrement.payment.plan"].browse(action["res_id"])
        self._sign(plan, "2026-03-01")
        self.assertEqual((plan.state, plan.amount_total), ("active", 49.29))
        filed, _deducted, _cols, _lines = self._file(case, "2026-04-20")
        self.assertEqual(round(filed + plan.amount_total, 2), 949.29)

    def test_f4_case_part_of_a_penalty_invoice_called_disputed_in_its_reminder(self):
        # ONE penalty invoice P of 94.18 charging D (in a case) and E (not): the case's file
        # claims D 900 + P's D part 49.29 = 949.29; P's reminder claims the rest: the run of
        # 20 Apr sends a last call of E 700 + P's E part 44.89 = 744.89 (right). Found: that
        # reminder carries amount_disputed 49.29, printed on the letter as "disputed" and in
        # the email as "Amounts you contest (49.29) are not claimed while we examine them",
        # while the customer contests nothing (no dispute): the part is left out because the
        # case claims it (recouvrement.promise._dunning_adjust_plan adds
        # _get_case_claimed_penalty_amounts to the disputed ``excluded`` amounts). Right:
        # amount_disputed 0.00 (README: the case's part "leaves their own reminders", it is
        # no dispute).
        customer, move_d, _e, _p = self._d_and_e_with_one_penalty("Forge Faux Litige")
        with freeze_time("2026-02-20"):
            case = self._litigation_case(move_d, litigation_type="recovery", suspend_penalties=True)
        filed, _deducted, _cols, _lines = self._file(case, "2026-04-20")
        claims = self._claims(customer, "2026-04-20")
        self.assertEqual((filed, [amount for _l, amount, _c, _d in claims]), (949.29, [744.89]))
        self.assertEqual([disputed for _l, _a, _c, disputed in claims], [0.0])

    def test_f5_a_cent_lost_between_the_file_and_the_penalty_invoice_reminder(self):
        # As test_f4, P (94.18) partly reduced by a credit note of 33.33 matched with it
        # (15 Feb): P open 60.85. The file claims P's D part line by line:
        # 9.29 x 60.85 / 94.18 = 6.0024 -> 6.00 and 40 x 60.85 / 94.18 = 25.844 -> 25.84:
        # 900 + 31.84 = 931.84. P's reminder leaves out 60.85 x 49.29 / 94.18 = 31.847 ->
        # 31.85 and claims E 700 + 29.00 = 729.00. Found: 931.84 + 729.00 = 1 660.84 claimed,
        # the customer owes 1 600 + 60.85 = 1 660.85 (the page asks 1 660.85): a cent claimed
        # by nobody. Right (README: every document deducts "exactly the shares"; the sum of the
        # documents is what is owed): 1 660.85 in all. Code: the two roundings,
        # recouvrement.penalty._get_penalty_document_figures (per penalty line) vs
        # recouvrement.litigation._get_case_claimed_penalty_amounts (whole P x fraction).
        customer, move_d, _e, penalty = self._d_and_e_with_one_penalty("Forge Centime Perdu")
        self._credit_note(penalty, 33.33, "2026-02-15")
        self.assertEqual(penalty.amount_residual, 60.85)
        with freeze_time("2026-02-20"):
            case = self._litigation_case(move_d, litigation_type="recovery", suspend_penalties=True)
        filed, _deducted, _cols, _lines = self._file(case, "2026-04-20")
        reminded = [amount for _l, amount, _c, _d in self._claims(customer, "2026-04-20")]
        self.assertEqual(self._group(customer, "2026-04-20")["payable"], 1660.85)
        self.assertEqual(round(filed + sum(reminded), 2), 1660.85)


@tagged("post_install", "-at_install")
class TestTry22Checks(Try22Common):
    """What was tried and found right: kept as regression guards."""

    def test_c1_dollar_case_and_its_dollar_penalty_invoice(self):
        # 1 EUR = 1.25 USD. D 1 125 USD (900 EUR) due 10 Jan in a case; its penalty invoice in
        # USD: 1 125 x 12.15 % x 31 / 365 = 11.61 + 40 EUR (50 USD) = 61.61 USD (49.29 EUR); a
        # dollar credit note of 1 200 USD (960 EUR). Owed: 1 186.61 - 1 200 < 0: nothing. The
        # file claims 900 + 9.29 + 40 = 949.29 EUR and deducts 949.29 (columns 900 / 9.29 /
        # 40); no reminder; the page asks 0.00.
        usd = self.setup_other_currency("USD", rates=[("2026-01-01", 1.25)])
        customer = self._customer("Forge Dollar")
        move_d = self._invoice(customer, 1125.0, "2026-01-02", "2026-01-10", currency=usd)
        penalty = self._penalty_invoice(move_d, "2026-02-10")
        self.assertEqual((penalty.currency_id, penalty.amount_total), (usd, 61.61))
        self._open_credit_note(customer, 1200.0, "2026-01-05", currency=usd)
        with freeze_time("2026-02-20"):
            case = self._litigation_case(move_d, litigation_type="recovery", suspend_penalties=True)
        filed, deducted, columns, _lines = self._file(case, "2026-04-20")
        self.assertEqual((filed, deducted, columns), (949.29, 949.29, (900.0, 9.29, 40.0)))
        self.assertEqual(self._claims(customer, "2026-04-20"), [])
        self.assertEqual(self._group(customer, "2026-04-20")["payable"], 0.0)

    def test_c2_two_cases_share_one_penalty_invoice_and_a_credit(self):
        # ONE penalty invoice P (94.18) charging D (case A) and E (case B); a credit note of
        # 1 620. The rule, oldest due first: D 900 (10 Jan), E 700 (20 Jan), then P's parts
        # (10 Feb): A's 49.29 gets the 20 left, B's 44.89 nothing. A deducts 920 and asks
        # 949.29 - 920 = 29.29 (columns 900 / 9.29 / 10.71); B deducts 700 and asks 44.89; no
        # reminder; the page asks 1 694.18 - 1 620 = 74.18 = 29.29 + 44.89.
        customer, move_d, move_e, _p = self._d_and_e_with_one_penalty("Forge Deux Dossiers")
        self._open_credit_note(customer, 1620.0, "2026-01-05")
        with freeze_time("2026-02-20"):
            case_a = self._litigation_case(
                move_d, litigation_type="recovery", suspend_penalties=True
            )
            case_b = self._litigation_case(
                move_e, litigation_type="recovery", suspend_penalties=True
            )
        self.assertEqual(
            self._file(case_a, "2026-04-20")[:3], (949.29, 920.0, (900.0, 9.29, 10.71))
        )
        self.assertEqual(self._file(case_b, "2026-04-20")[:3], (744.89, 700.0, (700.0, 0.0, 0.0)))
        self.assertEqual(self._claims(customer, "2026-04-20"), [])
        self.assertEqual(self._group(customer, "2026-04-20")["payable"], 74.18)

    def test_c3_one_penalty_invoice_two_invoices_one_in_a_case_sum(self):
        # As test_f4 of the faults: file 949.29 + last call 744.89 = 1 694.18 = what the
        # page asks (900 + 700 + 94.18).
        customer, move_d, _e, _p = self._d_and_e_with_one_penalty("Forge Somme Juste")
        with freeze_time("2026-02-20"):
            case = self._litigation_case(move_d, litigation_type="recovery", suspend_penalties=True)
        filed = self._file(case, "2026-04-20")[0]
        reminded = [amount for _l, amount, _c, _d in self._claims(customer, "2026-04-20")]
        self.assertEqual((filed, reminded), (949.29, [744.89]))
        self.assertEqual(self._group(customer, "2026-04-20")["payable"], 1694.18)

    def test_c4_closed_case_gives_its_penalty_invoice_and_credit_back(self):
        # D 900 in a case, P 49.29, E 300 due 10 Mar, a credit note of 100 (taken by the case
        # for D). Closed (abandoned) on 21 Apr: it keeps 100.00 as its record; on 22 Apr the
        # reminder claims D 900 + P 49.29 + E 300 - 100 = 1 149.29 with 100.00 of credits,
        # the page the same.
        customer, _d, _p, case = self._d_with_penalty("Forge Dossier Ferme", credit=100.0)
        self._invoice(customer, 300.0, "2026-03-01", "2026-03-10")
        with freeze_time("2026-04-21"):
            case.with_user(self.manager)._close("abandoned")
        self.assertEqual(self._file(case, "2026-04-22")[1], 100.0)
        claims = [
            (amount, credit) for _l, amount, credit, _d in self._claims(customer, "2026-04-22")
        ]
        self.assertEqual(claims, [(1149.29, 100.0)])
        self.assertEqual(self._group(customer, "2026-04-22")["payable"], 1149.29)

    def test_c5_case_claims_one_instalment_penalty_invoice_charged_both(self):
        # 1 000 dated 1 Jan, 500 due 10 Jan and 500 due 10 Feb; the case claims the first
        # instalment only (line_ids). Penalty invoice of 20 Feb: 500 x 12.15 % x 41 / 365 =
        # 6.82(3) for the first, 500 x 12.15 % x 10 / 365 = 1.66 for the second, 8.49 in one
        # line, + 40.00 = 48.49. Credit note of 520. The file claims 500 + (8.49 - 1.66 =
        # 6.83) + 40 = 546.83 (README: "what it charged beyond what the others accrue") and
        # deducts 520 (500 of the instalment, then 20 of P's case part), asks 26.83; the last
        # call claims the second 500 + P's 1.66 = 501.66; the page 1 048.49 - 520 = 528.49 =
        # 26.83 + 501.66.
        customer = self._customer("Forge Echeance Sur Deux")
        move = self._invoice_with_term(
            customer, 1000.0, "2026-01-01", self._term((50, 9), (50, 40))
        )
        lines = move.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        ).sorted("date_maturity")
        penalty = self._penalty_invoice(move, "2026-02-20")
        self.assertEqual(penalty.amount_total, 48.49)
        self._open_credit_note(customer, 520.0, "2026-01-05")
        with freeze_time("2026-02-25"):
            case = self._litigation_case(
                move,
                litigation_type="recovery",
                suspend_penalties=True,
                line_ids=[Command.set(lines[:1].ids)],
            )
        filed, deducted, columns, _lines = self._file(case, "2026-04-20")
        self.assertEqual((filed, deducted, columns), (546.83, 520.0, (500.0, 6.83, 13.17)))
        claims = self._claims(customer, "2026-04-20")
        self.assertEqual([amount for _l, amount, _c, _d in claims], [501.66])
        self.assertEqual(self._group(customer, "2026-04-20")["payable"], 528.49)

    def test_c6_written_off_case_gives_its_part_of_a_shared_penalty_invoice_back(self):
        # ONE penalty invoice P (94.18) charging D (case A) and E (case B); credit note of
        # 1 000: D 900 (A), E 100 (B). B written off on 20 Apr: 100 matched with E, 600
        # written off, P untouched (94.18 open). On 21 Apr A's file still claims 949.29 less
        # 900 = 49.29; P's part of E (44.89) is back in the ladder (last call 44.89); the page
        # asks 94.18 = 49.29 + 44.89.
        customer, move_d, move_e, penalty = self._d_and_e_with_one_penalty("Forge Passe En Perte")
        self._open_credit_note(customer, 1000.0, "2026-01-05")
        with freeze_time("2026-02-20"):
            case_a = self._litigation_case(
                move_d, litigation_type="recovery", suspend_penalties=True
            )
            case_b = self._litigation_case(
                move_e, litigation_type="recovery", suspend_penalties=True
            )
        with freeze_time("2026-04-20"):
            self._close_written_off(case_b)
        self.assertEqual(
            (
                case_b.write_off_move_id.amount_total,
                move_e.amount_residual,
                penalty.amount_residual,
            ),
            (600.0, 0.0, 94.18),
        )
        self.assertEqual(self._file(case_a, "2026-04-21")[:2], (949.29, 900.0))
        claims = self._claims(customer, "2026-04-21")
        self.assertEqual([amount for _l, amount, _c, _d in claims], [44.89])
        self.assertEqual(self._group(customer, "2026-04-21")["payable"], 94.18)

    def test_c7_accrued_penalties_take_no_credit_in_the_file_columns(self):
        # D 900 due 10 Jan in a case opened 20 Feb, penalties NOT suspended; P1 of 10 Feb
        # (9.29 + 40.00), P2 of 31 Mar (900 x 12.15 % x 49 / 365 = 14.68, no indemnity);
        # 1-20 Apr accrues 900 x 12.15 % x 20 / 365 = 5.99, on no penalty invoice yet; a
        # credit note of 1 000 (5 Jan). The rule gives the case D 900, P1 49.29, P2 14.68:
        # 963.97 (36.03 left free). The file claims 900 + (9.29 + 14.68 + 5.99) + 40 = 969.96,
        # deducts 963.97 (columns 900 / 23.97 / 40: the accrued 5.99 is no debt in the
        # books, no credit goes to it) and asks 5.99 of penalties. Found by the tester (not
        # concluded): the columns took 29.96 of the penalties and 34.01 of the indemnity.
        customer = self._customer("Forge Penalites Courantes")
        move_d = self._invoice(customer, 900.0, "2026-01-02", "2026-01-10")
        self._penalty_invoice(move_d, "2026-02-10")
        self._open_credit_note(customer, 1000.0, "2026-01-05")
        with freeze_time("2026-02-20"):
            case = self._litigation_case(move_d, litigation_type="recovery")
        second = self._penalty_invoice(move_d, "2026-03-31")
        self.assertEqual(second.amount_total, 14.68)
        filed, deducted, columns, lines = self._file(case, "2026-04-20")
        self.assertEqual((filed, deducted), (969.96, 963.97))
        self.assertEqual(columns, (900.0, 23.97, 40.0))
        self.assertEqual(round(sum(line["penalty"] for line in lines) - columns[1], 2), 5.99)
        self.assertEqual(self._claims(customer, "2026-04-20"), [])
