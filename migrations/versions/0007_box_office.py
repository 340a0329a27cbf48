"""box office: shifts and their entries, walk-in bookings, age checks at sale

Revision ID: 0007_box_office
Revises: 0006_tickets_door_audit
Create Date: 2026-12-05 06:00:00

A booking may now have no customer account (a walk-in sold at the box office names the staff
member who sold it instead). Existing bookings are online sales by their customers.
"""
import sqlalchemy as sa
from alembic import op

revision = "0007_box_office"
down_revision = "0006_tickets_door_audit"
branch_labels = None
depends_on = None


def _timestamps():
    return [
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("CURRENT_TIMESTAMP"),
                  nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("CURRENT_TIMESTAMP"),
                  nullable=False),
    ]


def upgrade():
    # Batch operations: SQLite (the embedded default) alters a table by copying it.
    with op.batch_alter_table("cinemas") as batch_op:
        batch_op.add_column(sa.Column("child_ticket_max_age", sa.Integer(), server_default="14", nullable=False))
        batch_op.add_column(sa.Column("id_check_allowed", sa.Boolean(), server_default="false", nullable=False))
        batch_op.create_check_constraint(op.f("ck_cinemas_child_age_range"), "child_ticket_max_age BETWEEN 0 AND 21")

    with op.batch_alter_table("bookings") as batch_op:
        batch_op.alter_column("user_id", existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column("customer_email", sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column("sales_channel", sa.String(length=12), server_default="online",
                                      nullable=False))
        batch_op.add_column(sa.Column("sold_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("id_checked_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("id_checked_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(op.f("fk_bookings_sold_by_id_users"), "users", ["sold_by_id"], ["id"],
                                    ondelete="RESTRICT")
        batch_op.create_foreign_key(op.f("fk_bookings_id_checked_by_id_users"), "users", ["id_checked_by_id"],
                                    ["id"], ondelete="RESTRICT")
        batch_op.create_check_constraint(op.f("ck_bookings_sales_channel_known"),
                                         "sales_channel IN ('online', 'box_office')")
        batch_op.create_check_constraint(op.f("ck_bookings_customer_or_seller"),
                                         "user_id IS NOT NULL OR sold_by_id IS NOT NULL")

    op.create_table(
        "box_office_shifts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cinema_id", sa.Integer(), nullable=False),
        sa.Column("opened_by_id", sa.Integer(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("opening_float_minor", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("closed_by_id", sa.Integer(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expected_cash_minor", sa.Integer(), nullable=True),
        sa.Column("counted_cash_minor", sa.Integer(), nullable=True),
        sa.Column("difference_minor", sa.Integer(), nullable=True),
        *_timestamps(),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.CheckConstraint("status IN ('open', 'closed')", name=op.f("ck_box_office_shifts_status_known")),
        sa.CheckConstraint("opening_float_minor >= 0", name=op.f("ck_box_office_shifts_float_positive")),
        sa.CheckConstraint("counted_cash_minor IS NULL OR counted_cash_minor >= 0",
                           name=op.f("ck_box_office_shifts_counted_positive")),
        sa.CheckConstraint("status = 'open' OR closed_at IS NOT NULL",
                           name=op.f("ck_box_office_shifts_closed_when_closed")),
        sa.ForeignKeyConstraint(["cinema_id"], ["cinemas.id"], name=op.f("fk_box_office_shifts_cinema_id_cinemas"),
                                ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["opened_by_id"], ["users.id"],
                                name=op.f("fk_box_office_shifts_opened_by_id_users"), ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["closed_by_id"], ["users.id"],
                                name=op.f("fk_box_office_shifts_closed_by_id_users"), ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_box_office_shifts")),
    )
    op.create_index("uq_box_office_shifts_open", "box_office_shifts", ["cinema_id", "opened_by_id"], unique=True,
                    postgresql_where=sa.text("status = 'open'"), sqlite_where=sa.text("status = 'open'"))
    op.create_index("ix_box_office_shifts_cinema_opened", "box_office_shifts", ["cinema_id", "opened_at"])
    op.create_table(
        "box_office_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shift_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("tender", sa.String(length=10), nullable=False),
        sa.Column("booking_id", sa.Integer(), nullable=False),
        sa.Column("payment_id", sa.Integer(), nullable=True),
        sa.Column("refund_id", sa.Integer(), nullable=True),
        sa.Column("amount_minor", sa.Integer(), nullable=False),
        sa.Column("tendered_minor", sa.Integer(), nullable=True),
        sa.Column("change_minor", sa.Integer(), nullable=True),
        sa.Column("terminal_reference", sa.String(length=64), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('sale', 'refund', 'void')", name=op.f("ck_box_office_entries_kind_known")),
        sa.CheckConstraint("tender IN ('cash', 'terminal', 'gateway')",
                           name=op.f("ck_box_office_entries_tender_known")),
        sa.CheckConstraint("amount_minor >= 0", name=op.f("ck_box_office_entries_amount_positive")),
        sa.CheckConstraint("change_minor IS NULL OR change_minor >= 0",
                           name=op.f("ck_box_office_entries_change_positive")),
        sa.ForeignKeyConstraint(["shift_id"], ["box_office_shifts.id"],
                                name=op.f("fk_box_office_entries_shift_id_box_office_shifts"), ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["booking_id"], ["bookings.id"],
                                name=op.f("fk_box_office_entries_booking_id_bookings"), ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["payment_id"], ["payments.id"],
                                name=op.f("fk_box_office_entries_payment_id_payments"), ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["refund_id"], ["refunds.id"],
                                name=op.f("fk_box_office_entries_refund_id_refunds"), ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"],
                                name=op.f("fk_box_office_entries_created_by_id_users"), ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_box_office_entries")),
    )
    op.create_index("ix_box_office_entries_shift", "box_office_entries", ["shift_id"])
    op.create_index("ix_box_office_entries_booking", "box_office_entries", ["booking_id"])


def downgrade():
    op.drop_table("box_office_entries")
    op.drop_table("box_office_shifts")
    with op.batch_alter_table("bookings") as batch_op:
        batch_op.drop_constraint(op.f("ck_bookings_customer_or_seller"), type_="check")
        batch_op.drop_constraint(op.f("ck_bookings_sales_channel_known"), type_="check")
        batch_op.drop_constraint(op.f("fk_bookings_id_checked_by_id_users"), type_="foreignkey")
        batch_op.drop_constraint(op.f("fk_bookings_sold_by_id_users"), type_="foreignkey")
        for column in ("id_checked_at", "id_checked_by_id", "sold_by_id", "sales_channel", "customer_email"):
            batch_op.drop_column(column)
        # Walk-in bookings have no customer to give back: the downgrade refuses while any exists.
        batch_op.alter_column("user_id", existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table("cinemas") as batch_op:
        batch_op.drop_constraint(op.f("ck_cinemas_child_age_range"), type_="check")
        batch_op.drop_column("id_check_allowed")
        batch_op.drop_column("child_ticket_max_age")
