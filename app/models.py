"""Imports every model so Alembic and tests see the whole schema."""

from app.asn.models import Asn
from app.auth.models import IntegrationClient, LoginThrottle, RefreshToken, User
from app.background import ScheduledRun
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
from app.completeness.models import CompletenessSnapshot
from app.core.audit import AuditEntry
from app.core.changes import Change
from app.core.idempotency import IdempotencyRecord
from app.core.report_cache import DataVersion
from app.imports.models import ImportJob, ImportRow
from app.learning.models import JpTotal, JpYearTotal, LearningEvent, LearningRecord
from app.notifications.models import Notification, NotificationDelivery, NotificationPreference
from app.org.models import Position, Unit
from app.planning.models import (
    Certificate,
    CourseSession,
    CourseSessionUnitQuota,
    DevelopmentPlan,
    DevelopmentPlanEvent,
    DevelopmentPlanItem,
    DevelopmentProgram,
    DevelopmentProgramLine,
    Nomination,
)
from app.reminders.models import ReminderRuleSet
from app.rules.models import RuleSet
from app.talent.box.models import TalentPlacement
from app.talent.ip.models import IpAsnScore, IpAsnScoreYear
from app.talent.models import DisciplinaryRecord, Performance, PotentialAssessment
from app.years.models import YearClosing

__all__ = [
    "Asn",
    "Assessment",
    "AssessmentResult",
    "AuditEntry",
    "Budget",
    "Certificate",
    "Change",
    "Competency",
    "CompetencyLevel",
    "CompetencyStanding",
    "CompetencyUnitTotal",
    "CompletenessSnapshot",
    "Course",
    "CourseCompetency",
    "CourseSession",
    "CourseSessionUnitQuota",
    "DataVersion",
    "DevelopmentPlan",
    "DevelopmentPlanEvent",
    "DevelopmentPlanItem",
    "DevelopmentProgram",
    "DevelopmentProgramLine",
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
    "Nomination",
    "Notification",
    "NotificationDelivery",
    "NotificationPreference",
    "Performance",
    "Position",
    "PositionStandard",
    "PotentialAssessment",
    "RefreshToken",
    "ReminderRuleSet",
    "RuleSet",
    "ScheduledRun",
    "StandardDefault",
    "TalentPlacement",
    "Unit",
    "UnitBudget",
    "User",
    "YearClosing",
]
