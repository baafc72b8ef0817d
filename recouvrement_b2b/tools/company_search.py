"""Transport of the public API Recherche d'entreprises (https://recherche-entreprises.api.gouv.fr).

``GET <url>/search?q=<siren>``, no authentication, 7 requests/s per IP, HTTP 429 with a
``Retry-After`` header when called too fast. No Odoo here and no user text: every problem
raises :class:`CompanySearchError` with a ``reason`` code the caller turns into a message:

================  ===================================================================
reason            params
================  ===================================================================
``timeout``       the server did not answer within the timeout
``unreachable``   ``error``: class name of the network error
``rate_limited``  ``retry_after``: seconds to wait (Retry-After header, else 60)
``bad_answer``    ``code``: HTTP status of an error or unreadable answer
================  ===================================================================

Throttling and configuration (URL, timeout) belong to the caller
(``recouvrement.company.register``).
"""

from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

import requests

# Seconds to wait after an HTTP 429 without a (numeric) Retry-After header.
DEFAULT_RETRY_AFTER = 60
# Longest wait asked by a Retry-After header that is kept (one day): a longer one is read as a
# day, never as a date the scheduler cannot hold.
MAX_RETRY_AFTER = 86400


class CompanySearchError(Exception):
    """The API did not give a usable answer.

    :param reason: see the module docstring
    :param params: values the caller's message may quote
    """

    def __init__(self, reason, **params):
        self.reason = reason
        self.params = params
        super().__init__(reason, params)


def search(url, query, timeout):
    """Return the ``results`` entries the API gives for ``query`` (first page, 5 entries).

    :param str url: base URL of the API, without trailing slash
    :param str query: text searched, here a compact SIREN
    :param float timeout: seconds to wait for the answer
    :return: the ``results`` list of the JSON answer, empty when nothing matched
    :rtype: list
    :raise CompanySearchError: see the module docstring
    """
    try:
        response = requests.get(
            url + "/search",
            params={"q": query, "page": 1, "per_page": 5},
            headers={"Accept": "application/json"},
            timeout=timeout,
        )
    except requests.Timeout as exc:
        raise CompanySearchError("timeout") from exc
    except requests.RequestException as exc:
        raise CompanySearchError("unreachable", error=exc.__class__.__name__) from exc
    if response.status_code == 429:
        seconds = retry_after_seconds(response.headers.get("Retry-After"))
        raise CompanySearchError("rate_limited", retry_after=seconds)
    try:
        response.raise_for_status()
        results = response.json().get("results") or []
    except (requests.RequestException, ValueError, AttributeError) as exc:
        raise CompanySearchError("bad_answer", code=response.status_code) from exc
    if not isinstance(results, list):  # e.g. "results": 5
        raise CompanySearchError("bad_answer", code=response.status_code)
    return results


def retry_after_seconds(value, now=None):
    """Seconds to wait from an HTTP ``Retry-After`` header (RFC 9110 10.2.3): a number of
    seconds, or an HTTP date; :data:`DEFAULT_RETRY_AFTER` when missing or unreadable (a
    date already passed: 0), at most :data:`MAX_RETRY_AFTER`.

    :param str value: the header's value, or None
    :param datetime now: the current time, aware (default: now, UTC)
    :rtype: int
    """
    value = (value or "").strip()
    if value.isascii() and value.isdigit():
        return min(int(value), MAX_RETRY_AFTER)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return DEFAULT_RETRY_AFTER
    if when.tzinfo is None:  # "-0000": UTC
        when = when.replace(tzinfo=timezone.utc)
    now = now or datetime.now(timezone.utc)
    return min(max(int((when - now).total_seconds()), 0), MAX_RETRY_AFTER)
