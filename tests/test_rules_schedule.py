"""Payment plan dates, amounts and allocation."""

from datetime import date
from decimal import Decimal as D

import pytest
from recouvrement_rules import schedule
from recouvrement_rules.schedule import ScheduleError


def reason_of(func, *args, **kwargs):
    """Return the reason of the ScheduleError raised by func(*args, **kwargs)."""
    with pytest.raises(ScheduleError) as err:
        func(*args, **kwargs)
    return err.value.reason


def test_monthly_dates_clamp_to_month_end():
    assert schedule.instalment_dates(date(2025, 1, 31), 3, "monthly") == [
        date(2025, 1, 31),
        date(2025, 2, 28),
        date(2025, 3, 31),
    ]
    assert schedule.instalment_dates(date(2024, 1, 31), 2, "monthly")[1] == date(2024, 2, 29)
    assert schedule.instalment_dates(date(2025, 11, 30), 2, "quarterly")[1] == date(2026, 2, 28)
    assert schedule.instalment_dates(date(2025, 5, 15), 1, "monthly") == [date(2025, 5, 15)]


def test_monthly_dates_from_the_first_date_not_iteratively():
    assert schedule.instalment_dates(date(2025, 1, 31), 4, "monthly") == [
        date(2025, 1, 31),
        date(2025, 2, 28),
        date(2025, 3, 31),  # not 28 March: computed from 31 January
        date(2025, 4, 30),
    ]
    assert schedule.instalment_dates(date(2024, 1, 31), 2, "monthly")[1] == date(2024, 2, 29)


def test_weekly_and_quarterly_dates():
    assert schedule.instalment_dates(date(2025, 12, 25), 3, "weekly") == [
        date(2025, 12, 25),
        date(2026, 1, 1),
        date(2026, 1, 8),
    ]
    assert schedule.instalment_dates(date(2025, 11, 30), 3, "quarterly") == [
        date(2025, 11, 30),
        date(2026, 2, 28),
        date(2026, 5, 30),
    ]


def test_equal_instalments_rounding_on_the_last():
    # 100.00 / 3 = 33.333... -> 33.33, 33.33, and 100.00 - 66.66 = 33.34
    lines = schedule.build_schedule(D("100.00"), 3, date(2025, 1, 31), "monthly")
    assert lines == [
        (date(2025, 1, 31), D("33.33")),
        (date(2025, 2, 28), D("33.33")),
        (date(2025, 3, 31), D("33.34")),
    ]


def test_rounding_half_up_can_lower_the_last():
    # 200 / 3 = 66.666... -> 66.67, 66.67, 200 - 133.34 = 66.66
    amounts = [a for _d, a in schedule.build_schedule(D("200"), 3, date(2025, 1, 1), "monthly")]
    assert amounts == [D("66.67"), D("66.67"), D("66.66")]
    # 0.05 / 2 = 0.025 -> 0.03 (half-up), last 0.02
    amounts = [a for _d, a in schedule.build_schedule(D("0.05"), 2, date(2025, 1, 1), "weekly")]
    assert amounts == [D("0.03"), D("0.02")]


def test_sum_always_equals_total():
    for total in (D("1234.57"), D("0.07"), D("999999.99")):
        for count in (1, 2, 3, 6, 7):
            lines = schedule.build_schedule(total, count, date(2025, 1, 15), "monthly")
            assert sum(a for _d, a in lines) == total
            assert len(lines) == count


def test_down_payment_first_line():
    # 1 000 with 250 down on 2025-01-10, then 750 / 3 = 250 monthly from 2025-02-10.
    lines = schedule.build_schedule(
        D("1000"),
        3,
        date(2025, 2, 10),
        "monthly",
        down_payment=D("250"),
        down_payment_date=date(2025, 1, 10),
    )
    assert lines == [
        (date(2025, 1, 10), D("250")),
        (date(2025, 2, 10), D("250.00")),
        (date(2025, 3, 10), D("250.00")),
        (date(2025, 4, 10), D("250")),
    ]
    # Without a date the down payment is due on the first date.
    lines = schedule.build_schedule(D("100"), 2, date(2025, 2, 10), "weekly", down_payment=10)
    assert lines[0] == (date(2025, 2, 10), D("10"))
    assert sum(a for _d, a in lines) == D("100")


