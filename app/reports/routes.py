"""HTTP routes of the reports: read-only, for the managers of a cinema and admins."""

from __future__ import annotations

from flask.views import MethodView

from app.common.access import MANAGERS, current_principal
from app.common.blueprint import ServiceBlueprint
from app.reports.sales import sales_report
from app.reports.schemas import SalesQueryArgsSchema, SalesReportSchema

blp = ServiceBlueprint(
    "reports", __name__, url_prefix="/api/reports",
    description="Occupancy and revenue for the managers' dashboard, computed in the database.",
)


@blp.route("/sales")
class SalesReport(MethodView):
    @blp.access(*MANAGERS)
    @blp.arguments(SalesQueryArgsSchema, location="query")
    @blp.response(200, SalesReportSchema)
    @blp.alt_response(404, description="No such cinema")
    def get(self, args: dict):
        """Occupancy and revenue of a cinema's days, by day, film or screen (its managers, admins)"""
        return sales_report(current_principal(), **args)
