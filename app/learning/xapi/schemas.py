"""Wire shapes of the xAPI statements resource (the statements themselves follow xAPI 1.0.3)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

STATEMENT_EXAMPLE: dict[str, Any] = {
    "id": "6690e6c9-3ef0-4ed3-8b37-7f3964730bee",
    "actor": {
        "objectType": "Agent",
        "name": "Siti Rahmawati",
        "account": {"homePage": "https://lms.kaltimprov.go.id", "name": "198503142010012003"},
    },
    "verb": {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {"en-US": "completed"}},
    "object": {
        "objectType": "Activity",
        "id": "https://lms.kaltimprov.go.id/course/spbe-dasar",
        "definition": {
            "name": {"id-ID": "E-Learning SPBE Dasar", "en-US": "Basic e-government (SPBE)"},
            "type": "http://adlnet.gov/expapi/activities/course",
        },
    },
    "result": {"completion": True, "duration": "PT1H30M"},
    "context": {"platform": "LMS BPSDM Kaltim"},
    "timestamp": "2026-03-10T15:42:00+08:00",
}

# The parts of an xAPI statement Bangkom reads; any other xAPI property is accepted and ignored.
STATEMENT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": "XapiStatement",
    "description": (
        "An xAPI 1.0.3 statement. `completed`/`attended` (ADL or cmi5 verb IRIs) make a verified learning "
        "record for the ASN whose NIP is `actor.account.name`; `voided` (object a StatementRef) voids the "
        "record made from the referenced statement. JP comes from a result extension ending in "
        "`/extensions/jp`, else from `result.duration` under the year's rules; the form from an extension "
        "ending in `/extensions/form_code` (default 16, E-Learning); the dates from `timestamp` and an "
        "optional `/extensions/start_date`."
    ),
    "required": ["actor", "verb", "object"],
    "properties": {
        "id": {"type": "string", "format": "uuid", "description": "Assigned when missing"},
        "actor": {
            "type": "object",
            "properties": {
                "objectType": {"type": "string", "enum": ["Agent"]},
                "account": {
                    "type": "object",
                    "properties": {
                        "homePage": {"type": "string"},
                        "name": {"type": "string", "description": "The ASN's NIP"},
                    },
                    "required": ["name"],
                },
            },
        },
        "verb": {"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"]},
        "object": {
            "type": "object",
            "properties": {
                "objectType": {"type": "string", "enum": ["Activity", "StatementRef"]},
                "id": {"type": "string"},
                "definition": {
                    "type": "object",
                    "properties": {
                        "name": {
                            "type": "object",
                            "additionalProperties": {"type": "string"},
                            "description": "Language map; id-ID is preferred, then en-US",
                        }
                    },
                },
            },
            "required": ["id"],
        },
        "result": {
            "type": "object",
            "properties": {
                "duration": {"type": "string", "examples": ["PT1H30M", "P1DT2H", "PT45M30S"]},
                "extensions": {"type": "object"},
            },
        },
        "context": {
            "type": "object",
            "properties": {"platform": {"type": "string"}, "extensions": {"type": "object"}},
        },
        "timestamp": {"type": "string", "format": "date-time"},
    },
    "additionalProperties": True,
}


class RejectedStatement(BaseModel):
    index: int = Field(description="Position of the statement in the request (0 for a single statement)")
    id: str | None = Field(description="The statement's id, when it had a usable one")
    code: str = Field(
        description="unknown_nip, unsupported_verb, missing_jp, invalid_statement, statement_conflict, "
        "possible_duplicate, statement_not_found, invalid_jp, invalid_dates or unknown_form_code"
    )
    detail: str
    duplicate_of: int | None = Field(default=None, description="For possible_duplicate: the existing record")


class StatementsResult(BaseModel):
    """What became of each statement of the batch: nothing is dropped without a reason."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "ids": ["6690e6c9-3ef0-4ed3-8b37-7f3964730bee"],
                    "rejected": [
                        {
                            "index": 1,
                            "id": "0b6f5a3e-2d54-4d9e-9a53-0f1de7c1c2aa",
                            "code": "unknown_nip",
                            "detail": "No ASN has the NIP 199001012015011001 (actor.account.name)",
                            "duplicate_of": None,
                        }
                    ],
                }
            ]
        }
    )

    ids: list[str] = Field(
        description="Ids of the accepted statements (recorded, replayed or voiding), in request order; "
        "ids the server assigned are included"
    )
    rejected: list[RejectedStatement]


class About(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"version": ["1.0.3"]}]})

    version: list[str]