def test_currency_digits():
    lines = schedule.build_schedule(D("1000"), 3, date(2025, 1, 1), "monthly", digits=0)
    assert [a for _d, a in lines] == [D("333"), D("333"), D("334")]


def test_schedule_errors():
    first = date(2025, 1, 1)
    assert reason_of(schedule.build_schedule, D("100"), 0, first, "monthly") == "count"
    assert reason_of(schedule.build_schedule, D("0.02"), 3, first, "monthly") == "count"
    # More than 10 years of monthly instalments (10 000 would end in 2860): refused.
    assert len(schedule.build_schedule(D("12000"), 120, first, "monthly")) == 120
    assert reason_of(schedule.build_schedule, D("12100"), 121, first, "monthly") == "count"
    assert reason_of(schedule.build_schedule, D("1E6"), 10000, first, "monthly") == "count"
    # Beyond the calendar: a ScheduleError, not "year 10000 is out of range".
    last_day = date(9999, 12, 31)
    assert reason_of(schedule.build_schedule, D("100"), 2, last_day, "monthly") == "horizon"
    assert reason_of(schedule.build_schedule, D("100"), 2, last_day, "weekly") == "horizon"
    assert reason_of(schedule.build_schedule, D("0"), 3, first, "monthly") == "total"
    assert reason_of(schedule.build_schedule, D("-5"), 3, first, "monthly") == "total"
    assert reason_of(schedule.build_schedule, D("10.001"), 3, first, "monthly") == "total"
    assert reason_of(schedule.build_schedule, D("100"), 3, first, "daily") == "frequency"
    assert (
        reason_of(schedule.build_schedule, D("100"), 3, first, "monthly", down_payment=D("100"))
        == "down_payment"
    )
    assert (
        reason_of(schedule.build_schedule, D("100"), 3, first, "monthly", down_payment=D("-1"))
        == "down_payment"
    )
    assert (
        reason_of(
            schedule.build_schedule,
            D("100"),
            3,
            first,
            "monthly",
            down_payment=D("10"),
            down_payment_date=date(2025, 2, 1),
        )
        == "down_payment"
    )
    with pytest.raises(ScheduleError) as err:
        schedule.instalment_dates(first, 3, "yearly")
    assert err.value.params == {"frequency": "yearly"}
    assert isinstance(err.value, ValueError)


def test_allocate_oldest_first():
    lines = [
        (date(2025, 3, 31), D("33.34")),
        (date(2025, 1, 31), D("33.33")),
        (date(2025, 2, 28), D("33.33")),
    ]
    # 50 paid: 33.33 to January, 16.67 to February, nothing to March (original order kept).
    assert schedule.allocate(D("50"), lines) == [D("0"), D("33.33"), D("16.67")]
    assert schedule.allocate(D("0"), lines) == [D("0")] * 3
    # Overpayment: every line paid, the 10.00 excess stays unallocated.
    assert schedule.allocate(D("110"), lines) == [D("33.34"), D("33.33"), D("33.33")]
    assert schedule.allocate(D("10"), []) == []
    assert reason_of(schedule.allocate, D("-1"), lines) == "total"


def test_quarterly_from_month_end_keeps_the_anchor_day():
    # Computed from 31 August each time: 30 Nov, 28 Feb, 31 May (not 28 May).
    assert schedule.instalment_dates(date(2025, 8, 31), 4, "quarterly") == [
        date(2025, 8, 31),
        date(2025, 11, 30),
        date(2026, 2, 28),
        date(2026, 5, 31),
    ]
    # 29 February of a leap year, one year on: 28 February; four years on: 29 February.
    dates = schedule.instalment_dates(date(2024, 2, 29), 17, "quarterly")
    assert (dates[4], dates[16]) == (date(2025, 2, 28), date(2028, 2, 29))


def test_weekly_crosses_month_and_year_ends():
    dates = schedule.instalment_dates(date(2024, 2, 22), 2, "weekly")
    assert dates == [date(2024, 2, 22), date(2024, 2, 29)]


