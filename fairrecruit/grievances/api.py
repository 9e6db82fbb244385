"""JSON API for grievances (mounted under /api/v1/)."""

from ninja import Router

router = Router(tags=["grievances"])
