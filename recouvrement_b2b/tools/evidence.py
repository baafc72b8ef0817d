"""Evidence (issue 19): what a closed promise, dispute or declaration says is never rewritten."""


def changed_field(record, vals, fnames):
    """The first of ``fnames`` that writing ``vals`` would change on ``record`` (one record),
    else None. A many2many written counts as changed."""
    for fname in fnames:
        if fname not in vals:
            continue
        field = record._fields[fname]
        if field.type in ("one2many", "many2many"):
            return fname
        if (
            field.convert_to_record(field.convert_to_cache(vals[fname], record), record)
            != (record[fname])
        ):
            return fname
    return None
