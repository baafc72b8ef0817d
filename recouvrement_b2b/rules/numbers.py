"""Number helpers shared by the rules."""

from decimal import Decimal


def to_decimal(value):
    """Return ``value`` as a Decimal.

    Floats (Odoo monetary fields) go through ``repr`` so that ``0.1`` gives ``Decimal('0.1')``
    and not its binary approximation; ``None`` and ``False`` give 0.
    """
    if isinstance(value, Decimal):
        return value
    if value is None or value is False:
        return Decimal(0)
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)
