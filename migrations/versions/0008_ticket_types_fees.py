"""ticket types, booking fees, tax classes and seat categories as data

Revision ID: 0008_ticket_types_fees
Revises: 0007_box_office
Create Date: 2026-12-05 09:00:00

Ticket types were a CHECK constraint with multipliers in code and ``ticket_type`` pricing
rules; they become rows of ``ticket_types`` per cinema. Every cinema gets adult, child, senior
and student at the multiplier it priced them at (its own rule, else a global rule, else the
code's default), and the child ticket keeps the cinema's ``child_ticket_max_age`` as its
``max_age``; the ``ticket_type`` rules and that column then go. No tax class is made: a ticket
type or fee without one is taxed at ``cinemas.tax_rate``, as everything was before.

Seat categories were a CHECK constraint too; they become rows of ``seat_categories`` (the six
known ones, and any other a price row named) which seats, prices, price bounds and booked
seats refer to by foreign key.
"""
from decimal import Decimal

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0008_ticket_types_fees"
down_revision = "0007_box_office"
branch_labels = None
depends_on = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
# The multipliers the code priced ticket types at before this revision.
_DEFAULTS = (("adult", "Adult", Decimal("1")), ("child", "Child", Decimal("0.75")),
             ("senior", "Senior", Decimal("0.85")), ("student", "Student", Decimal("0.9")))
_OLD_RULE_KINDS = "('ticket_type', 'format', 'weekday', 'holiday', 'matinee', 'late_night')"
_NEW_RULE_KINDS = "('format', 'weekday', 'holiday', 'matinee', 'late_night')"
_OLD_TICKET_TYPES = "('adult', 'child', 'senior', 'student')"
_SEAT_CATEGORIES = (("standard", "Standard"), ("premium", "Premium"), ("vip", "VIP"),
                    ("wheelchair", "Wheelchair space"), ("companion", "Companion seat"),
                    ("love_seat", "Love seat"))
_OLD_CATEGORIES = "('standard', 'premium', 'vip', 'wheelchair', 'companion', 'love_seat')"
# Tables naming a seat category: (table, its check constraint on it, if any).
_CATEGORY_COLUMNS = (("seats", "ck_seats_category_known"), ("seat_category_prices", None),
                     ("pricing_category_bounds", "ck_pricing_category_bounds_category_known"),
                     ("booking_seats", None))


def _timestamps():
    return [
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("CURRENT_TIMESTAMP"),
                  nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("CURRENT_TIMESTAMP"),
                  nullable=False),
    ]


def _fk(table, column, target, ondelete):
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"),
                                   ondelete=ondelete)


