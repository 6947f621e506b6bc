from __future__ import annotations

from enum import StrEnum


class ExportFormat(StrEnum):
    xlsx = "xlsx"
    csv = "csv"
