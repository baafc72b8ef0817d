"""Prescription and injonction de payer deadlines."""

from datetime import date

import pytest
from recouvrement_rules.deadlines import (
    ALERT_DAYS_BEFORE,
    DeadlineError,
    alert_dates,
    is_order_lapsed,
    is_time_barred,
    next_alert_date,
    opposition_deadline,
    payment_deadline,
    prescription_date,
    receipt_date,
    service_deadline,
)


def test_five_years_from_the_due_date():
    # L110-4 Code de commerce.
    assert prescription_date(date(2020, 3, 15)) == date(2025, 3, 15)


def test_start_from_an_earlier_delivery():
    # Service completed 2020-01-10, invoice issued late, due 2020-04-30: from 2020-01-10.
    assert prescription_date(date(2020, 4, 30), date(2020, 1, 10)) == date(2025, 1, 10)
    # Delivery after the due date (prepayment): the due date stays the start.
    assert prescription_date(date(2020, 4, 30), date(2020, 6, 1)) == date(2025, 4, 30)


def test_consumer_two_years():
    # L218-2 Code de la consommation.
    assert prescription_date(date(2023, 6, 30), consumer=True) == date(2025, 6, 30)


def test_leap_day_start():
    assert prescription_date(date(2024, 2, 29)) == date(2029, 2, 28)
    assert prescription_date(date(2026, 2, 28), consumer=True) == date(2028, 2, 28)


def test_acknowledgment_restarts_a_full_period():
    # Art. 2240 + 2231: acknowledgment 2022-06-01 -> new 5 years to 2027-06-01.
    assert prescription_date(
        date(2020, 3, 15), interruptions=[(date(2022, 6, 1), "acknowledgment")]
    ) == date(2027, 6, 1)


def test_several_interruptions_in_any_order():
    acts = [(date(2026, 9, 1), "enforcement"), (date(2022, 6, 1), "legal_action")]
    # 2022-06-01 -> 2027-06-01; 2026-09-01 is before it -> 2031-09-01
    assert prescription_date(date(2020, 3, 15), interruptions=acts) == date(2031, 9, 1)


def test_interruption_on_the_last_day_counts():
    assert prescription_date(date(2020, 3, 15), interruptions=[date(2025, 3, 15)]) == date(
        2030, 3, 15
    )


def test_interruption_after_expiry_does_not_revive():
    assert prescription_date(
        date(2020, 3, 15), interruptions=[(date(2025, 3, 16), "acknowledgment")]
    ) == date(2025, 3, 15)


def test_interruption_before_the_start_is_ignored():
    assert prescription_date(
        date(2020, 3, 15), interruptions=[(date(2020, 1, 1), "acknowledgment")]
    ) == date(2025, 3, 15)


def test_formal_notice_does_not_interrupt():
    # Cass. com. 18/05/2022 n 20-23.204.
    assert prescription_date(
        date(2020, 3, 15), interruptions=[(date(2024, 1, 10), "formal_notice")]
    ) == date(2025, 3, 15)


def test_consumer_interruption_restarts_two_years():
    assert prescription_date(
        date(2023, 6, 30), interruptions=[(date(2024, 6, 1), "acknowledgment")], consumer=True
    ) == date(2026, 6, 1)


def test_unknown_interruption_kind():
    with pytest.raises(DeadlineError) as err:
        prescription_date(date(2020, 3, 15), interruptions=[(date(2021, 1, 1), "phone_call")])
    assert (err.value.reason, err.value.params) == ("interruption_kind", {"kind": "phone_call"})


def test_opposition_one_month():
    # Art. 1416 CPC.
    assert opposition_deadline(date(2025, 3, 10)) == date(2025, 4, 10)
    assert opposition_deadline(date(2025, 1, 31)) == date(2025, 2, 28)


def test_service_deadline_before_and_after_the_reform():
    # Before 2026-09-01: 6 months; from 2026-09-01: 3 months (décret 2026-96).
    assert service_deadline(date(2026, 8, 31)) == date(2027, 2, 28)
    assert service_deadline(date(2026, 9, 1)) == date(2026, 12, 1)
    assert service_deadline(date(2025, 5, 20)) == date(2025, 11, 20)


def test_alert_dates():
    # 2025-12-01 - 60 days = 2025-10-02; - 15 days = 2025-11-16
    assert alert_dates(date(2025, 12, 1)) == [date(2025, 10, 2), date(2025, 11, 16)]
    assert alert_dates(date(2025, 12, 1), (1, 30, 1)) == [date(2025, 11, 1), date(2025, 11, 30)]


def test_delivery_only_counts_for_a_late_invoice():
    # Invoiced on delivery (2020-03-01), due 2020-03-31: the due date starts the period.
    assert prescription_date(
        date(2020, 3, 31), date(2020, 3, 1), invoice_date=date(2020, 3, 1)
    ) == date(2025, 3, 31)
    # Service completed 2020-01-10, invoice issued late on 2020-03-01 (Cass. com. 26/02/2020).
    assert prescription_date(
        date(2020, 3, 31), date(2020, 1, 10), invoice_date=date(2020, 3, 1)
    ) == date(2025, 1, 10)


