"""Base exception of the rules package.

Rules never build user-facing text: they raise a :class:`RuleError` subclass carrying a machine
``reason`` code and the parameters the message needs; the Odoo layer maps ``reason`` to a
translated message and formats it with ``params``.
"""


class RuleError(Exception):
    """A rule refused its input.

    :param reason: machine code of the problem, documented by each subclass
    :param params: values the translated message may quote
    """

    def __init__(self, reason, **params):
        self.reason = reason
        self.params = params
        details = ", ".join(f"{key}={value!r}" for key, value in sorted(params.items()))
        super().__init__(f"{reason}: {details}" if details else reason)
