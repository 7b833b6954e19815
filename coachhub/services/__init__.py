"""Domain operations.

Each takes the practice and the acting membership (or user) explicitly, never
reads `g` or the request, flushes but never commits: the view or CLI command
that called it owns the transaction.
"""


class ServiceError(Exception):
    """A domain rule said no; `field` names the form field the message belongs to."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
