"""Persian words of the staff app (same keys as en.py)."""

MESSAGES = {}
