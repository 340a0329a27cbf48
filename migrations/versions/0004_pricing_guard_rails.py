"""pricing guard rails per cinema, and each showtime's demand exposure for learning from bookings

Revision ID: 0004_pricing_guard_rails
Revises: 0003_sandbox_ledger
Create Date: 2026-12-05 03:00:00

Existing showtimes start untracked (``exposure_at`` NULL): the repricing job fills in what the
booking curve says they have been exposed to at their current price on its first run.
"""
import sqlalchemy as sa
from alembic import op

revision = "0004_pricing_guard_rails"
down_revision = "0003_sandbox_ledger"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("showtimes", sa.Column("demand_exposure", sa.Float(), server_default="0", nullable=False))
    op.add_column("showtimes", sa.Column("exposure_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "pricing_guard_rails",
        sa.Column("cinema_id", sa.Integer(), nullable=False),
        sa.Column("max_daily_change_bp", sa.Integer(), nullable=True),
        sa.Column("no_rise_hours", sa.Integer(), nullable=False),
        sa.Column("only_fall", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("CURRENT_TIMESTAMP"),
                  nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("CURRENT_TIMESTAMP"),
                  nullable=False),
        sa.CheckConstraint("max_daily_change_bp IS NULL OR max_daily_change_bp BETWEEN 10 AND 100000",
                           name=op.f("ck_pricing_guard_rails_daily_change_range")),
        sa.CheckConstraint("no_rise_hours BETWEEN 0 AND 168",
                           name=op.f("ck_pricing_guard_rails_no_rise_hours_range")),
        sa.ForeignKeyConstraint(["cinema_id"], ["cinemas.id"],
                                name=op.f("fk_pricing_guard_rails_cinema_id_cinemas"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("cinema_id", name=op.f("pk_pricing_guard_rails")),
    )
    op.create_table(
        "pricing_category_bounds",
        sa.Column("cinema_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=12), nullable=False),
        sa.Column("floor_minor", sa.Integer(), nullable=True),
        sa.Column("ceiling_minor", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "category IN ('standard', 'premium', 'vip', 'wheelchair', 'companion', 'love_seat')",
            name=op.f("ck_pricing_category_bounds_category_known")),
        sa.CheckConstraint("floor_minor IS NULL OR floor_minor >= 0",
                           name=op.f("ck_pricing_category_bounds_floor_positive")),
        sa.CheckConstraint("ceiling_minor IS NULL OR ceiling_minor > 0",
                           name=op.f("ck_pricing_category_bounds_ceiling_positive")),
        sa.CheckConstraint("floor_minor IS NULL OR ceiling_minor IS NULL OR floor_minor <= ceiling_minor",
                           name=op.f("ck_pricing_category_bounds_floor_below_ceiling")),
        sa.ForeignKeyConstraint(["cinema_id"], ["pricing_guard_rails.cinema_id"],
                                name=op.f("fk_pricing_category_bounds_cinema_id_pricing_guard_rails"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("cinema_id", "category", name=op.f("pk_pricing_category_bounds")),
    )


def downgrade():
    op.drop_table("pricing_category_bounds")
    op.drop_table("pricing_guard_rails")
    with op.batch_alter_table("showtimes") as batch_op:
        batch_op.drop_column("exposure_at")
        batch_op.drop_column("demand_exposure")
