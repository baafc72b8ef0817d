"""Legal deadlines of a claim: prescription, injonction de payer service and opposition.

Prescription: 5 years between traders (L110-4 Code de commerce) from the due date (Cass. com.
14/06/2023 n 21-14.841), or from the completion of the service when it is earlier (invoice
issued late, Cass. com. 26/02/2020); 2 years against consumers (L218-2 Code de la
consommation). Only an acknowledgment of the debt (art. 2240 Code civil), a legal action (2241)
or a conservatory/enforcement measure (2244) interrupts it, starting a new period of the same
length (2231); a mise en demeure does not (Cass. com. 18/05/2022 n 20-23.204).

Periods in months or years end on the day with the same number as the starting day, or on the
last day of the month when there is none (art. 641 CPC, which is what ``relativedelta`` does);
the date returned is the last day on which the creditor may still act. Art. 642 CPC (a deadline
falling on a Saturday, Sunday or public holiday is extended to the next working day) is not
applied.

Alerts: the collection responsible is alerted 60 and 15 days before each deadline
(:data:`ALERT_DAYS_BEFORE`), once per alert date (:func:`next_alert_date`).
"""

import datetime

from dateutil.relativedelta import relativedelta

from .errors import RuleError

# Kinds of act that interrupt prescription (art. 2240, 2241, 2244 Code civil).
INTERRUPTING_KINDS = ("acknowledgment", "legal_action", "enforcement")
# Kinds accepted and ignored: a mise en demeure does not interrupt prescription.
NON_INTERRUPTING_KINDS = ("formal_notice",)
# L110-4 Code de commerce / L218-2 Code de la consommation.
PRESCRIPTION_YEARS = 5
CONSUMER_PRESCRIPTION_YEARS = 2
# Art. 1416 CPC: opposition within one month of service.
OPPOSITION_MONTHS = 1
# Art. 1411 CPC as amended by décret 2026-96: orders issued from 2026-09-01 must be served
# within 3 months (6 months before).
SERVICE_REFORM_DATE = datetime.date(2026, 9, 1)
SERVICE_MONTHS_BEFORE_REFORM = 6
SERVICE_MONTHS_FROM_REFORM = 3
# Days before a deadline on which the collection responsible is alerted (product decision).
ALERT_DAYS_BEFORE = (60, 15)
# Payment deadline of a reminder whose level sets none: 8 days (art. 1344 Code civil practice,
# LEGAL.md: 8 to 15 days for a mise en demeure).
DEFAULT_PAYMENT_DEADLINE_DAYS = 8
# Days a posted letter is taken to arrive when no proof of delivery is recorded (La Poste's
# announced J+3 for a lettre recommandee; product decision): a letter asks for payment "within
# N days of receipt", so its deadline runs from then.
POSTAL_DELIVERY_DAYS = 3


class DeadlineError(RuleError, ValueError):
    """Invalid deadline input: reason ``'interruption_kind'`` (param ``kind``)."""


def _interruption_dates(interruptions):
    """Return the sorted dates of the interrupting acts among ``interruptions``.

    Items are ``(date, kind)`` pairs (kinds in ``INTERRUPTING_KINDS`` or
    ``NON_INTERRUPTING_KINDS``) or bare dates, taken as interrupting acts.
    """
    dates = []
    for item in interruptions:
        if isinstance(item, datetime.date):
            dates.append(item)
            continue
        day, kind = item
        if kind in INTERRUPTING_KINDS:
            dates.append(day)
        elif kind not in NON_INTERRUPTING_KINDS:
            raise DeadlineError("interruption_kind", kind=kind)
    return sorted(dates)


def prescription_date(
    due_date,
    delivery_date=None,
    interruptions=(),
    consumer=False,
    invoice_date=None,
    restart=None,
):
    """Return the last day to act before the claim is time-barred.

    :param due_date: due date of the invoice
    :param delivery_date: completion of the delivery/service; when earlier than the due date
        (invoice issued late) the period starts from it
    :param interruptions: acts, see :func:`_interruption_dates`; an interrupting act dated from
        the start of the period to the current expiry included restarts a full period from its
        date (art. 2231); later acts cannot revive a prescribed claim
    :param consumer: the debtor is a consumer (2 years instead of 5)
    :param invoice_date: date the invoice was issued; when given, the delivery date only counts
        if the invoice was issued after it (issued late): an invoice issued on delivery starts
        its period at the due date
    :param restart: start of the running period (art. 2231 Code civil): the last interrupting
        act, already checked to fall within the period it interrupted when it was recorded
        (see :func:`is_time_barred`), so that a chain of acts (an acknowledgment, then the
        service of an order after the first period would have ended) keeps running from the
        last one; a date before the start changes nothing
    """
    if delivery_date and invoice_date and delivery_date >= invoice_date:
        delivery_date = None
    start = min(due_date, delivery_date) if delivery_date else due_date
    years = CONSUMER_PRESCRIPTION_YEARS if consumer else PRESCRIPTION_YEARS
    expiry = start + relativedelta(years=years)
    if restart:
        expiry = max(expiry, restart + relativedelta(years=years))
    for day in _interruption_dates(interruptions):
        if start <= day <= expiry:
            expiry = max(expiry, day + relativedelta(years=years))
    return expiry


