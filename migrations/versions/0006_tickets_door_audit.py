"""door check-ins of tickets, and the append-only audit trail

Revision ID: 0006_tickets_door_audit
Revises: 0005_film_terms
Create Date: 2026-12-05 06:00:00

On PostgreSQL a trigger refuses every UPDATE and DELETE of an audit entry, whoever sends it
(the application's own role included): the trail can only grow. TRUNCATE, a table owner's
operation like DROP, stays possible for the owner (the test suite empties tables with it).
"""
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from alembic import op

revision = "0006_tickets_door_audit"
down_revision = "0005_film_terms"
branch_labels = None
depends_on = None

_REFUSE_CHANGES = """
CREATE FUNCTION audit_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit entries are append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON audit_entries
    FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only();
"""


def _is_postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade():
    op.create_table(
        "audit_entries",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), server_default=sa.text("CURRENT_TIMESTAMP"),
                  nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_role", sa.String(length=16), nullable=False),
        sa.Column("cinema_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("subject_type", sa.String(length=30), nullable=False),
        sa.Column("subject_id", sa.String(length=40), nullable=False),
        sa.Column("before", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"),
                  nullable=True),
        sa.Column("after", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"),
                  nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entries")),
    )
    op.create_index("ix_audit_entries_cinema_at", "audit_entries", ["cinema_id", "at"])
    op.create_index("ix_audit_entries_action_at", "audit_entries", ["action", "at"])
    op.create_index("ix_audit_entries_subject", "audit_entries", ["subject_type", "subject_id"])
    op.create_index("ix_audit_entries_actor_at", "audit_entries", ["actor_id", "at"])
    if _is_postgresql():
        op.execute(_REFUSE_CHANGES)

    op.create_table(
        "ticket_checkins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("booking_seat_id", sa.Integer(), nullable=False),
        sa.Column("showtime_id", sa.Integer(), nullable=False),
        sa.Column("admitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("admitted_by", sa.Integer(), nullable=True),
        sa.Column("device", sa.String(length=60), nullable=True),
        sa.Column("source", sa.String(length=8), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("source IN ('online', 'offline')", name=op.f("ck_ticket_checkins_source_known")),
        sa.ForeignKeyConstraint(["booking_seat_id"], ["booking_seats.id"],
                                name=op.f("fk_ticket_checkins_booking_seat_id_booking_seats"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["showtime_id"], ["showtimes.id"],
                                name=op.f("fk_ticket_checkins_showtime_id_showtimes"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["admitted_by"], ["users.id"],
                                name=op.f("fk_ticket_checkins_admitted_by_users"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_checkins")),
    )
    op.create_index("uq_ticket_checkins_booking_seat", "ticket_checkins", ["booking_seat_id"], unique=True)
    op.create_index("ix_ticket_checkins_showtime", "ticket_checkins", ["showtime_id"])


def downgrade():
    op.drop_table("ticket_checkins")
    if _is_postgresql():
        op.execute("DROP TRIGGER audit_entries_append_only ON audit_entries")
        op.execute("DROP FUNCTION audit_entries_append_only()")
    op.drop_table("audit_entries")
