"""ETag / If-Match optimistic concurrency for editable resources."""

from __future__ import annotations

from typing import Annotated

from fastapi import Header

from app.core.errors import PreconditionFailed, PreconditionRequired
from app.core.i18n import msg

IfMatchHeader = Annotated[
    str | None,
    Header(
        alias="If-Match",
        max_length=200,
        description="The ETag from your last read; required for updates",
        examples=['"3"'],
    ),
]


def etag(version: int) -> str:
    return f'"{version}"'


def check_if_match(if_match: str | None, version: int) -> None:
    """428 when missing, 412 when no listed tag matches the current version."""
    if if_match is None or not if_match.strip():
        raise PreconditionRequired("Send If-Match with the ETag from your last read to update this resource")
    current = etag(version)
    tags = [t.strip() for t in if_match.split(",")]
    if "*" in tags or current in tags:
        return
    raise PreconditionFailed(
        msg(
            "The resource has changed since you read it (current ETag {current}); read it again and retry",
            current=current,
        )
    )
