"""The one consumer rule (shared/LEGAL.md, Scope: professional debtors only)."""

import pytest
from recouvrement_rules import parties


@pytest.mark.parametrize(
    ("is_company", "siren", "vats", "expected"),
    [
        (True, None, (), False),  # a company is never a consumer
        (True, "", ("",), False),
        (False, None, (), True),  # a natural person with no identifier
        (False, "  ", (None, ""), True),  # blanks are no identifier
        (False, "732829320", (), False),  # sole trader with a SIREN
        (False, None, ("BE0477472701",), False),  # a VAT number of any country
        (False, None, ("FR44732829320",), False),
        (False, None, (None, "09876543"), False),  # a company registration number (UK)
    ],
)
def test_is_consumer(is_company, siren, vats, expected):
    assert parties.is_consumer(is_company, siren, vats) is expected