def is_time_barred(prescription, day):
    """Whether a claim whose last day to act is ``prescription`` is time-barred on ``day``:
    an act of that day (acknowledgment, service, legal action) no longer interrupts its
    prescription (art. 2240-2244 Code civil interrupt a running period; a prescribed claim is
    not revived). ``prescription`` falsy (unknown, or interrupted until collective
    proceedings close, L622-25-1 Code de commerce): never time-barred."""
    return bool(prescription) and day > prescription


def opposition_deadline(service_date):
    """Return the last day for the debtor to oppose an injonction de payer (art. 1416 CPC)."""
    return service_date + relativedelta(months=OPPOSITION_MONTHS)


def service_deadline(order_date):
    """Return the last day to serve an injonction de payer issued on ``order_date``.

    Art. 1411 CPC: 6 months; 3 months for orders issued from 2026-09-01 (décret 2026-96).
    """
    if order_date >= SERVICE_REFORM_DATE:
        return order_date + relativedelta(months=SERVICE_MONTHS_FROM_REFORM)
    return order_date + relativedelta(months=SERVICE_MONTHS_BEFORE_REFORM)


def is_order_lapsed(order_date, service_date=None, day=None):
    """Whether an injonction de payer issued on ``order_date`` is void for want of service in
    time (art. 1411 CPC: not served within :func:`service_deadline`, the order is "non
    avenue"): served after that day, or not served and ``day`` is after it.

    The service of a void order is no legal action: it interrupts no prescription (art. 2241
    Code civil); the creditor must file a new request.

    :param order_date: issue of the order (falsy: no order, never lapsed)
    :param service_date: service of the order, if served
    :param day: the day seen from, used while not served (falsy: not checked)
    """
    if not order_date:
        return False
    served_or_seen = service_date or day
    return bool(served_or_seen) and served_or_seen > service_deadline(order_date)


def prescription_before_service(prescription, filing_date, order_date=None, service_date=None):
    """Return the service deadline of an injonction de payer when the claim's prescription
    falls before it, else None.

    Filing the request does not interrupt prescription (the debtor is not told of it); only the
    service of the order does (Cass. 1re civ. 05/11/2009 n 08-18.095). Until it is served, the
    creditor must serve before ``prescription``, which may come before the service deadline
    (:func:`service_deadline` of ``order_date``, or of ``filing_date`` while no order is issued:
    the order cannot be older than the request).

    :param prescription: last day to act on the claim (falsy: unknown, no warning)
    :param filing_date: filing of the request (falsy: not filed, no warning)
    :param order_date: issue of the order, if known
    :param service_date: service of the order (set: prescription restarted, no warning)
    """
    if not prescription or not filing_date or service_date:
        return None
    deadline = service_deadline(order_date or filing_date)
    return deadline if prescription < deadline else None


def alert_dates(deadline, offsets=ALERT_DAYS_BEFORE):
    """Return the dates ``deadline - offset`` days for each offset, earliest first."""
    return sorted({deadline - datetime.timedelta(days=offset) for offset in offsets})


def next_alert_date(deadline, last_alert=None, offsets=ALERT_DAYS_BEFORE):
    """Return the next day to alert about ``deadline``, or None.

    :param deadline: the deadline (prescription, service, opposition); falsy: no alert
    :param last_alert: day of the last alert raised for it (falsy: none yet); the alert dates up
        to it included are done, so a run after missed days raises one alert, not several
    :param offsets: days before the deadline (default 60 and 15)
    :return: the earliest of :func:`alert_dates` after ``last_alert``; None when every alert
        was raised
    """
    if not deadline:
        return None
    return next(
        (day for day in alert_dates(deadline, offsets) if not last_alert or day > last_alert),
        None,
    )


def receipt_date(sent=None, letter=False, posted=None, delivered=None):
    """Return the day the customer had a reminder, never the day it was prepared: an email the
    day it was ``sent``; a ``letter`` its proof of ``delivered`` date, else the day it was
    ``posted`` plus :data:`POSTAL_DELIVERY_DAYS`; None for a letter not posted yet."""
    if not letter:
        return sent
    if delivered:
        return delivered
    if posted:
        return posted + datetime.timedelta(days=POSTAL_DELIVERY_DAYS)
    return None


def payment_deadline(days, sent=None, letter=False, posted=None, delivered=None):
    """Return the last day of a reminder's payment deadline (art. 1344 Code civil: the mise en
    demeure gives the debtor a delay): ``days`` days from :func:`receipt_date`.

    :param days: the level's deadline in days (0 or None: :data:`DEFAULT_PAYMENT_DEADLINE_DAYS`)
    :return: a date, or None for a letter not posted yet (its deadline has not started)
    """
    start = receipt_date(sent=sent, letter=letter, posted=posted, delivered=delivered)
    return start and start + datetime.timedelta(days=days or DEFAULT_PAYMENT_DEADLINE_DAYS)
