"""L441-10 II penalties and D441-5 indemnity, checked against figures derived by hand.

Rates are the reference values (shared/reference/ecb_mro_rates.csv section B and
taux_interet_legal.csv). Every expected amount is ``sum(base x rate x days) / 36500``
(rate in percent, 365 days even in leap years), rounded half-up to the cent once.
"""

import time
import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest
from recouvrement_rules import penalties
from recouvrement_rules.penalties import MissingRateError, PenaltyError, RateTable

# ECB MRO rate in force on 1 January / 1 July (penalty rate = this + 10 points).
ECB = {
    (2023, 1): D("2.50"),
    (2023, 2): D("4.00"),
    (2024, 1): D("4.50"),
    (2024, 2): D("4.25"),
    (2025, 1): D("3.15"),
    (2025, 2): D("2.15"),
    (2026, 1): D("2.15"),
}
# Taux d'interet legal, professional creditors (contract floor = 3 x this).
LEGAL = {
    (2023, 1): D("2.06"),
    (2023, 2): D("4.22"),
    (2024, 1): D("5.07"),
    (2024, 2): D("4.92"),
    (2025, 1): D("3.71"),
    (2025, 2): D("2.76"),
    (2026, 1): D("2.62"),
}
RATES = RateTable(ECB, LEGAL)


def penalty(principal, due, end, payments=(), **kwargs):
    """Shortcut for compute_penalty with the reference table."""
    return penalties.compute_penalty(D(principal), due, list(payments), end, RATES, **kwargs)


# --- half-years -----------------------------------------------------------------------------


def test_half_year_helpers():
    assert penalties.half_year_of(date(2024, 6, 30)) == (2024, 1)
    assert penalties.half_year_of(date(2024, 7, 1)) == (2024, 2)
    assert penalties.half_year_of(date(2024, 12, 31)) == (2024, 2)
    assert penalties.half_year_label((2024, 1)) == "2024-S1"
    assert penalties.half_year_bounds((2024, 1)) == (date(2024, 1, 1), date(2024, 6, 30))
    assert penalties.half_year_bounds("2024-S2") == (date(2024, 7, 1), date(2024, 12, 31))
    assert penalties.parse_half_year("2025-s2") == (2025, 2)
    with pytest.raises(PenaltyError) as err:
        penalties.parse_half_year("2025-S3")
    assert err.value.reason == "half_year"


def test_rate_table_accepts_labels_and_strings():
    table = RateTable({"2024-S1": "4.50"}, {"2024-S1": 5.07})
    info = table.rate_for((2024, 1), "legal_default")
    assert info.rate == D("14.50") and info.base_rate == D("4.50") and info.floor is None
    assert table.rate_for("2024-S1", "contract", D("5")).floor == D("15.21")


# --- the LEGAL.md worked example ------------------------------------------------------------


def test_legal_md_worked_example():
    # 12 000 due 2024-03-15 paid 2024-06-30: 16 (Mar 16-31) + 30 + 31 + 30 = 107 days at
    # 4.50 + 10 = 14.50 %: 12000 x 14.50 x 107 = 18 618 000 / 36500 = 510.08219... -> 510.08
    res = penalty("12000", date(2024, 3, 15), date(2024, 6, 30))
    assert res.amount == D("510.08")
    assert res.exact.quantize(D("1e-12")) == D("510.082191780822")
    assert res.days == 107
    assert (res.first_day, res.last_day) == (date(2024, 3, 16), date(2024, 6, 30))
    assert res.segments == [(date(2024, 3, 16), date(2024, 6, 30), 107, D(12000), D("14.50"))]
    assert [r.rate for r in res.rates] == [D("14.50")]
    assert res.floor_applied is False


def test_full_payment_recorded_and_later_end_date_gives_same_result():
    # Same invoice fully paid on 2024-06-30 but computed on 2024-09-01: nothing accrues after
    # the day of the payment, so still 107 days -> 510.08, last day 2024-06-30.
    res = penalty("12000", date(2024, 3, 15), date(2024, 9, 1), [(date(2024, 6, 30), D("12000"))])
    assert (res.amount, res.days, res.last_day) == (D("510.08"), 107, date(2024, 6, 30))


# --- half-year boundaries -------------------------------------------------------------------


