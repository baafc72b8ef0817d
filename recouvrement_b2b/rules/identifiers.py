"""French company identifiers: SIREN, SIRET, intra-community VAT number, RCS mention.

Checks, the VAT key and the SIRET layout come from python-stdnum (``stdnum.fr.siren``,
``stdnum.fr.siret`` which knows the La Poste exception, ``stdnum.fr.tva``: key = (12 + 3 x
(SIREN mod 97)) mod 97, see ``stdnum.fr.siren.to_tva``). This module adds only what stdnum
lacks: separators of any kind, SIREN grouping, the RCS mention (R123-237 Code de commerce),
deriving a SIREN from the other identifiers and checking that they agree. stdnum's exceptions
are mapped to our ``reason`` codes:

=========================  =============================================================
reason                     meaning
=========================  =============================================================
``length``                 wrong number of characters
``digits``                 a SIREN/SIRET holds something else than digits
``checksum``               the check digit (Luhn, La Poste digit sum) is wrong
``format``                 the text cannot be read (VAT number, RCS mention)
``vat_key``                FR VAT number whose key does not match its SIREN
``siret_siren_mismatch``   the SIRET does not start with the SIREN
``vat_siren_mismatch``     the VAT number holds another SIREN
``rcs_siren_mismatch``     the RCS mention holds another SIREN
``rcs_letter``             the RCS letter is not A (trader) or B (company)
``placeholder``            a SIREN/SIRET of zeros only (passes the Luhn check, names no one)
=========================  =============================================================
"""

import re

from stdnum import iban as stdnum_iban
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength, ValidationError
from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret
from stdnum.fr import tva as stdnum_tva

from .errors import RuleError

_SEPARATORS = re.compile(r"[\s.\-\u00a0\u202f]+")

# "RCS <greffe city> <A|B> <SIREN>" (art. R123-237 Code de commerce). The city starts with a
# letter and may hold spaces, hyphens and apostrophes; "R.C.S." and "RCS de Paris" are read too.
_RCS = re.compile(
    r"""^\s*R\s*\.?\s*C\s*\.?\s*S\s*\.?\s+
    (?:de\s+|d['\u2019]\s*)?
    (?P<city>[^\W\d_][^\d]*?)
    \s+(?P<letter>[^\W\d_])\.?
    \s*(?P<siren>\d[\d\s.\-]*)$""",
    re.IGNORECASE | re.VERBOSE,
)

_STDNUM_REASONS = (
    (InvalidLength, "length"),
    (InvalidFormat, "digits"),
    (InvalidChecksum, "checksum"),
)


class IdentifierError(RuleError, ValueError):
    """An identifier is invalid or inconsistent with another one.

    :param field: ``'siren'``, ``'siret'``, ``'vat'`` or ``'rcs'``
    :param value: the value as given
    :param reason: see the module docstring
    :param params: extra values for the message (e.g. ``siren`` for a mismatch)
    """

    def __init__(self, field, value, reason, **params):
        self.field = field
        self.value = value
        super().__init__(reason, field=field, value=value, **params)


def compact(value):
    """Return ``value`` without spaces, dots, dashes or non-breaking spaces, upper-cased.

    ``None`` and ``False`` (an empty Odoo field) give ``''``.
    """
    if value is None or value is False:
        return ""
    return _SEPARATORS.sub("", str(value)).upper()


def _stdnum_check(module, field, value, number):
    """Run ``module.validate`` on ``number``, mapping stdnum exceptions to IdentifierError."""
    try:
        number = module.validate(number)
    except ValidationError as exc:
        for exc_class, reason in _STDNUM_REASONS:
            if isinstance(exc, exc_class):
                raise IdentifierError(field, value, reason) from exc
        raise IdentifierError(field, value, "format") from exc
    if not number.strip("0"):
        raise IdentifierError(field, value, "placeholder")
    return number


def validate_siren(value, field="siren"):
    """Return the compact SIREN (9 digits, Luhn) or raise :class:`IdentifierError`.

    ``field`` names the field reported in the error (the SIREN of an RCS mention reports
    ``'rcs'``).
    """
    return _stdnum_check(stdnum_siren, field, value, compact(value))


def validate_siret(value):
    """Return the compact SIRET (14 digits) or raise :class:`IdentifierError`.

    Luhn over the 14 digits, except La Poste establishments (SIRET starting with 356000000
    other than the head office 35600000000048) whose digit sum must be a multiple of 5; the
    SIREN part is checked too.
    """
    return _stdnum_check(stdnum_siret, "siret", value, compact(value))


def validate_vat(value):
    """Return a French VAT number compacted as ``'FR' + key + SIREN``, or raise.

    Numbers of other countries are returned unchanged: their check belongs to the partner's
    generic VAT validation, not to this module. A French number with a valid SIREN part but a
    wrong key raises reason ``'vat_key'``; a bad SIREN part raises ``'checksum'``.
    """
    number = compact(value)
    if not number.startswith("FR"):
        return value
    body = number[2:]
    try:
        stdnum_tva.validate(body)
    except InvalidLength as exc:
        raise IdentifierError("vat", value, "length") from exc
    except InvalidChecksum as exc:
        # Monaco numbers (FRxx000......) are not SIRENs: only their key can be wrong.
        siren_ok = body[2:5] == "000" or stdnum_siren.is_valid(body[2:])
        raise IdentifierError("vat", value, "vat_key" if siren_ok else "checksum") from exc
    except ValidationError as exc:
        raise IdentifierError("vat", value, "format") from exc
    return "FR" + body


