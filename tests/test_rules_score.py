"""Payment-behaviour score: points = 100 - 35 x min(days, 60)/60 - 25 x share - 20 x level/5
- 20 x litigation - 10 x (1 - promise keep rate); A >= 80, B >= 60, C >= 40, D >= 20, E below;
litigation caps at C."""

from datetime import date
from decimal import Decimal as D

import pytest
from recouvrement_rules.score import ScoreError, compute_score, letter_for, score_inputs


def test_perfect_payer():
    assert compute_score(0, 0, 0, False) == ("A", 100, [])


def test_early_payments_do_not_earn_points():
    assert compute_score(-5, 0, 0, False)[:2] == ("A", 100)


def test_average_payer():
    # 12 days: 35 x 12/60 = 7; share 0.4: 10; level 2: 8 -> 100 - 25 = 75 -> B
    letter, points, reasons = compute_score(D("12"), D("0.4"), 2, False)
    assert (letter, points) == ("B", 75)
    assert [code for code, _params in reasons] == ["days_late", "late_share", "dunning_level"]
    assert reasons[0] == ("days_late", {"days": D("12"), "points": D(7)})
    assert reasons[2][1]["points"] == 8


def test_bad_payer():
    # 90 days (capped at 60): 35; share 0.9: 22.5; level 5: 20 -> 100 - 77.5 = 22.5 -> 23 -> D
    assert compute_score(90, D("0.9"), 5, False)[:2] == ("D", 23)
    # everything at worst: 100 - 35 - 25 - 20 - 20 = 0 -> E
    letter, points, reasons = compute_score(120, 1, 5, True)
    assert (letter, points) == ("E", 0)
    assert reasons[-1] == ("litigation", {"points": D(20)})


def test_points_round_half_up():
    # 3 days: 35 x 3/60 = 1.75; share 0.1: 2.5 -> 100 - 4.25 = 95.75 -> 96
    assert compute_score(3, D("0.1"), 0, False)[1] == 96
    # 6 days: 3.5 -> 96.5 -> 97 (half-up)
    assert compute_score(6, 0, 0, False)[1] == 97


def test_thresholds():
    # 60+ days (35) + share 0.2 (5) = 40 lost -> 60 -> B; share 0.24 (6) -> 59 -> C
    assert compute_score(60, D("0.2"), 0, False)[:2] == ("B", 60)
    assert compute_score(60, D("0.24"), 0, False)[:2] == ("C", 59)
    assert [letter_for(p) for p in (100, 80, 79, 60, 59, 40, 39, 20, 19, 0)] == list("AABBCCDDEE")


def test_litigation_caps_the_letter_at_c():
    # Otherwise perfect: 100 - 20 = 80 would be A, capped at C.
    assert compute_score(0, 0, 0, True)[:2] == ("C", 80)
    # Already below C: unchanged.
    assert compute_score(60, D("0.8"), 3, True)[0] == "E"


def test_invalid_inputs():
    with pytest.raises(ScoreError) as err:
        compute_score(0, D("1.5"), 0, False)
    assert err.value.reason == "late_share"
    with pytest.raises(ScoreError) as err:
        compute_score(0, 0, 6, False)
    assert err.value.reason == "dunning_level"


# --- inputs from the invoices due in the window --------------------------------------------

TODAY = date(2026, 3, 15)


def test_inputs_weighted_by_amount():
    # 1000 paid 30 days late, 1000 paid early: (1000 x 30 + 1000 x 0) / 2000 = 15 days; 1 of 2
    invoices = [
        (1000.0, date(2026, 1, 1), date(2026, 1, 31)),
        (1000.0, date(2026, 2, 1), date(2026, 1, 25)),
    ]
    assert score_inputs(invoices, TODAY) == {
        "avg_days_late": D("15.00"),
        "late_share": D("0.5000"),
        "max_dunning_level": 0,
        "litigation": False,
        "promise_keep_rate": None,
        "call_negative_rate": None,
    }
    # 100 points - 35 x 15/60 - 25 x 0.5 = 78.75 -> 79 -> B
    assert compute_score(**score_inputs(invoices, TODAY))[:2] == ("B", 79)