def test_crossing_30_june_per_half_year():
    # 10 000 due 2024-06-20 paid 2024-07-10:
    #   Jun 21-30: 10 days at 14.50 -> 10000 x 14.50 x 10 = 1 450 000
    #   Jul 1-10:  10 days at 14.25 -> 10000 x 14.25 x 10 = 1 425 000
    #   2 875 000 / 36500 = 78.76712... -> 78.77
    res = penalty("10000", date(2024, 6, 20), date(2024, 7, 10))
    assert res.amount == D("78.77")
    assert res.days == 20
    assert res.segments == [
        (date(2024, 6, 21), date(2024, 6, 30), 10, D(10000), D("14.50")),
        (date(2024, 7, 1), date(2024, 7, 10), 10, D(10000), D("14.25")),
    ]
    assert [r.half_year for r in res.rates] == [(2024, 1), (2024, 2)]


def test_crossing_30_june_fixed_convention():
    # Fixed: the 20 days take the rate of the half-year of the first accruing day (2024-06-21,
    # S1, 14.50): 10000 x 14.50 x 20 = 2 900 000 / 36500 = 79.45205... -> 79.45
    res = penalty("10000", date(2024, 6, 20), date(2024, 7, 10), convention="fixed")
    assert res.amount == D("79.45")
    assert res.segments == [(date(2024, 6, 21), date(2024, 7, 10), 20, D(10000), D("14.50"))]
    assert len(res.rates) == 1


def test_crossing_31_december_2024():
    # 5 000 due 2024-12-21 paid 2025-01-10:
    #   Dec 22-31: 10 days at 14.25 -> 5000 x 142.5 = 712 500
    #   Jan 1-10:  10 days at 13.15 -> 5000 x 131.5 = 657 500
    #   1 370 000 / 36500 = 37.53424... -> 37.53
    res = penalty("5000", date(2024, 12, 21), date(2025, 1, 10))
    assert res.amount == D("37.53")
    assert [s.rate for s in res.segments] == [D("14.25"), D("13.15")]


def test_crossing_31_december_2023():
    # 1 000 due 2023-12-21 paid 2024-01-10: 10 days at 14.00 + 10 days at 14.50
    # 1000 x (140 + 145) = 285 000 / 36500 = 7.80821... -> 7.81
    res = penalty("1000", date(2023, 12, 21), date(2024, 1, 10))
    assert res.amount == D("7.81")


def test_long_delay_over_five_half_years():
    # 2 000 due 2023-05-31 paid 2025-01-31 (611 days):
    #   2023-06-01..06-30   30 days x 12.50 =  375.00
    #   2023-S2            184 days x 14.00 = 2576.00
    #   2024-S1 (leap)     182 days x 14.50 = 2639.00
    #   2024-S2            184 days x 14.25 = 2622.00
    #   2025-01-01..01-31   31 days x 13.15 =  407.65
    #   sum 8619.65 x 2000 = 17 239 300 / 36500 = 472.30958... -> 472.31
    res = penalty("2000", date(2023, 5, 31), date(2025, 1, 31))
    assert res.amount == D("472.31")
    assert res.days == 611
    assert [s.days for s in res.segments] == [30, 184, 182, 184, 31]


def test_long_delay_fixed_convention():
    # Fixed: 611 days at 12.50 (2023-S1): 2000 x 12.50 x 611 = 15 275 000 / 36500
    # = 418.49315... -> 418.49
    res = penalty("2000", date(2023, 5, 31), date(2025, 1, 31), convention="fixed")
    assert res.amount == D("418.49")


def test_same_rate_on_both_sides_of_a_boundary_makes_one_segment():
    # 2025-S2 and 2026-S1 are both 2.15 + 10 = 12.15: 1 000 due 2025-12-21 paid 2026-01-10,
    # 20 days: 1000 x 12.15 x 20 = 243 000 / 36500 = 6.65753... -> 6.66
    res = penalty("1000", date(2025, 12, 21), date(2026, 1, 10))
    assert res.amount == D("6.66")
    assert res.segments == [(date(2025, 12, 22), date(2026, 1, 10), 20, D(1000), D("12.15"))]
    assert len(res.rates) == 2


def test_leap_year_still_divides_by_365():
    # 3 650 due 2024-02-15 paid 2024-03-15: Feb 16-29 = 14 days + Mar 1-15 = 15 -> 29 days
    # 3650 x 14.50 x 29 / 36500 = 14.50 x 29 / 10 = 42.05 exactly (over 366: 41.94)
    res = penalty("3650", date(2024, 2, 15), date(2024, 3, 15))
    assert res.days == 29
    assert res.amount == D("42.05")
    assert res.exact == D("42.05")


