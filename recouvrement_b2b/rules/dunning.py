"""Dunning ladder: which reminder level applies to an overdue invoice, and when the next one.

A ladder is a list of :class:`Level`; a level becomes due ``days`` days after the due date
(``days`` may be negative for a courtesy reminder before the due date). Levels are ordered by
``sequence``, then ``days`` (:func:`rank`); within a ladder ``days`` must grow with the
sequence. A level whose ``min_amount`` exceeds the amount still due is not applied (a smaller,
earlier level may still be).

This module is the only place that orders levels and chooses one: the next level of an
invoice (:func:`next_level`), the date of its next reminder (:func:`next_action_date`), where
an invoice stands in a ladder (:func:`reached_sequence`) and the most severe of several levels
(:func:`highest`: the level of a customer's reminder, the current level of a customer).
"""

import datetime
import itertools
from dataclasses import dataclass
from decimal import Decimal

from .errors import RuleError
from .numbers import to_decimal


class LadderError(RuleError, ValueError):
    """Inconsistent ladder.

    reason: ``'duplicate_days'`` (two levels with the same ``days``; param ``days``),
    ``'duplicate_sequence'`` (param ``sequence``), ``'order'`` (a level with a higher sequence
    has fewer days; params ``key``, ``days``).
    """


@dataclass(frozen=True)
class Level:
    """One rung of a dunning ladder.

    :param key: identifier of the level for the caller (e.g. a record id or a code)
    :param sequence: order of the level (higher = more severe)
    :param days: days after the due date at which the level becomes due
    :param min_amount: amount due below which the level is not applied
    """

    key: object
    sequence: int
    days: int
    min_amount: Decimal = Decimal(0)

    def date_for(self, due_date):
        """Return the date the level becomes due for an invoice due on ``due_date``."""
        return due_date + datetime.timedelta(days=self.days)

    def applies_to(self, amount):
        """Return whether the level applies to ``amount`` (``None``: amount not checked)."""
        return amount is None or to_decimal(amount) >= to_decimal(self.min_amount)


def rank(level):
    """Return the order key of ``level``: sequence, then days (higher = more severe).

    Days only break ties between levels of different ladders (a customer who changed policy):
    within a ladder sequences are unique (:func:`check_ladder`).
    """
    return (level.sequence, level.days)


def _ordered(levels):
    """Return ``levels`` from the least to the most severe (:func:`rank`)."""
    return sorted(levels, key=rank)


def highest(levels):
    """Return the most severe of ``levels`` (:func:`rank`; the first one on a tie), or ``None``."""
    return max(levels, key=rank, default=None)


def check_ladder(levels):
    """Raise :class:`LadderError` unless days and sequences are unique and grow together."""
    seen_days = set()
    seen_sequences = set()
    for level in levels:
        if level.days in seen_days:
            raise LadderError("duplicate_days", days=level.days)
        if level.sequence in seen_sequences:
            raise LadderError("duplicate_sequence", sequence=level.sequence)
        seen_days.add(level.days)
        seen_sequences.add(level.sequence)
    for previous, level in itertools.pairwise(_ordered(levels)):
        if level.days < previous.days:
            raise LadderError("order", key=level.key, days=level.days)


def due_levels(levels, due_date, today):
    """Return the levels whose date (due date + days) is on or before ``today``, least severe
    first."""
    return [level for level in _ordered(levels) if level.date_for(due_date) <= today]


def reached_sequence(levels, reached):
    """Return where an invoice that reached level ``reached`` stands in the ladder ``levels``.

    ``reached`` is a :class:`Level` or ``None`` (no reminder yet: 0). When it is not a level of
    ``levels`` (the customer changed policy since), it counts as the most severe level of
    ``levels`` with as many days or fewer (0 when there is none): the invoice does not start
    the new ladder again from the bottom.
    """
    if reached is None:
        return 0
    if any(level.key == reached.key for level in levels):
        return reached.sequence
    passed = highest([level for level in levels if level.days <= reached.days])
    return passed.sequence if passed else 0


def next_level(levels, current_sequence, due_date, today, amount=None):
    """Return the level to apply now, or ``None``.

    The most severe level that is due on ``today``, above ``current_sequence`` (``None``
    or 0 when no level was reached yet) and applicable to ``amount``. Levels skipped over
    (several due at once after a pause) are not sent one by one: only the highest is.
    """
    current = current_sequence or 0
    return highest(
        level
        for level in due_levels(levels, due_date, today)
        if level.sequence > current and level.applies_to(amount)
    )


def next_action_date(levels, current_sequence, due_date, amount=None):
    """Return the date of the next level above ``current_sequence`` (``None`` at the top).

    Levels that do not apply to ``amount`` (when given) are skipped.
    """
    current = current_sequence or 0
    dates = [
        level.date_for(due_date)
        for level in levels
        if level.sequence > current and level.applies_to(amount)
    ]
    return min(dates) if dates else None
