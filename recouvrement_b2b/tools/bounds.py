"""Sane bounds of the numbers our settings hold (issue 19): a number of days beyond them
overflows the dates computed from it (``date + timedelta`` past the year 9999 or before 1)."""

from datetime import timedelta

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tools import float_compare
from odoo.tools.misc import format_amount, format_date, formatLang


def check_bounds(records, fname, low, high):
    """Raise unless ``low <= record[fname] <= high`` for each of ``records`` (numbers, or
    dates shown in the user's format).

    :raise ValidationError: naming the record, the field, the bounds and the value
    """
    for record in records:
        value = record[fname]
        if not low <= value <= high:
            env = record.env
            field = record._fields[fname]
            currency = field.type == "monetary" and field.get_currency_field(record)
            if currency and record[currency]:
                # amounts with their currency, as the user reads them (1 000,00 €)
                low, high, value = (
                    format_amount(env, number, record[currency]) for number in (low, high, value)
                )
            elif field.type in ("float", "monetary"):
                low, high, value = (formatLang(env, number) for number in (low, high, value))
            elif field.type == "integer":
                # grouped as the user writes numbers (1 825, not 1825)
                low, high, value = (
                    formatLang(env, number, digits=0) for number in (low, high, value)
                )
            elif field.type == "date":
                low, high, value = (format_date(env, day) for day in (low, high, value))
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


def check_date_horizon(records, fnames, days_ahead=0):
    """Raise unless each of ``fnames`` (date fields) of each of ``records`` is empty or at
    most ``days_ahead`` days after today (0: a day that has come: a posting, a signature, a
    call). Beyond, the day has not happened, or the dates computed from it overflow.

    :raise ValidationError: naming the record, the field, the value and the last day allowed
    """
    if not records:
        return
    env = records.env
    today = fields.Date.context_today(records)
    limit = today + timedelta(days=days_ahead)
    for record in records:
        for fname in fnames:
            value = record[fname]
            if not value or value <= limit:
                continue
            field = record._fields[fname]._description_string(env)
            if not days_ahead:
                message = env._(
                    "%(record)s: the %(field)s (%(value)s) cannot be after today (%(today)s): "
                    "it records a day that has come.",
                    record=record.display_name,
                    field=field,
                    value=format_date(env, value),
                    today=format_date(env, today),
                )
            else:
                message = env._(
                    "%(record)s: the %(field)s (%(value)s) cannot be more than %(days)s days "
                    "ahead (at the latest %(limit)s).",
                    record=record.display_name,
                    field=field,
                    value=format_date(env, value),
                    days=days_ahead,
                    limit=format_date(env, limit),
                )
            raise ValidationError(message)


def check_sign(model, vals_list, fnames, strict=False, message=None):
    """Refuse, before ``model.create(vals_list)`` or a write, a value of one of ``fnames``
    (number fields that a SQL ``CHECK`` guards) out of its bound: below 0 (``CHECK (fname >=
    0)``), or with ``strict`` 0 or less to the cent (``CHECK (fname > 0)``); empty counts as
    0, a field absent from the values is not checked. The database checks those before any
    Python constraint, with a message naming neither the record nor the field, and the record
    may not exist yet, so :func:`check_bounds` cannot name it.

    :param model: the model of the values
    :param vals_list: create or write values, or values computed for them (dicts)
    :param fnames: the fields checked
    :param strict: refuse 0 too: the value must be strictly positive (else not negative)
    :param message: function of the value (a number) giving the translated message
        (required with ``strict``); by default the message names the record (the values'
        ``name``, else the model's description: call it once the values hold the record's
        name), the field and the value
    :raise ValidationError: the message, for the first value refused
    """
    env = model.env
    for vals in vals_list:
        for fname in fnames:
            if fname not in vals:
                continue
            value = vals[fname] or 0.0
            if strict:
                refused = float_compare(value, 0.0, precision_digits=2) <= 0
            else:
                refused = value < 0
            if not refused:
                continue
            if message:
                raise ValidationError(message(value))
            raise ValidationError(
                env._(
                    "%(record)s: the %(field)s cannot be negative (not %(value)s).",
                    record=vals.get("name") or model._description,
                    field=model._fields[fname]._description_string(env),
                    value=formatLang(env, value),
                )
            )
