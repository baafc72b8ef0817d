"""Late-payment penalties and fixed recovery indemnity between professionals.

Law (art. L441-10 II and D441-5 Code de commerce):

* penalties run from the day after the due date, without any reminder;
* default rate: ECB main refinancing (MRO) rate + 10 points; the MRO rate in force on 1 January
  applies to the first half-year, the one in force on 1 July to the second;
* a contract may set another rate, never below 3 x the taux d'interet legal (professional
  creditors) of the half-year;
* simple interest on the unpaid amount, taxes included: ``unpaid x rate x days / 365``
  (365 even in leap years);
* 40 EUR fixed indemnity per invoice paid late (D441-5), never against consumers
  (L111-8 Code de la consommation); interest stops at the judgment opening collective
  proceedings (L622-28).

Product decisions: the first accruing day is due date + 1, the last one the payment date; on a
payment day the amount unpaid at the start of the day accrues and the payment lowers the base
from the next day. Rate convention ``'half_year'`` (default: each day takes the rate of its
half-year) or ``'fixed'`` (the rate of the half-year of the first accruing day for the whole
delay). Exact amounts are summed and rounded half-up once.

Rates are percentages (``Decimal('14.50')`` for 14.50 %). Half-years are ``(year, 1 | 2)``
tuples, labelled ``'2024-S1'``.
"""

import datetime
import decimal
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from .errors import RuleError
from .numbers import to_decimal

# "legal_interest": against a consumer, no L441-10 penalty but interest at the legal rate
# (creditors other than natural persons: the "professional" column) from the formal notice
# (art. 1231-6 and 1344-1 Code civil).
MODES = ("legal_default", "contract", "legal_interest")
CONVENTIONS = ("half_year", "fixed")
# L441-10 II: ECB MRO rate + 10 points by default, contract rate floor 3 x legal rate.
LEGAL_DEFAULT_MARGIN = Decimal("10")
FLOOR_MULTIPLIER = Decimal("3")
# L441-10 II: simple interest over 365 days, even in leap years.
DAYS_PER_YEAR = 365
# D441-5: fixed recovery indemnity per invoice.
FIXED_INDEMNITY = Decimal("40")

_ONE_DAY = datetime.timedelta(days=1)
_ZERO = Decimal(0)
# Enough digits for exact products of amounts, rates and day counts (no intermediate rounding).
_PRECISION = 60


class PenaltyError(RuleError, ValueError):
    """Invalid penalty parameters.

    reason: ``'mode'`` (unknown mode), ``'convention'`` (unknown convention),
    ``'contract_rate'`` (negative contract rate), ``'half_year'`` (unreadable
    half-year).
    """


class MissingRateError(RuleError, LookupError):
    """A rate needed for a half-year is missing from the rate table.

    :param kind: ``'ecb_mro'``, ``'legal_professional'`` or ``'contract'``
    :param half_year: label of the half-year, e.g. ``'2030-S1'``
    """

    def __init__(self, kind, half_year):
        self.kind = kind
        self.half_year = half_year
        super().__init__("missing_rate", kind=kind, half_year=half_year)


def half_year_of(day):
    """Return the half-year ``(year, 1 | 2)`` holding ``day`` (S1: Jan-Jun, S2: Jul-Dec)."""
    return day.year, 1 if day.month <= 6 else 2


def half_year_label(half_year):
    """Return the label of a half-year: ``(2024, 1)`` -> ``'2024-S1'``."""
    year, half = half_year
    return f"{year}-S{half}"


def parse_half_year(value):
    """Return ``(year, half)`` from a label ``'2024-S1'`` or a ``(year, half)`` pair."""
    try:
        if isinstance(value, str):
            year, half = value.strip().upper().split("-S")
        else:
            year, half = value
        year, half = int(year), int(half)
    except (TypeError, ValueError) as exc:
        raise PenaltyError("half_year", value=value) from exc
    if half not in (1, 2):
        raise PenaltyError("half_year", value=value)
    return year, half


def half_year_bounds(half_year):
    """Return the first and last days of a half-year: ``(2024, 2)`` -> 1 Jul, 31 Dec 2024."""
    year, half = parse_half_year(half_year)
    if half == 1:
        return datetime.date(year, 1, 1), datetime.date(year, 6, 30)
    return datetime.date(year, 7, 1), datetime.date(year, 12, 31)


