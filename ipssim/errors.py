"""UserError: what every mistake a user can make is, in one place.

The ``ipssim`` command prints a ``UserError`` as one message and exits with status 2, without a
traceback; any other exception is a bug and keeps its traceback.
"""

from __future__ import annotations


class UserError(Exception):
    """A user's mistake; the message names what was wrong and what is allowed."""


SHOWN_CHARS = 80  # a value echoed in a message is cut to this many characters


def shown(value: object) -> str:
    """``repr(value)`` for a message, cut to ``SHOWN_CHARS`` characters: a mistake in a long
    value is reported in one short line."""
    text = repr(value)
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 3] + "..."
