"""Mounts each domain router under /api/v1."""

from __future__ import annotations

from fastapi import APIRouter

from app.accounts.router import router as accounts_router
from app.asn.router import router as asn_router
from app.audit.router import router as audit_router
from app.auth.router import router as auth_router
from app.learning.evidence_router import router as evidence_router
from app.learning.reports_router import router as learning_reports_router
from app.learning.router import router as learning_router
from app.learning.xapi_router import router as xapi_router
from app.org.router import router as org_router
from app.reference.router import router as reference_router
from app.rules.router import router as rules_router

api_router = APIRouter(prefix="/api/v1")
for router in (
    auth_router,
    reference_router,
    rules_router,
    org_router,
    asn_router,
    learning_router,
    xapi_router,
    learning_reports_router,
    evidence_router,
    accounts_router,
    audit_router,
):
    api_router.include_router(router)