def _next_half_year_start(day):
    """Return the first day of the half-year following the one of ``day``."""
    if day.month <= 6:
        return datetime.date(day.year, 7, 1)
    return datetime.date(day.year + 1, 1, 1)


@dataclass(frozen=True)
class RateInfo:
    """Rate applied over a half-year.

    :param rate: the rate applied (percent)
    :param base_rate: ECB MRO rate (``'legal_default'``) or contract rate (``'contract'``)
    :param floor: 3 x legal professional rate (``'contract'`` only, else ``None``)
    :param floor_applied: the contract rate was below the floor, which replaced it
    :param mode: ``'legal_default'`` or ``'contract'``
    :param half_year: ``(year, half)`` the rate belongs to
    """

    rate: Decimal
    base_rate: Decimal
    floor: Decimal | None
    floor_applied: bool
    mode: str
    half_year: tuple | None = None


class RateTable:
    """Reference rates per half-year.

    :param ecb_mro: ``{(year, half): Decimal}`` ECB MRO rate in force on 1 January / 1 July
    :param legal_professional: ``{(year, half): Decimal}`` taux d'interet legal, professional
        creditors column
    Keys may also be labels (``'2024-S1'``); values anything :func:`to_decimal` reads.
    """

    def __init__(self, ecb_mro=None, legal_professional=None):
        self.ecb_mro = {
            parse_half_year(key): to_decimal(value) for key, value in (ecb_mro or {}).items()
        }
        self.legal_professional = {
            parse_half_year(key): to_decimal(value)
            for key, value in (legal_professional or {}).items()
        }

    def rate_for(self, half_year, mode="legal_default", contract_rate=None):
        """Return the :class:`RateInfo` applying to ``half_year`` in ``mode``.

        ``'legal_default'``: ECB MRO rate + 10 points (the floor never bites: it is not read).
        ``'contract'``: ``contract_rate`` (percent), raised to 3 x the legal professional rate
        of the half-year when below it (L441-10 II).
        ``'legal_interest'``: the legal interest rate of the half-year (creditors other than
        natural persons), owed by a consumer from a formal notice (art. 1231-6 Code civil).
        Raises :class:`MissingRateError` when the table lacks the rate needed.
        """
        half_year = parse_half_year(half_year)
        if mode == "legal_default":
            ecb = self.ecb_mro.get(half_year)
            if ecb is None:
                raise MissingRateError("ecb_mro", half_year_label(half_year))
            # L441-10 II: ECB rate of 1 Jan / 1 Jul + 10 points.
            return RateInfo(ecb + LEGAL_DEFAULT_MARGIN, ecb, None, False, mode, half_year)
        if mode == "contract":
            if contract_rate is None:
                raise MissingRateError("contract", half_year_label(half_year))
            contract_rate = to_decimal(contract_rate)
            if contract_rate < 0:
                raise PenaltyError("contract_rate", rate=contract_rate)
            legal = self.legal_professional.get(half_year)
            if legal is None:
                raise MissingRateError("legal_professional", half_year_label(half_year))
            # L441-10 II: a contract rate is never below 3 x the legal interest rate.
            floor = FLOOR_MULTIPLIER * legal
            if contract_rate < floor:
                return RateInfo(floor, contract_rate, floor, True, mode, half_year)
            return RateInfo(contract_rate, contract_rate, floor, False, mode, half_year)
        if mode == "legal_interest":
            legal = self.legal_professional.get(half_year)
            if legal is None:
                raise MissingRateError("legal_professional", half_year_label(half_year))
            # Art. 1231-6 Code civil: interest at the legal rate, creditor not a natural person.
            return RateInfo(legal, legal, None, False, mode, half_year)
        raise PenaltyError("mode", mode=mode)


class Segment(NamedTuple):
    """Consecutive accruing days with the same base and rate (both ends included)."""

    start: datetime.date
    end: datetime.date
    days: int
    base: Decimal
    rate: Decimal


