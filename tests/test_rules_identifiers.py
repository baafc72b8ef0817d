"""SIREN, SIRET, VAT number and RCS mention checks, with published numbers.

Every number below was checked with python-stdnum first: 552 120 222 (Societe Generale,
RCS Paris B 552 120 222), 443 061 841 (Google France), 732 829 320; La Poste SIRETs: head
office 356 000 000 00048 (Luhn) and 356 000 000 49837 (not Luhn, digit sum 45).
"""

import pytest
from recouvrement_rules import identifiers as ids
from recouvrement_rules.identifiers import IdentifierError
from stdnum.fr import siren as stdnum_siren


def reason_of(func, *args, **kwargs):
    """Return (field, reason) of the IdentifierError raised by func(*args, **kwargs)."""
    with pytest.raises(IdentifierError) as err:
        func(*args, **kwargs)
    return err.value.field, err.value.reason


def test_compact():
    assert ids.compact(" 552.120-222\u00a0") == "552120222"
    assert ids.compact("fr 27 552\u202f120 222") == "FR27552120222"
    assert ids.compact(None) == "" and ids.compact(False) == ""


@pytest.mark.parametrize("value", ["552 120 222", "732829320", "443.061.841", " 356000000 "])
def test_valid_siren(value):
    assert ids.validate_siren(value) == ids.compact(value)


def test_invalid_siren():
    assert reason_of(ids.validate_siren, "552 120 223") == ("siren", "checksum")  # last digit
    assert reason_of(ids.validate_siren, "552 120 22") == ("siren", "length")
    assert reason_of(ids.validate_siren, "5521202222") == ("siren", "length")
    assert reason_of(ids.validate_siren, "55212O222") == ("siren", "digits")  # letter O
    with pytest.raises(IdentifierError) as err:
        ids.validate_siren("552120223")
    assert err.value.value == "552120223"
    assert err.value.params == {"field": "siren", "value": "552120223"}
    assert isinstance(err.value, ValueError)


def test_valid_siret():
    assert ids.validate_siret("552 120 222 00013") == "55212022200013"
    assert ids.validate_siret("732 829 320 00074") == "73282932000074"
    assert ids.validate_siret("443 061 841 00047") == "44306184100047"


def test_siret_la_poste():
    # Head office: ordinary Luhn.
    assert ids.validate_siret("356 000 000 00048") == "35600000000048"
    # Other La Poste establishment: not Luhn-valid, but digit sum 45 is a multiple of 5.
    assert ids.validate_siret("356 000 000 49837") == "35600000049837"
    # Digit sum 46: refused.
    assert reason_of(ids.validate_siret, "35600000049838") == ("siret", "checksum")
    # A head-office look-alike with a wrong last digit follows Luhn, not the La Poste rule.
    assert reason_of(ids.validate_siret, "35600000000049") == ("siret", "checksum")


def test_invalid_siret():
    assert reason_of(ids.validate_siret, "44306184100048") == ("siret", "checksum")
    assert reason_of(ids.validate_siret, "4430618410004") == ("siret", "length")
    assert reason_of(ids.validate_siret, "4430618410004X") == ("siret", "digits")


@pytest.mark.parametrize(
    "check, value, field",
    [
        (ids.validate_siren, "000000000", "siren"),
        (ids.validate_siren, "000 000 000", "siren"),
        (ids.validate_siret, "00000000000000", "siret"),
        (ids.validate_siret, "000 000 000 00000", "siret"),
    ],
)
def test_placeholders_refused(check, value, field):
    # Zeros pass the Luhn check but name no company.
    assert reason_of(check, value) == (field, "placeholder")
    assert ids.derive_siren(siret="00000000000000") is None


def test_vat_key_from_stdnum():
    # The key is python-stdnum's: (12 + 3 x (552120222 mod 97)) mod 97 = 27.
    assert stdnum_siren.to_tva("552120222") == "27552120222"
    assert stdnum_siren.to_tva("732829320") == "44732829320"
    assert ids.validate_vat("FR" + stdnum_siren.to_tva("443061841")) == "FR64443061841"


