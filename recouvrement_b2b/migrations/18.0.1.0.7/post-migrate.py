"""18.0.1.0.7: a reminder says which part of a penalty invoice a litigation case claims
(issue 17).

The open penalty invoice of an invoice a litigation case claims is claimed by the case's file;
its reminders leave that part out. A reminder now states it apart
(``recouvrement.dunning.event.amount_litigated``), not as an amount the customer contests.
The shipped email template is ``noupdate``: its body in an existing database gets the new
paragraph after the one on contested amounts, where that one is still as shipped (in English,
and in French as ``i18n/fr.po`` ships it); a company's own wording of it is kept.
"""

# ruff: noqa: E501 (the shipped sentences, exactly as they are in the template)

from odoo.addons.recouvrement_b2b.tools.template_passages import update_template_passages

#: the paragraph on contested amounts, as shipped up to 18.0.1.0.6, per language
OLD_PASSAGES = {
    "en": """
    <p t-if="object.amount_disputed">
        Amounts you contest (<t t-out="format_amount(object.amount_disputed, object.currency_id) or ''"/>) are not claimed while we examine them.
    </p>
""",
    "fr": """
    <p t-if="object.amount_disputed">
        Les montants que vous contestez (<t t-out="format_amount(object.amount_disputed, object.currency_id) or ''"/>) ne vous sont pas réclamés pendant leur examen.
    </p>
""",
}

#: the same paragraph and the new one, as shipped now (the data file, ``fr.po``)
NEW_PASSAGES = {
    "en": OLD_PASSAGES["en"]
    + """    <p t-if="object.amount_litigated">
        Penalties charged on invoices in litigation (<t t-out="format_amount(object.amount_litigated, object.currency_id) or ''"/>) are claimed in our litigation file, not in this reminder.
    </p>
""",
    "fr": OLD_PASSAGES["fr"]
    + """    <p t-if="object.amount_litigated">
        Les pénalités facturées sur des factures en contentieux (<t t-out="format_amount(object.amount_litigated, object.currency_id) or ''"/>) sont réclamées dans notre dossier contentieux, non dans cette relance.
    </p>
""",
}

#: the module's email templates whose body holds the paragraph
TEMPLATES = ("mail_template_dunning_reminder",)


def add_litigated_paragraph(cr):
    """Add the paragraph on the penalties a litigation case claims to the module's reminder
    email templates (``TEMPLATES``), in each language whose value still holds the shipped
    paragraph on contested amounts and not the new one. One read, one update.

    :return: number of templates changed
    """
    return update_template_passages(cr, TEMPLATES, OLD_PASSAGES, NEW_PASSAGES)


def migrate(cr, version):
    if version:
        add_litigated_paragraph(cr)