@dataclass
class PenaltyResult:
    """Result of :func:`compute_penalty`.

    :param amount: penalty rounded half-up to the currency
    :param exact: unrounded penalty
    :param days: calendar days from ``first_day`` to ``last_day`` included (0 when not late)
    :param first_day: first accruing day (due date + 1), ``None`` when not late
    :param last_day: last accruing day: the payment/computation date, the opening of collective
        proceedings, or the day of the payment that cleared the invoice, whichever comes first;
        ``None`` when not late
    :param segments: :class:`Segment` list explaining the amount (days with a zero base left
        out); ``amount`` is the rounded sum of ``base x rate x days / 36500`` over them
    :param rates: :class:`RateInfo` of each half-year used, in date order
    :param floor_applied: the contract rate was replaced by the legal floor at least once
    """

    amount: Decimal
    exact: Decimal
    days: int = 0
    first_day: datetime.date | None = None
    last_day: datetime.date | None = None
    segments: list = field(default_factory=list)
    rates: list = field(default_factory=list)
    floor_applied: bool = False
    mode: str = "legal_default"
    convention: str = "half_year"


def _quantum(currency_digits):
    """Return the Decimal quantum for ``currency_digits`` decimals (2 -> 0.01)."""
    return Decimal(1).scaleb(-currency_digits)


def _base_changes(principal, payments, first, last):
    """Starting base, and base changes keyed by the day they take effect (payment day + 1).

    :return: ``(base, {day: amount})``, amounts as :class:`~decimal.Decimal`
    """
    base = to_decimal(principal)
    changes = {}
    for pay_date, pay_amount in payments:
        pay_amount = to_decimal(pay_amount)
        if pay_date < first:
            base -= pay_amount
        elif pay_date < last:
            effect = pay_date + _ONE_DAY
            changes[effect] = changes.get(effect, _ZERO) + pay_amount
    return base, changes


def _breaks(changes, first, last, convention):
    """Days where the base or the rate changes: base changes, and each half-year start inside
    ``[first, last]`` under the half-year convention (L441-10 II: rate of the half-year)."""
    breaks = set(changes)
    if convention == "half_year":
        boundary = _next_half_year_start(first)
        while boundary <= last:
            breaks.add(boundary)
            boundary = _next_half_year_start(boundary)
    return breaks


def _segments(base, changes, breaks, first, last, rate_info):
    """Cut ``[first, last]`` at ``breaks`` into :class:`Segment` of constant base and rate,
    merging neighbours with the same base and rate; days with no base left are skipped."""
    segments = []
    start = first
    for stop in [*sorted(breaks), last + _ONE_DAY]:
        if stop > start:
            end = stop - _ONE_DAY
            if base > 0:
                rate = rate_info(start).rate
                days = (end - start).days + 1
                previous = segments[-1] if segments else None
                if (
                    previous
                    and previous.base == base
                    and previous.rate == rate
                    and previous.end + _ONE_DAY == start
                ):
                    segments[-1] = previous._replace(end=end, days=previous.days + days)
                else:
                    segments.append(Segment(start, end, days, base, rate))
            start = stop
        base -= changes.get(stop, _ZERO)
    return segments


