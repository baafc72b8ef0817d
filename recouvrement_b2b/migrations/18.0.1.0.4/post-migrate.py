"""18.0.1.0.4: a reminder speaks only of the reminders the customer received (issue 17).

The shipped reminder email and letters said "Despite our previous reminder" (firm), "Despite
our reminders" (last call) and "Despite our previous reminders" (formal notice) whatever was
sent before: a first run skipping to the last call, or a reminder after one that bounced,
spoke of reminders the customer never had. Each reminder now records how many reminders
delivered before it listed its invoices (``recouvrement.dunning.event.earlier_reminder_count``)
and its wording follows that count.

- The reminders created before keep the wording they were sent with (evidence: a letter
  reprinted says what the one posted said): their count is the one their tone's old sentence
  stated: 1 for a firm reminder, 2 ("reminders") for a last call, a formal notice and a
  litigation step, 0 for the others (whose wording names no reminder).
- The shipped email template is ``noupdate``: its body in an existing database still holds the
  old sentences. They are replaced by the shipped variants where the body still holds the
  shipped sentences (in English, and in French as ``i18n/fr.po`` shipped them); a company's own
  wording of that passage is kept, in every language.
"""

# ruff: noqa: E501 (the shipped sentences, exactly as they are in the template)

from odoo.tools import SQL

from odoo.addons.recouvrement_b2b.tools.template_passages import update_template_passages

#: the passage of the email template's body up to 18.0.1.0.3, per language
OLD_PASSAGES = {
    "en": """
    <p t-elif="object.tone == 'firm'">
        Despite our previous reminder, the following invoices remain unpaid. We ask you to settle them without delay.
    </p>
    <p t-else="">
        Despite our reminders, the following invoices remain unpaid. This is our last reminder before formal proceedings; if you are facing difficulties, contact us to agree a payment plan.
    </p>
""",
    "fr": """
    <p t-elif="object.tone == 'firm'">
        Malgré notre précédente relance, les factures suivantes restent impayées. Nous vous demandons de les régler sans délai.
    </p>
    <p t-else="">
        Malgré nos relances, les factures suivantes restent impayées. Ceci est notre dernière relance avant l'engagement d'une procédure\u202f; si vous rencontrez des difficultés, contactez-nous pour convenir d'un échéancier.
    </p>
""",
}

#: the passage shipped now (``data/recouvrement_dunning_mail_template_data.xml``, ``fr.po``)
NEW_PASSAGES = {
    "en": """
    <p t-elif="object.tone == 'firm' and not object.earlier_reminder_count">
        The following invoices remain unpaid after their due date. We ask you to settle them without delay.
    </p>
    <p t-elif="object.tone == 'firm' and object.earlier_reminder_count == 1">
        Despite our previous reminder, the following invoices remain unpaid. We ask you to settle them without delay.
    </p>
    <p t-elif="object.tone == 'firm'">
        Despite our reminders, the following invoices remain unpaid. We ask you to settle them without delay.
    </p>
    <p t-elif="not object.earlier_reminder_count">
        The following invoices remain unpaid after their due date. This is our last reminder before formal proceedings; if you are facing difficulties, contact us to agree a payment plan.
    </p>
    <p t-elif="object.earlier_reminder_count == 1">
        Despite our previous reminder, the following invoices remain unpaid. This is our last reminder before formal proceedings; if you are facing difficulties, contact us to agree a payment plan.
    </p>
    <p t-else="">
        Despite our reminders, the following invoices remain unpaid. This is our last reminder before formal proceedings; if you are facing difficulties, contact us to agree a payment plan.
    </p>
""",
    "fr": """
    <p t-elif="object.tone == 'firm' and not object.earlier_reminder_count">
        Les factures suivantes restent impayées après leur échéance. Nous vous demandons de les régler sans délai.
    </p>
    <p t-elif="object.tone == 'firm' and object.earlier_reminder_count == 1">
        Malgré notre précédente relance, les factures suivantes restent impayées. Nous vous demandons de les régler sans délai.
    </p>
    <p t-elif="object.tone == 'firm'">
        Malgré nos relances, les factures suivantes restent impayées. Nous vous demandons de les régler sans délai.
    </p>
    <p t-elif="not object.earlier_reminder_count">
        Les factures suivantes restent impayées après leur échéance. Ceci est notre dernière relance avant l'engagement d'une procédure\u202f; si vous rencontrez des difficultés, contactez-nous pour convenir d'un échéancier.
    </p>
    <p t-elif="object.earlier_reminder_count == 1">
        Malgré notre précédente relance, les factures suivantes restent impayées. Ceci est notre dernière relance avant l'engagement d'une procédure\u202f; si vous rencontrez des difficultés, contactez-nous pour convenir d'un échéancier.
    </p>
    <p t-else="">
        Malgré nos relances, les factures suivantes restent impayées. Ceci est notre dernière relance avant l'engagement d'une procédure\u202f; si vous rencontrez des difficultés, contactez-nous pour convenir d'un échéancier.
    </p>
""",
}

