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
from app.talent.box.models import TalentPlacement
from app.talent.ip.models import IpAsnScore, IpAsnScoreYear
from app.talent.models import DisciplinaryRecord, Performance, PotentialAssessment

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
    "DisciplinaryRecord",
    "IdempotencyRecord",
    "ImportJob",
    "ImportRow",
    "IntegrationClient",
    "IpAsnScore",
    "IpAsnScoreYear",
    "JpTotal",
    "JpYearTotal",
    "LearningEvent",
    "LearningRecord",
    "LoginThrottle",
    "Performance",
    "Position",
    "PositionStandard",
    "PotentialAssessment",
    "RefreshToken",
    "RuleSet",
    "StandardDefault",
    "TalentPlacement",
    "Unit",
    "UnitBudget",
    "User",
]
