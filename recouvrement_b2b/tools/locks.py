"""Row locks that serialise two transactions working on the same records."""

from odoo.tools import SQL


def lock_rows(records, log_exceptions=True):
    """Lock the rows of ``records`` until the end of the transaction, in one query and in the
    order of their ids (no deadlock between two transactions locking the same rows), and
    update them to the same values: under Odoo's REPEATABLE READ isolation, the second of two
    transactions started together waits for the first, then fails with a serialization error
    once the first commits; Odoo's request handling (``odoo.service.model.retrying``) runs it
    again, and its new snapshot sees what the first one recorded. ``FOR NO KEY UPDATE`` does
    not wait for transactions that only create records pointing to those rows (key share lock
    of their foreign key). Nothing for no records.

    :param log_exceptions: False where that serialization error is no business failure (not
        logged as an error)
    """
    if not records:
        return
    table = SQL.identifier(records._table)
    records.env.cr.execute(
        SQL(
            """
            UPDATE %s SET write_date = write_date
             WHERE id IN (SELECT id FROM %s WHERE id IN %s ORDER BY id FOR NO KEY UPDATE)
            """,
            table,
            table,
            tuple(records.ids),
        ),
        log_exceptions=log_exceptions,
    )
