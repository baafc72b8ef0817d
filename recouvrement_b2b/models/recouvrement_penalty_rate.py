import re

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_date

from ..rules import penalties
from ..tools.lang import format_number

_HALF_YEAR_RE = re.compile(r"^\d{4}-S[12]$")

# Bounds of a reference rate, in %: the ECB main refinancing rate has ranged from 0 to 4.75 %
# and the legal interest rate from 0.04 to 8.01 %; a figure beyond 0-100 % is a typing error.
MIN_RATE = 0.0
MAX_RATE = 100.0
#: the first ECB main refinancing rate: the euro, 1 January 1999
FIRST_RATE_YEAR = 1999
#: years ahead a rate may be prepared
RATE_YEARS_AHEAD = 5


class RecouvrementPenaltyRate(models.Model):
    """Reference rate of French late-payment law.

    ``ecb_mro``: ECB main refinancing rate, either in force on 1 January / 1 July of a half-year
    (the L441-10 II reference, read by the penalty computation) or a change with its effective
    date (history, for the record). ``legal_professional`` / ``legal_individual``: taux de
    l'intérêt légal of a half-year (creditors other than / natural persons acting outside a
    trade); 3 x the professional one is the floor of a contract penalty rate.
    """

    _name = "recouvrement.penalty.rate"
    _description = "Reference Rate"
    _order = "kind, half_year desc, date_from desc, id desc"
    _rec_names_search = ["half_year", "kind"]

    kind = fields.Selection(
        [
            ("ecb_mro", "ECB main refinancing rate"),
            ("legal_professional", "Legal interest rate (professional creditors)"),
            ("legal_individual", "Legal interest rate (individual creditors)"),
        ],
        required=True,
        index=True,
    )
    half_year = fields.Char(
        index=True,
        help="Half-year the rate applies to, e.g. 2024-S1 (January-June) or 2024-S2 "
        "(July-December). For the ECB rate: the rate in force on 1 January / 1 July.",
    )
    date_from = fields.Date(
        string="Effective Date",
        help="ECB rate changes only: the date the new rate took effect (history).",
    )
    value = fields.Float(string="Rate (%)", digits=(16, 2), required=True, aggregator=None)
    active = fields.Boolean(
        default=True,
        help="An archived rate still counts for the penalties of its half-year (history).",
    )
    source = fields.Char(
        translate=True, help="Where the figure comes from (official table, decree, press)."
    )
    secondary = fields.Boolean(
        string="To Verify",
        help="Figure taken from a non-official source: check it against the official one.",
    )

    _sql_constraints = [
        (
            "half_year_unique",
            "UNIQUE(kind, half_year)",
            "There is already a rate of this kind for this half-year.",
        ),
        (
            "date_from_unique",
            "UNIQUE(kind, date_from)",
            "There is already a rate change of this kind on this date.",
        ),
    ]

    @api.depends("kind", "half_year", "date_from")
    def _compute_display_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for rate in self:
            kind = kinds.get(rate.kind, "")
            if rate.date_from and not rate.half_year:
                # a rate change: its date in the reader's format, not ISO (issue 16)
                rate.display_name = self.env._(
                    "%(kind)s from %(date)s", kind=kind, date=format_date(self.env, rate.date_from)
                )
            else:
                rate.display_name = f"{kind} {rate.half_year or ''}".strip()

    def _check_period_horizon(self):
        """A rate applies from the euro (1999: the first ECB rate) to five years ahead (the
        rates are published shortly before their half-year; later ones are prepared at most):
        a rate of 9999-S2 or 0001-S1 is a typing slip (issue 19).

        :raise ValidationError: naming the rate, the field, the value and the bounds
        """
        today = fields.Date.context_today(self)
        last_year = today.year + RATE_YEARS_AHEAD
        for rate in self:
            year = int(rate.half_year[:4]) if _HALF_YEAR_RE.match(rate.half_year or "") else None
            day = rate.date_from
            if (year and not FIRST_RATE_YEAR <= year <= last_year) or (
                day and not FIRST_RATE_YEAR <= day.year <= last_year
            ):
                fname = "half_year" if year else "date_from"
                raise ValidationError(
                    self.env._(
                        "Rate %(rate)s: the %(field)s must fall between %(first)s and "
                        "%(last)s (not %(value)s).",
                        rate=rate.display_name,
                        field=rate._fields[fname]._description_string(self.env),
                        first=FIRST_RATE_YEAR,
                        last=last_year,
                        value=rate.half_year if year else format_date(self.env, day),
                    )
                )

    @api.constrains("kind", "half_year", "date_from")
    def _check_period(self):
        for rate in self:
            if rate.half_year and not _HALF_YEAR_RE.match(rate.half_year):
                raise ValidationError(
                    self.env._(
                        "Rate %(rate)s: the half-year %(half_year)s must read like 2024-S1 "
                        "(January-June) or 2024-S2 (July-December).",
                        rate=rate.display_name,
                        half_year=rate.half_year,
                    )
                )
            if bool(rate.half_year) == bool(rate.date_from):
                raise ValidationError(
                    self.env._(
                        "Rate %(rate)s: set either a half-year or an effective date, not both "
                        "nor none.",
                        rate=rate.display_name,
                    )
                )
            if rate.kind != "ecb_mro" and not rate.half_year:
                raise ValidationError(
                    self.env._(
                        "Rate %(rate)s: legal interest rates are fixed per half-year: set the "
                        "half-year.",
                        rate=rate.display_name,
                    )
                )
        self._check_period_horizon()

    @api.constrains("value")
    def _check_value(self):
        for rate in self:
            if not MIN_RATE <= rate.value <= MAX_RATE:
                raise ValidationError(
                    self.env._(
                        "Rate %(rate)s: the %(field)s must be between %(min)s and %(max)s "
                        "(not %(value)s).",
                        rate=rate.display_name,
                        field=rate._fields["value"]._description_string(self.env),
                        min=format_number(self.env, MIN_RATE, digits=2),
                        max=format_number(self.env, MAX_RATE, digits=2),
                        value=format_number(self.env, rate.value, digits=2),
                    )
                )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_in_force(self):
        """A rate of a half-year that has begun drives its penalties: archive it instead."""
        today = fields.Date.context_today(self)
        current = f"{today.year}-S{1 if today.month <= 6 else 2}"
        for rate in self:
            started = (rate.half_year and rate.half_year <= current) or (
                rate.date_from and rate.date_from <= today
            )
            if started:
                raise UserError(
                    self.env._(
                        "Rate %(rate)s applies to penalties already running: archive it "
                        "instead of deleting it.",
                        rate=rate.display_name,
                    )
                )

    @api.model
    def _get_rate_table(self):
        """The :class:`RateTable` of every half-year rate (ECB and professional legal rate)."""
        # sudo: the rate table is public legal reference data, read for any invoice.
        rows = (
            self.sudo()
            .with_context(active_test=False)
            .search_read(
                [("half_year", "!=", False), ("kind", "in", ("ecb_mro", "legal_professional"))],
                ["kind", "half_year", "value"],
            )
        )
        tables = {"ecb_mro": {}, "legal_professional": {}}
        for row in rows:
            tables[row["kind"]][row["half_year"]] = penalties.to_decimal(row["value"])
        return penalties.RateTable(tables["ecb_mro"], tables["legal_professional"])
