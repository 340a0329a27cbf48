"""HTTP route of the audit trail: GET /api/audit (managers for their cinemas, admins for all)."""

from __future__ import annotations

from flask.views import MethodView

from app.audit.queries import list_entries
from app.audit.schemas import AuditEntryPageSchema, AuditQueryArgsSchema
from app.common.access import MANAGERS, current_principal
from app.common.blueprint import ServiceBlueprint

blp = ServiceBlueprint(
    "audit", __name__, url_prefix="/api/audit",
    description="The append-only audit trail: refunds, cancellations, price and rule changes, "
                "schedule changes, check-in overrides and role changes, with who (by id), when, "
                "and the record before and after. Managers read their cinemas' entries, admins all.",
)


@blp.route("")
class AuditEntries(MethodView):
    @blp.access(*MANAGERS)
    @blp.arguments(AuditQueryArgsSchema, location="query")
    @blp.response(200, AuditEntryPageSchema)
    @blp.alt_response(403, response="FORBIDDEN",
                      description="Not a manager or admin, or `cinema_id` names a cinema not yours "
                                  "(`cinema_not_assigned`)")
    def get(self, args: dict):
        """List audit entries, newest first, filtered by action, cinema, actor, subject or time"""
        return list_entries(current_principal(), **args)
