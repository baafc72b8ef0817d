"""Create values the module's models fill alike: a number from a sequence, the customer."""


def name_by_sequence(env, vals_list, code):
    """Number each of ``vals_list`` (create values) without a name (or ``"/"``) from the
    sequence ``code`` of its company (``company_id``, else the user's current company), in
    place; ``"/"`` where that company has no such sequence.

    :param env: the environment the records are created in
    :param code: an ``ir.sequence`` code, e.g. ``"recouvrement.litigation"``
    """
    for vals in vals_list:
        if vals.get("name", "/") == "/":
            company = env["res.company"].browse(vals.get("company_id")) or env.company
            vals["name"] = env["ir.sequence"].with_company(company).next_by_code(code) or "/"


def set_commercial_partner(env, vals):
    """Make ``vals["partner_id"]`` (create values) the commercial entity of the partner named,
    in place: what a customer owes, promises or is sent is the company's, whichever of its
    contacts is named.

    :return: that commercial partner (res.partner; empty when ``vals`` names none)
    """
    partner = env["res.partner"].browse(vals.get("partner_id")).commercial_partner_id
    if partner:
        vals["partner_id"] = partner.id
    return partner
