"""Logging: structured JSON lines with the request id, and no personal data.

Filled in by the hardening work; `configure_logging` is called once per process (CLI, server workers).
"""

from __future__ import annotations

import logging

from app.core.config import Settings


def configure_logging(settings: Settings) -> None:
    logging.basicConfig(level=settings.log_level.upper())
