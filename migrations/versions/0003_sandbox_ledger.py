"""sandbox gateway ledger: charges known to the offline gateway, kept apart from payments

Revision ID: 0003_sandbox_ledger
Revises: 0002_outbox
Create Date: 2026-12-05 02:25:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0003_sandbox_ledger"
down_revision = "0002_outbox"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "sandbox_charges",
        sa.Column("idempotency_key", sa.String(length=255), nullable=False),
        sa.Column("payment_intent_id", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("amount_minor", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("payment_id", sa.Integer(), nullable=True),
        sa.Column("failure_code", sa.String(length=60), nullable=True),
        sa.Column("failure_message", sa.String(length=300), nullable=True),
        sa.Column("retryable", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("idempotency_key", name=op.f("pk_sandbox_charges")),
    )
    op.create_index(op.f("ix_sandbox_charges_payment_id"), "sandbox_charges", ["payment_id"])


def downgrade():
    op.drop_index(op.f("ix_sandbox_charges_payment_id"), table_name="sandbox_charges")
    op.drop_table("sandbox_charges")
