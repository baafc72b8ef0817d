"""Who the debtor is, in the eyes of French collection law.

One rule, used by penalties (L441-10), the 40 EUR indemnity (D441-5) and prescription
(L110-4 Code de commerce / L218-2 Code de la consommation).
"""


def is_consumer(is_company, siren=None, vat_numbers=()):
    """Whether a debtor is a consumer: a natural person with neither a SIREN nor any VAT number
    or company registration number.

    Product decision of ``shared/LEGAL.md`` (Scope: professional debtors only): a sole trader
    with a SIREN, or with a VAT number of any country, is a professional. So is a natural person
    with a company registration number (Odoo's "Company ID": a SIRET typed there, a UK company
    number): it registered a trade (README, product decisions).

    :param bool is_company: the partner is a company (``res.partner.is_company``)
    :param str siren: its SIREN, empty or ``None`` when unknown
    :param vat_numbers: its VAT numbers and company registration numbers (any country); empty
        values are ignored
    :return: ``True`` for a consumer (no L441-10 penalties, no 40 EUR, 2-year prescription)
    :rtype: bool
    """
    if is_company:
        return False
    if siren and str(siren).strip():
        return False
    return not any(v and str(v).strip() for v in vat_numbers or ())
