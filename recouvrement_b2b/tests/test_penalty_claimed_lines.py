"""Issue 17, left open: the penalties of an invoice a litigation case claims in part work per
instalment, as the case does (``recouvrement.litigation.line_ids``): an instalment the case
does not claim goes on accruing while the case suspends the penalties of those it claims, and
the court file takes of a penalty invoice only what it charged for the instalments claimed."""

from datetime import date
from decimal import Decimal

from freezegun import freeze_time

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from ..rules import penalties
from .test_prerequisites_per_line import PrerequisitesCommon


@tagged("post_install", "-at_install")
class TestPenaltyClaimedLines(PrerequisitesCommon):
    """The tester's invoice: 1 200 dated 1 January 2026 in 480 / 360 / 360 due 21 January,
    15 February and 17 March; the runs of the ladder, the third's last call on 18 March, the
    transfer of 27 March claiming the first two (840)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._legal_penalties()

    def _rate(self, day):
        """The code's own rate of the half-year of ``day``, in % a year (2026-S1: the ECB
        main refinancing rate 2.15 % + 10 points = 12.15 %, ../shared/reference)."""
        table = self.env["recouvrement.penalty.rate"]._get_rate_table()
        return table.rate_for(penalties.half_year_of(day), "legal_default").rate

    def _amount(self, principal, day, days):
        """``principal`` x the rate of ``day`` x ``days`` / 365, rounded to the cent."""
        exact = Decimal(principal) * self._rate(day) * days / Decimal(36500)
        return float(exact.quantize(Decimal("0.01")))

    def test_unclaimed_instalment_accrues_while_the_case_suspends_penalties(self):
        # the case suspends penalties: the first two instalments (claimed) bear nothing; the
        # third, 360 due 17 Mar, not claimed, is late from 18 Mar: on 30 Apr, 44 days (14 in
        # March + 30 in April), 360 x 12.15 % x 44 / 365 = 5.2727 -> 5.27, and the D441-5
        # indemnity of the invoice, 40.00, once (old: 0.00 and 0.00, "The invoice is in
        # litigation ..., which suspends penalties", the whole invoice suspended)
        move, lines, case = self._transferred()
        self.assertEqual(self._rate(date(2026, 3, 18)), Decimal("12.15"))
        case.suspend_penalties = True
        penalty = self._amount(360, date(2026, 3, 18), 44)
        self.assertEqual(penalty, 5.27)
        figures = move._get_penalty_figures(date(2026, 4, 30))[move.id]
        self.assertEqual((figures["penalty"], figures["indemnity"]), (penalty, 40.0))
        invoice = self._penalty_invoice(move, "2026-04-30")
        charged = invoice.invoice_line_ids.sorted(lambda line: line.penalty_kind != "penalty")
        self.assertEqual(
            [
                (line.penalty_kind, line.penalty_date_from, line.penalty_date_to, line.price_unit)
                for line in charged
            ],
            [
                ("penalty", date(2026, 3, 18), date(2026, 4, 30), penalty),
                ("indemnity", False, False, 40.0),
            ],
        )
        # the case claims all three instalments: nothing accrues on the invoice any more
        with freeze_time("2026-05-04"):
            case.line_ids |= lines[2]
        figures = move._get_penalty_figures(date(2026, 5, 31))[move.id]
        self.assertEqual((figures["penalty"], figures["indemnity"]), (0.0, 0.0))

    def _penalty_invoice_before_the_transfer(self):
        """The tester's invoice with a penalty invoice of 20 March, before the transfer of
        27 March, charging the three instalments' periods (22 Jan to 20 Mar) and the
        indemnity: ``(invoice, its instalments, the case, the penalty invoice)``.

        At 12.15 %: 480 x 58 days (22 Jan - 20 Mar) + 360 x 33 (16 Feb - 20 Mar) + 360 x 3
        (18 - 20 Mar) = 40 800 x 12.15 / 36 500 = 13.5814 -> 13.58, of which the two
        claimed: 39 720 x 12.15 / 36 500 = 13.2217 -> 13.22, the third: 1 080 x 12.15 /
        36 500 = 0.3595 -> 0.36 (13.22 + 0.36 = 13.58)."""
        move, lines = self._three_instalments()
        self._runs([*self.LADDER_DAYS, "2026-03-18"])
        invoice = self._penalty_invoice(move, "2026-03-20")
        penalty = invoice.invoice_line_ids.filtered(lambda line: line.penalty_kind == "penalty")
        self.assertEqual(
            (penalty.penalty_date_from, penalty.penalty_date_to, penalty.price_unit),
            (date(2026, 1, 22), date(2026, 3, 20), 13.58),
        )
        self.assertEqual(
            self._amount(480 * 58 + 360 * 33, date(2026, 3, 18), 1)
            + self._amount(360 * 3, date(2026, 3, 18), 1),
            13.58,
        )
        case = self._post(self._run("2026-03-27"), "2026-03-27").litigation_id
        self.assertEqual(case.line_ids, lines[:2])
        return move, lines, case, invoice

    def test_file_subtracts_what_a_penalty_invoice_charged_for_the_claimed_instalments(self):
        # the penalty invoice of 20 Mar (13.58 + 40.00) is paid on 21 Mar; the case does not
        # suspend penalties. The file of 4 May claims the two instalments' penalties to
        # 4 May, 480 x 103 days (22 Jan - 4 May) + 360 x 78 (16 Feb - 4 May) = 77 520 x
        # 12.15 / 36 500 = 25.8046 -> 25.80, less what the paid penalty invoice charged for
        # them, 13.22: 12.58 (old: 25.80 - 13.58 = 12.22, the third's 0.36 subtracted too);
        # the indemnity was paid: 0.00
        move, _lines, case, invoice = self._penalty_invoice_before_the_transfer()
        self._pay(invoice, invoice.amount_total, "2026-03-21")
        self.assertEqual(invoice.payment_state, "paid")
        self.assertEqual(self._amount(77520, date(2026, 5, 4), 1), 25.80)
        with freeze_time("2026-05-04"):
            [line] = case._get_dossier_lines()
        self.assertEqual(
            (line["principal"], line["penalty"], line["indemnity"]), (840.0, 12.58, 0.0)
        )

    def test_file_of_a_suspending_case_takes_the_claimed_share_of_penalty_invoices(self):
        # the penalty invoice of 20 Mar (13.58 + 40.00) stays unpaid; the case suspends
        # penalties from the transfer; the penalty invoice of 30 Apr charges the third alone,
        # 21 Mar - 30 Apr: 360 x 41 days x 12.15 / 36 500 = 4.913 -> 4.91 (its total to
        # 30 Apr, 5.27, less its 0.36 of 18 - 20 Mar already charged), no second indemnity.
        # The file of 4 May claims no penalty accrued on the two suspended instalments and,
        # of the open penalty invoices, what they charged for them: 13.22 of the first one
        # and its 40.00 indemnity (charged with the first instalment, claimed), nothing of
        # the second one, the third's (old: 13.58 + 4.91 = 18.49, the third's penalties in
        # the file)
        move, _lines, case, _invoice = self._penalty_invoice_before_the_transfer()
        case.suspend_penalties = True
        later = self._penalty_invoice(move, "2026-04-30")
        self.assertEqual(self._amount(360, date(2026, 3, 21), 41), 4.91)
        self.assertEqual(
            [(line.penalty_kind, line.price_unit) for line in later.invoice_line_ids],
            [("penalty", 4.91)],
        )
        with freeze_time("2026-05-04"):
            [line] = case._get_dossier_lines()
        self.assertEqual(
            (line["principal"], line["penalty"], line["indemnity"]), (840.0, 13.22, 40.0)
        )
        # once the third joins the case (all three claimed), the file takes both penalty
        # invoices whole: 13.58 + 4.91 = 18.49
        with freeze_time("2026-05-04"):
            case.line_ids |= _lines[2]
            [line] = case._get_dossier_lines()
        self.assertEqual((line["penalty"], line["indemnity"]), (18.49, 40.0))

    def test_file_of_a_suspending_case_leaves_the_unclaimed_instalments_penalty_invoice(self):
        # item 1's case: no penalty invoice before the transfer; the one of 30 Apr charges
        # the third alone, 5.27 + the invoice's 40.00 indemnity (with the third, the only
        # instalment bearing penalties). The file of 4 May claims neither (old: 5.27 and
        # 40.00, the unclaimed instalment's penalties and indemnity in the court file)
        move, _lines, case = self._transferred()
        case.suspend_penalties = True
        self._penalty_invoice(move, "2026-04-30")
        with freeze_time("2026-05-04"):
            [line] = case._get_dossier_lines()
        self.assertEqual((line["principal"], line["penalty"], line["indemnity"]), (840.0, 0.0, 0.0))

    def _third_formal_notice(self):
        """The tester's case after the transfer of 27 March and the third instalment's runs
        (its formal notice of 1 May, 360): ``(invoice, the case, that formal notice)``."""
        move, _lines, case = self._transferred()
        sent = self._runs(["2026-03-28", "2026-04-01", "2026-04-16"])
        self.assertEqual(sent, {})
        notice = self._post(self._run("2026-05-01"), "2026-05-01")
        self.assertEqual((notice.level_id, notice.amount_due), (self.level_notice, 360.0))
        return move, case, notice

    def test_reminder_of_the_unclaimed_instalment_claims_its_own_penalties(self):
        # the case (not suspending) claims the first two instalments, their penalties and the
        # invoice's D441-5 indemnity in its file. The formal notice of the third on 1 May
        # claims the third's penalties, 18 Mar - 1 May, 45 days: 360 x 12.15 % x 45 / 365 =
        # 5.3925 -> 5.39, and no indemnity (the file claims it; once per invoice) (old: the
        # whole invoice, 480 x 100 days + 360 x 75 + 360 x 45 = 91 200 x 12.15 / 36 500 =
        # 30.3580 -> 30.36, and 40.00: the case's penalties and indemnity claimed twice);
        # the figures of every reminder
        move, case, notice = self._third_formal_notice()
        self.assertEqual(self._amount(91200, date(2026, 5, 1), 1), 30.36)
        third = self._amount(360, date(2026, 5, 1), 45)
        self.assertEqual(third, 5.39)
        self.assertEqual((notice.amount_penalty, notice.amount_indemnity), (third, 0.0))
        Dunning = self.env["recouvrement.dunning"]
        figure = Dunning._get_company_penalty_figures(move, date(2026, 5, 1))[move.id]
        self.assertEqual((figure["penalty"], figure["indemnity"]), (third, 0.0))
        # the file claims the first two's and the indemnity: 480 x 100 + 360 x 75 = 75 000
        # x 12.15 / 36 500 = 24.9658 -> 24.97, and 40.00
        with freeze_time("2026-05-01"):
            [line] = case._get_dossier_lines()
        self.assertEqual(self._amount(75000, date(2026, 5, 1), 1), 24.97)
        self.assertEqual((line["penalty"], line["indemnity"]), (24.97, 40.0))

    def test_reminder_of_the_unclaimed_instalment_of_a_suspending_case(self):
        # the case suspends penalties: its file claims neither penalties nor indemnity, the
        # third's formal notice of 1 May claims its 5.39 and the invoice's 40.00
        move, case, _notice = self._third_formal_notice()
        case.suspend_penalties = True
        Dunning = self.env["recouvrement.dunning"]
        figure = Dunning._get_company_penalty_figures(move, date(2026, 5, 1))[move.id]
        self.assertEqual((figure["penalty"], figure["indemnity"]), (5.39, 40.0))
        with freeze_time("2026-05-01"):
            [line] = case._get_dossier_lines()
        self.assertEqual((line["penalty"], line["indemnity"]), (0.0, 0.0))

    def test_transfer_claims_the_penalties_of_the_instalments_it_lists(self):
        # the transfer of 27 Mar lists the first two instalments (840) and opens the case:
        # it claims their penalties, 480 x 65 days (22 Jan - 27 Mar) + 360 x 40 (16 Feb -
        # 27 Mar) = 45 600 x 12.15 / 36 500 = 15.1792 -> 15.18, and the indemnity, 40.00
        # (old: 16.38, with the third's 360 x 10 days, 18 - 27 Mar: 49 200 x 12.15 / 36 500
        # = 16.3775), as the case's file of that day
        move, lines = self._three_instalments()
        self._runs([*self.LADDER_DAYS, "2026-03-18"])
        transfer = self._post(self._run("2026-03-27"), "2026-03-27")
        self.assertEqual(transfer.line_ids, lines[:2])
        self.assertEqual(self._amount(45600, date(2026, 3, 27), 1), 15.18)
        self.assertEqual((transfer.amount_penalty, transfer.amount_indemnity), (15.18, 40.0))
        with freeze_time("2026-03-27"):
            [line] = transfer.litigation_id._get_dossier_lines()
        self.assertEqual((line["penalty"], line["indemnity"]), (15.18, 40.0))

    def test_portal_shows_the_penalties_of_the_whole_invoice(self):
        # the collection page states what the customer owes on each invoice, the instalments
        # in litigation included (as for an invoice claimed whole): on 1 May, 30.36 and the
        # 40.00 indemnity (the case does not suspend penalties), not the 5.39 and 0.00 the
        # third's reminder claims (old, after 98d2297: 5.39 and 0.00)
        move, _case, _notice = self._third_formal_notice()
        values = self.env["recouvrement.customer"]._get_portal_values(
            self.customer, date(2026, 5, 1)
        )
        [line] = [line for line in values["lines"] if line["move"] == move]
        self.assertEqual((line["penalty"], line["indemnity"]), (30.36, 40.0))

    def test_third_joining_the_case_claims_no_second_indemnity(self):
        # the third's transfer of 16 May (its formal notice of 1 May + 15 days) adds it to
        # the case: it claims its penalties, 18 Mar - 16 May, 60 days: 360 x 12.15 % x 60 /
        # 365 = 7.1901 -> 7.19, and no indemnity, the case claims the invoice's one already
        # (old: 40.00 again)
        move, case, _notice = self._third_formal_notice()
        third = move.line_ids.filtered(
            lambda line: line.display_type == "payment_term" and line.date_maturity.month == 3
        )
        transfer = self._post(self._run("2026-05-16"), "2026-05-16")
        self.assertEqual((transfer.litigation_id, transfer.line_ids), (case, third))
        self.assertEqual(self._amount(360, date(2026, 5, 16), 60), 7.19)
        self.assertEqual((transfer.amount_penalty, transfer.amount_indemnity), (7.19, 0.0))

    def test_recovered_amount_bound_by_what_the_case_claims(self):
        # the case claims 840 of the 1 200 invoice: what it recovered is at most 840, the
        # claimed instalments' penalties to 4 May, 480 x 103 days + 360 x 78 = 77 520 x
        # 12.15 / 36 500 = 25.80, and the indemnity, 40.00: 905.80 (old: the whole invoice,
        # 1 200 + 31.56 (+ the third's 360 x 48 days: 94 800 x 12.15 / 36 500 = 31.5567)
        # + 40.00 = 1 271.56: 1 000 recovered was accepted)
        _move, _lines, case = self._transferred()
        self.assertEqual(self._amount(94800, date(2026, 5, 4), 1), 31.56)
        with freeze_time("2026-05-04"):
            case.recovered_amount = 905.80
            with self.assertRaises(ValidationError):
                case.recovered_amount = 905.81
            with self.assertRaises(ValidationError):
                case.recovered_amount = 1000.0

    def test_invoice_explains_why_the_claimed_instalments_bear_nothing(self):
        # the invoice's penalty fields on 30 Apr, the case suspending penalties: 5.27 on the
        # third, and the explanation says the first two are claimed by the case, which
        # suspends their penalties (old: the third's delay only, nothing on the two others)
        move, lines, case = self._transferred()
        case.suspend_penalties = True
        move = move.with_context(penalty_date=date(2026, 4, 30))
        self.assertEqual(move.penalty_amount, 5.27)
        due_dates = self.env["recouvrement.penalty"]._get_mention_due_dates(
            move, set(lines[:2].ids)
        )
        self.assertIn(
            f"Instalments {due_dates} are claimed by litigation case {case.name}, which "
            "suspends penalties: they bear none while it is open.",
            move.penalty_explanation,
        )

    def test_penalty_invoice_of_a_case_not_suspending_counted_once(self):
        # the case does not suspend penalties: the penalty batch of 30 Apr charges the
        # invoice's periods, 480 x 99 days (22 Jan - 30 Apr) + 360 x 74 (16 Feb - 30 Apr) +
        # 360 x 44 (18 Mar - 30 Apr) = 90 000 x 12.15 / 36 500 = 29.9589 -> 29.96, and the
        # indemnity, 40.00, once. On 4 May the file claims the two instalments' penalties,
        # 25.80 (the 24.69 the penalty invoice charged for them, 29.96 less the third's 5.27,
        # through its open amount, and 1.11 accrued since) and the indemnity through that
        # penalty invoice, 40.00 (not a second one); a reminder of the third claims what it
        # accrued since, 360 x 48 days (18 Mar - 4 May) = 5.7523 -> 5.75 less 5.27 = 0.48,
        # and no indemnity
        move, _lines, case = self._transferred()
        invoice = self._penalty_invoice(move, "2026-04-30")
        self.assertEqual(self._amount(90000, date(2026, 4, 30), 1), 29.96)
        self.assertEqual(
            sorted((line.penalty_kind, line.price_unit) for line in invoice.invoice_line_ids),
            [("indemnity", 40.0), ("penalty", 29.96)],
        )
        with freeze_time("2026-05-04"):
            [line] = case._get_dossier_lines()
        self.assertEqual(
            (line["principal"], line["penalty"], line["indemnity"]), (840.0, 25.80, 40.0)
        )
        self.assertEqual(self._amount(360, date(2026, 5, 4), 48), 5.75)
        Dunning = self.env["recouvrement.dunning"]
        figure = Dunning._get_company_penalty_figures(move, date(2026, 5, 4))[move.id]
        self.assertEqual((figure["penalty"], figure["indemnity"]), (0.48, 0.0))
