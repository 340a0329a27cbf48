"""What the audit trail answers and the filters it takes."""

from __future__ import annotations

import marshmallow as ma

from app.common.fields import AwareDateTime, Id, Text
from app.common.pagination import PageArgsSchema, page_schema


class AuditEntrySchema(ma.Schema):
    """One recorded action. People appear by id only."""

    id = ma.fields.Integer(metadata={"description": "Entry id (entries are never changed or removed)",
                                     "example": 981})
    at = ma.fields.DateTime(metadata={"description": "When it was done (UTC)",
                                      "example": "2026-12-05T19:42:07+00:00"})
    actor_id = ma.fields.Integer(allow_none=True, metadata={
        "description": "User who did it; null for the system (a worker's task)", "example": 7})
    actor_role = ma.fields.String(metadata={
        "description": "The actor's role at the time: customer, staff, manager, admin or system",
        "example": "staff"})
    cinema_id = ma.fields.Integer(allow_none=True, metadata={
        "description": "Cinema concerned; null for actions that belong to none (role changes)",
        "example": 1})
    action = ma.fields.String(metadata={"description": "What was done, `<subject>.<verb>`",
                                        "example": "checkin.undone"})
    subject_type = ma.fields.String(metadata={"description": "Kind of record acted on",
                                              "example": "ticket"})
    subject_id = ma.fields.String(metadata={"description": "Its id", "example": "1532"})
    before = ma.fields.Dict(allow_none=True, metadata={
        "description": "The changed fields before (null when the record was created)",
        "example": {"admitted_at": "2026-12-05T19:40:12+00:00", "admitted_by": 7}})
    after = ma.fields.Dict(allow_none=True, metadata={
        "description": "The changed fields after (null when the record was removed)", "example": None})


AuditEntryPageSchema = page_schema(AuditEntrySchema)


class AuditQueryArgsSchema(PageArgsSchema):
    action = Text(min_length=1, max_length=40, metadata={
        "description": "Only this action, or every action of a subject with a trailing dot "
                       "(`refund.` for all refund actions)", "example": "booking.cancelled"})
    cinema_id = Id(metadata={"description": "Only entries of this cinema", "example": 1})
    actor_id = Id(metadata={"description": "Only what this user did", "example": 7})
    subject_type = Text(min_length=1, max_length=30, metadata={
        "description": "Only entries about this kind of record", "example": "booking"})
    subject_id = Text(min_length=1, max_length=40, metadata={
        "description": "Only entries about this record (with `subject_type`)", "example": "42"})
    since = AwareDateTime(metadata={"description": "From this instant on (inclusive)",
                                    "example": "2026-12-01T00:00:00+00:00"})
    until = AwareDateTime(metadata={"description": "Before this instant (exclusive)",
                                    "example": "2026-12-31T00:00:00+00:00"})