# --- payments -------------------------------------------------------------------------------


def test_partial_payment_before_due_date_lowers_the_base():
    # 10 000 due 2024-03-15, 4 000 paid 2024-03-10, 6 000 paid 2024-04-14:
    # base 6 000 for Mar 16 - Apr 14 = 16 + 14 = 30 days
    # 6000 x 14.50 x 30 = 2 610 000 / 36500 = 71.50684... -> 71.51
    res = penalty(
        "10000",
        date(2024, 3, 15),
        date(2024, 4, 14),
        [(date(2024, 3, 10), D("4000")), (date(2024, 4, 14), D("6000"))],
    )
    assert res.amount == D("71.51")
    assert res.segments == [(date(2024, 3, 16), date(2024, 4, 14), 30, D(6000), D("14.50"))]


def test_partial_payment_after_due_date():
    # 10 000 due 2024-03-15, 4 000 paid 2024-03-25, 6 000 paid 2024-04-14:
    #   Mar 16-25 (payment day included): 10 days x 10 000 -> 10000 x 14.5 x 10 = 1 450 000
    #   Mar 26 - Apr 14: 6 + 14 = 20 days x 6 000         -> 6000 x 14.5 x 20 = 1 740 000
    #   3 190 000 / 36500 = 87.39726... -> 87.40
    res = penalty(
        "10000",
        date(2024, 3, 15),
        date(2024, 4, 14),
        [(date(2024, 3, 25), D("4000")), (date(2024, 4, 14), D("6000"))],
    )
    assert res.amount == D("87.40")
    assert [(s.days, s.base) for s in res.segments] == [(10, D(10000)), (20, D(6000))]


def test_several_payments_the_same_day():
    # 10 000 due 2024-03-15; 1 000 and 2 000 paid 2024-03-25 (plus a credit note the same
    # day for 0 to check it is harmless); 7 000 paid 2024-04-14:
    #   10 days x 10 000 -> 1 450 000 ; 20 days x 7 000 -> 7000 x 14.5 x 20 = 2 030 000
    #   3 480 000 / 36500 = 95.34246... -> 95.34
    res = penalty(
        "10000",
        date(2024, 3, 15),
        date(2024, 4, 14),
        [
            (date(2024, 3, 25), D("1000")),
            (date(2024, 3, 25), D("2000")),
            (date(2024, 3, 25), D("0")),
            (date(2024, 4, 14), D("7000")),
        ],
    )
    assert res.amount == D("95.34")
    assert len(res.segments) == 2


def test_payment_on_the_due_date_lowers_the_starting_base():
    # 10 000 due 2024-03-15, 2 500 paid on 2024-03-15: base 7 500 for 30 days
    # 7500 x 14.50 x 30 = 3 262 500 / 36500 = 89.38356... -> 89.38
    res = penalty("10000", date(2024, 3, 15), date(2024, 4, 14), [(date(2024, 3, 15), D("2500"))])
    assert res.amount == D("89.38")


def test_paid_in_full_on_the_due_date_is_not_late():
    res = penalty("10000", date(2024, 3, 15), date(2024, 4, 14), [(date(2024, 3, 15), D("10000"))])
    assert res.amount == D("0.00")
    assert (res.days, res.first_day, res.last_day, res.segments) == (0, None, None, [])


def test_not_late():
    # Computed on the due date itself or before: no accruing day.
    assert penalty("10000", date(2024, 3, 15), date(2024, 3, 15)).amount == D("0.00")
    assert penalty("10000", date(2024, 3, 15), date(2024, 3, 1)).days == 0
    assert penalty("0", date(2024, 3, 15), date(2024, 4, 15)).amount == 0


def test_one_day_late():
    # 36 500 due 2024-03-15 paid 2024-03-16: 1 day, 36500 x 14.50 x 1 / 36500 = 14.50
    res = penalty("36500", date(2024, 3, 15), date(2024, 3, 16))
    assert (res.amount, res.days) == (D("14.50"), 1)


def test_overpayment_does_not_make_the_base_negative():
    # 1 000 due 2024-03-15, 1 200 paid 2024-03-25: 10 days x 1 000 then nothing.
    # 1000 x 14.5 x 10 = 145 000 / 36500 = 3.97260... -> 3.97
    res = penalty("1000", date(2024, 3, 15), date(2024, 6, 30), [(date(2024, 3, 25), D("1200"))])
    assert (res.amount, res.days, res.last_day) == (D("3.97"), 10, date(2024, 3, 25))


