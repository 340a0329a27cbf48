"""what the cinema keeps (film rent by week of the run, concession spend per visitor), and
a generation run's heartbeat and warnings

Revision ID: 0005_film_terms
Revises: 0004_pricing_guard_rails
Create Date: 2026-12-05 06:00:00

Existing films have no rent (the cinema keeps the whole ticket) and existing cinemas no
concession spend, so a run maximising what the cinema keeps ranks them as before. A run
still ``running`` from before has no heartbeat: its start stands in for one.
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0005_film_terms"
down_revision = "0004_pricing_guard_rails"
branch_labels = None
depends_on = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade():
    with op.batch_alter_table("movies") as batch_op:
        batch_op.add_column(sa.Column("rent_by_week_bp", _JSON, server_default="[]", nullable=False))
    with op.batch_alter_table("cinemas") as batch_op:
        batch_op.add_column(sa.Column("concession_per_visitor_minor", sa.Integer(), server_default="0",
                                      nullable=False))
        batch_op.create_check_constraint(op.f("ck_cinemas_concession_positive"), "concession_per_visitor_minor >= 0")
    with op.batch_alter_table("optimisation_runs") as batch_op:
        batch_op.add_column(sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("warnings", _JSON, server_default="[]", nullable=False))


def downgrade():
    with op.batch_alter_table("optimisation_runs") as batch_op:
        batch_op.drop_column("warnings")
        batch_op.drop_column("heartbeat_at")
    with op.batch_alter_table("cinemas") as batch_op:
        batch_op.drop_constraint(op.f("ck_cinemas_concession_positive"), type_="check")
        batch_op.drop_column("concession_per_visitor_minor")
    with op.batch_alter_table("movies") as batch_op:
        batch_op.drop_column("rent_by_week_bp")
