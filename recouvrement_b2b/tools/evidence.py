"""Evidence (issue 19): what a closed promise, dispute or declaration says is never rewritten."""

from odoo import fields
from odoo.exceptions import UserError


def differs(record, fname, value):
    """Whether writing ``value`` on ``fname`` would change ``record`` (one record). A one2many
    or many2many written counts as changed."""
    field = record._fields[fname]
    if field.type in ("one2many", "many2many"):
        return True
    return field.convert_to_record(field.convert_to_cache(value, record), record) != record[fname]


def changed_field(record, vals, fnames):
    """The first of ``fnames`` that writing ``vals`` would change on ``record`` (one record),
    else None (:func:`differs`)."""
    return next(
        (fname for fname in fnames if fname in vals and differs(record, fname, vals[fname])),
        None,
    )


def check_set_by_flow(records, vals, flow, states, moves=(), fnames=(), locked=None):
    """Refuse to write by hand what only a flow of the product records (issue 19): a state of
    ``states`` (evidence: a reminder sent, a claim declared, a plan signed), or a change of
    ``fnames`` (dates that record when that evidence happened). The flow writes them as
    superuser (``sudo()``) after its own checks; a user, through the forms, the ORM or
    JSON-RPC, does not.

    :param records: the records written (one model)
    :param vals: the values written
    :param flow: what records them, as the message says it (translated: "the dunning run")
    :param states: the ``state`` values set by the flow only
    :param moves: ``(from, to)`` state changes a user still makes (e.g. a letter posted)
    :param fnames: fields set by the flow only once the record is in one of ``locked``
    :param locked: the states that lock ``fnames`` (default: ``states``)
    :raise UserError: naming the record, the field and the flow
    """
    if records.env.su:
        return
    for record in records:
        new_state = vals.get("state", record.state)
        fname = None
        if new_state in states and new_state != record.state:
            if (record.state, new_state) not in moves:
                fname = "state"
        if not fname and record.state in (states if locked is None else locked):
            fname = changed_field(record, vals, fnames)
        if fname:
            raise_set_by_flow(record, fname, flow)


def check_created_by_flow(records, flow, states, fnames=()):
    """Refuse records created by hand (not as superuser) in one of ``states`` or with one of
    ``fnames`` set: what only ``flow`` records (:func:`check_set_by_flow`).

    :raise UserError: naming the record, the field and the flow
    """
    if records.env.su:
        return
    for record in records:
        fname = (
            "state"
            if record.state in states
            else next((fname for fname in fnames if record[fname]), None)
        )
        if fname:
            raise_set_by_flow(record, fname, flow)


def raise_set_by_flow(record, fname, flow):
    """:raise UserError: ``record``'s ``fname`` is recorded by ``flow`` only."""
    env = record.env
    raise UserError(
        env._(
            "%(record)s: its %(field)s is evidence recorded by %(flow)s only; it cannot be set "
            "by hand.",
            record=record.display_name,
            field=record._fields[fname]._description_string(env),
            flow=flow,
        )
    )


def check_recorded_now(records, flow, date_fname=None, user_fname=None):
    """Refuse records created by hand (not as superuser) dated another day than today or in
    the name of another user than the current one: ``flow`` records them as they happen
    (issue 19: a statement "sent" last year by a colleague, a call logged as a colleague's).

    :raise UserError: naming the record, the field and the flow
    """
    if records.env.su:
        return
    today = fields.Date.context_today(records)
    for record in records:
        if date_fname and record[date_fname] != today:
            raise_set_by_flow(record, date_fname, flow)
        if user_fname and record[user_fname] != records.env.user:
            raise_set_by_flow(record, user_fname, flow)


def check_closed_write(records, vals, is_closed, fnames, message):
    """Refuse to rewrite what a closed record says (issue 19: a resolved dispute, a kept
    promise, a closed case, a declaration sent): a change of one of its ``fnames``; its other
    fields (a note, an assignee) stay writable.

    :param records: the records written (one model)
    :param vals: the values written
    :param is_closed: function of a record: whether it is closed
    :param fnames: the fields kept once closed, or a function of a record giving them
    :param message: function of the record and the field's label (translated) giving the
        translated message
    :raise UserError: the message, for the first record and field changed
    """
    for record in records:
        if not is_closed(record):
            continue
        fname = changed_field(record, vals, fnames(record) if callable(fnames) else fnames)
        if fname:
            raise UserError(message(record, record._fields[fname]._description_string(record.env)))


def state_label(record):
    """The label of ``record``'s state (one record) in the user's language, for a message."""
    return record._fields["state"].convert_to_export(record.state, record)


