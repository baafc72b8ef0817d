"""Payment plans: what a plan schedules, its instalments, and what was paid on them.

Each date is computed from the first one (``first + n months``, ``dateutil.relativedelta``),
never from the previous instalment, so a plan starting on 31 January falls on 28/29 February
then 31 March. Amounts are currency amounts rounded half-up (:func:`to_amount`); instalments are
equal, the rounding difference going to the last one so that the lines always add up to the
total. Payments are allocated to the instalments oldest due date first.
"""

from collections import namedtuple
from decimal import ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta

from .errors import RuleError
from .numbers import to_decimal

FREQUENCIES = ("weekly", "monthly", "quarterly")
# At most 10 years of monthly instalments: a longer plan is a typing error, not a plan.
MAX_INSTALMENTS = 120
_STEPS = {
    "weekly": relativedelta(weeks=1),
    "monthly": relativedelta(months=1),
    "quarterly": relativedelta(months=3),
}

PlanTotals = namedtuple("PlanTotals", ["invoices", "penalties", "total"])
PlanTotals.__doc__ = """Amounts a payment plan schedules (Decimal, rounded to the currency).

``invoices``: left to pay on its invoices; ``penalties``: late-payment penalties and recovery
indemnities added to it; ``total``: ``invoices + penalties - waiver - credits`` (the open
credits deducted).
"""


class ScheduleError(RuleError, ValueError):
    """Invalid payment plan.

    reason: ``'count'`` (fewer than one instalment, more than :data:`MAX_INSTALMENTS`, or more
    instalments than the amount has currency units), ``'horizon'`` (a due date beyond the
    calendar), ``'total'`` (total not positive or with more decimals than the currency,
    negative amount paid), ``'down_payment'`` (negative, not below the total, or dated after
    the first instalment), ``'frequency'`` (not weekly, monthly or quarterly).
    """


def to_amount(value, digits=2):
    """Return ``value`` (float, int, str or Decimal) as a Decimal rounded half-up to ``digits``.

    ``to_amount(2.675) == Decimal('2.68')``; ``to_amount(1000, 0) == Decimal('1000')``.
    """
    return to_decimal(value).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def plan_totals(invoice_residuals, penalties=(), waiver=0, digits=2, credits=0):
    """Return the :class:`PlanTotals` of a plan, each amount rounded to ``digits``.

    :param invoice_residuals: amount left to pay on each invoice of the plan
    :param penalties: penalties and indemnities added to the plan (L441-10, D441-5), any number
        of amounts; empty when the plan does not include them
    :param waiver: part of the penalties and indemnities the company gives up
    :param credits: the customer's open credits deducted (credit notes and payments not matched
        to an invoice, same company and currency: LEGAL.md, open credits)
    :return: ``PlanTotals(invoices, penalties, total)``; the total may be zero or negative (a
        waiver above the penalties): :func:`build_schedule` refuses it
    """
    invoices = to_amount(sum(map(to_decimal, invoice_residuals), Decimal(0)), digits)
    extra = to_amount(sum(map(to_decimal, penalties), Decimal(0)), digits)
    deducted = to_amount(waiver, digits) + to_amount(credits, digits)
    return PlanTotals(invoices, extra, invoices + extra - deducted)


def paid_on_invoices(scheduled, invoice_residuals, digits=2):
    """Return what was paid on a plan's invoices since its schedule was computed.

    :param scheduled: amount left on the invoices when the schedule was computed
        (``PlanTotals.invoices``)
    :param invoice_residuals: amount left to pay on each invoice now
    :return: the decrease, as a Decimal rounded to ``digits``; never negative (an invoice that
        grew, e.g. a payment unreconciled, does not make the plan owe more than its total)
    """
    left = sum(map(to_decimal, invoice_residuals), Decimal(0))
    return max(to_amount(to_decimal(scheduled) - left, digits), Decimal(0))


def left_to_pay(total, paid, digits=2):
    """Return ``total - paid`` rounded to ``digits``, never negative (an overpayment is not
    owed back by the plan)."""
    return max(to_amount(to_decimal(total) - to_decimal(paid), digits), Decimal(0))


def instalment_dates(first_date, count, frequency):
    """Return the ``count`` due dates of a plan starting on ``first_date``.

    ``frequency``: ``'weekly'`` (every 7 days), ``'monthly'`` or ``'quarterly'`` (each date is
    ``first_date`` + n x 1 or 3 months, clamped to the month end by ``relativedelta``).
    """
    if frequency not in FREQUENCIES:
        raise ScheduleError("frequency", frequency=frequency)
    if count < 1 or count > MAX_INSTALMENTS:
        raise ScheduleError("count", count=count, max=MAX_INSTALMENTS)
    step = _STEPS[frequency]
    try:
        return [first_date + step * n for n in range(count)]
    except (ValueError, OverflowError) as error:  # beyond year 9999
        raise ScheduleError("horizon", first_date=first_date, count=count) from error


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


def instalment_balances(paid_total, lines, digits=2):
    """Return ``[(paid, left)]`` for each instalment, in the order of ``lines``.

    :param paid_total: what was paid on the plan (see :func:`paid_on_invoices`)
    :param lines: ``[(due_date, amount)]``; amounts are rounded to ``digits`` first
    :return: Decimal pairs: the share of ``paid_total`` allocated to the line by
        :func:`allocate` (oldest due date first) and ``amount - paid``
    """
    amounts = [to_amount(amount, digits) for _due, amount in lines]
    allocated = allocate(
        to_amount(paid_total, digits),
        [(due, amount) for (due, _amount), amount in zip(lines, amounts, strict=True)],
    )
    return [(paid, amount - paid) for amount, paid in zip(amounts, allocated, strict=True)]