def test_inputs_open_invoice_late_until_today():
    # 300 open, due 2026-02-13: 30 days late today; 100 paid on its due date: 0
    invoices = [(300.0, date(2026, 2, 13), None), (100.0, date(2026, 3, 1), date(2026, 3, 1))]
    inputs = score_inputs(invoices, TODAY)
    assert inputs["avg_days_late"] == D("22.50")  # 300 x 30 / 400
    assert inputs["late_share"] == D("0.5000")


def test_inputs_rounding_half_up():
    # 3 invoices, 1 late: 0.33333 -> 0.3333; 10 x 1 day + 10 x 0 + 20 x 0 over 40 = 0.25
    invoices = [
        (10.0, date(2026, 3, 1), date(2026, 3, 2)),
        (10.0, date(2026, 3, 1), date(2026, 3, 1)),
        (20.0, date(2026, 3, 1), date(2026, 2, 1)),
    ]
    inputs = score_inputs(invoices, TODAY)
    assert (inputs["avg_days_late"], inputs["late_share"]) == (D("0.25"), D("0.3333"))
    # 1 x 2 days + 2 x 0 (open, due today) over 3 = 0.666... -> 0.67
    invoices = [(1.0, date(2026, 3, 1), date(2026, 3, 3)), (2.0, date(2026, 3, 1), None)]
    assert score_inputs(invoices, date(2026, 3, 1))["avg_days_late"] == D("0.67")


def test_inputs_without_invoices_dunning_cap_and_litigation():
    assert score_inputs([], TODAY, dunning_level=7, litigation=1) == {
        "avg_days_late": 0,
        "late_share": 0,
        "max_dunning_level": 5,
        "litigation": True,
        "promise_keep_rate": None,
        "call_negative_rate": None,
    }
    assert score_inputs([], TODAY, dunning_level=None)["max_dunning_level"] == 0


def test_broken_promises_take_their_weight_off():
    # 1 kept out of 4 closed: 10 x (1 - 0.25) = 7.5 points off, 92.5 rounded half-up to 93
    letter, points, reasons = compute_score(0, 0, 0, False, promise_keep_rate=D("0.25"))
    assert (letter, points) == ("A", 93)
    assert reasons == [("promises", {"promise_keep_rate": D("0.25"), "points": D("7.5")})]
    # no promise closed: nothing off; every promise kept: nothing off
    assert compute_score(0, 0, 0, False, promise_keep_rate=None)[1] == 100
    assert compute_score(0, 0, 0, False, promise_keep_rate=1)[1] == 100
    with pytest.raises(ScoreError):
        compute_score(0, 0, 0, False, promise_keep_rate=D("1.5"))


def test_score_inputs_pass_the_keep_rate():
    inputs = score_inputs([], date(2026, 5, 1), promise_keep_rate=D("0.333333"))
    assert inputs["promise_keep_rate"] == D("0.3333")
    assert score_inputs([], date(2026, 5, 1))["promise_keep_rate"] is None


def test_calls_refused_or_not_reached():
    # 4 calls scored, 1 refused and 1 not reached: 10 x 2/4 = 5 points off
    letter, points, reasons = compute_score(0, 0, 0, False, call_negative_rate=D("0.5"))
    assert (letter, points) == ("A", 95)
    assert reasons == [("calls", {"call_negative_rate": D("0.5"), "points": D("5.0")})]
    # every call refused: the whole weight; none logged: nothing
    assert compute_score(0, 0, 0, False, call_negative_rate=1)[1] == 90
    assert compute_score(0, 0, 0, False, call_negative_rate=None) == ("A", 100, [])
    # 1 of 3: 0.33333 -> 0.3333 -> 3.333 points -> 96.67 -> 97
    inputs = score_inputs([], TODAY, call_negative_rate=1 / 3)
    assert inputs["call_negative_rate"] == D("0.3333")
    assert compute_score(**inputs)[1] == 97
    with pytest.raises(ScoreError) as err:
        compute_score(0, 0, 0, False, call_negative_rate=D("1.2"))
    assert err.value.reason == "call_negative_rate"
