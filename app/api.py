"""The domain routers, all under /api/v1."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI

from app.accounts.router import router as accounts_router
from app.asn.router import router as asn_router
from app.audit.router import router as audit_router
from app.auth.router import router as auth_router
from app.budgets.router import router as budgets_router
from app.competencies.assessments.router import router as assessments_router
from app.competencies.courses.router import router as courses_router
from app.competencies.reports.router import router as competency_reports_router
from app.competencies.standards.router import router as competencies_router
from app.completeness.router import router as completeness_router
from app.exports.certificates_router import router as certificate_pdf_router
from app.exports.router import router as exports_router
from app.imports.router import router as imports_router
from app.learning.evidence.router import router as evidence_router
from app.learning.plan.router import router as plan_router
from app.learning.reports.router import router as learning_reports_router
from app.learning.router import router as learning_router
from app.learning.xapi.router import router as xapi_router
from app.notifications.router import router as notifications_router
from app.org.router import router as org_router
from app.planning.certificates.router import router as certificates_router
from app.planning.needs.router import router as needs_router
from app.planning.plans.router import router as development_plans_router
from app.planning.programs.router import router as programs_router
from app.planning.sessions.router import router as sessions_router
from app.reference.router import router as reference_router
from app.reminders.router import router as reminders_router
from app.rules.router import router as rules_router
from app.sync.router import router as sync_router
from app.talent.box.router import router as talent_box_router
from app.talent.ip.router import router as ip_asn_router
from app.talent.router import router as talent_router
from app.years.router import router as years_router

API_PREFIX = "/api/v1"

# Routes are matched in this order, so the ones SIMPEG and the SPA call most come first.
ROUTERS: tuple[APIRouter, ...] = (
    asn_router,
    sync_router,
    learning_reports_router,
    learning_router,
    assessments_router,
    talent_router,
    talent_box_router,
    ip_asn_router,
    competency_reports_router,
    completeness_router,
    auth_router,
    reference_router,
    rules_router,
    reminders_router,
    years_router,
    org_router,
    competencies_router,
    courses_router,
    plan_router,
    development_plans_router,
    needs_router,
    programs_router,
    sessions_router,
    certificates_router,
    budgets_router,
    exports_router,
    certificate_pdf_router,
    imports_router,
    xapi_router,
    evidence_router,
    accounts_router,
    notifications_router,
    audit_router,
)


def include_api(app: FastAPI) -> None:
    # Each router is included in the app itself: a nested router adds a matching layer to every request.
    for router in ROUTERS:
        app.include_router(router, prefix=API_PREFIX)