def test_payment_after_end_date_is_ignored():
    # Computed on 2024-04-14 while a payment is dated later: 30 days x 10 000
    # 10000 x 14.5 x 30 = 4 350 000 / 36500 = 119.17808... -> 119.18
    res = penalty("10000", date(2024, 3, 15), date(2024, 4, 14), [(date(2024, 5, 1), D("10000"))])
    assert res.amount == D("119.18")


def test_float_and_str_amounts_are_read_exactly():
    res = penalties.compute_penalty(
        12000.0, date(2024, 3, 15), [(date(2024, 3, 1), 0.1)], date(2024, 6, 30), RATES
    )
    # base 11 999.90: 11999.9 x 14.5 x 107 = 18 617 844.85 / 36500 = 510.07794... -> 510.08
    assert res.segments[0].base == D("11999.9")
    assert res.exact.quantize(D("1e-12")) == D("510.077941095890")
    assert res.amount == D("510.08")


# --- contract rate and its floor ------------------------------------------------------------


def test_contract_rate_below_floor_takes_the_floor():
    # Contract 5 % in 2024-S1: floor 3 x 5.07 = 15.21 > 5 -> 15.21 applied.
    # 10 000 due 2024-03-15 paid 2024-04-14, 30 days: 10000 x 15.21 x 30 = 4 563 000 / 36500
    # = 125.01369... -> 125.01
    res = penalty(
        "10000", date(2024, 3, 15), date(2024, 4, 14), mode="contract", contract_rate=D("5")
    )
    assert res.amount == D("125.01")
    assert res.floor_applied is True
    info = res.rates[0]
    assert (info.rate, info.base_rate, info.floor, info.floor_applied) == (
        D("15.21"),
        D("5"),
        D("15.21"),
        True,
    )


def test_contract_rate_above_floor():
    # Contract 20 %: 10000 x 20 x 30 = 6 000 000 / 36500 = 164.38356... -> 164.38
    res = penalty(
        "10000", date(2024, 3, 15), date(2024, 4, 14), mode="contract", contract_rate=D("20")
    )
    assert res.amount == D("164.38")
    assert res.floor_applied is False


def test_contract_rate_equal_to_floor_is_not_replaced():
    info = RATES.rate_for((2024, 1), "contract", D("15.21"))
    assert (info.rate, info.floor_applied) == (D("15.21"), False)


def test_contract_rate_floor_per_half_year():
    # Contract 15 % from 2024-06-21 to 2024-07-10:
    #   S1 floor 3 x 5.07 = 15.21 > 15 -> 15.21 x 10 days: 10000 x 152.1 = 1 521 000
    #   S2 floor 3 x 4.92 = 14.76 <= 15 -> 15 x 10 days:   10000 x 150   = 1 500 000
    #   3 021 000 / 36500 = 82.76712... -> 82.77
    res = penalty(
        "10000", date(2024, 6, 20), date(2024, 7, 10), mode="contract", contract_rate=D("15")
    )
    assert res.amount == D("82.77")
    assert [(r.rate, r.floor_applied) for r in res.rates] == [
        (D("15.21"), True),
        (D("15"), False),
    ]
    assert res.floor_applied is True


def test_contract_mode_without_rate():
    with pytest.raises(MissingRateError) as err:
        penalty("1000", date(2024, 3, 15), date(2024, 4, 14), mode="contract")
    assert (err.value.kind, err.value.half_year) == ("contract", "2024-S1")


def test_negative_contract_rate_and_unknown_mode_or_convention():
    with pytest.raises(PenaltyError) as err:
        RATES.rate_for((2024, 1), "contract", D("-1"))
    assert err.value.reason == "contract_rate"
    with pytest.raises(PenaltyError) as err:
        penalty("1000", date(2024, 3, 15), date(2024, 4, 14), mode="usury")
    assert err.value.reason == "mode"
    with pytest.raises(PenaltyError) as err:
        penalty("1000", date(2024, 3, 15), date(2024, 4, 14), convention="360")
    assert err.value.reason == "convention"


# --- collective proceedings -----------------------------------------------------------------