def compute_penalty(
    principal,
    due_date,
    payments,
    end_date,
    rates,
    mode="legal_default",
    convention="half_year",
    contract_rate=None,
    stop_date=None,
    currency_digits=2,
    start_date=None,
):
    """Compute the L441-10 II late-payment penalty of one invoice.

    :param principal: amount unpaid at the due date, taxes included, before ``payments``
    :param due_date: due date of the invoice
    :param payments: iterable of ``(date, amount)`` reducing the unpaid amount (payments, credit
        notes, write-offs; several a day allowed). Those dated on or before the due date lower
        the starting base; one dated on day D lowers the base from D + 1.
    :param end_date: last accruing day (date of the last payment, or the computation date)
    :param rates: :class:`RateTable`
    :param mode: ``'legal_default'`` (ECB + 10) or ``'contract'`` (``contract_rate`` with floor)
    :param convention: ``'half_year'`` or ``'fixed'``
    :param contract_rate: contract rate in percent (``'contract'`` mode; when missing,
        :class:`MissingRateError` of kind ``'contract'``)
    :param stop_date: date of the judgment opening collective proceedings: interest stops there
        (L622-28), the last accruing day is ``min(end_date, stop_date - 1 day)``
    :param currency_digits: decimals of the currency for the final rounding
    :param start_date: date of the formal notice from which interest runs (legal interest
        against a consumer, art. 1344-1 Code civil): the first accruing day is the later of
        ``due_date + 1`` and ``start_date + 1``
    :return: :class:`PenaltyResult`
    """
    if mode not in MODES:
        raise PenaltyError("mode", mode=mode)
    if convention not in CONVENTIONS:
        raise PenaltyError("convention", convention=convention)
    quantum = _quantum(currency_digits)
    zero_result = PenaltyResult(
        amount=_ZERO.quantize(quantum), exact=_ZERO, mode=mode, convention=convention
    )

    # L441-10 II: penalties run from the day after the due date.
    first = due_date + _ONE_DAY
    if start_date is not None:
        # Art. 1344-1 Code civil: legal interest runs from the formal notice, not before.
        first = max(first, start_date + _ONE_DAY)
    last = end_date
    if stop_date is not None and stop_date <= last:
        # L622-28: the opening judgment stops interest. It takes effect from 0h on its own
        # date, so the last accruing day is the day before (consistent with indemnity_due,
        # where proceedings opened on the due date already forbid payment).
        last = stop_date - _ONE_DAY
    if last < first:
        return zero_result

    base, changes = _base_changes(principal, payments, first, last)
    breaks = _breaks(changes, first, last, convention)

    rate_cache = {}

    def rate_info(day):
        half_year = half_year_of(first if convention == "fixed" else day)
        if half_year not in rate_cache:
            rate_cache[half_year] = rates.rate_for(half_year, mode, contract_rate)
        return rate_cache[half_year]

    segments = _segments(base, changes, breaks, first, last, rate_info)

    if not segments:
        return zero_result

    with decimal.localcontext() as ctx:
        ctx.prec = _PRECISION
        # Exact numerator, one division: base x rate(%) x days / (100 x 365).
        numerator = sum((seg.base * seg.rate * seg.days for seg in segments), _ZERO)
        exact = numerator / (100 * DAYS_PER_YEAR)
        amount = exact.quantize(quantum, rounding=ROUND_HALF_UP)

    used = [rate_cache[key] for key in sorted(rate_cache)]
    last_day = segments[-1].end
    return PenaltyResult(
        amount=amount,
        exact=exact,
        days=(last_day - first).days + 1,
        first_day=first,
        last_day=last_day,
        segments=segments,
        rates=used,
        floor_applied=any(info.floor_applied for info in used),
        mode=mode,
        convention=convention,
    )


def compute_instalments_penalty(instalments, end_date, rates, currency_digits=2, **options):
    """Compute the L441-10 II penalty of an invoice payable in instalments.

    Each due date printed on the invoice is a payment date (L441-10 II; directive 2011/7/EU
    art. 5): penalties run on each instalment's unpaid part from the day after its own due
    date. The exact amounts of the instalments are summed, then rounded once.

    :param instalments: ``(principal, due_date, payments)`` per instalment, as the first
        three arguments of :func:`compute_penalty`
    :param options: the other keyword arguments of :func:`compute_penalty`
    :return: :class:`PenaltyResult` of the invoice: first accruing day of the earliest late
        instalment, last accruing day of all, segments of every instalment by date
    """
    quantum = _quantum(currency_digits)
    results = [
        compute_penalty(
            principal,
            due_date,
            payments,
            end_date,
            rates,
            currency_digits=currency_digits,
            **options,
        )
        for principal, due_date, payments in instalments
    ]
    late = [result for result in results if result.days]
    if len(results) == 1 or not late:
        return results[0]
    with decimal.localcontext() as ctx:
        ctx.prec = _PRECISION
        exact = sum((result.exact for result in late), _ZERO)
        amount = exact.quantize(quantum, rounding=ROUND_HALF_UP)
    first_day = min(result.first_day for result in late)
    last_day = max(result.last_day for result in late)
    rates_used = {}
    for result in late:
        for info in result.rates:
            rates_used[info.half_year] = info
    return PenaltyResult(
        amount=amount,
        exact=exact,
        days=(last_day - first_day).days + 1,
        first_day=first_day,
        last_day=last_day,
        segments=sorted((seg for result in late for seg in result.segments), key=lambda s: s[:2]),
        rates=[rates_used[key] for key in sorted(rates_used)],
        floor_applied=any(result.floor_applied for result in late),
        mode=late[0].mode,
        convention=late[0].convention,
    )


