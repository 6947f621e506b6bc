"""Imports every model so Alembic and tests see the whole schema."""

from app.asn.models import Asn
from app.auth.models import IntegrationClient, LoginThrottle, RefreshToken, User
from app.budgets.models import Budget, UnitBudget
from app.competencies.models import (
    Assessment,
    AssessmentResult,
    Competency,
    CompetencyLevel,
    CompetencyStanding,
    CompetencyUnitTotal,
    Course,
    CourseCompetency,
    PositionStandard,
    StandardDefault,
)
from app.core.audit import AuditEntry
from app.core.changes import Change
from app.core.idempotency import IdempotencyRecord
from app.imports.models import ImportJob, ImportRow
from app.learning.models import JpTotal, JpYearTotal, LearningEvent, LearningRecord
from app.org.models import Position, Unit
from app.rules.models import RuleSet

__all__ = [
    "Asn",
    "Assessment",
    "AssessmentResult",
    "AuditEntry",
    "Budget",
    "Change",
    "Competency",
    "CompetencyLevel",
    "CompetencyStanding",
    "CompetencyUnitTotal",
    "Course",
    "CourseCompetency",
    "IdempotencyRecord",
    "ImportJob",
    "ImportRow",
    "IntegrationClient",
    "JpTotal",
    "JpYearTotal",
    "LearningEvent",
    "LearningRecord",
    "LoginThrottle",
    "Position",
    "PositionStandard",
    "RefreshToken",
    "RuleSet",
    "StandardDefault",
    "Unit",
    "UnitBudget",
    "User",
]
