"""Payment plans: instalment dates, amounts, and allocation of what was paid.

Each date is computed from the first one (``first + n months``), never from the previous
instalment, so a plan starting on 31 January falls on 28/29 February then 31 March.
Amounts are equal instalments rounded half-up to the currency, the rounding difference going to
the last one so that the lines always add up to the total.
"""

import calendar
import datetime
from decimal import ROUND_HALF_UP, Decimal

from .errors import RuleError
from .numbers import to_decimal

FREQUENCIES = ("weekly", "monthly", "quarterly")
_MONTHS = {"monthly": 1, "quarterly": 3}


class ScheduleError(RuleError, ValueError):
    """Invalid payment plan.

    reason: ``'count'`` (fewer than one instalment, or more instalments than the amount has
    currency units), ``'total'`` (total not positive or with more decimals than the currency,
    negative amount paid), ``'down_payment'`` (negative, not below the total, or dated after
    the first instalment), ``'frequency'`` (not weekly, monthly or quarterly).
    """


def add_months(anchor, months):
    """Return ``anchor`` + ``months`` months, clamped to the end of the month.

    31 Jan + 1 -> 28 Feb (29 in a leap year); 31 Jan + 2 -> 31 Mar; ``months`` may be negative.
    """
    index = anchor.year * 12 + anchor.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    day = min(anchor.day, calendar.monthrange(year, month)[1])
    return datetime.date(year, month, day)


def instalment_dates(first_date, count, frequency):
    """Return the ``count`` due dates of a plan starting on ``first_date``.

    ``frequency``: ``'weekly'`` (every 7 days), ``'monthly'`` or ``'quarterly'`` (each date is
    ``first_date`` + n x 1 or 3 months, clamped to the month end).
    """
    if frequency not in FREQUENCIES:
        raise ScheduleError("frequency", frequency=frequency)
    if count < 1:
        raise ScheduleError("count", count=count)
    if frequency == "weekly":
        return [first_date + datetime.timedelta(weeks=n) for n in range(count)]
    step = _MONTHS[frequency]
    return [add_months(first_date, step * n) for n in range(count)]


def build_schedule(
    total,
    count,
    first_date,
    frequency,
    digits=2,
    down_payment=0,
    down_payment_date=None,
):
    """Return the lines ``[(date, Decimal amount)]`` of a payment plan for ``total``.

    A down payment greater than zero comes first, dated ``down_payment_date`` (default
    ``first_date``); the rest is split into ``count`` equal instalments rounded half-up to
    ``digits`` decimals, the last one taking the rounding difference. The amounts add up to
    ``total`` exactly.
    """
    total = to_decimal(total)
    down_payment = to_decimal(down_payment)
    quantum = Decimal(1).scaleb(-digits)
    if total <= 0 or total != total.quantize(quantum):
        raise ScheduleError("total", total=total)
    if down_payment < 0 or down_payment >= total or down_payment != down_payment.quantize(quantum):
        raise ScheduleError("down_payment", down_payment=down_payment, total=total)
    if down_payment_date is None:
        down_payment_date = first_date
    if down_payment and down_payment_date > first_date:
        raise ScheduleError(
            "down_payment", down_payment_date=down_payment_date, first_date=first_date
        )
    dates = instalment_dates(first_date, count, frequency)

    rest = total - down_payment
    instalment = (rest / count).quantize(quantum, rounding=ROUND_HALF_UP)
    last = rest - instalment * (count - 1)
    if instalment <= 0 or last <= 0:
        raise ScheduleError("count", count=count, total=rest)

    lines = [(down_payment_date, down_payment)] if down_payment else []
    lines += [(due, instalment) for due in dates[:-1]]
    lines.append((dates[-1], last))
    return lines


def allocate(paid_total, lines):
    """Allocate ``paid_total`` to the instalments, oldest due date first.

    :param lines: ``[(due_date, amount)]`` in any order (ties keep their order)
    :return: the amount allocated to each line, in the order of ``lines``; what exceeds the
        plan is left unallocated (the caller sees it as ``paid_total - sum(result)``)
    """
    remaining = to_decimal(paid_total)
    if remaining < 0:
        raise ScheduleError("total", paid_total=remaining)
    allocated = [Decimal(0)] * len(lines)
    for index in sorted(range(len(lines)), key=lambda i: lines[i][0]):
        share = min(remaining, to_decimal(lines[index][1]))
        if share <= 0:
            continue
        allocated[index] = share
        remaining -= share
    return allocated
