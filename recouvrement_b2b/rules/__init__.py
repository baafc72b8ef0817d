"""Pure business rules of recouvrement_b2b (French B2B debt collection).

Plain Python (standard library, python-stdnum and python-dateutil only): no ``odoo`` import,
so every rule can be tested without a database and called from the models. Errors are
exceptions deriving from :class:`.errors.RuleError`; they carry a machine ``reason`` code and
their parameters, and the Odoo layer turns them into translated messages.
"""

from . import (
    deadlines,
    dunning,
    errors,
    identifiers,
    numbers,
    parties,
    penalties,
    proceedings,
    schedule,
    score,
)