#: the module's email templates whose body held the passage
TEMPLATES = ("mail_template_dunning_reminder",)


def update_template_wording(cr):
    """Give the module's reminder email templates (``TEMPLATES``) the shipped passage that
    follows the number of reminders delivered, in each language whose value still holds the
    old shipped passage (``tools.template_passages``). One read, one update.

    :return: number of templates changed
    """
    return update_template_passages(cr, TEMPLATES, OLD_PASSAGES, NEW_PASSAGES)


def count_earlier_reminders_as_sent(cr):
    """Give the reminders created before this version (no ``earlier_reminder_count``) the
    count their wording stated when they were sent: 2 ("despite our reminders", "our previous
    reminders") for a formal notice, a last call and a litigation step, 1 ("our previous
    reminder") for a firm reminder, 0 for the others. One update.

    :return: number of reminders filled
    """
    cr.execute(
        SQL(
            """
            UPDATE recouvrement_dunning_event event
               SET earlier_reminder_count = CASE
                       WHEN level.is_formal_notice
                         OR level.tone IN ('last_call', 'formal_notice', 'litigation') THEN 2
                       WHEN level.tone = 'firm' THEN 1
                       ELSE 0
                   END
              FROM recouvrement_dunning_level level
             WHERE level.id = event.level_id
               AND event.earlier_reminder_count IS NULL
            """
        )
    )
    return cr.rowcount


def mark_waiting_messages_queued(cr):
    """Mark as still in the outgoing queue (``queued``) the email and SMS reminders recorded
    before this version whose message has not left it yet (its ``mail.mail`` or ``sms.sms``
    outgoing): like the ones sent from now on, they count as delivered only once they leave
    (issue 17 #4, #12). The others keep counting from their own date. One update.

    :return: number of reminders marked
    """
    cr.execute(
        SQL(
            """
            UPDATE recouvrement_dunning_event event
               SET queued = TRUE
             WHERE event.state = 'sent'
               AND event.channel IN ('email', 'sms')
               AND event.queued IS NOT TRUE
               AND event.dispatch_date IS NULL
               AND EXISTS (
                       SELECT 1
                         FROM mail_message message
                        WHERE message.model = 'recouvrement.dunning.event'
                          AND message.res_id = event.id
                          AND (EXISTS (SELECT 1 FROM mail_mail mail
                                        WHERE mail.mail_message_id = message.id
                                          AND mail.state = 'outgoing')
                               OR EXISTS (SELECT 1 FROM sms_sms sms
                                           WHERE sms.mail_message_id = message.id
                                             AND sms.state = 'outgoing')))
            """
        )
    )
    return cr.rowcount


def migrate(cr, version):
    if version:
        count_earlier_reminders_as_sent(cr)
        update_template_wording(cr)
        mark_waiting_messages_queued(cr)
