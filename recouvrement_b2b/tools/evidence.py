"""Evidence (issue 19): what a closed promise, dispute or declaration says is never rewritten."""


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
