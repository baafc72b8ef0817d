"""Dunning ladder selection."""

from datetime import date
from decimal import Decimal as D

import pytest
from recouvrement_rules.dunning import (
    LadderError,
    Level,
    check_ladder,
    due_levels,
    highest,
    next_action_date,
    next_level,
    rank,
    reached_sequence,
)

LADDER = [
    Level("courtesy", 1, -5),
    Level("reminder", 2, 10),
    Level("second", 3, 25),
    Level("formal_notice", 4, 45, D("150")),
    Level("litigation", 5, 75, D("500")),
]
DUE = date(2025, 1, 31)


def test_due_levels():
    assert due_levels(LADDER, DUE, date(2025, 1, 25)) == []
    assert [lvl.key for lvl in due_levels(LADDER, DUE, date(2025, 1, 26))] == ["courtesy"]
    # 2025-01-31 + 25 days = 2025-02-25
    assert [lvl.key for lvl in due_levels(list(reversed(LADDER)), DUE, date(2025, 2, 25))] == [
        "courtesy",
        "reminder",
        "second",
    ]


def test_next_level_progression():
    assert next_level(LADDER, None, DUE, date(2025, 1, 20), D("1000")) is None
    assert next_level(LADDER, 0, DUE, date(2025, 1, 26), D("1000")).key == "courtesy"
    # 2025-02-10 = due + 10: reminder.
    assert next_level(LADDER, 1, DUE, date(2025, 2, 10), D("1000")).key == "reminder"
    assert next_level(LADDER, 2, DUE, date(2025, 2, 24), D("1000")) is None
    assert next_level(LADDER, 2, DUE, date(2025, 2, 25), D("1000")).key == "second"


def test_next_level_jumps_to_the_highest_due():
    # Nothing sent yet and 80 days late: straight to the highest level due.
    assert next_level(LADDER, None, DUE, date(2025, 4, 21), D("1000")).key == "litigation"
    assert next_level(LADDER, 5, DUE, date(2025, 12, 31), D("1000")) is None


def test_min_amount_skips_levels():
    # 300 due: litigation (min 500) not applied, formal notice (min 150) is.
    assert next_level(LADDER, 3, DUE, date(2025, 4, 21), D("300")).key == "formal_notice"
    # 100 due: neither; level 3 already sent -> nothing.
    assert next_level(LADDER, 3, DUE, date(2025, 4, 21), D("100")) is None
    # Exactly the minimum applies.
    assert next_level(LADDER, 3, DUE, date(2025, 4, 21), D("150")).key == "formal_notice"
    # Amount not given: not checked.
    assert next_level(LADDER, 3, DUE, date(2025, 4, 21)).key == "litigation"


def test_next_action_date():
    assert next_action_date(LADDER, None, DUE) == date(2025, 1, 26)
    assert next_action_date(LADDER, 2, DUE) == date(2025, 2, 25)
    # 2025-01-31 + 45 days = 2025-03-17
    assert next_action_date(LADDER, 3, DUE) == date(2025, 3, 17)
    assert next_action_date(LADDER, 3, DUE, D("100")) is None
    assert next_action_date(LADDER, 5, DUE) is None


def test_check_ladder():
    check_ladder(LADDER)
    with pytest.raises(LadderError) as err:
        check_ladder([*LADDER, Level("again", 6, 25)])
    assert (err.value.reason, err.value.params) == ("duplicate_days", {"days": 25})
    with pytest.raises(LadderError) as err:
        check_ladder([*LADDER, Level("again", 5, 90)])
    assert err.value.reason == "duplicate_sequence"
    with pytest.raises(LadderError) as err:
        check_ladder([Level("a", 1, 30), Level("b", 2, 10)])
    assert (err.value.reason, err.value.params) == ("order", {"key": "b", "days": 10})
    check_ladder([])


def test_rank_and_highest():
    assert rank(Level("x", 3, 25)) == (3, 25)
    assert highest(LADDER).key == "litigation"
    assert highest(reversed(LADDER)).key == "litigation"
    assert highest([]) is None
    # levels of two ladders (a customer who changed policy): same sequence, more days wins
    other = Level("other_second", 3, 30)
    assert highest([LADDER[2], other]) is other
    assert highest([other, LADDER[2]]) is other
    # a tie on sequence and days: the first one
    twin = Level("twin", 3, 25)
    assert highest([LADDER[2], twin]) is LADDER[2]
    assert highest([twin, LADDER[2]]) is twin


def test_reached_sequence():
    assert reached_sequence(LADDER, None) == 0
    assert reached_sequence(LADDER, LADDER[2]) == 3
    # a level of another ladder counts as the highest level with as many days or fewer:
    # 30 days -> "second" (25 days, sequence 3), not "formal_notice" (45 days)
    assert reached_sequence(LADDER, Level("old_firm", 7, 30)) == 3
    assert reached_sequence(LADDER, Level("old_notice", 1, 45)) == 4
    # before the first level of the new ladder: nothing reached
    assert reached_sequence(LADDER, Level("old_courtesy", 1, -10)) == 0
    assert reached_sequence([], Level("old", 1, 10)) == 0


def test_changed_policy_continues_up_the_new_ladder():
    # 40 days late, "firm" (30 days) of the old ladder sent: the next level of the new ladder
    # is the formal notice once due (45 days), not the courtesy reminder again.
    current = reached_sequence(LADDER, Level("old_firm", 7, 30))
    assert next_level(LADDER, current, DUE, date(2025, 3, 12), D("1000")) is None
    assert next_level(LADDER, current, DUE, date(2025, 3, 17), D("1000")).key == "formal_notice"
    assert next_action_date(LADDER, current, DUE) == date(2025, 3, 17)
