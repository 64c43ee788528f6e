"""The sample business (``keepwise sample``, ``keepwise demo``): a synthetic business in the data contract, with planted customer types.

Every customer is given one planted type (the truth, written to ``_truth.csv`` beside the
data, a name no command reads as a table nor warns about: ``keepwise.data.sources.NOT_DATA_PREFIXES``)
and behaves as that type does: how often and how much they buy, how they pay, return,
complain, behave towards staff and engage. The per-type behaviour is one table
of parameters (``CUSTOMER_TYPES``); the generators below are vectorised over all customers
at once (``np.repeat`` of per-customer counts, cumulative sums of purchase gaps), so
100,000 customers and their ~1.5M orders take well under a minute.

Time is handled internally as float days since ``as_of - HISTORY_DAYS``; every event lies
strictly before ``as_of`` 00:00, so it is "before the as-of date" under either reading of
a date-only as-of. Money is handled as integer cents so sums and "return <= revenue" are exact.
"""

from keepwise.sample.types import CUSTOMER_TYPES, REMAINDER_TYPE, TYPE_NAMES, CustomerTypeSpec
from keepwise.sample.writer import OUTPUT_TABLES, TRUTH_FILE, SampleResult, generate_sample, generate_tables

__all__ = [
    "CUSTOMER_TYPES",
    "OUTPUT_TABLES",
    "REMAINDER_TYPE",
    "TRUTH_FILE",
    "TYPE_NAMES",
    "CustomerTypeSpec",
    "SampleResult",
    "generate_sample",
    "generate_tables",
]
