"""Errors a user can cause: the CLI prints their message and exits non-zero."""


class UserError(Exception):
    """Bad input, a missing file or a wrong option: one clear message, no traceback."""
