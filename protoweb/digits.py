"""Reading a number from a header or query value as HTTP means it."""

from __future__ import annotations


def is_ascii_digits(text: str) -> bool:
    """``0``-``9`` only (``str.isdigit`` also takes ``²`` and other digits, which
    ``int`` then refuses)."""
    return text.isascii() and text.isdigit()
