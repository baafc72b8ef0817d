"""Sanitize each HTML value once while a batch of records is created.

Odoo sanitizes an ``fields.Html`` value each time it converts it: for its column and again for
the cache when a record is created (``BaseModel._create``), and a third time for a record
that inherits the field (``mail.mail``'s ``body``, from ``mail.message``). The dunning creates
hundreds of messages per batch (the reminders' emails, the chatter notes), each body
sanitized two or three times with the same options. :func:`sanitized_once` keeps the result
of ``odoo.tools.html_sanitize`` for each value and options during a block: the same function,
called on the same value with the same options, so the same output; once per value.

Only the block's own thread and context see the kept results (a ``ContextVar``); outside a
block, sanitizing is Odoo's, unchanged.
"""

import contextlib
import contextvars

from odoo import fields as odoo_fields

_RESULTS = contextvars.ContextVar("recouvrement_b2b_sanitized", default=None)
_html_sanitize = odoo_fields.html_sanitize


def _html_sanitize_once(src, **options):
    """``odoo.tools.html_sanitize(src, **options)``, its result kept for the current
    :func:`sanitized_once` block (none: computed each time, as Odoo does)."""
    results = _RESULTS.get()
    if results is None or not isinstance(src, str):
        return _html_sanitize(src, **options)
    try:
        key = (str(src), tuple(sorted(options.items())))
        return results[key]
    except KeyError:
        result = results[key] = _html_sanitize(src, **options)
        return result
    except TypeError:  # an option that cannot be a key: not kept
        return _html_sanitize(src, **options)


# ``fields.Html`` calls the ``html_sanitize`` of its module: the same function outside a block
odoo_fields.html_sanitize = _html_sanitize_once


@contextlib.contextmanager
def sanitized_once():
    """Within the block, each HTML value is sanitized once per set of options (nested blocks
    share the outer one's results)."""
    if _RESULTS.get() is not None:
        yield
        return
    token = _RESULTS.set({})
    try:
        yield
    finally:
        _RESULTS.reset(token)
