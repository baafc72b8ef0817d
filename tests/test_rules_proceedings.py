"""Collective proceedings deadlines (R622-24, L624-9, L622-26) and bad-debt VAT (art. 272 CGI)."""

from datetime import date

from recouvrement_rules.proceedings import (
    claim_date,
    declaration_deadline,
    is_metropolitan_france,
    is_pre_judgment,
    next_working_day,
    relief_deadline,
    retention_of_title_deadline,
    split_bad_debt,
)


def test_claim_born_before_the_judgment():
    judgment = date(2024, 4, 14)
    assert is_pre_judgment(date(2024, 4, 13), judgment)
    # The judgment takes effect at 0h of its day (R621-4): a claim of that day is later.
    assert not is_pre_judgment(date(2024, 4, 14), judgment)
    # A delivery before the judgment invoiced after it: the claim was born at the delivery.
    assert is_pre_judgment(date(2024, 4, 20), judgment, delivery_date=date(2024, 4, 10))
    assert not is_pre_judgment(date(2024, 4, 13), None)
    assert claim_date(None) is None


def test_deadlines_from_the_publication():
    # 2024-06-30 is a Sunday: extended to Monday 2024-07-01 (art. 642 CPC).
    assert declaration_deadline(date(2024, 4, 30)) == date(2024, 7, 1)
    assert retention_of_title_deadline(date(2024, 4, 30)) == date(2024, 7, 30)
    assert relief_deadline(date(2024, 4, 30)) == date(2024, 10, 30)
    # No 31 December + 2 months: the last day of February.
    assert declaration_deadline(date(2023, 12, 31)) == date(2024, 2, 29)


def test_split_bad_debt_pro_rata():
    # 1 200 TTC (200 VAT) of which 600 written off: 100 VAT, 500 excluding tax.
    assert split_bad_debt(600.0, 1200.0, 200.0) == (500.0, 100.0)
    assert split_bad_debt(100.0, 0.0, 0.0) == (100.0, 0.0)


def test_deadline_on_a_weekend_or_holiday_extended_art_642():
    # Wednesday 2024-05-08 (Victoire 1945) then Thursday 2024-05-09 (Ascension): Friday 10th.
    assert declaration_deadline(date(2024, 3, 8)) == date(2024, 5, 10)
    # Monday 2024-11-11 (Armistice): Tuesday 12th.
    assert relief_deadline(date(2024, 5, 11)) == date(2024, 11, 12)
    # Wednesday 2024-12-25 (Noël): Thursday 26th.
    assert retention_of_title_deadline(date(2024, 9, 25)) == date(2024, 12, 26)
    # Thursday 2026-01-01 (Jour de l'an), in the next year: Friday 2nd.
    assert declaration_deadline(date(2025, 11, 1)) == date(2026, 1, 2)
    # Saturday 2024-08-31 and Sunday: Monday 2024-09-02; Easter Monday 2025-04-21: Tuesday.
    assert next_working_day(date(2024, 8, 31)) == date(2024, 9, 2)
    assert next_working_day(date(2025, 4, 21)) == date(2025, 4, 22)
    # Whit Monday 2025-06-09 is a public holiday; a working day is kept as is.
    assert next_working_day(date(2025, 6, 9)) == date(2025, 6, 10)
    assert next_working_day(date(2024, 7, 30)) == date(2024, 7, 30)


def test_declaration_deadline_outside_metropolitan_france_r622_24():
    # + 2 months: 2024-04-30 + 4 months = Friday 2024-08-30.
    assert declaration_deadline(date(2024, 4, 30), metropolitan=False) == date(2024, 8, 30)
    # 2024-04-15 + 4 months = Thursday 2024-08-15 (Assomption): Friday 16th.
    assert declaration_deadline(date(2024, 4, 15), metropolitan=False) == date(2024, 8, 16)
    assert is_metropolitan_france("FR", "69002")
    assert is_metropolitan_france("fr", "20000")  # Corsica
    assert is_metropolitan_france(None)  # unknown: the shorter deadline
    assert not is_metropolitan_france("FR", "97110")  # Guadeloupe with a French address
    assert not is_metropolitan_france("RE", "97400")
    assert not is_metropolitan_france("BE", "1000")