def siren_from_vat(vat):
    """Return the SIREN held by a valid French VAT number with a numeric key, else ``None``.

    Non-French numbers, old alphanumeric keys and Monaco numbers (``FRxx000...``) give ``None``.
    """
    number = compact(vat)
    if not number.startswith("FR"):
        return None
    body = number[2:]
    if not body.isdigit() or body[2:5] == "000" or not stdnum_tva.is_valid(body):
        return None
    return body[2:]


def format_siren(value):
    """Return a SIREN as ``'123 456 789'``; a value that is not 9 digits is returned as is."""
    number = compact(value)
    if len(number) != 9 or not number.isdigit():
        return value
    return f"{number[:3]} {number[3:6]} {number[6:]}"


def format_iban(value):
    """Return an IBAN grouped by four (``'FR76 3000 6000 0112 3456 7890 189'``), as printed on
    paper (ISO 13616); a value that is not a valid IBAN is returned as is."""
    number = compact(value)
    if not number or not stdnum_iban.is_valid(number):
        return value
    return stdnum_iban.format(number)


def format_siret(value):
    """Return a SIRET as ``'123 456 789 00012'``; a value not of 14 digits is returned as is."""
    number = compact(value)
    if len(number) != 14 or not number.isdigit():
        return value
    return stdnum_siret.format(number)


def _rcs_letter(letter, value):
    """Return the upper-cased RCS letter, raising reason ``'rcs_letter'`` unless A or B."""
    letter = (letter or "").upper()
    if letter not in ("A", "B"):
        raise IdentifierError("rcs", value, "rcs_letter", letter=letter)
    return letter


def parse_rcs(text):
    """Read an RCS mention and return ``(city, letter, siren)``.

    Accepts ``'RCS Lyon B 123 456 789'``, ``'R.C.S. Paris B 552 120 222'``, ``'rcs de Lyon b
    ...'``, cities with spaces or hyphens (``'Aix-en-Provence'``, ``'Saint Etienne'``); the
    city keeps its spelling with whitespace collapsed, the letter is upper-cased and the SIREN
    is checked (field ``'rcs'``). Art. R123-237 Code de commerce: A = trader, B = company.
    """
    match = _RCS.match(text or "")
    if not match:
        raise IdentifierError("rcs", text, "format")
    letter = _rcs_letter(match.group("letter"), text)
    city = " ".join(match.group("city").split())
    siren = validate_siren(match.group("siren"), field="rcs")
    return city, letter, siren


def format_rcs(city, letter, siren):
    """Return the RCS mention ``'RCS Lyon B 123 456 789'`` (SIREN and letter are checked)."""
    value = f"RCS {city} {letter} {siren}"
    letter = _rcs_letter(letter, value)
    number = validate_siren(siren, field="rcs")
    return f"RCS {' '.join(str(city).split())} {letter} {format_siren(number)}"


def is_valid(check, value):
    """Return whether ``check(value)`` (a ``validate_*`` or ``parse_rcs``) accepts ``value``."""
    try:
        check(value)
    except IdentifierError:
        return False
    return True


def derive_siren(siret=None, vat=None, rcs=None):
    """Return the SIREN read from a valid SIRET, else French VAT number, else RCS mention.

    Never raises: invalid or missing values are skipped and ``None`` is returned when no value
    gives a SIREN (used to fill an empty SIREN as the user types; :func:`derive_and_check`
    reports the errors).
    """
    if siret and is_valid(validate_siret, siret):
        return compact(siret)[:9]
    siren = siren_from_vat(vat) if vat else None
    if siren:
        return siren
    if rcs and is_valid(parse_rcs, rcs):
        return parse_rcs(rcs)[2]
    return None


def derive_and_check(siren=None, siret=None, vat=None, rcs=None):
    """Validate the identifiers given, derive a missing SIREN and check they agree.

    Each non-empty value is validated (in the order siren, siret, vat, rcs). An empty SIREN is
    taken from the SIRET (its first 9 digits), else from a French VAT number, else from the RCS
    mention. Then: the SIRET must start with the SIREN, a French VAT number must hold the SIREN
    (so equal ``'FR' + stdnum.fr.siren.to_tva(siren)`` when its key is numeric; a valid old
    alphanumeric key is accepted) and the RCS SIREN must be the SIREN. The first problem raises
    :class:`IdentifierError`.

    :return: ``{'siren', 'siret', 'vat', 'rcs'}`` normalised (compact numbers, RCS formatted
        by :func:`format_rcs`, non-French VAT unchanged), ``None`` for what is unknown
    """
    siren = validate_siren(siren) if siren else None
    siret = validate_siret(siret) if siret else None
    vat = validate_vat(vat) if vat else None
    rcs_parts = parse_rcs(rcs) if rcs else None
    french_vat = bool(vat) and compact(vat).startswith("FR")

    if not siren:
        if siret:
            siren = siret[:9]
        elif french_vat and siren_from_vat(vat):
            siren = siren_from_vat(vat)
        elif rcs_parts:
            siren = rcs_parts[2]

    if siren:
        if siret and not siret.startswith(siren):
            raise IdentifierError("siret", siret, "siret_siren_mismatch", siren=siren)
        # The key was checked by validate_vat: with a numeric key, same 9 digits means
        # vat == "FR" + stdnum.fr.siren.to_tva(siren); a valid old alphanumeric key is accepted.
        if french_vat and vat[4:] != siren:
            raise IdentifierError("vat", vat, "vat_siren_mismatch", siren=siren)
        if rcs_parts and rcs_parts[2] != siren:
            raise IdentifierError("rcs", rcs, "rcs_siren_mismatch", siren=siren)

    return {
        "siren": siren,
        "siret": siret,
        "vat": vat,
        "rcs": format_rcs(*rcs_parts) if rcs_parts else None,
    }
