import logging
import time
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date
from odoo.tools.lru import LRU

from ..rules import identifiers
from ..tools import company_search

_logger = logging.getLogger(__name__)

# API Recherche d'entreprises: 7 requests/s per IP; keep a margin between two calls.
_MIN_INTERVAL = 0.2
_DEFAULT_URL = "https://recherche-entreprises.api.gouv.fr"
_DEFAULT_TIMEOUT = 10
_CACHE_DAYS = 7
_CRON_BATCH = 50
# Register answers for the SIREN typed in a partner form: siren -> (day, answer).
_FORM_CACHE = LRU(256)


def _as_text(value, digits=0):
    """``value`` of a register answer as text: a string stripped, a whole number written out
    (``digits``: zero-padded to that width, e.g. a postcode or a SIREN sent as a number), else
    ``""`` (issue 18: numbers where strings are expected)."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return str(value).zfill(digits)
    return ""


class CompanyRegisterError(Exception):
    """The company register could not answer; ``message`` is translated for the user.

    ``retry_after`` (seconds) is set when the register asked to slow down (HTTP 429);
    ``unknown`` when the register answered but does not know the SIREN; ``reason`` is the
    transport's reason (``tools/company_search.py``), ``unknown``, or ``bad_answer`` for an
    answer that cannot be read.
    """

    def __init__(self, message, retry_after=None, unknown=False, reason=None):
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after
        self.unknown = unknown
        self.reason = reason or ("unknown" if unknown else None)

    @property
    def register_down(self):
        """The register itself cannot answer now (rate limit, timeout, network): stop asking."""
        return self.reason in ("rate_limited", "timeout", "unreachable")


class RecouvrementCompanyRegister(models.AbstractModel):
    """Company status of the partners, read from the public API Recherche d'entreprises.

    Owns the API client (URL and timeout from system parameters, throttling, HTTP 429 with
    Retry-After; the transport itself is ``tools/company_search.py``), the reading of its
    answers, their caching on the partner, the "Check company status" button and the weekly
    refresh of the customers with open receivables. Every transport problem becomes a
    :class:`CompanyRegisterError` with a translated message; ``res.partner`` never sees HTTP.
    """

    _name = "recouvrement.company.register"
    _description = "Company Register (company status lookup)"

    _last_request = 0.0  # time.monotonic() of the last call to the register, for throttling

    # --- HTTP client ----------------------------------------------------------------------------

    @api.model
    def _get_search_params(self):
        """Base URL and timeout of the API, from the system parameters.

        :return: ``(url, timeout)``: the URL without trailing slash
            (``recouvrement_b2b.company_search_url``) and the timeout in seconds
            (``recouvrement_b2b.company_search_timeout``); defaults when unset or unreadable
        :rtype: tuple(str, float)
        """
        icp = self.env["ir.config_parameter"].sudo()  # system parameters: any user may read
        url = icp.get_param("recouvrement_b2b.company_search_url") or _DEFAULT_URL
        try:
            timeout = float(icp.get_param("recouvrement_b2b.company_search_timeout") or 0)
        except ValueError:
            timeout = 0
        return url.rstrip("/"), timeout or _DEFAULT_TIMEOUT

    @api.model
    def _wait_turn(self):
        """Sleep so that two calls to the register are at least ``_MIN_INTERVAL`` s apart."""
        elapsed = time.monotonic() - RecouvrementCompanyRegister._last_request
        if 0 <= elapsed < _MIN_INTERVAL:
            time.sleep(_MIN_INTERVAL - elapsed)
        RecouvrementCompanyRegister._last_request = time.monotonic()

    @api.model
    def _get_results(self, siren, max_timeout=None):
        """Ask the register's ``/search`` endpoint about ``siren`` (throttled).

        :param str siren: compact 9-digit SIREN
        :param float max_timeout: cap on the configured timeout, in seconds (forms)
        :return: the ``results`` entries of the answer (may be empty)
        :rtype: list
        :raise CompanyRegisterError: network error, timeout, rate limit (HTTP 429, with
            ``retry_after`` from the Retry-After header, else 60 s) or unexpected answer
        """
        url, timeout = self._get_search_params()
        if max_timeout:
            timeout = min(timeout, max_timeout)
        self._wait_turn()
        try:
            return company_search.search(url, siren, timeout)
        except company_search.CompanySearchError as exc:
            raise CompanyRegisterError(
                self._get_error_message(exc, timeout),
                retry_after=exc.params.get("retry_after"),
                reason=exc.reason,
            ) from exc

    @api.model
    def _get_error_message(self, error, timeout):
        """Translated message of a :class:`company_search.CompanySearchError`.

        :param error: the transport error (``reason`` and ``params``)
        :param float timeout: the timeout used, in seconds
        :rtype: str
        """
        params = error.params
        if error.reason == "timeout":
            return self.env._(
                "The company register did not answer within %(seconds)s seconds; "
                "nothing was changed. Try again later.",
                seconds=format(timeout, "g"),
            )
        if error.reason == "unreachable":
            _logger.info("Company register unreachable: %s", params.get("error"))
            return self.env._("The company register cannot be reached; nothing was changed.")
        if error.reason == "rate_limited":
            return self.env._(
                "The company register receives too many requests; nothing was changed. "
                "Try again in %(seconds)s seconds.",
                seconds=params.get("retry_after"),
            )
        return self.env._(
            "The company register gave an unexpected answer (HTTP %(code)s); nothing was changed.",
            code=params.get("code"),
        )

    @api.model
    def _get_company_for_form(self, siren):
        """Register answer about ``siren`` for a partner being typed (the SIREN onchange).

        Answers are kept for the day in this server process (at most 256 SIRENs), so typing
        the same number again does not call the register; the timeout is at most 3 seconds so
        that the form never waits long.

        :param str siren: a valid compact SIREN
        :return: as :meth:`_get_company`
        :raise CompanyRegisterError: as :meth:`_get_company`
        """
        today = fields.Date.context_today(self)
        cached = _FORM_CACHE.get(siren)
        if cached and cached[0] == today:
            return cached[1]
        company = self._read_company(siren, self._get_results(siren, max_timeout=3))
        _FORM_CACHE[siren] = (today, company)
        return company

    @api.model
    def _get_company(self, partner):
        """Look up the SIREN of ``partner`` (a commercial partner) in the register.

        :return: ``{'name': str, 'status': 'active'|'ceased'|'unknown', 'closed_on': date or
            False, 'address': dict}`` (see :meth:`_prepare_company_vals`)
        :raise CompanyRegisterError: as :meth:`_get_results`, or with ``unknown`` set when no
            result holds this SIREN
        """
        return self._read_company(partner.siren, self._get_results(partner.siren), partner)

    @api.model
    def _read_company(self, siren, results, partner=None):
        """The entry of ``results`` about ``siren``, read by :meth:`_prepare_company_vals`.

        :param partner: the partner asked about, named in the errors (none for a form)
        :raise CompanyRegisterError: ``unknown`` when no entry holds ``siren``; ``bad_answer``
            when the entry cannot be read
        """
        found = next(
            (
                r
                for r in results
                if isinstance(r, dict) and _as_text(r.get("siren"), len(siren)) == siren
            ),
            None,
        )
        number = identifiers.format_siren(siren)
        if not found:
            if partner:
                message = self.env._(
                    "SIREN %(siren)s of %(partner)s is unknown to the company register; "
                    "nothing was changed. Check the number.",
                    siren=number,
                    partner=partner.display_name,
                )
            else:
                message = self.env._(
                    "SIREN %(siren)s is unknown to the company register: check the number.",
                    siren=number,
                )
            raise CompanyRegisterError(message, unknown=True)
        try:
            return self._prepare_company_vals(found)
        except (TypeError, ValueError, AttributeError) as exc:  # e.g. a date "30/06/2024"
            raise CompanyRegisterError(
                self.env._(
                    "The company register gave an unreadable answer about SIREN %(siren)s of "
                    "%(partner)s (%(error)s); nothing was changed.",
                    siren=number,
                    partner=partner.display_name if partner else self.env._("a new partner"),
                    error=str(exc),
                ),
                reason="bad_answer",
            ) from exc

    @api.model
    def _prepare_company_vals(self, result):
        """Read one ``results`` entry of the API (hook for other registers).

        ``etat_administratif`` A is active, C is ceased; ``date_fermeture`` is the closing date.

        :param dict result: one entry of the API's ``results``
        :return: ``{'name', 'status', 'closed_on'}``
        :rtype: dict
        """
        state = result.get("etat_administratif")
        if state not in ("A", "C"):
            # missing, or not one of the register's two states: the answer cannot say whether
            # the company trades; an unreadable answer, never a status "unknown" cached
            raise ValueError(f"etat_administratif: {state!r}")
        closed_on = result.get("date_fermeture")
        name = result.get("nom_complet") or result.get("nom_raison_sociale") or ""
        return {
            "name": name if isinstance(name, str) else "",
            "status": {"A": "active", "C": "ceased"}[state],
            "closed_on": fields.Date.to_date(closed_on) if closed_on else False,
            "address": self._prepare_address_vals(
                result.get("siege"), _as_text(result.get("siren"), 9)
            ),
        }

    @api.model
    def _prepare_address_vals(self, head_office, siren=None):
        """Address of the head office (``siege``) of a register answer, as partner values.

        :param dict head_office: the ``siege`` entry of the API (``numero_voie``,
            ``indice_repetition``, ``type_voie``, ``libelle_voie``, ``complement_adresse``,
            ``code_postal``, ``libelle_commune``, ``siret``); anything else gives ``{}``
        :param str siren: the company's SIREN: the SIRET is kept only when it is a valid SIRET
            of this SIREN (the register's data must never make the partner's save fail)
        :return: ``{'street', 'street2', 'zip', 'city', 'siret'}`` with the values found
        :rtype: dict
        """
        if not isinstance(head_office, dict):
            return {}

        def text(key, digits=0):
            return _as_text(head_office.get(key), digits)

        street = " ".join(
            part
            for part in (
                text("numero_voie") + text("indice_repetition"),
                text("type_voie"),
                text("libelle_voie"),
            )
            if part
        )
        vals = {
            "street": street,
            "street2": text("complement_adresse"),
            "zip": text("code_postal", 5),
            "city": text("libelle_commune"),
            "siret": text("siret", 14),
        }
        siret = identifiers.compact(vals["siret"])
        if not (
            isinstance(siren, str)
            and siret.startswith(siren)
            and identifiers.is_valid(identifiers.validate_siret, siret)
        ):
            vals["siret"] = ""
        return {key: value for key, value in vals.items() if value}

    # --- Partners -------------------------------------------------------------------------------

    @api.model
    def _prepare_partner_vals(self, partner, company):
        """Values caching the register's answer ``company`` on ``partner``: status, closing
        date (ceased companies only), check date, and the name when the partner has none."""
        vals = {
            "company_status": company["status"],
            "company_status_date": fields.Date.context_today(self),
            "company_closed_on": company["closed_on"] if company["status"] == "ceased" else False,
        }
        if not partner.name and company["name"]:
            vals["name"] = company["name"]
        return vals

    @api.model
    def _prepare_missing_identity_vals(self, partner, company):
        """Name, head-office address and SIRET of the register's answer ``company`` for the
        fields of ``partner`` that are empty (what the user typed is never replaced).

        :rtype: dict
        """
        found = dict(company.get("address") or {}, name=company.get("name"))
        if found.get("zip") or found.get("city"):
            found["country_id"] = self.env.ref("base.fr").id
        return {fname: value for fname, value in found.items() if value and not partner[fname]}

    @api.model
    def _update_partner(self, partner):
        """Look up ``partner`` (a commercial partner with a SIREN) and cache the answer on it.

        :return: the answer of :meth:`_get_company`
        :raise CompanyRegisterError: see :meth:`_get_company`; nothing is written then
        """
        company = self._get_company(partner)
        partner.write(self._prepare_partner_vals(partner, company))
        return company

    @api.model
    def _get_status_label(self, partner):
        """Translated label of the company status of ``partner``."""
        selection = partner._fields["company_status"]._description_selection(self.env)
        return dict(selection)[partner.company_status]

    @api.model
    def _get_last_known_status(self, partner):
        """Translated sentence giving the status cached on ``partner`` and the day it was read,
        for when the register cannot answer."""
        if not partner.company_status_date:
            return self.env._("No status was ever received for this company.")
        return self.env._(
            "Last known status: %(status)s, from %(date)s.",
            status=self._get_status_label(partner),
            date=format_date(self.env, partner.company_status_date),
        )

    @api.model
    def _get_notification(self, message, notif_type):
        """Client action showing ``message`` (sticky for ``warning`` and ``danger``)."""
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Company status"),
                "message": message,
                "type": notif_type,
                "sticky": notif_type in ("warning", "danger"),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    @api.model
    def _action_check_company_status(self, partner):
        """Ask the register for the status of the company of ``partner`` (button).

        Checked at most once a day: a status known today is shown without a call. Register
        problems are shown in a notification; nothing is changed then.

        :return: a ``display_notification`` client action
        :raise UserError: the commercial partner has no SIREN
        """
        partner = partner.commercial_partner_id
        if not partner.siren:
            raise UserError(
                self.env._(
                    "%(partner)s has no SIREN: enter it before checking the company status.",
                    partner=partner.display_name,
                )
            )
        today = fields.Date.context_today(self)
        if partner.company_status_date == today and partner.company_status != "unknown":
            return self._get_notification(
                self.env._(
                    "%(partner)s was already checked today: %(status)s.",
                    partner=partner.display_name,
                    status=self._get_status_label(partner),
                ),
                "info",
            )
        try:
            company = self._update_partner(partner)
        except CompanyRegisterError as exc:
            message = exc.message
            if exc.register_down:
                message = f"{message} {self._get_last_known_status(partner)}"
            return self._get_notification(message, "warning")
        return self._get_notification(
            self.env._(
                "%(partner)s: %(status)s according to the company register (%(name)s).",
                partner=partner.display_name,
                status=self._get_status_label(partner),
                name=company["name"],
            ),
            "danger" if partner.company_status == "ceased" else "success",
        )

    # --- Weekly refresh -------------------------------------------------------------------------

    @api.model
    def _get_partners_to_check_domain(self):
        """Domain of the receivable lines whose customers are refreshed (hook)."""
        return [
            ("account_type", "=", "asset_receivable"),
            ("parent_state", "=", "posted"),
            ("reconciled", "=", False),
            ("partner_id", "!=", False),
        ]

    @api.model
    def _get_partners_to_check(self):
        """Commercial partners with a SIREN and open receivables, not checked for a week.

        :return: ``res.partner`` records, never checked first, then the oldest checks
        """
        # sudo: the cron refreshes the customers of every company, whatever its user's rules.
        groups = (
            self.env["account.move.line"]
            .sudo()
            ._read_group(self._get_partners_to_check_domain(), ["partner_id"])
        )
        Partner = self.env["res.partner"]
        commercial = Partner.browse([partner.id for (partner,) in groups]).commercial_partner_id
        today = fields.Date.context_today(self)
        limit = today - timedelta(days=_CACHE_DAYS - 1)
        return Partner.search(
            [
                ("id", "in", commercial.ids),
                ("siren", "!=", False),
                "|",
                ("company_status_date", "=", False),
                ("company_status_date", "<", limit),
                "|",
                ("company_status_attempt_date", "=", False),
                ("company_status_attempt_date", "<", today),
            ],
            order="company_status_attempt_date asc nulls first, company_status_date asc nulls "
            "first, id",
        )

    @api.model
    def _trigger_cron(self, seconds):
        """Run the weekly refresh cron again in ``seconds`` seconds."""
        cron = self.env.ref(
            "recouvrement_b2b.ir_cron_recouvrement_company_status", raise_if_not_found=False
        )
        if cron:
            cron._trigger(at=fields.Datetime.now() + timedelta(seconds=seconds))

    @api.model
    def _cron_check_company_status(self, batch_size=_CRON_BATCH):
        """Weekly: refresh the company status of the customers with open receivables.

        A batch of ``batch_size`` partners per run, never asked first, then the oldest attempts,
        each in its own savepoint; the cron runs again while some remain. Each attempt is
        recorded on the partner (``company_status_attempt_date``): a customer whose lookup
        fails is not asked again the same day and goes to the back of the line. A SIREN unknown
        to the register is posted in the partner's chatter and not asked again before a week;
        an answer that cannot be read is a warning in the partner's chatter. When the register
        asks to slow down, times out or cannot be reached, the run stops and the cron is
        triggered again after the delay it gave (else one hour).

        :return: number of partners handled in this run
        :rtype: int
        """
        partners = self._get_partners_to_check()
        today = fields.Date.context_today(self)
        done = 0
        for partner in partners[:batch_size]:
            try:
                with self.env.cr.savepoint():
                    self._update_partner(partner)
            except CompanyRegisterError as exc:
                if exc.reason != "rate_limited":
                    partner.company_status_attempt_date = today  # to the back of the line
                if exc.register_down:
                    # Rate limit, timeout or register unreachable: stop here, try again later.
                    _logger.info("Company status check paused: %s", exc.message)
                    self._trigger_cron(exc.retry_after or 3600)
                    self.env["ir.cron"]._notify_progress(done=done, remaining=0)
                    return done
                # Unknown SIREN or unreadable answer: a warning for the controller
                partner.message_post(body=exc.message)
                if exc.unknown:  # not asked again before a week
                    partner.company_status_date = today
            else:
                partner.company_status_attempt_date = today
            done += 1
        self.env["ir.cron"]._notify_progress(done=done, remaining=len(partners) - done)
        return done
