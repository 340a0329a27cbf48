"""Pieces every service shares: errors, the API object, access control, pagination, caching, clock."""
