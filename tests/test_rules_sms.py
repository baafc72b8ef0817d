"""SMS text in the GSM 03.38 alphabet: billed by parts of 153 characters, not 67."""

import pytest
from recouvrement_rules import sms


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1\u00a0234,56\u00a0€", "1 234,56 EUR"),
        ("1\u202f234,56\u00a0€", "1 234,56 EUR"),
        ("L’Atelier «Dubois» – relance…", 'L\'Atelier "Dubois" - relance...'),
        ("Crêperie Gaëlle, façade, Œuvre", "Creperie Gaelle, facade, OEuvre"),
        ("impayés à régler, où, Ça", "impayés à régler, où, Ça"),
        ("日本", "??"),
        ("", ""),
        (None, ""),
    ],
)
def test_to_gsm7(text, expected):
    assert sms.to_gsm7(text) == expected
    assert all(c in sms.GSM7_ALPHABET for c in sms.to_gsm7(text))


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("", 0),
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("€" + "a" * 69, 1),
        ("€" + "a" * 70, 2),
        ("\u00a0" + "a" * 200, 3),  # 201 characters in UCS-2: 67 per part
        ("\u00a0" + "a" * 201, 4),
    ],
)
def test_count_parts(text, parts):
    assert sms.count_parts(text) == parts