def check_closed_unlink(records, is_closed, message):
    """Refuse to delete a closed record (:func:`check_closed_write`).

    :param is_closed: function of a record: whether it is closed
    :param message: function of the record giving the translated message
    :raise UserError: the message, for the first closed record of ``records``
    """
    closed = records.filtered(is_closed)
    if closed:
        raise UserError(message(closed[0]))


#: models whose chatter records evidence (issue 19): the email and PDF of a statement sent
#: (``recouvrement.statement.sending``), the outcome and follow-ups of a logged call
EVIDENCE_THREAD_MODELS = ("recouvrement.statement.sending", "recouvrement.call")
#: what an email says (``mail.message``): the email of a sent reminder (the files it carried
#: are guarded one by one, ``recouvrement.dunning.event._check_evidence_file``)
EVIDENCE_EMAIL_FIELDS = (
    "body",
    "subject",
    "author_id",
    "email_from",
    "date",
    "message_type",
    "model",
    "res_id",
)
#: what a statement emailed stated (``recouvrement.statement.sending``): its rows as sent
#: (issue 17), stated by every reprint; the reminder's own are in
#: ``recouvrement_dunning_event.EVIDENCE_FIELDS`` (``sent_residuals``, ``sent_statement``)
EVIDENCE_SENDING_FIELDS = ("sent_statement",)
#: what a message of ``EVIDENCE_THREAD_MODELS`` says, and the files it carries
EVIDENCE_MESSAGE_FIELDS = (*EVIDENCE_EMAIL_FIELDS, "attachment_ids")
#: what a file holds (``ir.attachment``): the letter of a sent reminder, a file its email
#: carried, a file of a message of ``EVIDENCE_THREAD_MODELS``
EVIDENCE_ATTACHMENT_FIELDS = (
    "raw",
    "datas",
    "db_datas",
    "store_fname",
    "name",
    "mimetype",
    "res_model",
    "res_id",
)


def is_evidence_message(message):
    """Whether ``message`` (mail.message, one) records evidence on a collection record (a
    record of a model of this module): any message of ``EVIDENCE_THREAD_MODELS``, and
    elsewhere what is not an employee's own comment: an email sent or received, a message of
    the customer (portal, reply), a log of the product (notification, tracking)."""
    model = message.sudo().model
    if not model or model not in message.env:
        return False
    if model in EVIDENCE_THREAD_MODELS:
        return True
    if message.env[model]._original_module != "recouvrement_b2b":
        return False
    message = message.sudo()
    return message.message_type != "comment" or not message.author_id.user_ids.filtered(
        lambda user: not user.share
    )


def check_evidence_thread(records, fnames, vals=None):
    """Refuse a user (not the superuser: the personal-data purge, mail's own flows) to
    rewrite (``vals``) or delete (no ``vals``) the evidence messages (:func:`is_evidence_message`)
    of ``records`` (mail.message), or the files (``records``: ir.attachment) of those messages
    or of a record of ``EVIDENCE_THREAD_MODELS``: mail lets the author of a message, and
    whoever writes on its record, write and delete it (issue 19). The chatter's Edit, which
    writes as superuser, is refused by :func:`raise_evidence_thread`
    (``_check_can_update_message_content`` of ``EVIDENCE_THREAD_MODELS``).

    :param fnames: the evidence fields of ``records``' model
    :raise UserError: naming the record the message or file is posted on
    """
    if records.env.su or (vals is not None and not any(fname in vals for fname in fnames)):
        return
    if records._name == "mail.message":
        messages = records
    else:
        for record in records:
            if record.res_model in EVIDENCE_THREAD_MODELS:
                raise_evidence_thread(records.env[record.res_model].browse(record.res_id))
        # sudo: the messages carrying the files, whoever may read them
        messages = (
            records.env["mail.message"].sudo().search([("attachment_ids", "in", records.ids)])
        )
    for message in messages:
        if is_evidence_message(message):
            raise_evidence_thread(records.env[message.sudo().model].browse(message.sudo().res_id))


def raise_evidence_thread(document):
    """:raise UserError: the messages and files of ``document`` (a record of
    ``EVIDENCE_THREAD_MODELS``) are evidence."""
    env = document.env
    raise UserError(
        env._(
            "%(model)s %(record)s: its messages and files are evidence of what was sent or "
            "said; they cannot be changed or deleted. Add a note instead.",
            model=env["ir.model"]._get(document._name).name,
            record=(
                document.sudo().partner_id.display_name
                if "partner_id" in document._fields
                else document.sudo().display_name
            ),
        )
    )
