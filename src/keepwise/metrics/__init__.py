"""Stage 2: metrics computed from the loaded data.

``customer_features`` is the per-customer feature table (an ibis expression) that the
assessment and the portfolio metrics read.
"""

from keepwise.metrics.features import FEATURE_COLUMNS, customer_feature_frame, customer_features

__all__ = ["FEATURE_COLUMNS", "customer_feature_frame", "customer_features"]