def test_many_instalments_rounding_goes_to_the_last():
    # 1 000.00 / 7 = 142.857... -> six times 142.86, last 1 000 - 857.16 = 142.84
    amounts = [a for _d, a in schedule.build_schedule(D("1000.00"), 7, date(2025, 1, 1), "weekly")]
    assert amounts == [D("142.86")] * 6 + [D("142.84")]
    # Each instalment must be at least one cent: 0.03 cannot be split in 4.
    assert reason_of(schedule.build_schedule, D("0.03"), 4, date(2025, 1, 1), "weekly") == "count"


def test_down_payment_and_waiver_like_totals_add_up():
    lines = schedule.build_schedule(
        D("1399.99"),
        3,
        date(2025, 3, 10),
        "weekly",
        down_payment=D("300"),
        down_payment_date=date(2025, 3, 3),
    )
    assert [a for _d, a in lines] == [D("300"), D("366.66"), D("366.66"), D("366.67")]
    assert sum(a for _d, a in lines) == D("1399.99")


def test_allocate_down_payment_first_on_the_same_day():
    # A down payment due the same day as the first instalment is paid first (order kept).
    lines = [
        (date(2025, 3, 31), D("300")),
        (date(2025, 3, 31), D("400")),
        (date(2025, 4, 30), D("400")),
    ]
    assert schedule.allocate(D("500"), lines) == [D("300"), D("200"), D("0")]
    assert schedule.allocate(1100.0, lines) == [D("300"), D("400"), D("400")]
    with pytest.raises(ScheduleError) as err:
        schedule.allocate(D("-1"), lines)
    assert err.value.reason == "total"


def test_to_amount_rounds_half_up_to_the_currency():
    assert schedule.to_amount(2.675) == D("2.68")  # repr 2.675, not its binary approximation
    assert schedule.to_amount(D("0.125")) == D("0.13")
    assert schedule.to_amount(-0.125) == D("-0.13")
    assert schedule.to_amount(1000.4, 0) == D("1000")
    assert schedule.to_amount(None) == D("0.00")


def test_plan_totals_invoices_penalties_waiver():
    # 1 000 + 500 due; penalties 12.34 + 1.66 and 2 x 40 indemnities; 14 waived: 1 580.
    totals = schedule.plan_totals([1000.0, 500.0], [12.34, 40.0, 1.66, 40.0], waiver=14.0)
    assert totals == (D("1500.00"), D("94.00"), D("1580.00"))
    assert (totals.invoices, totals.penalties, totals.total) == totals
    # Float sums are exact: 0.1 + 0.2 is 0.30, not 0.30000000000000004.
    assert schedule.plan_totals([0.1, 0.2]).total == D("0.30")
    # Penalties not included, waiver above them: the total may fall to zero or below.
    assert schedule.plan_totals([1500.0], waiver=1500.0).total == D("0.00")
    assert schedule.plan_totals([100.0], waiver=100.01).total == D("-0.01")
    assert schedule.plan_totals([], digits=0) == (D("0"), D("0"), D("0"))


def test_paid_on_invoices_and_left_to_pay():
    # Scheduled 1 500; 800 and 0 left on the invoices now: 700 paid, 800 left of 1 580.
    paid = schedule.paid_on_invoices(1500.0, [800.0, 0.0])
    assert paid == D("700.00")
    assert schedule.left_to_pay(1580.0, paid) == D("880.00")
    # An invoice that grew again (payment unreconciled) never makes "paid" negative.
    assert schedule.paid_on_invoices(1500.0, [1000.0, 600.0]) == D("0.00")
    # Overpayment: nothing left, never a negative balance.
    assert schedule.left_to_pay(100.0, 120.0) == D("0.00")
    assert schedule.left_to_pay(D("1399.99"), D("0.005")) == D("1399.99")  # half-up of 1399.985


def test_instalment_balances():
    lines = [
        (date(2025, 3, 31), 500.0),
        (date(2025, 4, 30), 500.0),
        (date(2025, 5, 31), 500.0),
    ]
    # 700 paid: the first instalment paid, 200 on the second, nothing on the third.
    assert schedule.instalment_balances(700.0, lines) == [
        (D("500.00"), D("0.00")),
        (D("200.00"), D("300.00")),
        (D("0"), D("500.00")),
    ]
    # Order of ``lines`` kept, allocation by due date; the excess is not allocated.
    assert schedule.instalment_balances(D("2000"), lines[::-1])[0] == (D("500.00"), D("0.00"))
    assert schedule.instalment_balances(0, []) == []