def uncovered_periods(first_day, last_day, periods):
    """Return the sub-periods of ``[first_day, last_day]`` covered by none of ``periods``.

    Penalty periods already invoiced are charged once: cancelling one penalty invoice frees
    exactly its days, whatever was invoiced before or after it.

    :param periods: ``(date_from, date_to)`` pairs (both included, in any order; overlaps
        allowed)
    :return: ``[(date_from, date_to)]`` in date order, empty when all is covered
    """
    gaps = []
    start = first_day
    for date_from, date_to in sorted(periods):
        if date_to < start:
            continue
        if date_from > last_day:
            break
        if date_from > start:
            gaps.append((start, date_from - _ONE_DAY))
        start = max(start, date_to + _ONE_DAY)
        if start > last_day:
            return gaps
    if start <= last_day:
        gaps.append((start, last_day))
    return gaps


def unpaid_after_due_date(instalments, end_date):
    """Whether an instalment was left unpaid at the end of its due date, that due date being
    before ``end_date``: the invoice was late then, even when no day of interest accrued
    (e.g. due the day before the judgment opening collective proceedings, which stops interest
    from 0h on its own date, L622-28, while the invoice was due before it: its D441-5
    indemnity is owed).

    :param instalments: ``(principal, due_date, payments)`` per instalment, as in
        :func:`compute_instalments_penalty`; a payment dated on the due date is on time
    :param end_date: first day on which the debtor could no longer pay (exclusive bound)
    """
    for principal, due_date, payments in instalments:
        if due_date >= end_date:
            continue
        paid = sum((to_decimal(amount) for day, amount in payments if day <= due_date), _ZERO)
        if to_decimal(principal) - paid > 0:
            return True
    return False


def indemnity_due(is_late, is_consumer, proceedings_opened_on, due_date, amount=FIXED_INDEMNITY):
    """Return the fixed recovery indemnity owed for one invoice (``Decimal('0')`` if none).

    Once per invoice paid late (D441-5), whatever the number of partial payments. None against
    a consumer (L111-8 Code de la consommation), nor when collective proceedings opened on or
    before the due date: the opening judgment (effective from the start of its day) then
    forbade paying the invoice (L622-7), so the debtor was never late by its own doing.
    """
    if not is_late or is_consumer:
        return _ZERO
    if proceedings_opened_on is not None and proceedings_opened_on <= due_date:
        return _ZERO
    return to_decimal(amount)


def hold_back(instalments, amount, currency_digits=2):
    """Return ``instalments`` without ``amount`` from the start: a part of the invoice that
    bears no penalty (product decision, README: the part under an open commercial dispute is
    claimed without penalties until the dispute is rejected; the part a credit note settles
    never bore any).

    ``amount`` is spread over the instalments in proportion to what is unpaid on each
    (principal less its payments), rounded to the currency, the last instalment taking the
    remainder; each share is a reduction dated ``datetime.date.min`` (before any due date,
    so it lowers the starting base of :func:`compute_penalty`). Never more than what is unpaid.

    :param instalments: ``(principal, due_date, payments)`` per instalment, as in
        :func:`compute_instalments_penalty`
    :param amount: amount held back, in the invoice currency
    :return: a new list of instalments (the argument is not changed)
    """
    amount = to_decimal(amount)
    unpaid = [
        max(
            to_decimal(principal) - sum((to_decimal(paid) for _day, paid in payments), _ZERO), _ZERO
        )
        for principal, _due, payments in instalments
    ]
    total = sum(unpaid, _ZERO)
    if amount <= 0 or total <= 0:
        return list(instalments)
    amount = min(amount, total)
    quantum = _quantum(currency_digits)
    result = []
    left = amount
    for index, ((principal, due_date, payments), open_part) in enumerate(
        zip(instalments, unpaid, strict=True)
    ):
        if index == len(instalments) - 1:
            share = left
        else:
            share = min(
                (amount * open_part / total).quantize(quantum, rounding=ROUND_HALF_UP), left
            )
        left -= share
        held = [(datetime.date.min, share)] if share > 0 else []
        result.append((principal, due_date, held + list(payments)))
    return result
