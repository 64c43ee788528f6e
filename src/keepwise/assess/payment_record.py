"""Which wording tells a customer's payment record (the reasons catalogs' ``bad_payer*`` codes): the invoices paid
late or left overdue, with the money still overdue and the money written off where there is any (a sum that rounds
to nothing is not named: "€0.00 written off" states what did not happen), or the write-offs alone. The bad payer
flag's evidence (``assess.evidence``) and the churn classifier's payments driver (``assess.churn_reasons``) tell a
record alike."""

from __future__ import annotations

import numpy as np

__all__ = ["payment_record_codes"]


def _some_money(amounts) -> np.ndarray:
    return np.round(np.nan_to_num(np.asarray(amounts, dtype=float)), 2) > 0


def payment_record_codes(late_or_overdue, written_off, overdue_money, written_off_money) -> list[tuple[str, np.ndarray]]:
    """(code, mask) for each wording, the masks apart: the counts of invoices paid late or left overdue and of
    invoices written off, and the money overdue and written off, each an array over the same customers. The last
    is the write-offs alone ("bad_payer_written_off", whose figures differ); a customer with none has no code."""
    late = np.asarray(late_or_overdue) > 0
    overdue, lost = _some_money(overdue_money), _some_money(written_off_money)
    return [("bad_payer", late & overdue & lost), ("bad_payer_overdue", late & overdue & ~lost),
            ("bad_payer_late_written_off", late & ~overdue & lost), ("bad_payer_late", late & ~overdue & ~lost),
            ("bad_payer_written_off", ~late & (np.asarray(written_off) > 0))]
