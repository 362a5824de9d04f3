"""UserError: what every mistake a user can make is, in one place.

The ``ipssim`` command prints a ``UserError`` as one message and exits with status 2, without a
traceback; any other exception is a bug and keeps its traceback.
"""

from __future__ import annotations


class UserError(Exception):
    """A user's mistake; the message names what was wrong and what is allowed."""
