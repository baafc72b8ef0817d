"""Automatic replies to reminders: headers first (RFC 3834), subject prefixes second."""

import pytest
from recouvrement_rules import autoreply


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Auto-Submitted": "auto-replied"}, True),
        ({"Auto-Submitted": "auto-generated; type=vacation"}, True),
        ({"Auto-Submitted": "no"}, False),
        ({"X-Autoreply": "yes"}, True),
        ({"X-Autorespond": "Vacation"}, True),
        ({"Precedence": "auto_reply"}, True),
        ({"Precedence": "Bulk"}, True),
        ({"Precedence": "junk"}, True),
        ({"Precedence": "first-class"}, False),
        ({}, False),
    ],
)
def test_headers(headers, expected):
    assert autoreply.is_auto_reply(headers, "Re: Relance") is expected


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        ("Réponse automatique : Relance", True),
        ("Reponse automatique: Relance", True),
        ("Absence du bureau : Relance", True),
        ("Message d'absence", True),
        ("Automatic reply: Relance", True),
        ("Out of Office: Relance", True),
        ("[Auto-Reply] Relance", True),
        ("Autoreply: Relance", True),
        ("Re: Relance", False),
        ("Re: Absence de livraison du 3 mars", False),
        ("Re: Automatic reply: Relance", False),  # a person answering an automatic reply
        ("", False),
    ],
)
def test_subject(subject, expected):
    assert autoreply.is_auto_reply({}, subject) is expected
    assert autoreply.is_auto_reply({"Subject": subject}) is expected