def test_siren_from_vat():
    assert ids.siren_from_vat("fr 64 443 061 841") == "443061841"
    assert ids.siren_from_vat("FR65443061841") is None  # wrong key
    assert ids.siren_from_vat("DE123456789") is None
    assert ids.siren_from_vat("FRK7399859412") is None  # old alphanumeric key
    assert ids.siren_from_vat("FR15000000001") is None  # Monaco: not a SIREN
    assert ids.siren_from_vat(None) is None


def test_validate_vat():
    assert ids.validate_vat("fr 27 552 120 222") == "FR27552120222"
    assert ids.validate_vat("FR44732829320") == "FR44732829320"
    assert ids.validate_vat("FRK7399859412") == "FRK7399859412"
    assert ids.validate_vat("FR15000000001") == "FR15000000001"  # Monaco
    # Not French: not our business, returned as given.
    assert ids.validate_vat("DE 123 456 789") == "DE 123 456 789"


def test_invalid_vat():
    # Valid SIREN with a wrong key.
    assert reason_of(ids.validate_vat, "FR 28 552 120 222") == ("vat", "vat_key")
    assert reason_of(ids.validate_vat, "FR00443061841") == ("vat", "vat_key")
    # The SIREN part itself fails Luhn.
    assert reason_of(ids.validate_vat, "FR27552120223") == ("vat", "checksum")
    assert reason_of(ids.validate_vat, "FR2755212022") == ("vat", "length")
    assert reason_of(ids.validate_vat, "FRXX") == ("vat", "format")


def test_formatting():
    assert ids.format_siren("552120222") == "552 120 222"
    assert ids.format_siret("55212022200013") == "552 120 222 00013"
    assert ids.format_siret("552.120.222-00013") == "552 120 222 00013"
    assert ids.format_siret("5521202220001") == "5521202220001"  # not a SIRET: left alone
    assert ids.format_siren("12") == "12"  # not a SIREN: left alone
    assert ids.format_rcs("Saint  Etienne", "b", "552120222") == "RCS Saint Etienne B 552 120 222"
    assert reason_of(ids.format_rcs, "Lyon", "C", "552120222") == ("rcs", "rcs_letter")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("RCS Lyon B 552 120 222", ("Lyon", "B", "552120222")),
        ("R.C.S. Paris B 552 120 222", ("Paris", "B", "552120222")),
        ("rcs paris b 552120222", ("paris", "B", "552120222")),
        ("RCS Aix-en-Provence A 443 061 841", ("Aix-en-Provence", "A", "443061841")),
        ("RCS Saint Etienne B 732 829 320", ("Saint Etienne", "B", "732829320")),
        ("RCS de Paris B 552.120.222", ("Paris", "B", "552120222")),
        ("RCS Créteil B552120222", ("Créteil", "B", "552120222")),
    ],
)
def test_parse_rcs(text, expected):
    assert ids.parse_rcs(text) == expected


def test_parse_rcs_errors():
    assert reason_of(ids.parse_rcs, "RCS Lyon C 552 120 222") == ("rcs", "rcs_letter")
    assert reason_of(ids.parse_rcs, "RCS Lyon 552 120 222") == ("rcs", "format")
    assert reason_of(ids.parse_rcs, "Lyon B 552 120 222") == ("rcs", "format")
    assert reason_of(ids.parse_rcs, "") == ("rcs", "format")
    assert reason_of(ids.parse_rcs, "RCS Lyon B 552 120 223") == ("rcs", "checksum")
    assert reason_of(ids.parse_rcs, "RCS Lyon B 552 120 22") == ("rcs", "length")


def test_derive_siren_from_siret():
    res = ids.derive_and_check(siret="552 120 222 00013")
    assert res == {"siren": "552120222", "siret": "55212022200013", "vat": None, "rcs": None}


def test_derive_siren_from_vat():
    res = ids.derive_and_check(vat="FR 64 443 061 841", rcs="RCS Paris B 443061841")
    assert res == {
        "siren": "443061841",
        "siret": None,
        "vat": "FR64443061841",
        "rcs": "RCS Paris B 443 061 841",
    }


def test_derive_siren_from_rcs():
    assert ids.derive_and_check(rcs="RCS Paris B 552 120 222")["siren"] == "552120222"


