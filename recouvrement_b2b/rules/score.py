"""Payment-behaviour score of a customer, from A (pays on time) to E (bad payer).

Inputs, over the invoices due in the last 12 months (``WINDOW_DAYS``; ``score_inputs`` computes
them from the invoices the caller gathers):

* ``avg_days_late``: average days late, **weighted by the invoice amount** (sum of
  amount x days late / sum of amounts; invoices paid early or on time count for 0 days, an
  invoice still open is late until today);
* ``late_share``: share of those invoices paid late, 0 to 1 (count, not amount);
* ``max_dunning_level``: highest dunning level reached, 0 (none) to 5 (higher ranks count as 5);
* ``litigation``: an open dispute or litigation with the customer;
* ``promise_keep_rate``: share of the promises to pay closed in the window that were kept, 0
  to 1 (``None``: no promise closed, the factor takes nothing off);
* ``call_negative_rate``: share of the collection calls logged in the window that the
  customer refused or did not answer, 0 to 1 (reached, promise, dispute, refusal and not
  reached count; a wrong contact does not; ``None``: no call logged, nothing taken off).

Points start at 100 and each factor takes off at most its weight (``WEIGHTS``):

* days late: ``WEIGHTS['days_late'] x min(days, DAYS_LATE_CAP) / DAYS_LATE_CAP`` (nothing for
  payments on time or early, the whole weight from 60 days late on);
* late share: ``WEIGHTS['late_share'] x share``;
* dunning: ``WEIGHTS['dunning_level'] x level / MAX_DUNNING_LEVEL``;
* litigation: ``WEIGHTS['litigation']`` when open; an open litigation also caps the letter at
  ``LITIGATION_CAP`` (C);
* broken promises: ``WEIGHTS['promises'] x (1 - keep rate)`` (10 points when every promise
  closed in the window was broken, nothing when all were kept or none was closed);
* calls: ``WEIGHTS['calls'] x negative rate`` (10 points when every call was refused or not
  reached; e.g. 4 calls, 1 refused and 1 not reached: 10 x 2/4 = 5 points).

The total is rounded half-up to an integer, then ``THRESHOLDS`` give the letter: A >= 80,
B >= 60, C >= 40, D >= 20, E below.
"""

from decimal import ROUND_HALF_UP, Decimal

from .errors import RuleError
from .numbers import to_decimal

WEIGHTS = {
    "days_late": Decimal(35),
    "late_share": Decimal(25),
    "dunning_level": Decimal(20),
    "litigation": Decimal(20),
    "promises": Decimal(10),
    "calls": Decimal(10),
}
DAYS_LATE_CAP = Decimal(60)
WINDOW_DAYS = 365
MAX_DUNNING_LEVEL = 5
THRESHOLDS = (("A", 80), ("B", 60), ("C", 40), ("D", 20), ("E", 0))
LITIGATION_CAP = "C"


class ScoreError(RuleError, ValueError):
    """Invalid score input: reason ``'late_share'`` (outside 0..1), ``'dunning_level'``
    (outside 0..5), ``'promise_keep_rate'`` or ``'call_negative_rate'`` (outside 0..1)."""


def letter_for(points):
    """Return the letter of a number of points (see ``THRESHOLDS``)."""
    for letter, minimum in THRESHOLDS:
        if points >= minimum:
            return letter
    return THRESHOLDS[-1][0]


