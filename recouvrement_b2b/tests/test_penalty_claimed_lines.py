"""Issue 17, left open: the penalties of an invoice a litigation case claims in part work per
instalment, as the case does (``recouvrement.litigation.line_ids``): an instalment the case
does not claim goes on accruing while the case suspends the penalties of those it claims, and
the court file takes of a penalty invoice only what it charged for the instalments claimed."""

from datetime import date
from decimal import Decimal

from freezegun import freeze_time

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

    def _transferred(self):
        """``(invoice, its three instalments, the case opened by the transfer of 27 Mar)``."""
        move, lines = self._three_instalments()
        self._runs([*self.LADDER_DAYS, "2026-03-18"])
        case = self._post(self._run("2026-03-27"), "2026-03-27").litigation_id
        self.assertEqual(case.line_ids, lines[:2])
        return move, lines, case

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