def test_derive_all_consistent():
    res = ids.derive_and_check(
        siren="552120222",
        siret="55212022200013",
        vat="FR27552120222",
        rcs="R.C.S. Paris B 552 120 222",
    )
    assert res["rcs"] == "RCS Paris B 552 120 222"


def test_derive_and_check_mismatches():
    assert reason_of(ids.derive_and_check, siren="552120222", siret="73282932000074") == (
        "siret",
        "siret_siren_mismatch",
    )
    assert reason_of(ids.derive_and_check, siren="552120222", vat="FR44732829320") == (
        "vat",
        "vat_siren_mismatch",
    )
    # SIREN taken from the SIRET, then compared with the VAT number.
    assert reason_of(ids.derive_and_check, siret="73282932000074", vat="FR27552120222") == (
        "vat",
        "vat_siren_mismatch",
    )
    assert reason_of(ids.derive_and_check, siren="552120222", rcs="RCS Lyon B 443 061 841") == (
        "rcs",
        "rcs_siren_mismatch",
    )
    # VAT key mismatch is caught by the VAT check itself.
    assert reason_of(ids.derive_and_check, siren="552120222", vat="FR28552120222") == (
        "vat",
        "vat_key",
    )
    # Invalid values fail before any consistency check, in field order.
    assert reason_of(ids.derive_and_check, siren="552120223", siret="1") == ("siren", "checksum")
    with pytest.raises(IdentifierError) as err:
        ids.derive_and_check(siren="552120222", siret="73282932000074")
    assert err.value.params["siren"] == "552120222"


def test_derive_and_check_foreign_vat_and_empty_values():
    res = ids.derive_and_check(siren="552120222", vat="BE0403170701", siret=False, rcs="")
    assert res == {"siren": "552120222", "siret": None, "vat": "BE0403170701", "rcs": None}
    assert ids.derive_and_check() == {"siren": None, "siret": None, "vat": None, "rcs": None}


def test_derive_siren_never_raises():
    assert ids.derive_siren(siret="552 120 222 00013") == "552120222"
    assert ids.derive_siren(vat="FR64443061841") == "443061841"
    assert ids.derive_siren(rcs="RCS Paris B 552 120 222") == "552120222"
    # The SIRET wins over the VAT number, an invalid SIRET is skipped.
    assert ids.derive_siren(siret="55212022200013", vat="FR64443061841") == "552120222"
    assert ids.derive_siren(siret="55212022200014", vat="FR64443061841") == "443061841"
    # Corrupted digit, wrong VAT key, foreign VAT, unreadable RCS, nothing: no SIREN.
    assert ids.derive_siren(siret="55212022200014") is None
    assert ids.derive_siren(vat="FR28552120222") is None
    assert ids.derive_siren(vat="BE0403170701") is None
    assert ids.derive_siren(rcs="RCS Paris 552 120 222") is None
    assert ids.derive_siren(rcs="RCS Paris B 552 120 223") is None
    assert ids.derive_siren() is None
    assert ids.derive_siren(siret=False, vat=False, rcs=False) is None


@pytest.mark.parametrize(
    "siret",
    ["35600000000048", "35600000049837", "356 000 000 49837"],
)
def test_derive_siren_la_poste(siret):
    assert ids.derive_siren(siret=siret) == "356000000"
    assert ids.derive_and_check(siren="356000000", siret=siret)["siret"] == ids.compact(siret)


def test_is_valid():
    assert ids.is_valid(ids.validate_siren, "552 120 222")
    assert not ids.is_valid(ids.validate_siren, "552 120 223")
    assert ids.is_valid(ids.parse_rcs, "RCS Paris B 552 120 222")
    assert not ids.is_valid(ids.parse_rcs, "RCS Paris C 552 120 222")


def test_format_iban_groups_by_four():
    """Issue 16 (break test): the IBAN of the letters is grouped by four however stored."""
    assert ids.format_iban("FR7630006000011234567890189") == "FR76 3000 6000 0112 3456 7890 189"
    assert (
        ids.format_iban("fr57 3000 3000 5079 6394 9549 b56") == "FR57 3000 3000 5079 6394 9549 B56"
    )
    assert ids.format_iban("12345") == "12345"  # not an IBAN: as stored
    assert ids.format_iban(False) is False
