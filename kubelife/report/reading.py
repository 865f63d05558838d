"""The head of the "how to read a row" table; a profile's report may supply the rows (``ReportSpec.reading``)."""

from __future__ import annotations

__all__ = ["READING_HEAD"]

READING_HEAD = ("row", "expected", "pod diagram", "what the event does there (edge → phase)")
