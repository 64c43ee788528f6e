"""Stage 1: the contract schema, the loaders and validation."""

from keepwise.data.loader import Dataset, load, validate_source
from keepwise.data.problems import DataError, Problem
from keepwise.data.schema import TABLES

__all__ = ["TABLES", "DataError", "Dataset", "Problem", "load", "validate_source"]
