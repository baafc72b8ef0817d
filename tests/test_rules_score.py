"""Payment-behaviour score: points = 100 - 35 x min(days, 60)/60 - 25 x share - 20 x level/5
- 20 x litigation; A >= 80, B >= 60, C >= 40, D >= 20, E below; litigation caps at C."""

from decimal import Decimal as D

import pytest
from recouvrement_rules.score import ScoreError, compute_score, letter_for


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
