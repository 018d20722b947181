"""Refusals of the report functions: a stable code and a Vietnamese message."""

from __future__ import annotations


class ReportError(ValueError):
    """Bad report parameters (dates, range, grouping, format); ``message`` is for people."""

    def __init__(self, code: str, message: str):
        self.code = code
        self.message = message
        super().__init__(f"{code}: {message}")
