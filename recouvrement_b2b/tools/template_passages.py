"""Upgrade of the passages of the module's ``noupdate`` email templates: an existing database
keeps the body it was installed with, a company's own wording included, so a migration
replaces a shipped passage only where the body still holds it as shipped, in each language."""

import json
import re

from odoo.tools import SQL


def passage_pattern(passage):
    """A regular expression matching ``passage`` (str) whatever its white space (an editor
    may have re-indented the body)."""
    return re.compile(r"\s+".join(re.escape(word) for word in passage.split()))


def replace_passage(body, lang, old_passages, new_passages):
    """``body`` (str, one language's value of a template's body) with the old shipped
    passage replaced by the new one: the French passage in French for a French value, the
    English one in English anywhere (an untranslated copy); ``body`` itself when it holds
    neither (a company's own wording, kept) or holds the new one already.

    :param lang: the language code of the value (``fr_FR``, ``en_US``, ...)
    :param old_passages: ``{"en": str, "fr": str}``, the passages shipped before
    :param new_passages: ``{"en": str, "fr": str}``, the passages shipped now
    """
    for code in ("fr", "en") if lang.startswith("fr") else ("en",):
        if passage_pattern(new_passages[code]).search(body):
            # upgraded already (a new passage may hold the old one)
            return body
        new, count = passage_pattern(old_passages[code]).subn(
            lambda _match, code=code: new_passages[code].strip(), body, count=1
        )
        if count:
            return new
    return body


def update_template_passages(cr, templates, old_passages, new_passages):
    """Give the module's email templates named ``templates`` (tuple of their XML ids in the
    module) the new shipped passage, in each language whose value still holds the old shipped
    one (:func:`replace_passage`). One read, one update.

    :return: number of templates changed
    """
    cr.execute(
        SQL(
            """
            SELECT template.id, template.body_html
              FROM mail_template template
              JOIN ir_model_data data
                ON data.res_id = template.id
               AND data.model = 'mail.template'
               AND data.module = 'recouvrement_b2b'
             WHERE data.name IN %s
            """,
            tuple(templates),
        )
    )
    values = []
    for template_id, body in cr.fetchall():
        if not isinstance(body, dict):
            continue
        new = {
            lang: replace_passage(text, lang, old_passages, new_passages) if text else text
            for lang, text in body.items()
        }
        if new != body:
            values.append(SQL("(%s, %s::jsonb)", template_id, json.dumps(new)))
    if values:
        cr.execute(
            SQL(
                """
                UPDATE mail_template template
                   SET body_html = new.body
                  FROM (VALUES %s) AS new(id, body)
                 WHERE template.id = new.id
                """,
                SQL(", ").join(values),
            )
        )
    return len(values)
