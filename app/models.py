"""Imports every model so Alembic and tests see the whole schema."""

from app.asn.models import Asn
from app.auth.models import IntegrationClient, LoginThrottle, RefreshToken, User
from app.core.audit import AuditEntry
from app.core.idempotency import IdempotencyRecord
from app.learning.models import JpTotal, JpYearTotal, LearningEvent, LearningRecord
from app.org.models import Position, Unit
from app.rules.models import RuleSet

__all__ = [
    "Asn",
    "AuditEntry",
    "IdempotencyRecord",
    "IntegrationClient",
    "JpTotal",
    "JpYearTotal",
    "LearningEvent",
    "LearningRecord",
    "LoginThrottle",
    "Position",
    "RefreshToken",
    "RuleSet",
    "Unit",
    "User",
]