def test_collective_proceedings_stop_interest():
    # 10 000 due 2024-03-15, computed 2024-06-30, redressement opened 2024-04-14 (L622-28):
    # the judgment takes effect at 0h on 2024-04-14: last accruing day 2024-04-13 -> 29 days
    # (2024-03-16..2024-04-13) at 14.50 %: 10 000 x 14.5 x 29 / 36 500 = 4 205 000 / 36 500
    # = 115.20547... -> 115.21
    res = penalty("10000", date(2024, 3, 15), date(2024, 6, 30), stop_date=date(2024, 4, 14))
    assert (res.amount, res.days, res.last_day) == (D("115.21"), 29, date(2024, 4, 13))


def test_collective_proceedings_before_due_date_no_interest():
    res = penalty("10000", date(2024, 3, 15), date(2024, 6, 30), stop_date=date(2024, 3, 1))
    assert res.amount == 0 and res.days == 0


# --- missing rates --------------------------------------------------------------------------


def test_missing_ecb_rate_names_the_half_year():
    table = RateTable({(2029, 2): D("2")}, {})
    with pytest.raises(MissingRateError) as err:
        penalties.compute_penalty(D("1000"), date(2029, 12, 20), [], date(2030, 1, 10), table)
    assert (err.value.kind, err.value.half_year) == ("ecb_mro", "2030-S1")
    assert err.value.reason == "missing_rate"
    assert err.value.params == {"kind": "ecb_mro", "half_year": "2030-S1"}


def test_missing_legal_rate_in_contract_mode():
    table = RateTable({}, {})
    with pytest.raises(MissingRateError) as err:
        penalties.compute_penalty(
            D("1000"), date(2030, 1, 31), [], date(2030, 2, 10), table, "contract", "half_year", 20
        )
    assert (err.value.kind, err.value.half_year) == ("legal_professional", "2030-S1")


def test_missing_rate_not_needed_after_full_payment_or_with_fixed_convention():
    # The table stops at 2026-S1.
    # Paid in full 2026-06-25: 5 days at 12.15: 1000 x 12.15 x 5 = 60 750 / 36500 = 1.66438
    # -> 1.66, 2026-S2 never read.
    paid = penalty("1000", date(2026, 6, 20), date(2026, 7, 15), [(date(2026, 6, 25), D("1000"))])
    assert paid.amount == D("1.66")
    # Fixed: 20 days at the 2026-S1 rate: 1000 x 12.15 x 20 = 243 000 / 36500 = 6.65753 -> 6.66
    fixed = penalty("1000", date(2026, 6, 20), date(2026, 7, 10), convention="fixed")
    assert fixed.amount == D("6.66")
    with pytest.raises(MissingRateError) as err:
        penalty("1000", date(2026, 6, 20), date(2026, 7, 10))
    assert err.value.half_year == "2026-S2"


# --- rounding -------------------------------------------------------------------------------


def test_rounding_half_up_at_exactly_half_a_cent():
    # 1 005 due 2024-03-15 paid 2024-05-27: 16 + 30 + 27 = 73 days at 14.50
    # 1005 x 14.5 x 73 = 1 063 792.5 / 36500 = 29.145 exactly -> 29.15 (half-even: 29.14)
    res = penalty("1005", date(2024, 3, 15), date(2024, 5, 27))
    assert res.exact == D("29.145")
    assert res.amount == D("29.15")


def test_rounding_once_on_the_sum():
    # 1 006 due 2023-12-31; 500 paid 2024-03-13, 506 paid 2024-05-25 (all at 14.50, 2024-S1):
    #   2024-01-01..03-13: 31 + 29 + 13 = 73 days x 1 006 -> 1006 x 14.5 x 73 = 1 064 851
    #       / 36500 = 29.174
    #   2024-03-14..05-25: 18 + 30 + 25 = 73 days x 506   -> 506 x 14.5 x 73 = 535 601
    #       / 36500 = 14.674
    #   total 43.848 -> 43.85 (rounding each segment would give 29.17 + 14.67 = 43.84)
    res = penalty(
        "1006",
        date(2023, 12, 31),
        date(2024, 5, 25),
        [(date(2024, 3, 13), D("500")), (date(2024, 5, 25), D("506"))],
    )
    assert [s.days for s in res.segments] == [73, 73]
    assert res.exact == D("43.848")
    assert res.amount == D("43.85")


def test_currency_digits():
    # Worked example in a currency without decimals: 510.08219... -> 510
    res = penalty("12000", date(2024, 3, 15), date(2024, 6, 30), currency_digits=0)
    assert res.amount == D("510")


