"""Collective proceedings deadlines (R622-24, L624-9, L622-26) and bad-debt VAT (art. 272 CGI)."""

from datetime import date

from recouvrement_rules.proceedings import (
    claim_date,
    declaration_deadline,
    is_pre_judgment,
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
    assert declaration_deadline(date(2024, 4, 30)) == date(2024, 6, 30)
    assert retention_of_title_deadline(date(2024, 4, 30)) == date(2024, 7, 30)
    assert relief_deadline(date(2024, 4, 30)) == date(2024, 10, 30)
    # No 31 December + 2 months: the last day of February.
    assert declaration_deadline(date(2023, 12, 31)) == date(2024, 2, 29)


def test_split_bad_debt_pro_rata():
    # 1 200 TTC (200 VAT) of which 600 written off: 100 VAT, 500 excluding tax.
    assert split_bad_debt(600.0, 1200.0, 200.0) == (500.0, 100.0)
    assert split_bad_debt(100.0, 0.0, 0.0) == (100.0, 0.0)
