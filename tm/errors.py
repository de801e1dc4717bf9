"""Errors a user can cause: the CLI prints their message and exits non-zero."""


class UserError(Exception):
    """Bad input, a missing file or a wrong option: one clear message, no traceback."""


class StaleUnit(UserError):
    """A unit changed or deleted between reading it and writing it back (another reviewer, an
    edit, a second sheet): the write is refused, not applied over the newer state."""
