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


def test_add_months_clamps_to_month_end():
    assert schedule.add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert schedule.add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert schedule.add_months(date(2025, 1, 31), 2) == date(2025, 3, 31)
    assert schedule.add_months(date(2025, 11, 30), 3) == date(2026, 2, 28)
    assert schedule.add_months(date(2025, 3, 31), -1) == date(2025, 2, 28)
    assert schedule.add_months(date(2025, 5, 15), 0) == date(2025, 5, 15)


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
