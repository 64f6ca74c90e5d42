"""Errors a user can cause, each carrying a one-line message that names what to fix.

Adapters translate them: the CLI into exit status 2, the web into HTTP 4xx.
"""


class UpperbackError(Exception):
    """Base for every error caused by input or state a user can correct."""

    status_code = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InvalidInput(UpperbackError):
    """A value, file or document is malformed or out of range."""

    status_code = 422


class NotFound(UpperbackError):
    """A referenced client, exercise, program or record does not exist."""

    status_code = 404


class Forbidden(UpperbackError):
    """The acting user may not read or write this record."""

    status_code = 403


class SafetyBlock(UpperbackError):
    """A safety rule forbids the action (for example an open red-flag referral)."""

    status_code = 409


class Conflict(UpperbackError):
    """The action conflicts with stored state (duplicate, out of order)."""

    status_code = 409
