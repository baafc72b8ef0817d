"""Sane bounds of the numbers our settings hold (issue 19): a number of days beyond them
overflows the dates computed from it (``date + timedelta`` past the year 9999 or before 1)."""

from odoo.exceptions import ValidationError
from odoo.tools.misc import formatLang


def check_bounds(records, fname, low, high):
    """Raise unless ``low <= record[fname] <= high`` for each of ``records``.

    :raise ValidationError: naming the record, the field, the bounds and the value
    """
    for record in records:
        value = record[fname]
        if not low <= value <= high:
            env = record.env
            if record._fields[fname].type in ("float", "monetary"):
                low, high, value = (formatLang(env, number) for number in (low, high, value))
            raise ValidationError(
                env._(
                    "%(record)s: the %(field)s must be between %(min)s and %(max)s (not "
                    "%(value)s).",
                    record=record.display_name,
                    field=record._fields[fname]._description_string(env),
                    min=low,
                    max=high,
                    value=value,
                )
            )