def test_many_invoices_are_fast():
    # 20 000 invoices over two years with three partial payments each: well under a second
    # each thousand (the models compute this for every open invoice).
    payments = [
        (date(2024, 2, 10), D("100")),
        (date(2024, 9, 1), D("250.50")),
        (date(2025, 3, 3), D("10")),
    ]
    start = time.perf_counter()
    for _ in range(20000):
        penalties.compute_penalty(
            D("1234.56"), date(2023, 12, 31), payments, date(2025, 12, 31), RATES
        )
    assert time.perf_counter() - start < 10


# --- D441-5 indemnity -----------------------------------------------------------------------


def test_indemnity_late_professional():
    assert penalties.indemnity_due(True, False, None, date(2024, 3, 15)) == D("40")


def test_indemnity_not_late():
    assert penalties.indemnity_due(False, False, None, date(2024, 3, 15)) == 0


def test_indemnity_never_against_a_consumer():
    # L111-8 Code de la consommation.
    assert penalties.indemnity_due(True, True, None, date(2024, 3, 15)) == 0


def test_indemnity_and_collective_proceedings():
    due = date(2024, 3, 15)
    # Opened before (or on) the due date: payment was forbidden, no indemnity.
    assert penalties.indemnity_due(True, False, date(2024, 3, 1), due) == 0
    assert penalties.indemnity_due(True, False, due, due) == 0
    # Opened after the due date: the debtor was already late.
    assert penalties.indemnity_due(True, False, date(2024, 4, 1), due) == D("40")


def test_unpaid_after_due_date():
    # due 2024-04-13, judgment 2024-04-14: late although no day of interest accrues
    instalments = [(D("500"), date(2024, 4, 13), [(date(2024, 4, 13), D("200"))])]
    assert penalties.unpaid_after_due_date(instalments, date(2024, 4, 14))
    # paid in full on the due date: on time
    paid = [(D("500"), date(2024, 4, 13), [(date(2024, 4, 13), D("500"))])]
    assert not penalties.unpaid_after_due_date(paid, date(2024, 4, 14))
    # due on the judgment day: not late before it
    on_judgment_day = [(D("500"), date(2024, 4, 14), [])]
    assert not penalties.unpaid_after_due_date(on_judgment_day, date(2024, 4, 14))


def test_indemnity_custom_amount():
    # Once per invoice whatever the amount (a company may claim a justified higher sum).
    assert penalties.indemnity_due(True, False, None, date(2024, 3, 15), D("55.00")) == D("55")


# --- more hand-derived cases (penalties feature) --------------------------------------------


def test_payment_on_the_last_day_of_a_half_year():
    # 10 000 due 2024-06-20; 5 000 paid 2024-06-30, 5 000 paid 2024-07-10:
    #   Jun 21-30: 10 days x 10 000 at 14.50 -> 10000 x 14.50 x 10 = 1 450 000
    #   Jul 1-10:  10 days x  5 000 at 14.25 ->  5000 x 14.25 x 10 =   712 500
    #   2 162 500 / 36500 = 59.24657... -> 59.25
    res = penalty(
        "10000",
        date(2024, 6, 20),
        date(2024, 7, 10),
        [(date(2024, 6, 30), D("5000")), (date(2024, 7, 10), D("5000"))],
    )
    assert res.amount == D("59.25")
    assert res.segments == [
        (date(2024, 6, 21), date(2024, 6, 30), 10, D(10000), D("14.50")),
        (date(2024, 7, 1), date(2024, 7, 10), 10, D(5000), D("14.25")),
    ]


def test_contract_rate_floor_with_fixed_convention():
    # Contract 15 % from 2024-06-21 to 2024-07-10, fixed convention: the 2024-S1 rate for all
    # 20 days, floor 3 x 5.07 = 15.21 > 15 -> 15.21:
    # 10000 x 15.21 x 20 = 3 042 000 / 36500 = 83.34246... -> 83.34
    res = penalty(
        "10000",
        date(2024, 6, 20),
        date(2024, 7, 10),
        mode="contract",
        contract_rate=D("15"),
        convention="fixed",
    )
    assert res.amount == D("83.34")
    assert res.floor_applied is True
    assert [r.half_year for r in res.rates] == [(2024, 1)]