def score_inputs(
    invoices,
    today,
    dunning_level=0,
    litigation=False,
    promise_keep_rate=None,
    call_negative_rate=None,
):
    """Return the keyword arguments of :func:`compute_score` for one customer.

    :param invoices: iterable of ``(amount, due_date, paid_date)``, one per receivable item due
        in the window: the amount due (> 0, any unit), its due date and the date it was fully
        paid (``None`` while open: late until ``today``)
    :param today: date of the computation
    :param dunning_level: rank of the highest dunning level reached (1 = first level of its
        policy), capped at ``MAX_DUNNING_LEVEL``
    :param litigation: an open litigation with the customer
    :param promise_keep_rate: kept / closed promises to pay in the window (``None``: none)
    :param call_negative_rate: refused or not reached / logged calls in the window (``None``:
        none)
    :return: ``{"avg_days_late": Decimal (2 decimals, half-up), "late_share": Decimal (4
        decimals, half-up), "max_dunning_level": int, "litigation": bool,
        "promise_keep_rate", "call_negative_rate": Decimal (4 decimals, half-up) or None}``;
        no invoice gives 0
    """
    total = weighted = Decimal(0)
    late = count = 0
    for amount, due, paid in invoices:
        amount = to_decimal(amount)
        days_late = max(((paid or today) - due).days, 0)
        total += amount
        weighted += amount * days_late
        late += 1 if days_late else 0
        count += 1
    return {
        "avg_days_late": (weighted / total).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        if total
        else Decimal(0),
        "late_share": (Decimal(late) / count).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
        if count
        else Decimal(0),
        "max_dunning_level": min(int(dunning_level or 0), MAX_DUNNING_LEVEL),
        "litigation": bool(litigation),
        "promise_keep_rate": _rate(promise_keep_rate),
        "call_negative_rate": _rate(call_negative_rate),
    }


def _rate(value):
    """``value`` (0 to 1) as a Decimal of 4 decimals, half-up; ``None`` stays ``None``."""
    if value is None:
        return None
    return to_decimal(value).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def _checked_rate(value, reason):
    """``value`` as a Decimal (``None`` stays ``None``); :class:`ScoreError` ``reason`` when
    it is outside 0..1."""
    rate = None if value is None else to_decimal(value)
    if rate is not None and not 0 <= rate <= 1:
        raise ScoreError(reason, **{reason: rate})
    return rate


def compute_score(
    avg_days_late,
    late_share,
    max_dunning_level,
    litigation,
    promise_keep_rate=None,
    call_negative_rate=None,
):
    """Return ``(letter, points, reasons)`` for a customer's payment behaviour.

    ``reasons`` lists the factors that took points off, as ``(code, params)`` in the order
    days late, late share, dunning level, litigation, promises, calls; ``params`` holds the
    input and the ``points`` lost (Decimal, unrounded). See the module docstring for the
    scale.
    """
    days = max(to_decimal(avg_days_late or 0), Decimal(0))
    share = to_decimal(late_share or 0)
    level = int(max_dunning_level or 0)
    if not 0 <= share <= 1:
        raise ScoreError("late_share", late_share=share)
    if not 0 <= level <= MAX_DUNNING_LEVEL:
        raise ScoreError("dunning_level", dunning_level=level)
    keep_rate = _checked_rate(promise_keep_rate, "promise_keep_rate")
    call_rate = _checked_rate(call_negative_rate, "call_negative_rate")

    losses = [
        (
            "days_late",
            {"days": days},
            WEIGHTS["days_late"] * min(days, DAYS_LATE_CAP) / DAYS_LATE_CAP,
        ),
        ("late_share", {"late_share": share}, WEIGHTS["late_share"] * share),
        (
            "dunning_level",
            {"dunning_level": level},
            WEIGHTS["dunning_level"] * level / MAX_DUNNING_LEVEL,
        ),
        ("litigation", {}, WEIGHTS["litigation"] if litigation else Decimal(0)),
        (
            "promises",
            {"promise_keep_rate": keep_rate},
            WEIGHTS["promises"] * (1 - keep_rate) if keep_rate is not None else Decimal(0),
        ),
        (
            "calls",
            {"call_negative_rate": call_rate},
            WEIGHTS["calls"] * call_rate if call_rate is not None else Decimal(0),
        ),
    ]
    total_loss = sum((loss for _code, _params, loss in losses), Decimal(0))
    points = int((Decimal(100) - total_loss).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    letter = letter_for(points)
    # Letters sort alphabetically from best to worst: "A" < "C" means better than the cap.
    if litigation and letter < LITIGATION_CAP:
        letter = LITIGATION_CAP
    reasons = [(code, dict(params, points=loss)) for code, params, loss in losses if loss > 0]
    return letter, points, reasons
