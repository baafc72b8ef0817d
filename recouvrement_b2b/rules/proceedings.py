"""Collective proceedings (sauvegarde, redressement, liquidation judiciaire) and bad-debt VAT.

- From the opening judgment, claims born before it can no longer be pursued individually: no
  injonction de payer, no assignation, no new mise en demeure, no reminder (L622-21 Code de
  commerce). The judgment takes effect from the first hour of the day it is pronounced
  (R621-4 Code de commerce): a claim born on that day is a post-judgment claim, paid at its due
  date (L622-17) and dunned normally.
- The creditor declares its pre-judgment claims to the mandataire judiciaire within 2 months
  of the judgment's publication in the BODACC (R622-24); a late creditor may ask for relief
  within 6 months of that publication (L622-26); goods sold under a retention-of-title clause
  are claimed back within 3 months of it (L624-9).
- The declaration interrupts prescription until the proceedings close (L622-25-1).
- Bad-debt VAT (art. 272 CGI): the output VAT of a definitively lost claim is recovered pro
  rata of the part written off.

Periods in months end on the day with the same number, or the last day of the month when there
is none (art. 641 CPC, ``relativedelta``). A deadline that would expire on a Saturday, a Sunday
or a public holiday (jour férié chômé) is extended to the next working day (art. 642 CPC); the
French public holidays come from the ``holidays`` package (national calendar, the one of the
courts of metropolitan France). The declaration deadline is 2 months longer for a creditor
established outside metropolitan France (R622-24 al. 1).
"""

import datetime

import holidays
from dateutil.relativedelta import relativedelta

# R622-24 Code de commerce: declaration within 2 months of the BODACC publication.
DECLARATION_MONTHS = 2
# L624-9: retention-of-title claim within 3 months of the publication.
RETENTION_OF_TITLE_MONTHS = 3
# L622-26: relief from foreclosure within 6 months of the publication.
RELIEF_MONTHS = 6
# R622-24 al. 1: "augmenté de deux mois pour les créanciers qui ne demeurent pas sur le
# territoire de la France métropolitaine".
ABROAD_EXTRA_MONTHS = 2
# Postal codes of the overseas departments and communities (97x, 98x): not metropolitan.
OVERSEAS_ZIP_PREFIXES = ("97", "98")


def claim_date(invoice_date, delivery_date=None):
    """Day the claim of an invoice was born: the delivery when it is earlier than the invoice
    (the supply gives rise to the claim), else the invoice date; None without either."""
    dates = [day for day in (invoice_date, delivery_date) if day]
    return min(dates) if dates else None


def is_born_before_judgment(day, judgment_date):
    """Whether what was born on ``day`` (a claim, a credit note, a payment) was born before the
    opening judgment of ``judgment_date``: the judgment takes effect from 0 hour of its day
    (R621-4 Code de commerce), so what is dated on the judgment day was born after it, as the
    claims born from the judgment on (L622-17). The one test for invoices and open credits
    alike (issue 17: a credit of the judgment day counted before it by the reminders and
    after it by the claim declaration). False without a judgment or a day."""
    return bool(judgment_date and day and day < judgment_date)


def is_pre_judgment(invoice_date, judgment_date, delivery_date=None):
    """Whether an invoice's claim was born before the opening judgment (L622-21, R621-4): its
    reminders stop and no individual action may be taken for it; False without a judgment
    (:func:`is_born_before_judgment` of :func:`claim_date`)."""
    return is_born_before_judgment(claim_date(invoice_date, delivery_date), judgment_date)


def next_working_day(day):
    """``day`` when it is a working day, else the next working day: a deadline that would
    expire on a Saturday, a Sunday or a French public holiday is extended to the next working
    day (art. 642 al. 2 CPC)."""
    calendar = holidays.France(years=day.year)
    while day.weekday() >= 5 or day in calendar:
        day += datetime.timedelta(days=1)
    return day


def is_metropolitan_france(country_code, zip_code=None):
    """Whether a creditor established in ``country_code`` (ISO 3166-1 alpha-2) at
    ``zip_code`` is in metropolitan France: France (Corsica included) but the overseas
    departments and communities (their own country codes, or French postal codes 97x/98x).
    Without a country, metropolitan France: the shorter deadline, never an alert too late."""
    if not country_code:
        return True
    if country_code.upper() != "FR":
        return False
    return not (zip_code or "").strip().startswith(OVERSEAS_ZIP_PREFIXES)


def declaration_deadline(publication_date, metropolitan=True):
    """Last day to declare the claim: publication in the BODACC + 2 months, + 2 more months
    for a creditor established outside metropolitan France (``metropolitan`` False), R622-24;
    extended to the next working day (art. 642 CPC)."""
    months = DECLARATION_MONTHS + (0 if metropolitan else ABROAD_EXTRA_MONTHS)
    return next_working_day(publication_date + relativedelta(months=months))


def retention_of_title_deadline(publication_date):
    """Last day to claim back goods sold under retention of title: publication + 3 months
    (L624-9), extended to the next working day (art. 642 CPC)."""
    return next_working_day(publication_date + relativedelta(months=RETENTION_OF_TITLE_MONTHS))


def relief_deadline(publication_date):
    """Last day to ask the judge for relief from foreclosure after a missed declaration
    deadline: publication + 6 months (L622-26), extended to the next working day (art. 642
    CPC)."""
    return next_working_day(publication_date + relativedelta(months=RELIEF_MONTHS))


def split_bad_debt(written_off, invoice_total, invoice_tax):
    """Split a written-off amount into (excluding tax, VAT) pro rata of the invoice (art. 272
    CGI): VAT = written_off x tax / total, rounded to the cent; the rest is excluding tax.

    :param written_off: amount written off, taxes included (what is left unpaid)
    :param invoice_total: invoice total, taxes included
    :param invoice_tax: VAT of the invoice
    :return: ``(untaxed, tax)`` floats summing to ``written_off``
    """
    if not invoice_total:
        return written_off, 0.0
    tax = round(written_off * invoice_tax / invoice_total, 2)
    return round(written_off - tax, 2), tax
