"""Language of the text the module stores in records (issue 16): a document sent to a customer
is written in the customer's language, an internal note in the company's; dates and numbers are
formatted for that language (``format_date``, ``format_amount``, ``formatLang``)."""


def _installed(env, lang):
    """``lang`` when it is an active language of the database, else False."""
    return env["res.lang"]._get_code(lang) if lang else False


def company_env(env, company=None):
    """``env`` in the language of the internal notes of ``company`` (res.company; the current
    company when None): its partner's language, else the current one (an inactive language
    falls back to the current one)."""
    company = company or env.company
    lang = _installed(env, company.partner_id.lang) or env.lang or "en_US"
    return _with_lang(env, lang)


def partner_env(env, partner, company=None):
    """``env`` in the language of the documents sent to ``partner`` (res.partner): its own
    language, else that of ``company`` (the current company when None)."""
    lang = _installed(env, partner.lang)
    if not lang:
        return company_env(env, company)
    return _with_lang(env, lang)


def _with_lang(env, lang):
    """``env`` itself when it is already in ``lang`` (its caches kept), else ``env`` in it."""
    if lang == (env.lang or "en_US"):
        return env
    return env(context=dict(env.context, lang=lang))


def format_number(env, value, digits=1):
    """``value`` (float) formatted for ``env``'s language (decimal comma in French), with
    ``digits`` decimals, none when it is a whole number (``35``, ``110,7``)."""
    from odoo.tools.misc import formatLang  # noqa: PLC0415 - keep the module import-light

    value = round(float(value), digits)
    return formatLang(env, value, digits=0 if value == int(value) else digits)