def upgrade():
    _seat_categories()
    op.create_table(
        "tax_classes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cinema_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("rate", sa.Numeric(precision=5, scale=4), nullable=False),
        *_timestamps(),
        sa.CheckConstraint("rate >= 0 AND rate < 1", name=op.f("ck_tax_classes_rate_range")),
        _fk("tax_classes", "cinema_id", "cinemas", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tax_classes")),
        sa.UniqueConstraint("cinema_id", "code", name="uq_tax_classes_cinema_code"),
    )
    op.create_table(
        "ticket_types",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cinema_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("multiplier", sa.Numeric(precision=6, scale=4), nullable=False),
        sa.Column("min_age", sa.Integer(), nullable=True),
        sa.Column("max_age", sa.Integer(), nullable=True),
        sa.Column("proof_required", sa.String(length=80), nullable=True),
        sa.Column("channels", _JSON, nullable=False),
        sa.Column("tax_class_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        *_timestamps(),
        sa.CheckConstraint("multiplier > 0 AND multiplier <= 10", name=op.f("ck_ticket_types_multiplier_range")),
        sa.CheckConstraint("min_age IS NULL OR min_age BETWEEN 0 AND 120", name=op.f("ck_ticket_types_min_age_range")),
        sa.CheckConstraint("max_age IS NULL OR max_age BETWEEN 0 AND 120", name=op.f("ck_ticket_types_max_age_range")),
        sa.CheckConstraint("min_age IS NULL OR max_age IS NULL OR min_age <= max_age",
                           name=op.f("ck_ticket_types_ages_ordered")),
        _fk("ticket_types", "cinema_id", "cinemas", "CASCADE"),
        _fk("ticket_types", "tax_class_id", "tax_classes", "RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_types")),
        sa.UniqueConstraint("cinema_id", "code", name="uq_ticket_types_cinema_code"),
    )
    op.create_table(
        "booking_fees",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cinema_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("amount_minor", sa.Integer(), nullable=False),
        sa.Column("per", sa.String(length=8), nullable=False),
        sa.Column("channel", sa.String(length=12), nullable=False),
        sa.Column("tax_class_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        *_timestamps(),
        sa.CheckConstraint("amount_minor > 0", name=op.f("ck_booking_fees_amount_positive")),
        sa.CheckConstraint("per IN ('ticket', 'order')", name=op.f("ck_booking_fees_per_known")),
        sa.CheckConstraint("channel IN ('online', 'box_office', 'any')", name=op.f("ck_booking_fees_channel_known")),
        _fk("booking_fees", "cinema_id", "cinemas", "CASCADE"),
        _fk("booking_fees", "tax_class_id", "tax_classes", "RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_booking_fees")),
    )
    op.create_table(
        "booking_fee_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("booking_id", sa.Integer(), nullable=False),
        sa.Column("fee_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("amount_minor", sa.Integer(), nullable=False),
        sa.Column("tax_class_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("amount_minor > 0", name=op.f("ck_booking_fee_lines_amount_positive")),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_booking_fee_lines_quantity_positive")),
        _fk("booking_fee_lines", "booking_id", "bookings", "CASCADE"),
        _fk("booking_fee_lines", "tax_class_id", "tax_classes", "RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_booking_fee_lines")),
    )
    op.create_index("ix_booking_fee_lines_booking", "booking_fee_lines", ["booking_id"])

    with op.batch_alter_table("booking_seats") as batch_op:
        batch_op.drop_constraint(op.f("ck_booking_seats_ticket_type_known"), type_="check")
        batch_op.alter_column("ticket_type", existing_type=sa.String(length=10), type_=sa.String(length=20),
                              existing_nullable=False)
        batch_op.add_column(sa.Column("tax_class_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(op.f("fk_booking_seats_tax_class_id_tax_classes"), "tax_classes",
                                    ["tax_class_id"], ["id"], ondelete="RESTRICT")
    with op.batch_alter_table("invoices") as batch_op:
        batch_op.add_column(sa.Column("taxes", _JSON, server_default="[]", nullable=False))

    _migrate_ticket_types()

    op.execute("DELETE FROM pricing_rules WHERE kind = 'ticket_type'")
    with op.batch_alter_table("pricing_rules") as batch_op:
        batch_op.drop_constraint(op.f("ck_pricing_rules_kind_known"), type_="check")
        batch_op.create_check_constraint(op.f("ck_pricing_rules_kind_known"), f"kind IN {_NEW_RULE_KINDS}")
    with op.batch_alter_table("cinemas") as batch_op:
        batch_op.drop_constraint(op.f("ck_cinemas_child_age_range"), type_="check")
        batch_op.drop_column("child_ticket_max_age")


def _seat_categories():
    categories = op.create_table(
        "seat_categories",
        sa.Column("code", sa.String(length=12), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_seat_categories")),
    )
    known = dict(_SEAT_CATEGORIES)
    named = op.get_bind().execute(sa.text(
        "SELECT category FROM seat_category_prices UNION SELECT category FROM booking_seats")).scalars()
    others = sorted(set(named) - set(known))
    rows = [*_SEAT_CATEGORIES, *((code, code.replace("_", " ").title()) for code in others)]
    op.bulk_insert(categories, [{"code": code, "name": name, "sort_order": order}
                                for order, (code, name) in enumerate(rows)])
    for table, check in _CATEGORY_COLUMNS:
        with op.batch_alter_table(table) as batch_op:
            if check:
                batch_op.drop_constraint(op.f(check), type_="check")
            batch_op.create_foreign_key(op.f(f"fk_{table}_category_seat_categories"), "seat_categories",
                                        ["category"], ["code"], ondelete="RESTRICT")


def _migrate_ticket_types():
    connection = op.get_bind()
    # Typed columns, so the conditions come back as JSON on SQLite too.
    rule_table = sa.table("pricing_rules", sa.column("id"), sa.column("cinema_id"), sa.column("kind"),
                          sa.column("active", sa.Boolean()), sa.column("conditions", _JSON),
                          sa.column("multiplier", sa.Numeric(6, 4)))
    rules = connection.execute(
        sa.select(rule_table.c.cinema_id, rule_table.c.conditions, rule_table.c.multiplier)
        .where(rule_table.c.kind == "ticket_type", rule_table.c.active)
        .order_by(rule_table.c.cinema_id.is_(None).desc(), rule_table.c.id)).all()
    cinemas = connection.execute(sa.text("SELECT id, child_ticket_max_age FROM cinemas")).all()
    ticket_types = sa.table(
        "ticket_types", sa.column("cinema_id"), sa.column("code"), sa.column("name"),
        sa.column("multiplier", sa.Numeric(6, 4)),
        sa.column("max_age"), sa.column("channels", _JSON), sa.column("active"), sa.column("sort_order"))
    rows = []
    for cinema_id, child_max_age in cinemas:
        multipliers = {code: multiplier for code, _, multiplier in _DEFAULTS}
        # Global rules first, so the cinema's own rule wins, as the tariff applied them.
        for rule_cinema, conditions, multiplier in rules:
            code = conditions.get("ticket_type") if isinstance(conditions, dict) else None
            if code in multipliers and rule_cinema in (None, cinema_id):
                multipliers[code] = Decimal(multiplier)
        rows += [{"cinema_id": cinema_id, "code": code, "name": name, "multiplier": multipliers[code],
                  "max_age": child_max_age if code == "child" else None,
                  "channels": ["online", "box_office"], "active": True, "sort_order": order}
                 for order, (code, name, _) in enumerate(_DEFAULTS)]
    if rows:
        op.bulk_insert(ticket_types, rows)


def downgrade():
    connection = op.get_bind()
    with op.batch_alter_table("cinemas") as batch_op:
        batch_op.add_column(sa.Column("child_ticket_max_age", sa.Integer(), server_default="14", nullable=False))
        batch_op.create_check_constraint(op.f("ck_cinemas_child_age_range"), "child_ticket_max_age BETWEEN 0 AND 21")
    children = connection.execute(sa.text(
        "SELECT cinema_id, max_age FROM ticket_types WHERE code = 'child' AND max_age IS NOT NULL")).all()
    for cinema_id, max_age in children:
        connection.execute(sa.text("UPDATE cinemas SET child_ticket_max_age = :age WHERE id = :id"),
                           {"age": min(max(max_age, 0), 21), "id": cinema_id})
    with op.batch_alter_table("pricing_rules") as batch_op:
        batch_op.drop_constraint(op.f("ck_pricing_rules_kind_known"), type_="check")
        batch_op.create_check_constraint(op.f("ck_pricing_rules_kind_known"), f"kind IN {_OLD_RULE_KINDS}")
    # Each cinema's multipliers of the four old types go back into cinema rules.
    types = connection.execute(sa.text(
        f"SELECT cinema_id, code, name, multiplier FROM ticket_types WHERE code IN {_OLD_TICKET_TYPES}")).all()
    rules = sa.table("pricing_rules", sa.column("cinema_id"), sa.column("name"), sa.column("kind"),
                     sa.column("multiplier", sa.Numeric(6, 4)), sa.column("conditions", _JSON), sa.column("priority"),
                     sa.column("active"), sa.column("version"))
    if types:
        op.bulk_insert(rules, [{"cinema_id": cinema_id, "name": name, "kind": "ticket_type",
                                "multiplier": multiplier, "conditions": {"ticket_type": code}, "priority": 0,
                                "active": True, "version": 1} for cinema_id, code, name, multiplier in types])
    # Tickets of types the old schema cannot name are kept as adult tickets.
    connection.execute(sa.text(
        f"UPDATE booking_seats SET ticket_type = 'adult' WHERE ticket_type NOT IN {_OLD_TICKET_TYPES}"))
    with op.batch_alter_table("invoices") as batch_op:
        batch_op.drop_column("taxes")
    with op.batch_alter_table("booking_seats") as batch_op:
        batch_op.drop_constraint(op.f("fk_booking_seats_tax_class_id_tax_classes"), type_="foreignkey")
        batch_op.drop_column("tax_class_id")
        batch_op.alter_column("ticket_type", existing_type=sa.String(length=20), type_=sa.String(length=10),
                              existing_nullable=False)
        batch_op.create_check_constraint(op.f("ck_booking_seats_ticket_type_known"),
                                         f"ticket_type IN {_OLD_TICKET_TYPES}")
    op.drop_index("ix_booking_fee_lines_booking", table_name="booking_fee_lines")
    op.drop_table("booking_fee_lines")
    op.drop_table("booking_fees")
    op.drop_table("ticket_types")
    op.drop_table("tax_classes")
    # Seats of categories added since cannot go back under the old check: the downgrade refuses.
    for table, check in _CATEGORY_COLUMNS:
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_constraint(op.f(f"fk_{table}_category_seat_categories"), type_="foreignkey")
            if check:
                batch_op.create_check_constraint(op.f(check), f"category IN {_OLD_CATEGORIES}")
    op.drop_table("seat_categories")