def test_late_invoice_then_acknowledgment():
    # Start 2020-01-10 (late invoice), plan signed 2024-12-01: new period to 2029-12-01.
    assert prescription_date(
        date(2020, 3, 31),
        date(2020, 1, 10),
        interruptions=[(date(2024, 12, 1), "acknowledgment")],
        invoice_date=date(2020, 3, 1),
    ) == date(2029, 12, 1)


def test_prescription_alerts_60_and_15_days_before():
    # Due 2021-12-20 -> prescribed after 2026-12-20: alerts on 2026-10-21 and 2026-12-05.
    deadline = prescription_date(date(2021, 12, 20))
    assert alert_dates(deadline) == [date(2026, 10, 21), date(2026, 12, 5)]


def test_service_then_opposition_chain():
    # Order issued 2026-09-15 -> serve by 2026-12-15; served 2026-11-25 -> oppose by 2026-12-25.
    assert service_deadline(date(2026, 9, 15)) == date(2026, 12, 15)
    assert opposition_deadline(date(2026, 11, 25)) == date(2026, 12, 25)
    # End of month clamping on the service deadline: 2026-11-30 + 3 months = 2027-02-28.
    assert service_deadline(date(2026, 11, 30)) == date(2027, 2, 28)


def test_next_alert_date_60_then_15_days_before():
    assert ALERT_DAYS_BEFORE == (60, 15)
    deadline = date(2026, 12, 20)
    # No alert yet: 60 days before; after it: 15 days before; after both: none.
    assert next_alert_date(deadline) == date(2026, 10, 21)
    assert next_alert_date(deadline, date(2026, 10, 21)) == date(2026, 12, 5)
    assert next_alert_date(deadline, date(2026, 12, 5)) is None
    # A run after missed days (last alert on 2026-11-20, between the two): the 15-day one.
    assert next_alert_date(deadline, date(2026, 11, 20)) == date(2026, 12, 5)
    # An alert raised before a later interruption: the new deadline's alerts are all ahead.
    assert next_alert_date(date(2031, 12, 10), date(2026, 12, 5)) == date(2031, 10, 11)
    # No deadline (Odoo gives False for an empty date): no alert.
    assert next_alert_date(False) is None
    assert next_alert_date(None, date(2026, 1, 1)) is None
    assert next_alert_date(deadline, False, offsets=(1,)) == date(2026, 12, 19)


def test_payment_deadline_runs_from_receipt():
    # An email: from the day it was sent.
    assert payment_deadline(8, sent=date(2026, 4, 15)) == date(2026, 4, 23)
    # A letter prepared on 15 April: not started before it is posted; posted 25 April, no
    # proof of delivery: 3 days of post then 8 days; delivered 27 April: from then.
    letter = {"sent": date(2026, 4, 15), "letter": True}
    assert payment_deadline(8, **letter) is None
    assert receipt_date(posted=date(2026, 4, 25), **letter) == date(2026, 4, 28)
    assert payment_deadline(8, posted=date(2026, 4, 25), **letter) == date(2026, 5, 6)
    assert payment_deadline(
        15, posted=date(2026, 4, 25), delivered=date(2026, 4, 27), **letter
    ) == date(2026, 5, 12)
    # A level without a deadline: 8 days, as its letter says.
    assert payment_deadline(0, sent=date(2026, 4, 15)) == date(2026, 4, 23)


def test_restart_keeps_a_chain_of_acts_running():
    # Issue 17 (break test): due 2020-03-10, acknowledged 2024-06-01 (to 2029-06-01), then an
    # order served 2026-04-15, after the first period: recorded as the restart, 2031-04-15.
    assert prescription_date(date(2020, 3, 10), restart=date(2026, 4, 15)) == date(2031, 4, 15)
    # a restart before the start changes nothing
    assert prescription_date(date(2020, 3, 10), restart=date(2020, 1, 1)) == date(2025, 3, 10)
    assert prescription_date(date(2023, 6, 30), restart=date(2026, 1, 5), consumer=True) == date(
        2028, 1, 5
    )


def test_is_time_barred():
    assert not is_time_barred(date(2025, 3, 10), date(2025, 3, 10))
    assert is_time_barred(date(2025, 3, 10), date(2025, 3, 11))
    # interrupted until collective proceedings close: no last day, never time-barred
    assert not is_time_barred(None, date(2040, 1, 1))


def test_order_lapsed_when_not_served_in_time():
    # art. 1411 CPC: issued 2026-01-05, to serve by 2026-07-05 (6 months, before the reform)
    assert not is_order_lapsed(date(2026, 1, 5), date(2026, 7, 5))
    assert is_order_lapsed(date(2026, 1, 5), date(2026, 7, 6))
    assert not is_order_lapsed(date(2026, 1, 5), day=date(2026, 7, 5))  # not served yet
    assert is_order_lapsed(date(2026, 1, 5), day=date(2026, 7, 6))
    assert not is_order_lapsed(date(2026, 1, 5), date(2026, 3, 1), date(2026, 9, 1))  # served
    # issued 2026-09-15, after décret 2026-96: 3 months, by 2026-12-15
    assert not is_order_lapsed(date(2026, 9, 15), date(2026, 12, 15))
    assert is_order_lapsed(date(2026, 9, 15), date(2026, 12, 16))
    assert not is_order_lapsed(None, date(2030, 1, 1))  # no order
