"""The Blueprint every service uses: flask-smorest's, plus ``access`` to declare who may call."""

from __future__ import annotations

from flask_smorest import Blueprint

from app.common.access import require_roles


class ServiceBlueprint(Blueprint):
    def access(self, *roles: str):
        """Declare the audience of a view, enforce it, and document it in OpenAPI.

        ``access()`` means public. With roles, the caller needs a valid access token
        (401 otherwise) and one of the roles (403 otherwise). The operation gets its
        ``security`` requirement and an ``x-roles`` list, which the RBAC test walks.
        """

        def decorator(func):
            if roles:
                func = require_roles(roles)(func)
                func = self.alt_response(401, response="UNAUTHORIZED")(func)
                func = self.alt_response(403, response="FORBIDDEN")(func)
                return self.doc(security=[{"bearerAuth": []}], **{"x-roles": list(roles)})(func)
            return self.doc(security=[], **{"x-roles": ["public"]})(func)

        return decorator