def test_collective_proceedings_with_a_partial_payment():
    # 10 000 due 2024-03-15, 4 000 paid 2024-03-25, redressement opened 2024-04-14 (last
    # accruing day 2024-04-13), computed 2024-06-30:
    #   Mar 16-25: 10 days x 10 000 at 14.50 -> 1 450 000
    #   Mar 26 - Apr 13: 6 + 13 = 19 days x 6 000 at 14.50 -> 6000 x 14.5 x 19 = 1 653 000
    #   3 103 000 / 36500 = 85.01369... -> 85.01
    res = penalty(
        "10000",
        date(2024, 3, 15),
        date(2024, 6, 30),
        [(date(2024, 3, 25), D("4000"))],
        stop_date=date(2024, 4, 14),
    )
    assert (res.amount, res.days, res.last_day) == (D("85.01"), 29, date(2024, 4, 13))
    # The indemnity stays due: the proceedings opened after the due date.
    assert penalties.indemnity_due(True, False, date(2024, 4, 14), date(2024, 3, 15)) == D("40")


def test_consumer_owes_the_penalty_but_not_the_indemnity():
    # A consumer late on 1 000 due 2024-03-15 until 2024-04-14: 30 days at 14.50
    # 1000 x 14.5 x 30 = 435 000 / 36500 = 11.91780... -> 11.92; indemnity 0 (L111-8 C. conso).
    res = penalty("1000", date(2024, 3, 15), date(2024, 4, 14))
    assert res.amount == D("11.92")
    assert penalties.indemnity_due(res.days > 0, True, None, date(2024, 3, 15)) == 0


def test_second_half_of_2026_from_the_shipped_table():
    # 2026-S2: ECB 2.40 % on 2026-07-01 (secondary source) -> 12.40 %.
    # 1 000 due 2026-06-30 computed 2026-07-31: 31 days: 1000 x 12.40 x 31 = 384 400 / 36500
    # = 10.53150... -> 10.53
    table = RateTable({**ECB, (2026, 2): D("2.40")}, LEGAL)
    res = penalties.compute_penalty(D("1000"), date(2026, 6, 30), [], date(2026, 7, 31), table)
    assert (res.amount, res.days) == (D("10.53"), 31)


def test_later_period_is_the_difference_of_the_totals():
    # What a second penalty invoice charges: total to 2024-07-31 minus total to 2024-06-30.
    # 10 000 due 2024-03-15 unpaid:
    #   to 2024-06-30: 107 days x 14.50 -> 15 515 000 / 36500 = 425.068... -> 425.07
    #   to 2024-07-31: + 31 days x 14.25 = 4 417 500 -> 19 932 500 / 36500 = 546.0958 -> 546.10
    #   second invoice: 546.10 - 425.07 = 121.03
    first = penalty("10000", date(2024, 3, 15), date(2024, 6, 30))
    total = penalty("10000", date(2024, 3, 15), date(2024, 7, 31))
    assert (first.amount, total.amount) == (D("425.07"), D("546.10"))
    assert total.amount - first.amount == D("121.03")


def _shipped_rates():
    """Rates of the module's data file: {(kind, half_year or date): value}."""
    path = (
        Path(__file__).resolve().parents[1]
        / "recouvrement_b2b/data/recouvrement_penalty_rate_data.xml"
    )
    rates = {}
    for record in ET.parse(path).getroot().iter("record"):
        fields = {f.get("name"): f.text for f in record.iter("field")}
        key = fields.get("half_year") or fields.get("date_from")
        rates[fields["kind"], key] = D(fields["value"])
    return rates


def test_shipped_ecb_half_year_rates_follow_the_rate_changes():
    # Each ECB half-year rate (in force on 1 January / 1 July) is the last change effective on
    # or before that day: the two tables of the data file agree.
    rates = _shipped_rates()
    changes = sorted((k[1], v) for k, v in rates.items() if k[0] == "ecb_mro" and "-S" not in k[1])
    half_years = {k[1]: v for k, v in rates.items() if k[0] == "ecb_mro" and "-S" in k[1]}
    assert len(half_years) >= 30
    for label, value in half_years.items():
        start = penalties.half_year_bounds(label)[0].isoformat()
        in_force = [rate for effective, rate in changes if effective <= start][-1]
        assert in_force == value, label
    # The tier-1 reference table above matches the shipped data.
    for key, value in ECB.items():
        assert half_years[penalties.half_year_label(key)] == value
    for key, value in LEGAL.items():
        assert rates["legal_professional", penalties.half_year_label(key)] == value
