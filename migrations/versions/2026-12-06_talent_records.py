"""talent records: yearly SKP results (performances), potential assessments, disciplinary records

Revision ID: 0012_talent_records
Revises: 0011_import_message
Create Date: 2026-12-06 16:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0012_talent_records"
down_revision: str | None = "0011_import_message"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "performances",
        sa.Column("nip", sa.String(length=18), nullable=False),
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("predikat", sa.String(length=20), nullable=False),
        sa.Column("score", sa.Numeric(precision=5, scale=2), nullable=True),
        sa.Column("source", sa.String(length=120), nullable=False),
        sa.Column("updated_by", sa.String(length=120), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["nip"], ["asn.nip"], name=op.f("fk_performances_nip_asn")),
        sa.PrimaryKeyConstraint("nip", "year", name=op.f("pk_performances")),
    )
    with op.batch_alter_table("performances", schema=None) as batch_op:
        batch_op.create_index("ix_performances_year_nip", ["year", "nip"], unique=False)

    op.create_table(
        "potential_assessments",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("nip", sa.String(length=18), nullable=False),
        sa.Column("assessed_on", sa.Date(), nullable=False),
        sa.Column("method", sa.String(length=30), nullable=False),
        sa.Column("assessor", sa.String(length=200), nullable=True),
        sa.Column("score", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("category", sa.String(length=10), nullable=True),
        sa.Column(
            "aspects",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["nip"], ["asn.nip"], name=op.f("fk_potential_assessments_nip_asn")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_potential_assessments")),
    )
    with op.batch_alter_table("potential_assessments", schema=None) as batch_op:
        batch_op.create_index(
            "ix_potential_assessments_nip_assessed_on", ["nip", "assessed_on"], unique=False
        )

    op.create_table(
        "disciplinary_records",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("nip", sa.String(length=18), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("reference", sa.String(length=200), nullable=True),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["nip"], ["asn.nip"], name=op.f("fk_disciplinary_records_nip_asn")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disciplinary_records")),
    )
    with op.batch_alter_table("disciplinary_records", schema=None) as batch_op:
        batch_op.create_index("ix_disciplinary_records_nip_decided_on", ["nip", "decided_on"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("disciplinary_records", schema=None) as batch_op:
        batch_op.drop_index("ix_disciplinary_records_nip_decided_on")
    op.drop_table("disciplinary_records")
    with op.batch_alter_table("potential_assessments", schema=None) as batch_op:
        batch_op.drop_index("ix_potential_assessments_nip_assessed_on")
    op.drop_table("potential_assessments")
    with op.batch_alter_table("performances", schema=None) as batch_op:
        batch_op.drop_index("ix_performances_year_nip")
    op.drop_table("performances")
